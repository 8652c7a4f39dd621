"""Reference solutions for lesson 05 (from a neuron to an MLP).

The names are those of the exercise cells in notebooks/05-from-neuron-to-mlp.ipynb.
"""

# ---- Exercise 5.1: ScalarMLP(2, [4, 4], 1) has layers 2 -> 4 -> 4 -> 1 ----
# each layer: one weight per (input, neuron) pair plus one bias per neuron
n_params = (2 + 1) * 4 + (4 + 1) * 4 + (4 + 1) * 1  # 12 + 20 + 5 = 37

# ---- Exercise 5.2: w = 0.5, grad = -2.0, lr = 0.1 ----
new_w = 0.5 - 0.1 * -2.0  # w - lr * grad = 0.7

# ---- Exercise 5.3: without zero_grad, backward() keeps adding to .grad ----
answer = "b"  # the sum of the gradients of steps 1, 2 and 3
