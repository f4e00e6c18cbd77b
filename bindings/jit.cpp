// ember._C's JIT objects (docs/jit.md): Graph, Function, the C++ script Module and the tracer entry
// points that python/ember/jit/ wraps into ScriptFunction / ScriptModule.
#include <memory>
#include <sstream>
#include <vector>

#include "ember/jit.h"
#include "pybind_tensor.h"

#include <pybind11/functional.h>
#include <pybind11/stl.h>

namespace pyb = pybind11;

namespace ember::py {
namespace {

IValue from(pyb::handle h) {
  try {
    return ivalue_from_py(h.ptr());
  } catch (const PythonError&) {
    throw pyb::error_already_set();
  }
}
pyb::object to(const IValue& v) {
  PyObject* o = ivalue_to_py(v);
  if (!o) throw pyb::error_already_set();
  return pyb::reinterpret_steal<pyb::object>(o);
}
std::vector<IValue> from_args(const pyb::args& args) {
  std::vector<IValue> out;
  out.reserve(args.size());
  for (pyb::handle a : args) out.push_back(from(a));
  return out;
}

// A Python callable as the traced function: positional inputs in, one value out.
std::function<IValue(const std::vector<IValue>&)> py_fn(pyb::object fn) {
  return [fn](const std::vector<IValue>& in) -> IValue {
    pyb::tuple args(in.size());
    for (size_t i = 0; i < in.size(); ++i) args[i] = to(in[i]);
    pyb::object r = fn(*args);
    return from(r);
  };
}

}  // namespace

void init_jit(pyb::module_& m) {
  using namespace ember::jit;
  pyb::class_<Graph, std::shared_ptr<Graph>>(m, "Graph", "A JIT graph (ember::jit::Graph).")
      .def("__str__", &Graph::str)
      .def("__repr__", &Graph::str)
      .def("copy", &Graph::copy)
      .def("num_nodes", &Graph::numNodes)
      .def("num_inputs", [](const Graph& g) { return g.inputs().size(); })
      .def("num_outputs", [](const Graph& g) { return g.outputs().size(); })
      .def("kinds", [](const Graph& g) {
        std::vector<std::string> out;
        std::function<void(const Block&)> walk = [&](const Block& b) {
          for (Node* n : b.nodes()) {
            out.push_back(n->kindName());
            for (const auto& inner : n->blocks()) walk(*inner);
          }
        };
        walk(*g.block());
        return out;
      }, "The kinds of every node, in order (nested blocks included).")
      .def("python_code", [](const Graph& g, const std::string& name) { return python_code(g, name); },
           pyb::arg("name") = "forward")
      .def("lint", [](const Graph& g) { lint(g); }, "Raises RuntimeError when the graph is not well formed.")
      .def("check_round_trip", [](const Graph& g) { check_round_trip(g); },
           "Prints, parses back and compares; raises RuntimeError on a difference.")
      .def("text", [](const Graph& g) {
        ConstantTable table;
        std::string text = to_text(g, &table);
        return std::make_pair(text, table);
      }, "The text form and its tensor constants (parse_graph(text, constants) reads it back).");
  m.def("_jit_parse_graph", [](const std::string& text, const std::vector<Tensor>& constants) {
    return parse_graph(text, &constants);
  }, pyb::arg("text"), pyb::arg("constants") = std::vector<Tensor>{});
  m.def("_jit_pass_dce", [](Graph& g) { return eliminate_dead_code(g); });
  m.def("_jit_pass_constant_pooling", [](Graph& g) { return constant_pooling(g); });
  m.def("_jit_pass_constant_propagation", [](Graph& g) { return constant_propagation(g); });
  m.def("_jit_pass_cse", [](Graph& g) { return eliminate_common_subexpressions(g); });

  pyb::class_<Function, std::shared_ptr<Function>>(m, "ScriptFunctionBase", "An interpreted graph (ember::jit::Function).")
      .def(pyb::init([](const std::string& name, std::shared_ptr<Graph> g) { return std::make_shared<Function>(name, g); }))
      .def_property_readonly("name", &Function::name)
      .def_property_readonly("graph", &Function::graph)
      .def("__call__", [](const Function& f, pyb::args args) {
        std::vector<IValue> in = from_args(args);
        Stack stack;
        EMBER_CHECK_TYPE(in.size() == f.num_inputs(), f.name(), "() expected ", f.num_inputs(), " arguments but got ", in.size());
        stack = std::move(in);
        {
          pyb::gil_scoped_release nogil;  // the interpreter needs no Python
          f.run(stack);
        }
        if (stack.size() == 1) return to(stack[0]);
        return to(ivalue::Tuple::create(std::move(stack)));
      });

  pyb::class_<Module>(m, "ScriptModuleBase", "A script module (ember::jit::Module).")
      .def(pyb::init<const std::string&>())
      .def_property_readonly("type_name", &Module::type_name)
      .def("register_parameter", &Module::register_parameter)
      .def("register_buffer", &Module::register_buffer)
      .def("register_module", &Module::register_module)
      .def("register_attribute", [](Module& self, const std::string& n, pyb::handle v) { self.register_attribute(n, from(v)); })
      .def("setattr", [](Module& self, const std::string& n, pyb::handle v) { self.setattr(n, from(v)); })
      .def("attr", [](const Module& self, const std::string& n) { return to(self.attr(n)); })
      .def("hasattr", &Module::hasattr)
      .def("attr_kind", [](const Module& self, const std::string& n) -> pyb::object {
        auto k = self.attr_kind(n);
        if (!k) return pyb::none();
        const char* names[] = {"parameter", "buffer", "module", "attribute"};
        return pyb::str(names[static_cast<int>(*k)]);
      })
      .def("named_parameters", &Module::named_parameters, pyb::arg("recurse") = true)
      .def("named_buffers", &Module::named_buffers, pyb::arg("recurse") = true)
      .def("named_children", &Module::named_children)
      .def("train", &Module::train, pyb::arg("mode") = true)
      .def("is_training", &Module::is_training)
      .def("to_device", [](Module& self, const std::string& d) { self.to(Device(d)); })
      .def("to_dtype", [](Module& self, pyb::handle dt) { self.to(to_dtype(dt.ptr())); })
      .def("method_names", [](const Module& self) {
        std::vector<std::string> out;
        std::string prefix = self.type_name() + ".";
        for (const Method& mt : self.get_methods()) out.push_back(mt.name().substr(prefix.size()));
        return out;
      })
      .def("method_graph", [](const Module& self, const std::string& n) { return self.get_method(n).graph(); })
      .def("run_method", [](const Module& self, const std::string& n, pyb::args args) {
        Method mt = self.get_method(n);
        std::vector<IValue> in = from_args(args);
        IValue out;
        {
          pyb::gil_scoped_release nogil;
          out = mt(std::move(in));
        }
        return to(out);
      })
      .def("define_method", &Module::define_method)
      .def("_ivalue", [](const Module& self) { return to(IValue(self._ivalue())); });

  m.def("_jit_trace", [](pyb::object fn, pyb::tuple inputs) {
    std::vector<IValue> in;
    for (pyb::handle a : inputs) in.push_back(from(a));
    return trace(py_fn(std::move(fn)), in);
  }, "Traces fn(*inputs) into a graph (ember::jit::trace).");
  m.def("_jit_trace_method", [](Module& mod, pyb::object fn, pyb::tuple inputs, const std::string& name) {
    std::vector<IValue> in;
    for (pyb::handle a : inputs) in.push_back(from(a));
    return trace_method(mod, py_fn(std::move(fn)), in, name);
  }, "Traces fn(*inputs) as a method of mod (ember::jit::trace_method).");
  m.def("_jit_is_traced", [](const Tensor& t) {
    auto* tr = dynamic_cast<Tracer*>(dispatch::current_observer());
    return tr != nullptr && tr->is_traced(t);
  }, "Whether a tracer is recording on this thread and t's value comes from its inputs.");
  m.def("_jit_is_tracing", [] { return dynamic_cast<Tracer*>(dispatch::current_observer()) != nullptr; });
}

}  // namespace ember::py
