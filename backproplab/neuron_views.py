"""Live pictures of a 2-D classifier: its decision regions and what every hidden unit computes.

TensorFlow Playground shows, next to each hidden neuron, a small heatmap of that
neuron's output over the input plane. `PlaneView` does the same for an `MLP`: one
forward pass over a coarse grid (GRID x GRID points) gives both the decision regions
and every hidden unit's output; matplotlib's bilinear interpolation smooths the
coarse grid into a picture. The artists are made once and only their data changes,
so a redraw costs about the same for 2-16-16-1 as for six layers of 256 (lesson 09).

    regions   one output: the colour of class 1 fades in as sigmoid(score) rises;
              several outputs: the colour of the class with the highest score, paler
              where the model is less sure. The black line is the boundary.
    units     row = hidden layer, tile = unit; blue is negative, vermillion positive,
              white zero, each layer scaled by its own largest |output|.
"""

import warnings

import numpy as np
from matplotlib.colors import to_rgb

from .nn import MLP, Linear
from .plots import CLASS_COLORS

GRID = 48  # grid points per side of the plane
MAX_UNITS = 12  # tiles per layer; wider layers show their first MAX_UNITS units
UNIT_ZOOM = 2  # device pixels per grid point in a tile (at 2x: a 48-CSS-px tile)
UNIT_LEFT, UNIT_TOP = 150, 56  # device pixels for the layer labels and the title
UNIT_MIN_WIDTH = 800  # device pixels: room for the title next to a single tile
TILE_GAP = 0.15  # gap between tiles, in tiles
FRAME_GREY = 0.7  # the 1-pixel frame around each tile

_NUMPY_ACTIVATIONS = {  # the MLP activations, on float32 arrays (fast path)
    "relu": lambda z: np.maximum(z, 0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "linear": lambda z: z,
}


def plane_grid(limits, n=GRID):
    """An n x n grid over ((x0, x1), (y0, y1)) as (n * n, 2) points, row 0 at y0."""
    (x0, x1), (y0, y1) = limits
    xx, yy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    return np.column_stack([xx.ravel(), yy.ravel()])


def hidden_and_scores(model, points):
    """(hidden, scores): each hidden layer's output (m, units) and the scores (m, k).

    A plain MLP runs in float32 numpy (4x faster than the engine, and nothing to
    differentiate); any other model (BatchNorm) runs through its `layer_outputs`
    (float64) in evaluation mode.
    """
    with np.errstate(all="ignore"):  # NaN weights give NaN outputs, reported by the caller
        if _plain_mlp(model):
            from .features import feature_matrix

            x = points.astype(np.float32)
            if hasattr(model, "features"):
                x = feature_matrix(x, model.features)
            act = _NUMPY_ACTIVATIONS[model.activation]
            outs = []
            for i, layer in enumerate(model.layers):
                x = x @ layer.W.data.astype(np.float32)
                if layer.b is not None:
                    x = x + layer.b.data.astype(np.float32)
                if i < len(model.layers) - 1:
                    x = act(x)
                outs.append(x)
            return outs[:-1], outs[-1]
        training = getattr(model, "training", False)
        if training:
            model.eval()  # BatchNorm: running statistics; Dropout: nothing dropped
        try:
            outs = [np.asarray(post.data, dtype=np.float32)
                    for _name, _pre, post in model.layer_outputs(points)]
        finally:
            if training:
                model.train()
        return outs[:-1], outs[-1]


def _plain_mlp(model):
    """Linear layers and an activation only (dropout is the identity when evaluating)."""
    return (isinstance(model, MLP) and model.activation in _NUMPY_ACTIVATIONS
            and not getattr(model, "norms", None)
            and all(type(layer) is Linear for layer in model.layers))


def region_colors(scores, n_classes):
    """(m, 3) RGB of each grid point: its class colour, paler where the model is unsure."""
    colors = np.array([to_rgb(c) for c in CLASS_COLORS[:max(n_classes, 2)]], dtype=np.float32)
    if scores.shape[1] == 1:
        p1 = 1 / (1 + np.exp(-np.clip(scores[:, :1], -30, 30)))  # (m, 1) P(class 1)
        rgb = (1 - p1) * colors[0] + p1 * colors[1]
        sure = np.abs(2 * p1 - 1)
    else:
        z = scores - scores.max(axis=1, keepdims=True)
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)  # softmax, (m, k)
        rgb = p @ colors[:scores.shape[1]]
        sure = (p.max(axis=1, keepdims=True) - 1 / p.shape[1]) * p.shape[1] / (p.shape[1] - 1)
    alpha = 0.15 + 0.4 * sure  # pale near the boundary, stronger where sure
    return 1 - alpha * (1 - rgb)  # blended with white


def unit_mosaic(hidden, n=GRID, max_units=MAX_UNITS):
    """All hidden units' outputs as one RGB image: a row of framed n x n tiles per layer.

    Returns (image, shown) with `shown[i]` = (units shown, units in layer i).
    """
    if not hidden:  # no hidden layer: one white pixel, nothing to show
        return np.ones((1, 1, 3), np.float32), []
    blue, red = (np.array(to_rgb(c), dtype=np.float32) for c in CLASS_COLORS[:2])
    gap = max(1, int(round(TILE_GAP * n)))
    cols = min(max((h.shape[1] for h in hidden), default=1), max_units)
    # white, with a 1-pixel margin all round for the tiles' grey frames
    image = np.ones((len(hidden) * (n + gap) - gap + 2, cols * (n + gap) - gap + 2, 3),
                    np.float32)
    shown = []
    for i, h in enumerate(hidden):
        k = min(h.shape[1], max_units)
        shown.append((k, h.shape[1]))
        v = h[:, :k]
        scale = np.nanmax(np.abs(v)) if np.isfinite(v).any() else 1.0
        v = np.clip(v / (scale if scale > 0 else 1.0), -1, 1)  # (m, k) in [-1, 1]
        v = np.nan_to_num(v, nan=0.0)
        tiles = v.T.reshape(k, n, n)[:, ::-1]  # unit, row (top = largest y), column (x)
        for j in range(k):
            t = tiles[j][..., None]
            rgb = 1 + np.maximum(t, 0) * (red - 1) + np.maximum(-t, 0) * (blue - 1)
            r, c = 1 + i * (n + gap), 1 + j * (n + gap)  # the tile's top left pixel
            image[r - 1:r + n + 1, c - 1:c + n + 1] = FRAME_GREY
            image[r:r + n, c:c + n] = rgb
    return image, shown


def upsample_bilinear(image, height, width):
    """An (n, m, c) image resized to (height, width, c) by bilinear interpolation between
    pixel centres, as matplotlib's "bilinear" draws it: two small matrix products."""

    def weights(n, size):  # (size, n): output pixel <- its two nearest input pixels
        s = np.clip((np.arange(size) + 0.5) * n / size - 0.5, 0, n - 1)
        lo = np.minimum(s.astype(int), n - 2) if n > 1 else np.zeros(size, int)
        frac = (s - lo).astype(np.float32)
        w = np.zeros((size, n), np.float32)
        w[np.arange(size), lo] = 1 - frac
        if n > 1:
            w[np.arange(size), lo + 1] += frac
        return w

    wy, wx = weights(image.shape[0], height), weights(image.shape[1], width)
    return np.dstack([wy @ image[..., k] @ wx.T for k in range(image.shape[2])])


class PlaneView:
    """The decision regions (on `ax_regions`) and the unit tiles (in `.unit_figure`, a
    figure of its own sized to the tiles) of a model.

    `update(model)` evaluates the model once on the grid and changes the images' data;
    `nan_message` is "" or says that the outputs are NaN (then the regions are grey).
    """

    def __init__(self, ax_regions, limits, X, y, X_test=None, y_test=None, n=GRID):
        self.ax, self.limits, self.n = ax_regions, limits, n
        self.unit_figure = None
        self.points = plane_grid(limits, n)
        self.n_classes = int(max(np.max(y), np.max(y_test) if y_test is not None else 0)) + 1
        (x0, x1), (y0, y1) = limits
        ax = self.ax
        self.regions = ax.imshow(np.ones((n, n, 3)), extent=(x0, x1, y0, y1), origin="lower",
                                 interpolation="bilinear", aspect="auto", zorder=0)
        self._boundary = None
        colors = [CLASS_COLORS[int(k)] for k in y]
        ax.scatter(X[:, 0], X[:, 1], c=colors, s=18, edgecolors="black", linewidths=0.5,
                   zorder=3)
        if X_test is not None:
            ax.scatter(X_test[:, 0], X_test[:, 1], c=[CLASS_COLORS[int(k)] for k in y_test],
                       s=26, marker="^", edgecolors="black", linewidths=0.8, zorder=3)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_xlabel("$x_1$ (triangles: test points)", fontsize=9)
        ax.set_ylabel("$x_2$", fontsize=9)
        ax.tick_params(labelsize=8)
        self.nan_text = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center",
                                color="#B2182B", fontsize=11, wrap=True, zorder=5,
                                bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"})
        self.units = None
        self.unit_texts = []
        self.nan_message = ""

    def update(self, model):
        """Evaluate `model` on the grid and redraw regions, boundary and unit tiles."""
        hidden, scores = hidden_and_scores(model, self.points)
        n = self.n
        self.nan_message = ""
        if not np.isfinite(scores).all():
            self.nan_message = ("the model's outputs are NaN or infinite: its weights are"
                                " broken (lower the learning rate and press Reset)")
            warnings.warn(f"PlaneView: {self.nan_message}", RuntimeWarning, stacklevel=2)
            self.regions.set_data(np.full((n, n, 3), 0.85, np.float32))
        else:
            self.regions.set_data(region_colors(scores, self.n_classes).reshape(n, n, 3))
        self.nan_text.set_text(self.nan_message)
        self._draw_boundary(scores)
        self._draw_units(hidden)
        return scores

    def changing_artists(self):
        """What a live frame redraws over the cached background: the regions, the boundary,
        the points on top of them, the frame, the NaN message and the title."""
        ax = self.ax
        return [self.regions, *ax.collections, *ax.spines.values(), self.nan_text, ax.title]

    def paste_regions(self, pixels, figure_height):
        """Write the decision regions straight into a figure's (h, w, 4) pixel buffer,
        over the axes' box: the same picture as drawing `regions`, without matplotlib's
        general image pipeline (a third of a full redraw)."""
        box = self.ax.bbox
        r0, r1 = int(round(figure_height - box.y1)), int(round(figure_height - box.y0))
        c0, c1 = int(round(box.x0)), int(round(box.x1))
        rgb = np.asarray(self.regions.get_array(), np.float32)[::-1]  # top row first
        pixels[r0:r1, c0:c1, :3] = (255 * upsample_bilinear(rgb, r1 - r0, c1 - c0) + 0.5
                                    ).astype(np.uint8)
        pixels[r0:r1, c0:c1, 3] = 255

    def _draw_boundary(self, scores):
        if self._boundary is not None:
            self._boundary.remove()
            self._boundary = None
        if scores.shape[1] == 1 and np.isfinite(scores).all():
            s = scores[:, 0].reshape(self.n, self.n)
            if s.min() < 0 < s.max():
                (x0, x1), (y0, y1) = self.limits
                self._boundary = self.ax.contour(
                    np.linspace(x0, x1, self.n), np.linspace(y0, y1, self.n), s, levels=[0.0],
                    colors="black", linewidths=1.2, zorder=2)

    def _draw_units(self, hidden):
        """The unit tiles, pasted pixel for pixel (`figimage`: no resampling) into a figure
        made to fit them: UNIT_ZOOM device pixels per grid point, labels on the left."""
        image, shown = unit_mosaic(hidden, self.n)
        image = (255 * image).astype(np.uint8).repeat(UNIT_ZOOM, 0).repeat(UNIT_ZOOM, 1)
        fig = self.unit_figure
        if self.units is None or self.units.get_array().shape != image.shape:
            from .widget_display import new_app_figure

            dpi = fig.dpi if fig is not None else 144
            height = image.shape[0] + UNIT_TOP
            width = max(image.shape[1] + UNIT_LEFT, UNIT_MIN_WIDTH)
            fig = self.unit_figure = new_app_figure((width / dpi, height / dpi))
            self.units = fig.figimage(image, xo=UNIT_LEFT, yo=0, origin="upper")
            fig.text(UNIT_LEFT / width, 1 - 4 / height, "what each hidden unit computes over"
                     " the plane\nblue < 0 < vermillion, each layer on its own scale",
                     ha="left", va="top", fontsize=8, linespacing=1.3)
            tile = (self.n + max(1, int(round(TILE_GAP * self.n)))) * UNIT_ZOOM
            self.unit_texts = [
                fig.text((UNIT_LEFT - 8) / width,
                         (image.shape[0] - UNIT_ZOOM - i * tile - self.n * UNIT_ZOOM / 2)
                         / height, "",
                         ha="right", va="center", fontsize=8)
                for i in range(len(shown))]
            if not shown:
                fig.text(0.5, 0.3, "no hidden layer: the inputs go straight to the output",
                         ha="center", va="center", fontsize=9)
            for i, (text, (k, total)) in enumerate(zip(self.unit_texts, shown)):
                text.set_text(f"layer {i + 1}\n{total} units" + (f"\n(first {k})" if k < total
                                                                 else ""))
            self.units.set_visible(False)  # the labels alone: the background of every frame
            fig.canvas.draw()
            self._unit_background = np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
            self.units.set_visible(True)
        self.units.set_data(image)

    def unit_pixels(self):
        """The unit picture as an RGB array, without matplotlib: the tiles pasted into the
        labels' background (the labels change only with the layers). Same pixels as
        drawing `unit_figure`, at a fraction of the cost."""
        frame = self._unit_background.copy()
        tiles = self.units.get_array()
        frame[frame.shape[0] - tiles.shape[0]:, UNIT_LEFT:UNIT_LEFT + tiles.shape[1]] = tiles
        return frame
