"""Two-dimensional loss surfaces for watching optimizers move (lesson 08).

Each surface's formula is written once and works on numpy arrays (to draw contours)
and on `Tensor`s (to let the engine compute the gradient that the optimizers follow).
`run_optimizer` moves one 2-element Tensor across a surface and records the path.
"""

from dataclasses import dataclass

import numpy as np

from .tensor import Tensor


def quadratic(x, y):
    """An ill-conditioned bowl: 0.1 x^2 + 2 y^2 (curvature 20 times larger along y)."""
    return 0.1 * x**2 + 2 * y**2


def rosenbrock(x, y):
    """Rosenbrock's banana valley: (1 - x)^2 + 100 (y - x^2)^2, minimum at (1, 1)."""
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def saddle(x, y):
    """A saddle: x^2 - y^2. (0, 0) is flat but not a minimum; y runs downhill forever."""
    return x**2 - y**2


def himmelblau(x, y):
    """Himmelblau's function: (x^2 + y - 11)^2 + (x + y^2 - 7)^2, four minima of value 0."""
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


@dataclass(frozen=True)
class Surface:
    """A loss surface with the view and start point that show it best."""

    name: str
    f: object
    start: tuple
    xlim: tuple
    ylim: tuple
    minima: tuple = ()
    lrs: dict = None  # a learning rate per optimizer that shows its character here


def _lrs(sgd, momentum, rmsprop, adam, adagrad):
    return {"SGD": sgd, "Momentum": momentum, "Nesterov": momentum, "RMSprop": rmsprop,
            "Adam": adam, "AdamW": adam, "Adagrad": adagrad}


SURFACES = {
    "quadratic 0.1x² + 2y²": Surface(
        "quadratic 0.1x² + 2y²", quadratic, (-4.5, 1.5), (-5, 5), (-2, 2), ((0.0, 0.0),),
        _lrs(sgd=0.4, momentum=0.05, rmsprop=0.05, adam=0.1, adagrad=0.5)),
    "Rosenbrock": Surface(
        "Rosenbrock", rosenbrock, (-1.5, 2.0), (-2, 2), (-1, 3), ((1.0, 1.0),),
        _lrs(sgd=0.001, momentum=0.001, rmsprop=0.01, adam=0.1, adagrad=0.3)),
    "saddle x² - y²": Surface(
        "saddle x² - y²", saddle, (-1.5, 0.01), (-2, 2), (-2, 2), (),
        _lrs(sgd=0.01, momentum=0.01, rmsprop=0.01, adam=0.01, adagrad=0.1)),
    "Himmelblau (four minima)": Surface(
        "Himmelblau (four minima)", himmelblau, (0.0, 0.0), (-5, 5), (-5, 5),
        ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)),
        _lrs(sgd=0.01, momentum=0.001, rmsprop=0.03, adam=0.1, adagrad=0.3)),
}


def run_optimizer(surface, make_optimizer, steps, start=None):
    """Follow the gradient of `surface` from `start` for `steps` optimizer steps.

    make_optimizer: a function params -> optimizer (e.g. lambda ps: Adam(ps, lr=0.1)).
    Returns (path, losses): path of shape (steps + 1, 2), losses of shape (steps + 1,).
    A path that overflows stops there; the remaining rows are NaN.
    """
    p = Tensor(np.array(start if start is not None else surface.start, dtype=float), label="p")
    opt = make_optimizer([p])
    path = np.full((steps + 1, 2), np.nan)
    losses = np.full(steps + 1, np.nan)
    with np.errstate(all="ignore"):
        for t in range(steps + 1):
            loss = surface.f(p[0], p[1])
            path[t], losses[t] = p.data, loss.item()
            if t == steps or not np.isfinite(losses[t]):
                break
            p.grad = None
            loss.backward()
            opt.step()
    return path, losses
