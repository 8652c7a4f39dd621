"""Nudge one input of a computation and watch every node, and the output, move.

    NudgeExplorer(f, {"a": 3.0, "b": -2.0, "c": 4.0}, leaf="a")

`f` builds the graph from Values given by keyword (`f(a=Value(3.0), ...)`) and returns
its output. The app builds it twice: once at the given numbers, once with one input
moved by h. It shows the drawing of the nudged graph (the nodes that moved in red),
below it the derivative as sensitivity, then a table of every node before and after:

    (y(leaf + h) - y(leaf)) / h   next to   leaf.grad = dy/d(leaf)

The first is what the nudge did, the second what backpropagation predicts for a tiny
nudge: they agree better and better as h shrinks (lesson 01's secant and tangent).

Introduced in lesson 02 (a gradient predicts the effect of a nudge) and used again in
lesson 03 (the neuron).
"""

import base64
import html

import ipywidgets as widgets

from .autodiff import topological_sort
from .graph import draw_graph, graph_svg, node_name
from .stepper import drawing_png, fit_to_width, png_with_lines
from .value import Value
from .widget_display import app_bundle

STEPS = (-1.0, -0.1, -0.01, -0.001, 0.001, 0.01, 0.1, 0.5, 1.0)  # the h slider's choices


class NudgeExplorer:
    """An app: pick an input (`leaf.value`) and a nudge (`h.value`); every node's data
    before and after is shown, and (y(h) - y) / h beside the input's gradient.

    f: a function of Values by keyword that returns the output Value (the same code
        with other numbers must build a graph of the same shape).
    values: {name: number} for each input of f; each input is labelled with its name.
    In code: `nudge(name, h)`, and read `rows` (one per node: name, before, after),
    `slope` ((y(h) - y) / h), `grad` (the input's .grad), `text.value`, `table.value`.
    """

    def __init__(self, f, values, leaf=None, h=0.01, rankdir="TB", steps=STEPS):
        if not values:
            raise ValueError("NudgeExplorer: give the inputs as {name: number}, e.g."
                             " {'a': 3.0, 'b': -2.0}")
        self.f, self.values, self.rankdir = f, dict(values), rankdir
        self.base = self._build(self.values)
        self.base.backward()
        self.order = topological_sort(self.base)
        self.names = [node_name(node, i) for i, node in enumerate(self.order)]
        self.leaves = {node.label: node for node in self.order if node.label in self.values}
        leaf = next(iter(self.values)) if leaf is None else leaf
        steps = tuple(float(s) for s in steps)
        if 0.0 in steps or float(h) not in steps:
            raise ValueError(f"NudgeExplorer: h must be one of the non-zero steps {steps},"
                             f" got {h!r}")
        self.leaf = widgets.Dropdown(options=list(self.values), value=self._known(leaf),
                                     description="nudge")
        self.h = widgets.SelectionSlider(options=steps, value=float(h), description="by h",
                                         continuous_update=False)
        self.text = widgets.HTML()
        self.graph = widgets.HTML(layout={"width": "100%", "overflow": "auto"})
        self.table = widgets.HTML()
        controls = widgets.HBox([self.leaf, self.h], layout={"flex_flow": "row wrap"})
        # the headline sits below the drawing, as in the static picture (static_png)
        self.widget = widgets.VBox([controls, self.graph, self.text, self.table],
                                   layout={"width": "100%"})
        self.leaf.observe(lambda _: self._show(), names="value")
        self.h.observe(lambda _: self._show(), names="value")
        self._drawings, self._svgs, self._pngs = {}, {}, {}
        self._show()

    def _known(self, name):
        if name not in self.values:
            raise ValueError(f"NudgeExplorer: no input called {name!r}; the inputs are"
                             f" {', '.join(self.values)}")
        return name

    def _build(self, numbers):
        """Run f on Values labelled with their names."""
        root = self.f(**{name: Value(float(x), label=name) for name, x in numbers.items()})
        if not isinstance(root, Value):
            raise TypeError(f"NudgeExplorer: f must return the output Value, got"
                            f" {type(root).__name__}")
        return root

    # ---- the nudge ----

    def nudge(self, name, h):
        """Move input `name` by h (one of the slider's steps) and show what changed."""
        self.leaf.value = self._known(name)
        self.h.value = float(h)  # each change redraws

    def _show(self):
        name, h = self.leaf.value, self.h.value
        moved = dict(self.values, **{name: self.values[name] + h})
        nudged_root = self._build(moved)
        nudged = topological_sort(nudged_root)
        if [n.op for n in nudged] != [n.op for n in self.order]:
            raise ValueError("NudgeExplorer: the graph changed shape when"
                             f" {name} moved by {h:g}; f must do the same ops for any numbers")
        self.rows = [(label, before.data, after.data)
                     for label, before, after in zip(self.names, self.order, nudged, strict=True)]
        self.changed = [after for (_, b, a), after in zip(self.rows, nudged, strict=True)
                        if a != b]
        y_name, y0, y1 = self.rows[-1]
        self.slope, self.grad = (y1 - y0) / h, self.leaves[name].grad
        self.text.value = "<br>".join(html.escape(line) for line in self.summary_lines())
        self.table.value = self._table_html()
        key = (name, h)
        if key not in self._svgs:
            drawing = draw_graph(nudged_root, show_grad=False, rankdir=self.rankdir,
                                 highlight=self.changed,
                                 title=f"{name} nudged by h = {h:g}: the red boxes moved")
            svg = graph_svg(drawing)
            self._drawings[key], self._svgs[key] = drawing, svg[svg.find("<svg"):]
        self.graph.value = fit_to_width(self._svgs[key])

    # ---- what is shown ----

    def summary_lines(self):
        """The headline: the nudge, the output's change, and the slope beside the grad."""
        name, h = self.leaf.value, self.h.value
        y_name, y0, y1 = self.rows[-1]
        x0 = self.values[name]
        return [
            f"{name}: {x0:.4f} → {x0 + h:.4f} (h = {h:g});"
            f" {y_name}: {y0:.4f} → {y1:.4f}, a change of {y1 - y0:+.4g}",
            f"({y_name}(h) - {y_name}) / h = {self.slope:.4f}   vs   {name}.grad ="
            f" d{y_name}/d{name} = {self.grad:.4f}"
            f"   (prediction {name}.grad * h = {self.grad * h:+.4g})",
        ]

    def table_lines(self):
        """Every node, in topological order: its data before and after the nudge."""
        width = max(4, *(len(label) for label, _, _ in self.rows))
        lines = [f"{'node':<{width}}  {'before':>9}  {'after':>9}  {'change':>9}"]
        for label, before, after in self.rows:
            change = f"{after - before:+9.4g}" if after != before else f"{'-':>9}"
            lines.append(f"{label:<{width}}  {before:9.4f}  {after:9.4f}  {change}")
        return lines

    def _table_html(self):
        head, *rows = self.table_lines()
        body = []
        for line, (_, before, after) in zip(rows, self.rows, strict=True):
            colour = "#d7191c" if after != before else "#777777"
            body.append(f'<span style="color:{colour}">{html.escape(line)}</span>')
        return ('<div style="font-family:monospace;white-space:pre;font-size:12px;'
                f'line-height:1.35"><b>{html.escape(head)}</b>\n' + "\n".join(body) + "</div>")

    def static_png(self):
        """The picture for viewers without a kernel: the drawing, the headline, the table."""
        key = (self.leaf.value, self.h.value)
        if key not in self._pngs:
            self._pngs[key] = png_with_lines(drawing_png(self._drawings[key]),
                                             self.summary_lines() + [""] + self.table_lines())
        return self._pngs[key]

    def _repr_mimebundle_(self, include=None, exclude=None):
        text = "\n".join(self.summary_lines() + self.table_lines())
        if self.widget._repr_mimebundle_ is None:  # a closed widget: picture and text
            return {"image/png": base64.b64encode(self.static_png()).decode("ascii"),
                    "text/plain": text}
        return app_bundle(self.widget, text, png=self.static_png())

    def __repr__(self):
        return f"<NudgeExplorer: {self.leaf.value} nudged by {self.h.value:g}>"
