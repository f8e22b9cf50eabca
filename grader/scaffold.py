"""``grade new hwN``: a new assignment's files, with one worked example function.

::

    assignments/hwN/assignment.toml   title, submission file, points, time limits
    assignments/hwN/README.md         the handout
    assignments/hwN/<file>            the stub students fill in
    assignments/hwN/tests/test_public.py
    reference/hwN/<file>              the reference solution
    reference/hwN/tests/test_hidden.py
    reference/hwN/misconceptions.py   known mistakes, with hints

The example (``center(x)``: subtract each column's mean) is complete, and the new
assignment passes ``grade audit`` as it is; replace it with the assignment's functions,
and audit again.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["new_assignment"]

_TEMPLATES = Path(__file__).parent / "templates" / "new"
_FILES = {  # template -> where it goes, relative to the course root
    "assignment.toml": "assignments/{name}/assignment.toml",
    "README.md": "assignments/{name}/README.md",
    "stub.py": "assignments/{name}/{file}",
    "test_public.py": "assignments/{name}/tests/test_public.py",
    "reference.py": "reference/{name}/{file}",
    "test_hidden.py": "reference/{name}/tests/test_hidden.py",
    "misconceptions.py": "reference/{name}/misconceptions.py",
}


def new_assignment(root: Path, name: str, *, title: str | None = None,
                   file: str | None = None) -> list[Path]:
    """Write a new assignment ``name`` into the course at ``root``.

    Args:
        root: the course repository's root.
        name: the assignment's name (``hw8``): a letter, then letters, digits, ``_``, ``-``.
        title: its title (default: the name).
        file: the submission's file name (default: ``<name>.py``).

    Returns:
        The files written.

    Raises:
        ValueError: a bad name or file name, or the assignment exists already.
    """
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", name):
        raise ValueError(f"{name!r} is not an assignment name (a letter, then letters, digits, _ or -)")
    file = file or f"{name.replace('-', '_')}.py"
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*\.py", file):
        raise ValueError(f"{file!r} is not a Python module's file name")
    if (root / "assignments" / name).exists() or (root / "reference" / name).exists():
        raise ValueError(f"{name} exists already (assignments/{name} or reference/{name})")
    values = {"name": name, "title": title or name, "file": file, "public_points": 10}
    written = []
    for template, target in _FILES.items():
        path = root / target.format(**values)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text((_TEMPLATES / template).read_text(encoding="utf-8").format(**values),
                        encoding="utf-8")
        written.append(path)
    return written
