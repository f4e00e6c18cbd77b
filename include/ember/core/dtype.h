// ScalarType (dtype): the element types ember supports, their C++ types, and PyTorch's type
// promotion rules (one table, src/core/dtype.cpp).
#pragma once
#include <cstdint>
#include <ostream>
#include <type_traits>

#include "ember/core/half.h"
#include "ember/util/error.h"

namespace ember {

/// Element type of a tensor. Order matters: it indexes the promotion table.
enum class ScalarType : int8_t {
  Bool,
  UInt8,
  Int8,
  Int16,
  Int32,
  Int64,
  Float16,
  BFloat16,
  Float32,
  Float64,
  Undefined,
};
using DType = ScalarType;
constexpr int kNumScalarTypes = static_cast<int>(ScalarType::Undefined);

constexpr ScalarType kBool = ScalarType::Bool;
constexpr ScalarType kUInt8 = ScalarType::UInt8;
constexpr ScalarType kByte = ScalarType::UInt8;
constexpr ScalarType kInt8 = ScalarType::Int8;
constexpr ScalarType kChar = ScalarType::Int8;
constexpr ScalarType kInt16 = ScalarType::Int16;
constexpr ScalarType kShort = ScalarType::Int16;
constexpr ScalarType kInt32 = ScalarType::Int32;
constexpr ScalarType kInt = ScalarType::Int32;
constexpr ScalarType kInt64 = ScalarType::Int64;
constexpr ScalarType kLong = ScalarType::Int64;
constexpr ScalarType kFloat16 = ScalarType::Float16;
constexpr ScalarType kHalf = ScalarType::Float16;
constexpr ScalarType kBFloat16 = ScalarType::BFloat16;
constexpr ScalarType kFloat32 = ScalarType::Float32;
constexpr ScalarType kFloat = ScalarType::Float32;
constexpr ScalarType kFloat64 = ScalarType::Float64;
constexpr ScalarType kDouble = ScalarType::Float64;

namespace detail {
/// Bytes per element, in ScalarType order (dtype.cpp checks it against its table at compile time).
inline constexpr uint8_t kElementSizes[kNumScalarTypes] = {1, 1, 1, 2, 4, 8, 2, 2, 4, 8};
[[noreturn]] EMBER_API void throw_undefined_dtype();
}  // namespace detail

/// Bytes per element (inline: every data_ptr() computes an address with it).
inline size_t element_size(ScalarType t) {
  if (__builtin_expect(t == ScalarType::Undefined, 0)) detail::throw_undefined_dtype();
  return detail::kElementSizes[static_cast<int>(t)];
}
/// Python-style name without prefix: "float32", "int64", "bool", ...
EMBER_API const char* dtype_name(ScalarType t);
/// libtorch-style name: "Float", "Long", "Bool", "Half", "BFloat16", ...
EMBER_API const char* scalar_type_name(ScalarType t);
/// Parses a dtype_name() back; throws ValueError for an unknown name.
EMBER_API ScalarType dtype_from_name(const std::string& name);

inline bool is_floating_point(ScalarType t) {
  return t == kFloat16 || t == kBFloat16 || t == kFloat32 || t == kFloat64;
}
inline bool is_integral(ScalarType t, bool include_bool) {
  return (t >= kUInt8 && t <= kInt64) || (include_bool && t == kBool);
}
inline bool is_signed(ScalarType t) { return t != kBool && t != kUInt8; }

/// PyTorch's promote_types: the smallest type both a and b convert to without losing category.
EMBER_API ScalarType promote_types(ScalarType a, ScalarType b);

/// Whether casting from -> to is allowed for in-place/out= results (no category demotion).
EMBER_API bool can_cast(ScalarType from, ScalarType to);

/// The global default floating dtype (float32 unless set).
EMBER_API ScalarType get_default_dtype();
EMBER_API void set_default_dtype(ScalarType t);

inline std::ostream& operator<<(std::ostream& os, ScalarType t) { return os << scalar_type_name(t); }

/// C++ element type of each ScalarType, and back.
template <ScalarType S> struct ScalarTypeToCpp;
template <class T> struct CppToScalarType;
#define EMBER_DTYPE_MAP(_)   \
  _(bool, Bool)              \
  _(uint8_t, UInt8)          \
  _(int8_t, Int8)            \
  _(int16_t, Int16)          \
  _(int32_t, Int32)          \
  _(int64_t, Int64)          \
  _(::ember::Half, Float16)  \
  _(::ember::BFloat16, BFloat16) \
  _(float, Float32)          \
  _(double, Float64)
#define EMBER_DEFINE_MAP(cpp, name)                                                  \
  template <> struct ScalarTypeToCpp<ScalarType::name> { using type = cpp; };        \
  template <> struct CppToScalarType<cpp> { static constexpr ScalarType value = ScalarType::name; };
EMBER_DTYPE_MAP(EMBER_DEFINE_MAP)
#undef EMBER_DEFINE_MAP

/// Tag passed to dtype-dispatch lambdas: `using T = typename decltype(tag)::type;`.
template <class T> struct TypeTag { using type = T; };

/// Calls f(TypeTag<T>{}) with T the C++ type of `t`. Throws for Undefined.
template <class F>
decltype(auto) visit_dtype(ScalarType t, F&& f) {
  switch (t) {
#define EMBER_CASE(cpp, name) \
  case ScalarType::name:      \
    return f(TypeTag<cpp>{});
    EMBER_DTYPE_MAP(EMBER_CASE)
#undef EMBER_CASE
    default:
      throw Error("visit_dtype: undefined dtype");
  }
}

/// The type arithmetic on T is carried out in: float for Half/BFloat16, T otherwise.
template <class T> struct OpMath { using type = T; };
template <> struct OpMath<Half> { using type = float; };
template <> struct OpMath<BFloat16> { using type = float; };
template <class T> using opmath_t = typename OpMath<T>::type;

}  // namespace ember
