# Wrong: x is float64: torch.from_numpy keeps NumPy's float64.
"""hw6 (my submission) with NumPy for reading, tensors made in __getitem__, and nn.Sequential."""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader, random_split


class PimaDataset(Dataset):
    def __init__(self, path, split=None, transform=None):
        X = np.loadtxt(path, delimiter=",", skiprows=1, usecols=range(7))
        info = np.loadtxt(path, delimiter=",", skiprows=1, usecols=(7, 8), dtype=str)
        if split is not None:
            keep = info[:, 1] == split
            X, info = X[keep], info[keep]
        self.X = X                                   # float64 here, converted per item
        self.y = (info[:, 0] == "Yes").astype(np.float32)
        self.transform = transform

    def __len__(self):
        return self.X.shape[0]

    def __getitem__(self, idx):
        # NumPy indexing: negatives count from the end, out of range raises IndexError
        x = torch.from_numpy(self.X[idx])
        y = torch.tensor([self.y[idx]], dtype=torch.float32)
        if self.transform is not None:
            x = self.transform(x)
        return x, y


def feature_stats(dataset):
    X = torch.stack([dataset[i][0] for i in range(len(dataset))])
    return X.mean(dim=0), X.std(dim=0, unbiased=False)


class Normalize:
    def __init__(self, mean, std):
        self.mean = torch.as_tensor(mean, dtype=torch.float32)
        self.std = torch.as_tensor(std, dtype=torch.float32)

    def __call__(self, x):
        return x.sub(self.mean).div(self.std)


def make_loaders(dataset, batch_size, dev_fraction, seed):
    N = len(dataset)
    n_dev = int(round(dev_fraction * N))
    parts = random_split(dataset, [N - n_dev, n_dev], generator=torch.Generator().manual_seed(seed))
    return (DataLoader(parts[0], batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed)),
            DataLoader(parts[1], batch_size, shuffle=False))


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(7, 6), nn.Sigmoid(),
            nn.Linear(6, 4), nn.Sigmoid(),
            nn.Linear(4, 1), nn.Sigmoid(),
        )

    def forward(self, x):
        return self.net(x)


def train(model, loader, epochs, lr, device="cpu"):
    model.to(device)
    criterion = torch.nn.BCELoss(reduction="mean")
    optimizer = torch.optim.SGD(model.parameters(), lr)
    losses = np.zeros(epochs)
    for epoch in range(epochs):
        running, steps = 0.0, 0
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            optimizer.zero_grad()
            loss = criterion(model(inputs), labels)
            loss.backward()
            optimizer.step()
            running += loss.item()
            steps += 1
        losses[epoch] = running / steps
    return list(losses)            # np.float64 values


def evaluate(model, loader, device="cpu"):
    model.to(device).eval()
    hits, n = 0, 0
    with torch.no_grad():
        for inputs, labels in loader:
            probs = model(inputs.to(device)).cpu()
            hits += int(((probs > 0.5).float() == labels).sum())
            n += labels.shape[0]
    return hits / n
