# Wrong: gradient overwrites its running total (`grad = ...` for `grad += ...`), so it is the last sample's term / N; gradient_descent and minibatch_gd call it.
"""HW2 gradient descent -- my solution with plain for loops."""


def gradient(x, y, w):
    grad = 0.0
    for xn, yn in zip(x, y):
        grad = 2 * xn * (xn * w - yn)
    return grad / len(x)


def sample_gradient(xn, yn, w):
    return 2 * xn * (xn * w - yn)


def cost(x, y, w):
    total = 0.0
    for xn, yn in zip(x, y):
        total += (xn * w - yn) ** 2
    return total / len(x)


def gradient_descent(x, y, w0, lr, epochs):
    w = w0
    costs = []
    for epoch in range(epochs):
        costs.append(cost(x, y, w))   # before the update
        w = w - lr * gradient(x, y, w)
    return w, costs


def sgd(x, y, w0, lr, epochs):
    w = w0
    losses = []
    for epoch in range(epochs):
        epoch_loss = 0.0
        for xn, yn in zip(x, y):
            epoch_loss += (xn * w - yn) ** 2
            w = w - lr * sample_gradient(xn, yn, w)
        losses.append(epoch_loss / len(x))
    return w, losses


def minibatch_gd(x, y, w0, lr, epochs, batch_size):
    w = w0
    n = len(x)
    costs = []
    for epoch in range(epochs):
        start = 0
        while start < n:
            end = min(start + batch_size, n)
            w = w - lr * gradient(x[start:end], y[start:end], w)
            start = end
        costs.append(cost(x, y, w))
    return w, costs


def ema(values, beta):
    smoothed = [values[0]]
    for v in values[1:]:
        smoothed.append(beta * v + (1 - beta) * smoothed[-1])
    return smoothed
