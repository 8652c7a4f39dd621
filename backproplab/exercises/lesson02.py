"""Checkers for lesson 02 (computational graphs).

    from backproplab.exercises import lesson02 as ex
    ex.check_forward(out_value)                                  # Exercise 2.1
    ex.check_local_gradients(d_mul_da, d_mul_db, d_tanh, d_pow)  # Exercise 2.2
    ex.check_graph_counts(n_nodes, n_leaves)                     # Exercise 2.3
"""

import math

from .feedback import Feedback, as_number, correct, diagnose, is_unattempted, never_raises, wrong

# ---- Exercise 2.1: the forward pass of out = z * exp(x + y) ----

X, Y, Z = 0.5, -1.5, 3.0


@never_raises
def check_forward(out_value):
    """Exercise 2.1: the value of the root of out = z * exp(x + y) at x, y, z = X, Y, Z."""
    value, feedback = as_number(out_value, "out_value")
    if feedback is not None:
        return feedback
    s = X + Y
    e = math.exp(s)
    hints = [
        (e, f"{e:.4f} is the exp node. One node is left: the root multiplies it by z."),
        (s, f"{s:g} is the + node. Two nodes are left: exp, then the product with z."),
        (s * Z, "You skipped the exp node: the + node's result goes through exp before it"
                " is multiplied by z."),
        (math.exp(X + Y * Z), "Follow the arrows: the + node adds x and y only; z joins at the"
                              " last node, the product."),
        (Z * math.exp(X) + Y, "Follow the arrows: x and y are added first, then exp is taken"
                              " of their sum."),
        (Z + e, "The last op is *, not +: the root is z times the exp node."),
        (-Z * e, "The sign is off: exp(...) is always positive and z = 3, so out > 0."),
    ]
    # a forward pass done by hand with 4 significant digits is right too
    result = diagnose(value, Z * e, rtol=1e-3, what="out_value", hints=hints)
    if result.ok:
        return correct(f"Right: x + y = {s:g}, exp({s:g}) = {e:.4f}, times z = {Z * e:.4f}."
                       " Each node needs only the values of the nodes that point to it.")
    return result


# ---- Exercise 2.2: local derivatives of *, tanh and ** at given inputs ----

A, B = 3.0, -2.0  # q = a * b
U = 0.5  # t = tanh(u)
V = 2.0  # p = v ** 3

LOCAL_NAMES = ("d_mul_da", "d_mul_db", "d_tanh", "d_pow")


def _local_hints():
    t = math.tanh(U)
    return {
        "d_mul_da": (B, [
            (A, "d(a*b)/da is the *other* input, b: nudge a by 1 and a*b moves by b."),
            (A * B, "That is the value of a*b. Its derivative with respect to a is b."),
            (1.0, "1 is the local derivative of +. For a*b, d/da gives the other input, b."),
            (-B, "Keep the sign: d(a*b)/da is b, and b = -2."),
        ]),
        "d_mul_db": (A, [
            (B, "d(a*b)/db is the *other* input, a: nudge b by 1 and a*b moves by a."),
            (A * B, "That is the value of a*b. Its derivative with respect to b is a."),
            (1.0, "1 is the local derivative of +. For a*b, d/db gives the other input, a."),
            (-A, "Keep the sign: d(a*b)/db is a, and a = 3."),
        ]),
        "d_tanh": (1 - t * t, [
            (t, f"{t:.4f} is tanh(0.5), the output. The local derivative is 1 - tanh(u)**2."),
            (1 - U * U, "Square tanh(u), not u: the local derivative is 1 - tanh(u)**2."),
            (1 - t, "Square the tanh: the local derivative is 1 - tanh(u)**2."),
            (1 + t * t, "Minus, not plus: the local derivative is 1 - tanh(u)**2."),
        ]),
        "d_pow": (3 * V**2, [
            (V**3, "8 is 2**3, the output. The local derivative of v**3 is 3*v**2."),
            (3 * V**3, "The power rule lowers the exponent by one: 3*v**2, not 3*v**3."),
            (V**2, "Did you forget the 3 that the power rule brings down? 3*v**2."),
            (3 * V, "The local derivative is 3*v**2 (v squared): 3 * 4 = 12."),
        ]),
    }


@never_raises
def check_local_gradients(d_mul_da, d_mul_db, d_tanh, d_pow):
    """Exercise 2.2: d(a*b)/da, d(a*b)/db at a=3, b=-2; d tanh(u)/du at u=0.5; d v**3/dv at v=2.

    Reports the first wrong part with its hint; parts still `...` are named.
    """
    answers = dict(zip(LOCAL_NAMES, (d_mul_da, d_mul_db, d_tanh, d_pow)))
    expected = _local_hints()
    todo = [name for name, answer in answers.items() if is_unattempted(answer)]
    if len(todo) == len(answers):
        return Feedback(None, "Not attempted yet: replace the ... after d_mul_da, d_mul_db,"
                              " d_tanh and d_pow with your answers.")
    values = {}
    for name, answer in answers.items():
        if name not in todo:
            values[name], feedback = as_number(answer, name)
            if feedback is not None:
                return feedback
    if values.get("d_mul_da") == A and values.get("d_mul_db") == B:
        return wrong("d_mul_da and d_mul_db are swapped: d(a*b)/da is b and d(a*b)/db is a."
                     " Each input's local derivative is the *other* input.")
    right = 0
    for name, value in values.items():
        target, hints = expected[name]
        result = diagnose(value, target, rtol=1e-3, what=name, hints=hints)
        if not result.ok:
            return wrong(f"{name}: {result.message}")
        right += 1
    if todo:
        return Feedback(None, f"{right} of {len(answers)} right so far. Still to do: replace"
                              f" the ... after {', '.join(todo)}.")
    return correct("Right: a*b gives (b, a) = (-2, 3); tanh gives 1 - tanh(0.5)**2 = 0.7864;"
                   " v**3 gives 3*v**2 = 12. Each local derivative needs only the op's own"
                   " inputs (or its output).")


# ---- Exercise 2.3: count the nodes of y = tanh(x1*w1 + x2*w2 + b) ----

N_NODES, N_LEAVES = 10, 5

LEAF_HINTS = {
    2: "The leaves are every Value you create yourself: the inputs x1, x2, but also the"
       " weights w1, w2 and the bias b.",
    3: "The leaves are every Value you create yourself: x1, x2, w1, w2 and b.",
    4: "Count again: x1, w1, x2, w2 and b are all leaves.",
    1: "The root is the one output; the leaves are the Values you start from: x1, w1, x2,"
       " w2, b.",
    10: "That is every node. Leaves are only the nodes no op made: the boxes with no arrow"
        " coming in.",
}
NODE_HINTS = {
    15: "Ovals are not nodes of their own: each oval is the op that made the box right after"
        " it. Count the boxes (Values).",
    9: "Python adds two numbers at a time, so x1*w1 + x2*w2 + b makes two + nodes. Count the"
       " boxes: 5 leaves and 5 results of ops.",
    5: "That is only half of them: count the leaves (x1, w1, x2, w2, b) as well as the 5"
       " results of ops.",
    8: "Count every box: 5 leaves, 2 products, 2 sums and the tanh.",
    11: "One too many: the root is the tanh node itself, not an extra node.",
}


def _count_hint(value, hints, name):
    if value in hints:
        return hints[value]
    return (f"{name} is {value:g}, which is not right yet. Draw the graph with draw_graph(y)"
            " and count its boxes: a box with no arrow coming in is a leaf.")


@never_raises
def check_graph_counts(n_nodes, n_leaves):
    """Exercise 2.3: the graph of y = (x1*w1 + x2*w2 + b).tanh() has 10 nodes, 5 leaves."""
    if is_unattempted(n_nodes) and is_unattempted(n_leaves):
        return Feedback(None, "Not attempted yet: replace the ... after n_nodes and n_leaves"
                              " with your counts.")
    answers = []
    for name, answer in (("n_leaves", n_leaves), ("n_nodes", n_nodes)):
        if is_unattempted(answer):
            answers.append(None)
            continue
        value, feedback = as_number(answer, name)
        if feedback is not None:
            return feedback
        answers.append(value)
    leaves, nodes = answers
    if leaves is not None and leaves != N_LEAVES:
        return wrong("n_leaves: " + _count_hint(leaves, LEAF_HINTS, "n_leaves"))
    if nodes is not None and nodes != N_NODES:
        return wrong("n_nodes: " + _count_hint(nodes, NODE_HINTS, "n_nodes"))
    if leaves is None or nodes is None:
        missing = "n_leaves" if leaves is None else "n_nodes"
        return Feedback(None, f"So far so good. Still to do: replace the ... after {missing}.")
    return correct("Right: 10 nodes, 5 of them leaves (x1, w1, x2, w2, b) and 5 results of"
                   " ops (two *, two +, one tanh).")
