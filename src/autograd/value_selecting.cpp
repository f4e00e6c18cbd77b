// value_selecting_backward (sort / topk): grad scattered along dim to the positions in indices, in
// zeros of the input's shape. A private scatter/gather pair calling the gather / scatter_ kernels of
// the tensors' device (not the public ops, whose checks and in-place recording these do not need):
// each records the other as its backward under create_graph, so the gradient is differentiable again.
#include <vector>

#include "ember/autograd/autograd.h"
#include "ember/dispatch/dispatch.h"
#include "ember/gen/functions.h"

namespace ember::autograd {

namespace {

Tensor scatter_dim(const Tensor& src, int64_t dim, const Tensor& indices, IntArrayRef sizes);
Tensor gather_dim(const Tensor& src, int64_t dim, const Tensor& indices);

struct ScatterDimBackward final : Node {  // backward of scatter_dim: gather
  int64_t dim = 0;
  Tensor indices;
  std::string name() const override { return "ScatterDimBackward"; }
  variable_list apply(variable_list&& grads) override {
    variable_list out(1);
    if (grads[0].defined() && should_compute_output(0)) out[0] = gather_dim(grads[0], dim, indices);
    return out;
  }
};

struct GatherDimBackward final : Node {  // backward of gather_dim: scatter
  int64_t dim = 0;
  Tensor indices;
  DimVector sizes;
  std::string name() const override { return "GatherDimBackward"; }
  variable_list apply(variable_list&& grads) override {
    variable_list out(1);
    if (grads[0].defined() && should_compute_output(0)) out[0] = scatter_dim(grads[0], dim, indices, sizes);
    return out;
  }
};

template <class N>
void record(const Tensor& result, const Tensor& src, std::shared_ptr<N> node) {
  if (!(GradMode::is_enabled() && src.requires_grad())) return;
  node->add_next_edge(gradient_edge(src));
  set_history(result, node);
}

// zeros(sizes) with z[..., indices[..., j], ...] = src[..., j, ...] along dim (src, indices: >= 1-D).
// The indices come from sort/topk, so they are valid: the scatter_ kernel runs without the op's checks.
Tensor scatter_dim(const Tensor& src, int64_t dim, const Tensor& indices, IntArrayRef sizes) {
  Tensor z = zeros(sizes, src.options());
  dispatch::kernel<OpId::scatter_>(z.device().type(), z.dtype())(z, dim, indices, src);
  auto node = make_node<ScatterDimBackward>();
  node->dim = dim;
  node->indices = indices;
  record(z, src, node);
  return z;
}

// out[..., j, ...] = src[..., indices[..., j], ...] along dim (the gather kernel, as above).
Tensor gather_dim(const Tensor& src, int64_t dim, const Tensor& indices) {
  Tensor out = empty(indices.sizes(), src.options().requires_grad(false));
  dispatch::kernel<OpId::gather>(src.device().type(), src.dtype())(out, src, dim, indices);
  auto node = make_node<GatherDimBackward>();
  node->dim = dim;
  node->indices = indices;
  node->sizes = src.sizes();
  record(out, src, node);
  return out;
}

}  // namespace

Tensor value_selecting_backward(const Tensor& grad, int64_t dim, const Tensor& indices, IntArrayRef sizes) {
  if (sizes.empty()) return grad.reshape(sizes);  // 0-d: the only element is selected
  int64_t n = static_cast<int64_t>(sizes.size());
  int64_t d = dim < 0 ? dim + n : dim;
  return scatter_dim(grad, d, indices, sizes);
}

}  // namespace ember::autograd
