"""The checks `fit` makes so that a run never looks fine while it is wrong.

Before step 1 (each raises an error that says what to re-run or change):
    the optimizer holds this model's parameters (not those of a model built earlier),
    callbacks is a list of functions, the scheduler is a scheduler of this optimizer,
    diverge_factor is a number above 1;
at step 1, where predictions and targets meet in the loss:
    no (n, 1) prediction is broadcast against (n,) targets into an (n, n) table;
at every step, before the update (`divergence`):
    the loss and the gradient norm are finite, and the loss stays below
    diverge_factor x max(first loss, 1);
at the end of a run (`stall_note`):
    the loss moved, and the accuracy is above what guessing the commonest class gets.

Used by train.py (lessons 05 and 07).
"""

import math
import numbers

import numpy as np

from .autodiff import topological_sort

STALL_MIN_STEPS = 30  # a run this long (or longer) is checked for not learning
STALL_LOSS_RATIO = 0.9  # "the loss barely moved": late losses above 0.9 x early losses
STALL_ACCURACY_MARGIN = 0.02  # "at chance": accuracy within 2 points of the commonest class


def check_optimizer(model, optimizer):
    """The optimizer must update this model's parameters.

    A learner who re-runs the cell that builds the model, but not the one that builds the
    optimizer, trains an old model's parameters: nothing changes in the new one.
    """
    if not callable(getattr(optimizer, "step", None)) or not hasattr(optimizer, "lr"):
        raise TypeError(
            f"fit: optimizer must be an optimizer such as SGD(model.parameters(), lr=0.1),"
            f" got {type(optimizer).__name__}"
        )
    params = getattr(optimizer, "params", None)
    if params is None:
        return
    mine = {id(p) for p in model.parameters()}
    if not any(id(p) in mine for p in params):
        raise ValueError(
            f"fit: the optimizer holds {len(params)} parameters, but none of them belongs to"
            " this model: it was built for another model (did you re-run the cell that builds"
            " the model but not the one that builds the optimizer?). Build it again for this"
            f" model: optimizer = {type(optimizer).__name__}(model.parameters(), lr=...)"
        )


def check_callbacks(callbacks):
    """callbacks as a tuple of functions, or an error that shows how to write it."""
    if callable(callbacks):
        name = getattr(callbacks, "__name__", type(callbacks).__name__)
        raise TypeError(
            f"fit: callbacks must be a list of functions, got the single function {name};"
            f" write callbacks=[{name}]"
        )
    try:
        callbacks = tuple(callbacks)
    except TypeError:
        raise TypeError(f"fit: callbacks must be a list of functions cb(step, history),"
                        f" got {type(callbacks).__name__}") from None
    for i, cb in enumerate(callbacks):
        if not callable(cb):
            raise TypeError(f"fit: callbacks[{i}] is a {type(cb).__name__}, not a function;"
                            " pass functions cb(step, history)")
    return callbacks


def check_scheduler(scheduler, optimizer):
    """A learning-rate schedule with `step()`, built on this optimizer (or None)."""
    if scheduler is None:
        return
    if scheduler is optimizer or hasattr(scheduler, "zero_grad"):
        raise TypeError(
            f"fit: scheduler got an optimizer ({type(scheduler).__name__}); pass a schedule"
            " built on it, e.g. scheduler=StepLR(optimizer, step_size=100, gamma=0.5)"
        )
    if not callable(getattr(scheduler, "step", None)):
        raise TypeError(
            f"fit: scheduler must be a learning-rate schedule with a step() method, such as"
            f" StepLR(optimizer, step_size=100, gamma=0.5), got {type(scheduler).__name__}"
        )
    own = getattr(scheduler, "optimizer", optimizer)
    if own is not optimizer:
        raise ValueError(
            f"fit: the scheduler {type(scheduler).__name__} changes the lr of another"
            " optimizer, not the one passed to fit; build it on this one:"
            f" {type(scheduler).__name__}(optimizer, ...)"
        )


def check_diverge_factor(factor):
    if (isinstance(factor, bool) or not isinstance(factor, numbers.Real)
            or not factor > 1):
        raise ValueError(
            f"fit: diverge_factor must be a number above 1 (a loss that grows to diverge_factor"
            f" x its first value stops training), got {factor!r}; the default is 10"
        )


def check_loss_shapes(scores, targets, loss_value):
    """Catch predictions (n, 1) broadcast against targets (n,) inside the loss.

    numpy broadcasting turns `pred - y` with pred (n, 1) and y (n,) into an (n, n) table
    of every prediction against every target: the mean of that is a number, so nothing
    fails, and the network learns to predict the average label. The loss's graph is
    searched, from the predictions on, for a result of that broadcast shape.
    """
    if not hasattr(scores, "vjps"):  # a Value model: lists, no broadcasting
        return
    s, t = tuple(scores.shape), tuple(np.shape(targets))
    try:
        both = np.broadcast_shapes(s, t)
    except ValueError:
        return  # the loss itself will complain
    if both in (s, t) or math.prod(both) <= max(math.prod(s), math.prod(t)):
        return
    downstream = {id(scores)}
    for node in topological_sort(loss_value):
        if any(id(p) in downstream for p in node.parents):
            downstream.add(id(node))
            if tuple(node.shape) == both:
                raise ValueError(
                    f"fit: the loss broadcasts predictions of shape {s} against targets of"
                    f" shape {t} into shape {both} (every prediction against every target),"
                    " so the network cannot learn. Give both the same shape in your loss,"
                    " e.g. pred.reshape(-1) for predictions of shape"
                    f" {(math.prod(s),)}"
                )


def divergence(loss, norm, losses, factor):
    """Why training has diverged (a short phrase), or "" if it has not.

    The loss of the untrained network sets the scale: a loss above `factor` times
    max(first loss, 1) is not a noisy minibatch but a step that overshot.
    """
    if not math.isfinite(loss):
        return f"the loss became {loss}"
    if not math.isfinite(norm):
        return f"the gradient norm became {norm}"
    if losses and loss > factor * max(losses[0], 1.0):
        return (f"the loss jumped from {losses[-1]:.3g} (step {len(losses)}) to {loss:.3g},"
                f" more than {factor:g} x max(first loss {losses[0]:.3g}, 1)")
    return ""


def suggest_lr(lr, improved):
    """A learning rate to try after a divergence: ten times smaller if the run made
    progress before it diverged, a hundred times smaller if not even the first updates
    lowered the loss; rounded to one significant digit."""
    return float(f"{lr / (10 if improved else 100):.1g}")


def stall_note(history, classification, y):
    """A sentence when a run of STALL_MIN_STEPS or more steps has not learned, else "".

    Not learning: the average loss of the last tenth of the run is still above
    STALL_LOSS_RATIO x that of the first steps, or (classification) the accuracy of the
    last tenth is no better than always guessing the commonest class.
    """
    n = len(history.loss)
    if n < STALL_MIN_STEPS:
        return ""
    k = max(3, n // 10)
    early, late = float(np.mean(history.loss[:k])), float(np.mean(history.loss[-k:]))
    if late > STALL_LOSS_RATIO * early:
        return (f"training is not learning: the loss went from {early:.4g} (first {k} steps)"
                f" to {late:.4g} (last {k} steps) in {n} steps. Try a larger learning rate,"
                " another optimizer, or check the loss and the labels")
    if classification and history.accuracy and np.ndim(y) == 1 and len(y):
        _, counts = np.unique(np.asarray(y), return_counts=True)
        chance = counts.max() / counts.sum()
        acc = float(np.mean(history.accuracy[-k:]))
        if acc <= chance + STALL_ACCURACY_MARGIN:
            return (f"training is not learning: the accuracy of the last {k} steps is"
                    f" {acc:.1%}, what always guessing the commonest class gets ({chance:.1%})."
                    " Try a larger learning rate, another optimizer, or check the loss and"
                    " the labels")
    return ""
