"""Learner answers for lesson 05: the learner's 5.1 Neuron, 5.2 Layer and 5.3 MLP classes,
5.4 counting parameters, 5.5 the mean squared error, 5.6 one SGD step, 5.7 one step of the
training loop, 5.8 what .grad holds without zero_grad."""

import random

import numpy as np

from backproplab import Value
from backproplab.losses import mse_loss
from corpus import RIGHT, TODO, WRONG

CHECKERS = {"5.1": "check_neuron", "5.2": "check_layer", "5.3": "check_mlp",
            "5.4": "check_num_parameters", "5.5": "check_mse", "5.6": "check_sgd_step",
            "5.7": "check_train_step", "5.8": "check_zero_grad"}

CASES = [
    ("5.4", "the reference", 37, RIGHT, "(2 + 1) * 4 + (4 + 1) * 4 + (4 + 1) * 1 = 37"),
    ("5.4", "a float", 37.0, RIGHT, "Right"),
    ("5.4", "the formula", (2 + 1) * 4 + (4 + 1) * 4 + (4 + 1) * 1, RIGHT, "Right"),
    ("5.4", "weights plus biases", (2 * 4 + 4 * 4 + 4 * 1) + (4 + 4 + 1), RIGHT, "Right"),
    ("5.4", "a numpy int", np.int64(37), RIGHT, "Right"),
    ("5.4", "weights only", 28, WRONG, "weights only"),
    ("5.4", "no output bias", 36, WRONG, "bias of the output neuron"),
    ("5.4", "neurons only", 9, WRONG, "number of neurons"),
    ("5.4", "inputs and neurons", 11, WRONG, "inputs and neurons"),
    ("5.4", "inputs with biases", 39, WRONG, "inputs a bias too"),
    ("5.4", "the product of sizes", 32, WRONG, "multiplies all the layer sizes"),
    ("5.4", "no known mistake", 40, WRONG, "not right yet"),
    ("5.4", "text", "37", WRONG, "not the text"),
    ("5.4", "the placeholder", ..., TODO, "replace the ..."),
    ("5.6", "the reference", 0.7, RIGHT, "0.5 - 0.1 * (-2) = 0.7"),
    ("5.6", "the formula", 0.5 - 0.1 * -2.0, RIGHT, "Right"),
    ("5.6", "a fraction", 7 / 10, RIGHT, "Right"),
    ("5.6", "a numpy array of one", np.array([0.7]), RIGHT, "Right"),
    ("5.6", "uphill", 0.5 + 0.1 * -2.0, WRONG, "moves uphill"),
    ("5.6", "the change only", 0.2, WRONG, "is the change"),
    ("5.6", "lr * grad", -0.2, WRONG, "(minus) the change only"),
    ("5.6", "no learning rate", 2.5, WRONG, "forgets the learning rate"),
    ("5.6", "divided by lr", 20.5, WRONG, "does not divide it"),
    ("5.6", "not moved", 0.5, WRONG, "has not moved"),
    ("5.6", "text", "0.7", WRONG, "not the text"),
    ("5.6", "two numbers", [0.5, 0.7], WRONG, "single number"),
    ("5.6", "the placeholder", ..., TODO, "replace the ..."),
    ("5.8", "the reference", "b", RIGHT, "sum of all gradients so far"),
    ("5.8", "capital", "B", RIGHT, "Right"),
    ("5.8", "brackets", "(b)", RIGHT, "Right"),
    ("5.8", "spaces", " b ", RIGHT, "Right"),
    ("5.8", "b)", "b)", RIGHT, "Right"),
    ("5.8", "with the text", "b: the sum of the gradients computed at steps 1, 2 and 3",
     RIGHT, "Right"),
    ("5.8", "a", "a", WRONG, ("Not a", "what zeroing the gradients guarantees")),
    ("5.8", "c", "c", WRONG, ("Not c", "not zero")),
    ("5.8", "d", "(d)", WRONG, ("Not d", "different weights")),
    ("5.8", "no such letter", "e", WRONG, 'one of "a", "b", "c", "d"'),
    ("5.8", "a number", 2, WRONG, "one letter as a string"),
    ("5.8", "the placeholder", ..., TODO, "Not attempted"),
]


# ---------------- the code exercises: 5.1 Neuron, 5.2 Layer, 5.3 MLP, 5.5 mse, 5.7 step ----
# The mistakes are written as small changes to a right answer, as a learner would make them.


class Neuron:
    def __init__(self, n_in, activation="tanh", seed=None):
        rng = random.Random(seed)
        self.w = [Value(rng.uniform(-1, 1)) for _ in range(n_in)]
        self.b = Value(0.0)
        self.activation = activation

    def __call__(self, x):
        z = self.b
        for wi, xi in zip(self.w, x):
            z = z + wi * xi
        return z if self.activation == "linear" else z.tanh()

    def parameters(self):
        return self.w + [self.b]


class NeuronSum(Neuron):  # sum() with a start value, bias added last
    def __call__(self, x):
        z = sum((wi * xi for wi, xi in zip(self.w, x)), Value(0.0)) + self.b
        return z.tanh() if self.activation == "tanh" else z


class NeuronExp(Neuron):  # tanh written with exp
    def __call__(self, x):
        z = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        if self.activation == "linear":
            return z
        e = (2 * z).exp()
        return (e - 1) / (e + 1)


class NeuronNoBiasParam(Neuron):
    def parameters(self):
        return self.w


class NeuronNoAct(Neuron):
    def __call__(self, x):
        return sum((wi * xi for wi, xi in zip(self.w, x)), self.b)


class NeuronNoBias(Neuron):
    def __call__(self, x):
        z = sum(wi * xi for wi, xi in zip(self.w, x))
        return z if self.activation == "linear" else z.tanh()


class NeuronData(Neuron):  # computes with the numbers, not the Values
    def __call__(self, x):
        z = self.b.data + sum(wi.data * float(getattr(xi, "data", xi))
                              for wi, xi in zip(self.w, x))
        return Value(z).tanh() if self.activation == "tanh" else Value(z)


class NeuronFloat(Neuron):
    def __call__(self, x):
        return Neuron.__call__(self, x).data


class NeuronNoReturn(Neuron):
    def __call__(self, x):
        z = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        z.tanh()


class NeuronRaises(Neuron):
    def __call__(self, x):
        return sum(wi * xi for wi, xi in zip(self.w, x)) + self.bias


class NeuronStub(Neuron):
    def __call__(self, x):
        ...

    def parameters(self):
        ...


class NeuronBiasFirst(Neuron):
    def parameters(self):
        return [self.b] + self.w


class NeuronDataParams(Neuron):
    def parameters(self):
        return [p.data for p in self.w + [self.b]]


CASES += [
    ("5.1", "the reference", Neuron, RIGHT, "same output and the same gradients"),
    ("5.1", "sum() and the bias last", NeuronSum, RIGHT, "Right"),
    ("5.1", "tanh from exp", NeuronExp, RIGHT, "Right"),
    ("5.1", "no bias in parameters()", NeuronNoBiasParam, WRONG, "not the bias:"),
    ("5.1", "no activation", NeuronNoAct, WRONG, "without the activation"),
    ("5.1", "no bias in the sum", NeuronNoBias, WRONG, "leaves out the bias"),
    ("5.1", "computes with .data", NeuronData, WRONG, "not from copies of their .data"),
    ("5.1", "returns a float", NeuronFloat, WRONG, "not a Value"),
    ("5.1", "forgets return", NeuronNoReturn, WRONG, "forget `return`"),
    ("5.1", "raises", NeuronRaises, WRONG, ("AttributeError", "self.bias")),
    ("5.1", "parameters as numbers", NeuronDataParams, WRONG, "Value objects themselves"),
    ("5.1", "the bias first in parameters()", NeuronBiasFirst, WRONG,
     ("in another order", "weights first, then the bias", "self.w + [self.b]")),
    ("5.1", "an instance, not the class", Neuron(2), WRONG, "pass the class itself"),
    ("5.1", "the hand-out", NeuronStub, TODO, "Not attempted"),
    ("5.1", "the placeholder", ..., TODO, "Not attempted"),
]


class Layer:
    def __init__(self, n_in, n_out, activation="tanh"):
        self.neurons = [Neuron(n_in, activation) for _ in range(n_out)]

    def __call__(self, x):
        return [n(x) for n in self.neurons]

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


class LayerLoop(Layer):  # a loop and extend; one output alone as a Value
    def __init__(self, n_in, n_out, activation="tanh"):
        self.neurons = []
        for _ in range(n_out):
            self.neurons.append(Neuron(n_in, activation=activation))

    def __call__(self, x):
        outs = [n(x) for n in self.neurons]
        return outs[0] if len(outs) == 1 else outs

    def parameters(self):
        params = []
        for n in self.neurons:
            params.extend(n.w)
            params.append(n.b)
        return params


class LayerShared(Layer):
    def __init__(self, n_in, n_out, activation="tanh"):
        self.neurons = [Neuron(n_in, activation)] * n_out


class LayerNoBias(Layer):
    def parameters(self):
        return [w for n in self.neurons for w in n.w]


class LayerNested(Layer):
    def parameters(self):
        return [n.parameters() for n in self.neurons]


class LayerTanhOnly(Layer):  # forgets to pass the activation on
    def __init__(self, n_in, n_out, activation="tanh"):
        self.neurons = [Neuron(n_in) for _ in range(n_out)]


class LayerBadNeuron(Layer):
    def __init__(self, n_in, n_out, activation="tanh"):
        self.neurons = [NeuronNoBias(n_in, activation) for _ in range(n_out)]


class LayerNoReturn(Layer):
    def __call__(self, x):
        outs = [n(x) for n in self.neurons]  # noqa: F841


class LayerStub:
    def __init__(self, n_in, n_out, activation="tanh"):
        ...

    def __call__(self, x):
        ...

    def parameters(self):
        ...


class LayerRaises(Layer):
    def __init__(self, n_in, n_out, activation="tanh"):
        self.neurons = [Neuron(n_in, activation) for _ in n_out]


CASES += [
    ("5.2", "the reference", Layer, RIGHT, "neurons of its own"),
    ("5.2", "a loop, extend, one output alone", LayerLoop, RIGHT, "Right"),
    ("5.2", "one neuron shared", LayerShared, WRONG, "one and the same neuron"),
    ("5.2", "no biases in parameters()", LayerNoBias, WRONG, "not the biases"),
    ("5.2", "a list of lists", LayerNested, WRONG, "list of lists"),
    ("5.2", "activation not passed on", LayerTanhOnly, WRONG, "pass the layer's activation"),
    ("5.2", "a wrong Neuron inside", LayerBadNeuron, WRONG, "finish exercise 5.1 first"),
    ("5.2", "forgets return", LayerNoReturn, WRONG, "forget `return`"),
    ("5.2", "raises", LayerRaises, WRONG, ("TypeError", "not iterable")),
    ("5.2", "a number", 3, WRONG, "pass the class itself"),
    ("5.2", "the hand-out", LayerStub, TODO, "Not attempted"),
    ("5.2", "the placeholder", ..., TODO, "Not attempted"),
]


class MLP:
    def __init__(self, n_in, hidden, n_out):
        sizes = [n_in, *hidden, n_out]
        self.layers = [Layer(a, b, "linear" if k == len(sizes) - 2 else "tanh")
                       for k, (a, b) in enumerate(zip(sizes, sizes[1:]))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


class MLPLoop(MLP):  # hidden layers in a loop, the output layer added after it
    def __init__(self, n_in, hidden, n_out):
        self.layers, size = [], n_in
        for h in hidden:
            self.layers.append(Layer(size, h))
            size = h
        self.layers.append(Layer(size, n_out, activation="linear"))

    def parameters(self):
        params = []
        for layer in self.layers:
            params += layer.parameters()
        return params


class MLPTanhOut(MLP):
    def __init__(self, n_in, hidden, n_out):
        sizes = [n_in, *hidden, n_out]
        self.layers = [Layer(a, b) for a, b in zip(sizes, sizes[1:])]


class MLPFirstLayerParams(MLP):
    def parameters(self):
        for layer in self.layers:
            return layer.parameters()


class MLPNoBias(MLP):
    def parameters(self):
        return [w for layer in self.layers for n in layer.neurons for w in n.w]


class MLPSizes(MLP):  # every layer reads n_in inputs
    def __init__(self, n_in, hidden, n_out):
        sizes = [*hidden, n_out]
        self.layers = [Layer(n_in, b, "linear" if k == len(sizes) - 1 else "tanh")
                       for k, b in enumerate(sizes)]


class MLPList(MLP):
    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


class MLPNoReturn(MLP):
    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)


class MLPLayerTanhOnly(MLP):  # a right MLP on a Layer that drops the activation
    def __init__(self, n_in, hidden, n_out):
        sizes = [n_in, *hidden, n_out]
        self.layers = [LayerTanhOnly(a, b, "linear" if k == len(sizes) - 2 else "tanh")
                       for k, (a, b) in enumerate(zip(sizes, sizes[1:]))]


class MLPLayerNested(MLP):  # a right MLP on a Layer whose parameters() nests lists
    def __init__(self, n_in, hidden, n_out):
        sizes = [n_in, *hidden, n_out]
        self.layers = [LayerNested(a, b, "linear" if k == len(sizes) - 2 else "tanh")
                       for k, (a, b) in enumerate(zip(sizes, sizes[1:]))]


class MLPStub:
    def __init__(self, n_in, hidden, n_out):
        ...

    def __call__(self, x):
        ...

    def parameters(self):
        ...


class MLPRaises(MLP):
    def __init__(self, n_in, hidden, n_out):
        sizes = [n_in] + hidden + n_out
        self.layers = [Layer(a, b) for a, b in zip(sizes, sizes[1:])]


CASES += [
    ("5.3", "the reference", MLP, RIGHT, "matches backproplab's ScalarMLP"),
    ("5.3", "a loop, the output layer after it", MLPLoop, RIGHT, "Right"),
    ("5.3", "tanh on the output layer", MLPTanhOut, WRONG, "tanh on the last layer"),
    ("5.3", "return inside the loop", MLPFirstLayerParams, WRONG, "only the first layer"),
    ("5.3", "no biases in parameters()", MLPNoBias, WRONG, "not the biases"),
    ("5.3", "sizes not chained", MLPSizes, WRONG, "should read 3 inputs"),
    ("5.3", "a list of one output", MLPList, WRONG, "return the Value itself"),
    ("5.3", "forgets return", MLPNoReturn, WRONG, "forget `return`"),
    ("5.3", "raises", MLPRaises, WRONG, ("TypeError", "list")),
    ("5.3", "a Layer that drops the activation", MLPLayerTanhOnly, WRONG,
     ("finish exercise 5.2 first", "pass the layer's activation")),
    ("5.3", "a Layer with nested parameters()", MLPLayerNested, WRONG,
     ("finish exercise 5.2 first", "Layer.parameters() returned a list of lists")),
    ("5.3", "a string", "MLP", WRONG, "pass the class itself"),
    ("5.3", "the hand-out", MLPStub, TODO, "Not attempted"),
    ("5.3", "the placeholder", ..., TODO, "Not attempted"),
]


def mse(preds, targets):
    return sum((p - t) ** 2 for p, t in zip(preds, targets)) * (1.0 / len(preds))


def mse_stub(preds, targets):
    ...


def mse_no_return(preds, targets):
    loss = sum((p - t) ** 2 for p, t in zip(preds, targets)) / len(preds)  # noqa: F841


CASES += [
    ("5.5", "the reference", mse, RIGHT, "same gradient 2 (pred - target) / n"),
    ("5.5", "target minus pred, divided", lambda p, t: sum((ti - pi) ** 2 for pi, ti in
                                                           zip(p, t)) / len(p), RIGHT, "Right"),
    ("5.5", "the library's mse_loss", mse_loss, RIGHT, "Right"),
    ("5.5", "a product, not a square", lambda p, t: sum((a - b) * (a - b) for a, b in
                                                        zip(p, t)) / len(t), RIGHT, "Right"),
    ("5.5", "the sum", lambda p, t: sum((a - b) ** 2 for a, b in zip(p, t)), WRONG,
     "does not divide by n"),
    ("5.5", "no square", lambda p, t: sum(a - b for a, b in zip(p, t)) / len(p), WRONG,
     "leaves out the square"),
    ("5.5", "the RMSE", lambda p, t: mse(p, t) ** 0.5, WRONG, "square root"),
    ("5.5", "over 2n", lambda p, t: mse(p, t) / 2, WRONG, "divides by 2n"),
    ("5.5", "a float", lambda p, t: mse(p, t).data, WRONG, "not a Value"),
    ("5.5", "forgets return", mse_no_return, WRONG, "forget `return`"),
    ("5.5", "raises", lambda p, t: sum((a - b) ** 2 for a, b in zip(p, t)) / len(p.data),
     WRONG, ("AttributeError", "data")),
    ("5.5", "a number", 0.5, WRONG, "asks for a function"),
    ("5.5", "the hand-out", mse_stub, TODO, "Not attempted"),
    ("5.5", "the placeholder", ..., TODO, "Not attempted"),
]


def step(model, X, y, lr):
    preds = [model(list(row)) for row in X]
    loss = mse(preds, y)
    for p in model.parameters():
        p.grad = 0.0
    loss.backward()
    for p in model.parameters():
        p.data -= lr * p.grad
    return loss.data


def step_list(model, X, y, lr):  # zeroes with a list of params, the library's loss
    params = model.parameters()
    loss = mse_loss([model([x]) for (x,) in X], y)
    for p in params:
        p.grad = 0
    loss.backward()
    for p in params:
        p.data = p.data - lr * p.grad
    return float(loss.data)


def step_value(model, X, y, lr):  # returns the Value, not loss.data
    loss = mse([model(list(row)) for row in X], y)
    for p in model.parameters():
        p.grad = 0.0
    loss.backward()
    for p in model.parameters():
        p.data -= lr * p.grad
    return loss


def mse_float(preds, targets):  # a broken 5.5: returns the number
    return mse(preds, targets).data


def step_float_mse(model, X, y, lr):  # the learner's step on their broken mse
    loss = mse_float([model(list(row)) for row in X], y)
    for p in model.parameters():
        p.grad = 0.0
    loss.backward()
    for p in model.parameters():
        p.data -= lr * p.grad
    return loss


def _make_step(order=("zero", "backward", "update"), sign=-1, rate=True, rebind=False,
               zero_grad=False, returns="before"):
    """A train_step with the parts in `order` (some may be left out) and a mistake."""
    def step(model, X, y, lr):
        loss = mse([model(list(row)) for row in X], y)
        params = model.parameters()
        for part in order:
            if part == "zero":
                if zero_grad:
                    model.zero_grad()
                for p in params:
                    p.grad = 0.0
            elif part == "backward":
                loss.backward()
            elif rebind:
                for p in params:
                    p = p - lr * p.grad  # noqa: PLW2901
            else:
                for p in params:
                    p.data += sign * (lr if rate else 1) * p.grad
        if returns == "after":
            return mse([model(list(row)) for row in X], y).data
        return loss.data if returns == "before" else None
    return step


def step_stub(model, X, y, lr):
    ...  # 1. forward  2. zero the gradients  3. backward  4. update


CASES += [
    ("5.7", "the reference", step, RIGHT, "forward, zero the gradients, backward, update"),
    ("5.7", "a list of params, p.grad = 0", step_list, RIGHT, "Right"),
    ("5.7", "returns the Value", step_value, WRONG, ("returned a Value", "return loss.data")),
    ("5.7", "on an mse that returns a number", step_float_mse, WRONG,
     ("your mse (5.5) is not right yet", "loss_fn")),
    ("5.7", "zeroes at the start", _make_step(("zero", "backward", "update")), RIGHT,
     "Right"),
    ("5.7", "gradients not zeroed", _make_step(("backward", "update")), WRONG,
     "left over from before"),
    ("5.7", "zeroes after the update", _make_step(("backward", "update", "zero")), WRONG,
     "left over from before"),
    ("5.7", "wrong sign", _make_step(sign=+1), WRONG, "uphill"),
    ("5.7", "no learning rate", _make_step(rate=False), WRONG, "forgets the learning rate"),
    ("5.7", "zeroes between backward and update", _make_step(("backward", "zero", "update")),
     WRONG, "zeroed after backward() and before the update"),
    ("5.7", "p = p - lr * p.grad", _make_step(rebind=True), WRONG, "makes a new Value"),
    ("5.7", "model.zero_grad()", _make_step(zero_grad=True), WRONG, "no such method"),
    ("5.7", "the loss after the step", _make_step(returns="after"), WRONG,
     "loss after the update"),
    ("5.7", "forgets return", _make_step(returns=None), WRONG, "forget `return`"),
    ("5.7", "a number", 0.1, WRONG, "asks for a function"),
    ("5.7", "the hand-out", step_stub, TODO, "Not attempted"),
    ("5.7", "the placeholder", ..., TODO, "Not attempted"),
]
