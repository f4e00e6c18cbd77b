#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>

#include <ember/ember.h>

using namespace ember;

TEST_CASE("float16 and bfloat16 round to nearest even") {
  REQUIRE(static_cast<float>(Half(1.0f)) == 1.0f);
  REQUIRE(Half(1.0f).x == 0x3c00);
  REQUIRE(Half(65504.0f).x == 0x7bff);
  REQUIRE(Half(65520.0f).x == 0x7c00);                       // rounds to inf
  REQUIRE(static_cast<float>(Half(5.9604645e-08f)) == 5.9604645e-08f);  // smallest subnormal
  REQUIRE(std::isnan(static_cast<float>(Half(NAN))));
  REQUIRE(Half(1.0f + 1.0f / 2048).x == 0x3c00);            // tie -> even
  REQUIRE(BFloat16(1.0f).x == 0x3f80);
  REQUIRE(static_cast<float>(BFloat16(3.14159f)) == 3.140625f);
  REQUIRE(std::isnan(static_cast<float>(BFloat16(NAN))));
}

TEST_CASE("dtype names and sizes") {
  REQUIRE(element_size(kBFloat16) == 2);
  REQUIRE(std::string(dtype_name(kInt16)) == "int16");
  REQUIRE(std::string(scalar_type_name(kInt64)) == "Long");
  REQUIRE(dtype_from_name("float64") == kFloat64);
  REQUIRE_THROWS_AS(dtype_from_name("complex64"), ValueError);
  REQUIRE(can_cast(kInt32, kFloat16));
  REQUIRE_FALSE(can_cast(kFloat32, kInt64));
}

static std::string show(const Tensor& t) {
  std::ostringstream s;
  s << t;
  return s.str();
}

TEST_CASE("tensors print as libtorch prints them") {
  REQUIRE(show(ones({2, 2})) == " 1  1\n 1  1\n[ CPUFloatType{2,2} ]");
  REQUIRE(show(tensor({1, 2, 3})) == " 1\n 2\n 3\n[ CPULongType{3} ]");
  REQUIRE(show(tensor({0.5, 12.25})) == "  0.5000\n 12.2500\n[ CPUFloatType{2} ]");
  REQUIRE(tensor({1.5}, kFloat64).dtype() == kFloat64);
  REQUIRE(tensor(true).dtype() == kBool);
  REQUIRE(show(zeros({0, 3})) == "[ CPUFloatType{0,3} ]");
  REQUIRE(show(Tensor()) == "[ Tensor (undefined) ]");
  REQUIRE(show(arange(6, kFloat64).sum()) == "15\n[ CPUDoubleType{} ]");
  REQUIRE(show(tensor(3.5)) == "3.5\n[ CPUFloatType{} ]");
  std::string three = show(arange(8).reshape({2, 2, 2}));
  REQUIRE(three.find("(1,.,.) = \n 0  1\n 2  3\n") == 0);
  REQUIRE(three.find("(2,.,.) = \n 4  5\n 6  7\n[ CPULongType{2,2,2} ]") != std::string::npos);
}

TEST_CASE("devices parse and print") {
  REQUIRE(Device("cuda:1").index() == 1);
  REQUIRE(Device("cpu").str() == "cpu");
  REQUIRE_THROWS_AS(Device("tpu"), Error);
  REQUIRE_THROWS_AS(Device("cuda:x"), Error);
}

#include <ember/core/dlpack.h>

TEST_CASE("DLPack export and import share memory") {
  auto t = arange(6, kFloat64).reshape({2, 3}).transpose(0, 1);
  DLManagedTensorVersioned1* m = to_dlpack_versioned(t);
  REQUIRE(m->dl_tensor.ndim == 2);
  REQUIRE(m->dl_tensor.strides[0] == 1);
  Tensor back = from_dlpack(m);  // takes ownership
  REQUIRE(back.data_ptr() == t.data_ptr());
  REQUIRE(back.strides().vec() == std::vector<int64_t>{1, 3});
  DLManagedTensor* legacy = to_dlpack(ones({2}, kBool));
  REQUIRE(legacy->dl_tensor.dtype.bits == 8);
  Tensor b = from_dlpack(legacy);
  REQUIRE(b.dtype() == kBool);
}
