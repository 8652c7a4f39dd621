"""Figures for lesson 01 (derivatives and the chain rule) that `plots.py` does not have.

    plot_secants(f, df, x0, hs)          secant lines closing in on the tangent
    plot_derivative_check(f, dfs, xlim)  derivative formulas against finite differences

Both follow the conventions of `plots.py`: they return a Figure that Jupyter shows once
(made with `plots.new_figure`), drawn in the package's colours. (The third figure of
lesson 01, the error of finite differences against h, is
`plots.plot_numerical_derivative_error`.)
"""

import numpy as np

from .plots import CLASS_COLORS, new_figure


def plot_secants(f, df, x0, hs, xlim=None, ax=None):
    """f near x0, the secant lines through (x0, f(x0)) and (x0 + h, f(x0 + h)) for each
    h in `hs`, and the tangent line of slope df(x0), which the secants approach.

    f and df work elementwise on numpy arrays. The legend gives each line's slope.
    xlim defaults to x0 - 0.4*max(hs) .. x0 + 1.15*max(hs).
    """
    hs = np.asarray(hs, dtype=float)
    if hs.ndim != 1 or hs.size == 0 or np.any(hs == 0):
        raise ValueError("plot_secants: hs must be a 1-d list of non-zero steps, e.g."
                         " [1.0, 0.5, 0.1]")
    x0, big = float(x0), float(np.max(np.abs(hs)))
    if xlim is None:
        xlim = (x0 - 0.4 * big, x0 + 1.15 * big)
    x = np.linspace(*xlim, 400)
    if ax is None:
        _, ax = new_figure(figsize=(7, 4.8), layout="constrained")
    y0, slope = float(f(x0)), float(df(x0))
    ax.plot(x, f(x), color="black", lw=2.2, label="f(x)", zorder=3)
    grey = np.linspace(0.75, 0.35, len(hs))  # the smaller h, the darker its line
    for h, shade in zip(hs, grey):
        s = (float(f(x0 + h)) - y0) / h
        colour = (shade, shade, shade)
        ax.plot(x, y0 + s * (x - x0), color=colour, lw=1.4, ls="--",
                label=f"secant, h = {h:g}: slope {s:.4g}")
        ax.plot([x0 + h], [float(f(x0 + h))], "o", color=colour, ms=6, zorder=4)
    ax.plot(x, y0 + slope * (x - x0), color=CLASS_COLORS[1], lw=2,
            label=f"tangent: slope f'({x0:g}) = {slope:.4g}", zorder=2)
    ax.plot([x0], [y0], "o", color=CLASS_COLORS[1], ms=8, zorder=5)
    fx = f(x)
    pad = 0.1 * (np.max(fx) - np.min(fx))
    ax.set_xlim(*xlim)
    ax.set_ylim(np.min(fx) - pad, np.max(fx) + pad)
    ax.set(xlabel="x", ylabel="f(x)",
           title=f"secants through x0 = {x0:g} and x0 + h turn into the tangent as h shrinks")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=9)
    return ax.figure


def plot_derivative_check(f, dfs, xlim, h=1e-5, n_dots=21):
    """f (top) and candidate formulas for its derivative (bottom, lines) against the
    central difference (bottom, dots).

    dfs: {label: function} of formulas for f'(x), each working on numpy arrays. The
    dots are (f(x + h) - f(x - h)) / 2h at `n_dots` points: a formula whose line runs
    through every dot is right, one that misses them is wrong.
    """
    if not dfs:
        raise ValueError("plot_derivative_check: give at least one formula, e.g."
                         " {\"2x cos(x^2)\": lambda x: 2 * x * np.cos(x**2)}")
    pad = 0.02 * (xlim[1] - xlim[0])  # room for the dots at both ends
    x = np.linspace(xlim[0] - pad, xlim[1] + pad, 400)
    dots = np.linspace(*xlim, n_dots)
    fig, (top, bottom) = new_figure(2, 1, figsize=(7.5, 5.6), sharex=True,
                                    height_ratios=(1, 2), layout="constrained")
    top.plot(x, f(x), color="black", lw=2)
    top.set(ylabel="f(x)", title="f (top) and formulas for its slope f'(x) (bottom)")
    colours = [CLASS_COLORS[0], CLASS_COLORS[2], CLASS_COLORS[3], CLASS_COLORS[4]]
    for i, (label, df) in enumerate(dfs.items()):
        bottom.plot(x, df(x), color=colours[i % len(colours)], lw=2, label=label)
    numeric = (f(dots + h) - f(dots - h)) / (2 * h)
    bottom.plot(dots, numeric, "o", color=CLASS_COLORS[1], ms=6, mec="white", mew=0.8,
                label=f"central difference, h = {h:g}", zorder=5)
    bottom.set(xlabel="x", ylabel="slope f'(x)")
    bottom.legend(loc="upper left", bbox_to_anchor=(0, -0.16), ncols=2, fontsize=9,
                  frameon=False)
    for ax in (top, bottom):
        ax.axhline(0, color="grey", lw=0.6)
        ax.grid(alpha=0.3)
        ax.set_xlim(xlim[0] - pad, xlim[1] + pad)
    return fig
