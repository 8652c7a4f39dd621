"""Tests for backproplab.train: `fit` trains, records, stops cleanly and explains failures.

The two headline runs train MLP(2, [16, 16], 1) on make_moons(n=200, noise=0.1) to 97%
training accuracy, with Adam and with plain SGD. The rest checks the bookkeeping a learner
reads in lessons 05 and 07: History, minibatches, validation, continuing a run,
callbacks, divergence, Ctrl-C, the progress bar, error messages and `accuracy`.
"""

import math
import os

import numpy as np
import pytest

from backproplab import Tensor, Value
from backproplab.data import make_moons, make_regression_1d, make_spiral, to_pm1
from backproplab.losses import bce_with_logits, mse_loss
from backproplab.nn import MLP, ScalarMLP
from backproplab.optim import SGD, Adam
from backproplab.train import History, accuracy, evaluate, fit

X, Y = make_moons(n=200, noise=0.1)


def moons_model():
    return MLP(2, [16, 16], 1)


def first_step_at(history, target=0.97):
    """The first step whose training accuracy reached `target` (None if never)."""
    return next((s for s, a in zip(history.steps, history.accuracy) if a >= target), None)


# ------------------------------------------------------------------ it learns the moons


def test_adam_learns_the_moons():
    """Adam(lr=0.01), bce, full batch: 97% first at step 79, 100% after 500 steps."""
    model = moons_model()
    history = fit(model, X, Y, "bce", Adam(model.parameters(), lr=0.01), steps=500,
                  progress=False)
    step = first_step_at(history)
    assert step is not None and step <= 500
    final = accuracy(model(X), Y)
    assert final >= 0.97
    assert not history.diverged and history.loss[-1] < 0.1 * history.loss[0]


def test_sgd_learns_the_moons():
    """Plain SGD(lr=0.5), bce, full batch: 97% first at step 112, 100% after 500 steps.

    lr=0.1 is too slow (97% only near step 466) and lr=0.05 stays at 91%; lr=0.5 is
    well inside the stable range (lr=100 diverges, see below).
    """
    model = moons_model()
    history = fit(model, X, Y, "bce", SGD(model.parameters(), lr=0.5), steps=500,
                  progress=False)
    step = first_step_at(history)
    assert step is not None and step <= 500
    assert accuracy(model(X), Y) >= 0.97
    assert not history.diverged


def test_hinge_loss_with_pm1_labels_learns_too():
    model = moons_model()
    y = to_pm1(Y)
    fit(model, X, y, "hinge", Adam(model.parameters(), lr=0.01), steps=300, progress=False)
    assert accuracy(model(X), y) >= 0.97


# ------------------------------------------------------------------ History


def test_history_has_one_entry_per_step():
    model = moons_model()
    loss_before, acc_before = evaluate(model, X, Y, "bce")
    history = fit(model, X, Y, "bce", SGD(model.parameters(), lr=0.1), steps=30, progress=False)
    assert history.steps == list(range(1, 31))
    for name in ("loss", "accuracy", "grad_norm", "lr"):
        assert len(getattr(history, name)) == 30, name
    assert history.lr == [0.1] * 30
    assert history.val_steps == [] and history.val_loss == [] and history.val_accuracy == []
    assert not history.diverged and not history.interrupted and history.message == ""
    assert history.final_step == 30
    # step 1 is measured on the initial weights, before the first update
    assert history.loss[0] == pytest.approx(loss_before, rel=1e-14)
    assert history.accuracy[0] == acc_before
    assert all(isinstance(v, float) for v in history.loss + history.grad_norm)


def test_grad_norm_is_the_global_gradient_norm():
    model = moons_model()
    bce_with_logits(model(X), Y).backward()
    expected = math.sqrt(sum(np.sum(p.grad**2) for p in model.parameters()))
    model = moons_model()
    history = fit(model, X, Y, "bce", SGD(model.parameters(), lr=0.1), steps=1, progress=False)
    assert history.grad_norm == [pytest.approx(expected, rel=1e-14)]


def test_regression_records_no_accuracy():
    Xr, yr = make_regression_1d(n=40)
    model = MLP(1, [8], 1, activation="tanh")
    history = fit(model, Xr, yr, "mse", Adam(model.parameters(), lr=0.01), steps=20,
                  progress=False)
    assert history.accuracy == [] and len(history.loss) == 20
    assert history.loss[-1] < history.loss[0]
    loss, acc = evaluate(model, Xr, yr, "mse")
    assert loss == pytest.approx(mse_loss(model(Xr), yr).item(), rel=1e-14) and math.isnan(acc)


def test_multiclass_with_cross_entropy_and_minibatches():
    Xs, ys = make_spiral(n=150)
    model = MLP(2, [32, 32], 3)
    history = fit(model, Xs, ys, "cross_entropy", Adam(model.parameters(), lr=0.01), steps=300,
                  batch_size=50, progress=False)
    assert history.loss[-1] < 0.1 * history.loss[0]
    assert evaluate(model, Xs, ys, "cross_entropy")[1] >= 0.95


def test_float32_model_trains_and_stays_float32():
    model = MLP(2, [16, 16], 1, dtype=np.float32)
    history = fit(model, X, Y, "bce", Adam(model.parameters(), lr=0.01), steps=200,
                  progress=False)
    assert all(p.dtype == np.float32 for p in model.parameters())
    assert all(type(v) is float for v in history.loss + history.grad_norm)
    assert accuracy(model(X), Y) >= 0.97


def test_history_repr():
    assert repr(History()) == "History(no steps yet)"
    history = History(steps=[1, 2], loss=[0.7, 0.5], accuracy=[0.5, 0.75])
    assert repr(history) == "History(2 steps, loss 0.5000, accuracy 0.750)"


def test_zero_steps_change_nothing():
    model = moons_model()
    before = model.get_weights()
    history = fit(model, X, Y, "bce", SGD(model.parameters(), lr=0.1), steps=0, progress=False)
    assert history.steps == [] and history.final_step == 0
    np.testing.assert_array_equal(model.get_weights(), before)


def test_loss_may_be_a_function():
    histories = []
    for loss in (bce_with_logits, "bce"):
        model = moons_model()
        histories.append(fit(model, X, Y, loss, SGD(model.parameters(), lr=0.1), steps=3,
                             progress=False))
    assert histories[0].loss == histories[1].loss
    assert histories[0].accuracy == histories[1].accuracy and len(histories[0].accuracy) == 3


# ------------------------------------------------------------------ minibatches


def batches_seen(seed, steps=12, batch_size=32):
    """Train on labels 0..199 with mse and record which rows each step used."""
    seen = []

    def recording_mse(scores, y):
        seen.append(np.asarray(y).copy())
        return mse_loss(scores, y)

    model = MLP(2, [4], 1)
    labels = np.arange(len(X))
    fit(model, X, labels, recording_mse, SGD(model.parameters(), lr=1e-6), steps=steps,
        batch_size=batch_size, seed=seed, progress=False)
    return seen, model.get_weights()


def test_minibatches_are_deterministic_for_a_seed():
    first, w_first = batches_seen(seed=5)
    again, w_again = batches_seen(seed=5)
    other, w_other = batches_seen(seed=6)
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    np.testing.assert_array_equal(w_first, w_again)
    assert not np.array_equal(first[0], other[0])
    assert not np.array_equal(w_first, w_other)


def test_minibatches_cover_an_epoch_without_repeats():
    seen, _ = batches_seen(seed=0)
    assert [len(b) for b in seen] == [32] * 12
    # 200 rows: six batches of 32 per epoch (the last 8 rows wait for the next shuffle)
    epoch = np.concatenate(seen[:6])
    assert len(np.unique(epoch)) == 192
    assert not np.array_equal(np.sort(seen[0]), np.sort(seen[6]))


def test_batch_size_at_least_n_is_full_batch():
    seen, _ = batches_seen(seed=0, steps=2, batch_size=500)
    assert all(np.array_equal(b, np.arange(200)) for b in seen)


# ------------------------------------------------------------------ validation


def test_validation_every_eval_every_steps():
    Xv, yv = make_moons(n=60, noise=0.1, seed=1)
    model = moons_model()
    history = fit(model, X, Y, "bce", Adam(model.parameters(), lr=0.01), steps=20,
                  eval_every=5, val=(Xv, yv), progress=False)
    assert history.val_steps == [1, 5, 10, 15, 20]
    assert len(history.val_loss) == 5 and len(history.val_accuracy) == 5
    # the last evaluation sees the weights step 20 started from: one update before the end
    again = moons_model()
    fit(again, X, Y, "bce", Adam(again.parameters(), lr=0.01), steps=19, progress=False)
    loss, acc = evaluate(again, Xv, yv, "bce")
    assert history.val_loss[-1] == pytest.approx(loss, rel=1e-14)
    assert history.val_accuracy[-1] == acc
    assert evaluate(model, Xv, yv, "bce")[0] != history.val_loss[-1]


def test_train_and_validation_metrics_of_a_step_share_the_weights():
    """Validate on the training set itself: every validation entry must equal the training
    entry of its step (the old fit measured validation one update later)."""
    for optimizer in (SGD, Adam):
        model = moons_model()
        history = fit(model, X, Y, "bce", optimizer(model.parameters(), lr=0.05), steps=12,
                      eval_every=3, val=(X, Y), progress=False)
        assert history.val_steps == [1, 3, 6, 9, 12]
        train = {s: (loss, acc) for s, loss, acc in
                 zip(history.steps, history.loss, history.accuracy)}
        for s, loss, acc in zip(history.val_steps, history.val_loss, history.val_accuracy):
            assert loss == pytest.approx(train[s][0], rel=1e-12) and acc == train[s][1]
        # step 1 of both is the untrained model
        assert history.val_loss[0] == pytest.approx(evaluate(moons_model(), X, Y, "bce")[0],
                                                    rel=1e-12)


def test_validation_at_the_last_step_too():
    model = MLP(2, [4], 1)
    history = fit(model, X, Y, "bce", SGD(model.parameters(), lr=0.1), steps=23, eval_every=10,
                  val=(X, Y), progress=False)
    assert history.val_steps == [1, 10, 20, 23]
    assert history.val_loss[-1] == pytest.approx(history.loss[-1], rel=1e-12)


def test_validation_default_eval_every_is_a_fiftieth_of_the_steps():
    model = MLP(2, [4], 1)
    history = fit(model, X, Y, "bce", SGD(model.parameters(), lr=0.1), steps=100,
                  val=(X[:20], Y[:20]), progress=False)
    assert history.val_steps == [1] + list(range(2, 101, 2))


def test_bad_validation_data_fails_before_training():
    model = MLP(2, [4], 1)
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"^fit: val X has 10 rows but val y has 9 labels$"):
        fit(model, X, Y, "bce", SGD(model.parameters(), lr=0.1), steps=5,
            val=(X[:10], Y[:9]), progress=False)
    np.testing.assert_array_equal(model.get_weights(), before)


# ------------------------------------------------------------------ continuing a run


def test_continuing_keeps_step_numbers_and_matches_one_long_run():
    model = moons_model()
    optimizer = Adam(model.parameters(), lr=0.01)
    history = fit(model, X, Y, "bce", optimizer, steps=20, progress=False)
    same = fit(model, X, Y, "bce", optimizer, steps=15, history=history, progress=False)
    assert same is history
    assert history.steps == list(range(1, 36)) and len(history.loss) == 35

    once = moons_model()
    long_run = fit(once, X, Y, "bce", Adam(once.parameters(), lr=0.01), steps=35,
                   progress=False)
    np.testing.assert_array_equal(model.get_weights(), once.get_weights())
    assert history.loss == long_run.loss


def test_continuing_in_chunks_with_minibatches_matches_one_long_run():
    """Chunks of 5 steps (as the playground trains) used to start a fresh shuffle each
    chunk, so an 'epoch' no longer covered the data once; now batches follow the step."""
    model = moons_model()
    optimizer = SGD(model.parameters(), lr=0.3)
    history = None
    for _ in range(8):  # 40 steps: 6 steps per epoch of 200 // 32, so chunks cross epochs
        history = fit(model, X, Y, "bce", optimizer, steps=5, batch_size=32, seed=3,
                      history=history, progress=False)
    once = moons_model()
    long_run = fit(once, X, Y, "bce", SGD(once.parameters(), lr=0.3), steps=40, batch_size=32,
                   seed=3, progress=False)
    assert history.loss == long_run.loss
    np.testing.assert_array_equal(model.get_weights(), once.get_weights())


def test_continuing_with_validation_numbers_val_steps_on():
    model = MLP(2, [4], 1)
    optimizer = SGD(model.parameters(), lr=0.1)
    history = fit(model, X, Y, "bce", optimizer, steps=10, eval_every=5, val=(X, Y),
                  progress=False)
    fit(model, X, Y, "bce", optimizer, steps=10, eval_every=5, val=(X, Y), history=history,
        progress=False)
    assert history.val_steps == [1, 5, 10, 15, 20]


# ------------------------------------------------------------------ stopping


def test_callback_returning_true_stops():
    calls = []

    def stop_at_7(step, history):
        calls.append((step, history.final_step, len(history.loss)))
        return step == 7

    model = moons_model()
    history = fit(model, X, Y, "bce", SGD(model.parameters(), lr=0.1), steps=50,
                  callbacks=[lambda step, h: None, stop_at_7], progress=False)
    assert history.steps == list(range(1, 8))
    assert calls == [(s, s, s) for s in range(1, 8)]
    assert not history.interrupted and not history.diverged


def test_keyboard_interrupt_keeps_the_history(capsys):
    def press_stop(step, history):
        if step == 5:
            raise KeyboardInterrupt

    model = moons_model()
    history = fit(model, X, Y, "bce", SGD(model.parameters(), lr=0.1), steps=50,
                  callbacks=[press_stop], progress=False)
    assert history.interrupted and not history.diverged
    assert history.steps == [1, 2, 3, 4, 5] and len(history.accuracy) == 5
    assert history.message == "training interrupted at step 5"
    assert capsys.readouterr().out == "training interrupted at step 5\n"
    assert np.isfinite(model.get_weights()).all()


def test_divergence_stops_with_a_message_and_the_best_weights(capsys):
    model = moons_model()
    optimizer = SGD(model.parameters(), lr=100)
    history = fit(model, X, Y, "bce", optimizer, steps=50, eval_every=1, val=(X, Y),
                  progress=False)
    assert history.diverged and not history.interrupted and not history.stalled
    assert history.message == (
        "training diverged at step 2: the loss jumped from 0.662 (step 1) to 361, more than"
        " 10 x max(first loss 0.662, 1). The model holds the weights of step 1, which gave"
        " the lowest loss (0.6615); the history ends there. Try a smaller learning rate,"
        " e.g. lr=1")
    assert capsys.readouterr().out == history.message + "\n"
    # the history ends at the best step, for train and validation alike
    assert history.steps == [1] and history.val_steps == [1] and history.best_step == 1
    # the model holds the weights of that step: the untrained ones here
    np.testing.assert_array_equal(model.get_weights(), moons_model().get_weights())
    assert evaluate(model, X, Y, "bce")[0] == history.loss[-1]
    assert optimizer.state == [{} for _ in model.parameters()]  # no stale momentum


def test_infinite_loss_at_the_first_step_keeps_the_initial_weights(capsys):
    model = moons_model()
    before = model.get_weights()
    history = fit(model, X, Y, lambda s, y: bce_with_logits(s, y) * math.inf,
                  SGD(model.parameters(), lr=0.1), steps=5, progress=False)
    assert history.diverged and history.steps == [] and history.best_step == 0
    assert history.message == (
        "training diverged at step 1: the loss became inf. The model keeps the weights it"
        " started with. This is the untrained model, before any update: check the loss"
        " function and the data (a log of 0, huge inputs or labels)")
    assert capsys.readouterr().out == history.message + "\n"
    np.testing.assert_array_equal(model.get_weights(), before)


# ------------------------------------------------------------------ progress bar


def test_progress_false_prints_nothing(capsys):
    model = MLP(2, [4], 1)
    fit(model, X, Y, "bce", SGD(model.parameters(), lr=0.1), steps=5, progress=False)
    assert capsys.readouterr() == ("", "")


def test_progress_bar_is_off_when_asked_or_under_tqdm_disable(monkeypatch):
    from tqdm.auto import tqdm

    from backproplab.train import progress_bar

    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    bar = progress_bar(5, True)  # (tqdm itself may still draw nothing: it reads the
    assert isinstance(bar, tqdm) and bar.total == 5  # variable once, when imported)
    bar.close()
    assert progress_bar(5, False) is None
    for value in ("1", "true", "yes"):
        monkeypatch.setenv("TQDM_DISABLE", value)  # tqdm.auto's notebook bar would ignore it
        assert progress_bar(5, True) is None
    monkeypatch.delenv("TQDM_DISABLE")
    bar = progress_bar(7, True, desc="timing")
    assert bar.total == 7
    bar.close()
    monkeypatch.setenv("TQDM_DISABLE", "0")  # "0" means: not disabled
    bar = progress_bar(5, True)
    assert bar is not None
    bar.close()


@pytest.mark.skipif(bool(os.environ.get("TQDM_DISABLE")),
                    reason="TQDM_DISABLE (set by `make test`) turns every tqdm bar off")
def test_progress_true_shows_a_bar(capsys):
    model = MLP(2, [4], 1)
    fit(model, X, Y, "bce", SGD(model.parameters(), lr=0.1), steps=5)
    assert "training" in capsys.readouterr().err


# ------------------------------------------------------------------ bad inputs


@pytest.mark.parametrize(
    "change, message",
    [
        ({"steps": -1}, r"^fit: steps must be a non-negative integer, got -1$"),
        ({"steps": 2.5}, r"^fit: steps must be a non-negative integer, got 2\.5$"),
        ({"batch_size": 0}, r"^fit: batch_size must be a positive integer or None, got 0$"),
        ({"eval_every": -5}, r"^fit: eval_every must be a positive integer or None \(a"
                             r" fiftieth of the steps\), got -5$"),
        ({"loss": "bce_loss"},
         r"^fit: unknown loss 'bce_loss'; use one of mse, hinge, bce, cross_entropy"
         r" or a function$"),
        ({"y": Y[:-1]}, r"^fit: X has 200 rows but y has 199 labels$"),
        ({"X": X[:, 0]}, r"^fit: X must have shape \(n_samples, n_features\), got \(200,\)$"),
    ],
    ids=["negative steps", "float steps", "batch_size 0", "eval_every -5", "unknown loss",
         "X/y lengths", "1-D X"],
)
def test_bad_inputs(change, message):
    model = MLP(2, [4], 1)
    args = {"X": X, "y": Y, "loss": "bce", "steps": 5, **change}
    before = model.get_weights()
    with pytest.raises(ValueError, match=message):
        fit(model, args.pop("X"), args.pop("y"), optimizer=SGD(model.parameters(), lr=0.1),
            progress=False, **args)
    np.testing.assert_array_equal(model.get_weights(), before)


# ------------------------------------------------------------------ accuracy


def test_accuracy_with_01_labels():
    scores = [2.0, -0.5, 0.1, -3.0, 0.0]
    assert accuracy(scores, [1, 0, 0, 0, 1]) == 0.6  # 0.1 -> 1 is wrong, 0.0 -> 0 is wrong
    assert accuracy(Tensor(np.array(scores).reshape(5, 1)), np.array([1, 0, 1, 0, 0])) == 1.0


def test_accuracy_with_pm1_labels():
    scores = np.array([[2.0], [-0.5], [0.1], [-3.0]])  # (n, 1) against (n,)
    assert accuracy(scores, [1, -1, -1, -1]) == 0.75
    assert accuracy(scores, [1, 1, 1, 1]) == 0.5  # a batch of one class only
    assert accuracy(scores, [-1, -1, -1, -1]) == 0.5


def test_accuracy_multiclass():
    scores = Tensor([[1.0, 2.0, 0.0], [3.0, -1.0, 0.5], [0.0, 0.1, 0.2], [5.0, 4.0, 6.0]])
    assert accuracy(scores, [1, 0, 2, 0]) == 0.75


def test_accuracy_of_values():
    assert accuracy([Value(0.3), Value(-0.2)], [1, -1]) == 1.0
    assert accuracy(Value(-0.3), [1]) == 0.0
    rows = [[Value(0.0), Value(1.0)], [Value(2.0), Value(1.0)]]
    assert accuracy(rows, [1, 1]) == 0.5


# ------------------------------------------------------------------ Value models


def test_fit_trains_a_scalar_mlp():
    Xs, ys = make_moons(n=16, noise=0.1, seed=2)
    ys = to_pm1(ys)
    model = ScalarMLP(2, [6], 1)
    history = fit(model, Xs, ys, "hinge", SGD(model.parameters(), lr=0.1), steps=25,
                  progress=False)
    assert history.steps == list(range(1, 26)) and len(history.accuracy) == 25
    assert history.loss[-1] < 0.8 * history.loss[0]
    assert all(isinstance(p.data, float) for p in model.parameters())
    loss, acc = evaluate(model, Xs, ys, "hinge")
    assert loss < history.loss[0] and acc == accuracy([model(list(x)) for x in Xs], ys)


def test_fit_trains_a_scalar_mlp_with_minibatches_and_mse():
    Xr, yr = make_regression_1d(n=12)
    model = ScalarMLP(1, [5], 1, activation="tanh")
    history = fit(model, Xr, yr, "mse", Adam(model.parameters(), lr=0.05), steps=30,
                  batch_size=4, progress=False)
    assert history.accuracy == [] and len(history.loss) == 30
    assert evaluate(model, Xr, yr, "mse")[0] < evaluate(
        ScalarMLP(1, [5], 1, activation="tanh"), Xr, yr, "mse")[0]


def test_continuing_after_a_divergence_starts_a_fresh_ending(capsys):
    """The old message and flag must not stay on a run that went on and trained well
    (plot_history would draw a 'stopped' line and the old message in red)."""
    model = moons_model()
    optimizer = SGD(model.parameters(), lr=100)
    history = fit(model, X, Y, "bce", optimizer, steps=20, progress=False)
    assert history.diverged and history.final_step == 1
    optimizer.lr = 0.5
    fit(model, X, Y, "bce", optimizer, steps=30, history=history, progress=False)
    assert not history.diverged and history.message == "" and history.final_step == 31
    assert history.steps == list(range(1, 32))
    fit(model, X, Y, "bce", optimizer, steps=0, history=history, progress=False)
    assert history.final_step == 31 and history.message == ""


def test_validation_and_evaluate_use_eval_mode_and_restore_the_mode():
    X, y = make_moons(64, noise=0.1, seed=0)
    model = MLP(2, [8], 1, batchnorm=True, seed=0)
    bn = model.norms[0]
    fit(model, X, y, "bce", Adam(model.parameters(), lr=0.01), steps=5, batch_size=16,
        progress=False, val=(X, y), eval_every=1)
    assert model.training  # back in training mode after each validation
    running = bn.running_mean.copy()
    loss_eval, _ = evaluate(model, X, y, "bce")
    np.testing.assert_array_equal(bn.running_mean, running)  # measuring changes nothing
    assert model.training
    model.eval()
    loss_direct = evaluate(model, X, y, "bce")[0]
    assert not model.training and loss_eval == loss_direct
