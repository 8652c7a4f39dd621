"""Reference solutions for lesson 03 (backpropagation by hand).

The names are those of the exercise cells in notebooks/03-backprop-by-hand.ipynb.
"""

import math

# ---- Exercise 3.1: y = tanh(w1*x1 + w2*x2 + b) at x1 = 0.5, x2 = -1.5, w1 = -2.0,
# w2 = 0.4, b = 1.2 ----
z = -2.0 * 0.5 + 0.4 * -1.5 + 1.2  # -0.4
grad_z = 1 - math.tanh(z) ** 2  # local derivative of tanh times dy/dy = 1
ex_grad_w1 = 0.5 * grad_z  # d(w1*x1)/dw1 = x1; both + nodes pass grad_z on unchanged
ex_grad_w2 = -1.5 * grad_z  # d(w2*x2)/dw2 = x2
ex_grad_b = 1.0 * grad_z  # d(s + b)/db = 1

# ---- Exercise 3.2: y = a*b + a at a = 2, b = 5: two paths from a to y ----
grad_a = 5.0 * 1.0 + 1.0  # through a*b: b * 1; straight into the +: 1


# ---- Exercise 3.3: the backward pass of the neuron as a function ----
def neuron_backward(x1, x2, w1, w2, b):
    """The gradients of y = tanh(w1*x1 + w2*x2 + b) with respect to all five inputs."""
    z = w1 * x1 + w2 * x2 + b
    grad_z = 1 - math.tanh(z) ** 2
    return {
        "w1": x1 * grad_z,
        "w2": x2 * grad_z,
        "b": grad_z,
        "x1": w1 * grad_z,
        "x2": w2 * grad_z,
    }
