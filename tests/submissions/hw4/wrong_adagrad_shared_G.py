# Wrong: Adagrad keeps one running sum of squared gradients for all parameters together instead of one per parameter.
"""HW4: regression with regularization (Pokémon CP). My submission."""
import numpy as np


def polynomial_features(x, degree):
    x = np.asarray(x, dtype=float)
    cols = [x ** k for k in range(1, degree + 1)]
    return np.stack(cols, axis=1)


def standardize(X, mean=None, std=None):
    X = np.asarray(X, dtype=float)
    if mean is None:
        mean = X.mean(axis=0)
    if std is None:
        std = X.std(axis=0)
    X_std = (X - mean) / std
    return X_std, mean, std


def predict(X, w, b):
    return X @ w + b


def loss(X, y, w, b, lam=0.0):
    err = y - predict(X, w, b)
    return np.sum(err ** 2) + lam * np.sum(w ** 2)


def loss_gradient(X, y, w, b, lam=0.0):
    err = y - predict(X, w, b)
    dw = -2 * X.T @ err + 2 * lam * w
    db = -2 * np.sum(err)
    return dw, db


def fit_gd(X, y, lam, lr, epochs, adagrad=False):
    w = np.zeros(X.shape[1])
    b = 0.0
    G = 0.0  # adagrad: sum of squared gradients
    losses = []
    for epoch in range(epochs):
        losses.append(loss(X, y, w, b, lam))
        dw, db = loss_gradient(X, y, w, b, lam)
        if adagrad:
            G += np.sum(dw ** 2) + db ** 2
            w = w - lr * dw / np.sqrt(G + 1e-8)
            b = b - lr * db / np.sqrt(G + 1e-8)
        else:
            w = w - lr * dw
            b = b - lr * db
    return w, b, losses


def fit_closed_form(X, y, lam):
    x_mean = X.mean(axis=0)
    y_mean = y.mean()
    Xc = X - x_mean
    yc = y - y_mean
    A = Xc.T @ Xc + lam * np.eye(X.shape[1])
    w = np.linalg.solve(A, Xc.T @ yc)
    b = y_mean - x_mean @ w
    return w, b


def select_lambda(X_train, y_train, X_dev, y_dev, lams):
    dev_mse = []
    for lam in lams:
        w, b = fit_closed_form(X_train, y_train, lam)
        dev_mse.append(np.mean((y_dev - predict(X_dev, w, b)) ** 2))
    best = int(np.argmin(dev_mse))
    return lams[best], np.array(dev_mse)


if __name__ == "__main__":
    x = np.linspace(10, 600, 20)
    X, mean, std = standardize(polynomial_features(x, 2))
    y = 1.8 * x + 0.001 * x ** 2
    w, b, losses = fit_gd(X, y, 0.0, 0.01, 100)
    print("gd:", w, b, losses[-1])
    print("closed form:", fit_closed_form(X, y, 0.0))
