"""Figures for the real-digits lessons: the images, what the model got wrong, the lr schedule.

    plot_digits                     a grid of 8x8 images with their labels (and predictions)
    confusion_matrix                counts[true digit, predicted digit] (numpy, no drawing)
    plot_confusion_matrix           that matrix as a picture with every count written in
    plot_confident_mistakes         the misclassified images the model was surest about
    plot_lr_schedule                learning rate against step for one or more schedules

The images come from `data.load_digits()`: rows of 64 numbers in [0, 1], drawn as 8x8
pictures with 0 white and 1 black. Every function returns its Figure (see `plots.py`:
the figure is closed in pyplot, so Jupyter shows it once).
"""

import numpy as np

from .plots import CLASS_COLORS, WARN_COLOR, new_figure
from .schedulers import lr_curve
from .tensor import Tensor

RIGHT_COLOR = "#000000"


def plot_digits(images, labels=None, predictions=None, ncols=10, max_images=50, title=None):
    """A grid of digit images, each titled with its label.

    images: (n, 64) rows or (n, 8, 8) pictures. labels: the true digits (n,).
    predictions: the model's digits (n,) (or its scores (n, 10), reduced by argmax): each
    title then reads the prediction, and a wrong one is written "3 (true 5)" in red with
    a red frame. At most `max_images` images are drawn, the first ones.
    """
    images = _as_images("plot_digits", images)
    n = min(len(images), max_images)
    labels = _as_labels("plot_digits", "labels", labels, len(images))
    predictions = _as_labels("plot_digits", "predictions", predictions, len(images))
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    fig, axes = new_figure(nrows, ncols, figsize=(1.0 * ncols, 1.15 * nrows + 0.3),
                           squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if i >= n:
            ax.axis("off")
            continue
        ax.imshow(images[i], cmap="gray_r", vmin=0.0, vmax=1.0)
        text, color = _caption(i, labels, predictions)
        ax.set_title(text, color=color, fontsize=10)
        if color == WARN_COLOR:
            for spine in ax.spines.values():
                spine.set_color(WARN_COLOR)
                spine.set_linewidth(2.5)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _caption(i, labels, predictions):
    if predictions is None:
        return ("" if labels is None else str(labels[i])), RIGHT_COLOR
    if labels is None or predictions[i] == labels[i]:
        return str(predictions[i]), RIGHT_COLOR
    return f"{predictions[i]} (true {labels[i]})", WARN_COLOR


def confusion_matrix(y_true, y_pred, n_classes=10):
    """counts[i, j] = how many images of digit i the model called j (rows: the truth).

    The diagonal holds the right answers; each row sums to the number of images of that
    digit. Returns an int64 array of shape (n_classes, n_classes).
    """
    y_true = _as_labels("confusion_matrix", "y_true", y_true, None)
    y_pred = _as_labels("confusion_matrix", "y_pred", y_pred, len(y_true))
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if y.size and (y.min() < 0 or y.max() >= n_classes):
            raise ValueError(f"confusion_matrix: {name} holds classes from {y.min()} to "
                             f"{y.max()}, outside 0..{n_classes - 1}; pass n_classes=")
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def plot_confusion_matrix(y_true, y_pred, n_classes=10, title=None):
    """The confusion matrix as a picture: darker = more images, every count written in.

    Rows are the true digits, columns the predictions; the title gives the accuracy.
    y_pred may also be the model's scores (n, n_classes).
    """
    y_true = _as_labels("plot_confusion_matrix", "y_true", y_true, None)
    y_pred = _as_labels("plot_confusion_matrix", "y_pred", y_pred, len(y_true))
    counts = confusion_matrix(y_true, y_pred, n_classes)
    fig, ax = new_figure(figsize=(5.6, 5.0))
    ax.imshow(counts, cmap="Blues", vmin=0)
    top = counts.max() if counts.size else 0
    for i in range(n_classes):
        for j in range(n_classes):
            c = counts[i, j]
            color = "white" if c > top / 2 else (WARN_COLOR if i != j and c else "black")
            ax.text(j, i, str(c), ha="center", va="center", fontsize=9, color=color)
    ax.set_xticks(range(n_classes))
    ax.set_yticks(range(n_classes))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    accuracy = np.trace(counts) / max(counts.sum(), 1)
    ax.set_title(title or f"confusion matrix: {np.trace(counts)} of {counts.sum()} right "
                          f"({100 * accuracy:.1f}%)")
    return fig


def plot_confident_mistakes(images, y_true, scores, k=10, ncols=5):
    """The k misclassified images that the model gave the highest probability.

    scores: the model's logits (n, n_classes), as an array or a Tensor; the probability
    is softmax(scores). Each title reads "predicted 3 (p=0.97)" over "true 5". If there are
    fewer than k mistakes, all of them are shown; with none, the figure says so.
    """
    images = _as_images("plot_confident_mistakes", images)
    y_true = _as_labels("plot_confident_mistakes", "y_true", y_true, len(images))
    s = np.asarray(scores.data if isinstance(scores, Tensor) else scores, dtype=np.float64)
    if s.ndim != 2 or len(s) != len(images):
        raise ValueError(f"plot_confident_mistakes: scores must have shape ({len(images)}, "
                         f"n_classes), one row of logits per image, got {s.shape}; pass "
                         "model(X).data")
    p = np.exp(s - s.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)  # softmax
    pred = p.argmax(axis=1)
    wrong = np.flatnonzero(pred != y_true)
    order = wrong[np.argsort(-p[wrong, pred[wrong]], kind="stable")][:k]
    if len(order) == 0:
        fig, ax = new_figure(figsize=(4, 1))
        ax.axis("off")
        ax.text(0.5, 0.5, "no mistakes: every image is classified right", ha="center",
                va="center")
        return fig
    ncols = max(1, min(ncols, len(order)))
    nrows = -(-len(order) // ncols)
    fig, axes = new_figure(nrows, ncols, figsize=(1.5 * ncols, 1.8 * nrows + 0.4),
                           squeeze=False)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.axis("off")
    for ax, i in zip(axes.flat, order):
        ax.axis("on")
        ax.imshow(images[i], cmap="gray_r", vmin=0.0, vmax=1.0)
        ax.set_title(f"predicted {pred[i]} (p={p[i, pred[i]]:.2f})\ntrue {y_true[i]}",
                     color=WARN_COLOR, fontsize=9)
    fig.suptitle(f"the {len(order)} most confident of {len(wrong)} mistakes")
    fig.tight_layout()
    return fig


def plot_lr_schedule(schedules, steps, lr=0.1, ax=None):
    """Learning rate against optimizer step for one schedule or several.

    schedules: a function optimizer -> scheduler (e.g. `lambda opt: StepLR(opt, 30)`),
    or a dict {name: such a function} to compare several. `lr` is the optimizer's
    learning rate the schedules start from (see `schedulers.lr_curve`).
    """
    if not isinstance(schedules, dict):
        schedules = {"": schedules}
    own = ax is None
    fig, ax = new_figure(figsize=(6.4, 3.6)) if own else (ax.figure, ax)
    for i, (name, make) in enumerate(schedules.items()):
        lrs = lr_curve(make, steps, lr=lr)
        ax.plot(range(1, steps + 1), lrs, color=CLASS_COLORS[i % len(CLASS_COLORS)],
                label=name or None, lw=2)
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("learning rate")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    if any(schedules):
        ax.legend()
    if own:
        fig.tight_layout()
    return fig


def _as_images(where, images):
    a = np.asarray(images.data if isinstance(images, Tensor) else images, dtype=np.float64)
    if a.ndim == 2 and a.shape[1] == 64:
        return a.reshape(-1, 8, 8)
    if a.ndim == 3 and a.shape[1:] == (8, 8):
        return a
    raise ValueError(f"{where}: images must have shape (n, 64) or (n, 8, 8), got {a.shape}; "
                     "pass X_test from data.load_digits()")


def _as_labels(where, name, y, n):
    """Integer labels of length n; scores (n, k) become their argmax."""
    if y is None:
        return None
    a = np.asarray(y.data if isinstance(y, Tensor) else y)
    if a.ndim == 2:
        a = a.argmax(axis=1)
    if a.ndim != 1 or (n is not None and len(a) != n):
        want = "n" if n is None else n
        raise ValueError(f"{where}: {name} must have shape ({want},), one digit per image, "
                         f"got {a.shape}")
    if a.size and (a.dtype.kind not in "iu" and not np.all(a == np.round(a))):
        raise ValueError(f"{where}: {name} must be whole numbers (digits), got {a[:5]}")
    return a.astype(np.int64)
