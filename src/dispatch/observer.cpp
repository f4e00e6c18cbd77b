#include "ember/dispatch/observer.h"

#include "dispatch/observe.h"

namespace ember::dispatch {
namespace detail {

__attribute__((tls_model("initial-exec"))) thread_local OpObserver* t_active_observer = nullptr;

namespace {
__attribute__((tls_model("initial-exec"))) thread_local OpObserver* t_observer = nullptr;
__attribute__((tls_model("initial-exec"))) thread_local int t_depth = 0;

void refresh() { t_active_observer = t_depth == 0 ? t_observer : nullptr; }
}  // namespace

std::pair<OpObserver*, int> observer_state() { return {t_observer, t_depth}; }

void set_observer_state(std::pair<OpObserver*, int> state) {
  t_observer = state.first;
  t_depth = state.second;
  refresh();
}

ObservedScope::ObservedScope() : observer_(t_active_observer) {
  ++t_depth;
  t_active_observer = nullptr;
}

ObservedScope::~ObservedScope() {
  --t_depth;
  refresh();
}

void ObservedScope::report(std::string_view name, const std::vector<IValue>& args,
                           const std::vector<IValue>& outputs) {
  if (observer_ == nullptr) return;
  observer_->on_op(OpCall{name, args, outputs});  // depth is still > 0: the observer's own ops are not reported
}

}  // namespace detail

bool OpCall::is_wrapped_scalar(size_t i) const {
  return i < args.size() && args[i].isTensor() && args[i].toTensor().defined() &&
         args[i].toTensor().unsafeGetTensorImpl()->is_wrapped_number();
}

OpObserver* current_observer() { return detail::t_observer; }

void set_observer(OpObserver* observer) {
  detail::t_observer = observer;
  detail::refresh();
}

ObserverGuard::ObserverGuard(OpObserver* observer) : prev_(detail::t_observer) { set_observer(observer); }

ObserverGuard::~ObserverGuard() { set_observer(prev_); }

}  // namespace ember::dispatch
