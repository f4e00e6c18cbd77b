"""The JIT graph from Python: text form, parsing, passes (the C++ tests cover them in depth)."""
import pytest

import ember
from ember import _C


TEXT = """graph(%x : Tensor, %c : bool):
  %one : int = prim::Constant[value=1]()
  %a : Tensor = aten::add.Tensor(%x, %x, %one)
  %b : Tensor = aten::add.Tensor(%x, %x, %one)
  %dead : Tensor = aten::neg.default(%x)
  %r : Tensor = prim::If(%c)
    block0():
      -> (%a)
    block1():
      -> (%b)
  return (%r)
"""


def test_parse_print_round_trip_and_lint():
    g = ember.jit.parse_graph(TEXT)
    assert str(g) == TEXT
    g.lint()
    g.check_round_trip()
    with pytest.raises(ValueError, match="unknown op 'aten::nope.default'"):
        ember.jit.parse_graph("graph(%x : Tensor):\n  %y : Tensor = aten::nope.default(%x)\n  return (%y)\n")
    with pytest.raises(RuntimeError, match="used before it is defined"):
        ember.jit.parse_graph("graph(%x : Tensor):\n  %y : Tensor = aten::neg.default(%q)\n  return (%y)\n")


def test_passes_from_python():
    g = ember.jit.parse_graph(TEXT)
    assert _C._jit_pass_dce(g) == 1
    assert _C._jit_pass_cse(g) == 1
    g.lint()
    assert g.kinds().count("aten::add.Tensor") == 1
    f = ember.jit.ScriptFunction(_C.ScriptFunctionBase("f", g), "f")
    assert f(ember.ones(2), False).tolist() == [2.0, 2.0]
    text, constants = g.text()
    assert constants == [] and ember.jit.parse_graph(text, constants).kinds() == g.kinds()


def test_tensor_constants_round_trip_with_a_table():
    c = ember.arange(4.0)
    f = ember.jit.trace(lambda x: x + c, (ember.ones(4),))
    text, constants = f.graph.text()
    assert "tensor(0)" in text and len(constants) == 1 and constants[0] is c
    g2 = ember.jit.parse_graph(text, constants)
    assert ember.jit.ScriptFunction(_C.ScriptFunctionBase("g", g2), "g")(ember.ones(4)).tolist() == [1.0, 2.0, 3.0, 4.0]
    with pytest.raises(RuntimeError, match="not in the table of 0"):
        ember.jit.parse_graph(text)


def test_not_implemented_parts_say_so():
    with pytest.raises(NotImplementedError, match="ember.jit.save is not implemented yet"):
        ember.jit.save(None, "x")
    with pytest.raises(NotImplementedError, match="ember.jit.load is not implemented yet"):
        ember.jit.load("x")
