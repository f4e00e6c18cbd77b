// The safetensors format (docs/serialization.md): an 8-byte little-endian header length N, N bytes of
// JSON header {"name": {"dtype", "shape", "data_offsets"}, "__metadata__": {str: str}}, then the bytes.
// A Reader validates every field of a file or buffer before it reads a byte of data; a writer writes
// named tensors crash-safe (a temporary file renamed over the final name). Part of libember_runtime.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ember/core/tensor.h"
#include "ember/util/error.h"

namespace ember::serialize {

/// A malformed, truncated or unsupported file or buffer, or a failed read or write; maps to Python
/// RuntimeError. The message names the file (or "<buffer>") and the problem.
class EMBER_API SerializationError : public Error {
  using Error::Error;
};

/// Named tensors, in order (what a writer writes and Reader::tensors() returns).
using NamedTensors = std::vector<std::pair<std::string, Tensor>>;
/// The `__metadata__` map (string to string), in order.
using Metadata = std::vector<std::pair<std::string, std::string>>;

/// The safetensors dtype name of t ("F32", "I64", "BOOL", "BF16", ...).
EMBER_API const char* safetensors_dtype_name(ScalarType t);
/// The ScalarType of a safetensors dtype name; throws SerializationError for a name ember does not
/// know or support ("U16", "F8_E4M3", ...).
EMBER_API ScalarType dtype_from_safetensors(const std::string& name);

/// One tensor entry of a header.
struct TensorInfo {
  std::string name;
  ScalarType dtype;
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;  ///< byte range inside the data buffer
};

/// A validated safetensors file or buffer. Cheap to copy (shared state).
class EMBER_API Reader {
 public:
  /// Opens and validates path. mmap=true maps the file (private, copy-on-write): tensors() then view
  /// the mapping without a copy and keep it alive through their storage.
  static Reader open(const std::string& path, bool mmap = false);
  /// Validates a buffer; it must outlive the Reader. Tensors read from it are copies.
  static Reader from_buffer(const void* data, size_t size, std::string name = "<buffer>");

  /// The entries, sorted by their byte offsets.
  const std::vector<TensorInfo>& entries() const;
  /// The `__metadata__` entries, in file order.
  const Metadata& metadata() const;
  /// The metadata value of key, nullopt when absent.
  std::optional<std::string> metadata(const std::string& key) const;
  bool contains(const std::string& name) const;
  /// The entry called name; throws SerializationError when there is none.
  const TensorInfo& info(const std::string& name) const;
  /// The tensor of an entry: a fresh contiguous CPU tensor read straight into its storage (one
  /// allocation per entry), or with mmap a view of the mapping.
  Tensor tensor(const std::string& name) const;
  /// Every entry, in offset order.
  NamedTensors tensors() const;
  /// The file name, or the buffer's name, for messages.
  const std::string& source() const;
  bool is_mmap() const;

  struct Impl;

 private:
  explicit Reader(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

/// How a file is written.
struct WriteOptions {
  /// fsync the file and its folder before returning (survives power loss; slower).
  bool fsync = false;
};

/// Writes tensors (CPU; any strides: written contiguous) and metadata to path: first to
/// `<path>.tmp-<pid>-<random>`, renamed over path once complete, so a killed process never leaves a
/// truncated file under the final name. Names must be unique and not "__metadata__".
EMBER_API void write_file(const std::string& path, const NamedTensors& tensors, const Metadata& metadata = {},
                          const WriteOptions& options = {});
/// The same bytes, in memory.
EMBER_API std::string write_buffer(const NamedTensors& tensors, const Metadata& metadata = {});
/// The same bytes, to a stream (throws SerializationError when the stream fails).
EMBER_API void write_stream(std::ostream& os, const NamedTensors& tensors, const Metadata& metadata = {});

}  // namespace ember::serialize
