// Device: where a tensor's memory lives ("cpu", "cuda:0").
#pragma once
#include <cstdint>
#include <ostream>
#include <string>

#include "ember/util/export.h"

namespace ember {

/// Meta: tensors with shape, dtype and strides but no memory (docs/meta_device.md). PrivateUse1
/// ("privateuseone", as PyTorch's): a device type left to out-of-tree backends; ember registers no
/// allocator and no kernels for it (tests install a no-access allocator to check that every op is
/// device-safe: docs/cpu_kernels.md, "Device-safe ops").
enum class DeviceType : int8_t { CPU = 0, CUDA = 1, Meta = 2, PrivateUse1 = 3 };
constexpr int kNumDeviceTypes = 4;
constexpr DeviceType kCPU = DeviceType::CPU;
constexpr DeviceType kCUDA = DeviceType::CUDA;
constexpr DeviceType kMeta = DeviceType::Meta;
constexpr DeviceType kPrivateUse1 = DeviceType::PrivateUse1;

/// A device type plus an index (-1 means "the current one" and is only meaningful for CUDA).
class EMBER_API Device {
 public:
  Device(DeviceType type = DeviceType::CPU, int index = -1)  // NOLINT: implicit as in libtorch
      : type_(type), index_(static_cast<int8_t>(index)) {}
  /// Parses "cpu", "cuda", "cuda:1", "meta", "privateuseone"; throws ember::Error for anything else.
  Device(const std::string& spec);  // NOLINT
  Device(const char* spec) : Device(std::string(spec)) {}  // NOLINT
  DeviceType type() const { return type_; }
  int index() const { return index_; }
  bool has_index() const { return index_ >= 0; }
  bool is_cpu() const { return type_ == DeviceType::CPU; }
  bool is_cuda() const { return type_ == DeviceType::CUDA; }
  bool is_meta() const { return type_ == DeviceType::Meta; }
  bool operator==(const Device& o) const { return type_ == o.type_ && index_ == o.index_; }
  bool operator!=(const Device& o) const { return !(*this == o); }
  /// "cpu", "cuda", "cuda:0".
  std::string str() const;

 private:
  DeviceType type_;
  int8_t index_;
};

EMBER_API const char* device_type_name(DeviceType t);
inline std::ostream& operator<<(std::ostream& os, const Device& d) { return os << d.str(); }

}  // namespace ember
