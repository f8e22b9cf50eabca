# Correct but in float32: part A casts to float32 and returns float32, autograd runs in float32, train_quadratic uses default-dtype tensors.
"""HW3: backpropagation. Everything in float32 like on the GPU."""
import numpy as np
import torch


def sigmoid(z):
    z = np.asarray(z).astype(np.float32)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e)).astype(np.float32)


def affine_forward(x, W, b):
    x = np.asarray(x).astype(np.float32)
    W = np.asarray(W).astype(np.float32)
    b = np.asarray(b).astype(np.float32)
    out = x.dot(W) + b
    cache = (x, W, b)
    return out, cache


def affine_backward(dout, cache):
    x, W, b = cache
    dout = np.asarray(dout).astype(np.float32)
    dx = dout.dot(W.T)
    dW = x.T.dot(dout)
    db = np.sum(dout, axis=0)
    return dx, dW, db


def sigmoid_forward(z):
    a = sigmoid(z)
    return a, a


def sigmoid_backward(da, cache):
    a = cache
    da = np.asarray(da).astype(np.float32)
    return da * a * (1 - a)


def bce_loss(a, y):
    a = np.asarray(a).astype(np.float32)
    y = np.asarray(y).astype(np.float32)
    N = a.size
    loss = np.float32(-np.sum(y * np.log(a) + (1 - y) * np.log(1 - a)) / N)
    da = (-(y / a - (1 - y) / (1 - a)) / N).astype(np.float32)
    return loss, da


def mlp_loss(params, X, y):
    W1 = params["W1"].astype(np.float32)
    b1 = params["b1"].astype(np.float32)
    W2 = params["W2"].astype(np.float32)
    b2 = params["b2"].astype(np.float32)
    X = np.asarray(X).astype(np.float32)
    y = np.asarray(y).astype(np.float32).reshape(-1, 1)

    z1, cache1 = affine_forward(X, W1, b1)
    h, cache2 = sigmoid_forward(z1)
    z2, cache3 = affine_forward(h, W2, b2)
    a, cache4 = sigmoid_forward(z2)
    loss, da = bce_loss(a, y)

    dz2 = sigmoid_backward(da, cache4)
    dh, dW2, db2 = affine_backward(dz2, cache3)
    dz1 = sigmoid_backward(dh, cache2)
    _, dW1, db1 = affine_backward(dz1, cache1)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=np.float32)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        fxph = f(x)
        x[i] = old - h
        fxmh = f(x)
        x[i] = old
        grad[i] = (fxph - fxmh) / (2 * h)
        it.iternext()
    return grad


def quadratic_forward(x, w1, w2, b):
    return w1 * x ** 2 + w2 * x + b


def train_quadratic(x, y, lr, epochs, w1=1.0, w2=1.0, b=1.0):
    w1 = torch.tensor([w1], requires_grad=True)
    w2 = torch.tensor([w2], requires_grad=True)
    b = torch.tensor([b], requires_grad=True)
    losses = []
    for epoch in range(epochs):
        epoch_loss = 0.0
        for x_val, y_val in zip(x, y):
            l = (quadratic_forward(float(x_val), w1, w2, b) - float(y_val)) ** 2
            l.backward()
            epoch_loss += l.item()
            with torch.no_grad():
                w1 -= lr * w1.grad
                w2 -= lr * w2.grad
                b -= lr * b.grad
            w1.grad.zero_()
            w2.grad.zero_()
            b.grad.zero_()
        losses.append(epoch_loss / len(x))
    return w1.item(), w2.item(), b.item(), losses


def autograd_gradients(params, X, y, device="cpu"):
    p = {k: torch.tensor(v, dtype=torch.float32, device=device, requires_grad=True)
         for k, v in params.items()}
    X = torch.tensor(X, dtype=torch.float32, device=device)
    y = torch.tensor(y, dtype=torch.float32, device=device).view(-1, 1)
    h = torch.sigmoid(X @ p["W1"] + p["b1"])
    a = torch.sigmoid(h @ p["W2"] + p["b2"])
    loss = -(y * torch.log(a) + (1 - y) * torch.log(1 - a)).mean()
    loss.backward()
    return {k: p[k].grad.cpu().numpy().astype(np.float64) for k in p}


if __name__ == "__main__":
    print(sigmoid(np.array([-1e4, 0.0, 1e4])))
    w1, w2, b, losses = train_quadratic([1.0, 2.0, 3.0], [2.0, 4.0, 6.0], 0.01, 100)
    print("w1 =", w1, "w2 =", w2, "b =", b, "final loss =", losses[-1])
