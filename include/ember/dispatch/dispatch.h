// The kernel table: one entry per (op, device type, dtype). Kernel files fill it through explicit
// register_*() calls (src/kernels/register.cpp); generated op bodies look kernels up.
#pragma once
#include "ember/gen/kernel_sigs.h"

namespace ember::dispatch {

using RawKernel = void (*)();

EMBER_API void register_raw(OpId op, DeviceType device, ScalarType dtype, RawKernel fn);
/// The registered kernel or nullptr.
EMBER_API RawKernel lookup_raw(OpId op, DeviceType device, ScalarType dtype);
/// Throws NotImplementedError naming op, device and dtype.
[[noreturn]] EMBER_API void no_kernel(OpId op, DeviceType device, ScalarType dtype);
/// Schema name of an op.
EMBER_API const char* op_name(OpId op);

namespace meta_detail {
template <class F>
struct MetaKernel;
template <class... A>
struct MetaKernel<void (*)(A...)> {
  static void run(A...) {}
};
}  // namespace meta_detail

/// Registers fn as op's kernel for (device, dtype).
/// Note [meta kernels]: a CPU kernel also registers a kernel that does nothing for (meta, dtype): an
/// op's outputs are allocated (shape, dtype, strides) before its kernel runs, so on meta tensors,
/// which have no memory, the op is complete without it; dtypes without a CPU kernel raise the same
/// NotImplementedError on meta as on CPU (docs/meta_device.md).
template <OpId op>
void register_kernel(DeviceType device, ScalarType dtype, typename KernelSig<op>::fn fn) {
  register_raw(op, device, dtype, reinterpret_cast<RawKernel>(fn));
  if (device == DeviceType::CPU)
    register_raw(op, DeviceType::Meta, dtype,
                 reinterpret_cast<RawKernel>(&meta_detail::MetaKernel<typename KernelSig<op>::fn>::run));
}

/// The kernel for (device, dtype); throws NotImplementedError when there is none.
template <OpId op>
typename KernelSig<op>::fn kernel(DeviceType device, ScalarType dtype) {
  RawKernel k = lookup_raw(op, device, dtype);
  if (__builtin_expect(k == nullptr, 0)) no_kernel(op, device, dtype);
  return reinterpret_cast<typename KernelSig<op>::fn>(k);
}

}  // namespace ember::dispatch
