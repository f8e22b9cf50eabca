"""Batch intake: the PATHs an instructor gives ``grade batch hwN PATH... --out DIR``
become one ``Submission`` per student, each with the Python source to grade or one
sentence saying why it cannot be graded.  Grading itself happens elsewhere
(``grader.batch``); nothing here runs or parses student code.

What a PATH may be
    * a ``.py`` file: one submission; the student id is the file's stem, or, when the
      file *is* the assignment's file (``alice/backprop.py``), the folder holding it
      (the repository's folder for ``hw3-alice/assignments/hw3/backprop.py``);
    * a ``.ipynb`` file: one submission, its code cells converted to the Python source to
      grade (``notebook_source``, ``grader.notebook.python_source``); a broken one is rejected;
    * a directory or a ``.zip`` archive (an LMS or Gradescope export, or one student's
      own zip).  It is ONE student's submission (id = its name, or the zip's stem)
      when it holds ``<assignment_dir>/<submission>`` or ``<submission>`` at its top,
      or the notebook of the same stem there (``assignments/hw3/backprop.ipynb``,
      ``backprop.ipynb``; for an archive, also inside a single top folder); otherwise
      it is a FOLDER OF SUBMISSIONS, each entry of which is one student: a
      ``.py``/``.ipynb``/``.zip`` file (id = its stem) or a folder (id = its name) in
      which the file is looked for (``_Collector._locate``: ``<assignment_dir>/``, then
      the top, each for ``<submission>`` or its notebook; the same inside a single
      folder; the only ``<submission>`` anywhere below, else the only notebook of its
      stem; the only ``.py`` (then ``.ipynb``, then ``.zip``) at its top).  Other
      files and hidden ones go to ``Intake.skipped``.
    * anything else is a rejected submission, and so is a path that cannot be read.

The .py or the notebook
    A released student repository holds both ``backprop.py`` and ``backprop.ipynb``
    (the same stub; students may work in either).  Where a folder holds both, the
    ``.py`` is graded, unless it is byte-identical to the assignment's pristine stub
    (``collect``'s ``stub``): then the notebook is (the student worked there).  Without
    ``stub`` the ``.py`` always wins.

Tamper flags
    A submission that is a student repository (a folder, or an archive or archive
    entry, possibly inside single top folders) holding ``.grader/release.json`` gets
    ``Submission.flags``: ``grader.tamper.check`` of that repository, for the
    assignment ``<assignment_dir>`` names (its last part, ``hw3``), listing every file
    below it, hidden folders (``.github/``, ``.grader/``) included, ``.git`` and links
    excluded.  A file that cannot be read (a limit of its archive, an I/O error, larger
    than ``ZipLimits.max_file_mb``) counts as missing; a record that cannot be read, as
    damaged.  In archives these reads count against the archive's limits like any
    other.  The flags are given whether or not the source could be graded; a file
    given directly (``hw3-bob/assignments/hw3/backprop.py``) has none.

One set of rules, two kinds of tree
    The rules are written once over ``_Node`` (a name, children, ``read``), which
    ``_FsNode`` implements for the file system and ``_ZipDir``/``_ZipMember`` for a zip
    archive read in memory with ``zipfile``: nothing is ever extracted to disk.

Archives are untrusted
    A member whose name is absolute, has a drive letter or a ``..`` component, or that
    is a symbolic link, makes the submission that holds it (its top-level entry) a
    rejected one; at the archive's top, the whole archive.  Bombs: the members are
    counted (``ZipLimits.max_members``) and every byte is counted as it is
    decompressed, in chunks, against the per-entry, per-archive (nested archives
    included) and ratio limits, besides the sizes the headers declare.  Encrypted
    members, archives that are not zips or are damaged, and zips nested deeper than
    ``max_depth`` give a problem too.  A file-system link inside a student's folder
    that points outside it is refused the same way (a cloned repository can hold a
    link to the instructor's ``~/.ssh/id_rsa``).

Student ids
    The default name (file stem, folder name, zip stem), stripped; ``id_pattern``
    (``re.search``) maps it to the named group ``id``, else group 1, else the whole
    match.  Without ``id_pattern``, what an LMS export says wins (``grader.lms``): a
    Canvas download's name (``doejohn_LATE_12345_67890_backprop.py``) gives the Canvas
    user id (12345), and a folder of a Gradescope export (``submission_123456/``)
    its submitter's SID (else email); a group submission becomes one submission per
    submitter.  Two submissions with one id become ONE rejected submission naming both.

Who the students are (``Submission.name``, ``email``, ``submitted_at``, ``late``)
    From the export (``grader.lms``): Canvas's LATE flag; Gradescope's
    ``submission_metadata.yml`` beside the submission folders (at a folder's or
    archive's top, or inside its single top folder), which is read, not skipped, and
    gives names, emails and the time of submission; then the ``roster``, which fills
    in names and emails by id; ``due`` marks late what was submitted after it.

The source of a ``.py`` is kept as bytes, exactly as submitted, and a notebook's is its
code cells converted to Python (UTF-8, ``notebook_source``): non-UTF-8 or invalid Python
is for the grader to report, so that a batch gives the verdict the single-file grader
gives.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator, Sequence

from grader import lms, tamper

__all__ = ["Intake", "Submission", "SubmissionProblem", "ZipLimits", "collect", "collect_one",
           "notebook_source"]

MiB = 1 << 20
_CHUNK = 64 * 1024
_SUFFIXES = (".py", ".ipynb", ".zip")
_DRIVE = re.compile(r"^[A-Za-z]:")
#: Names that are never submissions (besides hidden ones, such as .git, .DS_Store and
#: .ipynb_checkpoints), with why.
_JUNK = {"__MACOSX": "macOS archive metadata, not a submission",
         "__pycache__": "Python bytecode cache, not a submission"}

class SubmissionProblem(Exception):
    """Why one submission cannot be graded.

    Args:
        message: one sentence a student or instructor can act on (``str()`` of it).
        origin: where the problem was found (``"class.zip!alice/backprop.py"``); '' to
            let the caller name the submission's origin.
    """

    def __init__(self, message: str, origin: str = ""):
        super().__init__(message)
        self.origin = origin


@dataclass(frozen=True)
class Submission:
    """One student's submission.

    Attributes:
        student: the student id.
        origin: where it came from, for people: ``"class.zip!alice/backprop.py"``,
            ``"repos/hw3-alice/assignments/hw3/backprop.py"``.
        source: the Python source to grade, bytes exactly as submitted; None when
            rejected.
        problem: why it cannot be graded ('' when it can).
        flags: for a student repository holding ``.grader/release.json``, one sentence
            per protected file that differs from the release (``grader.tamper.check``:
            ``"assignments/hw3/tests/test_public.py differs from the release"``); empty
            otherwise.  Rejected submissions may have flags too.
        name, email: the student's, where the export or the roster says ('' otherwise).
        submitted_at: when it was submitted (ISO 8601), where the export says.
        late: True or False where the export says (Canvas's LATE, or after ``due``),
            None where it is not known.
    """

    student: str
    origin: str
    source: bytes | None
    problem: str = ""
    flags: tuple[str, ...] = ()
    name: str = ""
    email: str = ""
    submitted_at: str = ""
    late: bool | None = None

    @property
    def content_hash(self) -> str:
        """SHA-256 (hex) of ``source``; of ``b"rejected:" + problem`` for a rejected one.
        With ``flags``, SHA-256 of ``b"flagged\0"``, that digest and the flags as JSON
        (so a change of flags alone changes the hash; without flags it is as above)."""
        if self.source is None:
            digest = hashlib.sha256(b"rejected:" + self.problem.encode("utf-8"))
        else:
            digest = hashlib.sha256(self.source)
        if not self.flags:
            return digest.hexdigest()
        flags = json.dumps(list(self.flags), ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(b"flagged\0" + digest.digest() + flags).hexdigest()


@dataclass(frozen=True)
class ZipLimits:
    """What a zip archive may hold before it is refused (a zip bomb).

    Attributes:
        max_members: entries in one archive.
        max_total_mb: uncompressed bytes read from one archive, nested ones included
            (bytes actually decompressed, not the headers' sizes).
        max_file_mb: uncompressed bytes of one entry (a nested zip is one entry).
        max_ratio: uncompressed/compressed size, checked for entries over 1 MiB.
        max_depth: zips inside zips (a zip given on the command line is depth 0).
    """

    max_members: int = 10_000
    max_total_mb: float = 512
    max_file_mb: float = 20
    max_ratio: float = 200
    max_depth: int = 3


@dataclass
class Intake:
    """What ``collect`` found.

    Attributes:
        submissions: one per student id, sorted by id (rejected ones included).
        skipped: ``(origin, why)`` of files that are not submissions and were ignored
            (README.md, .DS_Store, grades.csv...).
    """

    submissions: list[Submission] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def notebook_source(data: bytes, origin: str) -> bytes:
    """The Python source of the notebook ``data`` (the ``.ipynb`` file read from
    ``origin``), UTF-8: ``grader.notebook.python_source``, the notebook named by the last
    component of ``origin`` (after any ``!``).

    Raises:
        SubmissionProblem: the notebook cannot be graded (its message is the
            ``NotebookError``'s sentence, naming the file).
    """
    from grader.notebook import NotebookError, python_source  # nbformat only when needed

    name = re.split(r"[/\\]", origin.rpartition("!")[2])[-1]
    try:
        return python_source(data, name).encode("utf-8")
    except NotebookError as exc:
        raise SubmissionProblem(str(exc), origin) from None


def collect(paths: Sequence[Path | str], submission_name: str, assignment_dir: str, *,
            id_pattern: str | None = None, limits: ZipLimits = ZipLimits(),
            max_source_mb: float = 5, stub: bytes | None = None,
            key: bytes | None = None, roster: lms.Roster | None = None,
            due: datetime | None = None) -> Intake:
    """The submissions in ``paths`` (see the module docstring for the rules).

    Args:
        paths: ``.py`` / ``.ipynb`` / ``.zip`` files and directories, as the instructor
            gave them (origins are written with them as given).
        submission_name: the file students fill in, e.g. ``"backprop.py"``.
        assignment_dir: where it sits in a student repository, e.g. ``"assignments/hw3"``.
        id_pattern: regular expression mapping a default name to the student id (the
            group ``id``, else group 1, else the whole match, of ``re.search``).
        limits: what a zip archive may hold.
        max_source_mb: the largest source accepted, in MiB.
        stub: the assignment's pristine stub (the instructor's
            ``assignments/hw3/backprop.py``, bytes): a folder's ``.py`` identical to it
            yields to the notebook beside it.  None: the ``.py`` always wins.
        key: the course key (``grader.seal``), so that ``flags`` include a release
            record whose signature does not verify; None: records are not verified.
        roster: names and emails by student id (``grader.lms.read_roster``).
        due: the deadline: a submission whose export gives a later time is late.

    Returns:
        The ``Intake``: every problem with a submission is a rejected ``Submission``;
        nothing about the submissions raises.

    Raises:
        ValueError: ``id_pattern`` is not a valid regular expression (or is empty).
    """
    pattern = None
    if id_pattern is not None:
        if not id_pattern:
            raise ValueError("invalid --id-pattern '': it is empty")
        try:
            pattern = re.compile(id_pattern)
        except re.error as exc:
            raise ValueError(f"invalid --id-pattern '{id_pattern}': {exc}") from None
    collector = _Collector(submission_name, assignment_dir, limits, max_source_mb,
                           stub=stub, key=key)
    for path in paths:
        collector.add_path(Path(path))
    return collector.finish(pattern, roster, due)


def collect_one(folder: Path | str, submission_name: str, assignment_dir: str, *,
                limits: ZipLimits = ZipLimits(), max_source_mb: float = 5,
                stub: bytes | None = None) -> Submission:
    """The one student's submission that ``folder`` holds, whatever its files are called
    (an upload, as Gradescope puts it in ``/autograder/submission``): the rules of a
    student's folder in ``collect`` (``<assignment_dir>/<submission>`` or
    ``<submission>``, or its notebook, also inside single top folders; the only
    ``<submission>`` or notebook of its stem anywhere below; the only ``.py``, else
    ``.ipynb``, else ``.zip`` at its top), the ``.py`` yielding to the notebook beside it
    when it is the untouched ``stub``.

    Returns:
        The ``Submission`` (id: the folder's name), with ``problem`` saying why nothing
        can be graded (an empty folder, several candidates, an empty or broken file).
    """
    folder = Path(folder)
    collector = _Collector(submission_name, assignment_dir, limits, max_source_mb, stub=stub)
    name = folder.name or str(folder)
    collector._add(name, str(folder),
                   lambda: collector._find_source(_FsNode(folder, None, name).as_root()))
    return collector.finish(None).submissions[0]


# --------------------------------------------------------------------------- trees


class _Node:
    """One entry of a tree (a file-system folder or a zip archive).

    Attributes:
        name: the entry's own name.
        origin: where it is, for people.
        is_dir: a folder.
        is_link: a file-system link (walks do not descend into it).
        problem: set when the entry (in an archive: or anything below it) is unsafe;
            reading it, or locating a submission in it, raises it.
        own_problem: archive roots: the archive as a whole is unsafe.
    """

    name: str = ""
    origin: str = ""
    is_dir: bool = False
    is_link: bool = False
    problem: str = ""
    own_problem: str = ""

    @property
    def label(self) -> str:
        """How messages name it: ``"hw3-bob/"``, ``"alice.zip"``."""
        return self.name + "/" if self.is_dir else self.name

    def children(self) -> list[_Node]:
        """The entries of a folder, sorted by name ([] for a file).

        Raises:
            SubmissionProblem: the folder cannot be listed.
        """
        return []

    def child(self, name: str) -> _Node | None:
        """The entry ``name`` of this folder, if there is one."""
        return None

    def read(self, limit: int) -> bytes:
        """The file's bytes, at most ``limit + 1`` of them (one more than allowed tells
        the caller it is too large).

        Raises:
            SubmissionProblem: it cannot be read, or breaks a limit of its archive.
        """
        raise NotImplementedError

    def size(self) -> int | None:
        """The size the file system or the archive's header declares."""
        return None

    def open_archive(self, limits: ZipLimits) -> _Archive:
        """This ``.zip`` file as an archive (a context manager; ``.root`` is its tree).

        Raises:
            SubmissionProblem: not a valid zip, too many members, nested too deep...
        """
        raise NotImplementedError

    def as_root(self) -> _Node:
        """This folder as the root of one student's submission (file-system links are
        then checked against it)."""
        return self


def _words(exc: OSError) -> str:
    return exc.strerror or str(exc)


class _FsNode(_Node):
    """A file or folder on disk.  ``boundary``: the resolved folder of the submission
    this belongs to, or None where links are the instructor's own and followed."""

    def __init__(self, path: Path, boundary: Path | None = None, name: str | None = None):
        self.path = path
        self.origin = str(path)
        self.name = path.name if name is None else name
        self.boundary = boundary
        self.is_link = os.path.islink(path)
        self.problem = ""
        if self.is_link and boundary is not None:
            try:
                target = path.resolve()
            except (OSError, RuntimeError):
                target = None
            if target is None or not target.is_relative_to(boundary):
                self.problem = (f"unsafe link in the submission: {self.origin!r} points outside "
                                "its folder; submit the file itself, not a link")
        self.is_dir = not self.problem and path.is_dir()

    def children(self) -> list[_Node]:
        if not self.is_dir:
            return []
        try:
            names = sorted(os.listdir(self.path))
        except OSError as exc:
            raise SubmissionProblem(f"cannot read {self.origin!r}: {_words(exc)}", self.origin) from None
        return [_FsNode(self.path / n, self.boundary) for n in names]

    def child(self, name: str) -> _Node | None:
        if not self.is_dir or not os.path.lexists(self.path / name):
            return None
        return _FsNode(self.path / name, self.boundary)

    def read(self, limit: int) -> bytes:
        if self.problem:
            raise SubmissionProblem(self.problem, self.origin)
        try:
            if not stat.S_ISREG(os.stat(self.path).st_mode):  # a FIFO would block open()
                raise SubmissionProblem(f"{self.origin!r} is not a regular file", self.origin)
            with open(self.path, "rb") as f:
                return f.read(limit + 1)
        except OSError as exc:
            raise SubmissionProblem(f"cannot read {self.origin!r}: {_words(exc)}", self.origin) from None

    def size(self) -> int | None:
        try:
            return os.stat(self.path).st_size
        except OSError:
            return None

    def open_archive(self, limits: ZipLimits) -> _Archive:
        if self.problem:
            raise SubmissionProblem(self.problem, self.origin)
        return _Archive.open(self.path, self.origin, self.name, 0, _Budget(limits), limits)

    def as_root(self) -> _Node:
        try:
            boundary = self.path.resolve()
        except (OSError, RuntimeError):
            boundary = Path(os.path.abspath(self.path))
        return _FsNode(self.path, boundary, self.name)


class _Budget:
    """The bytes one archive (nested ones included) may still decompress."""

    def __init__(self, limits: ZipLimits):
        self.limit_mb = limits.max_total_mb
        self.left = int(limits.max_total_mb * MiB)

    def spend(self, n: int, member: _ZipMember) -> None:
        self.left -= n
        if self.left < 0:
            raise SubmissionProblem(
                f"the archive decompresses to more than {self.limit_mb:g} MB (the limit for "
                f"one archive, nested ones included); {member.rel!r} went over it", member.origin)


class _ZipDir(_Node):
    """A folder of an archive (``rel`` '' for the archive's root)."""

    is_dir = True

    def __init__(self, archive: _Archive, name: str, rel: str):
        self.archive = archive
        self.name = name
        self.rel = rel
        self.origin = f"{archive.label}!{rel}/" if rel else archive.label
        self.entries: dict[str, _Node] = {}
        self.problem = ""
        self.own_problem = ""

    @property
    def label(self) -> str:
        return self.name + "/" if self.rel else self.name

    def children(self) -> list[_Node]:
        return [self.entries[k] for k in sorted(self.entries)]

    def child(self, name: str) -> _Node | None:
        return self.entries.get(name)


class _ZipMember(_Node):
    """A file of an archive."""

    def __init__(self, archive: _Archive, name: str, rel: str, info: zipfile.ZipInfo):
        self.archive = archive
        self.name = name
        self.rel = rel
        self.info = info
        self.origin = f"{archive.label}!{rel}"
        self.problem = ""

    def read(self, limit: int) -> bytes:
        return self.archive.read(self, limit)

    def size(self) -> int | None:
        return self.info.file_size

    def open_archive(self, limits: ZipLimits) -> _Archive:
        return self.archive.open_nested(self)


def _escapes(name: str) -> str:
    return f"unsafe path in the archive: {name!r} escapes its folder"


class _Archive:
    """One open zip archive and the tree of its members (``root``)."""

    def __init__(self, zf: zipfile.ZipFile, label: str, name: str, depth: int,
                 budget: _Budget, limits: ZipLimits):
        self.zf = zf
        self.label = label
        self.depth = depth
        self.budget = budget
        self.limits = limits
        self.root = _ZipDir(self, name, "")
        infos = zf.infolist()
        if len(infos) > limits.max_members:
            raise SubmissionProblem(
                f"{name} has {len(infos)} entries, more than the {limits.max_members} allowed "
                "in one archive", label)
        for info in infos:
            self._add(info)

    @classmethod
    def open(cls, source: Path | io.BytesIO, label: str, name: str, depth: int,
             budget: _Budget, limits: ZipLimits) -> _Archive:
        try:
            zf = zipfile.ZipFile(source)
        except OSError as exc:
            raise SubmissionProblem(f"cannot read {label!r}: {_words(exc)}", label) from None
        except Exception as exc:  # noqa: BLE001 - any failure of the parser: not a zip
            raise SubmissionProblem(f"{name} is not a valid zip archive ({exc}): make the "
                                    "archive again and submit that", label) from None
        try:
            return cls(zf, label, name, depth, budget, limits)
        except BaseException:
            zf.close()
            raise

    def __enter__(self) -> _Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.zf.close()

    def _add(self, info: zipfile.ZipInfo) -> None:
        raw = info.filename
        parts = [p for p in re.split(r"[/\\]", raw) if p not in ("", ".")]
        if raw[:1] in ("/", "\\") or _DRIVE.match(raw):
            return self._poison(None, _escapes(raw), info, leaf=False)
        if ".." in parts:
            top = parts[0] if parts.index("..") > 0 else None
            return self._poison(top, _escapes(raw), info, leaf=False)
        if stat.S_ISLNK(info.external_attr >> 16):
            return self._poison(parts[0] if parts else None,
                                f"unsafe path in the archive: {raw!r} is a symbolic link", info,
                                leaf=len(parts) == 1)
        if not parts:
            return None
        is_dir = raw.endswith(("/", "\\"))
        folder = self.root
        for i, part in enumerate(parts if is_dir else parts[:-1]):
            nxt = folder.entries.get(part)
            if nxt is None:
                nxt = folder.entries[part] = _ZipDir(self, part, "/".join(parts[:i + 1]))
            elif not nxt.is_dir:
                return self._poison(parts[0], f"the archive has both a file and a folder named "
                                    f"{'/'.join(parts[:i + 1])!r}", info, leaf=False)
            folder = nxt
        if is_dir:
            return None
        if parts[-1] in folder.entries:
            return self._poison(parts[0], f"the archive holds {'/'.join(parts)!r} more than once",
                                info, leaf=len(parts) == 1)
        folder.entries[parts[-1]] = _ZipMember(self, parts[-1], "/".join(parts), info)
        return None

    def _poison(self, top: str | None, problem: str, info: zipfile.ZipInfo, leaf: bool) -> None:
        """Mark the top-level entry ``top`` (None: the archive itself) unsafe."""
        root = self.root
        root.problem = root.problem or problem
        if top is None:
            root.own_problem = root.own_problem or problem
            return
        node = root.entries.get(top)
        if node is None:
            node = root.entries[top] = (_ZipMember(self, top, top, info) if leaf
                                        else _ZipDir(self, top, top))
        node.problem = node.problem or problem

    def read(self, member: _ZipMember, limit: int) -> bytes:
        """``member``'s bytes (at most ``limit + 1``), counted against the limits."""
        if member.problem:
            raise SubmissionProblem(member.problem, member.origin)
        info, lim, name = member.info, self.limits, member.rel

        def fail(message: str) -> SubmissionProblem:
            return SubmissionProblem(message, member.origin)

        if info.flag_bits & 0x1:
            raise fail(f"the archive entry {name!r} is encrypted: submit it without a password")
        per_file = int(lim.max_file_mb * MiB)
        too_big = (f"the archive entry {name!r} is larger than {lim.max_file_mb:g} MB "
                   "uncompressed, the limit for one entry")
        bomb = (f"the archive entry {name!r} expands more than {lim.max_ratio:g} times when "
                "decompressed (a zip bomb?); zip the files normally")
        packed = max(info.compress_size, 1)
        if info.file_size > per_file:
            raise fail(too_big)
        if info.file_size > MiB and info.file_size > lim.max_ratio * packed:
            raise fail(bomb)
        chunks: list[bytes] = []
        count = 0
        try:
            with self.zf.open(info) as f:
                while count <= limit:
                    chunk = f.read(_CHUNK)
                    if not chunk:
                        break
                    count += len(chunk)
                    if count > per_file:
                        raise fail(too_big)
                    if count > MiB and count > lim.max_ratio * packed:
                        raise fail(bomb)
                    self.budget.spend(len(chunk), member)
                    chunks.append(chunk)
        except SubmissionProblem:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure of the decompressor: damaged
            raise fail(f"the archive entry {name!r} cannot be read ({exc}): the archive is "
                       "damaged; make it again") from None
        return b"".join(chunks)[:limit + 1]

    def open_nested(self, member: _ZipMember) -> _Archive:
        depth = self.depth + 1
        if depth > self.limits.max_depth:
            raise SubmissionProblem(
                f"{member.rel!r} is a zip inside a zip nested more than {self.limits.max_depth} "
                "deep; put the files in one archive", member.origin)
        per_file = int(self.limits.max_file_mb * MiB)
        data = member.read(per_file)
        return _Archive.open(io.BytesIO(data), member.origin, member.name, depth, self.budget,
                             self.limits)


# --------------------------------------------------------------------------- rules


def _suffix(name: str) -> str:
    return os.path.splitext(name)[1].lower()


def _stem(name: str) -> str:
    return os.path.splitext(name)[0]


def _skip_reason(node: _Node) -> str:
    """Why ``node`` is never a submission ('' when it may be one)."""
    if node.name in _JUNK:
        return _JUNK[node.name]
    if node.name.startswith("."):
        return "hidden folder, not a submission" if node.is_dir else "hidden file, not a submission"
    return ""


def _meaningful(nodes: list[_Node]) -> list[_Node]:
    return [n for n in nodes if not _skip_reason(n)]


def _lookup(node: _Node | None, rel: str) -> _Node | None:
    """The file at ``rel`` ('/'-separated) below ``node``, if there is one."""
    for part in rel.split("/"):
        if node is None or not node.is_dir:
            return None
        node = node.child(part)
    return None if node is None or node.is_dir else node


def _only_folder(node: _Node) -> _Node | None:
    """The one folder ``node`` holds when it holds nothing else (a zip's or a download's
    wrapping folder), not a file-system link; None otherwise.

    Raises:
        SubmissionProblem: ``node`` cannot be listed.
    """
    kids = _meaningful(node.children())
    return kids[0] if len(kids) == 1 and kids[0].is_dir and not kids[0].is_link else None


def _walk(node: _Node) -> Iterator[tuple[str, _Node]]:
    """``(path below node, file)`` of every file below ``node``, skipping hidden and
    junk folders and not following file-system links to folders."""
    stack: list[tuple[str, _Node]] = [("", node)]
    while stack:
        prefix, folder = stack.pop()
        for kid in _meaningful(folder.children()):
            rel = prefix + kid.name
            if not kid.is_dir:
                yield rel, kid
            elif not kid.is_link:
                stack.append((rel + "/", kid))


def _walk_all(node: _Node) -> Iterator[tuple[str, _Node]]:
    """``(path below node, file)`` of every file below ``node``, hidden ones included
    (``.github/``, ``.grader/``), but not a top ``.git`` folder nor any file-system link;
    a folder that cannot be listed counts as empty."""
    stack: list[tuple[str, _Node]] = [("", node)]
    while stack:
        prefix, folder = stack.pop()
        try:
            kids = folder.children()
        except SubmissionProblem:
            continue
        for kid in kids:
            if kid.is_link or (not prefix and kid.name == ".git"):
                continue
            rel = prefix + kid.name
            if kid.is_dir:
                stack.append((rel + "/", kid))
            else:
                yield rel, kid


def _size_words(n: int) -> str:
    if n < 10 * 1024:
        return f"{n} bytes"
    if n < MiB:
        return f"{n / 1024:.0f} KB"
    return f"{n / MiB:.1f} MB"


@dataclass
class _Found:
    name: str           # the default name the student id comes from
    origin: str
    source: bytes | None
    problem: str = ""
    flags: tuple[str, ...] = ()
    people: tuple[lms.StudentInfo, ...] = ()  # its submitters, from an export's metadata


#: What a located submission gives: (origin, source, flags).
_Source = tuple[str, bytes, tuple[str, ...]]


class _Collector:
    """Applies the rules to the paths, one at a time; ``finish`` gives the ``Intake``."""

    def __init__(self, submission_name: str, assignment_dir: str, limits: ZipLimits,
                 max_source_mb: float, stub: bytes | None = None, key: bytes | None = None):
        self.name = submission_name
        self.dir_parts = tuple(p for p in re.split(r"[/\\]", assignment_dir) if p not in ("", "."))
        #: the folders looked in, in order: "assignments/hw3/", then the top ("")
        self.places = tuple(dict.fromkeys(["".join(p + "/" for p in self.dir_parts), ""]))
        self.wanted = tuple(place + submission_name for place in self.places)
        self.notebook = (_stem(submission_name) + ".ipynb"
                         if _suffix(submission_name) == ".py" else None)
        self.wanted_notebooks = (tuple(place + self.notebook for place in self.places)
                                 if self.notebook else ())
        self.stub = stub
        self.key = key
        self.assignment = self.dir_parts[-1] if self.dir_parts else None
        self.limits = limits
        self.max_source_mb = max_source_mb
        self.max_source = int(max_source_mb * MiB)
        self.found: list[_Found] = []
        self.skipped: list[tuple[str, str]] = []

    # ---------------------------------------------------------------- paths

    def add_path(self, path: Path) -> None:
        origin = str(path)
        suffix = path.suffix.lower()
        file_id = self._file_id(path)
        try:
            is_dir = stat.S_ISDIR(os.stat(path).st_mode)
        except OSError as exc:
            self._reject(file_id, origin, f"cannot read {origin!r}: {_words(exc)}")
            return
        if is_dir:
            name = os.path.basename(os.path.abspath(path))
            self._add_root(_FsNode(path, None, name), name, archive=False)
        elif suffix == ".zip":
            try:
                archive = _FsNode(path).open_archive(self.limits)
            except SubmissionProblem as exc:
                self._reject(file_id, origin, exc)
                return
            with archive:
                self._add_root(archive.root, file_id, archive=True)
        elif suffix in (".py", ".ipynb"):
            node = _FsNode(path)
            self._add(file_id, origin, lambda: self._source_of(node))
        else:
            self._reject(file_id, origin, f"{path.name!r} is not a .py, .ipynb or .zip file")

    def _file_id(self, path: Path) -> str:
        """The default name of a file given directly: its stem, or, for the assignment's
        own file, the folder holding it (the repository's for ``<assignment_dir>/<file>``)."""
        absolute = Path(os.path.abspath(path))
        if _suffix(path.name) in (".py", ".ipynb") and path.stem == _stem(self.name):
            parent = absolute.parent
            n = len(self.dir_parts)
            if n and len(parent.parts) > n + 1 and parent.parts[-n:] == self.dir_parts:
                return parent.parents[n - 1].name
            return parent.name
        return path.stem if path.suffix else path.name

    def _add_root(self, root: _Node, name: str, archive: bool) -> None:
        """A directory or archive given by the instructor: one submission or a folder of
        them."""
        if root.own_problem:
            self._reject(name, root.origin, root.own_problem)
            return
        if self._holds(root, unwrap=archive):
            self._add(name, root.origin, lambda: self._find_source(root.as_root()))
            return
        try:
            folder, people = self._gradescope_export(root)
            kids = folder.children()
        except SubmissionProblem as exc:
            self._reject(name, root.origin, exc)
            return
        for kid in kids:
            if people is not None and kid.name == lms.GRADESCOPE_METADATA:
                continue  # read by _gradescope_export
            self._add_entry(kid, tuple((people or {}).get(kid.name, ())))

    def _gradescope_export(self, root: _Node) -> tuple[_Node, dict | None]:
        """``(folder of submissions, its submitters by folder name)``: the folder that
        holds ``submission_metadata.yml``, ``root`` or its single top folder, with the
        file read (``grader.lms.gradescope_metadata``); ``(root, None)`` where there is
        none.  A metadata file that cannot be read goes to ``skipped`` with why.

        Raises:
            SubmissionProblem: a folder cannot be listed.
        """
        node: _Node | None = root
        for _ in range(2):
            meta = node.child(lms.GRADESCOPE_METADATA)
            if meta is not None and not meta.is_dir and not meta.problem:
                data = self._read_whole(meta)
                try:
                    if data is None:
                        raise lms.LmsError("it cannot be read or is too large")
                    return node, lms.gradescope_metadata(data, meta.origin)
                except lms.LmsError as exc:
                    self.skipped.append((meta.origin, f"Gradescope metadata that cannot be used: {exc}"))
                    return node, {}
            node = _only_folder(node)
            if node is None:
                break
        return root, None

    def _add_entry(self, node: _Node, people: tuple[lms.StudentInfo, ...] = ()) -> None:
        """One entry of a folder of submissions (``people``: its submitters, where an
        export's metadata names them)."""
        why = _skip_reason(node)
        if why:
            self.skipped.append((node.origin, why))
        elif node.is_dir:
            self._add(node.name, node.origin, lambda: self._find_source(node.as_root()), people)
        elif _suffix(node.name) in _SUFFIXES:
            self._add(_stem(node.name), node.origin, lambda: self._source_of(node), people)
        else:
            self.skipped.append((node.origin, "not a .py, .ipynb or .zip file"))

    def _add(self, name: str, origin: str, source: Callable[[], _Source],
             people: tuple[lms.StudentInfo, ...] = ()) -> None:
        try:
            where, data, flags = source()
        except SubmissionProblem as exc:
            self._reject(name, origin, exc, people)
            return
        self.found.append(_Found(name, where, data, flags=flags, people=people))

    def _reject(self, name: str, origin: str, problem: str | SubmissionProblem,
                people: tuple[lms.StudentInfo, ...] = ()) -> None:
        flags: tuple[str, ...] = ()
        if isinstance(problem, SubmissionProblem):
            origin = problem.origin or origin
            flags = getattr(problem, "flags", ())
        self.found.append(_Found(name, origin, None, str(problem), flags, people))

    # ---------------------------------------------------------------- locating

    def _holds(self, root: _Node, unwrap: bool) -> bool:
        """Whether ``root`` is one student's submission: the file at one of the wanted
        places (with ``unwrap``, also inside a single top folder)."""
        node = root
        for _ in range(32):
            if any(_lookup(node, rel) is not None
                   for rel in (*self.wanted, *self.wanted_notebooks)):
                return True
            if not unwrap:
                return False
            try:
                node = _only_folder(node)
            except SubmissionProblem:
                return False
            if node is None:
                return False
        return False

    def _locate(self, node: _Node) -> _Node:
        """The file to grade in the folder (or archive root) ``node``.

        Raises:
            SubmissionProblem: none or several candidates.
        """
        top = node
        for _ in range(32):
            for place in self.places:
                hit = self._choose(top, place)
                if hit is not None:
                    return hit
            inner = _only_folder(top)
            if inner is None:
                break
            top = inner
        below = dict(_walk(node))
        for name in filter(None, (self.name, self.notebook)):
            hits = sorted(rel for rel, n in below.items() if n.name == name)
            if len(hits) == 1:
                if name == self.name and self.notebook:  # the notebook beside it may win
                    folder = hits[0][:len(hits[0]) - len(name)]
                    return self._prefer(below[hits[0]], below.get(folder + self.notebook))
                return below[hits[0]]
            if hits:
                raise SubmissionProblem(
                    f"{len(hits)} files named {name} in {node.label}: {', '.join(hits)}; "
                    f"keep only the one to grade, in {self.places[0]}{name}", node.origin)
        files = [k for k in _meaningful(top.children()) if not k.is_dir]
        others = ""
        for suffix in _SUFFIXES:
            same = [k for k in files if _suffix(k.name) == suffix]
            if len(same) == 1:
                return same[0]
            if same:
                others = (f"; its {len(same)} {suffix} files ({', '.join(k.name for k in same)}) "
                          f"leave unclear which to grade: name yours {self.name}")
                break
        raise SubmissionProblem(f"no {self.name} found in {node.label} (looked for "
                                f"{' and '.join(self.wanted)}){others}", node.origin)

    def _choose(self, top: _Node, place: str) -> _Node | None:
        """The submission file in the folder ``place`` of ``top``: the ``.py``, the
        notebook of its stem, or, with both there, ``_prefer``'s choice."""
        py = _lookup(top, place + self.name)
        notebook = _lookup(top, place + self.notebook) if self.notebook else None
        return self._prefer(py, notebook)

    def _prefer(self, py: _Node | None, notebook: _Node | None) -> _Node | None:
        """``py``, unless it is missing, or is the pristine stub and ``notebook`` exists."""
        if py is None:
            return notebook
        if notebook is None or self.stub is None:
            return py
        try:
            untouched = py.read(len(self.stub)) == self.stub
        except SubmissionProblem:
            untouched = False  # grading the .py reports why it cannot be read
        return notebook if untouched else py

    def _read_whole(self, node: _Node) -> bytes | None:
        """``node``'s bytes for the tamper check; None when they cannot be read (or are
        over ``max_file_mb``)."""
        limit = int(self.limits.max_file_mb * MiB)
        try:
            data = node.read(limit)
        except SubmissionProblem:
            return None
        return None if len(data) > limit else data

    def _flags(self, node: _Node) -> tuple[str, ...]:
        """``grader.tamper.check`` of the student repository that is the folder or
        archive root ``node`` (or the single folder it holds, and so on); () when there
        is no release record there."""
        if node.problem:
            return ()
        repo: _Node | None = node
        for _ in range(32):
            record = _lookup(repo, tamper.RECORD_PATH)
            if record is not None:
                break
            try:
                repo = _only_folder(repo)
            except SubmissionProblem:
                return ()
            if repo is None:
                return ()
        else:
            return ()
        files = dict(_walk_all(repo))
        text = self._read_whole(record)

        def read(rel: str) -> bytes | None:
            found = files.get(rel)
            return None if found is None else self._read_whole(found)

        return tuple(tamper.check(b"" if text is None else text, files, read, key=self.key,
                                  assignment=self.assignment))

    def _find_source(self, node: _Node) -> _Source:
        """``(origin, source, flags)`` of the submission that is the folder or archive
        root ``node`` (``flags``: ``_flags`` of the innermost repository that has any).

        Raises:
            SubmissionProblem: it cannot be graded; its ``flags`` attribute, when set,
                holds the repository's flags all the same.
        """
        if node.problem:
            raise SubmissionProblem(node.problem, node.origin)
        try:
            origin, data, inner = self._source_of(self._locate(node))
        except SubmissionProblem as exc:
            if not getattr(exc, "flags", ()):
                exc.flags = self._flags(node)  # type: ignore[attr-defined]
            raise
        return origin, data, inner or self._flags(node)

    def _source_of(self, node: _Node) -> _Source:
        """``(origin, source, flags)`` of the file (``.py``, ``.ipynb``, ``.zip``) ``node``
        (flags only from the repository a folder or archive is).

        Raises:
            SubmissionProblem: it cannot be graded.
        """
        if node.problem:
            raise SubmissionProblem(node.problem, node.origin)
        if node.is_dir:
            return self._find_source(node.as_root())
        suffix = _suffix(node.name)
        if suffix == ".zip":
            with node.open_archive(self.limits) as archive:
                return self._find_source(archive.root)
        if suffix == ".ipynb":
            limit = int(self.limits.max_file_mb * MiB)
            data = node.read(limit)
            if len(data) > limit:
                raise SubmissionProblem(
                    f"the notebook is larger than {self.limits.max_file_mb:g} MB: clear its "
                    "outputs, or export it as a .py file and submit that", node.origin)
            return node.origin, self._checked(notebook_source(data, node.origin), node), ()
        return node.origin, self._checked(node.read(self.max_source), node), ()

    def _checked(self, data: bytes, node: _Node) -> bytes:
        if len(data) > self.max_source:
            size = node.size()
            words = (_size_words(size) if size is not None and size >= len(data)
                     else f"more than {self.max_source_mb:g} MB")
            raise SubmissionProblem(f"the file is {words}, over the {self.max_source_mb:g} MB "
                                    "limit for a submission", node.origin)
        if not data.removeprefix(codecs.BOM_UTF8).strip():
            raise SubmissionProblem("the file is empty", node.origin)
        return data

    # ---------------------------------------------------------------- ids

    def finish(self, pattern: re.Pattern | None, roster: lms.Roster | None = None,
               due: datetime | None = None) -> Intake:
        by_id: dict[str, list[Submission]] = {}
        for found in self.found:
            for sub in _identify(found, pattern, roster, due):
                by_id.setdefault(sub.student, []).append(sub)
        submissions = []
        for student, subs in by_id.items():
            if len(subs) == 1:
                submissions.append(subs[0])
                continue
            origins = sorted(s.origin for s in subs)
            first = subs[0]
            submissions.append(Submission(
                student, ", ".join(origins), None,
                f"{len(subs)} submissions map to student id {student!r}: {', '.join(origins)}; "
                "use --id-pattern or remove one", name=first.name, email=first.email))
        submissions.sort(key=lambda s: s.student)
        return Intake(submissions, list(self.skipped))


def _identify(found: _Found, pattern: re.Pattern | None, roster: lms.Roster | None = None,
              due: datetime | None = None) -> list[Submission]:
    """``found`` as ``Submission``s: one, or one per submitter of a group submission;
    the id from its name and ``pattern``, or from the export (module docstring); who
    the student is from the export, ``roster`` and ``due``."""
    student, problem = _student_id(found, pattern)
    canvas = lms.canvas_name(found.name.strip())
    subs = []
    for person in found.people or (lms.StudentInfo(),):
        sid = student
        if pattern is None and (person.id or person.email):
            sid = person.id or person.email
        info = person
        if roster is not None:
            info = info.merged(roster.find(sid) or roster.find(info.email) or
                               (roster.find(info.id) if info.id else None))
        late = canvas.late if canvas is not None else info.late
        if late is None:
            late = lms.is_late(info.submitted_at, due)
        subs.append(Submission(sid, found.origin, None if problem else found.source, problem,
                               found.flags, name=info.name, email=info.email,
                               submitted_at=info.submitted_at, late=late))
    return subs


def _student_id(found: _Found, pattern: re.Pattern | None) -> tuple[str, str]:
    """``(student id, problem)`` of ``found`` from its name: ``pattern``'s match, else a
    Canvas download's user id, else the name itself."""
    name = found.name.strip()
    student, problem = name, found.problem
    canvas = lms.canvas_name(name) if pattern is None else None
    if canvas is not None:
        student = canvas.user_id
    if pattern is not None:
        match = pattern.search(name)
        if match is None:
            problem = problem or f"its name {name!r} does not match --id-pattern '{pattern.pattern}'"
        else:
            if "id" in pattern.groupindex:
                sid = match.group("id")
            elif pattern.groups:
                sid = match.group(1)
            else:
                sid = match.group(0)
            sid = (sid or "").strip()
            if sid:
                student = sid
            else:
                problem = problem or (f"--id-pattern '{pattern.pattern}' gives an empty student "
                                      f"id for the name {name!r}")
    if not student:
        student = found.origin
        problem = problem or "its name gives an empty student id: rename it"
    return student, problem
