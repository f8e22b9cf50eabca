"""A reproducible class of hw6 submissions (torch: a ``Dataset``, ``DataLoader``s,
training), for benchmarks.

The submissions are the hand-written ones of ``tests/submissions/hw6/`` (three correct
solutions in different styles and one file per known mistake) and the reference, in
a shuffled rotation; as in ``hw3_class``, about 2% hang (``while True: pass`` at the
start of one function) and 2% fail at import.  The same seed gives the same class.

    from hw6_class import make_class
    students = make_class(Path("/tmp/class"), n=40, seed=2026)
"""

from __future__ import annotations

import random
from pathlib import Path

from hw3_class import HANG_SHARE, IMPORT_ERROR_SHARE, Student, make_hang, make_import_error

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = ROOT / "tests" / "submissions" / "hw6"
BASES = (ROOT / "reference" / "hw6" / "data.py", *sorted(SUBMISSIONS.glob("*.py")))

#: Functions a hanging submission may hang in.
HANG_FUNCTIONS = ("evaluate", "feature_stats", "make_loaders")

#: Top-level lines that raise at import, as students leave them.
IMPORT_ERRORS = (
    'model = torch.load("my_model.pt")  # from my notebook\n',
    "from hw5_utils import accuracy  # helper from last week\n",
)


def _kind(path: Path) -> tuple[str, tuple[str, ...]]:
    if path.name.startswith("wrong_"):
        return "mistakes", (path.stem.removeprefix("wrong_").replace("_", " "),)
    return "correct", ()


def make_class(directory: Path, n: int, seed: int = 2026) -> list[Student]:
    """Write ``n`` submissions ``student_000.py``... into ``directory``; return them in
    file order."""
    rng = random.Random(seed)
    bases = list(BASES)
    rng.shuffle(bases)
    hanging = 0 if n < 3 else max(1, round(n * HANG_SHARE))
    failing = 0 if n < 3 else max(1, round(n * IMPORT_ERROR_SHARE))
    kinds = ["hangs"] * hanging + ["import error"] * failing + ["other"] * (n - hanging - failing)
    rng.shuffle(kinds)
    directory.mkdir(parents=True, exist_ok=True)
    students, hangs, broken = [], 0, 0
    for i, kind in enumerate(kinds):
        base = bases[i % len(bases)]
        source = base.read_text(encoding="utf-8")
        if kind == "hangs":
            base = next(b for b in bases if not b.name.startswith("wrong_"))
            function = HANG_FUNCTIONS[hangs % len(HANG_FUNCTIONS)]
            hangs += 1
            source, mistakes = make_hang(base.read_text(encoding="utf-8"), function), \
                (f"hangs in {function}",)
        elif kind == "import error":
            line = IMPORT_ERRORS[broken % len(IMPORT_ERRORS)]
            broken += 1
            source, mistakes = make_import_error(source, line), (line.split("  #")[0].strip(),)
        else:
            kind, mistakes = _kind(base)
        path = directory / f"student_{i:03d}.py"
        path.write_text(source, encoding="utf-8")
        students.append(Student(path, base.name, kind, mistakes))
    return students
