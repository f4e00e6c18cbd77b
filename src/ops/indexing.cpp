// Tensor indexing (ember/ops/indexing.h): t[key] and t[key] = value from C++ and Python.
//
// Basic keys (ints, slices, None, Ellipsis) give a view built from select / slice / unsqueeze, and
// t[key] = value copies or fills into that view, recorded by one SliceAssignBackward node.
//
// Advanced keys: integer tensors and bool masks mixed with ints, slices, None and Ellipsis, as
// numpy/PyTorch. Ints, slices and None are applied first as a view (integers are `select`s, as PyTorch
// does, so they do not count as advanced indices); the advanced dims of that view are then moved first
// and gathered with _index_gather (a copy, recorded by autograd). When the tensor indices sit next to
// each other the result's index dims take their place, otherwise they go first. t[key] = v writes with
// _index_scatter_ through that view when autograd is not recording; when it is, on t itself (so the
// node sits on t), at coordinates found by indexing an arange of t's shape the same way (O(t.numel())
// extra work). The advanced-indexing ops themselves (gather, index_select, ...) are
// src/ops/advanced_indexing.cpp.
#include "ember/ops/indexing.h"

#include <cstring>

#include "core/autograd_hooks.h"
#include "ember/gen/functions.h"
#include "ops/advanced_indexing.h"

namespace ember::indexing {

Slice::Slice(std::optional<int64_t> start, std::optional<int64_t> stop, std::optional<int64_t> step)
    : start_(start), stop_(stop), step_(step.value_or(1)) {
  EMBER_CHECK_VALUE(step_ != 0, "slice step cannot be zero");
}

TensorIndex::TensorIndex(const char* s) : kind_(Kind::Ellipsis) {
  EMBER_CHECK_TYPE(s && std::strcmp(s, "...") == 0, "Expected \"...\" to represent an ellipsis index, but got \"",
                   s ? s : "", "\"");
}

namespace {

Tensor get_view(const Tensor& self, ArrayRef<TensorIndex> indices) {
  self.check_defined("index");
  int64_t consumed = 0;
  bool ellipsis = false;
  for (const TensorIndex& i : indices) {
    switch (i.kind()) {
      case TensorIndex::Kind::Integer:
      case TensorIndex::Kind::Slice:
        ++consumed;
        break;
      case TensorIndex::Kind::Ellipsis:
        EMBER_CHECK_INDEX(!ellipsis, "an index can only have a single ellipsis ('...')");
        ellipsis = true;
        break;
      default:  // bools and tensors: advanced keys, below
        break;
    }
  }
  EMBER_CHECK_INDEX(consumed <= self.dim(), "too many indices for tensor of dimension ", self.dim());
  Tensor r = self;
  int64_t d = 0;
  bool any = false;
  for (const TensorIndex& i : indices) {
    switch (i.kind()) {
      case TensorIndex::Kind::Integer: {
        int64_t size = r.sizes()[d], x = i.integer();
        EMBER_CHECK_INDEX(x >= -size && x < size, "index ", x, " is out of bounds for dimension ", d, " with size ",
                          size);
        r = r.select(d, x);
        any = true;
        break;
      }
      case TensorIndex::Kind::Slice: {
        const Slice& s = i.slice();
        r = slice(r, d, s.start(), s.stop(), s.step());
        any = true;
        ++d;
        break;
      }
      case TensorIndex::Kind::None:
        r = r.unsqueeze(d);
        any = true;
        ++d;
        break;
      case TensorIndex::Kind::Ellipsis:
        d += self.dim() - consumed;
        break;
      default:
        break;
    }
  }
  if (!any) r = r.view(r.sizes());  // t[...] / t[()]: an alias, as PyTorch returns
  return r;
}

void write(const Tensor& self, ArrayRef<TensorIndex> indices, const Tensor* value, const Scalar* scalar) {
  self.check_defined("index_put_");
  bool record = autograd::GradMode::is_enabled() &&
                (self.requires_grad() || (value && value->defined() && value->requires_grad()));
  if (record && self.requires_grad() && !self.unsafeGetTensorImpl()->grad_fn())
    throw Error("a view of a leaf Variable that requires grad is being used in an in-place operation.");
  Tensor view;
  Tensor v;
  {
    autograd::NoGradGuard no_grad;
    view = get_view(self, indices);
    if (value) {
      value->check_defined("index_put_");
      v = *value;
      DimVector vs(v.sizes());  // PyTorch drops value's leading size-1 dims beyond the view's rank
      size_t k = 0;
      while (static_cast<int64_t>(vs.size() - k) > view.dim() && vs[k] == 1) ++k;
      if (k > 0) v = v.reshape(IntArrayRef(vs.data() + k, vs.size() - k));
      view.copy_(v);
    } else {
      view.fill_(*scalar);
    }
  }
  if (!record || !is_floating_point(self.dtype()) || !detail::g_autograd_hooks.record_index_put) return;
  // The node (SliceAssignBackward) is the autograd layer's (Note [autograd hooks]).
  detail::g_autograd_hooks.record_index_put(self, indices, value, value ? v.sizes() : IntArrayRef());
}

}  // namespace

// ---- advanced keys (tensors and bool masks)

namespace {

struct AdvancedKey {
  std::vector<TensorIndex> basic;  // the key with every tensor index replaced by full slices
  std::vector<Tensor> tensors;
  std::vector<int64_t> pos, width;  // first dim and number of dims of each tensor in the basic view
};

AdvancedKey split_key(const Tensor& self, ArrayRef<TensorIndex> indices) {
  AdvancedKey k;
  int64_t consumed = 0;
  for (const TensorIndex& i : indices) {
    if (i.kind() == TensorIndex::Kind::Integer || i.kind() == TensorIndex::Kind::Slice) ++consumed;
    if (i.kind() == TensorIndex::Kind::Tensor && i.tensor().defined())
      consumed += i.tensor().dtype() == kBool ? i.tensor().dim() : 1;
  }
  int64_t out = 0;
  for (const TensorIndex& i : indices) {
    switch (i.kind()) {
      case TensorIndex::Kind::Slice:
      case TensorIndex::Kind::None:
        ++out;
        k.basic.push_back(i);
        break;
      case TensorIndex::Kind::Ellipsis:
        out += std::max<int64_t>(self.dim() - consumed, 0);
        k.basic.push_back(i);
        break;
      case TensorIndex::Kind::Boolean:
      case TensorIndex::Kind::Tensor: {
        bool scalar_bool = i.kind() == TensorIndex::Kind::Boolean;
        if (!scalar_bool) EMBER_CHECK_INDEX(i.tensor().defined(), "an undefined tensor is not a valid index");
        if (scalar_bool || (i.tensor().dtype() == kBool && i.tensor().dim() == 0)) {
          // As PyTorch: a bool inserts a size-1 dim indexed by [0] (True) or by an empty index (False).
          bool b = scalar_bool ? i.boolean() : i.tensor().item().to_bool();
          k.basic.push_back(TensorIndex(None));
          TensorOptions o = TensorOptions().dtype(kInt64).device(self.device());
          k.tensors.push_back(b ? ember::zeros({1}, o) : ember::empty({0}, o));
          k.pos.push_back(out++);
          k.width.push_back(1);
          break;
        }
        const Tensor& t = i.tensor();
        int64_t w = t.dtype() == kBool ? t.dim() : 1;
        k.tensors.push_back(t);
        k.pos.push_back(out);
        k.width.push_back(w);
        for (int64_t j = 0; j < w; ++j) k.basic.push_back(Slice());
        out += w;
        break;
      }
      default:
        k.basic.push_back(i);
        break;
    }
  }
  return k;
}

}  // namespace

bool has_tensor_index(ArrayRef<TensorIndex> indices) {
  for (const TensorIndex& i : indices)
    if (i.kind() == TensorIndex::Kind::Tensor || i.kind() == TensorIndex::Kind::Boolean) return true;
  return false;
}

namespace {

/// The basic view of self with its advanced dims moved first, their prepared index, and where the
/// result's index dims go (0 unless the tensor indices were adjacent).
struct Plan {
  Tensor x;
  native::PreparedIndex p;
  DimVector shape;  // result shape with the index dims first: p.shape + x.sizes()[p.k:]
  int64_t dest = 0;
};

Plan plan(const Tensor& self, ArrayRef<TensorIndex> indices) {
  AdvancedKey k = split_key(self, indices);
  Tensor view = get_view(self, k.basic);
  bool adjacent = true;
  DimVector perm;
  std::vector<bool> taken(static_cast<size_t>(view.dim()), false);
  for (size_t t = 0; t < k.tensors.size(); ++t) {
    if (t > 0 && k.pos[t] != k.pos[t - 1] + k.width[t - 1]) adjacent = false;
    for (int64_t j = 0; j < k.width[t]; ++j) {
      perm.push_back(k.pos[t] + j);
      taken[k.pos[t] + j] = true;
    }
  }
  for (int64_t d = 0; d < view.dim(); ++d)
    if (!taken[d]) perm.push_back(d);
  Plan r;
  r.x = view.permute(perm);
  r.p = native::prepare_index(r.x, k.tensors);
  r.shape = r.p.shape;
  for (int64_t d = r.p.k; d < r.x.dim(); ++d) r.shape.push_back(r.x.sizes()[d]);
  r.dest = adjacent ? k.pos[0] : 0;
  return r;
}

/// Moves dims [from, from + n) of t to start at `to`.
Tensor move_block(const Tensor& t, int64_t from, int64_t to, int64_t n) {
  if (from == to || n == 0) return t;
  DimVector src, dst;
  for (int64_t j = 0; j < n; ++j) {
    src.push_back(from + j);
    dst.push_back(to + j);
  }
  return t.movedim(src, dst);
}

}  // namespace

Tensor get_advanced(const Tensor& self, ArrayRef<TensorIndex> indices) {
  Plan pl = plan(self, indices);
  Tensor r = ember::_index_gather(pl.x, pl.p.idx).view(pl.shape);
  return move_block(r, 0, pl.dest, static_cast<int64_t>(pl.p.shape.size()));
}

namespace {

/// value (leading size-1 dims beyond `shape`'s rank dropped, as PyTorch) checked against shape.
Tensor fit_value(const Tensor& value, IntArrayRef shape, ScalarType dtype) {
  value.check_defined("index_put_");
  Tensor v = value;
  DimVector vs(v.sizes());
  size_t drop = 0;
  while (static_cast<int64_t>(vs.size() - drop) > static_cast<int64_t>(shape.size()) && vs[drop] == 1) ++drop;
  if (drop > 0) v = v.reshape(IntArrayRef(vs.data() + drop, vs.size() - drop));
  bool ok = v.dim() <= static_cast<int64_t>(shape.size());
  for (int64_t d = 0; ok && d < v.dim(); ++d) {
    int64_t a = v.sizes()[v.dim() - 1 - d], b = shape[shape.size() - 1 - d];
    ok = a == b || a == 1;
  }
  EMBER_CHECK(ok, "shape mismatch: value tensor of shape ", value.sizes(),
              " cannot be broadcast to indexing result of shape ", shape);
  if (v.dtype() != dtype) v = v.to(std::nullopt, dtype);
  return v.expand(shape);
}

/// Without autograd: write straight through the permuted basic view (O(selected elements)).
void set_through_view(const Tensor& self, ArrayRef<TensorIndex> indices, const Tensor* value, const Scalar* scalar) {
  Plan pl = plan(self, indices);
  int64_t nb = static_cast<int64_t>(pl.p.shape.size());
  DimVector result_shape(pl.shape);  // the shape t[key] has
  if (pl.dest > 0) {
    result_shape.clear();
    for (int64_t d = nb; d < nb + pl.dest; ++d) result_shape.push_back(pl.shape[d]);
    for (int64_t d = 0; d < nb; ++d) result_shape.push_back(pl.shape[d]);
    for (int64_t d = nb + pl.dest; d < static_cast<int64_t>(pl.shape.size()); ++d) result_shape.push_back(pl.shape[d]);
  }
  DimVector flat{pl.p.idx.sizes()[1]};
  for (int64_t d = pl.p.k; d < pl.x.dim(); ++d) flat.push_back(pl.x.sizes()[d]);
  Tensor v = value ? move_block(fit_value(*value, result_shape, self.dtype()), pl.dest, 0, nb).reshape(flat)
                   : ember::full(flat, *scalar, TensorOptions().dtype(self.dtype()));
  ember::_index_scatter_(pl.x, pl.p.idx, v, false);
}

}  // namespace

void set_advanced(const Tensor& self, ArrayRef<TensorIndex> indices, const Tensor* value, const Scalar* scalar) {
  self.check_defined("index_put_");
  bool record = autograd::GradMode::is_enabled() &&
                (self.requires_grad() || (value && value->defined() && value->requires_grad()));
  if (!record) return set_through_view(self, indices, value, scalar);
  Tensor sel;
  {
    autograd::NoGradGuard no_grad;
    Tensor pos = ember::arange(self.numel(), TensorOptions().dtype(kInt64).device(self.device())).view(self.sizes());
    sel = get_advanced(pos, indices).contiguous();
  }
  // The selected flat positions as one row of coordinates per dim of self, computed by ops (no host
  // reads: the arange lives on self's device).
  int64_t k = self.dim(), n = sel.numel();
  std::vector<Tensor> coords(k);
  {
    autograd::NoGradGuard no_grad;
    Tensor flat = sel.reshape({n});
    int64_t stride = 1;
    for (int64_t m = k - 1; m >= 0; --m) {
      coords[m] = ember::remainder(ember::floor_divide(flat, stride), self.sizes()[m]);
      stride *= self.sizes()[m];
    }
  }
  Tensor idx = k ? ember::stack(coords) : ember::empty({0, n}, TensorOptions().dtype(kInt64).device(self.device()));
  Tensor v = value ? fit_value(*value, sel.sizes(), self.dtype()).reshape({n})
                  : ember::full({n}, *scalar, TensorOptions().dtype(self.dtype()));
  ember::_index_scatter_(self, idx, v, false);
}

// ---- the entry points

Tensor get(const Tensor& self, ArrayRef<TensorIndex> indices) {
  return has_tensor_index(indices) ? get_advanced(self, indices) : get_view(self, indices);
}
void set(const Tensor& self, ArrayRef<TensorIndex> indices, const Tensor& value) {
  if (has_tensor_index(indices)) return set_advanced(self, indices, &value, nullptr);
  write(self, indices, &value, nullptr);
}
void set(const Tensor& self, ArrayRef<TensorIndex> indices, const Scalar& value) {
  self.check_defined("index_put_");
  check_scalar_in_range(value, self.dtype());  // Note [scalar range]
  if (has_tensor_index(indices)) return set_advanced(self, indices, nullptr, &value);
  write(self, indices, nullptr, &value);
}

}  // namespace ember::indexing

namespace ember {

Tensor Tensor::index(std::initializer_list<indexing::TensorIndex> indices) const {
  return indexing::get(*this, ArrayRef<indexing::TensorIndex>(indices));
}
Tensor Tensor::index(ArrayRef<indexing::TensorIndex> indices) const { return indexing::get(*this, indices); }
const Tensor& Tensor::index_put_(std::initializer_list<indexing::TensorIndex> indices, const Tensor& value) const {
  indexing::set(*this, ArrayRef<indexing::TensorIndex>(indices), value);
  return *this;
}
const Tensor& Tensor::index_put_(ArrayRef<indexing::TensorIndex> indices, const Tensor& value) const {
  indexing::set(*this, indices, value);
  return *this;
}
const Tensor& Tensor::index_put_(std::initializer_list<indexing::TensorIndex> indices, const Scalar& value) const {
  indexing::set(*this, ArrayRef<indexing::TensorIndex>(indices), value);
  return *this;
}
const Tensor& Tensor::index_put_(ArrayRef<indexing::TensorIndex> indices, const Scalar& value) const {
  indexing::set(*this, indices, value);
  return *this;
}

}  // namespace ember
