"""Tamper evidence: the checksums ``grade release`` records of what students must not
change, and the check of a student repository against them.

A released student repository holds ``.grader/release.json``::

    {"format": 1,
     "files": {".github/workflows/grade.yml": "<sha256 hex>",
               "assignments/hw3/tests/test_public.py": "<sha256 hex>", ...},
     "mac": "<hex HMAC-SHA256 of the files, under a key derived from the course key>",
     "macs": {"hw3": "<the same, under a key derived from hw3's key>", ...}}

Protected (``protected``): the workflows (``.github/workflows/``), each assignment's
public tests, ``assignment.toml`` and data, the grader package, ``pyproject.toml`` and
the sealed bundles.  Not protected: what students are meant to edit (their files and
notebooks, the handouts).

``check`` reports a protected file that differs from the release, is missing, or was
added (a new workflow, a ``conftest.py`` among the tests), and, when the key is known,
a release record whose MAC does not verify (a student who edits a test and its
checksum too).  The record is signed under the course key (``mac``, which ``grade batch``
verifies) and under each sealed assignment's own key (``macs``, which CI verifies with
the one key it holds).  Without a key the record itself could have been edited
alongside the file; batch grading by the instructor, who has the key, catches that.

The MAC is HMAC-SHA256 (RFC 2104, Python's ``hmac``) of the canonical JSON of
``files``, under ``HMAC-SHA256(key, "dl-grader release record v1")``, so the record
never reveals anything usable to open the sealed suites.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable, Mapping

__all__ = ["RECORD_PATH", "check", "check_repository", "protected", "record", "tree_files",
           "untouched"]

RECORD_PATH = ".grader/release.json"
_FORMAT = 1
_MAC_LABEL = b"dl-grader release record v1"
#: Parts of a path that are never part of a release (caches, build output).
_JUNK_PARTS = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints"}


def protected(rel: str) -> bool:
    """Whether the repository path ``rel`` (POSIX, relative to the repository's root)
    is one students must not change."""
    parts = PurePosixPath(rel).parts
    if not parts or _junk(parts):
        return False
    if parts[:2] == (".github", "workflows") or rel == "pyproject.toml":
        return True
    if parts[0] in ("grader", "sealed"):
        return True
    if parts[0] == "assignments" and len(parts) >= 3:
        return parts[2] in ("tests", "data") and len(parts) >= 4 or parts[2] == "assignment.toml"
    return False


def _junk(parts: tuple[str, ...]) -> bool:
    return (any(p in _JUNK_PARTS or p.endswith(".egg-info") for p in parts)
            or parts[-1].endswith((".pyc", ".pyo")))


def tree_files(root: Path) -> list[str]:
    """Every regular file below ``root`` as a POSIX path relative to it, sorted, without
    caches and build output (``__pycache__``, ``*.pyc``, ``*.egg-info``) or ``.git``."""
    found = []
    for path in sorted(Path(root).rglob("*")):
        rel = path.relative_to(root)
        if rel.parts[0] == ".git" or _junk(rel.parts) or path.is_symlink() or not path.is_file():
            continue
        found.append(rel.as_posix())
    return found


def _mac(files: dict[str, str], key: bytes) -> str:
    subkey = hmac.new(key, _MAC_LABEL, hashlib.sha256).digest()
    canonical = json.dumps(files, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hmac.new(subkey, canonical, hashlib.sha256).hexdigest()


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def record(root: Path, key: bytes | None = None, stubs: Iterable[str] = (),
           assignment_keys: Mapping[str, bytes] | None = None) -> dict:
    """The release record of the tree at ``root``: the SHA-256 of every protected file,
    and the MAC when ``key`` (the 32-byte course key, ``grader.seal.parse_key``) is
    given, and one MAC per entry of ``assignment_keys`` ({assignment: its 32-byte key,
    ``grader.seal.bundle_key``}); ``stubs`` (paths relative to ``root``: the files
    students fill in, .py and notebook) are recorded apart, unprotected, so that
    ``untouched`` can tell which one a student worked in.  ``grade release`` writes it,
    as JSON, to ``RECORD_PATH``."""
    files = {rel: _sha256(Path(root) / rel) for rel in tree_files(root) if protected(rel)}
    doc = {"format": _FORMAT, "files": files}
    if key is not None:
        doc["mac"] = _mac(files, key)
    if assignment_keys:
        doc["macs"] = {name: _mac(files, k) for name, k in sorted(assignment_keys.items())}
    if stubs:
        doc["stubs"] = {rel: _sha256(Path(root) / rel) for rel in stubs}
    return doc


def untouched(root: Path, path: Path) -> bool | None:
    """Whether the file ``path`` is still exactly the stub the release gave (True), was
    changed (False), or is not a released stub of the repository at ``root`` (None: no
    record, not recorded, unreadable)."""
    try:
        stubs = json.loads((Path(root) / RECORD_PATH).read_bytes()).get("stubs", {})
        expected = stubs.get(Path(path).resolve().relative_to(Path(root).resolve()).as_posix())
        return None if not isinstance(expected, str) else _sha256(path) == expected
    except (OSError, ValueError, AttributeError):
        return None


def _valid(item) -> bool:
    """A record entry: a relative POSIX path inside the repository, and a digest."""
    rel, digest = item
    if not isinstance(rel, str) or not isinstance(digest, str) or "\\" in rel or "\0" in rel:
        return False
    parts = PurePosixPath(rel).parts
    return bool(parts) and not rel.startswith("/") and not {"", "..", "."} & set(rel.split("/"))


def _in_scope(rel: str, assignment: str | None) -> bool:
    parts = PurePosixPath(rel).parts
    return assignment is None or parts[0] != "assignments" or parts[1:2] == (assignment,)


def check(record_text: bytes | None, names: Iterable[str], read: Callable[[str], bytes | None],
          *, key: bytes | None = None, assignment: str | None = None) -> list[str]:
    """What differs between a repository and its release record.

    Args:
        record_text: the content of the repository's ``RECORD_PATH`` (None: absent).
        names: every file of the repository (POSIX paths relative to its root).
        read: the content of one of them (None when it cannot be read).
        key: the 32-byte course key, or ``assignment``'s own key; when given, the
            record's MAC under that key is verified too.
        assignment: only this assignment's files (and the shared ones) are checked;
            None checks all.

    Returns:
        One sentence per difference, e.g. ``"assignments/hw3/tests/test_public.py
        differs from the release"``; empty when the repository matches (or is not a
        released student repository: no record).
    """
    if record_text is None:
        return []
    try:
        doc = json.loads(record_text)
        files = doc["files"]
        if not isinstance(files, dict) or not all(map(_valid, files.items())):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return [f"{RECORD_PATH} (the release record) is damaged"]
    problems = []
    if key is not None and not _signed(doc, files, key, assignment):
        problems.append(f"{RECORD_PATH} (the release record) was altered: its signature does "
                        "not match the course key or the assignment's key")
    present = set(names)
    for rel, digest in sorted(files.items()):
        if not _in_scope(rel, assignment):
            continue
        data = read(rel) if rel in present else None
        if data is None:
            problems.append(f"{rel} is missing (it is part of the release)")
        elif hashlib.sha256(data).hexdigest() != digest:
            problems.append(f"{rel} differs from the release")
    for rel in sorted(present - set(files)):
        if protected(rel) and _in_scope(rel, assignment):
            problems.append(f"{rel} was added (it is not part of the release)")
    return problems


def _signed(doc: dict, files: dict, key: bytes, assignment: str | None) -> bool:
    """Whether the record carries a MAC of ``files`` under ``key``: the course's, or
    ``assignment``'s own."""
    expected = _mac(files, key)
    macs = doc.get("macs")
    own = macs.get(assignment, "") if isinstance(macs, dict) and assignment else ""
    return (hmac.compare_digest(str(doc.get("mac", "")), expected)
            or hmac.compare_digest(str(own), expected))


def check_repository(root: Path, *, key: bytes | None = None,
                     assignment: str | None = None) -> list[str]:
    """``check`` of the repository on disk at ``root`` against its own
    ``RECORD_PATH``; empty when it has none (the instructor's repository)."""
    root = Path(root)
    record_file = root / RECORD_PATH
    if not record_file.is_file():
        return []

    def read(rel: str) -> bytes | None:
        try:
            return (root / rel).read_bytes()
        except OSError:
            return None

    return check(record_file.read_bytes(), tree_files(root), read, key=key, assignment=assignment)
