"""C++ programs built exactly as a user would: find_package(Ember) against ember.utils.cmake_prefix_path.
examples_cpp/ holds tour and nn_mlp (link Ember::ember) and runtime_only (links Ember::runtime alone: no
autograd, no Python; docs/layers.md); one build serves the tests below."""
import os
import re
import shutil
import subprocess

import pytest

import ember.utils

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(os.path.dirname(HERE), "examples_cpp")
LIBDIR = os.path.join(os.path.dirname(ember.utils.cmake_prefix_path))  # site-packages/ember/lib

pytestmark = pytest.mark.skipif(shutil.which("cmake") is None, reason="cmake not installed")


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    build = tmp_path_factory.mktemp("examples")
    prefix = ember.utils.cmake_prefix_path
    assert os.path.isfile(os.path.join(prefix, "Ember", "EmberConfig.cmake"))
    gen = ["-G", "Ninja"] if shutil.which("ninja") else []
    cfg = subprocess.run(["cmake", "-S", EXAMPLES, "-B", str(build), f"-DCMAKE_PREFIX_PATH={prefix}",
                          "-DCMAKE_CXX_FLAGS=-Wall -Wextra -Werror",  # headers stay warning-free
                          "-DCMAKE_BUILD_TYPE=Release", *gen], capture_output=True, text=True)
    assert cfg.returncode == 0, cfg.stdout + cfg.stderr
    b = subprocess.run(["cmake", "--build", str(build)], capture_output=True, text=True)
    assert b.returncode == 0, b.stdout + b.stderr
    return str(build)


def test_find_package_consumer(examples):
    out = subprocess.run([os.path.join(examples, "tour")], check=True, capture_output=True, text=True).stdout
    # The program prints z = x @ ones + 1 as libtorch prints it.
    assert " 4  4\n 8  8\n[ CPUFloatType{2,2} ]" in out
    assert "error, as expected: add:" in out


def _dynamic_symbols(path, defined):
    flag = "--defined-only" if defined else "--undefined-only"
    out = subprocess.run(["nm", "-D", flag, path], check=True, capture_output=True, text=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.strip()}


@pytest.mark.skipif(shutil.which("nm") is None or shutil.which("ldd") is None, reason="needs binutils and ldd")
def test_runtime_alone_needs_no_autograd_and_no_python(examples):
    exe = os.path.join(examples, "runtime_only")
    ldd = subprocess.run(["ldd", exe], check=True, capture_output=True, text=True).stdout
    assert "libember_runtime.so" in ldd
    assert not re.search(r"libember\.so|libpython", ldd), ldd
    runtime = os.path.join(LIBDIR, "libember_runtime.so")
    # Every ember symbol the program needs is the runtime's ...
    missing = {s for s in _dynamic_symbols(exe, False) if "ember" in s} - _dynamic_symbols(runtime, True)
    assert not missing, missing
    # ... and the runtime has no autograd machinery (nodes, engine) and needs neither libember nor Python.
    demangled = subprocess.run(["nm", "-D", "-C", runtime], check=True, capture_output=True, text=True).stdout
    assert not re.search(r"autograd::(Node\b|Engine|generated|SavedVariable|backward\()", demangled)
    rt_ldd = subprocess.run(["ldd", runtime], check=True, capture_output=True, text=True).stdout
    assert not re.search(r"libember\.so|libpython", rt_ldd), rt_ldd


def test_runtime_alone_runs_ops_then_records_once_libember_loads(examples):
    exe = os.path.join(examples, "runtime_only")
    out = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
    assert "ops: 9 27" in out  # (x*2+1) @ ones for x = [[0,1,2],[3,4,5]]
    assert "without libember: requires_grad_: autograd is not available in this process" in out
    out = subprocess.run([exe, os.path.join(LIBDIR, "libember.so")], check=True, capture_output=True, text=True).stdout
    assert "with libember: grad_fn SumBackward0" in out
    assert "grad: 6 6 6" in out


def test_nn_frontend_consumer(examples):
    # The nn frontend as a user links it: a libtorch-style module, its repr and a training loop.
    out = subprocess.run([os.path.join(examples, "nn_mlp")], check=True, capture_output=True, text=True).stdout
    assert "Mlp(\n  (fc1): Linear(in_features=2, out_features=32, bias=True)" in out
    losses = [float(line.split()[-1]) for line in out.splitlines() if line.startswith("step ")]
    assert len(losses) == 4 and losses[-1] < 0.1 * losses[0]
