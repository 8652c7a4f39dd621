"""What the exercise-checker tests share: loading a reference solution and reading a
Feedback's verdict."""

import importlib.util
from pathlib import Path

from backproplab.exercises.feedback import Feedback

SOLUTIONS = Path(__file__).resolve().parents[1] / "notebooks" / "solutions"


def load_solution(name):
    """Import notebooks/solutions/<name>.py (the folder is not a package)."""
    spec = importlib.util.spec_from_file_location(f"solutions_{name}", SOLUTIONS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def is_right(feedback):
    assert isinstance(feedback, Feedback)
    assert feedback.ok is True, feedback.message
    return True


def is_wrong(feedback, *words):
    """The feedback is red and its message contains every one of `words`."""
    assert isinstance(feedback, Feedback)
    assert feedback.ok is False, feedback.message
    for word in words:
        assert word in feedback.message, (word, feedback.message)
    return True


def is_not_attempted(feedback):
    assert isinstance(feedback, Feedback)
    assert feedback.ok is None, feedback.message
    assert "Not attempted yet" in feedback.message
    return True


def placeholder_function(*args):
    ...  # what the notebook hands out: returns None


def not_implemented(*args):
    raise NotImplementedError


def broken(*args):
    raise ZeroDivisionError("division by zero")
