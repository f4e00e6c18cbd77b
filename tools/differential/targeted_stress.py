"""Thread and leak loops. Each returns a verdict (bool or count), never raw timings or byte counts,
so the two libraries compare equal when both behave."""
from __future__ import annotations

import gc
import threading
import time

import numpy as np

from targeted import check, mode


def _seconds():
    return 2.0 if mode() == "quick" else 5.0


def _rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def _leaks(fn, per_iter_limit=16, max_n=200000):
    """True when RSS keeps growing by more than per_iter_limit bytes per iteration after warm-up."""
    for _ in range(2000):
        fn()
    gc.collect()
    r0, n, t0 = _rss(), 0, time.time()
    while time.time() - t0 < _seconds() or n < 20000:
        for _ in range(1000):
            fn()
        n += 1000
        if n >= max_n:
            break
    gc.collect()
    return (_rss() - r0) / n > per_iter_limit


# ------------------------------------------------------------------------------ threads
@check("stress")
def threads_backward_same_leaf(L):
    """8 threads x 200 backward() into one 30000-element leaf (big enough that accumulating takes
    time without the GIL): in how many of 6 trials (12 in full mode) were .grad updates lost."""
    lost = 0
    for _ in range(6 if mode() == "quick" else 12):
        x = L.zeros(30000, dtype=L.float64, requires_grad=True)

        def work():
            for _ in range(200):
                (x * 1.0).sum().backward()
        ts = [threading.Thread(target=work) for _ in range(8)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        lost += int(not bool((x.grad == 1600).all()))
    return lost


@check("stress")
def threads_independent_math(L):
    a = L.from_numpy(np.random.default_rng(0).standard_normal((64, 64)))
    ref = (a @ a).sum().item()
    bad = []

    def work():
        t0 = time.time()
        while time.time() - t0 < _seconds() / 2:
            if abs((a @ a).sum().item() - ref) > 1e-9 * abs(ref) + 1e-9:
                bad.append(1)
    ts = [threading.Thread(target=work) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return len(bad)


@check("stress")
def threads_grad_mode_local(L):
    seen = {}

    def off():
        with L.no_grad():
            time.sleep(0.2)
            seen["off"] = L.is_grad_enabled()

    def on():
        time.sleep(0.1)
        seen["on"] = L.is_grad_enabled()
    ts = [threading.Thread(target=off), threading.Thread(target=on)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return (seen["off"], seen["on"])


@check("stress")
def threads_inplace_distinct_rows(L):
    x = L.zeros(8, 1000)

    def work(i):
        for _ in range(500):
            x[i].add_(1)
    ts = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return bool((x == 500).all())


@check("stress")
def threads_backward_separate_graphs(L):
    res = []

    def work():
        x = L.ones(16, dtype=L.float64, requires_grad=True)
        for _ in range(200):
            (x * x).sum().backward()
        res.append(float(x.grad.sum()))
    ts = [threading.Thread(target=work) for _ in range(6)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return sorted(res)


# ------------------------------------------------------------------------------ leaks
@check("stress")
def leak_hook_register_remove(L):
    x = L.ones(2, requires_grad=True)

    def f():
        x.register_hook(lambda g: g).remove()
    return _leaks(f, max_n=20000)


@check("stress")
def hook_remove_then_free_fast(L):
    """Freeing a tensor after 20000 register/remove pairs takes under a second."""
    x = L.ones(2, requires_grad=True)
    for _ in range(20000):
        x.register_hook(lambda g: g).remove()
    t0 = time.time()
    del x
    gc.collect()
    return time.time() - t0 < 1.0


@check("stress")
def leak_backward(L):
    x = L.ones(8, requires_grad=True)

    def f():
        (x * 2).sum().backward()
    return _leaks(f)


@check("stress")
def leak_numpy_roundtrip(L):
    def f():
        L.from_numpy(np.ones(4)).numpy()
    return _leaks(f)


@check("stress")
def leak_dlpack_roundtrip(L):
    t = L.ones(4)

    def f():
        L.from_dlpack(t)
    return _leaks(f)


@check("stress")
def leak_error_path(L):
    t = L.ones(2, 3)

    def f():
        try:
            t.sum(5)
        except (IndexError, RuntimeError):
            pass
    return _leaks(f)


@check("stress")
def leak_views(L):
    t = L.ones(4, 4)

    def f():
        t[1:, ::2].t().unsqueeze(0)
    return _leaks(f)


@check("stress")
def leak_retain_grad_graph(L):
    x = L.ones(4, requires_grad=True)

    def f():
        y = x * 2
        y.retain_grad()
        y.sum().backward()
    return _leaks(f)


@check("stress")
def allocator_returns_memory(L):
    """After a 512 MiB tensor is freed, is (most of) the memory back with the OS?"""
    gc.collect()
    r0 = _rss()
    t = L.ones(64 * 1024 * 1024, dtype=L.float64)
    del t
    gc.collect()
    return _rss() - r0 < 128 * 1024 * 1024
