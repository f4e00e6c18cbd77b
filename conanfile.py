"""Conan 2 recipe for ember (docs/packaging.md).

Every dependency is declared by its real reference. The committed offline profile
(conan/profiles/linux-x86_64-offline) lists the same references under [platform_requires], so conan
contacts no remote and CMake's ordinary find_package() resolves the Debian packages (and pybind11
from the venv). CMakeLists.txt contains no conan-specific lines: the same project builds under conan,
`pip install .` (scikit-build-core), or plain cmake.

    conan install . -pr:a conan/profiles/linux-x86_64-offline --build=missing -of build/conan   # deps only
    conan create . -pr:a conan/profiles/linux-x86_64-offline                                   # build + package
    conan export-pkg . -pr:a conan/profiles/linux-x86_64-offline -of build                    # package build/

The package has two components, as the CMake package: `runtime` (Ember::runtime, libember_runtime:
tensors, ops, registry; no autograd, no Python) and `ember` (Ember::ember, libember: autograd and the
layers above, linking the runtime). The Python module is built only with -o ember/*:python=True.
"""
import os

from conan import ConanFile
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain
from conan.tools.files import copy


class EmberConan(ConanFile):
    name = "ember"
    version = "0.1.0"
    license = "MIT"
    description = "C++-first deep-learning library with a PyTorch-like API"
    settings = "os", "arch", "compiler", "build_type"
    options = {"python": [True, False]}
    default_options = {"python": False}
    exports_sources = ("CMakeLists.txt", "cmake/*", "include/*", "src/*", "tools/codegen/*", "bindings/*",
                       "examples_cpp/*")
    package_type = "shared-library"

    def requirements(self):
        # The runtime links these privately (shared libraries): consumers need them only at run time.
        self.requires("openblas/0.3.21", visible=False)        # Debian: libopenblas-dev (pthread): float64 GEMM
        self.requires("onednn/2.6.3", visible=False)           # Debian: libdnnl-dev (OpenMP build): float32 GEMM
        self.requires("sleef/3.5.1", visible=False)            # Debian: libsleef-dev
        self.requires("nlohmann_json/3.11.2", visible=False)   # Debian: nlohmann-json3-dev
        self.requires("dlpack/0.6", visible=False)             # Debian: libdlpack-dev
        if self.options.python:
            self.requires("pybind11/3.1.0", visible=False)     # PyPI: pybind11 (python -m pybind11 --cmakedir)

    def build_requirements(self):
        self.test_requires("catch2/2.13.10")    # Debian: catch2 (Catch2 v2)

    def generate(self):
        tc = CMakeToolchain(self)
        tc.cache_variables["EMBER_BUILD_PYTHON"] = bool(self.options.python)
        tc.cache_variables["EMBER_BUILD_TESTS"] = False
        tc.generate()
        CMakeDeps(self).generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build(target="ember")

    def package(self):
        # Copies rather than `cmake --install`, so that `conan export-pkg` packages any configured tree
        # (the development tree build/ included) the same way.
        inc = os.path.join(self.package_folder, "include")
        copy(self, "*.h", os.path.join(self.source_folder, "include"), inc)
        copy(self, "*.h", os.path.join(self.build_folder, "generated", "include"), inc,
             excludes=["ember/gen/native.h"])  # private
        for lib in ("libember_runtime.so*", "libember.so*"):
            copy(self, lib, self.build_folder, os.path.join(self.package_folder, "lib"), keep_path=False)

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "Ember")
        self.cpp_info.set_property("cmake_target_name", "Ember::ember")
        runtime = self.cpp_info.components["runtime"]
        runtime.set_property("cmake_target_name", "Ember::runtime")
        runtime.libs = ["ember_runtime"]
        runtime.system_libs = ["dl", "pthread"]
        ember = self.cpp_info.components["ember"]
        ember.set_property("cmake_target_name", "Ember::ember")
        ember.libs = ["ember"]
        ember.requires = ["runtime"]
        # Loaded even by a program that calls only runtime symbols: its static initializers switch
        # recording on (Note [autograd hooks]; CMakeLists.txt does the same for Ember::ember).
        ember.exelinkflags = ["-Wl,--no-as-needed"]
        ember.sharedlinkflags = ["-Wl,--no-as-needed"]
