#include "ember/dispatch/registry.h"

#include <string>
#include <unordered_map>

namespace ember {

const OpInfo* find_op(std::string_view name) {
  static const auto* index = [] {
    auto* m = new std::unordered_map<std::string, const OpInfo*>();
    for (const OpInfo& op : all_ops()) (*m)[op.name] = &op;
    return m;
  }();
  auto it = index->find(std::string(name));
  return it == index->end() ? nullptr : it->second;
}

void call_boxed(OpId op, Stack& stack) { all_ops()[static_cast<size_t>(op)].boxed(stack); }

void call_boxed(std::string_view name, Stack& stack) {
  const OpInfo* op = find_op(name);
  EMBER_CHECK_VALUE(op != nullptr, "call_boxed: no op named '", std::string(name), "'");
  op->boxed(stack);
}

void check_stack(const Stack& stack, size_t n, const char* op) {
  EMBER_CHECK(stack.size() >= n, op, ": boxed call expected ", n, " arguments on the stack but found ",
              stack.size());
}

}  // namespace ember
