"""``grade ci``: which assignments a push or pull request changed, in GitHub Actions.

GitHub Actions describes the run in environment variables ("Variables" in GitHub's
Actions documentation): ``GITHUB_EVENT_NAME`` (``push``, ``pull_request``...) and
``GITHUB_EVENT_PATH``, a JSON file holding the webhook payload: for ``pull_request``,
``pull_request.base.sha``; for ``push``, ``before`` (all zeros for a new branch).  The
files changed are ``git diff --name-only BASE HEAD`` (on a pull request, HEAD is the
merge commit GitHub made, so this is the pull request's change); the workflow checks
out with ``fetch-depth: 0`` so that BASE is there.  When the base cannot be known or
read (a first push, a shallow clone, no git), every assignment is graded.

An assignment changed when a file below ``assignments/hwN/`` did; its submission is
the notebook (``<stub>.ipynb``) when only the notebook changed, else the ``.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path, PurePosixPath
from typing import Mapping

from grader.assignment import Assignment

__all__ = ["base_commit", "changed_files", "to_grade"]

_NO_COMMIT = "0" * 40


def base_commit(environ: Mapping[str, str] = os.environ) -> str | None:
    """The commit a push or pull request is compared with, from the event payload at
    ``GITHUB_EVENT_PATH``; None when there is none (not in Actions, a new branch, a
    payload that cannot be read)."""
    path = environ.get("GITHUB_EVENT_PATH")
    if not path:
        return None
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(event, dict):
        return None
    if environ.get("GITHUB_EVENT_NAME", "").startswith("pull_request"):
        sha = ((event.get("pull_request") or {}).get("base") or {}).get("sha")
    else:
        sha = event.get("before")
    return sha if isinstance(sha, str) and sha and sha != _NO_COMMIT else None


def changed_files(root: Path, base: str | None) -> list[str] | None:
    """Paths (POSIX, relative to the repository ``root``) that differ between ``base``
    and ``HEAD``; None when ``base`` is None or git cannot compare them."""
    if base is None:
        return None
    try:
        done = subprocess.run(["git", "diff", "--name-only", "--no-renames", base, "HEAD", "--"],
                              cwd=root, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return [line for line in done.stdout.splitlines() if line]


def to_grade(assignments: list[Assignment], changed: list[str] | None) -> list[tuple[Assignment, Path]]:
    """``(assignment, submission file)`` for each assignment ``changed`` touches (all of
    them when ``changed`` is None), in course order."""
    chosen = []
    for a in assignments:
        notebook = Path(a.submission).with_suffix(".ipynb").name
        if changed is None:
            touched = {a.submission}
        else:
            touched = {PurePosixPath(p).relative_to(f"assignments/{a.name}").as_posix()
                       for p in changed if PurePosixPath(p).is_relative_to(f"assignments/{a.name}")}
            if not touched:
                continue
        use_notebook = (notebook in touched and a.submission not in touched
                        and (a.directory / notebook).is_file())
        chosen.append((a, a.directory / notebook if use_notebook else a.default_submission))
    return chosen
