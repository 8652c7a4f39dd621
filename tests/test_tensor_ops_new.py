"""Tests for the Tensor ops added for the later lessons: sqrt, abs, clip, var / std,
argmax, where, concatenate / stack and the elementwise comparisons (issue 13).

Each gradient is checked against finite differences on random shapes (float64, hypothesis);
the parity with PyTorch is in test_torch_parity.py. Then the edge points (x**0 at 0, sqrt
at 0, the clip boundary), the absence of numpy warnings in backward, and the bad input.
"""

import re
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import (
    EXPONENTS,
    MAX_SIDE,
    SETTINGS,
    arrays,
    assert_grads_match,
    away_from_zero,
    axes,
    broadcast_pairs,
    distinct_arrays,
    reals,
    shapes,
)

from backproplab import Tensor, cross_entropy, log_softmax, softmax
from backproplab.combine import concatenate, stack, where

# ------------------------------------------------------------ gradients, by hypothesis

# numbers at least 0.1 away from the clip bounds -0.5 and 0.5 (the kinks)
AWAY_FROM_BOUNDS = st.one_of(reals(-2.0, -0.6), reals(-0.4, 0.4), reals(0.6, 2.0))

UNARY = {
    "sqrt": (lambda x: x.sqrt(), np.sqrt, reals(0.5, 2.0)),
    "abs": (lambda x: x.abs(), np.abs, away_from_zero(0.1)),
    "abs()": (lambda x: abs(x), np.abs, away_from_zero(0.1)),
    "clip": (lambda x: x.clip(-0.5, 0.5), lambda a: np.clip(a, -0.5, 0.5), AWAY_FROM_BOUNDS),
    "clip lo only": (lambda x: x.clip(lo=-0.5), lambda a: np.maximum(a, -0.5), AWAY_FROM_BOUNDS),
    "clip hi only": (lambda x: x.clip(hi=0.5), lambda a: np.minimum(a, 0.5), AWAY_FROM_BOUNDS),
}


@pytest.mark.parametrize("name", UNARY)
@SETTINGS
@given(shape=shapes(), data=st.data())
def test_new_unary_op_gradient(name, shape, data):
    f, f_np, elements = UNARY[name]
    a = data.draw(arrays(shape, elements))
    out = f(Tensor(a))
    assert out.shape == a.shape and out.dtype == np.float64
    np.testing.assert_allclose(out.data, f_np(a), rtol=1e-15)
    assert_grads_match(f, Tensor(a, label="a"))


@pytest.mark.parametrize("op", ["var", "std"])
@pytest.mark.parametrize("ddof", [0, 1])
@SETTINGS
@given(shape=shapes(min_dims=1).filter(lambda s: min(s) >= 2), keepdims=st.booleans(),
       data=st.data())
def test_var_and_std_gradient_and_values(op, ddof, shape, keepdims, data):
    a = data.draw(distinct_arrays(shape))  # distinct entries: every std is > 0
    axis = data.draw(axes(len(shape)))
    out = getattr(Tensor(a), op)(axis=axis, ddof=ddof, keepdims=keepdims)
    expected = getattr(np, op)(a, axis=axis, ddof=ddof, keepdims=keepdims)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-14)
    assert_grads_match(lambda x: getattr(x, op)(axis=axis, ddof=ddof, keepdims=keepdims),
                       Tensor(a, label="a"))


def test_var_default_is_numpys_biased_ddof_0():
    x = Tensor([1.0, 2.0, 3.0, 6.0])
    assert x.var().item() == pytest.approx(np.var([1, 2, 3, 6])) == 3.5
    assert x.var(ddof=1).item() == pytest.approx(14 / 3)  # torch.var's default
    assert x.std().item() == pytest.approx(np.sqrt(3.5))
    assert x.std(ddof=1).item() == pytest.approx(np.sqrt(14 / 3))


@SETTINGS
@given(pair=broadcast_pairs, data=st.data())
def test_where_gradient_with_broadcasting(pair, data):
    a = data.draw(arrays(pair[0]))
    b = data.draw(arrays(pair[1]))
    cond_shape = data.draw(st.sampled_from([np.broadcast_shapes(*pair), pair[0], ()]))
    cond = data.draw(hnp.arrays(bool, cond_shape))
    out = where(cond, Tensor(a), Tensor(b))
    np.testing.assert_array_equal(out.data, np.where(cond, a, b))
    assert_grads_match(lambda x, y: where(cond, x, y), Tensor(a, label="a"), Tensor(b, label="b"))


def test_where_sends_the_gradient_to_the_chosen_side():
    a, b = Tensor([1.0, 2.0, 3.0]), Tensor([10.0, 20.0, 30.0])
    out = where(a > 1.5, a, b)
    np.testing.assert_array_equal(out.data, [10.0, 2.0, 3.0])
    (out * Tensor([1.0, 2.0, 3.0], requires_grad=False)).sum().backward()
    np.testing.assert_array_equal(a.grad, [0.0, 2.0, 3.0])
    np.testing.assert_array_equal(b.grad, [1.0, 0.0, 0.0])
    x = Tensor([-1.0, 2.0])
    relu = where(x > 0, x, 0.0)  # a number on one side
    relu.sum().backward()
    np.testing.assert_array_equal((relu.data, x.grad), ([0.0, 2.0], [0.0, 1.0]))


@SETTINGS
@given(shape=shapes(min_dims=1), n=st.integers(1, 3), data=st.data())
def test_concatenate_gradient(shape, n, data):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    pieces = []
    for _ in range(n):
        s = list(shape)
        s[axis] = data.draw(st.integers(1, MAX_SIDE))
        pieces.append(data.draw(arrays(tuple(s))))
    out = concatenate([Tensor(p) for p in pieces], axis=axis)
    np.testing.assert_array_equal(out.data, np.concatenate(pieces, axis=axis))
    tensors = [Tensor(p, label=f"piece {i}") for i, p in enumerate(pieces)]
    assert_grads_match(lambda *xs: concatenate(list(xs), axis=axis), *tensors)


@SETTINGS
@given(shape=shapes(), n=st.integers(1, 3), data=st.data())
def test_stack_gradient(shape, n, data):
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    pieces = [data.draw(arrays(shape)) for _ in range(n)]
    out = stack([Tensor(p) for p in pieces], axis=axis)
    np.testing.assert_array_equal(out.data, np.stack(pieces, axis=axis))
    tensors = [Tensor(p, label=f"piece {i}") for i, p in enumerate(pieces)]
    assert_grads_match(lambda *xs: stack(list(xs), axis=axis), *tensors)


def test_concatenate_and_stack_accept_constants_and_keep_gradients_apart():
    a = Tensor([[1.0, 2.0]])
    out = concatenate([a, np.array([[3.0, 4.0]]), a * 2], axis=0)
    assert out.shape == (3, 2) and out.op == "concatenate"
    (out * Tensor([[1.0, 1.0], [5.0, 5.0], [1.0, 10.0]], requires_grad=False)).sum().backward()
    np.testing.assert_array_equal(a.grad, [[3.0, 21.0]])  # 1 + 2*1, 1 + 2*10
    s = stack([a[0], [7.0, 8.0]], axis=1)
    np.testing.assert_array_equal(s.data, [[1.0, 7.0], [2.0, 8.0]])


# ------------------------------------------------------------- argmax and comparisons


def test_argmax_gives_numpy_ints_like_np_argmax():
    a = np.array([[1.0, 5.0, 5.0], [4.0, 0.0, 2.0]])
    x = Tensor(a)
    assert x.argmax() == 1 and isinstance(x.argmax(), np.integer)  # first of a tie
    np.testing.assert_array_equal(x.argmax(axis=1), [1, 0])
    np.testing.assert_array_equal(x.argmax(axis=-2), [1, 0, 0])
    assert x.argmax(axis=1, keepdims=True).shape == (2, 1)
    assert x.argmax(axis=1).dtype.kind == "i"


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        (lambda x, y: x < y, [True, False, False]),
        (lambda x, y: x <= y, [True, True, False]),
        (lambda x, y: x > y, [False, False, True]),
        (lambda x, y: x >= y, [False, True, True]),
        (lambda x, y: x == y, [False, True, False]),
        (lambda x, y: x != y, [True, False, True]),
        (lambda x, y: x.eq(y), [False, True, False]),
    ],
    ids=["<", "<=", ">", ">=", "==", "!=", "eq"],
)
def test_comparisons_are_elementwise_boolean_arrays(op, expected):
    x, y = Tensor([1.0, 2.0, 3.0]), [2.0, 2.0, 2.0]
    for other in (Tensor(y), np.array(y), 2.0):
        out = op(x, other)
        assert type(out) is np.ndarray and out.dtype == bool
        np.testing.assert_array_equal(out, expected)
    # a number or an array on the left: Python asks the Tensor's reflected comparison
    if "eq" not in repr(op.__code__.co_names):
        for left in (np.array(y), 2.0):
            out = op(left, x)
            assert type(out) is np.ndarray
            np.testing.assert_array_equal(out, op(left, x.data))


def test_comparisons_have_no_gradient_and_tensors_stay_hashable():
    x = Tensor([1.0, -1.0])
    mask = x > 0
    assert isinstance(mask, np.ndarray)  # not part of the graph
    assert len({x, Tensor([1.0, -1.0])}) == 2  # nodes hash by identity
    assert (x == "a") is False  # not comparable: Python's fallback


# -------------------------------------------------------------------- edge points


@pytest.mark.parametrize("k", [0, 0.0])
def test_x_to_the_zero_has_gradient_zero_even_at_zero(k):
    x = Tensor([0.0, 1.0, -2.0])
    (x**k).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])  # torch gives 0, not NaN


def test_gradients_at_zero_match_torchs_conventions():
    x = Tensor([0.0, 4.0])
    x.sqrt().sum().backward()
    np.testing.assert_array_equal(x.grad, [np.inf, 0.25])
    y = Tensor([0.0, -3.0])
    y.abs().sum().backward()
    np.testing.assert_array_equal(y.grad, [0.0, -1.0])
    z = Tensor([-1.0, 0.0, 0.5, 1.0, 2.0])
    z.clip(0.0, 1.0).sum().backward()
    np.testing.assert_array_equal(z.grad, [0.0, 1.0, 1.0, 1.0, 0.0])  # boundary passes


BACKWARD_CASES = {
    "x ** 0 at 0": (lambda x: x**0, [0.0, 1.0]),
    "x ** 0.5 at 0": (lambda x: x**0.5, [0.0, 1.0]),
    "x ** 1.5 at 0": (lambda x: x**1.5, [0.0, 1.0]),
    "x ** 2 at 0": (lambda x: x**2, [0.0, 1.0]),
    "sqrt at 0": (lambda x: x.sqrt(), [0.0, 1.0]),
    "abs at 0": (lambda x: x.abs(), [0.0, -1.0]),
    "clip at the bounds": (lambda x: x.clip(0.0, 1.0), [0.0, 1.0, 2.0]),
    "relu at 0": (lambda x: x.relu(), [0.0, -1.0]),
    "max with ties": (lambda x: x.max(), [2.0, 2.0]),
    "exp of -1000": (lambda x: x.exp(), [-1000.0, 0.0]),
    "sigmoid tails": (lambda x: x.sigmoid(), [-1000.0, 1000.0]),
    "tanh tails": (lambda x: x.tanh(), [-1000.0, 1000.0]),
    "log_softmax huge": (lambda x: log_softmax(x.reshape(1, -1)), [1e4, 0.0, -1e4]),
    "softmax with a -inf": (lambda x: softmax(x.reshape(1, -1)), [-np.inf, 0.0, 1.0]),
    "cross_entropy huge": (lambda x: cross_entropy(x.reshape(1, -1), [2]), [1e4, 0.0, -1e4]),
    "var of a constant": (lambda x: x.var(), [3.0, 3.0]),
    "std, ddof=1": (lambda x: x.std(ddof=1), [1.0, 3.0]),
    "where": (lambda x: where(x > 0, x, 0.0), [1.0, -1.0]),
    "stack": (lambda x: stack([x, x * 2]), [1.0, 0.0]),
    "concatenate": (lambda x: concatenate([x, x]), [1.0, 0.0]),
    "index": (lambda x: x[[0, 0, 1]], [1.0, 0.0]),
}


@pytest.mark.parametrize("name", BACKWARD_CASES)
def test_backward_gives_no_numpy_warning(name):
    f, data = BACKWARD_CASES[name]
    x = Tensor(data)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning (divide, invalid) fails the test
        out = f(x)
        out.backward(np.ones(out.shape))
    assert x.grad.shape == x.shape


@SETTINGS
@given(shape=shapes(), k=st.sampled_from(EXPONENTS), data=st.data())
def test_pow_gradient_needs_no_warning_where_it_is_finite(shape, k, data):
    elements = reals(0.5, 2.0) if not float(k).is_integer() or k < 0 else reals()
    x = Tensor(data.draw(arrays(shape, elements)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (x**k).sum().backward()
    assert np.isfinite(x.grad).all()


# -------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("f", "error", "message"),
    [
        (lambda x: x.sqrt(), ValueError,
         "sqrt: all inputs must be >= 0, but 1 of 3 are negative (smallest -1);"
         " for a norm, square first, or clip at 0"),
        (lambda x: Tensor([np.nan, 1.0]).sqrt(), ValueError,
         "sqrt: 1 of 2 inputs are NaN (not a number); a NaN usually comes from an earlier step"),
        (lambda x: x.clip(2.0, 1.0), ValueError, "clip: lo=2.0 is greater than hi=1.0; swap them"),
        (lambda x: x.clip(), ValueError, "clip: give lo, hi or both (e.g. x.clip(0, 1))"),
        (lambda x: x.clip("0", 1), TypeError, "clip: lo must be a number or None, got '0'"),
        (lambda x: x.clip(0, np.nan), TypeError, "clip: hi must be a number or None, got nan"),
        (lambda x: x.var(ddof=3), ValueError,
         "var: ddof=3 needs more than 3 numbers per variance, got 3; use ddof=0"),
        (lambda x: x.std(ddof=-1), TypeError, "std: ddof must be a whole number >= 0 (0 or 1)"),
        (lambda x: x.var(ddof=0.5), TypeError, "var: ddof must be a whole number >= 0"),
        (lambda x: Tensor(np.zeros((0, 2))).var(axis=0), ValueError,
         "var: the tensor of shape (0, 2) has no entries along axis 0, so there is nothing to"
         " average; check the batch (is it empty?)"),
        (lambda x: Tensor(np.zeros((0, 2))).mean(), ValueError,
         "mean: the tensor of shape (0, 2) has no entries along axis None"),
        (lambda x: x.argmax(axis=(0,)), TypeError, "argmax: axis must be None or one int"),
        (lambda x: x.argmax(axis=1), ValueError, "argmax: axis 1 is out of range for a 1-d"),
        (lambda x: Tensor(np.zeros(0)).argmax(), ValueError,
         "argmax: the tensor is empty, so it has no largest entry"),
    ],
)
def test_new_op_errors(f, error, message):
    with pytest.raises(error, match=re.escape(message)):
        f(Tensor([1.0, -1.0, 2.0]))


@pytest.mark.parametrize(
    ("f", "error", "message"),
    [
        (lambda x: where(x, x, 0.0), TypeError,
         "where: cond must be booleans, got dtype float64; compare first,"
         " e.g. where(x > 0, x, 0.0)"),
        (lambda x: where([True, False], 1.0, 2.0), TypeError, "where: a or b must be a Tensor"),
        (lambda x: where(np.ones((2, 1), bool), x, np.ones(4)), ValueError,
         "where: shapes (2, 1) (cond), (3,) (a) and (4,) (b) cannot be broadcast together"),
        (lambda x: where(x > 0, x, "a"), TypeError, "where: expected a Tensor or numbers, got str"),
        (lambda x: concatenate(x), TypeError,
         "concatenate: expected a list of Tensors, got Tensor; write concatenate([a, b])"),
        (lambda x: concatenate([]), ValueError, "concatenate: the list is empty"),
        (lambda x: concatenate([np.ones(2)]), TypeError, "concatenate: none of the inputs is a"),
        (lambda x: concatenate([x, x.reshape(3, 1)]), ValueError,
         "concatenate: tensor 1 has shape (3, 1), tensor 0 (3,); all shapes must be equal"
         " except along axis 0"),
        (lambda x: concatenate([x, x], axis=1), ValueError,
         "concatenate: axis 1 is out of range for a 1-d tensor"),
        (lambda x: concatenate([x, x], axis=None), TypeError,
         "concatenate: axis must be one int, got None"),
        (lambda x: concatenate([Tensor(1.0), Tensor(2.0)]), ValueError,
         "concatenate: 0-d tensors have no axis to join along; use stack"),
        (lambda x: stack([x, x[:2]]), ValueError,
         "stack: tensor 1 has shape (2,), tensor 0 (3,); stack needs equal shapes"),
        (lambda x: stack([x, x], axis=2), ValueError, "stack: axis 2 is out of range for a 2-d"),
    ],
)
def test_combine_errors(f, error, message):
    with pytest.raises(error, match=re.escape(message)):
        f(Tensor([1.0, -1.0, 2.0]))


def test_float32_stays_float32_in_the_new_ops():
    x = Tensor(np.array([[1.0, 4.0], [9.0, 2.0]], dtype=np.float32))
    for out in (x.sqrt(), x.abs(), x.clip(2, 5), x.var(axis=0), x.std(), where(x > 2, x, 0.0),
                concatenate([x, x]), stack([x, x])):
        assert out.dtype == np.float32
        out.backward(np.ones(out.shape, dtype=np.float32))
        assert x.grad.dtype == np.float32
        x.grad = None
