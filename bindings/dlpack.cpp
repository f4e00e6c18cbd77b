// DLPack from Python: Tensor.__dlpack__ / __dlpack_device__ and ember.from_dlpack (versioned
// "dltensor_versioned" capsules when the producer or consumer speaks DLPack 1.x, legacy otherwise).
#include "arg_parser.h"
#include "ember/core/dlpack.h"

namespace ember::py {
namespace {

void legacy_capsule_destructor(PyObject* cap) {
  if (PyCapsule_IsValid(cap, "dltensor")) {  // never consumed
    auto* m = static_cast<DLManagedTensor*>(PyCapsule_GetPointer(cap, "dltensor"));
    if (m && m->deleter) m->deleter(m);
  } else {
    PyErr_Clear();
  }
}
void versioned_capsule_destructor(PyObject* cap) {
  if (PyCapsule_IsValid(cap, "dltensor_versioned")) {
    auto* m = static_cast<DLManagedTensorVersioned1*>(PyCapsule_GetPointer(cap, "dltensor_versioned"));
    if (m && m->deleter) m->deleter(m);
  } else {
    PyErr_Clear();
  }
}

PyObject* tensor_dlpack(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  EMBER_PY_TRY
  static const ArgParser parser(
      "__dlpack__(*, PyObject stream=None, PyObject max_version=None, PyObject dl_device=None, PyObject copy=None)");
  PyObject* p[4];
  parser.parse(args, nargs, kwnames, p);
  const Tensor& t = tensor_of(self);
  EMBER_CHECK(!t.requires_grad(), "Can't export tensors that require gradient, use tensor.detach()");
  if (p[3] && p[3] == Py_True) {
    PyErr_SetString(PyExc_BufferError, "ember: __dlpack__(copy=True) is not supported; export shares memory");
    return nullptr;
  }
  bool versioned = false;
  if (p[1] && p[1] != Py_None) {
    if (!PyTuple_Check(p[1]) || PyTuple_GET_SIZE(p[1]) != 2) {
      PyErr_SetString(PyExc_TypeError, "__dlpack__: max_version must be a (major, minor) tuple");
      return nullptr;
    }
    versioned = PyLong_AsLong(PyTuple_GET_ITEM(p[1], 0)) >= 1;
  }
  if (versioned)
    return PyCapsule_New(to_dlpack_versioned(t), "dltensor_versioned", versioned_capsule_destructor);
  return PyCapsule_New(to_dlpack(t), "dltensor", legacy_capsule_destructor);
  EMBER_PY_CATCH
}

PyObject* tensor_dlpack_device(PyObject* self, PyObject*) {
  Device d = tensor_of(self).device();
  if (d.is_meta()) {
    PyErr_SetString(PyExc_RuntimeError, "__dlpack_device__: a meta tensor has no data to export (DLPack has no "
                    "meta device)");
    return nullptr;
  }
  return Py_BuildValue("(ii)", d.is_cpu() ? 1 : 2, d.index() < 0 ? 0 : d.index());
}

PyObject* from_capsule(PyObject* cap) {
  if (PyCapsule_IsValid(cap, "dltensor_versioned")) {
    auto* m = static_cast<DLManagedTensorVersioned1*>(PyCapsule_GetPointer(cap, "dltensor_versioned"));
    Tensor t = from_dlpack(m);
    PyCapsule_SetName(cap, "used_dltensor_versioned");
    return wrap(std::move(t));
  }
  if (PyCapsule_IsValid(cap, "dltensor")) {
    auto* m = static_cast<DLManagedTensor*>(PyCapsule_GetPointer(cap, "dltensor"));
    Tensor t = from_dlpack(m);
    PyCapsule_SetName(cap, "used_dltensor");
    return wrap(std::move(t));
  }
  PyErr_SetString(PyExc_ValueError, "from_dlpack: expected an unconsumed DLPack capsule ('dltensor' or "
                                    "'dltensor_versioned'); a capsule can be consumed only once");
  return nullptr;
}

PyObject* py_from_dlpack(PyObject*, PyObject* obj) {
  EMBER_PY_TRY
  if (PyCapsule_CheckExact(obj)) return from_capsule(obj);
  if (is_tensor(obj)) {
    Py_INCREF(obj);
    return obj;
  }
  PyObject* method = PyObject_GetAttrString(obj, "__dlpack__");
  if (!method) {
    PyErr_Clear();
    PyErr_Format(PyExc_TypeError, "from_dlpack: expected an object with __dlpack__ or a DLPack capsule, got %s",
                 Py_TYPE(obj)->tp_name);
    return nullptr;
  }
  // Ask for a versioned capsule first (numpy 2, PyTorch 2); fall back for older producers.
  PyObject* kw = Py_BuildValue("{s:(ii)}", "max_version", 1, 0);
  PyObject* empty = PyTuple_New(0);
  PyObject* cap = PyObject_Call(method, empty, kw);
  Py_DECREF(kw);
  if (!cap && PyErr_ExceptionMatches(PyExc_TypeError)) {
    PyErr_Clear();
    cap = PyObject_Call(method, empty, nullptr);
  }
  Py_DECREF(empty);
  Py_DECREF(method);
  if (!cap) return nullptr;
  PyObject* r = from_capsule(cap);
  Py_DECREF(cap);
  return r;
  EMBER_PY_CATCH
}

}  // namespace

void add_dlpack(Registrations& r) {
  r.methods.push_back({"__dlpack__", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(tensor_dlpack)),
                       METH_FASTCALL | METH_KEYWORDS, "Exports this tensor as a DLPack capsule (no copy)."});
  r.methods.push_back({"__dlpack_device__", tensor_dlpack_device, METH_NOARGS,
                       "(device_type, device_id) as DLPack numbers it."});
  r.functions.push_back({"from_dlpack", py_from_dlpack, METH_O,
                         "from_dlpack(obj) -> Tensor sharing obj's memory (obj has __dlpack__, or is a capsule)."});
}

}  // namespace ember::py
