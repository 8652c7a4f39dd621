"""Ops that combine several tensors: `where`, `concatenate` and `stack`.

Each one builds its output from pieces of its inputs, so its vector-Jacobian product
hands each input back its piece of the gradient `g`:

    where(cond, a, b):   da = g where cond, else 0;   db = g where not cond
    concatenate:         each input gets its slice of g along the axis
    stack:               input i gets g[i] along the new axis

Used by the lessons after 06 (masks, batches built from parts).
"""

import numbers

import numpy as np

from .checks import check_axis
from .tensor import Tensor, _as_tensor, unbroadcast


def where(cond, a, b):
    """Elementwise `a` where `cond` is True, else `b` (np.where / torch.where).

    cond: booleans (e.g. `x > 0`, which is a boolean array); a, b: Tensors or numbers.
    Shapes broadcast. The gradient of `a` is g where cond, 0 elsewhere; `b` the other way.
    """
    c = cond._data if isinstance(cond, Tensor) else np.asarray(cond)
    if c.dtype != bool:
        raise TypeError(
            f"where: cond must be booleans, got dtype {c.dtype}; compare first,"
            " e.g. where(x > 0, x, 0.0)"
        )
    like = a if isinstance(a, Tensor) else b
    if not isinstance(like, Tensor):
        raise TypeError("where: a or b must be a Tensor; for numbers only, use np.where")
    a, b = _operand("where", a, like), _operand("where", b, like)
    try:
        np.broadcast_shapes(c.shape, a.shape, b.shape)
    except ValueError:
        raise ValueError(
            f"where: shapes {c.shape} (cond), {a.shape} (a) and {b.shape} (b) cannot be"
            " broadcast together; from the right, each dimension must be equal or 1"
        ) from None
    out = np.where(c, a._data, b._data)  # (shape): the broadcast of all three

    def vjp_a(g):  # da = g where cond, else 0
        return unbroadcast(np.where(c, g, 0.0), a.shape)

    def vjp_b(g):  # db = g where not cond, else 0
        return unbroadcast(np.where(c, 0.0, g), b.shape)

    return Tensor._result(out, "where", (a, b), (vjp_a, vjp_b))


def concatenate(tensors, axis=0):
    """Join tensors along an existing axis (np.concatenate / torch.cat).

    Every shape must agree except along `axis`; each input's gradient is its slice of g.
    """
    tensors = _tensor_list("concatenate", tensors)
    first = tensors[0]
    axis = _one_axis("concatenate", axis, first.ndim)
    if first.ndim == 0:
        raise ValueError("concatenate: 0-d tensors have no axis to join along; use stack")
    for i, t in enumerate(tensors):
        other = t.shape[:axis] + t.shape[axis + 1:]
        if t.ndim != first.ndim or other != first.shape[:axis] + first.shape[axis + 1:]:
            raise ValueError(
                f"concatenate: tensor {i} has shape {t.shape}, tensor 0 {first.shape}; all"
                f" shapes must be equal except along axis {axis}"
            )
    out = np.concatenate([t._data for t in tensors], axis=axis)
    ends = np.cumsum([t.shape[axis] for t in tensors])

    def piece(i):  # tensor i gets g[..., start:end, ...] along `axis`
        start, end = (ends[i - 1] if i else 0), ends[i]
        return lambda g: np.take(g, np.arange(start, end), axis=axis)

    return Tensor._result(out, "concatenate", tuple(tensors),
                          tuple(piece(i) for i in range(len(tensors))))


def stack(tensors, axis=0):
    """Join same-shape tensors along a new axis (np.stack / torch.stack).

    Tensor i becomes entry i along `axis`; its gradient is g[i] along that axis.
    """
    tensors = _tensor_list("stack", tensors)
    first = tensors[0]
    for i, t in enumerate(tensors):
        if t.shape != first.shape:
            raise ValueError(
                f"stack: tensor {i} has shape {t.shape}, tensor 0 {first.shape};"
                " stack needs equal shapes (concatenate joins along an existing axis)"
            )
    axis = _one_axis("stack", axis, first.ndim + 1)
    out = np.stack([t._data for t in tensors], axis=axis)

    def piece(i):  # tensor i gets entry i of g along the new axis
        return lambda g: np.take(g, i, axis=axis)

    return Tensor._result(out, "stack", tuple(tensors),
                          tuple(piece(i) for i in range(len(tensors))))


def _operand(op, x, like):
    """A Tensor operand of `op`: Tensors as they are, numbers and arrays as constants."""
    t = _as_tensor(x, like)
    if t is NotImplemented:
        raise TypeError(f"{op}: expected a Tensor or numbers, got {type(x).__name__}")
    return t


def _tensor_list(op, tensors):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(
            f"{op}: expected a list of Tensors, got {type(tensors).__name__};"
            f" write {op}([a, b])"
        )
    if not tensors:
        raise ValueError(f"{op}: the list is empty; give at least one Tensor")
    if not any(isinstance(t, Tensor) for t in tensors):
        raise TypeError(f"{op}: none of the inputs is a Tensor; for arrays use np.{op}")
    like = next(t for t in tensors if isinstance(t, Tensor))
    return [_operand(op, t, like) for t in tensors]


def _one_axis(op, axis, ndim):
    if isinstance(axis, (tuple, list)) or axis is None:
        raise TypeError(f"{op}: axis must be one int, got {axis!r}")
    if not isinstance(axis, numbers.Integral) or isinstance(axis, bool):
        raise TypeError(f"{op}: axis must be one int, got {axis!r}")
    if ndim == 0:
        return 0
    return check_axis(op, axis, ndim)
