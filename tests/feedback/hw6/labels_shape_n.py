# hw6 加载数据集 —— 仿照刘二大人第 8 讲的 DiabetesDataset
# Mistake: the labels are taken as a column xy[:, -1] of shape (N,), so each y is a
# 0-d tensor and a batch of y is (B,), not (B, 1) like the model's output.
# Seen: SunnyGJing/Algorithm-note: Note/python/深度学习/pytorch/utils.md
#       (self.y = torch.from_numpy(data[:, -1])).
import numpy as np
import torch
from torch.utils.data import Dataset, DataLoader, random_split


class PimaDataset(Dataset):
    def __init__(self, path, split=None, transform=None):
        xy = np.loadtxt(path, delimiter=',', skiprows=1, usecols=range(7), dtype=np.float32)
        tags = np.loadtxt(path, delimiter=',', skiprows=1, usecols=(7, 8), dtype=str)
        labels = (tags[:, 0] == 'Yes').astype(np.float32)
        if split is not None:
            mask = tags[:, 1] == split
            xy, labels = xy[mask], labels[mask]
        self.len = xy.shape[0]
        self.x_data = torch.from_numpy(xy)
        self.y_data = torch.from_numpy(labels)
        self.transform = transform

    def __getitem__(self, index):
        x = self.x_data[index]
        if self.transform:
            x = self.transform(x)
        return x, self.y_data[index]

    def __len__(self):
        return self.len


def feature_stats(dataset):
    X = torch.stack([dataset[i][0] for i in range(len(dataset))])
    return X.mean(dim=0), X.std(dim=0, unbiased=False)


class Normalize:
    def __init__(self, mean, std):
        self.mean = mean
        self.std = std

    def __call__(self, x):
        return (x - self.mean) / self.std


def make_loaders(dataset, batch_size, dev_fraction, seed):
    n_dev = round(len(dataset) * dev_fraction)
    g = torch.Generator().manual_seed(seed)
    train_set, dev_set = random_split(dataset, [len(dataset) - n_dev, n_dev], generator=g)
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
        self.sigmoid = torch.nn.Sigmoid()

    def forward(self, x):
        x = self.sigmoid(self.linear1(x))
        x = self.sigmoid(self.linear2(x))
        x = self.sigmoid(self.linear3(x))
        return x


def train(model, loader, epochs, lr, device="cpu"):
    model = model.to(device)
    criterion = torch.nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        loss_sum = 0.0
        for i, (inputs, labels) in enumerate(loader, 0):
            inputs, labels = inputs.to(device), labels.to(device)
            y_pred = model(inputs)
            loss = criterion(y_pred, labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss_sum += loss.item()
        losses.append(loss_sum / (i + 1))
    return losses


def evaluate(model, loader, device="cpu"):
    model = model.to(device)
    correct = 0
    total = 0
    with torch.no_grad():
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            y_pred = model(inputs)
            correct += ((y_pred > 0.5).float() == labels).sum().item()
            total += labels.size(0)
    return correct / total
