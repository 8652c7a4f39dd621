"""Learner answers for lesson 07: 7.1 train_step, 7.2 steps per epoch, 7.3 a learning rate
with which the model has >= 95% test accuracy after 100 steps."""

import math

import numpy as np

from backproplab import cross_entropy
from backproplab.losses import mse_loss
from corpus import RIGHT, TODO, WRONG

CHECKERS = {"7.1": "check_train_step", "7.2": "check_steps_per_epoch",
            "7.3": "check_learning_rate"}


def step(model, optimizer, X, y):
    loss = cross_entropy(model(X), y)
    model.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


def step_optimizer_zero_grad(model, optimizer, X, y):
    optimizer.zero_grad()
    loss = cross_entropy(model(X), y)
    loss.backward()
    optimizer.step()
    return float(loss.data)


def step_zero_grad_last(model, optimizer, X, y):  # clears after the update: as good
    loss = cross_entropy(model(X), y)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    return loss.item()


def step_returns_tensor(model, optimizer, X, y):
    loss = cross_entropy(model(X), y)
    model.zero_grad()
    loss.backward()
    optimizer.step()
    return loss


def step_returns_data(model, optimizer, X, y):
    loss = cross_entropy(model(X), y)
    model.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.data


def step_zero_grad_between(model, optimizer, X, y):
    loss = cross_entropy(model(X), y)
    loss.backward()
    model.zero_grad()
    optimizer.step()
    return loss.item()


def step_no_zero_grad(model, optimizer, X, y):
    loss = cross_entropy(model(X), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def step_before_backward(model, optimizer, X, y):
    loss = cross_entropy(model(X), y)
    model.zero_grad()
    optimizer.step()
    loss.backward()
    return loss.item()


def step_no_return(model, optimizer, X, y):
    loss = cross_entropy(model(X), y)
    model.zero_grad()
    loss.backward()
    optimizer.step()


def step_loss_after(model, optimizer, X, y):
    loss = cross_entropy(model(X), y)
    model.zero_grad()
    loss.backward()
    optimizer.step()
    return cross_entropy(model(X), y).item()


def step_twice(model, optimizer, X, y):
    loss = cross_entropy(model(X), y)
    model.zero_grad()
    loss.backward()
    optimizer.step()
    optimizer.step()
    return loss.item()


def step_mse(model, optimizer, X, y):
    loss = mse_loss(model(X), np.eye(2)[y])
    model.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


def step_typo(model, optimizer, X, y):
    loss = cross_entropy(model(X), y)
    model.zero_grad()
    loss.backwards()
    optimizer.step()
    return loss.item()


def step_stub(model, optimizer, X, y):
    ...  # replace ... with the four parts of a step, ending in: return loss.item()


CASES = [
    ("7.1", "the reference", step, RIGHT, "three correct steps"),
    ("7.1", "optimizer.zero_grad() first", step_optimizer_zero_grad, RIGHT, "three correct steps"),
    ("7.1", "zero_grad after step", step_zero_grad_last, RIGHT, "three correct steps"),
    ("7.1", "returns the loss Tensor", step_returns_tensor, WRONG,
     ("return loss.item(), a float, not the Tensor", "weights are updated correctly")),
    ("7.1", "returns loss.data", step_returns_data, WRONG,
     "return loss.item(), a float, not a numpy array"),
    ("7.1", "zero_grad between backward and step", step_zero_grad_between, WRONG,
     ("after loss.backward() and before optimizer.step()", "right after computing them")),
    ("7.1", "no zero_grad", step_no_zero_grad, WRONG, "pile up"),
    ("7.1", "step before backward", step_before_backward, WRONG,
     "loss.backward() before optimizer.step()"),
    ("7.1", "forgets return", step_no_return, WRONG, "did you forget `return`"),
    ("7.1", "the loss after the update", step_loss_after, WRONG, "after the update"),
    ("7.1", "two steps", step_twice, WRONG, "twice as far"),
    ("7.1", "another loss", step_mse, WRONG, "differ from one SGD step"),
    ("7.1", "an AttributeError", step_typo, WRONG,
     ("AttributeError", "backwards", "loss.backwards()")),
    ("7.1", "the placeholder function", step_stub, TODO, "Not attempted"),
    ("7.2", "the reference", 7, RIGHT, "225 // 32 = 7"),
    ("7.2", "the formula", 225 // 32, RIGHT, "7 full batches"),
    ("7.2", "floor", math.floor(225 / 32), RIGHT, "7 full batches"),
    ("7.2", "a float", 7.0, RIGHT, "7 full batches"),
    ("7.2", "section 5's batches of 16", 225 // 16, WRONG,
     ("14 is the answer for batches of 16", "here the batches are 32")),
    ("7.2", "batches of 16, rounded up", 15, WRONG,
     ("rounded up, for batches of 16", "here the batches are 32")),
    ("7.2", "not whole", 225 / 32, WRONG, "not a whole number"),
    ("7.2", "rounded up", 8, WRONG, "last, smaller batch of 1 point"),
    ("7.2", "the points", 225, WRONG, "number of training points"),
    ("7.2", "the batch size", 32, WRONG, "batch size"),
    ("7.2", "one step", 1, WRONG, "full-batch"),
    ("7.2", "the whole data set", 300 // 32, WRONG, "whole data set"),
    ("7.2", "text", "7", WRONG, "not the text"),
    ("7.2", "the placeholder", ..., TODO, "replace the ..."),
    ("7.3", "the reference", 1.0, RIGHT, ("With lr = 1, after 100 steps", "97.3%")),
    ("7.3", "0.5", 0.5, RIGHT, "96.0%"),
    ("7.3", "an int", 1, RIGHT, "test accuracy is"),
    ("7.3", "1.5", 1.5, RIGHT, "test accuracy is"),
    ("7.3", "too small", 0.1, WRONG, ("fell smoothly but slowly", "larger")),
    ("7.3", "the lesson's 0.3", 0.3, WRONG, "larger learning rate"),
    ("7.3", "overshoots", 3.0, WRONG, ("went up on the way", "smaller")),
    ("7.3", "diverges", 10.0, WRONG, ("diverged", "smaller learning rate")),
    ("7.3", "the lesson's diverging 30", 30.0, WRONG,
     ("diverged", "between 0.3 (too slow for 100 steps) and 30, e.g. 1.")),
    ("7.3", "zero", 0, WRONG, "must be positive"),
    ("7.3", "negative", -1.0, WRONG, "steps uphill"),
    ("7.3", "text", "1.0", WRONG, "not the text"),
    ("7.3", "the placeholder", ..., TODO, "replace the ..."),
]
