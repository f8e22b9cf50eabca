# hw6 data.py  (Dataset + DataLoader + 训练)
# Mistake: the epoch's loss is summed as tensors (l_sum += loss), so train returns a
# list of tensors (each holding its graph) instead of Python floats.
# Seen: the `l_sum += loss` habit of the lectures' own loops; no public hw6 file with
# it was read.
import csv

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader, random_split


class PimaDataset(Dataset):
    def __init__(self, path, split=None, transform=None):
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            next(reader)
            data = [r for r in reader if split is None or r[-1] == split]
        self.X = torch.tensor([[float(v) for v in r[:7]] for r in data], dtype=torch.float32)
        self.Y = torch.tensor([[1.0] if r[7] == "Yes" else [0.0] for r in data], dtype=torch.float32)
        self.transform = transform

    def __len__(self):
        return self.X.shape[0]

    def __getitem__(self, index):
        x = self.X[index]
        if self.transform is not None:
            x = self.transform(x)
        return x, self.Y[index]


def feature_stats(dataset):
    X = torch.stack([dataset[i][0] for i in range(len(dataset))])
    return X.mean(dim=0), X.std(dim=0, unbiased=False)


class Normalize:
    def __init__(self, mean, std):
        self.mean = torch.as_tensor(mean)
        self.std = torch.as_tensor(std)

    def __call__(self, x):
        return (x - self.mean) / self.std


def make_loaders(dataset, batch_size, dev_fraction, seed):
    N = len(dataset)
    n_dev = round(dev_fraction * N)
    tr, dv = random_split(dataset, [N - n_dev, n_dev], generator=torch.Generator().manual_seed(seed))
    train_loader = DataLoader(tr, batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed))
    dev_loader = DataLoader(dv, batch_size, shuffle=False)
    return train_loader, dev_loader


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear1 = nn.Linear(7, 6)
        self.linear2 = nn.Linear(6, 4)
        self.linear3 = nn.Linear(4, 1)

    def forward(self, x):
        x = torch.sigmoid(self.linear1(x))
        x = torch.sigmoid(self.linear2(x))
        return torch.sigmoid(self.linear3(x))


def train(model, loader, epochs, lr, device="cpu"):
    model.to(device)
    criterion = nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        l_sum, n = 0, 0
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            l = criterion(model(X), y)
            optimizer.zero_grad()
            l.backward()
            optimizer.step()
            l_sum += l
            n += 1
        losses.append(l_sum / n)
    return losses


def evaluate(model, loader, device="cpu"):
    model.to(device)
    model.eval()
    acc_sum, n = 0.0, 0
    with torch.no_grad():
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            acc_sum += ((model(X) > 0.5).float() == y).float().sum().item()
            n += y.shape[0]
    return acc_sum / n
