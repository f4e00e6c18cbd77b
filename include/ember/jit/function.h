// Functions and the interpreter (docs/jit.md, "The interpreter"). A Function is a named graph; the first
// call lowers it to a compact instruction list over registers (Code), which later calls reuse. Ops run
// through the registry's boxed path, prim::If and prim::Loop natively; no Python, no GIL. Ops record
// autograd when libember is loaded (they are the ordinary op bodies). A CompilationUnit holds the
// functions a graph may call: prim::CallFunction[name="f"] calls unit.find_function("f"),
// prim::CallMethod[name="m"](%obj, ...) calls "<class name of obj>.m".
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ember/jit/ir.h"

namespace ember::jit {

class CompilationUnit;
struct Code;

class EMBER_API Function {
 public:
  Function(std::string name, std::shared_ptr<Graph> graph, const CompilationUnit* unit = nullptr);
  ~Function();
  const std::string& name() const { return name_; }
  const std::shared_ptr<Graph>& graph() const { return graph_; }
  /// Replaces the graph (after a pass); the next call lowers it again.
  void set_graph(std::shared_ptr<Graph> g);
  /// Runs on the inputs at the end of the stack (one per graph input); leaves the outputs there.
  void run(Stack& stack) const;
  /// Runs on inputs; returns the single output, or a tuple of the outputs when the graph has several.
  IValue operator()(std::vector<IValue> inputs) const;
  size_t num_inputs() const { return graph_->inputs().size(); }
  /// The lowered code's instruction count (lowering first when needed): for tests and benchmarks.
  size_t num_instructions() const;

 private:
  const Code& code() const;
  std::string name_;
  std::shared_ptr<Graph> graph_;
  const CompilationUnit* unit_;
  mutable std::mutex mu_;
  mutable std::shared_ptr<const Code> code_;
};

/// Functions by qualified name ("helper", "__main__.Net.forward"), shared by the graphs that call them.
class EMBER_API CompilationUnit {
 public:
  /// Adds (or replaces) a function; returns it.
  Function& define(const std::string& name, std::shared_ptr<Graph> graph);
  /// The function of that name, nullptr when none.
  Function* find_function(const std::string& name) const;
  /// The function of that name; ValueError naming it when none.
  Function& get_function(const std::string& name) const;
  std::vector<Function*> functions() const;

 private:
  std::map<std::string, std::unique_ptr<Function>> functions_;
};

}  // namespace ember::jit
