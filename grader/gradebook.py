"""The batch gradebook: one SQLite file (the standard library's ``sqlite3``) in the
batch's output folder, written the moment each result is known.

Tables:

``meta``
    ``assignment`` (one gradebook per assignment) and ``schema``; ``regrade_after``
    while a regrade is unfinished (``begin_regrade``).
``entries``
    one row per student: the current ``Entry`` (see below), keyed by ``student``,
    with the ``content_hash`` of what was graded and the ``fingerprint`` of the suite
    that graded it.  Schema 2 added ``flags`` (a JSON list), schema 3 who the student
    is (``name``, ``email``, ``submitted_at``, ``late``); an older file gets the
    columns when it is opened.
``gradings``
    an append-only log: one row per grading that finished (``student``,
    ``content_hash``, ``finished_at``), so that "each submission graded exactly once"
    can be checked after a crash and a resume.

A submission counts as done when its student's row has the same content hash and
suite fingerprint and its status is ``graded`` or ``rejected``; an ``error`` (the
grader's own failure, not the student's) is retried by the next run.  Every write is
its own transaction in WAL mode, so a batch killed at any moment (even by SIGKILL)
keeps every result it had written.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

__all__ = ["Entry", "Gradebook", "GradebookMismatch", "STATUSES"]

#: graded: the suite ran; rejected: the submission could not be graded (empty, unsafe
#: zip entry, duplicate id...), 0 points with a reason; error: the grader failed on it
#: (not the student's fault), no score, retried by the next run.
STATUSES = ("graded", "rejected", "error")

_SCHEMA = 3


class GradebookMismatch(ValueError):
    """The gradebook file belongs to another assignment (or a newer schema)."""


@dataclass
class Entry:
    """One student's current result.

    Attributes:
        student: the student id (from the file or folder name, or ``--id-pattern``).
        origin: where the submission came from, for people (``"class.zip!alice/backprop.py"``).
        content_hash: SHA-256 (hex) of the graded source; of the rejection reason for
            a rejected submission.
        status: one of ``STATUSES``.
        score: points earned (0 for a rejected submission, None for an error).
        max_score: points possible (the assignment's, for a rejected submission).
        reason: why it was rejected or why grading failed ('' when graded).
        result: the results document (``grader.result.Result.to_dict()``, Gradescope's
            results.json shape); None unless graded.
        seconds: wall-clock seconds the grading took.
        fingerprint: the suite fingerprint it was graded with (``grader.batch``).
        graded_at: ISO 8601 UTC time it was recorded.
        flags: for a student repository, each protected file that differs from its
            release (``grader.intake.Submission.flags``), whatever the status.
        name, email, submitted_at, late: who the student is and when they submitted,
            where the LMS export or the roster says (``grader.intake.Submission``).
    """

    student: str
    origin: str
    content_hash: str
    status: str
    score: float | None
    max_score: float
    reason: str = ""
    result: dict[str, Any] | None = None
    seconds: float = 0.0
    fingerprint: str = ""
    graded_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    flags: list[str] = field(default_factory=list)
    name: str = ""
    email: str = ""
    submitted_at: str = ""
    late: bool | None = None

    @property
    def outcome(self) -> str:
        """How grading went: the results document's ``extra_data.outcome``
        (``grader.result.OUTCOMES``: "completed", "import error", "time limit"...) for a
        graded entry, else its status ("rejected", "error")."""
        if self.status != "graded":
            return self.status
        return str(((self.result or {}).get("extra_data") or {}).get("outcome", "completed"))

    @property
    def outcome_detail(self) -> str:
        """What happened, in one line, when the outcome is not "completed" ('' otherwise)."""
        if self.status != "graded":
            return self.reason
        return str(((self.result or {}).get("extra_data") or {}).get("outcome_detail", ""))

    @property
    def percent(self) -> float | None:
        """The score as a percentage of ``max_score`` (None for an error)."""
        if self.score is None:
            return None
        return 100.0 * self.score / self.max_score if self.max_score else 100.0


_COLUMNS = ("student", "origin", "content_hash", "status", "score", "max_score", "reason",
            "result", "seconds", "fingerprint", "graded_at", "flags", "name", "email",
            "submitted_at", "late")
#: Who the student is: columns updated without grading again (``Gradebook.update_student``).
_STUDENT_COLUMNS = ("name", "email", "submitted_at", "late")
#: Columns stored as JSON text.
_JSON_COLUMNS = ("result", "flags")


class Gradebook:
    """The gradebook at ``path`` (created when missing) for ``assignment``.

    Raises:
        GradebookMismatch: the file holds another assignment's gradebook.
        sqlite3.DatabaseError: the file is not an SQLite database.
    """

    def __init__(self, path: Path, assignment: str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS entries (student TEXT PRIMARY KEY, origin TEXT, "
            "content_hash TEXT, status TEXT, score REAL, max_score REAL, reason TEXT, "
            "result TEXT, seconds REAL, fingerprint TEXT, graded_at TEXT, flags TEXT, "
            "name TEXT, email TEXT, submitted_at TEXT, late INTEGER)")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS gradings (id INTEGER PRIMARY KEY, student TEXT, "
            "content_hash TEXT, status TEXT, finished_at TEXT)")
        meta = dict(self.db.execute("SELECT key, value FROM meta"))
        if not meta:
            self.db.executemany("INSERT INTO meta VALUES (?, ?)",
                                [("assignment", assignment), ("schema", str(_SCHEMA))])
        elif meta.get("assignment") != assignment:
            self.db.close()
            raise GradebookMismatch(
                f"{self.path} is the gradebook of {meta.get('assignment')}, not {assignment}: "
                "choose another --out folder")
        elif int(meta.get("schema", 0)) > _SCHEMA:
            self.db.close()
            raise GradebookMismatch(f"{self.path} was written by a newer version of the grader")
        elif int(meta.get("schema", 0)) < _SCHEMA:
            columns = {row[1] for row in self.db.execute("PRAGMA table_info(entries)")}
            with _transaction(self.db):
                if "flags" not in columns:  # schema 1 -> 2
                    self.db.execute("ALTER TABLE entries ADD COLUMN flags TEXT")
                for column, kind in (("name", "TEXT"), ("email", "TEXT"), ("submitted_at", "TEXT"),
                                     ("late", "INTEGER")):  # schema 2 -> 3
                    if column not in columns:
                        self.db.execute(f"ALTER TABLE entries ADD COLUMN {column} {kind}")
                self.db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(_SCHEMA),))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Gradebook":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ reading
    def _entry(self, row: tuple) -> Entry:
        values = dict(zip(_COLUMNS, row))
        values["result"] = json.loads(values["result"]) if values["result"] else None
        values["flags"] = json.loads(values["flags"]) if values["flags"] else []
        for column in ("name", "email", "submitted_at"):
            values[column] = values[column] or ""
        values["late"] = None if values["late"] is None else bool(values["late"])
        return Entry(**values)

    def get(self, student: str) -> Entry | None:
        """The student's current entry, or None."""
        row = self.db.execute(f"SELECT {', '.join(_COLUMNS)} FROM entries WHERE student = ?",
                              (student,)).fetchone()
        return self._entry(row) if row else None

    def entries(self) -> list[Entry]:
        """Every student's current entry, sorted by student id."""
        rows = self.db.execute(f"SELECT {', '.join(_COLUMNS)} FROM entries ORDER BY student")
        return [self._entry(r) for r in rows]

    def is_done(self, student: str, content_hash: str, fingerprint: str) -> bool:
        """Whether this content was already graded (or rejected) for this student by
        the suite with this fingerprint."""
        row = self.db.execute(
            "SELECT 1 FROM entries WHERE student = ? AND content_hash = ? AND fingerprint = ? "
            "AND status IN ('graded', 'rejected')", (student, content_hash, fingerprint)).fetchone()
        return row is not None

    def gradings(self, student: str | None = None) -> list[tuple[str, str, str, str]]:
        """The log of finished gradings: ``(student, content_hash, status, finished_at)``."""
        query = "SELECT student, content_hash, status, finished_at FROM gradings"
        args: tuple = ()
        if student is not None:
            query, args = query + " WHERE student = ?", (student,)
        return list(self.db.execute(query + " ORDER BY id", args))

    # ------------------------------------------------------------------ writing
    def record(self, entry: Entry) -> None:
        """Store ``entry`` as its student's current result and log the grading, in one
        transaction (durable once this returns)."""
        if entry.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {entry.status!r}")
        values = [getattr(entry, c) for c in _COLUMNS]
        for name in _JSON_COLUMNS:
            value = getattr(entry, name)
            values[_COLUMNS.index(name)] = (json.dumps(value, ensure_ascii=False)
                                            if value is not None else None)
        with _transaction(self.db):
            self.db.execute(f"INSERT OR REPLACE INTO entries ({', '.join(_COLUMNS)}) "
                            f"VALUES ({', '.join('?' * len(_COLUMNS))})", values)
            self.db.execute("INSERT INTO gradings (student, content_hash, status, finished_at) "
                            "VALUES (?, ?, ?, ?)",
                            (entry.student, entry.content_hash, entry.status, entry.graded_at))

    def update_student(self, entry: Entry) -> None:
        """Store who ``entry``'s student is (name, email, submitted_at, late) in their
        current entry, if any, without logging a grading (an export or roster read
        again)."""
        with _transaction(self.db):
            self.db.execute(f"UPDATE entries SET {', '.join(c + ' = ?' for c in _STUDENT_COLUMNS)} "
                            "WHERE student = ?",
                            [getattr(entry, c) for c in _STUDENT_COLUMNS] + [entry.student])

    def forget(self, students: Iterable[str]) -> None:
        """Drop these students' current entries; the log stays."""
        with _transaction(self.db):
            self.db.executemany("DELETE FROM entries WHERE student = ?", [(s,) for s in students])

    # ------------------------------------------------------------------ regrading
    def begin_regrade(self) -> int:
        """Start a regrade (``--regrade``), or resume the one a stopped batch left
        unfinished: the id of the last grading logged before it began (in ``meta`` as
        ``regrade_after`` until ``end_regrade``).  A submission is regraded once it
        has a grading logged after that id (``regraded``)."""
        with _transaction(self.db):
            row = self.db.execute("SELECT value FROM meta WHERE key = 'regrade_after'").fetchone()
            if row is not None:
                return int(row[0])
            last = self.db.execute("SELECT COALESCE(MAX(id), 0) FROM gradings").fetchone()[0]
            self.db.execute("INSERT INTO meta VALUES ('regrade_after', ?)", (str(last),))
            return int(last)

    def unfinished_regrade(self) -> bool:
        """Whether a regrade began and did not finish (a batch stopped during it)."""
        return self.db.execute(
            "SELECT 1 FROM meta WHERE key = 'regrade_after'").fetchone() is not None

    def end_regrade(self) -> None:
        """The regrade is finished (or given up by a batch run without ``--regrade``)."""
        with _transaction(self.db):
            self.db.execute("DELETE FROM meta WHERE key = 'regrade_after'")

    def regraded(self, student: str, content_hash: str, fingerprint: str, after: int) -> bool:
        """Whether ``is_done`` holds and its grading was logged after grading ``after``
        (``begin_regrade``): graded again by the regrade that began then."""
        if not self.is_done(student, content_hash, fingerprint):
            return False
        row = self.db.execute(
            "SELECT 1 FROM gradings WHERE student = ? AND content_hash = ? AND id > ? "
            "AND status IN ('graded', 'rejected')", (student, content_hash, after)).fetchone()
        return row is not None


class _transaction:
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, *rest):
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
