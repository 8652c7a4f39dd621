"""Learner answers for lesson 00 (start here): 0.1 the slope of a line, 0.2 average_rate."""

import math

import numpy as np

from corpus import RIGHT, TODO, WRONG, Args

CHECKERS = {"0.1": "check_line_slope", "0.2": "check_average_rate"}


def rate(f, a, b):
    return (f(b) - f(a)) / (b - a)


def rate_other_order(f, a, b):
    return (f(a) - f(b)) / (a - b)


def rate_in_steps(f, a, b):
    rise = f(b) - f(a)
    run = b - a
    return rise / run


def rate_no_return(f, a, b):
    result = (f(b) - f(a)) / (b - a)  # noqa: F841 (computed, never returned)


def rate_prints(f, a, b):
    print((f(b) - f(a)) / (b - a))


def rate_no_brackets(f, a, b):
    return f(b) - f(a) / (b - a)


def rate_no_brackets_at_all(f, a, b):
    return f(b) - f(a) / b - a


def rate_square(f, a, b):
    return (b**2 - a**2) / (b - a)


def rate_typo(f, a, b):
    return (f(b) - f(a)) / (b - c)  # noqa: F821 (a typo: c is not defined)


def rate_as_text(f, a, b):
    return f"{(f(b) - f(a)) / (b - a):.3f}"


def rate_stub(f, a, b):
    ...


def rate_pass(f, a, b):
    pass


CASES = [
    ("0.1", "the reference", 2, RIGHT, "(9 - 3) / (4 - 1) = 2"),
    ("0.1", "a float", 2.0, RIGHT, "Right"),
    ("0.1", "the expression", (9 - 3) / (4 - 1), RIGHT, "Right"),
    ("0.1", "a numpy number", np.float64(2), RIGHT, "Right"),
    ("0.1", "the other order", (3 - 9) / (1 - 4), RIGHT, "Right"),
    ("0.1", "run / rise", (4 - 1) / (9 - 3), WRONG, "upside down"),
    ("0.1", "the rise only", 6, WRONG, "rise"),
    ("0.1", "the run only", 3, WRONG, "run"),
    ("0.1", "mixed order", (9 - 3) / (1 - 4), WRONG, "same order"),
    ("0.1", "through the origin", 9 / 4, WRONG, "(0, 0)"),
    ("0.1", "a number with no known mistake", 7, WRONG, ("7", "not right yet")),
    ("0.1", "text", "2", WRONG, ("not the text '2'", "quotes")),
    ("0.1", "two numbers", [6, 3], WRONG, "single number"),
    ("0.1", "a one-number list", [2], WRONG, ("single number", "without the brackets")),
    ("0.1", "a complex number", 2 + 0j, WRONG, ("real number", "without j")),
    ("0.1", "a bool", True, WRONG, ("not True", "yes-or-no")),
    ("0.1", "no brackets at all", 9 - 3 / 4 - 1, WRONG,
     ("If you wrote 9 - 3 / 4 - 1", "divides only 3 by 4", "around the bottom")),
    ("0.1", "x and y mixed up", (9 - 1) / (4 - 3), WRONG,
     ("If you wrote (9 - 1) / (4 - 3)", "mixes up x and y", "If you wrote 9 - 3 / (4 - 1)")),
    ("0.1", "no brackets on the bottom", (9 - 3) / 4 - 1, WRONG,
     ("upside down", "If you wrote (9 - 3) / 4 - 1", "brackets around the bottom")),
    ("0.1", "slope = print(2)", None, WRONG, ("slope is None", "print()", "Replace the ...")),
    ("0.1", "right to 6 digits", 2.000001, RIGHT, "Right"),
    ("0.1", "the demo's points, right", Args((3.0, [(1, 2), (3, 8)])), RIGHT,
     "(8 - 2) / (3 - 1) = 3"),
    ("0.1", "the demo's points, upside down", Args(((3 - 1) / (8 - 2), [(1, 2), (3, 8)])),
     WRONG, "upside down"),
    ("0.1", "the placeholder", ..., TODO, "replace the ..."),
    ("0.2", "the reference", rate, RIGHT, "(f(b) - f(a)) / (b - a)"),
    ("0.2", "subtracting the other way on both", rate_other_order, RIGHT, "Right"),
    ("0.2", "rise and run in steps", rate_in_steps, RIGHT, "Right"),
    ("0.2", "a lambda", lambda f, a, b: (f(b) - f(a)) / (b - a), RIGHT, "Right"),
    ("0.2", "computed into a local, no return", rate_no_return, WRONG,
     "did you forget `return`"),
    ("0.2", "prints instead of returning", rate_prints, WRONG, "did you forget `return`"),
    ("0.2", "no brackets on top", rate_no_brackets, WRONG, "brackets around the top"),
    ("0.2", "no brackets at all", rate_no_brackets_at_all, WRONG,
     ("f(b) - f(a) / b - a", "around the top and around the bottom")),
    ("0.2", "the result passed, not the function", rate(lambda x: x**2, 1, 3), WRONG,
     ("got a float, 4.0", "ex.check_average_rate(average_rate), without calling it")),
    ("0.2", "right to 7 digits", lambda f, a, b: rate(f, a, b) + 1e-7, RIGHT, "Right"),
    ("0.2", "off in the 6th digit", lambda f, a, b: rate(f, a, b) * (1 + 1e-5), WRONG,
     ("returned 4.00004", "right answer is 4.")),
    ("0.2", "off in the 7th digit: more digits shown", lambda f, a, b: rate(f, a, b) * 1.0000012,
     WRONG, ("returned 4.000005", "right answer is 4.")),
    ("0.2", "always x**2", rate_square, WRONG, "always use x**2"),
    ("0.2", "the change in f only", lambda f, a, b: f(b) - f(a), WRONG, "Divide it"),
    ("0.2", "flipped sign", lambda f, a, b: (f(a) - f(b)) / (b - a), WRONG, "sign is flipped"),
    ("0.2", "a NameError", rate_typo, WRONG,
     ("NameError", "name 'c' is not defined", "(f(b) - f(a)) / (b - c)")),
    ("0.2", "returns text", rate_as_text, WRONG, ("not the text '4.000'", "f-string")),
    ("0.2", "uses math.sin whatever f is", lambda f, a, b: (math.sin(b) - math.sin(a)) / (b - a),
     WRONG, "For f(x) = x**2, a = 1, b = 3"),
    ("0.2", "the placeholder function", rate_stub, TODO, "replace the ..."),
    ("0.2", "pass instead of ...", rate_pass, TODO, "Not attempted"),
    ("0.2", "the placeholder itself", ..., TODO, "Not attempted"),
]
