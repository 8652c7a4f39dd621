"""Learning-rate schedules: change the optimizer's `lr` as training goes on.

A schedule is built on an optimizer, sets `optimizer.lr` at once, and moves it on by one
step each time you call `scheduler.step()`, once after every `optimizer.step()`:

    opt = SGD(model.parameters(), lr=0.1)
    sched = CosineAnnealingLR(opt, T_max=100)
    for t in range(100):
        ...; loss.backward(); opt.step()
        sched.step()

The five schedules are named, take the same arguments and give the same learning rates as
torch.optim.lr_scheduler (tests/test_schedulers.py compares 200 steps to 1e-12). Here t
is the number of `step()` calls so far (torch's `last_epoch`) and lr_0 the optimizer's
learning rate when the schedule was built:

    StepLR             lr_0 gamma^floor(t / step_size)
    ExponentialLR      lr_0 gamma^t
    CosineAnnealingLR  eta_min + (lr_0 - eta_min) (1 + cos(pi t / T_max)) / 2
    LinearLR           lr_0 (start_factor + (end_factor - start_factor) min(t, total_iters)
                            / total_iters)                                 (a warm-up)
    OneCycleLR         up from max_lr / div_factor to max_lr, then down to a tiny lr

One difference from torch: each lr is computed from t (the closed form above), so an lr
set by hand between steps is replaced at the next `step()`, and two schedules stepping
the same optimizer do not combine (the last `step()` wins); torch's schedules multiply
whatever lr the optimizer holds. A schedule built on an optimizer that an earlier schedule
has already changed starts from the lr you gave the optimizer (`optimizer.initial_lr`),
where torch's would start from the changed one. On a fresh optimizer with one schedule
the two give the same numbers.

Introduced with the digits lessons (learning-rate schedules); `digit_plots.plot_lr_schedule`
draws lr against step.
"""

import math
import numbers

from .optim import SGD, Optimizer
from .value import Value


class LRScheduler:
    """Base class: holds the optimizer, the step count and the first learning rate.

    A subclass writes `lr_at(t)`, the learning rate after t calls of `step()`.
    """

    def __init__(self, optimizer):
        _check_optimizer(type(self).__name__, optimizer)
        self.optimizer = optimizer
        # lr_0: the lr you gave the optimizer (when it was built, or by opt.lr = ...), not
        # one that an earlier schedule left behind: a schedule built again (a notebook
        # cell run twice) starts from the same lr.
        self.base_lr = optimizer.initial_lr
        self.last_epoch = 0  # t: the number of step() calls so far
        self._set_lr(self.lr_at(0))

    def lr_at(self, t):
        """The learning rate after t calls of `step()`."""
        raise NotImplementedError(f"{type(self).__name__} must define lr_at(self, t).")

    def step(self):
        """Move on by one step; call it once after every `optimizer.step()`."""
        self.last_epoch += 1
        self._set_lr(self.lr_at(self.last_epoch))

    def get_last_lr(self):
        """[lr]: the learning rate the next optimizer step uses (a list, as in torch)."""
        return [self._last_lr]

    def _set_lr(self, lr):
        # A schedule may reach lr = 0 (cosine annealing to eta_min=0), which the optimizer's
        # lr setter refuses as a learner's slip; so it is written directly.
        self.optimizer._lr = float(lr)
        self._last_lr = float(lr)

    def __repr__(self):
        return (f"{type(self).__name__}(step {self.last_epoch}, "
                f"lr={self._last_lr:.4g}, base lr={self.base_lr:.4g})")


class StepLR(LRScheduler):
    """lr = lr_0 gamma^floor(t / step_size): multiply by gamma every step_size steps.

    Defaults as torch: gamma=0.1.
    """

    def __init__(self, optimizer, step_size, gamma=0.1):
        self.step_size = _positive_int("StepLR", "step_size", step_size)
        self.gamma = _number("StepLR", "gamma", gamma, "> 0", lambda x: x > 0)
        super().__init__(optimizer)

    def lr_at(self, t):
        return self.base_lr * self.gamma ** (t // self.step_size)


class ExponentialLR(LRScheduler):
    """lr = lr_0 gamma^t: multiply by gamma at every step."""

    def __init__(self, optimizer, gamma):
        self.gamma = _number("ExponentialLR", "gamma", gamma, "> 0", lambda x: x > 0)
        super().__init__(optimizer)

    def lr_at(self, t):
        return self.base_lr * self.gamma**t


class CosineAnnealingLR(LRScheduler):
    """lr = eta_min + (lr_0 - eta_min) (1 + cos(pi t / T_max)) / 2.

    Half a cosine from lr_0 down to eta_min in T_max steps: slow at first, fast in the
    middle, slow again at the end. Past T_max it climbs back up, as torch's does.
    Defaults as torch: eta_min=0.
    """

    def __init__(self, optimizer, T_max, eta_min=0.0):
        self.T_max = _positive_int("CosineAnnealingLR", "T_max", T_max)
        self.eta_min = _number("CosineAnnealingLR", "eta_min", eta_min, ">= 0", lambda x: x >= 0)
        super().__init__(optimizer)

    def lr_at(self, t):
        return self.eta_min + (self.base_lr - self.eta_min) * (
            1 + math.cos(math.pi * t / self.T_max)) / 2


class LinearLR(LRScheduler):
    """lr = lr_0 (start_factor + (end_factor - start_factor) min(t, total_iters) / total_iters).

    A straight line from lr_0 start_factor to lr_0 end_factor in total_iters steps, then
    constant: with the defaults a warm-up from lr_0 / 3 to lr_0 over 5 steps.
    Defaults as torch: start_factor=1/3, end_factor=1, total_iters=5.
    """

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5):
        self.start_factor = _number("LinearLR", "start_factor", start_factor, "in (0, 1]",
                                    lambda x: 0 < x <= 1)
        self.end_factor = _number("LinearLR", "end_factor", end_factor, "in [0, 1]",
                                  lambda x: 0 <= x <= 1)
        self.total_iters = _positive_int("LinearLR", "total_iters", total_iters)
        super().__init__(optimizer)

    def lr_at(self, t):
        done = min(t, self.total_iters) / self.total_iters
        return self.base_lr * (self.start_factor + (self.end_factor - self.start_factor) * done)


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith, 2018): warm up to max_lr, then anneal far below the start.

    With T = total_steps (or epochs * steps_per_epoch), a = pct_start T - 1 and
    initial = max_lr / div_factor, min = initial / final_div_factor:
        t <= a:  from initial up to max_lr    (fraction p = t / a of the way)
        t > a:   from max_lr down to min      (p = (t - a) / (T - 1 - a))
    each move following half a cosine, start + (end - start) (1 - cos(pi p)) / 2, or a
    straight line with anneal_strategy="linear". three_phase=True comes back down to
    initial by 2a and only then anneals to min, as in torch.

    The optimizer's own lr is ignored: the cycle sets it. `step()` may be called T
    times, once per optimizer step (step T - 1 has lr = min); one more is an error.

    Momentum cycling (cycle_momentum=True, torch's default): momentum (SGD, RMSprop) or
    beta1 (Adam, AdamW) runs the other way, from max_momentum down to base_momentum
    while the lr rises, and back up while it falls. Pass cycle_momentum=False to leave
    the momentum alone (needed for Adagrad, which has none).

    Defaults as torch: pct_start=0.3, anneal_strategy="cos", cycle_momentum=True,
    base_momentum=0.85, max_momentum=0.95, div_factor=25, final_div_factor=1e4,
    three_phase=False.
    """

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None,
                 pct_start=0.3, anneal_strategy="cos", cycle_momentum=True, base_momentum=0.85,
                 max_momentum=0.95, div_factor=25.0, final_div_factor=1e4, three_phase=False):
        name = "OneCycleLR"
        _check_optimizer(name, optimizer)
        self.max_lr = _number(name, "max_lr", max_lr, "> 0", lambda x: x > 0)
        if total_steps is not None:
            self.total_steps = _positive_int(name, "total_steps", total_steps)
        elif epochs is not None and steps_per_epoch is not None:
            self.total_steps = (_positive_int(name, "epochs", epochs)
                                * _positive_int(name, "steps_per_epoch", steps_per_epoch))
        else:
            raise ValueError(f"{name}: give total_steps, or both epochs and steps_per_epoch "
                             "(total_steps = epochs * steps_per_epoch); e.g. "
                             "OneCycleLR(opt, max_lr=0.1, total_steps=1000).")
        self.pct_start = _number(name, "pct_start", pct_start, "in [0, 1]", lambda x: 0 <= x <= 1)
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"{name}: anneal_strategy must be 'cos' or 'linear', "
                             f"got {anneal_strategy!r}.")
        self.anneal_strategy = anneal_strategy
        self.div_factor = _number(name, "div_factor", div_factor, "> 0", lambda x: x > 0)
        self.final_div_factor = _number(name, "final_div_factor", final_div_factor, "> 0",
                                        lambda x: x > 0)
        self.three_phase = bool(three_phase)
        self.cycle_momentum = bool(cycle_momentum)
        self.base_momentum = _number(name, "base_momentum", base_momentum, "in [0, 1)",
                                     lambda x: 0 <= x < 1)
        self.max_momentum = _number(name, "max_momentum", max_momentum, "in [0, 1)",
                                    lambda x: 0 <= x < 1)
        if self.cycle_momentum and not (hasattr(optimizer, "momentum")
                                        or hasattr(optimizer, "betas")):
            raise ValueError(f"{name}: cycle_momentum=True needs an optimizer with momentum "
                             f"(SGD, RMSprop) or betas (Adam, AdamW), got "
                             f"{type(optimizer).__name__}; pass cycle_momentum=False.")
        self.initial_lr = self.max_lr / self.div_factor
        self.min_lr = self.initial_lr / self.final_div_factor
        a = self.pct_start * self.total_steps - 1
        # (last step of the phase, lr from, lr to, momentum from, momentum to)
        low, high = self.max_momentum, self.base_momentum
        if self.three_phase:
            self.phases = [(a, self.initial_lr, self.max_lr, low, high),
                           (2 * a, self.max_lr, self.initial_lr, high, low),
                           (self.total_steps - 1, self.initial_lr, self.min_lr, low, low)]
        else:
            self.phases = [(a, self.initial_lr, self.max_lr, low, high),
                           (self.total_steps - 1, self.max_lr, self.min_lr, high, low)]
        super().__init__(optimizer)
        self._set_momentum(0)

    def _phase(self, t):
        """(from, to, fraction done) of the lr and momentum moves at step t."""
        if t > self.total_steps:
            raise ValueError(
                f"OneCycleLR: step() was called {t} times, but the cycle was built for "
                f"total_steps={self.total_steps}; build it with total_steps >= the number of "
                "optimizer steps (as torch, one call per optimizer step is allowed).")
        start = 0.0
        for i, (end, *moves) in enumerate(self.phases):
            if t <= end or i == len(self.phases) - 1:
                return moves, (t - start) / (end - start)
            start = end

    def _anneal(self, start, end, p):
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * p) + 1)
        return (end - start) * p + start

    def lr_at(self, t):
        (lr_from, lr_to, _, _), p = self._phase(t)
        return self._anneal(lr_from, lr_to, p)

    def step(self):
        super().step()
        self._set_momentum(self.last_epoch)

    def _set_momentum(self, t):
        if not self.cycle_momentum:
            return
        (_, _, m_from, m_to), p = self._phase(t)
        m = self._anneal(m_from, m_to, p)
        if hasattr(self.optimizer, "betas"):
            self.optimizer.betas = (m, self.optimizer.betas[1])
        else:
            self.optimizer.momentum = m


def lr_curve(make_scheduler, steps, lr=0.1):
    """The learning rates of optimizer steps 1..steps under a schedule, as a list.

    make_scheduler(optimizer) -> scheduler, e.g. `lambda opt: StepLR(opt, step_size=30)`;
    it is built on a throw-away SGD with learning rate `lr`, so no model is touched.
    """
    if not callable(make_scheduler) or isinstance(make_scheduler, LRScheduler):
        raise TypeError("lr_curve: pass a function that builds the schedule from an optimizer,"
                        " e.g. lambda opt: StepLR(opt, step_size=30), got "
                        f"{type(make_scheduler).__name__}")
    steps = _positive_int("lr_curve", "steps", steps)
    scheduler = make_scheduler(SGD([Value(0.0)], lr=lr))
    if not isinstance(scheduler, LRScheduler):
        raise TypeError(f"lr_curve: make_scheduler(optimizer) returned a "
                        f"{type(scheduler).__name__}, not a schedule such as StepLR")
    lrs = []
    for _ in range(steps):
        lrs.append(scheduler.get_last_lr()[0])
        scheduler.step()
    return lrs


def _check_optimizer(name, optimizer):
    if not isinstance(optimizer, Optimizer):
        hint = ("you passed the parameters; build the optimizer first: "
                f"opt = SGD(model.parameters(), lr=0.1), then {name}(opt, ...)"
                if isinstance(optimizer, (list, tuple)) or hasattr(optimizer, "__next__")
                else f"build one first, e.g. opt = SGD(model.parameters(), lr=0.1), "
                     f"then {name}(opt, ...)")
        raise TypeError(f"{name} needs a backproplab optimizer (SGD, Adam, ...) whose lr it "
                        f"sets, got {type(optimizer).__name__}; {hint}.")


def _positive_int(where, name, n):
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"{where}: {name} must be a positive integer (a number of steps), "
                         f"got {n!r}.")
    return int(n)


def _number(where, name, x, rule, allowed):
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{where}: {name} must be a number, got {x!r} ({type(x).__name__}).")
    x = float(x)
    if not math.isfinite(x) or not allowed(x):
        raise ValueError(f"{where}: {name} must be {rule}, got {x}.")
    return x
