"""Reference solutions for lesson 10 (diagnosing gradients).

The names are those of the exercise cells in notebooks/10-diagnosing-gradients.ipynb. Try
each exercise yourself first: the checker's hints are there to help you.
"""

import math

import numpy as np

# Exercise 10.1: relu zeroes about half of its inputs, which halves the variance at every
# layer with Xavier's init. He's init, std sqrt(2 / n_in), doubles the variance to match.
init_choice = "he"


# Exercise 10.2: a unit (column) is dead if it is 0 for every sample (row) of the batch
def dead_fraction(A):
    return np.mean(np.all(A == 0, axis=0))


# Exercise 10.3: a network that guesses gives each of the 5 classes probability 1/5, so
# the cross-entropy, -log(probability of the right class), is -log(1/5) = log 5.
chance_loss = math.log(5)
