"""Checkers for the lessons' exercises, one module per lesson (`lesson01`, ...).

    from backproplab.exercises import lesson01 as ex
    ex.check_slope(my_answer)      # shows green, red with a hint, or "not attempted yet"

Reference solutions live in `notebooks/solutions/`; tests run every checker against
them and against a corpus of learner answers (tests/corpus/lessonNN.py: right ones in
several forms, typical mistakes, forgotten returns, code that raises), each with the
verdict and the words its feedback must have. The rules all checkers share (placeholders,
a forgotten `return`, the learner's own errors, rounded numbers, multiple-choice letters)
are in `feedback.py`.
"""

from .feedback import Feedback

__all__ = ["Feedback"]
