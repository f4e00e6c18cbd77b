// Device-safe ops from C++: "privateuseone" with no kernels and a no-access allocator (its memory faults
// on any host access). Every registry entry, called with generated arguments on that device, throws an
// ember::Error or returns; a host read of device memory would crash this binary
// (tests_py/test_device_safety.py runs the meta cases too; docs/cpu_kernels.md, "Device-safe ops").
#include <catch2/catch.hpp>

#include <string>

#include <ember/core/allocator.h>
#include <ember/ember.h>

using namespace ember;

namespace {

void install_fake_device() { set_allocator(kPrivateUse1, no_access_allocator()); }

Tensor fake(ScalarType dt) { return empty({2, 3}, TensorOptions(dt).device(kPrivateUse1)); }

/// One value per argument of op: tensors on the fake device (int64 for indices, bool for masks),
/// defaults where the schema has them, else small valid-looking values.
Stack boxed_args(const OpInfo& op, ScalarType float_dtype) {
  Stack s;
  for (const ArgInfo& a : op.args) {
    std::string type = a.type, name = a.name;
    if (type.rfind("Tensor", 0) == 0) {
      ScalarType dt = name == "index" || name == "indices" || name == "idx" || name == "sorter" || name == "repeats"
                          ? kInt64
                          : name == "mask" || name == "condition" ? kBool : float_dtype;
      if (type.find("[]") != std::string::npos) s.emplace_back(std::vector<Tensor>{fake(dt), fake(dt)});
      else s.emplace_back(fake(dt));
    } else if (type.rfind("Device", 0) == 0) {
      s.emplace_back(Device(kPrivateUse1));
    } else if (a.has_default) {
      s.push_back(a.default_ivalue);
    } else if (type.rfind("int[]", 0) == 0) {
      s.emplace_back(std::vector<int64_t>{3, 2});
    } else if (type.rfind("int", 0) == 0) {
      s.emplace_back(int64_t{1});
    } else if (type.rfind("float[]", 0) == 0) {
      s.emplace_back(std::vector<double>{0.5});
    } else if (type.rfind("float", 0) == 0 || type.rfind("Scalar", 0) == 0) {
      s.emplace_back(0.5);
    } else if (type.rfind("bool", 0) == 0) {
      s.emplace_back(false);
    } else if (type.rfind("str", 0) == 0) {
      s.emplace_back(std::string("none"));
    } else {
      s.emplace_back();  // ScalarType?, Generator?: None
    }
  }
  return s;
}

}  // namespace

TEST_CASE("device safety: every registry entry on a device without kernels throws cleanly", "[device_safety]") {
  install_fake_device();
  int calls = 0, no_kernel = 0;
  for (ScalarType dt : {kFloat32, kFloat64, kInt64}) {
    for (const OpInfo& op : all_ops()) {
      Stack s = boxed_args(op, dt);
      ++calls;
      try {
        call_boxed(op.id, s);
        for (const IValue& v : s)  // results stay on the device
          if (v.isTensor() && v.toTensor().defined()) REQUIRE(v.toTensor().device() == Device(kPrivateUse1));
      } catch (const Error& e) {
        no_kernel += std::string(e.what()).find("privateuseone") != std::string::npos;
      }
    }
  }
  INFO(no_kernel << " of " << calls << " calls raised an error naming the device");
  REQUIRE(no_kernel > calls / 2);
}

TEST_CASE("device safety: mixed devices raise naming both, 0-d CPU tensors join as scalars", "[device_safety]") {
  install_fake_device();
  Tensor x = fake(kFloat32);
  REQUIRE(x.device().str() == "privateuseone");
  REQUIRE(Device("privateuseone") == Device(kPrivateUse1));
  // A 0-d CPU tensor or a number joins: the op gets as far as its (missing) kernel.
  REQUIRE_THROWS_WITH(x + tensor(2.0), Catch::Contains("not implemented for 'Float' on privateuseone"));
  REQUIRE_THROWS_WITH(x * 2, Catch::Contains("not implemented for 'Float' on privateuseone"));
  // Anything else mixed names both devices.
  for (auto f : {+[](const Tensor& a, const Tensor& b) { return a + b; },
                 +[](const Tensor& a, const Tensor& b) { return cat({a, b}); },
                 +[](const Tensor& a, const Tensor& b) { return matmul(a, b.t()); },
                 +[](const Tensor& a, const Tensor& b) { return where(a.gt(0), a, b); }}) {
    try {
      f(x, ones({2, 3}));
      FAIL("mixing privateuseone and cpu tensors did not throw");
    } catch (const Error& e) {
      std::string m = e.what();
      bool names_both = m.find("privateuseone") != std::string::npos && m.find("cpu") != std::string::npos;
      bool no_kernel = m.find("not implemented") != std::string::npos;  // a kernel lookup came first (a.gt(0))
      REQUIRE((names_both || no_kernel));
    }
  }
  REQUIRE_THROWS_WITH(empty({}, x.options()).item(), Catch::Contains("privateuseone"));  // through a copy kernel
  REQUIRE_THROWS_WITH(x.to(Device(kCPU)), Catch::Contains("privateuseone"));
}
