"""Known mistakes in hw6 (Dataset and DataLoader), as wrong variants of the reference.

``grader.hints`` only diagnoses calls whose arguments and result are plain data, and
most hw6 calls pass handles (the student's datasets, loaders and models). Of the
contract's functions only ``feature_stats``, called on a plain list of (x, y) pairs,
qualifies; the mistakes made in PimaDataset, make_loaders, train and evaluate are
named in the hidden suite's failure messages instead (reference/hw6/tests/test_hidden.py).

``seen`` says where each mistake was found in public student code ("owner/repository:
path"); a mistake without one is in the issue's list of typical hw6 mistakes, and no
public file showing it was read. The realistic wrong submissions of
``tests/feedback/hw6/`` name, in a comment, where the suite-named mistakes were seen.
"""

import torch

from grader.hints import misconception


#: "Get column wise mean by setting dim=1": torch.mean(train_data, dim=1) and
#: torch.std(train_data, dim=1), whose default divides by N − 1.
SEEN_NORMALIZATION_DIM1 = "PLSE-Lab/Python-MLAPI-expl: python_sources/normalization.py"


def _features(dataset):
    """The x of every sample, stacked into a float64 tensor (N, 7)."""
    return torch.stack([torch.as_tensor(dataset[i][0]) for i in range(len(dataset))]).double()


@misconception("feature_stats", id="std_ddof1", hint=(
    "your std divides by N − 1 (torch.std's default, unbiased=True): the population std "
    "divides by N: use torch.std(x, dim=0, unbiased=False) (correction=0), or NumPy's "
    "np.std, whose default is ddof=0."), hint_zh=(
    "你的标准差除以了 N − 1（torch.std 的默认，unbiased=True）：总体标准差除以 N：用 "
    "torch.std(x, dim=0, unbiased=False)（correction=0），或默认 ddof=0 的 NumPy np.std。"),
    seen=[SEEN_NORMALIZATION_DIM1, "michaelpginn/fst-distillation: src/learn.py",
          "dwitman1/pytorch_ensemble: torchensemble/normalizers.py"])
def std_ddof1(reference, dataset):
    xs = _features(dataset)
    return xs.mean(dim=0).float(), xs.std(dim=0, correction=1).float()


@misconception("feature_stats", id="stats_per_sample", hint=(
    "your mean and std have one value per sample: you averaged over the seven features of "
    "each sample (axis/dim 1). Average over the samples instead, dim=0 of the (N, 7) "
    "stack, to get one mean and one std per feature, shape (7,)."), hint_zh=(
    "你的均值和标准差每个样本一个值：你对每个样本的七个特征求了平均（axis/dim 1）。应对样本求平均，"
    "即 (N, 7) 堆叠后的 dim=0，得到每个特征一个均值和一个标准差，形状 (7,)。"),
    seen=[SEEN_NORMALIZATION_DIM1])
def stats_per_sample(reference, dataset):
    xs = _features(dataset)
    return xs.mean(dim=1).float(), xs.std(dim=1, correction=0).float()


@misconception("feature_stats", id="stats_variance", hint=(
    "your std is the variance, the mean of the squared deviations: the standard deviation is "
    "its square root, sqrt((1/N) Σ (x − mean)²): take .sqrt() (or torch.std(x, dim=0, "
    "unbiased=False))."), hint_zh=(
    "你的 std 是方差，即偏差平方的平均：标准差是它的平方根 sqrt((1/N) Σ (x − mean)²)：请再取 "
    ".sqrt()（或用 torch.std(x, dim=0, unbiased=False)）。"))
def stats_variance(reference, dataset):
    xs = _features(dataset)
    return xs.mean(dim=0).float(), xs.var(dim=0, correction=0).float()


@misconception("feature_stats", id="stats_whole_tensor", hint=(
    "your mean and std are single numbers, taken over every value of the (N, 7) stack at "
    "once (no dim given): feature scaling needs one mean and one std per feature, over the "
    "samples: x.mean(dim=0), x.std(dim=0, unbiased=False), shape (7,)."), hint_zh=(
    "你的均值和标准差是单个数，是对 (N, 7) 堆叠中所有值一起算的（没有指定 dim）：特征缩放需要每个"
    "特征一个均值和一个标准差，对样本计算：x.mean(dim=0)、x.std(dim=0, unbiased=False)，"
    "形状 (7,)。"), seen=["pavlo-seimskyi/filler-sound-detector: src/preprocess/normalizer.py",
                       "gpurci/MIN: extension/utils/standardization.py"])
def stats_whole_tensor(reference, dataset):
    xs = _features(dataset)
    return xs.mean().float(), xs.std(correction=0).float()
