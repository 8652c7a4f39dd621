"""Figures for the lessons: training curves, decision boundaries, loss surfaces, derivatives.

    plot_numerical_derivative_error   lesson 01 (derivatives)
    plot_history, plot_decision_boundary   lesson 07 (training an MLP)
    plot_training_curves, plot_layer_grad_norms   lesson 07, in the playground of lesson 09
    plot_loss_surface, plot_loss_curves   lesson 08 (optimizers)
    plot_activation_functions         lesson 10 (diagnosing gradients)

Colours are defined once, here, and used by every figure and widget of the package:
`CLASS_COLORS` (class k gets CLASS_COLORS[k]) and `OPTIMIZER_COLORS` (keyed by the
names of `optim.OPTIMIZERS`). They come from Okabe and Ito's palette, which stays
distinguishable for colour-blind readers; each optimizer also has its own marker
(`OPTIMIZER_MARKERS`), so its line can be told apart without colour.

Every function returns its `Figure`, made with pyplot and closed in pyplot before it is
returned (`new_figure`). In Jupyter a cell ending with `plot_history(history)` then shows
exactly one image, through the Figure's repr; `fig = plot_history(history)` shows none
until a line says `fig`. Save with `fig.savefig("name.png", dpi=150, bbox_inches="tight")`.
Why (checked by running a notebook, matplotlib 3.11, matplotlib-inline 0.2): the inline
backend also shows every pyplot figure still open at the end of the cell, so an open
figure that is returned appears twice; a `matplotlib.figure.Figure()` made without pyplot
shows only the text `<Figure ...>` until pyplot has set up the inline backend.
With your own `ax=` (or `axes=`) nothing is closed and `ax.figure` is returned: pyplot
shows it at the end of the cell, so end that last line with `;`.
"""

import textwrap
import warnings

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colormaps
from matplotlib.colors import ListedColormap
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .nn import ACTIVATIONS, ScalarMLP
from .tensor import Tensor
from .train import accuracy

# Okabe & Ito (2008): blue, vermillion, bluish green, reddish purple, orange, sky blue,
# yellow, black. Class 0 is blue, class 1 vermillion, class 2 green, ...
CLASS_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
                "#F0E442", "#000000")

OPTIMIZER_COLORS = {  # seven hues that differ also for colour-blind readers (Okabe & Ito,
    "SGD": "#0072B2",  # blue                              plus Tol's wine); each optimizer
    "Momentum": "#009E73",  # bluish green                 also has its own marker below
    "Nesterov": "#882255",  # wine
    "RMSprop": "#CC79A7",  # reddish purple
    "Adam": "#D55E00",  # vermillion
    "AdamW": "#000000",  # black
    "Adagrad": "#56B4E9",  # sky blue
}
OPTIMIZER_MARKERS = {"SGD": "o", "Momentum": "s", "Nesterov": "D", "RMSprop": "v",
                     "Adam": "^", "AdamW": "p", "Adagrad": "h"}
# for paths whose name is not an optimizer's, or when two paths would share a colour
SPARE_COLORS = ("#882255", "#44AA99", "#999933", "#AA4499", "#661100", "#6699CC", "#888888")

TRAIN_COLOR = "#0072B2"
VAL_COLOR = "#D55E00"
GRAD_COLOR = "#009E73"
WARN_COLOR = "#B2182B"  # messages about divergence


def new_figure(nrows=1, ncols=1, figsize=(6.4, 4.8), **kwargs):
    """`plt.subplots(...)` for a figure that Jupyter shows once (see the module docstring)."""
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, **kwargs)
    plt.close(fig)
    return fig, axes


def layer_color(i, n):
    """The colour of layer i of n: dark purple (first layer) to light green (last)."""
    return colormaps["viridis"](0.85 * i / max(n - 1, 1))


def class_color(k):
    """The colour of class k (0, 1, 2, ...), the same in every figure."""
    return CLASS_COLORS[int(k) % len(CLASS_COLORS)]


def optimizer_marker(name):
    """The marker of an optimizer (as `optimizer_color` finds it), "o" for other names."""
    for known in sorted(OPTIMIZER_MARKERS, key=len, reverse=True):
        if str(name).startswith(known):
            return OPTIMIZER_MARKERS[known]
    return "o"


def optimizer_color(name):
    """The colour of an optimizer: exact name, else the longest name it starts with.

    "Adam" -> vermillion, "Adam lr=0.1" -> vermillion, "AdamW" -> orange.
    """
    if name in OPTIMIZER_COLORS:
        return OPTIMIZER_COLORS[name]
    for known in sorted(OPTIMIZER_COLORS, key=len, reverse=True):
        if str(name).startswith(known):
            return OPTIMIZER_COLORS[known]
    return None


# ---------- lesson 07: training curves and decision boundaries ----------


def plot_history(history, axes=None, title=None):
    """Loss, accuracy (for classification) and gradient norm of a `train.History`.

    One panel each, against the step number. The validation loss and accuracy are
    drawn as dots when `fit` had `val=`. A panel uses a log scale when its values
    span more than two decades. If training diverged (or was interrupted), the
    message of `fit` is the figure's title and a dashed line marks the step.
    Introduced in lesson 07 (training an MLP).
    """
    if not history.steps:
        raise ValueError("plot_history: the history has no steps yet; train first, e.g."
                         " history = fit(model, X, y, 'bce', optimizer, steps=200)")
    panels = ["loss"] + (["accuracy"] if history.accuracy else []) + ["gradient norm"]
    if axes is None:
        _, axes = new_figure(1, len(panels), figsize=(3.6 * len(panels), 3.6),
                             layout="constrained")
    axes = list(np.ravel(axes))
    if len(axes) != len(panels):
        raise ValueError(f"plot_history: this history needs {len(panels)} axes"
                         f" ({', '.join(panels)}), got {len(axes)}")
    fig = plot_training_curves(history, axes[0], axes[1] if history.accuracy else None)
    ax = axes[-1]
    ax.plot(history.steps, history.grad_norm, color=GRAD_COLOR, lw=1.5, marker=_dots(history),
            ms=4)
    log_scale_if_wide(ax, history.grad_norm)
    ax.set(title="gradient norm", xlabel="step", ylabel="norm of all gradients")
    ax.grid(alpha=0.3)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    if history.diverged or history.interrupted:  # a dashed line where training stopped
        color = WARN_COLOR if history.diverged else "black"
        for ax in axes:
            ax.axvline(history.final_step + 1, color=color, ls="--", lw=1)
            ax.text(history.final_step + 1, 0.5, " stopped", color=color, rotation=90,
                    va="center", ha="right", transform=ax.get_xaxis_transform())
        fig.suptitle(textwrap.fill(history.message, 110), color=color, fontsize=11)
    elif title:
        fig.suptitle(title, fontsize=12)
    return fig


def plot_training_curves(history, ax_loss=None, ax_acc=None):
    """The loss panel and (if `ax_acc` is given) the accuracy panel of `plot_history`.

    Train in blue, validation as dots. An empty history gives empty panels, so a
    widget can draw before training starts. Lesson 07; the playground of lesson 09.
    """
    if ax_loss is None:
        _, (ax_loss, ax_acc) = new_figure(1, 2, figsize=(8, 3.6), layout="constrained")
    dots = _dots(history)
    for ax, train, val, name in ((ax_loss, history.loss, history.val_loss, "loss"),
                                 (ax_acc, history.accuracy, history.val_accuracy, "accuracy")):
        if ax is None:
            continue
        if train:
            ax.plot(history.steps, train, color=TRAIN_COLOR, lw=1.5, marker=dots, ms=4,
                    label="train")
        if val:
            style = "o-" if len(val) <= 50 else "-"  # dots unless they would form a band
            ax.plot(history.val_steps, val, style, color=VAL_COLOR, ms=3, lw=1,
                    label="validation")
            ax.legend()
        ax.set(title=name, xlabel="step", ylabel="fraction correct" if ax is ax_acc else "loss")
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    log_scale_if_wide(ax_loss, history.loss + history.val_loss)
    if ax_acc is not None and history.accuracy:
        ax_acc.set_ylim(max(0.0, min(history.accuracy + history.val_accuracy) - 0.05), 1.02)
    return ax_loss.figure


def plot_layer_grad_norms(steps, layer_grad_norms, ax=None):
    """The gradient norm of each layer against the step, one line per layer.

    `layer_grad_norms` has one row per step: [norm of layer 1, layer 2, ...]. Lines
    that drift apart by decades are vanishing (or exploding) gradients. Lesson 09/10.
    """
    norms = np.asarray(layer_grad_norms, dtype=float)
    if norms.size and (norms.ndim != 2 or len(norms) != len(steps)):
        raise ValueError(f"plot_layer_grad_norms: give one row of layer norms per step; got"
                         f" {len(steps)} steps and norms of shape {norms.shape}")
    if ax is None:
        _, ax = new_figure(figsize=(7, 4), layout="constrained")
    n = norms.shape[1] if norms.size else 0
    for i in range(n):
        ax.plot(steps, norms[:, i], color=layer_color(i, n), lw=1.5, label=f"layer {i + 1}",
                marker="o" if len(steps) == 1 else None)  # one step: a dot, not nothing
    log_scale_if_wide(ax, norms.ravel())
    if n:
        ax.legend(fontsize=10)
    ax.set(title="gradient norm per layer", xlabel="step", ylabel="norm of the layer's gradients")
    ax.grid(alpha=0.3)
    return ax.figure


def _dots(history):
    """Markers for a short run (each step visible), none for a long one."""
    return "o" if len(history.steps) <= 30 else None


def plot_decision_boundary(model, X, y, ax=None, resolution=200, padding=0.15, title=None,
                           X_test=None, y_test=None):
    """The class the model predicts at every point of the plane, and the data on top.

    The plane is a `resolution` x `resolution` grid around the data, widened by
    `padding` times the data's larger extent on each side. The model sees the whole
    grid in one forward pass. One output: class 1 where the score is > 0 (the black
    line is score = 0). Several outputs: the class with the largest score.
    Points are coloured by their true class; test points (if given) are triangles.
    Where the model's outputs are NaN or infinite (broken weights) nothing is shaded, and
    the title, a note on the plot and a RuntimeWarning say so.
    Introduced in lesson 07 (training an MLP).
    """
    X, y = _check_points("plot_decision_boundary", X, y)
    if X_test is not None:
        X_test, y_test = _check_points("plot_decision_boundary (test points)", X_test, y_test)
    (x0, x1), (y0, y1) = _padded_limits(X if X_test is None else np.vstack([X, X_test]),
                                        padding)
    xx, yy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = np.column_stack([xx.ravel(), yy.ravel()])  # (resolution**2, 2)
    scores = _scores(model, grid)  # (resolution**2, n_outputs)
    labels = y if y_test is None else np.concatenate([y, y_test])
    if scores.shape[1] == 1:
        classes = np.unique(labels)
        if len(classes) < 2:  # only one class in y: labels are 0/1 or -1/+1
            classes = np.array([-1, 1] if labels.min() < 0 else [0, 1])
        if len(classes) > 2:
            raise ValueError(f"plot_decision_boundary: the model has one output (binary), but y"
                             f" has {len(classes)} classes; give the model one output per class")
        region = (scores[:, 0] > 0).astype(int)  # index into `classes`: 0 or 1
        names = [f"class {c:g}" for c in classes]
    else:
        k = scores.shape[1]
        if np.any(labels != np.round(labels)) or labels.min() < 0 or labels.max() >= k:
            raise ValueError(f"plot_decision_boundary: the model has {k} outputs, so y must hold"
                             f" class indices 0..{k - 1}; got values from {labels.min()} to"
                             f" {labels.max()}")
        region = scores.argmax(axis=1)
        classes = np.arange(k)
        names = [f"class {c}" for c in classes]
    n = len(names)
    colors = [class_color(c) for c in range(n)]
    broken = ~np.isfinite(scores).all(axis=1)  # grid points where an output is NaN or inf
    nan_note = ""
    if broken.any():
        nan_note = (f"the model's outputs are NaN or infinite at {broken.mean():.0%} of the"
                    " plane, so there is no decision boundary there; its weights are broken"
                    " (did training diverge? lower the learning rate and train again)")
        warnings.warn(f"plot_decision_boundary: {nan_note}", RuntimeWarning, stacklevel=2)
    if ax is None:
        _, ax = new_figure(figsize=(6.4, 5.2), layout="constrained")
    fig = ax.figure
    if not broken.all():
        ax.contourf(xx, yy, np.ma.masked_array(region, broken).reshape(xx.shape),
                    levels=np.arange(n + 1) - 0.5, cmap=ListedColormap(colors), alpha=0.25)
    if scores.shape[1] == 1 and not broken.all():
        ax.contour(xx, yy, np.ma.masked_array(scores[:, 0], broken).reshape(xx.shape),
                   levels=[0.0], colors="black", linewidths=1.2)
    if nan_note:
        ax.text(0.5, 0.5, textwrap.fill(nan_note, 40), transform=ax.transAxes, ha="center",
                va="center", color=WARN_COLOR, fontsize=10, zorder=6,
                bbox={"facecolor": "white", "alpha": 0.9, "edgecolor": WARN_COLOR})
    ax.scatter(X[:, 0], X[:, 1], c=[colors[c] for c in np.searchsorted(classes, y)], s=22,
               edgecolors="black", linewidths=0.5, zorder=3)
    handles = [Line2D([], [], ls="", marker="o", color=c, mec="black", mew=0.5, label=name)
               for c, name in zip(colors, names)]
    if X_test is not None:
        test_colors = [colors[c] for c in np.searchsorted(classes, y_test)]
        ax.scatter(X_test[:, 0], X_test[:, 1], c=test_colors, s=30, marker="^",
                   edgecolors="black", linewidths=0.8, zorder=3)
        handles.append(Line2D([], [], ls="", marker="^", color="white", mec="black",
                              label="test points"))
    ax.legend(handles=handles, loc="upper right", framealpha=0.9)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set(xlabel="$x_1$", ylabel="$x_2$")
    if nan_note:  # never an accuracy of NaN scores (it would read 50%)
        title = (f"{title}\n" if title else "") + "the model's outputs are NaN"
    elif title is None:
        acc = accuracy(_scores(model, X), y)
        title = f"decision regions (accuracy on these points {acc:.1%})"
        if X_test is not None:
            test_acc = accuracy(_scores(model, X_test), y_test)
            title = f"accuracy: train {acc:.1%}, test {test_acc:.1%}"
    ax.set_title(title)
    return fig


def _scores(model, points):
    """The model's outputs for (m, 2) points as an (m, n_outputs) array, in one pass."""
    if isinstance(model, ScalarMLP):  # Values: one sample at a time (slow; lower resolution)
        out = [model(list(p)) for p in points]
        rows = [[v.data for v in o] if isinstance(o, list) else [o.data] for o in out]
        return np.array(rows)
    params = model.parameters() if hasattr(model, "parameters") else []
    dtype = params[0].dtype if params else np.float64
    out = model(Tensor(points, requires_grad=False, dtype=dtype))
    data = out.data if isinstance(out, Tensor) else np.asarray(out)
    return data.reshape(len(points), -1).astype(np.float64)


def _check_points(where, X, y):
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"{where}: X must have shape (n_points, 2) to be drawn in the plane,"
                         f" got {X.shape}")
    if y.shape != (len(X),):
        raise ValueError(f"{where}: y must have shape ({len(X)},), one label per row of X,"
                         f" got {y.shape}")
    return X, y


def _padded_limits(X, padding):
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = padding * max(float(np.max(hi - lo)), 1e-9)
    return (lo[0] - pad, hi[0] + pad), (lo[1] - pad, hi[1] + pad)


def log_scale_if_wide(ax, values):
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size and v.min() > 0 and v.max() / v.min() > 100:
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FuncFormatter(_power_of_ten))


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power_of_ten(y, _pos):
    """Log-axis tick text such as 10⁻³, in plain unicode: matplotlib's default label
    ($10^{-3}$) goes through its TeX parser on every redraw, which makes widgets slow."""
    if y <= 0:
        return ""
    k = np.log10(y)
    if abs(k - round(k)) > 1e-9:
        return ""
    return "1" if round(k) == 0 else "10" + str(int(round(k))).translate(_SUPERSCRIPT)


# ---------- lesson 10: activation functions and their derivatives ----------


def plot_activation_functions(names=("sigmoid", "tanh", "relu", "leaky_relu"), x=None):
    """Each activation function (top row) over its derivative (bottom row).

    The derivative is not typed in: it is what our Tensor engine computes, the
    gradient of sum(f(x)) with respect to x. The derivative row shares its y axis,
    so you can compare: sigmoid's slope is at most 0.25, tanh's 1. x defaults to
    np.linspace(-4, 4, 401). Introduced in lesson 10 (diagnosing gradients).
    """
    x = np.linspace(-4, 4, 401) if x is None else np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"plot_activation_functions: x must be a 1-d array of points, got shape"
                         f" {x.shape}")
    names = [names] if isinstance(names, str) else list(names)
    for name in names:
        if name not in ACTIVATIONS:
            raise ValueError(f"plot_activation_functions: unknown activation {name!r}; choose"
                             f" from {', '.join(ACTIVATIONS)}")
    fig, axes = new_figure(2, len(names), figsize=(2.6 * len(names) + 0.6, 5.4), sharex=True,
                           sharey="row", squeeze=False, layout="constrained")
    for j, name in enumerate(names):
        xt = Tensor(x)
        ACTIVATIONS[name](xt).sum().backward()  # d/dx sum_i f(x_i) = f'(x_i)
        y, dy = ACTIVATIONS[name](Tensor(x, requires_grad=False)).data, xt.grad
        color = class_color(j)
        top, bottom = axes[0, j], axes[1, j]
        top.plot(x, y, color=color, lw=2)
        top.set_title(f"{name}(x)")
        bottom.plot(x, dy, color=color, lw=2)
        bottom.set_title(f"{name}'(x), max {dy.max():.3g}")
        bottom.set_xlabel("x")
        for ax in (top, bottom):
            ax.axhline(0, color="grey", lw=0.6)
            ax.axvline(0, color="grey", lw=0.6)
            ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel("f(x)")
    axes[1, 0].set_ylabel("f'(x) by backward()")
    return fig


# ---------- lesson 01: numerical derivatives ----------


def plot_numerical_derivative_error(f, df, x0, hs=None, ax=None):
    """Error of forward and central differences against the step h, on log-log axes.

    Forward (f(x0+h) - f(x0)) / h has a truncation error ~ h, central
    (f(x0+h) - f(x0-h)) / 2h one ~ h**2; both suffer a rounding error ~ eps / h, eps
    = 2.2e-16 (float64). Hence the V shapes, with their best h near eps**(1/2) = 1.5e-8
    and eps**(1/3) = 6e-6 (dotted). An error of exactly 0 is not drawn. hs defaults to
    np.logspace(-16, 0, 100). Introduced in lesson 01 (derivatives).
    """
    hs = np.logspace(-16, 0, 100) if hs is None else np.asarray(hs, dtype=float)
    if hs.ndim != 1 or np.any(hs <= 0):
        raise ValueError("plot_numerical_derivative_error: hs must be a 1-d array of positive"
                         " step sizes, e.g. np.logspace(-16, 0, 100)")
    x0 = float(x0)
    exact = float(df(x0))
    forward = np.array([abs((f(x0 + h) - f(x0)) / h - exact) for h in hs])
    central = np.array([abs((f(x0 + h) - f(x0 - h)) / (2 * h) - exact) for h in hs])
    if ax is None:
        _, ax = new_figure(figsize=(7.5, 5), layout="constrained")
    fig = ax.figure
    eps = np.finfo(float).eps
    ax.loglog(hs, np.where(forward > 0, forward, np.nan), "o-", ms=3, color=CLASS_COLORS[0],
              label="forward  (f(x+h) - f(x)) / h")
    ax.loglog(hs, np.where(central > 0, central, np.nan), "s-", ms=3, color=CLASS_COLORS[1],
              label="central  (f(x+h) - f(x-h)) / 2h")
    ax.axvline(eps**0.5, color=CLASS_COLORS[0], ls=":", lw=1.5,
               label=f"estimated best h ≈ eps^(1/2) = {eps**0.5:.1e} (forward)")
    ax.axvline(eps ** (1 / 3), color=CLASS_COLORS[1], ls=":", lw=1.5,
               label=f"estimated best h ≈ eps^(1/3) = {eps ** (1 / 3):.1e} (central)")
    ax.text(0.03, 0.05, "rounding error ~ eps / h", transform=ax.transAxes, fontsize=10)
    ax.text(0.97, 0.05, "truncation error ~ h or h²", transform=ax.transAxes, ha="right",
            fontsize=10)
    ax.set(xlabel="step h", ylabel="|estimate - f'(x0)|",
           title=f"error of finite differences at x0 = {x0:g}")
    ax.grid(alpha=0.3, which="major")
    ax.legend(loc="upper center")
    return fig
