"""Fuzzing ember.load (Note [safetensors validation] in src/serialize): thousands of mutated files
(header length, header JSON bytes and structure, offsets, dtypes, shapes, the saved tree, truncation,
random bytes), from memory and through mmap. Each either loads or raises a clear RuntimeError or
ValueError naming the problem; none crashes or hangs."""
import io
import json
import random
import struct
import time

import numpy as np
import pytest

import ember

ALLOWED = (RuntimeError, ValueError)


def _seeds():
    w = ember.randn(3, 4)
    out = []
    for obj in ({"w": w, "wt": w.t(), "b": ember.arange(5), "h": ember.ones(2, dtype=ember.float16)},
                {"state": {0: {"step": ember.tensor(2.0), "exp_avg": ember.zeros(3)}},
                 "param_groups": [{"lr": 0.1, "betas": (0.9, 0.99), "params": [0]}]},
                {"a": np.arange(6, dtype=np.int32), "s": np.float64(1.5), "n": [None, True, "x", float("nan")]}):
        b = io.BytesIO()
        ember.save(obj, b)
        out.append(b.getvalue())
    return out


def _split(data):
    n = struct.unpack("<Q", data[:8])[0]
    return json.loads(data[8:8 + n]), data[8 + n:]


def _join(header, body):
    h = json.dumps(header).encode()
    return struct.pack("<Q", len(h)) + h + body


def _mutate_structure(rng, data):
    header, body = _split(data)
    names = [k for k in header if k != "__metadata__"]
    kind = rng.randrange(9)
    if kind == 0 and names:  # offsets
        e = header[rng.choice(names)]
        e["data_offsets"][rng.randrange(2)] = rng.choice([0, 1, 7, -1, 2 ** 63, 2 ** 64 - 1, len(body) + 8, "x", None, 3.5])
    elif kind == 1 and names:  # dtype
        header[rng.choice(names)]["dtype"] = rng.choice(["F32", "F64", "I8", "BOOL", "U16", "F8_E4M3", "C64", "", 3, "f32"])
    elif kind == 2 and names:  # shape
        e = header[rng.choice(names)]
        e["shape"] = rng.choice([[], [0], [-1], [2 ** 62, 2 ** 62], [1] * 100, "3", [1.5], [10 ** 30], [2, 0, 2 ** 63]])
    elif kind == 3 and names:  # extra / missing fields
        e = header[rng.choice(names)]
        if rng.random() < 0.5:
            e.pop(rng.choice(list(e)))
        else:
            e["extra"] = 1
    elif kind == 4:  # metadata values and the tree
        md = header.setdefault("__metadata__", {})
        key = rng.choice(["ember.format", "ember.tree", "other"])
        md[key] = rng.choice([1, None, "2", "1", "{", "[]", '{"tensor": "nope"}', '{"tensor": "w", "dtype": "F64", '
                              '"shape": [100], "stride": [1], "offset": 0}', '{"dict": [[1, 2], [1, 3]]}',
                              '{"object": "numpy.ndarray", "attrs": [["__value__", 3]]}',
                              '{"object": "collections.OrderedDict", "attrs": [["__value__", [1]]]}',
                              '{"object": "numpy.generic", "attrs": [["__value__", {"tensor": "w"}]]}',
                              '{"tensor": "w", "requires_grad": true}', '{"tensor": "b", "requires_grad": true}',
                              '{"list": [' * 2000 + ']}' * 2000])
    elif kind == 5 and "__metadata__" in header and "ember.tree" in header["__metadata__"]:  # the tree's bytes
        t = bytearray(header["__metadata__"]["ember.tree"].encode())
        for _ in range(rng.randrange(1, 4)):
            if t:
                t[rng.randrange(len(t))] = rng.choice(b'{}[]":,0123456789-.tensorlistdict')
        header["__metadata__"]["ember.tree"] = t.decode("latin-1")
    elif kind == 6 and names:  # duplicate-looking / renamed entries
        e = header.pop(rng.choice(names))
        header[rng.choice(["__metadata__x", "", "w", "a" * 1000])] = e
    elif kind == 7:  # the header is not an object
        return _join(rng.choice([[], 3, "x", None]), body)
    else:  # body truncated or extended
        body = body[: rng.randrange(len(body) + 1)] if rng.random() < 0.5 else body + b"\0" * rng.randrange(1, 9)
    return _join(header, body)


def _mutate_bytes(rng, data):
    b = bytearray(data)
    kind = rng.randrange(4)
    if kind == 0:  # the header length
        b[:8] = struct.pack("<Q", rng.choice([0, 1, 7, len(b), len(b) - 8, len(b) + 1, 2 ** 63, 2 ** 64 - 1,
                                               rng.randrange(len(b)), (100 << 20) + 1]))
    elif kind == 1:  # random bytes anywhere
        for _ in range(rng.randrange(1, 8)):
            b[rng.randrange(len(b))] = rng.randrange(256)
    elif kind == 2:  # JSON-ish bytes in the header
        n = struct.unpack("<Q", bytes(b[:8]))[0]
        for _ in range(rng.randrange(1, 5)):
            b[8 + rng.randrange(max(1, min(n, len(b) - 8)))] = rng.choice(b'{}[]":,0123456789-eE.FIUB ')
    else:  # truncation
        del b[rng.randrange(len(b)):]
    return bytes(b)


def _check(load, data):
    try:
        load(data)
        return "ok"
    except ALLOWED as e:
        assert str(e), "an error without a message"
        return type(e).__name__


def test_fuzzed_files_load_or_raise_clearly(tmp_path):
    rng = random.Random(20261203)
    seeds = _seeds()
    for s in seeds:  # the seeds themselves load
        assert _check(lambda d: ember.load(io.BytesIO(d)), s) == "ok"
    outcomes = {}
    start = time.time()
    n = 4000
    for i in range(n):
        seed = seeds[i % len(seeds)]
        data = _mutate_structure(rng, seed) if i % 2 else _mutate_bytes(rng, seed)
        r = _check(lambda d: ember.load(io.BytesIO(d)), data)
        outcomes[r] = outcomes.get(r, 0) + 1
        if i % 10 == 0:  # the same bytes through a file and mmap
            path = tmp_path / "f.safetensors"
            path.write_bytes(data)
            assert _check(lambda d: ember.load(path, mmap=True), data) == r
            assert _check(lambda d: ember.load(path), data) == r
    assert sum(outcomes.values()) == n
    assert outcomes.get("RuntimeError", 0) > n // 4, outcomes
    assert time.time() - start < 60


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 15, 16])
def test_short_files(tmp_path, n):
    data = _seeds()[0][:n]
    with pytest.raises(RuntimeError):
        ember.load(io.BytesIO(data))
    path = tmp_path / "s.safetensors"
    path.write_bytes(data)
    with pytest.raises(RuntimeError):
        ember.load(path, mmap=True)
