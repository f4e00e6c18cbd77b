// View and layout ops: views share storage and the version counter with their base.
#include <algorithm>

#include "ember/gen/native.h"
#include "ember/util/pool.h"
#include "ops/view_utils.h"

namespace ember::native {

static int64_t wrap(const char* op, int64_t dim, int64_t ndim) {
  int64_t n = std::max<int64_t>(ndim, 1);
  EMBER_CHECK_INDEX(dim >= -n && dim < n, op, ": dimension out of range (expected to be in range of [", -n, ", ",
                    n - 1, "], but got ", dim, ")");
  return dim < 0 ? dim + n : dim;
}


/// Resolves one -1 in a requested shape against numel.
static DimVector infer_size(const char* op, IntArrayRef shape, int64_t numel) {
  DimVector out(shape);
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      EMBER_CHECK(infer < 0, op, ": only one dimension can be inferred");
      infer = static_cast<int64_t>(i);
    } else {
      EMBER_CHECK(shape[i] >= 0, op, ": invalid shape dimension ", shape[i]);
      known *= shape[i];
    }
  }
  if (infer >= 0) {
    EMBER_CHECK(known != 0 && numel % known == 0, op, ": shape '", shape, "' is invalid for input of size ", numel);
    out[infer] = numel / known;
  } else {
    EMBER_CHECK(known == numel, op, ": shape '", shape, "' is invalid for input of size ", numel);
  }
  return out;
}

/// Strides for viewing (sizes, strides) as new_sizes without copying, or nothing if impossible
/// (PyTorch's computeStride: each chunk of old dims that stays contiguous maps onto new dims).
static std::optional<DimVector> view_strides(IntArrayRef old_sizes, IntArrayRef old_strides, IntArrayRef new_sizes) {
  DimVector out(new_sizes.size());
  if (old_sizes.empty()) {
    for (auto& s : out) s = 1;
    return out;
  }
  int64_t numel = compute_numel(old_sizes);
  if (numel == 0) {
    if (old_sizes.equals(new_sizes)) return DimVector(old_strides);
    return contiguous_strides(new_sizes);
  }
  int64_t view_d = static_cast<int64_t>(new_sizes.size()) - 1;
  int64_t chunk_base_stride = old_strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t tensor_d = static_cast<int64_t>(old_sizes.size()) - 1; tensor_d >= 0; tensor_d--) {
    tensor_numel *= old_sizes[tensor_d];
    if (tensor_d == 0 ||
        (old_sizes[tensor_d - 1] != 1 && old_strides[tensor_d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || new_sizes[view_d] == 1)) {
        out[view_d] = view_numel * chunk_base_stride;
        view_numel *= new_sizes[view_d];
        view_d--;
      }
      if (view_numel != tensor_numel) return std::nullopt;
      if (tensor_d > 0) {
        chunk_base_stride = old_strides[tensor_d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return out;
}

Tensor view(const Tensor& self, IntArrayRef size) {
  self.check_defined("view");
  DimVector shape = infer_size("view", size, self.numel());
  auto st = view_strides(self.sizes(), self.strides(), shape);
  EMBER_CHECK(st.has_value(), "view size is not compatible with input tensor's size and stride (at least one "
              "dimension spans across two contiguous subspaces). Use .reshape(...) instead. (input shape ",
              self.sizes(), ", strides ", self.strides(), ", requested ", size, ")");
  return make_view(self, shape, *st, self.storage_offset());
}

Tensor view_dtype(const Tensor& self, ScalarType dtype) {
  // PyTorch's rules: the same element size keeps sizes and strides; a smaller one splits each element
  // of the (unit-stride) last dim, a larger one merges them, so sizes, strides and the offset scale.
  self.check_defined("view");
  int64_t from = static_cast<int64_t>(element_size(self.dtype())), to = static_cast<int64_t>(element_size(dtype));
  DimVector sizes(self.sizes()), strides(self.strides());
  int64_t off = self.storage_offset();
  auto what = [&] { return detail::str(" to view ", scalar_type_name(self.dtype()), " as ", scalar_type_name(dtype),
                                       " (different element sizes)"); };
  if (from != to) {
    int64_t n = self.dim();
    EMBER_CHECK(n > 0, "self.dim() cannot be 0", what());
    if (from > to) {
      int64_t r = from / to;
      EMBER_CHECK(strides[n - 1] == 1, "self.stride(-1) must be 1", what(), ", but got ", strides[n - 1]);
      for (int64_t d = 0; d < n - 1; ++d) strides[d] *= r;
      sizes[n - 1] *= r;
      off *= r;
    } else {
      int64_t r = to / from;
      EMBER_CHECK(sizes[n - 1] % r == 0, "self.size(-1) must be divisible by ", r, what(), ", but got ", sizes[n - 1]);
      EMBER_CHECK(strides[n - 1] == 1, "self.stride(-1) must be 1", what(), ", but got ", strides[n - 1]);
      EMBER_CHECK(off % r == 0, "self.storage_offset() must be divisible by ", r, what(), ", but got ", off);
      for (int64_t d = 0; d < n - 1; ++d)
        EMBER_CHECK(strides[d] % r == 0, "self.stride(", d, ") must be divisible by ", r, what(), ", but got ",
                    strides[d]);
      for (int64_t d = 0; d < n - 1; ++d) strides[d] /= r;
      sizes[n - 1] /= r;
      off /= r;
    }
  }
  auto impl = internal::make_pooled<TensorImpl>(self.impl()->storage(), dtype, sizes, strides, off);
  impl->share_version_counter(*self.impl());
  const auto& base = self.impl()->view_base();
  impl->set_view_base(base ? base : self.impl());
  return Tensor(std::move(impl));
}

Tensor reshape(const Tensor& self, IntArrayRef shape) {
  self.check_defined("reshape");
  DimVector s = infer_size("reshape", shape, self.numel());
  auto st = view_strides(self.sizes(), self.strides(), s);
  if (st) return self.view(s);  // composite: through the public ops, so autograd records them
  return self.clone().view(s);
}

Tensor transpose(const Tensor& self, int64_t dim0, int64_t dim1) {
  self.check_defined("transpose");
  int64_t n = self.dim();
  int64_t a = wrap("transpose", dim0, n), b = wrap("transpose", dim1, n);
  if (n == 0) return make_view(self, {}, {}, self.storage_offset());
  DimVector sizes(self.sizes()), strides(self.strides());
  std::swap(sizes[a], sizes[b]);
  std::swap(strides[a], strides[b]);
  return make_view(self, sizes, strides, self.storage_offset());
}

Tensor permute(const Tensor& self, IntArrayRef dims) {
  self.check_defined("permute");
  int64_t n = self.dim();
  EMBER_CHECK(static_cast<int64_t>(dims.size()) == n, "permute(sparse_coo): number of dimensions in the tensor "
              "input does not match the length of the desired ordering of dimensions i.e. input.dim() = ", n,
              " is not equal to len(dims) = ", dims.size());
  DimVector sizes(n), strides(n);
  std::vector<bool> seen(n, false);
  for (int64_t i = 0; i < n; ++i) {
    int64_t d = wrap("permute", dims[i], n);
    EMBER_CHECK(!seen[d], "permute: repeated dim ", dims[i], " in ", dims);
    seen[d] = true;
    sizes[i] = self.sizes()[d];
    strides[i] = self.strides()[d];
  }
  return make_view(self, sizes, strides, self.storage_offset());
}

Tensor expand(const Tensor& self, IntArrayRef size) {
  self.check_defined("expand");
  int64_t n = static_cast<int64_t>(size.size()), nd = self.dim();
  EMBER_CHECK(n >= nd, "expand: the number of sizes provided (", n, ") must be greater or equal to the number "
              "of dimensions in the tensor (", nd, ")");
  DimVector sizes(n), strides(n);
  for (int64_t i = n - 1; i >= 0; --i) {
    int64_t off = n - 1 - i, d = nd - 1 - off;
    int64_t want = size[i];
    if (d >= 0) {
      int64_t have = self.sizes()[d];
      if (want == -1) want = have;
      EMBER_CHECK(want >= 0, "expand: the expanded size of the tensor (", want, ") must be non-negative at "
                  "dimension ", i, ".  Target sizes: ", size, ".  Tensor sizes: ", self.sizes());
      EMBER_CHECK(have == want || have == 1, "expand: the expanded size of the tensor (", want,
                  ") must match the existing size (", have, ") at non-singleton dimension ", i,
                  ".  Target sizes: ", size, ".  Tensor sizes: ", self.sizes());
      sizes[i] = want;
      strides[i] = have == want ? self.strides()[d] : 0;
    } else {
      EMBER_CHECK(want >= 0, "expand: the expanded size of the tensor (", want,
                  ") isn't allowed in a leading, non-existing dimension ", i);
      sizes[i] = want;
      strides[i] = 0;
    }
  }
  return make_view(self, sizes, strides, self.storage_offset());
}

Tensor contiguous(const Tensor& self) {
  self.check_defined("contiguous");
  return self.is_contiguous() ? self : self.clone();
}

Tensor clone(const Tensor& self) {
  self.check_defined("clone");
  Tensor out = ember::empty(self.sizes(), self.options());
  return out.copy_(self);
}

Tensor to(const Tensor& self, std::optional<Device> device, std::optional<ScalarType> dtype, bool non_blocking,
          bool copy) {
  self.check_defined("to");
  Device dev = device.value_or(self.device());
  if (dev.is_cuda() && !dev.has_index()) dev = Device(DeviceType::CUDA, 0);
  ScalarType dt = dtype.value_or(self.dtype());
  if (!copy && dev == self.device() && dt == self.dtype()) return self;
  Tensor out = ember::empty(self.sizes(), TensorOptions(dt).device(dev));
  return out.copy_(self, non_blocking);
}

Tensor to_device(const Tensor& self, Device device, ScalarType dtype, bool non_blocking, bool copy) {
  return self.to(std::optional<Device>(device), std::optional<ScalarType>(dtype), non_blocking, copy);
}
Tensor to_dtype(const Tensor& self, ScalarType dtype, bool non_blocking, bool copy) {
  return self.to(std::nullopt, std::optional<ScalarType>(dtype), non_blocking, copy);
}
Tensor to_other(const Tensor& self, const Tensor& other, bool non_blocking, bool copy) {
  other.check_defined("to");
  return self.to(std::optional<Device>(other.device()), std::optional<ScalarType>(other.dtype()), non_blocking, copy);
}

}  // namespace ember::native
