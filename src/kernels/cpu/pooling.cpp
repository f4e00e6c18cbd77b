// Pooling kernels on CPU over contiguous (planes, H, W) views (src/ops/pooling.cpp): one plane per
// parallel task, windows as PyTorch's CPU kernels bound them (max pooling takes a NaN as the maximum;
// average pooling divides by the window clipped to input + padding, or by the valid count).
#include <cmath>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/register_util.h"
#include "kernels/cpu/tensor_util.h"

namespace ember::cpu {
namespace {

int64_t grain_for(int64_t per_plane) { return std::max<int64_t>(1, kGrainSize / std::max<int64_t>(per_plane, 1)); }

template <class T>
void max_pool_k(const Tensor& out, const Tensor& idx, const Tensor& self, IntArrayRef k, IntArrayRef s,
                IntArrayRef p, IntArrayRef d, bool) {
  using M = opmath_t<T>;
  const int64_t planes = self.sizes()[0], h = self.sizes()[1], w = self.sizes()[2];
  const int64_t oh = out.sizes()[1], ow = out.sizes()[2];
  if (out.numel() == 0) return;
  const T* x = self.data_ptr<T>();
  T* o = out.data_ptr<T>();
  int64_t* ix = idx.data_ptr<int64_t>();
  parallel_for(planes, grain_for(h * w), [&](int64_t lo, int64_t hi) {
    for (int64_t pl = lo; pl < hi; ++pl) {
      const T* xp = x + pl * h * w;
      for (int64_t i = 0; i < oh; ++i) {
        int64_t hs = i * s[0] - p[0], he = std::min(hs + (k[0] - 1) * d[0] + 1, h);
        while (hs < 0) hs += d[0];
        for (int64_t j = 0; j < ow; ++j) {
          int64_t ws = j * s[1] - p[1], we = std::min(ws + (k[1] - 1) * d[1] + 1, w);
          while (ws < 0) ws += d[1];
          int64_t best = hs * w + ws;
          M bv = -std::numeric_limits<M>::infinity();
          if constexpr (!std::is_floating_point<M>::value) bv = std::numeric_limits<M>::lowest();
          for (int64_t a = hs; a < he; a += d[0])
            for (int64_t b = ws; b < we; b += d[1]) {
              M v = static_cast<M>(xp[a * w + b]);
              bool nan = false;
              if constexpr (std::is_floating_point<M>::value) nan = std::isnan(v);
              if (v > bv || nan) {
                bv = v;
                best = a * w + b;
                if (nan) goto done;
              }
            }
        done:
          o[(pl * oh + i) * ow + j] = static_cast<T>(bv);
          ix[(pl * oh + i) * ow + j] = best;
        }
      }
    }
  });
}

template <class T>
void max_pool_backward_k(const Tensor& gi, const Tensor& go, const Tensor&, IntArrayRef, IntArrayRef, IntArrayRef,
                         IntArrayRef, bool, const Tensor& idx) {
  using M = opmath_t<T>;
  fill(gi, 0);
  const int64_t planes = gi.sizes()[0], hw = gi.sizes()[1] * gi.sizes()[2], ohw = go.sizes()[1] * go.sizes()[2];
  if (gi.numel() == 0 || go.numel() == 0) return;
  const int64_t* ix = idx.data_ptr<int64_t>();
  for (int64_t i = 0; i < planes * ohw; ++i)
    EMBER_CHECK_INDEX(ix[i] >= 0 && ix[i] < hw, "max_pool2d_with_indices_backward: index ", ix[i],
                      " is out of bounds for a plane of ", hw, " elements");
  const T* g = go.data_ptr<T>();
  T* o = gi.data_ptr<T>();
  parallel_for(planes, grain_for(ohw), [&](int64_t lo, int64_t hi) {
    for (int64_t pl = lo; pl < hi; ++pl)
      for (int64_t i = 0; i < ohw; ++i) {
        T& dst = o[pl * hw + ix[pl * ohw + i]];
        dst = static_cast<T>(static_cast<M>(dst) + static_cast<M>(g[pl * ohw + i]));
      }
  });
}

/// The window of output (i, j) and its divisor, as PyTorch's avg_pool2d.
struct AvgWindow {
  int64_t hs, he, ws, we, div;
};

AvgWindow avg_window(int64_t i, int64_t j, int64_t h, int64_t w, IntArrayRef k, IntArrayRef s, IntArrayRef p,
                     bool count_include_pad, std::optional<int64_t> divisor) {
  int64_t hs = i * s[0] - p[0], ws = j * s[1] - p[1];
  int64_t he = std::min(hs + k[0], h + p[0]), we = std::min(ws + k[1], w + p[1]);
  int64_t pool = (he - hs) * (we - ws);
  hs = std::max<int64_t>(hs, 0);
  ws = std::max<int64_t>(ws, 0);
  he = std::min(he, h);
  we = std::min(we, w);
  int64_t div = divisor ? *divisor : count_include_pad ? pool : (he - hs) * (we - ws);
  return {hs, he, ws, we, div};
}

template <class T>
void avg_pool_k(const Tensor& out, const Tensor& self, IntArrayRef k, IntArrayRef s, IntArrayRef p, bool,
                bool count_include_pad, std::optional<int64_t> divisor) {
  using M = opmath_t<T>;
  const int64_t planes = self.sizes()[0], h = self.sizes()[1], w = self.sizes()[2];
  const int64_t oh = out.sizes()[1], ow = out.sizes()[2];
  if (out.numel() == 0) return;
  const T* x = self.data_ptr<T>();
  T* o = out.data_ptr<T>();
  parallel_for(planes, grain_for(h * w), [&](int64_t lo, int64_t hi) {
    for (int64_t pl = lo; pl < hi; ++pl)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          AvgWindow win = avg_window(i, j, h, w, k, s, p, count_include_pad, divisor);
          M acc = 0;
          for (int64_t a = win.hs; a < win.he; ++a)
            for (int64_t b = win.ws; b < win.we; ++b) acc += static_cast<M>(x[(pl * h + a) * w + b]);
          o[(pl * oh + i) * ow + j] = static_cast<T>(acc / static_cast<M>(win.div));
        }
  });
}

template <class T>
void avg_pool_backward_k(const Tensor& gi, const Tensor& go, const Tensor&, IntArrayRef k, IntArrayRef s,
                         IntArrayRef p, bool, bool count_include_pad, std::optional<int64_t> divisor) {
  using M = opmath_t<T>;
  fill(gi, 0);
  const int64_t planes = gi.sizes()[0], h = gi.sizes()[1], w = gi.sizes()[2];
  const int64_t oh = go.sizes()[1], ow = go.sizes()[2];
  if (gi.numel() == 0 || go.numel() == 0) return;
  const T* g = go.data_ptr<T>();
  T* o = gi.data_ptr<T>();
  parallel_for(planes, grain_for(h * w), [&](int64_t lo, int64_t hi) {
    for (int64_t pl = lo; pl < hi; ++pl)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          AvgWindow win = avg_window(i, j, h, w, k, s, p, count_include_pad, divisor);
          M v = static_cast<M>(g[(pl * oh + i) * ow + j]) / static_cast<M>(win.div);
          for (int64_t a = win.hs; a < win.he; ++a)
            for (int64_t b = win.ws; b < win.we; ++b) {
              T& dst = o[(pl * h + a) * w + b];
              dst = static_cast<T>(static_cast<M>(dst) + v);
            }
        }
  });
}

inline int64_t start_index(int64_t a, int64_t out, int64_t in) { return (a * in) / out; }
inline int64_t end_index(int64_t a, int64_t out, int64_t in) { return ((a + 1) * in + out - 1) / out; }

template <class T>
void adaptive_avg_k(const Tensor& out, const Tensor& self, IntArrayRef) {
  using M = opmath_t<T>;
  const int64_t planes = self.sizes()[0], h = self.sizes()[1], w = self.sizes()[2];
  const int64_t oh = out.sizes()[1], ow = out.sizes()[2];
  if (out.numel() == 0) return;
  const T* x = self.data_ptr<T>();
  T* o = out.data_ptr<T>();
  parallel_for(planes, grain_for(h * w), [&](int64_t lo, int64_t hi) {
    for (int64_t pl = lo; pl < hi; ++pl)
      for (int64_t i = 0; i < oh; ++i) {
        int64_t hs = start_index(i, oh, h), he = end_index(i, oh, h);
        for (int64_t j = 0; j < ow; ++j) {
          int64_t ws = start_index(j, ow, w), we = end_index(j, ow, w);
          M acc = 0;
          for (int64_t a = hs; a < he; ++a)
            for (int64_t b = ws; b < we; ++b) acc += static_cast<M>(x[(pl * h + a) * w + b]);
          o[(pl * oh + i) * ow + j] = static_cast<T>(acc / static_cast<M>((he - hs) * (we - ws)));
        }
      }
  });
}

template <class T>
void adaptive_avg_backward_k(const Tensor& gi, const Tensor& go, const Tensor&) {
  using M = opmath_t<T>;
  fill(gi, 0);
  const int64_t planes = gi.sizes()[0], h = gi.sizes()[1], w = gi.sizes()[2];
  const int64_t oh = go.sizes()[1], ow = go.sizes()[2];
  if (gi.numel() == 0 || go.numel() == 0) return;
  const T* g = go.data_ptr<T>();
  T* o = gi.data_ptr<T>();
  parallel_for(planes, grain_for(h * w), [&](int64_t lo, int64_t hi) {
    for (int64_t pl = lo; pl < hi; ++pl)
      for (int64_t i = 0; i < oh; ++i) {
        int64_t hs = start_index(i, oh, h), he = end_index(i, oh, h);
        for (int64_t j = 0; j < ow; ++j) {
          int64_t ws = start_index(j, ow, w), we = end_index(j, ow, w);
          M v = static_cast<M>(g[(pl * oh + i) * ow + j]) / static_cast<M>((he - hs) * (we - ws));
          for (int64_t a = hs; a < he; ++a)
            for (int64_t b = ws; b < we; ++b) {
              T& dst = o[(pl * h + a) * w + b];
              dst = static_cast<T>(static_cast<M>(dst) + v);
            }
        }
      }
  });
}

}  // namespace

void register_pooling() {
  for_dtypes(kNumericTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    dispatch::register_kernel<OpId::max_pool2d_with_indices>(kCPU, t, &max_pool_k<T>);
  });
  for_dtypes(kFloatTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point<opmath_t<T>>::value) {
      dispatch::register_kernel<OpId::max_pool2d_with_indices_backward>(kCPU, t, &max_pool_backward_k<T>);
      dispatch::register_kernel<OpId::avg_pool2d>(kCPU, t, &avg_pool_k<T>);
      dispatch::register_kernel<OpId::avg_pool2d_backward>(kCPU, t, &avg_pool_backward_k<T>);
      dispatch::register_kernel<OpId::adaptive_avg_pool2d>(kCPU, t, &adaptive_avg_k<T>);
      dispatch::register_kernel<OpId::_adaptive_avg_pool2d_backward>(kCPU, t, &adaptive_avg_backward_k<T>);
    }
  });
}

}  // namespace ember::cpu
