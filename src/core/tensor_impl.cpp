#include "ember/core/tensor_impl.h"
#include <cstdint>

namespace ember {

DimVector contiguous_strides(IntArrayRef sizes) {
  DimVector st(sizes.size());
  int64_t acc = 1;
  for (size_t i = sizes.size(); i-- > 0;) {
    st[i] = acc;
    acc *= std::max<int64_t>(sizes[i], 1);
  }
  return st;
}

namespace {
/// The product of sizes, or false when a size is negative or the product overflows int64
/// (a zero anywhere makes the product 0, as it is in PyTorch, whatever the other sizes).
bool checked_numel(IntArrayRef sizes, int64_t* out) {
  int64_t n = 1;
  bool overflow = false;
  for (int64_t s : sizes) {
    if (s < 0) return false;
    if (s == 0) {
      *out = 0;
      return true;
    }
    overflow |= __builtin_mul_overflow(n, s, &n);
  }
  *out = n;
  return !overflow;
}
}  // namespace

int64_t compute_numel(IntArrayRef sizes) {
  int64_t n = 1;
  if (!checked_numel(sizes, &n)) {
    for (int64_t s : sizes) EMBER_CHECK_VALUE(s >= 0, "negative dimension ", s, " in shape ", sizes);
    throw Error(detail::str("numel: integer multiplication overflow (sizes=", sizes, ")"));
  }
  return n;
}

size_t compute_storage_nbytes(IntArrayRef sizes, size_t itemsize) {
  int64_t n = 1, bytes = 0;
  bool ok = checked_numel(sizes, &n) && !__builtin_mul_overflow(n, static_cast<int64_t>(itemsize), &bytes);
  EMBER_CHECK(ok, "Storage size calculation overflowed with sizes=", sizes);
  return static_cast<size_t>(bytes);
}

TensorImpl::TensorImpl(Storage storage, ScalarType dtype, DimVector sizes, DimVector strides, int64_t offset)
    : storage_(std::move(storage)), sizes_(std::move(sizes)), strides_(std::move(strides)), offset_(offset),
      dtype_(dtype) {
  version_ = &storage_->version_counter();
  refresh();
}

TensorImpl::TensorImpl(Storage storage, ScalarType dtype, IntArrayRef sizes, int64_t numel)
    : storage_(std::move(storage)), sizes_(sizes), offset_(0), numel_(numel), dtype_(dtype) {
  version_ = &storage_->version_counter();
  strides_.resize(sizes.size());
  int64_t acc = 1;
  for (size_t i = sizes.size(); i-- > 0;) {
    strides_[i] = acc;
    acc *= std::max<int64_t>(sizes[i], 1);
  }
}

void TensorImpl::set_version_counter(std::shared_ptr<VersionCounter> v) {
  version_ = v.get();
  if (version_ == &storage_->version_counter()) own_version_.reset();
  else own_version_ = std::move(v);
}

void TensorImpl::share_version_counter(const TensorImpl& other) {
  if (!other.own_version_ && other.storage_ == storage_) {
    version_ = &storage_->version_counter();
    own_version_.reset();
  } else {
    set_version_counter(other.shared_version_counter());
  }
}

TensorImpl::~TensorImpl() = default;

void TensorImpl::set_sizes_and_strides(IntArrayRef sizes, IntArrayRef strides, int64_t offset) {
  sizes_.assign(sizes);
  strides_.assign(strides);
  offset_ = offset;
  refresh();
}

void TensorImpl::resize(IntArrayRef sizes) {
  if (IntArrayRef(sizes_).equals(sizes)) return;
  DimVector st = contiguous_strides(sizes);
  size_t es = element_size(dtype_);
  size_t need = compute_storage_nbytes(sizes, es);  // checks sizes and overflow
  if (need > 0) {
    size_t off = static_cast<size_t>(offset_) * es;
    EMBER_CHECK(need <= SIZE_MAX - off, "Storage size calculation overflowed with sizes=", sizes);
    need += off;
    if (need > storage_->nbytes()) storage_->resize(need);
  }
  set_sizes_and_strides(sizes, st, offset_);
}

void TensorImpl::set_autograd_meta(std::unique_ptr<autograd::AutogradMetaBase> m) { autograd_ = std::move(m); }

void TensorImpl::refresh() {
  // Note [size overflow]: views (expand, as_strided, from_blob) come here without an allocation.
  if (!checked_numel(sizes_, &numel_)) {
    for (int64_t s : sizes_) EMBER_CHECK(s >= 0, "Trying to create tensor with negative dimension ", s, ": ", sizes_);
    throw Error(detail::str("numel: integer multiplication overflow (sizes=", sizes_, ")"));
  }
  // Contiguous: row-major strides, ignoring dims of size 1 (as PyTorch does).
  contiguous_ = true;
  int64_t expected = 1;
  for (size_t i = sizes_.size(); i-- > 0;) {
    if (sizes_[i] == 1) continue;
    if (strides_[i] != expected) {
      contiguous_ = numel_ == 0;
      break;
    }
    expected *= sizes_[i];
  }
}

}  // namespace ember
