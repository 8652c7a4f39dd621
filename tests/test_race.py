"""OptimizerRace and the loss surfaces, without a browser."""

import numpy as np
import pytest

from backproplab import Tensor
from backproplab.optim import SGD, Adam
from backproplab.race import OptimizerRace
from backproplab.surfaces import SURFACES, himmelblau, quadratic, rosenbrock, run_optimizer


@pytest.fixture
def race():
    return OptimizerRace(steps=50)


def test_paths_have_one_row_per_step_plus_start(race):
    assert set(race.paths) == {"SGD", "Momentum", "RMSprop", "Adam"}
    for path in race.paths.values():
        assert path.shape == (51, 2)
        np.testing.assert_allclose(path[0], SURFACES[race.controls["surface"].value].start)


def test_sgd_path_follows_the_gradient_by_hand(race):
    lr = race.controls["lr"]["SGD"].value
    p = np.array([-4.5, 1.5])
    for row in race.paths["SGD"][1:4]:
        p = p - lr * np.array([0.2 * p[0], 4 * p[1]])  # grad of 0.1 x^2 + 2 y^2
        np.testing.assert_allclose(row, p, rtol=1e-12)


def test_changing_controls_reruns(race):
    race.controls["steps"].value = 20
    assert race.paths["Adam"].shape == (21, 2)
    race.controls["optimizers"].value = ("Adam", "Nesterov")
    assert set(race.paths) == {"Adam", "Nesterov"}
    old = race.paths["Adam"].copy()
    race.controls["lr"]["Adam"].value = 0.01
    assert not np.allclose(race.paths["Adam"], old)
    race.controls["start_x"].value = 2.0
    assert race.paths["Adam"][0, 0] == 2.0


def test_surface_change_sets_its_view_start_and_rates_and_says_so(race):
    race.controls["surface"].value = "Rosenbrock"
    assert ("New surface: start point and learning rates set to the ones that suit Rosenbrock"
            " (lr SGD 0.4 → 0.001, Momentum 0.05 → 0.001, RMSprop 0.05 → 0.01).") \
        in race.status.value
    race.controls["steps"].value = 30
    assert "New surface" not in race.status.value  # said once
    s = SURFACES["Rosenbrock"]
    assert (race.controls["start_x"].value, race.controls["start_y"].value) == s.start
    assert (race.controls["start_y"].min, race.controls["start_y"].max) == s.ylim
    assert race.controls["lr"]["SGD"].value == pytest.approx(s.lrs["SGD"])
    np.testing.assert_allclose(race.paths["SGD"][0], s.start)
    assert race.losses["SGD"][0] == pytest.approx(rosenbrock(*s.start))


def test_a_path_that_leaves_the_plot_is_reported_not_raised(race):
    race.controls["lr"]["Momentum"].value = 1.0  # diverges on the quadratic
    assert race.left_plot["Momentum"] is not None
    assert f"Momentum left the plot at step {race.left_plot['Momentum']}" in race.status.value
    assert race.left_plot["Adam"] is None


def test_no_optimizer_chosen(race):
    race.controls["optimizers"].value = ()
    assert race.paths == {}
    assert "choose at least one" in race.status.value


def test_the_plot_holds_the_paths(race):
    lines = {line.get_label(): line for line in race.ax_surface.get_lines()}
    adam = next(line for label, line in lines.items() if label.startswith("Adam"))
    np.testing.assert_allclose(adam.get_xydata(), race.paths["Adam"])


def test_summary_text(race):
    text = race._repr_mimebundle_()[0]["text/plain"]
    assert text.startswith("OptimizerRace on quadratic 0.1x² + 2y² from (-4.5, 1.5), 50 steps")


def test_run_optimizer_matches_a_hand_loop():
    s = SURFACES["Himmelblau (four minima)"]
    path, losses = run_optimizer(s, lambda ps: Adam(ps, lr=0.1), 30, start=(1.0, 1.0))
    p = Tensor([1.0, 1.0])
    opt = Adam([p], lr=0.1)
    for t in range(30):
        loss = himmelblau(p[0], p[1])
        assert losses[t] == pytest.approx(loss.item(), rel=1e-12)
        p.grad = None
        loss.backward()
        opt.step()
    np.testing.assert_allclose(path[-1], p.data, rtol=1e-12)


def test_run_optimizer_stops_on_overflow():
    path, losses = run_optimizer(SURFACES["saddle x² - y²"], lambda ps: SGD(ps, lr=10.0), 500)
    assert np.isnan(path[-1]).all()
    assert np.isfinite(losses[0])


def test_surfaces_work_on_numpy_grids():
    x, y = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 4))
    np.testing.assert_allclose(quadratic(x, y), 0.1 * x**2 + 2 * y**2)
    for s in SURFACES.values():
        for m in s.minima:
            assert s.f(*m) == pytest.approx(0.0, abs=1e-9)


def test_the_output_widget_shows_the_current_picture(race):
    import base64

    race.controls["steps"].value = 10
    (shown,) = race.output.outputs
    assert base64.b64decode(shown["data"]["image/png"]) == race._png


# ---------- the race tells the truth (issue 17) and clear errors (issue 12) ----------


def test_winner_is_the_lowest_final_loss_among_runs_that_stayed(race):
    finals = {n: v[-1] for n, v in race.losses.items()}
    assert race.winner == min(finals, key=finals.get)
    assert f"lowest final loss: <b>{race.winner}</b>" in race.status.value
    race.controls["lr"]["Momentum"].value = 1.0  # leaves the plot: never the winner
    assert race.winner != "Momentum"
    assert "among the runs that stayed on the plot" in race.status.value


def test_no_winner_when_every_run_diverged(race):
    for slider in race.controls["lr"].values():
        slider.value = 10.0
    assert race.winner is None
    assert "no winner: every run diverged or left the plot" in race.status.value


def test_no_winner_on_a_surface_without_minimum(race):
    race.controls["surface"].value = "saddle x² - y²"
    assert race.winner is None
    assert "no winner: this surface has no minimum" in race.status.value


def test_saddle_loss_panel_uses_symlog_and_finite_limits(race):
    race.controls["surface"].value = "saddle x² - y²"
    race.controls["lr"]["Momentum"].value = 0.1  # falls far and fast
    assert race.ax_loss.get_yscale() == "symlog"
    lo, hi = race.ax_loss.get_ylim()
    assert np.isfinite([lo, hi]).all() and lo >= -1e7
    momentum = next(line for line in race.ax_loss.get_lines()
                    if line.get_label().startswith("Momentum"))
    assert "cut off" in momentum.get_label() or "inf" in momentum.get_label()
    assert np.isfinite(momentum.get_ydata()).all()


def test_optimizers_are_checkboxes(race):
    group = race.controls["optimizers"]
    assert set(group.boxes) == {"SGD", "Momentum", "Nesterov", "RMSprop", "Adam", "AdamW",
                                "Adagrad"}
    group.boxes["AdamW"].value = True  # a click on its box
    assert "AdamW" in race.paths
    assert [s.description for s in race._lr_box.children][-1] == "lr AdamW"
    group.boxes["SGD"].value = False
    assert "SGD" not in race.paths


def test_every_optimizer_gets_its_own_colour_and_marker():
    from backproplab.optim import OPTIMIZERS

    race = OptimizerRace(optimizers=list(OPTIMIZERS), steps=20)
    lines = [line for line in race.ax_surface.get_lines() if not line.get_label().startswith("_")
             and line.get_label() != "minimum"]
    assert len(lines) == 7
    assert len({line.get_color() for line in lines}) == 7
    assert len({line.get_marker() for line in lines}) == 7


def test_minimum_and_cut_off_markers_differ(race):
    race.controls["lr"]["Momentum"].value = 1.0
    minimum = next(ln for ln in race.ax_surface.get_lines() if ln.get_label() == "minimum")
    ends = [ln.get_marker() for ln in race.ax_surface.get_lines()
            if ln.get_label().startswith("_")]
    assert "X" in ends  # Momentum was cut off
    assert minimum.get_marker() == "P" and minimum.get_marker() not in ends


@pytest.mark.parametrize("kwargs, words", [
    ({"surface": "bowl"}, "OptimizerRace: unknown surface 'bowl'; choose one of"
                          " 'quadratic 0.1x² + 2y²', 'Rosenbrock', 'saddle x² - y²'"),
    ({"optimizers": ["adam", "sgdx"]}, "OptimizerRace: unknown optimizer 'sgdx'"),
])
def test_bad_arguments_list_the_choices(kwargs, words):
    with pytest.raises(ValueError) as info:
        OptimizerRace(**kwargs)
    assert str(info.value).startswith(words)


def test_names_in_any_case():
    race = OptimizerRace(surface="rosenbrock", optimizers=["adam", "SGD"], steps=5)
    assert race.controls["surface"].value == "Rosenbrock"
    assert set(race.paths) == {"Adam", "SGD"}


def test_layout_wraps_and_picture_is_2x(race):
    assert race.widget.layout.flex_flow == "row wrap"
    assert race.output.layout.min_width == "520px"
    (shown,) = race.output.outputs
    assert shown["metadata"]["image/png"]["width"] == 756  # 10.5 in x 72
    assert int.from_bytes(race._png[16:20], "big") == 1512
