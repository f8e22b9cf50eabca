"""How this machine can confine a worker, decided once per process: Linux namespaces
(``unshare``) or process isolation only, by a probe that confines an empty submission
the way a worker is confined (``python -m grader.confine --probe``), before any
student code runs.  It never changes afterwards, whatever a worker later says or does.

``GRADER_ISOLATION`` chooses: ``auto`` (namespaces where possible, the default),
``namespaces`` (refuse to grade without them) or ``process`` (never use them).

A command that will start a worker calls ``probe_in_background`` first thing: the
namespaces probe (an interpreter started in new namespaces, ~0.1 s) then runs while the
grader imports its own modules, and ``isolation`` only collects its answer.  The
probe's answer is the same as if ``isolation`` had run it: the same command, in the
same environment, before any worker.

This module imports nothing heavy (no numpy), so that the probe can start before the
grader's imports; ``grader.sandbox`` uses it to start workers.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from functools import lru_cache
from pathlib import Path

from grader.errors import ConfigurationError
from grader.limits import Limits

__all__ = ["isolation", "probe_in_background", "private_uid", "grader_lib", "unshare_command",
           "PRIVATE_UID_BASE", "SYSTEM_DIRS"]

#: Workers run as uid (and gid) ``PRIVATE_UID_BASE + pid`` of the grading process when
#: the grader is root: a user of their own, who owns nothing on the machine.
PRIVATE_UID_BASE = 2_000_000_000

#: The namespaces a worker gets (unshare(1) options); --kill-child ties the worker's
#: life to the unshare process the grader kills.
NAMESPACES = ("--mount", "--pid", "--net", "--ipc", "--uts", "--fork", "--kill-child",
              "--propagation", "private")

#: System directories the worker's view holds (read-only), where they exist.
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/sys")

#: Longest a probe may take, in seconds (wall clock: an interpreter start and a few mounts).
PROBE_SECONDS = 60


def unshare_command() -> list[str]:
    """The ``unshare(1)`` command line (up to its ``--``) that starts a program in a
    worker's namespaces; as an unprivileged user, with a user namespace that maps it
    to root inside."""
    unshare = shutil.which("unshare") or "unshare"
    user = [] if os.geteuid() == 0 else ["--user", "--map-root-user"]
    return [unshare, *user, *NAMESPACES, "--"]


def private_uid(pid: int | None = None) -> int:
    """The uid a grading process's workers run as when the grader is root: one of their
    own per grading process (``pid``, default this one), so that no other grading's
    worker shares it, ``RLIMIT_NPROC`` counts only its processes, and what it leaves
    behind can be found and removed by owner."""
    return PRIVATE_UID_BASE + (os.getpid() if pid is None else pid) % (1 << 22)


def grader_lib(root: Path) -> Path:
    """A directory ``root/lib`` that exposes only the ``grader`` package, for a worker's
    ``PYTHONPATH`` (created here)."""
    lib = Path(root) / "lib"
    lib.mkdir()
    package = Path(__file__).resolve().parent
    try:
        (lib / "grader").symlink_to(package, target_is_directory=True)
    except OSError:  # no symlinks (some Windows setups): copy the package
        shutil.copytree(package, lib / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    return lib


def _requested_isolation() -> str:
    """``GRADER_ISOLATION``, checked: auto, namespaces or process."""
    mode = os.environ.get("GRADER_ISOLATION", "auto").strip().lower() or "auto"
    if mode not in ("auto", "namespaces", "process"):
        raise ConfigurationError(
            f"GRADER_ISOLATION={mode!r}: use auto, namespaces or process")
    return mode


def _python_prefixes() -> list[str]:
    """The folders of the Python installation this process runs from: its prefix and
    base prefix (a virtual environment's and the interpreter's it was made from)."""
    return sorted({str(Path(p).resolve()) for p in (sys.prefix, sys.base_prefix,
                                                     sys.exec_prefix, sys.base_exec_prefix)})


class _Probe:
    """One probe, started when made: an empty submission confined as a worker would
    be, with namespaces and a view or without (``python -m grader.confine --probe``)."""

    def __init__(self, namespaces: bool):
        self.namespaces = namespaces
        self.process: subprocess.Popen | None = None
        self.answer: str | None = None  # set when it is known without running anything
        if namespaces:
            if not sys.platform.startswith("linux"):
                self.answer = f"Linux namespaces do not exist on {sys.platform}"
            elif shutil.which("unshare") is None:
                self.answer = "the unshare command (util-linux) is not installed"
        elif not sys.platform.startswith("linux"):
            self.answer = ""  # setrlimit only (docs/sandbox.md): nothing to probe
        if self.answer is not None:
            return
        self.root = Path(tempfile.mkdtemp(prefix="grader-probe-"))
        try:
            uid = private_uid() if os.geteuid() == 0 else None
            spec = {"limits": Limits().to_dict(), "cpu_left": 60, "view": None, "uid": uid}
            if namespaces:
                for part in ("view", "rw"):
                    (self.root / part).mkdir()
                spec["view"] = {"root": str(self.root / "view"), "writable": str(self.root / "rw"),
                                "readonly": list(SYSTEM_DIRS) + _python_prefixes(),
                                "disk_mb": 1, "uid": uid}
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                   "PYTHONPATH": str(grader_lib(self.root)), "PYTHONDONTWRITEBYTECODE": "1"}
            prefix = unshare_command() if namespaces else []
            self.deadline = time.monotonic() + PROBE_SECONDS
            self.process = subprocess.Popen(
                [*prefix, sys.executable, "-s", "-P", "-m", "grader.confine", "--probe",
                 json.dumps(spec)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                cwd=self.root, env=env, stdin=subprocess.DEVNULL)
        except OSError as exc:
            self._remove()
            self.answer = f"the confinement probe failed: {exc}"

    def result(self) -> str:
        """'' when the confinement worked, else why not (waits for the probe)."""
        if self.answer is not None:
            return self.answer
        try:
            said, _ = self.process.communicate(timeout=max(0.0, self.deadline - time.monotonic()))
        except subprocess.TimeoutExpired as exc:
            self.process.kill()
            self.process.communicate()
            self.answer = f"the confinement probe failed: {exc}"
        else:
            said = said.decode("utf-8", "replace").strip()
            what = ("namespaces and the worker's view" if self.namespaces
                    else "a worker without namespaces (its uid, limits and seccomp filter)")
            self.answer = "" if self.process.returncode == 0 else (
                f"{what} could not be set up here: "
                + (said[-400:] or f"exit code {self.process.returncode}"))
        finally:
            self._remove()
        return self.answer

    def _remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


_early_lock = threading.Lock()
_early: _Probe | None = None  # probe_in_background's, until isolation() takes its answer


def probe_in_background() -> None:
    """Start the namespaces probe now, without waiting for it: the first ``isolation()``
    takes its answer.  For a command about to grade (``grade``), whose imports then
    overlap the probe.  Does nothing where the isolation is already decided, where
    ``GRADER_ISOLATION`` rules namespaces out, or where a probe is already running."""
    global _early
    with _early_lock:
        if _early is not None or isolation.cache_info().currsize:
            return
        try:
            if _requested_isolation() == "process":
                return
        except ConfigurationError:
            return  # isolation() says so, where it is asked
        _early = _Probe(True)
    atexit.register(_collect_early)  # never leave it running or its folder behind


def _collect_early() -> str | None:
    """The background probe's answer (waiting for it), or None where none was started."""
    global _early
    with _early_lock:
        probe, _early = _early, None
    return probe.result() if probe is not None else None


def _probe(namespaces: bool) -> str:
    """Confine an empty submission as a worker would be, with namespaces and a view or
    without; '' when it worked, else why not.  Nothing of any student's runs here."""
    if namespaces:
        early = _collect_early()
        if early is not None:
            return early
    return _Probe(namespaces).result()


_decision_lock = threading.Lock()


def isolation() -> tuple[str, str]:
    """How workers are isolated in this process: ``("namespaces", "")``, or
    ``("process", reason)`` when Linux namespaces cannot be used (or are turned off
    with ``GRADER_ISOLATION=process``).

    Decided once, before any student code runs, by confining an empty submission the
    way a worker is confined (``_probe``; the one ``probe_in_background`` started, if
    any); it never changes afterwards, whatever a worker later says or does.

    Raises:
        ConfigurationError: ``GRADER_ISOLATION=namespaces`` but they are unavailable;
            a worker could not be confined even without them (as root: its own uid,
            its limits, its seccomp filter), since student code never runs as root or
            unlimited; or ``GRADER_ISOLATION`` has another value than
            auto/namespaces/process.
    """
    with _decision_lock:  # one decision, whichever thread asks first (a worker's start)
        return _decide()


@lru_cache(maxsize=None)
def _decide() -> tuple[str, str]:
    mode = _requested_isolation()
    reason = "GRADER_ISOLATION=process" if mode == "process" else _probe(True)
    if not reason:
        return "namespaces", ""
    if mode == "namespaces":
        raise ConfigurationError(f"GRADER_ISOLATION=namespaces, but {reason}")
    failed = _probe(False)
    if failed:
        raise ConfigurationError(f"student code cannot be run safely here: {failed}"
                                 + ("" if mode == "process" else f" (and {reason})"))
    return "process", reason


isolation.cache_clear = _decide.cache_clear  # type: ignore[attr-defined]  # decide again (tests)
isolation.cache_info = _decide.cache_info  # type: ignore[attr-defined]
