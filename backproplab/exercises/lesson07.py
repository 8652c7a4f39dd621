"""Checkers for lesson 07 (training an MLP).

    from backproplab.exercises import lesson07 as ex
    ex.check_train_step(train_step)          # exercise 7.1: one step of the training loop
    ex.check_steps_per_epoch(steps_per_epoch)   # exercise 7.2: minibatch steps in one epoch
    ex.check_learning_rate(lr)               # exercise 7.3: >= 95% test accuracy after 100 steps

The data and model of exercise 7.3 are the lesson's: make_moons(n=300, noise=0.2,
seed=0), split 225 / 75 with train_test_split(..., seed=0), and MLP(2, [16, 16], 2,
seed=0) trained with SGD on the cross-entropy, full batch.
"""

import contextlib
import io
import numbers
import re

import numpy as np

from ..data import make_moons, train_test_split
from ..functional import cross_entropy
from ..nn import MLP
from ..optim import SGD
from ..tensor import Tensor
from ..train import evaluate, fit
from ..value import Value
from .feedback import (
    as_number,
    checker_error,
    correct,
    diagnose,
    is_stub,
    is_unattempted,
    learner_error,
    never_raises,
    not_attempted,
    wrong,
)

# The lesson's data set and model.
MOONS = {"n": 300, "noise": 0.2, "seed": 0}
TEST_FRACTION = 0.25
HIDDEN = [16, 16]

# Exercise 7.2: fit with this batch size on the 225 training points.
BATCH_SIZE = 32

# Exercise 7.3: reach this test accuracy after this many full-batch SGD steps.
TARGET_ACCURACY = 0.95
LR_STEPS = 100
SLOW_LR = 0.3  # the lesson's learning rate: below 95% after 100 steps


def lesson_data():
    """(X_train, X_test, y_train, y_test) as the lesson makes them."""
    X, y = make_moons(**MOONS)
    return train_test_split(X, y, test_fraction=TEST_FRACTION, seed=0)


def lesson_model():
    """The lesson's network, freshly initialised: 2 -> 16 -> 16 -> 2, relu."""
    return MLP(2, HIDDEN, 2, seed=0)


# ---------- exercise 7.1 ----------


def reference_train_step(model, optimizer, X, y):
    """Forward, loss, backward, update; returns the loss before the update."""
    loss = cross_entropy(model(X), y)
    model.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


def _step_setup():
    """A small problem for exercise 7.1: its own data, model and optimizer."""
    X, y = make_moons(n=40, noise=0.2, seed=1)
    model = MLP(2, [8], 2, seed=1)
    return Tensor(X, requires_grad=False), y, model, SGD(model.parameters(), lr=0.5)


def _reference_run(calls, variant="right"):
    """Weights and returned losses after each of `calls` steps, for one way of stepping.

    variant: "right", "no zero_grad" (gradients pile up), "loss after" (returns the
    loss computed after the update).
    """
    X, y, model, optimizer = _step_setup()
    weights, losses = [], []
    for _ in range(calls):
        loss = cross_entropy(model(X), y)
        if variant != "no zero_grad":
            model.zero_grad()
        loss.backward()
        optimizer.step()
        weights.append(model.get_weights())
        if variant == "loss after":
            losses.append(cross_entropy(model(X), y).item())
        else:
            losses.append(loss.item())
    return weights, losses


CALLS = 3


def check_train_step(train_step):
    """Exercise 7.1: a function (model, optimizer, X, y) that does one training step on
    cross_entropy(model(X), y) and returns that loss (before the update) as a number.

    Called three times in a row on a fresh model; the weights after each call and the
    returned losses are compared with the four lines of the lesson's loop.
    """
    try:
        return _check_train_step(train_step)
    except Exception as e:  # a checker never crashes the notebook
        return checker_error(e, "your function")


class _Watch:
    """Records, in order, the model.zero_grad / optimizer.zero_grad / optimizer.step calls
    a learner's train_step makes, and whether the gradients were all 0 at each call."""

    def __init__(self, model, optimizer):
        self.events = []  # (name, gradients all zero at the call)
        self.params = model.parameters()
        for owner, name in ((model, "zero_grad"), (optimizer, "zero_grad"), (optimizer, "step")):
            self._wrap(owner, name)

    def _wrap(self, owner, name):
        method = getattr(owner, name)

        def watched(*args, **kwargs):
            self.events.append((name, self.grads_zero()))
            return method(*args, **kwargs)

        setattr(owner, name, watched)  # on this instance only

    def grads_zero(self):
        return all(p.grad is None or not np.any(p.grad) for p in self.params)

    def diagnosis(self, call):
        """Why the weights did not move on `call`, from the order of the calls."""
        steps = [zero for name, zero in self.events if name == "step"]
        if not steps:
            return (f"After {call} the weights have not changed: optimizer.step() was never"
                    " called. The update is optimizer.step(), after loss.backward(); use the"
                    " model and optimizer passed in as arguments, not others from the notebook.")
        if all(steps):
            names = [name for name, _ in self.events]
            wiped = [i for i, (name, zero) in enumerate(self.events)
                     if name == "zero_grad" and not zero and "step" in names[i:]]
            if wiped:
                return (f"After {call} the weights have not changed: you call zero_grad()"
                        " after loss.backward() and before optimizer.step(), so it zeroes the"
                        " gradients right after computing them, and step() moves nothing."
                        " Zero them first: model.zero_grad(); loss.backward();"
                        " optimizer.step().")
            return (f"After {call} the weights have not changed: when optimizer.step() ran,"
                    " every gradient was 0. Call loss.backward() before optimizer.step(), on"
                    " the loss of this model.")
        return None


@never_raises
def _check_train_step(fn):
    if is_unattempted(fn) or is_stub(fn):
        return not_attempted("train_step")
    if not callable(fn):
        return wrong(f"train_step should be a function, got {type(fn).__name__}")
    X, y, model, optimizer = _step_setup()
    watch = _Watch(model, optimizer)
    start = model.get_weights()
    right_w, right_loss = _reference_run(CALLS)
    piled_w, _ = _reference_run(CALLS, "no zero_grad")
    _, after_loss = _reference_run(CALLS, "loss after")
    for k in range(CALLS):
        call = ("the first call", "the second call", "the third call")[k]
        watch.events.clear()
        try:
            result = fn(model, optimizer, X, y)
        except Exception as e:
            return wrong(f"On {call}, {learner_error(e)}")
        w = model.get_weights()
        if not _same(w, right_w[k]):
            before = start if k == 0 else right_w[k - 1]
            if _same(w, before):
                return wrong(watch.diagnosis(call) or
                             f"After {call} the weights have not changed. The update is"
                             " optimizer.step(), after loss.backward().")
            if k > 0 and _same(w, piled_w[k]):
                return wrong(f"{call.capitalize()} goes wrong, the first one is right: the"
                             " gradients of the steps pile up. backward() adds to .grad, so"
                             " call model.zero_grad() before loss.backward().")
            if k == 0 and _same(w - start, 2 * (right_w[0] - start)):
                return wrong("The weights moved twice as far as one step: call"
                             " optimizer.step() once per step.")
            return wrong(f"After {call} the weights differ from one SGD step on"
                         " cross_entropy(model(X), y). The order is: loss = cross_entropy("
                         "model(X), y); model.zero_grad(); loss.backward(); optimizer.step().")
        if result is None:
            return wrong("The weights are updated correctly, but train_step returns None:"
                         " did you forget `return`? End it with return loss.item().")
        if isinstance(result, (Tensor, Value, np.ndarray)):
            kind = ("a numpy array" if isinstance(result, np.ndarray)
                    else f"the {type(result).__name__}")
            return wrong(f"The weights are updated correctly, but train_step returns {kind}"
                         f" {result!r}: return loss.item(), a float, not {kind}. A float holds"
                         " no graph and can be printed, stored and compared like any number.")
        if isinstance(result, numbers.Number) and not isinstance(result, (bool, np.bool_)):
            got, problem = float(result), None
        else:
            got, problem = as_number(result, "the value train_step returns")
        if problem is not None:
            return problem
        if abs(got - right_loss[k]) > 1e-8 * max(1.0, abs(right_loss[k])):
            if abs(got - after_loss[k]) <= 1e-8 * max(1.0, abs(after_loss[k])):
                return wrong("The weights are right, but the loss you return is computed"
                             " after the update. Return the loss of this step, the one you"
                             " called backward() on.")
            return wrong(f"The weights are right, but on {call} train_step returns"
                         f" {got:.6g} instead of the loss {right_loss[k]:.6g}: return"
                         " loss.item() of the loss you called backward() on.")
    return correct(f"Three calls, three correct steps (the loss went {right_loss[0]:.4f}"
                   f" -> {right_loss[1]:.4f} -> {right_loss[2]:.4f}). These four lines are the"
                   " heart of fit.")


def _same(a, b):
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-9, atol=1e-12)


# ---------- exercise 7.2 ----------


def n_train():
    """The number of training points (225)."""
    return len(lesson_data()[0])


@never_raises
def check_steps_per_epoch(steps_per_epoch):
    """Exercise 7.2: how many steps fit takes per epoch with batch_size=32 on 225 points."""
    x, problem = as_number(steps_per_epoch, "steps_per_epoch")
    if problem is not None:
        return problem
    n, b = n_train(), BATCH_SIZE
    expected = n // b
    hints = [
        (n / b, f"{n} / {b} = {n / b:g} is not a whole number of steps: a step uses one full"
                " batch, and fit leaves out a last batch that would not be full."),
        (-(-n // b), f"{-(-n // b)} counts a last, smaller batch of {_points(n % b)}. fit"
                     f" uses only full batches of {b}: what is left over waits for the next"
                     " epoch's shuffle."),
        (n, f"{n} is the number of training points; one step uses a batch of {b} of them."),
        (b, f"{b} is the batch size, the number of points per step; how many batches of {b}"
            f" fit into {n} points?"),
        (1, "one step per epoch is full-batch training; with batch_size=32 an epoch is cut"
            " into several batches."),
        (300 // b, f"300 is the whole data set; fit trains on the {n} training points only."),
        (n // 16, f"{n // 16} is the answer for batches of 16 (section 5: {n} // 16 ="
                  f" {n // 16}); here the batches are {b}."),
        (-(-n // 16), f"{-(-n // 16)} is {n} / 16 rounded up, for batches of 16; here the"
                      f" batches are {b}, and fit uses only full batches."),
    ]
    feedback = diagnose(x, expected, rtol=0, atol=1e-9, what="steps_per_epoch", hints=hints)
    if feedback.ok:
        left = n - expected * b
        return correct(f"{n} // {b} = {expected} full batches ({expected * b} points);"
                       f" the {_points(left)} left over wait{'s' if left == 1 else ''} for the"
                       f" next shuffle. 20 epochs are {20 * expected} steps.")
    return feedback


# ---------- exercise 7.3 ----------


def train_with_lr(lr, steps=LR_STEPS):
    """Train the lesson's model with SGD(lr), full batch, for `steps` steps.

    Returns (history, test accuracy, test loss); fit's divergence message is not printed
    but kept in history.message.
    """
    X_train, X_test, y_train, y_test = lesson_data()
    model = lesson_model()
    with contextlib.redirect_stdout(io.StringIO()):
        history = fit(model, X_train, y_train, "cross_entropy", SGD(model.parameters(), lr=lr),
                      steps=steps, progress=False)
    test_loss, test_acc = evaluate(model, X_test, y_test, "cross_entropy")
    return history, test_acc, test_loss


@never_raises
def check_learning_rate(lr):
    """Exercise 7.3: a learning rate with which the model has >= 95% test accuracy after
    100 full-batch SGD steps. The checker trains the lesson's model with it and reports."""
    x, problem = as_number(lr, "lr")
    if problem is not None:
        return problem
    if x == 0:
        return wrong("lr = 0: every step would have length zero, so nothing would move."
                     " A learning rate must be positive.")
    if x < 0:
        return wrong(f"lr = {x:g}: a negative learning rate steps uphill, along the"
                     " gradient, and makes the loss grow. A learning rate must be positive.")
    history, acc, test_loss = train_with_lr(x)
    if history.diverged:
        # fit's own advice (a learning rate 100 times smaller) can be too slow for 100 steps
        message = re.sub(r"\s*Try a smaller learning rate.*$", "", history.message)
        return wrong(f"With lr = {x:g}, {message} Try a smaller learning rate: somewhere"
                     f" between {SLOW_LR:g} (too slow for {LR_STEPS} steps) and {x:g}, e.g. 1.")
    losses = history.loss
    summary = (f"With lr = {x:g}, after {LR_STEPS} steps the training loss went from"
               f" {losses[0]:.3f} to {losses[-1]:.3f} and the test accuracy is {acc:.1%}")
    if acc >= TARGET_ACCURACY:
        return correct(f"{summary}. Learning rates from about 0.5 to 1.5 get there in"
                       " 100 steps.")
    rose = max(losses) > losses[0] + 1e-9 or any(b > a + 0.05 for a, b in zip(losses, losses[1:]))
    if rose:
        return wrong(f"{summary}. The loss went up on the way (to {max(losses):.3f}): the"
                     " steps overshoot. Try a smaller learning rate.")
    return wrong(f"{summary}. The loss fell smoothly but slowly: the steps are too small."
                 " Try a larger learning rate.")


def _points(k):
    return f"{k} point" if k == 1 else f"{k} points"
