// The pooling modules: forward is one nn::functional call; pretty_print prints the sizes as Python's
// module holds them (MaxPool / AvgPool2d / adaptive pools keep the argument as given: "kernel_size=2" from
// an integer, "(2, 3)" from a list; AvgPool1d always holds 1-tuples: "(2,)").
#include "ember/nn/modules/pooling.h"

#include <ostream>

#include "ember/nn/functional.h"
#include "nn/repr.h"

namespace ember::nn {
namespace F = functional;
using detail::py_bool;

namespace {
// An ExpandingArray as Python's module attribute prints: the single value, or the tuple.
template <size_t D>
struct AsGiven {
  const ExpandingArray<D>& a;
};
template <size_t D>
std::ostream& operator<<(std::ostream& s, const AsGiven<D>& g) {
  if (g.a.is_single()) return s << (*g.a)[0];
  return s << g.a;
}
template <size_t D>
AsGiven<D> as_given(const ExpandingArray<D>& a) { return AsGiven<D>{a}; }

template <size_t D>
void print_max_pool(std::ostream& s, const char* name, const MaxPoolOptions<D>& o) {
  s << name << "(kernel_size=" << as_given(o.kernel_size()) << ", stride=" << as_given(o.stride())
    << ", padding=" << as_given(o.padding()) << ", dilation=" << as_given(o.dilation())
    << ", ceil_mode=" << py_bool(o.ceil_mode()) << ")";
}

void print_optional(std::ostream& s, const std::optional<int64_t>& v) {
  if (v) s << *v;
  else s << "None";
}
}  // namespace

MaxPool1dImpl::MaxPool1dImpl(const MaxPool1dOptions& options_) : Cloneable("MaxPool1d"), options(options_) {}
Tensor MaxPool1dImpl::forward(const Tensor& input) { return F::max_pool1d(input, options); }
std::tuple<Tensor, Tensor> MaxPool1dImpl::forward_with_indices(const Tensor& input) {
  return F::max_pool1d_with_indices(input, options);
}
void MaxPool1dImpl::pretty_print(std::ostream& s) const { print_max_pool<1>(s, "MaxPool1d", options); }

MaxPool2dImpl::MaxPool2dImpl(const MaxPool2dOptions& options_) : Cloneable("MaxPool2d"), options(options_) {}
Tensor MaxPool2dImpl::forward(const Tensor& input) { return F::max_pool2d(input, options); }
std::tuple<Tensor, Tensor> MaxPool2dImpl::forward_with_indices(const Tensor& input) {
  return F::max_pool2d_with_indices(input, options);
}
void MaxPool2dImpl::pretty_print(std::ostream& s) const { print_max_pool<2>(s, "MaxPool2d", options); }

AvgPool1dImpl::AvgPool1dImpl(const AvgPool1dOptions& options_) : Cloneable("AvgPool1d"), options(options_) {}
Tensor AvgPool1dImpl::forward(const Tensor& input) { return F::avg_pool1d(input, options); }
void AvgPool1dImpl::pretty_print(std::ostream& s) const {
  s << "AvgPool1d(kernel_size=" << options.kernel_size() << ", stride=" << options.stride()
    << ", padding=" << options.padding() << ")";
}

AvgPool2dImpl::AvgPool2dImpl(const AvgPool2dOptions& options_) : Cloneable("AvgPool2d"), options(options_) {}
Tensor AvgPool2dImpl::forward(const Tensor& input) { return F::avg_pool2d(input, options); }
void AvgPool2dImpl::pretty_print(std::ostream& s) const {
  s << "AvgPool2d(kernel_size=" << as_given(options.kernel_size()) << ", stride=" << as_given(options.stride())
    << ", padding=" << as_given(options.padding()) << ")";
}

AdaptiveAvgPool1dImpl::AdaptiveAvgPool1dImpl(const AdaptiveAvgPool1dOptions& options_)
    : Cloneable("AdaptiveAvgPool1d"), options(options_) {}
Tensor AdaptiveAvgPool1dImpl::forward(const Tensor& input) { return F::adaptive_avg_pool1d(input, options); }
void AdaptiveAvgPool1dImpl::pretty_print(std::ostream& s) const {
  s << "AdaptiveAvgPool1d(output_size=" << as_given(options.output_size()) << ")";
}

AdaptiveAvgPool2dImpl::AdaptiveAvgPool2dImpl(const AdaptiveAvgPool2dOptions& options_)
    : Cloneable("AdaptiveAvgPool2d"), options(options_) {}
Tensor AdaptiveAvgPool2dImpl::forward(const Tensor& input) { return F::adaptive_avg_pool2d(input, options); }
void AdaptiveAvgPool2dImpl::pretty_print(std::ostream& s) const {
  const auto& o = options.output_size();
  s << "AdaptiveAvgPool2d(output_size=";
  if (o.is_single()) {
    print_optional(s, (*o)[0]);
  } else {
    s << "(";
    print_optional(s, (*o)[0]);
    s << ", ";
    print_optional(s, (*o)[1]);
    s << ")";
  }
  s << ")";
}

}  // namespace ember::nn
