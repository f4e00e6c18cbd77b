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


def test_nn_cnn_parity_python_cpp(examples, tmp_path):
    # The same small CNN in Python and in C++ (examples_cpp/nn_cnn.cpp): Python writes its parameters,
    # buffers, input and target as raw float64 files; the C++ program loads them, runs forward +
    # cross_entropy + backward in eval mode (BatchNorm on running stats, Dropout off) and writes its
    # output and gradients, which must equal Python's to 1e-10. Names and repr must be Python's too.
    import numpy as np

    import ember.nn as nn
    import ember.nn.functional as F

    class Cnn(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
            self.bn1 = nn.BatchNorm2d(4)
            self.pool = nn.MaxPool2d(2)
            self.conv2 = nn.Conv2d(4, 8, (3, 3), padding="same")
            self.flatten = nn.Flatten()
            self.drop = nn.Dropout(0.5)
            self.fc = nn.Linear(32, 3)

        def forward(self, x):
            h = self.pool(F.relu(self.bn1(self.conv1(x))))
            h = self.pool(F.relu(self.conv2(h)))
            return self.fc(self.drop(self.flatten(h)))

    ember.manual_seed(7)
    net = Cnn().double()
    with ember.no_grad():
        net.bn1.weight.copy_(ember.rand(4, dtype=ember.float64) + 0.5)
        net.bn1.bias.copy_(ember.randn(4, dtype=ember.float64) * 0.1)
        net.bn1.running_mean.copy_(ember.randn(4, dtype=ember.float64) * 0.1)
        net.bn1.running_var.copy_(ember.rand(4, dtype=ember.float64) + 0.5)
        net.bn1.num_batches_tracked.fill_(3)
    net.eval()
    x = ember.randn(2, 1, 8, 8, dtype=ember.float64, requires_grad=True)
    target = ember.tensor([0, 2])
    tensors = dict(net.state_dict())
    tensors["x"] = x.detach()
    tensors["target"] = target
    with open(tmp_path / "manifest.txt", "w") as f:
        for name, t in tensors.items():
            f.write(f"{name} {t.dim()} {' '.join(str(d) for d in t.shape)}\n")
            t.to(ember.float64).numpy().astype(np.float64).tofile(str(tmp_path / f"{name}.bin"))
    out = subprocess.run([os.path.join(examples, "nn_cnn"), str(tmp_path)], check=True, capture_output=True,
                         text=True).stdout
    assert out.startswith(repr(net) + "\n"), out
    params = [line.split()[1] for line in out.splitlines() if line.startswith("param ")]
    buffers = [line.split()[1] for line in out.splitlines() if line.startswith("buffer ")]
    assert params == [k for k, _ in net.named_parameters()]
    assert buffers == [k for k, _ in net.named_buffers()]
    assert set(params + buffers) == set(net.state_dict().keys())
    assert "clone same=1 independent=1" in out

    y = net(x)
    F.cross_entropy(y, target).backward()

    def load(name, like):
        return np.fromfile(str(tmp_path / f"{name}.bin"), dtype=np.float64).reshape(tuple(like.shape))

    np.testing.assert_allclose(load("out", y), y.detach().numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(load("grad_x", x), x.grad.numpy(), rtol=0, atol=1e-10)
    for name, p in net.named_parameters():
        np.testing.assert_allclose(load("grad_" + name, p), p.grad.numpy(), rtol=0, atol=1e-10, err_msg=name)


def test_digits_demo_python_then_cpp(examples, tmp_path):
    """The README's main job (tools/run.sh demo) with an accuracy floor: the CNN trained in Python reaches
    97% on the held-out digits, its saved weights give the same accuracy when the C++ program runs them,
    and the same network trained by the C++ frontend reaches 97% too."""
    import sys
    root = os.path.dirname(HERE)
    py = subprocess.run([sys.executable, os.path.join(root, "examples_py", "digits.py"), "--out", str(tmp_path)],
                        capture_output=True, text=True, timeout=600)
    assert py.returncode == 0, py.stdout + py.stderr
    last = py.stdout.strip().splitlines()[-1]
    m = re.fullmatch(r"final test accuracy: (\d+\.\d)%", last)
    assert m, py.stdout
    py_acc = float(m.group(1))
    assert py_acc >= 97.0
    weights = tmp_path / "digits_cnn.safetensors"
    assert weights.is_file()
    cpp = subprocess.run([os.path.join(examples, "digits"), os.path.join(root, "data", "digits.safetensors"),
                          str(weights)], capture_output=True, text=True, timeout=600)
    assert cpp.returncode == 0, cpp.stdout + cpp.stderr
    lines = cpp.stdout.strip().splitlines()
    m = re.fullmatch(r"final test accuracy: (\d+\.\d)%", lines[-1])
    assert m, cpp.stdout
    assert float(m.group(1)) == py_acc  # the Python-trained weights, run by C++
    trained = [line for line in lines if line.startswith("C++ training:")]
    assert trained and float(re.search(r"test accuracy (\d+\.\d)%", trained[0]).group(1)) >= 97.0
