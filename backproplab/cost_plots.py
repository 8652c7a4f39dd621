"""The figure of lesson 04's "why backprop is cheap": the cost of one gradient, by finite
differences and by backprop, against the number of parameters (see `cost.py`).

Returns its Figure, closed in pyplot, like every function of `plots.py`.
"""

import numpy as np

from .plots import TRAIN_COLOR, VAL_COLOR, new_figure

FD_COLOR = VAL_COLOR  # finite differences: vermillion
BP_COLOR = TRAIN_COLOR  # backprop: blue


def plot_gradient_cost(costs):
    """Two log-log panels for a list of `cost.GradientCost`, one per network size:
    left, the ops evaluated (exact counts); right, the CPU seconds measured (they vary from
    machine to machine, the slopes do not); each y axis names its quantity. Finite
    differences grow like P**2 for P parameters, backprop like P: grey guides of slope 2
    and 1 pass through the largest network's points."""
    if not costs:
        raise ValueError("plot_gradient_cost: got no measurements; pass the list returned by"
                         " measure_gradient_cost for a few network sizes")
    costs = sorted(costs, key=lambda c: c.n_params)
    P = np.array([c.n_params for c in costs], dtype=float)
    fig, (ax_ops, ax_time) = new_figure(1, 2, figsize=(10, 4.6), layout="constrained")
    panels = (
        (ax_ops, [c.fd_ops for c in costs], [c.bp_ops for c in costs],
         "ops evaluated for one gradient (exact count)", "ops evaluated"),
        (ax_time, [c.fd_seconds for c in costs], [c.bp_seconds for c in costs],
         "time for one gradient (this machine)", "CPU seconds (best of a few runs)"),
    )
    for ax, fd, bp, title, ylabel in panels:
        ax.loglog(P, fd, "o-", color=FD_COLOR, label="finite differences (2 passes per parameter)")
        ax.loglog(P, bp, "s-", color=BP_COLOR, label="backprop (1 forward + 1 backward pass)")
        for y, slope, style in ((fd[-1], 2, ":"), (bp[-1], 1, "--")):  # guides through the
            ax.loglog(P, y * (P / P[-1]) ** slope, style, color="#888888", lw=1,  # last point
                      label=f"grows like P{'²' if slope == 2 else ''} (guide)")
        ax.set_xlabel("number of parameters P")
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontsize=11)
        ax.grid(True, which="major", alpha=0.3)
    fig.legend(*ax_ops.get_legend_handles_labels(), loc="outside lower center", ncol=2,
               fontsize=9, frameon=False)
    return fig
