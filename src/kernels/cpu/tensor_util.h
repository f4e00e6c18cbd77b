// Kernel-level tensor helpers: what CPU kernels use instead of public ops. No op body, no autograd, no
// version counter, no device choice: CPU allocation, views by sizes and strides, and copies and fills
// through the CPU kernels themselves (docs/cpu_kernels.md, "Device-safe ops").
#pragma once
#include <vector>

#include "ember/core/tensor.h"
#include "ember/dispatch/dispatch.h"
#include "ember/util/pool.h"

namespace ember::cpu {

/// A fresh contiguous CPU tensor.
inline Tensor empty_cpu(IntArrayRef sizes, ScalarType dtype) {
  auto storage = StorageImpl::allocate(compute_storage_nbytes(sizes, element_size(dtype)), Device(kCPU));
  return Tensor(internal::make_pooled<TensorImpl>(std::move(storage), dtype, DimVector(sizes),
                                                  contiguous_strides(sizes), 0));
}

/// t's memory seen with other sizes, strides and offset (no checks: the caller stays inside t).
inline Tensor restrided(const Tensor& t, IntArrayRef sizes, IntArrayRef strides, int64_t offset) {
  const TensorImpl& i = *t.unsafeGetTensorImpl();
  return Tensor(internal::make_pooled<TensorImpl>(i.storage(), t.dtype(), DimVector(sizes), DimVector(strides),
                                                  offset));
}

/// t with its dims in the order perm (a view).
inline Tensor permuted(const Tensor& t, IntArrayRef perm) {
  DimVector sizes, strides;
  for (int64_t d : perm) {
    sizes.push_back(t.sizes()[d]);
    strides.push_back(t.strides()[d]);
  }
  return restrided(t, sizes, strides, t.storage_offset());
}

/// dst = src (dtype conversion and broadcasting) by the CPU copy kernel.
inline void copy_into(const Tensor& dst, const Tensor& src) {
  dispatch::kernel<OpId::copy_>(kCPU, dst.dtype())(dst, src, false);
}

/// Every element of t set to v by the CPU fill kernel.
inline void fill(const Tensor& t, const Scalar& v) { dispatch::kernel<OpId::fill_>(kCPU, t.dtype())(t, v); }

/// t itself when it is contiguous and of dtype dt (Undefined: t's), else a contiguous copy.
inline Tensor contiguous_copy(const Tensor& t, ScalarType dt = ScalarType::Undefined) {
  if (dt == ScalarType::Undefined) dt = t.dtype();
  if (dt == t.dtype() && t.is_contiguous()) return t;
  Tensor r = empty_cpu(t.sizes(), dt);
  copy_into(r, t);
  return r;
}

}  // namespace ember::cpu
