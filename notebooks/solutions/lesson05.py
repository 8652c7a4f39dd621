"""Reference solutions for lesson 05 (from a neuron to an MLP).

The names are those of the exercise cells in notebooks/05-from-neuron-to-mlp.ipynb.
"""

import numpy as np

from backproplab import Value


# ---- Exercise 5.1: a Neuron, act(w . x + b) ----
class Neuron:
    """act(w . x + b) on Values; act is tanh, or nothing when activation="linear"."""

    def __init__(self, n_in, activation="tanh", seed=None):
        rng = np.random.default_rng(seed)
        self.w = [Value(float(rng.uniform(-1, 1))) for _ in range(n_in)]  # one per input
        self.b = Value(0.0)
        self.activation = activation

    def __call__(self, x):
        z = self.b
        for wi, xi in zip(self.w, x):
            z = z + wi * xi
        return z if self.activation == "linear" else z.tanh()

    def parameters(self):
        return self.w + [self.b]


# ---- Exercise 5.2: a Layer, n_out Neurons reading the same inputs ----
class Layer:
    """n_out Neurons that read the same inputs."""

    def __init__(self, n_in, n_out, activation="tanh"):
        self.neurons = [Neuron(n_in, activation) for _ in range(n_out)]  # each its own

    def __call__(self, x):
        return [neuron(x) for neuron in self.neurons]

    def parameters(self):
        return [p for neuron in self.neurons for p in neuron.parameters()]


# ---- Exercise 5.3: an MLP, layers in a row with a linear last layer ----
class MLP:
    """Layers in a row: n_in -> hidden[0] -> ... -> n_out; tanh inside, a linear last layer."""

    def __init__(self, n_in, hidden, n_out):
        sizes = [n_in, *hidden, n_out]
        last = len(sizes) - 2
        self.layers = [Layer(a, b, "linear" if k == last else "tanh")
                       for k, (a, b) in enumerate(zip(sizes, sizes[1:]))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


# ---- Exercise 5.4: ScalarMLP(2, [4, 4], 1) has layers 2 -> 4 -> 4 -> 1 ----
# each layer: one weight per (input, neuron) pair plus one bias per neuron
n_params = (2 + 1) * 4 + (4 + 1) * 4 + (4 + 1) * 1  # 12 + 20 + 5 = 37


# ---- Exercise 5.5: the mean squared error ----
def mse(preds, targets):
    """(1/n) sum_i (preds_i - targets_i)**2, a Value."""
    total = sum((p - t) ** 2 for p, t in zip(preds, targets))
    return total * (1.0 / len(preds))


# ---- Exercise 5.6: w = 0.5, grad = -2.0, lr = 0.1 ----
new_w = 0.5 - 0.1 * -2.0  # w - lr * grad = 0.7


# ---- Exercise 5.7: one step of the training loop ----
def train_step(model, X, y, lr):
    """Forward, zero the gradients, backward, update; returns the loss before the update."""
    preds = [model(list(row)) for row in X]  # forward
    loss = mse(preds, y)  # in the notebook loss_fn(preds, y): this mse once it is right
    for p in model.parameters():  # zero the gradients
        p.grad = 0.0
    loss.backward()  # backward
    for p in model.parameters():  # update
        p.data -= lr * p.grad
    return loss.data


# ---- Exercise 5.8: without zero_grad, backward() keeps adding to .grad ----
answer = "b"  # the sum of the gradients of steps 1, 2 and 3
