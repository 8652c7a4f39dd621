"""The checkers of lesson 11: the reference solutions pass, the corpus of learner answers
(tests/corpus/lesson11.py) gets its verdicts, and the hints of exercise 11.1 each name one
mistake only.

The corpus test repeats tests/test_corpus.py's assertions for lesson 11, so the table runs
before `corpus.LESSONS` lists it (then both run it, which is harmless)."""

import importlib
import json
import re
from pathlib import Path

import numpy as np
import pytest
from corpus import lesson11 as table
from exercise_checks import is_not_attempted, is_right, is_wrong, load_solution

from backproplab.exercises import lesson11
from backproplab.nn import BatchNorm1d
from backproplab.tensor import Tensor

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "11-batchnorm-on-digits.ipynb"


@pytest.fixture(scope="module")
def sol11():
    return load_solution("lesson11")


def test_every_exercise_has_eight_cases_and_three_verdicts():
    for exercise in table.CHECKERS:
        cases = [case for case in table.CASES if case[0] == exercise]
        assert len(cases) >= 8, exercise
        assert {case[3] for case in cases} == {True, False, None}, exercise


def test_the_notebook_calls_exactly_the_checkers_of_the_table():
    if not NOTEBOOK.exists():
        pytest.skip("lesson 11 is not written yet")
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    source = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert set(re.findall(r"ex\.(check_\w+)\(", source)) == set(table.CHECKERS.values())


def test_the_solutions_are_right(sol11):
    assert is_right(lesson11.check_batchnorm_train(sol11.batchnorm_train))
    assert is_right(lesson11.check_running_mean(sol11.running_mean_5))
    assert is_right(lesson11.check_train_mode_answer(sol11.train_mode_answer))


def test_the_reference_is_the_library_layer_in_training_mode(sol11):
    rng = np.random.default_rng(0)
    x, gamma, beta = rng.normal(size=(5, 3)), rng.normal(size=3), rng.normal(size=3)
    layer = BatchNorm1d(3)
    layer.weight.data, layer.bias.data = gamma.copy(), beta.copy()
    out = layer(Tensor(x)).data
    np.testing.assert_allclose(lesson11.batchnorm_reference(x, gamma, beta), out, rtol=1e-12)
    np.testing.assert_allclose(sol11.batchnorm_train(x, gamma, beta), out, rtol=1e-12)
    # each feature of x_hat has mean 0 and (biased) variance var / (var + eps), about 1
    x_hat = (out - beta) / gamma
    np.testing.assert_allclose(x_hat.mean(axis=0), 0, atol=1e-12)
    var = x.var(axis=0)
    np.testing.assert_allclose(x_hat.var(axis=0), var / (var + 1e-5), rtol=1e-10)


def test_each_mistake_of_11_1_differs_from_the_reference_and_from_the_others():
    """A hint fires only for its own mistake: on the checker's batches every mistaken
    formula gives other numbers than the reference and than every other mistake."""
    cases = lesson11._bn_cases()

    def outputs(fn):
        return [fn(x, g, b, lesson11.EPS) for _, (x, g, b) in cases]

    results = [outputs(lesson11.batchnorm_reference)] + [outputs(fn) for fn, _ in
                                                         lesson11.BN_HINTS]
    for i in range(len(results)):
        for j in range(i):
            assert not all(lesson11._close(a, b) for a, b in zip(results[i], results[j])), (i, j)


def test_the_nearly_constant_feature_makes_eps_matter():
    _, (x, _, _) = lesson11._bn_cases()[1]
    assert 1e-6 < x.var(axis=0).min() < 1e-4


def test_the_checker_leaves_its_batches_alone():
    """A learner's function that changes x in place must not change the next check."""
    def in_place(x, gamma, beta, eps=1e-5):
        x -= x.mean(axis=0)
        x /= np.sqrt(x.var(axis=0) + eps)
        return x * gamma + beta

    assert is_right(lesson11.check_batchnorm_train(in_place))
    assert is_right(lesson11.check_batchnorm_train(in_place))


def test_running_mean_matches_the_library():
    layer = BatchNorm1d(1)
    x = np.array([[1.0], [3.0]])  # mean 2.0
    for _ in range(5):
        layer(Tensor(x))
    assert lesson11.running_mean_after(5) == pytest.approx(layer.running_mean[0], rel=1e-12)
    assert lesson11.running_mean_after(5) == pytest.approx(0.8190, abs=5e-5)


def test_wrong_letters_get_their_own_hint():
    for choice in "acd":
        assert is_wrong(lesson11.check_train_mode_answer(choice), f"Not {choice}")


def test_placeholders_are_not_attempted():
    assert is_not_attempted(lesson11.check_batchnorm_train(...))
    assert is_not_attempted(lesson11.check_running_mean(...))
    assert is_not_attempted(lesson11.check_train_mode_answer(...))


def test_the_checkers_are_listed_in_the_module_docstring():
    module = importlib.import_module("backproplab.exercises.lesson11")
    for name in table.CHECKERS.values():
        assert f"ex.{name}(" in module.__doc__


def test_feedback_has_no_markdown_emphasis():
    """Feedback is shown as HTML, where *word* stays literal asterisks."""
    messages = [lesson11.check_train_mode_answer(c).message for c in "abcd"]
    messages += [lesson11.check_running_mean(x).message for x in (2 * (1 - 0.1**5), 0.2, 2.0)]
    for message in messages:
        assert not re.search(r"\*\w", message.replace("**", "")), message
