"""Checkers for lesson 10 (diagnosing gradients).

    from backproplab.exercises import lesson10 as ex
    ex.check_init_choice(init_choice)       # exercise 10.1: the init for a deep relu network
    ex.check_dead_fraction(dead_fraction)   # exercise 10.2: the share of dead relu units
    ex.check_chance_loss(chance_loss)       # exercise 10.3: the loss of guessing, 5 classes
"""

import math

import numpy as np

from ..data import make_spiral
from ..diagnostics import ActivationRecorder
from ..functional import cross_entropy
from ..nn import INITS, MLP
from .feedback import (
    as_number,
    checker_error,
    correct,
    diagnose,
    is_unattempted,
    never_raises,
    not_attempted,
    wrong,
)
from .lesson00 import compare_functions

# ---- exercise 10.3: the cross-entropy loss of a network that guesses, 5 classes ----

N_CLASSES = 5


@never_raises
def check_chance_loss(loss):
    """Exercise 10.3: cross-entropy when every class gets probability 1/5: log(5)."""
    x, problem = as_number(loss, "chance_loss")
    if problem is not None:
        return problem
    k = N_CLASSES
    expected = math.log(k)
    hints = [
        (1 / k, "0.2 is the probability the network gives each class. The loss is minus"
                " the log of the probability of the right class: -log(1/5)."),
        (-1 / k, "The loss is -log(p) with p = 1/5, not -p."),
        (math.log2(k), "That is log base 2. Cross-entropy uses the natural log: np.log or"
                       " math.log, which give log(5) = 1.609."),
        (math.log10(k), "That is log base 10. Cross-entropy uses the natural log:"
                        " np.log(5)."),
        (math.log(3), "That is log 3, the chance level for 3 classes (the spiral above)."
                      " This network has 5 classes, each with probability 1/5."),
        (-math.log(k), "The sign: the loss is -log(p) = -log(1/5) = log(5), which is"
                       " positive."),
        (math.log(2), "log 2 is the chance level for two classes (binary cross-entropy)."
                      " With 5 classes each gets probability 1/5."),
        (k, "5 is the number of classes; the loss is -log(1/5)."),
        (1 - 1 / k, "0.8 is the probability of guessing wrong; the loss is -log of the"
                    " probability given to the right class, -log(1/5)."),
        (-math.log(1 - 1 / k), "That is -log(4/5). The loss looks at the probability of the"
                               " right class, 1/5: -log(1/5)."),
    ]
    feedback = diagnose(x, expected, rtol=1e-3, atol=1e-6, what="chance_loss",
                        hints=hints)
    if feedback.ok:
        return correct(f"Right: -log(1/5) = log 5 = {expected:.4f}. An untrained network"
                       " on 5 classes should start near this value.")
    return feedback


# ---- exercise 10.1: the init that keeps a deep relu network's activations steady ----

HIDDEN = [64] * 8
ALIASES = {"kaiming": "he", "glorot": "xavier"}


def layer_stds(init, activation="relu", hidden=HIDDEN, seed=0):
    """Activation std of each hidden layer and weight-gradient std of each layer.

    The network is MLP(2, hidden, 3, activation, init) on 300 spiral points, after one
    forward and backward pass of the cross-entropy loss. Returns two lists.
    """
    X, y = make_spiral(n=300, seed=0)
    model = MLP(2, list(hidden), 3, activation=activation, init=init, seed=seed)
    rec = ActivationRecorder(model)
    loss = cross_entropy(rec.forward(X), y)
    model.zero_grad()
    loss.backward()
    acts = [float(rec.activations[name].std()) for name in rec.layer_names[:-1]]
    grads = [float(layer.W.grad.std()) for layer in model.layers]
    return acts, grads


@never_raises
def check_init_choice(init_choice):
    """Exercise 10.1: which `init=` keeps MLP(2, [64] * 8, 3, "relu") steady: "he"."""
    if is_unattempted(init_choice):
        return not_attempted("init_choice")
    names = ", ".join(f'"{n}"' for n in INITS)
    if not isinstance(init_choice, str):
        return wrong(f"init_choice should be one of the names {names}, as text")
    choice = init_choice.strip().strip("\"'").lower()
    choice = ALIASES.get(choice, choice)
    if choice not in INITS:
        return wrong(f"{init_choice!r} is not an init of nn.MLP; choose one of {names}")
    acts, grads = layer_stds(choice)
    shown = (f"with init={choice!r} the activation std goes from {acts[0]:.2g} (layer 1)"
             f" to {acts[-1]:.2g} (layer {len(acts)})")
    steady = acts[0] > 0 and 0.5 <= acts[-1] / acts[0] <= 2
    if steady:
        return correct(f"Right: {shown}, and the weight gradients stay between"
                       f" {min(grads[:-1]):.2g} and {max(grads[:-1]):.2g}. He's variance"
                       " 2 / n_in is twice Xavier's 2 / (n_in + n_out) for square"
                       " layers: it makes up for the half of its inputs that relu sets"
                       " to 0.")
    why = {
        "xavier": "that is the setting above: Xavier's variance 2 / (n_in + n_out) is"
                  " right for tanh, but relu zeroes about half of its inputs, so each"
                  " layer halves the variance. Which init doubles it?",
        "normal": "std 0.01 is far too small: each layer multiplies the activations by"
                  " about sqrt(64 / 2) * 0.01 = 0.06, so they (and the gradients) all but"
                  " vanish.",
        "zeros": "with all weights 0 every hidden activation is 0 and no hidden weight"
                 " gets a gradient: nothing can learn, and all units of a layer would"
                 " stay identical anyway.",
    }.get(choice, "the activations do not keep their size from layer to layer.")
    return wrong(f"Not quite: {shown}. {why[0].upper()}{why[1:]}")


# ---- exercise 10.2: the fraction of dead units in a batch of relu activations ----


def _dead(A):
    """Units (columns) that are 0 for every sample (row), as a fraction of all units."""
    return float(np.mean(np.all(np.asarray(A) == 0, axis=0)))


def _relu_batch(rng, n, units, dead_columns, almost_dead=()):
    """relu activations (n, units): random, some columns all 0, some 0 but for one row."""
    A = np.maximum(rng.normal(size=(n, units)), 0.0)
    A[:, list(dead_columns)] = 0.0
    for j in almost_dead:
        A[:, j] = 0.0
        A[rng.integers(n), j] = 0.7
    return A


def _dead_cases():
    rng = np.random.default_rng(10)
    return [
        ("a batch of 6 samples, 8 units, 3 of them dead",
         (_relu_batch(rng, 6, 8, [1, 4, 6], almost_dead=[2]),)),
        ("a batch of 10 samples, 5 units, none dead but one nearly",
         (_relu_batch(rng, 10, 5, [], almost_dead=[3]),)),
        ("a batch of 4 samples, 4 units, all dead", (np.zeros((4, 4)),)),
        ("a batch of 20 samples, 10 units, 2 dead",
         (_relu_batch(rng, 20, 10, [0, 9], almost_dead=[5]),)),
    ]


DEAD_HINTS = [
    (lambda A: float(np.mean(np.asarray(A) == 0)),
     "That is the share of all entries that are 0 (the 'zero %' of the stats table). A unit"
     " is dead only if it is 0 for every sample: look at whole columns, np.all(A == 0,"
     " axis=0)."),
    (lambda A: float(np.mean(np.all(np.asarray(A) == 0, axis=1))),
     "You looked at rows (samples). Units are the columns: a unit is dead when its whole"
     " column is 0, np.all(A == 0, axis=0)."),
    (lambda A: float(np.mean(np.any(np.asarray(A) == 0, axis=0))),
     "np.any counts units that are 0 for at least one sample; relu units are 0 for many"
     " samples and still alive. Dead means 0 for *every* sample: np.all."),
    (lambda A: 100 * _dead(A),
     "That is a percentage; return a fraction between 0 and 1."),
    (lambda A: 1 - _dead(A),
     "That is the fraction of units that are alive; the question asks for the dead ones."),
    (lambda A: float(np.sum(np.all(np.asarray(A) == 0, axis=0))),
     "That is the number of dead units; divide by the number of units for a fraction."),
]


def check_dead_fraction(dead_fraction):
    """Exercise 10.2: dead_fraction(A) = share of columns of A that are 0 in every row."""
    try:
        return compare_functions(
            dead_fraction, _dead_cases(), _dead, DEAD_HINTS, name="dead_fraction",
            rtol=1e-9, atol=1e-12,
            success="Right: np.all(A == 0, axis=0) marks the units that are 0 for every"
                    " sample, and its mean is their share. It is what rec.stats() reports"
                    " as 'dead units %'.")
    except Exception as e:  # a checker never crashes the notebook
        return checker_error(e, "your function")
