"""ember.utils: helpers for building against ember."""
import os as _os

from ember import _C as _C_mod


def _package_dir():
    # _C lives in the installed package folder (site-packages/ember, also for the editable
    # development install), next to lib/ and include/.
    return _os.path.dirname(_os.path.abspath(_C_mod.__file__))


#: Pass to CMake as CMAKE_PREFIX_PATH so that find_package(Ember CONFIG REQUIRED) finds ember.
cmake_prefix_path = _os.path.join(_package_dir(), "lib", "cmake")


def __getattr__(name):
    # ember.utils.data loads on first use (as `import ember.utils.data`), keeping `import ember` lean.
    if name == "data":
        import importlib
        return importlib.import_module("ember.utils.data")
    raise AttributeError(f"module 'ember.utils' has no attribute '{name}'")
