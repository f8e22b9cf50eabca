# Correct but in float32 throughout (as on a GPU); returns np.float32 weights and float32 arrays.
import numpy as np

F = np.float32


def gradient(x, y, w):
    x = np.asarray(x, dtype=F)
    y = np.asarray(y, dtype=F)
    w = F(w)
    return F(2) * np.mean(x * (x * w - y))


def sample_gradient(xn, yn, w):
    xn, yn, w = F(xn), F(yn), F(w)
    return F(2) * xn * (xn * w - yn)


def mse(x, y, w):
    return np.mean((x * w - y) ** 2, dtype=F)


def gradient_descent(x, y, w0, lr, epochs):
    x, y = np.asarray(x, dtype=F), np.asarray(y, dtype=F)
    w, lr = F(w0), F(lr)
    costs = np.empty(epochs, dtype=F)
    for epoch in range(epochs):
        costs[epoch] = mse(x, y, w)
        w = w - lr * gradient(x, y, w)
    return w, costs


def sgd(x, y, w0, lr, epochs):
    x, y = np.asarray(x, dtype=F), np.asarray(y, dtype=F)
    w, lr = F(w0), F(lr)
    losses = np.empty(epochs, dtype=F)
    for epoch in range(epochs):
        total = F(0)
        for xn, yn in zip(x, y):
            total += (xn * w - yn) ** 2
            w = w - lr * sample_gradient(xn, yn, w)
        losses[epoch] = total / F(len(x))
    return w, losses


def minibatch_gd(x, y, w0, lr, epochs, batch_size):
    x, y = np.asarray(x, dtype=F), np.asarray(y, dtype=F)
    w, lr = F(w0), F(lr)
    costs = np.empty(epochs, dtype=F)
    for epoch in range(epochs):
        for i in range(0, len(x), batch_size):
            w = w - lr * gradient(x[i:i + batch_size], y[i:i + batch_size], w)
        costs[epoch] = mse(x, y, w)
    return w, costs


def ema(values, beta):
    v = np.asarray(values, dtype=F)
    beta = F(beta)
    s = np.empty_like(v)
    s[0] = v[0]
    for i in range(1, len(v)):
        s[i] = beta * v[i] + (F(1) - beta) * s[i - 1]
    return s
