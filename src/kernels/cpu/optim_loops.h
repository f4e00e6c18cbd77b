// The fused optimizers' element loops (Note [fused optimizers], src/ops/optim.cpp), written once over a
// vector traits class W (load/store/set/add/sub/mul/div/fma/fnma/sqrt/max, kL lanes). Deliberately without
// include guard or includes: optim_kernels.cpp includes it once per instruction set, inside that ISA's
// namespace and `#pragma GCC target` region, after declaring the traits, so every loop below is compiled
// for that ISA; the tail of each loop runs the same code on the one-lane traits S1<T>.
// Each formula follows PyTorch's single-tensor optimizers op by op (lerp, addcmul, addcdiv), so results
// agree with theirs to rounding.

template <class T>
struct S1 {
  using V = T;
  static constexpr int kL = 1;
  static inline V load(const T* p) { return *p; }
  static inline void store(T* p, V v) { *p = v; }
  static inline V set(T v) { return v; }
  static inline V add(V a, V b) { return a + b; }
  static inline V sub(V a, V b) { return a - b; }
  static inline V mul(V a, V b) { return a * b; }
  static inline V div(V a, V b) { return a / b; }
  static inline V fma(V a, V b, V c) { return a * b + c; }
  static inline V fnma(V a, V b, V c) { return c - a * b; }
  static inline V sqrt(V a) { return sizeof(T) == 4 ? T(__builtin_sqrtf(float(a))) : T(__builtin_sqrt(double(a))); }
  static inline V max(V a, V b) { return (a != a || a > b) ? a : b; }  // NaN propagates, as torch.maximum
};

/// SGD over [i, n): returns where it stopped (a multiple of W::kL lanes).
template <class W, class T>
int64_t sgd_run(int64_t i, int64_t n, T* p, const T* g, T* buf, const SgdArgs<T>& a) {
  using V = typename W::V;
  const V lr = W::set(a.lr), wd = W::set(a.weight_decay), mom = W::set(a.momentum), damp = W::set(1 - a.dampening);
  const V sgn = W::set(a.maximize ? T(-1) : T(1));
  for (; i + W::kL <= n; i += W::kL) {
    V pi = W::load(p + i), gi = W::mul(W::load(g + i), sgn);
    if (a.weight_decay != 0) gi = W::fma(wd, pi, gi);
    if (a.momentum != 0) {
      V b = a.first_step ? gi : W::fma(damp, gi, W::mul(W::load(buf + i), mom));
      W::store(buf + i, b);
      gi = a.nesterov ? W::fma(mom, b, gi) : b;
    }
    W::store(p + i, W::fnma(lr, gi, pi));
  }
  return i;
}

/// Adam / AdamW over [i, n).
template <class W, class T>
int64_t adam_run(int64_t i, int64_t n, T* p, const T* g, T* m, T* v, T* vmax, const AdamArgs<T>& a) {
  using V = typename W::V;
  const V b1c = W::set(1 - a.beta1), b2 = W::set(a.beta2), b2c = W::set(1 - a.beta2), wd = W::set(a.weight_decay);
  const V decay = W::set(1 - a.lr * a.weight_decay), step = W::set(a.step_size), bc2 = W::set(a.bc2_sqrt);
  const V eps = W::set(a.eps), sgn = W::set(a.maximize ? T(-1) : T(1));
  for (; i + W::kL <= n; i += W::kL) {
    V pi = W::load(p + i), gi = W::mul(W::load(g + i), sgn);
    if (a.weight_decay != 0) {
      if (a.decoupled) pi = W::mul(pi, decay);
      else gi = W::fma(wd, pi, gi);
    }
    V mi = W::load(m + i);
    mi = W::fma(b1c, W::sub(gi, mi), mi);                             // exp_avg.lerp_(grad, 1 - beta1)
    V vi = W::fma(b2c, W::mul(gi, gi), W::mul(W::load(v + i), b2));  // exp_avg_sq.mul_(b2).addcmul_(g, g, 1 - b2)
    W::store(m + i, mi);
    W::store(v + i, vi);
    if (a.amsgrad) {
      vi = W::max(W::load(vmax + i), vi);
      W::store(vmax + i, vi);
    }
    V denom = W::add(W::div(W::sqrt(vi), bc2), eps);
    W::store(p + i, W::fnma(step, W::div(mi, denom), pi));  // param.addcdiv_(exp_avg, denom, -step_size)
  }
  return i;
}

/// Adagrad over [i, n).
template <class W, class T>
int64_t adagrad_run(int64_t i, int64_t n, T* p, const T* g, T* sum, const AdagradArgs<T>& a) {
  using V = typename W::V;
  const V clr = W::set(a.clr), wd = W::set(a.weight_decay), eps = W::set(a.eps);
  const V sgn = W::set(a.maximize ? T(-1) : T(1));
  for (; i + W::kL <= n; i += W::kL) {
    V pi = W::load(p + i), gi = W::mul(W::load(g + i), sgn);
    if (a.weight_decay != 0) gi = W::fma(wd, pi, gi);
    V s = W::fma(gi, gi, W::load(sum + i));
    W::store(sum + i, s);
    W::store(p + i, W::fnma(clr, W::div(gi, W::add(W::sqrt(s), eps)), pi));
  }
  return i;
}

/// RMSprop over [i, n).
template <class W, class T>
int64_t rmsprop_run(int64_t i, int64_t n, T* p, const T* g, T* sq, T* gavg, T* buf, const RmspropArgs<T>& a) {
  using V = typename W::V;
  const V lr = W::set(a.lr), al = W::set(a.alpha), alc = W::set(1 - a.alpha), wd = W::set(a.weight_decay);
  const V eps = W::set(a.eps), mom = W::set(a.momentum), sgn = W::set(a.maximize ? T(-1) : T(1));
  for (; i + W::kL <= n; i += W::kL) {
    V pi = W::load(p + i), gi = W::mul(W::load(g + i), sgn);
    if (a.weight_decay != 0) gi = W::fma(wd, pi, gi);
    V s = W::fma(alc, W::mul(gi, gi), W::mul(W::load(sq + i), al));  // square_avg.mul_(alpha).addcmul_(g, g, 1 - alpha)
    W::store(sq + i, s);
    V avg;
    if (a.centered) {
      V ga = W::load(gavg + i);
      ga = W::fma(alc, W::sub(gi, ga), ga);  // grad_avg.lerp_(grad, 1 - alpha)
      W::store(gavg + i, ga);
      avg = W::add(W::sqrt(W::fnma(ga, ga, s)), eps);
    } else {
      avg = W::add(W::sqrt(s), eps);
    }
    if (a.momentum > 0) {
      V b = W::add(W::mul(W::load(buf + i), mom), W::div(gi, avg));  // buf.mul_(momentum).addcdiv_(grad, avg)
      W::store(buf + i, b);
      W::store(p + i, W::fnma(lr, b, pi));
    } else {
      W::store(p + i, W::fnma(lr, W::div(gi, avg), pi));
    }
  }
  return i;
}

/// One chunk [b, e) of one tensor: the ISA's vector loop, then the one-lane tail.
template <class W, class T>
void sgd_chunk(int64_t b, int64_t e, T* p, const T* g, T* buf, const SgdArgs<T>& a) {
  sgd_run<S1<T>, T>(sgd_run<W, T>(b, e, p, g, buf, a), e, p, g, buf, a);
}
template <class W, class T>
void adam_chunk(int64_t b, int64_t e, T* p, const T* g, T* m, T* v, T* vmax, const AdamArgs<T>& a) {
  adam_run<S1<T>, T>(adam_run<W, T>(b, e, p, g, m, v, vmax, a), e, p, g, m, v, vmax, a);
}
template <class W, class T>
void adagrad_chunk(int64_t b, int64_t e, T* p, const T* g, T* sum, const AdagradArgs<T>& a) {
  adagrad_run<S1<T>, T>(adagrad_run<W, T>(b, e, p, g, sum, a), e, p, g, sum, a);
}
template <class W, class T>
void rmsprop_chunk(int64_t b, int64_t e, T* p, const T* g, T* sq, T* gavg, T* buf, const RmspropArgs<T>& a) {
  rmsprop_run<S1<T>, T>(rmsprop_run<W, T>(b, e, p, g, sq, gavg, buf, a), e, p, g, sq, gavg, buf, a);
}
