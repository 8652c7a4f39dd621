"""Learner answers for lesson 05: 5.1 counting parameters, 5.2 one SGD step, 5.3 what
.grad holds without zero_grad."""

import numpy as np

from corpus import RIGHT, TODO, WRONG

CHECKERS = {"5.1": "check_num_parameters", "5.2": "check_sgd_step", "5.3": "check_zero_grad"}

CASES = [
    ("5.1", "the reference", 37, RIGHT, "(2 + 1) * 4 + (4 + 1) * 4 + (4 + 1) * 1 = 37"),
    ("5.1", "a float", 37.0, RIGHT, "Right"),
    ("5.1", "the formula", (2 + 1) * 4 + (4 + 1) * 4 + (4 + 1) * 1, RIGHT, "Right"),
    ("5.1", "weights plus biases", (2 * 4 + 4 * 4 + 4 * 1) + (4 + 4 + 1), RIGHT, "Right"),
    ("5.1", "a numpy int", np.int64(37), RIGHT, "Right"),
    ("5.1", "weights only", 28, WRONG, "weights only"),
    ("5.1", "no output bias", 36, WRONG, "bias of the output neuron"),
    ("5.1", "neurons only", 9, WRONG, "number of neurons"),
    ("5.1", "inputs and neurons", 11, WRONG, "inputs and neurons"),
    ("5.1", "inputs with biases", 39, WRONG, "inputs a bias too"),
    ("5.1", "the product of sizes", 32, WRONG, "multiplies all the layer sizes"),
    ("5.1", "no known mistake", 40, WRONG, "not right yet"),
    ("5.1", "text", "37", WRONG, "not the text"),
    ("5.1", "the placeholder", ..., TODO, "replace the ..."),
    ("5.2", "the reference", 0.7, RIGHT, "0.5 - 0.1 * (-2) = 0.7"),
    ("5.2", "the formula", 0.5 - 0.1 * -2.0, RIGHT, "Right"),
    ("5.2", "a fraction", 7 / 10, RIGHT, "Right"),
    ("5.2", "a numpy array of one", np.array([0.7]), RIGHT, "Right"),
    ("5.2", "uphill", 0.5 + 0.1 * -2.0, WRONG, "moves uphill"),
    ("5.2", "the change only", 0.2, WRONG, "is the change"),
    ("5.2", "lr * grad", -0.2, WRONG, "(minus) the change only"),
    ("5.2", "no learning rate", 2.5, WRONG, "forgets the learning rate"),
    ("5.2", "divided by lr", 20.5, WRONG, "does not divide it"),
    ("5.2", "not moved", 0.5, WRONG, "has not moved"),
    ("5.2", "text", "0.7", WRONG, "not the text"),
    ("5.2", "two numbers", [0.5, 0.7], WRONG, "single number"),
    ("5.2", "the placeholder", ..., TODO, "replace the ..."),
    ("5.3", "the reference", "b", RIGHT, "sum of all gradients so far"),
    ("5.3", "capital", "B", RIGHT, "Right"),
    ("5.3", "brackets", "(b)", RIGHT, "Right"),
    ("5.3", "spaces", " b ", RIGHT, "Right"),
    ("5.3", "b)", "b)", RIGHT, "Right"),
    ("5.3", "with the text", "b: the sum of the gradients computed at steps 1, 2 and 3",
     RIGHT, "Right"),
    ("5.3", "a", "a", WRONG, ("Not a", "what zero_grad guarantees")),
    ("5.3", "c", "c", WRONG, ("Not c", "not zero")),
    ("5.3", "d", "(d)", WRONG, ("Not d", "different weights")),
    ("5.3", "no such letter", "e", WRONG, 'one of "a", "b", "c", "d"'),
    ("5.3", "a number", 2, WRONG, "one letter as a string"),
    ("5.3", "the placeholder", ..., TODO, "Not attempted"),
]
