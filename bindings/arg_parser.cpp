#include "arg_parser.h"

#include <cstring>
#include <new>

namespace ember::py {

namespace {
const char* py_type_name(const std::string& t) {
  if (t == "Tensor" || t == "Tensor?" || t == "TensorOrScalar") return "Tensor";
  if (t == "Scalar" || t == "Scalar?") return "Number";
  if (t == "int" || t == "int?") return "int";
  if (t.rfind("int[", 0) == 0) return "tuple of ints";
  if (t == "float" || t == "float?") return "float";
  if (t == "bool") return "bool";
  if (t == "str" || t == "str?") return "str";
  if (t == "ScalarType" || t == "ScalarType?") return "ember.dtype";
  if (t == "Device" || t == "Device?") return "ember.device";
  if (t == "Tensor[]") return "tuple of Tensors";
  if (t == "Generator?") return "ember.Generator";
  return t.c_str();
}

// An int is not a bool (as PyTorch: sum(True) matches no overload); numpy integers and __index__ objects are.
bool is_int(PyObject* o) {
  if (PyLong_Check(o)) return !PyBool_Check(o);
  return !PyFloat_Check(o) && !is_tensor(o) && PyIndex_Check(o);
}
bool is_num(PyObject* o) {
  return is_number(o) || (!is_tensor(o) && PyNumber_Check(o) && !PySequence_Check(o));
}
bool is_intlist(PyObject* o) {
  if (is_int(o)) return true;
  if (!PyTuple_Check(o) && !PyList_Check(o)) return false;
  Py_ssize_t n = PySequence_Fast_GET_SIZE(o);
  PyObject** items = PySequence_Fast_ITEMS(o);
  for (Py_ssize_t i = 0; i < n; ++i)
    if (!is_int(items[i])) return false;
  return true;
}

thread_local PyObject* t_varargs = nullptr;  // keeps a varargs int tuple alive until the next parse
}  // namespace

ArgParser::ArgParser(const char* signature) : max_positional_(0), varargs_(false), varargs_index_(0) {
  std::string s(signature);
  size_t lp = s.find('('), rp = s.rfind(')');
  name_ = s.substr(0, lp);
  std::string body = s.substr(lp + 1, rp - lp - 1);
  bool kw = false;
  size_t start = 0;
  while (start <= body.size()) {
    size_t comma = body.find(',', start);
    std::string part = body.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? body.size() + 1 : comma + 1;
    while (!part.empty() && part.front() == ' ') part.erase(0, 1);
    while (!part.empty() && part.back() == ' ') part.pop_back();
    if (part.empty()) continue;
    if (part == "*") {
      kw = true;
      continue;
    }
    size_t sp = part.find(' ');
    Param p;
    p.type = part.substr(0, sp);
    std::string rest = part.substr(sp + 1);
    size_t eq = rest.find('=');
    p.name = rest.substr(0, eq);
    p.optional = eq != std::string::npos;
    if (p.optional) p.default_text = rest.substr(eq + 1);
    p.allow_none = p.type.back() == '?' || (p.optional && rest.substr(eq + 1) == "None");
    p.kwarg_only = kw;
    p.interned = PyUnicode_InternFromString(p.name.c_str());
    if (!kw) ++max_positional_;
    params_.push_back(p);
  }
  // A leading int[] takes varargs (view(2, 3)), but not when a second int list follows (movedim(0, 1),
  // roll(1, 0)): the ints are separate arguments. A Tensor[] marked "Tensor..." (schema `varargs: true`)
  // takes the tensors as separate arguments (einsum("ij,jk", a, b), meshgrid(a, b)).
  varargs_ = !params_.empty() && params_[0].type == "int[]" && !params_[0].kwarg_only &&
             !(params_.size() > 1 && params_[1].type.rfind("int[]", 0) == 0 && !params_[1].kwarg_only);
  varargs_index_ = 0;
  for (size_t i = 0; i < params_.size(); ++i) {
    if (params_[i].type == "Tensor...") {
      params_[i].type = "Tensor[]";
      varargs_ = true;
      varargs_index_ = i;
    }
  }
}

bool ArgParser::type_ok(const Param& p, PyObject* o) const {
  if (o == Py_None) return p.allow_none;
  const std::string& t = p.type;
  switch (t[0]) {
    case 'T':
      if (t == "TensorOrScalar") return is_tensor(o) || is_num(o);
      if (t == "Tensor[]") {
        if (!PyTuple_Check(o) && !PyList_Check(o)) return false;
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(o); ++i)
          if (!is_tensor(PySequence_Fast_ITEMS(o)[i])) return false;
        return true;
      }
      return is_tensor(o);
    case 'S':
      if (t[1] == 'c' && t[6] == 'T') return Py_TYPE(o) == &g_dtype_type;  // ScalarType
      return is_num(o);
    case 'i':
      if (t.size() >= 5 && t[3] == '[') return is_intlist(o);
      return is_int(o);
    case 'f':
      return is_num(o);
    case 'b':
      return PyBool_Check(o);
    case 's':
      return PyUnicode_Check(o);
    case 'P':  // PyObject: anything
      return true;
    case 'G':
      return PyObject_TypeCheck(o, &g_generator_type);
    case 'D':
      return Py_TYPE(o) == &g_device_type || PyUnicode_Check(o) || PyLong_Check(o);
  }
  return false;
}

void ArgParser::type_error(const Param& p, size_t pos, PyObject* o) const {
  if (p.kwarg_only || pos == SIZE_MAX)
    PyErr_Format(PyExc_TypeError, "%s(): argument '%s' must be %s, not %s", name_.c_str(), p.name.c_str(),
                 py_type_name(p.type), Py_TYPE(o)->tp_name);
  else
    PyErr_Format(PyExc_TypeError, "%s(): argument '%s' (position %zu) must be %s, not %s", name_.c_str(),
                 p.name.c_str(), pos + 1, py_type_name(p.type), Py_TYPE(o)->tp_name);
  throw PythonError();
}

void ArgParser::parse(PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames, PyObject** out) const {
  parse_impl(args, nargs, kwnames, out, true);
}

bool ArgParser::match(PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames, PyObject** out) const {
  return parse_impl(args, nargs, kwnames, out, false);
}

// raise: set a TypeError worded as PyTorch's and throw; otherwise return false at the first mismatch.
bool ArgParser::parse_impl(PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames, PyObject** out,
                           bool raise) const {
  size_t n = params_.size();
  for (size_t i = 0; i < n; ++i) out[i] = nullptr;
  size_t np = static_cast<size_t>(nargs);
  PyObject* const* kwvals = args + np;
  if (varargs_ && np > varargs_index_ && varargs_item_ok(args[varargs_index_]) &&
      (np > varargs_index_ + 1 || max_positional_ == varargs_index_ + 1)) {
    // view(2, 3) / einsum("ij,jk", a, b): the run of positionals of the list's element type starting at
    // the list parameter belongs to it (when it reaches the end, or the list is the last positional).
    size_t first = varargs_index_, k = first;
    while (k < np && varargs_item_ok(args[k])) ++k;
    if (max_positional_ == first + 1 || k == np) {
      for (size_t i = 0; i < first; ++i) {
        if (!type_ok(params_[i], args[i])) {
          if (!raise) return false;
          type_error(params_[i], i, args[i]);
        }
        out[i] = args[i];
      }
      PyObject* tup = PyTuple_New(static_cast<Py_ssize_t>(k - first));
      for (size_t i = first; i < k; ++i) {
        Py_INCREF(args[i]);
        PyTuple_SET_ITEM(tup, i - first, args[i]);
      }
      Py_XDECREF(t_varargs);
      t_varargs = tup;
      out[first] = tup;
      for (size_t i = k; i < np; ++i) {
        size_t pi = first + 1 + (i - k);
        if (pi >= max_positional_) {
          if (!raise) return false;
          PyErr_Format(PyExc_TypeError, "%s() takes %zu positional arguments but %zu were given", name_.c_str(),
                       max_positional_, np);
          throw PythonError();
        }
        if (!type_ok(params_[pi], args[i])) {
          if (!raise) return false;
          type_error(params_[pi], pi, args[i]);
        }
        out[pi] = args[i];
      }
      goto keywords;
    }
  }
  if (np > max_positional_) {
    if (!raise) return false;
    PyErr_Format(PyExc_TypeError, "%s() takes %zu positional argument%s but %zu were given", name_.c_str(),
                 max_positional_, max_positional_ == 1 ? "" : "s", np);
    throw PythonError();
  }
  for (size_t i = 0; i < np; ++i) {
    if (!type_ok(params_[i], args[i])) {
      if (!raise) return false;
      type_error(params_[i], i, args[i]);
    }
    out[i] = args[i];
  }
keywords:
  if (kwnames) {
    Py_ssize_t nk = PyTuple_GET_SIZE(kwnames);
    for (Py_ssize_t j = 0; j < nk; ++j) {
      PyObject* key = PyTuple_GET_ITEM(kwnames, j);
      size_t i = 0;
      for (; i < n; ++i)
        if (params_[i].interned == key) break;
      if (i == n)
        for (i = 0; i < n; ++i)
          if (PyUnicode_Compare(params_[i].interned, key) == 0) break;
      if (i == n) {
        if (!raise) return false;
        PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%U'", name_.c_str(), key);
        throw PythonError();
      }
      if (out[i]) {
        if (!raise) return false;
        PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%s'", name_.c_str(),
                     params_[i].name.c_str());
        throw PythonError();
      }
      if (!type_ok(params_[i], kwvals[j])) {
        if (!raise) return false;
        type_error(params_[i], SIZE_MAX, kwvals[j]);
      }
      out[i] = kwvals[j];
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (!out[i] && !params_[i].optional) {
      if (!raise) return false;
      PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s' (pos %zu)", name_.c_str(),
                   params_[i].name.c_str(), i + 1);
      throw PythonError();
    }
  }
  return true;
}

bool ArgParser::varargs_item_ok(PyObject* o) const {
  return params_[varargs_index_].type == "Tensor[]" ? is_tensor(o) : is_int(o);
}
std::string ArgParser::signature_text() const {
  std::string s = "(";
  bool kw = false;
  for (size_t i = 0; i < params_.size(); ++i) {
    const Param& p = params_[i];
    if (i) s += ", ";
    if (p.kwarg_only && !kw) {
      s += "*, ";
      kw = true;
    }
    s += py_type_name(p.type);
    s += " " + p.name;
    if (p.optional) s += " = " + p.default_text;
  }
  return s + ")";
}

int OverloadSet::parse(PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames, PyObject** out) const {
  for (size_t i = 0; i < n_; ++i)
    if (parsers_[i].match(args, nargs, kwnames, out)) return static_cast<int>(i);
  // No overload takes these arguments: PyTorch's message, listing the accepted signatures.
  std::string got;
  for (Py_ssize_t i = 0; i < nargs; ++i) {
    if (i) got += ", ";
    got += is_tensor(args[i]) ? "Tensor" : Py_TYPE(args[i])->tp_name;
  }
  if (kwnames) {
    for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(kwnames); ++j) {
      if (!got.empty()) got += ", ";
      const char* k = PyUnicode_AsUTF8(PyTuple_GET_ITEM(kwnames, j));
      PyObject* v = args[nargs + j];
      got += std::string(k ? k : "?") + "=" + (is_tensor(v) ? "Tensor" : Py_TYPE(v)->tp_name);
    }
  }
  std::string msg = name_ + "() received an invalid combination of arguments - got (" + got +
                    "), but expected one of:";
  for (size_t i = 0; i < n_; ++i) msg += "\n * " + parsers_[i].signature_text();
  PyErr_SetString(PyExc_TypeError, msg.c_str());
  throw PythonError();
}

thread_local bool t_resolve_only = false;
thread_local const char* t_resolved = nullptr;

PyObject* report_overload(const char* qualified) {
  t_resolved = qualified;
  Py_RETURN_NONE;
}

// ---- converters ---------------------------------------------------------------------------------------
static int64_t as_int64(PyObject* o) {
  long long v = PyLong_Check(o) ? PyLong_AsLongLong(o) : -1;
  if (!PyLong_Check(o)) {
    PyObject* idx = PyNumber_Index(o);
    if (!idx) throw PythonError();
    v = PyLong_AsLongLong(idx);
    Py_DECREF(idx);
  }
  if (v == -1 && PyErr_Occurred()) throw PythonError();
  return v;
}

Scalar to_scalar(PyObject* o) {
  if (PyBool_Check(o)) return Scalar(o == Py_True);
  if (PyLong_Check(o)) return Scalar(as_int64(o));
  if (PyFloat_Check(o)) return Scalar(PyFloat_AS_DOUBLE(o));
  if (PyIndex_Check(o)) return Scalar(as_int64(o));
  double d = PyFloat_AsDouble(o);
  if (d == -1 && PyErr_Occurred()) throw PythonError();
  return Scalar(d);
}
std::optional<Scalar> opt_scalar(PyObject* o) {
  if (!o || o == Py_None) return std::nullopt;
  return to_scalar(o);
}
Tensor tensor_or_scalar(PyObject* o) {
  if (is_tensor(o)) return tensor_of(o);
  return scalar_to_tensor(to_scalar(o));
}
std::optional<Tensor> opt_tensor(PyObject* o) {
  if (!o || o == Py_None) return std::nullopt;
  return tensor_of(o);
}
std::vector<Tensor> tensor_list(PyObject* o) {
  std::vector<Tensor> v;
  Py_ssize_t n = PySequence_Fast_GET_SIZE(o);
  for (Py_ssize_t i = 0; i < n; ++i) v.push_back(tensor_of(PySequence_Fast_ITEMS(o)[i]));
  return v;
}
int64_t to_int(PyObject* o) { return as_int64(o); }
std::optional<int64_t> opt_int(PyObject* o) {
  if (!o || o == Py_None) return std::nullopt;
  return as_int64(o);
}
DimVector to_intlist(PyObject* o) {
  DimVector v;
  if (!PyTuple_Check(o) && !PyList_Check(o)) {
    v.push_back(as_int64(o));
    return v;
  }
  Py_ssize_t n = PySequence_Fast_GET_SIZE(o);
  PyObject** items = PySequence_Fast_ITEMS(o);
  for (Py_ssize_t i = 0; i < n; ++i) v.push_back(as_int64(items[i]));
  return v;
}
std::optional<DimVector> opt_intlist(PyObject* o) {
  if (!o || o == Py_None) return std::nullopt;
  return to_intlist(o);
}
DimVector to_intlist(PyObject* o, size_t n) {
  if (!PyTuple_Check(o) && !PyList_Check(o)) return DimVector(n, as_int64(o));
  return to_intlist(o);
}
std::optional<DimVector> opt_intlist(PyObject* o, size_t n) {
  if (!o || o == Py_None) return std::nullopt;
  return to_intlist(o, n);
}

PyObject* wrap_list(const std::vector<Tensor>& v) {
  PyObject* r = PyTuple_New(static_cast<Py_ssize_t>(v.size()));
  for (size_t i = 0; i < v.size(); ++i) PyTuple_SET_ITEM(r, i, wrap(v[i]));
  return r;
}
PyObject* wrap_value(const Tensor& t) { return wrap(t); }
PyObject* wrap_value(int64_t v) { return PyLong_FromLongLong(v); }
PyObject* wrap_value(double v) { return PyFloat_FromDouble(v); }
PyObject* wrap_value(bool v) { return PyBool_FromLong(v ? 1 : 0); }
PyObject* wrap_value(const Scalar& v) {
  if (v.is_bool()) return wrap_value(v.to_bool());
  if (v.is_integral()) return wrap_value(v.to_long());
  return wrap_value(v.to_double());
}
PyObject* wrap_value(const std::vector<int64_t>& v) {
  PyObject* r = PyList_New(static_cast<Py_ssize_t>(v.size()));
  for (size_t i = 0; i < v.size(); ++i) PyList_SET_ITEM(r, i, PyLong_FromLongLong(v[i]));
  return r;
}
PyObject* wrap_value(const std::vector<double>& v) {
  PyObject* r = PyList_New(static_cast<Py_ssize_t>(v.size()));
  for (size_t i = 0; i < v.size(); ++i) PyList_SET_ITEM(r, i, PyFloat_FromDouble(v[i]));
  return r;
}
double to_double(PyObject* o) {
  double d = PyFloat_AsDouble(o);
  if (d == -1 && PyErr_Occurred()) throw PythonError();
  return d;
}
std::optional<double> opt_double(PyObject* o) {
  if (!o || o == Py_None) return std::nullopt;
  return to_double(o);
}
bool to_bool(PyObject* o) { return o == Py_True; }
std::string to_string(PyObject* o) {
  const char* s = PyUnicode_AsUTF8(o);
  if (!s) throw PythonError();
  return s;
}
std::optional<std::string> opt_string(PyObject* o) {
  if (!o || o == Py_None) return std::nullopt;
  return to_string(o);
}
ScalarType to_dtype(PyObject* o) { return reinterpret_cast<PyDType*>(o)->st; }
std::optional<ScalarType> opt_dtype(PyObject* o) {
  if (!o || o == Py_None) return std::nullopt;
  return to_dtype(o);
}
Device to_device(PyObject* o) {
  if (Py_TYPE(o) == &g_device_type) return reinterpret_cast<PyDevice*>(o)->device;
  if (PyLong_Check(o)) {
    int64_t i = as_int64(o);
    EMBER_CHECK(i >= 0, "Device index must not be negative");
    return Device(DeviceType::CUDA, static_cast<int>(i));
  }
  return Device(to_string(o));
}
std::optional<Device> opt_device(PyObject* o) {
  if (!o || o == Py_None) return std::nullopt;
  return to_device(o);
}
std::optional<Generator> opt_generator(PyObject* o) {
  if (!o || o == Py_None) return std::nullopt;
  return reinterpret_cast<PyGenerator*>(o)->gen;
}
TensorOptions factory_options(PyObject* dtype, PyObject* device, PyObject* requires_grad) {
  return TensorOptions().dtype(opt_dtype(dtype)).device(opt_device(device)).requires_grad(
      requires_grad && requires_grad == Py_True);
}

namespace {
// Note [IValues from Python]: two readings of a Python value. ivalue_from_py is faithful (a tuple
// becomes a tuple, a list a generic list, a dict a dict: what the JIT and observers store);
// ivalue_arg_from_py reads an op argument, where a sequence of ints, numbers or tensors is the
// typed list the schema asks for (int[], float[], Tensor[]), as the generated parsers read them.
IValue from_py(PyObject* o, bool as_arg) {
  if (o == Py_None) return IValue();
  if (is_tensor(o)) return IValue(tensor_of(o));
  if (PyBool_Check(o)) return IValue(o == Py_True);
  if (PyLong_Check(o)) return IValue(as_int64(o));
  if (PyFloat_Check(o)) return IValue(PyFloat_AS_DOUBLE(o));
  if (PyUnicode_Check(o)) return IValue(to_string(o));
  if (Py_TYPE(o) == &g_dtype_type) return IValue(to_dtype(o));
  if (Py_TYPE(o) == &g_device_type) return IValue(to_device(o));
  if (PyObject_TypeCheck(o, &g_generator_type)) return IValue(reinterpret_cast<PyGenerator*>(o)->gen);
  if (PyTuple_Check(o) || PyList_Check(o)) {
    Py_ssize_t n = PySequence_Fast_GET_SIZE(o);
    PyObject** items = PySequence_Fast_ITEMS(o);
    if (as_arg) {
      bool tensors = n > 0, numbers = true;
      for (Py_ssize_t i = 0; i < n; ++i) {
        tensors = tensors && is_tensor(items[i]);
        numbers = numbers && is_num(items[i]) && !is_tensor(items[i]);
      }
      if (tensors) return IValue(tensor_list(o));
      if (is_intlist(o)) {
        DimVector v = to_intlist(o);
        return IValue(std::vector<int64_t>(v.begin(), v.end()));
      }
      if (numbers) {
        std::vector<double> d;
        for (Py_ssize_t i = 0; i < n; ++i) d.push_back(to_double(items[i]));
        return IValue(std::move(d));
      }
    }
    std::vector<IValue> e;
    e.reserve(static_cast<size_t>(n));
    for (Py_ssize_t i = 0; i < n; ++i) e.push_back(from_py(items[i], as_arg));
    if (PyTuple_Check(o)) return IValue(ivalue::Tuple::create(std::move(e)));
    return IValue(GenericList(std::move(e)));
  }
  if (PyDict_Check(o)) {
    GenericDict d;
    PyObject *k, *v;
    Py_ssize_t pos = 0;
    while (PyDict_Next(o, &pos, &k, &v)) d.insert_or_assign(from_py(k, false), from_py(v, as_arg));
    return IValue(std::move(d));
  }
  if (auto obj = object_from_py(o)) return IValue(std::move(obj));
  if (PyIndex_Check(o)) return IValue(as_int64(o));
  PyErr_Format(PyExc_TypeError, "cannot pass a %s through the op registry", Py_TYPE(o)->tp_name);
  throw PythonError();
}

PyObject* steal_checked(PyObject* r) {
  if (!r) throw PythonError();
  return r;
}
}  // namespace

IValue ivalue_from_py(PyObject* o) { return from_py(o, false); }
IValue ivalue_arg_from_py(PyObject* o) { return from_py(o, true); }

PyObject* ivalue_to_py(const IValue& v) {
  if (v.isNone()) Py_RETURN_NONE;
  if (v.isTensor()) return wrap(v.toTensor());
  if (v.isBool()) return wrap_value(v.toBool());
  if (v.isInt()) return wrap_value(v.toInt());
  if (v.isDouble()) return wrap_value(v.toDouble());
  if (v.isTensorList()) return wrap_list(v.toTensorVector());
  if (v.isIntList()) return wrap_value(v.toIntVector());
  if (v.isDoubleList()) return wrap_value(v.toDoubleVector());
  if (v.isString()) return PyUnicode_FromString(v.toStringRef().c_str());
  if (v.isScalarType()) {
    PyObject* d = dtype_object(v.toScalarType());
    Py_INCREF(d);
    return d;
  }
  if (v.isDevice()) return device_object(v.toDevice());
  if (v.isTuple() || v.isList()) {
    const std::vector<IValue>& e = v.isTuple() ? v.toTupleRef().elements() : v.toListRef();
    auto n = static_cast<Py_ssize_t>(e.size());
    PyObject* r = steal_checked(v.isTuple() ? PyTuple_New(n) : PyList_New(n));
    for (Py_ssize_t i = 0; i < n; ++i) {
      PyObject* x;
      try {
        x = ivalue_to_py(e[static_cast<size_t>(i)]);
      } catch (...) {
        Py_DECREF(r);
        throw;
      }
      if (v.isTuple()) PyTuple_SET_ITEM(r, i, x);
      else PyList_SET_ITEM(r, i, x);
    }
    return r;
  }
  if (v.isGenericDict()) {
    PyObject* r = steal_checked(PyDict_New());
    try {
      for (const auto& [k, x] : v.toGenericDict()) {
        PyObject* pk = ivalue_to_py(k);
        PyObject* px = ivalue_to_py(x);
        int rc = PyDict_SetItem(r, pk, px);
        Py_DECREF(pk);
        Py_DECREF(px);
        if (rc < 0) throw PythonError();
      }
    } catch (...) {
      Py_DECREF(r);
      throw;
    }
    return r;
  }
  if (v.isObject()) return object_to_py(v.toObject());
  if (v.isGenerator()) {
    auto* g = PyObject_New(PyGenerator, &g_generator_type);
    if (!g) throw PythonError();
    new (&g->gen) Generator(v.toGenerator());
    return reinterpret_cast<PyObject*>(g);
  }
  PyErr_Format(PyExc_TypeError, "cannot return a %s from the op registry", v.tagName());
  throw PythonError();
}

void translate_exception() {
  try {
    throw;
  } catch (const PythonError&) {
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
  } catch (const std::bad_alloc&) {
    PyErr_NoMemory();
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  }
}

}  // namespace ember::py
