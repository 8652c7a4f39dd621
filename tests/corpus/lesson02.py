"""Learner answers for lesson 02: 2.1 a forward pass, 2.2 local derivatives, 2.3 counting
the nodes of a graph."""

import math

import numpy as np

from backproplab import Value
from corpus import RIGHT, TODO, WRONG, args

CHECKERS = {"2.1": "check_forward", "2.2": "check_local_gradients",
            "2.3": "check_graph_counts"}

T = 1 - math.tanh(0.5) ** 2  # the local derivative of tanh at 0.5

CASES = [
    ("2.1", "the reference", 3.0 * math.exp(0.5 + -1.5), RIGHT, "times z = 1.1036"),
    ("2.1", "4 significant digits", 1.104, RIGHT, "Right"),
    ("2.1", "3 / e", 3 / math.e, RIGHT, "Right"),
    ("2.1", "node by node, rounded", 3 * 0.3679, RIGHT, "Right"),
    ("2.1", "numpy", np.exp(-1.0) * 3, RIGHT, "Right"),
    ("2.1", "rounded to 2 digits", 1.1, WRONG, "rounded to too few digits"),
    ("2.1", "stopped at the exp node", math.exp(-1.0), WRONG, "the exp node"),
    ("2.1", "stopped at the + node", -1.0, WRONG, "the + node"),
    ("2.1", "skipped exp", -3.0, WRONG, "skipped the exp node"),
    ("2.1", "z inside the exp", math.exp(0.5 - 1.5 * 3), WRONG, "Follow the arrows"),
    ("2.1", "a slip at the exp node", 3 * 0.3697, WRONG, "not right yet"),
    ("2.1", "z added", 3 + math.exp(-1.0), WRONG, "The last op is *"),
    ("2.1", "x - y", 3 * math.exp(0.5 - -1.5), WRONG, ("22.17 is z * exp(x - y)", "adds y")),
    ("2.1", "z inside the exp, times the sum", math.exp(3 * (0.5 - 1.5)), WRONG,
     ("0.0498 is exp(z * (x + y))", "after the exp node")),
    ("2.1", "out itself, the Value", Value(3.0) * (Value(0.5) + Value(-1.5)).exp(), WRONG,
     ("compute it from the leaves with math.exp", "don't pass out")),
    ("2.1", "text", "1.1036", WRONG, "not the text"),
    ("2.1", "a list of node values", [-1.0, 0.3679, 1.1036], WRONG, "single number"),
    ("2.1", "the placeholder", ..., TODO, "replace the ..."),
    ("2.2", "the reference", args(-2.0, 3.0, T, 12.0), RIGHT, "1 - tanh(0.5)**2 = 0.7864"),
    ("2.2", "ints and 4 digits", args(-2, 3, 0.7864, 12), RIGHT, "Right"),
    ("2.2", "3 digits for tanh", args(-2, 3, 0.786, 12), RIGHT, "Right"),
    ("2.2", "formulas", args(-2.0, 3.0, 1 - np.tanh(0.5) ** 2, 3 * 2.0**2), RIGHT, "Right"),
    ("2.2", "sech form", args(-2.0, 3.0, 1 / math.cosh(0.5) ** 2, 12.0), RIGHT, "Right"),
    ("2.2", "a and b swapped", args(3.0, -2.0, T, 12.0), WRONG, "swapped"),
    ("2.2", "tanh's output", args(-2.0, 3.0, math.tanh(0.5), 12.0), WRONG,
     ("d_tanh", "the output")),
    ("2.2", "1 - s**2", args(-2.0, 3.0, 1 - 0.25, 12.0), WRONG, "Square tanh(s), not s"),
    ("2.2", "tanh at the stale u = 0.7", args(-2.0, 3.0, 1 - math.tanh(0.7) ** 2, 12.0), WRONG,
     ("d_tanh: not yet", "the u = 0.7 of the central-difference cell", "d_pow: right")),
    ("2.2", "power at the stale v = -1.3", args(-2.0, 3.0, T, 3 * (-1.3) ** 2), WRONG,
     ("d_pow: not yet", "5.07 is 3*v**2 at v = -1.3", "t = 2")),
    ("2.2", "one wrong, one to do", args(-2.0, -2.0, T, ...), WRONG,
     ("2 of 4 right so far", "d_mul_da: right", "d_mul_db: not yet", "d_tanh: right",
      "d_pow: still ...")),
    ("2.2", "v**3 itself", args(-2.0, 3.0, T, 8.0), WRONG, ("d_pow", "the output")),
    ("2.2", "3*v**3", args(-2.0, 3.0, T, 24.0), WRONG, "lowers the exponent"),
    ("2.2", "the product a*b", args(-6.0, ..., ..., ...), WRONG, "value of a*b"),
    ("2.2", "text in one", args(-2.0, "3", T, 12.0), WRONG, ("d_mul_db", "not the text")),
    ("2.2", "one of four", args(-2.0, ..., ..., ...), TODO, ("1 of 4 right so far",
                                                             "d_mul_db, d_tanh, d_pow")),
    ("2.2", "the placeholders", args(..., ..., ..., ...), TODO, "Not attempted"),
    ("2.3", "the reference", args(10, 5), RIGHT, "10 nodes, 5 of them leaves"),
    ("2.3", "floats", args(10.0, 5.0), RIGHT, "Right"),
    ("2.3", "numpy ints", args(np.int64(10), np.int64(5)), RIGHT, "Right"),
    ("2.3", "one + node", args(9, 5), WRONG, "two numbers at a time"),
    ("2.3", "ovals counted", args(15, 5), WRONG, "Ovals are not nodes"),
    ("2.3", "inputs as the only leaves", args(10, 2), WRONG, "weights w1, w2 and the bias b"),
    ("2.3", "every node a leaf", args(10, 10), WRONG, "That is every node"),
    ("2.3", "root counted twice", args(11, 5), WRONG, "One too many"),
    ("2.3", "an odd count", args(12, 5), WRONG, ("n_nodes is 12", "draw_graph((x1*w1")),
    ("2.3", "text", args("10", "5"), WRONG, "not the text"),
    ("2.3", "leaves first", args(..., 5), TODO, ("So far so good", "n_nodes")),
    ("2.3", "the placeholders", args(..., ...), TODO, "Not attempted"),
]
