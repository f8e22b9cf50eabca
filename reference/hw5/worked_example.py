"""Print the worked example of the hw5 handout (assignments/hw5/README.md).

It loads the Pima Indians diabetes data, assignments/hw6/data/pima.csv (R's MASS
package: Pima.tr, 200 women, as the "train" split, and Pima.te, 332 women, as the
"test" split), and uses the reference solution (reference/hw5/classification.py) to
classify type ("Yes": diabetic, class C₁) the way Hung-yi Lee's lecture classifies
Pokémon types:

1. the generative model with a shared covariance on two features (glu and bmi), then
   on all seven;
2. logistic regression on the same features, standardized with the training split's
   mean and population std, by gradient descent (lr = 0.5, 1000 epochs);

and reports the accuracy on both splits, against always answering "No", the number of
test women on whom the two models disagree, and what the same learning rate does on the
raw (unscaled) features.

Run from the repository's root:  python reference/hw5/worked_example.py
Its output, as printed, is the handout's worked example.
"""
import csv
from pathlib import Path

import numpy as np

from grader.assignment import find_course_root, load_assignment

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "assignments" / "hw6" / "data" / "pima.csv"
ALL = ["npreg", "glu", "bp", "skin", "bmi", "ped", "age"]
TWO = ["glu", "bmi"]
LR, EPOCHS = 0.5, 1000


def load_reference():
    """The reference solution of hw5, imported by its path (grader.assignment)."""
    return load_assignment(find_course_root(Path(__file__).parent), "hw5").import_reference()


def load_data(path=DATA):
    """{split: (X (N, 7) float64 in the columns ALL, y (N,) 1 for "Yes")}."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    data = {}
    for split in ("train", "test"):
        part = [r for r in rows if r["split"] == split]
        X = np.array([[float(r[c]) for c in ALL] for r in part])
        y = np.array([1 if r["type"] == "Yes" else 0 for r in part])
        data[split] = (X, y)
    return data


def main():
    R = load_reference()
    data = load_data()
    (X_train, y_train), (X_test, y_test) = data["train"], data["test"]
    print(f"Data: {DATA.relative_to(ROOT)} (R's MASS package: Pima.tr as train, Pima.te as test)\n")
    for name, (X, y) in data.items():
        print(f"- {name}: {len(y)} women, {int(y.sum())} diabetic (type = Yes, class C₁)")
    print()

    def columns(X, features):
        return X[:, [ALL.index(c) for c in features]]

    rows = []
    baseline = [R.accuracy(np.zeros_like(y), y) for y in (y_train, y_test)]
    rows.append(("always \"No\"", "—", *baseline))
    fits, disagree = {}, {}
    for features in (TWO, ALL):
        label = " + ".join(features) if features is TWO else f"all {len(ALL)}"
        A_train, A_test = columns(X_train, features), columns(X_test, features)

        w, b = R.fit_generative(A_train, y_train)
        acc = [R.accuracy(R.posterior(A, w, b) >= 0.5, y)
               for A, y in ((A_train, y_train), (A_test, y_test))]
        rows.append(("generative, shared Σ", label, *acc))
        fits[("generative", label)] = (w, b)
        generative_test = R.posterior(A_test, w, b) >= 0.5

        mean, std = A_train.mean(axis=0), A_train.std(axis=0)
        S_train, S_test = (A_train - mean) / std, (A_test - mean) / std
        w, b, losses = R.logistic_regression(S_train, y_train, LR, EPOCHS)
        acc = [R.accuracy(R.posterior(S, w, b) >= 0.5, y)
               for S, y in ((S_train, y_train), (S_test, y_test))]
        rows.append(("logistic regression", label, *acc))
        fits[("logistic", label)] = (w, b, losses)
        disagree[label] = int(np.sum(generative_test != (R.posterior(S_test, w, b) >= 0.5)))

    print("| model | features | train accuracy | test accuracy |")
    print("|---|---|---:|---:|")
    for model, label, tr, te in rows:
        print(f"| {model} | {label} | {tr:.3f} | {te:.3f} |")

    print("\nThe two models disagree on " + " and on ".join(
        f"{n} of the {len(y_test)} test women with {label}" for label, n in disagree.items()) + ".")

    two = " + ".join(TWO)
    w, b = fits[("generative", two)]
    print(f"\nGenerative model on {two} (raw units): w = {np.array2string(w, precision=4)}, "
          f"b = {b:.3f}")
    w, b, losses = fits[("logistic", two)]
    print(f"\nLogistic regression on {two} (standardized), lr = {LR}, {EPOCHS} epochs: "
          f"w = {np.array2string(w, precision=4)}, b = {b:.3f}; the mean cross entropy before "
          "update k: " + ", ".join(
        f"k = {k}: {losses[k]:.4f}" for k in (0, 1, 10, 100, EPOCHS - 1)))
    A_train = columns(X_train, TWO)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        _, _, raw = R.logistic_regression(A_train, y_train, LR, 3)
    print(f"\nThe same on the raw {two} (glucose in the hundreds), lr = {LR}: losses "
          f"{', '.join(f'{v:.4f}' for v in raw)}: the first step overshoots so far that some p "
          "are exactly 0 or 1, and ln 0 makes the loss NaN.")


if __name__ == "__main__":
    main()
