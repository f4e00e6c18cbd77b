// Zero-copy numpy interop (from_numpy, Tensor.numpy) and ember.tensor(data) from Python data.
// numpy's C API is imported lazily, on first use, so `import ember` does not import numpy.
#define PY_ARRAY_UNIQUE_SYMBOL ember_ARRAY_API
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include "ember/dispatch/observer.h"
#include "arg_parser.h"
#include "ember/util/pool.h"
#include <numpy/arrayobject.h>

namespace ember::py {
namespace {

void ensure_numpy() {
  static bool ok = false;
  if (ok) return;
  if (_import_array() < 0) throw PythonError();
  ok = true;
}

int numpy_type(ScalarType st) {
  switch (st) {
    case kBool: return NPY_BOOL;
    case kUInt8: return NPY_UINT8;
    case kInt8: return NPY_INT8;
    case kInt16: return NPY_INT16;
    case kInt32: return NPY_INT32;
    case kInt64: return NPY_INT64;
    case kFloat16: return NPY_FLOAT16;
    case kFloat32: return NPY_FLOAT32;
    case kFloat64: return NPY_FLOAT64;
    default:
      throw TypeError(detail::str("Got unsupported ScalarType ", st, " (numpy has no ", dtype_name(st), ")"));
  }
}

std::optional<ScalarType> from_numpy_type(PyArray_Descr* d) {
  int n = d->type_num;
  if (n == NPY_BOOL) return kBool;
  if (n == NPY_FLOAT16) return kFloat16;
  if (n == NPY_FLOAT32) return kFloat32;
  if (n == NPY_FLOAT64) return kFloat64;
  if (PyTypeNum_ISINTEGER(n)) {
    int size = static_cast<int>(PyDataType_ELSIZE(d));
    bool sign = PyTypeNum_ISSIGNED(n);
    if (!sign && size == 1) return kUInt8;
    if (sign && size == 1) return kInt8;
    if (sign && size == 2) return kInt16;
    if (sign && size == 4) return kInt32;
    if (sign && size == 8) return kInt64;
  }
  return std::nullopt;
}

void decref_under_gil(void* obj) {
  PyGILState_STATE s = PyGILState_Ensure();
  Py_DECREF(static_cast<PyObject*>(obj));
  PyGILState_Release(s);
}

Tensor tensor_from_array(PyObject* obj) {
  auto* arr = reinterpret_cast<PyArrayObject*>(obj);
  PyArray_Descr* descr = PyArray_DESCR(arr);
  auto st = from_numpy_type(descr);
  if (!st) {
    PyObject* r = PyObject_Repr(reinterpret_cast<PyObject*>(descr));
    std::string name = r ? PyUnicode_AsUTF8(r) : "?";
    Py_XDECREF(r);
    throw TypeError("can't convert np.ndarray of type " + name + ". The only supported types are: float64, "
                    "float32, float16, int64, int32, int16, int8, uint8, and bool.");
  }
  EMBER_CHECK_VALUE(PyArray_ISNOTSWAPPED(arr), "given numpy array has byte order different from the native byte "
                    "order. Conversion between byte orders is currently not supported.");
  int nd = PyArray_NDIM(arr);
  int64_t es = static_cast<int64_t>(element_size(*st));
  DimVector sizes(nd), strides(nd);
  int64_t lo = 0, hi = 0;
  bool empty = false;
  for (int i = 0; i < nd; ++i) {
    sizes[i] = PyArray_DIM(arr, i);
    int64_t sb = PyArray_STRIDE(arr, i);
    EMBER_CHECK_VALUE(sb % es == 0, "given numpy array strides not a multiple of the element byte size. Copy the "
                      "numpy array to reallocate the memory.");
    strides[i] = sb / es;
    if (sizes[i] == 0) empty = true;
    int64_t span = (sizes[i] - 1) * sb;
    (span < 0 ? lo : hi) += span;
  }
  char* data = static_cast<char*>(PyArray_DATA(arr));
  size_t nbytes = empty ? 0 : static_cast<size_t>(hi - lo + es);
  Py_INCREF(obj);
  auto storage = StorageImpl::wrap(data + lo, nbytes, Device(kCPU), obj, &decref_under_gil);
  return Tensor(internal::make_pooled<TensorImpl>(std::move(storage), *st, sizes, strides, -lo / es));
}

// ---- ember.tensor(data) from nested Python sequences -------------------------------------------------
void infer_shape(PyObject* o, DimVector& shape) {
  while (PySequence_Check(o) && !PyUnicode_Check(o) && !is_tensor(o)) {
    Py_ssize_t n = PySequence_Size(o);
    if (n < 0) throw PythonError();
    shape.push_back(n);
    if (n == 0) break;
    PyObject* first = PySequence_GetItem(o, 0);
    if (!first) throw PythonError();
    Py_DECREF(first);  // still owned by the sequence
    o = first;
  }
}

/// Gathers the leaves of nested sequences; dt accumulates PyTorch's inferred dtype: the promotion of
/// each leaf's type (bool, int64, the default float dtype, or a numpy scalar's own dtype).
void collect(PyObject* o, const DimVector& shape, size_t dim, std::vector<Scalar>& out,
             std::optional<ScalarType>& dt) {
  auto join = [&](ScalarType t) { dt = dt ? promote_types(*dt, t) : t; };
  auto kind = [](const Scalar& s) { return s.is_floating_point() ? get_default_dtype() : s.is_bool() ? kBool : kInt64; };
  if (dim == shape.size()) {
    if (is_tensor(o)) {
      const Tensor& t = tensor_of(o);
      EMBER_CHECK_TYPE(t.numel() == 1, "only one element tensors can be converted to Python scalars");
      Scalar s = t.item();
      join(kind(s));
      out.push_back(s);
      return;
    }
    if (!PyBool_Check(o) && !PyLong_Check(o) && !PyFloat_Check(o) && !PyIndex_Check(o) &&
        !PyNumber_Check(o))
      throw TypeError(detail::str("tensor(): could not infer dtype of ", Py_TYPE(o)->tp_name));
    Scalar s = to_scalar(o);
    std::optional<ScalarType> np_dt;
    if (!PyLong_CheckExact(o) && !PyFloat_CheckExact(o) && !PyBool_Check(o) && (ensure_numpy(), PyArray_IsScalar(o, Generic))) {
      // a numpy scalar keeps its dtype: tensor([np.float16(1)]) is float16, as in PyTorch
      PyArray_Descr* d = PyArray_DescrFromScalar(o);
      if (d) {
        np_dt = from_numpy_type(d);
        Py_DECREF(d);
      } else {
        PyErr_Clear();
      }
    }
    join(np_dt ? *np_dt : kind(s));
    out.push_back(s);
    return;
  }
  EMBER_CHECK_VALUE(PySequence_Check(o) && !PyUnicode_Check(o), "expected sequence of length ", shape[dim],
                    " at dim ", dim, " (got ", Py_TYPE(o)->tp_name, ")");
  Py_ssize_t n = PySequence_Size(o);
  EMBER_CHECK_VALUE(n == shape[dim], "expected sequence of length ", shape[dim], " at dim ", dim, " (got ", n, ")");
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* item = PySequence_GetItem(o, i);
    if (!item) throw PythonError();
    try {
      collect(item, shape, dim + 1, out, dt);
    } catch (...) {
      Py_DECREF(item);
      throw;
    }
    Py_DECREF(item);
  }
}

}  // namespace

PyObject* from_numpy(PyObject*, PyObject* arg) {
  EMBER_PY_TRY
  ensure_numpy();
  if (!PyArray_Check(arg)) {
    PyErr_Format(PyExc_TypeError, "expected np.ndarray (got %s)", Py_TYPE(arg)->tp_name);
    return nullptr;
  }
  return wrap(tensor_from_array(arg));
  EMBER_PY_CATCH
}

PyObject* tensor_numpy(PyObject* self, PyObject* args, PyObject* kwargs) {
  EMBER_PY_TRY
  static const char* kwlist[] = {"force", nullptr};
  int force = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|$p:numpy", const_cast<char**>(kwlist), &force)) return nullptr;
  ensure_numpy();
  const Tensor& t = tensor_of(self);
  // As PyTorch: an array would let writes bypass autograd; force=True shares the memory anyway.
  EMBER_CHECK(force || !t.requires_grad(), "Can't call numpy() on Tensor that requires grad. Use "
              "tensor.detach().numpy() instead.");
  EMBER_CHECK_TYPE(t.is_cpu(), "can't convert ", t.device(), " device type tensor to numpy. Use Tensor.cpu() to "
                   "copy the tensor to host memory first.");
  int type = numpy_type(t.dtype());
  int nd = static_cast<int>(t.dim());
  npy_intp dims[64], strides[64];
  int64_t es = static_cast<int64_t>(t.element_size());
  for (int i = 0; i < nd; ++i) {
    dims[i] = t.sizes()[i];
    strides[i] = t.strides()[i] * es;
  }
  PyObject* arr = PyArray_New(&PyArray_Type, nd, dims, type, strides, t.data_ptr(), static_cast<int>(es),
                              NPY_ARRAY_WRITEABLE, nullptr);
  if (!arr) return nullptr;
  Py_INCREF(self);
  if (PyArray_SetBaseObject(reinterpret_cast<PyArrayObject*>(arr), self) < 0) {
    Py_DECREF(arr);
    return nullptr;
  }
  return arr;
  EMBER_PY_CATCH
}

static PyObject* py_tensor(PyObject*, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  EMBER_PY_TRY
  static const ArgParser parser(
      "tensor(PyObject data, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)");
  PyObject* p[4];
  parser.parse(args, nargs, kwnames, p);
  TensorOptions opt = factory_options(p[1], p[2], p[3]);
  PyObject* data = p[0];
  dispatch::ObserverGuard constant(nullptr);  // tensor(data) is a constant to an op observer, not the ops inside
  Tensor t;
  bool plain = PyList_Check(data) || PyTuple_Check(data) || PyFloat_Check(data) || PyLong_Check(data);
  if (is_tensor(data)) {
    NoGradGuard no_grad;  // tensor(t) copies data, never history
    t = tensor_of(data).clone();
  } else if (!plain && (ensure_numpy(), PyArray_Check(data))) {
    t = tensor_from_array(data).clone();
  } else {
    DimVector shape;
    infer_shape(data, shape);
    std::vector<Scalar> values;
    std::optional<ScalarType> inferred;
    collect(data, shape, 0, values, inferred);
    ScalarType dt = inferred.value_or(get_default_dtype());
    if (opt.dtype_opt()) dt = *opt.dtype_opt();  // build in the requested dtype: no detour through float32
    if (is_integral(dt, false))  // Note [scalar range]: tensor([300], dtype=uint8) raises, as in PyTorch
      for (const Scalar& v : values)
        EMBER_CHECK(scalar_fits(v, dt), "value cannot be converted to type ", dtype_name(dt), " without overflow");
    t = empty(shape, TensorOptions(dt));
    visit_dtype(dt, [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* d = t.data_ptr<T>();
      for (size_t i = 0; i < values.size(); ++i) d[i] = values[i].to<T>();
    });
  }
  if (opt.dtype_opt() || opt.device_opt())
    t = t.to(opt.device_opt(), opt.dtype_opt().value_or(t.dtype()));
  if (opt.requires_grad()) t = t.detach().set_requires_grad(true);
  return wrap(std::move(t));
  EMBER_PY_CATCH
}

void add_numpy_functions(Registrations& r) {
  r.functions.push_back({"from_numpy", from_numpy, METH_O,
                         "from_numpy(ndarray) -> Tensor sharing the array's memory (no copy)."});
  r.functions.push_back({"tensor", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(py_tensor)),
                         METH_FASTCALL | METH_KEYWORDS,
                         "tensor(data, *, dtype=None, device=None, requires_grad=False) -> Tensor copying data "
                         "(nested lists, numbers, numpy arrays, tensors)."});
}

}  // namespace ember::py
