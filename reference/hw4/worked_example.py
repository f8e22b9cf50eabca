"""Print the worked example of the hw4 handout (assignments/hw4/README.md).

It loads assignments/hw4/data/pokemon.csv (synthetic, made by data/make_pokemon.py),
splits it in file order into 20 training Pokémon and 130 dev Pokémon, and uses the
reference solution (reference/hw4/regression.py) to retell the lecture's story
(Hung-yi Lee, ML 2017, "Regression"):

1. polynomials in cp of degree 1 … 5: the training error falls with the degree, the
   dev error rises after degree 2 (over-fitting, 过拟合);
2. redesign the model: a quadratic in cp per species; then all the features, which
   over-fit the 20 training Pokémon;
3. regularization (正则化): λ for the all-features model chosen on the dev set;
4. gradient descent with three learning rates, and Adagrad, on the per-species model,
   against the closed form's loss.

Run from the repository's root:  python reference/hw4/worked_example.py
Its output, as printed, is the handout's worked example.
"""
import csv
from pathlib import Path

import numpy as np

from grader.assignment import find_course_root, load_assignment

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "assignments" / "hw4" / "data" / "pokemon.csv"
N_TRAIN = 20
SPECIES = ["Pidgey", "Weedle", "Caterpie", "Eevee"]
LAMS = [0.0, 0.01, 0.1, 1.0, 10.0, 100.0]


def load_reference():
    """The reference solution of hw4, imported by its path (grader.assignment)."""
    return load_assignment(find_course_root(Path(__file__).parent), "hw4").import_reference()


def load_data(path=DATA):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    data = {k: np.array([float(r[k]) for r in rows]) for k in ("cp", "hp", "weight", "height", "cp_new")}
    data["species"] = np.array([r["species"] for r in rows])
    return data


def species_features(d, extra):
    """A quadratic in cp per species: δ(s), δ(s)·cp, δ(s)·cp² (δ(Pidgey) left out, the
    bias plays its part); with ``extra``, also hp, hp², weight, weight², height, height²."""
    cols = []
    for i, s in enumerate(SPECIES):
        delta = (d["species"] == s).astype(np.float64)
        if i:
            cols.append(delta)
        cols += [delta * d["cp"], delta * d["cp"] ** 2]
    if extra:
        for k in ("hp", "weight", "height"):
            cols += [d[k], d[k] ** 2]
    return np.stack(cols, axis=1)


def main():
    R = load_reference()
    d = load_data()
    y = d["cp_new"]
    train = np.arange(len(y)) < N_TRAIN
    dev = ~train

    def split(F):
        """Standardize with the training set's mean and std, also the dev set."""
        F_train, mean, std = R.standardize(F[train])
        F_dev, _, _ = R.standardize(F[dev], mean, std)
        return F_train, F_dev

    def mse(F, target, w, b):
        return float(np.mean((target - R.predict(F, w, b)) ** 2))

    def row(label, F_train, F_dev, lam):
        w, b = R.fit_closed_form(F_train, y[train], lam)
        tr, dv = mse(F_train, y[train], w, b), mse(F_dev, y[dev], w, b)
        print(f"| {label} | {tr:.1f} | {np.sqrt(tr):.1f} | {dv:.1f} | {np.sqrt(dv):.1f} |")

    header = "| {} | train MSE | train RMSE | dev MSE | dev RMSE |\n|---|---:|---:|---:|---:|"
    print(f"Data: {DATA.relative_to(ROOT)}, {len(y)} Pokémon; train = the first {N_TRAIN}, "
          f"dev = the other {int(dev.sum())}.")
    print("Features standardized with the training set's mean and std; fits in closed form.\n")

    print("1. ŷ = b + w₁·cp + … + w_d·cp^d, λ = 0\n")
    print(header.format("degree d"))
    for degree in range(1, 6):
        F_train, F_dev = split(R.polynomial_features(d["cp"], degree))
        row(str(degree), F_train, F_dev, 0.0)

    print("\n2. Redesign the model, λ = 0\n")
    print(header.format("model"))
    quad_train, quad_dev = split(species_features(d, extra=False))
    row("quadratic in cp per species (11 features)", quad_train, quad_dev, 0.0)
    all_train, all_dev = split(species_features(d, extra=True))
    row("… + hp, hp², weight, weight², height, height² (17 features)", all_train, all_dev, 0.0)

    print("\n3. Regularization of the 17-feature model, λ chosen on the dev set\n")
    print(header.format("λ"))
    for lam in LAMS:
        row(f"{lam:g}", all_train, all_dev, lam)
    best, dev_mse = R.select_lambda(all_train, y[train], all_dev, y[dev], LAMS)
    print(f"\nselect_lambda(..., lams={LAMS}) -> best_lam = {best:g}, "
          f"dev_mse = {np.array2string(dev_mse, precision=1, floatmode='fixed')}")

    print("\n4. Gradient descent on the per-species quadratic (λ = 0), loss = Σ (y − ŷ)²\n")
    w, b = R.fit_closed_form(quad_train, y[train], 0.0)
    print(f"closed form: loss = {R.loss(quad_train, y[train], w, b):.1f}\n")
    runs = [("GD, lr = 0.001", 0.001, False), ("GD, lr = 0.01", 0.01, False),
            ("GD, lr = 0.015", 0.015, False), ("Adagrad, lr = 100", 100.0, True)]
    print("| k | " + " | ".join(label for label, _, _ in runs) + " |")
    print("|---:|" + "---:|" * len(runs))
    with np.errstate(over="ignore", invalid="ignore"):
        histories = [R.fit_gd(quad_train, y[train], 0.0, lr, 5000, adagrad=ada)[2]
                     for _, lr, ada in runs]
    for k in (0, 1, 10, 100, 1000, 4999):
        print(f"| {k} | " + " | ".join(f"{h[k]:.4g}" for h in histories) + " |")
    print("\n(losses[k]: the loss before update k, i.e. after k updates.)")

if __name__ == "__main__":
    main()
