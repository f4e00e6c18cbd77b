// The graph linter: checks that a graph is well formed (docs/jit_format.md, "Well-formed graphs").
// Every pass's tests run it on the pass's result.
#pragma once
#include <string>
#include <vector>

#include "ember/jit/ir.h"

namespace ember::jit {

/// The problems of g, one line each (empty when it is well formed): values used before they are defined
/// or outside their scope, broken use lists or block structure, prim nodes whose inputs, outputs,
/// attributes or blocks do not fit their kind, op nodes whose arity or types do not fit their schema.
EMBER_API std::vector<std::string> lint_problems(const Graph& g);
/// Throws ember::Error listing lint_problems(g) with the graph's text when there are any.
EMBER_API void lint(const Graph& g);

}  // namespace ember::jit
