// ember::serialize::OutputArchive / InputArchive, as libtorch's: named tensors, values and nested
// archives, written to and read from one safetensors file (a dict tree, docs/serialization.md).
#pragma once
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "ember/core/tensor.h"
#include "ember/dispatch/ivalue.h"
#include "ember/util/export.h"

namespace ember::io {

/// Collects named values, then writes them (libtorch's torch::serialize::OutputArchive).
class EMBER_API OutputArchive {
 public:
  OutputArchive() = default;
  /// Writes a value under key (replacing an earlier one).
  void write(const std::string& key, const IValue& value);
  /// Writes a tensor under key. is_buffer is accepted for libtorch's signature; ember stores
  /// parameters and buffers alike.
  void write(const std::string& key, const Tensor& tensor, bool is_buffer = false);
  /// Writes a nested archive under key (its keys become "key.sub" in the file).
  void write(const std::string& key, OutputArchive& nested_archive);
  /// Writes the archive to a file (crash-safe: a temporary file renamed; fsync: see WriteOptions).
  void save_to(const std::string& filename, bool fsync = false) const;
  /// Writes the archive to a stream.
  void save_to(std::ostream& stream) const;
  /// Hands the bytes to func (which returns how many it took; fewer raises).
  void save_to(const std::function<size_t(const void*, size_t)>& func) const;
  /// The bytes of the file.
  std::string save_to_buffer() const;
  /// The archive's tree (str keys, in write order).
  const GenericDict& dict() const { return dict_; }

 private:
  GenericDict dict_;
};

/// Reads a file written by OutputArchive, ember::save or Python's ember.save (libtorch's
/// torch::serialize::InputArchive). The file's top level must be a dict with str keys.
class EMBER_API InputArchive {
 public:
  InputArchive() = default;
  /// Reads a file (mmap: tensors view the mapped file without a copy).
  void load_from(const std::string& filename, bool mmap = false);
  void load_from(std::istream& stream);
  void load_from(const char* data, size_t size);
  /// The value under key; false when absent.
  bool try_read(const std::string& key, IValue& value) const;
  /// The value under key; throws ember::Error "key 'x' not found" when absent.
  void read(const std::string& key, IValue& value) const;
  /// Reads a tensor: into tensor in place (same shape required, under NoGradGuard) when it is
  /// defined, else by assignment. is_buffer is accepted for libtorch's signature.
  bool try_read(const std::string& key, Tensor& tensor, bool is_buffer = false) const;
  void read(const std::string& key, Tensor& tensor, bool is_buffer = false) const;
  /// Reads a nested archive.
  bool try_read(const std::string& key, InputArchive& archive) const;
  void read(const std::string& key, InputArchive& archive) const;
  /// The keys, in file order.
  std::vector<std::string> keys() const;
  const GenericDict& dict() const { return dict_; }

 private:
  void set_root(const IValue& root, const std::string& source);
  GenericDict dict_;
  std::string source_ = "<archive>";
};

}  // namespace ember::io

namespace ember::serialize {
using OutputArchive = ::ember::io::OutputArchive;
using InputArchive = ::ember::io::InputArchive;
}  // namespace ember::serialize
