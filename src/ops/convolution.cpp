// Convolutions (src/ops/convolution.yaml): `convolution` checks its arguments, computes the output
// shape, runs the kernel and records its own ConvolutionBackward0 node (the bias is optional and one node
// gives all three gradients); conv1d / conv2d / conv_transpose* are composites over it. 1-D convolutions
// run as 2-D ones over (N, C, 1, L) views, so the kernels see 2-D problems only.
#include <string>

#include "core/autograd_hooks.h"
#include "ops/nn_autograd.h"
#include "ember/dispatch/dispatch.h"
#include "ember/gen/functions.h"
#include "ember/gen/native.h"

namespace ember::detail {
NNAutogradHooks g_nn_autograd;
}  // namespace ember::detail

namespace ember::native {

namespace {

DimVector expand_param(IntArrayRef p, int64_t n, const char* what) {
  EMBER_CHECK(p.size() == 1 || static_cast<int64_t>(p.size()) == n, "convolution: expected ", what, " to be a single ",
              "integer value or a list of ", n, " values to match the convolution dimensions, but got ", what, "=",
              p);
  return p.size() == 1 ? DimVector(static_cast<size_t>(n), p[0]) : DimVector(p);
}

}  // namespace

Tensor convolution(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias_opt,
                   IntArrayRef stride_, IntArrayRef padding_, IntArrayRef dilation_, bool transposed,
                   IntArrayRef output_padding_, int64_t groups) {
  input.check_defined("convolution");
  weight.check_defined("convolution");
  const Tensor bias = bias_opt.value_or(Tensor());
  int64_t k = weight.dim() - 2;  // spatial dims
  EMBER_CHECK(k == 1 || k == 2, "convolution: expected a 3-D (1-d convolution) or 4-D (2-d convolution) weight, ",
              "but got weight of size ", weight.sizes(), " (ember implements 1-d and 2-d convolutions)");
  EMBER_CHECK(input.dim() == k + 2, "Expected ", k + 1, "D (unbatched) or ", k + 2,
              "D (batched) input to conv", k, "d, but got input of size: ", input.sizes());
  EMBER_CHECK(groups > 0, "non-positive groups is not supported");
  DimVector stride = expand_param(stride_, k, "stride"), padding = expand_param(padding_, k, "padding"),
            dilation = expand_param(dilation_, k, "dilation"),
            output_padding = expand_param(output_padding_.empty() ? IntArrayRef({0}) : output_padding_, k,
                                          "output_padding");
  for (int64_t i = 0; i < k; ++i) {
    EMBER_CHECK(stride[i] > 0, "non-positive stride is not supported");
    EMBER_CHECK(padding[i] >= 0, "negative padding is not supported");
    EMBER_CHECK(dilation[i] > 0, "dilation should be greater than zero");
    EMBER_CHECK(output_padding[i] >= 0, "negative output_padding is not supported");
    if (transposed)
      EMBER_CHECK(output_padding[i] < stride[i] || output_padding[i] < dilation[i],
                  "output padding must be smaller than either stride or dilation, but got output_padding_height: ",
                  output_padding[0], " output_padding_width: ", output_padding[k - 1], " stride_height: ",
                  stride[0], " stride_width: ", stride[k - 1], " dilation_height: ", dilation[0],
                  " dilation_width: ", dilation[k - 1]);
  }
  EMBER_CHECK(input.dtype() == weight.dtype(), "Input type (", input.dtype(), ") and weight type (", weight.dtype(),
              ") should be the same");
  EMBER_CHECK_AS(NotImplementedError, is_floating_point(input.dtype()), "convolution: \"conv2d\" not implemented for '",
                 input.dtype(), "' (expected a floating-point input)");
  EMBER_CHECK(input.device() == weight.device(), "Input and weight should be on the same device, but got ",
              input.device(), " and ", weight.device());
  int64_t cin = input.sizes()[1];
  int64_t cout = transposed ? weight.sizes()[1] * groups : weight.sizes()[0];
  if (!transposed) {
    EMBER_CHECK(weight.sizes()[0] % groups == 0, "Given groups=", groups, ", expected weight to be divisible by ",
                groups, " at dimension 0, but got weight of size ", weight.sizes(), " instead");
    EMBER_CHECK(cin == weight.sizes()[1] * groups, "Given groups=", groups, ", weight of size ", weight.sizes(),
                ", expected input", input.sizes(), " to have ", weight.sizes()[1] * groups,
                " channels, but got ", cin, " channels instead");
  } else {
    EMBER_CHECK(weight.sizes()[0] % groups == 0, "Given groups=", groups, ", expected weight to be divisible by ",
                groups, " at dimension 0, but got weight of size ", weight.sizes(), " instead");
    EMBER_CHECK(cin == weight.sizes()[0], "Given transposed=1, weight of size ", weight.sizes(),
                ", expected input", input.sizes(), " to have ", weight.sizes()[0], " channels, but got ", cin,
                " channels instead");
  }
  if (bias.defined()) {
    EMBER_CHECK(bias.dim() == 1 && bias.sizes()[0] == cout, "Given weight of size ", weight.sizes(),
                ", expected bias to be 1-dimensional with ", cout, " elements, but got bias of size ", bias.sizes(),
                " instead");
    EMBER_CHECK(bias.dtype() == input.dtype(), "Input type (", input.dtype(), ") and bias type (", bias.dtype(),
                ") should be the same");
  }
  if (k == 1) {  // a 2-D problem over (N, C, 1, L)
    DimVector s{1, stride[0]}, p{0, padding[0]}, d{1, dilation[0]}, op{0, output_padding[0]};
    std::optional<Tensor> b;
    if (bias.defined()) b = bias;
    return ember::convolution(input.unsqueeze(2), weight.unsqueeze(2), b, s, p, d, transposed, op, groups)
        .squeeze(2);
  }
  DimVector out_sizes{input.sizes()[0], cout};
  bool too_small = false;
  for (int64_t i = 0; i < k; ++i) {
    int64_t in = input.sizes()[2 + i], kk = weight.sizes()[2 + i];
    int64_t o = transposed ? (in - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kk - 1) + output_padding[i] + 1
                           : (in + 2 * padding[i] - dilation[i] * (kk - 1) - 1) / stride[i] + 1;
    if (!transposed && in + 2 * padding[i] < dilation[i] * (kk - 1) + 1) too_small = true;
    if (o <= 0) too_small = true;
    out_sizes.push_back(o);
  }
  if (too_small) {
    std::string in_s, out_s, ks;
    for (int64_t i = 0; i < k; ++i) {
      in_s += (i ? " x " : "") + std::to_string(input.sizes()[2 + i] + (transposed ? 0 : 2 * padding[i]));
      out_s += (i ? " x " : "") + std::to_string(std::max<int64_t>(out_sizes[2 + i], 0));
      ks += (i ? " x " : "") + std::to_string(dilation[i] * (weight.sizes()[2 + i] - 1) + 1);
    }
    if (!transposed)
      EMBER_CHECK(false, "Calculated padded input size per channel: (", in_s, "). Kernel size: (", ks,
                  "). Kernel size can't be greater than actual input size");
    EMBER_CHECK(false, "Given input size per channel: (", in_s, "). Calculated output size per channel: (", out_s,
                "). Output size is too small");
  }
  Tensor out = ember::empty(out_sizes, input.options());
  {
    NoGradGuard no_grad;
    Tensor x = input.contiguous(), w = weight.contiguous();
    std::optional<Tensor> b;
    if (bias.defined()) b = bias.contiguous();
    dispatch::kernel<OpId::convolution>(input.device().type(), input.dtype())(out, x, w, b, stride, padding, dilation,
                                                                             transposed, output_padding, groups);
  }
  if (autograd::GradMode::is_enabled() && detail::any_requires_grad({&input, &weight, &bias}) && detail::g_nn_autograd.convolution)
    detail::g_nn_autograd.convolution(out, input, weight, bias, stride, padding, dilation, groups, transposed);
  return out;
}

Tensor _convolution_backward_input(const Tensor& grad_output, const Tensor& weight, IntArrayRef input_size,
                                   IntArrayRef stride, IntArrayRef padding, IntArrayRef dilation, int64_t groups) {
  EMBER_CHECK(grad_output.dim() == 4 && weight.dim() == 4 && input_size.size() == 4 && stride.size() == 2 &&
                  padding.size() == 2 && dilation.size() == 2,
              "_convolution_backward_input: expected a 4-D grad_output, weight and input_size and 2 values of ",
              "stride, padding and dilation, but got grad_output of size ", grad_output.sizes(), ", weight of size ",
              weight.sizes(), ", input_size ", input_size);
  EMBER_CHECK(grad_output.dtype() == weight.dtype(), "_convolution_backward_input: grad_output type (",
              grad_output.dtype(), ") and weight type (", weight.dtype(), ") should be the same");
  Tensor gi = ember::empty(input_size, grad_output.options());
  Tensor g = grad_output.contiguous(), w = weight.contiguous();
  dispatch::kernel<OpId::_convolution_backward_input>(g.device().type(), g.dtype())(gi, g, w, input_size, stride,
                                                                                   padding, dilation, groups);
  return gi;
}

std::tuple<Tensor, Tensor> _convolution_backward_weight(const Tensor& grad_output, const Tensor& input,
                                                        IntArrayRef weight_size, IntArrayRef stride,
                                                        IntArrayRef padding, IntArrayRef dilation, int64_t groups) {
  EMBER_CHECK(grad_output.dim() == 4 && input.dim() == 4 && weight_size.size() == 4 && stride.size() == 2 &&
                  padding.size() == 2 && dilation.size() == 2,
              "_convolution_backward_weight: expected a 4-D grad_output, input and weight_size and 2 values of ",
              "stride, padding and dilation, but got grad_output of size ", grad_output.sizes(), ", input of size ",
              input.sizes(), ", weight_size ", weight_size);
  EMBER_CHECK(grad_output.dtype() == input.dtype(), "_convolution_backward_weight: grad_output type (",
              grad_output.dtype(), ") and input type (", input.dtype(), ") should be the same");
  Tensor gw = ember::empty(weight_size, grad_output.options());
  Tensor gb = ember::empty({grad_output.sizes()[1]}, grad_output.options());
  Tensor g = grad_output.contiguous(), x = input.contiguous();
  dispatch::kernel<OpId::_convolution_backward_weight>(g.device().type(), g.dtype())(gw, gb, g, x, weight_size,
                                                                                    stride, padding, dilation, groups);
  return {gw, gb};
}

// ---- the functional forms ----------------------------------------------------------------------------

namespace {

/// A batch dim for an unbatched input (C, *), dropped again from the result.
template <class F>
Tensor with_batch(const Tensor& input, int64_t k, const char* op, const F& f) {
  input.check_defined(op);
  EMBER_CHECK(input.dim() == k + 1 || input.dim() == k + 2, "Expected ", k + 1, "D (unbatched) or ", k + 2,
              "D (batched) input to ", op, ", but got input of size: ", input.sizes());
  if (input.dim() == k + 1) return f(input.unsqueeze(0)).squeeze(0);
  return f(input);
}

Tensor conv_padding_str(const char* op, int64_t k, const Tensor& input, const Tensor& weight,
                        const std::optional<Tensor>& bias, IntArrayRef stride, const std::string& padding,
                        IntArrayRef dilation, int64_t groups) {
  DimVector zeros(static_cast<size_t>(k), 0);
  if (padding == "valid") return ember::convolution(input, weight, bias, stride, zeros, dilation, false, zeros, groups);
  EMBER_CHECK_VALUE(padding == "same", "Invalid padding string: '", padding, "'");
  DimVector s = expand_param(stride, k, "stride"), d = expand_param(dilation, k, "dilation");
  for (int64_t v : s) EMBER_CHECK(v == 1, "padding='same' is not supported for strided convolutions");
  EMBER_CHECK(weight.dim() == k + 2, op, ": expected a ", k + 2, "-D weight, but got weight of size ", weight.sizes());
  DimVector pad(static_cast<size_t>(k)), extra(static_cast<size_t>(k));
  bool asym = false;
  for (int64_t i = 0; i < k; ++i) {
    int64_t total = d[i] * (weight.sizes()[2 + i] - 1);
    pad[i] = total / 2;
    extra[i] = total - 2 * pad[i];
    asym |= extra[i] != 0;
  }
  Tensor x = input;
  if (asym) {  // PyTorch's rule: the odd extra row / column goes on the right, as an explicit zero pad
    DimVector p;  // constant_pad_nd order: last dim first, (left, right) pairs
    for (int64_t i = k - 1; i >= 0; --i) {
      p.push_back(0);
      p.push_back(extra[i]);
    }
    x = ember::constant_pad_nd(input, p, 0);
  }
  return ember::convolution(x, weight, bias, s, pad, d, false, zeros, groups);
}

}  // namespace

Tensor conv1d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias, IntArrayRef stride,
              IntArrayRef padding, IntArrayRef dilation, int64_t groups) {
  return with_batch(input, 1, "conv1d", [&](const Tensor& x) {
    return ember::convolution(x, weight, bias, stride, padding, dilation, false, {0}, groups);
  });
}

Tensor conv1d_padding(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                      IntArrayRef stride, const std::string& padding, IntArrayRef dilation, int64_t groups) {
  return with_batch(input, 1, "conv1d", [&](const Tensor& x) {
    return conv_padding_str("conv1d", 1, x, weight, bias, stride, padding, dilation, groups);
  });
}

Tensor conv2d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias, IntArrayRef stride,
              IntArrayRef padding, IntArrayRef dilation, int64_t groups) {
  return with_batch(input, 2, "conv2d", [&](const Tensor& x) {
    return ember::convolution(x, weight, bias, stride, padding, dilation, false, {0, 0}, groups);
  });
}

Tensor conv2d_padding(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                      IntArrayRef stride, const std::string& padding, IntArrayRef dilation, int64_t groups) {
  return with_batch(input, 2, "conv2d", [&](const Tensor& x) {
    return conv_padding_str("conv2d", 2, x, weight, bias, stride, padding, dilation, groups);
  });
}

Tensor conv_transpose1d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                        IntArrayRef stride, IntArrayRef padding, IntArrayRef output_padding, int64_t groups,
                        IntArrayRef dilation) {
  return with_batch(input, 1, "conv_transpose1d", [&](const Tensor& x) {
    return ember::convolution(x, weight, bias, stride, padding, dilation, true, output_padding, groups);
  });
}

Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                        IntArrayRef stride, IntArrayRef padding, IntArrayRef output_padding, int64_t groups,
                        IntArrayRef dilation) {
  return with_batch(input, 2, "conv_transpose2d", [&](const Tensor& x) {
    return ember::convolution(x, weight, bias, stride, padding, dilation, true, output_padding, groups);
  });
}

}  // namespace ember::native
