"""The training loop: forward, loss, backward, update, and again.

    for step in range(steps):
        loss = loss_fn(model(X_batch), y_batch)    # forward
        model.zero_grad(); loss.backward()         # backward
        optimizer.step()                           # update

`fit` adds what a learner needs around those four lines: minibatches, a progress
bar, a `History` of loss, accuracy, gradient norm and learning rate, a learning-rate
schedule, and a clean stop (with a message) when the loss blows up or you press the
stop button. The checks that catch a run which looks fine but is wrong (an optimizer
of another model, a loss that broadcasts, a run that does not learn) are in
train_checks.py.

Introduced in lesson 05 (scalar) and lesson 07 (tensor).
"""

import math
import os
from dataclasses import dataclass, field

import numpy as np

from . import train_checks as checks
from .losses import LOSSES
from .nn import ScalarMLP
from .tensor import Tensor
from .value import Value


@dataclass
class History:
    """What happened during training, one entry per step (val_* every eval_every steps).

    Every metric recorded for step k is measured on the same weights: those that step k
    starts from, after k - 1 updates, which give the gradient of step k. So `loss[k-1]`
    is the loss that step k's backward pass differentiates (on step k's minibatch),
    `val_loss` at step k is the validation loss of those same weights, and `lr[k-1]` is
    the learning rate of step k's update. The model after a run holds the weights after
    the last update, one step beyond the last entry (evaluate(model, ...) measures them).

    diverged: training stopped because the loss blew up; the model holds the weights
    with the lowest recorded loss, those of `best_step`, and the history ends at that
    step (the records of later, discarded weights are removed; `message` gives the
    numbers; `diverged_step` is the step whose loss blew up). stalled: the run did not
    learn (`message` says why).
    """

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
    stalled: bool = False
    best_step: int = 0  # after a divergence: the step whose weights the model holds
    diverged_step: int = 0  # after a divergence: the step whose loss blew up
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

    def truncate(self, step):
        """Keep only the records of steps 1..`step` (used after a divergence)."""
        keep = sum(1 for s in self.steps if s <= step)
        for name in ("steps", "loss", "grad_norm", "lr"):
            del getattr(self, name)[keep:]
        del self.accuracy[keep:]
        keep_val = sum(1 for s in self.val_steps if s <= step)
        for name in ("val_steps", "val_loss", "val_accuracy"):
            del getattr(self, name)[keep_val:]


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
        diverge_factor=10, scheduler=None):
    """Train `model` for `steps` optimizer steps and return a `History`.

    model: an `MLP` (Tensor) or a `ScalarMLP` (Value); X, y: numpy arrays.
    loss: a function loss(pred, y) or a name: "mse", "hinge", "bce", "cross_entropy".
    optimizer: built on this model's parameters, e.g. SGD(model.parameters(), lr=0.1).
    batch_size: None for full batch, else minibatches from a shuffled order (seeded);
        an epoch has len(X) // batch_size steps (a last, smaller batch is dropped).
    callbacks: a list of functions cb(step, history); one that returns True stops training.
    val: optional (X_val, y_val), evaluated every `eval_every` steps, at step 1 and at the
        last step, so that the last train and validation entries are of the same weights.
    history: a History to continue (steps keep counting), for training in chunks; its
        diverged / interrupted / stalled flags and message describe the latest chunk.
    classification: record accuracy; by default True unless the loss is mse.
    scheduler: a learning-rate schedule (e.g. StepLR(optimizer, 100, 0.5)); its step()
        is called after every optimizer step, and history.lr records the lr each step used.

    Every metric of step k is measured on the weights step k starts from (see History).

    If the loss becomes NaN or infinite, or grows to more than `diverge_factor` (> 1)
    times max(its first value, 1), training stops before that update: `history.diverged`
    is set, the model gets back the weights with the lowest loss of this run (the history
    is cut back to that step, `history.best_step`), the optimizer forgets its state
    (momentum, Adam's averages), and `history.message` names the step, the loss just
    before the jump and a smaller learning rate to try. A run of 30 steps or more that
    does not learn sets `history.stalled` and says so in `history.message`.
    Ctrl-C (or the Stop button) stops cleanly.
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
    checks.check_optimizer(model, optimizer)
    callbacks = checks.check_callbacks(callbacks)
    checks.check_scheduler(scheduler, optimizer)
    checks.check_diverge_factor(diverge_factor)
    if classification is None:
        classification = loss_fn is not LOSSES["mse"]
    if eval_every is not None and (isinstance(eval_every, bool) or
                                   not isinstance(eval_every, (int, np.integer)) or eval_every < 1):
        raise ValueError(f"fit: eval_every must be a positive integer or None (a fiftieth of"
                         f" the steps), got {eval_every!r}")
    history = history if history is not None else History()
    if steps:  # how the run ends is decided anew: an earlier stop no longer describes it
        history.diverged = history.interrupted = history.stalled = False
        history.message = ""
    eval_every = eval_every or max(1, steps // 50)
    bar = progress_bar(steps, progress)
    try:
        _run(model, X, y, loss_fn, optimizer, steps, batch_size, seed, callbacks, eval_every,
             val, history, classification, diverge_factor, bar, scheduler)
    except KeyboardInterrupt:
        history.interrupted = True
        history.message = f"training interrupted at step {history.final_step}"
        print(history.message)
    finally:
        if bar is not None:
            bar.close()
    if steps and not (history.diverged or history.interrupted):
        note = checks.stall_note(history, classification, y)
        history.stalled, history.message = bool(note), note
    return history


@np.errstate(all="ignore")  # overflow is not an error here: it is reported as divergence
def _run(model, X, y, loss_fn, optimizer, steps, batch_size, seed, callbacks, eval_every, val,
         history, classification, diverge_factor, bar, scheduler):
    """The loop of `fit`; it appends to `history` as it goes."""
    params = model.parameters()
    batches = _batches(len(X), batch_size, seed, start=history.final_step)
    start = history.final_step
    last = start + steps
    best_loss, best_step, best = math.inf, start, _snapshot(params)
    for _ in range(steps):
        step = history.final_step + 1
        idx = next(batches)
        Xb, yb = (X, y) if idx is None else (X[idx], y[idx])
        scores = _forward(model, Xb)  # forward
        loss_value = loss_fn(scores, yb)
        if step == start + 1:
            checks.check_loss_shapes(scores, yb, loss_value)
        model.zero_grad()  # backward
        loss_value.backward()
        norm = _grad_norm(params)
        current = _number(loss_value)
        problem = checks.divergence(current, norm, history.loss, diverge_factor)
        if problem:
            _stop_diverged(history, problem, step, params, best, best_step, best_loss,
                           optimizer)
            return
        if current < best_loss:  # the weights this step starts from (before its update)
            best_loss, best_step, best = current, step, _snapshot(params)
        history.steps.append(step)
        history.loss.append(current)
        history.grad_norm.append(norm)
        history.lr.append(float(optimizer.lr))
        if classification:
            history.accuracy.append(accuracy(scores, yb))
        if val is not None and (step % eval_every == 0 or step in (1, last)):
            _evaluate(model, loss_fn, val, step, history, classification)  # same weights
        optimizer.step()  # update
        if scheduler is not None:
            scheduler.step()
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{current:.4f}", refresh=False)
        if any(cb(step, history) for cb in callbacks):
            return


def _stop_diverged(history, problem, step, params, best, best_step, best_loss, optimizer):
    """Put back the best weights, cut the history there, and explain."""
    _restore(params, best)
    if hasattr(optimizer, "state") and isinstance(optimizer.state, list):
        optimizer.state = [{} for _ in optimizer.state]  # momentum of the diverged run
    first = history.loss[0] if history.loss else math.inf
    lr = float(optimizer.lr)
    improved = best_loss < 0.9 * first and best_step > 1
    history.truncate(best_step)
    history.diverged, history.stalled, history.best_step = True, False, best_step
    history.diverged_step = step
    if math.isfinite(best_loss):
        kept = (f"The model holds the weights of step {best_step}, which gave the lowest loss"
                f" ({best_loss:.4g}); the history ends there.")
    elif best_step:  # diverged at the first step of a continued run
        kept = f"The model keeps the weights it had after step {best_step}."
    else:
        kept = "The model keeps the weights it started with."
    if step == 1:  # no update has happened: the learning rate is not to blame
        advice = ("This is the untrained model, before any update: check the loss function and"
                  " the data (a log of 0, huge inputs or labels)")
    else:
        advice = f"Try a smaller learning rate, e.g. lr={checks.suggest_lr(lr, improved):g}"
    history.message = f"training diverged at step {step}: {problem}. {kept} {advice}"
    print(history.message)


def evaluate(model, X, y, loss):
    """(loss, accuracy) of `model` on (X, y) without touching any gradient.

    A model with BatchNorm or Dropout is evaluated in evaluation mode (running statistics,
    no dropout) and put back in the mode it was in.
    """
    loss_fn = _loss_function(loss)
    X, y = _check_data(X, y)
    scores = _forward_in_eval_mode(model, X)
    acc = accuracy(scores, y) if loss_fn is not LOSSES["mse"] else float("nan")
    return _number(loss_fn(scores, y)), acc


def _evaluate(model, loss_fn, val, step, history, classification):
    Xv, yv = _check_data(*val)
    scores = _forward_in_eval_mode(model, Xv)
    history.val_steps.append(step)
    history.val_loss.append(_number(loss_fn(scores, yv)))
    if classification:
        history.val_accuracy.append(accuracy(scores, yv))


def _forward_in_eval_mode(model, X):
    """Forward pass for measuring, never for learning: BatchNorm uses its running statistics
    (and does not update them), Dropout is off; the model's mode is restored afterwards."""
    was_training = getattr(model, "training", False)
    if was_training:
        model.eval()
    try:
        return _forward(model, X)
    finally:
        if was_training:
            model.train()


def _forward(model, X):
    if isinstance(model, ScalarMLP):
        return [model(list(row)) for row in X]
    return model(Tensor(X, requires_grad=False, dtype=model.parameters()[0].dtype))


def _batches(n, batch_size, seed, start=0):
    """Yield index arrays forever: None for full batch, else shuffled minibatches.

    Epoch e (counted from step 1) uses its own shuffle, drawn from the seed and e, so the
    batches of a step depend only on the seed and the step number: training in chunks
    (history=...) sees the same batches as one long run, epoch after epoch.
    """
    if batch_size is None or batch_size >= n:
        while True:
            yield None
    per_epoch = n // batch_size
    epoch, offset = divmod(start, per_epoch)
    while True:
        order = np.random.default_rng([seed, epoch]).permutation(n)
        for i in range(offset, per_epoch):
            yield order[i * batch_size:(i + 1) * batch_size]
        epoch, offset = epoch + 1, 0


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


def progress_bar(total, progress, desc="training"):
    """A tqdm bar (a widget in Jupyter, text in a terminal), or None when `progress` is
    False or the environment variable TQDM_DISABLE is set (as `make test` does): tqdm.auto's
    notebook bar ignores that variable, and a stored bar would differ from run to run."""
    if not progress or os.environ.get("TQDM_DISABLE", "").lower() not in ("", "0", "false"):
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, leave=False)
