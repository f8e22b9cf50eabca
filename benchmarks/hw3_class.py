"""A synthetic, reproducible class of hw3 submissions, for benchmarks.

Every submission starts from a correct solution (the reference and the three
``tests/submissions/hw3/correct_*.py``, in rotation).  Most then get 0, 1 or 2
realistic mistakes from ``MUTATIONS``: source-level edits, each a (function, old
substring, new substring) applied to the first occurrence of the substring inside that
function, only in the files where it occurs.  A few submissions hang (``while True:
pass`` at the start of one function) and a few fail at import (a top-level statement
that raises), as in a real class.  The same seed gives the same class, byte for byte.

    from hw3_class import make_class
    students = make_class(Path("/tmp/class"), n=200, seed=2026)
"""

from __future__ import annotations

import ast
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASES = (ROOT / "reference" / "hw3" / "backprop.py",
         *sorted((ROOT / "tests" / "submissions" / "hw3").glob("correct_*.py")))

#: Share of the class whose code never returns from one function, and whose file
#: raises at import.
HANG_SHARE = 0.02
IMPORT_ERROR_SHARE = 0.02
#: Weights of 0, 1 and 2 mistakes for the other submissions.
MISTAKE_WEIGHTS = (0.35, 0.45, 0.20)


@dataclass(frozen=True)
class Mutation:
    """A mistake: ``old`` becomes ``new`` (first occurrence) inside ``function``.
    One mistake may have several entries, one per coding style it shows up in."""
    mistake: str
    function: str
    old: str
    new: str


MUTATIONS = (
    # the loss is summed, not averaged
    Mutation("bce loss summed, not averaged", "bce_loss", "np.mean(", "np.sum("),
    Mutation("bce loss summed, not averaged", "bce_loss", ")) / n\n", "))\n"),
    Mutation("bce loss summed, not averaged", "bce_loss", "loss = -total / N", "loss = -total"),
    Mutation("autograd loss summed, not averaged", "autograd_gradients", ".mean()", ".sum()"),
    Mutation("autograd loss summed, not averaged", "autograd_gradients",
             'reduction="mean"', 'reduction="sum"'),
    # sign flips
    Mutation("bce da sign flipped", "bce_loss", "da = -(y / a", "da = (y / a"),
    Mutation("bce da sign flipped", "bce_loss", "(-(y / a", "((y / a"),
    Mutation("bce da sign flipped", "bce_loss", "= -(yi / ai", "= (yi / ai"),
    Mutation("bce da sign flipped", "bce_loss", "da = (a - y)", "da = (y - a)"),
    Mutation("SGD step goes uphill", "train_quadratic", "-= lr *", "+= lr *"),
    Mutation("SGD step goes uphill", "train_quadratic", ".data - lr *", ".data + lr *"),
    # a derivative factor dropped
    Mutation("sigmoid derivative lacks (1 - a)", "sigmoid_backward", " * (1.0 - a)", ""),
    Mutation("sigmoid derivative lacks (1 - a)", "sigmoid_backward", " * (1 - a)", ""),
    Mutation("sigmoid derivative lacks (1 - a)", "sigmoid_backward", " * (1 - a[idx])", ""),
    Mutation("hidden sigmoid derivative skipped", "mlp_loss", "sigmoid_backward(dh, sig1)", "dh"),
    Mutation("hidden sigmoid derivative skipped", "mlp_loss", "sigmoid_backward(dh, c2)", "dh"),
    Mutation("hidden sigmoid derivative skipped", "mlp_loss",
             "sigmoid_backward(dh, cache2)", "dh"),
    Mutation("hidden sigmoid derivative skipped", "mlp_loss",
             "sigmoid_backward(dh, sig1_cache)", "dh"),
    # accumulation lost
    Mutation("dW overwritten instead of accumulated", "affine_backward", "dW += ", "dW = "),
    Mutation("db overwritten instead of accumulated", "affine_backward", "db += ", "db = "),
    Mutation("db not summed over the batch", "affine_backward", "dout.sum(axis=0)", "dout"),
    Mutation("db not summed over the batch", "affine_backward", "np.sum(dout, axis=0)", "dout"),
    # shapes and steps
    Mutation("W not transposed in dx", "affine_backward", "W.T", "W"),
    Mutation("one-sided difference step", "numerical_gradient", "(2.0 * h)", "h"),
    Mutation("one-sided difference step", "numerical_gradient", "(2 * h)", "h"),
    Mutation("gradients never zeroed", "train_quadratic", "w1.grad.zero_()", "pass"),
    Mutation("gradients never zeroed", "train_quadratic", "w.grad.zero_()", "pass"),
    Mutation("gradients never zeroed", "train_quadratic", "w_1.grad.data.zero_()", "pass"),
    # numerically naive sigmoid (overflow warnings for large |z|)
    Mutation("naive sigmoid", "sigmoid",
             "np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))", "1.0 / (1.0 + np.exp(-z))"),
    Mutation("naive sigmoid", "sigmoid", "np.where(z >= 0, 1 / (1 + e), e / (1 + e))",
             "(1 / (1 + np.exp(-z)))"),
)

#: Functions a hanging submission may hang in (each costs the suite's 5 s per call
#: of every test that reaches it).
HANG_FUNCTIONS = ("sigmoid", "quadratic_forward", "numerical_gradient", "bce_loss")

#: Top-level lines that raise at import, as students leave them.
IMPORT_ERRORS = (
    'data = np.loadtxt("my_train_data.csv", delimiter=",")  # my experiments\n',
    "from hw2_utils import plot_losses  # helper from last week\n",
    'raise NotImplementedError("part B not done yet")\n',
)


@dataclass
class Student:
    """One generated submission."""
    path: Path
    base: str
    kind: str  # "correct", "mistakes", "hangs", "import error"
    mistakes: tuple[str, ...] = ()


def _function_span(source: str, function: str) -> tuple[int, int] | None:
    """Character offsets of the top-level ``def function`` in ``source``."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == function:
            lines = source.splitlines(keepends=True)
            start = sum(len(line) for line in lines[:node.lineno - 1])
            end = sum(len(line) for line in lines[:node.end_lineno])
            return start, end
    return None


def apply(source: str, mutation: Mutation) -> str | None:
    """``source`` with ``mutation`` applied, or None where it does not apply."""
    span = _function_span(source, mutation.function)
    if span is None:
        return None
    start, end = span
    body = source[start:end]
    if mutation.old not in body:
        return None
    return source[:start] + body.replace(mutation.old, mutation.new, 1) + source[end:]


def make_hang(source: str, function: str) -> str:
    """``source`` whose ``function`` loops forever before doing anything."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == function:
            body = node.body
            if (len(body) > 1 and isinstance(body[0], ast.Expr)
                    and isinstance(body[0].value, ast.Constant)):
                body = body[1:]  # after the docstring
            lines = source.splitlines(keepends=True)
            first = body[0].lineno - 1
            indent = lines[first][:len(lines[first]) - len(lines[first].lstrip())]
            loop = f"{indent}while True:  # TODO: finish\n{indent}    pass\n"
            return "".join(lines[:first]) + loop + "".join(lines[first:])
    raise ValueError(f"no function {function}")


def make_import_error(source: str, line: str) -> str:
    """``source`` with a top-level ``line`` (that raises) appended."""
    return source.rstrip("\n") + "\n\n\n" + line


def load_bases() -> dict[str, str]:
    """The correct solutions by file name, without the one-line description the test
    fixtures start with (``# Correct: ...``)."""
    bases = {}
    for path in BASES:
        source = path.read_text(encoding="utf-8")
        if source.startswith("# Correct"):
            source = source.split("\n", 1)[1]
        bases[path.name] = source
    return bases


def check_catalog(bases: dict[str, str]) -> None:
    """Every mutation applies to at least one base, and every hang function exists in
    every base (``ValueError`` otherwise)."""
    unused = [m for m in MUTATIONS if not any(apply(s, m) for s in bases.values())]
    if unused:
        raise ValueError(f"mutations that apply to no base file: {unused}")
    for name, source in bases.items():
        for function in HANG_FUNCTIONS:
            make_hang(source, function)
        compile(source, name, "exec")


def _mutate(source: str, count: int, rng: random.Random) -> tuple[str, tuple[str, ...]]:
    """``source`` with ``count`` distinct mistakes (fewer if fewer apply)."""
    done: list[str] = []
    for _ in range(count):
        options = [m for m in MUTATIONS if m.mistake not in done and apply(source, m)]
        if not options:
            break
        mutation = rng.choice(options)
        source = apply(source, mutation)
        done.append(mutation.mistake)
    return source, tuple(done)


def make_class(directory: Path, n: int, seed: int = 2026) -> list[Student]:
    """Write ``n`` submissions ``student_000.py``... into ``directory``; return them in
    file order.  Hanging and import-failing submissions are spread at random."""
    bases = load_bases()
    check_catalog(bases)
    rng = random.Random(seed)
    hanging = 0 if n < 3 else max(1, round(n * HANG_SHARE))
    failing = 0 if n < 3 else max(1, round(n * IMPORT_ERROR_SHARE))
    kinds = ["hangs"] * hanging + ["import error"] * failing + ["other"] * (n - hanging - failing)
    rng.shuffle(kinds)
    names = list(bases)
    directory.mkdir(parents=True, exist_ok=True)
    students = []
    hangs = broken = 0
    for i, kind in enumerate(kinds):
        base = names[i % len(names)]
        source, mistakes = bases[base], ()
        if kind == "hangs":
            function = HANG_FUNCTIONS[hangs % len(HANG_FUNCTIONS)]
            hangs += 1
            source, mistakes = make_hang(source, function), (f"hangs in {function}",)
        elif kind == "import error":
            line = IMPORT_ERRORS[broken % len(IMPORT_ERRORS)]
            broken += 1
            source, mistakes = make_import_error(source, line), (line.split("  #")[0].strip(),)
        else:
            count = rng.choices(range(len(MISTAKE_WEIGHTS)), MISTAKE_WEIGHTS)[0]
            source, mistakes = _mutate(source, count, rng)
            kind = "mistakes" if mistakes else "correct"
        path = directory / f"student_{i:03d}.py"
        path.write_text(source, encoding="utf-8")
        students.append(Student(path, base, kind, mistakes))
    return students


def describe(students: list[Student]) -> list[str]:
    """Lines describing the class's mix."""
    kinds = Counter(s.kind for s in students)
    bases = Counter(s.base for s in students)
    mistakes = Counter(m for s in students if s.kind == "mistakes" for m in s.mistakes)
    per = Counter(len(s.mistakes) for s in students if s.kind in ("correct", "mistakes"))
    lines = [f"{len(students)} submissions: " + ", ".join(
        f"{kinds[k]} {k}" for k in ("correct", "mistakes", "hangs", "import error"))]
    lines.append("  mistakes per submission: " + ", ".join(
        f"{k}: {per[k]}" for k in sorted(per)))
    lines.append("  base files: " + ", ".join(f"{b} {c}" for b, c in sorted(bases.items())))
    lines.append("  mistakes used:")
    lines += [f"    {c:3d}  {m}" for m, c in mistakes.most_common()]
    special = [s for s in students if s.kind in ("hangs", "import error")]
    lines += [f"  {s.path.stem}: {s.kind} ({s.mistakes[0]})" for s in special]
    return lines
