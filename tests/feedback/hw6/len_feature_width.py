"""hw6: Dataset and DataLoader (csv module, tensors built once).

Mistake: __len__ returns self.x.shape[1], the width of a row (7 features), instead
of the number of rows. (No public file with this exact slip was read: it is in the
issue's list of typical hw6 mistakes, "__len__ returning the features' width".)
"""
import csv

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader, random_split

COLUMNS = ["npreg", "glu", "bp", "skin", "bmi", "ped", "age"]


class PimaDataset(Dataset):
    def __init__(self, path, split=None, transform=None):
        features, labels = [], []
        with open(path) as f:
            for row in csv.DictReader(f):
                if split is None or row["split"] == split:
                    features.append([float(row[c]) for c in COLUMNS])
                    labels.append([1.0 if row["type"] == "Yes" else 0.0])
        self.x = torch.tensor(features, dtype=torch.float32)
        self.y = torch.tensor(labels, dtype=torch.float32)
        self.transform = transform

    def __len__(self):
        return self.x.shape[1]

    def __getitem__(self, idx):
        x, y = self.x[idx], self.y[idx]
        if self.transform is not None:
            x = self.transform(x)
        return x, y


def feature_stats(dataset):
    xs = torch.stack([dataset[i][0] for i in range(len(dataset))])
    mean = xs.mean(0)
    std = ((xs - mean) ** 2).mean(0).sqrt()
    return mean, std


class Normalize:
    def __init__(self, mean, std):
        self.mean = torch.as_tensor(mean, dtype=torch.float32)
        self.std = torch.as_tensor(std, dtype=torch.float32)

    def __call__(self, x):
        return (x - self.mean) / self.std


def make_loaders(dataset, batch_size, dev_fraction, seed):
    n = len(dataset)
    n_dev = round(dev_fraction * n)
    train_part, dev_part = random_split(dataset, [n - n_dev, n_dev],
                                        generator=torch.Generator().manual_seed(seed))
    train_loader = DataLoader(train_part, batch_size=batch_size, shuffle=True,
                              generator=torch.Generator().manual_seed(seed))
    dev_loader = DataLoader(dev_part, batch_size=batch_size)
    return train_loader, dev_loader


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(7, 6)
        self.fc2 = nn.Linear(6, 4)
        self.fc3 = nn.Linear(4, 1)

    def forward(self, x):
        x = torch.sigmoid(self.fc1(x))
        x = torch.sigmoid(self.fc2(x))
        return torch.sigmoid(self.fc3(x))


def train(model, loader, epochs, lr, device="cpu"):
    model.to(device)
    model.train()
    loss_fn = nn.BCELoss()
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        batch_losses = []
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            batch_losses.append(loss.item())
        history.append(sum(batch_losses) / len(batch_losses))
    return history


def evaluate(model, loader, device="cpu"):
    model.to(device)
    model.eval()
    right = n = 0
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            pred = (model(x) > 0.5).float()
            right += (pred == y).sum().item()
            n += len(y)
    return right / n
