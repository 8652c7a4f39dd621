"""Tests for `Value`, the scalar engine (lessons 02 and 04).

Every op's derivative is checked against finite differences on random inputs in its
domain; then the bookkeeping a learner relies on: attributes, repr, reuse, repeated
backward passes, deep graphs, numerical stability and every error message.
"""

import gc
import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import EXPONENTS, SETTINGS, assert_grads_match, away_from_zero, reals

from backproplab import Value

# ------------------------------------------------- every op's gradient, by hypothesis

# name: (f, domain of x, the same function on floats)
UNARY = {
    "neg": (lambda x: -x, reals(), lambda x: -x),
    "exp": (lambda x: x.exp(), reals(), math.exp),
    "log": (lambda x: x.log(), reals(0.1, 5.0), math.log),
    "tanh": (lambda x: x.tanh(), reals(-3.0, 3.0), math.tanh),
    "sigmoid": (lambda x: x.sigmoid(), reals(-5.0, 5.0), lambda x: 1 / (1 + math.exp(-x))),
    "relu": (lambda x: x.relu(), away_from_zero(1e-3, 2.0), lambda x: max(0.0, x)),
}

# name: (f, domain of a, domain of b)
BINARY = {
    "a + b": (lambda a, b: a + b, reals(), reals()),
    "a - b": (lambda a, b: a - b, reals(), reals()),
    "a * b": (lambda a, b: a * b, reals(), reals()),
    "a / b": (lambda a, b: a / b, reals(), away_from_zero()),
    "a ** b": (lambda a, b: a**b, reals(0.1, 3.0), reals()),
}


@pytest.mark.parametrize("name", UNARY)
@SETTINGS
@given(data=st.data())
def test_unary_op_gradient(name, data):
    f, domain, on_floats = UNARY[name]
    x = data.draw(domain)
    assert f(Value(x)).data == pytest.approx(on_floats(x), rel=1e-12, abs=1e-300)
    assert_grads_match(f, Value(x, label="x"))


@pytest.mark.parametrize("name", BINARY)
@SETTINGS
@given(data=st.data())
def test_binary_op_gradient_between_values(name, data):
    f, domain_a, domain_b = BINARY[name]
    a, b = data.draw(domain_a), data.draw(domain_b)
    assert f(Value(a), Value(b)).data == pytest.approx(f(a, b), rel=1e-12, abs=1e-300)
    assert_grads_match(f, Value(a, label="a"), Value(b, label="b"))


@pytest.mark.parametrize("name", BINARY)
@SETTINGS
@given(data=st.data())
def test_binary_op_gradient_with_a_number_on_either_side(name, data):
    f, domain_a, domain_b = BINARY[name]
    a, b = data.draw(domain_a), data.draw(domain_b)
    # Value op number, then number op Value (the reflected methods: 2 - x, 2 / x, 2 ** x)
    assert f(Value(a), b).data == pytest.approx(f(a, b), rel=1e-12, abs=1e-300)
    assert f(a, Value(b)).data == pytest.approx(f(a, b), rel=1e-12, abs=1e-300)
    assert_grads_match(lambda x: f(x, b), Value(a))
    assert_grads_match(lambda x: f(a, x), Value(b))


@SETTINGS
@given(k=st.sampled_from(EXPONENTS), data=st.data())
def test_pow_number_gradient(k, data):
    base = data.draw(away_from_zero() if float(k).is_integer() else reals(0.1, 3.0))
    assert (Value(base) ** k).data == pytest.approx(base**k, rel=1e-12)
    assert_grads_match(lambda x: x**k, Value(base))


@SETTINGS
@given(a=reals(-2.0, 2.0), b=reals(-1.0, 1.0), c=reals(0.5, 2.0))
def test_composed_expression_gradient(a, b, c):
    def f(a, b, c):
        h = (a * b + c).tanh() * c.log() - (b / c).exp() + (a - 1.0).sigmoid()
        return h**2 + c**b

    assert_grads_match(f, Value(a), Value(b), Value(c))


def test_local_derivatives_of_each_op():
    a, b = Value(2.0), Value(3.0)
    assert (a + b).local_grads == (1.0, 1.0)
    assert (a * b).local_grads == (3.0, 2.0)
    assert (a**3).local_grads == (12.0,)  # 3 * a**2
    assert (a**b).local_grads == (12.0, 8.0 * math.log(2.0))  # b * a**(b-1), a**b log a
    assert a.exp().local_grads == (math.exp(2.0),)
    assert a.log().local_grads == (0.5,)
    t = math.tanh(2.0)
    assert a.tanh().local_grads == (1 - t * t,)
    s = 1 / (1 + math.exp(-2.0))
    assert a.sigmoid().local_grads == (pytest.approx(s * (1 - s), rel=1e-15),)
    assert a.relu().local_grads == (1.0,)
    assert Value(-2.0).relu().local_grads == (0.0,)


def test_pow_special_cases_follow_pytorch():
    # 0 ** b with b > 0: d/db is 0 (the limit from the right), d/da is 0 for b > 1
    a, b = Value(0.0), Value(2.0)
    (a**b).backward()
    assert (a.grad, b.grad) == (0.0, 0.0)
    # 0 ** 0.5: the slope is infinite; 0 ** 0 = 1 with slope 0
    assert (Value(0.0) ** 0.5).local_grads == (math.inf,)
    assert (Value(0.0) ** 0).local_grads == (0.0,)
    # a negative base with an integer Value exponent is fine; d/db = log(a) is nan
    a, b = Value(-2.0), Value(3.0)
    out = a**b
    out.backward()
    assert out.data == -8.0 and a.grad == 12.0 and math.isnan(b.grad)


# ------------------------------------------------------------------------ attributes


def test_a_new_value():
    x = Value(3, label="x")
    assert x.data == 3.0 and type(x.data) is float
    assert x.grad == 0.0 and type(x.grad) is float
    assert (x.label, x.op, x.parents, x.local_grads) == ("x", "", (), ())
    assert Value(1.5).label == ""


def test_an_op_records_its_parents_in_order():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    assert (c.data, c.op, c.label, c.grad) == (-6.0, "*", "", 0.0)
    assert c.parents[0] is a and c.parents[1] is b
    assert c.local_grads == (-3.0, 2.0)
    d = c + 1
    assert d.op == "+" and d.parents[0] is c and d.parents[1].data == 1.0


@pytest.mark.parametrize(
    ("f", "op"),
    [
        (lambda x: x + 1, "+"),
        (lambda x: x * 2, "*"),
        (lambda x: x**2, "**2"),
        (lambda x: x**0.5, "**0.5"),
        (lambda x: x**-1, "**-1"),
        (lambda x: x ** Value(2.0), "**"),
        (lambda x: x.exp(), "exp"),
        (lambda x: x.log(), "log"),
        (lambda x: x.tanh(), "tanh"),
        (lambda x: x.sigmoid(), "sigmoid"),
        (lambda x: x.relu(), "relu"),
        (lambda x: -x, "*"),  # composed: x * -1
        (lambda x: x - 1, "+"),  # composed: x + (-1)
        (lambda x: x / 2, "*"),  # composed: x * 2**-1
    ],
)
def test_op_names(f, op):
    assert f(Value(2.0)).op == op


def test_repr():
    x = Value(2.0, label="x")
    assert repr(x) == "Value(data=2.0000, grad=0.0000, label='x')"
    y = x * -1.25
    assert repr(y) == "Value(data=-2.5000, grad=0.0000)"
    y.backward()
    assert repr(x) == "Value(data=2.0000, grad=-1.2500, label='x')"


# ---------------------------------------------------------- graphs and accumulation


def test_reusing_a_value_adds_up_its_gradients():
    a = Value(3.0)
    b = a + a
    b.backward()
    assert a.grad == 2.0
    a = Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0  # d(a**2)/da = 2a


def test_diamond_graph():
    #     a
    #    / \
    #   b   c      b = 2a, c = a + 1, d = b * c = 2a**2 + 2a
    #    \ /
    #     d        dd/da = 4a + 2
    a = Value(1.5)
    b = a * 2
    c = a + 1
    d = b * c
    d.backward()
    assert a.grad == 4 * 1.5 + 2
    assert (b.grad, c.grad) == (c.data, b.data)


def test_backward_twice_accumulates_leaves_like_pytorch():
    a, b = Value(2.0), Value(-1.0)
    c = a * b
    loss = c.tanh()
    loss.backward()
    once = (a.grad, b.grad, c.grad, loss.grad)
    dc = 1 - math.tanh(-2.0) ** 2
    assert once == pytest.approx((-dc, 2 * dc, dc, 1.0), rel=1e-15)
    loss.backward()
    # leaves (the Values you made) add up; inner nodes hold this call's gradient
    assert (a.grad, b.grad) == (2 * once[0], 2 * once[1])
    assert (c.grad, loss.grad) == (once[2], once[3])


def test_two_losses_sharing_a_leaf_add_up():
    w = Value(0.5)
    (w * 3).backward()
    (w**2).backward()
    assert w.grad == 3 + 2 * 0.5


def test_backward_of_a_leaf_itself():
    x = Value(4.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_a_million_node_chain():
    # No recursion anywhere: neither in backward nor in freeing the graph. The graph has
    # no reference cycles, so Python's cycle collector is paused: it would otherwise scan
    # the growing graph again and again and triple the run time (about 2 s instead of 6).
    gc.disable()
    try:
        x = Value(0.5)
        y = x
        for _ in range(1_000_000):
            y = y.relu()
        y.backward()
        assert (y.data, x.grad) == (0.5, 1.0)
        del y  # freeing a million nested nodes must not overflow the C stack either
    finally:
        gc.enable()


# ---------------------------------------------------------------- numerical stability


@pytest.mark.parametrize("x", [-1000.0, 1000.0, -1e308, 1e308])
def test_sigmoid_and_tanh_saturate_without_nan(x):
    for f, limit in [(Value.sigmoid, 0.0 if x < 0 else 1.0), (Value.tanh, math.copysign(1, x))]:
        v = Value(x)
        out = f(v)
        out.backward()
        assert out.data == limit
        assert v.grad == 0.0  # finite: the curve is flat out there


def test_overflow_gives_inf_not_an_exception():
    assert Value(1000.0).exp().data == math.inf
    assert (Value(1e200) ** 2).data == math.inf
    assert (Value(-1e200) ** 3).data == -math.inf
    assert (Value(-1e200) ** 2).data == math.inf
    assert Value(-1000.0).exp().data == 0.0


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("a", "Value(...) needs a real number, got 'a' (str)"),
        (None, "Value(...) needs a real number, got None (NoneType)"),
        (True, "Value(...) needs a real number, got True (bool)"),
        ([1.0], "Value(...) needs a real number, got [1.0] (list)"),
        (1j, "Value(...) needs a real number, got 1j (complex)"),
    ],
)
def test_value_rejects_what_is_not_a_real_number(data, message):
    with pytest.raises(TypeError, match=re.escape(message)):
        Value(data)


def test_value_of_a_value():
    with pytest.raises(TypeError, match=r"got a Value \(Value\(data=1.0000.*use it directly"):
        Value(Value(1.0))


def test_ops_with_non_numbers_raise_type_error():
    with pytest.raises(TypeError, match="unsupported operand"):
        Value(1.0) + "a"
    with pytest.raises(TypeError, match="unsupported operand"):
        "a" - Value(1.0)
    with pytest.raises(TypeError, match="unsupported operand"):
        Value(2.0) ** "a"


NEGATIVE_BASE = (
    "pow: a negative base (-2.0) to a non-integer power (0.5) is not a real number;"
    " make the base positive (e.g. with exp or relu) or use an integer exponent"
)


def test_negative_base_to_a_non_integer_power():
    with pytest.raises(ValueError, match=re.escape(NEGATIVE_BASE)):
        Value(-2.0) ** 0.5
    with pytest.raises(ValueError, match=re.escape(NEGATIVE_BASE)):
        Value(-2.0) ** Value(0.5)
    with pytest.raises(ValueError, match=re.escape(NEGATIVE_BASE)):
        (-2.0) ** Value(0.5)


ZERO_POWER = "pow: 0.0 ** -1.0 is undefined (division by zero); check the value you divide by"


@pytest.mark.parametrize(
    "f",
    [
        lambda: Value(0.0) ** -1,
        lambda: Value(0.0) ** Value(-1.0),
        lambda: Value(1.0) / 0,
        lambda: Value(1.0) / Value(0.0),
        lambda: 1 / Value(0.0),
    ],
)
def test_zero_to_a_negative_power(f):
    with pytest.raises(ZeroDivisionError, match=re.escape(ZERO_POWER)):
        f()


@pytest.mark.parametrize("x", [0.0, -1.0])
def test_log_of_a_non_positive_number(x):
    message = (
        f"log: input must be positive, got {x!r}; log is only defined for x > 0"
        " (for a probability, add a small epsilon or use a log-softmax)"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        Value(x).log()
