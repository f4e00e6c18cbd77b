#include "ember/dispatch/dispatch.h"

#include "ember/dispatch/library.h"
#include "ember/dispatch/registry.h"

namespace ember {
namespace kernels {
void register_all();  // src/kernels/register.cpp
}

namespace dispatch {
namespace {
RawKernel g_table[kNumOps][kNumDeviceTypes][kNumScalarTypes];

bool init_once() {
  kernels::register_all();
  return true;
}
}  // namespace

void register_raw(OpId op, DeviceType device, ScalarType dtype, RawKernel fn) {
  g_table[static_cast<int>(op)][static_cast<int>(device)][static_cast<int>(dtype)] = fn;
}

RawKernel lookup_raw(OpId op, DeviceType device, ScalarType dtype) {
  static const bool ready = init_once();
  (void)ready;
  if (dtype == ScalarType::Undefined) return nullptr;
  return g_table[static_cast<int>(op)][static_cast<int>(device)][static_cast<int>(dtype)];
}

const char* op_name(OpId op) {
  auto i = static_cast<size_t>(op);
  if (i >= static_cast<size_t>(kNumOps)) {
    auto reg = registered_ops();
    return i - kNumOps < reg.size() ? reg[i - kNumOps]->name : "?";
  }
  return all_ops()[i].name;
}

void no_kernel(OpId op, DeviceType device, ScalarType dtype) {
  if (device == DeviceType::CUDA)
    throw NotImplementedError(detail::str("\"", op_name(op), "\" has no kernel for device cuda and dtype ",
                                          dtype, ": ember was built without CUDA support"));
  throw NotImplementedError(detail::str("\"", op_name(op), "\" not implemented for '", dtype, "' on ",
                                        device_type_name(device)));
}

}  // namespace dispatch
}  // namespace ember
