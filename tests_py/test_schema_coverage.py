"""Tests that follow the schema: every op with a `backward:` formula is gradchecked (some gradcheck case's
graph holds the op's node), and every op of src/ops/*.yaml is called by name in some test beyond the
generic sweeps (test_meta.py, test_device_safety.py). Add a case to GRADCHECK here, or to the tables of
test_autograd.py, for a new differentiable op; a test for a new op anywhere in tests_py/ or tests_cpp/."""
import os
import re
import sys

import numpy as np
import pytest

import ember
from ember.autograd import gradcheck

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tools", "codegen"))
import gen_autograd  # noqa: E402
import schema  # noqa: E402

import test_autograd as ta  # noqa: E402

OPS = schema.load(__import__("pathlib").Path(ROOT, "src", "ops"))
DIFFERENTIABLE = {gen_autograd.node_name(op): op.name for op in OPS if op.backward}

rng = np.random.default_rng(0)


def leaf(*shape, low=-2.0, high=2.0):
    return ember.from_numpy(rng.uniform(low, high, size=shape)).requires_grad_()


def idx(values):
    return ember.tensor(values, dtype=ember.int64)


# Gradchecks of the differentiable ops that test_autograd.py's tables do not reach: name -> (fn, inputs).
def seeded():
    return ember.Generator().manual_seed(0)  # the same sample at every evaluation of a gradcheck


def two():
    return leaf(3, 4), leaf(3, 4)


GRADCHECK = {
    "tril": (lambda a: a.tril(1), lambda: (leaf(3, 4),)),
    "triu": (lambda a: ember.triu(a, -1), lambda: (leaf(3, 4),)),
    "fill_": (lambda a: (a * 1).fill_(2.0) + a, lambda: (leaf(3, 4),)),
    # Comparisons and logical ops record only when written in place into a floating tensor: zero gradients.
    **{f"{op}_": ((lambda op: lambda a, b: getattr(a * 1, op + "_")(b) + a * b)(op), two)
       for op in ("eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor")},
    "logical_not_": (lambda a: (a * 1).logical_not_() + a, lambda: (leaf(3, 4),)),
    # Random ops: zero gradients, one sample per evaluation.
    "uniform_": (lambda a: (a * 1).uniform_(generator=seeded()) * 2 + a, lambda: (leaf(3, 4),)),
    "normal_": (lambda a: (a * 1).normal_(generator=seeded()) + a, lambda: (leaf(3, 4),)),
    "random_": (lambda a: (a * 1).random_(0, 5, generator=seeded()) + a, lambda: (leaf(3, 4),)),
    "bernoulli": (lambda p: ember.bernoulli(p, generator=seeded()) + p, lambda: (leaf(3, 4, low=0.2, high=0.8),)),
    "threshold_backward": (lambda g, x: ember.threshold_backward(g, x, 0.0), lambda: (leaf(3, 4), leaf(3, 4, low=0.5))),
    # nn math with formulas (the hand-recorded nodes of convolution, the losses and the norms are
    # gradchecked in tests_py/test_nn_functional_*.py)
    "max_pool2d_with_indices": (lambda a: ember.max_pool2d_with_indices(a, [2, 2], [1, 1])[0], lambda: (leaf(1, 2, 4, 4),)),
    "avg_pool2d": (lambda a: ember.avg_pool2d(a, [3, 2], [2, 1], [1, 1], True, False), lambda: (leaf(1, 2, 5, 4),)),
    "adaptive_avg_pool2d": (lambda a: ember.adaptive_avg_pool2d(a, [2, 3]), lambda: (leaf(1, 2, 5, 4),)),
    "embedding": (lambda w: ember.embedding(w, idx([[0, 2], [2, 0]]), 1), lambda: (leaf(3, 4),)),
}


def graph_nodes(out):
    """The names of every node in the graph that produced out (a tensor or a tuple of them)."""
    outs = out if isinstance(out, (tuple, list)) else (out,)
    seen, names, alive = set(), set(), []
    stack = [t.grad_fn for t in outs if isinstance(t, ember.Tensor) and t.grad_fn is not None]
    while stack:
        fn = stack.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        alive.append(fn)  # node wrappers may be fresh objects: keep them so that no id is reused
        names.add(fn.name())
        stack += [f for f, _ in fn.next_functions if f is not None and hasattr(f, "next_functions")]
    return names


def table_graphs():
    """(label, node names) of every gradcheck case: test_autograd.py's tables and GRADCHECK."""
    out = []
    for name, fn in ta.UNARY.items():
        low, high = ta.DOMAIN.get(name, (-2.0, 2.0))
        out.append((f"UNARY[{name}]", graph_nodes(fn(leaf(3, 4, low=low, high=high)))))
    for name, fn in ta.BINARY.items():
        out.append((f"BINARY[{name}]", graph_nodes(fn(leaf(3, 4, low=0.5), leaf(3, 4, low=0.5)))))
    for table in ("VIEW_OPS", "JOINING"):
        for name, fn in getattr(ta, table).items():
            out.append((f"{table}[{name}]", graph_nodes(fn(leaf(3, 4)))))
    for name, fn in ta.CORE.items():
        out.append((f"CORE[{name}]", graph_nodes(fn(leaf(2, 3), leaf(2, 3, low=0.5)))))
    for name, (fn, make) in GRADCHECK.items():
        out.append((f"GRADCHECK[{name}]", graph_nodes(fn(*make()))))
    return out


def test_every_differentiable_op_has_a_gradcheck():
    covered = set().union(*(names for _, names in table_graphs()))
    missing = sorted(op for node, op in DIFFERENTIABLE.items() if node not in covered)
    assert not missing, f"ops with a backward formula but no gradcheck (add a GRADCHECK case): {missing}"


@pytest.mark.parametrize("name", sorted(GRADCHECK))
def test_gradcheck(name):
    fn, make = GRADCHECK[name]
    assert gradcheck(fn, make())


GENERIC = {"test_meta.py", "test_device_safety.py", "test_device_safety.cpp", "test_schema_coverage.py", "test_op_names.py", "test_codegen.py"}


def texts_of(*dirs):
    texts = []
    for d, ext in dirs:
        for dirpath, _, files in os.walk(os.path.join(ROOT, d)):
            texts += [open(os.path.join(dirpath, f)).read() for f in files if f.endswith(ext) and f not in GENERIC]
    return "\n".join(texts)


def called(name, text):
    return re.search(r"(?<![\w])" + re.escape(name) + r"(?![\w])", text) is not None


def test_every_op_is_tested_somewhere():
    text = texts_of(("tests_py", ".py"), ("tests_cpp", ".cpp"))
    missing = sorted({op.name for op in OPS if not called(op.name, text)})
    assert not missing, f"ops called in no test (other than the generic sweeps): {missing}"


def test_every_cpp_op_is_called_from_cpp():
    """ember::op / Tensor::op of every op with a C++ API appears in a C++ test (tests_cpp/ops/test_op_api.cpp
    holds the ones no family test reaches)."""
    text = texts_of(("tests_cpp", ".cpp"))
    missing = sorted({op.name for op in OPS if op.variants and not called(op.name, text)})
    assert not missing, f"ops with a C++ API called from no C++ test: {missing}"
