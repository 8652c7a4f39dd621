"""Input features for the playground: what the network sees of a point (x₁, x₂).

TensorFlow Playground lets you feed a network x₁², x₁x₂ or sin x₁ besides x₁ and x₂;
with x₁² and x₂² a network without hidden layers separates the circles dataset, because
a circle x₁² + x₂² = r² is a straight line in those features. `FeatureMLP` is an `MLP`
that computes the chosen features of its 2-D input first, so `model(X)` and
`plot_decision_boundary(model, X, y)` take the points themselves (lesson 09).
"""

import numpy as np

from .nn import MLP
from .tensor import Tensor

FEATURES = {
    "x₁": lambda X: X[:, 0],
    "x₂": lambda X: X[:, 1],
    "x₁²": lambda X: X[:, 0] ** 2,
    "x₂²": lambda X: X[:, 1] ** 2,
    "x₁x₂": lambda X: X[:, 0] * X[:, 1],
    "sin x₁": lambda X: np.sin(X[:, 0]),
    "sin x₂": lambda X: np.sin(X[:, 1]),
}
PLAIN = ("x₁", "x₂")


def check_features(names, where="features"):
    """The names as a tuple in FEATURES order; ValueError for none or an unknown one."""
    names = (names,) if isinstance(names, str) else tuple(names)
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ValueError(f"{where}: unknown feature {unknown[0]!r}; choose from"
                         f" {', '.join(FEATURES)}")
    if not names:
        raise ValueError(f"{where}: choose at least one input feature, e.g. ('x₁', 'x₂')")
    return tuple(n for n in FEATURES if n in names)


def feature_matrix(X, names):
    """The chosen features of points X (n, 2) as an (n, len(names)) array."""
    X = np.asarray(X.data if isinstance(X, Tensor) else X)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"feature_matrix: points must have shape (n, 2), got {X.shape}")
    return np.column_stack([FEATURES[n](X) for n in names]).astype(X.dtype, copy=False)


class FeatureMLP(MLP):
    """An MLP whose input layer sees the chosen features of each point (x₁, x₂).

    FeatureMLP(("x₁²", "x₂²"), hidden=[], n_out=1) is a logistic regression on squares.
    Everything else (layers, layer_outputs, parameters) is the MLP's.
    """

    def __init__(self, features, hidden, n_out, **mlp_args):
        self.features = check_features(features, "FeatureMLP")
        super().__init__(len(self.features), hidden, n_out, **mlp_args)

    def layer_outputs(self, x):
        return super().layer_outputs(feature_matrix(x, self.features))

    def extra_repr(self):
        return f"features ({', '.join(self.features)}) -> " + super().extra_repr()
