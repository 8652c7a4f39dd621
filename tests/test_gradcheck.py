"""Tests for gradient checking (lessons 04 and 10): `numerical_grad`, `gradcheck` and its
report, which must pass a right gradient, catch a wrong one, and say why in words."""

import re
from types import SimpleNamespace

import numpy as np
import pytest

from backproplab import Tensor, Value, gradcheck, numerical_grad
from backproplab.gradcheck import GradcheckReport, GradcheckRow, relative_error

EXACT_EPS = 2.0**-20  # a power of two: the finite differences below are exact


def broken_double(x):
    """The identity, with a wrong backward pass that doubles the gradient."""
    if isinstance(x, Value):
        return Value._result(x.data, "bad", (x,), (2.0,))
    return Tensor._result(x.data * 1.0, "bad", (x,), (lambda g: 2 * g,))


# ---------------------------------------------------------------------- numerical_grad


def test_numerical_grad_of_known_derivatives():
    a, b = Value(2.0), Value(-1.0)
    grads = numerical_grad(lambda a, b: a**3 * b, a, b)
    assert grads == [pytest.approx(-12.0, rel=1e-8), pytest.approx(8.0, rel=1e-8)]
    assert all(type(g) is float for g in grads)
    x = Tensor([[1.0, 2.0], [3.0, 4.0]])
    (gx,) = numerical_grad(lambda x: (x * x).sum(), x)
    assert isinstance(gx, np.ndarray) and gx.shape == (2, 2)
    np.testing.assert_allclose(gx, 2 * x.data, rtol=1e-8)


def test_numerical_grad_restores_the_inputs_exactly():
    a, b = Value(0.1), Value(0.7)
    numerical_grad(lambda a, b: (a * b).exp(), a, b)
    assert (a.data, b.data) == (0.1, 0.7)
    x, y = Tensor([0.1, 0.2, 0.3]), Tensor([[0.7], [1.1]])
    x_before, y_before = x.data.copy(), y.data.copy()
    numerical_grad(lambda x, y: (x * y).exp().sum(), x, y)
    np.testing.assert_array_equal(x.data, x_before)
    np.testing.assert_array_equal(y.data, y_before)


def test_numerical_grad_accepts_a_float_and_rejects_a_tensor_output():
    assert numerical_grad(lambda v: v.data**2, Value(3.0))[0] == pytest.approx(6.0)
    message = (
        "gradient check: f must return a single number, got a tensor of shape (3,);"
        " reduce it with .sum() or .mean()"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        numerical_grad(lambda x: x * 2, Tensor([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match=re.escape(message)):
        gradcheck(lambda x: x * 2, Tensor([1.0, 2.0, 3.0]))


def test_relative_error():
    np.testing.assert_allclose(relative_error([1.0, 0.0, 2.0], [3.0, 0.0, -2.0]), [0.5, 0.0, 1.0])


# ------------------------------------------------------------------- the report, OK


def test_report_of_a_correct_gradient():
    a, b = Value(2.0, label="a"), Value(3.0)
    report = gradcheck(lambda a, b: a * b + b, a, b, eps=EXACT_EPS)
    assert report.ok is True and report.max_rel_error == 0.0
    assert [(r.name, r.analytic, r.numerical) for r in report.rows] == [
        ("a", 3.0, 3.0),
        ("input 1", 3.0, 3.0),  # no label: named by position
    ]
    assert report.raise_if_failed() is report
    assert [line.rstrip() for line in str(report).splitlines()] == [
        "input    analytic  numerical  max rel. error",
        "a        3         3          0.00e+00",
        "input 1  3         3          0.00e+00",
        "gradcheck OK: max relative error 0.00e+00 (tolerance 1e-06), very good",
    ]
    assert repr(report) == str(report)
    page = report._repr_html_()
    assert page.startswith("<table><tr><th>input</th><th>analytic</th>")
    assert "<tr><td>a</td><td>3</td><td>3</td><td>0.00e+00</td></tr>" in page
    assert "<b>gradcheck OK</b>" in page and "very good" in page


def test_report_of_tensors():
    W, x = Tensor(np.arange(6.0).reshape(2, 3) / 10, label="W"), Tensor([1.0, -1.0, 2.0])
    report = gradcheck(lambda W, x: (W @ x).tanh().sum(), W, x)
    assert report.ok and report.max_rel_error < 1e-7
    assert report.rows[0].analytic.shape == (2, 3) and report.rows[1].numerical.shape == (3,)
    assert report.max_rel_error == max(r.max_rel_error for r in report.rows)
    assert "W      " in str(report) and " ..." in str(report)  # 6 numbers: 4 are shown


def test_gradcheck_ignores_stale_gradients():
    a = Value(2.0)
    a.grad = 100.0  # left over from an earlier backward pass
    report = gradcheck(lambda a: a * 3, a)
    assert report.ok and report.rows[0].analytic == 3.0
    x = Tensor([1.0, 2.0])
    x.grad = np.array([5.0, 5.0])
    report = gradcheck(lambda x: (x * 3).sum(), x)
    assert report.ok
    np.testing.assert_array_equal(report.rows[0].analytic, [3.0, 3.0])


def test_an_input_that_f_does_not_use_has_zero_gradient():
    report = gradcheck(lambda x, unused: (x * 2).sum(), Tensor([1.0]), Tensor([[1.0, 2.0]]))
    assert report.ok
    np.testing.assert_array_equal(report.rows[1].analytic, [[0.0, 0.0]])


# --------------------------------------------------------------- the report, FAILED


def test_a_wrong_tensor_gradient_fails():
    x = Tensor([1.0, 2.0, 3.0, 4.0, 5.0], label="x")
    report = gradcheck(lambda x: broken_double(x).sum(), x)
    assert report.ok is False
    assert report.max_rel_error == pytest.approx(1 / 3, rel=1e-6)  # |2 - 1| / (2 + 1)
    np.testing.assert_array_equal(report.rows[0].analytic, np.full(5, 2.0))
    text = str(report)
    assert "x      2, 2, 2, 2 ...  1, 1, 1, 1 ..." in text
    assert "gradcheck FAILED: max relative error 3.33e-01 (tolerance 1e-06), wrong:" in text
    assert "<b>gradcheck FAILED</b>" in report._repr_html_()
    with pytest.raises(AssertionError, match="gradient check failed") as caught:
        report.raise_if_failed()
    assert str(report) in str(caught.value)  # the whole report, table and verdict


def test_a_wrong_value_gradient_fails():
    with pytest.raises(AssertionError, match=r"(?s)gradient check failed\ninput .*FAILED"):
        gradcheck(lambda v: broken_double(v) * 3, Value(1.5)).raise_if_failed()


def test_an_input_without_requires_grad_is_not_checked_and_says_so():
    w, x = Tensor([3.0, 4.0], label="w"), Tensor([1.0, 2.0], requires_grad=False, label="x")
    report = gradcheck(lambda w, x: (w * x).sum(), w, x)
    assert report.ok and report.rows[0].max_rel_error < 1e-7
    row = report.rows[1]
    assert row.skipped == (
        "not checked: requires_grad=False, so backprop computes no gradient for it"
    )
    assert (row.analytic, row.numerical, row.max_rel_error) == (None, None, 0.0)
    text = str(report)
    assert text.splitlines()[2].split() == ["x", "not", "checked:", "requires_grad=False,", "so",
                                            "backprop", "computes", "no", "gradient", "for", "it"]
    assert text.splitlines()[-1].startswith("gradcheck OK: max relative error")
    assert "not checked: requires_grad=False" in report._repr_html_()


@pytest.mark.parametrize(
    "inputs",
    [
        [Tensor([1.0, 2.0], requires_grad=False)],
        [Tensor(np.zeros((0, 3)))],
        [],
    ],
    ids=["requires_grad=False", "empty tensor", "no inputs"],
)
def test_a_check_of_nothing_is_not_ok_and_says_so(inputs):
    report = gradcheck(lambda *xs: Tensor(2.0, requires_grad=False) + sum(x.sum() for x in xs),
                       *inputs)
    assert report.ok is False and report.nothing_checked
    assert report.verdict().startswith("nothing was checked: no input has a gradient to compare")
    assert "gradcheck NOTHING CHECKED" in str(report)
    with pytest.raises(AssertionError, match="NOTHING CHECKED"):
        report.raise_if_failed()


@pytest.mark.parametrize("eps", [0, 0.0, -1e-6])
def test_eps_must_be_positive(eps):
    message = f"eps must be > 0, got {eps!r}: the finite difference divides by 2 * eps"
    with pytest.raises(ValueError, match=re.escape("gradcheck: " + message)):
        gradcheck(lambda v: v * v, Value(1.0), eps=eps)
    with pytest.raises(ValueError, match=re.escape("numerical_grad: " + message)):
        numerical_grad(lambda v: v * v, Value(1.0), eps=eps)


@pytest.mark.parametrize("eps", [None, "1e-6", float("nan"), True])
def test_eps_must_be_a_number(eps):
    with pytest.raises(TypeError, match="gradcheck: eps must be a small positive number"):
        gradcheck(lambda v: v * v, Value(1.0), eps=eps)


@pytest.mark.parametrize("tol", [-1.0, float("nan"), "1e-6"])
def test_tol_must_be_a_non_negative_number(tol):
    with pytest.raises(ValueError, match="gradcheck: tol must be a number >= 0"):
        gradcheck(lambda v: v * v, Value(1.0), tol=tol)


@pytest.mark.parametrize(
    ("x", "f"),
    [
        (Value(1e-7, label="x"), lambda v: v.log()),
        (Tensor([1.0, 1e-7], label="x"), lambda t: t.log().sum()),
        (Value(1e-7, label="x"), lambda v: v**0.5),
    ],
    ids=["Value log", "Tensor log", "Value sqrt"],
)
def test_a_nudge_across_the_domain_edge_names_the_learners_value(x, f):
    where = "x" if isinstance(x, Value) else "x[1]"
    message = (
        f"gradient check: f fails at {where} = 1e-07 - eps = -9e-07, a point you did not pass:"
        " the nudge x - eps (eps=1e-06) crossed the edge of the function's domain; use a"
        " smaller eps (e.g. eps=1e-10, well below |x|), or check at an x farther from the edge."
        " The error at that point was: "
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        gradcheck(f, x)
    before = x.data if isinstance(x, Value) else x.data.copy()
    with pytest.raises(ValueError, match=re.escape(message)):
        numerical_grad(f, x)
    np.testing.assert_array_equal(x.data, before)  # restored even after the failure
    assert gradcheck(f, x, eps=1e-10).ok  # the advice works


def test_a_nudge_from_the_edge_itself_says_so():
    with pytest.raises(ValueError, match=re.escape(
            "x is on the edge itself, where a central difference is not defined")):
        gradcheck(lambda v: v**0.5, Value(0.0, label="x"))


def test_an_error_at_the_learners_own_point_is_not_blamed_on_the_nudge():
    with pytest.raises(ValueError, match=re.escape("log: input must be positive, got -1.0")):
        numerical_grad(lambda v: v.log(), Value(-1.0))


def test_a_nan_gradient_is_never_very_good():
    nan_grad = lambda v: Value._result(v.data, "bad", (v,), (float("nan"),))  # noqa: E731
    report = gradcheck(nan_grad, Value(1.0))
    assert not report.ok and report.max_rel_error == np.inf
    assert report.verdict() == "wrong: a gradient is NaN or infinite"


def test_tolerance():
    x = Value(1.0)
    assert not gradcheck(lambda v: broken_double(v), x).ok
    assert gradcheck(lambda v: broken_double(v), x, tol=0.5).ok  # error 1/3


# ------------------------------------------------------------------------ the verdict


@pytest.mark.parametrize(
    ("error", "verdict"),
    [
        (0.5, "wrong: backprop and finite differences disagree"),
        (1.01e-2, "wrong: backprop and finite differences disagree"),
        (1e-2, "suspicious: check the backward pass"),
        (1e-3, "suspicious: check the backward pass"),
        (1e-4, "acceptable (fine for functions with kinks, a little high without)"),
        (1e-6, "acceptable (fine for functions with kinks, a little high without)"),
        (1e-7, "very good"),
        (0.0, "very good"),
    ],
)
def test_verdict_words_at_the_thresholds(error, verdict):
    report = GradcheckReport([SimpleNamespace(max_rel_error=error)], tol=1e-6)
    assert report.verdict() == verdict
    assert report.ok is (error <= 1e-6)


def test_rows_compute_their_largest_relative_error():
    row = GradcheckRow("w", np.array([1.0, 1.0]), np.array([1.0, 1.002]))
    assert row.max_rel_error == pytest.approx(0.002 / 2.002)
    assert GradcheckReport([row], tol=1e-6).verdict() == "suspicious: check the backward pass"
    assert GradcheckRow("empty", np.zeros(0), np.zeros(0)).max_rel_error == 0.0


KINK_NOTE = "the graph has relu/max: an input within eps of a kink spoils the finite difference"


@pytest.mark.parametrize(
    "f",
    [lambda x: x.relu().sum(), lambda x: x.max()],
    ids=["relu", "max"],
)
def test_a_kink_is_pointed_out(f):
    # relu at exactly 0, and max with a three-way tie: backprop picks one slope (0 for
    # relu, 1/3 for each tied entry), the finite difference averages the two sides (1/2)
    report = gradcheck(f, Tensor([0.0, 0.0, 0.0]))
    assert not report.ok and report.has_kinks
    assert report.verdict().endswith("; " + KINK_NOTE)


def test_no_kink_note_away_from_kinks_or_without_relu():
    report = gradcheck(lambda x: x.relu().sum(), Tensor([0.5, -1.0]))
    assert report.ok and report.has_kinks and report.verdict() == "very good"
    assert gradcheck(lambda v: v.relu() * 2, Value(-1.0)).has_kinks
    report = gradcheck(lambda v: broken_double(v), Value(1.0))
    assert not report.has_kinks and KINK_NOTE not in report.verdict()


def test_float32_inputs_warn():
    x = Tensor(np.array([1.0, 2.0], dtype=np.float32))
    with pytest.warns(UserWarning, match="float32 inputs give relative errors around 1e-3"):
        report = gradcheck(lambda x: (x * x).sum(), x)
    assert report.float32
    assert "inputs are float32: use float64 for gradient checks" in report.verdict()


# ----------------------------------------------------------------------------- errors


def test_inputs_must_be_values_or_tensors():
    with pytest.raises(TypeError, match="gradcheck: inputs must be Values or Tensors, got float"):
        gradcheck(lambda x: x, 3.0)
    with pytest.raises(TypeError, match="numerical_grad: inputs must be Values or Tensors, got"):
        numerical_grad(lambda x: x, np.ones(2))


def test_f_must_return_a_value_or_tensor():
    with pytest.raises(TypeError, match="gradcheck: f must return a Value or Tensor, got float"):
        gradcheck(lambda x: 3.0, Value(1.0))
