# Correct: written with explicit Python loops over lists (no matrix products), Gaussian elimination by hand for the closed form, returns Python lists and floats.
"""HW4 regression - my version with loops, so I can see every sum."""
import math


def _rows(X):
    return [[float(v) for v in row] for row in X]


def polynomial_features(x, degree):
    out = []
    for xi in x:
        row = []
        for k in range(1, degree + 1):
            row.append(float(xi) ** k)
        out.append(row)
    return out


def standardize(X, mean=None, std=None):
    X = _rows(X)
    n, d = len(X), len(X[0])
    if mean is None:
        mean = [sum(X[i][j] for i in range(n)) / n for j in range(d)]
    else:
        mean = [float(m) for m in mean]
    if std is None:
        std = [math.sqrt(sum((X[i][j] - mean[j]) ** 2 for i in range(n)) / n) for j in range(d)]
    else:
        std = [float(s) for s in std]
    X_std = [[(X[i][j] - mean[j]) / std[j] for j in range(d)] for i in range(n)]
    return X_std, mean, std


def predict(X, w, b):
    preds = []
    for row in _rows(X):
        s = float(b)
        for xj, wj in zip(row, w):
            s += xj * float(wj)
        preds.append(s)
    return preds


def loss(X, y, w, b, lam=0.0):
    total = 0.0
    for yi, pi in zip(y, predict(X, w, b)):
        total += (float(yi) - pi) ** 2
    for wj in w:
        total += lam * float(wj) ** 2
    return total


def loss_gradient(X, y, w, b, lam=0.0):
    rows = _rows(X)
    preds = predict(rows, w, b)
    dw = [2 * lam * float(wj) for wj in w]
    db = 0.0
    for row, yi, pi in zip(rows, y, preds):
        err = float(yi) - pi
        for j in range(len(dw)):
            dw[j] += -2 * err * row[j]
        db += -2 * err
    return dw, db


def fit_gd(X, y, lam, lr, epochs, adagrad=False):
    rows = _rows(X)
    d = len(rows[0])
    w = [0.0] * d
    b = 0.0
    g2_w = [0.0] * d
    g2_b = 0.0
    losses = []
    for _ in range(epochs):
        losses.append(loss(rows, y, w, b, lam))
        dw, db = loss_gradient(rows, y, w, b, lam)
        for j in range(d):
            if adagrad:
                g2_w[j] += dw[j] ** 2
                w[j] -= lr * dw[j] / math.sqrt(g2_w[j] + 1e-8)
            else:
                w[j] -= lr * dw[j]
        if adagrad:
            g2_b += db ** 2
            b -= lr * db / math.sqrt(g2_b + 1e-8)
        else:
            b -= lr * db
    return w, b, losses


def _solve(A, rhs):
    """Gaussian elimination with partial pivoting."""
    n = len(A)
    M = [list(A[i]) + [rhs[i]] for i in range(n)]
    for col in range(n):
        piv = max(range(col, n), key=lambda r: abs(M[r][col]))
        M[col], M[piv] = M[piv], M[col]
        for r in range(col + 1, n):
            f = M[r][col] / M[col][col]
            for c in range(col, n + 1):
                M[r][c] -= f * M[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (M[r][n] - sum(M[r][c] * x[c] for c in range(r + 1, n))) / M[r][r]
    return x


def fit_closed_form(X, y, lam):
    # normal equations with a column of ones for the bias; the bias gets no lambda
    rows = [r + [1.0] for r in _rows(X)]
    d = len(rows[0])
    A = [[sum(r[i] * r[j] for r in rows) for j in range(d)] for i in range(d)]
    for i in range(d - 1):
        A[i][i] += lam
    rhs = [sum(r[i] * float(yi) for r, yi in zip(rows, y)) for i in range(d)]
    theta = _solve(A, rhs)
    return theta[:-1], theta[-1]


def select_lambda(X_train, y_train, X_dev, y_dev, lams):
    dev_mse = []
    for lam in lams:
        w, b = fit_closed_form(X_train, y_train, lam)
        preds = predict(X_dev, w, b)
        dev_mse.append(sum((float(t) - p) ** 2 for t, p in zip(y_dev, preds)) / len(preds))
    best = 0
    for i in range(1, len(lams)):
        if dev_mse[i] < dev_mse[best]:
            best = i
    return lams[best], dev_mse
