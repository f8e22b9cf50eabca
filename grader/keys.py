"""Keys: the course key, each assignment's key derived from it, and how the grader takes a
key from its environment without leaving it there.

The course key
    32 random bytes (``grader.seal.new_key``), kept by the instructor only: ``grade
    seal``, ``grade release``, ``grade keys`` and ``grade batch`` read it from
    ``GRADER_KEY``.  It never goes to a student repository's CI.

An assignment's key
    ``derive(course_key, name, salt)``: HKDF-SHA256 (RFC 5869, ``cryptography``'s
    ``HKDF``) of the course key, with the 16-byte random ``salt`` that the assignment's
    bundle carries in its header (``grader.seal``) and ``info = b"dl-grader assignment
    key v2\\0" + name``.  It opens that assignment's sealed suite and nothing else: a
    leaked hw3 key opens ``sealed/hw3.sealed`` only.  Rotating it (``grade seal --rotate
    hw3``) draws a new salt, so the old hw3 key opens nothing sealed afterwards.  CI
    holds it as the secret ``secret_name("hw3")`` (``GRADER_KEY_HW3``) of the student
    repository's ``grading`` environment and hands it to the grader as ``GRADER_KEY``
    (docs/ci.md).  ``check_value`` (the first 8 bytes of an HMAC-SHA256 of a fixed label
    under the key, as a bank's "key check value") tells, from a bundle's header, whether
    a key given is that assignment's key, without decrypting anything.

Out of the environment
    ``keep_out_of_environment()`` is the first thing the ``grade`` command does.  Where a
    variable ``GRADER_KEY`` (or ``GRADER_KEY_<NAME>``, read where ``GRADER_KEY`` is not
    set: a secret's name used as the variable) holds a value, removing it from
    ``os.environ`` is not enough: Linux keeps a process's exec-time environment in its
    memory and shows it in ``/proc/PID/environ``.  So the grader writes the key into a
    pipe, and re-executes itself (``os.execve``, the same pid and arguments) with an
    environment that lacks the key variables and names the pipe's read end instead
    (``GRADER_SECRET_FD``); the new image reads the key from the pipe and closes it.  From
    then on the key is only in the grader's memory (a non-dumpable process,
    ``grader.sandbox.make_non_dumpable``), never in an environment, a command line or a
    file.  Where ``execve`` is not available (Windows) the variables are only removed
    from ``os.environ``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import stat
import sys

__all__ = ["KEY_ENV", "SECRET_PREFIX", "ENVIRONMENT", "SALT_BYTES", "CHECK_BYTES", "derive",
           "check_value", "secret_name", "keep_out_of_environment", "held"]

#: The variable the grader reads a key from: the course key, or the key of the
#: assignment being graded.
KEY_ENV = "GRADER_KEY"
#: Assignment keys are CI secrets named ``GRADER_KEY_<NAME>`` (``secret_name``).
SECRET_PREFIX = KEY_ENV + "_"
#: The GitHub environment of a student repository that holds the assignment keys, open
#: to the default branch only (docs/ci.md).
ENVIRONMENT = "grading"
#: Bytes of the random salt of each assignment's key (in its bundle's header).
SALT_BYTES = 16
#: Bytes of a key check value.
CHECK_BYTES = 8

_FD_ENV = "GRADER_SECRET_FD"
_INFO = b"dl-grader assignment key v2\0"
_CHECK_LABEL = b"dl-grader key check v2"
#: More than this is not a key (a key is 44 characters); it is cut, and refused later
#: by ``grader.seal.parse_key``.
_MAX_TEXT = 1024
_held: dict[str, str] | None = None


def derive(course_key: bytes, name: str, salt: bytes) -> bytes:
    """Assignment ``name``'s 32-byte key: HKDF-SHA256 (RFC 5869) of the 32-byte
    ``course_key`` with ``salt`` (``SALT_BYTES`` bytes, from the bundle's header) and
    ``info = b"dl-grader assignment key v2\\0" + name`` (UTF-8).

    Raises:
        ValueError: ``course_key`` is not 32 bytes or ``salt`` not ``SALT_BYTES``.
    """
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    if len(course_key) != 32 or len(salt) != SALT_BYTES:
        raise ValueError("derive needs a 32-byte course key and a 16-byte salt")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                info=_INFO + name.encode("utf-8")).derive(course_key)


def check_value(key: bytes) -> bytes:
    """The key check value of ``key``: the first ``CHECK_BYTES`` bytes of
    HMAC-SHA256(key, ``b"dl-grader key check v2"``).  It tells whether a key is the one
    a bundle was sealed with; it reveals nothing usable about the key."""
    return hmac.new(key, _CHECK_LABEL, hashlib.sha256).digest()[:CHECK_BYTES]


def secret_name(name: str) -> str:
    """The CI secret holding assignment ``name``'s key: ``GRADER_KEY_`` and the name in
    capitals, other characters than letters and digits as ``_`` (``hw3`` →
    ``GRADER_KEY_HW3``; GitHub's secret names allow letters, digits and ``_``)."""
    return SECRET_PREFIX + re.sub(r"[^A-Z0-9]", "_", name.upper())


def _key_variables(environ) -> list[str]:
    return [n for n in environ if n == KEY_ENV or n.startswith(SECRET_PREFIX)]


def keep_out_of_environment(*, reexec: bool = True) -> None:
    """Take the keys from ``GRADER_KEY`` and ``GRADER_KEY_<NAME>`` for ``held()`` and
    leave them in no environment.

    Every such variable is removed.  When one of them holds a value and ``reexec`` is
    true, this process re-executes itself (``os.execve`` of ``sys.executable`` with
    ``sys.orig_argv``: the same command, the same pid) with the keys in a pipe instead,
    so that ``/proc/PID/environ`` never shows them; the call in the new image reads the
    pipe and returns.  ``reexec=False`` (the ``grade`` command called as a function, in
    a process that is not its own) only removes the variables from ``os.environ``, as
    does a process that cannot re-execute itself (no ``execve``: Windows; the execve
    failing is said on stderr).  Calling it again changes nothing unless a key
    variable was set since.
    """
    global _held
    inherited = os.environ.pop(_FD_ENV, None)
    names = _key_variables(os.environ)
    if inherited is not None:
        _held = _read_pipe(inherited)
        for name in names:
            del os.environ[name]
        return
    if not names:
        _held = _held or {}
        return
    _held = {n: os.environ[n].strip()[:_MAX_TEXT] for n in names if os.environ[n].strip()}
    for name in names:
        del os.environ[name]
    if not (reexec and _held and os.name == "posix" and sys.executable
            and hasattr(sys, "orig_argv")):
        return
    payload = json.dumps(_held).encode("utf-8")
    if len(payload) > 60_000:  # a pipe holds 64 KiB: more would block (and is no key)
        payload = json.dumps({KEY_ENV: _held.get(KEY_ENV, "")}).encode("utf-8")
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, payload)
    finally:
        os.close(write_end)
    os.set_inheritable(read_end, True)
    environment = {**os.environ, _FD_ENV: f"{read_end}:{os.getpid()}"}
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    try:
        os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], environment)
    except OSError as exc:
        os.close(read_end)
        print(f"grade: warning: could not restart without {KEY_ENV} in the process "
              f"environment ({exc}); it was only removed from os.environ", file=sys.stderr)


def _read_pipe(value: str) -> dict[str, str]:
    """The keys that this process, before its ``execve``, wrote into the pipe ``value``
    names (``FD:PID``); {} when it names no pipe of this process (a variable inherited
    from elsewhere is ignored, never read from)."""
    try:
        fd_text, pid_text = value.split(":")
        fd = int(fd_text)
        if int(pid_text) != os.getpid() or not stat.S_ISFIFO(os.fstat(fd).st_mode):
            return {}
        chunks = []
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
        os.close(fd)
        found = json.loads(b"".join(chunks).decode("utf-8"))
    except (ValueError, OSError):
        return {}
    return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, str)} \
        if isinstance(found, dict) else {}


def held(name: str | None = None) -> str:
    """The key text ``keep_out_of_environment`` took from ``GRADER_KEY`` ('' when there
    was none); with an assignment ``name``, where ``GRADER_KEY`` was not set, the text
    of ``secret_name(name)`` (``GRADER_KEY_HW3``: a secret's name used as the variable).
    Where ``keep_out_of_environment`` was not called, it is called first (without
    re-executing)."""
    if _held is None:
        keep_out_of_environment(reexec=False)
    texts = _held or {}
    return texts.get(KEY_ENV) or (texts.get(secret_name(name), "") if name else "")
