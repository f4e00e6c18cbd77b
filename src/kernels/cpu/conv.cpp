// 2-D convolution kernels on CPU (src/ops/convolution.cpp hands them contiguous NCHW tensors): oneDNN's
// convolution primitives for float32 (forward, backward data, backward weights + bias in one pass), a
// direct loop for the other floating dtypes (and for float32 in a forked child, Note [GEMM backends]).
// Transposed convolutions run as the backward-data pass of the plain convolution they transpose.
#include <dnnl.hpp>

#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/register_util.h"
#include "kernels/cpu/tensor_util.h"

namespace ember::cpu {
namespace {

/// The geometry of one plain 2-D convolution x (N, C, H, W) * w (O, C / G, KH, KW) -> y (N, O, OH, OW).
struct Conv2d {
  int64_t n, c, h, w, o, kh, kw, oh, ow, g;
  int64_t sh, sw, ph, pw, dh, dw;
  Conv2d(IntArrayRef x, IntArrayRef wt, IntArrayRef y, IntArrayRef stride, IntArrayRef padding, IntArrayRef dilation,
         int64_t groups)
      : n(x[0]), c(x[1]), h(x[2]), w(x[3]), o(wt[0]), kh(wt[2]), kw(wt[3]), oh(y[2]), ow(y[3]), g(groups),
        sh(stride[0]), sw(stride[1]), ph(padding[0]), pw(padding[1]), dh(dilation[0]), dw(dilation[1]) {}
  std::string key(const char* kind) const {
    std::string k = kind;
    for (int64_t v : {n, c, h, w, o, kh, kw, oh, ow, g, sh, sw, ph, pw, dh, dw}) k += "," + std::to_string(v);
    return k;
  }
};

// ---- reference loops (any floating dtype; accumulation in opmath) ------------------------------------

template <class T>
void ref_forward(const Conv2d& p, const T* x, const T* wt, const T* b, T* y) {
  using M = opmath_t<T>;
  const int64_t cg = p.c / p.g, og = p.o / p.g;
  parallel_for(p.n * p.o, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t no = lo; no < hi; ++no) {
      int64_t ni = no / p.o, oc = no % p.o, gi = oc / og;
      for (int64_t i = 0; i < p.oh; ++i)
        for (int64_t j = 0; j < p.ow; ++j) {
          M acc = b ? static_cast<M>(b[oc]) : M(0);
          for (int64_t ci = 0; ci < cg; ++ci) {
            const T* xp = x + (ni * p.c + gi * cg + ci) * p.h * p.w;
            const T* wp = wt + (oc * cg + ci) * p.kh * p.kw;
            for (int64_t a = 0; a < p.kh; ++a) {
              int64_t ih = i * p.sh - p.ph + a * p.dh;
              if (ih < 0 || ih >= p.h) continue;
              for (int64_t bb = 0; bb < p.kw; ++bb) {
                int64_t iw = j * p.sw - p.pw + bb * p.dw;
                if (iw < 0 || iw >= p.w) continue;
                acc += static_cast<M>(xp[ih * p.w + iw]) * static_cast<M>(wp[a * p.kw + bb]);
              }
            }
          }
          y[(no * p.oh + i) * p.ow + j] = static_cast<T>(acc);
        }
    }
  });
}

template <class T>
void ref_backward_input(const Conv2d& p, const T* gy, const T* wt, T* gx) {
  using M = opmath_t<T>;
  const int64_t cg = p.c / p.g, og = p.o / p.g;
  parallel_for(p.n * p.c, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t nc = lo; nc < hi; ++nc) {
      int64_t ni = nc / p.c, ch = nc % p.c, gi = ch / cg, ci = ch % cg;
      for (int64_t ih = 0; ih < p.h; ++ih)
        for (int64_t iw = 0; iw < p.w; ++iw) {
          M acc = 0;
          for (int64_t a = 0; a < p.kh; ++a) {
            int64_t t = ih + p.ph - a * p.dh;
            if (t < 0 || t % p.sh) continue;
            int64_t i = t / p.sh;
            if (i >= p.oh) continue;
            for (int64_t bb = 0; bb < p.kw; ++bb) {
              int64_t u = iw + p.pw - bb * p.dw;
              if (u < 0 || u % p.sw) continue;
              int64_t j = u / p.sw;
              if (j >= p.ow) continue;
              for (int64_t oc = gi * og; oc < (gi + 1) * og; ++oc)
                acc += static_cast<M>(gy[((ni * p.o + oc) * p.oh + i) * p.ow + j]) *
                       static_cast<M>(wt[((oc * cg + ci) * p.kh + a) * p.kw + bb]);
            }
          }
          gx[(nc * p.h + ih) * p.w + iw] = static_cast<T>(acc);
        }
    }
  });
}

template <class T>
void ref_backward_weight(const Conv2d& p, const T* gy, const T* x, T* gw, T* gb) {
  using M = opmath_t<T>;
  const int64_t cg = p.c / p.g, og = p.o / p.g;
  parallel_for(p.o * cg, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t oci = lo; oci < hi; ++oci) {
      int64_t oc = oci / cg, ci = oci % cg, gi = oc / og;
      for (int64_t a = 0; a < p.kh; ++a)
        for (int64_t bb = 0; bb < p.kw; ++bb) {
          M acc = 0;
          for (int64_t ni = 0; ni < p.n; ++ni) {
            const T* xp = x + (ni * p.c + gi * cg + ci) * p.h * p.w;
            const T* gp = gy + (ni * p.o + oc) * p.oh * p.ow;
            for (int64_t i = 0; i < p.oh; ++i) {
              int64_t ih = i * p.sh - p.ph + a * p.dh;
              if (ih < 0 || ih >= p.h) continue;
              for (int64_t j = 0; j < p.ow; ++j) {
                int64_t iw = j * p.sw - p.pw + bb * p.dw;
                if (iw < 0 || iw >= p.w) continue;
                acc += static_cast<M>(gp[i * p.ow + j]) * static_cast<M>(xp[ih * p.w + iw]);
              }
            }
          }
          gw[(oci * p.kh + a) * p.kw + bb] = static_cast<T>(acc);
        }
    }
  });
  if (!gb) return;
  parallel_for(p.o, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t oc = lo; oc < hi; ++oc) {
      M acc = 0;
      for (int64_t ni = 0; ni < p.n; ++ni) {
        const T* gp = gy + (ni * p.o + oc) * p.oh * p.ow;
        for (int64_t k = 0; k < p.oh * p.ow; ++k) acc += static_cast<M>(gp[k]);
      }
      gb[oc] = static_cast<T>(acc);
    }
  });
}

// ---- oneDNN (float32) ---------------------------------------------------------------------------------
// Note [oneDNN convolution]: Debian's oneDNN 2.6 has the v2 API (op descriptors, then primitive
// descriptors). Two layouts: plain NCHW / (G)OIHW memory throughout (oneDNN then runs its im2col + GEMM
// implementation, no reorders), or the layouts oneDNN prefers (format_tag::any: blocked nChw8c / 16c,
// its direct JIT kernels) with reorders from and to the tensors' plain memory. EMBER_CONV_LAYOUT=plain
// or =blocked picks one (benchmarks compare them); the default is kBlockedDefault. Primitives (and their
// memory descriptors) are cached by geometry: building one costs far more than running a small
// convolution. padding_r is padding_l; oneDNN's output-size rule floors as PyTorch's does.

using dnnl::memory;
using tag = memory::format_tag;

constexpr bool kBlockedDefault = true;

bool blocked_layout() {
  static const bool blocked = [] {
    const char* v = std::getenv("EMBER_CONV_LAYOUT");
    if (v && std::string(v) == "plain") return false;
    if (v && std::string(v) == "blocked") return true;
    return kBlockedDefault;
  }();
  return blocked;
}

dnnl::engine& engine() {
  static dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  return eng;
}

struct Prims {
  memory::desc x, w, b, y;           // the tensors' plain layouts
  memory::desc px, pw, py;           // the layouts the primitive wants
  dnnl::primitive prim;
};

memory::desc weight_md(const Conv2d& p, tag t) {
  if (p.g == 1) return memory::desc({p.o, p.c, p.kh, p.kw}, memory::data_type::f32, t);
  return memory::desc({p.g, p.o / p.g, p.c / p.g, p.kh, p.kw}, memory::data_type::f32,
                      t == tag::any ? tag::any : tag::goihw);
}

/// The cached primitive for p of the given kind ("f": forward with bias, "fn": without, "d", "w").
std::shared_ptr<Prims> prims(const Conv2d& p, const char* kind) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<Prims>> cache;
  const bool blocked = blocked_layout();
  std::string key = p.key(kind) + (blocked ? "b" : "p");
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
  }
  auto r = std::make_shared<Prims>();
  const auto f32 = memory::data_type::f32;
  r->x = memory::desc({p.n, p.c, p.h, p.w}, f32, tag::nchw);
  r->y = memory::desc({p.n, p.o, p.oh, p.ow}, f32, tag::nchw);
  r->w = weight_md(p, tag::oihw);
  r->b = memory::desc({p.o}, f32, tag::x);
  memory::desc ax = blocked ? memory::desc({p.n, p.c, p.h, p.w}, f32, tag::any) : r->x;
  memory::desc ay = blocked ? memory::desc({p.n, p.o, p.oh, p.ow}, f32, tag::any) : r->y;
  memory::desc aw = blocked ? weight_md(p, tag::any) : r->w;
  memory::dims strides{p.sh, p.sw}, dil{p.dh - 1, p.dw - 1}, pad{p.ph, p.pw};
  std::string k = kind;
  bool bias = k != "fn";
  dnnl::convolution_forward::desc fd(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, ax, aw,
                                     bias ? r->b : memory::desc(), ay, strides, dil, pad, pad);
  dnnl::convolution_forward::primitive_desc fpd(fd, engine());
  if (k == "f" || k == "fn") {
    r->px = fpd.src_desc();
    r->pw = fpd.weights_desc();
    r->py = fpd.dst_desc();
    r->prim = dnnl::convolution_forward(fpd);
  } else if (k == "d") {
    dnnl::convolution_backward_data::desc dd(dnnl::algorithm::convolution_direct, ax, aw, ay, strides, dil, pad, pad);
    dnnl::convolution_backward_data::primitive_desc dpd(dd, engine(), fpd);
    r->px = dpd.diff_src_desc();
    r->pw = dpd.weights_desc();
    r->py = dpd.diff_dst_desc();
    r->prim = dnnl::convolution_backward_data(dpd);
  } else {
    dnnl::convolution_backward_weights::desc wd(dnnl::algorithm::convolution_direct, ax, aw, r->b, ay, strides, dil,
                                                pad, pad);
    dnnl::convolution_backward_weights::primitive_desc wpd(wd, engine(), fpd);
    r->px = wpd.src_desc();
    r->pw = wpd.diff_weights_desc();
    r->py = wpd.diff_dst_desc();
    r->prim = dnnl::convolution_backward_weights(wpd);
  }
  std::lock_guard<std::mutex> lock(mu);
  if (cache.size() > 256) cache.clear();  // a bound for programs that see many geometries
  cache.emplace(key, r);
  return r;
}

memory mem(const memory::desc& d, const void* ptr) { return memory(d, engine(), const_cast<void*>(ptr)); }

/// The user's plain memory as the primitive wants it: itself, or a reordered copy (an input).
memory input_as(dnnl::stream& s, const memory::desc& plain, const memory::desc& want, const void* ptr) {
  memory user = mem(plain, ptr);
  if (want == plain) return user;
  memory m(want, engine());
  dnnl::reorder(user, m).execute(s, user, m);
  return m;
}

/// Where the primitive writes an output: the user's memory, or a scratch to reorder back (see finish).
memory output_as(const memory::desc& plain, const memory::desc& want, void* ptr) {
  return want == plain ? mem(plain, ptr) : memory(want, engine());
}

void finish(dnnl::stream& s, memory& produced, const memory::desc& plain, void* ptr) {
  if (produced.get_desc() == plain) return;
  memory user = mem(plain, ptr);
  dnnl::reorder(produced, user).execute(s, produced, user);
}

bool use_dnnl() { return !g_in_forked_child.load(std::memory_order_relaxed); }

void dnnl_forward(const Conv2d& p, const float* x, const float* wt, const float* b, float* y) {
  auto r = prims(p, b ? "f" : "fn");
  dnnl::stream s(engine());
  memory mx = input_as(s, r->x, r->px, x), mw = input_as(s, r->w, r->pw, wt), my = output_as(r->y, r->py, y);
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, mx}, {DNNL_ARG_WEIGHTS, mw}, {DNNL_ARG_DST, my}};
  if (b) args.emplace(DNNL_ARG_BIAS, mem(r->b, b));
  r->prim.execute(s, args);
  finish(s, my, r->y, y);
  s.wait();
}

void dnnl_backward_input(const Conv2d& p, const float* gy, const float* wt, float* gx) {
  auto r = prims(p, "d");
  dnnl::stream s(engine());
  memory mgy = input_as(s, r->y, r->py, gy), mw = input_as(s, r->w, r->pw, wt), mgx = output_as(r->x, r->px, gx);
  r->prim.execute(s, {{DNNL_ARG_DIFF_DST, mgy}, {DNNL_ARG_WEIGHTS, mw}, {DNNL_ARG_DIFF_SRC, mgx}});
  finish(s, mgx, r->x, gx);
  s.wait();
}

void dnnl_backward_weight(const Conv2d& p, const float* gy, const float* x, float* gw, float* gb) {
  auto r = prims(p, "w");
  dnnl::stream s(engine());
  memory mgy = input_as(s, r->y, r->py, gy), mx = input_as(s, r->x, r->px, x), mgw = output_as(r->w, r->pw, gw);
  r->prim.execute(s, {{DNNL_ARG_DIFF_DST, mgy}, {DNNL_ARG_SRC, mx}, {DNNL_ARG_DIFF_WEIGHTS, mgw},
                      {DNNL_ARG_DIFF_BIAS, mem(r->b, gb)}});
  finish(s, mgw, r->w, gw);
  s.wait();
}

// ---- the kernels --------------------------------------------------------------------------------------

template <class T>
void backward_input_impl(const Conv2d& p, const T* gy, const T* wt, T* gx) {
  if constexpr (std::is_same<T, float>::value)
    if (use_dnnl()) return dnnl_backward_input(p, gy, wt, gx);
  ref_backward_input<T>(p, gy, wt, gx);
}

template <class T>
void convolution_k(const Tensor& out, const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                   IntArrayRef stride, IntArrayRef padding, IntArrayRef dilation, bool transposed, IntArrayRef,
                   int64_t groups) {
  if (out.numel() == 0) return;
  const T* b = bias ? bias->data_ptr<T>() : nullptr;
  if (input.numel() == 0 || weight.numel() == 0) {  // an empty contraction: the bias alone
    if (!b) return fill(out, 0);
    Tensor bv = restrided(*bias, {out.sizes()[0], out.sizes()[1], out.sizes()[2], out.sizes()[3]}, {0, 1, 0, 0},
                          bias->storage_offset());
    return copy_into(out, bv);
  }
  if (!transposed) {
    Conv2d p(input.sizes(), weight.sizes(), out.sizes(), stride, padding, dilation, groups);
    if constexpr (std::is_same<T, float>::value)
      if (use_dnnl()) return dnnl_forward(p, input.data_ptr<float>(), weight.data_ptr<float>(), b, out.data_ptr<float>());
    return ref_forward<T>(p, input.data_ptr<T>(), weight.data_ptr<T>(), b, out.data_ptr<T>());
  }
  // The plain convolution this one transposes maps out (N, C_out, ...) to input (N, C_in, ...).
  Conv2d p(out.sizes(), weight.sizes(), input.sizes(), stride, padding, dilation, groups);
  backward_input_impl<T>(p, input.data_ptr<T>(), weight.data_ptr<T>(), out.data_ptr<T>());
  if (!b) return;
  T* o = out.data_ptr<T>();
  const int64_t hw = out.sizes()[2] * out.sizes()[3], co = out.sizes()[1];
  parallel_for(out.sizes()[0] * co, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(hw, 1)),
               [&](int64_t lo, int64_t hi) {
                 for (int64_t k = lo; k < hi; ++k) {
                   T bv = b[k % co];
                   for (int64_t i = 0; i < hw; ++i) o[k * hw + i] = static_cast<T>(o[k * hw + i] + bv);
                 }
               });
}

template <class T>
void backward_input_k(const Tensor& gx, const Tensor& gy, const Tensor& weight, IntArrayRef, IntArrayRef stride,
                      IntArrayRef padding, IntArrayRef dilation, int64_t groups) {
  if (gx.numel() == 0) return;
  if (gy.numel() == 0 || weight.numel() == 0) return fill(gx, 0);
  Conv2d p(gx.sizes(), weight.sizes(), gy.sizes(), stride, padding, dilation, groups);
  backward_input_impl<T>(p, gy.data_ptr<T>(), weight.data_ptr<T>(), gx.data_ptr<T>());
}

template <class T>
void backward_weight_k(const Tensor& gw, const Tensor& gb, const Tensor& gy, const Tensor& input, IntArrayRef,
                       IntArrayRef stride, IntArrayRef padding, IntArrayRef dilation, int64_t groups) {
  if (gy.numel() == 0 || input.numel() == 0) {
    fill(gw, 0);
    fill(gb, 0);
    return;
  }
  if (gw.numel() == 0) return;
  Conv2d p(input.sizes(), gw.sizes(), gy.sizes(), stride, padding, dilation, groups);
  if constexpr (std::is_same<T, float>::value)
    if (use_dnnl())
      return dnnl_backward_weight(p, gy.data_ptr<float>(), input.data_ptr<float>(), gw.data_ptr<float>(),
                                  gb.data_ptr<float>());
  ref_backward_weight<T>(p, gy.data_ptr<T>(), input.data_ptr<T>(), gw.data_ptr<T>(), gb.data_ptr<T>());
}

}  // namespace

void register_conv() {
  for_dtypes(kFloatTypes, [](ScalarType t, auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point<opmath_t<T>>::value) {
      dispatch::register_kernel<OpId::convolution>(kCPU, t, &convolution_k<T>);
      dispatch::register_kernel<OpId::_convolution_backward_input>(kCPU, t, &backward_input_k<T>);
      dispatch::register_kernel<OpId::_convolution_backward_weight>(kCPU, t, &backward_weight_k<T>);
    }
  });
}

}  // namespace ember::cpu
