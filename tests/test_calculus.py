"""backproplab.calculus: the figures of lesson 01 draw what their docstrings promise."""

import numpy as np
import pytest

from backproplab.calculus import plot_derivative_check, plot_secants


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


def test_derivative_check_needs_a_formula():
    with pytest.raises(ValueError, match="at least one"):
        plot_derivative_check(np.sin, {}, (-1, 1))
