"""Why backprop is cheap, measured: the gradient of an MLP's loss by finite differences
against one backward pass, and the memory that backward needs.

Finite differences nudge one parameter at a time, so a gradient of P parameters takes
2P forward passes (central differences). Backpropagation (reverse mode) takes one
forward pass, which records the graph, and one backward pass, which walks every arrow
of that graph once: a small constant times one forward pass, whatever P is.

The counts here (forward passes, ops, arrows) are exact and the same on every machine;
the timings are not (`measure_gradient_cost` takes the CPU time of the best of a few runs,
with the garbage collector paused, as `timeit` does, to keep the noise down). The price of
reverse mode is memory: every intermediate node is kept until the backward pass has used it
(`graph_memory`).

Introduced in lesson 04 (building an autodiff engine, "why backprop is cheap").
"""

import gc
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
    backward; values_per_pass = Value objects one forward pass creates (every node but
    the parameters), so fd_values = fd_passes * values_per_pass, while backprop creates
    values_per_pass (its backward pass creates none: it only adds floats into .grad).
    Timings (seconds, machine-dependent): fd_seconds, bp_seconds, forward_seconds (one
    forward pass that builds the graph). max_difference: the largest
    |finite difference - backprop| over the parameters.
    """

    def __init__(self, hidden, n_params, ops_per_pass, arrows, fd_passes, fd_seconds,
                 bp_seconds, max_difference, forward_seconds=None, values_per_pass=None):
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
        self.forward_seconds = forward_seconds
        self.values_per_pass = values_per_pass

    @property
    def op_ratio(self):
        """How many times more ops finite differences evaluate than backprop."""
        return self.fd_ops / self.bp_ops

    @property
    def time_ratio(self):
        """How many times longer finite differences took than backprop (machine-dependent)."""
        return self.fd_seconds / self.bp_seconds

    @property
    def fd_values(self):
        """Value objects created by the finite-difference passes (None if not counted)."""
        return None if self.values_per_pass is None else self.fd_passes * self.values_per_pass

    @property
    def bp_values(self):
        """Value objects created by backprop: one forward pass's; backward creates none."""
        return self.values_per_pass

    def __repr__(self):
        return (f"GradientCost(hidden={self.hidden}, n_params={self.n_params},"
                f" fd_ops={self.fd_ops}, bp_ops={self.bp_ops})")


def best_seconds(fn, repeat=5, min_run=0.02):
    """The CPU seconds one call of fn() takes, measured as `timeit` does (see
    `best_seconds_each`, which times several functions side by side)."""
    return best_seconds_each([fn], repeat, min_run)[0]


def best_seconds_each(fns, repeat=5, min_run=0.02):
    """The CPU seconds one call of each fn in `fns` takes (`time.process_time`: other
    programs running at the same time count less than with a wall clock), as `timeit`
    measures it: calls are grouped in runs of `number` calls (doubled until a run lasts
    `min_run` seconds), the garbage collector is paused while timing, and the fastest of
    `repeat` runs counts (the slower ones were disturbed by other programs, not made
    slower by fn). The runs of the functions take turns, so a busy moment of the
    computer slows them all alike instead of only one."""
    if isinstance(repeat, bool) or not (isinstance(repeat, int) and repeat >= 1):
        raise ValueError(f"best_seconds: repeat must be an int >= 1 such as 3, got {repeat!r}")
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        numbers, best = [], []
        for fn in fns:
            number, elapsed = 1, _run(fn, 1)
            while elapsed < min_run:  # group quick calls: the clock's resolution is no issue
                number *= 2
                elapsed = _run(fn, number)
            numbers.append(number)
            best.append(elapsed / number)
        for _ in range(repeat - 1):
            for i, (fn, number) in enumerate(zip(fns, numbers)):
                best[i] = min(best[i], _run(fn, number) / number)
    finally:
        if gc_was_enabled:
            gc.enable()
    return best


def _run(fn, number):
    start = time.process_time()  # CPU time of this process: other programs count less
    for _ in range(number):
        fn()
    return time.process_time() - start


def measure_gradient_cost(hidden, n_samples=4, seed=0, repeat=5):
    """Compute the gradient of MLPProblem(hidden)'s loss by finite differences and by
    backprop, count the work of each (ops, arrows, Value objects created) and time it,
    and one forward pass as well (`best_seconds_each`: the best of `repeat` runs taking
    turns, garbage collector paused). Returns a GradientCost."""
    problem = MLPProblem(hidden, n_samples=n_samples, seed=seed)
    params = problem.params
    fd, passes = finite_difference_gradient(problem.loss, params)
    bp, out = backprop_gradient(problem.loss, params)
    nodes, ops, arrows = graph_size(out)
    difference = max(abs(a - b) for a, b in zip(fd, bp))
    fd_seconds, bp_seconds, forward_seconds = best_seconds_each(
        [lambda: finite_difference_gradient(problem.loss, params),
         lambda: backprop_gradient(problem.loss, params), problem.loss], repeat)
    return GradientCost(list(hidden), len(params), ops, arrows, passes, fd_seconds,
                        bp_seconds, difference, forward_seconds=forward_seconds,
                        values_per_pass=nodes - len(params))


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

    A full garbage collection runs before each measurement: it also empties Python's free
    lists of floats and tuples, which would otherwise hand out memory allocated earlier
    (untraced) and make the bytes depend on what ran before.

    Returns a GraphMemory(nodes, graph_bytes, float_peak_bytes). Byte counts depend a
    little on the Python version; the node count does not."""
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        gc.collect()
        tracemalloc.clear_traces()
        before = tracemalloc.get_traced_memory()[0]
        out = problem.loss()
        graph_bytes = tracemalloc.get_traced_memory()[0] - before
        nodes = len(topological_sort(out))
        del out
        gc.collect()
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
