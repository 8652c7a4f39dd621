"""explain_backward and BackwardStepper: the backward pass one chain-rule step at a time."""

import base64
import io
import shutil
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from backproplab import Tensor, Value, topological_sort
from backproplab import graph as graph_module
from backproplab.graph import HIGHLIGHT
from backproplab.stepper import (
    MIN_TEXT_PX,
    BackwardStepper,
    drawing_png,
    explain_backward,
    fit_to_width,
    png_with_lines,
)
from backproplab.widget_display import png_width

SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def no_dot(monkeypatch):
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "dot"
                        else real_which(name, *a, **k))
    monkeypatch.setattr(graph_module, "_hint_printed", True)


# ---- graphs (built fresh, without backward) ----


def expression():
    a, b, c, f = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c"), \
        Value(-2.0, label="f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L


def reuse():
    a = Value(3.0, label="a")
    b = a + a
    out = b * a
    out.label = "out"
    return out


def neuron():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


def mixed():
    x, y = Value(0.7, label="x"), Value(-1.3, label="y")
    z = (x * y).exp() / (1 + x**2) - y.sigmoid() * 3 + (x - y).relu() ** 2
    return z.log() if z.data > 0 else (z * z).log()


VALUE_GRAPHS = [expression, reuse, neuron, mixed]


def grads_of(root):
    return [node.grad for node in topological_sort(root)]


# ---- explain_backward ----


@pytest.mark.parametrize("make", VALUE_GRAPHS)
def test_one_step_per_contribution(make):
    root = make()
    contributions = sum(len(node.parents) for node in topological_sort(root))
    assert len(explain_backward(root).steps) == contributions


@pytest.mark.parametrize("make", VALUE_GRAPHS)
def test_last_frame_equals_backward(make):
    root = make()
    explanation = explain_backward(root)
    simulated = explanation.grads_after(len(explanation.steps))
    root.backward()
    assert simulated == grads_of(root)  # the same sums in the same order: exact


def test_steps_follow_the_chain_rule():
    for step in explain_backward(neuron()).steps:
        assert step.contribution == step.upstream * step.local
        k = next(i for i, p in enumerate(step.node.parents) if p is step.parent)
        assert step.local == step.node.local_grads[k]


def test_reused_input_gets_both_contributions():
    explanation = explain_backward(reuse())  # out = (a + a) * a
    to_a = [s for s in explanation.steps if s.parent_name == "a"]
    assert len(to_a) == 3
    assert [s.parent_grad for s in to_a] == [6.0, 9.0, 12.0]  # 6 from *, then 3 + 3 from +


def test_chain_rule_lines_exactly():
    explanation = explain_backward(expression())
    assert explanation.lines() == [
        "start: L.grad = 1  (d(L)/d(L) = 1)",
        "1. d.grad += L.grad * d(L)/d(d) = 1.0000 * -2.0000 = -2.0000",
        "2. f.grad += L.grad * d(L)/d(f) = 1.0000 * 4.0000 = 4.0000",
        "3. e.grad += d.grad * d(d)/d(e) = -2.0000 * 1.0000 = -2.0000",
        "4. c.grad += d.grad * d(d)/d(c) = -2.0000 * 1.0000 = -2.0000",
        "5. a.grad += e.grad * d(e)/d(a) = -2.0000 * -3.0000 = 6.0000",
        "6. b.grad += e.grad * d(e)/d(b) = -2.0000 * 2.0000 = -4.0000",
    ]
    assert str(explanation).startswith("backward pass of L: 6 steps\n")
    assert repr(explanation) == str(explanation)


def test_unnamed_nodes_are_named_by_position():
    a = Value(2.0, label="a")
    out = (a * 3).tanh()
    lines = explain_backward(out).lines()
    assert lines[1] == f"1. n2.grad += n3.grad * d(n3)/d(n2) = 1.0000 * {1 - out.data**2:.4f}" \
        f" = {1 - out.data**2:.4f}"
    assert lines[2].startswith("2. a.grad += n2.grad * d(n2)/d(a)")


def test_html_table():
    html = explain_backward(expression())._repr_html_()
    assert html.count("<table>") == 1 and html.count("<tr>") == 7  # header + 6 steps
    assert "a.grad += e.grad * d(e)/d(a) = -2.0000 * -3.0000 = 6.0000" in html
    ET.fromstring(f"<div>{html}</div>")  # well-formed


def test_user_grads_are_not_touched():
    root = neuron()
    root.backward()
    before = grads_of(root)
    for node in topological_sort(root):
        node.grad = 42.0
    explain_backward(root)
    stepper = BackwardStepper(root)
    stepper.go_to(len(stepper.steps))
    assert grads_of(root) == [42.0] * len(before)


# ---- Tensor graphs ----


def tensor_loss():
    rng = np.random.default_rng(1)
    x = Tensor(rng.normal(size=(5, 3)), label="x", requires_grad=False)
    W = Tensor(rng.normal(size=(3, 2)), label="W")
    b = Tensor(np.zeros(2), label="b")
    h = (x @ W + b).tanh()
    loss = ((h - 1.0) ** 2).mean()
    loss.label = "loss"
    return loss


def test_tensor_steps_match_backward():
    loss = tensor_loss()
    explanation = explain_backward(loss)
    order = topological_sort(loss)
    needed = sum(p.requires_grad for node in order for p in node.parents)
    assert len(explanation.steps) == needed
    simulated = explanation.grads_after(len(explanation.steps))
    assert all(s.local is None for s in explanation.steps)
    loss.backward()
    for node, grad in zip(order, simulated, strict=True):
        if node.grad is None:
            assert grad is None
        else:
            np.testing.assert_allclose(grad, node.grad, rtol=1e-12)
    assert "W.grad += vjp of '@' applied to" in str(explanation)
    assert "<table>" in explanation._repr_html_()


def test_tensor_root_must_be_one_number():
    with pytest.raises(ValueError, match="single number"):
        explain_backward(Tensor([1.0, 2.0]) * 2)


# ---- the stepper app ----


def highlighted_ids(svg):
    """Ids of the boxes drawn with the highlight colour in a built-in SVG."""
    return {g.get("id") for g in ET.fromstring(svg).iter(SVG_NS + "g")
            if next(iter(g)).get("stroke") == HIGHLIGHT}


def test_frames_zero_to_the_end(no_dot):
    stepper = BackwardStepper(expression(), start=0)
    n = len(stepper.steps)
    assert (stepper.slider.min, stepper.slider.max, stepper.play.max) == (0, n, n)
    assert stepper.frame == 0 and "start: L.grad = 1" in stepper.text.value
    assert highlighted_ids(stepper.graph.value) == {"n6"}  # the root
    assert stepper.explanation.grads_after(0) == [0.0] * 6 + [1.0]


def test_slider_moves_frame_text_and_highlight(no_dot):
    stepper = BackwardStepper(expression())
    stepper.slider.value = 5
    assert stepper.frame == 5
    assert stepper.text.value == ("<code>step 5 of 6: a.grad += e.grad * d(e)/d(a)"
                                  " = -2.0000 * -3.0000 = 6.0000</code>")
    order = topological_sort(stepper.root)
    e_pos = next(i for i, node in enumerate(order) if node.label == "e")
    a_pos = next(i for i, node in enumerate(order) if node.label == "a")
    assert highlighted_ids(stepper.graph.value) == {f"n{e_pos}", f"n{a_pos}"}
    assert ">grad 6.0000<" in stepper.graph.value and ">grad -4.0000<" not in stepper.graph.value


def test_buttons_step_and_stop_at_the_ends(no_dot):
    stepper = BackwardStepper(reuse(), start=0)
    stepper.step_button.click()
    assert stepper.frame == 1 and stepper.slider.value == 1
    stepper.step_button.click()
    stepper.back_button.click()
    assert stepper.frame == 1
    stepper.go_to(99)
    assert stepper.frame == len(stepper.steps)
    stepper.step()
    assert stepper.frame == len(stepper.steps)
    stepper.go_to(0)
    stepper.step_back()
    assert stepper.frame == 0 and "start:" in stepper.text.value


def test_opens_on_the_last_frame_so_the_saved_state_is_the_finished_pass(no_dot):
    stepper = BackwardStepper(expression())
    n = len(stepper.steps)
    # what a notebook saves as widget state: the slider, the play, the text, the list
    assert stepper.frame == n and stepper.slider.value == n and stepper.play.value == n
    assert stepper.text.value == ("<code>step 6 of 6: b.grad += e.grad * d(e)/d(b)"
                                  " = -2.0000 * 2.0000 = -4.0000</code>")
    assert ">grad -4.0000<" in stepper.graph.value and ">grad 6.0000<" in stepper.graph.value
    for line in stepper.explanation.lines():  # every step is listed, the last one marked
        assert line in stepper.steps_list.value
    assert "▶ 6. b.grad" in stepper.steps_list.value
    stepper.start_button.click()
    assert stepper.frame == 0 and "step 0 of 6" in stepper.text.value
    assert "▶ start: L.grad = 1" in stepper.steps_list.value


def test_step_list_marks_done_current_and_coming(no_dot):
    stepper = BackwardStepper(expression(), start=2)
    rows = stepper.steps_list.value.split("\n")
    assert len(rows) == 7  # start + 6 steps
    assert "color:#222222" in rows[1] and "1. d.grad" in rows[1]  # done
    assert "font-weight:bold" in rows[2] and "▶ 2. f.grad" in rows[2]  # current
    assert "color:#999999" in rows[3] and "3. e.grad" in rows[3]  # to come


@pytest.mark.parametrize("start", [-1, 7, 2.5, True, "end"])
def test_bad_start_frame(start, no_dot):
    with pytest.raises(ValueError, match="start must be a frame from 0 to 6"):
        BackwardStepper(expression(), start=start)


def text_rows(png, top):
    """The pixel rows below `top` of a picture that hold dark (text) pixels, as runs."""
    grey = np.asarray(Image.open(io.BytesIO(png)).convert("L"))[top:]
    dark = (grey < 128).any(axis=1)
    starts = np.flatnonzero(dark[1:] & ~dark[:-1])
    return len(starts) + int(dark[0])


def test_display_bundle_has_widget_picture_and_text(no_dot):
    stepper = BackwardStepper(neuron(), start=0)
    bundle, metadata = stepper._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "image/svg+xml" not in bundle  # JupyterLab shows no SVG of an untrusted notebook
    png = base64.b64decode(bundle["image/png"])
    # the picture: the final frame, whatever frame the live widget shows ...
    final = drawing_png(stepper.frame_graph(len(stepper.steps)))
    frame = Image.open(io.BytesIO(final))
    picture = Image.open(io.BytesIO(png))
    assert picture.width >= frame.width
    top = np.asarray(picture.convert("L"))[:frame.height, :frame.width] < 128
    assert np.mean(top != (np.asarray(frame.convert("L")) < 128)) < 0.002  # 64 colours
    # ... and under it one line of text per line of the steps (title, start, 9 steps)
    assert text_rows(png, frame.height) == len(str(stepper.explanation).split("\n")) == 11
    assert metadata == {"image/png": {"width": png_width(png)}}
    assert bundle["text/plain"] == str(stepper.explanation)
    stepper.widget.close()  # a closed widget still leaves the picture and the text
    assert set(stepper._repr_mimebundle_()) == {"image/png", "text/plain"}


def test_png_with_lines_puts_the_text_under_the_drawing():
    drawing = Image.new("RGB", (300, 150), "white")
    buffer = io.BytesIO()
    drawing.save(buffer, format="png")
    png = png_with_lines(buffer.getvalue(), ["short", "x" * 60, "a < b & c"])
    picture = Image.open(io.BytesIO(png))
    assert picture.height == 150 + 2 * (10 + 3 * 19 + 10)  # 2 device px per CSS px
    assert picture.width > 2 * 60 * 9  # the long line is wider than the drawing
    assert text_rows(png, 150) == 3


def red_rows(png, top):
    """The pixel rows below `top` of a picture that hold red (marked) pixels."""
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)[top:]
    red = (rgb[..., 0] > 150) & (rgb[..., 1] < 90) & (rgb[..., 2] < 90)
    return np.flatnonzero(red.any(axis=1))


def test_png_with_lines_marks_one_line_in_red():
    drawing = Image.new("RGB", (300, 150), "white")
    buffer = io.BytesIO()
    drawing.save(buffer, format="png")
    png = png_with_lines(buffer.getvalue(), ["start", "step 1", "step 2"], mark=1)
    rows = red_rows(png, 150)
    assert len(rows) > 0 and text_rows(png, 150) == 3
    # only inside the second line: 2 device px per CSS px, 10 px padding, 19 px per line
    assert rows.min() >= 2 * (10 + 19) and rows.max() < 2 * (10 + 2 * 19)
    assert len(red_rows(png_with_lines(buffer.getvalue(), ["start", "step 1"]), 150)) == 0


def test_static_picture_marks_the_last_step_as_current(no_dot):
    stepper = BackwardStepper(neuron())
    png = stepper.static_png()
    top = Image.open(io.BytesIO(drawing_png(stepper.frame_graph(len(stepper.steps))))).height
    rows = red_rows(png, top)
    lines = len(str(stepper.explanation).split("\n"))  # title, start, 9 steps: the last marked
    assert len(rows) > 0 and rows.min() >= 2 * (10 + 19 * (lines - 1))


def test_fit_to_width_keeps_text_at_least_10_px():
    styled = fit_to_width('<svg width="1200pt" height="100pt" viewBox="0 0 1200 100"></svg>')
    assert MIN_TEXT_PX == 10
    # 1200 pt = 1600 px of 11 pt (14.67 px) text: never narrower than 1600 * 10 / 14.67
    assert 'style="width:100%;max-width:1600px;min-width:1091px;height:auto"' in styled
    ET.fromstring(styled)


def test_neuron_frames_fit_a_notebook_top_to_bottom():
    pytest.importorskip("graphviz")
    if shutil.which("dot") is None:
        pytest.skip("needs Graphviz's dot")
    stepper = BackwardStepper(neuron())
    width = float(ET.fromstring(stepper.graph.value).get("width").removesuffix("pt"))
    # 11 pt text stays >= 10 px in a column of 800 px: at most 800 * 14.67 / 10 px wide
    assert width * 96 / 72 <= 800 * 11 * 96 / 72 / 10


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")
def test_stepper_with_dot():
    stepper = BackwardStepper(neuron())
    stepper.go_to(3)
    assert stepper.graph.value.startswith("<svg")
    png = stepper.static_png()
    assert Image.open(io.BytesIO(png)).width // 2 == png_width(png) >= 1000  # 2x, 857 pt


@pytest.mark.parametrize("root", [3.0, None, [1, 2]])
def test_a_root_that_is_not_a_node_is_a_clear_error(root):
    with pytest.raises(TypeError, match="BackwardStepper: root must be the output Value or"
                                        " Tensor of an expression"):
        BackwardStepper(root)
    with pytest.raises(TypeError, match="explain_backward"):
        explain_backward(root)
