"""Known mistakes in hw1 (linear model and exhaustive search), as wrong variants of the
reference.

Each variant is called as ``variant(reference, *args)`` on the arguments of the
student's call that failed a test (see ``grader.hints``); when the student's whole
return value matches the variant's, the student reads the hint.  A mistake in
``forward`` or ``mse`` also spoils ``grid_search``'s costs, so it is declared for
``grid_search`` too, with the same id and hint.
"""

import numpy as np

from grader.hints import misconception

BIAS_IGNORED = (
    "your predictions ignore b: the model is ŷ = x·w + b, so forward must return "
    "x * w + b (the lecture's x * w is only the case b = 0), and grid_search must pass "
    "each bs[j] to it.")
MSE_SUM = (
    "your cost is the sum of the squared errors, N times the mean: the MSE is "
    "(1/N) Σ (ŷₙ − yₙ)², so divide the sum by N (or use np.mean).")
SQUARE_OF_MEAN = (
    "your cost is the square of the mean error, (mean(ŷ − y))², where the mean of the "
    "squared errors, mean((ŷ − y)²), is due: square each error first, then average "
    "(check the parentheses).")
INDEX_NOT_VALUE = (
    "you returned the positions (i, j) of the best entry of costs, not the grid values: "
    "return ws[i] and bs[j].")
TIES_LAST = (
    "where several (w, b) have the same smallest cost you returned a later one: the "
    "first in row-major order must win (the smallest i, then the smallest j). Compare "
    "with a strict < when you keep the best in the loop over ws (outer) and bs (inner), "
    "or use np.argmin on costs with np.unravel_index.")
COSTS_TRANSPOSED = (
    "your costs table is transposed, one row per b and one column per w: it must have "
    "shape (len(ws), len(bs)) with costs[i, j] the cost of (ws[i], bs[j]). Loop over ws "
    "outside and bs inside; that order also makes the first of tied pairs the one with "
    "the smallest i, as asked.")
N_DEV_TRUNCATED = (
    "your dev set has int(dev_fraction·N) samples, rounded down: the contract says "
    "n_dev = round(dev_fraction·N) (int(2.7) is 2, round(2.7) is 3).")
LEGACY_RNG = (
    "your permutation comes from NumPy's legacy generator (np.random.seed with "
    "np.random.permutation, or RandomState): use the new one, "
    "perm = np.random.default_rng(seed).permutation(N), which gives other numbers for "
    "the same seed.")
DEV_TRAIN_SWAPPED = (
    "your training and dev sets are swapped: the dev samples are perm[:n_dev], the "
    "training samples perm[n_dev:], and the function returns "
    "(x_train, y_train, x_dev, y_dev), the training set first.")
Y_SHUFFLED_SEPARATELY = (
    "your x and y were shuffled with two different permutations, so x_dev[k] no longer "
    "goes with y_dev[k]: draw ONE permutation perm and index both, x[perm] and y[perm].")


# ---------------------------------------------------------------- forward and mse

def _forward_without_bias(x, w, b=0.0):
    return np.asarray(x, dtype=np.float64) * float(w)


def _mse_sum(y_pred, y):
    return float(np.sum((np.asarray(y_pred, dtype=np.float64) - np.asarray(y, dtype=np.float64)) ** 2))


def _mse_square_of_mean(y_pred, y):
    return float(np.mean(np.asarray(y_pred, dtype=np.float64) - np.asarray(y, dtype=np.float64)) ** 2)


@misconception("forward", id="bias_ignored", hint=BIAS_IGNORED)
def forward_bias_ignored(reference, x, w, b=0.0):
    return _forward_without_bias(x, w, b)


@misconception("mse", id="mse_sum", hint=MSE_SUM)
def mse_sum(reference, y_pred, y):
    return _mse_sum(y_pred, y)


@misconception("mse", id="square_of_mean", hint=SQUARE_OF_MEAN)
def mse_square_of_mean(reference, y_pred, y):
    return _mse_square_of_mean(y_pred, y)


# ---------------------------------------------------------------- grid_search

def _grid_search(x, y, ws, bs=(0.0,), *, forward=None, mse=None, reference=None,
                 ties_last=False, indices=False, transposed=False):
    """The reference's grid_search with one step done the wrong way (keyword arguments)."""
    forward = forward or reference.forward
    mse = mse or reference.mse
    ws = np.asarray(ws, dtype=np.float64).reshape(-1)
    bs = np.asarray(bs, dtype=np.float64).reshape(-1)
    costs = np.array([[mse(forward(x, w, b), y) for b in bs] for w in ws], dtype=np.float64)
    if ties_last:  # the last minimum in row-major order (a <= in the loop)
        i, j = np.unravel_index(costs.size - 1 - int(np.argmin(costs.ravel()[::-1])), costs.shape)
    elif transposed:  # the table built with bs outside: its first minimum is column-major
        j, i = np.unravel_index(int(np.argmin(costs.T)), costs.T.shape)
    else:
        i, j = np.unravel_index(int(np.argmin(costs)), costs.shape)
    best = (int(i), int(j)) if indices else (float(ws[i]), float(bs[j]))
    return best[0], best[1], costs.T if transposed else costs


@misconception("grid_search", id="bias_ignored", hint=BIAS_IGNORED)
def grid_search_bias_ignored(reference, x, y, ws, bs=(0.0,)):
    return _grid_search(x, y, ws, bs, reference=reference, forward=_forward_without_bias)


@misconception("grid_search", id="mse_sum", hint=MSE_SUM)
def grid_search_mse_sum(reference, x, y, ws, bs=(0.0,)):
    return _grid_search(x, y, ws, bs, reference=reference, mse=_mse_sum)


@misconception("grid_search", id="square_of_mean", hint=SQUARE_OF_MEAN)
def grid_search_square_of_mean(reference, x, y, ws, bs=(0.0,)):
    return _grid_search(x, y, ws, bs, reference=reference, mse=_mse_square_of_mean)


@misconception("grid_search", id="index_not_value", hint=INDEX_NOT_VALUE)
def grid_search_index_not_value(reference, x, y, ws, bs=(0.0,)):
    return _grid_search(x, y, ws, bs, reference=reference, indices=True)


@misconception("grid_search", id="ties_last", hint=TIES_LAST)
def grid_search_ties_last(reference, x, y, ws, bs=(0.0,)):
    return _grid_search(x, y, ws, bs, reference=reference, ties_last=True)


@misconception("grid_search", id="costs_transposed", hint=COSTS_TRANSPOSED)
def grid_search_costs_transposed(reference, x, y, ws, bs=(0.0,)):
    return _grid_search(x, y, ws, bs, reference=reference, transposed=True)


# ---------------------------------------------------------------- train_dev_split

def _split(x, y, perm_x, perm_y, n_dev):
    x, y = np.asarray(x), np.asarray(y)
    return x[perm_x[n_dev:]], y[perm_y[n_dev:]], x[perm_x[:n_dev]], y[perm_y[:n_dev]]


@misconception("train_dev_split", id="n_dev_truncated", hint=N_DEV_TRUNCATED)
def split_n_dev_truncated(reference, x, y, dev_fraction, seed):
    perm = np.random.default_rng(seed).permutation(len(x))
    return _split(x, y, perm, perm, int(dev_fraction * len(x)))


@misconception("train_dev_split", id="legacy_rng", hint=LEGACY_RNG)
def split_legacy_rng(reference, x, y, dev_fraction, seed):
    perm = np.random.RandomState(seed).permutation(len(x))
    return _split(x, y, perm, perm, round(dev_fraction * len(x)))


@misconception("train_dev_split", id="dev_train_swapped", hint=DEV_TRAIN_SWAPPED)
def split_dev_train_swapped(reference, x, y, dev_fraction, seed):
    x_train, y_train, x_dev, y_dev = reference.train_dev_split(x, y, dev_fraction, seed)
    return x_dev, y_dev, x_train, y_train


@misconception("train_dev_split", id="y_shuffled_separately", hint=Y_SHUFFLED_SEPARATELY)
def split_y_shuffled_separately(reference, x, y, dev_fraction, seed):
    rng = np.random.default_rng(seed)
    perm_x, perm_y = rng.permutation(len(x)), rng.permutation(len(x))
    return _split(x, y, perm_x, perm_y, round(dev_fraction * len(x)))
