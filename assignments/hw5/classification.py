"""hw5 — classification (分类): your submission file.

Fill in every function below; the handout is assignments/hw5/README.md.

Binary classification two ways, as in Hung-yi Lee's lectures: the probabilistic
generative model (gaussian_mle, gaussian_pdf, fit_generative: class Gaussians with a
shared covariance, then Bayes' rule, which turns out to be σ(w·x + b)), and logistic
regression (posterior, binary_cross_entropy, logistic_regression: the same σ(w·x + b),
with w and b found by gradient descent). Then more than two classes: softmax and the
softmax cross entropy. accuracy scores the predictions.

Labels y are in {0, 1} (class 1 is C₁) for the binary functions. Run ``grade hw5``
from anywhere in the repository to check your work.
"""
import numpy as np


def gaussian_mle(X):
    """Maximum likelihood estimate of a Gaussian's mean and covariance.

    μ* = (1/N) Σₙ xₙ;  Σ* = (1/N) Σₙ (xₙ − μ*)(xₙ − μ*)ᵀ, divided by N (the maximum
    likelihood estimate), not by N − 1.

    Args:
        X: (N, D) float64 samples, N >= 1.
    Returns:
        (mu, sigma): mu (D,), sigma (D, D), also when D = 1. X must be left unchanged.
    """
    # TODO
    raise NotImplementedError("TODO: gaussian_mle")


def gaussian_pdf(X, mu, sigma):
    """The multivariate normal density at each row of X.

    f(x) = exp(−½ (x − μ)ᵀ Σ⁻¹ (x − μ)) / sqrt((2π)^D |Σ|),  |Σ| the determinant.

    Args:
        X: (N, D) points.
        mu: (D,) mean.
        sigma: (D, D) covariance (symmetric positive definite).
    Returns:
        ndarray (N,) of densities.
    """
    # TODO
    raise NotImplementedError("TODO: gaussian_pdf")


def fit_generative(X, y):
    """The generative classifier with a shared covariance, as P(C₁|x) = σ(w·x + b).

    Fit (μ₁, Σ₁) on the N₁ samples of class 1 and (μ₀, Σ₀) on the N₀ samples of class
    0 with gaussian_mle; share Σ = (N₁Σ₁ + N₀Σ₀)/N; priors P(C₁) = N₁/N, P(C₀) = N₀/N.
    Then
        w = Σ⁻¹(μ₁ − μ₀),
        b = −½ μ₁ᵀΣ⁻¹μ₁ + ½ μ₀ᵀΣ⁻¹μ₀ + ln(N₁/N₀).

    Args:
        X: (N, D) float64 features.
        y: (N,) labels in {0, 1} (ints, floats or bools); both classes present.
    Returns:
        (w, b): w (D,), b a float.
    """
    # TODO
    raise NotImplementedError("TODO: fit_generative")


def posterior(X, w, b):
    """P(C₁|x) = σ(w·x + b) for each row of X.

    Must be numerically stable: no overflow warning and no NaN when |w·x + b| is as
    large as 1e4.

    Args:
        X: (N, D) features.
        w: (D,) weights.
        b: a number.
    Returns:
        ndarray (N,) of probabilities.
    """
    # TODO
    raise NotImplementedError("TODO: posterior")


def binary_cross_entropy(p, y):
    """The mean binary cross entropy over the samples.

    L = −(1/N) Σₙ [yₙ ln pₙ + (1 − yₙ) ln(1 − pₙ)].

    p lies in (0, 1); you may clip it to [1e-15, 1 − 1e-15] against log(0), but not
    more than that.

    Args:
        p: (N,) predicted probabilities.
        y: (N,) labels in {0, 1}.
    Returns:
        The loss, a float.
    """
    # TODO
    raise NotImplementedError("TODO: binary_cross_entropy")


def logistic_regression(X, y, lr, epochs):
    """Logistic regression by full-batch gradient descent on the mean cross entropy.

    Start from w = 0 (D zeros) and b = 0. In each epoch: p = σ(Xw + b); record the loss
    binary_cross_entropy(p, y); then step
        w ← w − lr·(1/N) Xᵀ(p − y),   b ← b − lr·(1/N) Σₙ (pₙ − yₙ).

    Args:
        X: (N, D) float64 features.
        y: (N,) labels in {0, 1}.
        lr: learning rate.
        epochs: number of updates.
    Returns:
        (w, b, losses): w (D,), b a float, losses a list of ``epochs`` floats, losses[k]
        the loss BEFORE update k (so losses[0] is the loss at w = 0, b = 0, i.e. ln 2).
    """
    # TODO
    raise NotImplementedError("TODO: logistic_regression")


def softmax(Z):
    """Row-wise softmax: S[n, k] = exp(Z[n, k]) / Σⱼ exp(Z[n, j]).

    Must be numerically stable: logits of ±1000 give no overflow warning and no NaN.

    Args:
        Z: (N, K) logits. Z must be left unchanged.
    Returns:
        ndarray (N, K), every row summing to 1.
    """
    # TODO
    raise NotImplementedError("TODO: softmax")


def softmax_cross_entropy(logits, labels):
    """The softmax cross entropy, averaged over the samples, and its gradient.

    loss = −(1/N) Σₙ ln softmax(logits)[n, labelsₙ];
    dlogits = ∂loss/∂logits = (softmax(logits) − onehot(labels)) / N.

    Must be stable like softmax: adding the same constant (even 1000) to every logit
    of a row changes neither the loss nor dlogits.

    Args:
        logits: (N, K) scores. logits must be left unchanged.
        labels: (N,) ints in 0 … K − 1.
    Returns:
        (loss, dlogits): loss a float, dlogits (N, K).
    """
    # TODO
    raise NotImplementedError("TODO: softmax_cross_entropy")


def accuracy(y_pred, y):
    """The fraction of predictions equal to the labels.

    Args:
        y_pred: (N,) predicted labels (ints, floats or bools, e.g. p >= 0.5).
        y: (N,) true labels.
    Returns:
        A float in [0, 1].
    """
    # TODO
    raise NotImplementedError("TODO: accuracy")
