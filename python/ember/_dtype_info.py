"""finfo / iinfo: numeric limits of ember's dtypes (PyTorch's API)."""
import numpy as np

import ember


class finfo:
    """Limits of a floating-point dtype: bits, eps, max, min, tiny (= smallest_normal), resolution."""

    def __init__(self, type=None):  # noqa: A002 (PyTorch's name)
        type = ember.get_default_dtype() if type is None else type
        if not isinstance(type, ember.dtype) or not type.is_floating_point:
            raise TypeError(f"finfo(): expected a floating-point ember.dtype, got {type}")
        self.dtype = repr(type).split(".")[-1]
        if type == ember.bfloat16:
            self.bits, self.eps, self.max, self.tiny, self.resolution = 16, 0.0078125, 3.3895313892515355e38, \
                1.1754943508222875e-38, 0.01
        else:
            i = np.finfo(self.dtype)
            self.bits, self.eps, self.max, self.tiny = i.bits, float(i.eps), float(i.max), float(i.tiny)
            self.resolution = float(i.resolution)
        self.min = -self.max
        self.smallest_normal = self.tiny

    def __repr__(self):
        return (f"finfo(resolution={self.resolution}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """Limits of an integer dtype: bits, min, max."""

    def __init__(self, type):  # noqa: A002
        if not isinstance(type, ember.dtype) or type.is_floating_point:
            raise TypeError(f"iinfo(): expected an integer ember.dtype, got {type}")
        self.dtype = repr(type).split(".")[-1]
        if type == ember.bool:
            raise TypeError("iinfo(): ember.bool is not an integer type")
        i = np.iinfo(self.dtype)
        self.bits, self.min, self.max = i.bits, int(i.min), int(i.max)

    def __repr__(self):
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"
