// The tracer (docs/jit.md, "Tracing"): an op observer (ember/dispatch/observer.h) that turns the ops
// of one run into a Graph. Example inputs become graph inputs (tensors, and tuples / lists / dicts of
// them, unpacked by prim nodes); tensors bound to values (a module's parameters, read with GetAttr)
// are used as those values; Python numbers and other non-tensor arguments become constants; a tensor
// the trace did not see made (created outside, or by ember::tensor) becomes a tensor constant.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "ember/dispatch/observer.h"
#include "ember/jit/ir.h"
#include "ember/jit/module.h"

namespace ember::jit {

class EMBER_API Tracer : public dispatch::OpObserver {
 public:
  Tracer();
  ~Tracer() override;
  /// Adds a graph input for an example value: a tensor, or a tuple / list / dict (str or int keys) of
  /// such values, nested; TypeError naming the value's kind otherwise.
  Value* add_input(const IValue& example, const std::string& name = "");
  /// Adds a graph input of this type without binding anything (e.g. `self`).
  Value* add_input_of_type(TypePtr type, const std::string& name = "");
  /// Uses value v wherever tensor t appears from now on.
  void bind(const Tensor& t, Value* v);
  /// The value of an IValue in the trace (for outputs): a traced tensor's value, a constant for numbers
  /// and untraced tensors, a TupleConstruct / ListConstruct / DictConstruct for containers.
  Value* value_of(const IValue& v);
  /// Whether a tensor's value comes from the trace's inputs (not a constant).
  bool is_traced(const Tensor& t) const;
  /// Registers output as the graph's output (one value; containers are constructed) and returns the
  /// graph after dead code elimination and constant pooling. The tracer must not be installed anymore.
  std::shared_ptr<Graph> finish(const IValue& output);
  Graph& graph() { return *graph_; }

  void on_op(const dispatch::OpCall& call) override;

 private:
  Value* unpack_input(const IValue& example, Value* v);
  Value* constant(const IValue& v);
  std::shared_ptr<Graph> graph_;
  std::unordered_map<const TensorImpl*, Value*> env_;
  std::vector<Tensor> keep_alive_;  // bound tensors stay alive so their addresses stay unique
};

/// Traces fn on inputs: installs a Tracer on this thread, runs fn(inputs), and returns the graph
/// (inputs as graph inputs, fn's result as its output).
EMBER_API std::shared_ptr<Graph> trace(const std::function<IValue(const std::vector<IValue>&)>& fn,
                                       const std::vector<IValue>& inputs);
/// Traces a method of a script module: the graph's first input is `self` (Class[m.type_name()]); every
/// parameter and buffer of m and its submodules is read with prim::GetAttr (chained through submodules),
/// so they stay module attributes, not constants. fn runs the eager computation on inputs (the tensors
/// of m are those it uses). Defines the method on m and returns its graph.
EMBER_API std::shared_ptr<Graph> trace_method(Module& m, const std::function<IValue(const std::vector<IValue>&)>& fn,
                                              const std::vector<IValue>& inputs, const std::string& method = "forward");
/// trace for a function of tensors returning a tensor.
EMBER_API std::shared_ptr<Graph> trace(const std::function<Tensor(const std::vector<Tensor>&)>& fn,
                                       const std::vector<Tensor>& inputs);

}  // namespace ember::jit
