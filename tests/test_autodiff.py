"""Tests for the graph machinery shared by both engines (lesson 04): the topological
sort on random DAGs, deep graphs, and one network computed by `Value` and by `Tensor`
that must agree to the last digits."""

import gc

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import SETTINGS, assert_grads_match, reals

from backproplab import Tensor, Value, topological_sort
from backproplab.autodiff import check_topological_order


class Node:
    """The whole protocol the sort needs: ordered `parents` (and `op` for messages)."""

    __slots__ = ("name", "parents", "op")

    def __init__(self, name, parents=()):
        self.name = name
        self.parents = tuple(parents)
        self.op = "f" if parents else ""


@st.composite
def random_dags(draw):
    """Nodes 0..n-1; node i may use any earlier nodes as parents, repeats allowed."""
    n = draw(st.integers(1, 30))
    nodes = []
    for i in range(n):
        picks = draw(st.lists(st.integers(0, i - 1), max_size=4)) if i else []
        nodes.append(Node(i, [nodes[j] for j in picks]))
    return nodes


def ancestors(root):
    """Every node `root` depends on (itself included), found without any ordering."""
    seen, todo = {root}, [root]
    while todo:
        for parent in todo.pop().parents:
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


@SETTINGS
@given(nodes=random_dags(), data=st.data())
def test_topological_sort_of_random_dags(nodes, data):
    root = data.draw(st.sampled_from(nodes))
    order = topological_sort(root)
    assert order[-1] is root
    assert len({id(node) for node in order}) == len(order)  # each node once
    assert set(order) == ancestors(root)  # exactly what root depends on
    check_topological_order(order)
    for i, node in enumerate(order):  # parents before children, said directly
        assert all(order.index(parent) < i for parent in node.parents)


@SETTINGS
@given(nodes=random_dags())
def test_topological_sort_is_deterministic(nodes):
    # the same graph built again (new objects) is sorted in the same order
    again = []
    for node in nodes:
        again.append(Node(node.name, [again[p.name] for p in node.parents]))
    assert [n.name for n in topological_sort(nodes[-1])] == [
        n.name for n in topological_sort(again[-1])
    ]


def test_topological_sort_follows_the_parent_order():
    a, b = Node("a"), Node("b")
    c = Node("c", [b, a])
    d = Node("d", [a, c])
    assert [n.name for n in topological_sort(d)] == ["a", "b", "c", "d"]
    assert [n.name for n in topological_sort(c)] == ["b", "a", "c"]


def test_check_topological_order_catches_a_bad_order():
    x, y = Value(1.0), Value(2.0)
    z = x * y
    loss = z + 1
    order = topological_sort(loss)
    check_topological_order(order)
    with pytest.raises(AssertionError, match=r"node 0 \(\+\) comes before one of its parents"):
        check_topological_order(order[::-1])
    with pytest.raises(AssertionError, match=r"node 0 \(\*\) comes before one of its parents"):
        check_topological_order([z, loss])  # x and y are missing
    with pytest.raises(AssertionError, match=r"node 1 \(f\) comes before"):
        leaf = Node("leaf")
        check_topological_order([Node("first"), Node("f", [leaf]), leaf])


def test_a_deep_tensor_chain():
    gc.disable()  # the graph has no cycles; see test_value.test_a_million_node_chain
    try:
        x = Tensor([0.5, -0.5])
        y = x
        for _ in range(100_000):
            y = y + 0.0
        y.sum().backward()
        np.testing.assert_array_equal(x.grad, [1.0, 1.0])
        del y
    finally:
        gc.enable()


# ------------------------------------------------ backprop through random Value graphs


@st.composite
def value_recipes(draw):
    """Leaves in [-1, 1] and steps (op, i, j) that combine earlier nodes i and j."""
    leaves = draw(st.lists(reals(-1.0, 1.0), min_size=1, max_size=4))
    ops = st.sampled_from(["mean", "*", "tanh", "sigmoid"])
    index = st.integers(0, 10**6)
    steps = draw(st.lists(st.tuples(ops, index, index), min_size=1, max_size=25))
    return leaves, steps


def run_recipe(steps, *leaves):
    """Build the graph; every node stays in [-1, 1], so nothing overflows."""
    nodes = list(leaves)
    for op, i, j in steps:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        if op == "mean":
            nodes.append((a + b) * 0.5)
        elif op == "*":
            nodes.append(a * b)
        else:
            nodes.append(getattr(a, op)())
    return nodes[-1]


@SETTINGS
@given(recipe=value_recipes())
def test_backprop_through_random_value_graphs(recipe):
    leaves, steps = recipe
    inputs = [Value(x) for x in leaves]
    check_topological_order(topological_sort(run_recipe(steps, *inputs)))
    assert_grads_match(lambda *xs: run_recipe(steps, *xs), *inputs)


# ------------------------------------- one network, two engines: the same numbers


def mlp_with_values(X, Y, params):
    """3-4-4-1 tanh network, mean squared error, one scalar at a time."""
    W1, b1, W2, b2, W3, b3 = params
    total = Value(0.0)
    for x, y in zip(X, Y, strict=True):
        h = list(x)
        for W, b in ((W1, b1), (W2, b2)):
            h = [sum((h[i] * W[i][j] for i in range(len(h))), b[j]).tanh() for j in range(len(b))]
        pred = sum((h[i] * W3[i][0] for i in range(len(h))), b3[0])
        total = total + (pred - y) ** 2
    return total / len(X)


def mlp_with_tensors(X, Y, params):
    """The same network, one batch of matrices at a time."""
    W1, b1, W2, b2, W3, b3 = params
    h = (Tensor(X, requires_grad=False) @ W1 + b1).tanh()  # (5, 4)
    h = (h @ W2 + b2).tanh()  # (5, 4)
    pred = h @ W3 + b3  # (5, 1)
    return ((pred - Tensor(Y[:, None], requires_grad=False)) ** 2).mean()


def test_value_and_tensor_networks_agree():
    rng = np.random.default_rng(0)
    shapes = [(3, 4), (4,), (4, 4), (4,), (4, 1), (1,)]
    arrays = [rng.normal(size=shape) for shape in shapes]
    X, Y = rng.normal(size=(5, 3)), rng.normal(size=5)

    def as_values(a):
        return [as_values(row) for row in a] if a.ndim > 1 else [Value(v) for v in a]

    value_params = [as_values(a) for a in arrays]
    tensor_params = [Tensor(a) for a in arrays]
    value_loss = mlp_with_values(X.tolist(), Y.tolist(), value_params)
    tensor_loss = mlp_with_tensors(X, Y, tensor_params)
    value_loss.backward()
    tensor_loss.backward()

    assert value_loss.data == pytest.approx(tensor_loss.item(), rel=1e-12)
    assert value_loss.data > 0.1  # a real loss, not a degenerate 0 == 0
    for v, t in zip(value_params, tensor_params, strict=True):
        grads = np.array(
            [[x.grad for x in row] for row in v] if t.ndim > 1 else [x.grad for x in v]
        )
        assert np.abs(grads).max() > 1e-3
        np.testing.assert_allclose(grads, t.grad, rtol=1e-12, atol=1e-12)
