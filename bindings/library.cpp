// ember.library and ember.ops: ops defined and implemented from Python, calls of any registry entry by
// name (include/ember/dispatch/library.h, docs/registry.md).
#include <string>
#include <vector>

#include "ember/dispatch/library.h"
#include "pybind_tensor.h"

#include <pybind11/stl.h>

namespace pyb = pybind11;

namespace ember::py {
namespace {

std::pair<Stack, std::vector<std::pair<std::string, IValue>>> to_boxed(const pyb::args& args, const pyb::kwargs& kwargs) {
  Stack stack;
  for (pyb::handle a : args) stack.push_back(ivalue_arg_from_py(a.ptr()));
  std::vector<std::pair<std::string, IValue>> kw;
  for (auto item : kwargs) kw.emplace_back(pyb::cast<std::string>(item.first), ivalue_arg_from_py(item.second.ptr()));
  return {std::move(stack), std::move(kw)};
}

pyb::object results(const Stack& stack, size_t from) {
  size_t n = stack.size() - from;
  if (n == 0) return pyb::none();
  if (n == 1) return pyb::reinterpret_steal<pyb::object>(ivalue_to_py(stack[from]));
  pyb::tuple out(n);
  for (size_t i = 0; i < n; ++i) out[i] = pyb::reinterpret_steal<pyb::object>(ivalue_to_py(stack[from + i]));
  return std::move(out);
}

// A kernel that calls a Python function: the op's arguments as Python values (keyword-only ones by name),
// its result (a tuple for several returns, None for none) back onto the stack.
dispatch::Kernel python_kernel(const OpInfo& op, pyb::object fn, bool below_autograd) {
  dispatch::Kernel k;
  // Registered ops live until the process exits (after Python is gone): the function is never released.
  PyObject* holder = fn.release().ptr();
  const OpInfo* info = &op;
  k.boxed = [holder, info, below_autograd](Stack& s) {
    pyb::gil_scoped_acquire gil;
    size_t n = info->args.size();
    check_stack(s, n, info->qualified.c_str());
    size_t base = s.size() - n;
    pyb::list args;
    pyb::dict kwargs;
    for (size_t i = 0; i < n; ++i) {
      // A kernel runs below autograd: it sees tensors without history (same storage), so that
      // x.numpy() and in-place writes work as on plain data.
      IValue a = s[base + i];
      if (below_autograd && a.isTensor() && a.toTensor().defined() && a.toTensor().requires_grad())
        a = IValue(a.toTensor().detach());
      pyb::object v = pyb::reinterpret_steal<pyb::object>(ivalue_to_py(a));
      if (info->args[i].kwarg_only)
        kwargs[pyb::str(info->args[i].name)] = v;
      else
        args.append(v);
    }
    PyObject* r = PyObject_Call(holder, pyb::tuple(args).ptr(), kwargs.ptr());
    if (!r) throw PythonError();
    pyb::object res = pyb::reinterpret_steal<pyb::object>(r);
    s.resize(base);
    size_t nret = static_cast<size_t>(info->num_returns);
    if (nret == 0) {
      if (!res.is_none())
        throw TypeError(detail::str("the kernel of '", info->qualified, "' must return None (its schema returns ())"));
    } else if (nret == 1) {
      s.push_back(ivalue_arg_from_py(res.ptr()));
    } else {
      if (!PyTuple_Check(res.ptr()) || static_cast<size_t>(PyTuple_GET_SIZE(res.ptr())) != nret)
        throw TypeError(detail::str("the kernel of '", info->qualified, "' must return a tuple of ", nret, " values"));
      for (size_t i = 0; i < nret; ++i) s.push_back(ivalue_arg_from_py(PyTuple_GET_ITEM(res.ptr(), i)));
    }
    // Python kernels receive and return Python values: check what came back against the schema.
    const dispatch::FunctionSchema& sch = dispatch::schema_of(*info);
    for (size_t i = 0; i < nret; ++i) {
      const IValue& v = s[base + i];
      const dispatch::Argument& want = sch.returns[i];
      bool ok = want.base == "Tensor" ? (want.is_list ? v.isTensorList() : (v.isTensor() || (want.optional && v.isNone())))
                                      : true;
      if (!ok)
        throw TypeError(detail::str("the kernel of '", info->qualified, "' returned a ", v.tagName(), " for its ",
                                    want.type_text(), " result"));
    }
  };
  return k;
}

const OpInfo& entry(const std::string& qualified) {
  const OpInfo* op = find_op(qualified);
  if (!op) throw ValueError(detail::str("no op named '", qualified, "'"));
  return *op;
}

}  // namespace

void init_library(pyb::module_& m) {
  m.def("_library_define", [](const std::string& ns, const std::string& schema, bool nondeterministic) {
    const OpInfo& op = dispatch::def_op(ns, schema, std::nullopt, "Python", nondeterministic);
    return op.qualified;
  }, pyb::arg("ns"), pyb::arg("schema"), pyb::arg("nondeterministic") = false,
     "Defines an op from schema text in namespace ns; returns its qualified name.");
  m.def("_library_impl", [](const std::string& qualified, const std::string& key, pyb::object fn) {
    const OpInfo& op = entry(qualified);
    std::string ns = op.qualified.substr(0, op.qualified.find("::"));
    EMBER_CHECK(op.entry != nullptr, "cannot register kernels for the built-in op '", op.qualified, "'");
    DispatchKey k = parse_dispatch_key(key);
    bool below = k != DispatchKey::Autograd && k != DispatchKey::CompositeImplicitAutograd;
    dispatch::impl_op(ns, op.qualified, k, python_kernel(op, std::move(fn), below), "Python");
  }, "Registers a Python function as the kernel of a registered op for a dispatch key.");
  m.def("_library_has_kernel", [](const std::string& qualified, const std::string& key) {
    return dispatch::has_kernel(entry(qualified).qualified, parse_dispatch_key(key));
  });
  m.def("_op_overloads", [](const std::string& name) {
    std::vector<std::string> out;
    for (const OpInfo* op : find_overloads(name)) out.emplace_back(op->overload);
    return out;
  }, "The overload names of an op ('aten::add' -> ['Tensor', 'Scalar', 'out', ...]), in resolution order.");
  m.def("_op_info", [](const std::string& qualified) {
    const OpInfo& op = entry(qualified);
    const dispatch::FunctionSchema& s = dispatch::schema_of(op);
    pyb::dict d;
    d["qualified"] = op.qualified;
    d["schema"] = s.str();
    d["is_view"] = s.is_view();
    d["is_mutable"] = s.is_mutable();
    d["is_inplace"] = s.is_inplace();
    d["nondeterministic"] = dispatch::is_nondeterministic(op);
    d["registered"] = op.entry != nullptr;
    std::vector<std::string> kw;
    for (const ArgInfo& a : op.args) if (a.kwarg_only) kw.emplace_back(a.name);
    d["kwarg_only"] = kw;
    d["num_args"] = op.args.size();
    return d;
  }, "Facts about one registry entry: schema, alias flags, nondeterminism.");
  m.def("_call_overload", [](const std::string& qualified, pyb::args args, pyb::kwargs kwargs) -> pyb::object {
    const OpInfo& op = entry(qualified);
    auto [stack, kw] = to_boxed(args, kwargs);
    if (!bind_arguments(op, stack, kw))
      throw TypeError(detail::str(op.qualified, "() received an invalid combination of arguments; expected ",
                                  op.schema));
    call_boxed(op, stack);
    return results(stack, 0);
  }, "Calls one overload (qualified name) with Python arguments bound by its schema.");
  m.def("_load_library", [](const std::string& path) { dispatch::load_library(path); },
        "Loads a shared library that registers ops (EMBER_LIBRARY).");
}

}  // namespace ember::py
