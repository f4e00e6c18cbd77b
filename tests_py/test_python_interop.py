"""A pybind11 module built separately against the installed package takes and returns ember.Tensor
through <ember/python.h> (docs/extending.md)."""
import importlib.util
import os
import shutil
import subprocess
import sys

import numpy as np
import pybind11
import pytest

import ember
import ember.utils

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="module")
def ext(tmp_path_factory):
    build = tmp_path_factory.mktemp("ext")
    prefix = ember.utils.cmake_prefix_path
    gen = ["-G", "Ninja"] if shutil.which("ninja") else []
    cfg = subprocess.run(["cmake", "-S", os.path.join(HERE, "data", "ext_module"), "-B", str(build),
                          f"-DCMAKE_PREFIX_PATH={prefix};{pybind11.get_cmake_dir()}",
                          f"-DPython3_EXECUTABLE={sys.executable}", "-DCMAKE_BUILD_TYPE=Release",
                          "-DCMAKE_CXX_FLAGS=-Wall -Wextra -Werror", *gen], capture_output=True, text=True)
    assert cfg.returncode == 0, cfg.stdout + cfg.stderr
    b = subprocess.run(["cmake", "--build", str(build)], capture_output=True, text=True)
    assert b.returncode == 0, b.stdout + b.stderr
    path = next(os.path.join(build, f) for f in os.listdir(build) if f.startswith("ember_ext_test") and f.endswith(".so"))
    spec = importlib.util.spec_from_file_location("ember_ext_test", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.skipif(shutil.which("cmake") is None, reason="cmake not installed")
def test_tensors_cross_the_module_boundary(ext):
    t = ember.arange(6.0).view(2, 3)
    r = ext.scale(t, 2.0)
    assert type(r) is ember.Tensor
    np.testing.assert_array_equal(r.numpy(), t.numpy() * 2)
    a = ext.arange2d(2, 3)
    assert a.dtype == ember.float64 and a.shape == (2, 3)
    rows = ext.split_rows(a)
    assert isinstance(rows, list) and len(rows) == 2 and rows[1].tolist() == [3, 4, 5]
    assert ext.same(t, t) and not ext.same(t, t.clone())
    assert ext.maybe(t) and not ext.maybe(None)
    x = ember.ones(3, requires_grad=True)
    y = ext.scale(x, 3.0)  # the same Tensor: autograd records through the extension's call
    y.sum().backward()
    assert x.grad.tolist() == [3, 3, 3]


@pytest.mark.skipif(shutil.which("cmake") is None, reason="cmake not installed")
def test_errors(ext):
    with pytest.raises(TypeError):
        ext.scale(np.ones(3), 2.0)  # not an ember.Tensor: pybind11's overload error
    with pytest.raises(RuntimeError, match="shape"):
        ext.fails(ember.ones(3))
    with pytest.raises(IndexError):  # ember::IndexError keeps its Python type across the module
        ext.bad_index(ember.ones(3))
    assert ember._C._C_API is not None
