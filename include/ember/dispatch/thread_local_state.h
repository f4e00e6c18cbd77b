// ThreadLocalState: one snapshot of the per-thread state that work carries when it moves to another
// thread (libtorch's at::ThreadLocalState / ThreadLocalStateGuard).
//
// Note [thread-local state]
//   What a snapshot holds: grad mode (and the outer grad mode of AutoGradMode), inference mode, the
//   saved-tensor pack hooks (saved_tensors_hooks) and the op observer with its depth (docs/registry.md).
//   Anomaly mode is process-wide, as PyTorch's (set_detect_anomaly), so it needs no carrying.
//   Where it travels: OpenMP workers of parallel_for (src/kernels/cpu/parallel.h) take the caller's state
//   for the loop (a no-op when they already match, the usual case); the autograd engine runs
//   backward on the calling thread, so it has nothing to carry; the data loader's and DDP's threads
//   will capture on the launching thread and guard in the worker.
//   A thread started from Python (threading.Thread) starts from the defaults (grad enabled, no
//   hooks), as in PyTorch: only ember's own hand-offs carry the state.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "ember/util/export.h"

namespace ember {

class Tensor;
namespace autograd {
/// What a pack hook returns for a saved tensor; unpack() gives the tensor back in backward.
struct SavedTensorHookState {
  virtual ~SavedTensorHookState() = default;
  virtual Tensor unpack() = 0;
};
using SavedTensorPackHook = std::function<std::shared_ptr<SavedTensorHookState>(const Tensor&)>;
/// Thread-local stack of pack hooks (Python's saved_tensors_hooks): while one is pushed, every
/// tensor saved for backward goes through the top hook instead of being held directly.
EMBER_API void push_saved_tensors_hook(SavedTensorPackHook hook);
EMBER_API void pop_saved_tensors_hook();
/// The calling thread's pack hooks, bottom first, and setting them (ThreadLocalState carries them).
EMBER_API std::vector<SavedTensorPackHook> saved_tensors_hooks_stack();
EMBER_API void set_saved_tensors_hooks_stack(const std::vector<SavedTensorPackHook>& hooks);
EMBER_API int num_saved_tensors_hooks();
/// Pops the top pack hook and returns it (SavedVariable runs it with the hook off the stack).
EMBER_API SavedTensorPackHook take_top_saved_tensors_hook();
}  // namespace autograd
namespace dispatch {
class OpObserver;
}  // namespace dispatch

/// The calling thread's state, captured on construction.
class EMBER_API ThreadLocalState {
 public:
  ThreadLocalState();
  /// Makes `state` the calling thread's state.
  static void setThreadLocalState(const ThreadLocalState& state);
  /// Whether the calling thread's state is already `*this` (then nothing needs setting). States
  /// holding saved-tensor hooks never match: the hooks cannot be compared.
  bool matches_current() const;

  bool grad_enabled() const { return grad_enabled_; }
  bool inference_mode() const { return inference_; }
  size_t num_saved_tensors_hooks() const { return pack_hooks_.size(); }

 private:
  bool grad_enabled_;
  bool outer_grad_enabled_;
  bool inference_;
  std::vector<std::function<std::shared_ptr<autograd::SavedTensorHookState>(const Tensor&)>> pack_hooks_;
  // The op observer and whether the thread is inside an op (then nothing is reported): a worker of a
  // loop inside an op stays "inside", a thread launched from top level reports its ops.
  std::pair<dispatch::OpObserver*, int> observer_;
};

/// Sets a captured state on this thread for a scope and restores the thread's own on exit; does
/// nothing when the two already match (parallel-loop workers), so it is cheap to use everywhere.
class EMBER_API ThreadLocalStateGuard {
 public:
  explicit ThreadLocalStateGuard(const ThreadLocalState& state);
  ~ThreadLocalStateGuard();
  ThreadLocalStateGuard(const ThreadLocalStateGuard&) = delete;
  ThreadLocalStateGuard& operator=(const ThreadLocalStateGuard&) = delete;

 private:
  std::optional<ThreadLocalState> prev_;  // empty when nothing was set
};

}  // namespace ember
