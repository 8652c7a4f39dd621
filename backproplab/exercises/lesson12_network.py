"""The network of lesson 12, in plain numpy and with the engine, step by step.

    x -> Linear(64, 64) -> BatchNorm (training mode) -> tanh -> Linear(64, 10) -> cross-entropy

`engine_steps` runs the forward pass in the small steps the lesson differentiates one by
one (with Tensors, then loss.backward()); `forward`, `predict` and `backward_reference`
are the same network in numpy, for the training loop at the end of the lesson, with no
engine. The checkers of lesson 12 (`lesson12.py`) compare the learner's gradients with
these; the lesson reaches everything here as `ex.forward`, `ex.batch`, ...
"""

import functools

import numpy as np

from ..data import load_digits
from ..functional import softmax
from ..nn import init_weights
from ..tensor import Tensor

EPS = 1e-5  # BatchNorm's eps, as torch.nn.BatchNorm1d
BATCH = 32
HIDDEN = 64
PARAMS = ("W1", "b1", "gamma", "beta", "W2", "b2")


@functools.cache
def digits():
    """The digits split of lessons 11 and 12: load_digits(seed=0)."""
    return load_digits(seed=0)


def batch(n=BATCH, start=0):
    """n training digits from row `start`: X (n, 64) in [0, 1], y (n,) the digits."""
    d = digits()
    return d.X_train[start:start + n].copy(), d.y_train[start:start + n].copy()


def init_params(seed=0):
    """The parameters, a dict of float64 arrays. gamma starts near 1 (1 + 0.1 * normal)
    rather than at exactly 1, and beta, b1 and b2 as small random numbers rather than 0, so
    that a gradient formula that forgets one of them gives different numbers (with
    gamma = 1 a missing `* gamma` would go unseen)."""
    rng = np.random.default_rng(seed)
    return {"W1": init_weights(64, HIDDEN, "xavier", seed=rng),
            "b1": 0.1 * rng.normal(size=HIDDEN),
            "gamma": 1.0 + 0.1 * rng.normal(size=HIDDEN),
            "beta": 0.1 * rng.normal(size=HIDDEN),
            "W2": 0.1 * init_weights(HIDDEN, 10, "xavier", seed=rng),  # loss near log 10
            "b2": 0.01 * rng.normal(size=10)}


def engine_steps(X, y, params):
    """The forward pass of the module docstring with Tensors, then loss.backward().
    Returns {name: Tensor}: every intermediate and parameter, each with its .grad."""
    t = {k: Tensor(v, label=k) for k, v in params.items()}
    n = len(X)
    t["h_pre"] = Tensor(X, requires_grad=False) @ t["W1"] + t["b1"]
    t["mu"] = t["h_pre"].mean(axis=0)
    t["xc"] = t["h_pre"] - t["mu"]
    t["var"] = (t["xc"] ** 2).mean(axis=0)
    t["inv_std"] = (t["var"] + EPS) ** -0.5
    t["x_hat"] = t["xc"] * t["inv_std"]
    t["h_bn"] = t["gamma"] * t["x_hat"] + t["beta"]
    t["h"] = t["h_bn"].tanh()
    t["logits"] = t["h"] @ t["W2"] + t["b2"]
    t["probs"] = softmax(t["logits"])
    t["logp"] = t["probs"].log()
    t["loss"] = -t["logp"][np.arange(n), y].mean()
    t["loss"].backward()
    return t


def forward(X, y, params):
    """The same forward pass in numpy: (loss, cache), cache a dict of every intermediate
    (h_pre, mu, xc, var, inv_std, x_hat, h_bn, h, logits, probs) and X, y."""
    h_pre = X @ params["W1"] + params["b1"]
    mu = h_pre.mean(axis=0)
    xc = h_pre - mu
    var = (xc**2).mean(axis=0)
    inv_std = (var + EPS) ** -0.5
    x_hat = xc * inv_std
    h_bn = params["gamma"] * x_hat + params["beta"]
    h = np.tanh(h_bn)
    logits = h @ params["W2"] + params["b2"]
    z = logits - logits.max(axis=1, keepdims=True)  # stable: every exponent <= 0
    probs = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(len(X)), y]).mean()
    cache = dict(X=X, y=y, h_pre=h_pre, mu=mu, xc=xc, var=var, inv_std=inv_std,
                 x_hat=x_hat, h_bn=h_bn, h=h, logits=logits, probs=probs)
    return float(loss), cache


def predict(X, params, running_mean, running_var):
    """Logits in evaluation mode: BatchNorm with the running statistics (lesson 11)."""
    x_hat = (X @ params["W1"] + params["b1"] - running_mean) / np.sqrt(running_var + EPS)
    return np.tanh(params["gamma"] * x_hat + params["beta"]) @ params["W2"] + params["b2"]


def bn_backward_reference(dout, x_hat, gamma, inv_std):
    """dx of out = gamma * x_hat + beta, x_hat = (x - mean) / sqrt(var + eps), in one formula:
    dx = gamma * inv_std / n * (n dout - sum(dout) - x_hat * sum(dout * x_hat))."""
    n = len(dout)
    return gamma * inv_std / n * (n * dout - dout.sum(axis=0)
                                  - x_hat * (dout * x_hat).sum(axis=0))


def backward_reference(cache, params):
    """The gradients of every parameter from `forward`'s cache, with no engine."""
    n = len(cache["X"])
    dlogits = cache["probs"].copy()
    dlogits[np.arange(n), cache["y"]] -= 1.0
    dlogits /= n  # (softmax - onehot) / n
    dh = dlogits @ params["W2"].T
    dh_bn = dh * (1.0 - cache["h"] ** 2)  # tanh' = 1 - tanh**2
    dh_pre = bn_backward_reference(dh_bn, cache["x_hat"], params["gamma"], cache["inv_std"])
    return {"W2": cache["h"].T @ dlogits, "b2": dlogits.sum(axis=0),
            "gamma": (dh_bn * cache["x_hat"]).sum(axis=0), "beta": dh_bn.sum(axis=0),
            "W1": cache["X"].T @ dh_pre, "b1": dh_pre.sum(axis=0)}
