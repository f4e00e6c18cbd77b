// Module holders: libtorch's ModuleHolder and TORCH_MODULE. `EMBER_MODULE(Linear)` makes `Linear` a
// shared handle to a `LinearImpl`: `Linear fc(3, 4)` constructs one, `Linear fc{nullptr}` is empty,
// copies share the module, `fc->weight` and `fc(x)` reach it.
#pragma once
#include <memory>
#include <ostream>
#include <type_traits>
#include <utility>

#include "ember/nn/module.h"
#include "ember/util/error.h"

namespace ember::nn {
namespace detail {
/// Base of every ModuleHolder, so templates can tell holders apart.
struct ModuleHolderIndicator {};
template <class T>
inline constexpr bool is_module_holder_v = std::is_base_of_v<ModuleHolderIndicator, std::decay_t<T>>;
}  // namespace detail

/// A shared handle to a module of type Contained.
template <class Contained>
class ModuleHolder : detail::ModuleHolderIndicator {
 public:
  using ContainedType = Contained;

  /// Default-constructs the module (Contained must be default-constructible; else use {nullptr}).
  ModuleHolder() : impl_(default_construct()) {}
  /// An empty holder, to be assigned later (`Linear fc{nullptr};`).
  ModuleHolder(std::nullptr_t) {}  // NOLINT: implicit as in libtorch
  /// Constructs the module from the arguments (`Linear(3, 4)`, `Linear(LinearOptions(3, 4))`).
  template <class Head, class... Tail,
            class = std::enable_if_t<!(std::is_same_v<std::decay_t<Head>, ModuleHolder> ||
                                       std::is_base_of_v<ModuleHolder, std::decay_t<Head>> ||
                                       std::is_same_v<std::decay_t<Head>, std::shared_ptr<Contained>> ||
                                       std::is_same_v<std::decay_t<Head>, std::nullptr_t>)>>
  explicit ModuleHolder(Head&& head, Tail&&... tail)
      : impl_(std::make_shared<Contained>(std::forward<Head>(head), std::forward<Tail>(tail)...)) {}
  /// Wraps an existing module (shared, not copied).
  ModuleHolder(std::shared_ptr<Contained> module) : impl_(std::move(module)) {}  // NOLINT

  /// Whether the holder holds no module.
  bool is_empty() const noexcept { return impl_ == nullptr; }
  explicit operator bool() const noexcept { return !is_empty(); }

  Contained* operator->() { return get(); }
  const Contained* operator->() const { return get(); }
  Contained& operator*() { return *get(); }
  const Contained& operator*() const { return *get(); }
  /// The shared pointer to the module.
  const std::shared_ptr<Contained>& ptr() const { check_non_empty(); return impl_; }
  Contained* get() { check_non_empty(); return impl_.get(); }
  const Contained* get() const { check_non_empty(); return impl_.get(); }

  /// Calls the module's forward (`net(x)`).
  template <class... Args, class C = Contained>
  auto operator()(Args&&... args) -> decltype(std::declval<C&>().forward(std::forward<Args>(args)...)) {
    return get()->forward(std::forward<Args>(args)...);
  }
  /// Forwards indexing to the module (`seq[0]`).
  template <class Arg, class C = Contained>
  auto operator[](Arg&& arg) -> decltype(std::declval<C&>()[std::forward<Arg>(arg)]) {
    return (*get())[std::forward<Arg>(arg)];
  }

 protected:
  std::shared_ptr<Contained> impl_;

 private:
  static std::shared_ptr<Contained> default_construct() {
    if constexpr (std::is_default_constructible_v<Contained>) {
      return std::make_shared<Contained>();
    } else {
      static_assert(std::is_default_constructible_v<Contained>,
                    "this module has no default constructor: pass its arguments, or nullptr for an empty holder");
      return nullptr;
    }
  }
  void check_non_empty() const {
    EMBER_CHECK(impl_ != nullptr, "Accessing empty ModuleHolder (a module holder constructed from nullptr)");
  }
};

/// Prints the held module (Python's repr).
template <class Contained>
std::ostream& operator<<(std::ostream& stream, const ModuleHolder<Contained>& holder) {
  return stream << *holder;
}

}  // namespace ember::nn

/// Defines Name as a ModuleHolder of ImplType.
#define EMBER_MODULE_IMPL(Name, ImplType)                          \
  class Name : public ::ember::nn::ModuleHolder<ImplType> {        \
   public:                                                         \
    using ::ember::nn::ModuleHolder<ImplType>::ModuleHolder;       \
    using ::ember::nn::ModuleHolder<ImplType>::get;                \
  }

/// libtorch's TORCH_MODULE: Name is a shared handle to NameImpl.
#define EMBER_MODULE(Name) EMBER_MODULE_IMPL(Name, Name##Impl)
