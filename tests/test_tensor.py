"""Tests for `Tensor`, the numpy engine, with softmax and cross-entropy (lesson 06).

Every op's vector-Jacobian product is checked against finite differences on random
shapes, broadcasting included; then dtypes, copies, `requires_grad`, reflected ops,
`backward(grad=...)`, numerical stability and every error message.
"""

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import (
    EXPONENTS,
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

from backproplab import Tensor, Value, cross_entropy, log_softmax, softmax, unbroadcast


def np_log_softmax(a, axis=-1):
    """The reference: log softmax along `axis`, in plain numpy."""
    shifted = a - a.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def const(a):
    """A tensor that needs no gradient (inputs, targets, weights of a loss)."""
    return Tensor(a, requires_grad=False)


# ------------------------------------------------- every op's gradient, by hypothesis

# name: (f, elements of a, elements of b); f works on Tensors and on ndarrays alike
BINARY = {
    "a + b": (lambda a, b: a + b, reals(), reals()),
    "a - b": (lambda a, b: a - b, reals(), reals()),
    "a * b": (lambda a, b: a * b, reals(), reals()),
    "a / b": (lambda a, b: a / b, reals(), away_from_zero()),
}


@pytest.mark.parametrize("name", BINARY)
@SETTINGS
@given(pair=broadcast_pairs, data=st.data())
def test_binary_op_gradient_with_broadcasting(name, pair, data):
    f, elements_a, elements_b = BINARY[name]
    a = data.draw(arrays(pair[0], elements_a))
    b = data.draw(arrays(pair[1], elements_b))
    out = f(Tensor(a), Tensor(b))
    assert out.shape == np.broadcast_shapes(a.shape, b.shape)
    np.testing.assert_allclose(out.data, f(a, b), rtol=1e-14, atol=1e-15)
    assert_grads_match(f, Tensor(a, label="a"), Tensor(b, label="b"))


@pytest.mark.parametrize("name", BINARY)
@SETTINGS
@given(pair=broadcast_pairs, data=st.data())
def test_binary_op_with_a_constant_on_either_side(name, pair, data):
    # Tensor op ndarray, ndarray op Tensor (reflected), Tensor op number, number op Tensor
    f, elements_a, elements_b = BINARY[name]
    a = data.draw(arrays(pair[0], elements_a))
    b = data.draw(arrays(pair[1], elements_b))
    for const_b in (b, data.draw(elements_b)):
        out = f(Tensor(a), const_b)
        assert isinstance(out, Tensor)
        np.testing.assert_allclose(out.data, f(a, const_b), rtol=1e-14, atol=1e-15)
        assert_grads_match(lambda x, c=const_b: f(x, c), Tensor(a))
    for const_a in (a, data.draw(elements_a)):
        out = f(const_a, Tensor(b))
        assert isinstance(out, Tensor)
        np.testing.assert_allclose(out.data, f(const_a, b), rtol=1e-14, atol=1e-15)
        assert_grads_match(lambda x, c=const_a: f(c, x), Tensor(b))


@SETTINGS
@given(shape=shapes(), k=st.sampled_from(EXPONENTS), data=st.data())
def test_pow_number_gradient(shape, k, data):
    a = data.draw(arrays(shape, away_from_zero() if float(k).is_integer() else reals(0.1, 3.0)))
    np.testing.assert_allclose((Tensor(a) ** k).data, a**k, rtol=1e-14)
    assert_grads_match(lambda x: x**k, Tensor(a))


# name: function of the sizes (batch, m, k, n) giving the two shapes
MATMUL = {
    "1-D . 1-D": lambda b, m, k, n: ((k,), (k,)),
    "2-D @ 1-D": lambda b, m, k, n: ((m, k), (k,)),
    "1-D @ 2-D": lambda b, m, k, n: ((k,), (k, n)),
    "2-D @ 2-D": lambda b, m, k, n: ((m, k), (k, n)),
    "3-D @ 2-D": lambda b, m, k, n: ((b, m, k), (k, n)),
    "3-D @ 3-D": lambda b, m, k, n: ((b, m, k), (b, k, n)),
    "3-D @ 1-D": lambda b, m, k, n: ((b, m, k), (k,)),
    "1-D @ 3-D": lambda b, m, k, n: ((k,), (b, k, n)),
    "4-D @ 3-D": lambda b, m, k, n: ((2, 1, m, k), (b, k, n)),  # batch axes broadcast
}


@pytest.mark.parametrize("case", MATMUL)
@SETTINGS
@given(sizes=st.tuples(*[st.integers(1, 4)] * 4), data=st.data())
def test_matmul_gradient(case, sizes, data):
    shape_a, shape_b = MATMUL[case](*sizes)
    a, b = data.draw(arrays(shape_a)), data.draw(arrays(shape_b))
    out = Tensor(a) @ Tensor(b)
    assert out.shape == (a @ b).shape
    np.testing.assert_allclose(out.data, a @ b, rtol=1e-14, atol=1e-15)
    assert_grads_match(lambda x, y: x @ y, Tensor(a), Tensor(b))
    # with an ndarray on either side: Tensor.__matmul__ and the reflected __rmatmul__
    assert_grads_match(lambda x: x @ b, Tensor(a))
    assert_grads_match(lambda y: a @ y, Tensor(b))


# name: (f, elements, the same function on ndarrays)
UNARY = {
    "neg": (lambda x: -x, reals(), np.negative),
    "exp": (lambda x: x.exp(), reals(), np.exp),
    "log": (lambda x: x.log(), reals(0.1, 5.0), np.log),
    "tanh": (lambda x: x.tanh(), reals(-3.0, 3.0), np.tanh),
    "sigmoid": (lambda x: x.sigmoid(), reals(-5.0, 5.0), lambda a: 1 / (1 + np.exp(-a))),
    "relu": (lambda x: x.relu(), away_from_zero(1e-3, 2.0), lambda a: np.maximum(a, 0)),
}


@pytest.mark.parametrize("name", UNARY)
@SETTINGS
@given(shape=shapes(), data=st.data())
def test_unary_op_gradient(name, shape, data):
    f, elements, on_arrays = UNARY[name]
    a = data.draw(arrays(shape, elements))
    np.testing.assert_allclose(f(Tensor(a)).data, on_arrays(a), rtol=1e-14)
    assert_grads_match(f, Tensor(a))


@pytest.mark.parametrize("name", ["sum", "mean", "max"])
@SETTINGS
@given(shape=shapes(), keepdims=st.booleans(), data=st.data())
def test_reduction_gradient(name, shape, keepdims, data):
    axis = data.draw(axes(len(shape)))
    a = data.draw(distinct_arrays(shape) if name == "max" else arrays(shape))

    def f(x):
        return getattr(x, name)(axis=axis, keepdims=keepdims)

    out = f(Tensor(a))
    expected = getattr(np, name)(a, axis=axis, keepdims=keepdims)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.data, expected, rtol=1e-14, atol=1e-15)
    assert_grads_match(f, Tensor(a))


@SETTINGS
@given(shape=shapes(), data=st.data())
def test_reshape_gradient(shape, data):
    a = data.draw(arrays(shape))
    new = data.draw(st.sampled_from([(-1,), (a.size, 1), (1, -1), shape[::-1], (1, *shape)]))
    out = Tensor(a).reshape(new)
    np.testing.assert_array_equal(out.data, a.reshape(new))
    np.testing.assert_array_equal(Tensor(a).reshape(*new).data, out.data)
    assert_grads_match(lambda x: x.reshape(new), Tensor(a))


@SETTINGS
@given(shape=shapes(), data=st.data())
def test_transpose_gradient(shape, data):
    a = data.draw(arrays(shape))
    perm = tuple(data.draw(st.permutations(range(len(shape)))))
    np.testing.assert_array_equal(Tensor(a).transpose(perm).data, a.transpose(perm))
    np.testing.assert_array_equal(Tensor(a).transpose(*perm).data, a.transpose(perm))
    np.testing.assert_array_equal(Tensor(a).T.data, a.T)
    assert_grads_match(lambda x: x.transpose(perm), Tensor(a))
    assert_grads_match(lambda x: x.T, Tensor(a))


@SETTINGS
@given(shape=shapes(), data=st.data())
def test_basic_indexing_gradient(shape, data):
    # ints, slices (negative steps too), Ellipsis and None, as hypothesis combines them
    a = data.draw(arrays(shape))
    idx = data.draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    np.testing.assert_array_equal(Tensor(a)[idx].data, a[idx])
    assert_grads_match(lambda x: x[idx], Tensor(a))


@SETTINGS
@given(shape=shapes(min_dims=1, max_dims=2), data=st.data())
def test_integer_array_indexing_adds_up_repeated_picks(shape, data):
    a = data.draw(arrays(shape))
    n = shape[0]
    rows = np.array(data.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=8)))
    np.testing.assert_array_equal(Tensor(a)[rows].data, a[rows])
    assert_grads_match(lambda x: x[rows], Tensor(a))
    # d sum(x[rows]) / dx counts how often each row was picked
    x = Tensor(a)
    x[rows].sum().backward()
    counts = np.bincount(rows % n, minlength=n).reshape((n,) + (1,) * (len(shape) - 1))
    np.testing.assert_array_equal(x.grad, np.broadcast_to(counts, shape))


@SETTINGS
@given(shape=shapes(min_dims=2, max_dims=2), data=st.data())
def test_paired_integer_arrays_index_single_entries(shape, data):
    a = data.draw(arrays(shape))
    picks = st.lists(st.tuples(st.integers(0, shape[0] - 1), st.integers(0, shape[1] - 1)))
    rows, cols = np.array(data.draw(picks.filter(len)), dtype=np.int64).T
    assert_grads_match(lambda x: x[rows, cols], Tensor(a))
    x = Tensor(a)
    x[rows, cols].sum().backward()
    counts = np.zeros(shape)
    for r, c in zip(rows, cols, strict=True):
        counts[r, c] += 1
    np.testing.assert_array_equal(x.grad, counts)


def test_indexing_examples():
    x = Tensor([1.0, 2.0, 3.0])
    x[[0, 0, 2, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 0.0, 1.0])
    x = Tensor([1.0, 2.0, 3.0])
    x[Tensor([2, 2])].sum().backward()  # a Tensor of indices works too
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 2.0])
    m = Tensor([[1.0, 2.0], [3.0, 4.0]])
    m[np.array([[True, False], [True, True]])].sum().backward()  # a boolean mask
    np.testing.assert_array_equal(m.grad, [[1.0, 0.0], [1.0, 1.0]])


@SETTINGS
@given(shape=shapes(min_dims=1), data=st.data())
def test_softmax_and_log_softmax_gradient(shape, data):
    a = data.draw(arrays(shape, reals(-5.0, 5.0)))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    expected = np_log_softmax(a, axis)
    np.testing.assert_allclose(log_softmax(Tensor(a), axis=axis).data, expected, atol=1e-13)
    np.testing.assert_allclose(softmax(Tensor(a), axis=axis).data, np.exp(expected), atol=1e-14)
    assert_grads_match(lambda x: log_softmax(x, axis=axis), Tensor(a))
    assert_grads_match(lambda x: softmax(x, axis=axis), Tensor(a))


@SETTINGS
@given(n=st.integers(1, 4), c=st.integers(1, 4), data=st.data())
def test_cross_entropy_gradient(n, c, data):
    a = data.draw(arrays((n, c), reals(-5.0, 5.0)))
    t = np.array(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    expected = -np_log_softmax(a, 1)[np.arange(n), t].mean()
    loss = cross_entropy(Tensor(a), t)
    assert loss.shape == ()
    assert loss.item() == pytest.approx(expected, rel=1e-13, abs=1e-15)
    assert_grads_match(lambda x: cross_entropy(x, t), Tensor(a))
    # the textbook gradient: (softmax - one_hot) / n
    x = Tensor(a)
    cross_entropy(x, t).backward()
    one_hot = np.eye(c)[t]
    np.testing.assert_allclose(x.grad, (np.exp(np_log_softmax(a)) - one_hot) / n, atol=1e-15)
    # targets as a list or a Tensor give the same loss
    assert cross_entropy(Tensor(a), list(t)).item() == loss.item()
    assert cross_entropy(Tensor(a), const(t)).item() == loss.item()


@SETTINGS
@given(a=arrays((3, 4)), b=arrays((4, 2)), c=arrays((2,)), data=st.data())
def test_a_small_network_gradient(a, b, c, data):
    targets = np.array(data.draw(st.lists(st.integers(0, 1), min_size=3, max_size=3)))

    def f(x, W, bias):
        return cross_entropy((x @ W + bias).tanh() * 3.0, targets) + (W**2).mean() * 0.1

    assert_grads_match(f, Tensor(a), Tensor(b), Tensor(c))


# ------------------------------------------------------------------ dtypes and copies


def test_lists_numbers_and_ints_become_float64():
    assert Tensor([1, 2]).dtype == np.float64
    assert Tensor(3).dtype == np.float64 and Tensor(3).shape == ()
    assert Tensor(2.5).dtype == np.float64
    assert Tensor(np.arange(3)).dtype == np.float64
    assert Tensor(np.ones(2, dtype=np.float16)).dtype == np.float64
    assert Tensor([1, 2], dtype=np.float32).dtype == np.float32
    assert Tensor(np.ones(2, dtype=np.float32), dtype=np.float64).dtype == np.float64


def test_data_is_copied():
    a = np.array([1.0, 2.0])
    t = Tensor(a)
    a[0] = 5.0
    assert t.data[0] == 1.0
    a32 = np.ones(2, dtype=np.float32)
    t32 = Tensor(a32)
    a32[0] = 5.0
    assert t32.data[0] == 1.0


# ops on a float32 matrix x of shape (2, 3) that must stay float32
FLOAT32_OPS = {
    "x * 2.0": lambda x: x * 2.0,
    "2 * x": lambda x: 2 * x,
    "x + 1": lambda x: x + 1,
    "1 - x": lambda x: 1 - x,
    "x / 3": lambda x: x / 3,
    "3 / x": lambda x: 3 / x,
    "x / np.float64(3)": lambda x: x / np.float64(3.0),
    "x ** 2": lambda x: x**2,
    "x ** 0.5": lambda x: x**0.5,
    "x ** np.float64(2)": lambda x: x ** np.float64(2.0),
    "-x": lambda x: -x,
    "x * float64 ndarray": lambda x: x * np.full(3, 0.5),
    "float64 ndarray - x": lambda x: np.full((2, 3), 0.5) - x,
    "x @ float64 ndarray": lambda x: x @ np.ones((3, 2)),
    "x @ x.T": lambda x: x @ x.T,
    "exp": lambda x: x.exp(),
    "log": lambda x: x.log(),
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "relu": lambda x: x.relu(),
    "sum": lambda x: x.sum(),
    "mean(axis=0)": lambda x: x.mean(axis=0),
    "max(axis=1)": lambda x: x.max(axis=1),
    "reshape": lambda x: x.reshape(-1),
    "T": lambda x: x.T,
    "index": lambda x: x[[0, 0], 1:],
    "softmax": lambda x: softmax(x),
    "log_softmax": lambda x: log_softmax(x),
    "cross_entropy": lambda x: cross_entropy(x, [0, 2]),
}


@pytest.mark.parametrize("name", FLOAT32_OPS)
def test_float32_stays_float32_through_ops_and_gradients(name):
    x = Tensor(np.array([[0.5, 1.0, 2.0], [1.5, 0.25, 3.0]], dtype=np.float32))
    out = FLOAT32_OPS[name](x)
    assert out.dtype == np.float32
    out.sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.shape == (2, 3)


def test_mixed_float32_and_float64_tensors():
    # numpy's promotion: the result is float64, but each gradient has its input's dtype
    x32, y64 = Tensor(np.ones(3, dtype=np.float32)), Tensor([1.0, 2.0, 3.0])
    out = (x32 * y64).sum()
    assert out.dtype == np.float64
    out.backward()
    assert x32.grad.dtype == np.float32 and y64.grad.dtype == np.float64
    np.testing.assert_array_equal(x32.grad, [1.0, 2.0, 3.0])


def test_zero_d_tensors():
    for dtype in (np.float64, np.float32):
        x = Tensor(2.0, dtype=dtype)
        y = x * x
        y.backward()
        assert (y.shape, x.grad.shape, x.grad.dtype, x.grad) == ((), (), dtype, 4.0)


# ------------------------------------------------------------------------ the graph


def test_a_new_tensor():
    x = Tensor([[1.0, 2.0]], label="x")
    assert (x.shape, x.ndim, x.size, x.dtype) == ((1, 2), 2, 2, np.float64)
    assert x.grad is None and x.requires_grad is True
    assert (x.label, x.op, x.parents, x.vjps) == ("x", "", (), ())


def test_an_op_records_parents_and_vjps():
    a, b = Tensor([1.0, 2.0]), Tensor([3.0, 4.0])
    c = a * b
    assert c.op == "*" and c.parents[0] is a and c.parents[1] is b and len(c.vjps) == 2
    assert (c.label, c.grad, c.requires_grad) == ("", None, True)
    np.testing.assert_array_equal(c.vjps[0](np.ones(2)), [3.0, 4.0])  # d(a*b)/da = b


@pytest.mark.parametrize(
    ("f", "op"),
    [
        (lambda x: x + 1, "+"),
        (lambda x: x * x, "*"),
        (lambda x: x**2, "**2"),
        (lambda x: x**0.5, "**0.5"),
        (lambda x: x @ x, "@"),
        (lambda x: x.sum(), "sum"),
        (lambda x: x.max(), "max"),
        (lambda x: x.exp(), "exp"),
        (lambda x: x.log(), "log"),
        (lambda x: x.tanh(), "tanh"),
        (lambda x: x.sigmoid(), "sigmoid"),
        (lambda x: x.relu(), "relu"),
        (lambda x: x.reshape(3, 1), "reshape"),
        (lambda x: x.T, "T"),
        (lambda x: x[1:], "index"),
        (lambda x: log_softmax(x), "log_softmax"),
        (lambda x: softmax(x), "exp"),  # composed: exp(log_softmax(x))
        (lambda x: x.mean(), "*"),  # composed: sum * (1/n)
        (lambda x: x - 1, "+"),  # composed: x + (-1)
    ],
)
def test_op_names(f, op):
    assert f(Tensor([1.0, 2.0, 3.0])).op == op


def test_requires_grad_false():
    x, y = const([1.0, 2.0]), const([3.0, 4.0])
    out = x * y + x
    assert out.requires_grad is False and out.parents == () and out.vjps == ()
    assert out.op == "+"  # still named, but not part of any graph
    with pytest.raises(RuntimeError, match="does not depend on anything with requires_grad"):
        out.sum().backward()
    w = Tensor([0.5, -1.0])
    (w * x).sum().backward()
    assert x.grad is None
    np.testing.assert_array_equal(w.grad, x.data)
    assert w.detach().requires_grad is False


def test_gradient_shapes_match_data_shapes_under_broadcasting():
    W, b, x = Tensor(np.ones((3, 2))), Tensor(np.zeros(2)), const(np.ones((4, 3)))
    col, s = Tensor(np.ones((4, 1))), Tensor(2.0)
    ((x @ W + b) * col * s).mean().backward()
    for p in (W, b, col, s):
        assert p.grad.shape == p.shape
    np.testing.assert_allclose(b.grad, [1.0, 1.0])  # 4 rows * col 1 * s 2 / 8 numbers


def test_reflected_ops_with_ndarrays():
    x = Tensor([[1.0, 2.0], [3.0, 4.0]])
    m = np.array([[1.0, 0.0], [2.0, 1.0]])
    for out in (m * x, m @ x, m + x, m - x, m / x):
        assert isinstance(out, Tensor)
    (m @ x).sum().backward()
    np.testing.assert_array_equal(x.grad, m.T @ np.ones((2, 2)))


def test_backward_with_an_explicit_gradient():
    x = Tensor([1.0, 2.0, 3.0])
    y = x * x
    y.backward(grad=np.array([1.0, 0.0, -1.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, -6.0])  # g * 2x
    np.testing.assert_array_equal(y.grad, [1.0, 0.0, -1.0])


def test_backward_twice_accumulates_leaves_like_pytorch():
    x = Tensor([1.0, -2.0])
    h = x.tanh()
    loss = (h * 3.0).sum()
    loss.backward()
    once_x, once_h = x.grad.copy(), h.grad.copy()
    loss.backward()
    np.testing.assert_array_equal(x.grad, 2 * once_x)  # leaves add up
    np.testing.assert_array_equal(h.grad, once_h)  # inner nodes hold this call's gradient
    np.testing.assert_array_equal(once_h, [3.0, 3.0])


def test_reusing_a_tensor_adds_up_its_gradients():
    a = Tensor([1.0, 2.0])
    (a + a).sum().backward()
    np.testing.assert_array_equal(a.grad, [2.0, 2.0])


def test_max_shares_the_gradient_between_ties():
    x = Tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    x.max(axis=1).sum().backward()
    np.testing.assert_allclose(x.grad, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    x = Tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    x.max().backward()
    np.testing.assert_array_equal(x.grad, [[0, 0.5, 0.5], [0, 0, 0]])


def test_unbroadcast():
    g = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(unbroadcast(g, (4,)), g.sum(axis=0))
    np.testing.assert_array_equal(unbroadcast(g, (3, 1)), g.sum(axis=1, keepdims=True))
    np.testing.assert_array_equal(unbroadcast(g, (1, 4)), g.sum(axis=0, keepdims=True))
    assert unbroadcast(g, ()) == g.sum()
    assert unbroadcast(g, (3, 4)) is g
    g3 = np.ones((3, 2, 4))  # from (3, 1, 4) * (2, 1)
    assert unbroadcast(g3, (3, 1, 4)).shape == (3, 1, 4)
    np.testing.assert_array_equal(unbroadcast(g3, (2, 1)), np.full((2, 1), 12.0))


def test_item_detach_and_repr():
    assert Tensor([[2.5]]).item() == 2.5 and type(Tensor([[2.5]]).item()) is float
    x = Tensor([1.0, 2.5], label="x")
    d = x.detach()
    assert d.requires_grad is False and d.label == "x" and d.data is not x.data
    assert repr(x) == "Tensor([1. , 2.5], label='x')"
    assert repr(Tensor(np.ones(2, dtype=np.float32))) == "Tensor([1., 1.], dtype=float32)"
    assert repr(Tensor(np.arange(30.0))) == "Tensor([ 0.,  1.,  2., ..., 27., 28., 29.])"


# ---------------------------------------------------------------- numerical stability


def test_cross_entropy_of_huge_logits_is_finite():
    logits = Tensor([[1e4, 0.0, -1e4], [0.0, 1e4, 1e4]])
    loss = cross_entropy(logits, [0, 2])
    loss.backward()
    # row 0 is certain and right: loss 0; row 1 splits 50/50: loss log 2
    assert loss.item() == pytest.approx(np.log(2) / 2, rel=1e-15)
    np.testing.assert_allclose(logits.grad, [[0, 0, 0], [0, 0.25, -0.25]], atol=1e-300)


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_sigmoid_and_tanh_saturate_without_nan(name):
    x = Tensor([-1e308, -1000.0, 1000.0, 1e308])
    out = getattr(x, name)()
    out.sum().backward()
    low = 0.0 if name == "sigmoid" else -1.0
    np.testing.assert_array_equal(out.data, [low, low, 1.0, 1.0])
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0, 0.0])


def test_sigmoid_keeps_its_relative_precision_far_out():
    # sigmoid(-40) = 4.25e-18 is a perfectly good float64; log(sigmoid(x)) must work
    x = np.array([-40.0, -700.0])
    np.testing.assert_allclose(Tensor(x).sigmoid().data, 1 / (1 + np.exp(-x)), rtol=1e-14)
    assert np.isfinite(Tensor(x).sigmoid().log().data).all()


@SETTINGS
@given(a=arrays(shapes(min_dims=2, max_dims=2), reals(-1000.0, 1000.0)))
def test_softmax_rows_sum_to_one(a):
    p = softmax(Tensor(a))
    assert np.isfinite(p.data).all() and (p.data >= 0).all()
    np.testing.assert_allclose(p.data.sum(axis=-1), 1.0, rtol=1e-14)
    assert np.isfinite(log_softmax(Tensor(a)).data).all()


def test_dividing_by_zero_is_an_error_like_value_and_python():
    # Tensor / Tensor(0), Tensor / 0 and Value / 0 all raise ZeroDivisionError alike
    divide = "(division by zero); check the value you divide by"
    with pytest.raises(ZeroDivisionError, match=re.escape(
            "pow: 1 of 2 entries are 0.0, and 0.0 ** -1.0 is undefined " + divide)):
        Tensor([1.0, 2.0]) / Tensor([0.0, 1.0])
    with pytest.raises(ZeroDivisionError, match=re.escape("pow: 1 of 1 entries are 0.0")):
        Tensor([0.0]) ** -1
    with pytest.raises(ZeroDivisionError, match=re.escape("div: x / 0 is undefined " + divide)):
        Tensor([1.0]) / 0
    with pytest.raises(ZeroDivisionError, match=re.escape(
            "pow: 0.0 ** -1.0 is undefined " + divide)):
        Value(1.0) / 0
    with pytest.raises(ZeroDivisionError, match=re.escape(divide)):
        Value(1.0) / Value(0.0)
    np.testing.assert_array_equal((Tensor([0.0, 4.0]) ** 0.5).data, [0.0, 2.0])  # 0 ** k > 0 fine


# ----------------------------------------------------------------------------- errors


def test_matmul_shape_error():
    message = "matmul: (3, 4) @ (5, 2): inner dimensions 4 and 5 differ"
    with pytest.raises(ValueError, match=re.escape(message)):
        Tensor(np.ones((3, 4))) @ Tensor(np.ones((5, 2)))
    with pytest.raises(ValueError, match=re.escape("matmul: (3,) @ (2,): inner dimensions 3")):
        Tensor(np.ones(3)) @ np.ones(2)
    with pytest.raises(ValueError, match=re.escape("matmul: (3,) @ (): a 0-d tensor cannot")):
        Tensor(np.ones(3)) @ Tensor(2.0)


BROADCAST = (
    "{op}: shapes {a} and {b} cannot be broadcast together; from the right, each pair of"
    " dimensions must be equal or 1 (try .reshape or .T)"
)


@pytest.mark.parametrize(
    ("f", "op"),
    [
        (lambda a, b: a + b, "add"),
        (lambda a, b: a - b, "add"),  # composed: a + (-b)
        (lambda a, b: a * b, "mul"),
        (lambda a, b: a / b, "mul"),  # composed: a * b**-1
        (lambda a, b: a * b.data, "mul"),  # with an ndarray
    ],
)
def test_broadcasting_error_names_the_op_and_both_shapes(f, op):
    message = BROADCAST.format(op=op, a=(3, 4), b=(5, 2))
    with pytest.raises(ValueError, match=re.escape(message)):
        f(Tensor(np.ones((3, 4))), Tensor(np.ones((5, 2))))


def test_batched_matmul_error_names_both_shapes():
    message = BROADCAST.format(op="matmul", a=(2, 3, 4), b=(5, 4, 2))
    with pytest.raises(ValueError, match=re.escape(message)):
        Tensor(np.ones((2, 3, 4))) @ Tensor(np.ones((5, 4, 2)))


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        ([[1, 2], [3]], ValueError, "Tensor(...): the nested lists have different lengths"),
        ("a", TypeError, "Tensor(...) needs numbers, got 'a'"),
        (None, TypeError, "Tensor(...) needs numbers, got None"),
        ([1, "a"], TypeError, "Tensor(...) needs real numbers, got dtype <U21"),
        ([1j], TypeError, "Tensor(...) needs real numbers, got dtype complex128"),
    ],
)
def test_tensor_rejects_bad_data(data, error, message):
    with pytest.raises(error, match=re.escape(message)):
        Tensor(data)


def test_tensor_rejects_a_tensor_and_integer_dtypes():
    with pytest.raises(TypeError, match=re.escape("Tensor(...) got a Tensor; use it directly")):
        Tensor(Tensor([1.0]))
    with pytest.raises(TypeError, match="dtype must be float32 or float64, got <class 'numpy.int"):
        Tensor([1, 2], dtype=np.int32)


def test_ops_with_non_numbers_raise_type_error():
    with pytest.raises(TypeError, match="unsupported operand"):
        Tensor([1.0]) + "a"
    with pytest.raises(TypeError, match="unsupported operand"):
        Tensor([1.0]) ** Tensor([2.0])  # exponents are numbers


@pytest.mark.parametrize(
    "f",
    [
        lambda x, v: x * v,
        lambda x, v: v * x,
        lambda x, v: x + v,
        lambda x, v: v + x,
        lambda x, v: x - v,
        lambda x, v: v - x,
        lambda x, v: x / v,
        lambda x, v: v / x,
        lambda x, v: x @ v,
        lambda x, v: x**v,
        lambda x, v: v**x,
    ],
)
def test_mixing_tensor_and_value_is_a_type_error(f):
    # (not a RecursionError from the two reflected methods calling each other)
    with pytest.raises(TypeError, match="unsupported operand type.*'(Tensor|Value)'"):
        f(Tensor([1.0, 2.0]), Value(2.0))


@pytest.mark.parametrize("data", [[1.0, 0.0], [1.0, -2.0]])
def test_log_of_non_positive_numbers(data):
    smallest = min(data)
    message = (
        f"log: all inputs must be positive, but 1 of 2 are <= 0 (smallest {smallest:.4g});"
        " for probabilities use log_softmax or add an epsilon"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        Tensor(data).log()


def test_negative_base_to_a_non_integer_power():
    message = (
        "pow: a negative base (smallest -2) to the non-integer power 0.5 is not a real number;"
        " make the base positive first"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        Tensor([1.0, -2.0]) ** 0.5
    np.testing.assert_array_equal((Tensor([1.0, -2.0]) ** 3).data, [1.0, -8.0])


def test_reshape_error():
    message = (
        "reshape: cannot reshape (6,) (6 numbers) into (4, 2); the new shape must hold the"
        " same number of elements"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        Tensor(np.ones(6)).reshape(4, 2)
    with pytest.raises(ValueError, match=re.escape("into (4, 2)")):
        Tensor(np.ones(6)).reshape((4, 2))


@pytest.mark.parametrize(
    ("f", "message"),
    [
        (lambda x: x.sum(axis=2), "sum: axis 2 is out of range for a 2-d tensor"),
        (lambda x: x.sum(axis=(0, 5)), "sum: axis (0, 5) is out of range for a 2-d tensor"),
        (lambda x: x.max(axis=-3), "max: axis -3 is out of range for a 2-d tensor"),
        (lambda x: x.mean(axis=2), "mean: axis 2 is out of range for a 2-d tensor"),
        (lambda x: x.var(axis=(0, 3)), "var: axis (0, 3) is out of range for a 2-d tensor"),
        (lambda x: x.mean(axis=[0, 5]), "mean: axis (0, 5) is out of range for a 2-d tensor"),
        (lambda x: x.sum(axis=(0, -2)), "sum: axis (0, -2) names the same axis twice"),
        (lambda x: x.max(axis=(1, 1)), "max: axis (1, 1) names the same axis twice"),
    ],
)
def test_axis_errors(f, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        f(Tensor(np.ones((2, 3))))


@pytest.mark.parametrize("op", ["sum", "mean", "max", "var", "std", "argmax"])
@pytest.mark.parametrize("axis", [1.0, True, "0"])
def test_an_axis_that_is_not_an_int_names_the_op(op, axis):
    message = f"{op}: axis must be an int or a tuple of ints, got {axis!r}"
    with pytest.raises(TypeError, match=re.escape(message)):
        getattr(Tensor(np.ones((2, 3))), op)(axis=axis)


def test_a_list_of_axes_works_like_a_tuple():
    x = Tensor(np.arange(24.0).reshape(2, 3, 4))
    for op in ("sum", "mean", "max", "var"):
        np.testing.assert_array_equal(getattr(x, op)(axis=[0, 2]).data,
                                      getattr(x, op)(axis=(0, 2)).data)


def test_other_shape_errors():
    with pytest.raises(ValueError, match=re.escape("transpose: axes (0, 0) are not a perm")):
        Tensor(np.ones((2, 3))).transpose(0, 0)
    with pytest.raises(IndexError, match=re.escape("index 5 is out of bounds for axis 0 with")):
        Tensor(np.ones(3))[5]
    with pytest.raises(IndexError, match=re.escape("(tensor shape (3,))")):
        Tensor(np.ones(3))[5]
    with pytest.raises(ValueError, match=re.escape("item: the tensor has shape (2, 3), not a")):
        Tensor(np.ones((2, 3))).item()
    with pytest.raises(ValueError, match="max: the tensor is empty, so it has no maximum"):
        Tensor(np.ones((0, 3))).max()


def test_backward_errors():
    message = (
        "backward: the tensor has shape (3,), so backward() needs grad=... of that shape;"
        " for a loss, reduce it first (.sum() or .mean())"
    )
    with pytest.raises(RuntimeError, match=re.escape(message)):
        (Tensor(np.ones(3)) * 2).backward()
    with pytest.raises(ValueError, match=re.escape("backward: grad has shape (2,), tensor (3,)")):
        (Tensor(np.ones(3)) * 2).backward(grad=np.ones(2))


@pytest.mark.parametrize(
    ("targets", "error", "message"),
    [
        ([0, 3], ValueError, "targets must be class indices 0..2, got values from 0 to 3"),
        ([-1, 0], ValueError, "targets must be class indices 0..2, got values from -1 to 0"),
        ([0, 1, 2], ValueError, "targets must have shape (2,) to match logits (2, 3), got (3,)"),
        ([[0, 1]], ValueError, "targets must have shape (2,) to match logits (2, 3), got (1, 2)"),
        ([0.5, 1.0], ValueError, "targets must be whole numbers (class indices), got array([0.5"),
        (["a", "b"], TypeError, "targets must be integer class indices, got dtype <U1"),
    ],
)
def test_cross_entropy_bad_targets(targets, error, message):
    with pytest.raises(error, match=re.escape("cross_entropy: " + message)):
        cross_entropy(Tensor(np.ones((2, 3))), targets)


def test_cross_entropy_accepts_whole_floats_and_checks_logits():
    assert cross_entropy(Tensor(np.zeros((2, 3))), [0.0, 2.0]).item() == pytest.approx(np.log(3))
    with pytest.raises(ValueError, match=re.escape("logits must have shape (batch, n_classes)")):
        cross_entropy(Tensor(np.ones(3)), [0])
    with pytest.raises(TypeError, match=re.escape("expected a Tensor, got ndarray; wrap it")):
        cross_entropy(np.ones((2, 3)), [0, 1])
