// DLPack interop (zero-copy exchange with numpy, PyTorch, JAX, CuPy). Both the legacy
// DLManagedTensor (DLPack < 1.0) and DLManagedTensorVersioned (1.x, what numpy 2 and PyTorch 2 use).
#pragma once
#include <dlpack/dlpack.h>

#include "ember/core/tensor.h"

namespace ember {

/// DLPack 1.x's versioned managed tensor (defined here: the system header may predate 1.0).
struct EmberDLPackVersion {
  uint32_t major;
  uint32_t minor;
};
struct DLManagedTensorVersioned1 {
  EmberDLPackVersion version;
  void* manager_ctx;
  void (*deleter)(DLManagedTensorVersioned1* self);
  uint64_t flags;
  DLTensor dl_tensor;
};
constexpr uint64_t kDLPackFlagReadOnly = 1;

/// Exports t (no copy); the consumer calls the returned object's deleter when done.
EMBER_API DLManagedTensor* to_dlpack(const Tensor& t);
EMBER_API DLManagedTensorVersioned1* to_dlpack_versioned(const Tensor& t);
/// Imports a managed tensor (no copy); ember calls its deleter when the last view dies.
EMBER_API Tensor from_dlpack(DLManagedTensor* src);
EMBER_API Tensor from_dlpack(DLManagedTensorVersioned1* src);

}  // namespace ember
