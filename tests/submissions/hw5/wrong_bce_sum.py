# Wrong: binary_cross_entropy sums over the samples instead of averaging; logistic_regression records its losses with it (the gradient is right).
"""HW5: classification (generative model, logistic regression, softmax). My submission."""
import numpy as np


def gaussian_mle(X):
    X = np.asarray(X, dtype=float)
    N = X.shape[0]
    mu = np.mean(X, axis=0)
    diff = X - mu
    sigma = diff.T @ diff / N
    return mu, sigma


def gaussian_pdf(X, mu, sigma):
    X = np.asarray(X, dtype=float)
    D = len(mu)
    diff = X - mu
    inv = np.linalg.inv(sigma)
    quad = np.sum((diff @ inv) * diff, axis=1)
    norm = 1.0 / ((2 * np.pi) ** (D / 2) * np.sqrt(np.linalg.det(sigma)))
    return norm * np.exp(-0.5 * quad)


def fit_generative(X, y):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    X1 = X[y == 1]  # class 1 (C1)
    X0 = X[y == 0]
    N1, N0 = len(X1), len(X0)
    mu1, sigma1 = gaussian_mle(X1)
    mu0, sigma0 = gaussian_mle(X0)
    # shared covariance, weighted by the number of samples of each class
    sigma = (N1 * sigma1 + N0 * sigma0) / (N1 + N0)
    inv = np.linalg.inv(sigma)
    w = inv @ (mu1 - mu0)
    b = -0.5 * mu1 @ inv @ mu1 + 0.5 * mu0 @ inv @ mu0 + np.log(N1 / N0)
    return w, float(b)


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def posterior(X, w, b):
    return sigmoid(np.asarray(X, dtype=float) @ w + b)


def binary_cross_entropy(p, y):
    p = np.asarray(p, dtype=float)
    y = np.asarray(y, dtype=float)
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))


def logistic_regression(X, y, lr, epochs):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    N, D = X.shape
    w = np.zeros(D)
    b = 0.0
    losses = []
    for epoch in range(epochs):
        p = posterior(X, w, b)
        losses.append(binary_cross_entropy(p, y))
        err = p - y
        w_grad = X.T @ err / N
        b_grad = np.mean(err)
        w = w - lr * w_grad
        b = b - lr * b_grad
    return w, b, losses


def softmax(Z):
    Z = np.asarray(Z, dtype=float)
    Z = Z - np.max(Z, axis=1, keepdims=True)  # stable
    e = np.exp(Z)
    return e / np.sum(e, axis=1, keepdims=True)


def softmax_cross_entropy(logits, labels):
    N = logits.shape[0]
    probs = softmax(logits)
    labels = np.asarray(labels)
    loss = -np.mean(np.log(probs[np.arange(N), labels]))
    dlogits = probs.copy()
    dlogits[np.arange(N), labels] -= 1
    dlogits /= N
    return loss, dlogits


def accuracy(y_pred, y):
    return np.mean(np.asarray(y_pred) == np.asarray(y))
