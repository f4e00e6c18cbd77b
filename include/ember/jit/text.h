// The text form of a graph (docs/jit_format.md has the grammar): print writes it, parse_graph reads it
// back into an equal graph. Tensor constants are written as `tensor(N)`, an index into a constant table
// (the file format stores the table's tensors as safetensors entries).
#pragma once
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "ember/jit/ir.h"

namespace ember::jit {

/// Tensor constants of a printed graph, by index.
using ConstantTable = std::vector<Tensor>;

/// Writes g's text form. With a table, tensor constants are appended to it and written `tensor(N)`;
/// without one they are written `tensor(<dtype, shape>)`, which does not parse back.
EMBER_API void print(std::ostream& os, const Graph& g, ConstantTable* table = nullptr);
/// The text form with tensor constants appended to table.
EMBER_API std::string to_text(const Graph& g, ConstantTable* table = nullptr);
/// Parses a graph's text form. Op names resolve through the registry (ValueError naming the unknown
/// op); tensor constants `tensor(N)` come from table. Throws ember::Error naming line and column.
EMBER_API std::shared_ptr<Graph> parse_graph(std::string_view text, const ConstantTable* table = nullptr);

/// Structural equality: the same nodes in the same order with the same kinds, attributes, types,
/// blocks and value flow (value names are not compared). Tensor constants compare by value.
EMBER_API bool graphs_equal(const Graph& a, const Graph& b);
/// Prints g, parses it back and checks the result equals g and prints the same; throws ember::Error
/// with both texts when it does not (tests run every graph they make through it).
EMBER_API void check_round_trip(const Graph& g);

}  // namespace ember::jit

namespace ember::jit {
/// Python-like source of a graph (ScriptModule.code): one assignment per node, ops as
/// `ember.ops.aten.add.Tensor(...)`, constants inline, prim::If as if/else, prim::Loop as a for loop.
/// For reading only: it is not parsed back.
EMBER_API std::string python_code(const Graph& g, const std::string& name = "forward");
}  // namespace ember::jit
