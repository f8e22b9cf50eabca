"""Hidden suite for hw2, gradient descent: 100 points.

Data are noisy and have an intercept the model ŷ = x·w cannot fit (y = a·x + c +
noise), so that a wrong gradient is wrong at every w: on the lecture's data (y = 2x
exactly) a gradient without the factor x, or one that stops after the first sample,
still trains to w = 2.  Training is judged on its whole history (every epoch's cost or
loss), never on the final w alone, and the gradients against central differences of
the MSE cost written out here, so that a wrong reference cannot pass unnoticed.
Tolerances are grader.checks' defaults (rtol 1e-4, atol 1e-6), which admit a correct
float32 answer.  Every argument is passed by position, as the handout lists them.
"""

import numpy as np
import pytest

from grader.checks import assert_close, assert_unchanged, check_gradient, fail
from grader.i18n import bilingual

LECTURE_X, LECTURE_Y = [1.0, 2.0, 3.0], [2.0, 4.0, 6.0]  # Liu Er's data, y = 2x


def _noisy_data(rng, n):
    """n samples of y = 1.7·x + 0.9 + noise, x in [−1, 2.5], in random order."""
    x = rng.uniform(-1.0, 2.5, size=n)
    y = 1.7 * x + 0.9 + 0.3 * rng.normal(size=n)
    return x, y


def _mse(x, y, w):
    """The contract's cost, written out here (float64): (1/N) Σ (xₙw − yₙ)²."""
    return float(np.mean((np.asarray(x) * w - np.asarray(y)) ** 2))


def _check_pair(got, expected, names):
    """A (w, history) pair must come back; says what came back otherwise."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        assert_close(got, expected, names=names)


def _check_weight(got, expected):
    _check_pair(got, expected, ("w", "history"))
    assert_close(got[0], expected[0], names="w")


def _check_history(got, expected, name):
    _check_pair(got, expected, ("w", name))
    assert_close(got[1], expected[1], names=name)


def _check_one_per_epoch(student, fn, name, *args):
    """fn(x, y, w0, lr, epochs, *rest) returns (w, history) with len(history) == epochs:
    values are not judged here, only the structure (a number and `epochs` numbers)."""
    x, y = np.array([0.5, 1.5, -1.0, 2.0]), np.array([1.0, 3.5, -0.5, 4.5])
    for epochs in (1, 3, 7):
        got = getattr(student, fn)(x, y, 0.0, 0.05, epochs, *args)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            fail(bilingual(en=f"{fn} must return a pair (w, {name}), got {got!r:.200}",
                           zh=f"{fn} 必须返回一对值 (w, {name})，得到的是 {got!r:.200}"), got)
        # shape of w (a single number) and of the history (epochs,); any values
        assert_close(got, (0.0, np.zeros(epochs)), rtol=0, atol=np.inf, names=("w", name))


# ---------------------------------------------------------------- gradient (14)

@pytest.mark.points(5)
def test_gradient_values_on_noisy_data(student, reference, rng):
    """gradient: matches the reference at fixed w on noisy data with an intercept (N = 2, 7, 30)

    中文：gradient: 在带截距、带噪声的数据上于固定的 w 处与参考答案一致（N = 2, 7, 30）
    """
    for n in (2, 7, 30):
        x, y = _noisy_data(rng, n)
        for w in (-1.3, 0.0, 0.6, 2.9):
            assert_close(student.gradient(x, y, w), reference.gradient(x, y, w), names="gradient")


@pytest.mark.points(2)
def test_gradient_single_sample(student, reference, rng):
    """gradient: one sample (N = 1) at several w

    中文：gradient: 单个样本（N = 1），多个 w
    """
    x, y = _noisy_data(rng, 1)
    for w in (-0.8, 0.0, 1.9):
        assert_close(student.gradient(x, y, w), reference.gradient(x, y, w), names="gradient")


@pytest.mark.points(4)
def test_gradient_central_differences(student, rng):
    """gradient: matches central differences of the MSE cost at three w

    中文：gradient: 在三个 w 处与 MSE 代价的中心差分一致
    """
    x, y = _noisy_data(rng, 9)
    for w in (-0.7, 0.4, 2.2):
        g = student.gradient(x, y, w)
        check_gradient(lambda v: _mse(x, y, v), np.array(w), g, name="gradient")


@pytest.mark.points(2)
def test_gradient_accepts_lists(student, reference, rng):
    """gradient: accepts lists (the lecture's data and noisy data)

    中文：gradient: 接受列表（课上的数据和带噪声的数据）
    """
    x, y = _noisy_data(rng, 5)
    for xs, ys, w in ((LECTURE_X, LECTURE_Y, 1.0), (list(x), list(y), 0.3)):
        assert_close(student.gradient(xs, ys, w), reference.gradient(xs, ys, w), names="gradient")


@pytest.mark.points(1)
@pytest.mark.depends_on("test_gradient_values_on_noisy_data")
def test_gradient_leaves_inputs_unchanged(student, rng):
    """gradient: x and y are left as they were found

    中文：gradient: x 和 y 保持原样，没有被修改
    """
    x, y = _noisy_data(rng, 6)
    student.gradient(x, y, 0.5)
    assert_unchanged(student.last_call.changed, "gradient")


# ---------------------------------------------------------------- sample_gradient (8)

@pytest.mark.points(5)
def test_sample_gradient_values(student, reference, rng):
    """sample_gradient: 2·xn·(xn·w − yn) matches the reference on 12 random samples

    中文：sample_gradient: 在 12 个随机样本上 2·xn·(xn·w − yn) 与参考答案一致
    """
    x, y = _noisy_data(rng, 12)
    ws = rng.uniform(-2.0, 3.0, size=12)
    for xn, yn, w in zip(x, y, ws):
        xn, yn, w = float(xn), float(yn), float(w)
        assert_close(student.sample_gradient(xn, yn, w), reference.sample_gradient(xn, yn, w),
                     names="gradient")


@pytest.mark.points(3)
def test_sample_gradient_central_differences(student, rng):
    """sample_gradient: matches central differences of (xn·w − yn)²

    中文：sample_gradient: 与 (xn·w − yn)² 的中心差分一致
    """
    x, y = _noisy_data(rng, 4)
    for xn, yn, w in zip(x, y, (-1.1, 0.2, 1.4, 2.6)):
        xn, yn = float(xn), float(yn)
        g = student.sample_gradient(xn, yn, w)
        check_gradient(lambda v: float((xn * v - yn) ** 2), np.array(w), g, name="gradient")


# ---------------------------------------------------------------- gradient_descent (20)

def _gd_setting(rng):
    x, y = _noisy_data(rng, 8)
    return x, y, -0.5, 0.05, 15  # x, y, w0, lr, epochs


@pytest.mark.points(3)
def test_gradient_descent_final_weight(student, reference, rng):
    """gradient_descent: w after 15 epochs on noisy data matches the reference

    中文：gradient_descent: 在带噪声的数据上训练 15 个 epoch 后 w 与参考答案一致
    """
    args = _gd_setting(rng)
    _check_weight(student.gradient_descent(*args), reference.gradient_descent(*args))


@pytest.mark.points(5)
def test_gradient_descent_cost_history(student, reference, rng):
    """gradient_descent: the cost of every epoch, taken before its update, matches the reference

    中文：gradient_descent: 每个 epoch 的代价（在该 epoch 更新之前计算）与参考答案一致
    """
    args = _gd_setting(rng)
    _check_history(student.gradient_descent(*args), reference.gradient_descent(*args), "costs")


@pytest.mark.points(2)
def test_gradient_descent_lecture_data(student, reference):
    """gradient_descent: w and every cost on the lecture's data, given as lists (lr 0.01, 100 epochs)

    中文：gradient_descent: 课上的数据以列表给出时的 w 和每个代价（lr 0.01，100 个 epoch）
    """
    args = (LECTURE_X, LECTURE_Y, 1.0, 0.01, 100)
    assert_close(student.gradient_descent(*args), reference.gradient_descent(*args),
                 names=("w", "costs"))


@pytest.mark.points(2)
def test_gradient_descent_one_epoch(student, reference, rng):
    """gradient_descent: one epoch gives costs = [cost(w0)] and one update

    中文：gradient_descent: 一个 epoch 得到 costs = [cost(w0)] 和一次更新
    """
    x, y = _noisy_data(rng, 6)
    for w0 in (-1.0, 2.5):
        args = (x, y, w0, 0.1, 1)
        assert_close(student.gradient_descent(*args), reference.gradient_descent(*args),
                     names=("w", "costs"))


@pytest.mark.points(2)
def test_gradient_descent_single_sample(student, reference, rng):
    """gradient_descent: w and every cost with one sample (N = 1)

    中文：gradient_descent: 单个样本（N = 1）时的 w 和每个代价
    """
    x, y = _noisy_data(rng, 1)
    args = (x, y, 0.3, 0.1, 6)
    assert_close(student.gradient_descent(*args), reference.gradient_descent(*args),
                 names=("w", "costs"))


@pytest.mark.points(3)
def test_gradient_descent_divergent_learning_rate(student, reference):
    """gradient_descent: w and every cost when the learning rate is too large (the costs grow)

    中文：gradient_descent: 学习率太大时（代价变大）的 w 和每个代价

    With lr·2·mean(x²) = 2.4 > 2 each update overshoots the minimum by more than it was
    away from it: w swings from one side of the minimum to the other with an amplitude
    growing by 1.4 per epoch, and every cost is larger than the one before (a factor of
    about 2 per epoch; 6 epochs, far from any overflow).
    """
    x = np.array([0.5, -1.0, 1.5, 2.0, 0.8])
    y = 1.7 * x + 0.9 + np.array([0.1, -0.2, 0.05, 0.3, -0.1])
    lr = 2.4 / (2 * np.mean(x ** 2))
    args = (x, y, 0.0, lr, 6)
    assert_close(student.gradient_descent(*args), reference.gradient_descent(*args),
                 names=("w", "costs"))


@pytest.mark.points(2)
def test_gradient_descent_returns_one_cost_per_epoch(student):
    """gradient_descent: returns (w, costs), w a number and len(costs) == epochs (1, 3, 7)

    中文：gradient_descent: 返回 (w, costs)，w 是一个数，len(costs) == epochs（1, 3, 7）
    """
    _check_one_per_epoch(student, "gradient_descent", "costs")


@pytest.mark.points(1)
@pytest.mark.depends_on("test_gradient_descent_cost_history")
def test_gradient_descent_leaves_inputs_unchanged(student, rng):
    """gradient_descent: x and y are left as they were found

    中文：gradient_descent: x 和 y 保持原样，没有被修改
    """
    x, y = _noisy_data(rng, 6)
    student.gradient_descent(x, y, 0.0, 0.05, 3)
    assert_unchanged(student.last_call.changed, "gradient_descent")


# ---------------------------------------------------------------- sgd (20)

def _sgd_setting(rng):
    x, y = _noisy_data(rng, 8)
    return x, y, -0.5, 0.05, 10  # x, y, w0, lr, epochs


@pytest.mark.points(3)
def test_sgd_final_weight(student, reference, rng):
    """sgd: w after 10 epochs on noisy data matches the reference

    中文：sgd: 在带噪声的数据上训练 10 个 epoch 后 w 与参考答案一致
    """
    args = _sgd_setting(rng)
    _check_weight(student.sgd(*args), reference.sgd(*args))


@pytest.mark.points(5)
def test_sgd_loss_history(student, reference, rng):
    """sgd: every epoch's mean loss, samples in the given order, each loss before its update

    中文：sgd: 每个 epoch 的平均损失，样本按给定顺序，每个损失在其更新之前计算
    """
    args = _sgd_setting(rng)
    _check_history(student.sgd(*args), reference.sgd(*args), "losses")


@pytest.mark.points(2)
def test_sgd_lecture_data(student, reference):
    """sgd: w and every loss on the lecture's data, given as lists (lr 0.01, 100 epochs)

    中文：sgd: 课上的数据以列表给出时的 w 和每个损失（lr 0.01，100 个 epoch）
    """
    args = (LECTURE_X, LECTURE_Y, 1.0, 0.01, 100)
    assert_close(student.sgd(*args), reference.sgd(*args), names=("w", "losses"))


@pytest.mark.points(2)
def test_sgd_one_epoch(student, reference, rng):
    """sgd: one epoch: N updates and losses = [mean of the N losses before their updates]

    中文：sgd: 一个 epoch：N 次更新，losses = [N 个更新前损失的平均值]
    """
    x, y = _noisy_data(rng, 5)
    for w0 in (-1.0, 2.5):
        args = (x, y, w0, 0.1, 1)
        assert_close(student.sgd(*args), reference.sgd(*args), names=("w", "losses"))


@pytest.mark.points(2)
def test_sgd_single_sample(student, reference, rng):
    """sgd: w and every loss with one sample (N = 1)

    中文：sgd: 单个样本（N = 1）时的 w 和每个损失
    """
    x, y = _noisy_data(rng, 1)
    args = (x, y, 0.3, 0.1, 6)
    assert_close(student.sgd(*args), reference.sgd(*args), names=("w", "losses"))


@pytest.mark.points(3)
def test_sgd_divergent_learning_rate(student, reference):
    """sgd: w and every loss when the learning rate is too large (the losses grow)

    中文：sgd: 学习率太大时（损失变大）的 w 和每个损失

    With lr = 0.5, each visit of a sample with |xₙ| > √2 (here 1.5 and 1.6) multiplies
    w's distance to that sample's best fit by 1 − 2·lr·xₙ² < −1, more than the other
    two can pull back: w swings further and further from side to side, and each
    epoch's mean loss is 2 to 3 times the one before (4 epochs, far from any overflow).
    """
    x = np.array([1.5, -1.4, 1.6, 1.3])
    y = 1.7 * x + 0.9 + np.array([0.1, -0.2, 0.05, 0.3])
    args = (x, y, 0.0, 0.5, 4)
    assert_close(student.sgd(*args), reference.sgd(*args), names=("w", "losses"))


@pytest.mark.points(2)
def test_sgd_returns_one_loss_per_epoch(student):
    """sgd: returns (w, losses), w a number and len(losses) == epochs (1, 3, 7)

    中文：sgd: 返回 (w, losses)，w 是一个数，len(losses) == epochs（1, 3, 7）
    """
    _check_one_per_epoch(student, "sgd", "losses")


@pytest.mark.points(1)
@pytest.mark.depends_on("test_sgd_loss_history")
def test_sgd_leaves_inputs_unchanged(student, rng):
    """sgd: x and y are left as they were found (no shuffling in place)

    中文：sgd: x 和 y 保持原样，没有被修改（不在原地打乱）
    """
    x, y = _noisy_data(rng, 6)
    student.sgd(x, y, 0.0, 0.05, 3)
    assert_unchanged(student.last_call.changed, "sgd")


# ---------------------------------------------------------------- minibatch_gd (24)

def _minibatch_setting(rng):
    x, y = _noisy_data(rng, 10)
    return x, y, -0.5, 0.1, 6, 4  # batches of 4, 4 and 2 samples


@pytest.mark.points(3)
def test_minibatch_gd_final_weight(student, reference, rng):
    """minibatch_gd: w after 6 epochs with N = 10, batch_size = 4 (a last batch of 2)

    中文：minibatch_gd: N = 10、batch_size = 4 时训练 6 个 epoch 后的 w（最后一个批次有 2 个样本）
    """
    args = _minibatch_setting(rng)
    _check_weight(student.minibatch_gd(*args), reference.minibatch_gd(*args))


@pytest.mark.points(5)
def test_minibatch_gd_cost_history(student, reference, rng):
    """minibatch_gd: the full-data cost after every epoch, N = 10, batch_size = 4

    中文：minibatch_gd: 每个 epoch 之后全部数据上的代价，N = 10，batch_size = 4
    """
    args = _minibatch_setting(rng)
    _check_history(student.minibatch_gd(*args), reference.minibatch_gd(*args), "costs")


@pytest.mark.points(2)
def test_minibatch_gd_batch_size_divides_n(student, reference, rng):
    """minibatch_gd: w and every cost with N = 12, batch_size = 3 (four equal batches)

    中文：minibatch_gd: N = 12、batch_size = 3 时的 w 和每个代价（四个一样大的批次）
    """
    x, y = _noisy_data(rng, 12)
    args = (x, y, 0.2, 0.1, 5, 3)
    assert_close(student.minibatch_gd(*args), reference.minibatch_gd(*args), names=("w", "costs"))


@pytest.mark.points(3)
def test_minibatch_gd_batch_size_one(student, reference, rng):
    """minibatch_gd: batch_size = 1 is SGD: w and every cost (after each epoch)

    中文：minibatch_gd: batch_size = 1 就是 SGD：w 和每个代价（每个 epoch 之后）
    """
    x, y = _noisy_data(rng, 7)
    args = (x, y, -0.5, 0.05, 5, 1)
    assert_close(student.minibatch_gd(*args), reference.minibatch_gd(*args), names=("w", "costs"))


@pytest.mark.points(3)
def test_minibatch_gd_batch_size_at_least_n(student, reference, rng):
    """minibatch_gd: batch_size = N and N + 5 give one full batch per epoch: w and every cost

    中文：minibatch_gd: batch_size = N 和 N + 5 时每个 epoch 只有一个完整批次：w 和每个代价
    """
    x, y = _noisy_data(rng, 6)
    for batch_size in (6, 11):
        args = (x, y, -0.5, 0.1, 5, batch_size)
        assert_close(student.minibatch_gd(*args), reference.minibatch_gd(*args),
                     names=("w", "costs"))


@pytest.mark.points(2)
def test_minibatch_gd_one_epoch(student, reference, rng):
    """minibatch_gd: one epoch, N = 7, batch_size = 3: w and costs = [cost after the epoch]

    中文：minibatch_gd: 一个 epoch，N = 7，batch_size = 3：w 和 costs = [该 epoch 之后的代价]
    """
    x, y = _noisy_data(rng, 7)
    args = (x, y, 1.0, 0.1, 1, 3)
    assert_close(student.minibatch_gd(*args), reference.minibatch_gd(*args), names=("w", "costs"))


@pytest.mark.points(2)
def test_minibatch_gd_single_sample(student, reference, rng):
    """minibatch_gd: one sample (N = 1) with batch_size = 1 and 4

    中文：minibatch_gd: 单个样本（N = 1），batch_size = 1 和 4
    """
    x, y = _noisy_data(rng, 1)
    for batch_size in (1, 4):
        args = (x, y, 0.3, 0.1, 6, batch_size)
        assert_close(student.minibatch_gd(*args), reference.minibatch_gd(*args),
                     names=("w", "costs"))


@pytest.mark.points(2)
def test_minibatch_gd_divergent_learning_rate(student, reference):
    """minibatch_gd: w and every cost when the learning rate is too large (the costs grow)

    中文：minibatch_gd: 学习率太大时（代价变大）的 w 和每个代价

    With lr = 0.5 and batches of 3, 3 and 1 samples, two of which have a mean of 2xₙ²
    above 2/lr = 4, those updates overshoot their batch's best fit by more than the
    third can pull back: w swings further and further from side to side and each
    epoch's cost is about 5 times the one before (4 epochs, far from any overflow).
    """
    x = np.array([1.5, -1.4, 1.6, 1.3, -1.5, 1.4, 1.7])
    y = 1.7 * x + 0.9 + np.array([0.1, -0.2, 0.05, 0.3, -0.1, 0.15, -0.05])
    args = (x, y, 0.0, 0.5, 4, 3)
    assert_close(student.minibatch_gd(*args), reference.minibatch_gd(*args), names=("w", "costs"))


@pytest.mark.points(1)
def test_minibatch_gd_returns_one_cost_per_epoch(student):
    """minibatch_gd: returns (w, costs), w a number and len(costs) == epochs (1, 3, 7)

    中文：minibatch_gd: 返回 (w, costs)，w 是一个数，len(costs) == epochs（1, 3, 7）
    """
    _check_one_per_epoch(student, "minibatch_gd", "costs", 3)


@pytest.mark.points(1)
@pytest.mark.depends_on("test_minibatch_gd_cost_history")
def test_minibatch_gd_leaves_inputs_unchanged(student, rng):
    """minibatch_gd: x and y are left as they were found

    中文：minibatch_gd: x 和 y 保持原样，没有被修改
    """
    x, y = _noisy_data(rng, 7)
    student.minibatch_gd(x, y, 0.0, 0.05, 3, 2)
    assert_unchanged(student.last_call.changed, "minibatch_gd")


# ---------------------------------------------------------------- ema (14)

@pytest.mark.points(5)
def test_ema_values(student, reference, rng):
    """ema: matches the reference on a noisy curve of 20 values, beta = 0.3 and 0.8

    中文：ema: 在 20 个值的带噪声曲线上与参考答案一致，beta = 0.3 和 0.8
    """
    values = np.exp(-np.linspace(0.0, 3.0, 20)) + 0.1 * rng.normal(size=20)
    for beta in (0.3, 0.8):
        assert_close(student.ema(values, beta), reference.ema(values, beta), names="smoothed")


@pytest.mark.points(2)
def test_ema_beta_zero(student, reference, rng):
    """ema: beta = 0 repeats the first value

    中文：ema: beta = 0 时一直重复第一个值
    """
    values = rng.normal(size=8)
    assert_close(student.ema(values, 0.0), reference.ema(values, 0.0), names="smoothed")


@pytest.mark.points(2)
@pytest.mark.depends_on("test_ema_values")
def test_ema_beta_one(student, reference, rng):
    """ema: beta = 1 returns the values themselves

    中文：ema: beta = 1 时返回这些值本身
    """
    values = rng.normal(size=8)
    assert_close(student.ema(values, 1.0), reference.ema(values, 1.0), names="smoothed")


@pytest.mark.points(2)
def test_ema_accepts_lists(student, reference, rng):
    """ema: accepts a list of floats (a cost history), beta = 0.6

    中文：ema: 接受浮点数列表（代价的历史记录），beta = 0.6
    """
    values = [float(v) for v in 5.0 / np.arange(1, 11) + 0.2 * rng.normal(size=10)]
    assert_close(student.ema(values, 0.6), reference.ema(values, 0.6), names="smoothed")


@pytest.mark.points(1)
@pytest.mark.depends_on("test_ema_values")
def test_ema_single_value(student, reference):
    """ema: one value gives itself

    中文：ema: 只有一个值时返回它本身
    """
    assert_close(student.ema(np.array([3.7]), 0.4), reference.ema(np.array([3.7]), 0.4),
                 names="smoothed")


@pytest.mark.points(2)
@pytest.mark.depends_on("test_ema_values")
def test_ema_leaves_values_unchanged(student, rng):
    """ema: values are left as they were found (array and list)

    中文：ema: values 保持原样，没有被修改（数组和列表）
    """
    for values in (rng.normal(size=6), [float(v) for v in rng.normal(size=6)]):
        student.ema(values, 0.3)
        assert_unchanged(student.last_call.changed, "ema",
                         bilingual(en="Write the smoothed values into a new array "
                                      "(np.empty(len(values))), not into values.",
                                   zh="把平滑后的值写进一个新数组（np.empty(len(values))），"
                                      "不要写进 values。"))
