"""Reference solutions for lesson 12 (the whole backward pass by hand).

The names are those of notebooks/12-backward-by-hand.ipynb. In the notebook the tensors
(logits, probs, h, ...) come from the forward pass of section 1; here `ex.engine_steps`
builds the same ones, so that this file runs on its own.
"""

import numpy as np

from backproplab.exercises import lesson12 as ex

X, y = ex.batch()
params = ex.init_params(seed=0)
n = len(X)
onehot = np.eye(10)[y]
_t = ex.engine_steps(X, y, params)  # the forward pass of section 1, after loss.backward()
W1, b1, gamma, beta, W2, b2 = (_t[k] for k in ex.PARAMS)
h_pre, mu, xc, var, inv_std, x_hat = (_t[k] for k in ("h_pre", "mu", "xc", "var", "inv_std",
                                                      "x_hat"))
h_bn, h, logits, probs, logp = (_t[k] for k in ("h_bn", "h", "logits", "probs", "logp"))

# ---- Exercise 12.1: the loss end ----
# loss = -1/n sum_i logp[i, y_i]: -1/n at the right class of each row, 0 elsewhere
dlogp = -onehot / n
# logp = log(probs): times the slope 1/p
dprobs = dlogp / probs.data
# softmax, row by row: dz = p * (dp - sum_c dp_c p_c)
dlogits = probs.data * (dprobs - (dprobs * probs.data).sum(axis=1, keepdims=True))

# ---- Exercise 12.2: the second layer and tanh ----
dh = dlogits @ W2.data.T  # (32, 10) @ (10, 64)
dW2 = h.data.T @ dlogits  # (64, 32) @ (32, 10)
db2 = dlogits.sum(axis=0)  # b2 was broadcast over the 32 rows
dh_bn = dh * (1 - h.data**2)  # tanh' = 1 - tanh**2, and tanh(h_bn) = h

# ---- Exercise 12.3: BatchNorm step by step, and the first layer ----
dgamma = (dh_bn * x_hat.data).sum(axis=0)  # gamma: broadcast over the rows
dbeta = dh_bn.sum(axis=0)
dx_hat = dh_bn * gamma.data
dinv_std = (dx_hat * xc.data).sum(axis=0)  # inv_std: broadcast over the rows
dvar = dinv_std * -0.5 * (var.data + ex.EPS) ** -1.5
dxc = dx_hat * inv_std.data + dvar * 2 * xc.data / n  # two paths: x_hat and var
dmu = -dxc.sum(axis=0)  # mu: subtracted from every row
dh_pre = dxc + dmu / n  # two paths: xc and mu = mean(h_pre)
dW1 = X.T @ dh_pre
db1 = dh_pre.sum(axis=0)  # zero up to rounding: BatchNorm removes the mean


# ---- Exercise 12.4: BatchNorm's backward in one formula ----
def bn_backward(dout, x_hat, gamma, inv_std):
    """dx = gamma * inv_std / n * (n dout - sum(dout) - x_hat * sum(dout * x_hat))."""
    n = len(dout)
    return gamma * inv_std / n * (n * dout - dout.sum(axis=0)
                                  - x_hat * (dout * x_hat).sum(axis=0))


# ---- Exercise 12.5: the whole backward pass in numpy ----
def backward_by_hand(cache, params):
    """The gradients of the six parameters from ex.forward's cache."""
    n = len(cache["X"])
    dlogits = (cache["probs"] - np.eye(10)[cache["y"]]) / n
    dh = dlogits @ params["W2"].T
    dh_bn = dh * (1 - cache["h"] ** 2)
    dh_pre = bn_backward(dh_bn, cache["x_hat"], params["gamma"], cache["inv_std"])
    return {"W1": cache["X"].T @ dh_pre, "b1": dh_pre.sum(axis=0),
            "gamma": (dh_bn * cache["x_hat"]).sum(axis=0), "beta": dh_bn.sum(axis=0),
            "W2": cache["h"].T @ dlogits, "b2": dlogits.sum(axis=0)}
