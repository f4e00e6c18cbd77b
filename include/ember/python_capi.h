// The C API table that ember._C publishes in the capsule `ember._C._C_API` (see ember/python.h, which
// wraps it in a pybind11 type caster). Plain C types and ember::Tensor pointers: every module of a
// process shares the one libember, so a Tensor crosses module boundaries as itself.
#pragma once
#include <Python.h>

#include <cstdint>

#include "ember/core/tensor.h"

namespace ember::python {

/// The table behind the capsule; a version bump adds fields at the end only.
struct CApi {
  uint32_t version;                               // 1
  PyTypeObject* tensor_type;                      // ember.Tensor
  int (*is_tensor)(PyObject* obj);                // 1 when obj is an ember.Tensor (or a subclass)
  const Tensor* (*unwrap)(PyObject* obj);         // the tensor inside obj (borrowed); obj must be a tensor
  PyObject* (*wrap)(const Tensor* t);             // a new reference; nullptr with a Python error set
};

inline constexpr const char* kCapsuleName = "ember._C._C_API";

}  // namespace ember::python
