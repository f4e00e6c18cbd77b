// Note [thread policy]: OpenMP runs ember's own loops and, through oneDNN's OpenMP build, float32
// GEMM (dnnl_sgemm sizes itself with omp_get_max_threads()); OpenBLAS (pthread build) runs float64
// GEMM with a pool of its own. All are sized by set_num_threads, and GEMM is only called from outside
// OpenMP regions, so the pools never multiply. After fork() the child runs OpenMP loops on one
// thread and float32 GEMM on OpenBLAS (Note [GEMM backends] in kernels/cpu/matmul.cpp): libgomp's
// pool does not survive fork (a child that opens a parallel region waits forever for the parent's
// workers), as PyTorch also avoids.
#include "ember/util/threads.h"

#include <pthread.h>

#include <atomic>

#include "ember/util/error.h"
#include "util/fork.h"
#ifdef _OPENMP
#include <omp.h>
#endif

extern "C" void openblas_set_num_threads(int);

namespace ember {

std::atomic<bool> g_in_forked_child{false};

namespace {
void after_fork_in_child() { g_in_forked_child.store(true); }
const bool g_atfork = [] {
  pthread_atfork(nullptr, nullptr, &after_fork_in_child);
  return true;
}();
}  // namespace

void set_num_threads(int n) {
  EMBER_CHECK_VALUE(n >= 1, "set_num_threads expects a positive integer, got ", n);
#ifdef _OPENMP
  omp_set_num_threads(n);
#endif
  openblas_set_num_threads(n);
}

int get_num_threads() {
  if (g_in_forked_child.load()) return 1;
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

}  // namespace ember
