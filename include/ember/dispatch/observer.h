// The recording hook at the op boundary (docs/registry.md): a thread-local observer that every op call
// reports to, built-in or registered, from C++, Python or a boxed call, with the op's qualified name,
// its complete argument list (schema order; out= last) and its outputs. Only top-level calls are
// reported: ops that run inside another op's body, and ops the observer itself calls from on_op, are
// not (a depth guard). With no observer installed an op pays one thread-local load.
#pragma once
#include <string_view>
#include <vector>

#include "ember/dispatch/ivalue.h"

namespace ember::dispatch {

/// One op call as the observer sees it.
struct EMBER_API OpCall {
  std::string_view name;              // qualified: "aten::add.Tensor", "myops::scale.default"
  const std::vector<IValue>& args;    // every argument in schema order (defaults filled in)
  const std::vector<IValue>& outputs; // the returned values (an in-place op returns its self)
  /// True when args[i] is a tensor made from a Python number (or a C++ Scalar): a constant, not an input.
  bool is_wrapped_scalar(size_t i) const;
};

class EMBER_API OpObserver {
 public:
  virtual ~OpObserver() = default;
  /// Called after each top-level op returns (not when it throws). Ops called from here are not reported.
  virtual void on_op(const OpCall& call) = 0;
};

/// Installs an observer on this thread for the guard's lifetime (nullptr suspends observation);
/// restores the previous one on destruction. Guards nest.
class EMBER_API ObserverGuard {
 public:
  explicit ObserverGuard(OpObserver* observer);
  ~ObserverGuard();
  ObserverGuard(const ObserverGuard&) = delete;
  ObserverGuard& operator=(const ObserverGuard&) = delete;

 private:
  OpObserver* prev_;
};

/// The observer installed on this thread (nullptr when none).
EMBER_API OpObserver* current_observer();
/// Sets this thread's observer (ObserverGuard is the usual way); used by ThreadLocalState to carry it.
EMBER_API void set_observer(OpObserver* observer);

}  // namespace ember::dispatch
