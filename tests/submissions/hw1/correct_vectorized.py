# Correct: fully vectorized with broadcasting; returns np.float64 values and np.argmin ties.
"""Linear model + exhaustive search, vectorized (no python loops)."""
import numpy as np


def forward(x, w, b=0.0):
    return np.asarray(x, dtype=float) * w + b


def mse(y_pred, y):
    err = np.asarray(y_pred, dtype=float) - np.asarray(y, dtype=float)
    return np.mean(err * err)  # np.float64


def grid_search(x, y, ws, bs=(0.0,)):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ws = np.asarray(ws, dtype=float)
    bs = np.asarray(bs, dtype=float)
    # shape (len(ws), len(bs), N)
    preds = ws[:, None, None] * x[None, None, :] + bs[None, :, None]
    costs = ((preds - y) ** 2).mean(axis=-1)
    i, j = np.unravel_index(np.argmin(costs), costs.shape)
    return ws[i], bs[j], costs


def train_dev_split(x, y, dev_fraction, seed):
    x, y = np.asarray(x), np.asarray(y)
    perm = np.random.default_rng(seed).permutation(len(x))
    n_dev = int(np.round(dev_fraction * len(x)))
    dev, train = perm[:n_dev], perm[n_dev:]
    return x[train], y[train], x[dev], y[dev]
