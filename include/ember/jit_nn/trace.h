// Tracing a C++ nn::Module into a script module (docs/jit.md). This is libember's part of the JIT (it
// needs nn); the IR, tracer and interpreter it uses are in libember_runtime (ember/jit.h).
#pragma once
#include <functional>
#include <memory>
#include <vector>

#include "ember/jit.h"
#include "ember/nn/module.h"

namespace ember::jit {

/// A script module mirroring m: its parameters, buffers and submodules (sharing their tensors, so
/// gradients reach m's parameters), training flag, and class names "__module__.<Name>" (a submodule's
/// class gets its path appended, so each object has its own class). No methods yet.
EMBER_API Module module_from_nn(const nn::Module& m);

/// Traces m: forward(inputs) runs the eager module (e.g. `[&](auto& in) { return net->forward(in[0].toTensor()); }`);
/// the result's "forward" method is the traced graph (parameters and buffers read with GetAttr).
EMBER_API Module trace_module(const nn::Module& m, const std::function<IValue(const std::vector<IValue>&)>& forward,
                              const std::vector<IValue>& inputs);

/// trace_module for a module holder (nn::Linear, nn::Sequential, a TORCH_MODULE-style holder) whose
/// forward takes and returns one tensor.
template <class Holder>
Module trace_module(Holder& holder, const Tensor& input) {
  return trace_module(*holder.ptr(), [&](const std::vector<IValue>& in) -> IValue { return holder->forward(in[0].toTensor()); },
                      {IValue(input)});
}

}  // namespace ember::jit
