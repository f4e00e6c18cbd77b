// Shared pieces of the Python bindings: the Tensor/dtype/device Python types, wrapping and
// unwrapping, the argument parser used by every generated binding, and the exception mapping.
// See docs/bindings.md for why generated ops are CPython vectorcall functions, not py::cpp_function.
#pragma once
#include <Python.h>

#include <optional>
#include <string>
#include <vector>

#include "ember/ember.h"

namespace ember::py {

// ---- Python types ----------------------------------------------------------------------------------
/// The Python object of ember.Tensor: the C++ handle lives inline (Note [tensor identity]).
struct PyTensor {
  PyObject_HEAD Tensor cdata;
  PyObject* dict;
  PyObject* weakrefs;
};
struct PyDType {
  PyObject_HEAD ScalarType st;
};
struct PyDevice {
  PyObject_HEAD Device device;
};
struct PyGenerator {
  PyObject_HEAD Generator gen;
};

extern PyTypeObject* g_tensor_type;  // heap type ember.Tensor (subclassable)
extern PyTypeObject g_dtype_type;
extern PyTypeObject g_device_type;
extern PyTypeObject g_size_type;
extern PyTypeObject g_generator_type;

inline bool is_tensor(PyObject* o) { return Py_TYPE(o) == g_tensor_type || PyObject_TypeCheck(o, g_tensor_type); }
inline bool is_number(PyObject* o) { return PyFloat_Check(o) || PyLong_Check(o); }  // bool is a PyLong
inline bool is_tensor_or_number(PyObject* o) { return is_tensor(o) || is_number(o); }
inline const Tensor& tensor_of(PyObject* o) { return reinterpret_cast<PyTensor*>(o)->cdata; }

/// The Python object for t (the same object while one is alive); None for an undefined tensor.
PyObject* wrap(Tensor t);
template <class Tuple>
PyObject* wrap_tuple(const Tuple& t);
/// A named tuple (struct sequence of `type`, e.g. ember.return_types.sort) of the tensors in t.
template <class Tuple>
PyObject* wrap_named(PyTypeObject* type, const Tuple& t);
/// A tuple of the tensors of v (PyTorch returns split / chunk / unbind results as tuples).
PyObject* wrap_list(const std::vector<Tensor>& v);
/// Python objects of non-tensor results: int, float, bool, Scalar, lists of ints / floats.
PyObject* wrap_value(const Tensor& t);
PyObject* wrap_value(int64_t v);
PyObject* wrap_value(double v);
PyObject* wrap_value(bool v);
PyObject* wrap_value(const Scalar& v);
PyObject* wrap_value(const std::vector<int64_t>& v);
PyObject* wrap_value(const std::vector<double>& v);
/// A tuple of the mixed values of t.
template <class Tuple>
PyObject* wrap_values(const Tuple& t);
/// The ember.dtype singleton for st (borrowed).
PyObject* dtype_object(ScalarType st);
/// A new ember.device object.
PyObject* device_object(Device d);
/// A new ember.Size.
PyObject* size_object(IntArrayRef sizes);

// ---- converters (the parser has checked types already) -------------------------------------------------
Tensor tensor_or_scalar(PyObject* o);  // numbers become wrapped-number 0-d tensors
std::optional<Tensor> opt_tensor(PyObject* o);
std::vector<Tensor> tensor_list(PyObject* o);
Scalar to_scalar(PyObject* o);
std::optional<Scalar> opt_scalar(PyObject* o);
int64_t to_int(PyObject* o);
std::optional<int64_t> opt_int(PyObject* o);
DimVector to_intlist(PyObject* o);
/// A fixed-size int list (int[2]): a single int is repeated n times.
DimVector to_intlist(PyObject* o, size_t n);
std::optional<DimVector> opt_intlist(PyObject* o);
std::optional<DimVector> opt_intlist(PyObject* o, size_t n);
double to_double(PyObject* o);
std::optional<double> opt_double(PyObject* o);
bool to_bool(PyObject* o);
std::string to_string(PyObject* o);
std::optional<std::string> opt_string(PyObject* o);
ScalarType to_dtype(PyObject* o);
std::optional<ScalarType> opt_dtype(PyObject* o);
Device to_device(PyObject* o);
std::optional<Device> opt_device(PyObject* o);
std::optional<Generator> opt_generator(PyObject* o);
TensorOptions factory_options(PyObject* dtype, PyObject* device, PyObject* requires_grad);

/// Thrown after a Python error has been set (the catch block just returns nullptr).
struct PythonError {};

/// Parses a PyTorch-style signature once, e.g. "add(Tensor input, TensorOrScalar other, *, Scalar
/// alpha=1, Tensor? out=None)", then matches vectorcall arguments against it: positional first,
/// then keywords by interned-name identity (string compare as fallback). Checks each argument's
/// type, raising TypeError worded as PyTorch's. A leading int[] accepts varargs: view(2, 3).
class ArgParser {
 public:
  explicit ArgParser(const char* signature);
  /// Fills out[i] with the borrowed object for parameter i, or nullptr where it was not given.
  void parse(PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames, PyObject** out) const;
  /// As parse, but returns false (no Python error set) when the arguments do not fit.
  bool match(PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames, PyObject** out) const;
  /// "(Tensor input, int dim, bool keepdim = False)", for error messages.
  std::string signature_text() const;

 private:
  struct Param {
    std::string name;
    std::string type;
    PyObject* interned;
    bool optional;     // has a default
    bool kwarg_only;
    bool allow_none;   // "None" default or a `?` type
    std::string default_text;
  };
  bool parse_impl(PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames, PyObject** out, bool raise) const;
  bool varargs_item_ok(PyObject* o) const;
  bool type_ok(const Param& p, PyObject* o) const;
  [[noreturn]] void type_error(const Param& p, size_t pos, PyObject* o) const;
  std::string name_;
  std::vector<Param> params_;
  size_t max_positional_;
  bool varargs_;
  size_t varargs_index_;
};

/// The overloads of one Python name (max(input), max(input, dim, keepdim), max(input, other)), tried in
/// schema order: the first whose parser accepts the arguments wins (PyTorch's rule). When none does,
/// raises TypeError "max() received an invalid combination of arguments - got (...), but expected one of:"
/// followed by the signatures.
class OverloadSet {
 public:
  OverloadSet(const char* name, const ArgParser* parsers, size_t n) : name_(name), parsers_(parsers), n_(n) {}
  /// The index of the chosen overload; out as in ArgParser::parse.
  int parse(PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames, PyObject** out) const;

 private:
  std::string name_;
  const ArgParser* parsers_;
  size_t n_;
};

/// Overload introspection (ember._C._python_overload): while set, generated bindings parse their
/// arguments, record the chosen entry's qualified name ("aten::max.dim") and return None uncalled.
extern thread_local bool t_resolve_only;
extern thread_local const char* t_resolved;
PyObject* report_overload(const char* qualified);

/// What generated binding files contribute: module functions, Tensor methods, number slots.
struct Registrations {
  std::vector<std::pair<const char*, PyTypeObject* (*)()>> return_types;  // ember.return_types.<name>
  std::vector<PyMethodDef> functions;
  std::vector<PyMethodDef> methods;
  std::vector<PyType_Slot> slots;
};

/// The boxed value of a Python value, faithfully: tuple -> tuple, list -> generic list, dict ->
/// dict, ScriptObject -> Object (Note [IValues from Python]).
IValue ivalue_from_py(PyObject* o);
/// The boxed value of an op argument: sequences of ints / numbers / tensors become int[] / float[] /
/// Tensor[] as the schema's list types (calls through the op registry).
IValue ivalue_arg_from_py(PyObject* o);
/// The Python object for a boxed value (new reference): tuple, list, dict, ScriptObject ...
PyObject* ivalue_to_py(const IValue& v);
/// ember._C.ScriptObject, the Python face of an ivalue::Object (bindings/ivalue.cpp): a new
/// reference; and the Object of a ScriptObject (null for anything else).
PyObject* object_to_py(std::shared_ptr<ivalue::Object> o);
std::shared_ptr<ivalue::Object> object_from_py(PyObject* o);

/// Sets the Python exception matching the C++ one that is being handled (inside a catch block).
void translate_exception();

/// Note [GIL release]: the generated bindings run an op without the GIL when its work is large (the
/// elements of its tensor arguments, or of a factory's size, reach kWork), so other Python threads run
/// meanwhile; small ops (S1) pay a few loads and keep the GIL. Everything an op may call back into
/// Python (Python kernels, observers, hooks) takes the GIL itself.
class MaybeNoGil {
 public:
  static constexpr int64_t kWork = int64_t{1} << 15;
  explicit MaybeNoGil(int64_t work) {
    if (work >= kWork) save_ = PyEval_SaveThread();
  }
  ~MaybeNoGil() {
    if (save_) PyEval_RestoreThread(save_);
  }
  MaybeNoGil(const MaybeNoGil&) = delete;
  MaybeNoGil& operator=(const MaybeNoGil&) = delete;
  static int64_t work(std::initializer_list<const Tensor*> ts) {
    int64_t n = 0;
    for (const Tensor* t : ts)
      if (t->defined()) n += t->numel();
    return n;
  }
  static int64_t work(IntArrayRef size) {
    int64_t n = 1;
    for (int64_t d : size) n = d > 0 && n < kWork ? n * d : (d <= 0 ? 0 : n);
    return n;
  }
  static int64_t work(TensorList ts) {
    int64_t n = 0;
    for (const Tensor& t : ts) n += t.defined() ? t.numel() : 0;
    return n;
  }

 private:
  PyThreadState* save_ = nullptr;
};

}  // namespace ember::py

#define EMBER_PY_TRY try {
#define EMBER_PY_CATCH                  \
  }                                     \
  catch (...) {                         \
    ::ember::py::translate_exception(); \
    return nullptr;                     \
  }

template <class Tuple>
PyObject* ember::py::wrap_tuple(const Tuple& t) {
  constexpr size_t n = std::tuple_size<Tuple>::value;
  PyObject* r = PyTuple_New(n);
  size_t i = 0;
  std::apply([&](const auto&... x) { ((PyTuple_SET_ITEM(r, i++, wrap(x))), ...); }, t);
  return r;
}

template <class Tuple>
PyObject* ember::py::wrap_values(const Tuple& t) {
  constexpr size_t n = std::tuple_size<Tuple>::value;
  PyObject* r = PyTuple_New(n);
  size_t i = 0;
  std::apply([&](const auto&... x) { ((PyTuple_SET_ITEM(r, i++, wrap_value(x))), ...); }, t);
  return r;
}

template <class Tuple>
PyObject* ember::py::wrap_named(PyTypeObject* type, const Tuple& t) {
  PyObject* r = PyStructSequence_New(type);
  if (!r) throw PythonError{};
  Py_ssize_t i = 0;
  std::apply([&](const auto&... x) { ((PyStructSequence_SetItem(r, i++, wrap(x))), ...); }, t);
  return r;
}
