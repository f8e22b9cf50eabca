"""``grade release OUTDIR``: the student repository, built from the instructor's.

What goes in::

    OUTDIR/
      README.md                      for students (grader/templates/student_README.md)
      pyproject.toml                 the course's, so that `pip install -e .` works
      .gitignore
      .github/workflows/grade.yml    the public tests of every push (no secret)
      .github/workflows/grade-pull-request.yml
                                     the hidden suite, on each pull request into the
                                     default branch (pull_request_target; docs/ci.md)
      grader/                        the grader package (the one running this command)
      assignments/hwN/               stub, handout, public tests, data, figures, and the
                                     stub as a notebook (hwN/<stub>.ipynb)
      sealed/hwN.sealed              the hidden suite and reference, encrypted
                                     (``grader.seal``; copied from the course's sealed/)
      .grader/release.json           checksums of what students must not change
                                     (``grader.tamper``), signed with the course key
                                     and with each sealed assignment's key

What never goes in: ``reference/`` (solutions, hidden suites, known mistakes), the
engine's own tests, benchmarks, caches.  Before it finishes, release reads every file
it wrote, notebooks' cells, outputs and metadata included, and refuses (removing
nothing it did not write, but leaving OUTDIR incomplete and saying so) if any line of a
reference file that is not also in the public material appears there
(``find_leaks``).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import grader
from grader import seal, tamper
from grader.assignment import Assignment, list_assignments
from grader.errors import ConfigurationError

__all__ = ["OutdirNotUsable", "ReleaseReport", "find_leaks", "release", "secret_lines"]

_TEMPLATES = Path(__file__).parent / "templates"
#: The workflows a release writes: {path in the student repository: template}.
WORKFLOWS = {".github/workflows/grade.yml": "grade.yml",
             ".github/workflows/grade-pull-request.yml": "grade-pull-request.yml"}
#: A reference line shorter than this (stripped) is too common to mean anything
#: (``return x``, ``else:``).
_MIN_SECRET = 12


@dataclass
class ReleaseReport:
    """What ``release`` wrote.

    Attributes:
        out: the student repository's folder.
        assignments: the names released.
        notebooks: the notebooks written (paths relative to ``out``).
        sealed: the assignments whose hidden suite is in ``sealed/``.
        notes: sentences for the instructor (assignments without a sealed suite, ...).
        assignment_keys: {assignment: its key} of the sealed assignments (never written
            into the release; the record is signed with them).
    """

    out: Path
    assignments: list[str] = field(default_factory=list)
    notebooks: list[str] = field(default_factory=list)
    sealed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    assignment_keys: dict[str, bytes] = field(default_factory=dict, repr=False)


def _copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, symlinks=False, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".*"))


class OutdirNotUsable(ValueError):
    """OUTDIR cannot receive the release as given: it is a file, or it is not empty and
    ``force`` was not given (a usage error: the command line must change)."""


def _prepare(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise OutdirNotUsable(f"{out} is a file; give a folder for the student repository")
    existing = [p for p in out.iterdir() if p.name != ".git"] if out.is_dir() else []
    if existing and not force:
        raise OutdirNotUsable(
            f"{out} is not empty; give a new folder, or --force to replace everything in it "
            "but .git (a clone of the student template repository)")
    for path in existing:
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    out.mkdir(parents=True, exist_ok=True)


def _fill(template: str, **values: str) -> str:
    text = (_TEMPLATES / template).read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(f"@@{name}@@", value)
    return text


def _seal_bundles(root: Path, out: Path, released: list[Assignment], key: bytes,
                  report: ReleaseReport) -> None:
    """Copy the course's sealed bundles of the released assignments, refusing stale ones
    and a key that is an assignment's rather than the course's; each assignment's key
    goes into ``report.assignment_keys``."""
    missing = []
    for a in released:
        if not a.has_hidden_suite():
            continue
        bundle = seal.bundle_path(root, a.name)
        if not bundle.is_file():
            missing.append(a.name)
            continue
        own = seal.bundle_key(root, a.name, key)
        if own == key:
            raise ConfigurationError(
                f"GRADER_KEY is {a.name}'s key, not the course key: set it to the course key "
                "(grade seal printed it when it made it) and release again")
        if not seal.is_current(root, a.name, key):
            raise ConfigurationError(
                f"{bundle.relative_to(root)} is older than reference/{a.name}/: run `grade seal` "
                "again, then `grade release`")
        report.assignment_keys[a.name] = own
        target = seal.bundle_path(out, a.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(bundle, target)
        report.sealed.append(a.name)
    if missing:
        report.notes.append(
            f"no sealed hidden suite for {', '.join(missing)}: students' CI runs only the public "
            "tests there; run `grade seal` and release again to include it")


def release(root: Path, out: Path, *, names: list[str] | None = None, key: bytes | None,
            fail_under: float = 100.0, force: bool = False) -> ReleaseReport:
    """Build the student repository of the course at ``root`` in ``out``.

    Args:
        root: the instructor's course repository.
        out: the folder to write (new or empty, or only a ``.git``; ``force`` empties it).
        names: the assignments to release (default: all).
        key: the course key (``grader.seal.parse_key``): checks the sealed bundles are
            current and signs the release record (``grader.tamper``); required.
        fail_under: percent of the hidden suite's points from which a pull request's
            check is green.
        force: replace what ``out`` holds (except ``.git``).

    Returns:
        A ``ReleaseReport``.

    Raises:
        KeyError: an unknown assignment name.
        OutdirNotUsable: ``out`` is a file, is not empty (without ``force``), or is the
            course repository's folder or inside its ``reference/``.
        ConfigurationError: ``key`` is None or not the course key, a sealed bundle is
            stale, or a line of the reference would be released (``find_leaks``).
    """
    from grader.notebook import stub_notebook

    if key is None:
        raise ConfigurationError(
            f"grade release signs {tamper.RECORD_PATH} with the course key, and GRADER_KEY is "
            "not set: set it to the course key (grade seal prints a new one where there is "
            "none) and release again")
    root, out = Path(root).resolve(), Path(out).resolve()
    if out == root or root.is_relative_to(out) or out.is_relative_to(root / "reference"):
        raise OutdirNotUsable(f"{out} is (inside) the course repository's own folder; "
                                 "release into a folder of its own")
    everything = list_assignments(root)
    known = {a.name: a for a in everything}
    for name in names or []:
        if name not in known:
            raise KeyError(name)
    released = [known[n] for n in names] if names else everything
    _prepare(out, force)
    report = ReleaseReport(out=out, assignments=[a.name for a in released])

    package = Path(grader.__file__).resolve().parent
    _copy_tree(package, out / "grader")
    shutil.copyfile(root / "pyproject.toml", out / "pyproject.toml")
    for a in released:
        target = out / "assignments" / a.name
        _copy_tree(a.directory, target)
        stub = target / a.submission
        notebook = stub.with_suffix(".ipynb")
        handout = a.directory / "README.md"
        notebook.write_text(stub_notebook(a.default_submission, handout if handout.is_file() else None,
                                          a.title), encoding="utf-8")
        report.notebooks.append(notebook.relative_to(out).as_posix())
    _seal_bundles(root, out, released, key, report)

    table = ["| | assignment | file | points |", "|---|---|---|---|"]
    for a in released:
        gpu = f" (+{a.gpu_points:g} on a GPU)" if a.gpu_points else ""
        table.append(f"| {a.name} | {a.title} | `assignments/{a.name}/{a.submission}` | "
                     f"{a.points:g}{gpu} |")
    hidden = ("it is sealed in `sealed/` and opened only by the grader, in the pull request "
              "workflow." if report.sealed else "(not included in this release).")
    (out / "README.md").write_text(
        _fill("student_README.md", assignment_table="\n".join(table), hidden_suite_sentence=hidden,
              fail_under=f"{fail_under:g}"), encoding="utf-8")
    (out / ".gitignore").write_text(_fill("gitignore"), encoding="utf-8")
    for rel, template in WORKFLOWS.items():
        workflow = out / rel
        workflow.parent.mkdir(parents=True, exist_ok=True)
        workflow.write_text(_fill(template, fail_under=f"{fail_under:g}"), encoding="utf-8")

    leaks = find_leaks(out, secret_lines(root))
    if leaks:
        shown = "; ".join(f"{path}: {line!r}" for path, line in leaks[:5])
        raise ConfigurationError(
            f"release stopped: {len(leaks)} line(s) of reference/ would reach students ({shown}). "
            f"{out} is incomplete; remove those lines from the public files and release again")
    record = out / tamper.RECORD_PATH
    record.parent.mkdir(parents=True, exist_ok=True)
    stubs = [f"assignments/{a.name}/{name}" for a in released
             for name in (a.submission, Path(a.submission).with_suffix(".ipynb").name)]
    signed = tamper.record(out, key, stubs, assignment_keys=report.assignment_keys)
    record.write_text(json.dumps(signed, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return report


def _lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines()}


def _strings(value) -> list[str]:
    """Every string in a JSON document (keys and values), recursively."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _file_lines(path: Path) -> set[str]:
    """The stripped lines of a text file, and for a JSON file (a notebook) also those of
    every string it holds; empty for binary files."""
    data = path.read_bytes()
    if b"\0" in data:
        return set()
    text = data.decode("utf-8", errors="replace")
    lines = _lines(text)
    if path.suffix in (".ipynb", ".json"):
        try:
            lines |= {line for s in _strings(json.loads(text)) for line in _lines(s)}
        except ValueError:
            pass
    return lines


def secret_lines(root: Path) -> set[str]:
    """The lines of the course's ``reference/`` (solutions, hidden suites, known
    mistakes; stripped, at least 12 characters) that are not also in its public
    material (``assignments/`` and the grader package): what a release must never hold.
    """
    root = Path(root)
    public: set[str] = set()
    for base in (root / "assignments", Path(grader.__file__).resolve().parent):
        for path in base.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                public |= _file_lines(path)
    secret: set[str] = set()
    for path in (root / "reference").rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            secret |= {s for s in _file_lines(path) if len(s) >= _MIN_SECRET}
    return secret - public


def find_leaks(out: Path, secrets: set[str]) -> list[tuple[str, str]]:
    """``(file, line)`` for each line of ``secrets`` found in a file below ``out``
    (text files line by line; notebooks and other JSON also through every string they
    hold: cells, outputs, metadata)."""
    found = []
    for rel in tamper.tree_files(out):
        for line in sorted(_file_lines(Path(out) / rel) & secrets):
            found.append((rel, line))
    return found
