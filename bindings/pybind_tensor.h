// pybind11 type_caster for ember::Tensor: converts to and from ember.Tensor (the hand-written type)
// without pybind11's instance machinery, so pybind11-bound helpers take and return tensors cheaply.
#pragma once
#include <pybind11/pybind11.h>

#include "arg_parser.h"

namespace pybind11::detail {
template <>
struct type_caster<ember::Tensor> {
  PYBIND11_TYPE_CASTER(ember::Tensor, const_name("ember.Tensor"));
  bool load(handle src, bool) {
    if (src.is_none()) {
      value = ember::Tensor();
      return true;
    }
    if (!ember::py::is_tensor(src.ptr())) return false;
    value = ember::py::tensor_of(src.ptr());
    return true;
  }
  static handle cast(const ember::Tensor& t, return_value_policy, handle) {
    try {
      return ember::py::wrap(t);
    } catch (const ember::py::PythonError&) {
      throw error_already_set();
    }
  }
};
}  // namespace pybind11::detail
