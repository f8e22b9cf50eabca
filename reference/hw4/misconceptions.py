"""Known mistakes in hw4 (regression with regularization), as wrong variants of the
reference.

Each variant is called as ``variant(reference, *args)`` on the arguments of the
student's call that failed a test (see ``grader.hints``); when the student's output
matches the variant's, the student reads the hint.  A mistake in ``loss`` or
``loss_gradient`` also spoils ``fit_gd`` (and one in ``fit_closed_form`` spoils
``select_lambda``), so those functions declare the same mistake under the same id,
computed as a submission that reuses its own wrong function would compute it.
"""

import numpy as np

from grader.hints import misconception

POLY_STARTS_AT_X0 = (
    "your columns are x⁰, x¹, …, x^(degree−1): the first is a column of ones. The "
    "columns are x¹ … x^degree (powers 1 to degree, e.g. range(1, degree + 1)); the "
    "model's bias b already plays the part of x⁰.")
POLY_BIAS_COLUMN = (
    "your features have an extra first column of ones (x⁰): return only x¹ … x^degree, "
    "shape (N, degree); the model's bias b plays the part of x⁰.")
STD_DDOF1 = (
    "your std is the sample standard deviation (ddof = 1, dividing by N − 1): use the "
    "population std, sqrt((1/N) Σ (x − mean)²), i.e. X.std(axis=0) (NumPy's default "
    "ddof = 0), not ddof=1 and not pandas' .std().")
STATS_IGNORED = (
    "you recompute mean and std from X even when they are given: at test time the "
    "training set's mean and std are passed in and must be used as they are (compute "
    "them only when the argument is None).")
LOSS_MEAN = (
    "your loss (or its gradient) is a mean over the samples: the lecture's loss is the "
    "SUM Σₙ (yₙ − ŷₙ)² + λ Σ wᵢ², with no 1/N (and its gradient has no 1/N either).")
BIAS_REGULARIZED = (
    "you regularize the bias: the λ term is λ Σ wᵢ² over the weights only. b just "
    "shifts the curve, so it is not penalized: no λ·b² in the loss, no 2λ·b in db, and in "
    "the closed form a 0 (not λ) in the bias's diagonal entry, or center X and y and "
    "take b = ȳ − x̄·w.")
GRADIENT_MISSING_2 = (
    "your gradient is half the right one: the derivative of (y − ŷ)² is −2(y − ŷ)·∂ŷ, "
    "and that of λw² is 2λw: dw = −2 Xᵀ(y − ŷ) + 2λw, db = −2 Σ (y − ŷ).")
REG_GRADIENT_MISSING_2 = (
    "the λ part of your dw is λ·w: the derivative of λ Σ wᵢ² is 2λ·w (dw = −2 Xᵀ(y − ŷ) "
    "+ 2λw).")
LOSSES_AFTER_UPDATE = (
    "your losses are recorded after each update: losses[k] is the loss BEFORE update k, "
    "so losses[0] is the loss at w = 0, b = 0 (append the loss first, then update).")
ADAGRAD_G_EXCLUDES_CURRENT = (
    "your Adagrad divides by the sum of the PREVIOUS squared gradients: add this step's "
    "g² to G first, then step by lr·g / sqrt(G + 1e-8) (the first step is then lr·sign(g), "
    "not lr·g / 1e-4).")
ADAGRAD_NO_SQRT = (
    "your Adagrad divides by G itself: the step is lr·g / sqrt(G + 1e-8), the ROOT of the "
    "sum of squared gradients.")
ADAGRAD_SHARED_G = (
    "your Adagrad keeps one G for all parameters together: each parameter (each wᵢ and "
    "b) has its own sum of ITS squared gradients, G_w = G_w + dw**2 elementwise and "
    "G_b = G_b + db**2.")
LAMBDA_INDEX = (
    "you return the index of the best λ: return the value, lams[i] for the best i.")
DEV_ERROR_SUM = (
    "your dev error is a sum: dev_mse is the MEAN squared error on the dev set, "
    "(1/M) Σ (y_dev − ŷ_dev)², so that it does not grow with the dev set's size.")


def _f64(*arrays):
    return [np.asarray(a, dtype=np.float64) for a in arrays]


# ------------------------------------------------------------ polynomial_features

@misconception("polynomial_features", id="poly_starts_at_x0", hint=POLY_STARTS_AT_X0)
def poly_starts_at_x0(reference, x, degree):
    x = np.asarray(x, dtype=np.float64)
    return np.stack([x ** k for k in range(degree)], axis=1)


@misconception("polynomial_features", id="poly_bias_column", hint=POLY_BIAS_COLUMN)
def poly_bias_column(reference, x, degree):
    x = np.asarray(x, dtype=np.float64)
    return np.stack([x ** k for k in range(degree + 1)], axis=1)


# ------------------------------------------------------------ standardize

@misconception("standardize", id="std_ddof1", hint=STD_DDOF1)
def standardize_ddof1(reference, X, mean=None, std=None):
    X = np.asarray(X, dtype=np.float64)
    mean = X.mean(axis=0) if mean is None else np.asarray(mean, dtype=np.float64)
    std = X.std(axis=0, ddof=1) if std is None else np.asarray(std, dtype=np.float64)
    return (X - mean) / std, mean, std


@misconception("standardize", id="given_stats_ignored", hint=STATS_IGNORED)
def standardize_ignores_given(reference, X, mean=None, std=None):
    return reference.standardize(X)


# ------------------------------------------------------------ loss and its gradient

def _loss(X, y, w, b, lam, *, mean=False, bias=False):
    X, y, w = _f64(X, y, w)
    r = y - (X @ w + b)
    data = r @ r / (len(y) if mean else 1)
    return float(data + lam * (w @ w + (b * b if bias else 0.0)))


def _gradient(X, y, w, b, lam, *, mean=False, bias=False, scale=2.0, reg_scale=2.0):
    X, y, w = _f64(X, y, w)
    r = y - (X @ w + b)
    n = len(y) if mean else 1
    dw = -scale * X.T @ r / n + reg_scale * lam * w
    db = -scale * r.sum() / n + (reg_scale * lam * b if bias else 0.0)
    return dw, float(db)


@misconception("loss", id="loss_mean", hint=LOSS_MEAN)
def loss_mean(reference, X, y, w, b, lam=0.0):
    return _loss(X, y, w, b, lam, mean=True)


@misconception("loss", id="bias_regularized", hint=BIAS_REGULARIZED)
def loss_bias_regularized(reference, X, y, w, b, lam=0.0):
    return _loss(X, y, w, b, lam, bias=True)


@misconception("loss_gradient", id="loss_mean", hint=LOSS_MEAN)
def gradient_mean(reference, X, y, w, b, lam=0.0):
    return _gradient(X, y, w, b, lam, mean=True)


@misconception("loss_gradient", id="bias_regularized", hint=BIAS_REGULARIZED)
def gradient_bias_regularized(reference, X, y, w, b, lam=0.0):
    return _gradient(X, y, w, b, lam, bias=True)


@misconception("loss_gradient", id="gradient_missing_2", hint=GRADIENT_MISSING_2)
def gradient_missing_2(reference, X, y, w, b, lam=0.0):
    return _gradient(X, y, w, b, lam, scale=1.0, reg_scale=1.0)


@misconception("loss_gradient", id="reg_gradient_missing_2", hint=REG_GRADIENT_MISSING_2)
def reg_gradient_missing_2(reference, X, y, w, b, lam=0.0):
    return _gradient(X, y, w, b, lam, reg_scale=1.0)


# ------------------------------------------------------------ fit_gd

def _fit_gd(X, y, lam, lr, epochs, adagrad=False, *, loss_kw=None, grad_kw=None,
            after=False, adagrad_step="right"):
    """fit_gd with one step done the wrong way (keyword arguments)."""
    X, y = _f64(X, y)
    loss_kw, grad_kw = loss_kw or {}, grad_kw or {}
    w, b = np.zeros(X.shape[1]), 0.0
    G_w, G_b = np.zeros_like(w), 0.0
    losses = []
    for _ in range(epochs):
        if not after:
            losses.append(_loss(X, y, w, b, lam, **loss_kw))
        dw, db = _gradient(X, y, w, b, lam, **grad_kw)
        if not adagrad:
            w, b = w - lr * dw, b - lr * db
        elif adagrad_step == "previous":
            w = w - lr * dw / np.sqrt(G_w + 1e-8)
            b = b - lr * db / np.sqrt(G_b + 1e-8)
            G_w, G_b = G_w + dw ** 2, G_b + db ** 2
        elif adagrad_step == "shared":
            G_w = G_w + np.sum(dw ** 2) + db ** 2
            w = w - lr * dw / np.sqrt(G_w[0] + 1e-8)
            b = b - lr * db / np.sqrt(G_w[0] + 1e-8)
        else:
            G_w, G_b = G_w + dw ** 2, G_b + db ** 2
            root = (lambda v: v) if adagrad_step == "no_sqrt" else np.sqrt
            w = w - lr * dw / root(G_w + 1e-8)
            b = b - lr * db / root(G_b + 1e-8)
        if after:
            losses.append(_loss(X, y, w, b, lam, **loss_kw))
    return w, float(b), losses


@misconception("fit_gd", id="loss_mean", hint=LOSS_MEAN)
def fit_gd_mean(reference, X, y, lam, lr, epochs, adagrad=False):
    return _fit_gd(X, y, lam, lr, epochs, adagrad, loss_kw={"mean": True}, grad_kw={"mean": True})


@misconception("fit_gd", id="bias_regularized", hint=BIAS_REGULARIZED)
def fit_gd_bias_regularized(reference, X, y, lam, lr, epochs, adagrad=False):
    return _fit_gd(X, y, lam, lr, epochs, adagrad, loss_kw={"bias": True}, grad_kw={"bias": True})


@misconception("fit_gd", id="gradient_missing_2", hint=GRADIENT_MISSING_2)
def fit_gd_missing_2(reference, X, y, lam, lr, epochs, adagrad=False):
    return _fit_gd(X, y, lam, lr, epochs, adagrad, grad_kw={"scale": 1.0, "reg_scale": 1.0})


@misconception("fit_gd", id="reg_gradient_missing_2", hint=REG_GRADIENT_MISSING_2)
def fit_gd_reg_missing_2(reference, X, y, lam, lr, epochs, adagrad=False):
    return _fit_gd(X, y, lam, lr, epochs, adagrad, grad_kw={"reg_scale": 1.0})


@misconception("fit_gd", id="losses_after_update", hint=LOSSES_AFTER_UPDATE)
def fit_gd_losses_after(reference, X, y, lam, lr, epochs, adagrad=False):
    return _fit_gd(X, y, lam, lr, epochs, adagrad, after=True)


@misconception("fit_gd", id="adagrad_g_excludes_current", hint=ADAGRAD_G_EXCLUDES_CURRENT)
def fit_gd_adagrad_previous(reference, X, y, lam, lr, epochs, adagrad=False):
    return _fit_gd(X, y, lam, lr, epochs, adagrad, adagrad_step="previous")


@misconception("fit_gd", id="adagrad_no_sqrt", hint=ADAGRAD_NO_SQRT)
def fit_gd_adagrad_no_sqrt(reference, X, y, lam, lr, epochs, adagrad=False):
    return _fit_gd(X, y, lam, lr, epochs, adagrad, adagrad_step="no_sqrt")


@misconception("fit_gd", id="adagrad_shared_G", hint=ADAGRAD_SHARED_G)
def fit_gd_adagrad_shared(reference, X, y, lam, lr, epochs, adagrad=False):
    return _fit_gd(X, y, lam, lr, epochs, adagrad, adagrad_step="shared")


# ------------------------------------------------------------ fit_closed_form, select_lambda

def _closed_form_bias_regularized(X, y, lam):
    """Ridge on [X, 1] with λ on every diagonal entry, the bias's included."""
    X, y = _f64(X, y)
    A = np.hstack([X, np.ones((X.shape[0], 1))])
    theta = np.linalg.solve(A.T @ A + lam * np.eye(A.shape[1]), A.T @ y)
    return theta[:-1], float(theta[-1])


def _select(reference, X_train, y_train, X_dev, y_dev, lams, *, fit=None, total=False,
            index=False):
    fit = fit or reference.fit_closed_form
    y_dev = np.asarray(y_dev, dtype=np.float64)
    errors = []
    for lam in lams:
        w, b = fit(X_train, y_train, lam)
        r = y_dev - reference.predict(X_dev, w, b)
        errors.append(np.sum(r ** 2) if total else np.mean(r ** 2))
    errors = np.array(errors)
    best = int(np.argmin(errors))
    return (best if index else float(lams[best])), errors


@misconception("fit_closed_form", id="bias_regularized", hint=BIAS_REGULARIZED)
def closed_form_bias_regularized(reference, X, y, lam):
    return _closed_form_bias_regularized(X, y, lam)


@misconception("select_lambda", id="bias_regularized", hint=BIAS_REGULARIZED)
def select_lambda_bias_regularized(reference, X_train, y_train, X_dev, y_dev, lams):
    return _select(reference, X_train, y_train, X_dev, y_dev, lams, fit=_closed_form_bias_regularized)


@misconception("select_lambda", id="lambda_index", hint=LAMBDA_INDEX)
def select_lambda_index(reference, X_train, y_train, X_dev, y_dev, lams):
    return _select(reference, X_train, y_train, X_dev, y_dev, lams, index=True)


@misconception("select_lambda", id="dev_error_sum", hint=DEV_ERROR_SUM)
def select_lambda_sum(reference, X_train, y_train, X_dev, y_dev, lams):
    return _select(reference, X_train, y_train, X_dev, y_dev, lams, total=True)
