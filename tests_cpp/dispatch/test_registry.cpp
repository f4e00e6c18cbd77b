// The run-time op registry (include/ember/dispatch/library.h, schema.h): schemas as data, ops
// registered from a shared library loaded at run time, their dispatch, autograd and errors.
#include <catch2/catch.hpp>

#include <ember/dispatch/library.h>
#include <ember/dispatch/observer.h>
#include <ember/ember.h>

using namespace ember;

namespace {
void load_test_ops() { dispatch::load_library(EMBER_TEST_OPS_LIB); }

Tensor call1(const char* name, Stack s) {
  dispatch::call_boxed(name, s);
  REQUIRE(s.size() == 1);
  return s[0].toTensor();
}
}  // namespace

TEST_CASE("schema: every built-in schema round-trips through the parser", "[registry][schema]") {
  for (const OpInfo& op : all_ops()) {
    dispatch::FunctionSchema s = dispatch::parse_schema(op.schema);
    INFO(op.schema);
    REQUIRE(s.str() == op.schema);
    REQUIRE(s.name == op.name);
    REQUIRE(s.overload == op.overload);
    REQUIRE(s.arguments.size() == op.args.size());
    for (size_t i = 0; i < op.args.size(); ++i) {
      REQUIRE(s.arguments[i].name == op.args[i].name);
      REQUIRE(s.arguments[i].type() == op.args[i].type);
      REQUIRE(s.arguments[i].kwarg_only == op.args[i].kwarg_only);
      REQUIRE(s.arguments[i].default_value.has_value() == op.args[i].has_default);
      REQUIRE(s.arguments[i].list_size == op.args[i].size);
    }
    REQUIRE(static_cast<int>(s.returns.size()) == op.num_returns);
    REQUIRE(dispatch::parse_schema(s.str()) == s);
    REQUIRE(dispatch::schema_of(op).qualified_name() == op.qualified);
  }
}

TEST_CASE("schema: the grammar and its errors", "[registry][schema]") {
  auto s = dispatch::parse_schema("myops::f.out(Tensor(a!)[] xs, int[2] k=1, *, float? eps=None, str mode='a,b', "
                                  "Tensor(b!) out) -> (Tensor(b!) out, int n)");
  REQUIRE(s.ns == "myops");
  REQUIRE(s.qualified_name() == "myops::f.out");
  REQUIRE(s.arguments[0].type() == "Tensor[]");
  REQUIRE(s.arguments[0].alias->set == "a");
  REQUIRE(s.arguments[0].alias->is_write);
  REQUIRE(s.arguments[1].list_size == 2);
  REQUIRE(s.arguments[2].kwarg_only);
  REQUIRE(s.arguments[2].type() == "float?");
  REQUIRE(*s.arguments[3].default_value == "'a,b'");
  REQUIRE(s.returns.size() == 2);
  REQUIRE(s.returns[1].name == "n");
  REQUIRE(s.is_mutable());
  REQUIRE(!s.is_view());
  REQUIRE(dispatch::parse_schema("g(Tensor x) -> ()").returns.empty());
  REQUIRE(dispatch::parse_schema("g(Tensor x) -> ()").qualified_name() == "aten::g.default");
  for (const char* bad : {"", "f", "f(Tensor) -> Tensor", "f(Tensor x -> Tensor", "f(Tensor x) Tensor",
                          "f(Tensor x, Tensor x) -> Tensor", "f(int x=) -> Tensor", "f(Tensor(a x) -> Tensor",
                          "f(int[2 x) -> Tensor", "f(Tensor x) -> Tensor a b", "f(str s='abc) -> Tensor",
                          "f(*, *, int x) -> Tensor", "ns::(Tensor x) -> Tensor", "f.(Tensor x) -> Tensor"}) {
    INFO(bad);
    REQUIRE_THROWS_WITH(dispatch::parse_schema(bad), Catch::Contains("malformed op schema"));
  }
}

TEST_CASE("registry: alias and determinism flags of built-in entries", "[registry]") {
  auto flags = [](const char* n) { return &dispatch::schema_of(*find_op(n)); };
  REQUIRE(flags("aten::add_.Tensor")->is_inplace());
  REQUIRE(flags("aten::add_.Tensor")->is_mutable());
  REQUIRE(!flags("aten::add.Tensor")->is_mutable());
  REQUIRE(flags("aten::add.out")->is_mutable());
  REQUIRE(!flags("aten::add.out")->is_inplace());
  REQUIRE(flags("aten::select.int")->is_view());
  REQUIRE(flags("aten::transpose.int")->is_view());
  REQUIRE(!flags("aten::clone.default")->is_view());
  REQUIRE(dispatch::is_nondeterministic(*find_op("aten::randn.generator")));
  REQUIRE(dispatch::is_nondeterministic(*find_op("aten::normal_.default")));
  REQUIRE(dispatch::is_nondeterministic(*find_op("aten::rand_like.default")));
  REQUIRE(!dispatch::is_nondeterministic(*find_op("aten::add.Tensor")));
}

TEST_CASE("registry: ops from a shared library loaded at run time", "[registry]") {
  load_test_ops();
  load_test_ops();  // loading again is harmless
  const OpInfo* scale = dispatch::find_op("ember_test::scale");
  REQUIRE(scale != nullptr);
  REQUIRE(scale->qualified == "ember_test::scale.default");
  REQUIRE(std::string(scale->schema) == "scale.default(Tensor self, float k=2.0) -> Tensor");
  REQUIRE(dispatch::find_op("ember_test::scale.default") == scale);
  REQUIRE(static_cast<int>(scale->id) >= kNumOps);
  REQUIRE(dispatch::has_kernel("ember_test::scale.default", DispatchKey::Meta));
  REQUIRE(!dispatch::has_kernel("ember_test::square.default", DispatchKey::Meta));

  Tensor x = ember::arange(6, TensorOptions(kFloat64)).view({2, 3});
  // bare name: the resolver fills the default k=2.0; qualified name: the complete argument list
  REQUIRE(ember::equal(call1("ember_test::scale", {x}), x * 2));
  REQUIRE(ember::equal(call1("ember_test::scale.default", {x, 0.5}), x * 0.5));
  Stack by_kw{x};
  const OpInfo& r = resolve_overload("ember_test::scale", by_kw, {{"k", IValue(3.0)}});
  REQUIRE(&r == scale);
  call_boxed(r, by_kw);
  REQUIRE(ember::equal(by_kw[0].toTensor(), x * 3));
  REQUIRE(ember::equal(call1("ember_test::fast_gelu", {x}), x * ember::sigmoid(x * 1.702)));
  Stack h{x, int64_t{1}};
  dispatch::call_boxed("ember_test::halves", h);
  REQUIRE(h.size() == 2);
  REQUIRE(h[0].toTensor().sizes() == std::vector<int64_t>{2, 2});
  REQUIRE(h[1].toTensor().sizes() == std::vector<int64_t>{2, 1});
  REQUIRE(call1("ember_test::sum_all", {std::vector<Tensor>{x, x}}).item<double>() == 30.0);
  REQUIRE(dispatch::is_nondeterministic(*dispatch::find_op("ember_test::noisy")));
  REQUIRE(!dispatch::is_nondeterministic(*scale));
  REQUIRE_THROWS_AS(call1("ember_test::scale", {std::string("x")}), TypeError);  // no overload fits
  REQUIRE_THROWS_WITH(call1("ember_test::scale", {x.to(kInt64)}), Catch::Contains("floating-point"));
  auto regs = dispatch::registered_ops();
  REQUIRE(std::find(regs.begin(), regs.end(), scale) != regs.end());
}

TEST_CASE("registry: autograd of registered ops", "[registry][autograd]") {
  load_test_ops();
  Tensor x = ember::randn({3}, TensorOptions(kFloat64)).set_requires_grad(true);
  Tensor y = call1("ember_test::scale.default", {x, 3.0});  // the Autograd kernel
  REQUIRE(y.requires_grad());
  y.sum().backward();
  REQUIRE(ember::allclose(x.grad(), ember::full({3}, 3.0, TensorOptions(kFloat64))));
  x.set_grad(Tensor());
  Tensor g = call1("ember_test::fast_gelu", {x});  // composite: the ops it calls record the graph
  g.sum().backward();
  Tensor xd = x.detach().set_requires_grad(true);
  (xd * ember::sigmoid(xd * 1.702)).sum().backward();
  REQUIRE(ember::allclose(x.grad(), xd.grad()));
  Tensor s = call1("ember_test::square", {x});  // no derivative registered
  REQUIRE(s.requires_grad());
  REQUIRE_THROWS_WITH(s.sum().backward(), Catch::Contains("the derivative for 'ember_test::square.default' is not implemented"));
  {
    NoGradGuard no_grad;
    REQUIRE(!call1("ember_test::scale", {x}).requires_grad());
  }
}

TEST_CASE("registry: meta kernels and missing kernels", "[registry][meta]") {
  load_test_ops();
  Tensor m = ember::empty({4, 5}, TensorOptions(kFloat32).device(Device("meta")));
  Tensor r = call1("ember_test::scale", {m});
  REQUIRE(r.device().type() == DeviceType::Meta);
  REQUIRE(r.sizes() == std::vector<int64_t>{4, 5});
  REQUIRE(call1("ember_test::fast_gelu", {m}).device().type() == DeviceType::Meta);  // composite runs on meta
  REQUIRE_THROWS_AS(call1("ember_test::square", {m}), NotImplementedError);
  REQUIRE_THROWS_WITH(call1("ember_test::square", {m}),
                      Catch::Contains("\"ember_test::square.default\" has no kernel for device 'meta'"));
}

TEST_CASE("registry: registration errors name the op", "[registry]") {
  load_test_ops();
  Library lib(Library::FRAGMENT, "ember_test_errors", std::nullopt, __FILE__, __LINE__);
  lib.def("ok(Tensor x) -> Tensor");
  REQUIRE_THROWS_WITH(lib.def("ok(Tensor x) -> Tensor"), Catch::Contains("'ember_test_errors::ok.default' is already registered"));
  REQUIRE_THROWS_WITH(lib.def("bad(Tensor x -> Tensor"), Catch::Contains("malformed op schema"));
  REQUIRE_THROWS_WITH(lib.def("other::f(Tensor x) -> Tensor"), Catch::Contains("namespace"));
  REQUIRE_THROWS_WITH(lib.def("f2(Blob x) -> Tensor"), Catch::Contains("unknown type 'Blob'"));
  REQUIRE_THROWS_WITH(Library(Library::FRAGMENT, "aten", std::nullopt, "x", 1).def("f(Tensor x) -> Tensor"),
                      Catch::Contains("namespace 'aten'"));
  Library cpu(Library::IMPL, "ember_test_errors", DispatchKey::CPU, __FILE__, __LINE__);
  REQUIRE_THROWS_WITH(cpu.impl("ok", [](const Tensor& x, int64_t) { return x; }),
                      Catch::Contains("the CPU kernel of 'ember_test_errors::ok.default'") &&
                          Catch::Contains("(Tensor, int) -> (Tensor)") && Catch::Contains("needs (Tensor) -> (Tensor)"));
  REQUIRE_THROWS_WITH(cpu.impl("ok", [](const Tensor& x) { return std::make_tuple(x, x); }),
                      Catch::Contains("-> (Tensor, Tensor)"));
  cpu.impl("ok", [](const Tensor& x) { return x + 1; });
  REQUIRE_THROWS_WITH(cpu.impl("ok", [](const Tensor& x) { return x; }), Catch::Contains("already has a CPU kernel"));
  // impl before def: checked when the def arrives
  cpu.impl("later", [](const Tensor& x, double k) { return x * k; });
  REQUIRE_THROWS_WITH(lib.def("later(Tensor x, int k) -> Tensor"), Catch::Contains("needs (Tensor, int)"));
  lib.def("later2(Tensor x) -> Tensor");
  REQUIRE_THROWS_WITH(call1("ember_test_errors::later2", {ember::ones({1})}),
                      Catch::Contains("has no kernel for device 'cpu'"));
  REQUIRE(ember::equal(call1("ember_test_errors::ok", {ember::ones({2})}), ember::full({2}, 2.0)));
  REQUIRE_THROWS_AS(dispatch::load_library("/nonexistent/libnothing.so"), Error);
}

TEST_CASE("registry: registered ops are observed", "[registry][observer]") {
  load_test_ops();
  struct Names : dispatch::OpObserver {
    std::vector<std::string> names;
    void on_op(const dispatch::OpCall& c) override { names.emplace_back(c.name); }
  } obs;
  Tensor x = ember::ones({2});
  {
    dispatch::ObserverGuard g(&obs);
    call1("ember_test::scale", {x});
    call1("ember_test::fast_gelu", {x});  // its inner mul/sigmoid are not reported
  }
  REQUIRE(obs.names == std::vector<std::string>{"ember_test::scale.default", "ember_test::fast_gelu.default"});
}
