"""Public tests for hw5: shapes and small worked examples (10 points), at least one
for every function.

Run them with `grade hw5`.  They are a first check only: the hidden suite (100 points)
compares your functions with a reference on random data of two Gaussian classes, checks
that your generative model's σ(w·x + b) is the Bayes posterior, checks every epoch of
logistic regression, your dlogits against central differences, and large logits.
"""

import math

import numpy as np
import pytest

from grader.checks import assert_close


@pytest.mark.points(1)
def test_gaussian_mle_worked_example(student):
    """gaussian_mle: mean and covariance (divided by N) of four points in the plane

    中文：gaussian_mle: 平面上四个点的均值和协方差（除以 N）
    """
    X = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])
    # mean (1, 1); every centred point is (±1, ±1), with independent signs: Σ = I
    assert_close(student.gaussian_mle(X), (np.array([1.0, 1.0]), np.eye(2)), names=("mu", "sigma"))


@pytest.mark.points(1)
def test_gaussian_pdf_worked_example(student):
    """gaussian_pdf: the standard normal in 2-D is 1/(2π) at the mean and e^(−1/2)/(2π) at distance 1

    中文：gaussian_pdf: 二维标准正态分布在均值处为 1/(2π)，在距离 1 处为 e^(−1/2)/(2π)
    """
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, -1.0]])
    expected = np.array([1.0, math.exp(-0.5), math.exp(-0.5)]) / (2 * math.pi)
    assert_close(student.gaussian_pdf(X, np.zeros(2), np.eye(2)), expected, names="densities")


@pytest.mark.points(2)
def test_fit_generative_worked_example(student):
    """fit_generative: one feature, class 1 at {1, 3} and class 0 at {−1, −3, −1, −3}

    中文：fit_generative: 一个特征，类别 1 在 {1, 3}，类别 0 在 {−1, −3, −1, −3}
    """
    X = np.array([[1.0], [3.0], [-1.0], [-3.0], [-1.0], [-3.0]])
    y = np.array([1, 1, 0, 0, 0, 0])
    # μ₁ = 2, μ₀ = −2, Σ₁ = Σ₀ = 1 so Σ = 1; w = Σ⁻¹(μ₁ − μ₀) = 4;
    # b = −½·4 + ½·4 + ln(2/4) = −ln 2
    assert_close(student.fit_generative(X, y), (np.array([4.0]), -math.log(2.0)), names=("w", "b"))


@pytest.mark.points(1)
def test_softmax_worked_example(student):
    """softmax: rows [0, ln 3] and [1000, 1000] give [1/4, 3/4] and [1/2, 1/2]

    中文：softmax: 行 [0, ln 3] 和 [1000, 1000] 得到 [1/4, 3/4] 和 [1/2, 1/2]
    """
    Z = np.array([[0.0, math.log(3.0)], [1000.0, 1000.0]])
    assert_close(student.softmax(Z), np.array([[0.25, 0.75], [0.5, 0.5]]), names="softmax")


@pytest.mark.points(1)
def test_softmax_cross_entropy_worked_example(student):
    """softmax_cross_entropy: loss and dlogits of two samples with logits [0, ln 3]

    中文：softmax_cross_entropy: logits 为 [0, ln 3] 的两个样本的损失和 dlogits
    """
    logits = np.array([[0.0, math.log(3.0)], [0.0, math.log(3.0)]])
    labels = np.array([1, 0])
    # softmax = [1/4, 3/4] in both rows; loss = −(ln 3/4 + ln 1/4)/2; dlogits = (S − onehot)/2
    loss = -(math.log(0.75) + math.log(0.25)) / 2
    dlogits = np.array([[0.25, -0.25], [-0.75, 0.75]]) / 2
    assert_close(student.softmax_cross_entropy(logits, labels), (loss, dlogits),
                 names=("loss", "dlogits"))


@pytest.mark.points(1)
def test_binary_cross_entropy_and_accuracy_worked_example(student):
    """binary_cross_entropy, accuracy: p = [0.9, 0.2, 0.6] against y = [1, 0, 0]

    中文：binary_cross_entropy, accuracy: p = [0.9, 0.2, 0.6] 对 y = [1, 0, 0]
    """
    p, y = np.array([0.9, 0.2, 0.6]), np.array([1, 0, 0])
    expected = -(math.log(0.9) + math.log(0.8) + math.log(0.4)) / 3
    assert_close(student.binary_cross_entropy(p, y), expected, names="loss")
    assert_close(student.accuracy(p >= 0.5, y), 2 / 3, names="accuracy")


@pytest.mark.points(1)
def test_posterior_worked_example(student):
    """posterior: σ(Xw + b) for w = [1, −0.5], b = ln 3 on three points

    中文：posterior: w = [1, −0.5]、b = ln 3 时三个点上的 σ(Xw + b)
    """
    X = np.array([[1.0, 2.0], [0.0, 0.0], [-1.0, 2.0]])
    # Xw + b = [ln 3, ln 3, ln 3 − 2]; σ(ln 3) = 3/4 and σ(ln 3 − 2) = 3/(3 + e²)
    expected = np.array([0.75, 0.75, 3 / (3 + math.exp(2.0))])
    assert_close(student.posterior(X, np.array([1.0, -0.5]), math.log(3.0)), expected,
                 names="P(C₁|x)")


@pytest.mark.points(2)
def test_logistic_regression_three_epochs(student):
    """logistic_regression: 3 epochs with lr = 0.5 on x = [1, −1, 2, −2], y = [1, 0, 1, 0]

    中文：logistic_regression: 在 x = [1, −1, 2, −2]、y = [1, 0, 1, 0] 上以 lr = 0.5 训练 3 个 epoch
    """
    X, y = np.array([[1.0], [-1.0], [2.0], [-2.0]]), np.array([1, 0, 1, 0])
    w, b, losses = student.logistic_regression(X, y, 0.5, 3)
    # From w = b = 0 every p is 1/2: losses[0] = ln 2.  dw = mean((p − y)·x) = −0.75 and
    # db = mean(p − y) = 0, so w = 0.375 and b stays 0 (the data are symmetric).
    assert_close(losses, [math.log(2.0), 0.45499713512737, 0.33548806778652146], names="losses")
    assert_close((w, b), (np.array([0.8329564252078463]), 0.0), names=("w", "b"))
