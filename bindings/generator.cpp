// ember.Generator: a Python handle to a counter-based generator (docs/random.md).
#include "arg_parser.h"

#include <cstdlib>
#include <cstring>
#include <ctime>

namespace ember::py {

PyTypeObject g_generator_type = {PyVarObject_HEAD_INIT(nullptr, 0)};

static PyObject* make_generator(Generator g) {
  auto* o = PyObject_New(PyGenerator, &g_generator_type);
  if (!o) return nullptr;
  new (&o->gen) Generator(std::move(g));
  return reinterpret_cast<PyObject*>(o);
}

static PyObject* gen_new(PyTypeObject*, PyObject* args, PyObject* kwargs) {
  EMBER_PY_TRY
  static const char* kw[] = {"device", nullptr};
  PyObject* dev = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O:Generator", const_cast<char**>(kw), &dev)) return nullptr;
  Device d = dev == Py_None ? Device(kCPU) : to_device(dev);
  EMBER_CHECK(d.is_cpu(), "Generator: device ", d, " is not available (ember was built without CUDA support)");
  return make_generator(Generator(67280421310721ULL, d));
  EMBER_PY_CATCH
}
static void gen_dealloc(PyObject* o) {
  reinterpret_cast<PyGenerator*>(o)->gen.~Generator();
  Py_TYPE(o)->tp_free(o);
}
static Generator& gen_of(PyObject* o) { return reinterpret_cast<PyGenerator*>(o)->gen; }

static uint64_t seed_arg(PyObject* s) {
  // PyTorch accepts any Python int; negative seeds wrap to uint64.
  unsigned long long v = PyLong_AsUnsignedLongLongMask(s);
  if (PyErr_Occurred()) throw PythonError();
  return v;
}
static PyObject* gen_manual_seed(PyObject* self, PyObject* s) {
  EMBER_PY_TRY
  if (!PyLong_Check(s)) {
    PyErr_SetString(PyExc_TypeError, "manual_seed expected an int");
    return nullptr;
  }
  gen_of(self).set_current_seed(seed_arg(s));
  Py_INCREF(self);
  return self;
  EMBER_PY_CATCH
}
static PyObject* gen_seed(PyObject* self, PyObject*) {
  uint64_t s = (static_cast<uint64_t>(std::rand()) << 33) ^ (static_cast<uint64_t>(std::rand()) << 11) ^
               static_cast<uint64_t>(reinterpret_cast<uintptr_t>(self)) ^ static_cast<uint64_t>(time(nullptr));
  gen_of(self).set_current_seed(s);
  return PyLong_FromUnsignedLongLong(s);
}
static PyObject* gen_initial_seed(PyObject* self, PyObject*) {
  return PyLong_FromUnsignedLongLong(gen_of(self).current_seed());
}
/// The state is 16 bytes (seed, offset as little-endian uint64) in a uint8 tensor, as PyTorch's is
/// a uint8 tensor.
static PyObject* gen_get_state(PyObject* self, PyObject*) {
  EMBER_PY_TRY
  Tensor t = empty({16}, TensorOptions(kUInt8));
  uint64_t v[2] = {gen_of(self)->seed(), gen_of(self)->offset()};
  std::memcpy(t.data_ptr(), v, 16);
  return wrap(std::move(t));
  EMBER_PY_CATCH
}
static PyObject* gen_set_state(PyObject* self, PyObject* st) {
  EMBER_PY_TRY
  EMBER_CHECK_TYPE(is_tensor(st), "set_state: expected a uint8 Tensor (from get_state())");
  const Tensor& t = tensor_of(st);
  EMBER_CHECK(t.dtype() == kUInt8 && t.numel() == 16 && t.is_contiguous(),
              "set_state: expected the 16-byte uint8 state returned by get_state(), got a tensor of dtype ", t.dtype(),
              " and shape ", t.sizes());
  uint64_t v[2];
  std::memcpy(v, t.data_ptr(), 16);
  gen_of(self)->set_state(v[0], v[1]);
  Py_INCREF(self);
  return self;
  EMBER_PY_CATCH
}
static PyObject* gen_device(PyObject* self, void*) {
  EMBER_PY_TRY
  return device_object(gen_of(self)->device());
  EMBER_PY_CATCH
}

static PyMethodDef gen_methods[] = {
    {"manual_seed", gen_manual_seed, METH_O, "Seeds the generator (and rewinds its counter); returns it."},
    {"seed", gen_seed, METH_NOARGS, "Seeds the generator non-deterministically; returns the seed."},
    {"initial_seed", gen_initial_seed, METH_NOARGS, "The seed last set."},
    {"get_state", gen_get_state, METH_NOARGS, "The state as a 16-byte uint8 tensor (seed, offset)."},
    {"set_state", gen_set_state, METH_O, "Restores a state from get_state()."},
    {nullptr, nullptr, 0, nullptr}};
static PyGetSetDef gen_getset[] = {{"device", gen_device, nullptr, "The generator's device.", nullptr},
                                   {nullptr, nullptr, nullptr, nullptr, nullptr}};

PyObject* init_generator_type() {
  g_generator_type.tp_name = "ember.Generator";
  g_generator_type.tp_basicsize = sizeof(PyGenerator);
  g_generator_type.tp_flags = Py_TPFLAGS_DEFAULT;
  g_generator_type.tp_new = gen_new;
  g_generator_type.tp_dealloc = gen_dealloc;
  g_generator_type.tp_methods = gen_methods;
  g_generator_type.tp_getset = gen_getset;
  g_generator_type.tp_doc = "Generator(device='cpu'): a counter-based (Philox4x32-10) random number generator.";
  if (PyType_Ready(&g_generator_type) < 0) throw PythonError();
  return make_generator(default_generator());  // ember.default_generator: shares the C++ default's state
}

}  // namespace ember::py
