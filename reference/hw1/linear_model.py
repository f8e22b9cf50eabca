"""hw1 — linear model and exhaustive search (线性模型, 穷举法): the reference solution.

Liu Er's "PyTorch 深度学习实践" lecture 2 fits the linear model ŷ = x·w to the data
x = [1, 2, 3], y = [2, 4, 6] without any calculus: it evaluates the mean squared error
(均方误差) for every w on a grid, w = 0.0, 0.1, …, 4.0, plots the cost against w, and
reads off the w of the lowest cost (exhaustive search, 穷举法). With an intercept,
ŷ = x·w + b, the grid is two-dimensional and the cost becomes a surface over (w, b).
Hung-yi Lee's regression lecture adds the other half of the story: a model is judged on
data it was not fitted on, so the samples are split into a training set (训练集) and a
development set (开发集 / 验证集).

Everything is float64 NumPy; lists are accepted wherever arrays are.
"""
import numpy as np


def forward(x, w, b=0.0):
    """The linear model's prediction (前向计算): ŷ = x·w + b, elementwise.

    Args:
        x: (N,) inputs, array-like of floats.
        w: the weight (权重), a number.
        b: the bias (偏置), a number; 0.0 gives the lecture's model ŷ = x·w.
    Returns:
        float64 ndarray (N,): the predictions ŷₙ = xₙ·w + b.
    """
    x = np.asarray(x, dtype=np.float64)
    return x * float(w) + float(b)


def mse(y_pred, y):
    """Mean squared error (均方误差, MSE) of predictions against targets.

    cost = (1/N) Σₙ (ŷₙ − yₙ)²  (Liu Er, lecture 2: the mean of the per-sample losses
    (ŷ − y)²).

    Args:
        y_pred: (N,) predictions ŷ.
        y: (N,) targets, the shape of y_pred.
    Returns:
        float: the mean of the squared errors (in the squared units of y).
    Raises:
        ValueError: if the shapes differ or N = 0.
    """
    y_pred = np.asarray(y_pred, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    # inputs outside the contract: not graded, so not mutated (grade audit)
    if y_pred.shape != y.shape:  # pragma: no mutate
        raise ValueError(f"y_pred has shape {y_pred.shape} but y has shape {y.shape}")  # pragma: no mutate
    if y.size == 0:  # pragma: no mutate
        raise ValueError("the mean squared error of no samples is undefined")  # pragma: no mutate
    return float(np.mean((y_pred - y) ** 2))


def grid_search(x, y, ws, bs=(0.0,)):
    """Exhaustive search (穷举法) of the (w, b) grid for the lowest MSE of ŷ = x·w + b.

    costs[i, j] = mse(forward(x, ws[i], bs[j]), y) for every pair of the grid (Liu Er,
    lecture 2, where bs is just (0.0,) and the cost is plotted against w). The best pair
    is the argmin of costs; on ties the first in row-major order wins (the smallest i,
    then the smallest j), which is what ``np.argmin`` on the table returns.

    Args:
        x: (N,) inputs.
        y: (N,) targets.
        ws: the weights to try, a sequence or 1-D array of length I.
        bs: the biases to try, a sequence or 1-D array of length J; default (0.0,),
            the model without a bias.
    Returns:
        (w_best, b_best, costs): w_best = ws[i*] and b_best = bs[j*] as floats (the grid
        values, not their indices); costs a float64 ndarray (I, J).
    Raises:
        ValueError: if ws or bs is empty (there is no best pair).
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    ws = np.asarray(ws, dtype=np.float64).reshape(-1)
    bs = np.asarray(bs, dtype=np.float64).reshape(-1)
    # inputs outside the contract: not graded, so not mutated (grade audit)
    if ws.size == 0 or bs.size == 0:  # pragma: no mutate
        raise ValueError("grid_search needs at least one w and one b")  # pragma: no mutate
    costs = np.empty((ws.size, bs.size))
    for i, w in enumerate(ws):
        for j, b in enumerate(bs):
            costs[i, j] = mse(forward(x, w, b), y)
    i, j = np.unravel_index(np.argmin(costs), costs.shape)  # first minimum, row-major
    return float(ws[i]), float(bs[j]), costs


def train_dev_split(x, y, dev_fraction, seed):
    """Shuffle the samples and split them into a training set and a development set.

    perm = numpy.random.default_rng(seed).permutation(N); n_dev = round(dev_fraction·N);
    the development set is perm[:n_dev] and the training set perm[n_dev:], each in
    that order, so x and y stay paired. The same seed gives the same split.

    Args:
        x: (N,) inputs (indexed along the first axis).
        y: (N,) targets, paired with x.
        dev_fraction: the share of the samples held out, in [0, 1].
        seed: the seed of the NumPy Generator that draws the permutation.
    Returns:
        (x_train, y_train, x_dev, y_dev): new ndarrays of lengths N − n_dev and n_dev,
        the dtypes of x and y; x and y are left unchanged.
    Raises:
        ValueError: if x and y have different lengths or dev_fraction is outside [0, 1].
    """
    x = np.asarray(x)
    y = np.asarray(y)
    # inputs outside the contract: not graded, so not mutated (grade audit)
    if len(x) != len(y):  # pragma: no mutate
        raise ValueError(f"x has {len(x)} samples but y has {len(y)}")  # pragma: no mutate
    if not 0.0 <= dev_fraction <= 1.0:  # pragma: no mutate
        raise ValueError(f"dev_fraction must lie in [0, 1], got {dev_fraction}")  # pragma: no mutate
    n = len(x)
    perm = np.random.default_rng(seed).permutation(n)
    n_dev = int(round(dev_fraction * n))
    dev, train = perm[:n_dev], perm[n_dev:]
    return x[train], y[train], x[dev], y[dev]
