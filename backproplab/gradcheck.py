"""Gradient checking: compare backpropagation with finite differences.

The central difference  (f(x + h) - f(x - h)) / 2h  approximates df/dx with an error
of order h**2, without knowing anything about how f is computed. If backprop and
this estimate agree, the backward pass is almost certainly right.

How to read the relative error |a - n| / (|a| + |n|) of the analytic gradient a and the
numerical one n (the thresholds are CS231n's rule of thumb; CS231n divides by max(|a|, |n|),
so its errors are the same as ours or up to twice as large):
    > 1e-2   the gradient is wrong
    1e-2 .. 1e-4   suspicious, unless f has kinks (relu, max)
    1e-4 .. 1e-7   fine for functions with kinks, a little high without
    < 1e-7   very good

Introduced in lesson 04 (building an autodiff engine); used again in lesson 10.
"""

import html
import numbers
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
    nudged in place and restored exactly. If f fails at a nudged point x +- eps but not
    at x, the error says that the nudge crossed the edge of f's domain.
    """
    eps = _check_eps("numerical_grad", eps)
    for x in inputs:
        if not isinstance(x, (Value, Tensor)):
            raise TypeError(
                f"numerical_grad: inputs must be Values or Tensors, got {type(x).__name__}"
            )
    _scalar(f(*inputs))  # f must work at the point you gave, before any nudge
    return [_numerical_grad_of(f, inputs, i, eps) for i in range(len(inputs))]


def _numerical_grad_of(f, inputs, i, eps):
    """The central-difference gradient with respect to inputs[i] alone."""
    x = inputs[i]
    if isinstance(x, Value):
        return _central_difference(f, inputs, x, None, eps, i)
    grad = np.zeros(x.shape)
    for idx in np.ndindex(*x.shape):
        grad[idx] = _central_difference(f, inputs, x, idx, eps, i)
    return grad


def _check_eps(name, eps):
    if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or not np.isfinite(eps):
        raise TypeError(f"{name}: eps must be a small positive number such as 1e-6, got {eps!r}")
    if eps <= 0:
        raise ValueError(
            f"{name}: eps must be > 0, got {eps!r}: the finite difference divides by 2 * eps;"
            " use 1e-6 (float64) or 1e-3 (float32)"
        )
    return float(eps)


def _central_difference(f, inputs, x, idx, eps, i):
    data = x.data if idx is None else x.data[idx]
    old = data
    values = []
    for step in (eps, -eps):
        _set(x, idx, old + step)
        if (x.data if idx is None else x.data[idx]) == old:
            _set(x, idx, old)
            raise ValueError(
                f"gradient check: eps={eps!r} is too small to change the input {old!r} at all"
                f" (rounding in {np.asarray(old).dtype}), so every difference would be 0;"
                " use eps=1e-6 for float64"
            )
        try:
            values.append(_scalar(f(*inputs)))
        except (ValueError, ZeroDivisionError, OverflowError, FloatingPointError) as e:
            _set(x, idx, old)
            raise _domain_error(x, idx, i, float(old), step, e) from e
    _set(x, idx, old)
    plus, minus = values
    return (plus - minus) / (2 * eps)


def _domain_error(x, idx, i, old, step, error):
    """The error for an f that works at x but fails at the nudged x + step."""
    name = (x.label or f"input {i}") + ("" if idx is None else str(list(idx)))
    sign = "+" if step > 0 else "-"
    if old == 0:
        advice = ("x is on the edge itself, where a central difference is not defined;"
                  " check the gradient at a point inside the domain")
    else:
        smaller = 10.0 ** np.floor(np.log10(abs(old) / 1000))
        advice = (f"use a smaller eps (e.g. eps={smaller:.0e}, well below |x|), or check at an x"
                  " farther from the edge")
    return ValueError(
        f"gradient check: f fails at {name} = {old!r} {sign} eps = {old + step!r}, a point"
        f" you did not pass: the nudge x {sign} eps (eps={abs(step):g}) crossed the edge of"
        f" the function's domain; {advice}. The error at that point was: {error}"
    )


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
    report. Use float64 inputs: float32 rounding swamps the comparison. A Tensor with
    `requires_grad=False` (or with no entries) has no gradient to check: its row says
    so, and a report that checked nothing at all is not OK.
    """
    if not callable(f):
        raise TypeError(f"gradcheck: f must be a function of the inputs, got {type(f).__name__}")
    eps = _check_eps("gradcheck", eps)
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not tol >= 0:
        raise ValueError(f"gradcheck: tol must be a number >= 0 such as 1e-6, got {tol!r}")
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
    if isinstance(out, Value) or out.requires_grad:
        out.backward()
    ops = {node.op for node in topological_sort(out)}
    float32 = any(isinstance(x, Tensor) and x.dtype == np.float32 for x in inputs)
    if float32:
        warnings.warn(
            "gradcheck: float32 inputs give relative errors around 1e-3 even for a correct"
            " gradient; check with dtype=float64",
            stacklevel=2,
        )
    rows = []
    for i, x in enumerate(inputs):
        name = x.label or f"input {i}"
        skipped = _nothing_to_check(x)
        if skipped:
            rows.append(GradcheckRow(name, None, None, skipped=skipped))
            continue
        analytic = x.grad if isinstance(x, Value) else _grad_or_zeros(x)
        numerical = _numerical_grad_of(f, inputs, i, eps)
        rows.append(GradcheckRow(name, analytic, numerical))
    return GradcheckReport(rows, tol, has_kinks=any(op in KINKS for op in ops), float32=float32)


def _nothing_to_check(x):
    """Why input x has no gradient to check ("" if it has one)."""
    if isinstance(x, Tensor) and not x.requires_grad:
        return "not checked: requires_grad=False, so backprop computes no gradient for it"
    if isinstance(x, Tensor) and x.size == 0:
        return f"not checked: the tensor has no entries (shape {x.shape})"
    return ""


def _grad_or_zeros(x):
    return np.zeros(x.shape) if x.grad is None else np.array(x.grad, dtype=np.float64)


def relative_error(a, n):
    """|a - n| / max(|a| + |n|, tiny), elementwise."""
    a, n = np.asarray(a, dtype=np.float64), np.asarray(n, dtype=np.float64)
    return np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), TINY)


class GradcheckRow:
    """One input's analytic and numerical gradient and their largest relative error.

    `skipped` says why an input was not checked (then the gradients are None)."""

    def __init__(self, name, analytic, numerical, skipped=""):
        self.name = name
        self.analytic = analytic
        self.numerical = numerical
        self.skipped = skipped
        if skipped:
            self.max_rel_error = 0.0
            return
        with np.errstate(invalid="ignore"):
            err = relative_error(analytic, numerical)
        # a NaN or inf gradient is an error as large as can be, never "very good"
        err = np.where(np.isfinite(np.asarray(analytic, dtype=float) + numerical), err, np.inf)
        self.max_rel_error = float(err.max()) if err.size else 0.0


class GradcheckReport:
    """The result of `gradcheck`: `.ok`, `.max_rel_error`, `.rows`, a verdict in words."""

    def __init__(self, rows, tol, has_kinks=False, float32=False):
        self.rows = rows
        self.tol = tol
        self.has_kinks = has_kinks
        self.float32 = float32
        checked = [r for r in rows if not getattr(r, "skipped", "")]
        self.nothing_checked = not checked
        self.max_rel_error = max((r.max_rel_error for r in checked), default=0.0)
        self.ok = self.max_rel_error <= tol and not self.nothing_checked

    def verdict(self):
        e = self.max_rel_error
        if self.nothing_checked:
            return ("nothing was checked: no input has a gradient to compare (pass Values, or"
                    " Tensors with requires_grad=True and at least one entry)")
        if e == np.inf:
            text = "wrong: a gradient is NaN or infinite"
        elif e > 1e-2:
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

    def _status(self):
        return "NOTHING CHECKED" if self.nothing_checked else ("OK" if self.ok else "FAILED")

    def _cells(self, row):
        if getattr(row, "skipped", ""):
            return (row.name, row.skipped, "", "")
        return (row.name, _preview(row.analytic), _preview(row.numerical),
                f"{row.max_rel_error:.2e}")

    def __str__(self):
        head = ("input", "analytic", "numerical", "max rel. error")
        lines = [self._cells(r) for r in self.rows]
        widths = [max(len(line[i]) for line in [head] + lines) for i in range(4)]
        table = [
            "  ".join(cell.ljust(w) for cell, w in zip(line, widths)) for line in [head] + lines
        ]
        summary = (f"gradcheck {self._status()}: max relative error {self.max_rel_error:.2e}"
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
        return (
            "<table><tr><th>input</th><th>analytic</th><th>numerical</th>"
            f"<th>max rel. error</th></tr>{rows}</table>"
            f"<p style='color:{colour}'><b>gradcheck {self._status()}</b>: max relative error"
            f" {self.max_rel_error:.2e} (tolerance {self.tol:.0e}),"
            f" {html.escape(self.verdict())}</p>"
        )


def _preview(v, shown=4):
    """The first few numbers of a gradient, for the report."""
    v = np.ravel(v)
    return ", ".join(f"{x:.6g}" for x in v[:shown]) + (" ..." if v.size > shown else "")
