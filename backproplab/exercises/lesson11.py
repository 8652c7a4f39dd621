"""Checkers for lesson 11 (BatchNorm and healthy activations, on real digits).

    from backproplab.exercises import lesson11 as ex
    ex.check_batchnorm_train(batchnorm_train)   # exercise 11.1: BatchNorm's forward in numpy
    ex.check_running_mean(running_mean_5)        # exercise 11.2: running mean after 5 batches
    ex.check_train_mode_answer(train_mode_answer)  # exercise 11.3: why sorted batches fail

Exercise 11.1 runs the learner's function on the checker's own batches and compares it
with `nn.BatchNorm1d` in training mode; each typical mistake (the unbiased variance, the
wrong axis, eps left out or outside the square root, ...) is recognised by recomputing
that mistaken formula on the same batches.
"""

import numpy as np

from ..nn import BatchNorm1d
from ..tensor import Tensor
from .feedback import (
    FORGOT_RETURN,
    as_number,
    call_answer,
    checker_error,
    correct,
    diagnose,
    is_rounded,
    letter,
    never_raises,
    praise,
    wrong,
)

# ---- exercise 11.1: the forward pass of BatchNorm in training mode, with numpy ----

EPS = 1e-5


def batchnorm_reference(x, gamma, beta, eps=EPS):
    """What nn.BatchNorm1d computes in training mode (the checker's reference)."""
    layer = BatchNorm1d(x.shape[1], eps=eps)
    layer.weight.data = np.array(gamma, dtype=np.float64)
    layer.bias.data = np.array(beta, dtype=np.float64)
    return layer(Tensor(x, requires_grad=False)).data


def _bn_cases():
    """(description, (x, gamma, beta, eps)) for four batches; one has a feature whose
    variance (about 1e-5) is as small as eps, so leaving eps out shows."""
    rng = np.random.default_rng(11)
    x1 = rng.normal(3.0, 2.0, size=(8, 5))
    x2 = rng.normal(size=(6, 3)) * np.array([1.0, 0.003, 10.0]) + np.array([0.0, 1.0, -4.0])
    x3 = rng.normal(size=(2, 4))
    x4 = rng.uniform(0.0, 1.0, size=(16, 7))
    return [
        ("a batch of 8 rows and 5 features", (x1, rng.uniform(0.5, 2.0, 5), rng.normal(size=5))),
        ("a batch of 6 rows and 3 features, one of them nearly constant",
         (x2, rng.uniform(0.5, 2.0, 3), rng.normal(size=3))),
        ("a batch of 2 rows and 4 features", (x3, np.ones(4), np.zeros(4))),
        ("a batch of 16 rows and 7 features", (x4, rng.uniform(0.5, 2.0, 7), rng.normal(size=7))),
    ]


def _normalize(x, gamma, beta, eps, axis=0, ddof=0, eps_inside=True, root=True, center=True):
    """BatchNorm's forward with one thing changed: the mistakes of BN_HINTS."""
    mu = x.mean(axis=axis, keepdims=True)
    var = x.var(axis=axis, ddof=ddof, keepdims=True)
    xc = x - mu if center else x
    if not root:
        return xc / (var + eps) * gamma + beta
    scale = np.sqrt(var + eps) if eps_inside else np.sqrt(var) + eps
    return xc / scale * gamma + beta


BN_HINTS = [
    (lambda x, g, b, e: _normalize(x, g, b, e, ddof=1),
     "You used the unbiased variance (divided by batch - 1, ddof=1). BatchNorm normalizes"
     " with the biased one, the mean of (x - mu)**2 over the batch (np.var's default,"
     " ddof=0); only the running variance is stored unbiased."),
    (lambda x, g, b, e: _normalize(x, g, b, e, axis=1),
     "You normalized each sample (row) over its features: that is LayerNorm. BatchNorm"
     " normalizes each feature (column) over the batch: mean and variance with axis=0."),
    (lambda x, g, b, e: _normalize(x, g, b, 0.0),
     "Close, but eps is missing: divide by np.sqrt(var + eps). eps keeps a feature that is"
     " (nearly) constant in the batch from being divided by (almost) 0; this check has one"
     " such feature, where it changes the result."),
    (lambda x, g, b, e: _normalize(x, g, b, e, eps_inside=False),
     "eps goes inside the square root: (x - mu) / np.sqrt(var + eps), not"
     " / (np.sqrt(var) + eps). The two differ most for a feature with a tiny variance."),
    (lambda x, g, b, e: _normalize(x, g, b, e, root=False),
     "You divided by the variance; divide by the standard deviation, np.sqrt(var + eps),"
     " so that each feature ends up with variance 1."),
    (lambda x, g, b, e: _normalize(x, 1.0, 0.0, e),
     "The normalized x_hat is right, but the affine part is missing: return"
     " x_hat * gamma + beta (gamma and beta are the layer's weight and bias)."),
    (lambda x, g, b, e: _normalize(x, b, g, e),
     "gamma and beta are swapped: the output is x_hat * gamma + beta (gamma scales, beta"
     " shifts)."),
    (lambda x, g, b, e: _normalize(x, g, b, e, center=False),
     "Subtract the mean before dividing: x_hat = (x - mu) / np.sqrt(var + eps). Without"
     " it the features keep their offset."),
]


def _as_array(result):
    """The learner's output as a float array, or None when it is not numbers."""
    try:
        return np.asarray(result, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def _close(a, b):
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-6, atol=1e-8))


def check_batchnorm_train(fn):
    """Exercise 11.1: fn(x, gamma, beta, eps) = BatchNorm1d's training-mode output."""
    try:
        return _check_batchnorm_train(fn)
    except Exception as e:  # a checker never crashes the notebook
        return checker_error(e, "your function")


def _check_batchnorm_train(fn):
    if not callable(fn):  # `...`, or a value where a function belongs
        return call_answer(fn)[1]
    cases = _bn_cases()
    got, expected = [], []
    for description, (x, gamma, beta) in cases:
        with np.errstate(all="ignore"):  # a NaN or inf is reported below, not warned about
            result, feedback = call_answer(fn, x.copy(), gamma.copy(), beta.copy(), EPS)
        if feedback is not None:
            if feedback.ok is False and feedback.message != FORGOT_RETURN:  # it raised
                return wrong(f"For {description}, {feedback.message}")
            return feedback
        if isinstance(result, Tensor):
            return wrong(f"For {description}, batchnorm_train returned a Tensor. This exercise"
                         " is numpy only: compute with numpy on the array x and return a numpy"
                         f" array of shape (batch, C), here {x.shape}. (A Tensor computes the"
                         " same numbers but also builds a graph for backward, which is the"
                         " library's job, not this function's.)")
        out = _as_array(result)
        if out is None:
            return wrong(f"batchnorm_train should return an array of numbers; for"
                         f" {description} it returned a {type(result).__name__}")
        if out.shape != x.shape:
            return wrong(f"For {description} (x of shape {x.shape}), batchnorm_train returned"
                         f" shape {out.shape}. BatchNorm gives one output per entry of x, so"
                         f" the output has x's shape {x.shape}: keep the batch axis (subtract"
                         " the column means from every row).")
        if not np.all(np.isfinite(out)):
            return wrong(f"For {description}, batchnorm_train returned NaN or inf: look for"
                         " a division by 0 or a log or square root of a negative number."
                         " (The variance of a feature can be 0: that is why BatchNorm divides"
                         " by np.sqrt(var + eps).)")
        got.append(out)
        expected.append(batchnorm_reference(x, gamma, beta, EPS))
    if all(_close(g, e) for g, e in zip(got, expected)):
        return correct("Right: your numpy function gives the same numbers as"
                       " nn.BatchNorm1d in training mode. Per feature (column): mean and"
                       " biased variance over the batch, x_hat = (x - mu) / sqrt(var + eps),"
                       " then x_hat * gamma + beta.")
    if all(is_rounded(g, e, 4) for g, e in zip(got, expected)):
        return correct("Right, to the 4 decimals you rounded to; a function should return"
                       " its numbers unrounded (round only when you print).")
    for wrong_fn, message in BN_HINTS:
        with np.errstate(all="ignore"):
            values = [wrong_fn(x, gamma, beta, EPS) for _, (x, gamma, beta) in cases]
        if all(_close(g, v) for g, v in zip(got, values)):
            return wrong(message)
    for (description, _), g, e in zip(cases, got, expected):
        if not _close(g, e):
            diff = np.abs(g - e)
            i, j = np.unravel_index(np.argmax(diff), diff.shape)
            return wrong(f"For {description}, your output differs from nn.BatchNorm1d's by up"
                         f" to {diff.max():.3g} (row {i}, column {j}: {g[i, j]:.6g} instead"
                         f" of {e[i, j]:.6g}). Check each step: mean and variance per column"
                         " (axis=0), the biased variance, eps inside the square root, then"
                         " * gamma + beta.")
    return wrong("batchnorm_train does not give the right numbers yet.")  # not reached


# ---- exercise 11.2: the running mean after 5 training batches ----

MOMENTUM = 0.1
BATCH_MEAN = 2.0
STEPS = 5


def running_mean_after(k, momentum=MOMENTUM, batch_mean=BATCH_MEAN, start=0.0):
    """running_mean <- (1 - momentum) running_mean + momentum batch_mean, k times:
    batch_mean + (start - batch_mean) (1 - momentum)**k."""
    return batch_mean + (start - batch_mean) * (1 - momentum) ** k


@never_raises
def check_running_mean(answer):
    """Exercise 11.2: running_mean of a BatchNorm1d(1) (momentum 0.1, starts at 0) after 5
    batches whose mean is 2.0: 2 (1 - 0.9**5) = 0.819."""
    if isinstance(answer, (list, tuple, np.ndarray)) and np.ndim(answer) > 0:
        return wrong(f"running_mean_5 should be a single number, not the {type(answer).__name__}"
                     f" {answer!r}: write the number without brackets (one running mean, of"
                     " a layer with one feature)")
    x, problem = as_number(answer, "running_mean_5")
    if problem is not None:
        return problem
    m, b, k = MOMENTUM, BATCH_MEAN, STEPS
    expected = running_mean_after(k)
    hints = [
        (b, "2.0 is the batch mean itself. The running mean moves only a tenth of the way"
            " towards it at each batch (momentum 0.1), so after 5 batches it is not there"
            " yet."),
        (m * b, "0.2 is the running mean after one batch. Apply the update 5 times: each time"
            " it moves a tenth of the remaining way from its value to 2.0."),
        (m * b * k, "Adding momentum * batch_mean = 0.2 five times gives 1.0, but each update"
                    " also shrinks the old value: new = 0.9 * old + 0.1 * 2.0."),
        (b * (1 - m) ** k, "2 * 0.9**5 is the share of the way that is still left to go."
                           " The running mean has covered the rest: 2 * (1 - 0.9**5)."),
        (running_mean_after(k, momentum=1 - m),
         "In BatchNorm (as in torch) momentum is the weight of the new batch: new ="
         " (1 - 0.1) * old + 0.1 * batch_mean. (The optimizers' momentum is the weight of"
         " the old value: the same word, the opposite convention.)"),
        (running_mean_after(k - 1), "That is the value after 4 batches; count the updates"
                                    " again (the first batch takes it from 0 to 0.2)."),
        (running_mean_after(k + 1), "That is the value after 6 batches; count the updates"
                                    " again (the first batch takes it from 0 to 0.2)."),
    ]
    feedback = diagnose(x, expected, rtol=1e-6, atol=1e-9, what="running_mean_5", hints=hints,
                        decimals=4)
    if feedback.ok:
        return praise(feedback, f"Right: each batch multiplies the gap to 2.0 by 0.9, so after"
                                f" 5 batches running_mean = 2 (1 - 0.9**5) = {expected:.4f}:"
                                " the running statistics lag behind the batches for the"
                                " first few dozen steps.")
    return feedback


# ---- exercise 11.3: why train mode fails on batches of one digit ----

TRAIN_MODE_CHOICES = {
    "a": "the running statistics are out of date after training",
    "b": "each image is normalized with its own batch's mean and variance; when the batch"
         " holds only one digit, what those images share is subtracted away",
    "c": "train mode switches off units at random, as dropout does",
    "d": "the forward pass in train mode updates the weights",
}
TRAIN_MODE_ANSWER = "b"


@never_raises
def check_train_mode_answer(answer):
    """Exercise 11.3: which letter of TRAIN_MODE_CHOICES explains the chance-level accuracy
    of train mode on batches sorted by digit."""
    choice, problem = letter(answer, TRAIN_MODE_CHOICES, "train_mode_answer")
    if problem is not None:
        return problem
    if choice == TRAIN_MODE_ANSWER:
        return correct("Right: in train mode every feature is normalized with the batch's"
                       " own mean and variance. In a batch of nothing but 3s, the mean itself"
                       " looks like a 3, and subtracting it removes exactly what makes these images"
                       " 3s. In eval mode the running statistics, averaged over all"
                       " digits, are used, and each image is judged on its own.")
    why = {
        "a": "in train mode the running statistics are not used at all: each batch uses its"
             " own mean and variance. And in eval mode, where they are used, the same model"
             " classifies the test set well.",
        "c": "this model has no Dropout, and BatchNorm is not random: the same batch gives"
             " the same outputs every time. What changes from batch to batch is the batch's"
             " own mean and variance.",
        "d": "a forward pass never changes the weights; only optimizer.step() does. (In"
             " train mode BatchNorm does update its running statistics, but train mode"
             " does not use them.)",
    }[choice]
    return wrong(f"Not {choice}: {why}")
