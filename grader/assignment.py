"""Assignments: where they are and what their ``assignment.toml`` declares.

A course repository has ``assignments/hwN/assignment.toml`` (what students get) and,
in the instructor's copy only, ``reference/hwN/`` (the reference solution and the
hidden suite under ``reference/hwN/tests/``).  Example ``assignment.toml``::

    title = "Backpropagation"
    submission = "backprop.py"   # the file students fill in, in assignments/hwN/
    points = 100                 # total of the hidden suite's tests that run on CPU
    gpu_points = 4               # total of its `gpu`-marked tests (counted only with CUDA)
    public_points = 10           # total of the public tests in assignments/hwN/tests/
    time_limit = 5               # seconds per call of the student's code (its own time)
    import_time_limit = 60       # seconds for importing the submission (top-level code)

plus the optional ``[limits]`` and ``[sandbox]`` tables of ``grader.limits``.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from grader.errors import ConfigurationError
from grader.limits import EnvPolicy, Limits

__all__ = ["Assignment", "find_assignment", "find_course_root", "import_file", "list_assignments",
           "load_assignment"]

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Assignment:
    """One assignment's metadata and paths.

    Attributes:
        name: the directory name, e.g. ``"hw3"``.
        root: the course repository's root directory.
        title: the title shown in reports.
        submission: file name of the submission (``"backprop.py"``).
        module: module name the submission is imported under (its file stem).
        points, gpu_points, public_points: declared totals (see the module docstring).
        limits: the resource limits its submissions run under (``grader.limits``).
        env_policy: which environment variables the worker inherits.
        reference_root: where ``<name>/`` holds the reference and hidden suite, when
            not ``root/reference`` (a sealed suite opened into a private folder,
            ``grader.seal.unsealed``).
    """

    name: str
    root: Path
    title: str
    submission: str
    module: str
    points: float
    gpu_points: float
    public_points: float
    limits: Limits = Limits()
    env_policy: EnvPolicy = EnvPolicy()
    reference_root: Path | None = None

    @property
    def time_limit(self) -> float:
        """Wall-clock seconds allowed per call of the student's code."""
        return self.limits.call_seconds

    @property
    def import_time_limit(self) -> float:
        """Wall-clock seconds allowed for importing the submission."""
        return self.limits.import_seconds

    @property
    def directory(self) -> Path:
        return self.root / "assignments" / self.name

    @property
    def default_submission(self) -> Path:
        """The student's file in the repository: ``assignments/hwN/<submission>``."""
        return self.directory / self.submission

    @property
    def public_tests(self) -> Path:
        return self.directory / "tests"

    @property
    def reference_dir(self) -> Path:
        return (self.reference_root or self.root / "reference") / self.name

    @property
    def reference_file(self) -> Path:
        """The reference solution: ``reference/hwN/<submission>``."""
        return self.reference_dir / self.submission

    @property
    def misconceptions_file(self) -> Path:
        """Known wrong variants of the reference, with hints (``grader.hints``):
        ``reference/hwN/misconceptions.py``."""
        return self.reference_dir / "misconceptions.py"

    @property
    def hidden_tests(self) -> Path:
        return self.reference_dir / "tests"

    def has_hidden_suite(self) -> bool:
        """Whether this copy of the course holds the hidden suite (the instructor's does)."""
        return self.hidden_tests.is_dir() and any(self.hidden_tests.glob("test_*.py"))

    def public_names(self) -> list[str]:
        """The functions and classes the stub asks students to write: its top-level
        ``def`` and ``class`` statements whose names do not start with ``_``, in order.

        Raises:
            OSError: the stub cannot be read.
            SyntaxError: the stub is not valid Python.
        """
        import ast

        tree = ast.parse(self.default_submission.read_text(encoding="utf-8"))
        return [node.name for node in tree.body
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                and not node.name.startswith("_")]

    def import_reference(self) -> ModuleType:
        """The reference solution, imported in this process (trusted code) under the
        module name ``_reference_<hwN>_<module>``, once.

        Raises:
            FileNotFoundError: where this copy of the course has no reference.
            Exception: whatever the reference raises while it is imported.
        """
        return import_file(self.reference_file, f"_reference_{self.name}_{self.module}")


def import_file(path: Path, name: str) -> ModuleType:
    """Import the Python file ``path`` as the module ``name`` (the one already imported
    under that name, if any), without putting its folder on ``sys.path``.

    Raises:
        FileNotFoundError: if ``path`` is not a file.
        Exception: whatever the file raises while it runs; it is then not kept in
            ``sys.modules``.
    """
    if name in sys.modules:
        return sys.modules[name]
    if not Path(path).is_file():
        raise FileNotFoundError(f"{path} does not exist")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def find_course_root(start: Path | None = None) -> Path:
    """The course repository that contains ``start`` (default: the current directory).

    Walks up from ``start`` to the first directory holding ``assignments/*/assignment.toml``;
    if there is none, falls back to the repository this grader package was installed
    from (an editable install), if it is a course repository.

    Raises:
        ConfigurationError: no course repository was found.
    """
    start = (start or Path.cwd()).resolve()
    candidates = [start, *start.parents, Path(__file__).resolve().parent.parent]
    for directory in candidates:
        if any((directory / "assignments").glob("*/assignment.toml")):
            return directory
    raise ConfigurationError(
        f"no course repository found at or above {start} (looked for "
        "assignments/*/assignment.toml); run `grade` inside the course repository")


def load_assignment(root: Path, name: str) -> Assignment:
    """Read ``assignments/<name>/assignment.toml`` under ``root``.

    Raises:
        KeyError: there is no such assignment.
        ConfigurationError: the file is malformed or misses a required key.
    """
    if not _NAME.match(name):
        raise KeyError(name)
    path = root / "assignments" / name / "assignment.toml"
    if not path.is_file():
        raise KeyError(name)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"{path}: {exc}") from None
    try:
        submission = str(data["submission"])
        return Assignment(
            name=name, root=root, title=str(data["title"]), submission=submission,
            module=str(data.get("module", Path(submission).stem)),
            points=float(data["points"]), gpu_points=float(data.get("gpu_points", 0)),
            public_points=float(data.get("public_points", 0)),
            limits=Limits.from_toml(data), env_policy=EnvPolicy.from_toml(data),
        )
    except KeyError as exc:
        raise ConfigurationError(f"{path}: missing required key {exc.args[0]!r}") from None
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"{path}: {exc}") from None


def find_assignment(root: Path, name: str) -> Assignment | None:
    """The assignment of the course at ``root`` called ``name``, compared
    case-insensitively (``HW3`` is hw3; an exact match wins); None if there is none."""
    everything = list_assignments(root)
    matches = [a for a in everything if a.name.casefold() == name.casefold()]
    exact = [a for a in matches if a.name == name]
    return (exact or matches or [None])[0]


def list_assignments(root: Path) -> list[Assignment]:
    """All assignments of the course, sorted by name (hw1, hw2, ..., hw10)."""
    names = [p.parent.name for p in (root / "assignments").glob("*/assignment.toml")]
    key = lambda n: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", n)]  # noqa: E731
    return [load_assignment(root, n) for n in sorted(names, key=key)]
