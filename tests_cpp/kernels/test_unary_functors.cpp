// The pointwise functors of src/kernels/common/unary_ops.h: each vector form (run on portable lanes,
// Note [vector traits]) against its scalar form, the reference, over random and edge inputs; and the
// library's kernels (AVX-512, AVX2 or scalar, whatever this CPU runs) against the same formulas: the
// own float32 kernels give the portable lanes' results bit for bit, or the scalar form's.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <ember/ember.h>

#include "kernels/common/unary_ops.h"
#include "kernels/common/vec_portable.h"

namespace {

using ember::math::portable::VecD;
using ember::math::portable::VecF;

template <class T>
std::vector<T> inputs(double lo, double hi, size_t n) {
  std::vector<T> x = {T(0), T(-0.0), T(INFINITY), T(-INFINITY), T(NAN), std::numeric_limits<T>::denorm_min(),
                      -std::numeric_limits<T>::denorm_min(), std::numeric_limits<T>::min(), std::numeric_limits<T>::max(),
                      std::numeric_limits<T>::lowest(), T(1), T(-1), T(0.5), T(1e-30), T(-1e-30), T(87.5), T(-87.5),
                      T(88.8), T(-103.9), T(-104.5), T(3.93), T(-3.93), T(0.5493), T(-0.5493), T(0.46875), T(3.9999)};
  std::mt19937_64 g(42);
  std::uniform_real_distribution<double> u(lo, hi);
  std::uniform_int_distribution<uint32_t> bits;
  while (x.size() < n / 2) x.push_back(static_cast<T>(u(g)));
  while (x.size() < n) {  // random bit patterns: every binade
    float f;
    uint32_t b = bits(g);
    std::memcpy(&f, &b, 4);
    x.push_back(static_cast<T>(f));
  }
  return x;
}

/// The vector form of F on portable lanes W, over all of x (the last vector padded with zeros).
template <class F, class W, class T>
std::vector<T> run_vec(const std::vector<T>& x) {
  std::vector<T> out(x.size());
  for (size_t i = 0; i < x.size(); i += W::kL) {
    T buf[W::kL] = {};
    for (size_t j = 0; j < W::kL && i + j < x.size(); ++j) buf[j] = x[i + j];
    T r[W::kL];
    W::store(r, F::template vec<W>(W::load(buf)));
    for (size_t j = 0; j < W::kL && i + j < x.size(); ++j) out[i + j] = r[j];
  }
  return out;
}

/// got within `ulps` units in the last place of ref (NaN and inf exactly); `abs_scale` > 0 adds an
/// absolute tolerance of abs_scale * eps * (|ref| + |x|) (gelu: 1 + erf / tanh cancels for x < 0).
template <class T>
void require_close(const char* name, const std::vector<T>& x, const std::vector<T>& got, const std::vector<T>& ref,
                   double ulps, double abs_scale = 0) {
  for (size_t i = 0; i < x.size(); ++i) {
    INFO(name << " x=" << x[i] << " got=" << got[i] << " ref=" << ref[i]);
    if (std::isnan(ref[i]) || std::isnan(got[i])) {
      REQUIRE(std::isnan(ref[i]) == std::isnan(got[i]));
      continue;
    }
    if (std::isinf(ref[i]) || std::isinf(got[i])) {
      REQUIRE(got[i] == ref[i]);
      continue;
    }
    const double spacing = std::nextafter(std::fabs(ref[i]), T(INFINITY)) - std::fabs(ref[i]);
    double tol = ulps * spacing + std::numeric_limits<T>::denorm_min() * (1 + std::fabs(double(x[i])));
    if (abs_scale > 0) tol += abs_scale * std::numeric_limits<T>::epsilon() * (std::fabs(ref[i]) + std::fabs(x[i]));
    REQUIRE(std::fabs(double(got[i]) - double(ref[i])) <= tol);
  }
}

template <class F, class T>
std::vector<T> run_scalar(const std::vector<T>& x) {
  std::vector<T> r(x.size());
  for (size_t i = 0; i < x.size(); ++i) r[i] = F::scalar(x[i]);
  return r;
}

/// Vector forms of F for float (16 and 8 lanes: AVX-512's and AVX2's widths) and double, against
/// the scalar form.
template <class F>
void check_functor(const char* name, double lo, double hi, double ulps_f, double ulps_d, double abs_scale = 0) {
  const auto xf = inputs<float>(lo, hi, 20000);
  const auto rf = run_scalar<F>(xf);
  require_close(name, xf, run_vec<F, VecF<16>>(xf), rf, ulps_f, abs_scale);
  require_close(name, xf, run_vec<F, VecF<8>>(xf), rf, ulps_f, abs_scale);
  const auto xd = inputs<double>(lo, hi, 4000);
  require_close(name, xd, run_vec<F, VecD<8>>(xd), run_scalar<F>(xd), ulps_d, abs_scale);
}

}  // namespace

TEST_CASE("unary functors: vector forms match the scalar forms", "[functors]") {
  using namespace ember::math;
  // float: the own kernels of vec_poly.h (<= 1 ulp from float64; the scalar form's libm another 0.5-1)
  check_functor<Exp>("exp", -110, 95, 2, 1);
  check_functor<Log>("log", 0, 1e30, 2, 1);
  check_functor<Tanh>("tanh", -12, 12, 2.5, 1);
  check_functor<Erf>("erf", -5, 5, 2, 1);
  check_functor<Sigmoid>("sigmoid", -110, 110, 3, 2);
  check_functor<Silu>("silu", -110, 110, 3.5, 2.5);
  check_functor<GeluErf>("gelu_erf", -10, 10, 3, 2, 4);
  check_functor<GeluTanh>("gelu_tanh", -10, 10, 3, 2, 4);
  // library functions: W's (std:: on portable lanes) equal the scalar form
  check_functor<Sin>("sin", -100, 100, 0, 0);
  check_functor<Log1p>("log1p", -1, 1e10, 0, 0);
}

TEST_CASE("unary functors: exact special values of the vector forms", "[functors]") {
  using namespace ember::math;
  using W = VecF<8>;
  auto one = [](auto f, float x) {
    float r[8];
    W::store(r, f(W::set(x)));
    return r[0];
  };
  auto exp = [](W::V v) { return Exp::vec<W>(v); };
  auto tanh = [](W::V v) { return Tanh::vec<W>(v); };
  auto erf = [](W::V v) { return Erf::vec<W>(v); };
  auto log = [](W::V v) { return Log::vec<W>(v); };
  auto sigmoid = [](W::V v) { return Sigmoid::vec<W>(v); };
  REQUIRE(one(exp, 0.f) == 1.f);
  REQUIRE(one(exp, -INFINITY) == 0.f);
  REQUIRE(one(exp, INFINITY) == INFINITY);
  REQUIRE(std::isnan(one(exp, NAN)));
  REQUIRE(one(exp, -104.f) == 0.f);
  REQUIRE(one(exp, -103.f) > 0.f);  // a denormal
  REQUIRE(std::signbit(one(tanh, -0.f)));
  REQUIRE(one(tanh, -INFINITY) == -1.f);
  REQUIRE(one(erf, INFINITY) == 1.f);
  REQUIRE(one(erf, -INFINITY) == -1.f);
  REQUIRE(std::signbit(one(erf, -0.f)));
  REQUIRE(std::isnan(one(erf, NAN)));
  REQUIRE(one(log, 0.f) == -INFINITY);
  REQUIRE(one(log, -0.f) == -INFINITY);
  REQUIRE(std::isnan(one(log, -1.f)));
  REQUIRE(one(log, INFINITY) == INFINITY);
  REQUIRE(one(log, 1.f) == 0.f);
  REQUIRE(std::fabs(one(log, 1e-45f) - std::log(double(1e-45f))) < 1e-4);
  REQUIRE(one(sigmoid, -INFINITY) == 0.f);
  REQUIRE(one(sigmoid, INFINITY) == 1.f);
}

namespace {
template <class F>
void check_kernel(const char* name, ember::Tensor (*op)(const ember::Tensor&), double lo, double hi) {
  auto x = inputs<float>(lo, hi, 5000);
  auto t = ember::from_blob(x.data(), {static_cast<int64_t>(x.size())}, {1}, nullptr, ember::kFloat32);
  auto got_t = op(t).contiguous();
  const float* got = got_t.data_ptr<float>();
  const auto vec = run_vec<F, VecF<8>>(x);
  const auto sc = run_scalar<F>(x);
  auto same = [&](const std::vector<float>& want) {
    for (size_t i = 0; i < x.size(); ++i)
      if (std::memcmp(&got[i], &want[i], 4) != 0 && !(std::isnan(got[i]) && std::isnan(want[i]))) return false;
    return true;
  };
  INFO(name);
  REQUIRE((same(vec) || same(sc)));
}
ember::Tensor gelu_erf(const ember::Tensor& x) { return ember::gelu(x, "none"); }
ember::Tensor gelu_tanh(const ember::Tensor& x) { return ember::gelu(x, "tanh"); }
}  // namespace

TEST_CASE("unary kernels run the functors: the vector form bit for bit, or the scalar form", "[functors]") {
  using namespace ember::math;
  check_kernel<Exp>("exp", &ember::exp, -110, 95);
  check_kernel<Log>("log", &ember::log, 0, 1e30);
  check_kernel<Tanh>("tanh", &ember::tanh, -12, 12);
  check_kernel<Erf>("erf", &ember::erf, -5, 5);
  check_kernel<Sigmoid>("sigmoid", &ember::sigmoid, -110, 110);
  check_kernel<Silu>("silu", &ember::silu, -110, 110);
  check_kernel<GeluErf>("gelu_erf", &gelu_erf, -10, 10);
  check_kernel<GeluTanh>("gelu_tanh", &gelu_tanh, -10, 10);
}
