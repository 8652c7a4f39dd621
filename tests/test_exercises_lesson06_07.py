"""The checkers of lessons 06-07: the reference solutions pass, other correct answers
pass too, typical mistakes get their own hint, placeholders are "not attempted yet",
and nothing raises."""

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

from backproplab import Tensor, cross_entropy
from backproplab.exercises import lesson06, lesson07
from backproplab.exercises.feedback import Feedback


@pytest.fixture(scope="module")
def sol06():
    return load_solution("lesson06")


@pytest.fixture(scope="module")
def sol07():
    return load_solution("lesson07")














# ---------- lesson 06 data ----------

X, dY, dZ = lesson06.X, lesson06.dY, lesson06.dZ
LOGITS, TARGETS = lesson06.logits, lesson06.targets


def softmax_rows(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


P1 = softmax_rows(LOGITS[1])
ONEHOT1 = np.eye(3)[TARGETS[1]]


# ---------- exercise 6.1: dW ----------


def test_dW_reference(sol06):
    assert is_right(lesson06.check_dW(sol06.dW))


def test_dW_other_correct_answers():
    by_hand = [[1 * 1 + 0 * 2 + 3 * 0, 1 * 0 + 0 * 1 + 3 * -1, -1 + 0 + 3, 2 + 0 + 3],
               [2 * 1 + -1 * 2 + 0, 0 - 1 - 1, -2 + 0 + 1, 4 + 0 + 1]]
    assert is_right(lesson06.check_dW(by_hand))  # a nested list of ints
    assert is_right(lesson06.check_dW(np.einsum("ik,ij->kj", X, dY)))
    assert is_right(lesson06.check_dW(Tensor(X.T @ dY)))  # a Tensor is fine
    assert is_right(lesson06.check_dW((dY.T @ X).T))


@pytest.mark.parametrize("answer, words", [
    (dY.T @ X, ["(4, 2)", "transpose", "X^T dY"]),
    (X, ["(3, 2)", "dX"]),
    (dY, ["(3, 4)", "shape of dY"]),
    (np.zeros((4, 4)), ["(4, 4)", "shape of its tensor"]),
    (np.zeros((4, 2)), ["(4, 2)", "W has shape (2, 4)"]),
    (X.T @ dY / 3, ["divided by the batch size"]),
    (X[:2].T @ dY[:2], ["first two rows"]),
    (np.outer(X.sum(axis=0), dY.sum(axis=0)), ["summed before"]),
    (-(X.T @ dY), ["wrong sign"]),
    (2 * X.T @ dY, ["twice"]),
    (X.T @ dY + 1, ["not right yet", "X.T @ dY"]),
    ("dW", ["array of numbers"]),
    ([[1, 2], [3]], ["array of numbers"]),
    (np.full((2, 4), np.nan), ["inf or nan"]),
])
def test_dW_mistakes(answer, words):
    assert is_wrong(lesson06.check_dW(answer), *words)


@pytest.mark.parametrize("answer", [..., None])
def test_dW_placeholder(answer):
    assert is_not_attempted(lesson06.check_dW(answer))


# ---------- exercise 6.2: the bias gradient ----------


def test_bias_grad_reference(sol06):
    assert is_right(lesson06.check_bias_grad(sol06.db))


def test_bias_grad_other_correct_answers():
    assert is_right(lesson06.check_bias_grad([0.0, 1.0, 3.0]))
    assert is_right(lesson06.check_bias_grad(np.ones(4) @ dZ))
    assert is_right(lesson06.check_bias_grad(Tensor(dZ.sum(axis=0))))


@pytest.mark.parametrize("answer, words", [
    (dZ.mean(axis=0), ["mean", "a sum, not a mean"]),
    (dZ.sum(axis=1), ["shape (4,)", "axis=0"]),
    (dZ, ["shape (4, 3)", "4 rows"]),
    (dZ.sum(axis=0, keepdims=True), ["numbers are right", "keepdims"]),
    (np.zeros((1, 3)), ["(1, 3)", "without keepdims"]),
    (dZ.sum(), ["one number", "axis=0"]),
    (dZ[0], ["row 0"]),
    (dZ[-1], ["last row"]),
    (np.zeros(5), ["(5,)", "shape (3,)"]),
    (-dZ.sum(axis=0), ["wrong sign"]),
    (np.array([1.0, 2.0, 3.0]), ["not right yet"]),
])
def test_bias_grad_mistakes(answer, words):
    assert is_wrong(lesson06.check_bias_grad(answer), *words)


@pytest.mark.parametrize("answer", [..., None])
def test_bias_grad_placeholder(answer):
    assert is_not_attempted(lesson06.check_bias_grad(answer))


# ---------- exercise 6.3: linear_backward ----------


def test_linear_backward_reference(sol06):
    assert is_right(lesson06.check_linear_backward(sol06.linear_backward))


def test_linear_backward_other_correct_spellings():
    def with_einsum(X, W, b, dZ):
        return (np.einsum("ij,kj->ik", dZ, W), np.einsum("ik,ij->kj", X, dZ),
                np.einsum("ij->j", dZ))

    def as_list(X, W, b, dZ):  # a list is fine too
        return [dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)]

    def in_place(X, W, b, dZ):  # changing the inputs must not fool the checker
        dW = X.T @ dZ
        X *= 0
        return dZ @ W.T, dW, dZ.sum(axis=0)

    assert is_right(lesson06.check_linear_backward(with_einsum))
    assert is_right(lesson06.check_linear_backward(as_list))
    assert is_right(lesson06.check_linear_backward(in_place))


def engine_does_it(X, W, b, dZ):  # Tensor.backward inside: not what 6.3 asks
    Xt, Wt, bt = Tensor(X), Tensor(W), Tensor(b)
    (Xt @ Wt + bt).backward(dZ)
    return Xt.grad, Wt.grad, bt.grad


def test_linear_backward_restores_tensor_backward():
    original = Tensor.backward
    lesson06.check_linear_backward(engine_does_it)
    lesson06.check_linear_backward(broken)
    assert Tensor.backward is original


def right_dX(X, W, dZ):
    return dZ @ W.T


@pytest.mark.parametrize("fn, words", [
    (lambda X, W, b, dZ: (dZ @ W.T, dZ.T @ X, dZ.sum(axis=0)), ["dW", "transpose of dW"]),
    (lambda X, W, b, dZ: (dZ @ W.T, X.T @ dZ / len(X), dZ.sum(axis=0)),
     ["dW", "divided by the batch size"]),
    (lambda X, W, b, dZ: (dZ @ W.T, X.T @ dZ, dZ.mean(axis=0)), ["db", "mean"]),
    (lambda X, W, b, dZ: (dZ @ W.T, X.T @ dZ, dZ.sum(axis=1)), ["db", "axis=1"]),
    (lambda X, W, b, dZ: (dZ @ W.T, X.T @ dZ, dZ.sum(axis=0, keepdims=True)),
     ["db", "keepdims"]),
    (lambda X, W, b, dZ: (dZ @ W.T, X.T @ dZ, dZ), ["db", "dZ itself"]),
    (lambda X, W, b, dZ: (dZ @ W.T, X.T @ dZ, dZ.sum()), ["db", "sum of all of dZ"]),
    (lambda X, W, b, dZ: (W @ dZ.T, X.T @ dZ, dZ.sum(axis=0)), ["dX", "transpose of dX"]),
    (lambda X, W, b, dZ: (X.T @ dZ, X.T @ dZ, dZ.sum(axis=0)), ["dX", "which is dW"]),
    (lambda X, W, b, dZ: (dZ @ W, X.T @ dZ, dZ.sum(axis=0)), ["raised ValueError", "X of shape"]),
    (lambda X, W, b, dZ: (2 * dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)), ["dX", "wrong numbers"]),
    (lambda X, W, b, dZ: (dZ @ W.T, X.T @ dZ), ["three arrays", "tuple of length 2."]),
    (lambda X, W, b, dZ: iter((dZ @ W.T, X.T @ dZ, dZ.sum(axis=0))),
     ["three arrays", "got tuple_iterator."]),
    (lambda X, W, b, dZ: (dZ @ W.T, X.T @ dZ, np.squeeze(dZ.sum(axis=0))),
     ["X of shape (5, 1)", "db has the right numbers", "shape () and b has shape (1,)",
      "do not squeeze"]),
    (engine_does_it, ["called Tensor.backward", "with numpy, without Tensor"]),
    (lambda X, W, b, dZ: (Tensor(dZ) @ Tensor(W.T), X.T @ dZ, dZ.sum(axis=0)),
     ["returned a Tensor", "numpy arrays"]),
    (lambda X, W, b, dZ: X.T @ dZ, ["three arrays", "ndarray"]),
    (lambda X, W, b, dZ: (dZ @ W.T, "dW", dZ.sum(axis=0)), ["dW", "array of numbers"]),
    (broken, ["ZeroDivisionError"]),
    (lambda X, W: (X, W, X), ["TypeError"]),  # wrong number of parameters
    ("linear_backward", ["should be a function"]),
])
def test_linear_backward_mistakes(fn, words):
    assert is_wrong(lesson06.check_linear_backward(fn), *words)


@pytest.mark.parametrize("fn", [..., None, placeholder_function, not_implemented])
def test_linear_backward_placeholder(fn):
    assert is_not_attempted(lesson06.check_linear_backward(fn))


def test_linear_backward_half_done():
    feedback = lesson06.check_linear_backward(lambda X, W, b, dZ: (dZ @ W.T, X.T @ dZ, None))
    assert is_not_attempted(feedback)
    assert "db" in feedback.message


# ---------- exercise 6.4: softmax cross-entropy, one row ----------


def test_softmax_ce_row_reference(sol06):
    assert is_right(lesson06.check_softmax_ce_row(sol06.grad_row))


def test_softmax_ce_row_other_correct_answers():
    z = Tensor(LOGITS)
    cross_entropy(z, TARGETS).backward()
    assert is_right(lesson06.check_softmax_ce_row(z.grad[1]))  # by backward
    assert is_right(lesson06.check_softmax_ce_row(list(np.round(z.grad[1], 5))))  # 5 digits


@pytest.mark.parametrize("answer, words", [
    (P1 - ONEHOT1, ["batch of 4", "divided by 4"]),
    (ONEHOT1 - P1, ["sign is flipped", "divides by 4"]),
    ((ONEHOT1 - P1) / 4, ["sign is flipped"]),
    (P1 / 4, ["one-hot part", "class 2"]),
    (P1, ["softmax alone"]),
    ((P1 - np.eye(3)[1]) / 4, ["class 1", "largest logit", "targets[1] = 2"]),
    ((P1 - np.eye(3)[0]) / 4, ["class 0", "targets[1] = 2"]),
    (-ONEHOT1 / (P1 * 4), ["probabilities"]),
    ((softmax_rows(LOGITS) - np.eye(3)[TARGETS]) / 4, ["whole batch", "grad[1]"]),
    (np.zeros((4, 3)), ["(4, 3)", "row 1 only"]),
    (np.zeros(2), ["(2,)", "3 numbers"]),
    (np.array([0.1, 0.2, -0.3]), ["not right yet"]),
    ("p - y", ["array of numbers"]),
])
def test_softmax_ce_row_mistakes(answer, words):
    assert is_wrong(lesson06.check_softmax_ce_row(answer), *words)


@pytest.mark.parametrize("answer", [..., None])
def test_softmax_ce_row_placeholder(answer):
    assert is_not_attempted(lesson06.check_softmax_ce_row(answer))


# ---------- exercise 7.1: train_step ----------


def test_train_step_reference(sol07):
    feedback = lesson07.check_train_step(sol07.train_step)
    assert is_right(feedback)
    assert "->" in feedback.message  # it shows the three losses


def test_train_step_other_correct_spellings():
    def with_optimizer_zero_grad(model, optimizer, X, y):
        optimizer.zero_grad()
        loss = cross_entropy(model(X), y)
        loss.backward()
        optimizer.step()
        return float(loss.data)

    def zero_grad_last(model, optimizer, X, y):
        loss = cross_entropy(model(X), y)
        loss.backward()
        optimizer.step()
        model.zero_grad()  # clears the gradients for the next call instead
        return np.float64(loss.item())  # a numpy float is a float

    def by_hand(model, optimizer, X, y):  # the SGD update written out
        loss = cross_entropy(model(X), y)
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data = p.data - optimizer.lr * p.grad
        return loss.item()

    for fn in (with_optimizer_zero_grad, zero_grad_last, by_hand):
        assert is_right(lesson07.check_train_step(fn))


def no_zero_grad(model, optimizer, X, y):
    loss = cross_entropy(model(X), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def no_update(model, optimizer, X, y):
    loss = cross_entropy(model(X), y)
    model.zero_grad()
    loss.backward()
    return loss.item()


def step_before_backward(model, optimizer, X, y):
    loss = cross_entropy(model(X), y)
    model.zero_grad()
    optimizer.step()
    loss.backward()
    return loss.item()


def loss_after_update(model, optimizer, X, y):
    loss = cross_entropy(model(X), y)
    model.zero_grad()
    loss.backward()
    optimizer.step()
    return cross_entropy(model(X), y).item()


def forgot_return(model, optimizer, X, y):
    loss = cross_entropy(model(X), y)
    model.zero_grad()
    loss.backward()
    optimizer.step()


def two_updates(model, optimizer, X, y):
    loss = cross_entropy(model(X), y)
    model.zero_grad()
    loss.backward()
    optimizer.step()
    optimizer.step()
    return loss.item()


def wrong_loss(model, optimizer, X, y):  # the squared logits instead of the cross-entropy
    logits = model(X)
    loss = (logits * logits).mean()
    model.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


def returns_text(model, optimizer, X, y):
    loss = cross_entropy(model(X), y)
    model.zero_grad()
    loss.backward()
    optimizer.step()
    return f"loss {loss.item():.3f}"


def returns_wrong_number(model, optimizer, X, y):
    loss = cross_entropy(model(X), y)
    model.zero_grad()
    loss.backward()
    optimizer.step()
    return 2 * loss.item()


def returns_tensor(model, optimizer, X, y):
    loss = cross_entropy(model(X), y)
    model.zero_grad()
    loss.backward()
    optimizer.step()
    return loss


def uses_other_model(model, optimizer, X, y):  # ignores its arguments
    from backproplab.nn import MLP
    from backproplab.optim import SGD

    other = MLP(2, [8], 2, seed=1)
    loss = cross_entropy(other(X), y)
    other.zero_grad()
    loss.backward()
    SGD(other.parameters(), lr=0.5).step()
    return loss.item()


@pytest.mark.parametrize("fn, words", [
    (no_zero_grad, ["second call", "pile up", "zero_grad"]),
    (no_update, ["not changed", "optimizer.step()"]),
    (step_before_backward, ["not changed", "loss.backward() before optimizer.step()"]),
    (uses_other_model, ["not changed", "passed in as arguments"]),
    (two_updates, ["twice as far", "once per step"]),
    (wrong_loss, ["differ from one SGD step", "cross_entropy"]),
    (loss_after_update, ["after the update"]),
    (forgot_return, ["returns None", "return loss.item()"]),
    (returns_text, ["single number"]),
    (returns_tensor, ["updated correctly", "return loss.item(), a float, not the Tensor"]),
    (returns_wrong_number, ["first call", "instead of the loss"]),
    (broken, ["ZeroDivisionError", "first call"]),
    (lambda model, optimizer: 1.0, ["TypeError"]),  # wrong number of parameters
    (42, ["should be a function"]),
])
def test_train_step_mistakes(fn, words):
    assert is_wrong(lesson07.check_train_step(fn), *words)


@pytest.mark.parametrize("fn", [..., None, placeholder_function, not_implemented])
def test_train_step_placeholder(fn):
    assert is_not_attempted(lesson07.check_train_step(fn))


# ---------- exercise 7.2: steps per epoch ----------


def test_steps_per_epoch_reference(sol07):
    feedback = lesson07.check_steps_per_epoch(sol07.steps_per_epoch)
    assert is_right(feedback)
    assert "1 point left over waits" in feedback.message
    assert is_right(lesson07.check_steps_per_epoch(7.0))
    assert is_right(lesson07.check_steps_per_epoch(np.int64(7)))


def test_steps_per_epoch_uses_the_lesson_split():
    assert lesson07.n_train() == 225


@pytest.mark.parametrize("answer, words", [
    (225 / 32, ["not a whole number"]),
    (8, ["smaller batch of 1 point", "only full batches"]),
    (225, ["number of training points"]),
    (32, ["batch size"]),
    (1, ["full-batch"]),
    (9, ["whole data set"]),
    (14, ["14 is the answer for batches of 16", "here the batches are 32"]),
    (6, ["not right yet"]),
    ("seven", ["single number"]),
    (math.inf, ["division by zero"]),
])
def test_steps_per_epoch_mistakes(answer, words):
    assert is_wrong(lesson07.check_steps_per_epoch(answer), *words)


@pytest.mark.parametrize("answer", [..., None])
def test_steps_per_epoch_placeholder(answer):
    assert is_not_attempted(lesson07.check_steps_per_epoch(answer))


# ---------- exercise 7.3: a learning rate ----------


def test_learning_rate_reference(sol07):
    feedback = lesson07.check_learning_rate(sol07.lr)
    assert is_right(feedback)
    assert "test accuracy" in feedback.message


@pytest.mark.parametrize("lr", [0.5, 0.7, 1.5, np.float64(1.0), 1])
def test_learning_rate_other_good_values(lr):
    assert is_right(lesson07.check_learning_rate(lr))


@pytest.mark.parametrize("answer, words", [
    (0.01, ["too", "small", "larger learning rate"]),
    (0.3, ["slowly", "larger learning rate"]),
    (3.0, ["went up", "overshoot", "smaller learning rate"]),
    (10.0, ["diverged", "smaller learning rate"]),
    (30.0, ["diverged", "smaller learning rate"]),
    (1e6, ["diverged"]),
    (0, ["lr = 0", "must be positive"]),
    (-1, ["negative", "must be positive"]),
    ("fast", ["single number"]),
    (math.nan, ["nan"]),
])
def test_learning_rate_mistakes(answer, words):
    assert is_wrong(lesson07.check_learning_rate(answer), *words)


@pytest.mark.parametrize("answer", [..., None])
def test_learning_rate_placeholder(answer):
    assert is_not_attempted(lesson07.check_learning_rate(answer))


def test_learning_rate_messages_have_no_inner_verdict():
    for lr in (1.0, 0.3, 3.0, 30.0):  # the notebook's heading already says Correct / Not yet
        message = lesson07.check_learning_rate(lr).message
        assert message.startswith(f"With lr = {lr:g}"), message
        assert "Not yet" not in message and "Reached" not in message


def test_learning_rate_diverged_suggests_a_rate_that_works():
    message = lesson07.check_learning_rate(30.0).message
    assert "e.g. lr=0.3" not in message  # fit's advice, too slow for 100 steps
    assert message.endswith("between 0.3 (too slow for 100 steps) and 30, e.g. 1.")
    assert lesson07.check_learning_rate(1.0).ok  # the rate it suggests passes


def test_learning_rate_check_prints_nothing(capsys):
    lesson07.check_learning_rate(30.0)  # fit prints when it diverges; the checker does not
    assert capsys.readouterr().out == ""


def test_lesson_model_and_data_match_the_notebook():
    X_train, X_test, y_train, y_test = lesson07.lesson_data()
    assert X_train.shape == (225, 2) and X_test.shape == (75, 2)
    assert lesson07.lesson_model().num_parameters() == 354


# ---------- no checker ever raises ----------

CHECKERS = [lesson06.check_dW, lesson06.check_bias_grad, lesson06.check_linear_backward,
            lesson06.check_softmax_ce_row, lesson07.check_train_step,
            lesson07.check_steps_per_epoch, lesson07.check_learning_rate]


class Weird:
    """An object that breaks whatever touches it."""

    def __getattr__(self, name):
        raise RuntimeError("weird")

    def __array__(self, *args, **kwargs):
        raise RuntimeError("weird")

    def __float__(self):
        raise RuntimeError("weird")


ODD_ANSWERS = [Weird(), object(), [], {}, "", True, np.array([]), lambda *a: Weird(), broken,
               complex(1, 2)]


@pytest.mark.parametrize("checker", CHECKERS)
@pytest.mark.parametrize("answer", ODD_ANSWERS, ids=[f"odd{i}" for i in range(len(ODD_ANSWERS))])
def test_checkers_never_raise(checker, answer):
    feedback = checker(answer)
    assert isinstance(feedback, Feedback)
    assert feedback.ok in (True, False, None)
    assert isinstance(feedback.message, str) and feedback.message
    repr(feedback)
    feedback._repr_html_()
