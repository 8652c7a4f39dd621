"""Learner answers for lesson 10: 10.1 the init for a deep relu network, 10.2
dead_fraction, 10.3 the chance-level loss for 5 classes."""

import math

import numpy as np

from corpus import RIGHT, TODO, WRONG

CHECKERS = {"10.1": "check_init_choice", "10.2": "check_dead_fraction",
            "10.3": "check_chance_loss"}


def dead(A):
    return np.mean(np.all(A == 0, axis=0))


def dead_by_max(A):  # relu outputs are >= 0: a dead column has max 0
    return float((A.max(axis=0) == 0).mean())


def dead_loop(A):
    n_units = A.shape[1]
    count = 0
    for j in range(n_units):
        if all(a == 0 for a in A[:, j]):
            count += 1
    return count / n_units


def dead_no_return(A):
    fraction = np.mean(np.all(A == 0, axis=0))  # noqa: F841


def dead_index_error(A):
    return np.mean(np.all(A == 0, axis=0)) / A.shape[2]


def dead_stub(A):
    ...  # replace ... with your code


CASES = [
    ("10.1", "the reference", "he", RIGHT, "He's variance 2 / n_in"),
    ("10.1", "capital", "He", RIGHT, "Right"),
    ("10.1", "kaiming", "kaiming", RIGHT, "Right"),
    ("10.1", "quotes and spaces", ' "he" ', RIGHT, "Right"),
    ("10.1", "xavier", "xavier", WRONG, ("relu zeroes about half", "Which init doubles it")),
    ("10.1", "glorot", "Glorot", WRONG, "Xavier's variance"),
    ("10.1", "normal", "normal", WRONG, "far too small"),
    ("10.1", "zeros", "zeros", WRONG, "nothing can learn"),
    ("10.1", "not an init", "uniform", WRONG, "not an init of nn.MLP"),
    ("10.1", "a number", 2, WRONG, "as text"),
    ("10.1", "the placeholder", ..., TODO, "Not attempted"),
    ("10.2", "the reference", dead, RIGHT, "np.all(A == 0, axis=0)"),
    ("10.2", "by the column max", dead_by_max, RIGHT, "Right"),
    ("10.2", "a loop", dead_loop, RIGHT, "Right"),
    ("10.2", "not any", lambda A: np.sum(~A.any(axis=0)) / A.shape[1], RIGHT, "Right"),
    ("10.2", "the share of zeros", lambda A: np.mean(A == 0), WRONG, "share of all entries"),
    ("10.2", "rows", lambda A: np.mean(np.all(A == 0, axis=1)), WRONG, "looked at rows"),
    ("10.2", "any", lambda A: np.mean(np.any(A == 0, axis=0)), WRONG, "np.any"),
    ("10.2", "a percentage", lambda A: 100 * dead(A), WRONG, "percentage"),
    ("10.2", "alive", lambda A: 1 - dead(A), WRONG, "alive"),
    ("10.2", "a count", lambda A: np.sum(np.all(A == 0, axis=0)), WRONG, "number of dead units"),
    ("10.2", "forgets return", dead_no_return, WRONG, "did you forget `return`"),
    ("10.2", "an IndexError", dead_index_error, WRONG, ("IndexError", "A.shape[2]")),
    ("10.2", "an array per unit", lambda A: np.all(A == 0, axis=0), WRONG, "single number"),
    ("10.2", "the placeholder function", dead_stub, TODO, "Not attempted"),
    ("10.3", "the reference", math.log(5), RIGHT, "log 5 = 1.6094"),
    ("10.3", "4 digits", 1.609, RIGHT, "Right"),
    ("10.3", "-log(1/5)", -np.log(1 / 5), RIGHT, "Right"),
    ("10.3", "-log(0.2)", -math.log(0.2), RIGHT, "Right"),
    ("10.3", "2 digits", 1.6, WRONG, "rounded to too few digits"),
    ("10.3", "the probability", 0.2, WRONG, "probability the network gives each class"),
    ("10.3", "the sign", -math.log(5), WRONG, "positive"),
    ("10.3", "log base 2", math.log2(5), WRONG, "log base 2"),
    ("10.3", "log base 10", math.log10(5), WRONG, "log base 10"),
    ("10.3", "two classes", math.log(2), WRONG, "two classes"),
    ("10.3", "three classes, as the spiral", np.log(3), WRONG, ("log 3", "3 classes")),
    ("10.3", "log base 10 via numpy", np.log10(5), WRONG, ("log base 10", "np.log(5)")),
    ("10.3", "np.log(5)", np.log(5), RIGHT, "Right"),
    ("10.3", "the number of classes", 5, WRONG, "number of classes"),
    ("10.3", "text", "log(5)", WRONG, "not the text"),
    ("10.3", "the placeholder", ..., TODO, "replace the ..."),
]
