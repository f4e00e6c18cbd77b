#include "ember/core/dlpack.h"

#include <vector>

#include "ember/core/tensor_new.h"

namespace ember {
namespace {

DLDataType to_dl_dtype(ScalarType t) {
  DLDataType d;
  d.lanes = 1;
  d.bits = static_cast<uint8_t>(element_size(t) * 8);
  switch (t) {
    case kBool: d.code = 6; break;  // kDLBool (DLPack >= 0.8)
    case kUInt8: d.code = kDLUInt; break;
    case kInt8: case kInt16: case kInt32: case kInt64: d.code = kDLInt; break;
    case kBFloat16: d.code = kDLBfloat; break;
    default: d.code = kDLFloat; break;
  }
  return d;
}

ScalarType from_dl_dtype(DLDataType d) {
  EMBER_CHECK_TYPE(d.lanes == 1, "from_dlpack: vector dtypes (lanes = ", d.lanes, ") are not supported");
  switch (d.code) {
    case 6:
      if (d.bits == 8) return kBool;
      break;
    case kDLUInt:
      if (d.bits == 8) return kUInt8;
      if (d.bits == 1) return kBool;
      break;
    case kDLInt:
      if (d.bits == 8) return kInt8;
      if (d.bits == 16) return kInt16;
      if (d.bits == 32) return kInt32;
      if (d.bits == 64) return kInt64;
      break;
    case kDLFloat:
      if (d.bits == 16) return kFloat16;
      if (d.bits == 32) return kFloat32;
      if (d.bits == 64) return kFloat64;
      break;
    case kDLBfloat:
      if (d.bits == 16) return kBFloat16;
      break;
  }
  throw TypeError(detail::str("from_dlpack: unsupported DLPack dtype (code ", int(d.code), ", bits ", int(d.bits),
                              ")"));
}

DLDevice to_dl_device(Device d) {
  EMBER_CHECK(!d.is_meta(), "DLPack: a meta tensor has no data to export (DLPack has no meta device)");
  return d.is_cpu() ? DLDevice{kDLCPU, 0} : DLDevice{kDLCUDA, d.index() < 0 ? 0 : d.index()};
}

/// Keeps the exported tensor (and its shape/stride arrays) alive until the consumer lets go.
struct ExportCtx {
  Tensor t;
  std::vector<int64_t> shape, strides;
};

void fill(DLTensor& dl, ExportCtx* ctx) {
  const Tensor& t = ctx->t;
  ctx->shape = t.sizes().vec();
  ctx->strides = t.strides().vec();
  dl.data = t.numel() ? static_cast<char*>(t.impl()->storage()->data()) : nullptr;
  dl.byte_offset = t.numel() ? static_cast<uint64_t>(t.storage_offset()) * t.element_size() : 0;
  if (!dl.data) dl.data = t.data_ptr();
  dl.device = to_dl_device(t.device());
  dl.ndim = static_cast<int32_t>(t.dim());
  dl.dtype = to_dl_dtype(t.dtype());
  dl.shape = ctx->shape.data();
  dl.strides = ctx->strides.data();
}

Device device_of(const DLDevice& d) {
  if (d.device_type == kDLCPU) return Device(kCPU);
  if (d.device_type == kDLCUDA) return Device(kCUDA, d.device_id);
  throw Error(detail::str("from_dlpack: unsupported device type ", int(d.device_type)));
}

Tensor import(const DLTensor& dl, void* owner, void (*release)(void*)) {
  ScalarType st = from_dl_dtype(dl.dtype);
  DimVector sizes(IntArrayRef(dl.shape, static_cast<size_t>(dl.ndim)));
  DimVector strides = dl.strides ? DimVector(IntArrayRef(dl.strides, static_cast<size_t>(dl.ndim))) : contiguous_strides(sizes);
  char* data = static_cast<char*>(dl.data) + dl.byte_offset;
  return from_blob(data, sizes, strides, [owner, release](void*) { release(owner); },
                   TensorOptions(st).device(device_of(dl.device)));
}

}  // namespace

DLManagedTensor* to_dlpack(const Tensor& t) {
  t.check_defined("to_dlpack");
  to_dl_device(t.device());  // refuses a meta tensor before anything is allocated
  auto* ctx = new ExportCtx{t, {}, {}};
  auto* m = new DLManagedTensor{};
  fill(m->dl_tensor, ctx);
  m->manager_ctx = ctx;
  m->deleter = [](DLManagedTensor* self) {
    delete static_cast<ExportCtx*>(self->manager_ctx);
    delete self;
  };
  return m;
}

DLManagedTensorVersioned1* to_dlpack_versioned(const Tensor& t) {
  t.check_defined("to_dlpack");
  to_dl_device(t.device());  // refuses a meta tensor before anything is allocated
  auto* ctx = new ExportCtx{t, {}, {}};
  auto* m = new DLManagedTensorVersioned1{};
  m->version = {1, 0};
  fill(m->dl_tensor, ctx);
  m->manager_ctx = ctx;
  m->flags = 0;
  m->deleter = [](DLManagedTensorVersioned1* self) {
    delete static_cast<ExportCtx*>(self->manager_ctx);
    delete self;
  };
  return m;
}

Tensor from_dlpack(DLManagedTensor* src) {
  EMBER_CHECK(src != nullptr, "from_dlpack: null DLManagedTensor");
  return import(src->dl_tensor, src, [](void* p) {
    auto* m = static_cast<DLManagedTensor*>(p);
    if (m->deleter) m->deleter(m);
  });
}

Tensor from_dlpack(DLManagedTensorVersioned1* src) {
  EMBER_CHECK(src != nullptr, "from_dlpack: null DLManagedTensorVersioned");
  EMBER_CHECK(src->version.major == 1, "from_dlpack: unsupported DLPack major version ", src->version.major);
  EMBER_CHECK(!(src->flags & kDLPackFlagReadOnly), "from_dlpack: the producer exported read-only memory, which "
              "ember tensors cannot represent (copy it first)");
  return import(src->dl_tensor, src, [](void* p) {
    auto* m = static_cast<DLManagedTensorVersioned1*>(p);
    if (m->deleter) m->deleter(m);
  });
}

}  // namespace ember
