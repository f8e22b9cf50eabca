# Correct, written with plain Python loops over lists (math.exp, math.log), returning lists: mu, sigma, the densities, softmax rows and the loss history are lists; only the matrix inverse and determinant come from NumPy.
import math

import numpy as np


def gaussian_mle(X):
    X = [list(map(float, row)) for row in X]
    N, D = len(X), len(X[0])
    mu = [0.0] * D
    for row in X:
        for j in range(D):
            mu[j] += row[j] / N
    sigma = [[0.0] * D for _ in range(D)]
    for row in X:
        for i in range(D):
            for j in range(D):
                sigma[i][j] += (row[i] - mu[i]) * (row[j] - mu[j]) / N
    return mu, sigma


def gaussian_pdf(X, mu, sigma):
    D = len(mu)
    inv = np.linalg.inv(np.array(sigma, dtype=float)).tolist()
    det = float(np.linalg.det(np.array(sigma, dtype=float)))
    norm = 1.0 / math.sqrt((2 * math.pi) ** D * det)
    result = []
    for row in X:
        d = [float(row[j]) - float(mu[j]) for j in range(D)]
        q = 0.0
        for i in range(D):
            for j in range(D):
                q += d[i] * inv[i][j] * d[j]
        result.append(norm * math.exp(-0.5 * q))
    return result


def fit_generative(X, y):
    class1 = [row for row, label in zip(X, y) if label == 1]
    class0 = [row for row, label in zip(X, y) if label == 0]
    n1, n0 = len(class1), len(class0)
    mu1, s1 = gaussian_mle(class1)
    mu0, s0 = gaussian_mle(class0)
    D = len(mu1)
    shared = [[(n1 * s1[i][j] + n0 * s0[i][j]) / (n1 + n0) for j in range(D)] for i in range(D)]
    inv = np.linalg.inv(np.array(shared)).tolist()
    w = [sum(inv[i][j] * (mu1[j] - mu0[j]) for j in range(D)) for i in range(D)]

    def quad(m):
        return sum(m[i] * inv[i][j] * m[j] for i in range(D) for j in range(D))

    b = -0.5 * quad(mu1) + 0.5 * quad(mu0) + math.log(n1 / n0)
    return w, b


def _sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def posterior(X, w, b):
    return [_sigmoid(sum(float(xi) * float(wi) for xi, wi in zip(row, w)) + b) for row in X]


def binary_cross_entropy(p, y):
    total = 0.0
    for pn, yn in zip(p, y):
        total += -(yn * math.log(pn) + (1 - yn) * math.log(1 - pn))
    return total / len(p)


def logistic_regression(X, y, lr, epochs):
    X = [list(map(float, row)) for row in X]
    y = [float(v) for v in y]
    N, D = len(X), len(X[0])
    w, b = [0.0] * D, 0.0
    losses = []
    for _ in range(epochs):
        p = posterior(X, w, b)
        losses.append(binary_cross_entropy(p, y))
        gw, gb = [0.0] * D, 0.0
        for n in range(N):
            err = p[n] - y[n]
            for j in range(D):
                gw[j] += err * X[n][j] / N
            gb += err / N
        w = [w[j] - lr * gw[j] for j in range(D)]
        b = b - lr * gb
    return w, b, losses


def softmax(Z):
    out = []
    for row in Z:
        m = max(row)
        e = [math.exp(z - m) for z in row]
        s = sum(e)
        out.append([v / s for v in e])
    return out


def softmax_cross_entropy(logits, labels):
    S = softmax(logits)
    N = len(S)
    loss = 0.0
    dlogits = []
    for n in range(N):
        label = int(labels[n])
        loss -= math.log(S[n][label]) / N
        dlogits.append([(S[n][k] - (1.0 if k == label else 0.0)) / N for k in range(len(S[n]))])
    return loss, dlogits


def accuracy(y_pred, y):
    right = 0
    for a, b in zip(y_pred, y):
        if a == b:
            right += 1
    return right / len(y)
