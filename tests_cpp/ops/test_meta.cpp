// The meta device from C++: tensors with shape, dtype and strides but no memory (docs/meta_device.md).
#include <catch2/catch.hpp>

#include <sstream>

#include <ember/ember.h>

using namespace ember;

using Shape = std::vector<int64_t>;

TEST_CASE("meta: Device(\"meta\") and kMeta make tensors without memory", "[meta]") {
  Device d("meta");
  REQUIRE(d.is_meta());
  REQUIRE(d == Device(kMeta));
  REQUIRE(d.str() == "meta");
  auto x = empty({3, 4}, TensorOptions(kFloat64).device(kMeta));
  REQUIRE(x.is_meta());
  REQUIRE_FALSE(x.is_cpu());
  REQUIRE(x.sizes().vec() == Shape{3, 4});
  REQUIRE(x.strides().vec() == Shape{4, 1});
  REQUIRE(x.dtype() == kFloat64);
  REQUIRE(x.nbytes() == 96);
  REQUIRE(x.impl()->storage()->nbytes() == 96);
  REQUIRE(x.impl()->storage()->data() == nullptr);
  REQUIRE_THROWS_WITH(Device("metal"), Catch::Contains("Expected one of cpu, cuda, meta"));
}

TEST_CASE("meta: ops compute shape, dtype and strides without kernels", "[meta]") {
  auto opts = TensorOptions().device(kMeta);
  auto a = empty({2, 3, 4}, opts);
  auto b = empty({4, 5}, opts);
  auto c = matmul(a, b);
  REQUIRE(c.is_meta());
  REQUIRE(c.sizes().vec() == Shape{2, 3, 5});
  REQUIRE((c + empty({5}, opts.dtype(kFloat64))).dtype() == kFloat64);
  auto s = (a + 1).sum(IntArrayRef{1}, true);
  REQUIRE(s.is_meta());
  REQUIRE(s.sizes().vec() == Shape{2, 1, 4});
  auto t = a.transpose(0, 2);  // views need no memory
  REQUIRE(t.strides().vec() == Shape{1, 4, 12});
  auto [values, indices] = a.topk(2, 1);
  REQUIRE(values.sizes().vec() == Shape{2, 2, 4});
  REQUIRE(indices.dtype() == kInt64);
  REQUIRE(indices.is_meta());
  std::vector<Tensor> parts{a, empty({1, 3, 4}, opts)};
  auto k = cat(parts, 0);
  REQUIRE(k.sizes().vec() == Shape{3, 3, 4});
  auto x = ones({3}).to(Device(kMeta));
  REQUIRE(x.is_meta());
  REQUIRE(zeros_like(x).is_meta());
  // A CPU 0-d tensor acts as a scalar.
  REQUIRE((a * full({}, 2.0)).is_meta());
}

TEST_CASE("meta: no data to read, mixed devices refused", "[meta]") {
  auto m = empty({3}, TensorOptions().device(kMeta));
  REQUIRE_THROWS_WITH(m.sum().item(), Catch::Contains("cannot be called on meta tensors"));
  REQUIRE_THROWS_AS(m.cpu(), NotImplementedError);
  REQUIRE_THROWS_AS(m.data_ptr(), Error);
  REQUIRE_THROWS_AS(m.nonzero(), NotImplementedError);
  REQUIRE_THROWS_WITH(m + ones({3}), Catch::Contains("meta") && Catch::Contains("cpu"));
  REQUIRE_THROWS_WITH(mm(m.view({1, 3}), ones({3, 2})), Catch::Contains("meta") && Catch::Contains("cpu"));
  std::ostringstream os;
  os << m;
  REQUIRE(os.str() == "[ MetaFloatType{3} ]");
}

TEST_CASE("meta: backward gives meta gradients", "[meta]") {
  auto w = empty({4, 2}, TensorOptions().device(kMeta).requires_grad(true));
  auto x = empty({3, 4}, TensorOptions().device(kMeta));
  matmul(x, w).relu().sum().backward();
  REQUIRE(w.grad().defined());
  REQUIRE(w.grad().is_meta());
  REQUIRE(w.grad().sizes().vec() == Shape{4, 2});
}
