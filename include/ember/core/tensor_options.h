// TensorOptions: dtype, device and requires_grad for factory functions, as libtorch spells them.
#pragma once
#include <optional>

#include "ember/core/device.h"
#include "ember/core/dtype.h"

namespace ember {

/// Builder of factory options: `TensorOptions().dtype(kFloat64).device("cpu")`.
class TensorOptions {
 public:
  TensorOptions() = default;
  TensorOptions(ScalarType t) : dtype_(t) {}    // NOLINT: implicit as in libtorch
  TensorOptions(Device d) : device_(d) {}        // NOLINT
  TensorOptions(DeviceType d) : device_(d) {}    // NOLINT
  TensorOptions dtype(ScalarType t) const {
    auto o = *this;
    o.dtype_ = t;
    return o;
  }
  TensorOptions dtype(std::optional<ScalarType> t) const {
    auto o = *this;
    o.dtype_ = t;
    return o;
  }
  TensorOptions device(Device d) const {
    auto o = *this;
    o.device_ = d;
    return o;
  }
  TensorOptions device(std::optional<Device> d) const {
    auto o = *this;
    o.device_ = d;
    return o;
  }
  /// `.device(kCPU)`, `.device(kCUDA, 1)` as in libtorch.
  TensorOptions device(DeviceType t, int index = -1) const { return device(Device(t, index)); }
  TensorOptions requires_grad(bool r) const {
    auto o = *this;
    o.requires_grad_ = r;
    return o;
  }
  ScalarType dtype() const { return dtype_ ? *dtype_ : get_default_dtype(); }
  std::optional<ScalarType> dtype_opt() const { return dtype_; }
  Device device() const { return device_ ? *device_ : Device(DeviceType::CPU); }
  std::optional<Device> device_opt() const { return device_; }
  bool requires_grad() const { return requires_grad_; }

 private:
  std::optional<ScalarType> dtype_;
  std::optional<Device> device_;
  bool requires_grad_ = false;
};

inline TensorOptions dtype(ScalarType t) { return TensorOptions(t); }
inline TensorOptions device(Device d) { return TensorOptions(d); }
inline TensorOptions device(DeviceType t, int index = -1) { return TensorOptions(Device(t, index)); }
inline TensorOptions requires_grad(bool r = true) { return TensorOptions().requires_grad(r); }

}  // namespace ember
