# hw6 —— Dataset、DataLoader、特征缩放、训练
# Mistake: feature_stats uses torch.std(X, dim=0), whose default (unbiased=True)
# divides by N − 1; the contract's std is the population one (divides by N).
# Seen: PLSE-Lab/Python-MLAPI-expl: python_sources/normalization.py
#       (train_std = torch.std(train_data, dim=1), the default correction),
#       michaelpginn/fst-distillation: src/learn.py (x.std(dim=0)).
import numpy as np
import torch
from torch.utils.data import Dataset, DataLoader, random_split


class PimaDataset(Dataset):
    def __init__(self, path, split=None, transform=None):
        cols = np.loadtxt(path, delimiter=",", skiprows=1, dtype=str)
        if split is not None:
            cols = cols[cols[:, 8] == split]
        self.x_data = torch.tensor(cols[:, :7].astype(np.float32))
        self.y_data = torch.tensor((cols[:, 7:8] == "Yes").astype(np.float32))
        self.len = len(cols)
        self.transform = transform

    def __getitem__(self, index):
        x = self.x_data[index]
        if self.transform is not None:
            x = self.transform(x)
        return x, self.y_data[index]

    def __len__(self):
        return self.len


def feature_stats(dataset):
    X = torch.stack([dataset[i][0] for i in range(len(dataset))])
    mean = torch.mean(X, dim=0)
    std = torch.std(X, dim=0)
    return mean, std


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
    model.to(device)
    criterion = torch.nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    epoch_losses = []
    for epoch in range(epochs):
        batch_losses = []
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            y_pred = model(inputs)
            loss = criterion(y_pred, labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        epoch_losses.append(sum(batch_losses) / len(batch_losses))
    return epoch_losses


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
