"""hw6 — my Dataset / DataLoader solution.

Mistake: the labels are made with dtype=torch.long (the habit from CrossEntropyLoss
classification), but BCELoss needs float targets.
Seen (labels cast with .long() in a diabetes Dataset built on Liu Er's): a public file
found by the code search ("self.y_data = torch.from_numpy(label).view(-1).long()"),
its repository not shown; no repository kept.
"""
import csv

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, random_split


class PimaDataset(Dataset):
    def __init__(self, path, split=None, transform=None):
        self.transform = transform
        self.samples = []
        with open(path, newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            for row in reader:
                if split is not None and row[8] != split:
                    continue
                x = torch.tensor([float(v) for v in row[:7]], dtype=torch.float32)
                y = torch.tensor([1 if row[7] == "Yes" else 0], dtype=torch.long)
                self.samples.append((x, y))

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        x, y = self.samples[i]
        if self.transform:
            x = self.transform(x)
        return x, y


def feature_stats(dataset):
    stacked = torch.stack([dataset[i][0] for i in range(len(dataset))]).double()
    return stacked.mean(dim=0).float(), stacked.std(dim=0, unbiased=False).float()


class Normalize:
    def __init__(self, mean, std):
        self.mean, self.std = torch.as_tensor(mean), torch.as_tensor(std)

    def __call__(self, x):
        return (x - self.mean) / self.std


def make_loaders(dataset, batch_size, dev_fraction, seed):
    n_dev = round(dev_fraction * len(dataset))
    n_train = len(dataset) - n_dev
    train_ds, dev_ds = random_split(dataset, [n_train, n_dev], torch.Generator().manual_seed(seed))
    shuffler = torch.Generator()
    shuffler.manual_seed(seed)
    return (DataLoader(train_ds, batch_size=batch_size, shuffle=True, generator=shuffler),
            DataLoader(dev_ds, batch_size=batch_size, shuffle=False))


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(7, 6)
        self.l2 = nn.Linear(6, 4)
        self.l3 = nn.Linear(4, 1)

    def forward(self, x):
        h = torch.sigmoid(self.l1(x))
        h = torch.sigmoid(self.l2(h))
        return torch.sigmoid(self.l3(h))


def train(model, loader, epochs, lr, device="cpu"):
    model.to(device)
    criterion = nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        total = 0.0
        count = 0
        for x, y in loader:
            x = x.to(device)
            y = y.to(device)
            optimizer.zero_grad()
            out = model(x)
            loss = criterion(out, y)
            loss.backward()
            optimizer.step()
            total += loss.item()
            count += 1
        losses.append(total / count)
    return losses


def evaluate(model, loader, device="cpu"):
    model.to(device)
    model.eval()
    correct = 0
    seen = 0
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            predicted = (model(x) > 0.5).float()
            correct += (predicted == y).sum().item()
            seen += y.numel()
    return correct / seen
