"""The checkers of lessons 03-05: the reference solutions pass, typical mistakes get
their own hint, placeholders are "not attempted yet", and nothing raises."""

import math

import pytest
from exercise_checks import (
    broken,
    is_not_attempted,
    is_right,
    is_wrong,
    load_solution,
    not_implemented,
    placeholder_function,
)

from backproplab import Value, gradcheck
from backproplab.exercises import lesson03, lesson04, lesson05
from backproplab.exercises.feedback import Feedback


@pytest.fixture(scope="module")
def sol03():
    return load_solution("lesson03")


@pytest.fixture(scope="module")
def sol04():
    return load_solution("lesson04")


@pytest.fixture(scope="module")
def sol05():
    return load_solution("lesson05")














GARBAGE = ["0.5", [1, 2], {"a": 1}, object(), float("nan"), float("inf"), True, Value(1.0)]


# ---------- lesson 03 ----------

N = lesson03.NEURON
Z = N["w1"] * N["x1"] + N["w2"] * N["x2"] + N["b"]
T = math.tanh(Z)
DZ = 1 - T * T


def test_03_backward_reference(sol03):
    assert is_right(lesson03.check_backward(sol03.ex_grad_w1, sol03.ex_grad_w2,
                                            sol03.ex_grad_b))


def test_03_backward_accepts_four_significant_digits_not_values():
    w1, w2, b = (float(f"{g:.4g}") for g in (N["x1"] * DZ, N["x2"] * DZ, DZ))
    assert is_right(lesson03.check_backward(w1, w2, b))
    assert is_wrong(lesson03.check_backward(Value(w1), w2, b), "grad_w1: you passed a Value",
                    "pass its .grad")


def test_03_backward_agrees_with_the_engine():
    x1, x2, w1, w2, b = (Value(N[k], label=k) for k in ("x1", "x2", "w1", "w2", "b"))
    y = (w1 * x1 + w2 * x2 + b).tanh()
    y.backward()
    assert is_right(lesson03.check_backward(w1.grad, w2.grad, b.grad))


@pytest.mark.parametrize("answers, words", [
    ((N["x1"], N["x2"], 1.0), ["left out the tanh step", "grad_w1", "grad_w2", "grad_b"]),
    ((N["x1"] * T, N["x2"] * DZ, DZ), ["ex_grad_w2 and ex_grad_b are right", "tanh(z)", "w1"]),
    ((N["x1"] * (1 - T), N["x2"] * DZ, DZ), ["is squared"]),
    ((N["x1"] * (1 - Z * Z), N["x2"] * DZ, DZ), ["not z"]),
    ((N["w1"] * DZ, N["x2"] * DZ, DZ), ["gradient of x1", "other factor"]),
    ((N["x1"] * DZ, N["w2"] * DZ, DZ), ["gradient of x2"]),
    ((N["x1"] * DZ, N["x2"] * DZ, N["b"] * DZ), ["local derivative of z with respect to b is 1"]),
    ((N["x1"] * DZ, N["x2"] * DZ, 0.0), ["not 0"]),
    ((2 * N["x1"] * DZ, N["x2"] * DZ, DZ), ["gradient for w1", "twice too large"]),
    ((N["x1"] * DZ, -N["x2"] * DZ, DZ), ["gradient for w2", "wrong sign"]),
    ((0.123, N["x2"] * DZ, DZ), ["0.123", "not right yet"]),
    (("abc", N["x2"] * DZ, DZ), ["single number"]),
])
def test_03_backward_mistakes(answers, words):
    assert is_wrong(lesson03.check_backward(*answers), *words)


def test_03_backward_partly_done_and_placeholders():
    assert is_not_attempted(lesson03.check_backward(..., ..., ...))
    assert is_not_attempted(lesson03.check_backward(None, None, None))
    partly = lesson03.check_backward(N["x1"] * DZ, ..., ...)
    assert partly.ok is None and "ex_grad_w1 is right" in partly.message
    assert "ex_grad_w2 and ex_grad_b" in partly.message
    mixed = lesson03.check_backward(N["x1"], ..., DZ)
    assert is_wrong(mixed, "ex_grad_b is right", "Still to do: ex_grad_w2")


def test_03_fork(sol03):
    assert is_right(lesson03.check_fork(sol03.grad_a))
    assert is_right(lesson03.check_fork(6))
    a, b = Value(lesson03.FORK["a"]), Value(lesson03.FORK["b"])
    y = a * b + a
    y.backward()
    assert is_right(lesson03.check_fork(a.grad))


@pytest.mark.parametrize("answer, words", [
    (5.0, ["only the path through a*b", "add up"]),
    (1.0, ["only the direct path", "grad += "]),
    (2.0, ["dy/db"]),
    (7.0, ["a + b"]),
    (10.0, ["forward pass"]),
    (12.0, ["y itself", "not a derivative"]),
    (-6.0, ["wrong sign"]),
    (3.5, ["not right yet"]),
])
def test_03_fork_mistakes(answer, words):
    assert is_wrong(lesson03.check_fork(answer), *words)


def test_03_fork_placeholders():
    assert is_not_attempted(lesson03.check_fork(...))
    assert is_not_attempted(lesson03.check_fork(None))


def test_03_neuron_backward(sol03):
    assert is_right(lesson03.check_neuron_backward(sol03.neuron_backward))


def test_03_neuron_backward_other_correct_solutions():
    def with_values(x1, x2, w1, w2, b):  # the engine does the work; keys spelled grad_...
        leaves = {k: Value(v) for k, v in zip(("x1", "x2", "w1", "w2", "b"), (x1, x2, w1, w2, b))}
        y = (leaves["w1"] * leaves["x1"] + leaves["w2"] * leaves["x2"] + leaves["b"]).tanh()
        y.backward()
        return {f"grad_{k}": v.grad for k, v in leaves.items()}

    def with_cosh(x1, x2, w1, w2, b):  # 1 - tanh**2 = 1 / cosh**2
        d = 1 / math.cosh(w1 * x1 + w2 * x2 + b) ** 2
        return {"x2": w2 * d, "x1": w1 * d, "b": d, "w2": x2 * d, "w1": x1 * d}

    assert is_right(lesson03.check_neuron_backward(with_values))
    assert is_right(lesson03.check_neuron_backward(with_cosh))


def grads_with(dz_of, swap=False):
    def fn(x1, x2, w1, w2, b):
        z = w1 * x1 + w2 * x2 + b
        d = dz_of(z)
        if swap:
            return {"w1": w1 * d, "w2": w2 * d, "b": d, "x1": x1 * d, "x2": x2 * d}
        return {"w1": x1 * d, "w2": x2 * d, "b": d, "x1": w1 * d, "x2": w2 * d}
    return fn


@pytest.mark.parametrize("fn, words", [
    (grads_with(lambda z: 1.0), ["left out the tanh step"]),
    (grads_with(math.tanh), ["you used tanh(z)"]),
    (grads_with(lambda z: 1 - math.tanh(z)), ["is squared"]),
    (grads_with(lambda z: 1 - z * z), ["not z"]),
    (grads_with(lambda z: 1 - math.tanh(z) ** 2, swap=True), ["gradient of x1"]),
    (lambda x1, x2, w1, w2, b: (1, 2, 3, 4, 5), ["dict", "tuple"]),
    (lambda x1, x2, w1, w2, b: {"w1": 1.0, "w2": 2.0}, ["no 'b', 'x1' and 'x2'"]),
    (lambda x1, x2, w1, w2, b: {k: "x" for k in lesson03.KEYS}, ["single number"]),
    (broken, ["raised ZeroDivisionError"]),
    (42, ["should be a function"]),
])
def test_03_neuron_backward_mistakes(fn, words):
    assert is_wrong(lesson03.check_neuron_backward(fn), *words)


def test_03_neuron_backward_wrong_on_one_input_says_where():
    def off_when_saturated(x1, x2, w1, w2, b):
        z = w1 * x1 + w2 * x2 + b
        d = 1 - math.tanh(z) ** 2 if z < 2 else 0.1
        return {"w1": x1 * d, "w2": x2 * d, "b": d, "x1": w1 * d, "x2": w2 * d}

    assert is_wrong(lesson03.check_neuron_backward(off_when_saturated), "x1=2", "should be")


def test_03_neuron_backward_placeholders():
    assert is_not_attempted(lesson03.check_neuron_backward(...))
    assert is_not_attempted(lesson03.check_neuron_backward(placeholder_function))
    assert is_not_attempted(lesson03.check_neuron_backward(not_implemented))
    half = {k: ... for k in lesson03.KEYS}
    assert is_not_attempted(lesson03.check_neuron_backward(lambda *args: half))


# ---------- lesson 04 ----------


def test_04_pow_local_grad(sol04):
    assert is_right(lesson04.check_pow_local_grad(sol04.pow_local_grad))
    assert is_right(lesson04.check_pow_local_grad(lambda a, k: k * a**k / a))


@pytest.mark.parametrize("fn, words", [
    (lambda a, k: a ** (k - 1), ["factor k"]),
    (lambda a, k: k * a**k, ["goes down by one"]),
    (lambda a, k: a**k, ["forward value"]),
    (lambda a, k: a**k * math.log(a), ["exponent"]),
    (lambda a, k: (k - 1) * a**k, ["power rule"]),
    (lambda a, k: k * (k - 1) * a ** (k - 2), ["second derivative"]),
    (lambda a, k: a if k == 2 else k * a ** (k - 1), ["pow_local_grad(3, 2)", "returned 3"]),
    (lambda a, k: "k a^(k-1)", ["single number"]),
    (broken, ["raised ZeroDivisionError"]),
    (3.0, ["should be a function"]),
])
def test_04_pow_local_grad_mistakes(fn, words):
    assert is_wrong(lesson04.check_pow_local_grad(fn), *words)


def test_04_pow_local_grad_placeholders():
    assert is_not_attempted(lesson04.check_pow_local_grad(...))
    assert is_not_attempted(lesson04.check_pow_local_grad(placeholder_function))
    assert is_not_attempted(lesson04.check_pow_local_grad(not_implemented))


def pow_with(local_of, data_of=lambda a, k: a**k, parents_of=lambda self, k: (self,)):
    def tiny_pow(self, k):
        return type(self)(data_of(self.data, k), parents_of(self, k),
                          (local_of(self.data, k),), f"**{k}")
    return tiny_pow


def tiny_class(sol04, pow_method):
    """A TinyValue whose results are made with type(self), so a copy stays a copy."""
    tiny = sol04.TinyValue

    class Copy:
        __init__ = tiny.__init__
        __repr__ = tiny.__repr__
        backward = tiny.backward

        def __add__(self, other):
            other = other if isinstance(other, Copy) else Copy(other)
            return Copy(self.data + other.data, (self, other), (1.0, 1.0), "+")

        def __mul__(self, other):
            other = other if isinstance(other, Copy) else Copy(other)
            return Copy(self.data * other.data, (self, other), (other.data, self.data), "*")

        __radd__ = __add__
        __rmul__ = __mul__

    if pow_method is not None:
        Copy.__pow__ = pow_method
    return Copy


def test_04_tiny_pow(sol04):
    assert is_right(lesson04.check_tiny_pow(sol04.TinyValue))
    right = pow_with(lambda a, k: k * a ** (k - 1))
    assert is_right(lesson04.check_tiny_pow(tiny_class(sol04, right)))


def test_04_tiny_pow_with_k_as_a_node_is_right_too(sol04):
    def pow_with_node(self, k):  # k a constant node with its own (right) local derivative
        cls = type(self)
        kk = cls(k)
        local_k = self.data**k * math.log(self.data) if self.data > 0 else 0.0
        return cls(self.data**k, (self, kk), (k * self.data ** (k - 1), local_k), "**")

    assert is_right(lesson04.check_tiny_pow(tiny_class(sol04, pow_with_node)))


@pytest.mark.parametrize("pow_method, words", [
    (pow_with(lambda a, k: a ** (k - 1)), ["d/da", "factor k"]),
    (pow_with(lambda a, k: k * a**k), ["goes down by one"]),
    (pow_with(lambda a, k: 1.0), ["d/da", "k * self.data ** (k - 1)"]),
    (pow_with(lambda a, k: k * a ** (k - 1), data_of=lambda a, k: a * k), ["data", "2.25"]),
    (pow_with(lambda a, k: k * a ** (k - 1), parents_of=lambda self, k: ()), ["parents"]),
    (pow_with(lambda a, k: None), ["None", "exercise 4.1"]),
    (lambda self, k: 2.25, ["without .data"]),
    (broken, ["raised ZeroDivisionError"]),
])
def test_04_tiny_pow_mistakes(sol04, pow_method, words):
    assert is_wrong(lesson04.check_tiny_pow(tiny_class(sol04, pow_method)), *words)


def test_04_tiny_pow_needs_the_class_and_backward(sol04):
    assert is_wrong(lesson04.check_tiny_pow(sol04.TinyValue(2.0)), "class itself")

    class NoBackward:
        def __init__(self, data):
            self.data = data

        def __pow__(self, k):
            return self

    assert is_wrong(lesson04.check_tiny_pow(NoBackward), "no backward")


def test_04_tiny_pow_placeholders(sol04):
    assert is_not_attempted(lesson04.check_tiny_pow(...))
    assert is_not_attempted(lesson04.check_tiny_pow(tiny_class(sol04, None)))
    assert is_not_attempted(lesson04.check_tiny_pow(tiny_class(sol04, placeholder_function)))
    assert is_not_attempted(lesson04.check_tiny_pow(tiny_class(sol04, not_implemented)))


def test_04_mystery_ops_exactly_one_is_broken():
    for name, op in lesson04.MYSTERY_OPS.items():
        report = gradcheck(op, Value(0.7))
        assert report.ok is (name != lesson04.BROKEN), (name, report)
    # the trap: at x = 0 the broken op passes as well
    assert gradcheck(lesson04.MYSTERY_OPS[lesson04.BROKEN], Value(0.0)).ok


def test_04_broken_op(sol04):
    assert is_right(lesson04.check_broken_op(sol04.broken_op))
    assert is_right(lesson04.check_broken_op(" Softplus "))
    as_op = lesson04.check_broken_op(lesson04.MYSTERY_OPS["softplus"])
    assert is_right(as_op)
    assert 'accepted, though the name "softplus" is what was asked' in as_op.message
    assert "accepted" not in lesson04.check_broken_op("softplus").message


@pytest.mark.parametrize("answer, words", [
    ("sin", ["sin is fine", "0.7"]),
    ("square", ["square is fine"]),
    (lesson04.MYSTERY_OPS["reciprocal"], ["reciprocal is fine"]),
    ("cube", ["one of"]),
    (3, ["one of"]),
])
def test_04_broken_op_mistakes(answer, words):
    assert is_wrong(lesson04.check_broken_op(answer), *words)


def test_04_broken_op_placeholders():
    assert is_not_attempted(lesson04.check_broken_op(...))
    assert is_not_attempted(lesson04.check_broken_op(None))


def test_04_solution_tiny_value_matches_value(sol04):
    def f(a, b):
        return (a * b + a.exp()).tanh() * a + 2 * b

    tiny = [sol04.TinyValue(0.5), sol04.TinyValue(-1.5)]
    ref = [Value(0.5), Value(-1.5)]
    f(*tiny).backward()
    f(*ref).backward()
    for t, r in zip(tiny, ref):
        assert math.isclose(t.grad, r.grad, rel_tol=1e-12)


def test_04_solution_toposort_is_iterative(sol04):
    x = sol04.TinyValue(1.0)
    y = x
    for _ in range(20_000):
        y = y * 1.0
    assert len(sol04.tiny_topological_sort(y)) == 40_001


# ---------- lesson 05 ----------


def test_05_num_parameters(sol05):
    from backproplab.nn import ScalarMLP

    assert sol05.n_params == ScalarMLP(2, [4, 4], 1).num_parameters()
    assert is_right(lesson05.check_num_parameters(sol05.n_params))
    assert is_right(lesson05.check_num_parameters(37.0))


@pytest.mark.parametrize("answer, words", [
    (28, ["weights only"]),
    (36, ["output neuron"]),
    (9, ["number of neurons"]),
    (11, ["inputs and neurons"]),
    (32, ["multiplies all the layer sizes"]),
    (74, ["twice too large"]),
    (40, ["not right yet"]),
    ("37 parameters", ["single number"]),
])
def test_05_num_parameters_mistakes(answer, words):
    assert is_wrong(lesson05.check_num_parameters(answer), *words)


def test_05_sgd_step(sol05):
    assert is_right(lesson05.check_sgd_step(sol05.new_w))
    assert is_right(lesson05.check_sgd_step(0.7))


@pytest.mark.parametrize("answer, words", [
    (0.3, ["uphill"]),
    (0.2, ["the change"]),
    (-0.2, ["change only"]),
    (2.5, ["learning rate"]),
    (-1.5, ["scale it by lr"]),
    (20.5, ["does not divide"]),
    (0.5, ["has not moved"]),
    (1.4, ["twice too large"]),
    (0.65, ["not right yet"]),
])
def test_05_sgd_step_mistakes(answer, words):
    assert is_wrong(lesson05.check_sgd_step(answer), *words)


def test_05_zero_grad(sol05):
    assert is_right(lesson05.check_zero_grad(sol05.answer))
    assert is_right(lesson05.check_zero_grad(" B) "))


@pytest.mark.parametrize("answer, words", [
    ("a", ["Not a", "adds the new gradient"]),
    ("c", ["Not c", "not zero"]),
    ("d", ["Not d", "different weights"]),
    ("e", ["one letter"]),
    (2, ["one letter"]),
])
def test_05_zero_grad_mistakes(answer, words):
    assert is_wrong(lesson05.check_zero_grad(answer), *words)


def test_05_placeholders():
    for check in (lesson05.check_num_parameters, lesson05.check_sgd_step,
                  lesson05.check_zero_grad):
        assert is_not_attempted(check(...))
        assert is_not_attempted(check(None))


def test_05_zero_grad_claim_holds():
    """What exercise 5.3 says: without zero_grad, .grad is the sum over the steps."""
    from backproplab.nn import ScalarMLP

    model = ScalarMLP(1, [3], 1, activation="tanh", seed=0)
    params = model.parameters()
    total = [0.0] * len(params)
    for x in (0.5, -1.0, 0.25):
        model.zero_grad()
        model([x]).backward()
        total = [t + p.grad for t, p in zip(total, params)]
    model.zero_grad()
    for x in (0.5, -1.0, 0.25):
        model([x]).backward()  # no zero_grad in between
    assert all(math.isclose(t, p.grad, abs_tol=1e-12) for t, p in zip(total, params))


# ---------- every checker, on anything ----------

SIMPLE_CHECKERS = [
    lambda a: lesson03.check_backward(a, a, a),
    lesson03.check_fork,
    lesson03.check_neuron_backward,
    lesson04.check_pow_local_grad,
    lesson04.check_tiny_pow,
    lesson04.check_tiny_div,
    lesson04.check_tanh_from_exp,
    lesson04.check_broken_op,
    lesson05.check_num_parameters,
    lesson05.check_sgd_step,
    lesson05.check_zero_grad,
    lesson05.check_neuron,
    lesson05.check_layer,
    lesson05.check_mlp,
    lesson05.check_mse,
    lesson05.check_train_step,
]


@pytest.mark.parametrize("check", SIMPLE_CHECKERS)
@pytest.mark.parametrize("answer", GARBAGE + [broken, not_implemented, placeholder_function])
def test_checkers_never_raise(check, answer):
    feedback = check(answer)
    assert isinstance(feedback, Feedback)
    assert feedback.ok in (True, False, None)
    assert isinstance(feedback.message, str) and feedback.message
    assert feedback._repr_html_() and repr(feedback)
