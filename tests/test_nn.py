"""Tests for backproplab.nn: Module bookkeeping, Linear, MLP and their Value twins.

First what every model relies on (parameter order and names, zero_grad, repr), then
`Linear` (initial weights, seeds, dtype, errors), `MLP` (each activation against a numpy
forward pass), and finally the promise of lesson 05 -> 06: a `ScalarMLP` and an `MLP`
with the same weights compute the same outputs and gradients and train identically.
"""

import numpy as np
import pytest

from backproplab import Tensor
from backproplab.data import make_moons, to_pm1
from backproplab.losses import hinge_loss, mse_loss
from backproplab.nn import (
    ACTIVATIONS,
    MLP,
    Layer,
    Linear,
    Module,
    Neuron,
    ScalarMLP,
    init_weights,
)
from backproplab.optim import SGD
from backproplab.train import fit

# The activations as numpy functions of the pre-activation z.
NUMPY_ACTIVATIONS = {
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "linear": lambda z: z,
}


def random_weights(model, seed=1):
    """Give `model` random weights and biases (biases start at 0, which hides bugs)."""
    model.set_weights(np.random.default_rng(seed).normal(size=model.num_parameters()))
    return model


# ------------------------------------------------------------------ Module bookkeeping


class TwoLayers(Module):
    """A hand-written model: parameters are found in attributes, in the order they were set."""

    def __init__(self):
        self.second = Linear(3, 1, seed=0)
        self.scale = Tensor(2.0, label="scale")
        self.first = Linear(2, 3, seed=1)
        self.offset = Tensor([1.0, 2.0], requires_grad=False)  # a constant, not a parameter
        self.name = "two layers"

    def forward(self, x):
        return self.second(self.first(x)) * self.scale


def test_parameter_names_follow_attribute_order():
    names = [name for name, _ in TwoLayers().named_parameters()]
    assert names == ["second.W", "second.b", "scale", "first.W", "first.b"]


def test_mlp_parameter_names_and_order():
    model = MLP(2, [4, 3], 1)
    named = list(model.named_parameters())
    assert [name for name, _ in named] == [
        "layers.0.W", "layers.0.b", "layers.1.W", "layers.1.b", "layers.2.W", "layers.2.b",
    ]
    assert [p.shape for _, p in named] == [(2, 4), (4,), (4, 3), (3,), (3, 1), (1,)]
    # parameters() is the same list, the same objects, every time it is asked
    assert all(a is b for a, b in zip(model.parameters(), [p for _, p in named]))
    assert all(a is b for a, b in zip(model.parameters(), model.parameters()))
    assert model.num_parameters() == 2 * 4 + 4 + 4 * 3 + 3 + 3 * 1 + 1


def test_scalar_mlp_parameter_names_list_weights_as_linear_does():
    names = [name for name, _ in ScalarMLP(2, [3], 1).named_parameters()]
    assert names == [
        "layers.0.W[0,0]", "layers.0.W[0,1]", "layers.0.W[0,2]",
        "layers.0.W[1,0]", "layers.0.W[1,1]", "layers.0.W[1,2]",
        "layers.0.b[0]", "layers.0.b[1]", "layers.0.b[2]",
        "layers.1.W[0,0]", "layers.1.W[1,0]", "layers.1.W[2,0]", "layers.1.b[0]",
    ]
    assert [name for name, _ in Neuron(2).named_parameters()] == ["w.0", "w.1", "b"]


def test_call_runs_forward():
    model = TwoLayers()
    x = np.array([[1.0, -2.0], [0.5, 0.25]])
    np.testing.assert_array_equal(model(x).data, model.forward(x).data)
    hidden = x @ model.first.W.data + model.first.b.data
    expected = (hidden @ model.second.W.data + model.second.b.data) * 2.0
    np.testing.assert_allclose(model(x).data, expected, rtol=1e-14)


def test_module_without_forward_says_what_to_write():
    class Empty(Module):
        pass

    with pytest.raises(NotImplementedError, match=r"^Empty must define forward\(x\)$"):
        Empty()(np.ones((1, 2)))


def test_zero_grad_clears_tensor_gradients():
    model = TwoLayers()
    model(np.ones((2, 2))).sum().backward()
    assert all(np.any(p.grad != 0) for p in model.parameters())
    model.zero_grad()
    for p in model.parameters():
        assert p.grad.shape == p.shape
        assert not p.grad.any()


def test_zero_grad_clears_value_gradients():
    model = random_weights(ScalarMLP(2, [3], 1))
    model([1.0, -2.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert [p.grad for p in model.parameters()] == [0.0] * 13


def test_gradients_accumulate_until_zero_grad():
    model = MLP(2, [3], 1)
    x = np.array([[1.0, 2.0]])
    model(x).sum().backward()
    once = [p.grad.copy() for p in model.parameters()]
    model(x).sum().backward()
    for p, g in zip(model.parameters(), once):
        np.testing.assert_allclose(p.grad, 2 * g, rtol=1e-15)
    model.zero_grad()
    model(x).sum().backward()
    for p, g in zip(model.parameters(), once):
        np.testing.assert_allclose(p.grad, g, rtol=1e-15)


def test_repr_text():
    assert repr(MLP(2, [3], 1)) == (
        "MLP(2 -> 3 -> 1, activation=relu\n"
        "  (layers.0): Linear(2 -> 3)\n"
        "  (layers.1): Linear(3 -> 1)\n"
        ")"
    )
    assert repr(Linear(4, 2, bias=False)) == "Linear(4 -> 2, bias=False)"
    assert repr(ScalarMLP(2, [2], 1, activation="tanh")) == (
        "ScalarMLP(2 -> 2 -> 1, activation=tanh\n"
        "  (layers.0): Layer(2 -> 2, activation=tanh\n"
        "    (neurons.0): Neuron(2 inputs, activation=tanh)\n"
        "    (neurons.1): Neuron(2 inputs, activation=tanh)\n"
        "  )\n"
        "  (layers.1): Layer(2 -> 1, activation=linear\n"
        "    (neurons.0): Neuron(2 inputs, activation=linear)\n"
        "  )\n"
        ")"
    )


# ------------------------------------------------------------------ get_weights / set_weights


def test_get_set_weights_round_trip():
    source, target = MLP(2, [5], 3, seed=1), MLP(2, [5], 3, seed=2)
    x = np.random.default_rng(0).normal(size=(4, 2))
    assert not np.allclose(source(x).data, target(x).data)
    w = source.get_weights()
    assert w.shape == (source.num_parameters(),) and w.dtype == np.float64
    target.set_weights(w)
    np.testing.assert_array_equal(target.get_weights(), w)
    np.testing.assert_array_equal(target(x).data, source(x).data)
    # the target holds copies: changing the vector later changes nothing
    w[:] = 0.0
    assert target.get_weights().any()


def test_get_weights_follows_parameter_order():
    model = MLP(2, [3], 1)
    expected = np.concatenate([p.data.ravel() for p in model.parameters()])
    np.testing.assert_array_equal(model.get_weights(), expected)


def test_set_weights_keeps_float32():
    model = MLP(2, [3], 1, dtype=np.float32)
    model.set_weights(np.arange(model.num_parameters(), dtype=np.float64))
    assert all(p.dtype == np.float32 for p in model.parameters())
    np.testing.assert_array_equal(model.layers[0].W.data, [[0, 1, 2], [3, 4, 5]])


def test_set_weights_size_error():
    model = MLP(2, [3], 1)  # 2*3 + 3 + 3 + 1 = 13 parameters
    message = r"^set_weights: MLP has 13 parameters, got a vector of 12$"
    with pytest.raises(ValueError, match=message):
        model.set_weights(np.zeros(12))
    with pytest.raises(ValueError, match=r"ScalarMLP has 13 parameters, got a vector of 14"):
        ScalarMLP(2, [3], 1).set_weights(np.zeros(14))


# ------------------------------------------------------------------ Linear


@pytest.mark.parametrize(
    "init, std",
    [("he", np.sqrt(2 / 400)), ("xavier", np.sqrt(2 / (400 + 100))), ("normal", 0.05)],
)
def test_linear_init_has_the_documented_std(init, std):
    # 40,000 draws: the sample std is within about 0.4% of the true one (1 / sqrt(2 n));
    # he and xavier differ by 12% here, so a swap would fail
    W = Linear(400, 100, init=init, std=0.05, seed=0).W.data
    assert W.shape == (400, 100)
    assert W.std() == pytest.approx(std, rel=0.02)
    assert abs(W.mean()) < 0.05 * std


def test_linear_zeros_init_and_zero_bias():
    layer = Linear(5, 3, init="zeros")
    assert not layer.W.data.any()
    np.testing.assert_array_equal(layer.b.data, np.zeros(3))
    assert not Linear(5, 3, seed=0).b.data.any()


def test_linear_is_reproducible_with_an_int_seed_or_a_generator():
    np.testing.assert_array_equal(Linear(3, 4, seed=7).W.data, Linear(3, 4, seed=7).W.data)
    assert not np.array_equal(Linear(3, 4, seed=7).W.data, Linear(3, 4, seed=8).W.data)
    # a generator is used as it is: the first layer drawn from it equals seed=7 ...
    rng = np.random.default_rng(7)
    first, second = Linear(3, 4, seed=rng), Linear(3, 4, seed=rng)
    np.testing.assert_array_equal(first.W.data, Linear(3, 4, seed=7).W.data)
    # ... and the next one continues the stream
    assert not np.array_equal(first.W.data, second.W.data)
    np.testing.assert_array_equal(init_weights(3, 4, seed=7), Linear(3, 4, seed=7).W.data)


def test_linear_computes_x_at_W_plus_b():
    layer = random_weights(Linear(3, 2, seed=0))
    x = np.random.default_rng(1).normal(size=(5, 3))
    out = layer(x)
    assert out.shape == (5, 2)
    np.testing.assert_allclose(out.data, x @ layer.W.data + layer.b.data, rtol=1e-14)


def test_linear_without_bias():
    layer = Linear(3, 2, bias=False, seed=0)
    assert layer.b is None
    assert [name for name, _ in layer.named_parameters()] == ["W"]
    x = np.ones((2, 3))
    np.testing.assert_allclose(layer(x).data, x @ layer.W.data, rtol=1e-15)


def test_linear_float32():
    layer = Linear(3, 2, seed=0, dtype=np.float32)
    assert layer.W.dtype == np.float32 and layer.b.dtype == np.float32
    out = layer(np.ones((4, 3)))  # a float64 input is converted to the layer's dtype
    assert out.dtype == np.float32
    out.sum().backward()
    assert layer.W.grad.dtype == np.float32 and layer.b.grad.dtype == np.float32
    np.testing.assert_allclose(Linear(3, 2, seed=0).W.data, layer.W.data, rtol=1e-7)


def test_linear_input_shape_error():
    with pytest.raises(
        ValueError,
        match=r"^Linear: input of shape \(4, 5\) has 5 features per row, but this layer expects 3$",
    ):
        Linear(3, 2)(np.ones((4, 5)))


@pytest.mark.parametrize("n", [0, -1, 2.5, True, "3"])
def test_linear_bad_size(n):
    with pytest.raises(ValueError, match=rf"^Linear: n_in must be a positive integer, got {n!r}$"):
        Linear(n, 2)
    with pytest.raises(ValueError, match=r"^Linear: n_out must be a positive integer"):
        Linear(2, n)


def test_unknown_init():
    message = r"^init must be one of he, xavier, normal, zeros; got 'kaiming'$"
    with pytest.raises(ValueError, match=message):
        Linear(2, 3, init="kaiming")
    with pytest.raises(ValueError, match=message):
        MLP(2, [3], 1, init="kaiming")


# ------------------------------------------------------------------ MLP


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_mlp_forward_matches_numpy(activation):
    model = random_weights(MLP(3, [4, 5], 2, activation=activation))
    x = np.random.default_rng(2).normal(size=(6, 3))
    W1, b1, W2, b2, W3, b3 = (p.data for p in model.parameters())
    act = NUMPY_ACTIVATIONS[activation]
    expected = act(act(x @ W1 + b1) @ W2 + b2) @ W3 + b3  # no activation on the output
    np.testing.assert_allclose(model(x).data, expected, rtol=1e-12, atol=1e-14)


def test_mlp_output_layer_is_linear():
    # with sigmoid hidden units and a large negative output weight, scores leave (0, 1)
    model = MLP(1, [1], 1, activation="sigmoid")
    model.set_weights([1.0, 0.0, -10.0, -3.0])  # W1, b1, W2, b2
    names = [name for name, _, _ in model.layer_outputs(np.zeros((1, 1)))]
    assert names == ["layer 1", "layer 2"]
    # sigmoid(0) = 0.5, so the output is -10 * 0.5 - 3 = -8 exactly
    assert model(np.zeros((1, 1))).item() == -8.0


def test_mlp_default_init_depends_on_activation():
    # he for relu-like activations, xavier for the others: std sqrt(2/400) vs sqrt(2/500)
    relu = MLP(400, [100], 1, activation="relu").layers[0].W.data
    tanh = MLP(400, [100], 1, activation="tanh").layers[0].W.data
    assert relu.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert tanh.std() == pytest.approx(np.sqrt(2 / 500), rel=0.02)


def test_mlp_seed():
    weights = MLP(2, [8], 1, seed=3).get_weights()
    np.testing.assert_array_equal(MLP(2, [8], 1, seed=3).get_weights(), weights)
    assert not np.array_equal(MLP(2, [8], 1, seed=4).get_weights(), weights)
    # one generator feeds all layers in turn
    rng = np.random.default_rng(3)
    first = init_weights(2, 8, seed=rng)
    second = init_weights(8, 1, seed=rng)
    model = MLP(2, [8], 1, seed=3)
    np.testing.assert_array_equal(model.layers[0].W.data, first)
    np.testing.assert_array_equal(model.layers[1].W.data, second)


def test_mlp_without_hidden_layers_is_one_linear_layer():
    model = MLP(3, [], 2)
    assert len(model.layers) == 1 and model.layers[0].W.shape == (3, 2)


@pytest.mark.parametrize(
    "args, error, message",
    [
        ((0, [4], 1), ValueError, r"^MLP: n_in must be a positive integer, got 0$"),
        ((2, [4, -1], 1), ValueError, r"^MLP: hidden\[1\] must be a positive integer, got -1$"),
        ((2, [2.5], 1), ValueError, r"^MLP: hidden\[0\] must be a positive integer, got 2.5$"),
        ((2, [4], 0), ValueError, r"^MLP: n_out must be a positive integer, got 0$"),
        ((2, 4, 1), TypeError, r"^MLP: hidden must be a list of layer sizes, e\.g\. \[4\]$"),
    ],
)
def test_mlp_bad_sizes(args, error, message):
    with pytest.raises(error, match=message):
        MLP(*args)
    with pytest.raises(error, match=message.replace("MLP", "ScalarMLP")):
        ScalarMLP(*args)


def test_unknown_activation():
    message = (r"^MLP: unknown activation 'softmax'; choose one of relu, tanh, sigmoid,"
               r" leaky_relu, linear$")
    with pytest.raises(ValueError, match=message):
        MLP(2, [3], 1, activation="softmax")
    with pytest.raises(ValueError, match=r"^Neuron: unknown activation 'Relu'"):
        Neuron(2, activation="Relu")


def test_mlp_input_shape_error_names_the_layer_sizes():
    with pytest.raises(ValueError, match=r"has 3 features per row, but this layer expects 2$"):
        MLP(2, [4], 1)(np.ones((5, 3)))


@pytest.mark.parametrize("n", [0, 2.5])
def test_layer_bad_size(n):
    with pytest.raises(ValueError, match=rf"^Layer: n_in must be a positive integer, got {n}$"):
        Layer(n, 3)
    with pytest.raises(ValueError, match=rf"^Layer: n_out must be a positive integer, got {n}$"):
        Layer(3, n)


def test_neuron_input_count_error():
    with pytest.raises(ValueError, match=r"^Neuron: got 3 inputs, expects 2$"):
        Neuron(2, seed=0)([1.0, 2.0, 3.0])


# ------------------------------------------------------------------ ScalarMLP == MLP


def test_layer_and_linear_start_with_the_same_weights():
    layer, linear = Layer(3, 4, seed=5), Linear(3, 4, seed=5)
    np.testing.assert_array_equal(layer.get_weights(), linear.get_weights())


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_same_seed_same_weights(activation):
    scalar = ScalarMLP(3, [4, 2], 2, activation=activation, seed=11)
    tensor = MLP(3, [4, 2], 2, activation=activation, seed=11)
    np.testing.assert_array_equal(scalar.get_weights(), tensor.get_weights())
    assert scalar.num_parameters() == tensor.num_parameters()


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@pytest.mark.parametrize("n_out", [1, 2])
def test_same_weights_same_outputs_and_gradients(activation, n_out):
    tensor = random_weights(MLP(3, [4, 3], n_out, activation=activation), seed=4)
    scalar = ScalarMLP(3, [4, 3], n_out, activation=activation)
    scalar.set_weights(tensor.get_weights())
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(5, 3)), rng.normal(size=(5, n_out))

    out = tensor(X)  # (5, n_out)
    mse_loss(out, y).backward()
    rows = [scalar(list(x)) for x in X]
    rows = [r if isinstance(r, list) else [r] for r in rows]
    np.testing.assert_allclose([[v.data for v in r] for r in rows], out.data, rtol=0, atol=1e-12)
    mse_loss([v for r in rows for v in r], y.ravel()).backward()

    grads_tensor = np.concatenate([p.grad.ravel() for p in tensor.parameters()])
    grads_scalar = np.array([p.grad for p in scalar.parameters()])
    assert np.abs(grads_tensor).max() > 1e-3  # a real gradient, not all zeros
    np.testing.assert_allclose(grads_scalar, grads_tensor, rtol=0, atol=1e-12)


def _twins(n=12):
    """A ScalarMLP and an MLP with equal weights, and a small data set."""
    X, y = make_moons(n=n, noise=0.1, seed=3)
    return ScalarMLP(2, [6, 4], 1, seed=2), MLP(2, [6, 4], 1, seed=2), X, y


def _hand_loop(model, X, y, loss_fn, steps=10, lr=0.1):
    """Full-batch SGD written out, as in lesson 05 (Values) and lesson 07 (Tensors)."""
    optimizer = SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        if isinstance(model, ScalarMLP):
            scores = [model(list(x)) for x in X]
        else:
            scores = model(Tensor(X, requires_grad=False))
        loss = loss_fn(scores, y)
        model.zero_grad()
        loss.backward()
        optimizer.step()
    return model.get_weights()


@pytest.mark.parametrize("loss", ["hinge", "mse"])
def test_scalar_and_tensor_mlp_train_identically(loss):
    loss_fn = {"hinge": hinge_loss, "mse": mse_loss}[loss]
    scalar, tensor, X, y = _twins()
    y = to_pm1(y)
    start = tensor.get_weights()
    np.testing.assert_array_equal(scalar.get_weights(), start)

    by_hand = [_hand_loop(m, X, y, loss_fn) for m in (scalar, tensor)]
    np.testing.assert_allclose(by_hand[0], by_hand[1], rtol=0, atol=1e-10)
    assert np.abs(by_hand[1] - start).max() > 1e-2  # training moved the weights

    scalar.set_weights(start)
    tensor.set_weights(start)
    histories = [
        fit(m, X, y, loss, SGD(m.parameters(), lr=0.1), steps=10, progress=False)
        for m in (scalar, tensor)
    ]
    np.testing.assert_allclose(scalar.get_weights(), tensor.get_weights(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(histories[0].loss, histories[1].loss, rtol=0, atol=1e-12)
    # fit does the same ten steps as the hand-written loop
    np.testing.assert_allclose(tensor.get_weights(), by_hand[1], rtol=0, atol=1e-12)
    np.testing.assert_allclose(scalar.get_weights(), by_hand[0], rtol=0, atol=1e-12)


# ------------------------------------------------------------------ learners' slips (issue 12)


@pytest.mark.parametrize("cls", [MLP, ScalarMLP])
def test_hidden_given_as_a_string_says_to_pass_a_list(cls):
    name = cls.__name__
    with pytest.raises(TypeError, match=rf"^{name}: hidden must be a list of layer sizes, got the "
                                        r"string '16,16'; pass a list like \[16, 16\]$"):
        cls(2, "16,16", 1)
    with pytest.raises(TypeError, match=r"got the string '16'; pass a list like \[16\]$"):
        cls(2, "16", 1)
    with pytest.raises(TypeError, match=rf"^{name}: hidden must be a list of layer sizes such as "
                                        r"\[16, 16\], got 16\.0 \(float\)$"):
        cls(2, 16.0, 1)
    assert cls(2, (3, 2), 1).num_parameters() == cls(2, [3, 2], 1).num_parameters()


@pytest.mark.parametrize("seed", [-1, 2.5, "0", True, [0]])
@pytest.mark.parametrize("make", [
    lambda seed: MLP(2, [3], 1, seed=seed),
    lambda seed: ScalarMLP(2, [3], 1, seed=seed),
    lambda seed: Linear(2, 3, seed=seed),
    lambda seed: Layer(2, 3, seed=seed),
    lambda seed: Neuron(2, seed=seed),
    lambda seed: init_weights(2, 3, seed=seed),
], ids=["MLP", "ScalarMLP", "Linear", "Layer", "Neuron", "init_weights"])
def test_bad_seeds_are_clear_errors(make, seed):
    with pytest.raises(ValueError, match=r"^(MLP|ScalarMLP|Linear|Layer|Neuron|init_weights): seed "
                                         r"must be a non-negative integer \(or a numpy "
                                         r"Generator\), got .*; try seed=0$"):
        make(seed)


def test_good_seeds():
    assert MLP(2, [3], 1, seed=np.int64(4)).get_weights().tolist() == \
        MLP(2, [3], 1, seed=4).get_weights().tolist()
    Linear(2, 3, seed=None)  # fresh randomness is allowed


def test_module_zero_grad_set_to_none():
    model = MLP(2, [3], 1)
    model(np.ones((2, 2))).sum().backward()
    model.zero_grad(set_to_none=True)
    assert all(p.grad is None for p in model.parameters())
    model.zero_grad()
    assert all(np.all(p.grad == 0) for p in model.parameters())
    scalar = ScalarMLP(2, [3], 1)
    scalar.zero_grad(set_to_none=True)  # Value grads stay numbers: their backward adds to them
    assert all(p.grad == 0.0 for p in scalar.parameters())
