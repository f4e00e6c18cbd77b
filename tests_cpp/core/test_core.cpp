#include <catch2/catch.hpp>

#include <ember/ember.h>

using namespace ember;

TEST_CASE("tensor from values has shape, dtype, contiguous strides") {
  auto x = tensor({1.f, 2.f, 3.f, 4.f}).reshape({2, 2});
  REQUIRE(x.sizes().vec() == std::vector<int64_t>{2, 2});
  REQUIRE(x.strides().vec() == std::vector<int64_t>{2, 1});
  REQUIRE(x.dtype() == kFloat32);
  REQUIRE(x.is_contiguous());
  REQUIRE(x.device() == Device(kCPU));
}

TEST_CASE("views share storage and one version counter with their base") {
  auto x = zeros({2, 3});
  auto t = x.transpose(0, 1);
  auto v = x.view({6});
  REQUIRE(t.impl()->storage() == x.impl()->storage());
  REQUIRE(v.impl()->storage() == x.impl()->storage());
  REQUIRE_FALSE(t.is_contiguous());
  REQUIRE(t.strides().vec() == std::vector<int64_t>{1, 3});
  uint32_t before = x._version();
  v.fill_(7);
  REQUIRE(x._version() == before + 1);
  REQUIRE(t._version() == x._version());
  REQUIRE(x.sum().item<double>() == 42.0);
  t.add_(1);
  REQUIRE(v._version() == before + 2);
  REQUIRE(x.sum().item<double>() == 48.0);
}

TEST_CASE("reshape copies only when it must") {
  auto x = arange(6).view({2, 3});
  auto r = x.reshape({3, 2});
  REQUIRE(r.impl()->storage() == x.impl()->storage());
  auto c = x.transpose(0, 1).reshape({6});
  REQUIRE(c.impl()->storage() != x.impl()->storage());
  REQUIRE(c.data_ptr<int64_t>()[1] == 3);
  REQUIRE_THROWS_AS(x.transpose(0, 1).view({6}), Error);
}

TEST_CASE("type promotion follows PyTorch") {
  REQUIRE(promote_types(kUInt8, kInt8) == kInt16);
  REQUIRE(promote_types(kFloat16, kBFloat16) == kFloat32);
  REQUIRE(promote_types(kBool, kInt32) == kInt32);
  auto i = ones({2}, kInt32);
  REQUIRE((i + 1).dtype() == kInt32);        // int scalar keeps width
  REQUIRE((i + 1.5).dtype() == kFloat32);    // float scalar raises category to the default dtype
  REQUIRE((i + ones({2}, kInt64)).dtype() == kInt64);
  REQUIRE((ones({2}, kFloat16) + tensor(2.0)).dtype() == kFloat16);  // 0-d tensor: category only
  REQUIRE((ones({2}, kBool) + tensor(2.0, kFloat64)).dtype() == kFloat64);
  REQUIRE((i / 2).dtype() == kFloat32);
}

TEST_CASE("broadcasting and negative strides in the elementwise iterator") {
  auto a = arange(6, kFloat64).view({2, 3});
  auto b = arange(3, kFloat64);
  auto c = a * b;
  REQUIRE(c.sizes().vec() == std::vector<int64_t>{2, 3});
  REQUIRE(c.data_ptr<double>()[5] == 10.0);
  std::vector<double> buf = {1, 2, 3, 4};
  auto rev = from_blob(buf.data() + 3, {4}, {-1}, nullptr, kFloat64);  // [4, 3, 2, 1]
  auto d = rev - 1;
  REQUIRE(d.data_ptr<double>()[0] == 3.0);
  REQUIRE(d.data_ptr<double>()[3] == 0.0);
}

TEST_CASE("matmul uses numpy's rules") {
  auto x = tensor({1.f, 2.f, 3.f, 4.f}).reshape({2, 2});
  auto z = matmul(x, ones({2, 2})) + 1;
  REQUIRE(z.data_ptr<float>()[0] == 4.f);
  REQUIRE(z.data_ptr<float>()[3] == 8.f);
  auto v = matmul(ones({3, 2, 4}), ones({4}));
  REQUIRE(v.sizes().vec() == std::vector<int64_t>{3, 2});
  REQUIRE_THROWS_WITH(matmul(ones({2, 3}), ones({2, 3})), Catch::Contains("cannot be multiplied"));
}

TEST_CASE("errors name the op and the shapes") {
  REQUIRE_THROWS_WITH(ones({2, 3}) + ones({4}), Catch::Contains("add") && Catch::Contains("[2, 3]"));
  REQUIRE_THROWS_AS(ones({2}, kInt64).add_(1.5), Error);
  REQUIRE_THROWS_AS(empty({2}, Device(kCUDA)), Error);
  REQUIRE_THROWS_WITH(empty({2}, Device(kCUDA)), Catch::Contains("without CUDA"));
}

TEST_CASE("op registry calls ops by name") {
  const OpInfo* op = find_op("add");
  REQUIRE(op != nullptr);
  REQUIRE(op->qualified == "aten::add.Tensor");
  REQUIRE(std::string(op->schema).find("Scalar alpha=1") != std::string::npos);
  Stack s = {IValue(ones({2})), IValue(full({2}, 2.0)), IValue(int64_t(3))};
  call_boxed("aten::add.Tensor", s);
  REQUIRE(s.size() == 1);
  REQUIRE(s[0].toTensor().sum().item<double>() == 14.0);
  REQUIRE(find_op("no_such_op") == nullptr);
}

TEST_CASE("accessor, item, data_ptr and options as in libtorch") {
  auto t = zeros({2, 3}, kFloat64);
  auto a = t.accessor<double, 2>();
  a[1][2] = 5.0;
  REQUIRE(t.data_ptr<double>()[5] == 5.0);
  auto tt = t.transpose(0, 1);
  REQUIRE(tt.accessor<double, 2>()[2][1] == 5.0);  // strides respected
  REQUIRE_THROWS_AS((t.accessor<double, 3>()), Error);
  REQUIRE_THROWS_AS((t.accessor<float, 2>()), TypeError);
  REQUIRE(t.sum().item<double>() == 5.0);
  REQUIRE(t.options().dtype() == kFloat64);
  REQUIRE_FALSE(Tensor().defined());
  REQUIRE(t.scalar_type() == kDouble);
}

TEST_CASE("int[]? arguments own their values: an int or a braced list never dangles") {
  auto t = arange(6, kFloat64).reshape({2, 3});
  REQUIRE(t.sum(1).data_ptr<double>()[1] == 12.0);
  REQUIRE(t.sum({1}).data_ptr<double>()[0] == 3.0);
  REQUIRE(t.sum({0, 1}).item<double>() == 15.0);
  REQUIRE(t.mean(-1, true).sizes().vec() == std::vector<int64_t>{2, 1});
}

TEST_CASE("comparison operators and unary math give libtorch's results") {
  auto a = arange(4, kInt64);  // [0, 1, 2, 3]
  auto b = tensor({0.f, 2.f, 2.f, 1.f});
  auto eq = a == b;
  REQUIRE(eq.dtype() == kBool);
  REQUIRE(eq.data_ptr<bool>()[0]);
  REQUIRE(!eq.data_ptr<bool>()[1]);
  REQUIRE((a < b).data_ptr<bool>()[1]);
  REQUIRE((a >= 2).data_ptr<bool>()[2]);
  REQUIRE(!(1 > a).data_ptr<bool>()[1]);
  REQUIRE((a != b).data_ptr<bool>()[3]);
  REQUIRE(a.le(b).data_ptr<bool>()[2]);
  auto s = sqrt(a);  // integers give the default float dtype
  REQUIRE(s.dtype() == kFloat32);
  REQUIRE(s.data_ptr<float>()[1] == 1.f);
  REQUIRE(floor(a).dtype() == kInt64);
  auto x = tensor({-1.5, 0.5, 2.5}, kFloat64);
  REQUIRE(round(x).data_ptr<double>()[2] == 2.0);  // half to even
  REQUIRE(abs(x).data_ptr<double>()[0] == 1.5);
  REQUIRE(sign(x).data_ptr<double>()[0] == -1.0);
  REQUIRE_THROWS(gelu(a));  // no integer kernel, as in PyTorch
}

TEST_CASE("bitwise operators, where, clamp, allclose and equal from C++") {
  auto m = arange(5, kInt64) > 1;  // [F, F, T, T, T]
  auto n = arange(5, kInt64) < 4;  // [T, T, T, T, F]
  auto both = m & n;
  REQUIRE(both.dtype() == kBool);
  REQUIRE(!both.data_ptr<bool>()[1]);
  REQUIRE(both.data_ptr<bool>()[2]);
  REQUIRE((m | n).data_ptr<bool>()[4]);
  REQUIRE(!(m ^ n).data_ptr<bool>()[3]);
  REQUIRE((~m).data_ptr<bool>()[0]);
  REQUIRE((arange(4, kInt64) & 1).data_ptr<int64_t>()[3] == 1);
  auto w = where(m, arange(5, kFloat64), 0.0);
  REQUIRE(w.dtype() == kFloat64);
  REQUIRE(w.data_ptr<double>()[1] == 0.0);
  REQUIRE(w.data_ptr<double>()[4] == 4.0);
  auto c = clamp(arange(5, kInt64), 1, 3);
  REQUIRE(c.data_ptr<int64_t>()[0] == 1);
  REQUIRE(c.data_ptr<int64_t>()[4] == 3);
  REQUIRE(clamp(arange(3, kInt64), 0.5).dtype() == kFloat32);
  REQUIRE(allclose(ones({3}), ones({3}) + 1e-7));
  REQUIRE(!ones({3}).allclose(zeros({3})));
  REQUIRE(equal(arange(3, kInt64), arange(3, kInt64)));
  REQUIRE(!arange(3, kInt64).equal(arange(4, kInt64)));
  REQUIRE((arange(7, kInt64) % 3).data_ptr<int64_t>()[5] == 2);
  REQUIRE(remainder(arange(3, kInt64) - 2, 3).data_ptr<int64_t>()[0] == 1);  // sign of the divisor
  REQUIRE(fmod(arange(3, kInt64) - 2, 3).data_ptr<int64_t>()[0] == -2);      // sign of the dividend
}

TEST_CASE("to() overloads as in libtorch") {
  auto t = arange(3);
  REQUIRE(t.to(kFloat64).dtype() == kFloat64);
  REQUIRE(t.to(kCPU).is_same(t));
  REQUIRE(t.to(Device(kCPU), kFloat32).dtype() == kFloat32);
  REQUIRE(t.to(TensorOptions(kInt32)).dtype() == kInt32);
  REQUIRE(t.cpu().is_same(t));
  REQUIRE(t.to(kInt64, false, true).data_ptr() != t.data_ptr());
  REQUIRE_THROWS_WITH(t.to(kCUDA), Catch::Contains("without CUDA"));
}

TEST_CASE("clamp with tensor bounds from C++") {
  auto t = tensor({-2., 0.5, 3.}, kFloat64);
  auto r = clamp(t, tensor({-1., 1., 1.}, kFloat64), tensor(2., kFloat64));
  REQUIRE(r.data_ptr<double>()[0] == -1.0);
  REQUIRE(r.data_ptr<double>()[1] == 1.0);
  REQUIRE(r.data_ptr<double>()[2] == 2.0);
  REQUIRE(clamp(t, 0.0, 1.0).data_ptr<double>()[2] == 1.0);
}
