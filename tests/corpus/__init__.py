"""A corpus of learner answers for every exercise, with the verdict each must get.

One module per lesson (`corpus.lesson00`, ...), each holding two tables:

    CHECKERS = {"0.1": "check_line_slope", ...}       # exercise -> checker of that lesson
    CASES = [
        # exercise, what the learner wrote,  answer, verdict, words its message must contain
        ("0.1", "the reference",              2,      RIGHT,   "rise"),
        ...
    ]

An answer for a checker that takes several values is written `args(a, b, c)`. Adding a
case is one line; tests/test_corpus.py runs every table.
"""

from pathlib import Path

RIGHT, WRONG, TODO = True, False, None  # the three verdicts: green, red, grey

# Every table in this folder: a new lesson's table is picked up by adding its file.
LESSONS = sorted(path.stem for path in Path(__file__).parent.glob("lesson[0-9][0-9].py"))


class Args(tuple):
    """The several answers of one call, e.g. check_graph_counts(n_nodes, n_leaves)."""


def args(*values):
    return Args(values)
