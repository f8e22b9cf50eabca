# Wrong: Normalize modifies x in place (the dataset's own tensor).
"""hw6 (my submission): Dataset and DataLoader. csv module, tensors built once in __init__, named layers."""
import csv

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, random_split

COLUMNS = ["npreg", "glu", "bp", "skin", "bmi", "ped", "age"]


class PimaDataset(Dataset):
    def __init__(self, path, split=None, transform=None):
        features, labels = [], []
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                if split is not None and row["split"] != split:
                    continue
                features.append([float(row[c]) for c in COLUMNS])
                labels.append([1.0 if row["type"] == "Yes" else 0.0])
        self.features = torch.tensor(features, dtype=torch.float32)
        self.labels = torch.tensor(labels, dtype=torch.float32)
        self.transform = transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        # tensor indexing handles negative indices and raises IndexError when out of range
        x = self.features[index]
        if self.transform:
            x = self.transform(x)
        return x, self.labels[index]


def feature_stats(dataset):
    # two passes with plain loops: first the mean, then the mean squared deviation
    n = len(dataset)
    total = [0.0] * 7
    for i in range(n):
        x, _ = dataset[i]
        for j in range(7):
            total[j] += float(x[j])
    mean = [t / n for t in total]
    sq = [0.0] * 7
    for i in range(n):
        x, _ = dataset[i]
        for j in range(7):
            sq[j] += (float(x[j]) - mean[j]) ** 2
    std = [(s / n) ** 0.5 for s in sq]
    return torch.tensor(mean, dtype=torch.float32), torch.tensor(std, dtype=torch.float32)


class Normalize:
    def __init__(self, mean, std):
        self.mean = mean
        self.std = std

    def __call__(self, x):
        x -= self.mean
        x /= self.std
        return x


def make_loaders(dataset, batch_size, dev_fraction, seed):
    n_dev = round(dev_fraction * len(dataset))
    n_train = len(dataset) - n_dev
    split_gen = torch.Generator().manual_seed(seed)
    train_set, dev_set = random_split(dataset, [n_train, n_dev], generator=split_gen)
    shuffle_gen = torch.Generator()
    shuffle_gen.manual_seed(seed)
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True, generator=shuffle_gen)
    dev_loader = DataLoader(dev_set, batch_size=batch_size)
    return train_loader, dev_loader


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(7, 6)
        self.fc2 = nn.Linear(6, 4)
        self.fc3 = nn.Linear(4, 1)

    def forward(self, x):
        h1 = torch.sigmoid(self.fc1(x))
        h2 = torch.sigmoid(self.fc2(h1))
        return torch.sigmoid(self.fc3(h2))


def train(model, loader, epochs, lr, device="cpu"):
    model = model.to(device)
    loss_fn = nn.BCELoss()
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    history = []
    for epoch in range(epochs):
        batch_losses = []
        for x, y in loader:
            x = x.to(device)
            y = y.to(device)
            pred = model(x)
            loss = loss_fn(pred, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            batch_losses.append(loss.item())
        history.append(sum(batch_losses) / len(batch_losses))
    return history


def evaluate(model, loader, device="cpu"):
    model = model.to(device)
    correct = 0
    total = 0
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            pred = (model(x) >= 0.5).float()
            correct += (pred == y).sum().item()
            total += len(y)
    return correct / total
