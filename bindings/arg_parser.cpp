#include "arg_parser.h"

#include <cstring>
#include <new>

namespace ember::py {

namespace {
const char* py_type_name(const std::string& t) {
  if (t == "Tensor" || t == "Tensor?" || t == "TensorOrScalar") return "Tensor";
  if (t == "Scalar" || t == "Scalar?") return "Number";
  if (t == "int" || t == "int?") return "int";
  if (t == "int[]" || t == "int[]?") return "tuple of ints";
  if (t == "float" || t == "float?") return "float";
  if (t == "bool") return "bool";
  if (t == "str") return "str";
  if (t == "ScalarType" || t == "ScalarType?") return "ember.dtype";
  if (t == "Device" || t == "Device?") return "ember.device";
  if (t == "Tensor[]") return "tuple of Tensors";
  if (t == "Generator?") return "ember.Generator";
  return t.c_str();
}

bool is_int(PyObject* o) { return PyLong_Check(o) || (!PyFloat_Check(o) && !is_tensor(o) && PyIndex_Check(o)); }
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

ArgParser::ArgParser(const char* signature) : max_positional_(0), varargs_intlist_(false) {
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
    p.allow_none = p.type.back() == '?' || (p.optional && rest.substr(eq + 1) == "None");
    p.kwarg_only = kw;
    p.interned = PyUnicode_InternFromString(p.name.c_str());
    if (!kw) ++max_positional_;
    params_.push_back(p);
  }
  // Not when a second int list follows (movedim(0, 1), roll(1, 0)): the ints are separate arguments.
  varargs_intlist_ = !params_.empty() && params_[0].type == "int[]" && !params_[0].kwarg_only &&
                     !(params_.size() > 1 && params_[1].type.rfind("int[]", 0) == 0 && !params_[1].kwarg_only);
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
  size_t n = params_.size();
  for (size_t i = 0; i < n; ++i) out[i] = nullptr;
  size_t np = static_cast<size_t>(nargs);
  if (varargs_intlist_ && np >= 1 && is_int(args[0]) && (np > 1 || max_positional_ == 1)) {
    // view(2, 3): every leading int positional belongs to the int[] parameter.
    size_t k = 0;
    while (k < np && is_int(args[k])) ++k;
    if (max_positional_ == 1 || k == np) {
      PyObject* tup = PyTuple_New(static_cast<Py_ssize_t>(k));
      for (size_t i = 0; i < k; ++i) {
        Py_INCREF(args[i]);
        PyTuple_SET_ITEM(tup, i, args[i]);
      }
      Py_XDECREF(t_varargs);
      t_varargs = tup;
      out[0] = tup;
      args += k;
      np -= k;
      for (size_t i = 0; i < np; ++i) {
        if (1 + i >= max_positional_) {
          PyErr_Format(PyExc_TypeError, "%s() takes %zu positional arguments but %zu were given", name_.c_str(),
                       max_positional_, np + k);
          throw PythonError();
        }
        if (!type_ok(params_[1 + i], args[i])) type_error(params_[1 + i], 1 + i, args[i]);
        out[1 + i] = args[i];
      }
      np = 0;
      goto keywords;
    }
  }
  if (np > max_positional_) {
    PyErr_Format(PyExc_TypeError, "%s() takes %zu positional argument%s but %zu were given", name_.c_str(),
                 max_positional_, max_positional_ == 1 ? "" : "s", np);
    throw PythonError();
  }
  for (size_t i = 0; i < np; ++i) {
    if (!type_ok(params_[i], args[i])) type_error(params_[i], i, args[i]);
    out[i] = args[i];
  }
keywords:
  if (kwnames) {
    Py_ssize_t nk = PyTuple_GET_SIZE(kwnames);
    PyObject* const* kwvals = args + np;
    for (Py_ssize_t j = 0; j < nk; ++j) {
      PyObject* key = PyTuple_GET_ITEM(kwnames, j);
      size_t i = 0;
      for (; i < n; ++i)
        if (params_[i].interned == key) break;
      if (i == n)
        for (i = 0; i < n; ++i)
          if (PyUnicode_Compare(params_[i].interned, key) == 0) break;
      if (i == n) {
        PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%U'", name_.c_str(), key);
        throw PythonError();
      }
      if (out[i]) {
        PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%s'", name_.c_str(),
                     params_[i].name.c_str());
        throw PythonError();
      }
      if (!type_ok(params_[i], kwvals[j])) type_error(params_[i], SIZE_MAX, kwvals[j]);
      out[i] = kwvals[j];
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (!out[i] && !params_[i].optional) {
      PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s' (pos %zu)", name_.c_str(),
                   params_[i].name.c_str(), i + 1);
      throw PythonError();
    }
  }
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
