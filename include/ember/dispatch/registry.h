// The op registry: every schema op by id and name with its argument list and a boxed call, so the
// JIT interpreter (and anything else holding only a name) can call ops without generated code.
#pragma once
#include <string_view>
#include <vector>

#include "ember/dispatch/ivalue.h"
#include "ember/gen/op_ids.h"

namespace ember {

struct ArgInfo {
  const char* name;
  const char* type;  // schema type: "Tensor", "int[]?", ...
  bool has_default;
  const char* default_value;  // schema text of the default ("None", "1", "False")
  bool kwarg_only;
};

/// Pops the op's arguments from the end of the stack and pushes its results.
using BoxedFn = void (*)(Stack&);

struct OpInfo {
  OpId id;
  const char* name;
  const char* schema;  // the signature as written in the schema
  std::vector<ArgInfo> args;
  int num_returns;
  BoxedFn boxed;
};

/// All ops, indexed by OpId.
EMBER_API const std::vector<OpInfo>& all_ops();
/// The op with this schema name, or nullptr.
EMBER_API const OpInfo* find_op(std::string_view name);
/// Calls op on the last args.size() stack values; missing trailing defaults must already be pushed.
EMBER_API void call_boxed(OpId op, Stack& stack);
/// Looks the op up by name and calls it; throws ValueError for an unknown name.
EMBER_API void call_boxed(std::string_view name, Stack& stack);
/// Throws unless the stack holds at least n values (used by generated boxed wrappers).
EMBER_API void check_stack(const Stack& stack, size_t n, const char* op);

}  // namespace ember
