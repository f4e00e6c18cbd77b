// ember.autograd.Function: custom functions written in Python, recorded as one PyNode whose
// backward calls the class's backward under the GIL.
#include "pybind_tensor.h"

#include <pybind11/stl.h>

#include "ember/autograd/function.h"

namespace pyb = pybind11;

namespace ember::py {

size_t g_live_py_nodes = 0;  // guarded by the GIL

class PyNode final : public autograd::Node {
 public:
  PyNode(PyObject* cls, PyObject* ctx) : cls_(cls), ctx_(ctx) {
    Py_INCREF(cls_);
    Py_INCREF(ctx_);
    ++g_live_py_nodes;
    name_ = std::string(reinterpret_cast<PyTypeObject*>(cls)->tp_name);
    auto dot = name_.rfind('.');
    if (dot != std::string::npos) name_ = name_.substr(dot + 1);
    name_ += "Backward";
  }
  ~PyNode() override {
    pyb::gil_scoped_acquire gil;
    Py_CLEAR(cls_);
    Py_CLEAR(ctx_);
    --g_live_py_nodes;
  }
  std::string name() const override { return name_; }
  void release_variables() override { actx.saved_.clear(); }

  autograd::variable_list apply(autograd::variable_list&& grads) override {
    pyb::gil_scoped_acquire gil;
    EMBER_CHECK(ctx_ != nullptr, name_, ": the function's context was cleared by the garbage collector");
    pyb::tuple args(grads.size() + 1);
    args[0] = pyb::handle(ctx_);
    for (size_t i = 0; i < grads.size(); ++i) {
      Tensor g = grads[i];
      if (!g.defined() && actx.materialize_grads_ && i < out_meta.size())
        g = zeros(out_meta[i].first, out_meta[i].second);
      args[i + 1] = pyb::cast(g);
    }
    pyb::object ctx = pyb::reinterpret_borrow<pyb::object>(ctx_);
    pyb::list saved;
    for (const Tensor& t : actx.get_saved_variables()) saved.append(pyb::cast(t));
    ctx.attr("_saved_tensors_value") = pyb::tuple(saved);
    pyb::object r = pyb::reinterpret_borrow<pyb::object>(cls_).attr("backward")(*args);
    ctx.attr("_saved_tensors_value") = pyb::none();
    pyb::tuple res = pyb::isinstance<pyb::tuple>(r) ? pyb::reinterpret_borrow<pyb::tuple>(r) : pyb::make_tuple(r);
    size_t expected = next_edges().size();
    // Trailing Nones beyond the forward's arguments are allowed, as in PyTorch.
    size_t n = res.size();
    while (n > expected && res[n - 1].is_none()) --n;
    EMBER_CHECK(n == expected, "function ", name_, " returned an incorrect number of gradients (expected ", expected,
                ", got ", n, ")");
    autograd::variable_list out(expected);
    for (size_t i = 0; i < expected; ++i) {
      pyb::handle h = res[i];
      if (h.is_none()) continue;
      if (!is_tensor(h.ptr())) throw TypeError(detail::str(name_, ": backward must return Tensors or None, got ",
                                                           Py_TYPE(h.ptr())->tp_name));
      out[i] = tensor_of(h.ptr());
      if (i < in_sizes.size() && in_sizes[i].has_value())
        EMBER_CHECK(out[i].sizes().equals(*in_sizes[i]), "Function ", name_, " returned an invalid gradient at index ",
                    i, " - got ", out[i].sizes(), " but expected shape compatible with ", *in_sizes[i]);
    }
    return out;
  }

  PyObject* ctx() const { return ctx_; }
  void clear_ctx() { Py_CLEAR(ctx_); }

  autograd::AutogradContext actx;
  std::vector<std::pair<DimVector, TensorOptions>> out_meta;
  std::vector<std::optional<DimVector>> in_sizes;

 private:
  PyObject* cls_;
  PyObject* ctx_;
  std::string name_;
};

int visit_function_ctx(const std::shared_ptr<autograd::Node>& fn, visitproc visit, void* arg) {
  if (auto* p = dynamic_cast<PyNode*>(fn.get())) Py_VISIT(p->ctx());
  return 0;
}
void clear_function_ctx(const std::shared_ptr<autograd::Node>& fn) {
  if (auto* p = dynamic_cast<PyNode*>(fn.get())) p->clear_ctx();
}

static std::vector<Tensor> tensor_items(pyb::handle seq) {
  std::vector<Tensor> v;
  for (pyb::handle h : seq)
    if (is_tensor(h.ptr())) v.push_back(tensor_of(h.ptr()));
  return v;
}

void init_function(pyb::module_& m) {
  m.def("_function_wrap", [](pyb::handle cls, pyb::handle ctx, pyb::tuple args, pyb::object outputs, bool record,
                             pyb::handle to_save, pyb::handle dirty, pyb::handle non_diff, bool materialize) {
    auto node = std::make_shared<PyNode>(cls.ptr(), ctx.ptr());
    node->actx.to_save_ = tensor_items(to_save);
    for (const Tensor& t : tensor_items(dirty)) node->actx.dirty_.push_back(t.unsafeGetTensorImpl());
    for (const Tensor& t : tensor_items(non_diff)) node->actx.non_differentiable_.push_back(t.unsafeGetTensorImpl());
    node->actx.materialize_grads_ = materialize;
    node->actx.node_ = node;
    autograd::variable_list targs;
    for (pyb::handle a : args) {
      if (is_tensor(a.ptr())) {
        targs.push_back(tensor_of(a.ptr()));
        node->in_sizes.emplace_back(DimVector(targs.back().sizes()));
      } else {
        targs.emplace_back();
        node->in_sizes.emplace_back(std::nullopt);
      }
    }
    bool single = !pyb::isinstance<pyb::tuple>(outputs);
    pyb::tuple outs = single ? pyb::make_tuple(outputs) : pyb::reinterpret_borrow<pyb::tuple>(outputs);
    autograd::variable_list touts;
    for (pyb::handle o : outs) touts.push_back(is_tensor(o.ptr()) ? tensor_of(o.ptr()) : Tensor());
    autograd::variable_list wrapped = autograd::wrap_function(node, node->actx, targs, touts, record);
    for (const Tensor& o : wrapped)
      node->out_meta.push_back(o.defined() ? std::make_pair(DimVector(o.sizes()), o.options())
                                           : std::make_pair(DimVector(), TensorOptions()));
    node->set_num_inputs(static_cast<uint32_t>(wrapped.size()));
    pyb::tuple result(outs.size());
    for (size_t i = 0; i < outs.size(); ++i)
      result[i] = wrapped[i].defined() ? pyb::cast(wrapped[i]) : pyb::reinterpret_borrow<pyb::object>(outs[i]);
    return single ? pyb::object(result[0]) : pyb::object(result);
  });
  m.def("_delayed_error", [](pyb::tuple outputs, pyb::tuple inputs, const std::string& msg) {
    auto w = autograd::delayed_error(tensor_items(outputs), tensor_items(inputs), msg);
    pyb::tuple r(w.size());
    for (size_t i = 0; i < w.size(); ++i) r[i] = pyb::cast(w[i]);
    return r;
  });
}

}  // namespace ember::py
