"""Why backprop is cheap, measured: the gradient of an MLP's loss by finite differences
against one backward pass, and the memory that backward needs.

Finite differences nudge one parameter at a time, so a gradient of P parameters takes
2P forward passes (central differences). Backpropagation (reverse mode) takes one
forward pass, which records the graph, and one backward pass, which walks every arrow
of that graph once: a small constant times one forward pass, whatever P is.

The counts here (forward passes, ops, arrows) are exact and the same on every machine;
the timings are not. The price of reverse mode is memory: every intermediate node is
kept until the backward pass has used it (`graph_memory`).

Introduced in lesson 04 (building an autodiff engine, "why backprop is cheap").
"""

import math
import time
import tracemalloc

import numpy as np

from .autodiff import topological_sort
from .losses import mse_loss
from .nn import ScalarMLP


class MLPProblem:
    """A ScalarMLP with `hidden` layers of tanh units and a fixed, seeded little dataset.

    `loss()` runs one forward pass (it builds a new graph of Values) and returns the
    mean squared error; `params` lists the model's parameters (the leaves to differentiate).
    """

    def __init__(self, hidden, n_in=2, n_samples=4, seed=0):
        hidden = list(hidden)
        if not hidden or any(not isinstance(h, int) or isinstance(h, bool) or h < 1
                             for h in hidden):
            raise ValueError(f"MLPProblem: hidden must be a list of layer widths >= 1, such as"
                             f" [4, 4]; got {hidden!r}")
        if not isinstance(n_samples, int) or n_samples < 1:
            raise ValueError(f"MLPProblem: n_samples must be an int >= 1, got {n_samples!r}")
        rng = np.random.default_rng(seed)
        self.X = rng.normal(size=(n_samples, n_in)).tolist()
        self.y = np.sin(np.sum(self.X, axis=1)).tolist()  # a smooth target
        self.model = ScalarMLP(n_in, hidden, 1, activation="tanh", seed=seed)
        self.params = self.model.parameters()
        self.hidden = hidden

    def loss(self):
        """One forward pass: mean((model(x) - y)**2) over the samples, as a Value."""
        return mse_loss([self.model(x) for x in self.X], self.y)

    def loss_floats(self):
        """The same loss with plain floats: no graph, each layer's numbers dropped after use."""
        total = 0.0
        for x, t in zip(self.X, self.y):
            for layer in self.model.layers:
                act = _FLOAT_ACTIVATIONS[layer.neurons[0].activation]
                x = [act(n.b.data + sum(w.data * xi for w, xi in zip(n.w, x)))
                     for n in layer.neurons]
            total += (x[0] - t) ** 2
        return total / len(self.X)


_FLOAT_ACTIVATIONS = {"tanh": math.tanh, "linear": lambda z: z}


def finite_difference_gradient(loss, params, eps=1e-6):
    """Central differences: (loss(p + eps) - loss(p - eps)) / 2 eps, one parameter at a time.

    `loss()` is a forward pass returning a Value (or a float). Returns (gradient as a
    list, number of forward passes) -- 2 per parameter. Each parameter is put back exactly.
    """
    if not (isinstance(eps, float) and eps > 0):
        raise ValueError(f"finite_difference_gradient: eps must be a small positive float such"
                         f" as 1e-6, got {eps!r}")
    grads, passes = [], 0
    for p in params:
        old = p.data
        p.data = old + eps
        plus = _number(loss())
        p.data = old - eps
        minus = _number(loss())
        p.data = old
        passes += 2
        grads.append((plus - minus) / (2 * eps))
    return grads, passes


def backprop_gradient(loss, params):
    """One forward pass and one backward pass. Returns (gradient as a list, the loss Value)."""
    for p in params:
        p.grad = 0.0
    out = loss()
    out.backward()
    return [p.grad for p in params], out


def graph_size(root):
    """(nodes, ops, arrows) of the graph behind `root`: every node, the nodes made by an op
    (one op evaluated each in the forward pass), and the parent links (one multiply-add
    each in the backward pass)."""
    order = topological_sort(root)
    ops = sum(1 for node in order if node.parents)
    arrows = sum(len(node.parents) for node in order)
    return len(order), ops, arrows


class GradientCost:
    """What one gradient of an MLPProblem's loss costs, both ways.

    Exact counts: n_params; fd_passes = 2 * n_params forward passes; fd_ops = ops
    evaluated by those passes; bp_ops = ops of one forward pass + arrows walked by
    backward. Timings (seconds, machine-dependent): fd_seconds, bp_seconds.
    max_difference: the largest |finite difference - backprop| over the parameters.
    """

    def __init__(self, hidden, n_params, ops_per_pass, arrows, fd_passes, fd_seconds,
                 bp_seconds, max_difference):
        self.hidden = hidden
        self.n_params = n_params
        self.ops_per_pass = ops_per_pass
        self.arrows = arrows
        self.fd_passes = fd_passes
        self.fd_ops = fd_passes * ops_per_pass
        self.bp_ops = ops_per_pass + arrows
        self.fd_seconds = fd_seconds
        self.bp_seconds = bp_seconds
        self.max_difference = max_difference

    @property
    def op_ratio(self):
        """How many times more ops finite differences evaluate than backprop."""
        return self.fd_ops / self.bp_ops

    def __repr__(self):
        return (f"GradientCost(hidden={self.hidden}, n_params={self.n_params},"
                f" fd_ops={self.fd_ops}, bp_ops={self.bp_ops})")


def measure_gradient_cost(hidden, n_samples=4, seed=0, repeat=3):
    """Compute the gradient of MLPProblem(hidden)'s loss by finite differences and by
    backprop, count the work of each and time it (the best of `repeat` runs; finite
    differences are run once more only while a run takes under 20 ms). Returns a
    GradientCost."""
    problem = MLPProblem(hidden, n_samples=n_samples, seed=seed)
    params = problem.params
    fd_seconds = math.inf
    for _ in range(max(1, repeat)):  # the best of a few runs, while a run is quick
        start = time.perf_counter()
        fd, passes = finite_difference_gradient(problem.loss, params)
        fd_seconds = min(fd_seconds, time.perf_counter() - start)
        if fd_seconds > 0.02:
            break
    bp_seconds = math.inf
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        bp, out = backprop_gradient(problem.loss, params)
        bp_seconds = min(bp_seconds, time.perf_counter() - start)
    _, ops, arrows = graph_size(out)
    difference = max(abs(a - b) for a, b in zip(fd, bp))
    return GradientCost(list(hidden), len(params), ops, arrows, passes, fd_seconds,
                        bp_seconds, difference)


class GraphMemory:
    """What the graph of one forward pass keeps alive until backward (see graph_memory)."""

    def __init__(self, nodes, graph_bytes, float_peak_bytes):
        self.nodes = nodes
        self.graph_bytes = graph_bytes
        self.float_peak_bytes = float_peak_bytes

    @property
    def bytes_per_node(self):
        return self.graph_bytes / self.nodes

    def __repr__(self):
        return (f"GraphMemory(nodes={self.nodes}, graph_bytes={self.graph_bytes},"
                f" float_peak_bytes={self.float_peak_bytes})")


def graph_memory(problem):
    """Measure with tracemalloc what reverse mode keeps: the bytes still allocated after a
    forward pass that built the graph (every node waits for backward), against the peak
    of the same forward pass computed with plain floats (each number dropped once used).

    Returns a GraphMemory(nodes, graph_bytes, float_peak_bytes). Byte counts depend a
    little on the Python version; the node count does not."""
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        tracemalloc.clear_traces()
        before = tracemalloc.get_traced_memory()[0]
        out = problem.loss()
        graph_bytes = tracemalloc.get_traced_memory()[0] - before
        nodes = len(topological_sort(out))
        del out
        tracemalloc.clear_traces()
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        problem.loss_floats()
        float_peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return GraphMemory(nodes, graph_bytes, float_peak)


def _number(out):
    return out.data if hasattr(out, "data") else float(out)
