"""Reference solutions for lesson 06 (vectorized backpropagation).

The names are those of the exercise cells in notebooks/06-vectorized-backprop.ipynb.
"""

import numpy as np

from backproplab.exercises import lesson06 as ex

# ---- Exercise 6.1: Y = X @ W with X (3, 2) and dY = dL/dY (3, 4) ----
# dW[k, j] = sum over rows i of X[i, k] * dY[i, j]; shape (2, 4), like W
dW = ex.X.T @ ex.dY

# ---- Exercise 6.2: Z = X @ W + b, b of shape (3,) added to each of the 4 rows ----
db = ex.dZ.sum(axis=0)  # b is used once per row: add the rows of dZ


# ---- Exercise 6.3: the backward pass of a Linear layer, Z = X @ W + b ----
def linear_backward(X, W, b, dZ):
    """(dX, dW, db) from the upstream gradient dZ = dL/dZ, shape (batch, n_out)."""
    dX = dZ @ W.T  # (batch, n_out) @ (n_out, n_in) -> (batch, n_in)
    dW = X.T @ dZ  # (n_in, batch) @ (batch, n_out) -> (n_in, n_out)
    db = dZ.sum(axis=0)  # b was broadcast over the batch: (n_out,)
    return dX, dW, db


# ---- Exercise 6.4: d(mean cross-entropy)/d(logits[1]) ----
z = ex.logits[1]
p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()  # softmax of the row
onehot = np.eye(3)[ex.targets[1]]  # 1 at the right class (class 2)
grad_row = (p - onehot) / len(ex.logits)  # the mean over a batch of 4 divides by 4
