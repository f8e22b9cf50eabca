# Realistic wrong submission: autograd on the summed loss (the PyTorch tutorial's `.sum()`), not the mean mlp_loss uses.
"""hw3 backprop - my solution, done with loops so I can see every step."""
import math

import numpy as np
import torch


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    out = np.zeros(z.shape)
    for idx in np.ndindex(z.shape):
        v = float(z[idx])
        if v >= 0:
            out[idx] = 1.0 / (1.0 + math.exp(-v))
        else:
            # exp(v) is small here, no overflow
            ev = math.exp(v)
            out[idx] = ev / (1.0 + ev)
    return out


def affine_forward(x, W, b):
    x = np.asarray(x, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    N = x.shape[0]
    M = W.shape[1]
    out = np.zeros((N, M))
    for n in range(N):
        out[n] = np.dot(x[n], W) + b
    cache = (x, W, b)
    return out, cache


def affine_backward(dout, cache):
    x, W, b = cache
    dout = np.asarray(dout, dtype=np.float64)
    N = x.shape[0]
    dx = np.zeros(x.shape)
    dW = np.zeros(W.shape)
    db = np.zeros(b.shape)
    for n in range(N):
        dx[n] = np.dot(W, dout[n])
        dW += np.outer(x[n], dout[n])
        db += dout[n]
    return dx, dW, db


def sigmoid_forward(z):
    a = sigmoid(z)
    cache = a
    return a, cache


def sigmoid_backward(da, cache):
    a = cache
    da = np.asarray(da, dtype=np.float64)
    dz = np.zeros(a.shape)
    for idx in np.ndindex(a.shape):
        dz[idx] = da[idx] * a[idx] * (1 - a[idx])
    return dz


def bce_loss(a, y):
    a = np.asarray(a, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    N = a.size
    total = 0.0
    da = np.zeros(a.shape)
    for idx in np.ndindex(a.shape):
        ai = a[idx]
        yi = y[idx]
        total += yi * math.log(ai) + (1 - yi) * math.log(1 - ai)
        da[idx] = -(yi / ai - (1 - yi) / (1 - ai)) / N
    loss = -total / N
    return loss, da


def mlp_loss(params, X, y):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(-1, 1)
    # forward
    z1, c1 = affine_forward(X, params["W1"], params["b1"])
    h, c2 = sigmoid_forward(z1)
    z2, c3 = affine_forward(h, params["W2"], params["b2"])
    a, c4 = sigmoid_forward(z2)
    loss, da = bce_loss(a, y)
    # backward
    dz2 = sigmoid_backward(da, c4)
    dh, dW2, db2 = affine_backward(dz2, c3)
    dz1 = sigmoid_backward(dh, c2)
    dX, dW1, db1 = affine_backward(dz1, c1)
    grads = {}
    grads["W1"] = dW1
    grads["b1"] = db1
    grads["W2"] = dW2
    grads["b2"] = db2
    return loss, grads


def numerical_gradient(f, x, h=1e-5):
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        x_plus = x.copy()
        x_plus[idx] += h
        x_minus = x.copy()
        x_minus[idx] -= h
        grad[idx] = (f(x_plus) - f(x_minus)) / (2 * h)
    return grad


def quadratic_forward(x, w1, w2, b):
    return w1 * x * x + w2 * x + b


def train_quadratic(x, y, lr, epochs, w1=1.0, w2=1.0, b=1.0):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w1 = torch.tensor([w1], dtype=torch.float64, requires_grad=True)
    w2 = torch.tensor([w2], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([b], dtype=torch.float64, requires_grad=True)
    weights = [w1, w2, b]
    losses = []
    for epoch in range(epochs):
        total = 0.0
        for i in range(len(x)):
            l = (quadratic_forward(float(x[i]), w1, w2, b) - float(y[i])) ** 2
            l.backward()
            total += l.item()
            with torch.no_grad():
                for w in weights:
                    w -= lr * w.grad
            for w in weights:
                w.grad.zero_()
        losses.append(total / len(x))
    return w1.item(), w2.item(), b.item(), losses


def autograd_gradients(params, X, y, device="cpu"):
    tensors = {}
    for key in params:
        tensors[key] = torch.tensor(np.asarray(params[key], dtype=np.float64),
                                    dtype=torch.float64, device=device,
                                    requires_grad=True)
    X = torch.tensor(np.asarray(X, dtype=np.float64), dtype=torch.float64, device=device)
    y = torch.tensor(np.asarray(y, dtype=np.float64), dtype=torch.float64,
                     device=device).reshape(-1, 1)
    h = torch.sigmoid(X @ tensors["W1"] + tensors["b1"])
    a = torch.sigmoid(h @ tensors["W2"] + tensors["b2"])
    loss = torch.nn.functional.binary_cross_entropy(a, y, reduction="sum")
    loss.backward()
    grads = {}
    for key in tensors:
        grads[key] = tensors[key].grad.cpu().numpy().astype(np.float64)
    return grads


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    params = {"W1": rng.normal(size=(3, 4)), "b1": np.zeros(4),
              "W2": rng.normal(size=(4, 1)), "b2": np.zeros(1)}
    X = rng.normal(size=(5, 3))
    y = (rng.random((5, 1)) > 0.5).astype(float)
    loss, grads = mlp_loss(params, X, y)
    num = numerical_gradient(lambda W1: mlp_loss({**params, "W1": W1}, X, y)[0],
                             params["W1"])
    print("loss", loss, "max diff W1", np.max(np.abs(num - grads["W1"])))
    print(train_quadratic([1, 2, 3], [2, 4, 6], 0.01, 100)[:3])
