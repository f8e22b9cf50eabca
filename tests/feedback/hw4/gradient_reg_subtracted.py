# Realistic wrong submission: the L2 term subtracted in the gradient (w_grad -= ... + 2*lam*w).
import numpy as np


def polynomial_features(x, degree):
    x = np.asarray(x, dtype=float)
    cols = []
    for d in range(1, degree + 1):
        cols.append(x ** d)
    return np.array(cols).T


def standardize(X, mean=None, std=None):
    X = np.asarray(X, dtype=float)
    if mean is None:
        mean = X.mean(axis=0)
    if std is None:
        std = X.std(axis=0)
    return (X - mean) / std, mean, std


def predict(X, w, b):
    return np.dot(X, w) + b


def loss(X, y, w, b, lam=0.0):
    dy = np.asarray(y, dtype=float) - predict(X, w, b)
    # L2 regularization on w only
    return float(np.sum(dy ** 2) + lam * np.sum(np.asarray(w) ** 2))


def loss_gradient(X, y, w, b, lam=0.0):
    X = np.asarray(X, dtype=float)
    w = np.asarray(w, dtype=float)
    dy = np.asarray(y, dtype=float) - predict(X, w, b)
    b_grad = 0.0
    w_grad = np.zeros(len(w))
    b_grad -= np.sum(2 * dy)
    for i in range(len(w)):
        w_grad[i] -= np.dot(2 * dy, X.T[i]) + 2 * lam * w[i]
    return w_grad, b_grad


def fit_gd(X, y, lam, lr, epochs, adagrad=False):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.zeros(X.shape[1])
    b = 0.0
    ada_w = np.zeros(len(w))
    ada_b = 0.0
    losses = []
    for k in range(epochs):
        losses.append(loss(X, y, w, b, lam))
        w_grad, b_grad = loss_gradient(X, y, w, b, lam)
        if adagrad:
            ada_b += b_grad ** 2
            ada_w += w_grad ** 2
            b -= lr / np.sqrt(ada_b + 1e-8) * b_grad
            w -= lr / np.sqrt(ada_w + 1e-8) * w_grad
        else:
            b -= lr * b_grad
            w -= lr * w_grad
    return w, b, losses


def fit_closed_form(X, y, lam):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    mu_x, mu_y = X.mean(axis=0), y.mean()
    Xc = X - mu_x
    w = np.linalg.solve(Xc.T @ Xc + lam * np.identity(X.shape[1]), Xc.T @ (y - mu_y))
    b = mu_y - mu_x @ w
    return w, b


def select_lambda(X_train, y_train, X_dev, y_dev, lams):
    dev_mse = np.zeros(len(lams))
    for i, lam in enumerate(lams):
        w, b = fit_closed_form(X_train, y_train, lam)
        dev_mse[i] = np.mean((np.asarray(y_dev) - predict(X_dev, w, b)) ** 2)
    return lams[int(np.argmin(dev_mse))], dev_mse


if __name__ == "__main__":
    x = np.array([338., 333., 328., 207., 226., 25., 179., 60., 208., 606.])
    y = np.array([640., 633., 619., 393., 428., 27., 193., 66., 226., 1591.])
    X, mean, std = standardize(polynomial_features(x, 2))
    w, b, losses = fit_gd(X, y, 10.0, 1.0, 2000, adagrad=True)
    print("w =", w, "b =", b, "loss =", losses[-1])
