"""Checkers for lesson 03 (backpropagation by hand).

    from backproplab.exercises import lesson03 as ex
    ex.check_backward(ex_grad_w1, ex_grad_w2, ex_grad_b)  # exercise 3.1: one neuron, by hand
    ex.check_fork(grad_a)                          # exercise 3.2: y = a*b + a
    ex.check_neuron_backward(neuron_backward)      # exercise 3.3: the same as a function

The neuron of the lesson is  y = tanh(z),  z = w1*x1 + w2*x2 + b.  Its gradients are
the local derivatives along each path times dy/dz = 1 - tanh(z)**2.
"""

import math

from ..value import Value
from .feedback import (
    Feedback,
    as_number,
    call_answer,
    checker_error,
    correct,
    diagnose,
    is_unattempted,
    never_raises,
    not_attempted,
    wrong,
)

# Exercise 3.1: the values of the neuron that the learner differentiates by hand.
NEURON = {"x1": 0.5, "x2": -1.5, "w1": -2.0, "w2": 0.4, "b": 1.2}
# The neuron of the lesson's sections 1-4: its gradients are a wrong answer to exercise 3.1.
LESSON_NEURON = {"x1": 2.0, "x2": -1.5, "w1": 0.6, "w2": 0.2, "b": -0.3}
# Exercise 3.2: y = a*b + a at these values.
FORK = {"a": 2.0, "b": 5.0}
# Exercise 3.3: the inputs the learner's function is run on (the last one saturates tanh).
NEURON_CASES = [
    NEURON,
    {"x1": 1.0, "x2": 2.0, "w1": 0.3, "w2": -0.7, "b": 0.1},
    {"x1": -0.8, "x2": 0.25, "w1": 1.5, "w2": 2.0, "b": -0.4},
    {"x1": 2.0, "x2": 1.0, "w1": 1.0, "w2": 0.5, "b": 0.5},
]
KEYS = ("w1", "w2", "b", "x1", "x2")

# Answers typed in with 4 significant digits must pass: 0.4278 for 0.42779...
RTOL, ATOL = 1e-3, 1e-4


def neuron_grads(x1, x2, w1, w2, b):
    """The gradients of y = tanh(w1*x1 + w2*x2 + b): {"w1": dy/dw1, ..., "x2": dy/dx2}."""
    z = w1 * x1 + w2 * x2 + b
    dz = 1.0 - math.tanh(z) ** 2  # dy/dz, handed unchanged through both + nodes
    return {"w1": x1 * dz, "w2": x2 * dz, "b": dz, "x1": w1 * dz, "x2": w2 * dz}


def _mistakes(x1, x2, w1, w2, b):
    """Typical wrong gradients: {name: [(value, why), ...]} for the neuron at these values."""
    z = w1 * x1 + w2 * x2 + b
    t = math.tanh(z)
    dz = 1.0 - t * t
    through = {"w1": x1, "w2": x2, "b": 1.0, "x1": w1, "x2": w2}  # d(z)/d(input)
    other = {"w1": ("x1", w1), "w2": ("x2", w2), "x1": ("w1", x1), "x2": ("w2", x2)}
    out = {}
    for name, local in through.items():
        hints = [
            (local, f"you left out the tanh step: multiply by dy/dz = 1 - tanh(z)**2"
                    f" = {dz:.4g} (z = {z:.4g})"),
            (local * t, f"you used tanh(z) = {t:.4g} where the local derivative of tanh,"
                        f" 1 - tanh(z)**2 = {dz:.4g}, belongs"),
            (local * (1.0 - t), "the local derivative of tanh is 1 - tanh(z)**2: the tanh is"
                                " squared"),
            (local * (1.0 - z * z), "the local derivative of tanh is 1 - tanh(z)**2, with the"
                                    f" output tanh(z) = {t:.4g} squared, not z = {z:.4g}"),
        ]
        if name in other:
            partner, value = other[name]
            hints.append((value * dz, f"that is the gradient of {partner}: the local"
                                      f" derivative of a product {name}*{partner} with respect"
                                      f" to {name} is the other factor, {partner}"))
        else:  # the bias
            hints.append((b * dz, "b is added, so the local derivative of z with respect to b"
                                  " is 1, not b"))
            hints.append((0.0, "b is added to the sum, and + hands the gradient on unchanged:"
                               " the gradient of b is dy/dz, not 0"))
        out[name] = hints
    return out


VALUE_WHY = ("you passed a Value, and a Value's number (.data) is a value of the forward pass;"
             " pass its .grad (a float), e.g. ex_grad_w1 = w1.grad after y.backward()")


@never_raises
def check_backward(grad_w1, grad_w2, grad_b):
    """Exercise 3.1: dy/dw1, dy/dw2 and dy/db of the neuron NEURON, computed by hand."""
    answers = {"w1": grad_w1, "w2": grad_w2, "b": grad_b}
    if all(is_unattempted(a) for a in answers.values()):
        return not_attempted("ex_grad_w1, ex_grad_w2 and ex_grad_b")
    expected = neuron_grads(**NEURON)
    hints = _mistakes(**NEURON)
    old = neuron_grads(**LESSON_NEURON)  # the lesson's numbers, copied by mistake
    old_why = ("these are the gradients at the lesson's values (x1 = 2, x2 = -1.5, w1 = 0.6,"
               " w2 = 0.2, b = -0.3); use the new numbers x1 = 0.5, x2 = -1.5, w1 = -2,"
               " w2 = 0.4, b = 1.2")
    for name in answers:
        hints[name].append((old[name], old_why))
    right, problems, todo = [], {}, []  # problems: {message: [names]}, so shared ones group
    for name, answer in answers.items():
        if is_unattempted(answer):
            todo.append(f"ex_grad_{name}")
            continue
        if isinstance(answer, Value):  # its .data is a value of the neuron, not a gradient
            problems.setdefault(VALUE_WHY, []).append(f"ex_grad_{name}")
            continue
        what = f"Your gradient for {name} (ex_grad_{name})"
        x, problem = as_number(answer, what)
        if problem is None:
            whys = {why for _, why in hints[name]}
            problem = diagnose(x, expected[name], rtol=RTOL, atol=ATOL, what=what,
                               hints=hints[name])
            if problem.message in whys:  # a known mistake: say which value it explains
                problems.setdefault(problem.message, []).append(f"ex_grad_{name} = {x:.4g}")
                continue
        if problem.ok:
            right.append(f"ex_grad_{name}")
        else:
            problems.setdefault(problem.message, [])
    problems = [f"{_join(names)}: {why}." if names else why.rstrip(".") + "."
                for why, names in problems.items()]
    said = [f"{_join(right)} {'is' if len(right) == 1 else 'are'} right."] if right else []
    if problems:
        return wrong(" ".join(said + problems + ([f"Still to do: {_join(todo)}."] if todo else [])))
    if todo:
        return Feedback(None, " ".join(said + [f"Not attempted yet: replace the ... in"
                                                f" {_join(todo)} with your answer."]))
    dz = expected["b"]
    return correct(f"All three are right. Every path starts with dy/dz = 1 - tanh(z)**2 ="
                   f" {dz:.4f}; the + nodes hand it on unchanged, and each product multiplies"
                   " it by the other factor.")


@never_raises
def check_fork(grad_a):
    """Exercise 3.2: dy/da for y = a*b + a at FORK (a reaches y along two paths)."""
    x, problem = as_number(grad_a, "grad_a")
    if problem is not None:
        return problem
    a, b = FORK["a"], FORK["b"]
    hints = [
        (b, f"{b:g} = b is only the path through a*b. a also reaches y directly through"
            " the +, which adds 1 * dy/dy: the two paths add up."),
        (1.0, "1 is only the direct path through the +. The path through a*b adds"
              f" b = {b:g} too. (An engine that writes grad = ... instead of grad += ..."
              " keeps only one of the two paths, like this.)"),
        (a, f"{a:g} = a is dy/db, the gradient of the other input. You want dy/da."),
        (a + b, f"{a + b:g} = a + b: the local derivative of a*b with respect to a is b,"
                " and that of the + with respect to a is 1."),
        (a * b, f"{a * b:g} = a*b is a value of the forward pass, not a derivative."),
        (a * b + a, f"{a * b + a:g} = a*b + a is y itself, the value of the forward pass,"
                    " not a derivative."),
    ]
    feedback = diagnose(x, b + 1.0, rtol=RTOL, atol=ATOL, what="grad_a", hints=hints)
    if feedback.ok:
        return correct(f"Right: dy/da = b + 1 = {b + 1:g}, one term per path from a to y.")
    return feedback


def check_neuron_backward(neuron_backward):
    """Exercise 3.3: a function (x1, x2, w1, w2, b) -> {"w1": ..., "w2": ..., "b": ...,
    "x1": ..., "x2": ...}, run on NEURON_CASES and compared with neuron_grads."""
    try:
        return _check_neuron_backward(neuron_backward)
    except Exception as e:
        return checker_error(e, "your function")


def _check_neuron_backward(fn):
    if is_unattempted(fn):
        return not_attempted("neuron_backward")
    if not callable(fn):
        return wrong(f"Your neuron_backward should be a function, not {_a(type(fn).__name__)}.")
    for case in NEURON_CASES:
        result, problem = call_answer(fn, case["x1"], case["x2"], case["w1"], case["w2"],
                                      case["b"])
        if problem is not None:
            return problem
        got, problem = _as_grad_dict(result)
        if problem is not None:
            return problem
        expected = neuron_grads(**case)
        hints = _mistakes(**case)
        args = ", ".join(f"{k}={v:g}" for k, v in case.items())
        for name in KEYS:
            x, problem = as_number(got[name], f"The entry {name!r}")
            if problem is not None:
                if problem.ok is None:  # `...` left in one entry
                    return Feedback(None, f"Not attempted yet: the entry {name!r} is still"
                                          " ... ; replace it with your formula.")
                return problem
            what = f"For {args}, your gradient for {name}"
            if _close(x, expected[name], 1e-5) and not _close(x, expected[name], EXACT):
                return wrong(f"{what} is {x:.15g}, close to {expected[name]:.15g} but not"
                             " exact: it looks like a numerical estimate. Write the backward"
                             " pass itself: grad_z = 1 - tanh(z)**2, then each input's local"
                             " derivative times grad_z.")
            # exact to rounding, so that a numerical estimate does not pass for backprop
            feedback = diagnose(x, expected[name], rtol=EXACT, atol=1e-15, what=what,
                                hints=[(v, f"{what} is {x:.4g}: {why}.")
                                       for v, why in hints[name]])
            if not feedback.ok:
                if feedback.message.endswith("not right yet."):
                    feedback = wrong(f"{feedback.message[:-1]}: it should be"
                                     f" {expected[name]:.6g}.")
                return feedback
    return correct(f"Your function gives the right five gradients on {len(NEURON_CASES)}"
                   " neurons, one of them with a saturated tanh (z = 3, where dy/dz is only"
                   f" {1 - math.tanh(3.0) ** 2:.4f}).")


EXACT = 1e-11  # relative: float rounding, far below the error of a difference quotient


def _close(x, y, rtol):
    return abs(x - y) <= 1e-15 + rtol * abs(y)


def _as_grad_dict(result):
    """The learner's result as {key: value} over KEYS, or (None, Feedback) saying what is off.

    Keys may be written "w1" or "grad_w1"."""
    if not isinstance(result, dict):
        kind = type(result).__name__
        return None, wrong(f"Your neuron_backward should return a dict with the keys"
                           f" {', '.join(map(repr, KEYS))}; it returned {_a(kind)}.")
    got = {}
    for key, value in result.items():
        name = key[5:] if isinstance(key, str) and key.startswith("grad_") else key
        got[name] = value
    missing = [k for k in KEYS if k not in got]
    if missing:
        return None, wrong(f"The dict from your neuron_backward has no"
                           f" {_join(map(repr, missing))}; it needs the keys"
                           f" {', '.join(map(repr, KEYS))}.")
    return got, None


def _a(kind):
    """'a list', 'an int': the type name with its article."""
    return f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind}"


def _join(names):
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
