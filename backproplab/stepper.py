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

Introduced in lesson 03 (the chain rule, by hand and by machine).
"""

import html
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from .autodiff import topological_sort
from .graph import _summary, draw_graph, graph_svg, node_name


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
    chain-rule line above. Use the slider, Play, or the Back / Step buttons; in code,
    `go_to(k)`, `step()`, `step_back()`, and read `frame`, `steps`, `text.value`.

    In a live notebook the widget appears; a static copy of the notebook (or a test
    run without a browser) shows a picture of the last frame and the steps as text.
    """

    def __init__(self, root, rankdir="LR", max_nodes=150, interval=1500):
        self.explanation = explain_backward(root)
        self.steps = self.explanation.steps
        self.root, self.rankdir, self.max_nodes = root, rankdir, max_nodes
        self.frame = 0
        self._svgs = {}
        last = len(self.steps)
        self.slider = widgets.IntSlider(value=0, min=0, max=last, description="step")
        self.play = widgets.Play(value=0, min=0, max=last, interval=interval)
        widgets.jslink((self.play, "value"), (self.slider, "value"))
        self.back_button = widgets.Button(description="◀ Back", layout={"width": "90px"})
        self.step_button = widgets.Button(description="Step ▶", layout={"width": "90px"})
        self.text = widgets.HTML()
        # the current frame as SVG; a wide graph scrolls sideways
        self.graph = widgets.HTML(layout={"width": "100%", "overflow": "auto"})
        controls = widgets.HBox([self.play, self.back_button, self.step_button, self.slider])
        self.widget = widgets.VBox([controls, self.text, self.graph], layout={"width": "100%"})
        self.slider.observe(lambda change: self._show(change["new"]), names="value")
        self.back_button.on_click(lambda _: self.step_back())
        self.step_button.on_click(lambda _: self.step())
        self._show(0)

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

    # ---- what a frame shows ----

    def frame_text(self, k):
        """The text line of frame k."""
        if k == 0:
            return f"step 0 of {len(self.steps)}: {self.explanation.start_line()}"
        return f"step {k} of {len(self.steps)}: {self.steps[k - 1].line()}"

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
            self._svgs[(k, titled)] = svg[svg.find("<svg"):]  # no XML prologue in HTML
        return self._svgs[(k, titled)]

    # ---- display ----

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The widget for a live notebook, plus a picture and text for static viewers
        (GitHub, nbconvert, nbval), which cannot run widgets."""
        widget_view = self.widget._repr_mimebundle_  # None once the widget is closed
        bundle = (widget_view() if widget_view else None) or {}
        bundle["image/svg+xml"] = self._svg(len(self.steps), titled=True)
        bundle["text/plain"] = str(self.explanation)
        return bundle

    def __repr__(self):
        return f"<BackwardStepper: {len(self.steps)} steps, frame {self.frame}>"
