"""hw1 — linear model and exhaustive search (线性模型, 穷举法): your submission file.

Fill in every function below; the handout is assignments/hw1/README.md.

You fit the linear model ŷ = x·w + b by trying every (w, b) on a grid and keeping the
pair of the lowest mean squared error, as in Liu Er's "PyTorch 深度学习实践" lecture 2,
and you split the data into a training set and a development set.

Run ``grade hw1`` from anywhere in the repository to check your work.
"""
import numpy as np


def forward(x, w, b=0.0):
    """The linear model's prediction (前向计算): ŷ = x·w + b, elementwise.

    Args:
        x: (N,) float64 array (or a list of floats) of inputs.
        w: the weight (权重), a number.
        b: the bias (偏置), a number; the default 0.0 gives the lecture's ŷ = x·w.
    Returns:
        float ndarray of shape (N,): ŷₙ = xₙ·w + b.
    """
    # TODO: one line with NumPy (convert x with np.asarray first, so lists work too).
    raise NotImplementedError("TODO: forward")


def mse(y_pred, y):
    """Mean squared error (均方误差): cost = (1/N) Σₙ (ŷₙ − yₙ)².

    Args:
        y_pred: (N,) predictions ŷ.
        y: (N,) targets, the shape of y_pred.
    Returns:
        float: the mean (not the sum) of the squared errors.
    """
    # TODO: square each error first, then take the mean over the N samples.
    raise NotImplementedError("TODO: mse")


def grid_search(x, y, ws, bs=(0.0,)):
    """Exhaustive search (穷举法) of the grid of (w, b) pairs for the lowest MSE.

    costs[i, j] = mse(forward(x, ws[i], bs[j]), y) for every i and j.

    Args:
        x: (N,) inputs.
        y: (N,) targets.
        ws: the weights to try: a list, tuple or 1-D array of length I.
        bs: the biases to try: a list, tuple or 1-D array of length J; the default
            (0.0,) searches the model without a bias, and then costs has shape (I, 1).
    Returns:
        (w_best, b_best, costs):
        - w_best, b_best: floats, the grid VALUES ws[i*] and bs[j*] (not the indices)
          of the smallest entry of costs; on ties, the first one in row-major order
          (the smallest i, then the smallest j).
        - costs: float ndarray of shape (I, J), one row per w, one column per b.
    """
    # TODO: fill a table of shape (len(ws), len(bs)) using your forward and mse, then
    #       find the position of its smallest entry (np.argmin and np.unravel_index, or
    #       a strict < while you loop).
    raise NotImplementedError("TODO: grid_search")


def train_dev_split(x, y, dev_fraction, seed):
    """Shuffle the samples with a seeded generator and split them into train and dev.

    perm = numpy.random.default_rng(seed).permutation(N)
    n_dev = round(dev_fraction·N)
    dev samples = perm[:n_dev], train samples = perm[n_dev:], in that order.

    Args:
        x: (N,) inputs.
        y: (N,) targets, paired with x (x[n] goes with y[n]).
        dev_fraction: the share of samples in the development set, in [0, 1].
        seed: an int, the seed of the generator.
    Returns:
        (x_train, y_train, x_dev, y_dev): arrays of lengths N − n_dev, N − n_dev, n_dev,
        n_dev. x and y themselves must not be modified.
    """
    # TODO: draw ONE permutation and index both x and y with it.
    raise NotImplementedError("TODO: train_dev_split")
