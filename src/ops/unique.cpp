// unique (_unique2, unique_dim), searchsorted (its kernel: src/kernels/cpu/sorting.cpp) and bincount
// (src/ops/joining.yaml): not differentiable;
// serial loops over contiguous copies. NaNs are distinct in unique (NaN != NaN), as in PyTorch.
#include <algorithm>
#include <numeric>
#include <vector>

#include "ember/dispatch/dispatch.h"
#include "ember/gen/functions.h"
#include "core/autograd_hooks.h"
#include "ember/gen/native.h"
#include "ops/dim_util.h"
#include "ops/structured.h"

namespace ember::native {

namespace {


/// Note [host fallback]: unique and bincount have no kernels yet; on a device other than
/// the CPU they copy their inputs to the CPU (through the device's copy kernel: no host read of device
/// memory), compute there and copy the results back.
Tensor host(const Tensor& t) { return t.defined() && !t.is_cpu() && !t.is_meta() ? t.to(Device(kCPU)) : t; }

/// a < b with NaN the largest value.
template <class M>
bool nan_less(M a, M b) {
  if (b != b) return !(a != a);
  return a < b;
}

/// Unique rows of x (contiguous, rows of length len): sorted row order (lexicographic), a group id
/// per row, and the first row (in sorted order) and size of each group.
template <class T>
void unique_rows(const Tensor& x, int64_t rows, int64_t len, std::vector<int64_t>& perm, std::vector<int64_t>& inverse,
                 std::vector<int64_t>& firsts, std::vector<int64_t>& counts) {
  using M = opmath_t<T>;
  const T* p = x.data_ptr<T>();
  perm.resize(static_cast<size_t>(rows));
  std::iota(perm.begin(), perm.end(), int64_t{0});
  auto less = [&](int64_t a, int64_t b) {
    for (int64_t j = 0; j < len; ++j) {
      M u = static_cast<M>(p[a * len + j]), v = static_cast<M>(p[b * len + j]);
      if (nan_less(u, v)) return true;
      if (nan_less(v, u)) return false;
    }
    return false;
  };
  std::stable_sort(perm.begin(), perm.end(), less);
  auto equal = [&](int64_t a, int64_t b) {
    for (int64_t j = 0; j < len; ++j)
      if (static_cast<M>(p[a * len + j]) != static_cast<M>(p[b * len + j])) return false;
    return true;
  };
  inverse.assign(static_cast<size_t>(rows), 0);
  for (int64_t i = 0; i < rows; ++i) {
    if (i == 0 || !equal(perm[i], perm[i - 1])) {
      firsts.push_back(perm[i]);
      counts.push_back(0);
    }
    inverse[perm[i]] = static_cast<int64_t>(firsts.size()) - 1;
    ++counts.back();
  }
}

Tensor long_tensor(const std::vector<int64_t>& v, IntArrayRef sizes) {
  Tensor t = ember::empty(sizes, TensorOptions(kInt64));
  std::copy(v.begin(), v.end(), t.data_ptr<int64_t>());
  return t;
}

/// (unique rows, inverse, counts) of self viewed as rows along dim (moved to the front).
std::tuple<Tensor, Tensor, Tensor> unique_impl(const Tensor& self_in, int64_t d, bool flat) {
  if (!self_in.is_cpu() && !self_in.is_meta()) {  // Note [host fallback]
    auto [u, inv, counts] = unique_impl(host(self_in), d, flat);
    Device dev = self_in.device();
    return {u.to(dev), inv.to(dev), counts.to(dev)};
  }
  const Tensor& self = self_in;
  Tensor x = flat ? self.reshape({-1}) : (self.dim() == 0 ? self.reshape({1}) : self);
  Tensor xm = (d == 0 ? x : x.movedim({d}, {0})).contiguous();
  int64_t rows = xm.sizes()[0];
  int64_t len = rows == 0 ? 0 : xm.numel() / rows;
  std::vector<int64_t> perm, inverse, firsts, counts;
  visit_dtype(self.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    unique_rows<T>(xm, rows, len, perm, inverse, firsts, counts);
  });
  int64_t m = static_cast<int64_t>(firsts.size());
  DimVector out_sizes(xm.sizes());
  out_sizes[0] = m;
  Tensor out = ember::empty(out_sizes, self.options());
  visit_dtype(self.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* src = xm.data_ptr<T>();
    T* dst = out.data_ptr<T>();
    for (int64_t g = 0; g < m; ++g) std::copy(src + firsts[g] * len, src + (firsts[g] + 1) * len, dst + g * len);
  });
  if (d != 0) out = out.movedim({0}, {d}).contiguous();
  Tensor inv = long_tensor(inverse, flat ? self.sizes() : IntArrayRef(&rows, 1));
  return {out, inv, long_tensor(counts, IntArrayRef(&m, 1))};
}

/// PyTorch keeps history through these ops and raises when backward reaches them; so does ember.
Tensor not_differentiable(const Tensor& out, const Tensor& input, const char* op) {
  if (!detail::g_autograd_hooks.delayed_error || !autograd::GradMode::is_enabled() || !input.defined() ||
      !input.requires_grad() || !is_floating_point(out.dtype()))
    return out;
  return detail::g_autograd_hooks.delayed_error({out}, {input}, detail::str("the derivative for '", op, "' is not implemented."))[0];
}

}  // namespace

std::tuple<Tensor, Tensor, Tensor> _unique2(const Tensor& self, bool sorted, bool return_inverse,
                                            bool return_counts) {
  self.check_defined("unique");
  structured::check_not_meta("unique", self);
  (void)sorted, (void)return_inverse, (void)return_counts;  // always sorted; all outputs computed
  auto r = unique_impl(self, 0, true);
  std::get<0>(r) = not_differentiable(std::get<0>(r), self, "_unique2");
  return r;
}

std::tuple<Tensor, Tensor, Tensor> unique_dim(const Tensor& self, int64_t dim, bool sorted, bool return_inverse,
                                              bool return_counts) {
  self.check_defined("unique_dim");
  structured::check_not_meta("unique_dim", self);
  (void)sorted, (void)return_inverse, (void)return_counts;
  auto r = unique_impl(self, wrap_dim(dim, self.dim()), false);
  std::get<0>(r) = not_differentiable(std::get<0>(r), self, "unique_dim");
  return r;
}

Tensor searchsorted(const Tensor& sorted_sequence_in, const Tensor& self, bool out_int32, bool right,
                    const std::optional<std::string>& side_opt, const std::optional<Tensor>& sorter) {
  sorted_sequence_in.check_defined("searchsorted");
  self.check_defined("searchsorted");
  std::string side = side_opt.value_or("");
  Tensor sorted_sequence = sorted_sequence_in;
  if (sorter && sorter->defined()) {  // indices that sort the innermost dim: search the sorted view, as numpy
    EMBER_CHECK(sorter->sizes().equals(sorted_sequence_in.sizes()), "torch.searchsorted(): boundary and sorter must "
                "have the same size, but got boundary tensor ", sorted_sequence_in.sizes(), "and got sorter tensor ",
                sorter->sizes());
    EMBER_CHECK(sorter->dtype() == kInt64, "torch.searchsorted(): sorter must be a tensor of long dtype but got ",
                sorter->dtype());
    if (sorted_sequence_in.dim() > 0) sorted_sequence = ember::take_along_dim(sorted_sequence_in, *sorter, -1);
  }
  EMBER_CHECK(side.empty() || side == "left" || side == "right",
              "torch.searchsorted(): side can only be 'left' or 'right' but got ", side);
  EMBER_CHECK(side.empty() || !right || side == "right",
              "torch.searchsorted(): side and right can't be set to opposites, got side of ", side,
              " while right was True");
  bool upper = right || side == "right";
  const Tensor& b = sorted_sequence;
  EMBER_CHECK(b.dim() > 0, "torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 "
                           "dimension");
  bool batched = b.dim() > 1;
  if (batched) {
    bool ok = self.dim() == b.dim();
    for (int64_t i = 0; ok && i + 1 < b.dim(); ++i) ok = self.sizes()[i] == b.sizes()[i];
    EMBER_CHECK(ok, "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of "
                    "boundaries tensor and input value tensor must match, but we got boundaries tensor ",
                b.sizes(), " and input value tensor ", self.sizes());
  }
  Device dev = structured::common_device("searchsorted", {&b, &self});
  if (dev.is_meta()) return ember::empty(self.sizes(), TensorOptions(out_int32 ? kInt32 : kInt64).device(dev));
  ScalarType common = promote_types(b.dtype(), self.dtype());
  Tensor bc = b.to(std::nullopt, common).contiguous();
  Tensor vc = self.to(std::nullopt, common).contiguous();
  Tensor out = ember::empty(self.sizes(), TensorOptions(kInt64).device(dev));
  dispatch::kernel<OpId::searchsorted>(dev.type(), common)(out, bc, vc, false, upper, std::nullopt, std::nullopt);
  return out_int32 ? out.to(std::nullopt, kInt32) : out;
}

Tensor bincount(const Tensor& self, const std::optional<Tensor>& weights, int64_t minlength) {
  self.check_defined("bincount");
  structured::check_not_meta("bincount", self);
  EMBER_CHECK(minlength >= 0, "minlength should be >= 0");
  EMBER_CHECK_AS(NotImplementedError, !is_floating_point(self.dtype()), "\"bincount_cpu\" not implemented for '",
                 self.dtype(), "' (bincount only supports 1-d non-negative integral inputs)");
  EMBER_CHECK(self.dim() == 1 && self.dtype() != kBool, "bincount only supports 1-d non-negative integral inputs.");
  bool has_w = weights && weights->defined();
  if (has_w)
    EMBER_CHECK(weights->dim() == 1 && weights->sizes()[0] == self.sizes()[0],
                "weights should be 1-d and have the same length as input");
  if (!self.is_cpu()) {  // Note [host fallback]
    Tensor r = ember::bincount(host(self), has_w ? std::optional<Tensor>(host(*weights)) : std::nullopt, minlength);
    return r.to(self.device());
  }
  Tensor x = self.to(std::nullopt, kInt64).contiguous();
  const int64_t* xp = x.data_ptr<int64_t>();
  int64_t n = x.numel(), top = -1;
  for (int64_t i = 0; i < n; ++i) {
    EMBER_CHECK(xp[i] >= 0, "bincount only supports 1-d non-negative integral inputs.");
    top = std::max(top, xp[i]);
  }
  int64_t len = std::max(top + 1, minlength);
  if (!has_w) {
    Tensor out = ember::zeros({len}, TensorOptions(kInt64));
    int64_t* o = out.data_ptr<int64_t>();
    for (int64_t i = 0; i < n; ++i) ++o[xp[i]];
    return out;
  }
  // PyTorch: float32 weights sum in float32, any other dtype in float64.
  ScalarType wt = weights->dtype() == kFloat32 ? kFloat32 : kFloat64;
  Tensor w = weights->to(std::nullopt, wt).contiguous();
  Tensor out = ember::zeros({len}, TensorOptions(wt));
  visit_dtype(wt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point<T>::value) {
      const T* wp = w.data_ptr<T>();
      T* o = out.data_ptr<T>();
      for (int64_t i = 0; i < n; ++i) o[xp[i]] += wp[i];
    }
  });
  return not_differentiable(out, *weights, "bincount");
}

}  // namespace ember::native

namespace ember::native {

std::tuple<Tensor, Tensor, Tensor> unique(const Tensor& self, bool sorted, bool return_inverse, bool return_counts,
                                          std::optional<int64_t> dim) {
  return dim ? native::unique_dim(self, *dim, sorted, return_inverse, return_counts)
             : native::_unique2(self, sorted, return_inverse, return_counts);
}

}  // namespace ember::native
