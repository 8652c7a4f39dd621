"""The one piece of graph machinery shared by `Value`, `Tensor` and the graph drawer.

A computation graph is made of nodes that know their `parents` (an ordered tuple of
the nodes they were computed from). Backpropagation visits the nodes so that a node's
gradient is complete before it is passed on to its parents: the reverse of a
*topological order*, in which every node comes after all of its parents.

Introduced in lesson 04 (building an autodiff engine).
"""


def topological_sort(root):
    """Return every node that `root` depends on, parents before children, `root` last.

    Iterative depth-first search (no recursion, so a chain of a million nodes works).
    The order is deterministic: it depends only on the order of each node's `parents`.
    """
    if not hasattr(root, "parents"):
        raise TypeError(
            f"topological_sort: expected a Value or Tensor (a node with .parents), got"
            f" {type(root).__name__}"
        )
    order = []
    visited = {root}  # nodes hash by identity
    # Each stack entry is (node, iterator over its parents still to visit).
    stack = [(root, iter(root.parents))]
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if parent not in visited:
                visited.add(parent)
                stack.append((parent, iter(parent.parents)))
                break
        else:  # all parents done: the node itself can be placed
            stack.pop()
            order.append(node)
    return order


def check_topological_order(order):
    """Raise AssertionError unless every node in `order` comes after all its parents."""
    position = {id(node): i for i, node in enumerate(order)}
    for i, node in enumerate(order):
        for parent in node.parents:
            if position.get(id(parent), len(order)) >= i:
                raise AssertionError(
                    f"node {i} ({node.op or 'leaf'}) comes before one of its parents"
                )
