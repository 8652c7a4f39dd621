"""`OptimizerRace`: several optimizers start from one point on a loss surface; watch them go.

Pick a surface, a start point, the number of steps, the optimizers (tick their boxes)
and a learning rate for each; every change reruns the race. The contour plot shows each
path (circle: start, star: end, cross: cut off), the right panel the loss against the step
(lesson 08). A new surface brings its own view, start point and learning rates, and the
status line says so.

The status line crowns a winner only when that means something: the surface has a
minimum, and the run neither diverged nor left the plot.
"""

import ipywidgets as w
import numpy as np

from . import surface_plots
from .optim import OPTIMIZERS
from .plots import WARN_COLOR
from .surfaces import SURFACES, run_optimizer
from .widget_display import (
    CheckboxGroup,
    app_bundle,
    choose,
    figure_png,
    new_app_figure,
    picture_output,
    show_png,
)

DEFAULT_RACERS = ("SGD", "Momentum", "RMSprop", "Adam")


class OptimizerRace:
    """An ipywidgets app; display it by ending a cell with it.

    Without a browser: set `.controls[name].value` (`.controls["lr"][optimizer].value`
    for the learning rates, `.controls["optimizers"].value = ("Adam", "SGD")`), call
    `.run()`, and read `.paths` (name -> array of shape (steps + 1, 2)), `.losses`,
    `.left_plot` (name -> step it left the plot, or None) and `.winner` (or None).
    """

    def __init__(self, surface="quadratic 0.1x² + 2y²", optimizers=DEFAULT_RACERS, steps=200):
        where = "OptimizerRace"
        surface = choose(where, "surface", surface, list(SURFACES))
        optimizers = [choose(where, "optimizer", name, list(OPTIMIZERS))
                      for name in ((optimizers,) if isinstance(optimizers, str) else optimizers)]
        style = {"description_width": "90px"}
        wide = w.Layout(width="320px")
        s = SURFACES[surface]
        self.controls = {
            "surface": w.Dropdown(options=list(SURFACES), value=surface, description="surface",
                                  style=style, layout=wide),
            "start_x": w.FloatSlider(value=s.start[0], min=s.xlim[0], max=s.xlim[1], step=0.05,
                                     description="start x", continuous_update=False,
                                     style=style, layout=wide),
            "start_y": w.FloatSlider(value=s.start[1], min=s.ylim[0], max=s.ylim[1], step=0.05,
                                     description="start y", continuous_update=False,
                                     style=style, layout=wide),
            "steps": w.IntSlider(value=steps, min=1, max=1000, description="steps",
                                 continuous_update=False, style=style, layout=wide),
            "optimizers": CheckboxGroup(OPTIMIZERS, optimizers, description="optimizers",
                                        where=where),
            "lr": {name: w.FloatLogSlider(value=s.lrs[name], base=10, min=-5, max=1, step=0.1,
                                          description=f"lr {name}", readout_format=".3g",
                                          continuous_update=False, style=style, layout=wide)
                   for name in OPTIMIZERS},
        }
        self.status = w.HTML(layout=w.Layout(width="320px"))
        self.output = picture_output(min_width=520)
        self.figure = new_app_figure((10.5, 4.4))
        self.ax_surface, self.ax_loss = self.figure.subplots(
            1, 2, gridspec_kw={"width_ratios": [1.3, 1]})
        self.figure.subplots_adjust(left=0.06, right=0.98, bottom=0.12, wspace=0.22)
        self.paths, self.losses, self.left_plot, self.winner = {}, {}, {}, None
        self._png = None
        self._note = ""  # said once, after a change of surface
        self._drawn_surface, self._path_artists = None, []
        c = self.controls
        self._lr_box = w.VBox()
        self.widget = w.Box([
            w.VBox([c["surface"], c["start_x"], c["start_y"], c["steps"], c["optimizers"],
                    self._lr_box, self.status], layout=w.Layout(width="330px", flex="0 0 330px")),
            self.output,
        ], layout=w.Layout(display="flex", flex_flow="row wrap", align_items="flex-start",
                           width="100%"))
        self._quiet = False  # True while the app itself sets several controls
        c["surface"].observe(self._surface_changed, names="value")
        for control in [c["start_x"], c["start_y"], c["steps"], c["optimizers"],
                        *c["lr"].values()]:
            control.observe(self._control_changed, names="value")
        self.run()

    def _control_changed(self, _change):
        if not self._quiet:
            self.run()

    def _surface_changed(self, change):
        """A new surface: its own view, start point and learning rates, then one rerun."""
        s = SURFACES[change["new"]]
        c = self.controls
        changed = [f"{name} {slider.value:.3g} → {s.lrs[name]:.3g}"
                   for name, slider in c["lr"].items()
                   if name in c["optimizers"].value and not np.isclose(slider.value,
                                                                       s.lrs[name])]
        self._quiet = True
        try:
            for slider, lim, v in ((c["start_x"], s.xlim, s.start[0]),
                                   (c["start_y"], s.ylim, s.start[1])):
                slider.min, slider.max = -1e9, 1e9  # avoid min > max while changing
                slider.min, slider.max, slider.value = lim[0], lim[1], v
            for name, slider in c["lr"].items():
                slider.value = s.lrs[name]
        finally:
            self._quiet = False
        self._note = (f"New surface: start point and learning rates set to the ones that"
                      f" suit {s.name}" + (f" (lr {', '.join(changed)})" if changed
                                           else "") + ".")
        self.run()
        self._note = ""

    def run(self):
        """Race the chosen optimizers and redraw; returns `.paths`."""
        c = self.controls
        surface = SURFACES[c["surface"].value]
        start = (c["start_x"].value, c["start_y"].value)
        chosen = list(c["optimizers"].value)
        self._lr_box.children = [c["lr"][name] for name in chosen]
        self.paths, self.losses, self.left_plot = {}, {}, {}
        for name in chosen:
            lr = c["lr"][name].value
            path, losses = run_optimizer(surface, lambda ps, n=name, lr=lr: OPTIMIZERS[n](ps, lr),
                                         c["steps"].value, start)
            self.paths[name], self.losses[name] = path, losses
            self.left_plot[name] = _first_exit(path, surface.xlim, surface.ylim)
        self._set_status(surface)
        self._draw(surface)
        return self.paths

    def _set_status(self, surface):
        """Who won, if anyone may: only runs that stayed finite and inside the plot, and
        only on a surface with a minimum."""
        gone = [f"{n} left the plot at step {k}" for n, k in self.left_plot.items()
                if k is not None]
        finishers = {n: v[-1] for n, v in self.losses.items()
                     if self.left_plot[n] is None and np.isfinite(v).all()}
        self.winner = None
        if not self.losses:
            text = "choose at least one optimizer"
        elif not surface.minima:
            text = ("no winner: this surface has no minimum (it falls forever), so a lower"
                    " loss only means further downhill")
        elif not finishers:
            text = "no winner: every run diverged or left the plot"
        else:
            self.winner = min(finishers, key=finishers.get)
            text = f"lowest final loss: <b>{self.winner}</b> ({finishers[self.winner]:.3g})"
            if len(finishers) < len(self.losses):
                text += ", among the runs that stayed on the plot"
        if gone:
            text += f"<br><span style='color:{WARN_COLOR}'>" + "; ".join(gone) + \
                    " (too large a learning rate, or a surface that keeps falling)</span>"
        if self._note:
            text += f"<br><i>{self._note}</i>"
        self.status.value = text

    def _draw(self, surface):
        ax = self.ax_surface
        if surface is not self._drawn_surface:  # contours only when the surface changes
            ax.clear()
            surface_plots.plot_loss_surface(surface.f, xlim=surface.xlim, ylim=surface.ylim,
                                            ax=ax, minima=surface.minima, resolution=200)
            ax.set_title(surface.name + "  (circle: start, star: end, X: cut off, +: minimum)",
                         fontsize=10)
            self._drawn_surface, self._path_artists = surface, []
        for artist in self._path_artists:
            artist.remove()
        self._path_artists = surface_plots.plot_paths(ax, self.paths, surface.xlim, surface.ylim)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="best", fontsize=9, framealpha=0.85)
        self.ax_loss.clear()
        surface_plots.plot_loss_curves(self.losses, ax=self.ax_loss)
        if self.losses:
            self.ax_loss.legend(fontsize=8, framealpha=0.85)
        self._png = figure_png(self.figure)
        show_png(self.output, self._png)

    def summary(self):
        """One line describing the race (its text/plain form)."""
        c = self.controls
        finals = ", ".join(f"{n} {self.losses[n][-1]:.3g}" for n in self.losses)
        return (f"OptimizerRace on {c['surface'].value} from ({c['start_x'].value:g},"
                f" {c['start_y'].value:g}), {c['steps'].value} steps; final loss: {finals}")

    def _repr_mimebundle_(self, **kwargs):
        return app_bundle(self.widget, self.summary(), png=self._png)


def _first_exit(path, xlim, ylim):
    """The first step at which the path is outside the plot (or not finite), else None."""
    x, y = path[:, 0], path[:, 1]
    outside = ~((x >= xlim[0]) & (x <= xlim[1]) & (y >= ylim[0]) & (y <= ylim[1]))
    return int(np.argmax(outside)) if outside.any() else None
