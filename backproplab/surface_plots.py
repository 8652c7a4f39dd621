"""Loss surfaces and the paths optimizers take across them (lesson 08).

`plot_loss_surface` draws contours of f(x, y) with optimizer paths on top, each in the
colour `plots.optimizer_color` gives it; `plot_loss_curves` draws their losses against
the step. Used by lesson 08 and the `OptimizerRace` app.
"""

import numpy as np
from matplotlib.colors import LogNorm

from .plots import (
    CLASS_COLORS,
    SPARE_COLORS,
    log_scale_if_wide,
    new_figure,
    optimizer_color,
    optimizer_marker,
)

LOSS_CLIP = 1e6  # the loss panel cuts a curve where |loss| passes this many times its start


def plot_loss_surface(f, paths=None, xlim=(-2, 2), ylim=(-1, 3), levels=30, log_levels=True,
                      ax=None, resolution=300, minima=None, title=None):
    """Contours of a 2-D function f(x, y), with optimizer trajectories on top.

    f works elementwise on numpy arrays (use np.sin, not math.sin). Contour levels are
    log-spaced when `log_levels` and f > 0 on the grid (narrow valleys then show),
    otherwise evenly spaced. `paths` is {name: array of shape (steps + 1, 2)}, each
    drawn in `optimizer_color(name)` from a circle (start) to a star (end). A path that
    leaves the plot is drawn up to the edge, and one that becomes NaN or inf up to its
    last finite point; the legend says so ("Adam (left the plot at step 12)").
    `minima`, one point (x, y) or a list of them, are marked with black plus signs
    (a path that is cut off ends in a cross in its own colour).
    Introduced in lesson 08 (optimizers).
    """
    xx, yy = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    Z = _evaluate_surface(f, xx, yy)
    own_figure = ax is None  # then the legend goes outside, on the right
    if own_figure:
        _, ax = new_figure(figsize=(9, 6), layout="constrained")
    fig = ax.figure
    finite = Z[np.isfinite(Z)]
    if finite.size == 0:
        raise ValueError("plot_loss_surface: f is NaN or infinite everywhere on the grid")
    zmin, zmax = finite.min(), finite.max()
    if log_levels and zmin >= 0 and zmax > 0:
        lowest = max(finite[finite > 0].min(), zmax * 1e-9)
        lv, norm = np.geomspace(lowest, zmax, levels), LogNorm(lowest, zmax)
        Z = np.where(Z > lowest, Z, lowest)  # zeros (the minimum) get the lowest colour
    else:
        lv, norm = np.linspace(zmin, zmax, levels), None
    ax.contourf(xx, yy, Z, levels=lv, norm=norm, cmap="Greys_r", alpha=0.55)
    ax.contour(xx, yy, Z, levels=lv, norm=norm, colors="grey", linewidths=0.4, alpha=0.6)
    marks = np.asarray(minima if minima is not None else [], dtype=float).reshape(-1, 2)
    if len(marks):
        ax.plot(marks[:, 0], marks[:, 1], "P", ls="", color="white", mec="black", ms=12, mew=1.5,
                label="minimum" if len(marks) == 1 else "minima", zorder=5)
    plot_paths(ax, paths or {}, xlim, ylim)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set(xlabel="x", ylabel="y", title=title or "loss surface")
    spacing = "log-spaced" if norm is not None else "evenly spaced"
    if (paths or len(marks)) and own_figure:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), alignment="left",
                  title=f"circle: start, star: end,\nX: cut off here, +: minimum\n"
                        f"(darker = lower f,\ncontours {spacing})", title_fontsize=10)
    elif paths or len(marks):  # in someone else's layout: inside, and short
        ax.legend(loc="best", fontsize=10, framealpha=0.85)
    return fig


def plot_paths(ax, paths, xlim, ylim):
    """Draw optimizer paths {name: (steps + 1, 2) array} on `ax`, each in its colour from
    a circle (start) to a star (end), clipped to the plot (see `clip_path`).
    Returns the artists drawn, so an app can remove them and draw new paths."""
    artists, used = [], set()
    for name, path in paths.items():
        color = optimizer_color(name)
        if color is None or color in used:
            color = next(c for c in SPARE_COLORS + CLASS_COLORS if c not in used)
        used.add(color)
        shown, note, ended = clip_path(path, xlim, ylim, name=name)
        label = f"{name} ({note})" if note else name
        artists += ax.plot(shown[:, 0], shown[:, 1], "-", marker=optimizer_marker(name),
                           color=color, lw=1.8, ms=3, markevery=max(1, len(shown) // 25),
                           label=label, zorder=4)
        if len(shown):
            artists += ax.plot(*shown[0], "o", color=color, ms=9, mec="white", mew=1.2,
                               zorder=6, clip_on=False)
            artists += ax.plot(*shown[-1], "*" if ended else "X", color=color,
                               ms=15 if ended else 11, mec="white", mew=1.0, zorder=6,
                               clip_on=False)  # the whole marker, also at an edge
    return artists


def plot_loss_curves(losses, ax=None):
    """The loss against the step for each optimizer: {name: losses}, one colour each.

    Log scale when the losses are positive and span more than two decades; a symmetric
    log scale (linear near 0) when some are negative, as on a surface that falls
    forever. A curve stops at its first NaN or inf, or where |loss| passes LOSS_CLIP
    times its start (at least 1), and the legend says so: such values never set the
    axis limits. Lesson 08 (optimizers).
    """
    if ax is None:
        _, ax = new_figure(figsize=(7, 4.5), layout="constrained")
    shown, used = [], set()
    for i, (name, values) in enumerate(losses.items()):
        v, note = clip_losses(values)
        label = f"{name} ({note})" if note else name
        color = optimizer_color(name)
        if color is None or color in used:  # "SGD lr=0.1" and "SGD lr=1" need two colours
            color = next((c for c in SPARE_COLORS + CLASS_COLORS if c not in used),
                         SPARE_COLORS[i % len(SPARE_COLORS)])
        used.add(color)
        ax.plot(np.arange(len(v)), v, color=color, lw=1.8, label=label,
                marker=optimizer_marker(name) if len(v) > 1 else "o", ms=4,
                markevery=max(1, len(v) // 10))  # markers tell the curves apart without colour
        shown.append(v)
    values = np.concatenate(shown) if shown else np.array([])
    if values.size and values.min() < 0:
        ax.set_yscale("symlog", linthresh=1.0)
        ax.set_ylabel("loss (symmetric log scale)")
    else:
        log_scale_if_wide(ax, values)
        ax.set_ylabel("loss")
    if values.size and values.max() > values.min():  # limits from the drawn values only
        lo, hi = values.min(), values.max()
        if ax.get_yscale() == "linear":
            pad = 0.05 * (hi - lo)
            ax.set_ylim(lo - pad, hi + pad)
        else:  # a factor 1.5 of room on a log or symlog axis
            ax.set_ylim(lo * 1.5 if lo < 0 else lo / 1.5, hi * 1.5 if hi > 0 else hi / 1.5)
    if losses:
        ax.legend(fontsize=10)
    ax.set(title="loss against step", xlabel="step")
    ax.grid(alpha=0.3)
    return ax.figure


def clip_losses(values):
    """(the losses to draw, note): cut at the first NaN/inf or |loss| > LOSS_CLIP x start."""
    v = np.asarray(values, dtype=float).ravel()
    bad = np.flatnonzero(~np.isfinite(v))  # steps whose loss is NaN or inf
    limit = LOSS_CLIP * max(1.0, abs(v[0])) if v.size and np.isfinite(v[0]) else np.inf
    with np.errstate(invalid="ignore"):
        huge = np.flatnonzero(np.abs(v) > limit)
    if huge.size and (not bad.size or huge[0] < bad[0]):
        k = huge[0]
        return v[:k], f"{'fell below' if v[k] < 0 else 'rose above'} {np.sign(v[k]) * limit:.3g}" \
                      f" at step {k}: cut off"
    if bad.size:
        k = bad[0]
        return v[:k], f"became {'NaN' if np.isnan(v[k]) else 'inf'} at step {k}"
    return v, ""


def clip_path(path, xlim, ylim, name="path"):
    """The part of a path to draw: (points, note, ended_inside).

    Rows after the first NaN/inf row are cut. A path that leaves the box xlim x ylim
    is cut where it crosses the edge (that crossing point is its last point).
    `note` is "" or says what happened, with the step (row number) where it did.
    """
    P = np.asarray(path, dtype=float)
    if P.ndim != 2 or P.shape[1] != 2:
        raise ValueError(f"plot_loss_surface: path {name!r} has shape {P.shape}; give an array"
                         " of (x, y) points of shape (steps + 1, 2), row 0 the start")
    (xa, xb), (ya, yb) = xlim, ylim
    for k, (x, y) in enumerate(P):
        if not (np.isfinite(x) and np.isfinite(y)):
            return P[:k], f"became {'NaN' if np.isnan([x, y]).any() else 'inf'} at step {k}", False
        if not (xa <= x <= xb and ya <= y <= yb):
            if k == 0:
                return P[:0], "starts outside the plot", False
            edge = _edge_crossing(P[k - 1], P[k], (xa, ya), (xb, yb))
            return np.vstack([P[:k], edge]), f"left the plot at step {k}", False
    return P, "", True


def _edge_crossing(a, b, lo, hi):
    """Where the segment from a (inside the box lo..hi) to b (outside) crosses the edge."""
    t = 1.0
    with np.errstate(all="ignore"):
        for d in range(2):
            if b[d] > hi[d]:
                t = min(t, (hi[d] - a[d]) / (b[d] - a[d]))
            elif b[d] < lo[d]:
                t = min(t, (lo[d] - a[d]) / (b[d] - a[d]))
    t = t if np.isfinite(t) else 0.0
    return np.clip(a + t * (b - a), lo, hi)


def _evaluate_surface(f, xx, yy):
    try:
        with np.errstate(all="ignore"):
            Z = np.asarray(f(xx, yy), dtype=float)
    except TypeError as e:
        raise TypeError(f"plot_loss_surface: f(x, y) failed on numpy arrays ({e}); write f with"
                        " numpy functions (np.sin, not math.sin) so it works elementwise") from e
    if Z.shape != xx.shape:
        raise ValueError(f"plot_loss_surface: f(x, y) on arrays of shape {xx.shape} returned"
                         f" shape {Z.shape}; f must work elementwise, one value per point")
    return Z
