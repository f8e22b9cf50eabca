"""Make pokemon.csv: a synthetic, Pokémon-like data set for hw4 (regression).

The lecture this assignment follows (Hung-yi Lee, Machine Learning 2017, "Regression")
predicts a Pokémon's combat power (CP) after evolution from its CP before evolution,
its species, hit points (HP), weight and height. That data set cannot be downloaded
here, so this script makes one like it: every number in pokemon.csv is SYNTHETIC,
drawn by this script from numpy.random.default_rng(SEED) with SEED = 2017.

Columns (one row per Pokémon, 150 rows, in a random order):
    species   one of the lecture's four: Pidgey, Weedle, Caterpie, Eevee
    cp        combat power before evolution (integer, about 10 to 700)
    hp        hit points before evolution (integer)
    weight    kg, two decimals
    height    m, two decimals
    cp_new    combat power after evolution (integer): the target

How cp_new is made: per species s,
    cp_new = m_s · cp · (1 + c_s · cp / 1000) + noise,  noise ~ N(0, (3 + 0.04 · cp)²),
a curve that bends upwards a little and differs from species to species (Eevee's
evolutions gain far more than Weedle's), so that a straight line in cp alone does not
fit all of it. hp grows like the square root of cp; weight and height scatter around
each species' typical size.

Usage:
    python make_pokemon.py                 # writes pokemon.csv next to this script
    python make_pokemon.py --out PATH      # writes PATH instead

Only NumPy is needed; the output is the same, byte for byte, on every run.
"""
import argparse
from pathlib import Path

import numpy as np

SEED = 2017

# species: (count, largest cp, multiplier m, curvature c, hp per sqrt(cp), weight kg, height m)
SPECIES = {
    "Pidgey": (60, 500, 1.75, 0.25, 4.2, 1.8, 0.30),
    "Weedle": (30, 300, 1.05, 0.40, 4.6, 3.2, 0.30),
    "Caterpie": (30, 300, 1.08, 0.35, 4.8, 2.9, 0.30),
    "Eevee": (30, 700, 2.60, 0.20, 5.0, 6.5, 0.30),
}
COLUMNS = ["species", "cp", "hp", "weight", "height", "cp_new"]


def make_rows(seed=SEED):
    """The data set's rows, as lists of column values, in a random (seeded) order."""
    rng = np.random.default_rng(seed)
    rows = []
    for name, (count, cp_max, m, c, hp_rate, weight, height) in SPECIES.items():
        cp = np.round(10 + (cp_max - 10) * rng.random(count) ** 1.3)
        hp = np.round(hp_rate * np.sqrt(cp) + rng.normal(0.0, 2.0, count))
        hp = np.maximum(hp, 10)
        w = np.maximum(weight * (1 + 0.25 * rng.normal(size=count)), 0.1 * weight)
        h = np.maximum(height * (1 + 0.15 * rng.normal(size=count)), 0.1 * height)
        noise = rng.normal(size=count) * (3.0 + 0.04 * cp)
        cp_new = np.round(m * cp * (1 + c * cp / 1000) + noise)
        cp_new = np.maximum(cp_new, cp + 1)  # evolving never lowers CP
        for i in range(count):
            rows.append([name, int(cp[i]), int(hp[i]), f"{w[i]:.2f}", f"{h[i]:.2f}", int(cp_new[i])])
    order = rng.permutation(len(rows))
    return [rows[i] for i in order]


def write_csv(path, rows):
    """Write the header and the rows as comma-separated text, '\\n' line endings."""
    lines = [",".join(COLUMNS)] + [",".join(str(v) for v in row) for row in rows]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "pokemon.csv"),
                        help="where to write the CSV (default: pokemon.csv next to this script)")
    args = parser.parse_args(argv)
    rows = make_rows()
    write_csv(args.out, rows)
    print(f"wrote {len(rows)} rows to {args.out}")


if __name__ == "__main__":
    main()
