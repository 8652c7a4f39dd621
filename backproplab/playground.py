"""`TrainingPlayground`: train a small MLP on a 2-D dataset with sliders and buttons.

Choose a dataset, the input features, the hidden layers, the activation, the optimizer,
its learning rate and L2 weight decay, then press Train and watch the decision regions,
what every hidden unit computes, the train and test loss, the accuracy and each layer's
gradient norm change. It is TensorFlow Playground with an optimizer choice and a view
of the gradients (lesson 09).

Controls take effect on the next Train or Step. A new dataset, noise, feature set,
architecture, activation or seed builds a new model; a new optimizer, learning rate or
weight decay keeps the weights. "Same start" puts back the weights the model started
with (and a fresh optimizer), so two optimizers can race from one point; the run before
stays on the loss plot in grey.
"""

import asyncio
import time

import ipywidgets as w
import numpy as np

from . import plots
from .data import DATASETS, train_test_split
from .features import FEATURES, PLAIN, FeatureMLP, check_features
from .live_curves import LiveCurves
from .neuron_views import PlaneView
from .nn import ACTIVATIONS
from .optim import OPTIMIZERS
from .train import History, accuracy, fit
from .widget_display import (
    CheckboxGroup,
    app_bundle,
    choose,
    figure_png,
    new_app_figure,
    picture_output,
    pixels_to_image,
    show_png,
    stack_images,
)

CHUNK = 5  # steps between looks at the clock and the Stop button
REDRAW_SECONDS = 0.15  # while training, redraw at most this often (up to 6.7 a second)
TRAIN_SHARE = 0.2  # ...but training keeps at least this share of the time (slow redraws)
MAX_LAYERS, MAX_WIDTH = 6, 256
N_POINTS = 200
LIVE_JPEG_QUALITY = 85  # frames shown while training; the picture that stays is a PNG
MESSAGE_CHARS = 125  # a divergence message above the figure is cut to this length
WEIGHT_DECAYS = (0.0, 1e-4, 1e-3, 1e-2, 1e-1)
DROPOUTS = (0.0, 0.1, 0.2, 0.3, 0.5)
BUTTONS = ("Train", "Step", "Reset", "Same start", "Stop")


def redraw_interval(draw_cost):
    """Seconds from one live picture to the next when a redraw costs `draw_cost` seconds:
    REDRAW_SECONDS, or longer so that training keeps TRAIN_SHARE of the time."""
    return max(REDRAW_SECONDS, draw_cost / (1 - TRAIN_SHARE))


def parse_hidden(text):
    """'16, 16' -> [16, 16]; '' -> [] (no hidden layer). ValueError with advice otherwise."""
    parts = [p.strip() for p in str(text).split(",")]
    if parts == [""]:
        return []
    sizes = []
    for p in parts:
        if not p.isdigit() or not 1 <= int(p) <= MAX_WIDTH:
            raise ValueError(
                f"hidden layers: {p!r} is not a layer size; write sizes from 1 to {MAX_WIDTH}"
                " separated by commas, e.g. 16,16"
            )
        sizes.append(int(p))
    if len(sizes) > MAX_LAYERS:
        raise ValueError(f"hidden layers: at most {MAX_LAYERS} layers here, got {len(sizes)}")
    return sizes


class TrainingPlayground:
    """An ipywidgets app around `fit`. Display it by ending a cell with it.

    Without a browser: set `.controls[name].value`, call `.train()`, `.step()`,
    `.reset()`, `.same_start()`, and read `.history`, `.model`, `.optimizer`,
    `.status.value`. `.controls["features"].value` is a tuple such as ("x₁", "x₂").
    """

    def __init__(self, dataset="moons", noise=0.1, hidden="16,16", activation="relu",
                 optimizer="Adam", lr=0.01, batch_size=0, steps=200, seed=0, features=PLAIN,
                 weight_decay=0.0, dropout=0.0, batchnorm=False):
        where = "TrainingPlayground"
        dataset = choose(where, "dataset", dataset, list(DATASETS))
        activation = choose(where, "activation", activation, list(ACTIVATIONS))
        optimizer = choose(where, "optimizer", optimizer, list(OPTIMIZERS))
        try:
            parse_hidden(hidden)
        except ValueError as e:
            raise ValueError(f"{where}: {e}") from None
        features = check_features(features, where)
        for name, value, choices in (("weight_decay", weight_decay, WEIGHT_DECAYS),
                                     ("dropout", dropout, DROPOUTS)):
            if value not in choices:
                raise ValueError(f"{where}: {name} must be one of"
                                 f" {', '.join(map(str, choices))}; got {value!r}")
        style = {"description_width": "100px"}
        wide = w.Layout(width="320px")
        self.controls = {
            "dataset": w.Dropdown(options=list(DATASETS), value=dataset, description="dataset",
                                  style=style, layout=wide),
            "noise": w.FloatSlider(value=noise, min=0.0, max=0.5, step=0.01,
                                   description="noise", style=style, layout=wide),
            "features": CheckboxGroup(FEATURES, features, description="input features",
                                      where=where),
            "hidden": w.Text(value=hidden, description="hidden layers", style=style,
                             continuous_update=False, layout=wide),
            "activation": w.Dropdown(options=list(ACTIVATIONS), value=activation,
                                     description="activation", style=style, layout=wide),
            "batchnorm": w.Checkbox(value=bool(batchnorm), description="BatchNorm",
                                    style=style, layout=wide),
            "dropout": w.SelectionSlider(
                options=[("0" if v == 0 else f"{v:g}", v) for v in DROPOUTS], value=dropout,
                description="dropout", style=style, layout=wide),
            "optimizer": w.Dropdown(options=list(OPTIMIZERS), value=optimizer,
                                    description="optimizer", style=style, layout=wide),
            "lr": w.FloatLogSlider(value=lr, base=10, min=-4, max=1, step=0.1,
                                   description="learning rate", readout_format=".4g",
                                   style=style, layout=wide),
            "weight_decay": w.SelectionSlider(
                options=[("0" if v == 0 else f"{v:g}", v) for v in WEIGHT_DECAYS],
                value=weight_decay, description="L2 decay", style=style, layout=wide,
                tooltip="L2 weight decay: every step adds decay x weight to each gradient"),
            "batch_size": w.Dropdown(options=[("full batch", 0), ("8", 8), ("16", 16),
                                              ("32", 32), ("64", 64)],
                                     value=batch_size, description="batch size", style=style,
                                     layout=wide),
            "steps": w.IntSlider(value=steps, min=1, max=1000, description="steps per run",
                                 style=style, layout=wide),
            "seed": w.BoundedIntText(value=seed, min=0, max=10**6, description="seed",
                                     style=style, layout=wide),
        }
        self.buttons = {name: w.Button(description=name, layout=w.Layout(width="auto"))
                        for name in BUTTONS}
        self.buttons["Train"].button_style = "success"
        self.buttons["Same start"].tooltip = "back to the same initial weights, fresh optimizer"
        self.buttons["Train"].on_click(lambda _: self._start_training())
        self.buttons["Step"].on_click(lambda _: self.step())
        self.buttons["Reset"].on_click(lambda _: self.reset())
        self.buttons["Same start"].on_click(lambda _: self.same_start())
        self.buttons["Stop"].on_click(lambda _: self.stop())
        self.hidden_message = w.HTML()
        self.controls["hidden"].observe(self._check_hidden, names="value")
        self.status = w.HTML(layout=w.Layout(width="320px"))
        self.output = picture_output(min_width=480)  # decision regions and curves
        self.unit_output = picture_output(min_width=320)  # one tile per hidden unit
        self.figure = new_app_figure((10, 6.2))
        # top=0.9: room above the panel titles for a divergence message (the suptitle)
        grid = self.figure.add_gridspec(3, 2, width_ratios=[1.3, 1], left=0.07, right=0.98,
                                        top=0.9, bottom=0.08, hspace=0.65, wspace=0.22)
        self.ax_regions = self.figure.add_subplot(grid[:, 0])
        self.ax_loss, self.ax_acc, self.ax_grad = (self.figure.add_subplot(grid[i, 1])
                                                   for i in range(3))
        self.unit_figure = None
        c = self.controls
        self.widget = w.Box([
            w.VBox([c["dataset"], c["noise"], c["features"],
                    w.VBox([c["hidden"], self.hidden_message]), c["activation"],
                    c["batchnorm"], c["dropout"],
                    c["optimizer"], c["lr"], c["weight_decay"], c["batch_size"], c["steps"],
                    c["seed"], w.HBox(list(self.buttons.values()),
                                      layout=w.Layout(flex_flow="row wrap")), self.status],
                   layout=w.Layout(width="330px", flex="0 0 330px")),
            w.VBox([self.output, self.unit_output],
                   layout=w.Layout(flex="1 1 480px", min_width="480px")),
        ], layout=w.Layout(display="flex", flex_flow="row wrap", align_items="flex-start",
                           width="100%"))
        self._task = None
        self._png = self._unit_png = self._static_png = None
        self.error = None  # the exception that stopped the training task, if any
        self.previous = None  # (label, History) of the run before "Same start"
        self.reset()

    # ---- what the buttons do ----

    def reset(self):
        """Build data, model and optimizer from the controls and clear the history."""
        self.previous = None
        self._build(self._structure())
        self._draw()

    def same_start(self):
        """Back to the weights this model started with, a fresh optimizer, no history.

        The run before stays on the loss plot (grey) to compare with the next one.
        A changed dataset or architecture builds a new model instead, as Reset does.
        """
        if self._structure() != self._structure_built:
            return self.reset()
        previous = (self.summary_optimizer(), self.history) if self.history.steps \
            else self.previous
        # the same seed: the same data, initial weights, BatchNorm statistics, dropout draws
        self._build(self._structure_built)
        self.previous = previous
        self._draw()

    def train(self, steps=None):
        """Train for `steps` steps (default: the steps control), in chunks; returns history."""
        for _ in self._chunks(steps):
            pass
        return self.history

    def step(self):
        """One optimizer step."""
        return self.train(steps=1)

    def stop(self):
        """Stop training after the current chunk."""
        self._stop = True

    # ---- training in chunks, so the display keeps up and Stop is heard ----

    def _chunks(self, steps):
        self._apply_controls()
        total = steps or self.controls["steps"].value
        self._stop = False
        self.history.diverged, self.history.message = False, ""
        done, last_draw, draw_cost = 0, time.perf_counter(), 0.0
        while done < total and not self._stop and not self.history.diverged:
            n = min(CHUNK, total - done)
            self._fit(n)
            done += n
            # a picture every REDRAW_SECONDS; a slower redraw waits so that training keeps
            # TRAIN_SHARE of the time (a 0.15 s redraw: one every 0.1875 s, 5.3 a second)
            if time.perf_counter() - last_draw > redraw_interval(draw_cost):
                last_draw = time.perf_counter()
                self._draw(live=done < total)
                draw_cost = time.perf_counter() - last_draw
            yield done
        self._draw()

    def _fit(self, n):
        self.model.train()  # BatchNorm uses batch statistics, Dropout drops
        try:
            self._fit_steps(n)
        finally:
            self.model.eval()  # pictures and accuracies: running statistics, no dropout
            # after a divergence fit keeps the history up to the best step: so do we
            del self.layer_grad_norms[len(self.history.steps):]

    def _fit_steps(self, n):
        fit(self.model, self.X_train, self.y_train, self.loss, self.optimizer, n,
            batch_size=self.controls["batch_size"].value or None,
            seed=self.controls["seed"].value, callbacks=(self._record_layer_norms,),
            progress=False, val=(self.X_test, self.y_test), eval_every=1,
            history=self.history)

    def _start_training(self):
        """Train button: in a live kernel, train as a task so Stop clicks get through."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # no event loop (plain Python, tests): train right here
            self.train()
            return
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._train_async())

    async def _train_async(self):
        """Train in chunks, pausing after each so the kernel handles widget events (Stop).

        An error cannot reach the notebook from a task, so it goes to the status line.
        """
        for b in ("Train", "Step", "Reset", "Same start"):
            self.buttons[b].disabled = True
        try:
            for _ in self._chunks(None):
                await asyncio.sleep(0.01)
        except Exception as e:  # noqa: BLE001 -- shown to the learner, not swallowed
            self.error = e
            self.status.value = (
                f"<b style='color:{plots.WARN_COLOR}'>training stopped by an error:"
                f" {type(e).__name__}: {_escape(e)}</b><br>Change the settings and press"
                " Train again, or Reset.")
        finally:
            for b in ("Train", "Step", "Reset", "Same start"):
                self.buttons[b].disabled = False

    # ---- model and controls ----

    def _structure(self):
        """The settings that define the data and the model (a change means a new model)."""
        c = self.controls
        try:
            hidden = parse_hidden(c["hidden"].value)
        except ValueError:
            hidden = self._hidden  # keep the previous model; the message is on screen
        features = c["features"].value or self._features  # none ticked: keep the model's
        return (c["dataset"].value, round(c["noise"].value, 4), tuple(hidden),
                c["activation"].value, c["seed"].value, tuple(features),
                bool(c["batchnorm"].value), c["dropout"].value)

    def _build(self, structure):
        dataset, noise, hidden, activation, seed, features, batchnorm, dropout = structure
        X, y = DATASETS[dataset](n=N_POINTS, noise=noise, seed=seed)
        self.X_train, self.X_test, self.y_train, self.y_test = train_test_split(
            X, y, test_fraction=0.25, seed=seed)
        n_classes = int(y.max()) + 1
        self.loss = "bce" if n_classes == 2 else "cross_entropy"
        self.model = FeatureMLP(features, list(hidden), 1 if n_classes == 2 else n_classes,
                                activation=activation, seed=seed, batchnorm=batchnorm,
                                dropout=dropout).eval()  # training mode only inside fit
        self._hidden, self._features = list(hidden), tuple(features)
        self._structure_built = structure
        self._optimizer_name = None
        self._apply_optimizer()
        self._new_history()
        self._make_views()

    def _new_history(self):
        self.history = History()
        self.layer_grad_norms = []  # one row per step: the gradient norm of each layer
        self._set_status()

    def _apply_optimizer(self):
        """A new optimizer if its name changed; else the new lr and weight decay, keeping
        the optimizer's memory (momentum, averages)."""
        c = self.controls
        name, lr = c["optimizer"].value, c["lr"].value
        if name != self._optimizer_name:
            self.optimizer = OPTIMIZERS[name](self.model.parameters(), lr)
            self._optimizer_name = name
        self.optimizer.lr = lr
        self.optimizer.weight_decay = c["weight_decay"].value  # L2: g <- g + wd * w

    def _apply_controls(self):
        structure = self._structure()
        if structure != self._structure_built:
            self.previous = None
            self._build(structure)
        self._apply_optimizer()

    def _check_hidden(self, change):
        try:
            parse_hidden(change["new"])
            self.hidden_message.value = ""
        except ValueError as e:
            self.hidden_message.value = (
                f"<span style='color:#c62828'>{e}. The current model is kept.</span>")

    def _record_layer_norms(self, step, history):
        self.layer_grad_norms.append([
            float(np.sqrt(sum(np.sum(p.grad**2) for p in layer.parameters()
                              if p.grad is not None)))
            for layer in self.model.layers
        ])
        return False

    # ---- display ----

    def _make_views(self):
        """The plane view (regions and unit tiles) and the curves, for the current data."""
        from .plots import _padded_limits

        limits = _padded_limits(np.vstack([self.X_train, self.X_test]), 0.15)
        self.ax_regions.clear()
        self.curves = LiveCurves(self.ax_loss, self.ax_acc, self.ax_grad, len(self.model.layers))
        self.view = PlaneView(self.ax_regions, limits, self.X_train, self.y_train,
                              self.X_test, self.y_test)
        self._background = None  # of the live frames: drawn again for the new panels
        self._legends, self._legend_pixels = [], []

    def _set_status(self):
        h = self.history
        if h.diverged:
            self.status.value = f"<b style='color:#c62828'>{h.message}</b>"
        elif not h.steps:
            self.status.value = "step 0: press Train or Step"
        else:
            self.status.value = (
                f"step {h.final_step} · loss {h.loss[-1]:.4f} · train accuracy"
                f" {self.train_accuracy():.1%} · test accuracy {self.test_accuracy():.1%}")

    def train_accuracy(self):
        return accuracy(self._scores(self.X_train), self.y_train)

    def test_accuracy(self):
        return accuracy(self._scores(self.X_test), self.y_test)

    def _scores(self, X):
        return self.model(X).data

    def _draw(self, live=False):
        """Redraw everything. `live` (while training): JPEG frames, cheaper to encode; the
        picture that stays (and the static one outside a kernel) is a PNG."""
        self._set_status()
        self.view.update(self.model)
        if self.view.nan_message:
            self.status.value += f"<br><b style='color:#c62828'>{self.view.nan_message}</b>"
        self.ax_regions.set_title(self._regions_title(), fontsize=10, y=1.0)
        label, previous = self.previous or ("", None)
        self.curves.update(self.history, self.layer_grad_norms, previous, label)
        message = self.history.message.split(". ")[0] if self.history.diverged else ""
        if len(message) > MESSAGE_CHARS:  # one line across the figure; the status has it all
            message = message[:MESSAGE_CHARS - 1].rstrip() + "…"
        self.figure.suptitle(message, color=plots.WARN_COLOR, fontsize=10, y=0.995, va="top")
        self.unit_figure = self.view.unit_figure  # made to fit the layers' tiles
        picture = self._live_picture() if live else figure_png(self.figure)
        units = pixels_to_image(self.view.unit_pixels(), "jpeg" if live else "png")
        if not live:
            self._png, self._unit_png, self._static_png = picture, units, None
        show_png(self.output, picture)
        show_png(self.unit_output, units)

    def _live_picture(self):
        """A JPEG frame while training, drawn over a cached background: the axes, ticks
        and labels of the regions panel and the curves' legends stay as they are, so only
        the changing artists, the curve panels (their limits change) and the message
        above are drawn again (about 0.6x the cost of drawing the whole figure)."""
        fig, changing = self.figure, self.view.changing_artists()
        curves = [self.ax_loss, self.ax_acc, self.ax_grad]
        legends = [ax.get_legend() for ax in curves if ax.get_legend() is not None]
        if self._background is None or legends != self._legends:  # everything that stays
            hidden = [*changing, *curves, fig._suptitle]
            shown = [a.get_visible() if a is not None else False for a in hidden]
            for a in hidden:
                if a is not None:
                    a.set_visible(False)
            fig.canvas.draw()
            self._background = fig.canvas.copy_from_bbox(fig.bbox)
            for a, visible in zip(hidden, shown):
                if a is not None:
                    a.set_visible(visible)
            fig.canvas.draw()  # the legends (opaque, fixed places): their pixels stay too
            self._legends = legends
            self._legend_pixels = [  # with their frames' edges
                fig.canvas.copy_from_bbox(legend.get_window_extent().padded(1.5))
                for legend in legends]
        canvas = fig.canvas
        canvas.restore_region(self._background)
        pixels = np.asarray(canvas.buffer_rgba())
        self.view.paste_regions(pixels, pixels.shape[0])
        renderer = canvas.get_renderer()
        for artist in changing[1:]:  # the regions themselves are pasted
            artist.draw(renderer)
        for legend in legends:
            legend.set_visible(False)
        for ax in curves:
            ax.draw(renderer)
        for legend, pixels_kept in zip(legends, self._legend_pixels):
            legend.set_visible(True)
            canvas.restore_region(pixels_kept)
        if fig._suptitle is not None:
            fig._suptitle.draw(renderer)
        return pixels_to_image(pixels[..., :3], "jpeg", LIVE_JPEG_QUALITY)

    def _regions_title(self):
        if self.view.nan_message:
            return "outputs are NaN: no decision regions"
        if not self.history.steps:
            return "decision regions (untrained)"
        return (f"train accuracy {self.train_accuracy():.1%},"
                f" test {self.test_accuracy():.1%}")

    def summary_optimizer(self):
        wd = self.controls["weight_decay"].value
        return f"{self._optimizer_name} lr={self.optimizer.lr:.4g}" + (f" L2={wd:g}" if wd
                                                                         else "")

    def summary(self):
        """One line describing the app's state (its text/plain form)."""
        c = self.controls
        sizes = "-".join(map(str, [len(self._features), *self._hidden,
                                   self.model.layers[-1].n_out]))
        if self._features != PLAIN:
            sizes = f"on ({', '.join(self._features)}) {sizes}"
        h = self.history
        state = (f"step {h.final_step}, loss {h.loss[-1]:.4f}, train accuracy"
                 f" {self.train_accuracy():.1%}" if h.steps else "step 0")
        if h.diverged:
            state += " (diverged)"
        options = ("+BatchNorm" if self.model.norms else "") + (
            f"+dropout {self.model.dropouts[0].p:g}" if self.model.dropouts else "")
        return (f"TrainingPlayground: {c['dataset'].value}, MLP {sizes} {c['activation'].value}"
                f"{options}, {self.summary_optimizer()}; {state}")

    def _repr_mimebundle_(self, **kwargs):
        return app_bundle(self.widget, self.summary(), png=self.static_png())

    def static_png(self):
        """The picture stored outside a kernel: the figure with the unit tiles below it,
        one PNG (a viewer shows a bundle's one image/png, so both must be in it)."""
        if self._static_png is None:
            self._static_png = stack_images(self._png, self._unit_png)
        return self._static_png


def _escape(e):
    return str(e).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
