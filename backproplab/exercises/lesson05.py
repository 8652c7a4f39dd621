"""Checkers for lesson 05 (from a neuron to an MLP).

    from backproplab.exercises import lesson05 as ex
    ex.check_num_parameters(n_params)    # exercise 5.1: parameters of ScalarMLP(2, [4, 4], 1)
    ex.check_sgd_step(new_w)             # exercise 5.2: one SGD step for one weight
    ex.check_zero_grad(answer)           # exercise 5.3: the loop without zero_grad
"""

from .feedback import (
    as_number,
    correct,
    diagnose,
    letter,
    never_raises,
    wrong,
)

# Exercise 5.1: ScalarMLP(2, [4, 4], 1): layer sizes 2 -> 4 -> 4 -> 1.
SIZES = (2, 4, 4, 1)
# Exercise 5.2: a weight, its gradient and the learning rate.
SGD_STEP = {"w": 0.5, "grad": -2.0, "lr": 0.1}
# Exercise 5.3: the choices offered in the notebook, and the right one.
ZERO_GRAD_CHOICES = {
    "a": "the gradient of the loss at the current weights, as with zero_grad",
    "b": "the sum of the gradients computed at steps 1, 2 and 3",
    "c": "zero, because nothing resets it",
    "d": "three times the gradient of step 3",
}
ZERO_GRAD_ANSWER = "b"


def num_parameters(sizes=SIZES):
    """Weights and biases of fully connected layers: sum of (n_in + 1) * n_out."""
    return sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))


@never_raises
def check_num_parameters(n_params):
    """Exercise 5.1: how many parameters ScalarMLP(2, [4, 4], 1) has."""
    x, problem = as_number(n_params, "n_params")
    if problem is not None:
        return problem
    pairs = list(zip(SIZES, SIZES[1:]))
    weights = sum(a * b for a, b in pairs)
    biases = sum(b for _, b in pairs)
    hints = [
        (weights, f"{weights} counts the weights only: every neuron also has a bias"
                  f" (there are {biases} neurons)."),
        (weights + biases - SIZES[-1], f"{weights + biases - SIZES[-1]} leaves out the"
                                       " bias of the output neuron: the last layer is a"
                                       " Layer too, with weights and a bias."),
        (biases, f"{biases} is the number of neurons (biases); each neuron also has one"
                 " weight per input."),
        (sum(SIZES), f"{sum(SIZES)} is the number of inputs and neurons; count the"
                     " connections between them (weights) plus one bias per neuron."),
        (weights + sum(SIZES), f"{weights + sum(SIZES)} gives the inputs a bias too;"
                               " only neurons have one."),
        (2 * 4 * 4 * 1, "32 multiplies all the layer sizes; add up (inputs + 1) * neurons"
                        " over the layers instead."),
    ]
    feedback = diagnose(x, num_parameters(), rtol=0, atol=1e-9, what="n_params",
                        hints=hints)
    if feedback.ok:
        terms = " + ".join(f"({a} + 1) * {b}" for a, b in pairs)
        return correct(f"Right: {terms} = {num_parameters()}. You can confirm it with"
                       " ScalarMLP(2, [4, 4], 1).num_parameters().")
    return feedback


@never_raises
def check_sgd_step(new_w):
    """Exercise 5.2: w after one SGD step, w - lr * grad, for SGD_STEP."""
    x, problem = as_number(new_w, "new_w")
    if problem is not None:
        return problem
    w, g, lr = SGD_STEP["w"], SGD_STEP["grad"], SGD_STEP["lr"]
    expected = w - lr * g
    hints = [
        (w + lr * g, f"{w + lr * g:g} = w + lr * grad moves uphill: the update subtracts"
                     " the gradient, w - lr * grad."),
        (-lr * g, f"{-lr * g:g} is the change, -lr * grad; the new value is the old one"
                  " plus that change."),
        (lr * g, f"{lr * g:g} = lr * grad is (minus) the change only; the new weight is"
                 " w - lr * grad."),
        (w - g, f"{w - g:g} = w - grad forgets the learning rate: w - lr * grad."),
        (w + g, f"{w + g:g} = w + grad: subtract the gradient, and scale it by lr first."),
        (w - g / lr, f"{w - g / lr:g}: the learning rate multiplies the gradient, it does"
                     " not divide it."),
        (w, "the weight has not moved: the gradient is not zero, so SGD changes it."),
    ]
    feedback = diagnose(x, expected, rtol=1e-6, atol=1e-9, what="new_w", hints=hints)
    if feedback.ok:
        return correct(f"Right: {w:g} - {lr:g} * ({g:g}) = {expected:g}. The gradient is"
                       " negative, so the loss falls when w grows, and SGD makes it grow.")
    return feedback


@never_raises
def check_zero_grad(answer):
    """Exercise 5.3: which letter of ZERO_GRAD_CHOICES says what p.grad holds at step 3."""
    choice, problem = letter(answer, ZERO_GRAD_CHOICES, "answer")
    if problem is not None:
        return problem
    if choice == ZERO_GRAD_ANSWER:
        return correct("Right: backward() adds to .grad, so without zero_grad each step"
                       " uses the sum of all gradients so far, most of them computed at"
                       " weights the model has already left behind.")
    why = {
        "a": "that is what zero_grad guarantees. Without it, backward() adds the new"
             " gradient to what .grad already holds from the steps before.",
        "c": "nothing resets .grad, right, but backward() adds to it: after three steps"
             " it holds the gradients of all three, not zero.",
        "d": "each step's gradient is computed at different weights (they moved in"
             " between), and backward() adds it to what .grad held: the three add up,"
             " they are not one gradient counted three times.",
    }[choice]
    return wrong(f"Not {choice}: {why}")
