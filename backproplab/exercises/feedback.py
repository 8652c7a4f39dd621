"""Instant feedback for the exercises: what every checker returns.

A checker compares the learner's answer with the right one and returns `Feedback`:
green when right, red with a specific hint when wrong, grey when the exercise has
not been attempted yet. A checker never raises on a learner's answer; a typical
mistake (a factor of 2, a flipped sign, a forgotten term) gets its own hint.

The rules every checker shares live here, not in the checkers:
- a function whose body is still the handed-out `...` (or `pass`, or `raise
  NotImplementedError`) is "not attempted"; one with real statements that returns
  None is asked "did you forget `return`?";
- an error raised inside the learner's code is reported as theirs: its type, its
  message and the line of their code (`learner_error`); only an error inside the
  checker itself reads "could not check";
- a number typed in with the digits the lesson prints is right (`diagnose(...,
  decimals=...)`), with a nudge to keep more digits;
- a multiple-choice letter may be typed "b", "B", "(b)", " b " or "b)" (`letter`).
"""

import dis
import functools
import html
import math
import os
import re
import traceback

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
    traceback in the learner's notebook. An error raised in the learner's own code
    (a method of their class, say) is reported as theirs, with its line."""

    @functools.wraps(check)
    def safe(*args, **kwargs):
        try:
            return check(*args, **kwargs)
        except Exception as e:  # a checker never crashes the notebook
            return checker_error(e)

    return safe


def checker_error(error, what="your answer"):
    """Red feedback for an error that escaped a checker: the learner's when it was raised
    in their code (with their line), else the checker's own ("could not check")."""
    if _learner_frame(error) is not None:
        return wrong(learner_error(error))
    return wrong(f"could not check {what} ({type(error).__name__}: {error})")


def correct(message="Well done!"):
    return Feedback(True, message)


def wrong(message):
    return Feedback(False, message)


def not_attempted(what="this exercise"):
    return Feedback(None, f"Not attempted yet: replace the ... in {what} with your answer.")


FORGOT_RETURN = ("Your function returned None: did you forget `return`? A function that"
                 " computes a value (or prints it) must still return it.")


def is_unattempted(answer):
    """True for the placeholders a notebook hands out: `...` and None."""
    return answer is ... or answer is None


# What the body `...`, `pass`, a docstring or `raise NotImplementedError(...)` compiles to
_STUB_OPS = {"RESUME", "NOP", "CACHE", "EXTENDED_ARG", "LOAD_CONST", "RETURN_VALUE",
             "RETURN_CONST", "POP_TOP", "LOAD_GLOBAL", "LOAD_NAME", "PUSH_NULL", "PRECALL",
             "CALL", "RAISE_VARARGS"}


def is_stub(fn):
    """True when `fn` is a function whose body is only the handed-out `...` (or `pass`, a
    docstring, `raise NotImplementedError`): it has not been attempted.

    Read from the compiled code, so it works for functions typed in a notebook cell: a
    stub uses no variable and no name but NotImplementedError."""
    fn = getattr(fn, "__func__", fn)  # a bound method: look at its function
    code = getattr(fn, "__code__", None)
    if code is None:
        return False
    if not set(code.co_names) <= {"NotImplementedError"}:
        return False
    for ins in dis.get_instructions(code):
        if ins.opname not in _STUB_OPS:
            return False
        if ins.opname in ("LOAD_CONST", "RETURN_CONST") and not (
                ins.argval is None or ins.argval is ... or isinstance(ins.argval, str)):
            return False  # returns a number: an answer, not the placeholder
    return True


_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # backproplab/
_LIBRARIES = tuple(os.path.dirname(os.path.abspath(m.__file__)) for m in (os, np))


def _learner_frame(error):
    """The last frame of the traceback that runs the learner's code (not backproplab's,
    numpy's or Python's own), or None when the error happened in library code only."""
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if not os.path.abspath(f.filename).startswith((_PACKAGE,) + _LIBRARIES)]
    return frames[-1] if frames else None


def learner_error(error):
    """The error raised by the learner's code, in their terms: type, message, their line."""
    text = f"your code raised {type(error).__name__}: {error}"
    frame = _learner_frame(error)
    if frame is not None and frame.lineno:
        line = (frame.line or "").strip()
        where = f"{frame.name}, line {frame.lineno}" if frame.name != "<module>" \
            else f"line {frame.lineno}"
        text += f" (in {where}" + (f": {line}" if line else "") + ")"
    return text


def call_answer(fn, *args):
    """Call a learner's function. Returns (result, None) or (None, Feedback) when the
    function is still the placeholder, raises, or returns None.

    A stub (body `...`, `pass` or `raise NotImplementedError`) is not attempted; a
    function with real statements that returns None forgot its `return`."""
    if is_unattempted(fn):
        return None, not_attempted()
    if not callable(fn):
        return None, wrong(f"this exercise asks for a function; got a {type(fn).__name__},"
                           f" {fn!r}")
    try:
        result = fn(*args)
    except NotImplementedError as e:
        if is_stub(fn):
            return None, not_attempted("the function")
        return None, wrong(learner_error(e))
    except Exception as e:  # the learner's code failed: say how, never crash the notebook
        return None, wrong(learner_error(e))
    if result is ...:
        return None, not_attempted("the function")
    if result is None:
        if is_stub(fn):
            return None, not_attempted("the function")
        return None, wrong(FORGOT_RETURN)
    return result, None


def letter(answer, choices, name):
    """(letter, None) or (None, Feedback) for a multiple-choice answer among `choices`.

    Accepts the forms people type: "b", "B", "(b)", " b ", "b)", "b.", and "b) text"."""
    if is_unattempted(answer):
        return None, not_attempted(name)
    letters = ", ".join(f'"{k}"' for k in choices)
    if not isinstance(answer, str):
        return None, wrong(f"answer with one letter as a string, e.g. {name} = \"a\":"
                           f" one of {letters} (got {answer!r})")
    text = answer.strip().strip("\"'").strip().lower()
    match = re.fullmatch(r"[(\[]?\s*([a-z])\s*(?:[)\].:](\s.*)?)?", text, flags=re.S)
    if match is None or match.group(1) not in choices:
        return None, wrong(f"answer with one letter as a string: one of {letters} (got"
                           f" {answer!r})")
    return match.group(1), None


def as_number(answer, what):
    """(float, None) or (None, Feedback) explaining why `answer` is not a number."""
    if is_unattempted(answer):
        return None, not_attempted(what)
    if isinstance(answer, str):
        return None, wrong(f"{what} should be a single number, not the text {answer!r}: a number"
                           " has no quotes around it (and is not formatted with an f-string).")
    if callable(answer):
        return None, wrong(f"{what} should be a number, not a function: call it, or write the"
                           " number itself.")
    if isinstance(answer, (bool, np.bool_)):
        return None, wrong(f"{what} should be a number, not {bool(answer)}: True and False answer"
                           " a yes-or-no question. Write the number itself.")
    if isinstance(answer, (complex, np.complexfloating)):
        return None, wrong(f"{what} should be a single real number, not the complex number"
                           f" {answer!r}: write it without j.")
    if isinstance(answer, (list, tuple)):
        return None, wrong(f"{what} should be a single number, not a {type(answer).__name__},"
                           f" {answer!r}: write the number without the brackets around it.")
    data = getattr(answer, "data", answer)  # a Value or a one-element Tensor is fine
    try:
        x = float(np.asarray(data, dtype=float).reshape(()))
    except (TypeError, ValueError):
        return None, wrong(f"{what} should be a single number, got {answer!r}.")
    if not math.isfinite(x):
        return None, wrong(f"{what} is {x}: check for a division by zero or an overflow")
    return x, None


def is_rounded(got, expected, decimals):
    """True when `got` is `expected` rounded to `decimals` decimals or more (the digits a
    lesson prints), e.g. 0.2145 for 0.214528..."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        return False
    for d in range(decimals, 16):  # got has d decimals, and is within half a unit of d
        unit = 10.0**-d
        if np.allclose(got, np.round(got, d), rtol=0, atol=1e-12) and \
                np.all(np.abs(got - expected) <= 0.5 * unit + 1e-12):
            return True
    return False


KEEP_DIGITS = "Right (to the digits you gave); keep more digits next time."


def praise(feedback, message):
    """The success message for a right `feedback` from diagnose, keeping its nudge when the
    answer was rounded."""
    if feedback.message == KEEP_DIGITS:
        message += " (Your answer is rounded to the digits the lesson prints, which is fine;"\
                   " keep more digits next time.)"
    return correct(message)


def diagnose(got, expected, rtol=1e-6, atol=1e-9, what="your answer", hints=(),
             decimals=None):
    """Compare numbers (or arrays) and explain the typical mistakes.

    `hints` is a list of (wrong_value, message) pairs: when the answer matches a known
    wrong value, that message is the feedback. Factors of 2 and flipped signs are
    recognised without being listed. With `decimals`, the answer rounded to that many
    decimals (what the lesson prints) is right too, with a nudge to keep more digits.
    """
    got = np.asarray(got, dtype=float)
    expected = np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        return wrong(f"{what} has shape {got.shape}, but the answer has shape {expected.shape}")
    if np.allclose(got, expected, rtol=rtol, atol=atol):
        return correct()
    if decimals is not None and is_rounded(got, expected, decimals):
        return correct(KEEP_DIGITS)
    for value, message in hints:
        if np.allclose(got, np.asarray(value, dtype=float), rtol=rtol, atol=atol):
            return wrong(message)
    if np.any(expected != 0):
        for factor, message in ((-1, "has the wrong sign"), (2, "is twice too large"),
                                (0.5, "is half the right size")):
            if np.allclose(got, factor * expected, rtol=rtol, atol=atol):
                return wrong(f"{what} {message}. Check that step of your working again.")
    shown = np.array2string(got, precision=6) if got.ndim else f"{float(got):.6g}"
    if np.allclose(got, expected, rtol=5e-2, atol=atol) and is_rounded(got, expected, 0):
        return wrong(f"{what} is {shown}: that is the answer rounded to too few digits. Keep"
                     " 4 significant digits, or let Python compute it.")
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
            if feedback.ok is False and feedback.message != FORGOT_RETURN:  # it raised
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
            with np.errstate(all="ignore"):
                values = [wrong_fn(*args) for _, args in cases]
        except (ArithmeticError, ValueError, TypeError):  # that formula fails on these cases
            continue
        if _close(got, values, tolerance[0] if tolerance else rtol, atol):
            return wrong(message)
    for (description, _), g, e in zip(cases, got, expected):
        if not _close([g], [e], rtol, atol):
            shown, right = _distinct_digits(g, e)
            return wrong(f"For {description}, {name} returned {shown}, but the right answer"
                         f" is {right}.")
    return wrong(f"{name} does not give the right answers yet.")  # not reached


def _distinct_digits(got, expected):
    """Two numbers as text, with 6 significant digits or as many more as it takes for the
    texts to differ: 0.7446092 and 0.744609, not 0.744609 twice."""
    for digits in range(6, 18):
        shown, right = f"{got:.{digits}g}", f"{expected:.{digits}g}"
        if shown != right:
            break
    return shown, right


def _close(got, expected, rtol, atol):
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    return bool(np.all(np.isfinite(expected)) and np.allclose(got, expected, rtol=rtol,
                                                             atol=atol))
