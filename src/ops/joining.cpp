// Joining and repeating ops (src/ops/joining.yaml): cat (with its own CatBackward node: the generator
// has no Tensor[] inputs in backward formulas), and the composites stack, hstack/vstack/dstack,
// repeat, tile, repeat_interleave (differentiable through the ops they call).
#include <string>

#include "core/autograd_hooks.h"
#include "ember/gen/functions.h"
#include "ember/gen/native.h"
#include "ops/structured.h"
#include "ops/dim_util.h"

namespace ember::native {

namespace {


/// PyTorch's legacy rule: 1-D empty tensors take no part in cat's shape checks.
bool skipped_in_cat(const Tensor& t) { return t.dim() == 1 && t.numel() == 0; }

std::vector<Tensor> atleast(TensorList tensors, int64_t n) {
  std::vector<Tensor> out;
  for (const Tensor& t : tensors) {
    t.check_defined("atleast");
    if (t.dim() >= n) {
      out.push_back(t);
    } else if (t.dim() == 0) {
      out.push_back(t.reshape(DimVector(static_cast<size_t>(n), 1)));
    } else if (t.dim() == 1) {
      // 1-D (k) -> (1, k) for 2-D, (1, k, 1) for 3-D, as numpy's atleast_2d / atleast_3d.
      out.push_back(n == 2 ? t.unsqueeze(0) : t.unsqueeze(0).unsqueeze(2));
    } else {  // 2-D -> (m, k, 1)
      out.push_back(t.unsqueeze(2));
    }
  }
  return out;
}

}  // namespace

Tensor cat(TensorList tensors, int64_t dim) {
  EMBER_CHECK_VALUE(!tensors.empty(), "torch.cat(): expected a non-empty list of Tensors");
  const Tensor* ref = nullptr;
  ScalarType dtype = tensors[0].dtype();
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    t.check_defined("cat");
    EMBER_CHECK(t.dim() > 0, "zero-dimensional tensor (at position ", i, ") cannot be concatenated");
    EMBER_CHECK(t.device() == tensors[0].device(),
                "Expected all tensors to be on the same device, but found at least two devices, ",
                tensors[0].device(), " and ", t.device(), "!");
    if (i > 0) dtype = promote_types(dtype, t.dtype());
    if (!ref && !skipped_in_cat(t)) ref = &t;
  }
  if (!ref) ref = &tensors[0];
  int64_t d = wrap_dim(dim, ref->dim());
  DimVector out_sizes(ref->sizes());
  int64_t total = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    if (skipped_in_cat(t) && &t != ref) continue;
    EMBER_CHECK(t.dim() == ref->dim(), "Tensors must have same number of dimensions: got ", ref->dim(), " and ",
                t.dim());
    for (int64_t k = 0; k < t.dim(); ++k) {
      EMBER_CHECK(k == d || t.sizes()[k] == ref->sizes()[k], "Sizes of tensors must match except in dimension ", d,
                  ". Expected size ", ref->sizes()[k], " but got size ", t.sizes()[k], " for tensor number ", i,
                  " in the list.");
    }
    total += t.sizes()[d];
  }
  out_sizes[d] = total;
  Tensor out = ember::empty(out_sizes, tensors[0].options().dtype(dtype));
  std::vector<int64_t> starts(tensors.size(), -1);
  {
    autograd::NoGradGuard no_grad;
    int64_t offset = 0;
    for (size_t i = 0; i < tensors.size(); ++i) {
      const Tensor& t = tensors[i];
      if (skipped_in_cat(t) && &t != ref) continue;
      starts[i] = offset;
      int64_t n = t.sizes()[d];
      if (n > 0 && t.numel() > 0) out.narrow(d, offset, n).copy_(t);
      offset += n;
    }
  }
  // Recorded by the autograd layer when it is loaded (Note [autograd hooks]).
  bool record = detail::g_autograd_hooks.record_cat && autograd::GradMode::is_enabled() && is_floating_point(dtype);
  if (record) {
    record = false;
    for (const Tensor& t : tensors) record |= t.requires_grad();
  }
  if (record) detail::g_autograd_hooks.record_cat(out, tensors, d, starts);
  return out;
}

Tensor stack(TensorList tensors, int64_t dim) {
  EMBER_CHECK(!tensors.empty(), "stack expects a non-empty TensorList");
  for (size_t i = 0; i < tensors.size(); ++i) {
    tensors[i].check_defined("stack");
    EMBER_CHECK(tensors[i].sizes().equals(tensors[0].sizes()),
                "stack expects each tensor to be equal size, but got ", tensors[0].sizes(), " at entry 0 and ",
                tensors[i].sizes(), " at entry ", i);
  }
  int64_t d = wrap_dim(dim, tensors[0].dim() + 1);
  std::vector<Tensor> parts;
  for (const Tensor& t : tensors) parts.push_back(t.unsqueeze(d));
  return ember::cat(parts, d);
}

Tensor hstack(TensorList tensors) {
  EMBER_CHECK(!tensors.empty(), "hstack expects a non-empty TensorList");
  std::vector<Tensor> ts = atleast(tensors, 1);
  return ember::cat(ts, ts[0].dim() == 1 ? 0 : 1);
}

Tensor vstack(TensorList tensors) {
  EMBER_CHECK(!tensors.empty(), "vstack expects a non-empty TensorList");
  return ember::cat(atleast(tensors, 2), 0);
}

Tensor dstack(TensorList tensors) {
  EMBER_CHECK(!tensors.empty(), "dstack expects a non-empty TensorList");
  return ember::cat(atleast(tensors, 3), 2);
}

Tensor repeat(const Tensor& self, IntArrayRef repeats) {
  self.check_defined("repeat");
  int64_t nd = static_cast<int64_t>(repeats.size());
  EMBER_CHECK(nd >= self.dim(),
              "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
  for (int64_t r : repeats)
    EMBER_CHECK(r >= 0, "Trying to create tensor with negative dimension ", r, ": ", repeats);
  // self viewed as (1, s0, 1, s1, ...), expanded to (r0, s0, r1, s1, ...), copied, merged pairwise.
  int64_t pad = nd - self.dim();
  DimVector pairs, expanded, final_sizes;
  for (int64_t i = 0; i < nd; ++i) {
    int64_t s = i < pad ? 1 : self.sizes()[i - pad];
    pairs.push_back(1);
    pairs.push_back(s);
    expanded.push_back(repeats[i]);
    expanded.push_back(s);
    final_sizes.push_back(repeats[i] * s);
  }
  return self.reshape(pairs).expand(expanded).clone().view(final_sizes);
}

Tensor tile(const Tensor& self, IntArrayRef dims) {
  self.check_defined("tile");
  int64_t nd = static_cast<int64_t>(dims.size());
  if (nd >= self.dim()) return self.repeat(dims);
  DimVector padded(static_cast<size_t>(self.dim() - nd), 1);
  for (int64_t r : dims) padded.push_back(r);
  return self.repeat(padded);
}

static Tensor check_output_size(Tensor r, std::optional<int64_t> dim, std::optional<int64_t> output_size) {
  if (output_size) {
    int64_t got = r.sizes()[dim && r.dim() > 0 ? wrap_dim(*dim, r.dim()) : 0];
    EMBER_CHECK(got == *output_size, "allocated size does not match required size");
  }
  return r;
}

static Tensor repeat_interleave_int(const Tensor& self, int64_t repeats, std::optional<int64_t> dim);
static Tensor repeat_interleave_tensor(const Tensor& self, const Tensor& repeats, std::optional<int64_t> dim);

Tensor repeat_interleave(const Tensor& self, int64_t repeats, std::optional<int64_t> dim,
                         std::optional<int64_t> output_size) {
  return check_output_size(repeat_interleave_int(self, repeats, dim), dim, output_size);
}

Tensor repeat_interleave_self_Tensor(const Tensor& self, const Tensor& repeats, std::optional<int64_t> dim,
                                     std::optional<int64_t> output_size) {
  return check_output_size(repeat_interleave_tensor(self, repeats, dim), dim, output_size);
}

Tensor repeat_interleave_Tensor(const Tensor& repeats, std::optional<int64_t> output_size) {
  repeats.check_defined("repeat_interleave");
  EMBER_CHECK(repeats.dim() == 1, "repeat_interleave only accept 1D vector as repeat");
  Tensor idx = ember::arange(Scalar(repeats.numel()), std::nullopt, Scalar(1), TensorOptions(kInt64));
  return check_output_size(repeat_interleave_tensor(idx, repeats, 0), 0, output_size);
}

static Tensor repeat_interleave_int(const Tensor& self, int64_t repeats, std::optional<int64_t> dim) {
  self.check_defined("repeat_interleave");
  EMBER_CHECK(repeats >= 0, "repeats can not be negative");
  Tensor x = !dim ? self.reshape({-1}) : (self.dim() == 0 ? self.reshape({1}) : self);
  int64_t d = dim ? wrap_dim(*dim, x.dim()) : 0;
  DimVector sizes(x.sizes());
  DimVector expanded;
  for (int64_t i = 0; i < x.dim(); ++i) {
    expanded.push_back(sizes[i]);
    if (i == d) expanded.push_back(repeats);
  }
  DimVector final_sizes(sizes);
  final_sizes[d] = sizes[d] * repeats;
  return x.unsqueeze(d + 1).expand(expanded).clone().view(final_sizes);
}

static Tensor repeat_interleave_tensor(const Tensor& self, const Tensor& repeats, std::optional<int64_t> dim) {
  self.check_defined("repeat_interleave");
  repeats.check_defined("repeat_interleave");
  EMBER_CHECK(repeats.dim() <= 1, "repeats must be 0-dim or 1-dim tensor");
  EMBER_CHECK(repeats.dtype() == kInt64 || repeats.dtype() == kInt32, "repeats has to be Long or Int tensor");
  structured::check_not_meta("repeat_interleave", repeats);  // CPU repeats size a meta result
  Tensor x = !dim ? self.reshape({-1}) : (self.dim() == 0 ? self.reshape({1}) : self);
  int64_t d = dim ? wrap_dim(*dim, x.dim()) : 0;
  int64_t n = x.sizes()[d];
  // The repeats are read on the host (they size the result): copied there from their device.
  Tensor r = repeats.to(Device(kCPU), kInt64).reshape({-1}).contiguous();
  if (r.numel() == 1 && n != 1) r = r.expand({n}).contiguous();
  EMBER_CHECK(r.numel() == n, "repeats must have the same size as input along dim, but got repeats.size(0) = ",
              r.numel(), " and input.size(", d, ") = ", n);
  const int64_t* rp = r.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) EMBER_CHECK(rp[i] >= 0, "repeats can not be negative");
  std::vector<Tensor> pieces;
  DimVector sizes(x.sizes());
  for (int64_t i = 0; i < n; ++i) {
    if (rp[i] == 0) continue;
    sizes[d] = rp[i];
    pieces.push_back(x.narrow(d, i, 1).expand(sizes));
  }
  if (pieces.empty()) return x.narrow(d, 0, 0).clone();
  return ember::cat(pieces, d);
}

}  // namespace ember::native
