// Class-index loss kernels on CPU (src/ops/loss.cpp hands them self (N, C, inner) and int64 targets
// (N, inner), contiguous). The fused cross entropy reads each row of logits once forward (the vector
// log_softmax into a scratch row gives the logsumexp and the picked log-probability) and once backward
// (exp(x - lse) scaled, minus the target's share), writing nothing else of size N x C.
#include <cmath>
#include <vector>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/register_util.h"
#include "kernels/cpu/tensor_util.h"
#include "kernels/cpu/vec_math.h"

namespace ember::cpu {
namespace {

/// Targets are checked before any parallel loop (nothing may throw inside one).
void check_targets(const int64_t* t, int64_t n, int64_t c, int64_t ignore_index) {
  for (int64_t i = 0; i < n; ++i)
    EMBER_CHECK_INDEX(t[i] == ignore_index || (t[i] >= 0 && t[i] < c), "Target ", t[i], " is out of bounds.");
}

template <class T>
using M = opmath_t<T>;

/// The total weight of the counted targets (their count without weights).
template <class T>
double total_weight(const int64_t* t, int64_t n, const T* w, int64_t ignore_index) {
  double s = 0;
  for (int64_t i = 0; i < n; ++i)
    if (t[i] != ignore_index) s += w ? static_cast<double>(static_cast<M<T>>(w[t[i]])) : 1.0;
  return s;
}

/// Writes the reduced loss (or leaves `none` losses where the loop put them).
template <class T>
void reduce_into(const Tensor& out, const std::vector<double>& losses, int64_t reduction, double total) {
  if (reduction == 0) return;
  double s = 0;
  for (double v : losses) s += v;
  if (reduction == 1) s = s / total;  // 0 / 0 is NaN, as PyTorch's mean over only ignored targets
  *out.data_ptr<T>() = static_cast<T>(s);
}

/// logsumexp of row[0, c) (contiguous), with the log-probabilities left in scratch.
template <class T>
M<T> row_log_softmax(const T* row, int64_t c, M<T>* scratch) {
  using V = M<T>;
  if constexpr (std::is_same<T, V>::value) {
    if (auto vf = vec::softmax<T>()) {
      vf(scratch, row, c, 1, 1, true);
      return static_cast<V>(row[0]) - scratch[0];
    }
  }
  V mx = -INFINITY;
  for (int64_t i = 0; i < c; ++i) mx = std::max(mx, static_cast<V>(row[i]));
  if (std::isinf(mx) && mx < 0) mx = 0;
  V s = 0;
  for (int64_t i = 0; i < c; ++i) s += std::exp(static_cast<V>(row[i]) - mx);
  V lse = mx + std::log(s);
  for (int64_t i = 0; i < c; ++i) scratch[i] = static_cast<V>(row[i]) - lse;
  return lse;
}

template <class T>
void ce_forward_k(const Tensor& out, const Tensor& lse_out, const Tensor& total_out, const Tensor& self,
                  const Tensor& target, const std::optional<Tensor>& weight, int64_t reduction, int64_t ignore_index,
                  double ls) {
  using V = M<T>;
  const int64_t n = self.sizes()[0], c = self.sizes()[1], inner = self.sizes()[2], rows = n * inner;
  const int64_t* t = target.data_ptr<int64_t>();
  check_targets(t, rows, c, ignore_index);
  const T* x = self.data_ptr<T>();
  const T* w = weight ? weight->data_ptr<T>() : nullptr;
  T* lse = lse_out.data_ptr<T>();
  double total = total_weight<T>(t, rows, w, ignore_index);
  *total_out.data_ptr<T>() = static_cast<T>(total);
  std::vector<double> losses(reduction == 0 ? 0 : rows);
  T* o = reduction == 0 ? out.data_ptr<T>() : nullptr;
  parallel_for(rows, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(c, 1)), [&](int64_t lo, int64_t hi) {
    std::vector<V> scratch(c);
    std::vector<T> gathered(inner > 1 ? c : 0);
    for (int64_t r = lo; r < hi; ++r) {
      int64_t ni = r / inner, si = r % inner;
      const T* row = x + ni * c * inner + si;
      if (inner > 1) {
        for (int64_t k = 0; k < c; ++k) gathered[k] = row[k * inner];
        row = gathered.data();
      }
      V l = c > 0 ? row_log_softmax<T>(row, c, scratch.data()) : V(0);
      lse[r] = static_cast<T>(l);
      double loss = 0;
      if (t[r] != ignore_index) {
        V wt = w ? static_cast<V>(w[t[r]]) : V(1);
        loss = -(1 - ls) * static_cast<double>(wt * scratch[t[r]]);
        if (ls > 0) {
          double sm = 0;
          for (int64_t k = 0; k < c; ++k) sm += static_cast<double>((w ? static_cast<V>(w[k]) : V(1)) * scratch[k]);
          loss -= ls / static_cast<double>(c) * sm;
        }
      }
      if (o) o[r] = static_cast<T>(loss);
      else losses[r] = loss;
    }
  });
  reduce_into<T>(out, losses, reduction, total);
}

template <class T>
void ce_backward_k(const Tensor& gi, const Tensor& grad_output, const Tensor& self, const Tensor& target,
                   const std::optional<Tensor>& weight, int64_t reduction, int64_t ignore_index, double ls,
                   const Tensor& lse_t, const Tensor& total_t) {
  using V = M<T>;
  const int64_t n = self.sizes()[0], c = self.sizes()[1], inner = self.sizes()[2], rows = n * inner;
  if (gi.numel() == 0) return;
  const int64_t* t = target.data_ptr<int64_t>();
  check_targets(t, rows, c, ignore_index);
  const T* x = self.data_ptr<T>();
  const T* w = weight ? weight->data_ptr<T>() : nullptr;
  const T* lse = lse_t.data_ptr<T>();
  const T* go = grad_output.data_ptr<T>();
  V scale = reduction == 0 ? V(1) : static_cast<V>(go[0]);
  if (reduction == 1) scale = scale / static_cast<V>(*total_t.data_ptr<T>());
  V wsum = 0;
  for (int64_t k = 0; k < c; ++k) wsum += w ? static_cast<V>(w[k]) : V(1);
  const V sm = static_cast<V>(ls / static_cast<double>(std::max<int64_t>(c, 1)));
  T* g = gi.data_ptr<T>();
  auto vexp = vec::get<T>(vec::Fn::exp);
  parallel_for(rows, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(c, 1)), [&](int64_t lo, int64_t hi) {
    std::vector<V> row(c);
    for (int64_t r = lo; r < hi; ++r) {
      int64_t ni = r / inner, si = r % inner;
      const T* xr = x + ni * c * inner + si;
      V gr = reduction == 0 ? static_cast<V>(go[r]) : scale;
      if (t[r] == ignore_index) gr = 0;
      V wt = t[r] == ignore_index ? V(0) : (w ? static_cast<V>(w[t[r]]) : V(1));
      V a = gr * ((1 - static_cast<V>(ls)) * wt + sm * wsum);  // the share of softmax(x)
      V l = static_cast<V>(lse[r]);
      for (int64_t k = 0; k < c; ++k) row[k] = static_cast<V>(xr[k * inner]) - l;
      if constexpr (std::is_same<T, V>::value) {
        if (vexp) vexp(row.data(), row.data(), c);
        else for (int64_t k = 0; k < c; ++k) row[k] = std::exp(row[k]);
      } else {
        for (int64_t k = 0; k < c; ++k) row[k] = std::exp(row[k]);
      }
      for (int64_t k = 0; k < c; ++k) row[k] *= a;
      if (sm != 0) {
        for (int64_t k = 0; k < c; ++k) row[k] -= gr * sm * (w ? static_cast<V>(w[k]) : V(1));
      }
      if (t[r] != ignore_index) row[t[r]] -= gr * (1 - static_cast<V>(ls)) * wt;
      T* gr_out = g + ni * c * inner + si;
      for (int64_t k = 0; k < c; ++k) gr_out[k * inner] = static_cast<T>(row[k]);
    }
  });
}

template <class T>
void nll_forward_k(const Tensor& out, const Tensor& total_out, const Tensor& self, const Tensor& target,
                   const std::optional<Tensor>& weight, int64_t reduction, int64_t ignore_index) {
  using V = M<T>;
  const int64_t n = self.sizes()[0], c = self.sizes()[1], inner = self.sizes()[2], rows = n * inner;
  const int64_t* t = target.data_ptr<int64_t>();
  check_targets(t, rows, c, ignore_index);
  const T* x = self.data_ptr<T>();
  const T* w = weight ? weight->data_ptr<T>() : nullptr;
  double total = total_weight<T>(t, rows, w, ignore_index);
  *total_out.data_ptr<T>() = static_cast<T>(total);
  std::vector<double> losses(reduction == 0 ? 0 : rows);
  T* o = reduction == 0 ? out.data_ptr<T>() : nullptr;
  for (int64_t r = 0; r < rows; ++r) {
    double loss = 0;
    if (t[r] != ignore_index) {
      int64_t ni = r / inner, si = r % inner;
      V wt = w ? static_cast<V>(w[t[r]]) : V(1);
      loss = -static_cast<double>(wt * static_cast<V>(x[(ni * c + t[r]) * inner + si]));
    }
    if (o) o[r] = static_cast<T>(loss);
    else losses[r] = loss;
  }
  reduce_into<T>(out, losses, reduction, total);
}

template <class T>
void nll_backward_k(const Tensor& gi, const Tensor& grad_output, const Tensor&, const Tensor& target,
                    const std::optional<Tensor>& weight, int64_t reduction, int64_t ignore_index,
                    const Tensor& total_t) {
  using V = M<T>;
  const int64_t n = gi.sizes()[0], c = gi.sizes()[1], inner = gi.sizes()[2], rows = n * inner;
  fill(gi, 0);
  if (gi.numel() == 0) return;
  const int64_t* t = target.data_ptr<int64_t>();
  check_targets(t, rows, c, ignore_index);
  const T* w = weight ? weight->data_ptr<T>() : nullptr;
  const T* go = grad_output.data_ptr<T>();
  V scale = reduction == 0 ? V(1) : static_cast<V>(go[0]);
  if (reduction == 1) scale = scale / static_cast<V>(*total_t.data_ptr<T>());
  T* g = gi.data_ptr<T>();
  for (int64_t r = 0; r < rows; ++r) {
    if (t[r] == ignore_index) continue;
    int64_t ni = r / inner, si = r % inner;
    V gr = reduction == 0 ? static_cast<V>(go[r]) : scale;
    g[(ni * c + t[r]) * inner + si] = static_cast<T>(-gr * (w ? static_cast<V>(w[t[r]]) : V(1)));
  }
}

}  // namespace

void register_loss() {
  for_dtypes(kFloatTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point<opmath_t<T>>::value) {
      dispatch::register_kernel<OpId::_cross_entropy_forward>(kCPU, t, &ce_forward_k<T>);
      dispatch::register_kernel<OpId::_cross_entropy_backward>(kCPU, t, &ce_backward_k<T>);
      dispatch::register_kernel<OpId::nll_loss_forward>(kCPU, t, &nll_forward_k<T>);
      dispatch::register_kernel<OpId::nll_loss_backward>(kCPU, t, &nll_backward_k<T>);
    }
  });
}

}  // namespace ember::cpu
