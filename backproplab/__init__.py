"""backproplab: learn backpropagation by building it and watching it work.

The engines (`Value` for scalars, `Tensor` for numpy arrays) and gradient checking
are importable from the top level; the rest lives in submodules:
`backproplab.nn`, `backproplab.optim`, `backproplab.schedulers`, `backproplab.data`,
`backproplab.train`.
`check_setup()` (lesson 00) says whether everything the lessons need is installed;
`backproplab lessons DEST` (backproplab.cli) copies the lessons into a folder you own.
"""

from .autodiff import topological_sort
from .combine import concatenate, stack, where
from .functional import cross_entropy, log_softmax, softmax
from .gradcheck import gradcheck, numerical_grad
from .setup_check import check_setup
from .tensor import Tensor, unbroadcast
from .value import Value

__version__ = "0.1.0"

__all__ = [
    "Tensor",
    "Value",
    "check_setup",
    "concatenate",
    "cross_entropy",
    "gradcheck",
    "log_softmax",
    "numerical_grad",
    "softmax",
    "stack",
    "topological_sort",
    "unbroadcast",
    "where",
]
