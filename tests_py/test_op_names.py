"""Op identity (docs/op_names.md): every registry entry is `aten::name.overload`, and where PyTorch has the op,
the overload name is PyTorch's and the positional parameters have PyTorch's names, so saved models and
extensions that name `aten::add.Tensor` mean the same op in both. Reference: tests_py/data/pytorch_schemas.txt."""
import re
from pathlib import Path

import pytest

import ember

DATA = Path(__file__).parent / "data" / "pytorch_schemas.txt"

# Overloads ember has that PyTorch does not, each with the reason (a form PyTorch handles in Python, or an
# internal helper); a name here that PyTorch gains later fails the test, so the list stays honest.
EMBER_ONLY = {
    "aten::norm.str": "PyTorch's torch.norm(p='fro') is Python code calling frobenius_norm",
    "aten::tensordot.int": "PyTorch's torch.tensordot(a, b, dims=2) is Python code",
    "aten::unique.default": "PyTorch's torch.unique is Python code over _unique2 / unique_dim; C++ users get one op",
}


def _parse(sig):
    m = re.match(r"^aten::(\w+)(?:\.(\w+))?\((.*)\) -> (.*)$", sig)
    name, overload, params = m.group(1), m.group(2) or "default", m.group(3)
    positional, kw, depth, cur, parts = [], False, 0, "", []
    for ch in params:  # split on top-level commas
        depth += ch in "([" 
        depth -= ch in ")]"
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    for p in parts:
        if p == "*":
            kw = True
            continue
        if not kw:
            positional.append(p.split("=")[0].split()[-1])
    return name, overload, positional


def _torch():
    out = {}
    for line in DATA.read_text().splitlines():
        if line and not line.startswith("#"):
            name, overload, positional = _parse(line)
            out[f"aten::{name}.{overload}"] = positional
    return out


# Entries whose parameter is named differently from PyTorch's, with the reason.
RENAMED = {
    "aten::scatter.value": "the Scalar form of scatter.src keeps its parameter name src",
    "aten::scatter_.value": "the Scalar form of scatter_.src keeps its parameter name src",
}

TORCH = _torch()
TORCH_NAMES = {q.rsplit(".", 1)[0] for q in TORCH}


def _entries():
    out = []
    for sig in ember._C._op_schemas():
        name, overload, positional = _parse("aten::" + sig)
        out.append((f"aten::{name}.{overload}", positional))
    return out


def test_every_entry_has_a_qualified_name():
    names = ember._C._op_names()
    assert len(names) == len(set(names)), "qualified names must be unique"
    assert len(names) == len(ember._C._op_schemas())
    for q in names:
        assert re.fullmatch(r"aten::\w+\.\w+", q), q
    for form in ("aten::add.Tensor", "aten::add.Scalar", "aten::add_.Tensor", "aten::add_.Scalar", "aten::add.out",
                 "aten::max.dim", "aten::max.other", "aten::max.default", "aten::relu.default", "aten::relu_.default",
                 "aten::split.Tensor", "aten::split.sizes", "aten::to.dtype", "aten::clamp.Tensor",
                 "aten::var.correction", "aten::var.dim", "aten::eq.Tensor_out", "aten::pow_.Scalar"):
        assert form in names, form


@pytest.mark.parametrize("qualified,positional", _entries(), ids=lambda x: x if isinstance(x, str) else "")
def test_names_match_pytorch(qualified, positional):
    base = qualified.rsplit(".", 1)[0]
    if base not in TORCH_NAMES:
        name = base.split("::")[1]
        assert name.startswith("_") or qualified in EMBER_ONLY or name in {"nonzero_numpy"}, (
            f"{qualified}: PyTorch has no op named {name}; internal helpers start with '_'")
        return
    if qualified in EMBER_ONLY:
        assert qualified not in TORCH, f"{qualified} exists in PyTorch now: drop it from EMBER_ONLY"
        return
    assert qualified in TORCH, (f"{qualified}: PyTorch's overloads of {base} are "
                                f"{sorted(q for q in TORCH if q.rsplit('.', 1)[0] == base)}")
    theirs = TORCH[qualified]
    if qualified in RENAMED:
        return
    # The same positional parameter names, in order, as far as both go: ember may lack PyTorch's trailing
    # memory_format= (no memory formats yet) or take alpha= as keyword only.
    n = min(len(positional), len(theirs))
    assert positional[:n] == theirs[:n], f"{qualified}: ember {positional}, PyTorch {theirs}"


def test_lookup_by_name_and_overload():
    assert ember._C._resolve_overload("aten::max", ember.ones(2, 2), 1) == "aten::max.dim"
    assert ember._C._resolve_overload("max", ember.ones(2, 2)) == "aten::max.default"
    assert ember._C._resolve_overload("no_such_op", 1) is None
