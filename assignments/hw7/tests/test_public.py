"""Public tests for hw7: shapes and small worked examples (10 points), at least one
for every function.

Run them with `grade hw7`.  They are a first check only: the hidden suite (100 points)
compares your functions with a reference on random inputs, checks your initializers
statistically on 10⁵ values, follows batch norm's running statistics over several
calls, and checks your backward passes against central differences.
"""

import math

import numpy as np
import pytest
import torch

from grader.checks import assert_close, fail
from grader.i18n import bilingual


def _initialized(initializer, name: str, fan_in: int, fan_out: int):
    """``initializer(fan_in, fan_out)`` (the student's function ``name``) with a seeded
    generator, checked to be a float32 tensor of shape (fan_out, fan_in) (values are
    checked by the caller)."""
    w = initializer(fan_in, fan_out, generator=torch.Generator().manual_seed(0))
    if not isinstance(w, torch.Tensor):
        fail(bilingual(en=f"{name} must return a torch.Tensor, got {type(w).__name__}",
                       zh=f"{name} 必须返回 torch.Tensor，得到的是 {type(w).__name__}"), w)
    assert_close(w, torch.zeros(fan_out, fan_in), rtol=0, atol=math.inf, check_dtype=True, names="W")
    return w


@pytest.mark.points(1)
def test_xavier_uniform_shape_and_range(student):
    """xavier_uniform: a float32 tensor of shape (fan_out, fan_in) with values in [−a, a]

    中文：xavier_uniform: 形状为 (fan_out, fan_in)、值在 [−a, a] 中的 float32 张量
    """
    w = _initialized(student.xavier_uniform, "xavier_uniform", 30, 20)
    a = math.sqrt(6 / (30 + 20))
    if float(w.abs().max()) > a * (1 + 1e-6):
        largest = float(w.abs().max())
        fail(bilingual(en=f"values must lie in [−a, a] with a = sqrt(6/(fan_in + fan_out)) = "
                          f"{a:.4f}; your largest |value| is {largest:.4f}",
                       zh=f"值必须在 [−a, a] 内，a = sqrt(6/(fan_in + fan_out)) = {a:.4f}；"
                          f"你的最大 |值| 是 {largest:.4f}"), w)


@pytest.mark.points(1)
def test_penalties_worked_example(student):
    """l1_penalty, l2_penalty: lam = 0.1 on [[1, −2], [0.5, 0]] and [−3]

    中文：l1_penalty, l2_penalty: 在 [[1, −2], [0.5, 0]] 和 [−3] 上，lam = 0.1
    """
    weights = [np.array([[1.0, -2.0], [0.5, 0.0]]), np.array([-3.0])]
    # Σ|w| = 1 + 2 + 0.5 + 3 = 6.5;  Σw² = 1 + 4 + 0.25 + 9 = 14.25
    assert_close(student.l1_penalty(weights, 0.1), 0.65, names=bilingual(en="l1 penalty", zh="L1 惩罚项"))
    assert_close(student.l2_penalty(weights, 0.1), 1.425, names=bilingual(en="l2 penalty", zh="L2 惩罚项"))


@pytest.mark.points(1)
def test_weight_decay_step_worked_example(student):
    """weight_decay_step: w = [1, −2], grad = [0.5, 0.5], lr = 0.1, lam = 0.2

    中文：weight_decay_step: w = [1, −2]，grad = [0.5, 0.5]，lr = 0.1，lam = 0.2
    """
    w, grad = np.array([1.0, -2.0]), np.array([0.5, 0.5])
    # w − lr·(grad + lam·w) = [1 − 0.1·(0.5 + 0.2), −2 − 0.1·(0.5 − 0.4)]
    assert_close(student.weight_decay_step(w, grad, 0.1, 0.2), np.array([0.93, -2.01]), names=bilingual(en="new w", zh="新的 w"))


@pytest.mark.points(1)
def test_dropout_forward_worked_example(student):
    """dropout_forward: p = 0.5, seed 0 on a 2×3 array, in train and in eval mode

    中文：dropout_forward: 在 2×3 数组上 p = 0.5、seed 0，训练模式和评估模式
    """
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    # np.random.default_rng(0).random((2, 3)) = [[0.637, 0.270, 0.041], [0.017, 0.813, 0.913]]:
    # kept where ≥ 0.5, and scaled by 1/(1 − 0.5) = 2.
    out, _ = student.dropout_forward(x, 0.5, True, 0)
    assert_close(out, np.array([[2.0, 0.0, 0.0], [0.0, 10.0, 12.0]]), names=bilingual(en="out (train)", zh="out（train 模式）"))
    out, _ = student.dropout_forward(x, 0.5, False, 0)
    assert_close(out, x, names=bilingual(en="out (eval)", zh="out（eval 模式）"))


@pytest.mark.points(2)
def test_batchnorm_forward_worked_example(student):
    """batchnorm_forward: train mode on a 3×2 example: out and the running statistics

    中文：batchnorm_forward: 3×2 算例上的训练模式：out 和滑动统计量
    """
    x = np.array([[1.0, 2.0], [3.0, 6.0], [5.0, 4.0]])
    gamma, beta = np.array([2.0, 1.0]), np.array([0.5, -1.0])
    # column means [3, 4], biased variances [8/3, 8/3]
    s = 1 / math.sqrt(8 / 3 + 1e-5)
    expected = np.array([[2 * -2 * s + 0.5, -2 * s - 1], [0.5, 2 * s - 1], [2 * 2 * s + 0.5, -1.0]])
    out, _ = student.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    assert_close(out, expected, names="out")
    changed = [value for position, _, value in student.last_call.changed if position == 3]
    if not changed or not isinstance(changed[0], dict) or "running_mean" not in changed[0]:
        fail(bilingual(en="in train mode, store the running statistics in bn_param "
                          "(bn_param['running_mean'] = ..., bn_param['running_var'] = ...)",
                       zh="在 train 模式下，把滑动统计量存进 bn_param"
                          "（bn_param['running_mean'] = ...，bn_param['running_var'] = ...）"))
    # momentum 0.9 from zeros and ones: 0.1·μ and 0.9 + 0.1·σ²
    assert_close(changed[0].get("running_mean"), np.array([0.3, 0.4]), names="bn_param['running_mean']")
    assert_close(changed[0].get("running_var"), np.full(2, 0.9 + 0.8 / 3), names="bn_param['running_var']")


@pytest.mark.points(1)
def test_kaiming_normal_shape_and_spread(student):
    """kaiming_normal: a float32 tensor of shape (fan_out, fan_in) whose 20 000 values have mean ≈ 0 and std ≈ sqrt(2/fan_in)

    中文：kaiming_normal: 形状为 (fan_out, fan_in) 的 float32 张量，其 20 000 个值的均值 ≈ 0，标准差 ≈ sqrt(2/fan_in)
    """
    w = _initialized(student.kaiming_normal, "kaiming_normal", 200, 100)
    # std sqrt(2/200) = 0.1; with 20 000 values the sample's std is within 1 % of it, its
    # mean within 0.002 of 0 (sqrt(1/fan_in) = 0.071 and sqrt(2/fan_out) = 0.141 are far).
    std, mean = float(w.double().std()), float(w.double().mean())
    if not 0.09 < std < 0.11:
        fail(bilingual(en=f"the values' standard deviation is {std:.4f}; N(0, 2/fan_in) has "
                          "sqrt(2/200) = 0.1 (fan_in is the number of inputs, the second "
                          "dimension of W)",
                       zh=f"这些值的标准差是 {std:.4f}；N(0, 2/fan_in) 的标准差是 sqrt(2/200) = 0.1"
                          "（fan_in 是输入的个数，即 W 的第二维）"), w)
    if abs(mean) > 0.01:
        fail(bilingual(en=f"the values' mean is {mean:.4f}; N(0, 2/fan_in) has mean 0",
                       zh=f"这些值的均值是 {mean:.4f}；N(0, 2/fan_in) 的均值是 0"), w)


@pytest.mark.points(1)
def test_dropout_backward_worked_example(student):
    """dropout_backward: dx = dout·mask with the mask of the forward pass (train), dout itself in eval mode

    中文：dropout_backward: 用前向传播的 mask 计算 dx = dout·mask（训练），评估模式下就是 dout
    """
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    dout = np.array([[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]])
    # The forward pass's mask (p = 0.5, seed 0) is [[2, 0, 0], [0, 2, 2]].
    _, cache = student.dropout_forward(x, 0.5, True, 0)
    assert_close(student.dropout_backward(dout, cache), np.array([[2.0, 0.0, 0.0], [0.0, 4.0, 4.0]]),
                 names="dx (train)")
    _, cache = student.dropout_forward(x, 0.5, False, 0)
    assert_close(student.dropout_backward(dout, cache), dout, names="dx (eval)")


@pytest.mark.points(2)
def test_batchnorm_backward_worked_example(student):
    """batchnorm_backward: dx, dgamma, dbeta on the 3×2 example of batchnorm_forward

    中文：batchnorm_backward: batchnorm_forward 的 3×2 算例上的 dx、dgamma、dbeta
    """
    x = np.array([[1.0, 2.0], [3.0, 6.0], [5.0, 4.0]])
    gamma, beta = np.array([2.0, 1.0]), np.array([0.5, -1.0])
    _, cache = student.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    dout = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]])
    # x̂ = (x − [3, 4])·s with s = 1/sqrt(8/3 + 1e-5): column 0 is [−2s, 0, 2s], column 1
    # [−2s, 2s, 0]; dgamma = Σ dout·x̂ = [−2s, 0], dbeta = Σ dout = [1, 1].
    s = 1 / math.sqrt(8 / 3 + 1e-5)
    dx = np.array([[0.2041260588839523, -0.20412376250023564],
                   [-0.4082475250004713, -0.20412376250023564],
                   [0.204121466116519, 0.4082475250004713]])
    assert_close(student.batchnorm_backward(dout, cache),
                 (dx, np.array([-2 * s, 0.0]), np.array([1.0, 1.0])),
                 names=("dx", "dgamma", "dbeta"))
