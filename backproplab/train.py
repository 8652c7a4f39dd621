"""The training loop: forward, loss, backward, update, and again.

    for step in range(steps):
        loss = loss_fn(model(X_batch), y_batch)    # forward
        model.zero_grad(); loss.backward()         # backward
        optimizer.step()                           # update

`fit` adds what a learner needs around those four lines: minibatches, a progress
bar, a `History` of loss, accuracy, gradient norm and learning rate, and a clean stop
(with a message) when the loss blows up or you press the stop button.

Introduced in lesson 05 (scalar) and lesson 07 (tensor).
"""

import math
from dataclasses import dataclass, field

import numpy as np

from .losses import LOSSES
from .nn import ScalarMLP
from .tensor import Tensor
from .value import Value


@dataclass
class History:
    """What happened during training, one entry per step (val_* every eval_every steps)."""

    steps: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)  # empty for regression
    grad_norm: list = field(default_factory=list)
    lr: list = field(default_factory=list)
    val_steps: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    diverged: bool = False
    interrupted: bool = False
    message: str = ""

    @property
    def final_step(self):
        """The number of the last completed step (0 before training)."""
        return self.steps[-1] if self.steps else 0

    def __repr__(self):
        if not self.steps:
            return "History(no steps yet)"
        acc = f", accuracy {self.accuracy[-1]:.3f}" if self.accuracy else ""
        note = f"; {self.message}" if self.message else ""
        return f"History({len(self.steps)} steps, loss {self.loss[-1]:.4f}{acc}{note})"


def accuracy(scores, y):
    """Fraction of correct predictions.

    One score per sample: the prediction is the sign (labels -1/+1) or score > 0
    (labels 0/1). Several scores per sample: the class with the largest score.
    """
    s = _as_array(scores)
    y = np.asarray(y)
    if s.ndim == 2 and s.shape[1] > 1:
        return float(np.mean(s.argmax(axis=1) == y))
    s = s.reshape(y.shape)
    pred = np.where(s > 0, 1, -1 if y.min() < 0 else 0)
    return float(np.mean(pred == y))


def fit(model, X, y, loss, optimizer, steps, batch_size=None, seed=0, callbacks=(),
        progress=True, eval_every=None, val=None, history=None, classification=None,
        diverge_factor=1e3):
    """Train `model` for `steps` optimizer steps and return a `History`.

    model: an `MLP` (Tensor) or a `ScalarMLP` (Value); X, y: numpy arrays.
    loss: a function loss(pred, y) or a name: "mse", "hinge", "bce", "cross_entropy".
    batch_size: None for full batch, else minibatches from a shuffled order (seeded);
        an epoch has len(X) // batch_size steps (a last, smaller batch is dropped).
    callbacks: functions cb(step, history); one that returns True stops training.
    val: optional (X_val, y_val), evaluated every `eval_every` steps.
    history: a History to continue (steps keep counting), for training in chunks.
    classification: record accuracy; by default True unless the loss is mse.

    If the loss becomes NaN or infinite, or grows to more than `diverge_factor` times
    its first value (at least 1), training stops, `history.diverged` is set,
    `history.message` says when and what to try, and the model keeps the last
    parameters that gave a finite loss. Ctrl-C (or the Stop button) stops cleanly.
    """
    loss_fn = _loss_function(loss)
    X, y = _check_data(X, y)
    if val is not None:  # checked now, not after the first update
        val = _check_data(*val, names=("val X", "val y"))
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"fit: steps must be a non-negative integer, got {steps!r}")
    if batch_size is not None and (isinstance(batch_size, bool) or
                                   not isinstance(batch_size, (int, np.integer)) or batch_size < 1):
        raise ValueError(f"fit: batch_size must be a positive integer or None, got {batch_size!r}")
    if classification is None:
        classification = loss_fn is not LOSSES["mse"]
    history = history if history is not None else History()
    eval_every = eval_every or max(1, steps // 50)
    bar = _progress_bar(steps, progress)
    try:
        _run(model, X, y, loss_fn, optimizer, steps, batch_size, seed, callbacks, eval_every,
             val, history, classification, diverge_factor, bar)
    except KeyboardInterrupt:
        history.interrupted = True
        history.message = f"training interrupted at step {history.final_step}"
        print(history.message)
    finally:
        if bar is not None:
            bar.close()
    return history


@np.errstate(all="ignore")  # overflow is not an error here: it is reported as divergence
def _run(model, X, y, loss_fn, optimizer, steps, batch_size, seed, callbacks, eval_every, val,
         history, classification, diverge_factor, bar):
    """The loop of `fit`; it appends to `history` as it goes."""
    params = model.parameters()
    batches = _batches(len(X), batch_size, seed, start=history.final_step)
    good = _snapshot(params)
    for _ in range(steps):
        step = history.final_step + 1
        idx = next(batches)
        Xb, yb = (X, y) if idx is None else (X[idx], y[idx])
        scores = _forward(model, Xb)  # forward
        loss_value = loss_fn(scores, yb)
        model.zero_grad()  # backward
        loss_value.backward()
        norm = _grad_norm(params)
        current = _number(loss_value)
        problem = _divergence(current, norm, history.loss, diverge_factor)
        if problem:
            _restore(params, good)
            history.diverged = True
            history.message = (
                f"training diverged at step {step}: {problem}. The model keeps its last good"
                f" weights; try a smaller learning rate, e.g. lr={_smaller(optimizer.lr):g}"
            )
            print(history.message)
            return
        good = _snapshot(params)
        history.steps.append(step)
        history.loss.append(current)
        history.grad_norm.append(norm)
        history.lr.append(float(optimizer.lr))
        if classification:
            history.accuracy.append(accuracy(scores, yb))
        optimizer.step()  # update
        if val is not None and (step % eval_every == 0 or step == 1):
            _evaluate(model, loss_fn, val, step, history, classification)
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{current:.4f}", refresh=False)
        if any(cb(step, history) for cb in callbacks):
            return


def evaluate(model, X, y, loss):
    """(loss, accuracy) of `model` on (X, y) without touching any gradient."""
    loss_fn = _loss_function(loss)
    X, y = _check_data(X, y)
    scores = _forward(model, X)
    acc = accuracy(scores, y) if loss_fn is not LOSSES["mse"] else float("nan")
    return _number(loss_fn(scores, y)), acc


def _evaluate(model, loss_fn, val, step, history, classification):
    Xv, yv = _check_data(*val)
    scores = _forward(model, Xv)
    history.val_steps.append(step)
    history.val_loss.append(_number(loss_fn(scores, yv)))
    if classification:
        history.val_accuracy.append(accuracy(scores, yv))


def _forward(model, X):
    if isinstance(model, ScalarMLP):
        return [model(list(row)) for row in X]
    return model(Tensor(X, requires_grad=False, dtype=model.parameters()[0].dtype))


def _batches(n, batch_size, seed, start=0):
    """Yield index arrays forever: None for full batch, else shuffled minibatches."""
    if batch_size is None or batch_size >= n:
        while True:
            yield None
    rng = np.random.default_rng([seed, start])
    while True:
        order = rng.permutation(n)
        for i in range(0, n - batch_size + 1, batch_size):
            yield order[i:i + batch_size]


def _loss_function(loss):
    if callable(loss):
        return loss
    if loss in LOSSES:
        return LOSSES[loss]
    raise ValueError(f"fit: unknown loss {loss!r}; use one of {', '.join(LOSSES)} or a function")


def _check_data(X, y, names=("X", "y")):
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"fit: {names[0]} must have shape (n_samples, n_features), got {X.shape}")
    if len(X) != len(y):
        raise ValueError(f"fit: {names[0]} has {len(X)} rows but {names[1]} has {len(y)} labels")
    return X, y


def _as_array(scores):
    if isinstance(scores, Tensor):
        return scores.data
    if isinstance(scores, Value):
        return np.array([scores.data])
    if isinstance(scores, list) and scores and isinstance(scores[0], list):
        return np.array([[v.data for v in row] for row in scores])
    return np.array([v.data if isinstance(v, Value) else v for v in scores])


def _number(loss_value):
    return float(loss_value.data) if isinstance(loss_value, Value) else loss_value.item()


def _grad_norm(params):
    """sqrt of the sum of every squared gradient entry: the global gradient norm."""
    total = 0.0
    for p in params:
        if isinstance(p, Value):
            total += p.grad * p.grad
        elif p.grad is not None:
            total += float(np.sum(np.square(p.grad, dtype=np.float64)))
    return math.sqrt(total)


def _snapshot(params):
    return [p.data if isinstance(p, Value) else p.data.copy() for p in params]


def _restore(params, saved):
    for p, data in zip(params, saved):
        p.data = data


def _divergence(loss, norm, losses, factor):
    """Why training has diverged (a short phrase), or "" if it has not."""
    if not math.isfinite(loss):
        return f"the loss became {loss}"
    if not math.isfinite(norm):
        return f"the gradient norm became {norm}"
    if losses and loss > factor * max(losses[0], 1.0):
        return f"the loss jumped from {losses[0]:.3g} to {loss:.3g}"
    return ""


def _smaller(lr):
    """A learning rate ten times smaller, rounded to a friendly number."""
    return float(f"{lr / 10:.1g}")


def _progress_bar(steps, progress):
    if not progress:
        return None
    from tqdm.auto import tqdm  # a widget in Jupyter, text in a terminal

    return tqdm(total=steps, desc="training", leave=False)
