// View ops (results share storage and the version counter with self) and flip/roll (copies).
// Error messages follow PyTorch's.
#include <algorithm>
#include "ember/util/pool.h"
#include <numeric>

#include "ember/gen/native.h"
#include "ops/dim_util.h"
#include "ops/view_utils.h"

namespace ember::native {

namespace {


}  // namespace

Tensor make_view(const Tensor& self, IntArrayRef sizes, IntArrayRef strides, int64_t offset) {
  auto impl = internal::make_pooled<TensorImpl>(self.impl()->storage(), self.dtype(), DimVector(sizes),
                                           DimVector(strides), offset);
  impl->share_version_counter(*self.impl());
  const auto& base = self.impl()->view_base();
  impl->set_view_base(base ? base : self.impl());
  return Tensor(std::move(impl));
}

Tensor unsqueeze(const Tensor& self, int64_t dim) {
  self.check_defined("unsqueeze");
  int64_t d = wrap_dim(dim, self.dim() + 1);
  DimVector sizes(self.sizes()), strides(self.strides());
  int64_t st = d < self.dim() ? sizes[d] * strides[d] : 1;
  sizes.insert(d, 1);
  strides.insert(d, st);
  return make_view(self, sizes, strides, self.storage_offset());
}

Tensor squeeze(const Tensor& self, const OptionalIntArrayRef& dim) {
  self.check_defined("squeeze");
  int64_t n = self.dim();
  std::vector<bool> drop(n, false);
  if (!dim) {
    for (int64_t i = 0; i < n; ++i) drop[i] = self.sizes()[i] == 1;
  } else {
    for (int64_t x : *dim) {
      int64_t d = wrap_dim(x, n);
      if (n > 0) drop[d] = self.sizes()[d] == 1;
    }
  }
  DimVector sizes, strides;
  for (int64_t i = 0; i < n; ++i) {
    if (drop[i]) continue;
    sizes.push_back(self.sizes()[i]);
    strides.push_back(self.strides()[i]);
  }
  return make_view(self, sizes, strides, self.storage_offset());
}

Tensor flatten(const Tensor& self, int64_t start_dim, int64_t end_dim) {
  self.check_defined("flatten");
  int64_t n = self.dim();
  int64_t s = wrap_dim(start_dim, n), e = wrap_dim(end_dim, n);
  EMBER_CHECK(s <= e, "flatten() has invalid args: start_dim cannot come after end_dim");
  if (n == 0) return self.reshape({1});
  if (s == e) return self.view(self.sizes());  // a view, recorded like any other
  DimVector shape;
  for (int64_t i = 0; i < s; ++i) shape.push_back(self.sizes()[i]);
  int64_t m = 1;
  for (int64_t i = s; i <= e; ++i) m *= self.sizes()[i];
  shape.push_back(m);
  for (int64_t i = e + 1; i < n; ++i) shape.push_back(self.sizes()[i]);
  return self.reshape(shape);
}

Tensor unflatten(const Tensor& self, int64_t dim, IntArrayRef sizes) {
  self.check_defined("unflatten");
  int64_t n = self.dim();
  int64_t d = wrap_dim(dim, n);
  EMBER_CHECK(!sizes.empty(), "unflatten: sizes must be non-empty");
  int64_t have = n == 0 ? 1 : self.sizes()[d];
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == -1) {
      EMBER_CHECK(infer < 0, "unflatten: only one dimension can be inferred");
      infer = static_cast<int64_t>(i);
    } else {
      known *= sizes[i];
    }
  }
  DimVector ins(sizes);
  if (infer >= 0) {
    EMBER_CHECK(known != 0 && have % known == 0, "unflatten: Provided sizes ", sizes,
                " don't multiply up to the size of dim ", dim, " (", have, ") in the input tensor");
    ins[infer] = have / known;
  } else {
    EMBER_CHECK(known == have, "unflatten: Provided sizes ", sizes, " don't multiply up to the size of dim ", dim,
                " (", have, ") in the input tensor");
  }
  DimVector shape;
  for (int64_t i = 0; i < d; ++i) shape.push_back(self.sizes()[i]);
  for (int64_t s : ins) shape.push_back(s);
  for (int64_t i = d + 1; i < n; ++i) shape.push_back(self.sizes()[i]);
  return self.reshape(shape);
}

Tensor narrow(const Tensor& self, int64_t dim, int64_t start, int64_t length) {
  self.check_defined("narrow");
  EMBER_CHECK(self.dim() > 0, "narrow() cannot be applied to a 0-dim tensor.");
  EMBER_CHECK(length >= 0, "narrow(): length must be non-negative.");
  int64_t d = wrap_dim(dim, self.dim());
  int64_t size = self.sizes()[d];
  EMBER_CHECK_INDEX(start >= -size && start <= size, "start out of range (expected to be in range of [", -size, ", ",
                    size, "], but got ", start, ")");
  if (start < 0) start += size;
  EMBER_CHECK(start <= size - length, "start (", start, ") + length (", length, ") exceeds dimension size (", size,
              ").");
  DimVector sizes(self.sizes());
  sizes[d] = length;
  return make_view(self, sizes, self.strides(), self.storage_offset() + start * self.strides()[d]);
}

Tensor slice(const Tensor& self, int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end,
             int64_t step) {
  self.check_defined("slice");
  EMBER_CHECK_INDEX(self.dim() > 0, "slice() cannot be applied to a 0-dim tensor.");
  EMBER_CHECK_VALUE(step != 0, "slice step cannot be zero");
  int64_t d = wrap_dim(dim, self.dim());
  int64_t n = self.sizes()[d];
  auto norm = [&](std::optional<int64_t> v, int64_t dflt, int64_t lo, int64_t hi) {
    if (!v) return dflt;
    int64_t x = *v < 0 ? *v + n : *v;
    return std::clamp(x, lo, hi);
  };
  int64_t b, len;  // Python's slice.indices(n), then the length of range(b, e, step)
  if (step > 0) {
    b = norm(start, 0, 0, n);
    int64_t e = norm(end, n, 0, n);
    len = e > b ? (e - b + step - 1) / step : 0;
  } else {
    b = norm(start, n - 1, -1, n - 1);
    int64_t e = norm(end, -1, -1, n - 1);
    len = b > e ? (b - e - step - 1) / (-step) : 0;
  }
  DimVector sizes(self.sizes()), strides(self.strides());
  // An empty slice keeps PyTorch's offset (start clamped to [0, n]: x[1:1] has offset 1); a negative
  // step (an ember extension) may have b == -1 there, so its empty slices keep self's offset.
  int64_t offset = self.storage_offset() + (len > 0 || step > 0 ? b * strides[d] : 0);
  sizes[d] = len;
  strides[d] *= step;
  return make_view(self, sizes, strides, offset);
}

Tensor select(const Tensor& self, int64_t dim, int64_t index) {
  self.check_defined("select");
  EMBER_CHECK_INDEX(self.dim() > 0, "select() cannot be applied to a 0-dim tensor.");
  int64_t d = wrap_dim(dim, self.dim());
  int64_t size = self.sizes()[d];
  EMBER_CHECK_INDEX(index >= -size && index < size, "select(): index ", index, " out of range for tensor of size ",
                    self.sizes(), " at dimension ", d);
  if (index < 0) index += size;
  DimVector sizes(self.sizes()), strides(self.strides());
  int64_t offset = self.storage_offset() + index * strides[d];
  sizes.erase(d);
  strides.erase(d);
  return make_view(self, sizes, strides, offset);
}

Tensor movedim(const Tensor& self, IntArrayRef source, IntArrayRef destination) {
  self.check_defined("movedim");
  int64_t n = self.dim();
  EMBER_CHECK(source.size() == destination.size(), "movedim: Invalid source or destination dims: source (", source,
              " dims) should contain the same number of dims as destination (", destination, " dims)");
  std::vector<int64_t> order(n, -1);
  std::vector<bool> src_used(n, false), dst_used(n, false);
  for (size_t i = 0; i < source.size(); ++i) {
    int64_t s = wrap_dim(source[i], n), t = wrap_dim(destination[i], n);
    if (n == 0) continue;
    EMBER_CHECK(!src_used[s], "movedim: repeated dim in `source` (", source, ")");
    EMBER_CHECK(!dst_used[t], "movedim: repeated dim in `destination` (", destination, ")");
    src_used[s] = dst_used[t] = true;
    order[t] = s;
  }
  int64_t next = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (order[i] >= 0) continue;
    while (src_used[next]) ++next;
    order[i] = next++;
  }
  DimVector sizes(n), strides(n);
  for (int64_t i = 0; i < n; ++i) {
    sizes[i] = self.sizes()[order[i]];
    strides[i] = self.strides()[order[i]];
  }
  return make_view(self, sizes, strides, self.storage_offset());
}

Tensor expand_as(const Tensor& self, const Tensor& other) {
  other.check_defined("expand_as");
  return self.expand(other.sizes());
}

Tensor diagonal(const Tensor& self, int64_t offset, int64_t dim1, int64_t dim2) {
  self.check_defined("diagonal");
  int64_t n = self.dim();
  int64_t a = wrap_dim(dim1, n), b = wrap_dim(dim2, n);
  EMBER_CHECK(a != b, "diagonal dimensions cannot be identical ", dim1, ", ", dim2);
  int64_t off = self.storage_offset(), len;
  if (offset >= 0) {
    len = std::max<int64_t>(std::min(self.sizes()[a], self.sizes()[b] - offset), 0);
    if (len > 0) off += offset * self.strides()[b];
  } else {
    len = std::max<int64_t>(std::min(self.sizes()[a] + offset, self.sizes()[b]), 0);
    if (len > 0) off -= offset * self.strides()[a];
  }
  DimVector sizes, strides;
  for (int64_t i = 0; i < n; ++i) {
    if (i == a || i == b) continue;
    sizes.push_back(self.sizes()[i]);
    strides.push_back(self.strides()[i]);
  }
  sizes.push_back(len);
  strides.push_back(self.strides()[a] + self.strides()[b]);
  return make_view(self, sizes, strides, off);
}

Tensor as_strided(const Tensor& self, IntArrayRef size, IntArrayRef stride, std::optional<int64_t> storage_offset) {
  self.check_defined("as_strided");
  EMBER_CHECK(size.size() == stride.size(), "mismatch in length of strides and shape");
  int64_t off = storage_offset.value_or(self.storage_offset());
  EMBER_CHECK(off >= 0, "Tensor: invalid storage offset ", off);
  int64_t lo = off, hi = off;  // ember allows negative strides: check both ends of the storage
  bool empty = false, overflow = false;
  for (size_t i = 0; i < size.size(); ++i) {
    EMBER_CHECK(size[i] >= 0, "Trying to create tensor with negative dimension ", size[i], ": ", size);
    if (size[i] == 0) empty = true;
    int64_t ext = 0;  // Note [size overflow]: extents far beyond any storage must not wrap into it
    overflow |= __builtin_mul_overflow(size[i] - 1, stride[i], &ext);
    overflow |= __builtin_add_overflow(ext < 0 ? lo : hi, ext, ext < 0 ? &lo : &hi);
  }
  compute_numel(size);  // the element count itself must fit int64 (even for a view that reads little)
  int64_t storage_elems = static_cast<int64_t>(self.impl()->storage()->nbytes() / self.element_size());
  EMBER_CHECK(empty || (!overflow && lo >= 0 && hi < storage_elems), "setStorage: sizes ", size, ", strides ", stride,
              ", storage offset ", off, ", and itemsize ", self.element_size(), " requiring a storage size of ",
              (hi + 1) * static_cast<int64_t>(self.element_size()), " are out of bounds for storage of size ",
              self.impl()->storage()->nbytes());
  return make_view(self, size, stride, off);
}

Tensor unfold(const Tensor& self, int64_t dimension, int64_t size, int64_t step) {
  self.check_defined("unfold");
  int64_t n = self.dim();
  int64_t d = wrap_dim(dimension, n);
  int64_t have = n == 0 ? 1 : self.sizes()[d];
  EMBER_CHECK(size <= have, "maximum size for tensor at dimension ", d, " is ", have, " but size is ", size);
  EMBER_CHECK(step > 0, "step is ", step, " but must be > 0");
  EMBER_CHECK(size >= 0, "size is ", size, " but must be >= 0");
  DimVector sizes(self.sizes()), strides(self.strides());
  int64_t st = n == 0 ? 1 : strides[d];
  if (n > 0) {
    sizes[d] = (have - size) / step + 1;
    strides[d] = step * st;
  }
  sizes.push_back(size);
  strides.push_back(st);
  return make_view(self, sizes, strides, self.storage_offset());
}

Tensor t(const Tensor& self) {
  self.check_defined("t");
  EMBER_CHECK(self.dim() <= 2, "t() expects a tensor with <= 2 dimensions, but self is ", self.dim(), "D");
  if (self.dim() < 2) return self.view(self.sizes());
  return self.transpose(0, 1);
}

Tensor view_as(const Tensor& self, const Tensor& other) {
  other.check_defined("view_as");
  return self.view(other.sizes());
}

Tensor reshape_as(const Tensor& self, const Tensor& other) {
  other.check_defined("reshape_as");
  return self.reshape(other.sizes());
}

Tensor flip(const Tensor& self, IntArrayRef dims) {
  self.check_defined("flip");
  int64_t n = self.dim();
  DimVector strides(self.strides());
  int64_t off = self.storage_offset();
  std::vector<bool> seen(std::max<int64_t>(n, 1), false);
  for (int64_t x : dims) {
    int64_t d = wrap_dim(x, n);
    EMBER_CHECK(!seen[d], "dim ", d, " appears multiple times in the list of dims");
    seen[d] = true;
    if (n == 0 || self.sizes()[d] == 0) continue;
    off += (self.sizes()[d] - 1) * strides[d];
    strides[d] = -strides[d];
  }
  if (self.numel() == 0) return self.clone();
  return make_view(self, self.sizes(), strides, off).clone();
}

static void roll_into(const Tensor& out, const Tensor& src, int64_t d, int64_t shift) {
  int64_t size = src.sizes()[d];
  int64_t s = ((shift % size) + size) % size;
  out.narrow(d, s, size - s).copy_(src.narrow(d, 0, size - s));
  if (s > 0) out.narrow(d, 0, s).copy_(src.narrow(d, size - s, s));
}

Tensor roll(const Tensor& self, IntArrayRef shifts, const OptionalIntArrayRef& dims) {
  self.check_defined("roll");
  EMBER_CHECK(!shifts.empty(), "`shifts` required");
  if (!dims || dims->empty()) {
    EMBER_CHECK(shifts.size() == 1, "shifts and dimensions must align. shifts: ", shifts.size(), ", dims:0");
    Tensor flat = self.reshape({-1});
    if (flat.numel() == 0) return self.clone();
    Tensor out = ember::empty(flat.sizes(), self.options());
    roll_into(out, flat, 0, shifts[0]);
    return out.view(self.sizes());
  }
  EMBER_CHECK(shifts.size() == dims->size(), "shifts and dimensions must align. shifts: ", shifts.size(),
              ", dims:", dims->size());
  Tensor cur = self;
  for (size_t i = 0; i < shifts.size(); ++i) {
    int64_t d = wrap_dim((*dims)[i], self.dim());
    if (self.dim() == 0 || self.numel() == 0) continue;
    Tensor out = ember::empty(self.sizes(), self.options());
    roll_into(out, cur, d, shifts[i]);
    cur = out;
  }
  return cur.is_same(self) ? self.clone() : cur;
}

}  // namespace ember::native
