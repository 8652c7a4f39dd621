"""How the interactive apps show themselves, in a live kernel and everywhere else.

A notebook cell that ends with an app returns one output holding several versions
of it: the live widget (JupyterLab draws this one), a picture of the app's current
state (shown by nbconvert's HTML, GitHub, or any viewer without a kernel) and a one-line
text summary (what nbval compares, so stored notebooks stay testable).

Pictures are rendered at `SCALE` (2) device pixels per CSS pixel, so they stay sharp on
high-DPI screens, and are displayed at their CSS size or narrower (`max-width: 100%`):
a figure 10 inches wide is 1440 pixels, shown 720 CSS pixels wide.

Also here: `CheckboxGroup`, a row of checkboxes with one `.value` (a tuple of the
ticked names), used for the race's optimizers and the playground's input features.

Used by `BackwardStepper` (lesson 03), `OptimizerRace` (08) and `TrainingPlayground` (09).
"""

import base64
import io

import ipywidgets as w
import numpy as np
import traitlets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

CSS_DPI = 72  # CSS pixels per inch of a figure
SCALE = 2  # device pixels per CSS pixel: sharp on 2x (retina) screens


def figure_png(fig, dpi=CSS_DPI * SCALE):
    """The PNG bytes of a matplotlib figure (its layout is fixed: no tight bbox, which
    would draw the figure twice). Fast compression: apps redraw several times a second."""
    if dpi == fig.dpi and isinstance(fig.canvas, FigureCanvasAgg):
        fig.canvas.draw()  # draw once and encode the pixels: cheaper than savefig
        return pixels_to_image(np.asarray(fig.canvas.buffer_rgba())[..., :3], "png")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def pixels_to_image(rgb, kind="png", quality=92):
    """PNG (fast compression) or JPEG bytes of an (h, w, 3) uint8 array."""
    buffer = io.BytesIO()
    if kind == "png":
        Image.fromarray(rgb).save(buffer, format="png", compress_level=1)
    else:
        Image.fromarray(rgb).save(buffer, format="jpeg", quality=quality, subsampling=0)
    return buffer.getvalue()


def stack_images(*images):
    """One PNG of several PNG/JPEG pictures, each below the one before, left-aligned on
    white: for the one static picture of an app drawn as several figures."""
    pictures = [Image.open(io.BytesIO(image)).convert("RGB") for image in images]
    out = Image.new("RGB", (max(p.width for p in pictures), sum(p.height for p in pictures)),
                    "white")
    top = 0
    for p in pictures:
        out.paste(p, (0, top))
        top += p.height
    buffer = io.BytesIO()
    out.save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def new_app_figure(figsize):
    """A pyplot-free Figure for an app, drawn at SCALE device pixels per CSS pixel."""
    fig = Figure(figsize=figsize, dpi=CSS_DPI * SCALE)
    FigureCanvasAgg(fig)
    return fig


def png_width(image):
    """The CSS width at which a PNG or JPEG made here is shown (its pixels / SCALE)."""
    if image[:4] == b"\x89PNG":
        return int.from_bytes(image[16:20], "big") // SCALE  # the IHDR width field
    return Image.open(io.BytesIO(image)).width // SCALE


def app_bundle(widget, text, png=None, svg=None):
    """The mimebundle of an app: widget view + static picture + text summary.

    Returns (data, metadata): the metadata gives the picture's CSS width, so viewers
    show a 2x picture at its intended size (and narrower in a narrow column).
    """
    bundle = dict(widget._repr_mimebundle_() or {})
    metadata = {}
    if png is not None:
        bundle["image/png"] = base64.b64encode(png).decode("ascii")
        metadata["image/png"] = {"width": png_width(png)}
    if svg is not None:
        bundle["image/svg+xml"] = svg
    bundle["text/plain"] = text
    return bundle, metadata


def show_png(output, png):
    """Make an `ipywidgets.Output` show a PNG or JPEG (and nothing else), at its CSS width.

    The picture is set as the widget's state rather than printed into it with
    `with output: display(...)`: that route loses pictures sent from a training task
    that runs after the button click has been handled, and outside a kernel it would
    print into the cell instead of the widget.
    """
    mime = "image/png" if png[:4] == b"\x89PNG" else "image/jpeg"
    output.outputs = ({"output_type": "display_data",
                       "metadata": {mime: {"width": png_width(png)}},
                       "data": {mime: base64.b64encode(png).decode("ascii")}},)


def picture_output(min_width):
    """An Output for an app's picture: grows with the window, never narrower than
    `min_width` CSS pixels (the surrounding box wraps it onto its own row instead)."""
    return w.Output(layout=w.Layout(flex="1 1 auto", min_width=f"{min_width}px",
                                    max_width="100%"))


class CheckboxGroup(w.Box):
    """Checkboxes, one per name, with one `.value`: the tuple of ticked names, in order.

    `group.value = ("Adam", "SGD")` ticks those boxes; ticking a box changes `.value`
    (observe it with `group.observe(fn, names="value")`). `group.boxes[name]` is a box.
    """

    value = traitlets.Tuple()

    def __init__(self, names, value=(), description="", where="CheckboxGroup"):
        self.names, self.where = tuple(names), where
        self.boxes = {name: w.Checkbox(value=False, description=str(name), indent=False,
                                       layout=w.Layout(width="auto", margin="0 12px 0 0"))
                      for name in self.names}
        label = [w.Label(description, layout=w.Layout(width="100%"))] if description else []
        super().__init__(label + list(self.boxes.values()),
                         layout=w.Layout(display="flex", flex_flow="row wrap"))
        self._syncing = False
        for box in self.boxes.values():
            box.observe(self._box_changed, names="value")
        self.value = tuple(value)

    @traitlets.validate("value")
    def _valid(self, proposal):
        chosen = tuple(proposal["value"])
        unknown = [v for v in chosen if v not in self.boxes]
        if unknown:
            raise traitlets.TraitError(f"{self.where}: unknown choice {unknown[0]!r}; choose"
                                       f" from {', '.join(self.names)}")
        return tuple(n for n in self.names if n in chosen)  # the boxes' order

    @traitlets.observe("value")
    def _value_changed(self, change):
        self._syncing = True
        try:
            for name, box in self.boxes.items():
                box.value = name in change["new"]
        finally:
            self._syncing = False

    def _box_changed(self, _change):
        if not self._syncing:
            self.value = tuple(n for n, box in self.boxes.items() if box.value)


def choose(where, what, name, choices):
    """The entry of `choices` called `name`, in any case: "adam" -> "Adam".

    Raises ValueError listing the choices when there is none of that name.
    """
    for choice in choices:
        if str(choice).casefold() == str(name).casefold():
            return choice
    raise ValueError(f"{where}: unknown {what} {name!r}; choose one of"
                     f" {', '.join(map(repr, choices))}")
