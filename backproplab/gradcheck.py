"""Gradient checking: compare backpropagation with finite differences.

The central difference  (f(x + h) - f(x - h)) / 2h  approximates df/dx with an error
of order h**2, without knowing anything about how f is computed. If backprop and
this estimate agree, the backward pass is almost certainly right.

How to read the relative error |a - n| / (|a| + |n|)  (CS231n's rule of thumb):
    > 1e-2   the gradient is wrong
    1e-2 .. 1e-4   suspicious, unless f has kinks (relu, max)
    1e-4 .. 1e-7   fine for functions with kinks, a little high without
    < 1e-7   very good

Introduced in lesson 04 (building an autodiff engine); used again in lesson 10.
"""

import html
import warnings

import numpy as np

from .autodiff import topological_sort
from .tensor import Tensor
from .value import Value

TINY = 1e-12  # keeps the relative error finite when both gradients are 0
KINKS = ("relu", "max")


def numerical_grad(f, *inputs, eps=1e-6):
    """Central-difference gradient of the scalar `f(*inputs)` with respect to each input.

    `inputs` are Values or Tensors; returns a list with one gradient per input (a
    float for a Value, an ndarray of the input's shape for a Tensor). The inputs are
    nudged in place and restored exactly.
    """
    grads = []
    for x in inputs:
        if isinstance(x, Value):
            grads.append(_central_difference(f, inputs, x, None, eps))
        elif isinstance(x, Tensor):
            grad = np.zeros(x.shape)
            for idx in np.ndindex(*x.shape):
                grad[idx] = _central_difference(f, inputs, x, idx, eps)
            grads.append(grad)
        else:
            raise TypeError(
                f"numerical_grad: inputs must be Values or Tensors, got {type(x).__name__}"
            )
    return grads


def _central_difference(f, inputs, x, idx, eps):
    data = x.data if idx is None else x.data[idx]
    old = data
    _set(x, idx, old + eps)
    plus = _scalar(f(*inputs))
    _set(x, idx, old - eps)
    minus = _scalar(f(*inputs))
    _set(x, idx, old)
    return (plus - minus) / (2 * eps)


def _set(x, idx, v):
    if idx is None:
        x.data = v
    else:
        x.data[idx] = v


def _scalar(out):
    """The number held by f's output (a Value, a one-element Tensor or a float)."""
    if isinstance(out, Value):
        return out.data
    if isinstance(out, Tensor):
        if out.data.size != 1:
            raise ValueError(
                f"gradient check: f must return a single number, got a tensor of shape"
                f" {out.shape}; reduce it with .sum() or .mean()"
            )
        return float(out.data.reshape(()))
    return float(out)


def gradcheck(f, *inputs, eps=1e-6, tol=1e-6):
    """Check backprop's gradient of `f(*inputs)` against finite differences.

    Returns a `GradcheckReport` (shown as a table in Jupyter): `.ok` is True when the
    largest relative error is at most `tol`; `.raise_if_failed()` raises with the
    report. Use float64 inputs: float32 rounding swamps the comparison.
    """
    for x in inputs:
        if not isinstance(x, (Value, Tensor)):
            raise TypeError(f"gradcheck: inputs must be Values or Tensors, got {type(x).__name__}")
        if isinstance(x, Value):
            x.grad = 0.0
        else:
            x.grad = None
    out = f(*inputs)
    if not isinstance(out, (Value, Tensor)):
        raise TypeError(f"gradcheck: f must return a Value or Tensor, got {type(out).__name__}")
    _scalar(out)  # raises for a non-scalar output
    out.backward()
    analytic = [x.grad if isinstance(x, Value) else _grad_or_zeros(x) for x in inputs]
    numerical = numerical_grad(f, *inputs, eps=eps)
    ops = {node.op for node in topological_sort(out)}
    float32 = any(isinstance(x, Tensor) and x.dtype == np.float32 for x in inputs)
    if float32:
        warnings.warn(
            "gradcheck: float32 inputs give relative errors around 1e-3 even for a correct"
            " gradient; check with dtype=float64",
            stacklevel=2,
        )
    rows = [
        GradcheckRow(x.label or f"input {i}", a, n)
        for i, (x, a, n) in enumerate(zip(inputs, analytic, numerical))
    ]
    return GradcheckReport(rows, tol, has_kinks=any(op in KINKS for op in ops), float32=float32)


def _grad_or_zeros(x):
    return np.zeros(x.shape) if x.grad is None else np.array(x.grad, dtype=np.float64)


def relative_error(a, n):
    """|a - n| / max(|a| + |n|, tiny), elementwise."""
    a, n = np.asarray(a, dtype=np.float64), np.asarray(n, dtype=np.float64)
    return np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), TINY)


class GradcheckRow:
    """One input's analytic and numerical gradient and their largest relative error."""

    def __init__(self, name, analytic, numerical):
        self.name = name
        self.analytic = analytic
        self.numerical = numerical
        err = relative_error(analytic, numerical)
        self.max_rel_error = float(err.max()) if err.size else 0.0


class GradcheckReport:
    """The result of `gradcheck`: `.ok`, `.max_rel_error`, `.rows`, a verdict in words."""

    def __init__(self, rows, tol, has_kinks=False, float32=False):
        self.rows = rows
        self.tol = tol
        self.has_kinks = has_kinks
        self.float32 = float32
        self.max_rel_error = max((r.max_rel_error for r in rows), default=0.0)
        self.ok = self.max_rel_error <= tol

    def verdict(self):
        e = self.max_rel_error
        if e > 1e-2:
            text = "wrong: backprop and finite differences disagree"
        elif e > 1e-4:
            text = "suspicious: check the backward pass"
        elif e > 1e-7:
            text = "acceptable (fine for functions with kinks, a little high without)"
        else:
            text = "very good"
        notes = []
        if self.has_kinks and e > 1e-7:
            notes.append("the graph has relu/max: an input within eps of a kink spoils the"
                         " finite difference")
        if self.float32:
            notes.append("inputs are float32: use float64 for gradient checks")
        return "; ".join([text] + notes)

    def raise_if_failed(self):
        """Raise AssertionError with the full report unless the check passed."""
        if not self.ok:
            raise AssertionError(f"gradient check failed\n{self}")
        return self

    def _cells(self, row):
        return (row.name, _preview(row.analytic), _preview(row.numerical),
                f"{row.max_rel_error:.2e}")

    def __str__(self):
        head = ("input", "analytic", "numerical", "max rel. error")
        lines = [self._cells(r) for r in self.rows]
        widths = [max(len(line[i]) for line in [head] + lines) for i in range(4)]
        table = [
            "  ".join(cell.ljust(w) for cell, w in zip(line, widths)) for line in [head] + lines
        ]
        status = "OK" if self.ok else "FAILED"
        summary = (f"gradcheck {status}: max relative error {self.max_rel_error:.2e}"
                   f" (tolerance {self.tol:.0e}), {self.verdict()}")
        return "\n".join(table + [summary])

    def __repr__(self):
        return str(self)

    def _repr_html_(self):
        colour = "#2e7d32" if self.ok else "#c62828"
        rows = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in self._cells(r)) + "</tr>"
            for r in self.rows
        )
        status = "OK" if self.ok else "FAILED"
        return (
            "<table><tr><th>input</th><th>analytic</th><th>numerical</th>"
            f"<th>max rel. error</th></tr>{rows}</table>"
            f"<p style='color:{colour}'><b>gradcheck {status}</b>: max relative error"
            f" {self.max_rel_error:.2e} (tolerance {self.tol:.0e}),"
            f" {html.escape(self.verdict())}</p>"
        )


def _preview(v, shown=4):
    """The first few numbers of a gradient, for the report."""
    v = np.ravel(v)
    return ", ".join(f"{x:.6g}" for x in v[:shown]) + (" ..." if v.size > shown else "")
