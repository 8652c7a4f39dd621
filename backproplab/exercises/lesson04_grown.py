"""Checkers for lesson 04's grown engine: exercise 4.3 (a / operator for TinyValue) and
exercise 4.4 (tanh built from exp). Imported into `lesson04`, so the notebook calls them
as `ex.check_tiny_div(TinyValue)` and `ex.check_tanh_from_exp(tanh_from_exp)`.
"""

import math
import numbers

from ..autodiff import topological_sort
from ..value import Value
from .feedback import (
    call_answer,
    checker_error,
    correct,
    is_stub,
    is_unattempted,
    learner_error,
    not_attempted,
    wrong,
)


def tiny_method(cls, checker, dunder, function):
    """The learner's `function`, installed on their TinyValue class as `cls.<dunder>`, and
    None; or None and the Feedback that says what is still missing (exercises 4.2, 4.3)."""
    if is_unattempted(cls):
        return None, not_attempted(f"the call: pass your class, ex.{checker}(TinyValue)")
    if not isinstance(cls, type):
        return None, wrong(f"pass the class itself, ex.{checker}(TinyValue); got a"
                           f" {type(cls).__name__}")
    method = getattr(cls, dunder, None)
    if method is None:
        return None, not_attempted(f"{function}, then run TinyValue.{dunder} = {function}")
    if is_stub(method):
        return None, not_attempted("the function")
    if not callable(getattr(cls, "backward", None)):
        return None, wrong(f"{cls.__name__} has no backward method yet: run the cells of"
                           " step 4 (backward) above first")
    return method, None


# ---- exercise 4.3: / for TinyValue ----

# Expressions built the same way with the learner's class and with backproplab's Value.
DIV_EXPRESSIONS = [
    ("a / b at a = 3, b = 2", (3.0, 2.0), lambda a, b: a / b),
    ("a / b at a = -1.5, b = 0.5", (-1.5, 0.5), lambda a, b: a / b),
    ("a / 4 (a plain number) at a = 3", (3.0,), lambda a: a / 4),
    ("(a + b) / (a * b) at a = 0.5, b = 2", (0.5, 2.0), lambda a, b: (a + b) / (a * b)),
    ("a / (a + 1) at a = 1.5 (a used twice)", (1.5,), lambda a: a / (a + 1)),
]

# (local derivatives recorded for a / b at a = 3, b = 2, what they mean); right: (0.5, -0.75)
DIV_MISTAKES = [
    ((0.5, 0.75), "the local derivative for b has the wrong sign: d(a/b)/db = -a/b**2 (a larger"
                  " b makes a/b smaller)"),
    ((0.5, -0.25), "d(a/b)/db is -a/b**2: you left out the factor a (-1/b**2 is the derivative"
                   " of 1/b)"),
    ((0.5, -1.5), "d(a/b)/db is -a/b**2: the b in the denominator is squared"),
    ((2.0, 3.0), "those are the local derivatives of a * b, (b, a); for a / b they are"
                 " (1/b, -a/b**2)"),
    ((-0.75, 0.5), "the two local derivatives are swapped: local_grads lists them in the order"
                   " of parents, (1/b, -a/b**2) for parents (self, other)"),
    ((0.5, 0.0), "the local derivative for b is 0, as if b were a constant; d(a/b)/db ="
                 " -a/b**2"),
]


def check_tiny_div(cls):
    """Exercise 4.3: `cls` (the notebook's TinyValue) with a `__truediv__` for a TinyValue
    or a plain number. Builds DIV_EXPRESSIONS with it, runs its backward, and compares the
    data and the gradients of the leaves with backproplab's Value. A / written as a
    primitive (local derivatives 1/b and -a/b**2) and one composed as a * b**-1 are both
    right."""
    try:
        return _check_tiny_div(cls)
    except Exception as e:
        return checker_error(e, "your class")


def _check_tiny_div(cls):
    div, missing = tiny_method(cls, "check_tiny_div", "__truediv__", "tiny_truediv")
    if missing is not None:
        return missing
    a, b = cls(3.0), cls(2.0)
    out, problem = call_answer(div, a, b)
    if problem is not None:
        if "for ** or pow()" in problem.message:
            return wrong(f"{problem.message}. a * b ** -1 needs the ** of exercise 4.2: finish"
                         " that first, or write / as a primitive with the local derivatives"
                         " 1/b and -a/b**2")
        return problem
    if not hasattr(out, "data") or not hasattr(out, "parents"):
        return wrong(f"a / b returned a {type(out).__name__}, not a {cls.__name__}: return a new"
                     f" {cls.__name__}(data, parents, local_grads, op) as __mul__ does")
    got = _number(out.data)
    if _close(got, 2.0 / 3.0):
        return wrong("for a = 3, b = 2, (a / b).data is 0.6667, which is b / a: the forward"
                     " value is self.data / other.data")
    if not _close(got, 1.5):
        return wrong(f"for a = 3, b = 2, (a / b).data is {got:.6g}: the forward value should be"
                     " self.data / other.data = 1.5")
    for description, leaves, f in DIV_EXPRESSIONS:
        problem = compare_with_value(cls, description, leaves, f, _div_hint, _div_call_problem)
        if problem is not None:
            return problem
    return correct("Right: a / b passes 1/b to a and -a/b**2 to b, and backward through it"
                   " matches backproplab's Value, with a plain-number divisor and a fork too.")


def compare_with_value(cls, description, leaves, f, hint, call_problem=None):
    """Build f(*leaves) with the learner's class and with backproplab's Value, run both
    backward passes, and return the first difference as a Feedback (None when they agree).
    hint(cls) explains a wrong gradient; call_problem(description, feedback, cls) may
    reword an error raised while building f (exercises 4.2, 4.3)."""
    mine = [cls(v) for v in leaves]
    theirs = [Value(v) for v in leaves]
    out, problem = call_answer(f, *mine)
    if problem is not None:
        return problem if call_problem is None else call_problem(description, problem, cls)
    reference = f(*theirs)
    reference.backward()
    try:
        out.backward()
    except Exception as e:
        return wrong(f"backward on {description}: {learner_error(e)}")
    if not _close(_number(out.data), reference.data):
        return wrong(f"{description}: the result's data is {_number(out.data):.6g}, but"
                     f" should be {reference.data:.6g}")
    for name, m, t in zip("ab", mine, theirs):
        g = _number(m.grad)
        if not _close(g, t.grad):
            return wrong(f"{description}: backward gives d/d{name} = {g:.6g}, but it is"
                         f" {t.grad:.6g}. {hint(cls)}")
    return None


def _div_call_problem(description, problem, cls):
    """A plain-number divisor that was not wrapped gets the fix __mul__ already uses."""
    if "has no attribute 'data'" in problem.message and ("'int'" in problem.message
                                                         or "'float'" in problem.message):
        return wrong(f"{description}: {problem.message}. A plain number must first"
                     f" become a {cls.__name__}, as in __mul__: other = other if"
                     f" isinstance(other, {cls.__name__}) else {cls.__name__}(other)")
    return wrong(f"{description}: {problem.message}")


def _div_hint(cls):
    """What is off in the local derivatives of the learner's / (tried at a = 3, b = 2)."""
    a, b = cls(3.0), cls(2.0)
    try:
        out = a / b
        parents, local = tuple(out.parents), tuple(_number(g) for g in out.local_grads)
    except Exception:
        return "Check the local derivatives that / records: 1/b and -a/b**2."
    if len(parents) == 2 and parents[0] is a and parents[1] is b:
        for wrong_local, why in DIV_MISTAKES:
            if all(_close(x, w) for x, w in zip(local, wrong_local)):
                return f"The local derivatives recorded by /: {why}."
    return "Check the local derivatives that / records: d(a/b)/da = 1/b, d(a/b)/db = -a/b**2."


# ---- exercise 4.4: tanh built from exp ----

TANH_POINTS = (-2.0, -0.5, 0.3, 1.2, 2.5)

# Functions a learner may build instead of tanh, each with what it is.
TANH_MISTAKES = [
    (lambda x: math.tanh(x / 2), "that is tanh(x/2) = (e**x - 1) / (e**x + 1): the exponent"
                                 " is 2x, tanh(x) = (e**(2x) - 1) / (e**(2x) + 1)"),
    (lambda x: math.sinh(x), "that is sinh(x) = (e**x - e**-x) / 2; tanh divides it by"
                             " cosh(x) = (e**x + e**-x) / 2"),
    (lambda x: math.cosh(x), "that is cosh(x) = (e**x + e**-x) / 2; tanh = sinh / cosh"),
    (lambda x: 1 / math.tanh(x), "that is 1 / tanh(x): numerator and denominator are swapped"),
    (lambda x: 1 / (1 + math.exp(-x)), "that is sigmoid(x); tanh(x) = 2 * sigmoid(2x) - 1"),
    (lambda x: 1 / (1 + math.exp(-2 * x)), "that is e**(2x) / (e**(2x) + 1), sigmoid(2x): the"
                                           " numerator is e**(2x) - 1"),
    (lambda x: 2 - math.exp(-2 * x), "that is (e**(2x) - 1) / e**(2x) + 1: Python divides"
                                     " before it adds, so put brackets around the denominator"),
    (lambda x: math.exp(2 * x) - 1 / (math.exp(2 * x) + 1), "that is e**(2x) - 1 / (e**(2x) +"
                                                            " 1): put brackets around the"
                                                            " numerator"),
]


def check_tanh_from_exp(fn):
    """Exercise 4.4: a function x -> tanh(x) built from x.exp() and + - * / (not x.tanh()).

    Calls it on backproplab Values at TANH_POINTS, compares the value with tanh and the
    gradient from backward with 1 - tanh**2, and looks in the graph for a tanh op."""
    try:
        return _check_tanh_from_exp(fn)
    except Exception as e:
        return checker_error(e, "your function")


def _check_tanh_from_exp(fn):
    if is_unattempted(fn):
        return not_attempted("tanh_from_exp")
    if not callable(fn):
        return wrong(f"tanh_from_exp should be a function, got {type(fn).__name__}")
    values, grads, nodes, ops = [], [], 0, set()
    for x0 in TANH_POINTS:
        x = Value(x0)
        out, problem = call_answer(fn, x)
        if problem is not None:
            return problem
        if not isinstance(out, Value):
            if isinstance(out, numbers.Real) and _close(float(out), math.tanh(x0)):
                return wrong(f"tanh_from_exp({x0:g}) returned the plain number {float(out):.6g}"
                             " (a float, not a node): math.exp and x.data compute without the"
                             " graph, so backward cannot reach x. Use x.exp() and the"
                             " operators on x itself.")
            return wrong(f"tanh_from_exp({x0:g}) returned {out!r}, a {type(out).__name__}: it"
                         " should return the node it built from x, with x.exp()")
        order = topological_sort(out)
        if not any(node is x for node in order):  # `is`: == compares the numbers
            return wrong(f"the result of tanh_from_exp({x0:g}) does not depend on the node x:"
                         " build it from x.exp(), not from x.data or math.exp")
        ops.update(node.op for node in order)
        nodes = len(order)
        out.backward()
        values.append(out.data)
        grads.append(x.grad)
    if not all(_close(v, math.tanh(x0)) for v, x0 in zip(values, TANH_POINTS)):
        for formula, why in TANH_MISTAKES:
            try:
                if all(_close(v, formula(x0)) for v, x0 in zip(values, TANH_POINTS)):
                    return wrong(f"Not yet: {why}.")
            except (ArithmeticError, ValueError):
                continue
        x0, v = next((x0, v) for x0, v in zip(TANH_POINTS, values)
                     if not _close(v, math.tanh(x0)))
        return wrong(f"tanh_from_exp({x0:g}) gives {v:.6g}, but tanh({x0:g}) = {math.tanh(x0):.6g}."
                     " Try tanh(x) = (e**(2x) - 1) / (e**(2x) + 1), with e**(2x) = (2 * x).exp().")
    if "tanh" in ops:
        return wrong("the value is right, but your graph uses the tanh op itself: build tanh"
                     " from x.exp() and + - * / instead, as the exercise asks")
    bad = [(x0, g) for x0, g in zip(TANH_POINTS, grads) if not _close(g, 1 - math.tanh(x0)**2)]
    if bad:
        x0, g = bad[0]
        return wrong(f"the values are right, but backward gives d/dx = {g:.6g} at x = {x0:g},"
                     f" where 1 - tanh(x)**2 = {1 - math.tanh(x0)**2:.6g}. Part of your formula"
                     " uses x.data or math.exp, which backward cannot see: use x.exp() for"
                     " every e**(...).")
    return correct(f"Right: your tanh built from exp gives the value and, through backward, the"
                   f" gradient 1 - tanh(x)**2. Its graph has {nodes} nodes where x.tanh() has 2:"
                   " one op with its own local derivative is smaller and faster, a composition"
                   " needs no derivative written by hand.")

# ---- helpers ----


def _number(x):
    """A float from a number (or a node's .data); nan when it is none."""
    try:
        return float(getattr(x, "data", x))
    except (TypeError, ValueError):
        return math.nan


def _close(x, y, rtol=1e-6, atol=1e-9):
    return math.isfinite(x) and abs(x - y) <= atol + rtol * abs(y)
