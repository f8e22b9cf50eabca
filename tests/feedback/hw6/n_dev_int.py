# HW6  Dataset & DataLoader
# Mistake: the dev size is int(dev_fraction * N), which truncates (int(36.9) = 36)
# where the contract rounds.
# Seen: Rit-ctrl/Pytorch-repo: Pytorch-step-by-step/data_preparation/v2.py
#       (n_train = int(ratio * n_total)) and SebinSong/deep-learning-pytorch-study:
#       src/cross-validation/train_holdout_test_split.py (train_size = int(0.8 * total_size)).
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
        self.features = torch.tensor(np.array([r[:7] for r in rows], dtype=np.float32))
        self.labels = torch.tensor(np.array([[r[7] == "Yes"] for r in rows], dtype=np.float32))
        self.transform = transform

    def __len__(self):
        return self.features.shape[0]

    def __getitem__(self, idx):
        x = self.features[idx]
        if self.transform is not None:
            x = self.transform(x)
        return x, self.labels[idx]


def feature_stats(dataset):
    data = np.stack([dataset[i][0].numpy() for i in range(len(dataset))]).astype(np.float64)
    return torch.from_numpy(data.mean(0)).float(), torch.from_numpy(data.std(0)).float()


class Normalize:
    def __init__(self, mean, std):
        self.mean = torch.as_tensor(mean)
        self.std = torch.as_tensor(std)

    def __call__(self, x):
        return (x - self.mean) / self.std


def make_loaders(dataset, batch_size, dev_fraction, seed):
    n_total = len(dataset)
    n_dev = int(dev_fraction * n_total)
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
    loss_fn = nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        batch_losses = []
        for x_batch, y_batch in loader:
            x_batch, y_batch = x_batch.to(device), y_batch.to(device)
            optimizer.zero_grad()
            loss = loss_fn(model(x_batch), y_batch)
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        losses.append(np.mean(batch_losses).item())
    return losses


def evaluate(model, loader, device="cpu"):
    model.to(device)
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for x_batch, y_batch in loader:
            x_batch, y_batch = x_batch.to(device), y_batch.to(device)
            preds = (model(x_batch) > 0.5).float()
            correct += (preds == y_batch).sum().item()
            total += len(y_batch)
    return correct / total
