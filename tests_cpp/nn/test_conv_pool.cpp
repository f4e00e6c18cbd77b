// The C++ convolution and pooling layers and their nn::functional forms: options (ExpandingArray sizes,
// padding kSame / kValid, padding modes), values against the schema ops and hand computations, parameter
// shapes and init bounds, and pretty_print equal to Python's repr (texts checked against PyTorch 2.13).
#include <catch2/catch.hpp>

#include <ember/ember.h>

#include <cmath>
#include <sstream>

using namespace ember;
namespace F = ember::nn::functional;

namespace {
std::string str(const nn::Module& m) {
  std::ostringstream s;
  m.pretty_print(s);
  return s.str();
}
bool same(const Tensor& a, const Tensor& b) { return a.sizes() == b.sizes() && allclose(a, b, 0, 1e-12); }
}  // namespace

TEST_CASE("ExpandingArray: one value or a list of D values", "[nn]") {
  ExpandingArray<2> a(3);
  REQUIRE((*a)[0] == 3);
  REQUIRE((*a)[1] == 3);
  REQUIRE(a.is_single());
  ExpandingArray<2> b({1, 2});
  REQUIRE(b.vec() == std::vector<int64_t>{1, 2});
  REQUIRE_FALSE(b.is_single());
  IntArrayRef r = b;
  REQUIRE(r.size() == 2);
  REQUIRE_THROWS_AS(ExpandingArray<2>({1, 2, 3}), ValueError);
  std::ostringstream s;
  s << ExpandingArray<1>(4) << " " << b;
  REQUIRE(s.str() == "(4,) (1, 2)");
}

TEST_CASE("F::conv1d/conv2d/conv_transpose with FuncOptions equal the schema ops", "[nn]") {
  manual_seed(0);
  auto x = randn({2, 4, 6, 5}, kFloat64);
  auto w = randn({6, 2, 3, 3}, kFloat64);
  auto b = randn({6}, kFloat64);
  REQUIRE(same(F::conv2d(x, w, F::Conv2dFuncOptions().bias(b).stride(2).padding(1).groups(2)),
               conv2d(x, w, b, IntArrayRef({2, 2}), IntArrayRef({1, 1}), IntArrayRef({1, 1}), 2)));
  REQUIRE(same(F::conv2d(x, w, F::Conv2dFuncOptions().padding(kSame).groups(2).dilation({1, 2})),
               conv2d(x, w, std::nullopt, IntArrayRef({1, 1}), "same", IntArrayRef({1, 2}), 2)));
  REQUIRE(F::conv2d(x, w, F::Conv2dFuncOptions().groups(2).padding(kValid)).sizes() == std::vector<int64_t>{2, 6, 4, 3});
  REQUIRE(F::conv2d(x, w, F::Conv2dFuncOptions().groups(2).padding({1, 0})).sizes() ==
          std::vector<int64_t>{2, 6, 6, 3});
  auto x1 = randn({2, 3, 7}, kFloat64);
  auto w1 = randn({4, 3, 2}, kFloat64);
  REQUIRE(same(F::conv1d(x1, w1, F::Conv1dFuncOptions().stride(2)), conv1d(x1, w1, std::nullopt, IntArrayRef({2}))));
  auto wt = randn({4, 3, 3, 3}, kFloat64);
  auto xt = randn({1, 4, 3, 3}, kFloat64);
  REQUIRE(same(F::conv_transpose2d(xt, wt, F::ConvTranspose2dFuncOptions().stride(2).output_padding(1)),
               conv_transpose2d(xt, wt, std::nullopt, IntArrayRef({2, 2}), IntArrayRef({0, 0}), IntArrayRef({1, 1}))));
  auto wt1 = randn({3, 2, 3}, kFloat64);
  REQUIRE(F::conv_transpose1d(x1, wt1, F::ConvTranspose1dFuncOptions().stride(2)).sizes() ==
          std::vector<int64_t>{2, 2, 15});
}

TEST_CASE("Conv2d: parameters, default init, forward, padding modes, repr", "[nn]") {
  manual_seed(0);
  nn::Conv2d conv(nn::Conv2dOptions(4, 6, {3, 2}).groups(2));
  REQUIRE(conv->weight.sizes() == std::vector<int64_t>{6, 2, 3, 2});
  REQUIRE(conv->bias.sizes() == std::vector<int64_t>{6});
  REQUIRE(conv->named_parameters().keys() == std::vector<std::string>{"weight", "bias"});
  double bound = 1 / std::sqrt(12.0);
  REQUIRE(conv->weight.abs().max().item<double>() <= bound + 1e-7);
  REQUIRE(conv->bias.abs().max().item<double>() <= bound + 1e-7);
  conv->to(kFloat64);
  auto x = randn({2, 4, 5, 5}, kFloat64);
  REQUIRE(same(conv(x), conv2d(x, conv->weight, conv->bias, IntArrayRef({1, 1}), IntArrayRef({0, 0}), IntArrayRef({1, 1}), 2)));

  nn::Conv2d reflect(nn::Conv2dOptions(2, 3, 3).padding({1, 2}).padding_mode(kReflect));
  reflect->to(kFloat64);
  auto x2 = randn({1, 2, 5, 6}, kFloat64);
  auto padded = F::pad(x2, F::PadFuncOptions({2, 2, 1, 1}).mode(kReflect));
  REQUIRE(same(reflect(x2), conv2d(padded, reflect->weight, reflect->bias)));
  nn::Conv2d same_circular(nn::Conv2dOptions(2, 1, {3, 4}).padding(kSame).padding_mode(kCircular));
  same_circular->to(kFloat64);
  auto sp = F::pad(x2, F::PadFuncOptions({1, 2, 1, 1}).mode(kCircular));
  REQUIRE(same(same_circular(x2), conv2d(sp, same_circular->weight, same_circular->bias)));
  REQUIRE(same_circular(x2).sizes() == std::vector<int64_t>{1, 1, 5, 6});

  REQUIRE(str(*nn::Conv2d(nn::Conv2dOptions(3, 8, 3).stride(2).padding(1).bias(false))) ==
          "Conv2d(3, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)");
  REQUIRE(str(*nn::Conv2d(nn::Conv2dOptions(3, 6, {3, 5}).padding(kSame).dilation(2).groups(3).padding_mode(kReflect))) ==
          "Conv2d(3, 6, kernel_size=(3, 5), stride=(1, 1), padding=same, dilation=(2, 2), groups=3, "
          "padding_mode=reflect)");
  REQUIRE(str(*nn::Conv2d(nn::Conv2dOptions(2, 2, 3).padding(kValid))) ==
          "Conv2d(2, 2, kernel_size=(3, 3), stride=(1, 1), padding=valid)");
  REQUIRE(str(*nn::Conv1d(2, 4, 3)) == "Conv1d(2, 4, kernel_size=(3,), stride=(1,))");

  REQUIRE_THROWS_WITH(nn::Conv2d(nn::Conv2dOptions(3, 8, 3).groups(2)), "in_channels must be divisible by groups");
  REQUIRE_THROWS_WITH(nn::Conv2d(nn::Conv2dOptions(4, 6, 3).groups(4)), "out_channels must be divisible by groups");
  REQUIRE_THROWS_WITH(nn::Conv2d(nn::Conv2dOptions(4, 8, 3).groups(0)), "groups must be a positive integer");
  REQUIRE_THROWS_AS(nn::Conv2d(nn::Conv2dOptions(4, 8, 3).padding(kSame).stride(2)), ValueError);
}

TEST_CASE("Conv1d and ConvTranspose1d/2d: forward, output_size, repr", "[nn]") {
  manual_seed(1);
  nn::Conv1d c1(nn::Conv1dOptions(2, 3, 3).padding(2).padding_mode(kReplicate));
  c1->to(kFloat64);
  auto x = randn({2, 2, 7}, kFloat64);
  REQUIRE(same(c1(x), conv1d(F::pad(x, F::PadFuncOptions({2, 2}).mode(kReplicate)), c1->weight, c1->bias)));

  nn::ConvTranspose2d t(nn::ConvTranspose2dOptions(4, 2, 3).stride(2));
  REQUIRE(t->weight.sizes() == std::vector<int64_t>{4, 2, 3, 3});
  auto xt = randn({1, 4, 5, 5});
  REQUIRE(t(xt).sizes() == std::vector<int64_t>{1, 2, 11, 11});
  REQUIRE(t(xt, std::vector<int64_t>{12, 12}).sizes() == std::vector<int64_t>{1, 2, 12, 12});
  REQUIRE(t(xt, std::vector<int64_t>{1, 2, 11, 12}).sizes() == std::vector<int64_t>{1, 2, 11, 12});
  REQUIRE_THROWS_WITH(t(xt, std::vector<int64_t>{20, 20}),
                      "requested an output size of [20, 20], but valid sizes range from [11, 11] to [12, 12] "
                      "(for an input of [5, 5])");
  REQUIRE_THROWS_AS(t(xt, std::vector<int64_t>{1, 2, 3}), ValueError);
  REQUIRE_THROWS_WITH(nn::ConvTranspose2d(nn::ConvTranspose2dOptions(4, 8, 3).padding_mode(kReflect)),
                      "Only \"zeros\" padding mode is supported for ConvTranspose2d");
  REQUIRE(str(*nn::ConvTranspose2d(nn::ConvTranspose2dOptions(4, 2, 3).stride(2).padding(1).output_padding(1).groups(2))) ==
          "ConvTranspose2d(4, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1), groups=2)");
  REQUIRE(str(*nn::ConvTranspose1d(nn::ConvTranspose1dOptions(4, 2, 3).stride(2).output_padding(1))) ==
          "ConvTranspose1d(4, 2, kernel_size=(3,), stride=(2,), output_padding=(1,))");
  nn::ConvTranspose1d t1(2, 3, 3);
  REQUIRE(t1(randn({2, 2, 4})).sizes() == std::vector<int64_t>{2, 3, 6});

  // backward reaches every parameter
  auto y = t(xt).sum();
  y.backward();
  REQUIRE(t->weight.grad().defined());
  REQUIRE(t->bias.grad().sizes() == std::vector<int64_t>{2});
}

TEST_CASE("Pooling modules and functional: values, indices, repr", "[nn]") {
  auto x = arange(0, 32, 1, TensorOptions().dtype(kFloat64)).reshape({1, 2, 4, 4});
  auto y = F::max_pool2d(x, F::MaxPool2dFuncOptions(2));
  REQUIRE(same(y, tensor({5.0, 7.0, 13.0, 15.0, 21.0, 23.0, 29.0, 31.0}, kFloat64).reshape({1, 2, 2, 2})));
  nn::MaxPool2d mp(nn::MaxPool2dOptions(2));
  auto [out, idx] = mp->forward_with_indices(x);
  REQUIRE(same(out, y));
  REQUIRE(idx.dtype() == kInt64);
  REQUIRE(idx.select(1, 0).sum().item<int64_t>() == 5 + 7 + 13 + 15);
  REQUIRE(same(nn::AvgPool2d(2)(x), avg_pool2d(x, IntArrayRef({2, 2}))));
  REQUIRE(same(nn::AdaptiveAvgPool2d(1)(x), x.mean(std::vector<int64_t>{2, 3}, true)));
  REQUIRE(nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions({2, std::nullopt}))(x).sizes() ==
          std::vector<int64_t>{1, 2, 2, 4});
  auto x1 = arange(0, 7, 1, TensorOptions().dtype(kFloat64)).reshape({1, 1, 7});
  REQUIRE(same(nn::MaxPool1d(nn::MaxPool1dOptions(3).ceil_mode(true))(x1), tensor({2.0, 5.0, 6.0}, kFloat64).reshape({1, 1, 3})));
  REQUIRE(same(nn::AvgPool1d(2)(x1), tensor({0.5, 2.5, 4.5}, kFloat64).reshape({1, 1, 3})));
  REQUIRE(same(nn::AdaptiveAvgPool1d(1)(x1), tensor({3.0}, kFloat64).reshape({1, 1, 1})));
  REQUIRE(same(F::avg_pool2d(x, F::AvgPool2dFuncOptions(2).divisor_override(1)), avg_pool2d(x, IntArrayRef({2, 2})) * 4));
  REQUIRE(std::get<1>(F::max_pool1d_with_indices(x1, F::MaxPool1dFuncOptions(2))).sizes() ==
          std::vector<int64_t>{1, 1, 3});

  REQUIRE(str(*nn::MaxPool2d(2)) == "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)");
  REQUIRE(str(*nn::MaxPool2d(nn::MaxPool2dOptions({2, 3}).stride(1).padding(1).dilation(2).ceil_mode(true))) ==
          "MaxPool2d(kernel_size=(2, 3), stride=1, padding=1, dilation=2, ceil_mode=True)");
  REQUIRE(str(*nn::MaxPool1d(3)) == "MaxPool1d(kernel_size=3, stride=3, padding=0, dilation=1, ceil_mode=False)");
  REQUIRE(str(*nn::AvgPool1d(nn::AvgPool1dOptions(3).stride(2).padding(1))) ==
          "AvgPool1d(kernel_size=(3,), stride=(2,), padding=(1,))");
  REQUIRE(str(*nn::AvgPool2d(2)) == "AvgPool2d(kernel_size=2, stride=2, padding=0)");
  REQUIRE(str(*nn::AvgPool2d(nn::AvgPool2dOptions({2, 3}).stride({1, 2}).padding(1))) ==
          "AvgPool2d(kernel_size=(2, 3), stride=(1, 2), padding=1)");
  REQUIRE(str(*nn::AdaptiveAvgPool1d(4)) == "AdaptiveAvgPool1d(output_size=4)");
  REQUIRE(str(*nn::AdaptiveAvgPool2d(5)) == "AdaptiveAvgPool2d(output_size=5)");
  REQUIRE(str(*nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions({5, std::nullopt}))) ==
          "AdaptiveAvgPool2d(output_size=(5, None))");
  REQUIRE(nn::MaxPool2d(2)->named_parameters().is_empty());
}
