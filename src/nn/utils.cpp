// ember::nn::utils: clip_grad_norm_ / clip_grad_value_ / parameters_to_vector / vector_to_parameters,
// the formulas of python/ember/nn/utils.
#include "ember/nn/utils.h"

#include <cmath>

#include "ember/autograd/grad_mode.h"
#include "ember/gen/functions.h"
#include "ember/util/error.h"

namespace ember::nn::utils {

double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type,
                       bool error_if_nonfinite) {
  std::vector<Tensor> grads;
  for (const auto& p : parameters)
    if (p.defined() && p.grad().defined()) grads.push_back(p.grad());
  if (grads.empty()) return 0.0;
  NoGradGuard no_grad;
  std::vector<Tensor> norms;
  norms.reserve(grads.size());
  for (const auto& g : grads) norms.push_back(norm(g, norm_type).to(std::nullopt, kFloat64));
  double total = norm(stack(norms), norm_type).item<double>();
  EMBER_CHECK(!error_if_nonfinite || std::isfinite(total), "The total norm of order ", norm_type,
              " for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and "
              "scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=false`");
  double coef = max_norm / (total + 1e-6);
  if (coef < 1.0) {
    for (const auto& g : grads) g.mul_(coef);
  }
  return total;
}

double clip_grad_norm_(const Tensor& parameter, double max_norm, double norm_type, bool error_if_nonfinite) {
  return clip_grad_norm_(std::vector<Tensor>{parameter}, max_norm, norm_type, error_if_nonfinite);
}

void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value) {
  NoGradGuard no_grad;
  for (const auto& p : parameters)
    if (p.defined() && p.grad().defined()) p.grad().clamp_(-clip_value, clip_value);
}

void clip_grad_value_(const Tensor& parameter, double clip_value) {
  clip_grad_value_(std::vector<Tensor>{parameter}, clip_value);
}

namespace {
void check_same_device(const std::vector<Tensor>& parameters) {
  for (const auto& p : parameters)
    EMBER_CHECK_TYPE(p.device() == parameters.front().device(),
                     "Found two parameters on different devices, this is currently not supported.");
}
}  // namespace

Tensor parameters_to_vector(const std::vector<Tensor>& parameters) {
  EMBER_CHECK(!parameters.empty(), "parameters_to_vector: expected at least one parameter");
  check_same_device(parameters);
  std::vector<Tensor> flat;
  flat.reserve(parameters.size());
  for (const auto& p : parameters) flat.push_back(p.reshape({-1}));
  return cat(flat);
}

void vector_to_parameters(const Tensor& vec, const std::vector<Tensor>& parameters) {
  EMBER_CHECK_TYPE(vec.defined(), "vector_to_parameters: expected a defined tensor");
  EMBER_CHECK(vec.dim() == 1, "vector_to_parameters: expected a 1-D vector, but got shape ", vec.sizes());
  if (!parameters.empty()) check_same_device(parameters);
  int64_t total = 0;
  for (const auto& p : parameters) total += p.numel();
  EMBER_CHECK(total == vec.numel(), "vector_to_parameters: the vector has ", vec.numel(),
              " elements but the parameters have ", total);
  NoGradGuard no_grad;
  int64_t offset = 0;
  for (const auto& p : parameters) {
    int64_t n = p.numel();
    p.copy_(vec.narrow(0, offset, n).view_as(p));
    offset += n;
  }
}

}  // namespace ember::nn::utils
