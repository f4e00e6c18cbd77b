#include "ember/core/device.h"

#include <cctype>

#include "ember/util/error.h"

namespace ember {

const char* device_type_name(DeviceType t) {
  switch (t) {
    case DeviceType::CPU: return "cpu";
    case DeviceType::CUDA: return "cuda";
    case DeviceType::Meta: return "meta";
    case DeviceType::PrivateUse1: return "privateuseone";
  }
  return "unknown";
}

Device::Device(const std::string& spec) : type_(DeviceType::CPU), index_(-1) {
  std::string kind = spec, idx;
  auto colon = spec.find(':');
  if (colon != std::string::npos) {
    kind = spec.substr(0, colon);
    idx = spec.substr(colon + 1);
  }
  if (kind == "cpu") {
    type_ = DeviceType::CPU;
  } else if (kind == "cuda") {
    type_ = DeviceType::CUDA;
  } else if (kind == "meta") {
    type_ = DeviceType::Meta;
  } else if (kind == "privateuseone") {
    type_ = DeviceType::PrivateUse1;
  } else {
    throw Error("Expected one of cpu, cuda, meta, privateuseone device type at start of device string: " + spec);
  }
  if (colon != std::string::npos) {
    bool ok = !idx.empty() && idx.size() < 4;
    for (char c : idx) ok = ok && std::isdigit(static_cast<unsigned char>(c));
    EMBER_CHECK(ok, "Invalid device string: '", spec, "'");
    index_ = static_cast<int8_t>(std::stoi(idx));
  }
}

std::string Device::str() const {
  std::string s = device_type_name(type_);
  if (index_ >= 0) s += ":" + std::to_string(index_);
  return s;
}

}  // namespace ember
