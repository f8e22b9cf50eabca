"""hw6 data.py

Mistake: the train loader drops the last, smaller batch (drop_last=True, a habit
from BatchNorm models), so some training samples are never trained on.
(The issue lists drop_last among the typical hw6 mistakes; the public file read,
SunnyGJing/Algorithm-note: Note/python/深度学习/pytorch/utils.md, spells the option
out, as drop_last=False.)
"""
import csv

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader, random_split


class PimaDataset(Dataset):
    FEATURES = ["npreg", "glu", "bp", "skin", "bmi", "ped", "age"]

    def __init__(self, path, split=None, transform=None):
        with open(path, encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        if split:
            rows = [r for r in rows if r["split"] == split]
        self.x = torch.tensor([[float(r[k]) for k in self.FEATURES] for r in rows])
        self.y = torch.tensor([[float(r["type"] == "Yes")] for r in rows])
        self.transform = transform

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        if self.transform:
            return self.transform(self.x[i]), self.y[i]
        return self.x[i], self.y[i]


def feature_stats(dataset):
    x = torch.stack([dataset[i][0] for i in range(len(dataset))])
    m = x.mean(dim=0)
    return m, torch.sqrt(((x - m) ** 2).mean(dim=0))


class Normalize:
    def __init__(self, mean, std):
        self.mean = torch.as_tensor(mean)
        self.std = torch.as_tensor(std)

    def __call__(self, x):
        return (x - self.mean) / self.std


def make_loaders(dataset, batch_size, dev_fraction, seed):
    n = len(dataset)
    n_dev = round(n * dev_fraction)
    gen = torch.Generator().manual_seed(seed)
    train_set, dev_set = random_split(dataset, [n - n_dev, n_dev], generator=gen)
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True, drop_last=True,
                              generator=torch.Generator().manual_seed(seed))
    dev_loader = DataLoader(dev_set, batch_size=batch_size, shuffle=False)
    return train_loader, dev_loader


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden1 = nn.Linear(7, 6)
        self.hidden2 = nn.Linear(6, 4)
        self.output = nn.Linear(4, 1)
        self.act = nn.Sigmoid()

    def forward(self, x):
        return self.act(self.output(self.act(self.hidden2(self.act(self.hidden1(x))))))


def train(model, loader, epochs, lr, device="cpu"):
    model.to(device)
    model.train()
    bce = nn.BCELoss()
    sgd = torch.optim.SGD(model.parameters(), lr=lr)
    out = []
    for _ in range(epochs):
        total, batches = 0.0, 0
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            sgd.zero_grad()
            loss = bce(model(x), y)
            loss.backward()
            sgd.step()
            total += loss.item()
            batches += 1
        out.append(total / batches)
    return out


def evaluate(model, loader, device="cpu"):
    model.to(device)
    model.eval()
    right, count = 0, 0
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            right += int(((model(x) > 0.5).float() == y).sum())
            count += y.shape[0]
    return right / count
