#include "ember/core/tensor_new.h"
#include "ember/util/pool.h"

namespace ember {

namespace {
struct BlobCtx {
  std::function<void(void*)> deleter;
  void* data;
};
void blob_delete(void* ctx) {
  auto* c = static_cast<BlobCtx*>(ctx);
  if (c->deleter) c->deleter(c->data);
  delete c;
}
}  // namespace

Tensor from_blob(void* data, IntArrayRef sizes, IntArrayRef strides, std::function<void(void*)> deleter,
                 const TensorOptions& options) {
  EMBER_CHECK(strides.size() == sizes.size(), "from_blob: got ", sizes.size(), " sizes but ", strides.size(),
              " strides");
  ScalarType dt = options.dtype();
  int64_t lo = 0, hi = 0;
  bool empty = false;
  for (size_t i = 0; i < sizes.size(); ++i) {
    EMBER_CHECK(sizes[i] >= 0, "from_blob: negative size in ", sizes);
    if (sizes[i] == 0) empty = true;
    int64_t span = (sizes[i] - 1) * strides[i];
    (span < 0 ? lo : hi) += span;
  }
  size_t es = element_size(dt);
  size_t nbytes = empty ? 0 : static_cast<size_t>(hi - lo + 1) * es;
  char* base = static_cast<char*>(data) + lo * static_cast<int64_t>(es);
  auto* ctx = new BlobCtx{std::move(deleter), data};
  auto storage = StorageImpl::wrap(base, nbytes, options.device(), ctx, &blob_delete);
  return Tensor(internal::make_pooled<TensorImpl>(std::move(storage), dt, DimVector(sizes), DimVector(strides), -lo));
}

Tensor from_blob(void* data, IntArrayRef sizes, const TensorOptions& options) {
  return from_blob(data, sizes, contiguous_strides(sizes), nullptr, options);
}

}  // namespace ember
