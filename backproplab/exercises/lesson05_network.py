"""Checkers for the network the learner writes in lesson 05: `Neuron`, `Layer`, `MLP`.

Each checker builds the learner's class on sizes of its own, loads known weights into it,
and compares its outputs and its gradients (after `backward()`) with those of the
library's twin in `backproplab.nn` holding the same weights:

    Neuron(n_in, activation="tanh")   act(w . x + b)     twin: nn.Neuron
    Layer(n_in, n_out, activation)    [neuron(x) ...]    twin: nn.Layer
    MLP(n_in, hidden, n_out)          layers in a row    twin: nn.ScalarMLP(..., "tanh")

The classes keep their parts where the lesson's hand-out puts them: `neuron.w` (a list
of Values) and `neuron.b`, `layer.neurons`, `mlp.layers`. A hint for a typical mistake
(no bias in parameters(), one neuron shared by the whole layer, tanh on the output layer)
fires only when the learner's object really is that mistake: the checker looks at the
objects themselves, or recomputes the mistaken formula.
"""

import math

from ..nn import Layer as LibLayer
from ..nn import Neuron as LibNeuron
from ..nn import ScalarMLP
from ..value import Value
from .feedback import (
    call_answer,
    checker_error,
    correct,
    is_stub,
    is_unattempted,
    learner_error,
    not_attempted,
    wrong,
)

# the checkers' own inputs and weights (not the lesson's)
NEURON_W = (0.5, -0.25, 0.75)
NEURON_B = 0.3
INPUTS = ((1.0, -2.0, 0.5), (-0.5, 0.25, 2.0), (-1.0, 1.0, -0.5))  # z > 0, > 0, < 0


def _class_problem(cls, name, methods):
    """Feedback for an answer that is not a class with `methods` yet, or None."""
    if is_unattempted(cls):
        return not_attempted(f"the class {name}")
    if not isinstance(cls, type):
        return wrong(f"pass the class itself, ex.check_{name.lower()}({name}); got a value of"
                     f" type {type(cls).__name__}")
    missing = [m for m in methods if not callable(getattr(cls, m, None))]
    if missing:
        return wrong(f"your {name} has no {missing[0]} method: keep the methods of the"
                     " hand-out and fill them in")
    if all(is_stub(getattr(cls, m)) for m in methods):
        return not_attempted(f"the methods of {name}")
    return None


def _build(cls, name, *args):
    """(instance, None) or (None, Feedback) when the constructor raises or is a stub."""
    try:
        return cls(*args), None
    except Exception as e:  # the learner's __init__ failed
        shown = ", ".join(map(repr, args))
        return None, wrong(f"{name}({shown}) failed: {learner_error(e)}")


def _parameters(obj, name):
    """(list of parameters, None) or (None, Feedback)."""
    result, problem = call_answer(obj.parameters)
    if problem is not None:
        return None, problem
    if isinstance(result, Value):
        return None, wrong(f"{name}.parameters() returned one Value; return a list of them")
    try:
        params = list(result)
    except TypeError:
        return None, wrong(f"{name}.parameters() returned a {type(result).__name__}; return a"
                           " list of Values")
    if any(isinstance(p, (list, tuple)) for p in params):
        return None, wrong(f"{name}.parameters() returned a list of lists; return one flat"
                           " list (extend a list, or use a comprehension with two for's)")
    if not all(isinstance(p, Value) for p in params):
        odd = next(p for p in params if not isinstance(p, Value))
        return None, wrong(f"{name}.parameters() holds a {type(odd).__name__} ({odd!r}); it"
                           " should hold the Value objects themselves (not their .data)")
    return params, None


def _compare_parameters(params, weights, biases, name):
    """Feedback when `params` is not exactly `weights` + `biases` (as objects), or None."""
    ids = [id(p) for p in params]
    want_w, want_b = {id(p) for p in weights}, {id(p) for p in biases}
    if len(set(ids)) < len(ids):
        return wrong(f"{name}.parameters() lists some Values more than once (it has"
                     f" {len(ids)} entries for {len(set(ids))} different Values): each"
                     " parameter once, or an update would move it twice")
    got = set(ids)
    if got == want_w:
        what = "bias" if len(want_b) == 1 else "biases"
        return wrong(f"{name}.parameters() holds the weights but not the {what}: a bias"
                     " is trained too, so it belongs in the list")
    if got == want_w | want_b:
        return None
    if got < want_w | want_b:
        return wrong(f"{name}.parameters() has {len(got)} of the {len(want_w | want_b)}"
                     " parameters: some weights or biases are missing")
    return wrong(f"{name}.parameters() holds Values that are not this {name}'s weights or"
                 " biases; return the Values stored in it (self.w, self.b, ...)")


def _value_out(out, what):
    """(Value, None) or (None, Feedback) for what a __call__ returned."""
    if isinstance(out, Value):
        return out, None
    if isinstance(out, (list, tuple)) and len(out) == 1 and isinstance(out[0], Value):
        return None, wrong(f"{what} returned a list holding one Value; return the Value itself")
    if isinstance(out, (int, float)):
        return None, wrong(f"{what} returned the number {out!r}, not a Value: compute with the"
                           " Values (not their .data), so that backward() can run through it")
    return None, wrong(f"{what} returned a {type(out).__name__}; it should return a Value")


def _close(a, b, tol=1e-9):
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def _neuron_parts(neuron, n_in, name="Neuron"):
    """Feedback when a neuron does not keep n_in Values in .w and a Value in .b, or None."""
    w, b = getattr(neuron, "w", None), getattr(neuron, "b", None)
    if not isinstance(w, list) or not all(isinstance(v, Value) for v in w) or \
            not isinstance(b, Value):
        return wrong(f"a {name} keeps its weights in self.w (a list of Values) and its bias"
                     " in self.b (a Value), as in the hand-out's __init__")
    if len(w) != n_in:
        return wrong(f"a {name} with {n_in} inputs has {len(w)} weights; it needs one per"
                     " input")
    return None


# ---------------- Exercise 5.1: Neuron ----------------

def check_neuron(cls):
    """Exercise 5.1: the learner's Neuron class against nn.Neuron with the same weights."""
    try:
        return _check_neuron(cls)
    except Exception as e:
        return checker_error(e, "your class")


def _check_neuron(cls):
    problem = _class_problem(cls, "Neuron", ("__call__", "parameters"))
    if problem is not None:
        return problem
    for activation in ("tanh", "linear"):
        neuron, problem = _build(cls, "Neuron", len(NEURON_W), activation)
        if problem is None:
            problem = _neuron_parts(neuron, len(NEURON_W))
        if problem is not None:
            return problem
        for v, wi in zip(neuron.w, NEURON_W):
            v.data = wi
        neuron.b.data = NEURON_B
        params, problem = _parameters(neuron, "Neuron")
        if problem is None:
            problem = _compare_parameters(params, neuron.w, [neuron.b], "Neuron")
        if problem is None and [id(p) for p in params] != [id(p) for p in neuron.w + [neuron.b]]:
            problem = wrong("Neuron.parameters() holds the right Values, but in another order:"
                            " list the weights first, then the bias, self.w + [self.b] (the"
                            " lesson and the library's nn.Neuron use that order)")
        if problem is not None:
            return problem
        twin = LibNeuron(len(NEURON_W), activation, weights=NEURON_W)
        twin.b.data = NEURON_B
        problem = _neuron_values(neuron, activation)
        if problem is not None:
            return problem
        for inputs in INPUTS:
            problem = _same_neuron(neuron, twin, inputs, activation)
            if problem is not None:
                return problem
    return correct("Right: your Neuron gives the same output and the same gradients as"
                   " backproplab's nn.Neuron, with tanh and linear, for Value inputs and plain"
                   " numbers alike.")


def _neuron_values(neuron, activation):
    """Feedback when the neuron's outputs on INPUTS differ from act(w . x + b), or None.
    A hint for a typical mistake fires only when it explains the outputs of every input."""
    outs = []
    for inputs in INPUTS:
        described = f"Neuron(3, activation={activation!r}) on {list(inputs)}"
        out, problem = call_answer(neuron, [Value(x) for x in inputs])
        if problem is not None:
            return problem
        out, problem = _value_out(out, f"{described}, your neuron")
        if problem is not None:
            return problem
        outs.append(out.data)
    zs = [NEURON_B + sum(w * x for w, x in zip(NEURON_W, inputs)) for inputs in INPUTS]
    act = math.tanh if activation == "tanh" else (lambda z: z)
    want = [act(z) for z in zs]
    if all(_close(o, v) for o, v in zip(outs, want)):
        return None
    no_b = [z - NEURON_B for z in zs]
    mistakes = [([z for z in zs], "gives w . x + b without the activation: apply tanh when"
                                  " self.activation is \"tanh\""),
                ([math.tanh(z) for z in zs], "applies tanh although the activation is"
                                             " \"linear\": a linear neuron returns w . x + b"
                                             " itself"),
                ([act(z) for z in no_b], "leaves out the bias: z = w . x + b starts from"
                                         " self.b"),
                ([math.tanh(z) for z in no_b], "leaves out the bias, and applies tanh although"
                                               " the activation is \"linear\"")]
    for values, message in mistakes:
        if all(_close(o, v) for o, v in zip(outs, values)):
            return wrong(f"With activation={activation!r}, your neuron {message}.")
    i = next(i for i, (o, v) in enumerate(zip(outs, want)) if not _close(o, v))
    return wrong(f"For Neuron(3, activation={activation!r}) on {list(INPUTS[i])}, your neuron"
                 f" returned {outs[i]:.6g}, but nn.Neuron with the same weights gives"
                 f" {want[i]:.6g}.")


def _same_neuron(neuron, twin, inputs, activation):
    """Feedback when the gradients of neuron(inputs), or its output for plain numbers,
    differ from the twin's, or None (its outputs were checked by _neuron_values)."""
    described = f"Neuron(3, activation={activation!r}) on {list(inputs)}"
    for p in [*neuron.w, neuron.b]:
        p.grad = 0.0
    xs = [Value(x) for x in inputs]
    out = neuron(xs)
    ref = twin([Value(x) for x in inputs])
    try:
        out.backward()
    except Exception as e:
        return wrong(f"backward() through your neuron's output failed: {learner_error(e)}")
    ref.backward()
    mine = [*neuron.w, neuron.b]
    theirs = [*twin.w, twin.b]
    for label, m, t in zip([f"w[{i}]" for i in range(len(neuron.w))] + ["b"], mine, theirs):
        if not _close(m.grad, t.grad):
            return wrong(f"For {described}, after backward() {label}.grad is {m.grad:.6g} but"
                         f" should be {t.grad:.6g}: build the output from the Values"
                         " self.w and self.b themselves, not from copies of their .data")
    twin.zero_grad()
    # plain numbers as inputs work as well (the lesson feeds rows of X)
    out, problem = call_answer(neuron, list(inputs))
    if problem is not None:
        return wrong(f"with plain numbers as inputs, {problem.message}")
    if not isinstance(out, Value) or not _close(out.data, ref.data):
        return wrong(f"{described} with plain numbers (not Values) as inputs gives"
                     f" {out!r}; it should give the same Value as with Value inputs")
    return None


# ---------------- Exercise 5.2: Layer ----------------

def check_layer(cls):
    """Exercise 5.2: the learner's Layer class against nn.Layer with the same weights."""
    try:
        return _check_layer(cls)
    except Exception as e:
        return checker_error(e, "your class")


def _layer_neurons(layer, n_in, n_out, name="Layer"):
    """(neurons, None) or (None, Feedback): layer.neurons must be n_out distinct neurons."""
    neurons = getattr(layer, "neurons", None)
    if not isinstance(neurons, (list, tuple)):
        return None, wrong(f"your {name} keeps no list in self.neurons: __init__ should set"
                           " self.neurons = [Neuron(n_in, activation) for _ in range(n_out)]")
    if len(neurons) != n_out:
        return None, wrong(f"{name}({n_in}, {n_out}) holds {len(neurons)} neurons; it needs"
                           f" n_out = {n_out}")
    if len({id(n) for n in neurons}) < len(neurons):
        return None, wrong(f"the {n_out} entries of {name}.neurons are one and the same"
                           " neuron ([Neuron(...)] * n_out copies the reference, not the"
                           " neuron): every neuron needs weights of its own; make a new one"
                           " per entry, [Neuron(n_in, activation) for _ in range(n_out)]")
    for neuron in neurons:
        problem = _neuron_parts(neuron, n_in)
        if problem is not None:
            return None, problem
    return list(neurons), None


def _load_layer(neurons, twin, offset):
    """Give the learner's neurons and the twin's the same weights (distinct, bias != 0)."""
    for j, (mine, theirs) in enumerate(zip(neurons, twin.neurons)):
        for i, (m, t) in enumerate(zip(mine.w, theirs.w)):
            m.data = t.data = round(0.1 * ((3 * i + 5 * j + offset) % 11) - 0.5, 2)
        mine.b.data = theirs.b.data = 0.1 * (j + 1)


def _check_layer(cls):
    problem = _class_problem(cls, "Layer", ("__init__", "__call__", "parameters"))
    if problem is not None:
        return problem
    for n_in, n_out, activation in ((3, 2, "tanh"), (2, 3, "linear"), (3, 1, "tanh")):
        layer, problem = _build(cls, "Layer", n_in, n_out, activation)
        if problem is not None:
            return problem
        neurons, problem = _layer_neurons(layer, n_in, n_out)
        if problem is not None:
            return problem
        verdict = check_neuron(type(neurons[0]))  # the neurons must be right first
        if not verdict:
            return wrong("your Layer is made of your Neuron, which is not right yet: finish"
                         f" exercise 5.1 first ({verdict.message})")
        params, problem = _parameters(layer, "Layer")
        if problem is None:
            problem = _compare_parameters(params, [w for n in neurons for w in n.w],
                                          [n.b for n in neurons], "Layer")
        if problem is not None:
            return problem
        twin = LibLayer(n_in, n_out, activation)
        _load_layer(neurons, twin, offset=n_in + n_out)
        problem = _same_outputs(layer, twin, neurons, n_in, f"Layer({n_in}, {n_out},"
                                f" activation={activation!r})", n_out, activation)
        if problem is not None:
            return problem
    return correct("Right: your Layer holds n_out neurons of its own, lists all their"
                   " weights and biases, and gives the same outputs and gradients as"
                   " backproplab's nn.Layer.")


def _same_outputs(layer, twin, neurons, n_in, described, n_out, activation):
    """Feedback when the layer's outputs or gradients differ from the twin's, or None."""
    for n in neurons:
        for p in [*n.w, n.b]:
            p.grad = 0.0
    inputs = [0.5 * (-1) ** i * (i + 1) for i in range(n_in)]
    xs = [Value(x) for x in inputs]
    outs, problem = call_answer(layer, xs)
    if problem is not None:
        return problem
    if isinstance(outs, Value) and n_out == 1:
        outs = [outs]  # one neuron: a Value alone is fine too
    if isinstance(outs, Value):
        return wrong(f"{described} returned one Value; it should return a list of {n_out},"
                     " one output per neuron")
    if not isinstance(outs, (list, tuple)) or not all(isinstance(o, Value) for o in outs):
        return wrong(f"{described} returned {outs!r}; it should return a list of Values, one"
                     " per neuron")
    if len(outs) != n_out:
        return wrong(f"{described} returned {len(outs)} outputs; it should return one per"
                     f" neuron, {n_out}")
    refs = twin([Value(x) for x in inputs])
    refs = refs if isinstance(refs, list) else [refs]
    for j, (o, r) in enumerate(zip(outs, refs)):
        if not _close(o.data, r.data):
            other = "tanh" if activation == "linear" else "linear"
            twin_other = LibNeuron(n_in, other, weights=[w.data for w in neurons[j].w])
            twin_other.b.data = neurons[j].b.data
            if _close(o.data, twin_other(inputs).data):
                return wrong(f"{described}: output {j} is that of a {other} neuron; pass the"
                             " layer's activation on to its neurons,"
                             " Neuron(n_in, activation)")
            return wrong(f"{described}: output {j} is {o.data:.6g}, but nn.Layer with the"
                         f" same weights gives {r.data:.6g}")
    total = sum(outs[1:], outs[0])
    total.backward()
    ref_total = sum(refs[1:], refs[0])
    ref_total.backward()
    for j, (mine, theirs) in enumerate(zip(neurons, twin.neurons)):
        for m, t in zip([*mine.w, mine.b], [*theirs.w, theirs.b]):
            if not _close(m.grad, t.grad):
                return wrong(f"{described}: after backward() a parameter of neuron {j} has"
                             f" grad {m.grad:.6g}, but should have {t.grad:.6g}")
    for i, x in enumerate(xs):
        want = sum(t.w[i].data * (1 - r.data ** 2 if activation == "tanh" else 1)
                   for t, r in zip(twin.neurons, refs))
        if not _close(x.grad, want):
            return wrong(f"{described}: input {i} gets the gradient {x.grad:.6g}, but should"
                         f" get {want:.6g}, the sum over every neuron it feeds")
    return None


# ---------------- Exercise 5.3: MLP ----------------

def check_mlp(cls):
    """Exercise 5.3: the learner's MLP class against nn.ScalarMLP(..., activation="tanh")
    with the same weights."""
    try:
        return _check_mlp(cls)
    except Exception as e:
        return checker_error(e, "your class")


def mlp_layers(model, sizes, name="MLP"):
    """(list of each layer's neurons, None) or (None, Feedback) for a model with .layers
    of the given sizes, e.g. (1, 8, 1)."""
    layers = getattr(model, "layers", None)
    shown = ", ".join(map(str, sizes))
    if not isinstance(layers, (list, tuple)):
        return None, wrong(f"your {name} keeps no list in self.layers: __init__ should set"
                           " self.layers, one Layer per pair of neighbouring sizes")
    if len(layers) != len(sizes) - 1:
        return None, wrong(f"an {name} with sizes {shown} needs {len(sizes) - 1} layers (one"
                           f" per pair of neighbouring sizes), yours has {len(layers)}")
    all_neurons = []
    for k, (layer, a, b) in enumerate(zip(layers, sizes, sizes[1:])):
        neurons, problem = _layer_neurons(layer, a, b, name=f"layer {k}")
        if problem is not None:
            return None, wrong(f"in your {name} with sizes {shown}: {problem.message}"
                               f" (layer {k} should read {a} inputs with {b} neurons)")
        all_neurons.append(neurons)
    return all_neurons, None


def load_like(neurons_per_layer, twin):
    """Copy the twin's weights and biases into the learner's neurons (same sizes)."""
    for mine, theirs in zip(neurons_per_layer, twin.layers):
        for m, t in zip(mine, theirs.neurons):
            for a, b in zip(m.w, t.w):
                a.data = b.data
            m.b.data = t.b.data


def _check_mlp(cls):
    problem = _class_problem(cls, "MLP", ("__init__", "__call__", "parameters"))
    if problem is not None:
        return problem
    for n_in, hidden, n_out in ((2, [3, 3], 1), (1, [4], 2)):
        sizes = (n_in, *hidden, n_out)
        described = f"MLP({n_in}, {hidden}, {n_out})"
        model, problem = _build(cls, "MLP", n_in, list(hidden), n_out)
        if problem is None:
            problem = _layers_first(model)
        if problem is not None:
            return problem
        layers, problem = mlp_layers(model, sizes)
        if problem is not None:
            return problem
        params, problem = _parameters(model, "MLP")
        if problem is not None:
            return problem
        weights = [w for neurons in layers for n in neurons for w in n.w]
        biases = [n.b for neurons in layers for n in neurons]
        per_layer = [{id(p) for n in neurons for p in [*n.w, n.b]} for neurons in layers]
        got = {id(p) for p in params}
        if got in per_layer[:1] and len(layers) > 1:
            return wrong(f"{described}.parameters() lists only the first layer's parameters:"
                         " is there a return inside the for loop? Collect every layer's,"
                         " then return once")
        problem = _compare_parameters(params, weights, biases, "MLP")
        if problem is not None:
            return problem
        twin = ScalarMLP(n_in, hidden, n_out, activation="tanh", seed=1)
        for j, n in enumerate(p for layer in twin.layers for p in layer.neurons):
            n.b.data = 0.05 * (j + 1)  # biases that are not 0
        load_like(layers, twin)
        for n in (n for neurons in layers for n in neurons):
            for p in [*n.w, n.b]:
                p.grad = 0.0
        inputs = [0.7, -0.4][:n_in]
        out, problem = call_answer(model, [Value(x) for x in inputs])
        if problem is not None:
            return problem
        ref = twin([Value(x) for x in inputs])
        if n_out == 1:
            out, problem = _value_out(out, f"{described} on {inputs}")
            if problem is not None:
                return problem
            outs, refs = [out], [ref]
        else:
            if not isinstance(out, (list, tuple)) or len(out) != n_out or \
                    not all(isinstance(o, Value) for o in out):
                return wrong(f"{described} on {inputs} returned {out!r}; with {n_out} outputs"
                             f" it should return the list of {n_out} Values")
            outs, refs = list(out), ref
        for o, r in zip(outs, refs):
            if not _close(o.data, r.data):
                return wrong(f"{described} on {inputs} gives {o.data:.6g}, but"
                             f" nn.ScalarMLP with the same weights gives {r.data:.6g}."
                             + _output_layer_hint(layers, twin, inputs, o.data))
        total = sum(outs[1:], outs[0])
        total.backward()
        sum(refs[1:], refs[0]).backward()
        for k, (mine, theirs) in enumerate(zip(layers, twin.layers)):
            for m, t in zip(mine, theirs.neurons):
                for a, b in zip([*m.w, m.b], [*t.w, t.b]):
                    if not _close(a.grad, b.grad):
                        return wrong(f"{described}: after backward() a parameter of layer {k}"
                                     f" has grad {a.grad:.6g}, but should have {b.grad:.6g}")
    return correct("Right: your MLP chains its layers, has a linear output layer, lists all"
                   " its parameters, and matches backproplab's ScalarMLP in outputs and"
                   " gradients.")


def _layers_first(model):
    """Feedback when a class the MLP's layers are made of fails check_layer, or None: a
    mistake in the Layer (exercise 5.2) is sent back there, not blamed on the MLP."""
    layers = getattr(model, "layers", None)
    if not isinstance(layers, (list, tuple)):
        return None  # mlp_layers says what is missing
    for layer_cls in dict.fromkeys(type(layer) for layer in layers):
        if layer_cls is LibLayer:
            continue
        verdict = check_layer(layer_cls)
        if not verdict.ok:
            return wrong("your MLP is made of your Layer, which is not right yet: finish"
                         f" exercise 5.2 first ({verdict.message})")
    return None


def _output_layer_hint(layers, twin, inputs, got):
    """A hint when the learner's output is that of a tanh (not linear) last layer."""
    x = inputs
    for k, layer in enumerate(twin.layers):
        out = [math.tanh(n([*x]).data) if k == len(twin.layers) - 1 else n(x).data
               for n in layer.neurons]
        x = out
    if any(_close(got, v) for v in x):
        return (" Yours is that of a tanh on the last layer: the output layer is linear"
                " (Layer(..., activation=\"linear\")), so the output can be any number.")
    return ""
