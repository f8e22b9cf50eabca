"""Public tests for hw2: small worked examples (10 points).

Run them with `grade hw2`.  They are a first check only: the hidden suite (100 points)
compares your functions with a reference on noisy data, checks every epoch's cost (not
only the final w), the edge cases (one sample, a batch size that does not divide N, a
learning rate that diverges) and your gradients against central differences.
"""

import numpy as np
import pytest

from grader.checks import assert_close


@pytest.mark.points(2)
def test_gradient_worked_example(student):
    """gradient: x = [1, 2, 3], y = [3, 5, 4] at w = 1 gives (−4 − 12 − 6)/3

    中文：gradient: x = [1, 2, 3]、y = [3, 5, 4] 在 w = 1 处得 (−4 − 12 − 6)/3
    """
    x, y = np.array([1.0, 2.0, 3.0]), np.array([3.0, 5.0, 4.0])
    # 2·xₙ·(xₙ·1 − yₙ) = 2·1·(−2), 2·2·(−3), 2·3·(−1) = −4, −12, −6; their mean is −22/3
    assert_close(student.gradient(x, y, 1.0), -22.0 / 3.0, names="gradient")


@pytest.mark.points(1)
def test_sample_gradient_worked_example(student):
    """sample_gradient: xn = 2, yn = 3 at w = 0.5 gives 2·2·(1 − 3) = −8

    中文：sample_gradient: xn = 2、yn = 3 在 w = 0.5 处得 2·2·(1 − 3) = −8
    """
    assert_close(student.sample_gradient(2.0, 3.0, 0.5), -8.0, names="gradient")


@pytest.mark.points(2)
def test_gradient_descent_two_epochs(student):
    """gradient_descent: two epochs on x = [1, 2], y = [3, 5] from w0 = 0, lr = 0.1

    中文：gradient_descent: 在 x = [1, 2]、y = [3, 5] 上从 w0 = 0、lr = 0.1 训练两个 epoch
    """
    # epoch 0: cost(0) = (9 + 25)/2 = 17,      gradient(0) = (−6 − 20)/2 = −13,   w = 1.3
    # epoch 1: cost(1.3) = (2.89 + 5.76)/2 = 4.325, gradient(1.3) = (−3.4 − 9.6)/2 = −6.5, w = 1.95
    got = student.gradient_descent(np.array([1.0, 2.0]), np.array([3.0, 5.0]), 0.0, 0.1, 2)
    assert_close(got, (1.95, [17.0, 4.325]), names=("w", "costs"))


@pytest.mark.points(2)
def test_sgd_one_epoch(student):
    """sgd: one epoch on x = [1, 2], y = [3, 5] from w0 = 0, lr = 0.1

    中文：sgd: 在 x = [1, 2]、y = [3, 5] 上从 w0 = 0、lr = 0.1 训练一个 epoch
    """
    # sample 1: loss (0 − 3)² = 9,          gradient 2·1·(0 − 3) = −6,      w = 0.6
    # sample 2: loss (1.2 − 5)² = 14.44,    gradient 2·2·(1.2 − 5) = −15.2, w = 2.12
    # losses[0] = (9 + 14.44)/2 = 11.72 (each loss taken before its update)
    got = student.sgd(np.array([1.0, 2.0]), np.array([3.0, 5.0]), 0.0, 0.1, 1)
    assert_close(got, (2.12, [11.72]), names=("w", "losses"))


@pytest.mark.points(2)
def test_minibatch_gd_last_batch_shorter(student):
    """minibatch_gd: one epoch, N = 3, batch_size = 2: batches [1, 2] and [3]

    中文：minibatch_gd: 一个 epoch，N = 3，batch_size = 2：批次为 [1, 2] 和 [3]
    """
    # batch [1, 2]: mean gradient at 0 is −13, w = 1.3
    # batch [3]:    gradient 2·3·(3.9 − 4) = −0.6, w = 1.36
    # cost after the epoch: ((1.36 − 3)² + (2.72 − 5)² + (4.08 − 4)²)/3 = 7.8944/3
    got = student.minibatch_gd(np.array([1.0, 2.0, 3.0]), np.array([3.0, 5.0, 4.0]), 0.0, 0.1, 1, 2)
    assert_close(got, (1.36, [7.8944 / 3.0]), names=("w", "costs"))


@pytest.mark.points(1)
def test_ema_worked_example(student):
    """ema: values [1, 2, 3, 10] with beta = 0.2 give [1, 1.2, 1.56, 3.248]

    中文：ema: values [1, 2, 3, 10]、beta = 0.2 时得 [1, 1.2, 1.56, 3.248]
    """
    # s1 = 0.2·2 + 0.8·1 = 1.2;  s2 = 0.2·3 + 0.8·1.2 = 1.56;  s3 = 0.2·10 + 0.8·1.56 = 3.248
    assert_close(student.ema(np.array([1.0, 2.0, 3.0, 10.0]), 0.2),
                 np.array([1.0, 1.2, 1.56, 3.248]), names="smoothed")
