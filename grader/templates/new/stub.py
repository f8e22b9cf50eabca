"""{name} — {title}.

Write each function below; `grade {name}` checks your work.
"""
import numpy as np


def center(x):
    """x (N, D) with each column's mean subtracted (x − mean over axis 0).

    Args:
        x: (N, D) float array; it is left as it was found.
    Returns:
        (N, D) float64 array.
    """
    raise NotImplementedError("center")
