"""Public tests for hw4: shapes and small worked examples (10 points).

Run them with `grade hw4`.  They are a first check only: the hidden suite (100 points)
compares your functions with a reference on random inputs, checks your gradient
against central differences of the loss, and checks every epoch of gradient descent.
"""

import numpy as np
import pytest

from grader.checks import assert_close


@pytest.mark.points(2)
def test_polynomial_features_worked_example(student):
    """polynomial_features: x = [1, 2, -3], degree 3 gives the columns x, x², x³"""
    got = student.polynomial_features(np.array([1.0, 2.0, -3.0]), 3)
    assert_close(got, np.array([[1.0, 1.0, 1.0], [2.0, 4.0, 8.0], [-3.0, 9.0, -27.0]]))


@pytest.mark.points(2)
def test_standardize_worked_example(student):
    """standardize: mean, population std (ddof = 0) and the scaled columns of a 4×2 example"""
    X = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 30.0], [7.0, 30.0]])
    # column 0: mean 4, std sqrt((9 + 1 + 1 + 9) / 4) = sqrt(5); column 1: mean 20, std 10
    s5 = np.sqrt(5.0)
    expected = (np.array([[-3 / s5, -1.0], [-1 / s5, -1.0], [1 / s5, 1.0], [3 / s5, 1.0]]),
                np.array([4.0, 20.0]), np.array([s5, 10.0]))
    assert_close(student.standardize(X), expected, names=("X_std", "mean", "std"))


@pytest.mark.points(2)
def test_predict_and_loss_worked_example(student):
    """predict, loss: ŷ = Xw + b and Σ(y − ŷ)² + λΣw² on a 3-sample example"""
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    w, b = np.array([2.0, -1.0]), 0.5
    y = np.array([3.0, 0.0, 1.0])
    assert_close(student.predict(X, w, b), np.array([2.5, -0.5, 1.5]), names="ŷ")
    # residuals y − ŷ = [0.5, 0.5, -0.5]: Σ = 0.75; λ Σ w² = 0.1 · 5 (b not included)
    assert_close(student.loss(X, y, w, b), 0.75, names="loss (λ = 0)")
    assert_close(student.loss(X, y, w, b, 0.1), 1.25, names="loss (λ = 0.1)")


@pytest.mark.points(2)
def test_loss_gradient_worked_example(student):
    """loss_gradient: dw = −2Xᵀ(y − ŷ) + 2λw and db = −2Σ(y − ŷ) on a 3-sample example"""
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    w, b = np.array([2.0, -1.0]), 0.5
    y = np.array([3.0, 0.0, 1.0])
    # y − ŷ = [0.5, 0.5, -0.5]; Xᵀ(y − ŷ) = [0, 0]; Σ(y − ŷ) = 0.5
    dw, db = student.loss_gradient(X, y, w, b, 0.1)
    assert_close(dw, np.array([0.4, -0.2]), names="dw")
    assert_close(db, -1.0, names="db")


@pytest.mark.points(2)
def test_fit_closed_form_exact_line(student):
    """fit_closed_form: recovers y = 3x − 2 exactly from noise-free data (λ = 0)"""
    X = np.array([[-1.0], [0.0], [1.0], [2.0]])
    y = 3.0 * X[:, 0] - 2.0
    w, b = student.fit_closed_form(X, y, 0.0)
    assert_close((w, b), (np.array([3.0]), -2.0), names=("w", "b"))
