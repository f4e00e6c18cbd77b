#include "ember/core/dtype.h"

#include <atomic>
#include <string>

namespace ember {

namespace {
struct Info {
  const char* name;
  const char* libtorch;
  size_t size;
};
constexpr Info kInfo[kNumScalarTypes] = {
    {"bool", "Bool", 1},     {"uint8", "Byte", 1},     {"int8", "Char", 1},       {"int16", "Short", 2},
    {"int32", "Int", 4},     {"int64", "Long", 8},     {"float16", "Half", 2},    {"bfloat16", "BFloat16", 2},
    {"float32", "Float", 4}, {"float64", "Double", 8},
};
// PyTorch's promotion table (checked against shared/data/promotion.csv by tests_py/test_dtype.py).
constexpr ScalarType b1 = kBool, u1 = kUInt8, i1 = kInt8, i2 = kInt16, i4 = kInt32, i8 = kInt64,
                     f2 = kFloat16, bf = kBFloat16, f4 = kFloat32, f8 = kFloat64;
constexpr ScalarType kPromote[kNumScalarTypes][kNumScalarTypes] = {
    /*        b1  u1  i1  i2  i4  i8  f2  bf  f4  f8 */
    /* b1 */ {b1, u1, i1, i2, i4, i8, f2, bf, f4, f8},
    /* u1 */ {u1, u1, i2, i2, i4, i8, f2, bf, f4, f8},
    /* i1 */ {i1, i2, i1, i2, i4, i8, f2, bf, f4, f8},
    /* i2 */ {i2, i2, i2, i2, i4, i8, f2, bf, f4, f8},
    /* i4 */ {i4, i4, i4, i4, i4, i8, f2, bf, f4, f8},
    /* i8 */ {i8, i8, i8, i8, i8, i8, f2, bf, f4, f8},
    /* f2 */ {f2, f2, f2, f2, f2, f2, f2, f4, f4, f8},
    /* bf */ {bf, bf, bf, bf, bf, bf, f4, bf, f4, f8},
    /* f4 */ {f4, f4, f4, f4, f4, f4, f4, f4, f4, f8},
    /* f8 */ {f8, f8, f8, f8, f8, f8, f8, f8, f8, f8},
};
std::atomic<ScalarType> g_default_dtype{kFloat32};

void check(ScalarType t) {
  EMBER_CHECK(t != ScalarType::Undefined, "undefined dtype");
}
}  // namespace

namespace detail {
void throw_undefined_dtype() { throw Error("undefined dtype"); }
}  // namespace detail
static_assert([] {
  for (int i = 0; i < kNumScalarTypes; ++i)
    if (kInfo[i].size != detail::kElementSizes[i]) return false;
  return true;
}(), "detail::kElementSizes (dtype.h) disagrees with kInfo");
const char* dtype_name(ScalarType t) {
  return t == ScalarType::Undefined ? "undefined" : kInfo[static_cast<int>(t)].name;
}
const char* scalar_type_name(ScalarType t) {
  return t == ScalarType::Undefined ? "Undefined" : kInfo[static_cast<int>(t)].libtorch;
}
ScalarType dtype_from_name(const std::string& name) {
  for (int i = 0; i < kNumScalarTypes; ++i)
    if (name == kInfo[i].name) return static_cast<ScalarType>(i);
  throw ValueError("unknown dtype '" + name + "'");
}

ScalarType promote_types(ScalarType a, ScalarType b) {
  check(a);
  check(b);
  return kPromote[static_cast<int>(a)][static_cast<int>(b)];
}

bool can_cast(ScalarType from, ScalarType to) {
  if (is_floating_point(from) && !is_floating_point(to)) return false;
  if (from != kBool && to == kBool) return false;
  return true;
}

ScalarType get_default_dtype() { return g_default_dtype.load(std::memory_order_relaxed); }
void set_default_dtype(ScalarType t) {
  EMBER_CHECK_TYPE(t == kFloat32 || t == kFloat64 || t == kFloat16 || t == kBFloat16,
                   "set_default_dtype: only floating-point types are supported as the default type, got ", t);
  g_default_dtype.store(t);
}

}  // namespace ember
