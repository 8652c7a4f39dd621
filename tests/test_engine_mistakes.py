"""Nothing silently wrong in the engines (issue 12): a learner's mistakes with `Value`,
`Tensor`, softmax and cross-entropy get a clear error with exact words, or a right answer;
never a wrong number. The healthy paths next to each check are tested too.
"""

import math
import re

import numpy as np
import pytest

from backproplab import Tensor, Value, cross_entropy, log_softmax, softmax, topological_sort
from backproplab.nn import MLP
from backproplab.optim import SGD, Adam

# ------------------------------------------ changing .data between forward and backward


def test_changing_data_in_place_after_forward_keeps_the_gradient_of_that_forward():
    x = Tensor([1.0, 2.0, 3.0])
    y = (x * x).sum()
    x.data[0] = 10.0  # the learner changes x between forward and backward
    y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0, 6.0])  # d(sum x**2)/dx at the forward's x
    np.testing.assert_array_equal(x.data, [10.0, 2.0, 3.0])  # and x did change
    x.grad = None
    (x * x).sum().backward()  # a fresh forward uses the new numbers
    np.testing.assert_array_equal(x.grad, [20.0, 4.0, 6.0])


def test_augmented_assignment_to_data_after_forward():
    w = Tensor([1.0, -2.0])
    loss = (w * Tensor([3.0, 4.0], requires_grad=False)).exp().sum()
    expected = np.array([3.0 * np.exp(3.0), 4.0 * np.exp(-8.0)])
    w.data += 5.0
    w.data *= 2.0
    loss.backward()
    np.testing.assert_allclose(w.grad, expected, rtol=1e-15)
    np.testing.assert_array_equal(w.data, [12.0, 6.0])


def test_changing_an_op_output_or_a_view_in_place_does_not_reach_the_graph():
    x = Tensor([0.0, 1.0])
    e = x.exp()  # the vjp of exp reads its own output
    loss = (e * 3.0).sum()
    e.data[...] = 100.0
    loss.backward()
    np.testing.assert_allclose(x.grad, 3.0 * np.exp([0.0, 1.0]), rtol=1e-15)
    a = Tensor([1.0, 2.0, 3.0])
    col = a.reshape(3, 1)  # a view of a's numbers
    loss = (col * col).sum()
    a.data[1] = 50.0
    col.data[2] = 70.0
    loss.backward()
    np.testing.assert_array_equal(a.grad, [2.0, 4.0, 6.0])


def test_your_own_numpy_array_stays_yours():
    X = np.array([[1.0, 2.0]])
    w = Tensor([[3.0], [4.0]])
    loss = (X @ w).sum()  # an ndarray operand is copied, as Tensor(X) would be
    X[0, 0] = 5.0  # still writable
    assert X.flags.writeable
    loss.backward()
    np.testing.assert_array_equal(w.grad, [[1.0], [2.0]])


def test_an_optimizer_between_steps_and_a_fresh_forward_work():
    rng = np.random.default_rng(0)
    X = Tensor(rng.normal(size=(8, 2)), requires_grad=False)
    y = (X.data[:, 0] > 0).astype(int)
    for opt_class in (SGD, Adam):
        model = MLP(2, [4], 2, seed=0)
        opt = opt_class(model.parameters(), lr=0.1)
        losses = []
        for _ in range(20):
            loss = cross_entropy(model(X), y)
            model.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        assert losses[-1] < losses[0]
    # the same steps by hand, in place: p.data -= lr * p.grad after backward
    model = MLP(2, [4], 2, seed=0)
    first = None
    for _ in range(20):
        loss = cross_entropy(model(X), y)
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= 0.1 * p.grad
        first = loss.item() if first is None else first
    assert cross_entropy(model(X), y).item() < first


def test_a_finite_difference_by_hand_after_a_forward_pass():
    # lesson 06 nudges W.data[k, j] in place after W has been used
    X, W = Tensor([[1.0, 2.0]], requires_grad=False), Tensor([[0.5], [-1.0]])
    loss = (X @ W).sum()
    loss.backward()
    old = W.data[1, 0]
    W.data[1, 0] = old + 1e-6
    up = (X @ W).item()
    W.data[1, 0] = old - 1e-6
    down = (X @ W).item()
    W.data[1, 0] = old
    assert (up - down) / 2e-6 == pytest.approx(W.grad[1, 0]) == 2.0


def test_data_must_stay_a_float_array():
    t = Tensor([1.0, 2.0])
    with pytest.raises(TypeError, match=re.escape(
            "Tensor.data must be a numpy array, got list; write t.data = np.array(...)")):
        t.data = [1.0, 2.0]
    with pytest.raises(TypeError, match=re.escape(
            "Tensor.data must hold float32 or float64 numbers, got dtype int64")):
        t.data = np.array([1, 2])
    t.data = np.array([3.0, 4.0])
    t.data = np.float64(2.0)  # a numpy number becomes a 0-d array
    assert t.shape == ()


# ----------------------------------------------------------------- gradients own their array


def test_leaf_gradients_are_separate_arrays():
    x, y = Tensor([1.0, 2.0]), Tensor([3.0, 4.0])
    (x + y).sum().backward()
    assert x.grad is not y.grad
    x.grad *= 0.0  # clipping or zeroing one gradient in place leaves the other alone
    np.testing.assert_array_equal(y.grad, [1.0, 1.0])
    g = np.array([1.0, 1.0])
    a = Tensor([1.0, 2.0])
    a.backward(grad=g)
    g[0] = 7.0
    np.testing.assert_array_equal(a.grad, [1.0, 1.0])


# ------------------------------------------------------------------- grads set by hand


def test_value_grad_none_counts_as_zero_like_pytorch():
    v = Value(3.0, label="v")
    v.grad = None
    (v * v).backward()
    assert v.grad == 6.0


def test_value_grad_of_the_wrong_type():
    v = Value(3.0, label="v")
    v.grad = "0"
    message = ("backward: the leaf Value 'v' has grad '0'; a Value's grad must be a number"
               " (or None); set v.grad = 0.0 (or call zero_grad())")
    with pytest.raises(TypeError, match=re.escape(message)):
        (v * 2).backward()
    w = Value(1.0)
    w.grad = [0.0]
    with pytest.raises(TypeError, match=re.escape("the leaf Value with data 1.0 has grad [0.0]")):
        (w * 2).backward()


@pytest.mark.parametrize(
    ("grad", "got"),
    [(0.0, "0.0"), (np.zeros((3, 1)), "shape (3, 1)"), (np.zeros(2), "shape (2,)")],
)
def test_tensor_grad_of_the_wrong_shape(grad, got):
    t = Tensor([1.0, 2.0, 3.0], label="w")
    t.grad = grad
    message = (f"backward: the leaf tensor 'w' has grad {got}; a tensor's grad must be None"
               " or an array of shape (3,); set t.grad = None (or call zero_grad())")
    with pytest.raises(TypeError, match=re.escape(message)):
        (t * 2).sum().backward()


def test_tensor_grad_none_or_zeros_accumulate():
    t = Tensor([1.0, 2.0])
    t.grad = np.zeros(2)
    (t * 2).sum().backward()
    np.testing.assert_array_equal(t.grad, [2.0, 2.0])


# ----------------------------------------------------------- comparisons and conversions


def test_value_against_a_number_compares_the_number():
    a, b, c = Value(2.0), Value(2.0), Value(3.0)
    assert a < c and a <= b and c > a and c >= a and a == 2.0 and 2 == a and a < 2.5
    assert a != 3 and not (a != 2)
    assert len({a, b}) == 2  # nodes stay distinct in sets and as dict keys
    assert (a == "2") is False
    assert a in [a] and [a, c].index(a) == 0  # identity is checked first


@pytest.mark.parametrize("op", ["==", "!="])
def test_two_values_compared_with_eq_is_an_error_that_says_what_to_use(op):
    a, b = Value(2.0), Value(2.0)
    message = (f"Value(data=2.0000, grad=0.0000) {op} Value(data=2.0000, grad=0.0000): comparing"
               f" two Values is ambiguous. Compare their numbers with a.data {op} b.data, or ask"
               " whether they are the same node with `a is b`")
    compare = (lambda: a == b) if op == "==" else (lambda: a != b)
    with pytest.raises(TypeError, match=re.escape(message)):
        compare()
    with pytest.raises(TypeError, match="ambiguous"):
        [a, b].index(b)  # a list of other nodes: not silently matched by number


def test_bool_and_float_of_a_value_say_to_use_data():
    v = Value(0.5)
    with pytest.raises(TypeError, match=re.escape(
            "bool(Value) is ambiguous (Value(data=0.5000, grad=0.0000)): compare the number"
            " instead, e.g. `if v.data > 0:` or `if v.data != 0:`")):
        bool(v)
    message = "float(Value): use v.data for the number (Value(data=0.5000, grad=0.0000));"
    with pytest.raises(TypeError, match=re.escape(message)):
        float(v)
    with pytest.raises(TypeError, match=re.escape("would cut the graph, so use v.exp()")):
        math.exp(v)


def test_bool_and_float_of_a_tensor_say_to_use_item_or_data():
    t = Tensor([1.0, 2.0])
    with pytest.raises(TypeError, match=re.escape(
            "float(Tensor): use t.item() for the number in a one-element tensor, or t.data for"
            " the array (this one has shape (2,)); math.exp(t) and friends would cut the graph,"
            " so use t.exp()")):
        float(t)
    with pytest.raises(TypeError, match=re.escape("float(Tensor): use t.item()")):
        math.exp(Tensor(1.0))
    with pytest.raises(TypeError, match=re.escape(
            "bool(Tensor) is ambiguous (shape (2,)): compare its numbers instead, e.g."
            " t.item() > 0, (t > 0).all() or (t > 0).any()")):
        bool(t)
    assert bool((t > 0).all()) and Tensor(2.0).item() == 2.0


def test_np_array_of_a_tensor_gives_its_numbers():
    t = Tensor([[1.0, 2.0]])
    a = np.array(t)
    assert a.dtype == np.float64 and a.shape == (1, 2)
    a[0, 0] = 9.0  # a copy
    assert t.data[0, 0] == 1.0


def test_len_and_iteration():
    t = Tensor([[1.0, 2.0], [3.0, 4.0]])
    rows = list(t)
    assert len(t) == 2 and [r.shape for r in rows] == [(2,), (2,)]
    sum(rows).sum().backward()  # the rows are part of the graph
    np.testing.assert_array_equal(t.grad, np.ones((2, 2)))
    message = "a 0-d tensor has no length and cannot be iterated: it is a single number"
    for f in (len, list):
        with pytest.raises(TypeError, match=re.escape(message)):
            f(Tensor(1.0))


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Value(1.0, label=5),
         "Value(...): label must be a string, got 5 (int); e.g. label='w1' or label=str(5)"),
        (lambda: Tensor([1.0], label=None), "Tensor(...): label must be a string, got None"),
        (lambda: Tensor([1.0], requires_grad="no"),
         "Tensor(...): requires_grad must be True or False, got 'no'"),
        (lambda: Tensor(np.ones(4)).reshape(2.0, 2),
         "reshape: the new shape must be whole numbers, got (2.0, 2)"),
        (lambda: (Tensor([1.0, 2.0]) * 2).backward(grad="a"),
         "backward: grad must be numbers of shape (2,), got 'a'"),
        (lambda: Tensor(np.ones((2, 2))).sum(keepdims="yes"),
         "sum: keepdims must be True or False, got 'yes'"),
        (lambda: topological_sort(3),
         "topological_sort: expected a Value or Tensor (a node with .parents), got int"),
    ],
)
def test_type_errors_name_the_op(make, message):
    with pytest.raises(TypeError, match=re.escape(message)):
        make()


def test_labels_that_are_strings_work():
    assert Value(1.0, label="w").label == "w" and Tensor([1.0], label="").label == ""


@pytest.mark.parametrize(
    ("index", "message"),
    [
        (1.0, "index: 1.0 is a float; indices must be integers (use int(...)), slices or"
              " integer arrays"),
        ((0, 1.5), "index: 1.5 is a float"),
        (Tensor([1.5]), "index: a Tensor used as an index must hold whole numbers,"
                        " got array([1.5]); round it first"),
    ],
)
def test_a_float_index_is_an_error_not_a_truncation(index, message):
    with pytest.raises(IndexError, match=re.escape(message)):
        Tensor(np.arange(6.0).reshape(2, 3))[index]


def test_whole_number_tensors_and_ints_index_as_before():
    t = Tensor(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(t[Tensor([1.0, 0.0])].data, [[3.0, 4.0, 5.0], [0.0, 1.0, 2.0]])
    assert t[1, 2].item() == 5.0 and t[np.int64(0), 1].item() == 1.0


@pytest.mark.parametrize(
    "f", [lambda: Tensor([1.0, np.nan]).log(), lambda: Value(float("nan")).log()],
    ids=["Tensor", "Value"],
)
def test_log_of_nan_is_an_error(f):
    with pytest.raises(ValueError, match=re.escape(
            "log: 1 of ")):  # "1 of 2" or "1 of 1"
        f()
    with pytest.raises(ValueError, match=re.escape(
            "inputs are NaN (not a number); a NaN usually comes from an earlier step (0/0,"
            " inf - inf, a diverging training run)")):
        f()


def test_pow_of_nan_to_a_non_integer_power_is_an_error():
    with pytest.raises(ValueError, match=re.escape("pow: 1 of 1 inputs are NaN")):
        Tensor([np.nan]) ** 0.5


def test_relu_of_nan_stays_nan_in_both_engines():
    assert math.isnan(Value(float("nan")).relu().data)
    assert np.isnan(Tensor([np.nan]).relu().data[0])


@pytest.mark.parametrize("f", [softmax, log_softmax])
def test_softmax_of_an_all_minus_inf_row(f):
    x = Tensor([[0.0, 1.0], [-np.inf, -np.inf]])
    message = (
        f"{f.__name__}: along axis 1, a slice (row 1) has maximum -inf: every entry is -inf"
        " (all classes masked out?), so no probability is left"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        f(x)
    p = f(Tensor([[-np.inf, 0.0]]))  # one masked class is fine
    assert p.data[0, 1] == pytest.approx(1.0 if f is softmax else 0.0)


@pytest.mark.parametrize("bad", [np.inf, np.nan])
def test_softmax_and_cross_entropy_of_inf_or_nan_logits(bad):
    x = Tensor([[0.0, bad, 1.0]])
    message = "it holds +inf or NaN; check the logits for overflow or an earlier NaN"
    with pytest.raises(ValueError, match=re.escape("softmax: along axis 1, a slice (row 0)")):
        softmax(x)
    with pytest.raises(ValueError, match=re.escape(message)):
        cross_entropy(x, [0])


def test_cross_entropy_of_an_empty_batch():
    message = (
        "cross_entropy: the batch is empty (logits of shape (0, 3)), and the mean of no losses"
        " is undefined; check how the batch was selected"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        cross_entropy(Tensor(np.zeros((0, 3))), [])


def test_softmax_axis_must_be_one_valid_int():
    with pytest.raises(ValueError, match=re.escape("softmax: axis 5 is out of range for a 2-d")):
        softmax(Tensor(np.zeros((2, 3))), axis=5)
    with pytest.raises(TypeError, match=re.escape("log_softmax: axis must be one int (the axis")):
        log_softmax(Tensor(np.zeros((2, 3))), axis=(0, 1))


def test_mean_of_nothing_is_an_error_but_empty_batches_of_rows_are_fine():
    with pytest.raises(ValueError, match=re.escape(
            "mean: the tensor of shape (0, 3) has no entries along axis 0, so there is nothing"
            " to average")):
        Tensor(np.zeros((0, 3))).mean(axis=0)
    assert Tensor(np.zeros((0, 3))).mean(axis=1).shape == (0,)  # 0 rows, each of 3 entries


def test_no_engine_function_takes_a_seed():
    # seeds are checked where they are taken (nn, data, train); the engines draw nothing
    import inspect

    from backproplab import autodiff, combine, functional, gradcheck, tensor, value
    for module in (autodiff, combine, functional, gradcheck, tensor, value):
        for _, obj in inspect.getmembers(module, inspect.isfunction):
            assert "seed" not in inspect.signature(obj).parameters


IN_PLACE_OPS = {
    "*": lambda x: x * x,
    "@": lambda x: x @ x.T,
    "**3": lambda x: x**3,
    "exp": lambda x: x.exp(),
    "log": lambda x: x.log(),
    "sqrt": lambda x: x.sqrt(),
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "relu": lambda x: (x - 1.5).relu(),
    "max": lambda x: x.max(axis=0),
    "var": lambda x: x.var(axis=1),
    "reshape": lambda x: x.reshape(-1) * x.reshape(-1),
    "T": lambda x: x.T * x.T,
    "index": lambda x: x[[0, 0, 1]] * x[[1, 0, 1]],
    "softmax": lambda x: softmax(x) * x,
    "cross_entropy": lambda x: cross_entropy(x * x, [0, 2]),
}


@pytest.mark.parametrize("name", IN_PLACE_OPS)
@pytest.mark.parametrize("change", ["setitem", "augmented", "output"])
def test_no_in_place_change_after_forward_alters_a_gradient(name, change):
    f = IN_PLACE_OPS[name]
    a = np.array([[0.5, 1.0, 2.0], [1.5, 0.7, 1.2]])
    w = np.random.default_rng(1).normal(size=f(Tensor(a)).shape)
    clean = Tensor(a)
    (f(clean) * Tensor(w, requires_grad=False)).sum().backward()
    x = Tensor(a)
    out = f(x)
    loss = (out * Tensor(w, requires_grad=False)).sum()
    if change == "setitem":
        x.data[...] = 9.0
    elif change == "augmented":
        x.data *= 3.0
    else:
        out.data[...] = -4.0
    loss.backward()
    np.testing.assert_array_equal(x.grad, clean.grad)
