"""Lesson 05's pictures of a 1-D fit, and a learning-rate slider on the learner's loop.

`plot_fit(X, y, curves)` draws the data points and the curve of each model over the
whole range of x. `LearningRateSlider(train_step, make_model, X, y)` runs the
learner's own `train_step(model, X, y, lr)` for a number of steps from the same starting
weights (a fresh `make_model()`) at the learning rate chosen on a slider, and shows the
loss against the step and the fitted curve after the last step. In a notebook without a
kernel it shows the picture of its current state (see `widget_display`).

Both take any model that maps one sample (a list of one number) to a Value, or a list
holding one: the learner's MLP and `nn.ScalarMLP` alike. Introduced in lesson 05.
"""

import math

import ipywidgets as w
import numpy as np
from matplotlib.ticker import FuncFormatter

from .plots import GRAD_COLOR, TRAIN_COLOR, WARN_COLOR, new_figure
from .widget_display import app_bundle, figure_png, new_app_figure, picture_output, show_png

LEARNING_RATES = (0.01, 0.03, 0.1, 0.3, 0.6, 1.0, 1.5, 2.0)
BLOW_UP = 1e6  # a loss above this (or not finite) stops the run: the step is too large
CURVE_COLORS = ("#999999", TRAIN_COLOR, "#D55E00", "#CC79A7")


def predict_curve(model, xs):
    """model([x]).data for every x of `xs` (a 1-D array), as a numpy array."""
    out = []
    for x in np.asarray(xs, dtype=float):
        pred = model([float(x)])
        pred = pred[0] if isinstance(pred, (list, tuple)) else pred
        out.append(float(getattr(pred, "data", pred)))
    return np.array(out)


def _grid(X, n=200):
    x = np.asarray(X, dtype=float).ravel()
    if x.size == 0:
        raise ValueError("plot_fit: X is empty; pass the inputs of the data, shape (n, 1)")
    return np.linspace(x.min(), x.max(), n)


def draw_fit(ax, X, y, curves, title=None):
    """Draw the data (dots) and one line per (label, model) of `curves` on `ax`."""
    ax.scatter(np.ravel(X), y, s=18, color="black", zorder=3, label="data")
    xs = _grid(X)
    for i, (label, model) in enumerate(dict(curves).items()):
        style = "--" if i == 0 and len(curves) > 1 else "-"
        ax.plot(xs, predict_curve(model, xs), style, lw=2,
                color=CURVE_COLORS[i % len(CURVE_COLORS)], label=label)
    ax.axhline(0, color="black", lw=0.5)
    ax.set(xlabel="x", ylabel="y, and the model's prediction")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9, loc="lower right")
    if title:
        ax.set_title(title, fontsize=11)


def plot_fit(X, y, curves, title=None, ax=None):
    """The data points of a 1-D regression and the curve of each model over its x range.

    curves: {label: model}, e.g. {"before training": start, "after 100 steps": model};
    the first is dashed when there are several. Returns the Figure (lesson 05)."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 1 or len(X) != len(y):
        raise ValueError(f"plot_fit: needs X of shape (n, 1) and y of shape (n,), got X"
                         f" {X.shape} and y {np.shape(y)}; make_regression_1d gives these")
    if ax is None:
        fig, ax = new_figure(figsize=(6.4, 4.0), layout="constrained")
    draw_fit(ax, X, y, curves, title)
    return ax.figure


def run_loop(train_step, model, X, y, lr, steps):
    """train_step(model, X, y, lr) `steps` times; returns the list of losses it returned.

    Stops early when the loss passes BLOW_UP or is not finite (or the arithmetic
    overflows), so a too-large learning rate ends the run instead of the notebook."""
    losses = []
    for _ in range(steps):
        try:
            loss = _number(train_step(model, X, y, lr))
        except OverflowError:
            losses.append(math.inf)
            break
        losses.append(loss)
        if not math.isfinite(loss) or loss > BLOW_UP:
            break
    return losses


def _leading_digit(v):
    """The first significant digit of v > 0: 2 for 0.2 or 20."""
    return round(v / 10 ** math.floor(math.log10(v))) if v > 0 else 0


def _number(loss):
    return float(getattr(loss, "data", loss))


class LearningRateSlider:
    """An ipywidgets app: a learning-rate slider on `train_step` (display it by ending a
    cell with it).

    Without a browser: set `.slider.value = 1.0` and read `.losses[1.0]` (the loss at each
    step), `.loss_line` and `.fit_line` (the matplotlib lines shown), `.status.value` and
    `summary()`. Runs are cached per learning rate, so moving back is instant.
    """

    def __init__(self, train_step, make_model, X, y, steps=100, lr=0.3,
                 learning_rates=LEARNING_RATES):
        if lr not in learning_rates:
            raise ValueError(f"LearningRateSlider: lr={lr!r} is not one of the slider's"
                             f" values {', '.join(map(str, learning_rates))}")
        if not isinstance(steps, int) or steps < 1:
            raise ValueError(f"LearningRateSlider: steps must be a positive integer, got"
                             f" {steps!r}")
        self.train_step, self.make_model = train_step, make_model
        self.X, self.y, self.steps = np.asarray(X, dtype=float), np.asarray(y), steps
        self.losses, self.curves = {}, {}
        self.xs = _grid(self.X)
        self.start_curve = predict_curve(make_model(), self.xs)
        self.slider = w.SelectionSlider(options=list(learning_rates), value=lr,
                                        description="learning rate", continuous_update=False,
                                        style={"description_width": "100px"},
                                        layout=w.Layout(width="420px"))
        self.status = w.HTML()
        self.figure = new_app_figure((10, 3.6))
        self.ax_loss, self.ax_fit = self.figure.subplots(1, 2)
        self.figure.subplots_adjust(left=0.1, right=0.98, bottom=0.15, top=0.9, wspace=0.25)
        self.output = picture_output(480)
        self.widget = w.VBox([self.slider, self.status, self.output])
        self.slider.observe(lambda _change: self.update(), names="value")
        self.update()

    def run(self, lr):
        """Train a fresh model at `lr` (once per lr); returns its list of losses."""
        if lr not in self.losses:
            model = self.make_model()
            self.losses[lr] = run_loop(self.train_step, model, self.X, self.y, lr, self.steps)
            finished = math.isfinite(self.losses[lr][-1]) and self.losses[lr][-1] <= BLOW_UP
            self.curves[lr] = predict_curve(model, self.xs) if finished else None
        return self.losses[lr]

    def update(self):
        """Run the slider's learning rate (if new) and redraw the picture."""
        lr = self.slider.value
        losses = self.run(lr)
        self._draw(lr, losses)
        self.status.value = self.summary()

    def diverged(self, lr):
        return len(self.losses[lr]) < self.steps or not math.isfinite(self.losses[lr][-1]) \
            or self.losses[lr][-1] > BLOW_UP

    def summary(self):
        """One line: the learning rate and what the loss did (the app's text/plain form)."""
        lr, losses = self.slider.value, self.losses[self.slider.value]
        if self.diverged(lr):
            return (f"learning rate {lr:g}: the loss blew up (from {losses[0]:.4g} to over"
                    f" {BLOW_UP:.0e}) at step {len(losses)}; this step size is too large")
        fell = all(b < a for a, b in zip(losses, losses[1:]))
        return (f"learning rate {lr:g}: loss {losses[0]:.4g} at step 1, {losses[-1]:.4g} at"
                f" step {len(losses)}; it fell at every step: {fell}")

    def _draw(self, lr, losses):
        ax = self.ax_loss
        ax.clear()
        steps = np.arange(1, len(losses) + 1)
        shown = np.minimum(np.asarray(losses, dtype=float), 10 * BLOW_UP)
        (self.loss_line,) = ax.plot(steps, shown, color=GRAD_COLOR if not self.diverged(lr)
                                    else WARN_COLOR, lw=2)
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
        finite = shown[np.isfinite(shown) & (shown > 0)]
        few_decades = finite.size and finite.max() / finite.min() < 100
        ax.yaxis.set_minor_formatter(FuncFormatter(  # label 0.2, 0.5, ... on a short axis
            lambda v, _pos: f"{v:g}" if few_decades and _leading_digit(v) in (2, 5) else ""))
        ax.set(xlim=(0, self.steps + 1), xlabel="step",
               ylabel="loss (log scale)", title=f"loss, learning rate {lr:g}")
        ax.grid(alpha=0.3)
        ax = self.ax_fit
        ax.clear()
        ax.scatter(self.X.ravel(), self.y, s=14, color="black", zorder=3, label="data")
        ax.plot(self.xs, self.start_curve, "--", color=CURVE_COLORS[0], lw=1.5,
                label="before training")
        curve = self.curves[lr]
        if curve is None:
            (self.fit_line,) = ax.plot([], [], color=WARN_COLOR)
            ax.text(0.5, 0.9, f"blew up at step {len(losses)}: no curve to show",
                    transform=ax.transAxes, ha="center", color=WARN_COLOR)
        else:
            (self.fit_line,) = ax.plot(self.xs, curve, color=TRAIN_COLOR, lw=2,
                                       label=f"after {len(losses)} steps")
        ax.set(xlabel="x", ylabel="y, and the model's prediction",
               title="the data and the model's curve",
               ylim=(-1.6, 1.6), xticks=[-1, -0.5, 0, 0.5, 1])
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
        self._png = figure_png(self.figure)
        show_png(self.output, self._png)

    def _repr_mimebundle_(self, **kwargs):
        return app_bundle(self.widget, self.summary(), png=self._png)
