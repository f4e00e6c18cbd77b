// Reading safetensors files and buffers: every field of the header is validated before any data is
// read (Note [safetensors validation]); data goes straight into each tensor's storage (pread), or the
// tensors view a private mapping of the file (mmap=true).
#include "ember/serialize/safetensors.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "ember/core/tensor_impl.h"

namespace ember::serialize {

namespace {
using json = nlohmann::json;
constexpr uint64_t kMaxHeaderBytes = uint64_t(100) << 20;  // as the safetensors package

struct NameType {
  const char* name;
  ScalarType type;
};
constexpr NameType kDtypes[] = {{"BOOL", kBool},  {"U8", kUInt8},   {"I8", kInt8},       {"I16", kInt16},
                                {"I32", kInt32},  {"I64", kInt64},  {"F16", kFloat16},   {"BF16", kBFloat16},
                                {"F32", kFloat32}, {"F64", kFloat64}};
// safetensors dtypes ember has no type for (named in the error message).
constexpr const char* kUnsupported[] = {"U16", "U32", "U64", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F4", "F6_E2M3",
                                        "F6_E3M2", "C64", "C128"};

[[noreturn]] void fail(const std::string& source, const std::string& what) {
  throw SerializationError("ember.load: " + source + ": " + what);
}

std::string errno_text() { return std::strerror(errno); }
}  // namespace

const char* safetensors_dtype_name(ScalarType t) {
  for (const auto& d : kDtypes)
    if (d.type == t) return d.name;
  throw TypeError(detail::str("safetensors: no dtype name for ", t));
}

ScalarType dtype_from_safetensors(const std::string& name) {
  for (const auto& d : kDtypes)
    if (name == d.name) return d.type;
  for (const char* u : kUnsupported)
    if (name == u) throw SerializationError("safetensors: dtype '" + name + "' is not supported by ember");
  throw SerializationError("safetensors: unknown dtype '" + name + "'");
}

// A private mapping of a file, unmapped when the last tensor viewing it dies.
struct Mapping {
  void* addr = nullptr;
  size_t size = 0;
  ~Mapping() {
    if (addr) ::munmap(addr, size);
  }
};

struct Reader::Impl {
  std::string source;
  std::vector<TensorInfo> entries;
  std::unordered_map<std::string, size_t> by_name;
  Metadata metadata;
  uint64_t data_start = 0;  // byte offset of the data buffer in the file or buffer
  // exactly one of: a file descriptor (pread), a mapping, a caller's buffer
  int fd = -1;
  std::shared_ptr<Mapping> mapping;
  const char* buffer = nullptr;
  ~Impl() {
    if (fd >= 0) ::close(fd);
  }
};

namespace {

// Note [safetensors validation]: a file is trusted for nothing. Checked, in order: the file holds 8
// bytes; the header length fits in the file and under 100 MiB; the header is JSON (parse errors
// reported with their position) and an object without duplicate keys (at any depth); __metadata__ is
// an object of strings; every other entry is an object of exactly dtype (a known name), shape (ints
// >= 0) and data_offsets ([begin, end], 0 <= begin <= end); shape's element count times the item size
// equals end - begin (without overflow); sorted by offset, entries start at 0, leave no gap, do not
// overlap and end exactly at the end of the file. Only then is data read.
json parse_header(const std::string& source, const char* text, size_t n) {
  std::vector<std::unordered_set<std::string>> keys;  // the keys of each open object
  auto cb = [&](int /*depth*/, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) {
      keys.emplace_back();
    } else if (event == json::parse_event_t::object_end) {
      if (!keys.empty()) keys.pop_back();
    } else if (event == json::parse_event_t::key) {
      const auto& k = parsed.get_ref<const std::string&>();
      if (!keys.empty() && !keys.back().insert(k).second) fail(source, "duplicate key '" + k + "' in the header");
    }
    return true;
  };
  try {
    return json::parse(text, text + n, cb);
  } catch (const json::exception& e) {
    fail(source, std::string("the header is not valid JSON: ") + e.what());
  }
}

uint64_t as_uint(const std::string& source, const std::string& where, const json& v) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer() && v.get<int64_t>() >= 0) return static_cast<uint64_t>(v.get<int64_t>());
  fail(source, where + " must be a non-negative integer, got " + v.dump());
}

std::shared_ptr<Reader::Impl> parse(std::string source, const char* head8, uint64_t total,
                                    const std::function<std::string(uint64_t n)>& read_header) {
  auto impl = std::make_shared<Reader::Impl>();
  impl->source = source;
  if (total < 8) fail(source, detail::str("file too short for a safetensors header (", total, " bytes, need at least 8)"));
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(head8[i]);
  if (n > kMaxHeaderBytes) fail(source, detail::str("header length ", n, " exceeds the limit of ", kMaxHeaderBytes, " bytes"));
  if (n > total - 8)
    fail(source, detail::str("header length ", n, " exceeds the file size (", total, " bytes): the file is truncated or not safetensors"));
  std::string text = read_header(n);
  if (n == 0 || text.find_first_not_of(" \t\r\n") == std::string::npos || text[text.find_first_not_of(" \t\r\n")] != '{')
    fail(source, "the header is not a JSON object");
  json h = parse_header(source, text.data(), text.size());
  if (!h.is_object()) fail(source, "the header is not a JSON object");
  impl->data_start = 8 + n;
  const uint64_t data_size = total - 8 - n;
  for (auto it = h.begin(); it != h.end(); ++it) {
    const std::string& name = it.key();
    const json& v = it.value();
    if (name == "__metadata__") {
      if (!v.is_object()) fail(source, "__metadata__ must be an object of strings, got " + std::string(v.type_name()));
      for (auto m = v.begin(); m != v.end(); ++m) {
        if (!m.value().is_string())
          fail(source, "__metadata__ value of '" + m.key() + "' must be a string, got " + std::string(m.value().type_name()));
        impl->metadata.emplace_back(m.key(), m.value().get<std::string>());
      }
      continue;
    }
    const std::string where = "tensor '" + name + "'";
    if (!v.is_object()) fail(source, where + ": entry must be an object, got " + std::string(v.type_name()));
    for (auto f = v.begin(); f != v.end(); ++f)
      if (f.key() != "dtype" && f.key() != "shape" && f.key() != "data_offsets")
        fail(source, where + ": unexpected field '" + f.key() + "'");
    for (const char* f : {"dtype", "shape", "data_offsets"})
      if (!v.contains(f)) fail(source, where + ": missing field '" + f + "'");
    TensorInfo info;
    info.name = name;
    if (!v["dtype"].is_string()) fail(source, where + ": dtype must be a string, got " + v["dtype"].dump());
    try {
      info.dtype = dtype_from_safetensors(v["dtype"].get<std::string>());
    } catch (const SerializationError& e) {
      fail(source, where + ": " + e.msg().substr(std::strlen("safetensors: ")));
    }
    const json& shape = v["shape"];
    if (!shape.is_array()) fail(source, where + ": shape must be a list of integers, got " + shape.dump());
    uint64_t numel = 1;
    bool overflow = false;
    for (const json& d : shape) {
      uint64_t s = as_uint(source, where + ": shape", d);
      if (s > static_cast<uint64_t>(INT64_MAX)) fail(source, where + ": shape " + shape.dump() + " is too large");
      info.shape.push_back(static_cast<int64_t>(s));
      overflow = overflow || __builtin_mul_overflow(numel, s, &numel);
    }
    const json& off = v["data_offsets"];
    if (!off.is_array() || off.size() != 2) fail(source, where + ": data_offsets must be [begin, end], got " + off.dump());
    info.begin = as_uint(source, where + ": data_offsets", off[0]);
    info.end = as_uint(source, where + ": data_offsets", off[1]);
    if (info.begin > info.end) fail(source, where + ": data_offsets " + off.dump() + " end before they begin");
    if (info.end > data_size)
      fail(source, detail::str(where, ": data_offsets ", off.dump(), " exceed the data buffer (", data_size,
                               " bytes): the file is truncated or corrupt"));
    uint64_t nbytes = 0;
    const bool zero = std::find(info.shape.begin(), info.shape.end(), 0) != info.shape.end();
    if (zero) {
      numel = 0;
    } else if (overflow || __builtin_mul_overflow(numel, element_size(info.dtype), &nbytes) || numel > uint64_t(INT64_MAX)) {
      fail(source, where + ": shape " + shape.dump() + " is too large");
    }
    nbytes = numel * element_size(info.dtype);
    if (nbytes != info.end - info.begin)
      fail(source, detail::str(where, ": shape ", shape.dump(), " of dtype ", v["dtype"].get<std::string>(), " needs ",
                               nbytes, " bytes, but data_offsets ", off.dump(), " hold ", info.end - info.begin));
    impl->entries.push_back(std::move(info));
  }
  std::stable_sort(impl->entries.begin(), impl->entries.end(), [](const TensorInfo& a, const TensorInfo& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t pos = 0;
  for (const auto& e : impl->entries) {
    if (e.begin < pos) fail(source, detail::str("tensor '", e.name, "' overlaps the previous entry (its data begin at ", e.begin, ", before ", pos, ")"));
    if (e.begin > pos) fail(source, detail::str("tensor '", e.name, "' leaves a gap in the data buffer (bytes ", pos, " to ", e.begin, " belong to no tensor)"));
    pos = e.end;
  }
  if (pos != data_size)
    fail(source, detail::str("the tensors cover ", pos, " bytes but the data buffer holds ", data_size, " (trailing bytes)"));
  for (size_t i = 0; i < impl->entries.size(); ++i) impl->by_name.emplace(impl->entries[i].name, i);
  return impl;
}

void pread_all(const std::string& source, int fd, char* dst, uint64_t n, uint64_t offset) {
  while (n > 0) {
    const size_t chunk = static_cast<size_t>(std::min<uint64_t>(n, uint64_t(1) << 30));
    ssize_t r = ::pread(fd, dst, chunk, static_cast<off_t>(offset));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) fail(source, "read failed: " + errno_text());
    if (r == 0) fail(source, "unexpected end of file (the file changed while it was read)");
    dst += r;
    n -= static_cast<uint64_t>(r);
    offset += static_cast<uint64_t>(r);
  }
}

void mapping_deleter(void* ctx) { delete static_cast<std::shared_ptr<Mapping>*>(ctx); }

Tensor contiguous_on(Storage storage, const TensorInfo& e) {
  DimVector sizes(IntArrayRef(e.shape.data(), e.shape.size()));
  int64_t numel = compute_numel(sizes);
  return Tensor(std::make_shared<TensorImpl>(std::move(storage), e.dtype, IntArrayRef(sizes), numel));
}
}  // namespace

Reader Reader::open(const std::string& path, bool mmap) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(path, "cannot open: " + errno_text());
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    fail(path, "not a regular file");
  }
  const uint64_t total = static_cast<uint64_t>(st.st_size);
  std::shared_ptr<Impl> impl;
  try {
    char head[8] = {0};
    if (total >= 8) pread_all(path, fd, head, 8, 0);
    impl = parse(path, head, total, [&](uint64_t n) {
      std::string s(n, '\0');
      pread_all(path, fd, s.data(), n, 8);
      return s;
    });
  } catch (...) {
    ::close(fd);
    throw;
  }
  impl->fd = fd;
  if (mmap && total > 0) {
    void* addr = ::mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (addr == MAP_FAILED) fail(path, "mmap failed: " + errno_text());
    impl->mapping = std::make_shared<Mapping>();
    impl->mapping->addr = addr;
    impl->mapping->size = total;
    ::close(impl->fd);
    impl->fd = -1;
  }
  return Reader(impl);
}

Reader Reader::from_buffer(const void* data, size_t size, std::string name) {
  const char* p = static_cast<const char*>(data);
  auto impl = parse(name, p, size, [&](uint64_t n) { return std::string(p + 8, n); });
  impl->buffer = p;
  return Reader(impl);
}

const std::vector<TensorInfo>& Reader::entries() const { return impl_->entries; }
const Metadata& Reader::metadata() const { return impl_->metadata; }
std::optional<std::string> Reader::metadata(const std::string& key) const {
  for (const auto& kv : impl_->metadata)
    if (kv.first == key) return kv.second;
  return std::nullopt;
}
bool Reader::contains(const std::string& name) const { return impl_->by_name.count(name) != 0; }
const TensorInfo& Reader::info(const std::string& name) const {
  auto it = impl_->by_name.find(name);
  if (it == impl_->by_name.end()) fail(impl_->source, "no tensor named '" + name + "'");
  return impl_->entries[it->second];
}
const std::string& Reader::source() const { return impl_->source; }
bool Reader::is_mmap() const { return impl_->mapping != nullptr; }

Tensor Reader::tensor(const std::string& name) const {
  const TensorInfo& e = info(name);
  const uint64_t nbytes = e.end - e.begin;
  const uint64_t at = impl_->data_start + e.begin;
  if (impl_->mapping && (at % element_size(e.dtype)) == 0) {
    char* p = static_cast<char*>(impl_->mapping->addr) + at;
    auto* ctx = new std::shared_ptr<Mapping>(impl_->mapping);
    return contiguous_on(StorageImpl::wrap(p, nbytes, Device(kCPU), ctx, &mapping_deleter), e);
  }
  Storage storage = StorageImpl::allocate(nbytes, Device(kCPU));
  char* dst = static_cast<char*>(storage->data());
  if (nbytes == 0) {
  } else if (impl_->mapping) {  // a misaligned entry of a mapped file: copied
    std::memcpy(dst, static_cast<char*>(impl_->mapping->addr) + at, nbytes);
  } else if (impl_->buffer) {
    std::memcpy(dst, impl_->buffer + at, nbytes);
  } else {
    pread_all(impl_->source, impl_->fd, dst, nbytes, at);
  }
  return contiguous_on(std::move(storage), e);
}

NamedTensors Reader::tensors() const {
  NamedTensors out;
  out.reserve(impl_->entries.size());
  for (const auto& e : impl_->entries) out.emplace_back(e.name, tensor(e.name));
  return out;
}

}  // namespace ember::serialize
