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
    """Normalise `axis` (None, int, or a tuple or list of ints) to non-negative ints,
    or raise clearly. A list counts as a tuple, as in numpy."""
    if axis is None:
        return None
    if isinstance(axis, list):
        axis = tuple(axis)
    axes = axis if isinstance(axis, tuple) else (axis,)
    for ax in axes:
        if isinstance(ax, (bool, np.bool_)) or not isinstance(ax, (int, np.integer)):
            raise TypeError(
                f"{op}: axis must be an int or a tuple of ints, got {axis!r}"
                f" ({type(ax).__name__}); e.g. axis=0, axis=-1 or axis=(0, 1)"
            )
        if not -ndim <= ax < ndim:
            raise ValueError(f"{op}: axis {axis} is out of range for a {ndim}-d tensor")
    axes = tuple(int(ax) % ndim for ax in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{op}: axis {axis} names the same axis twice for a {ndim}-d tensor")
    return axes if isinstance(axis, tuple) else axes[0]


def check_label(op, label):
    """A node's label is a string (it names the node in drawings and reports)."""
    if not isinstance(label, str):
        raise TypeError(
            f"{op}(...): label must be a string, got {label!r} ({type(label).__name__});"
            f" e.g. label='w1' or label=str({label!r})"
        )
    return label


def check_no_nan(op, a):
    """NaN in the input of an op with a domain (log, sqrt, pow): say so, instead of
    passing the NaN on silently."""
    nan = np.isnan(a)
    if nan.any():
        raise ValueError(
            f"{op}: {nan.sum()} of {nan.size} inputs are NaN (not a number); a NaN usually"
            " comes from an earlier step (0/0, inf - inf, a diverging training run)"
        )


def exponent_text(k):
    """2.0 -> '2', 0.5 -> '0.5': the exponent as it appears in an op name ("**2")."""
    return str(int(k)) if float(k).is_integer() else repr(k)


def check_leaf_grad(node):
    """A leaf's grad before backward must be None or an array of its data's shape."""
    grad = node.grad
    if not isinstance(grad, np.ndarray) or grad.shape != node._data.shape:
        name = f"{node.label!r}" if node.label else f"of shape {node.shape}"
        got = f"shape {grad.shape}" if isinstance(grad, np.ndarray) else repr(grad)
        raise TypeError(
            f"backward: the leaf tensor {name} has grad {got}; a tensor's grad must be None"
            f" or an array of shape {node.shape}; set t.grad = None (or call zero_grad())"
        )
