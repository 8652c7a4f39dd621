"""Learner answers for lesson 01: 1.1 a derivative by hand, 1.2 central_difference,
1.3 the chain rule for g(x) = tanh(3x + 1)."""

import math

import numpy as np

from corpus import RIGHT, TODO, WRONG

CHECKERS = {"1.1": "check_derivative", "1.2": "check_central_difference",
            "1.3": "check_chain_rule"}


def f(x):
    return x**3 - 5 * x


def central(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


def central_halves(f, x, h):
    return 0.5 * (f(x + h) - f(x - h)) / h


def central_as_mean(f, x, h):  # the mean of the forward and the backward difference
    forward = (f(x + h) - f(x)) / h
    backward = (f(x) - f(x - h)) / h
    return (forward + backward) / 2


def central_no_return(f, x, h):
    slope = (f(x + h) - f(x - h)) / (2 * h)  # noqa: F841


def central_own_h(f, x, h):
    h = 1e-6
    return (f(x + h) - f(x - h)) / (2 * h)


def central_typo(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * H)  # noqa: F821


def central_stub(f, x, h):
    ...


def g_prime(x):
    u = 3 * x + 1
    return (1 - math.tanh(u) ** 2) * 3


def g_prime_no_return(x):
    u = 3 * x + 1
    print(3 * (1 - math.tanh(u) ** 2))


def g_prime_estimate(x):
    h = 1e-5
    return (math.tanh(3 * (x + h) + 1) - math.tanh(3 * (x - h) + 1)) / (2 * h)


def g_prime_value_method(x):
    return 3 * (1 - x.tanh() ** 2)  # floats have no .tanh(): AttributeError


def g_prime_stub(x):
    raise NotImplementedError


CASES = [
    ("1.1", "the reference", 7, RIGHT, "f'(2) = 12 - 5 = 7"),
    ("1.1", "a float", 7.0, RIGHT, "Right"),
    ("1.1", "the formula", 3 * 2**2 - 5, RIGHT, "Right"),
    ("1.1", "a central difference, h = 0.001", central(f, 2.0, 1e-3), WRONG,
     ("7.000001", "numerical estimate")),
    ("1.1", "a forward difference, h = 1e-6", (f(2 + 1e-6) - f(2)) / 1e-6, WRONG,
     "numerical estimate"),
    ("1.1", "f(2), the height", f(2.0), WRONG, "height of the curve"),
    ("1.1", "3*x**3 - 5", 3 * 2**3 - 5, WRONG, "lowers the exponent"),
    ("1.1", "forgot the 3", 2**2 - 5, WRONG, "forget the 3"),
    ("1.1", "forgot the -5", 12, WRONG, "-5*x part"),
    ("1.1", "+5 instead of -5", 17, WRONG, "sign stays"),
    ("1.1", "kept the x of -5x", 3 * 2**2 - 5 * 2, WRONG, ("derivative of -5*x is -5",
                                                           "not -5*x")),
    ("1.1", "3*x**2 - 5 with the leftover x = 0.5", 3 * 0.5**2 - 5, WRONG,
     ("some other x", "x = 0.5", "Put in x = 2")),
    ("1.1", "a number with no known mistake", 5, WRONG, "not right yet"),
    ("1.1", "text", "7", WRONG, "not the text"),
    ("1.1", "the function instead of a number", f, WRONG, "not a function"),
    ("1.1", "the placeholder", ..., TODO, "replace the ..."),
    ("1.2", "the reference", central, RIGHT, "(f(x + h) - f(x - h)) / (2*h)"),
    ("1.2", "0.5 * ... / h", central_halves, RIGHT, "Right"),
    ("1.2", "the mean of forward and backward", central_as_mean, RIGHT, "Right"),
    ("1.2", "a lambda", lambda f, x, h: (f(x + h) - f(x - h)) / h / 2, RIGHT, "Right"),
    ("1.2", "forward difference", lambda f, x, h: (f(x + h) - f(x)) / h, WRONG,
     "forward difference"),
    ("1.2", "divided by h", lambda f, x, h: (f(x + h) - f(x - h)) / h, WRONG,
     "divide by 2 * h"),
    ("1.2", "no brackets on the bottom", lambda f, x, h: (f(x + h) - f(x - h)) / 2 * h,
     WRONG, "/ (2 * h)"),
    ("1.2", "its own small h", central_own_h, WRONG, "its own small step"),
    ("1.2", "forgets return", central_no_return, WRONG, "did you forget `return`"),
    ("1.2", "a NameError", central_typo, WRONG, ("NameError", "line", "2 * H")),
    ("1.2", "returns both differences", lambda f, x, h: ((f(x + h) - f(x)) / h,
                                                        (f(x) - f(x - h)) / h),
     WRONG, "single number"),
    ("1.2", "the placeholder function", central_stub, TODO, "replace the ..."),
    ("1.3", "the reference", g_prime, RIGHT, "outer derivative at the inner value"),
    ("1.3", "sech**2 form", lambda x: 3 / math.cosh(3 * x + 1) ** 2, RIGHT, "Right"),
    ("1.3", "numpy, (1 - t)(1 + t)", lambda x: 3 * (1 - np.tanh(3 * x + 1)) *
     (1 + np.tanh(3 * x + 1)), RIGHT, "Right"),
    ("1.3", "a numerical estimate of g'", g_prime_estimate, WRONG,
     ("numerical estimate", "chain rule")),
    ("1.3", "forgot the inner derivative", lambda x: 1 - math.tanh(3 * x + 1) ** 2, WRONG,
     "multiply by du/dx = 3"),
    ("1.3", "tanh(x) instead of tanh(u)", lambda x: 3 * (1 - math.tanh(x) ** 2), WRONG,
     "at the inner value"),
    ("1.3", "forgot to square", lambda x: 3 * (1 - math.tanh(3 * x + 1)), WRONG,
     "forgot to square"),
    ("1.3", "inner derivative 3x", lambda x: (1 - math.tanh(3 * x + 1) ** 2) * 3 * x, WRONG,
     ("constant 3, not 3x", "drop the x")),
    ("1.3", "squared the bracket", lambda x: 3 * (1 - math.tanh(3 * x + 1)) ** 2, WRONG,
     ("squares the whole bracket", "3 * (1 - tanh(u)**2)")),
    ("1.3", "no brackets: 1 - tanh(u)**2 * 3", lambda x: 1 - math.tanh(3 * x + 1) ** 2 * 3,
     WRONG, ("multiplies before it subtracts", "(1 - tanh(u)**2) * 3")),
    ("1.3", "g itself", lambda x: math.tanh(3 * x + 1), WRONG, "g(x) itself"),
    ("1.3", "prints, no return", g_prime_no_return, WRONG, "did you forget `return`"),
    ("1.3", "x.tanh() on a float", g_prime_value_method, WRONG,
     ("AttributeError", "'float' object has no attribute 'tanh'", "x.tanh()")),
    ("1.3", "a formula with no known mistake", lambda x: 3 * math.exp(-x * x), WRONG,
     ("For x = -1", "right answer is")),
    ("1.3", "raise NotImplementedError", g_prime_stub, TODO, "Not attempted"),
    ("1.3", "the placeholder", ..., TODO, "Not attempted"),
]
