"""Checks of what a learner passes to the engines, with messages that help.

Each function turns what would be a bare numpy error (or a silent wrong answer) into a
message that names the op, the shapes or values involved, and what to try. Used by
`Tensor` and `Value`; kept here so that the engines' files show the math.
"""

import numpy as np


def to_float_array(data, dtype):
    """Check the user's data for Tensor(...) and turn it into a float ndarray (a copy)."""
    if isinstance(data, (str, bytes)) or data is None:
        raise TypeError(f"Tensor(...) needs numbers, got {data!r}")
    try:
        arr = np.array(data)
    except ValueError:
        raise ValueError(
            "Tensor(...): the nested lists have different lengths, so they do not form an"
            f" array: {data!r}; every row must have the same number of entries"
        ) from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"Tensor(...) needs real numbers, got dtype {arr.dtype}: {data!r}")
    if dtype is None:
        dtype = arr.dtype if arr.dtype in (np.float32, np.float64) else np.float64
    if np.dtype(dtype) not in (np.float32, np.float64):
        raise TypeError(f"Tensor(...): dtype must be float32 or float64, got {dtype}")
    return arr.astype(dtype)


def broadcasting(name, fn, a, b):
    """fn(a, b), with a clear message when the shapes do not broadcast."""
    try:
        return fn(a, b)
    except ValueError:
        raise ValueError(
            f"{name}: shapes {a.shape} and {b.shape} cannot be broadcast together; from the"
            " right, each pair of dimensions must be equal or 1 (try .reshape or .T)"
        ) from None


def check_matmul(sa, sb):
    if not sa or not sb:
        raise ValueError(f"matmul: {sa} @ {sb}: a 0-d tensor cannot be matrix-multiplied; use *")
    k_a = sa[-1]
    k_b = sb[0] if len(sb) == 1 else sb[-2]
    if k_a != k_b:
        raise ValueError(f"matmul: {sa} @ {sb}: inner dimensions {k_a} and {k_b} differ")


def check_axis(op, axis, ndim):
    """Normalise `axis` (None, int or tuple) to non-negative ints, or raise clearly."""
    if axis is None:
        return None
    axes = axis if isinstance(axis, tuple) else (axis,)
    for ax in axes:
        if not isinstance(ax, (int, np.integer)) or not -ndim <= ax < ndim:
            raise ValueError(f"{op}: axis {axis} is out of range for a {ndim}-d tensor")
    axes = tuple(int(ax) % ndim for ax in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{op}: axis {axis} names the same axis twice for a {ndim}-d tensor")
    return axes if isinstance(axis, tuple) else axes[0]


def exponent_text(k):
    """2.0 -> '2', 0.5 -> '0.5': the exponent as it appears in an op name ("**2")."""
    return str(int(k)) if float(k).is_integer() else repr(k)
