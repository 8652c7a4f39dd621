"""Learner answers for lesson 08: 8.1 the largest stable learning rate, 8.2 momentum_step,
8.3 adam_step."""

import numpy as np

from corpus import RIGHT, TODO, WRONG

CHECKERS = {"8.1": "check_stable_lr", "8.2": "check_momentum_step", "8.3": "check_adam_step"}


# ---- 8.2 ----


def momentum(theta, grad, state, lr, momentum):
    state["b"] = momentum * state.get("b", 0.0) + grad
    return theta - lr * state["b"]


def momentum_setdefault(theta, grad, state, lr, momentum):
    b = state.setdefault("b", np.zeros_like(theta))
    b *= momentum
    b += grad
    theta -= lr * b
    return theta


def momentum_velocity(theta, grad, state, lr, momentum):  # v = mu v - lr g: the same steps
    state["v"] = momentum * state.get("v", 0.0) - lr * grad
    return theta + state["v"]


def momentum_plain(theta, grad, state, lr, momentum):
    return theta - lr * grad


def momentum_average(theta, grad, state, lr, momentum):
    state["b"] = momentum * state.get("b", 0.0) + (1 - momentum) * grad
    return theta - lr * state["b"]


def momentum_old_b(theta, grad, state, lr, momentum):
    b = state.get("b", 0.0)
    state["b"] = momentum * b + grad
    return theta - lr * b


def momentum_nesterov(theta, grad, state, lr, momentum):
    state["b"] = momentum * state.get("b", 0.0) + grad
    return theta - lr * (grad + momentum * state["b"])


def momentum_no_return(theta, grad, state, lr, momentum):
    state["b"] = momentum * state.get("b", 0.0) + grad
    theta = theta - lr * state["b"]


def momentum_pair(theta, grad, state, lr, momentum):
    state["b"] = momentum * state.get("b", 0.0) + grad
    return theta - lr * state["b"], state


def momentum_key_error(theta, grad, state, lr, momentum):
    state["b"] = momentum * state["b"] + grad
    return theta - lr * state["b"]


def momentum_scalar(theta, grad, state, lr, momentum):
    state["b"] = momentum * state.get("b", 0.0) + grad
    return float(np.sum(theta - lr * state["b"]))


def momentum_stub(theta, grad, state, lr, momentum):
    ...  # replace ... with your code: update the velocity in state, return the new theta


# ---- 8.3 ----


def adam(theta, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] = state.get("t", 0) + 1
    m = state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * grad
    v = state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps)


def adam_paper(theta, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """Kingma & Ba, Algorithm 1, the efficient form with eps hat."""
    t = state["t"] = state.get("t", 0) + 1
    m = state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * grad
    v = state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * grad * grad
    lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    return theta - lr_t * m / (np.sqrt(v) + eps)


def adam_lerp(theta, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """m moves a fraction 1 - beta1 of the way towards grad: the same average."""
    if not state:
        state.update(t=0, m=np.zeros_like(theta), v=np.zeros_like(theta))
    state["t"] += 1
    state["m"] = state["m"] + (1 - beta1) * (grad - state["m"])
    state["v"] = state["v"] + (1 - beta2) * (np.square(grad) - state["v"])
    denom = np.sqrt(state["v"] / (1 - beta2 ** state["t"])) + eps
    return theta - lr * (state["m"] / (1 - beta1 ** state["t"])) / denom


def adam_variant(no_correction=False, eps_inside=False, frozen_t=False, swapped=False,
                 sign=-1):
    def step(theta, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        b1, b2 = (beta2, beta1) if swapped else (beta1, beta2)
        t = 1 if frozen_t else state.get("t", 0) + 1
        m = b1 * state.get("m", 0.0) + (1 - b1) * grad
        v = b2 * state.get("v", 0.0) + (1 - b2) * grad**2
        state.update(t=t, m=m, v=v)
        m_hat, v_hat = (m, v) if no_correction else (m / (1 - b1**t), v / (1 - b2**t))
        denom = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
        return theta + sign * lr * m_hat / denom

    return step


def adam_no_return(theta, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] = state.get("t", 0) + 1
    m = state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * grad
    v = state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * grad**2
    theta = theta - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)


def adam_key_error(theta, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    state["t"] += 1
    return theta


def adam_stub(theta, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    ...  # replace ... with your code: update t, m and v in state, return the new theta


CASES = [
    ("8.1", "the reference", 0.125, RIGHT, "lr = 2/16 = 0.125"),
    ("8.1", "2/16", 2 / 16, RIGHT, "Right"),
    ("8.1", "1/8", 1 / 8, RIGHT, "Right"),
    ("8.1", "2 / (2 * 8)", 2 / (2 * 8), RIGHT, "Right"),
    ("8.1", "zero in one step", 1 / 16, WRONG, "in a single step"),
    ("8.1", "the coefficient", 2 / 8, WRONG, "instead of the curvature"),
    ("8.1", "the x limit", 1.0, WRONG, "limit for the x direction"),
    ("8.1", "the x optimum", 0.5, WRONG, "flat x direction"),
    ("8.1", "the balancing rate", 2 / 18, WRONG, "balances both directions"),
    ("8.1", "no known mistake", 0.3, WRONG, ("not right yet", "-3.8 is past -1", "go lower")),
    ("8.1", "close, not a rounding", 0.126, WRONG,
     ("not right yet", "-1.016 is past -1", "go lower")),
    ("8.1", "just below the limit", 0.124, WRONG,
     ("not right yet", "-0.984 is still inside (-1, 1)", "go higher")),
    ("8.1", "far too low", 0.01, WRONG, ("0.84 is still inside (-1, 1)", "go higher")),
    ("8.1", "rounded", 0.13, WRONG, "rounded to too few digits"),
    ("8.1", "text", "1/8", WRONG, "not the text"),
    ("8.1", "the placeholder", ..., TODO, "replace the ..."),
    ("8.2", "the reference", momentum, RIGHT, "identical to SGD"),
    ("8.2", "in place, setdefault", momentum_setdefault, RIGHT, "Right"),
    ("8.2", "v = mu v - lr g", momentum_velocity, RIGHT, "Right"),
    ("8.2", "plain SGD", momentum_plain, WRONG, "plain SGD"),
    ("8.2", "an average", momentum_average, WRONG, "average the gradients"),
    ("8.2", "the old velocity", momentum_old_b, WRONG, "velocity of the step before"),
    ("8.2", "Nesterov", momentum_nesterov, WRONG, "Nesterov"),
    ("8.2", "forgets return", momentum_no_return, WRONG, "did you forget `return`"),
    ("8.2", "returns a pair", momentum_pair, WRONG, "returned a pair"),
    ("8.2", "KeyError at the first call", momentum_key_error, WRONG,
     ("At step 1", "KeyError", "state[\"b\"]")),
    ("8.2", "a number, not an array", momentum_scalar, WRONG, "shape (3,)"),
    ("8.2", "the placeholder function", momentum_stub, TODO, "Not attempted"),
    ("8.3", "the reference", adam, RIGHT, "identical to Adam(lr=0.1)"),
    ("8.3", "the paper's eps-hat form", adam_paper, RIGHT, "form of the Adam paper"),
    ("8.3", "arrays in state, lerp form", adam_lerp, RIGHT, "Right"),
    ("8.3", "no bias correction", adam_variant(no_correction=True), WRONG,
     "left out the bias correction"),
    ("8.3", "eps inside the root", adam_variant(eps_inside=True), WRONG,
     "inside the square root"),
    ("8.3", "t frozen", adam_variant(frozen_t=True), WRONG, "does not advance"),
    ("8.3", "betas swapped", adam_variant(swapped=True), WRONG, "swapped"),
    ("8.3", "uphill", adam_variant(sign=+1), WRONG, "go uphill"),
    ("8.3", "forgets return", adam_no_return, WRONG, "did you forget `return`"),
    ("8.3", "KeyError at the first call", adam_key_error, WRONG,
     ("At step 1", "KeyError: 't'", "state[\"t\"] += 1")),
    ("8.3", "the placeholder function", adam_stub, TODO, "Not attempted"),
    ("8.3", "the placeholder", ..., TODO, "Not attempted"),
]
