// ember::save / ember::load (libtorch's torch::save / torch::load) for modules, optimizers, tensors
// and dicts of tensors, one safetensors file each, readable from Python's ember.load and back
// (docs/serialization.md). No pickle: nothing in a file is ever run.
#pragma once
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "ember/core/tensor.h"
#include "ember/io/archive.h"
#include "ember/nn/module.h"
#include "ember/nn/pimpl.h"
#include "ember/optim/optimizer.h"
#include "ember/ordered_dict.h"
#include "ember/serialize/tree.h"

namespace ember {

namespace io {
/// The state dict of a module as Python's module.state_dict() orders it: each module's own
/// parameters, then its buffers, then its children's, by dotted name.
EMBER_API OrderedDict<std::string, Tensor> module_state_dict(const nn::Module& module);
/// Copies state into the module's parameters and buffers in place (NoGradGuard). Everything is
/// checked first: missing and unexpected keys (strict) and shape mismatches raise ember::Error with
/// PyTorch's wording, and nothing is copied.
EMBER_API void load_module_state_dict(nn::Module& module, const OrderedDict<std::string, Tensor>& state,
                                      bool strict = true);
/// A saved value as a dict of tensors by str key (a Python OrderedDict too); TypeError otherwise.
EMBER_API OrderedDict<std::string, Tensor> to_tensor_dict(const IValue& value, const std::string& what);
}  // namespace io

/// Writes the module's parameters and buffers by their state_dict keys (Python's
/// ember.load(path) returns them as an OrderedDict; module.load_state_dict accepts it).
EMBER_API void save(const nn::Module& module, const std::string& path);
EMBER_API void save(const nn::Module& module, std::ostream& stream);
/// Reads parameters and buffers into the module in place (strict: missing or unexpected keys raise).
EMBER_API void load(nn::Module& module, const std::string& path);
EMBER_API void load(nn::Module& module, std::istream& stream);
template <class M>
void save(const nn::ModuleHolder<M>& module, const std::string& path) { save(*module, path); }
template <class M>
void save(const nn::ModuleHolder<M>& module, std::ostream& stream) { save(*module, stream); }
template <class M>
void load(nn::ModuleHolder<M>& module, const std::string& path) { load(*module, path); }
template <class M>
void load(nn::ModuleHolder<M>& module, std::istream& stream) { load(*module, stream); }
template <class M, class = std::enable_if_t<std::is_base_of_v<nn::Module, M>>>
void save(const std::shared_ptr<M>& module, const std::string& path) { save(static_cast<const nn::Module&>(*module), path); }
template <class M, class = std::enable_if_t<std::is_base_of_v<nn::Module, M>>>
void load(const std::shared_ptr<M>& module, const std::string& path) { load(static_cast<nn::Module&>(*module), path); }

/// Writes the optimizer's state_dict() (Python's layout: ember.optim's load_state_dict reads it).
EMBER_API void save(const optim::Optimizer& optimizer, const std::string& path);
EMBER_API void save(const optim::Optimizer& optimizer, std::ostream& stream);
/// Reads an optimizer state written by C++ or Python (Optimizer::load_state_dict).
EMBER_API void load(optim::Optimizer& optimizer, const std::string& path);
EMBER_API void load(optim::Optimizer& optimizer, std::istream& stream);

/// A tensor / a list of tensors (Python's ember.load returns a tensor / a list).
EMBER_API void save(const Tensor& tensor, const std::string& path);
EMBER_API void load(Tensor& tensor, const std::string& path);
EMBER_API void save(const std::vector<Tensor>& tensors, const std::string& path);
EMBER_API void load(std::vector<Tensor>& tensors, const std::string& path);

/// A dict of tensors by name (a state dict): the file is plain safetensors, one entry per name.
EMBER_API void save(const OrderedDict<std::string, Tensor>& tensors, const std::string& path);
EMBER_API void save(const std::map<std::string, Tensor>& tensors, const std::string& path);
EMBER_API void save(const std::unordered_map<std::string, Tensor>& tensors, const std::string& path);
/// Reads a dict of tensors by name (what Python's ember.save(model.state_dict(), path) writes, or
/// any safetensors file): the C++ counterpart of torch::pickle_load for state dicts. mmap: tensors
/// view the mapped file.
EMBER_API OrderedDict<std::string, Tensor> load_state_dict(const std::string& path, bool mmap = false);

/// Any saved value (dicts, lists, tuples, tensors, numbers, strings, None): serialize::save_value /
/// load_value.
using serialize::load_value;
using serialize::save_value;

}  // namespace ember

// Archives (libtorch's operator<< / operator>>, found by argument-dependent lookup): a module's state
// dict / an optimizer's state_dict() into or out of an archive.
namespace ember::nn {
EMBER_API io::OutputArchive& operator<<(io::OutputArchive& archive, const std::shared_ptr<Module>& module);
EMBER_API io::InputArchive& operator>>(io::InputArchive& archive, const std::shared_ptr<Module>& module);
}  // namespace ember::nn
namespace ember::optim {
EMBER_API io::OutputArchive& operator<<(io::OutputArchive& archive, const Optimizer& optimizer);
EMBER_API io::InputArchive& operator>>(io::InputArchive& archive, Optimizer& optimizer);
}  // namespace ember::optim
