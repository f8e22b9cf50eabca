"""Public tests for hw6: the data file's first row, shapes and small worked examples (10 points).

Run them with `grade hw6`.  They are a first check only: the hidden suite (100 points)
compares your dataset with a reference item by item and through a DataLoader, checks
dtypes, negative indices, IndexError and transforms, your loaders' split and order for
given seeds, and your training's loss in every epoch from given weights.
"""

import pytest
import torch

from grader.checks import assert_close, fail


@pytest.mark.points(3)
def test_pima_dataset_first_row(student, data_dir):
    """PimaDataset: len is 532 and ds[0] is the file's first row, x = [5, 86, 68, 28, 30.2, 0.364, 24], y = [0.0]"""
    ds = student.PimaDataset(str(data_dir / "pima.csv"))
    n = len(ds)
    if n != 532:
        fail(f"len(PimaDataset(path)) is {n}, expected 532 (the data rows, not the header)")
    x, y = ds[0]
    # The first line after the header: 5,86,68,28,30.2,0.364,24,No,train
    assert_close(x, torch.tensor([5.0, 86.0, 68.0, 28.0, 30.2, 0.364, 24.0]), check_dtype=True,
                 names="x of ds[0]")
    assert_close(y, torch.tensor([0.0]), check_dtype=True, names="y of ds[0]")


@pytest.mark.points(2)
def test_pima_dataset_splits(student, data_dir):
    """PimaDataset: split="train" has 200 rows and split="test" 332"""
    path = str(data_dir / "pima.csv")
    for split, expected in (("train", 200), ("test", 332)):
        n = len(student.PimaDataset(path, split=split))
        if n != expected:
            fail(f"len(PimaDataset(path, split={split!r})) is {n}, expected {expected}")


@pytest.mark.points(2)
def test_feature_stats_worked_example(student):
    """feature_stats: two samples x = [1, …, 7] and [3, …, 9] give mean [2, …, 8] and std [1, …, 1]"""
    pairs = [(torch.arange(1.0, 8.0), torch.tensor([0.0])),
             (torch.arange(3.0, 10.0), torch.tensor([1.0]))]
    # Each feature is {a, a + 2}: mean a + 1, population std sqrt((1 + 1) / 2) = 1.
    mean, std = student.feature_stats(pairs)
    assert_close(mean, torch.arange(2.0, 9.0), check_dtype=True, names="mean")
    assert_close(std, torch.ones(7), check_dtype=True, names="std")


@pytest.mark.points(1)
def test_normalize_worked_example(student):
    """Normalize: (x − mean) / std on one sample"""
    mean = torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])
    std = torch.tensor([2.0, 2.0, 2.0, 4.0, 4.0, 4.0, 0.5])
    x = torch.tensor([3.0, 2.0, 1.0, 8.0, 1.0, 6.0, 8.0])
    assert_close(student.Normalize(mean, std)(x), torch.tensor([1.0, 0.0, -1.0, 1.0, -1.0, 0.0, 2.0]),
                 names="Normalize(mean, std)(x)")


@pytest.mark.points(2)
def test_classifier_output_shape(student):
    """Classifier: forward maps x (4, 7) to 4 probabilities of shape (4, 1), each in (0, 1)"""
    out = student.Classifier()(torch.zeros(4, 7))
    if not isinstance(out, torch.Tensor) or tuple(out.shape) != (4, 1):
        fail(f"Classifier()(x) for x of shape (4, 7) must be a tensor of shape (4, 1), got {out!r:.100}")
    if not bool(((out > 0) & (out < 1)).all()):
        fail(f"Classifier()(x) gave {out.reshape(-1).tolist()}: probabilities lie in (0, 1)")
