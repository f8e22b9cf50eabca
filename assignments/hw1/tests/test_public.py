"""Public tests for hw1: shapes and small worked examples (10 points).

Run them with `grade hw1`.  They are a first check only: the hidden suite (100 points)
compares your functions with a reference on random data, ties in the grid, N = 1 and
the exact order of the samples of a split.
"""

import numpy as np
import pytest

from grader.checks import assert_close, fail
from grader.i18n import bilingual

X = np.array([1.0, 2.0, 3.0])  # the lecture's data: y = 2x
Y = np.array([2.0, 4.0, 6.0])


@pytest.mark.points(2)
def test_forward_worked_example(student):
    """forward: ŷ = x·w + b for x = [1, 2, 3], w = 2, b = 0.5, and b = 0 by default

    中文：forward: x = [1, 2, 3]、w = 2、b = 0.5 时 ŷ = x·w + b，b 默认为 0
    """
    assert_close(student.forward(X, 2.0, 0.5), np.array([2.5, 4.5, 6.5]), names="ŷ")
    assert_close(student.forward(X, 2.0), np.array([2.0, 4.0, 6.0]), names="ŷ")


@pytest.mark.points(2)
def test_mse_worked_example(student):
    """mse: the mean of [1, 4, 9] is 14/3 for ŷ = [1, 2, 3], y = [2, 4, 6]

    中文：mse: ŷ = [1, 2, 3]、y = [2, 4, 6] 时 [1, 4, 9] 的平均值是 14/3
    """
    assert_close(student.mse(np.array([1.0, 2.0, 3.0]), Y), 14.0 / 3.0, names="cost")


@pytest.mark.points(3)
def test_grid_search_lecture_grid(student):
    """grid_search: w = 1, 2, 3 on the lecture's data gives w = 2 and costs (3, 1)

    中文：grid_search: 课上的数据、w = 1, 2, 3 时得到 w = 2，costs 形状为 (3, 1)
    """
    w_best, b_best, costs = student.grid_search(X, Y, np.array([1.0, 2.0, 3.0]))
    assert_close((w_best, b_best), (2.0, 0.0), names=("w_best", "b_best"))
    assert_close(costs, np.array([[14.0 / 3.0], [0.0], [14.0 / 3.0]]), names="costs")


@pytest.mark.points(3)
def test_train_dev_split_sizes_and_samples(student):
    """train_dev_split: 10 samples, dev_fraction 0.3: 7 train, 3 dev, every sample once

    中文：train_dev_split: 10 个样本、dev_fraction 0.3：7 个 train，3 个 dev，每个样本恰好一次
    """
    x = np.arange(10.0)
    y = 10.0 * x
    got = student.train_dev_split(x, y, 0.3, 0)
    if not isinstance(got, (tuple, list)) or len(got) != 4:
        fail(bilingual(en=f"train_dev_split must return (x_train, y_train, x_dev, y_dev), got {got!r:.200}",
                       zh=f"train_dev_split 必须返回 (x_train, y_train, x_dev, y_dev)，得到的是 {got!r:.200}"),
             got)
    x_train, y_train, x_dev, y_dev = got
    sizes = [len(x_train), len(y_train), len(x_dev), len(y_dev)]
    if sizes != [7, 7, 3, 3]:
        fail(bilingual(en=f"expected the lengths of (x_train, y_train, x_dev, y_dev) to be "
                          f"[7, 7, 3, 3], got {sizes}",
                       zh=f"(x_train, y_train, x_dev, y_dev) 的长度应为 [7, 7, 3, 3]，得到的是 {sizes}"),
             got)
    assert_close(np.sort(np.concatenate([x_train, x_dev])), x, names=bilingual(en="x_train and x_dev, sorted", zh="排序后的 x_train 和 x_dev"))
    assert_close(np.asarray(y_train), 10.0 * np.asarray(x_train), names="y_train (y = 10x)")
    assert_close(np.asarray(y_dev), 10.0 * np.asarray(x_dev), names="y_dev (y = 10x)")
