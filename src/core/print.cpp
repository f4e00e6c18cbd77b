// C++ printing, laid out as libtorch prints: a right-aligned value grid (2-D slices for higher
// dims, each headed "(i,j,.,.) ="), a common scale factor for very large or small values, and
// the type line `[ CPUFloatType{2,2} ]`.
#include <cmath>
#include <iomanip>
#include <sstream>
#include <vector>

#include "ember/gen/functions.h"

namespace ember {
namespace {

struct Format {
  bool integral = true;
  double scale = 1;
  int width = 1;
  int precision = 4;
};

Format choose_format(const std::vector<double>& v, bool int_dtype) {
  Format f;
  double maxabs = 0, minabs = INFINITY;
  for (double x : v) {
    if (!std::isfinite(x)) continue;
    if (x != std::nearbyint(x)) f.integral = false;
    maxabs = std::max(maxabs, std::fabs(x));
    if (x != 0) minabs = std::min(minabs, std::fabs(x));
  }
  if (int_dtype) f.integral = true;
  if (f.integral) {
    int digits = maxabs > 0 ? static_cast<int>(std::floor(std::log10(maxabs))) + 1 : 1;
    bool neg = false;
    for (double x : v) neg |= x < 0;
    f.width = digits + (neg ? 1 : 0) + 1;
    f.precision = 0;
    return f;
  }
  int e = maxabs > 0 ? static_cast<int>(std::floor(std::log10(maxabs))) : 0;
  if (e > 2 || (minabs != INFINITY && e < -4)) {
    f.scale = std::pow(10.0, e);
  }
  bool neg = false;
  for (double x : v) neg |= x < 0;
  double shown = maxabs / f.scale;
  int int_digits = shown >= 1 ? static_cast<int>(std::floor(std::log10(shown))) + 1 : 1;
  f.width = (neg ? 1 : 0) + 1 + int_digits + 1 + f.precision;
  return f;
}

void print_value(std::ostream& os, double x, const Format& f) {
  os << std::setw(f.width);
  if (std::isnan(x)) {
    os << "nan";
  } else if (std::isinf(x)) {
    os << (x < 0 ? "-inf" : "inf");
  } else {
    os << std::fixed << std::setprecision(f.precision) << x / f.scale;
  }
}

void print_matrix(std::ostream& os, const std::vector<double>& v, size_t off, int64_t rows, int64_t cols,
                  const Format& f) {
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) {
      if (c) os << " ";
      print_value(os, v[off + r * cols + c], f);
    }
    os << "\n";
  }
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const Tensor& t) {
  if (!t.defined()) return os << "[ Tensor (undefined) ]";
  if (t.is_meta()) {  // no values to show
    os << "[ Meta" << scalar_type_name(t.dtype()) << "Type{";
    for (int64_t i = 0; i < t.dim(); ++i) os << (i ? "," : "") << t.sizes()[i];
    return os << "} ]";
  }
  std::ios_base::fmtflags flags = os.flags();
  std::streamsize precision = os.precision();
  Tensor c = t.to(Device(kCPU), kFloat64).contiguous();
  const double* p = c.data_ptr<double>();
  std::vector<double> v(p, p + c.numel());
  Format f = choose_format(v, !is_floating_point(t.dtype()));
  std::string type = detail::str(t.is_cuda() ? "CUDA" : "CPU", scalar_type_name(t.dtype()), "Type");
  std::ostringstream shape;
  for (int64_t i = 0; i < t.dim(); ++i) shape << (i ? "," : "") << t.sizes()[i];
  if (t.numel() == 0) {
    os << "[ " << type << "{" << shape.str() << "} ]";
    os.flags(flags);
    os.precision(precision);
    return os;
  }
  if (f.scale != 1) os << std::scientific << std::setprecision(0) << f.scale << " *\n";
  if (t.dim() == 0) {
    os << std::defaultfloat << std::setprecision(f.integral ? 17 : 6) << v[0] / f.scale << "\n";
  } else if (t.dim() == 1) {
    print_matrix(os, v, 0, t.sizes()[0], 1, f);
  } else if (t.dim() == 2) {
    print_matrix(os, v, 0, t.sizes()[0], t.sizes()[1], f);
  } else {
    int64_t rows = t.sizes()[t.dim() - 2], cols = t.sizes()[t.dim() - 1];
    int64_t nmat = t.numel() / (rows * cols);
    for (int64_t m = 0; m < nmat; ++m) {
      os << "(";
      int64_t rem = m;
      std::vector<int64_t> idx(t.dim() - 2);
      for (int64_t d = t.dim() - 3; d >= 0; --d) {
        idx[d] = rem % t.sizes()[d];
        rem /= t.sizes()[d];
      }
      for (int64_t i : idx) os << i + 1 << ",";
      os << ".,.) = \n";
      print_matrix(os, v, m * rows * cols, rows, cols, f);
      if (m + 1 < nmat) os << "\n";
    }
  }
  os << "[ " << type << "{" << shape.str() << "} ]";
  os.flags(flags);
  os.precision(precision);
  return os;
}

}  // namespace ember
