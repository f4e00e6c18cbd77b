// ember._C's save/load entry points (python/ember/serialization.py is the Python face): the C++
// writer, reader and tree codec of src/serialize, called with the GIL released around file I/O.
#include "pybind_tensor.h"

#include <pybind11/stl.h>

#include "ember/serialize/tree.h"

namespace pyb = pybind11;

namespace ember::py {

namespace {
IValue from(pyb::handle h) {
  try {
    return ivalue_from_py(h.ptr());
  } catch (const PythonError&) {
    throw pyb::error_already_set();
  }
}
pyb::object to(const IValue& v) {
  try {
    return pyb::reinterpret_steal<pyb::object>(ivalue_to_py(v));
  } catch (const PythonError&) {
    throw pyb::error_already_set();
  }
}
serialize::Metadata metadata_of(const pyb::dict& d) {
  serialize::Metadata m;
  for (auto kv : d) m.emplace_back(pyb::cast<std::string>(kv.first), pyb::cast<std::string>(kv.second));
  return m;
}
pyb::dict metadata_dict(const serialize::Metadata& m) {
  pyb::dict d;
  for (const auto& [k, v] : m) d[pyb::str(k)] = pyb::str(v);
  return d;
}
}  // namespace

void init_serialize(pyb::module_& m) {
  m.def("_save", [](pyb::handle obj, const std::string& path, bool fsync, const pyb::dict& metadata) {
    IValue v = from(obj);
    serialize::SaveOptions o;
    o.fsync = fsync;
    o.metadata = metadata_of(metadata);
    pyb::gil_scoped_release nogil;
    serialize::save_value(v, path, o);
  }, pyb::arg("obj"), pyb::arg("path"), pyb::arg("fsync") = false, pyb::arg("metadata") = pyb::dict(),
        "Writes obj (a tree of tensors and plain values) to path as safetensors (crash-safe).");
  m.def("_save_to_bytes", [](pyb::handle obj, const pyb::dict& metadata) {
    IValue v = from(obj);
    std::string bytes;
    {
      pyb::gil_scoped_release nogil;
      bytes = serialize::save_value_to_buffer(v, metadata_of(metadata));
    }
    return pyb::bytes(bytes);
  }, pyb::arg("obj"), pyb::arg("metadata") = pyb::dict(), "The bytes ember.save would write.");
  m.def("_load", [](const std::string& path, bool mmap) {
    IValue v;
    {
      pyb::gil_scoped_release nogil;
      v = serialize::load_value(path, mmap);
    }
    return to(v);
  }, pyb::arg("path"), pyb::arg("mmap") = false, "Reads a file written by ember.save (or any safetensors file).");
  m.def("_load_from_buffer", [](const pyb::buffer& b) {
    pyb::buffer_info info = b.request();
    IValue v;
    {
      pyb::gil_scoped_release nogil;
      v = serialize::load_value_from_buffer(info.ptr, static_cast<size_t>(info.size * info.itemsize));
    }
    return to(v);
  }, pyb::arg("buffer"), "Reads the bytes of a file written by ember.save (tensors are copies).");
  // The raw safetensors reader and writer (tests, tools).
  m.def("_safetensors_read", [](const std::string& path, bool mmap) {
    serialize::Reader r = serialize::Reader::open(path, mmap);
    pyb::list tensors;
    for (auto& [name, t] : r.tensors()) tensors.append(pyb::make_tuple(name, to(IValue(t))));
    return pyb::make_tuple(tensors, metadata_dict(r.metadata()));
  }, pyb::arg("path"), pyb::arg("mmap") = false,
        "([(name, tensor)] in offset order, metadata dict) of a safetensors file.");
  m.def("_safetensors_write", [](const std::string& path, const std::vector<std::pair<std::string, Tensor>>& tensors,
                                 const pyb::dict& metadata, bool fsync) {
    serialize::Metadata md = metadata_of(metadata);
    pyb::gil_scoped_release nogil;
    serialize::write_file(path, tensors, md, serialize::WriteOptions{fsync});
  }, pyb::arg("path"), pyb::arg("tensors"), pyb::arg("metadata") = pyb::dict(), pyb::arg("fsync") = false,
        "Writes named tensors and string metadata as a plain safetensors file.");
}

}  // namespace ember::py
