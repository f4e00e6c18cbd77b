// ember.Tensor in separately built Python extension modules (pybind11): include this header and
// functions taking and returning ember::Tensor convert to and from ember.Tensor, the one Tensor type
// that ember._C defines. The conversion goes through a small C API that ember._C publishes in the
// capsule `ember._C._C_API` (no private symbols of ember._C are needed); importing the module imports
// ember. docs/extending.md.
//
//   #include <ember/python.h>
//   PYBIND11_MODULE(myext, m) {
//     ember::python::api();  // optional: imports ember and maps ember's errors to Python's types now
//     m.def("scale", [](const ember::Tensor& t, double k) { return t * k; });
//   }
#pragma once
#include <Python.h>
#include <pybind11/pybind11.h>

#include "ember/ember.h"
#include "ember/python_capi.h"

namespace ember::python {

/// Maps ember's errors to the Python exceptions ember._C raises for them (TypeError, ValueError,
/// IndexError, NotImplementedError, else RuntimeError) in this module; api() calls it once.
inline void register_exception_translator() {
  pybind11::register_local_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ember::TypeError& e) {
      PyErr_SetString(PyExc_TypeError, e.what());
    } catch (const ember::ValueError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const ember::IndexError& e) {
      PyErr_SetString(PyExc_IndexError, e.what());
    } catch (const ember::NotImplementedError& e) {
      PyErr_SetString(PyExc_NotImplementedError, e.what());
    } catch (const ember::Error& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });
}

/// The API of the ember._C in this process (imports ember on first use; throws error_already_set).
inline const CApi& api() {
  static const CApi* p = [] {
    auto* a = static_cast<const CApi*>(PyCapsule_Import(kCapsuleName, 0));
    if (!a) throw pybind11::error_already_set();
    if (a->version < 1) throw std::runtime_error("ember/python.h: ember._C's C API is too old");
    register_exception_translator();
    return a;
  }();
  return *p;
}

inline bool is_tensor(PyObject* obj) { return api().is_tensor(obj) == 1; }

}  // namespace ember::python

namespace pybind11::detail {
template <>
struct type_caster<ember::Tensor> {
  PYBIND11_TYPE_CASTER(ember::Tensor, const_name("ember.Tensor"));
  bool load(handle src, bool) {
    if (src.is_none()) {
      value = ember::Tensor();
      return true;
    }
    const auto& a = ember::python::api();
    if (a.is_tensor(src.ptr()) != 1) return false;
    value = *a.unwrap(src.ptr());
    return true;
  }
  static handle cast(const ember::Tensor& t, return_value_policy, handle) {
    if (!t.defined()) return none().release();
    PyObject* r = ember::python::api().wrap(&t);
    if (!r) throw error_already_set();
    return r;
  }
};
}  // namespace pybind11::detail
