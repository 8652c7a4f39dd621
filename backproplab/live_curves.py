"""The playground's curve panels, redrawn several times a second while it trains.

`plots.plot_training_curves` clears and rebuilds its axes, which is fine for a lesson's
figure but costs a widget most of its redraw time (new ticks, legend placement, title
layout). `LiveCurves` makes its lines once and afterwards only changes their data and
the axes' limits (lesson 09). The legends are opaque and stay in place, so a live frame
can paste their pixels instead of drawing them again.

    loss       train (line), validation (dots), and in grey the run before "Same start"
    accuracy   train and validation, fraction correct
    gradients  the gradient norm of each layer (log scale when they span decades)
"""

import numpy as np

from .plots import TRAIN_COLOR, VAL_COLOR, layer_color

PREVIOUS_COLOR = "#999999"


class LiveCurves:
    """Lines on three axes whose data `update` replaces; `n_layers` grad-norm lines."""

    def __init__(self, ax_loss, ax_acc, ax_grad, n_layers):
        self.axes = (ax_loss, ax_acc, ax_grad)
        for ax in self.axes:
            ax.clear()
            ax.grid(alpha=0.3)
            ax.tick_params(labelsize=8)
            ax.locator_params(nbins=4)
        ax_loss.set_title("loss", fontsize=10, y=1.0)  # a fixed y: no title layout per draw
        ax_acc.set_title("accuracy (fraction correct)", fontsize=10, y=1.0)
        ax_grad.set_title("gradient norm per layer", fontsize=10, y=1.0)
        ax_grad.set_xlabel("step", fontsize=8)
        (self.previous,) = ax_loss.plot([], [], color=PREVIOUS_COLOR, lw=1.2, ls="--",
                                        label="run before")
        (self.loss,) = ax_loss.plot([], [], color=TRAIN_COLOR, lw=1.5, label="train")
        (self.val_loss,) = ax_loss.plot([], [], "o-", color=VAL_COLOR, lw=1, ms=2,
                                        label="validation")
        (self.acc,) = ax_acc.plot([], [], color=TRAIN_COLOR, lw=1.5, label="train")
        (self.val_acc,) = ax_acc.plot([], [], "o-", color=VAL_COLOR, lw=1, ms=2, label="validation")
        self.grads = [ax_grad.plot([], [], color=layer_color(i, n_layers), lw=1.3,
                                   label=f"layer {i + 1}")[0] for i in range(n_layers)]
        self._previous_label = None
        self.previous.set_visible(False)
        ax_loss.legend(handles=[self.loss, self.val_loss], loc="upper right", fontsize=7,
                       framealpha=1)
        ax_acc.legend(loc="lower right", fontsize=7, framealpha=1)
        if 1 < n_layers <= 6:
            ax_grad.legend(loc="upper right", fontsize=7, ncol=min(n_layers, 3),
                           framealpha=1)

    def update(self, history, layer_grad_norms, previous=None, previous_label=""):
        """Show `history` (and the grey `previous` History, if any, called previous_label)."""
        ax_loss, ax_acc, ax_grad = self.axes
        h = history
        self.loss.set_data(h.steps, h.loss)
        self.val_loss.set_data(h.val_steps, h.val_loss)
        self.val_loss.set_marker("o" if len(h.val_loss) <= 50 else "")
        self.acc.set_data(h.steps, h.accuracy)
        self.val_acc.set_data(h.val_steps, h.val_accuracy)
        single = "o" if len(h.steps) == 1 else ""  # a line through one point draws nothing
        for line in (self.loss, self.acc, *self.grads):
            line.set_marker(single)
            line.set_markersize(4)
        label = (f"before: {previous_label}" if previous_label else "run before") \
            if previous is not None else None
        if label != self._previous_label:  # the legend lists the grey line only when shown
            self._previous_label = label
            self.previous.set_visible(previous is not None)
            if previous is not None:
                self.previous.set_label(label)
            shown = [ln for ln in (self.previous, self.loss, self.val_loss) if ln.get_visible()]
            ax_loss.legend(handles=shown, loc="upper right", fontsize=7, framealpha=1)
        if previous is not None:
            self.previous.set_data(previous.steps, previous.loss)
            self.previous.set_marker("o" if len(previous.steps) == 1 else "")
        norms = np.asarray(layer_grad_norms, dtype=float).reshape(len(h.steps),
                                                                  len(self.grads))
        for i, line in enumerate(self.grads):
            line.set_data(h.steps, norms[:, i] if norms.shape[1] > i else [])
        last = max(h.final_step, previous.final_step if previous is not None else 0, 1)
        loss_values = h.loss + h.val_loss + (previous.loss if previous is not None else [])
        _limits(ax_loss, last, loss_values, log_if_wide=True)
        _limits(ax_acc, last, h.accuracy + h.val_accuracy, fixed=(0.0, 1.02))
        _limits(ax_grad, last, norms.ravel(), log_if_wide=True)


def _limits(ax, last_step, values, log_if_wide=False, fixed=None):
    """x from 0 to the last step; y around the finite values (inf/NaN never set limits)."""
    ax.set_xlim(0, last_step + 0.5)
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if fixed is not None:
        lo = max(fixed[0], float(v.min()) - 0.05) if v.size else fixed[0]
        ax.set_ylim(lo, fixed[1])
        return
    if not v.size:
        ax.set_ylim(0, 1)
        return
    lo, hi = float(v.min()), float(v.max())
    log = log_if_wide and lo > 0 and hi / lo > 100
    if (ax.get_yscale() == "log") != log:
        ax.set_yscale("log" if log else "linear")
        ax.grid(alpha=0.3)
    if log:
        ax.set_ylim(lo / 1.5, hi * 1.5)
    else:
        pad = 0.05 * (hi - lo) or 0.05 * abs(hi) or 0.05
        ax.set_ylim(lo - pad, hi + pad)
