"""NudgeExplorer (lessons 02-03): nudge one input, every node before and after, and the
output's change over h beside the input's gradient."""

import base64
import io
import math
import shutil
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from backproplab import graph as graph_module
from backproplab.graph import HIGHLIGHT
from backproplab.nudge import NudgeExplorer
from backproplab.stepper import drawing_png

SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def no_dot(monkeypatch):
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "dot"
                        else real_which(name, *a, **k))
    monkeypatch.setattr(graph_module, "_hint_printed", True)


def L_of(a, b, c):
    L = (a * b + c) ** 2
    L.label = "L"
    return L


def neuron(x1, x2, w1, w2, b):
    y = (w1 * x1 + w2 * x2 + b).tanh()
    y.label = "y"
    return y


NEURON = {"x1": 2.0, "x2": -1.5, "w1": 0.6, "w2": 0.2, "b": -0.3}


def highlighted_ids(svg):
    return {g.get("id") for g in ET.fromstring(svg).iter(SVG_NS + "g")
            if next(iter(g)).get("stroke") == HIGHLIGHT}


def test_slope_of_the_nudge_next_to_the_gradient(no_dot):
    app = NudgeExplorer(L_of, {"a": 3.0, "b": -2.0, "c": 4.0}, leaf="a", h=0.01)
    # L(3.01) = (3.01 * -2 + 4)**2 = 4.0804: (L(h) - L) / h = 8.04, dL/da = 2 r b = 8
    assert app.slope == pytest.approx(8.04) and app.grad == 8.0
    assert app.summary_lines() == [
        "a: 3.0000 → 3.0100 (h = 0.01); L: 4.0000 → 4.0804, a change of +0.0804",
        "(L(h) - L) / h = 8.0400   vs   a.grad = dL/da = 8.0000"
        "   (prediction a.grad * h = +0.08)",
    ]
    assert "(L(h) - L) / h = 8.0400" in app.text.value


def test_the_headline_sits_below_the_drawing_as_in_the_picture(no_dot):
    app = NudgeExplorer(L_of, {"a": 3.0, "b": -2.0, "c": 4.0}, leaf="a", h=0.01)
    assert app.widget.children[1:] == (app.graph, app.text, app.table)


def test_setting_the_slider_and_dropdown_changes_what_is_shown(no_dot):
    app = NudgeExplorer(L_of, {"a": 3.0, "b": -2.0, "c": 4.0}, leaf="a", h=0.01)
    app.h.value = 0.001  # the slope closes in on the gradient as h shrinks
    assert app.slope == pytest.approx(((3.001 * -2 + 4) ** 2 - 4) / 0.001)
    assert abs(app.slope - app.grad) < 0.01
    app.leaf.value = "c"  # dL/dc = 2r = -4
    assert app.grad == -4.0
    assert app.slope == pytest.approx(((-6 + 4.001) ** 2 - 4) / 0.001)
    assert "c.grad = dL/dc = -4.0000" in app.text.value
    rows = {name: (before, after) for name, before, after in app.rows}
    assert rows["a"] == (3.0, 3.0) and rows["c"] == (4.0, 4.001)


def test_table_lists_every_node_and_marks_the_ones_that_moved(no_dot):
    app = NudgeExplorer(neuron, NEURON, leaf="w1", h=0.1)
    names = [name for name, _, _ in app.rows]
    assert names == ["w1", "x1", "n2", "w2", "x2", "n5", "n6", "b", "n8", "y"]
    moved = [name for name, before, after in app.rows if after != before]
    assert moved == ["w1", "n2", "n6", "n8", "y"]  # the path from w1 to y, nothing else
    lines = app.table_lines()
    assert lines[0].split() == ["node", "before", "after", "change"]
    assert lines[1].split() == ["w1", "0.6000", "0.7000", "+0.1"]
    assert lines[2].split() == ["x1", "2.0000", "2.0000", "-"]
    y_after = math.tanh(0.7 * 2.0 + 0.2 * -1.5 - 0.3)
    assert lines[-1].split()[:3] == ["y", "0.5370", f"{y_after:.4f}"]
    assert app.table.value.count('color:#d7191c') == 5  # the rows that moved, in red
    ids = highlighted_ids(app.graph.value)  # the same five boxes, in red, in the drawing
    assert len(ids) == 5


def test_nudge_method_and_negative_steps(no_dot):
    app = NudgeExplorer(neuron, NEURON, leaf="w1")
    app.nudge("b", -0.1)
    assert (app.leaf.value, app.h.value) == ("b", -0.1)
    y0 = math.tanh(0.6)  # z = 1.2 - 0.3 - 0.3
    assert app.slope == pytest.approx((math.tanh(0.5) - y0) / -0.1)
    assert app.grad == pytest.approx(1 - y0**2)


def test_static_picture_holds_drawing_headline_and_table(no_dot):
    app = NudgeExplorer(neuron, NEURON, leaf="w2", h=0.01)
    bundle, metadata = app._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    png = base64.b64decode(bundle["image/png"])
    drawing = Image.open(io.BytesIO(drawing_png(app._drawings[("w2", 0.01)])))
    grey = np.asarray(Image.open(io.BytesIO(png)).convert("L"))[drawing.height:]
    dark = (grey < 128).any(axis=1)
    lines = np.count_nonzero(dark[1:] & ~dark[:-1])  # runs of text rows under the drawing
    assert lines == len(app.summary_lines()) + len(app.table_lines())  # one blank line
    assert metadata["image/png"]["width"] * 2 == Image.open(io.BytesIO(png)).width
    assert bundle["text/plain"].split("\n")[1].startswith("(y(h) - y) / h = -1.0")
    app.widget.close()
    assert set(app._repr_mimebundle_()) == {"image/png", "text/plain"}


def test_bad_input_says_what_to_do(no_dot):
    with pytest.raises(ValueError, match="no input called 'w3'; the inputs are x1, x2"):
        NudgeExplorer(neuron, NEURON, leaf="w3")
    with pytest.raises(ValueError, match="h must be one of the non-zero steps"):
        NudgeExplorer(neuron, NEURON, h=0.02)
    with pytest.raises(ValueError, match="give the inputs"):
        NudgeExplorer(neuron, {})
    with pytest.raises(TypeError, match="must return the output Value, got float"):
        NudgeExplorer(lambda a: 2.0, {"a": 1.0})

    def branchy(a):
        return a * 2 if a.data < 1.05 else a.tanh()
    app = NudgeExplorer(branchy, {"a": 1.0}, h=0.01)
    with pytest.raises(ValueError, match="changed shape when a moved by 0.1"):
        app.h.value = 0.1
