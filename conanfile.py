"""Conan 2 recipe for ember's C++ dependencies.

Every dependency is declared by its real reference. The committed offline
profile (conan/profiles/linux-x86_64-offline) lists the same references under
[platform_requires], so `conan install` contacts no remote and CMake's ordinary
find_package() resolves the Debian packages (and pybind11 from the venv).
CMakeLists.txt therefore contains no conan-specific lines: the same project
builds under conan, `pip install .` (scikit-build-core), or plain cmake.

    conan install . -pr:a conan/profiles/linux-x86_64-offline --build=missing -of build/conan
"""
from conan import ConanFile


class EmberConan(ConanFile):
    name = "ember"
    version = "0.1.0"
    license = "MIT"
    description = "C++-first deep-learning library with a PyTorch-like API"
    settings = "os", "arch", "compiler", "build_type"
    generators = "CMakeDeps", "CMakeToolchain"

    def requirements(self):
        self.requires("openblas/0.3.21")        # Debian: libopenblas-dev (pthread variant): float64 GEMM
        self.requires("onednn/2.6.3")           # Debian: libdnnl-dev (OpenMP build): float32 GEMM
        self.requires("sleef/3.5.1")            # Debian: libsleef-dev
        self.requires("nlohmann_json/3.11.2")   # Debian: nlohmann-json3-dev
        self.requires("dlpack/0.6")             # Debian: libdlpack-dev
        self.requires("pybind11/3.1.0")         # PyPI: pybind11 (python -m pybind11 --cmakedir)

    def build_requirements(self):
        self.test_requires("catch2/2.13.10")    # Debian: catch2 (Catch2 v2)
