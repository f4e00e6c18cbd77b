"""Boxed values (ember::IValue) to and from Python: tuples, lists, dicts, objects round-trip; C++
equality, hashing and repr seen from Python (Note [IValue kinds], Note [IValues from Python])."""
import pytest

import ember
from ember import _C


def test_roundtrip_every_kind():
    t = ember.ones(2, 3)
    values = [None, True, False, 3, -2.5, "a", ember.float64, ember.device("meta"), (1, 2.5, "a"), (), (1,),
              [1, "x", None], [], {"a": 1, 2: [3, (4,)], 1.5: True}, {}, ((1, [2]), {"k": (t,)})]
    for v in values:
        r = _C._ivalue_roundtrip(v)
        assert r == v and type(r) is type(v), v
    r = _C._ivalue_roundtrip([t, (t, 1)])
    assert r[0] is t and r[1][0] is t and type(r) is list and type(r[1]) is tuple
    g = ember.Generator()
    assert isinstance(_C._ivalue_roundtrip(g), ember.Generator)


def test_kinds():
    assert _C._ivalue_kind((1, 2)) == "tuple"
    assert _C._ivalue_kind([1, 2]) == "list"
    assert _C._ivalue_kind({"a": 1}) == "dict"
    assert _C._ivalue_kind(None) == "None"
    assert _C._ivalue_kind("s") == "str"
    assert _C._ivalue_kind(ember.int32) == "ScalarType"
    assert _C._ivalue_kind(ember.device("cpu")) == "Device"
    assert _C._ivalue_kind(_C.ScriptObject("Net")) == "Object"


def test_dict_keys_restricted():
    with pytest.raises(TypeError, match="dict keys must be str, int, float, bool or Tensor, got tuple"):
        _C._ivalue_roundtrip({(1, 2): 3})
    t = ember.zeros(1)
    assert _C._ivalue_roundtrip({t: 1})[t] == 1


def test_repr():
    assert _C._ivalue_repr((1, 2.5, "a")) == "(1, 2.5, 'a')"
    assert _C._ivalue_repr([1, 2]) == "[1, 2]"
    assert _C._ivalue_repr({"a": 1}) == "{'a': 1}"
    assert _C._ivalue_repr(None) == "None"
    assert _C._ivalue_repr(ember.ones(2, 3)) == "Tensor(shape=[2, 3], dtype=float32)"
    for v in [(1,), (), [None, True], {"k": [1.0, 1e16, 1.5e-05, 0.1]}, "it's", 'say "hi"', "a\nb",
              ember.float32, ember.device("cpu"), {1: {"x": (2,)}}, 123456789012345.0, -0.0]:
        assert _C._ivalue_repr(v) == repr(v), v


def test_equality_and_hash():
    assert _C._ivalue_eq((1, [2, "a"]), (1, [2, "a"]))
    assert not _C._ivalue_eq((1, 2), [1, 2])
    assert _C._ivalue_eq({"a": 1, "b": 2}, {"b": 2, "a": 1})
    assert not _C._ivalue_eq(1, 1.0)  # different kinds (c10's rule; Python's == is an op)
    t = ember.ones(1)
    assert _C._ivalue_eq(t, t) and not _C._ivalue_eq(t, t.clone())
    assert _C._ivalue_hash((1, "a")) == _C._ivalue_hash((1, "a"))
    assert _C._ivalue_hash(t) == _C._ivalue_hash(t)
    with pytest.raises(TypeError, match="unhashable type: 'list'"):
        _C._ivalue_hash([1])
    with pytest.raises(TypeError, match="unhashable type: 'dict'"):
        _C._ivalue_hash({})
    with pytest.raises(TypeError, match="unhashable type: 'list'"):
        _C._ivalue_hash((1, [2]))


def test_script_object():
    o = _C.ScriptObject("__main__.Net", weight=ember.ones(2), name="n")
    assert o._type_name() == "__main__.Net"
    assert o.name == "n" and o._attribute_names() == ["weight", "name"]
    o.training = True
    assert o.training is True
    with pytest.raises(AttributeError, match="'__main__.Net' object has no attribute 'bias'"):
        o.bias
    r = _C._ivalue_roundtrip(o)
    assert r is o  # shared by reference: the same object comes back
    r2 = _C._ivalue_roundtrip((o, [o]))
    assert r2[0] is o and r2[1][0] is o
    assert repr(o).startswith("<__main__.Net object at 0x")
    assert hash(o) == hash(r) and o == r and o != _C.ScriptObject("__main__.Net")


def test_call_boxed_still_reads_sequences_as_typed_lists():
    x = ember.ones(2, 3)
    assert _C._call_boxed("sum", x, (0, 1)).item() == 6.0
    assert _C._call_boxed("sum", x, [1]).tolist() == [3.0, 3.0]
    parts = _C._call_boxed("split", x, [1, 1])
    assert len(parts) == 2
    assert _C._call_boxed("cat", (x, x)).shape == (4, 3)
