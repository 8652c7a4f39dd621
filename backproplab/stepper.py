"""Watch the backward pass one chain-rule step at a time.

    explain_backward(L)        # a table of every step (text, or HTML in Jupyter)
    BackwardStepper(L)         # a slider, Play and Step buttons over the same steps

Backpropagation visits the nodes in reverse topological order. At each node computed
by an op it hands the node's gradient to each parent, times the local derivative:

    parent.grad += node.grad * d(node)/d(parent)

One *step* here is one such line. Both tools replay the steps on a private list of
gradients, one per node of `topological_sort(root)`: the grads stored in your nodes
are never changed. After the last step the list holds exactly what a fresh
`root.backward()` would give (leaf grads starting at 0).

Unnamed nodes are called `n<k>`, k being the node's position in the topological order
(the same names as in `draw_graph`). For Tensor graphs a step applies the op's
vector-Jacobian product instead of multiplying by a number, so `local` is None.

The stepper opens on its last frame (the finished pass). A notebook saved after running
therefore stores that frame in its widget state, and the static picture that viewers
without a kernel show is the same frame with the list of every step under it
(`png_with_lines`); Play replays the pass from the start.

Introduced in lesson 03 (the chain rule, by hand and by machine).
"""

import base64
import html
import io
import re
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from matplotlib import font_manager
from PIL import Image, ImageDraw, ImageFont

from .autodiff import topological_sort
from .graph import HIGHLIGHT, _summary, draw_graph, graph_svg, node_name
from .graph_layout import SVGGraph
from .graph_png import render_png
from .widget_display import SCALE, app_bundle


@dataclass(frozen=True)
class Step:
    """One chain-rule step: `parent.grad += contribution`, with
    contribution = upstream * local = node.grad * d(node)/d(parent)."""

    node: object
    parent: object
    local: object  # d(node)/d(parent): a float (Values) or None (Tensors: a vjp)
    upstream: object  # node.grad, complete when the step runs
    contribution: object
    node_name: str
    parent_name: str
    parent_grad: object  # the parent's gradient after this step

    def line(self):
        """The step as one line of text."""
        p, n = self.parent_name, self.node_name
        if self.local is None:  # a Tensor op
            return (f"{p}.grad += vjp of '{self.node.op}' applied to {n}.grad"
                    f" = {_flat(self.contribution)}")
        return (f"{p}.grad += {n}.grad * d({n})/d({p})"
                f" = {self.upstream:.4f} * {self.local:.4f} = {self.contribution:.4f}")


class BackwardExplanation:
    """The steps of one backward pass; shown as a table in Jupyter, as text elsewhere.

    `steps` is a list of Step; `order` the nodes in topological order;
    `grads_after(k)` the gradients (one per node of `order`) after k steps.
    """

    def __init__(self, root):
        if not hasattr(root, "parents"):
            raise TypeError(f"explain_backward / BackwardStepper: root must be the output Value or"
                            f" Tensor of an expression, e.g. BackwardStepper(y) after"
                            f" y = (x * w + b).tanh(); got {type(root).__name__} {root!r}")
        order = topological_sort(root)
        self.root, self.order = root, order
        self.names = [node_name(node, i) for i, node in enumerate(order)]
        self.tensor = hasattr(root, "vjps")
        position = {id(node): i for i, node in enumerate(order)}
        grads = self._start()
        self._parent_position, self.steps = [], []
        for i in range(len(order) - 1, -1, -1):
            node = order[i]
            locals_ = node.vjps if self.tensor else node.local_grads
            for parent, local in zip(node.parents, locals_, strict=True):
                if self.tensor and not parent.requires_grad:
                    continue  # backward() computes no gradient for it
                j = position[id(parent)]
                upstream = grads[i]
                if self.tensor:
                    contribution, local = local(upstream), None
                    grads[j] = contribution if grads[j] is None else grads[j] + contribution
                else:
                    contribution = upstream * local
                    grads[j] += contribution
                self._parent_position.append(j)
                self.steps.append(Step(node, parent, local, upstream, contribution,
                                       self.names[i], self.names[j], grads[j]))

    def _start(self):
        """The gradients before any step: 0 (Values) or None (Tensors), the root's 1."""
        if not self.tensor:
            return [0.0] * (len(self.order) - 1) + [1.0]
        if self.root.data.size != 1:
            raise ValueError(
                f"explain_backward: the root has shape {self.root.shape}; backward needs a"
                " single number, so reduce it first (.sum() or .mean())"
            )
        return [None] * (len(self.order) - 1) + [np.ones_like(self.root.data)]

    def grads_after(self, k):
        """The gradient of every node (in `order`) after the first k steps."""
        grads = self._start()
        for j, step in zip(self._parent_position[:k], self.steps[:k], strict=True):
            c = step.contribution
            grads[j] = c if grads[j] is None else grads[j] + c
        return grads

    def start_line(self):
        name = self.names[-1]
        return f"start: {name}.grad = 1  (d({name})/d({name}) = 1)"

    def lines(self):
        """The whole pass as text lines: the start, then one numbered line per step."""
        width = len(str(len(self.steps)))
        return [self.start_line()] + [f"{k:>{width}}. {step.line()}"
                                      for k, step in enumerate(self.steps, start=1)]

    def __len__(self):
        return len(self.steps)

    def __iter__(self):
        return iter(self.steps)

    def __getitem__(self, k):
        return self.steps[k]

    def __str__(self):
        head = f"backward pass of {self.names[-1]}: {len(self.steps)} steps"
        return "\n".join([head] + self.lines())

    __repr__ = __str__

    def _repr_html_(self):
        rows = []
        for k, s in enumerate(self.steps, start=1):
            now = _flat(s.parent_grad) if self.tensor else f"{s.parent_grad:.4f}"
            cells = [str(k), s.node_name, s.node.op, s.parent_name]
            rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells)
                        + f'<td style="text-align:left"><code style="white-space:pre">'
                        f"{html.escape(s.line())}</code></td><td>{html.escape(now)}</td></tr>")
        head = ["step", "node", "op", "parent", "chain rule", "parent.grad now"]
        return (f"<p>Backward pass of <b>{html.escape(self.names[-1])}</b>, "
                f"{html.escape(self.start_line())}</p>"
                "<table><thead><tr>" + "".join(f"<th>{h}</th>" for h in head)
                + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def explain_backward(root):
    """The backward pass of `root` as a list of chain-rule steps (see BackwardExplanation)."""
    return BackwardExplanation(root)


def _flat(a):
    """A gradient as one short line of text."""
    return " ".join(line.strip() for line in _summary(np.asarray(a)).split("\n"))


class BackwardStepper:
    """An app to step through the backward pass of `root` and watch the grads fill in.

    Frame 0 shows the start (only the root's grad, 1, is known); frame k shows the
    graph after k steps, with the step's node and parent marked in red and its
    chain-rule line above, and the list of all steps below (done, *current*, to come).
    It opens on the last frame, the finished pass (`start=0` opens on the first). Use
    the slider, Play (from the last frame it starts again at 0), |◀ Start, or the Back /
    Step buttons; in code, `go_to(k)`, `step()`, `step_back()`, and read `frame`,
    `steps`, `text.value`, `steps_list.value`.

    rankdir "TB" (top to bottom) keeps a graph with several inputs narrow enough to be
    read at notebook width; "LR" suits long chains.

    In a live notebook the widget appears; a static copy of the notebook (or a test
    run without a browser) shows a picture of the last frame with every step under it,
    and the steps as text.
    """

    def __init__(self, root, rankdir="TB", max_nodes=150, interval=1500, start=None):
        self.explanation = explain_backward(root)
        self.steps = self.explanation.steps
        self.root, self.rankdir, self.max_nodes = root, rankdir, max_nodes
        last = len(self.steps)
        if start is None:
            start = last
        if isinstance(start, bool) or not isinstance(start, (int, np.integer)) \
                or not 0 <= start <= last:
            raise ValueError(f"BackwardStepper: start must be a frame from 0 to {last} (the"
                             f" pass has {last} steps), or None for the last; got {start!r}")
        self.frame = int(start)
        self._svgs, self._png = {}, None
        self.slider = widgets.IntSlider(value=self.frame, min=0, max=last, description="step")
        self.play = widgets.Play(value=self.frame, min=0, max=last, interval=interval)
        widgets.jslink((self.play, "value"), (self.slider, "value"))
        self.start_button = widgets.Button(description="|◀ Start", layout={"width": "90px"})
        self.back_button = widgets.Button(description="◀ Back", layout={"width": "90px"})
        self.step_button = widgets.Button(description="Step ▶", layout={"width": "90px"})
        self.text = widgets.HTML()
        # the current frame as SVG; a graph wider than the notebook scrolls sideways
        self.graph = widgets.HTML(layout={"width": "100%", "overflow": "auto"})
        self.steps_list = widgets.HTML()
        controls = widgets.HBox([self.play, self.start_button, self.back_button,
                                 self.step_button, self.slider],
                                layout={"flex_flow": "row wrap"})
        self.widget = widgets.VBox([controls, self.text, self.graph, self.steps_list],
                                   layout={"width": "100%"})
        self.slider.observe(lambda change: self._show(change["new"]), names="value")
        self.start_button.on_click(lambda _: self.go_to(0))
        self.back_button.on_click(lambda _: self.step_back())
        self.step_button.on_click(lambda _: self.step())
        self._show(self.frame)

    # ---- moving ----

    def go_to(self, k):
        """Show frame k (0 = the start, len(steps) = the end)."""
        k = max(0, min(int(k), len(self.steps)))
        if self.slider.value == k:
            self._show(k)
        else:
            self.slider.value = k  # the slider's observer calls _show

    def step(self):
        self.go_to(self.frame + 1)

    def step_back(self):
        self.go_to(self.frame - 1)

    def _show(self, k):
        self.frame = k
        self.text.value = f"<code>{html.escape(self.frame_text(k))}</code>"
        self.graph.value = self._svg(k, titled=False)
        self.steps_list.value = self.steps_html(k)

    # ---- what a frame shows ----

    def frame_text(self, k):
        """The text line of frame k."""
        if k == 0:
            return f"step 0 of {len(self.steps)}: {self.explanation.start_line()}"
        return f"step {k} of {len(self.steps)}: {self.steps[k - 1].line()}"

    def steps_html(self, k):
        """Every step as a line: those done in black, step k in bold red, the rest grey."""
        rows = []
        for i, line in enumerate(self.explanation.lines()):
            if i == k:
                style = f"color:{HIGHLIGHT};font-weight:bold"
            else:
                style = "color:#222222" if i < k else "color:#999999"
            mark = "▶ " if i == k else "  "
            rows.append(f'<span style="{style}">{mark}{html.escape(line)}</span>')
        return ('<div style="font-family:monospace;white-space:pre;font-size:12px;'
                'line-height:1.35">' + "\n".join(rows) + "</div>")

    def frame_highlight(self, k):
        """The nodes marked in frame k: the root, then each step's node and parent."""
        if k == 0:
            return [self.root]
        return [self.steps[k - 1].node, self.steps[k - 1].parent]

    def frame_graph(self, k, titled=True):
        """The drawing of frame k (a graphviz.Digraph or an SVGGraph, as draw_graph)."""
        return draw_graph(self.root, rankdir=self.rankdir, max_nodes=self.max_nodes,
                          highlight=self.frame_highlight(k),
                          title=self.frame_text(k) if titled else None,
                          grads=self.explanation.grads_after(k))

    def _svg(self, k, titled):
        if (k, titled) not in self._svgs:
            svg = graph_svg(self.frame_graph(k, titled))
            svg = svg[svg.find("<svg"):]  # no XML prologue in HTML
            self._svgs[(k, titled)] = svg if titled else fit_to_width(svg)
        return self._svgs[(k, titled)]

    def static_png(self):
        """The picture for viewers without a kernel: the last frame, every step under it,
        the current one (the last) marked with ▶ in red, as in the live list."""
        if self._png is None:
            last = len(self.steps)
            head, *lines = str(self.explanation).split("\n")  # lines: start, steps 1..last
            marked = [("▶ " if i == last else "  ") + line for i, line in enumerate(lines)]
            self._png = png_with_lines(drawing_png(self.frame_graph(last, titled=True)),
                                       [head] + marked, mark=1 + last)
        return self._png

    # ---- display ----

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The widget for a live notebook, plus a picture and text for static viewers
        (GitHub, nbconvert, nbval), which cannot run widgets."""
        text = str(self.explanation)
        if self.widget._repr_mimebundle_ is None:  # a closed widget: picture and text
            return {"image/png": base64.b64encode(self.static_png()).decode("ascii"),
                    "text/plain": text}
        return app_bundle(self.widget, text, png=self.static_png())

    def __repr__(self):
        return f"<BackwardStepper: {len(self.steps)} steps, frame {self.frame}>"


_PX_PER = {"": 1.0, "px": 1.0, "pt": 96 / 72}
_LINE_PX, _CHAR_PX, _PAD = 19, 9.1, 10  # monospace at 15 px: line height, char width
_FONT_PX = 11 * 96 / 72  # the drawings' text: 11 pt
MIN_TEXT_PX = 10  # a drawing is never shrunk so far that its text is smaller


def _size_px(svg, attribute):
    """The width or height of an <svg> element's root tag, in CSS pixels."""
    tag = svg[svg.find("<svg"):svg.find(">", svg.find("<svg"))]
    found = re.search(rf'\b{attribute}="([0-9.]+)(px|pt|)"', tag)
    if found is None:
        raise ValueError(f"fit_to_width: the SVG has no {attribute} in px or pt: {tag[:120]!r}")
    return float(found.group(1)) * _PX_PER[found.group(2)]


def fit_to_width(svg):
    """`svg` (a drawing, for an HTML widget) shrunk to the notebook's width, but never so
    far that its 11 pt text drops below MIN_TEXT_PX: a wider drawing scrolls instead."""
    width = _size_px(svg, "width")
    narrowest = width * MIN_TEXT_PX / _FONT_PX
    style = (f' style="width:100%;max-width:{width:.0f}px;min-width:{min(width, narrowest):.0f}px;'
             'height:auto"')
    head_end = svg.find(">")
    return svg[:head_end] + style + svg[head_end:]


def drawing_png(graph):
    """The PNG bytes of a drawing from draw_graph, at SCALE device pixels per CSS pixel
    (shown at the size of its SVG: `widget_display.png_width`)."""
    if isinstance(graph, SVGGraph):  # the built-in layout: one SVG pixel per 100 dpi
        buffer = io.BytesIO()
        render_png(graph.drawing, buffer, dpi=100 * SCALE)
        return buffer.getvalue()
    graph = graph.copy()
    graph.graph_attr["dpi"] = str(96 * SCALE)  # dot's points to CSS pixels, times SCALE
    return graph.pipe(format="png")


def png_with_lines(png, lines, mark=None):
    """One PNG picture: `png` (a drawing) on top, `lines` of monospace text below it;
    the line at index `mark` (if given) in bold red, the current step of a stepper.

    The picture a viewer without a kernel shows for an app (BackwardStepper, and the
    NudgeExplorer of lessons 02-03): the drawing and the numbers in one image, so that
    every renderer that shows images shows both. A PNG, not an SVG: JupyterLab shows
    no SVG from a notebook it does not trust (one opened before running it), but it
    does show a PNG. The text is 15 CSS px (SCALE device pixels per CSS pixel).
    """
    drawing = Image.open(io.BytesIO(png)).convert("RGB")
    font = ImageFont.truetype(font_manager.findfont("DejaVu Sans Mono"), 15 * SCALE)
    pad, line_h = _PAD * SCALE, _LINE_PX * SCALE
    measure = ImageDraw.Draw(drawing)
    text_w = max((measure.textlength(line, font=font) for line in lines), default=0)
    width = max(drawing.width, int(text_w) + 2 * pad)
    height = drawing.height + pad + line_h * len(lines) + pad
    canvas = Image.new("RGB", (width, height), "white")
    canvas.paste(drawing, (0, 0))
    draw = ImageDraw.Draw(canvas)
    for i, line in enumerate(lines):
        colour = HIGHLIGHT if i == mark else "#222222"
        draw.text((pad, drawing.height + pad + line_h * i), line, font=font, fill=colour,
                  stroke_width=1 if i == mark else 0, stroke_fill=colour)
    buffer = io.BytesIO()  # 64 colours: a quarter of the bytes, no visible change
    canvas.quantize(colors=64).save(buffer, format="png", optimize=True)
    return buffer.getvalue()
