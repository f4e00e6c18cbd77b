"""nn.Module, nn.Parameter and the containers: registration, traversal, state_dict, modes,
conversions, hooks and printing (expected texts are PyTorch 2.13's, with torch renamed to ember)."""
import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import ember
import ember.nn as nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 8)
        self.act = nn.GELU(approximate="tanh")
        self.register_buffer("scale", ember.ones(8))
        self.register_buffer("tmp", ember.zeros(1), persistent=False)

    def forward(self, x):
        return self.act(self.fc(x)) * self.scale


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(Block(), nn.ReLU(), nn.Linear(8, 8, bias=False))
        self.heads = nn.ModuleList([nn.Linear(8, 2) for _ in range(3)] + [nn.Identity()])
        self.table = nn.ModuleDict({"flat": nn.Flatten(), "unflat": nn.Unflatten(1, (2, 4))})
        self.extra = nn.ParameterList([nn.Parameter(ember.zeros(2, 3))])
        self.pd = nn.ParameterDict({"b": nn.Parameter(ember.zeros(3)),
                                    "a": nn.Parameter(ember.zeros(1, 2, dtype=ember.float64))})
        self.sm = nn.Softmax(dim=-1)


NET_REPR = """Net(
  (body): Sequential(
    (0): Block(
      (fc): Linear(in_features=4, out_features=8, bias=True)
      (act): GELU(approximate='tanh')
    )
    (1): ReLU()
    (2): Linear(in_features=8, out_features=8, bias=False)
  )
  (heads): ModuleList(
    (0-2): 3 x Linear(in_features=8, out_features=2, bias=True)
    (3): Identity()
  )
  (table): ModuleDict(
    (flat): Flatten(start_dim=1, end_dim=-1)
    (unflat): Unflatten(dim=1, unflattened_size=(2, 4))
  )
  (extra): ParameterList(  (0): Parameter containing: [ember.float32 of size 2x3])
  (pd): ParameterDict(
      (a): Parameter containing: [ember.DoubleTensor of size 1x2]
      (b): Parameter containing: [ember.FloatTensor of size 3]
  )
  (sm): Softmax(dim=-1)
)"""


def test_nested_repr_matches_pytorch():
    assert repr(Net()) == NET_REPR


def test_state_dict_keys_and_named_members():
    n = Net()
    assert list(n.state_dict().keys()) == [
        "body.0.scale", "body.0.fc.weight", "body.0.fc.bias", "body.2.weight", "heads.0.weight", "heads.0.bias",
        "heads.1.weight", "heads.1.bias", "heads.2.weight", "heads.2.bias", "extra.0", "pd.a", "pd.b"]
    assert [k for k, _ in n.named_modules()] == [
        "", "body", "body.0", "body.0.fc", "body.0.act", "body.1", "body.2", "heads", "heads.0", "heads.1",
        "heads.2", "heads.3", "table", "table.flat", "table.unflat", "extra", "pd", "sm"]
    assert [k for k, _ in n.named_buffers()] == ["body.0.scale", "body.0.tmp"]
    assert [k for k, _ in n.named_children()] == ["body", "heads", "table", "extra", "pd", "sm"]
    names = [k for k, _ in n.named_parameters()]
    assert names[:3] == ["body.0.fc.weight", "body.0.fc.bias", "body.2.weight"]
    assert len(list(n.parameters())) == len(names) == 12
    assert [k for k, _ in n.body[0].named_parameters(prefix="blk", recurse=False)] == []
    assert [k for k, _ in n.body[0].fc.named_parameters(prefix="fc")] == ["fc.weight", "fc.bias"]
    assert len(list(n.modules())) == 18 and len(list(n.children())) == 6


def test_shared_modules_and_parameters_deduplicated():
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, lin)
    assert [k for k, _ in seq.named_parameters()] == ["0.weight", "0.bias"]
    assert [k for k, _ in seq.named_parameters(remove_duplicate=False)] == ["0.weight", "0.bias", "1.weight", "1.bias"]
    assert [k for k, _ in seq.named_modules()] == ["", "0"]
    assert [k for k, _ in seq.named_modules(remove_duplicate=False)] == ["", "0", "1"]
    assert list(seq.state_dict().keys()) == ["0.weight", "0.bias", "1.weight", "1.bias"]


def test_registration_by_attribute_and_methods():
    m = nn.Module()
    m.w = nn.Parameter(ember.ones(2))
    m.register_parameter("b", None)
    m.register_buffer("buf", ember.zeros(2))
    m.add_module("child", nn.ReLU())
    m.register_module("child2", nn.Tanh())
    m.plain = 3
    assert set(m._parameters) == {"w", "b"} and m.b is None
    assert list(m._buffers) == ["buf"] and list(m._modules) == ["child", "child2"]
    assert m.plain == 3 and "plain" in m.__dict__
    # reassigning a buffer keeps it a buffer; a module name may be set to None
    m.buf = ember.ones(3)
    assert m._buffers["buf"].shape == (3,)
    m.child = None
    assert m._modules["child"] is None
    # Buffer marker
    m.run = nn.Buffer(ember.zeros(4), persistent=False)
    assert "run" in m._buffers and "run" in m._non_persistent_buffers_set
    # a registered parameter only takes a Parameter or None; other attributes move between kinds
    with pytest.raises(TypeError, match="cannot assign 'ember.nn.modules.linear.Linear' as parameter 'w'"):
        m.w = nn.Linear(1, 1)
    del m.w
    m.w = nn.Linear(1, 1)
    assert "w" not in m._parameters and "w" in m._modules
    del m.w
    assert "w" not in m._modules
    with pytest.raises(AttributeError, match="'Module' object has no attribute 'w'"):
        m.w
    del m.buf
    assert "buf" not in m._buffers
    assert "child2" in dir(m) and "plain" in dir(m)
    assert m.get_submodule("child2") is m.child2


def test_registration_errors():
    m = nn.Linear(3, 2)
    with pytest.raises(TypeError, match=r"^cannot assign 'ember.FloatTensor' as parameter 'weight' "
                                        r"\(ember.nn.Parameter or None expected\)$"):
        m.weight = ember.zeros(2, 3)
    with pytest.raises(TypeError, match=r"cannot assign 'ember.FloatTensor' object to parameter 'w2' "
                                        r"\(ember.nn.Parameter or None required\)"):
        m.register_parameter("w2", ember.zeros(2))
    with pytest.raises(KeyError, match="parameter name can.*t contain"):
        m.register_parameter("a.b", None)
    with pytest.raises(KeyError, match="can.*t be empty string"):
        m.register_parameter("", None)
    with pytest.raises(KeyError, match="attribute 'training' already exists"):
        m.register_parameter("training", None)
    with pytest.raises(TypeError, match="parameter name should be a string. Got int"):
        m.register_parameter(3, None)
    with pytest.raises(TypeError, match="cannot assign 'int' object to buffer 'b'"):
        m.register_buffer("b", 3)
    with pytest.raises(TypeError, match="int is not a Module subclass"):
        m.add_module("x", 3)
    with pytest.raises(KeyError, match="module name can.*t contain \".\", got: a.b"):
        m.add_module("a.b", nn.ReLU())
    with pytest.raises(KeyError, match="attribute 'weight' already exists"):
        m.add_module("weight", nn.ReLU())
    m.register_parameter("p", nn.Parameter(ember.ones(2)))  # a leaf: accepted
    with pytest.raises(ValueError, match="Cannot assign non-leaf Tensor to parameter 'q'"):
        m.register_parameter("q", _nonleaf_param())
    with pytest.raises(AttributeError, match="cannot assign parameters before Module.__init__"):
        class Bad(nn.Module):
            def __init__(self):
                self.w = nn.Parameter(ember.ones(1))
        Bad()
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'nope'"):
        m.nope
    with pytest.raises(AttributeError, match="Linear has no attribute `a`"):
        m.get_submodule("a.b")
    with pytest.raises(AttributeError, match="`bias` is not an nn.Module"):
        m.get_parameter("bias.x")
    with pytest.raises(AttributeError, match="`training` is not an nn.Parameter"):
        m.get_parameter("training")
    assert m.get_parameter("weight") is m.weight


def _nonleaf_param():
    # A Parameter with a grad_fn cannot come from the constructor; make one by changing a result's class.
    q = nn.Parameter(ember.ones(2)) * 2
    q.__class__ = nn.Parameter
    return q


def test_parameter_basics():
    p = nn.Parameter(ember.ones(2, 2))
    assert isinstance(p, nn.Parameter) and isinstance(p, ember.Tensor)
    assert p.requires_grad and p.is_leaf
    assert not nn.Parameter(ember.ones(1), requires_grad=False).requires_grad
    assert repr(p) == "Parameter containing:\ntensor([[1., 1.],\n        [1., 1.]], requires_grad=True)"
    assert type(p * 2) is ember.Tensor and type(p.data) is ember.Tensor
    assert p.requires_grad_() is p
    (p * 3).sum().backward()
    np.testing.assert_array_equal(p.grad.numpy(), np.full((2, 2), 3.0))
    q = copy.deepcopy(p)
    assert isinstance(q, nn.Parameter) and q is not p and np.array_equal(q.detach().numpy(), p.detach().numpy())
    r = pickle.loads(pickle.dumps(p))
    assert isinstance(r, nn.Parameter) and r.requires_grad
    assert nn.Parameter().shape == (0,)
    with pytest.raises(TypeError):
        nn.Parameter([1.0])


def test_state_dict_round_trip_and_errors():
    a, b = Net(), Net()
    for p in a.parameters():
        ember.nn.init.normal_(p)
    sd = a.state_dict()
    assert all(not v.requires_grad for v in sd.values())
    assert all(v.requires_grad for k, v in a.state_dict(keep_vars=True).items() if "scale" not in k)
    assert list(a.state_dict(prefix="m.").keys())[0] == "m.body.0.scale"
    w_before = b.body[0].fc.weight
    res = b.load_state_dict(sd)
    assert repr(res) == "<All keys matched successfully>"
    assert b.body[0].fc.weight is w_before  # copied in place
    for (k1, v1), (k2, v2) in zip(a.state_dict().items(), b.state_dict().items()):
        assert k1 == k2 and np.array_equal(v1.numpy(), v2.numpy())

    lin = nn.Linear(3, 2)
    res = lin.load_state_dict({"weight": ember.zeros(2, 3), "x": ember.zeros(1)}, strict=False)
    assert res.missing_keys == ["bias"] and res.unexpected_keys == ["x"]
    assert repr(res) == "_IncompatibleKeys(missing_keys=['bias'], unexpected_keys=['x'])"
    with pytest.raises(RuntimeError) as e:
        lin.load_state_dict({"weight": ember.zeros(2, 3), "x": ember.zeros(1)})
    assert str(e.value) == ('Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias". '
                            '\n\tUnexpected key(s) in state_dict: "x". ')
    with pytest.raises(RuntimeError) as e:
        lin.load_state_dict({"weight": ember.zeros(3, 3)}, strict=False)
    assert str(e.value) == ("Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight: copying a param "
                            "with shape ember.Size([3, 3]) from checkpoint, the shape in current model is "
                            "ember.Size([2, 3]).")
    with pytest.raises(RuntimeError, match='While copying the parameter named "weight", expected ember.Tensor'):
        lin.load_state_dict({"weight": 3, "bias": ember.zeros(2)})
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like, got <class 'list'>."):
        lin.load_state_dict([1])
    # a non-persistent buffer is neither saved nor expected
    blk = Block()
    assert "tmp" not in blk.state_dict()
    blk.load_state_dict(Block().state_dict())
    # assign=True: the module takes the given tensors
    src = {"weight": ember.ones(2, 3, dtype=ember.float64), "bias": ember.zeros(2, dtype=ember.float64)}
    lin.load_state_dict(src, assign=True)
    assert isinstance(lin.weight, nn.Parameter) and lin.weight.dtype == ember.float64 and lin.weight.requires_grad
    src["weight"][0, 0] = 5.0
    assert lin.weight[0, 0].item() == 5.0
    # dtype conversion on load (copy_ casts)
    lin64 = nn.Linear(3, 2).double()
    lin64.load_state_dict(nn.Linear(3, 2).state_dict())
    assert lin64.weight.dtype == ember.float64


def test_state_dict_hooks_and_extra_state():
    class WithExtra(nn.Module):
        def __init__(self):
            super().__init__()
            self.v = 1

        def get_extra_state(self):
            return {"v": self.v}

        def set_extra_state(self, state):
            self.v = state["v"]

    m = nn.Sequential(WithExtra())
    m[0].v = 7
    sd = m.state_dict()
    assert sd["0._extra_state"] == {"v": 7}
    m2 = nn.Sequential(WithExtra())
    m2.load_state_dict(sd)
    assert m2[0].v == 7
    seen = []
    h = m2.register_load_state_dict_post_hook(lambda mod, keys: seen.append(list(keys.missing_keys)))
    m2.load_state_dict({}, strict=False)
    assert seen == [["0._extra_state"]]
    h.remove()
    m2.register_state_dict_post_hook(lambda mod, sd, prefix, meta: sd.__setitem__("added", ember.ones(1)))
    assert "added" in m2.state_dict()


def test_train_eval_requires_grad_zero_grad():
    n = Net()
    assert n.training and n.body[0].act.training
    assert n.eval() is n and not n.training and not n.body[0].fc.training
    n.train()
    assert n.heads[3].training
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        n.train(1)
    n.requires_grad_(False)
    assert not any(p.requires_grad for p in n.parameters())
    n.requires_grad_()
    lin = nn.Linear(3, 2)
    lin(ember.randn(4, 3)).sum().backward()
    assert lin.weight.grad is not None
    lin.zero_grad(set_to_none=False)
    assert np.all(lin.weight.grad.numpy() == 0)
    lin.zero_grad()
    assert lin.weight.grad is None and lin.bias.grad is None
    seen = []
    assert n.apply(lambda m: seen.append(type(m).__name__)) is n
    assert seen[-1] == "Net" and seen[0] == "Linear"


def test_to_dtype_keeps_parameter_objects():
    m = Block()
    m.register_buffer("count", ember.zeros(1, dtype=ember.int64))
    w = m.fc.weight
    m(ember.randn(2, 4)).sum().backward()
    assert m.double() is m
    assert m.fc.weight is w and isinstance(w, nn.Parameter)
    assert w.dtype == ember.float64 and w.requires_grad and w.is_leaf
    assert w.grad.dtype == ember.float64
    assert m.scale.dtype == ember.float64 and m.count.dtype == ember.int64
    m.float()
    assert w.dtype == ember.float32 and m.to(ember.float64).fc.bias.dtype == ember.float64
    m.to("cpu", ember.float32)
    assert w.dtype == ember.float32
    m.to(ember.zeros(1, dtype=ember.float16))
    assert w.dtype == ember.float16
    m.to(dtype=ember.float32).cpu()
    assert w.dtype == ember.float32
    with pytest.raises(TypeError, match="nn.Module.to only accepts floating point or complex dtypes, but got desired "
                                        "dtype=ember.int64"):
        m.to(ember.int64)
    # the converted module still trains
    out = m(ember.randn(2, 4)).sum()
    out.backward()
    assert w.grad.dtype == ember.float32


def test_forward_hooks_and_pre_hooks():
    lin = nn.Linear(2, 2)
    calls = []
    h1 = lin.register_forward_pre_hook(lambda m, args: calls.append(("pre", len(args))))
    h2 = lin.register_forward_hook(lambda m, args, out: out * 0)
    h3 = lin.register_forward_pre_hook(lambda m, args, kwargs: ((args[0] * 0,), kwargs), with_kwargs=True,
                                       prepend=True)
    out = lin(ember.ones(1, 2))
    assert calls == [("pre", 1)] and np.all(out.detach().numpy() == 0)
    h2.remove()
    out = lin(ember.ones(1, 2))
    np.testing.assert_allclose(out.detach().numpy(), lin.bias.detach().numpy()[None], rtol=1e-6)  # input zeroed
    h3.remove()
    h1.remove()
    with lin.register_forward_hook(lambda m, a, k, o: o + 1, with_kwargs=True):
        assert lin(ember.zeros(1, 2)).sum().item() == pytest.approx(lin.bias.sum().item() + 2)
    assert not lin._forward_hooks and not lin._forward_hooks_with_kwargs
    with pytest.raises(RuntimeError, match="forward pre-hook must return None or a tuple of"):
        lin.register_forward_pre_hook(lambda m, a, k: 3, with_kwargs=True)
        lin(ember.zeros(1, 2))


def test_global_and_always_called_forward_hooks():
    seen = []
    h = nn.register_module_forward_hook(lambda m, a, o: seen.append(type(m).__name__))
    try:
        nn.Sequential(nn.Linear(2, 2), nn.ReLU())(ember.zeros(1, 2))
    finally:
        h.remove()
    assert seen == ["Linear", "ReLU", "Sequential"]
    nn.ReLU()(ember.zeros(1))
    assert len(seen) == 3
    lin = nn.Linear(2, 2)
    got = []
    lin.register_forward_hook(lambda m, a, o: got.append(o), always_call=True)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(3x3 and 2x2\)"):
        lin(ember.zeros(3, 3))
    assert got == [None]
    with pytest.raises(NotImplementedError, match="share_memory"):
        lin.share_memory()


def test_full_backward_hooks_see_gradients():
    ember.manual_seed(0)
    lin = nn.Linear(3, 2)
    x = ember.randn(4, 3, requires_grad=True)
    seen = {}

    def hook(m, grad_input, grad_output):
        seen["gi"] = grad_input
        seen["go"] = grad_output

    def pre(m, grad_output):
        seen["pre"] = grad_output
        return (grad_output[0] * 2,)

    lin.register_full_backward_hook(hook)
    lin.register_full_backward_pre_hook(pre)
    y = lin(x)
    g = ember.randn(4, 2)
    y.backward(g)
    np.testing.assert_allclose(seen["pre"][0].numpy(), g.numpy())
    np.testing.assert_allclose(seen["go"][0].numpy(), 2 * g.numpy())
    expected_gi = 2 * g.numpy() @ lin.weight.detach().numpy()
    np.testing.assert_allclose(seen["gi"][0].numpy(), expected_gi, rtol=1e-5)
    np.testing.assert_allclose(x.grad.numpy(), expected_gi, rtol=1e-5)

    # a hook may replace grad_input
    m2 = nn.Identity()
    m2.register_full_backward_hook(lambda m, gi, go: (gi[0] * 10,))
    x2 = ember.ones(3, requires_grad=True)
    m2(x2 * 1).sum().backward()
    np.testing.assert_allclose(x2.grad.numpy(), np.full(3, 10.0))

    # input without grad: the hook still runs, with grad_input None
    m3 = nn.Linear(3, 1)
    got = []
    m3.register_full_backward_hook(lambda m, gi, go: got.append((gi, go[0].shape)))
    m3(ember.ones(2, 3)).sum().backward()
    assert got == [((None,), (2, 1))]
    with pytest.raises(NotImplementedError, match="register_full_backward_hook"):
        m3.register_backward_hook(lambda *a: None)


def test_sequential():
    a, b, c = nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)
    s = nn.Sequential(a, b, c)
    assert len(s) == 3 and s[0] is a and s[-1] is c and list(s) == [a, b, c]
    sl = s[1:]
    assert isinstance(sl, nn.Sequential) and list(sl._modules) == ["1", "2"] and sl[0] is b  # keys kept
    x = ember.randn(4, 2)
    np.testing.assert_allclose(s(x).detach().numpy(), c(b(a(x))).detach().numpy())
    s.append(nn.Tanh())
    assert len(s) == 4
    s.insert(0, nn.Identity())
    assert type(s[0]) is nn.Identity and s[1] is a and list(s._modules) == ["0", "1", "2", "3", "4"]
    del s[0]
    assert s[0] is a and list(s._modules) == ["0", "1", "2", "3"]
    s.extend([nn.Sigmoid()])
    assert len(s) == 5
    s[4] = nn.ReLU()
    assert type(s[4]) is nn.ReLU
    assert s.pop(4) is not None and len(s) == 4
    d = nn.Sequential(OrderedDict([("conv", a), ("act", b)]))
    assert d.conv is a and list(d.state_dict().keys()) == ["conv.weight", "conv.bias"]
    with pytest.raises(IndexError, match="index 7 is out of range"):
        s[7]
    assert len(s + nn.Sequential(nn.ReLU())) == 5 and len(nn.Sequential(nn.ReLU()) * 3) == 3


def test_module_list_and_dict():
    ml = nn.ModuleList([nn.ReLU(), nn.Tanh()])
    ml.append(nn.Sigmoid())
    ml.extend([nn.Identity()])
    ml.insert(1, nn.ELU())
    assert [type(m).__name__ for m in ml] == ["ReLU", "ELU", "Tanh", "Sigmoid", "Identity"]
    assert type(ml[-1]) is nn.Identity and isinstance(ml[1:3], nn.ModuleList) and len(ml[1:3]) == 2
    del ml[0]
    assert list(ml._modules) == ["0", "1", "2", "3"] and type(ml[0]) is nn.ELU
    ml += [nn.ReLU()]
    assert len(ml) == 5
    with pytest.raises(IndexError, match="index 9 is out of range"):
        ml[9]
    with pytest.raises(TypeError, match="ModuleList.extend should be called with an iterable, but got int"):
        ml.extend(3)
    assert repr(nn.ModuleList()) == "ModuleList()"
    md = nn.ModuleDict({"a": nn.ReLU()})
    md["b"] = nn.Tanh()
    md.update([("c", nn.Sigmoid())])
    assert list(md.keys()) == ["a", "b", "c"] and "b" in md and len(md) == 3
    assert type(md.pop("a")) is nn.ReLU and list(md) == ["b", "c"]
    with pytest.raises(ValueError, match="has length 3; 2 is required"):
        md.update([("x", nn.ReLU(), 3)])


def test_parameter_list_and_dict():
    pl = nn.ParameterList([ember.zeros(2), nn.Parameter(ember.ones(3))])
    assert all(isinstance(p, nn.Parameter) for p in pl) and len(pl) == 2
    pl.append(ember.ones(1))
    assert [k for k, _ in pl.named_parameters()] == ["0", "1", "2"]
    assert len(pl[1:]) == 2
    with pytest.raises(RuntimeError, match="ParameterList should not be called."):
        pl()
    pd = nn.ParameterDict({"w": ember.zeros(2), "a": ember.ones(1)})
    assert list(pd.keys()) == ["a", "w"]  # a plain dict is taken in sorted order, as PyTorch
    pd["z"] = nn.Parameter(ember.ones(2))
    assert isinstance(pd["w"], nn.Parameter) and "z" in pd and len(pd) == 3
    assert pd.pop("z").shape == (2,) and list(pd) == ["a", "w"]
    m = nn.Module()
    m.pd = pd
    assert list(m.state_dict().keys()) == ["pd.a", "pd.w"]
    with pytest.raises(TypeError, match="cannot be used as a key"):
        pd[1] = ember.ones(1)


def test_forward_not_implemented_and_deepcopy():
    with pytest.raises(NotImplementedError, match=r'Module \[Module\] is missing the required "forward" function'):
        nn.Module()(1)
    n = Net()
    n2 = copy.deepcopy(n)
    assert n2.body[0].fc.weight is not n.body[0].fc.weight
    assert np.array_equal(n2.body[0].fc.weight.detach().numpy(), n.body[0].fc.weight.detach().numpy())
    assert repr(n2) == NET_REPR


def test_tensor_data_assignment():
    # Note [data assignment]: the Python object is rebound to the new memory, shape and dtype
    p = nn.Parameter(ember.ones(2, 3))
    p.grad = ember.full((2, 3), 5.0)
    new = ember.arange(4, dtype=ember.float64)
    p.data = new
    assert isinstance(p, nn.Parameter) and p.shape == (4,) and p.dtype == ember.float64
    assert p.requires_grad and p.is_leaf and p.grad is None  # the old grad no longer fits
    new[0] = 7.0
    assert p[0].item() == 7.0  # shares new's memory
    q = nn.Parameter(ember.ones(2))
    q.grad = ember.ones(2)
    q.data = ember.zeros(2)
    assert q.grad is not None and q.detach().numpy().tolist() == [0.0, 0.0]
    (q * 2).sum().backward()
    assert q.grad.numpy().tolist() == [3.0, 3.0]
    with pytest.raises(TypeError, match="Variable data has to be a tensor, but got int"):
        q.data = 3
    with pytest.raises(TypeError, match="cls must be a subclass of ember.Tensor"):
        ember._C._make_subclass(int, ember.ones(1))
