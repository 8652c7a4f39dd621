"""Checkers for lesson 09 (the training playground).

    from backproplab.exercises import lesson09 as ex
    ex.check_linear_prediction(answer)       # exercise 9.1: deep but linear, on circles
    ex.check_circles_settings(settings)      # exercise 9.2: >= 95% test accuracy, small SGD net
    ex.check_noise_prediction(answer)        # exercise 9.3: what noise does to a big network

Exercise 9.2 builds a `TrainingPlayground` with the learner's settings, trains it and
reports what happened, so the numbers are the ones the app shows for the same settings.
"""

import numbers

from ..nn import ACTIVATIONS
from ..optim import OPTIMIZERS
from .feedback import (
    checker_error,
    correct,
    is_unattempted,
    letter,
    never_raises,
    not_attempted,
    wrong,
)

# ---- exercise 9.1: hidden layers with the "linear" activation, on circles ----

LINEAR_CHOICES = {
    "a": "about the same as with relu (close to 100%), since the network has the same layers",
    "b": "about 50%, like a network with no hidden layer at all",
    "c": "somewhere in between (about 75%): two layers can bend the boundary a little",
}
LINEAR_ANSWER = "b"


@never_raises
def check_linear_prediction(answer):
    """Exercise 9.1: which letter of LINEAR_CHOICES describes hidden "16,16", linear."""
    choice, problem = letter(answer, LINEAR_CHOICES, "linear_answer")
    if problem is not None:
        return problem
    if choice == LINEAR_ANSWER:
        return correct("Right: without an activation each layer is x @ W + b, and a linear"
                       " function of a linear function is linear. However many layers, the"
                       " boundary stays a straight line, and no straight line separates a"
                       " circle from a ring: about half the points end up on the wrong"
                       " side.")
    why = {
        "a": "the layers are there, but without an activation each one is x @ W + b. A"
             " linear function of a linear function is still linear, so the whole"
             " network draws one straight line, and no straight line separates the"
             " circles.",
        "c": "a boundary can only bend if something in the network is not linear. Two"
             " linear layers in a row are one linear layer: x @ W1 @ W2 + ... ; the"
             " boundary stays a straight line.",
    }[choice]
    return wrong(f"Not {choice}: {why}")


# ---- exercise 9.2: settings that reach >= 95% test accuracy on circles ----

TARGET = 0.95
MAX_STEPS = 200
MAX_UNITS = 8
OPTIMIZER = "SGD"
FIXED = {"dataset": "circles", "noise": 0.1, "seed": 0}
DEFAULTS = {"hidden": "8", "activation": "relu", "optimizer": OPTIMIZER, "lr": 0.1,
            "batch_size": 0, "steps": MAX_STEPS}
BATCH_SIZES = (0, 8, 16, 32, 64)


def _hidden_text(hidden):
    """'8,4' from '8, 4', [8, 4] or 8; ValueError with advice otherwise."""
    if isinstance(hidden, bool):
        raise ValueError("hidden should be text such as '8' or '4,4', or a list like [4, 4]")
    if isinstance(hidden, numbers.Integral):
        return str(int(hidden))
    if isinstance(hidden, (list, tuple)):
        if not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in hidden):
            raise ValueError(f"hidden {list(hidden)!r} should hold whole numbers, e.g. [4, 4]")
        return ",".join(str(int(n)) for n in hidden)
    if isinstance(hidden, str):
        return hidden
    raise ValueError(f"hidden should be text such as '8' or '4,4', got {hidden!r}")


def _read_settings(settings):
    """(dict with every setting, None) or (None, Feedback) explaining what is wrong."""
    from ..playground import parse_hidden  # imported here: the app brings in ipywidgets

    if not isinstance(settings, dict):
        return None, wrong("settings should be a dict, e.g. {'hidden': '4', 'activation':"
                           " 'relu', 'optimizer': 'SGD', 'lr': 0.1, 'steps': 200}")
    allowed = set(DEFAULTS) | set(FIXED)
    unknown = sorted(str(k) for k in settings if k not in allowed)
    if unknown:
        return None, wrong(f"unknown setting(s) {', '.join(map(repr, unknown))}; use the names"
                           f" of the playground's controls: {', '.join(sorted(DEFAULTS))}")
    for key, value in FIXED.items():
        if key in settings and settings[key] != value:
            return None, wrong(f"this exercise keeps {key} = {value!r}; leave it out of"
                               " settings (you may change everything else)")
    s = {**DEFAULTS, **settings}
    try:
        s["hidden"] = _hidden_text(s["hidden"])
        sizes = parse_hidden(s["hidden"])
    except ValueError as e:
        return None, wrong(str(e))
    if s["activation"] not in ACTIVATIONS:
        return None, wrong(f"activation {s['activation']!r} is not one of"
                           f" {', '.join(ACTIVATIONS)}")
    if s["optimizer"] not in OPTIMIZERS:
        return None, wrong(f"optimizer {s['optimizer']!r} is not one of"
                           f" {', '.join(OPTIMIZERS)}")
    lr = s["lr"]
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not 1e-4 <= lr <= 10:
        return None, wrong(f"lr should be a number between 0.0001 and 10 (the slider's range),"
                           f" got {lr!r}")
    s["batch_size"] = 0 if s["batch_size"] is None else s["batch_size"]
    if s["batch_size"] not in BATCH_SIZES:
        return None, wrong(f"batch_size should be one of {BATCH_SIZES} (0 = full batch), got"
                           f" {s['batch_size']!r}")
    steps = s["steps"]
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 1:
        return None, wrong(f"steps should be a positive whole number, got {steps!r}")
    s["sizes"] = sizes
    return s, None


def train_settings(settings):
    """Build a TrainingPlayground on circles with `settings`, train it; return the app.

    `settings` must already be read by `_read_settings` (every key present).
    """
    from ..playground import TrainingPlayground

    pg = TrainingPlayground(dataset=FIXED["dataset"], noise=FIXED["noise"],
                            hidden=settings["hidden"], activation=settings["activation"],
                            optimizer=settings["optimizer"], lr=float(settings["lr"]),
                            batch_size=settings["batch_size"], steps=int(settings["steps"]),
                            seed=FIXED["seed"])
    pg.train()
    return pg


def check_circles_settings(settings):
    """Exercise 9.2: >= 95% test accuracy on circles with SGD, <= 8 hidden units, <= 200 steps.

    settings: a dict with some of the keys hidden, activation, optimizer, lr, batch_size,
    steps (the rest default to DEFAULTS). The checker trains the playground with them.
    """
    try:
        if is_unattempted(settings):
            return not_attempted("settings")
        s, problem = _read_settings(settings)
        if problem is not None:
            return problem
        if s["optimizer"] != OPTIMIZER:
            return wrong(f"This exercise is about plain SGD: set 'optimizer': 'SGD' (you chose"
                         f" {s['optimizer']!r}). What can you change instead to make SGD fast"
                         " enough?")
        units = sum(s["sizes"])
        if units > MAX_UNITS:
            return wrong(f"{s['hidden']!r} has {units} hidden units; at most {MAX_UNITS} in"
                         " total are allowed here (e.g. '8', '4,4' or '3').")
        if s["steps"] > MAX_STEPS:
            return wrong(f"At most {MAX_STEPS} steps, please (you asked for {s['steps']}).")
        pg = train_settings(s)
        return _verdict(pg, s)
    except Exception as e:  # a checker never crashes the notebook
        return checker_error(e, "your settings")


def _verdict(pg, s):
    h = pg.history
    train, test = pg.train_accuracy(), pg.test_accuracy()
    net = f"hidden {s['hidden']} {s['activation']}" if s["sizes"] else "no hidden layer"
    report = (f"With {net}, SGD lr={s['lr']:g}, {h.final_step} steps: train accuracy"
              f" {train:.1%}, test accuracy {test:.1%}.")
    if test >= TARGET and not h.diverged:
        return correct(f"{report} That clears {TARGET:.0%}. The learning rate is the knob"
                       " that matters most for plain SGD.")
    if h.diverged:
        return wrong(f"{report} Training diverged: {h.message}.")
    if not s["sizes"]:
        return wrong(f"{report} Without a hidden layer the boundary is a straight line, which"
                     " cannot separate a circle from a ring.")
    if s["activation"] == "linear":
        return wrong(f"{report} With the linear activation the network is linear, whatever its"
                     " layers: its boundary is a straight line. Choose relu or tanh.")
    if s["sizes"][0] < 3:
        return wrong(f"{report} With relu or tanh, each unit of the first hidden layer"
                     " contributes one straight edge to the boundary; a closed shape around"
                     " the inner circle needs at least 3 of them.")
    if train - test > 0.1 and train >= TARGET:
        return wrong(f"{report} The network fits the training points much better than the"
                     " test points; a smaller network or fewer steps may generalize better.")
    first, last = h.loss[0], h.loss[-1]
    if last >= first:
        return wrong(f"{report} The loss did not go down (from {first:.3f} to {last:.3f}):"
                     " the steps are so large that they overshoot, and relu units may have"
                     " died on the way. Try a smaller learning rate.")
    if last > 0.5 * first and _larger_lr_helps(s, last):
        more = " (or more steps)" if s["steps"] < MAX_STEPS else ""
        return wrong(f"{report} The loss went only from {first:.3f} to {last:.3f}: the"
                     " network is learning too slowly. Plain SGD often needs a much larger"
                     f" learning rate than Adam: try a few times more than {s['lr']:g}{more}.")
    if train < TARGET:
        other = ", tanh instead of relu (a relu unit can die)," if s["activation"] == "relu" \
            else ", another activation"
        steps = f" more steps (up to {MAX_STEPS})," if s["steps"] < MAX_STEPS else ""
        return wrong(f"{report} The network does not fit even the training points yet: it"
                     f" underfits. Try{steps} another learning rate{other} or another layout"
                     " of the hidden units.")
    return wrong(f"{report} Close, but not {TARGET:.0%} yet: try another learning rate, or a"
                 " different activation or layer layout.")


def _larger_lr_helps(s, last):
    """True when 3 times the learning rate really ends at a clearly lower loss: the check
    behind the hint "learning too slowly" (with few relu units the cause may be dead
    units instead, which a larger step does not cure)."""
    for factor in (3, 10):
        lr = min(factor * s["lr"], 10)
        if lr <= s["lr"]:
            return False
        history = train_settings({**s, "lr": lr}).history
        if not history.diverged and history.loss[-1] < 0.8 * last:
            return True
    return False


# ---- exercise 9.3: noise and a big network ----

NOISE_CHOICES = {
    "a": "train and test accuracy both stay near 100%: a bigger network handles noise better",
    "b": "train accuracy stays high, test accuracy drops: the gap between them grows",
    "c": "train and test accuracy drop by the same amount: the noise hurts both alike",
}
NOISE_ANSWER = "b"


@never_raises
def check_noise_prediction(answer):
    """Exercise 9.3: which letter of NOISE_CHOICES describes "64,64" at noise 0.3."""
    choice, problem = letter(answer, NOISE_CHOICES, "noise_answer")
    if problem is not None:
        return problem
    if choice == NOISE_ANSWER:
        return correct("Right: a big network can bend its boundary around noisy training"
                       " points (it memorizes them), but those bends are wrong for new"
                       " points. Train accuracy stays high, test accuracy falls:"
                       " overfitting.")
    why = {
        "a": "with noise, some points of one class sit inside the other class's region."
             " A big network can still fit the training points, but only with bends"
             " that new points do not follow: test accuracy falls.",
        "c": "the network sees only the training points, and a big one can fit even the"
             " noisy ones, so train accuracy stays high. The test points were never"
             " seen, so they pay for the contorted boundary.",
    }[choice]
    return wrong(f"Not {choice}: {why}")
