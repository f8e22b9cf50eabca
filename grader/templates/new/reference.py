"""{name} — {title}: the reference solution.

Replace the example function `center` with the assignment's functions, keeping this
file's name (the submission's, `{file}`).  `grade audit {name}` then checks the hidden
suite against it.
"""
import numpy as np


def center(x):
    """x (N, D) with each column's mean subtracted (x − mean over axis 0).

    Args:
        x: (N, D) float array or nested list; it is left as it was found.
    Returns:
        (N, D) float64 array.
    """
    x = np.array(x, dtype=np.float64)
    return x - x.mean(axis=0)
