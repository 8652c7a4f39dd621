"""Every checker judged against a corpus of learner answers (tests/corpus/lessonNN.py).

Each case states the verdict a learner must see (right / wrong / not attempted) and the
words the message must contain. The corpus covers every exercise of every lesson with at
least 8 answers: the reference, the reference rounded as the lesson prints it, other
correct forms, the typical mistakes the lesson warns about, a forgotten `return`, code
that raises, a wrong type or shape, and the `...` placeholder.
"""

import ast
import importlib
import json
import re
from pathlib import Path

import pytest
from corpus import LESSONS, Args

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
MIN_CASES = 8


def _tables():
    return {lesson: importlib.import_module(f"corpus.{lesson}") for lesson in LESSONS}


def _cases():
    for lesson, table in _tables().items():
        for exercise, label, answer, verdict, words in table.CASES:
            yield pytest.param(lesson, exercise, answer, verdict, words,
                               id=f"{exercise}: {label}")


@pytest.mark.parametrize("lesson, exercise, answer, verdict, words", list(_cases()))
def test_learner_answer_gets_its_verdict(lesson, exercise, answer, verdict, words):
    module = importlib.import_module(f"backproplab.exercises.{lesson}")
    check = getattr(module, _tables()[lesson].CHECKERS[exercise])
    feedback = check(*answer) if isinstance(answer, Args) else check(answer)
    message = feedback.message
    assert feedback.ok is verdict, f"expected {verdict}, got {feedback.ok}: {message}"
    for word in (words,) if isinstance(words, str) else words:
        assert word in message, f"{word!r} is not in: {message}"
    assert "could not check" not in message, message
    if verdict is None:
        assert "Not attempted yet" in message or "Still to do" in message, message


def _notebook_checkers():
    """{lesson: {checker names called in its notebook}}, the demo call of lesson 00 aside."""
    found = {}
    for path in sorted(NOTEBOOKS.glob("[01][0-9]-*.ipynb")):
        lesson = f"lesson{path.name[:2]}"
        found[lesson] = set(re.findall(r"ex\.(check_\w+)\(", path.read_text()))
    return found


def test_every_exercise_has_a_table_with_enough_cases():
    tables = _tables()
    for lesson, names in _notebook_checkers().items():
        table = tables[lesson]
        assert names == set(table.CHECKERS.values()), (lesson, names)
        for exercise in table.CHECKERS:
            n = sum(case[0] == exercise for case in table.CASES)
            assert n >= MIN_CASES, f"exercise {exercise} has only {n} corpus cases"


def test_every_exercise_has_all_three_verdicts():
    for table in _tables().values():
        for exercise in table.CHECKERS:
            verdicts = {case[3] for case in table.CASES if case[0] == exercise}
            assert verdicts == {True, False, None}, (exercise, verdicts)


def corpus_counts():
    """{lesson: number of cases}, for the closing note of issue 14."""
    return {lesson: len(table.CASES) for lesson, table in _tables().items()}


def test_lesson00_red_example_shows_a_typical_mistake_hint():
    """Lesson 00 promises a hint of their own for typical mistakes: its red example must
    show one, not the generic "not right yet"."""
    from backproplab.exercises import lesson00

    cells = json.loads((NOTEBOOKS / "00-start-here.ipynb").read_text())["cells"]
    examples = []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        for node in ast.walk(ast.parse("".join(cell["source"]))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == \
                    "check_line_slope" and not isinstance(node.args[0], ast.Name):
                examples.append(node)
    assert examples, "lesson 00 shows no red example of check_line_slope"

    def value(expression):
        return eval(compile(ast.Expression(expression), "example", "eval"))

    call = examples[0]  # e.g. ex.check_line_slope(..., points=[(1, 2), (3, 8)])
    feedback = lesson00.check_line_slope(*map(value, call.args),
                                         **{k.arg: value(k.value) for k in call.keywords})
    assert feedback.ok is False
    assert "not right yet" not in feedback.message
    assert "upside down" in feedback.message
