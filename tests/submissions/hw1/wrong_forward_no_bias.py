# Wrong: forward ignores b (the lecture's x * w), so every cost with b != 0 is wrong too.
"""hw1: linear model y = x * w."""
import numpy as np


def forward(x, w, b=0.0):
    # the model from the lecture
    return np.asarray(x, dtype=np.float64) * w


def mse(y_pred, y):
    return float(np.mean((np.asarray(y_pred) - np.asarray(y)) ** 2))


def grid_search(x, y, ws, bs=(0.0,)):
    costs = np.zeros((len(ws), len(bs)))
    for i, w in enumerate(ws):
        for j, b in enumerate(bs):
            costs[i, j] = mse(forward(x, w, b), y)
    i, j = np.unravel_index(np.argmin(costs), costs.shape)
    return float(ws[i]), float(bs[j]), costs


def train_dev_split(x, y, dev_fraction, seed):
    x, y = np.asarray(x), np.asarray(y)
    perm = np.random.default_rng(seed).permutation(len(x))
    n_dev = round(dev_fraction * len(x))
    return x[perm[n_dev:]], y[perm[n_dev:]], x[perm[:n_dev]], y[perm[:n_dev]]
