// Inlining of prim::CallFunction / prim::CallMethod (include/ember/jit/passes.h).
#include <string>
#include <vector>

#include "ember/jit/passes.h"

namespace ember::jit {

namespace {

// The callee's qualified name, or "" when it cannot be known statically (a method of an Any-typed value).
std::string callee_name(const Node& n) {
  if (n.kind() == NodeKind::CallFunction) return n.s("name");
  const Type& t = *n.input(0)->type();
  if (t.kind() != TypeKind::Class) return "";
  return t.class_name() + "." + n.s("name");
}

size_t inline_block(Graph& g, Block& b, const CompilationUnit& unit, std::vector<std::string>& stack) {
  size_t count = 0;
  for (Node* n : b.nodes()) {
    for (const auto& inner : n->blocks()) count += inline_block(g, *inner, unit, stack);
    if (n->kind() != NodeKind::CallFunction && n->kind() != NodeKind::CallMethod) continue;
    std::string name = callee_name(*n);
    if (name.empty()) continue;
    for (const std::string& s : stack)
      EMBER_CHECK(s != name, "inline_calls: '", name, "' calls itself (recursion cannot be inlined)");
    Function& f = unit.get_function(name);
    // Inline the callee's own calls first, on a copy (the unit's graph stays as it is).
    std::shared_ptr<Graph> callee = f.graph()->copy();
    stack.push_back(name);
    inline_block(*callee, *callee->block(), unit, stack);
    stack.pop_back();
    EMBER_CHECK(callee->outputs().size() == n->numOutputs(), "inline_calls: '", name, "' returns ",
                callee->outputs().size(), " values but the call has ", n->numOutputs(), " outputs");
    Node* saved = g.insertPoint();
    g.setInsertPoint(n);
    std::vector<Value*> outs = g.insertGraph(*callee->block(), n->inputs());
    g.setInsertPoint(saved == n ? g.block()->returnNode() : saved);
    for (size_t i = 0; i < outs.size(); ++i) n->output(i)->replaceAllUsesWith(outs[i]);
    n->destroy();
    ++count;
  }
  return count;
}

}  // namespace

size_t inline_calls(Graph& g, const CompilationUnit& unit) {
  std::vector<std::string> stack;
  return inline_block(g, *g.block(), unit, stack);
}

}  // namespace ember::jit
