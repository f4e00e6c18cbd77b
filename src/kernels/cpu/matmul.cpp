// Batched matrix product on CPU: oneDNN sgemm (float32) and OpenBLAS dgemm (float64) per batch
// (transposed layouts passed as such, never copied), a plain loop with a wide accumulator for the
// other dtypes.
#include <cblas.h>
#include <dnnl.h>

#include <algorithm>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/register_util.h"
#include "kernels/cpu/tensor_util.h"

namespace ember::cpu {
namespace {

/// How BLAS can read a [rows, cols] matrix with strides (rs, cs), or false if it cannot.
bool blas_layout(int64_t rows, int64_t cols, int64_t rs, int64_t cs, bool* trans, int64_t* ld) {
  // The stride of a size-1 dim is never followed, so it may be anything (a[1::2, 1::2] of a 3x3 array
  // has shape 1x1 and strides 6, 2); normalize it, or such operands fail both layouts below even
  // after .contiguous() (which returns them unchanged: they count as contiguous).
  if (cols <= 1) cs = 1;
  if (rows <= 1) rs = std::max<int64_t>(1, cols);
  if (cs == 1 && rs >= std::max<int64_t>(1, cols)) {
    *trans = false;
    *ld = rs;
    return true;
  }
  if (rs == 1 && cs >= std::max<int64_t>(1, rows)) {
    *trans = true;
    *ld = cs;
    return true;
  }
  return false;
}

// Note [GEMM backends]: float32 GEMM is oneDNN's dnnl_sgemm (about twice OpenBLAS's sgemm on AVX-512
// machines, benchmarks/README.md); float64 stays on OpenBLAS. Debian's oneDNN is the OpenMP build: it
// runs on the same libgomp pool as ember's loops and sizes itself with omp_get_max_threads(), so
// set_num_threads governs it (Note [thread policy]); matmul is never called inside an ember
// parallel_for (called from a user's OpenMP region, dnnl_sgemm opens no nested region and runs on
// the calling thread). libgomp's pool does not survive fork(): a forked child whose dnnl_sgemm opens a
// parallel region waits forever in GOMP_parallel for the parent's worker threads, which do not exist
// in the child (tests_py/test_threads.py, tests_cpp/util/test_threads.cpp). In a forked child the
// float32 GEMM therefore goes to OpenBLAS, whose pthread pool is rebuilt after fork by its own
// atfork handler, as ember's OpenMP loops go serial there.

/// C[n, m] = op(A)[n, k] * op(B)[k, m], row-major, alpha = 1, beta = 0: C is overwritten, never read
/// (NaNs left in a reused block must not leak), also when k == 0.
void sgemm(bool ta, bool tb, int64_t n, int64_t m, int64_t k, const float* a, int64_t lda, const float* b,
           int64_t ldb, float* c, int64_t ldc) {
  if (g_in_forked_child.load(std::memory_order_relaxed)) {
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, n, m, k, 1.0f, a,
                lda, b, ldb, 0.0f, c, ldc);
    return;
  }
  if (k == 0) {  // BLAS writes beta * C = 0; dnnl_sgemm 2.6 returns success and leaves C untouched
    for (int64_t i = 0; i < n; ++i) std::fill(c + i * ldc, c + i * ldc + m, 0.0f);
    return;
  }
  dnnl_status_t st = dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', n, m, k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
  EMBER_CHECK(st == dnnl_success, "matmul: dnnl_sgemm failed (status ", static_cast<int>(st), ") for n=", n,
              " m=", m, " k=", k, " lda=", lda, " ldb=", ldb, " ldc=", ldc);
}

template <class T>
void gemm_blas(const Tensor& out, Tensor a, Tensor b) {
  int64_t nb = a.sizes()[0], n = a.sizes()[1], k = a.sizes()[2], m = b.sizes()[2];
  if (out.numel() == 0) return;
  if (k == 0) {  // an empty contraction: zeros, whatever the (meaningless) strides of the empty operands
    fill(out, 0);
    return;
  }
  bool ta, tb;
  int64_t lda, ldb;
  if (!blas_layout(n, k, a.strides()[1], a.strides()[2], &ta, &lda)) {
    a = contiguous_copy(a);
    EMBER_CHECK(blas_layout(n, k, a.strides()[1], a.strides()[2], &ta, &lda), "matmul: internal error: no "
                "BLAS layout for a contiguous operand of strides ", a.strides());
  }
  if (!blas_layout(k, m, b.strides()[1], b.strides()[2], &tb, &ldb)) {
    b = contiguous_copy(b);
    EMBER_CHECK(blas_layout(k, m, b.strides()[1], b.strides()[2], &tb, &ldb), "matmul: internal error: no "
                "BLAS layout for a contiguous operand of strides ", b.strides());
  }
  const T* pa = a.data_ptr<T>();
  const T* pb = b.data_ptr<T>();
  T* po = out.data_ptr<T>();
  int64_t sa = a.strides()[0], sb = b.strides()[0];
  for (int64_t i = 0; i < nb; ++i) {
    if constexpr (std::is_same<T, float>::value)
      sgemm(ta, tb, n, m, k, pa + i * sa, lda, pb + i * sb, ldb, po + i * n * m, std::max<int64_t>(1, m));
    else
      cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, n, m, k, 1.0,
                  pa + i * sa, lda, pb + i * sb, ldb, 0.0, po + i * n * m, std::max<int64_t>(1, m));
  }
}

template <class T>
void gemm_naive(const Tensor& out, const Tensor& a, const Tensor& b) {
  using M = std::conditional_t<std::is_floating_point<opmath_t<T>>::value, opmath_t<T>, int64_t>;
  int64_t nb = a.sizes()[0], n = a.sizes()[1], k = a.sizes()[2], m = b.sizes()[2];
  const T* pa = static_cast<const T*>(a.data_ptr());
  const T* pb = static_cast<const T*>(b.data_ptr());
  T* po = out.data_ptr<T>();
  auto as = a.strides(), bs = b.strides();
  std::vector<M> row(m);
  for (int64_t bi = 0; bi < nb; ++bi)
    for (int64_t i = 0; i < n; ++i) {
      std::fill(row.begin(), row.end(), M(0));
      for (int64_t p = 0; p < k; ++p) {
        M av = static_cast<M>(static_cast<opmath_t<T>>(pa[bi * as[0] + i * as[1] + p * as[2]]));
        const T* brow = pb + bi * bs[0] + p * bs[1];
        for (int64_t j = 0; j < m; ++j) row[j] += av * static_cast<M>(static_cast<opmath_t<T>>(brow[j * bs[2]]));
      }
      for (int64_t j = 0; j < m; ++j) {
        if constexpr (std::is_same<T, bool>::value) po[(bi * n + i) * m + j] = row[j] != 0;
        else po[(bi * n + i) * m + j] = static_cast<T>(row[j]);
      }
    }
}

template <class T>
void matmul_k(const Tensor& out, const Tensor& a, const Tensor& b) {
  if (out.numel() == 0) return;
  if constexpr (std::is_same<T, float>::value || std::is_same<T, double>::value) gemm_blas<T>(out, a, b);
  else gemm_naive<T>(out, a, b);
}

}  // namespace

void register_matmul() {
  for_dtypes(kAllTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    dispatch::register_kernel<OpId::matmul>(kCPU, t, &matmul_k<T>);
  });
}

}  // namespace ember::cpu
