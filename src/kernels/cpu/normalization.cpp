// Normalization kernels on CPU (src/ops/normalization.cpp hands them contiguous views): batch norm over
// (N, C, inner) per channel and layer norm over (rows, cols) per row. Statistics are two-pass sums in
// double (mean, then squared deviations), so large or offset inputs keep their precision.
#include <cmath>
#include <vector>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/register_util.h"
#include "kernels/cpu/tensor_util.h"

namespace ember::cpu {
namespace {

template <class T>
const T* ptr_or_null(const std::optional<Tensor>& t) {
  return t ? t->data_ptr<T>() : nullptr;
}

template <class T>
void batch_norm_k(const Tensor& out, const Tensor& mean_t, const Tensor& invstd_t, const Tensor& input,
                  const std::optional<Tensor>& weight, const std::optional<Tensor>& bias,
                  const std::optional<Tensor>& running_mean, const std::optional<Tensor>& running_var, bool training,
                  double momentum, double eps) {
  using M = opmath_t<T>;
  const int64_t n = input.sizes()[0], c = input.sizes()[1], inner = input.sizes()[2], count = n * inner;
  const T* x = input.data_ptr<T>();
  const T* w = ptr_or_null<T>(weight);
  const T* b = ptr_or_null<T>(bias);
  T* rm = running_mean ? running_mean->data_ptr<T>() : nullptr;
  T* rv = running_var ? running_var->data_ptr<T>() : nullptr;
  T* o = out.data_ptr<T>();
  T* mean_o = mean_t.data_ptr<T>();
  T* invstd_o = invstd_t.data_ptr<T>();
  parallel_for(c, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(count, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t ch = lo; ch < hi; ++ch) {
      double mean, var;
      if (training) {
        double s = 0;
        for (int64_t i = 0; i < n; ++i) {
          const T* xp = x + (i * c + ch) * inner;
          for (int64_t j = 0; j < inner; ++j) s += static_cast<double>(static_cast<M>(xp[j]));
        }
        mean = count ? s / static_cast<double>(count) : 0.0;
        double ss = 0;
        for (int64_t i = 0; i < n; ++i) {
          const T* xp = x + (i * c + ch) * inner;
          for (int64_t j = 0; j < inner; ++j) {
            double d = static_cast<double>(static_cast<M>(xp[j])) - mean;
            ss += d * d;
          }
        }
        var = count ? ss / static_cast<double>(count) : 0.0;
        if (rm) rm[ch] = static_cast<T>((1 - momentum) * static_cast<double>(static_cast<M>(rm[ch])) + momentum * mean);
        if (rv && count > 1)
          rv[ch] = static_cast<T>((1 - momentum) * static_cast<double>(static_cast<M>(rv[ch])) +
                                  momentum * ss / static_cast<double>(count - 1));
      } else {
        mean = static_cast<double>(static_cast<M>(rm[ch]));
        var = static_cast<double>(static_cast<M>(rv[ch]));
      }
      double invstd = 1.0 / std::sqrt(var + eps);
      mean_o[ch] = static_cast<T>(mean);
      invstd_o[ch] = static_cast<T>(invstd);
      M scale = static_cast<M>(invstd * (w ? static_cast<double>(static_cast<M>(w[ch])) : 1.0));
      M shift = static_cast<M>((b ? static_cast<double>(static_cast<M>(b[ch])) : 0.0) -
                               mean * static_cast<double>(scale));
      for (int64_t i = 0; i < n; ++i) {
        const T* xp = x + (i * c + ch) * inner;
        T* op = o + (i * c + ch) * inner;
        for (int64_t j = 0; j < inner; ++j) op[j] = static_cast<T>(static_cast<M>(xp[j]) * scale + shift);
      }
    }
  });
}

template <class T>
void batch_norm_backward_k(const Tensor& gi, const Tensor& gw, const Tensor& gb, const Tensor& grad_out,
                           const Tensor& input, const std::optional<Tensor>& weight, const Tensor& mean_t,
                           const Tensor& invstd_t, bool train) {
  using M = opmath_t<T>;
  const int64_t n = input.sizes()[0], c = input.sizes()[1], inner = input.sizes()[2], count = n * inner;
  const T* x = input.data_ptr<T>();
  const T* g = grad_out.data_ptr<T>();
  const T* w = ptr_or_null<T>(weight);
  const T* mean_p = mean_t.data_ptr<T>();
  const T* invstd_p = invstd_t.data_ptr<T>();
  T* gip = gi.data_ptr<T>();
  T* gwp = gw.data_ptr<T>();
  T* gbp = gb.data_ptr<T>();
  parallel_for(c, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(count, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t ch = lo; ch < hi; ++ch) {
      const double mean = static_cast<double>(static_cast<M>(mean_p[ch]));
      const double invstd = static_cast<double>(static_cast<M>(invstd_p[ch]));
      double sg = 0, sgx = 0;  // sum(g), sum(g * (x - mean))
      for (int64_t i = 0; i < n; ++i) {
        const T* xp = x + (i * c + ch) * inner;
        const T* gp = g + (i * c + ch) * inner;
        for (int64_t j = 0; j < inner; ++j) {
          double gv = static_cast<double>(static_cast<M>(gp[j]));
          sg += gv;
          sgx += gv * (static_cast<double>(static_cast<M>(xp[j])) - mean);
        }
      }
      gbp[ch] = static_cast<T>(sg);
      gwp[ch] = static_cast<T>(sgx * invstd);
      const double wv = w ? static_cast<double>(static_cast<M>(w[ch])) : 1.0;
      // train: gi = w invstd (g - mean(g) - xhat mean(g xhat)); eval: gi = w invstd g
      const M k = static_cast<M>(wv * invstd);
      const M mg = static_cast<M>(train && count ? sg / static_cast<double>(count) : 0.0);
      const M proj = static_cast<M>(train && count ? sgx * invstd * invstd / static_cast<double>(count) : 0.0);
      const M mu = static_cast<M>(mean);
      for (int64_t i = 0; i < n; ++i) {
        const T* xp = x + (i * c + ch) * inner;
        const T* gp = g + (i * c + ch) * inner;
        T* op = gip + (i * c + ch) * inner;
        for (int64_t j = 0; j < inner; ++j)
          op[j] = static_cast<T>(k * (static_cast<M>(gp[j]) - mg - (static_cast<M>(xp[j]) - mu) * proj));
      }
    }
  });
}

template <class T>
void layer_norm_k(const Tensor& out, const Tensor& mean_t, const Tensor& rstd_t, const Tensor& input, IntArrayRef,
                  const std::optional<Tensor>& weight, const std::optional<Tensor>& bias, double eps) {
  using M = opmath_t<T>;
  const int64_t rows = input.sizes()[0], cols = input.sizes()[1];
  const T* x = input.data_ptr<T>();
  const T* w = ptr_or_null<T>(weight);
  const T* b = ptr_or_null<T>(bias);
  T* o = out.data_ptr<T>();
  T* mp = mean_t.data_ptr<T>();
  T* rp = rstd_t.data_ptr<T>();
  parallel_for(rows, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(cols, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      const T* xr = x + r * cols;
      double s = 0;
      for (int64_t j = 0; j < cols; ++j) s += static_cast<double>(static_cast<M>(xr[j]));
      double mean = cols ? s / static_cast<double>(cols) : 0.0;
      double ss = 0;
      for (int64_t j = 0; j < cols; ++j) {
        double d = static_cast<double>(static_cast<M>(xr[j])) - mean;
        ss += d * d;
      }
      double rstd = 1.0 / std::sqrt((cols ? ss / static_cast<double>(cols) : 0.0) + eps);
      mp[r] = static_cast<T>(mean);
      rp[r] = static_cast<T>(rstd);
      const M mu = static_cast<M>(mean), rs = static_cast<M>(rstd);
      T* orow = o + r * cols;
      for (int64_t j = 0; j < cols; ++j) {
        M v = (static_cast<M>(xr[j]) - mu) * rs;
        if (w) v *= static_cast<M>(w[j]);
        if (b) v += static_cast<M>(b[j]);
        orow[j] = static_cast<T>(v);
      }
    }
  });
}

template <class T>
void layer_norm_backward_k(const Tensor& gi, const Tensor& gw, const Tensor& gb, const Tensor& grad_out,
                           const Tensor& input, IntArrayRef, const Tensor& mean_t, const Tensor& rstd_t,
                           const std::optional<Tensor>& weight) {
  using M = opmath_t<T>;
  const int64_t rows = input.sizes()[0], cols = input.sizes()[1];
  const T* x = input.data_ptr<T>();
  const T* g = grad_out.data_ptr<T>();
  const T* w = ptr_or_null<T>(weight);
  const T* mp = mean_t.data_ptr<T>();
  const T* rp = rstd_t.data_ptr<T>();
  T* gip = gi.data_ptr<T>();
  parallel_for(rows, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(cols, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      const T* xr = x + r * cols;
      const T* gr = g + r * cols;
      const M mu = static_cast<M>(mp[r]), rs = static_cast<M>(rp[r]);
      double a = 0, bsum = 0;  // sum(w g), sum(w g xhat)
      for (int64_t j = 0; j < cols; ++j) {
        M wg = static_cast<M>(gr[j]) * (w ? static_cast<M>(w[j]) : M(1));
        a += static_cast<double>(wg);
        bsum += static_cast<double>(wg * (static_cast<M>(xr[j]) - mu) * rs);
      }
      const M ma = static_cast<M>(cols ? a / static_cast<double>(cols) : 0.0);
      const M mb = static_cast<M>(cols ? bsum / static_cast<double>(cols) : 0.0);
      T* orow = gip + r * cols;
      for (int64_t j = 0; j < cols; ++j) {
        M wg = static_cast<M>(gr[j]) * (w ? static_cast<M>(w[j]) : M(1));
        M xh = (static_cast<M>(xr[j]) - mu) * rs;
        orow[j] = static_cast<T>(rs * (wg - ma - xh * mb));
      }
    }
  });
  // weight / bias gradients: sums over rows, one column block per task (no shared accumulators).
  T* gwp = gw.data_ptr<T>();
  T* gbp = gb.data_ptr<T>();
  constexpr int64_t kBlock = 64;
  const int64_t blocks = (cols + kBlock - 1) / kBlock;
  parallel_for(blocks, 1, [&](int64_t lo, int64_t hi) {
    std::vector<double> sw(kBlock), sb(kBlock);
    for (int64_t bl = lo; bl < hi; ++bl) {
      int64_t j0 = bl * kBlock, j1 = std::min(cols, j0 + kBlock);
      std::fill(sw.begin(), sw.end(), 0.0);
      std::fill(sb.begin(), sb.end(), 0.0);
      for (int64_t r = 0; r < rows; ++r) {
        const M mu = static_cast<M>(mp[r]), rs = static_cast<M>(rp[r]);
        for (int64_t j = j0; j < j1; ++j) {
          M gv = static_cast<M>(g[r * cols + j]);
          sb[j - j0] += static_cast<double>(gv);
          sw[j - j0] += static_cast<double>(gv * (static_cast<M>(x[r * cols + j]) - mu) * rs);
        }
      }
      for (int64_t j = j0; j < j1; ++j) {
        gwp[j] = static_cast<T>(sw[j - j0]);
        gbp[j] = static_cast<T>(sb[j - j0]);
      }
    }
  });
}

}  // namespace

void register_normalization() {
  for_dtypes(kFloatTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point<opmath_t<T>>::value) {
      dispatch::register_kernel<OpId::native_batch_norm>(kCPU, t, &batch_norm_k<T>);
      dispatch::register_kernel<OpId::_batch_norm_backward>(kCPU, t, &batch_norm_backward_k<T>);
      dispatch::register_kernel<OpId::native_layer_norm>(kCPU, t, &layer_norm_k<T>);
      dispatch::register_kernel<OpId::_layer_norm_backward>(kCPU, t, &layer_norm_backward_k<T>);
    }
  });
}

}  // namespace ember::cpu
