"""``grade report``: the results of ``grade batch`` reported back to the students' GitHub
repositories, from a grading repository the instructor owns (docs/ci.md).

There, a scheduled or dispatched workflow clones each student's repository (folders
named after the repositories), runs ``grade batch`` over them with the course's own
hidden suite, and then ``grade report``, which for each graded student:

* sets a **commit status** on the commit it graded (``POST /repos/{owner}/{repo}/statuses
  /{sha}``, GitHub's REST API, "Commit statuses"): context ``grade/<assignment>``, state
  ``success`` from ``fail_under`` percent of the points, else ``failure``, ``error`` for a
  submission rejected or not graded; the description is the score, the target the
  workflow run;
* with ``comment``, adds a **commit comment** (``POST /repos/{owner}/{repo}/commits/{sha}
  /comments``, "Commit comments") holding the student's feedback
  (``feedback/<id>.md`` of the batch's output).

The token (a fine-grained token or a GitHub App's, allowed to write commit statuses
and contents of the students' repositories) lives in the grading repository's secrets:
no student can read it, and no student code or YAML runs where it is.  The client is
PyGithub (``github.Github``); the commit graded is read from each clone's ``.git``
files, without running git in a folder a student filled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from grader.errors import ConfigurationError
from grader.gradebook import Entry

__all__ = ["STATUS_DESCRIPTION_MAX", "COMMENT_MAX", "Report", "head_commit", "reports",
           "post"]

#: GitHub cuts a commit status's description at 140 characters.
STATUS_DESCRIPTION_MAX = 140
#: Characters of a commit comment at most (GitHub refuses a body over 65536).
COMMENT_MAX = 60_000
_SHA = re.compile(r"^[0-9a-f]{40}$")
_REPOSITORY = re.compile(r"^[A-Za-z0-9_.-]+$")


@dataclass
class Report:
    """What ``post`` sends for one student.

    Attributes:
        student: the student id (the repository's name).
        repository: ``"owner/name"``.
        sha: the commit graded (40 hex digits).
        state: ``success``, ``failure`` or ``error`` (GitHub's commit status states).
        description: the score, or why there is none (at most 140 characters).
        comment: the feedback to comment with, or None.
    """

    student: str
    repository: str
    sha: str
    state: str
    description: str
    comment: str | None = None


def head_commit(clone: Path) -> str | None:
    """The commit checked out in the git clone ``clone`` (its ``.git/HEAD``, followed
    through a branch's loose ref or ``packed-refs``); None where it is not a clone or
    the files do not say.  Git itself is not run there: the folder is a student's."""
    git_dir = Path(clone) / ".git"
    try:
        head = (git_dir / "HEAD").read_text(encoding="ascii").strip()
        if _SHA.match(head):
            return head
        if not head.startswith("ref: refs/"):
            return None
        ref = head[5:]
        if ".." in ref.split("/"):
            return None
        loose = git_dir / ref
        if loose.is_file():
            sha = loose.read_text(encoding="ascii").strip()
            return sha if _SHA.match(sha) else None
        for line in (git_dir / "packed-refs").read_text(encoding="ascii").splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1] == ref and _SHA.match(parts[0]):
                return parts[0]
    except (OSError, UnicodeDecodeError):
        return None
    return None


def _points(x: float) -> str:
    return f"{x:g}"


def reports(entries: list[Entry], repos: Path, owner: str, *, assignment: str,
            fail_under: float, feedback: dict[str, Path] | None = None) -> tuple[list[Report], list[str]]:
    """The ``Report`` of each entry whose student is a clone in ``repos`` (a folder
    named after the repository, owned by ``owner``), and a sentence for each entry left
    out (not a clone, no commit).

    Args:
        entries: the gradebook's entries (``grader.gradebook.Gradebook.entries``).
        fail_under: percent of the points from which the state is ``success``.
        feedback: {student: their feedback file}; each report then comments with it.
    """
    made, skipped = [], []
    for entry in entries:
        clone = Path(repos) / entry.student
        sha = head_commit(clone) if _REPOSITORY.match(entry.student) else None
        if sha is None:
            skipped.append(f"{entry.student}: not a git clone in {repos}, so not reported")
            continue
        if entry.status == "graded" and entry.score is not None:
            percent = 100.0 * entry.score / entry.max_score if entry.max_score else 100.0
            state = "success" if percent >= fail_under else "failure"
            description = (f"{assignment}: {_points(entry.score)}/{_points(entry.max_score)} "
                           f"({percent:.0f}%)")
        else:
            state = "error"
            why = entry.reason or "not graded"
            description = f"{assignment}: {'rejected' if entry.status == 'rejected' else 'not graded'}: {why}"
        comment = None
        if feedback and entry.student in feedback and feedback[entry.student].is_file():
            text = feedback[entry.student].read_text(encoding="utf-8")
            comment = text if len(text) <= COMMENT_MAX else (
                text[:COMMENT_MAX] + "\n\n… (shortened: the full feedback is in the grading run)")
        made.append(Report(entry.student, f"{owner}/{entry.student}", sha, state,
                           description[:STATUS_DESCRIPTION_MAX], comment))
    return made, skipped


def post(made: list[Report], *, token: str, context: str, target_url: str | None = None,
         api=None) -> list[str]:
    """Send each report: a commit status (and its comment) through the REST API.

    Args:
        token: the token of the grading repository's secret.
        context: the status's name, ``grade/<assignment>``.
        target_url: where the status links to (the workflow run).
        api: a ``github.Github`` to use, made with ``lazy=True`` (default: one made
            with ``token``, with PyGithub's pauses between requests, which GitHub's rate
            limits ask for).

    Returns:
        One line per report: what was set, or the API's error (a failure never stops
        the others).

    Raises:
        ConfigurationError: PyGithub is not installed (the ``github`` extra).
    """
    try:
        from github import Auth, Github, GithubException
    except ImportError:
        raise ConfigurationError("grade report needs PyGithub: pip install -e \".[github]\"") from None

    api = api or Github(auth=Auth.Token(token), lazy=True)  # lazy: no GET before each POST
    lines = []
    for report in made:
        try:
            commit = api.get_repo(report.repository).get_commit(report.sha)
            extra = {"target_url": target_url} if target_url else {}
            commit.create_status(state=report.state, description=report.description,
                                 context=context, **extra)
            if report.comment is not None:
                commit.create_comment(report.comment)
            lines.append(f"{report.repository}@{report.sha[:7]}: {report.state} "
                         f"({report.description}){' + comment' if report.comment else ''}")
        except GithubException as exc:
            message = exc.data.get("message") if isinstance(exc.data, dict) else exc.data
            lines.append(f"{report.repository}@{report.sha[:7]}: GitHub answered {exc.status}: "
                         f"{message} (check the token's access to this repository)")
    return lines
