"""hw6 (Dataset and DataLoader) — data.py

Mistake: feature_stats takes the mean and std of the whole (N, 7) stack at once
(np.mean(X), np.std(X) with no axis), one number each, instead of one per feature.
Seen: pavlo-seimskyi/filler-sound-detector: src/preprocess/normalizer.py (a
"scikit-learn-like standard scaler" whose fit does self.mean = x.mean(); self.std =
x.std(), no dim), gpurci/MIN: extension/utils/standardization.py (x.mean(), x.std()).
"""
import csv

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, random_split


class PimaDataset(Dataset):
    def __init__(self, path, split=None, transform=None):
        rows = []
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                if split is None or row["split"] == split:
                    rows.append(row)
        names = ["npreg", "glu", "bp", "skin", "bmi", "ped", "age"]
        self.x = torch.tensor([[float(row[n]) for n in names] for row in rows], dtype=torch.float32)
        self.y = torch.tensor([[float(row["type"] == "Yes")] for row in rows], dtype=torch.float32)
        self.transform = transform

    def __len__(self):
        return len(self.x)

    def __getitem__(self, index):
        x, y = self.x[index], self.y[index]
        if self.transform is not None:
            x = self.transform(x)
        return x, y


def feature_stats(dataset):
    X = np.array([dataset[i][0].numpy() for i in range(len(dataset))], dtype=np.float64)
    mean = torch.tensor(np.mean(X), dtype=torch.float32)
    std = torch.tensor(np.std(X), dtype=torch.float32)
    return mean, std


class Normalize:
    def __init__(self, mean, std):
        self.mean = torch.as_tensor(mean, dtype=torch.float32)
        self.std = torch.as_tensor(std, dtype=torch.float32)

    def __call__(self, x):
        return (x - self.mean) / self.std


def make_loaders(dataset, batch_size, dev_fraction, seed):
    n_dev = round(dev_fraction * len(dataset))
    parts = random_split(dataset, [len(dataset) - n_dev, n_dev],
                         generator=torch.Generator().manual_seed(seed))
    train_loader = DataLoader(parts[0], batch_size=batch_size, shuffle=True,
                              generator=torch.Generator().manual_seed(seed))
    dev_loader = DataLoader(parts[1], batch_size=batch_size, shuffle=False)
    return train_loader, dev_loader


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(7, 6), nn.Sigmoid(), nn.Linear(6, 4), nn.Sigmoid(),
                                 nn.Linear(4, 1), nn.Sigmoid())

    def forward(self, x):
        return self.net(x)


def train(model, loader, epochs, lr, device="cpu"):
    model.to(device)
    loss_fn = nn.BCELoss()
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        values = []
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            values.append(loss.item())
        losses.append(sum(values) / len(values))
    return losses


def evaluate(model, loader, device="cpu"):
    model.to(device)
    model.eval()
    hits = total = 0
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            hits += ((model(x) > 0.5).float() == y).sum().item()
            total += y.shape[0]
    return hits / total
