"""Lesson 05's code exercises: the learner's Neuron, Layer, MLP, mse and train_step.

The reference solutions pass; other right forms pass; each typical mistake gets its own
hint and no other answer gets it; the cells after an exercise fall back to the library's
twin (and say so) when the exercise is not done; and the claims the lesson prints hold.
(The corpus in tests/corpus/lesson05.py holds one case per learner answer.)"""

import math

import numpy as np
import pytest
from exercise_checks import is_not_attempted, is_right, is_wrong, load_solution

from backproplab import Value
from backproplab.data import make_regression_1d
from backproplab.exercises import lesson05
from backproplab.losses import mse_loss
from backproplab.nn import Layer, Neuron, ScalarMLP


@pytest.fixture(scope="module")
def sol():
    return load_solution("lesson05")


def test_solutions_pass_every_code_exercise(sol):
    assert is_right(lesson05.check_neuron(sol.Neuron))
    assert is_right(lesson05.check_layer(sol.Layer))
    assert is_right(lesson05.check_mlp(sol.MLP))
    assert is_right(lesson05.check_mse(sol.mse))
    assert is_right(lesson05.check_train_step(sol.train_step))


def test_the_library_twins_pass_their_own_checks():
    assert is_right(lesson05.check_neuron(Neuron))
    assert is_right(lesson05.check_layer(Layer))
    assert is_right(lesson05.check_mse(mse_loss))
    assert is_right(lesson05.check_train_step(lesson05.sgd_step))


def test_shared_neuron_hint_fires_only_for_a_shared_neuron(sol):
    class Shared(sol.Layer):
        def __init__(self, n_in, n_out, activation="tanh"):
            self.neurons = [sol.Neuron(n_in, activation)] * n_out

    class Copies(sol.Layer):  # distinct neurons that start with equal weights: still right
        def __init__(self, n_in, n_out, activation="tanh"):
            self.neurons = [sol.Neuron(n_in, activation, seed=0) for _ in range(n_out)]

    assert is_wrong(lesson05.check_layer(Shared), "one and the same neuron")
    assert is_right(lesson05.check_layer(Copies))


def test_missing_bias_hint_fires_only_when_exactly_the_biases_are_missing(sol):
    class NoBias(sol.MLP):
        def parameters(self):
            return [w for layer in self.layers for n in layer.neurons for w in n.w]

    class NoLastLayer(sol.MLP):
        def parameters(self):
            return [p for layer in self.layers[:-1] for p in layer.parameters()]

    assert is_wrong(lesson05.check_mlp(NoBias), "not the biases")
    feedback = lesson05.check_mlp(NoLastLayer)
    assert is_wrong(feedback, "some weights or biases are missing")
    assert "biases: a bias" not in feedback.message


def test_train_step_hints_are_true(sol):
    """Each hint is checked by the mistake it names, and a right step that zeroes with
    model.parameters() called once is not accused of anything."""
    def uphill(model, X, y, lr):
        loss = mse_loss([model(list(r)) for r in X], y)
        for p in model.parameters():
            p.grad = 0.0
        loss.backward()
        for p in model.parameters():
            p.data += lr * p.grad
        return loss.data

    def stale(model, X, y, lr):
        loss = mse_loss([model(list(r)) for r in X], y)
        loss.backward()
        for p in model.parameters():
            p.data -= lr * p.grad
        return loss.data

    assert is_wrong(lesson05.check_train_step(uphill), "uphill")
    assert is_wrong(lesson05.check_train_step(stale), "left over from before")
    # the stale-gradient mistake really changes the step: sgd_step on grads of 0 differs
    model = ScalarMLP(1, [3], 1, activation="tanh", seed=3)
    before = model.get_weights()
    for p in model.parameters():
        p.grad = lesson05.STEP_DATA["stale"]
    stale(model, lesson05.STEP_DATA["X"], lesson05.STEP_DATA["y"], 0.2)
    other = ScalarMLP(1, [3], 1, activation="tanh", seed=3)
    lesson05.sgd_step(other, lesson05.STEP_DATA["X"], lesson05.STEP_DATA["y"], 0.2)
    assert not np.allclose(model.get_weights(), other.get_weights())
    assert not np.allclose(before, other.get_weights())


def test_train_step_must_return_a_plain_number(sol):
    """A step that returns the Value, or an array, is refused (later cells need a float);
    a numpy float is a plain number."""
    def returning(kind):
        def step(model, X, y, lr):
            loss = sol.train_step(model, X, y, lr)
            return {"Value": Value(loss), "array": np.array([loss]),
                    "numpy": np.float64(loss)}[kind]
        return step

    assert is_wrong(lesson05.check_train_step(returning("Value")), "returned a Value")
    assert is_wrong(lesson05.check_train_step(returning("array")), "return loss.data")
    assert is_right(lesson05.check_train_step(returning("numpy")))


def test_train_step_on_a_float_mse_points_back_to_5_5(sol):
    """An mse that returns a number makes backward() fail: the hint names 5.5, and only
    that AttributeError gets it."""
    def step(model, X, y, lr):
        loss = sol.mse([model(list(r)) for r in X], y).data
        loss.backward()
        return loss

    def other(model, X, y, lr):
        loss = sol.mse([model(list(r)) for r in X], y)
        loss.backwards()
        return loss.data

    assert is_wrong(lesson05.check_train_step(step), "your mse (5.5) is not right yet")
    assert "5.5" not in lesson05.check_train_step(other).message


def test_neuron_parameters_order_and_mlp_layers_checked_first(sol):
    """The bias first is refused with the order spelt out; an MLP built on the library's
    nn.Layer passes, one built on a wrong Layer is sent back to 5.2."""
    class BiasFirst(sol.Neuron):
        def parameters(self):
            return [self.b] + self.w

    assert is_wrong(lesson05.check_neuron(BiasFirst), "weights first, then the bias")

    class LibraryLayers(sol.MLP):
        def __init__(self, n_in, hidden, n_out):
            sizes = [n_in, *hidden, n_out]
            self.layers = [Layer(a, b, "linear" if k == len(sizes) - 2 else "tanh")
                           for k, (a, b) in enumerate(zip(sizes, sizes[1:]))]

        def __call__(self, x):
            for layer in self.layers:
                x = layer(x)  # nn.Layer gives one output as the Value itself
            return x if isinstance(x, Value) or len(x) > 1 else x[0]

    assert is_right(lesson05.check_mlp(LibraryLayers))

    class NoBiasLayer(sol.Layer):
        def parameters(self):
            return [w for n in self.neurons for w in n.w]

    class OnNoBiasLayer(sol.MLP):
        def __init__(self, n_in, hidden, n_out):
            sizes = [n_in, *hidden, n_out]
            self.layers = [NoBiasLayer(a, b, "linear" if k == len(sizes) - 2 else "tanh")
                           for k, (a, b) in enumerate(zip(sizes, sizes[1:]))]

    assert is_wrong(lesson05.check_mlp(OnNoBiasLayer), "finish exercise 5.2 first")


def test_mse_hints(sol):
    assert is_wrong(lesson05.check_mse(lambda p, t: sum((a - b) ** 2 for a, b in zip(p, t))),
                    "does not divide by n")
    assert is_wrong(lesson05.check_mse(lambda p, t: sol.mse(p, t).data), "not a Value")
    # 3 x the mean is the sum on a case of 3 samples, not on one of 4: no "sum" hint
    feedback = lesson05.check_mse(lambda p, t: sol.mse(p, t) * 3)
    assert is_wrong(feedback, "but the mean squared error is")
    assert "does not divide" not in feedback.message


def test_use_yours_falls_back_and_says_so(capsys, sol):
    class Stub:
        def __call__(self, x):
            ...

        def parameters(self):
            ...

    assert lesson05.use_yours("Neuron", Stub) is Neuron
    assert "your Neuron is not written yet, so this uses the library's nn.Neuron" in \
        capsys.readouterr().out
    assert lesson05.use_yours("Neuron", sol.Neuron) is sol.Neuron
    assert capsys.readouterr().out == "using your Neuron\n"
    assert lesson05.use_yours("mse", lambda p, t: 0.5) is mse_loss
    assert "your mse is not right yet" in capsys.readouterr().out
    assert lesson05.use_yours("train_step", ...) is lesson05.sgd_step
    with pytest.raises(ValueError, match="unknown name 'Nueron'; choose one of Neuron"):
        lesson05.use_yours("Nueron", Stub)


def test_model_maker_gives_yours_with_the_library_starting_weights(sol, capsys):
    X, y = make_regression_1d(n=30, noise=0.1, seed=0)
    mine = lesson05.model_maker(sol.MLP, 1, [8], 1)()
    assert isinstance(mine, sol.MLP)
    fallback = lesson05.model_maker(..., 1, [8], 1)()
    assert isinstance(fallback, ScalarMLP)
    assert "not written yet" in capsys.readouterr().out
    twin = ScalarMLP(1, [8], 1, activation="tanh", seed=0)
    for model in (mine, fallback):
        loss = mse_loss([model(list(row)) for row in X], y)
        assert math.isclose(loss.data, mse_loss([twin(list(r)) for r in X], y).data,
                            rel_tol=1e-12)
    assert math.isclose(mse_loss([twin(list(r)) for r in X], y).data, 0.7176, abs_tol=5e-5)


def _run(step, model, X, y, lr, steps):
    losses, norms = [], []
    for _ in range(steps):
        losses.append(float(step(model, X, y, lr)))
        norms.append(math.sqrt(sum(p.grad ** 2 for p in model.parameters())))
    return losses, norms


def test_learners_loop_matches_the_library_loop_and_the_lesson_claims(sol):
    """What lesson 05 prints: the learner's loop gives the library's numbers, the loss
    falls at every step while the gradient norm grows at some, the drop is about
    lr * |g|^2 only after the first steps, and lr = 1 raises the loss."""
    X, y = make_regression_1d(n=30, noise=0.1, seed=0)
    mine = lesson05.model_maker(sol.MLP, 1, [8], 1)()
    losses, norms = _run(sol.train_step, mine, X, y, 0.3, 100)
    ref, ref_norms = _run(lesson05.sgd_step, ScalarMLP(1, [8], 1, "tanh", seed=0), X, y, 0.3,
                          100)
    assert np.allclose(losses, ref, rtol=1e-9, atol=0)
    assert np.allclose(norms, ref_norms, rtol=1e-9, atol=0)
    assert all(b < a for a, b in zip(losses, losses[1:]))
    assert any(b > a for a, b in zip(norms, norms[1:]))
    ratio = [(losses[t] - losses[t + 1]) / (0.3 * norms[t] ** 2) for t in range(99)]
    assert max(ratio[:5]) < 0.5  # the first steps: far less than lr * |g|^2
    assert all(0.9 < r < 1.1 for r in ratio[9:])  # from step 10 on: within 10%
    low, high = min(norms[9:]), max(norms[9:])
    assert 0.6 < high / low - 1 < 0.75  # "about two thirds higher"
    trial = ScalarMLP(1, [8], 1, "tanh", seed=0)
    before = lesson05.sgd_step(trial, X, y, 1.0)
    assert mse_loss([trial(list(r)) for r in X], y).data > before


def test_checkers_report_a_learner_error_with_their_line(sol):
    class Broken(sol.Neuron):
        def __call__(self, x):
            return self.b + sum(wi * xi for wi, xi in zip(self.w, x)).tanh()  # sum of ints

        def parameters(self):
            return self.w + [self.b]

    feedback = lesson05.check_neuron(Broken)
    assert feedback.ok is False
    assert "could not check" not in feedback.message


def test_not_attempted_for_the_handouts():
    class Handout:
        def __init__(self, n_in, n_out, activation="tanh"):
            ...

        def __call__(self, x):
            ...

        def parameters(self):
            ...

    def step(model, X, y, lr):
        ...  # 1. forward  2. zero  3. backward  4. update

    assert is_not_attempted(lesson05.check_layer(Handout))
    assert is_not_attempted(lesson05.check_train_step(step))
    assert is_not_attempted(lesson05.check_mse(None))
    assert is_wrong(lesson05.check_neuron(Value), "no parameters method")
