"""``grade ci``: what a push or a pull request asks to grade, in GitHub Actions, and a pull
request's submission files taken from its head as data.

GitHub Actions describes the run in environment variables ("Variables" in GitHub's
Actions documentation): ``GITHUB_EVENT_NAME`` (``push``, ``pull_request_target``...) and
``GITHUB_EVENT_PATH``, a JSON file holding the webhook payload: for the pull request
events, ``pull_request.base.sha`` and ``pull_request.head.sha``; for ``push``,
``before`` (all zeros for a new branch) and ``repository.fork``.

Pushes (the student workflow ``grade.yml``, public tests only)
    The files changed are ``git diff --name-only BEFORE HEAD`` (the workflow checks out
    with ``fetch-depth: 0`` so that BEFORE is there).  An assignment changed when a file
    below ``assignments/hwN/`` did; its submission is the notebook (``<stub>.ipynb``)
    when only the notebook changed, else the ``.py``.  Where there is no base (a new
    branch, a first push, a shallow clone), the assignments graded are those whose
    ``.py`` or notebook differs from the stub the release recorded
    (``grader.tamper.untouched``), so that untouched stubs are not graded.

Pull requests (``grade-pull-request.yml``, ``pull_request_target``)
    That workflow, the grader, the tests and the sealed suites all come from the default
    branch.  ``plan`` (run as ``python -m grader.ci plan --out DIR``: the standard
    library only, nothing installed, no secret) compares the pull request's head with
    its base (``git diff BASE...HEAD``, the head's commits fetched beforehand as
    objects, never checked out), and copies out of the head the submission file of
    each assignment it changed, and nothing else: a regular file (``git ls-tree``: mode
    100644 or 100755, never a link or a submodule) of at most ``MAX_SUBMISSION_BYTES``,
    read with ``git cat-file blob`` into ``DIR/assignments/hwN/<file>``.  It writes the
    step output ``matrix`` (one ``{"assignment", "secret"}`` per assignment, for the
    grading jobs, each given only its assignment's key) and a job summary that lists
    what will be graded and which changed files grading ignores.  ``grade ci
    --submissions DIR hwN`` then grades that file in the job that holds hwN's key.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Mapping

from grader import keys, tamper
from grader.assignment import Assignment, find_course_root, list_assignments
from grader.errors import ConfigurationError
from grader.i18n import _

__all__ = ["MAX_SUBMISSION_BYTES", "Plan", "base_commit", "changed_files", "event",
           "main", "plan", "public_reason", "submission_names", "to_grade"]

_NO_COMMIT = "0" * 40
_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
#: The largest submission file a pull request may hand in (a notebook with outputs).
MAX_SUBMISSION_BYTES = 5 * 2**20
_REGULAR_MODES = ("100644", "100755")
_PULL_REQUEST_EVENTS = ("pull_request", "pull_request_target")


def event(environ: Mapping[str, str] = os.environ) -> dict:
    """The webhook payload at ``GITHUB_EVENT_PATH``; {} when there is none (not in
    Actions, or a file that cannot be read as a JSON object)."""
    path = environ.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return payload if isinstance(payload, dict) else {}


def _get(payload: Mapping, *path: str):
    for name in path:
        payload = payload.get(name) if isinstance(payload, Mapping) else None
    return payload


def _sha(value) -> str | None:
    return value if isinstance(value, str) and _SHA.match(value) and value != _NO_COMMIT else None


def base_commit(environ: Mapping[str, str] = os.environ) -> str | None:
    """The commit a push or pull request is compared with, from the event payload at
    ``GITHUB_EVENT_PATH``; None when there is none (not in Actions, a new branch, a
    payload that cannot be read)."""
    payload = event(environ)
    if environ.get("GITHUB_EVENT_NAME", "") in _PULL_REQUEST_EVENTS:
        return _sha(_get(payload, "pull_request", "base", "sha"))
    return _sha(payload.get("before"))


def _git(root: Path, *args: str, text: bool = True) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=text,
                              timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None


def changed_files(root: Path, base: str | None, head: str = "HEAD", *,
                  since_fork_point: bool = False) -> list[str] | None:
    """Paths (POSIX, relative to the repository ``root``) that differ between ``base``
    and ``head`` (with ``since_fork_point``, between their merge base and ``head``: what
    a pull request changes); None when ``base`` is None or git cannot compare them."""
    if base is None:
        return None
    spec = [f"{base}...{head}"] if since_fork_point else [base, head]
    done = _git(root, "diff", "--name-only", "--no-renames", *spec, "--")
    if done is None or done.returncode != 0:
        return None
    return [line for line in done.stdout.splitlines() if line]


def submission_names(a: Assignment) -> tuple[str, str]:
    """The names, in ``assignments/<name>/``, of the files a student hands in: the
    ``.py`` and the notebook beside it."""
    return a.submission, Path(a.submission).with_suffix(".ipynb").name


def _worked_on(a: Assignment) -> set[str]:
    """Which of the assignment's submission files differ from the stub the release
    recorded; both names where the repository has no release record."""
    if not (a.root / tamper.RECORD_PATH).is_file():
        return {a.submission}
    return {name for name in submission_names(a)
            if (a.directory / name).is_file() and tamper.untouched(a.root, a.directory / name) is False}


def to_grade(assignments: list[Assignment], changed: list[str] | None) -> list[tuple[Assignment, Path]]:
    """``(assignment, submission file)`` for each assignment ``changed`` touches, in
    course order; where ``changed`` is None (no base to compare with), each assignment
    whose submission differs from the released stub (every one, in a repository that
    is not a release)."""
    chosen = []
    for a in assignments:
        py, notebook = submission_names(a)
        if changed is None:
            touched = _worked_on(a)
        else:
            touched = {PurePosixPath(p).relative_to(f"assignments/{a.name}").as_posix()
                       for p in changed if PurePosixPath(p).is_relative_to(f"assignments/{a.name}")}
        if not touched:
            continue
        use_notebook = (notebook in touched and py not in touched
                        and (a.directory / notebook).is_file())
        chosen.append((a, a.directory / notebook if use_notebook else a.default_submission))
    return chosen


def public_reason(name: str, environ: Mapping[str, str] = os.environ) -> str:
    """Why only the public tests of assignment ``name`` ran here, as a clause for a
    student: a push (and a fork), a pull request from a fork without secrets, a missing
    secret, or no key outside CI."""
    if environ.get("GITHUB_ACTIONS") != "true":
        return _("{variable} is not set here. The hidden suite runs on GitHub when you open a "
                 "pull request").format(variable=keys.KEY_ENV)
    payload = event(environ)
    kind = environ.get("GITHUB_EVENT_NAME", "")
    default = _get(payload, "repository", "default_branch") or _("the default branch")
    if kind == "push":
        if _get(payload, "repository", "fork"):
            return _("this repository is a fork, and forks get no key: the hidden suite grades "
                     "a pull request into the course's own repository, so open one there")
        return _("pushes run the public tests only (no key is given to them); the hidden suite "
                 "grades your pull request into {branch}").format(branch=default)
    if kind in _PULL_REQUEST_EVENTS:
        head = _get(payload, "pull_request", "head", "repo", "full_name")
        base = _get(payload, "pull_request", "base", "repo", "full_name")
        if kind == "pull_request" and head and head != base:
            return _("this pull request comes from a fork, and GitHub gives no secrets to "
                     "`pull_request` workflows of forks; the course's `pull_request_target` "
                     "workflow grades it with the hidden suite")
        if kind == "pull_request":
            return _("`pull_request` workflows are given no key; the course's "
                     "`pull_request_target` workflow grades pull requests with the hidden suite")
        return _("the secret {secret} is not set in this repository's `{environment}` "
                 "environment (or that environment does not allow {branch}); ask your "
                 "instructor to set it (docs/ci.md)").format(
            secret=keys.secret_name(name), environment=keys.ENVIRONMENT, branch=default)
    return _("{variable} is not given to this job ({event})").format(
        variable=keys.KEY_ENV, event=kind or _("no event"))


# ----------------------------------------------------------------------------- pull requests

@dataclass
class Plan:
    """What a pull request hands in (``plan``).

    Attributes:
        graded: ``(assignment name, path relative to the output folder)`` for each
            submission copied out of the head, in course order.
        ignored: the changed files grading does not use (everything but those), with the
            protected ones (``grader.tamper.protected``) first.
        problems: sentences about submissions that could not be taken (a link, too big,
            deleted), for the summary.
    """

    graded: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def matrix(self) -> list[dict[str, str]]:
        """The grading jobs' matrix: ``{"assignment": name, "secret": its secret}``."""
        return [{"assignment": name, "secret": keys.secret_name(name)} for name, _path in self.graded]


def _blob(root: Path, head: str, rel: str) -> tuple[str | None, str | None]:
    """(object id, None) of the regular file ``rel`` in commit ``head``, or (None,
    why not) where it is absent, a link, a submodule or too big."""
    listed = _git(root, "ls-tree", "-z", head, "--", rel)
    if listed is None or listed.returncode != 0:
        return None, "git could not read the pull request's head"
    entries = [e for e in listed.stdout.split("\0") if e]
    if not entries:
        return None, "deleted in the pull request"
    mode, kind, oid = entries[0].split("\t", 1)[0].split(" ")
    if kind != "blob" or mode not in _REGULAR_MODES:
        return None, "not a regular file (a link or a submodule)"
    size = _git(root, "cat-file", "-s", oid)
    if size is None or size.returncode != 0 or int(size.stdout.strip() or 0) > MAX_SUBMISSION_BYTES:
        return None, f"larger than {MAX_SUBMISSION_BYTES // 2**20} MB"
    return oid, None


def plan(root: Path, assignments: list[Assignment], base: str, head: str, out: Path) -> Plan:
    """Copy, out of the commit ``head``, the submission file of each assignment whose
    ``.py`` or notebook the pull request (``base...head``) changes (the ``.py`` when
    both changed) into ``out/assignments/<name>/<file>``; nothing of the head is run or
    checked out.

    Raises:
        ConfigurationError: ``base`` or ``head`` is not a commit of the repository at
            ``root`` (the head was not fetched, or was force-pushed away since).
    """
    for commit in (base, head):
        found = _git(root, "cat-file", "-e", f"{commit}^{{commit}}") if _sha(commit) else None
        if found is None or found.returncode != 0:
            raise ConfigurationError(
                f"commit {commit!r} is not in this clone: fetch the pull request's head first "
                "(git fetch origin refs/pull/N/head); if it was force-pushed away, the run for "
                "the new head grades it")
    changed = changed_files(root, base, head, since_fork_point=True)
    if changed is None:
        raise ConfigurationError(f"git cannot compare {base} with {head} in {root}")
    result = Plan()
    used = set()
    for a in assignments:
        py, notebook = submission_names(a)
        touched = [n for n in (py, notebook) if f"assignments/{a.name}/{n}" in changed]
        if not touched:
            continue
        rel = f"assignments/{a.name}/{touched[0]}"
        used.add(rel)
        oid, why = _blob(root, head, rel)
        if oid is None:
            result.problems.append(f"{rel}: {why}; {a.name} is not graded")
            continue
        data = _git(root, "cat-file", "blob", oid, text=False)
        if data is None or data.returncode != 0:
            result.problems.append(f"{rel}: git could not read it; {a.name} is not graded")
            continue
        target = Path(out) / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.stdout)
        result.graded.append((a.name, rel))
    rest = [p for p in changed if p not in used]
    result.ignored = sorted(rest, key=lambda p: (not tamper.protected(p), p))
    return result


def _append(environ: Mapping[str, str], variable: str, text: str) -> None:
    path = environ.get(variable)
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(text)


def _code(text: str) -> str:
    """``text`` (a path from the pull request) as inline Markdown code that it cannot end."""
    text = re.sub(r"[\x00-\x1f\x7f`]", "?", text)
    return f"`{text}`"


def plan_summary(done: Plan, number: object) -> str:
    """The job summary of ``plan``'s step: what is graded, what is not, and why."""
    lines = [f"### Pull request #{number}: what the hidden suite grades", ""]
    if done.graded:
        lines += [f"- {name}: {_code(rel)}" for name, rel in done.graded]
    else:
        lines.append("Nothing to grade: this pull request changes no assignment's file "
                     "(`assignments/hwN/<file>.py` or its notebook).")
    lines += [f"- ⚠️ {_code(p)}" for p in done.problems]
    if done.ignored:
        protected = [p for p in done.ignored if tamper.protected(p)]
        lines += ["", f"Grading uses only the files above from this pull request; its "
                      f"{len(done.ignored)} other changed file(s) are not used (tests, "
                      "workflows and the grader come from the default branch)."]
        if protected:
            shown = ", ".join(_code(p) for p in protected[:20])
            more = f" and {len(protected) - 20} more" if len(protected) > 20 else ""
            lines.append(f"Files students must not change, changed here: {shown}{more}.")
    return "\n".join(lines) + "\n\n"


def main(argv: list[str] | None = None, environ: Mapping[str, str] = os.environ) -> int:
    """``python -m grader.ci plan --out DIR``: the first job of the pull request
    workflow (see the module docstring).  Needs only the standard library, so that job
    installs nothing.  Exit status 0, or 3 with a one-line reason on stderr."""
    parser = argparse.ArgumentParser(
        prog="python -m grader.ci",
        description="In a pull_request_target job: copy the pull request's submission files "
                    "out of its head (as data) into DIR, and write the grading jobs' matrix "
                    "to $GITHUB_OUTPUT.")
    parser.add_argument("command", choices=["plan"])
    parser.add_argument("--out", required=True, type=Path, metavar="DIR")
    args = parser.parse_args(argv)
    payload = event(environ)
    base = _sha(_get(payload, "pull_request", "base", "sha"))
    head = _sha(_get(payload, "pull_request", "head", "sha"))
    try:
        if environ.get("GITHUB_EVENT_NAME") != "pull_request_target" or not (base and head):
            raise ConfigurationError("python -m grader.ci plan runs in a pull_request_target "
                                     "job (GITHUB_EVENT_PATH must hold its payload)")
        root = find_course_root()
        done = plan(root, list_assignments(root), base, head, args.out)
    except ConfigurationError as exc:
        print(f"grade: configuration error: {exc}", file=sys.stderr)
        return 3
    delimiter = f"matrix-{uuid.uuid4().hex}"
    _append(environ, "GITHUB_OUTPUT",
            f"matrix<<{delimiter}\n{json.dumps(done.matrix())}\n{delimiter}\n")
    _append(environ, "GITHUB_STEP_SUMMARY", plan_summary(done, _get(payload, "pull_request", "number")))
    for name, rel in done.graded:
        print(f"{name}: {rel}")
    for line in done.problems:
        print(f"::warning title=not graded::{line.replace('%', '%25')}")
    if not done.graded:
        print("Nothing to grade: this pull request changes no assignment's file.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
