"""Learner answers for lesson 04: 4.1 pow_local_grad, 4.2 a ** operator for TinyValue,
4.3 the broken op."""

import math

import numpy as np

from backproplab.exercises.lesson04 import MYSTERY_OPS
from corpus import RIGHT, TODO, WRONG

CHECKERS = {"4.1": "check_pow_local_grad", "4.2": "check_tiny_pow",
            "4.3": "check_broken_op"}


# ---- 4.1 ----


def grad(a, k):
    return k * a ** (k - 1)


def grad_divided(a, k):  # k * a**k / a: the same for a != 0
    return k * a**k / a


def grad_numerical(a, k):  # a central difference: close, but not the power rule
    h = 1e-5
    return ((a + h) ** k - (a - h) ** k) / (2 * h)


def grad_no_return(a, k):
    local = k * a ** (k - 1)  # noqa: F841


def grad_prints(a, k):
    print(k * a ** (k - 1))


def grad_typo(a, k):
    return k * a ** (K - 1)  # noqa: F821


def grad_stub(a, k):
    ...  # replace ... with a return statement


# ---- 4.2: a TinyValue as the lesson builds it; each case gets its own copy ----


class Tiny:
    def __init__(self, data, parents=(), local_grads=(), op=""):
        self.data = float(data)
        self.grad = 0.0
        self.parents = parents
        self.local_grads = local_grads
        self.op = op

    def __add__(self, other):
        other = other if isinstance(other, Tiny) else type(self)(other)
        return type(self)(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __mul__(self, other):
        other = other if isinstance(other, Tiny) else type(self)(other)
        return type(self)(self.data * other.data, (self, other), (other.data, self.data), "*")

    __radd__ = __add__
    __rmul__ = __mul__

    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((p, False) for p in node.parents)
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in zip(node.parents, node.local_grads):
                parent.grad += local * node.grad


def tiny(pow_method=None):
    """A fresh TinyValue class with `pow_method` as its **, as the notebook cell does."""
    cls = type("TinyValue", (Tiny,), {})
    if pow_method is not None:
        cls.__pow__ = pow_method
    return cls


def pow_right(self, k):
    return type(self)(self.data**k, (self,), (k * self.data ** (k - 1),), f"**{k}")


def pow_with_grad_function(self, k):
    return type(self)(self.data**k, (self,), (grad(self.data, k),), "**")


def pow_lists(self, k):
    return type(self)(math.pow(self.data, k), [self], [k * self.data ** (k - 1)], "**")


def pow_k_node(self, k):  # k as a node of its own, with its own right local derivative
    k_node = type(self)(k)
    return type(self)(self.data**k, (self, k_node),
                      (k * self.data ** (k - 1), self.data**k * math.log(self.data)), "**")


def pow_no_return(self, k):
    out = type(self)(self.data**k, (self,), (k * self.data ** (k - 1),), "**")  # noqa: F841


def pow_parent_k(self, k):
    return type(self)(self.data**k, (self, k), (k * self.data ** (k - 1), 0.0), "**")


def pow_local_not_tuple(self, k):
    return type(self)(self.data**k, (self,), k * self.data ** (k - 1), "**")


def pow_parents_not_tuple(self, k):
    return type(self)(self.data**k, self, (k * self.data ** (k - 1),), "**")


def pow_no_factor_k(self, k):
    return type(self)(self.data**k, (self,), (self.data ** (k - 1),), "**")


def pow_wrong_data(self, k):
    return type(self)(self.data * k, (self,), (k * self.data ** (k - 1),), "**")


def pow_typo(self, k):
    return type(self)(self.data**k, (self,), (k * self.date ** (k - 1),), "**")


def pow_float(self, k):
    return self.data**k


def pow_stub(self, k):
    ...  # return TinyValue(data, parents, local_grads, op): see __mul__ for the pattern


CASES = [
    ("4.1", "the reference", grad, RIGHT, "k * a**(k-1)"),
    ("4.1", "k * a**k / a", grad_divided, RIGHT, "Right"),
    ("4.1", "math.pow", lambda a, k: k * math.pow(a, k - 1), RIGHT, "Right"),
    ("4.1", "np.power", lambda a, k: k * np.power(a, k - 1), RIGHT, "Right"),
    ("4.1", "forgot the factor k", lambda a, k: a ** (k - 1), WRONG, "left out the factor k"),
    ("4.1", "k * a**k", lambda a, k: k * a**k, WRONG, "goes down by one"),
    ("4.1", "a**k", lambda a, k: a**k, WRONG, "forward value"),
    ("4.1", "d/dk", lambda a, k: a**k * math.log(a), WRONG, "with respect to the exponent"),
    ("4.1", "the second derivative", lambda a, k: k * (k - 1) * a ** (k - 2), WRONG,
     "second derivative"),
    ("4.1", "a numerical estimate", grad_numerical, WRONG, ("numerical estimate", "power rule")),
    ("4.1", "forgets return", grad_no_return, WRONG, "did you forget `return`"),
    ("4.1", "prints", grad_prints, WRONG, "did you forget `return`"),
    ("4.1", "a NameError", grad_typo, WRONG, ("NameError", "name 'K' is not defined")),
    ("4.1", "a tuple", lambda a, k: (k, a ** (k - 1)), WRONG, "single number"),
    ("4.1", "the placeholder function", grad_stub, TODO, "Not attempted"),
    ("4.1", "the placeholder", ..., TODO, "Not attempted"),
    ("4.2", "the reference", tiny(pow_right), RIGHT, "records k * a**(k-1)"),
    ("4.2", "with pow_local_grad", tiny(pow_with_grad_function), RIGHT, "Right"),
    ("4.2", "lists, math.pow", tiny(pow_lists), RIGHT, "Right"),
    ("4.2", "k as a node", tiny(pow_k_node), RIGHT, "Right"),
    ("4.2", "forgets return", tiny(pow_no_return), WRONG, "did you forget `return`"),
    ("4.2", "parents (self, k)", tiny(pow_parent_k), WRONG,
     ("plain int", "k is a constant, not a node", "parents = (self,)")),
    ("4.2", "local_grads a float", tiny(pow_local_not_tuple), WRONG,
     ("local_grads is 3.0, a float, not a tuple", "(k * self.data ** (k - 1),)")),
    ("4.2", "parents not a tuple", tiny(pow_parents_not_tuple), WRONG,
     ("parents is", "not a tuple", "(self,)")),
    ("4.2", "forgot the factor k", tiny(pow_no_factor_k), WRONG, "left out the factor k"),
    ("4.2", "data * k", tiny(pow_wrong_data), WRONG, "forward value should be"),
    ("4.2", "an AttributeError", tiny(pow_typo), WRONG,
     ("AttributeError", "'date'", "self.date")),
    ("4.2", "returns a float", tiny(pow_float), WRONG, "without .data"),
    ("4.2", "an instance, not the class", tiny(pow_right)(2.0), WRONG, "class itself"),
    ("4.2", "the placeholder function", tiny(pow_stub), TODO, "Not attempted"),
    ("4.2", "no __pow__ yet", tiny(), TODO, "Not attempted"),
    ("4.3", "the reference", "softplus", RIGHT, "sigmoid(-x)"),
    ("4.3", "capitals", "Softplus", RIGHT, "Right"),
    ("4.3", "spaces and quotes", ' "softplus" ', RIGHT, "Right"),
    ("4.3", "the function itself", MYSTERY_OPS["softplus"], RIGHT, "Right"),
    ("4.3", "a call", "softplus(x)", RIGHT, "Right"),
    ("4.3", "sin", "sin", WRONG, ("sin is fine", "finite differences")),
    ("4.3", "reciprocal", "reciprocal", WRONG, "reciprocal is fine"),
    ("4.3", "square, as a function", MYSTERY_OPS["square"], WRONG, "square is fine"),
    ("4.3", "not an op", "tanh", WRONG, "'tanh' is not one of the ops"),
    ("4.3", "a number", 3, WRONG, "name of one op"),
    ("4.3", "the placeholder", ..., TODO, "Not attempted"),
]
