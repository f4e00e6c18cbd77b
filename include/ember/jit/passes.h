// Graph passes (docs/jit.md, "Passes"). Each rewrites the graph in place and keeps it well formed (the
// tests lint after each). Side effects are respected throughout: an op whose schema writes an argument
// (in-place, out=), a nondeterministic op (dispatch::is_nondeterministic: random ops), SetAttr, calls and
// PythonOp are never removed, folded or merged.
#pragma once
#include "ember/jit/function.h"
#include "ember/jit/ir.h"

namespace ember::jit {

/// Whether a node may be removed when its outputs are unused, folded when its inputs are constants and
/// merged with an equal node: an op that writes no argument and is deterministic, or a pure prim node.
EMBER_API bool is_pure(const Node& n);

/// Removes nodes whose outputs are unused and that have no side effects (inner blocks included; an If
/// or Loop goes when nothing inside it has effects and its outputs are unused). Returns the number removed.
EMBER_API size_t eliminate_dead_code(Graph& g);
/// Merges equal constants (same kind and value; tensors by identity) into one node each at the top of
/// the graph. Returns the number of constants removed.
EMBER_API size_t constant_pooling(Graph& g);
/// Evaluates pure, non-view op nodes (and TupleConstruct / ListConstruct / TupleIndex) whose inputs are
/// all constants, replacing them by constants, and replaces a prim::If with a constant condition by the
/// taken branch. Ops that throw are left to fail at run time. Runs DCE and pooling after. Returns the
/// number of nodes folded.
EMBER_API size_t constant_propagation(Graph& g);
/// Common subexpression elimination: a pure op node equal to an earlier one in scope (same op, inputs and
/// attributes) is replaced by it. Nodes that read or produce a value written by a mutating op (or a view
/// of one) are not merged. Returns the number of nodes removed.
EMBER_API size_t eliminate_common_subexpressions(Graph& g);
/// Replaces prim::CallFunction and prim::CallMethod (on a Class[...]-typed object) by the callee's body
/// from unit, recursively; ValueError naming the function when the unit has none of that name, Error
/// for recursion. Returns the number of calls inlined.
EMBER_API size_t inline_calls(Graph& g, const CompilationUnit& unit);

}  // namespace ember::jit
