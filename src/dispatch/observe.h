// Internal: the observer check that every op body starts with (generated code in ops.cpp, the
// run-time registry's call path). See include/ember/dispatch/observer.h.
#pragma once
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "ember/core/tensor_options.h"
#include "ember/dispatch/observer.h"

namespace ember::dispatch::detail {

// The observer that an op starting now must report to: the installed one at depth 0, nullptr inside an
// op body, inside on_op, or when none is installed. One load per op call.
extern __attribute__((tls_model("initial-exec"))) thread_local OpObserver* t_active_observer;

inline bool observing() { return __builtin_expect(t_active_observer != nullptr, 0); }

/// The installed observer and the op depth of this thread, and setting both (ThreadLocalState).
std::pair<OpObserver*, int> observer_state();
void set_observer_state(std::pair<OpObserver*, int> state);

/// Marks the current thread as inside an op for its lifetime (nothing is reported) and reports on request.
class ObservedScope {
 public:
  ObservedScope();
  ~ObservedScope();
  ObservedScope(const ObservedScope&) = delete;
  ObservedScope& operator=(const ObservedScope&) = delete;
  void report(std::string_view name, const std::vector<IValue>& args, const std::vector<IValue>& outputs);

 private:
  OpObserver* observer_;
};

template <class T>
void box_into(std::vector<IValue>& v, const T& x) {
  using D = std::decay_t<T>;
  if constexpr (std::is_same_v<D, TensorOptions>) {
    v.emplace_back(x.dtype_opt() ? IValue(*x.dtype_opt()) : IValue());
    v.emplace_back(x.device_opt() ? IValue(*x.device_opt()) : IValue());
    v.emplace_back(x.requires_grad());
  } else if constexpr (std::is_same_v<D, Tensor>) {
    v.emplace_back(x.defined() ? IValue(x) : IValue());
  } else if constexpr (std::is_same_v<D, TensorList> || std::is_same_v<D, std::vector<Tensor>>) {
    v.emplace_back(std::vector<Tensor>(x.begin(), x.end()));
  } else if constexpr (std::is_same_v<D, IntArrayRef> || std::is_same_v<D, DimVector>) {
    v.emplace_back(std::vector<int64_t>(x.begin(), x.end()));
  } else if constexpr (std::is_same_v<D, OptionalIntArrayRef>) {
    v.emplace_back(x ? IValue(std::vector<int64_t>((*x).begin(), (*x).end())) : IValue());
  } else if constexpr (std::is_same_v<D, std::optional<IntArrayRef>>) {
    v.emplace_back(x ? IValue(std::vector<int64_t>(x->begin(), x->end())) : IValue());
  } else if constexpr (std::is_same_v<D, int64_t> || std::is_same_v<D, int>) {
    v.emplace_back(static_cast<int64_t>(x));
  } else if constexpr (std::is_same_v<D, const char*>) {
    v.emplace_back(std::string(x));
  } else if constexpr (std::is_same_v<D, std::optional<Tensor>> || std::is_same_v<D, std::optional<Scalar>> ||
                       std::is_same_v<D, std::optional<int64_t>> || std::is_same_v<D, std::optional<double>> ||
                       std::is_same_v<D, std::optional<std::string>> ||
                       std::is_same_v<D, std::optional<ScalarType>> || std::is_same_v<D, std::optional<Device>> ||
                       std::is_same_v<D, std::optional<Generator>>) {
    if (x) box_into(v, *x);
    else v.emplace_back();
  } else {
    v.emplace_back(x);  // Scalar, double, bool, std::string, ScalarType, Device, Generator
  }
}

template <class R>
void box_result(std::vector<IValue>& v, const R& r) {
  using D = std::decay_t<R>;
  if constexpr (std::is_same_v<D, Tensor>) {
    v.emplace_back(r);
  } else if constexpr (std::is_same_v<D, std::vector<Tensor>>) {
    v.emplace_back(r);
  } else if constexpr (std::is_same_v<D, Scalar> || std::is_same_v<D, double> || std::is_same_v<D, bool> ||
                       std::is_same_v<D, int64_t>) {
    v.emplace_back(r);
  } else {
    std::apply([&](const auto&... x) { (box_result(v, x), ...); }, r);  // tuples
  }
}

/// Runs f (the op itself, which sees no observer) and reports the call: name, args, outputs.
template <class F, class... A>
decltype(auto) observe(std::string_view name, F&& f, const A&... a) {
  ObservedScope scope;
  std::vector<IValue> args;
  args.reserve(sizeof...(A) + 2);
  (box_into(args, a), ...);
  std::vector<IValue> outs;
  if constexpr (std::is_void_v<decltype(f())>) {
    f();
    scope.report(name, args, outs);
  } else {
    decltype(auto) r = f();
    box_result(outs, r);
    scope.report(name, args, outs);
    return static_cast<decltype(f())>(r);
  }
}

}  // namespace ember::dispatch::detail
