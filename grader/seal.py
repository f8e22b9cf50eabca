"""Sealed hidden suites: each assignment's reference folder (``reference/hwN/``: the
reference solution, its known mistakes and the hidden suite), encrypted so that the
students' repository can carry it and CI can run the hidden suite with that
assignment's key, while students cannot read it.

Keys (``grader.keys``)
    The course key: 32 random bytes, written as URL-safe base64 (44 characters,
    ``new_key()``), kept by the instructor (``GRADER_KEY``).  Each bundle is sealed
    under its assignment's own key, derived from the course key and a random salt kept
    in the bundle's header (``grader.keys.derive``), so that a leaked hw3 key opens
    ``hw3.sealed`` only, and hw3's key can be rotated alone.  Everything that opens a
    bundle takes either key: the course key (the assignment's key is derived from it)
    or the assignment's key itself (CI's secret ``GRADER_KEY_HW3``, passed as
    ``GRADER_KEY``); the header's key check value tells which.  ``parse_key`` reads a
    key's text; messages never repeat it.

A bundle (``sealed/hwN.sealed``, ``bundle_path``)
    ``MAGIC`` (``b"DLGSEAL2"``), the 16-byte salt of the assignment's key, the 8-byte
    check value of that key (``grader.keys.check_value``), a 96-bit random nonce
    (``os.urandom``), then the AES-256-GCM ciphertext with its 16-byte tag
    (``cryptography``'s ``AESGCM``) under the assignment's key, whose associated data
    is ``b"dl-grader sealed suite v2\\0" + name + b"\\0" + salt + check``: a bundle
    opened under another assignment's name (say ``hw3.sealed`` renamed to
    ``hw4.sealed``) or with an altered header fails to open, like one altered or opened
    with the wrong key.  (Bundles of format 1, under the course key itself, are refused
    with a message to seal again.)

    The plaintext is a gzip-compressed tar held in memory: first ``MANIFEST.json``,
    ``{"format": 1, "assignment": "hw3", "files": {"tests/test_hidden.py": "<sha256
    hex>", ...}}``, then one regular-file member per file of the reference folder,
    named by its path relative to that folder (POSIX separators).  The files are those
    ``reference_files`` lists: every file under the folder, recursively, except
    ``__pycache__`` folders, ``*.pyc`` files and hidden files or folders (name starting
    with ``.``).  Opening checks the manifest against the members, name and digests.

Typical use::

    key = parse_key(course_key_text)
    write_bundles(root, ["hw3"], key)                  # the instructor, before release
    secret = bundle_key(root, "hw3", key)              # hw3's key, for CI's secret
    if bundle_path(root, "hw3").is_file():             # CI, in the students' repository
        with unsealed(root, "hw3", secret) as reference_root:
            ...  # reference_root / "hw3" holds backprop.py, tests/test_hidden.py, ...

Every failure is a ``SealError`` (a ``ConfigurationError``) whose message says what to
do, except a missing bundle in ``unsealed`` and ``bundle_key`` (``FileNotFoundError``:
check ``bundle_path(root, name).is_file()`` first).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import io
import json
import os
import re
import shutil
import stat
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath

from grader import keys
from grader.errors import ConfigurationError

__all__ = [
    "KEY_ENV", "BUNDLE_DIR", "MAGIC", "SealError", "bundle_path", "new_key", "parse_key",
    "key_from_env", "reference_files", "seal", "write_bundles", "open_bundle", "unsealed",
    "is_current", "header", "bundle_key",
]

#: The environment variable holding a key: the course's, or the graded assignment's.
KEY_ENV = keys.KEY_ENV
#: The folder of the course repository holding the bundles.
BUNDLE_DIR = "sealed"
#: The first bytes of every bundle.
MAGIC = b"DLGSEAL2"
_MAGIC_V1 = b"DLGSEAL1"
#: The tar member holding the manifest.
MANIFEST = "MANIFEST.json"
#: The manifest's format version.
FORMAT = 1

_KEY_BYTES = 32
_NONCE_BYTES = 12
_TAG_BYTES = 16
_AAD_PREFIX = b"dl-grader sealed suite v2\0"
_HEADER_BYTES = len(MAGIC) + keys.SALT_BYTES + keys.CHECK_BYTES
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


class SealError(ConfigurationError):
    """A key or a sealed bundle cannot be used; the message says what to do."""


def bundle_path(root: Path, name: str) -> Path:
    """Where assignment ``name``'s bundle lives: ``root/sealed/<name>.sealed``."""
    return Path(root) / BUNDLE_DIR / f"{name}.sealed"


def _aesgcm():
    """``cryptography``'s AESGCM class, imported when first needed so that grading
    without sealed suites works where ``cryptography`` is not installed."""
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError:
        raise SealError("sealed suites need the `cryptography` package; install it "
                        "(pip install cryptography) and run grade again") from None
    return AESGCM


# ----------------------------------------------------------------------------- keys

def new_key() -> str:
    """A fresh key, as text: URL-safe base64 of 32 random bytes (44 characters).

    Raises:
        SealError: ``cryptography`` is not installed.
    """
    key = _aesgcm().generate_key(bit_length=256)
    return base64.urlsafe_b64encode(key).decode("ascii")


def parse_key(text: str) -> bytes:
    """The 32 key bytes written in ``text`` (URL-safe base64, as ``new_key`` writes it;
    surrounding whitespace ignored).

    Raises:
        SealError: ``text`` is empty, not base64, or not 32 bytes long.  The message
            never contains the text itself.
    """
    cleaned = (text or "").strip()
    if not cleaned:
        raise SealError(f"{KEY_ENV} is empty; set it to the course's key (grade seal "
                        "prints it once) or the assignment's key (grade keys), or ask your "
                        "instructor")
    try:
        key = base64.urlsafe_b64decode(cleaned.encode("ascii"))
        if base64.urlsafe_b64encode(key).decode("ascii") != cleaned:
            raise ValueError("not canonical")
    except (ValueError, binascii.Error, UnicodeEncodeError):
        raise SealError(f"{KEY_ENV} is not a key (expected 44 characters of URL-safe "
                        "base64); set it to the course's key or the assignment's key exactly "
                        "as grade seal or grade keys printed it") from None
    if len(key) != _KEY_BYTES:
        raise SealError(f"{KEY_ENV} holds {len(key)} bytes instead of {_KEY_BYTES}; set "
                        "it to the course's key or the assignment's key exactly as grade "
                        "seal or grade keys printed it")
    return key


def key_from_env(environ: Mapping[str, str] = os.environ) -> bytes | None:
    """The key in ``environ[KEY_ENV]``, or None when it is unset or empty (blank).

    Raises:
        SealError: it is set but is not a key (``parse_key``).
    """
    text = environ.get(KEY_ENV)
    if text is None or not text.strip():
        return None
    return parse_key(text)


# ----------------------------------------------------------------------------- files

def _skipped(name: str) -> bool:
    return name.startswith(".") or name == "__pycache__" or name.endswith(".pyc")


def reference_files(reference_dir: Path) -> dict[str, Path]:
    """The files of ``reference_dir`` that a bundle holds: {relative POSIX path: path},
    sorted by path.  Recursive; skips ``__pycache__`` folders, ``*.pyc`` files and
    hidden files and folders (name starting with ``.``).  Empty if the folder does not
    exist.  The single place these rules live (``seal`` and ``is_current`` use it).

    Raises:
        SealError: a file that is not skipped is a symbolic link or not a regular file
            (a bundle holds regular files only, and a link silently left out would make
            the sealed suite differ from the instructor's).
    """
    reference_dir = Path(reference_dir)
    found: dict[str, Path] = {}
    if not reference_dir.is_dir():
        return found
    for folder, dirs, files in os.walk(reference_dir, followlinks=False):
        here = Path(folder)
        for d in list(dirs):
            if _skipped(d):
                dirs.remove(d)
            elif (here / d).is_symlink():
                raise SealError(f"{here / d} is a symbolic link; sealed suites hold regular "
                                "files only, so replace it with a real folder")
        dirs.sort()
        for f in sorted(files):
            if _skipped(f):
                continue
            path = here / f
            if not stat.S_ISREG(path.lstat().st_mode):
                raise SealError(f"{path} is a symbolic link or not a regular file; sealed "
                                "suites hold regular files only, so replace it with a copy")
            found[path.relative_to(reference_dir).as_posix()] = path
    return dict(sorted(found.items()))


def _check_member(name: str, source: str) -> None:
    """A member name must be a relative POSIX path without ``..``, ``.`` or empty parts."""
    parts = name.split("/")
    if (not name or name.startswith("/") or "\\" in name or "\0" in name
            or any(p in ("", ".", "..") for p in parts) or re.match(r"^[A-Za-z]:", name)):
        raise SealError(f"{source} holds an unsafe path {name!r}; it was not made by "
                        "grade seal, so seal the suites again")


def _aad(name: str, salt: bytes, check: bytes) -> bytes:
    return _AAD_PREFIX + name.encode("utf-8") + b"\0" + salt + check


# ----------------------------------------------------------------------------- sealing

def seal(reference_dir: Path, name: str, key: bytes, salt: bytes | None = None) -> bytes:
    """The bundle (see the module docstring) of ``reference_dir``'s files
    (``reference_files``) for assignment ``name``, encrypted under the assignment's key
    that the course ``key`` (32 bytes) and ``salt`` give (``grader.keys.derive``; a
    fresh random salt, hence a new assignment key, when ``salt`` is None), with a fresh
    random nonce; not deterministic.

    Raises:
        SealError: the key is not 32 bytes, the salt not 16, the folder has a top-level
            file named ``MANIFEST.json`` (the manifest's own name) or a link
            (``reference_files``).
    """
    salt = os.urandom(keys.SALT_BYTES) if salt is None else salt
    if len(key) != _KEY_BYTES or len(salt) != keys.SALT_BYTES:
        raise SealError(f"the sealing key must be {_KEY_BYTES} bytes and the salt "
                        f"{keys.SALT_BYTES}; use parse_key")
    files = reference_files(reference_dir)
    if MANIFEST in files:
        raise SealError(f"{Path(reference_dir) / MANIFEST} has the name of the bundle's "
                        "manifest; rename that file and seal again")
    contents = {rel: path.read_bytes() for rel, path in files.items()}
    manifest = {"format": FORMAT, "assignment": name,
                "files": {rel: hashlib.sha256(data).hexdigest()
                          for rel, data in contents.items()}}
    members = {MANIFEST: json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8"),
               **contents}

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        for rel, data in members.items():
            info = tarfile.TarInfo(rel)
            info.size = len(data)
            info.mode = 0o644
            info.mtime = 0
            tar.addfile(info, io.BytesIO(data))
    assignment_key = keys.derive(key, name, salt)
    check = keys.check_value(assignment_key)
    nonce = os.urandom(_NONCE_BYTES)
    ciphertext = _aesgcm()(assignment_key).encrypt(nonce, buffer.getvalue(),
                                                    _aad(name, salt, check))
    return MAGIC + salt + check + nonce + ciphertext


def write_bundles(root: Path, names: list[str], key: bytes, *, rotate: bool = False
                  ) -> list[Path]:
    """Seal ``root/reference/<name>`` into ``bundle_path(root, name)`` for each name
    (creating ``root/sealed/``; each file replaced atomically); returns the paths, in
    the order of ``names``.  Nothing is written unless every name has a hidden suite.

    Each assignment keeps its key: the salt of its existing bundle is reused when that
    bundle was sealed under ``key``; with ``rotate``, or without such a bundle, a new
    salt gives the assignment a new key (``bundle_key`` tells it; CI's secret must then
    be updated).

    Raises:
        SealError: a name is not an assignment name, or ``root/reference/<name>/tests/``
            holds no ``test_*.py`` (or any error of ``seal``).
    """
    root = Path(root)
    for name in names:
        if not _NAME.match(name):
            raise SealError(f"{name!r} is not an assignment name; name an assignment "
                            "folder such as hw3")
        tests = root / "reference" / name / "tests"
        if not any(tests.glob("test_*.py")):
            raise SealError(f"{tests} holds no test_*.py, so there is no hidden suite "
                            f"to seal for {name}; seal only the assignments that have one")
    bundles = [(name, seal(root / "reference" / name, name, key,
                           None if rotate else _kept_salt(root, name, key)))
               for name in names]
    paths = []
    for name, data in bundles:
        path = bundle_path(root, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.chmod(temp, 0o644)
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        paths.append(path)
    return paths


def _kept_salt(root: Path, name: str, key: bytes) -> bytes | None:
    """The salt of ``name``'s existing bundle when it was sealed under the course
    ``key`` (so that its assignment key stays the same); else None."""
    try:
        salt, check = header(bundle_path(root, name).read_bytes())
    except (OSError, SealError):
        return None
    return salt if keys.check_value(keys.derive(key, name, salt)) == check else None


# ----------------------------------------------------------------------------- opening

def header(data: bytes, *, source: str = "the file") -> tuple[bytes, bytes]:
    """The salt of the assignment's key and that key's check value, from a bundle's
    header (not authenticated until the bundle is opened).

    Raises:
        SealError: ``data`` does not start like a bundle of this format (a format-1
            bundle gets its own message: seal again).
    """
    if data.startswith(_MAGIC_V1):
        raise SealError(f"{source} was sealed by an older grader, under the course key "
                        "itself; run grade seal again (each assignment then gets its own "
                        "key: grade keys prints them)")
    if len(data) < _HEADER_BYTES or not data.startswith(MAGIC):
        raise SealError(f"{source} is not a sealed bundle (or is truncated); restore it "
                        "from the course repository or run grade seal again")
    salt = data[len(MAGIC):len(MAGIC) + keys.SALT_BYTES]
    return salt, data[len(MAGIC) + keys.SALT_BYTES:_HEADER_BYTES]


def _resolve(key: bytes, name: str, salt: bytes, check: bytes, source: str) -> bytes:
    """The assignment key that ``check`` names: ``key`` itself, or derived from ``key``
    as the course key."""
    if len(key) != _KEY_BYTES:
        raise SealError(f"the key for {source} must be {_KEY_BYTES} bytes; use parse_key")
    if hmac.compare_digest(keys.check_value(key), check):
        return key
    derived = keys.derive(key, name, salt)
    if hmac.compare_digest(keys.check_value(derived), check):
        return derived
    raise SealError(
        f"{KEY_ENV} does not open {source}: it is neither the course's key nor {name}'s "
        f"key ({keys.secret_name(name)}), or {name}'s key was rotated since; set "
        f"{KEY_ENV} to the current key (grade keys {name} prints it), or ask your "
        "instructor")


def bundle_key(root: Path, name: str, key: bytes) -> bytes:
    """The key that opens ``bundle_path(root, name)`` (assignment ``name``'s key), given
    the course ``key`` or that key itself.

    Raises:
        FileNotFoundError: there is no bundle.
        SealError: ``key`` is neither, or the bundle's header is not a bundle's.
    """
    path = bundle_path(root, name)
    salt, check = header(path.read_bytes(), source=str(path))
    return _resolve(key, name, salt, check, str(path))


def open_bundle(data: bytes, name: str, key: bytes, *, source: str | None = None
                ) -> dict[str, bytes]:
    """Decrypt and verify a bundle of assignment ``name``: {relative path: content}
    (the manifest not included).

    Args:
        key: the course key, or the assignment's key (the header's check value tells).
        source: how messages name the bundle (default ``sealed/<name>.sealed``).

    Raises:
        SealError: ``data`` is not a bundle ("not a sealed bundle": wrong magic, or too
            short); the key is neither the course's nor the assignment's (the message
            says so, and names the secret); the bundle was altered or was sealed for
            another assignment (authentication fails); or its contents do not match its
            manifest (name, file set, SHA-256) or hold an unsafe path.
    """
    source = source or f"{BUNDLE_DIR}/{name}.sealed"
    salt, check = header(data, source=source)
    if len(data) < _HEADER_BYTES + _NONCE_BYTES + _TAG_BYTES:
        raise SealError(f"{source} is not a sealed bundle (or is truncated); restore it "
                        "from the course repository or run grade seal again")
    assignment_key = _resolve(key, name, salt, check, source)
    nonce = data[_HEADER_BYTES:_HEADER_BYTES + _NONCE_BYTES]
    ciphertext = data[_HEADER_BYTES + _NONCE_BYTES:]
    aesgcm = _aesgcm()
    from cryptography.exceptions import InvalidTag
    try:
        plain = aesgcm(assignment_key).decrypt(nonce, ciphertext, _aad(name, salt, check))
    except InvalidTag:
        raise SealError(f"{source} was altered (it does not authenticate under its key); "
                        "restore it from the course repository or run grade seal "
                        "again") from None

    def corrupt(what: str) -> SealError:
        return SealError(f"{source} is inconsistent ({what}); seal the suites again with "
                         "grade seal")

    members: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(plain), mode="r:gz") as tar:
            for info in tar:
                _check_member(info.name, source)
                if not info.isreg():
                    raise corrupt(f"{info.name!r} is not a regular file")
                if info.name in members:
                    raise corrupt(f"{info.name!r} appears twice")
                members[info.name] = tar.extractfile(info).read()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise corrupt(f"unreadable archive: {exc}") from None
    try:
        manifest = json.loads(members.pop(MANIFEST).decode("utf-8"))
        version, assignment, digests = (manifest["format"], manifest["assignment"],
                                        manifest["files"])
    except (KeyError, ValueError, TypeError, UnicodeDecodeError):
        raise corrupt("no valid manifest") from None
    if version != FORMAT:
        raise SealError(f"{source} has format {version!r}, which this grader does not "
                        "read; update the grader or seal the suites again")
    if assignment != name:
        raise corrupt(f"sealed for {assignment!r}, opened as {name!r}")
    if not isinstance(digests, dict) or set(digests) != set(members):
        raise corrupt("its files differ from its manifest")
    for rel, content in members.items():
        if hashlib.sha256(content).hexdigest() != digests[rel]:
            raise corrupt(f"{rel!r} does not match its SHA-256")
    return dict(sorted(members.items()))


@contextlib.contextmanager
def unsealed(root: Path, name: str, key: bytes) -> Iterator[Path]:
    """Open ``bundle_path(root, name)`` and yield a *reference root*: a fresh private
    folder (``tempfile.mkdtemp(prefix="grader-sealed-")``, mode 0o700) holding the
    files under ``<folder>/<name>/``, so that ``<folder>/<name>`` stands for
    ``root/reference/<name>``.  The folder is removed on exit, exception or not.

    Raises:
        FileNotFoundError: there is no bundle; callers check
            ``bundle_path(root, name).is_file()`` first.
        SealError: as ``open_bundle`` (the message names the bundle's path).
    """
    if not _NAME.match(name):
        raise SealError(f"{name!r} is not an assignment name; name an assignment "
                        "folder such as hw3")
    path = bundle_path(root, name)
    files = open_bundle(path.read_bytes(), name, key, source=str(path))
    folder = Path(tempfile.mkdtemp(prefix="grader-sealed-"))
    try:
        os.chmod(folder, 0o700)
        target = folder / name
        target.mkdir()
        for rel, content in files.items():
            _check_member(rel, str(path))
            dest = target.joinpath(*PurePosixPath(rel).parts)
            if not dest.resolve().is_relative_to(target.resolve()):
                raise SealError(f"{path} holds an unsafe path {rel!r}; seal the suites again")
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(content)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def is_current(root: Path, name: str, key: bytes) -> bool:
    """Whether ``bundle_path(root, name)`` holds exactly the files now in
    ``root/reference/<name>`` (the same paths and contents, by ``reference_files``'s
    rules).  False where there is no bundle.

    Raises:
        SealError: the bundle cannot be opened with ``key`` (``open_bundle``).
    """
    path = bundle_path(root, name)
    if not path.is_file():
        return False
    sealed = open_bundle(path.read_bytes(), name, key, source=str(path))
    now = reference_files(Path(root) / "reference" / name)
    if set(sealed) != set(now):
        return False
    return all(p.read_bytes() == sealed[rel] for rel, p in now.items())
