// ember.dispatch: Python observers of op calls (include/ember/dispatch/observer.h, docs/registry.md).
#include <memory>
#include <vector>

#include "ember/dispatch/observer.h"
#include "ember/dispatch/registry.h"
#include "pybind_tensor.h"

namespace pyb = pybind11;

namespace ember::py {
namespace {

// A wrapped number (a tensor made from a Python number) goes back to Python as that number.
PyObject* arg_to_py(const dispatch::OpCall& c, size_t i) {
  if (c.is_wrapped_scalar(i)) {
    const Tensor& t = c.args[i].toTensor();
    Scalar s = t.item();
    if (s.is_bool()) return wrap_value(s.to<bool>());
    if (s.is_integral()) return wrap_value(s.to<int64_t>());
    return wrap_value(s.to<double>());
  }
  return ivalue_to_py(c.args[i]);
}

// Forwards on_op to a Python object's on_op(name, args, kwargs, outputs) under the GIL.
class PyObserver final : public dispatch::OpObserver {
 public:
  explicit PyObserver(pyb::object obj) : obj_(std::move(obj)) {}
  ~PyObserver() override {
    pyb::gil_scoped_acquire gil;
    obj_ = pyb::object();
  }
  void on_op(const dispatch::OpCall& c) override {
    pyb::gil_scoped_acquire gil;
    const OpInfo* op = find_op(c.name);
    pyb::list args;
    pyb::dict kwargs;
    for (size_t i = 0; i < c.args.size(); ++i) {
      pyb::object v = pyb::reinterpret_steal<pyb::object>(arg_to_py(c, i));
      if (op && i < op->args.size() && op->args[i].kwarg_only)
        kwargs[pyb::str(op->args[i].name)] = v;
      else
        args.append(v);
    }
    pyb::tuple outs(c.outputs.size());
    for (size_t i = 0; i < c.outputs.size(); ++i)
      outs[i] = pyb::reinterpret_steal<pyb::object>(ivalue_to_py(c.outputs[i]));
    pyb::str name(c.name.data(), c.name.size());
    pyb::str method("on_op");
    pyb::tuple args_t(args);
    PyObject* r = PyObject_CallMethodObjArgs(obj_.ptr(), method.ptr(), name.ptr(), args_t.ptr(), kwargs.ptr(),
                                             outs.ptr(), nullptr);
    if (!r) throw PythonError();
    Py_DECREF(r);
  }

 private:
  pyb::object obj_;
};

struct Installed {
  std::unique_ptr<PyObserver> observer;
  dispatch::OpObserver* previous;
};
thread_local std::vector<Installed> t_installed;

}  // namespace

void init_dispatch(pyb::module_& m) {
  m.def("_enter_observer", [](pyb::object obj) {
    auto o = std::make_unique<PyObserver>(std::move(obj));
    dispatch::OpObserver* prev = dispatch::current_observer();
    dispatch::set_observer(o.get());
    t_installed.push_back({std::move(o), prev});
  }, "Installs a Python observer (an object with on_op) on this thread (ember.dispatch.Observer.__enter__).");
  m.def("_exit_observer", [] {
    if (t_installed.empty()) throw pyb::value_error("_exit_observer: no observer is installed on this thread");
    Installed top = std::move(t_installed.back());
    t_installed.pop_back();
    dispatch::set_observer(top.previous);
  }, "Removes the observer installed last on this thread and restores the one before it.");
}

}  // namespace ember::py
