"""hw2 — gradient descent (梯度下降): the reference solution.

The linear model without bias ŷ = x·w of Liu Er's "PyTorch 深度学习实践" lectures 2
and 3, trained on the mean squared error (MSE)

    cost(w) = (1/N) Σₙ (xₙ·w − yₙ)²

in three ways: full-batch gradient descent (one update per epoch, the gradient of the
whole cost), stochastic gradient descent (随机梯度下降, one update per sample, in the
given order) and mini-batch gradient descent (one update per consecutive slice of
``batch_size`` samples, with the batch's mean gradient).  ``ema`` smooths a noisy cost
curve by an exponential moving average.

Every computation is float64; x and y may be NumPy arrays or lists of numbers, and
they are never modified.  Histories are returned as lists of Python floats, one per
epoch.
"""
import numpy as np


def _as_data(x, y):
    """x and y as float64 vectors of one length N (new arrays: the inputs stay as they are)."""
    x = np.array(x, dtype=np.float64).reshape(-1)
    y = np.array(y, dtype=np.float64).reshape(-1)
    # inputs outside the contract: not graded, so not mutated (grade audit)
    if x.shape != y.shape:  # pragma: no mutate
        raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}")  # pragma: no mutate
    return x, y


def _cost(x, y, w):
    """The MSE (1/N) Σ (xₙw − yₙ)² of float64 vectors x, y at the weight w (a float)."""
    return float(np.mean((x * w - y) ** 2))


def gradient(x, y, w):
    """Gradient of the MSE with respect to w, over all samples.

    d cost / dw = (1/N) Σₙ 2·xₙ·(xₙ·w − yₙ)   (Liu Er, lecture 3).

    Args:
        x: (N,) inputs, float64 array or list of numbers, N ≥ 1.
        y: (N,) targets, same length as x.
        w: the weight, a number.
    Returns:
        The gradient, a Python float.
    Raises:
        ValueError: if x and y have different lengths.
    """
    x, y = _as_data(x, y)
    return float(np.mean(2.0 * x * (x * w - y)))


def sample_gradient(xn, yn, w):
    """Gradient of one sample's loss (xn·w − yn)² with respect to w.

    d loss / dw = 2·xn·(xn·w − yn)   (Liu Er, lecture 3, the SGD version).

    Args:
        xn: one input, a number.
        yn: its target, a number.
        w: the weight, a number.
    Returns:
        The gradient, a Python float.
    """
    xn, yn, w = float(xn), float(yn), float(w)
    return 2.0 * xn * (xn * w - yn)


def gradient_descent(x, y, w0, lr, epochs):
    """Full-batch gradient descent (梯度下降) on the MSE.

    For k = 0 … epochs − 1:  costs[k] = cost(w);  w ← w − lr·gradient(x, y, w).

    Args:
        x: (N,) inputs; y: (N,) targets (arrays or lists).
        w0: the initial weight.
        lr: the learning rate (学习率).
        epochs: the number of updates (one per epoch), ≥ 0.
    Returns:
        (w, costs): the final weight, a float, and a list of ``epochs`` floats,
        costs[k] the cost before update k.
    """
    x, y = _as_data(x, y)
    w = float(w0)
    costs = []
    for _ in range(epochs):
        costs.append(_cost(x, y, w))
        w -= lr * gradient(x, y, w)
    return float(w), costs


def sgd(x, y, w0, lr, epochs):
    """Stochastic gradient descent (随机梯度下降), one update per sample.

    Each epoch visits the samples in the given order (no shuffling); for each sample n:
    lossₙ = (xₙw − yₙ)², then w ← w − lr·sample_gradient(xₙ, yₙ, w), the loss being
    taken before the update that uses it.

    Args:
        x: (N,) inputs; y: (N,) targets (arrays or lists), N ≥ 1.
        w0: the initial weight.
        lr: the learning rate.
        epochs: the number of passes over the data, ≥ 0.
    Returns:
        (w, losses): the final weight, a float, and a list of ``epochs`` floats,
        losses[k] the mean over epoch k of the per-sample losses.
    """
    x, y = _as_data(x, y)
    w = float(w0)
    losses = []
    for _ in range(epochs):
        total = 0.0
        for xn, yn in zip(x, y):
            total += (xn * w - yn) ** 2
            w -= lr * sample_gradient(xn, yn, w)
        losses.append(float(total / x.size))
    return float(w), losses


def minibatch_gd(x, y, w0, lr, epochs, batch_size):
    """Mini-batch gradient descent: one update per consecutive batch of samples.

    Each epoch splits the data, in the given order, into the slices
    [0, B), [B, 2B), …, the last one shorter when N is not a multiple of B; each
    update is w ← w − lr·gradient(x_batch, y_batch, w), the batch's MEAN gradient.
    A batch_size ≥ N gives one batch per epoch (full-batch gradient descent), and
    batch_size = 1 gives SGD.

    Args:
        x: (N,) inputs; y: (N,) targets (arrays or lists), N ≥ 1.
        w0: the initial weight.
        lr: the learning rate.
        epochs: the number of passes over the data, ≥ 0.
        batch_size: B ≥ 1, the number of samples per update.
    Returns:
        (w, costs): the final weight, a float, and a list of ``epochs`` floats,
        costs[k] the full-data cost AFTER epoch k.
    Raises:
        ValueError: if batch_size < 1.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    x, y = _as_data(x, y)
    w = float(w0)
    costs = []
    for _ in range(epochs):
        for start in range(0, x.size, batch_size):
            stop = start + batch_size
            w -= lr * gradient(x[start:stop], y[start:stop], w)
        costs.append(_cost(x, y, w))
    return float(w), costs


def ema(values, beta):
    """Exponential moving average (指数加权平均) of a sequence: the smoothing applied to a
    noisy training curve before it is plotted (as TensorBoard's "smoothing" does).

    s₀ = v₀,  sᵢ = β·vᵢ + (1 − β)·sᵢ₋₁:  β is the weight of the newest value, so β = 1
    returns the values themselves and β = 0 repeats v₀.

    Args:
        values: (T,) numbers, array or list.
        beta: the weight in [0, 1].
    Returns:
        float64 ndarray (T,), the smoothed values.
    """
    v = np.array(values, dtype=np.float64).reshape(-1)
    s = np.empty_like(v)
    for i, value in enumerate(v):
        s[i] = value if i == 0 else beta * value + (1.0 - beta) * s[i - 1]
    return s
