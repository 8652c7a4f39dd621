"""Learner answers for lesson 06: 6.1 dW, 6.2 the bias gradient, 6.3 linear_backward,
6.4 the gradient of the cross-entropy for one row."""

import numpy as np

from backproplab import Tensor
from backproplab.exercises.lesson06 import X, dY, dZ, logits, targets
from corpus import RIGHT, TODO, WRONG

CHECKERS = {"6.1": "check_dW", "6.2": "check_bias_grad", "6.3": "check_linear_backward",
            "6.4": "check_softmax_ce_row"}


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


P = softmax(logits[1])
ONEHOT = np.eye(3)[targets[1]]


def backward(X, W, b, dZ):
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


def backward_spelled(X, W, b, dZ):
    dX = np.dot(dZ, np.transpose(W))
    dW = np.einsum("ik,ij->kj", X, dZ)
    db = np.sum(dZ, axis=0)
    return [dX, dW, db]


def backward_by_rows(X, W, b, dZ):  # a sum of per-example outer products
    dW = sum(np.outer(x, dz) for x, dz in zip(X, dZ))
    db = sum(dZ)
    return dZ.dot(W.T), dW, db


def backward_dW_transposed(X, W, b, dZ):
    return dZ @ W.T, dZ.T @ X, dZ.sum(axis=0)


def backward_db_mean(X, W, b, dZ):
    return dZ @ W.T, X.T @ dZ, dZ.mean(axis=0)


def backward_keepdims(X, W, b, dZ):
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0, keepdims=True)


def backward_no_return(X, W, b, dZ):
    dX, dW, db = dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)  # noqa: F841


def backward_two(X, W, b, dZ):
    return dZ @ W.T, X.T @ dZ


def backward_no_transpose(X, W, b, dZ):
    dX = dZ @ W  # (batch, n_out) @ (n_in, n_out): the sizes do not match
    return dX, X.T @ dZ, dZ.sum(axis=0)


def backward_db_left(X, W, b, dZ):
    return dZ @ W.T, X.T @ dZ, ...


def backward_db_squeezed(X, W, b, dZ):  # fine until the layer with a single output
    return dZ @ W.T, X.T @ dZ, np.squeeze(dZ.sum(axis=0))


def backward_by_the_engine(X, W, b, dZ):  # Tensor.backward does the work
    Xt, Wt, bt = Tensor(X), Tensor(W), Tensor(b)
    (Xt @ Wt + bt).backward(dZ)
    return Xt.grad, Wt.grad, bt.grad


def backward_tensor_results(X, W, b, dZ):
    return Tensor(dZ) @ Tensor(W.T), Tensor(X.T) @ Tensor(dZ), Tensor(dZ).sum(axis=0)


def backward_stub(X, W, b, dZ):
    # X: (batch, n_in), W: (n_in, n_out), b: (n_out,), dZ: (batch, n_out)
    ...  # replace ... with your code, ending in: return dX, dW, db


CASES = [
    ("6.1", "the reference", X.T @ dY, RIGHT, "dW = X^T dY"),
    ("6.1", "typed in as lists", [[1, -3, 2, 5], [0, -2, -1, 5]], RIGHT, "Right"),
    ("6.1", "einsum", np.einsum("ik,ij->kj", X, dY), RIGHT, "Right"),
    ("6.1", "outer products", sum(np.outer(X[i], dY[i]) for i in range(3)), RIGHT, "Right"),
    ("6.1", "a Tensor", Tensor(X.T @ dY), RIGHT, "Right"),
    ("6.1", "the transpose", dY.T @ X, WRONG, "the transpose"),
    ("6.1", "dX's shape", np.ones((3, 2)), WRONG, "shape of X"),
    ("6.1", "dY's shape", dY * 2, WRONG, "shape of dY"),
    ("6.1", "averaged", X.T @ dY / 3, WRONG, "divided by the batch size"),
    ("6.1", "two rows", X[:2].T @ dY[:2], WRONG, "first two rows"),
    ("6.1", "summed first", np.outer(X.sum(0), dY.sum(0)), WRONG, "summed before multiplying"),
    ("6.1", "other numbers", X.T @ dY + 1, WRONG, ("not right yet", "X.T @ dY")),
    ("6.1", "the formula as text", "X.T @ dY", WRONG, "array of numbers"),
    ("6.1", "the placeholder", ..., TODO, "replace the ..."),
    ("6.2", "the reference", dZ.sum(axis=0), RIGHT, "db = dZ.sum(axis=0)"),
    ("6.2", "a list", [0, 1, 3], RIGHT, "Right"),
    ("6.2", "a tuple of floats", (0.0, 1.0, 3.0), RIGHT, "Right"),
    ("6.2", "np.sum", np.sum(dZ, 0), RIGHT, "Right"),
    ("6.2", "ones @ dZ", np.ones(4) @ dZ, RIGHT, "Right"),
    ("6.2", "axis=1", dZ.sum(axis=1), WRONG, "summed along each row"),
    ("6.2", "keepdims", dZ.sum(axis=0, keepdims=True), WRONG, "leave out keepdims"),
    ("6.2", "dZ itself", dZ, WRONG, "the shape of dZ"),
    ("6.2", "the mean", dZ.mean(axis=0), WRONG, "a sum, not a mean"),
    ("6.2", "row 0", dZ[0], WRONG, "row 0 of dZ only"),
    ("6.2", "one number", dZ.sum(), WRONG, "one number"),
    ("6.2", "text", "dZ.sum(axis=0)", WRONG, "array of numbers"),
    ("6.2", "the placeholder", ..., TODO, "replace the ..."),
    ("6.3", "the reference", backward, RIGHT, "dX = dZ W^T, dW = X^T dZ"),
    ("6.3", "np.dot, einsum, a list", backward_spelled, RIGHT, "Right"),
    ("6.3", "row by row", backward_by_rows, RIGHT, "Right"),
    ("6.3", "dW transposed", backward_dW_transposed, WRONG, "the transpose of dW"),
    ("6.3", "db averaged", backward_db_mean, WRONG, "the mean of dZ's rows"),
    ("6.3", "db keepdims", backward_keepdims, WRONG, "keepdims=True"),
    ("6.3", "forgets return", backward_no_return, WRONG, "did you forget `return`"),
    ("6.3", "two arrays", backward_two, WRONG, "three arrays"),
    ("6.3", "a shape error", backward_no_transpose, WRONG,
     ("ValueError", "dX = dZ @ W", "transpose")),
    ("6.3", "db squeezed", backward_db_squeezed, WRONG,
     ("shape () and b has shape (1,)", "do not squeeze")),
    ("6.3", "Tensor.backward inside", backward_by_the_engine, WRONG,
     ("called Tensor.backward", "with numpy, without Tensor")),
    ("6.3", "Tensors returned", backward_tensor_results, WRONG,
     ("returned a Tensor", "numpy arrays")),
    ("6.3", "db left ...", backward_db_left, TODO, "replace the ... in db"),
    ("6.3", "the placeholder function", backward_stub, TODO, "Not attempted"),
    ("6.4", "the reference", (P - ONEHOT) / 4, RIGHT, "(softmax(z) - onehot) / 4"),
    ("6.4", "as the notebook prints it", [0.029, 0.2145, -0.2435], RIGHT,
     "keep more digits"),
    ("6.4", "4 decimals with zeros", np.array([0.0290, 0.2145, -0.2435]), RIGHT, "Right"),
    ("6.4", "the formula, no max shift", (np.exp(logits[1]) / np.exp(logits[1]).sum()
                                          - ONEHOT) / 4, RIGHT, "Right"),
    ("6.4", "with backward()", (P - ONEHOT) * 0.25, RIGHT, "Right"),
    ("6.4", "3 decimals", [0.029, 0.214, -0.244], WRONG, ("close", "Keep 4 decimals")),
    ("6.4", "no batch mean", P - ONEHOT, WRONG, "divided by 4"),
    ("6.4", "flipped sign", (ONEHOT - P) / 4, WRONG, "sign is flipped"),
    ("6.4", "softmax only", P / 4, WRONG, "left out the one-hot part"),
    ("6.4", "the largest logit's class", (P - np.eye(3)[1]) / 4, WRONG, "largest logit"),
    ("6.4", "the whole batch", np.zeros((4, 3)), WRONG, "whole batch"),
    ("6.4", "two numbers", [0.029, 0.2145], WRONG, "3 numbers"),
    ("6.4", "the placeholder", ..., TODO, "replace the ..."),
]
