"""Tests for backproplab.optim: hand-computed steps, PyTorch parity, dtypes, errors."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from backproplab.optim import (
    DEFAULT_LR,
    OPTIMIZERS,
    SGD,
    Adagrad,
    Adam,
    AdamW,
    Optimizer,
    RMSprop,
)

CLASSES = {"SGD": SGD, "RMSprop": RMSprop, "Adam": Adam, "AdamW": AdamW, "Adagrad": Adagrad}


class P:
    """Stand-in parameter with .data and .grad, as Value (floats) and Tensor (arrays) have."""

    def __init__(self, data, grad=None):
        self.data = data
        self.grad = grad


def run(opt_cls, data, grads, **kwargs):
    """Start a parameter at `data`, step once per gradient in `grads`, return every value."""
    p = P(data)
    opt = opt_cls([p], **kwargs)
    values = []
    for g in grads:
        p.grad = g
        opt.step()
        values.append(p.data)
    return values


# ---------------------------------------------------------------- hand-computed steps


def test_sgd_plain_and_weight_decay():
    # theta = 1 - 0.1 * 0.5
    assert run(SGD, 1.0, [0.5], lr=0.1) == [pytest.approx(0.95, abs=1e-15)]
    # g = 0.5 + 0.1 * 1.0 = 0.6; theta = 1 - 0.1 * 0.6
    assert run(SGD, 1.0, [0.5], lr=0.1, weight_decay=0.1) == [pytest.approx(0.94, abs=1e-15)]


def test_sgd_momentum_first_buffer_is_the_gradient():
    # t=1: b = g = 0.5,               theta = 1 - 0.1 * 0.5 = 0.95
    # t=2: b = 0.9 * 0.5 + 0.5 = 0.95, theta = 0.95 - 0.1 * 0.95 = 0.855
    got = run(SGD, 1.0, [0.5, 0.5], lr=0.1, momentum=0.9)
    np.testing.assert_allclose(got, [0.95, 0.855], rtol=0, atol=1e-15)
    # dampening is not applied to the first buffer:
    # t=1: b = 0.5; t=2: b = 0.9 * 0.5 + (1 - 0.5) * 0.5 = 0.7, theta = 0.95 - 0.07
    got = run(SGD, 1.0, [0.5, 0.5], lr=0.1, momentum=0.9, dampening=0.5)
    np.testing.assert_allclose(got, [0.95, 0.88], rtol=0, atol=1e-15)


def test_sgd_nesterov():
    # t=1: b = 0.5,  step g + 0.9 b = 0.95,         theta = 1 - 0.095 = 0.905
    # t=2: b = 0.95, step g + 0.9 b = 0.5 + 0.855, theta = 0.905 - 0.1355 = 0.7695
    got = run(SGD, 1.0, [0.5, 0.5], lr=0.1, momentum=0.9, nesterov=True)
    np.testing.assert_allclose(got, [0.905, 0.7695], rtol=0, atol=1e-15)


def test_sgd_on_an_array():
    got = run(SGD, np.array([1.0, -2.0]), [np.array([0.5, -1.0])], lr=0.1)
    np.testing.assert_allclose(got[0], [0.95, -1.9], rtol=0, atol=1e-15)


def test_rmsprop_first_steps():
    # t=1: v = 0.01 g^2, sqrt(v) = 0.1 |g|: the first step is ~10 lr * sign(g)
    g = np.array([0.5, -2.0, 1e-3])
    (got,) = run(RMSprop, np.zeros(3), [g], lr=0.01)
    np.testing.assert_allclose(got, -0.01 * g / (0.1 * np.abs(g) + 1e-8), rtol=1e-12)
    # t=2, same g: v = 0.99 * 0.01 g^2 + 0.01 g^2 = 0.0199 g^2
    got = run(RMSprop, 0.0, [0.5, 0.5], lr=0.01)
    step1 = 0.01 * 0.5 / (0.1 * 0.5 + 1e-8)
    step2 = 0.01 * 0.5 / (math.sqrt(0.0199) * 0.5 + 1e-8)
    np.testing.assert_allclose(got, [-step1, -step1 - step2], rtol=1e-12)


def test_rmsprop_momentum_and_weight_decay():
    # buffer starts at 0, so t=1 equals the plain step; t=2 adds 0.9 * the old buffer
    a1 = math.sqrt(0.01 * 0.25) + 1e-8
    a2 = math.sqrt(0.0199 * 0.25) + 1e-8
    b1 = 0.5 / a1
    b2 = 0.9 * b1 + 0.5 / a2
    got = run(RMSprop, 0.0, [0.5, 0.5], lr=0.01, momentum=0.9)
    np.testing.assert_allclose(got, [-0.01 * b1, -0.01 * b1 - 0.01 * b2], rtol=1e-12)
    # weight decay: g = 0.5 + 0.2 * 1.0 = 0.7
    (got,) = run(RMSprop, 1.0, [0.5], lr=0.01, weight_decay=0.2)
    assert got == pytest.approx(1 - 0.01 * 0.7 / (0.1 * 0.7 + 1e-8), rel=1e-12)


def test_adam_moves_each_coordinate_by_about_lr():
    # t=1: m_hat = g, v_hat = g^2, so the step is lr * g / (|g| + eps) ~ lr * sign(g),
    # however small or large g is. With a constant g, m_hat and v_hat stay g and g^2.
    g = np.array([0.5, -2.0, 1e-3, 1e3])
    got = run(Adam, np.zeros(4), [g, g, g], lr=0.1)
    step = 0.1 * g / (np.abs(g) + 1e-8)
    for t in range(3):
        np.testing.assert_allclose(got[t], -(t + 1) * step, rtol=1e-12)
    np.testing.assert_allclose(got[0], [-0.1, 0.1, -0.1, -0.1], rtol=1e-5)


def test_adam_second_step_with_a_new_gradient():
    # t=1: g=1:  m = 0.1,                v = 0.001
    # t=2: g=-1: m = 0.09 - 0.1 = -0.01,  v = 0.000999 + 0.001 = 0.001999
    #      m_hat = -0.01 / 0.19,          v_hat = 0.001999 / (1 - 0.999^2)
    m_hat = -0.01 / (1 - 0.9**2)
    v_hat = 0.001999 / (1 - 0.999**2)
    theta1 = -0.1 / (1 + 1e-8)
    theta2 = theta1 - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8)
    got = run(Adam, 0.0, [1.0, -1.0], lr=0.1)
    np.testing.assert_allclose(got, [theta1, theta2], rtol=1e-10)


def test_adam_weight_decay_goes_into_the_gradient_adamw_shrinks_the_weight():
    # Adam: g = 0.5 + 0.1 * 2 = 0.7, first step ~ lr * sign(0.7)
    (got,) = run(Adam, 2.0, [0.5], lr=0.01, weight_decay=0.1)
    assert got == pytest.approx(2.0 - 0.01 * 0.7 / (0.7 + 1e-8), rel=1e-12)
    # AdamW: theta = 2 * (1 - 0.01 * 0.1), then the Adam step with g = 0.5
    (got,) = run(AdamW, 2.0, [0.5], lr=0.01, weight_decay=0.1)
    assert got == pytest.approx(2.0 * 0.999 - 0.01 * 0.5 / (0.5 + 1e-8), rel=1e-12)
    # a zero gradient: Adam with decay still moves by ~lr, AdamW only shrinks
    (got,) = run(AdamW, 2.0, [0.0], lr=0.01, weight_decay=0.1)
    assert got == pytest.approx(2.0 * 0.999, rel=1e-15)


def test_adagrad_steps_shrink():
    # t=1: s = g^2,  step lr * g / (|g| + eps)
    # t=2: s = 2g^2, step lr * g / (sqrt(2) |g| + eps)
    got = run(Adagrad, 0.0, [0.5, 0.5], lr=0.1)
    s1 = 0.1 * 0.5 / (0.5 + 1e-10)
    s2 = 0.1 * 0.5 / (math.sqrt(0.5) + 1e-10)
    np.testing.assert_allclose(got, [-s1, -s1 - s2], rtol=1e-12)
    # lr_decay: lr_t = lr / (1 + (t - 1) * lr_decay); initial accumulator adds to s
    got = run(Adagrad, 0.0, [0.5, 0.5], lr=0.1, lr_decay=0.5, initial_accumulator_value=0.75)
    s1 = 0.1 * 0.5 / (1.0 + 1e-10)  # s = 0.75 + 0.25
    s2 = 0.1 / 1.5 * 0.5 / (math.sqrt(1.25) + 1e-10)
    np.testing.assert_allclose(got, [-s1, -s1 - s2], rtol=1e-12)


@given(g=st.floats(-1e6, 1e6), lr=st.floats(1e-4, 1.0))
def test_adam_first_step_never_exceeds_lr(g, lr):
    (got,) = run(Adam, 0.0, [g], lr=lr)
    assert abs(got) <= lr * (1 + 1e-12)


@given(data=st.floats(-1e3, 1e3), g=st.floats(-1e3, 1e3), lr=st.floats(1e-4, 1.0))
def test_plain_sgd_is_theta_minus_lr_g(data, g, lr):
    assert run(SGD, data, [g], lr=lr) == [data - lr * g]


# ---------------------------------------------------------------- PyTorch parity

PARITY_CASES = [
    ("SGD", {}),
    ("SGD", {"lr": 0.05}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.5}),
    ("SGD", {"lr": 0.05, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.1}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.003, "alpha": 0.9}),
    ("RMSprop", {"lr": 0.003, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.003, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.003, "momentum": 0.5, "weight_decay": 0.1, "eps": 1e-3}),
    ("Adam", {}),
    ("Adam", {"lr": 0.05, "betas": (0.8, 0.99)}),
    ("Adam", {"lr": 0.05, "betas": (0.3, 0.4)}),
    ("Adam", {"lr": 0.05, "betas": (0.0, 0.5)}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.05, "eps": 1e-3}),
    ("AdamW", {}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.0}),
    ("AdamW", {"lr": 0.05, "betas": (0.5, 0.9), "weight_decay": 0.3, "eps": 1e-4}),
    ("Adagrad", {}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05}),
    ("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.5}),
    ("Adagrad", {"lr": 0.1, "weight_decay": 0.1}),
    ("Adagrad", {"lr": 0.1, "eps": 1e-3}),
    # the options of issue 13: centered, amsgrad, maximize, Adam's decoupled weight decay
    ("SGD", {"lr": 0.05, "maximize": True}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1,
             "maximize": True}),
    ("RMSprop", {"lr": 0.003, "centered": True}),
    ("RMSprop", {"lr": 0.003, "centered": True, "momentum": 0.9, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.003, "centered": True, "alpha": 0.5, "maximize": True}),
    ("Adam", {"lr": 0.05, "amsgrad": True}),
    ("Adam", {"lr": 0.05, "amsgrad": True, "betas": (0.5, 0.6), "weight_decay": 0.1}),
    ("Adam", {"lr": 0.05, "maximize": True, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.05, "decoupled_weight_decay": True, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.05, "amsgrad": True, "maximize": True}),
    ("Adagrad", {"lr": 0.1, "maximize": True, "weight_decay": 0.1}),
]

SHAPES = [(2,), (3, 4), (), (2, 1, 3)]
N_STEPS = 30


def gradient_sequence():
    """30 steps of float64 gradients for each shape, plus a Python float for a Value-like
    parameter. Parameter 1 has no gradient (None) on steps 0-4 and 17."""
    rng = np.random.default_rng(2024)
    steps = []
    for t in range(N_STEPS):
        grads = [rng.normal(size=shape) for shape in SHAPES]
        grads[0] = grads[0] * np.array([1e-4, 10.0])  # a tiny and a large coordinate
        if t < 5 or t == 17:
            grads[1] = None
        grads.append(float(rng.normal()))
        steps.append(grads)
    return steps


@pytest.mark.parametrize(
    ("name", "kwargs"), PARITY_CASES, ids=[f"{n}-{k}" for n, k in PARITY_CASES]
)
def test_matches_pytorch(name, kwargs):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    start = [rng.normal(size=shape) for shape in SHAPES] + [float(rng.normal())]
    ours = [P(x.copy() if isinstance(x, np.ndarray) else x) for x in start]
    theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in start]
    opt = CLASSES[name](ours, **kwargs)
    ref = getattr(torch.optim, name)(theirs, foreach=False, **kwargs)
    assert opt.lr == ref.param_groups[0]["lr"]  # same default learning rate
    for t, grads in enumerate(gradient_sequence()):
        if t == 15:  # the widgets change the learning rate between steps
            opt.lr = opt.lr / 2
            ref.param_groups[0]["lr"] = ref.param_groups[0]["lr"] / 2
        for p, q, g in zip(ours, theirs, grads, strict=True):
            p.grad = g
            q.grad = None if g is None else torch.tensor(g, dtype=torch.float64)
        opt.step()
        ref.step()
    for p, q in zip(ours, theirs, strict=True):
        expected = q.detach().numpy()
        assert np.shape(p.data) == expected.shape
        np.testing.assert_allclose(p.data, expected, rtol=0, atol=1e-12)
    assert type(ours[-1].data) is float  # a Value-like parameter stays a Python float
    assert not np.allclose(ours[0].data, start[0])  # the test did move the parameters


# ---------------------------------------------------------------- dtypes and the protocol

ALL_OPTIONS = [
    (SGD, {"lr": 0.1}),
    (SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    (RMSprop, {"momentum": 0.9, "weight_decay": 0.1}),
    (Adam, {"weight_decay": 0.1}),
    (AdamW, {}),
    (Adagrad, {"lr_decay": 0.1, "weight_decay": 0.1, "initial_accumulator_value": 0.1}),
]
ALL_IDS = [f"{c.__name__}-{k}" for c, k in ALL_OPTIONS]


@pytest.mark.parametrize(("cls", "kwargs"), ALL_OPTIONS, ids=ALL_IDS)
@pytest.mark.parametrize("grad_dtype", [np.float32, np.float64])
def test_float32_stays_float32(cls, kwargs, grad_dtype):
    rng = np.random.default_rng(0)
    start = rng.normal(size=(3, 2))
    grads = [rng.normal(size=(3, 2)) for _ in range(4)]
    got32 = run(cls, start.astype(np.float32), [g.astype(grad_dtype) for g in grads], **kwargs)
    got64 = run(cls, start, grads, **kwargs)
    for a, b in zip(got32, got64, strict=True):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(("cls", "kwargs"), ALL_OPTIONS, ids=ALL_IDS)
def test_float_parameters_stay_python_floats(cls, kwargs):
    got = run(cls, 1.5, [0.3, -0.2, 0.7], **kwargs)
    assert all(type(x) is float for x in got)
    # the same numbers as a 0-d array parameter
    got_array = run(cls, np.array(1.5), [np.array(0.3), np.array(-0.2), np.array(0.7)], **kwargs)
    np.testing.assert_allclose(got, [float(x) for x in got_array], rtol=0, atol=1e-15)


@pytest.mark.parametrize(("cls", "kwargs"), ALL_OPTIONS, ids=ALL_IDS)
def test_step_never_modifies_grad(cls, kwargs):
    grad = np.array([0.5, -1.0])
    p = P(np.array([1.0, 2.0]), grad)
    opt = cls([p], **kwargs)
    for _ in range(3):
        opt.step()
    assert p.grad is grad
    np.testing.assert_array_equal(grad, [0.5, -1.0])


def test_state_does_not_alias_the_gradient():
    # The engine may accumulate into p.grad in place; the momentum buffer must not follow.
    p = P(np.array([0.0]), np.array([1.0]))
    opt = SGD([p], lr=0.1, momentum=0.9)
    opt.step()  # b = [1]
    p.grad += 1.0  # an in-place accumulation into the same array: g = [2]
    opt.step()  # b = 0.9 * 1 + 2 = 2.9
    np.testing.assert_allclose(opt.state[0]["momentum_buffer"], [2.9], rtol=1e-15)
    np.testing.assert_allclose(p.data, [-0.1 - 0.29], rtol=1e-15)


def test_zero_grad():
    a = P(1.0, 2.5)
    b = P(np.ones((2, 3), np.float32), np.full((2, 3), 4.0, np.float32))
    c = P(np.ones(2), None)
    opt = SGD([a, b, c], lr=0.1)
    opt.zero_grad()
    assert a.grad == 0.0 and type(a.grad) is float
    assert b.grad.dtype == np.float32 and b.grad.shape == (2, 3)
    np.testing.assert_array_equal(b.grad, 0.0)
    assert c.grad is None


def test_none_gradients_are_skipped():
    with_grad, without = P(np.array([1.0]), np.array([0.5])), P(np.array([3.0]), None)
    opt = Adam([with_grad, without], lr=0.1)
    opt.step()
    np.testing.assert_array_equal(without.data, [3.0])
    assert opt.state[1] == {}
    assert opt.state[0]["step"] == 1
    # its first real step is a first Adam step (bias correction for t=1): ~lr * sign(g)
    without.grad = np.array([-2.0])
    opt.step()
    assert opt.state[1]["step"] == 1 and opt.state[0]["step"] == 2
    np.testing.assert_allclose(without.data, [3.0 + 0.1 * 2.0 / (2.0 + 1e-8)], rtol=1e-12)


def test_changing_lr_between_steps_takes_effect():
    p = P(1.0, 1.0)
    opt = SGD([p], lr=0.1)
    opt.step()
    opt.lr = 0.5
    opt.step()
    assert p.data == pytest.approx(1.0 - 0.1 - 0.5, abs=1e-15)
    # Adam with a constant gradient moves by lr each step, so by the new lr after a change
    q = P(0.0, 1.0)
    opt = Adam([q], lr=0.1)
    opt.step()
    opt.lr = 0.01
    opt.step()
    assert q.data == pytest.approx(-0.11, rel=1e-7)


def test_params_can_be_a_generator_and_are_stored_as_a_list():
    params = [P(1.0, 1.0), P(2.0, 1.0)]
    opt = SGD((p for p in params), lr=0.1)
    assert opt.params == params
    assert opt.state == [{}, {}]
    opt.step()
    assert [p.data for p in params] == [pytest.approx(0.9), pytest.approx(1.9)]


def test_a_subclass_only_writes_update():
    class SignSGD(Optimizer):
        def update(self, data, grad, state):
            return data - self.lr * np.sign(grad)

    p = P(np.array([1.0, 1.0]), np.array([3.0, -0.1]))
    SignSGD([p], lr=0.5).step()
    np.testing.assert_array_equal(p.data, [0.5, 1.5])
    with pytest.raises(NotImplementedError, match="must define update"):
        Optimizer([P(1.0, 1.0)], lr=0.1).step()


def test_repr():
    p = [P(1.0)]
    assert repr(Adam(p)) == "Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0)"
    assert repr(AdamW(p)) == "AdamW(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.01)"
    assert repr(SGD(p, 0.1, momentum=0.9)) == (
        "SGD(lr=0.1, momentum=0.9, dampening=0.0, weight_decay=0.0, nesterov=False)"
    )
    assert repr(RMSprop(p)) == (
        "RMSprop(lr=0.01, alpha=0.99, eps=1e-08, weight_decay=0.0, momentum=0.0)"
    )
    assert repr(Adagrad(p)) == (
        "Adagrad(lr=0.01, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, "
        "eps=1e-10)"
    )
    opt = SGD(p, 1)
    opt.lr = 0.25
    assert repr(opt).startswith("SGD(lr=0.25,")


# ---------------------------------------------------------------- OPTIMIZERS and DEFAULT_LR


def test_optimizers_table():
    names = ["SGD", "Momentum", "Nesterov", "RMSprop", "Adam", "AdamW", "Adagrad"]
    assert list(OPTIMIZERS) == names
    assert list(DEFAULT_LR) == names
    expected = {
        "SGD": (SGD, {"momentum": 0.0, "nesterov": False}),
        "Momentum": (SGD, {"momentum": 0.9, "nesterov": False}),
        "Nesterov": (SGD, {"momentum": 0.9, "nesterov": True}),
        "RMSprop": (RMSprop, {"alpha": 0.99, "momentum": 0.0}),
        "Adam": (Adam, {"betas": (0.9, 0.999), "weight_decay": 0.0}),
        "AdamW": (AdamW, {"betas": (0.9, 0.999), "weight_decay": 0.01}),
        "Adagrad": (Adagrad, {"lr_decay": 0.0, "eps": 1e-10}),
    }
    for name, factory in OPTIMIZERS.items():
        cls, options = expected[name]
        opt = factory([P(1.0)], DEFAULT_LR[name])
        assert type(opt) is cls
        assert opt.lr == DEFAULT_LR[name] > 0
        assert opt.hyperparameters().items() >= options.items()
        assert factory([P(1.0)], 0.123).lr == 0.123


# ---------------------------------------------------------------- errors

VALUE_ERRORS = [
    (lambda p: SGD(p, lr=0), r"SGD: lr must be > 0, got 0\.0"),
    (lambda p: SGD(p, lr=-0.1), r"SGD: lr must be > 0, got -0\.1"),
    (lambda p: Adam(p, lr=float("nan")), r"Adam: lr must be a finite number, got nan"),
    (lambda p: Adam(p, lr=float("inf")), r"Adam: lr must be a finite number, got inf"),
    (lambda p: SGD(p, 0.1, momentum=-0.5), r"SGD: momentum must be >= 0, got -0\.5"),
    (lambda p: SGD(p, 0.1, weight_decay=-1), r"SGD: weight_decay must be >= 0, got -1\.0"),
    (lambda p: SGD(p, 0.1, dampening=2), r"SGD: dampening must be in \[0, 1\], got 2\.0"),
    (lambda p: SGD(p, 0.1, nesterov=True),
     r"SGD: nesterov=True needs momentum > 0 and dampening = 0, got momentum=0\.0"),
    (lambda p: SGD(p, 0.1, momentum=0.9, dampening=0.1, nesterov=True),
     r"needs momentum > 0 and dampening = 0, got momentum=0\.9 and dampening=0\.1"),
    (lambda p: RMSprop(p, alpha=1.0), r"RMSprop: alpha must be in \[0, 1\), got 1\.0"),
    (lambda p: RMSprop(p, alpha=-0.1), r"RMSprop: alpha must be in \[0, 1\), got -0\.1"),
    (lambda p: RMSprop(p, eps=-1e-8), r"RMSprop: eps must be >= 0, got -1e-08"),
    (lambda p: RMSprop(p, momentum=-1), r"RMSprop: momentum must be >= 0, got -1\.0"),
    (lambda p: RMSprop(p, weight_decay=-1), r"RMSprop: weight_decay must be >= 0, got -1\.0"),
    (lambda p: Adam(p, betas=(1.0, 0.999)), r"Adam: betas\[0\] must be in \[0, 1\), got 1\.0"),
    (lambda p: Adam(p, betas=(0.9, -0.1)), r"Adam: betas\[1\] must be in \[0, 1\), got -0\.1"),
    (lambda p: Adam(p, betas=0.9), r"Adam: betas must be a pair \(beta1, beta2\), got 0\.9"),
    (lambda p: Adam(p, betas=(0.9,)), r"Adam: betas must be a pair"),
    (lambda p: Adam(p, eps=-1.0), r"Adam: eps must be >= 0, got -1\.0"),
    (lambda p: Adam(p, weight_decay=-0.01), r"Adam: weight_decay must be >= 0, got -0\.01"),
    (lambda p: AdamW(p, weight_decay=-0.01), r"AdamW: weight_decay must be >= 0, got -0\.01"),
    (lambda p: AdamW(p, betas=(0.9, 1.5)), r"AdamW: betas\[1\] must be in \[0, 1\), got 1\.5"),
    (lambda p: AdamW(p, lr=0), r"AdamW: lr must be > 0, got 0\.0"),
    (lambda p: Adagrad(p, eps=-1), r"Adagrad: eps must be >= 0, got -1\.0"),
    (lambda p: Adagrad(p, lr_decay=-1), r"Adagrad: lr_decay must be >= 0, got -1\.0"),
    (lambda p: Adagrad(p, weight_decay=-1), r"Adagrad: weight_decay must be >= 0, got -1\.0"),
    (lambda p: Adagrad(p, initial_accumulator_value=-1),
     r"Adagrad: initial_accumulator_value must be >= 0, got -1\.0"),
    (lambda p: SGD(p, 0.1, momentum=float("nan")), r"SGD: momentum must be a finite number"),
    (lambda p: SGD([], 0.1), r"SGD got an empty list of parameters"),
    (lambda p: Adam(x for x in []), r"Adam got an empty list of parameters"),
    (lambda p: SGD([p[0], p[0]], 0.1), r"SGD: parameter 1 appears twice"),
]


@pytest.mark.parametrize(("make", "message"), VALUE_ERRORS, ids=[m for _, m in VALUE_ERRORS])
def test_value_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make([P(1.0, 1.0)])


@pytest.mark.parametrize("lr", ["0.1", None, [0.1], True, 1j])
def test_lr_must_be_a_number(lr):
    with pytest.raises(TypeError, match=r"Adam: lr must be a number, got .* \("):
        Adam([P(1.0)], lr=lr)


def test_lr_is_checked_when_changed():
    opt = RMSprop([P(1.0)])
    with pytest.raises(ValueError, match=r"RMSprop: lr must be > 0, got -1\.0"):
        opt.lr = -1
    with pytest.raises(TypeError, match=r"RMSprop: lr must be a number, got 'fast' \(str\)"):
        opt.lr = "fast"
    assert opt.lr == 0.01
    opt.lr = np.float32(0.5)  # numpy numbers are fine, stored as a float
    assert type(opt.lr) is float and opt.lr == 0.5


def test_parameter_without_data_and_grad():
    with pytest.raises(TypeError, match=r"Adam: parameter 1 is a ndarray, which has no \.data"):
        Adam([P(1.0), np.ones(3)])
    with pytest.raises(TypeError, match=r"SGD: parameter 0 is a float"):
        SGD([1.0], lr=0.1)
    with pytest.raises(TypeError, match=r"SGD expects an iterable of parameters.*got int"):
        SGD(3, lr=0.1)
    with pytest.raises(TypeError, match=r"a list of parameters, got a single P.*SGD\(\[p\]"):
        SGD(P(1.0), lr=0.1)


def test_grad_shape_must_match_data():
    p = P(np.ones((2, 3)), np.ones((3, 2)))
    opt = Adam([P(1.0), p])
    with pytest.raises(ValueError, match=r"Adam: parameter 1 has data of shape \(2, 3\) but grad"):
        opt.step()


# ---------------------------------------------------------------- the real engines


def test_with_tensor_parameters():
    tensor = pytest.importorskip("backproplab.tensor")
    w = tensor.Tensor(np.array([1.0, -2.0], dtype=np.float32))
    opt = Adam([w], lr=0.1)
    for _ in range(2):
        opt.zero_grad()
        (w * w).sum().backward()  # grad = 2 w
        opt.step()
    assert w.data.dtype == np.float32
    # two steps with gradients of constant sign: each one moves by about lr
    np.testing.assert_allclose(w.data, [0.8, -1.8], rtol=1e-3)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_optimizer_reduces_a_value_loss(name):
    value = pytest.importorskip("backproplab.value")
    x, y = value.Value(0.0), value.Value(2.0)
    opt = OPTIMIZERS[name]([x, y], DEFAULT_LR[name])

    def loss():  # a tilted bowl: 18 at the start, minimum -22/3 at (14/3, -10/3)
        return (x - 3) ** 2 + (y + 1) ** 2 + x * y

    for _ in range(300):
        opt.zero_grad()
        loss().backward()
        opt.step()
    assert type(x.data) is float and type(x.grad) is float
    assert loss().data < 18 - 0.5 * (18 + 22 / 3)  # at least halfway down


# ---------------------------------------------------------------- torch's options (issue 13)

# Every option of torch.optim spelled with its default value (foreach=False as well: it only
# chooses torch's implementation). Today's code must accept them all.
DEFAULT_SPELLED = {
    "SGD": {"lr": 1e-3, "momentum": 0, "dampening": 0, "weight_decay": 0, "nesterov": False,
            "maximize": False, "foreach": None, "differentiable": False, "fused": None},
    "RMSprop": {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0, "momentum": 0,
                "centered": False, "capturable": False, "foreach": None, "maximize": False,
                "differentiable": False},
    "Adam": {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0,
             "amsgrad": False, "foreach": False, "maximize": False, "capturable": False,
             "differentiable": False, "fused": None, "decoupled_weight_decay": False},
    "AdamW": {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 1e-2,
              "amsgrad": False, "maximize": False, "foreach": None, "capturable": False,
              "differentiable": False, "fused": None},
    "Adagrad": {"lr": 1e-2, "lr_decay": 0, "weight_decay": 0, "initial_accumulator_value": 0,
                "eps": 1e-10, "foreach": None, "maximize": False, "differentiable": False,
                "fused": None},
}


@pytest.mark.parametrize("name", list(DEFAULT_SPELLED))
def test_every_torch_option_is_accepted_with_its_default_value(name):
    grads = [np.array([0.3, -2.0]), np.array([0.1, 0.5])]
    spelled = run(CLASSES[name], np.array([1.0, 1.0]), grads, **DEFAULT_SPELLED[name])
    plain = run(CLASSES[name], np.array([1.0, 1.0]), grads)
    np.testing.assert_array_equal(spelled, plain)


def test_the_defaults_spelled_here_are_torchs():
    torch = pytest.importorskip("torch")
    import inspect

    for name, options in DEFAULT_SPELLED.items():
        signature = inspect.signature(getattr(torch.optim, name).__init__).parameters
        assert set(options) == set(signature) - {"self", "params"}, name
        for option, value in options.items():
            if option != "foreach":  # we spell foreach=False once, for the test above
                assert signature[option].default == value, (name, option)


@pytest.mark.parametrize("name", list(CLASSES))
def test_maximize_climbs_where_the_default_descends(name):
    grads = [np.array([0.5, -1.0]), np.array([0.25, -0.5])]
    down = run(CLASSES[name], np.zeros(2), grads, lr=0.1)[-1]
    up = run(CLASSES[name], np.zeros(2), grads, lr=0.1, maximize=True)[-1]
    np.testing.assert_allclose(up, -down, rtol=1e-12)  # from 0, climbing mirrors descending
    assert up[0] > 0 > up[1]  # it moved along +g


def test_rmsprop_centered_divides_by_the_variance():
    # alpha = 0.9, g = 1 twice.  step 1: v = 0.1, a = 0.1, v - a^2 = 0.09
    #                            step 2: v = 0.19, a = 0.19, v - a^2 = 0.1539
    got = run(RMSprop, 0.0, [1.0, 1.0], lr=0.01, alpha=0.9, centered=True)
    assert got[0] == pytest.approx(-0.01 / (0.3 + 1e-8), rel=1e-12)
    assert got[1] == pytest.approx(got[0] - 0.01 / (math.sqrt(0.1539) + 1e-8), rel=1e-12)
    plain = run(RMSprop, 0.0, [1.0], lr=0.01, alpha=0.9)
    assert plain[0] == pytest.approx(-0.01 / (math.sqrt(0.1) + 1e-8), rel=1e-12)
    assert repr(RMSprop([P(1.0)], centered=True)).endswith("momentum=0.0, centered=True)")


def test_amsgrad_keeps_the_largest_second_moment():
    # a large gradient, then small ones: plain Adam's v decays and its steps grow back,
    # AMSGrad divides by the largest v seen, so its steps stay smaller
    grads = [10.0] + [0.1] * 20
    plain = run(Adam, 0.0, grads, lr=0.1, betas=(0.0, 0.9))
    ams = run(Adam, 0.0, grads, lr=0.1, betas=(0.0, 0.9), amsgrad=True)
    assert plain[0] == ams[0]  # the same first step (v_max = v)
    assert abs(ams[-1] - ams[-2]) < abs(plain[-1] - plain[-2]) / 2
    opt = Adam([P(np.ones(2), np.array([3.0, -4.0]))], amsgrad=True)
    opt.step()
    np.testing.assert_allclose(opt.state[0]["max_exp_avg_sq"], 0.001 * np.array([9.0, 16.0]))
    assert repr(opt) == ("Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0, "
                         "amsgrad=True)")


def test_adam_with_decoupled_weight_decay_is_adamw():
    grads = [np.array([0.3, -2.0]), np.array([0.1, 0.5])]
    a = run(Adam, np.ones(2), grads, lr=0.1, weight_decay=0.1, decoupled_weight_decay=True)
    b = run(AdamW, np.ones(2), grads, lr=0.1, weight_decay=0.1)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("cls", [RMSprop, Adam, AdamW, Adagrad])
def test_eps_zero_is_an_error_not_a_nan(cls):
    name = cls.__name__
    with pytest.raises(ValueError, match=rf"{name}: eps must be > 0, got 0\.0: .* 0 / 0 = NaN"):
        cls([P(1.0)], eps=0)


def test_option_errors():
    with pytest.raises(TypeError, match=r"Adam: amsgrad must be True or False, got 'yes' \(str\)"):
        Adam([P(1.0)], amsgrad="yes")
    with pytest.raises(TypeError, match=r"SGD: maximize must be True or False, got 1 \(int\)"):
        SGD([P(1.0)], maximize=1)
    with pytest.raises(TypeError, match=r"RMSprop: centered must be True or False"):
        RMSprop([P(1.0)], centered=None)
    with pytest.raises(ValueError, match=r"Adam: fused=True is a torch implementation choice; "
                                         r"backproplab has one implementation, so leave fused "
                                         r"at its default \(None\)"):
        Adam([P(1.0)], fused=True)
    with pytest.raises(ValueError, match=r"SGD: differentiable=True .* default \(False\)"):
        SGD([P(1.0)], differentiable=True)
    with pytest.raises(TypeError, match=r"Adagrad got an unexpected option amsgrad=True; "
                                        r"see help\(Adagrad\)"):
        Adagrad([P(1.0)], amsgrad=True)
    with pytest.raises(TypeError, match=r"AdamW got an unexpected option decoupled_weight_decay"):
        AdamW([P(1.0)], decoupled_weight_decay=True)


# ---------------------------------------------------------------- zero_grad(set_to_none=...)


def test_zero_grad_set_to_none():
    a = P(np.ones(2), np.array([1.0, 2.0]))
    b = P(np.ones(3), None)
    opt = Adam([a, b])
    opt.zero_grad(set_to_none=True)
    assert a.grad is None and b.grad is None
    opt.step()  # nothing to do: a parameter without a grad is skipped
    assert opt.state == [{}, {}]
    np.testing.assert_array_equal(a.data, 1.0)


def test_zero_grad_default_keeps_zeros_which_still_move_momentum():
    # the one place where the choice matters: a zero gradient still steps with momentum
    p = P(np.array([0.0]), np.array([1.0]))
    opt = SGD([p], lr=0.1, momentum=0.9)
    opt.step()
    opt.zero_grad()
    np.testing.assert_array_equal(p.grad, [0.0])
    opt.step()  # b = 0.9 * 1 + 0 = 0.9
    np.testing.assert_allclose(p.data, [-0.1 - 0.09], rtol=1e-15)
    opt.zero_grad(set_to_none=True)
    opt.step()  # skipped
    np.testing.assert_allclose(p.data, [-0.19], rtol=1e-15)


def test_zero_grad_set_to_none_with_tensors_then_backward():
    tensor = pytest.importorskip("backproplab.tensor")
    w = tensor.Tensor([1.0, -2.0])
    opt = SGD([w], lr=0.1)
    (w * w).sum().backward()
    opt.zero_grad(set_to_none=True)
    assert w.grad is None
    (w * w).sum().backward()  # backward starts a None grad afresh
    np.testing.assert_array_equal(w.grad, [2.0, -4.0])


def test_zero_grad_set_to_none_refuses_values():
    value = pytest.importorskip("backproplab.value")
    x = value.Value(1.0)
    opt = SGD([x], lr=0.1)
    with pytest.raises(TypeError, match=r"SGD.zero_grad\(set_to_none=True\): parameter 0 is a "
                                        r"Value whose grad is a number; .* Use zero_grad\(\)"):
        opt.zero_grad(set_to_none=True)
    assert x.grad == 0.0
    with pytest.raises(TypeError, match=r"SGD: set_to_none must be True or False"):
        opt.zero_grad("yes")
