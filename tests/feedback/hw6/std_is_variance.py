# HW6: PimaDataset, feature scaling, loaders, classifier
# Mistake: feature_stats' std is the mean of the squared deviations, the variance:
# the square root is missing.
# (No public file with this slip was read: the public standardization code read,
# reiniergs/tfjs-book-exercices: boston-housing/normalization.js, takes the square
# root, variance.sqrt(), which is the step forgotten here.)
import numpy as np
import torch
from torch import nn
from torch.utils.data import Dataset, DataLoader, random_split


class PimaDataset(Dataset):
    def __init__(self, path, split=None, transform=None):
        lines = open(path).read().strip().split("\n")[1:]
        rows = [line.split(",") for line in lines]
        if split is not None:
            rows = [r for r in rows if r[8] == split]
        self.data = torch.tensor(np.array([r[:7] for r in rows], dtype=np.float32))
        self.target = torch.tensor(np.array([[r[7] == "Yes"] for r in rows], dtype=np.float32))
        self.transform = transform

    def __len__(self):
        return self.data.shape[0]

    def __getitem__(self, idx):
        x = self.data[idx]
        if self.transform is not None:
            x = self.transform(x)
        return x, self.target[idx]


def feature_stats(dataset):
    data = np.stack([dataset[i][0].numpy() for i in range(len(dataset))]).astype(np.float64)
    mean = data.mean(axis=0)
    std = ((data - mean) ** 2).mean(axis=0)
    return torch.from_numpy(mean).float(), torch.from_numpy(std).float()


class Normalize:
    def __init__(self, mean, std):
        self.mean = torch.as_tensor(mean)
        self.std = torch.as_tensor(std)

    def __call__(self, x):
        return (x - self.mean) / self.std


def make_loaders(dataset, batch_size, dev_fraction, seed):
    n_total = len(dataset)
    n_dev = round(dev_fraction * n_total)
    n_train = n_total - n_dev
    train_data, dev_data = random_split(dataset, [n_train, n_dev],
                                        generator=torch.Generator().manual_seed(seed))
    train_loader = DataLoader(dataset=train_data, batch_size=batch_size, shuffle=True,
                              generator=torch.Generator().manual_seed(seed))
    dev_loader = DataLoader(dataset=dev_data, batch_size=batch_size)
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
        x = self.sigmoid(self.linear3(x))
        return x


def train(model, loader, epochs, lr, device="cpu"):
    model.to(device)
    bce = nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        epoch_loss = []
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            optimizer.zero_grad()
            loss = bce(model(xb), yb)
            loss.backward()
            optimizer.step()
            epoch_loss.append(loss.item())
        losses.append(np.mean(epoch_loss).item())
    return losses


def evaluate(model, loader, device="cpu"):
    model.to(device)
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            preds = (model(xb) > 0.5).float()
            correct += (preds == yb).sum().item()
            total += len(yb)
    return correct / total
