# 作业 6 —— 糖尿病数据集的 Dataset / DataLoader 与训练
# Mistake: optimizer.zero_grad() is never called, so loss.backward() adds each batch's
# gradient to the previous ones and every SGD step uses the running sum.
# Seen: the list of typical hw6 mistakes ("optimizer.zero_grad() forgotten");
# the public lecture-8 code read (Cherishzyh/ProstateECE: Learning/DataProcess/Data.py,
# sueszli/vector-database-benchmark: dataset/python-mutated/08_1_dataset_loader.py)
# stops before the training step, so no file with the slip itself was read.
import numpy as np
import torch
from torch.utils.data import Dataset, DataLoader, random_split


class PimaDataset(Dataset):
    def __init__(self, path, split=None, transform=None):
        table = np.loadtxt(path, delimiter=',', skiprows=1, dtype=str)
        if split is not None:
            table = table[table[:, -1] == split]
        self.len = table.shape[0]
        self.x_data = torch.tensor(table[:, :7].astype(np.float32))
        self.y_data = torch.tensor((table[:, [7]] == 'Yes').astype(np.float32))
        self.transform = transform

    def __getitem__(self, index):
        x = self.x_data[index]
        if self.transform is not None:
            x = self.transform(x)
        return x, self.y_data[index]

    def __len__(self):
        return self.len


def feature_stats(dataset):
    x = torch.stack([dataset[i][0] for i in range(len(dataset))])
    return x.mean(0), x.std(0, unbiased=False)


class Normalize:
    def __init__(self, mean, std):
        self.mean = torch.as_tensor(mean)
        self.std = torch.as_tensor(std)

    def __call__(self, x):
        return (x - self.mean) / self.std


def make_loaders(dataset, batch_size, dev_fraction, seed):
    n_dev = round(dev_fraction * len(dataset))
    train_dataset, dev_dataset = random_split(dataset, [len(dataset) - n_dev, n_dev],
                                              generator=torch.Generator().manual_seed(seed))
    train_loader = DataLoader(dataset=train_dataset, batch_size=batch_size, shuffle=True,
                              generator=torch.Generator().manual_seed(seed))
    dev_loader = DataLoader(dataset=dev_dataset, batch_size=batch_size, shuffle=False)
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
    losses = []
    for epoch in range(epochs):
        l_sum, n = 0.0, 0
        for i, data in enumerate(loader, 0):
            # 1. Prepare data
            inputs, labels = data
            inputs, labels = inputs.to(device), labels.to(device)
            # 2. Forward
            y_pred = model(inputs)
            loss = criterion(y_pred, labels)
            # 3. Backward
            loss.backward()
            # 4. Update
            optimizer.step()
            l_sum += loss.item()
            n += 1
        losses.append(l_sum / n)
    return losses


def evaluate(model, loader, device="cpu"):
    model.to(device)
    correct, total = 0, 0
    with torch.no_grad():
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            y_pred = model(inputs)
            correct += ((y_pred > 0.5).float() == labels).sum().item()
            total += labels.size(0)
    return correct / total
