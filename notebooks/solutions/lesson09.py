"""Reference solutions for lesson 09 (the training playground).

The names are those of the exercise cells in notebooks/09-playground.ipynb. Try each
exercise yourself first: the checker's hints are there to help you.
"""

# Exercise 9.1: without an activation every layer is x @ W + b, and linear layers in a row
# make one linear function: the boundary is a straight line, which cannot separate the
# circles. About half the points land on the wrong side, as with no hidden layer at all.
linear_answer = "b"

# Exercise 9.2: plain SGD on circles with at most 8 hidden units. SGD's default lr of 0.1
# is far too slow here (about 80% after 200 steps); lr = 1 reaches 100% test accuracy.
# (3 tanh units with lr = 1, or 4 relu units with lr = 0.3, work as well.)
settings = {"hidden": "8", "activation": "relu", "optimizer": "SGD", "lr": 1.0,
            "batch_size": 0, "steps": 200}

# Exercise 9.3: a big network can bend its boundary around the noisy training points, so
# train accuracy stays high while test accuracy falls (overfitting).
noise_answer = "b"
