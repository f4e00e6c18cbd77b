"""A C++ program built exactly as a user would: find_package(Ember) against ember.utils.cmake_prefix_path."""
import os
import shutil
import subprocess

import pytest

import ember.utils

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(os.path.dirname(HERE), "examples_cpp")


@pytest.mark.skipif(shutil.which("cmake") is None, reason="cmake not installed")
def test_find_package_consumer(tmp_path):
    prefix = ember.utils.cmake_prefix_path
    assert os.path.isfile(os.path.join(prefix, "Ember", "EmberConfig.cmake"))
    gen = ["-G", "Ninja"] if shutil.which("ninja") else []
    subprocess.run(["cmake", "-S", EXAMPLES, "-B", str(tmp_path), f"-DCMAKE_PREFIX_PATH={prefix}", "-DCMAKE_CXX_FLAGS=-Wall -Wextra -Werror",  # headers stay warning-free
                    "-DCMAKE_BUILD_TYPE=Release", *gen], check=True, capture_output=True)
    subprocess.run(["cmake", "--build", str(tmp_path)], check=True, capture_output=True)
    out = subprocess.run([os.path.join(str(tmp_path), "tour")], check=True, capture_output=True, text=True).stdout
    # The program prints z = x @ ones + 1 as libtorch prints it.
    assert " 4  4\n 8  8\n[ CPUFloatType{2,2} ]" in out
    assert "error, as expected: add:" in out
    # The nn frontend as a user links it: a libtorch-style module, its repr and a training loop.
    out = subprocess.run([os.path.join(str(tmp_path), "nn_mlp")], check=True, capture_output=True, text=True).stdout
    assert "Mlp(\n  (fc1): Linear(in_features=2, out_features=32, bias=True)" in out
    losses = [float(line.split()[-1]) for line in out.splitlines() if line.startswith("step ")]
    assert len(losses) == 4 and losses[-1] < 0.1 * losses[0]
