"""Hypothesis strategies and one gradient assertion shared by the engine tests.

Inputs are small (at most 3 dimensions of at most 4 entries) so that finite differences,
which evaluate the function twice per input number, stay fast. Every strategy keeps its
numbers inside the domain of the op under test and away from its kinks, where a
finite difference would disagree with any correct derivative.
"""

import os

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from backproplab import Tensor, Value, gradcheck

# HYPOTHESIS_EXAMPLES=500 pytest ... for a long search; the default keeps the suite quick.
SETTINGS = settings(max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", 30)), deadline=None)

MAX_SIDE = 4

# Exponents for `x ** k`: integer ones allow any base away from 0, the others need x > 0.
EXPONENTS = [0, 1, 2, 3, -1, -2, 0.5, 1.5, -0.5, 2.5]


def reals(lo=-2.0, hi=2.0):
    """Finite float64 numbers in [lo, hi]."""
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def away_from_zero(lo=0.5, hi=2.0):
    """Numbers with lo <= |x| <= hi, of either sign (divisors, negative powers, relu)."""
    return st.builds(lambda m, sign: m * sign, reals(lo, hi), st.sampled_from([-1.0, 1.0]))


def shapes(min_dims=0, max_dims=3):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=MAX_SIDE)


def arrays(shape, elements=None):
    """float64 arrays of `shape` (a tuple or a strategy), entries from `elements`."""
    return hnp.arrays(np.float64, shape, elements=reals() if elements is None else elements)


def distinct_arrays(shape):
    """Arrays whose entries differ pairwise by at least 1/32: max has no ties, so no kinks."""
    steps = st.integers(-64, 64).map(lambda k: k / 32)
    return hnp.arrays(np.float64, shape, elements=steps, unique=True)


# Shapes of two operands that broadcast together: the cases a learner meets first, then
# anything hypothesis invents.
NAMED_BROADCASTS = [
    ((4,), (3, 4)),  # row vector + matrix (a bias)
    ((3, 1), (3, 4)),  # column + matrix
    ((), (3, 4)),  # scalar + matrix
    ((3, 1, 4), (2, 1)),  # both sides stretched: result (3, 2, 4)
    ((2, 3), (2, 3)),  # no broadcasting at all
]
broadcast_pairs = st.one_of(
    st.sampled_from(NAMED_BROADCASTS),
    hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=MAX_SIDE).map(
        lambda b: b.input_shapes
    ),
)


@st.composite
def axes(draw, ndim):
    """An `axis` argument for a `ndim`-d tensor: None, an int (maybe negative) or a tuple."""
    if ndim == 0:
        return None
    kind = draw(st.sampled_from(["none", "int", "negative", "tuple"]))
    if kind == "none":
        return None
    if kind == "int":
        return draw(st.integers(0, ndim - 1))
    if kind == "negative":
        return draw(st.integers(-ndim, -1))
    chosen = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    return tuple(ax - ndim if draw(st.booleans()) else ax for ax in chosen)


def upstream(shape):
    """Fixed random weights w: the loss sum(w * out) gives each output its own gradient.

    With a plain sum every output would get gradient 1, which hides mistakes: the rows
    of softmax, for instance, always sum to 1, so d sum / d logits is 0 whatever the vjp.
    """
    return np.random.default_rng(len(shape)).normal(size=shape)


def assert_grads_match(f, *inputs, rtol=1e-5, atol=1e-6):
    """Backprop's gradient of f(*inputs) equals the central difference, for every input.

    `f` may return a Value, or a Tensor of any shape (reduced with `upstream` weights).
    The comparison goes through `gradcheck`, the library's own tool, with a tolerance
    that allows for the rounding error of a finite difference near a zero gradient.
    """

    def loss(*xs):
        out = f(*xs)
        if isinstance(out, Value):
            return out
        return (out * Tensor(upstream(out.shape), requires_grad=False)).sum()

    report = gradcheck(loss, *inputs)
    for x, row in zip(inputs, report.rows, strict=True):
        if isinstance(x, Tensor) and x.grad is not None:
            assert x.grad.shape == x.shape and x.grad.dtype == x.dtype
        assert np.shape(row.analytic) == np.shape(row.numerical)
        np.testing.assert_allclose(
            row.analytic, row.numerical, rtol=rtol, atol=atol, err_msg=f"gradient of {row.name}"
        )
    return report
