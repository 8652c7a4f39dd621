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


def test_surface_change_sets_its_view_start_and_rates(race):
    race.controls["surface"].value = "Rosenbrock"
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
    text = race._repr_mimebundle_()["text/plain"]
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
