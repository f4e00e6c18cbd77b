// Graph passes (include/ember/jit/passes.h): each on small graphs, with the linter after each.
#include <ember/dispatch/library.h>
#include <ember/ember.h>

#include "jit_test_util.h"

using namespace ember;
using namespace ember::jit;
using jit_test::checked;
using jit_test::count_kind;

TEST_CASE("jit passes: dead code elimination keeps side effects", "[jit]") {
  auto g = checked(parse_graph(R"IR(graph(%x : Tensor, %c : bool):
  %one : int = prim::Constant[value=1]()
  %dead : Tensor = aten::neg.default(%x)
  %dead2 : Tensor = aten::add.Tensor(%dead, %x, %one)
  %inplace : Tensor = aten::add_.Tensor(%x, %x, %one)
  %gen : NoneType = prim::Constant()
  %no : bool = prim::Constant[value=False]()
  %noise : Tensor = aten::rand_like.default(%x, %gen, %gen, %no)
  %r : Tensor = prim::If(%c)
    block0():
      %unused : Tensor = aten::exp.default(%x)
      -> (%x)
    block1():
      -> (%x)
  %t : Tensor = aten::tanh.default(%x)
  return (%t)
)IR"));
  size_t removed = eliminate_dead_code(*g);
  checked(g);
  REQUIRE(count_kind(*g, "aten::neg.default") == 0);
  REQUIRE(count_kind(*g, "aten::add.Tensor") == 0);
  REQUIRE(count_kind(*g, "aten::add_.Tensor") == 1);  // writes its input: kept
  REQUIRE(count_kind(*g, "aten::exp.default") == 0);
  REQUIRE(count_kind(*g, "prim::If") == 0);           // nothing inside has effects, output unused
  REQUIRE(count_kind(*g, "aten::tanh.default") == 1);
  REQUIRE(removed >= 4);
}

TEST_CASE("jit passes: constant pooling merges equal constants", "[jit]") {
  auto g = checked(parse_graph(R"IR(graph(%x : Tensor, %c : bool):
  %a : int = prim::Constant[value=1]()
  %y : Tensor = aten::add.Tensor(%x, %x, %a)
  %b : int = prim::Constant[value=1]()
  %f : float = prim::Constant[value=1.]()
  %r : Tensor = prim::If(%c)
    block0():
      %d : int = prim::Constant[value=1]()
      %z : Tensor = aten::add.Tensor(%y, %x, %d)
      -> (%z)
    block1():
      -> (%y)
  %w : Tensor = aten::add.Tensor(%r, %x, %b)
  %v : Tensor = aten::mul.Tensor(%w, %f)
  return (%v)
)IR"));
  REQUIRE(constant_pooling(*g) == 2);  // the int 1s merge; 1.0 stays apart from 1
  checked(g);
  REQUIRE(count_kind(*g, "prim::Constant") == 2);
  REQUIRE(g->block()->front()->kind() == NodeKind::Constant);  // hoisted to the top
  Function f("f", g);
  Tensor x = ember::ones({2});
  REQUIRE(ember::equal(f({x, true}).toTensor(), ember::full({2}, 4.0)));
}

TEST_CASE("jit passes: constant propagation folds pure ops and branches", "[jit]") {
  auto g = checked(parse_graph(R"IR(graph(%x : Tensor):
  %one : int = prim::Constant[value=1]()
  %two : int = prim::Constant[value=2]()
  %three : int = prim::add.int(%one, %two)
  %cond : bool = prim::lt.int(%one, %two)
  %sizes : List[int] = prim::ListConstruct(%three, %two)
  %none : NoneType = prim::Constant()
  %no : bool = prim::Constant[value=False]()
  %z : Tensor = aten::ones.default(%sizes, %none, %none, %no)
  %r : Tensor = prim::If(%cond)
    block0():
      %s : Tensor = aten::add.Tensor(%z, %z, %one)
      -> (%s)
    block1():
      -> (%x)
  %noise : Tensor = aten::rand_like.default(%z, %none, %none, %no)
  %out : Tensor = aten::add.Tensor(%r, %noise, %one)
  %inplace : Tensor = aten::mul_.Tensor(%out, %x)
  return (%inplace)
)IR"));
  size_t folded = constant_propagation(*g);
  checked(g);
  REQUIRE(folded >= 5);
  REQUIRE(count_kind(*g, "prim::If") == 0);
  REQUIRE(count_kind(*g, "prim::add.int") == 0);
  REQUIRE(count_kind(*g, "aten::ones.default") == 0);
  REQUIRE(count_kind(*g, "aten::rand_like.default") == 1);  // nondeterministic: never folded
  REQUIRE(count_kind(*g, "aten::mul_.Tensor") == 1);        // in place: never folded
  REQUIRE(count_kind(*g, "aten::add.Tensor") == 1);         // depends on the random op
  // the folded tensor constant is ones * 2 of shape [3, 2]
  Value* folded_const = nullptr;
  for (Node* n : g->block()->nodes())
    if (n->kind() == NodeKind::Constant && n->hasAttribute("value") && n->attr("value").isTensor()) folded_const = n->output();
  REQUIRE(folded_const != nullptr);
  REQUIRE(ember::equal(folded_const->node()->attr("value").toTensor(), ember::full({3, 2}, 2.0)));
  // an op that throws is left for run time
  auto bad = checked(parse_graph("graph():\n  %a : int = prim::Constant[value=1]()\n  %z : int = prim::Constant[value=0]()\n"
                                 "  %d : int = prim::floordiv.int(%a, %z)\n  return (%d)\n"));
  REQUIRE(constant_propagation(*bad) == 0);
  checked(bad);
  Function fb("f", bad);
  REQUIRE_THROWS_WITH(fb({}), Catch::Contains("division by zero"));
}

TEST_CASE("jit passes: CSE merges pure ops, never random or written ones", "[jit]") {
  auto g = checked(parse_graph(R"IR(graph(%x : Tensor, %y : Tensor, %c : bool):
  %one : int = prim::Constant[value=1]()
  %none : NoneType = prim::Constant()
  %no : bool = prim::Constant[value=False]()
  %a : Tensor = aten::add.Tensor(%x, %y, %one)
  %b : Tensor = aten::add.Tensor(%x, %y, %one)
  %r1 : Tensor = aten::rand_like.default(%x, %none, %none, %no)
  %r2 : Tensor = aten::rand_like.default(%x, %none, %none, %no)
  %s : Tensor = prim::If(%c)
    block0():
      %inner : Tensor = aten::add.Tensor(%x, %y, %one)
      -> (%inner)
    block1():
      -> (%a)
  %m1 : Tensor = aten::mul.Tensor(%y, %y)
  %m2 : Tensor = aten::mul.Tensor(%y, %y)
  %w : Tensor = aten::add_.Tensor(%m2, %one, %one)
  %t : Tuple[Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor] = prim::TupleConstruct(%a, %b, %r1, %r2, %s, %m1, %w)
  return (%t)
)IR"));
  size_t removed = eliminate_common_subexpressions(*g);
  checked(g);
  REQUIRE(removed == 2);  // %b and %inner merge into %a
  REQUIRE(count_kind(*g, "aten::add.Tensor") == 1);
  REQUIRE(count_kind(*g, "aten::rand_like.default") == 2);
  REQUIRE(count_kind(*g, "aten::mul.Tensor") == 2);  // %m2 is written in place: not merged with %m1
}

TEST_CASE("jit passes: inlining calls", "[jit]") {
  CompilationUnit cu;
  cu.define("inner", checked(parse_graph("graph(%x : Tensor):\n  %y : Tensor = aten::neg.default(%x)\n  return (%y)\n")));
  cu.define("outer", checked(parse_graph("graph(%x : Tensor):\n  %y : Tensor = prim::CallFunction[name=\"inner\"](%x)\n"
                                         "  %z : Tensor = aten::exp.default(%y)\n  return (%z)\n")));
  cu.define("Net.forward", checked(parse_graph("graph(%self : Class[Net], %x : Tensor):\n"
                                               "  %w : Tensor = prim::GetAttr[name=\"w\"](%self)\n"
                                               "  %y : Tensor = prim::CallFunction[name=\"outer\"](%x)\n"
                                               "  %z : Tensor = aten::mul.Tensor(%y, %w)\n  return (%z)\n")));
  auto g = checked(parse_graph("graph(%self : Class[Net], %x : Tensor):\n"
                               "  %y : Tensor = prim::CallMethod[name=\"forward\"](%self, %x)\n  return (%y)\n"));
  REQUIRE(inline_calls(*g, cu) == 1);
  checked(g);
  REQUIRE(count_kind(*g, "prim::CallMethod") == 0);
  REQUIRE(count_kind(*g, "prim::CallFunction") == 0);
  REQUIRE(count_kind(*g, "aten::neg.default") == 1);
  REQUIRE(count_kind(*g, "prim::GetAttr") == 1);
  auto obj = ivalue::Object::create("Net");
  obj->setAttr("w", ember::full({2}, 2.0));
  Tensor x = ember::ones({2});
  Function f("f", g);
  REQUIRE(ember::allclose(f({obj, x}).toTensor(), (-x).exp() * 2));
  // the unit's graphs are untouched
  REQUIRE(count_kind(*cu.get_function("outer").graph(), "prim::CallFunction") == 1);
  // recursion and unknown callees
  cu.define("rec", checked(parse_graph("graph(%x : Tensor):\n  %y : Tensor = prim::CallFunction[name=\"rec\"](%x)\n  return (%y)\n")));
  auto r = parse_graph("graph(%x : Tensor):\n  %y : Tensor = prim::CallFunction[name=\"rec\"](%x)\n  return (%y)\n");
  REQUIRE_THROWS_WITH(inline_calls(*r, cu), Catch::Contains("calls itself"));
  auto u = parse_graph("graph(%x : Tensor):\n  %y : Tensor = prim::CallFunction[name=\"nope\"](%x)\n  return (%y)\n");
  REQUIRE_THROWS_WITH(inline_calls(*u, cu), Catch::Contains("no function named 'nope'"));
}

TEST_CASE("jit passes: dropout is random: never merged or folded", "[jit]") {
  REQUIRE(dispatch::is_nondeterministic(*find_op("aten::dropout.default")));
  REQUIRE(dispatch::is_nondeterministic(*find_op("aten::feature_dropout.default")));
  auto g = checked(parse_graph(R"IR(graph(%x : Tensor):
  %p : float = prim::Constant[value=0.5]()
  %t : bool = prim::Constant[value=True]()
  %a : Tensor = aten::dropout.default(%x, %p, %t)
  %b : Tensor = aten::dropout.default(%x, %p, %t)
  %c : Tensor = aten::add.Tensor(%a, %b, %p)
  return (%c)
)IR"));
  REQUIRE(eliminate_common_subexpressions(*g) == 0);
  REQUIRE(constant_propagation(*g) == 0);
  checked(g);
  REQUIRE(count_kind(*g, "aten::dropout.default") == 2);
}
