// Comparison CPU kernels (eq, ne, lt, le, gt, ge): inputs in the promoted dtype, bool output.
#include "kernels/cpu/loops.h"
#include "kernels/cpu/register_util.h"

namespace ember::cpu {
namespace {

template <class T, class Cmp>
void compare_k(const Tensor& out, const Tensor& a, const Tensor& b, Cmp cmp) {
  binary_loop<T, bool>(out, a, b, cmp);
}

#define EMBER_COMPARE_KERNEL(name, expr)                                 \
  template <class T>                                                     \
  void name##_k(const Tensor& out, const Tensor& a, const Tensor& b) {   \
    using M = opmath_t<T>;                                               \
    compare_k<T>(out, a, b, [](M x, M y) -> bool { return expr; });     \
  }
EMBER_COMPARE_KERNEL(eq, x == y)
EMBER_COMPARE_KERNEL(ne, x != y)
EMBER_COMPARE_KERNEL(lt, x < y)
EMBER_COMPARE_KERNEL(le, x <= y)
EMBER_COMPARE_KERNEL(gt, x > y)
EMBER_COMPARE_KERNEL(ge, x >= y)
#undef EMBER_COMPARE_KERNEL

}  // namespace

void register_compare() {
  using dispatch::register_kernel;
  for_dtypes(kAllTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    register_kernel<OpId::eq>(kCPU, t, &eq_k<T>);
    register_kernel<OpId::ne>(kCPU, t, &ne_k<T>);
    register_kernel<OpId::lt>(kCPU, t, &lt_k<T>);
    register_kernel<OpId::le>(kCPU, t, &le_k<T>);
    register_kernel<OpId::gt>(kCPU, t, &gt_k<T>);
    register_kernel<OpId::ge>(kCPU, t, &ge_k<T>);
  });
}

}  // namespace ember::cpu
