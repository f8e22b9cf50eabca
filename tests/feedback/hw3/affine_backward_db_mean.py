# Realistic wrong submission: db averaged over the batch (np.mean) instead of summed.
import numpy as np
import torch
import matplotlib.pyplot as plt

print("HW3 backpropagation")


# ---------------- Part A: numpy ----------------

def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    result = np.zeros_like(z)
    pos = z >= 0
    neg = ~pos
    result[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    exp_z = np.exp(z[neg])
    result[neg] = exp_z / (1.0 + exp_z)
    return result


def affine_forward(x, W, b):
    out = np.dot(x, W) + b
    cache = {"x": x, "W": W, "b": b}
    return out, cache


def affine_backward(dout, cache):
    x = cache["x"]
    W = cache["W"]
    dx = np.dot(dout, W.T)
    dW = np.dot(x.T, dout)
    db = np.mean(dout, axis=0)
    return dx, dW, db


def sigmoid_forward(z):
    a = sigmoid(z)
    cache = {"a": a}
    return a, cache


def sigmoid_backward(da, cache):
    a = cache["a"]
    dz = da * a * (1 - a)
    return dz


def bce_loss(a, y):
    N = a.size
    loss = -np.mean(y * np.log(a) + (1 - y) * np.log(1 - a))  # np.float64
    da = (a - y) / (a * (1 - a)) / N
    return loss, da


def mlp_loss(params, X, y):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    # forward pass
    z1, fc1_cache = affine_forward(X, W1, b1)
    h, sig1_cache = sigmoid_forward(z1)
    z2, fc2_cache = affine_forward(h, W2, b2)
    a, sig2_cache = sigmoid_forward(z2)
    loss, da = bce_loss(a, y)
    # backward pass
    dz2 = sigmoid_backward(da, sig2_cache)
    dh, dW2, db2 = affine_backward(dz2, fc2_cache)
    dz1 = sigmoid_backward(dh, sig1_cache)
    dX, dW1, db1 = affine_backward(dz1, fc1_cache)
    grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    return loss, grads


def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(*x.shape):
        tmp = x[i]
        try:
            x[i] = tmp + h
            fxh1 = f(x)
            x[i] = tmp - h
            fxh2 = f(x)
            grad[i] = (fxh1 - fxh2) / (2 * h)
        finally:
            x[i] = tmp  # 还原值
    return grad


# ---------------- Part B: torch ----------------

def quadratic_forward(x, w1, w2, b):
    return w1 * x * x + w2 * x + b


def train_quadratic(x, y, lr, epochs, w1=1.0, w2=1.0, b=1.0):
    x_data = list(x)
    y_data = list(y)
    w_1 = torch.tensor([w1], dtype=torch.float64)
    w_1.requires_grad = True
    w_2 = torch.tensor([w2], dtype=torch.float64)
    w_2.requires_grad = True
    b_ = torch.tensor([b], dtype=torch.float64)
    b_.requires_grad = True

    loss_list = []
    for epoch in range(epochs):
        l_sum = 0
        for x_val, y_val in zip(x_data, y_data):
            l = (quadratic_forward(x_val, w_1, w_2, b_) - y_val) ** 2
            l.backward()
            l_sum += l.item()
            w_1.data = w_1.data - lr * w_1.grad.data
            w_2.data = w_2.data - lr * w_2.grad.data
            b_.data = b_.data - lr * b_.grad.data
            w_1.grad.data.zero_()
            w_2.grad.data.zero_()
            b_.grad.data.zero_()
        loss_list.append(l_sum / len(x_data))
    return w_1.item(), w_2.item(), b_.item(), loss_list


def autograd_gradients(params, X, y, device="cpu"):
    tensors = {}
    for k, v in params.items():
        tensors[k] = torch.from_numpy(v).to(device).requires_grad_(True)
    X_t = torch.from_numpy(X).to(device)
    y_t = torch.from_numpy(y).to(device)
    h = torch.sigmoid(torch.matmul(X_t, tensors["W1"]) + tensors["b1"])
    a = torch.sigmoid(torch.matmul(h, tensors["W2"]) + tensors["b2"])
    criterion = torch.nn.BCELoss(reduction="mean")
    loss = criterion(a, y_t)
    loss.backward()
    return {k: t.grad.cpu().numpy() for k, t in tensors.items()}


# ---------------- demo ----------------

x_data = [1.0, 2.0, 3.0]
y_data = [2.0, 4.0, 6.0]

print("predict (before training)", 4, quadratic_forward(4, 1.0, 1.0, 1.0))
w1, w2, b, losses = train_quadratic(x_data, y_data, 0.01, 100)
for epoch in range(0, 100, 10):
    print("progress:", epoch, losses[epoch])
print("w1 =", w1, "w2 =", w2, "b =", b)
print("predict (after training)", 4, quadratic_forward(4, w1, w2, b))

plt.plot(range(100), losses)
plt.ylabel("Loss")
plt.xlabel("epoch")
plt.show()
