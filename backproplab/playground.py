"""`TrainingPlayground`: train a small MLP on a 2-D dataset with sliders and buttons.

Choose a dataset, the hidden layers, the activation, the optimizer and its learning
rate, then press Train and watch the decision boundary, the train and test loss, the
accuracy and each layer's gradient norm change. It is TensorFlow Playground with an
optimizer choice and a view of the gradients (lesson 09).

Controls take effect on the next Train or Step. A new dataset, noise, architecture,
activation or seed builds a new model; a new optimizer or learning rate keeps the
weights, so you can compare optimizers from the same starting point.
"""

import asyncio
import time

import ipywidgets as w
import numpy as np
from matplotlib.figure import Figure

from . import plots
from .data import DATASETS, train_test_split
from .nn import ACTIVATIONS, MLP
from .optim import OPTIMIZERS
from .train import History, accuracy, fit
from .widget_display import app_bundle, figure_png, show_png

CHUNK = 20  # steps between looks at the Stop button
REDRAW_SECONDS = 0.5  # while training, redraw at most this often
MAX_LAYERS, MAX_WIDTH = 6, 256
N_POINTS = 200


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
    `.reset()`, and read `.history`, `.model`, `.optimizer`, `.status.value`.
    """

    def __init__(self, dataset="moons", noise=0.1, hidden="16,16", activation="relu",
                 optimizer="Adam", lr=0.01, batch_size=0, steps=200, seed=0):
        style = {"description_width": "110px"}
        self.controls = {
            "dataset": w.Dropdown(options=list(DATASETS), value=dataset, description="dataset",
                                  style=style),
            "noise": w.FloatSlider(value=noise, min=0.0, max=0.5, step=0.01,
                                   description="noise", style=style),
            "hidden": w.Text(value=hidden, description="hidden layers", style=style,
                             continuous_update=False),
            "activation": w.Dropdown(options=list(ACTIVATIONS), value=activation,
                                     description="activation", style=style),
            "optimizer": w.Dropdown(options=list(OPTIMIZERS), value=optimizer,
                                    description="optimizer", style=style),
            "lr": w.FloatLogSlider(value=lr, base=10, min=-4, max=1, step=0.1,
                                   description="learning rate", readout_format=".4g",
                                   style=style),
            "batch_size": w.Dropdown(options=[("full batch", 0), ("8", 8), ("16", 16),
                                              ("32", 32), ("64", 64)],
                                     value=batch_size, description="batch size", style=style),
            "steps": w.IntSlider(value=steps, min=1, max=1000, description="steps per run",
                                 style=style),
            "seed": w.BoundedIntText(value=seed, min=0, max=10**6, description="seed",
                                     style=style),
        }
        self.buttons = {name: w.Button(description=name, layout=w.Layout(width="80px"))
                        for name in ("Train", "Step", "Reset", "Stop")}
        self.buttons["Train"].button_style = "success"
        self.buttons["Train"].on_click(lambda _: self._start_training())
        self.buttons["Step"].on_click(lambda _: self.step())
        self.buttons["Reset"].on_click(lambda _: self.reset())
        self.buttons["Stop"].on_click(lambda _: self.stop())
        self.hidden_message = w.HTML()
        self.controls["hidden"].observe(self._check_hidden, names="value")
        self.status = w.HTML()
        self.output = w.Output()
        self.figure = Figure(figsize=(10, 7.2))
        self.axes = self.figure.subplots(2, 2)
        self.figure.subplots_adjust(left=0.08, right=0.98, top=0.92, bottom=0.07, hspace=0.35,
                                    wspace=0.25)
        c = self.controls
        self.widget = w.HBox([
            w.VBox([c["dataset"], c["noise"], w.VBox([c["hidden"], self.hidden_message]),
                    c["activation"], c["optimizer"], c["lr"], c["batch_size"], c["steps"],
                    c["seed"], w.HBox(list(self.buttons.values())), self.status],
                   layout=w.Layout(width="360px", flex="0 0 auto")),
            self.output,
        ])
        self._task = None
        self._png = None
        self.reset()

    # ---- what the buttons do ----

    def reset(self):
        """Build data, model and optimizer from the controls and clear the history."""
        self._build(self._structure())
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
        done, last_draw = 0, time.perf_counter()
        while done < total and not self._stop and not self.history.diverged:
            n = min(CHUNK, total - done)
            fit(self.model, self.X_train, self.y_train, self.loss, self.optimizer, n,
                batch_size=self.controls["batch_size"].value or None,
                seed=self.controls["seed"].value, callbacks=(self._record_layer_norms,),
                progress=False, val=(self.X_test, self.y_test), eval_every=1,
                history=self.history)
            done += n
            if time.perf_counter() - last_draw > REDRAW_SECONDS:
                self._draw()
                last_draw = time.perf_counter()
            yield done
        self._draw()

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
        for b in ("Train", "Step", "Reset"):
            self.buttons[b].disabled = True
        try:
            for _ in self._chunks(None):
                await asyncio.sleep(0.01)  # let the kernel handle widget events (Stop)
        finally:
            for b in ("Train", "Step", "Reset"):
                self.buttons[b].disabled = False

    # ---- model and controls ----

    def _structure(self):
        """The settings that define the data and the model (a change means a new model)."""
        c = self.controls
        try:
            hidden = parse_hidden(c["hidden"].value)
        except ValueError:
            hidden = self._hidden  # keep the previous model; the message is on screen
        return (c["dataset"].value, round(c["noise"].value, 4), tuple(hidden),
                c["activation"].value, c["seed"].value)

    def _build(self, structure):
        dataset, noise, hidden, activation, seed = structure
        X, y = DATASETS[dataset](n=N_POINTS, noise=noise, seed=seed)
        self.X_train, self.X_test, self.y_train, self.y_test = train_test_split(
            X, y, test_fraction=0.25, seed=seed)
        n_classes = int(y.max()) + 1
        self.loss = "bce" if n_classes == 2 else "cross_entropy"
        self.model = MLP(2, list(hidden), 1 if n_classes == 2 else n_classes,
                         activation=activation, seed=seed)
        self._hidden = list(hidden)
        self._structure_built = structure
        self._optimizer_name = self.controls["optimizer"].value
        self.optimizer = OPTIMIZERS[self._optimizer_name](self.model.parameters(),
                                                          self.controls["lr"].value)
        self.history = History()
        self.layer_grad_norms = []  # one row per step: the gradient norm of each layer
        self._set_status()

    def _apply_controls(self):
        structure = self._structure()
        if structure != self._structure_built:
            self._build(structure)
        name, lr = self.controls["optimizer"].value, self.controls["lr"].value
        if name != self._optimizer_name:
            self.optimizer = OPTIMIZERS[name](self.model.parameters(), lr)
            self._optimizer_name = name
        else:
            self.optimizer.lr = lr  # keeps the optimizer's memory (momentum, averages)

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

    def _draw(self):
        self._set_status()
        ax_data, ax_loss, ax_acc, ax_grad = self.axes.ravel()
        for ax in self.axes.ravel():
            ax.clear()
        plots.plot_decision_boundary(self.model, self.X_train, self.y_train, ax=ax_data,
                                     X_test=self.X_test, y_test=self.y_test)
        plots.plot_training_curves(self.history, ax_loss, ax_acc)
        plots.plot_layer_grad_norms(self.history.steps, self.layer_grad_norms, ax_grad)
        message = self.history.message.split(". ")[0] if self.history.diverged else ""
        self.figure.suptitle(message, color=plots.WARN_COLOR, fontsize=11)  # the first sentence
        self._png = figure_png(self.figure)
        show_png(self.output, self._png)

    def summary(self):
        """One line describing the app's state (its text/plain form)."""
        c = self.controls
        sizes = "-".join(map(str, [2, *self._hidden, self.model.layers[-1].n_out]))
        h = self.history
        state = (f"step {h.final_step}, loss {h.loss[-1]:.4f}, train accuracy"
                 f" {self.train_accuracy():.1%}" if h.steps else "step 0")
        if h.diverged:
            state += " (diverged)"
        return (f"TrainingPlayground: {c['dataset'].value}, MLP {sizes} {c['activation'].value},"
                f" {self._optimizer_name} lr={self.optimizer.lr:.4g}; {state}")

    def _repr_mimebundle_(self, **kwargs):
        return app_bundle(self.widget, self.summary(), png=self._png)
