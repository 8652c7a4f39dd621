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

    def backward(self):
        """Fill in .grad of every node that self depends on: d(self)/d(node)."""
        order = tiny_topological_sort(self)
        self.grad = 1.0  # d(self)/d(self)
        for node in reversed(order):  # every child before its parents
            for parent, local in zip(node.parents, node.local_grads):
                parent.grad += local * node.grad  # the chain rule; += for forks

    def __repr__(self):
        return f"TinyValue(data={self.data:.4f}, grad={self.grad:.4f})"


def tiny_topological_sort(root):
    """Every node that root depends on, parents before children, root last."""
    order, seen = [], set()
    stack = [(root, False)]  # (node, are its parents placed already?)
    while stack:
        node, parents_placed = stack.pop()
        if parents_placed:
            order.append(node)
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))  # come back to it once its parents are placed
            for parent in reversed(node.parents):
                stack.append((parent, False))
    return order


# ---- Exercise 4.1: the local derivative of a**k (k a constant) ----
def pow_local_grad(a, k):
    """d(a**k)/da: the power rule."""
    return k * a ** (k - 1)


# ---- Exercise 4.2: a ** operator for TinyValue ----
def tiny_pow(self, k):
    """self ** k for a plain number k: one parent, local derivative k * a**(k-1)."""
    return TinyValue(self.data**k, (self,), (pow_local_grad(self.data, k),), f"**{k}")


TinyValue.__pow__ = tiny_pow

# ---- Exercise 4.3: gradcheck fails for softplus at any x except 0 ----
broken_op = "softplus"
