"""Known mistakes in hw7 (initialization and regularization), as wrong variants of the
reference.

Each variant is called as ``variant(reference, *args)`` on the arguments of the
student's call that failed a test (see ``grader.hints``), and the student reads the
hint when their output matches the variant's:

- the penalties and the weight decay step: the whole return value;
- ``dropout_forward`` and ``batchnorm_forward``: ``output=0``, the ``out`` of their
  ``(out, cache)`` (the cache is the student's own format, which no variant rebuilds);
- ``batchnorm_forward``'s running statistics: ``output="bn_param"``, the student's
  dict as their call left it, against the dict as the mistaken code leaves it;
- ``dropout_backward``: the whole dx, from the student's own cache (its mask, and its
  ``train`` flag).

A mistake that only shows in one mode raises in the other, and every forward variant
raises where it gives the reference's own value (``_unlike``): a test that fails on one
output of a call (say ``bn_param['running_var']``) makes the engine try the variants of
every output of that call, and a variant that agrees with the reference on those
arguments (a 0/1 mask with p = 0, x̂ alone with γ = 1 and β = 0) is no evidence.

Not declared here, and recognised by the hidden suite itself
(reference/hw7/tests/test_hidden.py): the initializers' mistakes (random draws, judged
on their statistics), a batch-norm call that leaves bn_param as it was (the engine's
hints only see an argument a call changed), and the mistakes of ``batchnorm_backward``
(its dx, dgamma need x, γ and σ², which a variant cannot read reliably from a cache of
the student's own format).

``seen`` says where each mistake was found in public student code for these very
exercises: CS231n's assignment 2 layers (dropout, batch normalization), Andrew Ng's
deeplearning.ai regularization assignments and their derivatives (Holberton's
``l2_reg_cost``), and NTU ML homework 1's regularized gradient descent.  A mistake
without ``seen`` was not found in the code we read.
"""

import copy

import numpy as np

from grader.checks import is_close
from grader.hints import misconception

L1_NO_ABS = (
    "your L1 penalty sums the weights themselves, so negative weights lower it: the "
    "penalty is lam·Σ|w|, the sum of the ABSOLUTE values (np.abs(w).sum() for each array).")
L2_HALF = (
    "your L2 penalty is half the contract's: here the penalty is lam·Σw², with no 1/2 "
    "(the 1/2 only appears in the convention (lam/2)·‖w‖², whose gradient is lam·w).")
L2_NORM = (
    "your L2 penalty adds up the norms ‖W‖ = sqrt(Σw²) of the arrays: the penalty is the "
    "SQUARED norm, lam·Σw² over every entry of every array (no square root).")
WEIGHT_DECAY_SIGN = (
    "your step adds lam·w instead of subtracting it, so the weights grow: the decay term "
    "lam·w is part of the gradient, w − lr·(grad + lam·w) = (1 − lr·lam)·w − lr·grad.")
WEIGHT_DECAY_NO_LR = (
    "your decay term is not multiplied by the learning rate: lam·w is a gradient like "
    "grad, so the step is w − lr·(grad + lam·w), i.e. w·(1 − lr·lam) − lr·grad.")
DROPOUT_NOT_RESCALED = (
    "your dx is dout times the 0/1 mask: in inverted dropout the kept entries are scaled "
    "by 1/(1 − p), out = x·mask with mask = (random ≥ p)/(1 − p), so dx = dout·mask with "
    "that same scaled mask.")


DROPOUT_FORWARD_NOT_RESCALED = (
    "your out is x·mask with a 0/1 mask: inverted dropout scales the kept entries by "
    "1/(1 − p), mask = (random ≥ p)/(1 − p), so that E[out] = x.")
DROPOUT_KEEP_PROB = (
    "you keep an entry with probability p and divide by p: here p is the probability of "
    "DROPPING (torch.nn.Dropout(p) too); keep where random ≥ p and scale by 1/(1 − p).")
DROPOUT_KEEP_BELOW_P = (
    "you keep the entries where random < p: p is the probability of DROPPING, so keep "
    "where random ≥ p: mask = (random ≥ p)/(1 − p).")
DROPOUT_KEEP_PROB_FLIPPED = (
    "you keep an entry with probability p: p is the probability of DROPPING; "
    "mask = (random ≥ p)/(1 − p).")
DROPOUT_LEGACY_SEED = (
    "your mask comes from the legacy np.random.seed/np.random.rand stream: draw it as "
    "np.random.default_rng(seed).random(x.shape).")
DROPOUT_IN_EVAL = (
    "you drop entries in eval mode too: with train=False the layer is the identity, "
    "out = x (no mask).")
DROPOUT_EVAL_SCALED = (
    "you scale by (1 − p) in eval mode, as the original dropout does: with inverted "
    "dropout the scaling is done in training, and eval mode returns x as it is.")
DROPOUT_BACKWARD_IN_EVAL = (
    "your dx applies a dropout mask in eval mode: there the layer is the identity, "
    "out = x, so dx = dout.")
BN_UNBIASED_VARIANCE = (
    "you normalize with the unbiased variance (ddof = 1, dividing by N − 1): batch norm "
    "uses the biased batch variance, x.var(axis=0) (NumPy's default ddof = 0), not "
    "torch.var's default or ddof=1.")
BN_EPS_OUTSIDE = (
    "you add eps outside the square root: divide by sqrt(σ² + eps), eps inside "
    "(sqrt(running_var + eps) in test mode).")
BN_EPS_LEFT_OUT = (
    "you leave out eps: divide by sqrt(σ² + eps) (sqrt(running_var + eps) in test mode).")
BN_DEFAULT_EPS_1E8 = (
    "your default eps is 1e-8: it is 1e-5, when bn_param has no 'eps' "
    "(bn_param.get('eps', 1e-5)).")
BN_DEFAULT_EPS_1E3 = (
    "your default eps is 1e-3: it is 1e-5, when bn_param has no 'eps' "
    "(bn_param.get('eps', 1e-5)).")
BN_TRAIN_NO_GAMMA_BETA = (
    "your out is x̂ alone: scale and shift it, out = γ·x̂ + β.")
BN_ROWS = (
    "you normalize each row (axis=1): batch norm normalizes each feature (column) over "
    "the batch, mean and variance along axis=0.")
BN_TEST_NO_GAMMA_BETA = (
    "in test mode your out is x̂ alone: scale and shift it with the learned γ and β, "
    "out = γ·(x − running_mean)/sqrt(running_var + eps) + β, as in train mode.")
BN_TEST_BATCH_STATISTICS = (
    "in test mode you normalize with the batch's own mean and variance: use the running "
    "statistics, (x − running_mean)/sqrt(running_var + eps).")
BN_TEST_BATCH_XHAT = (
    "in test mode you normalize with the batch's own statistics and leave out γ and β: "
    "out = γ·(x − running_mean)/sqrt(running_var + eps) + β.")
RUNNING_MOMENTUM_SWAPPED = (
    "your momentum and 1 − momentum are swapped: running = momentum·running + "
    "(1 − momentum)·batch, so with momentum = 0.9 the running value moves only 10 % of the "
    "way to the batch (PyTorch's momentum = 0.1 is the weight of the batch instead).")
RUNNING_IS_BATCH = (
    "your running statistics are the batch's: average them, running = momentum·running + "
    "(1 − momentum)·batch.")
RUNNING_VAR_UNBIASED = (
    "your running_var averages the unbiased batch variance (ddof = 1, as "
    "torch.nn.BatchNorm1d does): the contract uses the same biased variance σ² that "
    "normalizes the batch.")


# The hints in Simplified Chinese, with the handouts' terms (正则化, 过拟合, 批归一化).
L1_NO_ABS_ZH = (
    "你的 L1 正则项直接对权重本身求和，负的权重反而让它变小：惩罚项是 lam·Σ|w|，即绝对值之和（每个数组用 np.abs(w).sum()）。")
L2_HALF_ZH = (
    "你的 L2 正则项只有约定值的一半：这里的惩罚项是 lam·Σw²，没有 1/2（1/2 只出现在 (lam/2)·‖w‖² 的写法里，那时它的梯度是 lam·w）。")
L2_NORM_ZH = (
    "你的 L2 正则项把各个数组的范数 ‖W‖ = sqrt(Σw²) 加了起来：惩罚项是范数的平方，对每个数组的每个元素求 lam·Σw²（不开根号）。")
WEIGHT_DECAY_SIGN_ZH = (
    "你的更新加上了 lam·w 而不是减去它，权重会越来越大：权重衰减项 lam·w 是梯度的一部分，w − lr·(grad + lam·w) = (1 − lr·lam)·w − lr·grad。")
WEIGHT_DECAY_NO_LR_ZH = (
    "你的权重衰减项没有乘学习率：lam·w 和 grad 一样是梯度，所以更新是 w − lr·(grad + lam·w)，即 w·(1 − lr·lam) − lr·grad。")
DROPOUT_NOT_RESCALED_ZH = (
    "你的 dx 是 dout 乘 0/1 掩码：inverted dropout 中保留的元素要乘 1/(1 − p)，out = x·mask，mask = (random ≥ p)/(1 − p)，所以 dx = dout·mask，用的是同一个缩放过的掩码。")
DROPOUT_FORWARD_NOT_RESCALED_ZH = (
    "你的 out 是 x 乘 0/1 掩码：inverted dropout 要把保留的元素乘 1/(1 − p)，mask = (random ≥ p)/(1 − p)，这样 E[out] = x。")
DROPOUT_KEEP_PROB_ZH = (
    "你以概率 p 保留元素并除以 p：这里 p 是丢弃的概率（torch.nn.Dropout(p) 也是）；在 random ≥ p 处保留，并乘 1/(1 − p)。")
DROPOUT_KEEP_BELOW_P_ZH = (
    "你保留了 random < p 的元素：p 是丢弃的概率，所以应保留 random ≥ p 的元素：mask = (random ≥ p)/(1 − p)。")
DROPOUT_KEEP_PROB_FLIPPED_ZH = (
    "你以概率 p 保留元素：p 是丢弃的概率；mask = (random ≥ p)/(1 − p)。")
DROPOUT_LEGACY_SEED_ZH = (
    "你的掩码来自旧的 np.random.seed/np.random.rand 随机数流：应使用 np.random.default_rng(seed).random(x.shape) 生成。")
DROPOUT_IN_EVAL_ZH = (
    "你在测试（eval）模式下也丢弃了元素：train=False 时这一层是恒等映射，out = x（没有掩码）。")
DROPOUT_EVAL_SCALED_ZH = (
    "你在测试（eval）模式下乘了 (1 − p)，那是原始 dropout 的做法：inverted dropout 在训练时完成缩放，测试模式直接返回 x。")
DROPOUT_BACKWARD_IN_EVAL_ZH = (
    "你的 dx 在测试（eval）模式下用了 dropout 掩码：此时这一层是恒等映射，out = x，所以 dx = dout。")
BN_UNBIASED_VARIANCE_ZH = (
    "你用无偏方差（ddof = 1，除以 N − 1）做归一化：批归一化用的是有偏的批方差 x.var(axis=0)（NumPy 默认 ddof = 0），不是 torch.var 的默认值，也不是 ddof=1。")
BN_EPS_OUTSIDE_ZH = (
    "你把 eps 加在了根号外面：应除以 sqrt(σ² + eps)，eps 在根号里（测试模式下是 sqrt(running_var + eps)）。")
BN_EPS_LEFT_OUT_ZH = (
    "你漏掉了 eps：应除以 sqrt(σ² + eps)（测试模式下是 sqrt(running_var + eps)）。")
BN_DEFAULT_EPS_1E8_ZH = (
    "你的 eps 默认值是 1e-8：bn_param 里没有 'eps' 时，默认值是 1e-5（bn_param.get('eps', 1e-5)）。")
BN_DEFAULT_EPS_1E3_ZH = (
    "你的 eps 默认值是 1e-3：bn_param 里没有 'eps' 时，默认值是 1e-5（bn_param.get('eps', 1e-5)）。")
BN_TRAIN_NO_GAMMA_BETA_ZH = (
    "你的 out 只有 x̂：还要缩放和平移，out = γ·x̂ + β。")
BN_ROWS_ZH = (
    "你对每一行（axis=1）做了归一化：批归一化是对每个特征（列）在批内归一化，均值和方差沿 axis=0 计算。")
BN_TEST_NO_GAMMA_BETA_ZH = (
    "测试模式下你的 out 只有 x̂：要用学到的 γ 和 β 缩放和平移，out = γ·(x − running_mean)/sqrt(running_var + eps) + β，和训练模式一样。")
BN_TEST_BATCH_STATISTICS_ZH = (
    "测试模式下你用了这一批自己的均值和方差：应使用滑动统计量，(x − running_mean)/sqrt(running_var + eps)。")
BN_TEST_BATCH_XHAT_ZH = (
    "测试模式下你用了这一批自己的统计量，并且漏掉了 γ 和 β：out = γ·(x − running_mean)/sqrt(running_var + eps) + β。")
RUNNING_MOMENTUM_SWAPPED_ZH = (
    "你的 momentum 和 1 − momentum 写反了：running = momentum·running + (1 − momentum)·batch，所以 momentum = 0.9 时滑动值只向这一批移动 10 %（PyTorch 的 momentum = 0.1 则是这一批的权重）。")
RUNNING_IS_BATCH_ZH = (
    "你的滑动统计量就是这一批的统计量：应做滑动平均，running = momentum·running + (1 − momentum)·batch。")
RUNNING_VAR_UNBIASED_ZH = (
    "你的 running_var 平均的是无偏批方差（ddof = 1，torch.nn.BatchNorm1d 就是这样）：约定使用归一化这一批时所用的同一个有偏方差 σ²。")


# ---------------------------------------------------------------- where they were seen

SEEN_KEEP_PROB = ("FortiLeiZhang/cs231n: code/cs231n/assignment2/cs231n/layers.py "
                  "(mask = (np.random.rand(*x.shape) < p) / p)",
                  "kantarcise/cs231n: src/assignment2/cs231n/layers.py",
                  "mejwaller/CS231n: layers.py",
                  "Deeplayer/CS231n-winter-2016: Neural_Networks/layers.py",
                  "nilbahaaeddine/M1_CNN: src/classes/dropout.py")  # binomial(1, p) / p
SEEN_LEGACY_SEED = ("kantarcise/cs231n: src/assignment2/cs231n/layers.py "
                    "(np.random.seed(dropout_param['seed']), then np.random.rand)",
                    "mejwaller/CS231n: layers.py")
SEEN_SCALE_P = ("kingtaurus/cs231n: assignment2/cs231n/layers.py (mask = (np.random.rand(*x.shape) > p ) / p)",)
SEEN_EPS_1E8 = ("FortiLeiZhang/cs231n: code/cs231n/assignment2/cs231n/layers.py (bn_param.get('eps', 1e-8))",)
SEEN_MOMENTUM_SWAPPED = ("kingtaurus/cs231n: assignment2/cs231n/layers.py "
                         "(running_mean = momentum * mean + (1 - momentum) * running_mean)",)
SEEN_RUNNING_VAR_ZEROS = ("FortiLeiZhang/cs231n: code/cs231n/assignment2/cs231n/layers.py "
                          "(bn_param.get('running_var', np.zeros_like(gamma)))",
                          "kantarcise/cs231n: src/assignment2/cs231n/layers.py "
                          "(bn_param.get(\"running_var\", np.zeros(D, dtype=x.dtype)), CS231n's starter code)",
                          "Deeplayer/CS231n-winter-2016: Neural_Networks/layers.py",
                          "CS231n-zju/CS231n: GuangMin/assignment2/cs231n/layers.py",
                          "iworldtong/cs231n-assignments: utils/layers.py")
SEEN_NOT_RESCALED = ("CS231n-zju/CS231n: JianBo/assignment2/cs231n/layers.py (mask = np.random.binomial(n=1, "
                     "p=1.0-p); out = x*mask; dx = dout*mask)",
                     "Ontheway361/stanford_cs231n: level_2.0/utils/layers.py (mask = rand < (1-p); out = mask * x)")
SEEN_EVAL_SCALED = ("Ontheway361/stanford_cs231n: level_2.0/utils/layers.py (elif mode == 'test': out = x * (1-p))",)
SEEN_EPS_1E3 = ("Deeplayer/CS231n-winter-2016: CNN/layers.py (bn_param.get('eps', 1e-3))",)
SEEN_L2_HALF = ("Huqicheng/Q-Net: deeplearning/reg.py (.5 * lam * np.sum(W * W))",
                "monishramadoss/madml: madml/madml/regularization.py")
SEEN_L2_NORM = ("Jimmer942/holbertonschool-machine_learning: supervised_learning/0x05-regularization/"
                "0-l2_reg_cost.py (suma += np.linalg.norm(weights[key]))",
                "faspen/holbertonschool-machine_learning: supervised_learning/0x05-regularization/"
                "0-l2_reg_cost.py")
SEEN_PENALTY_NO_LAMBDA = ("PabloFuentes97/multilayer-perceptron: nn/regularizers.py "
                          "(L1 and L2 return np.sum(np.abs(w)) and np.sum(w ** 2), λ left out)",)
SEEN_DECAY_SIGN = ("yistLin/ML2017: hw1/gradient_descent.py (w - lr / np.sqrt(w_lr) * (w_grad - reg_lambda * w))",)


@misconception("l1_penalty", id="l1_no_abs", hint=L1_NO_ABS, hint_zh=L1_NO_ABS_ZH)
def l1_no_abs(reference, weights, lam):
    return float(lam * sum(np.asarray(w, dtype=np.float64).sum() for w in weights))


@misconception("l2_penalty", id="l2_half", hint=L2_HALF, hint_zh=L2_HALF_ZH,
               seen=SEEN_L2_HALF)
def l2_half(reference, weights, lam):
    return 0.5 * reference.l2_penalty(weights, lam)


@misconception("l2_penalty", id="l2_norm_not_squared", hint=L2_NORM, hint_zh=L2_NORM_ZH,
               seen=SEEN_L2_NORM)
def l2_norm_not_squared(reference, weights, lam):
    return float(lam * sum(np.linalg.norm(np.asarray(w, dtype=np.float64)) for w in weights))


@misconception("weight_decay_step", id="weight_decay_sign", hint=WEIGHT_DECAY_SIGN, hint_zh=WEIGHT_DECAY_SIGN_ZH,
               seen=SEEN_DECAY_SIGN)
def weight_decay_sign(reference, w, grad, lr, lam):
    w, grad = np.asarray(w, dtype=np.float64), np.asarray(grad, dtype=np.float64)
    return w - lr * (grad - lam * w)


@misconception("weight_decay_step", id="weight_decay_no_lr", hint=WEIGHT_DECAY_NO_LR, hint_zh=WEIGHT_DECAY_NO_LR_ZH)
def weight_decay_no_lr(reference, w, grad, lr, lam):
    w, grad = np.asarray(w, dtype=np.float64), np.asarray(grad, dtype=np.float64)
    return w - lr * grad - lam * w


def _arrays_in(cache, depth=0):
    """The NumPy arrays in a student's cache: the cache itself, or the items of a
    tuple, list or dict, one level of nesting included."""
    if isinstance(cache, np.ndarray):
        return [cache]
    items = list(cache.values()) if isinstance(cache, dict) else \
        list(cache) if isinstance(cache, (tuple, list)) else []
    found = []
    for item in items:
        if isinstance(item, np.ndarray):
            found.append(item)
        elif depth == 0:
            found += _arrays_in(item, depth + 1)
    return found


_RAISE = object()


def _flag(cache, default=_RAISE):
    """The ``train`` flag a student's cache holds (its only bool); without one,
    ``default``, or raise."""
    items = list(cache.values()) if isinstance(cache, dict) else \
        list(cache) if isinstance(cache, (tuple, list)) else [cache]
    flags = [v for v in items if isinstance(v, (bool, np.bool_))]
    if len(flags) != 1:
        if default is _RAISE:
            raise ValueError("no single train flag in this cache")
        return default
    return bool(flags[0])


def _unlike(expected, wrong):
    """``wrong``, unless it is the reference's own value ``expected``: then the mistake
    does not show on these arguments, and the variant is no match."""
    if is_close(wrong, expected, check_dtype=False):
        raise ValueError("the mistake gives the reference's value here")
    return wrong


@misconception("dropout_backward", id="dropout_not_rescaled", hint=DROPOUT_NOT_RESCALED, hint_zh=DROPOUT_NOT_RESCALED_ZH,
               seen=SEEN_NOT_RESCALED)
def dropout_backward_not_rescaled(reference, dout, cache):
    # The student kept the mask in the cache; a 0/1 mask (or its scaled twin) is read
    # as 0/1: the variant's dx is dout wherever an entry was kept, 0 elsewhere.
    # Not where the cache says eval mode: dx = dout is expected there, whatever the mask.
    if _flag(cache, None) is False:
        raise ValueError("eval mode")
    dout = np.asarray(dout, dtype=np.float64)
    mask = next(a for a in _arrays_in(cache) if a.shape == dout.shape)
    return dout * (mask != 0)


@misconception("dropout_backward", id="dropout_in_eval", hint=DROPOUT_BACKWARD_IN_EVAL, hint_zh=DROPOUT_BACKWARD_IN_EVAL_ZH)
def dropout_backward_in_eval(reference, dout, cache):
    # Only where the cache says eval mode (in train mode, dout·mask is right).
    if _flag(cache):
        raise ValueError("train mode")
    dout = np.asarray(dout, dtype=np.float64)
    mask = next(a for a in _arrays_in(cache) if a.shape == dout.shape)
    return _unlike(dout, dout * mask)


# ---------------------------------------------------------------- forward layers
# The out of (out, cache), and bn_param as the call leaves it.

def _dropout(reference, x, p, train, seed, *, mode, keep, scale):
    """The out of dropout_forward as a mistake computes it in ``mode`` ("train" or
    "eval"; raises in the other): x·keep(r)·scale, with r the contract's uniform draws."""
    if bool(train) != (mode == "train"):
        raise ValueError("not this mode")
    x = np.asarray(x, dtype=np.float64)
    r = np.random.default_rng(seed).random(x.shape)
    return _unlike(reference.dropout_forward(x, p, train, seed)[0], x * keep(r) * scale)


@misconception("dropout_forward", id="dropout_not_rescaled", hint=DROPOUT_FORWARD_NOT_RESCALED, hint_zh=DROPOUT_FORWARD_NOT_RESCALED_ZH,
               output=0,
               seen=SEEN_NOT_RESCALED)
def dropout_forward_not_rescaled(reference, x, p, train, seed):
    return _dropout(reference, x, p, train, seed, mode="train", keep=lambda r: r >= p, scale=1.0)


@misconception("dropout_forward", id="dropout_keep_prob", hint=DROPOUT_KEEP_PROB, hint_zh=DROPOUT_KEEP_PROB_ZH, output=0,
               seen=SEEN_KEEP_PROB)
def dropout_keep_prob(reference, x, p, train, seed):
    return _dropout(reference, x, p, train, seed, mode="train", keep=lambda r: r < p,
                    scale=1.0 / p)


# With p = 0.5 this one and dropout_keep_prob give the same out: both hints are shown.
@misconception("dropout_forward", id="dropout_keep_below_p", hint=DROPOUT_KEEP_BELOW_P, hint_zh=DROPOUT_KEEP_BELOW_P_ZH, output=0)
def dropout_keep_below_p(reference, x, p, train, seed):
    return _dropout(reference, x, p, train, seed, mode="train", keep=lambda r: r < p,
                    scale=1.0 / (1.0 - p))


@misconception("dropout_forward", id="dropout_keep_prob_flipped", hint=DROPOUT_KEEP_PROB_FLIPPED, hint_zh=DROPOUT_KEEP_PROB_FLIPPED_ZH,
               output=0)
def dropout_keep_prob_flipped(reference, x, p, train, seed):
    return _dropout(reference, x, p, train, seed, mode="train", keep=lambda r: r >= 1.0 - p,
                    scale=1.0 / p)


@misconception("dropout_forward", id="dropout_legacy_seed", hint=DROPOUT_LEGACY_SEED, hint_zh=DROPOUT_LEGACY_SEED_ZH, output=0,
               seen=SEEN_LEGACY_SEED)
def dropout_legacy_seed(reference, x, p, train, seed):
    if not train:
        raise ValueError("not this mode")
    x = np.asarray(x, dtype=np.float64)
    r = np.random.RandomState(seed).random_sample(x.shape)  # np.random.seed + np.random.rand
    return _unlike(reference.dropout_forward(x, p, train, seed)[0], x * (r >= p) / (1.0 - p))


@misconception("dropout_forward", id="dropout_in_eval", hint=DROPOUT_IN_EVAL, hint_zh=DROPOUT_IN_EVAL_ZH, output=0)
def dropout_forward_in_eval(reference, x, p, train, seed):
    return _dropout(reference, x, p, train, seed, mode="eval", keep=lambda r: r >= p,
                    scale=1.0 / (1.0 - p))


@misconception("dropout_forward", id="dropout_in_eval_not_rescaled", hint=DROPOUT_IN_EVAL, hint_zh=DROPOUT_IN_EVAL_ZH, output=0)
def dropout_forward_in_eval_not_rescaled(reference, x, p, train, seed):
    return _dropout(reference, x, p, train, seed, mode="eval", keep=lambda r: r >= p, scale=1.0)


@misconception("dropout_forward", id="dropout_eval_scaled", hint=DROPOUT_EVAL_SCALED, hint_zh=DROPOUT_EVAL_SCALED_ZH, output=0,
               seen=SEEN_EVAL_SCALED)
def dropout_eval_scaled(reference, x, p, train, seed):
    return _dropout(reference, x, p, train, seed, mode="eval", keep=lambda r: 1.0, scale=1.0 - p)


def _batchnorm(reference, x, gamma, beta, bn_param, *, modes=("train", "test"), ddof=0,
               eps_at="inside", default_eps=1e-5, axis=0, affine=True, test_stats="running"):
    """The out of batchnorm_forward as a mistake computes it, in the modes of ``modes``
    (raises in the other): ``ddof`` of the batch variance, eps "inside", "outside" the
    square root or left out ("none"), the default eps, the ``axis`` of the statistics,
    γ and β applied or not, and the statistics of test mode ("running" or "batch")."""
    mode = bn_param["mode"]
    if mode not in modes:
        raise ValueError("not this mode")
    x = np.asarray(x, dtype=np.float64)
    gamma = np.asarray(gamma, dtype=np.float64)
    beta = np.asarray(beta, dtype=np.float64)
    eps = bn_param.get("eps", default_eps)
    d = x.shape[1]
    if mode == "train" or test_stats == "batch":
        mean, var = x.mean(axis=axis, keepdims=True), x.var(axis=axis, ddof=ddof, keepdims=True)
    else:
        mean = np.asarray(bn_param.get("running_mean", np.zeros(d)), dtype=np.float64)
        var = np.asarray(bn_param.get("running_var", np.ones(d)), dtype=np.float64)
    std = {"inside": lambda: np.sqrt(var + eps), "outside": lambda: np.sqrt(var) + eps,
           "none": lambda: np.sqrt(var)}[eps_at]()
    x_hat = (x - mean) / std
    if not affine and is_close(gamma, np.ones_like(gamma)) and is_close(beta, np.zeros_like(beta)):
        raise ValueError("with γ = 1 and β = 0, leaving them out does not show")
    out = gamma * x_hat + beta if affine else x_hat
    expected, _ = reference.batchnorm_forward(x, gamma, beta, copy.deepcopy(bn_param))
    return _unlike(expected, out)


@misconception("batchnorm_forward", id="bn_unbiased_variance", hint=BN_UNBIASED_VARIANCE, hint_zh=BN_UNBIASED_VARIANCE_ZH, output=0)
def bn_unbiased_variance(reference, x, gamma, beta, bn_param):
    return _batchnorm(reference, x, gamma, beta, bn_param, modes=("train",), ddof=1)


@misconception("batchnorm_forward", id="bn_eps_outside_sqrt", hint=BN_EPS_OUTSIDE, hint_zh=BN_EPS_OUTSIDE_ZH, output=0)
def bn_eps_outside_sqrt(reference, x, gamma, beta, bn_param):
    return _batchnorm(reference, x, gamma, beta, bn_param, eps_at="outside")


@misconception("batchnorm_forward", id="bn_eps_left_out", hint=BN_EPS_LEFT_OUT, hint_zh=BN_EPS_LEFT_OUT_ZH, output=0)
def bn_eps_left_out(reference, x, gamma, beta, bn_param):
    return _batchnorm(reference, x, gamma, beta, bn_param, eps_at="none")


@misconception("batchnorm_forward", id="bn_default_eps_1e-8", hint=BN_DEFAULT_EPS_1E8, hint_zh=BN_DEFAULT_EPS_1E8_ZH, output=0,
               seen=SEEN_EPS_1E8)
def bn_default_eps_1e8(reference, x, gamma, beta, bn_param):
    return _batchnorm(reference, x, gamma, beta, bn_param, default_eps=1e-8)


@misconception("batchnorm_forward", id="bn_default_eps_1e-3", hint=BN_DEFAULT_EPS_1E3, hint_zh=BN_DEFAULT_EPS_1E3_ZH, output=0,
               seen=SEEN_EPS_1E3)
def bn_default_eps_1e3(reference, x, gamma, beta, bn_param):
    return _batchnorm(reference, x, gamma, beta, bn_param, default_eps=1e-3)


@misconception("batchnorm_forward", id="bn_train_no_gamma_beta", hint=BN_TRAIN_NO_GAMMA_BETA, hint_zh=BN_TRAIN_NO_GAMMA_BETA_ZH,
               output=0)
def bn_train_no_gamma_beta(reference, x, gamma, beta, bn_param):
    return _batchnorm(reference, x, gamma, beta, bn_param, modes=("train",), affine=False)


@misconception("batchnorm_forward", id="bn_rows_normalized", hint=BN_ROWS, hint_zh=BN_ROWS_ZH, output=0)
def bn_rows_normalized(reference, x, gamma, beta, bn_param):
    return _batchnorm(reference, x, gamma, beta, bn_param, modes=("train",), axis=1)


@misconception("batchnorm_forward", id="bn_test_no_gamma_beta", hint=BN_TEST_NO_GAMMA_BETA, hint_zh=BN_TEST_NO_GAMMA_BETA_ZH,
               output=0)
def bn_test_no_gamma_beta(reference, x, gamma, beta, bn_param):
    return _batchnorm(reference, x, gamma, beta, bn_param, modes=("test",), affine=False)


@misconception("batchnorm_forward", id="bn_test_batch_statistics", hint=BN_TEST_BATCH_STATISTICS, hint_zh=BN_TEST_BATCH_STATISTICS_ZH,
               output=0)
def bn_test_batch_statistics(reference, x, gamma, beta, bn_param):
    return _batchnorm(reference, x, gamma, beta, bn_param, modes=("test",), test_stats="batch")


@misconception("batchnorm_forward", id="bn_test_batch_x_hat", hint=BN_TEST_BATCH_XHAT, hint_zh=BN_TEST_BATCH_XHAT_ZH, output=0)
def bn_test_batch_x_hat(reference, x, gamma, beta, bn_param):
    return _batchnorm(reference, x, gamma, beta, bn_param, modes=("test",), test_stats="batch",
                      affine=False)


def _running(reference, x, gamma, beta, bn_param, update, ddof_var=0):
    """bn_param as a train-mode call leaves it when it stores
    ``update(running, batch, momentum)`` for the mean and the variance (the batch
    variance with ``ddof_var``); raises in test mode."""
    if bn_param["mode"] != "train":
        raise ValueError("not this mode")
    x = np.asarray(x, dtype=np.float64)
    d = x.shape[1]
    momentum = bn_param.get("momentum", 0.9)
    after = dict(bn_param)
    after["running_mean"] = update(np.asarray(bn_param.get("running_mean", np.zeros(d)), dtype=np.float64),
                                   x.mean(axis=0), momentum)
    after["running_var"] = update(np.asarray(bn_param.get("running_var", np.ones(d)), dtype=np.float64),
                                  x.var(axis=0, ddof=ddof_var), momentum)
    expected = copy.deepcopy(bn_param)
    reference.batchnorm_forward(x, gamma, beta, expected)
    return _unlike(expected, after)


@misconception("batchnorm_forward", id="running_momentum_swapped", hint=RUNNING_MOMENTUM_SWAPPED, hint_zh=RUNNING_MOMENTUM_SWAPPED_ZH,
               output="bn_param",
               seen=SEEN_MOMENTUM_SWAPPED)
def running_momentum_swapped(reference, x, gamma, beta, bn_param):
    return _running(reference, x, gamma, beta, bn_param, lambda r, b, m: (1 - m) * r + m * b)


@misconception("batchnorm_forward", id="running_is_batch", hint=RUNNING_IS_BATCH, hint_zh=RUNNING_IS_BATCH_ZH, output="bn_param")
def running_is_batch(reference, x, gamma, beta, bn_param):
    return _running(reference, x, gamma, beta, bn_param, lambda r, b, m: b)


@misconception("batchnorm_forward", id="running_var_unbiased", hint=RUNNING_VAR_UNBIASED, hint_zh=RUNNING_VAR_UNBIASED_ZH,
               output="bn_param")
def running_var_unbiased(reference, x, gamma, beta, bn_param):
    return _running(reference, x, gamma, beta, bn_param, lambda r, b, m: m * r + (1 - m) * b,
                    ddof_var=1)


# ---------------------------------------------------------------- more mistakes, from the code we read

PENALTY_NO_LAMBDA = (
    "your penalty leaves out λ: it is lam times the sum (lam·Σ|w| for L1, lam·Σw² for L2), "
    "so that λ = 0 turns the regularization off.")
PENALTY_NO_LAMBDA_ZH = (
    "你的正则项漏掉了 λ：惩罚项是 lam 乘以求和（L1 为 lam·Σ|w|，L2 为 lam·Σw²），这样 λ = 0 时正则化就关闭了。")
DROPOUT_SCALE_P = (
    "you keep the right entries (random ≥ p) but divide by p: an entry survives with "
    "probability 1 − p, so inverted dropout scales by 1/(1 − p) to keep the expected "
    "value: mask = (random ≥ p)/(1 − p).")
DROPOUT_SCALE_P_ZH = (
    "你保留的元素是对的（random ≥ p），但除以了 p：一个元素以 1 − p 的概率被保留，所以 inverted dropout "
    "要乘以 1/(1 − p) 来保持期望不变：mask = (random ≥ p)/(1 − p)。")
RUNNING_VAR_ZEROS = (
    "your running_var starts at 0 when bn_param has none: start it at ONES (and running_mean "
    "at zeros), as torch.nn.BatchNorm1d does, so that a test-mode call before much training "
    "divides by sqrt(1 + eps), not by sqrt(eps).")
RUNNING_VAR_ZEROS_ZH = (
    "bn_param 中没有 running_var 时，你把它初始化为 0：应初始化为全 1（running_mean 初始化为全 0），"
    "和 torch.nn.BatchNorm1d 一样，这样训练不久后的测试模式调用除以的是 sqrt(1 + eps)，而不是 sqrt(eps)。")


@misconception("l1_penalty", id="penalty_no_lambda", hint=PENALTY_NO_LAMBDA, hint_zh=PENALTY_NO_LAMBDA_ZH,
               seen=SEEN_PENALTY_NO_LAMBDA)
def l1_no_lambda(reference, weights, lam):
    return _without_lambda(reference.l1_penalty, weights, lam)


@misconception("l2_penalty", id="penalty_no_lambda", hint=PENALTY_NO_LAMBDA, hint_zh=PENALTY_NO_LAMBDA_ZH,
               seen=SEEN_PENALTY_NO_LAMBDA)
def l2_no_lambda(reference, weights, lam):
    return _without_lambda(reference.l2_penalty, weights, lam)


def _without_lambda(penalty, weights, lam):
    """The reference's ``penalty`` with λ = 1, whatever ``lam``; raises where lam is 1."""
    if lam == 1:
        raise ValueError("the same as the reference with λ = 1")
    return penalty(weights, 1.0)


@misconception("dropout_forward", id="dropout_scale_p", hint=DROPOUT_SCALE_P, hint_zh=DROPOUT_SCALE_P_ZH, output=0,
               seen=SEEN_SCALE_P)
def dropout_scale_p(reference, x, p, train, seed):
    return _dropout(reference, x, p, train, seed, mode="train", keep=lambda r: r >= p, scale=1.0 / p)


@misconception("batchnorm_forward", id="running_var_zeros", hint=RUNNING_VAR_ZEROS, hint_zh=RUNNING_VAR_ZEROS_ZH,
               output="bn_param", seen=SEEN_RUNNING_VAR_ZEROS)
def running_var_zeros(reference, x, gamma, beta, bn_param):
    if bn_param["mode"] != "train" or "running_var" in bn_param:
        raise ValueError("only in train mode, where bn_param has no running_var")
    x = np.asarray(x, dtype=np.float64)
    d, momentum = x.shape[1], bn_param.get("momentum", 0.9)
    after = dict(bn_param)
    after["running_mean"] = (momentum * np.asarray(bn_param.get("running_mean", np.zeros(d)), dtype=np.float64)
                             + (1 - momentum) * x.mean(axis=0))
    after["running_var"] = (1 - momentum) * x.var(axis=0)  # momentum·0 + (1 − momentum)·σ²
    expected = copy.deepcopy(bn_param)
    reference.batchnorm_forward(x, gamma, beta, expected)
    return _unlike(expected, after)


@misconception("dropout_backward", id="dropout_scale_p", hint=DROPOUT_SCALE_P, hint_zh=DROPOUT_SCALE_P_ZH,
               seen=SEEN_SCALE_P)
def dropout_backward_scale_p(reference, dout, cache):
    # dx = dout·mask through a forward mask scaled by 1/p.  The cache is the reference's
    # (grader.diagnosis.replay): its kept entries are 1/(1 − p), which gives p back.
    if _flag(cache, None) is False:
        raise ValueError("eval mode")
    dout = np.asarray(dout, dtype=np.float64)
    mask = np.asarray(next(a for a in _arrays_in(cache) if a.shape == dout.shape), dtype=np.float64)
    kept = mask[mask != 0]
    if kept.size == 0 or not np.allclose(kept, kept.flat[0]) or kept.flat[0] <= 1.0:
        raise ValueError("not a mask scaled by 1/(1 − p) with 0 < p < 1")
    p = 1.0 - 1.0 / kept.flat[0]
    return _unlike(dout * mask, dout * (mask != 0) / p)
