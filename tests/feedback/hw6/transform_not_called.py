# hw6: Dataset / DataLoader
# Mistake: __init__ stores the transform but __getitem__ never calls it, so the
# normalized dataset gives the raw measurements.
# (No public file with this slip was read; the lecture-8 Datasets read, e.g.
# Cherishzyh/ProstateECE: Learning/DataProcess/Data.py, take no transform at all.)
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader, random_split


class PimaDataset(Dataset):
    def __init__(self, path, split=None, transform=None):
        values = np.loadtxt(path, delimiter=",", skiprows=1, usecols=range(7), dtype=np.float32)
        meta = np.loadtxt(path, delimiter=",", skiprows=1, usecols=(7, 8), dtype=str)
        if split is not None:
            values = values[meta[:, 1] == split]
            meta = meta[meta[:, 1] == split]
        self.x_data = torch.from_numpy(values)
        self.y_data = torch.from_numpy((meta[:, 0] == "Yes").astype(np.float32)).view(-1, 1)
        self.len = values.shape[0]
        self.transform = transform

    def __getitem__(self, index):
        return self.x_data[index], self.y_data[index]

    def __len__(self):
        return self.len


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
        x = self.sigmoid(self.linear3(x))
        return x


def train(model, loader, epochs, lr, device="cpu"):
    model.to(device)
    criterion = nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        running_loss, batches = 0.0, 0
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            optimizer.zero_grad()
            loss = criterion(model(inputs), labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
            batches += 1
        losses.append(running_loss / batches)
    return losses


def evaluate(model, loader, device="cpu"):
    model.to(device)
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            correct += ((model(inputs) > 0.5).float() == labels).sum().item()
            total += labels.size(0)
    return correct / total
