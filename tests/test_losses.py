"""Tests for backproplab.losses: values, gradients, stability and error messages.

Each loss is compared with its numpy formula, and its gradient with finite differences
(`gradcheck`, float64), on the Tensor path and, where there is one, the Value path.
"""

import math

import numpy as np
import pytest

from backproplab import Tensor, Value, gradcheck
from backproplab.data import to_pm1
from backproplab.losses import (
    LOSSES,
    bce_with_logits,
    cross_entropy,
    hinge_loss,
    l2_penalty,
    mse_loss,
)

SCORES = np.array([0.3, -1.2, 2.0, -0.4, 0.9, 1.7])  # |1 - y * s| > 0.1: no hinge kink
PM1 = np.array([1, -1, -1, 1, 1, -1])
BINARY = (PM1 + 1) // 2  # the same labels as 0/1
TARGETS = np.array([0.5, -1.0, 1.5, 0.0, 2.0, 1.0])


def values(numbers):
    return [Value(float(x), label=f"s{i}") for i, x in enumerate(numbers)]


def assert_gradcheck(f, *inputs):
    report = gradcheck(f, *inputs)
    assert report.ok, str(report)
    assert max(np.abs(np.ravel(r.analytic)).max() for r in report.rows) > 1e-3  # not all zero


# ------------------------------------------------------------------ values = numpy formulas


def test_mse_value():
    expected = np.mean((SCORES - TARGETS) ** 2)
    assert mse_loss(Tensor(SCORES), TARGETS).item() == pytest.approx(expected, rel=1e-14)
    assert mse_loss(values(SCORES), TARGETS).data == pytest.approx(expected, rel=1e-14)


def test_hinge_value():
    expected = np.mean(np.maximum(0.0, 1.0 - PM1 * SCORES))
    assert expected > 0
    assert hinge_loss(Tensor(SCORES), PM1).item() == pytest.approx(expected, rel=1e-14)
    assert hinge_loss(values(SCORES), PM1).data == pytest.approx(expected, rel=1e-14)
    # zero once every score is on the right side with margin >= 1
    assert hinge_loss(Tensor(3.0 * PM1), PM1).item() == 0.0


def test_bce_value():
    p = 1.0 / (1.0 + np.exp(-SCORES))
    expected = -np.mean(BINARY * np.log(p) + (1 - BINARY) * np.log(1 - p))
    assert bce_with_logits(Tensor(SCORES), BINARY).item() == pytest.approx(expected, rel=1e-13)


def test_cross_entropy_value():
    logits = np.random.default_rng(0).normal(size=(5, 3))
    y = np.array([0, 2, 1, 1, 0])
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    expected = -np.mean(log_p[np.arange(5), y])
    assert cross_entropy(Tensor(logits), y).item() == pytest.approx(expected, rel=1e-13)
    assert LOSSES["cross_entropy"] is cross_entropy


def test_l2_penalty_value():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(3, 2)), rng.normal(size=4)
    expected = np.sum(a**2) + np.sum(b**2)
    assert l2_penalty([Tensor(a), Tensor(b)]).item() == pytest.approx(expected, rel=1e-14)
    assert l2_penalty(values([1.0, -2.0, 0.5])).data == pytest.approx(5.25, rel=1e-15)


def test_losses_by_name():
    assert LOSSES == {
        "mse": mse_loss, "hinge": hinge_loss, "bce": bce_with_logits,
        "cross_entropy": cross_entropy,
    }


def test_losses_return_a_scalar_of_the_input_dtype():
    s32 = Tensor(SCORES, dtype=np.float32)
    for loss in (mse_loss(s32, TARGETS), hinge_loss(s32, PM1), bce_with_logits(s32, BINARY),
                 l2_penalty([s32])):
        assert loss.shape == () and loss.dtype == np.float32


# ------------------------------------------------------------------ gradients (float64)


def test_mse_gradient():
    assert_gradcheck(lambda s: mse_loss(s, TARGETS), Tensor(SCORES, label="scores"))
    assert_gradcheck(lambda *s: mse_loss(list(s), TARGETS), *values(SCORES))
    # d/ds mean((s - t)**2) = 2 (s - t) / n
    s = Tensor(SCORES)
    mse_loss(s, TARGETS).backward()
    np.testing.assert_allclose(s.grad, 2 * (SCORES - TARGETS) / 6, rtol=1e-14)


def test_hinge_gradient():
    assert_gradcheck(lambda s: hinge_loss(s, PM1), Tensor(SCORES, label="scores"))
    assert_gradcheck(lambda *s: hinge_loss(list(s), PM1), *values(SCORES))
    # d/ds = -y / n where the margin is violated, else 0
    s = Tensor(SCORES)
    hinge_loss(s, PM1).backward()
    np.testing.assert_allclose(s.grad, np.where(PM1 * SCORES < 1, -PM1 / 6, 0.0), rtol=1e-15)


def test_bce_gradient():
    assert_gradcheck(lambda s: bce_with_logits(s, BINARY), Tensor(SCORES, label="logits"))
    # d/dz = (sigmoid(z) - y) / n
    z = Tensor(SCORES)
    bce_with_logits(z, BINARY).backward()
    np.testing.assert_allclose(z.grad, (1 / (1 + np.exp(-SCORES)) - BINARY) / 6, rtol=1e-13)


def test_bce_gradient_inside_a_graph():
    # upstream gradients other than 1 reach the primitive: loss = 3 * bce(2 * z)
    assert_gradcheck(lambda z: bce_with_logits(z * 2.0, BINARY) * 3.0, Tensor(SCORES))


def test_cross_entropy_gradient():
    logits = Tensor(np.random.default_rng(2).normal(size=(4, 3)), label="logits")
    assert_gradcheck(lambda z: cross_entropy(z, [2, 0, 1, 2]), logits)


def test_l2_penalty_gradient_tensors():
    rng = np.random.default_rng(3)
    a, b = Tensor(rng.normal(size=(3, 2)), label="a"), Tensor(rng.normal(size=4), label="b")
    assert_gradcheck(lambda a, b: l2_penalty([a, b]), a, b)
    # as weight decay inside a loss: mse + 0.1 * l2
    assert_gradcheck(lambda a, b: mse_loss(a @ a.T, np.eye(3)) + 0.1 * l2_penalty([a, b]), a, b)
    a.grad = b.grad = None
    l2_penalty([a, b]).backward()
    np.testing.assert_allclose(a.grad, 2 * a.data, rtol=1e-15)
    np.testing.assert_allclose(b.grad, 2 * b.data, rtol=1e-15)


def test_l2_penalty_gradient_values():
    ws = values([1.0, -2.0, 0.5])
    assert_gradcheck(lambda *w: l2_penalty(w), *ws)
    assert_gradcheck(lambda *w: (w[0] * w[1]).tanh() + l2_penalty(w) * 0.1, *ws)
    for w in ws:
        w.grad = 0.0
    l2_penalty(ws).backward()
    assert [w.grad for w in ws] == [2.0, -4.0, 1.0]


def test_l2_penalty_errors():
    with pytest.raises(ValueError, match=r"^l2_penalty: got no parameters$"):
        l2_penalty([])
    message = r"^l2_penalty: parameters must be all Values or all Tensors$"
    with pytest.raises(TypeError, match=message):
        l2_penalty([Value(1.0), Tensor([1.0])])


# ------------------------------------------------------------------ bce stays finite


def test_bce_is_finite_for_huge_logits():
    z = Tensor([-1000.0, 1000.0, -1000.0, 1000.0])
    y = [0, 1, 1, 0]
    loss = bce_with_logits(z, y)
    loss.backward()
    # right with full confidence: 0; wrong with full confidence: 1000 each
    assert loss.item() == pytest.approx((0 + 0 + 1000 + 1000) / 4, rel=1e-15)
    assert np.isfinite(z.grad).all()
    np.testing.assert_array_equal(z.grad, np.array([0.0, 0.0, -1.0, 1.0]) / 4)


def test_bce_equals_torch():
    torch = pytest.importorskip("torch")
    z = np.array([-1000.0, -30.0, -2.5, -0.1, 0.0, 0.7, 3.0, 40.0, 1000.0])
    y = np.array([0, 1, 0, 1, 1, 0, 1, 0, 1])
    zt = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    expected = torch.nn.functional.binary_cross_entropy_with_logits(
        zt, torch.tensor(y, dtype=torch.float64)
    )
    expected.backward()
    ours = Tensor(z)
    loss = bce_with_logits(ours, y)
    loss.backward()
    assert loss.item() == pytest.approx(expected.item(), rel=1e-14)
    np.testing.assert_allclose(ours.grad, zt.grad.numpy(), rtol=1e-12, atol=1e-300)


# ------------------------------------------------------------------ (n, 1) vs (n,) targets


@pytest.mark.parametrize(
    "loss, targets",
    [(mse_loss, TARGETS), (hinge_loss, PM1), (bce_with_logits, BINARY)],
    ids=["mse", "hinge", "bce"],
)
def test_column_predictions_do_not_broadcast_against_flat_targets(loss, targets):
    # (6, 1) - (6,) would broadcast to (6, 6) and average 36 wrong pairs
    column = Tensor(SCORES.reshape(6, 1))
    flat = Tensor(SCORES)
    value = loss(column, targets)
    assert value.shape == ()
    assert value.item() == pytest.approx(loss(flat, targets).item(), rel=1e-15)
    value.backward()
    flat_value = loss(flat, targets)
    flat_value.backward()
    assert column.grad.shape == (6, 1)
    np.testing.assert_allclose(column.grad.ravel(), flat.grad, rtol=1e-15)
    # and the (6, 1) targets a learner may also pass
    assert loss(flat, targets.reshape(6, 1)).item() == pytest.approx(value.item(), rel=1e-15)


def test_mse_column_case_is_not_the_broadcast_value():
    pred = Tensor([[1.0], [2.0]])
    assert mse_loss(pred, [1.0, 2.0]).item() == 0.0  # broadcast (2, 2) would give 0.5


@pytest.mark.parametrize("loss", [mse_loss, hinge_loss, bce_with_logits])
def test_target_count_mismatch(loss):
    name = loss.__name__
    with pytest.raises(
        ValueError,
        match=rf"^{name}: predictions of shape \(6, 1\) and targets of shape \(5,\) do not match;"
        r" give one target per prediction$",
    ):
        loss(Tensor(np.zeros((6, 1))), np.ones(5))


def test_value_target_count_mismatch():
    with pytest.raises(ValueError, match=r"^mse_loss: 6 predictions but 5 targets$"):
        mse_loss(values(SCORES), TARGETS[:5])
    with pytest.raises(ValueError, match=r"^hinge_loss: 2 predictions but 3 targets$"):
        hinge_loss(values([1.0, 2.0]), [1, -1, 1])


# ------------------------------------------------------------------ label errors


def test_hinge_with_01_labels_suggests_to_pm1():
    message = r"^hinge_loss: labels must be -1 or 1, got \[0\.0\]; use data\.to_pm1\(y\)$"
    with pytest.raises(ValueError, match=message):
        hinge_loss(Tensor(SCORES), BINARY)
    with pytest.raises(ValueError, match=message):
        hinge_loss(values(SCORES), BINARY)
    # and the suggestion works
    assert hinge_loss(Tensor(SCORES), to_pm1(BINARY)).item() == pytest.approx(
        hinge_loss(Tensor(SCORES), PM1).item(), rel=1e-15
    )


def test_bce_with_label_2():
    labels = BINARY.copy()
    labels[0] = 2
    with pytest.raises(
        ValueError,
        match=r"^bce_with_logits: labels must be 0 or 1, got \[2\.0\]; for -1/\+1 labels use"
        r" \(y \+ 1\) // 2, for more than two classes cross_entropy$",
    ):
        bce_with_logits(Tensor(SCORES), labels)


def test_bce_with_pm1_labels_says_how_to_convert():
    with pytest.raises(ValueError, match=r"got \[-1\.0\]; for -1/\+1 labels use \(y \+ 1\) // 2"):
        bce_with_logits(Tensor(SCORES), PM1)


def test_bce_on_values_points_to_the_value_losses():
    with pytest.raises(TypeError, match=r"^bce_with_logits works on a Tensor of scores; for Values"
                                        r" use hinge_loss or mse_loss$"):
        bce_with_logits(values(SCORES), BINARY)


def test_predictions_must_be_a_tensor():
    with pytest.raises(TypeError, match=r"^mse_loss: predictions must be a Tensor, got ndarray$"):
        mse_loss(SCORES, TARGETS)


def test_losses_accept_tensor_targets():
    got = mse_loss(Tensor(SCORES), Tensor(TARGETS, requires_grad=False)).item()
    assert got == pytest.approx(np.mean((SCORES - TARGETS) ** 2), rel=1e-14)
    assert math.isfinite(hinge_loss(Tensor(SCORES), Tensor(PM1)).item())


# ------------------------------------------------------------------ shapes that would scramble


@pytest.mark.parametrize("loss, targets", [(mse_loss, TARGETS), (hinge_loss, PM1),
                                           (bce_with_logits, BINARY)],
                         ids=["mse", "hinge", "bce"])
def test_same_count_other_shape_is_an_error_not_a_reshape(loss, targets):
    name = loss.__name__
    pred = Tensor(SCORES.reshape(2, 3))
    with pytest.raises(ValueError, match=rf"^{name}: predictions of shape \(2, 3\) and targets "
                                         r"of shape \(3, 2\) do not match, and reshaping would "
                                         r"pair the wrong numbers; give targets of shape "
                                         r"\(2, 3\) \(y\.T if they are transposed, "
                                         r"y\.reshape\(2, 3\) if they are in the same order\)$"):
        loss(pred, targets.reshape(3, 2))
    # the suggested fixes work, and (1, 6) rows keep the order of (6,)
    assert loss(pred, targets.reshape(3, 2).reshape(2, 3)).item() == pytest.approx(
        loss(Tensor(SCORES), targets).item(), rel=1e-15)
    assert loss(Tensor(SCORES.reshape(1, 6)), targets).item() == pytest.approx(
        loss(Tensor(SCORES), targets).item(), rel=1e-15)


def test_mse_transposed_targets_example_from_issue_12():
    pred = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    y = np.array([[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]])  # the same numbers, transposed
    with pytest.raises(ValueError, match=r"y\.T if they are transposed"):
        mse_loss(pred, y)
    assert mse_loss(pred, y.T).item() == 0.0


def test_l2_penalty_of_a_model_or_one_parameter():
    from backproplab.nn import MLP, ScalarMLP

    model = MLP(2, [3], 1, seed=0)
    expected = sum(float((p.data ** 2).sum()) for p in model.parameters())
    assert l2_penalty(model).item() == pytest.approx(expected, rel=1e-14)
    assert l2_penalty(model.parameters()).item() == pytest.approx(expected, rel=1e-14)
    scalar = ScalarMLP(2, [3], 1, seed=0)
    assert l2_penalty(scalar).data == pytest.approx(expected, rel=1e-14)
    w = Tensor([1.0, -2.0])
    assert l2_penalty(w).item() == 5.0
    assert l2_penalty(Value(3.0)).data == 9.0
    with pytest.raises(TypeError, match=r"^l2_penalty: expected model\.parameters\(\) \(a list of"
                                        r" Values or Tensors\), got float$"):
        l2_penalty(0.5)


def test_mse_target_that_requires_grad_gets_its_gradient():
    pred = Tensor([[1.0], [2.0], [4.0]])
    target = Tensor([0.0, 2.0, 1.0])  # e.g. another model's output, shape (3,)
    mse_loss(pred, target).backward()
    np.testing.assert_allclose(pred.grad, [[2 / 3], [0.0], [2.0]], rtol=1e-15)
    np.testing.assert_allclose(target.grad, [-2 / 3, 0.0, -2.0], rtol=1e-15)
    constant = Tensor([0.0, 2.0, 1.0], requires_grad=False)
    assert mse_loss(Tensor([[1.0], [2.0], [4.0]]), constant).item() == pytest.approx(10 / 3)
