"""ember.save / ember.load (python/ember/serialization.py over src/serialize): round trips of nested
values, numpy arrays and scalars, OrderedDict state dicts, optimizer state dicts with int keys, shared
storage restored as views, negative strides, file objects and BytesIO, mmap, map_location, the
`safetensors` package reading ember's files and ember reading its files, files across languages (the
C++ reader through ember._C and the examples_cpp/serialize_interop program), atomic saves (a child
killed mid-write) and the errors."""
import collections
import io
import os
import pathlib
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import ember
from ember import _C, nn, optim

ROOT = pathlib.Path(__file__).resolve().parents[1]


def roundtrip(obj, **kw):
    b = io.BytesIO()
    ember.save(obj, b)
    b.seek(0)
    return ember.load(b, **kw)


def assert_same_tensor(a, b):
    assert isinstance(b, ember.Tensor)
    assert a.dtype == b.dtype and a.shape == b.shape
    if a.dtype == ember.bfloat16:  # numpy has no bfloat16
        a, b = a.float(), b.float()
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.fc2 = nn.Linear(4, 2)
        self.register_buffer("steps", ember.zeros(1, dtype=ember.int64))

    def forward(self, x):
        return self.fc2(ember.relu(self.fc1(x)))


@pytest.mark.parametrize("dtype", [ember.bool, ember.uint8, ember.int8, ember.int16, ember.int32, ember.int64,
                                   ember.float16, ember.bfloat16, ember.float32, ember.float64])
def test_tensor_dtypes_round_trip(tmp_path, dtype):
    t = ember.arange(24).reshape(2, 3, 4).to(dtype)
    for f in (str(tmp_path / "t.safetensors"), tmp_path / "p.safetensors"):
        ember.save(t, f)
        assert_same_tensor(t, ember.load(f))
        assert_same_tensor(t, ember.load(f, mmap=True))
    assert_same_tensor(t, roundtrip(t))


def test_nested_values_round_trip():
    Point = collections.namedtuple("Point", "x y")
    obj = {"a": [1, 2.5, "s", None, True, (ember.ones(2), {"deep": [ember.zeros(0, 3)]})],
           3: {"int key": -(2 ** 62)}, "f": float("inf"), "nan": float("nan"), "p": Point(1, 2),
           "dtype": ember.float16, "device": ember.device("meta"), "empty": {}, "el": [], "et": ()}
    r = roundtrip(obj)
    assert list(r) == ["a", 3, "f", "nan", "p", "dtype", "device", "empty", "el", "et"]
    assert r["a"][:5] == [1, 2.5, "s", None, True]
    assert type(r["a"][1]) is float and type(r["a"][0]) is int and r["a"][4] is True
    assert isinstance(r["a"][5], tuple)
    assert_same_tensor(ember.ones(2), r["a"][5][0])
    assert r["a"][5][1]["deep"][0].shape == (0, 3)
    assert r[3] == {"int key": -(2 ** 62)}
    assert r["f"] == float("inf") and r["nan"] != r["nan"]
    assert r["p"] == (1, 2) and type(r["p"]) is tuple  # a namedtuple comes back as a tuple
    assert r["dtype"] is ember.float16 and r["device"] == ember.device("meta")
    assert r["empty"] == {} and r["el"] == [] and r["et"] == ()
    assert roundtrip(None) is None and roundtrip(7) == 7 and roundtrip("x") == "x"


def test_numpy_arrays_and_scalars_come_back_as_numpy():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    obj = {"a": a, "view": a[:, ::-2], "s": np.float64(2.5), "i": np.int32(-3), "b": np.bool_(True),
           "be": np.arange(3, dtype=">i4"), "h": np.ones(2, np.float16), np.int64(5): "np key"}
    r = roundtrip(obj)
    assert isinstance(r["a"], np.ndarray) and r["a"].dtype == np.float32
    np.testing.assert_array_equal(r["a"], a)
    np.testing.assert_array_equal(r["view"], a[:, ::-2])
    assert type(r["s"]) is np.float64 and r["s"] == 2.5
    assert type(r["i"]) is np.int32 and r["i"] == -3
    assert type(r["b"]) is np.bool_ and r["b"]
    np.testing.assert_array_equal(r["be"], [0, 1, 2])
    assert r["h"].dtype == np.float16
    assert r[5] == "np key"
    with pytest.raises(TypeError, match="numpy array of dtype complex128"):
        ember.save(np.ones(2, complex), io.BytesIO())
    with pytest.raises(TypeError, match="numpy array of dtype object"):
        ember.save(np.array([None]), io.BytesIO())


def test_module_state_dict_round_trip_as_ordered_dict(tmp_path):
    a, b = Net(), Net()
    a.steps.fill_(3)
    sd = a.state_dict()
    path = tmp_path / "net.safetensors"
    ember.save(sd, path)
    r = ember.load(path)
    assert type(r) is collections.OrderedDict and list(r) == list(sd)
    b.load_state_dict(r)
    x = ember.randn(5, 3)
    np.testing.assert_allclose(a(x).detach().numpy(), b(x).detach().numpy())
    # the safetensors package sees the state_dict keys
    from safetensors.numpy import load_file
    plain = load_file(str(path))
    assert set(plain) == set(sd)
    np.testing.assert_array_equal(plain["fc1.weight"], sd["fc1.weight"].detach().numpy())


def test_optimizer_state_dict_with_int_keys():
    net = Net()
    opt = optim.Adam(net.parameters(), lr=0.01, amsgrad=True)
    for _ in range(2):
        opt.zero_grad()
        net(ember.ones(2, 3)).sum().backward()
        opt.step()
    sd = opt.state_dict()
    r = roundtrip(sd)
    assert sorted(r["state"]) == sorted(sd["state"]) and all(type(k) is int for k in r["state"])
    assert r["param_groups"][0]["betas"] == (0.9, 0.999)
    assert r["param_groups"][0]["params"] == sd["param_groups"][0]["params"]
    assert r["param_groups"][0]["foreach"] is None
    opt2 = optim.Adam(Net().parameters(), lr=0.5)
    opt2.load_state_dict(r)
    assert opt2.param_groups[0]["lr"] == 0.01
    assert_same_tensor(sd["state"][0]["exp_avg"], opt2.state_dict()["state"][0]["exp_avg"])


def test_shared_storage_is_written_once_and_restored_as_views(tmp_path):
    w = ember.randn(4, 3)
    obj = {"w": w, "wt": w.t(), "row": w[1], "rev": w[::-1], "col": w[:, 2]}
    path = tmp_path / "shared.safetensors"
    ember.save(obj, path)
    entries, _ = _C._safetensors_read(str(path))
    assert [n for n, _ in entries] == ["w"]  # one entry for the storage
    for mm in (False, True):
        r = ember.load(path, mmap=mm)
        for k in obj:
            np.testing.assert_array_equal(r[k].numpy(), obj[k].numpy())
        assert r["wt"].stride() == w.t().stride() and r["rev"].stride() == w[::-1].stride()
        r["w"].add_(1)
        np.testing.assert_array_equal(r["wt"].numpy(), r["w"].t().numpy())
        np.testing.assert_array_equal(r["rev"].numpy(), r["w"].numpy()[::-1])
    # the same tensor twice is one object after loading
    r = roundtrip([w, w])
    assert r[0] is r[1]


def test_negative_stride_and_noncontiguous_alone_are_written_contiguous():
    base = ember.arange(20.0).reshape(4, 5)
    for t in (base[::-1], base.t(), base[:, ::-2], base[1:3, 1:4]):
        r = roundtrip({"t": t, "other": ember.ones(1)})["t"]
        np.testing.assert_array_equal(r.numpy(), t.numpy())
    # a view alone on its storage: only its values are written
    big = ember.zeros(1000)
    b = io.BytesIO()
    ember.save(big[:10], b)  # a view alone on its storage: only its 10 values are written
    assert len(b.getvalue()) < 1000


def test_requires_grad_is_kept():
    p = ember.randn(3, requires_grad=True)
    r = roundtrip({"p": p, "d": p.detach()})
    assert r["p"].requires_grad and r["p"].is_leaf and not r["d"].requires_grad


def test_file_objects(tmp_path):
    obj = {"x": ember.arange(5), "s": "v"}
    path = tmp_path / "f.safetensors"
    with open(path, "wb") as f:
        ember.save(obj, f)
    with open(path, "rb") as f:
        r = ember.load(f)
    assert_same_tensor(obj["x"], r["x"])
    b = io.BytesIO()
    b.write(b"junk")
    ember.save(obj, b)
    b.seek(4)
    assert ember.load(b)["s"] == "v"
    assert b.tell() == len(b.getvalue())
    b.write(b"more")  # the buffer is released after loading
    with pytest.raises(ValueError, match="mmap=True needs f to be a file path"):
        ember.load(io.BytesIO(b.getvalue()), mmap=True)
    with pytest.raises(TypeError, match="f must be a path or a writable"):
        ember.save(obj, 3)
    with pytest.raises(TypeError, match="f must be a path or a readable"):
        ember.load(3)


def test_map_location_and_weights_only(tmp_path):
    path = tmp_path / "m.safetensors"
    p = ember.randn(2, 2, requires_grad=True)
    ember.save({"p": p}, path)
    for loc in ("meta", ember.device("meta"), {"cpu": "meta"}):
        r = ember.load(path, map_location=loc)
        assert r["p"].device == ember.device("meta") and r["p"].shape == (2, 2) and r["p"].requires_grad
    for loc in (None, "cpu", ember.device("cpu"), {"cpu": "cpu"}):
        assert ember.load(path, map_location=loc)["p"].device == ember.device("cpu")
    seen = []
    r = ember.load(path, map_location=lambda t, loc: seen.append(loc) or t.to(ember.float64))
    assert seen == ["cpu"] and r["p"].dtype == ember.float64
    with pytest.raises(TypeError, match="map_location must be"):
        ember.load(path, map_location=3)
    # weights_only: accepted, always safe; False loads the same
    assert_same_tensor(p.detach(), ember.load(path, weights_only=False)["p"].detach())
    with pytest.raises(ValueError, match="pickle_module"):
        ember.load(path, pickle_module=object())
    with pytest.raises(ValueError, match="pickle_module"):
        ember.save({}, path, pickle_module=object())
    ember.save({}, path, pickle_protocol=2)


def test_mmap_views_the_file_copy_on_write(tmp_path):
    path = tmp_path / "mm.safetensors"
    t = ember.arange(1 << 16, dtype=ember.float32)
    ember.save({"t": t}, path)
    r = ember.load(path, mmap=True)["t"]
    r.add_(1)  # private mapping: the file is unchanged
    assert_same_tensor(t, ember.load(path)["t"])
    del r


def test_unsupported_objects_raise_type_error():
    with pytest.raises(TypeError, match=r"cannot save a whole module \(Net\).*state_dict\(\).*ember.jit"):
        ember.save(Net(), io.BytesIO())
    with pytest.raises(TypeError, match=r"optimizer.state_dict\(\)"):
        ember.save(optim.SGD(Net().parameters(), lr=0.1), io.BytesIO())
    with pytest.raises(TypeError, match="cannot save an object of type builtins.set"):
        ember.save({1, 2}, io.BytesIO())
    with pytest.raises(TypeError, match="dict keys must be"):
        ember.save({(1, 2): 3}, io.BytesIO())
    cyc = []
    cyc.append(cyc)
    with pytest.raises(ValueError, match="cycle"):
        ember.save(cyc, io.BytesIO())
    with pytest.raises(TypeError, match="device meta"):
        ember.save(ember.ones(2, device="meta"), io.BytesIO())
    with pytest.raises(ValueError, match="reserved"):
        ember.save({}, io.BytesIO(), metadata={"ember.tree": "x"})


def test_safetensors_package_reads_ember_files_and_ember_reads_its_files(tmp_path):
    st = pytest.importorskip("safetensors.numpy")
    path = str(tmp_path / "x.safetensors")
    tensors = {"a": ember.randn(3, 4), "b": ember.arange(6).reshape(2, 3).to(ember.int32),
               "h": ember.ones(5, dtype=ember.float16), "m": ember.tensor([True, False]), "e": ember.zeros(0)}
    ember.save(tensors, path)
    got = st.load_file(path)
    for k, t in tensors.items():
        np.testing.assert_array_equal(got[k], t.numpy())
    from safetensors import safe_open
    with safe_open(path, "np") as f:
        assert f.metadata()["ember.format"] == "1"
    arrays = {"x": np.arange(10, dtype=np.float64).reshape(2, 5), "y": np.array([1, 2, 3], np.uint8),
              "z": np.ones((0, 2), np.int16)}
    path2 = str(tmp_path / "y.safetensors")
    st.save_file(arrays, path2, metadata={"k": "v"})
    for mm in (False, True):
        r = ember.load(path2, mmap=mm)
        assert type(r) is dict and set(r) == set(arrays)
        for k, a in arrays.items():
            np.testing.assert_array_equal(r[k].numpy(), a)
    entries, md = _C._safetensors_read(path2)  # the C++ reader directly
    assert md == {"k": "v"} and sorted(n for n, _ in entries) == ["x", "y", "z"]


def test_raw_safetensors_writer_binding(tmp_path):
    path = str(tmp_path / "raw.safetensors")
    t = ember.arange(12.0).reshape(3, 4)
    _C._safetensors_write(path, [("t", t.t()), ("u", ember.ones(2))], {"who": "test"}, True)
    entries, md = _C._safetensors_read(path, True)
    assert md == {"who": "test"}
    d = dict(entries)
    np.testing.assert_array_equal(d["t"].numpy(), t.t().numpy())
    with pytest.raises(RuntimeError, match="duplicate tensor name 'u'"):
        _C._safetensors_write(path, [("u", t), ("u", t)], {}, False)


def _interop_exe():
    exe = ROOT / "build" / "examples_cpp" / "serialize_interop"
    if not exe.exists():
        pytest.skip("build/examples_cpp/serialize_interop is not built (tools/setup.sh builds it)")
    return str(exe)


def _parse(out):
    return {k: float(v) for k, v in (line.split() for line in out.strip().splitlines())}


def test_files_cross_languages(tmp_path):
    exe = _interop_exe()
    env = dict(os.environ)
    # C++ writes, Python reads
    out = subprocess.run([exe, "write", str(tmp_path)], check=True, capture_output=True, text=True, env=env).stdout
    cpp = _parse(out)
    sd = ember.load(tmp_path / "cpp_net.safetensors")
    assert type(sd) is collections.OrderedDict
    assert list(sd) == ["steps", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    net = Net()
    net.load_state_dict(sd)
    for k, v in net.state_dict().items():
        assert v.to(ember.float64).sum().item() == pytest.approx(cpp[k], rel=1e-6)
    osd = ember.load(tmp_path / "cpp_adam.safetensors")
    opt = optim.Adam(net.parameters(), lr=0.5)
    opt.load_state_dict(osd)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.01)
    assert osd["state"][0]["step"].item() == 2
    assert osd["state"][0]["exp_avg"].sum().item() == pytest.approx(cpp["state.0.exp_avg"], rel=1e-5, abs=1e-7)
    opt.zero_grad()
    net(ember.ones(2, 3)).sum().backward()
    opt.step()  # the loaded state is usable
    # Python writes, C++ reads
    ember.save(net.state_dict(), tmp_path / "py_net.safetensors")
    ember.save(opt.state_dict(), tmp_path / "py_adam.safetensors")
    out = subprocess.run([exe, "read", str(tmp_path)], check=True, capture_output=True, text=True, env=env).stdout
    back = _parse(out)
    for k, v in net.state_dict().items():
        assert back[k] == pytest.approx(v.to(ember.float64).sum().item(), rel=1e-6)
    assert back["lr"] == pytest.approx(0.01)
    assert back["state.0.step"] == 3
    assert back["state.0.exp_avg"] == pytest.approx(opt.state_dict()["state"][0]["exp_avg"].sum().item(), rel=1e-5, abs=1e-7)
    # A C++ load error is clear: a missing key
    sd2 = net.state_dict()
    del sd2["fc2.bias"]
    ember.save(sd2, tmp_path / "py_net.safetensors")
    r = subprocess.run([exe, "read", str(tmp_path)], capture_output=True, text=True, env=env)
    assert r.returncode == 1 and 'Missing key(s) in state_dict: "fc2.bias"' in r.stderr


def test_atomic_save_child_killed_mid_write(tmp_path):
    path = tmp_path / "big.safetensors"
    code = textwrap.dedent(f"""
        import os, sys, ember
        t = ember.zeros(64 << 20, dtype=ember.uint8)  # 64 MiB
        sys.stdout.write("ready\\n"); sys.stdout.flush()
        while True:
            ember.save({{"t": t}}, {str(path)!r})
    """)
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "ready"
        import time
        deadline = time.time() + 10
        while not any(n.startswith("big.safetensors.tmp-") for n in os.listdir(tmp_path)) and time.time() < deadline:
            time.sleep(0.001)
        p.send_signal(signal.SIGKILL)
        p.wait()
    finally:
        if p.poll() is None:
            p.kill()
    # The final name holds either nothing or a complete file, never a truncated one.
    if path.exists():
        assert ember.load(path)["t"].shape == (64 << 20,)
    # a fresh save over leftovers works and leaves no temporary file of its own
    ember.save({"t": ember.ones(3)}, path, fsync=True)
    assert ember.load(path)["t"].shape == (3,)
    mine = [n for n in os.listdir(tmp_path) if n.startswith(f"big.safetensors.tmp-{os.getpid()}-")]
    assert mine == []


def test_load_errors_are_clear(tmp_path):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{\"a\":1}")
    with pytest.raises(RuntimeError, match=r"ember.load: .*bad.safetensors: header length 16 exceeds the file size"):
        ember.load(path)
    path.write_bytes(b"\x07\x00\x00\x00\x00\x00\x00\x00{\"a\":1}")
    with pytest.raises(RuntimeError, match="entry must be an object"):
        ember.load(path)
    with pytest.raises(RuntimeError, match="cannot open"):
        ember.load(tmp_path / "missing.safetensors")
    with pytest.raises(RuntimeError, match="file too short"):
        ember.load(io.BytesIO(b"abc"))
