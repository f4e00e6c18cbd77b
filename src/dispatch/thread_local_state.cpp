// Capturing and setting the per-thread state (Note [thread-local state]).
#include "ember/dispatch/thread_local_state.h"

#include "ember/core/grad_mode.h"
#include "ember/util/error.h"
#include "dispatch/observe.h"

namespace ember {

namespace autograd {
namespace {
thread_local std::vector<SavedTensorPackHook> t_pack_hooks;
// How many hooks t_pack_hooks holds: a trivially typed initial-exec TLS read (the vector itself needs
// the general-dynamic TLS path).
__attribute__((tls_model("initial-exec"))) thread_local int t_pack_hook_count = 0;
}  // namespace
void push_saved_tensors_hook(SavedTensorPackHook hook) {
  t_pack_hooks.push_back(std::move(hook));
  ++t_pack_hook_count;
}
void pop_saved_tensors_hook() {
  EMBER_CHECK(!t_pack_hooks.empty(), "pop_saved_tensors_hook: no hook to pop");
  t_pack_hooks.pop_back();
  --t_pack_hook_count;
}
std::vector<SavedTensorPackHook> saved_tensors_hooks_stack() {
  if (t_pack_hook_count == 0) return {};
  return t_pack_hooks;
}
void set_saved_tensors_hooks_stack(const std::vector<SavedTensorPackHook>& hooks) {
  if (hooks.empty() && t_pack_hook_count == 0) return;
  t_pack_hooks = hooks;
  t_pack_hook_count = static_cast<int>(hooks.size());
}
int num_saved_tensors_hooks() { return t_pack_hook_count; }
SavedTensorPackHook take_top_saved_tensors_hook() {
  SavedTensorPackHook hook = std::move(t_pack_hooks.back());
  t_pack_hooks.pop_back();
  --t_pack_hook_count;
  return hook;
}
}  // namespace autograd

ThreadLocalState::ThreadLocalState()
    : grad_enabled_(autograd::GradMode::is_enabled()),
      outer_grad_enabled_(autograd::GradMode::outer_enabled()),
      inference_(autograd::InferenceMode::is_enabled()),
      pack_hooks_(autograd::saved_tensors_hooks_stack()),
      observer_(dispatch::detail::observer_state()) {}

bool ThreadLocalState::matches_current() const {
  return observer_ == dispatch::detail::observer_state() && grad_enabled_ == autograd::GradMode::is_enabled() && outer_grad_enabled_ == autograd::GradMode::outer_enabled() &&
         inference_ == autograd::InferenceMode::is_enabled() && pack_hooks_.empty() &&
         autograd::num_saved_tensors_hooks() == 0;
}

void ThreadLocalState::setThreadLocalState(const ThreadLocalState& state) {
  // InferenceMode::set_enabled also clears grad mode when it turns inference on: set it first.
  autograd::InferenceMode::set_enabled(state.inference_);
  autograd::GradMode::set_enabled(state.grad_enabled_);
  autograd::GradMode::set_outer_enabled(state.outer_grad_enabled_);
  autograd::set_saved_tensors_hooks_stack(state.pack_hooks_);
  dispatch::detail::set_observer_state(state.observer_);
}

ThreadLocalStateGuard::ThreadLocalStateGuard(const ThreadLocalState& state) {
  if (state.matches_current()) return;
  prev_.emplace();
  ThreadLocalState::setThreadLocalState(state);
}

ThreadLocalStateGuard::~ThreadLocalStateGuard() {
  if (prev_) ThreadLocalState::setThreadLocalState(*prev_);
}

}  // namespace ember
