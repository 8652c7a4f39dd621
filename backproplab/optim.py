"""Optimizers: turn gradients into parameter updates.

Each one is the algorithm that `torch.optim` documents, with the same defaults, and agrees
with PyTorch to 1e-12 in float64 (tests/test_optim.py checks it against torch).

A parameter is anything with `.data` and `.grad`: a `Value` (floats) or a `Tensor`
(numpy arrays). `step()` replaces `p.data` by a new float or array of the same dtype and
never touches `p.grad`; a parameter whose grad is `None` is skipped, as in PyTorch. A new
optimizer is one method, the update of one parameter:

    class MySGD(Optimizer):
        def update(self, data, grad, state):
            return data - self.lr * grad

In the docstrings theta is a parameter, g its gradient, t the step number (1 on the
first step), lr the learning rate and lambda the weight decay.

Every optimizer takes `maximize=False` as torch does: with `maximize=True` it climbs,
using -g in place of g. The other options of torch.optim that only choose an
implementation (`foreach`, `fused`, `capturable`, `differentiable`) are accepted when
spelled with their default value, so code written for torch runs unchanged; there is
one implementation here, so any other value is an error that says so.
"""

import math
import numbers

import numpy as np

# torch.optim options that pick an implementation, not the math, and their defaults.
_IMPLEMENTATION_OPTIONS = {"foreach": None, "fused": None, "capturable": False,
                           "differentiable": False}

# What each check allows; the key is also the wording of the error message.
_ALLOWED = {
    "> 0": lambda x: x > 0,
    ">= 0": lambda x: x >= 0,
    "in [0, 1)": lambda x: 0 <= x < 1,
    "in [0, 1]": lambda x: 0 <= x <= 1,
}


def _check(opt, name, value, allowed):
    """Return hyperparameter `value` as a float, or raise naming `opt`, `name` and the rule."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{opt}: {name} must be a number, got {value!r} ({type(value).__name__}).")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{opt}: {name} must be a finite number, got {value}.")
    if not _ALLOWED[allowed](value):
        raise ValueError(f"{opt}: {name} must be {allowed}, got {value}.")
    return value


def _check_flag(opt, name, value):
    """Return a bool option such as `maximize`, or raise naming `opt` and `name`."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{opt}: {name} must be True or False, got {value!r} "
                        f"({type(value).__name__}).")
    return bool(value)


def _check_eps(opt, eps):
    """eps > 0: with eps = 0 a weight whose gradient has been 0 so far gets 0 / 0 = NaN."""
    eps = _check(opt, "eps", eps, ">= 0")
    if eps == 0:
        raise ValueError(f"{opt}: eps must be > 0, got 0.0: the update divides by "
                         "sqrt(v) + eps, and v is 0 for any weight whose gradient has been 0 "
                         "so far, so eps=0 gives 0 / 0 = NaN; keep the default or try 1e-8.")
    return eps


def _check_implementation(opt, options):
    """Accept torch's implementation options (foreach, fused, ...) at their defaults."""
    for name, value in options.items():
        if name not in _IMPLEMENTATION_OPTIONS:
            raise TypeError(f"{opt} got an unexpected option {name}={value!r}; "
                            f"see help({opt}) for the options it takes.")
        default = _IMPLEMENTATION_OPTIONS[name]
        if value is not default and not (name == "foreach" and value is False):
            raise ValueError(f"{opt}: {name}={value!r} is a torch implementation choice; "
                             f"backproplab has one implementation, so leave {name} at its "
                             f"default ({default!r}).")


def _sqrt(x):
    """Square root that keeps a Python float a Python float (Value.data stays a float)."""
    return np.sqrt(x) if isinstance(x, np.ndarray) else math.sqrt(x)


def _zeros_like(x):
    """0.0 for a float, an array of zeros (same shape and dtype) for an array."""
    return np.zeros_like(x) if isinstance(x, np.ndarray) else 0.0


def _copy(x):
    """A copy of a gradient to keep in the state: the engine may later add to p.grad in place."""
    return x.copy() if isinstance(x, np.ndarray) else x


class Optimizer:
    """Base class: holds the parameters, their state, and the learning rate.

    `self.params` is the list of parameters; `self.state[i]` is a dict of what the
    optimizer remembers about `self.params[i]` (a momentum buffer, a step count...),
    empty until that parameter's first update. `self.lr` may be changed between steps.
    A subclass writes `update(data, grad, state)` and lists its settings, for `repr`,
    in `hyperparameter_names`; its on/off options (`maximize`, `amsgrad`...) go in
    `flag_names` and show in `repr` only when switched on.
    """

    hyperparameter_names = ("lr",)
    flag_names = ("maximize",)

    def __init__(self, params, lr, maximize=False):
        name = type(self).__name__
        if hasattr(params, "data") and hasattr(params, "grad"):
            raise TypeError(f"{name} expects a list of parameters, got a single "
                            f"{type(params).__name__}; wrap it in a list: {name}([p], ...).")
        try:
            params = list(params)
        except TypeError:
            raise TypeError(f"{name} expects an iterable of parameters (e.g. "
                            f"model.parameters()), got {type(params).__name__}.") from None
        if not params:
            raise ValueError(f"{name} got an empty list of parameters, so there is nothing to "
                             "optimize. Did model.parameters() return nothing, or was a "
                             "generator already used up?")
        seen = set()
        for i, p in enumerate(params):
            if not (hasattr(p, "data") and hasattr(p, "grad")):
                raise TypeError(f"{name}: parameter {i} is a {type(p).__name__}, which has no "
                                ".data and .grad; pass Value or Tensor objects, e.g. "
                                "model.parameters().")
            if id(p) in seen:
                raise ValueError(f"{name}: parameter {i} appears twice in the list and would be "
                                 "updated twice per step; pass each parameter once.")
            seen.add(id(p))
        self.params = params
        self.state = [{} for _ in params]
        self.lr = lr
        self.maximize = _check_flag(name, "maximize", maximize)

    @property
    def lr(self):
        """The learning rate that the next `step()` uses."""
        return self._lr

    @lr.setter
    def lr(self, value):
        self._lr = _check(type(self).__name__, "lr", value, "> 0")
        # the lr you chose: a learning-rate schedule starts from it (schedulers.py), and
        # writes `_lr` directly, so what it sets never lands here
        self.initial_lr = self._lr

    def zero_grad(self, set_to_none=False):
        """Forget the gradients before the next backward pass (backward adds to them).

        set_to_none=False (our default): every gradient becomes zero (0.0, or zeros of the
        grad's shape); a `None` grad stays `None`. set_to_none=True (torch's default):
        every Tensor's grad becomes `None`.

        Why our default differs from torch's: learners print `p.grad` after zero_grad and
        expect to see zeros, and a `Value`'s backward adds into its grad (`grad += ...`),
        which needs a number. The difference matters in one place: `step()` skips a
        parameter whose grad is None, but a zero gradient still moves it when the
        optimizer has momentum (or weight decay). `Value` parameters cannot be set to
        None: that is an error.
        """
        set_to_none = _check_flag(type(self).__name__, "set_to_none", set_to_none)
        if set_to_none:
            for i, p in enumerate(self.params):
                if not isinstance(p.grad, np.ndarray) and p.grad is not None:
                    raise TypeError(
                        f"{type(self).__name__}.zero_grad(set_to_none=True): parameter {i} is "
                        f"a {type(p).__name__} whose grad is a number; its backward adds into "
                        "grad and cannot add to None. Use zero_grad() (set_to_none=False).")
        for p in self.params:
            if set_to_none:
                p.grad = None
            elif isinstance(p.grad, np.ndarray):
                p.grad = np.zeros_like(p.grad)
            elif p.grad is not None:
                p.grad = 0.0

    def step(self):
        """Update every parameter that has a gradient: `p.data = update(p.data, p.grad, ...)`."""
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            data, grad = p.data, p.grad
            if np.shape(grad) != np.shape(data):
                raise ValueError(f"{type(self).__name__}: parameter {i} has data of shape "
                                 f"{np.shape(data)} but grad of shape {np.shape(grad)}; "
                                 "they must match.")
            if isinstance(data, np.ndarray):
                grad = np.asarray(grad, dtype=data.dtype)  # so that float32 stays float32
            if self.maximize:
                grad = -grad  # climb: as torch, before weight decay and every buffer
            p.data = self.update(data, grad, self.state[i])

    def update(self, data, grad, state):
        """Return the new value of one parameter; `state` is this parameter's dict."""
        raise NotImplementedError(
            f"{type(self).__name__} must define update(self, data, grad, state).")

    def hyperparameters(self):
        """The settings named in `hyperparameter_names` and `flag_names`, as a dict."""
        names = self.hyperparameter_names + self.flag_names
        return {name: getattr(self, name) for name in names}

    def __repr__(self):
        shown = self.hyperparameter_names + tuple(f for f in self.flag_names if getattr(self, f))
        args = ", ".join(f"{k}={getattr(self, k)!r}" for k in shown)
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum (heavy ball or Nesterov).

    At step t:
        g <- g + lambda theta                            if weight_decay != 0
        b <- g                          (t = 1)          if momentum != 0
        b <- momentum b + (1 - dampening) g   (t > 1)
        g <- g + momentum b  if nesterov,  else  g <- b
        theta <- theta - lr g

    Plain SGD steps straight downhill and zig-zags across narrow valleys. Momentum fixes
    that: b is a running sum of past gradients, so components that flip sign cancel while a
    steady slope builds up speed (up to 1 / (1 - momentum) times). Nesterov adds the
    gradient to a step already taken along b: a look-ahead that damps overshooting.

    Defaults as torch.optim.SGD: lr=1e-3, momentum=0, dampening=0, weight_decay=0,
    nesterov=False (which needs momentum > 0 and dampening = 0), maximize=False.
    """

    hyperparameter_names = ("lr", "momentum", "dampening", "weight_decay", "nesterov")

    def __init__(self, params, lr=1e-3, *, momentum=0.0, dampening=0.0, weight_decay=0.0,
                 nesterov=False, maximize=False, **implementation):
        _check_implementation("SGD", implementation)
        super().__init__(params, lr, maximize)
        self.momentum = _check("SGD", "momentum", momentum, ">= 0")
        self.dampening = _check("SGD", "dampening", dampening, "in [0, 1]")
        self.weight_decay = _check("SGD", "weight_decay", weight_decay, ">= 0")
        if nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError(f"SGD: nesterov=True needs momentum > 0 and dampening = 0, got "
                             f"momentum={self.momentum} and dampening={self.dampening}.")
        self.nesterov = _check_flag("SGD", "nesterov", nesterov)

    def update(self, data, grad, state):
        g = grad
        if self.weight_decay != 0:
            g = g + self.weight_decay * data
        if self.momentum != 0:
            if "momentum_buffer" not in state:
                b = _copy(g)  # the first buffer is g itself, without (1 - dampening)
            else:
                b = self.momentum * state["momentum_buffer"] + (1 - self.dampening) * g
            state["momentum_buffer"] = b
            g = g + self.momentum * b if self.nesterov else b
        return data - self.lr * g


class RMSprop(Optimizer):
    """RMSprop: divide the gradient by a running root-mean-square of recent gradients.

    At step t, with v = 0, a = 0 and b = 0 at the start:
        g <- g + lambda theta                            if weight_decay != 0
        v <- alpha v + (1 - alpha) g^2
        a <- alpha a + (1 - alpha) g,   v~ = v - a^2     if centered, else v~ = v
        b <- momentum b + g / (sqrt(v~) + eps),  theta <- theta - lr b     if momentum > 0
        theta <- theta - lr g / (sqrt(v~) + eps)                           otherwise

    SGD uses one step size for all coordinates. RMSprop fixes that: coordinates with large
    gradients take smaller steps, those with small gradients larger ones. v gets no bias
    correction, so the first step is about lr sign(g) / sqrt(1 - alpha): 10 lr for 0.99.
    Centered RMSprop divides by the running *variance* v - a^2 instead (a is the running
    mean of g), so a steady gradient no longer counts as noise.

    Defaults as torch.optim.RMSprop: lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0,
    momentum=0, centered=False, maximize=False.
    """

    hyperparameter_names = ("lr", "alpha", "eps", "weight_decay", "momentum")
    flag_names = ("centered", "maximize")

    def __init__(self, params, lr=1e-2, *, alpha=0.99, eps=1e-8, weight_decay=0.0,
                 momentum=0.0, centered=False, maximize=False, **implementation):
        _check_implementation("RMSprop", implementation)
        super().__init__(params, lr, maximize)
        self.alpha = _check("RMSprop", "alpha", alpha, "in [0, 1)")
        self.eps = _check_eps("RMSprop", eps)
        self.weight_decay = _check("RMSprop", "weight_decay", weight_decay, ">= 0")
        self.momentum = _check("RMSprop", "momentum", momentum, ">= 0")
        self.centered = _check_flag("RMSprop", "centered", centered)

    def update(self, data, grad, state):
        if not state:
            state["square_avg"] = _zeros_like(data)  # v
            if self.momentum > 0:
                state["momentum_buffer"] = _zeros_like(data)  # b
            if self.centered:
                state["grad_avg"] = _zeros_like(data)  # a
        g = grad
        if self.weight_decay != 0:
            g = g + self.weight_decay * data
        v = self.alpha * state["square_avg"] + (1 - self.alpha) * g * g
        state["square_avg"] = v
        if self.centered:
            # a moves the fraction (1 - alpha) of the way to g (torch's lerp)
            a = state["grad_avg"] + (1 - self.alpha) * (g - state["grad_avg"])
            state["grad_avg"] = a
            v = v - a * a
        avg = _sqrt(v) + self.eps
        if self.momentum > 0:
            b = self.momentum * state["momentum_buffer"] + g / avg
            state["momentum_buffer"] = b
            return data - self.lr * b
        return data - self.lr * g / avg


class Adam(Optimizer):
    """Adam: momentum (first moment m) and RMSprop scaling (second moment v), bias-corrected.

    At step t, with m = 0 and v = 0 at the start:
        g <- g + lambda theta                            if weight_decay != 0
        m <- beta1 m + (1 - beta1) g
        v <- beta2 v + (1 - beta2) g^2
        m_hat = m / (1 - beta1^t),   v_hat = v / (1 - beta2^t)
        theta <- theta - lr m_hat / (sqrt(v_hat) + eps)
    With amsgrad=True, v_hat uses the largest v seen so far (v_max <- max(v_max, v)), so
    the step size never grows back after a burst of large gradients.

    m and v start at 0, so in the first steps they are too small; dividing by (1 - beta^t)
    fixes that bias. The first step thus moves each coordinate by about lr sign(g), however
    large or small g is. Like torch, the code computes the last line as
        theta <- theta - (lr / (1 - beta1^t)) m / (sqrt(v) / sqrt(1 - beta2^t) + eps).

    Defaults as torch.optim.Adam: lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
    amsgrad=False, maximize=False, decoupled_weight_decay=False. The weight decay is added
    to the gradient (an L2 penalty); AdamW (or decoupled_weight_decay=True) decouples it.
    eps=0 is an error: it would give 0 / 0 = NaN for a weight whose gradient is still 0.
    """

    hyperparameter_names = ("lr", "betas", "eps", "weight_decay")
    flag_names = ("amsgrad", "maximize", "decoupled_weight_decay")

    def __init__(self, params, lr=1e-3, *, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 amsgrad=False, maximize=False, decoupled_weight_decay=False,
                 **implementation):
        name = type(self).__name__
        _check_implementation(name, implementation)
        super().__init__(params, lr, maximize)
        self.amsgrad = _check_flag(name, "amsgrad", amsgrad)
        self.decoupled_weight_decay = _check_flag(
            name, "decoupled_weight_decay", decoupled_weight_decay)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"{name}: betas must be a pair (beta1, beta2), got {betas!r}.")
        self.betas = (_check(name, "betas[0]", betas[0], "in [0, 1)"),
                      _check(name, "betas[1]", betas[1], "in [0, 1)"))
        self.eps = _check_eps(name, eps)
        self.weight_decay = _check(name, "weight_decay", weight_decay, ">= 0")

    def update(self, data, grad, state):
        beta1, beta2 = self.betas
        if not state:
            state["step"] = 0
            state["exp_avg"] = _zeros_like(data)  # m
            state["exp_avg_sq"] = _zeros_like(data)  # v
            if self.amsgrad:
                state["max_exp_avg_sq"] = _zeros_like(data)  # v_max
        state["step"] += 1
        t = state["step"]
        g = grad
        if self.weight_decay != 0:
            if self.decoupled_weight_decay:
                data = data * (1 - self.lr * self.weight_decay)
            else:
                g = g + self.weight_decay * data
        # m moves the fraction (1 - beta1) of the way to g: beta1 m + (1 - beta1) g, in the
        # form torch computes it (lerp)
        m = state["exp_avg"] + (1 - beta1) * (g - state["exp_avg"])
        v = beta2 * state["exp_avg_sq"] + (1 - beta2) * g * g
        state["exp_avg"], state["exp_avg_sq"] = m, v
        if self.amsgrad:
            v_max = state["max_exp_avg_sq"]
            v = np.maximum(v_max, v) if isinstance(v, np.ndarray) else max(v_max, v)
            state["max_exp_avg_sq"] = v
        bias_correction1 = 1 - beta1**t
        bias_correction2 = 1 - beta2**t
        step_size = self.lr / bias_correction1
        denom = _sqrt(v) / bias_correction2**0.5 + self.eps
        return data - step_size * m / denom


class AdamW(Adam):
    """AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    At step t:
        theta <- theta (1 - lr lambda)      shrink the weights first,
        then the Adam update of theta, with the gradient g as it is.

    In Adam the decay is added to g and then divided by sqrt(v_hat), so weights with large
    gradients are hardly decayed at all. AdamW fixes that by shrinking every weight by the
    same factor, outside the adaptive scaling.

    Defaults as torch.optim.AdamW: lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
    amsgrad=False, maximize=False.
    """

    flag_names = ("amsgrad", "maximize")

    def __init__(self, params, lr=1e-3, *, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, maximize=False, **implementation):
        _check_implementation("AdamW", implementation)  # AdamW has no decoupled_weight_decay
        super().__init__(params, lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize, decoupled_weight_decay=True,
                         **implementation)


class Adagrad(Optimizer):
    """Adagrad: divide the gradient by the root of the sum of all past squared gradients.

    At step t, with s = initial_accumulator_value at the start:
        g <- g + lambda theta                            if weight_decay != 0
        lr_t = lr / (1 + (t - 1) lr_decay)
        s <- s + g^2
        theta <- theta - lr_t g / (sqrt(s) + eps)

    Like RMSprop it fixes SGD's single step size: each coordinate gets its own, so those
    with small gradients still learn. The first step is about lr sign(g); as s only grows,
    later steps shrink, and training can stall (RMSprop and Adam average instead of sum).

    Defaults as torch.optim.Adagrad: lr=1e-2, lr_decay=0, weight_decay=0,
    initial_accumulator_value=0, eps=1e-10, maximize=False.
    """

    hyperparameter_names = ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def __init__(self, params, lr=1e-2, *, lr_decay=0.0, weight_decay=0.0,
                 initial_accumulator_value=0.0, eps=1e-10, maximize=False, **implementation):
        _check_implementation("Adagrad", implementation)
        super().__init__(params, lr, maximize)
        self.lr_decay = _check("Adagrad", "lr_decay", lr_decay, ">= 0")
        self.weight_decay = _check("Adagrad", "weight_decay", weight_decay, ">= 0")
        self.initial_accumulator_value = _check(
            "Adagrad", "initial_accumulator_value", initial_accumulator_value, ">= 0")
        self.eps = _check_eps("Adagrad", eps)

    def update(self, data, grad, state):
        if not state:
            state["step"] = 0
            state["sum"] = _zeros_like(data) + self.initial_accumulator_value  # s
        state["step"] += 1
        g = grad
        if self.weight_decay != 0:
            g = g + self.weight_decay * data
        lr_t = self.lr / (1 + (state["step"] - 1) * self.lr_decay)
        s = state["sum"] + g * g
        state["sum"] = s
        return data - lr_t * g / (_sqrt(s) + self.eps)


# Display name -> a learning rate that trains a small MLP (a few hundred weights, full
# batch, e.g. on make_moons) well in a few hundred steps: the widgets' starting value.
DEFAULT_LR = {
    "SGD": 0.1,
    "Momentum": 0.01,
    "Nesterov": 0.01,
    "RMSprop": 0.01,
    "Adam": 0.01,
    "AdamW": 0.01,
    "Adagrad": 0.1,
}

# Display name -> factory f(params, lr) -> Optimizer, for the widgets' menu.
OPTIMIZERS = {
    "SGD": lambda params, lr: SGD(params, lr),
    "Momentum": lambda params, lr: SGD(params, lr, momentum=0.9),
    "Nesterov": lambda params, lr: SGD(params, lr, momentum=0.9, nesterov=True),
    "RMSprop": lambda params, lr: RMSprop(params, lr),
    "Adam": lambda params, lr: Adam(params, lr),
    "AdamW": lambda params, lr: AdamW(params, lr),
    "Adagrad": lambda params, lr: Adagrad(params, lr),
}
