// Advanced indexing for ember::indexing::get/set (ember/indexing.h): integer tensors and bool masks mixed
// with ints, slices, None and Ellipsis, as numpy/PyTorch. Ints, slices and None are applied first as a
// view (integers are `select`s, as PyTorch does, so they do not count as advanced indices); the
// advanced dims of that view are then moved first and gathered with _index_gather (a copy, recorded by
// autograd). When the tensor indices sit next to each other the result's index dims take their place,
// otherwise they go first. t[key] = v writes through _index_scatter_ on t itself, at coordinates found
// by indexing an arange of t's shape the same way (O(t.numel()) extra work), so autograd records it.
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
    if (i.kind() == TensorIndex::Kind::Tensor)
      consumed += i.tensor().defined() && i.tensor().dtype() == kBool ? i.tensor().dim() : 1;
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
      case TensorIndex::Kind::Tensor: {
        const Tensor& t = i.tensor();
        EMBER_CHECK_INDEX(t.defined(), "an undefined tensor is not a valid index");
        if (t.dtype() == kBool && t.dim() == 0)
          throw NotImplementedError("indexing with a 0-d bool tensor is not implemented yet");
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
    if (i.kind() == TensorIndex::Kind::Tensor) return true;
  return false;
}

Tensor get_advanced(const Tensor& self, ArrayRef<TensorIndex> indices) {
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
  Tensor x = view.permute(perm);
  native::PreparedIndex p = native::prepare_index(x, k.tensors);
  DimVector shape = p.shape;
  for (int64_t d = p.k; d < x.dim(); ++d) shape.push_back(x.sizes()[d]);
  Tensor r = ember::_index_gather(x, p.idx).view(shape);
  int64_t nb = static_cast<int64_t>(p.shape.size()), p0 = k.pos[0];
  if (adjacent && p0 > 0 && nb > 0) {
    DimVector src, dst;
    for (int64_t j = 0; j < nb; ++j) {
      src.push_back(j);
      dst.push_back(p0 + j);
    }
    r = r.movedim(src, dst);
  }
  return r;
}

void set_advanced(const Tensor& self, ArrayRef<TensorIndex> indices, const Tensor* value, const Scalar* scalar) {
  self.check_defined("index_put_");
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
  Tensor v;
  if (value) {
    value->check_defined("index_put_");
    v = *value;
    DimVector vs(v.sizes());  // PyTorch drops value's leading size-1 dims beyond the result's rank
    size_t drop = 0;
    while (static_cast<int64_t>(vs.size() - drop) > sel.dim() && vs[drop] == 1) ++drop;
    if (drop > 0) v = v.reshape(IntArrayRef(vs.data() + drop, vs.size() - drop));
    bool ok = v.dim() <= sel.dim();
    for (int64_t d = 0; ok && d < v.dim(); ++d) {
      int64_t a = v.sizes()[v.dim() - 1 - d], b = sel.sizes()[sel.dim() - 1 - d];
      ok = a == b || a == 1;
    }
    EMBER_CHECK(ok, "shape mismatch: value tensor of shape ", value->sizes(),
                " cannot be broadcast to indexing result of shape ", sel.sizes());
    if (v.dtype() != self.dtype()) v = v.to(std::nullopt, self.dtype());
    v = v.expand(sel.sizes()).reshape({n});
  } else {
    v = ember::full({n}, *scalar, TensorOptions().dtype(self.dtype()));
  }
  ember::_index_scatter_(self, idx, v, false);
}

}  // namespace ember::indexing
