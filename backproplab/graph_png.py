"""PNG pictures of graph drawings without Graphviz: the built-in layout drawn with matplotlib.

`save_graph(graph, "g.png")` uses this when the `dot` program is missing. It draws the
same boxes, text and edges as the built-in SVG (`graph_layout.render_svg`), one SVG
pixel to one PNG pixel at `dpi=100`.
"""

from matplotlib.figure import Figure
from matplotlib.patches import Ellipse, FancyArrowPatch, Rectangle

from .graph_layout import ARROW, BORDER_LINE, FONT_SIZE, LINE_H, PAD, cell_boxes, frame

FONT = {"family": "DejaVu Sans Mono", "size": FONT_SIZE * 0.69}  # chars ~7 px wide, as laid out


def render_png(drawing, path, dpi=100):
    """Draw `drawing` (a graph_layout.Drawing) and write it to `path` as PNG."""
    boxes, curves, (dx, dy), (width, height), title, legend = frame(drawing)
    scale = dpi / 100  # pixels per SVG pixel
    fig = Figure(figsize=(width / 100, height / 100), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set(xlim=(0, width), ylim=(height, 0))  # y grows downwards, as in SVG
    ax.axis("off")
    font = dict(FONT, size=FONT["size"] * scale)
    for line, x, y in title:
        ax.text(x, y, line, ha="center", va="baseline", fontdict=font)
    for text, colour, x, y, w, h in legend:
        ax.add_patch(Rectangle((x, y), w, h, facecolor=colour, edgecolor="#4d4d4d", lw=scale))
        ax.text(x + PAD, y + LINE_H, text, va="baseline", fontdict=font)
    lr = drawing.rankdir == "LR"
    for points in curves:
        pts = [(x + dx, y + dy) for x, y in points]
        ax.plot(*zip(*pts[:-1], _before_arrow(pts[-1], lr)), color="#555555", lw=1.2 * scale)
        ax.add_patch(FancyArrowPatch(_before_arrow(pts[-1], lr), pts[-1], arrowstyle="-|>",
                                     mutation_scale=ARROW * 1.6 * scale, color="#555555",
                                     lw=0, shrinkA=0, shrinkB=0))
    for node in drawing.nodes:
        x, y, w, h = boxes[node.id]
        _draw_node(ax, node, x + dx, y + dy, w, h, font, scale)
    fig.savefig(path, format="png", dpi=dpi, facecolor="white")


def _before_arrow(end, lr):
    x, y = end
    return (x - ARROW, y) if lr else (x, y - ARROW)


def _draw_node(ax, node, x, y, w, h, font, scale):
    paint = {"facecolor": node.fill, "edgecolor": node.border, "lw": node.penwidth * scale}
    if node.shape == "ellipse":
        ax.add_patch(Ellipse((x + w / 2, y + h / 2), w, h, **paint))
        ax.text(x + w / 2, y + h / 2, node.cells[0], ha="center", va="center", fontdict=font)
        return
    ax.add_patch(Rectangle((x, y), w, h, ls="--" if node.shape == "note" else "-", **paint))
    for i, (cell, cx, cy, cw, ch, across) in enumerate(cell_boxes(node, x, y, w, h)):
        if i:  # a thin line between cells
            x2, y2 = (cx, cy + ch) if across else (cx + cw, cy)
            ax.plot([cx, x2], [cy, y2], color=BORDER_LINE, lw=scale)
        if "\n" not in cell:
            ax.text(cx + cw / 2, cy + ch / 2, cell, ha="center", va="center", fontdict=font)
        else:  # several lines (a small matrix): left-aligned
            ax.text(cx + PAD, cy + ch / 2, cell, ha="left", va="center", fontdict=font,
                    linespacing=LINE_H / FONT_SIZE)
