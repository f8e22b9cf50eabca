# Correct but in float32 throughout (as on a GPU): every input is cast to float32 and every array returned is float32.
"""HW5 classification, float32 version."""
import numpy as np

F = np.float32


def gaussian_mle(X):
    X = np.asarray(X).astype(F)
    mu = X.mean(axis=0)
    c = X - mu
    return mu, (c.T @ c / F(X.shape[0])).astype(F)


def gaussian_pdf(X, mu, sigma):
    X, mu, sigma = (np.asarray(a).astype(F) for a in (X, mu, sigma))
    D = mu.shape[0]
    c = X - mu
    inv = np.linalg.inv(sigma).astype(F)
    q = np.sum(c @ inv * c, axis=1)
    det = np.linalg.det(sigma).astype(F)
    return (np.exp(F(-0.5) * q) / np.sqrt((F(2 * np.pi) ** D) * det)).astype(F)


def fit_generative(X, y):
    X = np.asarray(X).astype(F)
    y = np.asarray(y)
    A, B = X[y == 1], X[y == 0]
    mu1, s1 = gaussian_mle(A)
    mu0, s0 = gaussian_mle(B)
    s = ((len(A) * s1 + len(B) * s0) / F(len(X))).astype(F)
    inv = np.linalg.inv(s).astype(F)
    w = inv @ (mu1 - mu0)
    b = F(-0.5) * mu1 @ inv @ mu1 + F(0.5) * mu0 @ inv @ mu0 + F(np.log(len(A) / len(B)))
    return w.astype(F), F(b)


def posterior(X, w, b):
    z = np.asarray(X).astype(F) @ np.asarray(w).astype(F) + F(b)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e)).astype(F)


def binary_cross_entropy(p, y):
    p = np.asarray(p).astype(F)
    y = np.asarray(y).astype(F)
    return F(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def logistic_regression(X, y, lr, epochs):
    X = np.asarray(X).astype(F)
    y = np.asarray(y).astype(F)
    w = np.zeros(X.shape[1], dtype=F)
    b = F(0)
    losses = []
    for _ in range(epochs):
        p = posterior(X, w, b)
        losses.append(binary_cross_entropy(p, y))
        err = p - y
        w = (w - F(lr) * (X.T @ err) / F(len(y))).astype(F)
        b = F(b - F(lr) * err.mean())
    return w, b, np.array(losses, dtype=F)


def softmax(Z):
    Z = np.asarray(Z).astype(F)
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).astype(F)


def softmax_cross_entropy(logits, labels):
    S = softmax(logits)
    n = S.shape[0]
    idx = np.arange(n), np.asarray(labels)
    loss = F(-np.mean(np.log(S[idx])))
    d = S.copy()
    d[idx] -= F(1)
    return loss, (d / F(n)).astype(F)


def accuracy(y_pred, y):
    return F(np.mean(np.asarray(y_pred) == np.asarray(y)))
