"""hw2 — gradient descent (梯度下降): your submission file.

Fill in every function below; the handout is assignments/hw2/README.md.

The model is the linear model without bias of Liu Er's lectures 2 and 3, ŷ = x·w,
and the cost is the mean squared error (MSE) over the N samples:

    cost(w) = (1/N) Σₙ (xₙ·w − yₙ)²

You train w three ways: full-batch gradient descent (梯度下降), stochastic gradient
descent (随机梯度下降, SGD) and mini-batch gradient descent; then you smooth a noisy
cost curve with an exponential moving average.

x and y arrive as 1-D float64 NumPy arrays (or lists of numbers); never modify them.
You may add helper functions (a ``forward`` or a ``cost``, say).

Run ``grade hw2`` from anywhere in the repository to check your work.
"""
import numpy as np


def gradient(x, y, w):
    """Gradient of the MSE cost with respect to w, over all samples.

    d cost / dw = (1/N) Σₙ 2·xₙ·(xₙ·w − yₙ)

    Args:
        x: (N,) inputs, float64 array (or a list of numbers), N ≥ 1.
        y: (N,) targets, the same length as x.
        w: the weight, a float.
    Returns:
        The gradient, a float.
    """
    # TODO: add up 2·xₙ·(xₙ·w − yₙ) over every sample, then divide by N
    #       (or vectorized: np.mean(2 * x * (x * w - y))).
    raise NotImplementedError("TODO: gradient")


def sample_gradient(xn, yn, w):
    """Gradient of ONE sample's loss (xn·w − yn)² with respect to w.

    d loss / dw = 2·xn·(xn·w − yn)

    Args:
        xn: one input, a float.
        yn: its target, a float.
        w: the weight, a float.
    Returns:
        The gradient, a float.
    """
    # TODO: return 2·xn·(xn·w − yn).
    raise NotImplementedError("TODO: sample_gradient")


def gradient_descent(x, y, w0, lr, epochs):
    """Full-batch gradient descent (梯度下降): one update per epoch.

    For k = 0 … epochs − 1:  costs[k] = cost(w);  then w ← w − lr·gradient(x, y, w).

    Args:
        x: (N,) inputs; y: (N,) targets (float64 arrays or lists).
        w0: the initial weight, a float.
        lr: the learning rate (学习率), a float.
        epochs: the number of epochs (= the number of updates), an int ≥ 1.
    Returns:
        (w, costs): w, the final weight, a float; costs, a list (or 1-D array) of
        ``epochs`` floats, costs[k] the cost BEFORE update k (so costs[0] = cost(w0)).
    """
    # TODO: w = w0; in each epoch record the cost at the current w, then update w.
    raise NotImplementedError("TODO: gradient_descent")


def sgd(x, y, w0, lr, epochs):
    """Stochastic gradient descent (随机梯度下降): one update per sample.

    Each epoch visits the samples in the given order (do not shuffle). For each sample
    n: lossₙ = (xₙ·w − yₙ)² with the current w, then w ← w − lr·sample_gradient(xₙ, yₙ, w).

    Args:
        x: (N,) inputs; y: (N,) targets (float64 arrays or lists), N ≥ 1.
        w0: the initial weight, a float.
        lr: the learning rate, a float.
        epochs: the number of passes over the data, an int ≥ 1.
    Returns:
        (w, losses): w, the final weight, a float; losses, a list (or 1-D array) of
        ``epochs`` floats, losses[k] the mean over epoch k of the N per-sample losses,
        each taken BEFORE the update that uses it.
    """
    # TODO: for each epoch, for each (xₙ, yₙ) in order: add the sample's loss to the
    #       epoch's total, then update w. Record total / N at the end of the epoch.
    raise NotImplementedError("TODO: sgd")


def minibatch_gd(x, y, w0, lr, epochs, batch_size):
    """Mini-batch gradient descent: one update per batch of consecutive samples.

    Each epoch cuts the data, in the given order, into the batches x[0:B], x[B:2B], …
    (B = batch_size); the last batch is shorter when N is not a multiple of B. Each
    update is w ← w − lr·(the MEAN gradient over the batch's samples).

    Args:
        x: (N,) inputs; y: (N,) targets (float64 arrays or lists), N ≥ 1.
        w0: the initial weight, a float.
        lr: the learning rate, a float.
        epochs: the number of passes over the data, an int ≥ 1.
        batch_size: B, an int ≥ 1 (B ≥ N means one batch of all the samples).
    Returns:
        (w, costs): w, the final weight, a float; costs, a list (or 1-D array) of
        ``epochs`` floats, costs[k] the full-data cost AFTER epoch k.
    """
    # TODO: for each epoch: for start in range(0, N, batch_size), update w with the
    #       gradient of the batch x[start:start + batch_size]; after the epoch's
    #       updates, record the cost over all N samples.
    raise NotImplementedError("TODO: minibatch_gd")


def ema(values, beta):
    """Exponential moving average (指数加权平均) of a sequence: smooths a noisy curve.

    s₀ = v₀,  sᵢ = β·vᵢ + (1 − β)·sᵢ₋₁

    Args:
        values: (T,) numbers, a float64 array or a list, T ≥ 1.
        beta: the weight of the newest value, a float in [0, 1].
    Returns:
        (T,) float64 ndarray, the smoothed values. values must not be modified.
    """
    # TODO: start from s₀ = v₀ and apply the recurrence for i = 1 … T − 1, writing
    #       into a new array (np.empty(len(values)) or a list), not into values.
    raise NotImplementedError("TODO: ema")
