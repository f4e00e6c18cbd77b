// Tensor.__getitem__ / __setitem__ (mp_subscript / mp_ass_subscript of ember.Tensor): a Python key
// becomes a list of ember::indexing::TensorIndex (ember/ops/indexing.h), so Python and C++ share one
// implementation. Lists and numpy arrays become tensor indices (advanced indexing).
#include "arg_parser.h"
#include "ember/ops/indexing.h"

namespace ember::py {

using indexing::TensorIndex;

static std::optional<int64_t> slice_part(PyObject* o) {
  if (o == Py_None) return std::nullopt;
  if (!PyIndex_Check(o) || is_tensor(o)) {
    PyErr_SetString(PyExc_TypeError, "slice indices must be integers or None or have an __index__ method");
    throw PythonError();
  }
  Py_ssize_t v = PyNumber_AsSsize_t(o, PyExc_IndexError);
  if (v == -1 && PyErr_Occurred()) throw PythonError();
  return static_cast<int64_t>(v);
}

/// ember.tensor(o) (with dtype= when given).
static Tensor py_tensor(PyObject* o, PyObject* dtype) {
  PyObject* mod = PyImport_ImportModule("ember");
  if (!mod) throw PythonError();
  PyObject* fn = PyObject_GetAttrString(mod, "tensor");
  Py_DECREF(mod);
  if (!fn) throw PythonError();
  PyObject* args = PyTuple_Pack(1, o);
  PyObject* kw = dtype ? Py_BuildValue("{s:O}", "dtype", dtype) : PyDict_New();
  PyObject* v = args && kw ? PyObject_Call(fn, args, kw) : nullptr;
  Py_DECREF(fn);
  Py_XDECREF(args);
  Py_XDECREF(kw);
  if (!v) throw PythonError();
  Tensor t = tensor_of(v);
  Py_DECREF(v);
  return t;
}

static TensorIndex to_index(PyObject* o) {
  if (o == Py_None) return TensorIndex(indexing::None);
  if (o == Py_Ellipsis) return TensorIndex(indexing::Ellipsis);
  if (PyBool_Check(o)) return TensorIndex(o == Py_True);
  if (is_tensor(o)) return TensorIndex(tensor_of(o));
  if (PySlice_Check(o)) {
    auto* s = reinterpret_cast<PySliceObject*>(o);
    std::optional<int64_t> step = slice_part(s->step);
    if (step && *step == 0) throw ValueError("slice step cannot be zero");
    return TensorIndex(indexing::Slice(slice_part(s->start), slice_part(s->stop), step));
  }
  if (PyLong_Check(o) || (PyIndex_Check(o) && !PySequence_Check(o))) {  // ints, numpy integer scalars
    Py_ssize_t v = PyNumber_AsSsize_t(o, PyExc_IndexError);
    if (v == -1 && PyErr_Occurred()) throw PythonError();
    return TensorIndex(static_cast<int64_t>(v));
  }
  if (!PyUnicode_Check(o) && !PyBytes_Check(o) && (PySequence_Check(o) || PyObject_HasAttrString(o, "__array__"))) {
    Tensor t = py_tensor(o, nullptr);  // lists, tuples inside the key, numpy arrays: advanced indices
    if (t.numel() == 0 && t.is_floating_point()) t = t.to(std::nullopt, kInt64);  // t[[]]
    return TensorIndex(t);
  }
  PyErr_Format(PyExc_IndexError, "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables "
               "are valid indices (got %s)", Py_TYPE(o)->tp_name);
  throw PythonError();
}

static std::vector<TensorIndex> to_indices(PyObject* key) {
  std::vector<TensorIndex> out;
  if (PyTuple_Check(key)) {
    Py_ssize_t n = PyTuple_GET_SIZE(key);
    out.reserve(n);
    for (Py_ssize_t i = 0; i < n; ++i) out.push_back(to_index(PyTuple_GET_ITEM(key, i)));
  } else {
    out.push_back(to_index(key));
  }
  return out;
}

PyObject* tensor_getitem(PyObject* self, PyObject* key) {
  EMBER_PY_TRY
  const Tensor& t = tensor_of(self);
  if (PyLong_CheckExact(key)) {  // fast path: t[i]
    int64_t i = PyLong_AsLongLong(key);
    if (i == -1 && PyErr_Occurred()) return nullptr;
    TensorIndex idx(i);
    return wrap(indexing::get(t, ArrayRef<TensorIndex>(&idx, 1)));
  }
  std::vector<TensorIndex> idx = to_indices(key);
  return wrap(indexing::get(t, idx));
  EMBER_PY_CATCH
}

int tensor_setitem(PyObject* self, PyObject* key, PyObject* value) {
  try {
    if (!value) {
      PyErr_SetString(PyExc_TypeError, "Tensor does not support deleting items");
      return -1;
    }
    const Tensor& t = tensor_of(self);
    std::vector<TensorIndex> idx = to_indices(key);
    if (is_tensor(value)) {
      indexing::set(t, idx, tensor_of(value));
    } else if (is_number(value)) {
      indexing::set(t, idx, to_scalar(value));
    } else {  // sequences, numpy arrays and scalars: through ember.tensor(value, dtype=t.dtype)
      indexing::set(t, idx, py_tensor(value, dtype_object(t.dtype())));
    }
    return 0;
  } catch (...) {
    translate_exception();
    return -1;
  }
}

}  // namespace ember::py
