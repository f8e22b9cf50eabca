"""hw6 — Dataset and DataLoader (torch): the reference solution.

The Pima Indians diabetes data (R's MASS package, Pima.tr and Pima.te) as a
``torch.utils.data.Dataset``, its feature statistics and a normalizing transform,
seeded train/dev loaders, and the three-layer sigmoid classifier of Liu Er's
"PyTorch 深度学习实践" (lectures 7 and 8: multiple-dimension input, Dataset and
DataLoader), trained with binary cross entropy and mini-batch SGD.
"""

from __future__ import annotations

import csv
import operator

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, random_split

__all__ = ["FEATURES", "PimaDataset", "feature_stats", "Normalize", "make_loaders",
           "Classifier", "train", "evaluate"]

#: The seven measurements, in the file's column order.
FEATURES = ("npreg", "glu", "bp", "skin", "bmi", "ped", "age")
SPLITS = ("train", "test")


class PimaDataset(Dataset):
    """The rows of ``pima.csv`` as (x, y) samples.

    Args:
        path: the CSV file (columns npreg, glu, bp, skin, bmi, ped, age, type, split,
            with a header line).
        split: ``"train"`` or ``"test"`` keeps the rows whose ``split`` column equals
            it; ``None`` keeps every row.
        transform: a callable applied to x (never to y) in ``__getitem__``, or None.

    Raises:
        ValueError: for a split other than "train", "test" or None.
    """

    def __init__(self, path, split=None, transform=None):
        if split is not None and split not in SPLITS:
            raise ValueError(f"split must be 'train', 'test' or None, got {split!r}")
        with open(path, newline="", encoding="utf-8") as f:
            rows = [r for r in csv.DictReader(f) if split is None or r["split"] == split]
        self.x = torch.tensor([[float(r[c]) for c in FEATURES] for r in rows], dtype=torch.float32)
        self.y = torch.tensor([[1.0 if r["type"] == "Yes" else 0.0] for r in rows],
                              dtype=torch.float32)
        self.transform = transform

    def __len__(self) -> int:
        """The number of rows kept (the header is not a row)."""
        return self.x.shape[0]

    def __getitem__(self, index):
        """Sample ``index`` as (x, y): x float32 (7,), the measurements in file order
        after ``transform``; y float32 (1,), 1.0 for type "Yes" and 0.0 for "No".

        Negative indices count from the end (-1 is the last row).

        Raises:
            IndexError: unless -len <= index < len.
        """
        i = operator.index(index)
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f"index {i} is out of range for a dataset of {n} samples")
        x = self.x[i].clone()
        if self.transform is not None:
            x = self.transform(x)
        return x, self.y[i].clone()


def feature_stats(dataset):
    """Column-wise mean and population standard deviation of x over a dataset.

    Args:
        dataset: any map-style dataset of (x, y) samples with x of shape (7,): a
            ``PimaDataset``, a ``Subset`` of one, or a list of (x, y) pairs. Only
            ``len(dataset)`` and ``dataset[i]`` are used.

    Returns:
        (mean, std): float32 tensors of shape (7,); std = sqrt((1/N) Σₙ (xₙ − mean)²)
        (the population std, ddof = 0, as in hw4's ``standardize``).
    """
    xs = torch.stack([torch.as_tensor(dataset[i][0]) for i in range(len(dataset))])
    xs = xs.to(torch.float64)
    return xs.mean(dim=0).float(), xs.std(dim=0, correction=0).float()


class Normalize:
    """The transform x ↦ (x − mean) / std (feature scaling, 特征缩放).

    Args:
        mean, std: (7,) tensors (or sequences of numbers), e.g. from ``feature_stats``
            of the training data.

    Calling it on x of shape (7,) or (B, 7) returns a new tensor of x's shape, dtype
    and device; x is not modified.
    """

    def __init__(self, mean, std):
        self.mean = torch.as_tensor(mean)
        self.std = torch.as_tensor(std)

    def __call__(self, x):
        x = torch.as_tensor(x)
        return (x - self.mean.to(x)) / self.std.to(x)


def make_loaders(dataset, batch_size, dev_fraction, seed):
    """Split a dataset at random into train and dev parts and wrap each in a DataLoader.

    Args:
        dataset: a map-style dataset of N samples.
        batch_size: samples per batch (the last batch of each loader may be smaller).
        dev_fraction: the share of samples for the dev set, in [0, 1].
        seed: seeds both the split and the train loader's shuffling.

    Returns:
        (train_loader, dev_loader): ``random_split(dataset, [N − n_dev, n_dev],
        generator=torch.Generator().manual_seed(seed))`` with n_dev =
        round(dev_fraction·N); the train loader shuffles with
        ``torch.Generator().manual_seed(seed)``, the dev loader keeps its order.
    """
    n = len(dataset)
    n_dev = round(dev_fraction * n)
    train_set, dev_set = random_split(dataset, [n - n_dev, n_dev],
                                      generator=torch.Generator().manual_seed(seed))
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True,
                              generator=torch.Generator().manual_seed(seed))
    dev_loader = DataLoader(dev_set, batch_size=batch_size, shuffle=False)
    return train_loader, dev_loader


class Classifier(nn.Module):
    """Liu Er's diabetes network: Linear 7→6, sigmoid, Linear 6→4, sigmoid,
    Linear 4→1, sigmoid.

    ``forward(x)``: x float32 (N, 7) → probabilities P(diabetes | x), float32 (N, 1),
    each in (0, 1).
    """

    def __init__(self):
        super().__init__()
        self.linear1 = nn.Linear(7, 6)
        self.linear2 = nn.Linear(6, 4)
        self.linear3 = nn.Linear(4, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        x = self.sigmoid(self.linear1(x))
        x = self.sigmoid(self.linear2(x))
        return self.sigmoid(self.linear3(x))


def train(model, loader, epochs, lr, device="cpu"):
    """Mini-batch SGD on the binary cross entropy (BCELoss, 交叉熵), on ``device``.

    For each epoch and each batch (x, y) of ``loader``, in its order: move x and y to
    the device, zero the gradients, loss = BCELoss(model(x), y), backward, SGD step
    with learning rate ``lr``. The model is moved to ``device`` and trained in place.

    Args:
        model: a ``Classifier`` (any module mapping (B, 7) to (B, 1) probabilities).
        loader: an iterable of (x, y) batches, x (B, 7) and y (B, 1) float32: a
            DataLoader, or a list of batches.
        epochs: the number of passes over the loader.
        lr: the learning rate.
        device: "cpu" or "cuda".

    Returns:
        list of ``epochs`` Python floats: losses[k] is the mean of the batch losses of
        epoch k (each taken before its batch's update), the plain mean over batches.
    """
    model.to(device)
    model.train()
    criterion = nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        total, batches = 0.0, 0
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            optimizer.zero_grad()
            loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item()
            batches += 1
        losses.append(total / batches)
    return losses


def evaluate(model, loader, device="cpu"):
    """Accuracy of ``model`` over every sample of ``loader`` at threshold 0.5.

    A sample is predicted positive when model(x) > 0.5, and is right when the
    prediction equals y. The model is moved to ``device``; no gradients are tracked
    and the weights are unchanged.

    Returns:
        float in [0, 1]: (number right) / (number of samples), over all batches.
    """
    model.to(device)
    model.eval()
    right, count = 0, 0
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            predicted = (model(x) > 0.5).to(y.dtype)
            right += int((predicted == y).sum().item())
            count += y.numel()
    return right / count
