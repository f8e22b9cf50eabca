"""Known mistakes in hw3 (backpropagation), as wrong variants of the reference.

Each variant is called as ``variant(reference, *args)`` on the arguments of the
student's call that failed a test (see ``grader.hints``); when the student's output
matches the variant's, the student reads the hint, in English or in Chinese
(``hint_zh``).  A backward function's variant receives the reference's own cache, made
from the inputs of the student's forward call (``grader.diagnosis.replay``), whatever
the student's cache holds: ``affine_backward``'s is ``(x, W, b)``, ``sigmoid_backward``'s
is ``a = σ(z)``.

``seen`` says where each mistake was found in public student code for these very
exercises (CS231n's and "deep learning from scratch"'s layers, Liu Er's lecture 4 and
6 homework, the deeplearning.ai course forum's questions).
"""

import numpy as np
import torch

from grader.hints import misconception

# ---------------------------------------------------------------- hints (en, zh)

DB_NOT_SUMMED = (
    "your db has one row per sample: the bias is added to every row of out = xW + b, so "
    "its gradient is the sum over the batch, db = dout.sum(axis=0), of shape (M,).",
    "你的 db 每个样本一行：偏置 b 加到了 out = xW + b 的每一行上，所以它的梯度要对整个批次求和，"
    "db = dout.sum(axis=0)，形状为 (M,)。")
DB_MEAN = (
    "your db is the MEAN of dout over the batch: out = xW + b adds b to each of the N "
    "rows, so each row contributes its whole gradient: db = dout.sum(axis=0), not "
    "dout.mean(axis=0).",
    "你的 db 是 dout 在批次上的平均值：out = xW + b 把 b 加到 N 行中的每一行，每一行都贡献完整的梯度，"
    "所以 db = dout.sum(axis=0)，而不是 dout.mean(axis=0)。")
DB_ALL_ENTRIES = (
    "your db is one number, the sum of every entry of dout: sum over the batch only, "
    "db = dout.sum(axis=0), one value per output unit, shape (M,).",
    "你的 db 只是一个数，是 dout 所有元素之和：只能对批次这一维求和，db = dout.sum(axis=0)，"
    "每个输出单元一个值，形状为 (M,)。")
DW_TRANSPOSED = (
    "your dW is transposed, shape (M, D): with out = xW, dW = xᵀ·dout (x.T @ dout), "
    "which has the shape of W, (D, M).",
    "你的 dW 是转置的，形状为 (M, D)：out = xW 时 dW = xᵀ·dout（x.T @ dout），形状与 W 相同，为 (D, M)。")
AFFINE_NO_BIAS = (
    "your out leaves out the bias: the affine layer is out = xW + b (x @ W + b), with b "
    "added to every row.",
    "你的 out 漏掉了偏置：全连接层是 out = xW + b（x @ W + b），b 要加到每一行上。")
SIGMOID_DERIVATIVE_OF_Z = (
    "your dz equals da·z·(1 − z), the derivative written with the input z: σ'(z) = "
    "σ(z)(1 − σ(z)), so compute a = σ(z) (or cache a in sigmoid_forward) and return "
    "da·a·(1 − a).",
    "你的 dz 等于 da·z·(1 − z)，把导数写成了输入 z 的函数：σ'(z) = σ(z)(1 − σ(z))，"
    "所以要先算出 a = σ(z)（或在 sigmoid_forward 里缓存 a），再返回 da·a·(1 − a)。")
SIGMOID_NO_UPSTREAM = (
    "your dz is σ'(z) = a(1 − a) alone: the chain rule multiplies it by the upstream "
    "gradient, dz = da·a·(1 − a).",
    "你的 dz 只有 σ'(z) = a(1 − a)：链式法则要求再乘上游梯度，dz = da·a·(1 − a)。")
SIGMOID_NEGATED = (
    "your sigmoid is σ(−z) = 1/(1 + e^z): the exponent is −z, σ(z) = 1/(1 + e^(−z)) (for "
    "z < 0 the stable form is e^z/(1 + e^z)).",
    "你的 sigmoid 算成了 σ(−z) = 1/(1 + e^z)：指数应为 −z，σ(z) = 1/(1 + e^(−z))"
    "（z < 0 时稳定的写法是 e^z/(1 + e^z)）。")
BCE_SUMMED = (
    "your loss and da are N times too large (N = the number of entries): the loss is "
    "the mean −(1/N) Σ [y log a + (1 − y) log(1 − a)], so divide the sum, and da, by N.",
    "你的损失和 da 大了 N 倍（N 为元素个数）：交叉熵损失是平均值 −(1/N) Σ [y log a + (1 − y) log(1 − a)]，"
    "所以求和之后要除以 N，da 也要除以 N。")
BCE_DA_NOT_AVERAGED = (
    "your loss is the mean, but your da is N times too large: the 1/N of the mean is "
    "part of the derivative too, da = (a − y) / (a(1 − a)) / N.",
    "你的损失取了平均，但 da 大了 N 倍：平均里的 1/N 也要出现在导数里，da = (a − y) / (a(1 − a)) / N。")
BCE_DA_HALF_AVERAGED = (
    "only one of the two terms of your da is divided by N (check the parentheses): "
    "da = (−y/a + (1 − y)/(1 − a)) / N divides their sum.",
    "你的 da 只有一项除以了 N（检查括号）：da = (−y/a + (1 − y)/(1 − a)) / N，是两项之和再除以 N。")
BCE_DA_SIGN = (
    "your da has the wrong sign: the loss is −mean[y log a + (1 − y) log(1 − a)], so "
    "da = (−y/a + (1 − y)/(1 − a)) / N = (a − y) / (a(1 − a) N).",
    "你的 da 符号反了：损失是 −mean[y log a + (1 − y) log(1 − a)]，"
    "所以 da = (−y/a + (1 − y)/(1 − a)) / N = (a − y) / (a(1 − a) N)。")
BCE_DA_WRT_LOGITS = (
    "your da is (a − y)/N, the gradient with respect to the logits z, not to a: that "
    "shortcut already includes the sigmoid's derivative, which sigmoid_backward applies "
    "again. Return da = (a − y) / (a(1 − a) N).",
    "你的 da 是 (a − y)/N，这是对 logits z 的梯度而不是对 a 的梯度：这个简化式已经包含了 sigmoid 的导数，"
    "而 sigmoid_backward 还会再乘一次。应返回 da = (a − y) / (a(1 − a) N)。")
BCE_LOG_A_TWICE = (
    "your loss takes log(a) in both terms: the second term is (1 − y)·log(1 − a), the "
    "log of the probability of class 0.",
    "你的损失两项都用了 log(a)：第二项应为 (1 − y)·log(1 − a)，即类别 0 的概率的对数。")
HIDDEN_DERIVATIVE_MISSING = (
    "your grads['W1'] and grads['b1'] skip the hidden layer's sigmoid: the gradient "
    "that reaches z1 = X W1 + b1 is dh · h(1 − h) (sigmoid_backward of dh), not dh.",
    "你的 grads['W1'] 和 grads['b1'] 跳过了隐藏层的 sigmoid：传到 z1 = X W1 + b1 的梯度是 "
    "dh · h(1 − h)（对 dh 做 sigmoid_backward），而不是 dh。")
NUMGRAD_FORWARD = (
    "your numerical gradient uses forward differences (f(x + h) − f(x)) / h, whose error "
    "is O(h): use central differences (f(x + h eᵢ) − f(x − h eᵢ)) / (2h), error O(h²).",
    "你的数值梯度用的是前向差分 (f(x + h) − f(x)) / h，误差是 O(h)：请用中心差分 "
    "(f(x + h eᵢ) − f(x − h eᵢ)) / (2h)，误差是 O(h²)。")
NUMGRAD_NO_HALF = (
    "your numerical gradient divides by h, not 2h: the two points x + h and x − h are 2h "
    "apart, (f(x + h eᵢ) − f(x − h eᵢ)) / (2h).",
    "你的数值梯度除以了 h 而不是 2h：x + h 和 x − h 两点相距 2h，应为 (f(x + h eᵢ) − f(x − h eᵢ)) / (2h)。")
NUMGRAD_IGNORES_H = (
    "your numerical gradient ignores the step h it is given (a fixed h = 1e-4 in the "
    "body): use the argument h.",
    "你的数值梯度没有使用传入的步长 h（函数体里写死了 h = 1e-4）：请使用参数 h。")
GRADIENTS_NOT_ZEROED = (
    "your gradients accumulate from one sample to the next: `backward()` adds to "
    ".grad, so zero it after each update (w.grad.zero_() or data.zero_() for each weight, "
    "or optimizer.zero_grad()), as in the lecture's training loop.",
    "你的梯度在样本之间累加了：`backward()` 会把梯度加到 .grad 上，所以每次更新后都要清零"
    "（对每个权重 w.grad.zero_() 或 w.grad.data.zero_()，或 optimizer.zero_grad()），和课上的训练循环一样。")
LAST_SAMPLE_LOSS = (
    "your losses[k] is the loss of the epoch's LAST sample (what the lecture prints with "
    "print('progress:', epoch, l.item())): record the mean over the epoch of every "
    "sample's loss, each taken before its update.",
    "你的 losses[k] 是这一轮最后一个样本的损失（课上 print('progress:', epoch, l.item()) 打印的就是它）："
    "应记录这一轮所有样本损失的平均值，每个损失都在该样本更新之前计算。")
EPOCH_LOSS_SUMMED = (
    "your losses[k] is the SUM of the epoch's per-sample losses: the contract asks for "
    "their mean (divide by the number of samples).",
    "你的 losses[k] 是这一轮各样本损失之和：要求的是平均值（除以样本数）。")
AUTOGRAD_SUM_LOSS = (
    "your gradients are N times too large: they are the gradients of the SUM of the "
    "per-sample losses; mlp_loss's loss is the mean (use .mean(), or divide the sum by N).",
    "你的梯度大了 N 倍：它们是各样本损失之和的梯度；mlp_loss 的损失是平均值（用 .mean()，或把和除以 N）。")

# ---------------------------------------------------------------- where they were seen

SEEN_DB = ()  # from the trial run (tests/submissions/hw3/wrong_db_not_summed.py); no public file kept
SEEN_Z_DERIVATIVE = (
    "https://community.deeplearning.ai/t/c1w3a1-backward-propagation-valueerror-operands-could-not-be-"
    "broadcast-together-with-shapes-7-9-9-7/31965",)
SEEN_BCE_SUM = ("DelinQu/pytorch-prev: class5逻辑斯蒂回归/LogisticRegression.py",
                "hxingjie/Learning_DL_Projects: Pytorch教程_刘二大人/p07_处理多维特征的输入.py")
SEEN_DA_NOT_AVERAGED = ("hanzopgp/DeepLearningLib: src/loss_functions/BinaryCrossEntropy.py",)
SEEN_DA_HALF = ("ztmnbrkt/AI-Investigation: activations/error_functions.py",)
SEEN_LOGITS = ("prenc/GpuNN: src/backprop.jl",)
SEEN_NUMGRAD_FIXED_H = ("hhtwht75/redfish: bkup_codes/diff.py",
                     "skc111/deep_learning_from_scratch: 4.4.py")
SEEN_LAST_LOSS = ("DelinQu/pytorch-prev: class3BP/BP2.py",
                  "so-NVIDIA-fuck-you/machine-learning: 反向传播练习.py",
                  "liuhu0018/Pytorch_test: back.py")


def _mlp(reference, params, X, y, *, db_summed=True, hidden_derivative=True,
         dz_of=lambda da, a, z: da * a * (1.0 - a), loss_scale=1.0, da_of=None):
    """The reference's mlp_loss with one step done the wrong way (keyword arguments)."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(-1, 1)
    W1, b1, W2, b2 = (np.asarray(params[k], dtype=np.float64) for k in ("W1", "b1", "W2", "b2"))
    z1 = X @ W1 + b1
    h = reference.sigmoid(z1)
    z2 = h @ W2 + b2
    a = reference.sigmoid(z2)
    loss, da = reference.bce_loss(a, y)
    if da_of is not None:
        da = da_of(a, y)
    loss, da = loss * loss_scale, da * loss_scale
    dz2 = dz_of(da, a, z2)
    dW2, db2 = h.T @ dz2, dz2.sum(axis=0) if db_summed else dz2
    dh = dz2 @ W2.T
    dz1 = dz_of(dh, h, z1) if hidden_derivative else dh
    dW1, db1 = X.T @ dz1, dz1.sum(axis=0) if db_summed else dz1
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


# ---------------------------------------------------------------- affine layer

@misconception("affine_forward", id="affine_no_bias", hint=AFFINE_NO_BIAS[0],
               hint_zh=AFFINE_NO_BIAS[1], output=0)
def affine_forward_no_bias(reference, x, W, b):
    return np.asarray(x, dtype=np.float64) @ np.asarray(W, dtype=np.float64)


@misconception("affine_backward", id="db_not_summed", hint=DB_NOT_SUMMED[0], hint_zh=DB_NOT_SUMMED[1],
               seen=SEEN_DB)
def affine_db_not_summed(reference, dout, cache):
    x, W, _ = cache  # the reference's cache, whatever the student's holds
    dout = np.asarray(dout, dtype=np.float64)
    return dout @ W.T, x.T @ dout, dout


@misconception("affine_backward", id="db_mean", hint=DB_MEAN[0], hint_zh=DB_MEAN[1])
def affine_db_mean(reference, dout, cache):
    dx, dW, db = reference.affine_backward(dout, cache)
    return dx, dW, db / np.asarray(dout).shape[0]


@misconception("affine_backward", id="db_all_entries", hint=DB_ALL_ENTRIES[0], hint_zh=DB_ALL_ENTRIES[1])
def affine_db_all_entries(reference, dout, cache):
    dx, dW, _ = reference.affine_backward(dout, cache)
    return dx, dW, float(np.sum(dout))


@misconception("affine_backward", id="dW_transposed", hint=DW_TRANSPOSED[0], hint_zh=DW_TRANSPOSED[1],
               seen=["https://community.deeplearning.ai/t/course-1-week-2-exercise-5-propagate/119220 "
                     "(dw of the wrong shape, (2, 3) for (2, 1))"])
def affine_dW_transposed(reference, dout, cache):
    dx, dW, db = reference.affine_backward(dout, cache)
    return dx, dW.T, db


@misconception("mlp_loss", id="db_not_summed", hint=DB_NOT_SUMMED[0], hint_zh=DB_NOT_SUMMED[1],
               seen=SEEN_DB)
def mlp_db_not_summed(reference, params, X, y):
    return _mlp(reference, params, X, y, db_summed=False)


# ---------------------------------------------------------------- sigmoid

@misconception("sigmoid", id="sigmoid_negated", hint=SIGMOID_NEGATED[0], hint_zh=SIGMOID_NEGATED[1])
def sigmoid_negated(reference, z):
    return reference.sigmoid(-np.asarray(z, dtype=np.float64))


@misconception("sigmoid_forward", id="sigmoid_negated", hint=SIGMOID_NEGATED[0],
               hint_zh=SIGMOID_NEGATED[1], output=0)
def sigmoid_forward_negated(reference, z):
    return reference.sigmoid(-np.asarray(z, dtype=np.float64))


@misconception("sigmoid_backward", id="sigmoid_derivative_of_z", hint=SIGMOID_DERIVATIVE_OF_Z[0],
               hint_zh=SIGMOID_DERIVATIVE_OF_Z[1], seen=SEEN_Z_DERIVATIVE)
def sigmoid_backward_of_z(reference, da, cache):
    a = np.asarray(cache, dtype=np.float64)  # the reference's cache: a = σ(z)
    z = np.log(a) - np.log1p(-a)  # the student's input z, whatever their own cache holds
    return np.asarray(da, dtype=np.float64) * z * (1.0 - z)


@misconception("sigmoid_backward", id="sigmoid_no_upstream", hint=SIGMOID_NO_UPSTREAM[0],
               hint_zh=SIGMOID_NO_UPSTREAM[1])
def sigmoid_backward_no_upstream(reference, da, cache):
    a = np.asarray(cache, dtype=np.float64)
    return a * (1.0 - a) + 0.0 * np.asarray(da, dtype=np.float64)


@misconception("mlp_loss", id="sigmoid_derivative_of_z", hint=SIGMOID_DERIVATIVE_OF_Z[0],
               hint_zh=SIGMOID_DERIVATIVE_OF_Z[1], seen=SEEN_Z_DERIVATIVE)
def mlp_sigmoid_backward_of_z(reference, params, X, y):
    return _mlp(reference, params, X, y, dz_of=lambda da, a, z: da * z * (1.0 - z))


@misconception("mlp_loss", id="hidden_derivative_missing", hint=HIDDEN_DERIVATIVE_MISSING[0],
               hint_zh=HIDDEN_DERIVATIVE_MISSING[1])
def mlp_hidden_derivative_missing(reference, params, X, y):
    return _mlp(reference, params, X, y, hidden_derivative=False)


# ---------------------------------------------------------------- binary cross entropy

def _bce_da(a, y):
    a, y = np.asarray(a, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return (a - y) / (a * (1.0 - a))


@misconception("bce_loss", id="bce_summed", hint=BCE_SUMMED[0], hint_zh=BCE_SUMMED[1], seen=SEEN_BCE_SUM)
def bce_summed(reference, a, y):
    loss, da = reference.bce_loss(a, y)
    n = np.asarray(a).size
    return loss * n, da * n


@misconception("bce_loss", id="bce_da_not_averaged", hint=BCE_DA_NOT_AVERAGED[0],
               hint_zh=BCE_DA_NOT_AVERAGED[1], seen=SEEN_DA_NOT_AVERAGED)
def bce_da_not_averaged(reference, a, y):
    loss, _ = reference.bce_loss(a, y)
    return loss, _bce_da(a, y)


@misconception("bce_loss", id="bce_da_half_averaged", hint=BCE_DA_HALF_AVERAGED[0],
               hint_zh=BCE_DA_HALF_AVERAGED[1], seen=SEEN_DA_HALF)
def bce_da_half_averaged(reference, a, y):
    loss, _ = reference.bce_loss(a, y)
    a, y = np.asarray(a, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return loss, (1.0 - y) / (1.0 - a) - (y / a) / a.size


@misconception("bce_loss", id="bce_da_sign", hint=BCE_DA_SIGN[0], hint_zh=BCE_DA_SIGN[1],
               seen=["https://math.stackexchange.com/questions/2503428/derivative-of-binary-cross-entropy-"
                     "why-are-my-signs-not-right (cited by hanzopgp/DeepLearningLib: "
                     "src/loss_functions/BinaryCrossEntropy.py, whose forward pass negates one term only)"])
def bce_da_sign(reference, a, y):
    loss, da = reference.bce_loss(a, y)
    return loss, -da


@misconception("bce_loss", id="bce_da_wrt_logits", hint=BCE_DA_WRT_LOGITS[0],
               hint_zh=BCE_DA_WRT_LOGITS[1], seen=SEEN_LOGITS)
def bce_da_wrt_logits(reference, a, y):
    loss, _ = reference.bce_loss(a, y)
    a, y = np.asarray(a, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return loss, (a - y) / a.size


@misconception("bce_loss", id="bce_log_a_twice", hint=BCE_LOG_A_TWICE[0], hint_zh=BCE_LOG_A_TWICE[1],
               output=0)
def bce_log_a_twice(reference, a, y):
    a, y = np.asarray(a, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return float(-np.mean(y * np.log(a) + (1.0 - y) * np.log(a)))


@misconception("mlp_loss", id="bce_summed", hint=BCE_SUMMED[0], hint_zh=BCE_SUMMED[1], seen=SEEN_BCE_SUM)
def mlp_bce_summed(reference, params, X, y):
    return _mlp(reference, params, X, y, loss_scale=float(np.asarray(X).shape[0]))


@misconception("mlp_loss", id="bce_da_not_averaged", hint=BCE_DA_NOT_AVERAGED[0],
               hint_zh=BCE_DA_NOT_AVERAGED[1], seen=SEEN_DA_NOT_AVERAGED)
def mlp_bce_da_not_averaged(reference, params, X, y):
    return _mlp(reference, params, X, y, da_of=_bce_da)


@misconception("mlp_loss", id="bce_da_wrt_logits", hint=BCE_DA_WRT_LOGITS[0],
               hint_zh=BCE_DA_WRT_LOGITS[1], seen=SEEN_LOGITS)
def mlp_bce_da_wrt_logits(reference, params, X, y):
    return _mlp(reference, params, X, y, da_of=lambda a, y: (a - y) / a.size)


# ---------------------------------------------------------------- numerical gradient

def _numgrad(f, x, step, h):
    """Differences of f at x, entry by entry, with ``step(f, x, idx, h)``."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        grad[idx] = step(f, x, idx, h)
    return grad


def _at(f, x, idx, value):
    saved = x[idx]
    x[idx] = value
    try:
        return float(f(x))
    finally:
        x[idx] = saved


@misconception("numerical_gradient", id="numgrad_forward_difference", hint=NUMGRAD_FORWARD[0],
               hint_zh=NUMGRAD_FORWARD[1],
               seen=["theBadMusician/TTK4135_HA9: forward_difference_point_gradient.m"])
def numgrad_forward_difference(reference, f, x, h=1e-5):
    return _numgrad(f, x, lambda f, x, i, h: (_at(f, x, i, x[i] + h) - float(f(x))) / h, h)


@misconception("numerical_gradient", id="numgrad_no_half", hint=NUMGRAD_NO_HALF[0],
               hint_zh=NUMGRAD_NO_HALF[1])
def numgrad_no_half(reference, f, x, h=1e-5):
    return 2.0 * reference.numerical_gradient(f, np.array(x, dtype=np.float64), h)


@misconception("numerical_gradient", id="numgrad_ignores_h", hint=NUMGRAD_IGNORES_H[0],
               hint_zh=NUMGRAD_IGNORES_H[1], seen=SEEN_NUMGRAD_FIXED_H)
def numgrad_ignores_h(reference, f, x, h=1e-5):
    if h == 1e-4:
        raise ValueError("the same as the reference where h is 1e-4")
    return reference.numerical_gradient(f, np.array(x, dtype=np.float64), 1e-4)


# ---------------------------------------------------------------- part B: autograd

def _train(reference, x, y, lr, epochs, w1, w2, b, *, zero=True, epoch_loss="mean"):
    w = [torch.tensor([float(v)], dtype=torch.float64, requires_grad=True) for v in (w1, w2, b)]
    losses = []
    for _ in range(epochs):
        epoch = []
        for xv, yv in zip([float(v) for v in x], [float(v) for v in y]):
            loss = (reference.quadratic_forward(xv, *w) - yv) ** 2
            loss.backward()
            epoch.append(loss.item())
            with torch.no_grad():
                for p in w:
                    p -= lr * p.grad
            if zero:
                for p in w:
                    p.grad.zero_()
        losses.append(sum(epoch) / len(epoch) if epoch_loss == "mean" else
                      sum(epoch) if epoch_loss == "sum" else epoch[-1])
    return w[0].item(), w[1].item(), w[2].item(), losses


@misconception("train_quadratic", id="gradients_not_zeroed", hint=GRADIENTS_NOT_ZEROED[0],
               hint_zh=GRADIENTS_NOT_ZEROED[1],
               seen=["wlyfish/Pytorch-Tutorial: 基础实验/梯度清零.py (w.grad.zero_() commented out)"])
def gradients_not_zeroed(reference, x, y, lr, epochs, w1=1.0, w2=1.0, b=1.0):
    return _train(reference, x, y, lr, epochs, w1, w2, b, zero=False)


@misconception("train_quadratic", id="last_sample_loss", hint=LAST_SAMPLE_LOSS[0],
               hint_zh=LAST_SAMPLE_LOSS[1], seen=SEEN_LAST_LOSS)
def train_last_sample_loss(reference, x, y, lr, epochs, w1=1.0, w2=1.0, b=1.0):
    return _train(reference, x, y, lr, epochs, w1, w2, b, epoch_loss="last")


@misconception("train_quadratic", id="epoch_loss_summed", hint=EPOCH_LOSS_SUMMED[0],
               hint_zh=EPOCH_LOSS_SUMMED[1])
def train_epoch_loss_summed(reference, x, y, lr, epochs, w1=1.0, w2=1.0, b=1.0):
    if len(x) < 2:
        raise ValueError("one sample: the sum is the mean")
    return _train(reference, x, y, lr, epochs, w1, w2, b, epoch_loss="sum")


@misconception("autograd_gradients", id="autograd_sum_loss", hint=AUTOGRAD_SUM_LOSS[0],
               hint_zh=AUTOGRAD_SUM_LOSS[1],
               seen=["https://pytorch.org/tutorials/beginner/pytorch_with_examples.html "
                     "(`loss = (y_pred - y).pow(2).sum()`, copied into students' lecture-4 notes)"])
def autograd_sum_loss(reference, params, X, y, device="cpu"):
    n = np.asarray(X).shape[0]
    return {k: v * n for k, v in reference.mlp_loss(params, X, y)[1].items()}
