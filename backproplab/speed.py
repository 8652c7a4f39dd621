"""How much faster the Tensor engine is than the Value engine, measured (lesson 06).

Lesson 06 compares one forward and backward pass of a `ScalarMLP` (one `Value` per
number, one sample at a time) with the same pass of an `MLP` (one `Tensor` per array,
the whole batch at once). Both networks have the same initial weights and compute the
same loss, the mean squared error on `make_regression_1d`; only the engine differs.

    seconds_per_pass(step)                       best of N timings of one call of step()
    measure_speedup(batch_sizes, widths)         Value vs Tensor over batch sizes and widths
    plot_speedup(rows)                           the speed-up against batch size and width

Timings are noisy: another program, the garbage collector or a clock tick can slow down
any single run, but nothing can make a run faster than the machine allows. So every time
is the *fastest* of several repeats (best of N), the usual rule of `timeit`. The numbers
still differ from machine to machine; the trend (the speed-up grows with the batch and
with the width) is what the lesson reads from them.
"""

import time

import numpy as np

from .data import make_regression_1d
from .losses import mse_loss
from .nn import MLP, ScalarMLP
from .plots import TRAIN_COLOR, VAL_COLOR, new_figure
from .tensor import Tensor
from .train import progress_bar

__all__ = ["seconds_per_pass", "value_and_tensor_steps", "measure_speedup", "plot_speedup"]


def seconds_per_pass(step, repeats=3, number=1):
    """The fastest time of `repeats` runs, each calling `step()` `number` times, per call.

    number > 1 averages very short calls (below a millisecond) over a loop, so that the
    clock's resolution does not matter; repeats > 1 keeps the best run.
    """
    _check_count("seconds_per_pass", "repeats", repeats)
    _check_count("seconds_per_pass", "number", number)
    if not callable(step):
        raise TypeError(f"seconds_per_pass: step must be a function to call, got"
                        f" {type(step).__name__}; pass e.g. lambda: one_pass()")
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            step()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def value_and_tensor_steps(batch_size, width, seed=0):
    """Two functions that each run one forward + backward pass of the same network.

    The network is 1 -> width -> width -> 1 with tanh, as a `ScalarMLP` (the first
    function) and as an `MLP` (the second), with identical initial weights, on
    `batch_size` points of `make_regression_1d`. Returns (value_step, tensor_step,
    n_parameters).
    """
    _check_count("value_and_tensor_steps", "batch_size", batch_size)
    _check_count("value_and_tensor_steps", "width", width)
    X, y = make_regression_1d(n=batch_size, noise=0.1, seed=seed)  # (batch, 1), (batch,)
    scalar_net = ScalarMLP(1, [width, width], 1, activation="tanh", seed=seed)
    tensor_net = MLP(1, [width, width], 1, activation="tanh", seed=seed)
    X_t = Tensor(X, requires_grad=False)

    def value_step():
        loss = mse_loss([scalar_net(list(x)) for x in X], y)  # one sample at a time
        scalar_net.zero_grad()
        loss.backward()

    def tensor_step():
        loss = mse_loss(tensor_net(X_t), y)  # the whole batch at once
        tensor_net.zero_grad()
        loss.backward()

    return value_step, tensor_step, tensor_net.num_parameters()


def measure_speedup(batch_sizes=(1, 4, 16, 64), widths=(2, 4, 8, 16), width=8,
                    batch_size=16, repeats=5, progress=True):
    """Time both engines while one size changes and the other stays fixed.

    First the batch size runs through `batch_sizes` at hidden width `width`, then the
    width runs through `widths` at batch size `batch_size`. The two engines take turns
    (Value, Tensor, Value, Tensor, ...), so that a busy moment of the computer slows both
    alike, and each time is the best of `repeats` turns; a short pass is looped until a
    turn lasts about 20 ms, so that the clock's resolution does not matter. Returns one
    dict per configuration: varied ("batch" or "width"), batch, width, params, value_s,
    tensor_s and speedup = value_s / tensor_s. `progress` shows a tqdm bar (none when
    the environment variable TQDM_DISABLE is set, as `make test` does).
    """
    configs = [("batch", b, width) for b in batch_sizes] + [("width", batch_size, w)
                                                            for w in widths]
    if not configs:
        raise ValueError("measure_speedup: batch_sizes and widths are both empty; give at"
                         " least one size to time, e.g. batch_sizes=(1, 16)")
    rows = []
    bar = progress_bar(len(configs), progress, desc="timing")
    try:
        for varied, b, w in configs:
            value_step, tensor_step, params = value_and_tensor_steps(b, w)
            value_s, tensor_s = _interleaved_best(value_step, tensor_step, repeats)
            rows.append({"varied": varied, "batch": b, "width": w, "params": params,
                         "value_s": value_s, "tensor_s": tensor_s, "speedup": value_s / tensor_s})
            if bar is not None:
                bar.update()
    finally:
        if bar is not None:
            bar.close()
    return rows


def plot_speedup(rows):
    """Two panels: the speed-up against the batch size, and against the hidden width.

    `rows` as returned by `measure_speedup`. Both axes are logarithmic; each point is
    labelled with its speed-up. The two panels share one y scale, so that their heights
    can be compared.
    """
    groups = {varied: [r for r in rows if r["varied"] == varied] for varied in ("batch", "width")}
    if not any(groups.values()):
        raise ValueError("plot_speedup: no rows to plot; pass the list that"
                         " measure_speedup returns")
    fig, axes = new_figure(1, 2, figsize=(11, 4), layout="constrained", sharey=True)
    every = np.array([r["speedup"] for r in rows])
    panels = [("batch", "batch size (points per pass)", "the batch size, at hidden width {width}",
               TRAIN_COLOR),
              ("width", "hidden width (units in each of the 2 hidden layers)",
               "the width, at batch size {batch}", VAL_COLOR)]
    for ax, (varied, xlabel, title, color) in zip(axes, panels):
        group = groups[varied]
        if not group:
            ax.set_axis_off()
            continue
        x = np.array([r[varied] for r in group])
        s = np.array([r["speedup"] for r in group])
        ax.loglog(x, s, "o-", color=color)
        for xi, si in zip(x, s):
            ax.annotate(f"{si:.0f}x", (xi, si), textcoords="offset points", xytext=(0, 7),
                        ha="center", fontsize=9)
        ax.set_xticks(x, [str(v) for v in x])
        ax.minorticks_off()
        ax.set_ylim(every.min() / 2, every.max() * 3)
        ax.yaxis.set_tick_params(labelleft=True)  # sharey hides the right panel's labels
        ax.set(xlabel=xlabel, ylabel="speed-up (Value time / Tensor time)",
               title="speed-up against " + title.format(**group[0]))
        ax.grid(alpha=0.3, which="both")
    return fig  # new_figure closed it in pyplot: Jupyter shows it once


def _interleaved_best(value_step, tensor_step, repeats, turn_seconds=0.02):
    """Best-of-`repeats` seconds per call of each step, the two timed in turns."""
    _check_count("measure_speedup", "repeats", repeats)
    loops = [_calls_per_turn(step, turn_seconds) for step in (value_step, tensor_step)]
    best = [float("inf"), float("inf")]
    for _ in range(repeats):
        for k, step in enumerate((value_step, tensor_step)):
            best[k] = min(best[k], seconds_per_pass(step, repeats=1, number=loops[k]))
    return best[0], best[1]


def _calls_per_turn(step, turn_seconds):
    """How many calls of step() fill about `turn_seconds` (one warm-up call measures it)."""
    once = seconds_per_pass(step, repeats=1)
    return max(1, min(1000, int(turn_seconds / max(once, 1e-9))))


def _check_count(where, name, n):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{where}: {name} must be a whole number >= 1, got {n!r}; try"
                         f" {name}=3")
