"""ember.cuda: the CUDA backend is a later issue; this build has none."""
from ember import _C


def is_available():
    """Whether ember was built with CUDA and a GPU is present (always False in this build)."""
    return _C._cuda_is_available()


def device_count():
    """Number of CUDA devices ember can use (0 in this build)."""
    return 0
