"""ember.testing: assert_close, as torch.testing.assert_close."""
import numpy as np

import ember

# Default (rtol, atol) per dtype, PyTorch's table.
_TOLERANCES = {
    "float16": (1e-3, 1e-5), "bfloat16": (1.6e-2, 1e-5), "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7),
}


def _name(dtype):
    return repr(dtype).split(".")[-1]


def _as_array(x):
    if isinstance(x, ember.Tensor):
        t = x.detach()
        if t.dtype == ember.bfloat16:
            t = t.float()
        return t.numpy()
    return np.asarray(x)


def assert_close(actual, expected, *, rtol=None, atol=None, equal_nan=False, check_device=True, check_dtype=True,
                 check_layout=True, check_stride=False, msg=None):
    """Raises AssertionError unless actual and expected (tensors, numbers, or sequences of them) have
    the same shape, dtype and device and their values satisfy |a - e| <= atol + rtol * |e|."""
    if isinstance(actual, (list, tuple)) and isinstance(expected, (list, tuple)):
        if len(actual) != len(expected):
            raise AssertionError(f"The length of the sequences mismatch: {len(actual)} != {len(expected)}")
        for i, (a, e) in enumerate(zip(actual, expected)):
            try:
                assert_close(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=check_device,
                             check_dtype=check_dtype, msg=msg)
            except AssertionError as err:
                raise AssertionError(f"{err}\n\nThe failure occurred for item [{i}]") from None
        return
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no {'rtol' if rtol is None else 'atol'}.")
    if isinstance(actual, ember.Tensor) and isinstance(expected, ember.Tensor):
        if tuple(actual.shape) != tuple(expected.shape):
            raise AssertionError(msg or f"The values for attribute 'shape' do not match: {actual.shape} != {expected.shape}.")
        if check_device and actual.device != expected.device:
            raise AssertionError(msg or f"The values for attribute 'device' do not match: {actual.device} != {expected.device}.")
        if check_dtype and actual.dtype != expected.dtype:
            raise AssertionError(msg or f"The values for attribute 'dtype' do not match: {actual.dtype} != {expected.dtype}.")
        if check_stride and actual.stride() != expected.stride():
            raise AssertionError(msg or f"The values for attribute 'stride()' do not match: {actual.stride()} != {expected.stride()}.")
        dtype = expected.dtype
    elif isinstance(actual, ember.Tensor) or isinstance(expected, ember.Tensor):
        t = actual if isinstance(actual, ember.Tensor) else expected
        other = expected if t is actual else actual
        if not isinstance(other, (int, float, bool)):
            raise TypeError(f"No comparison pair for a Tensor and {type(other).__name__}")
        dtype = t.dtype
    else:
        dtype = None
    a = _as_array(actual).astype(np.float64) if np.asarray(_as_array(actual)).dtype != np.bool_ else _as_array(actual)
    e = _as_array(expected).astype(np.float64) if np.asarray(_as_array(expected)).dtype != np.bool_ else _as_array(expected)
    if rtol is None:
        rtol, atol = _TOLERANCES.get(_name(dtype), (0.0, 0.0)) if dtype is not None else (1.3e-6, 1e-5)
    a, e = np.broadcast_arrays(a, e)
    if a.dtype == np.bool_ or e.dtype == np.bool_:
        ok = a == e
    else:
        with np.errstate(invalid="ignore"):
            ok = np.abs(a - e) <= atol + rtol * np.abs(e)
        ok |= a == e  # infinities of the same sign
        if equal_nan:
            ok |= np.isnan(a) & np.isnan(e)
    if ok.all():
        return
    bad = ~ok
    n, total = int(bad.sum()), ok.size
    lines = [msg or ("Scalars are not close!" if a.ndim == 0 else "Tensor-likes are not close!"), "",
             f"Mismatched elements: {n} / {total} ({100.0 * n / total:.1f}%)"]
    if a.dtype != np.bool_:
        diff = np.where(bad, np.abs(a - e), -1)
        i = np.unravel_index(np.argmax(diff), diff.shape)
        rel = np.where(bad, np.abs(a - e) / np.where(e == 0, np.inf, np.abs(e)), -1)
        j = np.unravel_index(np.argmax(rel), rel.shape)
        lines.append(f"Greatest absolute difference: {diff[i]} at index {tuple(int(k) for k in i)} (up to {atol} allowed)")
        lines.append(f"Greatest relative difference: {rel[j]} at index {tuple(int(k) for k in j)} (up to {rtol} allowed)")
    raise AssertionError("\n".join(lines))
