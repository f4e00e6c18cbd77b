// The fused optimizer ops (src/ops/optim.yaml): argument checks, then one kernel call per dtype.
//
// Note [fused optimizers]
// An optimizer step over a param group is one op call: _fused_adam_(params, grads, exp_avgs, exp_avg_sqs,
// max_exp_avg_sqs, state_steps, lr=..., ...) updates every parameter, as PyTorch's fused optimizers do.
// Here the lists are checked (lengths, shapes, dtypes, devices; no tensor memory is read), then the kernel
// of the params' device and dtype runs (src/kernels/cpu/optim_kernels.cpp: one pass per tensor chunk over
// param, grad and states, parallel over chunks, vectorized). Every tensor written gets its version bumped.
// The ops write leaves that require grad, so they refuse to run under grad mode on such a leaf, as any
// in-place op does: the optimizers (Python ember.optim, C++ ember::optim) run them under no_grad.
// state_steps are 0-d tensors that the caller has already incremented (the kernel reads them for the
// bias corrections); grads are read, never written (grad_scale / found_inf are not implemented yet).
#include <map>
#include <vector>

#include "ember/dispatch/dispatch.h"
#include "ember/gen/native.h"

namespace ember::autograd {
// Declared by the autograd layer's header (ember/autograd/autograd.h); declared here so that this ops-layer
// file includes nothing from the layer above it (the runtime library defines it).
EMBER_API void check_inplace(const Tensor& t, const char* op);
}  // namespace ember::autograd

namespace ember::native {
namespace {

/// A list that is either empty (when `optional`) or holds one tensor like self[i] per param.
void check_list(const char* op, const char* name, TensorList self, TensorList l, bool optional) {
  if (optional && l.empty()) return;
  EMBER_CHECK(l.size() == self.size(), op, ": expected ", name, " to hold ", self.size(),
              " tensors (one per param), got ", l.size());
  for (size_t i = 0; i < l.size(); ++i) {
    const Tensor& p = self[i];
    const Tensor& t = l[i];
    EMBER_CHECK(t.defined(), op, ": ", name, "[", i, "] is undefined");
    EMBER_CHECK(t.sizes() == p.sizes(), op, ": ", name, "[", i, "] has shape ", t.sizes(), " but param ", i,
                " has shape ", p.sizes());
    EMBER_CHECK_TYPE(t.dtype() == p.dtype(), op, ": ", name, "[", i, "] has dtype ", dtype_name(t.dtype()),
                     " but param ", i, " has dtype ", dtype_name(p.dtype()));
    EMBER_CHECK(t.device() == p.device(), op, ": ", name, "[", i, "] is on ", t.device().str(), " but param ", i,
                " is on ", p.device().str());
  }
}

void check_params(const char* op, TensorList self) {
  for (size_t i = 0; i < self.size(); ++i) {
    const Tensor& p = self[i];
    EMBER_CHECK(p.defined(), op, ": param ", i, " is undefined");
    EMBER_CHECK_TYPE(p.is_floating_point(), op, ": expected floating-point params, but param ", i, " has dtype ",
                     dtype_name(p.dtype()));
    EMBER_CHECK(p.device() == self[0].device(), op, ": expected all params on one device, but param ", i, " is on ",
                p.device().str(), " and param 0 on ", self[0].device().str());
  }
}

void check_steps(const char* op, TensorList self, TensorList steps) {
  EMBER_CHECK(steps.size() == self.size(), op, ": expected state_steps to hold ", self.size(),
              " tensors (one per param), got ", steps.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    EMBER_CHECK(steps[i].defined() && steps[i].numel() == 1, op, ": state_steps[", i,
                "] must be a tensor with one element");
    EMBER_CHECK(steps[i].device() == self[i].device(), op, ": state_steps[", i, "] is on ",
                steps[i].device().str(), " but param ", i, " is on ", self[i].device().str());
  }
}

void check_no_scaling(const char* op, const std::optional<Tensor>& grad_scale, const std::optional<Tensor>& found_inf) {
  if ((grad_scale && grad_scale->defined()) || (found_inf && found_inf->defined()))
    throw NotImplementedError(detail::str(op, ": grad_scale and found_inf are not implemented yet"));
}

/// The written lists: in-place checks before the kernel, version bumps after it.
struct Written {
  std::vector<TensorList> lists;
  void check(const char* op) const {
    for (TensorList l : lists)
      for (const Tensor& t : l) autograd::check_inplace(t, op);
  }
  void bump() const {
    for (TensorList l : lists)
      for (const Tensor& t : l) t.unsafeGetTensorImpl()->bump_version();
  }
};

/// Calls run(lists...) once per dtype of self with the entries of that dtype (all of them, usually).
template <class F>
void per_dtype(TensorList self, std::vector<TensorList> lists, const F& run) {
  if (self.empty() || self[0].is_meta()) return;
  bool one = true;
  for (const Tensor& p : self) one = one && p.dtype() == self[0].dtype();
  if (one) return run(self[0].dtype(), lists);
  std::map<ScalarType, std::vector<size_t>> groups;
  for (size_t i = 0; i < self.size(); ++i) groups[self[i].dtype()].push_back(i);
  for (const auto& [dt, idx] : groups) {
    std::vector<std::vector<Tensor>> sub(lists.size());
    for (size_t l = 0; l < lists.size(); ++l)
      if (!lists[l].empty())
        for (size_t i : idx) sub[l].push_back(lists[l][i]);
    std::vector<TensorList> views(sub.begin(), sub.end());
    run(dt, views);
  }
}

}  // namespace

void _fused_sgd_(TensorList self, TensorList grads, TensorList momentum_buffer_list, double weight_decay,
                 double momentum, double lr, double dampening, bool nesterov, bool maximize, bool is_first_step,
                 const std::optional<Tensor>& grad_scale, const std::optional<Tensor>& found_inf) {
  const char* op = "_fused_sgd_";
  check_no_scaling(op, grad_scale, found_inf);
  check_params(op, self);
  check_list(op, "grads", self, grads, false);
  check_list(op, "momentum_buffer_list", self, momentum_buffer_list, momentum == 0);
  EMBER_CHECK(momentum != 0 || momentum_buffer_list.empty(), op, ": momentum_buffer_list must be empty when momentum is 0");
  Written w{{self, momentum_buffer_list}};
  w.check(op);
  per_dtype(self, {self, grads, momentum_buffer_list}, [&](ScalarType dt, const std::vector<TensorList>& l) {
    dispatch::kernel<OpId::_fused_sgd_>(self[0].device().type(), dt)(l[0], l[1], l[2], weight_decay, momentum, lr,
                                                                      dampening, nesterov, maximize, is_first_step,
                                                                      std::nullopt, std::nullopt);
  });
  w.bump();
}

namespace {
template <OpId Id>
void fused_adam(const char* op, TensorList self, TensorList grads, TensorList exp_avgs, TensorList exp_avg_sqs,
                TensorList max_exp_avg_sqs, TensorList state_steps, double lr, double beta1, double beta2,
                double weight_decay, double eps, bool amsgrad, bool maximize, const std::optional<Tensor>& grad_scale,
                const std::optional<Tensor>& found_inf) {
  check_no_scaling(op, grad_scale, found_inf);
  check_params(op, self);
  check_list(op, "grads", self, grads, false);
  check_list(op, "exp_avgs", self, exp_avgs, false);
  check_list(op, "exp_avg_sqs", self, exp_avg_sqs, false);
  check_list(op, "max_exp_avg_sqs", self, max_exp_avg_sqs, !amsgrad);
  check_steps(op, self, state_steps);
  Written w{{self, exp_avgs, exp_avg_sqs, max_exp_avg_sqs}};
  w.check(op);
  per_dtype(self, {self, grads, exp_avgs, exp_avg_sqs, amsgrad ? max_exp_avg_sqs : TensorList(), state_steps},
            [&](ScalarType dt, const std::vector<TensorList>& l) {
              dispatch::kernel<Id>(self[0].device().type(), dt)(l[0], l[1], l[2], l[3], l[4], l[5], lr, beta1, beta2,
                                                               weight_decay, eps, amsgrad, maximize, std::nullopt,
                                                               std::nullopt);
            });
  w.bump();
}
}  // namespace

void _fused_adam_(TensorList self, TensorList grads, TensorList exp_avgs, TensorList exp_avg_sqs,
                  TensorList max_exp_avg_sqs, TensorList state_steps, double lr, double beta1, double beta2,
                  double weight_decay, double eps, bool amsgrad, bool maximize, const std::optional<Tensor>& grad_scale,
                  const std::optional<Tensor>& found_inf) {
  fused_adam<OpId::_fused_adam_>("_fused_adam_", self, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, lr,
                                 beta1, beta2, weight_decay, eps, amsgrad, maximize, grad_scale, found_inf);
}

void _fused_adamw_(TensorList self, TensorList grads, TensorList exp_avgs, TensorList exp_avg_sqs,
                   TensorList max_exp_avg_sqs, TensorList state_steps, double lr, double beta1, double beta2,
                   double weight_decay, double eps, bool amsgrad, bool maximize,
                   const std::optional<Tensor>& grad_scale, const std::optional<Tensor>& found_inf) {
  fused_adam<OpId::_fused_adamw_>("_fused_adamw_", self, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps,
                                  lr, beta1, beta2, weight_decay, eps, amsgrad, maximize, grad_scale, found_inf);
}

void _fused_adagrad_(TensorList self, TensorList grads, TensorList state_sums, TensorList state_steps, double lr,
                     double lr_decay, double weight_decay, double eps, bool maximize,
                     const std::optional<Tensor>& grad_scale, const std::optional<Tensor>& found_inf) {
  const char* op = "_fused_adagrad_";
  check_no_scaling(op, grad_scale, found_inf);
  check_params(op, self);
  check_list(op, "grads", self, grads, false);
  check_list(op, "state_sums", self, state_sums, false);
  check_steps(op, self, state_steps);
  Written w{{self, state_sums}};
  w.check(op);
  per_dtype(self, {self, grads, state_sums, state_steps}, [&](ScalarType dt, const std::vector<TensorList>& l) {
    dispatch::kernel<OpId::_fused_adagrad_>(self[0].device().type(), dt)(l[0], l[1], l[2], l[3], lr, lr_decay,
                                                                          weight_decay, eps, maximize, std::nullopt,
                                                                          std::nullopt);
  });
  w.bump();
}

void _fused_rmsprop_(TensorList self, TensorList grads, TensorList square_avgs, TensorList grad_avgs,
                     TensorList momentum_buffer_list, TensorList state_steps, double lr, double alpha, double eps,
                     double weight_decay, double momentum, bool centered, bool maximize) {
  const char* op = "_fused_rmsprop_";
  check_params(op, self);
  check_list(op, "grads", self, grads, false);
  check_list(op, "square_avgs", self, square_avgs, false);
  check_list(op, "grad_avgs", self, grad_avgs, !centered);
  check_list(op, "momentum_buffer_list", self, momentum_buffer_list, !(momentum > 0));
  check_steps(op, self, state_steps);
  Written w{{self, square_avgs, grad_avgs, momentum_buffer_list}};
  w.check(op);
  per_dtype(self,
            {self, grads, square_avgs, centered ? grad_avgs : TensorList(),
             momentum > 0 ? momentum_buffer_list : TensorList(), state_steps},
            [&](ScalarType dt, const std::vector<TensorList>& l) {
              dispatch::kernel<OpId::_fused_rmsprop_>(self[0].device().type(), dt)(
                  l[0], l[1], l[2], l[3], l[4], l[5], lr, alpha, eps, weight_decay, momentum, centered, maximize);
            });
  w.bump();
}

}  // namespace ember::native
