"""A `Drawing` (built by graph.py) as a graphviz.Digraph, for Graphviz's `dot` program.

draw_graph returns this when `dot` is installed and works; graph_layout.py draws the same
Drawing without it. Boxes become dot "record" nodes (one field per cell), ops ellipses,
summaries notes; the title and legend become the graph's label.

Used by draw_graph (lesson 02 onwards).
"""

import html

import graphviz

BORDER = "#4d4d4d"  # the outline of every node that is not highlighted
FONT = "Helvetica"


def to_digraph(drawing):
    """The Drawing as a graphviz.Digraph (its `.source` is the dot text)."""
    g = graphviz.Digraph(
        graph_attr={"rankdir": drawing.rankdir, "fontname": FONT, "fontsize": "12",
                    "labelloc": "t", "nodesep": "0.25", "ranksep": "0.35"},
        node_attr={"fontname": FONT, "fontsize": "11", "style": "filled", "color": BORDER},
        edge_attr={"color": "#555555", "arrowsize": "0.7"},
    )
    label = _graph_label(drawing)
    if label:
        g.attr(label=label)
    for n in drawing.nodes:
        style = {"fillcolor": n.fill}
        if n.border != BORDER:  # highlighted
            style.update(color=n.border, penwidth=str(n.penwidth))
        if n.shape == "record":
            g.node(n.id, label=_record_label(n.cells, n.across, drawing.rankdir),
                   shape="record", **style)
        elif n.shape == "ellipse":
            g.node(n.id, label=_dot_text(n.cells[0]), shape="ellipse", height="0.3",
                   margin="0.04,0.02", **style)
        else:
            g.node(n.id, label=_dot_text(n.cells[0]), shape="note", **style)
    for a, b in drawing.edges:
        g.edge(a, b)
    return g


def _dot_text(text, newline="\\n"):
    """Text for a dot label: backslashes kept literal, never read as an HTML label."""
    return graphviz.nohtml(text.replace("\\", "\\\\").replace("\n", newline))


def _record_label(cells, across, rankdir):
    """A dot record label. `{a|b}` flips the record's direction, and records lie
    across the rank direction, so LR needs braces for side-by-side cells."""
    fields = []
    for cell in cells:
        text = cell.replace("\\", "\\\\")
        for ch in "{}|<>":
            text = text.replace(ch, "\\" + ch)
        if "\n" in text:  # several lines: left-justified (`\l` ends each line)
            text = text.replace("\n", "\\l") + "\\l"
        fields.append(text)
    body = " | ".join(fields)
    flip = across == (rankdir == "LR")
    return graphviz.nohtml("{ " + body + " }" if flip else body)


def _graph_label(drawing):
    """The title (and legend) above the drawing, as a dot label."""
    if not drawing.legend:
        return _dot_text(drawing.title) if drawing.title else None
    rows = "".join(f"<TR><TD>{html.escape(line)}</TD></TR>"
                   for line in drawing.title.splitlines())
    boxes = "".join(f'<TD BGCOLOR="{colour}" BORDER="1">{html.escape(text)}</TD>'
                    for text, colour in drawing.legend)
    return (f'<<TABLE BORDER="0" CELLSPACING="4">{rows}'
            f'<TR><TD><TABLE BORDER="0" CELLSPACING="6"><TR>{boxes}</TR></TABLE></TD></TR>'
            "</TABLE>>")
