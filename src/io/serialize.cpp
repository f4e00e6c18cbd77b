// ember::save / ember::load for modules, optimizers, tensors and dicts of tensors
// (include/ember/io/serialize.h), on top of the runtime's save_value / load_value.
#include "ember/io/serialize.h"

#include <sstream>

#include "ember/core/grad_mode.h"
#include "ember/util/error.h"

namespace ember {

namespace {
constexpr const char* kOrderedDict = "collections.OrderedDict";

// A dict of tensors as Python's OrderedDict (what module.state_dict() returns in Python).
IValue ordered_dict_value(const OrderedDict<std::string, Tensor>& tensors) {
  GenericDict d;
  for (const auto& item : tensors) d.insert_or_assign(IValue(item.key()), IValue(item.value()));
  auto o = ivalue::Object::create(kOrderedDict);
  o->setAttr(serialize::kValueAttr, IValue(d));
  return IValue(std::move(o));
}

void flatten(const IValue& v, const std::string& prefix, const std::string& what, OrderedDict<std::string, Tensor>& out) {
  IValue u = v;
  if (u.isObject() && u.toObjectRef().name() == kOrderedDict && u.toObjectRef().hasAttr(serialize::kValueAttr))
    u = u.toObjectRef().getAttr(serialize::kValueAttr);
  if (u.isTensor()) {
    out.insert(prefix, u.toTensor());
    return;
  }
  EMBER_CHECK_TYPE(u.isGenericDict(), what, ": expected a dict of tensors, found a ", u.tagName(),
                   prefix.empty() ? std::string() : " at '" + prefix + "'");
  for (const auto& [k, x] : u.toGenericDict()) {
    EMBER_CHECK_TYPE(k.isString(), what, ": expected str keys, found a key of type ", k.tagName());
    flatten(x, prefix.empty() ? k.toStringRef() : prefix + "." + k.toStringRef(), what, out);
  }
}

IValue load_stream(std::istream& stream) { return serialize::load_value(stream); }
}  // namespace

namespace io {
OrderedDict<std::string, Tensor> module_state_dict(const nn::Module& module) {
  OrderedDict<std::string, Tensor> out;
  for (const auto& item : module.named_modules()) {
    const std::string prefix = item.key().empty() ? "" : item.key() + ".";
    for (const auto& p : item.value()->named_parameters(false)) out.insert(prefix + p.key(), p.value());
    for (const auto& b : item.value()->named_buffers(false)) out.insert(prefix + b.key(), b.value());
  }
  return out;
}

void load_module_state_dict(nn::Module& module, const OrderedDict<std::string, Tensor>& state, bool strict) {
  OrderedDict<std::string, Tensor> own = module_state_dict(module);
  std::vector<std::string> missing, unexpected, mismatched;
  for (const auto& item : own)
    if (!state.contains(item.key())) missing.push_back(item.key());
  for (const auto& item : state) {
    const Tensor* mine = own.find(item.key());
    if (!mine) {
      unexpected.push_back(item.key());
    } else if (mine->sizes() != item.value().sizes()) {
      std::ostringstream m;
      m << "size mismatch for " << item.key() << ": copying a param with shape " << item.value().sizes()
        << " from checkpoint, the shape in current model is " << mine->sizes() << ".";
      mismatched.push_back(m.str());
    }
  }
  std::ostringstream err;
  auto list = [&](const char* title, const std::vector<std::string>& keys) {
    err << "\n\t" << title << " key(s) in state_dict: ";
    for (size_t i = 0; i < keys.size(); ++i) err << (i ? ", " : "") << '"' << keys[i] << '"';
    err << ".";
  };
  if (strict && !missing.empty()) list("Missing", missing);
  if (strict && !unexpected.empty()) list("Unexpected", unexpected);
  for (const auto& m : mismatched) err << "\n\t" << m;
  if (!err.str().empty()) throw Error("Error(s) in loading state_dict for " + module.name() + ":" + err.str());
  NoGradGuard guard;
  for (const auto& item : state)
    if (Tensor* mine = own.find(item.key())) mine->copy_(item.value());
}

OrderedDict<std::string, Tensor> to_tensor_dict(const IValue& value, const std::string& what) {
  OrderedDict<std::string, Tensor> out;
  flatten(value, "", what, out);
  return out;
}
}  // namespace io

void save(const nn::Module& module, const std::string& path) {
  serialize::save_value(ordered_dict_value(io::module_state_dict(module)), path);
}
void save(const nn::Module& module, std::ostream& stream) {
  serialize::save_value(ordered_dict_value(io::module_state_dict(module)), stream);
}
void load(nn::Module& module, const std::string& path) {
  io::load_module_state_dict(module, io::to_tensor_dict(serialize::load_value(path), "ember::load(module, \"" + path + "\")"));
}
void load(nn::Module& module, std::istream& stream) {
  io::load_module_state_dict(module, io::to_tensor_dict(load_stream(stream), "ember::load(module, stream)"));
}

void save(const optim::Optimizer& optimizer, const std::string& path) {
  serialize::save_value(IValue(optimizer.state_dict()), path);
}
void save(const optim::Optimizer& optimizer, std::ostream& stream) {
  serialize::save_value(IValue(optimizer.state_dict()), stream);
}
namespace {
void load_optimizer(optim::Optimizer& optimizer, const IValue& v, const std::string& source) {
  EMBER_CHECK_TYPE(v.isGenericDict(), "ember::load(optimizer): ", source, " holds a ", v.tagName(),
                   ", not an optimizer state_dict");
  optimizer.load_state_dict(v.toGenericDict());
}
}  // namespace
void load(optim::Optimizer& optimizer, const std::string& path) {
  load_optimizer(optimizer, serialize::load_value(path), path);
}
void load(optim::Optimizer& optimizer, std::istream& stream) { load_optimizer(optimizer, load_stream(stream), "<stream>"); }

void save(const Tensor& tensor, const std::string& path) { serialize::save_value(IValue(tensor), path); }
void load(Tensor& tensor, const std::string& path) {
  IValue v = serialize::load_value(path);
  EMBER_CHECK_TYPE(v.isTensor(), "ember::load(tensor, \"", path, "\"): the file holds a ", v.tagName(), ", not a tensor");
  tensor = v.toTensor();
}
void save(const std::vector<Tensor>& tensors, const std::string& path) {
  GenericList l;
  for (const Tensor& t : tensors) l.push_back(IValue(t));
  serialize::save_value(IValue(l), path);
}
void load(std::vector<Tensor>& tensors, const std::string& path) {
  IValue v = serialize::load_value(path);
  EMBER_CHECK_TYPE(v.isList() || v.isTuple(), "ember::load(tensors, \"", path, "\"): the file holds a ", v.tagName(),
                   ", not a list of tensors");
  std::vector<Tensor> out;
  for (const IValue& x : v.isList() ? v.toListRef() : v.toTupleRef().elements()) {
    EMBER_CHECK_TYPE(x.isTensor(), "ember::load(tensors, \"", path, "\"): an element is a ", x.tagName(), ", not a tensor");
    out.push_back(x.toTensor());
  }
  tensors = std::move(out);
}

void save(const OrderedDict<std::string, Tensor>& tensors, const std::string& path) {
  GenericDict d;
  for (const auto& item : tensors) d.insert_or_assign(IValue(item.key()), IValue(item.value()));
  serialize::save_value(IValue(d), path);
}
void save(const std::map<std::string, Tensor>& tensors, const std::string& path) {
  GenericDict d;
  for (const auto& [k, t] : tensors) d.insert_or_assign(IValue(k), IValue(t));
  serialize::save_value(IValue(d), path);
}
void save(const std::unordered_map<std::string, Tensor>& tensors, const std::string& path) {
  std::map<std::string, Tensor> sorted(tensors.begin(), tensors.end());  // a stable file for equal maps
  save(sorted, path);
}
OrderedDict<std::string, Tensor> load_state_dict(const std::string& path, bool mmap) {
  return io::to_tensor_dict(serialize::load_value(path, mmap), "ember::load_state_dict(\"" + path + "\")");
}

}  // namespace ember

namespace ember::nn {
io::OutputArchive& operator<<(io::OutputArchive& archive, const std::shared_ptr<Module>& module) {
  for (const auto& item : io::module_state_dict(*module)) archive.write(item.key(), item.value());
  return archive;
}
io::InputArchive& operator>>(io::InputArchive& archive, const std::shared_ptr<Module>& module) {
  io::load_module_state_dict(*module, io::to_tensor_dict(IValue(archive.dict()), "InputArchive >> module"));
  return archive;
}
}  // namespace ember::nn

namespace ember::optim {
io::OutputArchive& operator<<(io::OutputArchive& archive, const Optimizer& optimizer) {
  for (const auto& [k, v] : optimizer.state_dict()) archive.write(k.toStringRef(), v);
  return archive;
}
io::InputArchive& operator>>(io::InputArchive& archive, Optimizer& optimizer) {
  optimizer.load_state_dict(archive.dict());
  return archive;
}
}  // namespace ember::optim
