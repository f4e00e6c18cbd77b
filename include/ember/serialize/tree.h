// Saving and loading a tree of IValues (dicts with str/int/bool/float keys, lists, tuples, objects,
// tensors, numbers, strings, None, dtypes, devices) as one safetensors file: the tensors are its
// entries, the tree is JSON in `__metadata__` (Note [tree schema], docs/serialization.md). Tensors
// sharing a storage are written once and restored as views of one storage. Part of libember_runtime.
#pragma once
#include <functional>
#include <iosfwd>
#include <string>

#include "ember/dispatch/ivalue.h"
#include "ember/serialize/safetensors.h"

namespace ember::serialize {

/// The `__metadata__` key of ember's format version, and the version this build writes and reads.
inline constexpr const char* kFormatKey = "ember.format";
inline constexpr const char* kFormatVersion = "1";
/// The `__metadata__` key holding the JSON tree.
inline constexpr const char* kTreeKey = "ember.tree";
/// An object attribute of this name adds no component to tensor key paths (a wrapper's payload:
/// Python's OrderedDict and numpy tags).
inline constexpr const char* kValueAttr = "__value__";

/// A tree as safetensors entries and its JSON.
struct EncodedTree {
  NamedTensors tensors;  ///< the entries (key paths such as "layer.weight")
  std::string tree;      ///< the JSON stored under kTreeKey
};
/// Encodes value; throws TypeError for what cannot be saved (a generator, a tensor off the CPU).
EMBER_API EncodedTree encode_tree(const IValue& value);
/// Rebuilds a tree from its JSON; entry(name) returns an entry's tensor (called once per name).
/// Throws SerializationError naming source for malformed JSON or a reference to a missing entry.
EMBER_API IValue decode_tree(const std::string& tree, const std::function<Tensor(const std::string&)>& entry,
                             const std::string& source);

/// How save_value writes.
struct SaveOptions {
  bool fsync = false;  ///< see WriteOptions
  Metadata metadata;   ///< more `__metadata__` entries (keys starting "ember." are reserved)
};
/// Writes value to path (crash-safe, as write_file).
EMBER_API void save_value(const IValue& value, const std::string& path, const SaveOptions& options = {});
/// Writes value to a stream / returns the bytes.
EMBER_API void save_value(const IValue& value, std::ostream& os, const Metadata& metadata = {});
EMBER_API std::string save_value_to_buffer(const IValue& value, const Metadata& metadata = {});

/// The tree of a file (mmap: tensors view the mapped file). A safetensors file without ember's
/// metadata loads as a dict of its tensors (str keys, in file order).
EMBER_API IValue load_value(const std::string& path, bool mmap = false);
EMBER_API IValue load_value(const Reader& reader);
/// The tree of bytes in memory (tensors are copies) / of a stream (read whole).
EMBER_API IValue load_value_from_buffer(const void* data, size_t size);
EMBER_API IValue load_value(std::istream& is);

}  // namespace ember::serialize
