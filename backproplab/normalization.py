"""Layers that act differently in training and in evaluation: `BatchNorm1d`, `Dropout`.

Both read `self.training`, which `model.train()` and `model.eval()` set on every module of
a model (see `module.py`). Both follow torch.nn: same arguments, same defaults, same
numbers (BatchNorm1d to 1e-10 in float64; Dropout in distribution, since the random masks
come from numpy). `MLP(..., batchnorm=True, dropout=p)` places them in every hidden layer.

Introduced with the digits lessons (BatchNorm and Dropout).
"""

import numpy as np

from .module import Module, as_input, check_real, check_size, rng_from_seed
from .tensor import Tensor


class BatchNorm1d(Module):
    """Batch normalization of each feature (column), as torch.nn.BatchNorm1d.

    For x of shape (batch, C), in training mode (`model.train()`, the default):
        mu  = mean(x, axis=0)                   (C,)
        var = mean((x - mu)**2, axis=0)         biased: divided by batch
        out = (x - mu) / sqrt(var + eps) * weight + bias
    and the running statistics move towards the batch's:
        running_mean <- (1 - momentum) running_mean + momentum mu
        running_var  <- (1 - momentum) running_var + momentum var batch / (batch - 1)
    (unbiased). momentum=None averages all batches so far instead (cumulative).
    In evaluation mode (`model.eval()`) the running statistics replace mu and var, so one
    sample's output no longer depends on the rest of its batch.

    weight (ones) and bias (zeros) are parameters when affine=True. The forward pass is
    composed of mean, -, ** and *, so backward needs no formula of its own.
    Defaults as torch: eps=1e-5, momentum=0.1, affine=True. Only (batch, C) inputs.
    running_mean and running_var are numpy arrays, not parameters: `get_weights` and
    `set_weights` leave them out (as torch's parameters() does; they are its buffers).
    Introduced with the digits lessons (BatchNorm); forward, backward and running
    statistics agree with torch to 1e-10 (tests/test_batchnorm.py).
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, dtype=np.float64):
        check_size("BatchNorm1d", "num_features", num_features)
        self.eps = check_real("BatchNorm1d", "eps", eps, lambda x: x > 0, "> 0")
        if momentum is not None:
            momentum = check_real("BatchNorm1d", "momentum", momentum,
                                   lambda x: 0 <= x <= 1, "in [0, 1] or None")
        self.momentum = momentum
        self.num_features = num_features
        if not isinstance(affine, (bool, np.bool_)):
            raise TypeError(f"BatchNorm1d: affine must be True or False, got {affine!r}")
        self.weight = Tensor(np.ones(num_features), label="weight", dtype=dtype) if affine else None
        self.bias = Tensor(np.zeros(num_features), label="bias", dtype=dtype) if affine else None
        self.running_mean = np.zeros(num_features, dtype=dtype)
        self.running_var = np.ones(num_features, dtype=dtype)
        self.num_batches_tracked = 0

    def forward(self, x):
        x = as_input(x, self.running_mean.dtype)
        self._check_input(x)
        if self.training:
            n = x.shape[0]
            mu = x.mean(axis=0)  # (C,)
            xc = x - mu  # (batch, C)
            var = (xc**2).mean(axis=0)  # (C,), biased
            self._update_running(mu.data, var.data * (n / (n - 1)))
            x_hat = xc * (var + self.eps) ** -0.5
        else:
            x_hat = (x - self.running_mean) * (self.running_var + self.eps) ** -0.5
        return x_hat * self.weight + self.bias if self.weight is not None else x_hat

    def _update_running(self, mean, unbiased_var):
        self.num_batches_tracked += 1
        m = self.momentum if self.momentum is not None else 1.0 / self.num_batches_tracked
        self.running_mean = (1 - m) * self.running_mean + m * mean
        self.running_var = (1 - m) * self.running_var + m * unbiased_var

    def _check_input(self, x):
        c = self.num_features
        if x.ndim != 2:
            raise ValueError(f"BatchNorm1d: expects input of shape (batch, {c}), got {x.shape};"
                             " reshape it to one row per sample (inputs of shape (N, C, L), "
                             "which torch accepts, are not supported)")
        if x.shape[1] != c:
            raise ValueError(
                f"BatchNorm1d: input of shape {x.shape} has {x.shape[1]} features per row, but "
                f"this layer normalizes {c}; build BatchNorm1d({x.shape[1]}), or check that the "
                f"Linear before it has n_out={c}")
        if self.training and x.shape[0] < 2:
            raise ValueError(
                f"BatchNorm1d: a batch of {x.shape[0]} row in training mode has no spread to "
                "normalize (its variance is 0, and the running variance would divide by "
                "batch - 1 = 0); to predict one sample call model.eval() first (it uses the "
                "running statistics), or train with batches of at least 2 rows")

    def extra_repr(self):
        return f"{self.num_features}, eps={self.eps:g}, momentum={self.momentum}" + (
            "" if self.weight is not None else ", affine=False")


class Dropout(Module):
    """Inverted dropout, as torch.nn.Dropout: zero each input with probability p.

    In training mode each entry is kept with probability 1 - p and multiplied by
    1 / (1 - p), so the expected output equals the input:
        out = x * mask / (1 - p),   mask ~ Bernoulli(1 - p)
    and the gradient is g * mask / (1 - p). In evaluation mode (`model.eval()`) it
    returns its input unchanged. p must be in [0, 1): torch accepts p=1 (all zeros, and
    nothing before it learns), which here is an error.

    `seed` (an int or a numpy Generator) makes the masks reproducible; two Dropouts built
    with the same int seed draw the same masks (an MLP shares one Generator instead).
    """

    def __init__(self, p=0.5, seed=0):
        self.p = check_real("Dropout", "p", p, lambda x: 0 <= x < 1, "in [0, 1)",
                             hint="it is the probability of dropping a unit; p=1 would drop "
                                  "them all, try p=0.5 or smaller")
        self.rng = rng_from_seed(seed, "Dropout")

    def forward(self, x):
        x = as_input(x, np.float64)
        if not self.training or self.p == 0:
            return x
        keep = self.rng.random(x.shape) >= self.p
        mask = (keep / (1 - self.p)).astype(x.dtype)  # 0 or 1 / (1 - p)
        return x * mask

    def extra_repr(self):
        return f"p={self.p}"
