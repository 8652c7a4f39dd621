"""Softmax, log-softmax and cross-entropy for `Tensor`, written to stay finite.

softmax(x)_i = e**x_i / sum_j e**x_j overflows for logits like 1000. Subtracting the
row maximum first changes nothing mathematically and keeps every exponent <= 0:

    log_softmax(x)_i = (x_i - m) - log(sum_j e**(x_j - m)),   m = max_j x_j

Introduced in lesson 06 (vectorized backprop).
"""

import numpy as np

from .checks import check_axis
from .tensor import Tensor


def log_softmax(x, axis=-1):
    """log(softmax(x)) along `axis`, computed stably. A primitive with its own vjp."""
    return _log_softmax_node("log_softmax", x, axis)


def softmax(x, axis=-1):
    """e**x / sum(e**x) along `axis`: probabilities that sum to 1. Composed: exp(log_softmax)."""
    return _log_softmax_node("softmax", x, axis).exp()


def _log_softmax_node(op, x, axis):
    _check_tensor(op, x)
    if isinstance(axis, (tuple, list)) or axis is None:
        raise TypeError(f"{op}: axis must be one int (the axis of the classes), got {axis!r}")
    axis = check_axis(op, axis, max(x.ndim, 1))
    out = _log_softmax(x._data, axis, op)

    def vjp(g):  # d log_softmax:  da = g - softmax(a) * sum(g)
        return g - np.exp(out) * g.sum(axis=axis, keepdims=True)

    return Tensor._result(out, "log_softmax", (x,), (vjp,))


def cross_entropy(logits, targets):
    """Mean over the batch of -log softmax(logits)[i, targets[i]].

    logits: Tensor of shape (batch, n_classes); targets: integer class indices of
    shape (batch,) (a list, an ndarray or a Tensor). Finite even for huge logits.

    A primitive, because its gradient is so simple (derived in lesson 06):
        d loss / d logits = (softmax(logits) - onehot(targets)) / batch
    """
    _check_tensor("cross_entropy", logits)
    if logits.ndim != 2:
        raise ValueError(
            f"cross_entropy: logits must have shape (batch, n_classes), got {logits.shape}"
        )
    t = targets.data if isinstance(targets, Tensor) else np.asarray(targets)
    n, c = logits.shape
    if t.shape != (n,):
        raise ValueError(
            f"cross_entropy: targets must have shape ({n},) to match logits {logits.shape},"
            f" got {t.shape}; pass one class index per row"
        )
    if t.dtype.kind not in "iuf":
        raise TypeError(
            f"cross_entropy: targets must be integer class indices, got dtype {t.dtype}: {t!r}"
        )
    if t.size and t.dtype.kind == "f" and np.any(t != np.round(t)):
        raise ValueError(f"cross_entropy: targets must be whole numbers (class indices), got {t!r}")
    if t.size and (t.min() < 0 or t.max() >= c):
        raise ValueError(
            f"cross_entropy: targets must be class indices 0..{c - 1}, got values from"
            f" {t.min()} to {t.max()}"
        )
    if n == 0:
        raise ValueError(
            f"cross_entropy: the batch is empty (logits of shape {logits.shape}), and the"
            " mean of no losses is undefined; check how the batch was selected"
        )
    rows, t = np.arange(n), t.astype(np.int64)
    log_p = _log_softmax(logits._data, axis=1, op="cross_entropy")
    loss = np.asarray(-log_p[rows, t].mean(), dtype=logits.dtype)

    def vjp(g):  # (softmax - onehot) / n
        grad = np.exp(log_p)
        grad[rows, t] -= 1.0
        return grad * (g / n)

    return Tensor._result(loss, "cross_entropy", (logits,), (vjp,))


def _log_softmax(a, axis, op):
    """(a - m) - log(sum(e**(a - m))) with m the maximum along `axis`: every exponent <= 0.

    A row whose maximum is not finite would give NaN (-inf - (-inf), inf - inf): that is
    an error naming the row, not a silent NaN.
    """
    m = a.max(axis=axis, keepdims=True)
    if not np.isfinite(m).all():
        bad = np.argwhere(~np.isfinite(np.squeeze(m, axis)))[0]
        value = m.flat[np.flatnonzero(~np.isfinite(m))[0]]
        where = "" if not bad.size else (
            f" (row {int(bad[0])})" if bad.size == 1 else f" (at {tuple(int(i) for i in bad)})")
        if value == -np.inf:
            reason = "every entry is -inf (all classes masked out?), so no probability is left"
        else:
            reason = "it holds +inf or NaN; check the logits for overflow or an earlier NaN"
        raise ValueError(f"{op}: along axis {axis}, a slice{where} has maximum {value}: {reason}")
    shifted = a - m
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _check_tensor(name, x):
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}: expected a Tensor, got {type(x).__name__}; wrap it: Tensor(x)")
