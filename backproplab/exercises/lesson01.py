"""Checkers for lesson 01 (derivatives and the chain rule).

    from backproplab.exercises import lesson01 as ex
    ex.check_derivative(slope)                         # Exercise 1.1
    ex.check_central_difference(central_difference)    # Exercise 1.2
    ex.check_chain_rule(dg_dx)                         # Exercise 1.3
"""

import math

from .feedback import as_number, compare_functions, correct, diagnose, never_raises, wrong

# ---- Exercise 1.1: the derivative of f(x) = x**3 - 5*x at x = 2 ----

X0 = 2.0
# The x that the notebook's table check (section 1, just above Exercise 1.1) leaves behind.
# A learner who writes 3*x**2 - 5 without putting in x = 2 gets f'(0.5) = -4.25.
LEFTOVER_X = 0.5


@never_raises
def check_derivative(slope):
    """Exercise 1.1: f'(2) for f(x) = x**3 - 5*x, i.e. 3*2**2 - 5 = 7."""
    x, feedback = as_number(slope, "slope")
    if feedback is not None:
        return feedback
    expected = 3 * X0**2 - 5
    hints = [
        (X0**3 - 5 * X0, "-2 is f(2), the height of the curve. The slope comes from the"
                         " derivative: differentiate f first, then put in x = 2."),
        (3 * X0**3 - 5, "The power rule lowers the exponent by one: the derivative of x**3 is"
                        " 3*x**2, not 3*x**3."),
        (X0**2 - 5, "Did you forget the 3 that the power rule brings down? The derivative of"
                    " x**3 is 3*x**2."),
        (3 * X0 - 5, "The derivative of x**3 is 3*x**2 (x squared), so at x = 2 it is"
                     " 3 * 4 = 12."),
        (3 * X0**2, "The -5*x part has a derivative too: -5. Add it to 3*x**2."),
        (3 * X0**2 + 5, "The derivative of -5*x is -5 (the sign stays), so subtract 5."),
        (3 * X0**2 - 5 * X0, "The derivative of -5*x is -5, not -5*x: the x goes when you"
                             " differentiate, so f'(x) = 3*x**2 - 5."),
        (3 * LEFTOVER_X**2 - 5,
         f"That is f' at some other x: 3*x**2 - 5 with x = {LEFTOVER_X:g}, the x left over"
         " from the table check above. Put in x = 2: 3*2**2 - 5."),
        (2 * expected, "Twice the slope: check the 3*x**2 term, and that -5*x gives -5."),
        (-expected, "The sign is flipped: 3*x**2 - 5 is positive at x = 2."),
    ]
    # exact: 7.000001 (a central difference with h = 0.001) is an estimate, not the answer
    result = diagnose(x, expected, rtol=1e-12, atol=1e-12, what="slope", hints=hints)
    if result.ok:
        return correct("Right: f'(x) = 3*x**2 - 5, so f'(2) = 12 - 5 = 7.")
    if abs(x - expected) < 1e-2 * abs(expected):
        return wrong(f"{x:.12g} is close to the slope but not exact: it looks like a numerical"
                     " estimate. Use the power rule to get the exact value.")
    return result


# ---- Exercise 1.2: central_difference(f, x, h) ----


def _cube(x):
    return x**3


def _sin(x):
    return math.sin(x)


def _exp_half(x):
    return math.exp(0.5 * x)


def _poly(x):
    return x**4 - 2 * x


DERIVATIVES = {
    _cube: lambda x: 3 * x**2,
    _sin: math.cos,
    _exp_half: lambda x: 0.5 * math.exp(0.5 * x),
    _poly: lambda x: 4 * x**3 - 2,
}

CENTRAL_CASES = [
    ("f(x) = x**3, x = 1, h = 0.5", (_cube, 1.0, 0.5)),
    ("f(x) = x**3, x = 1, h = 0.1", (_cube, 1.0, 0.1)),
    ("f(x) = sin(x), x = 0.7, h = 0.3", (_sin, 0.7, 0.3)),
    ("f(x) = exp(x / 2), x = -1, h = 0.25", (_exp_half, -1.0, 0.25)),
    ("f(x) = x**4 - 2*x, x = 2, h = 0.2", (_poly, 2.0, 0.2)),
]


def _central(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


CENTRAL_HINTS = [
    (lambda f, x, h: (f(x + h) - f(x)) / h,
     "That is the forward difference (f(x + h) - f(x)) / h. The central difference looks"
     " both ways: it uses f(x + h) and f(x - h)."),
    (lambda f, x, h: (f(x) - f(x - h)) / h,
     "That is a backward difference (f(x) - f(x - h)) / h. The central difference uses"
     " f(x + h) and f(x - h)."),
    (lambda f, x, h: (f(x + h) - f(x - h)) / h,
     "Twice too large: x - h and x + h are 2*h apart, so divide by 2 * h, not by h."),
    (lambda f, x, h: (f(x + h) - f(x - h)) / 2 * h,
     "Python reads  ... / 2 * h  as  (... / 2) * h. Put brackets around the bottom:"
     " / (2 * h)."),
    (lambda f, x, h: (f(x - h) - f(x + h)) / (2 * h),
     "The sign is flipped: the later point goes first, (f(x + h) - f(x - h)) / (2 * h)."),
    (lambda f, x, h: f(x + h) - f(x - h) / (2 * h),
     "Python divides before it subtracts, so only f(x - h) is divided. Put brackets around"
     " the top: (f(x + h) - f(x - h)) / (2 * h)."),
    (lambda f, x, h: DERIVATIVES[f](x),
     "Your function gives (nearly) the exact derivative, not the central difference for the"
     " h it is given: does it use its own small step? Use the argument h.", 1e-3),
]


@never_raises
def check_central_difference(central_difference):
    """Exercise 1.2: central_difference(f, x, h) = (f(x + h) - f(x - h)) / (2h).

    Tested with large steps (h up to 0.5), where the forward and central differences
    differ clearly, so a forward difference is told apart from a central one.
    """
    return compare_functions(
        central_difference, CENTRAL_CASES, _central, CENTRAL_HINTS, name="central_difference",
        rtol=1e-9,
        success="Right: (f(x + h) - f(x - h)) / (2*h). Even with the large steps used here"
                " it is close to f'(x); the next section shows how close.")


# ---- Exercise 1.3: the chain rule for g(x) = tanh(3x + 1) ----


def _g_prime(x):
    t = math.tanh(3 * x + 1)
    return 3 * (1 - t * t)


CHAIN_POINTS = (-1.0, -0.2, 0.0, 0.3, 1.2)
CHAIN_CASES = [(f"x = {x:g}", (x,)) for x in CHAIN_POINTS]

CHAIN_HINTS = [
    (lambda x: 1 - math.tanh(3 * x + 1) ** 2,
     "You have the outer derivative 1 - tanh(u)**2, but not the inner one: u = 3x + 1"
     " changes 3 times as fast as x, so multiply by du/dx = 3."),
    (lambda x: 3 * (1 - math.tanh(x) ** 2),
     "Evaluate the outer derivative at the inner value: 1 - tanh(u)**2 with u = 3x + 1,"
     " not 1 - tanh(x)**2."),
    (lambda x: 3 * (1 - math.tanh(3 * x + 1)),
     "The derivative of tanh(u) is 1 - tanh(u)**2: you forgot to square tanh(u)."),
    (lambda x: (3 * x + 1) * (1 - math.tanh(3 * x + 1) ** 2),
     "Multiply by the derivative of the inner function u = 3x + 1, which is 3, not by u"
     " itself."),
    (lambda x: math.tanh(3 * x + 1),
     "That is g(x) itself. The exercise asks for its derivative g'(x)."),
    (lambda x: 3 * math.tanh(3 * x + 1),
     "The derivative of tanh(u) is 1 - tanh(u)**2, not tanh(u). Then multiply by du/dx = 3."),
    (lambda x: 3 * (1 - (3 * x + 1) ** 2),
     "Square tanh(u), not u: the derivative of tanh(u) is 1 - tanh(u)**2."),
    (lambda x: 3 * (1 + math.tanh(3 * x + 1) ** 2),
     "The derivative of tanh(u) is 1 - tanh(u)**2 (minus, not plus)."),
    (lambda x: (1 - math.tanh(3 * x + 1) ** 2) * 3 * x,
     "The inner derivative du/dx of u = 3x + 1 is the constant 3, not 3x: drop the x."),
    (lambda x: 3 * (1 - math.tanh(3 * x + 1)) ** 2,
     "(1 - tanh(u))**2 squares the whole bracket. Square only tanh(u): the derivative of"
     " tanh(u) is 1 - tanh(u)**2, so write 3 * (1 - tanh(u)**2)."),
    (lambda x: 1 - math.tanh(3 * x + 1) ** 2 * 3,
     "Python multiplies before it subtracts, so  1 - tanh(u)**2 * 3  is  1 - 3*tanh(u)**2."
     " Put brackets around the outer derivative: (1 - tanh(u)**2) * 3."),
    (_g_prime,
     "Your function is close to g'(x) but not exact: it looks like a numerical estimate"
     " (a difference quotient). The exercise asks for the chain rule: the outer derivative"
     " 1 - tanh(u)**2 at u = 3x + 1, times the inner derivative 3.", 1e-3),
]


@never_raises
def check_chain_rule(dg_dx):
    """Exercise 1.3: dg_dx(x) = g'(x) for g(x) = tanh(3x + 1), tested at several x."""
    return compare_functions(
        # tight enough to tell the chain rule from a numerical estimate of g'(x)
        dg_dx, CHAIN_CASES, _g_prime, CHAIN_HINTS, name="dg_dx", rtol=1e-9, atol=1e-14,
        success="Right: g'(x) = (1 - tanh(3x + 1)**2) * 3, the outer derivative at the inner"
                " value times the inner derivative.")
