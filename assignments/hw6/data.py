"""hw6 — Dataset and DataLoader (torch): your submission file.

Fill in every function and method below; the handout is assignments/hw6/README.md.

The data is the Pima Indians diabetes data (assignments/hw6/data/pima.csv). You wrap it
in a torch ``Dataset`` (PimaDataset), compute the training data's feature statistics
(feature_stats) to normalize the inputs (Normalize), split it into train and dev parts
with seeded DataLoaders (make_loaders), and train Liu Er's three-layer sigmoid network
(Classifier) with binary cross entropy and mini-batch SGD (train), then measure its
accuracy (evaluate).

Run ``grade hw6`` from anywhere in the repository to check your work.
"""
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, random_split


class PimaDataset(Dataset):
    """The rows of pima.csv as (x, y) samples.

    The file has a header line and the columns npreg, glu, bp, skin, bmi, ped, age,
    type, split: seven measurements, the label type ("Yes": diabetes, "No") and the
    split ("train" or "test") the row belongs to.

    Args:
        path: the CSV file's path (a str or a pathlib.Path).
        split: "train" or "test" keeps only the rows whose split column equals it;
            None keeps every row.
        transform: a callable applied to x (never to y) in __getitem__, or None.
    """

    def __init__(self, path, split=None, transform=None):
        # TODO: read the file (the csv module, numpy.loadtxt/genfromtxt or by hand;
        # pandas is not available), keep the rows of the split, remember the transform.
        raise NotImplementedError("TODO: PimaDataset.__init__")

    def __len__(self):
        """The number of rows kept (the header line is not a row).

        Returns:
            int.
        """
        # TODO
        raise NotImplementedError("TODO: PimaDataset.__len__")

    def __getitem__(self, index):
        """Sample number ``index`` as a pair (x, y).

        Args:
            index: an int; negative indices count from the end (-1 is the last row).
        Returns:
            (x, y): x, a float32 tensor of shape (7,), the seven measurements in the
            file's column order, passed through ``transform`` when one was given;
            y, a float32 tensor of shape (1,): 1.0 for "Yes", 0.0 for "No".
        Raises:
            IndexError: when index >= len(self) or index < -len(self).
        """
        # TODO
        raise NotImplementedError("TODO: PimaDataset.__getitem__")


def feature_stats(dataset):
    """Column-wise mean and standard deviation of x over a whole dataset.

    Args:
        dataset: any map-style dataset of (x, y) samples with x of shape (7,): your
            PimaDataset, a Subset of one (from random_split), or a plain list of
            (x, y) pairs. Use only len(dataset) and dataset[i] (or iterate over it).
    Returns:
        (mean, std): float32 tensors of shape (7,); std is the POPULATION standard
        deviation sqrt((1/N) Σₙ (xₙ − mean)²) (divide by N, not N − 1).
    """
    # TODO
    raise NotImplementedError("TODO: feature_stats")


class Normalize:
    """The transform x ↦ (x − mean) / std (feature scaling).

    Args:
        mean, std: tensors of shape (7,) (for example from feature_stats).

    Calling it, ``Normalize(mean, std)(x)``, on x of shape (7,) or (B, 7) returns a new
    tensor of x's shape and dtype; x itself must not be modified.
    """

    def __init__(self, mean, std):
        # TODO
        raise NotImplementedError("TODO: Normalize.__init__")

    def __call__(self, x):
        # TODO: (x − mean) / std, without modifying x in place.
        raise NotImplementedError("TODO: Normalize.__call__")


def make_loaders(dataset, batch_size, dev_fraction, seed):
    """Split a dataset at random into a train and a dev part, each in a DataLoader.

    Args:
        dataset: a map-style dataset of N samples.
        batch_size: samples per batch (the last batch may be smaller; keep it).
        dev_fraction: the share of the samples that goes to the dev set.
        seed: an int; seeds the split and the train loader's shuffling.
    Returns:
        (train_loader, dev_loader): the dataset is split with random_split into
        [N − n_dev, n_dev] samples (train first), n_dev = round(dev_fraction·N), with
        generator=torch.Generator().manual_seed(seed). The train loader shuffles, with
        its own generator torch.Generator().manual_seed(seed); the dev loader does
        not shuffle.
    """
    # TODO
    raise NotImplementedError("TODO: make_loaders")


class Classifier(nn.Module):
    """Linear 7→6, sigmoid, Linear 6→4, sigmoid, Linear 4→1, sigmoid.

    forward(x): x float32 of shape (N, 7) → probabilities float32 of shape (N, 1),
    each in (0, 1).
    """

    def __init__(self):
        super().__init__()
        # TODO: the three nn.Linear layers (and the sigmoid).
        raise NotImplementedError("TODO: Classifier.__init__")

    def forward(self, x):
        # TODO
        raise NotImplementedError("TODO: Classifier.forward")


def train(model, loader, epochs, lr, device="cpu"):
    """Train the model in place with nn.BCELoss and torch.optim.SGD(lr) on ``device``.

    For each epoch, for each batch (x, y) of the loader in its order: move x and y to
    the device, zero the gradients, compute the loss of model(x) against y, backward,
    optimizer step.

    Args:
        model: a Classifier (moved to ``device`` here).
        loader: an iterable of (x, y) batches, x (B, 7) and y (B, 1) float32: a
            DataLoader, or a plain list of (x, y) batches.
        epochs: the number of passes over the loader.
        lr: the learning rate.
        device: "cpu" or "cuda".
    Returns:
        list of ``epochs`` Python floats: the mean loss of each epoch, i.e. the mean
        of that epoch's batch losses (each batch counts once, whatever its size).
    """
    # TODO
    raise NotImplementedError("TODO: train")


def evaluate(model, loader, device="cpu"):
    """The accuracy of the model over all samples of the loader, on ``device``.

    A sample is predicted 1 when the model's probability is > 0.5, else 0.

    Args:
        model: a Classifier.
        loader: an iterable of (x, y) batches (a DataLoader or a list of batches).
        device: "cpu" or "cuda".
    Returns:
        float: (number of samples predicted right) / (number of samples).
    """
    # TODO
    raise NotImplementedError("TODO: evaluate")
