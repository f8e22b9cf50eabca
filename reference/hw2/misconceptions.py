"""Known mistakes in hw2 (gradient descent), as wrong variants of the reference.

Each variant is called as ``variant(reference, *args)`` on the arguments of the
student's call that failed a test (see ``grader.hints``); when the student's output
matches the variant's, the student reads the hint, in English or in Chinese
(``hint_zh``).  ``seen`` says where each mistake was found in public student code for
these very exercises (Liu Er's lecture 3 homework: 梯度下降 and 随机梯度下降).

A wrong ``gradient`` also spoils the training loops that call it (a student's
``gradient_descent`` calls their own ``gradient``, their ``minibatch_gd`` calls it on
each batch, their ``sgd`` calls their ``sample_gradient``): such a mistake is declared
for each function it shows up in, with one id and one hint.  The training loops below
are the reference's, with one step done the wrong way (keyword arguments).
"""

import numpy as np

from grader.hints import misconception


def _data(x, y):
    return np.array(x, dtype=np.float64).reshape(-1), np.array(y, dtype=np.float64).reshape(-1)


def _cost(x, y, w):
    return float(np.mean((x * w - y) ** 2))


# ------------------------------------------------------------ gradients, right and wrong
# gradient(x, y, w) over a batch (the whole data in `gradient`, a slice in minibatch_gd).

def _mean_gradient(x, y, w):
    return float(np.mean(2.0 * x * (x * w - y)))


def _overwritten(x, y, w):
    # grad = 2 * xn * (xn * w - yn) inside the loop, then `return grad / len(x)`
    return float(2.0 * x[-1] * (x[-1] * w - y[-1]) / x.size)


def _returns_early(x, y, w):
    # `return grad / len(x)` indented into the loop: after the first sample
    return float(2.0 * x[0] * (x[0] * w - y[0]) / x.size)


def _summed(x, y, w):
    return float(np.sum(2.0 * x * (x * w - y)))


def _missing_x(x, y, w):
    return float(np.mean(2.0 * (x * w - y)))


def _missing_2(x, y, w):
    return float(np.mean(x * (x * w - y)))


# sample_gradient(xn, yn, w)

def _sample_gradient(xn, yn, w):
    return 2.0 * xn * (xn * w - yn)


def _sample_missing_x(xn, yn, w):
    return 2.0 * (xn * w - yn)


def _sample_missing_2(xn, yn, w):
    return xn * (xn * w - yn)


# ------------------------------------------------------------ training loops

def _gd(x, y, w0, lr, epochs, *, grad=_mean_gradient, sign=-1.0, cost_after=False):
    x, y = _data(x, y)
    w, costs = float(w0), []
    for _ in range(epochs):
        if not cost_after:
            costs.append(_cost(x, y, w))
        w += sign * lr * grad(x, y, w)
        if cost_after:
            costs.append(_cost(x, y, w))
    return w, costs


def _sgd(x, y, w0, lr, epochs, *, grad=_sample_gradient, sign=-1.0, loss="before"):
    x, y = _data(x, y)
    w, losses = float(w0), []
    for _ in range(epochs):
        epoch = []
        for xn, yn in zip(x, y):
            before = (xn * w - yn) ** 2
            w += sign * lr * grad(xn, yn, w)
            epoch.append(before if loss == "before" else (xn * w - yn) ** 2)
        # "last": the lecture's print, the last sample's loss after its update
        losses.append(float(epoch[-1] if loss == "last" else np.mean(epoch)))
    return w, losses


def _batches(n, batch_size):
    return [(start, start + batch_size) for start in range(0, n, batch_size)]


def _batches_off_by_one(n, batch_size):
    # x[i:i + batch_size - 1]
    return [(start, start + batch_size - 1) for start in range(0, n, batch_size)]


def _batches_drop_last(n, batch_size):
    # for i in range(N // batch_size): x[i * batch_size:(i + 1) * batch_size]
    return [(i * batch_size, (i + 1) * batch_size) for i in range(n // batch_size)]


def _minibatch(x, y, w0, lr, epochs, batch_size, *, grad=_mean_gradient, sign=-1.0,
               batches=_batches, cost_before=False):
    x, y = _data(x, y)
    w, costs = float(w0), []
    for _ in range(epochs):
        if cost_before:
            costs.append(_cost(x, y, w))
        for start, stop in batches(x.size, batch_size):
            w += sign * lr * grad(x[start:stop], y[start:stop], w)
        if not cost_before:
            costs.append(_cost(x, y, w))
    return w, costs


# ------------------------------------------------------------ gradient: overwritten

GRADIENT_OVERWRITTEN = (

    "your gradient equals the LAST sample's term 2·xₙ(xₙw − yₙ) divided by N: the loop "
    "overwrites the running total. Did you write `grad = ...` where `grad += ...` was "
    "needed? Start from grad = 0 and add every sample's term before dividing by N.",
    "你的梯度等于最后一个样本那一项 2·xₙ(xₙw − yₙ) 再除以 N：循环把累加值覆盖了。是否把 `grad += ...` 写成了 `grad = ...`？从 grad = 0 开始，把每个样本的项都加上，最后再除以 N。")


@misconception("gradient", id="gradient_overwritten", hint=GRADIENT_OVERWRITTEN[0], hint_zh=GRADIENT_OVERWRITTEN[1])
def gradient_overwritten(reference, x, y, w):
    return _overwritten(*_data(x, y), float(w))


@misconception("gradient_descent", id="gradient_overwritten", hint=GRADIENT_OVERWRITTEN[0], hint_zh=GRADIENT_OVERWRITTEN[1])
def gradient_descent_gradient_overwritten(reference, x, y, w0, lr, epochs):
    return _gd(x, y, w0, lr, epochs, grad=_overwritten)


@misconception("minibatch_gd", id="gradient_overwritten", hint=GRADIENT_OVERWRITTEN[0], hint_zh=GRADIENT_OVERWRITTEN[1])
def minibatch_gradient_overwritten(reference, x, y, w0, lr, epochs, batch_size):
    return _minibatch(x, y, w0, lr, epochs, batch_size, grad=_overwritten)


# ------------------------------------------------------------ gradient: return in the loop

GRADIENT_RETURNS_EARLY = (

    "your gradient uses the FIRST sample only (its term 2·x₀(x₀w − y₀) divided by N): the "
    "`return` is indented inside the loop, so the function returns after one sample. "
    "Move the `return` out of the loop, after every sample's term has been added.",
    "你的梯度只用到了第一个样本（它那一项 2·x₀(x₀w − y₀) 除以 N）：`return` 缩进到了循环里面，函数处理完一个样本就返回了。把 `return` 移到循环外面，等所有样本的项都加完再返回。")


@misconception("gradient", id="gradient_returns_early", hint=GRADIENT_RETURNS_EARLY[0], hint_zh=GRADIENT_RETURNS_EARLY[1])
def gradient_returns_early(reference, x, y, w):
    return _returns_early(*_data(x, y), float(w))


@misconception("gradient_descent", id="gradient_returns_early", hint=GRADIENT_RETURNS_EARLY[0], hint_zh=GRADIENT_RETURNS_EARLY[1])
def gradient_descent_gradient_returns_early(reference, x, y, w0, lr, epochs):
    return _gd(x, y, w0, lr, epochs, grad=_returns_early)


@misconception("minibatch_gd", id="gradient_returns_early", hint=GRADIENT_RETURNS_EARLY[0], hint_zh=GRADIENT_RETURNS_EARLY[1])
def minibatch_gradient_returns_early(reference, x, y, w0, lr, epochs, batch_size):
    return _minibatch(x, y, w0, lr, epochs, batch_size, grad=_returns_early)


# ------------------------------------------------------------ gradient: summed, no 1/N

GRADIENT_SUMMED = (

    "your gradient is N times too large: it is the sum Σ 2xₙ(xₙw − yₙ), but the cost is "
    "the MEAN of the squared errors, so its gradient is the mean too: divide the sum by "
    "N = len(x) (or use np.mean).",
    "你的梯度大了 N 倍：它是求和 Σ 2xₙ(xₙw − yₙ)，但代价是平方误差的平均值，所以梯度也要取平均：把和除以 N = len(x)（或用 np.mean）。")


@misconception("gradient", id="gradient_summed", hint=GRADIENT_SUMMED[0], hint_zh=GRADIENT_SUMMED[1])
def gradient_summed(reference, x, y, w):
    return _summed(*_data(x, y), float(w))


@misconception("gradient_descent", id="gradient_summed", hint=GRADIENT_SUMMED[0], hint_zh=GRADIENT_SUMMED[1])
def gradient_descent_gradient_summed(reference, x, y, w0, lr, epochs):
    return _gd(x, y, w0, lr, epochs, grad=_summed)


# ------------------------------------------------------------ gradient: no factor x

GRADIENT_MISSING_X = (

    "your gradient lacks the factor xₙ: by the chain rule d(xₙw − yₙ)²/dw = "
    "2(xₙw − yₙ)·xₙ, because d(xₙw)/dw = xₙ. (On the lecture's data, y = 2x exactly, "
    "training still ends near w = 2 without it; the costs along the way give it away.)",
    "你的梯度少了因子 xₙ：由链式法则，d(xₙw − yₙ)²/dw = 2(xₙw − yₙ)·xₙ，因为 d(xₙw)/dw = xₙ。（在课上的数据 y = 2x 上，没有这个因子训练也会停在 w = 2 附近；但训练过程中的代价会暴露它。）")


@misconception("gradient", id="gradient_missing_x", hint=GRADIENT_MISSING_X[0], hint_zh=GRADIENT_MISSING_X[1], seen=["chenyuefang/0251: day01/grad.py"])
def gradient_missing_x(reference, x, y, w):
    return _missing_x(*_data(x, y), float(w))


@misconception("sample_gradient", id="gradient_missing_x", hint=GRADIENT_MISSING_X[0], hint_zh=GRADIENT_MISSING_X[1], seen=["chenyuefang/0251: day01/grad.py"])
def sample_gradient_missing_x(reference, xn, yn, w):
    return _sample_missing_x(float(xn), float(yn), float(w))


@misconception("gradient_descent", id="gradient_missing_x", hint=GRADIENT_MISSING_X[0], hint_zh=GRADIENT_MISSING_X[1], seen=["chenyuefang/0251: day01/grad.py"])
def gradient_descent_gradient_missing_x(reference, x, y, w0, lr, epochs):
    return _gd(x, y, w0, lr, epochs, grad=_missing_x)


@misconception("sgd", id="gradient_missing_x", hint=GRADIENT_MISSING_X[0], hint_zh=GRADIENT_MISSING_X[1], seen=["chenyuefang/0251: day01/grad.py"])
def sgd_gradient_missing_x(reference, x, y, w0, lr, epochs):
    return _sgd(x, y, w0, lr, epochs, grad=_sample_missing_x)


@misconception("minibatch_gd", id="gradient_missing_x", hint=GRADIENT_MISSING_X[0], hint_zh=GRADIENT_MISSING_X[1], seen=["chenyuefang/0251: day01/grad.py"])
def minibatch_gradient_missing_x(reference, x, y, w0, lr, epochs, batch_size):
    return _minibatch(x, y, w0, lr, epochs, batch_size, grad=_missing_x)


# ------------------------------------------------------------ gradient: no factor 2

GRADIENT_MISSING_2 = (

    "your gradient is half the right one: it lacks the factor 2 of "
    "d(xₙw − yₙ)²/dw = 2·xₙ(xₙw − yₙ) (the derivative of u² is 2u·u′).",
    "你的梯度只有正确值的一半：少了 d(xₙw − yₙ)²/dw = 2·xₙ(xₙw − yₙ) 中的因子 2（u² 的导数是 2u·u′）。")


@misconception("gradient", id="gradient_missing_2", hint=GRADIENT_MISSING_2[0], hint_zh=GRADIENT_MISSING_2[1], seen=["https://www.coursera.org/learn/machine-learning (the 1/(2m) cost of its compute_gradient labs, which drops the 2, copied into students' lecture-3 notes)"])
def gradient_missing_2(reference, x, y, w):
    return _missing_2(*_data(x, y), float(w))


@misconception("sample_gradient", id="gradient_missing_2", hint=GRADIENT_MISSING_2[0], hint_zh=GRADIENT_MISSING_2[1], seen=["https://www.coursera.org/learn/machine-learning (the 1/(2m) cost of its compute_gradient labs, which drops the 2, copied into students' lecture-3 notes)"])
def sample_gradient_missing_2(reference, xn, yn, w):
    return _sample_missing_2(float(xn), float(yn), float(w))


@misconception("gradient_descent", id="gradient_missing_2", hint=GRADIENT_MISSING_2[0], hint_zh=GRADIENT_MISSING_2[1], seen=["https://www.coursera.org/learn/machine-learning (the 1/(2m) cost of its compute_gradient labs, which drops the 2, copied into students' lecture-3 notes)"])
def gradient_descent_gradient_missing_2(reference, x, y, w0, lr, epochs):
    return _gd(x, y, w0, lr, epochs, grad=_missing_2)


@misconception("sgd", id="gradient_missing_2", hint=GRADIENT_MISSING_2[0], hint_zh=GRADIENT_MISSING_2[1], seen=["https://www.coursera.org/learn/machine-learning (the 1/(2m) cost of its compute_gradient labs, which drops the 2, copied into students' lecture-3 notes)"])
def sgd_gradient_missing_2(reference, x, y, w0, lr, epochs):
    return _sgd(x, y, w0, lr, epochs, grad=_sample_missing_2)


@misconception("minibatch_gd", id="gradient_missing_2", hint=GRADIENT_MISSING_2[0], hint_zh=GRADIENT_MISSING_2[1], seen=["https://www.coursera.org/learn/machine-learning (the 1/(2m) cost of its compute_gradient labs, which drops the 2, copied into students' lecture-3 notes)"])
def minibatch_gradient_missing_2(reference, x, y, w0, lr, epochs, batch_size):
    return _minibatch(x, y, w0, lr, epochs, batch_size, grad=_missing_2)


# ------------------------------------------------------------ the update's sign

UPDATE_SIGN = (

    "your weight moves uphill, along the gradient: the update must step AGAINST it, "
    "w = w − lr·grad. With w + lr·grad the cost grows from one step to the next.",
    "你的权重在沿着梯度往上走：梯度下降要逆着梯度更新，w = w − lr·grad。用 w + lr·grad 时代价会一步比一步大。")


@misconception("gradient_descent", id="update_sign", hint=UPDATE_SIGN[0], hint_zh=UPDATE_SIGN[1], seen=["chenyuefang/0251: day01/grad.py (theta + get_grad(...) with get_grad returning -grad)"])
def gradient_descent_update_sign(reference, x, y, w0, lr, epochs):
    return _gd(x, y, w0, lr, epochs, sign=+1.0)


@misconception("sgd", id="update_sign", hint=UPDATE_SIGN[0], hint_zh=UPDATE_SIGN[1], seen=["chenyuefang/0251: day01/grad.py (theta + get_grad(...) with get_grad returning -grad)"])
def sgd_update_sign(reference, x, y, w0, lr, epochs):
    return _sgd(x, y, w0, lr, epochs, sign=+1.0)


@misconception("minibatch_gd", id="update_sign", hint=UPDATE_SIGN[0], hint_zh=UPDATE_SIGN[1], seen=["chenyuefang/0251: day01/grad.py (theta + get_grad(...) with get_grad returning -grad)"])
def minibatch_update_sign(reference, x, y, w0, lr, epochs, batch_size):
    return _minibatch(x, y, w0, lr, epochs, batch_size, sign=+1.0)


# ------------------------------------------------------------ when the cost is recorded

@misconception("gradient_descent", id="gd_cost_after_update", hint=(
    "your costs[k] is the cost AFTER update k: record the cost before updating w, so "
    "that costs[0] is the cost at w0, as in the lecture's loop (cost_val = cost(...), "
    "then grad_val = gradient(...), then w -= lr * grad_val)."),
    hint_zh="你的 costs[k] 是第 k 次更新之后的代价：应在更新 w 之前记录代价，使 costs[0] 是 w0 处的代价，和课上的循环一样（先 cost_val = cost(...)，再 grad_val = gradient(...)，最后 w -= lr * grad_val）。")
def gradient_descent_cost_after_update(reference, x, y, w0, lr, epochs):
    return _gd(x, y, w0, lr, epochs, cost_after=True)


@misconception("sgd", id="sgd_loss_after_update", hint=(
    "your losses are taken AFTER each update: compute each sample's loss (xₙw − yₙ)² "
    "with w as it is before the update that uses that sample, then average the N "
    "losses of the epoch."),
    hint_zh="你的损失是在每次更新之后计算的：应在用某个样本更新 w 之前，先算出这个样本的损失 (xₙw − yₙ)²，再对这一轮的 N 个损失求平均。",
    seen=["jobsfan/pytorch: liuer/3.py"])
def sgd_loss_after_update(reference, x, y, w0, lr, epochs):
    return _sgd(x, y, w0, lr, epochs, loss="after")


@misconception("sgd", id="sgd_last_sample_loss", hint=(
    "your losses[k] is the loss of the epoch's LAST sample, after its update (what the "
    "lecture's loop prints): record every sample's loss before its update and return "
    "their mean over the epoch."),
    hint_zh="你的 losses[k] 是这一轮最后一个样本在更新之后的损失（课上的循环打印的就是它）：应在每个样本更新之前记录它的损失，并返回这一轮的平均值。",
    seen=["jobsfan/pytorch: liuer/3.py", "liuhu0018/Pytorch_test: back.py", "xmuhlw/Learning-Python-Code: Pytorch学习/Back_propagation.py"])
def sgd_last_sample_loss(reference, x, y, w0, lr, epochs):
    # With one sample the last loss is the mean, as in sgd_loss_after_update: a second
    # input with more samples tells them apart (grader.diagnosis).
    return _sgd(x, y, w0, lr, epochs, loss="last")


@misconception("minibatch_gd", id="minibatch_cost_before_epoch", hint=(
    "your costs[k] is the cost at the START of epoch k: minibatch_gd records the "
    "full-data cost AFTER each epoch's updates (unlike gradient_descent, whose costs are "
    "taken before each update)."),
    hint_zh="你的 costs[k] 是第 k 轮开始时的代价：minibatch_gd 记录的是每一轮所有更新之后的全数据代价（和 gradient_descent 不同，后者在每次更新之前记录）。")
def minibatch_cost_before_epoch(reference, x, y, w0, lr, epochs, batch_size):
    return _minibatch(x, y, w0, lr, epochs, batch_size, cost_before=True)


# ------------------------------------------------------------ mini-batches

@misconception("minibatch_gd", id="minibatch_off_by_one", hint=(
    "your batches are one sample short: a slice excludes its end, so "
    "x[i:i + batch_size - 1] holds batch_size − 1 samples; x[i:i + batch_size] is the "
    "batch."),
    hint_zh="你的批次少了一个样本：切片不包含终点，x[i:i + batch_size - 1] 只有 batch_size − 1 个样本；x[i:i + batch_size] 才是一个批次。")
def minibatch_off_by_one(reference, x, y, w0, lr, epochs, batch_size):
    return _minibatch(x, y, w0, lr, epochs, batch_size, batches=_batches_off_by_one)


@misconception("minibatch_gd", id="minibatch_drops_last", hint=(
    "your epochs skip the last, shorter batch (or, with batch_size > N, every batch): "
    "when N is not a multiple of batch_size, the last batch holds the samples that are "
    "left. Loop over `for start in range(0, N, batch_size)` and slice "
    "x[start:start + batch_size]: Python clips the slice at the end."),
    hint_zh="你的每一轮跳过了最后那个较短的批次（batch_size > N 时则跳过了所有批次）：N 不是 batch_size 的整数倍时，最后一个批次装剩下的样本。用 `for start in range(0, N, batch_size)` 循环并切片 x[start:start + batch_size]：Python 会在末尾自动截断切片。")
def minibatch_drops_last(reference, x, y, w0, lr, epochs, batch_size):
    return _minibatch(x, y, w0, lr, epochs, batch_size, batches=_batches_drop_last)


@misconception("minibatch_gd", id="minibatch_batch_sum", hint=(
    "your updates use the SUM of the batch's gradients: use their mean, "
    "(1/B) Σ 2xₙ(xₙw − yₙ) over the batch's B samples (B = len(x_batch), which is "
    "smaller for the last batch)."),
    hint_zh="你的更新用的是批次内梯度之和：应取平均值 (1/B) Σ 2xₙ(xₙw − yₙ)，B 为该批次的样本数（B = len(x_batch)，最后一个批次更小）。")
def minibatch_batch_sum(reference, x, y, w0, lr, epochs, batch_size):
    return _minibatch(x, y, w0, lr, epochs, batch_size, grad=_summed)


# ------------------------------------------------------------ ema

@misconception("ema", id="ema_beta_swapped", hint=(
    "your β and 1 − β are swapped: β weighs the NEWEST value, sᵢ = β·vᵢ + (1 − β)·sᵢ₋₁ "
    "(so β = 1 gives the values themselves and β = 0 repeats v₀)."),
    hint_zh="你把 β 和 1 − β 对调了：β 是最新值的权重，sᵢ = β·vᵢ + (1 − β)·sᵢ₋₁（所以 β = 1 得到原值本身，β = 0 则一直重复 v₀）。")
def ema_beta_swapped(reference, values, beta):
    v = np.array(values, dtype=np.float64).reshape(-1)
    s = v.copy()
    for i in range(1, v.size):
        s[i] = (1.0 - beta) * v[i] + beta * s[i - 1]
    return s


# ------------------------------------------------------------ more, from the issue and the mining

MINIBATCH_BY_BATCH_SIZE = (
    "your mini-batch gradient is divided by batch_size, also for the last, shorter batch: "
    "divide the batch's sum by the number of samples it really holds, len(x_batch) (the "
    "handout warns about it).",
    "你的小批量梯度总是除以 batch_size，最后那个较短的批次也一样：应除以该批次实际的样本数 len(x_batch)"
    "（讲义里特别提醒过）。")
GRADIENT_SIGN = (
    "your gradient has the opposite sign: d(xₙw − yₙ)²/dw = 2xₙ(xₙw − yₙ), not "
    "2xₙ(yₙ − xₙw); with the update w −= lr·grad the weight then climbs the cost.",
    "你的梯度符号反了：d(xₙw − yₙ)²/dw = 2xₙ(xₙw − yₙ)，而不是 2xₙ(yₙ − xₙw)；"
    "配合更新 w −= lr·grad，权重会沿着代价上升的方向走。")
EMA_ZERO_START = (
    "your smoothing starts from s = 0 (s₀ = β·v₀), as in the bias-uncorrected running "
    "average: the contract starts from the first value, s₀ = v₀.",
    "你的平滑从 s = 0 开始（s₀ = β·v₀，即未做偏差修正的滑动平均）：约定从第一个值开始，s₀ = v₀。")
GD_EXTRA_COST = (
    "your costs has epochs + 1 entries: you also recorded the cost after the last update. "
    "Record one cost per epoch, before its update (costs[k] = cost at the w of step k).",
    "你的 costs 有 epochs + 1 个元素：最后一次更新之后的代价也被记录了。每一轮只记录一次代价，"
    "在这一轮的更新之前（costs[k] 是第 k 步时 w 处的代价）。")


def _minibatch_by_batch_size(x, y, w0, lr, epochs, batch_size):
    x, y = _data(x, y)
    if x.size % batch_size == 0:
        raise ValueError("every batch is full: the same as the reference")
    w, costs = float(w0), []
    for _ in range(epochs):
        for start, stop in _batches(x.size, batch_size):
            xb, yb = x[start:stop], y[start:stop]
            w -= lr * float(np.sum(2.0 * xb * (xb * w - yb)) / batch_size)
        costs.append(_cost(x, y, w))
    return w, costs


@misconception("minibatch_gd", id="minibatch_divides_by_batch_size", hint=MINIBATCH_BY_BATCH_SIZE[0],
               hint_zh=MINIBATCH_BY_BATCH_SIZE[1])
def minibatch_divides_by_batch_size(reference, x, y, w0, lr, epochs, batch_size):
    return _minibatch_by_batch_size(x, y, w0, lr, epochs, batch_size)


def _sign_flipped(x, y, w):
    return -_mean_gradient(x, y, w)


@misconception("gradient", id="gradient_sign", hint=GRADIENT_SIGN[0], hint_zh=GRADIENT_SIGN[1],
               seen=["chenyuefang/0251: day01/grad.py"])
def gradient_sign(reference, x, y, w):
    return _sign_flipped(*_data(x, y), float(w))


@misconception("sample_gradient", id="gradient_sign", hint=GRADIENT_SIGN[0], hint_zh=GRADIENT_SIGN[1],
               seen=["chenyuefang/0251: day01/grad.py"])
def sample_gradient_sign(reference, xn, yn, w):
    return -_sample_gradient(float(xn), float(yn), float(w))


@misconception("gradient_descent", id="gradient_sign", hint=GRADIENT_SIGN[0], hint_zh=GRADIENT_SIGN[1],
               seen=["chenyuefang/0251: day01/grad.py"])
def gradient_descent_gradient_sign(reference, x, y, w0, lr, epochs):
    return _gd(x, y, w0, lr, epochs, grad=_sign_flipped)


@misconception("minibatch_gd", id="gradient_sign", hint=GRADIENT_SIGN[0], hint_zh=GRADIENT_SIGN[1],
               seen=["chenyuefang/0251: day01/grad.py"])
def minibatch_gradient_sign(reference, x, y, w0, lr, epochs, batch_size):
    return _minibatch(x, y, w0, lr, epochs, batch_size, grad=_sign_flipped)


@misconception("ema", id="ema_zero_start", hint=EMA_ZERO_START[0], hint_zh=EMA_ZERO_START[1])
def ema_zero_start(reference, values, beta):
    v = np.array(values, dtype=np.float64).reshape(-1)
    s, out = 0.0, []
    for value in v:
        s = beta * value + (1.0 - beta) * s
        out.append(s)
    return np.array(out)


@misconception("gradient_descent", id="gd_extra_cost", hint=GD_EXTRA_COST[0], hint_zh=GD_EXTRA_COST[1])
def gradient_descent_extra_cost(reference, x, y, w0, lr, epochs):
    w, costs = _gd(x, y, w0, lr, epochs)
    return w, costs + [_cost(*_data(x, y), w)]
