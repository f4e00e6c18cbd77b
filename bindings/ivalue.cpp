// ember._C.ScriptObject (the Python face of ivalue::Object) and test helpers for boxed values:
// _ivalue_roundtrip / _ivalue_repr / _ivalue_hash / _ivalue_eq / _ivalue_is (Note [IValues from Python]).
#include "pybind_tensor.h"

#include <pybind11/stl.h>

namespace pyb = pybind11;

namespace ember::py {

PyObject* object_to_py(std::shared_ptr<ivalue::Object> o) {
  return pyb::cast(std::move(o)).release().ptr();  // pybind11 hands back the live wrapper when one exists
}

std::shared_ptr<ivalue::Object> object_from_py(PyObject* o) {
  pyb::handle h(o);
  if (!pyb::isinstance<ivalue::Object>(h)) return nullptr;
  return pyb::cast<std::shared_ptr<ivalue::Object>>(h);
}

namespace {
IValue from(pyb::handle h) { return ivalue_from_py(h.ptr()); }
pyb::object to(const IValue& v) { return pyb::reinterpret_steal<pyb::object>(ivalue_to_py(v)); }
template <class F>
auto checked(F&& f) {
  try {
    return f();
  } catch (const PythonError&) {
    throw pyb::error_already_set();
  }
}
}  // namespace

void init_ivalue(pyb::module_& m) {
  pyb::class_<ivalue::Object, std::shared_ptr<ivalue::Object>>(m, "ScriptObject",
      "A boxed object (ember::ivalue::Object): a class name and attributes, shared by reference.")
      .def(pyb::init([](const std::string& class_name, pyb::kwargs attrs) {
             auto o = ivalue::Object::create(class_name);
             for (auto kv : attrs) o->setAttr(pyb::cast<std::string>(kv.first), checked([&] { return from(kv.second); }));
             return o;
           }), pyb::arg("class_name"))
      .def("_type_name", [](const ivalue::Object& o) { return o.name(); }, "The object's class name.")
      .def("_attribute_names", [](const ivalue::Object& o) { return o.type()->attributeNames(); })
      .def("__getattr__", [](const ivalue::Object& o, const std::string& name) {
        if (!o.hasAttr(name)) throw pyb::attribute_error("'" + o.name() + "' object has no attribute '" + name + "'");
        return checked([&] { return to(o.getAttr(name)); });
      })
      .def("__setattr__", [](ivalue::Object& o, const std::string& name, pyb::handle v) {
        o.setAttr(name, checked([&] { return from(v); }));
      })
      .def("__repr__", [](const std::shared_ptr<ivalue::Object>& o) { return IValue(o).repr(); })
      .def("__eq__", [](const ivalue::Object& a, pyb::handle b) {
        auto other = object_from_py(b.ptr());
        return other && other.get() == &a;
      })
      .def("__hash__", [](const std::shared_ptr<ivalue::Object>& o) { return IValue(o).hash(); });

  m.def("_ivalue_roundtrip", [](pyb::handle o) { return checked([&] { return to(from(o)); }); },
        "Python -> IValue -> Python (tests of the boxed conversions).");
  m.def("_ivalue_repr", [](pyb::handle o) { return checked([&] { return from(o).repr(); }); },
        "The C++ repr (operator<<) of o's IValue.");
  m.def("_ivalue_hash", [](pyb::handle o) { return checked([&] { return from(o).hash(); }); },
        "IValue::hash of o's IValue (TypeError for lists and dicts).");
  m.def("_ivalue_eq", [](pyb::handle a, pyb::handle b) { return checked([&] { return from(a) == from(b); }); },
        "IValue equality of a's and b's IValues.");
  m.def("_ivalue_kind", [](pyb::handle o) { return checked([&] { return std::string(from(o).tagName()); }); },
        "The IValue kind o becomes (tagName).");
}

}  // namespace ember::py
