// Basic indexing (ember/indexing.h): t[ints, slices, None, ...] as a view built from select / slice /
// unsqueeze, and t[...] = value through copy_/fill_ into that view, recorded by a CopySlices node.
// Keys with tensor indices go to indexing_advanced.cpp.
#include "ember/indexing.h"

#include <cstring>

#include "ember/autograd/autograd.h"
#include "ember/gen/functions.h"

namespace ember::indexing {

Slice::Slice(std::optional<int64_t> start, std::optional<int64_t> stop, std::optional<int64_t> step)
    : start_(start), stop_(stop), step_(step.value_or(1)) {
  EMBER_CHECK_VALUE(step_ != 0, "slice step cannot be zero");
}

TensorIndex::TensorIndex(const char* s) : kind_(Kind::Ellipsis) {
  EMBER_CHECK_TYPE(s && std::strcmp(s, "...") == 0, "Expected \"...\" to represent an ellipsis index, but got \"",
                   s ? s : "", "\"");
}

namespace {

Tensor get_view(const Tensor& self, ArrayRef<TensorIndex> indices) {
  self.check_defined("index");
  int64_t consumed = 0;
  bool ellipsis = false;
  for (const TensorIndex& i : indices) {
    switch (i.kind()) {
      case TensorIndex::Kind::Integer:
      case TensorIndex::Kind::Slice:
        ++consumed;
        break;
      case TensorIndex::Kind::Ellipsis:
        EMBER_CHECK_INDEX(!ellipsis, "an index can only have a single ellipsis ('...')");
        ellipsis = true;
        break;
      default:  // bools and tensors: indexing_advanced.cpp
        break;
    }
  }
  EMBER_CHECK_INDEX(consumed <= self.dim(), "too many indices for tensor of dimension ", self.dim());
  Tensor r = self;
  int64_t d = 0;
  bool any = false;
  for (const TensorIndex& i : indices) {
    switch (i.kind()) {
      case TensorIndex::Kind::Integer: {
        int64_t size = r.sizes()[d], x = i.integer();
        EMBER_CHECK_INDEX(x >= -size && x < size, "index ", x, " is out of bounds for dimension ", d, " with size ",
                          size);
        r = r.select(d, x);
        any = true;
        break;
      }
      case TensorIndex::Kind::Slice: {
        const Slice& s = i.slice();
        r = slice(r, d, s.start(), s.stop(), s.step());
        any = true;
        ++d;
        break;
      }
      case TensorIndex::Kind::None:
        r = r.unsqueeze(d);
        any = true;
        ++d;
        break;
      case TensorIndex::Kind::Ellipsis:
        d += self.dim() - consumed;
        break;
      default:
        break;
    }
  }
  if (!any) r = r.view(r.sizes());  // t[...] / t[()]: an alias, as PyTorch returns
  return r;
}

/// The node that `t[indices] = value` records on t: t's old graph gets grad with the written
/// region zeroed, value gets that region (summed to its shape).
struct CopySlices final : autograd::Node {
  std::vector<TensorIndex> indices;
  DimVector self_sizes, value_sizes, value_stripped;
  ScalarType value_dtype = kFloat32;
  bool has_value = false;
  std::string name() const override { return "CopySlices"; }
  autograd::variable_list apply(autograd::variable_list&& grads) override {
    const Tensor& g = grads[0];
    autograd::variable_list out(has_value ? 2 : 1);
    if (!g.defined()) return out;
    if (should_compute_output(0)) {
      Tensor mask = ones(self_sizes, g.options());
      get_view(mask, indices).fill_(0);
      out[0] = g * mask;
    }
    if (has_value && should_compute_output(1)) {
      Tensor gv = autograd::sum_to(get_view(g, indices), value_stripped);
      out[1] = autograd::reduce_grad(gv.reshape(value_sizes), value_sizes, value_dtype);
    }
    return out;
  }
};

void write(const Tensor& self, ArrayRef<TensorIndex> indices, const Tensor* value, const Scalar* scalar) {
  self.check_defined("index_put_");
  bool record = autograd::GradMode::is_enabled() &&
                (self.requires_grad() || (value && value->defined() && value->requires_grad()));
  if (record && self.requires_grad() && !self.unsafeGetTensorImpl()->grad_fn())
    throw Error("a view of a leaf Variable that requires grad is being used in an in-place operation.");
  Tensor view;
  Tensor v;
  {
    autograd::NoGradGuard no_grad;
    view = get_view(self, indices);
    if (value) {
      value->check_defined("index_put_");
      v = *value;
      DimVector vs(v.sizes());  // PyTorch drops value's leading size-1 dims beyond the view's rank
      size_t k = 0;
      while (static_cast<int64_t>(vs.size() - k) > view.dim() && vs[k] == 1) ++k;
      if (k > 0) v = v.reshape(IntArrayRef(vs.data() + k, vs.size() - k));
      view.copy_(v);
    } else {
      view.fill_(*scalar);
    }
  }
  if (!record || !is_floating_point(self.dtype())) return;
  auto node = autograd::make_node<CopySlices>();
  node->indices.assign(indices.begin(), indices.end());
  node->self_sizes = self.sizes();
  node->has_value = value != nullptr;
  node->reserve_next_edges(node->has_value ? 2 : 1);
  node->add_next_edge(autograd::gradient_edge(self));
  if (value) {
    node->add_next_edge(autograd::gradient_edge(*value));
    node->value_sizes = value->sizes();
    node->value_stripped = v.sizes();
    node->value_dtype = value->dtype();
  }
  autograd::set_history_inplace(self, node);
  if (autograd::AnomalyMode::is_enabled()) node->set_creation_trace(autograd::current_trace());
}

}  // namespace

Tensor get_basic(const Tensor& self, ArrayRef<TensorIndex> indices) { return get_view(self, indices); }
bool has_tensor_index(ArrayRef<TensorIndex> indices);  // indexing_advanced.cpp
Tensor get_advanced(const Tensor& self, ArrayRef<TensorIndex> indices);
void set_advanced(const Tensor& self, ArrayRef<TensorIndex> indices, const Tensor* value, const Scalar* scalar);

Tensor get(const Tensor& self, ArrayRef<TensorIndex> indices) {
  return has_tensor_index(indices) ? get_advanced(self, indices) : get_view(self, indices);
}
void set(const Tensor& self, ArrayRef<TensorIndex> indices, const Tensor& value) {
  if (has_tensor_index(indices)) return set_advanced(self, indices, &value, nullptr);
  write(self, indices, &value, nullptr);
}
void set(const Tensor& self, ArrayRef<TensorIndex> indices, const Scalar& value) {
  self.check_defined("index_put_");
  check_scalar_in_range(value, self.dtype());  // Note [scalar range]
  if (has_tensor_index(indices)) return set_advanced(self, indices, nullptr, &value);
  write(self, indices, nullptr, &value);
}

}  // namespace ember::indexing

namespace ember {

Tensor Tensor::index(std::initializer_list<indexing::TensorIndex> indices) const {
  return indexing::get(*this, ArrayRef<indexing::TensorIndex>(indices));
}
Tensor Tensor::index(ArrayRef<indexing::TensorIndex> indices) const { return indexing::get(*this, indices); }
const Tensor& Tensor::index_put_(std::initializer_list<indexing::TensorIndex> indices, const Tensor& value) const {
  indexing::set(*this, ArrayRef<indexing::TensorIndex>(indices), value);
  return *this;
}
const Tensor& Tensor::index_put_(ArrayRef<indexing::TensorIndex> indices, const Tensor& value) const {
  indexing::set(*this, indices, value);
  return *this;
}
const Tensor& Tensor::index_put_(std::initializer_list<indexing::TensorIndex> indices, const Scalar& value) const {
  indexing::set(*this, ArrayRef<indexing::TensorIndex>(indices), value);
  return *this;
}
const Tensor& Tensor::index_put_(ArrayRef<indexing::TensorIndex> indices, const Scalar& value) const {
  indexing::set(*this, indices, value);
  return *this;
}

}  // namespace ember
