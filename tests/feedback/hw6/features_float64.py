# 作业6：加载数据集（Dataset + DataLoader）
# Mistake: np.loadtxt reads float64 by default and torch.from_numpy keeps it, so x is
# float64, which nn.Linear's float32 weights cannot multiply.
# Seen (float64 features from np.loadtxt(..., dtype=np.float64) and torch.from_numpy):
# a public markdown write-up of Liu Er's lecture 8, found by the code search (its
# repository was not shown); no repository kept.
import numpy as np
import torch
from torch.utils.data import Dataset
from torch.utils.data import DataLoader
from torch.utils.data import random_split


class PimaDataset(Dataset):
    def __init__(self, path, split=None, transform=None):
        data = np.loadtxt(path, delimiter=",", skiprows=1, usecols=(0, 1, 2, 3, 4, 5, 6))
        info = np.genfromtxt(path, delimiter=",", skip_header=1, usecols=(7, 8), dtype=str)
        if split is not None:
            keep = info[:, 1] == split
            data = data[keep]
            info = info[keep]
        self.x_data = torch.from_numpy(data)
        self.y_data = torch.from_numpy((info[:, [0]] == "Yes").astype(np.float32))
        self.len = data.shape[0]
        self.transform = transform

    def __getitem__(self, index):
        x = self.x_data[index]
        if self.transform is not None:
            x = self.transform(x)
        return x, self.y_data[index]

    def __len__(self):
        return self.len


def feature_stats(dataset):
    xs = np.array([np.asarray(dataset[i][0], dtype=np.float64) for i in range(len(dataset))])
    return (torch.tensor(xs.mean(axis=0), dtype=torch.float32),
            torch.tensor(xs.std(axis=0), dtype=torch.float32))


class Normalize:
    def __init__(self, mean, std):
        self.mean = torch.as_tensor(mean)
        self.std = torch.as_tensor(std)

    def __call__(self, x):
        return (x - self.mean.to(x.dtype)) / self.std.to(x.dtype)


def make_loaders(dataset, batch_size, dev_fraction, seed):
    total = len(dataset)
    dev_size = round(dev_fraction * total)
    train_size = total - dev_size
    train_set, dev_set = random_split(dataset, [train_size, dev_size],
                                      generator=torch.Generator().manual_seed(seed))
    train_loader = DataLoader(dataset=train_set, batch_size=batch_size, shuffle=True,
                              generator=torch.Generator().manual_seed(seed))
    dev_loader = DataLoader(dataset=dev_set, batch_size=batch_size, shuffle=False)
    return train_loader, dev_loader


class Classifier(torch.nn.Module):
    def __init__(self):
        super(Classifier, self).__init__()
        self.linear1 = torch.nn.Linear(7, 6)
        self.linear2 = torch.nn.Linear(6, 4)
        self.linear3 = torch.nn.Linear(4, 1)
        self.activate = torch.nn.Sigmoid()

    def forward(self, x):
        x = self.activate(self.linear1(x))
        x = self.activate(self.linear2(x))
        x = self.activate(self.linear3(x))
        return x


def train(model, loader, epochs, lr, device="cpu"):
    model.to(device)
    criterion = torch.nn.BCELoss(reduction='mean')
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        epoch_loss, steps = 0.0, 0
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            y_pred = model(inputs)
            loss = criterion(y_pred, labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            epoch_loss += loss.item()
            steps += 1
        losses.append(epoch_loss / steps)
    return losses


def evaluate(model, loader, device="cpu"):
    model.to(device)
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            y_pred = model(inputs)
            y_label = torch.where(y_pred >= 0.5, torch.tensor([1.0], device=device),
                                  torch.tensor([0.0], device=device))
            correct += (y_label == labels).sum().item()
            total += labels.shape[0]
    return correct / total
