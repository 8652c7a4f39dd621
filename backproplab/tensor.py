"""`Tensor`: a numpy array that remembers how it was computed, so it can backpropagate.

The same idea as `Value`, one array at a time. A scalar op stores a number (the local
derivative); an array op stores a small function instead, its *vector-Jacobian
product* (vjp): given the gradient `g` of the loss with respect to the op's output, it
returns the gradient with respect to one input. Backpropagation is one loop:

    parent.grad += vjp(node.grad)

Binary ops follow numpy's broadcasting. An input that was broadcast (say a bias of
shape (n,) added to every row of a (batch, n) matrix) was *reused* along the
broadcast axes, so its gradient is summed over them: that is `unbroadcast`.

A vjp reads the arrays of the forward pass, so changing one of them in place before
`backward()` would silently change the gradient. A recorded op therefore marks the
arrays of its inputs and output as *kept* by the graph, and reading `t.data` of a kept
tensor first gives t a fresh copy of its numbers: `x.data[0] = 1` or `x.data += 1` after
a forward pass changes x for the next forward pass, never the gradient of the last one.
(Only an array you fetched with `.data` *before* the forward pass and change between
forward and backward escapes this; fetch `.data` when you change it.)

Here are the arithmetic, the shape ops and backward; the elementwise functions (`exp`,
`log`, `sqrt`, `relu`, ...) and comparisons live in `tensor_elementwise.py`, the
reductions (`sum`, `mean`, `max`, `var`, ...) in `tensor_reductions.py`, and `where`,
`concatenate` and `stack` in `combine.py`.

Introduced in lesson 06 (vectorized backprop).
"""

import numbers

import numpy as np

from .autodiff import topological_sort
from .checks import (
    broadcasting,
    check_label,
    check_leaf_grad,
    check_matmul,
    check_no_nan,
    exponent_text,
    to_float_array,
)
from .tensor_elementwise import Elementwise
from .tensor_reductions import Reductions


class Tensor(Elementwise, Reductions):
    """An n-dimensional array node of a computation graph.

    Tensor(data, label="", dtype=None, requires_grad=True)

    Lists, Python numbers and integer arrays become float64; a float32 array stays
    float32 (or pass `dtype`). The data is copied. Use `requires_grad=False` for
    inputs and targets: no gradient is computed for them.

    Attributes: data (ndarray), grad (ndarray of data's shape after backward, else
    None), label, op ("" for a leaf), parents (ordered tuple), vjps (one function
    per parent), requires_grad.

    Comparisons (`<`, `<=`, `>`, `>=`, `==`, `!=`) are elementwise, as in numpy and
    PyTorch, and give a numpy boolean array: they have no gradient. Dividing by zero
    (`t / 0`, `t / Tensor(0)`, `t ** -1` at 0) raises ZeroDivisionError, as Python and
    `Value` do, where numpy would hand on an inf with only a warning.
    """

    __slots__ = ("_data", "_kept", "grad", "label", "op", "parents", "vjps", "requires_grad")
    __array_ufunc__ = None  # `ndarray * Tensor` calls Tensor.__rmul__, not numpy
    __hash__ = object.__hash__  # nodes are told apart by identity (== is elementwise)

    def __init__(self, data, label="", dtype=None, requires_grad=True):
        if isinstance(data, Tensor):
            raise TypeError("Tensor(...) got a Tensor; use it directly (or pass its .data)")
        self._data = to_float_array(data, dtype)
        self._kept = False  # True while a graph may read _data in backward
        self.grad = None
        self.label = check_label("Tensor", label)
        self.op = ""
        self.parents = ()
        self.vjps = ()
        if not isinstance(requires_grad, (bool, np.bool_)):
            raise TypeError(
                f"Tensor(...): requires_grad must be True or False, got {requires_grad!r}"
            )
        self.requires_grad = bool(requires_grad)

    @staticmethod
    def _result(data, op, parents, vjps):
        """Make the output node of an op. It is recorded in the graph only when an
        input needs a gradient; otherwise it is a plain constant. A recorded op
        marks the arrays its vjps may read (the inputs' and its own) as kept."""
        if type(data) is not np.ndarray:
            data = np.asarray(data)
        out = Tensor.__new__(Tensor)
        out._data = data
        out.grad = None
        out.label = ""
        out.op = op
        out.requires_grad = False
        for p in parents:
            if p.requires_grad:
                out.requires_grad = True
                break
        if out.requires_grad:
            out.parents, out.vjps, out._kept = parents, vjps, True
            for p in parents:
                p._kept = True
        else:
            out.parents, out.vjps, out._kept = (), (), False
        return out

    @property
    def data(self):
        """The numbers, an ndarray: a fresh copy if a graph keeps the old one (module doc)."""
        if self._kept:
            self._data = self._data.copy()
            self._kept = False
        return self._data

    @data.setter
    def data(self, value):
        if not isinstance(value, (np.ndarray, np.floating)):
            raise TypeError(
                f"Tensor.data must be a numpy array, got {type(value).__name__};"
                " write t.data = np.array(...), or change numbers in place: t.data[...] = ..."
            )
        value = np.asarray(value)
        if value.dtype not in (np.float32, np.float64):
            raise TypeError(
                f"Tensor.data must hold float32 or float64 numbers, got dtype {value.dtype};"
                " convert with .astype(np.float64)"
            )
        self._data = value
        self._kept = False

    # ---- shape information ----

    @property
    def shape(self):
        return self._data.shape

    @property
    def ndim(self):
        return self._data.ndim

    @property
    def dtype(self):
        return self._data.dtype

    @property
    def size(self):
        return self._data.size

    def item(self):
        """The value of a one-element tensor as a Python float."""
        if self._data.size != 1:
            raise ValueError(f"item: the tensor has shape {self.shape}, not a single number")
        return float(self._data.reshape(()))

    def detach(self):
        """The same numbers as a new leaf that needs no gradient."""
        return Tensor(self._data, label=self.label, requires_grad=False)

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError(
                "a 0-d tensor has no length and cannot be iterated: it is a single number;"
                " use .item()"
            )
        return self._data.shape[0]

    def __iter__(self):
        """The rows (entries along axis 0), each a Tensor in the graph, like iterating numpy."""
        for i in range(len(self)):
            yield self[i]

    def __array__(self, dtype=None, copy=None):
        """np.array(t) gives t's numbers (a copy): numpy arrays have no gradients."""
        return np.array(self._data, dtype=dtype)

    def __float__(self):
        raise TypeError(
            f"float(Tensor): use t.item() for the number in a one-element tensor, or t.data"
            f" for the array (this one has shape {self.shape}); math.exp(t) and friends would"
            " cut the graph, so use t.exp()"
        )

    def __bool__(self):
        raise TypeError(
            f"bool(Tensor) is ambiguous (shape {self.shape}): compare its numbers instead,"
            " e.g. t.item() > 0, (t > 0).all() or (t > 0).any()"
        )

    # ---- primitives: forward value and vector-Jacobian products, side by side ----

    def __add__(self, other):
        other = _as_tensor(other, self)
        if other is NotImplemented:
            return other
        a, b = self._data, other._data
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
        a, b = self._data, other._data
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
        a = self._data
        if not k.is_integer():
            check_no_nan("pow", a)
            if (a < 0).any():
                raise ValueError(
                    f"pow: a negative base (smallest {a.min():.4g}) to the non-integer power"
                    f" {k} is not a real number; make the base positive first"
                )
        if k < 0 and (a == 0).any():
            raise ZeroDivisionError(
                f"pow: {(a == 0).sum()} of {a.size} entries are 0.0, and 0.0 ** {k!r} is"
                " undefined (division by zero); check the value you divide by"
            )
        out = a**k

        def vjp(g):  # f = a**k:  da = g * k * a**(k-1)   (0 for k = 0, also at a = 0)
            if k == 0:
                return np.zeros_like(g)
            with np.errstate(divide="ignore"):  # 0 ** (k-1) = inf for 0 < k < 1, as in torch
                return g * (k * a ** (k - 1))

        return Tensor._result(out, f"**{exponent_text(k)}", (self,), (vjp,))

    def __matmul__(self, other):
        other = _as_tensor(other, self)
        if other is NotImplemented:
            return other
        a, b = self._data, other._data
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

    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        a = self._data
        if any(isinstance(n, bool) or not isinstance(n, (int, np.integer)) for n in shape):
            raise TypeError(f"reshape: the new shape must be whole numbers, got {shape}")
        try:
            out = a.reshape(shape)
        except (ValueError, TypeError):
            raise ValueError(
                f"reshape: cannot reshape {a.shape} ({a.size} numbers) into {shape};"
                " the new shape must hold the same number of elements"
            ) from None
        # f = reshape(a):  da = g reshaped back
        out = Tensor._result(out, "reshape", (self,), (lambda g: g.reshape(a.shape),))
        self._kept = out._kept = True  # shared memory: a write to one must not reach the other
        return out

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        a = self._data
        axes = axes or tuple(reversed(range(a.ndim)))
        if sorted(axes) != list(range(a.ndim)):
            raise ValueError(f"transpose: axes {axes} are not a permutation of 0..{a.ndim - 1}")
        back = tuple(np.argsort(axes))
        out = a.transpose(axes)
        # f = transpose(a):  da = g transposed back
        out = Tensor._result(out, "T", (self,), (lambda g: g.transpose(back),))
        self._kept = out._kept = True  # shared memory (see reshape)
        return out

    def __getitem__(self, idx):
        idx = _check_index(idx)
        a = self._data
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
        if isinstance(other, numbers.Real) and not isinstance(other, (Tensor, bool)):
            if other == 0:
                raise ZeroDivisionError(
                    "div: x / 0 is undefined (division by zero); check the value you divide by"
                )
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

    @property
    def T(self):
        return self.transpose()

    # ---- backpropagation ----

    def backward(self, grad=None):
        """Fill in `grad` of every tensor this one depends on: d(self)/d(tensor).

        For a single-number tensor (a loss) `grad` defaults to 1. Op outputs hold the
        gradient of this call; leaves *accumulate* across calls, as in PyTorch, so
        zero them (`model.zero_grad()`, or set `grad = None`) before each new backward pass.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward: this tensor does not depend on anything with requires_grad=True,"
                " so there is nothing to differentiate"
            )
        if grad is None:
            if self._data.size != 1:
                raise RuntimeError(
                    f"backward: the tensor has shape {self.shape}, so backward() needs"
                    " grad=... of that shape; for a loss, reduce it first (.sum() or .mean())"
                )
            grad = np.ones_like(self._data)
        else:
            try:
                grad = np.array(grad, dtype=self._data.dtype)  # a copy: yours stays yours
            except (TypeError, ValueError):
                raise TypeError(
                    f"backward: grad must be numbers of shape {self.shape}, got {grad!r}"
                ) from None
            if grad.shape != self.shape:
                raise ValueError(f"backward: grad has shape {grad.shape}, tensor {self.shape}")
        order = topological_sort(self)
        for node in order:
            if node.parents:  # gradients of op outputs are recomputed from scratch
                node.grad = None
            elif node.grad is not None:
                check_leaf_grad(node)
        self.grad = grad if self.grad is None else self.grad + grad
        for node in reversed(order):
            g = node.grad
            for parent, vjp in zip(node.parents, node.vjps):
                if parent.requires_grad:
                    # the chain rule; the gradient has the input's dtype, as in PyTorch
                    contribution = np.asarray(vjp(g), dtype=parent._data.dtype)
                    if contribution.shape != parent._data.shape:
                        raise RuntimeError(
                            f"{node.op} backward gave a gradient of shape {contribution.shape}"
                            f" for an input of shape {parent._data.shape}; did the input's"
                            " .data get a new shape between the forward pass and backward()?"
                        )
                    if parent.grad is None:
                        if not parent.parents and (contribution is g
                                                   or contribution.base is not None):
                            contribution = contribution.copy()  # a leaf owns its gradient
                        parent.grad = contribution
                    else:
                        parent.grad = parent.grad + contribution

    def __repr__(self):
        body = np.array2string(self._data, precision=4, threshold=20, separator=", ")
        label = f", label={self.label!r}" if self.label else ""
        dtype = "" if self._data.dtype == np.float64 else f", dtype={self._data.dtype}"
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
    """`x` as a Tensor for an op with `like`; constants take `like`'s dtype.

    An ndarray is copied (as Tensor(...) copies): the graph keeps the numbers of the
    forward pass even if you change your array before backward.
    """
    if isinstance(x, Tensor):
        return x
    if type(x) is float or type(x) is int:  # the fast paths
        return Tensor._result(np.asarray(x, dtype=like._data.dtype), "", (), ())
    if type(x) is np.ndarray and x.dtype.kind in "biuf":
        return Tensor._result(np.array(x, dtype=like._data.dtype), "", (), ())
    if isinstance(x, (numbers.Real, np.ndarray, list, tuple)) and not isinstance(x, bool):
        const = Tensor.__new__(Tensor)
        Tensor.__init__(const, x, dtype=like._data.dtype, requires_grad=False)
        return const
    return NotImplemented


def _check_index(idx):
    """Tensors in an index become integer arrays; a non-whole number is an error."""
    parts = idx if isinstance(idx, tuple) else (idx,)
    checked = []
    for part in parts:
        if isinstance(part, Tensor):
            values = part._data
            if not np.all(values == np.round(values)):
                raise IndexError(
                    f"index: a Tensor used as an index must hold whole numbers, got {values!r};"
                    " round it first (or use an integer numpy array)"
                )
            part = values.astype(np.int64)
        elif isinstance(part, (float, np.floating)):
            raise IndexError(
                f"index: {part!r} is a float; indices must be integers (use int(...)),"
                " slices or integer arrays"
            )
        checked.append(part)
    return tuple(checked) if isinstance(idx, tuple) else checked[0]
