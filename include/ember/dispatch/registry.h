// The op registry: every schema op, and every in-place, out= and Scalar form of one, as an entry named
// `ns::name.overload` (built-ins in namespace aten: "aten::add.Tensor", "aten::add_.Scalar",
// "aten::add.out", "aten::max.dim"), with its argument list and a boxed call, so the JIT interpreter
// (and anything else holding only a name) can call ops without generated code. docs/op_names.md.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ember/dispatch/ivalue.h"
#include "ember/gen/op_ids.h"

namespace ember {

struct ArgInfo {
  const char* name;
  const char* type;  // schema type: "Tensor", "int[]?", ... (int[2] is "int[]" with size 2)
  bool has_default;
  const char* default_value;  // schema text of the default ("None", "1", "False")
  bool kwarg_only;
  bool scalar_ok = false;  // a Tensor parameter that also takes a number (as a wrapped 0-d tensor)
  int size = 0;            // int[2]: 2 (a single int is repeated); 0 for other types
  IValue default_ivalue{};  // the default as a boxed value (when has_default)
};

/// Which form of its schema op an entry is.
enum class OpKind : uint8_t { Functional, Inplace, Out, Scalar, ScalarInplace };

/// Pops the op's arguments from the end of the stack and pushes its results.
using BoxedFn = void (*)(Stack&);

namespace dispatch {
struct OperatorEntry;  // a run-time registered op (library.h)
}

struct OpInfo {
  OpId id;               // the schema op whose body and kernels run (forms share their op's id)
  const char* name;      // "add", "add_"
  const char* overload;  // "Tensor", "default", "out"
  const char* schema;    // the signature with its qualified name, PyTorch's syntax: "add.Tensor(Tensor self, ...) -> Tensor"
  std::vector<ArgInfo> args;
  int num_returns;
  BoxedFn boxed;
  OpKind kind = OpKind::Functional;
  std::string qualified;  // "aten::add.Tensor"
  int order = 0;          // resolution order among the overloads of a name: schema order of the op, then form
  const dispatch::OperatorEntry* entry = nullptr;  // set for ops registered at run time (boxed is null)
};

/// The built-in entries: the schema ops first, indexed by OpId, then their in-place / out / Scalar forms
/// (ops registered at run time: dispatch::registered_ops(); find_op and the resolver see both).
EMBER_API const std::vector<OpInfo>& all_ops();
/// The entry with this name: qualified ("aten::add.Tensor"), without namespace ("add.Tensor", meaning
/// aten) or bare ("add": its first overload); nullptr when there is none.
EMBER_API const OpInfo* find_op(std::string_view name);
/// Every overload of a bare name ("add" or "aten::add"), in resolution order; empty when unknown.
EMBER_API std::vector<const OpInfo*> find_overloads(std::string_view name);
/// Overload resolution (the same rules as the Python argument parser): the first overload of `name`
/// whose parameters accept `args` (positional) and `kwargs` (by name), each value checked against the
/// parameter's type (an int is no bool; a number fits a float, a Scalar and a Tensor marked scalar_ok;
/// a single int fits an int[]). On success rewrites args into the complete positional argument list
/// (defaults filled in, numbers for tensors wrapped) and returns the entry; otherwise throws TypeError
/// listing the accepted signatures.
EMBER_API const OpInfo& resolve_overload(std::string_view name, std::vector<IValue>& args,
                                         const std::vector<std::pair<std::string, IValue>>& kwargs = {});
/// Binds args and kwargs to one entry's parameters (the resolver's rules); on success rewrites args into
/// the complete positional argument list and returns true.
EMBER_API bool bind_arguments(const OpInfo& op, std::vector<IValue>& args,
                              const std::vector<std::pair<std::string, IValue>>& kwargs = {});
/// Like resolve_overload, but returns nullptr instead of throwing.
EMBER_API const OpInfo* try_resolve_overload(std::string_view name, std::vector<IValue>& args,
                                             const std::vector<std::pair<std::string, IValue>>& kwargs = {});
/// Calls op on the last args.size() stack values; missing trailing defaults must already be pushed.
EMBER_API void call_boxed(OpId op, Stack& stack);
/// Calls an entry (built-in or registered) on its complete argument list at the end of the stack.
EMBER_API void call_boxed(const OpInfo& op, Stack& stack);
/// Calls an entry by name. With an overload ("aten::add.Tensor", "add.Tensor") the last arguments of the
/// stack are its complete argument list; with a bare name ("add") the whole stack is the positional
/// argument list, resolved by resolve_overload (defaults filled in). Throws ValueError for an unknown name.
EMBER_API void call_boxed(std::string_view name, Stack& stack);
/// Throws unless the stack holds at least n values (used by generated boxed wrappers).
EMBER_API void check_stack(const Stack& stack, size_t n, const char* op);
/// A Tensor argument that may be given as a number (scalar_ok): the tensor, or the number wrapped.
EMBER_API Tensor unbox_tensor_or_scalar(const IValue& v);

}  // namespace ember
