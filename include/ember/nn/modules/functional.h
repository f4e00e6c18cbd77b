// Functional: a function wrapped as a module (libtorch's), so Sequential can hold ember::relu or a lambda.
#pragma once
#include <functional>
#include <utility>

#include "ember/core/tensor.h"
#include "ember/nn/module.h"
#include "ember/nn/pimpl.h"

namespace ember::nn {

/// forward(x) = function(x); extra constructor arguments are bound after x: Functional(F::elu, opts).
class EMBER_API FunctionalImpl : public Module {
 public:
  using Function = std::function<Tensor(Tensor)>;
  explicit FunctionalImpl(Function function);
  /// Binds args after the input: forward(x) = function(x, args...).
  template <class SomeFunction, class... Args, class = std::enable_if_t<(sizeof...(Args) > 0)>>
  explicit FunctionalImpl(SomeFunction original_function, Args&&... args)
      : FunctionalImpl(Function([f = std::move(original_function), bound = std::make_tuple(std::forward<Args>(args)...)](
                                    Tensor x) { return std::apply([&](const auto&... a) { return f(x, a...); }, bound); })) {}

  Tensor forward(Tensor input);
  Tensor operator()(Tensor input) { return forward(std::move(input)); }

 private:
  Function function_;
};
EMBER_MODULE(Functional);

}  // namespace ember::nn
