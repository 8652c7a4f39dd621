"""Reference solutions for lesson 01 (derivatives and the chain rule).

Try each exercise yourself first: the checker's hints are there to help you.
"""

import math

# Exercise 1.1: f(x) = x**3 - 5*x, so f'(x) = 3*x**2 - 5, and at x = 2:
slope = 3 * 2**2 - 5


# Exercise 1.2: look h to both sides of x; the two points are 2*h apart
def central_difference(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


# Exercise 1.3: g(x) = tanh(u) with u = 3x + 1, so g'(x) = (1 - tanh(u)**2) * du/dx
def dg_dx(x):
    u = 3 * x + 1
    return (1 - math.tanh(u) ** 2) * 3
