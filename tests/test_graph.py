"""draw_graph with Graphviz's dot and with the built-in SVG layout (dot hidden)."""

import re
import shutil
import time
import xml.etree.ElementTree as ET

import graphviz
import numpy as np
import pytest

from backproplab import Tensor, Value, topological_sort
from backproplab import graph as graph_module
from backproplab.graph import (
    HIGHLIGHT,
    PALETTE,
    build_drawing,
    draw_graph,
    graph_svg,
    save_graph,
)
from backproplab.graph_layout import SVGGraph, layout

HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot program is not installed")
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def no_dot(monkeypatch):
    """Make draw_graph believe that dot is not installed."""
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "dot"
                        else real_which(name, *a, **k))
    monkeypatch.setattr(graph_module, "_hint_printed", True)  # keep test output quiet


def expression():
    """micrograd's example: L = (a*b + c) * f, after backward."""
    a, b, c, f = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c"), \
        Value(-2.0, label="f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    L.backward()
    return L


def node_texts(root):
    return [(n.label, f"data {n.data:.4f}", f"grad {n.grad:.4f}") for n in topological_sort(root)]


def tanh_chain(n):
    x = Value(0.5, label="x")
    y = x
    for i in range(n):
        y = (y * 0.9 + 0.1).tanh() if i % 2 else y.tanh()
    y.label = "y"
    return y


def ladder(n):
    """A deep graph without collapsible chains: every result is used twice."""
    y = Value(0.3, label="x")
    for _ in range(n):
        y = y * y + y
    return y


def fallback_groups(svg):
    """{node id: (class, fill, stroke)} of the built-in SVG's node groups."""
    out = {}
    for g in ET.fromstring(svg).iter(SVG_NS + "g"):
        shape = next(iter(g))
        out[g.get("id")] = (g.get("class"), shape.get("fill"), shape.get("stroke"))
    return out


def dot_node_attrs(source):
    """{node id: attribute text} from a dot source."""
    return dict(re.findall(r"^\s*(n\d+(?:op)?|more|chain\d+) \[(.*)\]$", source, re.M))


# ---- both renderers show every label, data and grad ----


def test_fallback_svg_shows_every_node(no_dot):
    L = expression()
    g = draw_graph(L)
    assert isinstance(g, SVGGraph)
    svg = g._repr_svg_()
    ET.fromstring(svg)  # well-formed XML
    for texts in node_texts(L):
        for text in texts:
            assert f">{text}<" in svg
    assert svg.count(">*<") == 2 and svg.count(">+<") == 1  # the op ovals


@needs_dot
def test_dot_svg_shows_every_node():
    L = expression()
    g = draw_graph(L)
    assert isinstance(g, graphviz.Digraph)
    svg = graph_svg(g).replace("&#45;", "-")  # dot writes '-' as an entity
    for texts in node_texts(L):
        for text in texts:
            assert f">{text}<" in svg
    assert svg.count(">*<") == 2 and svg.count(">+<") == 1


def test_drawings_are_identical_from_run_to_run(no_dot):
    first, second = draw_graph(expression()), draw_graph(expression())
    assert first.svg == second.svg
    tensor_first, tensor_second = draw_graph(mlp_loss()), draw_graph(mlp_loss())
    assert tensor_first.svg == tensor_second.svg


@needs_dot
def test_dot_source_is_identical_from_run_to_run():
    assert draw_graph(expression()).source == draw_graph(expression()).source
    assert draw_graph(mlp_loss()).source == draw_graph(mlp_loss()).source


def test_node_ids_follow_the_topological_order():
    L = expression()
    ids = [n.id for n in build_drawing(L).nodes if n.shape == "record"]
    assert ids == [f"n{i}" for i in range(len(topological_sort(L)))]


# ---- colours and highlight ----


def coloured_graph():
    a = Value(3.0, label="a")
    out = (2 * a).tanh()  # the 2 becomes an unnamed leaf: a constant
    out.label = "out"
    out.backward()
    return a, out


def test_roles_get_their_colours_in_the_fallback(no_dot):
    a, out = coloured_graph()
    assert topological_sort(out)[0] is a  # order: a, 2, a*2, tanh(a*2)
    groups = fallback_groups(draw_graph(out).svg)
    assert groups["n0"][:2] == ("node leaf", PALETTE["leaf"])
    assert groups["n1"][:2] == ("node constant", PALETTE["constant"])
    assert groups["n2"][:2] == ("node inner", PALETTE["inner"])
    assert groups["n2op"][:2] == ("node op", PALETTE["op"])
    assert groups["n3"][:2] == ("node root", PALETTE["root"])
    assert len(set(PALETTE.values())) == len(PALETTE)  # every kind its own colour


@needs_dot
def test_roles_get_their_colours_in_dot():
    _, out = coloured_graph()
    attrs = dot_node_attrs(draw_graph(out).source)
    for node_id, role in [("n0", "leaf"), ("n1", "constant"), ("n2", "inner"),
                          ("n2op", "op"), ("n3", "root")]:
        assert f'fillcolor="{PALETTE[role]}"' in attrs[node_id]


def test_tensor_roles():
    x = Tensor([1.0, 2.0], label="x", requires_grad=False)
    w = Tensor([0.5, -1.0], label="w")
    loss = (x * w).sum()
    roles = {n.id: n.role for n in build_drawing(loss).nodes}
    assert roles == {"n0": "constant", "n1": "leaf", "n2": "inner", "n2op": "op",
                     "n3": "root", "n3op": "op"}


def test_highlight_changes_only_the_highlighted_node(no_dot):
    a, out = coloured_graph()
    plain = fallback_groups(draw_graph(out).svg)
    marked = fallback_groups(draw_graph(out, highlight=a).svg)
    changed = {k for k in plain if plain[k] != marked[k]}
    assert changed == {"n0"}
    assert marked["n0"][2] == HIGHLIGHT
    several = fallback_groups(draw_graph(out, highlight=[a, out]).svg)
    assert {k for k in plain if plain[k] != several[k]} == {"n0", "n3"}


@needs_dot
def test_highlight_in_dot_changes_only_that_node():
    a, out = coloured_graph()
    plain = dot_node_attrs(draw_graph(out).source)
    marked = dot_node_attrs(draw_graph(out, highlight=a).source)
    assert {k for k in plain if plain[k] != marked[k]} == {"n0"}
    assert HIGHLIGHT in marked["n0"]


def test_highlight_of_a_stranger_fails_clearly():
    _, out = coloured_graph()
    with pytest.raises(ValueError, match="not part of this graph"):
        build_drawing(out, highlight=Value(1.0))


# ---- escaping ----

NASTY = 'x<1 & "y" {a|b} \\n'


def nasty_graph():
    a = Value(1.0, label=NASTY)
    out = a * 2
    out.label = "<b>bold?</b>"
    return out


def test_fallback_escapes_labels(no_dot):
    svg = draw_graph(nasty_graph(), title="a < b & c").svg
    root = ET.fromstring(svg)  # would fail on a raw < or &
    texts = [t.text for t in root.iter(SVG_NS + "text")]
    assert NASTY in texts and "<b>bold?</b>" in texts and "a < b & c" in texts


@needs_dot
def test_dot_escapes_labels():
    g = draw_graph(nasty_graph(), title="a < b & c")
    svg = graph_svg(g)  # dot would fail on a broken label
    root = ET.fromstring(svg.encode())
    texts = [t.text.replace("\xa0", " ") for t in root.iter(SVG_NS + "text") if t.text]
    assert NASTY.strip() in texts and "<b>bold?</b>" in texts and "a < b & c" in texts


# ---- summarising big graphs ----


def drawn_count(svg):
    return svg.count('class="node ')


@pytest.mark.parametrize("make", [tanh_chain, ladder], ids=["chain", "ladder"])
def test_big_graphs_are_summarised(no_dot, make):
    root = make(1000)
    assert len(topological_sort(root)) > 1000
    start = time.perf_counter()
    g = draw_graph(root, max_nodes=60)
    assert time.perf_counter() - start < 3.0
    assert drawn_count(g.svg) <= 60 + 1
    assert "summarised" in g.drawing.title
    notes = [n for n in g.drawing.nodes if n.role == "note"]
    assert notes and ("not drawn" in notes[0].cells[0] or "chain of" in notes[0].cells[0])
    assert "root" in g.svg  # the root is always drawn


def test_chain_is_collapsed_into_one_box():
    drawing = build_drawing(tanh_chain(1000))
    chains = [n for n in drawing.nodes if n.id.startswith("chain")]
    assert len(chains) == 1
    assert "998 × tanh, 500 × *, 500 × +" in chains[0].cells[0]
    assert len(drawing.nodes) < 10


def test_ladder_keeps_the_nodes_nearest_the_root():
    root = ladder(1000)
    order = topological_sort(root)
    drawing = build_drawing(root, max_nodes=40)
    boxes = [n for n in drawing.nodes if n.shape != "ellipse"]
    assert len(drawing.nodes) <= 41
    assert drawing.nodes[0].cells[0] == f"… {len(order) - len(boxes) + 1} earlier nodes not drawn"
    assert f"n{len(order) - 1}" in {n.id for n in boxes}


@needs_dot
def test_dot_summary_stays_small():
    g = draw_graph(ladder(1000), max_nodes=50)
    nodes = dot_node_attrs(g.source)
    assert len(nodes) <= 51 and "more" in nodes
    assert "summarised" in g.source


def test_small_graphs_are_not_summarised():
    drawing = build_drawing(tanh_chain(10), max_nodes=None)
    assert not drawing.title and all(n.role != "note" for n in drawing.nodes)


# ---- display and the install hint ----


def test_fallback_display_never_raises(no_dot, monkeypatch):
    monkeypatch.setenv("PATH", "")  # no programs at all
    for root in (expression(), mlp_loss(), Value(1.0, label="alone")):
        g = draw_graph(root)
        assert isinstance(g, SVGGraph)
        assert g._repr_svg_().startswith("<svg")
        bundle = g._repr_mimebundle_()
        assert set(bundle) == {"image/svg+xml", "text/plain"}
        assert "0x" not in repr(g)  # stable text for nbval


def test_empty_path_means_no_dot(monkeypatch, capsys):
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(graph_module, "_hint_printed", False)
    assert isinstance(draw_graph(expression()), SVGGraph)
    draw_graph(expression())
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "apt-get install graphviz" in err  # once per session


@needs_dot
def test_digraph_only_when_dot_exists():
    assert isinstance(draw_graph(expression()), graphviz.Digraph)


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_layout_flows_in_the_rank_direction(rankdir):
    L = expression()
    drawing = build_drawing(L, rankdir=rankdir)
    boxes, curves, _, _ = layout(drawing)
    axis = 0 if rankdir == "LR" else 1  # x grows left to right, y top to bottom
    for (a, b), points in zip(drawing.edges, curves, strict=True):
        assert boxes[a][axis] < boxes[b][axis]  # parents before children
        assert points[0][axis] < points[-1][axis]  # the arrow points at the child
    for a in boxes:  # no two boxes overlap
        for b in boxes:
            xa, ya, wa, ha = boxes[a]
            xb, yb, wb, hb = boxes[b]
            assert a == b or xa + wa <= xb or xb + wb <= xa or ya + ha <= yb or yb + hb <= ya
    with pytest.raises(ValueError, match="rankdir"):
        build_drawing(L, rankdir="XY")


def test_legend_names_the_colours(no_dot):
    svg = draw_graph(expression(), legend=True).svg
    assert ">leaf with grad<" in svg and PALETTE["leaf"] in svg


# ---- saving ----


def test_save_svg_from_the_fallback(no_dot, tmp_path):
    path = save_graph(draw_graph(expression()), tmp_path / "L.svg")
    text = path.read_text()
    assert text.startswith("<svg") and ">data -8.0000<" in text


def test_png_from_the_fallback_is_drawn_with_matplotlib(no_dot, tmp_path):
    from matplotlib.image import imread

    graph = draw_graph(expression())
    png = save_graph(graph, tmp_path / "L.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    height, width = imread(png).shape[:2]  # one SVG pixel, one PNG pixel
    svg = graph_svg(graph)
    svg_width = float(svg.split('width="')[1].split('"')[0])
    svg_height = float(svg.split('height="')[1].split('"')[0])
    assert abs(width - svg_width) < 2 and abs(height - svg_height) < 2


def test_pdf_from_the_fallback_says_what_to_do(no_dot, tmp_path):
    with pytest.raises(ValueError, match=r"\.svg or \.png"):
        save_graph(draw_graph(expression()), tmp_path / "L.pdf")
    with pytest.raises(ValueError, match="cannot save"):
        save_graph(draw_graph(expression()), tmp_path / "L.jpeg")


@needs_dot
def test_save_svg_and_png_with_dot(tmp_path):
    g = draw_graph(expression())
    svg = save_graph(g, tmp_path / "L.svg").read_text()
    assert "data &#45;8.0000" in svg
    png = save_graph(g, tmp_path / "L.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


# ---- Tensor graphs ----


def mlp_loss():
    rng = np.random.default_rng(0)
    x = Tensor(rng.normal(size=(4, 3)), label="x", requires_grad=False)
    W = Tensor(rng.normal(size=(3, 2)), label="W")
    b = Tensor(np.zeros(2), label="b")
    h = (x @ W + b).tanh()
    h.label = "h"
    loss = (h**2).mean()
    loss.label = "loss"
    loss.backward()
    return loss


def test_tensor_nodes_show_shapes_values_and_stats(no_dot):
    loss = mlp_loss()
    cells = {n.id: n.cells for n in build_drawing(loss).nodes}
    order = topological_sort(loss)
    names = [n.label for n in order]
    x, W, b = (cells[f"n{names.index(k)}"] for k in ("x", "W", "b"))
    assert x[0] == "x  shape (4, 3)" and x[1].startswith("data mean ") and "std" in x[1]
    assert x[2] == "grad —"  # requires_grad=False: no gradient
    assert W[0] == "W  shape (3, 2)" and W[1].startswith("data [[")  # 6 numbers: shown
    assert b[1] == "data [0.000, 0.000]" and b[2].startswith("grad [")
    assert cells[f"n{len(order) - 1}"][1] == f"data {loss.data.item():.3f}"
    svg = draw_graph(loss).svg
    ET.fromstring(svg)
    assert "shape (4, 3)" in svg and "grad —" in svg


@needs_dot
def test_tensor_graph_with_dot():
    svg = graph_svg(draw_graph(mlp_loss()))
    assert "shape (4, 3)" in svg and "mean" in svg


def test_grads_override_for_half_done_passes():
    L = expression()
    n = len(topological_sort(L))
    drawing = build_drawing(L, grads=[None] * (n - 1) + [1.0])
    texts = [n.cells[2] for n in drawing.nodes if n.shape == "record"]
    assert texts == ["grad —"] * (n - 1) + ["grad 1.0000"]
    with pytest.raises(ValueError, match="one per node"):
        build_drawing(L, grads=[0.0])


# ---- a broken dot, big drawings ----


def fake_dot(tmp_path, script):
    """A `dot` program on PATH that runs `script` (sh) instead of Graphviz."""
    folder = tmp_path / "bin"
    folder.mkdir()
    dot = folder / "dot"
    dot.write_text("#!/bin/sh\n" + script + "\n")
    dot.chmod(0o755)
    return str(folder)


@pytest.mark.parametrize("script", [
    "echo 'dot: error while loading shared libraries: libgvc.so.6' >&2; exit 127",
    'if [ "$1" = "-V" ]; then echo "dot - graphviz version 9" >&2; exit 0; fi\n'
    "echo \"Format: 'svg' not recognized. No formats found.\" >&2; exit 1",
], ids=["fails always", "dot -V works, drawing fails"])
def test_a_broken_dot_falls_back_to_the_built_in_layout(tmp_path, monkeypatch, capsys, script):
    folder = fake_dot(tmp_path, script)
    monkeypatch.setenv("PATH", folder + ":/bin:/usr/bin")
    assert shutil.which("dot") == folder + "/dot"
    monkeypatch.setattr(graph_module, "_hint_printed", False)
    g = draw_graph(expression())
    assert isinstance(g, SVGGraph) and g.svg.startswith("<svg")
    err = capsys.readouterr().err
    assert f"Graphviz's `dot` program ({folder}/dot) is installed but fails (" in err
    assert "simpler built-in layout" in err and "reinstall" in err
    assert isinstance(draw_graph(expression()), SVGGraph)  # checked once, still the fallback
    assert capsys.readouterr().err == ""  # the hint is printed once


@needs_dot
def test_a_working_dot_is_checked_once(monkeypatch):
    monkeypatch.setattr(graph_module, "_dot_checked", {})
    assert isinstance(draw_graph(expression()), graphviz.Digraph)
    assert graph_module._dot_checked == {shutil.which("dot"): ""}


def wide_mlp_graph(width):
    from backproplab.nn import ScalarMLP

    out = ScalarMLP(2, [width, width], 1, seed=0)([Value(0.5), Value(-0.3)])
    out.backward()
    return out


def test_a_big_drawing_warns_first_and_the_layout_scales(no_dot):
    root = wide_mlp_graph(17)  # 1,091 nodes: 1,805 boxes and ovals
    start = time.perf_counter()
    with pytest.warns(UserWarning) as caught:
        g = draw_graph(root, max_nodes=None)
    seconds = time.perf_counter() - start
    assert len(caught) == 1
    assert str(caught[0].message) == (
        "draw_graph: drawing 1805 boxes and ovals (max_nodes=None); at this size the built-in"
        " layout takes seconds and the picture is hard to read. Pass max_nodes=150 (the"
        " default) to summarise the graph, or draw a smaller part of it")
    assert caught[0].filename == __file__  # points at the caller's line
    assert drawn_count(g.svg) == 1805
    assert seconds < 10  # 17 s before the crossing count became O(E log V); ~0.3 s now


def test_drawings_within_the_limit_do_not_warn(no_dot, recwarn):
    draw_graph(wide_mlp_graph(17))  # summarised to 150
    draw_graph(wide_mlp_graph(8), max_nodes=None)  # 491 boxes and ovals
    assert len(recwarn) == 0


@needs_dot
def test_a_big_dot_drawing_warns_too(monkeypatch):
    monkeypatch.setattr(graph_module, "SLOW_NODES", 5)
    with pytest.warns(UserWarning, match=r"^draw_graph: drawing 10 boxes and ovals \(max_nodes"
                      r"=None\); at this size Graphviz's dot can take minutes"):
        g = draw_graph(expression(), max_nodes=None)
    assert isinstance(g, graphviz.Digraph)


def brute_force_crossings(layer_a, layer_b, links):
    pa = {v: i for i, v in enumerate(layer_a)}
    pb = {v: i for i, v in enumerate(layer_b)}
    pairs = [(pa[a], pb[b]) for a, b in links]
    return sum(1 for i, (a1, b1) in enumerate(pairs) for a2, b2 in pairs[i + 1:]
               if (a1 - a2) * (b1 - b2) < 0)


def test_crossing_count_equals_comparing_every_pair():
    from backproplab.graph_order import _crossings

    rng = np.random.default_rng(0)
    for _ in range(200):
        na, nb = rng.integers(1, 8, size=2)
        layer_a, layer_b = list(range(na)), list(range(100, 100 + nb))
        rng.shuffle(layer_a)
        rng.shuffle(layer_b)
        links = [(int(rng.integers(na)), 100 + int(rng.integers(nb)))
                 for _ in range(rng.integers(0, 12))]  # repeats: a reused input
        expected = brute_force_crossings(layer_a, layer_b, links)
        got = _crossings({v: i for i, v in enumerate(layer_a)},
                         {v: i for i, v in enumerate(layer_b)}, links)
        assert got == expected
    assert _crossings({0: 0, 1: 1}, {2: 0, 3: 1}, [(0, 3), (1, 2)]) == 1
    assert _crossings({0: 0, 1: 1}, {2: 0, 3: 1}, [(0, 2), (1, 3), (0, 2)]) == 0


def test_built_in_drawing_of_a_known_graph_is_unchanged(no_dot):
    """A fingerprint of the built-in SVG of an MLP graph, from before the layout was made
    faster: the same boxes at the same places."""
    import hashlib

    svg = draw_graph(wide_mlp_graph(3), max_nodes=None).svg
    assert hashlib.sha256(svg.encode()).hexdigest()[:16] == "2e402dead20612a1"


@pytest.mark.parametrize("max_nodes", [0, 2, -1, 50.5, "150", True])
def test_max_nodes_must_be_a_whole_number_of_at_least_3(max_nodes):
    """Before, max_nodes=0 drew a small graph whole, and 50.5 or "150" failed deep inside."""
    with pytest.raises(ValueError, match=re.escape(
            "draw_graph: max_nodes must be a whole number of at least 3 (boxes and ovals to"
            f" draw), or None to draw every node; got {max_nodes!r}")):
        build_drawing(expression(), max_nodes=max_nodes)
