// The Python types ember.Tensor, ember.dtype, ember.device and ember.Size.
//
// Note [tensor identity]: ember.Tensor is a hand-written heap type whose object holds the C++
// handle inline (no pybind11 holder, no instance registry: ~40 ns to create). TensorImpl keeps a
// borrowed pointer to the live Python object, so wrapping the same impl again returns the same
// object (`x.grad is x.grad`) for as long as it lives; its dealloc clears the pointer. The type is
// GC-aware (HAVE_GC + traverse) so that cycles through C++ (autograd hooks, custom functions) can
// be collected once those layers report the Python objects they hold.
#include "arg_parser.h"

#include <structmember.h>

#include <cmath>
#include <sstream>

namespace ember::py {

PyTypeObject* g_tensor_type = nullptr;

// ---- ember.dtype --------------------------------------------------------------------------------
static PyDType g_dtypes[kNumScalarTypes];

PyObject* dtype_object(ScalarType st) { return reinterpret_cast<PyObject*>(&g_dtypes[static_cast<int>(st)]); }

static PyObject* dtype_repr(PyObject* o) {
  return PyUnicode_FromFormat("ember.%s", dtype_name(reinterpret_cast<PyDType*>(o)->st));
}
static PyObject* dtype_is_floating(PyObject* o, void*) {
  return PyBool_FromLong(is_floating_point(reinterpret_cast<PyDType*>(o)->st));
}
static PyObject* dtype_is_signed(PyObject* o, void*) {
  return PyBool_FromLong(is_signed(reinterpret_cast<PyDType*>(o)->st));
}
static PyObject* dtype_itemsize(PyObject* o, void*) {
  return PyLong_FromSize_t(element_size(reinterpret_cast<PyDType*>(o)->st));
}
static PyObject* dtype_reduce(PyObject* o, PyObject*) {
  return PyUnicode_FromString(dtype_name(reinterpret_cast<PyDType*>(o)->st));
}
static PyGetSetDef dtype_getset[] = {
    {"is_floating_point", dtype_is_floating, nullptr, "Whether this is a floating-point dtype.", nullptr},
    {"is_signed", dtype_is_signed, nullptr, "Whether this dtype is signed.", nullptr},
    {"itemsize", dtype_itemsize, nullptr, "Bytes per element.", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr}};
static PyMethodDef dtype_methods[] = {{"__reduce__", dtype_reduce, METH_NOARGS, nullptr},
                                      {nullptr, nullptr, 0, nullptr}};
PyTypeObject g_dtype_type = {PyVarObject_HEAD_INIT(nullptr, 0)};

// ---- ember.device -------------------------------------------------------------------------------------
PyObject* device_object(Device d) {
  auto* o = PyObject_New(PyDevice, &g_device_type);
  if (!o) throw PythonError();
  new (&o->device) Device(d);
  return reinterpret_cast<PyObject*>(o);
}
static PyObject* device_new(PyTypeObject*, PyObject* args, PyObject* kwargs) {
  EMBER_PY_TRY
  static const char* kw[] = {"type", "index", nullptr};
  PyObject* type = nullptr;
  PyObject* index = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|O:device", const_cast<char**>(kw), &type, &index))
    return nullptr;
  if (Py_TYPE(type) == &g_device_type) {
    Py_INCREF(type);
    return type;
  }
  Device d = to_device(type);
  if (index != Py_None) {
    EMBER_CHECK(PyUnicode_Check(type) && !d.has_index(), "device(): type (string) must not include an index "
                "because index was passed explicitly: ", to_string(type));
    int64_t i = to_int(index);
    EMBER_CHECK(i >= 0, "Device index must not be negative");
    d = Device(d.type(), static_cast<int>(i));
  }
  return device_object(d);
  EMBER_PY_CATCH
}
static PyObject* device_repr(PyObject* o) {
  Device d = reinterpret_cast<PyDevice*>(o)->device;
  if (d.has_index()) return PyUnicode_FromFormat("device(type='%s', index=%d)", device_type_name(d.type()), d.index());
  return PyUnicode_FromFormat("device(type='%s')", device_type_name(d.type()));
}
static PyObject* device_str(PyObject* o) { return PyUnicode_FromString(reinterpret_cast<PyDevice*>(o)->device.str().c_str()); }
static PyObject* device_richcompare(PyObject* a, PyObject* b, int op) {
  if (Py_TYPE(b) != &g_device_type || (op != Py_EQ && op != Py_NE)) Py_RETURN_NOTIMPLEMENTED;
  bool eq = reinterpret_cast<PyDevice*>(a)->device == reinterpret_cast<PyDevice*>(b)->device;
  return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}
static Py_hash_t device_hash(PyObject* o) {
  Device d = reinterpret_cast<PyDevice*>(o)->device;
  return static_cast<Py_hash_t>(static_cast<int>(d.type()) * 1000 + d.index() + 2);
}
static PyObject* device_type_get(PyObject* o, void*) {
  return PyUnicode_FromString(device_type_name(reinterpret_cast<PyDevice*>(o)->device.type()));
}
static PyObject* device_index_get(PyObject* o, void*) {
  Device d = reinterpret_cast<PyDevice*>(o)->device;
  if (!d.has_index()) Py_RETURN_NONE;
  return PyLong_FromLong(d.index());
}
static PyObject* device_reduce(PyObject* o, PyObject*) {
  return Py_BuildValue("(O(s))", reinterpret_cast<PyObject*>(&g_device_type),
                       reinterpret_cast<PyDevice*>(o)->device.str().c_str());
}
static PyGetSetDef device_getset[] = {{"type", device_type_get, nullptr, "Device type: 'cpu', 'cuda' or 'meta'.", nullptr},
                                      {"index", device_index_get, nullptr, "Device index or None.", nullptr},
                                      {nullptr, nullptr, nullptr, nullptr, nullptr}};
static PyMethodDef device_methods[] = {{"__reduce__", device_reduce, METH_NOARGS, nullptr},
                                       {nullptr, nullptr, 0, nullptr}};
PyTypeObject g_device_type = {PyVarObject_HEAD_INIT(nullptr, 0)};

// ---- ember.Size -----------------------------------------------------------------------------------------
PyTypeObject g_size_type = {PyVarObject_HEAD_INIT(nullptr, 0)};

PyObject* size_object(IntArrayRef sizes) {
  PyObject* t = g_size_type.tp_alloc(&g_size_type, static_cast<Py_ssize_t>(sizes.size()));
  if (!t) throw PythonError();
  for (size_t i = 0; i < sizes.size(); ++i) PyTuple_SET_ITEM(t, i, PyLong_FromLongLong(sizes[i]));
  return t;
}
static PyObject* size_repr(PyObject* o) {
  std::ostringstream s;
  s << "ember.Size([";
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(o); ++i)
    s << (i ? ", " : "") << PyLong_AsLongLong(PyTuple_GET_ITEM(o, i));
  s << "])";
  return PyUnicode_FromString(s.str().c_str());
}
static PyObject* size_numel(PyObject* o, PyObject*) {
  long long n = 1;
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(o); ++i) n *= PyLong_AsLongLong(PyTuple_GET_ITEM(o, i));
  return PyLong_FromLongLong(n);
}
static PyMethodDef size_methods[] = {{"numel", size_numel, METH_NOARGS, "Number of elements of this shape."},
                                     {nullptr, nullptr, 0, nullptr}};

// ---- ember.Tensor -----------------------------------------------------------------------------------------
PyObject* wrap(Tensor t) {
  if (!t.defined()) Py_RETURN_NONE;
  TensorImpl* impl = t.unsafeGetTensorImpl();
  if (PyObject* o = static_cast<PyObject*>(impl->pyobj())) {
    Py_INCREF(o);
    return o;
  }
  PyObject* o = g_tensor_type->tp_alloc(g_tensor_type, 0);
  if (!o) throw PythonError();
  auto* self = reinterpret_cast<PyTensor*>(o);
  new (&self->cdata) Tensor(std::move(t));
  impl->set_pyobj(o);
  return o;
}

static void tensor_dealloc(PyObject* o) {
  PyTypeObject* tp = Py_TYPE(o);
  PyObject_GC_UnTrack(o);
  auto* self = reinterpret_cast<PyTensor*>(o);
  if (self->weakrefs) PyObject_ClearWeakRefs(o);
  if (self->cdata.defined() && self->cdata.unsafeGetTensorImpl()->pyobj() == o)
    self->cdata.unsafeGetTensorImpl()->set_pyobj(nullptr);
  self->cdata.~Tensor();
  Py_CLEAR(self->dict);
  tp->tp_free(o);
  Py_DECREF(tp);
}
int visit_tensor_hooks(const Tensor& t, visitproc visit, void* arg);  // autograd.cpp
void clear_tensor_hooks(const Tensor& t);
void add_autograd_getset(std::vector<PyGetSetDef>& g);

static int tensor_traverse(PyObject* o, visitproc visit, void* arg) {
  Py_VISIT(Py_TYPE(o));
  Py_VISIT(reinterpret_cast<PyTensor*>(o)->dict);
  return visit_tensor_hooks(reinterpret_cast<PyTensor*>(o)->cdata, visit, arg);
}
static int tensor_clear(PyObject* o) {
  Py_CLEAR(reinterpret_cast<PyTensor*>(o)->dict);
  clear_tensor_hooks(reinterpret_cast<PyTensor*>(o)->cdata);
  return 0;
}
static PyObject* tensor_new(PyTypeObject*, PyObject*, PyObject*) {
  PyErr_SetString(PyExc_TypeError, "ember.Tensor cannot be constructed directly; use ember.tensor(data), "
                                   "ember.empty(...) or another factory");
  return nullptr;
}
static Py_ssize_t tensor_len(PyObject* o) {
  const Tensor& t = tensor_of(o);
  if (t.dim() == 0) {
    PyErr_SetString(PyExc_TypeError, "len() of a 0-d tensor");
    return -1;
  }
  return static_cast<Py_ssize_t>(t.sizes()[0]);
}

static Py_hash_t tensor_hash(PyObject* o) { return _Py_HashPointer(o); }  // identity, as PyTorch

static PyObject* tensor_bool(PyObject* o) {
  EMBER_PY_TRY
  const Tensor& t = tensor_of(o);
  EMBER_CHECK(t.numel() == 1, "Boolean value of Tensor with ", t.numel() == 0 ? "no values" : "more than one value",
              " is ambiguous");
  return PyBool_FromLong(t.item().to_bool());
  EMBER_PY_CATCH
}
static int tensor_nb_bool(PyObject* o) {
  PyObject* r = tensor_bool(o);
  if (!r) return -1;
  int v = r == Py_True;
  Py_DECREF(r);
  return v;
}
static PyObject* tensor_float(PyObject* o) {
  EMBER_PY_TRY
  const Tensor& t = tensor_of(o);
  EMBER_CHECK_VALUE(t.numel() == 1, "only one element tensors can be converted to Python scalars");
  return PyFloat_FromDouble(t.item().to_double());
  EMBER_PY_CATCH
}
/// `~t`: the operator refuses floating tensors with TypeError, as Python's operator protocol does in
/// PyTorch (ember.bitwise_not itself raises NotImplementedError for them, as torch.bitwise_not).
static PyObject* tensor_invert(PyObject* o) {
  EMBER_PY_TRY
  const Tensor& t = tensor_of(o);
  EMBER_CHECK_TYPE(!t.defined() || !t.is_floating_point(),
                   "~ (operator.invert) is only implemented on integer and Boolean-type tensors");
  return wrap(ember::bitwise_not(t));
  EMBER_PY_CATCH
}
static PyObject* tensor_int(PyObject* o) {
  EMBER_PY_TRY
  const Tensor& t = tensor_of(o);
  EMBER_CHECK_VALUE(t.numel() == 1, "only one element tensors can be converted to Python scalars");
  Scalar s = t.item();
  if (s.is_floating_point()) {
    double d = s.to_double();
    EMBER_CHECK_VALUE(std::isfinite(d), "cannot convert float ", d, " to integer");
    return PyLong_FromDouble(d);
  }
  return PyLong_FromLongLong(s.to_long());
  EMBER_PY_CATCH
}
static PyObject* tensor_index(PyObject* o) {
  EMBER_PY_TRY
  const Tensor& t = tensor_of(o);
  EMBER_CHECK_TYPE(t.numel() == 1 && is_integral(t.dtype(), true),
                   "only integer tensors of a single element can be converted to an index");
  return PyLong_FromLongLong(t.item().to_long());
  EMBER_PY_CATCH
}

#define GETTER(name) static PyObject* name(PyObject* o, void*)
GETTER(get_shape) {
  EMBER_PY_TRY
  return size_object(tensor_of(o).sizes());
  EMBER_PY_CATCH
}
GETTER(get_dtype) {
  PyObject* d = dtype_object(tensor_of(o).dtype());
  Py_INCREF(d);
  return d;
}
GETTER(get_device) {
  EMBER_PY_TRY
  return device_object(tensor_of(o).device());
  EMBER_PY_CATCH
}
GETTER(get_ndim) { return PyLong_FromLongLong(tensor_of(o).dim()); }
GETTER(get_nbytes) { return PyLong_FromSize_t(tensor_of(o).nbytes()); }
GETTER(get_itemsize) { return PyLong_FromSize_t(tensor_of(o).element_size()); }
GETTER(get_is_cuda) { return PyBool_FromLong(tensor_of(o).is_cuda()); }
GETTER(get_is_cpu) { return PyBool_FromLong(tensor_of(o).is_cpu()); }
GETTER(get_is_meta) { return PyBool_FromLong(tensor_of(o).is_meta()); }
GETTER(get_version) { return PyLong_FromUnsignedLong(tensor_of(o)._version()); }
// PyTorch's Tensor._base: the tensor a view ultimately views (None for a tensor that is not a view).
GETTER(get_base) {
  EMBER_PY_TRY
  const auto& base = tensor_of(o).unsafeGetTensorImpl()->view_base();
  if (!base) Py_RETURN_NONE;
  return wrap(Tensor(base));
  EMBER_PY_CATCH
}
GETTER(get_T) {
  EMBER_PY_TRY
  const Tensor& t = tensor_of(o);
  DimVector perm;
  for (int64_t d = t.dim() - 1; d >= 0; --d) perm.push_back(d);
  return wrap(t.permute(perm));
  EMBER_PY_CATCH
}
GETTER(get_mT) {
  EMBER_PY_TRY
  const Tensor& t = tensor_of(o);
  EMBER_CHECK(t.dim() >= 2, "tensor.mT is only supported on matrices or batches of matrices. Got ", t.dim(),
              "-D tensor.");
  return wrap(t.transpose(-2, -1));
  EMBER_PY_CATCH
}
#undef GETTER

static PyGetSetDef tensor_getset_base[] = {
    {"shape", get_shape, nullptr, "The tensor's size as an ember.Size.", nullptr},
    {"dtype", get_dtype, nullptr, "The element type.", nullptr},
    {"device", get_device, nullptr, "The device holding the data.", nullptr},
    {"ndim", get_ndim, nullptr, "Number of dimensions.", nullptr},
    {"nbytes", get_nbytes, nullptr, "Bytes of the elements (numel * itemsize).", nullptr},
    {"itemsize", get_itemsize, nullptr, "Bytes per element.", nullptr},
    {"is_cuda", get_is_cuda, nullptr, "Whether the tensor is on a CUDA device.", nullptr},
    {"is_cpu", get_is_cpu, nullptr, "Whether the tensor is on the CPU.", nullptr},
    {"is_meta", get_is_meta, nullptr, "Whether the tensor is on the meta device (no memory).", nullptr},
    {"_version", get_version, nullptr, "The version counter shared with views.", nullptr},
    {"_base", get_base, nullptr, "For a view, the tensor it ultimately views; None otherwise.", nullptr},
    {"T", get_T, nullptr, "The tensor with its dims reversed (a view).", nullptr},
    {"mT", get_mT, nullptr, "The tensor with its last two dims swapped (a view).", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr}};

static PyObject* optional_dim_method(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames,
                                     const ArgParser& parser, bool stride) {
  PyObject* p[1];
  parser.parse(args, nargs, kwnames, p);
  const Tensor& t = tensor_of(self);
  if (!p[0] || p[0] == Py_None) {
    if (!stride) return size_object(t.sizes());
    PyObject* r = PyTuple_New(t.dim());
    for (int64_t i = 0; i < t.dim(); ++i) PyTuple_SET_ITEM(r, i, PyLong_FromLongLong(t.strides()[i]));
    return r;
  }
  int64_t d = to_int(p[0]);
  return PyLong_FromLongLong(stride ? t.stride(d) : t.size(d));
}
static PyObject* meth_size(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  EMBER_PY_TRY
  static const ArgParser parser("size(int? dim=None)");
  return optional_dim_method(self, args, nargs, kwnames, parser, false);
  EMBER_PY_CATCH
}
static PyObject* meth_stride(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  EMBER_PY_TRY
  static const ArgParser parser("stride(int? dim=None)");
  return optional_dim_method(self, args, nargs, kwnames, parser, true);
  EMBER_PY_CATCH
}
#define NOARGS(name) static PyObject* name(PyObject* o, PyObject*)
NOARGS(meth_dim) { return PyLong_FromLongLong(tensor_of(o).dim()); }
NOARGS(meth_is_inference) {
  const Tensor& t = tensor_of(o);
  return PyBool_FromLong(t.defined() && t.unsafeGetTensorImpl()->is_inference());
}
NOARGS(meth_numel) { return PyLong_FromLongLong(tensor_of(o).numel()); }
NOARGS(meth_is_contiguous) { return PyBool_FromLong(tensor_of(o).is_contiguous()); }
NOARGS(meth_is_floating_point) { return PyBool_FromLong(tensor_of(o).is_floating_point()); }
NOARGS(meth_storage_offset) { return PyLong_FromLongLong(tensor_of(o).storage_offset()); }
NOARGS(meth_element_size) { return PyLong_FromSize_t(tensor_of(o).element_size()); }
NOARGS(meth_data_ptr) {  // 0 for meta tensors, as PyTorch
  const Tensor& t = tensor_of(o);
  return PyLong_FromVoidPtr(t.is_meta() ? nullptr : t.data_ptr());
}
NOARGS(meth_item) {
  EMBER_PY_TRY
  Scalar s = tensor_of(o).item();
  if (s.is_bool()) return PyBool_FromLong(s.to_bool());
  if (s.is_integral()) return PyLong_FromLongLong(s.to_long());
  return PyFloat_FromDouble(s.to_double());
  EMBER_PY_CATCH
}
NOARGS(meth_cpp_str) {
  EMBER_PY_TRY
  std::ostringstream s;
  s << tensor_of(o);
  return PyUnicode_FromString(s.str().c_str());
  EMBER_PY_CATCH
}
#undef NOARGS

PyObject* tensor_numpy(PyObject* self, PyObject* args, PyObject* kwargs);  // numpy.cpp
PyObject* tensor_getitem(PyObject* self, PyObject* key);  // indexing.cpp
int tensor_setitem(PyObject* self, PyObject* key, PyObject* value);

void add_tensor_methods(Registrations& r) {
  auto fast = [](PyObject* (*f)(PyObject*, PyObject* const*, Py_ssize_t, PyObject*)) {
    return reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(f));
  };
  r.methods.push_back({"size", fast(meth_size), METH_FASTCALL | METH_KEYWORDS, "size(dim=None): shape or one size."});
  r.methods.push_back({"stride", fast(meth_stride), METH_FASTCALL | METH_KEYWORDS, "stride(dim=None): strides in elements."});
  r.methods.push_back({"dim", meth_dim, METH_NOARGS, "Number of dimensions."});
  r.methods.push_back({"is_inference", meth_is_inference, METH_NOARGS,
                       "Whether this tensor was allocated in inference mode (Note [inference tensors])."});
  r.methods.push_back({"ndimension", meth_dim, METH_NOARGS, "Number of dimensions."});
  r.methods.push_back({"numel", meth_numel, METH_NOARGS, "Number of elements."});
  r.methods.push_back({"nelement", meth_numel, METH_NOARGS, "Number of elements."});
  r.methods.push_back({"is_contiguous", meth_is_contiguous, METH_NOARGS, "Whether the layout is row-major contiguous."});
  r.methods.push_back({"is_floating_point", meth_is_floating_point, METH_NOARGS, "Whether the dtype is floating."});
  r.methods.push_back({"storage_offset", meth_storage_offset, METH_NOARGS, "Offset into the storage, in elements."});
  r.methods.push_back({"element_size", meth_element_size, METH_NOARGS, "Bytes per element."});
  r.methods.push_back({"data_ptr", meth_data_ptr, METH_NOARGS, "Address of the first element."});
  r.methods.push_back({"item", meth_item, METH_NOARGS, "The value of a one-element tensor as a Python number."});
  r.methods.push_back({"numpy", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(tensor_numpy)),
                       METH_VARARGS | METH_KEYWORDS,
                       "numpy(*, force=False): a numpy array sharing this tensor's memory (force: even when it "
                       "requires grad)."});
  r.methods.push_back({"_cpp_str", meth_cpp_str, METH_NOARGS, "The tensor as C++ (libtorch-style) printing shows it."});
}

void init_types(Registrations& r) {
  // dtype
  g_dtype_type.tp_name = "ember.dtype";
  g_dtype_type.tp_basicsize = sizeof(PyDType);
  g_dtype_type.tp_flags = Py_TPFLAGS_DEFAULT;
  g_dtype_type.tp_repr = dtype_repr;
  g_dtype_type.tp_getset = dtype_getset;
  g_dtype_type.tp_methods = dtype_methods;
  g_dtype_type.tp_doc = "The element type of a tensor (ember.float32, ember.int64, ...).";
  if (PyType_Ready(&g_dtype_type) < 0) throw PythonError();
  for (int i = 0; i < kNumScalarTypes; ++i) {
    PyObject_Init(reinterpret_cast<PyObject*>(&g_dtypes[i]), &g_dtype_type);
    g_dtypes[i].st = static_cast<ScalarType>(i);
  }
  // device
  g_device_type.tp_name = "ember.device";
  g_device_type.tp_basicsize = sizeof(PyDevice);
  g_device_type.tp_flags = Py_TPFLAGS_DEFAULT;
  g_device_type.tp_new = device_new;
  g_device_type.tp_repr = device_repr;
  g_device_type.tp_str = device_str;
  g_device_type.tp_richcompare = device_richcompare;
  g_device_type.tp_hash = device_hash;
  g_device_type.tp_getset = device_getset;
  g_device_type.tp_methods = device_methods;
  g_device_type.tp_doc = "device(type, index=None): where a tensor lives ('cpu', 'cuda:0').";
  if (PyType_Ready(&g_device_type) < 0) throw PythonError();
  // Size
  g_size_type.tp_name = "ember.Size";
  g_size_type.tp_basicsize = PyTuple_Type.tp_basicsize;
  g_size_type.tp_itemsize = PyTuple_Type.tp_itemsize;
  g_size_type.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_TUPLE_SUBCLASS;
  g_size_type.tp_base = &PyTuple_Type;
  g_size_type.tp_repr = size_repr;
  g_size_type.tp_methods = size_methods;
  g_size_type.tp_doc = "The shape of a tensor: a tuple of ints.";
  if (PyType_Ready(&g_size_type) < 0) throw PythonError();
  // Tensor
  add_tensor_methods(r);
  static std::vector<PyMethodDef> methods;
  methods = r.methods;
  methods.push_back({nullptr, nullptr, 0, nullptr});
  static PyMemberDef members[] = {
      {"__dictoffset__", T_PYSSIZET, offsetof(PyTensor, dict), READONLY, nullptr},
      {"__weaklistoffset__", T_PYSSIZET, offsetof(PyTensor, weakrefs), READONLY, nullptr},
      {nullptr, 0, 0, 0, nullptr}};
  static std::vector<PyType_Slot> slots;
  slots = r.slots;
  for (PyType_Slot& sl : slots)
    if (sl.slot == Py_nb_invert) sl.pfunc = reinterpret_cast<void*>(tensor_invert);
  slots.push_back({Py_tp_dealloc, reinterpret_cast<void*>(tensor_dealloc)});
  slots.push_back({Py_tp_traverse, reinterpret_cast<void*>(tensor_traverse)});
  slots.push_back({Py_tp_clear, reinterpret_cast<void*>(tensor_clear)});
  slots.push_back({Py_tp_new, reinterpret_cast<void*>(tensor_new)});
  slots.push_back({Py_tp_methods, methods.data()});
  static std::vector<PyGetSetDef> getset;
  for (PyGetSetDef* g = tensor_getset_base; g->name; ++g) getset.push_back(*g);
  add_autograd_getset(getset);
  getset.push_back({nullptr, nullptr, nullptr, nullptr, nullptr});
  slots.push_back({Py_tp_getset, getset.data()});
  slots.push_back({Py_tp_members, members});
  slots.push_back({Py_mp_length, reinterpret_cast<void*>(tensor_len)});
  slots.push_back({Py_tp_hash, reinterpret_cast<void*>(tensor_hash)});
  slots.push_back({Py_nb_bool, reinterpret_cast<void*>(tensor_nb_bool)});
  slots.push_back({Py_nb_float, reinterpret_cast<void*>(tensor_float)});
  slots.push_back({Py_nb_int, reinterpret_cast<void*>(tensor_int)});
  slots.push_back({Py_nb_index, reinterpret_cast<void*>(tensor_index)});
  slots.push_back({Py_mp_subscript, reinterpret_cast<void*>(tensor_getitem)});
  slots.push_back({Py_mp_ass_subscript, reinterpret_cast<void*>(tensor_setitem)});
  slots.push_back({Py_tp_doc, const_cast<char*>("A multi-dimensional array on a device (ember.Tensor).")});
  slots.push_back({0, nullptr});
  static PyType_Spec spec = {"ember.Tensor", sizeof(PyTensor), 0,
                             Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC, nullptr};
  spec.slots = slots.data();
  g_tensor_type = reinterpret_cast<PyTypeObject*>(PyType_FromSpec(&spec));
  if (!g_tensor_type) throw PythonError();
}

}  // namespace ember::py
