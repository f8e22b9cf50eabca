# Realistic wrong submission: the cost after the last update appended as well: epochs + 1 costs.
import numpy as np
import matplotlib.pyplot as plt

print("HW2 gradient descent")

x_data = [1.0, 2.0, 3.0]
y_data = [2.0, 4.0, 6.0]


def forward(x, w):
    return x * w


def loss(x, y, w):
    y_pred = forward(x, w)
    return (y_pred - y) ** 2


def cost(xs, ys, w):
    cost = 0
    for x, y in zip(xs, ys):
        cost += loss(x, y, w)
    return cost / len(xs)


def gradient(xs, ys, w):
    grad = 0
    for x, y in zip(xs, ys):
        grad += 2 * x * (x * w - y)
    return grad / len(xs)


def sample_gradient(x, y, w):
    return 2 * x * (x * w - y)


def gradient_descent(xs, ys, w0, lr, epochs):
    w = w0
    cost_list = []
    for epoch in range(epochs):
        cost_val = cost(xs, ys, w)
        grad_val = gradient(xs, ys, w)
        w -= lr * grad_val
        cost_list.append(cost_val)
        if epoch % 50 == 0:
            print("Epoch:", epoch, "w=", w, "cost=", cost_val)
    cost_list.append(cost(xs, ys, w))  # final cost
    return w, cost_list


def sgd(xs, ys, w0, lr, epochs):
    w = w0
    loss_list = []
    for epoch in range(epochs):
        l_sum = 0
        for x, y in zip(xs, ys):
            l = loss(x, y, w)          # before the update
            l_sum += l
            grad = sample_gradient(x, y, w)
            w = w - lr * grad
        loss_list.append(l_sum / len(xs))
    print("progress:", epochs, "w=", w, "loss=", loss_list[-1])
    return w, loss_list


def minibatch_gd(xs, ys, w0, lr, epochs, batch_size):
    xs, ys = list(xs), list(ys)
    w = w0
    cost_list = []
    for epoch in range(epochs):
        for i in range(0, len(xs), batch_size):
            x_batch = xs[i:i + batch_size]
            y_batch = ys[i:i + batch_size]
            w -= lr * gradient(x_batch, y_batch, w)
        cost_list.append(cost(xs, ys, w))
    return w, cost_list


def ema(values, beta):
    result = []
    s = 0
    for i, v in enumerate(values):
        if i == 0:
            s = v
        else:
            s = beta * v + (1 - beta) * s
        result.append(s)
    return np.array(result)


w, costs = gradient_descent(x_data, y_data, 1.0, 0.01, 100)
print("Predict (after training)", 4, forward(4, w))
w_sgd, losses = sgd(x_data, y_data, 1.0, 0.01, 100)
plt.plot(range(len(costs)), costs, label="GD")
plt.plot(range(100), ema(losses, 0.3), label="SGD (smoothed)")
plt.ylabel("Cost")
plt.xlabel("Epoch")
plt.legend()
plt.show()
