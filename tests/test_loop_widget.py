"""The learning-rate slider of lesson 05 and plot_fit: set the slider's value and check
what the picture shows (the plotted data), the text, and the static picture."""

import math

import numpy as np
import pytest

from backproplab.data import make_regression_1d
from backproplab.exercises.lesson05 import sgd_step
from backproplab.loop_widget import (
    BLOW_UP,
    LearningRateSlider,
    plot_fit,
    predict_curve,
    run_loop,
)
from backproplab.nn import ScalarMLP
from backproplab.plots import WARN_COLOR


def make_model():
    return ScalarMLP(1, [3], 1, activation="tanh", seed=0)


@pytest.fixture
def data():
    return make_regression_1d(n=12, noise=0.1, seed=0)


class CountingStep:
    """sgd_step that counts its calls."""

    def __init__(self):
        self.calls = 0

    def __call__(self, model, X, y, lr):
        self.calls += 1
        return sgd_step(model, X, y, lr)


def reference_run(X, y, lr, steps):
    model = make_model()
    losses = [sgd_step(model, X, y, lr) for _ in range(steps)]
    return losses, model


def test_slider_shows_the_run_of_its_learning_rate(data):
    X, y = data
    app = LearningRateSlider(sgd_step, make_model, X, y, steps=20, lr=0.3)
    losses, model = reference_run(X, y, 0.3, 20)
    assert app.losses[0.3] == losses
    np.testing.assert_array_equal(app.loss_line.get_xdata(), np.arange(1, 21))
    np.testing.assert_allclose(app.loss_line.get_ydata(), losses)
    np.testing.assert_allclose(app.fit_line.get_ydata(), predict_curve(model, app.xs))
    assert app.ax_loss.get_yscale() == "log"
    assert app.ax_loss.get_title() == "loss, learning rate 0.3"
    assert app.fit_line.axes.get_ylabel() == "y, and the model's prediction"  # as plot_fit
    assert app.summary() == (f"learning rate 0.3: loss {losses[0]:.4g} at step 1,"
                             f" {losses[-1]:.4g} at step 20; it fell at every step: True")
    assert app.status.value == app.summary()

    app.slider.value = 0.03  # a smaller rate: a different, slower run
    slow, slow_model = reference_run(X, y, 0.03, 20)
    np.testing.assert_allclose(app.loss_line.get_ydata(), slow)
    np.testing.assert_allclose(app.fit_line.get_ydata(), predict_curve(slow_model, app.xs))
    assert slow[-1] > losses[-1]
    assert "learning rate 0.03" in app.summary()


def test_too_large_a_rate_blows_up_and_says_so(data):
    X, y = data
    app = LearningRateSlider(sgd_step, make_model, X, y, steps=60, lr=0.3)
    app.slider.value = 2.0
    losses = app.losses[2.0]
    assert len(losses) < 60
    assert not math.isfinite(losses[-1]) or losses[-1] > BLOW_UP
    assert app.loss_line.get_color() == WARN_COLOR
    assert len(app.fit_line.get_xdata()) == 0  # no curve after a blow-up
    assert "blew up" in app.summary() and f"at step {len(losses)}" in app.summary()
    texts = [t.get_text() for t in app.ax_fit.texts]
    assert texts == [f"blew up at step {len(losses)}: no curve to show"]


def test_runs_are_cached_per_learning_rate(data):
    X, y = data
    step = CountingStep()
    app = LearningRateSlider(step, make_model, X, y, steps=10, lr=0.3)
    assert step.calls == 10
    app.slider.value = 0.1
    assert step.calls == 20
    app.slider.value = 0.3
    assert step.calls == 20  # back to a rate already run: nothing new


def test_static_picture_and_text_for_viewers_without_a_kernel(data):
    X, y = data
    app = LearningRateSlider(sgd_step, make_model, X, y, steps=5, lr=0.3)
    bundle, metadata = app._repr_mimebundle_()
    assert bundle["text/plain"] == app.summary()
    assert bundle["image/png"] and metadata["image/png"]["width"] == 720
    assert "application/vnd.jupyter.widget-view+json" in bundle
    before = bundle["image/png"]
    app.slider.value = 1.0
    assert app._repr_mimebundle_()[0]["image/png"] != before


@pytest.mark.parametrize("kwargs, words", [
    ({"lr": 0.25}, "lr=0.25 is not one of the slider's values"),
    ({"steps": 0}, "steps must be a positive integer, got 0"),
])
def test_bad_settings_are_named(data, kwargs, words):
    X, y = data
    with pytest.raises(ValueError, match=words):
        LearningRateSlider(sgd_step, make_model, X, y, **kwargs)


def test_run_loop_stops_when_the_loss_blows_up_or_overflows():
    calls = []

    def growing(model, X, y, lr):
        calls.append(1)
        return 10.0 ** (3 * len(calls))

    assert run_loop(growing, None, None, None, 0.1, 50) == [1e3, 1e6, 1e9]

    def overflowing(model, X, y, lr):
        raise OverflowError("(34, 'Numerical result out of range')")

    assert run_loop(overflowing, None, None, None, 0.1, 50) == [math.inf]


def test_plot_fit_draws_the_data_and_each_curve(data):
    X, y = data
    start, trained = make_model(), make_model()
    for _ in range(5):
        sgd_step(trained, X, y, 0.3)
    fig = plot_fit(X, y, {"before": start, "after": trained}, title="t")
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.collections[0].get_offsets(), np.c_[X[:, 0], y])
    lines = {line.get_label(): line for line in ax.lines}
    assert lines["before"].get_linestyle() == "--" and lines["after"].get_linestyle() == "-"
    xs = lines["after"].get_xdata()
    assert xs[0] == X.min() and xs[-1] == X.max()
    np.testing.assert_allclose(lines["after"].get_ydata(), predict_curve(trained, xs))
    assert ax.get_title() == "t"


def test_plot_fit_rejects_bad_shapes(data):
    X, y = data
    with pytest.raises(ValueError, match=r"plot_fit: needs X of shape \(n, 1\)"):
        plot_fit(X[:, 0], y, {"m": make_model()})
    with pytest.raises(ValueError, match="got X"):
        plot_fit(X, y[:-1], {"m": make_model()})


def test_predict_curve_takes_a_value_or_a_list_of_one():
    class ListModel:
        def __call__(self, x):
            return [make_model()(x)]

    xs = np.array([-0.5, 0.0, 0.5])
    np.testing.assert_allclose(predict_curve(ListModel(), xs), predict_curve(make_model(), xs))
