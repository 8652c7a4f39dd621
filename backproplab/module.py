"""`Module`: the base class of every model, and the checks its layers share.

A Module finds its parameters in its attributes (in the order they were set, lists
opened), zeroes their gradients, loads and saves them as one flat vector, and switches
between training and evaluation mode with `train()` / `eval()` for itself and every
module inside it. `nn.py` builds `Linear`, `MLP` and the Value twins on it,
`normalization.py` builds `BatchNorm1d` and `Dropout`.

Introduced in lesson 05 (a model is a Module with parameters).
"""

import numpy as np

from .tensor import Tensor
from .value import Value


class Module:
    """Base class: finds parameters in attributes, zeroes grads, calls `forward`.

    `training` is True until `eval()`; `train()` / `eval()` set it on the module and on
    every module inside it (BatchNorm1d and Dropout read it).
    """

    training = True

    def forward(self, x):
        raise NotImplementedError(f"{type(self).__name__} must define forward(x)")

    def __call__(self, x):
        return self.forward(x)

    def _attributes(self):
        """(name, value) of every attribute in the order it was set; lists are opened."""
        for name, attr in vars(self).items():
            if isinstance(attr, list):
                for i, item in enumerate(attr):
                    yield f"{name}.{i}", item
            else:
                yield name, attr

    def named_parameters(self, prefix=""):
        """(name, parameter) pairs in a stable order: attributes in the order they were set."""
        for name, item in self._attributes():
            if isinstance(item, Module):
                yield from item.named_parameters(f"{prefix}{name}.")
            elif isinstance(item, Value) or isinstance(item, Tensor) and item.requires_grad:
                yield prefix + name, item

    def parameters(self):
        return [p for _, p in self.named_parameters()]

    def modules(self):
        """This module and every module inside it, depth first."""
        yield self
        for _, item in self._attributes():
            if isinstance(item, Module):
                yield from item.modules()

    def train(self, mode=True):
        """Training mode (mode=True) or evaluation mode (False) for every module; returns self."""
        if not isinstance(mode, (bool, np.bool_)):
            raise TypeError(f"{type(self).__name__}.train: mode must be True or False, got "
                            f"{mode!r}; use model.train() or model.eval()")
        for m in self.modules():
            m.training = bool(mode)
        return self

    def eval(self):
        """Evaluation mode: BatchNorm1d uses its running statistics, Dropout does nothing."""
        return self.train(False)

    def zero_grad(self, set_to_none=False):
        """Set every parameter's grad to zero (backward() adds to it).

        set_to_none=True sets Tensor grads to None instead, as torch does by default (see
        `Optimizer.zero_grad` for why ours keeps zeros); Value grads stay numbers.
        """
        for p in self.parameters():
            if isinstance(p, Value):
                p.grad = 0.0
            else:
                p.grad = None if set_to_none else np.zeros_like(p.data)

    def num_parameters(self):
        return sum(1 if isinstance(p, Value) else p.data.size for p in self.parameters())

    def get_weights(self):
        """All parameters as one flat float64 vector, in `parameters()` order."""
        return np.array([v for p in self.parameters() for v in np.ravel(p.data)], dtype=float)

    def set_weights(self, vector):
        """Load a flat vector (as from `get_weights`, possibly of another model)."""
        vector = np.asarray(vector, dtype=float).ravel()
        if vector.size != self.num_parameters():
            raise ValueError(
                f"set_weights: {type(self).__name__} has {self.num_parameters()} parameters,"
                f" got a vector of {vector.size}"
            )
        i = 0
        for p in self.parameters():
            if isinstance(p, Value):
                p.data = float(vector[i])
                i += 1
            else:
                p.data = vector[i:i + p.data.size].reshape(p.shape).astype(p.data.dtype)
                i += p.data.size

    def extra_repr(self):
        return ""

    def __repr__(self):
        children = [
            f"  ({name}): " + repr(m).replace("\n", "\n  ")
            for name, m in self._attributes()
            if isinstance(m, Module)
        ]
        head = f"{type(self).__name__}({self.extra_repr()}"
        return head + ("\n" + "\n".join(children) + "\n)" if children else ")")


def rng_from_seed(seed, where):
    """A numpy Generator from a seed (an int >= 0, None for fresh randomness, or a Generator)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))
                             or seed < 0):
        raise ValueError(f"{where}: seed must be a non-negative integer (or a numpy Generator),"
                         f" got {seed!r}; try seed=0")
    return np.random.default_rng(seed)


def check_real(where, name, x, allowed, rule, hint=""):
    """x as a float if it is a real number and allowed(x), else an error naming `where`."""
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise TypeError(f"{where}: {name} must be a number, got {x!r} ({type(x).__name__})")
    if not np.isfinite(x) or not allowed(x):
        raise ValueError(f"{where}: {name} must be {rule}, got {x}" + (f"; {hint}" if hint else ""))
    return float(x)


def as_input(x, dtype):
    """x as a Tensor that needs no gradient (data in, not a parameter); a Tensor stays as is."""
    if isinstance(x, Tensor):
        return x
    return Tensor(x, dtype=dtype, requires_grad=False)


def check_size(where, name, n):
    """Raise unless n is a positive integer (a number of inputs, units or features)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{where}: {name} must be a positive integer, got {n!r}")
