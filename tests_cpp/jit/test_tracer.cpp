// The tracer (include/ember/jit/tracer.h) and script modules (module.h), runtime side.
#include <ember/ember.h>

#include "jit_test_util.h"

using namespace ember;
using namespace ember::jit;
using jit_test::checked;
using jit_test::count_kind;

TEST_CASE("jit trace: a function of tensors; numbers become constants; loops unroll", "[jit]") {
  auto fn = [](const std::vector<Tensor>& in) {
    Tensor x = in[0];
    for (int i = 0; i < 3; ++i) x = (x * 1.01 + 0.01).tanh() - 0.001;
    return x + in[1];
  };
  Tensor a = ember::randn({16}), b = ember::randn({16});
  auto g = checked(trace(fn, {a, b}));
  REQUIRE(g->inputs().size() == 2);
  REQUIRE(count_kind(*g, "aten::tanh.default") == 3);  // the loop unrolled
  REQUIRE(count_kind(*g, "prim::Constant") <= 4);       // pooled: 1.01, 0.01, 0.001, 1 (alpha)
  REQUIRE(g->str().find("prim::Constant[value=1.01]()") != std::string::npos);
  Function f("f", g);
  Tensor a2 = ember::randn({16}), b2 = ember::randn({16});
  REQUIRE(ember::allclose(f({a2, b2}).toTensor(), fn({a2, b2})));  // new inputs
  // the output type carries the traced facts
  REQUIRE(g->outputs()[0]->type()->str() == "Tensor(dtype=float32, shape=[16], device=cpu)");
}

TEST_CASE("jit trace: tuple, list and dict inputs and outputs", "[jit]") {
  auto fn = [](const std::vector<IValue>& in) -> IValue {
    const auto& t = in[0].toTupleRef();
    GenericDict d = in[1].toGenericDict();
    Tensor s = t[0].toTensor() + t[1].toTensor() * d.at("w").toTensor();
    GenericDict out;
    out.insert("sum", s);
    out.insert("neg", -s);
    return ivalue::Tuple::create({out, std::vector<Tensor>{s, s.exp()}});
  };
  GenericDict d;
  d.insert("w", ember::full({2}, 3.0));
  std::vector<IValue> inputs{ivalue::Tuple::create({ember::ones({2}), ember::ones({2})}), d};
  auto g = checked(trace(fn, inputs));
  REQUIRE(count_kind(*g, "prim::TupleUnpack") == 1);
  REQUIRE(count_kind(*g, "prim::DictIndex") == 1);
  REQUIRE(count_kind(*g, "prim::DictConstruct") == 1);
  Function f("f", g);
  GenericDict d2;
  d2.insert("w", ember::full({2}, -1.0));
  IValue out = f({ivalue::Tuple::create({ember::full({2}, 2.0), ember::ones({2})}), d2});
  const auto& tup = out.toTupleRef();
  REQUIRE(ember::equal(tup[0].toGenericDict().at("sum").toTensor(), ember::ones({2})));
  REQUIRE(ember::equal(tup[0].toGenericDict().at("neg").toTensor(), -ember::ones({2})));
  REQUIRE(ember::allclose(tup[1].toTensorVector()[1], ember::ones({2}).exp()));
  REQUIRE_THROWS_WITH(trace(fn, {IValue(int64_t{3})}), Catch::Contains("inputs must be tensors or tuples"));
}

TEST_CASE("jit trace: in-place ops, untraced tensors as constants, multi-output ops", "[jit]") {
  Tensor outside = ember::full({3}, 5.0);
  auto fn = [&](const std::vector<Tensor>& in) {
    Tensor y = in[0].clone();
    y.add_(outside);  // a tensor made outside the trace: a constant
    auto parts = y.chunk(3, 0);
    auto mx = ember::max(y, 0, false);
    return parts[2] + std::get<0>(mx);
  };
  Tensor x = ember::arange(3, TensorOptions(kFloat32));
  auto g = checked(trace(fn, {x}));
  REQUIRE(count_kind(*g, "aten::add_.Tensor") == 1);
  REQUIRE(count_kind(*g, "prim::ListUnpack") == 1);
  Function f("f", g);
  Tensor x2 = ember::full({3}, -1.0);
  REQUIRE(ember::allclose(f({x2}).toTensor(), fn({x2})));
}

TEST_CASE("jit trace: gradients flow through a traced function", "[jit]") {
  auto fn = [](const std::vector<Tensor>& in) { return ((in[0] * in[1]).sigmoid() * 2).sum(); };
  Tensor a = ember::randn({4}, TensorOptions(kFloat64)), b = ember::randn({4}, TensorOptions(kFloat64));
  auto g = checked(trace(fn, {a, b}));
  Function f("f", g);
  Tensor x = a.clone().requires_grad_(), w = b.clone().requires_grad_();
  f({x, w}).toTensor().backward();
  Tensor xe = a.clone().requires_grad_(), we = b.clone().requires_grad_();
  fn({xe, we}).backward();
  REQUIRE(ember::allclose(x.grad(), xe.grad()));
  REQUIRE(ember::allclose(w.grad(), we.grad()));
}

TEST_CASE("jit module: attributes, methods, parameters, train/eval, to", "[jit]") {
  Module sub("__module__.Sub");
  Tensor w = ember::full({2}, 2.0).requires_grad_();
  sub.register_parameter("w", w);
  Module m("__module__.Net");
  m.register_module("sub", sub);
  m.register_buffer("scale", ember::full({2}, 3.0));
  m.register_attribute("name", std::string("net"));
  auto fn = [&](const std::vector<IValue>& in) -> IValue {
    return in[0].toTensor() * sub.attr("w").toTensor() * m.attr("scale").toTensor();
  };
  auto g = checked(trace_method(m, fn, {IValue(ember::ones({2}))}));
  REQUIRE(count_kind(*g, "prim::GetAttr") == 3);  // sub, sub.w, scale: attributes, not constants
  REQUIRE(count_kind(*g, "prim::Constant") == 0);
  Tensor x = ember::full({2}, 1.5);
  REQUIRE(ember::allclose(m.forward({x}).toTensor(), x * 6));
  m.forward({x}).toTensor().sum().backward();
  REQUIRE(ember::allclose(w.grad(), ember::full({2}, 4.5)));
  auto params = m.named_parameters();
  REQUIRE(params.size() == 1);
  REQUIRE(params[0].first == "sub.w");
  REQUIRE(m.named_buffers()[0].first == "scale");
  REQUIRE(m.state_dict().size() == 2);
  REQUIRE(m.named_children()[0].first == "sub");
  REQUIRE(m.attr("name").toStringRef() == "net");
  REQUIRE_THROWS_WITH(m.attr("nope"), Catch::Contains("has no attribute 'nope'"));
  REQUIRE_THROWS_WITH(m.get_method("nope"), Catch::Contains("has no method 'nope'"));
  REQUIRE(m.get_methods().size() == 1);
  m.eval();
  REQUIRE(!m.is_training());
  REQUIRE(!sub.is_training());
  m.train();
  REQUIRE(sub.is_training());
  m.to(kFloat64);
  REQUIRE(m.named_parameters()[0].second.dtype() == kFloat64);
  REQUIRE(m.named_parameters()[0].second.requires_grad());
  REQUIRE(m.forward({ember::ones({2}, TensorOptions(kFloat64))}).toTensor().dtype() == kFloat64);
  REQUIRE_THROWS_WITH(m.forward({}), Catch::Contains("expected 1 arguments but got 0"));
}
