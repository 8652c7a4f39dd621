"""Checkers for lesson 00 (start here): two warm-ups on slopes.

    from backproplab.exercises import lesson00 as ex
    ex.check_line_slope(slope)            # Exercise 0.1
    ex.check_average_rate(average_rate)   # Exercise 0.2

"""

import math

from .feedback import as_number, compare_functions, correct, diagnose, never_raises

# Exercise 0.1: the straight line through these two points
P1 = (1.0, 3.0)
P2 = (4.0, 9.0)


@never_raises
def check_line_slope(slope):
    """Exercise 0.1: the slope of the line through P1 = (1, 3) and P2 = (4, 9), i.e. 2."""
    x, feedback = as_number(slope, "slope")
    if feedback is not None:
        return feedback
    (x1, y1), (x2, y2) = P1, P2
    rise, run = y2 - y1, x2 - x1
    hints = [
        (run / rise, "That is run / rise, upside down: the slope is the change in y divided"
                     " by the change in x."),
        (rise, "6 is how much y changes (the rise). Divide it by how much x changes (the run)."),
        (run, "3 is how much x changes (the run). The slope is rise / run: the change in y"
              " divided by the change in x."),
        (-rise / run, "The line goes up from left to right, so its slope is positive. Subtract"
                      " in the same order on top and bottom: (9 - 3) / (4 - 1)."),
        (2 * rise / run, "That is twice the slope. The slope is (9 - 3) / (4 - 1)."),
        (rise / run / 2, "That is half the slope. The slope is (9 - 3) / (4 - 1)."),
        (y2 / x2, "9 / 4 is the slope of a line through (0, 0) and (4, 9). Use the differences"
                  " between the two points: (9 - 3) / (4 - 1)."),
    ]
    result = diagnose(x, rise / run, what="slope", hints=hints)
    if result.ok:
        return correct("Right: the slope is (9 - 3) / (4 - 1) = 2. Every step of 1 to the"
                       " right takes the line 2 up.")
    return result


# Exercise 0.2: the average rate of change of f between a and b


def _square(x):
    return x * x


def _cube_minus_x(x):
    return x**3 - x


def _sin(x):
    return math.sin(x)


AVERAGE_RATE_CASES = [
    ("f(x) = x**2, a = 1, b = 3", (_square, 1.0, 3.0)),
    ("f(x) = x**2, a = -2, b = 0.5", (_square, -2.0, 0.5)),
    ("f(x) = x**3 - x, a = 0, b = 2", (_cube_minus_x, 0.0, 2.0)),
    ("f(x) = sin(x), a = 0.3, b = 1.1", (_sin, 0.3, 1.1)),
    ("f(x) = x**3 - x, a = 1.5, b = -1", (_cube_minus_x, 1.5, -1.0)),
]


def _rate(f, a, b):
    return (f(b) - f(a)) / (b - a)


AVERAGE_RATE_HINTS = [
    (lambda f, a, b: f(b) - f(a),
     "You return the change in f, f(b) - f(a). Divide it by the change in x, b - a."),
    (lambda f, a, b: (b - a) / (f(b) - f(a)),
     "Upside down: the rate is (change in f) / (change in x), (f(b) - f(a)) / (b - a)."),
    (lambda f, a, b: (f(a) - f(b)) / (b - a),
     "The sign is flipped: subtract in the same order on top and bottom,"
     " (f(b) - f(a)) / (b - a)."),
    (lambda f, a, b: f(b) - f(a) / (b - a),
     "Python divides before it subtracts, so f(b) - f(a) / (b - a) only divides f(a)."
     " Put brackets around the top: (f(b) - f(a)) / (b - a)."),
    (lambda f, a, b: (f(b) - f(a)) / b - a,
     "Python divides before it subtracts, so ... / b - a divides by b alone. Put brackets"
     " around the bottom: / (b - a)."),
    (lambda f, a, b: (b**2 - a**2) / (b - a),
     "Your function seems to always use x**2. Call the function it is given: f(a), f(b)."),
    (lambda f, a, b: b - a,
     "You return b - a, the change in x. The rate is (f(b) - f(a)) / (b - a)."),
]


@never_raises
def check_average_rate(average_rate):
    """Exercise 0.2: average_rate(f, a, b) = (f(b) - f(a)) / (b - a), on several f, a, b."""
    return compare_functions(
        average_rate, AVERAGE_RATE_CASES, _rate, AVERAGE_RATE_HINTS, name="average_rate",
        success="Right: (f(b) - f(a)) / (b - a) is the slope of the straight line through"
                " (a, f(a)) and (b, f(b)). Lesson 01 lets b come closer and closer to a.")
