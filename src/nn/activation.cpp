// The activation modules: forward is one nn::functional call; pretty_print is Python's repr.
#include "ember/nn/modules/activation.h"

#include <ostream>

#include "ember/gen/functions.h"
#include "ember/nn/functional.h"
#include "nn/repr.h"

namespace ember::nn {
namespace F = functional;
using detail::py_bool;
using detail::py_float;

static const char* inplace_suffix(bool inplace, bool first) {
  if (!inplace) return "";
  return first ? "inplace=True" : ", inplace=True";
}

ReLUImpl::ReLUImpl(const ReLUOptions& options_) : Cloneable("ReLU"), options(options_) {}
Tensor ReLUImpl::forward(Tensor input) { return F::relu(std::move(input), options); }
void ReLUImpl::pretty_print(std::ostream& s) const { s << "ReLU(" << inplace_suffix(options.inplace(), true) << ")"; }

ReLU6Impl::ReLU6Impl(const ReLU6Options& options_) : Cloneable("ReLU6"), options(options_) {}
Tensor ReLU6Impl::forward(Tensor input) { return F::relu6(std::move(input), options); }
void ReLU6Impl::pretty_print(std::ostream& s) const { s << "ReLU6(" << inplace_suffix(options.inplace(), true) << ")"; }

HardtanhImpl::HardtanhImpl(const HardtanhOptions& options_) : Cloneable("Hardtanh"), options(options_) {
  EMBER_CHECK_VALUE(options.max_val() > options.min_val(), "Hardtanh: max_val (", py_float(options.max_val()),
                    ") must be greater than min_val (", py_float(options.min_val()), ")");
}
Tensor HardtanhImpl::forward(Tensor input) { return F::hardtanh(std::move(input), options); }
void HardtanhImpl::pretty_print(std::ostream& s) const {
  s << "Hardtanh(min_val=" << py_float(options.min_val()) << ", max_val=" << py_float(options.max_val())
    << inplace_suffix(options.inplace(), false) << ")";
}

LeakyReLUImpl::LeakyReLUImpl(const LeakyReLUOptions& options_) : Cloneable("LeakyReLU"), options(options_) {}
Tensor LeakyReLUImpl::forward(Tensor input) { return F::leaky_relu(std::move(input), options); }
void LeakyReLUImpl::pretty_print(std::ostream& s) const {
  s << "LeakyReLU(negative_slope=" << py_float(options.negative_slope()) << inplace_suffix(options.inplace(), false)
    << ")";
}

ELUImpl::ELUImpl(const ELUOptions& options_) : Cloneable("ELU"), options(options_) {}
Tensor ELUImpl::forward(Tensor input) { return F::elu(std::move(input), options); }
void ELUImpl::pretty_print(std::ostream& s) const {
  s << "ELU(alpha=" << py_float(options.alpha()) << inplace_suffix(options.inplace(), false) << ")";
}

GELUImpl::GELUImpl(const GELUOptions& options_) : Cloneable("GELU"), options(options_) {}
Tensor GELUImpl::forward(Tensor input) { return F::gelu(input, options); }
void GELUImpl::pretty_print(std::ostream& s) const { s << "GELU(approximate='" << options.approximate() << "')"; }

SoftplusImpl::SoftplusImpl(const SoftplusOptions& options_) : Cloneable("Softplus"), options(options_) {}
Tensor SoftplusImpl::forward(Tensor input) { return F::softplus(input, options); }
void SoftplusImpl::pretty_print(std::ostream& s) const {
  s << "Softplus(beta=" << py_float(options.beta()) << ", threshold=" << py_float(options.threshold()) << ")";
}

SoftmaxImpl::SoftmaxImpl(const SoftmaxOptions& options_) : Cloneable("Softmax"), options(options_) {}
Tensor SoftmaxImpl::forward(Tensor input) { return F::softmax(input, F::SoftmaxFuncOptions(options.dim())); }
void SoftmaxImpl::pretty_print(std::ostream& s) const { s << "Softmax(dim=" << options.dim() << ")"; }

LogSoftmaxImpl::LogSoftmaxImpl(const LogSoftmaxOptions& options_) : Cloneable("LogSoftmax"), options(options_) {}
Tensor LogSoftmaxImpl::forward(Tensor input) {
  return F::log_softmax(input, F::LogSoftmaxFuncOptions(options.dim()));
}
void LogSoftmaxImpl::pretty_print(std::ostream& s) const { s << "LogSoftmax(dim=" << options.dim() << ")"; }

Tensor SiLUImpl::forward(const Tensor& input) { return F::silu(input); }
Tensor TanhImpl::forward(const Tensor& input) { return ember::tanh(input); }
Tensor SigmoidImpl::forward(const Tensor& input) { return ember::sigmoid(input); }

}  // namespace ember::nn
