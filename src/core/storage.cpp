#include "ember/core/storage.h"

namespace ember {

std::shared_ptr<StorageImpl> StorageImpl::allocate(size_t nbytes, Device device) {
  return std::make_shared<StorageImpl>(get_allocator(device.type())->allocate(nbytes, device), nbytes);
}

std::shared_ptr<StorageImpl> StorageImpl::wrap(void* data, size_t nbytes, Device device, void* ctx,
                                               DataPtr::Deleter deleter) {
  return std::make_shared<StorageImpl>(DataPtr(data, ctx, deleter, device), nbytes);
}

}  // namespace ember
