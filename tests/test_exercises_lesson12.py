"""Lesson 12: the network in numpy agrees with the engine and the library, the reference
solutions pass every checker, each corpus answer gets its verdict, and the hints name a
mistake only when the answer is that mistake."""

import importlib
import re

import numpy as np
import pytest
from exercise_checks import is_not_attempted, is_right, is_wrong, load_solution

from backproplab import Tensor
from backproplab.exercises import lesson12 as ex
from backproplab.functional import cross_entropy
from backproplab.nn import BatchNorm1d, Linear

corpus12 = importlib.import_module("corpus.lesson12")


@pytest.fixture(scope="module")
def sol():
    return load_solution("lesson12")


# ---------- the network ----------


def test_numpy_forward_matches_the_engine_and_the_library():
    X, y = ex.batch()
    params = ex.init_params()
    loss, cache = ex.forward(X, y, params)
    t = ex.engine_steps(X, y, params)
    assert loss == pytest.approx(t["loss"].item(), abs=1e-12)
    for name in ("h_pre", "mu", "var", "inv_std", "x_hat", "h", "logits", "probs"):
        np.testing.assert_allclose(cache[name], t[name].data, rtol=1e-12, atol=1e-14)
    layer1, layer2, bn = Linear(64, 64), Linear(64, 10), BatchNorm1d(64, eps=ex.EPS)
    layer1.W.data, layer1.b.data = params["W1"].copy(), params["b1"].copy()
    bn.weight.data, bn.bias.data = params["gamma"].copy(), params["beta"].copy()
    layer2.W.data, layer2.b.data = params["W2"].copy(), params["b2"].copy()
    assert cross_entropy(layer2(bn(layer1(X)).tanh()), y).item() == pytest.approx(loss,
                                                                                   abs=1e-12)
    # evaluation mode: predict uses the running statistics as BatchNorm1d.eval() does
    bn.eval()
    bn.running_mean, bn.running_var = cache["mu"].copy(), cache["var"] * 2.0
    expected = layer2(bn(layer1(X)).tanh()).data
    np.testing.assert_allclose(ex.predict(X, params, cache["mu"], cache["var"] * 2.0),
                               expected, rtol=1e-10, atol=1e-12)


def test_initial_loss_is_near_chance_and_batch_is_the_lessons():
    X, y = ex.batch()
    assert X.shape == (32, 64) and y.shape == (32,)
    assert 0.0 <= X.min() and X.max() <= 1.0
    loss, _ = ex.forward(X, y, ex.init_params())
    assert abs(loss - np.log(10)) < 0.05


@pytest.mark.parametrize("seed, start, size", [(0, 0, 32), (1, 100, 20), (2, 7, 2)])
def test_backward_reference_matches_the_engine(seed, start, size):
    X, y = ex.batch(size, start)
    params = ex.init_params(seed)
    t = ex.engine_steps(X, y, params)
    grads = ex.backward_reference(ex.forward(X, y, params)[1], params)
    for k in ex.PARAMS:
        assert grads[k].shape == params[k].shape
        np.testing.assert_allclose(grads[k], t[k].grad, rtol=1e-9, atol=1e-12)


def test_engine_gradients_are_a_copy_with_every_name():
    grads = ex.engine_gradients()
    assert set(grads) == set(ex.GRAD_NAMES)
    grads["logits"] = None
    assert ex.engine_gradients()["logits"] is not None
    assert np.abs(grads["b1"]).max() < 1e-15  # b1 before BatchNorm cannot learn


def test_bn_backward_reference_against_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    x, gamma, dout = rng.normal(size=(6, 3)), rng.normal(size=3), rng.normal(size=(6, 3))
    xt = torch.tensor(x, requires_grad=True)
    out = torch.nn.functional.batch_norm(xt, None, None, torch.tensor(gamma),
                                         torch.zeros(3, dtype=torch.float64), training=True,
                                         eps=ex.EPS)
    out.backward(torch.tensor(dout))
    inv_std = 1 / np.sqrt(x.var(axis=0) + ex.EPS)
    x_hat = (x - x.mean(axis=0)) * inv_std
    np.testing.assert_allclose(ex.bn_backward_reference(dout, x_hat, gamma, inv_std),
                               xt.grad.numpy(), rtol=1e-9, atol=1e-12)


# ---------- the reference solutions ----------


def test_reference_solutions_pass(sol):
    for name in ex.GRAD_NAMES:
        is_right(ex.check_grad(name, getattr(sol, f"d{name}"), getattr(sol, name)))
    is_right(ex.check_bn_backward(sol.bn_backward))
    is_right(ex.check_backward_by_hand(sol.backward_by_hand))


def test_exact_and_close_are_told_apart(sol):
    feedback = ex.check_grad("logits", ex.engine_gradients()["logits"])
    assert feedback.ok and "exact" in feedback.message
    nudged = ex.engine_gradients()["W2"] * (1 + 1e-12)
    feedback = ex.check_grad("W2", nudged)
    assert feedback.ok and "close, largest difference" in feedback.message
    assert re.search(r"largest difference from the engine \d\.\de-1\d", feedback.message)


def test_wrong_gradient_reports_the_largest_difference():
    grads = ex.engine_gradients()
    got = grads["W2"].copy()
    got[3, 4] += 0.25
    feedback = ex.check_grad("W2", got)
    is_wrong(feedback, "largest difference 0.25", "h^T @ dlogits")


# ---------- hints fire only for the mistake they name ----------


@pytest.mark.parametrize("name", [k for k in ex.GRAD_NAMES if ex.HINTS[k]])
def test_each_hint_fires_on_its_mistake_only(name):
    values, grads = ex._lesson()
    rng = np.random.default_rng(0)
    for formula, message in ex.HINTS[name]:
        try:
            mistake = np.asarray(formula(values, grads), dtype=float)
        except ValueError:
            continue
        is_wrong(ex.check_grad(name, mistake), message)
        # the same mistake a little off is not diagnosed as that mistake
        off = mistake * (1 + 0.01 * rng.normal(size=mistake.shape))
        feedback = ex.check_grad(name, off)
        assert feedback.ok is False and message not in feedback.message, feedback.message


def test_hints_are_not_used_for_another_batch():
    X, y = ex.batch(32, 200)
    t = ex.engine_steps(X, y, ex.init_params(seed=3))
    values, grads = ex._lesson()
    # the lesson batch's "missing 1/n" mistake, against another batch's engine gradient
    feedback = ex.check_grad("logits", values["probs"] - values["onehot"], t["logits"])
    is_wrong(feedback, "differs from the engine's gradient")
    assert "without the 1/n" not in feedback.message
    is_right(ex.check_grad("logits", t["logits"].grad, t["logits"]))


def test_bn_mistakes_are_named_only_when_they_match():
    def nearly_bessel(dout, x_hat, gamma, inv_std):
        n = len(dout)
        return gamma * inv_std / n * (n * dout - dout.sum(0)
                                      - 1.01 * x_hat * (dout * x_hat).sum(0))

    feedback = ex.check_bn_backward(nearly_bessel)
    is_wrong(feedback, "differs from the engine's")
    assert "unbiased" not in feedback.message


def test_a_learner_function_that_changes_the_cache_in_place_is_fine(sol):
    def in_place(cache, params):  # turns probs into dlogits in place, as makemore does
        p = cache["probs"]
        p[np.arange(len(p)), cache["y"]] -= 1.0
        p /= len(p)
        grads = sol.backward_by_hand({**cache, "probs": p * len(p) + np.eye(10)[cache["y"]]},
                                     params)
        params["W2"] *= 0  # and spoils the parameters it was given
        return grads

    is_right(ex.check_backward_by_hand(in_place))
    is_right(ex.check_backward_by_hand(in_place))  # the checker's own data is unchanged
    is_right(ex.check_backward_by_hand(sol.backward_by_hand))


def test_use_if_right_falls_back_to_the_reference(sol, capsys):
    def stub(cache, params):
        ...

    assert ex.use_if_right(stub) is ex.backward_reference
    assert "uses the reference" in capsys.readouterr().out
    assert ex.use_if_right(sol.backward_by_hand) is sol.backward_by_hand
    assert "your backward_by_hand" in capsys.readouterr().out


def test_placeholders_are_not_attempted():
    is_not_attempted(ex.check_grad("h", ...))
    is_not_attempted(ex.check_bn_backward(...))
    is_not_attempted(ex.check_backward_by_hand(...))


def test_check_grad_with_a_tensor_answer_and_list():
    grads = ex.engine_gradients()
    is_right(ex.check_grad("b2", Tensor(grads["b2"])))
    is_right(ex.check_grad("b2", grads["b2"].tolist()))


# The corpus table itself is run by tests/test_corpus.py, like every lesson's.
def test_corpus_covers_every_exercise_with_all_verdicts():
    for exercise in corpus12.CHECKERS:
        cases = [case for case in corpus12.CASES if case[0] == exercise]
        assert len(cases) >= 8, exercise
        assert {case[3] for case in cases} == {True, False, None}, exercise
