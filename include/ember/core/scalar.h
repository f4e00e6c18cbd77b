// Scalar: a single number (bool, integer or floating) passed to ops in place of a tensor.
#pragma once
#include <cstdint>
#include <ostream>
#include <type_traits>

#include "ember/core/dtype.h"

namespace ember {

/// A bool, int64 or double; converts to any element type. One type instead of one overload per
/// literal type.
class Scalar {
 public:
  enum class Kind : int8_t { Bool, Int, Double };
  Scalar() : Scalar(int64_t(0)) {}
  Scalar(bool b) : kind_(Kind::Bool) { v_.i = b; }  // NOLINT: implicit by design
  template <class T, std::enable_if_t<std::is_integral<T>::value && !std::is_same<T, bool>::value, int> = 0>
  Scalar(T i) : kind_(Kind::Int) {  // NOLINT
    v_.i = static_cast<int64_t>(i);
  }
  template <class T, std::enable_if_t<std::is_floating_point<T>::value, int> = 0>
  Scalar(T d) : kind_(Kind::Double) {  // NOLINT
    v_.d = static_cast<double>(d);
  }
  Scalar(Half h) : Scalar(static_cast<double>(static_cast<float>(h))) {}          // NOLINT
  Scalar(BFloat16 h) : Scalar(static_cast<double>(static_cast<float>(h))) {}      // NOLINT

  Kind kind() const { return kind_; }
  bool is_bool() const { return kind_ == Kind::Bool; }
  bool is_integral() const { return kind_ == Kind::Int; }
  bool is_floating_point() const { return kind_ == Kind::Double; }
  /// The value converted to T (C++ conversion rules; bool: nonzero).
  template <class T>
  T to() const {
    if (kind_ == Kind::Double) return cast<T>(v_.d);
    return cast<T>(v_.i);
  }
  double to_double() const { return to<double>(); }
  int64_t to_long() const { return to<int64_t>(); }
  bool to_bool() const { return kind_ == Kind::Double ? v_.d != 0 : v_.i != 0; }
  /// The dtype a Python scalar of this kind gets: bool, int64, or the default float dtype.
  ScalarType dtype() const {
    return kind_ == Kind::Bool ? kBool : kind_ == Kind::Int ? kInt64 : get_default_dtype();
  }

 private:
  template <class T, class V>
  static T cast(V v) {
    if constexpr (std::is_same<T, bool>::value) return v != 0;
    else if constexpr (std::is_same<T, Half>::value || std::is_same<T, BFloat16>::value)
      return T(static_cast<float>(v));
    else return static_cast<T>(v);
  }
  Kind kind_;
  union {
    int64_t i;
    double d;
  } v_;
};

/// Note [scalar range]: whether v converts to dtype without overflow, by PyTorch's rules: an integer
/// must lie in the dtype's range, except that an unsigned dtype also takes negatives down to -max
/// (they wrap, so `a - b` may be written `a + (-b)`); a float must be finite and in range for an
/// integer dtype, in the finite range (or inf/NaN) for a floating one; bool takes anything.
/// Factories and fills check (full, fill_, masked_fill, setitem, tensor(), linspace); arithmetic
/// with a Python number does not: the number is converted with wrap-around, as in PyTorch.
EMBER_API bool scalar_fits(const Scalar& v, ScalarType dtype);
/// Throws RuntimeError "value cannot be converted to type uint8_t without overflow" unless it fits.
EMBER_API void check_scalar_in_range(const Scalar& v, ScalarType dtype);
/// The C type name PyTorch's messages use for a dtype ("uint8_t", "int", "c10::Half", ...).
EMBER_API const char* scalar_c_type_name(ScalarType dtype);

inline std::ostream& operator<<(std::ostream& os, const Scalar& s) {
  if (s.is_bool()) return os << (s.to_bool() ? "True" : "False");
  if (s.is_integral()) return os << s.to_long();
  return os << s.to_double();
}

}  // namespace ember
