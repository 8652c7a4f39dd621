"""Reference solutions for lesson 02 (computational graphs).

Try each exercise yourself first: the checker's hints are there to help you.
"""

import math

# Exercise 2.1: the forward pass of out = z * exp(x + y), one node at a time
x, y, z = 0.5, -1.5, 3.0
total = x + y  # the + node: -1.0
e = math.exp(total)  # the exp node: 0.3679
out = z * e  # the * node, the root: 1.104

# Exercise 2.2: local derivatives at a = 3, b = -2 (q = a*b), s = 0.5 (tanh), t = 2 (t**3)
a, b, s, t = 3.0, -2.0, 0.5, 2.0
d_mul_da = b  # d(a*b)/da = b
d_mul_db = a  # d(a*b)/db = a
d_tanh = 1 - math.tanh(s) ** 2  # 0.7864
d_pow = 3 * t**2  # 12

# Exercise 2.3: y = (x1*w1 + x2*w2 + b).tanh()
n_leaves = 5  # x1, w1, x2, w2, b
n_nodes = n_leaves + 5  # plus the results of *, *, +, +, tanh
