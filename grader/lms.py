"""What learning-management systems say about the students behind submissions: names,
emails, submission times and late flags, read from Canvas and Gradescope exports and
from a roster.  ``grader.intake`` applies them to the submissions it finds; nothing
here reads student code.

Canvas ("Download Submissions")
    Each file is named ``<login>_[LATE_]<user id>_<submission id>_<file name>``
    (``doejohn_LATE_12345_67890_backprop.py``); ``LATE`` is Canvas's own late flag.
    ``canvas_name`` parses such a name.  Canvas's download has no time of submission.

Gradescope ("Export Submissions")
    A folder per submission (``submission_123456/``) beside ``submission_metadata.yml``,
    which maps each folder to its submitters (``:name:``, ``:sid:``, ``:email:``; several
    for a group) and the time it was made (``:created_at:``), written with Ruby's symbol
    keys (``:submitters:``).  ``gradescope_metadata`` reads it with PyYAML's safe loader
    (keys are accepted with or without the colon).  Gradescope's export has no late flag:
    ``--due`` gives the deadline, and ``is_late`` compares.

A roster (``--roster CSV``)
    Any CSV with a header: the columns whose names are one of ``ROSTER_ID_COLUMNS``
    (case-insensitive; Canvas's gradebook export has ``ID``, ``SIS User ID`` and ``SIS
    Login ID``, Gradescope's roster ``SID`` and ``Email``) are ids a student may be
    known by; the name is ``Name``/``Student``/``Full Name``, else ``First Name`` and
    ``Last Name`` joined; the email ``Email``/``E-mail``.  ``Roster.find(id)`` gives a
    row's ``StudentInfo``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from pathlib import Path

__all__ = ["CanvasName", "GRADESCOPE_METADATA", "ROSTER_ID_COLUMNS", "LmsError", "Roster",
           "StudentInfo", "canvas_name", "gradescope_metadata", "is_late", "parse_time",
           "read_roster"]

#: The file of a Gradescope export that describes its submissions.
GRADESCOPE_METADATA = "submission_metadata.yml"

#: Roster columns that hold an id a student may be known by (compared case-insensitively).
ROSTER_ID_COLUMNS = ("id", "student id", "student_id", "sid", "user id", "sis user id",
                     "sis login id", "login", "login id", "username", "email", "e-mail",
                     "email address")
_NAME_COLUMNS = ("name", "student", "student name", "full name")
_EMAIL_COLUMNS = ("email", "e-mail", "email address")

_CANVAS = re.compile(r"^(?P<login>[^_]+)_(?:(?P<late>LATE)_)?(?P<user>\d+)_(?P<submission>\d+)_"
                     r"(?P<file>.+)$")


class LmsError(ValueError):
    """An export's metadata or a roster cannot be read; the message names the file."""


@dataclass(frozen=True)
class StudentInfo:
    """What is known about the student behind a submission ('' or None: not known).

    Attributes:
        id: the id the student is known by in the export (a Gradescope SID), if any.
        name: the student's name.
        email: the student's email.
        submitted_at: when the submission was made, ISO 8601 with its UTC offset.
        late: whether it was late (Canvas's LATE flag, or later than ``--due``).
    """

    id: str = ""
    name: str = ""
    email: str = ""
    submitted_at: str = ""
    late: bool | None = None

    def merged(self, other: "StudentInfo | None") -> "StudentInfo":
        """This, with the fields it lacks taken from ``other``."""
        if other is None:
            return self
        return replace(self, **{f: getattr(other, f) for f in ("id", "name", "email", "submitted_at")
                                if not getattr(self, f) and getattr(other, f)},
                       late=self.late if self.late is not None else other.late)


@dataclass(frozen=True)
class CanvasName:
    """A file name of Canvas's submission download, parsed (see the module docstring)."""

    login: str
    late: bool
    user_id: str
    submission_id: str
    file: str


def canvas_name(name: str) -> CanvasName | None:
    """``name`` (a file name or its stem) parsed as Canvas names downloaded submissions,
    or None when it is not such a name."""
    m = _CANVAS.match(name)
    if m is None:
        return None
    return CanvasName(m["login"], m["late"] is not None, m["user"], m["submission"], m["file"])


def parse_time(value: object) -> datetime | None:
    """A time as exports write it (``2024-03-01 23:59:12.123456000 -08:00``, ISO 8601, or
    a ``datetime`` PyYAML already made), as an aware ``datetime`` (UTC where the text
    has no offset); None for nothing or text that is not a time."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)          # nanoseconds: Python takes 6 digits
    text = re.sub(r"\s+([+-]\d{2}:?\d{2}|Z)$", r"\1", text)  # "... -08:00": no space before it
    try:
        parsed = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def is_late(submitted_at: str, due: datetime | None) -> bool | None:
    """Whether a submission made at ``submitted_at`` (ISO 8601) is after ``due``; None
    when either is unknown."""
    when = parse_time(submitted_at)
    if when is None or due is None:
        return None
    return when > (due if due.tzinfo else due.replace(tzinfo=timezone.utc))


def _key(mapping: dict, name: str):
    """``mapping[":name"]`` or ``mapping["name"]`` (Ruby symbol keys or plain ones)."""
    for key in (f":{name}", name):
        if key in mapping:
            return mapping[key]
    return None


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def gradescope_metadata(data: bytes, origin: str = GRADESCOPE_METADATA) -> dict[str, list[StudentInfo]]:
    """The submitters of each submission folder of a Gradescope export, from its
    ``submission_metadata.yml`` (bytes read from ``origin``): ``{"submission_123456":
    [StudentInfo(id=sid, name, email, submitted_at), ...]}``, several for a group.

    Raises:
        LmsError: it is not YAML, or not a mapping of folders to metadata.
    """
    import yaml  # PyYAML: only for Gradescope exports

    try:
        doc = yaml.safe_load(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LmsError(f"{origin} is not a Gradescope metadata file ({type(exc).__name__}: "
                       f"{str(exc).splitlines()[0] if str(exc) else ''})") from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise LmsError(f"{origin} is not a Gradescope metadata file (a mapping of submission "
                       "folders to their submitters)")
    found: dict[str, list[StudentInfo]] = {}
    for folder, meta in doc.items():
        if not isinstance(meta, dict):
            continue
        when = parse_time(_key(meta, "created_at"))
        stamp = when.isoformat() if when else ""
        people = _key(meta, "submitters")
        infos = []
        for person in people if isinstance(people, list) else []:
            if isinstance(person, dict):
                infos.append(StudentInfo(id=_text(_key(person, "sid")), name=_text(_key(person, "name")),
                                         email=_text(_key(person, "email")), submitted_at=stamp))
        found[str(folder)] = infos or [StudentInfo(submitted_at=stamp)]
    return found


@dataclass
class Roster:
    """A class list: ``find(id)`` is the ``StudentInfo`` of the row where one of the id
    columns (``ROSTER_ID_COLUMNS``) equals ``id`` (compared case-insensitively)."""

    rows: dict[str, StudentInfo]
    source: str = ""

    def find(self, student_id: str) -> StudentInfo | None:
        return self.rows.get(student_id.strip().casefold())


def read_roster(path: Path) -> Roster:
    """The roster in the CSV file ``path`` (UTF-8, with or without a BOM; the header
    names the columns, see the module docstring).

    Raises:
        LmsError: it cannot be read, or has no id column or no name or email column.
    """
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise LmsError(f"the roster {path} cannot be read: {exc}") from None
    reader = csv.DictReader(io.StringIO(text))
    header = {(h or "").strip().casefold(): h for h in reader.fieldnames or []}
    ids = [header[c] for c in ROSTER_ID_COLUMNS if c in header]
    names = [header[c] for c in _NAME_COLUMNS if c in header]
    first, last = header.get("first name"), header.get("last name")
    emails = [header[c] for c in _EMAIL_COLUMNS if c in header]
    if not ids or not (names or first or last or emails):
        raise LmsError(f"the roster {path} needs a header with an id column (one of: "
                       f"{', '.join(ROSTER_ID_COLUMNS)}) and a name or email column; it has: "
                       f"{', '.join(reader.fieldnames or []) or 'no header'}")
    rows: dict[str, StudentInfo] = {}
    for row in reader:
        name = next((_text(row.get(c)) for c in names if _text(row.get(c))), "")
        if not name and (first or last):
            name = " ".join(p for p in (_text(row.get(first)), _text(row.get(last))) if p)
        email = next((_text(row.get(c)) for c in emails if _text(row.get(c))), "")
        if not name and not email:
            continue  # Canvas's "Points Possible" line and other rows without a person
        info = StudentInfo(name=name, email=email)
        for column in ids:
            value = _text(row.get(column)).casefold()
            if value:
                rows.setdefault(value, info)
    return Roster(rows, str(path))
