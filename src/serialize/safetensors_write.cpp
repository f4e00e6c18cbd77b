// Writing safetensors: one header, then each tensor's bytes in large writes (a strided tensor is
// written contiguous in chunks of at most 8 MiB, never copied whole). Files are written crash-safe:
// to `<path>.tmp-<pid>-<random>`, then renamed over path (Note [atomic save]).
#include "ember/serialize/safetensors.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <ostream>
#include <random>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "ember/gen/functions.h"

namespace ember::serialize {

namespace {
using ojson = nlohmann::ordered_json;
using Sink = std::function<void(const char*, size_t)>;
constexpr size_t kChunk = size_t(8) << 20;
constexpr size_t kDirect = size_t(256) << 10;
constexpr size_t kHeaderAlign = 64;  // the data buffer starts 64-byte aligned in the file

[[noreturn]] void fail(const std::string& dest, const std::string& what) {
  throw SerializationError("ember.save: " + dest + ": " + what);
}

struct Plan {
  std::string header;  // padded JSON, without the 8 length bytes
  std::vector<std::pair<const std::string*, Tensor>> order;  // entries in data order
  uint64_t data_size = 0;
};

// Entries are laid out by decreasing item size, so that with a 64-byte aligned data buffer every
// entry starts aligned to its own item size (mmap=true then views them in place).
Plan plan(const std::string& dest, const NamedTensors& tensors, const Metadata& metadata) {
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
  throw NotImplementedError("ember.save: safetensors on a big-endian host is not implemented");
#endif
  Plan p;
  std::unordered_set<std::string> names;
  for (const auto& [name, t] : tensors) {
    if (name == "__metadata__") fail(dest, "a tensor may not be called '__metadata__'");
    if (!names.insert(name).second) fail(dest, "duplicate tensor name '" + name + "'");
    if (!t.defined()) fail(dest, "tensor '" + name + "' is undefined");
    if (!t.device().is_cpu())
      fail(dest, detail::str("tensor '", name, "' is on device ", t.device(), "; only CPU tensors can be saved (move it with .to(\"cpu\") first)"));
    p.order.emplace_back(&name, t);
  }
  std::stable_sort(p.order.begin(), p.order.end(), [](const auto& a, const auto& b) {
    return a.second.element_size() > b.second.element_size();
  });
  ojson h = ojson::object();
  if (!metadata.empty()) {
    ojson m = ojson::object();
    for (const auto& [k, v] : metadata) {
      if (m.contains(k)) fail(dest, "duplicate metadata key '" + k + "'");
      m[k] = v;
    }
    h["__metadata__"] = std::move(m);
  }
  for (const auto& [name, t] : p.order) {
    const uint64_t n = t.nbytes();
    ojson e = ojson::object();
    e["dtype"] = safetensors_dtype_name(t.dtype());
    e["shape"] = ojson::array();
    for (int64_t s : t.sizes()) e["shape"].push_back(s);
    e["data_offsets"] = ojson::array({p.data_size, p.data_size + n});
    p.data_size += n;
    h[*name] = std::move(e);
  }
  try {
    p.header = h.dump();
  } catch (const nlohmann::json::exception& e) {  // a name or metadata value that is not UTF-8
    fail(dest, std::string("cannot write the header: ") + e.what());
  }
  const size_t padded = (8 + p.header.size() + kHeaderAlign - 1) / kHeaderAlign * kHeaderAlign - 8;
  p.header.append(padded - p.header.size(), ' ');  // whitespace after the JSON (allowed by the format)
  return p;
}

// Writes t's elements in row-major order.
void write_tensor(const Sink& sink, const Tensor& t) {
  if (t.numel() == 0) return;
  if (t.is_contiguous()) {
    const char* p = static_cast<const char*>(t.data_ptr());
    for (size_t done = 0, n = t.nbytes(); done < n; done += std::min(n - done, size_t(1) << 30))
      sink(p + done, std::min(n - done, size_t(1) << 30));
    return;
  }
  if (t.nbytes() <= kChunk || t.dim() <= 1) {
    Tensor c = t.contiguous();
    sink(static_cast<const char*>(c.data_ptr()), c.nbytes());
    return;
  }
  const int64_t rows = t.size(0);
  const size_t row_bytes = t.nbytes() / static_cast<size_t>(rows);
  const int64_t per = std::max<int64_t>(1, static_cast<int64_t>(kChunk / std::max<size_t>(row_bytes, 1)));
  for (int64_t i = 0; i < rows; i += per) {
    const int64_t k = std::min(per, rows - i);
    write_tensor(sink, k == 1 ? t.select(0, i) : t.narrow(0, i, k));
  }
}

void write_all(const Plan& p, const Sink& sink) {
  unsigned char len[8];
  uint64_t n = p.header.size();
  for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
  sink(reinterpret_cast<const char*>(len), 8);
  sink(p.header.data(), p.header.size());
  for (const auto& [name, t] : p.order) write_tensor(sink, t.detach());
}

std::string temp_name(const std::string& path) {
  std::random_device rd;
  return detail::str(path, ".tmp-", ::getpid(), "-", std::hex, (uint64_t(rd()) << 32) ^ rd());
}

std::string parent_dir(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}
}  // namespace

// Note [atomic save]: the bytes go to a temporary file beside path (same folder, so rename is atomic
// on POSIX file systems) that is renamed over path only once every byte is written: a process killed
// mid-write leaves path as it was (absent, or the previous complete file) and at worst a stray
// `<path>.tmp-*`. With fsync the data reach the disk before the rename and the rename reaches it
// before returning (the folder is fsynced too), so power loss cannot leave a truncated file either.
void write_file(const std::string& path, const NamedTensors& tensors, const Metadata& metadata,
                const WriteOptions& options) {
  Plan p = plan(path, tensors, metadata);
  const std::string tmp = temp_name(path);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) fail(path, "cannot create " + tmp + ": " + std::strerror(errno));
  try {
    // Small pieces (the length, the header, tensors under 256 KiB) are gathered into writes of up to
    // 8 MiB; larger ones go to the file straight from the tensor's memory.
    std::string pending;
    auto flush = [&](const char* d, size_t n) {
      while (n > 0) {
        ssize_t w = ::write(fd, d, std::min(n, size_t(1) << 30));
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) fail(path, std::string("write failed: ") + std::strerror(errno));
        d += w;
        n -= static_cast<size_t>(w);
      }
    };
    Sink sink = [&](const char* d, size_t n) {
      if (n >= kDirect) {
        flush(pending.data(), pending.size());
        pending.clear();
        flush(d, n);
        return;
      }
      if (pending.size() + n > kChunk) {
        flush(pending.data(), pending.size());
        pending.clear();
      }
      pending.append(d, n);
    };
    write_all(p, sink);
    flush(pending.data(), pending.size());
    if (options.fsync && ::fsync(fd) != 0) fail(path, std::string("fsync failed: ") + std::strerror(errno));
    if (::close(fd) != 0) {
      fd = -1;
      fail(path, std::string("close failed: ") + std::strerror(errno));
    }
    fd = -1;
    if (::rename(tmp.c_str(), path.c_str()) != 0) fail(path, std::string("cannot rename the temporary file over it: ") + std::strerror(errno));
  } catch (...) {
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  if (options.fsync) {
    int dfd = ::open(parent_dir(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }
}

std::string write_buffer(const NamedTensors& tensors, const Metadata& metadata) {
  Plan p = plan("<buffer>", tensors, metadata);
  std::string out;
  out.reserve(8 + p.header.size() + p.data_size);
  write_all(p, [&](const char* d, size_t n) { out.append(d, n); });
  return out;
}

void write_stream(std::ostream& os, const NamedTensors& tensors, const Metadata& metadata) {
  Plan p = plan("<stream>", tensors, metadata);
  write_all(p, [&](const char* d, size_t n) {
    os.write(d, static_cast<std::streamsize>(n));
    if (!os) fail("<stream>", "the stream failed while writing");
  });
}

}  // namespace ember::serialize
