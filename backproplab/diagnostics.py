"""Diagnosing training: look inside a network instead of guessing from the loss curve.

    grad_stats(model)            a table: how large is each parameter's gradient?
    ActivationRecorder(model)    each layer's activations and the gradients flowing into them
    plot_activation_histograms, plot_gradient_histograms
    UpdateRatioTracker(model)    log10(update / weights) per step, a callback for `fit`
    plot_update_ratios
    check_initial_loss           is the loss before training what chance predicts?

The rules of thumb come from CS231n and from Karpathy's "A Recipe for Training Neural
Networks". Everything here works on Tensor models (`nn.MLP`). Introduced in lesson 10
(diagnosing gradients).
"""

import html
import math

import numpy as np

from .losses import LOSSES
from .plots import WARN_COLOR, class_color, layer_color, new_figure
from .tensor import Tensor

SATURATION = 0.97  # tanh: |a| > 0.97; sigmoid: a < 0.03 or a > 0.97 (slope < 6% of its max)


class StatsTable:
    """Rows of numbers that print as aligned text and show as an HTML table in Jupyter.

    `.rows` is a list of dicts, `.columns` a list of (key, heading) pairs and `.note` a
    line of explanation under the table. Numbers are shown with 3 significant digits;
    None or NaN is shown as "n/a".
    """

    def __init__(self, columns, rows, note=""):
        self.columns = columns
        self.rows = rows
        self.note = note

    def cells(self, row):
        """The row as strings, in column order."""
        return [_format(row[key]) for key, _ in self.columns]

    def __str__(self):
        lines = [[heading for _, heading in self.columns]] + [self.cells(r) for r in self.rows]
        widths = [max(len(line[i]) for line in lines) for i in range(len(self.columns))]
        text = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                          for i, (c, w) in enumerate(zip(line, widths))) for line in lines]
        return "\n".join(text + ([self.note] if self.note else []))

    def __repr__(self):
        return str(self)

    def _repr_html_(self):
        head = "".join(f"<th>{html.escape(h)}</th>" for _, h in self.columns)
        body = "".join("<tr>" + "".join(f"<td style='text-align:right'>{html.escape(c)}</td>"
                                        for c in self.cells(r)) + "</tr>" for r in self.rows)
        note = f"<p>{html.escape(self.note)}</p>" if self.note else ""
        return f"<table><tr>{head}</tr>{body}</table>{note}"


def _format(v):
    if v is None or isinstance(v, float) and math.isnan(v):
        return "n/a"
    if isinstance(v, str):
        return v
    if isinstance(v, tuple):
        return str(v)
    return f"{v:.3g}"


# ---------- gradient statistics per parameter ----------


def grad_stats(model):
    """One row per parameter: its shape and the size of its values and gradient.

    Columns: data std, grad mean, grad std, grad norm (sqrt of the sum of squares) and
    ratio = |grad| / |data|, the ratio of the two *norms* ("n/a" when the parameter is
    all zeros, as biases are at first). Gradients much smaller in the first layers than
    in the last ones mean vanishing gradients. Call it after `loss.backward()`: with no
    gradient at all it raises ValueError saying so.
    """
    named = list(model.named_parameters())
    if not named:
        raise ValueError("grad_stats: the model has no parameters")
    if not all(isinstance(p, Tensor) for _, p in named):
        raise TypeError("grad_stats works on Tensor models such as nn.MLP, not on Value models")
    if all(p.grad is None for _, p in named):
        raise ValueError("grad_stats: no parameter has a gradient yet; compute a loss and call"
                         " backward first: model.zero_grad(); loss_fn(model(X), y).backward()")
    rows, notes = [], []
    for name, p in named:
        data = p.data.astype(np.float64)
        row = {"name": name, "shape": p.shape, "data_std": float(data.std()),
               "grad_mean": None, "grad_std": None, "grad_norm": None, "ratio": None}
        if p.grad is not None:
            g = np.asarray(p.grad, dtype=np.float64)
            norm, data_norm = float(np.linalg.norm(g)), float(np.linalg.norm(data))
            row.update(grad_mean=float(g.mean()), grad_std=float(g.std()), grad_norm=norm,
                       ratio=norm / data_norm if data_norm > 0 else None)
        rows.append(row)
    norms = [r["grad_norm"] for r in rows if r["grad_norm"] is not None]
    if any(r["grad_norm"] is None for r in rows):
        notes.append("n/a grad: that parameter got no gradient (is it used in the loss?).")
    if not all(np.isfinite(norms)):
        notes.append("Some gradients are NaN or inf: the loss overflowed; lower the learning"
                     " rate or look for log(0) / huge inputs.")
    elif max(norms) == 0:
        notes.append("Every gradient is 0: did zero_grad() run after backward()?")
    notes.append("ratio = |grad| / |data| (norms); n/a where the data is all zeros.")
    columns = [("name", "parameter"), ("shape", "shape"), ("data_std", "data std"),
               ("grad_mean", "grad mean"), ("grad_std", "grad std"), ("grad_norm", "grad norm"),
               ("ratio", "|grad|/|data|")]
    return StatsTable(columns, rows, " ".join(notes))


# ---------- activations and the gradients flowing into them ----------


def dead_units(model, X):
    """How many units of each hidden layer are dead on X: their input z = xw + b (after
    BatchNorm, if any) is <= 0 for every sample, so a relu passes no gradient back to
    their weights. One count per hidden layer, from the input side (lesson 09, 10)."""
    if not hasattr(model, "layer_outputs"):
        raise TypeError(f"dead_units needs a model with layer_outputs(x), such as an MLP;"
                        f" got {type(model).__name__}")
    hidden = model.layer_outputs(X)[:-1]  # the last layer is the output layer
    return [int(np.all(z.data <= 0, axis=0).sum()) for _, z, _ in hidden]


class ActivationRecorder:
    """Keep every layer's outputs of one forward pass, to inspect them after backward.

        rec = ActivationRecorder(model)
        scores = rec.forward(X)                   # the same numbers as model(X)
        model.zero_grad(); cross_entropy(scores, y).backward()
        rec.activations["layer 1"]                # (batch, n_units), after the activation
        rec.gradients["layer 1"]                  # d loss / d those activations
        rec.stats()                               # mean, std, saturated %, dead % per layer

    No trick is needed: `forward` keeps the Tensors that `model.layer_outputs(X)` returns,
    and backward() leaves the gradient of every op output in its `.grad`.
    `pre_activations` and `pre_gradients` hold the same for z = x @ W + b, before the
    activation. The last layer is linear (its outputs are the scores).
    """

    def __init__(self, model):
        if not hasattr(model, "layer_outputs"):
            raise TypeError(f"ActivationRecorder needs a model with layer_outputs(x), such as"
                            f" nn.MLP; got {type(model).__name__}")
        self.model = model
        self.outputs = []  # [(name, pre-activation Tensor, post-activation Tensor), ...]

    def forward(self, X):
        """Run the model on X, keep each layer's Tensors, and return the scores."""
        self.outputs = self.model.layer_outputs(X)
        return self.outputs[-1][2]

    def __call__(self, X):
        return self.forward(X)

    @property
    def layer_names(self):
        return [name for name, _, _ in self._checked_outputs()]

    def activation_name(self, layer):
        """"tanh", "relu", ... for a hidden layer, "linear" for the output layer."""
        return "linear" if layer == self.layer_names[-1] else self.model.activation

    @property
    def activations(self):
        return {name: post.data for name, _, post in self._checked_outputs()}

    @property
    def pre_activations(self):
        return {name: pre.data for name, pre, _ in self._checked_outputs()}

    @property
    def gradients(self):
        """{layer: d loss / d(post-activation)}: the gradient flowing into each layer's output."""
        return {name: self._grad(name, post) for name, _, post in self._checked_outputs()}

    @property
    def pre_gradients(self):
        """{layer: d loss / d(pre-activation z)}: after passing back through the activation."""
        return {name: self._grad(name, pre) for name, pre, _ in self._checked_outputs()}

    def stats(self):
        """Per layer: mean and std of the activations, saturated % or dead % / zero %.

        saturated (tanh): |a| > 0.97; (sigmoid): a < 0.03 or a > 0.97. There the slope is
        below 6% of its maximum, so little gradient gets through.
        dead (relu, leaky_relu): units with z <= 0 for every sample of the batch: they
        pass no gradient (leaky: only 1%) and may never recover. zero: the share of all
        z <= 0 (for relu, the activations that are exactly 0).
        """
        rows = []
        for name, pre, post in self._checked_outputs():
            a, z, act = post.data, pre.data.reshape(len(pre.data), -1), self.activation_name(name)
            row = {"layer": name, "activation": act, "mean": float(a.mean()),
                   "std": float(a.std()), "saturated_pct": None, "dead_pct": None,
                   "zero_pct": None}
            if act == "tanh":
                row["saturated_pct"] = 100 * float(np.mean(np.abs(a) > SATURATION))
            elif act == "sigmoid":
                row["saturated_pct"] = 100 * float(np.mean((a < 1 - SATURATION) | (a > SATURATION)))
            elif act in ("relu", "leaky_relu"):
                row["dead_pct"] = 100 * float(np.mean(np.all(z <= 0, axis=0)))
                row["zero_pct"] = 100 * float(np.mean(z <= 0))
            rows.append(row)
        columns = [("layer", "layer"), ("activation", "activation"), ("mean", "mean"),
                   ("std", "std"), ("saturated_pct", "saturated %"), ("dead_pct", "dead units %"),
                   ("zero_pct", "zero %")]
        return StatsTable(columns, rows)

    def _checked_outputs(self):
        if not self.outputs:
            raise ValueError("ActivationRecorder: nothing recorded yet; call rec.forward(X) first")
        return self.outputs

    def _grad(self, name, t):
        if t.grad is None:
            raise ValueError(f"ActivationRecorder: {name} has no gradient; compute the loss from"
                             " the output of rec.forward(X), then call loss.backward()")
        return t.grad


def plot_activation_histograms(recorder, bins=50, include_output=False):
    """One histogram per hidden layer of the activations, titled with their statistics.

    Zeros of relu layers are left out of the histogram (their share is in the title),
    or one tall bar would hide the rest. The x axis is shared, so shrinking or
    saturating activations from layer to layer are easy to see. Lesson 10.
    """
    names, stats = _layers(recorder, include_output)
    values = []
    for name in names:
        a = recorder.activations[name].ravel()
        values.append(a[a != 0] if recorder.activation_name(name) == "relu" else a)
    act = recorder.activation_name(names[0])
    fixed = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}.get(act)
    fig, axes = _histograms(names, values, bins, "activation value", fixed)
    for ax, s in zip(axes, stats):
        lines = [f"{s['layer']} ({s['activation']})", f"mean {s['mean']:.2g}, std {s['std']:.2g}"]
        if s["saturated_pct"] is not None:
            lines.append(f"saturated {s['saturated_pct']:.0f}%")
        if s["dead_pct"] is not None:
            lines.append(f"dead {s['dead_pct']:.0f}%, zeros {s['zero_pct']:.0f}% (not drawn)")
        bad = (s["saturated_pct"] or 0) > 10 or (s["dead_pct"] or 0) > 10
        ax.set_title("\n".join(lines), fontsize=10, color=WARN_COLOR if bad else "black")
    fig.suptitle("activations per layer (forward pass)", fontsize=12)
    return fig


def plot_gradient_histograms(recorder, bins=50, include_output=False, which="post"):
    """One histogram per hidden layer of d loss / d(activations), titled with mean and std.

    which="post": the gradient flowing into the layer's output (`recorder.gradients`);
    "pre": after passing back through the activation (`recorder.pre_gradients`).
    Gradients that shrink (or grow) from the last layer to the first are vanishing (or
    exploding) gradients. Lesson 10.
    """
    if which not in ("post", "pre"):
        raise ValueError(f"plot_gradient_histograms: which must be 'post' or 'pre', got {which!r}")
    names, _ = _layers(recorder, include_output)
    grads = recorder.gradients if which == "post" else recorder.pre_gradients
    values = [grads[name].ravel() for name in names]
    fig, axes = _histograms(names, values, bins, "gradient value")
    for ax, name, g in zip(axes, names, values):
        ax.set_title(f"{name} ({recorder.activation_name(name)})\nmean {g.mean():.2g},"
                     f" std {g.std():.2g}", fontsize=10)
    where = "outputs" if which == "post" else "pre-activations z"
    fig.suptitle(f"gradients of the loss w.r.t. each layer's {where} (backward pass)", fontsize=12)
    return fig


def _layers(recorder, include_output):
    rows = recorder.stats().rows
    rows = rows if include_output or len(rows) == 1 else rows[:-1]
    return [r["layer"] for r in rows], rows


def _histograms(names, values, bins, xlabel, value_range=None, per_row=4):
    """A grid of histograms with one x range; each bar is a fraction of the values.

    The range is `value_range`, or what holds 99.5% of all values (so that a few
    outliers do not squeeze everything else into one bar).
    """
    n = len(names)
    ncols = min(n, per_row)
    nrows = -(-n // ncols)
    fig, axes = new_figure(nrows, ncols, figsize=(2.6 * ncols + 0.8, 3.2 * nrows),
                           squeeze=False, layout="constrained")
    finite = [v[np.isfinite(v)] for v in values]
    both = np.concatenate(finite) if any(len(v) for v in finite) else np.zeros(1)
    lo, hi = value_range or np.percentile(both, [0.25, 99.75])
    if value_range is None and lo < 0 < hi:  # gradients: symmetric around 0
        lo, hi = -max(-lo, hi), max(-lo, hi)
    if hi - lo < 1e-300:
        lo, hi = lo - 1, hi + 1
    for i, (ax, v) in enumerate(zip(axes.flat, finite)):
        weights = np.full(len(v), 1 / max(len(v), 1))
        ax.hist(v, bins=bins, range=(lo, hi), weights=weights, color=class_color(0), alpha=0.85)
        ax.set_xlabel(xlabel)
        ax.grid(alpha=0.3)
        ax.locator_params(axis="x", nbins=4)
        ax.ticklabel_format(axis="x", style="sci", scilimits=(-2, 3))
        if i % ncols == 0:
            ax.set_ylabel("fraction of values")
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    return fig, list(axes.flat)[:n]


# ---------- the update:data ratio ----------


class UpdateRatioTracker:
    """log10(std of the update / std of the weights), per weight matrix, after every step.

        tracker = UpdateRatioTracker(model)
        fit(model, X, y, "bce", optimizer, steps=100, callbacks=[tracker])
        plot_update_ratios(tracker)

    The update is the change the optimizer made: W after the step minus W before it
    (the tracker keeps a copy of each W from its previous call). CS231n's rule of thumb:
    about -3, each step changes the weights by a thousandth. Far below: learning is slow
    (lr too small); above about -1: the lr is so large that the weights are overwritten.
    Without `fit`, call `tracker.record()` after each `optimizer.step()`. Biases are left
    out (they start at 0). `.steps` and `.ratios` ({name: [log10 ratio per step]}).

    When `fit` stops a diverging run it puts back the weights of an earlier step and cuts
    its History back to that step; the tracker follows (`sync`), so that it never shows
    updates of weights that were thrown away. The first update after such a rewind is
    unknown (its starting weights were put back by fit) and shows as a gap.
    """

    def __init__(self, model):
        self.params = [(name, p) for name, p in model.named_parameters() if p.data.ndim >= 2]
        if not self.params:
            raise ValueError("UpdateRatioTracker: the model has no weight matrices to track")
        self._before = [p.data.astype(np.float64) for _, p in self.params]
        self.steps = []
        self.ratios = {name: [] for name, _ in self.params}
        self._history = None  # the History of the fit run that calls this tracker
        self._best_step = 0  # its best_step: a new value means fit rewound the run

    def record(self, step=None):
        """Measure the change of every W since the last call (or since the tracker was made)."""
        for i, (name, p) in enumerate(self.params):
            after = p.data.astype(np.float64)
            with np.errstate(all="ignore"):
                ratio = np.log10((after - self._before[i]).std() / self._before[i].std())
            self.ratios[name].append(float(ratio))
            self._before[i] = after
        self.steps.append(len(self.steps) + 1 if step is None else step)

    def __call__(self, step, history):
        """The `fit` callback: cb(step, history); returns None, so training goes on."""
        rewound = self._history is history and history.best_step != self._best_step
        self._history, self._best_step = history, history.best_step
        if rewound:  # fit put back earlier weights after a divergence
            self._keep_until(step - 1)
            self.record(step)
            for name in self.ratios:
                self.ratios[name][-1] = float("nan")  # measured from discarded weights
            return
        self.record(step)

    def sync(self):
        """Drop the steps that the last `fit` run cut from its History (after a divergence)."""
        if self._history is not None and self._history.diverged:
            self._keep_until(self._history.final_step)

    def _keep_until(self, step):
        keep = sum(1 for s in self.steps if s <= step)
        del self.steps[keep:]
        for values in self.ratios.values():
            del values[keep:]


def plot_update_ratios(tracker, ax=None):
    """The tracker's log10(update std / weight std) per weight matrix against the step.

    The dashed line at -3 is the rule of thumb. Colours go from dark (first layer) to
    light (last). Steps where nothing changed (log10 0 = -inf) are gaps. Lesson 10.
    """
    tracker.sync()
    if not tracker.steps:
        raise ValueError("plot_update_ratios: the tracker has no steps yet; pass it to fit"
                         " (callbacks=[tracker]) or call tracker.record() after each step")
    if ax is None:
        fig, ax = new_figure(figsize=(8, 4.5), layout="constrained")
    fig = ax.figure
    n = len(tracker.ratios)
    for i, (name, values) in enumerate(tracker.ratios.items()):
        v = np.asarray(values, dtype=float)
        color = layer_color(i, n)
        ax.plot(tracker.steps, np.where(np.isfinite(v), v, np.nan), color=color, lw=1.5,
                label=name)
    ax.axhline(-3, color="black", ls="--", lw=1.2, label="-3 (rule of thumb)")
    lo, hi = ax.get_ylim()
    ax.set_ylim(min(lo, -3.5), max(hi, -2.5))  # keep the guide line in view
    ax.set(xlabel="step", ylabel="log10(update std / weight std)",
           title="how much each step changes the weights")
    ax.grid(alpha=0.3)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=10)
    return fig


# ---------- the loss before training ----------

_CHANCE = {
    "cross_entropy": "log(n_classes): probability 1/n_classes for every class",
    "bce": "log 2: probability 1/2 for both classes",
    "hinge": "1: every score 0",
    "mse": "var(y): always predicting the mean of y",
}


class InitialLossCheck:
    """The result of `check_initial_loss`: .loss, .expected, .ok, .score_std, .message."""

    def __init__(self, loss_name, loss, expected, ok, score_std, message):
        self.loss_name, self.loss, self.expected = loss_name, loss, expected
        self.ok, self.score_std, self.message = ok, score_std, message

    def __repr__(self):
        return ("OK: " if self.ok else "CHECK: ") + self.message

    def _repr_html_(self):
        colour = "#2e7d32" if self.ok else WARN_COLOR
        word = "OK" if self.ok else "CHECK"
        return f"<p><b style='color:{colour}'>{word}</b>: {html.escape(self.message)}</p>"


def check_initial_loss(model, X, y, loss, rtol=0.3, atol=0.2):
    """Compare the loss of an untrained model with the loss of guessing (chance level).

    Chance level: cross_entropy log(n_classes), bce log 2, hinge 1 (scores 0), mse
    var(y) (predicting the mean). `.ok` is True when |loss - expected| <= max(rtol *
    expected, atol): within 30%, or 0.2 for small values. A fresh network should be
    unsure: scores near 0. A much larger loss means it is confidently wrong, usually
    because the initial weights are too large. Lesson 10 (diagnosing gradients).
    """
    name = next((k for k, fn in LOSSES.items() if loss is fn or loss == k), None)
    if name is None:
        raise ValueError(f"check_initial_loss: loss must be one of {', '.join(LOSSES)} (a name"
                         f" or the function from backproplab.losses), got {loss!r}")
    params = model.parameters()
    dtype = params[0].dtype if params else np.float64
    scores = model(Tensor(np.asarray(X, dtype=float), requires_grad=False, dtype=dtype))
    value = LOSSES[name](scores, y).item()
    y = np.asarray(y, dtype=float)
    expected = {"cross_entropy": math.log(scores.shape[-1]), "bce": math.log(2.0), "hinge": 1.0,
                "mse": float(np.var(y))}[name]
    ok = abs(value - expected) <= max(rtol * expected, atol)
    score_std = float(scores.data.std())
    head = (f"initial {name} loss {value:.4g}; chance level {expected:.4g}"
            f" ({_CHANCE[name]}); the scores have std {score_std:.3g}.")
    if ok:
        text = " Close to chance: the untrained network is unsure, as it should be."
    elif value > expected:
        text = (f" That is {value / expected:.1f} times chance: the network is confidently"
                " wrong before learning anything, and the first steps will go into shrinking"
                " its scores (a 'hockey stick' loss curve). Usually the initial weights are too"
                " large: use init='xavier' or 'he', a smaller std, or scale the last layer's W"
                " down (e.g. by 0.1).")
        if name == "mse":
            text += (f" For mse, y far from 0 (mean(y) = {y.mean():.3g}) does the same:"
                     " the untrained network predicts about 0, so standardize y.")
    else:
        text = (" Below chance before training: is the model already trained, or does X"
                " contain the labels?")
    return InitialLossCheck(name, value, expected, ok, score_std, head + text)
