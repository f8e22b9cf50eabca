"""Hidden suite for hw7, initialization and regularization: 100 points (no GPU tests:
no function of the contract takes a device).

The initializers are random draws that a correct solution may make in several ways
(torch.rand then scaled, tensor.uniform_, torch.nn.init on an empty tensor, with the
generator it is given), so they are checked statistically on 10⁵ values, with bounds
derived from the sample size (each test's docstring gives the derivation) at z = 5.5,
and for reproducibility with a seeded torch.Generator. Everything else is compared
with the reference on seeded random inputs: dropout's mask exactly as the contract
defines it, batch norm's running statistics in the student's own bn_param after one
and after several calls, and every backward pass fed the student's own cache and
checked against central differences too, so that a wrong reference cannot pass.
Tolerances are grader.checks' defaults (rtol 1e-4, atol 1e-6), which admit a correct
float32 answer.

Known mistakes of the forward layers (their out, and bn_param's running statistics)
and of the penalties, weight decay and dropout_backward are declared in
reference/hw7/misconceptions.py, where grader.hints names them under a failure. The
tests below name only what a value match cannot: the initializers' mistakes, seen in
the statistics of a random draw; a batch-norm call that leaves bn_param as it was; and
the mistakes of batchnorm_backward, whose dx and dgamma need x, γ and σ², which no
variant can read reliably from a cache of the student's own format
(``_assert_close_or_explain``).
"""

import math

import numpy as np
import pytest
import torch

from grader.checks import assert_close, assert_unchanged, check_gradient, fail, is_close
from grader.i18n import bilingual
from grader.errors import GradingFailure

#: z-score of the statistical bounds: a two-sided normal tail of 3.8e-8 per bound, so
#: that the ≤ 10 bounds of the suite together fail a correct solution by chance less
#: than once in 10⁶ runs (with a seeded generator, a correct draw passes every time).
Z = 5.5
FAN_IN, FAN_OUT = 400, 250  # 10⁵ weights; fan_in ≠ fan_out, so that swapping them shows


def _assert_close_or_explain(got, expected, name, known=(), **kw):
    """assert_close(got, expected); where it fails and ``got`` matches a known wrong
    value (a list of (wrong value, hint)), the hint is added to the message. Only for
    batchnorm_backward, whose mistakes the test can compute from the x, γ and dout it
    chose (reference/hw7/misconceptions.py declares the others)."""
    try:
        assert_close(got, expected, names=name, **kw)
    except GradingFailure as exc:
        for wrong, hint in known:
            if is_close(got, wrong):
                fail(exc.student_message + _hint(hint), exc.actual, extends=exc)
        raise


def _output(got, names, index):
    """Item ``index`` of a tuple result, failing clearly when it is not a tuple."""
    if not isinstance(got, (tuple, list)) or len(got) != len(names):
        fail(bilingual(en=f"expected a tuple ({', '.join(names)}), got {_kind(got)}",
                       zh=f"期望一个 tuple ({', '.join(names)})，得到的是{_kind(got)}"), got)
    return got[index]


def _kind(value):
    kind = type(value).__name__
    if isinstance(value, (tuple, list)):
        return bilingual(en=f"a {kind} of length {len(value)}", zh=f"长度为 {len(value)} 的 {kind}")
    if isinstance(value, (np.ndarray, torch.Tensor)):
        return bilingual(en=f"{kind} of shape {tuple(value.shape)}",
                         zh=f"形状为 {tuple(value.shape)} 的 {kind}")
    return bilingual(en=f"a value of type {kind}", zh=f"类型为 {kind} 的值")


def _hint(hint):
    """``hint`` (in the run's language) as a line of its own after a message, labelled
    as the report labels hints."""
    return "\n" + bilingual(en="Hint: ", zh="提示：") + hint


# ================================================================ initializers (21)

def _tensor(value, function):
    if not isinstance(value, torch.Tensor):
        fail(bilingual(en=f"{function} must return a torch.Tensor, got {_kind(value)} (create it "
                          "with torch.rand / torch.randn / torch.empty, or torch.nn.init on an "
                          "empty tensor)",
                       zh=f"{function} 必须返回 torch.Tensor，得到的是{_kind(value)}（用 "
                          "torch.rand / torch.randn / torch.empty 创建，或者对一个空张量用 "
                          "torch.nn.init）"), value)
    return value


def _values(student, function, *args, seed, **kwargs):
    """A draw of ``function(*args, generator=torch.Generator().manual_seed(seed))`` as a
    flat float64 array of fan_in·fan_out values."""
    w = getattr(student, function)(*args, generator=torch.Generator().manual_seed(seed), **kwargs)
    _tensor(w, function)
    fan_in, fan_out = args[:2]
    if w.numel() != fan_in * fan_out:
        fail(bilingual(en=f"{function}({fan_in}, {fan_out}) must hold fan_out·fan_in = "
                          f"{fan_in * fan_out} values, got {_kind(w)}",
                       zh=f"{function}({fan_in}, {fan_out}) 必须含有 fan_out·fan_in = "
                          f"{fan_in * fan_out} 个值，得到的是{_kind(w)}"), w)
    v = w.detach().cpu().double().numpy().ravel()
    if not np.isfinite(v).all():
        fail(bilingual(en=f"{function}({fan_in}, {fan_out}) returned NaN or inf values",
                       zh=f"{function}({fan_in}, {fan_out}) 返回了 NaN 或 inf 值"), w)
    return w, v


def _which(value, candidates, rel):
    """The hint of the first candidate (formula value, hint) within ``rel`` (relative)."""
    for target, hint in candidates:
        if abs(value / target - 1.0) <= rel:
            return _hint(hint)
    return ""


def _check_shape_and_dtype(student, function):
    for fan_in, fan_out in [(5, 3), (40, 25)]:
        w = _tensor(getattr(student, function)(fan_in, fan_out), function)
        if tuple(w.shape) == (fan_in, fan_out):
            fail(bilingual(en=f"W: wrong shape: expected (fan_out, fan_in) = {(fan_out, fan_in)}, "
                              f"got {tuple(w.shape)}, the transpose: a layer y = W x with fan_in "
                              "inputs and fan_out outputs has one row per output, as "
                              "nn.Linear(fan_in, fan_out).weight.",
                           zh=f"W: 形状不对：期望 (fan_out, fan_in) = {(fan_out, fan_in)}，得到的是"
                              f"它的转置 {tuple(w.shape)}：有 fan_in 个输入、fan_out 个输出的层 "
                              "y = W x 每个输出占一行，和 nn.Linear(fan_in, fan_out).weight 一样。"),
                 w)
        assert_close(w, torch.zeros(fan_out, fan_in), rtol=0, atol=math.inf, check_dtype=True,
                     names="W")


def _check_mean_and_variance(w, v, variance, kurtosis, what, candidates):
    """The sample mean and variance of the n values v against 0 and ``variance``.

    Standard errors: sd(mean) = σ/√n; sd(sample variance) ≈ sqrt((μ₄ − σ⁴)/n) =
    σ²·sqrt((κ − 1)/n) with κ = μ₄/σ⁴ the kurtosis (9/5 for a uniform, 3 for a normal).
    """
    n = v.size
    sd_mean = math.sqrt(variance / n)
    mean = float(v.mean())
    if abs(mean) > Z * sd_mean:
        fail(bilingual(en=f"the mean of your {n} values is {mean:.4g}; it should be 0 within "
                          f"±{Z * sd_mean:.2g} ({Z} standard errors σ/√n): draw from a "
                          f"distribution centred on 0 ({what})",
                       zh=f"你的 {n} 个值的均值是 {mean:.4g}；它应当在 0 的 ±{Z * sd_mean:.2g} "
                          f"以内（{Z} 个标准误 σ/√n）：请从以 0 为中心的分布中抽取（{what}）"), w)
    rel = Z * math.sqrt((kurtosis - 1.0) / n)
    var = float(v.var())
    if abs(var / variance - 1.0) > rel:
        fail(bilingual(en=f"the variance of your {n} values is {var:.5g}, expected {variance:.5g} "
                          f"({what}) within ±{100 * rel:.2g} % ({Z} standard errors of a sample "
                          "variance)",
                       zh=f"你的 {n} 个值的方差是 {var:.5g}，期望 {variance:.5g}（{what}），"
                          f"误差在 ±{100 * rel:.2g} % 以内（样本方差的 {Z} 个标准误）")
             + _which(var, candidates, rel), w)


# ---------------------------------------------------------------- xavier_uniform (12)

def _xavier_bound(fan_in, fan_out, gain=1.0):
    return gain * math.sqrt(6.0 / (fan_in + fan_out))


def _xavier_candidates(fan_in, fan_out, gain=1.0):
    """Variances a known mistake gives, with its hint."""
    s = fan_in + fan_out
    return [
        (gain ** 2 * 2.0 / fan_in, bilingual(
            en="your variance is gain²·2/fan_in: the bound uses both fans, "
               "a = gain·sqrt(6/(fan_in + fan_out)).",
            zh="你的方差是 gain²·2/fan_in：边界要同时用到 fan_in 和 fan_out，"
               "a = gain·sqrt(6/(fan_in + fan_out))。")),
        (gain ** 2 * 2.0 / fan_out, bilingual(
            en="your variance is gain²·2/fan_out: the bound uses both fans, "
               "a = gain·sqrt(6/(fan_in + fan_out)).",
            zh="你的方差是 gain²·2/fan_out：边界要同时用到 fan_in 和 fan_out，"
               "a = gain·sqrt(6/(fan_in + fan_out))。")),
        (gain ** 2 * 6.0 / s, bilingual(
            en="your variance is a², the square of the bound: U(−a, a) has variance a²/3, so "
               "draw uniformly on [−a, a] (e.g. (2·torch.rand(...) − 1)·a), not from a normal "
               "distribution with standard deviation a.",
            zh="你的方差是 a²，即边界的平方：U(−a, a) 的方差是 a²/3，所以要在 [−a, a] 上均匀"
               "抽取（例如 (2·torch.rand(...) − 1)·a），而不是从标准差为 a 的正态分布中抽取。")),
        (gain ** 2 * 2.0 / s / 4.0, bilingual(
            en="your variance is a²/12: that of U(0, a) or U(−a/2, a/2); draw on [−a, a]: "
               "(2·torch.rand(...) − 1)·a or tensor.uniform_(-a, a).",
            zh="你的方差是 a²/12：这是 U(0, a) 或 U(−a/2, a/2) 的方差；请在 [−a, a] 上抽取："
               "(2·torch.rand(...) − 1)·a 或 tensor.uniform_(-a, a)。")),
        (2.0 / s, bilingual(
            en="your variance is 2/(fan_in + fan_out), that of gain = 1: multiply the bound by "
               "gain.",
            zh="你的方差是 2/(fan_in + fan_out)，即 gain = 1 时的方差：边界要乘以 gain。")),
        (gain ** 4 * 2.0 / s, bilingual(
            en="your variance is gain⁴·2/(fan_in + fan_out): gain multiplies the bound once, "
               "a = gain·sqrt(6/(fan_in + fan_out)).",
            zh="你的方差是 gain⁴·2/(fan_in + fan_out)：gain 只乘边界一次，"
               "a = gain·sqrt(6/(fan_in + fan_out))。")),
    ]


@pytest.mark.points(2)
def test_xavier_uniform_shape_and_dtype(student):
    """xavier_uniform: a float32 tensor of shape (fan_out, fan_in), drawn with the default generator

    中文：xavier_uniform: 用默认生成器抽取的形状为 (fan_out, fan_in) 的 float32 张量
    """
    _check_shape_and_dtype(student, "xavier_uniform")


@pytest.mark.points(3)
def test_xavier_uniform_bound(student):
    """xavier_uniform: every value lies in [−a, a] and the largest |value| is within 0.02 % of a

    中文：xavier_uniform: 每个值都在 [−a, a] 中，最大的 |值| 与 a 相差不到 0.02 %

    The largest |value| of n = 10⁵ draws of U(−a, a) is below a·(1 − δ) with
    probability (1 − δ)ⁿ; δ = 2·10⁻⁴ makes that e⁻²⁰ ≈ 2·10⁻⁹. The upper bound
    a·(1 + 10⁻⁶) leaves room for a computed or applied in float32 (rounding 6·10⁻⁸).
    """
    w, v = _values(student, "xavier_uniform", FAN_IN, FAN_OUT, seed=11)
    _check_bound(w, v, _xavier_bound(FAN_IN, FAN_OUT), "a = sqrt(6/(fan_in + fan_out))")


def _check_bound(w, v, a, what):
    """All |v| ≤ a (up to float32 rounding) and max |v| ≥ a·(1 − 2·10⁻⁴)."""
    largest = float(np.abs(v).max())
    if largest > a * (1 + 1e-6):
        hint = _hint(bilingual(
            en="your values have the variance a²/3 but spread beyond ±a: that is a normal "
               "distribution (Xavier normal); xavier_uniform draws UNIFORMLY on [−a, a].",
            zh="你的值方差是 a²/3，却超出了 ±a：这是正态分布（Xavier normal）；xavier_uniform "
               "要在 [−a, a] 上【均匀】抽取。")) if abs(v.var() / (a * a / 3) - 1) < 0.05 else ""
        fail(bilingual(en=f"your values must lie in [−a, a], {what} = {a:.6g}, but the largest "
                          f"|value| is {largest:.6g}",
                       zh=f"你的值必须在 [−a, a] 内，{what} = {a:.6g}，但最大的 |值| 是 "
                          f"{largest:.6g}") + hint, w)
    if largest < a * (1 - 2e-4):
        fail(bilingual(en=f"the largest of your {v.size} |values| is {largest:.6g}, but values up "
                          f"to {what} = {a:.6g} should appear: draw on the whole interval [−a, a] "
                          f"(your bound is about {largest / a:.4g}·a)",
                       zh=f"你的 {v.size} 个 |值| 中最大的是 {largest:.6g}，但应当出现接近 "
                          f"{what} = {a:.6g} 的值：请在整个区间 [−a, a] 上抽取（你的边界大约是 "
                          f"{largest / a:.4g}·a）"), w)


@pytest.mark.points(3)
def test_xavier_uniform_mean_and_variance(student):
    """xavier_uniform: mean ≈ 0 and variance ≈ a²/3 = 2/(fan_in + fan_out) on 10⁵ values

    中文：xavier_uniform: 10⁵ 个值上均值 ≈ 0，方差 ≈ a²/3 = 2/(fan_in + fan_out)

    For U(−a, a): σ² = a²/3 and μ₄ = a⁴/5, so the kurtosis κ = μ₄/σ⁴ = 9/5. With
    n = 10⁵ values: sd(mean) = σ/√n and sd(sample variance)/σ² = sqrt((κ − 1)/n) =
    sqrt(0.8/n) = 0.28 %. Bounds at Z = 5.5 standard errors: |mean| ≤ 5.5·σ/√n and
    |s²/σ² − 1| ≤ 1.6 %. A wrong formula (2/fan_in, 2/fan_out, a² instead of a²/3) is
    off by 60 % or more.
    """
    a = _xavier_bound(FAN_IN, FAN_OUT)
    w, v = _values(student, "xavier_uniform", FAN_IN, FAN_OUT, seed=12)
    _check_mean_and_variance(w, v, a * a / 3, 9 / 5,
                             bilingual(en="a²/3 with a = sqrt(6/(fan_in + fan_out))",
                                       zh="a²/3，其中 a = sqrt(6/(fan_in + fan_out))"),
                             _xavier_candidates(FAN_IN, FAN_OUT))


@pytest.mark.points(2)
def test_xavier_uniform_gain(student):
    """xavier_uniform: gain = 5/3 scales the bound: values in [−a, a], variance a²/3, a = gain·sqrt(6/(fan_in + fan_out))

    中文：xavier_uniform: gain = 5/3 缩放边界：值在 [−a, a] 中，方差 a²/3，a = gain·sqrt(6/(fan_in + fan_out))

    Same derivation as the unscaled test (bound within δ = 2·10⁻⁴, variance within
    5.5·sqrt(0.8/n) = 1.6 %); gain = 5/3 (tanh's) changes the variance by 178 %.
    """
    gain = 5.0 / 3.0
    fan_in, fan_out = FAN_OUT, FAN_IN  # the other way round: (400, 250) tensors
    a = _xavier_bound(fan_in, fan_out, gain)
    w, v = _values(student, "xavier_uniform", fan_in, fan_out, seed=13, gain=gain)
    _check_mean_and_variance(w, v, a * a / 3, 9 / 5,
                             bilingual(en="a²/3 with a = gain·sqrt(6/(fan_in + fan_out))",
                                       zh="a²/3，其中 a = gain·sqrt(6/(fan_in + fan_out))"),
                             _xavier_candidates(fan_in, fan_out, gain))
    _check_bound(w, v, a, "a = gain·sqrt(6/(fan_in + fan_out))")


def _check_generator(student, function):
    def draw(seed):
        return _tensor(getattr(student, function)(300, 200, generator=torch.Generator().manual_seed(seed)),
                       function)
    first, again, other = draw(0), draw(0), draw(1)
    if first.shape != again.shape or not torch.equal(first, again):
        fail(bilingual(en=f"two calls of {function}(300, 200, "
                          "generator=torch.Generator().manual_seed(0)) returned different tensors: "
                          "draw from the generator you are given (pass generator=generator to "
                          "torch.rand / torch.randn / tensor.uniform_ / tensor.normal_ / "
                          "torch.nn.init), not from torch's global generator.",
                       zh=f"两次调用 {function}(300, 200, "
                          "generator=torch.Generator().manual_seed(0)) 返回了不同的张量：请从传给"
                          "你的生成器中抽取（把 generator=generator 传给 torch.rand / torch.randn "
                          "/ tensor.uniform_ / tensor.normal_ / torch.nn.init），而不是 torch 的"
                          "全局生成器。"), again)
    if first.shape == other.shape and torch.equal(first, other):
        fail(bilingual(en=f"{function}(300, 200, generator=...) returned the same tensor for "
                          "seeds 0 and 1: draw from the generator you are given, without "
                          "reseeding anything.",
                       zh=f"{function}(300, 200, generator=...) 在种子 0 和 1 时返回了相同的张量："
                          "请从传给你的生成器中抽取，不要重新设置任何种子。"), other)


@pytest.mark.points(2)
def test_xavier_uniform_uses_the_generator(student):
    """xavier_uniform: the same generator seed gives the same tensor, another seed another

    中文：xavier_uniform: 生成器种子相同时得到相同的张量，种子不同则不同
    """
    _check_generator(student, "xavier_uniform")


# ---------------------------------------------------------------- kaiming_normal (9)

@pytest.mark.points(2)
def test_kaiming_normal_shape_and_dtype(student):
    """kaiming_normal: a float32 tensor of shape (fan_out, fan_in), drawn with the default generator

    中文：kaiming_normal: 用默认生成器抽取的形状为 (fan_out, fan_in) 的 float32 张量
    """
    _check_shape_and_dtype(student, "kaiming_normal")


@pytest.mark.points(3)
def test_kaiming_normal_mean_and_variance(student):
    """kaiming_normal: mean ≈ 0 and variance ≈ 2/fan_in (not 2/fan_out) on 10⁵ values

    中文：kaiming_normal: 10⁵ 个值上均值 ≈ 0，方差 ≈ 2/fan_in（不是 2/fan_out）

    For N(0, σ²): μ₄ = 3σ⁴, so sd(sample variance)/σ² = sqrt(2/n) = 0.45 % with
    n = 10⁵, and sd(mean) = σ/√n. Bounds at Z = 5.5: |mean| ≤ 5.5·σ/√n and
    |s²/σ² − 1| ≤ 2.5 %. With fan_in = 400 and fan_out = 250, 2/fan_out is 60 % off.
    """
    fan_in, fan_out = FAN_IN, FAN_OUT
    w, v = _values(student, "kaiming_normal", fan_in, fan_out, seed=21)
    candidates = [
        (2.0 / fan_out, bilingual(
            en="your variance is 2/fan_out: Kaiming's (mode 'fan_in') uses the number of "
               "INPUTS, std = sqrt(2/fan_in); the tensor has shape (fan_out, fan_in).",
            zh="你的方差是 2/fan_out：Kaiming 初始化（mode 'fan_in'）用的是【输入】的个数，"
               "std = sqrt(2/fan_in)；张量的形状是 (fan_out, fan_in)。")),
        (1.0 / fan_in, bilingual(
            en="your variance is 1/fan_in (LeCun's): for ReLU it is doubled, 2/fan_in, because "
               "a ReLU zeroes half of its inputs.",
            zh="你的方差是 1/fan_in（LeCun 初始化）：对 ReLU 要加倍，即 2/fan_in，因为 ReLU "
               "会把一半的输入置零。")),
        ((2.0 / fan_in) ** 2, bilingual(
            en="your standard deviation is 2/fan_in: that is the VARIANCE; std = sqrt(2/fan_in).",
            zh="你的标准差是 2/fan_in：那是【方差】；std = sqrt(2/fan_in)。")),
        (2.0 / (fan_in + fan_out), bilingual(
            en="your variance is 2/(fan_in + fan_out), Xavier's: Kaiming's is 2/fan_in.",
            zh="你的方差是 2/(fan_in + fan_out)，这是 Xavier 初始化的：Kaiming 初始化的是 "
               "2/fan_in。")),
    ]
    _check_mean_and_variance(w, v, 2.0 / fan_in, 3.0, "2/fan_in", candidates)


@pytest.mark.points(2)
def test_kaiming_normal_is_normal(student):
    """kaiming_normal: the values are normal: kurtosis m₄/m₂² ≈ 3 (a uniform's is 1.8)

    中文：kaiming_normal: 值服从正态分布：峰度 m₄/m₂² ≈ 3（均匀分布的是 1.8）

    The sample kurtosis of n normal values has standard error sqrt(24/n) = 0.0155
    (n = 10⁵); the bound ±0.2 is 13 standard errors, wide enough for the estimator's
    skewness, while a uniform (1.8) or a Laplace (6) distribution is far outside.
    It is computed from the sample's own moments, so a wrong variance does not fail it.
    """
    w, v = _values(student, "kaiming_normal", FAN_IN, FAN_OUT, seed=22)
    c = v - v.mean()
    kurtosis = float(np.mean(c ** 4) / np.mean(c ** 2) ** 2)
    if abs(kurtosis - 3.0) > 0.2:
        hint = _hint(bilingual(
            en="a kurtosis near 1.8 is that of a uniform distribution (Kaiming uniform): draw "
               "from a NORMAL distribution, e.g. torch.randn(...)·sqrt(2/fan_in).",
            zh="峰度接近 1.8 说明是均匀分布（Kaiming uniform）：请从【正态】分布中抽取，例如 "
               "torch.randn(...)·sqrt(2/fan_in)。")) if abs(kurtosis - 1.8) < 0.2 else ""
        fail(bilingual(en=f"the kurtosis m₄/m₂² of your {v.size} values is {kurtosis:.3f}, but a "
                          "normal distribution's is 3 (accepted: 3 ± 0.2)",
                       zh=f"你的 {v.size} 个值的峰度 m₄/m₂² 是 {kurtosis:.3f}，而正态分布的峰度"
                          "是 3（允许 3 ± 0.2）") + hint, w)


@pytest.mark.points(2)
def test_kaiming_normal_uses_the_generator(student):
    """kaiming_normal: the same generator seed gives the same tensor, another seed another

    中文：kaiming_normal: 生成器种子相同时得到相同的张量，种子不同则不同
    """
    _check_generator(student, "kaiming_normal")


# ================================================================ penalties and weight decay (16)

def _weights(rng):
    """Arrays of different shapes, as a network's weight matrices and vectors."""
    return [rng.normal(size=(4, 3)), rng.normal(size=(3,)), rng.normal(size=(2, 5, 2))]


@pytest.mark.points(3)
def test_l1_penalty_matches_reference(student, reference, rng):
    """l1_penalty: lam·Σ|w| over arrays of different shapes (lam = 0.1, 2.5)

    中文：l1_penalty: 在不同形状的数组上求 lam·Σ|w|（lam = 0.1, 2.5）
    """
    weights = _weights(rng)
    for lam in (0.1, 2.5):
        assert_close(student.l1_penalty(weights, lam), reference.l1_penalty(weights, lam),
                     names="penalty")


@pytest.mark.points(1)
def test_l1_penalty_lam_zero_and_integers(student, reference):
    """l1_penalty: lam = 0 gives 0; integer weights and a list of one array are accepted

    中文：l1_penalty: lam = 0 时为 0；接受整数权重和只含一个数组的列表
    """
    weights = [np.array([[1, -2], [3, 0]]), np.array([-4])]
    assert_close(student.l1_penalty(weights, 0.0), 0.0, names="penalty")
    assert_close(student.l1_penalty(weights, 0.5), reference.l1_penalty(weights, 0.5), names="penalty")
    assert_close(student.l1_penalty([weights[0]], 1.0), 6.0, names="penalty")


@pytest.mark.points(3)
def test_l2_penalty_matches_reference(student, reference, rng):
    """l2_penalty: lam·Σw² over arrays of different shapes (lam = 0.1, 2.5)

    中文：l2_penalty: 在不同形状的数组上求 lam·Σw²（lam = 0.1, 2.5）
    """
    weights = _weights(rng)
    for lam in (0.1, 2.5):
        assert_close(student.l2_penalty(weights, lam), reference.l2_penalty(weights, lam),
                     names="penalty")


@pytest.mark.points(1)
def test_l2_penalty_lam_zero_and_integers(student, reference):
    """l2_penalty: lam = 0 gives 0; integer weights and a list of one array are accepted

    中文：l2_penalty: lam = 0 时为 0；接受整数权重和只含一个数组的列表
    """
    weights = [np.array([[1, -2], [3, 0]]), np.array([-4])]
    assert_close(student.l2_penalty(weights, 0.0), 0.0, names="penalty")
    assert_close(student.l2_penalty(weights, 0.5), reference.l2_penalty(weights, 0.5), names="penalty")
    assert_close(student.l2_penalty([weights[0]], 1.0), 14.0, names="penalty")


@pytest.mark.points(3)
def test_weight_decay_step_matches_formula(student, reference, rng):
    """weight_decay_step: w − lr·(grad + lam·w) for matrices and vectors

    中文：weight_decay_step: 对矩阵和向量求 w − lr·(grad + lam·w)
    """
    for shape, lr, lam in [((3, 4), 0.1, 0.5), ((6,), 0.01, 2.0)]:
        w, grad = rng.normal(size=shape), rng.normal(size=shape)
        assert_close(student.weight_decay_step(w, grad, lr, lam),
                     reference.weight_decay_step(w, grad, lr, lam), names=bilingual(en="new w", zh="新的 w"))


@pytest.mark.points(1)
def test_weight_decay_step_lam_zero(student, rng):
    """weight_decay_step: lam = 0 is a plain gradient step w − lr·grad

    中文：weight_decay_step: lam = 0 时就是普通的梯度步 w − lr·grad
    """
    w, grad = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    assert_close(student.weight_decay_step(w, grad, 0.05, 0.0), w - 0.05 * grad, names=bilingual(en="new w", zh="新的 w"))


@pytest.mark.points(2)
def test_weight_decay_step_history(student, rng):
    """weight_decay_step: 20 steps with grad = 0 shrink w by (1 − lr·lam) each, every step

    中文：weight_decay_step: grad = 0 时走 20 步，每一步都把 w 缩小为 (1 − lr·lam) 倍
    """
    w0, lr, lam = rng.normal(size=(3, 2)), 0.1, 0.5
    w = w0
    for k in range(1, 21):
        w = student.weight_decay_step(w, np.zeros((3, 2)), lr, lam)
        assert_close(w, (1 - lr * lam) ** k * w0, names=bilingual(en=f"w after step {k}", zh=f"第 {k} 步之后的 w"))
        w = np.asarray(w, dtype=np.float64)


@pytest.mark.points(2)
@pytest.mark.depends_on("test_weight_decay_step_matches_formula")
def test_weight_decay_step_leaves_inputs_unchanged(student, rng):
    """weight_decay_step: w and grad are left unchanged (a new array is returned)

    中文：weight_decay_step: w 和 grad 保持不变（返回一个新数组）
    """
    w, grad = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    student.weight_decay_step(w, grad, 0.1, 0.5)
    assert_unchanged(student.last_call.changed, "weight_decay_step",
                     bilingual(en="Return w - lr * (grad + lam * w) as a new array; `w -= ...` "
                                  "edits the caller's weights.",
                               zh="把 w - lr * (grad + lam * w) 作为新数组返回；`w -= ...` 会改动"
                                  "调用者的权重。"))


# ================================================================ dropout (24)

DROPOUT_CASES = [((6,), 0.5, 0), ((4, 5), 0.3, 7), ((2, 3, 4), 0.8, 123), ((10, 10), 0.1, 2024)]


def _note_forward(check, forward_ok, note):
    """Run ``check``; where it fails and the student's forward pass was wrong on the same
    input, say so: the backward pass gets the forward pass's cache."""
    try:
        check()
    except GradingFailure as exc:
        if not forward_ok:
            fail(exc.student_message + "\n" + bilingual(en="Note: ", zh="注意：") + note,
                 exc.actual, extends=exc)
        raise


def _dropout_out(student, x, p, train, seed):
    return _output(student.dropout_forward(x, p, train, seed), ("out", "cache"), 0)


@pytest.mark.points(6)
def test_dropout_forward_mask(student, reference, rng):
    """dropout_forward: out = x·mask with the contract's mask, for several p, shapes and seeds (train mode)

    中文：dropout_forward: 用约定中的 mask 计算 out = x·mask，多种 p、形状和种子（训练模式）
    """
    for shape, p, seed in DROPOUT_CASES:
        x = rng.normal(size=shape)
        out = _dropout_out(student, x, p, True, seed)
        assert_close(out, reference.dropout_forward(x, p, True, seed)[0], names="out")


@pytest.mark.points(2)
def test_dropout_forward_p_zero_is_identity(student, rng):
    """dropout_forward: p = 0 drops nothing: out = x in train mode

    中文：dropout_forward: p = 0 时什么都不丢弃：训练模式下 out = x
    """
    for shape in [(5,), (3, 4)]:
        x = rng.normal(size=shape)
        assert_close(_dropout_out(student, x, 0.0, True, 3), x, names="out")


@pytest.mark.points(2)
def test_dropout_forward_keeps_the_expectation(student):
    """dropout_forward: E[out] = x: the mean of out over 10⁵ ones is 1 ± 0.017 (p = 0.5)

    中文：dropout_forward: E[out] = x：10⁵ 个 1 上 out 的均值为 1 ± 0.017（p = 0.5）

    Each entry of the mask is 0 or 1/(1 − p) = 2, mean 1, variance p/(1 − p) = 1: the
    mean of n = 10⁵ entries has standard error 1/√n = 0.0032; 5.5 of them is 0.017.
    """
    x = np.ones((100, 1000))
    out = _dropout_out(student, x, 0.5, True, 99)
    mean = float(np.mean(np.asarray(out, dtype=np.float64)))
    if abs(mean - 1.0) > 0.017:
        hint = _hint(bilingual(
            en="a mean of 1 − p means the kept entries are not scaled: divide the mask by "
               "(1 − p) (inverted dropout).",
            zh="均值为 1 − p 说明保留下来的元素没有缩放：把 mask 除以 (1 − p)"
               "（inverted dropout）。")) if abs(mean - 0.5) < 0.017 else ""
        fail(bilingual(en=f"the mean of dropout_forward(ones, p=0.5, train=True) is {mean:.4g}; "
                          "inverted dropout keeps the expectation, E[out] = x, so it should be "
                          "1 ± 0.017",
                       zh=f"dropout_forward(ones, p=0.5, train=True) 的均值是 {mean:.4g}；inverted "
                          "dropout 保持期望不变，E[out] = x，所以它应当是 1 ± 0.017") + hint, out)


@pytest.mark.points(3)
@pytest.mark.depends_on("test_dropout_forward_mask")
def test_dropout_forward_eval_mode(student, rng):
    """dropout_forward: train=False returns x unchanged, whatever p (0.5, 0.9)

    中文：dropout_forward: train=False 时无论 p 是多少（0.5、0.9）都原样返回 x
    """
    for shape, p, seed in [((4, 5), 0.5, 1), ((3, 3), 0.9, 2)]:
        x = rng.normal(size=shape)
        assert_close(_dropout_out(student, x, p, False, seed), x, names="out")


@pytest.mark.points(2)
@pytest.mark.depends_on("test_dropout_forward_mask")
def test_dropout_forward_leaves_x_unchanged(student, rng):
    """dropout_forward: x is left unchanged (train and eval mode)

    中文：dropout_forward: x 保持不变（训练和评估模式）
    """
    for train in (True, False):
        x = rng.normal(size=(4, 3))
        student.dropout_forward(x, 0.5, train, 4)
        assert_unchanged(student.last_call.changed, "dropout_forward",
                         bilingual(en="Compute out = x * mask as a new array; `x *= mask` edits "
                                      "the caller's x.",
                                   zh="把 out = x * mask 算成一个新数组；`x *= mask` 会改动调用者"
                                      "的 x。"))


@pytest.mark.points(4)
def test_dropout_backward_matches_reference(student, reference, rng):
    """dropout_backward: dx = dout·mask from your own cache, for several p, shapes and seeds

    中文：dropout_backward: 用你自己的 cache 算出的 dx = dout·mask，多种 p、形状和种子
    """
    for shape, p, seed in DROPOUT_CASES:
        x, dout = rng.normal(size=shape), rng.normal(size=shape)
        out, cache = student.dropout_forward(x, p, True, seed)
        dx = student.dropout_backward(dout, cache)
        expected_out, expected_cache = reference.dropout_forward(x, p, True, seed)
        _note_forward(lambda: assert_close(dx, reference.dropout_backward(dout, expected_cache), names="dx"),
                      is_close(out, expected_out), bilingual(
                          en="your dropout_forward's out is wrong on this input too (see its own "
                             "tests): dx = dout·mask with the contract's mask, so fix the mask "
                             "first.",
                          zh="你的 dropout_forward 在这个输入上的 out 也不对（见它自己的测试）："
                             "dx = dout·mask 用的是约定中的 mask，所以先改正 mask。"))


@pytest.mark.points(3)
def test_dropout_backward_central_differences(student, rng):
    """dropout_backward: dx matches central differences of Σ out·dout, out from your own dropout_forward

    中文：dropout_backward: dx 与 Σ out·dout 的中心差分一致，out 来自你自己的 dropout_forward
    """
    # out is linear in x for a fixed seed, so central differences are exact for any step:
    # h = 0.5 keeps the float32 round-off of a float32 forward pass far below the threshold.
    x, dout, p, seed = rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), 0.4, 5
    _, cache = student.dropout_forward(x, p, True, seed)
    dx = student.dropout_backward(dout, cache)

    def loss(v):
        out = _dropout_out(student, v, p, True, seed)
        return float(np.sum(np.asarray(out, dtype=np.float64) * dout))

    check_gradient(loss, x, dx, name="dx", h=0.5)


@pytest.mark.points(2)
@pytest.mark.depends_on("test_dropout_backward_matches_reference")
def test_dropout_backward_eval_mode(student, rng):
    """dropout_backward: in eval mode (train=False) dx = dout

    中文：dropout_backward: 评估模式下（train=False）dx = dout
    """
    x, dout = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    _, cache = student.dropout_forward(x, 0.5, False, 8)
    assert_close(student.dropout_backward(dout, cache), dout, names="dx")


# ================================================================ batch norm (39)

BN_SHAPES = [(8, 3), (16, 5), (4, 2)]


def _bn_inputs(rng, n, d):
    """x (n, d) whose columns have different means and batch standard deviations in
    [0.5, 3] exactly (no column of tiny variance by chance, where eps would matter),
    gamma (d,) far from 1 and beta (d,) far from 0."""
    z = rng.normal(size=(n, d))
    z = (z - z.mean(axis=0)) / z.std(axis=0)
    x = rng.uniform(-3.0, 3.0, size=d) + rng.uniform(0.5, 3.0, size=d) * z
    gamma = rng.uniform(0.5, 2.0, size=d) * rng.choice([-1.0, 1.0], size=d)
    beta = rng.uniform(-2.0, 2.0, size=d)
    return x, gamma, beta


def _running(rng, d):
    return rng.normal(size=d), rng.uniform(0.5, 2.0, size=d)


def _bn_param(mode, running=None, **kw):
    param = {"mode": mode, **kw}
    if running is not None:
        param["running_mean"], param["running_var"] = running[0].copy(), running[1].copy()
    return param


def _copy(param):
    return {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in param.items()}


def _bn_out(student, x, gamma, beta, param):
    return _output(student.batchnorm_forward(x, gamma, beta, param), ("out", "cache"), 0)


def _param_after(student, before):
    """The student's bn_param after their last call: the modified dict the worker sent
    back, or ``before`` when the call did not modify it."""
    changed = _changed_param(student)
    return before if changed is None else changed


def _changed_param(student):
    """The dict the student's last call left in bn_param, or None where it did not
    modify it."""
    for position, name, value in student.last_call.changed:
        if position in (3, "bn_param"):
            return value
    return None


@pytest.mark.points(5)
def test_batchnorm_forward_train(student, reference, rng):
    """batchnorm_forward: train-mode out = γ·(x − μ)/sqrt(σ² + eps) + β matches the reference ((8, 3), (16, 5), (4, 2))

    中文：batchnorm_forward: 训练模式下 out = γ·(x − μ)/sqrt(σ² + eps) + β 与参考答案一致（(8, 3)、(16, 5)、(4, 2)）
    """
    for n, d in BN_SHAPES:
        x, gamma, beta = _bn_inputs(rng, n, d)
        param = _bn_param("train", _running(rng, d), eps=1e-5, momentum=0.9)
        out = _bn_out(student, x, gamma, beta, _copy(param))
        expected, _ = reference.batchnorm_forward(x, gamma, beta, _copy(param))
        assert_close(out, expected, names="out")


@pytest.mark.points(2)
def test_batchnorm_forward_train_normalizes_columns(student, rng):
    """batchnorm_forward: in train mode every column of out has mean β and standard deviation |γ|·sqrt(σ²/(σ² + eps))

    中文：batchnorm_forward: 训练模式下 out 的每一列均值为 β，标准差为 |γ|·sqrt(σ²/(σ² + eps))
    """
    x, gamma, beta = _bn_inputs(rng, 12, 4)
    out = np.asarray(_bn_out(student, x, gamma, beta, _bn_param("train")), dtype=np.float64)
    var = x.var(axis=0)
    assert_close(out.mean(axis=0), beta, names=bilingual(en="the column means of out", zh="out 各列的均值"))
    assert_close(out.std(axis=0), np.abs(gamma) * np.sqrt(var / (var + 1e-5)),
                 names=bilingual(en="the column standard deviations of out", zh="out 各列的标准差"))


@pytest.mark.points(3)
def test_batchnorm_forward_biased_variance(student, reference, rng):
    """batchnorm_forward: the biased batch variance (ddof = 0), with N = 2 and 3 where N − 1 differs

    中文：batchnorm_forward: 有偏的批次方差（ddof = 0），N = 2 和 3 时与除以 N − 1 的结果不同
    """
    for n in (2, 3):
        x, gamma, beta = _bn_inputs(rng, n, 3)
        out = _bn_out(student, x, gamma, beta, _bn_param("train", eps=1e-5))
        expected, _ = reference.batchnorm_forward(x, gamma, beta, _bn_param("train", eps=1e-5))
        assert_close(out, expected, names="out")


@pytest.mark.points(3)
def test_batchnorm_forward_eps_inside_the_square_root(student, reference, rng):
    """batchnorm_forward: eps inside the square root, on a column of tiny variance (train and test mode)

    中文：batchnorm_forward: eps 在平方根里面，在方差极小的一列上检查（训练和测试模式）
    """
    # Column 0 has variance ~1e-6 next to eps = 1e-5: sqrt(σ² + eps) and sqrt(σ²) + eps
    # differ by a factor ~3. It is centred on 0, so that float32 keeps its precision.
    # γ = 1 and β = 0, so that only the normalization is tested here.
    x, _, _ = _bn_inputs(rng, 10, 3)
    x[:, 0] = 1e-3 * rng.normal(size=10)
    gamma, beta = np.ones(3), np.zeros(3)
    param = _bn_param("train", eps=1e-5)
    out = _bn_out(student, x, gamma, beta, _copy(param))
    expected, _ = reference.batchnorm_forward(x, gamma, beta, _copy(param))
    assert_close(out, expected, names=bilingual(en="out (train mode)", zh="out（训练模式）"))
    running = (np.zeros(3), np.array([1e-6, 1.0, 2.0]))
    param = _bn_param("test", running, eps=1e-5)
    out = _bn_out(student, x, gamma, beta, _copy(param))
    expected, _ = reference.batchnorm_forward(x, gamma, beta, _copy(param))
    assert_close(out, expected, names=bilingual(en="out (test mode)", zh="out（测试模式）"))


def _running_not_updated():
    return bilingual(
        en="your running statistics are not updated: in train mode compute momentum·running + "
           "(1 − momentum)·batch and store it in the dict, bn_param['running_mean'] = ... (the "
           "caller reads it from there).",
        zh="你的滑动统计量没有更新：在训练模式下计算 momentum·running + (1 − momentum)·batch，"
           "并把它存进 dict，bn_param['running_mean'] = ...（调用者从那里读取）。")


def _check_running(got_param, ref_param, context, left_as_it_was=False):
    """Compare the student's dict's running statistics with the reference's.

    Where the student's call did not modify bn_param (``left_as_it_was``: ``got_param``
    is the dict as sent), the failure says so itself: grader.hints sees an argument only
    where the call changed it. Wrong updates (momentum swapped, the batch's statistics,
    ddof = 1) are named by grader.hints (reference/hw7/misconceptions.py)."""
    for key in ("running_mean", "running_var"):
        if not isinstance(got_param, dict) or key not in got_param:
            fail(bilingual(en=f"{context}: bn_param has no {key!r} afterwards: in train mode store "
                              "the updated running statistics in the dict you are given "
                              f"(bn_param[{key!r}] = ...), also when the key was absent (start "
                              "from zeros for the mean, ones for the variance).",
                           zh=f"{context}：bn_param 之后没有 {key!r}：在训练模式下把更新后的滑动"
                              f"统计量存进传给你的 dict（bn_param[{key!r}] = ...），键不存在时也要"
                              "存（均值从 0 开始，方差从 1 开始）。"),
                 got_param.get(key) if isinstance(got_param, dict) else None)
        try:
            assert_close(got_param[key], ref_param[key], names=f"{context}: bn_param[{key!r}]")
        except GradingFailure as exc:
            if not left_as_it_was:
                raise
            fail(exc.student_message + _hint(_running_not_updated()), exc.actual, extends=exc)


@pytest.mark.points(3)
def test_batchnorm_forward_running_statistics_one_call(student, reference, rng):
    """batchnorm_forward: train mode updates bn_param's running_mean and running_var in place, after one call

    中文：batchnorm_forward: 训练模式下调用一次后，原地更新 bn_param 的 running_mean 和 running_var
    """
    x, gamma, beta = _bn_inputs(rng, 8, 4)
    running = _running(rng, 4)
    param = _bn_param("train", running, eps=1e-5, momentum=0.9)
    student.batchnorm_forward(x, gamma, beta, _copy(param))
    got = _param_after(student, param)
    ref_param = _copy(param)
    reference.batchnorm_forward(x, gamma, beta, ref_param)
    _check_running(got, ref_param,
                   bilingual(en="after batchnorm_forward(x (8, 4), ..., bn_param) in train mode",
                             zh="训练模式下 batchnorm_forward(x (8, 4), ..., bn_param) 之后"),
                   left_as_it_was=_changed_param(student) is None)


@pytest.mark.points(3)
def test_batchnorm_forward_running_statistics_history(student, reference, rng):
    """batchnorm_forward: running_mean and running_var after each of 5 train-mode calls (momentum = 0.75), your dict passed on

    中文：batchnorm_forward: 5 次训练模式调用中每次之后的 running_mean 和 running_var（momentum = 0.75），沿用你的 dict
    """
    running = _running(rng, 3)
    param = _bn_param("train", running, eps=1e-5, momentum=0.75)
    ref_param = _copy(param)
    for k in range(1, 6):
        x, gamma, beta = _bn_inputs(rng, 6, 3)
        student.batchnorm_forward(x, gamma, beta, param)
        param = _param_after(student, param)
        reference.batchnorm_forward(x, gamma, beta, ref_param)
        _check_running(param, ref_param,
                       bilingual(en=f"after {k} train-mode call(s) of batchnorm_forward with "
                                    "momentum = 0.75",
                                 zh=f"momentum = 0.75 时训练模式下调用 batchnorm_forward {k} 次之后"),
                       left_as_it_was=_changed_param(student) is None)
        if not isinstance(param, dict):
            break


@pytest.mark.points(3)
def test_batchnorm_forward_defaults(student, reference, rng):
    """batchnorm_forward: bn_param = {'mode': 'train'} uses eps = 1e-5, momentum = 0.9, and gains running_mean and running_var

    中文：batchnorm_forward: bn_param = {'mode': 'train'} 时使用 eps = 1e-5、momentum = 0.9，并得到 running_mean 和 running_var
    """
    # Column 0 has variance ~1e-5, so that eps = 1e-5 and another default (1e-8, 1e-3) differ.
    x, gamma, beta = _bn_inputs(rng, 8, 3)
    x[:, 0] = 3e-3 * rng.normal(size=8)
    out = _bn_out(student, x, gamma, beta, {"mode": "train"})
    got = _param_after(student, {"mode": "train"})
    ref_param = {"mode": "train"}
    expected, _ = reference.batchnorm_forward(x, gamma, beta, ref_param)
    assert_close(out, expected, names=bilingual(en="out (eps = 1e-5 by default)", zh="out（默认 eps = 1e-5）"))
    _check_running(got, ref_param,
                   bilingual(en="after batchnorm_forward(x (8, 3), ..., {'mode': 'train'})",
                             zh="batchnorm_forward(x (8, 3), ..., {'mode': 'train'}) 之后"),
                   left_as_it_was=_changed_param(student) is None)


@pytest.mark.points(4)
def test_batchnorm_forward_test_mode(student, reference, rng):
    """batchnorm_forward: test mode uses the running statistics and γ, β (eps given, and by default)

    中文：batchnorm_forward: 测试模式使用滑动统计量和 γ、β（给定 eps 以及默认 eps）
    """
    for n, d, kw in [(6, 3, {"eps": 1e-5, "momentum": 0.9}), (5, 4, {})]:
        x, gamma, beta = _bn_inputs(rng, n, d)
        running = (x.mean(axis=0) + rng.uniform(1.0, 2.0, size=d), x.var(axis=0) * rng.uniform(2.0, 4.0, size=d))
        param = _bn_param("test", running, **kw)
        out = _bn_out(student, x, gamma, beta, _copy(param))
        expected, _ = reference.batchnorm_forward(x, gamma, beta, _copy(param))
        assert_close(out, expected, names="out")


@pytest.mark.points(2)
@pytest.mark.depends_on("test_batchnorm_forward_test_mode")
def test_batchnorm_forward_test_mode_keeps_running_statistics(student, rng):
    """batchnorm_forward: test mode leaves bn_param's running_mean and running_var as they were

    中文：batchnorm_forward: 测试模式不改变 bn_param 的 running_mean 和 running_var
    """
    x, gamma, beta = _bn_inputs(rng, 6, 3)
    running = _running(rng, 3)
    param = _bn_param("test", running, eps=1e-5, momentum=0.9)
    student.batchnorm_forward(x, gamma, beta, _copy(param))
    got = _param_after(student, param)
    for index, key in enumerate(("running_mean", "running_var")):
        if not isinstance(got, dict) or not is_close(got.get(key), running[index], rtol=0, atol=0):
            fail(bilingual(en=f"batchnorm_forward in test mode changed bn_param[{key!r}]: the "
                              "running statistics are updated in train mode only; at test time "
                              "they are only read.",
                           zh=f"batchnorm_forward 在测试模式下改动了 bn_param[{key!r}]：滑动统计量"
                              "只在训练模式下更新；测试时只读取它们。"),
                 got.get(key) if isinstance(got, dict) else got)


@pytest.mark.points(2)
@pytest.mark.depends_on("test_batchnorm_forward_train")
def test_batchnorm_forward_leaves_x_unchanged(student, rng):
    """batchnorm_forward: x, gamma and beta are left unchanged (train and test mode)

    中文：batchnorm_forward: x、gamma 和 beta 保持不变（训练和测试模式）
    """
    for mode in ("train", "test"):
        x, gamma, beta = _bn_inputs(rng, 5, 3)
        student.batchnorm_forward(x, gamma, beta, _bn_param(mode, _running(rng, 3)))
        changed = [c for c in student.last_call.changed if c[0] not in (3, "bn_param")]
        assert_unchanged(changed, "batchnorm_forward",
                         bilingual(en="Compute x − μ as a new array (x - mu), not `x -= mu`.",
                                   zh="把 x − μ 算成一个新数组（x - mu），不要用 `x -= mu`。"))


def _bn_forward_note():
    return bilingual(
        en="your batchnorm_forward's train-mode out is wrong on this input too (see its own "
           "tests), and its cache feeds your backward pass: fix the forward pass first.",
        zh="你的 batchnorm_forward 在这个输入上训练模式的 out 也不对（见它自己的测试），而它的 "
           "cache 会传给你的反向传播：先改正前向传播。")


def _backward(student, reference, rng, n, d):
    """The student's (dx, dgamma, dbeta) from their own cache, the reference's, and
    whether the student's forward out was right."""
    x, gamma, beta = _bn_inputs(rng, n, d)
    dout = rng.normal(size=(n, d))
    result = student.batchnorm_forward(x, gamma, beta, _bn_param("train", eps=1e-5))
    grads = student.batchnorm_backward(dout, _output(result, ("out", "cache"), 1))
    ref_out, ref_cache = reference.batchnorm_forward(x, gamma, beta, _bn_param("train", eps=1e-5))
    forward_ok = is_close(result[0], ref_out)
    return x, gamma, dout, grads, reference.batchnorm_backward(dout, ref_cache), forward_ok


@pytest.mark.points(3)
def test_batchnorm_backward_dx(student, reference, rng):
    """batchnorm_backward: dx matches the reference, from your own cache ((8, 3), (16, 5), (4, 2))

    中文：batchnorm_backward: 用你自己的 cache 算出的 dx 与参考答案一致（(8, 3)、(16, 5)、(4, 2)）
    """
    for n, d in BN_SHAPES:
        x, gamma, dout, grads, expected, forward_ok = _backward(student, reference, rng, n, d)
        dx = _output(grads, ("dx", "dgamma", "dbeta"), 0)
        naive = dout * gamma / np.sqrt(x.var(axis=0) + 1e-5)
        _note_forward(lambda: _assert_close_or_explain(dx, expected[0], "dx", [
            (naive, bilingual(
                en="your dx is dout·γ/sqrt(σ² + eps), as if μ and σ² were constants: they are "
                   "functions of every x in the column, so dx = (1/(N·sqrt(σ² + eps)))·(N·dx̂ − "
                   "Σ dx̂ − x̂·Σ dx̂·x̂) with dx̂ = dout·γ (sums over the batch, axis=0).",
                zh="你的 dx 是 dout·γ/sqrt(σ² + eps)，好像 μ 和 σ² 是常数一样：它们是这一列每个 x "
                   "的函数，所以 dx = (1/(N·sqrt(σ² + eps)))·(N·dx̂ − Σ dx̂ − x̂·Σ dx̂·x̂)，其中 "
                   "dx̂ = dout·γ（对批次求和，axis=0）。")),
        ]), forward_ok, _bn_forward_note())


@pytest.mark.points(3)
def test_batchnorm_backward_dgamma_dbeta(student, reference, rng):
    """batchnorm_backward: dgamma and dbeta (D,) match the reference, from your own cache

    中文：batchnorm_backward: 用你自己的 cache 算出的 dgamma 和 dbeta (D,) 与参考答案一致
    """
    for n, d in BN_SHAPES:
        x, gamma, dout, grads, expected, forward_ok = _backward(student, reference, rng, n, d)
        dgamma = _output(grads, ("dx", "dgamma", "dbeta"), 1)
        _note_forward(lambda: _assert_close_or_explain(dgamma, expected[1], "dgamma", [
            ((dout * x).sum(axis=0), bilingual(
                en="your dgamma is Σ dout·x: γ multiplies the NORMALIZED x̂, so dgamma = "
                   "Σ dout·x̂ over the batch.",
                zh="你的 dgamma 是 Σ dout·x：γ 乘的是【归一化后】的 x̂，所以 dgamma = 对批次求和的 "
                   "Σ dout·x̂。")),
        ]), forward_ok, _bn_forward_note())
        assert_close(_output(grads, ("dx", "dgamma", "dbeta"), 2), expected[2], names="dbeta")


@pytest.mark.points(3)
def test_batchnorm_backward_central_differences(student, reference, rng):
    """batchnorm_backward: dx, dgamma, dbeta match central differences of Σ out·dout

    中文：batchnorm_backward: dx、dgamma、dbeta 与 Σ out·dout 的中心差分一致
    """
    # eps = 0 (given in bn_param), so that where eps sits (tested on its own above) makes
    # no difference here: central differences judge entries down to 10⁻³ of the largest,
    # where an eps outside the square root would show as a relative error ~eps/(10⁻³·σ).
    x, gamma, beta = _bn_inputs(rng, 5, 3)
    dout = rng.normal(size=(5, 3))
    result = student.batchnorm_forward(x, gamma, beta, _bn_param("train", eps=0.0))
    grads = student.batchnorm_backward(dout, _output(result, ("out", "cache"), 1))
    dx, dgamma, dbeta = (_output(grads, ("dx", "dgamma", "dbeta"), i) for i in range(3))

    def loss(x, gamma, beta):
        return float(np.sum(reference.batchnorm_forward(x, gamma, beta, _bn_param("train", eps=0.0))[0]
                            * dout))

    forward_ok = is_close(result[0], reference.batchnorm_forward(x, gamma, beta, _bn_param("train", eps=0.0))[0])
    for name, index, value in (("dx", 0, dx), ("dgamma", 1, dgamma), ("dbeta", 2, dbeta)):
        def loss_of(v, index=index):
            args = [x, gamma, beta]
            args[index] = v
            return loss(*args)
        point = (x, gamma, beta)[index]
        _note_forward(lambda: check_gradient(loss_of, point, value, name=name), forward_ok,
                      _bn_forward_note())
