// Python side of autograd: Tensor attributes (requires_grad, grad, grad_fn, is_leaf, ...), hooks
// holding Python callables (visible to the garbage collector), grad_fn objects, grad modes, and the
// engine entry points (run with the GIL released; Python hooks take it back).
#include <algorithm>
#include <cctype>
#include <thread>
#include <unordered_map>

#include "pybind_tensor.h"
#include "ember/autograd/thread_local_state.h"

#include <pybind11/stl.h>

namespace pyb = pybind11;

namespace ember::py {

using autograd::Node;

// ---- Python hooks ---------------------------------------------------------------------------------
// Note [hooks and the GC]: a hook's Python callable often refers back to its tensor (a cycle through
// C++ that the GC cannot see). Every live hook is listed by the object that owns it in C++ (the
// grad_fn node, or the leaf's TensorImpl); a tensor's tp_traverse visits them when that owner is
// reachable only through this tensor, so such cycles are collected.
struct PyHook {
  PyObject* fn;
  const void* owner;
  bool active = true;
  ~PyHook();
};
static std::unordered_multimap<const void*, PyHook*> g_hooks;  // guarded by the GIL

PyHook::~PyHook() {
  pyb::gil_scoped_acquire gil;
  auto range = g_hooks.equal_range(owner);
  for (auto it = range.first; it != range.second; ++it)
    if (it->second == this) {
      g_hooks.erase(it);
      break;
    }
  Py_XDECREF(fn);
}

static void deactivate(PyHook* h) {
  if (!h->active) return;
  h->active = false;
  Py_CLEAR(h->fn);
}

static const void* hook_owner(const Tensor& t) {
  return t.grad_fn() ? static_cast<const void*>(t.grad_fn().get()) : static_cast<const void*>(t.unsafeGetTensorImpl());
}

/// Whether this tensor's Python object is the only way to reach its hooks' owner.
static bool owns_hooks(const Tensor& t) {
  if (!t.defined() || t.use_count() != 1) return false;
  return !t.grad_fn() || t.grad_fn().use_count() == 1;
}

int visit_function_ctx(const std::shared_ptr<Node>& fn, visitproc visit, void* arg);  // function.cpp
void clear_function_ctx(const std::shared_ptr<Node>& fn);

extern size_t g_live_py_nodes;  // function.cpp

int visit_tensor_hooks(const Tensor& t, visitproc visit, void* arg) {
  if (g_hooks.empty() && g_live_py_nodes == 0) return 0;  // the common case, during every GC pass
  if (!owns_hooks(t)) return 0;
  auto range = g_hooks.equal_range(hook_owner(t));
  for (auto it = range.first; it != range.second; ++it) Py_VISIT(it->second->fn);
  if (t.grad_fn() && g_live_py_nodes) return visit_function_ctx(t.grad_fn(), visit, arg);
  return 0;
}

void clear_tensor_hooks(const Tensor& t) {
  if (g_hooks.empty() && g_live_py_nodes == 0) return;
  if (!owns_hooks(t)) return;
  if (t.grad_fn()) clear_function_ctx(t.grad_fn());
  auto range = g_hooks.equal_range(hook_owner(t));
  std::vector<PyHook*> hs;
  for (auto it = range.first; it != range.second; ++it) hs.push_back(it->second);
  for (PyHook* h : hs) deactivate(h);
}

static Tensor call_hook(PyHook& h, const Tensor& g);

/// The std::function targets of Python hooks: named types, so that remove() can find its entry among
/// the owner's hooks and drop it (a removed hook leaves nothing behind).
struct PyHookCall {
  std::shared_ptr<PyHook> h;
  Tensor operator()(const Tensor& g) const { return call_hook(*h, g); }
};
struct PyPostAccCall {
  std::shared_ptr<PyHook> h;
  void operator()(const Tensor& var) const;
};

template <class Call, class Vec, class Get>
static void erase_hook(Vec& v, const PyHook* h, Get get) {
  v.erase(std::remove_if(v.begin(), v.end(), [&](auto& e) {
            const Call* c = get(e).template target<Call>();
            return c && c->h.get() == h;
          }), v.end());
}

struct HookHandle {
  std::shared_ptr<PyHook> hook;
  std::weak_ptr<Node> node;        // the grad_fn holding a non-leaf's hook
  std::weak_ptr<TensorImpl> leaf;  // the leaf holding its own hook
  bool post_acc = false;
  void remove() {
    deactivate(hook.get());
    if (auto n = node.lock()) {
      erase_hook<PyHookCall>(n->mutable_tensor_pre_hooks(), hook.get(), [](auto& e) -> auto& { return e.second; });
    } else if (auto impl = leaf.lock()) {
      auto* m = static_cast<autograd::AutogradMeta*>(impl->autograd_meta());
      if (!m) return;
      if (post_acc) erase_hook<PyPostAccCall>(m->post_acc_hooks_, hook.get(), [](auto& e) -> auto& { return e; });
      else erase_hook<PyHookCall>(m->leaf_hooks_, hook.get(), [](auto& e) -> auto& { return e; });
    }
  }
};

// Node hooks (grad_fn.register_prehook / register_hook): the Python callable, released under the GIL.
struct NodeHookHandle {
  std::weak_ptr<Node> node;
  uint64_t id;
  void remove() {
    if (auto n = node.lock()) n->remove_hook(id);
  }
};

static std::shared_ptr<PyObject> py_callable(pyb::object fn) {
  return std::shared_ptr<PyObject>(fn.release().ptr(), [](PyObject* o) {
    pyb::gil_scoped_acquire gil;
    Py_DECREF(o);
  });
}

static pyb::tuple grads_tuple(const autograd::variable_list& v) {
  pyb::tuple t(v.size());
  for (size_t i = 0; i < v.size(); ++i)
    t[i] = v[i].defined() ? pyb::reinterpret_steal<pyb::object>(wrap(v[i])) : pyb::none();
  return t;
}

static autograd::variable_list hook_result(const pyb::object& r, size_t n, const char* what) {
  if (r.is_none()) return {};
  if (!pyb::isinstance<pyb::tuple>(r) && !pyb::isinstance<pyb::list>(r))
    throw pyb::type_error(std::string("a node ") + what + " must return None or a tuple of gradients");
  pyb::sequence seq = r;
  if (seq.size() != n)
    throw pyb::value_error(std::string("a node ") + what + " returned " + std::to_string(seq.size()) +
                           " gradients; expected " + std::to_string(n));
  autograd::variable_list out;
  for (pyb::handle h : seq) {
    if (h.is_none()) out.emplace_back();
    else if (is_tensor(h.ptr())) out.push_back(tensor_of(h.ptr()));
    else throw pyb::type_error(std::string("a node ") + what + " must return tensors or None");
  }
  return out;
}

static Tensor call_hook(PyHook& h, const Tensor& g) {
  pyb::gil_scoped_acquire gil;
  if (!h.active) return Tensor();
  PyObject* arg = wrap(g);
  PyObject* r = PyObject_CallOneArg(h.fn, arg);
  Py_DECREF(arg);
  if (!r) throw pyb::error_already_set();
  pyb::object res = pyb::reinterpret_steal<pyb::object>(r);
  if (r == Py_None) return Tensor();
  if (!is_tensor(r)) throw pyb::type_error("hook must return None or a Tensor");
  Tensor out = tensor_of(r);
  EMBER_CHECK(out.sizes().equals(g.sizes()), "hook: the hook returned a gradient of shape ", out.sizes(),
              " for a gradient of shape ", g.sizes());
  return out;
}

static HookHandle register_hook(const Tensor& t, pyb::object fn) {
  t.check_defined("register_hook");
  auto h = std::shared_ptr<PyHook>(new PyHook{fn.release().ptr(), nullptr});
  t.register_hook(PyHookCall{h});
  h->owner = hook_owner(t);
  g_hooks.emplace(h->owner, h.get());
  HookHandle handle{h, {}, {}};
  if (t.grad_fn()) handle.node = t.grad_fn();
  else handle.leaf = t.impl();
  return handle;
}

void PyPostAccCall::operator()(const Tensor& var) const {
  pyb::gil_scoped_acquire gil;
  if (!h->active) return;
  PyObject* arg = wrap(var);
  PyObject* r = PyObject_CallOneArg(h->fn, arg);
  Py_DECREF(arg);
  if (!r) throw pyb::error_already_set();
  Py_DECREF(r);
}

static HookHandle register_post_acc_hook(const Tensor& t, pyb::object fn) {
  auto h = std::shared_ptr<PyHook>(new PyHook{fn.release().ptr(), nullptr});
  t.register_post_accumulate_grad_hook(PyPostAccCall{h});
  h->owner = t.unsafeGetTensorImpl();
  g_hooks.emplace(h->owner, h.get());
  return HookHandle{h, {}, t.impl(), true};
}

// ---- raw attribute getters/setters on ember.Tensor ----------------------------------------------------
#define GETTER(name) static PyObject* name(PyObject* o, void*)
GETTER(get_requires_grad) { return PyBool_FromLong(tensor_of(o).requires_grad()); }
static int set_requires_grad(PyObject* o, PyObject* v, void*) {
  EMBER_PY_TRY
  if (!v || !PyBool_Check(v)) {
    PyErr_SetString(PyExc_TypeError, "requires_grad must be a bool");
    return -1;
  }
  tensor_of(o).set_requires_grad(v == Py_True);
  return 0;
  }
  catch (...) {
    translate_exception();
    return -1;
  }
}
GETTER(get_grad) {
  EMBER_PY_TRY
  return wrap(tensor_of(o).grad());
  EMBER_PY_CATCH
}
static int set_grad(PyObject* o, PyObject* v, void*) {
  EMBER_PY_TRY
  if (!v || v == Py_None) {
    tensor_of(o).set_grad(Tensor());
    return 0;
  }
  if (!is_tensor(v)) {
    PyErr_Format(PyExc_TypeError, "assigned grad expected to be a Tensor or None but got grad of type %s",
                 Py_TYPE(v)->tp_name);
    return -1;
  }
  tensor_of(o).set_grad(tensor_of(v));
  return 0;
  }
  catch (...) {
    translate_exception();
    return -1;
  }
}
/// The Python object of a backward node: an instance of a subclass of _C.Node named after the node
/// (MulBackward0, AccumulateGrad, ...), so type(t.grad_fn).__name__ reads as in PyTorch. One object
/// per live node (pybind11's instance registry), one class per name (cached).
static pyb::object node_object(const std::shared_ptr<Node>& fn) {
  if (!fn) return pyb::none();
  static const pyb::detail::type_info* base = pyb::detail::get_type_info(typeid(Node));
  if (pyb::handle h = pyb::detail::get_object_handle(fn.get(), base)) return pyb::reinterpret_borrow<pyb::object>(h);
  std::string name = fn->name();
  auto pos = name.rfind("::");
  if (pos != std::string::npos) name = name.substr(pos + 2);
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  static pyb::dict* classes = new pyb::dict();  // never destroyed: lives as long as the module
  pyb::str key(name);
  if (!classes->contains(key)) {
    pyb::object node_cls = pyb::module_::import("ember._C").attr("Node");
    pyb::dict ns;
    ns["__module__"] = "ember._C";
    ns["__slots__"] = pyb::tuple();
    (*classes)[key] = pyb::reinterpret_borrow<pyb::object>(reinterpret_cast<PyObject*>(&PyType_Type))(
        key, pyb::make_tuple(node_cls), ns);
  }
  std::shared_ptr<Node> ref = fn;
  return (*classes)[key](pyb::capsule(&ref));
}

GETTER(get_grad_fn) {
  EMBER_PY_TRY
  const auto& fn = tensor_of(o).grad_fn();
  if (!fn) Py_RETURN_NONE;
  return node_object(fn).release().ptr();
  EMBER_PY_CATCH
}
GETTER(get_is_leaf) { return PyBool_FromLong(tensor_of(o).is_leaf()); }
GETTER(get_retains_grad) { return PyBool_FromLong(tensor_of(o).retains_grad()); }
GETTER(get_output_nr) { return PyLong_FromUnsignedLong(tensor_of(o).output_nr()); }
GETTER(get_data) {
  EMBER_PY_TRY
  // .data: the same memory outside autograd, with a version counter of its own (PyTorch's rule).
  const Tensor& t = tensor_of(o);
  Tensor d = t.detach();
  d.unsafeGetTensorImpl()->set_version_counter(std::make_shared<VersionCounter>());
  return wrap(std::move(d));
  EMBER_PY_CATCH
}
#undef GETTER
// `t.data = new`. Note [data assignment]: a TensorImpl cannot change its storage or dtype in place
// (PyTorch's set_data does), so the Python object is rebound to a fresh impl sharing new's memory,
// keeping its own requires_grad, grad_fn and (when it still fits) grad, as torch.utils.swap_tensors
// does. Python references see the new data (nn.Module._apply relies on it); C++ handles to the old
// impl (a graph recorded before, tensor hooks) keep the old one.
static int set_data(PyObject* o, PyObject* v, void*) {
  EMBER_PY_TRY
  if (!v || !is_tensor(v)) {
    PyErr_Format(PyExc_TypeError, "Variable data has to be a tensor, but got %s", v ? Py_TYPE(v)->tp_name : "None");
    return -1;
  }
  auto* self = reinterpret_cast<PyTensor*>(o);
  Tensor old = self->cdata;
  Tensor fresh = tensor_of(v).detach();
  TensorImpl* oi = old.unsafeGetTensorImpl();
  TensorImpl* ni = fresh.unsafeGetTensorImpl();
  Tensor g = old.grad();
  ni->set_requires_grad(oi->requires_grad());
  if (oi->grad_fn()) ni->set_grad_fn(oi->grad_fn(), oi->output_nr());
  if (g.defined() && g.sizes() == fresh.sizes() && g.dtype() == fresh.dtype() && g.device() == fresh.device())
    fresh.set_grad(g);
  if (oi->pyobj() == o) oi->set_pyobj(nullptr);
  self->cdata = std::move(fresh);
  ni->set_pyobj(o);
  return 0;
  }
  catch (...) {
    translate_exception();
    return -1;
  }
}

void add_autograd_getset(std::vector<PyGetSetDef>& g) {
  g.push_back({"requires_grad", get_requires_grad, set_requires_grad,
               "Whether gradients are computed for this tensor.", nullptr});
  g.push_back({"grad", get_grad, set_grad, "The gradient accumulated by backward() (None until then).", nullptr});
  g.push_back({"grad_fn", get_grad_fn, nullptr, "The backward node that created this tensor (None for leaves).",
               nullptr});
  g.push_back({"is_leaf", get_is_leaf, nullptr, "Whether this tensor was not produced by a recorded op.", nullptr});
  g.push_back({"retains_grad", get_retains_grad, nullptr, "Whether retain_grad() was called on this non-leaf.",
               nullptr});
  g.push_back({"output_nr", get_output_nr, nullptr, "Which output of grad_fn this tensor is.", nullptr});
  g.push_back({"data", get_data, set_data, "This tensor's memory outside autograd (shares storage).", nullptr});
}

// ---- module-level functions (pybind11: not hot) ----------------------------------------------------------
static std::vector<Tensor> tensors_of(pyb::handle seq, const char* what) {
  std::vector<Tensor> out;
  if (seq.is_none()) return out;
  if (is_tensor(seq.ptr())) return {tensor_of(seq.ptr())};
  for (pyb::handle h : seq) {
    if (h.is_none()) {
      out.emplace_back();
      continue;
    }
    if (!is_tensor(h.ptr())) throw pyb::type_error(std::string(what) + " must contain Tensors");
    out.push_back(tensor_of(h.ptr()));
  }
  return out;
}

static std::string node_repr(const Node& n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, " object at %p>", static_cast<const void*>(&n));
  std::string name = n.name();
  auto pos = name.rfind("::");
  if (pos != std::string::npos) name = name.substr(pos + 2);
  return "<" + name + buf;
}

static std::string python_stack() {
  pyb::gil_scoped_acquire gil;
  try {
    auto lines = pyb::module_::import("traceback").attr("format_stack")();
    std::string out;
    for (pyb::handle l : lines) out += pyb::str(l).cast<std::string>();
    return out;
  } catch (const pyb::error_already_set&) {
    return std::string();
  }
}

struct PySavedState final : autograd::SavedTensorHookState {
  pyb::object unpack_fn, packed;
  ~PySavedState() override {
    pyb::gil_scoped_acquire gil;
    unpack_fn = pyb::object();
    packed = pyb::object();
  }
  Tensor unpack() override {
    pyb::gil_scoped_acquire gil;
    pyb::object r = unpack_fn(packed);
    if (!is_tensor(r.ptr())) throw pyb::type_error("Output of saved tensor unpack_hook expected to be a Tensor");
    return tensor_of(r.ptr());
  }
};

void init_autograd(pyb::module_& m) {
  m.def("_push_saved_tensors_hooks", [](pyb::object pack, pyb::object unpack) {
    // The hook may be copied into other threads (Note [thread-local state]) and dropped there last:
    // the holders take the GIL to release the Python callables.
    auto hold = [](pyb::object o) {
      return std::shared_ptr<pyb::object>(new pyb::object(std::move(o)), [](pyb::object* x) {
        pyb::gil_scoped_acquire gil;
        delete x;
      });
    };
    auto p = hold(pack);
    auto u = hold(unpack);
    autograd::push_saved_tensors_hook([p, u](const Tensor& t) -> std::shared_ptr<autograd::SavedTensorHookState> {
      pyb::gil_scoped_acquire gil;
      auto st = std::make_shared<PySavedState>();
      st->unpack_fn = *u;
      st->packed = (*p)(pyb::cast(t));
      return st;
    });
  });
  m.def("_pop_saved_tensors_hooks", [] { autograd::pop_saved_tensors_hook(); });
  autograd::set_trace_provider(&python_stack);
  pyb::class_<Node, std::shared_ptr<Node>>(m, "Node", "A node of the backward graph (a tensor's grad_fn).")
      // Internal: node_object() makes the named subclass's instance from a capsule of the shared_ptr.
      .def(pyb::init([](pyb::capsule c) { return *static_cast<std::shared_ptr<Node>*>(c.get_pointer()); }))
      .def("name", &Node::name, "The node's name, e.g. 'MulBackward0'.")
      .def_property_readonly("next_functions", [](Node& n) {
        pyb::tuple t(n.next_edges().size());
        for (size_t i = 0; i < n.next_edges().size(); ++i) {
          const auto& e = n.next_edges()[i];
          pyb::object fn = node_object(e.function);
          t[i] = pyb::make_tuple(fn, e.input_nr);
        }
        return t;
      }, "((node or None, input_nr), ...) for each input of the forward op.")
      .def_property_readonly("variable", [](Node& n) -> pyb::object {
        auto* acc = dynamic_cast<autograd::AccumulateGrad*>(&n);
        if (!acc) throw pyb::attribute_error("only AccumulateGrad nodes have .variable");
        return pyb::cast(acc->variable());
      }, "The leaf tensor of an AccumulateGrad node.")
      .def("register_prehook", [](const std::shared_ptr<Node>& n, pyb::object fn) {
        auto f = py_callable(std::move(fn));
        uint64_t id = n->register_prehook([f](const autograd::variable_list& grads) {
          pyb::gil_scoped_acquire gil;
          return hook_result(pyb::reinterpret_borrow<pyb::object>(f.get())(grads_tuple(grads)), grads.size(),
                             "prehook");
        });
        return NodeHookHandle{n, id};
      }, "Calls fn(grad_outputs) before the node runs; fn may return replacement gradients (a tuple) or None.")
      .def("register_hook", [](const std::shared_ptr<Node>& n, pyb::object fn) {
        auto f = py_callable(std::move(fn));
        uint64_t id = n->register_hook([f](const autograd::variable_list& grad_inputs,
                                           const autograd::variable_list& grad_outputs) {
          pyb::gil_scoped_acquire gil;
          return hook_result(pyb::reinterpret_borrow<pyb::object>(f.get())(grads_tuple(grad_inputs),
                                                                           grads_tuple(grad_outputs)),
                             grad_inputs.size(), "hook");
        });
        return NodeHookHandle{n, id};
      }, "Calls fn(grad_inputs, grad_outputs) after the node ran; fn may return replacement grad_inputs or None.")
      .def("__repr__", [](Node& n) { return node_repr(n); });

  pyb::class_<NodeHookHandle>(m, "_NodeHookHandle", "Removes the node hook it was returned for.")
      .def("remove", &NodeHookHandle::remove, "Removes the hook (idempotent).");
  m.def("_queue_callback", [](pyb::object cb) {
    auto fn = std::shared_ptr<PyObject>(cb.release().ptr(), [](PyObject* o) {
      pyb::gil_scoped_acquire gil;
      Py_DECREF(o);
    });
    autograd::queue_callback([fn] {
      pyb::gil_scoped_acquire gil;
      PyObject* r = PyObject_CallNoArgs(fn.get());
      if (!r) throw pyb::error_already_set();
      Py_DECREF(r);
    });
  }, "Runs a callable when the current backward pass finishes (Variable._execution_engine.queue_callback).");
  pyb::class_<HookHandle>(m, "RemovableHandle", "Removes the hook it was returned for.")
      .def("remove", &HookHandle::remove, "Removes the hook (idempotent).");

  m.def("_register_hook", &register_hook, pyb::arg("tensor"), pyb::arg("hook"));
  m.def("_register_post_accumulate_grad_hook", &register_post_acc_hook, pyb::arg("tensor"), pyb::arg("hook"));
  m.def("_backward", [](pyb::handle tensors, pyb::handle grad_tensors, std::optional<bool> retain_graph,
                        bool create_graph, pyb::handle inputs) {
    auto ts = tensors_of(tensors, "tensors");
    auto gs = tensors_of(grad_tensors, "grad_tensors");
    auto ins = tensors_of(inputs, "inputs");
    bool any = false;
    for (auto& g : gs) any |= g.defined();
    if (!any) gs.clear();
    pyb::gil_scoped_release release;
    autograd::backward(ts, gs, retain_graph, create_graph, ins);
  });
  m.def("_grad", [](pyb::handle outputs, pyb::handle inputs, pyb::handle grad_outputs,
                    std::optional<bool> retain_graph, bool create_graph, bool allow_unused) {
    auto os = tensors_of(outputs, "outputs");
    auto ins = tensors_of(inputs, "inputs");
    auto gs = tensors_of(grad_outputs, "grad_outputs");
    bool any = false;
    for (auto& g : gs) any |= g.defined();
    if (!any) gs.clear();
    std::vector<Tensor> r;
    {
      pyb::gil_scoped_release release;
      r = autograd::grad(os, ins, gs, retain_graph, create_graph, allow_unused);
    }
    pyb::tuple out(r.size());
    for (size_t i = 0; i < r.size(); ++i) out[i] = pyb::cast(r[i]);
    return out;
  });
  m.def("_set_grad_enabled", [](bool e) { autograd::GradMode::set_enabled(e); });
  m.def("is_grad_enabled", [] { return autograd::GradMode::is_enabled(); }, "Whether grad mode is on (this thread).");
  m.def("_set_inference_mode", [](bool e) { autograd::InferenceMode::set_enabled(e); });
  m.def("_run_in_thread", [](pyb::function fn, bool propagate_state) {
    // Calls fn() on a new C++ thread (ember's own hand-off: the caller's ThreadLocalState goes
    // along when propagate_state) and returns its result; a test helper for Note [thread-local state].
    ThreadLocalState state;
    pyb::object result;
    std::exception_ptr error;
    {
      pyb::gil_scoped_release release;
      std::thread worker([&] {
        std::optional<ThreadLocalStateGuard> guard;
        if (propagate_state) guard.emplace(state);
        pyb::gil_scoped_acquire gil;
        try {
          result = fn();
        } catch (...) {
          error = std::current_exception();
        }
      });
      worker.join();
    }
    if (error) std::rethrow_exception(error);
    return result;
  }, pyb::arg("fn"), pyb::arg("propagate_state") = true);
  m.def("is_inference_mode_enabled", [] { return autograd::InferenceMode::is_enabled(); });
  m.def("_set_anomaly_enabled", [](bool e) { autograd::AnomalyMode::set_enabled(e); });
  m.def("is_anomaly_enabled", [] { return autograd::AnomalyMode::is_enabled(); });
  m.def("_set_creation_trace", [](const Tensor& t, const std::string& trace) {
    if (t.grad_fn() && t.grad_fn()->creation_trace().empty()) t.grad_fn()->set_creation_trace(trace);
  });
  m.def("_requires_grad_", [](const Tensor& t, bool r) { t.set_requires_grad(r); return t; });
  m.def("_detach", [](const Tensor& t) { return t.detach(); });
  m.def("_detach_", [](const Tensor& t) { t.detach_(); return t; });
  m.def("_retain_grad", [](const Tensor& t) { t.retain_grad(); });
  // PyTorch's Tensor._make_subclass: an instance of cls (a Python subclass of ember.Tensor, such as
  // nn.Parameter) holding a detached alias of data.
  m.def("_make_subclass", [](pyb::handle cls, const Tensor& data, bool requires_grad) {
    if (!PyType_Check(cls.ptr()) || !PyType_IsSubtype(reinterpret_cast<PyTypeObject*>(cls.ptr()), g_tensor_type))
      throw pyb::type_error("_make_subclass: cls must be a subclass of ember.Tensor");
    EMBER_CHECK(data.defined(), "_make_subclass: data must be a defined tensor");
    Tensor t = data.detach();
    t.set_requires_grad(requires_grad);
    auto* tp = reinterpret_cast<PyTypeObject*>(cls.ptr());
    PyObject* o = tp->tp_alloc(tp, 0);
    if (!o) throw pyb::error_already_set();
    TensorImpl* impl = t.unsafeGetTensorImpl();
    new (&reinterpret_cast<PyTensor*>(o)->cdata) Tensor(std::move(t));
    impl->set_pyobj(o);
    return pyb::reinterpret_steal<pyb::object>(o);
  }, pyb::arg("cls"), pyb::arg("data"), pyb::arg("requires_grad") = false);
}

}  // namespace ember::py
