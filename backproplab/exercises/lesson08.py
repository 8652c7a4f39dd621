"""Checkers for lesson 08 (optimizers).

    from backproplab.exercises import lesson08 as ex
    ex.check_stable_lr(lr_max)                  # exercise 8.1: when gradient descent blows up
    ex.check_momentum_step(momentum_step)       # exercise 8.2: SGD with momentum, one step
    ex.check_adam_step(adam_step)               # exercise 8.3: Adam, one step

Exercises 8.2 and 8.3 run the learner's function and `backproplab.optim` side by side
on the same gradients for ten steps and report the first step where they differ.
"""

import numpy as np

from ..optim import SGD, Adam
from ..tensor import Tensor
from .feedback import (
    as_number,
    call_answer,
    checker_error,
    correct,
    diagnose,
    is_unattempted,
    never_raises,
    not_attempted,
    wrong,
)

# ---- exercise 8.1: the largest stable learning rate on f(x, y) = x**2 + 8 y**2 ----

# f = A x^2 + B y^2 has the gradient (2A x, 2B y): one step multiplies x by 1 - 2A lr
# and y by 1 - 2B lr. The steeper direction (y) blows up first, when 2B lr > 2.
A, B = 1.0, 8.0


def largest_stable_lr(a=A, b=B):
    """2 / (largest curvature): beyond it |1 - lr * curvature| > 1 and the steps grow."""
    return 2 / (2 * max(a, b))


@never_raises
def check_stable_lr(lr_max):
    """Exercise 8.1: the learning rate above which gradient descent on x^2 + 8y^2 diverges."""
    x, problem = as_number(lr_max, "lr_max")
    if problem is not None:
        return problem
    expected = largest_stable_lr()
    hints = [
        (1 / (2 * B), "1/16 is the learning rate that sends y to 0 in a single step"
                      " (factor 1 - 16 lr = 0). Larger rates still converge while the"
                      " factor stays above -1: y flips sign but shrinks."),
        (2 / B, "2/8 uses the coefficient 8 instead of the curvature: the derivative of"
                " 8y^2 is 16y, so y is multiplied by 1 - 16 lr each step."),
        (1 / B, "1/8 comes from the coefficient 8; the gradient of 8y^2 is 16y, so each"
                " step multiplies y by 1 - 16 lr. When is |1 - 16 lr| > 1?"),
        (2 / (2 * A), "1 is the limit for the x direction (factor 1 - 2 lr). The y"
                      " direction is 8 times steeper and blows up long before."),
        (1 / (2 * A), "That limit belongs to the flat x direction. The steep y"
                      " direction (factor 1 - 16 lr) decides when the steps grow."),
        (2 / (2 * A + 2 * B), "2/18 is the rate that balances both directions (the best"
                              " rate for a quadratic), not the largest stable one."),
    ]
    feedback = diagnose(x, expected, rtol=1e-6, atol=1e-9, what="lr_max", hints=hints)
    if feedback.ok:
        return correct("Right: y is multiplied by 1 - 16 lr each step, which stays within"
                       " [-1, 1] up to lr = 2/16 = 0.125. The x direction could take"
                       " lr = 1, but the steep direction sets the limit.")
    if feedback.message.endswith("not right yet.") and 0 < x < np.inf:
        return wrong(f"{feedback.message} {_too_low_or_high(x)}")
    return feedback


def _too_low_or_high(lr, b=B):
    """Where y's factor 1 - 2b lr lies at the learner's lr: inside (-1, 1) or past -1."""
    factor = 1 - 2 * b * lr
    if abs(factor) < 1:
        return (f"At lr = {lr:g} the factor 1 - 16 lr = {factor:.4g} is still inside (-1, 1),"
                " so y still shrinks: go higher.")
    return (f"At lr = {lr:g} the factor 1 - 16 lr = {factor:.4g} is past -1, so |y| grows"
            " at every step: go lower.")


# ---- a learner's update function against the library, step by step ----

THETA0 = np.array([0.5, -1.0, 2.0])
# Ten gradients for three coordinates: a steady one, one that flips sign, and a tiny one
# (where eps matters in Adam).
GRADS = np.array([
    [1.0, -2.0, 1e-4],
    [0.8, 2.5, 2e-4],
    [1.2, -1.5, -1e-4],
    [0.9, 3.0, 3e-4],
    [1.1, -2.2, 1e-4],
    [1.0, 1.8, -2e-4],
    [0.7, -2.6, 2e-4],
    [1.3, 2.0, 1e-4],
    [1.0, -1.2, -1e-4],
    [0.9, 2.4, 2e-4],
])


def _reference_path(make_optimizer):
    """theta after each of the steps of GRADS with the library's optimizer: (10, 3)."""
    p = Tensor(THETA0.copy())
    opt = make_optimizer([p])
    path = []
    for g in GRADS:
        p.grad = g.copy()
        opt.step()
        path.append(p.data.copy())
    return np.array(path)


def _learner_path(fn, args, name):
    """(path (10, 3), None) from the learner's fn, or (None, Feedback) when it fails."""
    state, theta, path = {}, THETA0.copy(), []
    for k, g in enumerate(GRADS, start=1):
        with np.errstate(all="ignore"):
            result, problem = call_answer(fn, theta.copy(), g.copy(), state, *args)
        if problem is not None:
            if problem.ok is False:
                return None, wrong(f"At step {k}, {problem.message}")
            return None, problem
        if isinstance(result, tuple) and len(result) == 2:
            return None, wrong(f"{name} returned a pair; return only the new theta and keep"
                               " what must be remembered in the dict `state`.")
        try:
            new = np.asarray(result, dtype=float)
        except (TypeError, ValueError):
            return None, wrong(f"{name} should return the new theta, an array of shape"
                               f" {THETA0.shape}; at step {k} it returned {result!r}.")
        if new.shape != THETA0.shape:
            return None, wrong(f"{name} should return the new theta, an array of shape"
                               f" {THETA0.shape}; at step {k} it returned shape {new.shape}.")
        path.append(new)
        theta = new
    return np.array(path), None


def _variant_path(step):
    """The path of a known wrong update rule `step(theta, grad, state)`."""
    state, theta, path = {}, THETA0.copy(), []
    with np.errstate(all="ignore"):
        for g in GRADS:
            theta = step(theta, g, state)
            path.append(theta)
    return np.array(path)


def _same(a, b, rtol=1e-9, atol=1e-12):
    return bool(np.all(np.isfinite(a)) and np.allclose(a, b, rtol=rtol, atol=atol))


def _compare_paths(got, expected, variants, first_step_hint, later_step_hint, success):
    """Feedback for a learner's path against the reference path and known wrong rules."""
    if _same(got, expected):
        return correct(success)
    for step, message in variants:
        if _same(got, _variant_path(step)):
            return wrong(message)
    k = next(i for i in range(len(got)) if not _same(got[i], expected[i]))
    shown = np.array2string(got[k], precision=6)
    right = np.array2string(expected[k], precision=6)
    agree = f"Steps 1 to {k} agree with backproplab.optim; " if k else ""
    bad = "" if np.all(np.isfinite(got[k])) else " (NaN or inf: a division by zero, or the" \
                                                   " square root of a negative number?)"
    hint = first_step_hint if k == 0 else later_step_hint
    return wrong(f"{agree}at step {k + 1} your theta is {shown}{bad}, but it should be"
                 f" {right}. {hint}")


# ---- exercise 8.2: SGD with momentum ----

LR_MOMENTUM, MOMENTUM = 0.05, 0.9


def _momentum_variants(lr=LR_MOMENTUM, mu=MOMENTUM):
    def plain(theta, g, state):
        return theta - lr * g

    def ema(theta, g, state):
        state["b"] = mu * state.get("b", 0.0) + (1 - mu) * g
        return theta - lr * state["b"]

    def ema_first_g(theta, g, state):
        state["b"] = mu * state["b"] + (1 - mu) * g if "b" in state else g
        return theta - lr * state["b"]

    def old_velocity(theta, g, state):
        b_old = state.get("b", 0.0)
        state["b"] = mu * b_old + g
        return theta - lr * b_old

    def uphill(theta, g, state):
        state["b"] = mu * state.get("b", 0.0) + g
        return theta + lr * state["b"]

    def nesterov(theta, g, state):
        state["b"] = mu * state.get("b", 0.0) + g
        return theta - lr * (g + mu * state["b"])

    def no_decay(theta, g, state):
        state["b"] = state.get("b", 0.0) + g
        return theta - lr * state["b"]

    def lr_in_buffer_twice(theta, g, state):
        state["v"] = mu * state.get("v", 0.0) - lr * g
        return theta + lr * state["v"]

    return [
        (plain, "Your steps are plain SGD, theta - lr * grad: nothing is remembered. Keep a"
                " velocity b in `state` (b = momentum * b + grad) and step by -lr * b."),
        (ema, "You average the gradients, b = momentum * b + (1 - momentum) * grad. Some"
              " texts write momentum that way, but it makes every step 1 - momentum = 0.1"
              " times as large; SGD(momentum=...) adds the whole gradient:"
              " b = momentum * b + grad."),
        (ema_first_g, "b = momentum * b + (1 - momentum) * grad shrinks every gradient"
                      " after the first; SGD(momentum=...) uses b = momentum * b + grad."),
        (old_velocity, "You move with the velocity of the step before (the first step does"
                       " not move at all). Update b first, b = momentum * b + grad, then"
                       " step with the new b."),
        (uphill, "Your steps go uphill: theta + lr * b. Subtract: theta - lr * b."),
        (nesterov, "That is Nesterov's variant, which steps by grad + momentum * b. Plain"
                   " momentum steps by the velocity itself: theta - lr * b."),
        (no_decay, "Your b adds up every gradient without forgetting: b = b + grad. Multiply"
                   " the old velocity by momentum first, b = momentum * b + grad, so that old"
                   " gradients fade."),
        (lr_in_buffer_twice, "Your velocity already holds -lr * grad (v = momentum * v - lr *"
                             " grad), so add it as it is: theta + v, without another lr."),
    ]


def reference_momentum_path():
    return _reference_path(lambda ps: SGD(ps, lr=LR_MOMENTUM, momentum=MOMENTUM))


def check_momentum_step(momentum_step):
    """Exercise 8.2: momentum_step(theta, grad, state, lr, momentum) -> new theta.

    Runs ten steps of GRADS with lr=0.05, momentum=0.9 from THETA0 and compares every
    step with SGD(lr=0.05, momentum=0.9).
    """
    try:
        if is_unattempted(momentum_step):
            return not_attempted("momentum_step")
        got, problem = _learner_path(momentum_step, (LR_MOMENTUM, MOMENTUM), "momentum_step")
        if problem is not None:
            return problem
        return _compare_paths(
            got, reference_momentum_path(), _momentum_variants(),
            first_step_hint="On the first call `state` is empty, so b = grad and the step"
                            " is theta - lr * grad.",
            later_step_hint="The first step is right, so look at what your function keeps"
                            " in `state` between calls: b must be stored, and updated once"
                            " per call as b = momentum * b + grad.",
            success=f"Right: ten steps, identical to SGD(lr={LR_MOMENTUM}, momentum={MOMENTUM})."
                    " The velocity b is the only memory momentum needs.")
    except Exception as e:  # a checker never crashes the notebook
        return checker_error(e, "your function")


# ---- exercise 8.3: Adam ----

LR_ADAM, BETA1, BETA2, EPS = 0.1, 0.9, 0.999, 1e-8


def _adam_rule(correct_m=True, correct_v=True, eps_inside=False, frozen_t=False,
               m_without_1_minus=False, swapped=False, no_sqrt=False, sign=-1):
    """An Adam update with one thing changed (for recognising typical mistakes)."""
    b1, b2 = (BETA2, BETA1) if swapped else (BETA1, BETA2)

    def step(theta, g, state):
        m, v = state.get("m", 0.0), state.get("v", 0.0)
        t = 1 if frozen_t else state.get("t", 0) + 1
        m = b1 * m + (1.0 if m_without_1_minus else 1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        state.update(m=m, v=v, t=t)
        m_hat = m / (1 - b1**t) if correct_m else m
        v_hat = v / (1 - b2**t) if correct_v else v
        if no_sqrt:
            denom = v_hat + EPS
        elif eps_inside:
            denom = np.sqrt(v_hat + EPS)
        else:
            denom = np.sqrt(v_hat) + EPS
        return theta + sign * LR_ADAM * m_hat / denom

    return step


ADAM_VARIANTS = [
    (_adam_rule(correct_m=False, correct_v=False),
     "You left out the bias correction: m and v start at 0, so early on they are too"
     " small. Divide by (1 - beta1**t) and (1 - beta2**t), with t the step number (1 at"
     " the first step)."),
    (_adam_rule(correct_m=False),
     "You corrected v but not m: m_hat = m / (1 - beta1**t) is needed too."),
    (_adam_rule(correct_v=False),
     "You corrected m but not v: v_hat = v / (1 - beta2**t) is needed too."),
    (_adam_rule(eps_inside=True),
     "eps sits inside the square root in your code. In Adam (and torch) it is added after:"
     " m_hat / (sqrt(v_hat) + eps). It matters for the coordinate with tiny gradients."),
    (_adam_rule(frozen_t=True),
     "Your step counter does not advance: the bias correction uses t = 1 at every step."
     " Keep t in `state` and add 1 at every call."),
    (_adam_rule(m_without_1_minus=True),
     "Your m adds the whole gradient, m = beta1 * m + grad; Adam's m is an average:"
     " m = beta1 * m + (1 - beta1) * grad."),
    (_adam_rule(swapped=True),
     "beta1 and beta2 are swapped: beta1 = 0.9 goes with m (the gradients), beta2 = 0.999"
     " with v (the squared gradients)."),
    (_adam_rule(no_sqrt=True),
     "Divide by the square root of v_hat: m_hat / (sqrt(v_hat) + eps). v is an average of"
     " squared gradients, so its root has the size of a gradient."),
    (_adam_rule(sign=+1),
     "Your steps go uphill: subtract lr * m_hat / (sqrt(v_hat) + eps) from theta."),
]


def _adam_paper_form(theta, g, state):
    """Adam as the paper's Algorithm 1 writes its efficient form: the bias corrections go
    into the step size, lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t), and eps ("eps
    hat") is added to sqrt(v), not sqrt(v_hat). The same method; steps differ from
    torch's form by a hair where sqrt(v) is as small as eps."""
    t = state.get("t", 0) + 1
    m = BETA1 * state.get("m", 0.0) + (1 - BETA1) * g
    v = BETA2 * state.get("v", 0.0) + (1 - BETA2) * g * g
    state.update(m=m, v=v, t=t)
    lr_t = LR_ADAM * np.sqrt(1 - BETA2**t) / (1 - BETA1**t)
    return theta - lr_t * m / (np.sqrt(v) + EPS)


def reference_adam_path():
    return _reference_path(lambda ps: Adam(ps, lr=LR_ADAM, betas=(BETA1, BETA2), eps=EPS))


def check_adam_step(adam_step):
    """Exercise 8.3: adam_step(theta, grad, state, lr, beta1, beta2, eps) -> new theta.

    Runs ten steps of GRADS with lr=0.1 and the default betas and eps from THETA0 and
    compares every step with Adam(lr=0.1).
    """
    try:
        if is_unattempted(adam_step):
            return not_attempted("adam_step")
        got, problem = _learner_path(adam_step, (LR_ADAM, BETA1, BETA2, EPS), "adam_step")
        if problem is not None:
            return problem
        if not _same(got, reference_adam_path()) and _same(got, _variant_path(_adam_paper_form),
                                                           rtol=1e-7):
            return correct("Right: that is Adam in the form of the Adam paper, with the bias"
                           " corrections folded into the step size and eps added to sqrt(v)"
                           " (eps hat). Ten steps agree with Adam(lr=0.1) to within a hair on"
                           " the tiny gradient, where eps sits at a slightly different place.")
        return _compare_paths(
            got, reference_adam_path(), ADAM_VARIANTS,
            first_step_hint="At the first step m_hat = grad and v_hat = grad**2, so each"
                            " coordinate should move by almost exactly lr against the sign"
                            " of its gradient.",
            later_step_hint="The first step is right; look at what you keep in `state`: m,"
                            " v and the step count t must carry over from call to call.",
            success="Right: ten steps, identical to Adam(lr=0.1). Every coordinate moved"
                    " about lr per step, whether its gradient was 1 or 0.0001.")
    except Exception as e:  # a checker never crashes the notebook
        return checker_error(e, "your function")
