// The nn math ops from C++ (src/ops/convolution.yaml, loss.yaml, pooling.yaml, normalization.yaml,
// padding.yaml, nn.yaml), as a libtorch user calls them: ember::conv2d, ember::max_pool2d,
// ember::cross_entropy_loss, ... with expected values and gradients (tests_py/test_nn_functional_*.py
// check the same ops against numpy in depth).
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include <ember/ember.h>

using namespace ember;
using V = std::vector<double>;

namespace {

V vals(const Tensor& t) {
  Tensor c = t.to(std::nullopt, kFloat64).contiguous();
  return V(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

bool near(const V& a, const V& b, double tol = 1e-6) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!(std::abs(a[i] - b[i]) <= tol * (1 + std::abs(b[i])))) return false;
  return true;
}

Tensor f64(IntArrayRef shape, uint64_t seed) {
  return randn(shape, Generator(seed), TensorOptions(kFloat64));
}

/// Direct 2-D cross-correlation of x (N, C, H, W) with w (O, C, KH, KW), stride 1, padding p.
V naive_conv(const Tensor& x, const Tensor& w, int64_t p) {
  V xv = vals(x), wv = vals(w);
  int64_t n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3), o = w.size(0), kh = w.size(2), kw = w.size(3);
  int64_t oh = h + 2 * p - kh + 1, ow = wd + 2 * p - kw + 1;
  V out;
  for (int64_t a = 0; a < n; ++a)
    for (int64_t oc = 0; oc < o; ++oc)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          double s = 0;
          for (int64_t ci = 0; ci < c; ++ci)
            for (int64_t u = 0; u < kh; ++u)
              for (int64_t v = 0; v < kw; ++v) {
                int64_t r = i + u - p, q = j + v - p;
                if (r >= 0 && r < h && q >= 0 && q < wd)
                  s += xv[((a * c + ci) * h + r) * wd + q] * wv[((oc * c + ci) * kh + u) * kw + v];
              }
          out.push_back(s);
        }
  return out;
}

}  // namespace

TEST_CASE("nn ops: conv2d forward and backward, float64 and float32 (oneDNN)", "[nn_ops]") {
  Tensor x = f64({2, 3, 5, 4}, 1), w = f64({4, 3, 3, 3}, 2), b = f64({4}, 3);
  V ref = naive_conv(x, w, 1);
  V bv = vals(b);
  for (size_t i = 0; i < ref.size(); ++i) ref[i] += bv[(i / 20) % 4];
  CHECK(near(vals(ember::conv2d(x, w, b, 1, 1)), ref, 1e-12));
  CHECK(near(vals(ember::conv2d(x.to(kFloat32), w.to(kFloat32), b.to(kFloat32), 1, 1)), ref, 1e-4));
  CHECK(near(vals(ember::convolution(x, w, b, {1, 1}, {1, 1}, {1, 1}, false, {0, 0}, 1)), ref, 1e-12));
  CHECK(near(vals(ember::conv2d(x, w, b, 1, "same")), ref, 1e-12));

  Tensor xg = x.clone().requires_grad_(), wg = w.clone().requires_grad_(), bg = b.clone().requires_grad_();
  Tensor y = ember::conv2d(xg, wg, bg, 1, 1);
  Tensor g = f64(y.sizes(), 4);
  y.backward(g);
  CHECK(near(vals(xg.grad()), vals(ember::_convolution_backward_input(g, w, x.sizes(), {1, 1}, {1, 1}, {1, 1}, 1)),
             1e-12));
  auto gw = ember::_convolution_backward_weight(g, x, w.sizes(), {1, 1}, {1, 1}, {1, 1}, 1);
  CHECK(near(vals(wg.grad()), vals(std::get<0>(gw)), 1e-12));
  CHECK(near(vals(bg.grad()), vals(g.sum(IntArrayRef({0, 2, 3}))), 1e-12));
  CHECK(y.grad_fn()->name() == "ConvolutionBackward0");

  // conv_transpose2d is the adjoint of conv2d: <conv(x), y> == <x, conv_transpose(y)>
  Tensor yt = f64({2, 4, 5, 4}, 5);
  double lhs = (ember::conv2d(x, w, std::nullopt, 1, 1) * yt).sum().item<double>();
  double rhs = (x * ember::conv_transpose2d(yt, w, std::nullopt, 1, 1)).sum().item<double>();
  CHECK(std::abs(lhs - rhs) < 1e-9 * (1 + std::abs(lhs)));
  // conv1d / conv_transpose1d run as 2-D over (N, C, 1, L)
  Tensor x1 = f64({2, 3, 7}, 6), w1 = f64({4, 3, 3}, 7);
  CHECK(near(vals(ember::conv1d(x1, w1, std::nullopt, 2, 1)),
             vals(ember::conv2d(x1.unsqueeze(2), w1.unsqueeze(2), std::nullopt, IntArrayRef({1, 2}), IntArrayRef({0, 1})).squeeze(2)), 1e-12));
  CHECK(ember::conv1d(x1, w1, std::nullopt, 1, "same").sizes() == IntArrayRef({2, 4, 7}));
  CHECK(ember::conv_transpose1d(f64({2, 4, 3}, 8), w1, std::nullopt, 2).sizes() == IntArrayRef({2, 3, 7}));
  CHECK_THROWS_WITH(ember::conv2d(f64({2, 4, 5, 5}, 9), w),
                    Catch::Contains("expected input[2, 4, 5, 5] to have 3 channels, but got 4 channels instead"));
}

TEST_CASE("nn ops: cross_entropy_loss and nll_loss", "[nn_ops]") {
  Tensor x = f64({4, 5}, 10), t = tensor({1, 0, 4, 2}).to(kInt64);
  Tensor logp = ember::log_softmax(x, 1);
  V lp = vals(logp);
  double ref = -(lp[1] + lp[5] + lp[14] + lp[17]) / 4;
  CHECK(std::abs(ember::cross_entropy_loss(x, t).item<double>() - ref) < 1e-12);
  CHECK(std::abs(ember::nll_loss(logp, t).item<double>() - ref) < 1e-12);
  CHECK(std::abs(ember::nll_loss_nd(logp, t).item<double>() - ref) < 1e-12);
  CHECK(std::abs(ember::nll_loss2d(logp.view({4, 5, 1, 1}), t.view({4, 1, 1})).item<double>() - ref) < 1e-12);
  CHECK(std::abs(ember::cross_entropy_loss(x.to(kFloat32), t).item<double>() - ref) < 1e-5);
  // reduction sum, ignore_index: the ignored sample contributes nothing
  double sum3 = -(lp[1] + lp[14] + lp[17]);
  CHECK(std::abs(ember::cross_entropy_loss(x, t, std::nullopt, 2, 0).item<double>() - sum3) < 1e-12);
  auto fw = ember::_cross_entropy_forward(x, t, std::nullopt, 1, -100, 0.0);
  CHECK(std::get<2>(fw).item<double>() == 4.0);
  auto nf = ember::nll_loss_forward(logp, t, std::nullopt, 1, -100);
  CHECK(std::abs(std::get<0>(nf).item<double>() - ref) < 1e-12);

  // gradient: (softmax - one_hot) / N, from the fused backward op and through autograd
  Tensor xg = x.clone().requires_grad_();
  ember::cross_entropy_loss(xg, t).backward();
  Tensor one = tensor(1.0).to(kFloat64);
  Tensor gb = ember::_cross_entropy_backward(one, x, t, std::nullopt, 1, -100, 0.0, std::get<1>(fw), std::get<2>(fw));
  CHECK(near(vals(xg.grad()), vals(gb), 1e-12));
  V sm = vals(ember::softmax(x, 1));
  V want = sm;
  for (int i : {1, 5, 14, 17}) want[i] -= 1;
  for (double& v : want) v /= 4;
  CHECK(near(vals(gb), want, 1e-12));
  Tensor gn = ember::nll_loss_backward(one, logp, t, std::nullopt, 1, -100, std::get<1>(nf));
  CHECK(vals(gn)[1] == -0.25);
  CHECK_THROWS_WITH(ember::cross_entropy_loss(x, tensor({1, 0, 5, 2}).to(kInt64)),
                    Catch::Contains("Target 5 is out of bounds."));
}

TEST_CASE("nn ops: pointwise losses", "[nn_ops]") {
  Tensor a = tensor({0.5, -1.0, 3.0}).to(kFloat64), b = tensor({1.0, 1.0, 0.0}).to(kFloat64);
  CHECK(std::abs(ember::mse_loss(a, b).item<double>() - (0.25 + 4 + 9) / 3) < 1e-12);
  CHECK(std::abs(ember::l1_loss(a, b, 2).item<double>() - 5.5) < 1e-12);
  CHECK(near(vals(ember::smooth_l1_loss(a, b, 0, 1.0)), {0.125, 1.5, 2.5}));
  CHECK(near(vals(ember::huber_loss(a, b, 0, 2.0)), {0.125, 2.0, 4.0}));
  Tensor p = tensor({0.25, 0.5}).to(kFloat64), y = tensor({1.0, 0.0}).to(kFloat64);
  CHECK(near(vals(ember::binary_cross_entropy(p, y, std::nullopt, 0)), {-std::log(0.25), -std::log(0.5)}));
  Tensor z = tensor({0.0, 2.0}).to(kFloat64);
  CHECK(near(vals(ember::binary_cross_entropy_with_logits(z, y, std::nullopt, std::nullopt, 0)),
             {std::log(2.0), std::log1p(std::exp(2.0))}));
  CHECK(near(vals(ember::kl_div(tensor({-1.0}).to(kFloat64), tensor({0.5}).to(kFloat64), 0)),
             {0.5 * std::log(0.5) + 0.5}));
}

TEST_CASE("nn ops: pooling", "[nn_ops]") {
  Tensor x = arange(16, TensorOptions(kFloat64)).view({1, 1, 4, 4});
  CHECK(near(vals(ember::max_pool2d(x, 2)), {5, 7, 13, 15}));
  auto mi = ember::max_pool2d_with_indices(x, 2);
  CHECK(vals(std::get<1>(mi)) == V{5, 7, 13, 15});
  CHECK(near(vals(ember::avg_pool2d(x, 2)), {2.5, 4.5, 10.5, 12.5}));
  CHECK(near(vals(ember::adaptive_avg_pool2d(x, {1, 1})), {7.5}));
  CHECK(near(vals(ember::max_pool1d(x.view({1, 4, 4}), 2)), {1, 3, 5, 7, 9, 11, 13, 15}));
  CHECK(vals(std::get<1>(ember::max_pool1d_with_indices(x.view({1, 4, 4}), 4))) == V{3, 3, 3, 3});
  CHECK(near(vals(ember::avg_pool1d(x.view({1, 4, 4}), 4)), {1.5, 5.5, 9.5, 13.5}));
  CHECK(near(vals(ember::adaptive_avg_pool1d(x.view({1, 4, 4}), {2})), {0.5, 2.5, 4.5, 6.5, 8.5, 10.5, 12.5, 14.5}));
  Tensor g = ones({1, 1, 2, 2}, TensorOptions(kFloat64));
  V gi = vals(ember::max_pool2d_with_indices_backward(g, x, {2, 2}, {2, 2}, {0, 0}, {1, 1}, false, std::get<1>(mi)));
  CHECK(gi[5] == 1.0);
  CHECK(gi[0] == 0.0);
  CHECK(near(vals(ember::avg_pool2d_backward(g, x, {2, 2}, {2, 2}, {0, 0}, false, true, std::nullopt)), V(16, 0.25)));
  CHECK(near(vals(ember::_adaptive_avg_pool2d_backward(ones({1, 1, 1, 1}, TensorOptions(kFloat64)), x)),
             V(16, 1.0 / 16)));
}

TEST_CASE("nn ops: normalization", "[nn_ops]") {
  Tensor x = f64({4, 3, 2}, 11);
  Tensor rm = zeros({3}, TensorOptions(kFloat64)), rv = ones({3}, TensorOptions(kFloat64));
  Tensor y = ember::batch_norm(x, std::nullopt, std::nullopt, rm, rv, true, 0.1, 1e-5, false);
  V mean = vals(x.mean(IntArrayRef({0, 2})));
  CHECK(near(vals(rm), {0.1 * mean[0], 0.1 * mean[1], 0.1 * mean[2]}, 1e-12));
  CHECK(near(vals(y.mean(IntArrayRef({0, 2}))), {0, 0, 0}, 1e-9));
  auto bn = ember::native_batch_norm(x, std::nullopt, std::nullopt, std::nullopt, std::nullopt, true, 0.1, 1e-5);
  CHECK(near(vals(std::get<1>(bn)), mean, 1e-12));
  auto bb = ember::_batch_norm_backward(ones_like(x), x, std::nullopt, std::get<1>(bn), std::get<2>(bn), true);
  CHECK(near(vals(std::get<0>(bb)), V(24, 0.0), 1e-9));
  CHECK(near(vals(std::get<2>(bb)), {8, 8, 8}, 1e-12));
  Tensor ln = ember::layer_norm(x, {2});
  CHECK(near(vals(ln.sum(-1)), V(12, 0.0), 1e-9));
  auto nl = ember::native_layer_norm(x, {2}, std::nullopt, std::nullopt, 1e-5);
  auto lb = ember::_layer_norm_backward(ones_like(x), x, {2}, std::get<1>(nl), std::get<2>(nl), std::nullopt);
  CHECK(near(vals(std::get<2>(lb)), {12, 12}, 1e-12));
  Tensor gn = ember::group_norm(f64({2, 4, 3}, 12), 2);
  CHECK(near(vals(gn.view({2, 2, 6}).mean(-1)), V(4, 0.0), 1e-9));
}

TEST_CASE("nn ops: activations, dropout, embedding, one_hot, pad, upsample", "[nn_ops]") {
  Tensor a = tensor({-2.0, 0.5, 7.0}).to(kFloat64);
  CHECK(near(vals(ember::relu6(a)), {0, 0.5, 6}));
  CHECK(near(vals(ember::hardtanh(a)), {-1, 0.5, 1}));
  CHECK(near(vals(ember::leaky_relu(a, 0.1)), {-0.2, 0.5, 7}));
  CHECK(near(vals(ember::elu(a)), {std::expm1(-2.0), 0.5, 7}));
  CHECK(near(vals(ember::softplus(a)), {std::log1p(std::exp(-2.0)), std::log1p(std::exp(0.5)), std::log1p(std::exp(7.0))}));
  manual_seed(0);
  Tensor d = ember::dropout(ones({1000}, TensorOptions(kFloat64)), 0.5, true);
  V dv = vals(d);
  int zeros_n = 0;
  for (double v : dv) {
    CHECK((v == 0.0 || v == 2.0));
    zeros_n += v == 0.0;
  }
  CHECK((zeros_n > 400 && zeros_n < 600));
  CHECK(near(vals(ember::feature_dropout(ones({2, 3, 2}, TensorOptions(kFloat64)), 0.5, false)), V(12, 1.0)));
  Tensor w = arange(6, TensorOptions(kFloat64)).view({3, 2});
  Tensor idx = tensor({2, 0, 2}).to(kInt64);
  CHECK(near(vals(ember::embedding(w, idx)), {4, 5, 0, 1, 4, 5}));
  CHECK(near(vals(ember::_embedding_backward(ones({3, 2}, TensorOptions(kFloat64)), idx, {3, 2}, 0, false)),
             {0, 0, 0, 0, 2, 2}));
  CHECK(vals(ember::one_hot(tensor({1, 0}).to(kInt64), 3)) == V{0, 1, 0, 1, 0, 0});
  Tensor r = arange(3, TensorOptions(kFloat64)).view({1, 3});
  CHECK(near(vals(ember::constant_pad_nd(r, {1, 1}, 9)), {9, 0, 1, 2, 9}));
  CHECK(near(vals(ember::pad(r.view({1, 1, 3}), {2, 1}, "reflect")), {2, 1, 0, 1, 2, 1}));
  CHECK(near(vals(ember::pad(r.view({1, 1, 3}), {1, 1}, "replicate")), {0, 0, 1, 2, 2}));
  Tensor img = arange(4, TensorOptions(kFloat64)).view({1, 1, 2, 2});
  CHECK(near(vals(ember::upsample_nearest2d(img, {4, 4})), {0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3}));
  CHECK(near(vals(ember::upsample_bilinear2d(img, {3, 3}, true)), {0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3}));
}
