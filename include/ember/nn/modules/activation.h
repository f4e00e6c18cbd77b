// Activation modules: ReLU, ReLU6, Hardtanh, LeakyReLU, ELU, GELU, SiLU, Tanh, Sigmoid, Softplus,
// Softmax, LogSoftmax (libtorch's classes and options; Python's repr). forward calls nn::functional.
#pragma once
#include "ember/core/tensor.h"
#include "ember/nn/cloneable.h"
#include "ember/nn/module.h"
#include "ember/nn/options/activation.h"
#include "ember/nn/pimpl.h"

namespace ember::nn {

// Each activation: `XImpl(const XOptions& = {})`, `Tensor forward(Tensor)`, `options`, Python's repr.
#define EMBER_ACTIVATION_DECL(Name, OptionsType, ...)                                        \
  class EMBER_API Name##Impl : public Cloneable<Name##Impl> {                              \
   public:                                                                                  \
    explicit Name##Impl(const OptionsType& options_ __VA_ARGS__);                          \
    void reset() override {}                                                                \
    Tensor forward(Tensor input);                                                           \
    void pretty_print(std::ostream& stream) const override;                                 \
    OptionsType options;                                                                    \
  };                                                                                        \
  EMBER_MODULE(Name)

EMBER_ACTIVATION_DECL(ReLU, ReLUOptions, = {});
EMBER_ACTIVATION_DECL(ReLU6, ReLU6Options, = {});
EMBER_ACTIVATION_DECL(Hardtanh, HardtanhOptions, = {});
EMBER_ACTIVATION_DECL(LeakyReLU, LeakyReLUOptions, = {});
EMBER_ACTIVATION_DECL(ELU, ELUOptions, = {});
EMBER_ACTIVATION_DECL(GELU, GELUOptions, = {});
EMBER_ACTIVATION_DECL(Softplus, SoftplusOptions, = {});
EMBER_ACTIVATION_DECL(Softmax, SoftmaxOptions);
EMBER_ACTIVATION_DECL(LogSoftmax, LogSoftmaxOptions);
#undef EMBER_ACTIVATION_DECL

/// x * sigmoid(x).
class EMBER_API SiLUImpl : public Cloneable<SiLUImpl> {
 public:
  SiLUImpl() : Cloneable("SiLU") {}
  void reset() override {}
  Tensor forward(const Tensor& input);
};
EMBER_MODULE(SiLU);

/// tanh(x).
class EMBER_API TanhImpl : public Cloneable<TanhImpl> {
 public:
  TanhImpl() : Cloneable("Tanh") {}
  void reset() override {}
  Tensor forward(const Tensor& input);
};
EMBER_MODULE(Tanh);

/// 1 / (1 + exp(-x)).
class EMBER_API SigmoidImpl : public Cloneable<SigmoidImpl> {
 public:
  SigmoidImpl() : Cloneable("Sigmoid") {}
  void reset() override {}
  Tensor forward(const Tensor& input);
};
EMBER_MODULE(Sigmoid);

}  // namespace ember::nn
