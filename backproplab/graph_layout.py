"""A small layered graph layout that draws a `Drawing` (built by graph.py) as SVG.

It is used when Graphviz's `dot` program is not installed. The method is the one
`dot` uses, much simplified (Sugiyama's layered drawing):

1. ranks: each node goes one rank after its latest parent (longest path from the
   leaves); a leaf then moves up to just before the first node that uses it;
2. an edge that skips ranks gets invisible "bend points" in the ranks it crosses;
3. order within a rank: sweep over the ranks a few times, sorting each rank by the
   average position of its neighbours in the rank before (a barycentre pass), and
   keep the order with the fewest crossing edges (graph_order.py);
4. positions: ranks become columns (rankdir "LR") or rows ("TB"); each node moves
   towards the average of its neighbours without overlapping the others;
5. edges: smooth curves from box to box, with an arrowhead at the result.

Text is set in a monospace font, so a box's width follows from its longest line.
"""

import html
import math
import statistics
from collections import deque
from dataclasses import dataclass, field

from .graph_order import order_ranks

FONT_SIZE = 12
CHAR_W = 7.3  # width of one monospace character at FONT_SIZE (0.6 em, a bit of room)
LINE_H = 15
PAD = 6  # space between text and cell border
RANK_GAP = 42  # between ranks
NODE_GAP = 14  # between neighbours in a rank
ARROW = 8  # arrowhead length
MARGIN = 10
FONT = "DejaVu Sans Mono, Menlo, Consolas, monospace"


@dataclass
class DrawNode:
    """One box, oval or note of a drawing.

    `cells` are the text fields of a box (a cell may hold several lines joined by
    "\\n"); `across` tells whether they sit side by side (True) or stacked (False).
    """

    id: str
    role: str  # what kind of node: "root", "leaf", "op", ... (see graph.PALETTE)
    shape: str  # "record", "ellipse" or "note"
    cells: list
    fill: str  # colours as "#rrggbb"
    border: str
    penwidth: float = 1.0
    across: bool = True


@dataclass
class Drawing:
    """What to draw: nodes, edges between their ids, and text above them."""

    nodes: list  # DrawNode
    edges: list  # (from_id, to_id) pairs; a repeated pair is a reused input
    rankdir: str = "LR"  # "LR": left to right, "TB": top to bottom
    title: str = ""  # may hold several lines joined by "\n"
    legend: list = field(default_factory=list)  # (text, colour) pairs


class SVGGraph:
    """A drawing made without Graphviz; Jupyter shows it through `_repr_svg_`.

    `.svg` holds the SVG text; `backproplab.graph.save_graph` writes it to a file.
    """

    def __init__(self, drawing):
        self.drawing = drawing
        self.svg = render_svg(drawing)

    def _repr_svg_(self):
        return self.svg

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"image/svg+xml": self.svg, "text/plain": repr(self)}

    def __repr__(self):
        n = sum(1 for node in self.drawing.nodes if node.shape == "record")
        return f"<SVGGraph: {n} nodes, drawn without Graphviz>"


# ---- sizes ----


def _cell_size(text):
    lines = text.split("\n")
    return max(len(line) for line in lines) * CHAR_W + 2 * PAD, len(lines) * LINE_H + 2 * PAD


def _size(node):
    """(width, height) of a node in pixels."""
    if node.shape == "ellipse":
        return max(36.0, len(node.cells[0]) * CHAR_W + 22), 26.0
    sizes = [_cell_size(cell) for cell in node.cells]
    if node.shape == "record" and node.across:
        return sum(w for w, _ in sizes), max(h for _, h in sizes)
    return max(w for w, _ in sizes), sum(h for _, h in sizes)


# ---- 1-3: ranks and order ----


def _ranks(n, edges):
    """Rank of each of the n nodes (edges are index pairs, parents before children)."""
    parents = [[] for _ in range(n)]
    children = [[] for _ in range(n)]
    for a, b in edges:
        parents[b].append(a)
        children[a].append(b)
    rank = [0] * n
    for v in _topological(n, parents, children):
        rank[v] = max((rank[p] + 1 for p in parents[v]), default=0)
    for v in range(n):  # a leaf sits right before its first use
        if not parents[v] and children[v]:
            rank[v] = min(rank[c] for c in children[v]) - 1
    return rank


def _topological(n, parents, children):
    """Node indices, parents first (Kahn's algorithm, smallest index first)."""
    waiting = [len(set(p)) for p in parents]
    ready = deque(v for v in range(n) if waiting[v] == 0)
    order = []
    while ready:
        v = ready.popleft()
        order.append(v)
        for c in sorted(set(children[v])):
            waiting[c] -= 1
            if waiting[c] == 0:
                ready.append(c)
    return order


def _mean(xs):
    """The average of a list of numbers, rounded once, exactly as statistics.mean.

    math.fsum rounds the sum once; dividing by a power of two (1, 2, 4, ...) adds no
    second rounding, so the common cases skip statistics.mean's slow exact fractions.
    """
    n = len(xs)
    if n & (n - 1) == 0:
        return math.fsum(xs) / n
    return statistics.mean(xs)


# ---- 4: coordinates ----


def _place(layer, size, desired, gap):
    """Centres for the nodes of one rank, in order, each as near its desired centre
    as the nodes before and after it allow."""
    centre = []
    for i, v in enumerate(layer):  # push forward where nodes would overlap
        c = desired[v]
        if i:
            prev = layer[i - 1]
            c = max(c, centre[-1] + (size[prev] + size[v]) / 2 + gap)
        centre.append(c)
    for i in range(len(layer) - 2, -1, -1):  # pull back to close the gaps left behind
        v, nxt = layer[i], layer[i + 1]
        limit = centre[i + 1] - (size[v] + size[nxt]) / 2 - gap
        centre[i] = min(max(centre[i], desired[v]), limit)
    return dict(zip(layer, centre, strict=True))


def _cross_positions(layers, across, up, down):
    """The coordinate of every node across the rank direction."""
    pos = {}
    for layer in layers:  # start: packed one after the other
        edge = 0.0
        for v in layer:
            pos[v] = edge + across[v] / 2
            edge += across[v] + NODE_GAP
    for sweep in range(7):  # ends downward: an op sits between its inputs
        downward = sweep % 2 == 0
        nbrs = up if downward else down
        for layer in layers if downward else reversed(layers):
            desired = {v: _mean([pos[u] for u in nbrs[v]]) if nbrs[v] else pos[v]
                       for v in layer}
            pos.update(_place(layer, across, desired, NODE_GAP))
    low = min(pos[v] - across[v] / 2 for v in pos)
    return {v: p - low for v, p in pos.items()}


# ---- putting it together ----


def layout(drawing):
    """Boxes and edge paths of the drawing: (boxes, curves, width, height).

    boxes: {node id: (x, y, w, h)} (top-left corner); curves: one list of (x, y)
    points per edge, from the parent's side to the child's side.
    """
    lr = drawing.rankdir == "LR"
    ids = [node.id for node in drawing.nodes]
    index = {node_id: i for i, node_id in enumerate(ids)}
    sizes = [_size(node) for node in drawing.nodes]
    edges = [(index[a], index[b]) for a, b in drawing.edges]
    rank = _ranks(len(ids), edges)
    low = min(rank, default=0)
    rank = [r - low for r in rank]
    # node sizes along the rank direction ("along") and across it
    along = [w if lr else h for w, h in sizes]
    across = [h if lr else w for w, h in sizes]
    # bend points: extra invisible nodes where an edge skips ranks
    chains, links = [], []
    for a, b in edges:
        chain = [a]
        for r in range(rank[a] + 1, rank[b]):
            rank.append(r)
            along.append(0.0)
            across.append(2.0)
            chain.append(len(rank) - 1)
        chain.append(b)
        chains.append(chain)
        links.extend(zip(chain, chain[1:], strict=False))
    n = len(rank)
    up = [[] for _ in range(n)]
    down = [[] for _ in range(n)]
    for a, b in links:
        up[b].append(a)
        down[a].append(b)
    layers = [[] for _ in range(max(rank, default=-1) + 1)]
    for v in range(n):
        layers[rank[v]].append(v)
    layers = order_ranks(layers, up, down, links)
    cross = _cross_positions(layers, across, up, down)
    # along the rank direction: each rank as deep as its deepest node
    span = [max(along[v] for v in layer) for layer in layers]
    start, offset = [], 0.0
    for d in span:
        start.append(offset)
        offset += d + RANK_GAP
    centre_along = [start[rank[v]] + span[rank[v]] / 2 for v in range(n)]
    boxes = {}
    for v, node_id in enumerate(ids):
        w, h = sizes[v]
        cx, cy = (centre_along[v], cross[v]) if lr else (cross[v], centre_along[v])
        boxes[node_id] = (cx - w / 2, cy - h / 2, w, h)
    curves = []
    seen = {}
    for (a, b), chain in zip(edges, chains, strict=True):
        k = seen[(a, b)] = seen.get((a, b), -1) + 1
        shift = 7.0 * k * (-1 if k % 2 else 1)  # a reused input: parallel curves
        # Edges run straight inside a rank and bend only in the gaps between ranks,
        # so they never cut through a box.
        first = centre_along[a] + along[a] / 2
        last = centre_along[b] - along[b] / 2
        if drawing.nodes[b].shape == "ellipse":  # the oval's edge at that height
            half = across[b] / 2
            last += along[b] / 2 * (1 - (1 - min(1.0, (shift / half) ** 2)) ** 0.5)
        leave = start[rank[a]] + span[rank[a]]
        points = [(first, cross[a] + shift), (leave, cross[a] + shift)]
        for v in chain[1:-1]:
            r = rank[v]
            points += [(start[r], cross[v]), (start[r] + span[r], cross[v])]
        enter = start[rank[b]]
        if last - enter > ARROW + 2:  # room for a straight piece before the arrow
            points.append((enter, cross[b] + shift))
        points.append((last, cross[b] + shift))
        points = [q for i, q in enumerate(points) if i == 0 or q[0] - points[i - 1][0] > 0.5]
        curves.append([(m, c) if lr else (c, m) for m, c in points])
    width = (offset - RANK_GAP) if lr else max(cross[v] + across[v] / 2 for v in range(n))
    height = max(cross[v] + across[v] / 2 for v in range(n)) if lr else (offset - RANK_GAP)
    return boxes, curves, width, height


def frame(drawing):
    """Where everything goes: (boxes, curves, offset, size, title, legend).

    boxes and curves as `layout` gives them, to be shifted by offset (dx, dy); size is
    the whole picture's (width, height); title a list of (text, x, y) lines and legend
    a list of (text, colour, x, y, w, h) boxes. Shared by the SVG and PNG renderers.
    """
    title = drawing.title.split("\n") if drawing.title else []
    top = MARGIN + len(title) * LINE_H + (LINE_H + 18 if drawing.legend else 0)
    if title or drawing.legend:
        top += 8
    if drawing.nodes:
        boxes, curves, width, height = layout(drawing)
    else:
        boxes, curves, width, height = {}, [], 0.0, 0.0
    legend_w = sum(len(text) * CHAR_W + 2 * PAD + 8 for text, _ in drawing.legend)
    title_w = max((len(line) * CHAR_W for line in title), default=0)
    total_w = max(width, legend_w, title_w) + 2 * MARGIN
    total_h = height + top + MARGIN
    lines, y = [], MARGIN
    for line in title:
        y += LINE_H
        lines.append((line, total_w / 2, y - 3))
    legend = []
    x, y = (total_w - legend_w + 8) / 2, y + 6  # centred, like the title
    for text, colour in drawing.legend:
        w = len(text) * CHAR_W + 2 * PAD
        legend.append((text, colour, x, y, w, LINE_H + 6))
        x += w + 8
    return boxes, curves, (MARGIN, top), (total_w, total_h), lines, legend


def render_svg(drawing):
    """The drawing as SVG text (deterministic: same drawing, same text)."""
    lr = drawing.rankdir == "LR"
    boxes, curves, (dx, dy), (total_w, total_h), title, legend = frame(drawing)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(total_w)}" '
           f'height="{_n(total_h)}" viewBox="0 0 {_n(total_w)} {_n(total_h)}" '
           f'font-family="{FONT}" font-size="{FONT_SIZE}" xml:space="preserve">',
           f'<rect width="{_n(total_w)}" height="{_n(total_h)}" fill="#ffffff"/>']
    for line, x, y in title:
        out.append(f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="middle">{_esc(line)}</text>')
    for text, colour, x, y, w, h in legend:
        out.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{h}" '
                   f'fill="{colour}" stroke="#4d4d4d"/>')
        out.append(f'<text x="{_n(x + PAD)}" y="{_n(y + LINE_H)}">{_esc(text)}</text>')
    for points in curves:
        out.append(_curve(points, dx, dy, lr))
    for node in drawing.nodes:
        x, y, w, h = boxes[node.id]
        out.append(_node_svg(node, x + dx, y + dy, w, h))
    out.append("</svg>")
    return "\n".join(out)


def _curve(points, dx, dy, lr):
    """A smooth path through the points, leaving and arriving along the rank direction,
    ending in an arrowhead."""
    pts = [(x + dx, y + dy) for x, y in points]
    (ex, ey) = pts[-1]
    pts[-1] = (ex - ARROW, ey) if lr else (ex, ey - ARROW)  # the line stops at the arrow
    d = [f"M{_n(pts[0][0])},{_n(pts[0][1])}"]
    for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
        if lr:
            h = (x1 - x0) / 2
            d.append(f"C{_n(x0 + h)},{_n(y0)} {_n(x1 - h)},{_n(y1)} {_n(x1)},{_n(y1)}")
        else:
            h = (y1 - y0) / 2
            d.append(f"C{_n(x0)},{_n(y0 + h)} {_n(x1)},{_n(y1 - h)} {_n(x1)},{_n(y1)}")
    if lr:
        head = f"{_n(ex)},{_n(ey)} {_n(ex - ARROW)},{_n(ey - 4)} {_n(ex - ARROW)},{_n(ey + 4)}"
    else:
        head = f"{_n(ex)},{_n(ey)} {_n(ex - 4)},{_n(ey - ARROW)} {_n(ex + 4)},{_n(ey - ARROW)}"
    return (f'<path d="{" ".join(d)}" fill="none" stroke="#555555" stroke-width="1.2"/>'
            f'<polygon points="{head}" fill="#555555"/>')


def _node_svg(node, x, y, w, h):
    """One node: its shape, cell borders and text, in a group named by its id."""
    paint = f'fill="{node.fill}" stroke="{node.border}" stroke-width="{node.penwidth}"'
    out = [f'<g id="{_esc(node.id)}" class="node {node.role}">']
    if node.shape == "ellipse":
        out.append(f'<ellipse cx="{_n(x + w / 2)}" cy="{_n(y + h / 2)}" rx="{_n(w / 2)}" '
                   f'ry="{_n(h / 2)}" {paint}/>')
        out.append(_text_line(node.cells[0], x + w / 2, y + h / 2 + 4, "middle"))
        return "".join(out) + "</g>"
    dash = ' stroke-dasharray="4,3"' if node.shape == "note" else ""
    out.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" rx="2" '
               f"{paint}{dash}/>")
    for i, (cell, cx, cy, cw, ch, across) in enumerate(cell_boxes(node, x, y, w, h)):
        if i:  # a thin line between cells
            x2, y2 = (cx, cy + ch) if across else (cx + cw, cy)
            out.append(f'<line x1="{_n(cx)}" y1="{_n(cy)}" x2="{_n(x2)}" y2="{_n(y2)}" '
                       f'stroke="{BORDER_LINE}"/>')
        lines = cell.split("\n")
        first = cy + (ch - len(lines) * LINE_H) / 2 + LINE_H - 4
        for j, line in enumerate(lines):
            if len(lines) == 1:
                out.append(_text_line(line, cx + cw / 2, first, "middle"))
            else:  # several lines (a small matrix): left-aligned
                out.append(_text_line(line, cx + PAD, first + j * LINE_H, "start"))
    return "".join(out) + "</g>"


def cell_boxes(node, x, y, w, h):
    """(text, x, y, w, h, across) of each cell of a box node, side by side when `across`,
    else stacked. Shared by the SVG and PNG renderers."""
    across = node.shape == "record" and node.across
    boxes, cx, cy = [], x, y
    for cell in node.cells:
        cw, ch = _cell_size(cell)
        cw, ch = (cw, h) if across else (w, ch)
        boxes.append((cell, cx, cy, cw, ch, across))
        if across:
            cx += cw
        else:
            cy += ch
    return boxes


BORDER_LINE = "#8a8a8a"


def _text_line(text, x, y, anchor):
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}">{_esc(text)}</text>'


def _esc(text):
    """Text made safe for SVG/XML: & < > and quotes become entities."""
    return html.escape(text, quote=True)


def _n(v):
    """A coordinate as short, stable text: one decimal, no trailing '.0'."""
    text = f"{v:.1f}"
    return text[:-2] if text.endswith(".0") else text
