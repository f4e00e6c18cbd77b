#include "ember/core/grad_mode.h"

#include "ember/core/tensor_impl.h"
#include "ember/util/error.h"

namespace ember::autograd {

namespace {
__attribute__((tls_model("initial-exec"))) thread_local bool t_grad_enabled = true;
__attribute__((tls_model("initial-exec"))) thread_local bool t_inference = false;
__attribute__((tls_model("initial-exec"))) thread_local bool t_outer_grad_enabled = true;
}  // namespace

bool GradMode::is_enabled() { return t_grad_enabled; }
void GradMode::set_enabled(bool enabled) { t_grad_enabled = enabled; }
bool GradMode::outer_enabled() { return t_outer_grad_enabled; }
void GradMode::set_outer_enabled(bool enabled) { t_outer_grad_enabled = enabled; }
bool InferenceMode::is_enabled() { return t_inference; }
void InferenceMode::set_enabled(bool enabled) {
  t_inference = enabled;
  t_grad_enabled = !enabled && t_grad_enabled;
}

}  // namespace ember::autograd

namespace ember {
// Defined here, beside the inference-mode switch it reads (TensorImpl::bump_version calls it).
void TensorImpl::check_inference_write() const {
  EMBER_CHECK(autograd::InferenceMode::is_enabled(), "Inplace update to inference tensor outside InferenceMode is "
              "not allowed.You can make a clone to get a normal tensor before doing inplace update.");
}
}  // namespace ember
