// ember::nn::utils: gradient clipping and parameter <-> vector conversion (libtorch's).
#pragma once
#include <vector>

#include "ember/core/tensor.h"
#include "ember/util/export.h"

namespace ember::nn::utils {

/// Scales the parameters' gradients in place so that their total norm_type-norm (inf: the largest
/// absolute value) is at most max_norm; returns the total norm before clipping.
/// error_if_nonfinite throws when that norm is NaN or infinite.
EMBER_API double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type = 2.0,
                                 bool error_if_nonfinite = false);
EMBER_API double clip_grad_norm_(const Tensor& parameter, double max_norm, double norm_type = 2.0,
                                 bool error_if_nonfinite = false);
/// Clamps every gradient in place into [-clip_value, clip_value].
EMBER_API void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value);
EMBER_API void clip_grad_value_(const Tensor& parameter, double clip_value);
/// The parameters flattened and concatenated into one 1-D tensor (a copy).
EMBER_API Tensor parameters_to_vector(const std::vector<Tensor>& parameters);
/// Copies consecutive slices of vec into the parameters (in place, under NoGradGuard). Unlike Python's
/// (and libtorch's set_data), the parameters keep their own memory: Note [Module::to].
EMBER_API void vector_to_parameters(const Tensor& vec, const std::vector<Tensor>& parameters);

}  // namespace ember::nn::utils
