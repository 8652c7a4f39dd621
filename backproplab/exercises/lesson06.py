"""Checkers for lesson 06 (vectorized backpropagation).

    from backproplab.exercises import lesson06 as ex
    ex.check_dW(dW)                         # exercise 6.1: dW of Y = X @ W for ex.X, ex.dY
    ex.check_bias_grad(db)                  # exercise 6.2: the gradient of a broadcast bias
    ex.check_linear_backward(linear_backward)   # exercise 6.3: the backward of X @ W + b
    ex.check_softmax_ce_row(grad_row)       # exercise 6.4: d(mean cross-entropy)/d(row 1)

The data of each exercise is defined here (ex.X, ex.dY, ...), so the notebook and the
checker cannot disagree about it.
"""

import contextlib

import numpy as np

from ..tensor import Tensor
from .feedback import (
    call_answer,
    checker_error,
    correct,
    diagnose,
    is_unattempted,
    never_raises,
    not_attempted,
    praise,
    wrong,
)

# ---- exercise 6.1: Y = X @ W with X (3, 2), W (2, 4); the upstream gradient dY (3, 4) ----
X = np.array([[1.0, 2.0],
              [0.0, -1.0],
              [3.0, 1.0]])
dY = np.array([[1.0, 0.0, -1.0, 2.0],
               [2.0, 1.0, 0.0, 0.0],
               [0.0, -1.0, 1.0, 1.0]])

# ---- exercise 6.2: Z = X @ W + b with a batch of 4 and b of shape (3,) ----
dZ = np.array([[0.5, -1.0, 2.0],
               [1.0, 0.0, -0.5],
               [-2.0, 1.5, 1.0],
               [0.5, 0.5, 0.5]])
B_SHAPE = (3,)

# ---- exercise 6.4: logits of a batch of 4 over 3 classes, and the right classes ----
logits = np.array([[2.0, 1.0, 0.1],
                   [0.5, 2.5, -1.0],
                   [1.0, 1.0, 1.0],
                   [-1.0, 0.0, 3.0]])
targets = np.array([0, 2, 1, 2])
ROW = 1


def _array(answer, what):
    """(float ndarray, None) or (None, Feedback) when `answer` is not an array of numbers."""
    if is_unattempted(answer):
        return None, not_attempted(what)
    data = answer.data if isinstance(answer, Tensor) else answer
    try:
        arr = np.array(data, dtype=float)
    except (TypeError, ValueError):
        return None, wrong(f"{what} should be an array of numbers, got {answer!r}")
    if not np.all(np.isfinite(arr)):
        return None, wrong(f"{what} contains inf or nan: check for a division by zero")
    return arr, None


def _shape_text(shape):
    return str(tuple(int(n) for n in shape))


# ---------- exercise 6.1 ----------


def dW_answer():
    """dW = X^T dY: entry (k, j) sums dY[i, j] * X[i, k] over the rows i."""
    return X.T @ dY


@never_raises
def check_dW(dW):
    """Exercise 6.1: the gradient of L with respect to W in Y = X @ W, given dY = dL/dY."""
    got, problem = _array(dW, "dW")
    if problem is not None:
        return problem
    expected = dW_answer()
    if got.shape != expected.shape:
        if got.shape == expected.T.shape:
            if np.allclose(got, expected.T):
                return wrong(f"dW has shape {_shape_text(got.shape)}: you computed dY^T X, the"
                             " transpose. A gradient has the shape of its tensor: W is (2, 4),"
                             " so dW = X^T dY.")
            return wrong(f"dW has shape {_shape_text(got.shape)}, but W has shape (2, 4) and"
                         " a gradient always has the shape of its tensor.")
        if got.shape == X.shape:
            return wrong(f"dW has shape {_shape_text(got.shape)}, the shape of X: that is"
                         " the shape of dX = dY W^T. W has shape (2, 4), so dW must too.")
        if got.shape == dY.shape:
            return wrong(f"dW has shape {_shape_text(got.shape)}, the shape of dY (and Y)."
                         " W has shape (2, 4): combine X (3, 2) and dY (3, 4) into (2, 4).")
        return wrong(f"dW has shape {_shape_text(got.shape)}, but W has shape (2, 4) and a"
                     " gradient always has the shape of its tensor. Which product of X"
                     " (3, 2) and dY (3, 4) has shape (2, 4)?")
    hints = [
        (expected / len(X), "That is X^T dY divided by the batch size 3. Nothing here is"
                            " averaged: each row i adds dY[i, j] * X[i, k] to dW[k, j]."),
        (X[:2].T @ dY[:2], "You used only the first two rows. Every row of the batch"
                           " multiplies W, so every row adds to dW: sum over all 3 rows."),
        (np.outer(X.sum(axis=0), dY.sum(axis=0)),
         "That is (sum of X's rows) times (sum of dY's rows): you summed before"
         " multiplying. dW[k, j] = sum over i of X[i, k] * dY[i, j], row by row."),
    ]
    feedback = diagnose(got, expected, what="dW", hints=hints)
    if feedback.ok:
        return correct("Right: dW = X^T dY, shape (2, 4) like W. Entry (k, j) adds up"
                       " X[i, k] * dY[i, j] over the 3 rows, because W[k, j] is used by"
                       " every row of the batch. Notice that W itself is not needed.")
    if not feedback.message.startswith("dW is"):
        return feedback
    return wrong(f"{feedback.message} Entry (k, j) of dW is the sum over rows i of"
                 " X[i, k] * dY[i, j]; in matrix form X.T @ dY.")


# ---------- exercise 6.2 ----------


def bias_grad_answer():
    """b was added to every row, so its gradient is the column sum of dZ."""
    return dZ.sum(axis=0)


@never_raises
def check_bias_grad(db):
    """Exercise 6.2: the gradient of b (shape (3,)) in Z = X @ W + b, given dZ (4, 3)."""
    got, problem = _array(db, "db")
    if problem is not None:
        return problem
    expected = bias_grad_answer()
    if got.shape != B_SHAPE:
        if got.shape == dZ.shape:
            return wrong("db has shape (4, 3), the shape of dZ. But b has shape (3,), and a"
                         " gradient has the shape of its tensor: add up the contributions"
                         " of the 4 rows, the 4 places where b was used.")
        if got.shape == (len(dZ),):
            return wrong("db has shape (4,): you summed along each row (axis=1). b has one"
                         " entry per column, and each is used once per row: sum over the"
                         " batch, axis=0.")
        if got.shape == (1, 3):
            if np.allclose(got[0], expected):
                return wrong("The numbers are right, but db has shape (1, 3) and b has"
                             " shape (3,): leave out keepdims=True.")
            return wrong("db has shape (1, 3), but b has shape (3,): sum over axis=0"
                         " without keepdims.")
        if got.shape == ():
            return wrong(f"db is one number ({float(got):.4g}), but b has 3 entries: sum"
                         " each column of dZ separately (axis=0).")
        return wrong(f"db has shape {_shape_text(got.shape)}, but b has shape (3,): one"
                     " gradient entry per bias entry.")
    hints = [
        (dZ.mean(axis=0), "That is the mean of the rows. b is used in full by each of the 4"
                          " rows, so each row adds its whole gradient: a sum, not a mean."),
        (dZ[0], "That is row 0 of dZ only. b was added to all 4 rows: add up all their"
                " gradients."),
        (dZ[-1], "That is the last row of dZ only. b was added to all 4 rows: add up all"
                 " their gradients."),
    ]
    feedback = diagnose(got, expected, what="db", hints=hints)
    if feedback.ok:
        return correct("Right: db = dZ.sum(axis=0). Broadcasting used b once per row, and a"
                       " value used several times collects the sum of the gradients of"
                       " its uses. That is what unbroadcast(dZ, (3,)) computes.")
    return feedback


# ---------- exercise 6.3 ----------

# (batch, n_in, n_out) of the layers the checker tries; batch 1 and n_out 1 included.
LINEAR_CASES = [(4, 3, 2), (1, 2, 3), (5, 1, 1), (3, 4, 4)]


def linear_backward_answer(X, W, b, dZ):
    """(dX, dW, db) for Z = X @ W + b."""
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


def _linear_cases():
    rng = np.random.default_rng(6)
    for batch, n_in, n_out in LINEAR_CASES:
        yield (rng.normal(size=(batch, n_in)), rng.normal(size=(n_in, n_out)),
               rng.normal(size=n_out), rng.normal(size=(batch, n_out)))


def check_linear_backward(linear_backward):
    """Exercise 6.3: a function (X, W, b, dZ) -> (dX, dW, db) for Z = X @ W + b.

    Tried on several layer sizes; each result is compared with what Tensor.backward gives.
    The exercise asks for numpy formulas, so a function that calls Tensor.backward (seen
    by watching that method during the call) or returns a Tensor is turned down; a
    function that copies numbers out of some other engine cannot be told apart.
    """
    try:
        return _check_linear_backward(linear_backward)
    except Exception as e:
        return checker_error(e, "your function")


def _tensor_backward(Xa, Wa, ba, dZa):
    """What the engine says: backward through X @ W + b with upstream gradient dZ."""
    Xt, Wt, bt = Tensor(Xa), Tensor(Wa), Tensor(ba)
    (Xt @ Wt + bt).backward(dZa)
    return Xt.grad, Wt.grad, bt.grad


def _check_linear_backward(fn):
    if is_unattempted(fn):
        return not_attempted("linear_backward")
    if not callable(fn):
        return wrong(f"linear_backward should be a function, got {type(fn).__name__}")
    for Xa, Wa, ba, dZa in _linear_cases():
        size = (f"For X of shape {_shape_text(Xa.shape)}, W {_shape_text(Wa.shape)},"
                f" b {_shape_text(ba.shape)}")
        with _watching_tensor_backward() as used:
            result, problem = call_answer(fn, Xa.copy(), Wa.copy(), ba.copy(), dZa.copy())
        if used:
            return wrong("linear_backward called Tensor.backward, so the engine did the work."
                         " This exercise asks for the three formulas with numpy, without"
                         " Tensor: dX from dZ and W, dW from X and dZ, db from dZ alone.")
        if problem is not None:
            if problem.ok is None:
                return not_attempted("linear_backward")
            hint = (" The two sizes in the middle of a product A @ B must match: check the"
                    " shapes, and where a transpose .T belongs." if "matmul" in problem.message
                    else "")
            return wrong(f"{size}: {problem.message.rstrip('.')}.{hint}")
        if not isinstance(result, (tuple, list)) or len(result) != 3:
            return wrong("linear_backward should return three arrays, (dX, dW, db); got"
                         f" {type(result).__name__}"
                         + (f" of length {len(result)}" if isinstance(result, (tuple, list))
                            else "") + ".")
        if any(isinstance(part, Tensor) for part in result):
            return wrong("linear_backward returned a Tensor; this exercise asks for numpy"
                         " arrays, computed with numpy, without Tensor (use X, W and dZ as"
                         " they are).")
        expected = _tensor_backward(Xa, Wa, ba, dZa)
        for name, got, want in zip(("dX", "dW", "db"), result, expected):
            feedback = _check_part(name, got, want, Xa, Wa, dZa, size)
            if feedback is not None:
                return feedback
    return correct("Right: dX = dZ W^T, dW = X^T dZ, db = dZ summed over the batch. They"
                   " agree with Tensor.backward for every layer size tried, batch 1 and a"
                   " single output included. That is the whole backward pass of a Linear"
                   " layer.")


@contextlib.contextmanager
def _watching_tensor_backward():
    """A list that becomes non-empty when Tensor.backward is called inside the block."""
    calls = []
    original = Tensor.backward

    def watched(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    Tensor.backward = watched
    try:
        yield calls
    finally:
        Tensor.backward = original


def _check_part(name, got, want, Xa, Wa, dZa, size):
    """None when `got` is right, else a Feedback about this part of the answer."""
    arr, problem = _array(got, name)
    if problem is not None:
        if problem.ok is None:  # the part is still ... or None
            return not_attempted(f"{name} (linear_backward returns {got!r} for it)")
        return wrong(f"{size}: {problem.message}")
    want = np.asarray(want)
    if arr.shape == want.shape and np.allclose(arr, want, rtol=1e-6, atol=1e-9):
        return None
    if (arr.ndim < want.ndim and arr.size == want.size
            and np.allclose(arr.reshape(want.shape), want, rtol=1e-6, atol=1e-9)):
        return wrong(f"{size}, your {name} has the right numbers, but it has shape"
                     f" {_shape_text(arr.shape)} and {name[1:]} has shape"
                     f" {_shape_text(want.shape)}: do not squeeze (np.squeeze, .item() and"
                     " float() drop the axes of length 1).")
    batch = len(Xa)
    shape = f"{name[1:]} has shape {_shape_text(want.shape)}, and so must {name}"
    mistakes = {
        "dX": [(lambda: dZa @ Wa, f"dZ @ W; {shape}: dZ @ W^T"),
               (lambda: Wa @ dZa.T, f"W @ dZ^T, the transpose of dX; {shape}: dZ @ W^T"),
               (lambda: Xa.T @ dZa, "X^T @ dZ, which is dW; dX is dZ @ W^T")],
        "dW": [(lambda: dZa.T @ Xa, f"dZ^T @ X, the transpose of dW; {shape}: X^T @ dZ"),
               (lambda: dZa @ Wa.T, "dZ @ W^T, which is dX; dW is X^T @ dZ"),
               (lambda: Xa.T @ dZa / batch, "X^T @ dZ divided by the batch size; nothing is"
                                            " averaged here, every row adds its part in full")],
        "db": [(lambda: dZa.mean(axis=0), "the mean of dZ's rows; b is used in full by every"
                                          " row, so add the rows up"),
               (lambda: dZa.sum(axis=1), f"a sum over axis=1; {shape}: sum over the batch,"
                                         " axis=0"),
               (lambda: dZa.sum(), "the sum of all of dZ; sum each column separately, axis=0"),
               (lambda: dZa.sum(axis=0, keepdims=True), f"the right numbers, but {shape}:"
                                                        " leave out keepdims=True"),
               (lambda: dZa, f"dZ itself; {shape}: add up the rows, where b was used")],
    }[name]
    for formula, text in mistakes:
        try:
            value = np.asarray(formula(), dtype=float)
        except ValueError:  # the shapes of this case do not allow that product
            continue
        if value.shape == arr.shape and np.allclose(arr, value, rtol=1e-6, atol=1e-9):
            return wrong(f"{size}, your {name} is {text}.")
    if arr.shape != want.shape:
        return wrong(f"{size}, your {name} has shape {_shape_text(arr.shape)}, but {name[1:]}"
                     f" has shape {_shape_text(want.shape)}: a gradient has the shape of its"
                     " tensor.")
    return wrong(f"{size}, your {name} has the right shape but wrong numbers (largest"
                 f" difference {np.abs(arr - want).max():.3g}). Derive it entry by entry as"
                 " in section 2.")


# ---------- exercise 6.4 ----------


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_ce_row_answer():
    """(softmax(z) - onehot(y)) / batch for row ROW."""
    n, c = logits.shape
    return (_softmax(logits[ROW]) - np.eye(c)[targets[ROW]]) / n


@never_raises
def check_softmax_ce_row(grad_row):
    """Exercise 6.4: the gradient of cross_entropy(logits, targets) with respect to
    logits[1], a row of 3 numbers."""
    got, problem = _array(grad_row, "grad_row")
    if problem is not None:
        return problem
    n, c = logits.shape
    expected = softmax_ce_row_answer()
    p = _softmax(logits[ROW])
    onehot = np.eye(c)[targets[ROW]]
    full = (_softmax(logits) - np.eye(c)[targets]) / n
    if got.shape == full.shape:
        if np.allclose(got, full):
            return wrong("That is the gradient of the whole batch, shape (4, 3); the exercise"
                         " asks for row 1 only: grad[1].")
        return wrong("grad_row has shape (4, 3), the whole batch; give row 1 only, 3"
                     " numbers.")
    if got.shape != (c,):
        return wrong(f"grad_row has shape {_shape_text(got.shape)}; the row has {c} logits,"
                     f" so its gradient has {c} numbers.")
    wrong_class = int(np.argmax(logits[ROW]))
    hints = [
        (p - onehot, "That is softmax - onehot for one example. The loss is the mean over a"
                     f" batch of {n}, so every row's gradient is divided by {n}."),
        (onehot - p, "The sign is flipped, and the batch mean divides by 4: (softmax -"
                     " onehot) / 4. Increasing the right logit lowers the loss, so its"
                     " gradient is negative."),
        ((onehot - p) / n, "The sign is flipped: the gradient is (softmax - onehot) / 4."
                           " Increasing the right logit lowers the loss, so its gradient is"
                           " negative."),
        (p / n, "That is softmax / 4: you left out the one-hot part. The right class"
                f" (class {targets[ROW]}) also gets -1 / 4."),
        (p, "That is softmax alone: subtract the one-hot vector of the right class"
            f" (class {targets[ROW]}) and divide by the batch size 4."),
        ((p - np.eye(c)[wrong_class]) / n,
         f"You subtracted the one-hot vector of class {wrong_class}, the class with the"
         f" largest logit. The right class for row 1 is targets[1] = {targets[ROW]}."),
        ((p - np.eye(c)[0]) / n, "You subtracted the one-hot vector of class 0; the right"
                                 f" class for row 1 is targets[1] = {targets[ROW]}."),
        (-onehot / (p * n), "That is the gradient with respect to the probabilities, -1 /"
                            " p_y. Going through the softmax turns it into (p - onehot)"
                            " / 4 for the logits."),
    ]
    # the lesson prints arrays with 4 decimals: [0.029, 0.2145, -0.2435] is right too
    feedback = diagnose(got, expected, rtol=1e-4, atol=1e-7, what="grad_row", hints=hints,
                        decimals=4)
    if feedback.ok:
        return praise(feedback, "Right: (softmax(z) - onehot) / 4. The right class (2) is"
                                " pushed up, the others down in proportion to their"
                                " probability, and the three numbers add up to 0.")
    if feedback.message.startswith("grad_row is") and np.allclose(got, expected, atol=5e-3):
        return wrong(f"grad_row is {np.array2string(got, precision=6)}: close, but rounded"
                     " too much. Keep 4 decimals (as the lesson prints them), or compute it"
                     " with numpy.")
    if feedback.message.startswith("grad_row is"):
        return wrong(f"{feedback.message} The formula of section 4: (softmax(z) - onehot(y))"
                     " / 4, with z = logits[1] and y = targets[1].")
    return feedback


