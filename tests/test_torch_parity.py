"""Both engines against PyTorch in float64: the same forward values and the same
gradients, op by op, broadcasting and the awkward points (ties, kinks, tails) included.
Skipped when PyTorch is not installed."""

import math

import numpy as np
import pytest
from strategies import upstream

from backproplab import Tensor, Value, cross_entropy, log_softmax, softmax
from backproplab.combine import concatenate, stack, where

torch = pytest.importorskip("torch")
F = torch.nn.functional


def ours(f, arrays):
    """Forward value and gradients of every input, for the loss sum(w * f(...))."""
    xs = [Tensor(a) for a in arrays]
    out = f(*xs)
    (out * Tensor(upstream(out.shape), requires_grad=False)).sum().backward()
    return out.data, [x.grad for x in xs]


def theirs(f, arrays):
    xs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out = f(*xs)
    (out * torch.tensor(upstream(tuple(out.shape)))).sum().backward()
    return out.detach().numpy(), [x.grad.numpy() for x in xs]


def assert_same(mine, pytorch, atol=1e-14):
    (out, grads), (out_t, grads_t) = mine, pytorch
    assert out.shape == out_t.shape
    np.testing.assert_allclose(out, out_t, rtol=1e-12, atol=atol)
    for i, (g, g_t) in enumerate(zip(grads, grads_t, strict=True)):
        assert g.shape == g_t.shape
        np.testing.assert_allclose(g, g_t, rtol=1e-12, atol=atol, err_msg=f"input {i}")


def both(f):
    """One function for both libraries, when they spell the op the same way."""
    return f, f


# name: (our f, torch's f, input shapes, "real" or "positive" inputs)
CASES = {
    "row vector + matrix": (*both(lambda a, b: a + b), [(4,), (3, 4)], "real"),
    "column + matrix": (*both(lambda a, b: a + b), [(3, 1), (3, 4)], "real"),
    "scalar + matrix": (*both(lambda a, b: a + b), [(), (3, 4)], "real"),
    "a - b broadcast": (*both(lambda a, b: a - b), [(3, 1, 4), (2, 1)], "real"),
    "a * b broadcast": (*both(lambda a, b: a * b), [(3, 1, 4), (2, 1)], "real"),
    "a / b broadcast": (*both(lambda a, b: a / b), [(2, 3), (3,)], "positive"),
    "numbers on both sides": (
        *both(lambda a: (2.0 - a) * 3 / (1.5 + a) - 4 / a),
        [(2, 3)],
        "positive",
    ),
    "-a": (*both(lambda a: -a), [(2, 3)], "real"),
    "a ** 2": (*both(lambda a: a**2), [(2, 3)], "real"),
    "a ** 3": (*both(lambda a: a**3), [(2, 3)], "real"),
    "a ** -1": (*both(lambda a: a**-1), [(2, 3)], "positive"),
    "a ** 0.5": (*both(lambda a: a**0.5), [(2, 3)], "positive"),
    "a ** -1.5": (*both(lambda a: a**-1.5), [(2, 3)], "positive"),
    "1-D @ 1-D": (*both(lambda a, b: a @ b), [(4,), (4,)], "real"),
    "2-D @ 1-D": (*both(lambda a, b: a @ b), [(3, 4), (4,)], "real"),
    "1-D @ 2-D": (*both(lambda a, b: a @ b), [(4,), (4, 2)], "real"),
    "2-D @ 2-D": (*both(lambda a, b: a @ b), [(3, 4), (4, 2)], "real"),
    "3-D @ 2-D": (*both(lambda a, b: a @ b), [(2, 3, 4), (4, 2)], "real"),
    "4-D @ 3-D": (*both(lambda a, b: a @ b), [(2, 1, 3, 4), (3, 4, 2)], "real"),
    "sum": (*both(lambda a: a.sum()), [(2, 3, 4)], "real"),
    "sum axis 1": (lambda a: a.sum(axis=1), lambda a: a.sum(dim=1), [(2, 3, 4)], "real"),
    "sum axis (0, -1) keepdims": (
        lambda a: a.sum(axis=(0, -1), keepdims=True),
        lambda a: a.sum(dim=(0, -1), keepdim=True),
        [(2, 3, 4)],
        "real",
    ),
    "mean": (*both(lambda a: a.mean()), [(2, 3, 4)], "real"),
    "mean axis -1": (lambda a: a.mean(axis=-1), lambda a: a.mean(dim=-1), [(2, 3, 4)], "real"),
    "max": (lambda a: a.max(), lambda a: torch.amax(a), [(2, 3, 4)], "real"),
    "max axis 1 keepdims": (
        lambda a: a.max(axis=1, keepdims=True),
        lambda a: torch.amax(a, dim=1, keepdim=True),
        [(2, 3, 4)],
        "real",
    ),
    "exp": (lambda a: a.exp(), torch.exp, [(2, 3)], "real"),
    "log": (lambda a: a.log(), torch.log, [(2, 3)], "positive"),
    "tanh": (lambda a: a.tanh(), torch.tanh, [(2, 3)], "real"),
    "sigmoid": (lambda a: a.sigmoid(), torch.sigmoid, [(2, 3)], "real"),
    "relu": (lambda a: a.relu(), torch.relu, [(2, 3)], "real"),
    "reshape": (*both(lambda a: a.reshape(4, -1)), [(2, 3, 2)], "real"),
    "transpose": (
        lambda a: a.transpose(2, 0, 1),
        lambda a: a.permute(2, 0, 1),
        [(2, 3, 4)],
        "real",
    ),
    "T": (lambda a: a.T, lambda a: a.permute(2, 1, 0), [(2, 3, 4)], "real"),
    "slices": (*both(lambda a: a[1:, ::2]), [(3, 4)], "real"),
    "int index": (*both(lambda a: a[1, 2]), [(3, 4)], "real"),
    "repeated rows": (*both(lambda a: a[[0, 2, 0, 0]]), [(3, 4)], "real"),
    "repeated entries": (*both(lambda a: a[[0, 1, 1, 0], [2, 0, 0, 2]]), [(3, 4)], "real"),
    "softmax": (lambda a: softmax(a), lambda a: torch.softmax(a, dim=-1), [(3, 4)], "real"),
    "softmax axis 0": (
        lambda a: softmax(a, axis=0),
        lambda a: torch.softmax(a, dim=0),
        [(3, 4)],
        "real",
    ),
    "log_softmax": (log_softmax, lambda a: torch.log_softmax(a, dim=-1), [(2, 3, 4)], "real"),
    "cross_entropy": (
        lambda a: cross_entropy(a, [3, 0, 3]),
        lambda a: F.cross_entropy(a, torch.tensor([3, 0, 3])),
        [(3, 4)],
        "real",
    ),
    "sqrt": (lambda a: a.sqrt(), torch.sqrt, [(2, 3)], "positive"),
    "abs": (lambda a: a.abs(), torch.abs, [(2, 3)], "real"),
    "clip": (lambda a: a.clip(-0.5, 0.5), lambda a: torch.clamp(a, -0.5, 0.5), [(3, 4)], "real"),
    "clip lo only": (lambda a: a.clip(lo=0.0), lambda a: torch.clamp(a, min=0.0), [(3, 4)],
                     "real"),
    # numpy's default ddof=0 is torch's correction=0; ddof=1 is torch's default
    "var ddof=0": (lambda a: a.var(), lambda a: torch.var(a, correction=0), [(3, 4)], "real"),
    "var ddof=1 (torch default)": (lambda a: a.var(ddof=1), torch.var, [(3, 4)], "real"),
    "var axis 0 keepdims": (
        lambda a: a.var(axis=0, keepdims=True),
        lambda a: torch.var(a, dim=0, correction=0, keepdim=True),
        [(3, 4)],
        "real",
    ),
    "std ddof=0 axis (0, 2)": (
        lambda a: a.std(axis=(0, 2)),
        lambda a: torch.std(a, dim=(0, 2), correction=0),
        [(2, 3, 4)],
        "real",
    ),
    "std ddof=1 axis -1": (
        lambda a: a.std(axis=-1, ddof=1),
        lambda a: torch.std(a, dim=-1),
        [(2, 3, 4)],
        "real",
    ),
    "where": (
        lambda a, b: where(a.data > 0, a, b),
        lambda a, b: torch.where(a > 0, a, b),
        [(3, 4), (4,)],
        "real",
    ),
    "concatenate axis 1": (
        lambda a, b: concatenate([a, b], axis=1),
        lambda a, b: torch.cat([a, b], dim=1),
        [(2, 3), (2, 1)],
        "real",
    ),
    "stack axis -1": (
        lambda a, b: stack([a, b], axis=-1),
        lambda a, b: torch.stack([a, b], dim=-1),
        [(2, 3), (2, 3)],
        "real",
    ),
    "a small network": (
        lambda x, W, b: cross_entropy((x @ W + b).tanh() * 2.0, [1, 0, 1, 1]),
        lambda x, W, b: F.cross_entropy(torch.tanh(x @ W + b) * 2.0, torch.tensor([1, 0, 1, 1])),
        [(4, 3), (3, 2), (2,)],
        "real",
    ),
}


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tensor_op_matches_pytorch(name, seed):
    f, f_torch, shapes, domain = CASES[name]
    rng = np.random.default_rng(seed)
    if domain == "positive":
        arrays = [rng.uniform(0.5, 2.0, size=shape) for shape in shapes]
    else:
        arrays = [rng.normal(size=shape) for shape in shapes]
    assert_same(ours(f, arrays), theirs(f_torch, arrays))


@pytest.mark.parametrize(
    ("f", "f_torch", "data"),
    [
        # ties share the gradient equally, as torch.amax does (torch.max picks one)
        (lambda a: a.max(axis=1), lambda a: torch.amax(a, dim=1), [[1.0, 3, 3], [2, 2, 2]]),
        (lambda a: a.max(), torch.amax, [[1.0, 3, 3], [2, 2, 3]]),
        # the kinks: relu'(0) = 0 in both
        (lambda a: a.relu(), torch.relu, [[0.0, -1.0, 2.0]]),
        # the tails, where a naive formula overflows or loses every digit
        (lambda a: a.sigmoid(), torch.sigmoid, [[-1000.0, -700.0, -40.0, 40.0, 1000.0]]),
        (lambda a: a.tanh(), torch.tanh, [[-1000.0, -20.0, 20.0, 1000.0]]),
        (log_softmax, lambda a: torch.log_softmax(a, dim=-1), [[1e4, 0.0, -1e4], [5.0, 5, 5]]),
        (
            lambda a: cross_entropy(a, [0, 2]),
            lambda a: F.cross_entropy(a, torch.tensor([0, 2])),
            [[1e4, 0.0, -1e4], [0.0, 1e4, 1e4]],
        ),
        # the edges of the new ops: x**0 at 0 is 0 (not NaN), sqrt'(0) = inf, abs'(0) = 0,
        # clamp passes the gradient at its bounds, a masked class in softmax
        (lambda a: a**0, lambda a: a**0, [[0.0, 1.0, -2.0]]),
        (lambda a: a**0.5, lambda a: a**0.5, [[0.0, 1.0, 4.0]]),
        (lambda a: a.sqrt(), torch.sqrt, [[0.0, 1.0, 4.0]]),
        (lambda a: a.abs(), torch.abs, [[0.0, -1.0, 2.0]]),
        (lambda a: a.clip(0.0, 1.0), lambda a: torch.clamp(a, 0.0, 1.0),
         [[-1.0, 0.0, 0.5, 1.0, 2.0]]),
        (softmax, lambda a: torch.softmax(a, dim=-1), [[-np.inf, 0.0, 1.0]]),
    ],
    ids=[
        "max ties axis",
        "max ties all",
        "relu at 0",
        "sigmoid tails",
        "tanh tails",
        "log_softmax huge",
        "cross_entropy huge",
        "x**0 at 0",
        "x**0.5 at 0",
        "sqrt at 0",
        "abs at 0",
        "clip at its bounds",
        "softmax with a masked class",
    ],
)
def test_special_points_match_pytorch(f, f_torch, data):
    arrays = [np.array(data)]
    # no absolute tolerance: out here, tiny numbers (4e-18) must be right relatively too
    assert_same(ours(f, arrays), theirs(f_torch, arrays), atol=0)


# ------------------------------------------------------------------- Value vs torch


def value_and_torch_grads(f, numbers):
    xs = [Value(x) for x in numbers]
    out = f(*xs)
    out.backward()
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in numbers]
    out_t = f(*ts)
    out_t.backward()
    return (out.data, [x.grad for x in xs]), (out_t.item(), [t.grad.item() for t in ts])


VALUE_CASES = {
    "a + b": (lambda a, b: a + b, [1.5, -2.0]),
    "a - b": (lambda a, b: a - b, [1.5, -2.0]),
    "a * b": (lambda a, b: a * b, [1.5, -2.0]),
    "a / b": (lambda a, b: a / b, [1.5, -2.0]),
    "numbers on both sides": (lambda a: (2 - a) * 3 / (1 + a) + 2 / a - a / 4, [0.7]),
    "-a": (lambda a: -a, [1.5]),
    "a ** 3": (lambda a: a**3, [-1.5]),
    "a ** -2": (lambda a: a**-2, [-1.5]),
    "a ** 0.5": (lambda a: a**0.5, [2.5]),
    "a ** b": (lambda a, b: a**b, [2.5, -0.7]),
    "2 ** a": (lambda a: 2**a, [-0.7]),
    "0 ** b": (lambda a, b: a**b, [0.0, 2.0]),  # d/db is 0 in both
    "(-2) ** b, b integer": (lambda a, b: a**b, [-2.0, 3.0]),  # d/db is nan in both
    "exp": (lambda a: a.exp(), [1.3]),
    "log": (lambda a: a.log(), [1.3]),
    "tanh": (lambda a: a.tanh(), [0.4]),
    "sigmoid": (lambda a: a.sigmoid(), [-0.4]),
    "relu": (lambda a: a.relu(), [0.4]),
    "relu at 0": (lambda a: a.relu(), [0.0]),
    "a ** 0 at 0": (lambda a: a**0, [0.0]),  # 0, not NaN, in both
    "a ** 0.5 at 0": (lambda a: a**0.5, [0.0]),  # inf in both
    "sigmoid at -1000": (lambda a: a.sigmoid(), [-1000.0]),
    "sigmoid at -40": (lambda a: a.sigmoid(), [-40.0]),
    "tanh at 1000": (lambda a: a.tanh(), [1000.0]),
    "an expression": (lambda a, b: (a * b + a.exp()).tanh() * (b - 0.5).sigmoid(), [0.3, -1.2]),
}


@pytest.mark.parametrize("name", VALUE_CASES)
def test_value_op_matches_pytorch(name):
    f, numbers = VALUE_CASES[name]
    (out, grads), (out_t, grads_t) = value_and_torch_grads(f, numbers)
    assert out == pytest.approx(out_t, rel=1e-12, abs=1e-300)
    for g, g_t in zip(grads, grads_t, strict=True):
        if math.isnan(g_t):
            assert math.isnan(g)
        else:
            assert g == pytest.approx(g_t, rel=1e-12, abs=1e-300)


def test_argmax_and_comparisons_match_pytorch():
    a = np.array([[1.0, 5.0, 5.0], [4.0, 0.0, 2.0], [-1.0, -1.0, -3.0]])
    x, xt = Tensor(a), torch.tensor(a)
    for axis in (None, 0, 1, -1):
        ours_ = x.argmax() if axis is None else x.argmax(axis=axis)
        theirs_ = xt.argmax() if axis is None else xt.argmax(dim=axis)
        np.testing.assert_array_equal(ours_, theirs_.numpy())  # ties: the first, in both
    for op in ("__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__"):
        np.testing.assert_array_equal(getattr(x, op)(2.0), getattr(xt, op)(2.0).numpy())


def test_value_comparison_matches_a_one_number_torch_tensor():
    for a, b in [(2.0, 2.0), (1.0, 2.0), (3.0, -1.0)]:
        for op in ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"):
            # against a number every comparison is torch's; Value == Value is an error
            # (same number or same node?), so == and != are compared with a number only
            other = b if op in ("__eq__", "__ne__") else Value(b)
            assert getattr(Value(a), op)(other) == bool(
                getattr(torch.tensor(a), op)(torch.tensor(b)))
