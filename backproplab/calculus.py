"""Figures for lesson 01 (derivatives and the chain rule) that `plots.py` does not have.

    plot_secants(f, df, x0, hs)          secant lines closing in on the tangent
    plot_derivative_check(f, dfs, xlim)  derivative formulas against finite differences
    SecantExplorer(f, df, x0)            an app: a slider for h moves the secant, and
                                         the error of the estimate against h

The figures follow the conventions of `plots.py`: they return a Figure that Jupyter shows
once (made with `plots.new_figure`), drawn in the package's colours. (The third figure of
lesson 01, the error of finite differences against h, is
`plots.plot_numerical_derivative_error`.) The app shows itself as `widget_display`
describes: the live widget, and a picture of its current state for viewers without a
kernel.
"""

import html

import ipywidgets as widgets
import numpy as np

from .plots import CLASS_COLORS, new_figure
from .widget_display import app_bundle, figure_png, new_app_figure, picture_output, show_png


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


def plot_derivative_check(f, dfs, xlim, h=1e-5, n_dots=21, f_label="f(x)"):
    """f (top) and candidate formulas for its derivative (bottom, lines) against the
    central difference (bottom, dots).

    dfs: {label: function} of formulas for f'(x), each working on numpy arrays. The
    dots are (f(x + h) - f(x - h)) / 2h at `n_dots` points: a formula whose line runs
    through every dot is right, one that misses them is wrong. f_label names f on the
    top panel's y axis, e.g. "y = sin(x²)".
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
    top.set(ylabel=f_label, title=f"{f_label} (top) and formulas for its slope (bottom)")
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


class SecantExplorer:
    """An app for lesson 01: drag h and watch the secant through x0 and x0 + h turn into
    the tangent (left), and the error of the estimate against h (right, log-log).

    The secant's slope is the forward difference (f(x0 + h) - f(x0)) / h; the central
    difference (f(x0 + h) - f(x0 - h)) / 2h is shown too. Their errors against df(x0)
    fall like h and h**2 while h is large (truncation) and rise like eps / h once h is
    tiny (rounding): the right panel draws both curves over `h_range` and marks the
    current h on them. f and df work elementwise on numpy arrays.

    In code: set `slider.value` (h), read `slope`, `central`, `text.value`, `fig`.
    """

    def __init__(self, f, df, x0, h=0.5, h_range=(1e-12, 1.0)):
        low, high = (float(v) for v in h_range)
        if not 0 < low < high:
            raise ValueError(f"SecantExplorer: h_range must be two positive steps, smallest"
                             f" first, e.g. (1e-12, 1.0); got {h_range!r}")
        if not low <= float(h) <= high:
            raise ValueError(f"SecantExplorer: h = {h!r} is outside h_range = {h_range!r}")
        self.f, self.df, self.x0 = f, df, float(x0)
        self.exact = float(df(self.x0))
        self.slider = widgets.FloatLogSlider(
            value=float(h), base=10, min=np.log10(low), max=np.log10(high), step=0.25,
            description="h", readout_format=".1e", continuous_update=False)
        self.text = widgets.HTML()
        self.output = picture_output(min_width=480)
        self.widget = widgets.VBox([self.slider, self.text, self.output],
                                   layout={"width": "100%"})
        self._draw_fixed(low, high)
        self.slider.observe(lambda change: self._show(change["new"]), names="value")
        self._show(self.slider.value)

    def forward_and_central(self, h):
        """The two estimates of f'(x0) with step h."""
        f, x0 = self.f, self.x0
        return (float(f(x0 + h)) - float(f(x0))) / h, \
            (float(f(x0 + h)) - float(f(x0 - h))) / (2 * h)

    def _draw_fixed(self, low, high):
        """What does not move: f, the tangent, and both error curves."""
        f, x0, y0 = self.f, self.x0, float(self.f(self.x0))
        self.fig = new_app_figure((10, 4))
        self.ax_curve, self.ax_error = self.fig.subplots(1, 2, width_ratios=(1, 1.1))
        self.fig.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.88, wspace=0.28)
        x = np.linspace(x0 - 0.4 * high, x0 + 1.15 * high, 300)
        ax = self.ax_curve
        ax.plot(x, f(x), color="black", lw=2, label="f(x)")
        ax.plot(x, y0 + self.exact * (x - x0), color=CLASS_COLORS[1], lw=2,
                label=f"tangent, slope f'({x0:g}) = {self.exact:.4g}")
        (self.secant,) = ax.plot([], [], color=CLASS_COLORS[0], lw=1.6, ls="--",
                                 label="secant through x0 and x0 + h")
        (self.points,) = ax.plot([], [], "o", color=CLASS_COLORS[0], ms=6)
        ax.plot([x0], [y0], "o", color=CLASS_COLORS[1], ms=7, zorder=5)
        fx = f(x)
        pad = 0.1 * (np.max(fx) - np.min(fx))
        ax.set(xlim=(x[0], x[-1]), ylim=(np.min(fx) - pad, np.max(fx) + pad),
               xlabel="x", ylabel="f(x)")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize=10)  # 10 pt = 10 CSS px in an app picture
        hs = np.logspace(np.log10(low), np.log10(high), 97)
        errors = np.array([self.forward_and_central(h) for h in hs]) - self.exact
        errors = np.abs(errors)
        ax = self.ax_error
        for k, label in enumerate(["forward (secant)", "central"]):
            ax.loglog(hs, np.where(errors[:, k] > 0, errors[:, k], np.nan), "-",
                      color=CLASS_COLORS[k], lw=1.4, label=f"{label} difference")
        self.markers = [ax.plot([], [], marker, color=CLASS_COLORS[k], ms=9, mec="black",
                                zorder=5)[0] for k, marker in enumerate("os")]
        self.h_line = ax.axvline(high, color="grey", lw=1, ls=":")
        ax.set(xlabel="step h", ylabel=f"|estimate - f'({x0:g})|")
        ax.grid(alpha=0.3, which="major")
        ax.legend(loc="upper center", fontsize=10)

    def _show(self, h):
        h = float(h)
        f, x0, y0 = self.f, self.x0, float(self.f(self.x0))
        self.slope, self.central = self.forward_and_central(h)
        x = np.array(self.ax_curve.get_xlim())
        self.secant.set_data(x, y0 + self.slope * (x - x0))
        self.points.set_data([x0, x0 + h], [y0, float(f(x0 + h))])
        errors = (abs(self.slope - self.exact), abs(self.central - self.exact))
        for marker, error in zip(self.markers, errors, strict=True):
            marker.set_data([h], [error] if error > 0 else [])
        self.h_line.set_xdata([h, h])
        self.ax_curve.set_title(f"h = {h:.1e}: secant slope {self.slope:.10g}", fontsize=11)
        self.ax_error.set_title(f"errors at h = {h:.1e}: forward {errors[0]:.1e},"
                                f" central {errors[1]:.1e}", fontsize=11)
        self.text.value = "<br>".join(html.escape(line) for line in self.lines())
        self._png = figure_png(self.fig)
        show_png(self.output, self._png)

    def lines(self):
        """What the text above the picture says, one string per line."""
        h, exact = self.slider.value, self.exact
        return [f"h = {h:.1e}:  forward difference (the secant's slope) {self.slope:.10g},"
                f" error {abs(self.slope - exact):.2e}",
                f"{'':11}central difference {self.central:.10g},"
                f" error {abs(self.central - exact):.2e};  f'({self.x0:g}) = {exact:.10g}"]

    def _repr_mimebundle_(self, include=None, exclude=None):
        return app_bundle(self.widget, "\n".join(self.lines()), png=self._png)
