"""Thread-local state (Note [thread-local state]): ember's own hand-offs carry grad mode, inference
mode and saved-tensor hooks to the worker; a Python thread starts from the defaults, as in PyTorch."""
import threading

import ember
from ember import _C


def run_python_thread(fn):
    out = []
    th = threading.Thread(target=lambda: out.append(fn()))
    th.start()
    th.join()
    return out[0]


def test_grad_mode_travels_with_ember_hand_offs_only():
    with ember.no_grad():
        assert _C._run_in_thread(ember.is_grad_enabled) is False
        assert _C._run_in_thread(ember.is_grad_enabled, propagate_state=False) is True
        assert run_python_thread(ember.is_grad_enabled) is True  # Python threads start with grad on
    with ember.inference_mode():
        assert _C._run_in_thread(_C.is_inference_mode_enabled) is True
        assert run_python_thread(_C.is_inference_mode_enabled) is False
    assert _C._run_in_thread(ember.is_grad_enabled) is True
    # the worker's state was restored: a later thread-pool-free call sees defaults again
    assert run_python_thread(ember.is_grad_enabled) is True


def test_saved_tensor_hooks_travel():
    packed, unpacked = [], []

    def pack(t):
        packed.append(t)
        return t

    def unpack(t):
        unpacked.append(t)
        return t

    x = ember.ones(3, requires_grad=True)
    with ember.autograd.graph.saved_tensors_hooks(pack, unpack):
        y = _C._run_in_thread(lambda: x * x)
        assert packed
        n = len(packed)
        z = _C._run_in_thread(lambda: x * x, propagate_state=False)
        assert len(packed) == n
    y.sum().backward()
    assert unpacked and x.grad.tolist() == [2.0, 2.0, 2.0]
    z.sum().backward()


def test_errors_come_back():
    def boom():
        raise ValueError("from the worker")

    try:
        _C._run_in_thread(boom)
    except ValueError as e:
        assert "from the worker" in str(e)
    else:
        raise AssertionError("no error")


def test_parallel_loops_under_no_grad():
    x = ember.randn(1 << 20)
    with ember.no_grad():
        y = (x * 2).exp()  # OpenMP loops run their workers under the caller's state
    assert not y.requires_grad
    assert ember.allclose(y, (x * 2).exp())
