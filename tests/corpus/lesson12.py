"""Learner answers for lesson 12: 12.1-12.3 one gradient at a time (check_grad), 12.4
BatchNorm's backward in one formula, 12.5 the whole backward pass in numpy."""

import numpy as np

from backproplab import Tensor
from backproplab.exercises import lesson12 as ex
from corpus import RIGHT, TODO, WRONG, args

CHECKERS = {"12.1": "check_grad", "12.2": "check_grad", "12.3": "check_grad",
            "12.4": "check_bn_backward", "12.5": "check_backward_by_hand"}

R, G = ex._lesson()  # the forward values and the engine's gradients of the lesson's batch
n, onehot, P = R["n"], R["onehot"], R["probs"]
ROWS = np.arange(n)


def _picked():
    d = np.zeros((n, 10))
    d[ROWS, R["y"]] = -1.0 / n
    return d


def _other_batch_logits():
    """The engine's logits Tensor for another batch, after backward."""
    X, y = ex.batch(32, 200)
    return ex.engine_steps(X, y, ex.init_params(seed=3))["logits"]


OTHER = _other_batch_logits()
OTHER_P = np.exp(OTHER.data) / np.exp(OTHER.data).sum(axis=1, keepdims=True)
NOT_RUN = Tensor(np.zeros((n, 10)))  # a tensor whose backward() has not run
LOGITS = ex.engine_steps(R["X"], R["y"], ex.init_params())["logits"]  # after backward

# ---- 12.4: bn_backward, as learners write it ----


def bn(dout, x_hat, gamma, inv_std):
    n = len(dout)
    return gamma * inv_std / n * (n * dout - dout.sum(axis=0)
                                  - x_hat * (dout * x_hat).sum(axis=0))


def bn_steps(dout, x_hat, gamma, inv_std):  # the six steps, with xc = x_hat / inv_std
    n = len(dout)
    xc = x_hat / inv_std
    dx_hat = dout * gamma
    dinv_std = (dx_hat * xc).sum(0)
    dvar = dinv_std * -0.5 * inv_std**3
    dxc = dx_hat * inv_std + dvar * 2 * xc / n
    return dxc - dxc.sum(0) / n


def bn_means(dout, x_hat, gamma, inv_std):  # the same with means
    dx_hat = dout * gamma
    return inv_std * (dx_hat - dx_hat.mean(axis=0) - x_hat * (dx_hat * x_hat).mean(axis=0))


def bn_bessel(dout, x_hat, gamma, inv_std):
    n = len(dout)
    return gamma * inv_std / n * (n * dout - dout.sum(0)
                                  - n / (n - 1) * x_hat * (dout * x_hat).sum(0))


def bn_no_mean(dout, x_hat, gamma, inv_std):
    n = len(dout)
    return gamma * inv_std / n * (n * dout - x_hat * (dout * x_hat).sum(0))


def bn_no_var(dout, x_hat, gamma, inv_std):
    n = len(dout)
    return gamma * inv_std / n * (n * dout - dout.sum(0))


def bn_no_gamma(dout, x_hat, gamma, inv_std):
    n = len(dout)
    return inv_std / n * (n * dout - dout.sum(0) - x_hat * (dout * x_hat).sum(0))


def bn_no_return(dout, x_hat, gamma, inv_std):
    n = len(dout)
    dx = gamma * inv_std / n * (n * dout - dout.sum(0) - x_hat * (dout * x_hat).sum(0))  # noqa: F841


def bn_row_sums(dout, x_hat, gamma, inv_std):
    n = len(dout)
    return gamma * inv_std / n * (n * dout - dout.sum(axis=1)
                                  - x_hat * (dout * x_hat).sum(axis=1))


def bn_n_32(dout, x_hat, gamma, inv_std):  # the lesson's batch size written in
    return gamma * inv_std / 32 * (32 * dout - dout.sum(axis=0)
                                   - x_hat * (dout * x_hat).sum(axis=0))


def bn_sum_all(dout, x_hat, gamma, inv_std):  # .sum() over every entry
    n = len(dout)
    return gamma * inv_std / n * (n * dout - dout.sum() - x_hat * (dout * x_hat).sum())


def bn_one_sum_all(dout, x_hat, gamma, inv_std):  # the second sum over every entry
    n = len(dout)
    return gamma * inv_std / n * (n * dout - dout.sum(axis=0) - x_hat * (dout * x_hat).sum())


def bn_transposed(dout, x_hat, gamma, inv_std):
    return bn(dout, x_hat, gamma, inv_std).T


def bn_stub(dout, x_hat, gamma, inv_std):
    # dout = dL/d(output) and x_hat: (n, C); gamma, inv_std: (C,). Returns dx, (n, C).
    ...  # replace ... with your code, ending in: return dx


# ---- 12.5: backward_by_hand, as learners write it ----


def full(cache, params):
    n = len(cache["X"])
    dlogits = (cache["probs"] - np.eye(10)[cache["y"]]) / n
    dh = dlogits @ params["W2"].T
    dh_bn = dh * (1 - cache["h"] ** 2)
    dh_pre = bn(dh_bn, cache["x_hat"], params["gamma"], cache["inv_std"])
    return {"W1": cache["X"].T @ dh_pre, "b1": dh_pre.sum(axis=0),
            "gamma": (dh_bn * cache["x_hat"]).sum(axis=0), "beta": dh_bn.sum(axis=0),
            "W2": cache["h"].T @ dlogits, "b2": dlogits.sum(axis=0)}


def full_steps(cache, params):  # every step of section 5, b1 as zeros
    n = len(cache["X"])
    dlogp = np.zeros_like(cache["probs"])
    dlogp[np.arange(n), cache["y"]] = -1 / n
    dprobs = dlogp / cache["probs"]
    p = cache["probs"]
    dlogits = p * (dprobs - (dprobs * p).sum(1, keepdims=True))
    dh_bn = dlogits @ params["W2"].T * (1 - cache["h"] ** 2)
    dx_hat = dh_bn * params["gamma"]
    dvar = (dx_hat * cache["xc"]).sum(0) * -0.5 * (cache["var"] + ex.EPS) ** -1.5
    dxc = dx_hat * cache["inv_std"] + dvar * 2 * cache["xc"] / n
    dh_pre = dxc - dxc.sum(0) / n
    grads = dict(W2=cache["h"].T @ dlogits, b2=dlogits.sum(0), beta=dh_bn.sum(0))
    grads.update(gamma=(dh_bn * cache["x_hat"]).sum(0), W1=cache["X"].T @ dh_pre,
                 b1=np.zeros(len(params["b1"])))
    return grads


def full_no_return(cache, params):
    grads = full(cache, params)  # noqa: F841


def full_tuple(cache, params):
    g = full(cache, params)
    return tuple(g[k] for k in ex.PARAMS)


def full_no_b1(cache, params):
    g = full(cache, params)
    del g["b1"]
    return g


def full_dW2_transposed(cache, params):
    return {**full(cache, params), "W2": full(cache, params)["W2"].T}


def full_db2_not_summed(cache, params):
    n = len(cache["X"])
    return {**full(cache, params), "b2": (cache["probs"] - np.eye(10)[cache["y"]]) / n}


def full_gamma_from_dh(cache, params):  # forgot tanh's slope in dgamma
    n = len(cache["X"])
    dh = (cache["probs"] - np.eye(10)[cache["y"]]) / n @ params["W2"].T
    return {**full(cache, params), "gamma": (dh * cache["x_hat"]).sum(0)}


def full_global_n(cache, params):  # the notebook's n = 32 instead of the cache's batch
    dlogits = (cache["probs"] - np.eye(10)[cache["y"]]) / 32
    dh_bn = dlogits @ params["W2"].T * (1 - cache["h"] ** 2)
    dh_pre = bn(dh_bn, cache["x_hat"], params["gamma"], cache["inv_std"])
    return {"W1": cache["X"].T @ dh_pre, "b1": dh_pre.sum(axis=0),
            "gamma": (dh_bn * cache["x_hat"]).sum(axis=0), "beta": dh_bn.sum(axis=0),
            "W2": cache["h"].T @ dlogits, "b2": dlogits.sum(axis=0)}


def full_global_n_everywhere(cache, params):  # n = 32 in bn_backward too: not one ratio
    dlogits = (cache["probs"] - np.eye(10)[cache["y"]]) / 32
    dh_bn = dlogits @ params["W2"].T * (1 - cache["h"] ** 2)
    dh_pre = bn_n_32(dh_bn, cache["x_hat"], params["gamma"], cache["inv_std"])
    return {**full_global_n(cache, params), "W1": cache["X"].T @ dh_pre,
            "b1": dh_pre.sum(axis=0)}


def full_db2_and_dw1_wrong(cache, params):  # two mistakes: the first in backward order named
    g = full(cache, params)
    return {**g, "W1": g["W1"] * 2, "b2": g["b2"] * 2}


def full_key_error(cache, params):
    return {"W1": cache["X"].T @ cache["dh_pre"]}


def full_b1_left(cache, params):
    return {**full(cache, params), "b1": ...}


def full_stub(cache, params):
    # cache: X, y, h_pre, mu, xc, var, inv_std, x_hat, h_bn, h, logits, probs
    # params: W1, b1, gamma, beta, W2, b2
    ...  # replace ... with your code, ending in: return {"W1": dW1, "b1": db1, ...}


CASES = [
    # ---- 12.1: the loss end ----
    ("12.1", "dlogp: the reference", args("logp", -onehot / n), RIGHT, "exact"),
    ("12.1", "dlogp: set by indexing", args("logp", _picked()), RIGHT, "exact"),
    ("12.1", "dlogp: the 1/n missing", args("logp", -onehot), WRONG, "1/n is missing"),
    ("12.1", "dlogp: every entry", args("logp", -np.ones((n, 10)) / n), WRONG,
     "other entries of dlogp are 0"),
    ("12.1", "dlogp: one per row", args("logp", -np.ones(n) / n), WRONG,
     "one entry per entry of logp"),
    ("12.1", "dlogp: the sign", args("logp", onehot / n), WRONG, "wrong sign"),
    ("12.1", "dprobs: the reference", args("probs", G["logp"] / P), RIGHT, "exact"),
    ("12.1", "dprobs: as a Tensor", args("probs", Tensor(-onehot / (n * P))), RIGHT, "dprobs"),
    ("12.1", "dprobs: multiplied", args("probs", G["logp"] * P), WRONG, "divide"),
    ("12.1", "dprobs: -1/(n p) everywhere", args("probs", -1 / (n * P)), WRONG,
     "only the right class"),
    ("12.1", "dlogits: through the Jacobian",
     args("logits", P * (G["probs"] - (G["probs"] * P).sum(1, keepdims=True))), RIGHT,
     "(probs - onehot) / n"),
    ("12.1", "dlogits: the short formula", args("logits", (P - onehot) / n), RIGHT, "lesson 06"),
    ("12.1", "dlogits: against the Tensor", args("logits", (P - onehot) / n, LOGITS), RIGHT,
     "engine"),
    ("12.1", "dlogits: rounded to 4 decimals", args("logits", np.round((P - onehot) / n, 4)),
     WRONG, "rounded to 4 decimals"),
    ("12.1", "dlogits: no 1/n", args("logits", P - onehot), WRONG, "without the 1/n"),
    ("12.1", "dlogits: softmax's sum over axis 0",
     args("logits", P * (G["probs"] - (G["probs"] * P).sum(axis=0, keepdims=True))), WRONG,
     ("over axis 0", "axis=1")),
    ("12.1", "dlogits: softmax's sum over axis 0, no keepdims",
     args("logits", P * (G["probs"] - (G["probs"] * P).sum(axis=0))), WRONG, "row by row"),
    ("12.1", "dlogits: the Jacobian's diagonal", args("logits", G["probs"] * P * (1 - P)),
     WRONG, "diagonal"),
    ("12.1", "dlogits: another batch's engine, no 1/n", args("logits", OTHER_P - np.eye(10)[
        ex.batch(32, 200)[1]], OTHER), WRONG, "32 times"),
    ("12.1", "dlogits: backward() not run", args("logits", (P - onehot) / n, NOT_RUN), WRONG,
     "loss.backward()"),
    ("12.1", "dlogits: the formula as text", args("logits", "(probs - onehot) / n"), WRONG,
     "array of numbers"),
    ("12.1", "dprobs against logits", args("probs", G["logp"] / P, LOGITS), WRONG,
     "holds the gradient of logits, not of probs"),
    ("12.1", "the engine given as text", args("probs", G["logp"] / P, "probs"), WRONG,
     "the tensor probs itself"),
    ("12.1", "a name that is not a tensor", args("softmax", (P - onehot) / n), WRONG,
     "check_grad knows"),
    ("12.1", "dlogits: the placeholder", args("logits", ...), TODO, "dlogits"),
    ("12.1", "dlogp: the placeholder", args("logp", ...), TODO, "dlogp"),
    # ---- 12.2: the second layer and tanh ----
    ("12.2", "dh: the reference", args("h", G["logits"] @ R["W2"].T), RIGHT, "exact"),
    ("12.2", "dh: np.dot", args("h", np.dot(G["logits"], np.transpose(R["W2"]))), RIGHT, "dh"),
    ("12.2", "dh: transposed", args("h", R["W2"] @ G["logits"].T), WRONG, "transpose"),
    ("12.2", "dh: divided by n", args("h", G["logits"] @ R["W2"].T / n), WRONG,
     "already in dlogits"),
    ("12.2", "dW2: the reference", args("W2", R["h"].T @ G["logits"]), RIGHT, "exact"),
    ("12.2", "dW2: einsum", args("W2", np.einsum("ik,ij->kj", R["h"], G["logits"])), RIGHT,
     "dW2"),
    ("12.2", "dW2: rounded to 4 decimals", args("W2", np.round(G["W2"], 4)), RIGHT,
     "4 decimals you kept"),
    ("12.2", "dW2: transposed", args("W2", G["logits"].T @ R["h"]), WRONG, "transpose"),
    ("12.2", "dW2: averaged", args("W2", R["h"].T @ G["logits"] / n), WRONG,
     "nothing is averaged again"),
    ("12.2", "db2: the reference", args("b2", G["logits"].sum(axis=0)), RIGHT, "exact"),
    ("12.2", "db2: a list", args("b2", list(G["logits"].sum(axis=0))), RIGHT, "db2"),
    ("12.2", "db2: the mean", args("b2", G["logits"].mean(axis=0)), WRONG, "sum them"),
    ("12.2", "db2: keepdims", args("b2", G["logits"].sum(axis=0, keepdims=True)), WRONG,
     "keepdims"),
    ("12.2", "db2: not summed", args("b2", G["logits"]), WRONG, "sum over axis 0"),
    ("12.2", "dh_bn: the reference", args("h_bn", G["h"] * (1 - R["h"] ** 2)), RIGHT, "exact"),
    ("12.2", "dh_bn: 1 / cosh**2", args("h_bn", G["h"] / np.cosh(R["h_bn"]) ** 2), RIGHT,
     "close"),
    ("12.2", "dh_bn: 1 - h_bn**2", args("h_bn", G["h"] * (1 - R["h_bn"] ** 2)), WRONG,
     "use 1 - h**2"),
    ("12.2", "dh_bn: no slope", args("h_bn", G["h"]), WRONG, "slope"),
    ("12.2", "dh_bn: the slope alone", args("h_bn", 1 - R["h"] ** 2), WRONG, "multiplies it"),
    ("12.2", "dh_bn: a function", args("h_bn", np.tanh), WRONG, "not a function"),
    ("12.2", "dh: the placeholder", args("h", ...), TODO, "dh"),
    # ---- 12.3: BatchNorm step by step, and the first layer ----
    ("12.3", "dgamma: the reference", args("gamma", (G["h_bn"] * R["x_hat"]).sum(0)), RIGHT,
     "exact"),
    ("12.3", "dgamma: not summed", args("gamma", G["h_bn"] * R["x_hat"]), WRONG,
     "sum over axis 0"),
    ("12.3", "dgamma: times h_bn", args("gamma", (G["h_bn"] * R["h_bn"]).sum(0)), WRONG,
     "factor next to gamma is x_hat"),
    ("12.3", "dgamma: dbeta", args("gamma", G["h_bn"].sum(0)), WRONG, "that is dbeta"),
    ("12.3", "dbeta: the reference", args("beta", G["h_bn"].sum(0)), RIGHT, "exact"),
    ("12.3", "dbeta: keepdims", args("beta", G["h_bn"].sum(0, keepdims=True)), WRONG,
     "keepdims"),
    ("12.3", "dbeta: the mean", args("beta", G["h_bn"].mean(0)), WRONG, "so sum"),
    ("12.3", "dx_hat: the reference", args("x_hat", G["h_bn"] * R["gamma"]), RIGHT, "exact"),
    ("12.3", "dx_hat: gamma missing", args("x_hat", G["h_bn"]), WRONG, "its gradient is too"),
    ("12.3", "dx_hat: summed", args("x_hat", (G["h_bn"] * R["gamma"]).sum(0)), WRONG,
     "do not sum over the batch"),
    ("12.3", "dinv_std: the reference", args("inv_std", (G["x_hat"] * R["xc"]).sum(0)), RIGHT,
     "exact"),
    ("12.3", "dinv_std: times x_hat", args("inv_std", (G["x_hat"] * R["x_hat"]).sum(0)), WRONG,
     "factor next to inv_std is xc"),
    ("12.3", "dvar: the reference",
     args("var", G["inv_std"] * -0.5 * (R["var"] + ex.EPS) ** -1.5), RIGHT, "exact"),
    ("12.3", "dvar: with inv_std**3", args("var", -0.5 * G["inv_std"] * R["inv_std"] ** 3),
     RIGHT, "d"),
    ("12.3", "dvar: eps left out", args("var", G["inv_std"] * -0.5 * R["var"] ** -1.5), WRONG,
     "left out eps"),
    ("12.3", "dvar: the power", args("var", G["inv_std"] * -0.5 * (R["var"] + ex.EPS) ** -0.5),
     WRONG, "power is off"),
    ("12.3", "dxc: the reference",
     args("xc", G["x_hat"] * R["inv_std"] + G["var"] * 2 * R["xc"] / n), RIGHT, "fork rule"),
    ("12.3", "dxc: one path", args("xc", G["x_hat"] * R["inv_std"]), WRONG, "used twice"),
    ("12.3", "dxc: n - 1", args("xc", G["x_hat"] * R["inv_std"]
                                + G["var"] * 2 * R["xc"] / (n - 1)), WRONG, "n - 1"),
    ("12.3", "dxc: no 2", args("xc", G["x_hat"] * R["inv_std"] + G["var"] * R["xc"] / n),
     WRONG, "factor 2"),
    ("12.3", "dxc: no 1/n", args("xc", G["x_hat"] * R["inv_std"] + G["var"] * 2 * R["xc"]),
     WRONG, ("misses the 1/n", "2 xc / n")),
    ("12.3", "dmu: the reference", args("mu", -G["xc"].sum(0)), RIGHT, "exact"),
    ("12.3", "dmu: the sign", args("mu", G["xc"].sum(0)), WRONG, "wrong sign"),
    ("12.3", "dmu: the mean", args("mu", -G["xc"].mean(0)), WRONG, "so sum"),
    ("12.3", "dh_pre: the reference", args("h_pre", G["xc"] + G["mu"] / n), RIGHT, "exact"),
    ("12.3", "dh_pre: the closed form", args("h_pre", ex.bn_backward_reference(
        G["h_bn"], R["x_hat"], R["gamma"], R["inv_std"])), RIGHT, "close"),
    ("12.3", "dh_pre: one path", args("h_pre", G["xc"]), WRONG, "used twice"),
    ("12.3", "dh_pre: no 1/n", args("h_pre", G["xc"] + G["mu"]), WRONG, "1/n of the mean"),
    ("12.3", "dW1: the reference", args("W1", R["X"].T @ G["h_pre"]), RIGHT, "exact"),
    ("12.3", "dW1: transposed (square)", args("W1", G["h_pre"].T @ R["X"]), WRONG,
     "the transpose of dW1"),
    ("12.3", "dW1: averaged", args("W1", R["X"].T @ G["h_pre"] / n), WRONG, "already in dh_pre"),
    ("12.3", "db1: the reference", args("b1", G["h_pre"].sum(0)), RIGHT, "zero up to rounding"),
    ("12.3", "db1: zeros", args("b1", np.zeros(64)), RIGHT, ("b1 cannot learn", "make sure")),
    ("12.3", "db1: the mean", args("b1", G["h_pre"].mean(0)), RIGHT,
     "can't tell sum from mean"),
    ("12.3", "db1: not summed", args("b1", G["h_pre"]), WRONG, "sum over axis 0"),
    ("12.3", "dgamma: other numbers", args("gamma", G["gamma"] + 0.01), WRONG,
     ("differs from the engine", "dh_bn * x_hat")),
    ("12.3", "dvar: inf", args("var", np.full(64, np.inf)), WRONG, "inf or nan"),
    ("12.3", "dmu: the placeholder", args("mu", ...), TODO, "dmu"),
    ("12.3", "db1: None", args("b1", None), TODO, "db1"),
    # ---- 12.4: bn_backward ----
    ("12.4", "the reference", bn, RIGHT, "Six small steps became one line"),
    ("12.4", "the six steps inside", bn_steps, RIGHT, "Right"),
    ("12.4", "with means", bn_means, RIGHT, "Right"),
    ("12.4", "the reference module's", ex.bn_backward_reference, RIGHT, "Right"),
    ("12.4", "rounded to 4 decimals", lambda *a: np.round(bn(*a), 4), WRONG,
     "largest difference"),
    ("12.4", "n / (n - 1)", bn_bessel, WRONG, "unbiased variance"),
    ("12.4", "no mean term", bn_no_mean, WRONG, "-sum(dout) is missing"),
    ("12.4", "no variance term", bn_no_var, WRONG, "variance"),
    ("12.4", "no gamma", bn_no_gamma, WRONG, "gamma is missing"),
    ("12.4", "forgets return", bn_no_return, WRONG, "did you forget `return`"),
    ("12.4", "sums along the rows", bn_row_sums, WRONG, ("ValueError", "bn_row_sums")),
    ("12.4", "transposed", bn_transposed, WRONG, "shape"),
    ("12.4", "n = 32 written in", bn_n_32, WRONG,
     ("(8, 3)", "right for (32, 64), wrong for other sizes", "hard-coded n = 32")),
    ("12.4", ".sum() over everything", bn_sum_all, WRONG,
     ("(32, 64)", "sum over axis 0, one sum per feature")),
    ("12.4", "one .sum() over everything", bn_one_sum_all, WRONG, "one sum per feature"),
    ("12.4", "not a function", np.ones((32, 64)), WRONG, "should be a function"),
    ("12.4", "the placeholder function", bn_stub, TODO, "Not attempted"),
    ("12.4", "the placeholder", ..., TODO, "bn_backward"),
    # ---- 12.5: backward_by_hand ----
    ("12.5", "the reference", full, RIGHT, "all six gradients agree"),
    ("12.5", "every step, b1 as zeros", full_steps, RIGHT, "Right"),
    ("12.5", "the reference module's", ex.backward_reference, RIGHT, "Right"),
    ("12.5", "forgets return", full_no_return, WRONG, "did you forget `return`"),
    ("12.5", "a tuple", full_tuple, WRONG, "should return a dict"),
    ("12.5", "no b1", full_no_b1, WRONG, "has no b1"),
    ("12.5", "dW2 transposed", full_dW2_transposed, WRONG, "transpose"),
    ("12.5", "db2 not summed", full_db2_not_summed, WRONG, "sum over axis 0"),
    ("12.5", "tanh's slope left out of dgamma", full_gamma_from_dh, WRONG,
     "grads['gamma'] differs"),
    ("12.5", "the notebook's n = 32", full_global_n, WRONG,
     ("batch of 20", "20/32", "you used n = 32", 'len(cache["X"])')),
    ("12.5", "n = 32 in bn_backward too", full_global_n_everywhere, WRONG,
     ("batch of 20", "grads['W2'] is 20/32", "you used n = 32")),
    ("12.5", "db2 and dW1 wrong: db2 named first", full_db2_and_dw1_wrong, WRONG,
     "grads['b2'] differs"),
    ("12.5", "a key not in the cache", full_key_error, WRONG, ("KeyError", "dh_pre")),
    ("12.5", "b1 left ...", full_b1_left, TODO, "grads['b1']"),
    ("12.5", "the gradients themselves", {"W1": np.zeros((64, 64))}, WRONG,
     "should be a function"),
    ("12.5", "the placeholder function", full_stub, TODO, "Not attempted"),
]
