"""Hidden suite for hw5, classification: 100 points.

Every function is compared with the reference on seeded synthetic data: two Gaussian
classes with a shared covariance, different means and unequal sizes, so that dividing
by N − 1, averaging the class covariances without their priors and leaving out the
prior term ln(N₁/N₀) all change the result. Independent checks keep a wrong reference
from passing unnoticed: the density against its formula written out in the test (and
against 1 for its integral), σ(w·x + b) of the generative model against the Bayes
posterior computed from the class densities and priors, dlogits against central
differences of the loss. Logistic regression is checked epoch by epoch.
Tolerances are grader.checks' defaults (rtol 1e-4, atol 1e-6), which admit a correct
float32 answer; inputs that float32 cannot hold (1 − 1e-12) are not used.
"""

import math

import numpy as np
import pytest

from grader.checks import assert_close, assert_unchanged, check_gradient, fail, is_close
from grader.i18n import bilingual


def _two_gaussians(rng, n1, n0, d, gap=0.8):
    """X (n1 + n0, d), y (n1 + n0,) int64: class 1 ~ N(μ₁, Σ), class 0 ~ N(μ₀, Σ),
    the classes shuffled together; μ₁ − μ₀ is about 2·gap in each coordinate."""
    A = rng.normal(size=(d, d))
    L = np.linalg.cholesky(A @ A.T / d + 0.5 * np.eye(d))
    mu1, mu0 = rng.normal(size=d) + gap, rng.normal(size=d) - gap
    X = np.vstack([mu1 + rng.normal(size=(n1, d)) @ L.T, mu0 + rng.normal(size=(n0, d)) @ L.T])
    y = np.concatenate([np.ones(n1, dtype=np.int64), np.zeros(n0, dtype=np.int64)])
    order = rng.permutation(n1 + n0)
    return X[order], y[order]


def _covariance(rng, d):
    A = rng.normal(size=(d, d))
    return A @ A.T / d + 0.5 * np.eye(d)


def _output(got, expected, names, index, **kw):
    """Compare output ``index`` of a tuple result only (a malformed tuple says so)."""
    if not isinstance(got, (tuple, list)) or len(got) != len(names):
        assert_close(got, expected, names=names, **kw)
    assert_close(got[index], expected[index], names=names[index], **kw)


def _density(x, mu, cov):
    """The normal density written out: exp(−½ dᵀΣ⁻¹d) / sqrt((2π)^D |Σ|)."""
    diff = np.asarray(x, dtype=np.float64) - mu
    return float(np.exp(-0.5 * diff @ np.linalg.inv(cov) @ diff)
                 / np.sqrt((2 * np.pi) ** len(mu) * np.linalg.det(cov)))


MLE = ("mu", "sigma")
GENERATIVE = ("w", "b")
LOGISTIC = ("w", "b", "losses")
SCE = ("loss", "dlogits")


# ---------------------------------------------------------------- gaussian_mle (12)

@pytest.mark.points(3)
def test_gaussian_mle_mean(student, reference, rng):
    """gaussian_mle: mu matches the reference (N = 7, 40; D = 2, 3)

    中文：gaussian_mle: mu 与参考答案一致（N = 7, 40；D = 2, 3）
    """
    for n, d in [(7, 2), (40, 3)]:
        X = rng.normal(loc=2.0, scale=1.5, size=(n, d))
        _output(student.gaussian_mle(X), reference.gaussian_mle(X), MLE, 0)


@pytest.mark.points(4)
def test_gaussian_mle_covariance(student, reference, rng):
    """gaussian_mle: sigma is the maximum likelihood estimate, divided by N (N = 5, 40)

    中文：gaussian_mle: sigma 是最大似然估计，除以 N（N = 5, 40）
    """
    # N = 5: dividing by N − 1 instead gives 5/4 of the answer.
    for n, d in [(5, 2), (40, 3)]:
        X = rng.normal(size=(n, d)) @ rng.normal(size=(d, d)) + 1.0
        _output(student.gaussian_mle(X), reference.gaussian_mle(X), MLE, 1)


@pytest.mark.points(2)
def test_gaussian_mle_one_feature_shapes(student, rng):
    """gaussian_mle: one feature (D = 1) gives mu of shape (1,) and sigma of shape (1, 1)

    中文：gaussian_mle: 一个特征（D = 1）时 mu 形状为 (1,)，sigma 形状为 (1, 1)
    """
    X = rng.normal(size=(6, 1))
    # Shapes only here (the values are checked by the other tests): np.cov returns a
    # 0-d array for one variable.
    assert_close(student.gaussian_mle(X), (np.zeros(1), np.zeros((1, 1))), rtol=0, atol=np.inf,
                 names=MLE)


@pytest.mark.points(1)
def test_gaussian_mle_single_sample(student):
    """gaussian_mle: N = 1 gives mu = x and sigma = 0

    中文：gaussian_mle: N = 1 时 mu = x，sigma = 0
    """
    x = np.array([[0.5, -1.0, 2.0]])
    assert_close(student.gaussian_mle(x), (x[0], np.zeros((3, 3))), names=MLE)


@pytest.mark.points(2)
@pytest.mark.depends_on("test_gaussian_mle_mean", "test_gaussian_mle_covariance")
def test_gaussian_mle_leaves_X_unchanged(student, rng):
    """gaussian_mle: X is left unchanged

    中文：gaussian_mle: X 保持不变
    """
    X = rng.normal(loc=3.0, size=(8, 2))
    student.gaussian_mle(X)
    assert_unchanged(student.last_call.changed, "gaussian_mle",
                     bilingual(en="Compute the centred samples as a new array, diff = X - mu; "
                                  "`X -= mu` edits the caller's array.",
                               zh="把中心化后的样本算成一个新数组，diff = X - mu；`X -= mu` 会改动"
                                  "调用者的数组。"))


# ---------------------------------------------------------------- gaussian_pdf (10)

@pytest.mark.points(4)
def test_gaussian_pdf_formula(student, rng):
    """gaussian_pdf: matches exp(−½ (x − μ)ᵀΣ⁻¹(x − μ)) / sqrt((2π)^D |Σ|) (D = 2, 3)

    中文：gaussian_pdf: 与 exp(−½ (x − μ)ᵀΣ⁻¹(x − μ)) / sqrt((2π)^D |Σ|) 一致（D = 2, 3）
    """
    for d in (2, 3):
        mu, sigma = rng.normal(size=d), _covariance(rng, d)
        X = mu + rng.normal(size=(6, d))
        expected = np.array([_density(x, mu, sigma) for x in X])
        assert_close(student.gaussian_pdf(X, mu, sigma), expected, names="densities")


@pytest.mark.points(3)
def test_gaussian_pdf_one_dimension(student):
    """gaussian_pdf: D = 1 is the normal density exp(−(x − μ)²/2σ²) / sqrt(2πσ²)

    中文：gaussian_pdf: D = 1 时是正态分布密度 exp(−(x − μ)²/2σ²) / sqrt(2πσ²)
    """
    X = np.array([[-2.0], [0.0], [0.5], [1.7], [4.0]])
    mu, var = np.array([0.5]), 2.25  # σ = 1.5: the variance σ² is what sigma holds
    expected = np.exp(-(X[:, 0] - 0.5) ** 2 / (2 * var)) / np.sqrt(2 * np.pi * var)
    assert_close(student.gaussian_pdf(X, mu, np.array([[var]])), expected, names="densities")


@pytest.mark.points(2)
def test_gaussian_pdf_integrates_to_one(student):
    """gaussian_pdf: the density integrates to 1 over the plane (D = 2, a grid of step 0.1)

    中文：gaussian_pdf: 密度在平面上的积分为 1（D = 2，步长 0.1 的网格）
    """
    mu, sigma = np.array([0.3, -0.2]), np.array([[1.5, 0.4], [0.4, 0.8]])
    g = np.arange(-9.0, 9.0 + 1e-9, 0.1)
    X = np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)
    densities = student.gaussian_pdf(X, mu, sigma)
    assert_close(densities, np.zeros(len(X)), rtol=0, atol=np.inf, names="densities")  # shape
    total = float(np.sum(np.asarray(densities, dtype=np.float64)) * 0.1 * 0.1)
    if abs(total - 1.0) > 1e-3:
        fail(bilingual(en=f"your densities on a grid over [-9, 9]² add up (times the cell area "
                          f"0.01) to {total:.6g}, not 1: check the normalizing constant "
                          "1 / sqrt((2π)^D |Σ|) (the square root covers both (2π)^D and the "
                          "determinant).",
                       zh=f"你的概率密度在 [-9, 9]² 的网格上求和（乘以单元格面积 0.01）得到 "
                          f"{total:.6g}，而不是 1：检查归一化常数 1 / sqrt((2π)^D |Σ|)"
                          "（平方根同时作用于 (2π)^D 和行列式）。"), densities)


@pytest.mark.points(1)
def test_gaussian_pdf_single_point(student, rng):
    """gaussian_pdf: one point (N = 1) gives an array of shape (1,)

    中文：gaussian_pdf: 一个点（N = 1）时得到形状为 (1,) 的数组
    """
    mu, sigma = rng.normal(size=3), _covariance(rng, 3)
    x = mu + rng.normal(size=(1, 3))
    # The shape only (and no NaN): the values are checked by the tests above.
    assert_close(student.gaussian_pdf(x, mu, sigma), np.zeros(1), rtol=0, atol=np.inf,
                 names="densities")


# ---------------------------------------------------------------- fit_generative (20)

def _generative_data(rng):
    """Two data sets of unequal class sizes: D = 2 (30 vs 12), D = 1 (8 vs 20)."""
    return [_two_gaussians(rng, 30, 12, 2), _two_gaussians(rng, 8, 20, 1)]


@pytest.mark.points(5)
def test_fit_generative_w(student, reference, rng):
    """fit_generative: w = Σ⁻¹(μ₁ − μ₀) matches the reference (D = 2, 1; unequal class sizes)

    中文：fit_generative: w = Σ⁻¹(μ₁ − μ₀) 与参考答案一致（D = 2, 1；两类样本数不同）
    """
    for X, y in _generative_data(rng):
        _output(student.fit_generative(X, y), reference.fit_generative(X, y), GENERATIVE, 0)


@pytest.mark.points(5)
def test_fit_generative_b(student, reference, rng):
    """fit_generative: b matches the reference, with the prior term ln(N₁/N₀) (D = 2, 1)

    中文：fit_generative: b 与参考答案一致，含先验项 ln(N₁/N₀)（D = 2, 1）
    """
    for X, y in _generative_data(rng):
        _output(student.fit_generative(X, y), reference.fit_generative(X, y), GENERATIVE, 1)


@pytest.mark.points(5)
def test_fit_generative_is_the_bayes_posterior(student, rng):
    """fit_generative: σ(w·x + b) is the Bayes posterior P(C₁|x) of the class Gaussians and priors

    中文：fit_generative: σ(w·x + b) 是由各类高斯分布和先验得到的贝叶斯后验 P(C₁|x)
    """
    X, y = _two_gaussians(rng, 25, 10, 3)
    got = student.fit_generative(X, y)
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        assert_close(got, (np.zeros(3), 0.0), rtol=0, atol=np.inf, names=GENERATIVE)
    # Written out here, independently of the reference: class means, the shared
    # covariance (N₁Σ₁ + N₀Σ₀)/N of the maximum likelihood estimates, priors Nₖ/N.
    X1, X0 = X[y == 1], X[y == 0]
    mu1, mu0 = X1.mean(axis=0), X0.mean(axis=0)
    shared = ((X1 - mu1).T @ (X1 - mu1) + (X0 - mu0).T @ (X0 - mu0)) / len(X)
    prior1, prior0 = len(X1) / len(X), len(X0) / len(X)
    points = mu0 + 1.5 * rng.normal(size=(8, 3))
    bayes = np.array([_density(x, mu1, shared) * prior1
                      / (_density(x, mu1, shared) * prior1 + _density(x, mu0, shared) * prior0)
                      for x in points])
    w, b = np.asarray(got[0], dtype=np.float64), float(np.asarray(got[1]).reshape(-1)[0])
    ours = 1.0 / (1.0 + np.exp(-(points @ w + b)))
    if not is_close(ours, bayes):
        i = int(np.argmax(np.abs(ours - bayes)))
        point = np.round(points[i], 3)
        fail(bilingual(en=f"σ(w·x + b) with your w and b is not the posterior P(C₁|x) = "
                          f"p(x|C₁)P(C₁) / (p(x|C₁)P(C₁) + p(x|C₀)P(C₀)) of the two class "
                          f"Gaussians (shared covariance (N₁Σ₁ + N₀Σ₀)/N, priors Nₖ/N): at the "
                          f"point x = {point} it is {ours[i]:.6g}, the posterior is {bayes[i]:.6g}.",
                       zh=f"用你的 w 和 b 算出的 σ(w·x + b) 不是两个类别高斯分布（共享协方差 "
                          f"(N₁Σ₁ + N₀Σ₀)/N，先验 Nₖ/N）的后验概率 P(C₁|x) = p(x|C₁)P(C₁) / "
                          f"(p(x|C₁)P(C₁) + p(x|C₀)P(C₀))：在点 x = {point} 处它是 "
                          f"{ours[i]:.6g}，后验概率是 {bayes[i]:.6g}。"), got)


@pytest.mark.points(3)
def test_fit_generative_identical_classes(student, rng):
    """fit_generative: classes with the same mean and covariance give w = 0 and b = ln(N₁/N₀)

    中文：fit_generative: 两类均值和协方差相同时 w = 0，b = ln(N₁/N₀)
    """
    # Class 1 is class 0's 10 samples three times over: μ₁ = μ₀ and Σ₁ = Σ₀, so only
    # the priors 30/40 and 10/40 tell the classes apart: P(C₁|x) = 3/4 everywhere.
    X0 = rng.normal(size=(10, 2)) @ np.array([[1.0, 0.3], [0.0, 0.7]]) + 1.0
    X = np.vstack([X0, X0, X0, X0])
    y = np.array([0] * 10 + [1] * 30)
    assert_close(student.fit_generative(X, y), (np.zeros(2), math.log(3.0)), names=GENERATIVE)


@pytest.mark.points(2)
def test_fit_generative_label_types(student, reference, rng):
    """fit_generative: labels given as ints, floats or bools give the reference's w and b

    中文：fit_generative: 标签以 int、float 或 bool 给出时都得到参考答案的 w 和 b
    """
    X, y = _two_gaussians(rng, 15, 9, 2)
    expected = reference.fit_generative(X, y)
    for labels, kind in ((y, "int"), (y.astype(np.float64), "float"), (y.astype(bool), "bool")):
        assert_close(student.fit_generative(X, labels), expected,
                     names=(f"w (y as {kind}s)", f"b (y as {kind}s)"))


# ---------------------------------------------------------------- posterior (7)

@pytest.mark.points(3)
def test_posterior_matches_reference(student, reference, rng):
    """posterior: σ(Xw + b) matches the reference (D = 2, 3)

    中文：posterior: σ(Xw + b) 与参考答案一致（D = 2, 3）
    """
    for n, d in [(6, 2), (10, 3)]:
        X, w, b = rng.normal(size=(n, d)), rng.normal(size=d), float(rng.normal())
        assert_close(student.posterior(X, w, b), reference.posterior(X, w, b), names="P(C₁|x)")


@pytest.mark.points(2)
def test_posterior_extreme_values(student, reference):
    """posterior: no NaN or inf for |w·x + b| up to 1e4

    中文：posterior: |w·x + b| 不超过 1e4 时没有 NaN 或 inf
    """
    X = np.array([[-1e4, 0.0], [-1000.0, 1.0], [-40.0, 0.0], [0.0, 0.0], [40.0, 0.0],
                  [1000.0, -1.0], [1e4, 0.0]])
    w, b = np.array([1.0, 2.0]), 0.5
    assert_close(student.posterior(X, w, b), reference.posterior(X, w, b), names="P(C₁|x)")


@pytest.mark.points(1)
@pytest.mark.depends_on("test_posterior_matches_reference")
def test_posterior_no_overflow_warning(student):
    """posterior: no overflow warning for |w·x + b| up to 1e4

    中文：posterior: |w·x + b| 不超过 1e4 时没有溢出警告
    """
    student.posterior(np.array([[-1e4], [-1000.0], [0.0], [1000.0], [1e4]]), np.array([1.0]), 0.0)
    raised = student.last_call.reply.warnings
    if raised:
        fail(bilingual(en=f"`posterior` raised a warning for z = w·x + b = ±1e4: {raised[0]}. "
                          "np.exp(-z) overflows for large negative z: compute e = np.exp(-|z|) and "
                          "use 1/(1+e) where z >= 0 and e/(1+e) where z < 0.",
                       zh=f"`posterior` 在 z = w·x + b = ±1e4 时产生了警告：{raised[0]}。z 是很大的"
                          "负数时 np.exp(-z) 会溢出：先算 e = np.exp(-|z|)，在 z >= 0 处用 "
                          "1/(1+e)，在 z < 0 处用 e/(1+e)。"))


@pytest.mark.points(1)
def test_posterior_single_sample(student, reference):
    """posterior: one sample (N = 1) gives shape (1,)

    中文：posterior: 单个样本（N = 1）时形状为 (1,)
    """
    X, w = np.array([[0.5, -1.0, 2.0]]), np.array([1.0, 0.5, -0.25])
    assert_close(student.posterior(X, w, -0.3), reference.posterior(X, w, -0.3), names="P(C₁|x)")


# ---------------------------------------------------------------- binary_cross_entropy (7)

@pytest.mark.points(4)
def test_binary_cross_entropy_matches_reference(student, reference, rng):
    """binary_cross_entropy: the mean over the samples matches the reference (N = 1, 6, 20)

    中文：binary_cross_entropy: 对样本取平均的交叉熵与参考答案一致（N = 1, 6, 20）
    """
    for n in (1, 6, 20):
        p, y = rng.uniform(0.02, 0.98, size=n), rng.integers(0, 2, size=n)
        assert_close(student.binary_cross_entropy(p, y), reference.binary_cross_entropy(p, y),
                     names="loss")


@pytest.mark.points(3)
def test_binary_cross_entropy_near_zero_and_one(student, reference):
    """binary_cross_entropy: p within 1e-12 of 0 and 2⁻²⁰ of 1 (a clip to [1e-15, 1 − 1e-15] is allowed)

    中文：binary_cross_entropy: p 离 0 不到 1e-12、离 1 不到 2⁻²⁰ 时（允许裁剪到 [1e-15, 1 − 1e-15]）
    """
    # 1 − 2⁻²⁰ and 1 − 2⁻¹⁴ are exact in float32; 1 − 1e-12 is not (it rounds to 1).
    p = np.array([1e-12, 1e-12, 1 - 2.0 ** -20, 1 - 2.0 ** -14, 1e-6, 0.3])
    y = np.array([1, 0, 1, 0, 1, 0])
    got, expected = student.binary_cross_entropy(p, y), reference.binary_cross_entropy(p, y)
    if not is_close(got, expected):
        assert_close(got, expected, names=bilingual(
            en="loss (p = 1e-12 with y = 1 costs −ln(1e-12) ≈ 27.6: clip p to no more than "
               "[1e-15, 1 − 1e-15], if at all)",
            zh="损失（y = 1 时 p = 1e-12 的代价是 −ln(1e-12) ≈ 27.6：如果要裁剪 p，范围不要比 "
               "[1e-15, 1 − 1e-15] 更窄）"))


# ---------------------------------------------------------------- logistic_regression (14)

def _logistic_data(rng):
    """Overlapping classes (20 vs 10, D = 2): the loss falls steadily, w stays moderate."""
    return _two_gaussians(rng, 20, 10, 2, gap=0.3)


@pytest.mark.points(5)
def test_logistic_regression_loss_history(student, reference, rng):
    """logistic_regression: the loss of every epoch matches the reference (25 epochs, lr = 0.2)

    中文：logistic_regression: 每个 epoch 的损失与参考答案一致（25 个 epoch，lr = 0.2）
    """
    X, y = _logistic_data(rng)
    _output(student.logistic_regression(X, y, 0.2, 25), reference.logistic_regression(X, y, 0.2, 25),
            LOGISTIC, 2)


@pytest.mark.points(4)
def test_logistic_regression_parameters(student, reference, rng):
    """logistic_regression: w and b after 25 epochs (lr = 0.2) match the reference

    中文：logistic_regression: 训练 25 个 epoch（lr = 0.2）后的 w 和 b 与参考答案一致
    """
    X, y = _logistic_data(rng)
    got, expected = student.logistic_regression(X, y, 0.2, 25), reference.logistic_regression(X, y, 0.2, 25)
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        assert_close(got, expected, names=LOGISTIC)
    assert_close(got[:2], expected[:2], names=LOGISTIC[:2])


@pytest.mark.points(2)
def test_logistic_regression_starts_at_zero(student, rng):
    """logistic_regression: one loss per epoch, the first at w = 0, b = 0 (ln 2)

    中文：logistic_regression: 每个 epoch 一个损失，第一个在 w = 0、b = 0 处（ln 2）
    """
    X, y = _logistic_data(rng)
    got = student.logistic_regression(X, y, 0.2, 3)
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        fail(bilingual(en=f"logistic_regression must return (w, b, losses), got {got!r:.200}",
                       zh=f"logistic_regression 必须返回 (w, b, losses)，得到的是 {got!r:.200}"), got)
    losses = got[2]
    if not isinstance(losses, (list, tuple, np.ndarray)) or len(losses) != 3:
        fail(bilingual(en=f"losses must hold one value per epoch (3 here), got {losses!r:.200}",
                       zh=f"losses 必须每个 epoch 一个值（这里是 3 个），得到的是 {losses!r:.200}"), got)
    if not is_close(losses[0], math.log(2.0)):
        fail(bilingual(en=f"losses[0] must be the loss BEFORE the first update, at w = 0 and "
                          f"b = 0, where every p is 1/2 and the loss is ln 2 = "
                          f"{math.log(2.0):.6g}; got {float(losses[0]):.6g}.",
                       zh=f"losses[0] 必须是第一次更新【之前】的损失，此时 w = 0、b = 0，每个 p "
                          f"都是 1/2，损失是 ln 2 = {math.log(2.0):.6g}；得到的是 "
                          f"{float(losses[0]):.6g}。"), got)


@pytest.mark.points(3)
def test_logistic_regression_one_feature(student, reference, rng):
    """logistic_regression: one feature (D = 1), lr = 0.5, 8 epochs: w, b and every loss match

    中文：logistic_regression: 一个特征（D = 1），lr = 0.5，8 个 epoch：w、b 和每个损失都一致
    """
    X, y = _two_gaussians(rng, 5, 9, 1, gap=0.3)
    assert_close(student.logistic_regression(X, y, 0.5, 8), reference.logistic_regression(X, y, 0.5, 8),
                 names=LOGISTIC)


# ---------------------------------------------------------------- softmax (12)

@pytest.mark.points(3)
def test_softmax_matches_reference(student, reference, rng):
    """softmax: matches the reference, row by row ((1, 3), (4, 5), (6, 2))

    中文：softmax: 逐行与参考答案一致（(1, 3)、(4, 5)、(6, 2)）
    """
    for shape in [(1, 3), (4, 5), (6, 2)]:
        Z = rng.normal(scale=3.0, size=shape)
        assert_close(student.softmax(Z), reference.softmax(Z), names="softmax")


@pytest.mark.points(2)
def test_softmax_rows_sum_to_one(student, rng):
    """softmax: every row sums to 1 and every entry is in (0, 1]

    中文：softmax: 每行之和为 1，每个元素都在 (0, 1] 中
    """
    Z = rng.normal(scale=2.0, size=(5, 4))
    S = student.softmax(Z)
    assert_close(S, np.full((5, 4), 0.5), rtol=0, atol=0.5, names=bilingual(en="softmax (entries in [0, 1])", zh="softmax（元素在 [0, 1] 内）"))
    sums = np.sum(np.asarray(S, dtype=np.float64), axis=1)
    if not is_close(sums, np.ones(5)):
        fail(bilingual(en=f"the rows of your softmax sum to {np.round(sums, 4)}, not 1: each row "
                          "is one sample's probabilities over the classes.",
                       zh=f"你的 softmax 每行之和是 {np.round(sums, 4)}，而不是 1：每一行是一个样本"
                          "在各个类别上的概率。"), S)


@pytest.mark.points(2)
def test_softmax_shift_invariance(student, reference, rng):
    """softmax: adding a constant to each row gives the reference's softmax of the unshifted rows

    中文：softmax: 每行加上一个常数后，结果与参考答案对未平移各行的 softmax 一致
    """
    Z = rng.normal(scale=2.0, size=(4, 5))
    shifted = student.softmax(Z + rng.uniform(-30.0, 30.0, size=(4, 1)))
    assert_close(shifted, reference.softmax(Z), names=bilingual(en="softmax(Z + c) (c is one constant per row)",
                                                         zh="softmax(Z + c)（c 是每行一个常数）"))


@pytest.mark.points(2)
def test_softmax_large_logits(student, reference):
    """softmax: logits of ±1000 give no NaN and no inf

    中文：softmax: logits 为 ±1000 时没有 NaN 和 inf
    """
    Z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0], [1000.0, 1000.0, 999.0],
                  [0.5, -0.5, 0.0]])
    assert_close(student.softmax(Z), reference.softmax(Z), names="softmax")


@pytest.mark.points(1)
@pytest.mark.depends_on("test_softmax_matches_reference")
def test_softmax_no_overflow_warning(student):
    """softmax: no overflow warning for logits of ±1000

    中文：softmax: logits 为 ±1000 时没有溢出警告
    """
    got = student.softmax(np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0]]))
    raised = student.last_call.reply.warnings
    if raised:
        advice = bilingual(en=" np.exp(1000) overflows: subtract each row's maximum first "
                              "(softmax does not change when a constant is added to a row).",
                           zh="np.exp(1000) 会溢出：先减去每行的最大值（给一行加上同一个常数"
                              "不会改变 softmax）。") if "overflow" in raised[0] else ""
        fail(bilingual(en=f"`softmax` raised a warning for logits of ±1000: {raised[0]}.{advice}",
                       zh=f"`softmax` 在 logits 为 ±1000 时产生了警告：{raised[0]}。{advice}"), got,
             wrong_value=False)


@pytest.mark.points(2)
@pytest.mark.depends_on("test_softmax_matches_reference")
def test_softmax_leaves_Z_unchanged(student, rng):
    """softmax: Z is left unchanged

    中文：softmax: Z 保持不变
    """
    Z = rng.normal(size=(3, 4))
    student.softmax(Z)
    assert_unchanged(student.last_call.changed, "softmax",
                     bilingual(en="Subtract the row maxima into a new array, "
                                  "Z - Z.max(axis=1, keepdims=True); `Z -= ...` edits the "
                                  "caller's array.",
                               zh="把减去每行最大值的结果放进一个新数组，"
                                  "Z - Z.max(axis=1, keepdims=True)；`Z -= ...` 会改动调用者的数组。"))


# ---------------------------------------------------------------- softmax_cross_entropy (13)

def _sce_inputs(rng, n, k):
    """Logits on a grid of 1/64 in [-4, 4) (exact in float32, also after adding 1000)
    and int64 labels."""
    return rng.integers(-256, 256, size=(n, k)) / 64.0, rng.integers(0, k, size=n)


@pytest.mark.points(3)
def test_softmax_cross_entropy_loss(student, reference, rng):
    """softmax_cross_entropy: the loss, a mean over the samples, matches the reference ((5, 3), (8, 4))

    中文：softmax_cross_entropy: 损失（对样本取平均的交叉熵）与参考答案一致（(5, 3)、(8, 4)）
    """
    for n, k in [(5, 3), (8, 4)]:
        logits, labels = _sce_inputs(rng, n, k)
        _output(student.softmax_cross_entropy(logits, labels),
                reference.softmax_cross_entropy(logits, labels), SCE, 0)


@pytest.mark.points(3)
def test_softmax_cross_entropy_dlogits(student, reference, rng):
    """softmax_cross_entropy: dlogits = (softmax − onehot)/N matches the reference ((5, 3), (8, 4))

    中文：softmax_cross_entropy: dlogits = (softmax − onehot)/N 与参考答案一致（(5, 3)、(8, 4)）
    """
    for n, k in [(5, 3), (8, 4)]:
        logits, labels = _sce_inputs(rng, n, k)
        _output(student.softmax_cross_entropy(logits, labels),
                reference.softmax_cross_entropy(logits, labels), SCE, 1)


@pytest.mark.points(3)
def test_softmax_cross_entropy_central_differences(student, reference, rng):
    """softmax_cross_entropy: dlogits matches central differences of the loss

    中文：softmax_cross_entropy: dlogits 与损失的中心差分一致
    """
    logits, labels = _sce_inputs(rng, 4, 3)
    got = student.softmax_cross_entropy(logits, labels)
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        assert_close(got, reference.softmax_cross_entropy(logits, labels), names=SCE)
    check_gradient(lambda v: reference.softmax_cross_entropy(v, labels)[0], logits, got[1],
                   name="dlogits")


@pytest.mark.points(1)
def test_softmax_cross_entropy_wide_rows(student, reference):
    """softmax_cross_entropy: a row spanning 720 and rows near ±1000 (each row stabilised by its own maximum)

    中文：softmax_cross_entropy: 一行跨度为 720、几行接近 ±1000（每行用它自己的最大值来保持数值稳定）
    """
    # exp(720) overflows, while exp(-720) is still above 0: a row-min or a global-max
    # shift fails here, and a correct softmax (even one that multiplies one-hot labels
    # by log(probs)) does not.
    logits = np.array([[720.0, 0.0, 360.0, 10.0], [-1000.0, -1000.5, -999.0, -1001.0],
                       [1000.0, 999.0, 998.5, 1001.0]])
    labels = np.array([0, 2, 3])
    assert_close(student.softmax_cross_entropy(logits, labels),
                 reference.softmax_cross_entropy(logits, labels), names=SCE)


@pytest.mark.points(1)
def test_softmax_cross_entropy_large_logits(student, reference, rng):
    """softmax_cross_entropy: adding 1000 to every logit gives the reference's loss and dlogits at the logits

    中文：softmax_cross_entropy: 每个 logit 加上 1000 后，损失和 dlogits 与参考答案在原 logits 处的一致
    """
    logits, labels = _sce_inputs(rng, 5, 4)
    shifted = student.softmax_cross_entropy(logits + 1000.0, labels)
    assert_close(shifted, reference.softmax_cross_entropy(logits, labels),
                 names=(bilingual(en="loss at logits + 1000", zh="logits + 1000 处的损失"),
                        bilingual(en="dlogits at logits + 1000", zh="logits + 1000 处的 dlogits")))


@pytest.mark.points(1)
def test_softmax_cross_entropy_single_sample(student, reference):
    """softmax_cross_entropy: one sample (N = 1) with the label as an int32 array

    中文：softmax_cross_entropy: 单个样本（N = 1），标签为 int32 数组
    """
    logits, labels = np.array([[0.5, 2.0, -1.0, 0.25]]), np.array([2], dtype=np.int32)
    assert_close(student.softmax_cross_entropy(logits, labels),
                 reference.softmax_cross_entropy(logits, labels), names=SCE)


@pytest.mark.points(1)
@pytest.mark.depends_on("test_softmax_cross_entropy_loss", "test_softmax_cross_entropy_dlogits")
def test_softmax_cross_entropy_leaves_logits_unchanged(student, rng):
    """softmax_cross_entropy: logits are left unchanged

    中文：softmax_cross_entropy: logits 保持不变
    """
    logits, labels = _sce_inputs(rng, 3, 4)
    student.softmax_cross_entropy(logits, labels)
    assert_unchanged(student.last_call.changed, "softmax_cross_entropy",
                     bilingual(en="Work on new arrays (logits - logits.max(axis=1, keepdims=True)), "
                                  "not in place.",
                               zh="在新数组上计算（logits - logits.max(axis=1, keepdims=True)），"
                                  "不要原地修改。"))


# ---------------------------------------------------------------- accuracy (5)

@pytest.mark.points(2)
def test_accuracy_int_labels(student, reference, rng):
    """accuracy: the fraction of equal int labels (N = 8, 3 classes)

    中文：accuracy: int 标签相等的比例（N = 8，3 类）
    """
    y_pred, y = rng.integers(0, 3, size=8), rng.integers(0, 3, size=8)
    y_pred[:2] = y[:2]  # at least two right
    assert_close(student.accuracy(y_pred, y), reference.accuracy(y_pred, y), names="accuracy")


@pytest.mark.points(1)
def test_accuracy_float_labels(student):
    """accuracy: float labels 0.0 and 1.0 (3 of 5 equal)

    中文：accuracy: float 标签 0.0 和 1.0（5 个中 3 个相等）
    """
    got = student.accuracy(np.array([1.0, 0.0, 1.0, 1.0, 0.0]), np.array([1.0, 1.0, 1.0, 0.0, 0.0]))
    assert_close(got, 0.6, names="accuracy")


@pytest.mark.points(1)
def test_accuracy_bool_predictions(student):
    """accuracy: bool predictions (p >= 0.5) against int labels (3 of 4 equal)

    中文：accuracy: bool 预测（p >= 0.5）对 int 标签（4 个中 3 个相等）
    """
    p = np.array([0.9, 0.2, 0.6, 0.4])
    got = student.accuracy(p >= 0.5, np.array([1, 0, 0, 0]))
    assert_close(got, 0.75, names="accuracy")


@pytest.mark.points(1)
def test_accuracy_all_or_none(student):
    """accuracy: 1.0 when all 4 predictions are right and 0.0 when none is

    中文：accuracy: 4 个预测全对时为 1.0，全错时为 0.0
    """
    y = np.array([2, 0, 1, 1])
    assert_close(student.accuracy(y.copy(), y), 1.0, names=bilingual(en="accuracy (all right)", zh="accuracy（全对）"))
    assert_close(student.accuracy((y + 1) % 3, y), 0.0, names=bilingual(en="accuracy (none right)", zh="accuracy（全错）"))
