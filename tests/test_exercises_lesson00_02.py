"""The checkers of lessons 00-02: the reference solutions pass, typical mistakes get
their own hint, placeholders are "not attempted yet", and nothing raises."""

import math

import numpy as np
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

from backproplab import Value
from backproplab.exercises import lesson00, lesson01, lesson02
from backproplab.exercises.feedback import Feedback


@pytest.fixture(scope="module")
def sol00():
    return load_solution("lesson00")


@pytest.fixture(scope="module")
def sol01():
    return load_solution("lesson01")


@pytest.fixture(scope="module")
def sol02():
    return load_solution("lesson02")














def test_feedback_displays_in_jupyter_and_as_text():
    feedback = lesson00.check_line_slope(...)
    assert "Not attempted yet" in repr(feedback)
    assert "Not attempted yet" in feedback._repr_html_()


# ---------- lesson 00 ----------


def test_line_slope_reference(sol00):
    assert is_right(lesson00.check_line_slope(sol00.slope))
    assert is_right(lesson00.check_line_slope(2))  # an int is fine
    assert is_right(lesson00.check_line_slope(np.float32(2.0)))


@pytest.mark.parametrize("answer, words", [
    (0.5, ["run / rise"]),
    (6, ["rise"]),
    (3, ["run"]),
    (-2, ["positive"]),
    (4, ["twice"]),
    (1, ["half"]),
    (2.25, ["(0, 0)"]),
    (7, ["7", "not right yet"]),
    ("two", ["single number"]),
    ("2", ["not the text '2'", "f-string)."]),
    (math.inf, ["division by zero"]),
    (9 - 3 / 4 - 1, ["If you wrote 9 - 3 / 4 - 1:", "divides only 3 by 4"]),
    ((9 - 1) / (4 - 3), ["mixes up x and y", "If you wrote 9 - 3 / (4 - 1):"]),
    ((9 - 3) / 4 - 1, ["upside down", "If you wrote (9 - 3) / 4 - 1:"]),
    ([2], ["single number", "not a list, [2]", "without the brackets"]),
    ((2,), ["not a tuple"]),
    (2 + 0j, ["real number", "(2+0j)", "without j"]),
    (np.complex128(2), ["real number"]),
    (True, ["not True", "yes-or-no"]),
    (np.bool_(False), ["not False", "yes-or-no"]),
    (None, ["slope is None", "print()", "Replace the ..."]),
    (2.00001, ["not right yet"]),  # a relative error of 5e-6 is too much
])
def test_line_slope_mistakes(answer, words):
    assert is_wrong(lesson00.check_line_slope(answer), *words)


def test_line_slope_hints_fire_only_on_their_mistake():
    """No hint for 0.1's points names a mistake that does not give its number."""
    for value, message in lesson00.line_slope_hints(lesson00.P1, lesson00.P2):
        assert value != 2, message
        if "If you wrote 9 - 3 / 4 - 1" in message:
            assert value == 9 - 3 / 4 - 1 == 7.25
        if "mixes up x and y" in message:
            assert value == (9 - 1) / (4 - 3) == 9 - 3 / (4 - 1)


def test_line_slope_on_other_points():
    """The lesson's demo: the same checker, hints recomputed for (1, 2) and (3, 8)."""
    points = [(1, 2), (3, 8)]
    right = lesson00.check_line_slope(3, points=points)
    assert is_right(right) and "(8 - 2) / (3 - 1) = 3" in right.message
    assert is_wrong(lesson00.check_line_slope(1 / 3, points=points), "upside down")
    assert is_wrong(lesson00.check_line_slope(6, points=points), "6 is how much y changes")
    assert is_wrong(lesson00.check_line_slope(2, points=points), "2 is how much x changes")
    assert is_wrong(lesson00.check_line_slope(1.5, points=points), "half the slope")


def test_notebook_demo_gives_nothing_of_exercise_01_away():
    import ast
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "notebooks" / "00-start-here.ipynb"
    demos = [node for cell in json.loads(path.read_text())["cells"]
             if cell["cell_type"] == "code"
             for node in ast.walk(ast.parse("".join(cell["source"])))
             if isinstance(node, ast.Call) and getattr(node.func, "attr", "") ==
             "check_line_slope" and not isinstance(node.args[0], ast.Name)]
    assert len(demos) == 1
    keywords = {k.arg: ast.literal_eval(k.value) for k in demos[0].keywords}
    points = [tuple(map(float, p)) for p in keywords["points"]]
    assert points != [lesson00.P1, lesson00.P2]
    answer = eval(compile(ast.Expression(demos[0].args[0]), "demo", "eval"))
    assert answer != 0.5  # 0.1's own run / rise would give its answer away
    assert is_wrong(lesson00.check_line_slope(answer, points=points), "upside down")


def test_line_slope_never_scolds_a_chain_rule_in_lesson_00():
    for answer in (-2, 4, 1, 2.25, 0.5):
        assert "chain rule" not in lesson00.check_line_slope(answer).message


def test_line_slope_placeholder():
    assert is_not_attempted(lesson00.check_line_slope(...))


def test_line_slope_and_average_rate_share_a_tolerance():
    assert lesson00.RTOL == 1e-6
    assert is_right(lesson00.check_line_slope(2 * (1 + 0.9e-6)))
    assert is_wrong(lesson00.check_line_slope(2 * (1 + 1.1e-6)))
    rate = lesson00._rate
    assert is_right(lesson00.check_average_rate(lambda f, a, b: rate(f, a, b) * (1 + 0.9e-6)))
    assert is_wrong(lesson00.check_average_rate(lambda f, a, b: rate(f, a, b) * (1 + 1.1e-6)))


def test_average_rate_reference(sol00):
    assert is_right(lesson00.check_average_rate(sol00.average_rate))


def test_average_rate_other_correct_spellings():
    def rate(f, a, b):
        fa, fb = f(a), f(b)
        return -(fa - fb) / (b - a)

    assert is_right(lesson00.check_average_rate(rate))
    assert is_right(lesson00.check_average_rate(lambda f, a, b: (f(a) - f(b)) / (a - b)))
    assert is_right(lesson00.check_average_rate(lambda f, a, b: Value(f(b) - f(a)) / (b - a)))


@pytest.mark.parametrize("fn, words", [
    (lambda f, a, b: f(b) - f(a), ["Divide it by the change in x"]),
    (lambda f, a, b: (b - a) / (f(b) - f(a)), ["Upside down"]),
    (lambda f, a, b: (f(a) - f(b)) / (b - a), ["sign is flipped"]),
    (lambda f, a, b: f(b) - f(a) / (b - a), ["brackets around the top"]),
    (lambda f, a, b: f(b) - f(a) / b - a, ["f(b) - f(a) / b - a",
                                           "around the top and around the bottom"]),
    (lambda f, a, b: (f(b) - f(a)) / b - a, ["brackets around the bottom"]),
    (lambda f, a, b: (b * b - a * a) / (b - a), ["always use x**2"]),
    (lambda f, a, b: b - a, ["change in x"]),
    (lambda f, a, b: (f(b) + f(a)) / (b - a), ["For f(x) = x**2, a = 1, b = 3",
                                               "returned 5", "right answer is 4"]),
    (lambda f, a, b: "slope", ["single number"]),
    (broken, ["ZeroDivisionError", "For f(x) = x**2, a = 1, b = 3"]),
    (lambda f: 1.0, ["TypeError"]),  # wrong number of parameters
    (4.0, ["got a float, 4.0", "Pass the function itself",
           "ex.check_average_rate(average_rate), without calling it"]),
    (lambda f, a, b: print(end=""), ["Your function returned None", "forget `return`"]),
    # off by 1.2e-6 relative: 6 digits would read "returned 4, but the right answer is 4"
    (lambda f, a, b: (f(b) - f(a)) / (b - a) * 1.0000012,
     ["returned 4.000005, but the right answer is 4."]),
    (lambda f, a, b: (f(b) - f(a)) / (b - a) + 1e-5,
     ["returned 4.00001, but the right answer is 4."]),
])
def test_average_rate_mistakes(fn, words):
    assert is_wrong(lesson00.check_average_rate(fn), *words)


def test_average_rate_wrong_answers_never_read_the_same_as_the_right_one():
    for error in (1.1e-6, 2e-6, 5e-6, 1e-5, 1e-3):
        for _, (f, a, b) in lesson00.AVERAGE_RATE_CASES:
            message = lesson00.check_average_rate(
                lambda g, x, y, f=f, a=a, b=b, e=error: lesson00._rate(g, x, y)
                + (e * abs(lesson00._rate(f, a, b)) * 1.5 if (g, x, y) == (f, a, b) else 0)
            ).message
            got, right = message.split(" returned ")[1].split(", but the right answer is ")
            assert got != right.rstrip("."), message


@pytest.mark.parametrize("fn", [..., None, placeholder_function, not_implemented])
def test_average_rate_placeholder(fn):
    assert is_not_attempted(lesson00.check_average_rate(fn))


# ---------- lesson 01 ----------


def test_derivative_reference(sol01):
    assert is_right(lesson01.check_derivative(sol01.slope))
    assert is_right(lesson01.check_derivative(7))
    assert is_right(lesson01.check_derivative(Value(7.0)))


@pytest.mark.parametrize("answer, words", [
    (-2, ["f(2)", "height"]),
    (19, ["lowers the exponent"]),
    (-1, ["forget the 3"]),
    (1, ["x squared"]),
    (12, ["-5*x part"]),
    (17, ["subtract 5"]),
    (14, ["Twice"]),
    (-7, ["sign is flipped"]),
    (3 * 2**2 - 5 * 2, ["derivative of -5*x is -5", "not -5*x"]),
    (3 * 0.5**2 - 5, ["some other x", "x = 0.5", "Put in x = 2"]),
    (7.00006, ["numerical estimate"]),
    (5, ["not right yet"]),
    ([7, 7], ["single number"]),
])
def test_derivative_mistakes(answer, words):
    assert is_wrong(lesson01.check_derivative(answer), *words)


def test_derivative_leftover_x_is_the_notebooks():
    """The leftover-x hint names the x that the table check before Exercise 1.1 sets."""
    import json
    import re
    from pathlib import Path

    notebook = Path(__file__).parents[1] / "notebooks/01-derivatives-and-the-chain-rule.ipynb"
    cells = json.loads(notebook.read_text())["cells"]
    sources = ["".join(cell["source"]) for cell in cells]
    exercise = next(i for i, src in enumerate(sources) if "ex.check_derivative(" in src)
    assignments = [src for src in sources[:exercise] if re.search(r"^x, h = ", src, re.M)]
    assert re.search(rf"^x, h = {lesson01.LEFTOVER_X:g}, ", assignments[-1], re.M)


@pytest.mark.parametrize("answer", [..., None])
def test_derivative_placeholder(answer):
    assert is_not_attempted(lesson01.check_derivative(answer))


def test_central_difference_reference(sol01):
    assert is_right(lesson01.check_central_difference(sol01.central_difference))


def test_central_difference_other_correct_spellings():
    def halves(f, x, h):
        return 0.5 * (f(x + h) - f(x - h)) / h

    def two_slopes(f, x, h):  # the mean of the forward and backward differences
        return ((f(x + h) - f(x)) / h + (f(x) - f(x - h)) / h) / 2

    assert is_right(lesson01.check_central_difference(halves))
    assert is_right(lesson01.check_central_difference(two_slopes))


def own_small_step(f, x, h):
    h = 1e-6
    return (f(x + h) - f(x - h)) / (2 * h)


@pytest.mark.parametrize("fn, words", [
    (lambda f, x, h: (f(x + h) - f(x)) / h, ["forward difference"]),
    (lambda f, x, h: (f(x) - f(x - h)) / h, ["backward difference"]),
    (lambda f, x, h: (f(x + h) - f(x - h)) / h, ["Twice too large", "2 * h"]),
    (lambda f, x, h: (f(x + h) - f(x - h)) / 2 * h, ["(... / 2) * h"]),
    (lambda f, x, h: (f(x - h) - f(x + h)) / (2 * h), ["sign is flipped"]),
    (lambda f, x, h: f(x + h) - f(x - h) / (2 * h), ["brackets around the top"]),
    (own_small_step, ["its own small step"]),
    (lambda f, x, h: (f(x + h) - f(x - h)) / (3 * h),
     ["For f(x) = x**3, x = 1, h = 0.5", "returned 2.16667", "right answer is 3.25"]),
    (lambda f, x, h: [f(x), f(x)], ["single number"]),
    (lambda f, x, h: math.log(-x), ["ValueError", "math domain error"]),
    (lambda f, x, h: f(x + h, x - h), ["TypeError"]),
])
def test_central_difference_mistakes(fn, words):
    assert is_wrong(lesson01.check_central_difference(fn), *words)


@pytest.mark.parametrize("fn", [..., None, placeholder_function, not_implemented])
def test_central_difference_placeholder(fn):
    assert is_not_attempted(lesson01.check_central_difference(fn))


def test_chain_rule_reference(sol01):
    assert is_right(lesson01.check_chain_rule(sol01.dg_dx))


def test_chain_rule_other_correct_spellings():
    assert is_right(lesson01.check_chain_rule(lambda x: 3 / math.cosh(3 * x + 1) ** 2))
    assert is_right(lesson01.check_chain_rule(lambda x: 3 * (1 - np.tanh(3 * x + 1) ** 2)))

    def numerically(x, h=1e-5):  # a central difference is not the chain rule
        g = lambda t: math.tanh(3 * t + 1)  # noqa: E731
        return (g(x + h) - g(x - h)) / (2 * h)

    assert is_wrong(lesson01.check_chain_rule(numerically), "numerical estimate")


@pytest.mark.parametrize("fn, words", [
    (lambda x: 1 - math.tanh(3 * x + 1) ** 2, ["inner", "du/dx = 3"]),
    (lambda x: 3 * (1 - math.tanh(x) ** 2), ["inner value"]),
    (lambda x: 3 * (1 - math.tanh(3 * x + 1)), ["forgot to square"]),
    (lambda x: (3 * x + 1) * (1 - math.tanh(3 * x + 1) ** 2), ["which is 3, not by u"]),
    (lambda x: math.tanh(3 * x + 1), ["g(x) itself"]),
    (lambda x: 3 * math.tanh(3 * x + 1), ["not tanh(u)"]),
    (lambda x: 3 * (1 - (3 * x + 1) ** 2), ["Square tanh(u), not u"]),
    (lambda x: 3 * (1 + math.tanh(3 * x + 1) ** 2), ["minus, not plus"]),
    (lambda x: (1 - math.tanh(3 * x + 1) ** 2) * 3 * x, ["constant 3, not 3x"]),
    (lambda x: 3 * (1 - math.tanh(3 * x + 1)) ** 2, ["squares the whole bracket"]),
    (lambda x: 1 - math.tanh(3 * x + 1) ** 2 * 3, ["multiplies before it subtracts"]),
    (lambda x: 2 * (1 - math.tanh(3 * x + 1) ** 2), ["For x = -1", "right answer is"]),
    (lambda x: 1 / x, ["For x = 0", "ZeroDivisionError"]),
])
def test_chain_rule_mistakes(fn, words):
    assert is_wrong(lesson01.check_chain_rule(fn), *words)


@pytest.mark.parametrize("fn", [..., None, placeholder_function, not_implemented])
def test_chain_rule_placeholder(fn):
    assert is_not_attempted(lesson01.check_chain_rule(fn))


# ---------- lesson 02 ----------


def test_forward_reference(sol02):
    assert is_right(lesson02.check_forward(sol02.out))


def test_forward_refuses_the_value_and_accepts_four_digits():
    x, y, z = Value(0.5), Value(-1.5), Value(3.0)
    assert is_wrong(lesson02.check_forward(z * (x + y).exp()), "math.exp", "don't pass out")
    assert is_right(lesson02.check_forward((z * (x + y).exp()).data))
    assert is_right(lesson02.check_forward(1.104))


@pytest.mark.parametrize("answer, words", [
    (math.exp(-1), ["exp node", "multiplies it by z"]),
    (-1.0, ["+ node"]),
    (-3.0, ["skipped the exp node"]),
    (math.exp(0.5 - 4.5), ["adds x and y only"]),
    (3 * math.exp(0.5) - 1.5, ["exp is taken of their sum"]),
    (3 + math.exp(-1), ["not +"]),
    (-3 * math.exp(-1), ["sign"]),
    (3 * math.exp(2), ["22.17 is z * exp(x - y)", "adds y = -1.5"]),
    (math.exp(-3), ["0.0498 is exp(z * (x + y))", "after the exp"]),
    (2.0, ["not right yet"]),
])
def test_forward_mistakes(answer, words):
    assert is_wrong(lesson02.check_forward(answer), *words)


@pytest.mark.parametrize("answer", [..., None])
def test_forward_placeholder(answer):
    assert is_not_attempted(lesson02.check_forward(answer))


def test_local_gradients_reference(sol02):
    s = sol02
    assert is_right(lesson02.check_local_gradients(s.d_mul_da, s.d_mul_db, s.d_tanh, s.d_pow))
    assert is_right(lesson02.check_local_gradients(-2, 3, 0.7864, 12))  # 4 digits are enough


def test_local_gradients_agree_with_value():
    a, b, u, v = Value(3.0), Value(-2.0), Value(0.5), Value(2.0)
    q, t, p = a * b, u.tanh(), v**3
    assert is_right(lesson02.check_local_gradients(*q.local_grads, *t.local_grads,
                                                   *p.local_grads))


RIGHT = {"d_mul_da": -2.0, "d_mul_db": 3.0, "d_tanh": 1 - math.tanh(0.5) ** 2, "d_pow": 12.0}


def local(**changes):
    answers = dict(RIGHT, **changes)
    return lesson02.check_local_gradients(answers["d_mul_da"], answers["d_mul_db"],
                                          answers["d_tanh"], answers["d_pow"])


@pytest.mark.parametrize("changes, words", [
    ({"d_mul_da": 3.0, "d_mul_db": -2.0}, ["swapped"]),
    ({"d_mul_da": 3.0}, ["d_mul_da:", "*other* input, b"]),
    ({"d_mul_db": -2.0}, ["d_mul_db:", "*other* input, a"]),
    ({"d_mul_da": -6.0}, ["value of a*b"]),
    ({"d_mul_db": 1.0}, ["local derivative of +"]),
    ({"d_mul_da": 2.0}, ["Keep the sign"]),
    ({"d_tanh": math.tanh(0.5)}, ["d_tanh:", "the output"]),
    ({"d_tanh": 0.75}, ["Square tanh(s), not s"]),
    ({"d_tanh": 1 - math.tanh(0.7) ** 2}, ["d_tanh: not yet", "u = 0.7", "s = 0.5"]),
    ({"d_pow": 3 * (-1.3) ** 2}, ["d_pow: not yet", "v = -1.3", "t = 2"]),
    ({"d_tanh": 1 - math.tanh(0.5)}, ["Square the tanh"]),
    ({"d_tanh": 1 + math.tanh(0.5) ** 2}, ["Minus, not plus"]),
    ({"d_pow": 8.0}, ["d_pow:", "the output"]),
    ({"d_pow": 24.0}, ["lowers the exponent"]),
    ({"d_pow": 4.0}, ["forget the 3"]),
    ({"d_pow": 6.0}, ["t squared"]),
    ({"d_pow": 13.0}, ["d_pow is 13", "not right yet"]),
    ({"d_pow": "twelve"}, ["single number"]),
    ({"d_tanh": np.array([0.7864, 0.7864])}, ["single number"]),
])
def test_local_gradients_mistakes(changes, words):
    assert is_wrong(local(**changes), *words)


def test_local_gradients_placeholders():
    assert is_not_attempted(lesson02.check_local_gradients(..., ..., ..., ...))
    partly = local(d_tanh=..., d_pow=None)
    assert partly.ok is None and "2 of 4 right so far" in partly.message
    assert "d_tanh, d_pow" in partly.message
    assert is_wrong(local(d_mul_da=3.0, d_pow=...), "d_mul_da: not yet")  # a mistake comes first


def test_local_gradients_one_line_per_answer():
    lines = local(d_mul_db=-2.0, d_pow=...).message.splitlines()
    assert lines == ["2 of 4 right so far; one line per answer:", "d_mul_da: right",
                     "d_mul_db: not yet. d(a*b)/db is the *other* input, a: nudge b by 1 and"
                     " a*b moves by a.", "d_tanh: right", "d_pow: still ... (to do)"]
    assert "<br>d_mul_da: right<br>" in local(d_mul_db=-2.0)._repr_html_()


def test_graph_counts_reference(sol02):
    assert is_right(lesson02.check_graph_counts(sol02.n_nodes, sol02.n_leaves))


def test_graph_counts_match_the_drawing():
    from backproplab import topological_sort
    x1, w1, x2, w2, b = (Value(v, label=n) for v, n in
                         [(1.0, "x1"), (2.0, "w1"), (3.0, "x2"), (4.0, "w2"), (5.0, "b")])
    nodes = topological_sort((x1 * w1 + x2 * w2 + b).tanh())
    leaves = [n for n in nodes if not n.parents]
    assert is_right(lesson02.check_graph_counts(len(nodes), len(leaves)))


@pytest.mark.parametrize("n_nodes, n_leaves, words", [
    (10, 3, ["n_leaves:", "x1, x2, w1, w2 and b"]),
    (10, 2, ["weights w1, w2 and the bias b"]),
    (10, 10, ["That is every node"]),
    (15, 5, ["Ovals are not nodes"]),
    (9, 5, ["two + nodes"]),
    (5, 5, ["only half"]),
    (12, 5, ["n_nodes is 12", "count its boxes", "draw_graph((x1*w1 + x2*w2 + b).tanh())"]),
    (10, "five", ["single number"]),
])
def test_graph_counts_mistakes(n_nodes, n_leaves, words):
    assert is_wrong(lesson02.check_graph_counts(n_nodes, n_leaves), *words)


def test_graph_counts_placeholders():
    assert is_not_attempted(lesson02.check_graph_counts(..., ...))
    half = lesson02.check_graph_counts(..., 5)
    assert half.ok is None and "n_nodes" in half.message
    assert is_wrong(lesson02.check_graph_counts(None, 4), "n_leaves:")


# ---------- never raise ----------


CHECKERS = [
    (lesson00.check_line_slope, 1),
    (lesson00.check_average_rate, 1),
    (lesson01.check_derivative, 1),
    (lesson01.check_central_difference, 1),
    (lesson01.check_chain_rule, 1),
    (lesson02.check_forward, 1),
    (lesson02.check_local_gradients, 4),
    (lesson02.check_graph_counts, 2),
]
ODD_ANSWERS = [..., None, 0, -1e308, math.nan, "7", "abc", [1, 2], {}, object(), np.zeros(3),
               Value(1.0), broken, not_implemented, placeholder_function, lambda *a: math.nan,
               lambda *a: "x", lambda *a: None, True, 1e-320]


@pytest.mark.parametrize("checker, n_args", CHECKERS)
@pytest.mark.parametrize("answer", ODD_ANSWERS)
def test_checkers_never_raise(checker, n_args, answer):
    feedback = checker(*[answer] * n_args)
    assert isinstance(feedback, Feedback)
    assert feedback.ok in (True, False, None)
    assert isinstance(feedback.message, str) and feedback.message
