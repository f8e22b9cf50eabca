"""Print the worked example of the hw6 handout (assignments/hw6/README.md).

It reads assignments/hw6/data/pima.csv (R's MASS package, Pima.tr and Pima.te) with
the reference solution (reference/hw6/data.py) and follows Liu Er's lectures 7 and 8
(PyTorch 深度学习实践: multiple-dimension input, Dataset and DataLoader):

1. the data set and the statistics of the training split (feature_stats);
2. the classifier trained with mini-batch SGD on the training split, normalized with
   the training split's mean and std and split again at random into train and dev
   parts (make_loaders); the test split is only evaluated;
3. the same without normalization.

Run from the repository's root:  python reference/hw6/worked_example.py
Its output, as printed, is the handout's worked example.
"""
import importlib.util
from pathlib import Path

import torch
from torch.utils.data import DataLoader

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "assignments" / "hw6" / "data" / "pima.csv"
BATCH_SIZE, DEV_FRACTION, SEED, LR = 16, 0.2, 0, 0.5
REPORT = (1, 10, 25, 50, 100, 200, 300)


def load_reference():
    spec = importlib.util.spec_from_file_location("data", Path(__file__).with_name("data.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(R, transform, title):
    """Train from torch.manual_seed(0)'s initial weights; print a row at each REPORT epoch."""
    train_set = R.PimaDataset(DATA, split="train", transform=transform)
    test_set = R.PimaDataset(DATA, split="test", transform=transform)
    train_loader, dev_loader = R.make_loaders(train_set, BATCH_SIZE, DEV_FRACTION, SEED)
    train_eval = DataLoader(train_loader.dataset, batch_size=64)  # not shuffled: keeps the
    test_loader = DataLoader(test_set, batch_size=64)              # train loader's draws
    torch.manual_seed(0)
    model = R.Classifier()
    print(f"{title}\n")
    print("| epoch | train loss | train accuracy | dev accuracy | test accuracy |")
    print("|---:|---:|---:|---:|---:|")
    done = 0
    for epoch in REPORT:
        loss = R.train(model, train_loader, epoch - done, LR)[-1]
        done = epoch
        accuracies = [R.evaluate(model, loader) for loader in (train_eval, dev_loader, test_loader)]
        print(f"| {epoch} | {loss:.4f} | " + " | ".join(f"{a:.3f}" for a in accuracies) + " |")


def main():
    torch.set_num_threads(1)
    R = load_reference()
    whole = R.PimaDataset(DATA)
    train_raw = R.PimaDataset(DATA, split="train")
    test_raw = R.PimaDataset(DATA, split="test")
    print(f"Data: {DATA.relative_to(ROOT)}, {len(whole)} women; split \"train\": {len(train_raw)} "
          f"({int(sum(train_raw[i][1].item() for i in range(len(train_raw))))} with diabetes), "
          f"split \"test\": {len(test_raw)} "
          f"({int(sum(test_raw[i][1].item() for i in range(len(test_raw))))} with diabetes).\n")

    mean, std = R.feature_stats(train_raw)
    print("1. feature_stats of split \"train\"\n")
    print("| | " + " | ".join(R.FEATURES) + " |")
    print("|---|" + "---:|" * len(R.FEATURES))
    print("| mean | " + " | ".join(f"{v:.3f}" for v in mean.tolist()) + " |")
    print("| std | " + " | ".join(f"{v:.3f}" for v in std.tolist()) + " |")

    x0, y0 = R.PimaDataset(DATA, split="train", transform=R.Normalize(mean, std))[0]
    print(f"\nThe first training sample, normalized: x = "
          f"[{', '.join(f'{v:.3f}' for v in x0.tolist())}], y = [{y0.item():.1f}]\n")

    print(f"make_loaders(train, batch_size={BATCH_SIZE}, dev_fraction={DEV_FRACTION}, seed={SEED}): "
          f"{len(train_raw) - round(DEV_FRACTION * len(train_raw))} train and "
          f"{round(DEV_FRACTION * len(train_raw))} dev samples; SGD with lr = {LR}; "
          "the test split is only evaluated.\n")
    run(R, R.Normalize(mean, std), "2. Normalized with the training split's mean and std")
    print()
    run(R, None, "3. The raw measurements (no transform)")


if __name__ == "__main__":
    main()
