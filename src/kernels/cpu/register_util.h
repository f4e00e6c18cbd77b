// Helpers for registering one kernel template for a group of dtypes.
#pragma once
#include <initializer_list>

#include "ember/dispatch/dispatch.h"

namespace ember::cpu {

inline constexpr std::initializer_list<ScalarType> kAllTypes = {kBool,    kUInt8,     kInt8,    kInt16,  kInt32,
                                                                kInt64,   kFloat16,   kBFloat16, kFloat32, kFloat64};
inline constexpr std::initializer_list<ScalarType> kNumericTypes = {kUInt8,   kInt8,     kInt16,   kInt32,  kInt64,
                                                                    kFloat16, kBFloat16, kFloat32, kFloat64};
inline constexpr std::initializer_list<ScalarType> kFloatTypes = {kFloat16, kBFloat16, kFloat32, kFloat64};

/// Calls f(dtype, TypeTag<T>{}) for each dtype in ts.
template <class F>
void for_dtypes(std::initializer_list<ScalarType> ts, const F& f) {
  for (ScalarType t : ts) visit_dtype(t, [&](auto tag) { f(t, tag); });
}

}  // namespace ember::cpu
