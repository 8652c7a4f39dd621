"""Elementwise functions of a `Tensor` (exp, log, sqrt, abs, clip, tanh, sigmoid, relu)
and the elementwise comparisons.

Each function acts on every number on its own, so its vector-Jacobian product is the
upstream gradient times the local derivative, entry by entry:  da = g * f'(a).
A comparison (`x > 0`) gives a numpy boolean array: it has no gradient.

`Tensor` inherits these methods (`x.exp()`); they are kept here so that `tensor.py`
stays readable in one sitting. Introduced in lesson 06.
"""

import numbers

import numpy as np

from .checks import check_no_nan


class Elementwise:
    """The elementwise functions and comparisons of `Tensor` (a mixin: methods, no data)."""

    __slots__ = ()

    # ---- comparisons: elementwise, no gradient ----

    def __lt__(self, other):
        other = _comparable(other)
        return NotImplemented if other is NotImplemented else self._data < other

    def __le__(self, other):
        other = _comparable(other)
        return NotImplemented if other is NotImplemented else self._data <= other

    def __gt__(self, other):
        other = _comparable(other)
        return NotImplemented if other is NotImplemented else self._data > other

    def __ge__(self, other):
        other = _comparable(other)
        return NotImplemented if other is NotImplemented else self._data >= other

    def __eq__(self, other):
        other = _comparable(other)
        return NotImplemented if other is NotImplemented else self._data == other

    def __ne__(self, other):
        other = _comparable(other)
        return NotImplemented if other is NotImplemented else self._data != other

    def eq(self, other):
        """Elementwise a == b as a numpy boolean array (the same as `==`)."""
        return self == other

    # ---- functions: forward value and vector-Jacobian product, side by side ----

    def exp(self):
        with np.errstate(over="ignore"):
            out = np.exp(self._data)
        # f = e**a:  da = g * e**a
        return self._result(out, "exp", (self,), (lambda g: g * out,))

    def log(self):
        a = self._data
        check_no_nan("log", a)
        if (a <= 0).any():
            raise ValueError(
                f"log: all inputs must be positive, but {(a <= 0).sum()} of {a.size} are <= 0"
                f" (smallest {a.min():.4g}); for probabilities use log_softmax or add an epsilon"
            )
        # f = log(a):  da = g / a
        return self._result(np.log(a), "log", (self,), (lambda g: g / a,))

    def sqrt(self):
        a = self._data
        check_no_nan("sqrt", a)
        if (a < 0).any():
            raise ValueError(
                f"sqrt: all inputs must be >= 0, but {(a < 0).sum()} of {a.size} are negative"
                f" (smallest {a.min():.4g}); for a norm, square first, or clip at 0"
            )
        out = np.sqrt(a)

        def vjp(g):  # f = sqrt(a):  da = g / (2 sqrt(a))   (inf at a = 0, as in torch)
            with np.errstate(divide="ignore", invalid="ignore"):
                return g / (2 * out)

        return self._result(out, "sqrt", (self,), (vjp,))

    def abs(self):
        a = self._data
        # f = |a|:  da = g * sign(a)   (0 at a = 0, as in torch)
        return self._result(np.abs(a), "abs", (self,), (lambda g: g * np.sign(a),))

    def __abs__(self):
        return self.abs()

    def clip(self, lo=None, hi=None):
        """Limit every number to [lo, hi] (either may be None), like np.clip / torch.clamp.

        f = min(max(a, lo), hi):  da = g where lo <= a <= hi, else 0. At the boundary
        itself the gradient passes, as torch.clamp does.
        """
        for name, bound in (("lo", lo), ("hi", hi)):
            if bound is not None and (isinstance(bound, bool)
                                      or not isinstance(bound, numbers.Real)
                                      or np.isnan(bound)):
                raise TypeError(f"clip: {name} must be a number or None, got {bound!r}")
        if lo is None and hi is None:
            raise ValueError("clip: give lo, hi or both (e.g. x.clip(0, 1)); both are None")
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"clip: lo={lo} is greater than hi={hi}; swap them")
        a = self._data
        inside = np.ones(a.shape, dtype=bool)
        if lo is not None:
            inside &= a >= lo
        if hi is not None:
            inside &= a <= hi
        out = np.clip(a, lo, hi).astype(a.dtype, copy=False)
        return self._result(out, "clip", (self,), (lambda g: g * inside,))

    def tanh(self):
        out = np.tanh(self._data)
        # f = tanh(a):  da = g * (1 - tanh(a)**2)
        return self._result(out, "tanh", (self,), (lambda g: g * (1 - out * out),))

    def sigmoid(self):
        out = np.exp(-np.logaddexp(0, -self._data))  # = 1 / (1 + e**-a), free of overflow
        # f = sigmoid(a):  da = g * sigmoid(a) * (1 - sigmoid(a))
        return self._result(out, "sigmoid", (self,), (lambda g: g * (out * (1 - out)),))

    def relu(self):
        a = self._data
        # f = max(0, a):  da = g where a > 0, else 0
        return self._result(np.maximum(a, 0), "relu", (self,), (lambda g: g * (a > 0),))


def _comparable(x):
    """The numbers to compare a Tensor with: a Tensor's data, a number or an array."""
    if isinstance(x, Elementwise):  # a Tensor
        return x._data
    if isinstance(x, (numbers.Real, np.ndarray)):
        return x
    return NotImplemented
