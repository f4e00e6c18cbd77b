// The machine's read ceiling for S4/S4d/S4m: a max-reduction over 64 MiB of float32 (the size of
// S4m's 4096 x 4096 input) with 1 and N OpenMP threads, AVX2 loads, 4 accumulators, nothing else.
// No reduction that reads all of its input can run faster than this. Prints best and median of 30,
// for the buffer first touched by one thread (as numpy fills it: bench.py's inputs come from numpy
// through from_numpy) and by all threads (each thread touching the half it reads later).
#include <immintrin.h>
#include <omp.h>
#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

static void measure(const float* a, size_t n, const char* placement) {
  int max_threads = omp_get_max_threads();
  for (int threads = 1; threads <= max_threads; threads = threads == max_threads ? threads + 1 : max_threads) {
    std::vector<double> gbs;
    float sink = 0;
    for (int rep = 0; rep < 30; ++rep) {
      auto t0 = std::chrono::steady_clock::now();
      float total = 0;
#pragma omp parallel num_threads(threads) reduction(+ : total)
      {
        int t = omp_get_thread_num(), T = omp_get_num_threads();
        size_t lo = n * t / T / 32 * 32, hi = t == T - 1 ? n : n * (t + 1) / T / 32 * 32;
        __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
        for (size_t i = lo; i < hi; i += 32) {
          s0 = _mm256_max_ps(s0, _mm256_load_ps(a + i));
          s1 = _mm256_max_ps(s1, _mm256_load_ps(a + i + 8));
          s2 = _mm256_max_ps(s2, _mm256_load_ps(a + i + 16));
          s3 = _mm256_max_ps(s3, _mm256_load_ps(a + i + 24));
        }
        alignas(32) float lanes[8];
        _mm256_store_ps(lanes, _mm256_max_ps(_mm256_max_ps(s0, s1), _mm256_max_ps(s2, s3)));
        for (float v : lanes) total += v;
      }
      sink += total;
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      gbs.push_back(double(n) * sizeof(float) / s / 1e9);
    }
    std::sort(gbs.begin(), gbs.end());
    std::printf("%-22s threads=%d  read GB/s: best %.1f  median %.1f  (checksum %g)\n", placement, threads,
                gbs.back(), gbs[gbs.size() / 2], double(sink));
  }
}

int main() {
  const size_t n = size_t(4096) * 4096;
  for (int parallel_touch = 0; parallel_touch < 2; ++parallel_touch) {
    auto* a = static_cast<float*>(std::aligned_alloc(size_t(2) << 20, n * sizeof(float)));
    madvise(a, n * sizeof(float), MADV_HUGEPAGE);
    if (parallel_touch) {
#pragma omp parallel for schedule(static)
      for (size_t i = 0; i < n; ++i) a[i] = static_cast<float>(i % 1000);
    } else {
      for (size_t i = 0; i < n; ++i) a[i] = static_cast<float>(i % 1000);
    }
    measure(a, n, parallel_touch ? "touched by all threads" : "touched by one thread");
    std::free(a);
  }
}
