# Wrong: gradient sums over the samples instead of averaging (no 1/N); gradient_descent and minibatch_gd (on each batch) call it.
import numpy as np


def gradient(x, y, w):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return np.sum(2 * x * (x * w - y))           # d cost / dw


def sample_gradient(xn, yn, w):
    return np.float64(2 * xn * (xn * w - yn))


def _cost(x, y, w):
    return np.mean((x * w - y) ** 2)


def gradient_descent(x, y, w0, lr, epochs):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    w = np.float64(w0)
    costs = np.zeros(epochs)
    for k in range(epochs):
        costs[k] = _cost(x, y, w)
        w = w - lr * gradient(x, y, w)
    return w, costs


def sgd(x, y, w0, lr, epochs):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    w = np.float64(w0)
    losses = np.zeros(epochs)
    for k in range(epochs):
        per_sample = np.zeros(len(x))
        for n in range(len(x)):
            per_sample[n] = (x[n] * w - y[n]) ** 2
            w = w - lr * sample_gradient(x[n], y[n], w)
        losses[k] = per_sample.mean()
    return w, losses


def minibatch_gd(x, y, w0, lr, epochs, batch_size):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    w = np.float64(w0)
    costs = np.zeros(epochs)
    starts = np.arange(0, len(x), batch_size)
    for k in range(epochs):
        for s in starts:
            w = w - lr * gradient(x[s:s + batch_size], y[s:s + batch_size], w)
        costs[k] = _cost(x, y, w)
    return w, costs


def ema(values, beta):
    v = np.asarray(values, dtype=float)
    t = len(v)
    i = np.arange(t)[:, None]
    j = np.arange(t)[None, :]
    # s_i = (1-b)^i v_0 + sum_{1<=j<=i} b (1-b)^(i-j) v_j
    weights = np.where(j <= i, beta * (1 - beta) ** np.maximum(i - j, 0), 0.0)
    weights[:, 0] = (1 - beta) ** np.arange(t)
    return weights @ v
