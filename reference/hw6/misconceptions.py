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
    "np.std, whose default is ddof=0."))
def std_ddof1(reference, dataset):
    xs = _features(dataset)
    return xs.mean(dim=0).float(), xs.std(dim=0, correction=1).float()


@misconception("feature_stats", id="stats_per_sample", hint=(
    "your mean and std have one value per sample: you averaged over the seven features of "
    "each sample (axis/dim 1). Average over the samples instead, dim=0 of the (N, 7) "
    "stack, to get one mean and one std per feature, shape (7,)."))
def stats_per_sample(reference, dataset):
    xs = _features(dataset)
    return xs.mean(dim=1).float(), xs.std(dim=1, correction=0).float()
