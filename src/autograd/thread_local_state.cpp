// Capturing and setting the per-thread state (Note [thread-local state]).
#include "ember/autograd/thread_local_state.h"

#include "ember/autograd/grad_mode.h"
#include "ember/autograd/node.h"
#include "dispatch/observe.h"

namespace ember {

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
