// Advanced indexing for ember::indexing::get/set (ember/indexing.h): integer tensors and bool masks mixed
// with ints, slices, None and Ellipsis, as numpy/PyTorch. Ints, slices and None are applied first as a
// view (integers are `select`s, as PyTorch does, so they do not count as advanced indices); the
// advanced dims of that view are then moved first and gathered with _index_gather (a copy, recorded by
// autograd). When the tensor indices sit next to each other the result's index dims take their place,
// otherwise they go first. t[key] = v writes with _index_scatter_ through that view when autograd is not
// recording; when it is, on t itself (so the node sits on t), at coordinates found by indexing an arange
// of t's shape the same way (O(t.numel()) extra work).
#include "ember/autograd/autograd.h"
#include "ember/gen/functions.h"
#include "ember/indexing.h"
#include "ops/advanced_indexing.h"

namespace ember::indexing {

Tensor get_basic(const Tensor& self, ArrayRef<TensorIndex> indices);  // indexing.cpp

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
  Tensor view = get_basic(self, k.basic);
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
    Tensor pos = ember::arange(self.numel(), TensorOptions().dtype(kInt64)).view(self.sizes());
    sel = get_advanced(pos, indices).contiguous();
  }
  int64_t k = self.dim(), n = sel.numel();
  Tensor idx = ember::empty({k, n}, TensorOptions().dtype(kInt64));
  const int64_t* f = static_cast<const int64_t*>(sel.data_ptr());
  int64_t* o = static_cast<int64_t*>(idx.data_ptr());
  int64_t stride = 1;
  for (int64_t m = k - 1; m >= 0; --m) {
    int64_t size = self.sizes()[m];
    for (int64_t j = 0; j < n; ++j) o[m * n + j] = (f[j] / stride) % size;
    stride *= size;
  }
  Tensor v = value ? fit_value(*value, sel.sizes(), self.dtype()).reshape({n})
                  : ember::full({n}, *scalar, TensorOptions().dtype(self.dtype()));
  ember::_index_scatter_(self, idx, v, false);
}

}  // namespace ember::indexing
