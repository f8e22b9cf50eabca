"""Hidden suite for hw4, regression with regularization: 100 points.

Every function is compared with the reference on seeded random inputs (N = 1 included
where it makes sense); the gradient is also checked against central differences of the
contract's loss, and the closed form by the gradient of the loss at its solution, so
that a wrong reference cannot pass unnoticed. Features are standardized and the
targets have a large mean, so that regularizing the bias by mistake changes every
result that involves λ > 0. Gradient descent is checked epoch by epoch.
Tolerances are grader.checks' defaults (rtol 1e-4, atol 1e-6), which admit a correct
float32 answer and any of np.linalg.solve, lstsq or pinv.
"""

import numpy as np
import pytest

from grader.checks import assert_close, assert_unchanged, check_gradient, fail, is_close
from grader.i18n import bilingual

BIAS = 5.0  # the targets' offset: large next to the weights, so that λ·b² is not small


def _data(rng, n, d, bias=BIAS, noise=0.5):
    """Standardized features X (n, d), targets y = X w + bias + noise (n,)."""
    X = rng.normal(size=(n, d))
    if n > 1:
        X = (X - X.mean(axis=0)) / X.std(axis=0)
    w = rng.normal(scale=2.0, size=d)
    y = X @ w + bias + noise * rng.normal(size=n)
    return X, y


def _params(rng, d):
    """A point (w, b) away from the optimum, b far from 0."""
    return rng.normal(size=d), float(rng.uniform(2.0, 4.0))


def _output(got, expected, names, index, **kw):
    """Compare output ``index`` of a tuple result only (a malformed tuple says so)."""
    if not isinstance(got, (tuple, list)) or len(got) != len(names):
        assert_close(got, expected, names=names, **kw)
    assert_close(got[index], expected[index], names=names[index], **kw)


# ---------------------------------------------------------------- polynomial_features (8)

@pytest.mark.points(4)
def test_polynomial_features_matches_reference(student, reference, rng):
    """polynomial_features: matches the reference for degree 1 … 5 (N = 6)

    中文：polynomial_features: degree 为 1 … 5 时与参考答案一致（N = 6）
    """
    x = rng.uniform(-2.0, 2.0, size=6)
    for degree in range(1, 6):
        assert_close(student.polynomial_features(x, degree), reference.polynomial_features(x, degree))


@pytest.mark.points(2)
def test_polynomial_features_degree_1(student, rng):
    """polynomial_features: degree 1 is the single column x, shape (N, 1)

    中文：polynomial_features: degree 为 1 时只有一列 x，形状 (N, 1)
    """
    x = rng.normal(size=5)
    assert_close(student.polynomial_features(x, 1), x.reshape(-1, 1))


@pytest.mark.points(2)
def test_polynomial_features_single_sample(student, reference):
    """polynomial_features: N = 1 gives one row x, x², x³, x⁴

    中文：polynomial_features: N = 1 时得到一行 x, x², x³, x⁴
    """
    x = np.array([-1.5])
    assert_close(student.polynomial_features(x, 4), reference.polynomial_features(x, 4))


# ---------------------------------------------------------------- standardize (12)

STANDARDIZE = ("X_std", "mean", "std")


def _raw_features(rng, n, d=3):
    return rng.normal(loc=[10.0, -3.0, 200.0][:d], scale=[2.0, 0.5, 50.0][:d], size=(n, d))


@pytest.mark.points(3)
def test_standardize_X_std(student, reference, rng):
    """standardize: X_std matches the reference, mean and std computed from X (N = 5, 8)

    中文：standardize: X_std 与参考答案一致，mean 和 std 由 X 计算（N = 5, 8）
    """
    for n in (5, 8):
        X = _raw_features(rng, n)
        _output(student.standardize(X), reference.standardize(X), STANDARDIZE, 0)


@pytest.mark.points(3)
def test_standardize_statistics(student, reference, rng):
    """standardize: mean and std (D,) match the reference, the population std (ddof = 0)

    中文：standardize: 形状 (D,) 的 mean 和 std 与参考答案一致，std 为总体标准差（ddof = 0）
    """
    for n in (5, 8):
        X = _raw_features(rng, n)
        got, expected = student.standardize(X), reference.standardize(X)
        _output(got, expected, STANDARDIZE, 1)
        _output(got, expected, STANDARDIZE, 2)


@pytest.mark.points(3)
def test_standardize_given_statistics(student, reference, rng):
    """standardize: a given mean and std are used as they are (the training set's, on dev data)

    中文：standardize: 给定的 mean 和 std 原样使用（在 dev 数据上用训练集的）
    """
    _, mean, std = reference.standardize(_raw_features(rng, 10))
    X_dev = _raw_features(rng, 4)
    assert_close(student.standardize(X_dev, mean, std), reference.standardize(X_dev, mean, std),
                 names=STANDARDIZE)


@pytest.mark.points(1)
def test_standardize_single_row_with_given_statistics(student, reference, rng):
    """standardize: one row (N = 1) scaled with the training set's mean and std

    中文：standardize: 用训练集的 mean 和 std 缩放一行数据（N = 1）
    """
    _, mean, std = reference.standardize(_raw_features(rng, 10))
    x = _raw_features(rng, 1)
    assert_close(student.standardize(x, mean=mean, std=std),
                 reference.standardize(x, mean=mean, std=std), names=STANDARDIZE)


@pytest.mark.points(2)
@pytest.mark.depends_on("test_standardize_X_std")
def test_standardize_leaves_X_unchanged(student, rng):
    """standardize: X is left unchanged

    中文：standardize: X 保持不变
    """
    X = _raw_features(rng, 6)
    student.standardize(X)
    assert_unchanged(student.last_call.changed, "standardize",
                     bilingual(en="Compute X_std = (X - mean) / std as a new array; `X -= mean` "
                                  "edits the caller's array.",
                               zh="把 X_std = (X - mean) / std 算成一个新数组；`X -= mean` 会改动"
                                  "调用者的数组。"))
    student.standardize(X, X.mean(axis=0), X.std(axis=0))
    assert_unchanged(student.last_call.changed, "standardize")


# ---------------------------------------------------------------- predict (6)

@pytest.mark.points(4)
def test_predict_matches_reference(student, reference, rng):
    """predict: ŷ = Xw + b matches the reference (N = 5, 12; D = 1, 3)

    中文：predict: ŷ = Xw + b 与参考答案一致（N = 5, 12；D = 1, 3）
    """
    for n, d in [(5, 1), (12, 3)]:
        X, _ = _data(rng, n, d)
        w, b = _params(rng, d)
        assert_close(student.predict(X, w, b), reference.predict(X, w, b), names="ŷ")


@pytest.mark.points(2)
def test_predict_single_sample(student, reference, rng):
    """predict: N = 1 gives shape (1,)

    中文：predict: N = 1 时形状为 (1,)
    """
    X, w, b = rng.normal(size=(1, 3)), rng.normal(size=3), 1.5
    assert_close(student.predict(X, w, b), reference.predict(X, w, b), names="ŷ")


# ---------------------------------------------------------------- loss (10)

@pytest.mark.points(4)
def test_loss_without_regularization(student, reference, rng):
    """loss: λ = 0 matches the reference, a sum over the samples (N = 6, 15)

    中文：loss: λ = 0 时与参考答案一致，对样本求和（N = 6, 15）
    """
    for n in (6, 15):
        X, y = _data(rng, n, 3)
        w, b = _params(rng, 3)
        assert_close(student.loss(X, y, w, b, 0.0), reference.loss(X, y, w, b, 0.0), names="loss")


@pytest.mark.points(4)
def test_loss_with_regularization(student, reference, rng):
    """loss: λ > 0 matches the reference, the bias not regularized

    中文：loss: λ > 0 时与参考答案一致，偏置不做正则化
    """
    for lam in (0.5, 3.0):
        X, y = _data(rng, 8, 3)
        w, b = _params(rng, 3)
        assert_close(student.loss(X, y, w, b, lam), reference.loss(X, y, w, b, lam), names="loss")


@pytest.mark.points(2)
def test_loss_single_sample(student, reference, rng):
    """loss: N = 1 (λ = 0)

    中文：loss: N = 1（λ = 0）
    """
    X, y = rng.normal(size=(1, 2)), np.array([4.0])
    w, b = _params(rng, 2)
    assert_close(student.loss(X, y, w, b, 0.0), reference.loss(X, y, w, b, 0.0), names="loss")


# ---------------------------------------------------------------- loss_gradient (18)

GRADIENT = ("dw", "db")


def _gradient_output(student, reference, rng, lam, index):
    for n in (5, 12):
        X, y = _data(rng, n, 3)
        w, b = _params(rng, 3)
        _output(student.loss_gradient(X, y, w, b, lam), reference.loss_gradient(X, y, w, b, lam),
                GRADIENT, index)


@pytest.mark.points(3)
def test_loss_gradient_dw(student, reference, rng):
    """loss_gradient: dw matches the reference (λ = 0; N = 5, 12)

    中文：loss_gradient: dw 与参考答案一致（λ = 0；N = 5, 12）
    """
    _gradient_output(student, reference, rng, 0.0, 0)


@pytest.mark.points(3)
def test_loss_gradient_db(student, reference, rng):
    """loss_gradient: db matches the reference (λ = 0; N = 5, 12)

    中文：loss_gradient: db 与参考答案一致（λ = 0；N = 5, 12）
    """
    _gradient_output(student, reference, rng, 0.0, 1)


@pytest.mark.points(3)
def test_loss_gradient_dw_regularized(student, reference, rng):
    """loss_gradient: dw matches the reference (λ = 2; N = 5, 12)

    中文：loss_gradient: dw 与参考答案一致（λ = 2；N = 5, 12）
    """
    _gradient_output(student, reference, rng, 2.0, 0)


@pytest.mark.points(3)
def test_loss_gradient_db_regularized(student, reference, rng):
    """loss_gradient: db matches the reference (λ = 2), the bias not regularized

    中文：loss_gradient: db 与参考答案一致（λ = 2），偏置不做正则化
    """
    _gradient_output(student, reference, rng, 2.0, 1)


@pytest.mark.points(4)
def test_loss_gradient_central_differences(student, reference, rng):
    """loss_gradient: dw and db match central differences of the loss (λ = 0 and λ = 1.5)

    中文：loss_gradient: dw 和 db 与损失的中心差分一致（λ = 0 和 λ = 1.5）
    """
    # The loss differentiated is the contract's (the reference's, float64): a float32
    # loss of the student's would be too coarse for central differences.
    for lam in (0.0, 1.5):
        X, y = _data(rng, 7, 3)
        w, b = _params(rng, 3)
        got = student.loss_gradient(X, y, w, b, lam)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            assert_close(got, reference.loss_gradient(X, y, w, b, lam), names=GRADIENT)
        dw, db = got
        check_gradient(lambda v: reference.loss(X, y, v, b, lam), w, dw, name="dw")
        check_gradient(lambda v: reference.loss(X, y, w, float(v), lam), np.array(b), db, name="db")


@pytest.mark.points(2)
def test_loss_gradient_single_sample(student, reference, rng):
    """loss_gradient: N = 1 (λ = 0)

    中文：loss_gradient: N = 1（λ = 0）
    """
    X, y = rng.normal(size=(1, 3)), np.array([-2.0])
    w, b = _params(rng, 3)
    assert_close(student.loss_gradient(X, y, w, b, 0.0), reference.loss_gradient(X, y, w, b, 0.0),
                 names=GRADIENT)


# ---------------------------------------------------------------- fit_gd (22)

FIT = ("w", "b", "losses")
GD = dict(lam=0.0, lr=0.01, epochs=30)
ADAGRAD = dict(lam=0.0, lr=0.5, epochs=30, adagrad=True)


def _fit_gd(fn, X, y, kw):
    return fn(X, y, kw["lam"], kw["lr"], kw["epochs"], **({"adagrad": True} if kw.get("adagrad") else {}))


def _fit_gd_parts(student, reference, rng, kw, which):
    X, y = _data(rng, 12, 3)
    got, expected = _fit_gd(student.fit_gd, X, y, kw), _fit_gd(reference.fit_gd, X, y, kw)
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        assert_close(got, expected, names=FIT)
    if which == "losses":
        assert_close(got[2], np.array(expected[2]), names="losses")
    else:
        assert_close(got[:2], expected[:2], names=FIT[:2])


@pytest.mark.points(4)
def test_fit_gd_loss_history(student, reference, rng):
    """fit_gd: the loss of every epoch matches the reference (λ = 0, lr = 0.01, 30 epochs)

    中文：fit_gd: 每个 epoch 的损失与参考答案一致（λ = 0，lr = 0.01，30 个 epoch）
    """
    _fit_gd_parts(student, reference, rng, GD, "losses")


@pytest.mark.points(3)
def test_fit_gd_parameters(student, reference, rng):
    """fit_gd: w and b after training match the reference (λ = 0, lr = 0.01, 30 epochs)

    中文：fit_gd: 训练后的 w 和 b 与参考答案一致（λ = 0，lr = 0.01，30 个 epoch）
    """
    _fit_gd_parts(student, reference, rng, GD, "parameters")


@pytest.mark.points(4)
def test_fit_gd_regularized(student, reference, rng):
    """fit_gd: λ = 3, the bias not regularized: w, b and the loss of every epoch

    中文：fit_gd: λ = 3，偏置不做正则化：w、b 和每个 epoch 的损失
    """
    X, y = _data(rng, 10, 3)
    kw = dict(lam=3.0, lr=0.01, epochs=25)
    got, expected = _fit_gd(student.fit_gd, X, y, kw), _fit_gd(reference.fit_gd, X, y, kw)
    assert_close(got, (expected[0], expected[1], np.array(expected[2])), names=FIT)


@pytest.mark.points(4)
def test_fit_gd_adagrad_loss_history(student, reference, rng):
    """fit_gd: Adagrad: the loss of every epoch matches the reference (lr = 0.5, 30 epochs)

    中文：fit_gd: Adagrad：每个 epoch 的损失与参考答案一致（lr = 0.5，30 个 epoch）
    """
    _fit_gd_parts(student, reference, rng, ADAGRAD, "losses")


@pytest.mark.points(3)
def test_fit_gd_adagrad_parameters(student, reference, rng):
    """fit_gd: Adagrad: w and b after training match the reference (lr = 0.5, 30 epochs)

    中文：fit_gd: Adagrad：训练后的 w 和 b 与参考答案一致（lr = 0.5，30 个 epoch）
    """
    _fit_gd_parts(student, reference, rng, ADAGRAD, "parameters")


@pytest.mark.points(2)
def test_fit_gd_starts_at_zero(student, rng):
    """fit_gd: starts at w = 0, b = 0: losses[0] = Σy², one loss per epoch

    中文：fit_gd: 从 w = 0、b = 0 开始：losses[0] = Σy²，每个 epoch 一个损失
    """
    X, y = _data(rng, 6, 2)
    for epochs in (1, 4):
        got = student.fit_gd(X, y, 0.0, 0.01, epochs)
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            fail(bilingual(en=f"fit_gd must return (w, b, losses), got {got!r:.200}",
                           zh=f"fit_gd 必须返回 (w, b, losses)，得到的是 {got!r:.200}"), got)
        losses = got[2]
        if not isinstance(losses, (list, tuple, np.ndarray)) or len(losses) != epochs:
            fail(bilingual(en=f"losses must hold one value per epoch ({epochs}), got {losses!r:.200}",
                           zh=f"losses 必须每个 epoch 一个值（{epochs} 个），得到的是 {losses!r:.200}"),
                 got)
        if not is_close(losses[0], float(y @ y)):
            fail(bilingual(en=f"losses[0] must be the loss before the first update, at w = 0 and "
                              f"b = 0: Σy² = {float(y @ y):.6g}, got {float(losses[0]):.6g}",
                           zh=f"losses[0] 必须是第一次更新之前、w = 0 且 b = 0 时的损失："
                              f"Σy² = {float(y @ y):.6g}，得到的是 {float(losses[0]):.6g}"), got)


@pytest.mark.points(2)
def test_fit_gd_single_sample(student, reference):
    """fit_gd: N = 1, plain and Adagrad: w, b and every epoch's loss

    中文：fit_gd: N = 1，普通梯度下降和 Adagrad：w、b 和每个 epoch 的损失
    """
    X, y = np.array([[0.8, -1.2]]), np.array([3.0])
    for kw in (dict(lam=0.0, lr=0.05, epochs=8), dict(lam=0.0, lr=0.3, epochs=8, adagrad=True)):
        got, expected = _fit_gd(student.fit_gd, X, y, kw), _fit_gd(reference.fit_gd, X, y, kw)
        assert_close(got, (expected[0], expected[1], np.array(expected[2])), names=FIT)


# ---------------------------------------------------------------- fit_closed_form (14)

CLOSED = ("w", "b")


@pytest.mark.points(3)
def test_fit_closed_form_least_squares(student, reference, rng):
    """fit_closed_form: λ = 0 matches the reference, least squares (D = 1, 4)

    中文：fit_closed_form: λ = 0 时与参考答案一致，即最小二乘（D = 1, 4）
    """
    for d in (1, 4):
        X, y = _data(rng, 15, d)
        assert_close(student.fit_closed_form(X, y, 0.0), reference.fit_closed_form(X, y, 0.0),
                     names=CLOSED)


@pytest.mark.points(4)
def test_fit_closed_form_regularized(student, reference, rng):
    """fit_closed_form: λ > 0 matches the reference, the bias not regularized

    中文：fit_closed_form: λ > 0 时与参考答案一致，偏置不做正则化
    """
    for lam in (0.5, 10.0):
        X, y = _data(rng, 12, 3)
        assert_close(student.fit_closed_form(X, y, lam), reference.fit_closed_form(X, y, lam),
                     names=CLOSED)


@pytest.mark.points(4)
def test_fit_closed_form_minimizes_the_loss(student, reference, rng):
    """fit_closed_form: the gradient of the loss is 0 at your (w, b) (λ = 0 and λ = 2)

    中文：fit_closed_form: 损失的梯度在你的 (w, b) 处为 0（λ = 0 和 λ = 2）
    """
    for lam in (0.0, 2.0):
        X, y = _data(rng, 10, 3)
        got = student.fit_closed_form(X, y, lam)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            assert_close(got, reference.fit_closed_form(X, y, lam), names=CLOSED)
        w, b = got
        assert_close(w, np.zeros(3), rtol=0, atol=np.inf, names="w")  # its shape
        dw, db = reference.loss_gradient(X, y, w, float(b), lam)
        # Judged against the gradient's size at w = 0, b = 0 (a few hundred here).
        scale = max(np.max(np.abs(reference.loss_gradient(X, y, np.zeros(3), 0.0, lam)[0])), 1.0)
        worst = max(np.max(np.abs(dw)), abs(db))
        if worst > 1e-4 * scale:
            shown = np.array2string(dw, precision=4)
            fail(bilingual(en=f"your (w, b) does not minimize the loss Σ(y − ŷ)² + λΣw² (λ = {lam:g}): "
                              f"its gradient there is dw = {shown}, db = {db:.4g}, where it should "
                              f"be 0 (accepted: up to {1e-4 * scale:.3g}).",
                           zh=f"你的 (w, b) 没有使损失 Σ(y − ŷ)² + λΣw²（λ = {lam:g}）最小：损失在"
                              f"那里的梯度是 dw = {shown}，db = {db:.4g}，而它应当为 0（允许的"
                              f"最大值：{1e-4 * scale:.3g}）。"), got)


@pytest.mark.points(2)
def test_fit_closed_form_single_sample(student, reference):
    """fit_closed_form: N = 1 with λ = 1 gives w = 0, b = y

    中文：fit_closed_form: N = 1、λ = 1 时得到 w = 0，b = y
    """
    X, y = np.array([[1.5, -0.5]]), np.array([7.0])
    assert_close(student.fit_closed_form(X, y, 1.0), reference.fit_closed_form(X, y, 1.0),
                 names=CLOSED)


@pytest.mark.points(1)
@pytest.mark.depends_on("test_fit_closed_form_least_squares")
def test_fit_closed_form_leaves_inputs_unchanged(student, rng):
    """fit_closed_form: X and y are left unchanged

    中文：fit_closed_form: X 和 y 保持不变
    """
    X, y = _data(rng, 8, 2)
    student.fit_closed_form(X, y, 1.0)
    assert_unchanged(student.last_call.changed, "fit_closed_form",
                     bilingual(en="Center with Xc = X - X.mean(axis=0), a new array, not "
                                  "`X -= ...`.",
                               zh="用 Xc = X - X.mean(axis=0) 中心化，得到一个新数组，不要用 "
                                  "`X -= ...`。"))


# ---------------------------------------------------------------- select_lambda (10)

SELECT = ("best_lam", "dev_mse")
# No value equals its own index, so that the index and the value of the best λ differ.
LAMS = [30.0, 3.0, 0.3, 0.03, 0.0]


def _select_data(rng):
    """Few noisy training samples, where some regularization helps on the dev set."""
    w = rng.normal(size=5)
    X_train, X_dev = rng.normal(size=(8, 5)), rng.normal(size=(40, 5))
    y_train = X_train @ w + 20.0 + 1.5 * rng.normal(size=8)
    y_dev = X_dev @ w + 20.0 + 1.5 * rng.normal(size=40)
    return X_train, y_train, X_dev, y_dev


@pytest.mark.points(3)
def test_select_lambda_best(student, reference, rng):
    """select_lambda: best_lam is the value of λ with the smallest dev error

    中文：select_lambda: best_lam 是 dev 误差最小的 λ 值
    """
    for _ in range(2):
        data = _select_data(rng)
        _output(student.select_lambda(*data, LAMS), reference.select_lambda(*data, LAMS), SELECT, 0,
                check_dtype=False)  # a value, whatever its type: the message then shows it


@pytest.mark.points(4)
def test_select_lambda_dev_mse(student, reference, rng):
    """select_lambda: dev_mse matches the reference, a mean over the dev set

    中文：select_lambda: dev_mse 与参考答案一致，是在 dev 集上的平均
    """
    for _ in range(2):
        data = _select_data(rng)
        _output(student.select_lambda(*data, LAMS), reference.select_lambda(*data, LAMS), SELECT, 1)


@pytest.mark.points(3)
def test_select_lambda_tie(student, reference, rng):
    """select_lambda: on a tie the first λ wins (here every λ fits w = 0, b = 0)

    中文：select_lambda: 打平时取第一个 λ（这里每个 λ 都拟合出 w = 0，b = 0）
    """
    # y_train = 0: every λ gives exactly w = 0 and b = 0, so every dev error is exactly
    # mean(y_dev²), whichever way the fit is computed.
    X_train, _, X_dev, y_dev = _select_data(rng)
    lams = [5.0, 0.1, 1.0, 0.1]
    got = student.select_lambda(X_train, np.zeros(8), X_dev, y_dev, lams)
    _output(got, reference.select_lambda(X_train, np.zeros(8), X_dev, y_dev, lams), SELECT, 0,
            check_dtype=False)
