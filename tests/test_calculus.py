"""backproplab.calculus: the figures and the h slider of lesson 01 show what their
docstrings promise."""

import base64

import numpy as np
import pytest

from backproplab.calculus import SecantExplorer, plot_derivative_check, plot_secants


def cube(x):
    return x**3


def test_secant_slopes_approach_the_tangent():
    fig = plot_secants(cube, lambda x: 3 * x**2, 1.0, [1.0, 0.5, 0.1])
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    # (f(1 + h) - f(1)) / h = 3 + 3h + h**2: 7, 4.75, 3.31; the tangent's slope is 3
    assert "secant, h = 1: slope 7" in labels
    assert "secant, h = 0.5: slope 4.75" in labels
    assert "secant, h = 0.1: slope 3.31" in labels
    assert "tangent: slope f'(1) = 3" in labels


def test_secant_lines_go_through_both_points():
    fig = plot_secants(cube, lambda x: 3 * x**2, 1.0, [0.5])
    line = next(ln for ln in fig.axes[0].get_lines() if ln.get_label().startswith("secant"))
    x, y = line.get_data()
    assert np.interp(1.0, x, y) == pytest.approx(1.0, abs=1e-2)
    assert np.interp(1.5, x, y) == pytest.approx(1.5**3, abs=1e-2)


def test_secants_reject_a_zero_step():
    with pytest.raises(ValueError, match="non-zero"):
        plot_secants(cube, lambda x: 3 * x**2, 1.0, [0.5, 0.0])


def test_derivative_check_dots_are_central_differences():
    fig = plot_derivative_check(np.sin, {"cos": np.cos}, (-1, 1), h=1e-3, n_dots=5)
    bottom = fig.axes[1]
    dots = next(ln for ln in bottom.get_lines() if ln.get_label().startswith("central"))
    x, y = dots.get_data()
    np.testing.assert_allclose(x, np.linspace(-1, 1, 5))
    np.testing.assert_allclose(y, np.cos(x), rtol=1e-6)
    assert [ln.get_label() for ln in bottom.get_lines()][0] == "cos"


def test_derivative_check_names_f_on_the_top_panel():
    fig = plot_derivative_check(np.sin, {"cos": np.cos}, (-1, 1), f_label="y = sin(x)")
    top = fig.axes[0]
    assert top.get_ylabel() == "y = sin(x)"
    assert top.get_title() == "y = sin(x) (top) and formulas for its slope (bottom)"
    default = plot_derivative_check(np.sin, {"cos": np.cos}, (-1, 1))
    assert default.axes[0].get_ylabel() == "f(x)"


def test_derivative_check_needs_a_formula():
    with pytest.raises(ValueError, match="at least one"):
        plot_derivative_check(np.sin, {}, (-1, 1))


# ---- SecantExplorer: the h slider of lesson 01 ----


def cubic(x):
    return x**3 - 2 * x + 1


def dcubic(x):
    return 3 * x**2 - 2


def test_slider_moves_the_secant_and_the_error_markers():
    app = SecantExplorer(cubic, dcubic, 1.0, h=0.5)
    app.slider.value = 0.1
    # (f(1 + h) - f(1)) / h = 1 + 3h + h**2 and the central difference 1 + h**2
    assert app.slope == pytest.approx(1.31) and app.central == pytest.approx(1.01)
    x, y = app.secant.get_data()
    assert (y[1] - y[0]) / (x[1] - x[0]) == pytest.approx(1.31)  # the line drawn
    assert list(app.points.get_data()[0]) == pytest.approx([1.0, 1.1])
    forward, central = app.markers
    assert forward.get_data()[0][0] == 0.1 and forward.get_data()[1][0] == pytest.approx(0.31)
    assert central.get_data()[1][0] == pytest.approx(0.01)
    assert app.ax_curve.get_title() == "h = 1.0e-01: secant slope 1.31"
    assert app.ax_error.get_title() == "errors at h = 1.0e-01: forward 3.1e-01, central 1.0e-02"
    assert app.lines()[0] == ("h = 1.0e-01:  forward difference (the secant's slope) 1.31,"
                              " error 3.10e-01")
    assert "central difference 1.01, error 1.00e-02" in app.text.value


def test_tiny_h_shows_the_rounding_error():
    app = SecantExplorer(cubic, dcubic, 1.0, h=0.5)
    app.slider.value = 1e-3
    assert abs(app.slope - 1) == pytest.approx(3e-3, rel=1e-3)  # truncation: ~3h
    app.slider.value = 1e-12
    error = abs(app.slope - 1)
    assert 1e-6 < error < 1e-3  # rounding: far worse than at h = 1e-3's 3e-3 / 1000


def test_picture_follows_the_slider_and_goes_into_the_bundle():
    app = SecantExplorer(cubic, dcubic, 1.0, h=0.5)
    first = app._png
    app.slider.value = 0.01
    assert app._png != first
    bundle, metadata = app._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]) == app._png
    assert metadata["image/png"]["width"] == 720  # 10 inches at 72 CSS px each
    assert bundle["text/plain"].startswith("h = 1.0e-02:")
    assert "application/vnd.jupyter.widget-view+json" in bundle
    shown = app.output.outputs[0]["data"]["image/png"]
    assert base64.b64decode(shown) == app._png  # the live widget shows the same picture


def test_secant_explorer_checks_its_steps():
    with pytest.raises(ValueError, match="outside h_range"):
        SecantExplorer(cubic, dcubic, 1.0, h=2.0)
    with pytest.raises(ValueError, match="two positive steps, smallest first"):
        SecantExplorer(cubic, dcubic, 1.0, h_range=(1.0, 1e-3))
