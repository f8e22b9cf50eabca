"""Homework 6 (Dataset, DataLoader, training the diabetes classifier).

Mistake: random_split(dataset, [n_dev, n_train]): the sizes are listed dev first,
so the first part, used as the train set, has the dev set's size.
(No public file with this slip was read.)
"""
import csv

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader, random_split


class PimaDataset(Dataset):
    def __init__(self, path, split=None, transform=None):
        self.transform = transform
        xs, ys = [], []
        with open(path) as csvfile:
            for line in csv.DictReader(csvfile):
                if split is not None and line["split"] != split:
                    continue
                xs.append([float(line[c]) for c in ("npreg", "glu", "bp", "skin", "bmi", "ped", "age")])
                ys.append(1.0 if line["type"] == "Yes" else 0.0)
        self.x = torch.tensor(xs, dtype=torch.float32)
        self.y = torch.tensor(ys, dtype=torch.float32).reshape(-1, 1)

    def __len__(self):
        return self.x.size(0)

    def __getitem__(self, index):
        x = self.x[index]
        if self.transform is not None:
            x = self.transform(x)
        return x, self.y[index]


def feature_stats(dataset):
    X = torch.stack([dataset[i][0] for i in range(len(dataset))]).to(torch.float64)
    return X.mean(0).to(torch.float32), X.std(0, unbiased=False).to(torch.float32)


class Normalize:
    def __init__(self, mean, std):
        self.mean = torch.as_tensor(mean)
        self.std = torch.as_tensor(std)

    def __call__(self, x):
        return (x - self.mean) / self.std


def make_loaders(dataset, batch_size, dev_fraction, seed):
    n_dev = round(dev_fraction * len(dataset))
    n_train = len(dataset) - n_dev
    train_set, dev_set = random_split(dataset, [n_dev, n_train],
                                      generator=torch.Generator().manual_seed(seed))
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True,
                              generator=torch.Generator().manual_seed(seed))
    dev_loader = DataLoader(dev_set, batch_size=batch_size, shuffle=False)
    return train_loader, dev_loader


class Classifier(nn.Module):
    def __init__(self):
        super(Classifier, self).__init__()
        self.layer1 = nn.Linear(7, 6)
        self.layer2 = nn.Linear(6, 4)
        self.layer3 = nn.Linear(4, 1)

    def forward(self, x):
        x = torch.sigmoid(self.layer1(x))
        x = torch.sigmoid(self.layer2(x))
        x = torch.sigmoid(self.layer3(x))
        return x


def train(model, loader, epochs, lr, device="cpu"):
    model.to(device)
    criterion = nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    history = []
    for epoch in range(epochs):
        loss_total, n_batches = 0.0, 0
        for inputs, targets in loader:
            inputs, targets = inputs.to(device), targets.to(device)
            optimizer.zero_grad()
            outputs = model(inputs)
            loss = criterion(outputs, targets)
            loss.backward()
            optimizer.step()
            loss_total += loss.item()
            n_batches += 1
        history.append(loss_total / n_batches)
    return history


def evaluate(model, loader, device="cpu"):
    model.to(device)
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for inputs, targets in loader:
            inputs, targets = inputs.to(device), targets.to(device)
            predicted = (model(inputs) > 0.5).float()
            correct += (predicted == targets).sum().item()
            total += targets.size(0)
    return correct / total
