"""Shared pytest setup."""

import matplotlib

# Draw figures off screen in the test process. (Not via the MPLBACKEND variable: the
# notebook kernels that nbval starts inherit the environment and must keep their
# inline backend, or their figures would not appear in the compared outputs.)
matplotlib.use("Agg")
