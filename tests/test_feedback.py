"""The feedback every checker gives: verdicts, typical-mistake hints, never a traceback."""

import numpy as np

from backproplab.exercises.feedback import (
    call_answer,
    diagnose,
    is_stub,
    letter,
    never_raises,
    not_attempted,
)


def test_diagnose_right_and_typical_mistakes():
    assert diagnose(3.0000001, 3.0, rtol=1e-6).ok is True
    assert "wrong sign" in diagnose(-3.0, 3.0).message
    assert "twice too large" in diagnose(6.0, 3.0).message
    assert "half the right size" in diagnose(1.5, 3.0).message
    assert diagnose(7.0, 3.0, hints=[(7.0, "did you add instead?")]).message == \
        "did you add instead?"
    assert "shape" in diagnose(np.ones(2), np.ones(3)).message


def test_not_attempted_is_grey_and_says_so():
    fb = not_attempted("slope")
    assert fb.ok is None and not fb
    assert fb.message.startswith("Not attempted yet")
    assert "Not attempted yet" in fb._repr_html_() and "<b>" not in fb._repr_html_()
    assert repr(fb).startswith("… Not attempted yet")


def test_verdicts_show_in_html_and_text():
    right, wrong = diagnose(1.0, 1.0), diagnose(2.0, 3.0)
    assert "<b>Correct.</b>" in right._repr_html_() and repr(right).startswith("✔")
    assert "<b>Not yet.</b>" in wrong._repr_html_() and repr(wrong).startswith("✘")


def test_never_raises_turns_errors_into_red_feedback():
    check = never_raises(np.log)  # an error inside library code: the checker's own
    fb = check("x")
    assert fb.ok is False
    assert fb.message.startswith("could not check your answer (")
    assert check.__name__ == "log"


def test_never_raises_names_the_learners_error_and_line():
    @never_raises
    def check(answer):  # defined outside backproplab: stands for the learner's code
        return 1 / answer

    fb = check(0)
    assert fb.ok is False
    assert "could not check" not in fb.message
    assert "your code raised ZeroDivisionError: division by zero" in fb.message
    assert "return 1 / answer" in fb.message and "line" in fb.message


def test_forgotten_return_is_not_the_placeholder():
    def stub(x):
        ...

    def stub_pass(x):
        """docstring"""
        pass

    def stub_raise(x):
        raise NotImplementedError("todo")

    def prints(x):
        print(x + 1)

    def local(x):
        y = x + 1  # noqa: F841

    for fn in (stub, stub_pass, stub_raise):
        assert is_stub(fn)
        assert call_answer(fn, 1)[1].ok is None
    for fn in (prints, local, lambda x: 2.0, lambda x: x):
        assert not is_stub(fn)
    for fn in (prints, local):
        fb = call_answer(fn, 1)[1]
        assert fb.ok is False and "returned None: did you forget `return`?" in fb.message


def test_rounded_numbers_and_letters():
    assert diagnose(0.2145, 0.214528, decimals=4).ok is True
    assert "keep more digits" in diagnose(0.2145, 0.214528, decimals=4).message
    assert diagnose(0.21, 0.214528, decimals=4).ok is False
    assert diagnose(7.0001, 7.0, decimals=4).ok is False
    for typed in ("b", "B", "(b)", " b ", "b)", "'b'", "b.", "b) about 50%"):
        assert letter(typed, {"a": 1, "b": 2}, "x") == ("b", None), typed
    for typed in ("e", "ab", 2, "bb"):
        assert letter(typed, {"a": 1, "b": 2}, "x")[1].ok is False, typed


def test_call_answer_reports_placeholders_and_errors():
    assert call_answer(..., 1)[1].ok is None
    assert call_answer(lambda x: None, 1)[1].ok is None  # a stub written as a lambda

    def raises(x):
        raise NotImplementedError

    assert call_answer(raises, 1)[1].ok is None
    result, fb = call_answer(lambda x: 1 / x, 0)
    assert result is None and "ZeroDivisionError" in fb.message
    assert call_answer(lambda x: x + 1, 1) == (2, None)
