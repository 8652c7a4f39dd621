"""Checkers for lesson 12 (the whole backward pass by hand), and the lesson's network.

    from backproplab.exercises import lesson12 as ex
    X, y = ex.batch()                       # 32 training digits, (32, 64) and (32,)
    params = ex.init_params()               # W1, b1, gamma, beta, W2, b2
    ex.check_grad("logits", dlogits, logits)    # exercises 12.1-12.3: one gradient at a time
    ex.check_bn_backward(bn_backward)       # exercise 12.4: BatchNorm's backward in one formula
    ex.check_backward_by_hand(backward_by_hand)  # exercise 12.5: the whole backward pass

The network: x -> Linear(64, 64) -> BatchNorm (training mode) -> tanh -> Linear(64, 10)
-> cross-entropy, written in the small steps the lesson differentiates one by one:

    h_pre = X @ W1 + b1                 (n, 64)
    mu = mean(h_pre, axis=0)            (64,)
    xc = h_pre - mu                     (n, 64)
    var = mean(xc**2, axis=0)           (64,)   biased: divided by n, as BatchNorm trains
    inv_std = (var + eps)**-0.5         (64,)
    x_hat = xc * inv_std                (n, 64)
    h_bn = gamma * x_hat + beta         (n, 64)
    h = tanh(h_bn)                      (n, 64)
    logits = h @ W2 + b2                (n, 10)
    probs = softmax(logits)             (n, 10)
    logp = log(probs)                   (n, 10)
    loss = -mean(logp[i, y_i])          ()

`check_grad` compares a learner's gradient with the engine's (exact / close, with the
largest difference / wrong) and recognises each tensor's typical mistakes by recomputing
them on the lesson's batch. The network itself (`batch`, `init_params`, `engine_steps`,
and in numpy `forward`, `predict`, `backward_reference`) is in `lesson12_network.py`.
"""

import functools

import numpy as np

from ..tensor import Tensor
from .feedback import (
    FORGOT_RETURN,
    call_answer,
    checker_error,
    correct,
    is_rounded,
    is_unattempted,
    never_raises,
    not_attempted,
    wrong,
)
from .lesson12_network import (
    BATCH,
    EPS,
    HIDDEN,
    PARAMS,
    backward_reference,
    batch,
    bn_backward_reference,
    digits,
    engine_steps,
    forward,
    init_params,
    predict,
)

# the lesson uses these as ex.batch(), ex.forward(...), ...
__all__ = ["BATCH", "EPS", "HIDDEN", "PARAMS", "GRAD_NAMES", "backward_reference", "batch",
           "bn_backward_reference", "digits", "engine_gradients", "engine_steps", "forward",
           "init_params", "predict", "check_grad", "check_bn_backward",
           "check_backward_by_hand", "use_if_right"]

# the intermediate tensors, from the loss back to the first layer (the lesson's order)
GRAD_NAMES = ("logp", "probs", "logits", "h", "W2", "b2", "h_bn", "gamma", "beta", "x_hat",
              "inv_std", "var", "xc", "mu", "h_pre", "W1", "b1")


@functools.cache
def _lesson():
    """(values, grads) of every tensor of the lesson's batch and parameters (engine)."""
    X, y = batch()
    t = engine_steps(X, y, init_params())
    values = {k: v.data for k, v in t.items()}
    values.update(X=X, y=y, n=len(X), onehot=np.eye(10)[y])
    return values, {k: t[k].grad for k in GRAD_NAMES}


def engine_gradients():
    """{name: the engine's gradient} for the lesson's batch and parameters."""
    return dict(_lesson()[1])


# ---------- comparing arrays ----------


def _array(answer, what):
    """(float ndarray, None) or (None, Feedback) when `answer` is not an array of numbers."""
    if is_unattempted(answer):
        return None, not_attempted(what)
    if isinstance(answer, Tensor):
        answer = answer.data
    if callable(answer):
        return None, wrong(f"{what} should be an array of numbers, not a function")
    try:
        arr = np.array(answer, dtype=float)
    except (TypeError, ValueError):
        return None, wrong(f"{what} should be an array of numbers, got {type(answer).__name__}"
                           f" {str(answer)[:60]}")
    if not np.all(np.isfinite(arr)):
        return None, wrong(f"{what} contains inf or nan: check for a division by zero")
    return arr, None


def _shape(shape):
    return str(tuple(int(k) for k in shape))


def _close(got, want):
    """Equal up to rounding: float64 sums in another order differ by ~1e-16 relative."""
    scale = float(np.abs(want).max()) if want.size else 0.0
    return got.shape == want.shape and np.allclose(got, want, rtol=1e-7,
                                                   atol=1e-9 * scale + 1e-14)


def _largest(got, want):
    return float(np.abs(got - want).max()) if want.size else 0.0


def _shape_hint(name, got, want, n):
    if got.shape == want.shape[::-1] and got.ndim == 2:
        return (f"d{name} has shape {_shape(got.shape)}, the transpose of {name}'s"
                f" {_shape(want.shape)}: swap the two sides of the matmul and transpose them.")
    if want.ndim == 1 and got.shape == (n, len(want)):
        return (f"d{name} has shape {_shape(got.shape)}, one row per example, but {name} has"
                f" shape {_shape(want.shape)}: it was broadcast over the {n} rows, so add up"
                " the rows' contributions (sum over axis 0).")
    if want.ndim == 1 and got.shape == (1, len(want)):
        return (f"d{name} has shape {_shape(got.shape)}, but {name} has shape"
                f" {_shape(want.shape)}: leave out keepdims=True.")
    if want.ndim == 2 and got.shape == want.shape[1:]:
        return (f"d{name} has shape {_shape(got.shape)}, but {name} has one row per example,"
                f" shape {_shape(want.shape)}: nothing was broadcast here, so do not sum over"
                " the batch.")
    return (f"d{name} has shape {_shape(got.shape)}, but {name} has shape {_shape(want.shape)}:"
            " a gradient has the shape of its tensor.")


# ---------- exercises 12.1-12.3: one gradient at a time ----------

# Typical mistakes per tensor: (the mistaken formula, recomputed from the right upstream
# gradients G and the forward values R of the lesson's batch; what to tell the learner).
_N1 = "n - 1"  # Bessel's correction, which BatchNorm's training forward does not use
HINTS = {
    "logp": [
        (lambda R, G: -R["onehot"], "the loss is the mean over the batch, so each picked"
                                    " log-probability gets -1/n, not -1: the 1/n is missing."),
        (lambda R, G: -np.ones_like(R["logp"]) / R["n"],
         "only the log-probability of the right class of each row enters the loss; the other"
         " entries of dlogp are 0."),
        (lambda R, G: -R["onehot"][np.arange(R["n"]), R["y"]] / R["n"],
         "it needs one entry per entry of logp, shape (n, 10): -1/n at [i, y_i], 0 elsewhere."),
    ],
    "probs": [
        (lambda R, G: G["logp"] * R["probs"], "you multiplied by probs; the derivative of"
                                              " log(p) is 1/p, so divide: dlogp / probs."),
        (lambda R, G: -1.0 / (R["n"] * R["probs"]),
         "that is -1/(n p) in every entry; only the right class of each row gets a"
         " gradient, so multiply by dlogp (0 elsewhere) instead."),
        (lambda R, G: G["logp"], "that is dlogp passed on unchanged; the log in between"
                                 " multiplies it by its slope 1/probs."),
    ],
    "logits": [
        (lambda R, G: R["probs"] - R["onehot"], "that is softmax - onehot without the 1/n of"
                                                " the mean over the batch."),
        (lambda R, G: G["probs"] * R["probs"] * (1 - R["probs"]),
         "you kept only the diagonal of softmax's Jacobian, p_c (1 - p_c). Every probability"
         " of a row depends on every logit of that row: dz = p * (dp - sum(dp * p, axis=1,"
         " keepdims=True))."),
        (lambda R, G: R["probs"] * (G["probs"] - (G["probs"] * R["probs"]).sum(axis=0)),
         "you summed sum(dp * p) over axis 0, down the batch. softmax works row by row: each"
         " row's sum runs over its 10 classes, sum(dp * p, axis=1, keepdims=True)."),
        (lambda R, G: R["probs"] / R["n"], "that is probs / n: the one-hot part is missing."),
        (lambda R, G: G["probs"], "that is dprobs passed on unchanged; softmax sits between"
                                  " probs and logits."),
    ],
    "h": [
        (lambda R, G: G["logits"] @ R["W2"].T / R["n"],
         "that is dlogits W2^T divided by n. The 1/n of the mean is already in dlogits."),
    ],
    "W2": [
        (lambda R, G: R["h"].T @ G["logits"] / R["n"],
         "that is h^T dlogits divided by n. The 1/n of the mean is already in dlogits:"
         " nothing is averaged again here."),
    ],
    "b2": [
        (lambda R, G: G["logits"].mean(axis=0), "that is the mean of dlogits' rows; b2 is"
                                                " added in full to every row, so sum them."),
    ],
    "h_bn": [
        (lambda R, G: G["h"] * (1 - R["h_bn"] ** 2),
         "you used 1 - h_bn**2. The slope of tanh at z is 1 - tanh(z)**2, and tanh(h_bn) is"
         " h: use 1 - h**2."),
        (lambda R, G: G["h"], "that is dh unchanged; going back through tanh multiplies by its"
                              " slope, 1 - h**2."),
        (lambda R, G: 1 - R["h"] ** 2, "that is the slope of tanh alone; the chain rule"
                                       " multiplies it by the gradient from above, dh."),
    ],
    "gamma": [
        (lambda R, G: (G["h_bn"] * R["h_bn"]).sum(axis=0),
         "you multiplied by h_bn, the output of gamma * x_hat + beta; the factor next to"
         " gamma is x_hat."),
        (lambda R, G: G["h_bn"].sum(axis=0), "that is dbeta; gamma multiplies x_hat, so each"
                                             " row's contribution is dh_bn * x_hat."),
        (lambda R, G: (G["h_bn"] * R["x_hat"]).mean(axis=0),
         "that is a mean over the batch; gamma is used in full by every row, so sum."),
    ],
    "beta": [
        (lambda R, G: G["h_bn"].mean(axis=0), "that is a mean over the batch; beta is added"
                                              " in full to every row, so sum."),
    ],
    "x_hat": [
        (lambda R, G: G["h_bn"], "that is dh_bn unchanged: x_hat is multiplied by gamma, so"
                                 " its gradient is too."),
        (lambda R, G: G["h_bn"] * R["beta"], "beta is added, not multiplied; the factor next"
                                             " to x_hat is gamma."),
    ],
    "inv_std": [
        (lambda R, G: (G["x_hat"] * R["x_hat"]).sum(axis=0),
         "you multiplied by x_hat; x_hat = xc * inv_std, so the factor next to inv_std is xc."),
        (lambda R, G: (G["x_hat"] * R["xc"]).mean(axis=0),
         "that is a mean over the batch; inv_std multiplies every row in full, so sum."),
    ],
    "var": [
        (lambda R, G: G["inv_std"] * -0.5 * R["var"] ** -1.5,
         "you left out eps: inv_std = (var + eps)**-0.5, so its slope is"
         " -0.5 (var + eps)**-1.5."),
        (lambda R, G: G["inv_std"] * -0.5 * (R["var"] + EPS) ** -0.5,
         "the power is off: the derivative of v**-0.5 is -0.5 v**-1.5."),
        (lambda R, G: -0.5 * (R["var"] + EPS) ** -1.5,
         "that is the local slope alone; multiply it by the gradient from above, dinv_std."),
    ],
    "xc": [
        (lambda R, G: G["x_hat"] * R["inv_std"],
         "that is only the path through x_hat. xc is used twice, in x_hat and in var"
         " (var = mean(xc**2)): add the two paths' gradients."),
        (lambda R, G: G["var"] * 2 * R["xc"] / R["n"],
         "that is only the path through var. xc is used twice, in x_hat and in var: add the"
         " gradient of the path through x_hat too."),
        (lambda R, G: G["x_hat"] * R["inv_std"] + G["var"] * 2 * R["xc"] / (R["n"] - 1),
         f"you divided by {_N1} in the path through var. BatchNorm's variance in training"
         " is the biased one, mean(xc**2): divided by n, so its slope is 2 xc / n."),
        (lambda R, G: G["x_hat"] * R["inv_std"] + G["var"] * R["xc"] / R["n"],
         "the path through var misses a factor 2: d(xc**2)/dxc = 2 xc."),
        (lambda R, G: G["x_hat"] * R["inv_std"] + G["var"] * 2 * R["xc"],
         "the path through var misses the 1/n of the mean: var = mean(xc**2) = sum(xc**2) / n,"
         " so each row's slope is 2 xc / n."),
    ],
    "mu": [
        (lambda R, G: -G["xc"].mean(axis=0), "that is a mean; mu is subtracted in full from"
                                             " every row, so sum: -dxc.sum(axis=0)."),
    ],
    "h_pre": [
        (lambda R, G: G["xc"], "that is only the path through xc. h_pre is used twice, in xc"
                               " and in mu = mean(h_pre): add the path through mu, dmu / n"
                               " in every row."),
        (lambda R, G: G["xc"] + G["mu"], "the path through mu misses the 1/n of the mean:"
                                         " each row gets dmu / n."),
        (lambda R, G: G["xc"] + G["mu"] / (R["n"] - 1),
         f"you divided by {_N1}; mu = mean(h_pre) divides by n, so each row gets dmu / n."),
    ],
    "W1": [
        (lambda R, G: G["h_pre"].T @ R["X"],
         "that is dh_pre^T X, the transpose of dW1 (both are (64, 64) here, so the shape"
         " cannot tell): dW1 = X^T dh_pre, with X's column k and dh_pre's column j giving"
         " entry (k, j)."),
        (lambda R, G: R["X"].T @ G["h_pre"] / R["n"],
         "that is X^T dh_pre divided by n; the 1/n of the loss is already in dh_pre."),
    ],
    "b1": [],
}
# what the lesson's formula is built from: the generic hint when no mistake matches
FORMULAS = {
    "logp": "Only logp[i, y_i] enters loss = -mean(logp[i, y_i]).",
    "probs": "logp = log(probs): d log(p) / dp = 1/p, times dlogp.",
    "logits": "Either through softmax from dprobs, or directly (probs - onehot) / n.",
    "h": "logits = h @ W2 + b2: dh = dlogits @ W2^T.",
    "W2": "logits = h @ W2 + b2: dW2 = h^T @ dlogits.",
    "b2": "b2 is broadcast over the rows: sum dlogits over the batch.",
    "h_bn": "h = tanh(h_bn): dh_bn = dh * (1 - h**2).",
    "gamma": "h_bn = gamma * x_hat + beta: sum dh_bn * x_hat over the batch.",
    "beta": "h_bn = gamma * x_hat + beta: sum dh_bn over the batch.",
    "x_hat": "h_bn = gamma * x_hat + beta: dx_hat = dh_bn * gamma.",
    "inv_std": "x_hat = xc * inv_std, inv_std broadcast over the rows: sum dx_hat * xc.",
    "var": "inv_std = (var + eps)**-0.5: its slope is -0.5 (var + eps)**-1.5.",
    "xc": "xc is used in x_hat = xc * inv_std and in var = mean(xc**2): two paths add up.",
    "mu": "xc = h_pre - mu with mu broadcast over the rows: minus the sum of dxc.",
    "h_pre": "h_pre is used in xc and in mu = mean(h_pre): dxc plus dmu / n in every row.",
    "W1": "h_pre = X @ W1 + b1: dW1 = X^T @ dh_pre.",
    "b1": "b1 is broadcast over the rows: sum dh_pre over the batch.",
}
SUCCESS_NOTES = {
    "logits": " It equals (probs - onehot) / n, the formula of lesson 06.",
    "xc": " Two paths, two terms: the fork rule of lesson 03.",
    "b1": " Look at the numbers: all below 1e-15, zero up to rounding. BatchNorm subtracts"
          " the batch mean, so a constant added before it changes nothing: b1 cannot learn,"
          " and layers before a BatchNorm usually have no bias. As b1's gradient is zero,"
          " this check can't tell sum from mean (or from all zeros): make sure you summed"
          " dh_pre over the batch, as for b2.",
}


@never_raises
def check_grad(name, yours, engine=None):
    """Exercises 12.1-12.3: your gradient of `name` (one of GRAD_NAMES) against the
    engine's: `engine` is the Tensor after loss.backward() (its .grad is used), or an
    array; None uses the gradient of the lesson's batch. Exact / close / wrong with a hint."""
    if name not in HINTS:
        return wrong(f"check_grad knows the tensors {', '.join(GRAD_NAMES)}; got {name!r}")
    got, problem = _array(yours, f"d{name}")
    if problem is not None:
        return problem
    values, grads = _lesson()
    want = grads[name] if engine is None else getattr(engine, "grad", engine)
    if want is None:
        return wrong(f"{name}.grad is None: run the cell with loss.backward() first, then"
                     " compare.")
    try:
        want = np.asarray(want, dtype=float)
    except (TypeError, ValueError):
        return wrong(f"the third argument should be the tensor {name} itself (its .grad holds"
                     f" the engine's gradient), e.g. ex.check_grad({name!r}, d{name}, {name});"
                     f" got {type(engine).__name__}")
    n = values["n"]
    if got.shape == want.shape and np.array_equal(got, want):
        return correct(f"d{name}: exact, every number equals the engine's."
                       + SUCCESS_NOTES.get(name, ""))
    if _close(got, want):
        return correct(f"d{name}: close, largest difference from the engine"
                       f" {_largest(got, want):.1e}: rounding, as the same math computed in"
                       " another order rounds differently." + SUCCESS_NOTES.get(name, ""))
    if is_rounded(got, want, 4):  # the digits the lesson prints
        if _largest(got, want) <= 1e-3 * np.abs(want).max():
            return correct(f"d{name}: right to the 4 decimals you kept (largest difference"
                           f" {_largest(got, want):.1e}); compute it with numpy to keep every"
                           " digit.")
        return wrong(f"d{name} is the right gradient rounded to 4 decimals, too few digits"
                     f" for numbers this small (the largest is {np.abs(want).max():.2g}):"
                     " compute it with numpy instead of copying printed numbers.")
    # the diagnoses hold only for the lesson's own batch: is `want` that gradient?
    known = want.shape == grads[name].shape and np.allclose(want, grads[name])
    if not known:
        for other, grad in grads.items():
            if grad.shape == want.shape and np.allclose(want, grad) and np.any(grad):
                return wrong(f"the tensor you compare with holds the gradient of {other}, not"
                             f" of {name}: pass {name} as the third argument,"
                             f" ex.check_grad({name!r}, d{name}, {name}).")
    for formula, message in HINTS[name] if known else ():
        try:
            value = np.asarray(formula(values, grads), dtype=float)
        except ValueError:  # that product does not fit these shapes
            continue
        if _close(got, value):
            return wrong(f"d{name}: {message}")
    if got.shape != want.shape:
        return wrong(_shape_hint(name, got, want, n))
    if _close(got, -want):
        return wrong(f"d{name} has the wrong sign everywhere. {FORMULAS[name]}")
    for factor in (n, 1.0 / n, 2.0, 0.5):
        if _close(got, factor * want):
            return wrong(f"d{name} is {factor:.3g} times the engine's gradient: a factor is"
                         f" off. {FORMULAS[name]}")
    return wrong(f"d{name} differs from the engine's gradient (largest difference"
                 f" {_largest(got, want):.3g}). {FORMULAS[name]} If your formula uses a gradient"
                 " you computed in a cell above, check that that one passed first.")


# ---------- exercise 12.4: BatchNorm's backward in one formula ----------

BN_CASES = [(32, 64), (8, 3), (2, 5), (17, 1)]  # (batch, features)


def _bn_cases():
    """(dout, x_hat, gamma, inv_std, engine's dx) for each shape of BN_CASES."""
    rng = np.random.default_rng(12)
    for n, c in BN_CASES:
        x = rng.normal(1.0, 2.0, size=(n, c))
        gamma, beta = rng.normal(1.0, 0.5, size=c), rng.normal(size=c)
        dout = rng.normal(size=(n, c))
        xt = Tensor(x)
        xc = xt - xt.mean(axis=0)
        inv_std = ((xc**2).mean(axis=0) + EPS) ** -0.5
        x_hat = xc * inv_std
        (Tensor(gamma) * x_hat + Tensor(beta)).backward(dout)
        yield dout, x_hat.data, gamma, inv_std.data, xt.grad


def _bn_mistakes(dout, x_hat, gamma, inv_std):
    n = len(dout)
    s1, s2 = dout.sum(axis=0), (dout * x_hat).sum(axis=0)
    t1, t2 = dout.sum(), (dout * x_hat).sum()  # sums over every entry, not per feature
    first = _shape(BN_CASES[0])
    every = ("a sum in your formula runs over every entry of the array, one number in all:"
             " sum over axis 0, one sum per feature (column), e.g. dout.sum(axis=0).")
    n0 = BN_CASES[0][0]
    return [
        *([(gamma * inv_std / n0 * (n0 * dout - s1 - x_hat * s2),
            f"your formula is right for {first}, wrong for other sizes: you hard-coded"
            f" n = {n0}. Take n from the input, n = len(dout).")] if n != n0 else []),
        (gamma * inv_std / n * (n * dout - t1 - x_hat * t2), every),
        (gamma * inv_std / n * (n * dout - t1 - x_hat * s2), every),
        (gamma * inv_std / n * (n * dout - s1 - x_hat * t2), every),
        (gamma * inv_std / n * (n * dout - s1 - n / (n - 1) * x_hat * s2),
         f"your formula has the factor n / ({_N1}) of the unbiased variance (as in makemore,"
         " whose forward pass divides by n - 1). BatchNorm in training normalizes with the"
         " biased variance, mean(xc**2), so no such factor appears."),
        (gamma * inv_std / n * (n * dout - x_hat * s2),
         "the term -sum(dout) is missing: it comes from the mean, which every row feeds."),
        (gamma * inv_std / n * (n * dout - s1),
         "the term -x_hat * sum(dout * x_hat) is missing: it comes from the variance, which"
         " every row feeds too."),
        (gamma * inv_std * dout, "that is gamma * inv_std * dout, as if the mean and the"
                                 " variance were constants. They depend on every row."),
        (inv_std / n * (n * dout - s1 - x_hat * s2), "gamma is missing: dx_hat = gamma * dout."),
        (gamma / n * (n * dout - s1 - x_hat * s2), "inv_std is missing: every path goes"
                                                   " through x_hat = xc * inv_std."),
        (gamma * inv_std * (n * dout - s1 - x_hat * s2), "the 1/n in front is missing."),
    ]


def check_bn_backward(bn_backward):
    """Exercise 12.4: bn_backward(dout, x_hat, gamma, inv_std) -> dx, the gradient of
    BatchNorm's input from the gradient of its output, compared with the engine on the
    shapes of BN_CASES (batch 2 and one feature included)."""
    try:
        return _check_bn_backward(bn_backward)
    except Exception as e:
        return checker_error(e, "your function")


def _check_bn_backward(fn):
    if is_unattempted(fn):
        return not_attempted("bn_backward")
    if not callable(fn):
        return wrong(f"bn_backward should be a function, got {type(fn).__name__}: define it"
                     " with def bn_backward(dout, x_hat, gamma, inv_std): ...")
    for dout, x_hat, gamma, inv_std, dx in _bn_cases():
        size = f"For a batch of shape {_shape(dout.shape)}"
        result, problem = call_answer(fn, dout.copy(), x_hat.copy(), gamma.copy(),
                                      inv_std.copy())
        if problem is not None:
            if problem.ok is None or problem.message == FORGOT_RETURN:
                return problem
            return wrong(f"{size}, {problem.message}")
        got, problem = _array(result, "what bn_backward returned")
        if problem is not None:
            return problem if problem.ok is None else wrong(f"{size}, {problem.message}")
        if _close(got, dx):
            continue
        if got.shape != dx.shape:
            return wrong(f"{size}, bn_backward returned shape {_shape(got.shape)}; dx has the"
                         f" shape of x, {_shape(dx.shape)}. Sums over the batch need"
                         " axis=0 (and broadcast back over the rows).")
        for value, message in _bn_mistakes(dout, x_hat, gamma, inv_std):
            if _close(got, value):
                return wrong(f"{size}, {message}")
        return wrong(f"{size}, dx differs from the engine's (largest difference"
                     f" {_largest(got, dx):.3g}). Check each term of the formula of the"
                     " derivation, and its signs.")
    return correct("Right: dx = gamma * inv_std / n * (n dout - sum(dout) - x_hat *"
                   " sum(dout * x_hat)) agrees with the engine for every batch tried,"
                   " batch 2 and a single feature included. Six small steps became one line.")


# ---------- exercise 12.5: the whole backward pass ----------


def _backward_cases():
    """(cache, params, engine's gradients) for two batches and parameters."""
    for start, n, seed in ((0, BATCH, 0), (100, 20, 1)):
        X, y = batch(n, start)
        params = init_params(seed)
        t = engine_steps(X, y, params)
        _, cache = forward(X, y, params)
        yield cache, params, {k: t[k].grad for k in PARAMS}


# the parameters in the order the backward pass reaches them, so that the first wrong one
# reported is the one the others may have inherited their error from
BACKWARD_ORDER = ("W2", "b2", "gamma", "beta", "W1", "b1")


def _n_mistake(got, grads, n, keys):
    """Wrong when the gradients of `keys` are the engine's times n / 32 on a batch of n != 32:
    the 1/n of the loss was the notebook's n = 32 (the lesson's batch), not this batch's."""
    if n == BATCH or not all(got[k].shape == grads[k].shape
                             and _close(got[k], n / BATCH * grads[k]) for k in keys):
        return None
    which = "every gradient is" if len(keys) > 1 else f"grads[{keys[0]!r}] is"
    return wrong(f"For a batch of {n}, {which} {n}/{BATCH} of the engine's: you used"
                 f" n = {BATCH}, not the size of this batch. Take n from the cache,"
                 ' n = len(cache["X"]), so the function works for any batch.')


def check_backward_by_hand(backward_by_hand):
    """Exercise 12.5: backward_by_hand(cache, params) -> {name: gradient} for the six
    parameters, from `forward`'s cache, compared with the engine on two batches."""
    try:
        return _check_backward_by_hand(backward_by_hand)
    except Exception as e:
        return checker_error(e, "your function")


def _check_backward_by_hand(fn):
    if is_unattempted(fn):
        return not_attempted("backward_by_hand")
    if not callable(fn):
        return wrong(f"backward_by_hand should be a function, got {type(fn).__name__}:"
                     " define it with def backward_by_hand(cache, params): ...")
    for cache, params, grads in _backward_cases():
        size = f"For a batch of {len(cache['X'])}"
        copies = {k: v.copy() for k, v in cache.items()}
        result, problem = call_answer(fn, copies, {k: v.copy() for k, v in params.items()})
        if problem is not None:
            if problem.ok is None or problem.message == FORGOT_RETURN:
                return problem
            return wrong(f"{size}, {problem.message}")
        if not hasattr(result, "keys"):
            return wrong("backward_by_hand should return a dict {name: gradient} with the keys"
                         f" {', '.join(PARAMS)}; got {type(result).__name__}")
        missing = [k for k in PARAMS if k not in result]
        if missing:
            return wrong(f"the dict backward_by_hand returned has no {', '.join(missing)}:"
                         f" it needs a gradient for each of {', '.join(PARAMS)}.")
        got = {}
        for k in BACKWARD_ORDER:
            got[k], problem = _array(result[k], f"grads[{k!r}]")
            if problem is not None:
                if problem.ok is None:
                    return not_attempted(f"grads[{k!r}]")
                return wrong(f"{size}, {problem.message}")
        scaled = _n_mistake(got, grads, len(cache["X"]), BACKWARD_ORDER)
        if scaled is not None:
            return scaled
        for k in BACKWARD_ORDER:
            if _close(got[k], grads[k]):
                continue
            scaled = _n_mistake(got, grads, len(cache["X"]), (k,))
            if scaled is not None:
                return scaled
            mine = got[k]
            if mine.shape != grads[k].shape:
                return wrong(f"{size}: " + _shape_hint(k, mine, grads[k], len(cache["X"])))
            return wrong(f"{size}, grads[{k!r}] differs from the engine's gradient (largest"
                         f" difference {_largest(mine, grads[k]):.3g}). {FORMULAS[k]} Check"
                         " it with check_grad, step by step, as in exercises 12.1-12.3.")
    return correct("Right: all six gradients agree with the engine on two batches. This is"
                   " the whole backward pass of the network, with no engine at all.")


def use_if_right(backward_by_hand):
    """The learner's backward_by_hand when check_backward_by_hand accepts it, else
    backward_reference (so the lesson's training cell runs either way); says which."""
    feedback = check_backward_by_hand(backward_by_hand)
    if feedback.ok:
        print("Training with your backward_by_hand.")
        return backward_by_hand
    print("backward_by_hand is not finished yet, so this run uses the reference,"
          " ex.backward_reference. Come back when exercise 12.5 is green.")
    return backward_reference
