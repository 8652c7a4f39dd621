"""Reference solutions for lesson 04 (building an autodiff engine).

The names are those of notebooks/04-building-an-autodiff-engine.ipynb. `TinyValue` is
the class the lesson builds step by step, gathered here so that the solutions (and the
tests of the checkers) can run without the notebook.
"""

import math


class TinyValue:
    """A number that remembers which numbers it was computed from, and how."""

    def __init__(self, data, parents=(), local_grads=(), op=""):
        self.data = float(data)
        self.grad = 0.0  # d(root)/d(self), filled in by backward
        self.parents = parents  # the nodes this one was computed from
        self.local_grads = local_grads  # d(self)/d(parent), one per parent
        self.op = op

    def __add__(self, other):
        other = other if isinstance(other, TinyValue) else TinyValue(other)
        # f = a + b:  df/da = 1,  df/db = 1
        return TinyValue(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __mul__(self, other):
        other = other if isinstance(other, TinyValue) else TinyValue(other)
        # f = a * b:  df/da = b,  df/db = a
        return TinyValue(self.data * other.data, (self, other), (other.data, self.data), "*")

    __radd__ = __add__
    __rmul__ = __mul__

    def tanh(self):
        t = math.tanh(self.data)
        # f = tanh(x):  df/dx = 1 - tanh(x)**2
        return TinyValue(t, (self,), (1 - t * t,), "tanh")

    def exp(self):
        e = math.exp(self.data)
        # f = e**x:  df/dx = e**x
        return TinyValue(e, (self,), (e,), "exp")

    # Step 5: negation and subtraction, composed from + and *: no local derivative of their own
    def __neg__(self):  # -a = a * (-1)
        return self * -1.0

    def __sub__(self, other):  # a - b = a + (-b)
        other = other if isinstance(other, TinyValue) else TinyValue(other)
        return self + (-other)

    def __rsub__(self, other):  # 1 - a: Python asks a.__rsub__(1)
        return TinyValue(other) - self

    def backward(self):
        """Fill in .grad of every node that self depends on: d(self)/d(node)."""
        order = tiny_topological_sort(self)
        self.grad = 1.0  # d(self)/d(self)
        for node in reversed(order):  # every child before its parents
            for parent, local in zip(node.parents, node.local_grads):
                parent.grad += local * node.grad  # the chain rule; += for forks

    def __repr__(self):
        return f"TinyValue(data={self.data:.4f}, grad={self.grad:.4f})"


def tiny_topological_sort(root, names=None):
    """Every node that root depends on, parents before children, root last.

    With names = {node: "a", ...}, print the stack and the order after every step."""
    order, seen = [], set()
    stack = [(root, False)]  # (node, are its parents placed already?)
    while stack:
        node, parents_placed = stack.pop()
        popped = node
        if parents_placed:
            order.append(node)
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))  # come back to it once its parents are placed
            for parent in reversed(node.parents):  # reversed: the first parent is popped first
                stack.append((parent, False))
        else:
            popped = None  # seen before: nothing to do
        if names is not None:
            print(trace_line(node, parents_placed, popped is None, stack, order, names))
    return order


def trace_line(node, placed, skipped, stack, order, names):
    """One step of the trace: what was popped, the order so far, the stack (top at the right)."""
    what = f"{'place' if placed else 'visit'} {names[node]}" + (" (seen)" if skipped else "")
    entries = " ".join(f"{'place' if p else 'visit'}:{names[n]}" for n, p in stack)
    return (f"popped {what:<16} order [{' '.join(names[n] for n in order)}]".ljust(44)
            + f"stack [{entries}]")


# ---- Exercise 4.1: the local derivative of a**k (k a constant) ----
def pow_local_grad(a, k):
    """d(a**k)/da: the power rule."""
    return k * a ** (k - 1)


# ---- Exercise 4.2: a ** operator for TinyValue ----
def tiny_pow(self, k):
    """self ** k for a plain number k: one parent, local derivative k * a**(k-1)."""
    return TinyValue(self.data**k, (self,), (pow_local_grad(self.data, k),), f"**{k}")


TinyValue.__pow__ = tiny_pow

# ---- Exercise 4.3: a / operator for TinyValue ----
def tiny_truediv(self, other):
    """self / other: local derivatives 1/b and -a/b**2 (a primitive, like __mul__)."""
    other = other if isinstance(other, TinyValue) else TinyValue(other)
    a, b = self.data, other.data
    # f = a / b:  df/da = 1/b,  df/db = -a/b**2
    return TinyValue(a / b, (self, other), (1 / b, -a / b**2), "/")


TinyValue.__truediv__ = tiny_truediv
TinyValue.__rtruediv__ = lambda self, other: TinyValue(other) / self  # 2 / a asks a.__rtruediv__(2)


# ---- Exercise 4.4: tanh built from exp ----
def tanh_from_exp(x):
    """tanh(x) = (e**(2x) - 1) / (e**(2x) + 1), made of exp, -, + and /."""
    e2 = (2 * x).exp()
    return (e2 - 1) / (e2 + 1)


# ---- Exercise 4.5: gradcheck fails for softplus at any x except 0 ----
broken_op = "softplus"
