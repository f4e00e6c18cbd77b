// The extension module ember._C: the Python types, the generated op bindings and the hand-written
// glue. Hot paths are CPython vectorcall functions (docs/bindings.md); pybind11 hosts the module and
// the cold helpers below.
#include "pybind_tensor.h"
#include "ops.h"
#include "ember/python_capi.h"

#include <pybind11/stl.h>

#include "ember/util/warning.h"

namespace ember::py {
void init_types(Registrations& r);
void add_numpy_functions(Registrations& r);
void add_dlpack(Registrations& r);
PyObject* init_generator_type();
void init_autograd(pybind11::module_& m);
void init_function(pybind11::module_& m);
void init_dispatch(pybind11::module_& m);
void init_library(pybind11::module_& m);
void init_ivalue(pybind11::module_& m);
void init_jit(pybind11::module_& m);
void init_serialize(pybind11::module_& m);
}  // namespace ember::py

namespace pyb = pybind11;
using namespace ember;

namespace {
// Python positional and keyword arguments as boxed values, for calls through the op registry.
std::pair<Stack, std::vector<std::pair<std::string, IValue>>> boxed_args(const pyb::args& args,
                                                                         const pyb::kwargs& kwargs) {
  Stack stack;
  for (pyb::handle a : args) stack.push_back(py::ivalue_arg_from_py(a.ptr()));
  std::vector<std::pair<std::string, IValue>> kw;
  for (auto item : kwargs) kw.emplace_back(pyb::cast<std::string>(item.first), py::ivalue_arg_from_py(item.second.ptr()));
  return {std::move(stack), std::move(kw)};
}

// ember::warn from C++ becomes a Python UserWarning (an exception where warnings are errors).
void python_warning(const std::string& msg) {
  PyGILState_STATE g = PyGILState_Ensure();
  int rc = PyErr_WarnEx(PyExc_UserWarning, msg.c_str(), 1);
  PyGILState_Release(g);
  if (rc < 0) throw py::PythonError{};
}
}  // namespace

PYBIND11_MODULE(_C, m) {
  m.doc() = "ember's C++ core";
  set_warning_handler(&python_warning);
  static py::Registrations reg;
  py::register_all_ops(reg);
  py::add_dlpack(reg);
  try {
    py::init_types(reg);
  } catch (const py::PythonError&) {
    throw pyb::error_already_set();
  }
  py::add_numpy_functions(reg);
  static std::vector<PyMethodDef> functions = reg.functions;
  functions.push_back({nullptr, nullptr, 0, nullptr});
  if (PyModule_AddFunctions(m.ptr(), functions.data()) < 0) throw pyb::error_already_set();

  m.attr("Tensor") = pyb::handle(reinterpret_cast<PyObject*>(py::g_tensor_type));
  m.attr("dtype") = pyb::handle(reinterpret_cast<PyObject*>(&py::g_dtype_type));
  m.attr("device") = pyb::handle(reinterpret_cast<PyObject*>(&py::g_device_type));
  m.attr("Size") = pyb::handle(reinterpret_cast<PyObject*>(&py::g_size_type));
  PyObject* default_gen = py::init_generator_type();
  if (!default_gen) throw pyb::error_already_set();
  m.attr("Generator") = pyb::handle(reinterpret_cast<PyObject*>(&py::g_generator_type));
  m.attr("default_generator") = pyb::reinterpret_steal<pyb::object>(default_gen);
  for (int i = 0; i < kNumScalarTypes; ++i) {
    auto st = static_cast<ScalarType>(i);
    m.attr(dtype_name(st)) = pyb::handle(py::dtype_object(st));
  }

  py::init_autograd(m);
  py::init_function(m);
  py::init_dispatch(m);
  py::init_library(m);
  py::init_ivalue(m);
  py::init_jit(m);
  py::init_serialize(m);
  m.def("_get_default_dtype", [] { return pyb::handle(py::dtype_object(get_default_dtype())).inc_ref(); });
  m.def("_set_default_dtype", [](pyb::handle d) {
    if (Py_TYPE(d.ptr()) != &py::g_dtype_type) throw pyb::type_error("set_default_dtype(): expected an ember.dtype");
    set_default_dtype(py::to_dtype(d.ptr()));
  });
  m.def("_promote_types", [](pyb::handle a, pyb::handle b) {
    if (Py_TYPE(a.ptr()) != &py::g_dtype_type || Py_TYPE(b.ptr()) != &py::g_dtype_type)
      throw pyb::type_error("promote_types(): expected two ember.dtype arguments");
    return pyb::handle(py::dtype_object(promote_types(py::to_dtype(a.ptr()), py::to_dtype(b.ptr())))).inc_ref();
  });
  m.def("_can_cast", [](pyb::handle from, pyb::handle to) {
    if (Py_TYPE(from.ptr()) != &py::g_dtype_type || Py_TYPE(to.ptr()) != &py::g_dtype_type)
      throw pyb::type_error("can_cast(): expected two ember.dtype arguments");
    return can_cast(py::to_dtype(from.ptr()), py::to_dtype(to.ptr()));
  });
  m.def("_result_type", [](pyb::handle a, pyb::handle b) {
    auto as_tensor = [](pyb::handle h) -> Tensor {
      if (py::is_tensor(h.ptr())) return py::tensor_of(h.ptr());
      if (py::is_number(h.ptr()) || PyNumber_Check(h.ptr())) return py::tensor_or_scalar(h.ptr());
      throw pyb::type_error(std::string("result_type(): expected Tensor or Number, got ") + Py_TYPE(h.ptr())->tp_name);
    };
    Tensor ta = as_tensor(a), tb = as_tensor(b);
    return pyb::handle(py::dtype_object(ember::result_type(ta, tb))).inc_ref();
  });
  m.def("set_num_threads", [](int n) { set_num_threads(n); }, "Sets the number of intra-op threads (OpenMP, "
        "oneDNN and OpenBLAS).");
  m.def("get_num_threads", [] { return get_num_threads(); }, "The number of intra-op threads.");
  m.def("memory_stats", [] {
    CPUMemoryStats s = cpu_memory_stats();
    pyb::dict d;
    d["allocated_bytes"] = s.allocated_bytes;
    d["cached_bytes"] = s.cached_bytes;
    d["peak_allocated_bytes"] = s.peak_allocated_bytes;
    d["cache_hits"] = s.cache_hits;
    d["cache_misses"] = s.cache_misses;
    return d;
  }, "CPU caching allocator statistics (bytes in live tensors, cached, peak; cache hits and misses).");
  m.def("empty_cache", [] { empty_cpu_cache(); }, "Returns the CPU allocator's cached blocks to the OS.");
  auto policy_dict = [](const CPUCachePolicy& p) {
    pyb::dict d;
    d["max_cached_bytes"] = p.max_cached_bytes;
    d["large_block_bytes"] = p.large_block_bytes;
    d["large_idle_seconds"] = p.large_idle_seconds;
    return d;
  };
  m.def("cpu_cache_policy", [policy_dict] { return policy_dict(cpu_cache_policy()); },
        "The CPU caching allocator's policy (docs/memory.md): max_cached_bytes, large_block_bytes, "
        "large_idle_seconds.");
  m.def("set_cpu_cache_policy", [policy_dict](std::optional<size_t> max_cached_bytes,
                                              std::optional<size_t> large_block_bytes,
                                              std::optional<double> large_idle_seconds) {
    CPUCachePolicy p = cpu_cache_policy();
    if (max_cached_bytes) p.max_cached_bytes = *max_cached_bytes;
    if (large_block_bytes) p.large_block_bytes = *large_block_bytes;
    if (large_idle_seconds) p.large_idle_seconds = *large_idle_seconds;
    set_cpu_cache_policy(p);
    return policy_dict(p);
  }, pyb::arg("max_cached_bytes") = pyb::none(), pyb::arg("large_block_bytes") = pyb::none(),
     pyb::arg("large_idle_seconds") = pyb::none(),
     "Sets what the CPU caching allocator keeps (unset arguments keep their value); returns the new policy. "
     "Large blocks idle longer than large_idle_seconds (< 0: never) go back to the OS at the next allocation "
     "or free (docs/memory.md).");
  m.def("_cuda_is_available", [] { return false; });
  // Tests: makes "privateuseone" a device whose memory faults on any host access and that has no
  // kernels (docs/cpu_kernels.md, "Device-safe ops").
  m.def("_install_no_access_privateuse1", [] { set_allocator(kPrivateUse1, no_access_allocator()); });
  m.def("_op_schemas", [] {
    pyb::list out;
    for (const OpInfo& op : all_ops()) out.append(op.schema);
    return out;
  }, "Every registry entry's schema (qualified name and signature): the schema ops in OpId order, then their "
     "in-place, out= and Scalar forms.");
  m.def("_op_names", [] {
    pyb::list out;
    for (const OpInfo& op : all_ops()) out.append(op.qualified);
    return out;
  }, "Every registry entry's qualified name (aten::add.Tensor), in all_ops() order.");
  {
    pyb::dict types;
    for (const auto& [name, get] : reg.return_types) {
      PyTypeObject* t = get();
      types[name] = pyb::handle(reinterpret_cast<PyObject*>(t));
    }
    m.attr("_return_types") = types;
  }
  m.def("_python_overload", [](pyb::handle fn, pyb::args args, pyb::kwargs kwargs) -> pyb::object {
    // Which registry entry the Python argument parser of fn chooses for these arguments (fn uncalled).
    py::t_resolve_only = true;
    py::t_resolved = nullptr;
    PyObject* r = PyObject_Call(fn.ptr(), args.ptr(), kwargs.ptr());
    py::t_resolve_only = false;
    if (!r) throw pyb::error_already_set();
    Py_DECREF(r);
    if (!py::t_resolved) return pyb::none();
    return pyb::str(py::t_resolved);
  }, "The qualified name of the overload fn's argument parser picks for (*args, **kwargs), without calling it.");
  m.def("_resolve_overload", [](const std::string& name, pyb::args args, pyb::kwargs kwargs) -> pyb::object {
    // The C++ resolver's choice (resolve_overload) for the same arguments, as boxed values.
    auto [stack, kw] = boxed_args(args, kwargs);
    const OpInfo* op = try_resolve_overload(name, stack, kw);
    if (!op) return pyb::none();
    return pyb::str(op->qualified);
  }, "The qualified name the C++ resolver picks for name(*args, **kwargs), None when no overload fits.");
  m.def("_call_boxed", [](const std::string& name, pyb::args args, pyb::kwargs kwargs) -> pyb::object {
    // Calls an op through the registry (boxed values): a qualified name takes the complete argument list,
    // a bare name is resolved with kwargs (resolve_overload). Returns the result, a tuple for several.
    auto [stack, kw] = boxed_args(args, kwargs);
    if (name.find('.') == std::string::npos) {
      const OpInfo& op = resolve_overload(name, stack, kw);
      call_boxed(op, stack);
    } else {
      if (!kw.empty()) throw pyb::type_error("_call_boxed: keyword arguments need a bare op name");
      call_boxed(name, stack);
    }
    pyb::tuple out(stack.size());
    for (size_t i = 0; i < stack.size(); ++i) out[i] = pyb::reinterpret_steal<pyb::object>(py::ivalue_to_py(stack[i]));
    if (stack.size() == 1) return out[0];
    return std::move(out);
  }, "Calls an op by name through the boxed registry (for tests of the C++ resolver and boxed calls).");

  {
    // The C API of ember/python.h: separately built modules convert ember.Tensor through it.
    static const ember::python::CApi capi = {
        1, py::g_tensor_type,
        [](PyObject* o) -> int { return py::is_tensor(o) ? 1 : 0; },
        [](PyObject* o) -> const Tensor* { return &py::tensor_of(o); },
        [](const Tensor* t) -> PyObject* {
          try {
            return py::wrap(*t);
          } catch (const py::PythonError&) {
            return nullptr;
          } catch (...) {
            py::translate_exception();
            return nullptr;
          }
        },
    };
    m.attr("_C_API") = pyb::capsule(&capi, ember::python::kCapsuleName);
  }
  pyb::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ember::Error&) {
      py::translate_exception();
    } catch (const py::PythonError&) {
      // the Python error is already set (an exception from a Python kernel or observer)
    }
  });
}
