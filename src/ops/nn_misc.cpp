// Other nn math (src/ops/nn.yaml): activations, dropout, one_hot, padding modes and upsampling as
// composites (differentiable through the ops they call), and embedding (a kernel each way: the backward
// sums rows per index, skipping padding_idx).
#include <string>

#include "ember/dispatch/dispatch.h"
#include "ember/gen/functions.h"
#include "ember/gen/native.h"
#include "ops/structured.h"

namespace ember::native {

// ---- activations -----------------------------------------------------------------------------------

Tensor hardtanh(const Tensor& self, const Scalar& min_val, const Scalar& max_val) {
  self.check_defined("hardtanh");
  // where() sends the gradient to self only strictly inside (min_val, max_val), as PyTorch's
  // hardtanh_backward (clamp's gradient would also pass at the bounds).
  Tensor inside = ember::logical_and(self > min_val, self < max_val);
  return ember::where(inside, self, ember::clamp(self.detach(), min_val, max_val));
}

Tensor relu6(const Tensor& self) { return ember::hardtanh(self, 0, 6); }

Tensor leaky_relu(const Tensor& self, const Scalar& negative_slope) {
  self.check_defined("leaky_relu");
  return ember::where(self > 0, self, self * negative_slope);
}

Tensor elu(const Tensor& self, const Scalar& alpha, const Scalar& scale, const Scalar& input_scale) {
  self.check_defined("elu");
  // expm1 of the clamped negative part: the untaken branch of where stays finite for large inputs. The
  // value is alpha * expm1(x) and the gradient alpha * input_scale * exp(x), as PyTorch's kernels
  // compute them (expm1's own backward, result + 1, loses precision for very negative x).
  Tensor xc = ember::clamp(self, std::nullopt, Scalar(0.0)) * input_scale;
  Tensor e = ember::exp(xc);
  Tensor neg = ember::expm1(xc.detach()) * alpha + (e - e.detach()) * alpha;
  return ember::where(self > 0, self, neg) * scale;
}

Tensor softplus(const Tensor& self, const Scalar& beta, const Scalar& threshold) {
  self.check_defined("softplus");
  Tensor bx = self * beta;
  // log1p(exp(bx)) of bx clamped below the threshold: the untaken branch never overflows
  Tensor soft = ember::log1p(ember::exp(ember::clamp(bx, std::nullopt, threshold))) / beta;
  return ember::where(bx > threshold, self, soft);
}

// ---- dropout ---------------------------------------------------------------------------------------

namespace {
Tensor dropout_common(const char* op, const Tensor& input, double p, bool train, bool feature) {
  input.check_defined(op);
  EMBER_CHECK_VALUE(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got ", p);
  if (!train || p == 0 || input.numel() == 0) return input;
  if (p == 1) return input * 0.0;
  EMBER_CHECK(is_floating_point(input.dtype()), op, ": expected a floating-point input, but got ", input.dtype());
  DimVector mask_shape(input.sizes());
  if (feature) {
    EMBER_CHECK(input.dim() >= 2, op, ": Feature dropout requires at least 2 dimensions in the input");
    for (int64_t d = 2; d < input.dim(); ++d) mask_shape[d] = 1;
  }
  Tensor keep = ember::bernoulli(ember::full(mask_shape, 1.0 - p, TensorOptions(input.dtype()).device(input.device())));
  return input * (keep * (1.0 / (1.0 - p)));
}
}  // namespace

Tensor dropout(const Tensor& input, double p, bool train) { return dropout_common("dropout", input, p, train, false); }

Tensor feature_dropout(const Tensor& input, double p, bool train) {
  return dropout_common("feature_dropout", input, p, train, true);
}

// ---- embedding -------------------------------------------------------------------------------------

Tensor embedding(const Tensor& weight, const Tensor& indices, int64_t padding_idx, bool, bool sparse) {
  weight.check_defined("embedding");
  indices.check_defined("embedding");
  EMBER_CHECK(weight.dim() == 2, "'weight' must be 2-D, but got weight of size ", weight.sizes());
  EMBER_CHECK(is_integral(indices.dtype(), false), "Expected tensor for argument #1 'indices' to have one of the "
              "following scalar types: Long, Int; but got ", indices.dtype(), " instead (while checking arguments "
              "for embedding)");
  EMBER_CHECK_AS(NotImplementedError, !sparse, "embedding: sparse gradients are not implemented in ember");
  (void)padding_idx;
  DimVector out_sizes(indices.sizes());
  out_sizes.push_back(weight.sizes()[1]);
  Tensor out = ember::empty(out_sizes, weight.options());
  Tensor idx = indices.to(std::nullopt, kInt64).contiguous();
  dispatch::kernel<OpId::embedding>(weight.device().type(), weight.dtype())(
      out.view({idx.numel(), weight.sizes()[1]}), weight.contiguous(), idx.view({idx.numel()}), padding_idx, false,
      false);
  return out;
}

Tensor _embedding_backward(const Tensor& grad, const Tensor& indices, IntArrayRef weight_size, int64_t padding_idx,
                           bool scale_grad_by_freq) {
  EMBER_CHECK(weight_size.size() == 2, "embedding_backward: expected a 2-D weight size, but got ", weight_size);
  Tensor gw = ember::empty(weight_size, grad.options());
  Tensor idx = indices.to(std::nullopt, kInt64).contiguous();
  Tensor g = grad.contiguous();
  dispatch::kernel<OpId::_embedding_backward>(grad.device().type(), grad.dtype())(
      gw, g.view({idx.numel(), weight_size[1]}), idx.view({idx.numel()}), weight_size, padding_idx,
      scale_grad_by_freq);
  return gw;
}

// ---- one_hot ---------------------------------------------------------------------------------------

Tensor one_hot(const Tensor& self, int64_t num_classes) {
  self.check_defined("one_hot");
  EMBER_CHECK(self.dtype() == kInt64, "one_hot is only applicable to index tensor of type LongTensor.");
  EMBER_CHECK(num_classes >= -1, "one_hot: num_classes should be -1 or a non-negative number, but got ",
              num_classes);
  if (num_classes == -1) {
    structured::check_not_meta("one_hot", self);  // the size would depend on the values
    EMBER_CHECK(self.numel() > 0, "Can not infer total number of classes from empty tensor.");
    num_classes = self.max().item<int64_t>() + 1;
  }
  if (!self.is_meta() && self.numel() > 0) {
    EMBER_CHECK(self.min().item<int64_t>() >= 0, "Class values must be non-negative.");
    EMBER_CHECK(self.max().item<int64_t>() < num_classes, "Class values must be smaller than num_classes.");
  }
  DimVector sizes(self.sizes());
  sizes.push_back(num_classes);
  Tensor out = ember::zeros(sizes, self.options());
  if (self.numel() == 0 || num_classes == 0) return out;
  return ember::scatter(out, -1, self.unsqueeze(-1), Scalar(int64_t(1)));
}

// ---- padding modes ---------------------------------------------------------------------------------

namespace {
/// The source index of each output position along a padded dim of size n (reflect, replicate, circular).
Tensor pad_index(const std::string& mode, int64_t n, int64_t left, int64_t right, Device dev) {
  Tensor i = ember::arange(-left, n + right, 1, TensorOptions(kInt64).device(dev));
  if (mode == "replicate") return ember::clamp(i, Scalar(int64_t(0)), Scalar(n - 1));
  if (mode == "circular") return ember::remainder(i, n);
  // reflect: fold i into [0, n - 1] without repeating the edge (|i| then the mirror at n - 1)
  Tensor a = ember::abs(i);
  return (n - 1) - ember::abs((n - 1) - a);
}
}  // namespace

Tensor pad(const Tensor& self, IntArrayRef pad_, const std::string& mode, std::optional<double> value) {
  self.check_defined("pad");
  if (mode == "constant") return ember::constant_pad_nd(self, pad_, value.value_or(0.0));
  EMBER_CHECK_AS(NotImplementedError, mode == "reflect" || mode == "replicate" || mode == "circular",
                 "pad: unsupported padding mode '", mode, "' (constant, reflect, replicate or circular)");
  EMBER_CHECK(!value || *value == 0, "Padding mode \"", mode, "\" doesn't take in value argument.");
  const int64_t k = static_cast<int64_t>(pad_.size()) / 2;
  EMBER_CHECK(pad_.size() % 2 == 0, "Padding length must be divisible by 2");
  EMBER_CHECK_AS(NotImplementedError, k >= 1 && k <= 3 && self.dim() >= k + 1 && self.dim() <= k + 2,
                 "Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now (", mode,
                 " padding of ", k, " dims of an input of size ", self.sizes(), ")");
  Tensor x = self;
  for (int64_t i = 0; i < k; ++i) {
    int64_t d = self.dim() - 1 - i, n = self.sizes()[d], l = pad_[2 * i], r = pad_[2 * i + 1];
    if (mode == "reflect")
      EMBER_CHECK(l < n && r < n, "Argument #4: Padding size should be less than the corresponding input dimension, "
                  "but got: padding (", l, ", ", r, ") at dimension ", d, " of input ", self.sizes());
    if (mode == "circular")
      EMBER_CHECK(l <= n && r <= n, "Padding value causes wrapping around more than once.");
    EMBER_CHECK(n + l + r > 0, "pad: the padded size of dimension ", d, " (", n, " + ", l, " + ", r,
                ") must be positive");
    EMBER_CHECK(l >= 0 && r >= 0, "pad: negative padding is only supported in constant mode");
    if (l == 0 && r == 0) continue;
    x = ember::index_select(x, d, pad_index(mode, n, l, r, self.device()));
  }
  return x;
}

// ---- upsampling ------------------------------------------------------------------------------------

namespace {
void check_upsample(const char* op, const Tensor& self, IntArrayRef output_size) {
  self.check_defined(op);
  EMBER_CHECK(self.dim() == 4, op, ": Non-empty 4D data tensor expected but got a tensor with sizes ", self.sizes());
  EMBER_CHECK(output_size.size() == 2 && output_size[0] > 0 && output_size[1] > 0, op,
              ": Input and output sizes should be greater than 0, but got input (H: ", self.sizes()[2], ", W: ",
              self.sizes()[3], ") output (H: ", output_size.empty() ? 0 : output_size[0], ", W: ",
              output_size.size() < 2 ? 0 : output_size[1], ")");
}

/// PyTorch's area_pixel_compute_scale: in / out, or 1 / scale_factor when the caller gave one.
double pixel_scale(int64_t in, int64_t out, bool align_corners, std::optional<double> scale) {
  if (align_corners) return out > 1 ? static_cast<double>(in - 1) / static_cast<double>(out - 1) : 0.0;
  return scale && *scale > 0 ? 1.0 / *scale : static_cast<double>(in) / static_cast<double>(out);
}
}  // namespace

Tensor upsample_nearest2d(const Tensor& self, IntArrayRef output_size, std::optional<double> scales_h,
                          std::optional<double> scales_w) {
  check_upsample("upsample_nearest2d", self, output_size);
  Tensor x = self;
  std::optional<double> scales[2] = {scales_h, scales_w};
  for (int i = 0; i < 2; ++i) {
    int64_t d = 2 + i, in = self.sizes()[d], out = output_size[i];
    double s = pixel_scale(in, out, false, scales[i]);
    Tensor idx = ember::clamp(ember::floor(ember::arange(0, out, 1, TensorOptions(kFloat64).device(self.device())) * s),
                              std::nullopt, Scalar(static_cast<double>(in - 1)))
                     .to(std::nullopt, kInt64);
    x = ember::index_select(x, d, idx);
  }
  return x;
}

Tensor upsample_bilinear2d(const Tensor& self, IntArrayRef output_size, bool align_corners,
                           std::optional<double> scales_h, std::optional<double> scales_w) {
  check_upsample("upsample_bilinear2d", self, output_size);
  EMBER_CHECK(is_floating_point(self.dtype()), "upsample_bilinear2d: expected a floating-point input, but got ",
              self.dtype());
  Tensor x = self;
  std::optional<double> scales[2] = {scales_h, scales_w};
  for (int i = 0; i < 2; ++i) {
    int64_t d = 2 + i, in = self.sizes()[d], out = output_size[i];
    double s = pixel_scale(in, out, align_corners, scales[i]);
    Tensor dst = ember::arange(0, out, 1, TensorOptions(kFloat64).device(self.device()));
    Tensor src = align_corners ? dst * s : ember::clamp((dst + 0.5) * s - 0.5, Scalar(0.0), std::nullopt);
    Tensor i0 = ember::clamp(ember::floor(src), std::nullopt, Scalar(static_cast<double>(in - 1)));
    Tensor i1 = ember::clamp(i0 + 1.0, std::nullopt, Scalar(static_cast<double>(in - 1)));
    DimVector shape(4, 1);
    shape[d] = out;
    Tensor lam = (src - i0).to(std::nullopt, self.dtype()).view(shape);
    Tensor a = ember::index_select(x, d, i0.to(std::nullopt, kInt64));
    Tensor b = ember::index_select(x, d, i1.to(std::nullopt, kInt64));
    x = a + (b - a) * lam;
  }
  return x;
}

}  // namespace ember::native
