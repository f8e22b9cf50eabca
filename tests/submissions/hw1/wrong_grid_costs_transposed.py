# Wrong: grid_search loops over bs outside and ws inside, so costs has shape (len(bs), len(ws)).
import numpy as np


def forward(x, w, b=0.0):
    return np.asarray(x, dtype=np.float64) * w + b


def mse(y_pred, y):
    return float(np.mean((np.asarray(y_pred) - np.asarray(y)) ** 2))


def grid_search(x, y, ws, bs=(0.0,)):
    table = []
    for b in bs:
        row = [mse(forward(x, w, b), y) for w in ws]
        table.append(row)
    costs = np.array(table)              # one row per b
    j, i = np.unravel_index(np.argmin(costs), costs.shape)
    return float(ws[i]), float(bs[j]), costs


def train_dev_split(x, y, dev_fraction, seed):
    x, y = np.asarray(x), np.asarray(y)
    perm = np.random.default_rng(seed).permutation(len(x))
    n_dev = round(dev_fraction * len(x))
    return x[perm[n_dev:]], y[perm[n_dev:]], x[perm[:n_dev]], y[perm[:n_dev]]
