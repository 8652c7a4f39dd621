"""`Value`: a scalar that remembers how it was computed, so it can backpropagate.

Every operation computes its result *and* the local derivative of the result with
respect to each input (the factors of the chain rule), and stores both in the new
node. Backpropagation is then one loop over the graph in reverse topological order:

    parent.grad += local * node.grad

Introduced in lesson 02 (computational graphs) and built step by step in lesson 04.
"""

import math
import numbers

from .autodiff import topological_sort
from .checks import check_label, check_no_nan, exponent_text


class Value:
    """A scalar node of a computation graph.

    Attributes:
        data: the number (float).
        grad: d(root)/d(this node) after `root.backward()`; 0.0 at creation.
        label: a name for drawings and printouts ("" if none).
        op: the operation that produced this node ("" for a leaf you created).
        parents: the nodes this one was computed from (ordered tuple).
        local_grads: d(this node)/d(parent) for each parent, in the same order.

    Comparisons (`==`, `<`, ...) compare the numbers and give a bool, as PyTorch does
    for a one-number tensor: `Value(2.0) == Value(2.0)` is True. To ask whether two
    names refer to the same node, use `is`. `bool(v)` and `float(v)` are errors: use
    `v.data`.
    """

    __slots__ = ("data", "grad", "label", "op", "parents", "local_grads")
    __hash__ = object.__hash__  # nodes are told apart by identity (in sets, as dict keys)

    def __init__(self, data, label=""):
        if isinstance(data, Value):
            raise TypeError(
                f"Value(...) got a Value ({data!r}); use it directly instead of wrapping it"
            )
        if isinstance(data, bool) or not isinstance(data, numbers.Real):
            raise TypeError(f"Value(...) needs a real number, got {data!r} ({type(data).__name__})")
        self.data = float(data)
        self.grad = 0.0
        self.label = check_label("Value", label)
        self.op = ""
        self.parents = ()
        self.local_grads = ()

    @staticmethod
    def _result(data, op, parents, local_grads):
        """Make the output node of an op (skips the checks done for user input)."""
        out = Value.__new__(Value)
        out.data = data
        out.grad = 0.0
        out.label = ""
        out.op = op
        out.parents = parents
        out.local_grads = local_grads
        return out

    # ---- comparisons of the numbers (no gradient), and the conversions that are errors ----

    def __eq__(self, other):
        if isinstance(other, Value):
            _two_values_compared("==", self, other)
        other = _number(other)
        return NotImplemented if other is NotImplemented else self.data == other

    def __ne__(self, other):
        if isinstance(other, Value):
            _two_values_compared("!=", self, other)
        other = _number(other)
        return NotImplemented if other is NotImplemented else self.data != other

    def __lt__(self, other):
        other = _number(other)
        return NotImplemented if other is NotImplemented else self.data < other

    def __le__(self, other):
        other = _number(other)
        return NotImplemented if other is NotImplemented else self.data <= other

    def __gt__(self, other):
        other = _number(other)
        return NotImplemented if other is NotImplemented else self.data > other

    def __ge__(self, other):
        other = _number(other)
        return NotImplemented if other is NotImplemented else self.data >= other

    def __bool__(self):
        raise TypeError(
            f"bool(Value) is ambiguous ({self!r}): compare the number instead,"
            " e.g. `if v.data > 0:` or `if v.data != 0:`"
        )

    def __float__(self):
        raise TypeError(
            f"float(Value): use v.data for the number ({self!r}); math.exp(v) and friends"
            " would cut the graph, so use v.exp(), v.tanh(), ..."
        )

    # ---- primitives: forward value and local derivatives, side by side ----

    def __add__(self, other):
        other = _as_value(other)
        if other is NotImplemented:
            return other
        # f = a + b:  df/da = 1,  df/db = 1
        return Value._result(self.data + other.data, "+", (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = _as_value(other)
        if other is NotImplemented:
            return other
        # f = a * b:  df/da = b,  df/db = a
        return Value._result(self.data * other.data, "*", (self, other), (other.data, self.data))

    def __pow__(self, other):
        if isinstance(other, Value):
            return self._pow_value(other)
        if isinstance(other, bool) or not isinstance(other, numbers.Real):
            return NotImplemented
        k = float(other)
        a = self.data
        _check_pow(a, k)
        # f = a**k:  df/da = k * a**(k-1)
        local = k * _pow(a, k - 1) if a != 0.0 or k >= 1.0 else (0.0 if k == 0.0 else math.inf)
        return Value._result(_pow(a, k), f"**{exponent_text(k)}", (self,), (local,))

    def _pow_value(self, other):
        a, b = self.data, other.data
        _check_pow(a, b)
        out = _pow(a, b)
        # f = a**b:  df/da = b * a**(b-1),  df/db = a**b * log(a)
        d_base = b * _pow(a, b - 1) if a != 0.0 or b >= 1.0 else (0.0 if b == 0.0 else math.inf)
        if a > 0:
            d_exp = out * math.log(a)
        elif a == 0:
            d_exp = 0.0  # the limit from the right, as PyTorch does
        else:
            d_exp = math.nan  # log(a) is undefined for a < 0 (PyTorch gives nan too)
        return Value._result(out, "**", (self, other), (d_base, d_exp))

    def exp(self):
        try:
            out = math.exp(self.data)
        except OverflowError:
            out = math.inf
        # f = e**x:  df/dx = e**x
        return Value._result(out, "exp", (self,), (out,))

    def log(self):
        x = self.data
        check_no_nan("log", x)
        if x <= 0:
            raise ValueError(
                f"log: input must be positive, got {x!r}; log is only defined for x > 0"
                " (for a probability, add a small epsilon or use a log-softmax)"
            )
        # f = log(x):  df/dx = 1/x
        return Value._result(math.log(x), "log", (self,), (1.0 / x,))

    def tanh(self):
        t = math.tanh(self.data)
        # f = tanh(x):  df/dx = 1 - tanh(x)**2
        return Value._result(t, "tanh", (self,), (1.0 - t * t,))

    def sigmoid(self):
        x = self.data
        if x >= 0:  # two forms of 1 / (1 + e**-x), each free of overflow on its side
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            s = e / (1.0 + e)
        # f = sigmoid(x):  df/dx = sigmoid(x) * (1 - sigmoid(x))
        return Value._result(s, "sigmoid", (self,), (s * (1.0 - s),))

    def relu(self):
        x = self.data
        # f = max(0, x):  df/dx = 1 if x > 0 else 0   (a NaN stays NaN, as in torch)
        out = x if x > 0 or x != x else 0.0
        return Value._result(out, "relu", (self,), (1.0 if x > 0 else 0.0,))

    # ---- composed ops: built from the primitives, so they need no derivative ----

    def __neg__(self):  # -a = a * -1
        return self * -1.0

    def __sub__(self, other):  # a - b = a + (-b)
        return self + (-other)

    def __truediv__(self, other):  # a / b = a * b**-1
        if isinstance(other, Value):
            return self * other**-1.0
        if isinstance(other, bool) or not isinstance(other, numbers.Real):
            return NotImplemented
        return self * Value(other) ** -1.0

    # The reflected ops convert `other` first: for a type they do not know (a Tensor),
    # `self + other` would ask that type's own reflected op again, back and forth forever.

    def __radd__(self, other):  # other + self
        other = _as_value(other)
        if other is NotImplemented:
            return other
        return self + other

    def __rmul__(self, other):  # other * self
        other = _as_value(other)
        if other is NotImplemented:
            return other
        return self * other

    def __rsub__(self, other):  # other - self
        other = _as_value(other)
        if other is NotImplemented:
            return other
        return (-self) + other

    def __rtruediv__(self, other):  # other / self
        other = _as_value(other)
        if other is NotImplemented:
            return other
        return self**-1.0 * other

    def __rpow__(self, other):  # other ** self, e.g. 2 ** x
        base = _as_value(other)
        if base is NotImplemented:
            return base
        return base._pow_value(self)

    # ---- backpropagation ----

    def backward(self):
        """Fill in `grad` of every node this value depends on: d(self)/d(node).

        The root's gradient is set to 1. Nodes computed by an op hold the gradient of
        this call; leaves (the Values you created) *accumulate*: calling `backward()`
        twice, or on two losses that share a leaf, adds up, exactly as in PyTorch.
        Set leaf grads to 0 (`zero_grad()` on a model) before each new backward pass;
        a grad of None counts as 0, as in PyTorch.
        """
        order = topological_sort(self)
        for node in order:
            if node.parents:  # gradients of op outputs are recomputed from scratch
                node.grad = 0.0
            elif node.grad is None:  # "no gradient yet", as after zero_grad(set_to_none=True)
                node.grad = 0.0
            elif isinstance(node.grad, bool) or not isinstance(node.grad, numbers.Real):
                name = repr(node.label) if node.label else f"with data {node.data!r}"
                raise TypeError(
                    f"backward: the leaf Value {name} has grad {node.grad!r}; a Value's grad"
                    " must be a number (or None); set v.grad = 0.0 (or call zero_grad())"
                )
        self.grad += 1.0  # d(self)/d(self)
        for node in reversed(order):
            g = node.grad
            for parent, local in zip(node.parents, node.local_grads):
                parent.grad += local * g  # the chain rule

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.4f}, grad={self.grad:.4f}{label})"


def _as_value(x):
    """A Value for `x` (a Value or a real number); NotImplemented for anything else."""
    if isinstance(x, Value):
        return x
    if type(x) is float or type(x) is int:  # the common case, checked fast
        return Value._result(float(x), "", (), ())
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        return NotImplemented
    return Value(x)


def _number(x):
    """The number to compare a Value with: another Value's data or a real number."""
    if isinstance(x, Value):
        return x.data
    if isinstance(x, numbers.Real):
        return x
    return NotImplemented


def _check_pow(a, k):
    if a < 0 and not float(k).is_integer():
        raise ValueError(
            f"pow: a negative base ({a!r}) to a non-integer power ({k!r}) is not a real number;"
            " make the base positive (e.g. with exp or relu) or use an integer exponent"
        )
    if a == 0 and k < 0:
        raise ZeroDivisionError(
            f"pow: 0.0 ** {k!r} is undefined (division by zero); check the value you divide by"
        )


def _pow(a, k):
    """a ** k for floats, with inf instead of Python's OverflowError."""
    try:
        return a**k
    except OverflowError:
        return math.inf if a > 0 or float(k).is_integer() and k % 2 == 0 else -math.inf


def _two_values_compared(op, a, b):
    """`a == b` for two Values is ambiguous: the same number, or the same node of the graph?"""
    raise TypeError(
        f"{a!r} {op} {b!r}: comparing two Values is ambiguous. Compare their numbers with"
        f" a.data {op} b.data, or ask whether they are the same node with `a is b`"
    )
