// Advanced-indexing ops (advanced_indexing.yaml): gather, scatter(_), scatter_add(_), index_select,
// index_add, masked_fill(_), masked_select, nonzero, take_along_dim, index_put(_) and the internal
// _index_gather / _index_scatter(_) that Tensor indexing uses. Every index is checked here, before a
// kernel (src/kernels/cpu/index.cpp) loops; messages follow PyTorch's.
#include <cstring>

#include "ember/dispatch/dispatch.h"
#include "ember/gen/native.h"
#include "ops/dim_util.h"
#include "ops/advanced_indexing.h"
#include "ops/structured.h"

namespace ember::native {

namespace {


int64_t size_at(const Tensor& t, int64_t d) { return t.dim() == 0 ? 1 : t.sizes()[d]; }

/// A 0-d tensor as 1-d (gather and scatter treat 0-d like a single element along dim 0).
Tensor as_1d(const Tensor& t) { return t.dim() == 0 ? t.reshape({1}) : t; }

/// Checks that every entry of the int64 or int32 tensor `index` lies in [0, size) (or [-size, size)
/// when allow_negative); returns it int64 and contiguous, negative entries wrapped. Out of range is
/// an IndexError for indexing and index_select, a RuntimeError for gather/scatter (as in PyTorch).
Tensor checked_index(const Tensor& index, int64_t size, int64_t dim, bool allow_negative, const char* oob = nullptr,
                     bool index_error = true) {
  Tensor ix = index.to(std::nullopt, kInt64).contiguous();
  if (ix.is_meta() || ix.numel() == 0) return ix;  // no values to check (meta tensors: shapes only)
  // Checked by ops (dispatched to the index's device); only two numbers come to the host.
  int64_t lo = ix.amin().item<int64_t>(), hi = ix.amax().item<int64_t>();
  int64_t min_ok = allow_negative ? -size : 0;
  if (lo < min_ok || hi >= size) {
    Tensor bad = ember::logical_or(ix.lt(min_ok), ix.ge(size));
    int64_t v = ember::masked_select(ix, bad).select(0, 0).item<int64_t>();  // the first one, as PyTorch
    std::string msg = oob ? std::string(oob)
                          : detail::str("index ", v, " is out of bounds for dimension ", dim, " with size ", size);
    if (index_error) throw IndexError(msg);
    throw Error(msg);
  }
  return lo < 0 ? ember::where(ix.lt(0), ix.add(size), ix) : ix;
}

void check_same_device(const char* op, const Tensor& a, const Tensor& b) {
  EMBER_CHECK(a.device() == b.device(), op, ": expected all tensors to be on the same device, but found at least "
              "two devices, ", a.device(), " and ", b.device(), "!");
}

/// gather / scatter shape rules: same rank, index no larger than self (except along dim) and src.
void check_gather_scatter(const char* op, const Tensor& self, int64_t dim, const Tensor& index, const Tensor* src) {
  EMBER_CHECK(index.dtype() == kInt64 || index.dtype() == kInt32, op, "(): Expected dtype int32/int64 for index");
  check_same_device(op, self, index);
  int64_t nd = std::max<int64_t>(self.dim(), 1);
  EMBER_CHECK(std::max<int64_t>(index.dim(), 1) == nd,
              "Index tensor must have the same number of dimensions as ", src ? "self" : "input", " tensor");
  for (int64_t d = 0; d < index.dim(); ++d)
    if (d != dim)
      EMBER_CHECK(size_at(index, d) <= size_at(self, d), "Size does not match at dimension ", d, " expected index ",
                  index.sizes(), " to be smaller than self ", self.sizes(), " apart from dimension ", dim);
  if (src && src->dim() > 0) {
    EMBER_CHECK(src->dim() == index.dim() || index.dim() == 0,
                "Index tensor must have the same number of dimensions as src tensor");
    for (int64_t d = 0; d < index.dim(); ++d)
      EMBER_CHECK(size_at(index, d) <= size_at(*src, d), "Size does not match at dimension ", d, " expected index ",
                  index.sizes(), " to be smaller than src ", src->sizes(), " apart from dimension ", dim);
  }
}

/// index (1-D, int64 or int32) viewed along dim and expanded to `shape`, for index_select / index_add.
Tensor spread_index(const char* op, const Tensor& index, int64_t dim, IntArrayRef shape) {
  EMBER_CHECK(index.dtype() == kInt64 || index.dtype() == kInt32, op, "(): Expected dtype int32 or int64 for index");
  EMBER_CHECK(index.dim() <= 1, op, "(): Index is supposed to be a vector");
  Tensor ix = index.to(std::nullopt, kInt64).reshape({-1});
  DimVector v(shape.size(), 1);
  if (!v.empty()) v[dim] = ix.numel();
  return v.empty() ? ix.reshape({}) : ix.view(v).expand(shape);
}

Tensor scatter_impl(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src, bool add) {
  const char* op = add ? "scatter_add" : "scatter";
  self.check_defined(op);
  index.check_defined(op);
  src.check_defined(op);
  dim = wrap_dim(dim, self.dim());
  bool value = src.dim() == 0 && index.dim() > 0 && !add;  // scatter(dim, index, value)
  check_gather_scatter(op, self, dim, index, value ? nullptr : &src);
  if (!value && src.dim() > 0)
    EMBER_CHECK(src.dtype() == self.dtype(), op, "(): Expected self.dtype to be equal to src.dtype");
  if (index.numel() == 0) return self;
  if (!(src.dim() == 0 && src.is_cpu())) check_same_device(op, self, src);  // a CPU scalar joins any device
  Tensor ix = checked_index(as_1d(index), size_at(self, dim), dim, false, nullptr, false);
  Tensor s = as_1d(src.to(std::nullopt, self.dtype()));
  if (value || src.dim() == 0) s = s.reshape({}).expand(ix.sizes());
  Tensor target = as_1d(self);
  if (add) dispatch::kernel<OpId::scatter_add_>(self.device().type(), self.dtype())(target, dim, ix, s);
  else dispatch::kernel<OpId::scatter_>(self.device().type(), self.dtype())(target, dim, ix, s);
  self.unsafeGetTensorImpl()->bump_version();
  return self;
}

void check_mask(const char* op, const Tensor& mask) {
  mask.check_defined(op);
  EMBER_CHECK(mask.dtype() == kBool, op, " only supports boolean masks, but got mask with dtype ",
              dtype_name(mask.dtype()));
}

Tensor masked_fill_value(const char* op, const Tensor& self, const Tensor& value) {
  value.check_defined(op);
  EMBER_CHECK(value.dim() == 0, op, " only supports a 0-dimensional value tensor, but got tensor with ",
              value.dim(), " dimension(s).");
  if (value.is_cpu()) check_scalar_in_range(value.item(), self.dtype());  // Note [scalar range]; no host read elsewhere
  return value.to(std::nullopt, self.dtype());
}

/// The internal ops' [k, n] index: checked again (cheap, O(k n)) since they are callable from Python too.
Tensor checked_stacked(const char* op, const Tensor& self, const Tensor& idx) {
  idx.check_defined(op);
  EMBER_CHECK(idx.dtype() == kInt64 && idx.dim() == 2 && idx.sizes()[0] <= self.dim(), op,
              ": expected a [k, n] int64 index with k <= ", self.dim(), ", got ", dtype_name(idx.dtype()), " ",
              idx.sizes());
  if (!(idx.is_cpu() && self.is_meta())) check_same_device(op, self, idx);  // a meta tensor takes CPU indices
  Tensor c = idx.contiguous();
  for (int64_t m = 0; m < c.sizes()[0]; ++m) checked_index(c.narrow(0, m, 1), self.sizes()[m], m, false);
  return c;
}

}  // namespace

PreparedIndex prepare_index(const Tensor& self, ArrayRef<Tensor> indices) {
  std::vector<Tensor> cols;  // one int64 tensor per indexed dim of self
  for (const Tensor& t : indices) {
    EMBER_CHECK_INDEX(t.defined(), "index_put_: an undefined index tensor (None) is not supported here");
    int64_t d = static_cast<int64_t>(cols.size());
    if (t.dtype() == kBool || t.dtype() == kUInt8) {
      EMBER_CHECK_INDEX(d + t.dim() <= self.dim(), "too many indices for tensor of dimension ", self.dim());
      for (int64_t j = 0; j < t.dim(); ++j)
        EMBER_CHECK_INDEX(t.sizes()[j] == self.sizes()[d + j], "The shape of the mask ", t.sizes(), " at index ", j,
                          " does not match the shape of the indexed tensor ", self.sizes(), " at index ", d + j);
      structured::check_not_meta("index with a bool mask", t);
      Tensor nz = ember::nonzero(t.dtype() == kBool ? t : t.ne(0));
      EMBER_CHECK(t.dim() > 0, "indexing with a 0-d bool tensor is not implemented yet");
      for (int64_t j = 0; j < t.dim(); ++j) cols.push_back(nz.select(1, j));
    } else {
      EMBER_CHECK_INDEX(is_integral(t.dtype(), false),
                        "tensors used as indices must be long, int, byte or bool tensors");
      cols.push_back(t.to(std::nullopt, kInt64));
    }
    EMBER_CHECK_INDEX(static_cast<int64_t>(cols.size()) <= self.dim(), "too many indices for tensor of dimension ",
                      self.dim());
    if (!t.is_cpu()) check_same_device("index", self, t);  // CPU indices may index a tensor anywhere
  }
  PreparedIndex r;
  r.k = static_cast<int64_t>(cols.size());
  for (size_t m = 0; m < cols.size(); ++m) {
    DimVector next;
    bool ok = true;
    size_t n = std::max(r.shape.size(), static_cast<size_t>(cols[m].dim()));
    next.resize(n);
    for (size_t i = 0; i < n && ok; ++i) {
      size_t a_off = n - r.shape.size(), b_off = n - cols[m].dim();
      int64_t x = i < a_off ? 1 : r.shape[i - a_off], y = i < b_off ? 1 : cols[m].sizes()[i - b_off];
      ok = x == y || x == 1 || y == 1;
      next[i] = x == 1 ? y : x;
    }
    if (!ok) {
      std::string shapes;
      for (const Tensor& c : cols) shapes += (shapes.empty() ? "" : ", ") + detail::str(c.sizes());
      throw IndexError("shape mismatch: indexing tensors could not be broadcast together with shapes " + shapes);
    }
    r.shape = m == 0 ? DimVector(cols[0].sizes()) : next;
  }
  int64_t n = 1;
  for (int64_t s : r.shape) n *= s;
  std::vector<Tensor> rows;
  for (int64_t m = 0; m < r.k; ++m)
    rows.push_back(checked_index(cols[m].expand(r.shape), self.sizes()[m], m, true).reshape({n}));
  r.idx = r.k ? ember::stack(rows).contiguous().to(self.device())  // CPU indices: moved to self's device
              : ember::empty({0, n}, TensorOptions().dtype(kInt64).device(self.device()));
  return r;
}

Tensor gather(const Tensor& self, int64_t dim, const Tensor& index) {
  self.check_defined("gather");
  index.check_defined("gather");
  dim = wrap_dim(dim, self.dim());
  check_gather_scatter("gather", self, dim, index, nullptr);
  Tensor out = ember::empty(index.sizes(), self.options().requires_grad(false));
  if (index.numel() == 0) return out;
  Tensor ix = checked_index(as_1d(index), size_at(self, dim), dim, false, nullptr, false);
  dispatch::kernel<OpId::gather>(self.device().type(), self.dtype())(as_1d(out), as_1d(self), dim, ix);
  return out;
}

Tensor scatter_(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src) {
  return scatter_impl(self, dim, index, src, false);
}
Tensor scatter(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src) {
  self.check_defined("scatter");
  return self.clone().scatter_(dim, index, src);
}
Tensor scatter_add_(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src) {
  return scatter_impl(self, dim, index, src, true);
}
Tensor scatter_add(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src) {
  self.check_defined("scatter_add");
  return self.clone().scatter_add_(dim, index, src);
}

Tensor index_select(const Tensor& self, int64_t dim, const Tensor& index) {
  self.check_defined("index_select");
  index.check_defined("index_select");
  dim = wrap_dim(dim, self.dim());
  check_same_device("index_select", self, index);
  DimVector shape(self.sizes());
  EMBER_CHECK(index.dtype() == kInt64 || index.dtype() == kInt32,
              "index_select(): Expected dtype int32 or int64 for index");
  EMBER_CHECK_INDEX(index.dim() <= 1, "index_select(): Index is supposed to be a vector");
  int64_t n = index.numel();
  Tensor ix64 = checked_index(index.to(std::nullopt, kInt64), size_at(self, dim), dim, false, "index out of range in self");
  if (shape.empty()) return self.reshape({1}).expand({n}).reshape(index.sizes()).clone();
  shape[dim] = n;
  if (self.is_cpu() && self.is_contiguous() && !ix64.is_meta()) {
    // A contiguous CPU tensor: one memcpy of a whole slice per (outer position, index) instead of
    // the element-wise gather kernel (the DataLoader's batch gather; docs/data.md).
    Tensor out = ember::empty(shape, self.options().requires_grad(false));
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < dim; ++d) outer *= shape[d];
    for (int64_t d = dim + 1; d < static_cast<int64_t>(shape.size()); ++d) inner *= shape[d];
    const size_t slice = static_cast<size_t>(inner) * self.element_size();
    const int64_t src_rows = size_at(self, dim);
    const auto* src = static_cast<const char*>(self.data_ptr());
    auto* dst = static_cast<char*>(out.data_ptr());
    const int64_t* ip = ix64.data_ptr<int64_t>();
    if (slice > 0)
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t i = 0; i < n; ++i)
          std::memcpy(dst + (o * n + i) * slice, src + (o * src_rows + ip[i]) * slice, slice);
    return out;
  }
  Tensor ix = spread_index("index_select", index, dim, shape);
  return native::gather(self, dim, ix);
}

Tensor index_add(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& source_in, const Scalar& alpha) {
  for (const Tensor* t : {&self, &index, &source_in}) t->check_defined("index_add");
  EMBER_CHECK(is_floating_point(self.dtype()) || !alpha.is_floating_point(),
              "index_add(): alpha must be an integer for an integer tensor, got ", alpha);
  bool unit = alpha.is_bool() ? alpha.to_bool() : alpha.to_double() == 1.0;
  Tensor source = unit ? source_in : (source_in * alpha).to(std::nullopt, source_in.dtype());
  dim = wrap_dim(dim, self.dim());
  EMBER_CHECK(self.dtype() == source.dtype(), "index_add_(): self (", dtype_name(self.dtype()), ") and source (",
              dtype_name(source.dtype()), ") must have the same scalar type");
  EMBER_CHECK(std::max<int64_t>(source.dim(), 1) == std::max<int64_t>(self.dim(), 1),
              "index_add_(): Source/destination tensor must have same slice shapes");
  for (int64_t d = 0; d < self.dim(); ++d)
    if (d != dim)
      EMBER_CHECK(size_at(source, d) == size_at(self, d),
                  "index_add_(): Source/destination tensor must have same slice shapes");
  EMBER_CHECK(size_at(source, dim) == index.numel(), "index_add_(): Number of indices (", index.numel(),
              ") should be equal to source.size(dim) (", size_at(source, dim), ")");
  checked_index(index.to(std::nullopt, kInt64), size_at(self, dim), dim, false, "index out of range in self");
  DimVector shape(as_1d(source).sizes());
  Tensor ix = spread_index("index_add", index, dim, shape);
  return scatter_impl(self.clone(), dim, ix.reshape(shape), as_1d(source), true).reshape(self.sizes());
}

Tensor masked_fill_(const Tensor& self, const Tensor& mask, const Tensor& value) {
  self.check_defined("masked_fill_");
  check_mask("masked_fill_", mask);
  Tensor v = masked_fill_value("masked_fill_", self, value);
  DimVector shape = structured::broadcast_shapes("masked_fill_", self.sizes(), mask.sizes());
  EMBER_CHECK(IntArrayRef(shape).equals(self.sizes()), "masked_fill_: the mask of shape ", mask.sizes(),
              " cannot be broadcast to self of shape ", self.sizes());
  self.copy_(ember::where(mask, v, self));
  return self;
}

Tensor masked_fill(const Tensor& self, const Tensor& mask, const Tensor& value) {
  self.check_defined("masked_fill");
  check_mask("masked_fill_", mask);
  Tensor v = masked_fill_value("masked_fill_", self, value);
  return ember::where(mask, v, self);
}

Tensor masked_select(const Tensor& self, const Tensor& mask) {
  self.check_defined("masked_select");
  mask.check_defined("masked_select");
  EMBER_CHECK(mask.dtype() == kBool, "masked_select: expected BoolTensor for mask");
  DimVector shape = structured::broadcast_shapes("masked_select", self.sizes(), mask.sizes());
  structured::check_not_meta("masked_select", mask);
  Tensor idx = ember::nonzero(mask.expand(shape)).t().contiguous();
  return ember::_index_gather(self.expand(shape), idx);
}

std::vector<Tensor> nonzero_numpy(const Tensor& self) {
  self.check_defined("nonzero");
  Tensor r = ember::nonzero(self.dim() == 0 ? self.reshape({1}) : self);
  std::vector<Tensor> out;
  for (int64_t j = 0; j < r.sizes()[1]; ++j) out.push_back(r.select(1, j));
  return out;
}

Tensor nonzero(const Tensor& self) {
  self.check_defined("nonzero");
  structured::check_not_meta("nonzero", self);
  Tensor b = (self.dtype() == kBool ? self : self.ne(0)).contiguous();
  // The count is the one value read on the host (item(): a copy from the tensor's device).
  int64_t count = b.numel() == 0 ? 0 : b.sum().item<int64_t>();
  Tensor out = ember::empty({count, b.dim()}, TensorOptions().dtype(kInt64).device(self.device()));
  dispatch::kernel<OpId::nonzero>(b.device().type(), kBool)(out, b);
  return out;
}

Tensor take_along_dim(const Tensor& self, const Tensor& indices, std::optional<int64_t> dim) {
  self.check_defined("take_along_dim");
  indices.check_defined("take_along_dim");
  EMBER_CHECK(indices.dtype() == kInt64, "torch.take_along_dim(): dtype of indices should be Long but got ",
              scalar_type_name(indices.dtype()));
  // Negative indices count from the end, as in PyTorch (gather itself refuses them).
  auto wrapped = [](const Tensor& ix, int64_t size) {
    return ember::where(ember::lt(ix, 0), ember::add(ix, size), ix);
  };
  if (!dim) return ember::gather(self.reshape({-1}), 0, wrapped(indices.reshape({-1}), self.numel()));
  int64_t d = wrap_dim(*dim, self.dim());
  EMBER_CHECK(self.dim() == indices.dim(), "torch.take_along_dim(): input and indices should have the same number "
              "of dimensions, but got ", self.dim(), " dimensions for input, and ", indices.dim(),
              " dimensions for indices");
  if (self.dim() == 0) return ember::gather(self, 0, wrapped(indices, 1));
  DimVector ss(self.sizes());
  ss[d] = indices.sizes()[d];
  DimVector shape = structured::broadcast_shapes("take_along_dim", ss, indices.sizes());
  Tensor ix = wrapped(indices, self.sizes()[d]).expand(shape);
  shape[d] = self.sizes()[d];
  return ember::gather(self.expand(shape), d, ix);
}

Tensor _index_gather(const Tensor& self, const Tensor& idx) {
  self.check_defined("_index_gather");
  idx.check_defined("_index_gather");
  EMBER_CHECK(idx.dim() == 2, "_index_gather: expected a [k, n] index, got ", idx.sizes());
  int64_t k = idx.sizes()[0], n = idx.sizes()[1];
  DimVector shape{n};
  for (int64_t d = k; d < self.dim(); ++d) shape.push_back(self.sizes()[d]);
  Tensor ix = checked_stacked("_index_gather", self, idx);
  Tensor out = ember::empty(shape, self.options().requires_grad(false));
  if (out.numel() == 0) return out;
  dispatch::kernel<OpId::_index_gather>(self.device().type(), self.dtype())(out, self, ix);
  return out;
}

Tensor _index_scatter_(const Tensor& self, const Tensor& idx, const Tensor& values, bool accumulate) {
  EMBER_CHECK(values.dtype() == self.dtype(), "Index put requires the source and destination dtypes match, got ",
              dtype_name(self.dtype()), " for the destination and ", dtype_name(values.dtype()), " for the source.");
  Tensor ix = checked_stacked("_index_scatter_", self, idx);
  if (!(self.is_meta() && values.is_cpu())) check_same_device("_index_scatter_", self, values);
  DimVector shape{ix.sizes()[1]};
  for (int64_t d = ix.sizes()[0]; d < self.dim(); ++d) shape.push_back(self.sizes()[d]);
  EMBER_CHECK(values.sizes().equals(shape), "_index_scatter_: expected values of shape ", IntArrayRef(shape),
              ", got ", values.sizes());
  if (values.numel() > 0)
    dispatch::kernel<OpId::_index_scatter_>(self.device().type(), self.dtype())(self, ix, values, accumulate);
  self.unsafeGetTensorImpl()->bump_version();
  return self;
}

Tensor _index_scatter(const Tensor& self, const Tensor& idx, const Tensor& values, bool accumulate) {
  return ember::_index_scatter_(self.clone(), idx, values, accumulate);
}

Tensor _index_scatter_self_backward(const Tensor& grad, const Tensor& idx, bool accumulate) {
  if (accumulate) return grad;
  DimVector shape{idx.sizes()[1]};
  for (int64_t d = idx.sizes()[0]; d < grad.dim(); ++d) shape.push_back(grad.sizes()[d]);
  return ember::_index_scatter(grad, idx, ember::zeros(shape, grad.options().requires_grad(false)), false);
}

Tensor index_put_(const Tensor& self, TensorList indices, const Tensor& values, bool accumulate) {
  self.check_defined("index_put_");
  values.check_defined("index_put_");
  EMBER_CHECK(values.dtype() == self.dtype() || values.dim() == 0,
              "Index put requires the source and destination dtypes match, got ", dtype_name(self.dtype()),
              " for the destination and ", dtype_name(values.dtype()), " for the source.");
  PreparedIndex p = prepare_index(self, indices);
  DimVector shape = p.shape;
  for (int64_t d = p.k; d < self.dim(); ++d) shape.push_back(self.sizes()[d]);
  Tensor v = values.dtype() == self.dtype() ? values : values.to(std::nullopt, self.dtype());
  try {
    structured::broadcast_shapes("index_put_", shape, v.sizes());
  } catch (const Error&) {
    throw Error(detail::str("shape mismatch: value tensor of shape ", values.sizes(),
                            " cannot be broadcast to indexing result of shape ", IntArrayRef(shape)));
  }
  DimVector flat{p.idx.sizes()[1]};
  for (int64_t d = p.k; d < self.dim(); ++d) flat.push_back(self.sizes()[d]);
  return ember::_index_scatter_(self, p.idx, v.expand(shape).reshape(flat), accumulate);
}

Tensor index_put(const Tensor& self, TensorList indices, const Tensor& values, bool accumulate) {
  self.check_defined("index_put");
  return ember::index_put_(self.clone(), indices, values, accumulate);
}

}  // namespace ember::native
