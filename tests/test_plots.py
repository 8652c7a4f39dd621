"""Tests for backproplab.plots: every figure holds exactly the data it was given.

The artists (lines, scatter offsets, contour paths, titles) are read back and compared
with numbers computed here with numpy. Bad input (NaN paths, paths far outside the plot,
wrong shapes) must give a figure with a note or a clear error, never a crash.
"""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgba

from backproplab import plots, surface_plots
from backproplab.data import make_moons
from backproplab.nn import MLP
from backproplab.optim import OPTIMIZERS, Adam
from backproplab.train import History, fit


def line_labelled(ax, start):
    """The one line of `ax` whose label starts with `start`."""
    found = [ln for ln in ax.get_lines() if ln.get_label().startswith(start)]
    assert len(found) == 1, [ln.get_label() for ln in ax.get_lines()]
    return found[0]


def linear_model(W, b):
    """An MLP without hidden layers: scores = X @ W + b."""
    W = np.asarray(W, dtype=float)
    model = MLP(W.shape[0], [], W.shape[1])
    model.layers[0].W.data = W
    model.layers[0].b.data = np.asarray(b, dtype=float)
    return model


@pytest.fixture(autouse=True)
def no_figures_left_open():
    """Every plot function must close its figure in pyplot (Jupyter then shows it once)."""
    plt.close("all")
    yield
    assert plt.get_fignums() == []


# ---------- colours ----------


def test_optimizer_colours_cover_every_optimizer_and_differ():
    assert set(plots.OPTIMIZER_COLORS) == set(OPTIMIZERS)
    assert len(set(plots.OPTIMIZER_COLORS.values())) == len(plots.OPTIMIZER_COLORS)
    assert len(set(plots.CLASS_COLORS)) == len(plots.CLASS_COLORS)


def test_optimizer_color_matches_names_and_prefixes():
    assert plots.optimizer_color("Adam") == plots.OPTIMIZER_COLORS["Adam"]
    assert plots.optimizer_color("AdamW") == plots.OPTIMIZER_COLORS["AdamW"]
    assert plots.optimizer_color("Adam lr=0.1") == plots.OPTIMIZER_COLORS["Adam"]
    assert plots.optimizer_color("my optimizer") is None


# ---------- plot_history ----------


@pytest.fixture(scope="module")
def history():
    X, y = make_moons(60, seed=1)
    model = MLP(2, [8], 1, seed=0)
    return fit(model, X[:40], y[:40], "bce", Adam(model.parameters(), lr=0.05), steps=25,
               progress=False, val=(X[40:], y[40:]), eval_every=5)


def test_history_lines_hold_the_history(history):
    fig = plots.plot_history(history)
    loss_ax, acc_ax, grad_ax = fig.axes
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy", "gradient norm"]
    assert list(line_labelled(loss_ax, "train").get_xdata()) == history.steps
    assert list(line_labelled(loss_ax, "train").get_ydata()) == history.loss
    assert list(line_labelled(loss_ax, "validation").get_xdata()) == history.val_steps
    assert list(line_labelled(loss_ax, "validation").get_ydata()) == history.val_loss
    assert list(line_labelled(acc_ax, "train").get_ydata()) == history.accuracy
    assert list(line_labelled(acc_ax, "validation").get_ydata()) == history.val_accuracy
    assert list(grad_ax.get_lines()[0].get_ydata()) == history.grad_norm
    assert loss_ax.get_xlabel() == "step"


def test_history_of_a_regression_has_no_accuracy_panel():
    h = History(steps=[1, 2, 3], loss=[1.0, 0.5, 0.4], grad_norm=[2.0, 1.0, 0.5], lr=[0.1] * 3)
    fig = plots.plot_history(h)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "gradient norm"]


def test_history_uses_a_log_scale_only_for_values_spanning_decades():
    wide = History(steps=[1, 2, 3], loss=[10.0, 1.0, 0.01], grad_norm=[1.0, 0.9, 0.8])
    fig = plots.plot_history(wide)
    assert fig.axes[0].get_yscale() == "log"
    assert fig.axes[1].get_yscale() == "linear"


def test_diverged_history_shows_the_message_and_marks_the_step():
    message = ("training diverged at step 3: the loss became nan. The model keeps its last"
               " good weights; try a smaller learning rate, e.g. lr=0.01 (and a long tail"
               " so that the title needs two lines)")
    h = History(steps=[1, 2], loss=[0.7, 50.0], grad_norm=[1.0, 9.0], diverged=True,
                message=message)
    fig = plots.plot_history(h)
    assert fig.get_suptitle().replace("\n", " ") == message
    assert any(list(ln.get_xdata()) == [3, 3] for ln in fig.axes[0].get_lines())


def test_history_errors():
    with pytest.raises(ValueError, match="no steps yet"):
        plots.plot_history(History())
    h = History(steps=[1], loss=[1.0], grad_norm=[1.0])
    _, axes = plt.subplots(1, 3)
    with pytest.raises(ValueError, match="needs 2 axes"):
        plots.plot_history(h, axes=axes)
    plt.close("all")


def test_given_axes_are_drawn_on_and_their_figure_stays_open(history):
    fig, axes = plt.subplots(1, 3)
    assert plots.plot_history(history, axes=axes) is fig
    assert plt.fignum_exists(fig.number)  # the caller's figure: not closed for them
    plt.close(fig)


# ---------- plot_decision_boundary ----------


def test_decision_boundary_binary_regions_points_and_limits():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(50, 2))
    y = (X[:, 0] > 0).astype(int)
    model = linear_model([[1.0], [0.0]], [0.0])  # score = x1
    fig = plots.plot_decision_boundary(model, X, y, resolution=101, padding=0.1)
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.collections[-1].get_offsets(), X)  # the scatter
    colours = ax.collections[-1].get_facecolors()
    expected = [to_rgba(plots.class_color(c)) for c in y]
    np.testing.assert_allclose(colours, expected)
    pad = 0.1 * np.max(X.max(0) - X.min(0))
    x0, x1 = X[:, 0].min() - pad, X[:, 0].max() + pad
    y0, y1 = X[:, 1].min() - pad, X[:, 1].max() + pad
    np.testing.assert_allclose(ax.get_xlim(), (x0, x1))
    np.testing.assert_allclose(ax.get_ylim(), (y0, y1))
    regions, line = ax.collections[0], ax.collections[1]
    corners = np.vstack([p.vertices for p in regions.get_paths() if len(p.vertices)])
    np.testing.assert_allclose(corners.min(0), [x0, y0])  # the regions cover the grid
    np.testing.assert_allclose(corners.max(0), [x1, y1])
    step = (x1 - x0) / 100
    class_1 = regions.get_paths()[1].vertices
    assert class_1[:, 0].min() > -step  # class 1 (score > 0) only right of x1 = 0
    boundary = np.vstack([p.vertices for p in line.get_paths() if len(p.vertices)])
    np.testing.assert_allclose(boundary[:, 0], 0.0, atol=1e-12)  # score = 0 at x1 = 0
    assert "accuracy on these points 100.0%" in ax.get_title()


def test_decision_boundary_multiclass_and_plus_minus_labels():
    X, y = make_moons(40, seed=0)
    model = linear_model(np.eye(2, 3), np.zeros(3))
    ax = plots.plot_decision_boundary(model, X, y, resolution=30).axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1",
                                                                   "class 2"]
    pm = plots.plot_decision_boundary(linear_model([[1.0], [0.0]], [0.0]), X, 2 * y - 1,
                                      resolution=30)
    assert [t.get_text() for t in pm.axes[0].get_legend().get_texts()] == ["class -1",
                                                                            "class 1"]


def test_decision_boundary_runs_the_model_on_the_whole_grid_at_once():
    X, y = make_moons(40, seed=0)
    model = MLP(2, [4], 1, seed=0)
    calls = []

    def counting(x):
        calls.append(x.shape)
        return model(x)

    counting.parameters = model.parameters
    plots.plot_decision_boundary(counting, X, y, resolution=50)
    assert calls == [(2500, 2), (40, 2)]  # the grid, then the data (for the accuracy)


def test_decision_boundary_errors():
    X, y = make_moons(20, seed=0)
    model = MLP(2, [4], 1)
    with pytest.raises(ValueError, match=r"shape \(n_points, 2\)"):
        plots.plot_decision_boundary(model, np.zeros((20, 3)), y)
    with pytest.raises(ValueError, match="one label per row"):
        plots.plot_decision_boundary(model, X, y[:5])
    with pytest.raises(ValueError, match="one output"):
        plots.plot_decision_boundary(model, X, np.arange(20) % 3)
    with pytest.raises(ValueError, match="class indices 0..2"):
        plots.plot_decision_boundary(MLP(2, [4], 3), X, y + 5)


# ---------- plot_loss_surface ----------


def bowl(x, y):
    return 0.1 * x**2 + 2 * y**2


def test_surface_paths_are_drawn_as_given_with_start_and_end():
    path = np.array([[-1.5, 1.0], [-1.0, 0.5], [-0.5, 0.2], [0.0, 0.0]])
    fig = surface_plots.plot_loss_surface(bowl, {"Adam": path, "SGD": path[:2]})
    ax = fig.axes[0]
    adam = line_labelled(ax, "Adam")
    np.testing.assert_array_equal(np.column_stack(adam.get_data()), path)
    assert adam.get_color() == plots.OPTIMIZER_COLORS["Adam"]
    assert line_labelled(ax, "SGD").get_color() == plots.OPTIMIZER_COLORS["SGD"]
    markers = [ln.get_marker() for ln in ax.get_lines() if ln.get_label().startswith("_")]
    assert markers.count("o") == 2 and markers.count("*") == 2
    assert ax.get_xlim() == (-2, 2) and ax.get_ylim() == (-1, 3)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Adam", "SGD"]


def test_surface_path_leaving_the_plot_is_cut_at_the_edge_and_noted():
    path = np.array([[0.0, 0.0], [1.0, 0.5], [4.0, 0.5], [1e12, 7.0], [0.5, 0.5]])
    ax = surface_plots.plot_loss_surface(bowl, {"Momentum": path}).axes[0]
    line = line_labelled(ax, "Momentum")
    assert line.get_label() == "Momentum (left the plot at step 2)"
    np.testing.assert_allclose(np.column_stack(line.get_data()), [[0, 0], [1, 0.5], [2, 0.5]])


def test_surface_path_with_nan_or_inf_is_cut_and_noted():
    nan_path = np.array([[0.0, 0.0], [0.5, 0.5], [np.nan, 1.0], [0.1, 0.1]])
    inf_path = np.array([[0.0, 0.0], [np.inf, 0.5]])
    ax = surface_plots.plot_loss_surface(bowl, {"Adam": nan_path, "SGD": inf_path}).axes[0]
    assert line_labelled(ax, "Adam").get_label() == "Adam (became NaN at step 2)"
    np.testing.assert_array_equal(np.column_stack(line_labelled(ax, "Adam").get_data()),
                                  nan_path[:2])
    assert line_labelled(ax, "SGD").get_label() == "SGD (became inf at step 1)"


def test_surface_path_starting_outside_or_empty_draws_nothing_but_a_note():
    ax = surface_plots.plot_loss_surface(bowl, {"SGD": [[50.0, 50.0], [0.0, 0.0]]}).axes[0]
    line = line_labelled(ax, "SGD")
    assert line.get_label() == "SGD (starts outside the plot)"
    assert len(line.get_xdata()) == 0


def test_clip_path_edge_crossing():
    pts, note, ended = surface_plots.clip_path([[0, 0], [0, 1], [3, 3]], (-2, 2), (-1, 2))
    np.testing.assert_allclose(pts, [[0, 0], [0, 1], [1.5, 2]])  # hits y = 2 first
    assert note == "left the plot at step 2" and not ended
    pts, note, ended = surface_plots.clip_path([[0, 0], [-5, 0]], (-2, 2), (-1, 2))
    np.testing.assert_allclose(pts, [[0, 0], [-2, 0]])
    assert ended is False
    assert surface_plots.clip_path([[0, 0], [1, 1]], (-2, 2), (-1, 2))[1:] == ("", True)


def test_surface_log_and_linear_levels():
    ax = surface_plots.plot_loss_surface(bowl, resolution=51).axes[0]
    levels = ax.collections[0].levels
    ratios = levels[1:] / levels[:-1]
    np.testing.assert_allclose(ratios, ratios[0])  # log-spaced
    saddle = surface_plots.plot_loss_surface(lambda x, y: x**2 - y**2, resolution=51).axes[0]
    np.testing.assert_allclose(np.diff(saddle.collections[0].levels),
                               np.diff(saddle.collections[0].levels)[0])  # evenly spaced


def test_surface_errors_name_the_problem():
    import math

    with pytest.raises(TypeError, match="np.sin, not math.sin"):
        surface_plots.plot_loss_surface(lambda x, y: math.sin(x) + y)
    with pytest.raises(ValueError, match="elementwise"):
        surface_plots.plot_loss_surface(lambda x, y: np.sum(x * y))
    with pytest.raises(ValueError, match=r"path 'Adam' has shape \(3, 3\)"):
        surface_plots.plot_loss_surface(bowl, {"Adam": np.zeros((3, 3))})
    plt.close("all")  # the figures of the failed calls


def test_surface_gives_two_paths_with_one_colour_different_colours():
    path = [[0.0, 0.0], [0.5, 0.5]]
    ax = surface_plots.plot_loss_surface(bowl, {"Adam lr=0.1": path, "Adam lr=0.01": path}).axes[0]
    colours = {line_labelled(ax, name).get_color() for name in ("Adam lr=0.1", "Adam lr=0.01")}
    assert len(colours) == 2


# ---------- plot_activation_functions ----------


def test_activation_curves_equal_the_functions_and_their_analytic_derivatives():
    x = np.linspace(-4, 4, 401)
    sig = 1 / (1 + np.exp(-x))
    expected = {
        "sigmoid": (sig, sig * (1 - sig)),
        "tanh": (np.tanh(x), 1 - np.tanh(x) ** 2),
        "relu": (np.maximum(x, 0), (x > 0).astype(float)),
        "leaky_relu": (np.where(x > 0, x, 0.01 * x), np.where(x > 0, 1.0, 0.01 * (x < 0))),
    }
    fig = plots.plot_activation_functions()
    assert len(fig.axes) == 8
    for j, (name, (f, df)) in enumerate(expected.items()):
        top, bottom = fig.axes[j], fig.axes[4 + j]
        assert top.get_title() == f"{name}(x)"
        assert bottom.get_title().startswith(f"{name}'(x)")
        np.testing.assert_allclose(top.get_lines()[0].get_ydata(), f, atol=1e-12)
        np.testing.assert_allclose(bottom.get_lines()[0].get_ydata(), df, atol=1e-12)
        np.testing.assert_array_equal(bottom.get_lines()[0].get_xdata(), x)


def test_activation_functions_subset_and_errors():
    fig = plots.plot_activation_functions(["tanh"], x=np.linspace(-1, 1, 5))
    assert len(fig.axes) == 2
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        plots.plot_activation_functions(["swish"])
    with pytest.raises(ValueError, match="1-d array"):
        plots.plot_activation_functions(x=np.zeros((3, 3)))


# ---------- plot_numerical_derivative_error ----------


def test_numerical_derivative_error_lines():
    hs = np.logspace(-12, -1, 12)
    ax = plots.plot_numerical_derivative_error(np.sin, np.cos, 1.0, hs=hs).axes[0]
    forward = np.abs((np.sin(1 + hs) - np.sin(1)) / hs - np.cos(1))
    central = np.abs((np.sin(1 + hs) - np.sin(1 - hs)) / (2 * hs) - np.cos(1))
    np.testing.assert_array_equal(line_labelled(ax, "forward").get_ydata(), forward)
    np.testing.assert_array_equal(line_labelled(ax, "central").get_ydata(), central)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert central[-4] < forward[-4]  # for moderate h the central difference wins
    with pytest.raises(ValueError, match="positive"):
        plots.plot_numerical_derivative_error(np.sin, np.cos, 1.0, hs=[0.1, 0.0])


# ---------- the panels that the widgets draw on their own axes ----------


def test_decision_boundary_draws_test_points_as_triangles():
    X, y = make_moons(40, seed=0)
    X_test, y_test = make_moons(20, seed=1)
    X_test = X_test + 3.0  # far away: the grid must grow to hold them
    model = linear_model([[1.0], [0.0]], [0.0])
    ax = plots.plot_decision_boundary(model, X, y, resolution=20, X_test=X_test,
                                      y_test=y_test).axes[0]
    train, test = ax.collections[-2], ax.collections[-1]
    np.testing.assert_array_equal(train.get_offsets(), X)
    np.testing.assert_array_equal(test.get_offsets(), X_test)
    assert ax.get_xlim()[1] > X_test[:, 0].max() and ax.get_ylim()[1] > X_test[:, 1].max()
    assert "test points" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert "train" in ax.get_title() and "test" in ax.get_title()


def test_training_curves_of_an_empty_history_are_empty_panels(history):
    fig, (a, b) = plt.subplots(1, 2)
    plots.plot_training_curves(History(), a, b)
    assert a.get_title() == "loss" and b.get_title() == "accuracy" and not a.get_lines()
    plots.plot_training_curves(history, a, b)
    assert list(line_labelled(a, "train").get_ydata()) == history.loss
    assert list(line_labelled(b, "validation").get_ydata()) == history.val_accuracy
    plt.close(fig)


def test_layer_grad_norms_one_line_per_layer():
    norms = np.array([[1.0, 0.1, 0.01], [0.9, 0.1, 0.001]])
    ax = plots.plot_layer_grad_norms([1, 2], norms).axes[0]
    for i in range(3):
        np.testing.assert_array_equal(line_labelled(ax, f"layer {i + 1}").get_ydata(),
                                      norms[:, i])
    assert ax.get_yscale() == "log"
    assert plots.plot_layer_grad_norms([], []).axes[0].get_lines() == []
    with pytest.raises(ValueError, match="one row of layer norms per step"):
        plots.plot_layer_grad_norms([1, 2, 3], norms)


def test_loss_curves_cut_at_nan_and_use_optimizer_colours():
    losses = {"SGD": [4.0, 2.0, 1.0, 0.5], "Adam": [4.0, 1.0, np.nan, 0.1]}
    ax = surface_plots.plot_loss_curves(losses).axes[0]
    sgd = line_labelled(ax, "SGD")
    np.testing.assert_array_equal(sgd.get_xdata(), [0, 1, 2, 3])
    np.testing.assert_array_equal(sgd.get_ydata(), losses["SGD"])
    assert sgd.get_color() == plots.OPTIMIZER_COLORS["SGD"]
    adam = line_labelled(ax, "Adam")
    assert adam.get_label() == "Adam (became NaN at step 2)"
    np.testing.assert_array_equal(adam.get_ydata(), [4.0, 1.0])


def test_surface_marks_one_or_several_minima():
    ax = surface_plots.plot_loss_surface(bowl, minima=(0.0, 0.0), resolution=31).axes[0]
    assert list(line_labelled(ax, "minimum").get_xdata()) == [0.0]
    two = [(1.0, 1.0), (-1.0, 2.0)]
    ax = surface_plots.plot_loss_surface(bowl, minima=two, resolution=31).axes[0]
    np.testing.assert_array_equal(np.column_stack(line_labelled(ax, "minima").get_data()), two)


# ---------- honest pictures (issues 12 and 17) ----------


def test_decision_boundary_of_nan_weights_says_so_and_never_shows_an_accuracy():
    X, y = make_moons(60, noise=0.1, seed=0)
    model = MLP(2, [8], 1)
    model.layers[0].W.data[:] = np.nan
    with pytest.warns(RuntimeWarning, match="outputs are NaN or infinite at 100% of the plane"):
        fig = plots.plot_decision_boundary(model, X, y)
    ax = fig.axes[0]
    assert ax.get_title() == "the model's outputs are NaN"
    assert "%" not in ax.get_title()
    assert any("weights are broken" in t.get_text().replace("\n", " ") for t in ax.texts)
    assert not [c for c in ax.collections if hasattr(c, 'levels')]  # no regions, no line
    with pytest.warns(RuntimeWarning):
        fig = plots.plot_decision_boundary(model, X, y, title="lr = 10")
    assert fig.axes[0].get_title() == "lr = 10\nthe model's outputs are NaN"


def test_decision_boundary_of_a_healthy_model_gives_no_warning():
    import warnings

    X, y = make_moons(60, noise=0.1, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plots.plot_decision_boundary(MLP(2, [8], 1), X, y)
    assert fig.axes[0].get_title().startswith("decision regions (accuracy on these points")


def test_every_optimizer_has_its_own_marker():
    assert set(plots.OPTIMIZER_MARKERS) == set(OPTIMIZERS)
    assert len(set(plots.OPTIMIZER_MARKERS.values())) == len(OPTIMIZERS)
    assert "X" not in plots.OPTIMIZER_MARKERS.values()  # X means "cut off"
    assert plots.optimizer_marker("AdamW lr=0.1") == plots.OPTIMIZER_MARKERS["AdamW"]
    assert plots.optimizer_marker("mine") == "o"


def test_the_colour_pairs_that_looked_alike_now_differ():
    from matplotlib.colors import to_rgb

    def distance(a, b):
        return np.abs(np.subtract(to_rgb(plots.OPTIMIZER_COLORS[a]),
                                  to_rgb(plots.OPTIMIZER_COLORS[b]))).sum()

    assert distance("SGD", "Nesterov") > 0.6
    assert distance("Adam", "AdamW") > 0.6


def test_loss_curves_below_zero_use_symlog_and_cut_huge_values():
    losses = {"SGD": [1.0, -2.0, -1e3, -1e7, -1e30, -np.inf], "Adam": [1.0, 0.5, -0.5, -1.0]}
    ax = surface_plots.plot_loss_curves(losses).axes[0]
    assert ax.get_yscale() == "symlog"
    sgd = line_labelled(ax, "SGD")
    assert sgd.get_label() == "SGD (fell below -1e+06 at step 3: cut off)"
    np.testing.assert_array_equal(sgd.get_ydata(), [1.0, -2.0, -1e3])
    lo, hi = ax.get_ylim()
    assert lo == -1500 and hi == 1.5  # only the drawn values set the limits


def test_loss_curves_cut_a_huge_rise_before_it_sets_the_limits():
    losses = {"Momentum": [2.0, 10.0, 1e5, 1e9, 1e200, np.inf]}
    ax = surface_plots.plot_loss_curves(losses).axes[0]
    line = line_labelled(ax, "Momentum")
    assert line.get_label() == "Momentum (rose above 2e+06 at step 3: cut off)"
    assert ax.get_yscale() == "log" and ax.get_ylim()[1] < 1e6


def test_clip_losses_keeps_ordinary_curves():
    v, note = surface_plots.clip_losses([3.0, 2.0, 1.0])
    np.testing.assert_array_equal(v, [3.0, 2.0, 1.0])
    assert note == ""
    assert surface_plots.clip_losses([1.0, np.nan])[1] == "became NaN at step 1"


def test_minimum_marker_differs_from_the_cut_off_cross():
    path = np.array([[0.0, 0.0], [5.0, 0.5]])  # leaves the plot: ends in an X
    ax = surface_plots.plot_loss_surface(bowl, {"SGD": path}, minima=(0.0, 0.0),
                                         resolution=31).axes[0]
    assert line_labelled(ax, "minimum").get_marker() == "P"
    ends = [ln.get_marker() for ln in ax.get_lines() if ln.get_label().startswith("_")]
    assert ends == ["o", "X"]
