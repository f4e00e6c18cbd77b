// AnyModule: libtorch's type-erased module. It holds any module whose forward takes and returns values
// of fixed types; forward(args...) checks the argument count and types at run time.
#pragma once
#include <any>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "ember/core/tensor.h"
#include "ember/nn/module.h"
#include "ember/nn/pimpl.h"
#include "ember/util/error.h"

namespace ember::nn {
namespace detail {
template <class T>
struct ForwardTraits;
template <class C, class R, class... A>
struct ForwardTraits<R (C::*)(A...)> {
  using Return = R;
  using Args = std::tuple<std::decay_t<A>...>;
};
template <class C, class R, class... A>
struct ForwardTraits<R (C::*)(A...) const> : ForwardTraits<R (C::*)(A...)> {};

// A value argument: the exact decayed type, or a Tensor / integer / floating value converted to it.
template <class T>
T any_arg(std::any& value, size_t index, const std::string& module) {
  if (auto* p = std::any_cast<T>(&value)) return std::move(*p);
  if constexpr (std::is_arithmetic_v<T>) {
    if (auto* p = std::any_cast<int>(&value)) return static_cast<T>(*p);
    if (auto* p = std::any_cast<int64_t>(&value)) return static_cast<T>(*p);
    if (auto* p = std::any_cast<double>(&value)) return static_cast<T>(*p);
    if (auto* p = std::any_cast<float>(&value)) return static_cast<T>(*p);
  }
  throw TypeError(ember::detail::str(module, "::forward (through AnyModule): argument ", index + 1,
                                     " has the wrong type (expected ", typeid(T).name(), ", got ",
                                     value.type().name(), ")"));
}
}  // namespace detail

/// A module of any type behind one interface; Sequential stores its modules as AnyModules.
class AnyModule {
 public:
  AnyModule() = default;
  /// Wraps a module held by a shared_ptr.
  template <class M, class = std::enable_if_t<std::is_base_of_v<Module, M>>>
  explicit AnyModule(std::shared_ptr<M> module)
      : module_(module), call_(make_call(std::move(module))), clone_(make_clone<M>()) {}
  /// Wraps a module given by value (moved into a new shared_ptr).
  template <class M, class = std::enable_if_t<std::is_base_of_v<Module, std::decay_t<M>>>, class = void>
  explicit AnyModule(M&& module) : AnyModule(std::make_shared<std::decay_t<M>>(std::forward<M>(module))) {}
  /// Wraps the module a holder holds.
  template <class M>
  explicit AnyModule(const ModuleHolder<M>& holder) : AnyModule(holder.ptr()) {}

  /// Calls forward; the result as ReturnType (Tensor by default).
  template <class ReturnType = Tensor, class... Args>
  ReturnType forward(Args&&... args) {
    std::any out = any_forward(std::forward<Args>(args)...);
    if constexpr (std::is_same_v<ReturnType, std::any>) {
      return out;
    } else {
      auto* p = std::any_cast<ReturnType>(&out);
      EMBER_CHECK_TYPE(p != nullptr, module_->name(), "::forward (through AnyModule) returned ", out.type().name(),
                       ", not the requested ", typeid(ReturnType).name());
      return std::move(*p);
    }
  }
  /// Calls forward with type-erased arguments; the result type-erased.
  template <class... Args>
  std::any any_forward(Args&&... args) {
    check_non_empty();
    std::vector<std::any> values;
    values.reserve(sizeof...(Args));
    (values.emplace_back(to_any(std::forward<Args>(args))), ...);
    return call_(values);
  }
  /// Calls forward with already type-erased arguments.
  std::any forward_any(std::vector<std::any> values) {
    check_non_empty();
    return call_(values);
  }

  /// The module as a Module.
  std::shared_ptr<Module> ptr() const { check_non_empty(); return module_; }
  /// The module as type T (throws when it is another type).
  template <class T>
  std::shared_ptr<T> ptr() const {
    auto p = std::dynamic_pointer_cast<T>(ptr());
    EMBER_CHECK_TYPE(p != nullptr, "AnyModule: the module is a ", module_->name(), ", not the requested type");
    return p;
  }
  /// The module as a T& (T a module type).
  template <class T>
  T& get() const { return *ptr<T>(); }
  bool is_empty() const noexcept { return module_ == nullptr; }
  /// An AnyModule holding a deep copy of the module (Module::clone), with the same forward signature.
  AnyModule clone(const std::optional<Device>& device = std::nullopt) const {
    check_non_empty();
    return clone_(module_, device);
  }
  const std::type_info& type_info() const { check_non_empty(); return typeid(*module_); }

 private:
  using Call = std::function<std::any(std::vector<std::any>&)>;
  using Clone = AnyModule (*)(const std::shared_ptr<Module>&, const std::optional<Device>&);
  template <class M>
  static Clone make_clone() {
    return [](const std::shared_ptr<Module>& module, const std::optional<Device>& device) {
      auto copy = std::dynamic_pointer_cast<M>(module->clone(device));
      EMBER_CHECK(copy != nullptr, module->name(), "::clone returned a module of another type");
      return AnyModule(std::move(copy));
    };
  }
  template <class T>
  static std::any to_any(T&& v) {
    if constexpr (std::is_same_v<std::decay_t<T>, std::any>) return std::forward<T>(v);
    else if constexpr (std::is_array_v<std::remove_reference_t<T>>) return std::any(&v[0]);
    else return std::any(std::decay_t<T>(std::forward<T>(v)));
  }
  template <class M>
  static Call make_call(std::shared_ptr<M> module) {
    using Traits = detail::ForwardTraits<decltype(&M::forward)>;
    static_assert(!std::is_void_v<typename Traits::Return>, "AnyModule: forward must return a value");
    return [module](std::vector<std::any>& values) -> std::any {
      return call_with(*module, values, static_cast<typename Traits::Args*>(nullptr));
    };
  }
  template <class M, class... A>
  static std::any call_with(M& module, std::vector<std::any>& values, std::tuple<A...>*) {
    EMBER_CHECK(values.size() == sizeof...(A), module.name(), "'s forward() expects ", sizeof...(A),
                " argument(s), but received ", values.size());
    return call_indexed<M, A...>(module, values, std::index_sequence_for<A...>{});
  }
  template <class M, class... A, size_t... I>
  static std::any call_indexed(M& module, std::vector<std::any>& values, std::index_sequence<I...>) {
    const std::string& name = module.name();
    (void)name;
    return std::any(module.forward(detail::any_arg<A>(values[I], I, name)...));
  }
  void check_non_empty() const { EMBER_CHECK(module_ != nullptr, "AnyModule: the module is empty"); }

  std::shared_ptr<Module> module_;
  Call call_;
  Clone clone_ = nullptr;
};

}  // namespace ember::nn
