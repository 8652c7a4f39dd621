"""Tests for nn.BatchNorm1d, nn.Dropout, train()/eval() and MLP(batchnorm=, dropout=).

Values by hand, gradients by finite differences (gradcheck), and -- when torch is
installed -- forward, backward and running statistics against torch to 1e-10 in float64.
"""

import numpy as np
import pytest

from backproplab import Tensor
from backproplab.gradcheck import gradcheck
from backproplab.nn import MLP, BatchNorm1d, Dropout, Linear, Module

RNG = np.random.default_rng(3)
X = RNG.normal(2.0, 3.0, size=(6, 4))


# ---------------------------------------------------------------- BatchNorm1d by hand


def test_training_output_has_zero_mean_unit_variance_per_feature():
    out = BatchNorm1d(4)(X).data
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    var = X.var(axis=0)
    np.testing.assert_allclose(out.var(axis=0), var / (var + 1e-5), rtol=1e-12)


def test_running_statistics_use_momentum_and_the_unbiased_variance():
    bn = BatchNorm1d(4, momentum=0.25)
    bn(X)
    np.testing.assert_allclose(bn.running_mean, 0.25 * X.mean(axis=0), rtol=1e-13)
    np.testing.assert_allclose(bn.running_var, 0.75 + 0.25 * X.var(axis=0, ddof=1), rtol=1e-13)
    bn(2 * X)
    np.testing.assert_allclose(bn.running_mean, 0.75 * 0.25 * X.mean(0) + 0.25 * 2 * X.mean(0),
                               rtol=1e-13)
    assert bn.num_batches_tracked == 2


def test_momentum_none_is_the_cumulative_average():
    bn = BatchNorm1d(4, momentum=None)
    bn(X)
    bn(X + 1.0)
    np.testing.assert_allclose(bn.running_mean, X.mean(axis=0) + 0.5, rtol=1e-13)


def test_eval_uses_running_statistics_and_leaves_them_alone():
    bn = BatchNorm1d(4)
    bn.weight.data[:] = [1.0, 2.0, 3.0, 4.0]
    bn.bias.data[:] = [0.5, 0.0, -0.5, 1.0]
    bn(X)
    mean, var = bn.running_mean.copy(), bn.running_var.copy()
    assert bn.eval() is bn and bn.training is False
    out = bn(X[:1]).data  # one sample is fine in eval mode
    expected = (X[:1] - mean) / np.sqrt(var + 1e-5) * bn.weight.data + bn.bias.data
    np.testing.assert_allclose(out, expected, rtol=1e-13)
    np.testing.assert_array_equal(bn.running_mean, mean)
    assert bn.num_batches_tracked == 1


def test_affine_parameters_and_affine_false():
    bn = BatchNorm1d(3)
    assert [name for name, _ in bn.named_parameters()] == ["weight", "bias"]
    np.testing.assert_array_equal(bn.weight.data, 1.0)
    np.testing.assert_array_equal(bn.bias.data, 0.0)
    assert bn.running_mean.shape == (3,) and np.all(bn.running_var == 1.0)
    plain = BatchNorm1d(4, affine=False)
    assert plain.parameters() == []
    np.testing.assert_allclose(plain(X).data, BatchNorm1d(4)(X).data, rtol=1e-14)
    assert repr(plain) == "BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=False)"


def test_gradients_by_finite_differences():
    bn = BatchNorm1d(4)
    bn.weight.data[:] = [1.5, -0.5, 2.0, 1.0]
    bn.bias.data[:] = [0.1, 0.2, 0.3, 0.4]
    x = Tensor(X[:5])
    c = np.random.default_rng(0).normal(size=(5, 4))  # a loss that weights every output

    def f(x, w, b):
        bn.weight, bn.bias = w, b
        return (bn(x) * c).sum()

    report = gradcheck(f, x, bn.weight, bn.bias)
    assert report.ok, report


def test_batch_of_one_in_training_is_a_clear_error():
    with pytest.raises(ValueError, match=r"BatchNorm1d: a batch of 1 row in training mode has "
                                         r"no spread to normalize .* call model\.eval\(\) "
                                         r"first .* batches of at least 2 rows"):
        BatchNorm1d(4)(X[:1])


def test_wrong_feature_count_names_the_module_shapes_and_a_fix():
    with pytest.raises(ValueError, match=r"BatchNorm1d: input of shape \(6, 4\) has 4 features "
                                         r"per row, but this layer normalizes 3; build "
                                         r"BatchNorm1d\(4\), or check that the Linear before "
                                         r"it has n_out=3"):
        BatchNorm1d(3)(X)
    with pytest.raises(ValueError, match=r"BatchNorm1d: expects input of shape \(batch, 4\), "
                                         r"got \(2, 4, 3\)"):
        BatchNorm1d(4)(np.ones((2, 4, 3)))


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"num_features": 0}, ValueError, r"BatchNorm1d: num_features must be a positive integer"),
    ({"num_features": 3, "eps": 0}, ValueError, r"BatchNorm1d: eps must be > 0, got 0"),
    ({"num_features": 3, "momentum": 1.5}, ValueError,
     r"BatchNorm1d: momentum must be in \[0, 1\] or None, got 1\.5"),
    ({"num_features": 3, "momentum": "0.1"}, TypeError, r"BatchNorm1d: momentum must be a num"),
    ({"num_features": 3, "affine": "yes"}, TypeError, r"BatchNorm1d: affine must be True or"),
])
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        BatchNorm1d(**kwargs)


# ---------------------------------------------------------------- torch parity


@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("momentum", [0.1, 0.3, None])
def test_batchnorm_matches_pytorch(affine, momentum):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    ours = BatchNorm1d(5, momentum=momentum, affine=affine)
    ref = torch.nn.BatchNorm1d(5, momentum=momentum, affine=affine).double()
    if affine:
        w, b = rng.normal(size=5), rng.normal(size=5)
        ours.weight.data[:], ours.bias.data[:] = w, b
        with torch.no_grad():
            ref.weight.copy_(torch.tensor(w))
            ref.bias.copy_(torch.tensor(b))
    for batch in range(3):  # three training batches, then evaluation
        xb = rng.normal(1.0, 2.0, size=(7 + batch, 5))
        c = rng.normal(size=xb.shape)
        x = Tensor(xb)
        xt = torch.tensor(xb, requires_grad=True)
        if affine:
            ours.zero_grad()
            ref.zero_grad()
        out = ours(x)
        out_t = ref(xt)
        (out * c).sum().backward()
        (out_t * torch.tensor(c)).sum().backward()
        np.testing.assert_allclose(out.data, out_t.detach().numpy(), rtol=0, atol=1e-10)
        np.testing.assert_allclose(x.grad, xt.grad.numpy(), rtol=0, atol=1e-10)
        if affine:
            np.testing.assert_allclose(ours.weight.grad, ref.weight.grad.numpy(), atol=1e-10)
            np.testing.assert_allclose(ours.bias.grad, ref.bias.grad.numpy(), atol=1e-10)
        np.testing.assert_allclose(ours.running_mean, ref.running_mean.numpy(), atol=1e-10)
        np.testing.assert_allclose(ours.running_var, ref.running_var.numpy(), atol=1e-10)
    assert ours.num_batches_tracked == int(ref.num_batches_tracked) == 3
    ours.eval()
    ref.eval()
    xb = rng.normal(size=(4, 5))
    x, xt = Tensor(xb), torch.tensor(xb, requires_grad=True)
    out, out_t = ours(x), ref(xt)
    out.sum().backward()
    out_t.sum().backward()
    np.testing.assert_allclose(out.data, out_t.detach().numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(x.grad, xt.grad.numpy(), rtol=0, atol=1e-10)


def test_dropout_semantics_match_pytorch():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    x = torch.ones(2000, dtype=torch.float64)
    theirs = torch.nn.Dropout(0.3)(x).numpy()
    ours = Dropout(0.3, seed=0)(np.ones(2000)).data
    # the same two values (0 and 1 / (1 - p)), about the same share of zeros
    np.testing.assert_allclose(np.unique(theirs), np.unique(ours), rtol=1e-15)
    assert abs((ours == 0).mean() - (theirs == 0).mean()) < 0.05


# ---------------------------------------------------------------- Dropout


def test_dropout_keeps_the_mean_and_scales_the_kept_units():
    out = Dropout(0.25, seed=1)(np.full((200, 50), 3.0)).data
    kept = out != 0
    np.testing.assert_allclose(out[kept], 3.0 / 0.75, rtol=1e-15)
    assert abs(kept.mean() - 0.75) < 0.01
    assert abs(out.mean() - 3.0) < 0.05


def test_dropout_gradient_is_mask_times_scale():
    x = Tensor(np.random.default_rng(0).normal(size=(8, 6)))
    out = Dropout(0.5, seed=2)(x)
    g = np.random.default_rng(1).normal(size=(8, 6))
    out.backward(g)
    mask = out.data / x.data  # 0 or 2
    assert set(np.unique(np.round(mask, 12))) == {0.0, 2.0}
    np.testing.assert_allclose(x.grad, g * mask, rtol=1e-12)


def test_dropout_is_the_identity_in_eval_mode_and_with_p_zero():
    x = Tensor(np.ones((3, 4)))
    drop = Dropout(0.9)
    drop.eval()
    assert drop(x) is x
    assert Dropout(0.0)(x) is x


def test_dropout_is_seeded():
    a = Dropout(0.5, seed=7)(np.ones(100)).data
    b = Dropout(0.5, seed=7)(np.ones(100)).data
    c = Dropout(0.5, seed=8)(np.ones(100)).data
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    drop = Dropout(0.5, seed=7)
    assert not np.array_equal(drop(np.ones(100)).data, drop(np.ones(100)).data)  # new masks


@pytest.mark.parametrize("p", [1, 1.0, -0.1, 2, float("nan")])
def test_dropout_p_outside_0_1(p):
    with pytest.raises(ValueError, match=r"Dropout: p must be in \[0, 1\), got .*; it is the "
                                         r"probability of dropping a unit"):
        Dropout(p)


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_dropout_bad_seed(seed):
    with pytest.raises(ValueError, match=r"Dropout: seed must be a non-negative integer \(or a "
                                         r"numpy Generator\), got .*; try seed=0"):
        Dropout(0.5, seed=seed)


# ---------------------------------------------------------------- train() / eval()


class Net(Module):
    def __init__(self):
        self.lin = Linear(4, 3, seed=0)
        self.parts = [BatchNorm1d(3), Dropout(0.5)]


def test_train_and_eval_switch_every_submodule():
    net = Net()
    modules = list(net.modules())
    assert [type(m).__name__ for m in modules] == ["Net", "Linear", "BatchNorm1d", "Dropout"]
    assert all(m.training for m in modules)
    assert net.eval() is net
    assert not any(m.training for m in modules)
    net.train()
    assert all(m.training for m in modules)
    net.train(False)
    assert not any(m.training for m in modules)
    with pytest.raises(TypeError, match=r"Net\.train: mode must be True or False, got 'eval'"):
        net.train("eval")


def test_mlp_with_batchnorm_and_dropout():
    plain = MLP(4, [8, 6], 3, seed=0)
    model = MLP(4, [8, 6], 3, seed=0, batchnorm=True, dropout=0.2)
    np.testing.assert_array_equal(plain.layers[0].W.data, model.layers[0].W.data)
    names = [n for n, _ in model.named_parameters()]
    assert names[-4:] == ["norms.0.weight", "norms.0.bias", "norms.1.weight", "norms.1.bias"]
    assert [bn.num_features for bn in model.norms] == [8, 6]
    assert [d.p for d in model.dropouts] == [0.2, 0.2]
    assert "8 -> 6 -> 3, activation=relu, batchnorm, dropout=0.2" in repr(model)
    out = model(X)
    assert out.shape == (6, 3)
    # training: the first layer's pre-activations are normalized per feature
    _, z, a = model.layer_outputs(X)[0]
    np.testing.assert_allclose(z.data.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_array_equal(a.data, np.maximum(z.data, 0))
    # evaluation: deterministic, and one sample at a time gives the batch's rows
    model.eval()
    full = model(X).data
    np.testing.assert_array_equal(full, model(X).data)
    np.testing.assert_allclose(model(X[2:3]).data, full[2:3], rtol=1e-12)
    with pytest.raises(TypeError, match=r"MLP: batchnorm must be True or False"):
        MLP(4, [8], 3, batchnorm="yes")


def test_mlp_with_batchnorm_matches_pytorch():
    torch = pytest.importorskip("torch")
    model = MLP(4, [5], 2, seed=0, batchnorm=True)
    lin1, bn, lin2 = (torch.nn.Linear(4, 5).double(), torch.nn.BatchNorm1d(5).double(),
                      torch.nn.Linear(5, 2).double())
    with torch.no_grad():
        for ours, theirs in ((model.layers[0], lin1), (model.layers[1], lin2)):
            theirs.weight.copy_(torch.tensor(ours.W.data.T))
            theirs.bias.copy_(torch.tensor(ours.b.data))
    net = torch.nn.Sequential(lin1, bn, torch.nn.ReLU(), lin2)
    out = model(X)
    out_t = net(torch.tensor(X))
    out.sum().backward()
    out_t.sum().backward()
    np.testing.assert_allclose(out.data, out_t.detach().numpy(), atol=1e-10)
    np.testing.assert_allclose(model.layers[0].W.grad, lin1.weight.grad.numpy().T, atol=1e-10)
    np.testing.assert_allclose(model.norms[0].weight.grad, bn.weight.grad.numpy(), atol=1e-10)
