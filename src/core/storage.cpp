#include "ember/core/storage.h"
#include "ember/util/pool.h"

namespace ember {

std::shared_ptr<StorageImpl> StorageImpl::allocate(size_t nbytes, Device device) {
  return internal::make_pooled<StorageImpl>(get_allocator(device.type())->allocate(nbytes, device), nbytes);
}

std::shared_ptr<StorageImpl> StorageImpl::wrap(void* data, size_t nbytes, Device device, void* ctx,
                                               DataPtr::Deleter deleter) {
  return internal::make_pooled<StorageImpl>(DataPtr(data, ctx, deleter, device), nbytes);
}

}  // namespace ember
