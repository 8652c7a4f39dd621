"""Neural-network building blocks: `Linear`, `MLP`, and their scalar twins.

`Module` (the base class, in `module.py`) and `BatchNorm1d` and `Dropout` (layers that act
differently in training and in evaluation, in `normalization.py`) can be imported from
here too: `from backproplab.nn import Module, BatchNorm1d`.

`Linear` and `MLP` compute with `Tensor` (a whole batch at once, lessons 06-10).
`Neuron`, `Layer` and `ScalarMLP` compute with `Value`, one number at a time, as in
lesson 05. Both families draw their initial weights the same way and list their
parameters in the same order, so `ScalarMLP(2, [4], 1, seed=0)` and
`MLP(2, [4], 1, seed=0)` start with identical weights and compute identical outputs
and gradients; only the speed differs.

A `Linear` layer computes  out = x @ W + b  with W of shape (n_in, n_out).
"""

import numpy as np

from .module import Module, as_input, check_size, rng_from_seed
from .normalization import BatchNorm1d, Dropout
from .tensor import Tensor
from .value import Value

__all__ = ["ACTIVATIONS", "INITS", "MLP", "BatchNorm1d", "Dropout", "Layer", "Linear", "Module",
           "Neuron", "ScalarMLP", "init_weights", "leaky_relu"]


def leaky_relu(x, slope=0.01):
    """max(x, slope * x) = relu(x) - slope * relu(-x), composed from relu."""
    return x.relu() - (-x).relu() * slope


ACTIVATIONS = {
    "relu": lambda x: x.relu(),
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "leaky_relu": leaky_relu,
    "linear": lambda x: x,
}
INITS = ("he", "xavier", "normal", "zeros")


def init_weights(n_in, n_out, init="he", std=0.01, seed=None):
    """A (n_in, n_out) weight matrix.

    he:     normal with std sqrt(2 / n_in)          (for relu layers)
    xavier: normal with std sqrt(2 / (n_in + n_out)) (for tanh and sigmoid layers)
    normal: normal with the given std
    zeros:  all zero (every neuron then learns the same thing: see lesson 10)

    `seed` is an int or a numpy Generator (shared by the layers of one model).
    """
    rng = rng_from_seed(seed, "init_weights")
    if init == "he":
        return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))
    if init == "xavier":
        return rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), size=(n_in, n_out))
    if init == "normal":
        return rng.normal(0.0, std, size=(n_in, n_out))
    if init == "zeros":
        return np.zeros((n_in, n_out))
    raise ValueError(f"init must be one of {', '.join(INITS)}; got {init!r}")


class Linear(Module):
    """out = x @ W + b, for x of shape (batch, n_in); W (n_in, n_out), b (n_out,)."""

    def __init__(self, n_in, n_out, bias=True, init="he", std=0.01, seed=None, dtype=np.float64):
        check_size("Linear", "n_in", n_in)
        check_size("Linear", "n_out", n_out)
        seed = rng_from_seed(seed, "Linear")
        self.W = Tensor(init_weights(n_in, n_out, init, std, seed), label="W", dtype=dtype)
        self.b = Tensor(np.zeros(n_out), label="b", dtype=dtype) if bias else None
        self.n_in, self.n_out = n_in, n_out

    def forward(self, x):
        x = as_input(x, self.W.dtype)
        if x.shape[-1:] != (self.n_in,):
            raise ValueError(
                f"Linear: input of shape {x.shape} has {x.shape[-1] if x.ndim else 0} features"
                f" per row, but this layer expects {self.n_in}"
            )
        out = x @ self.W  # (batch, n_out)
        return out + self.b if self.b is not None else out

    def extra_repr(self):
        return f"{self.n_in} -> {self.n_out}" + ("" if self.b is not None else ", bias=False")


class MLP(Module):
    """A multilayer perceptron: Linear layers with an activation between them.

    MLP(n_in, hidden, n_out, activation="relu") with `hidden` a list of layer sizes;
    the output layer is linear (no activation), so its outputs are scores/logits.
    `init` defaults to "he" for relu-like activations and "xavier" otherwise; `std` is
    the standard deviation for init="normal".

    Each hidden layer computes  Linear -> [BatchNorm1d] -> activation -> [Dropout]:
    batchnorm=True puts a `BatchNorm1d` (in `norms`) between each hidden Linear and its
    activation, dropout=p > 0 a `Dropout(p)` (in `dropouts`) after each activation. Call
    `model.eval()` before predicting and `model.train()` before training again.
    The weights are drawn first, so the same seed gives the same weights with or without
    these options.
    """

    def __init__(self, n_in, hidden, n_out, activation="relu", init=None, std=0.01, seed=0,
                 dtype=np.float64, batchnorm=False, dropout=0.0):
        sizes = _check_sizes("MLP", n_in, hidden, n_out)
        _check_activation("MLP", activation)
        init = init or _default_init(activation)
        rng = rng_from_seed(seed, "MLP")
        self.layers = [Linear(a, b, init=init, std=std, seed=rng, dtype=dtype)
                       for a, b in zip(sizes, sizes[1:])]
        self.activation = activation
        if not isinstance(batchnorm, (bool, np.bool_)):
            raise TypeError(f"MLP: batchnorm must be True or False, got {batchnorm!r}")
        self.norms = [BatchNorm1d(n, dtype=dtype) for n in sizes[1:-1]] if batchnorm else []
        self.dropouts = [Dropout(dropout, seed=rng) for _ in sizes[1:-1]] if dropout else []

    def forward(self, x):
        return self.layer_outputs(x)[-1][2]

    def layer_outputs(self, x):
        """[(name, pre-activation, post-activation), ...] for every layer, in order.

        With batchnorm the pre-activation is the normalized value (the activation's input);
        the post-activation is taken before dropout.
        """
        act = ACTIVATIONS[self.activation]
        outputs = []
        for i, layer in enumerate(self.layers):
            z = layer(x)
            if i == len(self.layers) - 1:
                outputs.append((f"layer {i + 1}", z, z))
                break
            if self.norms:
                z = self.norms[i](z)
            a = act(z)
            outputs.append((f"layer {i + 1}", z, a))
            x = self.dropouts[i](a) if self.dropouts else a
        return outputs

    def extra_repr(self):
        sizes = [self.layers[0].n_in] + [layer.n_out for layer in self.layers]
        options = (", batchnorm" if self.norms else "") + (
            f", dropout={self.dropouts[0].p}" if self.dropouts else "")
        return " -> ".join(map(str, sizes)) + f", activation={self.activation}" + options


class Neuron(Module):
    """One neuron on Values: act(w . x + b). Weights are given by its Layer (or random)."""

    def __init__(self, n_in, activation="relu", weights=None, seed=None):
        check_size("Neuron", "n_in", n_in)
        _check_activation("Neuron", activation)
        if weights is None:
            weights = init_weights(n_in, 1, _default_init(activation),
                                   seed=rng_from_seed(seed, "Neuron"))[:, 0]
        self.w = [Value(float(wi), label=f"w{i}") for i, wi in enumerate(weights)]
        self.b = Value(0.0, label="b")
        self.activation = activation

    def forward(self, x):
        if len(x) != len(self.w):
            raise ValueError(f"Neuron: got {len(x)} inputs, expects {len(self.w)}")
        z = self.b
        for wi, xi in zip(self.w, x):
            z = z + wi * xi
        return ACTIVATIONS[self.activation](z)

    def extra_repr(self):
        return f"{len(self.w)} inputs, activation={self.activation}"


class Layer(Module):
    """n_out Neurons reading the same n_in inputs; the Value twin of `Linear`.

    Parameters are listed as `Linear` lists them: the weight matrix row by row
    (input i, neuron j), then the biases.
    """

    def __init__(self, n_in, n_out, activation="relu", init=None, seed=None):
        check_size("Layer", "n_in", n_in)
        check_size("Layer", "n_out", n_out)
        rng = rng_from_seed(seed, "Layer")
        W = init_weights(n_in, n_out, init or _default_init(activation), seed=rng)
        self.neurons = [Neuron(n_in, activation, weights=W[:, j]) for j in range(n_out)]
        self.n_in, self.n_out = n_in, n_out
        for name, p in self.named_parameters():  # unique labels for drawings: W[0,1], b[1]
            p.label = name

    def forward(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def named_parameters(self, prefix=""):
        for i in range(self.n_in):
            for j, n in enumerate(self.neurons):
                yield f"{prefix}W[{i},{j}]", n.w[i]
        for j, n in enumerate(self.neurons):
            yield f"{prefix}b[{j}]", n.b

    def extra_repr(self):
        return f"{self.n_in} -> {self.n_out}, activation={self.neurons[0].activation}"


class ScalarMLP(Module):
    """The Value twin of `MLP`: same sizes, same initial weights for the same seed.

    Call it on one sample (a list of numbers or Values); it returns a Value (one
    output) or a list of Values.
    """

    def __init__(self, n_in, hidden, n_out, activation="relu", init=None, seed=0):
        sizes = _check_sizes("ScalarMLP", n_in, hidden, n_out)
        _check_activation("ScalarMLP", activation)
        init = init or _default_init(activation)
        rng = rng_from_seed(seed, "ScalarMLP")
        n = len(sizes) - 1
        self.layers = [Layer(a, b, activation if i < n - 1 else "linear", init=init, seed=rng)
                       for i, (a, b) in enumerate(zip(sizes, sizes[1:]))]
        self.activation = activation

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
            x = x if isinstance(x, list) else [x]
        return x[0] if len(x) == 1 else x

    def extra_repr(self):
        sizes = [self.layers[0].n_in] + [layer.n_out for layer in self.layers]
        return " -> ".join(map(str, sizes)) + f", activation={self.activation}"


def _default_init(activation):
    return "he" if activation in ("relu", "leaky_relu") else "xavier"


def _check_sizes(where, n_in, hidden, n_out):
    if isinstance(hidden, (int, np.integer)):
        raise TypeError(f"{where}: hidden must be a list of layer sizes, e.g. [{hidden}]")
    if isinstance(hidden, str):
        example = [int(h) for h in hidden.replace(" ", "").split(",") if h.isdigit()] or [16, 16]
        raise TypeError(f"{where}: hidden must be a list of layer sizes, got the string "
                        f"{hidden!r}; pass a list like {example}")
    if not isinstance(hidden, (list, tuple, np.ndarray, range)):
        raise TypeError(f"{where}: hidden must be a list of layer sizes such as [16, 16], got "
                        f"{hidden!r} ({type(hidden).__name__})")
    sizes = [n_in, *hidden, n_out]
    for name, n in zip(["n_in"] + [f"hidden[{i}]" for i in range(len(hidden))] + ["n_out"], sizes):
        check_size(where, name, n)
    return sizes


def _check_activation(where, activation):
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"{where}: unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}"
        )
