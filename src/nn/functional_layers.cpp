// nn::functional for the layers: each function is one schema-op call with the options unpacked, and the
// argument checks Python's ember.nn.functional makes (the same messages).
#include <cmath>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ember/gen/functions.h"
#include "ember/nn/functional.h"
#include "ember/util/error.h"

namespace ember::nn::functional {
namespace {
std::optional<Tensor> opt(const Tensor& t) { return t.defined() ? std::optional<Tensor>(t) : std::nullopt; }

template <size_t D>
Tensor conv_nd(const Tensor& input, const Tensor& weight, const ConvFuncOptions<D>& o) {
  input.check_defined(D == 1 ? "conv1d" : "conv2d");
  weight.check_defined(D == 1 ? "conv1d" : "conv2d");
  return std::visit(
      [&](const auto& p) -> Tensor {
        using P = std::decay_t<decltype(p)>;
        IntArrayRef stride = o.stride(), dilation = o.dilation();
        if constexpr (std::is_same_v<P, ExpandingArray<D>>) {
          IntArrayRef padding = p;
          return D == 1 ? ember::conv1d(input, weight, opt(o.bias()), stride, padding, dilation, o.groups())
                        : ember::conv2d(input, weight, opt(o.bias()), stride, padding, dilation, o.groups());
        } else {
          std::string padding = P::str();
          return D == 1 ? ember::conv1d(input, weight, opt(o.bias()), stride, padding, dilation, o.groups())
                        : ember::conv2d(input, weight, opt(o.bias()), stride, padding, dilation, o.groups());
        }
      },
      o.padding());
}

void check_p(double p) {
  EMBER_CHECK_VALUE(p >= 0.0 && p <= 1.0, "dropout probability has to be between 0 and 1, but got ", p);
}

Tensor maybe_inplace(Tensor& input, const Tensor& result, bool inplace) {
  if (!inplace) return result;
  input.copy_(result);
  return input;
}
}  // namespace

Tensor conv1d(const Tensor& input, const Tensor& weight, const Conv1dFuncOptions& options) {
  return conv_nd<1>(input, weight, options);
}

Tensor conv2d(const Tensor& input, const Tensor& weight, const Conv2dFuncOptions& options) {
  return conv_nd<2>(input, weight, options);
}

Tensor conv_transpose1d(const Tensor& input, const Tensor& weight, const ConvTranspose1dFuncOptions& o) {
  return ember::conv_transpose1d(input, weight, opt(o.bias()), o.stride(), o.padding(), o.output_padding(),
                                 o.groups(), o.dilation());
}

Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const ConvTranspose2dFuncOptions& o) {
  return ember::conv_transpose2d(input, weight, opt(o.bias()), o.stride(), o.padding(), o.output_padding(),
                                 o.groups(), o.dilation());
}

Tensor max_pool1d(const Tensor& input, const MaxPool1dFuncOptions& o) {
  return ember::max_pool1d(input, o.kernel_size(), o.stride(), o.padding(), o.dilation(), o.ceil_mode());
}

std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& input, const MaxPool1dFuncOptions& o) {
  return ember::max_pool1d_with_indices(input, o.kernel_size(), o.stride(), o.padding(), o.dilation(), o.ceil_mode());
}

Tensor max_pool2d(const Tensor& input, const MaxPool2dFuncOptions& o) {
  return ember::max_pool2d(input, o.kernel_size(), o.stride(), o.padding(), o.dilation(), o.ceil_mode());
}

std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, const MaxPool2dFuncOptions& o) {
  return ember::max_pool2d_with_indices(input, o.kernel_size(), o.stride(), o.padding(), o.dilation(), o.ceil_mode());
}

Tensor avg_pool1d(const Tensor& input, const AvgPool1dFuncOptions& o) {
  EMBER_CHECK_VALUE(!o.divisor_override().has_value(), "avg_pool1d: divisor_override is not supported (2-D only)");
  return ember::avg_pool1d(input, o.kernel_size(), o.stride(), o.padding(), o.ceil_mode(), o.count_include_pad());
}

Tensor avg_pool2d(const Tensor& input, const AvgPool2dFuncOptions& o) {
  return ember::avg_pool2d(input, o.kernel_size(), o.stride(), o.padding(), o.ceil_mode(), o.count_include_pad(),
                           o.divisor_override());
}

Tensor adaptive_avg_pool1d(const Tensor& input, const AdaptiveAvgPool1dFuncOptions& o) {
  return ember::adaptive_avg_pool1d(input, o.output_size());
}

Tensor adaptive_avg_pool2d(const Tensor& input, const AdaptiveAvgPool2dFuncOptions& o) {
  input.check_defined("adaptive_avg_pool2d");
  EMBER_CHECK_VALUE(input.dim() >= 2 || ((*o.output_size())[0] && (*o.output_size())[1]),
                    "Input dimension should be at least 3");
  std::vector<int64_t> size(2);
  for (int i = 0; i < 2; ++i) {
    const auto& v = (*o.output_size())[i];
    size[i] = v ? *v : input.size(input.dim() - 2 + i);
  }
  return ember::adaptive_avg_pool2d(input, size);
}

Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const BatchNormFuncOptions& o) {
  // the op checks for one value per channel in training ("Expected more than 1 value per channel ...")
  return ember::batch_norm(input, opt(o.weight()), opt(o.bias()), opt(running_mean), opt(running_var), o.training(),
                           o.momentum().value_or(0.0), o.eps(), false);
}

Tensor layer_norm(const Tensor& input, const LayerNormFuncOptions& o) {
  return ember::layer_norm(input, o.normalized_shape(), opt(o.weight()), opt(o.bias()), o.eps());
}

Tensor group_norm(const Tensor& input, const GroupNormFuncOptions& o) {
  return ember::group_norm(input, o.num_groups(), opt(o.weight()), opt(o.bias()), o.eps());
}

Tensor dropout(Tensor input, const DropoutFuncOptions& o) {
  check_p(o.p());
  return maybe_inplace(input, ember::dropout(input, o.p(), o.training()), o.inplace() && o.training());
}

Tensor dropout1d(Tensor input, const Dropout1dFuncOptions& o) {
  check_p(o.p());
  EMBER_CHECK(input.dim() == 2 || input.dim() == 3, "dropout1d: Expected 2D or 3D input, but received a ",
              input.dim(), "D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 "
              "spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).");
  bool batched = input.dim() == 3;
  Tensor r = ember::feature_dropout(batched ? input : input.unsqueeze(0), o.p(), o.training());
  return maybe_inplace(input, batched ? r : r.squeeze(0), o.inplace() && o.training());
}

Tensor dropout2d(Tensor input, const Dropout2dFuncOptions& o) {
  check_p(o.p());
  bool unbatched = input.dim() == 3;
  Tensor r = ember::feature_dropout(unbatched ? input.unsqueeze(0) : input, o.p(), o.training());
  return maybe_inplace(input, unbatched ? r.squeeze(0) : r, o.inplace() && o.training());
}

Tensor embedding(const Tensor& input, const Tensor& weight, const EmbeddingFuncOptions& o) {
  weight.check_defined("embedding");
  int64_t padding_idx = -1;
  if (o.padding_idx()) {
    int64_t p = *o.padding_idx(), n = weight.size(0);
    EMBER_CHECK(p < n && p >= -n, "Padding_idx must be within num_embeddings");
    padding_idx = p < 0 ? p + n : p;
  }
  if (o.max_norm()) throw NotImplementedError("embedding: max_norm is not implemented in ember");
  return ember::embedding(weight, input, padding_idx, o.scale_grad_by_freq(), o.sparse());
}

Tensor one_hot(const Tensor& tensor, int64_t num_classes) { return ember::one_hot(tensor, num_classes); }

Tensor pad(const Tensor& input, const PadFuncOptions& o) {
  std::string mode = std::visit([](const auto& m) { return std::string(m.str()); }, o.mode());
  std::optional<double> value = mode == "constant" ? std::optional<double>(o.value()) : std::nullopt;
  return ember::pad(input, o.pad(), mode, value);
}

Tensor interpolate(const Tensor& input, const InterpolateFuncOptions& o) {
  input.check_defined("interpolate");
  std::string mode = std::visit([](const auto& m) { return std::string(m.str()); }, o.mode());
  if (input.dim() != 4)
    throw NotImplementedError(ember::detail::str("interpolate: ember supports 4-D inputs (N, C, H, W), got ",
                                                 input.dim(), "-D"));
  if (mode != "nearest" && mode != "bilinear")
    throw NotImplementedError("interpolate: mode '" + mode + "' is not implemented in ember (nearest, bilinear)");
  if (o.antialias()) throw NotImplementedError("interpolate: antialias is not implemented in ember");
  EMBER_CHECK_VALUE(mode != "nearest" || !o.align_corners(), "align_corners option can only be set with the "
                    "interpolating modes: linear | bilinear | bicubic | trilinear");
  EMBER_CHECK_VALUE(o.size().has_value() != o.scale_factor().has_value(),
                    "only one of size or scale_factor should be defined");
  auto expand = [](const auto& v, const char* name) {
    EMBER_CHECK_VALUE(v.size() == 1 || v.size() == 2, "Input and ", name, " must have the same number of spatial "
                      "dimensions, but got input with spatial dimensions of 2 and ", name, " of length ", v.size(),
                      ".");
    return v.size() == 1 ? std::vector<std::decay_t<decltype(v[0])>>{v[0], v[0]}
                         : std::vector<std::decay_t<decltype(v[0])>>{v[0], v[1]};
  };
  std::vector<int64_t> out;
  std::optional<double> sh, sw;
  if (o.size()) {
    out = expand(*o.size(), "output size");
  } else {
    auto f = expand(*o.scale_factor(), "scale_factor");
    out = {static_cast<int64_t>(std::floor(input.size(2) * f[0])), static_cast<int64_t>(std::floor(input.size(3) * f[1]))};
    if (!o.recompute_scale_factor().value_or(false)) {
      sh = f[0];
      sw = f[1];
    }
  }
  if (mode == "nearest") return ember::upsample_nearest2d(input, out, sh, sw);
  return ember::upsample_bilinear2d(input, out, o.align_corners().value_or(false), sh, sw);
}

}  // namespace ember::nn::functional
