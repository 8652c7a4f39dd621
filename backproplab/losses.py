"""Loss functions: one number that says how wrong the model is.

Each takes the model's output and the targets and returns a scalar `Tensor` (or a
`Value` when the predictions are a list of Values, as a `ScalarMLP` produces), so
`loss.backward()` starts backpropagation.

    mse_loss         mean((pred - y)**2)                     regression
    hinge_loss       mean(max(0, 1 - y * score)),  y in {-1, +1}    binary (SVM)
    bce_with_logits  mean(softplus(z) - y * z),     y in {0, 1}      binary (logistic)
    cross_entropy    mean(-log softmax(z)[y]),      y a class index  multi-class
    l2_penalty       sum of every parameter squared (weight decay)

Introduced in lesson 05 (scalar) and lesson 07 (tensor).
"""

import numpy as np

from .functional import cross_entropy
from .tensor import Tensor
from .value import Value

__all__ = ["LOSSES", "bce_with_logits", "cross_entropy", "hinge_loss", "l2_penalty", "mse_loss"]


def mse_loss(pred, target):
    """Mean squared error: mean((pred - target)**2).

    A target Tensor that requires a gradient (another model's output) gets one, as in torch.
    """
    if _is_scalar_batch(pred):
        pred, target = _scalar_pairs("mse_loss", pred, target)
        return sum((p - t) ** 2 for p, t in zip(pred, target)) * (1.0 / len(pred))
    pred, t = _matching_target("mse_loss", pred, target)
    if isinstance(target, Tensor) and target.requires_grad:
        t = target.reshape(pred.shape)  # the same numbers, kept in the graph
    return ((pred - t) ** 2).mean()


def hinge_loss(scores, labels):
    """Mean hinge loss: mean(max(0, 1 - y * score)) for labels y in {-1, +1}.

    Zero once every point is on the right side with a margin of at least 1.
    """
    if _is_scalar_batch(scores):
        scores, labels = _scalar_pairs("hinge_loss", scores, labels)
        _check_labels("hinge_loss", np.array(labels), (-1, 1), "use data.to_pm1(y)")
        return sum((1 - y * s).relu() for s, y in zip(scores, labels)) * (1.0 / len(scores))
    scores, y = _matching_target("hinge_loss", scores, labels)
    _check_labels("hinge_loss", y, (-1, 1), "use data.to_pm1(y)")
    return (1.0 - scores * y).relu().mean()


def bce_with_logits(logits, labels):
    """Binary cross-entropy on raw scores z, labels y in {0, 1}: mean(softplus(z) - y*z).

    Equal to -[y log sigmoid(z) + (1 - y) log(1 - sigmoid(z))] but finite for any z.
    A primitive: its gradient is (sigmoid(z) - y) / n.
    """
    if not isinstance(logits, Tensor):
        raise TypeError(
            "bce_with_logits works on a Tensor of scores; for Values use hinge_loss or mse_loss"
        )
    logits, y = _matching_target("bce_with_logits", logits, labels)
    _check_labels("bce_with_logits", y, (0, 1),
                  "for -1/+1 labels use (y + 1) // 2, for more than two classes cross_entropy")
    z = logits.data
    n = z.size
    softplus = np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))  # log(1 + e**z), stable
    out = np.asarray((softplus - y * z).mean(), dtype=z.dtype)
    sig = 0.5 + 0.5 * np.tanh(0.5 * z)

    def vjp(g):  # d/dz:  (sigmoid(z) - y) / n
        return g * (sig - y) / n

    return Tensor._result(out, "bce", (logits,), (vjp,))


def l2_penalty(params):
    """Sum of squares of every parameter: add `lam * l2_penalty(model.parameters())`.

    `params`: a list of Values or of Tensors, one parameter, or a model (a `Module`,
    whose `parameters()` are used: `l2_penalty(model)` works too).
    One node whose parents are all the parameters (rather than two ops per
    parameter): f = sum_p sum(p**2), so df/dp = 2 p.
    """
    if isinstance(params, (Value, Tensor)):
        params = [params]
    elif callable(getattr(params, "parameters", None)):
        params = params.parameters()
    try:
        params = tuple(params)
    except TypeError:
        raise TypeError(f"l2_penalty: expected model.parameters() (a list of Values or Tensors),"
                        f" got {type(params).__name__}") from None
    if not params:
        raise ValueError("l2_penalty: got no parameters")
    if all(isinstance(p, Value) for p in params):
        total = sum(p.data * p.data for p in params)
        return Value._result(total, "l2", params, tuple(2.0 * p.data for p in params))
    if not all(isinstance(p, Tensor) for p in params):
        raise TypeError("l2_penalty: parameters must be all Values or all Tensors")
    data = [p.data for p in params]
    total = np.asarray(sum(float(np.vdot(d, d)) for d in data), dtype=data[0].dtype)
    vjps = tuple((lambda g, d=d: 2.0 * g * d) for d in data)
    return Tensor._result(total, "l2", params, vjps)


LOSSES = {
    "mse": mse_loss,
    "hinge": hinge_loss,
    "bce": bce_with_logits,
    "cross_entropy": cross_entropy,
}


def _is_scalar_batch(pred):
    return isinstance(pred, Value) or isinstance(pred, list) and pred and isinstance(pred[0], Value)


def _scalar_pairs(name, pred, target):
    pred = [pred] if isinstance(pred, Value) else list(pred)
    target = np.ravel(np.asarray(target, dtype=float)).tolist()
    if len(pred) != len(target):
        raise ValueError(f"{name}: {len(pred)} predictions but {len(target)} targets")
    return pred, target


def _matching_target(name, pred, target):
    """The target as an array of pred's shape; (n, 1) predictions accept (n,) targets.

    Without this, (n, 1) - (n,) would broadcast to an (n, n) matrix: a silent bug.
    Shapes that differ only by axes of length 1 ((n, 1), (n,), (1, n)) hold the numbers
    in the same order and are reshaped; any other difference, such as (2, 3) against
    (3, 2), is an error, since reshaping would pair the wrong numbers.
    """
    if not isinstance(pred, Tensor):
        raise TypeError(f"{name}: predictions must be a Tensor, got {type(pred).__name__}")
    t = np.asarray(target.data if isinstance(target, Tensor) else target, dtype=pred.dtype)
    if t.shape != pred.shape:
        if t.size != pred.size:
            raise ValueError(
                f"{name}: predictions of shape {pred.shape} and targets of shape {t.shape}"
                " do not match; give one target per prediction"
            )
        if _without_ones(t.shape) != _without_ones(pred.shape):
            raise ValueError(
                f"{name}: predictions of shape {pred.shape} and targets of shape {t.shape}"
                " do not match, and reshaping would pair the wrong numbers; give targets of"
                f" shape {pred.shape} (y.T if they are transposed, y.reshape{pred.shape} if"
                " they are in the same order)"
            )
        t = t.reshape(pred.shape)
    return pred, t


def _without_ones(shape):
    """(n, 1) -> (n,), (1, n) -> (n,): the axes that decide the order of the numbers."""
    return tuple(d for d in shape if d != 1)


def _check_labels(name, y, allowed, hint):
    a, b = allowed
    bad = (y != a) & (y != b)
    if bad.any():
        raise ValueError(
            f"{name}: labels must be {' or '.join(map(str, allowed))}, got"
            f" {np.unique(np.asarray(y)[bad])[:5].tolist()}; {hint}"
        )
