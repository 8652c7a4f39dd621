"""Tests for backproplab.data: toy datasets, train/test split, label helpers."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backproplab.data import (
    DATASETS,
    make_circles,
    make_gaussians,
    make_moons,
    make_regression_1d,
    make_spiral,
    make_xor,
    to_pm1,
    train_test_split,
)

N_CLASSES = {"moons": 2, "circles": 2, "spiral": 3, "xor": 2, "gaussians": 2}
# the sets whose `noise` is Gaussian noise added to both coordinates
COORD_NOISE = ["moons", "circles", "xor", "gaussians"]


def test_datasets_dict_lists_the_five_2d_sets():
    assert set(DATASETS) == {"moons", "circles", "spiral", "xor", "gaussians"}
    assert all(callable(make) for make in DATASETS.values())


# ---------- shapes, dtypes, labels, balance ----------


@pytest.mark.parametrize("name", sorted(DATASETS))
@pytest.mark.parametrize("n", [7, 60, 301])
def test_shapes_dtypes_labels_and_balance(name, n):
    X, y = DATASETS[name](n=n)
    k = N_CLASSES[name]
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert np.all(np.isfinite(X))
    counts = np.bincount(y, minlength=k)
    assert len(counts) == k  # labels are exactly 0..k-1
    assert counts.min() >= 1 and counts.max() - counts.min() <= 1


@pytest.mark.parametrize("make", [make_moons, make_circles, make_xor])
def test_two_class_sets_split_n_as_half_and_rest(make):
    _, y = make(n=7)
    assert np.bincount(y).tolist() == [3, 4]  # n // 2 and n - n // 2


def test_rows_are_shuffled_so_slices_mix_classes():
    for name, make in DATASETS.items():
        _, y = make()
        assert len(set(y[:20].tolist())) > 1, name


# ---------- determinism ----------


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_same_seed_same_arrays_other_seed_differs(name):
    make = DATASETS[name]
    X1, y1 = make(seed=3)
    X2, y2 = make(seed=3)
    X3, _ = make(seed=4)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.allclose(X1, X3)


def test_regression_same_seed_same_arrays_other_seed_differs():
    X1, y1 = make_regression_1d(seed=1)
    X2, y2 = make_regression_1d(seed=1)
    X3, y3 = make_regression_1d(seed=2)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.allclose(X1, X3)


# ---------- exact geometry at noise = 0 ----------


def test_moons_lie_on_two_unit_half_circles():
    X, y = make_moons(n=301, noise=0)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)
    assert np.all(upper[:, 1] >= 0) and np.all(lower[:, 1] <= 0.5)
    # interleaving: each moon reaches into the other's x-range
    assert upper[:, 0].max() > lower[:, 0].min() + 0.5


def test_circles_have_radius_one_and_factor():
    X, y = make_circles(n=200, noise=0, factor=0.3)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0)
    np.testing.assert_allclose(r[y == 1], 0.3)


def test_xor_labels_are_xor_of_quadrant_signs():
    X, y = make_xor(n=400, noise=0)
    np.testing.assert_array_equal(y, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(int))
    assert np.all(np.abs(X) >= 0.1) and np.all(np.abs(X) <= 1.0)
    quadrants = np.bincount(2 * (X[:, 0] > 0) + (X[:, 1] > 0), minlength=4)
    assert quadrants.min() > 50  # all four clusters are populated


def test_spiral_points_sit_on_their_arm():
    K = 4
    X, y = make_spiral(n=400, noise=0, n_classes=K)
    r = np.hypot(X[:, 0], X[:, 1])
    theta = np.arctan2(X[:, 1], X[:, 0])
    expected = 2 * np.pi * y / K + 4 * r
    off = np.angle(np.exp(1j * (theta - expected)))  # angle difference wrapped to (-pi, pi]
    np.testing.assert_allclose(off, 0, atol=1e-9)
    assert r.max() <= 1


def test_spiral_noise_turns_points_by_noise_radians_and_stays_in_unit_disk():
    X, y = make_spiral(n=6000, noise=0.3)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r.max() <= 1 + 1e-12
    off = np.angle(np.exp(1j * (np.arctan2(X[:, 1], X[:, 0]) - 2 * np.pi * y / 3 - 4 * r)))
    assert 0.28 < off.std() < 0.32


def test_gaussians_at_noise_zero_are_the_centers():
    X, y = make_gaussians(n=50, noise=0, centers=5)
    for j in range(5):
        pts = X[y == j]
        np.testing.assert_allclose(pts, np.broadcast_to(pts[0], pts.shape))
        np.testing.assert_allclose(np.hypot(*pts[0]), 3.0)
    assert len(np.unique(X, axis=0)) == 5


def test_gaussians_are_separated_when_noise_is_small():
    X, y = make_gaussians(n=500, noise=0.3, centers=4)
    means = np.array([X[y == j].mean(axis=0) for j in range(4)])
    nearest = np.argmin(((X[:, None, :] - means[None]) ** 2).sum(-1), axis=1)
    assert np.all(nearest == y)


@pytest.mark.parametrize("name", COORD_NOISE)
def test_noise_is_the_std_of_added_gaussian_noise(name):
    make = DATASETS[name]
    X0, _ = make(n=4000, noise=0, seed=5)
    X1, _ = make(n=4000, noise=0.3, seed=5)
    diff = X1 - X0  # same seed: same clean points, same permutation
    assert abs(diff.mean()) < 0.02
    assert 0.28 < diff.std() < 0.32


def test_regression_1d_is_a_sorted_sine_wave():
    X, y = make_regression_1d(n=100, noise=0)
    assert X.shape == (100, 1) and X.dtype == np.float64
    assert y.shape == (100,) and y.dtype == np.float64
    assert np.all(np.diff(X[:, 0]) >= 0) and np.all(np.abs(X) <= 1)
    np.testing.assert_allclose(y, np.sin(np.pi * X[:, 0]))


def test_regression_1d_noise_is_the_std_of_the_residual():
    X, y = make_regression_1d(n=5000, noise=0.1)
    residual = y - np.sin(np.pi * X[:, 0])
    assert 0.095 < residual.std() < 0.105


# ---------- train_test_split ----------


def _indexed(n):
    """Data whose rows say where they came from: X[i] = (2i, 2i+1), y[i] = i."""
    return np.arange(2 * n).reshape(n, 2), np.arange(n)


def test_split_sizes_pairing_and_permutation():
    X, y = _indexed(100)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_fraction=0.25)
    assert (len(X_tr), len(X_te), len(y_tr), len(y_te)) == (75, 25, 75, 25)
    np.testing.assert_array_equal(X_tr[:, 0], 2 * y_tr)  # rows stay with their labels
    np.testing.assert_array_equal(X_te[:, 0], 2 * y_te)
    assert not set(y_tr.tolist()) & set(y_te.tolist())  # disjoint
    np.testing.assert_array_equal(np.sort(np.concatenate([y_tr, y_te])), y)
    assert not np.array_equal(y_tr, np.sort(y_tr))  # shuffled


def test_split_keeps_one_sample_on_each_side():
    X, y = _indexed(2)
    assert [len(a) for a in train_test_split(X, y, test_fraction=0.01)] == [1, 1, 1, 1]
    X, y = _indexed(10)
    assert [len(a) for a in train_test_split(X, y, test_fraction=0.01)] == [9, 1, 9, 1]
    assert [len(a) for a in train_test_split(X, y, test_fraction=0.99)] == [1, 9, 1, 9]


def test_split_is_deterministic():
    X, y = make_moons()
    a = train_test_split(X, y, seed=7)
    b = train_test_split(X, y, seed=7)
    c = train_test_split(X, y, seed=8)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[3], c[3])


# ---------- to_pm1 ----------


def test_to_pm1_maps_0_to_minus_1_and_1_to_plus_1():
    out = to_pm1(np.array([0, 1, 1, 0]))
    np.testing.assert_array_equal(out, [-1, 1, 1, -1])
    assert out.dtype == np.int64
    _, y = make_moons()
    np.testing.assert_array_equal(to_pm1(y) == 1, y == 1)


def test_to_pm1_rejects_other_labels():
    with pytest.raises(ValueError, match=r"to_pm1: labels must be 0 or 1, got other values \[2\]"):
        to_pm1([0, 1, 2])
    with pytest.raises(ValueError, match=r"to_pm1: .*\[-1\]"):
        to_pm1([-1, 1])


# ---------- error messages ----------


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_bad_n_names_function_and_value(name):
    fn = DATASETS[name].__name__
    with pytest.raises(ValueError, match=rf"{fn}: n must be an integer >= \d, got -5; .*try n="):
        DATASETS[name](n=-5)
    with pytest.raises(TypeError, match=rf"{fn}: n must be an integer, got 10.0 \(float\)"):
        DATASETS[name](n=10.0)
    with pytest.raises(TypeError, match=rf"{fn}: n must be an integer, got True"):
        DATASETS[name](n=True)


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_bad_noise_names_function_and_value(name):
    fn = DATASETS[name].__name__
    with pytest.raises(ValueError, match=rf"{fn}: noise must be >= 0 .*got -0.1; try noise=0"):
        DATASETS[name](noise=-0.1)
    with pytest.raises(ValueError, match=rf"{fn}: noise must be a finite number, got nan"):
        DATASETS[name](noise=float("nan"))
    with pytest.raises(TypeError, match=rf"{fn}: noise must be a number, got '0.1' \(str\)"):
        DATASETS[name](noise="0.1")


def test_n_smaller_than_number_of_classes():
    with pytest.raises(
        ValueError,
        match=r"make_moons: n must be an integer >= 2, got 1; "
        r"need one point per class",
    ):
        make_moons(n=1)
    with pytest.raises(
        ValueError,
        match=r"make_spiral: n must be an integer >= 5, got 4; "
        r"need one point per class \(n_classes=5\)",
    ):
        make_spiral(n=4, n_classes=5)
    with pytest.raises(ValueError, match=r"make_gaussians: n must be an integer >= 3, got 2"):
        make_gaussians(n=2, centers=3)


def test_regression_bad_n_and_noise():
    with pytest.raises(
        ValueError,
        match=r"make_regression_1d: n must be a positive integer, "
        r"got 0; try n=100",
    ):
        make_regression_1d(n=0)
    with pytest.raises(ValueError, match=r"make_regression_1d: noise must be >= 0"):
        make_regression_1d(noise=-1)


def test_other_bad_arguments():
    with pytest.raises(
        ValueError,
        match=r"make_circles: factor must be between 0 and 1, "
        r"got 1.5; .*try factor=0.5",
    ):
        make_circles(factor=1.5)
    with pytest.raises(
        ValueError,
        match=r"make_spiral: n_classes must be an integer >= 2, "
        r"got 1; try n_classes=3",
    ):
        make_spiral(n_classes=1)
    with pytest.raises(TypeError, match=r"make_spiral: n_classes must be an integer, got 2.5"):
        make_spiral(n_classes=2.5)
    with pytest.raises(
        ValueError,
        match=r"make_gaussians: centers must be a positive integer, "
        r"got 0; .*try centers=2",
    ):
        make_gaussians(centers=0)


@pytest.mark.parametrize("bad", [0, 1, -0.2, 1.5, 0.0, 1.0])
def test_split_rejects_test_fraction_outside_0_1(bad):
    X, y = _indexed(10)
    with pytest.raises(
        ValueError,
        match=rf"train_test_split: test_fraction must be between 0 "
        rf"and 1 \(exclusive\), got {bad}; .*try test_fraction",
    ):
        train_test_split(X, y, test_fraction=bad)


def test_split_rejects_bad_arrays():
    X, y = _indexed(10)
    with pytest.raises(
        ValueError,
        match=r"train_test_split: X and y must have the same length, "
        r"got len\(X\)=10 and len\(y\)=9",
    ):
        train_test_split(X, y[:9])
    with pytest.raises(ValueError, match=r"train_test_split: need at least 2 samples .*got 1"):
        train_test_split(X[:1], y[:1])
    with pytest.raises(ValueError, match=r"train_test_split: X and y must be arrays with one row"):
        train_test_split(np.float64(1.0), y)
    with pytest.raises(
        TypeError,
        match=r"train_test_split: test_fraction must be a number, "
        r"got '0.2' \(str\)",
    ):
        train_test_split(X, y, test_fraction="0.2")


# ---------- property tests ----------


@settings(max_examples=200, deadline=None)
@given(
    name=st.sampled_from(sorted(DATASETS)),
    n=st.integers(2, 500),
    seed=st.integers(0, 2**32 - 1),
    noise=st.floats(0, 2),
)
def test_any_n_and_seed_give_valid_shapes_and_labels(name, n, seed, noise):
    kwargs = {"n_classes": min(n, 3)} if name == "spiral" else {}
    X, y = DATASETS[name](n=n, noise=noise, seed=seed, **kwargs)
    k = kwargs.get("n_classes", N_CLASSES[name])
    assert X.shape == (n, 2) and X.dtype == np.float64 and np.all(np.isfinite(X))
    assert y.shape == (n,) and y.dtype == np.int64
    counts = np.bincount(y)
    assert len(counts) == k and counts.min() >= 1 and counts.max() - counts.min() <= 1


@settings(max_examples=200, deadline=None)
@given(n=st.integers(2, 500), frac=st.floats(0.001, 0.999), seed=st.integers(0, 2**32 - 1))
def test_any_split_covers_the_data_once(n, frac, seed):
    X, y = _indexed(n)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_fraction=frac, seed=seed)
    assert len(y_tr) >= 1 and len(y_te) >= 1
    np.testing.assert_array_equal(np.sort(np.concatenate([y_tr, y_te])), y)
    np.testing.assert_array_equal(
        np.concatenate([X_tr, X_te])[:, 0], 2 * np.concatenate([y_tr, y_te])
    )
