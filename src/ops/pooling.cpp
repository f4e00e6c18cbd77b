// Pooling (src/ops/pooling.yaml): argument checks and output shapes as PyTorch's pooling_output_shape,
// then the kernels over (planes, H, W) views of contiguous inputs; 1-D forms run as 2-D ones over
// (N, C, 1, L).
#include <string>

#include "ember/dispatch/dispatch.h"
#include "ember/gen/functions.h"
#include "ember/gen/native.h"

namespace ember::native {

namespace {

DimVector pair(const char* op, IntArrayRef v, const char* what, IntArrayRef fallback) {
  if (v.empty()) return DimVector(fallback);
  EMBER_CHECK(v.size() == 1 || v.size() == 2, op, ": ", what, " must either be a single int, or a tuple of two ints");
  return v.size() == 1 ? DimVector{v[0], v[0]} : DimVector(v);
}

int64_t pooled_size(int64_t in, int64_t k, int64_t pad, int64_t stride, int64_t dilation, bool ceil_mode) {
  int64_t num = in + 2 * pad - dilation * (k - 1) - 1 + (ceil_mode ? stride - 1 : 0);
  int64_t out = (num >= 0 ? num / stride : -((-num + stride - 1) / stride)) + 1;
  if (ceil_mode && (out - 1) * stride >= in + pad) --out;
  return out;
}

struct Pool2d {
  DimVector k, s, p, d, out;  // out: the full output shape
  int64_t planes = 1, h = 0, w = 0;
};

Pool2d pool_geom(const char* op, const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride,
                 IntArrayRef padding, IntArrayRef dilation, bool ceil_mode, bool avg) {
  self.check_defined(op);
  EMBER_CHECK((self.dim() == 3 || self.dim() == 4), op, ": Expected 3D or 4D (batch mode) tensor for input, but got ",
              "input of size: ", self.sizes());
  for (int64_t d = self.dim() - 2; d < self.dim(); ++d)
    EMBER_CHECK(self.sizes()[d] > 0, op, ": Expected input's non-batch dimensions to have positive length, but input "
                "has a shape of ", self.sizes(), " and non-batch dimension ", self.sizes()[d], " has length zero!");
  Pool2d g;
  g.k = pair(op, kernel_size, "kernel_size", {});
  g.s = pair(op, stride, "stride", g.k);
  g.p = pair(op, padding, "padding", {});
  g.d = pair(op, dilation, "dilation", {});
  EMBER_CHECK(g.k[0] > 0 && g.k[1] > 0, op, ": kernel_size must be greater than zero, but got kH: ", g.k[0], " kW: ",
              g.k[1]);
  EMBER_CHECK(g.s[0] > 0 && g.s[1] > 0, op, ": stride should be greater than zero, but got dH: ", g.s[0], " dW: ",
              g.s[1]);
  EMBER_CHECK(g.d[0] > 0 && g.d[1] > 0, op, ": dilation should be greater than zero, but got dilationH: ", g.d[0],
              " dilationW: ", g.d[1]);
  for (int i = 0; i < 2; ++i)
    EMBER_CHECK(g.p[i] >= 0 && g.p[i] <= (avg ? g.k[i] : (g.k[i] - 1) * g.d[i] + 1) / 2, op,
                ": pad should be at most half of ", avg ? "kernel size" : "effective kernel size", ", but got pad=",
                g.p[i], ", kernel_size=", g.k[i], avg ? "" : " and dilation=", avg ? "" : std::to_string(g.d[i]));
  g.h = self.sizes()[self.dim() - 2];
  g.w = self.sizes()[self.dim() - 1];
  for (int64_t d = 0; d < self.dim() - 2; ++d) g.planes *= self.sizes()[d];
  int64_t oh = pooled_size(g.h, g.k[0], g.p[0], g.s[0], g.d[0], ceil_mode);
  int64_t ow = pooled_size(g.w, g.k[1], g.p[1], g.s[1], g.d[1], ceil_mode);
  EMBER_CHECK(oh > 0 && ow > 0, op, ": Given input size: (", self.sizes()[self.dim() - 3], "x", g.h, "x", g.w,
              "). Calculated output size: (", self.sizes()[self.dim() - 3], "x", oh, "x", ow,
              "). Output size is too small");
  g.out = DimVector(self.sizes());
  g.out[self.dim() - 2] = oh;
  g.out[self.dim() - 1] = ow;
  return g;
}

DimVector plane_shape(const Pool2d& g, int64_t h, int64_t w) { return {g.planes, h, w}; }

}  // namespace

std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride,
                                                   IntArrayRef padding, IntArrayRef dilation, bool ceil_mode) {
  Pool2d g = pool_geom("max_pool2d", self, kernel_size, stride, padding, dilation, ceil_mode, false);
  EMBER_CHECK_AS(NotImplementedError, is_floating_point(self.dtype()) || is_integral(self.dtype(), false),
                 "\"max_pool2d\" not implemented for '", self.dtype(), "'");
  Tensor out = ember::empty(g.out, self.options());
  Tensor idx = ember::empty(g.out, self.options().dtype(kInt64));
  Tensor x = self.contiguous();
  dispatch::kernel<OpId::max_pool2d_with_indices>(self.device().type(), self.dtype())(
      out.view(plane_shape(g, g.out.end()[-2], g.out.end()[-1])),
      idx.view(plane_shape(g, g.out.end()[-2], g.out.end()[-1])), x.view(plane_shape(g, g.h, g.w)), g.k, g.s, g.p,
      g.d, ceil_mode);
  return {out, idx};
}

Tensor max_pool2d_with_indices_backward(const Tensor& grad_output, const Tensor& self, IntArrayRef kernel_size,
                                        IntArrayRef stride, IntArrayRef padding, IntArrayRef dilation, bool ceil_mode,
                                        const Tensor& indices) {
  Pool2d g = pool_geom("max_pool2d_with_indices_backward", self, kernel_size, stride, padding, dilation, ceil_mode,
                       false);
  EMBER_CHECK(grad_output.sizes().equals(g.out) && indices.sizes().equals(g.out),
              "max_pool2d_with_indices_backward: expected grad_output and indices of size ", IntArrayRef(g.out),
              ", but got ", grad_output.sizes(), " and ", indices.sizes());
  Tensor gi = ember::empty(self.sizes(), self.options());
  Tensor go = grad_output.to(std::nullopt, self.dtype()).contiguous(), ix = indices.contiguous();
  DimVector os = plane_shape(g, g.out.end()[-2], g.out.end()[-1]);
  dispatch::kernel<OpId::max_pool2d_with_indices_backward>(self.device().type(), self.dtype())(
      gi.view(plane_shape(g, g.h, g.w)), go.view(os), self, g.k, g.s, g.p, g.d, ceil_mode, ix.view(os));
  return gi;
}

Tensor max_pool2d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding,
                  IntArrayRef dilation, bool ceil_mode) {
  return std::get<0>(ember::max_pool2d_with_indices(self, kernel_size, stride, padding, dilation, ceil_mode));
}

namespace {
void check_1d(const char* op, const Tensor& self) {
  self.check_defined(op);
  EMBER_CHECK(self.dim() == 2 || self.dim() == 3, op, ": Expected 2D or 3D (batch mode) tensor for input, but got ",
              "input of size: ", self.sizes());
}
DimVector one(IntArrayRef v, int64_t fill) {
  DimVector r{fill};
  for (int64_t x : v) r.push_back(x);
  return r;
}
}  // namespace

std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride,
                                                   IntArrayRef padding, IntArrayRef dilation, bool ceil_mode) {
  check_1d("max_pool1d", self);
  DimVector s = stride.empty() ? DimVector(kernel_size) : DimVector(stride);
  auto r = ember::max_pool2d_with_indices(self.unsqueeze(-2), one(kernel_size, 1), one(s, 1), one(padding, 0),
                                          one(dilation, 1), ceil_mode);
  return {std::get<0>(r).squeeze(-2), std::get<1>(r).squeeze(-2)};
}

Tensor max_pool1d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding,
                  IntArrayRef dilation, bool ceil_mode) {
  return std::get<0>(ember::max_pool1d_with_indices(self, kernel_size, stride, padding, dilation, ceil_mode));
}

Tensor avg_pool2d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding, bool ceil_mode,
                  bool count_include_pad, std::optional<int64_t> divisor_override) {
  Pool2d g = pool_geom("avg_pool2d", self, kernel_size, stride, padding, {1}, ceil_mode, true);
  EMBER_CHECK(!divisor_override || *divisor_override != 0, "avg_pool2d: divisor must be not zero");
  EMBER_CHECK_AS(NotImplementedError, is_floating_point(self.dtype()), "\"avg_pool2d\" not implemented for '",
                 self.dtype(), "'");
  Tensor out = ember::empty(g.out, self.options());
  Tensor x = self.contiguous();
  dispatch::kernel<OpId::avg_pool2d>(self.device().type(), self.dtype())(
      out.view(plane_shape(g, g.out.end()[-2], g.out.end()[-1])), x.view(plane_shape(g, g.h, g.w)), g.k, g.s, g.p,
      ceil_mode, count_include_pad, divisor_override);
  return out;
}

Tensor avg_pool2d_backward(const Tensor& grad_output, const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride,
                           IntArrayRef padding, bool ceil_mode, bool count_include_pad,
                           std::optional<int64_t> divisor_override) {
  Pool2d g = pool_geom("avg_pool2d_backward", self, kernel_size, stride, padding, {1}, ceil_mode, true);
  EMBER_CHECK(grad_output.sizes().equals(g.out), "avg_pool2d_backward: expected grad_output of size ",
              IntArrayRef(g.out), ", but got ", grad_output.sizes());
  Tensor gi = ember::empty(self.sizes(), self.options());
  Tensor go = grad_output.to(std::nullopt, self.dtype()).contiguous();
  dispatch::kernel<OpId::avg_pool2d_backward>(self.device().type(), self.dtype())(
      gi.view(plane_shape(g, g.h, g.w)), go.view(plane_shape(g, g.out.end()[-2], g.out.end()[-1])), self, g.k, g.s,
      g.p, ceil_mode, count_include_pad, divisor_override);
  return gi;
}

Tensor avg_pool1d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding, bool ceil_mode,
                  bool count_include_pad) {
  check_1d("avg_pool1d", self);
  DimVector s = stride.empty() ? DimVector(kernel_size) : DimVector(stride);
  return ember::avg_pool2d(self.unsqueeze(-2), one(kernel_size, 1), one(s, 1), one(padding, 0), ceil_mode,
                           count_include_pad, std::nullopt)
      .squeeze(-2);
}

Tensor adaptive_avg_pool2d(const Tensor& self, IntArrayRef output_size) {
  self.check_defined("adaptive_avg_pool2d");
  EMBER_CHECK(output_size.size() == 2, "adaptive_avg_pool2d: output_size must be 2");
  EMBER_CHECK(self.dim() == 3 || self.dim() == 4, "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got ",
              self.sizes());
  for (int64_t d = self.dim() - 2; d < self.dim(); ++d)
    EMBER_CHECK(self.sizes()[d] > 0, "adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch "
                "dimensions, but input has sizes ", self.sizes(), " with dimension ", d, " being empty");
  EMBER_CHECK(output_size[0] >= 0 && output_size[1] >= 0, "adaptive_avg_pool2d: elements of output_size must be "
              "greater than or equal to 0 but received {", output_size[0], ", ", output_size[1], "}");
  EMBER_CHECK_AS(NotImplementedError, is_floating_point(self.dtype()), "\"adaptive_avg_pool2d\" not implemented for '",
                 self.dtype(), "'");
  int64_t planes = 1, h = self.sizes().end()[-2], w = self.sizes().end()[-1];
  for (int64_t d = 0; d < self.dim() - 2; ++d) planes *= self.sizes()[d];
  DimVector out_sizes(self.sizes());
  out_sizes[self.dim() - 2] = output_size[0];
  out_sizes[self.dim() - 1] = output_size[1];
  Tensor out = ember::empty(out_sizes, self.options());
  Tensor x = self.contiguous();
  dispatch::kernel<OpId::adaptive_avg_pool2d>(self.device().type(), self.dtype())(
      out.view({planes, output_size[0], output_size[1]}), x.view({planes, h, w}), output_size);
  return out;
}

Tensor _adaptive_avg_pool2d_backward(const Tensor& grad_output, const Tensor& self) {
  self.check_defined("adaptive_avg_pool2d_backward");
  EMBER_CHECK(self.dim() >= 3 && grad_output.dim() == self.dim(), "adaptive_avg_pool2d_backward: expected grad_output",
              " of ", self.dim(), " dims, but got ", grad_output.sizes());
  int64_t planes = 1, h = self.sizes().end()[-2], w = self.sizes().end()[-1];
  for (int64_t d = 0; d < self.dim() - 2; ++d) planes *= self.sizes()[d];
  int64_t oh = grad_output.sizes().end()[-2], ow = grad_output.sizes().end()[-1];
  Tensor gi = ember::empty(self.sizes(), self.options());
  Tensor go = grad_output.to(std::nullopt, self.dtype()).contiguous();
  dispatch::kernel<OpId::_adaptive_avg_pool2d_backward>(self.device().type(), self.dtype())(
      gi.view({planes, h, w}), go.view({planes, oh, ow}), self);
  return gi;
}

Tensor adaptive_avg_pool1d(const Tensor& self, IntArrayRef output_size) {
  check_1d("adaptive_avg_pool1d", self);
  EMBER_CHECK(output_size.size() == 1, "adaptive_avg_pool1d: output_size must be 1");
  return ember::adaptive_avg_pool2d(self.unsqueeze(-2), {1, output_size[0]}).squeeze(-2);
}

}  // namespace ember::native
