"""Grad modes as context managers and decorators (thread-local, like PyTorch's)."""
import functools

from ember import _C


class _Mode:
    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(*self._args):
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_Mode):
    """Disables graph recording inside the block (or the decorated function)."""

    def __init__(self):
        self._args = ()

    def __enter__(self):
        self.prev = _C.is_grad_enabled()
        _C._set_grad_enabled(False)

    def __exit__(self, *exc):
        _C._set_grad_enabled(self.prev)
        return False


class enable_grad(_Mode):
    """Enables graph recording inside the block (e.g. within no_grad)."""

    def __init__(self):
        self._args = ()

    def __enter__(self):
        self.prev = _C.is_grad_enabled()
        _C._set_grad_enabled(True)

    def __exit__(self, *exc):
        _C._set_grad_enabled(self.prev)
        return False


class set_grad_enabled(_Mode):
    """Sets grad mode to `mode`: immediately (as a function) and for the block (as a context manager)."""

    def __init__(self, mode):
        self._args = (mode,)
        self.prev = _C.is_grad_enabled()
        _C._set_grad_enabled(bool(mode))

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _C._set_grad_enabled(self.prev)
        return False


class inference_mode(_Mode):
    """No recording at all inside the block (like no_grad, for inference)."""

    def __init__(self, mode=True):
        self._args = (mode,)
        self.mode = mode

    def __enter__(self):
        self.prev = (_C.is_grad_enabled(), _C.is_inference_mode_enabled())
        _C._set_inference_mode(bool(self.mode))

    def __exit__(self, *exc):
        _C._set_inference_mode(self.prev[1])
        _C._set_grad_enabled(self.prev[0])
        return False


class detect_anomaly(_Mode):
    """Inside the block, a NaN produced in backward raises an error naming the forward op and the Python
    stack where that op was created."""

    def __init__(self, check_nan=True):
        self._args = (check_nan,)
        self.check_nan = check_nan

    def __enter__(self):
        self.prev = _C.is_anomaly_enabled()
        _C._set_anomaly_enabled(bool(self.check_nan))

    def __exit__(self, *exc):
        _C._set_anomaly_enabled(self.prev)
        return False


class set_detect_anomaly(detect_anomaly):
    """Sets anomaly detection on or off (immediately, and for the block as a context manager)."""

    def __init__(self, mode, check_nan=True):
        self._args = (mode, check_nan)
        self.prev = _C.is_anomaly_enabled()
        _C._set_anomaly_enabled(bool(mode) and check_nan)

    def __enter__(self):
        pass
