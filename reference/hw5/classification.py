"""hw5 — classification (分类): the reference solution.

Hung-yi Lee's lectures "Classification: Probabilistic Generative Model" and "Logistic
Regression" (Machine Learning 2017):

- the **probabilistic generative model** (概率生成模型): each class Cₖ is a Gaussian
  N(μₖ, Σ) fitted by maximum likelihood (最大似然估计), with one covariance Σ shared by
  the classes, and priors P(Cₖ) = Nₖ/N; Bayes' rule then gives P(C₁|x), which with a
  shared Σ is exactly σ(w·x + b), a linear model;
- **logistic regression** (逻辑回归): the same σ(w·x + b), with w and b found directly
  by gradient descent (梯度下降) on the cross entropy (交叉熵);
- more than two classes: **softmax** and the softmax cross entropy, whose gradient
  with respect to the logits is the difference between the predicted and the target
  distributions.

Labels y are in {0, 1} (class 1 is C₁) for the binary functions, ints 0 … K − 1 for
``softmax_cross_entropy``. Everything is computed in float64; inputs may be lists.
"""
import numpy as np


# ---------------------------------------------------------------------------
# Probabilistic generative model (概率生成模型)
# ---------------------------------------------------------------------------

def gaussian_mle(X):
    """Maximum likelihood estimate (最大似然估计) of a Gaussian's mean and covariance.

    μ* = (1/N) Σₙ xₙ;  Σ* = (1/N) Σₙ (xₙ − μ*)(xₙ − μ*)ᵀ  (divided by N, not N − 1:
    the maximum likelihood estimate of the lecture, not the unbiased one).

    Args:
        X: (N, D) samples, N >= 1. X is not modified.
    Returns:
        (mu, sigma): mu (D,), sigma (D, D), float64.
    """
    X = np.asarray(X, dtype=np.float64)
    mu = X.mean(axis=0)
    diff = X - mu
    sigma = diff.T @ diff / X.shape[0]
    return mu, sigma


def gaussian_pdf(X, mu, sigma):
    """The multivariate normal density (高斯分布的概率密度) at each row of X.

    f(x) = exp(−½ (x − μ)ᵀ Σ⁻¹ (x − μ)) / sqrt((2π)^D |Σ|).

    Args:
        X: (N, D) points.
        mu: (D,) mean.
        sigma: (D, D) covariance, symmetric positive definite.
    Returns:
        (N,) float64 densities.
    Raises:
        numpy.linalg.LinAlgError: if sigma is singular.
    """
    X = np.asarray(X, dtype=np.float64)
    mu = np.asarray(mu, dtype=np.float64)
    sigma = np.asarray(sigma, dtype=np.float64)
    d = mu.shape[0]
    diff = X - mu
    mahalanobis = np.sum(diff * np.linalg.solve(sigma, diff.T).T, axis=1)
    _, logdet = np.linalg.slogdet(sigma)
    return np.exp(-0.5 * mahalanobis - 0.5 * (d * np.log(2.0 * np.pi) + logdet))


def fit_generative(X, y):
    """The generative classifier with a shared covariance, written as σ(w·x + b).

    Each class is a Gaussian fitted by ``gaussian_mle``: (μ₁, Σ₁) on the Nₖ samples of
    class 1, (μ₀, Σ₀) on those of class 0; the shared covariance is the prior-weighted
    average Σ = (N₁Σ₁ + N₀Σ₀)/N, and the priors are P(C₁) = N₁/N, P(C₀) = N₀/N. Then
    (Lee, "Classification", the posterior probability with a shared Σ)

        P(C₁|x) = σ(z),  z = ln [p(x|C₁)P(C₁) / (p(x|C₀)P(C₀))] = w·x + b,
        w = Σ⁻¹(μ₁ − μ₀),
        b = −½ μ₁ᵀΣ⁻¹μ₁ + ½ μ₀ᵀΣ⁻¹μ₀ + ln(N₁/N₀).

    Args:
        X: (N, D) features.
        y: (N,) labels in {0, 1} (ints, floats or bools); both classes present.
    Returns:
        (w, b): w (D,) float64, b a Python float.
    Raises:
        numpy.linalg.LinAlgError: if the shared covariance is singular.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    ones = y == 1
    X1, X0 = X[ones], X[~ones]
    n1, n0 = X1.shape[0], X0.shape[0]
    mu1, sigma1 = gaussian_mle(X1)
    mu0, sigma0 = gaussian_mle(X0)
    sigma = (n1 * sigma1 + n0 * sigma0) / (n1 + n0)
    w = np.linalg.solve(sigma, mu1 - mu0)
    b = (-0.5 * mu1 @ np.linalg.solve(sigma, mu1) + 0.5 * mu0 @ np.linalg.solve(sigma, mu0)
         + np.log(n1 / n0))
    return w, float(b)


def _sigmoid(z):
    """σ(z) = 1/(1 + e^(−z)), stable: e^(−|z|) never overflows."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def posterior(X, w, b):
    """P(C₁|x) = σ(w·x + b) for each row of X.

    Numerically stable: no overflow warning and no NaN for |w·x + b| up to 1e4 and
    beyond (σ is evaluated with e^(−|z|) ∈ (0, 1]).

    Args:
        X: (N, D) features.
        w: (D,) weights.
        b: a number, the bias.
    Returns:
        (N,) float64 probabilities in [0, 1].
    """
    X = np.asarray(X, dtype=np.float64)
    z = X @ np.asarray(w, dtype=np.float64) + float(b)
    return _sigmoid(z)


def binary_cross_entropy(p, y):
    """The mean binary cross entropy (交叉熵) between the labels and the predictions.

    L = −(1/N) Σₙ [yₙ ln pₙ + (1 − yₙ) ln(1 − pₙ)]  (Lee, "Logistic Regression": the
    cross entropy between two Bernoulli distributions, averaged over the samples).

    No clipping: p must lie in the open interval (0, 1). (A submission may clip p to
    [1e-15, 1 − 1e-15]; the tests use no p where that changes the result.)

    Args:
        p: (N,) predicted probabilities P(C₁|xₙ).
        y: (N,) labels in {0, 1}.
    Returns:
        The loss, a Python float.
    """
    p = np.asarray(p, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))


def logistic_regression(X, y, lr, epochs):
    """Logistic regression (逻辑回归) by full-batch gradient descent on the mean BCE.

    From w = 0, b = 0, each epoch computes p = σ(Xw + b), records the loss, then steps
    w ← w − lr·(1/N) Xᵀ(p − y),  b ← b − lr·(1/N) Σₙ (pₙ − yₙ)
    (the gradient of the mean cross entropy; Lee, "Logistic Regression", step 3).

    Args:
        X: (N, D) features.
        y: (N,) labels in {0, 1}.
        lr: learning rate (学习率).
        epochs: number of updates, >= 0.
    Returns:
        (w, b, losses): w (D,), b a Python float, losses a list of ``epochs`` floats,
        losses[k] the mean BCE before update k (so losses[0] = ln 2).
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    losses = []
    for _ in range(epochs):
        p = posterior(X, w, b)
        losses.append(binary_cross_entropy(p, y))
        error = p - y
        w = w - lr * (X.T @ error) / n
        b = b - lr * float(np.mean(error))
    return w, float(b), losses


# ---------------------------------------------------------------------------
# More than two classes: softmax
# ---------------------------------------------------------------------------

def softmax(Z):
    """Row-wise softmax: S[n, k] = e^(Z[n, k]) / Σⱼ e^(Z[n, j]).

    Numerically stable: each row's maximum is subtracted first (softmax is unchanged
    by adding a constant to a row), so logits of ±1000 give no overflow and no NaN.

    Args:
        Z: (N, K) logits. Z is not modified.
    Returns:
        (N, K) float64, every row summing to 1.
    """
    Z = np.asarray(Z, dtype=np.float64)
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax_cross_entropy(logits, labels):
    """The softmax cross entropy and its gradient with respect to the logits.

    loss = −(1/N) Σₙ ln softmax(logits)[n, labelsₙ], computed with log-sum-exp
    (ln Σⱼ e^(zⱼ) = m + ln Σⱼ e^(zⱼ − m), m the row's maximum);
    dlogits = ∂loss/∂logits = (softmax(logits) − onehot(labels)) / N.

    Args:
        logits: (N, K) scores. Not modified.
        labels: (N,) ints in 0 … K − 1.
    Returns:
        (loss, dlogits): loss a Python float, dlogits (N, K) float64.
    """
    logits = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(n)
    loss = -np.mean(log_probs[rows, labels])
    dlogits = np.exp(log_probs)
    dlogits[rows, labels] -= 1.0
    return float(loss), dlogits / n


def accuracy(y_pred, y):
    """The fraction of predictions equal to the labels (正确率).

    Args:
        y_pred: (N,) predicted labels (ints, floats or bools).
        y: (N,) true labels.
    Returns:
        A Python float in [0, 1].
    """
    return float(np.mean(np.asarray(y_pred) == np.asarray(y)))
