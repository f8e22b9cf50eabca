"""hw4 — regression with regularization (回归, 正则化): your submission file.

Fill in every function below; the handout is assignments/hw4/README.md.

The model is linear in its features, ŷ = X w + b; the features are made from the input
(polynomial_features: cp, cp², …) and scaled (standardize). The loss is the lecture's:
the SUM of squared errors plus λ Σ wᵢ² (the bias b is not regularized). You fit it two
ways, by gradient descent (fit_gd, with Adagrad as an option) and exactly
(fit_closed_form), and choose λ on a dev set (select_lambda).

Run ``grade hw4`` from anywhere in the repository to check your work.
"""
import numpy as np


def polynomial_features(x, degree):
    """Polynomial features of a 1-D input: the columns x, x², …, x^degree.

    Args:
        x: (N,) float64 inputs.
        degree: int >= 1, the highest power.
    Returns:
        ndarray (N, degree): column k − 1 holds x**k for k = 1 … degree. There is no
        column of ones: the bias b of the model plays that part.
    """
    # TODO: stack x**1, …, x**degree as columns.
    raise NotImplementedError("TODO: polynomial_features")


def standardize(X, mean=None, std=None):
    """Column-wise standardization (feature scaling): X_std = (X − mean) / std.

    When mean or std is None it is computed from X, column by column: the mean, and
    the POPULATION standard deviation sqrt((1/N) Σₙ (xₙ − mean)²) (ddof = 0). When they
    are given (the training set's, applied to dev or test data), use them as they are.

    Args:
        X: (N, D) float64 features.
        mean: (D,) or None.
        std: (D,) or None (no zero entries).
    Returns:
        (X_std, mean, std): X_std (N, D); mean and std (D,), the ones used. X must be
        left unchanged.
    """
    # TODO: compute what was not given, then scale; do not modify X in place.
    raise NotImplementedError("TODO: standardize")


def predict(X, w, b):
    """The linear model ŷ = X w + b.

    Args:
        X: (N, D) features.
        w: (D,) weights.
        b: the bias, a number.
    Returns:
        ndarray (N,).
    """
    # TODO
    raise NotImplementedError("TODO: predict")


def loss(X, y, w, b, lam=0.0):
    """The lecture's loss with L2 regularization: L = Σₙ (yₙ − ŷₙ)² + λ Σᵢ wᵢ².

    A SUM over the samples (not a mean); the bias b is not in the λ term.

    Args:
        X: (N, D) features.
        y: (N,) targets.
        w: (D,) weights.
        b: the bias.
        lam: λ >= 0.
    Returns:
        float.
    """
    # TODO
    raise NotImplementedError("TODO: loss")


def loss_gradient(X, y, w, b, lam=0.0):
    """The gradient of ``loss`` with respect to w and b.

    Args:
        X: (N, D) features.
        y: (N,) targets.
        w: (D,) weights.
        b: the bias.
        lam: λ >= 0.
    Returns:
        (dw, db): dw = ∂L/∂w, ndarray (D,); db = ∂L/∂b, a float.
    """
    # TODO: differentiate Σ (y − Xw − b)² + λ Σ w² by hand (mind the factor 2 and the
    #       sign); b has no λ term.
    raise NotImplementedError("TODO: loss_gradient")


def fit_gd(X, y, lam, lr, epochs, adagrad=False):
    """Fit w and b by full-batch gradient descent (梯度下降) on ``loss``.

    Start from w = 0 (D zeros) and b = 0. Each epoch: record the loss, compute the
    gradient on all the data, update once.
    - plain: θ ← θ − lr · g, for θ = each weight and the bias;
    - Adagrad: each parameter θ keeps G, the running sum of ITS squared gradients,
      this step's included (G ← G + g²), and steps by θ ← θ − lr · g / sqrt(G + 1e-8).

    Args:
        X: (N, D) features.
        y: (N,) targets.
        lam: λ >= 0.
        lr: learning rate (学习率) > 0.
        epochs: number of updates, >= 1.
        adagrad: use Adagrad when True.
    Returns:
        (w, b, losses): w (D,), b a float, losses a list of `epochs` floats where
        losses[k] = loss(X, y, w, b, lam) BEFORE update k (so losses[0] is the loss at
        w = 0, b = 0).
    """
    # TODO
    raise NotImplementedError("TODO: fit_gd")


def fit_closed_form(X, y, lam):
    """The exact minimizer (w, b) of ``loss`` (ridge regression, 岭回归).

    The bias is not regularized: e.g. center X and y on their means, solve the
    normal equations for w, then b = ȳ − x̄·w; or append a column of ones to X and put
    a 0 (not λ) in the bias's diagonal entry of the regularizer.

    Args:
        X: (N, D) features.
        y: (N,) targets.
        lam: λ >= 0.
    Returns:
        (w, b): w ndarray (D,), b a float.
    """
    # TODO: set ∂L/∂w = 0 and ∂L/∂b = 0 and solve (np.linalg.solve).
    raise NotImplementedError("TODO: fit_closed_form")


def select_lambda(X_train, y_train, X_dev, y_dev, lams):
    """Choose λ on the dev set (验证集).

    For each λ in lams: fit_closed_form on the training data, then the mean squared
    error on the dev data, (1/M) Σ (y_dev − ŷ_dev)² (an error: no λ term).

    Args:
        X_train: (N, D), y_train: (N,) training data.
        X_dev: (M, D), y_dev: (M,) dev data.
        lams: sequence of K values of λ.
    Returns:
        (best_lam, dev_mse): best_lam, the VALUE of λ (not its index) with the smallest
        dev error, the first one on ties; dev_mse, ndarray (K,) of the dev errors in the
        order of lams.
    """
    # TODO
    raise NotImplementedError("TODO: select_lambda")
