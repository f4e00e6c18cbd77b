"""The workloads of bench.py (S1..S13 of BENCHMARKS.md): one case_<name>(L, T, args) per workload,
L the library wrapper, T the timer (bench_lib.py)."""
from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import traceback

perf_ns = time.perf_counter_ns

from bench_lib import *  # noqa: F401,F403 (the harness: NA, Timer, Lib, constants)

# --------------------------------------------------------------------------------------------
# cases: each returns a list of (sub, value, unit); raises NA when not applicable
# --------------------------------------------------------------------------------------------
def rng_array(np, shape, seed=0, kind="normal"):
    r = np.random.default_rng(seed)
    if kind == "uniform":
        return r.random(shape, dtype=np.float32)
    return r.standard_normal(shape, dtype=np.float32)


def case_S1(L, T, args):
    np = L.np
    a = L.from_np(np.array([1.5], dtype=np.float32))
    b = L.from_np(np.array([2.5], dtype=np.float32))
    a + b  # noqa: B018 - raises if unsupported

    def run(n):
        t0 = perf_ns()
        for _ in range(n):
            c = a + b  # noqa: F841
        return perf_ns() - t0
    return [("a + b, 1 elem", T(run), "ns/op")]


def case_S1k(L, T, args):
    if L.name == "numpy":
        raise NA("numpy.add has no alpha")
    np = L.np
    add = L.fn("add")
    a = L.from_np(np.array([1.5], dtype=np.float32))
    b = L.from_np(np.array([2.5], dtype=np.float32))
    add(a, b, alpha=2.0)

    def run(n):
        t0 = perf_ns()
        for _ in range(n):
            c = add(a, b, alpha=2.0)  # noqa: F841
        return perf_ns() - t0
    return [("add(a, b, alpha=2.0)", T(run), "ns/op")]


N24 = 1 << 24


def case_S2(L, T, args):
    np = L.np
    a = L.from_np(rng_array(np, N24, 1))
    b = L.from_np(rng_array(np, N24, 2))
    c = a + b  # noqa: F841
    del c

    def run(n):
        t0 = perf_ns()
        for _ in range(n):
            c = a + b  # noqa: F841
        return perf_ns() - t0
    ns = T(run)
    return [("c = a + b (new), 2^24", 3 * N24 * 4 / ns, "GB/s")]


def case_S2b(L, T, args):
    np = L.np
    add = L.fn("add")
    a = L.from_np(rng_array(np, N24, 1))
    b = L.from_np(rng_array(np, N24, 2))
    c = L.from_np(np.zeros(N24, dtype=np.float32))
    add(a, b, out=c)

    def run(n):
        t0 = perf_ns()
        for _ in range(n):
            add(a, b, out=c)
        return perf_ns() - t0
    ns = T(run)
    return [("add(a, b, out=c), 2^24", 3 * N24 * 4 / ns, "GB/s")]


def case_S3(L, T, args):
    np = L.np
    a = L.from_np(rng_array(np, N24, 3))
    rows = []
    for op in ("exp", "tanh"):
        try:
            f = L.fn(op)
            f(a)
        except NA as e:
            rows.append((op + ", 2^24", e, "Gelem/s"))
            continue

        def run(n, f=f):
            t0 = perf_ns()
            for _ in range(n):
                c = f(a)  # noqa: F841
            return perf_ns() - t0
        rows.append((op + ", 2^24", N24 / T(run), "Gelem/s"))
    return rows


def case_S4(L, T, args):
    np = L.np
    a = L.from_np(rng_array(np, N24, 4))
    f = L.fn("sum")
    f(a)

    def run(n):
        t0 = perf_ns()
        for _ in range(n):
            s = f(a)  # noqa: F841
        return perf_ns() - t0
    return [("sum, 2^24", N24 * 4 / T(run), "GB/s")]


def _mat4096(L, seed):
    return L.from_np(rng_array(L.np, (4096, 4096), seed))


def _reduce_dim(L, fname, dim):
    """Returns callable x -> reduction of x over dim, library-appropriate."""
    if L.name == "numpy":
        f = L.fn(fname)
        return lambda x: f(x, axis=dim)
    f = L.fn(fname)
    return lambda x: f(x, dim=dim)


def case_S4d(L, T, args):
    a = _mat4096(L, 5)
    f = _reduce_dim(L, "sum", 1)
    f(a)

    def run(n):
        t0 = perf_ns()
        for _ in range(n):
            s = f(a)  # noqa: F841
        return perf_ns() - t0
    return [("sum(dim=1), 4096^2", 4096 * 4096 * 4 / T(run), "GB/s")]


def case_S4m(L, T, args):
    a = _mat4096(L, 6)
    rows = []
    for dim in (0, 1):
        label = f"max(dim={dim}) 4096^2"
        f = _reduce_dim(L, "max", dim)
        r = f(a)
        if L.name != "numpy":
            # must return (values, indices)
            try:
                _v, _i = r
            except Exception:  # noqa: BLE001
                raise NA("max(dim) does not return (values, indices)") from None

        def run(n, f=f):
            t0 = perf_ns()
            for _ in range(n):
                s = f(a)  # noqa: F841
            return perf_ns() - t0
        v = 4096 * 4096 * 4 / T(run)
        rows.append((label, (v, "values only (numpy .max(axis))") if L.name == "numpy" else v, "GB/s"))
    return rows


def case_S4a(L, T, args):
    a = _mat4096(L, 7)
    f = _reduce_dim(L, "amax", 0)
    f(a)

    def run(n):
        t0 = perf_ns()
        for _ in range(n):
            s = f(a)  # noqa: F841
        return perf_ns() - t0
    return [("amax(dim=0), 4096^2", 4096 * 4096 * 4 / T(run), "GB/s")]


def case_S5(L, T, args):
    np = L.np
    mm = L.fn("matmul")
    rows = []
    shapes = [((n, n), (n, n), 2.0 * n ** 3, f"matmul {n}") for n in (128, 512, 1024, 2048)]
    shapes.append(((64, 128, 128), (64, 128, 128), 64 * 2.0 * 128 ** 3, "bmm 64x128^2"))
    for sa, sb, flops, label in shapes:
        a = L.from_np(rng_array(np, sa, 8))
        b = L.from_np(rng_array(np, sb, 9))
        try:
            mm(a, b)
        except Exception as e:  # noqa: BLE001
            rows.append((label, NA(f"{type(e).__name__}: {e}"), "GFLOP/s"))
            continue

        def run(n, a=a, b=b):
            t0 = perf_ns()
            for _ in range(n):
                c = mm(a, b)  # noqa: F841
            return perf_ns() - t0
        rows.append((label, flops / T(run), "GFLOP/s"))
    return rows


def case_S9(L, T, args):
    if L.name == "numpy":
        raise NA("not applicable to numpy")
    np = L.np
    fn = L.fn("from_numpy")
    rows = []
    for label, size in (("1 KiB", 256), ("64 MiB", N24)):
        arr = rng_array(np, size, 10)
        try:
            t = fn(arr)
        except Exception as e:  # noqa: BLE001
            rows.append((f"from_numpy {label}", NA(f"{type(e).__name__}"), "us"))
            t = None
        else:
            def run(n, arr=arr):
                t0 = perf_ns()
                for _ in range(n):
                    x = fn(arr)  # noqa: F841
                return perf_ns() - t0
            rows.append((f"from_numpy {label}", T(run) / 1e3, "us"))
        try:
            if t is None:
                t = L.from_np(arr)
            to_np = t.numpy
            to_np()
        except Exception as e:  # noqa: BLE001
            rows.append((f".numpy() {label}", NA(f"{type(e).__name__}"), "us"))
            continue

        def run2(n, t=t):
            f = t.numpy
            t0 = perf_ns()
            for _ in range(n):
                x = f()  # noqa: F841
            return perf_ns() - t0
        rows.append((f".numpy() {label}", T(run2) / 1e3, "us"))
    return rows


def _chain_ops(L):
    m = L.m
    tanh = L.fn("tanh")

    def forward(x):
        y = x
        for i in range(100):
            k = i % 3
            if k == 0:
                y = y * 1.01
            elif k == 1:
                y = y + 0.1
            else:
                y = tanh(y)
        return y
    return m, forward


def _leaf16(L):
    np = L.np
    x = L.from_np(rng_array(np, 16, 11))
    if hasattr(x, "requires_grad_"):
        x.requires_grad_(True)
    else:
        try:
            x.requires_grad = True
        except Exception:  # noqa: BLE001
            raise NA("no requires_grad") from None
    if not getattr(x, "requires_grad", False):
        raise NA("requires_grad not set")
    return x


def case_S10(L, T, args):
    if L.name == "numpy":
        raise NA("no autograd")
    m, forward = _chain_ops(L)
    x = _leaf16(L)
    y = forward(x).sum()
    if not hasattr(y, "backward"):
        raise NA("no backward")
    y.backward()

    def run(n):
        t0 = perf_ns()
        for _ in range(n):
            forward(x).sum().backward()
        return perf_ns() - t0
    return [("100 ops fwd+bwd, 16 elem", T(run) / 1e3, "us")]


def case_S10f(L, T, args):
    if L.name == "numpy":
        raise NA("no autograd")
    m, forward = _chain_ops(L)
    x = _leaf16(L)
    no_grad = getattr(m, "no_grad", None)
    if no_grad is None:
        raise NA("no_grad missing")
    forward(x)

    def run_rec(n):
        t0 = perf_ns()
        for _ in range(n):
            y = forward(x)  # noqa: F841
        return perf_ns() - t0

    def run_ng(n):
        with no_grad():
            t0 = perf_ns()
            for _ in range(n):
                y = forward(x)  # noqa: F841
            return perf_ns() - t0
    rec = T(run_rec) / 1e3
    ng = T(run_ng) / 1e3
    return [("fwd, recording", rec, "us"), ("fwd, no_grad", ng, "us"),
            ("recording / no_grad", rec / ng, "x")]


def _python_for(lib, args):
    """An interpreter that can `import lib` by itself, or None."""
    cands = [sys.executable]
    if lib == "ember":
        cands.append(args.ember_python or os.path.join(args.ember_venv or DEFAULT_EMBER_VENV, "bin", "python"))
    if lib == "torch":
        cands.append(args.torch_python or os.path.join(DEFAULT_TORCH_VENV, "bin", "python"))
    for py in cands:
        if not py or not os.path.exists(py):
            continue
        r = subprocess.run([py, "-c", f"import {lib}"], capture_output=True, timeout=300)
        if r.returncode == 0:
            return py
    return None


def case_S11(L, T, args):
    py = _python_for(L.name, args)
    if py is None:
        raise NA("no interpreter imports it by itself")

    def wall(code):
        ts = []
        for _ in range(5):
            t0 = perf_ns()
            subprocess.run([py, "-c", code], check=True, capture_output=True, timeout=300)
            ts.append(perf_ns() - t0)
        return statistics.median(ts) / 1e6
    base = wall("pass")
    imp = wall(f"import {L.name}")
    note = f"{py}; bare interpreter start {base:.0f} ms"
    return [("import wall time", (imp, note), "ms")]


def resnet18_param_shapes():
    """ResNet-18's 62 parameter shapes (11,689,512 elements): conv weights, BatchNorm weight/bias, fc."""
    shapes = [(64, 3, 7, 7), (64,), (64,)]
    cin = 64
    for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        for block in range(2):
            shapes += [(cout, cin if block == 0 else cout, 3, 3), (cout,), (cout,), (cout, cout, 3, 3), (cout,), (cout,)]
            if block == 0 and (stride != 1 or cin != cout):
                shapes += [(cout, cin, 1, 1), (cout,), (cout,)]
        cin = cout
    return shapes + [(1000, 512), (1000,)]


def case_S13(L, T, args):
    if L.name == "numpy":
        raise NA("no optimizers")
    np = L.np
    optim = getattr(L.m, "optim", None)
    if optim is None or not hasattr(optim, "Adam"):
        raise NA("optim.Adam missing")
    shapes = resnet18_param_shapes()
    params = []
    for i, s in enumerate(shapes):
        p = L.from_np(rng_array(np, s, seed=i) * 0.05).requires_grad_()
        p.grad = L.from_np(rng_array(np, s, seed=1000 + i))
        params.append(p)
    n = sum(int(np.prod(s)) for s in shapes)
    opt = optim.Adam(params, lr=1e-3)  # PyTorch's default Adam (on the CPU: the for-each-param loop)
    opt.step()

    def run(k):
        t0 = perf_ns()
        for _ in range(k):
            opt.step()
        return perf_ns() - t0
    ms = T(run) / 1e6
    gbs = 7 * 4 * n / (ms * 1e-3) / 1e9  # reads param, grad, exp_avg, exp_avg_sq; writes param and both moments
    return [(f"Adam step, {len(shapes)} tensors, {n / 1e6:.2f}M params", ms, "ms"),
            ("bytes moved (7 floats / param)", gbs, "GB/s")]

def _functional(L):
    if L.name == "numpy":
        raise NA("no nn.functional")
    import importlib
    try:
        return importlib.import_module(L.name + ".nn.functional")
    except ImportError as e:
        raise NA(f"{L.name}.nn.functional missing ({e})")


def case_S6(L, T, args):
    """MLP 784-512-512-10 (nn.Linear + ReLU) on a batch of 128, cross-entropy, SGD momentum 0.9: one train
    step (zero_grad, forward, backward, step)."""
    F = _functional(L)
    np = L.np
    nn = getattr(L.m, "nn", None)
    optim = getattr(L.m, "optim", None)
    if nn is None or optim is None or not hasattr(nn, "Sequential"):
        raise NA("nn / optim missing")
    L.m.manual_seed(0)
    net = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    opt = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    x = L.from_np(rng_array(np, (128, 784), 7))
    t = L.from_np(np.random.default_rng(8).integers(0, 10, size=128).astype(np.int64))

    def step():
        opt.zero_grad()
        F.cross_entropy(net(x), t).backward()
        opt.step()
    step()

    def run(n):
        t0 = perf_ns()
        for _ in range(n):
            step()
        return perf_ns() - t0
    return [("train step", T(run) / 1e6, "ms")]


def case_S7(L, T, args):
    """conv2d batch 32, 3 -> 64 channels, 32x32, 3x3, padding 1: forward, and forward+backward (weight and
    bias gradients; the input, an image batch, needs none)."""
    F = _functional(L)
    np = L.np
    x = L.from_np(rng_array(np, (32, 3, 32, 32), 1))
    w = L.from_np(rng_array(np, (64, 3, 3, 3), 2) * np.float32(0.2)).requires_grad_()
    b = L.from_np(rng_array(np, (64,), 3)).requires_grad_()
    gy = L.from_np(rng_array(np, (32, 64, 32, 32), 4))
    F.conv2d(x, w, b, padding=1).backward(gy)

    def fwd(n):
        t0 = perf_ns()
        for _ in range(n):
            F.conv2d(x.detach(), w.detach(), b.detach(), padding=1)
        return perf_ns() - t0

    def fwd_bwd(n):
        t0 = perf_ns()
        for _ in range(n):
            w.grad = None
            b.grad = None
            F.conv2d(x, w, b, padding=1).backward(gy)
        return perf_ns() - t0
    return [("forward", T(fwd) / 1e6, "ms"), ("forward+backward", T(fwd_bwd) / 1e6, "ms")]


def case_S12(L, T, args):
    """cross_entropy over (4096, 1000) logits and int64 targets, forward+backward (mean reduction)."""
    F = _functional(L)
    np = L.np
    x = L.from_np(rng_array(np, (4096, 1000), 5)).requires_grad_()
    t = L.from_np(np.random.default_rng(6).integers(0, 1000, size=4096).astype(np.int64))
    F.cross_entropy(x, t).backward()

    def fwd_bwd(n):
        t0 = perf_ns()
        for _ in range(n):
            x.grad = None
            F.cross_entropy(x, t).backward()
        return perf_ns() - t0
    return [("forward+backward", T(fwd_bwd) / 1e6, "ms")]


def case_S14(L, T, args):
    """DataLoader over TensorDataset(60000 x 784 float32, int64 labels), batch 64, shuffle, one epoch
    (938 batches, every batch touched), with 0 and 2 worker processes: batches per second, the median
    of 3 epochs after a warm-up epoch (each epoch starts its workers, as a non-persistent loader does)."""
    if L.name == "numpy":
        raise NA("no DataLoader")
    import importlib
    try:
        data = importlib.import_module(L.name + ".utils.data")
    except ImportError as e:
        raise NA(f"{L.name}.utils.data missing ({e})")
    np = L.np
    x = L.from_np(rng_array(np, (60000, 784), 7))
    y = L.from_np(np.random.default_rng(8).integers(0, 10, size=60000).astype(np.int64))
    ds = data.TensorDataset(x, y)
    out = []
    for workers in (0, 2):
        loader = data.DataLoader(ds, batch_size=64, shuffle=True, num_workers=workers,
                                 generator=L.m.Generator().manual_seed(0))
        rates = []
        for epoch in range(1 + (1 if args.quick else 3)):
            t0 = perf_ns()
            n = 0
            for xb, yb in loader:
                n += xb.shape[0] > 0
            dt = (perf_ns() - t0) / 1e9
            if epoch:
                rates.append(n / dt)
        out.append((f"{workers} workers", statistics.median(rates), "batches/s"))
    return out


def case_S16(L, T, args):
    """jit.trace of 25 x ((x * 1.01 + 0.01).tanh() - 0.001) (100 ops) on a 16-element tensor: one call of
    the traced function from Python under no_grad (the interpreter's overhead per op), and eager for scale."""
    if L.name == "numpy":
        raise NA("no jit")
    jit = getattr(L.m, "jit", None)
    if jit is None or not hasattr(jit, "trace"):
        raise NA("jit.trace missing")

    def chain(x):
        for _ in range(25):
            x = (x * 1.01 + 0.01).tanh() - 0.001
        return x
    x = L.from_np(rng_array(L.np, (16,), 7))
    with L.m.no_grad():
        f = jit.trace(chain, (x,))
        for _ in range(5):  # PyTorch's profiling executor optimizes after a few calls
            f(x)

        def traced(n):
            t0 = perf_ns()
            for _ in range(n):
                f(x)
            return perf_ns() - t0

        def eager(n):
            t0 = perf_ns()
            for _ in range(n):
                chain(x)
            return perf_ns() - t0
        return [("traced call (100 ops, 16 elements, no_grad)", T(traced) / 1e3, "us"),
                ("eager (same ops from Python)", T(eager) / 1e3, "us")]


def _s15_file(L):
    d = tempfile.mkdtemp(prefix=f"bench_s15_{L.name}_")
    return os.path.join(d, "state.bin")


def case_S15(L, T, args):
    """save and load of a 100 MiB state dict (100 float32 tensors of 256x1024), GB/s of tensor bytes.
    Load touches every tensor (sum). numpy: the file system's own bandwidth for the same bytes (one
    write of a 100 MiB buffer; readinto a preallocated buffer), the ceiling for the others."""
    np = L.np
    n_bytes = 100 * 256 * 1024 * 4
    path = _s15_file(L)
    try:
        if L.name == "numpy":
            buf = np.ones(n_bytes, np.uint8)
            out = bytearray(n_bytes)

            def write(k):
                t0 = perf_ns()
                for _ in range(k):
                    with open(path, "wb") as f:
                        f.write(memoryview(buf))
                return perf_ns() - t0

            def read(k):
                t0 = perf_ns()
                for _ in range(k):
                    with open(path, "rb", buffering=0) as f:
                        f.readinto(out)
                return perf_ns() - t0

            def read_new(k):
                t0 = perf_ns()
                for _ in range(k):
                    with open(path, "rb", buffering=0) as f:
                        f.readinto(bytearray(n_bytes))
                return perf_ns() - t0
            w = T(write)
            return [("file write (one 100 MiB write)", n_bytes / w, "GB/s"),
                    ("file read (readinto, preallocated)", n_bytes / T(read), "GB/s"),
                    ("file read (readinto, fresh buffer)", n_bytes / T(read_new), "GB/s")]
        m = L.m
        sd = {f"layer{i}.weight": L.from_np(rng_array(np, (256, 1024), seed=i)) for i in range(100)}
        kw = {"weights_only": True}

        def save(k):
            t0 = perf_ns()
            for _ in range(k):
                m.save(sd, path)
            return perf_ns() - t0

        def load(mmap, touch):
            def run(k):
                t0 = perf_ns()
                for _ in range(k):
                    r = m.load(path, mmap=mmap, **kw)
                    if touch:
                        for t in r.values():
                            t.sum()
                return perf_ns() - t0
            return run
        rows = [("save", n_bytes / T(save), "GB/s")]
        rows.append(("load", n_bytes / T(load(False, False)), "GB/s"))
        rows.append(("load + touch (sum of each tensor)", n_bytes / T(load(False, True)), "GB/s"))
        rows.append(("load mmap=True + touch", n_bytes / T(load(True, True)), "GB/s"))
        return rows
    finally:
        d = os.path.dirname(path)
        for f in os.listdir(d):
            os.remove(os.path.join(d, f))
        os.rmdir(d)


CASE_FUNCS = {k: globals()["case_" + k] for k in ALL_CASES}
