"""Graph drawing benchmark: draw_graph's built-in layout (used without Graphviz) on
computation graphs of a growing ScalarMLP, from 500 to 9,000 boxes and ovals, drawn
whole (max_nodes=None). Run with `make bench`.

Each row times, in the same run (median of a few repetitions):
  floor   build_drawing: the topological order plus the text of every box, the least
          work any drawing needs (the topological sort alone is also printed);
  layout  graph_layout.render_svg: ranks, order within ranks, positions, SVG text.

Target (issue 12, "Nothing silently wrong"): <= 3 s for 2,000 drawn boxes and ovals on
a 2-core machine, and a layout/floor ratio that grows about linearly with the size
(it grew with the square of the size before the crossing count became O(E log V):
435/876/1751 boxes and ovals took 0.7/3.2/17 s).
"""

import statistics
import time
import warnings

from backproplab import Value, topological_sort
from backproplab.graph import build_drawing
from backproplab.graph_layout import render_svg
from backproplab.nn import ScalarMLP

TARGET_SECONDS, TARGET_NODES = 3.0, 2000


def mlp_graph(width):
    """The graph of one forward pass of ScalarMLP(2, [width, width], 1), after backward."""
    out = ScalarMLP(2, [width, width], 1, seed=0)([Value(0.5), Value(-0.3)])
    out.backward()
    return out


def median_seconds(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    print(f"{'width':>5}{'graph nodes':>13}{'drawn':>7}{'topo ms':>9}{'floor ms':>10}"
          f"{'layout s':>10}{'x floor':>9}  target")
    verdicts = []
    for width in (8, 12, 18, 26, 40):
        root = mlp_graph(width)
        repeats = 5 if width <= 18 else 3
        topo = median_seconds(lambda root=root: topological_sort(root), repeats)
        floor = median_seconds(lambda root=root: build_drawing(root, max_nodes=None), repeats)
        drawing = build_drawing(root, max_nodes=None)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            seconds = median_seconds(lambda drawing=drawing: render_svg(drawing), repeats)
        drawn = len(drawing.nodes)
        target = ""
        if TARGET_NODES * 0.9 <= drawn <= TARGET_NODES * 1.1:
            ok = seconds <= TARGET_SECONDS
            verdicts.append(ok)
            target = f"<= {TARGET_SECONDS:g} s: {'ok' if ok else 'MISSED'}"
        print(f"{width:>5}{len(topological_sort(root)):>13}{drawn:>7}{topo * 1e3:>9.2f}"
              f"{floor * 1e3:>10.1f}{seconds:>10.2f}{seconds / floor:>9.1f}  {target}")
    if not verdicts:
        print("no row near the target size: change the widths")


if __name__ == "__main__":
    main()
