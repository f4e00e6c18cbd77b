// Tracing C++ nn::Modules (include/ember/jit_nn/trace.h).
#include "ember/jit_nn/trace.h"

namespace ember::jit {

namespace {
Module build(const nn::Module& m, const std::string& cls, const std::shared_ptr<CompilationUnit>& unit) {
  Module out(cls, unit);
  for (const auto& p : m.named_parameters(false)) out.register_parameter(p.key(), p.value());
  for (const auto& b : m.named_buffers(false)) out.register_buffer(b.key(), b.value());
  for (const auto& c : m.named_children()) out.register_module(c.key(), build(*c.value(), cls + "." + c.key(), unit));
  out.register_attribute("training", m.is_training());
  return out;
}
}  // namespace

Module module_from_nn(const nn::Module& m) {
  return build(m, "__module__." + m.name(), std::make_shared<CompilationUnit>());
}

Module trace_module(const nn::Module& m, const std::function<IValue(const std::vector<IValue>&)>& forward,
                    const std::vector<IValue>& inputs) {
  Module out = module_from_nn(m);
  trace_method(out, forward, inputs, "forward");
  return out;
}

}  // namespace ember::jit
