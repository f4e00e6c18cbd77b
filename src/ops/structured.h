// Shape/dtype rules ("meta") of structured ops and the helpers their generated bodies use.
#pragma once
#include <functional>

#include "ember/gen/functions.h"

namespace ember::structured {

/// Result of a meta rule: output shape, output dtype, the dtype the kernel computes in, device.
struct MetaResult {
  DimVector shape;
  ScalarType out_dtype;
  ScalarType compute_dtype;
  Device device;
};

/// The MetaResult describing an already computed result r (out= of native ops).
inline MetaResult meta_of(const Tensor& r) { return MetaResult{DimVector(r.sizes()), r.dtype(), r.dtype(), r.device()}; }

/// Broadcasts two shapes numpy-style; throws naming op and both shapes when they don't match.
DimVector broadcast_shapes(const char* op, IntArrayRef a, IntArrayRef b);
/// PyTorch's result_type over tensors, treating 0-d tensors and wrapped numbers specially.
ScalarType result_type(const Tensor& a, const Tensor& b);

MetaResult meta_binary(const char* op, const Tensor& a, const Tensor& b);
/// binary, with a Python-number exponent checked against the result dtype as PyTorch converts it
/// ("value cannot be converted to type uint8_t without overflow"; negative for an integer result).
MetaResult meta_binary_pow(const char* op, const Tensor& self, const Tensor& exponent);
MetaResult meta_binary_nobool(const char* op, const Tensor& a, const Tensor& b);
MetaResult meta_binary_float(const char* op, const Tensor& a, const Tensor& b);
/// Comparisons (eq, lt, ...): broadcast shape, bool result, computed in the promoted dtype.
MetaResult meta_compare(const char* op, const Tensor& a, const Tensor& b);
MetaResult meta_unary(const char* op, const Tensor& a);
/// Predicates (isnan, ...): bool result, computed in the input's dtype.
MetaResult meta_unary_bool(const char* op, const Tensor& a);
/// clamp: self's shape; dtype from self promoted with the Scalar bounds (as Python numbers).
MetaResult meta_clamp(const char* op, const Tensor& self, const std::optional<Scalar>& min,
                      const std::optional<Scalar>& max);
MetaResult meta_unary_nobool(const char* op, const Tensor& a);
/// unary, except that bool inputs compute and return int64 (square of a bool tensor, as PyTorch).
MetaResult meta_unary_bool_long(const char* op, const Tensor& a);
/// binary, with both tensors required to have one dtype (lerp, as PyTorch).
MetaResult meta_binary_same_dtype(const char* op, const Tensor& a, const Tensor& b);
MetaResult meta_unary_float(const char* op, const Tensor& a);

/// Raises NotImplementedError when t is a meta tensor: the op's result shape depends on t's values,
/// which a meta tensor does not have (nonzero, masked_select, unique, ...).
void check_not_meta(const char* op, const Tensor& t);
/// Throws naming both devices unless all defined tensors are on one device; a 0-d CPU tensor joins
/// tensors on any device (a scalar, as in PyTorch). Returns that device.
Device common_device(const char* op, std::initializer_list<const Tensor*> tensors);

/// A fresh contiguous output for m.
Tensor alloc(const MetaResult& m);
/// t converted to m.compute_dtype (t itself when it already is).
Tensor cast(const Tensor& t, const MetaResult& m);
/// cast() without a copy of the handle on the common path: t itself when it has the compute dtype,
/// else the converted tensor, stored in holder (which must outlive the use).
inline const Tensor& cast_ref(const Tensor& t, const MetaResult& m, Tensor& holder) {
  if (t.dtype() == m.compute_dtype) return t;
  holder = cast(t, m);
  return holder;
}
/// Refuses an input that partly overlaps the memory an op writes (PyTorch's "unsupported operation").
void check_overlap(const char* op, const Tensor& out, std::initializer_list<const Tensor*> inputs);
/// Resizes an out= tensor to shape unless it has it (Note [out= resizing]; warns when it had elements).
void resize_out(const Tensor& out, IntArrayRef shape);
/// Runs `run` so that its result lands in out (an out= argument, or self for in-place ops): checks
/// castability (resizing out to the result's shape), computes through a temporary when out's dtype differs, bumps out's version.
void write_into(const char* op, const Tensor& out, const MetaResult& m, bool inplace,
                const std::function<void(const Tensor&)>& run);

}  // namespace ember::structured
