#include "ember/core/storage.h"

#include <algorithm>
#include <cstring>

#include "ember/util/error.h"
#include "ember/util/pool.h"

namespace ember {

std::shared_ptr<StorageImpl> StorageImpl::allocate(size_t nbytes, Device device) {
  auto s = internal::make_pooled<StorageImpl>(get_allocator(device.type())->allocate(nbytes, device), nbytes);
  s->resizable_ = true;
  return s;
}

void StorageImpl::resize(size_t nbytes) {
  EMBER_CHECK(resizable_, "Trying to resize storage that is not resizable");
  if (nbytes == nbytes_) return;
  Device dev = device();
  DataPtr fresh = get_allocator(dev.type())->allocate(nbytes, dev);
  size_t keep = std::min(nbytes, nbytes_);
  if (keep > 0 && dev.type() == kCPU && fresh.get() && data_.get()) std::memcpy(fresh.get(), data_.get(), keep);
  data_ = std::move(fresh);
  nbytes_ = nbytes;
}

std::shared_ptr<StorageImpl> StorageImpl::wrap(void* data, size_t nbytes, Device device, void* ctx,
                                               DataPtr::Deleter deleter) {
  return internal::make_pooled<StorageImpl>(DataPtr(data, ctx, deleter, device), nbytes);
}

}  // namespace ember
