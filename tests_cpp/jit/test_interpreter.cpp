// The interpreter (include/ember/jit/function.h): ops, control flow, containers, calls, autograd.
#include <ember/ember.h>

#include "jit_test_util.h"

using namespace ember;
using namespace ember::jit;
using jit_test::checked;

namespace {
Tensor run1(const std::shared_ptr<Graph>& g, std::vector<IValue> in) {
  Function f("f", g);
  return f(std::move(in)).toTensor();
}
}  // namespace

TEST_CASE("jit interpreter: a chain of ops equals eager", "[jit]") {
  auto g = checked(parse_graph(R"IR(graph(%x : Tensor):
  %a : float = prim::Constant[value=1.01]()
  %b : float = prim::Constant[value=0.01]()
  %one : int = prim::Constant[value=1]()
  %m : Tensor = aten::mul.Tensor(%x, %a)
  %s : Tensor = aten::add.Tensor(%m, %b, %one)
  %t : Tensor = aten::tanh.default(%s)
  %u : Tensor = aten::sub.Tensor(%t, %x, %one)
  %v : Tensor = aten::add.Tensor(%u, %x, %one)
  return (%v)
)IR"));
  Function f("f", g);
  for (ScalarType dt : {kFloat32, kFloat64}) {
    Tensor x = ember::randn({16}, TensorOptions(dt));
    Tensor expect = (x * 1.01 + 0.01).tanh() - x + x;
    for (int rep = 0; rep < 3; ++rep) {  // the code is lowered once and reused
      Tensor got = f({x}).toTensor();
      REQUIRE(got.dtype() == dt);
      REQUIRE(ember::allclose(got, expect));
    }
  }
  REQUIRE(f.num_instructions() == 5);  // constants are not instructions
  // non-contiguous and empty inputs
  Tensor nc = ember::randn({4, 6}).t();
  REQUIRE(ember::allclose(f({nc}).toTensor(), (nc * 1.01 + 0.01).tanh()));
  REQUIRE(f({ember::zeros({0})}).toTensor().numel() == 0);
  REQUIRE_THROWS_WITH(f({}), Catch::Contains("expected 1 arguments but got 0"));
}

TEST_CASE("jit interpreter: prim::If and prim::Loop run natively", "[jit]") {
  auto g = checked(parse_graph(R"IR(graph(%x : Tensor, %c : bool, %n : int):
  %r : Tensor = prim::If(%c)
    block0():
      %y : Tensor = aten::neg.default(%x)
      -> (%y)
    block1():
      -> (%x)
  %true : bool = prim::Constant[value=True]()
  %two : float = prim::Constant[value=2.]()
  %out : Tensor = prim::Loop(%n, %true, %r)
    block0(%i : int, %acc : Tensor):
      %z : Tensor = aten::mul.Tensor(%acc, %two)
      -> (%true, %z)
  return (%out)
)IR"));
  Function f("f", g);
  Tensor x = ember::arange(3, TensorOptions(kFloat64));
  REQUIRE(ember::equal(f({x, true, int64_t{3}}).toTensor(), -x * 8));
  REQUIRE(ember::equal(f({x, false, int64_t{2}}).toTensor(), x * 4));
  REQUIRE(ember::equal(f({x, false, int64_t{0}}).toTensor(), x));
  REQUIRE(ember::equal(x, ember::arange(3, TensorOptions(kFloat64))));  // inputs untouched
  // a loop whose body ends it: the condition is the carried comparison
  auto g2 = checked(parse_graph(R"IR(graph(%x : Tensor):
  %big : int = prim::Constant[value=100]()
  %true : bool = prim::Constant[value=True]()
  %lim : float = prim::Constant[value=50.]()
  %one : int = prim::Constant[value=1]()
  %none : NoneType = prim::Constant()
  %false : bool = prim::Constant[value=False]()
  %out : Tensor = prim::Loop(%big, %true, %x)
    block0(%i : int, %acc : Tensor):
      %z : Tensor = aten::add.Tensor(%acc, %acc, %one)
      %s : Tensor = aten::sum.dim_IntList(%z, %none, %false, %none)
      %lt : Tensor = aten::lt.Scalar(%s, %lim)
      %c : bool = prim::Bool.Tensor(%lt)
      -> (%c, %z)
  return (%out)
)IR"));
  Tensor ones = ember::ones({2}, TensorOptions(kFloat64));
  REQUIRE(ember::equal(run1(g2, {ones}), ones * 32));  // 2,4,...,32 (sum 64 >= 50 stops)
}

TEST_CASE("jit interpreter: tuples, lists and dicts", "[jit]") {
  auto g = checked(parse_graph(R"IR(graph(%t : Tuple[Tensor, Tensor], %d : Dict[str, Tensor], %l : List[Tensor]):
  %a : Tensor, %b : Tensor = prim::TupleUnpack(%t)
  %e : Tensor = prim::DictIndex[key="w"](%d)
  %p : Tensor, %q : Tensor = prim::ListUnpack(%l)
  %zero : int = prim::Constant[value=0]()
  %list : List[Tensor] = prim::ListConstruct(%a, %b, %e, %p, %q)
  %cat : Tensor = aten::cat.default(%list, %zero)
  %k : str = prim::Constant[value="sum"]()
  %dict : Dict[str, Tensor] = prim::DictConstruct(%k, %cat)
  %pair : Tuple[Dict[str, Tensor], Tensor] = prim::TupleConstruct(%dict, %b)
  %second : Tensor = prim::TupleIndex[index=1](%pair)
  %out : Tuple[Dict[str, Tensor], Tensor] = prim::TupleConstruct(%dict, %second)
  return (%out)
)IR"));
  Function f("f", g);
  Tensor a = ember::ones({1}), b = ember::zeros({1}), w = ember::full({1}, 2.0), p = ember::full({1}, 3.0);
  GenericDict d;
  d.insert("w", w);
  IValue out = f({ivalue::Tuple::create({a, b}), d, std::vector<Tensor>{p, p}});
  const auto& tup = out.toTupleRef();
  Tensor cat = tup[0].toGenericDict().at("sum").toTensor();
  REQUIRE(ember::equal(cat, ember::tensor({1.f, 0.f, 2.f, 3.f, 3.f})));
  REQUIRE(tup[1].toTensor().is_same(b));
  REQUIRE_THROWS_WITH(f({ivalue::Tuple::create({a, b}), GenericDict(), std::vector<Tensor>{p, p}}), Catch::Contains("KeyError"));
  REQUIRE_THROWS_WITH(f({ivalue::Tuple::create({a, b}), d, std::vector<Tensor>{p}}), Catch::Contains("unpacked into 2"));
}

TEST_CASE("jit interpreter: CallFunction and CallMethod through a compilation unit", "[jit]") {
  CompilationUnit cu;
  cu.define("double_it", checked(parse_graph("graph(%x : Tensor):\n  %two : int = prim::Constant[value=2]()\n"
                                             "  %y : Tensor = aten::mul.Tensor(%x, %two)\n  return (%y)\n")));
  cu.define("Net.scale", checked(parse_graph("graph(%self : Class[Net], %x : Tensor):\n"
                                             "  %w : Tensor = prim::GetAttr[name=\"w\"](%self)\n"
                                             "  %y : Tensor = aten::mul.Tensor(%x, %w)\n"
                                             "  %z : Tensor = prim::CallFunction[name=\"double_it\"](%y)\n  return (%z)\n")));
  auto g = checked(parse_graph("graph(%self : Class[Net], %x : Tensor):\n"
                               "  %y : Tensor = prim::CallMethod[name=\"scale\"](%self, %x)\n  return (%y)\n"));
  Function& f = cu.define("Net.forward", g);
  auto obj = ivalue::Object::create("Net");
  obj->setAttr("w", ember::full({2}, 3.0));
  Tensor x = ember::ones({2});
  REQUIRE(ember::equal(f({obj, x}).toTensor(), ember::full({2}, 6.0)));
  Function orphan("g", g);
  REQUIRE_THROWS_WITH(orphan({obj, x}), Catch::Contains("no compilation unit"));
  auto bad = checked(parse_graph("graph(%x : Tensor):\n  %y : Tensor = prim::CallFunction[name=\"nope\"](%x)\n  return (%y)\n"));
  Function& fb = cu.define("bad", bad);
  REQUIRE_THROWS_WITH(fb({x}), Catch::Contains("no function named 'nope'"));
}

TEST_CASE("jit interpreter: autograd records through the interpreter", "[jit]") {
  auto g = checked(parse_graph(R"IR(graph(%x : Tensor, %w : Tensor):
  %one : int = prim::Constant[value=1]()
  %m : Tensor = aten::mul.Tensor(%x, %w)
  %t : Tensor = aten::tanh.default(%m)
  %s : Tensor = aten::add.Tensor(%t, %x, %one)
  %none : NoneType = prim::Constant()
  %false : bool = prim::Constant[value=False]()
  %r : Tensor = aten::sum.dim_IntList(%s, %none, %false, %none)
  return (%r)
)IR"));
  Function f("f", g);
  Tensor x = ember::randn({5}, TensorOptions(kFloat64)).requires_grad_();
  Tensor w = ember::randn({5}, TensorOptions(kFloat64)).requires_grad_();
  Tensor out = f({x, w}).toTensor();
  REQUIRE(out.requires_grad());
  out.backward();
  Tensor xe = x.detach().clone().requires_grad_(), we = w.detach().clone().requires_grad_();
  ((xe * we).tanh() + xe).sum().backward();
  REQUIRE(ember::allclose(x.grad(), xe.grad()));
  REQUIRE(ember::allclose(w.grad(), we.grad()));
}
