"""Public tests for hw4: shapes and small worked examples (10 points), at least one
for every function.

Run them with `grade hw4`.  They are a first check only: the hidden suite (100 points)
compares your functions with a reference on random inputs, checks your gradient
against central differences of the loss, and checks every epoch of gradient descent.
"""

import numpy as np
import pytest

from grader.checks import assert_close


@pytest.mark.points(1)
def test_polynomial_features_worked_example(student):
    """polynomial_features: x = [1, 2, -3], degree 3 gives the columns x, x², x³

    中文：polynomial_features: x = [1, 2, -3]、degree 3 时得到 x, x², x³ 三列
    """
    got = student.polynomial_features(np.array([1.0, 2.0, -3.0]), 3)
    assert_close(got, np.array([[1.0, 1.0, 1.0], [2.0, 4.0, 8.0], [-3.0, 9.0, -27.0]]))


@pytest.mark.points(1)
def test_standardize_worked_example(student):
    """standardize: mean, population std (ddof = 0) and the scaled columns of a 4×2 example

    中文：standardize: 一个 4×2 算例的 mean、总体标准差（ddof = 0）和缩放后的各列
    """
    X = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 30.0], [7.0, 30.0]])
    # column 0: mean 4, std sqrt((9 + 1 + 1 + 9) / 4) = sqrt(5); column 1: mean 20, std 10
    s5 = np.sqrt(5.0)
    expected = (np.array([[-3 / s5, -1.0], [-1 / s5, -1.0], [1 / s5, 1.0], [3 / s5, 1.0]]),
                np.array([4.0, 20.0]), np.array([s5, 10.0]))
    assert_close(student.standardize(X), expected, names=("X_std", "mean", "std"))


@pytest.mark.points(2)
def test_predict_and_loss_worked_example(student):
    """predict, loss: ŷ = Xw + b and Σ(y − ŷ)² + λΣw² on a 3-sample example

    中文：predict, loss: 3 个样本的算例上的 ŷ = Xw + b 和 Σ(y − ŷ)² + λΣw²
    """
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    w, b = np.array([2.0, -1.0]), 0.5
    y = np.array([3.0, 0.0, 1.0])
    assert_close(student.predict(X, w, b), np.array([2.5, -0.5, 1.5]), names="ŷ")
    # residuals y − ŷ = [0.5, 0.5, -0.5]: Σ = 0.75; λ Σ w² = 0.1 · 5 (b not included)
    assert_close(student.loss(X, y, w, b), 0.75, names="loss (λ = 0)")
    assert_close(student.loss(X, y, w, b, 0.1), 1.25, names="loss (λ = 0.1)")


@pytest.mark.points(2)
def test_loss_gradient_worked_example(student):
    """loss_gradient: dw = −2Xᵀ(y − ŷ) + 2λw and db = −2Σ(y − ŷ) on a 3-sample example

    中文：loss_gradient: 3 个样本的算例上的 dw = −2Xᵀ(y − ŷ) + 2λw 和 db = −2Σ(y − ŷ)
    """
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    w, b = np.array([2.0, -1.0]), 0.5
    y = np.array([3.0, 0.0, 1.0])
    # y − ŷ = [0.5, 0.5, -0.5]; Xᵀ(y − ŷ) = [0, 0]; Σ(y − ŷ) = 0.5
    dw, db = student.loss_gradient(X, y, w, b, 0.1)
    assert_close(dw, np.array([0.4, -0.2]), names="dw")
    assert_close(db, -1.0, names="db")


@pytest.mark.points(1)
def test_fit_closed_form_exact_line(student):
    """fit_closed_form: recovers y = 3x − 2 exactly from noise-free data (λ = 0)

    中文：fit_closed_form: 从无噪声的数据中准确求出 y = 3x − 2（λ = 0）
    """
    X = np.array([[-1.0], [0.0], [1.0], [2.0]])
    y = 3.0 * X[:, 0] - 2.0
    w, b = student.fit_closed_form(X, y, 0.0)
    assert_close((w, b), (np.array([3.0]), -2.0), names=("w", "b"))


@pytest.mark.points(1)
def test_fit_gd_three_epochs(student):
    """fit_gd: plain gradient descent, 3 epochs with lr = 0.01 on x = [1, 2, 3], y = [2, 4, 7]

    中文：fit_gd: 普通梯度下降，在 x = [1, 2, 3]、y = [2, 4, 7] 上以 lr = 0.01 训练 3 个 epoch
    """
    X, y = np.array([[1.0], [2.0], [3.0]]), np.array([2.0, 4.0, 7.0])
    w, b, losses = student.fit_gd(X, y, 0.0, 0.01, 3)
    # From w = b = 0: losses[0] = Σy² = 69; dw = −2Σx·y = −62 and db = −2Σy = −26, so the
    # first update gives w = 0.62, b = 0.26, and losses[1] = Σ(y − 0.62x − 0.26)² = 31.3188.
    assert_close(losses, [69.0, 31.3188, 14.53687856], names="losses")
    assert_close((w, b), (np.array([1.313744]), 0.539976), names=("w", "b"))


@pytest.mark.points(1)
def test_fit_gd_adagrad_three_epochs(student):
    """fit_gd: Adagrad, 3 epochs with lr = 0.5 on x = [1, 2, 3], y = [2, 4, 7]

    中文：fit_gd: Adagrad，在 x = [1, 2, 3]、y = [2, 4, 7] 上以 lr = 0.5 训练 3 个 epoch
    """
    X, y = np.array([[1.0], [2.0], [3.0]]), np.array([2.0, 4.0, 7.0])
    w, b, losses = student.fit_gd(X, y, 0.0, 0.5, 3, adagrad=True)
    # The first Adagrad step is lr·g/sqrt(g²) = lr·sign(g): w = b = 0.5, so losses[1] =
    # (2 − 1)² + (4 − 1.5)² + (7 − 2)² = 32.25.
    assert_close(losses, [69.0, 32.25, 18.06687938243963], names="losses")
    assert_close((w, b), (np.array([0.9709519182665274]), 0.9537065926907589), names=("w", "b"))


@pytest.mark.points(1)
def test_select_lambda_worked_example(student):
    """select_lambda: on data from y = 2x + 1, λ = 0 fits the dev set exactly and wins

    中文：select_lambda: 数据来自 y = 2x + 1 时，λ = 0 正好拟合 dev 集而胜出
    """
    X_train, y_train = np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 3.0, 5.0])
    X_dev, y_dev = np.array([[3.0], [4.0]]), np.array([7.0, 9.0])
    best, dev_mse = student.select_lambda(X_train, y_train, X_dev, y_dev, [1.0, 0.0, 10.0])
    # λ = 1 shrinks w to 4/3 (b = 5/3): dev errors 4/3 and 2, mean square (16/9 + 4)/2 = 26/9.
    assert_close(dev_mse, np.array([26 / 9, 0.0, 18.055555555555557]), names="dev_mse")
    assert_close(best, 0.0, names="best_lam")
