"""Learner answers for lesson 04: 4.1 pow_local_grad, 4.2 a ** operator for TinyValue,
4.3 a / operator for TinyValue, 4.4 tanh built from exp, 4.5 the broken op."""

import math

import numpy as np

from backproplab.exercises.lesson04 import MYSTERY_OPS
from corpus import RIGHT, TODO, WRONG

CHECKERS = {"4.1": "check_pow_local_grad", "4.2": "check_tiny_pow",
            "4.3": "check_tiny_div", "4.4": "check_tanh_from_exp", "4.5": "check_broken_op"}


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


# ---- 4.3: / for a TinyValue (with - as the lesson's step 5 gives it) ----


def tiny_div(div_method=None, with_pow=False):
    """A fresh TinyValue class with `div_method` as its /, and ** when asked."""
    cls = type("TinyValue", (Tiny,), {})
    if with_pow:
        cls.__pow__ = pow_right
    if div_method is not None:
        cls.__truediv__ = div_method
    return cls


def _wrap(self, other):
    return other if isinstance(other, Tiny) else type(self)(other)


def div_right(self, other):
    other = _wrap(self, other)
    a, b = self.data, other.data
    return type(self)(a / b, (self, other), (1 / b, -a / b**2), "/")


def div_composed(self, other):  # a * b**-1, with the ** of exercise 4.2
    other = _wrap(self, other)
    return self * other**-1


def div_other_form(self, other):  # -a/b**2 written as -(a/b)/b, lists
    other = _wrap(self, other)
    q = self.data / other.data
    return type(self)(q, [self, other], [1.0 / other.data, -q / other.data], "/")


def div_sign(self, other):
    other = _wrap(self, other)
    a, b = self.data, other.data
    return type(self)(a / b, (self, other), (1 / b, a / b**2), "/")


def div_no_a(self, other):
    other = _wrap(self, other)
    b = other.data
    return type(self)(self.data / b, (self, other), (1 / b, -1 / b**2), "/")


def div_mul_locals(self, other):
    other = _wrap(self, other)
    return type(self)(self.data / other.data, (self, other), (other.data, self.data), "/")


def div_swapped(self, other):
    other = _wrap(self, other)
    a, b = self.data, other.data
    return type(self)(a / b, (self, other), (-a / b**2, 1 / b), "/")


def div_upside_down(self, other):
    other = _wrap(self, other)
    a, b = self.data, other.data
    return type(self)(b / a, (self, other), (1 / b, -a / b**2), "/")


def div_no_wrap(self, other):  # forgets to turn a plain number into a node
    a, b = self.data, other.data
    return type(self)(a / b, (self, other), (1 / b, -a / b**2), "/")


def div_no_return(self, other):
    other = _wrap(self, other)
    out = type(self)(self.data / other.data, (self, other), (1, 1), "/")  # noqa: F841


def div_float(self, other):
    return self.data / _wrap(self, other).data


def div_stub(self, other):
    ...  # return TinyValue(data, parents, local_grads, op), with the local derivatives above


# ---- 4.4: tanh built from exp, called with backproplab Values ----


def tanh_ref(x):
    e2 = (2 * x).exp()
    return (e2 - 1) / (e2 + 1)


def tanh_sinh_cosh(x):
    return (x.exp() - (-x).exp()) / (x.exp() + (-x).exp())


def tanh_one_minus(x):
    return 1 - 2 / ((2 * x).exp() + 1)


def tanh_sigmoid_form(x):
    return 2 / (1 + (-2 * x).exp()) - 1


def tanh_e_power(x):  # e ** (2x) through Value.__rpow__
    return (math.e ** (2 * x) - 1) / (math.e ** (2 * x) + 1)


def tanh_half(x):
    return (x.exp() - 1) / (x.exp() + 1)


def tanh_sinh(x):
    return (x.exp() - (-x).exp()) / 2


def tanh_no_minus_one(x):
    return (2 * x).exp() / ((2 * x).exp() + 1)


def tanh_precedence(x):
    return ((2 * x).exp() - 1) / (2 * x).exp() + 1


def tanh_upside_down(x):
    return ((2 * x).exp() + 1) / ((2 * x).exp() - 1)


def tanh_one_op(x):
    return x.tanh()


def tanh_math(x):
    e2 = math.exp(2 * x.data)
    return (e2 - 1) / (e2 + 1)


def tanh_half_cut(x):  # the denominator computed from x.data: a constant to backward
    return ((2 * x).exp() - 1) / (math.exp(2 * x.data) + 1)


def tanh_math_on_value(x):
    return (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)


def tanh_no_return(x):
    e2 = (2 * x).exp()
    out = (e2 - 1) / (e2 + 1)  # noqa: F841


def tanh_typo(x):
    return (x.exp2() - 1) / (x.exp2() + 1)


def tanh_stub(x):
    ...  # replace ... with a return statement that uses x.exp() or (2 * x).exp()


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
    ("4.3", "the reference", tiny_div(div_right), RIGHT, "1/b to a and -a/b**2 to b"),
    ("4.3", "composed as a * b**-1", tiny_div(div_composed, with_pow=True), RIGHT, "Right"),
    ("4.3", "-(a/b)/b, lists", tiny_div(div_other_form), RIGHT, "Right"),
    ("4.3", "d/db with the wrong sign", tiny_div(div_sign), WRONG, ("wrong sign", "-a/b**2")),
    ("4.3", "d/db = -1/b**2", tiny_div(div_no_a), WRONG, "left out the factor a"),
    ("4.3", "the local derivatives of *", tiny_div(div_mul_locals), WRONG,
     "local derivatives of a * b"),
    ("4.3", "local derivatives swapped", tiny_div(div_swapped), WRONG, "swapped"),
    ("4.3", "b / a", tiny_div(div_upside_down), WRONG, "which is b / a"),
    ("4.3", "a number not wrapped", tiny_div(div_no_wrap), WRONG,
     ("AttributeError", "'int' object has no attribute 'data'", "as in __mul__")),
    ("4.3", "composed, but no ** yet", tiny_div(div_composed), WRONG,
     ("your code raised TypeError", "needs the ** of exercise 4.2")),
    ("4.3", "forgets return", tiny_div(div_no_return), WRONG, "did you forget `return`"),
    ("4.3", "returns a float", tiny_div(div_float), WRONG, "not a TinyValue"),
    ("4.3", "an instance, not the class", tiny_div(div_right)(2.0), WRONG, "class itself"),
    ("4.3", "the placeholder function", tiny_div(div_stub), TODO, "Not attempted"),
    ("4.3", "no __truediv__ yet", tiny_div(), TODO, "Not attempted"),
    ("4.3", "the placeholder", ..., TODO, "Not attempted"),
    ("4.4", "the reference", tanh_ref, RIGHT, ("1 - tanh(x)**2", "10 nodes")),
    ("4.4", "sinh / cosh", tanh_sinh_cosh, RIGHT, "Right"),
    ("4.4", "1 - 2 / (e**2x + 1)", tanh_one_minus, RIGHT, "Right"),
    ("4.4", "2 sigmoid(2x) - 1 from exp", tanh_sigmoid_form, RIGHT, "Right"),
    ("4.4", "math.e ** (2x)", tanh_e_power, RIGHT, "Right"),
    ("4.4", "tanh(x/2)", tanh_half, WRONG, "tanh(x/2)"),
    ("4.4", "sinh", tanh_sinh, WRONG, "sinh(x)"),
    ("4.4", "no - 1 in the numerator", tanh_no_minus_one, WRONG, "sigmoid(2x)"),
    ("4.4", "missing brackets", tanh_precedence, WRONG, "brackets around the denominator"),
    ("4.4", "upside down", tanh_upside_down, WRONG, "swapped"),
    ("4.4", "x.tanh() itself", tanh_one_op, WRONG, "uses the tanh op itself"),
    ("4.4", "math.exp on x.data", tanh_math, WRONG, ("plain number", "cannot reach x")),
    ("4.4", "half the graph cut", tanh_half_cut, WRONG, ("values are right", "x.data or math.exp")),
    ("4.4", "math.exp on a Value", tanh_math_on_value, WRONG,
     ("your code raised TypeError", "use v.data")),
    ("4.4", "a typo", tanh_typo, WRONG, ("AttributeError", "exp2")),
    ("4.4", "forgets return", tanh_no_return, WRONG, "did you forget `return`"),
    ("4.4", "a number", 0.5, WRONG, "should be a function"),
    ("4.4", "the placeholder function", tanh_stub, TODO, "Not attempted"),
    ("4.4", "the placeholder", ..., TODO, "Not attempted"),
    ("4.5", "the reference", "softplus", RIGHT, "sigmoid(-x)"),
    ("4.5", "capitals", "Softplus", RIGHT, "Right"),
    ("4.5", "spaces and quotes", ' "softplus" ', RIGHT, "Right"),
    ("4.5", "the function itself", MYSTERY_OPS["softplus"], RIGHT,
     ("Right", "accepted", 'the name "softplus" is what was asked')),
    ("4.5", "a call", "softplus(x)", RIGHT, "Right"),
    ("4.5", "sin", "sin", WRONG, ("sin is fine", "finite differences")),
    ("4.5", "reciprocal", "reciprocal", WRONG, "reciprocal is fine"),
    ("4.5", "square, as a function", MYSTERY_OPS["square"], WRONG, "square is fine"),
    ("4.5", "not an op", "tanh", WRONG, "'tanh' is not one of the ops"),
    ("4.5", "a number", 3, WRONG, "name of one op"),
    ("4.5", "the placeholder", ..., TODO, "Not attempted"),
]
