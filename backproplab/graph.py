"""Draw a computation graph: every node with its data and gradient.

    draw_graph(loss)                      # Value or Tensor graph, after loss.backward()
    draw_graph(loss, highlight=w)         # mark a node with a thick red border
    save_graph(draw_graph(loss), "loss.svg")

What the drawing shows. Each Value or Tensor is a box, and each operation is a small
oval of its own between its inputs and its result (as in micrograd's drawings):

    a ──┐
        (*) ──> a*b ──> (+) ──> ...
    b ──┘

Unnamed nodes are called `n<k>`, where k is the node's position in
`topological_sort(root)`; `explain_backward` and `BackwardStepper` use the same names.
The colours (`PALETTE`) tell the kinds of node apart:

    green   the root (the output you call backward() on)
    blue    a leaf that gets a gradient: a Value you named (label="w"), or a Tensor
            with requires_grad=True (inputs you differentiate, parameters)
    grey    a constant: an unnamed leaf Value (the 2 in `2 * a` becomes one) or a
            Tensor with requires_grad=False (data, targets)
    white   an intermediate result
    amber   an operation

With Graphviz's `dot` program installed (and working: it must draw a tiny test
graph), draw_graph returns a `graphviz.Digraph` (graph_dot.py). Without it, or when it is broken, it
returns an `SVGGraph` (see graph_layout.py) that draws the same boxes with a simpler
layout, and prints once how to install Graphviz. Both display in Jupyter and both can be
saved with `save_graph`. A drawing of more than SLOW_NODES boxes and ovals warns first:
it takes seconds to minutes and is hard to read (max_nodes summarises it).

Introduced in lesson 02 (computational graphs).
"""

import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import graphviz
import numpy as np

from .autodiff import topological_sort
from .graph_dot import BORDER, to_digraph
from .graph_layout import Drawing, DrawNode, SVGGraph

PALETTE = {
    "root": "#a8e6b4",      # green
    "leaf": "#a9d3f5",      # blue
    "constant": "#e3e3e3",  # grey
    "inner": "#ffffff",     # white
    "op": "#ffd98e",        # amber
    "note": "#fff6d5",      # pale yellow: a summary of nodes left out
}
HIGHLIGHT = "#d7191c"  # border colour of highlighted nodes (drawn 3 px wide)
MIN_CHAIN = 3  # a chain is collapsed when at least this many nodes would be hidden
SUMMARY_DEPTH = 10  # a summary draws at most this many steps back from the root
SLOW_NODES = 1000  # a drawing with more boxes and ovals than this warns before it starts

INSTALL_HINT = (
    "backproplab: Graphviz's `dot` program is not installed, so graphs use a simpler"
    " built-in layout. To get the full drawings: apt-get install graphviz | brew install"
    " graphviz | conda install -c conda-forge graphviz"
)
BROKEN_HINT = (
    "backproplab: Graphviz's `dot` program ({path}) is installed but fails ({error}), so"
    " graphs use a simpler built-in layout. Reinstall graphviz (apt-get install --reinstall"
    " graphviz | brew reinstall graphviz | conda install -c conda-forge graphviz) to get"
    " the full drawings"
)
_hint_printed = False
_dot_checked = {}  # path of dot -> "" when it works, else why it fails


def draw_graph(root, show_data=True, show_grad=True, rankdir="LR", max_nodes=150,
               highlight=(), title=None, *, legend=False, grads=None):
    """Draw the graph that computed `root` (a Value or a Tensor).

    show_data, show_grad: print each node's data and gradient.
    rankdir: "LR" (inputs on the left, the root on the right) or "TB" (top to bottom).
    max_nodes: most boxes and ovals drawn. A bigger graph is summarised, and the
        title says how: long chains of ops become one dashed box each, then only the
        nodes nearest the root are kept (at most SUMMARY_DEPTH = 10 steps back), one
        note "... N earlier nodes not drawn" standing for the rest. None: draw all.
    highlight: a node, or several, to mark with a thick red border.
    title: text above the drawing.
    legend: add a row of coloured boxes naming the kinds of node.
    grads: gradients to show instead of the nodes' own `.grad`, one per node in
        `topological_sort(root)` order (None for "not computed"); BackwardStepper
        uses it to show a backward pass half done.

    Returns a graphviz.Digraph when the `dot` program is installed, else an SVGGraph.
    """
    drawing = build_drawing(root, show_data, show_grad, rankdir, max_nodes, highlight,
                            title, legend, grads)
    path = shutil.which("dot")
    problem = _dot_problem(path) if path else "missing"
    _warn_if_slow(drawing, max_nodes, dot=not problem)
    if not problem:
        return to_digraph(drawing)
    _print_install_hint(INSTALL_HINT if problem == "missing"
                        else BROKEN_HINT.format(path=path, error=problem))
    return SVGGraph(drawing)


def _dot_problem(path):
    """Why the `dot` program at `path` cannot draw ("" if it can), checked once per path.

    Some installs (e.g. a conda build without its plugins) have a `dot` that exists
    but fails; it is asked to draw a tiny graph as SVG, as Jupyter will ask later.
    """
    if path not in _dot_checked:
        try:
            graphviz.Digraph(body=["\ta -> b\n"]).pipe(format="svg", quiet=True)
            _dot_checked[path] = ""
        except (graphviz.ExecutableNotFound, subprocess.CalledProcessError, OSError) as err:
            reason = str(err).strip().splitlines()
            _dot_checked[path] = reason[0] if reason else type(err).__name__
    return _dot_checked[path]


def _warn_if_slow(drawing, max_nodes, dot):
    """Warn before drawing more than SLOW_NODES boxes and ovals: say how many, and how to
    draw fewer."""
    drawn = len(drawing.nodes)
    if drawn <= SLOW_NODES:
        return
    how = "Graphviz's dot can take minutes" if dot else "the built-in layout takes seconds"
    warnings.warn(
        f"draw_graph: drawing {drawn} boxes and ovals (max_nodes={max_nodes}); at this size"
        f" {how} and the picture is hard to read. Pass max_nodes=150 (the default) to"
        " summarise the graph, or draw a smaller part of it",
        stacklevel=3,
    )


def _print_install_hint(hint=INSTALL_HINT):
    global _hint_printed
    if not _hint_printed:
        _hint_printed = True
        print(hint, file=sys.stderr)


def build_drawing(root, show_data=True, show_grad=True, rankdir="LR", max_nodes=150,
                  highlight=(), title=None, legend=False, grads=None):
    """The `Drawing` (plain data) that draw_graph renders; arguments as there."""
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"draw_graph: rankdir must be 'LR' or 'TB', got {rankdir!r}")
    if not hasattr(root, "parents"):
        raise TypeError(f"draw_graph: needs a Value or a Tensor, got {type(root).__name__}")
    if max_nodes is not None and (isinstance(max_nodes, bool) or
                                  not isinstance(max_nodes, (int, np.integer)) or max_nodes < 3):
        raise ValueError(f"draw_graph: max_nodes must be a whole number of at least 3 (boxes and"
                         f" ovals to draw), or None to draw every node; got {max_nodes!r}")
    order = topological_sort(root)
    position = {id(node): i for i, node in enumerate(order)}
    if grads is not None and len(grads) != len(order):
        raise ValueError(
            f"draw_graph: grads has {len(grads)} entries but the graph has {len(order)}"
            " nodes; pass one per node of topological_sort(root)"
        )
    marked = _positions_of(highlight, position)
    where = _plan(order, position, max_nodes)
    nodes, edges, chains = [], [], {}
    dropped = where.count("more")
    if dropped:
        nodes.append(_node("more", "note", "note", [f"… {dropped} earlier nodes not drawn"]))
    for i, node in enumerate(order):
        if where[i].startswith("chain"):
            chains.setdefault(where[i], []).append(i)
        if where[i] != f"n{i}":
            continue
        grad = node.grad if grads is None else grads[i]
        cells = _cells(node, node_name(node, i), grad, show_data, show_grad)
        nodes.append(_node(f"n{i}", _role(node, root), "record", cells,
                           across=not _is_tensor(node), highlighted=i in marked))
        if node.parents:
            op_id = f"n{i}op"
            nodes.append(_node(op_id, "op", "ellipse", [node.op]))
            sources = [where[position[id(p)]] for p in node.parents]
            boxes = [src for src in sources if src.startswith("n")]  # a reused one twice
            summaries = dict.fromkeys(src for src in sources if not src.startswith("n"))
            edges += [(src, op_id) for src in boxes + list(summaries)]
            edges.append((op_id, f"n{i}"))
    for chain_id, members in chains.items():
        nodes.append(_node(chain_id, "note", "note", _chain_cells(order, members)))
        inside = set(members)
        sources = [where[position[id(p)]] for i in members for p in order[i].parents
                   if position[id(p)] not in inside]
        edges.extend((src, chain_id) for src in dict.fromkeys(sources))
    lines = [title] if title else []
    if chains:
        hidden = sum(len(m) for m in chains.values())
        lines.append(f"summarised: {hidden} nodes of long chains are collapsed into"
                     f" {len(chains)} dashed box{'es' if len(chains) > 1 else ''}")
    if dropped:
        lines.append(f"summarised: {dropped} of {len(order)} nodes, the farthest from the"
                     " output, are not drawn")
    if chains or dropped:
        lines[-1] += " (raise max_nodes to see more)"
    names = [("output (root)", "root"), ("leaf with grad", "leaf"), ("constant", "constant"),
             ("intermediate", "inner"), ("operation", "op")]
    keys = [(text, PALETTE[role]) for text, role in names] if legend else []
    return Drawing(nodes, edges, rankdir, "\n".join(lines), keys)


def _node(node_id, role, shape, cells, across=True, highlighted=False):
    """A DrawNode in the colours of its role (and red-rimmed when highlighted)."""
    return DrawNode(node_id, role, shape, cells, PALETTE[role], HIGHLIGHT if highlighted
                    else BORDER, 3.0 if highlighted else 1.0, across)


def _chain_cells(order, members):
    """Text of a collapsed chain: how many nodes, and which ops."""
    ops = {}
    for i in members:
        if order[i].parents:
            ops[order[i].op] = ops.get(order[i].op, 0) + 1
    constants = len(members) - sum(ops.values())
    counts = sorted(ops.items(), key=lambda item: (-item[1], item[0]))
    lines = [f"… a chain of {sum(ops.values())} ops:",
             ", ".join(f"{count} × {op}" for op, count in counts)]
    if constants:
        lines.append(f"(and {constants} constants)")
    return ["\n".join(lines)]


def node_name(node, position):
    """The node's label, or `n<position>` for an unnamed node."""
    return node.label or f"n{position}"


def _is_tensor(node):
    return hasattr(node, "vjps")


def _role(node, root):
    """Which PALETTE colour the node gets (the rule is in the module docstring)."""
    if node is root:
        return "root"
    if node.parents:
        return "inner"
    if _is_tensor(node):
        return "leaf" if node.requires_grad else "constant"
    return "leaf" if node.label else "constant"


def _positions_of(highlight, position):
    """The topological positions of the highlighted node(s)."""
    if highlight is None:
        return set()
    if hasattr(highlight, "parents"):  # a single node (a Tensor is iterable, so ask first)
        highlight = [highlight]
    marked = set()
    for node in highlight:
        if id(node) not in position:
            raise ValueError(
                f"draw_graph: highlight got {node!r}, which is not part of this graph;"
                " pass nodes that the root was computed from"
            )
        marked.add(position[id(node)])
    return marked


def _plan(order, position, max_nodes):
    """What stands for each node in the drawing, by position: "n<i>" (its own box),
    "chain<k>" (a dashed box for a collapsed chain) or "more" (not drawn).

    A graph of more than `max_nodes` boxes and ovals is summarised in two steps:
    1. chains: runs of ops that each use only the previous result (and constants),
       such as x.tanh().tanh()... , keep their first and last node; the nodes in
       between become one dashed box listing their ops;
    2. if that is still too much, only the boxes nearest the root are drawn (at most
       SUMMARY_DEPTH steps back, by longest path); one note stands for the rest.
       Every drawn node still leads to the root.
    """
    n = len(order)
    where = [f"n{i}" for i in range(n)]
    if max_nodes is None or _cost(order, where) <= max_nodes:
        return where
    parents = [[position[id(p)] for p in node.parents] for node in order]
    children = [[] for _ in range(n)]
    for i, ps in enumerate(parents):
        for j in ps:
            children[j].append(i)
    constant = [_role(node, None) == "constant" for node in order]
    following = {}  # j -> i when op i continues a chain from op j
    for i in range(n):
        main = {j for j in parents[i] if not constant[j]}
        if len(main) == 1:
            j = main.pop()
            if parents[j] and set(children[j]) == {i}:
                following[j] = i
    for first in sorted(set(following) - set(following.values())):
        chain = [first]
        while chain[-1] in following:
            chain.append(following[chain[-1]])
        inner = chain[1:-1]
        if len(inner) >= MIN_CHAIN:
            name = f"chain{inner[-1]}"
            for i in inner:
                where[i] = name
            for j in {j for i in inner for j in parents[i] if constant[j]}:
                if set(children[j]) <= set(inner):
                    where[j] = name
    if _cost(order, where) <= max_nodes:
        return where
    depth = [0] * n  # longest path from the node to the root
    for i in range(n - 1, -1, -1):
        for j in parents[i]:
            depth[j] = max(depth[j], depth[i] + 1)
    kept, used = set(), 1  # one for the note
    for i in sorted(range(n), key=lambda i: (depth[i], -i)):
        unit = where[i]
        if unit in kept:
            continue
        if depth[i] > SUMMARY_DEPTH:
            break
        cost = 2 if unit == f"n{i}" and parents[i] else 1  # a box, plus its oval
        if used + cost > max_nodes:
            break
        kept.add(unit)
        used += cost
    return [unit if unit in kept else "more" for unit in where]


def _cost(order, where):
    """Boxes and ovals drawn: an op's box and oval, a leaf's box, one per chain."""
    own = sum(2 if order[i].parents else 1 for i, unit in enumerate(where) if unit == f"n{i}")
    return own + len({unit for unit in where if unit.startswith("chain")})


# ---- the text in each box ----


def _cells(node, name, grad, show_data, show_grad):
    if not _is_tensor(node):
        cells = [name]
        if show_data:
            cells.append(f"data {node.data:.4f}")
        if show_grad:
            cells.append("grad —" if grad is None else f"grad {grad:.4f}")
        return cells
    shape = "scalar" if node.data.ndim == 0 else "shape " + str(node.data.shape)
    cells = [f"{name}  {shape}"]
    if node.op and not node.parents:  # an op on constants only: no oval is drawn
        cells[0] += f"  ({node.op})"
    if show_data:
        cells.append("data " + _summary(node.data))
    if show_grad:
        cells.append("grad " + ("—" if grad is None else _summary(np.asarray(grad))))
    return cells


def _summary(a, most=6):
    """The numbers (3 decimals) of a small array, else its mean and std."""
    if a.size <= most:
        text = np.array2string(a, precision=3, floatmode="fixed", suppress_small=True,
                               separator=", ")
        return text.replace("\n", "\n     ")  # line up under the first row
    return f"mean {a.mean():.3f}  std {a.std():.3f}"


# ---- saving ----


def graph_svg(graph):
    """The SVG text of a drawing from draw_graph (either kind)."""
    if isinstance(graph, SVGGraph):
        return graph.svg
    return graph.pipe(format="svg", encoding="utf-8")


def save_graph(graph, path):
    """Write a drawing from draw_graph to `path`; the suffix picks the format.

    .svg and .png work always; .pdf needs Graphviz's `dot` program. The built-in
    drawing (an SVGGraph, used when dot is missing) is drawn to PNG with matplotlib.
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt == "svg":
        path.write_text(graph_svg(graph), encoding="utf-8")
        return path
    if fmt not in ("png", "pdf"):
        raise ValueError(f"save_graph: cannot save {path.name!r}; use a .svg, .png or .pdf name")
    if isinstance(graph, SVGGraph) and fmt == "png":
        from .graph_png import render_png  # matplotlib draws the built-in layout

        render_png(graph.drawing, path)
        return path
    if isinstance(graph, SVGGraph):
        raise ValueError(
            f"save_graph: {path.name!r} needs Graphviz's `dot` program, which is not"
            " installed; the built-in drawing saves SVG and PNG, so use a .svg or .png name"
            " (or install graphviz: apt-get install graphviz | brew install graphviz |"
            " conda install -c conda-forge graphviz)"
        )
    path.write_bytes(graph.pipe(format=fmt))
    return path
