"""Note [GIL release]: large ops run without the GIL, so another Python thread makes progress meanwhile."""
import threading
import time

import ember


def _ticks_inside(fn):
    """Runs fn() once while another thread records a timestamp every millisecond; returns the fraction of
    the middle of fn's run (from 20% to 80% of its duration) in which that thread recorded ticks. With
    the GIL held for all of fn, the other thread cannot run at all inside it."""
    ticks, stop, started = [], threading.Event(), threading.Event()

    def spin():
        last = 0.0
        started.set()
        while not stop.is_set():
            now = time.perf_counter()
            if now - last >= 0.001:
                ticks.append(now)
                last = now

    t = threading.Thread(target=spin)
    t.start()
    started.wait()
    t0 = time.perf_counter()
    fn()
    t1 = time.perf_counter()
    stop.set()
    t.join()
    lo, hi = t0 + 0.2 * (t1 - t0), t0 + 0.8 * (t1 - t0)
    inside = [x for x in ticks if lo <= x <= hi]
    return len(inside) / max(1.0, (hi - lo) / 0.001), t1 - t0


def test_other_thread_runs_during_large_matmul():
    a, b = ember.randn(2048, 2048), ember.randn(2048, 2048)
    ember.matmul(a[:64], b)  # warm up
    frac, seconds = _ticks_inside(lambda: ember.matmul(a, b))
    assert seconds > 0.01
    assert frac > 0, (frac, seconds)  # held, the GIL would allow no tick at all in the window


def test_other_thread_runs_during_large_operator_and_out_calls():
    x, y = ember.randn(20_000_000), ember.randn(20_000_000)
    frac, _ = _ticks_inside(lambda: x * y)  # the operator slot
    assert frac > 0
    z = ember.empty(20_000_000)
    frac, _ = _ticks_inside(lambda: ember.exp(x, out=z))  # out=
    assert frac > 0


def test_callbacks_into_python_under_released_gil():
    # ops that call back into Python (an observer) still work when they run without the GIL
    class Rec(ember.dispatch.Observer):
        def __init__(self):
            self.names = []

        def on_op(self, name, args, kwargs, outputs):
            self.names.append(name)

    big = ember.ones(100_000)
    with Rec() as r:
        (big * 2).sum(0)
        big.add_(1)
    assert r.names == ["aten::mul.Tensor", "aten::sum.dim_IntList", "aten::add_.Tensor"]
