"""Lesson 04's grown engine: exercises 4.3 (/ for TinyValue) and 4.4 (tanh built from exp),
the reference solutions' TinyValue (-, /, the traced topological sort), and the claims the
lesson prints about them. The corpus (tests/corpus/lesson04.py) judges learner answers."""

import math

import pytest
from exercise_checks import is_not_attempted, is_right, is_wrong, load_solution

from backproplab import Value
from backproplab.exercises import lesson04


@pytest.fixture(scope="module")
def sol04():
    return load_solution("lesson04")


def test_reference_solutions_pass(sol04):
    assert is_right(lesson04.check_tiny_div(sol04.TinyValue))
    assert is_right(lesson04.check_tanh_from_exp(sol04.tanh_from_exp))
    assert is_right(lesson04.check_broken_op(sol04.broken_op))


def test_tiny_value_subtraction_and_negation_are_composed(sol04):
    T = sol04.TinyValue
    a, b = T(2.0), T(-3.0)
    d = a - b
    assert d.data == 5.0 and d.op == "+"  # a + (-b): no op of its own
    d.backward()
    assert (a.grad, b.grad) == (1.0, -1.0)
    e = 1 - T(0.25)  # __rsub__
    assert e.data == 0.75
    assert (-T(1.5)).data == -1.5


def test_tiny_value_division_matches_value(sol04):
    T = sol04.TinyValue
    a, b = T(0.5), T(2.0)
    out = (a + b) / (a * b) + a / 4
    ref_a, ref_b = Value(0.5), Value(2.0)
    ref = (ref_a + ref_b) / (ref_a * ref_b) + ref_a / 4
    out.backward()
    ref.backward()
    assert math.isclose(out.data, ref.data, rel_tol=1e-12)
    assert math.isclose(a.grad, ref_a.grad, rel_tol=1e-12)
    assert math.isclose(b.grad, ref_b.grad, rel_tol=1e-12)


@pytest.mark.parametrize("x0", [-2.0, -0.3, 0.0, 0.5, 3.0])
def test_tanh_from_exp_on_the_learners_engine_matches_the_one_op(sol04, x0):
    x, y = sol04.TinyValue(x0), sol04.TinyValue(x0)
    built, one_op = sol04.tanh_from_exp(x), y.tanh()
    built.backward()
    one_op.backward()
    assert math.isclose(built.data, one_op.data, rel_tol=1e-12, abs_tol=1e-15)
    assert math.isclose(x.grad, y.grad, rel_tol=1e-9)
    assert len(sol04.tiny_topological_sort(built)) > len(sol04.tiny_topological_sort(one_op)) == 2


def test_traced_sort_prints_every_step_and_skips_a_seen_node(sol04, capsys):
    T = sol04.TinyValue
    a, b = T(2.0), T(-3.0)
    ab = a * b
    c = ab + a
    order = sol04.tiny_topological_sort(c, names={a: "a", b: "b", ab: "ab", c: "c"})
    lines = capsys.readouterr().out.splitlines()
    assert order == [a, b, ab, c]
    assert len(lines) == 9  # 4 visits, 4 places, 1 visit of a node already seen
    assert lines[0].startswith("popped visit c") and lines[0].endswith(
        "stack [place:c visit:a visit:ab]")
    assert sum("(seen)" in line for line in lines) == 1 and "visit a (seen)" in lines[7]
    assert "order [a b ab c]" in lines[-1] and lines[-1].endswith("stack []")
    assert sol04.tiny_topological_sort(c) == order  # without names: silent, same order
    assert capsys.readouterr().out == ""


def test_solution_neuron_trains_like_the_lesson(sol04):
    """The lesson trains tanh(w1 x1 + w2 x2 + b) with TinyValue and says the loss falls."""
    T = sol04.TinyValue
    X = [(2.0, 1.0), (-1.0, -1.5), (1.5, -0.5), (-0.5, 1.0)]
    Y = [1.0, -1.0, 1.0, -1.0]
    params = [T(0.1), T(-0.3), T(0.0)]
    losses = []
    for _ in range(31):
        loss = 0
        for (x1, x2), y in zip(X, Y):
            err = (params[0] * x1 + params[1] * x2 + params[2]).tanh() - y
            loss = loss + err * err
        for p in params:
            p.grad = 0.0
        loss.backward()
        for p in params:
            p.data -= 0.1 * p.grad
        losses.append(loss.data)
    assert all(b < a for a, b in zip(losses, losses[1:]))
    assert losses[0] > 3.9 and losses[-1] < 0.02


def test_div_hints_fire_only_for_their_mistake(sol04):
    """A wrong / whose local derivatives match no listed mistake gets the generic hint."""
    def div_odd(self, other):
        other = other if isinstance(other, sol04.TinyValue) else sol04.TinyValue(other)
        a, b = self.data, other.data
        return sol04.TinyValue(a / b, (self, other), (1 / b, -a / b**3), "/")

    cls = type("TinyValue", (sol04.TinyValue,), {"__truediv__": div_odd})
    feedback = lesson04.check_tiny_div(cls)
    assert is_wrong(feedback, "d(a/b)/da = 1/b, d(a/b)/db = -a/b**2")
    for _, why in lesson04.DIV_MISTAKES:
        assert why not in feedback.message


def test_div_without_backward_and_placeholders(sol04):
    class NoBackward:
        def __init__(self, data):
            self.data = data

        def __truediv__(self, other):
            return NoBackward(self.data / other.data)

    assert is_wrong(lesson04.check_tiny_div(NoBackward), "no backward")
    assert is_not_attempted(lesson04.check_tiny_div(None))
    assert is_wrong(lesson04.check_tiny_div(3), "class itself")


def test_tanh_generic_message_names_a_point():
    feedback = lesson04.check_tanh_from_exp(lambda x: x.exp() * 0.5)
    assert is_wrong(feedback, "tanh_from_exp(-2) gives", "(e**(2x) - 1) / (e**(2x) + 1)")


def test_tanh_result_that_ignores_x():
    feedback = lesson04.check_tanh_from_exp(lambda x: Value(0.0).exp())
    assert is_wrong(feedback, "does not depend on the node x")


def test_tanh_checker_leaves_values_alone_and_reports_node_count(sol04):
    feedback = lesson04.check_tanh_from_exp(sol04.tanh_from_exp)
    assert "10 nodes where x.tanh() has 2" in feedback.message
