"""Softmax, log-softmax and cross-entropy for `Tensor`, written to stay finite.

softmax(x)_i = e**x_i / sum_j e**x_j overflows for logits like 1000. Subtracting the
row maximum first changes nothing mathematically and keeps every exponent <= 0:

    log_softmax(x)_i = (x_i - m) - log(sum_j e**(x_j - m)),   m = max_j x_j

Introduced in lesson 06 (vectorized backprop).
"""

import numpy as np

from .tensor import Tensor


def log_softmax(x, axis=-1):
    """log(softmax(x)) along `axis`, computed stably. A primitive with its own vjp."""
    _check_tensor("log_softmax", x)
    out = _log_softmax(x.data, axis)

    def vjp(g):  # d log_softmax:  da = g - softmax(a) * sum(g)
        return g - np.exp(out) * g.sum(axis=axis, keepdims=True)

    return Tensor._result(out, "log_softmax", (x,), (vjp,))


def softmax(x, axis=-1):
    """e**x / sum(e**x) along `axis`: probabilities that sum to 1. Composed: exp(log_softmax)."""
    return log_softmax(x, axis=axis).exp()


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
    rows, t = np.arange(n), t.astype(np.int64)
    log_p = _log_softmax(logits.data, axis=1)
    loss = np.asarray(-log_p[rows, t].mean(), dtype=logits.dtype)

    def vjp(g):  # (softmax - onehot) / n
        grad = np.exp(log_p)
        grad[rows, t] -= 1.0
        return grad * (g / n)

    return Tensor._result(loss, "cross_entropy", (logits,), (vjp,))


def _log_softmax(a, axis):
    """(a - m) - log(sum(e**(a - m))) with m the maximum along `axis`: every exponent <= 0."""
    shifted = a - a.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _check_tensor(name, x):
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}: expected a Tensor, got {type(x).__name__}; wrap it: Tensor(x)")
