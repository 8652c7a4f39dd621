"""Reference solutions for lesson 02 (computational graphs).

Try each exercise yourself first: the checker's hints are there to help you.
"""

import math

# Exercise 2.1: the forward pass of out = z * exp(x + y), one node at a time
x, y, z = 0.5, -1.5, 3.0
s = x + y  # the + node: -1.0
e = math.exp(s)  # the exp node: 0.3679
out = z * e  # the * node, the root: 1.104

# Exercise 2.2: local derivatives at a = 3, b = -2 (q = a*b), u = 0.5 (tanh), v = 2 (v**3)
a, b, u, v = 3.0, -2.0, 0.5, 2.0
d_mul_da = b  # d(a*b)/da = b
d_mul_db = a  # d(a*b)/db = a
d_tanh = 1 - math.tanh(u) ** 2  # 0.7864
d_pow = 3 * v**2  # 12

# Exercise 2.3: y = (x1*w1 + x2*w2 + b).tanh()
n_leaves = 5  # x1, w1, x2, w2, b
n_nodes = n_leaves + 5  # plus the results of *, *, +, +, tanh
