"""Tests for backproplab.diagnostics: every number equals one computed here with numpy.

Gradient tables against numpy, recorded gradients against finite differences, dead and
saturated units on models built to have them, update ratios against a manual update,
and the chance-level loss of each loss function.
"""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

from backproplab import Tensor
from backproplab import diagnostics as dg
from backproplab.data import make_moons, make_spiral, to_pm1
from backproplab.functional import cross_entropy
from backproplab.losses import LOSSES, mse_loss
from backproplab.nn import MLP
from backproplab.optim import SGD
from backproplab.train import fit


@pytest.fixture(autouse=True)
def no_figures_left_open():
    plt.close("all")
    yield
    assert plt.get_fignums() == []


def backward(model, X, y, loss="cross_entropy"):
    model.zero_grad()
    LOSSES[loss](model(Tensor(X, requires_grad=False)), y).backward()


# ---------- grad_stats ----------


def test_grad_stats_rows_equal_numpy():
    X, y = make_spiral(30, seed=0)
    model = MLP(2, [5], 3, seed=0)
    backward(model, X, y)
    table = dg.grad_stats(model)
    assert [r["name"] for r in table.rows] == ["layers.0.W", "layers.0.b", "layers.1.W",
                                              "layers.1.b"]
    for row, (_, p) in zip(table.rows, model.named_parameters()):
        assert row["shape"] == p.shape
        assert row["data_std"] == pytest.approx(np.std(p.data), rel=1e-12)
        assert row["grad_mean"] == pytest.approx(np.mean(p.grad), rel=1e-12, abs=1e-300)
        assert row["grad_std"] == pytest.approx(np.std(p.grad), rel=1e-12)
        assert row["grad_norm"] == pytest.approx(np.sqrt(np.sum(p.grad**2)), rel=1e-12)
        if np.any(p.data != 0):
            ratio = np.sqrt(np.sum(p.grad**2)) / np.sqrt(np.sum(p.data**2))
            assert row["ratio"] == pytest.approx(ratio, rel=1e-12)
        else:
            assert row["ratio"] is None  # biases start at 0: no ratio


def test_grad_stats_text_and_html_show_three_significant_digits():
    X, y = make_spiral(30, seed=0)
    model = MLP(2, [5], 3, seed=0)
    backward(model, X, y)
    table = dg.grad_stats(model)
    text = str(table)
    lines = text.splitlines()
    assert lines[0].split() == ["parameter", "shape", "data", "std", "grad", "mean", "grad",
                                "std", "grad", "norm", "|grad|/|data|"]
    first = table.rows[0]
    assert f"{first['grad_norm']:.3g}" in lines[1]
    assert "n/a" in lines[2]  # layers.0.b has no ratio
    assert "norms" in lines[-1]
    assert len({len(line) for line in lines[:5]}) == 1  # aligned columns
    html = table._repr_html_()
    assert html.startswith("<table>") and f"<td style='text-align:right'>{first['data_std']:.3g}"\
        in html
    assert dg._format(0.000123456) == "0.000123" and dg._format(123456.0) == "1.23e+05"


def test_grad_stats_before_backward_raises_with_advice():
    with pytest.raises(ValueError, match=r"call backward first"):
        dg.grad_stats(MLP(2, [3], 1))


def test_grad_stats_notes_all_zero_and_missing_gradients():
    model = MLP(2, [3], 1)
    model.zero_grad()
    assert "Every gradient is 0" in dg.grad_stats(model).note
    model.layers[1].W.grad = None
    table = dg.grad_stats(model)
    assert table.rows[2]["grad_norm"] is None and "got no gradient" in table.note


# ---------- ActivationRecorder ----------


def tiny_tanh_net():
    model = MLP(2, [3, 3], 1, activation="tanh", seed=0)
    rng = np.random.default_rng(5)
    model.set_weights(rng.normal(size=model.num_parameters()))
    return model


def test_recorder_activations_equal_a_numpy_forward_pass():
    model = tiny_tanh_net()
    X = np.random.default_rng(1).normal(size=(6, 2))
    rec = dg.ActivationRecorder(model)
    out = rec.forward(X)
    (W1, b1), (W2, b2), (W3, b3) = [(lay.W.data, lay.b.data) for lay in model.layers]
    h1 = np.tanh(X @ W1 + b1)
    h2 = np.tanh(h1 @ W2 + b2)
    np.testing.assert_allclose(rec.activations["layer 1"], h1, rtol=1e-12)
    np.testing.assert_allclose(rec.pre_activations["layer 2"], h1 @ W2 + b2, rtol=1e-12)
    np.testing.assert_allclose(rec.activations["layer 2"], h2, rtol=1e-12)
    np.testing.assert_allclose(out.data, h2 @ W3 + b3, rtol=1e-12)
    assert rec.layer_names == ["layer 1", "layer 2", "layer 3"]
    assert [rec.activation_name(n) for n in rec.layer_names] == ["tanh", "tanh", "linear"]


def test_recorder_gradients_equal_finite_differences_and_manual_backprop():
    model = tiny_tanh_net()
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(6, 2)), rng.normal(size=6)
    rec = dg.ActivationRecorder(model)
    model.zero_grad()
    mse_loss(rec.forward(X), y).backward()
    (W1, b1), (W2, b2), (W3, b3) = [(lay.W.data, lay.b.data) for lay in model.layers]

    def loss_from_h1(h1):  # the rest of the network, in numpy
        out = np.tanh(h1 @ W2 + b2) @ W3 + b3
        return np.mean((out[:, 0] - y) ** 2)

    h1 = np.tanh(X @ W1 + b1)
    numerical = np.zeros_like(h1)
    eps = 1e-6
    for idx in np.ndindex(*h1.shape):
        plus, minus = h1.copy(), h1.copy()
        plus[idx] += eps
        minus[idx] -= eps
        numerical[idx] = (loss_from_h1(plus) - loss_from_h1(minus)) / (2 * eps)
    np.testing.assert_allclose(rec.gradients["layer 1"], numerical, rtol=1e-6, atol=1e-10)
    # manual backprop: d/dz1 = d/dh1 * (1 - h1**2); d/d(scores) = 2 (out - y) / n
    np.testing.assert_allclose(rec.pre_gradients["layer 1"], numerical * (1 - h1**2),
                               rtol=1e-6, atol=1e-10)
    out = rec.activations["layer 3"][:, 0]
    np.testing.assert_allclose(rec.gradients["layer 3"][:, 0], 2 * (out - y) / len(y),
                               rtol=1e-12)


def test_recorder_stats_equal_numpy_and_find_the_dead_unit():
    model = MLP(2, [3], 1, activation="relu", seed=0)
    hidden = model.layers[0]
    hidden.W.data[:, 1] = [-1.0, -1.0]  # unit 2: z = -x1 - x2 - 0.1 < 0 for x >= 0
    hidden.b.data[1] = -0.1
    X = np.random.default_rng(0).uniform(0, 1, size=(40, 2))
    rec = dg.ActivationRecorder(model)
    rec.forward(X)
    row = rec.stats().rows[0]
    a = np.maximum(X @ hidden.W.data + hidden.b.data, 0)
    assert row["mean"] == pytest.approx(a.mean(), rel=1e-12)
    assert row["std"] == pytest.approx(a.std(), rel=1e-12)
    assert row["dead_pct"] == pytest.approx(100 * np.mean(np.all(a == 0, axis=0)))
    assert row["dead_pct"] >= 33.3  # at least the unit made dead
    assert row["zero_pct"] == pytest.approx(100 * np.mean(a == 0))
    assert row["saturated_pct"] is None
    assert rec.stats().rows[1]["activation"] == "linear"


def test_recorder_saturation_of_tanh_and_sigmoid_with_huge_weights():
    X = np.random.default_rng(0).normal(size=(100, 2))
    for act in ("tanh", "sigmoid"):
        model = MLP(2, [50], 1, activation=act, seed=0)
        model.layers[0].W.data *= 100
        rec = dg.ActivationRecorder(model)
        rec.forward(X)
        a = rec.activations["layer 1"]
        if act == "tanh":
            expected = 100 * np.mean(np.abs(a) > 0.97)
        else:
            expected = 100 * np.mean((a < 0.03) | (a > 0.97))
        row = rec.stats().rows[0]
        assert row["saturated_pct"] == pytest.approx(expected)
        assert row["saturated_pct"] > 80 and row["dead_pct"] is None


def test_recorder_errors():
    rec = dg.ActivationRecorder(MLP(2, [3], 1))
    with pytest.raises(ValueError, match="rec.forward"):
        _ = rec.activations
    rec.forward(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="loss.backward"):
        _ = rec.gradients
    with pytest.raises(TypeError, match="layer_outputs"):
        dg.ActivationRecorder(lambda x: x)
    with pytest.raises(ValueError, match="3 features per row, but this layer expects 2"):
        rec.forward(np.zeros((4, 3)))


def deep_recorder(activation, scale=1.0):
    X, y = make_spiral(60, seed=0)
    model = MLP(2, [16, 16, 16], 3, activation=activation, seed=0)
    for layer in model.layers:
        layer.W.data = layer.W.data * scale
    rec = dg.ActivationRecorder(model)
    model.zero_grad()
    cross_entropy(rec.forward(X), y).backward()
    return rec


def test_activation_histograms_one_per_hidden_layer_with_stats_in_titles():
    rec = deep_recorder("tanh", scale=5.0)
    fig = dg.plot_activation_histograms(rec, bins=20)
    visible = [ax for ax in fig.axes if ax.axison]
    assert len(visible) == 3
    for ax, row in zip(visible, rec.stats().rows):
        title = ax.get_title()
        assert title.startswith(f"{row['layer']} (tanh)")
        assert f"saturated {row['saturated_pct']:.0f}%" in title
        heights = [p.get_height() for p in ax.patches]
        assert sum(heights) == pytest.approx(1.0)  # fractions; tanh values all in (-1, 1)
        assert ax.get_xlim()[0] <= -1 and ax.get_xlim()[1] >= 1


def test_relu_histograms_leave_out_zeros_and_report_dead_units():
    rec = deep_recorder("relu")
    fig = dg.plot_activation_histograms(rec, bins=20)
    ax = fig.axes[0]
    row = rec.stats().rows[0]
    assert f"dead {row['dead_pct']:.0f}%, zeros {row['zero_pct']:.0f}% (not drawn)" in \
        ax.get_title()
    a = rec.activations["layer 1"]
    hist, _ = np.histogram(a[a != 0], bins=20, range=ax.patches[0].get_x() + np.array(
        [0, 20 * ax.patches[0].get_width()]))
    np.testing.assert_allclose([p.get_height() for p in ax.patches], hist / np.sum(a != 0))


def test_gradient_histograms_titles_hold_mean_and_std():
    rec = deep_recorder("tanh")
    fig = dg.plot_gradient_histograms(rec)
    for ax, name in zip(fig.axes, ["layer 1", "layer 2", "layer 3"]):
        g = rec.gradients[name]
        assert f"mean {g.mean():.2g}, std {g.std():.2g}" in ax.get_title()
    pre = dg.plot_gradient_histograms(rec, which="pre", include_output=True)
    assert len([ax for ax in pre.axes if ax.axison]) == 4
    with pytest.raises(ValueError, match="'post' or 'pre'"):
        dg.plot_gradient_histograms(rec, which="z")


# ---------- UpdateRatioTracker ----------


def test_update_ratio_equals_the_manual_update():
    X, y = make_moons(40, seed=0)
    model = MLP(2, [6], 1, seed=0)
    tracker = dg.UpdateRatioTracker(model)
    assert list(tracker.ratios) == ["layers.0.W", "layers.1.W"]  # no biases
    W0 = model.layers[0].W.data.copy()
    opt = SGD(model.parameters(), lr=0.1)
    backward(model, X, y, "bce")
    opt.step()
    tracker.record()
    W1 = model.layers[0].W.data
    expected = np.log10(np.std(W1 - W0) / np.std(W0))
    assert tracker.ratios["layers.0.W"] == [pytest.approx(expected, rel=1e-12)]
    tracker.record()  # nothing changed since: log10(0)
    assert tracker.ratios["layers.0.W"][1] == -math.inf
    assert tracker.steps == [1, 2]


def test_update_ratio_tracker_as_a_fit_callback_and_its_plot():
    X, y = make_moons(40, seed=0)
    model = MLP(2, [6, 6], 1, seed=0)
    tracker = dg.UpdateRatioTracker(model)
    history = fit(model, X, y, "bce", SGD(model.parameters(), lr=0.1), steps=12,
                  callbacks=[tracker], progress=False)
    assert tracker.steps == history.steps
    assert all(len(v) == 12 and np.all(np.isfinite(v)) for v in tracker.ratios.values())
    ax = dg.plot_update_ratios(tracker).axes[0]
    for name, values in tracker.ratios.items():
        line = next(ln for ln in ax.get_lines() if ln.get_label() == name)
        np.testing.assert_array_equal(line.get_ydata(), values)
    guide = next(ln for ln in ax.get_lines() if ln.get_label().startswith("-3"))
    assert list(guide.get_ydata()) == [-3, -3] and guide.get_linestyle() == "--"
    assert ax.get_ylim()[0] < -3 < ax.get_ylim()[1]
    with pytest.raises(ValueError, match="no steps yet"):
        dg.plot_update_ratios(dg.UpdateRatioTracker(model))


@pytest.mark.parametrize("big_lr, best, tracked", [(30.0, 32, 34), (500.0, 31, 31)],
                         ids=["best before the last step", "best at the last step"])
def test_update_ratio_tracker_follows_a_divergence_and_its_rewind(big_lr, best, tracked):
    """fit puts back the best weights and cuts its History back; the tracker must not keep
    (or plot) updates of the discarded weights, and the update after the rewind is a gap."""
    X, y = make_moons(200, seed=0)
    model = MLP(2, [16, 16], 1, seed=0)
    optimizer = SGD(model.parameters(), lr=0.5)
    tracker = dg.UpdateRatioTracker(model)

    def blow_up(step, history):
        if step == 30:
            optimizer.lr = big_lr

    history = fit(model, X, y, "bce", optimizer, steps=60, callbacks=[tracker, blow_up],
                  progress=False)
    assert history.diverged and history.final_step == best
    assert tracker.steps == list(range(1, tracked + 1))  # the run went on before it stopped
    fig = dg.plot_update_ratios(tracker)  # syncs first
    assert tracker.steps == history.steps
    assert all(len(v) == history.final_step for v in tracker.ratios.values())
    assert len(fig.axes[0].get_lines()[0].get_xdata()) == history.final_step
    optimizer.lr = 0.1
    fit(model, X, y, "bce", optimizer, steps=3, history=history, callbacks=[tracker],
        progress=False)
    assert tracker.steps == history.steps
    first_after = len(history.steps) - 3
    assert all(math.isnan(v[first_after]) and np.isfinite(v[first_after + 1:]).all()
               for v in tracker.ratios.values())


# ---------- check_initial_loss ----------


def silent_model(n_in, n_out, activation="tanh"):
    """An untrained model whose last layer is 0: every score is exactly 0."""
    model = MLP(n_in, [8], n_out, activation=activation, seed=0)
    model.layers[-1].W.data[:] = 0
    return model


def test_initial_loss_of_zero_scores_is_chance_for_each_loss():
    X, y = make_spiral(40, n_classes=4, seed=0)
    check = dg.check_initial_loss(silent_model(2, 4), X, y, "cross_entropy")
    assert check.expected == pytest.approx(math.log(4)) and check.loss == pytest.approx(
        math.log(4))
    assert check.ok and "Close to chance" in check.message
    X, y = make_moons(40, seed=0)
    check = dg.check_initial_loss(silent_model(2, 1), X, y, LOSSES["bce"])
    assert check.expected == pytest.approx(math.log(2)) and check.ok
    check = dg.check_initial_loss(silent_model(2, 1), X, to_pm1(y), "hinge")
    assert check.expected == 1.0 and check.loss == pytest.approx(1.0) and check.ok
    t = np.random.default_rng(0).normal(size=40)
    check = dg.check_initial_loss(silent_model(2, 1), X, t, "mse")
    assert check.expected == pytest.approx(np.var(t))
    assert check.loss == pytest.approx(np.mean(t**2)) and check.ok


def test_initial_loss_with_scaled_up_weights_is_not_ok():
    X, y = make_spiral(60, seed=0)
    model = MLP(2, [16], 3, activation="tanh", seed=0)
    for layer in model.layers:
        layer.W.data = layer.W.data * 20
    check = dg.check_initial_loss(model, X, y, "cross_entropy")
    scores = model(Tensor(X, requires_grad=False))
    assert check.loss == pytest.approx(cross_entropy(scores, y).item())
    assert check.score_std == pytest.approx(np.std(scores.data))
    assert not check.ok
    assert "times chance" in check.message and "too large" in check.message
    assert repr(check).startswith("CHECK") and "CHECK" in check._repr_html_()


def test_initial_loss_tolerance_and_errors():
    X, y = make_moons(40, seed=0)
    model = silent_model(2, 1)
    model.layers[-1].b.data[:] = 0.9  # every score 0.9: bce = mean(softplus(0.9) - 0.9 y)
    z = 0.9
    loss = np.mean(np.log1p(np.exp(z)) - y * z)
    check = dg.check_initial_loss(model, X, y, "bce")
    assert check.loss == pytest.approx(loss)
    assert check.ok == (abs(loss - math.log(2)) <= max(0.3 * math.log(2), 0.2))
    assert dg.check_initial_loss(model, X, y, "bce", rtol=0.0, atol=0.01).ok is False
    with pytest.raises(ValueError, match="loss must be one of"):
        dg.check_initial_loss(model, X, y, "l1")
    with pytest.raises(ValueError, match="do not match"):
        dg.check_initial_loss(model, X, y[:10], "bce")


def test_dead_units_counts_units_whose_input_is_never_positive():
    from backproplab.diagnostics import dead_units

    model = MLP(2, [3, 2], 1, seed=0)
    X = np.random.default_rng(0).normal(size=(20, 2))
    assert len(dead_units(model, X)) == 2  # one count per hidden layer
    layer = model.layers[0]
    layer.b.data[...] = [-100.0, 0.0, -100.0]  # units 1 and 3: z <= 0 for every point
    layer.W.data[...] = 0.0  # unit 2: z == 0 for every point, also dead
    assert dead_units(model, X)[0] == 3
    layer.b.data[...] = [100.0, 0.0, -100.0]
    assert dead_units(model, X)[0] == 2
    with pytest.raises(TypeError, match="dead_units needs a model with layer_outputs"):
        dead_units(object(), X)
