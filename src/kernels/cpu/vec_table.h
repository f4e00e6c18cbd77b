// Builds one instruction set's Table (vec_math.h) from its float and double traits: the functors'
// vector loops, softmax and the max/min row loops. Included by the ISA translation units only.
#pragma once
#include "kernels/common/unary_ops.h"
#include "kernels/cpu/vec_loops.h"
#include "kernels/cpu/vec_math.h"
#include "kernels/cpu/vec_reduce.h"
#include "kernels/cpu/vec_sleef.h"

namespace ember::cpu::vec {

template <class WF, class WD>
constexpr Table make_table(const char* isa, HalfToFloat h2f, FloatToHalf f2h) {
  using F = SleefFixed<WF>;
  using D = SleefFixed<WD>;
  return Table{
      isa,
#define EMBER_VEC_LOOP(name, Functor) &vloops::unary<F, Functor>,
      {EMBER_UNARY_FUNCTORS(EMBER_VEC_LOOP)},
#undef EMBER_VEC_LOOP
#define EMBER_VEC_LOOP(name, Functor) &vloops::unary<D, Functor>,
      {EMBER_UNARY_FUNCTORS(EMBER_VEC_LOOP)},
#undef EMBER_VEC_LOOP
      &vloops::softmax<F, math::Exp, math::Log>,
      &vloops::softmax<D, math::Exp, math::Log>,
      h2f,
      f2h,
      &vreduce::row_extreme<WF, true>,
      &vreduce::row_extreme<WF, false>,
      &vreduce::row_extreme<WD, true>,
      &vreduce::row_extreme<WD, false>,
      &vreduce::row_select<WF, true>,
      &vreduce::row_select<WF, false>,
      &vreduce::row_select<WD, true>,
      &vreduce::row_select<WD, false>,
      32 * WF::kL,
      32 * WD::kL,
  };
}

}  // namespace ember::cpu::vec
