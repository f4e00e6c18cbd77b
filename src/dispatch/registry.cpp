// Lookup by name and overload resolution over the generated op table (registry.cpp in the build tree).
#include "ember/dispatch/registry.h"

#include <algorithm>
#include <string>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "ember/dispatch/library.h"
#include "ember/gen/functions.h"

namespace ember {
namespace {

struct Index {
  std::unordered_map<std::string, const OpInfo*> by_qualified;          // "aten::add.Tensor"
  std::unordered_map<std::string, std::vector<const OpInfo*>> by_name;  // "aten::add"
  std::shared_mutex mu;  // ops registered at run time are added while others look up
};

Index& index() {
  static Index* idx = [] {
    auto* ix = new Index();
    for (const OpInfo& op : all_ops()) {
      ix->by_qualified.emplace(op.qualified, &op);
      std::string base = op.qualified.substr(0, op.qualified.rfind('.'));
      ix->by_name[base].push_back(&op);
    }
    for (auto& [name, ops] : ix->by_name)
      std::stable_sort(ops.begin(), ops.end(), [](const OpInfo* a, const OpInfo* b) { return a->order < b->order; });
    return ix;
  }();
  return *idx;
}

std::string with_namespace(std::string_view name) {
  if (name.find("::") != std::string_view::npos) return std::string(name);
  return "aten::" + std::string(name);
}

bool is_number(const IValue& v) { return v.isInt() || v.isDouble() || v.isBool(); }

bool accepts(const ArgInfo& a, const IValue& v) {
  std::string_view t = a.type;
  bool optional = t.back() == '?' || (a.has_default && std::string_view(a.default_value) == "None");
  if (v.isNone()) return optional;
  if (t.back() == '?') t.remove_suffix(1);
  if (t == "Tensor") return v.isTensor() || (a.scalar_ok && is_number(v));
  if (t == "Tensor[]") return v.isTensorList();
  if (t == "Scalar") return is_number(v);
  if (t == "int") return v.isInt();
  if (t == "int[]") return v.isIntList() || v.isInt();
  if (t == "float") return v.isDouble() || v.isInt();
  if (t == "bool") return v.isBool();
  if (t == "str") return v.isString();
  if (t == "ScalarType") return v.isScalarType();
  if (t == "Device") return v.isDevice() || v.isString();
  if (t == "Generator") return v.isGenerator();
  return false;
}

IValue normalize(const ArgInfo& a, IValue v) {
  std::string_view t = a.type;
  if (a.size > 0 && v.isInt()) return IValue(std::vector<int64_t>(static_cast<size_t>(a.size), v.toInt()));
  if ((t == "Device" || t == "Device?") && v.isString()) return IValue(Device(v.toStringRef()));
  return v;
}

// Binds positional args and kwargs to op's parameters; fills `out` with the complete argument list.
bool bind_args(const OpInfo& op, const std::vector<IValue>& args,
          const std::vector<std::pair<std::string, IValue>>& kwargs, std::vector<IValue>& out) {
  size_t n = op.args.size();
  std::vector<const IValue*> given(n, nullptr);
  size_t pos = 0;
  for (const IValue& v : args) {
    while (pos < n && op.args[pos].kwarg_only) ++pos;
    if (pos >= n) return false;
    given[pos++] = &v;
  }
  for (const auto& kw : kwargs) {
    size_t i = 0;
    while (i < n && kw.first != op.args[i].name) ++i;
    if (i == n || given[i]) return false;
    given[i] = &kw.second;
  }
  for (size_t i = 0; i < n; ++i) {
    if (given[i]) {
      if (!accepts(op.args[i], *given[i])) return false;
    } else if (!op.args[i].has_default) {
      return false;
    }
  }
  out.clear();
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(given[i] ? normalize(op.args[i], *given[i]) : op.args[i].default_ivalue);
  return true;
}

std::string signature_text(const OpInfo& op) {
  std::string s = op.schema;
  size_t lp = s.find('('), rp = s.rfind(')');
  return s.substr(lp, rp - lp + 1);
}

}  // namespace

const OpInfo* find_op(std::string_view name) {
  Index& ix = index();
  std::string q = with_namespace(name);
  std::shared_lock lock(ix.mu);
  if (q.find('.') != std::string::npos) {
    auto it = ix.by_qualified.find(q);
    return it == ix.by_qualified.end() ? nullptr : it->second;
  }
  auto it = ix.by_name.find(q);
  return it == ix.by_name.end() ? nullptr : it->second.front();
}

std::vector<const OpInfo*> find_overloads(std::string_view name) {
  Index& ix = index();
  std::shared_lock lock(ix.mu);
  auto it = ix.by_name.find(with_namespace(name));
  return it == ix.by_name.end() ? std::vector<const OpInfo*>{} : it->second;
}

namespace dispatch::detail {
// Adds a registered entry to the name index (library.cpp); throws when the qualified name is taken.
void index_add(const OpInfo* op) {
  Index& ix = index();
  std::unique_lock lock(ix.mu);
  EMBER_CHECK(!ix.by_qualified.count(op->qualified), "op '", op->qualified,
              "' is already registered (each name.overload is defined once)");
  ix.by_qualified.emplace(op->qualified, op);
  auto& v = ix.by_name[op->qualified.substr(0, op->qualified.rfind('.'))];
  v.push_back(op);
  std::stable_sort(v.begin(), v.end(), [](const OpInfo* a, const OpInfo* b) { return a->order < b->order; });
}
}  // namespace dispatch::detail

bool bind_arguments(const OpInfo& op, std::vector<IValue>& args,
                    const std::vector<std::pair<std::string, IValue>>& kwargs) {
  std::vector<IValue> bound;
  if (!bind_args(op, args, kwargs, bound)) return false;
  args = std::move(bound);
  return true;
}

const OpInfo* try_resolve_overload(std::string_view name, std::vector<IValue>& args,
                                   const std::vector<std::pair<std::string, IValue>>& kwargs) {
  std::vector<IValue> bound;
  for (const OpInfo* op : find_overloads(name)) {
    if (op->kind == OpKind::Out) continue;  // out= forms are chosen by naming them
    if (bind_args(*op, args, kwargs, bound)) {
      args = std::move(bound);
      return op;
    }
  }
  return nullptr;
}

const OpInfo& resolve_overload(std::string_view name, std::vector<IValue>& args,
                               const std::vector<std::pair<std::string, IValue>>& kwargs) {
  std::vector<const OpInfo*> ops = find_overloads(name);
  EMBER_CHECK_VALUE(!ops.empty(), "no op named '", std::string(name), "'");
  const OpInfo* op = try_resolve_overload(name, args, kwargs);
  if (op) return *op;
  std::string got;
  for (const IValue& v : args) got += std::string(got.empty() ? "" : ", ") + v.tagName();
  for (const auto& kw : kwargs) got += std::string(got.empty() ? "" : ", ") + kw.first + "=" + kw.second.tagName();
  std::string msg = std::string(ops.front()->name) + "() received an invalid combination of arguments - got (" + got +
                    "), but expected one of:";
  for (const OpInfo* o : ops)
    if (o->kind != OpKind::Out) msg += "\n * " + signature_text(*o);
  throw TypeError(msg);
}

void call_boxed(OpId op, Stack& stack) {
  auto i = static_cast<size_t>(op);
  if (i >= static_cast<size_t>(kNumOps)) {  // a registered op: ids continue after the built-in ones
    auto reg = dispatch::registered_ops();
    EMBER_CHECK(i - kNumOps < reg.size(), "call_boxed: no op with id ", i);
    call_boxed(*reg[i - kNumOps], stack);
    return;
  }
  all_ops()[i].boxed(stack);
}

void call_boxed(const OpInfo& op, Stack& stack) {
  if (op.entry) {
    dispatch::call_registered(op, stack);
  } else {
    op.boxed(stack);
  }
}

void call_boxed(std::string_view name, Stack& stack) {
  std::string q = with_namespace(name);
  if (q.find('.') != std::string::npos) {
    const OpInfo* op = find_op(q);
    EMBER_CHECK_VALUE(op != nullptr, "call_boxed: no op named '", std::string(name), "'");
    call_boxed(*op, stack);
    return;
  }
  EMBER_CHECK_VALUE(!find_overloads(q).empty(), "call_boxed: no op named '", std::string(name), "'");
  const OpInfo& op = resolve_overload(q, stack);
  call_boxed(op, stack);
}

void check_stack(const Stack& stack, size_t n, const char* op) {
  EMBER_CHECK(stack.size() >= n, op, ": boxed call expected ", n, " arguments on the stack but found ",
              stack.size());
}

Tensor unbox_tensor_or_scalar(const IValue& v) {
  if (v.isTensor()) return v.toTensor();
  return scalar_to_tensor(v.toScalar());
}

}  // namespace ember
