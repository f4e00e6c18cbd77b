// Range checks of Python/C++ scalars against a dtype (Note [scalar range] in ember/core/scalar.h).
#include "ember/core/scalar.h"

#include <cmath>

#include "ember/util/error.h"

namespace ember {

namespace {
/// [lowest, max] of an integer dtype, and the finite max of a floating one.
void int_limits(ScalarType dt, int64_t* lo, int64_t* hi) {
  switch (dt) {
    case kUInt8: *lo = 0, *hi = 255; return;
    case kInt8: *lo = -128, *hi = 127; return;
    case kInt16: *lo = -32768, *hi = 32767; return;
    case kInt32: *lo = INT32_MIN, *hi = INT32_MAX; return;
    default: *lo = INT64_MIN, *hi = INT64_MAX; return;
  }
}
double float_max(ScalarType dt) {
  switch (dt) {
    case kFloat16: return 65504.0;
    case kBFloat16: return 3.38953138925153547590470800371487866880e+38;
    case kFloat32: return 3.40282346638528859811704183484516925440e+38;
    default: return HUGE_VAL;
  }
}
}  // namespace

bool scalar_fits(const Scalar& v, ScalarType dt) {
  if (dt == kBool || v.is_bool()) return true;
  if (is_floating_point(dt)) {
    double d = v.to_double();
    return !std::isfinite(d) || std::fabs(d) <= float_max(dt);
  }
  int64_t lo, hi;
  int_limits(dt, &lo, &hi);
  if (v.is_floating_point()) {
    double d = v.to_double();
    // 2^63 itself does not fit int64: compare against the exact powers of two, not hi as a double.
    return std::isfinite(d) && d >= static_cast<double>(lo) && (dt == kInt64 ? d < 9223372036854775808.0 : d <= hi);
  }
  int64_t i = v.to_long();
  if (dt == kUInt8) return i >= -hi && i <= hi;  // negatives wrap (two's complement), as in PyTorch
  return i >= lo && i <= hi;
}

const char* scalar_c_type_name(ScalarType dt) {
  switch (dt) {
    case kBool: return "bool";
    case kUInt8: return "uint8_t";
    case kInt8: return "int8_t";
    case kInt16: return "int16_t";
    case kInt32: return "int";
    case kInt64: return "int64_t";
    case kFloat16: return "c10::Half";
    case kBFloat16: return "c10::BFloat16";
    case kFloat32: return "float";
    case kFloat64: return "double";
    default: return "undefined";
  }
}

void check_scalar_in_range(const Scalar& v, ScalarType dt) {
  EMBER_CHECK(scalar_fits(v, dt), "value cannot be converted to type ", scalar_c_type_name(dt),
              " without overflow (value ", v, ")");
}

}  // namespace ember
