"""Small toy datasets to train your networks on, made with numpy (no downloads).

Every generator takes `(n, noise, seed)` and returns `(X, y)`:

- `X`: float64, shape (n, 2), one point per row (shape (n, 1) for `make_regression_1d`);
- `y`: int64, shape (n,), class labels 0, 1, ..., k-1 (float64 targets for regression).

`noise` is the standard deviation of the Gaussian noise, so `noise=0` gives the exact
shapes described in each docstring. The same `seed` (an integer >= 0) always gives the
same arrays. Rows are shuffled, so any slice such as `X[:10]` mixes the classes.

One real dataset: `load_digits()`, the 1,797 handwritten 8x8 digits that scikit-learn
ships inside its package (nothing is downloaded), split into training and test sets.
"""

from collections import namedtuple

import numpy as np

# ---------- checks and helpers shared by the generators ----------


def _check_int(fn, name, value, minimum, hint):
    """Raise unless `value` is an integer >= minimum; `hint` says what to try."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(
            f"{fn}: {name} must be an integer, got {value!r} ({type(value).__name__}); {hint}"
        )
    if value < minimum:
        need = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"{fn}: {name} must be {need}, got {value}; {hint}")


def _check_number(fn, name, value, hint):
    """Raise unless `value` is a real, finite number (not a bool, list or array)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(
            f"{fn}: {name} must be a number, got {value!r} ({type(value).__name__}); {hint}"
        )
    if not np.isfinite(value):
        raise ValueError(f"{fn}: {name} must be a finite number, got {value!r}; {hint}")


def _check_seed(fn, seed):
    """Raise unless `seed` is an integer >= 0 (or None: fresh randomness every call)."""
    if seed is None:
        return
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"{fn}: seed must be an integer, got {seed!r} ({type(seed).__name__});"
                        " try seed=0")
    if seed < 0:
        raise ValueError(f"{fn}: seed must be an integer >= 0, got {seed}; try seed=0")


def _check_noise(fn, noise):
    hint = "try noise=0 for the exact shape, or a small value such as 0.1"
    _check_number(fn, "noise", noise, hint)
    if noise < 0:
        raise ValueError(
            f"{fn}: noise must be >= 0 (it is a standard deviation), got {noise}; {hint}"
        )


def _class_sizes(n, k):
    """Split n points into k classes as evenly as possible.

    Class i gets floor(n(i+1)/k) - floor(ni/k) points, e.g. n=7, k=2 -> [3, 4].
    """
    return [n * (i + 1) // k - n * i // k for i in range(k)]


def _labels(sizes):
    """[2, 3] -> [0, 0, 1, 1, 1] as int64."""
    return np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)


def _shuffle(rng, X, y):
    """Apply one random permutation to the rows of X and the entries of y."""
    order = rng.permutation(len(y))
    return X[order], y[order]


# ---------- 2-D classification sets ----------


def make_moons(n=200, noise=0.1, seed=0):
    """Two interleaving half circles ("moons").

    With t drawn uniformly from [0, pi]:
      class 0 (upper moon): (cos t, sin t)          unit circle around (0, 0), y >= 0
      class 1 (lower moon): (1 - cos t, 1/2 - sin t)  unit circle around (1, 1/2), y <= 1/2
    then Gaussian noise of std `noise` is added to both coordinates.
    Class 0 gets n // 2 points, class 1 gets n - n // 2.
    """
    _check_int("make_moons", "n", n, 2, "need one point per class, try n=200")
    _check_noise("make_moons", noise)
    _check_seed("make_moons", seed)
    rng = np.random.default_rng(seed)
    n0, n1 = _class_sizes(n, 2)
    t0 = rng.uniform(0, np.pi, n0)
    t1 = rng.uniform(0, np.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.concatenate([upper, lower])
    X = X + noise * rng.normal(size=X.shape)
    return _shuffle(rng, X, _labels([n0, n1]))


def make_circles(n=200, noise=0.05, factor=0.5, seed=0):
    """A small circle inside a big one.

    With t drawn uniformly from [0, 2 pi):
      class 0 (outer): (cos t, sin t)                   radius 1
      class 1 (inner): factor * (cos t, sin t)          radius `factor`, 0 < factor < 1
    then Gaussian noise of std `noise` is added to both coordinates.
    Class 0 gets n // 2 points, class 1 gets n - n // 2.
    """
    _check_int("make_circles", "n", n, 2, "need one point per class, try n=200")
    _check_noise("make_circles", noise)
    _check_seed("make_circles", seed)
    hint = "factor is the inner radius / outer radius, try factor=0.5"
    _check_number("make_circles", "factor", factor, hint)
    if not 0 < factor < 1:
        raise ValueError(f"make_circles: factor must be between 0 and 1, got {factor}; {hint}")
    rng = np.random.default_rng(seed)
    n0, n1 = _class_sizes(n, 2)
    t = rng.uniform(0, 2 * np.pi, n)
    radius = np.concatenate([np.ones(n0), np.full(n1, factor)])
    X = radius[:, None] * np.column_stack([np.cos(t), np.sin(t)])
    X = X + noise * rng.normal(size=X.shape)
    return _shuffle(rng, X, _labels([n0, n1]))


def make_spiral(n=300, noise=0.2, n_classes=3, seed=0):
    """K spiral arms winding out of the origin (the CS231n toy set), K = n_classes.

    Arm j (label j) starts at angle 2 pi j / K. A point at radius r in [0, 1] has angle
      theta = 2 pi j / K + 4 r + noise * z,    z ~ N(0, 1)
    and sits at r (cos theta, sin theta). The noise turns points along their circle,
    so all data stays in the unit disk. Each arm gets n // K or n // K + 1 points.
    """
    _check_int("make_spiral", "n_classes", n_classes, 2, "try n_classes=3")
    _check_int(
        "make_spiral",
        "n",
        n,
        n_classes,
        f"need one point per class (n_classes={n_classes}), try n=300",
    )
    _check_noise("make_spiral", noise)
    _check_seed("make_spiral", seed)
    rng = np.random.default_rng(seed)
    sizes = _class_sizes(n, n_classes)
    y = _labels(sizes)
    r = rng.uniform(0, 1, n)
    theta = 2 * np.pi * y / n_classes + 4 * r + noise * rng.normal(size=n)
    X = r[:, None] * np.column_stack([np.cos(theta), np.sin(theta)])
    return _shuffle(rng, X, y)


def make_xor(n=200, noise=0.1, seed=0):
    """Four square clusters, one per quadrant, labelled like XOR.

    Each clean point has |x1|, |x2| drawn uniformly from [0.1, 1] (a gap of 0.2 around
    the axes), and its label is the XOR of the signs:
      y = 1 if x1 * x2 < 0 (quadrants II and IV),  y = 0 if x1 * x2 > 0 (I and III).
    Gaussian noise of std `noise` is then added to both coordinates.
    Class 0 gets n // 2 points, class 1 gets n - n // 2.
    """
    _check_int("make_xor", "n", n, 2, "need one point per class, try n=200")
    _check_noise("make_xor", noise)
    _check_seed("make_xor", seed)
    rng = np.random.default_rng(seed)
    y = _labels(_class_sizes(n, 2))
    size = rng.uniform(0.1, 1.0, size=(n, 2))  # distance from each axis
    s1 = rng.choice([-1.0, 1.0], size=n)
    s2 = np.where(y == 1, -s1, s1)  # signs differ exactly when y == 1
    X = np.column_stack([s1, s2]) * size
    X = X + noise * rng.normal(size=X.shape)
    return _shuffle(rng, X, y)


def make_gaussians(n=200, noise=1.0, seed=0, centers=2):
    """`centers` round Gaussian blobs ("isotropic": the same spread in every direction).

    Blob j (label j) is centred at 3 (cos(2 pi j / k), sin(2 pi j / k)), k = centers,
    and its points are  center_j + noise * z,  z ~ N(0, I).  Two blobs sit at (3, 0)
    and (-3, 0): 6 standard deviations apart at the default noise=1.
    Each blob gets n // k or n // k + 1 points.
    """
    _check_int(
        "make_gaussians", "centers", centers, 1, "centers is the number of blobs, try centers=2"
    )
    _check_int(
        "make_gaussians", "n", n, centers, f"need one point per blob (centers={centers}), try n=200"
    )
    _check_noise("make_gaussians", noise)
    _check_seed("make_gaussians", seed)
    rng = np.random.default_rng(seed)
    y = _labels(_class_sizes(n, centers))
    angle = 2 * np.pi * np.arange(centers) / centers
    middle = 3 * np.column_stack([np.cos(angle), np.sin(angle)])  # (centers, 2)
    X = middle[y] + noise * rng.normal(size=(n, 2))
    return _shuffle(rng, X, y)


# ---------- 1-D regression ----------


def make_regression_1d(n=100, noise=0.1, seed=0):
    """Noisy samples of one wave, for fitting a curve.

    x is drawn uniformly from [-1, 1] and sorted (so plt.plot(X, y) draws a line), and
      y = sin(pi x) + noise * z,    z ~ N(0, 1),
    one full period: down to -1 at x = -1/2, up to +1 at x = 1/2. A straight line
    cannot follow it. Returns X float64 (n, 1) and y float64 (n,).
    """
    _check_int("make_regression_1d", "n", n, 1, "try n=100")
    _check_noise("make_regression_1d", noise)
    _check_seed("make_regression_1d", seed)
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-1, 1, n))
    y = np.sin(np.pi * x) + noise * rng.normal(size=n)
    return x[:, None], y


# ---------- working with datasets ----------


def train_test_split(X, y, test_fraction=0.25, seed=0):
    """Shuffle the rows, then hold back a fraction of them for testing.

    n_test = round(test_fraction * n), kept between 1 and n - 1 so that both sides get
    at least one sample. Rows of X stay paired with their y. The same seed gives
    the same split. Returns (X_train, X_test, y_train, y_test).
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(
            f"train_test_split: X and y must be arrays with one row per sample, "
            f"got shapes {X.shape} and {y.shape}; pass the (X, y) of a make_* call"
        )
    if len(X) != len(y):
        raise ValueError(
            f"train_test_split: X and y must have the same length, got "
            f"len(X)={len(X)} and len(y)={len(y)}; check they are from one dataset"
        )
    if len(y) < 2:
        raise ValueError(
            f"train_test_split: need at least 2 samples to split, got {len(y)}; "
            "make a bigger dataset, e.g. make_moons(n=200)"
        )
    hint = "it is the share of samples kept for testing, try test_fraction=0.25"
    _check_number("train_test_split", "test_fraction", test_fraction, hint)
    if not 0 < test_fraction < 1:
        raise ValueError(
            f"train_test_split: test_fraction must be between 0 and 1 "
            f"(exclusive), got {test_fraction}; {hint}"
        )
    _check_seed("train_test_split", seed)
    n = len(y)
    n_test = min(max(round(test_fraction * n), 1), n - 1)
    order = np.random.default_rng(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


DigitsSplit = namedtuple("DigitsSplit", ["X_train", "X_test", "y_train", "y_test"])


def load_digits(test_size=0.25, seed=0):
    """The 1,797 real handwritten digits (8x8 pixels) that ship with scikit-learn.

    Returns a `DigitsSplit(X_train, X_test, y_train, y_test)`, in the order of
    `train_test_split` (use the names: `d = load_digits(); d.X_train`):
      X_*: float64 of shape (n, 64), one image per row (row by row), scaled from the
           original 0..16 grey levels to [0, 1]; `X.reshape(-1, 8, 8)` gives the images.
      y_*: int64 of shape (n,), the digit 0..9.

    The split is stratified: every digit keeps its share in both sets (for each digit,
    round(test_size * count) of its images go to the test set, chosen with the seeded
    generator), and then the rows of each set are shuffled. The same seed gives the
    same split. Needs scikit-learn (`pip install scikit-learn`), which holds the data.
    """
    hint = "it is the share of images kept for testing, try test_size=0.25"
    _check_number("load_digits", "test_size", test_size, hint)
    if not 0 < test_size < 1:
        raise ValueError(f"load_digits: test_size must be between 0 and 1 (exclusive), "
                         f"got {test_size}; {hint}")
    _check_seed("load_digits", seed)
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError:
        raise ImportError("load_digits: the digits ship inside scikit-learn, which is not "
                          "installed; pip install scikit-learn") from None
    bunch = sklearn_digits()
    X = bunch.data.astype(np.float64) / 16.0  # grey levels 0..16 -> [0, 1]
    y = bunch.target.astype(np.int64)
    rng = np.random.default_rng(seed)
    train, test = [], []
    for digit in range(10):
        idx = rng.permutation(np.flatnonzero(y == digit))
        n_test = min(max(round(test_size * len(idx)), 1), len(idx) - 1)
        test.append(idx[:n_test])
        train.append(idx[n_test:])
    train = rng.permutation(np.concatenate(train))
    test = rng.permutation(np.concatenate(test))
    return DigitsSplit(X[train], X[test], y[train], y[test])


def to_pm1(y):
    """Turn 0/1 labels into -1/+1 labels, as the hinge loss max(0, 1 - y * score) wants.

    y_pm = 2 y - 1:  0 -> -1,  1 -> +1.  Returns int64 with the shape of y.
    """
    y = np.asarray(y)
    others = sorted(set(np.unique(y).tolist()) - {0, 1})
    if others:
        raise ValueError(
            f"to_pm1: labels must be 0 or 1, got other values {others[:5]}; "
            "to_pm1 is for two classes, keep labels 0..k-1 for k > 2 classes"
        )
    return (2 * y - 1).astype(np.int64)


# The 2-D classification sets by name (the training playground lists these).
DATASETS = {
    "moons": make_moons,
    "circles": make_circles,
    "spiral": make_spiral,
    "xor": make_xor,
    "gaussians": make_gaussians,
}
