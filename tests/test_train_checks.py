"""Tests for the checks in backproplab.train_checks, through `fit`: runs that looked fine
and were wrong now stop with a message (issue 12), and healthy runs are left alone.

Each bad case is the learner's mistake as written in a lesson cell; each message is
checked word for word. The healthy runs are the configurations that lessons 07-10 train
(collected with `grep "fit(" notebooks/*.ipynb`), plus minibatch runs over seeds and every
optimizer of the playground's menu.
"""

import math
import re

import numpy as np
import pytest

from backproplab.data import make_circles, make_moons, make_spiral, train_test_split
from backproplab.losses import bce_with_logits, mse_loss
from backproplab.nn import MLP, ScalarMLP
from backproplab.optim import DEFAULT_LR, OPTIMIZERS, SGD, Adam
from backproplab.train import History, evaluate, fit
from backproplab.train_checks import stall_note

X, Y = make_moons(n=200, noise=0.1)


def moons_model():
    return MLP(2, [16, 16], 1)


def quiet_fit(*args, **kwargs):
    return fit(*args, progress=False, **kwargs)


# ------------------------------------------------------------------ useless training


def test_sgd_lr_10_with_bce_is_caught(capsys):
    """The issue's case: it peaked at 94x its first loss and ended at 50% accuracy, silently
    (the check waited for 1000x)."""
    model = moons_model()
    history = quiet_fit(model, X, Y, "bce", SGD(model.parameters(), lr=10), steps=200)
    assert history.diverged
    assert history.message == (
        "training diverged at step 3: the loss jumped from 1.2 (step 2) to 43.6, more than"
        " 10 x max(first loss 0.662, 1). The model holds the weights of step 1, which gave"
        " the lowest loss (0.6615); the history ends there. Try a smaller learning rate,"
        " e.g. lr=0.1")
    assert capsys.readouterr().out == history.message + "\n"
    assert history.steps == [1] and history.best_step == 1 and history.diverged_step == 3
    # the model holds the best weights seen, not those after the jump (36%-50% accuracy)
    assert evaluate(model, X, Y, "bce")[0] == min(history.loss) == pytest.approx(0.6615, abs=1e-4)


@pytest.mark.parametrize("lr", [10, 100])
def test_the_suggested_learning_rate_trains(lr):
    model = moons_model()
    history = quiet_fit(model, X, Y, "bce", SGD(model.parameters(), lr=lr), steps=200)
    suggested = float(re.search(r"e\.g\. lr=([0-9.e-]+)$", history.message).group(1))
    assert suggested < lr
    again = moons_model()
    retry = quiet_fit(again, X, Y, "bce", SGD(again.parameters(), lr=suggested), steps=200)
    assert not retry.diverged and not retry.stalled and retry.message == ""
    assert retry.loss[-1] < 0.75 * retry.loss[0]
    assert evaluate(again, X, Y, "bce")[1] >= 0.85


def test_divergence_after_progress_keeps_the_best_weights_not_the_first():
    """Train well, then raise the learning rate in a callback: the model must come back to
    the lowest-loss weights of the run, and the history must end at that step."""
    model = moons_model()
    optimizer = SGD(model.parameters(), lr=0.5)
    saved = {}

    def raise_lr(step, history):
        saved[step] = model.get_weights().copy()  # the weights step + 1 starts from
        if step == 60:
            optimizer.lr = 200.0

    history = quiet_fit(model, X, Y, "bce", optimizer, steps=100, callbacks=[raise_lr])
    assert history.diverged
    best = history.best_step
    assert history.final_step == best and history.loss[-1] == min(history.loss)
    assert 1 < best <= 61
    np.testing.assert_array_equal(model.get_weights(), saved[best - 1])
    assert evaluate(model, X, Y, "bce")[0] == pytest.approx(history.loss[-1], rel=1e-12)
    assert history.message.endswith("e.g. lr=20")  # progress was made: ten times smaller


def config_id(config):
    return config[0]


def lesson_runs():
    """The fit configurations of lessons 07, 09 and 10 that train normally."""
    X7, y7 = make_moons(n=300, noise=0.2, seed=0)
    X7, _, y7, _ = train_test_split(X7, y7, test_fraction=0.25, seed=0)
    X10, y10 = make_moons(n=200, seed=0)
    Xs, ys = make_spiral(n=300)
    Xc, yc = make_circles(n=200)
    return [
        ("07 SGD 0.3 full", lambda: MLP(2, [16, 16], 2, seed=0), X7, y7, "cross_entropy",
         lambda p: SGD(p, lr=0.3), None, 300),
        ("07 SGD 0.3 batch 16", lambda: MLP(2, [16, 16], 2, seed=0), X7, y7, "cross_entropy",
         lambda p: SGD(p, lr=0.3), 16, 300),
        ("07 SGD 0.01 full", lambda: MLP(2, [16, 16], 2, seed=0), X7, y7, "cross_entropy",
         lambda p: SGD(p, lr=0.01), None, 300),
        ("10 Adam 0.01", lambda: MLP(2, [64, 64], 1, activation="relu", seed=0), X10, y10,
         "bce", lambda p: Adam(p, lr=0.01), None, 100),
        ("10 SGD 0.1", lambda: MLP(2, [32, 32], 1, activation="relu", seed=0), X10, y10, "bce",
         lambda p: SGD(p, lr=0.1), None, 100),
        ("10 SGD 1.0", lambda: MLP(2, [32, 32], 1, activation="relu", seed=0), X10, y10, "bce",
         lambda p: SGD(p, lr=1.0), None, 100),
        ("09 spiral Adam 0.01", lambda: MLP(2, [16, 16], 3, seed=0), Xs, ys, "cross_entropy",
         lambda p: Adam(p, lr=0.01), None, 200),
        ("09 circles Adam 0.01", lambda: MLP(2, [8, 8], 1, seed=0), Xc, yc, "bce",
         lambda p: Adam(p, lr=0.01), None, 200),
    ]


@pytest.mark.parametrize("config", lesson_runs(), ids=config_id)
def test_lesson_runs_are_not_flagged(config):
    _, make, Xd, yd, loss, optimizer, batch_size, steps = config
    model = make()
    history = quiet_fit(model, Xd, yd, loss, optimizer(model.parameters()), steps=steps,
                        batch_size=batch_size)
    assert not history.diverged and not history.stalled and history.message == ""
    assert history.final_step == steps


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_noisy_minibatch_runs_are_not_flagged(name):
    """Batches of 8 make the noisiest losses (a batch loss up to 3x the first loss);
    three seeds, each optimizer at the playground's learning rate."""
    Xd, yd = make_moons(n=300, noise=0.2, seed=0)
    for seed in range(3):
        model = MLP(2, [16, 16], 1, seed=seed)
        history = quiet_fit(model, Xd, yd, "bce",
                            OPTIMIZERS[name](model.parameters(), DEFAULT_LR[name]),
                            steps=300, batch_size=8, seed=seed)
        assert not history.diverged and not history.stalled, (seed, history.message)
        assert max(history.loss) < 10 * max(history.loss[0], 1)


@pytest.mark.parametrize("factor", [1, 0.5, -3, True, "10", None])
def test_diverge_factor_must_be_above_one(factor):
    model = moons_model()
    with pytest.raises(ValueError, match=re.escape(
            f"fit: diverge_factor must be a number above 1 (a loss that grows to"
            f" diverge_factor x its first value stops training), got {factor!r}; the default"
            " is 10")):
        quiet_fit(model, X, Y, "bce", SGD(model.parameters(), lr=0.1), steps=3,
                  diverge_factor=factor)


def test_a_larger_diverge_factor_lets_a_spike_pass():
    model = moons_model()
    history = quiet_fit(model, X, Y, "bce", SGD(model.parameters(), lr=5), steps=50,
                        diverge_factor=math.inf)
    assert not history.diverged and history.final_step == 50


# ------------------------------------------------------------------ training that does not learn


def test_a_run_that_does_not_learn_says_so():
    model = moons_model()
    history = quiet_fit(model, X, Y, "bce", SGD(model.parameters(), lr=1e-5), steps=40)
    assert history.stalled and not history.diverged
    assert re.fullmatch(
        r"training is not learning: the loss went from 0\.66\d+ \(first 4 steps\) to 0\.66\d+"
        r" \(last 4 steps\) in 40 steps\. Try a larger learning rate, another optimizer, or"
        r" check the loss and the labels", history.message)
    assert history.message in repr(history)
    # training on with a good learning rate clears the note
    quiet_fit(model, X, Y, "bce", Adam(model.parameters(), lr=0.01), steps=200,
              history=history)
    assert not history.stalled and history.message == ""


def test_accuracy_at_chance_is_not_learning():
    y = np.array([0, 1] * 20)
    history = History(steps=list(range(1, 41)), loss=list(np.linspace(1.0, 0.5, 40)),
                      accuracy=[0.5] * 40)
    assert stall_note(history, True, y) == (
        "training is not learning: the accuracy of the last 4 steps is 50.0%, what always"
        " guessing the commonest class gets (50.0%). Try a larger learning rate, another"
        " optimizer, or check the loss and the labels")
    history.accuracy = [0.5] * 36 + [0.6] * 4
    assert stall_note(history, True, y) == ""
    assert stall_note(history, False, y) == ""  # regression: loss only
    short = History(steps=[1, 2], loss=[1.0, 1.0], accuracy=[0.5, 0.5])
    assert stall_note(short, True, y) == ""  # too short to tell


# ------------------------------------------------------------------ mistakes caught before step 1


def test_an_optimizer_of_another_model_is_caught_before_step_1():
    model = moons_model()
    optimizer = Adam(model.parameters(), lr=0.01)
    model = moons_model()  # the model cell re-run, the optimizer cell not
    before = model.get_weights()
    with pytest.raises(ValueError) as err:
        quiet_fit(model, X, Y, "bce", optimizer, steps=200)
    assert str(err.value) == (
        "fit: the optimizer holds 6 parameters, but none of them belongs to this model: it was"
        " built for another model (did you re-run the cell that builds the model but not the"
        " one that builds the optimizer?). Build it again for this model:"
        " optimizer = Adam(model.parameters(), lr=...)")
    np.testing.assert_array_equal(model.get_weights(), before)


def test_an_optimizer_of_some_parameters_is_fine():
    """Training only the last layer (the others frozen) is a choice, not a slip."""
    model = moons_model()
    first = model.parameters()[0].data.copy()
    quiet_fit(model, X, Y, "bce", SGD(model.parameters()[-2:], lr=0.1), steps=5)
    np.testing.assert_array_equal(model.parameters()[0].data, first)


def test_scalar_models_are_checked_too():
    old = ScalarMLP(2, [3], 1)
    model = ScalarMLP(2, [3], 1)
    with pytest.raises(ValueError, match=r"^fit: the optimizer holds 13 parameters, but none"):
        quiet_fit(model, X[:4], Y[:4], "bce", SGD(old.parameters(), lr=0.1), steps=2)


def test_not_an_optimizer():
    model = moons_model()
    with pytest.raises(TypeError, match=re.escape(
            "fit: optimizer must be an optimizer such as SGD(model.parameters(), lr=0.1),"
            " got list")):
        quiet_fit(model, X, Y, "bce", model.parameters(), steps=2)


def hand_mse(pred, y):
    return ((pred - y) ** 2).mean()  # pred (n, 1) - y (n,): an (n, n) table


def test_a_loss_that_broadcasts_n1_against_n_is_caught():
    model = MLP(2, [16, 16], 1)
    before = model.get_weights()
    with pytest.raises(ValueError) as err:
        quiet_fit(model, X, Y.astype(float), hand_mse, SGD(model.parameters(), lr=0.1),
                  steps=200)
    assert str(err.value) == (
        "fit: the loss broadcasts predictions of shape (200, 1) against targets of shape"
        " (200,) into shape (200, 200) (every prediction against every target), so the"
        " network cannot learn. Give both the same shape in your loss, e.g. pred.reshape(-1)"
        " for predictions of shape (200,)")
    np.testing.assert_array_equal(model.get_weights(), before)  # caught before the update
    with pytest.raises(ValueError, match=r"shape \(16, 1\) against targets of shape \(16,\)"):
        quiet_fit(model, X, Y.astype(float), hand_mse, SGD(model.parameters(), lr=0.1),
                  steps=5, batch_size=16)


def test_a_loss_with_matching_shapes_is_not_flagged():
    """Batch 16 and hidden layers 16 wide: (16, 16) results exist, upstream of the scores."""
    model = MLP(2, [16, 16], 1)
    history = quiet_fit(model, X, Y.astype(float),
                        lambda pred, y: ((pred.reshape(-1) - y) ** 2).mean(),
                        SGD(model.parameters(), lr=0.1), steps=5, batch_size=16)
    assert history.final_step == 5
    history = quiet_fit(model, X, Y.astype(float), mse_loss, SGD(model.parameters(), lr=0.1),
                        steps=5, batch_size=16)
    assert history.final_step == 5


def test_callbacks_must_be_a_list():
    def show(step, history):
        pass

    model = moons_model()
    with pytest.raises(TypeError, match=re.escape(
            "fit: callbacks must be a list of functions, got the single function show;"
            " write callbacks=[show]")):
        quiet_fit(model, X, Y, "bce", SGD(model.parameters(), lr=0.1), steps=5, callbacks=show)
    with pytest.raises(TypeError, match=re.escape(
            "fit: callbacks[1] is a int, not a function; pass functions cb(step, history)")):
        quiet_fit(model, X, Y, "bce", SGD(model.parameters(), lr=0.1), steps=5,
                  callbacks=[show, 3])
    with pytest.raises(TypeError, match=r"^fit: callbacks must be a list of functions"
                                        r" cb\(step, history\), got int$"):
        quiet_fit(model, X, Y, "bce", SGD(model.parameters(), lr=0.1), steps=5, callbacks=3)


# ------------------------------------------------------------------ learning-rate schedules


class Halving:
    """A stand-in schedule: halves the optimizer's lr after every step."""

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.calls = 0

    def step(self):
        self.calls += 1
        self.optimizer.lr = self.optimizer.lr / 2


def test_a_scheduler_steps_after_every_update_and_lr_is_recorded():
    model = moons_model()
    optimizer = SGD(model.parameters(), lr=0.8)
    schedule = Halving(optimizer)
    history = quiet_fit(model, X, Y, "bce", optimizer, steps=5, scheduler=schedule)
    assert schedule.calls == 5
    assert history.lr == [0.8, 0.4, 0.2, 0.1, 0.05]
    assert optimizer.lr == 0.025
    # the same updates by hand
    again = moons_model()
    opt = SGD(again.parameters(), lr=0.8)
    for lr in history.lr:
        opt.lr = lr
        loss = bce_with_logits(again(X), Y)
        again.zero_grad()
        loss.backward()
        opt.step()
    np.testing.assert_allclose(model.get_weights(), again.get_weights(), rtol=1e-14)


def test_step_lr_from_backproplab_schedulers():
    schedulers = pytest.importorskip("backproplab.schedulers")
    model = moons_model()
    optimizer = SGD(model.parameters(), lr=0.4)
    history = quiet_fit(model, X, Y, "bce", optimizer, steps=7,
                        scheduler=schedulers.StepLR(optimizer, step_size=3, gamma=0.5))
    assert history.lr == pytest.approx([0.4] * 3 + [0.2] * 3 + [0.1], rel=1e-15)


@pytest.mark.parametrize("make, error, message", [
    (lambda opt: opt, TypeError,
     "fit: scheduler got an optimizer (SGD); pass a schedule built on it, e.g."
     " scheduler=StepLR(optimizer, step_size=100, gamma=0.5)"),
    (lambda opt: 0.5, TypeError,
     "fit: scheduler must be a learning-rate schedule with a step() method, such as"
     " StepLR(optimizer, step_size=100, gamma=0.5), got float"),
    (lambda opt: Halving(SGD(moons_model().parameters(), lr=0.1)), ValueError,
     "fit: the scheduler Halving changes the lr of another optimizer, not the one passed to"
     " fit; build it on this one: Halving(optimizer, ...)"),
], ids=["an optimizer", "a number", "of another optimizer"])
def test_not_a_scheduler(make, error, message):
    model = moons_model()
    optimizer = SGD(model.parameters(), lr=0.1)
    before = model.get_weights()
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        quiet_fit(model, X, Y, "bce", optimizer, steps=3, scheduler=make(optimizer))
    np.testing.assert_array_equal(model.get_weights(), before)
