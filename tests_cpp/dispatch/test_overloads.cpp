// Overloads from C++ (docs/op_names.md): the ops that used to be written twice (C++ headers and Python)
// now come from one schema entry each; the registry names them aten::name.overload and resolves a bare
// name the way the Python parser does.
#include <catch2/catch.hpp>

#include <ember/ember.h>

using namespace ember;

namespace {
std::vector<int64_t> shape(const Tensor& t) { return t.sizes().vec(); }
}  // namespace

TEST_CASE("split / split_with_sizes / chunk / unbind / meshgrid return views", "[overloads]") {
  auto x = arange(12, kFloat64).reshape({3, 4});
  auto a = split(x, 3, 1);
  REQUIRE(a.size() == 2);
  REQUIRE(shape(a[1]) == std::vector<int64_t>{3, 1});
  auto b = x.split({1, 2});  // split.sizes
  REQUIRE(shape(b[1]) == std::vector<int64_t>{2, 4});
  REQUIRE(split_with_sizes(x, {3, 1}, 1).size() == 2);
  REQUIRE(x.chunk(3, 1).size() == 2);
  auto u = unbind(x, 1);
  REQUIRE(u.size() == 4);
  REQUIRE(u[1].select(0, 2).item<double>() == 9.0);
  a[0].select(0, 0).select(0, 0).fill_(100);
  REQUIRE(x.select(0, 0).select(0, 0).item<double>() == 100.0);
  auto g = meshgrid({arange(3), arange(2)}, "xy");
  REQUIRE(shape(g[0]) == std::vector<int64_t>{2, 3});
  REQUIRE(shape(meshgrid({arange(3), arange(2)})[0]) == std::vector<int64_t>{3, 2});
  REQUIRE_THROWS_WITH(x.split({1, 1}), Catch::Contains("split_with_sizes expects split_sizes to sum exactly to 3"));

  auto y = arange(6, kFloat64).requires_grad_();
  auto p = y.split({2, 4});
  (p[0].sum() * 2 + (p[1] * p[1]).sum()).backward();
  REQUIRE(y.grad().select(0, 5).item<double>() == 10.0);
}

TEST_CASE("var / std unbiased overloads, norm fro, clamp and clip with tensors, to overloads", "[overloads]") {
  auto x = arange(12, kFloat64).reshape({3, 4});
  REQUIRE(std::abs(var(x).item<double>() - 13.0) < 1e-12);           // var.default: unbiased
  REQUIRE(std::abs(var(x, false).item<double>() - 143.0 / 12) < 1e-12);
  REQUIRE(std::abs(x.std(IntArrayRef{1}, false, true).select(0, 0).item<double>() - std::sqrt(1.25)) < 1e-12);
  REQUIRE(std::abs(var(x, IntArrayRef{1}).select(0, 0).item<double>() - 5.0 / 3) < 1e-12);  // var.correction
  auto [v, m] = var_mean(x, false);
  REQUIRE(std::abs(m.item<double>() - 5.5) < 1e-12);
  REQUIRE(std::abs(norm(x, std::string("fro")).item<double>() - std::sqrt(506.0)) < 1e-9);
  auto lo = full({4}, 2.0, kFloat64), hi = full({3, 1}, 9.0, kFloat64);
  auto c = clamp(x, lo, hi);
  REQUIRE(c.min().item<double>() == 2.0);
  REQUIRE(c.max().item<double>() == 9.0);
  REQUIRE(x.clip(0, 5).max().item<double>() == 5.0);
  auto y = x.clone();
  y.clamp_(lo, std::nullopt);
  REQUIRE(y.min().item<double>() == 2.0);
  REQUIRE_THROWS_WITH(clamp(x, std::optional<Tensor>(), std::optional<Tensor>()),
                      Catch::Contains("At least one of 'min' or 'max' must not be None"));
  REQUIRE(x.to(kFloat32).dtype() == kFloat32);
  REQUIRE(x.to(Device(kCPU), kInt32).dtype() == kInt32);
  REQUIRE(x.to(ones({1}, kInt16)).dtype() == kInt16);
  REQUIRE(x.to(kCPU).is_same(x));
  REQUIRE(x.where(x > 5, zeros({1}, kFloat64)).sum().item<double>() == 51.0);
}

TEST_CASE("randint(high, size), randint_like, repeat_interleave, tensordot(int), searchsorted sorter",
          "[overloads]") {
  Generator g(5);
  auto a = randint(4, {500}, g);
  REQUIRE(a.dtype() == kInt64);
  REQUIRE(a.max().item<int64_t>() == 3);
  auto b = randint_like(ones({3, 3}), 2, 6);
  REQUIRE(b.dtype() == kFloat32);
  REQUIRE(b.min().item<double>() >= 2.0);
  REQUIRE(repeat_interleave(tensor({int64_t(1), int64_t(0), int64_t(2)})).sum().item<int64_t>() == 4);
  REQUIRE(shape(repeat_interleave(ones({2, 3}), 2, 1)) == std::vector<int64_t>{2, 6});
  auto x = arange(6, kFloat64).reshape({2, 3});
  REQUIRE(tensordot(x, x.t(), 1).sizes().vec() == std::vector<int64_t>{2, 2});
  REQUIRE(tensordot(x, x, {0, 1}, {0, 1}).item<double>() == 55.0);
  auto seq = tensor({5.0, 1.0, 3.0});
  auto r = searchsorted(seq, tensor({2.0, 4.0}), false, false, std::nullopt, tensor({int64_t(1), int64_t(2), int64_t(0)}));
  REQUIRE(r.select(0, 1).item<int64_t>() == 2);
  auto nz = nonzero_numpy(x > 2);
  REQUIRE(nz.size() == 2);
  REQUIRE(nz[1].select(0, 0).item<int64_t>() == 0);
  REQUIRE(einsum("ij,jk", {x, x.t()}).sizes().vec() == std::vector<int64_t>{2, 2});
}

TEST_CASE("registry entries are aten::name.overload; resolve_overload picks as Python does", "[overloads]") {
  REQUIRE(find_op("aten::max.dim") != nullptr);
  REQUIRE(find_op("max.dim") == find_op("aten::max.dim"));
  REQUIRE(std::string(find_op("max")->overload) == "default");
  REQUIRE(find_op("aten::add_.Scalar")->kind == OpKind::ScalarInplace);
  REQUIRE(find_op("aten::add.out")->kind == OpKind::Out);
  REQUIRE(find_op("aten::pow_.Scalar") != nullptr);
  REQUIRE(find_op("aten::no_such.default") == nullptr);

  auto x = arange(6, kFloat64).reshape({2, 3});
  std::vector<IValue> args{IValue(x), IValue(int64_t(1))};
  const OpInfo& op = resolve_overload("max", args);
  REQUIRE(op.qualified == "aten::max.dim");
  REQUIRE(args.size() == 3);  // keepdim filled in
  op.boxed(args);
  REQUIRE(args.size() == 2);
  REQUIRE(args[1].toTensor().select(0, 0).item<int64_t>() == 2);

  std::vector<IValue> v1{IValue(x), IValue(true)};
  REQUIRE(resolve_overload("var", v1).qualified == "aten::var.default");  // a bool is no int[]
  std::vector<IValue> v2{IValue(x)};
  REQUIRE(resolve_overload("var", v2, {{"dim", IValue(int64_t(1))}, {"unbiased", IValue(false)}}).qualified ==
          "aten::var.dim");
  std::vector<IValue> s{IValue(x), IValue(std::vector<int64_t>{1, 1})};
  REQUIRE(resolve_overload("split", s).qualified == "aten::split.sizes");
  std::vector<IValue> bad{IValue(x), IValue(std::string("a"))};
  REQUIRE_THROWS_AS(resolve_overload("max", bad), TypeError);
  REQUIRE_THROWS_WITH(resolve_overload("max", bad), Catch::Contains("received an invalid combination of arguments") &&
                                                        Catch::Contains("(Tensor self, int dim, bool keepdim=False)"));

  Stack st{IValue(ones({2})), IValue(int64_t(3))};  // a number for a scalar_args Tensor
  call_boxed("add", st);
  REQUIRE(st.size() == 1);
  REQUIRE(st[0].toTensor().sum().item<double>() == 8.0);
  Stack st2{IValue(ones({2})), IValue(full({2}, 2.0)), IValue(int64_t(3))};
  call_boxed("aten::add.Tensor", st2);  // a complete argument list for a named overload
  REQUIRE(st2[0].toTensor().sum().item<double>() == 14.0);
  Stack st3{IValue(ones({2})), IValue(2.5), IValue(int64_t(1))};
  call_boxed("aten::add.Scalar", st3);
  REQUIRE(st3[0].toTensor().sum().item<double>() == 7.0);
  Stack st4{IValue(x), IValue(int64_t(2)), IValue(int64_t(1))};
  call_boxed("aten::split.Tensor", st4);
  REQUIRE(st4.size() == 1);
  REQUIRE(st4[0].toTensorVector().size() == 2);
}

TEST_CASE("Tensor(a!)[] in-place list ops and registry-only ops with non-tensor results", "[overloads]") {
  std::vector<Tensor> ts{ones({2}), zeros({3})};
  _foreach_add_(ts, 2.0);
  _foreach_add_(ts, {ones({2}), ones({3})}, 3);
  _foreach_mul_(ts, 0.5);
  REQUIRE(ts[1].sum().item<double>() == 7.5);
  _foreach_zero_(ts);
  REQUIRE(ts[0].sum().item<double>() == 0.0);

  auto x = ones({2, 3});
  Stack s{IValue(x)};
  call_boxed("aten::size.default", s);
  REQUIRE(s[0].toIntVector() == std::vector<int64_t>{2, 3});
  Stack s2{IValue(x), IValue(int64_t(-1))};
  call_boxed("size", s2);  // resolves to size.int
  REQUIRE(s2[0].toInt() == 3);
  Stack s3{IValue(full({}, 2.5))};
  call_boxed("item", s3);
  REQUIRE(s3[0].toDouble() == 2.5);
  Stack s4{ IValue(std::vector<Tensor>{ones({2})}), IValue(1.5) };
  call_boxed("aten::_foreach_add_.Scalar", s4);
  REQUIRE(s4.empty());  // no results
}

TEST_CASE("div rounding modes, lerp with a tensor weight, where(cond), index_add alpha, random_, fill_, out=",
          "[overloads]") {
  auto a = tensor({int64_t(7), int64_t(-7), int64_t(6)}), b = tensor({int64_t(2), int64_t(2), int64_t(-4)});
  auto tr = div(a, b, std::string("trunc"));
  REQUIRE(tr.dtype() == kInt64);
  REQUIRE(tr.select(0, 1).item<int64_t>() == -3);
  REQUIRE(tr.select(0, 2).item<int64_t>() == -1);
  REQUIRE(a.div(b, std::string("floor")).select(0, 1).item<int64_t>() == -4);
  REQUIRE_THROWS_WITH(div(a, b, std::string("round")), Catch::Contains("'trunc', or 'floor'"));
  auto x = zeros({3}, kFloat64), y = full({3}, 4.0, kFloat64), w = tensor({0.0, 0.25, 1.0}).to(kFloat64);
  auto l = lerp(x, y, w);
  REQUIRE(l.select(0, 1).item<double>() == 1.0);
  REQUIRE(l.select(0, 2).item<double>() == 4.0);
  auto nz = where(tensor({false, true, true}));
  REQUIRE(nz.size() == 1);
  REQUIRE(nz[0].select(0, 0).item<int64_t>() == 1);
  auto ia = zeros({3}, kFloat64).index_add(0, tensor({int64_t(2)}), ones({1}, kFloat64), 2.5);
  REQUIRE(ia.select(0, 2).item<double>() == 2.5);
  auto r = empty({500}, kUInt8);
  r.random_();
  REQUIRE(r.max().item<int64_t>() > 200);
  auto f = zeros({2, 2});
  f.fill_(full({}, 3.0));
  REQUIRE(f.sum().item<double>() == 12.0);
  REQUIRE_THROWS_WITH(f.fill_(ones({2})), Catch::Contains("fill_ only supports 0-dimension value tensor"));
  auto out = empty({2, 2});
  mm_out(out, ones({2, 3}), ones({3, 2}));
  REQUIRE(out.sum().item<double>() == 12.0);
  auto wrong = empty({0});  // resized to the result's shape, as libtorch does
  mm_out(wrong, ones({2, 3}), ones({3, 2}));
  REQUIRE(wrong.sizes() == std::vector<int64_t>{2, 2});
  REQUIRE(wrong.sum().item<double>() == 12.0);
}
