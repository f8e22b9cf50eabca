# hw6 data.py
# Mistake: the train loader is made with shuffle=False (only the split is random), so
# every epoch sees the same batches in the same order.
# Seen: kappino/RESTART_Pepper_ROS1: ER_models/eeg_av/EEG_model/datasets/generate_dataloader.py
#       (random_split with a seeded generator, then train_loader = DataLoader(train_dataset,
#       batch_size=batch_size): no shuffle).
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader, random_split


class PimaDataset(Dataset):
    def __init__(self, path, split=None, transform=None):
        raw = np.genfromtxt(path, delimiter=",", dtype=str, skip_header=1)
        if split is not None:
            raw = raw[raw[:, 8] == split]
        self.X = torch.tensor(raw[:, :7].astype(np.float32))
        self.Y = torch.tensor((raw[:, 7] == "Yes").astype(np.float32)).view(-1, 1)
        self.transform = transform

    def __len__(self):
        return len(self.X)

    def __getitem__(self, index):
        sample = self.X[index]
        if self.transform is not None:
            sample = self.transform(sample)
        return sample, self.Y[index]


def feature_stats(dataset):
    X = torch.stack([dataset[k][0] for k in range(len(dataset))])
    mu = X.mean(dim=0)
    sigma = X.std(dim=0, correction=0)
    return mu, sigma


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
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=False)
    dev_loader = DataLoader(dev_set, batch_size=batch_size, shuffle=False)
    return train_loader, dev_loader


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(nn.Linear(7, 6), nn.Sigmoid(),
                                   nn.Linear(6, 4), nn.Sigmoid(),
                                   nn.Linear(4, 1), nn.Sigmoid())

    def forward(self, x):
        return self.model(x)


def train(model, loader, epochs, lr, device="cpu"):
    model = model.to(device)
    model.train()
    criterion = nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    epoch_losses = []
    for epoch in range(epochs):
        running = []
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
            running.append(loss.item())
        epoch_losses.append(float(np.mean(running)))
    return epoch_losses


def evaluate(model, loader, device="cpu"):
    model = model.to(device)
    model.eval()
    n_correct, n_total = 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            n_correct += ((model(xb) > 0.5).float() == yb).sum().item()
            n_total += yb.shape[0]
    return n_correct / n_total
