"""The checkers of lessons 08-10: the reference solutions pass, typical mistakes get
their own hint, placeholders are "not attempted yet", and nothing raises."""

import math
import warnings

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

from backproplab.exercises import lesson08, lesson09, lesson10
from backproplab.exercises.feedback import Feedback


@pytest.fixture(scope="module")
def sol08():
    return load_solution("lesson08")


@pytest.fixture(scope="module")
def sol09():
    return load_solution("lesson09")


@pytest.fixture(scope="module")
def sol10():
    return load_solution("lesson10")














# ---------- lesson 08: optimizers ----------


def test_stable_lr_accepts_the_solution_and_the_number(sol08):
    assert is_right(lesson08.check_stable_lr(sol08.lr_max))
    assert is_right(lesson08.check_stable_lr(0.125))
    assert is_right(lesson08.check_stable_lr(np.float64(2 / 16)))


@pytest.mark.parametrize("answer, words", [
    (1 / 16, ["1/16", "single step"]),
    (0.25, ["2/8", "16y"]),
    (1 / 8 + 1e-3, ["not right yet", "past -1", "go lower"]),
    (0.124, ["not right yet", "still inside (-1, 1)", "go higher"]),
    (1.0, ["x direction"]),
    (0.5, ["flat x direction"]),
    (2 / 18, ["balances"]),
    (-0.125, ["wrong sign"]),
    ("fast", ["single number"]),
    (float("inf"), ["overflow"]),
])
def test_stable_lr_hints(answer, words):
    assert is_wrong(lesson08.check_stable_lr(answer), *words)


def test_stable_lr_not_attempted():
    assert is_not_attempted(lesson08.check_stable_lr(...))
    assert is_not_attempted(lesson08.check_stable_lr(None))


def classic_momentum(theta, grad, state, lr, momentum):
    """The other common form, v = mu v - lr g; theta + v: identical for a fixed lr."""
    state["v"] = momentum * state.get("v", 0.0) - lr * grad
    return theta + state["v"]


def momentum_as_list(theta, grad, state, lr, momentum):
    state["b"] = momentum * state.get("b", 0.0) + grad
    return list(theta - lr * state["b"])


def test_momentum_accepts_every_correct_form(sol08):
    assert is_right(lesson08.check_momentum_step(sol08.momentum_step))
    assert is_right(lesson08.check_momentum_step(classic_momentum))
    assert is_right(lesson08.check_momentum_step(momentum_as_list))


def in_place_momentum(theta, grad, state, lr, momentum):
    """Changes theta in place and returns it: fine, the checker passes copies."""
    if "b" not in state:
        state["b"] = np.zeros_like(theta)
    state["b"] *= momentum
    state["b"] += grad
    theta -= lr * state["b"]
    return theta


def test_momentum_in_place_updates_are_fine():
    assert is_right(lesson08.check_momentum_step(in_place_momentum))


def plain_sgd(theta, grad, state, lr, momentum):
    return theta - lr * grad


def ema_momentum(theta, grad, state, lr, momentum):
    state["b"] = momentum * state.get("b", 0.0) + (1 - momentum) * grad
    return theta - lr * state["b"]


def old_velocity(theta, grad, state, lr, momentum):
    b_old = state.get("b", 0.0)
    state["b"] = momentum * b_old + grad
    return theta - lr * b_old


def uphill(theta, grad, state, lr, momentum):
    state["b"] = momentum * state.get("b", 0.0) + grad
    return theta + lr * state["b"]


def nesterov(theta, grad, state, lr, momentum):
    state["b"] = momentum * state.get("b", 0.0) + grad
    return theta - lr * (grad + momentum * state["b"])


def never_forgets(theta, grad, state, lr, momentum):
    state["b"] = state.get("b", 0.0) + grad
    return theta - lr * state["b"]


def not_stored(theta, grad, state, lr, momentum):
    b = momentum * state.get("b", 0.0) + grad  # computed but never kept: plain SGD
    return theta - lr * b


def twice_momentum(theta, grad, state, lr, momentum):
    state["b"] = momentum * state.get("b", 0.0) + grad
    state["b"] = momentum * state["b"] + grad  # updated twice per call
    return theta - lr * state["b"]


def double_lr(theta, grad, state, lr, momentum):
    state["b"] = momentum * state.get("b", 0.0) + grad
    return theta - 2 * lr * state["b"]


def returns_pair(theta, grad, state, lr, momentum):
    return theta - lr * grad, state


def returns_scalar(theta, grad, state, lr, momentum):
    return float(np.sum(theta))


@pytest.mark.parametrize("fn, words", [
    (plain_sgd, ["plain SGD"]),
    (not_stored, ["plain SGD"]),
    (ema_momentum, ["average the gradients"]),
    (old_velocity, ["velocity of the step before"]),
    (uphill, ["uphill"]),
    (nesterov, ["Nesterov"]),
    (never_forgets, ["without forgetting"]),
    (twice_momentum, ["at step 1", "empty"]),
    (double_lr, ["at step 1", "should be"]),
    (returns_pair, ["pair", "state"]),
    (returns_scalar, ["shape (3,)"]),
    (broken, ["At step 1", "ZeroDivisionError"]),
])
def test_momentum_hints(fn, words):
    assert is_wrong(lesson08.check_momentum_step(fn), *words)


def right_first_step_only(theta, grad, state, lr, momentum):
    """Correct at step 1, then keeps only the latest gradient in b."""
    state["b"] = grad if "b" not in state else 0.5 * state["b"] + grad
    return theta - lr * state["b"]


def test_momentum_reports_the_first_differing_step():
    feedback = lesson08.check_momentum_step(right_first_step_only)
    assert is_wrong(feedback, "Steps 1 to 1 agree", "at step 2", "keeps in `state`")


def test_momentum_not_attempted():
    for answer in (..., None, placeholder_function, not_implemented):
        assert is_not_attempted(lesson08.check_momentum_step(answer))


def torch_form_adam(theta, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] = state.get("t", 0) + 1
    state["m"] = state.get("m", np.zeros_like(theta)) * beta1 + (1 - beta1) * grad
    state["v"] = state.get("v", np.zeros_like(theta)) * beta2 + (1 - beta2) * grad * grad
    step = lr / (1 - beta1**t)
    return theta - step * state["m"] / (np.sqrt(state["v"]) / math.sqrt(1 - beta2**t) + eps)


def test_adam_accepts_every_correct_form(sol08):
    assert is_right(lesson08.check_adam_step(sol08.adam_step))
    assert is_right(lesson08.check_adam_step(torch_form_adam))


def adam_variant(**change):
    rule = lesson08._adam_rule(**change)

    def adam_step(theta, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        return rule(theta, grad, state)

    return adam_step


@pytest.mark.parametrize("change, words", [
    (dict(correct_m=False, correct_v=False), ["bias correction"]),
    (dict(correct_m=False), ["corrected v but not m"]),
    (dict(correct_v=False), ["corrected m but not v"]),
    (dict(eps_inside=True), ["inside the square root"]),
    (dict(frozen_t=True), ["step counter"]),
    (dict(m_without_1_minus=True), ["(1 - beta1) * grad"]),
    (dict(swapped=True), ["swapped"]),
    (dict(no_sqrt=True), ["square root of v_hat"]),
    (dict(sign=+1), ["uphill"]),
])
def test_adam_hints(change, words):
    assert is_wrong(lesson08.check_adam_step(adam_variant(**change)), *words)


def adam_t_from_zero(theta, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state.get("t", 0)  # the correction then divides by 1 - beta**0 = 0
    state["t"] = t + 1
    state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * grad
    state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * grad**2
    m_hat, v_hat = state["m"] / (1 - beta1**t), state["v"] / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps)


def adam_with_math_sqrt(theta, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return theta - lr * grad / (math.sqrt(grad) + eps)  # math.sqrt fails on arrays


def test_adam_failures_are_reported_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning may escape the checker
        assert is_wrong(lesson08.check_adam_step(adam_t_from_zero), "at step 1", "NaN or inf")
        assert is_wrong(lesson08.check_adam_step(adam_with_math_sqrt), "At step 1", "TypeError")


def test_adam_not_attempted():
    for answer in (..., None, placeholder_function, not_implemented):
        assert is_not_attempted(lesson08.check_adam_step(answer))


def test_the_reference_paths_come_from_the_library():
    """The checkers compare with backproplab.optim, whose step 1 can be done by hand."""
    g = lesson08.GRADS[0]
    np.testing.assert_allclose(lesson08.reference_momentum_path()[0],
                               lesson08.THETA0 - lesson08.LR_MOMENTUM * g)
    first_adam_step = lesson08.LR_ADAM * g / (np.abs(g) + lesson08.EPS)  # m_hat = g, v_hat = g^2
    np.testing.assert_allclose(lesson08.reference_adam_path()[0],
                               lesson08.THETA0 - first_adam_step, rtol=1e-12)


# ---------- lesson 09: the training playground ----------


@pytest.mark.parametrize("check, answer", [
    (lesson09.check_linear_prediction, lesson09.LINEAR_ANSWER),
    (lesson09.check_noise_prediction, lesson09.NOISE_ANSWER),
])
def test_predictions_accept_the_letter_in_any_spelling(check, answer):
    for spelling in (answer, answer.upper(), f" {answer} ", f"({answer})", f"'{answer}'"):
        assert is_right(check(spelling))


def test_prediction_solutions(sol09):
    assert is_right(lesson09.check_linear_prediction(sol09.linear_answer))
    assert is_right(lesson09.check_noise_prediction(sol09.noise_answer))


@pytest.mark.parametrize("check, letter, words", [
    (lesson09.check_linear_prediction, "a", ["Not a", "still linear"]),
    (lesson09.check_linear_prediction, "c", ["Not c", "one linear layer"]),
    (lesson09.check_noise_prediction, "a", ["Not a", "test accuracy falls"]),
    (lesson09.check_noise_prediction, "c", ["Not c", "train accuracy stays high"]),
    (lesson09.check_linear_prediction, "d", ["one letter"]),
    (lesson09.check_noise_prediction, 2, ["one letter"]),
])
def test_prediction_hints(check, letter, words):
    assert is_wrong(check(letter), *words)


def test_predictions_not_attempted():
    for check in (lesson09.check_linear_prediction, lesson09.check_noise_prediction):
        assert is_not_attempted(check(...))
        assert is_not_attempted(check(None))


def test_circles_settings_solution_trains_to_the_target(sol09):
    assert is_right(lesson09.check_circles_settings(sol09.settings))


def test_circles_settings_accept_other_solutions():
    feedback = lesson09.check_circles_settings({"hidden": [3], "activation": "tanh", "lr": 1})
    assert is_right(feedback)
    assert "test accuracy" in feedback.message


@pytest.mark.parametrize("settings, words", [
    ({"optimizer": "Adam"}, ["plain SGD"]),
    ({"hidden": "16,16"}, ["32 hidden units"]),
    ({"steps": 500}, ["At most 200 steps"]),
    ({"dataset": "moons"}, ["keeps dataset"]),
    ({"noise": 0.3}, ["keeps noise"]),
    ({"learning_rate": 1.0}, ["unknown setting", "'learning_rate'"]),
    ({"lr": "fast"}, ["lr should be a number"]),
    ({"lr": 100.0}, ["lr should be a number"]),
    ({"batch_size": 5}, ["batch_size"]),
    ({"hidden": "8,x"}, ["not a layer size"]),
    ({"activation": "swish"}, ["not one of"]),
    ({"steps": 0}, ["positive whole number"]),
    ([("lr", 1.0)], ["should be a dict"]),
])
def test_circles_settings_that_are_refused_without_training(settings, words):
    assert is_wrong(lesson09.check_circles_settings(settings), *words)


@pytest.mark.parametrize("settings, words", [
    ({"lr": 0.1}, ["learning too slowly", "more than 0.1"]),
    ({"lr": 10.0}, ["did not go down", "smaller learning rate"]),
    ({"hidden": "", "lr": 1.0}, ["no hidden layer", "straight line"]),
    ({"activation": "linear", "lr": 1.0}, ["linear", "straight line"]),
    ({"hidden": "2", "lr": 1.0}, ["at least 3"]),
])
def test_circles_settings_that_train_but_miss(settings, words):
    assert is_wrong(lesson09.check_circles_settings(settings), "test accuracy", *words)


def test_circles_settings_not_attempted():
    assert is_not_attempted(lesson09.check_circles_settings(...))
    assert is_not_attempted(lesson09.check_circles_settings(None))


# ---------- lesson 10: diagnosing gradients ----------


def test_chance_loss_accepts_the_solution_and_close_values(sol10):
    assert is_right(lesson10.check_chance_loss(sol10.chance_loss))
    assert is_right(lesson10.check_chance_loss(np.log(5)))
    assert is_right(lesson10.check_chance_loss(1.609))


@pytest.mark.parametrize("answer, words", [
    (0.2, ["probability"]),
    (math.log2(5), ["log base 2"]),
    (math.log10(5), ["log base 10"]),
    (-math.log(5), ["sign"]),
    (math.log(2), ["two classes"]),
    (math.log(3), ["log 3", "3 classes"]),
    (5, ["number of classes"]),
    (0.8, ["guessing wrong"]),
    (-math.log(0.8), ["-log(4/5)"]),
    (3.0, ["not right yet"]),
    ("log 5", ["single number"]),
])
def test_chance_loss_hints(answer, words):
    assert is_wrong(lesson10.check_chance_loss(answer), *words)


def test_chance_loss_not_attempted():
    assert is_not_attempted(lesson10.check_chance_loss(...))


def test_init_choice_accepts_he_in_any_spelling(sol10):
    for answer in (sol10.init_choice, "He", " he ", "kaiming"):
        feedback = lesson10.check_init_choice(answer)
        assert is_right(feedback)
        assert "activation std" in feedback.message


@pytest.mark.parametrize("answer, words", [
    ("xavier", ["halves the variance"]),
    ("glorot", ["halves the variance"]),
    ("normal", ["far too small"]),
    ("zeros", ["nothing can learn"]),
    ("uniform", ["not an init"]),
    (2, ["as text"]),
])
def test_init_choice_hints(answer, words):
    assert is_wrong(lesson10.check_init_choice(answer), *words)


def test_init_choice_measures_a_shrinking_signal_for_xavier():
    acts, grads = lesson10.layer_stds("xavier")
    assert acts[-1] < 0.2 * acts[0]  # the case the lesson shows
    acts, grads = lesson10.layer_stds("he")
    assert 0.5 < acts[-1] / acts[0] < 2


def test_init_choice_not_attempted():
    assert is_not_attempted(lesson10.check_init_choice(...))
    assert is_not_attempted(lesson10.check_init_choice(None))


def dead_with_less_or_equal(A):
    return float(np.mean(np.all(np.asarray(A) <= 0, axis=0)))


def dead_by_loops(A):
    units = len(A[0])
    dead = sum(all(row[j] == 0 for row in A) for j in range(units))
    return dead / units


def test_dead_fraction_accepts_every_correct_form(sol10):
    for fn in (sol10.dead_fraction, dead_with_less_or_equal, dead_by_loops):
        assert is_right(lesson10.check_dead_fraction(fn))


@pytest.mark.parametrize("fn, words", [
    (lambda A: np.mean(A == 0), ["share of all entries"]),
    (lambda A: np.mean(np.all(A == 0, axis=1)), ["rows"]),
    (lambda A: np.mean(np.any(A == 0, axis=0)), ["np.any"]),
    (lambda A: 100 * np.mean(np.all(A == 0, axis=0)), ["percentage"]),
    (lambda A: 1 - np.mean(np.all(A == 0, axis=0)), ["alive"]),
    (lambda A: np.sum(np.all(A == 0, axis=0)), ["number of dead units"]),
    (lambda A: np.all(A == 0, axis=0), ["single number"]),
    (lambda A: 0.5, ["right answer is"]),
    (broken, ["ZeroDivisionError"]),
])
def test_dead_fraction_hints(fn, words):
    assert is_wrong(lesson10.check_dead_fraction(fn), *words)


def test_dead_fraction_not_attempted():
    for answer in (..., None, placeholder_function, not_implemented):
        assert is_not_attempted(lesson10.check_dead_fraction(answer))


def test_dead_fraction_cases_are_what_they_say():
    expected = [3 / 8, 0.0, 1.0, 2 / 10]
    assert [lesson10._dead(A) for _, (A,) in lesson10._dead_cases()] == expected


# ---------- every checker, odd answers: a Feedback, never an exception ----------

CHECKERS = [lesson08.check_stable_lr, lesson08.check_momentum_step, lesson08.check_adam_step,
            lesson09.check_linear_prediction, lesson09.check_circles_settings,
            lesson09.check_noise_prediction, lesson10.check_chance_loss,
            lesson10.check_init_choice, lesson10.check_dead_fraction]
ODD_ANSWERS = [object(), "", [], {}, (1, 2), np.zeros(3), lambda: 1, float("nan"), True]


@pytest.mark.parametrize("check", CHECKERS, ids=lambda c: c.__name__)
def test_checkers_never_raise(check):
    for answer in ODD_ANSWERS:
        feedback = check(answer)
        assert isinstance(feedback, Feedback), (answer, feedback)
        assert feedback.ok is not True, (answer, feedback.message)
        assert feedback.message
