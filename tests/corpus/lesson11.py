"""Learner answers for lesson 11: 11.1 batchnorm_train (BatchNorm's forward in numpy),
11.2 the running mean after 5 batches, 11.3 why train mode fails on one-digit batches."""

import numpy as np

from corpus import RIGHT, TODO, WRONG

CHECKERS = {"11.1": "check_batchnorm_train", "11.2": "check_running_mean",
            "11.3": "check_train_mode_answer"}


def bn(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0)
    var = ((x - mu) ** 2).mean(axis=0)
    return (x - mu) / np.sqrt(var + eps) * gamma + beta


def bn_np_var(x, gamma, beta, eps=1e-5):
    return gamma * (x - x.mean(0, keepdims=True)) / np.sqrt(x.var(0, keepdims=True) + eps) + beta


def bn_loop(x, gamma, beta, eps=1e-5):
    out = np.empty_like(x)
    n = len(x)
    for j in range(x.shape[1]):
        col = x[:, j]
        mu = sum(col) / n
        var = sum((v - mu) ** 2 for v in col) / n
        out[:, j] = gamma[j] * (col - mu) / (var + eps) ** 0.5 + beta[j]
    return out


def bn_in_place(x, gamma, beta, eps=1e-5):
    x -= x.mean(axis=0)
    x /= np.sqrt(x.var(axis=0) + eps)
    return x * gamma + beta


def bn_tensor(x, gamma, beta, eps=1e-5):  # with the course's Tensor: returns a Tensor
    from backproplab import Tensor

    t = Tensor(x)
    xc = t - t.mean(axis=0)
    return xc * ((xc**2).mean(axis=0) + eps) ** -0.5 * gamma + beta


def bn_rounded(x, gamma, beta, eps=1e-5):
    return np.round(bn(x, gamma, beta, eps), 4)


def bn_unbiased(x, gamma, beta, eps=1e-5):
    return (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + eps) * gamma + beta


def bn_rows(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * gamma + beta


def bn_rows_no_keepdims(x, gamma, beta, eps=1e-5):
    return (x - x.mean(axis=1)) / np.sqrt(x.var(axis=1) + eps) * gamma + beta


def bn_no_eps(x, gamma, beta, eps=1e-5):
    return (x - x.mean(0)) / x.std(0) * gamma + beta


def bn_eps_outside(x, gamma, beta, eps=1e-5):
    return (x - x.mean(0)) / (x.std(0) + eps) * gamma + beta


def bn_no_sqrt(x, gamma, beta, eps=1e-5):
    return (x - x.mean(0)) / (x.var(0) + eps) * gamma + beta


def bn_no_affine(x, gamma, beta, eps=1e-5):
    return (x - x.mean(0)) / np.sqrt(x.var(0) + eps)


def bn_swapped(x, gamma, beta, eps=1e-5):
    return (x - x.mean(0)) / np.sqrt(x.var(0) + eps) * beta + gamma


def bn_no_center(x, gamma, beta, eps=1e-5):
    return x / np.sqrt(x.var(0) + eps) * gamma + beta


def bn_column_means(x, gamma, beta, eps=1e-5):  # reduced over the batch: one row
    return ((x - x.mean(0)) / np.sqrt(x.var(0) + eps) * gamma + beta).mean(axis=0)


def bn_no_return(x, gamma, beta, eps=1e-5):
    x_hat = (x - x.mean(0)) / np.sqrt(x.var(0) + eps)
    out = x_hat * gamma + beta  # noqa: F841


def bn_name_error(x, gamma, beta, eps=1e-5):
    return (x - x.mean(0)) / np.sqrt(x.var(0) + epsilon) * gamma + beta  # noqa: F821


def bn_stub(x, gamma, beta, eps=1e-5):
    ...  # replace ... with your code


CASES = [
    ("11.1", "the reference", bn, RIGHT, "same numbers as nn.BatchNorm1d"),
    ("11.1", "np.var with keepdims", bn_np_var, RIGHT, "Right"),
    ("11.1", "a loop over the columns", bn_loop, RIGHT, "Right"),
    ("11.1", "changes x in place", bn_in_place, RIGHT, "Right"),
    ("11.1", "with Tensor, returns a Tensor", bn_tensor, WRONG,
     ("returned a Tensor", "numpy array of shape (batch, C)")),
    ("11.1", "with Tensor, returns its .data", lambda x, g, b, e=1e-5: bn_tensor(x, g, b, e).data,
     RIGHT, "Right"),
    ("11.1", "rounded to 4 decimals", bn_rounded, RIGHT, "unrounded"),
    ("11.1", "the unbiased variance", bn_unbiased, WRONG, ("unbiased", "ddof=0")),
    ("11.1", "normalized each row", bn_rows, WRONG, ("LayerNorm", "axis=0")),
    ("11.1", "forgets eps", bn_no_eps, WRONG, "eps is missing"),
    ("11.1", "eps outside the root", bn_eps_outside, WRONG, "inside the square root"),
    ("11.1", "divides by the variance", bn_no_sqrt, WRONG, "standard deviation"),
    ("11.1", "no gamma and beta", bn_no_affine, WRONG, "affine part is missing"),
    ("11.1", "gamma and beta swapped", bn_swapped, WRONG, "swapped"),
    ("11.1", "does not subtract the mean", bn_no_center, WRONG, "Subtract the mean"),
    ("11.1", "another mistake", lambda x, g, b, e=1e-5: bn(x, g, b, e) + 0.01, WRONG,
     ("differs from nn.BatchNorm1d's by up to 0.01", "Check each step")),
    ("11.1", "a row of column means", bn_column_means, WRONG, ("returned shape", "x's shape")),
    ("11.1", "forgets return", bn_no_return, WRONG, "did you forget `return`"),
    ("11.1", "a NameError", bn_name_error, WRONG, ("NameError", "epsilon")),
    ("11.1", "axis=1 that cannot broadcast", bn_rows_no_keepdims, WRONG,
     ("ValueError", "broadcast")),
    ("11.1", "text", lambda x, g, b, e=1e-5: "normalized", WRONG, "array of numbers"),
    ("11.1", "divides by 0", lambda x, g, b, e=1e-5: (x - x.mean(0)) / 0.0, WRONG,
     ("NaN or inf", "division by 0")),
    ("11.1", "a nested list", lambda x, g, b, e=1e-5: bn(x, g, b, e).tolist(), RIGHT, "Right"),
    ("11.1", "without the eps argument", lambda x, g, b: bn(x, g, b), WRONG,
     ("TypeError", "4 were given")),
    ("11.1", "a number, not a function", 0.5, WRONG, "asks for a function; got a float"),
    ("11.1", "the placeholder function", bn_stub, TODO, "Not attempted"),
    ("11.1", "the placeholder", ..., TODO, "Not attempted"),
    ("11.2", "the reference", 2 * (1 - 0.9**5), RIGHT, "2 (1 - 0.9**5) = 0.8190"),
    ("11.2", "4 digits", 0.8190, RIGHT, "keep more digits"),
    ("11.2", "5 digits", 0.81902, RIGHT, "Right"),
    ("11.2", "the update written out", 0.9 * (0.9 * (0.9 * (0.9 * 0.2 + 0.2) + 0.2) + 0.2) + 0.2,
     RIGHT, "Right"),
    ("11.2", "2 - 2 * 0.9**5", 2 - 2 * 0.9**5, RIGHT, "Right"),
    ("11.2", "the batch mean", 2.0, WRONG, "batch mean itself"),
    ("11.2", "one batch", 0.2, WRONG, "after one batch"),
    ("11.2", "adds 0.2 five times", 1.0, WRONG, "shrinks the old value"),
    ("11.2", "what is left", 2 * 0.9**5, WRONG, "still left to go"),
    ("11.2", "momentum the other way", 2 * (1 - 0.1**5), WRONG,
     ("weight of the new batch", "opposite convention")),
    ("11.2", "4 batches", 2 * (1 - 0.9**4), WRONG, "after 4 batches"),
    ("11.2", "6 batches", 2 * (1 - 0.9**6), WRONG, "after 6 batches"),
    ("11.2", "2 digits", 0.82, WRONG, "too few digits"),
    ("11.2", "3 digits", 0.819, RIGHT, "Right"),
    ("11.2", "text", "0.819", WRONG, ("should be a single number", "not the text")),
    ("11.2", "in a list", [0.81902], WRONG, ("should be a single number", "without brackets")),
    ("11.2", "in a tuple", (0.81902,), WRONG, ("should be a single number", "without brackets")),
    ("11.2", "a 0-d array", np.array(0.81902), RIGHT, "Right"),
    ("11.2", "the placeholder", ..., TODO, "Not attempted"),
    ("11.3", "the reference", "b", RIGHT, "the mean itself looks like a 3"),
    ("11.3", "capital", "B", RIGHT, "Right"),
    ("11.3", "in brackets", "(b)", RIGHT, "Right"),
    ("11.3", "spaces", " b ", RIGHT, "Right"),
    ("11.3", "letter and text", "b) each image is normalized with its batch", RIGHT, "Right"),
    ("11.3", "running statistics", "a", WRONG, "not used at all"),
    ("11.3", "dropout", "c", WRONG, "no Dropout"),
    ("11.3", "weights change", "d", WRONG, "optimizer.step()"),
    ("11.3", "not a choice", "e", WRONG, "one of"),
    ("11.3", "a number", 2, WRONG, "as a string"),
    ("11.3", "the placeholder", ..., TODO, "Not attempted"),
]
