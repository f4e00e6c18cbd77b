// Ops registered at run time (include/ember/dispatch/library.h): entries, kernels, the dispatch of a
// call (autograd, then device), and shared libraries that register ops when loaded. docs/registry.md.
#include "ember/dispatch/library.h"

#include <dlfcn.h>

#include <array>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <unordered_map>

#include "dispatch/observe.h"
#include "core/autograd_hooks.h"
#include "ember/core/grad_mode.h"
#include "ember/gen/functions.h"

namespace ember {

namespace dispatch::detail {
void index_add(const OpInfo* op);  // registry.cpp
}

const char* dispatch_key_name(DispatchKey k) {
  switch (k) {
    case DispatchKey::CPU: return "CPU";
    case DispatchKey::CUDA: return "CUDA";
    case DispatchKey::Meta: return "Meta";
    case DispatchKey::Autograd: return "Autograd";
    case DispatchKey::CompositeExplicitAutograd: return "CompositeExplicitAutograd";
    case DispatchKey::CompositeImplicitAutograd: return "CompositeImplicitAutograd";
  }
  return "?";
}

DispatchKey parse_dispatch_key(std::string_view s) {
  if (s == "CPU" || s == "cpu") return DispatchKey::CPU;
  if (s == "CUDA" || s == "cuda") return DispatchKey::CUDA;
  if (s == "Meta" || s == "meta") return DispatchKey::Meta;
  if (s == "Autograd") return DispatchKey::Autograd;
  if (s == "CompositeExplicitAutograd" || s == "default") return DispatchKey::CompositeExplicitAutograd;
  if (s == "CompositeImplicitAutograd") return DispatchKey::CompositeImplicitAutograd;
  throw ValueError(ember::detail::str("unknown dispatch key '", std::string(s),
                               "' (expected cpu, cuda, meta, Autograd, CompositeExplicitAutograd or "
                               "CompositeImplicitAutograd)"));
}

namespace dispatch {

constexpr size_t kNumKeys = 6;

struct OperatorEntry {
  std::string qualified;  // "myops::scale.default"
  bool defined = false;
  bool nondeterministic = false;
  FunctionSchema schema;
  OpInfo info;
  std::deque<std::string> strings;  // storage behind info's const char* fields
  std::array<std::shared_ptr<const Kernel>, kNumKeys> kernels;
  std::array<std::string, kNumKeys> kernel_where;
  std::string where;
  mutable std::shared_mutex mu;

  std::shared_ptr<const Kernel> kernel(DispatchKey k) const {
    std::shared_lock lock(mu);
    return kernels[static_cast<size_t>(k)];
  }
  const char* keep(std::string s) {
    strings.push_back(std::move(s));
    return strings.back().c_str();
  }
};

namespace {

std::mutex g_mu;
std::deque<std::unique_ptr<OperatorEntry>> g_entries;            // never freed: OpInfo pointers stay valid
std::unordered_map<std::string, OperatorEntry*> g_by_qualified;  // also impl-before-def placeholders
std::vector<const OpInfo*> g_registered;

const std::set<std::string>& known_types() {
  static const std::set<std::string> t = {"Tensor", "int", "float", "bool", "str", "Scalar", "ScalarType",
                                          "Device", "Generator", "Any"};
  return t;
}

std::string qualify(std::string_view ns, std::string_view name) {
  std::string n(name);
  size_t c = n.find("::");
  if (c != std::string::npos) {
    EMBER_CHECK(n.substr(0, c) == ns, "op '", n, "' is not in this library's namespace '", std::string(ns), "'");
    n = n.substr(c + 2);
  }
  if (n.find('.') == std::string::npos) n += ".default";
  return std::string(ns) + "::" + n;
}

OperatorEntry& entry_for(const std::string& qualified) {
  auto it = g_by_qualified.find(qualified);
  if (it != g_by_qualified.end()) return *it->second;
  g_entries.push_back(std::make_unique<OperatorEntry>());
  OperatorEntry& e = *g_entries.back();
  e.qualified = qualified;
  g_by_qualified.emplace(qualified, &e);
  return e;
}

// The IValue of a default value's schema text.
IValue default_ivalue(const Argument& a) {
  const std::string& d = *a.default_value;
  if (d == "None") return IValue();
  if (d == "True" || d == "False") return IValue(d == "True");
  if (d.size() >= 2 && (d[0] == '\'' || d[0] == '"')) return IValue(d.substr(1, d.size() - 2));
  auto number = [&](const std::string& t) -> IValue {
    if (a.base == "float" || t.find_first_of(".eEn") != std::string::npos) return IValue(std::stod(t));
    return IValue(static_cast<int64_t>(std::stoll(t)));
  };
  try {
    if (a.is_list) {
      std::vector<std::string> items;
      std::string cur;
      std::string body = d.front() == '[' ? d.substr(1, d.size() - 2) : d;
      for (char c : body) {
        if (c == ',') {
          items.push_back(cur);
          cur.clear();
        } else if (c != ' ') {
          cur += c;
        }
      }
      if (!cur.empty()) items.push_back(cur);
      if (d.front() != '[' && a.list_size > 1) items.assign(static_cast<size_t>(a.list_size), items.at(0));
      if (a.base == "float") {
        std::vector<double> v;
        for (auto& x : items) v.push_back(std::stod(x));
        return IValue(std::move(v));
      }
      std::vector<int64_t> v;
      for (auto& x : items) v.push_back(std::stoll(x));
      return IValue(std::move(v));
    }
    if (a.base == "int" || a.base == "float" || a.base == "Scalar") return number(d);
  } catch (const std::logic_error&) {
  }
  throw Error(ember::detail::str("default value '", d, "' of argument '", a.name, "' is not a ", a.type()));
}

void check_signature(const OperatorEntry& e, const Kernel& k, DispatchKey key, std::string_view where) {
  if (!k.typed) return;
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  };
  bool ok = k.arg_types.size() == e.schema.arguments.size() && k.ret_types.size() == e.schema.returns.size();
  for (size_t i = 0; ok && i < k.arg_types.size(); ++i)
    ok = k.arg_types[i] == "Any" || k.arg_types[i] == e.schema.arguments[i].type();
  for (size_t i = 0; ok && i < k.ret_types.size(); ++i)
    ok = k.ret_types[i] == "Any" || k.ret_types[i] == e.schema.returns[i].type();
  std::vector<std::string> want_args, want_rets;
  for (const auto& a : e.schema.arguments) want_args.push_back(a.type());
  for (const auto& r : e.schema.returns) want_rets.push_back(r.type());
  EMBER_CHECK(ok, "the ", dispatch_key_name(key), " kernel of '", e.qualified, "'",
              where.empty() ? "" : " (registered at ", std::string(where), where.empty() ? "" : ")",
              " has the signature (", join(k.arg_types), ") -> (", join(k.ret_types), ") but its schema '",
              e.schema.str(), "' needs (", join(want_args), ") -> (", join(want_rets), ")");
}

bool any_requires_grad(const IValue* a, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (a[i].isTensor()) {
      const Tensor& t = a[i].toTensor();
      if (t.defined() && t.requires_grad()) return true;
    } else if (a[i].isTensorList()) {
      for (const Tensor& t : a[i].toTensorVector())
        if (t.defined() && t.requires_grad()) return true;
    }
  }
  return false;
}

std::optional<Device> device_of(const IValue* a, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (a[i].isTensor() && a[i].toTensor().defined() && !a[i].toTensor().unsafeGetTensorImpl()->is_wrapped_number())
      return a[i].toTensor().device();
    if (a[i].isTensorList())
      for (const Tensor& t : a[i].toTensorVector())
        if (t.defined()) return t.device();
  }
  for (size_t i = 0; i < n; ++i)
    if (a[i].isDevice()) return a[i].toDevice();
  return std::nullopt;
}

std::string kernel_list(const OperatorEntry& e) {
  std::string s;
  for (size_t k = 0; k < kNumKeys; ++k)
    if (e.kernel(static_cast<DispatchKey>(k))) s += (s.empty() ? "" : ", ") + std::string(dispatch_key_name(static_cast<DispatchKey>(k)));
  return s.empty() ? "none" : s;
}

void run_device(const OperatorEntry& e, Stack& stack, size_t n) {
  const IValue* a = stack.data() + (stack.size() - n);
  Device dev = device_of(a, n).value_or(Device(DeviceType::CPU));
  std::optional<DispatchKey> key;
  if (dev.type() == DeviceType::CPU) key = DispatchKey::CPU;
  else if (dev.type() == DeviceType::CUDA) key = DispatchKey::CUDA;
  else if (dev.type() == DeviceType::Meta) key = DispatchKey::Meta;
  std::shared_ptr<const Kernel> k;
  if (key) k = e.kernel(*key);
  if (!k) k = e.kernel(DispatchKey::CompositeExplicitAutograd);
  if (!k) k = e.kernel(DispatchKey::CompositeImplicitAutograd);
  if (!k)
    throw NotImplementedError(ember::detail::str("\"", e.qualified, "\" has no kernel for device '",
                                          device_type_name(dev.type()), "' (it has kernels for: ", kernel_list(e),
                                          ")"));
  k->boxed(stack);
}

void run(const OperatorEntry& e, Stack& stack) {
  size_t n = e.schema.arguments.size();
  size_t base = stack.size() - n;
  const IValue* a = stack.data() + base;
  if (autograd::GradMode::is_enabled() && any_requires_grad(a, n)) {
    if (auto k = e.kernel(DispatchKey::Autograd)) {
      k->boxed(stack);
      return;
    }
    if (auto k = e.kernel(DispatchKey::CompositeImplicitAutograd)) {
      k->boxed(stack);
      return;
    }
    // No derivative: run without recording, then make the outputs raise on backward.
    std::vector<Tensor> inputs;
    for (size_t i = 0; i < n; ++i) {
      if (a[i].isTensor() && a[i].toTensor().defined()) inputs.push_back(a[i].toTensor());
      if (a[i].isTensorList())
        for (const Tensor& t : a[i].toTensorVector()) inputs.push_back(t);
    }
    {
      autograd::NoGradGuard no_grad;
      run_device(e, stack, n);
    }
    auto delayed_error = ember::detail::g_autograd_hooks.delayed_error;  // null without libember
    for (size_t i = base; i < stack.size() && delayed_error; ++i) {
      if (!stack[i].isTensor()) continue;
      stack[i] = delayed_error({stack[i].toTensor()}, inputs,
                                         ember::detail::str("the derivative for '", e.qualified,
                                                     "' is not implemented: register an Autograd kernel "
                                                     "(EMBER_LIBRARY_IMPL(ns, Autograd, m)) or "
                                                     "ember.library.register_autograd"))[0];
    }
    return;
  }
  run_device(e, stack, n);
}

}  // namespace

const OpInfo& def_op(std::string_view ns, std::string_view schema_text, std::optional<Kernel> composite,
                     std::string_view where, bool nondeterministic) {
  FunctionSchema schema = parse_schema(schema_text);
  EMBER_CHECK(!ns.empty(), "def: a library needs a namespace");
  EMBER_CHECK(ns != "aten", "def: namespace 'aten' is ember's built-in ops; register ops in a namespace of your own");
  if (schema.ns.empty()) schema.ns = std::string(ns);
  EMBER_CHECK(schema.ns == ns, "def: schema '", std::string(schema_text), "' is not in this library's namespace '",
              std::string(ns), "'");
  for (const Argument& x : schema.arguments)
    EMBER_CHECK(known_types().count(x.base), "def: unknown type '", x.base, "' in schema '", std::string(schema_text),
                "'");
  for (const Argument& x : schema.returns)
    EMBER_CHECK(known_types().count(x.base), "def: unknown type '", x.base, "' in schema '", std::string(schema_text),
                "'");
  std::lock_guard lock(g_mu);
  std::string q = schema.qualified_name();
  EMBER_CHECK(!find_op(q), "op '", q, "' is already registered", where.empty() ? "" : " (again at ",
              std::string(where), where.empty() ? "" : ")");
  OperatorEntry& e = entry_for(q);
  EMBER_CHECK(!e.defined, "op '", q, "' is already defined (at ", e.where, ")");
  // Validate every kernel registered before the def (and the composite) before changing anything.
  e.schema = schema;
  for (size_t k = 0; k < kNumKeys; ++k)
    if (e.kernels[k]) check_signature(e, *e.kernels[k], static_cast<DispatchKey>(k), e.kernel_where[k]);
  if (composite) check_signature(e, *composite, DispatchKey::CompositeImplicitAutograd, where);
  if (composite) e.kernels[static_cast<size_t>(DispatchKey::CompositeImplicitAutograd)] =
      std::make_shared<const Kernel>(std::move(*composite));
  e.where = std::string(where);
  OpInfo& info = e.info;
  info.id = static_cast<OpId>(kNumOps + g_registered.size());
  info.name = e.keep(schema.name);
  info.overload = e.keep(schema.overload.empty() ? "default" : schema.overload);
  {
    FunctionSchema shown = schema;
    shown.ns.clear();
    shown.overload = info.overload;
    info.schema = e.keep(shown.str());
  }
  for (const Argument& x : schema.arguments) {
    ArgInfo ai{e.keep(x.name), e.keep(x.type()), x.default_value.has_value(),
               e.keep(x.default_value.value_or("")), x.kwarg_only, false, x.list_size, IValue()};
    if (x.default_value) ai.default_ivalue = default_ivalue(x);
    info.args.push_back(std::move(ai));
  }
  info.num_returns = static_cast<int>(schema.returns.size());
  info.boxed = nullptr;
  info.kind = schema.is_inplace() ? OpKind::Inplace : OpKind::Functional;
  for (const Argument& x : schema.arguments)
    if (x.kwarg_only && x.alias && x.alias->is_write) info.kind = OpKind::Out;
  info.qualified = q;
  info.order = static_cast<int>(g_registered.size());
  info.entry = &e;
  e.nondeterministic = nondeterministic;
  for (const Argument& x : schema.arguments)
    if (x.base == "Generator") e.nondeterministic = true;
  detail::index_add(&info);
  e.defined = true;
  g_registered.push_back(&info);
  return info;
}

void impl_op(std::string_view ns, std::string_view name, DispatchKey key, Kernel kernel, std::string_view where) {
  std::lock_guard lock(g_mu);
  std::string q = qualify(ns, name);
  OperatorEntry& e = entry_for(q);
  size_t k = static_cast<size_t>(key);
  EMBER_CHECK(!e.kernels[k], "op '", q, "' already has a ", dispatch_key_name(key), " kernel (registered at ",
              e.kernel_where[k], ")");
  if (e.defined) check_signature(e, kernel, key, where);
  std::unique_lock elock(e.mu);
  e.kernels[k] = std::make_shared<const Kernel>(std::move(kernel));
  e.kernel_where[k] = std::string(where);
}

bool has_kernel(std::string_view qualified, DispatchKey key) {
  std::lock_guard lock(g_mu);
  auto it = g_by_qualified.find(std::string(qualified));
  return it != g_by_qualified.end() && it->second->kernel(key) != nullptr;
}

std::vector<const OpInfo*> registered_ops() {
  std::lock_guard lock(g_mu);
  return g_registered;
}

const FunctionSchema& schema_of(const OpInfo& op) {
  if (op.entry) return op.entry->schema;
  static const std::vector<FunctionSchema>* builtin = [] {
    auto* v = new std::vector<FunctionSchema>();
    for (const OpInfo& o : all_ops()) {
      v->push_back(parse_schema(o.schema));
      v->back().ns = "aten";
    }
    return v;
  }();
  size_t i = static_cast<size_t>(&op - all_ops().data());
  EMBER_CHECK(i < builtin->size(), "schema_of: not a registry entry");
  return (*builtin)[i];
}

bool is_nondeterministic(const OpInfo& op) {
  if (op.entry) return op.entry->nondeterministic;
  // random ops whose schema has no Generator argument: they draw from the default generator
  static const std::set<std::string> seeded_without_generator = {"rand_like", "randn_like", "randint_like", "dropout",
                                                                 "feature_dropout", "dropout_", "feature_dropout_"};
  for (const ArgInfo& a : op.args)
    if (std::string_view(a.type).rfind("Generator", 0) == 0) return true;
  return seeded_without_generator.count(op.name) > 0;
}

void call_registered(const OpInfo& op, Stack& stack) {
  const OperatorEntry& e = *op.entry;
  size_t n = e.schema.arguments.size();
  check_stack(stack, n, e.qualified.c_str());
  size_t base = stack.size() - n;
  size_t nret = e.schema.returns.size();
  if (ember::dispatch::detail::observing()) {
    ember::dispatch::detail::ObservedScope scope;
    std::vector<IValue> args(stack.begin() + static_cast<std::ptrdiff_t>(base), stack.end());
    run(e, stack);
    EMBER_CHECK(stack.size() == base + nret, "'", e.qualified, "' returned ", stack.size() - base,
                " values but its schema has ", nret);
    std::vector<IValue> outs(stack.begin() + static_cast<std::ptrdiff_t>(base), stack.end());
    scope.report(e.qualified, args, outs);
    return;
  }
  run(e, stack);
  EMBER_CHECK(stack.size() == base + nret, "'", e.qualified, "' returned ", stack.size() - base,
              " values but its schema has ", nret);
}

void load_library(const std::string& path) {
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (!h) {
    const char* err = dlerror();
    throw Error(ember::detail::str("load_library: could not load '", path, "': ", err ? err : "unknown error"));
  }
}

}  // namespace dispatch

Library::Library(Kind kind, std::string ns, std::optional<DispatchKey> key, const char* file, int line)
    : kind_(kind), ns_(std::move(ns)), key_(key), where_(ember::detail::str(file, ":", line)) {
  EMBER_CHECK(kind != IMPL || key_.has_value(), "EMBER_LIBRARY_IMPL needs a dispatch key");
}

void Library::check_kind_def() const {
  EMBER_CHECK(kind_ != IMPL, "def() in EMBER_LIBRARY_IMPL(", ns_, ", ", dispatch_key_name(*key_),
              ") at ", where_, ": define ops in EMBER_LIBRARY or EMBER_LIBRARY_FRAGMENT");
}

Library& Library::def(std::string_view schema) {
  check_kind_def();
  dispatch::def_op(ns_, schema, std::nullopt, where_);
  return *this;
}

Library& Library::impl_kernel(std::string_view name, dispatch::Kernel kernel) {
  // In EMBER_LIBRARY (no key) an impl is a CompositeImplicitAutograd kernel, as libtorch's.
  dispatch::impl_op(ns_, name, key_.value_or(DispatchKey::CompositeImplicitAutograd), std::move(kernel), where_);
  return *this;
}

}  // namespace ember
