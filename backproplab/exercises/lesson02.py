"""Checkers for lesson 02 (computational graphs).

    from backproplab.exercises import lesson02 as ex
    ex.check_forward(out_value)                                  # Exercise 2.1
    ex.check_local_gradients(d_mul_da, d_mul_db, d_tanh, d_pow)  # Exercise 2.2
    ex.check_graph_counts(n_nodes, n_leaves)                     # Exercise 2.3
"""

import math

from ..value import Value
from .feedback import Feedback, as_number, correct, diagnose, is_unattempted, never_raises, wrong

# ---- Exercise 2.1: the forward pass of out = z * exp(x + y) ----

X, Y, Z = 0.5, -1.5, 3.0


@never_raises
def check_forward(out_value):
    """Exercise 2.1: the value of the root of out = z * exp(x + y) at x, y, z = X, Y, Z."""
    if isinstance(out_value, Value):  # the graph's own root: read, not computed
        return wrong("out_value is a Value (out itself?), not a number you computed: compute"
                     " it from the leaves with math.exp, node by node; don't pass out.")
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
        (Z * math.exp(X - Y), f"{Z * math.exp(X - Y):.4g} is z * exp(x - y): the + node adds"
                              f" y = {Y:g}, so x + y = {X:g} + ({Y:g}) = {s:g}."),
        (math.exp(Z * s), f"{math.exp(Z * s):.4f} is exp(z * (x + y)): z joins after the exp"
                          f" node, out = z * exp(x + y) = {Z:g} * exp({s:g})."),
    ]
    # a forward pass done by hand with 4 significant digits is right too
    result = diagnose(value, Z * e, rtol=1e-3, what="out_value", hints=hints)
    if result.ok:
        return correct(f"Right: x + y = {s:g}, exp({s:g}) = {e:.4f}, times z = {Z * e:.4f}."
                       " Each node needs only the values of the nodes that point to it.")
    return result


# ---- Exercise 2.2: local derivatives of *, tanh and ** at given inputs ----

A, B = 3.0, -2.0  # q = a * b
S = 0.5  # s.tanh()
T = 2.0  # t ** 3
STALE_U, STALE_V = 0.7, -1.3  # the u, v of the notebook's central-difference cell above

LOCAL_NAMES = ("d_mul_da", "d_mul_db", "d_tanh", "d_pow")


def _local_hints():
    th = math.tanh(S)
    stale_tanh, stale_pow = 1 - math.tanh(STALE_U) ** 2, 3 * STALE_V**2
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
        "d_tanh": (1 - th * th, [
            (th, f"{th:.4f} is tanh(0.5), the output. The local derivative is 1 - tanh(s)**2."),
            (1 - S * S, "Square tanh(s), not s: the local derivative is 1 - tanh(s)**2."),
            (1 - th, "Square the tanh: the local derivative is 1 - tanh(s)**2."),
            (1 + th * th, "Minus, not plus: the local derivative is 1 - tanh(s)**2."),
            (stale_tanh, f"{stale_tanh:.4f} is 1 - tanh(0.7)**2: the u = 0.7 of the"
                         " central-difference cell above. This exercise asks at s = 0.5."),
        ]),
        "d_pow": (3 * T**2, [
            (T**3, "8 is 2**3, the output. The local derivative of t**3 is 3*t**2."),
            (3 * T**3, "The power rule lowers the exponent by one: 3*t**2, not 3*t**3."),
            (T**2, "Did you forget the 3 that the power rule brings down? 3*t**2."),
            (3 * T, "The local derivative is 3*t**2 (t squared): 3 * 4 = 12."),
            (stale_pow, f"{stale_pow:.4g} is 3*v**2 at v = -1.3, the v of the"
                        " central-difference cell above. This exercise asks at t = 2."),
        ]),
    }


class _Lines(Feedback):
    """Feedback with one line per answer: the line breaks survive in the notebook."""

    def _repr_html_(self):
        return super()._repr_html_().replace("\n", "<br>")


@never_raises
def check_local_gradients(d_mul_da, d_mul_db, d_tanh, d_pow):
    """Exercise 2.2: d(a*b)/da, d(a*b)/db at a=3, b=-2; d tanh(s)/ds at s=0.5; d t**3/dt at t=2.

    One line per answer: right, not yet (with its hint), or still `...`.
    """
    answers = dict(zip(LOCAL_NAMES, (d_mul_da, d_mul_db, d_tanh, d_pow)))
    expected = _local_hints()
    todo = [name for name, answer in answers.items() if is_unattempted(answer)]
    if len(todo) == len(answers):
        return Feedback(None, "Not attempted yet: replace the ... after d_mul_da, d_mul_db,"
                              " d_tanh and d_pow with your answers.")
    lines = {}  # one line per answer, in the order of the arguments
    for name in todo:
        lines[name] = f"{name}: still ... (to do)"
    values = {}
    for name, answer in answers.items():
        if name not in todo:
            value, feedback = as_number(answer, name)
            if feedback is None:
                values[name] = value
            else:
                lines[name] = f"{name}: not yet. {feedback.message}"
    if values.get("d_mul_da") == A and values.get("d_mul_db") == B:
        lines["d_mul_da"] = ("d_mul_da: not yet. d_mul_da and d_mul_db are swapped: d(a*b)/da is"
                             " b and d(a*b)/db is a. Each input's local derivative is the *other*"
                             " input.")
        lines["d_mul_db"] = "d_mul_db: not yet, swapped with d_mul_da (see the line above)."
    right = 0
    for name, value in values.items():
        if name in lines:
            continue
        target, hints = expected[name]
        result = diagnose(value, target, rtol=1e-3, what=name, hints=hints)
        right += bool(result.ok)
        lines[name] = f"{name}: right" if result.ok else f"{name}: not yet. {result.message}"
    body = "\n".join(lines[name] for name in LOCAL_NAMES)
    if right + len(todo) < len(answers):
        return _Lines(False, f"{right} of {len(answers)} right so far; one line per answer:\n"
                             + body)
    if todo:
        return _Lines(None, f"{right} of {len(answers)} right so far. Still to do: replace"
                            f" the ... after {', '.join(todo)}.\n" + body)
    return correct("Right: a*b gives (b, a) = (-2, 3); tanh gives 1 - tanh(0.5)**2 = 0.7864;"
                   " t**3 gives 3*t**2 = 12. Each local derivative needs only the op's own"
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
    return (f"{name} is {value:g}, which is not right yet. Draw the graph and count its boxes"
            " (a box with no arrow coming in is a leaf): x1, w1, x2, w2, b = (Value(1.0,"
            ' label=n) for n in ["x1", "w1", "x2", "w2", "b"]); draw_graph((x1*w1 + x2*w2'
            " + b).tanh())")


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
