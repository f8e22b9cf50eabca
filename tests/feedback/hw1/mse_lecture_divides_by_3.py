# Realistic wrong submission: the lecture's l_sum / 3 kept in mse.
import numpy as np
import matplotlib.pyplot as plt

x_data = [1.0, 2.0, 3.0]
y_data = [2.0, 4.0, 6.0]


def forward(x, w, b=0.0):
    return np.array([xi * w + b for xi in x])


def loss(x, y, w, b=0.0):
    y_pred = x * w + b
    return (y_pred - y) * (y_pred - y)


def mse(y_pred, y):
    l_sum = 0
    for y_p, y_val in zip(y_pred, y):
        l_sum += (y_p - y_val) ** 2
    return l_sum / 3


def grid_search(x, y, ws, bs=(0.0,)):
    costs = np.zeros((len(ws), len(bs)))
    candidates = []
    for i, w in enumerate(ws):
        for j, b in enumerate(bs):
            costs[i][j] = mse(forward(x, w, b), y)
            candidates.append((costs[i][j], i, j))
    # tuples compare by cost first, then by i, then by j: the first of equal costs wins
    _, i_best, j_best = min(candidates)
    return ws[i_best], bs[j_best], costs


def train_dev_split(x, y, dev_fraction, seed):
    x = np.array(x)
    y = np.array(y)
    N = len(x)
    perm = np.random.default_rng(seed).permutation(N)
    n_dev = round(dev_fraction * N)
    return x[perm[n_dev:]], y[perm[n_dev:]], x[perm[:n_dev]], y[perm[:n_dev]]


# ----- the lecture's exhaustive search -----
w_list = []
mse_list = []
for w in np.arange(0.0, 4.1, 0.1):
    print('w=', w)
    l_sum = 0
    for x_val, y_val in zip(x_data, y_data):
        y_pred_val = x_val * w
        loss_val = loss(x_val, y_val, w)
        l_sum += loss_val
        print('\t', x_val, y_val, y_pred_val, loss_val)
    print('MSE=', l_sum / 3)
    w_list.append(w)
    mse_list.append(l_sum / 3)

plt.plot(w_list, mse_list)
plt.ylabel('Loss')
plt.xlabel('w')
plt.show()
