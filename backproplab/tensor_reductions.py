"""Reductions of a `Tensor`: sum, mean, max, argmax, var and std.

A reduction collapses one or more axes. Its vector-Jacobian product does the reverse:
it spreads the output gradient `g` back over the collapsed positions (`sum` copies it to
every position, `max` sends it to the winner). `mean`, `var` and `std` are composed from
`sum`, `*` and `sqrt`, so they need no vjp of their own.

`Tensor` inherits these methods (`x.sum(axis=0)`); they are kept here so that
`tensor.py` stays readable in one sitting. Introduced in lesson 06.
"""

import math
import numbers

import numpy as np

from .checks import check_axis


class Reductions:
    """The reductions of `Tensor` (a mixin: it adds methods, no data)."""

    __slots__ = ()

    def sum(self, axis=None, keepdims=False):
        a = self._data
        axis = check_axis("sum", axis, a.ndim)
        _check_keepdims("sum", keepdims)
        out = a.sum(axis=axis, keepdims=keepdims)

        def vjp(g):  # f = sum(a):  da = g copied to every summed position
            if not keepdims and axis is not None:
                g = np.expand_dims(g, axis)
            return np.broadcast_to(g, a.shape).copy()

        return self._result(out, "sum", (self,), (vjp,))

    def max(self, axis=None, keepdims=False):
        a = self._data
        axis = check_axis("max", axis, a.ndim)
        _check_keepdims("max", keepdims)
        if a.size == 0:
            raise ValueError("max: the tensor is empty, so it has no maximum")
        m = a.max(axis=axis, keepdims=True)

        def vjp(g):  # f = max(a): g goes to the maximum (shared equally between ties)
            winners = a == m
            if not keepdims and axis is not None:
                g = np.expand_dims(g, axis)
            return g * winners / winners.sum(axis=axis, keepdims=True).astype(a.dtype)

        out = m if keepdims else (m.reshape(()) if axis is None else np.squeeze(m, axis))
        return self._result(out, "max", (self,), (vjp,))

    def argmax(self, axis=None, keepdims=False):
        """Index of the largest number, as numpy ints (np.argmax): no gradient flows
        through an index. With axis=None, the index into the flattened tensor."""
        a = self._data
        if isinstance(axis, (tuple, list)):
            raise TypeError(f"argmax: axis must be None or one int, got {axis!r}")
        axis = check_axis("argmax", axis, a.ndim)
        if a.size == 0:
            raise ValueError("argmax: the tensor is empty, so it has no largest entry")
        return np.argmax(a, axis=axis, keepdims=keepdims)

    # ---- composed from sum, * and sqrt: no vjp of their own ----

    def mean(self, axis=None, keepdims=False):
        """sum / n, with n the number of entries averaged into each output."""
        a = self._data
        axis = check_axis("mean", axis, a.ndim)
        n = _count("mean", a.shape, axis)
        return self.sum(axis=axis, keepdims=keepdims) * (1.0 / n)

    def var(self, axis=None, ddof=0, keepdims=False):
        """Variance: sum((a - mean(a))**2) / (n - ddof) over `axis`.

        The default ddof=0 (divide by n) is numpy's (`np.var`), the biased variance that
        BatchNorm normalizes with. PyTorch's `torch.var` defaults to the unbiased
        estimate (correction=1): pass `ddof=1` to get it.
        """
        return self._var("var", axis, ddof, keepdims)

    def std(self, axis=None, ddof=0, keepdims=False):
        """Standard deviation sqrt(var(a, ddof)); default ddof=0 as numpy (torch: 1)."""
        return self._var("std", axis, ddof, keepdims).sqrt()

    def _var(self, op, axis, ddof, keepdims):
        a = self._data
        axis = check_axis(op, axis, a.ndim)
        n = _count(op, a.shape, axis)
        ddof = _check_ddof(op, ddof, n)
        d = self - self.mean(axis=axis, keepdims=True)
        return (d * d).sum(axis=axis, keepdims=keepdims) * (1.0 / (n - ddof))


def _count(op, shape, axis):
    """How many entries are reduced into each output; an error for none at all."""
    axes = range(len(shape)) if axis is None else (axis if isinstance(axis, tuple) else (axis,))
    n = math.prod(shape[ax] for ax in axes)
    if n == 0:
        raise ValueError(
            f"{op}: the tensor of shape {shape} has no entries along axis {axis}, so there is"
            f" nothing to average; check the batch (is it empty?)"
        )
    return n


def _check_keepdims(op, keepdims):
    if not isinstance(keepdims, (bool, np.bool_)):
        raise TypeError(f"{op}: keepdims must be True or False, got {keepdims!r}")


def _check_ddof(op, ddof, n):
    if isinstance(ddof, bool) or not isinstance(ddof, numbers.Integral) or ddof < 0:
        raise TypeError(f"{op}: ddof must be a whole number >= 0 (0 or 1), got {ddof!r}")
    if n - ddof <= 0:
        raise ValueError(
            f"{op}: ddof={ddof} needs more than {ddof} numbers per variance, got {n};"
            " use ddof=0, or reduce over more entries"
        )
    return int(ddof)
