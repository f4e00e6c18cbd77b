// value_selecting_backward (sort / topk): grad scattered along dim to the positions in indices, in
// zeros of the input's shape. A private scatter/gather pair (not public ops): each records the other
// as its backward under create_graph, so the gradient is differentiable again.
#include <vector>

#include "ember/autograd/autograd.h"
#include "ember/gen/functions.h"

namespace ember::autograd {

namespace {

Tensor scatter_dim(const Tensor& src, int64_t dim, const Tensor& indices, IntArrayRef sizes);
Tensor gather_dim(const Tensor& src, int64_t dim, const Tensor& indices);

/// Rows along dim, as (tensor moved so dim is last, contiguous).
Tensor last(const Tensor& t, int64_t dim) {
  int64_t l = t.dim() - 1;
  return (dim == l ? t : t.movedim({dim}, {l})).contiguous();
}

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
Tensor scatter_dim(const Tensor& src, int64_t dim, const Tensor& indices, IntArrayRef sizes) {
  Tensor z = zeros(sizes, src.options());
  {
    NoGradGuard no_grad;
    int64_t l = z.dim() - 1;
    Tensor zm = last(z, dim), sm = last(src, dim), im = last(indices, dim);
    int64_t n = zm.sizes()[l], k = sm.sizes()[l];
    int64_t rows = k == 0 || z.is_meta() ? 0 : sm.numel() / k;  // meta: no values to move
    const int64_t* ix = rows ? im.data_ptr<int64_t>() : nullptr;
    visit_dtype(src.dtype(), [&](auto tag) {
      if (!rows) return;
      using T = typename decltype(tag)::type;
      const T* s = sm.data_ptr<T>();
      T* o = zm.data_ptr<T>();
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t j = 0; j < k; ++j) o[r * n + ix[r * k + j]] = s[r * k + j];
    });
    z = dim == l ? zm : zm.movedim({l}, {dim}).contiguous();
  }
  auto node = make_node<ScatterDimBackward>();
  node->dim = dim;
  node->indices = indices;
  record(z, src, node);
  return z;
}

// out[..., j, ...] = src[..., indices[..., j], ...] along dim.
Tensor gather_dim(const Tensor& src, int64_t dim, const Tensor& indices) {
  Tensor out;
  {
    NoGradGuard no_grad;
    int64_t l = src.dim() - 1;
    Tensor sm = last(src, dim), im = last(indices, dim);
    DimVector osz(im.sizes());
    Tensor om = empty(osz, src.options());
    int64_t n = sm.sizes()[l], k = im.sizes()[l];
    int64_t rows = k == 0 || om.is_meta() ? 0 : im.numel() / k;  // meta: no values to move
    const int64_t* ix = rows ? im.data_ptr<int64_t>() : nullptr;
    visit_dtype(src.dtype(), [&](auto tag) {
      if (!rows) return;
      using T = typename decltype(tag)::type;
      const T* s = sm.data_ptr<T>();
      T* o = om.data_ptr<T>();
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t j = 0; j < k; ++j) o[r * k + j] = s[r * n + ix[r * k + j]];
    });
    out = dim == l ? om : om.movedim({l}, {dim}).contiguous();
  }
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
