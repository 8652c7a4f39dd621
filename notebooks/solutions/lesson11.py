"""Reference solutions for lesson 11 (BatchNorm and healthy activations, on real digits).

The names are those of the exercise cells in notebooks/11-batchnorm-on-digits.ipynb. Try
each exercise yourself first: the checker's hints are there to help you.
"""

import numpy as np


# Exercise 11.1: normalize each feature (column) over the batch (axis=0) with the biased
# variance, eps inside the square root, then scale by gamma and shift by beta.
def batchnorm_train(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0)  # (C,)
    var = ((x - mu) ** 2).mean(axis=0)  # (C,), divided by the batch size
    x_hat = (x - mu) / np.sqrt(var + eps)  # (batch, C)
    return x_hat * gamma + beta


# Exercise 11.2: each batch moves the running mean a tenth of the way to 2.0, so the gap
# 2.0 - running_mean shrinks by 0.9 per batch: after 5 batches 2 (1 - 0.9**5) = 0.8190.
running_mean_5 = 2.0 * (1 - 0.9**5)

# Exercise 11.3: in train mode each batch is normalized with its own statistics; a batch
# of one digit loses what its images share, which is what makes them that digit.
train_mode_answer = "b"
