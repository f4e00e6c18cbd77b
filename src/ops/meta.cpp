// Shape and dtype rules of structured ops (Note [wrapped numbers] below).
#include <cstring>

#include "ember/dispatch/dispatch.h"
#include "ops/structured.h"
#include "ember/util/warning.h"

namespace ember::structured {

DimVector broadcast_shapes(const char* op, IntArrayRef a, IntArrayRef b) {
  size_t n = std::max(a.size(), b.size());
  DimVector out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t x = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t y = i < n - b.size() ? 1 : b[i - (n - b.size())];
    EMBER_CHECK(x == y || x == 1 || y == 1, op, ": the size of tensor a (", x,
                ") must match the size of tensor b (", y, ") at non-singleton dimension ", i,
                " (shapes ", a, " and ", b, ")");
    out[i] = x == 1 ? y : x;
  }
  return out;
}

// Note [wrapped numbers]: PyTorch promotes in three tiers. Tensors with dims decide the result;
// 0-d tensors and Python numbers ("wrapped numbers") may only raise its category (bool < integer <
// floating), never its width. A wrapped float counts as the default dtype.
namespace {
enum Tier { kDim, kZero, kWrapped };
ScalarType combine(ScalarType higher, ScalarType lower) {
  if (higher == ScalarType::Undefined) return lower;
  if (lower == ScalarType::Undefined) return higher;
  if (is_floating_point(higher)) return higher;
  if (higher == kBool || is_floating_point(lower)) return promote_types(higher, lower);
  return higher;
}
void update(ScalarType (&st)[3], const Tensor& t) {
  const TensorImpl* i = t.unsafeGetTensorImpl();
  ScalarType dt = i->dtype();
  Tier tier = kDim;
  if (i->is_wrapped_number()) {
    tier = kWrapped;
    if (is_floating_point(dt)) dt = get_default_dtype();
  } else if (i->dim() == 0) {
    tier = kZero;
  }
  st[tier] = st[tier] == ScalarType::Undefined ? dt : promote_types(st[tier], dt);
}
}  // namespace

ScalarType result_type(const Tensor& a, const Tensor& b) {
  ScalarType st[3] = {ScalarType::Undefined, ScalarType::Undefined, ScalarType::Undefined};
  update(st, a);
  update(st, b);
  return combine(st[kDim], combine(st[kZero], st[kWrapped]));
}

static Device common_device(const char* op, const Tensor& a, const Tensor& b) {
  Device da = a.device(), db = b.device();
  if (da == db) return da;
  // A CPU 0-d tensor (or Python number) may join a tensor on another device, as in PyTorch.
  if (da.is_cpu() && a.dim() == 0) return db;
  if (db.is_cpu() && b.dim() == 0) return da;
  throw Error(detail::str(op, ": expected all tensors to be on the same device, but found at least two "
                              "devices, ", da, " and ", db, "!"));
}

static void check_defined(const char* op, const Tensor& t) {
  EMBER_CHECK(t.defined(), op, ": expected a defined tensor but got an undefined one");
}

MetaResult meta_binary(const char* op, const Tensor& a, const Tensor& b) {
  check_defined(op, a);
  check_defined(op, b);
  ScalarType rt = structured::result_type(a, b);
  Device dev = common_device(op, a, b);
  if (a.sizes().equals(b.sizes())) return {DimVector(a.sizes()), rt, rt, dev};
  return {broadcast_shapes(op, a.sizes(), b.sizes()), rt, rt, dev};
}

MetaResult meta_binary_pow(const char* op, const Tensor& self, const Tensor& exponent) {
  MetaResult m = meta_binary(op, self, exponent);
  // A tensor exponent is not checked (negative integer powers give 0, or +-1 for a base of +-1).
  if (exponent.defined() && exponent.unsafeGetTensorImpl()->is_wrapped_number() && !exponent.is_meta()) {
    Scalar e = exponent.item();
    check_scalar_in_range(e, m.out_dtype);
    EMBER_CHECK(is_floating_point(m.out_dtype) || e.to<double>() >= 0,
                "Integers to negative integer powers are not allowed.");
  }
  return m;
}

MetaResult meta_binary_nobool(const char* op, const Tensor& a, const Tensor& b) {
  MetaResult m = meta_binary(op, a, b);
  // RuntimeError, as in PyTorch (the dtype is fine as a type; the operation is what's refused).
  EMBER_CHECK(!(a.dtype() == kBool && b.dtype() == kBool), op,
                   ": subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` "
                   "or `logical_xor()` operator instead.");
  EMBER_CHECK(a.dtype() != kBool && b.dtype() != kBool, op,
                   ": subtraction, the `-` operator, with a bool tensor is not supported. If you are "
                   "trying to invert a mask, use the `~` or `logical_not()` operator instead.");
  return m;
}

MetaResult meta_binary_float(const char* op, const Tensor& a, const Tensor& b) {
  MetaResult m = meta_binary(op, a, b);
  if (!is_floating_point(m.out_dtype)) m.out_dtype = m.compute_dtype = get_default_dtype();
  return m;
}

MetaResult meta_compare(const char* op, const Tensor& a, const Tensor& b) {
  MetaResult m = meta_binary(op, a, b);  // the kernel compares in the promoted dtype
  m.out_dtype = kBool;
  return m;
}

MetaResult meta_unary_bool(const char* op, const Tensor& a) {
  check_defined(op, a);
  return {DimVector(a.sizes()), kBool, a.dtype(), a.device()};
}

MetaResult meta_clamp(const char* op, const Tensor& self, const std::optional<Scalar>& min,
                      const std::optional<Scalar>& max) {
  check_defined(op, self);
  EMBER_CHECK(min || max, "torch.clamp: At least one of 'min' or 'max' must not be None");
  // The bounds promote like Python numbers (category only); pairwise results combine exactly here.
  ScalarType rt = self.dtype();
  if (min) rt = structured::result_type(self, scalar_to_tensor(*min));
  if (max) rt = promote_types(rt, structured::result_type(self, scalar_to_tensor(*max)));
  MetaResult m{DimVector(self.sizes()), rt, rt, self.device()};
  // A bound must fit the dtype (PyTorch: "value cannot be converted to type uint8_t without overflow").
  if (min) check_scalar_in_range(*min, rt);
  if (max) check_scalar_in_range(*max, rt);
  return m;
}

MetaResult meta_unary(const char* op, const Tensor& a) {
  check_defined(op, a);
  return {DimVector(a.sizes()), a.dtype(), a.dtype(), a.device()};
}

MetaResult meta_unary_bool_long(const char* op, const Tensor& a) {
  MetaResult m = meta_unary(op, a);
  if (a.dtype() == kBool) m.out_dtype = m.compute_dtype = kInt64;
  return m;
}

MetaResult meta_binary_same_dtype(const char* op, const Tensor& a, const Tensor& b) {
  check_defined(op, a);
  check_defined(op, b);
  EMBER_CHECK(b.unsafeGetTensorImpl()->is_wrapped_number() || a.dtype() == b.dtype(), op, ": expected dtype ",
              dtype_name(a.dtype()), " for `end` but got dtype ", dtype_name(b.dtype()));
  return meta_binary(op, a, b);
}

MetaResult meta_unary_nobool(const char* op, const Tensor& a) {
  check_defined(op, a);
  if (std::strcmp(op, "neg") == 0 || std::strcmp(op, "neg_") == 0)
    EMBER_CHECK(a.dtype() != kBool, "Negation, the `-` operator, on a bool tensor is not supported. If you are "
                "trying to invert a mask, use the `~` or `logical_not()` operator instead.");
  EMBER_CHECK(a.dtype() != kBool, op, ": not supported for bool tensors (got a tensor of dtype Bool"
                   " and shape ", a.sizes(), ")");
  return meta_unary(op, a);
}

MetaResult meta_unary_float(const char* op, const Tensor& a) {
  MetaResult m = meta_unary(op, a);
  if (!is_floating_point(m.out_dtype)) m.out_dtype = m.compute_dtype = get_default_dtype();
  return m;
}

void check_not_meta(const char* op, const Tensor& t) {
  EMBER_CHECK_AS(NotImplementedError, !t.defined() || !t.is_meta(), op, ": the shape of the result depends on the "
                 "values of the input (shape ", t.sizes(), ", dtype ", t.dtype(), "), which a tensor on the meta "
                 "device does not have");
}

Device common_device(const char* op, std::initializer_list<const Tensor*> tensors) {
  const Tensor* first = nullptr;
  for (const Tensor* t : tensors) {
    if (!t->defined() || (t->is_cpu() && t->dim() == 0)) continue;
    if (!first) first = t;
    else if (t->device() != first->device())
      throw Error(detail::str(op, ": expected all tensors to be on the same device, but found at least two devices, ",
                              first->device(), " and ", t->device(), "!"));
  }
  if (first) return first->device();
  for (const Tensor* t : tensors)
    if (t->defined()) return t->device();
  return Device(kCPU);
}

Tensor alloc(const MetaResult& m) { return empty(m.shape, TensorOptions(m.out_dtype).device(m.device)); }

Tensor cast(const Tensor& t, const MetaResult& m) {
  // A Python number out of the dtype's range wraps around (uint8 + (-1), int8 == 1000), as in
  // PyTorch (Note [scalar range]).
  if (t.dtype() == m.compute_dtype) return t;
  if (t.unsafeGetTensorImpl()->is_wrapped_number()) {
    // Python numbers on every op: convert the value directly, not through to()/copy_.
    Tensor out = empty({}, TensorOptions(m.compute_dtype));
    Scalar v = t.item();
    visit_dtype(m.compute_dtype, [&](auto tag) {
      using T = typename decltype(tag)::type;
      *static_cast<T*>(out.data_ptr()) = v.to<T>();
    });
    out.unsafeGetTensorImpl()->set_wrapped_number(true);
    return out;
  }
  return t.to(std::nullopt, m.compute_dtype);
}

void check_overlap(const char* op, const Tensor& out, std::initializer_list<const Tensor*> inputs) {
  if (out.numel() == 0 || out.is_meta()) return;  // meta tensors have no memory to overlap
  auto range = [](const Tensor& t, const char** lo, const char** hi) {
    const char* base = static_cast<const char*>(t.data_ptr());
    int64_t es = static_cast<int64_t>(t.element_size()), a = 0, b = 0;
    for (int64_t d = 0; d < t.dim(); ++d) {
      int64_t span = (t.sizes()[d] - 1) * t.strides()[d] * es;
      (span < 0 ? a : b) += span;
    }
    *lo = base + a;
    *hi = base + b + es;
  };
  for (const Tensor* t : inputs) {
    if (!t->defined() || t->numel() == 0 || t->impl()->storage() != out.impl()->storage()) continue;
    if (t->data_ptr() == out.data_ptr() && t->sizes().equals(out.sizes()) && t->strides().equals(out.strides()))
      continue;  // the same elements: elementwise ops read each before writing it
    const char *a0, *a1, *b0, *b1;
    range(*t, &a0, &a1);
    range(out, &b0, &b1);
    EMBER_CHECK(a1 <= b0 || b1 <= a0, op, ": unsupported operation: some elements of the input tensor and the "
                "written-to tensor refer to a single memory location. Please clone() the tensor before performing "
                "the operation.");
  }
}

/// Ops whose out= must have exactly the result's dtype, as in PyTorch (which computes them in the
/// output's dtype rather than casting): the sign/rounding family, neg, abs, clamp, nan_to_num, bitwise_not.
static bool needs_exact_out_dtype(const char* op) {
  static const char* const kExact[] = {"neg", "abs", "floor", "ceil", "round", "trunc", "sign",
                                       "clamp", "nan_to_num", "bitwise_not"};
  for (const char* e : kExact)
    if (std::strcmp(op, e) == 0) return true;
  return false;
}

void resize_out(const Tensor& out, IntArrayRef shape) {
  // Note [out= resizing]: as PyTorch, an out= tensor of another shape is resized (contiguous strides,
  // storage grown when too small); one that had elements gets a warning first (deprecated there).
  if (out.sizes().equals(shape)) return;
  if (out.numel() != 0)
    warn(detail::str("An output with one or more elements was resized since it had shape ", out.sizes(),
                     ", which does not match the required output shape ", DimVector(shape),
                     ". This behavior is deprecated, and in a future PyTorch release outputs will not be resized "
                     "unless they have zero elements. You can explicitly reuse an out tensor t by resizing it, "
                     "inplace, to zero elements with t.resize_(0)."));
  out.unsafeGetTensorImpl()->resize(shape);
}

void write_into(const char* op, const Tensor& out, const MetaResult& m, bool inplace,
                const std::function<void(const Tensor&)>& run) {
  check_defined(op, out);
  if (out.unsafeGetTensorImpl()->is_inference()) out.unsafeGetTensorImpl()->check_inference_write();  // before writing
  // A stride-0 dim of size > 1 (an expand()ed tensor) would have several results written to one
  // element, and in place a result would read an element already overwritten: refuse, as PyTorch does.
  for (int64_t d = 0; d < out.dim(); ++d)
    EMBER_CHECK(out.strides()[d] != 0 || out.sizes()[d] <= 1, op, ": unsupported operation: more than one "
                "element of the written-to tensor refers to a single memory location. Please clone() the tensor "
                "before performing the operation. (shape ", out.sizes(), ", strides ", out.strides(), ")");
  if (!out.sizes().equals(m.shape)) {
    if (inplace)
      throw Error(detail::str(op, ": output with shape ", out.sizes(),
                              " doesn't match the broadcast shape ", m.shape));
    resize_out(out, m.shape);
  }
  if (!inplace && out.dtype() != m.out_dtype && needs_exact_out_dtype(op)) {
    if (std::strcmp(op, "nan_to_num") == 0)
      throw Error(detail::str("nan_to_num: dtype of out: ", scalar_type_name(out.dtype()), " should be same as input: ",
                              scalar_type_name(m.out_dtype)));
    throw Error(detail::str(op, ": Found dtype ", scalar_type_name(out.dtype()), " but expected ",
                            scalar_type_name(m.out_dtype)));
  }
  EMBER_CHECK(can_cast(m.out_dtype, out.dtype()), op, ": result type ", m.out_dtype,
              " can't be cast to the desired output type ", out.dtype());
  EMBER_CHECK(out.device() == m.device, op, ": out= tensor is on ", out.device(), " but the result is on ",
              m.device);
  if (out.dtype() == m.out_dtype) {
    run(out);
  } else {
    Tensor tmp = alloc(m);
    run(tmp);
    out.copy_(tmp);
    return;  // copy_ bumped the version
  }
  out.unsafeGetTensorImpl()->bump_version();
}

}  // namespace ember::structured

namespace ember {
ScalarType result_type(const Tensor& a, const Tensor& b) { return structured::result_type(a, b); }
}  // namespace ember
