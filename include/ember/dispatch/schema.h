// Op schemas as data: a parser for the schema grammar that tools/codegen reads and that
// EMBER_LIBRARY / ember.library.define take (PyTorch's syntax), e.g.
//   "myops::scale.default(Tensor self, float k=2.0) -> Tensor"
//   "add_.Tensor(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)"
// with alias annotations (`Tensor(a)` a view of a, `Tensor(a!)` written in place), fixed-size lists
// (`int[2]`), optionals (`int?`), keyword-only arguments after `*`, and named returns. docs/registry.md.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ember/util/error.h"

namespace ember::dispatch {

/// An alias annotation: `a` in `Tensor(a)`, `a!` in `Tensor(a!)` (written).
struct EMBER_API AliasInfo {
  std::string set;
  bool is_write = false;
  bool operator==(const AliasInfo& o) const { return set == o.set && is_write == o.is_write; }
};

struct EMBER_API Argument {
  std::string name;                  // empty for unnamed returns
  std::string base;                  // "Tensor", "int", "float", "bool", "str", "Scalar", ...
  bool is_list = false;              // int[], Tensor[]
  int list_size = 0;                 // int[2]: 2
  bool optional = false;             // int?
  std::optional<AliasInfo> alias;    // Tensor(a!)
  std::optional<std::string> default_value;  // schema text: "None", "1", "[0, 1]", "'fro'"
  bool kwarg_only = false;
  /// The type without alias and size: "Tensor", "int[]", "Tensor?", "int[]?" (ArgInfo::type's spelling).
  std::string type() const;
  /// The type as written: "Tensor(a!)", "int[2]", "int[1]?".
  std::string type_text() const;
  bool operator==(const Argument& o) const;
};

struct EMBER_API FunctionSchema {
  std::string ns;        // "aten", "myops"; empty when the text had none
  std::string name;      // "add_"
  std::string overload;  // "Tensor"; empty when the text had none ("default" is its meaning)
  std::vector<Argument> arguments;
  std::vector<Argument> returns;
  bool returns_tuple = false;  // "-> (Tensor, Tensor)" or "-> ()" (also for one parenthesized return)

  /// "ns::name.overload" with "default" for an empty overload and "aten" for an empty namespace.
  std::string qualified_name() const;
  /// The schema text in canonical form; parse_schema(s.str()).str() == s.str().
  std::string str() const;
  /// Some argument is written (Tensor(a!)): an in-place or out= op.
  bool is_mutable() const;
  /// Some return aliases an input without writing it (Tensor(a)): a view op.
  bool is_view() const;
  /// Is an in-place op: its first argument is written and returned (add_).
  bool is_inplace() const;
  bool operator==(const FunctionSchema& o) const;
};

/// Parses a schema (with or without "ns::" and ".overload"); throws ember::Error naming the text and
/// the position of the first problem.
EMBER_API FunctionSchema parse_schema(std::string_view text);

}  // namespace ember::dispatch
