# hw6 -- Liu Er lecture 8 style: read the file by hand, Model with linear1..3
import torch
from torch.utils.data import Dataset, DataLoader, random_split

print("hw6 submission loaded")


class PimaDataset(Dataset):
    def __init__(self, path, split=None, transform=None):
        self.rows = []
        with open(path) as f:
            lines = f.read().strip().split("\n")
        for line in lines[1:]:                 # skip the header
            parts = line.strip().split(",")
            if split is None or parts[8] == split:
                self.rows.append(([float(v) for v in parts[:7]], 1.0 if parts[7] == "Yes" else 0.0))
        self.len = len(self.rows)
        self.transform = transform

    def __getitem__(self, index):
        if index < 0:
            index += self.len
        if index < 0 or index >= self.len:
            raise IndexError("index out of range")
        values, label = self.rows[index]
        x = torch.tensor(values)               # float32 by default
        if self.transform is not None:
            x = self.transform(x)
        return x, torch.tensor([label])

    def __len__(self):
        return self.len


def feature_stats(dataset):
    # one batch holding the whole dataset
    x, _ = next(iter(DataLoader(dataset, batch_size=len(dataset))))
    mean = x.mean(0)
    std = ((x - mean) ** 2).mean(0).sqrt()
    return mean, std


class Normalize(object):
    def __init__(self, mean, std):
        self.mean, self.std = mean, std

    def __call__(self, x):
        y = x.clone()
        y -= self.mean
        y /= self.std
        return y


def make_loaders(dataset, batch_size, dev_fraction, seed):
    n_dev = round(dev_fraction * len(dataset))
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
    model.to(device)
    criterion = torch.nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_list = []
    for epoch in range(epochs):
        epoch_loss = 0.0
        i = 0
        for i, data in enumerate(loader, 0):
            inputs, labels = data
            inputs, labels = inputs.to(device), labels.to(device)
            # forward
            y_pred = model(inputs)
            loss = criterion(y_pred, labels)
            # backward
            optimizer.zero_grad()
            loss.backward()
            # update
            optimizer.step()
            epoch_loss += loss.item()
        loss_list.append(epoch_loss / (i + 1))
    return loss_list


def evaluate(model, loader, device="cpu"):
    model.to(device)
    right = 0
    count = 0
    for inputs, labels in loader:
        with torch.no_grad():
            y_pred = model(inputs.to(device))
        y_hat = torch.where(y_pred > 0.5, 1.0, 0.0)
        right += (y_hat == labels.to(device)).sum().item()
        count += labels.size(0)
    return right / count


if __name__ == "__main__":
    train_set = PimaDataset("data/pima.csv", split="train")
    mean, std = feature_stats(train_set)
    train_set = PimaDataset("data/pima.csv", split="train", transform=Normalize(mean, std))
    test_set = PimaDataset("data/pima.csv", split="test", transform=Normalize(mean, std))
    train_loader, dev_loader = make_loaders(train_set, 16, 0.2, 0)
    model = Classifier()
    for epoch in range(10):
        print(epoch, train(model, train_loader, 10, 0.5)[-1], evaluate(model, dev_loader))
    print("test accuracy", evaluate(model, DataLoader(test_set, batch_size=64)))
