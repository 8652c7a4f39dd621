"""Checkers for lesson 00 (start here): two warm-ups on slopes.

    from backproplab.exercises import lesson00 as ex
    ex.check_line_slope(slope)            # Exercise 0.1
    ex.check_average_rate(average_rate)   # Exercise 0.2

The lesson's demo of a red hint uses other points, so that it gives nothing of 0.1 away:
`ex.check_line_slope(answer, points=[(1, 2), (3, 8)])`.
"""

import math

from .feedback import (
    as_number,
    compare_functions,
    correct,
    diagnose,
    is_unattempted,
    never_raises,
    wrong,
)

# Exercise 0.1: the straight line through these two points
P1 = (1.0, 3.0)
P2 = (4.0, 9.0)
# Both exercises accept an answer within this relative error (0.1 through diagnose, 0.2
# through compare_functions): 2.000001 is right, 2.00001 is not.
RTOL = 1e-6


def _n(v):
    """A coordinate as the lesson writes it: 9, not 9.0."""
    return f"{v:g}"


def line_slope_hints(p1, p2):
    """(wrong value, hint) for the typical mistakes on the slope through p1 and p2, each
    recomputed from the points. Mistakes that give the same number share one hint that
    names them all (through (1, 3) and (4, 9), 9 - 1 over 4 - 3 and 9 - 3 / (4 - 1) are
    both 8)."""
    (x1, y1), (x2, y2) = p1, p2
    rise, run = y2 - y1, x2 - x1
    X1, Y1, X2, Y2 = map(_n, (x1, y1, x2, y2))
    right = f"({Y2} - {Y1}) / ({X2} - {X1})"
    hints = [
        (run / rise, "That is run / rise, upside down: the slope is the change in y divided"
                     " by the change in x."),
        (rise, f"{_n(rise)} is how much y changes (the rise). Divide it by how much x changes"
               " (the run)."),
        (run, f"{_n(run)} is how much x changes (the run). The slope is rise / run: the change"
              " in y divided by the change in x."),
        (-rise / run, "The line goes up from left to right, so its slope is positive. Subtract"
                      f" in the same order on top and bottom: {right}."),
        (2 * rise / run, f"That is twice the slope. The slope is {right}."),
        (rise / run / 2, f"That is half the slope. The slope is {right}."),
        (y2 / x2, f"{Y2} / {X2} is the slope of a line through (0, 0) and ({X2}, {Y2}). Use"
                  f" the differences between the two points: {right}."),
        ((y2 - x1) / (x2 - y1), f"If you wrote ({Y2} - {X1}) / ({X2} - {Y1}): that mixes up"
                                " x and y. A point is (x, y): x first, y second. The rise is"
                                f" the change in y, the run the change in x: {right}."),
        (y2 - y1 / x2 - x1, f"If you wrote {Y2} - {Y1} / {X2} - {X1}: Python divides before"
                            f" it subtracts, so that divides only {Y1} by {X2}. Put brackets"
                            f" around the top and around the bottom: {right}."),
        (y2 - y1 / (x2 - x1), f"If you wrote {Y2} - {Y1} / ({X2} - {X1}): Python divides"
                              f" before it subtracts, so that divides only {Y1}. Put brackets"
                              f" around the top: {right}."),
        ((y2 - y1) / x2 - x1, f"If you wrote ({Y2} - {Y1}) / {X2} - {X1}: Python divides"
                              f" before it subtracts, so that divides by {X2} alone. Put"
                              f" brackets around the bottom: {right}."),
    ]
    merged = []  # one hint per wrong value; the right value itself gets none
    for value, message in hints:
        if math.isclose(value, rise / run, rel_tol=RTOL):
            continue
        for i, (seen, text) in enumerate(merged):
            if math.isclose(value, seen, rel_tol=RTOL):
                merged[i] = (seen, f"{text} {message}")
                break
        else:
            merged.append((value, message))
    return merged


@never_raises
def check_line_slope(slope, points=(P1, P2)):
    """Exercise 0.1: the slope of the line through P1 = (1, 3) and P2 = (4, 9), i.e. 2.

    `points` is for the lesson's demo only: the same checker on two other points."""
    (x1, y1), (x2, y2) = [tuple(float(v) for v in p) for p in points]
    if slope is None:  # the placeholder is `...`: None is what print() gives back
        return wrong("slope is None: did you assign the result of print()? print() shows"
                     " a number but gives back None. Replace the ... with the number itself,"
                     " or a Python expression that computes it.")
    x, feedback = as_number(slope, "slope")
    if feedback is not None:
        return feedback
    rise, run = y2 - y1, x2 - x1
    hints = line_slope_hints((x1, y1), (x2, y2))
    result = diagnose(x, rise / run, rtol=RTOL, what="slope", hints=hints)
    if result.ok:
        return correct(f"Right: the slope is ({_n(y2)} - {_n(y1)}) / ({_n(x2)} - {_n(x1)}) ="
                       f" {_n(rise / run)}. Every step of 1 to the right takes the line"
                       f" {_n(rise / run)} up.")
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
    (lambda f, a, b: f(b) - f(a) / b - a,
     "Python divides before it subtracts, so f(b) - f(a) / b - a divides only f(a), and by b"
     " alone. Put brackets around the top and around the bottom: (f(b) - f(a)) / (b - a)."),
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
    if not is_unattempted(average_rate) and not callable(average_rate):
        # e.g. ex.check_average_rate(average_rate(lambda x: x**2, 1, 3)): a number
        return wrong(f"check_average_rate needs the function, but got a"
                     f" {type(average_rate).__name__}, {average_rate!r}. Pass the function"
                     " itself: ex.check_average_rate(average_rate), without calling it (no"
                     " brackets after average_rate); the checker calls it for you.")
    return compare_functions(
        average_rate, AVERAGE_RATE_CASES, _rate, AVERAGE_RATE_HINTS, name="average_rate",
        rtol=RTOL,
        success="Right: (f(b) - f(a)) / (b - a) is the slope of the straight line through"
                " (a, f(a)) and (b, f(b)). Lesson 01 lets b come closer and closer to a.")
