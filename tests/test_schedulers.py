"""Tests for backproplab.schedulers: formulas by hand, torch parity over 200 steps, errors."""

import math

import numpy as np
import pytest

from backproplab.optim import SGD, Adagrad, Adam, RMSprop
from backproplab.schedulers import (
    CosineAnnealingLR,
    ExponentialLR,
    LinearLR,
    LRScheduler,
    OneCycleLR,
    StepLR,
)


class P:
    """Stand-in parameter with .data and .grad."""

    def __init__(self, data=1.0, grad=0.5):
        self.data = data
        self.grad = grad


def lrs(scheduler, steps):
    """[lr used by optimizer step 1, step 2, ...]: get_last_lr before each scheduler step."""
    out = []
    for _ in range(steps):
        out.append(scheduler.get_last_lr()[0])
        assert scheduler.optimizer.lr == out[-1]
        scheduler.optimizer.step()
        scheduler.step()
    return out


# ---------------------------------------------------------------- formulas by hand


def test_step_lr():
    got = lrs(StepLR(SGD([P()], lr=1.0), step_size=3, gamma=0.5), 8)
    assert got == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25]


def test_exponential_lr():
    got = lrs(ExponentialLR(SGD([P()], lr=2.0), gamma=0.5), 4)
    assert got == [2.0, 1.0, 0.5, 0.25]


def test_cosine_reaches_eta_min_at_t_max_and_lr_zero_is_allowed():
    sched = CosineAnnealingLR(SGD([P()], lr=1.0), T_max=4)
    got = lrs(sched, 4) + [sched.get_last_lr()[0]]
    np.testing.assert_allclose(got, [1.0, (1 + math.sqrt(0.5)) / 2, 0.5,
                                     (1 - math.sqrt(0.5)) / 2, 0.0], atol=1e-15)
    assert sched.optimizer.lr == 0.0
    p = sched.optimizer.params[0]
    before = p.data
    sched.optimizer.step()  # lr = 0 is a schedule's end, not an error: nothing moves
    assert p.data == before
    got = lrs(CosineAnnealingLR(SGD([P()], lr=1.0), T_max=2, eta_min=0.1), 3)
    np.testing.assert_allclose(got, [1.0, 0.55, 0.1], rtol=1e-15)


def test_linear_warm_up():
    got = lrs(LinearLR(SGD([P()], lr=0.3)), 7)  # defaults: 1/3 -> 1 over 5 steps
    np.testing.assert_allclose(got, [0.1, 0.14, 0.18, 0.22, 0.26, 0.3, 0.3], rtol=1e-14)


def test_one_cycle_goes_up_then_far_down_and_cycles_momentum():
    opt = SGD([P()], lr=123.0, momentum=0.9)
    sched = OneCycleLR(opt, max_lr=1.0, total_steps=11)  # a = 0.3 * 11 - 1 = 2.3
    assert opt.lr == pytest.approx(1.0 / 25) and opt.momentum == 0.95
    got = lrs(sched, 11)
    assert got[0] == pytest.approx(0.04)
    assert max(got) == got[3] < 1.0  # the top is at t = 2.3, between steps 2 and 3
    assert all(np.diff(got[:3]) > 0)
    assert got[-1] == pytest.approx(0.04 / 1e4, rel=1e-12)
    assert all(np.diff(got[3:]) < 0)
    assert sched.last_epoch == 11  # lrs() called step() 11 times: allowed, as in torch
    with pytest.raises(ValueError, match=r"OneCycleLR: step\(\) was called 12 times, but the "
                                         r"cycle was built for total_steps=11"):
        sched.step()
    adam = Adam([P()])
    OneCycleLR(adam, max_lr=0.1, total_steps=10)
    assert adam.betas == (0.95, 0.999)


def test_get_last_lr_is_a_list_and_repr():
    sched = StepLR(SGD([P()], lr=0.1), step_size=1, gamma=0.5)
    sched.step()
    assert sched.get_last_lr() == [0.05] and sched.last_epoch == 1
    assert repr(sched) == "StepLR(step 1, lr=0.05, base lr=0.1)"


def test_a_subclass_only_writes_lr_at():
    class Halving(LRScheduler):
        def lr_at(self, t):
            return self.base_lr / 2**t

    assert lrs(Halving(SGD([P()], lr=1.0)), 3) == [1.0, 0.5, 0.25]


def test_fit_style_loop_with_a_real_model():
    from backproplab import Tensor
    from backproplab.nn import MLP

    model = MLP(2, [4], 1, seed=0)
    opt = SGD(model.parameters(), lr=0.1)
    sched = CosineAnnealingLR(opt, T_max=10)
    X = Tensor(np.ones((3, 2)), requires_grad=False)
    seen = []
    for _ in range(10):
        model.zero_grad()
        (model(X) ** 2).mean().backward()
        opt.step()
        sched.step()
        seen.append(opt.lr)
    assert seen[-1] == 0.0 and seen[0] < 0.1


# ---------------------------------------------------------------- torch parity

PARITY = [
    ("StepLR", {"step_size": 7}, {}),
    ("StepLR", {"step_size": 30, "gamma": 0.5}, {}),
    ("ExponentialLR", {"gamma": 0.97}, {}),
    ("CosineAnnealingLR", {"T_max": 200}, {}),
    ("CosineAnnealingLR", {"T_max": 50, "eta_min": 0.001}, {}),  # goes round twice
    ("CosineAnnealingLR", {"T_max": 37}, {}),
    ("LinearLR", {}, {}),
    ("LinearLR", {"start_factor": 0.01, "total_iters": 50}, {}),
    ("LinearLR", {"start_factor": 1.0, "end_factor": 0.0, "total_iters": 120}, {}),
    ("OneCycleLR", {"max_lr": 0.5, "total_steps": 200}, {"momentum": 0.9}),
    ("OneCycleLR", {"max_lr": 0.5, "epochs": 8, "steps_per_epoch": 25}, {"momentum": 0.9}),
    ("OneCycleLR", {"max_lr": 0.5, "total_steps": 200, "anneal_strategy": "linear",
                    "pct_start": 0.25, "div_factor": 10.0, "final_div_factor": 100.0},
     {"momentum": 0.9}),
    ("OneCycleLR", {"max_lr": 0.5, "total_steps": 200, "three_phase": True}, {"momentum": 0.9}),
    ("OneCycleLR", {"max_lr": 0.5, "total_steps": 200, "cycle_momentum": False}, {}),
    ("OneCycleLR", {"max_lr": 0.01, "total_steps": 200, "base_momentum": 0.8,
                    "max_momentum": 0.9}, {"adam": True}),
]


@pytest.mark.parametrize(("name", "kwargs", "opt_kwargs"), PARITY,
                         ids=[f"{n}-{k}" for n, k, _ in PARITY])
def test_200_learning_rates_match_pytorch(name, kwargs, opt_kwargs):
    torch = pytest.importorskip("torch")
    import warnings

    adam = opt_kwargs.pop("adam", False) if opt_kwargs else False
    w = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    if adam:
        ref_opt, opt = torch.optim.Adam([w], lr=0.1), Adam([P()], lr=0.1)
    else:
        ref_opt, opt = torch.optim.SGD([w], lr=0.1, **opt_kwargs), SGD([P()], 0.1, **opt_kwargs)
    ref = getattr(torch.optim.lr_scheduler, name)(ref_opt, **kwargs)
    ours = globals()[name](opt, **kwargs)
    for t in range(200):
        assert ours.get_last_lr()[0] == pytest.approx(ref.get_last_lr()[0], rel=0, abs=1e-12), t
        assert opt.lr == pytest.approx(ref_opt.param_groups[0]["lr"], rel=0, abs=1e-12), t
        if adam:
            assert opt.betas[0] == pytest.approx(ref_opt.param_groups[0]["betas"][0], abs=1e-12)
        elif "momentum" in opt_kwargs:
            assert opt.momentum == pytest.approx(ref_opt.param_groups[0]["momentum"], abs=1e-12)
        w.grad = torch.ones(2, dtype=torch.float64)
        ref_opt.step()
        opt.step()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref.step()
        ours.step()
    assert ours.get_last_lr()[0] == pytest.approx(ref.get_last_lr()[0], rel=0, abs=1e-12)


# ---------------------------------------------------------------- errors


def test_a_scheduler_needs_an_optimizer():
    model_params = [P(), P()]
    with pytest.raises(TypeError, match=r"StepLR needs a backproplab optimizer \(SGD, Adam, "
                                        r"\.\.\.\) whose lr it sets, got list; you passed the "
                                        r"parameters; build the optimizer first"):
        StepLR(model_params, step_size=10)
    with pytest.raises(TypeError, match=r"CosineAnnealingLR needs a backproplab optimizer .* "
                                        r"got float; build one first, e\.g\. opt = SGD"):
        CosineAnnealingLR(0.1, T_max=10)
    with pytest.raises(TypeError, match=r"OneCycleLR needs a backproplab optimizer .*got str"):
        OneCycleLR("adam", max_lr=0.1, total_steps=10, cycle_momentum=False)


def test_torch_optimizer_is_refused():
    torch = pytest.importorskip("torch")
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(TypeError, match=r"ExponentialLR needs a backproplab optimizer .*got SGD"):
        ExponentialLR(opt, gamma=0.9)


BAD = [
    (lambda o: StepLR(o, step_size=0), ValueError,
     r"StepLR: step_size must be a positive integer \(a number of steps\), got 0"),
    (lambda o: StepLR(o, step_size=2.5), ValueError, r"StepLR: step_size must be a positive"),
    (lambda o: StepLR(o, step_size=3, gamma=0), ValueError, r"StepLR: gamma must be > 0, got 0"),
    (lambda o: ExponentialLR(o, gamma="0.9"), TypeError,
     r"ExponentialLR: gamma must be a number, got '0\.9' \(str\)"),
    (lambda o: CosineAnnealingLR(o, T_max=-5), ValueError, r"CosineAnnealingLR: T_max must be"),
    (lambda o: CosineAnnealingLR(o, T_max=5, eta_min=-1), ValueError, r"eta_min must be >= 0"),
    (lambda o: LinearLR(o, start_factor=0), ValueError,
     r"LinearLR: start_factor must be in \(0, 1\], got 0\.0"),
    (lambda o: LinearLR(o, end_factor=1.5), ValueError, r"LinearLR: end_factor must be in \[0"),
    (lambda o: LinearLR(o, total_iters=0), ValueError, r"LinearLR: total_iters must be a pos"),
    (lambda o: OneCycleLR(o, max_lr=0.1), ValueError,
     r"OneCycleLR: give total_steps, or both epochs and steps_per_epoch"),
    (lambda o: OneCycleLR(o, max_lr=0.1, epochs=3), ValueError, r"OneCycleLR: give total_steps"),
    (lambda o: OneCycleLR(o, max_lr=-0.1, total_steps=5), ValueError, r"max_lr must be > 0"),
    (lambda o: OneCycleLR(o, max_lr=0.1, total_steps=5, pct_start=1.5), ValueError,
     r"OneCycleLR: pct_start must be in \[0, 1\], got 1\.5"),
    (lambda o: OneCycleLR(o, max_lr=0.1, total_steps=5, anneal_strategy="cosine"), ValueError,
     r"OneCycleLR: anneal_strategy must be 'cos' or 'linear', got 'cosine'"),
]


@pytest.mark.parametrize(("make", "error", "message"), BAD, ids=[m for _, _, m in BAD])
def test_bad_arguments(make, error, message):
    with pytest.raises(error, match=message):
        make(SGD([P()], lr=0.1))


def test_one_cycle_momentum_needs_an_optimizer_with_momentum():
    with pytest.raises(ValueError, match=r"OneCycleLR: cycle_momentum=True needs an optimizer "
                                         r"with momentum .* got Adagrad; pass cycle_momentum="
                                         r"False"):
        OneCycleLR(Adagrad([P()]), max_lr=0.1, total_steps=10)
    sched = OneCycleLR(Adagrad([P()]), max_lr=0.1, total_steps=10, cycle_momentum=False)
    assert sched.optimizer.lr == pytest.approx(0.004)
    rms = RMSprop([P()])
    OneCycleLR(rms, max_lr=0.1, total_steps=10)
    assert rms.momentum == 0.95


def test_a_schedule_starts_from_the_lr_you_gave_not_from_one_a_schedule_left():
    opt = SGD([P()], lr=0.1)
    first = StepLR(opt, 2, gamma=0.5)
    for _ in range(5):
        first.step()
    assert opt.lr == 0.025 and opt.initial_lr == 0.1
    # a notebook cell run again: the new schedule starts from 0.1, not from 0.025
    again = CosineAnnealingLR(opt, T_max=10)
    assert again.base_lr == 0.1 and opt.lr == 0.1
    # an lr you set by hand is the start of the next schedule
    opt.lr = 0.04
    assert StepLR(opt, 2).get_last_lr() == [0.04]
