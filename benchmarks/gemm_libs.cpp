// sgemm throughput of one BLAS library (chosen at compile time), for the GEMM library choice of
// Foundation III. Built and run by benchmarks/gemm_libs.sh: OpenBLAS and BLIS through CBLAS, oneDNN
// through dnnl_sgemm. Prints "n GFLOP/s" (median of 7) for n = 128, 512, 1024, 2048.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>
#if defined(USE_DNNL)
#include <dnnl.h>
#else
#include <cblas.h>
#endif

static void sgemm(int n, const float* a, const float* b, float* c) {
#if defined(USE_DNNL)
  dnnl_sgemm('N', 'N', n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
#else
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
#endif
}

int main() {
  for (int n : {128, 512, 1024, 2048}) {
    std::vector<float> a(size_t(n) * n, 1.0f), b(size_t(n) * n, 0.5f), c(size_t(n) * n);
    long long flops = 2LL * n * n * n;
    int reps = static_cast<int>(std::max(1LL, 4000000000LL / flops));  // ~20 ms per repeat
    sgemm(n, a.data(), b.data(), c.data());
    std::vector<double> t;
    for (int r = 0; r < 7; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < reps; ++i) sgemm(n, a.data(), b.data(), c.data());
      t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / reps);
    }
    std::sort(t.begin(), t.end());
    std::printf("%d %.1f\n", n, 2.0 * n * n * n / t[3] / 1e9);
  }
  return 0;
}
