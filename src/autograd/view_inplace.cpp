// Note [views and in-place ops]: an in-place op on a view V of a base B changes B's values too, so
// B's history must change: B gets a CopySlices node (B's old gradient, with V's region replaced by
// what the op's node computes for V's old value), and V gets a view of B's new history. Other views
// of B notice the change lazily: each view remembers the version of the shared counter at which its
// grad_fn was set; when the counter has moved, grad_fn()/gradient_edge() regenerate it as a view of
// B's current history (refresh_view_grad_fn). Gradients are moved through "storage space": a buffer
// covering both geometries, written and read with as_strided. These nodes are differentiable once
// (a second differentiation through them raises).
#include <algorithm>

#include "ember/autograd/autograd.h"
#include "ember/autograd/function.h"
#include "ember/gen/functions.h"

namespace ember::autograd {
namespace {

struct Geometry {
  DimVector sizes, strides;
  int64_t offset;
  static Geometry of(const TensorImpl& t) { return {DimVector(t.sizes()), DimVector(t.strides()), t.storage_offset()}; }
  void extent(int64_t* lo, int64_t* hi) const {
    int64_t a = offset, b = offset;
    bool empty = false;
    for (size_t d = 0; d < sizes.size(); ++d) {
      if (sizes[d] == 0) empty = true;
      int64_t span = (sizes[d] - 1) * strides[d];
      (span < 0 ? a : b) += span;
    }
    if (empty) return;
    *lo = std::min(*lo, a);
    *hi = std::max(*hi, b);
  }
};

/// A zero buffer covering both geometries, and the two as_strided windows into it.
struct Space {
  Tensor buf;
  int64_t lo;
  Space(const Geometry& a, const Geometry& b, const TensorOptions& opt) {
    lo = std::min(a.offset, b.offset);
    int64_t hi = lo;
    a.extent(&lo, &hi);
    b.extent(&lo, &hi);
    buf = zeros({hi - lo + 1}, opt);
  }
  Tensor window(const Geometry& g) const { return buf.as_strided(g.sizes, g.strides, g.offset - lo); }
};

variable_list once_differentiable(variable_list outs, const variable_list& grads, const char* name) {
  if (!GradMode::is_enabled()) return outs;
  variable_list needing;
  for (const Tensor& g : grads)
    if (g.defined() && g.requires_grad()) needing.push_back(g);
  if (needing.empty()) return outs;
  return delayed_error(outs, needing, detail::str("double backward through ", name,
                                                  " (an in-place op on a view) is not supported yet"));
}

class CopySlices final : public Node {
 public:
  CopySlices(Geometry base, Geometry view, std::shared_ptr<Node> fn, ScalarType dtype)
      : base_(std::move(base)), view_(std::move(view)), fn_(std::move(fn)), dtype_(dtype) {}
  std::string name() const override { return "CopySlices"; }
  void release_variables() override { fn_->release_variables(); }
  variable_list apply(variable_list&& grads) override {
    variable_list out(next_edges().size());
    const Tensor& g = grads[0];
    if (!g.defined()) return out;
    variable_list fn_grads;
    {
      NoGradGuard no_grad;
      Space s(base_, view_, g.options());
      Tensor bwin = s.window(base_);
      bwin.copy_(g);
      Tensor vwin = s.window(view_);
      fn_grads = fn_->apply({vwin.clone()});
      if (!fn_grads.empty() && fn_grads[0].defined()) vwin.copy_(fn_grads[0]);
      else vwin.fill_(0);
      out[0] = bwin.clone();
    }
    for (size_t i = 1; i < out.size() && i < fn_grads.size(); ++i) out[i] = fn_grads[i];
    return once_differentiable(std::move(out), grads, "CopySlices");
  }

 private:
  Geometry base_, view_;
  std::shared_ptr<Node> fn_;
  ScalarType dtype_;
};

/// A view's grad_fn as a window of its base's history.
class ViewOfBase final : public Node {
 public:
  ViewOfBase(Geometry base, Geometry view) : base_(std::move(base)), view_(std::move(view)) {}
  std::string name() const override { return "AsStridedBackward0"; }
  variable_list apply(variable_list&& grads) override {
    const Tensor& g = grads[0];
    if (!g.defined()) return {Tensor()};
    Tensor r;
    {
      NoGradGuard no_grad;
      // Accumulate by storage position (a view may repeat elements), then read the base's positions.
      Tensor geom(std::make_shared<TensorImpl>(StorageImpl::wrap(nullptr, 0, Device(kCPU), nullptr, nullptr),
                                               g.dtype(), base_.sizes, base_.strides, base_.offset));
      r = as_strided_backward(g, geom, view_.sizes, view_.strides, view_.offset);
    }
    return once_differentiable({r}, grads, "a view modified in place");
  }

 private:
  Geometry base_, view_;
};

}  // namespace

void refresh_view_grad_fn(TensorImpl* impl) {
  // Only views that take part in autograd (they have a grad_fn) follow their base's changes.
  const auto& base = impl->view_base();
  if (!base || !base->requires_grad() || !impl->grad_fn()) return;
  if (impl->version_counter().current() == impl->view_grad_version()) return;
  auto node = make_node<ViewOfBase>(Geometry::of(*base), Geometry::of(*impl));
  Tensor b(base);
  node->add_next_edge(gradient_edge(b));
  impl->set_grad_fn(node, 0);
  impl->set_requires_grad(true);
  impl->set_view_grad_version(impl->version_counter().current());
}

void set_history_inplace(const Tensor& t, const std::shared_ptr<Node>& fn) {
  TensorImpl* impl = t.unsafeGetTensorImpl();
  const auto& base_impl = impl->view_base();
  if (!base_impl) {
    set_history(t, fn, 0);
    return;
  }
  Tensor base(base_impl);
  auto cs = make_node<CopySlices>(Geometry::of(*base_impl), Geometry::of(*impl), fn, t.dtype());
  cs->add_next_edge(gradient_edge(base));  // the base's history before the write
  for (size_t i = 1; i < fn->next_edges().size(); ++i) cs->add_next_edge(fn->next_edges()[i]);
  set_history(base, cs, 0);
  auto view_node = make_node<ViewOfBase>(Geometry::of(*base_impl), Geometry::of(*impl));
  view_node->add_next_edge(Edge{cs, 0});
  set_history(t, view_node, 0);
}

}  // namespace ember::autograd
