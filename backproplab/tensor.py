"""`Tensor`: a numpy array that remembers how it was computed, so it can backpropagate.

The same idea as `Value`, one array at a time. A scalar op stores a number (the local
derivative); an array op stores a small function instead, its *vector-Jacobian
product* (vjp): given the gradient `g` of the loss with respect to the op's output, it
returns the gradient with respect to one input. Backpropagation is one loop:

    parent.grad += vjp(node.grad)

Binary ops follow numpy's broadcasting. An input that was broadcast (say a bias of
shape (n,) added to every row of a (batch, n) matrix) was *reused* along the
broadcast axes, so its gradient is summed over them: that is `unbroadcast`.

Introduced in lesson 06 (vectorized backprop).
"""

import numbers

import numpy as np

from .autodiff import topological_sort
from .checks import broadcasting, check_axis, check_matmul, exponent_text, to_float_array


class Tensor:
    """An n-dimensional array node of a computation graph.

    Tensor(data, label="", dtype=None, requires_grad=True)

    Lists, Python numbers and integer arrays become float64; a float32 array stays
    float32 (or pass `dtype`). The data is copied. Use `requires_grad=False` for
    inputs and targets: no gradient is computed for them.

    Attributes: data (ndarray), grad (ndarray of data's shape after backward, else
    None), label, op ("" for a leaf), parents (ordered tuple), vjps (one function
    per parent), requires_grad.
    """

    __slots__ = ("data", "grad", "label", "op", "parents", "vjps", "requires_grad")
    __array_ufunc__ = None  # `ndarray * Tensor` calls Tensor.__rmul__, not numpy

    def __init__(self, data, label="", dtype=None, requires_grad=True):
        if isinstance(data, Tensor):
            raise TypeError("Tensor(...) got a Tensor; use it directly (or pass its .data)")
        self.data = to_float_array(data, dtype)
        self.grad = None
        self.label = label
        self.op = ""
        self.parents = ()
        self.vjps = ()
        self.requires_grad = bool(requires_grad)

    @staticmethod
    def _result(data, op, parents, vjps):
        """Make the output node of an op. It is recorded in the graph only when an
        input needs a gradient; otherwise it is a plain constant."""
        out = Tensor.__new__(Tensor)
        out.data = data
        out.grad = None
        out.label = ""
        out.op = op
        out.requires_grad = False
        for p in parents:
            if p.requires_grad:
                out.requires_grad = True
                break
        out.parents = parents if out.requires_grad else ()
        out.vjps = vjps if out.requires_grad else ()
        return out

    # ---- shape information ----

    @property
    def shape(self):
        return self.data.shape

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def size(self):
        return self.data.size

    def item(self):
        """The value of a one-element tensor as a Python float."""
        if self.data.size != 1:
            raise ValueError(f"item: the tensor has shape {self.shape}, not a single number")
        return float(self.data.reshape(()))

    def detach(self):
        """The same numbers as a new leaf that needs no gradient."""
        return Tensor(self.data, label=self.label, requires_grad=False)

    # ---- primitives: forward value and vector-Jacobian products, side by side ----

    def __add__(self, other):
        other = _as_tensor(other, self)
        if other is NotImplemented:
            return other
        a, b = self.data, other.data
        out = broadcasting("add", np.add, a, b)
        # f = a + b:  da = g,  db = g  (summed over broadcast axes)
        return Tensor._result(
            out, "+", (self, other),
            (lambda g: unbroadcast(g, a.shape), lambda g: unbroadcast(g, b.shape)),
        )

    def __mul__(self, other):
        other = _as_tensor(other, self)
        if other is NotImplemented:
            return other
        a, b = self.data, other.data
        out = broadcasting("mul", np.multiply, a, b)
        # f = a * b:  da = g * b,  db = g * a
        return Tensor._result(
            out, "*", (self, other),
            (lambda g: unbroadcast(g * b, a.shape), lambda g: unbroadcast(g * a, b.shape)),
        )

    def __pow__(self, k):
        if isinstance(k, bool) or not isinstance(k, numbers.Real):
            return NotImplemented
        k = float(k)  # a Python float, so that a float32 base stays float32
        a = self.data
        if not k.is_integer() and (a < 0).any():
            raise ValueError(
                f"pow: a negative base (smallest {a.min():.4g}) to the non-integer power {k}"
                " is not a real number; make the base positive first"
            )
        with np.errstate(divide="ignore"):
            out = a**k

        def vjp(g):  # f = a**k:  da = g * k * a**(k-1)
            return g * (k * a ** (k - 1))

        return Tensor._result(out, f"**{exponent_text(k)}", (self,), (vjp,))

    def __matmul__(self, other):
        other = _as_tensor(other, self)
        if other is NotImplemented:
            return other
        a, b = self.data, other.data
        check_matmul(a.shape, b.shape)
        out = broadcasting("matmul", np.matmul, a, b)

        def vjp_a(g):  # f = a @ b:  da = g @ b^T
            if b.ndim == 1:
                return unbroadcast(g * b if a.ndim == 1 else g[..., None] * b, a.shape)
            if a.ndim == 1:
                return unbroadcast((b @ g[..., None])[..., 0], a.shape)
            return unbroadcast(g @ b.swapaxes(-1, -2), a.shape)

        def vjp_b(g):  # f = a @ b:  db = a^T @ g
            if a.ndim == 1:
                return unbroadcast(g * a if b.ndim == 1 else a[:, None] * g[..., None, :], b.shape)
            if b.ndim == 1:
                return unbroadcast((a.swapaxes(-1, -2) @ g[..., None])[..., 0], b.shape)
            return unbroadcast(a.swapaxes(-1, -2) @ g, b.shape)

        return Tensor._result(out, "@", (self, other), (vjp_a, vjp_b))

    def sum(self, axis=None, keepdims=False):
        a = self.data
        axis = check_axis("sum", axis, a.ndim)
        out = a.sum(axis=axis, keepdims=keepdims)

        def vjp(g):  # f = sum(a):  da = g copied to every summed position
            if not keepdims and axis is not None:
                g = np.expand_dims(g, axis)
            return np.broadcast_to(g, a.shape).copy()

        return Tensor._result(out, "sum", (self,), (vjp,))

    def max(self, axis=None, keepdims=False):
        a = self.data
        axis = check_axis("max", axis, a.ndim)
        if a.size == 0:
            raise ValueError("max: the tensor is empty, so it has no maximum")
        m = a.max(axis=axis, keepdims=True)

        def vjp(g):  # f = max(a): g goes to the maximum (shared equally between ties)
            winners = a == m
            if not keepdims and axis is not None:
                g = np.expand_dims(g, axis)
            return g * winners / winners.sum(axis=axis, keepdims=True).astype(a.dtype)

        out = m if keepdims else (m.reshape(()) if axis is None else np.squeeze(m, axis))
        return Tensor._result(out, "max", (self,), (vjp,))

    def exp(self):
        with np.errstate(over="ignore"):
            out = np.exp(self.data)
        # f = e**a:  da = g * e**a
        return Tensor._result(out, "exp", (self,), (lambda g: g * out,))

    def log(self):
        a = self.data
        if (a <= 0).any():
            raise ValueError(
                f"log: all inputs must be positive, but {(a <= 0).sum()} of {a.size} are <= 0"
                f" (smallest {a.min():.4g}); for probabilities use log_softmax or add an epsilon"
            )
        # f = log(a):  da = g / a
        return Tensor._result(np.log(a), "log", (self,), (lambda g: g / a,))

    def tanh(self):
        out = np.tanh(self.data)
        # f = tanh(a):  da = g * (1 - tanh(a)**2)
        return Tensor._result(out, "tanh", (self,), (lambda g: g * (1 - out * out),))

    def sigmoid(self):
        out = np.exp(-np.logaddexp(0, -self.data))  # = 1 / (1 + e**-a), free of overflow
        # f = sigmoid(a):  da = g * sigmoid(a) * (1 - sigmoid(a))
        return Tensor._result(out, "sigmoid", (self,), (lambda g: g * (out * (1 - out)),))

    def relu(self):
        a = self.data
        # f = max(0, a):  da = g where a > 0, else 0
        return Tensor._result(np.maximum(a, 0), "relu", (self,), (lambda g: g * (a > 0),))

    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        a = self.data
        try:
            out = a.reshape(shape)
        except (ValueError, TypeError):
            raise ValueError(
                f"reshape: cannot reshape {a.shape} ({a.size} numbers) into {shape};"
                " the new shape must hold the same number of elements"
            ) from None
        # f = reshape(a):  da = g reshaped back
        return Tensor._result(out, "reshape", (self,), (lambda g: g.reshape(a.shape),))

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        a = self.data
        axes = axes or tuple(reversed(range(a.ndim)))
        if sorted(axes) != list(range(a.ndim)):
            raise ValueError(f"transpose: axes {axes} are not a permutation of 0..{a.ndim - 1}")
        back = tuple(np.argsort(axes))
        # f = transpose(a):  da = g transposed back
        return Tensor._result(a.transpose(axes), "T", (self,), (lambda g: g.transpose(back),))

    def __getitem__(self, idx):
        if isinstance(idx, Tensor):
            idx = idx.data.astype(np.int64)
        a = self.data
        try:
            out = a[idx]
        except IndexError as e:
            raise IndexError(f"index: {e} (tensor shape {a.shape})") from None

        def vjp(g):  # f = a[idx]: g goes back to the picked positions; repeats add up
            grad = np.zeros_like(a)
            np.add.at(grad, idx, g)
            return grad

        return Tensor._result(np.array(out), "index", (self,), (vjp,))

    # ---- composed ops: built from the primitives, so they need no vjp ----

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        if isinstance(other, numbers.Real) and not isinstance(other, Tensor):
            return self * (1.0 / other)
        other = _as_tensor(other, self)
        if other is NotImplemented:
            return other
        return self * other**-1

    # The reflected ops convert `other` first: for a type they do not know (a Value),
    # `self + other` would ask that type's own reflected op again, back and forth forever.

    def __radd__(self, other):
        other = _as_tensor(other, self)
        if other is NotImplemented:
            return other
        return self + other

    def __rmul__(self, other):
        other = _as_tensor(other, self)
        if other is NotImplemented:
            return other
        return self * other

    def __rsub__(self, other):
        other = _as_tensor(other, self)
        if other is NotImplemented:
            return other
        return (-self) + other

    def __rtruediv__(self, other):
        other = _as_tensor(other, self)
        if other is NotImplemented:
            return other
        return self**-1 * other

    def __rmatmul__(self, other):
        other = _as_tensor(other, self)
        if other is NotImplemented:
            return other
        return other @ self

    def mean(self, axis=None, keepdims=False):
        total = self.sum(axis=axis, keepdims=keepdims)
        return total * (total.data.size / self.data.size if self.data.size else 0.0)

    @property
    def T(self):
        return self.transpose()

    # ---- backpropagation ----

    def backward(self, grad=None):
        """Fill in `grad` of every tensor this one depends on: d(self)/d(tensor).

        For a single-number tensor (a loss) `grad` defaults to 1. Op outputs hold the
        gradient of this call; leaves *accumulate* across calls, as in PyTorch, so
        zero them (`model.zero_grad()`) before each new backward pass.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward: this tensor does not depend on anything with requires_grad=True,"
                " so there is nothing to differentiate"
            )
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward: the tensor has shape {self.shape}, so backward() needs"
                    " grad=... of that shape; for a loss, reduce it first (.sum() or .mean())"
                )
            grad = np.ones_like(self.data)
        else:
            grad = np.asarray(grad, dtype=self.data.dtype)
            if grad.shape != self.shape:
                raise ValueError(f"backward: grad has shape {grad.shape}, tensor {self.shape}")
        order = topological_sort(self)
        for node in order:
            if node.parents:  # gradients of op outputs are recomputed from scratch
                node.grad = None
        self.grad = grad if self.grad is None else self.grad + grad
        for node in reversed(order):
            g = node.grad
            for parent, vjp in zip(node.parents, node.vjps):
                if parent.requires_grad:
                    # the chain rule; the gradient has the input's dtype, as in PyTorch
                    contribution = np.asarray(vjp(g), dtype=parent.data.dtype)
                    if contribution.shape != parent.data.shape:
                        raise AssertionError(
                            f"{node.op} backward gave a gradient of shape {contribution.shape}"
                            f" for an input of shape {parent.data.shape}"
                        )
                    if parent.grad is None:
                        parent.grad = contribution
                    else:
                        parent.grad = parent.grad + contribution

    def __repr__(self):
        body = np.array2string(self.data, precision=4, threshold=20, separator=", ")
        label = f", label={self.label!r}" if self.label else ""
        dtype = "" if self.data.dtype == np.float64 else f", dtype={self.data.dtype}"
        return f"Tensor({body}{dtype}{label})"


def unbroadcast(grad, shape):
    """Sum `grad` over the axes along which an input of `shape` was broadcast.

    (batch, n) -> (n,): sum over the leading batch axis;  (m, n) -> (m, 1): sum over
    axis 1 keeping it. Every binary op uses this one function.
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def _as_tensor(x, like):
    """`x` as a Tensor for an op with `like`; constants take `like`'s dtype."""
    if isinstance(x, Tensor):
        return x
    if type(x) is float or type(x) is int or type(x) is np.ndarray and x.dtype.kind in "biuf":
        return Tensor._result(np.asarray(x, dtype=like.data.dtype), "", (), ())  # fast path
    if isinstance(x, (numbers.Real, np.ndarray, list, tuple)) and not isinstance(x, bool):
        const = Tensor.__new__(Tensor)
        Tensor.__init__(const, x, dtype=like.data.dtype, requires_grad=False)
        return const
    return NotImplemented
