"""Instant feedback for the exercises: what every checker returns.

A checker compares the learner's answer with the right one and returns `Feedback`:
green when right, red with a specific hint when wrong, grey when the exercise has
not been attempted yet. A checker never raises on a learner's answer; a typical
mistake (a factor of 2, a flipped sign, a forgotten term) gets its own hint.
"""

import functools
import html
import math

import numpy as np


class Feedback:
    """The verdict of a checker: `.ok` is True, False, or None (not attempted yet)."""

    def __init__(self, ok, message):
        self.ok = ok
        self.message = message

    @property
    def status(self):
        return {True: "correct", False: "not yet", None: "not attempted yet"}[self.ok]

    def __bool__(self):
        return self.ok is True

    def __repr__(self):
        mark = {True: "✔", False: "✘", None: "…"}[self.ok]
        return f"{mark} {self.message}"

    def _repr_html_(self):
        colour = {True: "#e8f5e9", False: "#ffebee", None: "#f5f5f5"}[self.ok]
        border = {True: "#2e7d32", False: "#c62828", None: "#9e9e9e"}[self.ok]
        # "Not attempted yet" messages say so themselves; the others get a heading
        heading = "" if self.ok is None else f"<b>{self.status.capitalize()}.</b> "
        return (
            f"<div style='background:{colour};border-left:4px solid {border};"
            f"padding:6px 10px;color:#222'>{heading}{html.escape(self.message)}</div>"
        )


def never_raises(check):
    """Decorate a checker so that an unexpected error becomes red feedback, not a
    traceback in the learner's notebook."""

    @functools.wraps(check)
    def safe(*args, **kwargs):
        try:
            return check(*args, **kwargs)
        except Exception as e:  # a checker never crashes the notebook
            return wrong(f"could not check your answer ({type(e).__name__}: {e})")

    return safe


def correct(message="Well done!"):
    return Feedback(True, message)


def wrong(message):
    return Feedback(False, message)


def not_attempted(what="this exercise"):
    return Feedback(None, f"Not attempted yet: replace the ... in {what} with your answer.")


def is_unattempted(answer):
    """True for the placeholders a notebook hands out: `...` and None."""
    return answer is ... or answer is None


def call_answer(fn, *args):
    """Call a learner's function. Returns (result, None) or (None, Feedback) when the
    function is a placeholder (`...`/NotImplementedError) or raises."""
    if is_unattempted(fn):
        return None, not_attempted()
    try:
        result = fn(*args)
    except NotImplementedError:
        return None, not_attempted("the function")
    except Exception as e:  # the learner's code failed: say how, never crash the notebook
        return None, wrong(f"your code raised {type(e).__name__}: {e}")
    if is_unattempted(result):
        return None, not_attempted("the function")
    return result, None


def as_number(answer, what):
    """(float, None) or (None, Feedback) explaining why `answer` is not a number."""
    if is_unattempted(answer):
        return None, not_attempted(what)
    data = getattr(answer, "data", answer)  # a Value or a one-element Tensor is fine
    try:
        x = float(np.asarray(data, dtype=float).reshape(()))
    except (TypeError, ValueError):
        return None, wrong(f"{what} should be a single number, got {answer!r}")
    if not math.isfinite(x):
        return None, wrong(f"{what} is {x}: check for a division by zero or an overflow")
    return x, None


def diagnose(got, expected, rtol=1e-6, atol=1e-9, what="your answer", hints=()):
    """Compare numbers (or arrays) and explain the typical mistakes.

    `hints` is a list of (wrong_value, message) pairs: when the answer matches a known
    wrong value, that message is the feedback. Factors of 2 and flipped signs are
    recognised without being listed.
    """
    got = np.asarray(got, dtype=float)
    expected = np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        return wrong(f"{what} has shape {got.shape}, but the answer has shape {expected.shape}")
    if np.allclose(got, expected, rtol=rtol, atol=atol):
        return correct()
    for value, message in hints:
        if np.allclose(got, np.asarray(value, dtype=float), rtol=rtol, atol=atol):
            return wrong(message)
    if np.any(expected != 0):
        for factor, message in ((-1, "has the wrong sign"), (2, "is twice too large"),
                                (0.5, "is half the right size")):
            if np.allclose(got, factor * expected, rtol=rtol, atol=atol):
                return wrong(f"{what} {message}. Check that step of your working again.")
    shown = np.array2string(got, precision=6) if got.ndim else f"{float(got):.6g}"
    return wrong(f"{what} is {shown}, which is not right yet.")


def compare_functions(fn, cases, reference, hints=(), name="your function", rtol=1e-7,
                      atol=1e-12, success="Well done!"):
    """Run the learner's `fn` on every case and compare with `reference`.

    cases: (description, args) pairs, e.g. ("f(x) = x**2, a = 1, b = 3", (f, 1.0, 3.0)).
    hints: (wrong_function, message) pairs, tried in order: when `fn` agrees with a
        typical wrong formula on every case, its message is the feedback. A third
        element, if given, is the relative tolerance for that comparison.
    Returns a Feedback; never raises (a failing `fn` is reported, not re-raised).
    """
    got = []
    for description, args in cases:
        result, feedback = call_answer(fn, *args)
        if feedback is not None:
            if feedback.ok is False:  # the learner's code raised
                return wrong(f"For {description}, {feedback.message}")
            return feedback
        value, feedback = as_number(result, f"what {name} returned for {description}")
        if feedback is not None:
            return feedback
        got.append(value)
    expected = [reference(*args) for _, args in cases]
    if _close(got, expected, rtol, atol):
        return correct(success)
    for wrong_fn, message, *tolerance in hints:
        try:
            values = [wrong_fn(*args) for _, args in cases]
        except (ArithmeticError, ValueError):  # that formula fails on these cases
            continue
        if _close(got, values, tolerance[0] if tolerance else rtol, atol):
            return wrong(message)
    for (description, _), g, e in zip(cases, got, expected):
        if not _close([g], [e], rtol, atol):
            return wrong(f"For {description}, {name} returned {g:.6g}, but the right answer is"
                         f" {e:.6g}.")
    return wrong(f"{name} does not give the right answers yet.")  # not reached


def _close(got, expected, rtol, atol):
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    return bool(np.all(np.isfinite(expected)) and np.allclose(got, expected, rtol=rtol,
                                                             atol=atol))
