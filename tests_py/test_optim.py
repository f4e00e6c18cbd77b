"""ember.optim: every optimizer against hand-computed numpy updates (three steps per option combination),
the fused ops underneath (dtypes, non-contiguous params, many chunks, version counters, errors), param
groups, state_dict round trips, hooks and the errors PyTorch raises."""
import itertools

import numpy as np
import pytest

import ember
from ember import optim

SHAPES = [(3, 4), (5,), (), (0,), (2, 1, 3)]
STEPS = 3


def _grads(shapes, seed, n=STEPS):
    rng = np.random.default_rng(seed)
    return [[rng.standard_normal(s) for s in shapes] for _ in range(n)]


def _params(shapes, seed=0):
    rng = np.random.default_rng(seed + 100)
    return [rng.standard_normal(s) for s in shapes]


# ---- numpy references: PyTorch's single-tensor update rules, written out ----

def ref_sgd(p, gs, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False):
    p, buf, out = p.copy(), None, []
    for g in gs:
        g = -g if maximize else g.copy()
        if weight_decay:
            g = g + weight_decay * p
        if momentum:
            buf = g.copy() if buf is None else momentum * buf + (1 - dampening) * g
            g = g + momentum * buf if nesterov else buf
        p = p - lr * g
        out.append(p.copy())
    return out


def ref_adam(p, gs, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, maximize=False,
             decoupled=False):
    b1, b2 = betas
    p, m, v, vmax, out = p.copy(), np.zeros_like(p), np.zeros_like(p), np.zeros_like(p), []
    for t, g in enumerate(gs, 1):
        g = -g if maximize else g.copy()
        if weight_decay:
            if decoupled:
                p = p * (1 - lr * weight_decay)
            else:
                g = g + weight_decay * p
        m = m + (1 - b1) * (g - m)
        v = b2 * v + (1 - b2) * g * g
        vmax = np.maximum(vmax, v)
        denom = np.sqrt(vmax if amsgrad else v) / np.sqrt(1 - b2 ** t) + eps
        p = p - lr / (1 - b1 ** t) * m / denom
        out.append(p.copy())
    return out


def ref_rmsprop(p, gs, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, maximize=False):
    p, sq, ga, buf, out = p.copy(), np.zeros_like(p), np.zeros_like(p), np.zeros_like(p), []
    for g in gs:
        g = -g if maximize else g.copy()
        if weight_decay:
            g = g + weight_decay * p
        sq = alpha * sq + (1 - alpha) * g * g
        if centered:
            ga = ga + (1 - alpha) * (g - ga)
            avg = np.sqrt(sq - ga * ga) + eps
        else:
            avg = np.sqrt(sq) + eps
        if momentum > 0:
            buf = momentum * buf + g / avg
            p = p - lr * buf
        else:
            p = p - lr * g / avg
        out.append(p.copy())
    return out


def ref_adagrad(p, gs, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, maximize=False):
    p, s, out = p.copy(), np.full_like(p, initial_accumulator_value), []
    for t, g in enumerate(gs, 1):
        g = -g if maximize else g.copy()
        if weight_decay:
            g = g + weight_decay * p
        clr = lr / (1 + (t - 1) * lr_decay)
        s = s + g * g
        p = p - clr * g / (np.sqrt(s) + eps)
        out.append(p.copy())
    return out


def _run(make_opt, shapes, dtype=ember.float64, seed=0, steps=STEPS, noncontig=False):
    """Runs `steps` steps of make_opt(params) with fixed grads; returns the params' values after each step."""
    init, grads = _params(shapes, seed), _grads(shapes, seed, steps)
    ps = []
    for a in init:
        t = ember.tensor(a.T.copy() if noncontig and a.ndim == 2 else a, dtype=dtype)
        if noncontig and a.ndim == 2:
            t = t.t()
        ps.append(t.detach().requires_grad_())
    opt = make_opt(ps)
    out = []
    for gs in grads:
        for p, g in zip(ps, gs):
            p.grad = ember.tensor(g, dtype=dtype)
        opt.step()
        out.append([p.detach().to(ember.float64).numpy().copy() for p in ps])
    return init, grads, out


def _check(make_opt, ref, kw, dtype=ember.float64, rtol=1e-10, atol=1e-12, **run_kw):
    init, grads, got = _run(make_opt, SHAPES, dtype=dtype, **run_kw)
    for i, p0 in enumerate(init):
        if dtype != ember.float64:  # the reference starts from the rounded values and grads
            p0 = np.asarray(ember.tensor(p0, dtype=dtype).to(ember.float64).numpy())
        want = ref(p0, [np.asarray(ember.tensor(g[i], dtype=dtype).to(ember.float64).numpy()) for g in grads], **kw)
        for step in range(STEPS):
            np.testing.assert_allclose(got[step][i], want[step], rtol=rtol, atol=atol,
                                       err_msg=f"param {i} {SHAPES[i]}, step {step + 1}, {kw}")


def _combos(**options):
    keys = list(options)
    return [dict(zip(keys, vals)) for vals in itertools.product(*options.values())]


SGD_CASES = [c for c in _combos(momentum=[0, 0.9], dampening=[0, 0.3], weight_decay=[0, 0.1], nesterov=[False, True],
                                maximize=[False, True])
             if not (c["nesterov"] and (c["momentum"] == 0 or c["dampening"] != 0))]


@pytest.mark.parametrize("kw", SGD_CASES, ids=str)
def test_sgd(kw):
    _check(lambda ps: optim.SGD(ps, lr=0.1, **kw), ref_sgd, dict(lr=0.1, **kw))


ADAM_CASES = _combos(weight_decay=[0, 0.1], amsgrad=[False, True], maximize=[False, True])


@pytest.mark.parametrize("kw", ADAM_CASES, ids=str)
def test_adam(kw):
    _check(lambda ps: optim.Adam(ps, lr=0.01, betas=(0.8, 0.9), **kw), ref_adam,
           dict(lr=0.01, betas=(0.8, 0.9), **kw))


@pytest.mark.parametrize("kw", ADAM_CASES, ids=str)
def test_adamw(kw):
    _check(lambda ps: optim.AdamW(ps, lr=0.01, **kw), ref_adam, dict(lr=0.01, decoupled=True, **kw))


def test_adam_decoupled_weight_decay_is_adamw():
    _check(lambda ps: optim.Adam(ps, lr=0.01, weight_decay=0.1, decoupled_weight_decay=True), ref_adam,
           dict(lr=0.01, weight_decay=0.1, decoupled=True))


RMSPROP_CASES = _combos(weight_decay=[0, 0.1], momentum=[0, 0.5], centered=[False, True], maximize=[False, True])


@pytest.mark.parametrize("kw", RMSPROP_CASES, ids=str)
def test_rmsprop(kw):
    _check(lambda ps: optim.RMSprop(ps, lr=0.01, alpha=0.9, **kw), ref_rmsprop, dict(lr=0.01, alpha=0.9, **kw))


ADAGRAD_CASES = _combos(lr_decay=[0, 0.1], weight_decay=[0, 0.1], initial_accumulator_value=[0, 0.5],
                        maximize=[False, True])


@pytest.mark.parametrize("kw", ADAGRAD_CASES, ids=str)
def test_adagrad(kw):
    _check(lambda ps: optim.Adagrad(ps, lr=0.1, **kw), ref_adagrad, dict(lr=0.1, **kw))


OPTIMIZERS = [
    (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.1), ref_sgd,
     dict(lr=0.1, momentum=0.9, weight_decay=0.1)),
    (lambda ps: optim.Adam(ps, lr=0.01, amsgrad=True), ref_adam, dict(lr=0.01, amsgrad=True)),
    (lambda ps: optim.AdamW(ps, lr=0.01), ref_adam, dict(lr=0.01, weight_decay=1e-2, decoupled=True)),
    (lambda ps: optim.RMSprop(ps, centered=True, momentum=0.5), ref_rmsprop, dict(centered=True, momentum=0.5)),
    (lambda ps: optim.Adagrad(ps, lr_decay=0.1), ref_adagrad, dict(lr_decay=0.1)),
]
IDS = ["sgd", "adam", "adamw", "rmsprop", "adagrad"]


@pytest.mark.parametrize("make,ref,kw", OPTIMIZERS, ids=IDS)
def test_float32_and_float16_params(make, ref, kw):
    _check(make, ref, kw, dtype=ember.float32, rtol=2e-5, atol=2e-6)
    # float16 / bfloat16 params are updated in float32 and rounded back
    _check(make, ref, kw, dtype=ember.float16, rtol=2e-2, atol=2e-3)
    _check(make, ref, kw, dtype=ember.bfloat16, rtol=5e-2, atol=2e-2)


@pytest.mark.parametrize("make,ref,kw", OPTIMIZERS, ids=IDS)
def test_non_contiguous_params(make, ref, kw):
    _check(make, ref, kw, noncontig=True)


@pytest.mark.parametrize("make,ref,kw", OPTIMIZERS, ids=IDS)
def test_large_params_run_in_parallel_chunks(make, ref, kw):
    # 100003 elements: several chunks, vector loops and a tail; float32 on the vector path
    shapes = [(100003,), (7, 513)]
    init, grads, got = _run(make, shapes, dtype=ember.float32, seed=3)
    for i, p0 in enumerate(init):
        r = lambda a: np.asarray(ember.tensor(a, dtype=ember.float32).to(ember.float64).numpy())  # noqa: E731
        want = ref(r(p0), [r(g[i]) for g in grads], **kw)
        np.testing.assert_allclose(got[-1][i], want[-1], rtol=1e-4, atol=1e-5)


def test_mixed_dtypes_in_one_group():
    a = ember.ones(3, dtype=ember.float32, requires_grad=True)
    b = ember.ones(2, dtype=ember.float64, requires_grad=True)
    opt = optim.Adam([a, b], lr=0.1)
    a.grad, b.grad = ember.ones(3, dtype=ember.float32), ember.ones(2, dtype=ember.float64)
    opt.step()
    np.testing.assert_allclose(a.detach().numpy(), 0.9, rtol=1e-6)
    np.testing.assert_allclose(b.detach().numpy(), 1 - 0.1 / (1 + 1e-8), rtol=1e-15)


def test_params_without_grad_are_skipped_and_versions_bump():
    a = ember.ones(3, requires_grad=True)
    b = ember.ones(3, requires_grad=True)
    opt = optim.SGD([a, b], lr=0.5, momentum=0.9)
    a.grad = ember.ones(3)
    va, vb = a._version, b._version
    opt.step()
    assert a._version > va and b._version == vb
    np.testing.assert_allclose(a.detach().numpy(), 0.5)
    np.testing.assert_allclose(b.detach().numpy(), 1.0)
    assert b not in opt.state or "momentum_buffer" not in opt.state[b]


def test_param_groups_have_their_own_options():
    a = ember.ones(2, requires_grad=True)
    b = ember.ones(2, requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.0)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[1]["momentum"] == 0.0 and opt.defaults["lr"] == 0.1
    a.grad, b.grad = ember.ones(2), ember.ones(2)
    opt.step()
    np.testing.assert_allclose(a.detach().numpy(), 0.9)
    np.testing.assert_allclose(b.detach().numpy(), 0.5)
    c = ember.ones(2, requires_grad=True)
    opt.add_param_group({"params": [c], "lr": 1.0})
    c.grad = ember.ones(2)
    opt.step()
    np.testing.assert_allclose(c.detach().numpy(), 0.0)


def test_named_params():
    a = ember.ones(2, requires_grad=True)
    b = ember.ones(3, requires_grad=True)
    opt = optim.SGD([("w", a), ("b", b)], lr=0.1)
    assert opt.param_groups[0]["params"][0] is a and opt.param_groups[0]["param_names"] == ["w", "b"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["w", "b"]
    with pytest.raises(ValueError, match="Some param names are missing"):
        optim.SGD([("w", a), b], lr=0.1)


def test_zero_grad():
    a = ember.ones(2, requires_grad=True)
    opt = optim.SGD([a], lr=0.1)
    a.grad = ember.ones(2)
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(a.grad.numpy(), [0, 0])
    opt.zero_grad()
    assert a.grad is None


def test_step_closure_runs_under_grad_mode():
    w = ember.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with ember.no_grad():
        loss = opt.step(closure)
    assert float(loss) == 5.0
    np.testing.assert_allclose(w.detach().numpy(), [0.8, 1.6])


def test_training_loop_decreases_loss():
    rng = np.random.default_rng(0)
    x = ember.tensor(rng.standard_normal((64, 3)))
    y = x @ ember.tensor([[1.0], [-2.0], [0.5]], dtype=ember.float64)
    w = ember.zeros(3, 1, dtype=ember.float64, requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    for _ in range(200):
        opt.zero_grad()
        loss = ((x @ w - y) ** 2).mean()
        loss.backward()
        opt.step()
    assert float(loss) < 1e-3


def test_hooks():
    a = ember.ones(2, requires_grad=True)
    opt = optim.SGD([a], lr=0.1)
    calls = []
    h1 = opt.register_step_pre_hook(lambda o, args, kwargs: calls.append("pre"))
    h2 = opt.register_step_post_hook(lambda o, args, kwargs: calls.append("post"))
    g = optim.optimizer.register_optimizer_step_pre_hook(lambda o, args, kwargs: calls.append("global"))
    a.grad = ember.ones(2)
    opt.step()
    assert calls == ["global", "pre", "post"]
    h1.remove(), h2.remove(), g.remove()
    opt.step()
    assert calls == ["global", "pre", "post"]


def test_subclass_of_optimizer():
    class SignSGD(optim.Optimizer):
        def __init__(self, params, lr=0.1):
            super().__init__(params, dict(lr=lr))

        def step(self, closure=None):
            with ember.no_grad():
                for group in self.param_groups:
                    for p in group["params"]:
                        if p.grad is not None:
                            p.sub_(group["lr"] * p.grad.sign())
                            self.state[p]["n"] = self.state[p].get("n", 0) + 1

    a = ember.zeros(2, requires_grad=True)
    opt = SignSGD([a])
    calls = []
    opt.register_step_post_hook(lambda *args: calls.append(1))
    a.grad = ember.tensor([1.0, -2.0])
    opt.step()
    np.testing.assert_allclose(a.detach().numpy(), [-0.1, 0.1], rtol=1e-6)
    assert calls == [1] and opt.state_dict()["state"] == {0: {"n": 1}}


# ---- state_dict ----

@pytest.mark.parametrize("make,ref,kw", OPTIMIZERS, ids=IDS)
def test_state_dict_round_trip_and_resume(make, ref, kw):
    shapes = [(3, 4), (5,)]
    init, grads = _params(shapes), _grads(shapes, 7, 4)

    def leaves():
        return [ember.tensor(a).requires_grad_() for a in init]

    def run(opt, ps, gs):
        for g in gs:
            for p, gi in zip(ps, g):
                p.grad = ember.tensor(gi)
            opt.step()

    ps = leaves()
    full = make(ps)
    run(full, ps, grads)
    # Two steps, save, load into a fresh optimizer over copies of the params, two more steps.
    qs = leaves()
    first = make(qs)
    run(first, qs, grads[:2])
    sd = first.state_dict()
    assert sorted(sd) == ["param_groups", "state"]
    assert sd["param_groups"][0]["params"] == [0, 1]
    assert sorted(sd["state"]) == [0, 1]
    rs = [q.detach().clone().requires_grad_() for q in qs]
    second = make(rs)
    second.load_state_dict(sd)
    assert second.param_groups[0]["params"][0] is rs[0]
    run(second, rs, grads[2:])
    for p, r in zip(ps, rs):
        np.testing.assert_allclose(r.detach().numpy(), p.detach().numpy(), rtol=1e-14, atol=1e-15)
    # the loaded state is a copy: the first optimizer's state is untouched by the second's steps
    run(first, qs, grads[2:])
    for p, q in zip(ps, qs):
        np.testing.assert_allclose(q.detach().numpy(), p.detach().numpy(), rtol=1e-14, atol=1e-15)


def test_state_dict_layout_matches_pytorch():
    a = ember.ones(2, requires_grad=True)
    b = ember.ones(3, requires_grad=True)
    opt = optim.Adam([{"params": [a]}, {"params": [b], "lr": 0.1}])
    a.grad = ember.ones(2)
    opt.step()
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1]]
    assert list(sd["state"]) == [0]
    assert sorted(sd["state"][0]) == ["exp_avg", "exp_avg_sq", "step"]
    assert sd["state"][0]["step"].dtype == ember.float32 and sd["state"][0]["step"].dim() == 0
    assert float(sd["state"][0]["step"]) == 1.0
    assert sd["param_groups"][1]["lr"] == 0.1 and sd["param_groups"][0]["betas"] == (0.9, 0.999)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        optim.Adam([a]).load_state_dict(sd)
    with pytest.raises(ValueError, match="doesn't match the size"):
        optim.Adam([{"params": [a, b]}, {"params": []}]).load_state_dict(sd)


# ---- defaults and errors (PyTorch's messages) ----

def test_defaults_match_pytorch():
    p = [ember.zeros(2, requires_grad=True)]
    assert optim.SGD(p).defaults == dict(lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False,
                                         maximize=False, foreach=None, differentiable=False, fused=None)
    assert optim.Adam(p).defaults == dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False,
                                          maximize=False, foreach=None, capturable=False, differentiable=False,
                                          fused=None, decoupled_weight_decay=False)
    assert optim.AdamW(p).defaults["weight_decay"] == 1e-2 and optim.AdamW(p).defaults["decoupled_weight_decay"]
    assert optim.RMSprop(p).defaults == dict(lr=1e-2, momentum=0, alpha=0.99, eps=1e-8, centered=False,
                                             weight_decay=0, capturable=False, foreach=None, maximize=False,
                                             differentiable=False)
    assert optim.Adagrad(p).defaults == dict(lr=1e-2, lr_decay=0, eps=1e-10, weight_decay=0,
                                             initial_accumulator_value=0, foreach=None, maximize=False,
                                             differentiable=False, fused=None)
    assert optim.SGD(p, foreach=True, fused=True).defaults["fused"] is True


@pytest.mark.parametrize("make,msg", [
    (lambda p: optim.SGD(p, lr=-1.0), "Invalid learning rate: -1.0"),
    (lambda p: optim.SGD(p, momentum=-1), "Invalid momentum value: -1"),
    (lambda p: optim.SGD(p, weight_decay=-1), "Invalid weight_decay value: -1"),
    (lambda p: optim.SGD(p, nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    (lambda p: optim.Adam(p, lr=-1.0), "Invalid learning rate: -1.0"),
    (lambda p: optim.Adam(p, eps=-1), "Invalid epsilon value: -1"),
    (lambda p: optim.Adam(p, betas=(1.0, 0.9)), "Invalid beta parameter at index 0: 1.0"),
    (lambda p: optim.AdamW(p, betas=(0.9, 1.0)), "Invalid beta parameter at index 1: 1.0"),
    (lambda p: optim.AdamW(p, weight_decay=-1), "Invalid weight_decay value: -1"),
    (lambda p: optim.RMSprop(p, alpha=-1), "Invalid alpha value: -1"),
    (lambda p: optim.RMSprop(p, momentum=-1), "Invalid momentum value: -1"),
    (lambda p: optim.Adagrad(p, lr_decay=-1), "Invalid lr_decay value: -1"),
    (lambda p: optim.Adagrad(p, initial_accumulator_value=-1), "Invalid initial_accumulator_value value: -1"),
    (lambda p: optim.Adagrad(p, eps=-1), "Invalid epsilon value: -1"),
])
def test_invalid_options(make, msg):
    with pytest.raises(ValueError, match=msg.replace("(", r"\(").replace(")", r"\)")):
        make([ember.zeros(2, requires_grad=True)])


def test_bad_params():
    a = ember.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        optim.Adam([a * 2])
    with pytest.raises(TypeError, match="params argument given to the optimizer should be an iterable"):
        optim.SGD(a, lr=0.1)
    with pytest.raises(TypeError, match="optimizer can only optimize Tensors"):
        optim.SGD([a, 3.0], lr=0.1)
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        optim.SGD([{"params": [a]}, {"params": [a]}], lr=0.1)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        optim.SGD([a, a], lr=0.1)
    with pytest.raises(TypeError, match="ordered collections"):
        optim.SGD([{"params": {a}}], lr=0.1)


# ---- the fused ops themselves ----

def _adam_lists(n=2, dtype=ember.float32):
    ps = [ember.ones(3, dtype=dtype) for _ in range(n)]
    return ps, [ember.ones(3, dtype=dtype) for _ in range(n)], [ember.zeros(3, dtype=dtype) for _ in range(n)], \
        [ember.zeros(3, dtype=dtype) for _ in range(n)], [ember.ones(()) for _ in range(n)]


def test_fused_adam_op_directly():
    ps, gs, ms, vs, steps = _adam_lists()
    versions = [p._version for p in ps + ms + vs]
    assert ember._fused_adam_(ps, gs, ms, vs, [], steps, lr=0.1, beta1=0.9, beta2=0.999, weight_decay=0.0, eps=1e-8,
                              amsgrad=False, maximize=False) is None
    np.testing.assert_allclose(ps[0].numpy(), 0.9, rtol=1e-6)
    np.testing.assert_allclose(ms[1].numpy(), 0.1, rtol=1e-6)
    assert all(t._version > v for t, v in zip(ps + ms + vs, versions))
    np.testing.assert_array_equal(steps[0].numpy(), 1.0)  # the op reads state_steps, never writes them
    ember._fused_adam_([], [], [], [], [], [], lr=0.1, beta1=0.9, beta2=0.999, weight_decay=0.0, eps=1e-8,
                       amsgrad=False, maximize=False)  # an empty group: nothing to do


def test_fused_ops_errors():
    ps, gs, ms, vs, steps = _adam_lists()
    kw = dict(lr=0.1, beta1=0.9, beta2=0.999, weight_decay=0.0, eps=1e-8, maximize=False)
    with pytest.raises(RuntimeError, match=r"_fused_adam_: expected grads to hold 2 tensors \(one per param\), got 1"):
        ember._fused_adam_(ps, gs[:1], ms, vs, [], steps, amsgrad=False, **kw)
    with pytest.raises(RuntimeError, match="_fused_adamw_: expected max_exp_avg_sqs to hold 2 tensors"):
        ember._fused_adamw_(ps, gs, ms, vs, [], steps, amsgrad=True, **kw)
    with pytest.raises(RuntimeError, match=r"_fused_adam_: exp_avgs\[1\] has shape \[4\] but param 1 has shape \[3\]"):
        ember._fused_adam_(ps, gs, [ms[0], ember.zeros(4)], vs, [], steps, amsgrad=False, **kw)
    with pytest.raises(TypeError, match=r"_fused_adam_: grads\[0\] has dtype float64 but param 0 has dtype float32"):
        ember._fused_adam_(ps, [gs[0].double(), gs[1]], ms, vs, [], steps, amsgrad=False, **kw)
    with pytest.raises(TypeError, match="_fused_sgd_: expected floating-point params, but param 0 has dtype int64"):
        ember._fused_sgd_([ember.ones(2, dtype=ember.int64)], [ember.ones(2, dtype=ember.int64)], [], weight_decay=0.0,
                          momentum=0.0, lr=0.1, dampening=0.0, nesterov=False, maximize=False, is_first_step=False)
    with pytest.raises(NotImplementedError, match="grad_scale and found_inf are not implemented"):
        ember._fused_adam_(ps, gs, ms, vs, [], steps, amsgrad=False, grad_scale=ember.ones(()), **kw)
    leaf = ember.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        ember._fused_sgd_([leaf], [ember.ones(3)], [], weight_decay=0.0, momentum=0.0, lr=0.1, dampening=0.0,
                          nesterov=False, maximize=False, is_first_step=False)
    with pytest.raises(RuntimeError, match=r"_fused_rmsprop_: state_steps\[0\] must be a tensor with one element"):
        ember._fused_rmsprop_([ps[0]], [gs[0]], [vs[0]], [], [], [ember.ones(2)], lr=0.1, alpha=0.9, eps=1e-8,
                              weight_decay=0.0, momentum=0.0, centered=False, maximize=False)
    with pytest.raises(RuntimeError, match="_fused_adagrad_: expected state_sums to hold 1 tensors"):
        ember._fused_adagrad_([ps[0]], [gs[0]], [], [steps[0]], lr=0.1, lr_decay=0.0, weight_decay=0.0, eps=1e-10,
                              maximize=False)


def test_fused_ops_same_bits_on_every_instruction_set():
    # The AVX-512, AVX2 and scalar loops compute the same formulas; results agree to rounding.
    import subprocess
    import sys
    code = ("import ember, numpy as np\n"
            "g = ember.Generator().manual_seed(0)\n"
            "p = ember.randn(1000, generator=g); gr = ember.randn(1000, generator=g)\n"
            "m = ember.zeros(1000); v = ember.zeros(1000); s = [ember.ones(())]\n"
            "ember._fused_adam_([p], [gr], [m], [v], [], s, lr=0.1, beta1=0.9, beta2=0.999, weight_decay=0.1,"
            " eps=1e-8, amsgrad=False, maximize=False)\n"
            "np.save(__import__('sys').stdout.buffer, p.numpy())\n")
    outs = []
    for env in ({}, {"EMBER_SIMD": "avx2"}, {"EMBER_NO_SIMD": "1"}):
        import io
        import os
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, env={**os.environ, **env}, check=True)
        outs.append(np.load(io.BytesIO(r.stdout)))
    for o in outs[1:]:
        np.testing.assert_allclose(o, outs[0], rtol=1e-6, atol=1e-7)


# The same three steps as tests_cpp/optim/test_optim.cpp ("the same numbers as Python"): both must give
# these values (float64; one kernel underneath, so C++ and Python agree to the last bit).
GOLDEN = [[1.240848958191, -3.189194631132, 4.420254725223],
          [0.9647876241003217, -2.299999997999999, 3.2977727155685437],
          [0.9619852599385342, -2.2937060960019986, 3.2884823808529116],
          [1.214035329016212, -5.421941317757633, 6.261224674827399],
          [1.039660270804127, -2.2123949570742427, 3.200825651278132]]


def _golden_run():
    leaf = lambda: ember.tensor([1.0, -2.0, 3.0], dtype=ember.float64).requires_grad_()  # noqa: E731
    ps = [leaf() for _ in range(5)]
    opts = [optim.SGD([ps[0]], lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
            optim.Adam([ps[1]], lr=0.1, amsgrad=True), optim.AdamW([ps[2]], lr=0.1),
            optim.RMSprop([ps[3]], lr=0.1, centered=True, momentum=0.5), optim.Adagrad([ps[4]], lr=0.1, lr_decay=0.1)]
    for s in range(3):
        for p, o in zip(ps, opts):
            p.grad = ember.tensor([0.5 - s, 1.5, -2.0 + 0.25 * s], dtype=ember.float64)
            o.step()
    return [p.detach().numpy().tolist() for p in ps]


def test_golden_values_shared_with_cpp():
    got = _golden_run()
    np.testing.assert_allclose(np.array(got), np.array(GOLDEN), rtol=1e-14, atol=1e-15)
