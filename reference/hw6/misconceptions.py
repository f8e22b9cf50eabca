"""Known mistakes in hw6 (Dataset and DataLoader), as wrong variants of the reference.

``grader.hints`` only diagnoses calls whose arguments and result are plain data, and
most hw6 calls pass handles (the student's datasets, loaders and models). Of the
contract's functions only ``feature_stats``, called on a plain list of (x, y) pairs,
qualifies; the mistakes made in PimaDataset, make_loaders, train and evaluate are
named in the hidden suite's failure messages instead (reference/hw6/tests/test_hidden.py).
"""

import torch

from grader.hints import misconception


def _features(dataset):
    """The x of every sample, stacked into a float64 tensor (N, 7)."""
    return torch.stack([torch.as_tensor(dataset[i][0]) for i in range(len(dataset))]).double()


@misconception("feature_stats", id="std_ddof1", hint=(
    "your std divides by N − 1 (torch.std's default, unbiased=True): the population std "
    "divides by N: use torch.std(x, dim=0, unbiased=False) (correction=0), or NumPy's "
    "np.std, whose default is ddof=0."), hint_zh=(
    "你的标准差除以了 N − 1（torch.std 的默认，unbiased=True）：总体标准差除以 N：用 "
    "torch.std(x, dim=0, unbiased=False)（correction=0），或默认 ddof=0 的 NumPy np.std。"))
def std_ddof1(reference, dataset):
    xs = _features(dataset)
    return xs.mean(dim=0).float(), xs.std(dim=0, correction=1).float()


@misconception("feature_stats", id="stats_per_sample", hint=(
    "your mean and std have one value per sample: you averaged over the seven features of "
    "each sample (axis/dim 1). Average over the samples instead, dim=0 of the (N, 7) "
    "stack, to get one mean and one std per feature, shape (7,)."), hint_zh=(
    "你的均值和标准差每个样本一个值：你对每个样本的七个特征求了平均（axis/dim 1）。应对样本求平均，"
    "即 (N, 7) 堆叠后的 dim=0，得到每个特征一个均值和一个标准差，形状 (7,)。"))
def stats_per_sample(reference, dataset):
    xs = _features(dataset)
    return xs.mean(dim=1).float(), xs.std(dim=1, correction=0).float()
