"""The feedback every checker gives: verdicts, typical-mistake hints, never a traceback."""

import numpy as np

from backproplab.exercises.feedback import (
    call_answer,
    diagnose,
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
    @never_raises
    def check(answer):
        return 1 / answer

    fb = check(0)
    assert fb.ok is False
    assert "could not check your answer (ZeroDivisionError" in fb.message
    assert check.__name__ == "check"


def test_call_answer_reports_placeholders_and_errors():
    assert call_answer(..., 1)[1].ok is None
    assert call_answer(lambda x: None, 1)[1].ok is None

    def raises(x):
        raise NotImplementedError

    assert call_answer(raises, 1)[1].ok is None
    result, fb = call_answer(lambda x: 1 / x, 0)
    assert result is None and "ZeroDivisionError" in fb.message
    assert call_answer(lambda x: x + 1, 1) == (2, None)
