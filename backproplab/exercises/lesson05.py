"""Checkers for lesson 05 (from a neuron to an MLP).

    from backproplab.exercises import lesson05 as ex
    ex.check_neuron(Neuron)              # exercise 5.1: the learner's Neuron class
    ex.check_layer(Layer)                # exercise 5.2: the learner's Layer class
    ex.check_mlp(MLP)                    # exercise 5.3: the learner's MLP class
    ex.check_num_parameters(n_params)    # exercise 5.4: parameters of ScalarMLP(2, [4, 4], 1)
    ex.check_mse(mse)                    # exercise 5.5: the mean squared error on Values
    ex.check_sgd_step(new_w)             # exercise 5.6: one SGD step for one weight
    ex.check_train_step(train_step)      # exercise 5.7: one step of the training loop
    ex.check_zero_grad(answer)           # exercise 5.8: the loop without zero_grad

The code exercises are compared with the library's twins (nn.Neuron, nn.Layer,
nn.ScalarMLP, losses.mse_loss, and `sgd_step` below). `use_yours` and `model_maker` let the
cells after an exercise run with the learner's code when it is right, and with the twin
(saying so) when it is not written yet.
"""

import functools
import math

import numpy as np

from ..losses import mse_loss
from ..nn import Layer as LibLayer
from ..nn import Neuron as LibNeuron
from ..nn import ScalarMLP
from ..value import Value
from .feedback import (
    FORGOT_RETURN,
    as_number,
    call_answer,
    checker_error,
    correct,
    diagnose,
    is_unattempted,
    letter,
    never_raises,
    wrong,
)
from .lesson05_network import check_layer, check_mlp, check_neuron, load_like, mlp_layers

__all__ = ["check_layer", "check_mlp", "check_mse", "check_neuron", "check_num_parameters",
           "check_sgd_step", "check_train_step", "check_zero_grad", "model_maker",
           "sgd_step", "use_yours"]

# Exercise 5.1: ScalarMLP(2, [4, 4], 1): layer sizes 2 -> 4 -> 4 -> 1.
SIZES = (2, 4, 4, 1)
# Exercise 5.2: a weight, its gradient and the learning rate.
SGD_STEP = {"w": 0.5, "grad": -2.0, "lr": 0.1}
# Exercise 5.3: the choices offered in the notebook, and the right one.
ZERO_GRAD_CHOICES = {
    "a": "the gradient of the loss at the current weights, as with zeroing",
    "b": "the sum of the gradients computed at steps 1, 2 and 3",
    "c": "zero, because nothing resets it",
    "d": "three times the gradient of step 3",
}
ZERO_GRAD_ANSWER = "b"


def num_parameters(sizes=SIZES):
    """Weights and biases of fully connected layers: sum of (n_in + 1) * n_out."""
    return sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))


@never_raises
def check_num_parameters(n_params):
    """Exercise 5.1: how many parameters ScalarMLP(2, [4, 4], 1) has."""
    x, problem = as_number(n_params, "n_params")
    if problem is not None:
        return problem
    pairs = list(zip(SIZES, SIZES[1:]))
    weights = sum(a * b for a, b in pairs)
    biases = sum(b for _, b in pairs)
    hints = [
        (weights, f"{weights} counts the weights only: every neuron also has a bias"
                  f" (there are {biases} neurons)."),
        (weights + biases - SIZES[-1], f"{weights + biases - SIZES[-1]} leaves out the"
                                       " bias of the output neuron: the last layer is a"
                                       " Layer too, with weights and a bias."),
        (biases, f"{biases} is the number of neurons (biases); each neuron also has one"
                 " weight per input."),
        (sum(SIZES), f"{sum(SIZES)} is the number of inputs and neurons; count the"
                     " connections between them (weights) plus one bias per neuron."),
        (weights + sum(SIZES), f"{weights + sum(SIZES)} gives the inputs a bias too;"
                               " only neurons have one."),
        (2 * 4 * 4 * 1, "32 multiplies all the layer sizes; add up (inputs + 1) * neurons"
                        " over the layers instead."),
    ]
    feedback = diagnose(x, num_parameters(), rtol=0, atol=1e-9, what="n_params",
                        hints=hints)
    if feedback.ok:
        terms = " + ".join(f"({a} + 1) * {b}" for a, b in pairs)
        return correct(f"Right: {terms} = {num_parameters()}. You can confirm it with"
                       " ScalarMLP(2, [4, 4], 1).num_parameters().")
    return feedback


@never_raises
def check_sgd_step(new_w):
    """Exercise 5.2: w after one SGD step, w - lr * grad, for SGD_STEP."""
    x, problem = as_number(new_w, "new_w")
    if problem is not None:
        return problem
    w, g, lr = SGD_STEP["w"], SGD_STEP["grad"], SGD_STEP["lr"]
    expected = w - lr * g
    hints = [
        (w + lr * g, f"{w + lr * g:g} = w + lr * grad moves uphill: the update subtracts"
                     " the gradient, w - lr * grad."),
        (-lr * g, f"{-lr * g:g} is the change, -lr * grad; the new value is the old one"
                  " plus that change."),
        (lr * g, f"{lr * g:g} = lr * grad is (minus) the change only; the new weight is"
                 " w - lr * grad."),
        (w - g, f"{w - g:g} = w - grad forgets the learning rate: w - lr * grad."),
        (w + g, f"{w + g:g} = w + grad: subtract the gradient, and scale it by lr first."),
        (w - g / lr, f"{w - g / lr:g}: the learning rate multiplies the gradient, it does"
                     " not divide it."),
        (w, "the weight has not moved: the gradient is not zero, so SGD changes it."),
    ]
    feedback = diagnose(x, expected, rtol=1e-6, atol=1e-9, what="new_w", hints=hints)
    if feedback.ok:
        return correct(f"Right: {w:g} - {lr:g} * ({g:g}) = {expected:g}. The gradient is"
                       " negative, so the loss falls when w grows, and SGD makes it grow.")
    return feedback


@never_raises
def check_zero_grad(answer):
    """Exercise 5.3: which letter of ZERO_GRAD_CHOICES says what p.grad holds at step 3."""
    choice, problem = letter(answer, ZERO_GRAD_CHOICES, "answer")
    if problem is not None:
        return problem
    if choice == ZERO_GRAD_ANSWER:
        return correct("Right: backward() adds to .grad, so without zeroing, each step"
                       " uses the sum of all gradients so far, most of them computed at"
                       " weights the model has already left behind.")
    why = {
        "a": "that is what zeroing the gradients guarantees. Without it, backward() adds the new"
             " gradient to what .grad already holds from the steps before.",
        "c": "nothing resets .grad, right, but backward() adds to it: after three steps"
             " it holds the gradients of all three, not zero.",
        "d": "each step's gradient is computed at different weights (they moved in"
             " between), and backward() adds it to what .grad held: the three add up,"
             " they are not one gradient counted three times.",
    }[choice]
    return wrong(f"Not {choice}: {why}")


# ---------------- Exercise 5.5: the mean squared error ----------------

MSE_CASES = (((0.5, -1.0, 2.0), (1.0, 0.0, 2.5)),
             ((0.2, 0.4, -0.3, 1.1), np.array([0.0, 1.0, 0.5, 1.0])))


@never_raises
def check_mse(mse):
    """Exercise 5.5: mse(preds, targets) = (1/n) sum_i (preds_i - targets_i)**2, a Value,
    compared with losses.mse_loss in value and in the gradient of every prediction.

    A hint for a typical mistake (the sum, no square, ...) fires only when the answer
    equals that mistake on every case."""
    if not is_unattempted(mse) and not callable(mse):
        return call_answer(mse)[1]
    runs = []  # (described, preds, out, diff) per case
    for p, t in MSE_CASES:
        described = f"preds {list(p)}, targets {[float(v) for v in t]}"
        preds = [Value(v) for v in p]
        out, problem = call_answer(mse, preds, t)
        if problem is not None:
            return problem if problem.message == FORGOT_RETURN or problem.ok is None else \
                wrong(f"For {described}, {problem.message}")
        diff = np.array(p) - np.asarray(t, dtype=float)
        if not isinstance(out, Value):
            x, problem = as_number(out, "mse")
            if problem is not None:
                return problem
            right = math.isclose(x, float(np.mean(diff ** 2)), rel_tol=1e-9)
            why = "the right number" if right else f"{x:.6g}"
            return wrong(f"your mse returned {why} as a plain {type(out).__name__}, not a"
                         " Value: compute with the Values in preds (not their .data), so"
                         " that loss.backward() reaches the predictions")
        runs.append((described, preds, out, diff))
    mistakes = [
        (lambda d: float(np.sum(d ** 2)), "adds up the squared errors but does not divide"
                                          " by n: the mean is the sum / n"),
        (lambda d: float(np.mean(d)), "leaves out the square: (pred - target) ** 2"),
        (lambda d: float(np.mean(np.abs(d))), "is the mean absolute error; square the"
                                              " differences instead"),
        (lambda d: math.sqrt(np.mean(d ** 2)), "takes the square root (that is the RMSE);"
                                               " the mean squared error stops at the mean"),
        (lambda d: float(np.mean(d ** 2)) / 2, "divides by 2n; the mean divides by n"),
        (lambda d: float(np.sum(d ** 2)) / len(d) ** 2, "divides by n twice"),
    ]

    def close(a, b):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)

    if not all(close(out.data, float(np.mean(d ** 2))) for _, _, out, d in runs):
        for formula, message in mistakes:
            if all(close(out.data, formula(d)) for _, _, out, d in runs):
                return wrong(f"your mse {message}.")
        for described, _, out, d in runs:
            if not close(out.data, float(np.mean(d ** 2))):
                return wrong(f"For {described}, your mse gives {out.data:.6g}, but the mean"
                             f" squared error is {float(np.mean(d ** 2)):.6g}.")
    for (described, preds, out, diff), (p, t) in zip(runs, MSE_CASES):
        for v in preds:
            v.grad = 0.0
        try:
            out.backward()
        except Exception as e:
            return checker_error(e, "backward() through your loss")
        ref = mse_loss([Value(v) for v in p], t)
        grads = 2 * diff / len(p)  # dL/dpred_i = 2 (pred_i - target_i) / n
        got = np.array([v.grad for v in preds])
        if not np.allclose(got, grads, rtol=1e-9, atol=1e-12) or not close(ref.data, out.data):
            return wrong(f"For {described}, your loss has the right value, but backward()"
                         f" gives the predictions the gradients {np.round(got, 6)} instead"
                         f" of 2 (pred - target) / n = {np.round(grads, 6)}: build it from"
                         " the Values in preds")
    return correct("Right: your mse gives the same loss as losses.mse_loss and the same"
                   " gradient 2 (pred - target) / n for every prediction.")


# ---------------- Exercise 5.7: one step of the training loop ----------------

STEP_DATA = {"X": np.array([[-0.8], [-0.3], [0.1], [0.6], [0.9]]),
             "y": np.array([-0.5, -0.9, 0.3, 0.8, 0.1]), "lr": 0.2, "stale": 0.7}


def sgd_step(model, X, y, lr):
    """One step of gradient descent on the mean squared error; returns the loss before it.

    forward: L = mse(model(x_i), y_i); zero every p.grad; backward; p <- p - lr * dL/dp.
    The library's twin of exercise 5.7 (lesson 05)."""
    preds = [model(list(row)) for row in X]
    loss = mse_loss(preds, y)
    params = model.parameters()
    for p in params:
        p.grad = 0.0
    loss.backward()
    for p in params:
        p.data -= lr * p.grad
    return loss.data


class _BareModel:
    """A model with only __call__ and parameters(), like the learner's MLP."""

    def __init__(self, seed):
        self._model = ScalarMLP(1, [3], 1, activation="tanh", seed=seed)

    def __call__(self, x):
        return self._model(x)

    def parameters(self):
        return self._model.parameters()

    def weights(self):
        return np.array([p.data for p in self.parameters()])


@never_raises
def check_train_step(train_step):
    """Exercise 5.7: train_step(model, X, y, lr) does forward, zero grad, backward, update
    and returns the loss before the update as a plain number (loss.data, not the Value);
    compared with `sgd_step` on a small MLP whose .grad holds stale numbers at the start
    (as after an earlier step)."""
    X, y, lr, stale = STEP_DATA["X"], STEP_DATA["y"], STEP_DATA["lr"], STEP_DATA["stale"]
    model, twin = _BareModel(seed=3), _BareModel(seed=3)
    for p in model.parameters():
        p.grad = stale
    w0 = model.weights()
    want_loss = sgd_step(twin, X, y, lr)
    grad = np.array([p.grad for p in twin.parameters()])
    want = w0 - lr * grad
    result, problem = call_answer(train_step, model, X, y, lr)
    if problem is not None:
        if "zero_grad" in problem.message and "AttributeError" in problem.message:
            return wrong("your train_step calls model.zero_grad(); the MLP you wrote in 5.3 has"
                         " no such method (the library's models do). Zero the gradients"
                         " yourself: for p in model.parameters(): p.grad = 0.0")
        if "has no attribute 'backward'" in problem.message and \
                any(f"'{t}' object" in problem.message for t in ("float", "numpy.float64",
                                                                 "int", "numpy.ndarray")):
            return wrong("the loss in your train_step is a plain number, so it has no"
                         " backward(): your mse (5.5) is not right yet (ex.check_mse(mse)"
                         " says why). Compute the loss with loss_fn (section 4), which is your"
                         " mse once it is right and the library's mse_loss until then")
        return problem
    got = model.weights()
    close = functools.partial(np.allclose, rtol=1e-9, atol=1e-12)
    if not close(got, want):
        grads_now = np.array([p.grad for p in model.parameters()])
        hints = [(w0 + lr * grad, "moves the parameters uphill: the update subtracts the"
                                  " gradient, p.data -= lr * p.grad"),
                 (w0 - lr * (grad + stale), "used .grad with numbers left over from before"
                                            " the step: set every p.grad to 0 before"
                                            " backward(), which adds to .grad"),
                 (w0 + lr * (grad + stale), "did not zero the gradients before backward(),"
                                            " and moves the parameters uphill"),
                 (w0 - grad, "forgets the learning rate: p.data -= lr * p.grad"),
                 (w0 - lr * stale, "updated with the old .grad: the gradients were zeroed"
                                   " (or backward ran) after the update; the order is"
                                   " forward, zero, backward, update")]
        for value, message in hints:
            if close(got, value):
                return wrong(f"your train_step {message}.")
        if close(got, w0):
            if close(grads_now, 0):
                return wrong("the parameters did not move, and their .grad is 0 after your"
                             " step: the gradients were zeroed after backward() and before"
                             " the update. The order is forward, zero, backward, update")
            return wrong("the parameters did not move: does the update change p.data? (p = p"
                         " - lr * p.grad makes a new Value and leaves the model's parameter"
                         " as it was; write p.data -= lr * p.grad)")
        return wrong(f"after your step the parameters are {np.round(got, 4)}, but one step of"
                     f" gradient descent gives {np.round(want, 4)}")
    if isinstance(result, Value):
        return wrong("the step is right, but you returned a Value (the loss itself); return"
                     " loss.data, the plain number, which the cells below record and print")
    if not isinstance(result, (int, float, np.integer, np.floating)) or \
            isinstance(result, (bool, np.bool_)):
        return wrong(f"the step is right, but it returned a {type(result).__name__}"
                     f" ({result!r}); return loss.data, a plain number")
    loss, problem = as_number(result, "what train_step returned")
    if problem is not None:
        return problem
    if not math.isclose(loss, want_loss, rel_tol=1e-9):
        after = float(mse_loss([model(list(row)) for row in X], y).data)
        if math.isclose(loss, after, rel_tol=1e-9):
            return wrong("the step is right, but it returned the loss after the update; return"
                         " the loss of its forward pass (before the update), as a number")
        return wrong(f"the step is right, but it returned {loss:.6g}; return the loss of its"
                     f" forward pass, {want_loss:.6g}")
    return correct("Right: forward, zero the gradients, backward, update. Your step moves the"
                   " parameters exactly as gradient descent does, even when .grad held old"
                   " numbers before it.")


# ---------------- running the rest of the lesson with the learner's code ----------------

TWINS = {
    "Neuron": (check_neuron, LibNeuron, "nn.Neuron"),
    "Layer": (check_layer, LibLayer, "nn.Layer"),
    "MLP": (check_mlp, functools.partial(ScalarMLP, activation="tanh"),
            "nn.ScalarMLP (with tanh)"),
    "mse": (check_mse, mse_loss, "losses.mse_loss"),
    "train_step": (check_train_step, sgd_step, "sgd_step"),
}


def use_yours(name, yours):
    """The learner's `yours` when its checker says it is right, else the library's twin;
    prints which. `name` is one of "Neuron", "Layer", "MLP", "mse", "train_step"."""
    if name not in TWINS:
        raise ValueError(f"use_yours: unknown name {name!r}; choose one of {', '.join(TWINS)}")
    check, twin, twin_name = TWINS[name]
    verdict = check(yours)
    if verdict.ok:
        print(f"using your {name}")
        return yours
    state = "not written yet" if verdict.ok is None or is_unattempted(yours) else "not right yet"
    print(f"your {name} is {state}, so this uses the library's {twin_name}")
    return twin


def model_maker(MLP, n_in, hidden, n_out, seed=0):
    """A function that returns a fresh model, your MLP when it is right (else the library's
    ScalarMLP, saying so), always with the starting weights of
    ScalarMLP(n_in, hidden, n_out, activation="tanh", seed=seed): both give the same numbers."""
    cls = use_yours("MLP", MLP)
    sizes = (n_in, *hidden, n_out)

    def make():
        model = cls(n_in, list(hidden), n_out)
        if not isinstance(model, ScalarMLP):
            layers, problem = mlp_layers(model, sizes)
            if problem is not None:
                raise ValueError(f"model_maker: {problem.message}")
            load_like(layers, ScalarMLP(n_in, list(hidden), n_out, activation="tanh",
                                        seed=seed))
        return model

    return make
