// Grad modes: whether ops record autograd history on this thread (thread-local), as RAII guards.
#pragma once
#include "ember/util/export.h"

namespace ember::autograd {

/// Thread-local switch for graph recording.
struct EMBER_API GradMode {
  static bool is_enabled();
  static void set_enabled(bool enabled);
  /// The grad mode in force where the innermost AutoGradMode guard was entered. Inside a native op
  /// body (which generated code runs under NoGradGuard) it says whether the op call is recorded.
  static bool outer_enabled();
  static void set_outer_enabled(bool enabled);
};

/// Thread-local inference mode: like no-grad, and tensors made under it are never recorded.
struct EMBER_API InferenceMode {
  static bool is_enabled();
  static void set_enabled(bool enabled);
};

/// Sets grad mode for a scope, restoring the previous mode on exit.
class AutoGradMode {
 public:
  explicit AutoGradMode(bool enabled) : prev_(GradMode::is_enabled()), prev_outer_(GradMode::outer_enabled()) {
    GradMode::set_outer_enabled(prev_);
    GradMode::set_enabled(enabled);
  }
  ~AutoGradMode() {
    GradMode::set_enabled(prev_);
    GradMode::set_outer_enabled(prev_outer_);
  }
  AutoGradMode(const AutoGradMode&) = delete;
  AutoGradMode& operator=(const AutoGradMode&) = delete;

 private:
  bool prev_;
  bool prev_outer_;
};

/// Disables recording for a scope (optimizer updates, evaluation): libtorch's `torch::NoGradGuard`.
class NoGradGuard : public AutoGradMode {
 public:
  NoGradGuard() : AutoGradMode(false) {}
};

/// Inference mode for a scope (no recording at all).
class InferenceModeGuard {
 public:
  explicit InferenceModeGuard(bool enabled = true)
      : grad_(!enabled && GradMode::is_enabled()), prev_(InferenceMode::is_enabled()) {
    InferenceMode::set_enabled(enabled);
  }
  ~InferenceModeGuard() { InferenceMode::set_enabled(prev_); }

 private:
  AutoGradMode grad_;
  bool prev_;
};

/// Whether recording is on: grad mode enabled and not in inference mode.
inline bool recording_enabled() { return GradMode::is_enabled(); }

}  // namespace ember::autograd

namespace ember {
using autograd::AutoGradMode;
using autograd::NoGradGuard;
using InferenceMode = autograd::InferenceModeGuard;
}  // namespace ember
