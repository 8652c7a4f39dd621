"""Checkers for lesson 04 (building an autodiff engine).

    from backproplab.exercises import lesson04 as ex
    ex.check_pow_local_grad(pow_local_grad)   # exercise 4.1: d(a**k)/da as a function
    ex.check_tiny_pow(TinyValue)              # exercise 4.2: a ** operator for TinyValue
    ex.check_tiny_div(TinyValue)              # exercise 4.3: a / operator for TinyValue
    ex.check_tanh_from_exp(tanh_from_exp)     # exercise 4.4: tanh built from exp
    ex.MYSTERY_OPS                            # exercise 4.5: four ops on Values, one broken
    ex.check_broken_op(broken_op)
"""

import math

from ..value import Value
from .feedback import (
    as_number,
    call_answer,
    checker_error,
    correct,
    is_unattempted,
    never_raises,
    not_attempted,
    wrong,
)
from .lesson04_grown import (  # exercises 4.3 and 4.4, the ops that grow the engine
    DIV_EXPRESSIONS,
    DIV_MISTAKES,
    TANH_MISTAKES,
    TANH_POINTS,
    _close,
    _number,
    check_tanh_from_exp,
    check_tiny_div,
    compare_with_value,
    tiny_method,
)

__all__ = ["check_pow_local_grad", "check_tiny_pow", "check_tiny_div", "check_tanh_from_exp",
           "check_broken_op", "MYSTERY_OPS", "BROKEN", "DIV_EXPRESSIONS", "DIV_MISTAKES",
           "TANH_MISTAKES", "TANH_POINTS", "POW_CASES", "POW_MISTAKES", "POW_EXPRESSIONS"]

# ---- exercise 4.1: the local derivative of a**k ----

# (a, k) pairs: integer, fractional and negative exponents.
POW_CASES = [(2.0, 3.0), (3.0, 2.0), (4.0, 0.5), (2.0, -1.0), (1.5, -2.5), (0.5, 1.0)]

# Wrong formulas a learner may write, each with what it means.
POW_MISTAKES = [
    (lambda a, k: a ** (k - 1), "you left out the factor k: d(a**k)/da = k * a**(k-1)"),
    (lambda a, k: k * a**k, "the exponent goes down by one: k * a**(k-1), not k * a**k"),
    (lambda a, k: a**k, "that is a**k itself, the forward value; the local derivative is"
                        " k * a**(k-1)"),
    (lambda a, k: a**k * math.log(a), "that is the derivative with respect to the exponent"
                                      " k; here k is a constant and you want d/da"),
    (lambda a, k: (k - 1) * a**k, "the power rule is k * a**(k-1): the factor is k and the"
                                  " exponent k - 1"),
    (lambda a, k: k * (k - 1) * a ** (k - 2), "that is the second derivative; one step of"
                                              " the power rule is enough: k * a**(k-1)"),
]


def pow_grad(a, k):
    """d(a**k)/da = k * a**(k-1)."""
    return k * a ** (k - 1)


def check_pow_local_grad(pow_local_grad):
    """Exercise 4.1: a function (a, k) -> d(a**k)/da, tried on POW_CASES."""
    try:
        return _check_pow_local_grad(pow_local_grad)
    except Exception as e:  # a checker never crashes the notebook
        return checker_error(e, "your function")


def _check_pow_local_grad(fn):
    if is_unattempted(fn):
        return not_attempted("pow_local_grad")
    if not callable(fn):
        return wrong(f"pow_local_grad should be a function, got {type(fn).__name__}")
    got = []
    for a, k in POW_CASES:
        result, problem = call_answer(fn, a, k)
        if problem is not None:
            return problem
        x, problem = as_number(result, f"pow_local_grad({a:g}, {k:g})")
        if problem is not None:
            return problem
        got.append(x)
    # exact to rounding: a difference quotient is close, but it is not the power rule
    bad = [(case, x) for case, x in zip(POW_CASES, got)
           if not _close(x, pow_grad(*case), rtol=1e-10, atol=1e-14)]
    if not bad:
        return correct("Right: k * a**(k-1) for whole, fractional and negative k alike.")
    if all(_close(x, pow_grad(*case), rtol=1e-4) for case, x in zip(POW_CASES, got)):
        return wrong("Your values are close to d(a**k)/da but not exact: they look like a"
                     " numerical estimate (a difference quotient). Write the power rule"
                     " itself: k * a**(k-1).")
    for formula, why in POW_MISTAKES:
        if all(_close(x, formula(*case)) for case, x in zip(POW_CASES, got)):
            return wrong(f"Not yet: {why}.")
    (a, k), x = bad[0]
    return wrong(f"pow_local_grad({a:g}, {k:g}) returned {x:.6g}, but d(a**k)/da at a = {a:g},"
                 f" k = {k:g} is {pow_grad(a, k):.6g}. The power rule: k * a**(k-1).")


# ---- exercise 4.2: ** for TinyValue ----

# Expressions built the same way with the learner's class and with backproplab's Value:
# (description, leaf values, function of the leaves).
POW_EXPRESSIONS = [
    ("a ** 2 at a = 1.5", (1.5,), lambda a: a**2),
    ("a ** -1 at a = 0.8", (0.8,), lambda a: a**-1),
    ("a ** 0.5 at a = 2.25", (2.25,), lambda a: a**0.5),
    ("(a * b + 1) ** 3 at a = 0.5, b = 2", (0.5, 2.0), lambda a, b: (a * b + 1) ** 3),
    ("a ** 3 * a at a = 1.2 (a used twice)", (1.2,), lambda a: a**3 * a),
]


def check_tiny_pow(cls):
    """Exercise 4.2: `cls` (the notebook's TinyValue) with a `__pow__` for numbers k.

    Builds POW_EXPRESSIONS with it, runs its backward, and compares the data and the
    gradients of the leaves with backproplab's Value."""
    try:
        return _check_tiny_pow(cls)
    except Exception as e:
        return checker_error(e, "your class")


def _check_tiny_pow(cls):
    pow_method, missing = tiny_method(cls, "check_tiny_pow", "__pow__", "tiny_pow")
    if missing is not None:
        return missing
    # the pow node alone: its data, parents and local derivative
    a = cls(1.5)
    out, problem = call_answer(pow_method, a, 2)
    if problem is not None:
        return problem
    for attribute in ("data", "parents", "local_grads"):
        if not hasattr(out, attribute):
            return wrong(f"a ** 2 returned a {type(out).__name__} without .{attribute}; return"
                         f" a new {cls.__name__}(data, parents, local_grads, op) as __mul__"
                         " does")
    if not _close(_number(out.data), 2.25):
        return wrong(f"for a = 1.5, (a ** 2).data is {out.data!r}: the forward value should be"
                     " self.data ** k = 2.25")
    problem = _node_problem(out, a, cls.__name__)
    if problem is not None:
        return problem
    parents = tuple(out.parents)
    local = tuple(out.local_grads)[[p is a for p in parents].index(True)]
    if local is None or local is ...:
        return wrong("the local derivative of a ** 2 is None: finish pow_local_grad"
                     " (exercise 4.1) first, or write k * self.data ** (k - 1) directly")
    # whole expressions, backward included
    for description, leaves, f in POW_EXPRESSIONS:
        problem = compare_with_value(cls, description, leaves, f, _pow_hint)
        if problem is not None:
            return problem
    return correct("Right: your ** records k * a**(k-1), and backward through it matches"
                   " backproplab's Value on every expression, the fork a ** 3 * a included.")


def _node_problem(out, a, name):
    """What is off in the parents and local_grads of out = a ** 2, in the learner's terms,
    or None. backward zips the two tuples, so they must be tuples of the same length."""
    for attribute, example in (("parents", "(self,)"),
                               ("local_grads", "(k * self.data ** (k - 1),)")):
        value = getattr(out, attribute)
        if not isinstance(value, (tuple, list)):
            shown = f"a single {name} node" if hasattr(value, "parents") else \
                f"{value!r}, a {type(value).__name__}"
            return wrong(f"(a ** 2).{attribute} is {shown}, not a"
                         f" tuple. backward loops over zip(node.parents, node.local_grads), so"
                         f" both are tuples, one entry per parent: {attribute} = {example}"
                         " (the comma makes a one-element tuple).")
    parents = tuple(out.parents)
    numbers = [p for p in parents if not hasattr(p, "parents")]
    if numbers:
        return wrong(f"the parents of a ** 2 include {numbers[0]!r}, a plain"
                     f" {type(numbers[0]).__name__}: parents are only the {name} nodes the"
                     " result was computed from. k is a constant, not a node, so the only"
                     " parent is self: parents = (self,), local_grads = (k * self.data **"
                     " (k - 1),).")
    if not any(p is a for p in parents):
        return wrong("a ** 2 does not list a among its parents: the result's parents are"
                     " (self,), so backward can reach a")
    if len(parents) != len(tuple(out.local_grads)):
        return wrong(f"a ** 2 has {len(parents)} parents but {len(tuple(out.local_grads))} local"
                     " derivatives: give one local derivative per parent")
    return None


def _pow_hint(cls):
    """What is off in the local derivative of the learner's ** (tried at a = 1.5, k = 3)."""
    a = cls(1.5)
    try:
        out = a**3
        local = _number(tuple(out.local_grads)[0])
    except Exception:
        return "Check the local derivative that ** records."
    for formula, why in POW_MISTAKES:
        if _close(local, formula(1.5, 3.0)):
            return f"The local derivative recorded by **: {why}."
    return "Check the local derivative that ** records: k * self.data ** (k - 1)."


# ---- exercise 4.5: find the broken op ----


def _unary(name, x, data, local):
    """A node computed from one Value `x`: its data, and d(node)/dx in local_grads."""
    out = Value(data)
    out.op = name
    out.parents = (x,)
    out.local_grads = (local,)
    return out


def square(x):
    """x**2; local derivative 2x."""
    return _unary("square", x, x.data * x.data, 2.0 * x.data)


def sin(x):
    """sin(x); local derivative cos(x)."""
    return _unary("sin", x, math.sin(x.data), math.cos(x.data))


def softplus(x):
    """log(1 + e**x), a smooth relu; its local derivative should be sigmoid(x)."""
    out = math.log1p(math.exp(x.data))
    return _unary("softplus", x, out, 1.0 / (1.0 + math.exp(x.data)))  # the bug is here


def reciprocal(x):
    """1/x; local derivative -1/x**2."""
    if x.data == 0:
        raise ZeroDivisionError("reciprocal: 1/x is undefined at x = 0; try another point")
    return _unary("reciprocal", x, 1.0 / x.data, -1.0 / (x.data * x.data))


MYSTERY_OPS = {"square": square, "sin": sin, "softplus": softplus, "reciprocal": reciprocal}
BROKEN = "softplus"


@never_raises
def check_broken_op(answer):
    """Exercise 4.5: the name of the op in MYSTERY_OPS whose local derivative is wrong."""
    if is_unattempted(answer):
        return not_attempted("broken_op")
    names = ", ".join(f'"{n}"' for n in MYSTERY_OPS)
    name = _op_name(answer)
    if name is None and isinstance(answer, str):
        return wrong(f"{answer!r} is not one of the ops of ex.MYSTERY_OPS: answer with one of"
                     f" {names}")
    if name is None:
        return wrong(f"answer with the name of one op, as a string: one of {names}")
    if name == BROKEN:
        passed_op = "" if isinstance(answer, str) else (
            f" (You gave the op itself; that is accepted, though the name \"{BROKEN}\" is"
            " what was asked.)")
        return correct("Right: softplus records 1 / (1 + e**x) = sigmoid(-x) as its local"
                       " derivative instead of sigmoid(x). At x = 0 the two agree (both 0.5),"
                       " so a gradient check at 0 alone would have missed it." + passed_op)
    op, x, h = MYSTERY_OPS[name], 0.7, 1e-6
    backprop = op(Value(x)).local_grads[0]
    finite = (op(Value(x + h)).data - op(Value(x - h)).data) / (2 * h)
    return wrong(f"{name} is fine: at x = 0.7 backprop gives {backprop:.6f} and finite"
                 f" differences {finite:.6f}. Run gradcheck on every op, at a point such as"
                 " 0.7 (at 0 or 1 a wrong derivative can agree with the right one by chance).")


def _op_name(answer):
    """The MYSTERY_OPS name the answer stands for (a name or one of the functions), or None."""
    for name, op in MYSTERY_OPS.items():
        if answer is op:
            return name
    if not isinstance(answer, str):
        return None
    text = answer.strip().strip("\"'").strip().lower()
    text = text.removeprefix("ex.").removesuffix("()").removesuffix("(x)")
    return text if text in MYSTERY_OPS else None
