"""Hidden suite for hw1, linear model and exhaustive search: 100 points.

Every function is compared with the reference on seeded random data (N = 1 included);
grid_search's whole costs table is checked apart from its best pair, on grids with
exact ties, lists instead of arrays, the default bs and a descending grid; and
train_dev_split's exact order of samples for several fractions and seeds, its sizes,
the empty dev set and its reproducibility.  Tolerances are grader.checks' defaults
(rtol 1e-4, atol 1e-6), which admit a correct float32 answer.  Ties are built from
small integers, so that every correct way of computing the costs (loops, broadcasting,
float32) gives exactly equal tied entries.
"""

import numpy as np
import pytest

from grader.checks import assert_close, assert_unchanged, fail
from grader.i18n import bilingual

LECTURE_X = np.array([1.0, 2.0, 3.0])  # Liu Er, lecture 2: y = 2x
LECTURE_Y = np.array([2.0, 4.0, 6.0])
LECTURE_WS = np.arange(0.0, 4.1, 0.1)  # the lecture's grid: 41 values, 0.0 … 4.0
GRID_NAMES = ("w_best", "b_best", "costs")
SPLIT_NAMES = ("x_train", "y_train", "x_dev", "y_dev")


def _noisy_data(rng, n, w=1.7, b=-0.8):
    x = rng.uniform(0.0, 5.0, size=n)
    return x, w * x + b + rng.normal(scale=0.5, size=n)


def _grid_output(got, index=None):
    """got[index] (or the best pair when index is None), after checking that got is a
    3-tuple."""
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        fail(bilingual(en=f"grid_search must return (w_best, b_best, costs), got {got!r:.200}",
                       zh=f"grid_search 必须返回 (w_best, b_best, costs)，得到的是 {got!r:.200}"), got)
    return got[:2] if index is None else got[index]


def _assert_best_pair(got, expected):
    # check_dtype=False: ws[i] from a grid given as ints is a correct answer too.
    assert_close(_grid_output(got), expected[:2], names=GRID_NAMES[:2], check_dtype=False)


def _assert_costs(got, expected):
    assert_close(_grid_output(got, 2), expected[2], names="costs")


def _split_output(got):
    if not isinstance(got, (tuple, list)) or len(got) != 4:
        fail(bilingual(en=f"train_dev_split must return (x_train, y_train, x_dev, y_dev), got {got!r:.200}",
                       zh=f"train_dev_split 必须返回 (x_train, y_train, x_dev, y_dev)，得到的是 {got!r:.200}"),
             got)
    return got


# ---------------------------------------------------------------- forward (12)

@pytest.mark.points(5)
def test_forward_matches_reference(student, reference, rng):
    """forward: ŷ = x·w + b matches the reference on random data (N = 1, 5, 20)

    中文：forward: 在随机数据上 ŷ = x·w + b 与参考答案一致（N = 1, 5, 20）
    """
    for n in (1, 5, 20):
        x = rng.normal(scale=3.0, size=n)
        w, b = rng.normal(), rng.normal()
        assert_close(student.forward(x, w, b), reference.forward(x, w, b), names="ŷ")
        assert_unchanged(student.last_call.changed, "forward")


@pytest.mark.points(4)
def test_forward_default_bias(student, reference, rng):
    """forward: b defaults to 0.0 (ŷ = x·w), N = 1 and 6

    中文：forward: b 默认为 0.0（ŷ = x·w），N = 1 和 6
    """
    for n in (1, 6):
        x, w = rng.normal(size=n), rng.normal()
        assert_close(student.forward(x, w), reference.forward(x, w), names="ŷ")


@pytest.mark.points(3)
def test_forward_accepts_lists(student, reference):
    """forward: x given as a list of floats

    中文：forward: x 以浮点数列表给出
    """
    x = [0.5, -1.0, 2.0, 3.5]
    assert_close(student.forward(x, 1.5, -0.25), reference.forward(x, 1.5, -0.25), names="ŷ")


# ---------------------------------------------------------------- mse (14)

@pytest.mark.points(6)
def test_mse_matches_reference(student, reference, rng):
    """mse: the mean of the squared errors matches the reference (N = 2, 7, 50)

    中文：mse: 误差平方的平均值与参考答案一致（N = 2, 7, 50）
    """
    for n in (2, 7, 50):
        y = rng.normal(scale=2.0, size=n)
        y_pred = y + rng.normal(loc=0.3, size=n)
        assert_close(student.mse(y_pred, y), reference.mse(y_pred, y), names="cost")


@pytest.mark.points(3)
def test_mse_single_sample(student, reference):
    """mse: one sample (N = 1) gives its squared error as a single number

    中文：mse: 单个样本（N = 1）给出它的误差平方，是一个数
    """
    assert_close(student.mse(np.array([2.5]), np.array([4.0])),
                 reference.mse(np.array([2.5]), np.array([4.0])), names="cost")


@pytest.mark.points(3)
def test_mse_accepts_lists(student, reference):
    """mse: y_pred and y given as lists of floats

    中文：mse: y_pred 和 y 以浮点数列表给出
    """
    y_pred, y = [1.0, 2.5, -1.0, 4.0], [1.5, 2.0, 0.0, 3.0]
    assert_close(student.mse(y_pred, y), reference.mse(y_pred, y), names="cost")


@pytest.mark.points(2)
@pytest.mark.depends_on("test_mse_matches_reference")
def test_mse_leaves_inputs_unchanged(student, rng):
    """mse: y_pred and y are left as they were found

    中文：mse: y_pred 和 y 保持原样，没有被修改
    """
    y_pred, y = rng.normal(size=6), rng.normal(size=6)
    student.mse(y_pred, y)
    assert_unchanged(student.last_call.changed, "mse",
                     bilingual(en="Compute the errors into a new array (err = y_pred - y), not with "
                                  "-= on an input.",
                               zh="把误差算进一个新数组（err = y_pred - y），不要对输入用 -=。"))


# ---------------------------------------------------------------- grid_search (42)

@pytest.mark.points(7)
def test_grid_search_lecture_costs(student, reference):
    """grid_search: costs on the lecture's grid w = 0.0…4.0 with the default bs, shape (41, 1)

    中文：grid_search: 课上的网格 w = 0.0…4.0、默认 bs 时的 costs，形状 (41, 1)
    """
    got = student.grid_search(LECTURE_X, LECTURE_Y, LECTURE_WS)
    _assert_costs(got, reference.grid_search(LECTURE_X, LECTURE_Y, LECTURE_WS))


@pytest.mark.points(3)
def test_grid_search_lecture_best(student, reference):
    """grid_search: w_best = 2 and b_best = 0 on the lecture's grid with the default bs

    中文：grid_search: 课上的网格、默认 bs 时 w_best = 2，b_best = 0
    """
    got = student.grid_search(LECTURE_X, LECTURE_Y, LECTURE_WS)
    _assert_best_pair(got, reference.grid_search(LECTURE_X, LECTURE_Y, LECTURE_WS))


def _noisy_grid(rng):
    x, y = _noisy_data(rng, 12)
    return x, y, np.linspace(0.5, 3.0, 11), np.linspace(-2.0, 1.0, 7)


@pytest.mark.points(6)
def test_grid_search_costs_over_w_and_b(student, reference, rng):
    """grid_search: the whole costs table over an 11 × 7 (w, b) grid on noisy data

    中文：grid_search: 带噪声的数据上 11 × 7 的 (w, b) 网格的整张 costs 表
    """
    x, y, ws, bs = _noisy_grid(rng)
    _assert_costs(student.grid_search(x, y, ws, bs), reference.grid_search(x, y, ws, bs))


@pytest.mark.points(6)
def test_grid_search_best_over_w_and_b(student, reference, rng):
    """grid_search: w_best and b_best over an 11 × 7 (w, b) grid on noisy data

    中文：grid_search: 带噪声的数据上 11 × 7 的 (w, b) 网格的 w_best 和 b_best
    """
    x, y, ws, bs = _noisy_grid(rng)
    _assert_best_pair(student.grid_search(x, y, ws, bs), reference.grid_search(x, y, ws, bs))


@pytest.mark.points(3)
def test_grid_search_tie_over_w(student, reference):
    """grid_search: on a tie between w = 1 and w = 3 (lecture data), the first wins

    中文：grid_search: w = 1 和 w = 3 打平时（课上的数据），取第一个
    """
    ws = np.array([0.0, 1.0, 3.0, 4.0])  # costs 14/3·[4, 1, 1, 4]: exactly equal at 1 and 3
    got = student.grid_search(LECTURE_X, LECTURE_Y, ws)
    _assert_best_pair(got, reference.grid_search(LECTURE_X, LECTURE_Y, ws))


@pytest.mark.points(4)
def test_grid_search_tie_over_w_and_b(student, reference):
    """grid_search: on a tie between (1, 2) and (3, −2), the first in row-major order wins

    中文：grid_search: (1, 2) 和 (3, −2) 打平时，取按行优先顺序的第一个
    """
    # cost(2 + d, e) = cost(2 − d, −e) on the lecture's data: (w, b) = (1, 2) and (3, −2)
    # both leave the errors ±[1, 0, −1], cost 2/3, the smallest of the grid. (1, 2) is at
    # (i, j) = (1, 2) and (3, −2) at (2, 1): first in row-major order, last, and first
    # in column-major order are not the same pair.
    ws, bs = np.array([0.0, 1.0, 3.0, 4.0]), np.array([-4.0, -2.0, 2.0, 4.0])
    got = student.grid_search(LECTURE_X, LECTURE_Y, ws, bs)
    _assert_best_pair(got, reference.grid_search(LECTURE_X, LECTURE_Y, ws, bs))


@pytest.mark.points(4)
def test_grid_search_lists(student, reference, rng):
    """grid_search: x, y, ws and bs given as lists (w_best, b_best and costs)

    中文：grid_search: x、y、ws、bs 以列表给出（w_best、b_best 和 costs）
    """
    x, y = _noisy_data(rng, 6)
    x, y = [float(v) for v in x], [float(v) for v in y]
    ws, bs = [0.5, 1.0, 1.5, 2.0, 2.5], [-1.5, -1.0, -0.5, 0.0]
    assert_close(student.grid_search(x, y, ws, bs), reference.grid_search(x, y, ws, bs),
                 names=GRID_NAMES, check_dtype=False)


@pytest.mark.points(3)
def test_grid_search_single_sample(student, reference, rng):
    """grid_search: one sample (N = 1) on a random 6 × 4 grid (w_best, b_best and costs)

    中文：grid_search: 单个样本（N = 1）、随机的 6 × 4 网格（w_best、b_best 和 costs）
    """
    x, y = rng.normal(size=1), rng.normal(size=1)
    ws, bs = np.sort(rng.normal(size=6)), np.sort(rng.normal(size=4))
    assert_close(student.grid_search(x, y, ws, bs), reference.grid_search(x, y, ws, bs),
                 names=GRID_NAMES, check_dtype=False)


@pytest.mark.points(4)
def test_grid_search_descending_grid(student, reference, rng):
    """grid_search: w_best on a descending grid w = 4.0, 3.75, …, 0.0 (the value, not the position)

    中文：grid_search: 递减网格 w = 4.0, 3.75, …, 0.0 上的 w_best（返回值本身，而不是位置）
    """
    x, y = _noisy_data(rng, 8, w=1.3, b=0.0)
    ws = np.linspace(4.0, 0.0, 17)
    _assert_best_pair(student.grid_search(x, y, ws), reference.grid_search(x, y, ws))


@pytest.mark.points(2)
@pytest.mark.depends_on("test_grid_search_costs_over_w_and_b")
def test_grid_search_leaves_inputs_unchanged(student, rng):
    """grid_search: x, y, ws and bs are left as they were found

    中文：grid_search: x、y、ws、bs 保持原样，没有被修改
    """
    x, y = _noisy_data(rng, 5)
    student.grid_search(x, y, np.linspace(0.0, 3.0, 7), np.linspace(-1.0, 1.0, 3))
    assert_unchanged(student.last_call.changed, "grid_search")


# ---------------------------------------------------------------- train_dev_split (32)

#: (N, dev_fraction, seed) where int(dev_fraction·N) == round(dev_fraction·N): the
#: order tests do not depend on how n_dev is rounded (the sizes test checks that).
ORDER_CASES = [(10, 0.3, 0), (23, 0.4, 7), (16, 0.25, 2024), (31, 0.1, 3)]


def _split_data(rng, n):
    return rng.normal(size=n), rng.normal(size=n)


def _split_order(student, reference, rng, part):
    for n, fraction, seed in ORDER_CASES:
        x, y = _split_data(rng, n)
        got = _split_output(student.train_dev_split(x, y, fraction, seed))
        expected = reference.train_dev_split(x, y, fraction, seed)
        keep = slice(0, 2) if part == "train" else slice(2, 4)
        assert_close(got[keep], expected[keep], names=SPLIT_NAMES[keep])


@pytest.mark.points(5)
def test_train_dev_split_sizes(student, reference, rng):
    """train_dev_split: the sizes of the four arrays for several N and dev fractions

    中文：train_dev_split: 多种 N 和 dev 比例下四个数组的大小
    """
    for n, fraction in [(10, 0.1), (10, 0.27), (10, 0.7), (23, 0.2), (23, 0.33), (7, 0.6),
                        (8, 1.0)]:
        x, y = _split_data(rng, n)
        got = _split_output(student.train_dev_split(x, y, fraction, 1))
        sizes = tuple(len(np.atleast_1d(v)) for v in got)
        expected = tuple(len(v) for v in reference.train_dev_split(x, y, fraction, 1))
        if sizes != expected:
            fail(bilingual(en=f"for N = {n} and dev_fraction = {fraction}: expected the lengths of "
                              f"(x_train, y_train, x_dev, y_dev) to be {expected}, got {sizes} "
                              f"(n_dev = round(dev_fraction·N) = {expected[2]})",
                           zh=f"N = {n}、dev_fraction = {fraction} 时：(x_train, y_train, x_dev, y_dev) "
                              f"的长度应为 {expected}，得到的是 {sizes}"
                              f"（n_dev = round(dev_fraction·N) = {expected[2]}）"), got)


@pytest.mark.points(6)
def test_train_dev_split_dev_order(student, reference, rng):
    """train_dev_split: x_dev and y_dev hold perm[:n_dev] in that order (4 seeds and fractions)

    中文：train_dev_split: x_dev 和 y_dev 按顺序是 perm[:n_dev]（4 组种子和比例）
    """
    _split_order(student, reference, rng, "dev")


@pytest.mark.points(6)
def test_train_dev_split_train_order(student, reference, rng):
    """train_dev_split: x_train and y_train hold perm[n_dev:] in that order (4 seeds and fractions)

    中文：train_dev_split: x_train 和 y_train 按顺序是 perm[n_dev:]（4 组种子和比例）
    """
    _split_order(student, reference, rng, "train")


@pytest.mark.points(4)
def test_train_dev_split_no_dev_set(student, reference, rng):
    """train_dev_split: dev_fraction 0 gives an empty dev set and all N samples, shuffled, in train

    中文：train_dev_split: dev_fraction 为 0 时 dev 集为空，全部 N 个样本打乱后放在 train 中
    """
    x, y = _split_data(rng, 12)
    got = _split_output(student.train_dev_split(x, y, 0.0, 5))
    assert_close(got, reference.train_dev_split(x, y, 0.0, 5), names=SPLIT_NAMES)


@pytest.mark.points(3)
def test_train_dev_split_pairs(student, rng):
    """train_dev_split: every x stays with its y (y = 3x + 1) in both sets

    中文：train_dev_split: 两个集合里每个 x 都和它的 y（y = 3x + 1）在一起
    """
    x = rng.normal(size=15)
    y = 3.0 * x + 1.0
    x_train, y_train, x_dev, y_dev = _split_output(student.train_dev_split(x, y, 0.4, 11))
    assert_close(y_train, 3.0 * np.asarray(x_train, dtype=np.float64) + 1.0,
                 names="y_train (= 3·x_train + 1)")
    assert_close(y_dev, 3.0 * np.asarray(x_dev, dtype=np.float64) + 1.0,
                 names="y_dev (= 3·x_dev + 1)")


@pytest.mark.points(3)
def test_train_dev_split_reproducible(student, rng):
    """train_dev_split: the same seed gives the same split twice

    中文：train_dev_split: 同一个种子两次给出同样的划分
    """
    x, y = _split_data(rng, 20)
    first = _split_output(student.train_dev_split(x, y, 0.3, 42))
    second = _split_output(student.train_dev_split(x, y, 0.3, 42))
    assert_close(second, first, names=SPLIT_NAMES)


@pytest.mark.points(3)
def test_train_dev_split_single_sample(student, reference):
    """train_dev_split: one sample (N = 1) goes to train for dev_fraction 0.3, to dev for 1.0

    中文：train_dev_split: 单个样本（N = 1）在 dev_fraction 为 0.3 时进 train，为 1.0 时进 dev
    """
    # Not 0.7: there round(0.7) = 1 but int(0.7) = 0, which the sizes test already
    # catches, and which would look like train and dev swapped.
    x, y = np.array([2.5]), np.array([-1.0])
    for fraction in (0.3, 1.0):
        got = _split_output(student.train_dev_split(x, y, fraction, 3))
        assert_close(got, reference.train_dev_split(x, y, fraction, 3), names=SPLIT_NAMES)


@pytest.mark.points(2)
@pytest.mark.depends_on("test_train_dev_split_dev_order", "test_train_dev_split_train_order")
def test_train_dev_split_leaves_inputs_unchanged(student, rng):
    """train_dev_split: x and y are left as they were found

    中文：train_dev_split: x 和 y 保持原样，没有被修改
    """
    x, y = _split_data(rng, 10)
    student.train_dev_split(x, y, 0.3, 0)
    assert_unchanged(student.last_call.changed, "train_dev_split",
                     bilingual(en="Index with the permutation (x[perm]) instead of shuffling x or y "
                                  "in place.",
                               zh="用排列来索引（x[perm]），不要原地打乱 x 或 y。"))
