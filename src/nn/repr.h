// Python's repr of the numbers and flags a module prints (`alpha=1.0`, `bias=True`), so C++'s
// pretty_print text equals Python's repr.
#pragma once
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <string>

namespace ember::nn::detail {

/// Python's repr(float): the shortest round-tripping digits; fixed notation for decimal exponents in
/// [-4, 16) with ".0" on integral values, else "1e-05" / "1.5e+16".
inline std::string py_float(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  int digits = 1;
  for (; digits < 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*e", digits - 1, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::snprintf(buf, sizeof buf, "%.*e", digits - 1, v);
  int exp10 = std::atoi(std::strchr(buf, 'e') + 1);
  if (exp10 < -4 || exp10 >= 16) return buf;
  std::snprintf(buf, sizeof buf, "%.*f", std::max(digits - 1 - exp10, 0), v);
  std::string s(buf);
  if (s.find('.') == std::string::npos) s += ".0";
  return s;
}

/// "True" / "False".
inline const char* py_bool(bool v) { return v ? "True" : "False"; }

}  // namespace ember::nn::detail
