# Realistic wrong submission: the train part taken first, k = int(N * (1 - dev_fraction)), as in the homework's validation split.
"""hw1 - linear model. I did everything with for loops like in the video."""
import numpy as np


def forward(x, w, b=0.0):
    y_hat = []
    for xi in x:
        y_hat.append(float(xi) * w + b)
    return y_hat


def mse(y_pred, y):
    total = 0.0
    n = 0
    for yp, yt in zip(y_pred, y):
        total += (float(yp) - float(yt)) ** 2
        n += 1
    return total / n


def grid_search(x, y, ws, bs=(0.0,)):
    costs = []
    best_cost = None
    w_best, b_best = None, None
    for w in ws:
        row = []
        for b in bs:
            cost = mse(forward(x, w, b), y)
            row.append(cost)
            if best_cost is None or cost < best_cost:  # strict <, keeps the first one
                best_cost = cost
                w_best, b_best = w, b
        costs.append(row)
    return float(w_best), float(b_best), costs


def train_dev_split(x, y, dev_fraction, seed):
    x = np.asarray(x)
    y = np.asarray(y)
    shuffled_indexes = np.random.default_rng(seed).permutation(len(x))
    k = int(len(x) * (1 - dev_fraction))
    train_indexes = shuffled_indexes[:k]
    dev_indexes = shuffled_indexes[k:]
    return x[train_indexes], y[train_indexes], x[dev_indexes], y[dev_indexes]


if __name__ == "__main__":
    x_data = [1.0, 2.0, 3.0]
    y_data = [2.0, 4.0, 6.0]
    w_list = [i / 10 for i in range(41)]
    w, b, costs = grid_search(x_data, y_data, w_list)
    print("best w:", w, "cost:", min(r[0] for r in costs))
