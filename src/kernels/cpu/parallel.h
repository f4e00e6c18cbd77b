// Intra-op parallelism: OpenMP over [0, n) in chunks of at least `grain`, never nested.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>

#include "ember/dispatch/thread_local_state.h"
#include "util/fork.h"
#ifdef _OPENMP
#include <omp.h>
#endif

namespace ember {


/// Elements below which a loop stays on the calling thread.
constexpr int64_t kGrainSize = 32768;

/// Calls f(begin, end) over disjoint chunks covering [0, n), in parallel when n is large.
template <class F>
void parallel_for(int64_t n, int64_t grain, const F& f) {
  if (n <= 0) return;
#ifdef _OPENMP
  if (n > grain && !omp_in_parallel() && omp_get_max_threads() > 1 && !g_in_forked_child.load(std::memory_order_relaxed)) {
    int64_t nthreads = std::min<int64_t>(omp_get_max_threads(), (n + grain - 1) / grain);
    // Note [thread-local state]: the workers run under the caller's state; the guard is a no-op when
    // they match.
    ThreadLocalState state;
#pragma omp parallel num_threads(static_cast<int>(nthreads))
    {
      ThreadLocalStateGuard guard(state);
      int64_t tid = omp_get_thread_num(), nt = omp_get_num_threads();
      int64_t chunk = (n + nt - 1) / nt;
      int64_t b = tid * chunk, e = std::min(n, b + chunk);
      if (b < e) f(b, e);
    }
    return;
  }
#endif
  f(int64_t(0), n);
}

}  // namespace ember
