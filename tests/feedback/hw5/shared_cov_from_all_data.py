# Realistic wrong submission: the shared covariance taken with np.cov over every sample (both classes), not per class.
import numpy as np


def gaussian_mle(X):
    X = np.asarray(X, dtype=np.float64)
    mu = X.mean(axis=0)
    sigma = np.cov(X, rowvar=False, bias=True).reshape(X.shape[1], X.shape[1])  # MLE divides by N
    return mu, sigma


def gaussian_pdf(X, mu, sigma):
    X = np.asarray(X, dtype=np.float64)
    D = X.shape[1]
    diff = X - mu
    expo = -0.5 * np.sum(diff @ np.linalg.inv(sigma) * diff, axis=1)
    return np.exp(expo) / np.sqrt((2 * np.pi) ** D * np.linalg.det(sigma))


def fit_generative(X, y):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    idx_0 = np.where(y == 0)[0]
    idx_1 = np.where(y == 1)[0]
    mu_0 = X[idx_0].mean(axis=0)
    mu_1 = X[idx_1].mean(axis=0)
    cov = np.cov(X, rowvar=False).reshape(X.shape[1], X.shape[1])  # shared by the two classes
    cov_inv = np.linalg.inv(cov)
    w = cov_inv @ (mu_1 - mu_0)
    b = -0.5 * mu_1 @ cov_inv @ mu_1 + 0.5 * mu_0 @ cov_inv @ mu_0 + np.log(len(idx_1) / len(idx_0))
    return w, float(b)


def posterior(X, w, b):
    z = np.asarray(X, dtype=np.float64) @ w + b
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))


def binary_cross_entropy(p, y):
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-12, 1 - 1e-12)
    y = np.asarray(y, dtype=np.float64)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def logistic_regression(X, y, lr, epochs):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    N, D = X.shape
    w, b = np.zeros(D), 0.0
    losses = []
    for _ in range(epochs):
        p = posterior(X, w, b)
        losses.append(binary_cross_entropy(p, y))
        w = w - lr * X.T @ (p - y) / N
        b = b - lr * np.sum(p - y) / N
    return w, b, losses


def softmax(Z):
    Z = np.asarray(Z, dtype=np.float64)
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


def softmax_cross_entropy(logits, labels):
    labels = np.asarray(labels)
    N = len(labels)
    P = softmax(logits)
    loss = -np.mean(np.log(P[np.arange(N), labels]))
    dlogits = P.copy()
    dlogits[np.arange(N), labels] -= 1
    return float(loss), dlogits / N


def accuracy(y_pred, y):
    return float(np.mean(np.asarray(y_pred) == np.asarray(y)))


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(1.0, 1.0, (50, 2)), rng.normal(-1.0, 1.0, (50, 2))])
    y = np.r_[np.ones(50), np.zeros(50)]
    w, b = fit_generative(X, y)
    print("generative accuracy:", accuracy(posterior(X, w, b) > 0.5, y))
