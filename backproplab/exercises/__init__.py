"""Checkers for the lessons' exercises, one module per lesson (`lesson01`, ...).

    from backproplab.exercises import lesson01 as ex
    ex.check_slope(my_answer)      # shows green, red with a hint, or "not attempted yet"

Reference solutions live in `notebooks/solutions/`; tests run every checker against
them and against typical wrong answers.
"""

from .feedback import Feedback

__all__ = ["Feedback"]
