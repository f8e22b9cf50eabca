"""hw4 — regression with regularization (回归, 正则化): the reference solution.

Hung-yi Lee's lecture "Regression" (Machine Learning 2017) predicts a Pokémon's CP after
evolution from its CP before: a linear model ŷ = b + Σᵢ wᵢ xᵢ on features made from the
input (x, x², …), a loss that sums the squared errors over the training data, gradient
descent (with Adagrad as the lecture's adaptive learning rate), and regularization,
which adds λ Σᵢ wᵢ² to the loss (the bias b is not regularized: it only shifts the
curve, it does not make it less smooth). λ is chosen on held-out (dev) data.

Everything is computed in float64; list inputs are accepted (``np.asarray``).
"""
import numpy as np


def polynomial_features(x, degree):
    """Polynomial features x, x², …, x^degree of a 1-D input (no column of ones).

    Args:
        x: (N,) inputs.
        degree: int >= 1, the highest power.
    Returns:
        float64 ndarray (N, degree): column k − 1 holds x**k, for k = 1 … degree.
    """
    x = np.asarray(x, dtype=np.float64)
    return np.stack([x ** k for k in range(1, degree + 1)], axis=1)


def standardize(X, mean=None, std=None):
    """Column-wise standardization (feature scaling): (X − mean) / std.

    mean and std are computed from X when not given (the population std, ddof = 0).
    At test time, pass the training set's mean and std, so that training and test data
    are scaled alike.

    Args:
        X: (N, D) features.
        mean: (D,) or None.
        std: (D,) or None; its entries must not be 0.
    Returns:
        (X_std, mean, std): X_std (N, D) float64, mean and std (D,) float64 (the given
        ones, or those computed from X). X is not modified.
    """
    X = np.asarray(X, dtype=np.float64)
    mean = X.mean(axis=0) if mean is None else np.asarray(mean, dtype=np.float64)
    std = X.std(axis=0) if std is None else np.asarray(std, dtype=np.float64)
    return (X - mean) / std, mean, std


def predict(X, w, b):
    """The linear model ŷ = X w + b.

    Args:
        X: (N, D) features.
        w: (D,) weights.
        b: the bias, a number.
    Returns:
        float64 ndarray (N,).
    """
    X = np.asarray(X, dtype=np.float64)
    return X @ np.asarray(w, dtype=np.float64) + float(b)


def loss(X, y, w, b, lam=0.0):
    """The lecture's loss: L(w, b) = Σₙ (yₙ − ŷₙ)² + λ Σᵢ wᵢ².

    A sum over the samples, not a mean (Lee, "Regression": L(f) = Σₙ (ŷⁿ − f(xⁿ))²);
    the regularization term λ Σ wᵢ² leaves the bias out.

    Args:
        X: (N, D) features.
        y: (N,) targets.
        w: (D,) weights.
        b: the bias.
        lam: λ >= 0.
    Returns:
        float.
    """
    residual = np.asarray(y, dtype=np.float64) - predict(X, w, b)
    w = np.asarray(w, dtype=np.float64)
    return float(residual @ residual + lam * (w @ w))


def loss_gradient(X, y, w, b, lam=0.0):
    """Gradient of ``loss`` with respect to w and b.

    ∂L/∂w = −2 Xᵀ (y − ŷ) + 2λ w;  ∂L/∂b = −2 Σₙ (yₙ − ŷₙ)  (no λ term: b is not
    regularized).

    Args:
        X: (N, D) features.
        y: (N,) targets.
        w: (D,) weights.
        b: the bias.
        lam: λ >= 0.
    Returns:
        (dw, db): dw float64 ndarray (D,), db float.
    """
    X = np.asarray(X, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    residual = np.asarray(y, dtype=np.float64) - predict(X, w, b)
    dw = -2.0 * X.T @ residual + 2.0 * lam * w
    db = -2.0 * residual.sum()
    return dw, float(db)


def fit_gd(X, y, lam, lr, epochs, adagrad=False):
    """Fit w and b by full-batch gradient descent (梯度下降) on ``loss``.

    w = 0 and b = 0 at the start; each epoch computes the gradient on all the data and
    updates once. Plain: θ ← θ − lr·g. Adagrad (the lecture's adaptive learning rate):
    every parameter θ keeps G, the sum of its squared gradients so far, this step's
    included, and steps by θ ← θ − lr·g / sqrt(G + 1e-8).

    Args:
        X: (N, D) features.
        y: (N,) targets.
        lam: λ >= 0.
        lr: learning rate (学习率) > 0.
        epochs: number of updates, >= 1.
        adagrad: whether to use Adagrad.
    Returns:
        (w, b, losses): w float64 (D,), b float, losses a list of ``epochs`` floats with
        losses[k] = loss(X, y, w, b, lam) before update k.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w, b = np.zeros(X.shape[1]), 0.0
    G_w, G_b = np.zeros_like(w), 0.0
    losses = []
    for _ in range(epochs):
        losses.append(loss(X, y, w, b, lam))
        dw, db = loss_gradient(X, y, w, b, lam)
        if adagrad:
            G_w = G_w + dw ** 2
            G_b = G_b + db ** 2
            w = w - lr * dw / np.sqrt(G_w + 1e-8)
            b = b - lr * db / np.sqrt(G_b + 1e-8)
        else:
            w = w - lr * dw
            b = b - lr * db
    return w, float(b), losses


def fit_closed_form(X, y, lam):
    """The exact minimizer of ``loss`` (ridge regression with an unregularized bias).

    Center X and y on their means (x̄, ȳ); then w solves (XcᵀXc + λI) w = Xcᵀ yc and
    b = ȳ − x̄·w. (Setting ∂L/∂b = 0 gives b = ȳ − x̄·w; putting it into ∂L/∂w = 0 gives
    the centered normal equations.)

    Args:
        X: (N, D) features.
        y: (N,) targets.
        lam: λ >= 0 (with λ = 0, XcᵀXc must be invertible).
    Returns:
        (w, b): w float64 (D,), b float.
    Raises:
        numpy.linalg.LinAlgError: if the system is singular.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc, yc = X - x_mean, y - y_mean
    w = np.linalg.solve(Xc.T @ Xc + lam * np.eye(X.shape[1]), Xc.T @ yc)
    return w, float(y_mean - x_mean @ w)


def select_lambda(X_train, y_train, X_dev, y_dev, lams):
    """Choose λ on the dev set (验证集): fit each λ in closed form on the training data,
    measure the mean squared error on the dev data, keep the best.

    Args:
        X_train: (N, D), y_train: (N,) the training data.
        X_dev: (M, D), y_dev: (M,) the dev data.
        lams: sequence of λ values (K,).
    Returns:
        (best_lam, dev_mse): best_lam the VALUE from lams whose dev MSE is smallest
        (the first on ties); dev_mse float64 ndarray (K,), dev_mse[i] =
        (1/M) Σ (y_dev − ŷ_dev)² for lams[i] (no λ term: it is an error, not a loss).
    """
    y_dev = np.asarray(y_dev, dtype=np.float64)
    dev_mse = []
    for lam in lams:
        w, b = fit_closed_form(X_train, y_train, lam)
        residual = y_dev - predict(X_dev, w, b)
        dev_mse.append(np.mean(residual ** 2))
    dev_mse = np.array(dev_mse)
    return float(lams[int(np.argmin(dev_mse))]), dev_mse
