// Batched matrix product on CPU: OpenBLAS sgemm/dgemm per batch for float32/float64 (transposed
// layouts passed as such, never copied), a plain loop with a wide accumulator for the other dtypes.
#include <cblas.h>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/register_util.h"

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

template <class T>
void gemm_blas(const Tensor& out, Tensor a, Tensor b) {
  int64_t nb = a.sizes()[0], n = a.sizes()[1], k = a.sizes()[2], m = b.sizes()[2];
  bool ta, tb;
  int64_t lda, ldb;
  if (!blas_layout(n, k, a.strides()[1], a.strides()[2], &ta, &lda)) {
    a = a.contiguous();
    EMBER_CHECK(blas_layout(n, k, a.strides()[1], a.strides()[2], &ta, &lda), "matmul: internal error: no "
                "BLAS layout for a contiguous operand of strides ", a.strides());
  }
  if (!blas_layout(k, m, b.strides()[1], b.strides()[2], &tb, &ldb)) {
    b = b.contiguous();
    EMBER_CHECK(blas_layout(k, m, b.strides()[1], b.strides()[2], &tb, &ldb), "matmul: internal error: no "
                "BLAS layout for a contiguous operand of strides ", b.strides());
  }
  const T* pa = a.data_ptr<T>();
  const T* pb = b.data_ptr<T>();
  T* po = out.data_ptr<T>();
  int64_t sa = a.strides()[0], sb = b.strides()[0];
  for (int64_t i = 0; i < nb; ++i) {
    if constexpr (std::is_same<T, float>::value)
      cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, n, m, k, 1.0f,
                  pa + i * sa, lda, pb + i * sb, ldb, 0.0f, po + i * n * m, std::max<int64_t>(1, m));
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
