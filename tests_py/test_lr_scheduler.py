"""ember.optim.lr_scheduler: each scheduler's lr sequence against the formula PyTorch documents (the
sequences were also compared with PyTorch 2.13's, outside the tests), state_dict, get_last_lr, errors."""
import math
import warnings

import pytest

import ember
from ember import optim
from ember.optim import lr_scheduler as L

N = 25


def _opt(lr=0.1, cls=optim.SGD, groups=1, **kw):
    ps = [ember.zeros(2, requires_grad=True) for _ in range(groups)]
    return cls([{"params": [p], "lr": lr * (i + 1)} for i, p in enumerate(ps)], lr=lr, **kw)


def _seq(opt, sched, n=N):
    """The lrs of every group at epochs 0..n-1 (one optimizer step and one scheduler step per epoch)."""
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the step order is right: no warning
        for _ in range(n):
            out.append([g["lr"] for g in opt.param_groups])
            assert sched.get_last_lr() == out[-1]
            opt.step()
            sched.step()
    return out


def _close(got, want):
    assert len(got) == len(want)
    for e, (g, w) in enumerate(zip(got, want)):
        assert g == pytest.approx(w, rel=1e-12, abs=1e-15), f"epoch {e}: {g} != {w}"


def test_step_lr():
    opt = _opt(groups=2)
    _close(_seq(opt, L.StepLR(opt, step_size=3, gamma=0.5)),
           [[0.1 * 0.5 ** (e // 3), 0.2 * 0.5 ** (e // 3)] for e in range(N)])


def test_multi_step_lr_with_a_repeated_milestone():
    opt = _opt()
    ms = [2, 5, 5, 11]
    _close(_seq(opt, L.MultiStepLR(opt, milestones=ms, gamma=0.1)),
           [[0.1 * 0.1 ** sum(m <= e for m in ms)] for e in range(N)])


def test_exponential_lr():
    opt = _opt(groups=2)
    _close(_seq(opt, L.ExponentialLR(opt, gamma=0.9)), [[0.1 * 0.9 ** e, 0.2 * 0.9 ** e] for e in range(N)])


@pytest.mark.parametrize("eta_min", [0.0, 0.01])
def test_cosine_annealing_lr_follows_the_cosine_past_t_max(eta_min):
    opt = _opt()
    T = 10
    _close(_seq(opt, L.CosineAnnealingLR(opt, T_max=T, eta_min=eta_min)),
           [[eta_min + (0.1 - eta_min) * (1 + math.cos(math.pi * e / T)) / 2] for e in range(N)])


@pytest.mark.parametrize("start,end,total", [(1 / 3, 1.0, 5), (1.0, 0.1, 8), (0.5, 0.5, 4)])
def test_linear_lr(start, end, total):
    opt = _opt()
    _close(_seq(opt, L.LinearLR(opt, start_factor=start, end_factor=end, total_iters=total)),
           [[0.1 * (start + (end - start) * min(e, total) / total)] for e in range(N)])


def test_lambda_lr_one_function_per_group():
    opt = _opt(groups=2)
    sched = L.LambdaLR(opt, [lambda e: 0.95 ** e, lambda e: 1 / (e + 1)])
    _close(_seq(opt, sched), [[0.1 * 0.95 ** e, 0.2 / (e + 1)] for e in range(N)])


def _one_cycle_ref(max_lr, total, pct=0.3, div=25.0, final_div=1e4, strategy="cos", three_phase=False,
                   base_m=0.85, max_m=0.95):
    """PyTorch's documented 1cycle schedule: (lr, momentum) at each step."""
    init, lo = max_lr / div, max_lr / div / final_div

    def anneal(a, b, pct):
        return b + (a - b) / 2 * (math.cos(math.pi * pct) + 1) if strategy == "cos" else (b - a) * pct + a

    if three_phase:
        phases = [(pct * total - 1, init, max_lr, max_m, base_m), (2 * pct * total - 2, max_lr, init, base_m, max_m),
                  (total - 1, init, lo, max_m, max_m)]
    else:
        phases = [(pct * total - 1, init, max_lr, max_m, base_m), (total - 1, max_lr, lo, base_m, max_m)]
    out = []
    for s in range(total):
        start = 0.0
        for i, (end, l0, l1, m0, m1) in enumerate(phases):
            if s <= end or i == len(phases) - 1:
                p = (s - start) / (end - start)
                out.append((anneal(l0, l1, p), anneal(m0, m1, p)))
                break
            start = end
    return out


@pytest.mark.parametrize("strategy", ["cos", "linear"])
@pytest.mark.parametrize("three_phase", [False, True])
def test_one_cycle_lr_with_sgd_momentum(strategy, three_phase):
    opt = _opt(momentum=0.9)
    total = 20
    sched = L.OneCycleLR(opt, max_lr=1.0, total_steps=total, anneal_strategy=strategy, three_phase=three_phase)
    moms = []
    lrs = []
    for _ in range(total):
        lrs.append([opt.param_groups[0]["lr"]])
        moms.append(opt.param_groups[0]["momentum"])
        opt.step()
        if len(lrs) < total:
            sched.step()
    ref = _one_cycle_ref(1.0, total, strategy=strategy, three_phase=three_phase)
    _close(lrs, [[r[0]] for r in ref])
    _close([[m] for m in moms], [[r[1]] for r in ref])
    with pytest.raises(ValueError, match="Tried to step 21 times. The specified number of total steps is 20"):
        sched.step()
        sched.step()


def test_one_cycle_lr_cycles_adams_beta1():
    opt = _opt(cls=optim.Adam, betas=(0.9, 0.99))
    sched = L.OneCycleLR(opt, max_lr=0.01, epochs=2, steps_per_epoch=5, base_momentum=0.8, max_momentum=0.9)
    ref = _one_cycle_ref(0.01, 10, base_m=0.8, max_m=0.9)
    for s in range(9):
        assert opt.param_groups[0]["lr"] == pytest.approx(ref[s][0], rel=1e-12)
        assert opt.param_groups[0]["betas"] == pytest.approx((ref[s][1], 0.99), rel=1e-12)
        opt.step()
        sched.step()
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
        L.OneCycleLR(_opt(cls=optim.Adagrad), max_lr=0.1, total_steps=10)
    with pytest.raises(ValueError, match="You must define either total_steps OR"):
        L.OneCycleLR(_opt(), max_lr=0.1)


def test_sequential_lr():
    opt = _opt()
    warm = L.LinearLR(opt, start_factor=0.1, total_iters=4)
    decay = L.ExponentialLR(opt, gamma=0.8)
    sched = L.SequentialLR(opt, schedulers=[warm, decay], milestones=[4])
    want = [[0.1 * (0.1 + 0.9 * e / 4)] for e in range(4)] + [[0.1 * 0.8 ** (e - 4)] for e in range(4, N)]
    _close(_seq(opt, sched), want)
    with pytest.raises(ValueError, match="expects number of schedulers provided to be one more"):
        L.SequentialLR(opt, schedulers=[warm, decay], milestones=[])


def test_reduce_lr_on_plateau():
    opt = _opt(groups=2)
    sched = L.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2, cooldown=1, min_lr=[0.0, 0.15])
    metrics = [1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.8, 0.8, 0.8, 0.8]
    lrs = []
    for m in metrics:
        opt.step()
        sched.step(m)
        lrs.append(sched.get_last_lr())
    want, lr, bad, cool, best = [], [0.1, 0.2], 0, 0, math.inf
    for m in metrics:  # PyTorch's documented rule, written out
        if m < best * (1 - 1e-4):
            best, bad = m, 0
        else:
            bad += 1
        if cool > 0:
            cool, bad = cool - 1, 0
        if bad > 2:
            lr = [max(x * 0.5, lo) if x - max(x * 0.5, lo) > 1e-8 else x for x, lo in zip(lr, [0.0, 0.15])]
            cool, bad = 1, 0
        want.append(list(lr))
    _close(lrs, want)
    assert lrs[-1][1] == 0.15 and lrs[-1][0] < 0.1
    with pytest.raises(ValueError, match="Factor should be < 1.0."):
        L.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode avg is unknown!"):
        L.ReduceLROnPlateau(opt, mode="avg")


def test_closed_form_with_an_epoch_argument():
    opt = _opt()
    sched = L.StepLR(opt, step_size=2, gamma=0.5)
    opt.step()
    with pytest.warns(UserWarning, match="epoch parameter"):
        sched.step(5)
    assert sched.last_epoch == 5 and opt.param_groups[0]["lr"] == pytest.approx(0.1 * 0.5 ** 2)


def test_state_dict_resumes_the_sequence():
    opt = _opt()
    sched = L.CosineAnnealingLR(opt, T_max=7)
    full = _seq(opt, sched, 12)
    opt2 = _opt()
    s2 = L.CosineAnnealingLR(opt2, T_max=7)
    part = _seq(opt2, s2, 5)
    sd, osd = s2.state_dict(), opt2.state_dict()
    assert "optimizer" not in sd and sd["last_epoch"] == 5 and sd["base_lrs"] == [0.1]
    opt3 = _opt()
    opt3.load_state_dict(osd)
    s3 = L.CosineAnnealingLR(opt3, T_max=7, last_epoch=sd["last_epoch"])
    s3.load_state_dict(sd)
    _close(part + _seq(opt3, s3, 7), full)


def test_lambda_lr_state_dict_skips_functions():
    opt = _opt()
    sched = L.LambdaLR(opt, lambda e: 0.5 ** e)
    assert sched.state_dict()["lr_lambdas"] == [None]


def test_warnings_and_errors():
    opt = _opt()
    sched = L.StepLR(opt, step_size=2)
    with pytest.warns(UserWarning, match="Detected call of `lr_scheduler.step\\(\\)` before `optimizer.step\\(\\)`"):
        sched.step()
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        L.StepLR([], step_size=2)
    with pytest.raises(KeyError, match="initial_lr"):
        L.StepLR(_opt(), step_size=2, last_epoch=3)
    with pytest.raises(ValueError, match="Starting multiplicative factor"):
        L.LinearLR(opt, start_factor=0)
