"""The conan recipe (conanfile.py, docs/packaging.md), offline: `conan export-pkg` packages the
development tree build/ (no second build of ember) into a private conan cache, and a consumer project
whose conanfile requires ember/0.1.0 builds and runs two programs, one per component."""
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
PROFILE = os.path.join(ROOT, "conan", "profiles", "linux-x86_64-offline")
CONAN = os.path.join(os.path.dirname(sys.executable), "conan")
CONSUMER = os.path.join(ROOT, "tests_py", "data", "conan_consumer")

pytestmark = [
    pytest.mark.skipif(not os.path.exists(CONAN), reason="conan is not installed in this venv"),
    pytest.mark.skipif(not os.path.exists(os.path.join(BUILD, "libember_runtime.so")),
                       reason="no development tree build/ to package"),
    pytest.mark.skipif(shutil.which("cmake") is None, reason="cmake not installed"),
]


def run(cmd, env, cwd=None):
    r = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    assert r.returncode == 0, " ".join(cmd) + "\n" + r.stdout + r.stderr
    return r.stdout + r.stderr


def test_conan_package_consumer(tmp_path):
    env = dict(os.environ, CONAN_HOME=str(tmp_path / "conan_home"))
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    run([CONAN, "remote", "remove", "conancenter"], env)  # offline: no remote at all
    run([CONAN, "export-pkg", ROOT, "-pr:a", PROFILE, "-of", BUILD], env)
    listing = run([CONAN, "list", "ember/0.1.0:*"], env)
    assert "ember/0.1.0" in listing
    out = tmp_path / "consumer"
    run([CONAN, "install", CONSUMER, "-pr:a", PROFILE, "-of", str(out), "--build=never"], env)
    toolchain = next(os.path.join(d, f) for d, _, fs in os.walk(out) for f in fs if f == "conan_toolchain.cmake")
    gen = ["-G", "Ninja"] if shutil.which("ninja") else []
    run(["cmake", "-S", CONSUMER, "-B", str(out / "b"), f"-DCMAKE_TOOLCHAIN_FILE={toolchain}",
         "-DCMAKE_BUILD_TYPE=Release", *gen], env)
    run(["cmake", "--build", str(out / "b")], env)
    assert "grad 18" in run([str(out / "b" / "app")], env)
    assert "sum 14" in run([str(out / "b" / "app_runtime")], env)
    ldd = run(["ldd", str(out / "b" / "app_runtime")], env)
    assert "libember_runtime.so" in ldd and "libember.so" not in ldd
