"""Reference solutions for lesson 08 (optimizers).

The names are those of the exercise cells in notebooks/08-optimizers.ipynb. Try each
exercise yourself first: the checker's hints are there to help you.
"""

import numpy as np

# Exercise 8.1: f(x, y) = x**2 + 8*y**2 has the gradient (2x, 16y), so one step of
# gradient descent multiplies y by (1 - 16 lr). That factor stays in [-1, 1] while
# lr <= 2/16; beyond it |y| grows every step. (x, factor 1 - 2 lr, would allow lr = 1.)
lr_max = 2 / 16


# Exercise 8.2: SGD with momentum, the form torch.optim.SGD uses
def momentum_step(theta, grad, state, lr, momentum):
    b = momentum * state.get("b", 0.0) + grad  # on the first call b = grad
    state["b"] = b
    return theta - lr * b


# Exercise 8.3: Adam
def adam_step(theta, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state.get("t", 0) + 1
    m = beta1 * state.get("m", 0.0) + (1 - beta1) * grad
    v = beta2 * state.get("v", 0.0) + (1 - beta2) * grad**2
    state.update(t=t, m=m, v=v)
    m_hat = m / (1 - beta1**t)  # bias correction: m and v start at 0
    v_hat = v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps)
