// Backward formulas of the view ops (declared in ember/autograd/autograd.h). They scatter grad into
// a zero tensor of the input's shape through the same view (copy_ / add_ under no-grad semantics of
// the engine); they are not themselves differentiable twice.
#include <algorithm>
#include <functional>
#include <vector>

#include "ember/autograd/autograd.h"
#include "ember/gen/functions.h"

namespace ember::autograd {

namespace {

/// Makes the scatter differentiable under create_graph: its adjoint is the view itself.
struct ViewScatterBackward final : Node {
  std::function<Tensor(const Tensor&)> view_fn;
  std::string name() const override { return "ViewScatterBackward"; }
  variable_list apply(variable_list&& grads) override {
    variable_list out(1);
    if (grads[0].defined() && should_compute_output(0)) out[0] = view_fn(grads[0]);
    return out;
  }
};

/// zeros(sizes) with grad written (or, for overlapping views, added) through view_fn.
Tensor scatter(const Tensor& grad, IntArrayRef sizes, std::function<Tensor(const Tensor&)> view_fn,
               const std::function<void(const Tensor&, const Tensor&)>& write) {
  Tensor z = zeros(sizes, grad.options());
  {
    NoGradGuard no_grad;
    write(z, grad);
  }
  if (GradMode::is_enabled() && grad.requires_grad()) {
    auto node = make_node<ViewScatterBackward>();
    node->view_fn = std::move(view_fn);
    node->add_next_edge(gradient_edge(grad));
    set_history(z, node);
  }
  return z;
}

Tensor scatter_copy(const Tensor& grad, IntArrayRef sizes, std::function<Tensor(const Tensor&)> view_fn) {
  auto write = [&](const Tensor& z, const Tensor& g) { view_fn(z).copy_(g); };
  return scatter(grad, sizes, view_fn, write);
}

}  // namespace

Tensor select_backward(const Tensor& grad, IntArrayRef sizes, int64_t dim, int64_t index) {
  return scatter_copy(grad, sizes, [=](const Tensor& t) { return t.select(dim, index); });
}

Tensor narrow_backward(const Tensor& grad, IntArrayRef sizes, int64_t dim, int64_t start, int64_t length) {
  return scatter_copy(grad, sizes, [=](const Tensor& t) { return t.narrow(dim, start, length); });
}

Tensor diagonal_backward(const Tensor& grad, IntArrayRef sizes, int64_t offset, int64_t dim1, int64_t dim2) {
  return scatter_copy(grad, sizes, [=](const Tensor& t) { return t.diagonal(offset, dim1, dim2); });
}

Tensor slice_backward(const Tensor& grad, IntArrayRef sizes, int64_t dim, std::optional<int64_t> start,
                      std::optional<int64_t> end, int64_t step) {
  return scatter_copy(grad, sizes, [=](const Tensor& t) { return slice(t, dim, start, end, step); });
}

Tensor unfold_backward(const Tensor& grad, IntArrayRef sizes, int64_t dim, int64_t size, int64_t step) {
  if (sizes.empty()) return grad.sum();
  int64_t n = static_cast<int64_t>(sizes.size());
  int64_t d = dim < 0 ? dim + n : dim;
  auto write = [&](const Tensor& z, const Tensor& g) {  // windows may overlap: accumulate
    for (int64_t i = 0; i < g.sizes()[d]; ++i) {
      DimVector src{-1}, dst{d};
      z.narrow(d, i * step, size).add_(g.select(d, i).movedim(src, dst));
    }
  };
  return scatter(grad, sizes, [=](const Tensor& t) { return t.unfold(d, size, step); }, write);
}

static void for_each_offset(IntArrayRef sizes, IntArrayRef strides, int64_t off,
                            const std::function<void(int64_t)>& fn) {
  int64_t n = static_cast<int64_t>(sizes.size());
  for (int64_t s : sizes)
    if (s == 0) return;
  std::vector<int64_t> idx(n, 0);
  while (true) {
    fn(off);
    int64_t d = n - 1;
    for (; d >= 0; --d) {
      off += strides[d];
      if (++idx[d] < sizes[d]) break;
      off -= strides[d] * sizes[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

Tensor as_strided_backward(const Tensor& grad, const Tensor& self, IntArrayRef size, IntArrayRef stride,
                           std::optional<int64_t> storage_offset) {
  // Accumulate grad by storage position (outputs may overlap), then read it back at self's positions.
  if (grad.is_meta()) return empty(self.sizes(), grad.options());  // meta: the shape is the result
  int64_t out_off = storage_offset.value_or(self.storage_offset());
  int64_t lo = std::min(out_off, self.storage_offset()), hi = std::max(out_off, self.storage_offset());
  auto extent = [&](IntArrayRef sz, IntArrayRef st, int64_t off) {
    for_each_offset(sz, st, off, [&](int64_t p) {
      lo = std::min(lo, p);
      hi = std::max(hi, p);
    });
  };
  extent(size, stride, out_off);
  extent(self.sizes(), self.strides(), self.storage_offset());
  std::vector<double> buf(static_cast<size_t>(hi - lo + 1), 0.0);
  Tensor g = grad.to(Device(kCPU), kFloat64).contiguous();
  const double* gp = static_cast<const double*>(g.data_ptr());
  int64_t k = 0;
  for_each_offset(size, stride, out_off, [&](int64_t p) { buf[p - lo] += gp[k++]; });
  Tensor r = empty(self.sizes(), TensorOptions(kFloat64));
  double* rp = static_cast<double*>(r.data_ptr());
  k = 0;
  for_each_offset(self.sizes(), self.strides(), self.storage_offset(), [&](int64_t p) { rp[k++] = buf[p - lo]; });
  return r.to(grad.device(), grad.dtype());
}

Tensor roll_backward(const Tensor& grad, IntArrayRef shifts, std::optional<IntArrayRef> dims) {
  DimVector neg;
  for (int64_t s : shifts) neg.push_back(-s);
  return grad.roll(neg, dims);
}

}  // namespace ember::autograd
