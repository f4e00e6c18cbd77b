"""Device-safe ops: no op reads a tensor's memory outside its kernels. The test device is
"privateuseone" with no kernels and a no-access allocator (its memory faults on any host access,
ember._C._install_no_access_privateuse1): every op of the schema, called through its meta case
(tests_py/test_meta.py) and through every registry entry with generated arguments, must raise a clean
ember error (a missing kernel, a device it cannot mix with, a value it cannot read) or return tensors
on that device: never crash. The calls run in a child process; a crash names the op that caused it.
docs/cpu_kernels.md, "Device-safe ops"."""
import json
import os
import re
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = "privateuseone"
EMBER_ERRORS = ("RuntimeError", "NotImplementedError", "TypeError", "ValueError", "IndexError")


# ---------------------------------------------------------------- in the child process

def _fake_d():
    import ember
    from test_meta import D

    class FakeD(D):
        """test_meta's case builder, making every tensor on the fake device (no values: nothing may
        read them); d.cpu() stays a CPU tensor (0-d ones join any device as scalars)."""

        def __init__(self, float_dtype):
            super().__init__(FAKE)
            self.float_dtype = float_dtype  # replaces float32, the cases' default

        def t(self, *shape, dtype=ember.float32):
            return ember.empty(shape, dtype=self.float_dtype if dtype == ember.float32 else dtype, device=FAKE)

        w = t

        def pos(self, *shape, dtype=ember.float32):
            return self.t(*shape, dtype=dtype)

        def i(self, values, dtype=ember.int64):
            return self.t(*ember.tensor(values).shape, dtype=dtype)

    return FakeD


def _results_on_fake(r):
    import ember
    if isinstance(r, ember.Tensor):
        return r.device.type == FAKE
    if isinstance(r, (tuple, list)):
        return all(_results_on_fake(x) for x in r)
    return True  # numbers, sizes, None


def _boxed_args(schema, float_dtype):
    """A full positional argument list for a registry entry, from its schema text; float_dtype is the
    dtype of its (non-index) tensors."""
    import ember
    params = schema[schema.index("(") + 1:schema.rindex(") ->")]
    args = []
    for p in [p.strip() for p in re.split(r",\s*(?![^\[]*\])", params) if p.strip() and p.strip() != "*"]:
        typ, rest = p.rsplit(" ", 1)
        name, _, default = rest.partition("=")
        base = re.sub(r"\(.*?\)", "", typ)
        if base.startswith("Tensor"):
            dt = {"index": ember.int64, "indices": ember.int64, "idx": ember.int64, "sorter": ember.int64,
                  "repeats": ember.int64, "mask": ember.bool,
                  "condition": ember.bool}.get(name, float_dtype)
            t = ember.empty(2, 3, dtype=dt, device=FAKE)
            args.append([t, ember.empty(2, 3, dtype=dt, device=FAKE)] if base.startswith("Tensor[]") else t)
        elif base.startswith("Device"):
            args.append(ember.device(FAKE))
        elif default:
            args.append(eval(default, {"None": None, "True": True, "False": False}))  # noqa: S307 (schema text)
        elif base.startswith("int["):
            args.append([3, 2])
        elif base.startswith("int"):
            args.append(1)
        elif base.startswith("float["):
            args.append([0.5])
        elif base.startswith(("float", "Scalar")):
            args.append(0.5)
        elif base.startswith("bool"):
            args.append(False)
        elif base.startswith("str"):
            args.append("none")
        else:  # ScalarType, Device, Generator: their optional forms default to None
            args.append(None)
    return args


def _child(skip):
    sys.path.insert(0, HERE)
    import ember
    from test_meta import CASES, DATA_DEPENDENT, NON_TENSOR
    ember._C._install_no_access_privateuse1()
    FakeD = _fake_d()
    cases = [(f"{n}-{i}", c) for n, cs in sorted(CASES.items()) for i, c in enumerate(cs)]
    cases += [(f"{n}-{i}", c) for n, cs in sorted(DATA_DEPENDENT.items()) for i, (_, c) in enumerate(cs)]
    cases += [(f"{n}-{i}", c) for n, cs in sorted(NON_TENSOR.items()) for i, c in enumerate(cs)]
    calls = []
    for dt in (ember.float32, ember.float64):
        calls += [(f"case:{label}:{dt}", lambda c=c, dt=dt: c(FakeD(dt))) for label, c in cases]
    # float64, int64 and bool tensors: ops convert other dtypes first (a copy, which has no kernel there).
    for dt in (ember.float32, ember.float64, ember.int64, ember.bool):
        for name, schema in zip(ember._C._op_names(), ember._C._op_schemas()):
            calls.append((f"registry:{name}:{dt}", lambda name=name, schema=schema, dt=dt:
                          ember._C._call_boxed(name, *_boxed_args(schema, dt))))
    for label, call in calls:
        if label in skip:
            continue
        print("START " + label, flush=True)
        try:
            r = call()
            print(json.dumps({"label": label, "ok": True, "on_fake": _results_on_fake(r)}), flush=True)
        except Exception as e:  # noqa: BLE001: every error is recorded and judged by the parent
            print(json.dumps({"label": label, "ok": False, "type": type(e).__name__, "msg": str(e)[:300]}), flush=True)


# ---------------------------------------------------------------- the test

def run_all():
    """Runs every call in child processes; returns (records, crashed labels)."""
    skip, crashed, records = [], [], {}
    while True:
        p = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", json.dumps(skip)],
                           capture_output=True, text=True, cwd=HERE, timeout=600)
        last = None
        for line in p.stdout.splitlines():
            if line.startswith("START "):
                last = line[6:]
            elif line.startswith("{"):
                rec = json.loads(line)
                records[rec["label"]] = rec
                last = None
        if p.returncode == 0:
            return records, crashed
        assert last is not None, f"child failed outside a call (rc {p.returncode}): {p.stderr[-2000:]}"
        crashed.append(last)
        skip.append(last)


@pytest.fixture(scope="module")
def outcome():
    return run_all()


def test_no_op_crashes_on_a_device_without_kernels(outcome):
    _, crashed = outcome
    assert not crashed, f"ops that crashed (read device memory on the host): {crashed}"


def test_every_op_raises_a_clean_error_or_stays_on_the_device(outcome):
    records, _ = outcome
    assert any(label.startswith("registry:") for label in records)
    bad = []
    for label, r in sorted(records.items()):
        if r["ok"]:
            if not r["on_fake"]:
                bad.append(f"{label}: returned a tensor on another device")
        elif r["type"] not in EMBER_ERRORS:
            bad.append(f"{label}: {r['type']}: {r['msg']}")
        elif label.startswith("case:") and FAKE not in r["msg"]:
            # The meta cases are valid calls: the only error they may meet is the device's.
            bad.append(f"{label}: {r['type']} not naming the device: {r['msg']}")
    assert not bad, "\n".join(bad)


def test_mixed_devices_name_both_and_cpu_scalars_join():
    import ember
    ember._C._install_no_access_privateuse1()
    x = ember.empty(2, 3, device=FAKE)
    assert x.device == ember.device(FAKE) and x.device.type == FAKE
    # A 0-d CPU tensor or a Python number joins as a scalar: the op gets as far as its missing kernel.
    for f in (lambda: x + ember.tensor(2.0), lambda: x * 2, lambda: ember.where(x > 0, x, 0.0)):
        with pytest.raises(NotImplementedError, match="not implemented for 'Float' on privateuseone"):
            f()
    y = ember.ones(2, 3)
    for f in (lambda: x + y, lambda: y - x, lambda: ember.cat([x, y]), lambda: x @ y.T, lambda: x.gather(0, y.long()),
              lambda: ember.maximum(x, y), lambda: x.copy_(y)):
        with pytest.raises((RuntimeError, NotImplementedError), match="(cpu.*privateuseone|privateuseone.*cpu)"):
            f()
    with pytest.raises(NotImplementedError, match="privateuseone"):  # values come through a copy kernel
        ember.empty((), device=FAKE).item()


KERNEL_CALLS_AN_OP = re.compile(
    r"\bember::(?!cpu::|vec::|math::|rng::|internal::|dispatch::|detail::)\w+\s*\("
    r"|\.(contiguous|copy_|fill_|to|reshape|permute|movedim|clone|view|expand|select|narrow|sum|add|mul|sub|div|"
    r"index_select|gather|transpose|t|squeeze|unsqueeze|flatten|item)\(")


def test_kernels_call_no_public_ops():
    """Kernels use kernel-level helpers (src/kernels/cpu/tensor_util.h: empty_cpu, permuted,
    copy_into, contiguous_copy, fill), never public ops (which dispatch by device and record autograd)."""
    root = os.path.join(os.path.dirname(HERE), "src", "kernels")
    found = []
    for dirpath, _, files in os.walk(root):
        for f in files:
            path = os.path.join(dirpath, f)
            with open(path) as fh:
                for n, line in enumerate(fh, 1):
                    if KERNEL_CALLS_AN_OP.search(line.split("//")[0]):
                        found.append(f"{os.path.relpath(path, root)}:{n}: {line.strip()}")
    assert not found, "kernels calling public ops:\n" + "\n".join(found)


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--child":
    _child(set(json.loads(sys.argv[2])))
