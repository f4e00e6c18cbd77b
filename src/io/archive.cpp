// OutputArchive / InputArchive (include/ember/io/archive.h): a dict tree saved with save_value.
#include "ember/io/archive.h"

#include <ostream>

#include "ember/core/grad_mode.h"
#include "ember/serialize/tree.h"
#include "ember/util/error.h"

namespace ember::io {

namespace {
// A Python OrderedDict arrives as an object wrapping its dict (Note [tree schema]).
IValue unwrap(const IValue& v) {
  if (v.isObject() && v.toObjectRef().name() == "collections.OrderedDict" && v.toObjectRef().hasAttr(serialize::kValueAttr))
    return v.toObjectRef().getAttr(serialize::kValueAttr);
  return v;
}
}  // namespace

void OutputArchive::write(const std::string& key, const IValue& value) { dict_.insert_or_assign(IValue(key), value); }
void OutputArchive::write(const std::string& key, const Tensor& tensor, bool /*is_buffer*/) {
  dict_.insert_or_assign(IValue(key), IValue(tensor));
}
void OutputArchive::write(const std::string& key, OutputArchive& nested_archive) {
  dict_.insert_or_assign(IValue(key), IValue(nested_archive.dict_.copy()));
}
void OutputArchive::save_to(const std::string& filename, bool fsync) const {
  serialize::SaveOptions o;
  o.fsync = fsync;
  serialize::save_value(IValue(dict_), filename, o);
}
void OutputArchive::save_to(std::ostream& stream) const { serialize::save_value(IValue(dict_), stream); }
void OutputArchive::save_to(const std::function<size_t(const void*, size_t)>& func) const {
  std::string bytes = save_to_buffer();
  size_t n = func(bytes.data(), bytes.size());
  EMBER_CHECK(n == bytes.size(), "OutputArchive::save_to: the writer function took ", n, " of ", bytes.size(), " bytes");
}
std::string OutputArchive::save_to_buffer() const { return serialize::save_value_to_buffer(IValue(dict_)); }

void InputArchive::set_root(const IValue& root, const std::string& source) {
  IValue v = unwrap(root);
  EMBER_CHECK_TYPE(v.isGenericDict(), "InputArchive: ", source, " holds a ", v.tagName(), ", not a dict of named values");
  for (const auto& kv : v.toGenericDict())
    EMBER_CHECK_TYPE(kv.first.isString(), "InputArchive: ", source, " has a key of type ", kv.first.tagName(), "; archives have str keys");
  dict_ = v.toGenericDict();
  source_ = source;
}
void InputArchive::load_from(const std::string& filename, bool mmap) { set_root(serialize::load_value(filename, mmap), filename); }
void InputArchive::load_from(std::istream& stream) { set_root(serialize::load_value(stream), "<stream>"); }
void InputArchive::load_from(const char* data, size_t size) {
  set_root(serialize::load_value_from_buffer(data, size), "<buffer>");
}

bool InputArchive::try_read(const std::string& key, IValue& value) const {
  auto it = dict_.find(IValue(key));
  if (it == dict_.end()) return false;
  value = it->second;
  return true;
}
void InputArchive::read(const std::string& key, IValue& value) const {
  EMBER_CHECK(try_read(key, value), "InputArchive: key '", key, "' not found in ", source_);
}
bool InputArchive::try_read(const std::string& key, Tensor& tensor, bool /*is_buffer*/) const {
  IValue v;
  if (!try_read(key, v)) return false;
  EMBER_CHECK_TYPE(v.isTensor(), "InputArchive: '", key, "' in ", source_, " is a ", v.tagName(), ", not a tensor");
  const Tensor& src = v.toTensor();
  if (!tensor.defined()) {
    tensor = src;
    return true;
  }
  EMBER_CHECK(tensor.sizes() == src.sizes(), "InputArchive: size mismatch for '", key, "': copying a tensor of shape ",
              src.sizes(), " from ", source_, " into a tensor of shape ", tensor.sizes());
  NoGradGuard guard;
  tensor.copy_(src);
  return true;
}
void InputArchive::read(const std::string& key, Tensor& tensor, bool is_buffer) const {
  EMBER_CHECK(try_read(key, tensor, is_buffer), "InputArchive: key '", key, "' not found in ", source_);
}
bool InputArchive::try_read(const std::string& key, InputArchive& archive) const {
  IValue v;
  if (!try_read(key, v)) return false;
  archive.set_root(v, source_ + ":" + key);
  return true;
}
void InputArchive::read(const std::string& key, InputArchive& archive) const {
  EMBER_CHECK(try_read(key, archive), "InputArchive: key '", key, "' not found in ", source_);
}
std::vector<std::string> InputArchive::keys() const {
  std::vector<std::string> k;
  for (const auto& kv : dict_) k.push_back(kv.first.toStringRef());
  return k;
}

}  // namespace ember::io
