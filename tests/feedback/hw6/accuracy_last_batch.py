"""hw6: Pima diabetes with Dataset/DataLoader.

Mistake: evaluate computes the accuracy of each batch into the same variable and
returns it after the loop: the accuracy of the last batch, not of the whole set.
Seen (the issue's "accuracy computed on a batch, not the set"); the public evaluate
loops read (54g0/Heart-Disease-prediction-Using-Neural-Network: evaluate.py,
shinobu9/mipt-mlops: mipt_mlops/infer.py) count over all batches, correctly, so no
file with the slip itself was read.
"""
import csv

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader, random_split


class PimaDataset(Dataset):
    def __init__(self, path, split=None, transform=None):
        X, Y = [], []
        with open(path) as f:
            for r in csv.DictReader(f):
                if split is None or r["split"] == split:
                    X.append([float(r[k]) for k in ("npreg", "glu", "bp", "skin", "bmi", "ped", "age")])
                    Y.append([1.0 if r["type"] == "Yes" else 0.0])
        self.X = torch.tensor(X, dtype=torch.float32)
        self.Y = torch.tensor(Y, dtype=torch.float32)
        self.transform = transform

    def __len__(self):
        return len(self.X)

    def __getitem__(self, idx):
        x = self.X[idx]
        if self.transform is not None:
            x = self.transform(x)
        return x, self.Y[idx]


def feature_stats(dataset):
    X = torch.stack([dataset[i][0] for i in range(len(dataset))])
    return X.mean(0), X.std(0, unbiased=False)


class Normalize:
    def __init__(self, mean, std):
        self.mean = torch.as_tensor(mean)
        self.std = torch.as_tensor(std)

    def __call__(self, x):
        return (x - self.mean) / self.std


def make_loaders(dataset, batch_size, dev_fraction, seed):
    n_dev = round(dev_fraction * len(dataset))
    train_set, dev_set = random_split(dataset, [len(dataset) - n_dev, n_dev],
                                      generator=torch.Generator().manual_seed(seed))
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True,
                              generator=torch.Generator().manual_seed(seed))
    dev_loader = DataLoader(dev_set, batch_size=batch_size, shuffle=False)
    return train_loader, dev_loader


class Classifier(nn.Module):
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
    model.to(device)
    model.train()
    criterion = nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        total, count = 0.0, 0
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            optimizer.zero_grad()
            loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item()
            count += 1
        losses.append(total / count)
    return losses


def evaluate(model, loader, device="cpu"):
    model.to(device)
    model.eval()
    acc = 0.0
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            y_pred = model(x)
            acc = ((y_pred > 0.5).float() == y).float().mean().item()
    return acc
