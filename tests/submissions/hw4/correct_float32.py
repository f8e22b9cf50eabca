# Correct but in float32: every input is cast to float32 and results come back as float32 arrays / np.float32; closed form with np.linalg.pinv.
"""HW4 regression, float32 everywhere (like on a GPU)."""
import numpy as np

F = np.float32


def polynomial_features(x, degree):
    x = np.asarray(x, dtype=F)
    out = np.empty((x.shape[0], degree), dtype=F)
    p = np.ones_like(x)
    for k in range(degree):
        p = p * x
        out[:, k] = p
    return out


def standardize(X, mean=None, std=None):
    X = np.asarray(X, dtype=F)
    if mean is None:
        mean = X.mean(axis=0)
    if std is None:
        std = X.std(axis=0)
    mean, std = np.asarray(mean, dtype=F), np.asarray(std, dtype=F)
    return (X - mean) / std, mean, std


def predict(X, w, b):
    return np.asarray(X, dtype=F) @ np.asarray(w, dtype=F) + F(b)


def loss(X, y, w, b, lam=0.0):
    e = np.asarray(y, dtype=F) - predict(X, w, b)
    w = np.asarray(w, dtype=F)
    return np.sum(e * e) + F(lam) * np.sum(w * w)


def loss_gradient(X, y, w, b, lam=0.0):
    X = np.asarray(X, dtype=F)
    w = np.asarray(w, dtype=F)
    e = np.asarray(y, dtype=F) - predict(X, w, b)
    return F(-2) * (X.T @ e) + F(2 * lam) * w, F(-2) * np.sum(e)


def fit_gd(X, y, lam, lr, epochs, adagrad=False):
    X = np.asarray(X, dtype=F)
    w, b = np.zeros(X.shape[1], dtype=F), F(0)
    gw, gb = np.zeros_like(w), F(0)
    losses = []
    for _ in range(epochs):
        losses.append(loss(X, y, w, b, lam))
        dw, db = loss_gradient(X, y, w, b, lam)
        if adagrad:
            gw += dw ** 2
            gb += db ** 2
            dw = dw / np.sqrt(gw + F(1e-8))
            db = db / np.sqrt(gb + F(1e-8))
        w = w - F(lr) * dw
        b = b - F(lr) * db
    return w, b, np.array(losses, dtype=F)


def fit_closed_form(X, y, lam):
    X, y = np.asarray(X, dtype=F), np.asarray(y, dtype=F)
    n, d = X.shape
    A = np.concatenate([X, np.ones((n, 1), dtype=F)], axis=1)
    R = np.diag(np.array([lam] * d + [0.0], dtype=F))  # no penalty on the bias
    theta = np.linalg.pinv(A.T @ A + R) @ (A.T @ y)
    return theta[:d], theta[d]


def select_lambda(X_train, y_train, X_dev, y_dev, lams):
    errs = []
    for lam in lams:
        w, b = fit_closed_form(X_train, y_train, lam)
        errs.append(np.mean((np.asarray(y_dev, dtype=F) - predict(X_dev, w, b)) ** 2))
    errs = np.array(errs, dtype=F)
    return lams[int(np.argmin(errs))], errs
