"""Reference solutions for lesson 00 (start here).

Try each exercise yourself first: the checker's hints are there to help you.
"""

# Exercise 0.1: the slope of the line through (1, 3) and (4, 9): rise over run
slope = (9 - 3) / (4 - 1)


# Exercise 0.2: the average rate of change of f between a and b
def average_rate(f, a, b):
    return (f(b) - f(a)) / (b - a)
