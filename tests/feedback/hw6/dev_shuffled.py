# 加载数据集：Dataset 和 DataLoader（刘二大人 第8讲 + 划分验证集）
# Mistake: the dev loader line was copied from the train loader's, shuffle=True and
# all, so the dev batches come in a random order.
# Seen: tztechno/tz_kaggle: torch_daaloader.py (the val and test loaders made with
#       the train loader's shuffle=True).
import numpy as np
import torch
from torch.utils.data import Dataset, DataLoader, random_split


class PimaDataset(Dataset):
    def __init__(self, path, split=None, transform=None):
        xy = np.loadtxt(path, delimiter=',', skiprows=1, usecols=range(7), dtype=np.float32)
        cls = np.loadtxt(path, delimiter=',', skiprows=1, usecols=7, dtype=str)
        part = np.loadtxt(path, delimiter=',', skiprows=1, usecols=8, dtype=str)
        if split is not None:
            xy, cls = xy[part == split], cls[part == split]
        self.len = xy.shape[0]
        self.x_data = torch.from_numpy(xy)
        self.y_data = torch.from_numpy((cls == 'Yes').astype(np.float32)).unsqueeze(1)
        self.transform = transform

    def __getitem__(self, index):
        x = self.x_data[index]
        if self.transform is not None:
            x = self.transform(x)
        return x, self.y_data[index]

    def __len__(self):
        return self.len


def feature_stats(dataset):
    allx = torch.stack([x for x, _ in (dataset[i] for i in range(len(dataset)))])
    return torch.mean(allx, 0), torch.std(allx, 0, unbiased=False)


class Normalize:
    def __init__(self, mean, std):
        self.mean = torch.as_tensor(mean, dtype=torch.float32)
        self.std = torch.as_tensor(std, dtype=torch.float32)

    def __call__(self, x):
        return (x - self.mean) / self.std


def make_loaders(dataset, batch_size, dev_fraction, seed):
    dev_len = round(dev_fraction * len(dataset))
    train_set, dev_set = random_split(dataset, [len(dataset) - dev_len, dev_len],
                                      generator=torch.Generator().manual_seed(seed))
    train_loader = DataLoader(dataset=train_set, batch_size=batch_size, shuffle=True,
                              generator=torch.Generator().manual_seed(seed))
    dev_loader = DataLoader(dataset=dev_set, batch_size=batch_size, shuffle=True)
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
        return self.sigmoid(self.linear3(x))


def train(model, loader, epochs, lr, device="cpu"):
    model.to(device)
    criterion = torch.nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_list = []
    for epoch in range(epochs):
        s, k = 0.0, 0
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            y_pred = model(inputs)
            loss = criterion(y_pred, labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            s += loss.item()
            k += 1
        loss_list.append(s / k)
    return loss_list


def evaluate(model, loader, device="cpu"):
    model.to(device)
    acc_num, num = 0, 0
    with torch.no_grad():
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            y_hat = (model(inputs) > 0.5).float()
            acc_num += torch.eq(y_hat, labels).sum().item()
            num += len(labels)
    return acc_num / num
