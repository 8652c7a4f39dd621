"""Learner answers for lesson 03: 3.1 one neuron by hand, 3.2 a fork, 3.3 the neuron's
backward pass as a function."""

import math

from backproplab import Value
from corpus import RIGHT, TODO, WRONG, args

CHECKERS = {"3.1": "check_backward", "3.2": "check_fork", "3.3": "check_neuron_backward"}

Z = -2.0 * 0.5 + 0.4 * -1.5 + 1.2  # -0.4
DZ = 1 - math.tanh(Z) ** 2  # 0.8556


def values_after_backward():  # exercise 3.1 done with Values, the Values passed themselves
    x1, x2, w1, w2, b = (Value(v) for v in (0.5, -1.5, -2.0, 0.4, 1.2))
    y = (w1 * x1 + w2 * x2 + b).tanh()
    y.backward()
    return args(w1, w2, b)


def backward(x1, x2, w1, w2, b):
    z = w1 * x1 + w2 * x2 + b
    grad_z = 1 - math.tanh(z) ** 2
    return {"w1": x1 * grad_z, "w2": x2 * grad_z, "b": grad_z, "x1": w1 * grad_z,
            "x2": w2 * grad_z}


def backward_grad_keys(x1, x2, w1, w2, b):  # keys written grad_w1, ..., sech**2 form
    grad_z = 1 / math.cosh(w1 * x1 + w2 * x2 + b) ** 2
    return {"grad_w1": x1 * grad_z, "grad_w2": x2 * grad_z, "grad_b": grad_z,
            "grad_x1": w1 * grad_z, "grad_x2": w2 * grad_z}


def backward_node_by_node(x1, x2, w1, w2, b):  # like section 2: one node at a time
    p1, p2 = w1 * x1, w2 * x2
    s = p1 + p2
    z = s + b
    y = math.tanh(z)
    grad_z = (1 - y) * (1 + y)
    grad_s = grad_p1 = grad_p2 = grad_z
    return dict(w1=grad_p1 * x1, w2=grad_p2 * x2, b=grad_z, x1=grad_p1 * w1, x2=grad_s * w2)


def backward_numerical(x1, x2, w1, w2, b):  # central differences, not backprop
    h = 1e-5
    point = dict(x1=x1, x2=x2, w1=w1, w2=w2, b=b)

    def y(**p):
        return math.tanh(p["w1"] * p["x1"] + p["w2"] * p["x2"] + p["b"])

    return {k: (y(**{**point, k: v + h}) - y(**{**point, k: v - h})) / (2 * h)
            for k, v in point.items()}


def backward_no_tanh(x1, x2, w1, w2, b):
    return {"w1": x1, "w2": x2, "b": 1.0, "x1": w1, "x2": w2}


def backward_swapped(x1, x2, w1, w2, b):
    grad_z = 1 - math.tanh(w1 * x1 + w2 * x2 + b) ** 2
    return {"w1": w1 * grad_z, "w2": w2 * grad_z, "b": grad_z, "x1": x1 * grad_z,
            "x2": x2 * grad_z}


def backward_no_return(x1, x2, w1, w2, b):
    grad_z = 1 - math.tanh(w1 * x1 + w2 * x2 + b) ** 2
    grads = {"w1": x1 * grad_z, "w2": x2 * grad_z, "b": grad_z,  # noqa: F841
             "x1": w1 * grad_z, "x2": w2 * grad_z}


def backward_tuple(x1, x2, w1, w2, b):
    grad_z = 1 - math.tanh(w1 * x1 + w2 * x2 + b) ** 2
    return x1 * grad_z, x2 * grad_z, grad_z, w1 * grad_z, w2 * grad_z


def backward_three_keys(x1, x2, w1, w2, b):
    grad_z = 1 - math.tanh(w1 * x1 + w2 * x2 + b) ** 2
    return {"w1": x1 * grad_z, "w2": x2 * grad_z, "b": grad_z}


def backward_typo(x1, x2, w1, w2, b):
    return {"w1": x1 * grad_z}  # noqa: F821


def backward_entry_left(x1, x2, w1, w2, b):
    grad_z = 1 - math.tanh(w1 * x1 + w2 * x2 + b) ** 2
    return {"w1": x1 * grad_z, "w2": x2 * grad_z, "b": grad_z, "x1": ..., "x2": ...}


def backward_stub(x1, x2, w1, w2, b):
    ...  # compute grad_z first; return {"w1": ..., "w2": ..., "b": ..., "x1": ..., "x2": ...}


CASES = [
    ("3.1", "the reference", args(0.5 * DZ, -1.5 * DZ, DZ), RIGHT, "All three are right"),
    ("3.1", "4 significant digits", args(0.4278, -1.283, 0.8556), RIGHT, "right"),
    ("3.1", "3 decimals", args(0.428, -1.283, 0.856), RIGHT, "right"),
    ("3.1", "sech**2 form", args(0.5 / math.cosh(Z) ** 2, -1.5 / math.cosh(Z) ** 2,
                                 1 / math.cosh(Z) ** 2), RIGHT, "right"),
    ("3.1", "no tanh step", args(0.5, -1.5, 1.0), WRONG, "left out the tanh step"),
    ("3.1", "tanh(z) for its derivative", args(0.5 * math.tanh(Z), -1.5 * math.tanh(Z),
                                               math.tanh(Z)), WRONG, "you used tanh(z)"),
    ("3.1", "the other factor", args(-2.0 * DZ, 0.4 * DZ, DZ), WRONG,
     ("grad_w1 = -1.711", "gradient of x1")),
    ("3.1", "b's gradient 0", args(0.5 * DZ, -1.5 * DZ, 0), WRONG,
     ("ex_grad_w1 and ex_grad_w2 are right", "not 0")),
    ("3.1", "b's gradient b * dy/dz", args(0.5 * DZ, -1.5 * DZ, 1.2 * DZ),
     WRONG, "is 1, not b"),
    ("3.1", "text", args("0.4278", -1.283, 0.8556), WRONG, "not the text"),
    ("3.1", "the Values, not their .grad", values_after_backward(), WRONG,
     ("ex_grad_w1, ex_grad_w2 and ex_grad_b: you passed a Value", "pass its .grad (a float)")),
    ("3.1", "one Value, two .grad", args(0.5 * DZ, Value(-1.5 * DZ), DZ), WRONG,
     ("ex_grad_w1 and ex_grad_b are right", "ex_grad_w2: you passed a Value")),
    ("3.1", "the lesson's gradients", args(1.4232, -1.0674, 0.7116), WRONG,
     ("gradients at the lesson's values", "use the new numbers")),
    ("3.1", "the lesson's grad_w1", args(1.4232, -1.283, 0.8556), WRONG,
     ("ex_grad_w2 and ex_grad_b are right", "ex_grad_w1 = 1.423: these are the gradients at the"
                                      " lesson's values")),
    ("3.1", "two of three", args(0.4278, -1.283, ...), TODO,
     ("are right", "Not attempted yet", "grad_b")),
    ("3.1", "the placeholders", args(..., ..., ...), TODO, "Not attempted"),
    ("3.2", "the reference", 6.0, RIGHT, "one term per path"),
    ("3.2", "an int", 6, RIGHT, "Right"),
    ("3.2", "the two paths", 5 * 1 + 1, RIGHT, "Right"),
    ("3.2", "only through a*b", 5, WRONG, "only the path through a*b"),
    ("3.2", "only the direct path", 1, WRONG, "only the direct path"),
    ("3.2", "dy/db", 2, WRONG, "gradient of the other input"),
    ("3.2", "a + b", 7, WRONG, "local derivative of a*b with respect to a is b"),
    ("3.2", "y itself", 12, WRONG, "not a derivative"),  # a*b + a = 12 is also 2 * 6
    ("3.2", "a*b", 10, WRONG, "value of the forward pass"),
    ("3.2", "text", "6", WRONG, "not the text"),
    ("3.2", "both paths as a list", [5, 1], WRONG, "single number"),
    ("3.2", "the placeholder", ..., TODO, "replace the ..."),
    ("3.3", "the reference", backward, RIGHT, "right five gradients"),
    ("3.3", "grad_ keys, sech**2", backward_grad_keys, RIGHT, "right"),
    ("3.3", "node by node", backward_node_by_node, RIGHT, "right"),
    ("3.3", "central differences", backward_numerical, WRONG,
     ("numerical estimate", "backward pass")),
    ("3.3", "no tanh step", backward_no_tanh, WRONG,
     ("For x1=0.5, x2=-1.5", "left out the tanh step")),
    ("3.3", "factors swapped", backward_swapped, WRONG, "gradient of x1"),
    ("3.3", "forgets return", backward_no_return, WRONG, "did you forget `return`"),
    ("3.3", "a tuple", backward_tuple, WRONG,
     ("Your neuron_backward should return a dict", "it returned a tuple.")),
    ("3.3", "three keys", backward_three_keys, WRONG,
     ("The dict from your neuron_backward has no 'x1' and 'x2'", "'x2'.")),
    ("3.3", "a number, not a function", 42, WRONG, "should be a function, not an int."),
    ("3.3", "a NameError", backward_typo, WRONG, ("NameError", "grad_z", "line")),
    ("3.3", "an entry left ...", backward_entry_left, TODO, "'x1' is still ..."),
    ("3.3", "the placeholder function", backward_stub, TODO, "Not attempted"),
]
