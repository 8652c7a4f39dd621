"""The stored lessons are what a fresh `make notebooks` writes, and their nbval markers work.

nbval (in `make test`) compares the stored outputs with a fresh run, so two slips go unseen
there: a marker with a comment after it on the same line (`# NBVAL_IGNORE_OUTPUT  (timings)`)
is not a marker for nbval, which then compares a cell that was meant to be skipped; and one
print stored as two stream chunks shows as a broken line on GitHub and on the website.
"""

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9]*.ipynb"))
MARKERS = {"NBVAL_IGNORE_OUTPUT", "NBVAL_CHECK_OUTPUT", "NBVAL_SKIP", "NBVAL_RAISES_EXCEPTION"}


def code_cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def marker_slips(source):
    """Comment lines that mention an nbval marker but are not exactly `# MARKER`."""
    slips = []
    for line in source.splitlines():
        comment = line.strip()
        if comment.startswith("#") and "NBVAL_" in comment:
            if comment.lstrip("#").strip() not in MARKERS:
                slips.append(line)
    return slips


def split_streams(outputs):
    """Pairs of neighbouring outputs that are chunks of one stream (stdout, stderr)."""
    return sum(1 for a, b in zip(outputs, outputs[1:])
               if a.output_type == b.output_type == "stream" and a.name == b.name)


def test_marker_slips_are_found():
    assert marker_slips("# NBVAL_IGNORE_OUTPUT\nx = 1") == []
    assert marker_slips("#NBVAL_SKIP") == []
    slip = "# NBVAL_IGNORE_OUTPUT  (timings)"
    assert marker_slips(slip + "\nx = 1") == [slip]
    assert marker_slips("# NBVAL_IGNORE_OUTPUTS") == ["# NBVAL_IGNORE_OUTPUTS"]


def test_split_streams_are_counted():
    out = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in ("a", "b")]
    assert split_streams(out) == 1
    assert split_streams([out[0], nbformat.v4.new_output("stream", name="stderr", text="c")]) == 0


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_nbval_markers_stand_alone_on_their_line(path):
    slips = [(i, s) for i, c in enumerate(code_cells(path)) for s in marker_slips(c.source)]
    assert not slips, (f"{path.name}: nbval ignores these marker lines (put any comment on the"
                       f" next line): {slips}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_each_print_is_stored_as_one_text(path):
    cells = [i for i, c in enumerate(code_cells(path)) if split_streams(c.outputs)]
    assert not cells, (f"{path.name}: code cells {cells} store one stream in several chunks;"
                       " re-execute with `make notebooks`, which coalesces them")


def test_marker_regex_of_this_file_matches_nbval():
    from nbval import plugin

    found = set(re.findall(r"NBVAL_[A-Z_]+", Path(plugin.__file__).read_text()))
    assert MARKERS <= found
