"""The schema generator: validation of entries and backward formulas, and what it generates."""
import os
import sys
import textwrap

import pytest

import ember

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools", "codegen"))
import schema  # noqa: E402


def load_text(tmp_path, text):
    (tmp_path / "ops.yaml").write_text(textwrap.dedent(text))
    return schema.load(tmp_path)


def test_repo_schema_is_valid():
    ops = schema.load(__import__("pathlib").Path(ROOT, "src", "ops"))
    names = {op.name for op in ops}
    for n in ["empty", "zeros", "ones", "full", "arange", "add", "sub", "mul", "div", "neg", "pow", "exp", "log",
              "tanh", "sigmoid", "relu", "sum", "mean", "softmax", "log_softmax", "matmul", "view", "reshape",
              "transpose", "permute", "contiguous", "clone", "copy_", "fill_", "to"]:
        assert n in names
    # Every generated op reaches Python and the registry.
    qualified = set(ember._C._op_names())
    assert all(op.qualified_name in qualified for op in ops)
    n_forms = sum(1 + op.inplace + op.out + len(op.scalar_overloads)
                  + sum(1 for s in op.scalar_overloads if op.inplace and s != "self") for op in ops)
    assert len(ember._C._op_schemas()) == n_forms


def test_backward_formula_names_are_checked(tmp_path):
    with pytest.raises(schema.SchemaError, match="unknown name 'gard'"):
        load_text(tmp_path, """
            - op: myop(Tensor self) -> Tensor
              meta: unary
              backward: {self: gard * 2}
              doc: x.
        """)
    with pytest.raises(schema.SchemaError, match="unknown method '.frobnicate'"):
        load_text(tmp_path, """
            - op: myop(Tensor self) -> Tensor
              meta: unary
              backward: {self: grad.frobnicate()}
              doc: x.
        """)
    with pytest.raises(schema.SchemaError, match="not an input"):
        load_text(tmp_path, """
            - op: myop(Tensor self) -> Tensor
              meta: unary
              backward: {other: grad}
              doc: x.
        """)


def test_bad_entries_are_rejected(tmp_path):
    with pytest.raises(schema.SchemaError, match="missing 'doc:'"):
        load_text(tmp_path, "- op: f(Tensor self) -> Tensor\n  meta: unary\n")
    with pytest.raises(schema.SchemaError, match="cannot parse argument .Foo x."):
        load_text(tmp_path, "- op: f(Tensor self, Foo x) -> Tensor\n  meta: unary\n  doc: x.\n")
    with pytest.raises(schema.SchemaError, match="unknown meta"):
        load_text(tmp_path, "- op: f(Tensor self) -> Tensor\n  meta: nope\n  doc: x.\n")
    ops = load_text(tmp_path, "- op: f(Tensor self, *, Scalar alpha=1) -> Tensor\n  meta: unary\n  doc: Eff.\n")
    assert ops[0].args[1].kwarg_only and ops[0].args[1].default == "1"


def test_docstrings_come_from_the_schema():
    assert "Adds other, scaled by alpha" in ember.add.__doc__
    assert "Adds other" in ember.Tensor.add.__doc__


def test_bool_returns_and_operator_slots(tmp_path):
    ops = load_text(tmp_path, """
        - op: f(Tensor self, Tensor other) -> bool
          native: true
          composite: true
          doc: x.
        - op: g(Tensor self, Tensor other) -> Tensor
          meta: compare
          operators: {python: [__lt__, __gt__]}
          doc: x.
    """)
    assert ops[0].returns_bool and not ops[1].returns_bool
    with pytest.raises(schema.SchemaError, match="returning non-tensors must be native"):
        load_text(tmp_path, "- op: f(Tensor self) -> bool\n  meta: unary\n  doc: x.\n")
    with pytest.raises(schema.SchemaError, match="unsupported return type"):
        load_text(tmp_path, "- op: f(Tensor self) -> (Tensor, str)\n  native: true\n  doc: x.\n")
    with pytest.raises(schema.SchemaError, match="Tensor\\[\\] return must be the only return"):
        load_text(tmp_path, "- op: f(Tensor self) -> (Tensor[], Tensor)\n  native: true\n  doc: x.\n")
    import gen_python
    text = gen_python.binding_files(ops)["ops_0.cpp"]
    assert "slot_richcompare" in text and "case Py_LT: return wrap(ember::g(" in text and "Py_tp_richcompare" in text
    assert "PyBool_FromLong" in text


def test_tuple_returns_named_tuples_and_result_n(tmp_path):
    ops = load_text(tmp_path, """
        - op: f(Tensor self, int dim) -> (Tensor values, Tensor indices)
          native: true
          backward:
            self: value_selecting_backward(grad, dim, result1, self.sizes())
          doc: x.
        - op: g(Tensor self) -> (Tensor, Tensor)
          native: true
          doc: x.
    """)
    assert ops[0].return_names == ["values", "indices"] and ops[1].return_names == []
    with pytest.raises(schema.SchemaError, match="unknown name 'result1'"):
        load_text(tmp_path, "- op: f(Tensor self) -> Tensor\n  native: true\n  backward: {self: result1}\n  doc: x.\n")
    import gen_autograd
    import gen_cpp
    import gen_python
    body = gen_cpp.ops_cpp(ops)
    # The runtime's body hands its outputs to libember's recording (Note [autograd hooks]).
    assert "std::tuple<Tensor, Tensor> out;" in body and "(std::move(grad_node), std::get<0>(out), std::get<1>(out));" in body
    record = gen_autograd.autograd_record_cpp(lambda op: gen_cpp.params(op, defaults=False))
    assert "set_history(out, std::move(grad_node))" in record
    assert "grad_node->result1_.save(out1, false);" in record
    assert "Tensor result1 = result1_.unpack();" in gen_autograd.nodes_cpp(ops)
    text = "".join(gen_python.binding_files(ops).values())
    assert '"ember.return_types.f"' in text and "wrap_named(return_type_f(), r)" in text
    assert "return wrap_tuple(r);" in text  # unnamed returns: a plain tuple
    assert "-> tuple[Tensor, Tensor]" in gen_python.pyi(ops)
    r = ember.sort(ember.tensor([2.0, 1.0]))
    assert type(r).__module__ == "ember.return_types" and r.values.tolist() == [1.0, 2.0]


def test_multi_output_ops(tmp_path):
    """(values, indices) ops: one kernel output per return, history on output 0, result1 saved as a
    plain tensor for the formula; result2 does not exist for a two-output op."""
    ops = load_text(tmp_path, """
        - op: mx(Tensor self, int dim) -> (Tensor values, Tensor indices)
          native: true
          dispatch: true
          backward: {self: grad * result1}
          doc: x.
    """)
    import gen_autograd
    import gen_cpp
    assert gen_cpp.kernel_params(ops[0])[:2] == ["const Tensor& out0", "const Tensor& out1"]
    body = gen_cpp.ops_cpp(ops)
    assert "std::tuple<Tensor, Tensor> out;" in body and "(std::move(grad_node), std::get<0>(out), std::get<1>(out));" in body
    record = gen_autograd.autograd_record_cpp(lambda op: gen_cpp.params(op, defaults=False))
    assert "autograd::set_history(out, std::move(grad_node));" in record
    assert "grad_node->result1_.save(out1, false);" in record
    assert "Tensor result1 = result1_.unpack();" in gen_autograd.nodes_cpp(ops)
    with pytest.raises(schema.SchemaError, match="unknown name 'result2'"):
        load_text(tmp_path, """
            - op: mx(Tensor self) -> (Tensor, Tensor)
              native: true
              backward: {self: grad * result2}
              doc: x.
        """)
    assert isinstance(ember.max(ember.ones(2, 3), 1), ember.return_types.max)


def test_overloads_fixed_size_lists_and_new_returns(tmp_path):
    ops = load_text(tmp_path, """
        - op: f(Tensor self) -> Tensor
          variants: [function, method]
          native: true
          doc: x.
        - op: f.pair(Tensor self, int[2] k=3, int[1]? dim=None) -> (int, float)
          variants: [function]
          native: true
          doc: x.
        - op: g(Tensor(a!)[] self, str? mode=None) -> ()
          native: true
          doc: x.
    """)
    assert [op.qualified_name for op in ops] == ["aten::f.default", "aten::f.pair", "aten::g.default"]
    assert [op.id for op in ops] == ["f", "f_pair", "g"]
    k = ops[1].args[1]
    assert k.type == "int[]" and k.size == 2 and k.schema_type == "int[2]"
    import gen_cpp
    import gen_python
    h = gen_cpp.functions_h(ops)
    assert "std::tuple<int64_t, double> f(const Tensor& self, IntArrayRef k = IntArrayRef({3, 3})" in h
    assert "void g(TensorList self, const std::optional<std::string>& mode = std::nullopt);" in h
    text = "".join(gen_python.binding_files(ops).values())
    assert 'OverloadSet overloads("f", parsers, 2)' in text and "int[2] k=3" in text and "to_intlist(pa[1], 2)" in text
    reg = gen_cpp.registry_cpp(ops)
    # Note [registry table as data]: the default [3, 3] of int[2] k=3 is two entries of the int pool.
    assert '"aten::f.pair"' in reg and "const int64_t kIntPool[] = {3, 3, 0};" in reg
    assert """{"k", "int[]", true, "3", false, false, 2, 'l', 0, 0.0, nullptr, 0, 2}""" in reg
    with pytest.raises(schema.SchemaError, match="defined twice"):
        load_text(tmp_path, "- op: f(Tensor self) -> Tensor\n  native: true\n  doc: x.\n"
                            "- op: f.default(Tensor self) -> Tensor\n  native: true\n  doc: x.\n")
    with pytest.raises(schema.SchemaError, match="only int lists may have a fixed size"):
        load_text(tmp_path, "- op: f(Tensor self, Tensor[2] x) -> Tensor\n  native: true\n  doc: x.\n")


def test_generated_recording_saves_each_member_once():
    """Every node member is assigned at most once per recording (gather's self_sizes_, scatter_'s
    dim_ and index_ were saved twice), and only for inputs that have a gradient formula."""
    import re

    import gen_cpp
    ops = schema.load(__import__("pathlib").Path(ROOT, "src", "ops"))
    body = gen_cpp.ops_cpp(ops)
    for chunk in body.split("std::shared_ptr<autograd::generated::")[1:]:
        node = chunk.split(">", 1)[0]
        prologue = chunk.split("Tensor out", 1)[0].split("\n  }\n", 1)[0]
        saved = re.findall(r"grad_node->(\w+_)(?: = |\.save\()", prologue)
        dup = {m for m in saved if saved.count(m) > 1}
        assert not dup, f"{node} saves {sorted(dup)} more than once"
    import gen_autograd
    gather = next(op for op in ops if op.name == "gather")
    nodes = gen_autograd.nodes_h([gather])
    assert "self_sizes_" in nodes and "index_sizes_" not in nodes  # index has no gradient
