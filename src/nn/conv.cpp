// Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d: Python's checks, initialization and repr
// (python/ember/nn/modules/conv.py); forward is one nn::functional call (after F::pad for
// padding_mode reflect / replicate / circular, as PyTorch).
#include "ember/nn/modules/conv.h"

#include <cmath>
#include <ostream>
#include <sstream>
#include <variant>

#include "ember/gen/functions.h"
#include "ember/nn/functional.h"
#include "ember/nn/init.h"
#include "nn/repr.h"

namespace ember::nn {
namespace F = functional;

namespace {
template <class Options>
void check_options(const Options& o) {
  EMBER_CHECK_VALUE(o.groups() > 0, "groups must be a positive integer");
  EMBER_CHECK_VALUE(o.in_channels() % o.groups() == 0, "in_channels must be divisible by groups");
  EMBER_CHECK_VALUE(o.out_channels() % o.groups() == 0, "out_channels must be divisible by groups");
}

std::string mode_name(const detail::conv_padding_mode_t& m) {
  return std::visit([](const auto& v) { return std::string(v.str()); }, m);
}

// weight (transposed: (in, out / groups, *k); else (out, in / groups, *k)) and bias, then the default init
template <size_t D, class Impl>
void reset_conv(Impl& m, bool transposed) {
  const auto& o = m.options;
  std::vector<int64_t> shape = transposed ? std::vector<int64_t>{o.in_channels(), o.out_channels() / o.groups()}
                                          : std::vector<int64_t>{o.out_channels(), o.in_channels() / o.groups()};
  for (size_t i = 0; i < D; ++i) shape.push_back((*o.kernel_size())[i]);
  m.weight = m.register_parameter("weight", ember::empty(shape));
  m.bias = m.register_parameter("bias", o.bias() ? ember::empty({o.out_channels()}) : Tensor());
  m.reset_parameters();
}

template <class Impl>
void reset_conv_parameters(Impl& m) {
  init::kaiming_uniform_(m.weight, std::sqrt(5.0));
  if (m.bias.defined()) {
    auto [fan_in, fan_out] = init::_calculate_fan_in_and_fan_out(m.weight);
    (void)fan_out;
    if (fan_in != 0) {
      double bound = 1 / std::sqrt(static_cast<double>(fan_in));
      init::uniform_(m.bias, -bound, bound);
    }
  }
}

template <size_t D>
bool all_equal(const ExpandingArray<D>& a, int64_t v) {
  for (auto x : *a) if (x != v) return false;
  return true;
}

// Python's extra_repr of _ConvNd
template <size_t D, class Options>
void print_conv(std::ostream& s, const char* name, const Options& o, const std::string& padding, bool zero_padding,
                const ExpandingArray<D>& output_padding) {
  s << name << "(" << o.in_channels() << ", " << o.out_channels() << ", kernel_size=" << o.kernel_size()
    << ", stride=" << o.stride();
  if (!zero_padding) s << ", padding=" << padding;
  if (!all_equal<D>(o.dilation(), 1)) s << ", dilation=" << o.dilation();
  if (!all_equal<D>(output_padding, 0)) s << ", output_padding=" << output_padding;
  if (o.groups() != 1) s << ", groups=" << o.groups();
  if (!o.bias()) s << ", bias=False";
  std::string mode = mode_name(o.padding_mode());
  if (mode != "zeros") s << ", padding_mode=" << mode;
  s << ")";
}

template <size_t D>
void print_conv_nd(std::ostream& s, const char* name, const ConvOptions<D>& o) {
  std::string padding;
  bool zero = false;
  if (auto* p = std::get_if<ExpandingArray<D>>(&o.padding())) {
    std::ostringstream t;
    t << *p;
    padding = t.str();
    zero = all_equal<D>(*p, 0);
  } else {
    padding = std::visit([](const auto& v) -> std::string {
      if constexpr (std::is_same_v<std::decay_t<decltype(v)>, ExpandingArray<D>>) return "";
      else return v.str();
    }, o.padding());
  }
  print_conv<D>(s, name, o, padding, zero, ExpandingArray<D>(0));
}

template <size_t D>
void check_conv(const ConvOptions<D>& o) {
  check_options(o);
  if (std::holds_alternative<enumtype::kSame>(o.padding()))
    EMBER_CHECK_VALUE(all_equal<D>(o.stride(), 1), "padding='same' is not supported for strided convolutions");
}

// The input padded as F::pad wants for padding_mode != zeros (Python's _reversed_padding_repeated_twice).
template <size_t D>
Tensor pad_input(const Tensor& input, const ConvOptions<D>& o) {
  std::vector<int64_t> pads(2 * D, 0);
  for (size_t i = 0; i < D; ++i) {
    size_t slot = D - 1 - i;  // last spatial dim first
    int64_t left, right;
    if (auto* p = std::get_if<ExpandingArray<D>>(&o.padding())) {
      left = right = (**p)[i];
    } else if (std::holds_alternative<enumtype::kSame>(o.padding())) {
      int64_t total = (*o.dilation())[i] * ((*o.kernel_size())[i] - 1);
      left = total / 2;
      right = total - left;
    } else {
      left = right = 0;
    }
    pads[2 * slot] = left;
    pads[2 * slot + 1] = right;
  }
  F::PadFuncOptions::mode_t mode = std::visit([](const auto& v) -> F::PadFuncOptions::mode_t {
    using V = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<V, enumtype::kReflect>) return ember::kReflect;
    else if constexpr (std::is_same_v<V, enumtype::kReplicate>) return ember::kReplicate;
    else if constexpr (std::is_same_v<V, enumtype::kCircular>) return ember::kCircular;
    else return ember::kConstant;
  }, o.padding_mode());
  return F::pad(input, F::PadFuncOptions(pads).mode(mode));
}

template <size_t D>
Tensor call_conv(const Tensor& input, const Tensor& weight, const F::ConvFuncOptions<D>& fo) {
  if constexpr (D == 1) {
    return F::conv1d(input, weight, fo);
  } else {
    return F::conv2d(input, weight, fo);
  }
}

template <size_t D>
Tensor conv_forward(const Tensor& input, const Tensor& weight, const Tensor& bias, const ConvOptions<D>& o) {
  auto fo = F::ConvFuncOptions<D>().bias(bias).stride(o.stride()).dilation(o.dilation()).groups(o.groups());
  if (mode_name(o.padding_mode()) != "zeros") {
    fo.padding(ExpandingArray<D>(0));
    return call_conv<D>(pad_input<D>(input, o), weight, fo);
  }
  fo.padding(o.padding());
  return call_conv<D>(input, weight, fo);
}

template <size_t D>
void check_transpose(const ConvTransposeOptions<D>& o, const char* name) {
  check_options(o);
  EMBER_CHECK_VALUE(mode_name(o.padding_mode()) == "zeros", "Only \"zeros\" padding mode is supported for ", name);
}

// Python's _ConvTransposeNd._output_padding: the output_padding giving output_size, checked against the range.
template <size_t D>
std::vector<int64_t> output_padding(const Tensor& input, const std::optional<std::vector<int64_t>>& output_size,
                                    const ConvTransposeOptions<D>& o) {
  if (!output_size) return o.output_padding().vec();
  int64_t non_spatial = input.dim() == static_cast<int64_t>(D) + 2 ? 2 : 1;
  std::vector<int64_t> size = *output_size;
  if (static_cast<int64_t>(size.size()) == non_spatial + static_cast<int64_t>(D))
    size.erase(size.begin(), size.begin() + non_spatial);
  EMBER_CHECK_VALUE(size.size() == D, "ConvTranspose", D, "D: for ", input.dim(), "D input, output_size must have ",
                    D, " or ", non_spatial + static_cast<int64_t>(D), " elements (got ", size.size(), ")");
  std::vector<int64_t> min_sizes, max_sizes, result;
  for (size_t d = 0; d < D; ++d) {
    int64_t m = (input.size(d + non_spatial) - 1) * (*o.stride())[d] - 2 * (*o.padding())[d] +
                (*o.dilation())[d] * ((*o.kernel_size())[d] - 1) + 1;
    min_sizes.push_back(m);
    max_sizes.push_back(m + (*o.stride())[d] - 1);
  }
  for (size_t d = 0; d < D; ++d) {
    EMBER_CHECK_VALUE(min_sizes[d] <= size[d] && size[d] <= max_sizes[d], "requested an output size of ",
                      IntArrayRef(size), ", but valid sizes range from ", IntArrayRef(min_sizes), " to ",
                      IntArrayRef(max_sizes), " (for an input of ", IntArrayRef(input.sizes().data() + non_spatial, input.dim() - non_spatial), ")");
    result.push_back(size[d] - min_sizes[d]);
  }
  return result;
}

template <size_t D>
void print_transpose(std::ostream& s, const char* name, const ConvTransposeOptions<D>& o) {
  std::ostringstream t;
  t << o.padding();
  print_conv<D>(s, name, o, t.str(), all_equal<D>(o.padding(), 0), o.output_padding());
}
}  // namespace

Conv1dImpl::Conv1dImpl(Conv1dOptions options_) : Cloneable("Conv1d"), options(std::move(options_)) {
  check_conv<1>(options);
  reset();
}
void Conv1dImpl::reset() { reset_conv<1>(*this, false); }
void Conv1dImpl::reset_parameters() { reset_conv_parameters(*this); }
void Conv1dImpl::on_tensors_replaced() { weight = parameters_["weight"]; bias = parameters_["bias"]; }
Tensor Conv1dImpl::forward(const Tensor& input) { return conv_forward<1>(input, weight, bias, options); }
void Conv1dImpl::pretty_print(std::ostream& s) const { print_conv_nd<1>(s, "Conv1d", options); }

Conv2dImpl::Conv2dImpl(Conv2dOptions options_) : Cloneable("Conv2d"), options(std::move(options_)) {
  check_conv<2>(options);
  reset();
}
void Conv2dImpl::reset() { reset_conv<2>(*this, false); }
void Conv2dImpl::reset_parameters() { reset_conv_parameters(*this); }
void Conv2dImpl::on_tensors_replaced() { weight = parameters_["weight"]; bias = parameters_["bias"]; }
Tensor Conv2dImpl::forward(const Tensor& input) { return conv_forward<2>(input, weight, bias, options); }
void Conv2dImpl::pretty_print(std::ostream& s) const { print_conv_nd<2>(s, "Conv2d", options); }

ConvTranspose1dImpl::ConvTranspose1dImpl(ConvTranspose1dOptions options_)
    : Cloneable("ConvTranspose1d"), options(std::move(options_)) {
  check_transpose<1>(options, "ConvTranspose1d");
  reset();
}
void ConvTranspose1dImpl::reset() { reset_conv<1>(*this, true); }
void ConvTranspose1dImpl::reset_parameters() { reset_conv_parameters(*this); }
void ConvTranspose1dImpl::on_tensors_replaced() { weight = parameters_["weight"]; bias = parameters_["bias"]; }
Tensor ConvTranspose1dImpl::forward(const Tensor& input, const std::optional<std::vector<int64_t>>& output_size) {
  auto op = output_padding<1>(input, output_size, options);
  return ember::conv_transpose1d(input, weight, bias.defined() ? std::optional<Tensor>(bias) : std::nullopt,
                                 options.stride(), options.padding(), op, options.groups(), options.dilation());
}
void ConvTranspose1dImpl::pretty_print(std::ostream& s) const { print_transpose<1>(s, "ConvTranspose1d", options); }

ConvTranspose2dImpl::ConvTranspose2dImpl(ConvTranspose2dOptions options_)
    : Cloneable("ConvTranspose2d"), options(std::move(options_)) {
  check_transpose<2>(options, "ConvTranspose2d");
  reset();
}
void ConvTranspose2dImpl::reset() { reset_conv<2>(*this, true); }
void ConvTranspose2dImpl::reset_parameters() { reset_conv_parameters(*this); }
void ConvTranspose2dImpl::on_tensors_replaced() { weight = parameters_["weight"]; bias = parameters_["bias"]; }
Tensor ConvTranspose2dImpl::forward(const Tensor& input, const std::optional<std::vector<int64_t>>& output_size) {
  auto op = output_padding<2>(input, output_size, options);
  return ember::conv_transpose2d(input, weight, bias.defined() ? std::optional<Tensor>(bias) : std::nullopt,
                                 options.stride(), options.padding(), op, options.groups(), options.dilation());
}
void ConvTranspose2dImpl::pretty_print(std::ostream& s) const { print_transpose<2>(s, "ConvTranspose2d", options); }

}  // namespace ember::nn
