"""Draw hw1's handout figures from the reference solution.

    python reference/hw1/make_figures.py [--out DIR]

writes, into DIR (default assignments/hw1/figures):
- cost_vs_w.png: the MSE of ŷ = x·w against w on the lecture's data x = [1, 2, 3],
  y = [2, 4, 6], for w = 0.0, 0.1, …, 4.0 (Liu Er, "PyTorch 深度学习实践" lecture 2);
- cost_surface.png: the MSE of ŷ = x·w + b over the (w, b) grid, as a 3-D surface and
  as a contour plot, with the grid's best pair marked.

The costs come from the reference ``grid_search`` (linear_model.py beside this file,
imported by its path), so the pictures show what a correct solution computes.
Plotting is headless (matplotlib's Agg backend).
"""
from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from grader.assignment import find_course_root, load_assignment  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE.parent.parent / "assignments" / "hw1" / "figures"

#: The lecture's data: y = 2x exactly, so the best w is 2 and the best cost 0.
X = np.array([1.0, 2.0, 3.0])
Y = np.array([2.0, 4.0, 6.0])
#: PNG metadata without the matplotlib version, so that a re-run gives the same bytes.
METADATA = {"Software": None}


def load_reference():
    """The reference solution of hw1, imported by its path (grader.assignment)."""
    return load_assignment(find_course_root(Path(__file__).parent), "hw1").import_reference()


def cost_vs_w(ref, path: Path) -> None:
    """The lecture's plot: cost against w for w = 0.0, 0.1, …, 4.0 (b = 0)."""
    ws = np.round(np.arange(0.0, 4.05, 0.1), 10)  # 41 values, 0.0 … 4.0
    w_best, _, costs = ref.grid_search(X, Y, ws)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(ws, costs[:, 0], marker=".", color="tab:blue")
    ax.plot([w_best], [costs.min()], marker="o", color="tab:red",
            label=f"best w = {w_best:g} (cost {costs.min():g})")
    ax.set_xlabel("w")
    ax.set_ylabel("cost (MSE)")
    ax.set_title("ŷ = x·w on x = [1, 2, 3], y = [2, 4, 6]")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata=METADATA)
    plt.close(fig)


def cost_surface(ref, path: Path) -> None:
    """The cost over (w, b) for ŷ = x·w + b: a 3-D surface and its contour lines."""
    ws = np.round(np.arange(0.0, 4.05, 0.1), 10)
    bs = np.round(np.arange(-2.0, 2.05, 0.1), 10)
    w_best, b_best, costs = ref.grid_search(X, Y, ws, bs)
    W, B = np.meshgrid(ws, bs, indexing="ij")  # costs[i, j] belongs to (ws[i], bs[j])
    fig = plt.figure(figsize=(11, 4.5))
    ax3d = fig.add_subplot(1, 2, 1, projection="3d")
    ax3d.plot_surface(W, B, costs, cmap="viridis", linewidth=0, antialiased=True)
    ax3d.set_xlabel("w")
    ax3d.set_ylabel("b")
    ax3d.set_zlabel("cost (MSE)")
    ax3d.set_title("cost surface")
    ax = fig.add_subplot(1, 2, 2)
    levels = np.array([0.05, 0.2, 0.5, 1, 2, 4, 8, 16, 32])
    contour = ax.contour(W, B, costs, levels=levels, cmap="viridis")
    ax.clabel(contour, fontsize=7, fmt="%g")
    ax.plot([w_best], [b_best], marker="o", color="tab:red",
            label=f"best (w, b) = ({w_best:g}, {b_best:g})")
    ax.set_xlabel("w")
    ax.set_ylabel("b")
    ax.set_title("contour lines of the cost")
    ax.legend(loc="upper right")
    fig.suptitle("ŷ = x·w + b on x = [1, 2, 3], y = [2, 4, 6]")
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata=METADATA)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"directory for the PNG files (default: {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    ref = load_reference()
    cost_vs_w(ref, args.out / "cost_vs_w.png")
    cost_surface(ref, args.out / "cost_surface.png")
    for name in ("cost_vs_w.png", "cost_surface.png"):
        print(args.out / name)


if __name__ == "__main__":
    main()
