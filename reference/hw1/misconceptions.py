"""Known mistakes in hw1 (linear model and exhaustive search), as wrong variants of the
reference.

Each variant is called as ``variant(reference, *args)`` on the arguments of the
student's call that failed a test (see ``grader.hints``); when the student's whole
return value matches the variant's, the student reads the hint, in English or in
Chinese (``hint_zh``).  A mistake in ``forward`` or ``mse`` also spoils
``grid_search``'s costs, so it is declared for ``grid_search`` too, with the same id
and hint.  ``seen`` says where each mistake was found in public student code for
these very exercises (Liu Er's lecture 2, "linear model" homework, the
train/test-split helpers of Chinese machine-learning course repositories, Hung-yi Lee's
homework validation splits, and Andrew Ng's ½-MSE cost).
"""

import numpy as np

from grader.hints import misconception

BIAS_IGNORED = (
    "your predictions ignore b: the model is ŷ = x·w + b, so forward must return "
    "x * w + b (the lecture's x * w is only the case b = 0), and grid_search must pass "
    "each bs[j] to it.",
    "你的预测忽略了 b：模型是 ŷ = x·w + b，所以 forward 要返回 x * w + b（课上的 x * w 只是 b = 0 的特例），"
    "grid_search 也要把每个 bs[j] 传给它。")
MSE_SUM = (
    "your cost is the sum of the squared errors, N times the mean: the MSE is "
    "(1/N) Σ (ŷₙ − yₙ)², so divide the sum by N (or use np.mean).",
    "你的代价是平方误差之和，是平均值的 N 倍：均方误差是 (1/N) Σ (ŷₙ − yₙ)²，所以要把和除以 N（或用 np.mean）。")
MSE_BY_3 = (
    "your cost divides by 3, the lecture's number of samples (print('MSE=', l_sum / 3)): "
    "divide by the number of samples you are given, len(y).",
    "你的代价除以的是 3，也就是课上数据的样本数（print('MSE=', l_sum / 3)）：应除以实际传入的样本数 len(y)。")
MSE_N_MINUS_1 = (
    "your cost divides by N − 1 (the sample variance's correction): the MSE is the plain "
    "mean of the squared errors, (1/N) Σ (ŷₙ − yₙ)².",
    "你的代价除以了 N − 1（样本方差的修正）：均方误差就是平方误差的普通平均值 (1/N) Σ (ŷₙ − yₙ)²。")
SQUARE_OF_MEAN = (
    "your cost is the square of the mean error, (mean(ŷ − y))², where the mean of the "
    "squared errors, mean((ŷ − y)²), is due: square each error first, then average "
    "(check the parentheses).",
    "你的代价是平均误差的平方 (mean(ŷ − y))²，而应该是平方误差的平均 mean((ŷ − y)²)：先对每个误差平方，再求平均（检查括号）。")
INDEX_NOT_VALUE = (
    "you returned the positions (i, j) of the best entry of costs, not the grid values: "
    "return ws[i] and bs[j].",
    "你返回的是 costs 中最小值的位置 (i, j)，而不是网格上的取值：应返回 ws[i] 和 bs[j]。")
TIES_LAST = (
    "where several (w, b) have the same smallest cost you returned a later one: the "
    "first in row-major order must win (the smallest i, then the smallest j). Compare "
    "with a strict < when you keep the best in the loop over ws (outer) and bs (inner), "
    "or use np.argmin on costs with np.unravel_index.",
    "当多个 (w, b) 的代价同为最小时，你返回了靠后的那个：应按行优先顺序取第一个（i 最小，其次 j 最小）。"
    "在外层循环 ws、内层循环 bs 中记录最优值时用严格的 <，或对 costs 用 np.argmin 再配合 np.unravel_index。")
COSTS_TRANSPOSED = (
    "your costs table is transposed, one row per b and one column per w: it must have "
    "shape (len(ws), len(bs)) with costs[i, j] the cost of (ws[i], bs[j]). Loop over ws "
    "outside and bs inside; that order also makes the first of tied pairs the one with "
    "the smallest i, as asked.",
    "你的 costs 表是转置的（每行一个 b、每列一个 w）：形状应为 (len(ws), len(bs))，costs[i, j] 是 (ws[i], bs[j]) 的代价。"
    "外层循环 ws、内层循环 bs；这样在并列时取到的第一个也正好是 i 最小的那个。")
N_DEV_TRUNCATED = (
    "your dev set has int(dev_fraction·N) samples, rounded down: the contract says "
    "n_dev = round(dev_fraction·N) (int(2.7) is 2, round(2.7) is 3).",
    "你的开发集有 int(dev_fraction·N) 个样本（向下取整）：约定是 n_dev = round(dev_fraction·N)"
    "（int(2.7) 是 2，round(2.7) 是 3）。")
LEGACY_RNG = (
    "your permutation comes from NumPy's legacy generator (np.random.seed with "
    "np.random.permutation, or RandomState): use the new one, "
    "perm = np.random.default_rng(seed).permutation(N), which gives other numbers for "
    "the same seed.",
    "你的排列来自 NumPy 的旧式随机数生成器（np.random.seed 加 np.random.permutation，或 RandomState）："
    "请用新的生成器 perm = np.random.default_rng(seed).permutation(N)，同一个种子它给出的数不同。")
DEV_TRAIN_SWAPPED = (
    "your training and dev sets are swapped: the dev samples are perm[:n_dev], the "
    "training samples perm[n_dev:], and the function returns "
    "(x_train, y_train, x_dev, y_dev), the training set first.",
    "你的训练集和开发集对调了：开发集是 perm[:n_dev]，训练集是 perm[n_dev:]，函数返回 "
    "(x_train, y_train, x_dev, y_dev)，训练集在前。")
SKLEARN_ORDER = (
    "you returned (x_train, x_dev, y_train, y_dev), scikit-learn's train_test_split "
    "order: this function returns (x_train, y_train, x_dev, y_dev), each x next to its y.",
    "你返回的是 (x_train, x_dev, y_train, y_dev)，也就是 scikit-learn 中 train_test_split 的顺序："
    "本函数要返回 (x_train, y_train, x_dev, y_dev)，每个 x 紧跟着它的 y。")
Y_SHUFFLED_SEPARATELY = (
    "your x and y were shuffled with two different permutations, so x_dev[k] no longer "
    "goes with y_dev[k]: draw ONE permutation perm and index both, x[perm] and y[perm].",
    "你的 x 和 y 用了两个不同的排列打乱，x_dev[k] 不再对应 y_dev[k]：只生成一个排列 perm，"
    "然后同时索引 x[perm] 和 y[perm]。")

SEEN_BY_3 = ("abeeto/PyTorchCodeCloneAnalysis: GHData/sarvesh211999_PyTorch/LinearModel.py",
             "ChunYunMuXue/PYTORCH-WORK: code/line_model/work1.py",
             "guessuppp/-Pytorchtrains-: main.py",
             "hm2810/Pytorch-tut: 01-Lin.py")
SEEN_SPLIT = ("qxk152/ML: module_selection.py",
              "xq-mys/ml_imooc: code/knn/KNN3.py",
              "pidada/---: Zero_LinearRegression/Model_Selection.py")
SEEN_TRUNCATED = SEEN_SPLIT + ("babu7/ML2017FALL: hw2/logistic.py (split_valid_set: valid_data_size = "
                               "int(floor(all_data_size * percentage)), Lee's homework 2 sample code)",)
SEEN_MESHGRID = ("qj118/pytorchDemo: liner2.py ([w, b] = np.meshgrid(W, B): one row per b)",
                 "aflycanfly/deep-learning: pytorch_liu/class1_linear_work.py",
                 "HuangCongQing/pytorch: PyTorch深度学习实践/02线性模型exercise.py")
SEEN_HALF = ("hasnatahmed331/Machine_learning: Cost.py (total_cost = (1 / (2 * m))*total_cost)",
             "anilnellutla/jupyter-notebooks: scratch/2_cost_function.py",
             "sidhantkumar1315/HousePricePredictionModel: house_price_ml.py")
SEEN_FLAT = ("rainbowlzx/-: 11.1-11.7/Lesson2线性模型.py (mse_list.append(l_sum / 3), a flat list)",
             "Langwenchong/learnPytorch: 02.py",
             "lhxcf/WebSpider: MachineLearning/线性模型.py")
SEEN_TRAIN_FIRST = ("joe0123/HYML2020: HW01/train.py (k = int(index.shape[0] * (1 - val_split)); "
                    "train = index[:k], val = index[k:])",
                    "chouxianyu/LHY_ML2020_Codes: hw2_classification/logistic_regression/"
                    "hw2_logistic_regression.py (train_size = int(len(X) * (1 - valid_ratio)))")


# ---------------------------------------------------------------- forward and mse

def _forward_without_bias(x, w, b=0.0):
    return np.asarray(x, dtype=np.float64) * float(w)


def _mse_sum(y_pred, y):
    return float(np.sum((np.asarray(y_pred, dtype=np.float64) - np.asarray(y, dtype=np.float64)) ** 2))


def _mse_square_of_mean(y_pred, y):
    return float(np.mean(np.asarray(y_pred, dtype=np.float64) - np.asarray(y, dtype=np.float64)) ** 2)


def _mse_by_3(y_pred, y):
    if len(y) == 3:
        raise ValueError("the same as the mean for three samples")
    return _mse_sum(y_pred, y) / 3.0


def _mse_n_minus_1(y_pred, y):
    return _mse_sum(y_pred, y) / (len(y) - 1)


@misconception("forward", id="bias_ignored", hint=BIAS_IGNORED[0], hint_zh=BIAS_IGNORED[1])
def forward_bias_ignored(reference, x, w, b=0.0):
    return _forward_without_bias(x, w, b)


@misconception("mse", id="mse_sum", hint=MSE_SUM[0], hint_zh=MSE_SUM[1])
def mse_sum(reference, y_pred, y):
    return _mse_sum(y_pred, y)


@misconception("mse", id="mse_divided_by_3", hint=MSE_BY_3[0], hint_zh=MSE_BY_3[1], seen=SEEN_BY_3)
def mse_divided_by_3(reference, y_pred, y):
    return _mse_by_3(y_pred, y)


@misconception("mse", id="mse_n_minus_1", hint=MSE_N_MINUS_1[0], hint_zh=MSE_N_MINUS_1[1])
def mse_n_minus_1(reference, y_pred, y):
    return _mse_n_minus_1(y_pred, y)


@misconception("mse", id="square_of_mean", hint=SQUARE_OF_MEAN[0], hint_zh=SQUARE_OF_MEAN[1])
def mse_square_of_mean(reference, y_pred, y):
    return _mse_square_of_mean(y_pred, y)


# ---------------------------------------------------------------- grid_search

def _grid_search(x, y, ws, bs=(0.0,), *, forward=None, mse=None, reference=None,
                 ties_last=False, indices=False, transposed=False):
    """The reference's grid_search with one step done the wrong way (keyword arguments)."""
    forward = forward or reference.forward
    mse = mse or reference.mse
    ws = np.asarray(ws, dtype=np.float64).reshape(-1)
    bs = np.asarray(bs, dtype=np.float64).reshape(-1)
    costs = np.array([[mse(forward(x, w, b), y) for b in bs] for w in ws], dtype=np.float64)
    if ties_last:  # the last minimum in row-major order (a <= in the loop)
        i, j = np.unravel_index(costs.size - 1 - int(np.argmin(costs.ravel()[::-1])), costs.shape)
    elif transposed:  # the table built with bs outside: its first minimum is column-major
        j, i = np.unravel_index(int(np.argmin(costs.T)), costs.T.shape)
    else:
        i, j = np.unravel_index(int(np.argmin(costs)), costs.shape)
    best = (int(i), int(j)) if indices else (float(ws[i]), float(bs[j]))
    return best[0], best[1], costs.T if transposed else costs


@misconception("grid_search", id="bias_ignored", hint=BIAS_IGNORED[0], hint_zh=BIAS_IGNORED[1])
def grid_search_bias_ignored(reference, x, y, ws, bs=(0.0,)):
    return _grid_search(x, y, ws, bs, reference=reference, forward=_forward_without_bias)


@misconception("grid_search", id="mse_sum", hint=MSE_SUM[0], hint_zh=MSE_SUM[1])
def grid_search_mse_sum(reference, x, y, ws, bs=(0.0,)):
    return _grid_search(x, y, ws, bs, reference=reference, mse=_mse_sum)


@misconception("grid_search", id="mse_divided_by_3", hint=MSE_BY_3[0], hint_zh=MSE_BY_3[1], seen=SEEN_BY_3)
def grid_search_mse_divided_by_3(reference, x, y, ws, bs=(0.0,)):
    return _grid_search(x, y, ws, bs, reference=reference, mse=_mse_by_3)


@misconception("grid_search", id="mse_n_minus_1", hint=MSE_N_MINUS_1[0], hint_zh=MSE_N_MINUS_1[1])
def grid_search_mse_n_minus_1(reference, x, y, ws, bs=(0.0,)):
    return _grid_search(x, y, ws, bs, reference=reference, mse=_mse_n_minus_1)


@misconception("grid_search", id="square_of_mean", hint=SQUARE_OF_MEAN[0], hint_zh=SQUARE_OF_MEAN[1])
def grid_search_square_of_mean(reference, x, y, ws, bs=(0.0,)):
    return _grid_search(x, y, ws, bs, reference=reference, mse=_mse_square_of_mean)


@misconception("grid_search", id="index_not_value", hint=INDEX_NOT_VALUE[0], hint_zh=INDEX_NOT_VALUE[1])
def grid_search_index_not_value(reference, x, y, ws, bs=(0.0,)):
    return _grid_search(x, y, ws, bs, reference=reference, indices=True)


@misconception("grid_search", id="ties_last", hint=TIES_LAST[0], hint_zh=TIES_LAST[1])
def grid_search_ties_last(reference, x, y, ws, bs=(0.0,)):
    return _grid_search(x, y, ws, bs, reference=reference, ties_last=True)


@misconception("grid_search", id="costs_transposed", hint=COSTS_TRANSPOSED[0], hint_zh=COSTS_TRANSPOSED[1],
               seen=SEEN_MESHGRID)
def grid_search_costs_transposed(reference, x, y, ws, bs=(0.0,)):
    return _grid_search(x, y, ws, bs, reference=reference, transposed=True)


# ---------------------------------------------------------------- train_dev_split

def _split(x, y, perm_x, perm_y, n_dev):
    x, y = np.asarray(x), np.asarray(y)
    return x[perm_x[n_dev:]], y[perm_y[n_dev:]], x[perm_x[:n_dev]], y[perm_y[:n_dev]]


@misconception("train_dev_split", id="n_dev_truncated", hint=N_DEV_TRUNCATED[0], hint_zh=N_DEV_TRUNCATED[1],
               seen=SEEN_TRUNCATED)
def split_n_dev_truncated(reference, x, y, dev_fraction, seed):
    perm = np.random.default_rng(seed).permutation(len(x))
    return _split(x, y, perm, perm, int(dev_fraction * len(x)))


@misconception("train_dev_split", id="legacy_rng", hint=LEGACY_RNG[0], hint_zh=LEGACY_RNG[1], seen=SEEN_SPLIT)
def split_legacy_rng(reference, x, y, dev_fraction, seed):
    perm = np.random.RandomState(seed).permutation(len(x))
    return _split(x, y, perm, perm, round(dev_fraction * len(x)))


@misconception("train_dev_split", id="dev_train_swapped", hint=DEV_TRAIN_SWAPPED[0],
               hint_zh=DEV_TRAIN_SWAPPED[1], seen=["lionztt/meachine_learning: model_selection/train_test_split.py"])
def split_dev_train_swapped(reference, x, y, dev_fraction, seed):
    _not_train_first(x, dev_fraction)
    x_train, y_train, x_dev, y_dev = reference.train_dev_split(x, y, dev_fraction, seed)
    return x_dev, y_dev, x_train, y_train


@misconception("train_dev_split", id="y_shuffled_separately", hint=Y_SHUFFLED_SEPARATELY[0], hint_zh=Y_SHUFFLED_SEPARATELY[1])
def split_y_shuffled_separately(reference, x, y, dev_fraction, seed):
    rng = np.random.default_rng(seed)
    perm_x, perm_y = rng.permutation(len(x)), rng.permutation(len(x))
    return _split(x, y, perm_x, perm_y, round(dev_fraction * len(x)))


@misconception("train_dev_split", id="sklearn_order", hint=SKLEARN_ORDER[0], hint_zh=SKLEARN_ORDER[1],
               seen=SEEN_SPLIT)
def split_sklearn_order(reference, x, y, dev_fraction, seed):
    x_train, y_train, x_dev, y_dev = reference.train_dev_split(x, y, dev_fraction, seed)
    return x_train, x_dev, y_train, y_dev


# ---------------------------------------------------------------- more mistakes, from the code we read

MSE_HALF = (
    "your cost is half the MSE, (1/(2N)) Σ (ŷₙ − yₙ)²: that is the convention of Andrew "
    "Ng's course (the ½ cancels in the gradient).  Here the MSE is (1/N) Σ (ŷₙ − yₙ)², "
    "with no ½.",
    "你的代价是均方误差的一半 (1/(2N)) Σ (ŷₙ − yₙ)²：这是吴恩达课程的写法（½ 在求梯度时会被约掉）。"
    "这里的均方误差是 (1/N) Σ (ŷₙ − yₙ)²，没有 ½。")
COSTS_FLAT = (
    "your costs is a flat list, one cost per (w, b) in the order of your loops (like the "
    "lecture's mse_list): return a 2-D array of shape (len(ws), len(bs)), "
    "costs[i, j] = mse(forward(x, ws[i], bs[j]), y) (np.array(mse_list).reshape(len(ws), "
    "len(bs)) if you looped over ws outside and bs inside).",
    "你的 costs 是一个一维列表，按循环顺序每个 (w, b) 一个代价（和课上的 mse_list 一样）：应返回形状为 "
    "(len(ws), len(bs)) 的二维数组，costs[i, j] = mse(forward(x, ws[i], bs[j]), y)"
    "（如果外层循环 ws、内层循环 bs，可以用 np.array(mse_list).reshape(len(ws), len(bs))）。")
TRAIN_FIRST = (
    "your train set comes first in the permutation (train = perm[:k], k = int((1 − "
    "dev_fraction)·N)): the contract takes the dev set first, n_dev = round(dev_fraction·N), "
    "dev = perm[:n_dev], train = perm[n_dev:].",
    "你的训练集取自排列的前面（train = perm[:k]，k = int((1 − dev_fraction)·N)）：约定是先取开发集，"
    "n_dev = round(dev_fraction·N)，dev = perm[:n_dev]，train = perm[n_dev:]。")


def _mse_half(y_pred, y):
    return _mse_sum(y_pred, y) / (2.0 * len(y))


@misconception("mse", id="mse_half", hint=MSE_HALF[0], hint_zh=MSE_HALF[1], seen=SEEN_HALF)
def mse_half(reference, y_pred, y):
    return _mse_half(y_pred, y)


@misconception("grid_search", id="mse_half", hint=MSE_HALF[0], hint_zh=MSE_HALF[1], seen=SEEN_HALF)
def grid_search_mse_half(reference, x, y, ws, bs=(0.0,)):
    return _grid_search(x, y, ws, bs, reference=reference, mse=_mse_half)


@misconception("grid_search", id="costs_flat", hint=COSTS_FLAT[0], hint_zh=COSTS_FLAT[1], seen=SEEN_FLAT)
def grid_search_costs_flat(reference, x, y, ws, bs=(0.0,)):
    w_best, b_best, costs = reference.grid_search(x, y, ws, bs)
    return w_best, b_best, np.asarray(costs, dtype=np.float64).ravel()


@misconception("train_dev_split", id="train_first", hint=TRAIN_FIRST[0], hint_zh=TRAIN_FIRST[1],
               seen=SEEN_TRAIN_FIRST)
def split_train_first(reference, x, y, dev_fraction, seed):
    _not_train_first(x, dev_fraction)
    x, y = np.asarray(x), np.asarray(y)
    perm = np.random.default_rng(seed).permutation(len(x))
    k = int(len(x) * (1 - dev_fraction))
    return x[perm[:k]], y[perm[:k]], x[perm[k:]], y[perm[k:]]


def _not_train_first(x, dev_fraction):
    """Raise where train_first and dev_train_swapped give one split (k = int((1 − f)·N)
    equal to n_dev = round(f·N), e.g. f = 0.5 with N even): that call tells neither
    mistake apart, so neither hint is shown for it."""
    n = len(x)
    if int(n * (1 - dev_fraction)) == round(dev_fraction * n):
        raise ValueError("train_first and dev_train_swapped coincide here")
