"""The grader's side of the worker process: start it confined, send it requests,
enforce the time limits, and turn every way it can fail into an exception from
``grader.errors``.

How a worker is confined (the threat model and what each platform enforces are in
``docs/sandbox.md``):

- On Linux, where ``unshare(1)`` can make namespaces (as root, or as a user where
  unprivileged user namespaces are allowed), the worker gets its own mount, PID,
  network, IPC and UTS namespaces: it sees a file system of read-only system and
  Python directories plus a writable, size-limited home and /tmp (never the course
  repository, the reference or the hidden suites), only its own processes, and no
  network; when its PID namespace's first process dies the kernel kills every process
  in it, daemons included.
  (``grader.confine`` does the worker's half.)
- Everywhere: a process of its own in its own session, killed with its whole process
  group; as root, a uid of its own (``private_uid``); ``setrlimit`` limits (POSIX) and
  a seccomp filter (Linux); a scrubbed environment (``grader.limits``);
  stdin closed; stdout and stderr into a pipe that the grader reads and cuts to
  ``output_kb`` per call; the grader process made non-dumpable (Linux), so no worker
  can read its memory or environment through /proc or ptrace.  Nothing the worker
  sends is unpickled (``grader.codec``).

``GRADER_ISOLATION`` chooses: ``auto`` (namespaces where possible, the default),
``namespaces`` (refuse to grade without them) or ``process`` (never use them).

The isolation is decided once per process, before any student code runs, by a probe
that confines an empty submission (``grader.isolation``); it never changes afterwards.  What
the worker says about itself is believed only in its first frame (``ready``), which it
sends before it imports the submission; every later frame is the student's data: the
value or exception of the call that was asked, checked against the request it
answers, bounded in size before it is read.  The arguments a call changed in place are
found here, by comparing what the worker sends back with what was sent.  As root,
every worker runs as a uid of its own grading (``private_uid``), namespaces or not; in
process isolation, its processes and its files in the shared temporary directories are
removed when the submission is done (``Worker.close``).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from grader import codec, confine
from grader.channel import Channel, ChannelClosed, ChannelTimeout, FrameRefused
from grader.errors import (
    ConfigurationError,
    GraderFault,
    LimitExceeded,
    MissingFunction,
    StudentCodeError,
    NotImplementedYet,
    StudentException,
    StudentExit,
    StudentTimeout,
    SubmissionNotImportable,
    ValueCannotCross,
    WorkerCrashed,
)
from grader.i18n import _
from grader.isolation import (PRIVATE_UID_BASE, SYSTEM_DIRS, grader_lib, isolation, private_uid,
                              unshare_command)
from grader.launch import ForkedProcess, SpawnedProcess, Zygote, ZygoteError
from grader.stopwatch import Stopwatch
from grader.limits import ONE_THREAD_ENV, EnvPolicy, Limits
from grader.text import printable

__all__ = ["Worker", "Handle", "Reply", "isolation", "OutputCapture", "grader_lib",
           "worker_environment", "make_non_dumpable", "cuda_driver_present", "private_uid",
           "remove_user_traces"]

#: After this many worker restarts in one run, no more are made.
MAX_RESTARTS = 25

#: Longest text kept of one message from the worker (an exception's message, a
#: traceback), in characters; the worker cuts them shorter, but a forged frame need not.
MAX_MESSAGE_CHARS = 8000

#: A request that has not used its time limit after WALL_FACTOR times that limit of
#: wall-clock time (and at least WALL_SLACK seconds more than it) is stopped as the
#: grader's failure: the machine gave it too little CPU to judge it (``Worker``).
WALL_FACTOR = 10
WALL_SLACK = 60.0

#: Attempts at starting a confined worker before the submission's grading is given up
#: as the grader's failure (``GraderFault``).
CONFINE_ATTEMPTS = 2

#: Where a worker without a view of its own may leave files: the directories every user
#: may write (their files are removed by owner when its submission is done).
SHARED_TEMP_DIRS = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock")


def _searchable_temp_dir() -> str:
    """A temporary directory every user can reach (each folder on its path searchable
    by others): where a worker without namespaces, running as a uid of its own, gets
    its folder; ``tempfile.gettempdir()`` where it can."""
    for top in (tempfile.gettempdir(), *SHARED_TEMP_DIRS):
        path = Path(top).resolve()
        try:
            if all(os.stat(p).st_mode & 0o001 for p in (path, *path.parents)):
                return str(path)
        except OSError:
            continue
    return tempfile.gettempdir()


def _processes_of(uid: int) -> list[int]:
    """The pids of the live processes (zombies left out) whose real uid is ``uid``,
    from /proc."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        if fields.get("Uid", "").split()[:1] == [str(uid)] and \
                not fields.get("State", "").strip().startswith("Z"):
            found.append(int(name))
    return found


def remove_user_traces(uid: int, rounds: int = 50) -> None:
    """Kill every process of ``uid`` and remove every file it owns in the shared
    temporary directories (``SHARED_TEMP_DIRS`` and ``tempfile.gettempdir()``): what a
    worker that ran as ``uid`` without namespaces could leave behind.  Linux, as root.

    Args:
        uid: the workers' uid (``private_uid``); never a uid anything else runs as.
        rounds: kill passes at most (a process may fork while the first is made).
    """
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or uid < PRIVATE_UID_BASE:
        return
    for _round in range(rounds):
        pids = _processes_of(uid)
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.01)
    for top in dict.fromkeys((*SHARED_TEMP_DIRS, tempfile.gettempdir())):
        for folder, dirs, files in os.walk(top):
            for name in dirs + files:
                path = os.path.join(folder, name)
                try:
                    if os.lstat(path).st_uid != uid:
                        continue
                    if name in dirs and not os.path.islink(path):
                        shutil.rmtree(path, ignore_errors=True)
                        dirs.remove(name)
                    else:
                        os.unlink(path)
                except OSError:
                    pass


def _group_cpu(pgid: int) -> float:
    """CPU seconds (user + system, with the children they waited for) of the live
    processes in process group ``pgid``, read from /proc; 0 where there is no /proc."""
    total = 0
    try:
        entries = os.listdir("/proc")
    except OSError:
        return 0.0
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 14 and fields[2] == str(pgid):  # proc(5): pgrp, utime..cstime
            total += sum(int(x) for x in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")


def cuda_driver_present() -> bool:
    """Whether this machine has an NVIDIA CUDA driver (``/dev/nvidiactl``), found without
    starting CUDA (which a later ``fork`` would not survive)."""
    return os.path.exists("/dev/nvidiactl")


def worker_environment(policy: EnvPolicy, lib: Path, home: Path, tmp: Path) -> dict[str, str]:
    """The environment a worker (or the zygote that forks workers) runs with: what
    ``policy`` lets through of the grader's, plus ``HOME``, ``TMPDIR``, the ``grader``
    package on ``PYTHONPATH`` (``lib``, from ``grader_lib``), a fixed hash seed,
    headless matplotlib, UTF-8 output, and the numerical libraries on one thread
    (``grader.limits.ONE_THREAD_ENV``, where the policy does not pass the grader's)."""
    env = policy.environment(dict(os.environ))
    for name, value in ONE_THREAD_ENV.items():
        env.setdefault(name, value)
    env.update({
        "HOME": str(home), "TMPDIR": str(tmp), "PYTHONPATH": str(lib),
        "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": str(Path(tmp) / ".matplotlib"), "PYTHONIOENCODING": "utf-8",
    })
    return env


def make_non_dumpable() -> None:
    """PR_SET_DUMPABLE 0 on this (the grader's) process: its /proc files become
    root-only and it cannot be ptraced, so a worker running as the same user cannot
    read its memory or environment."""
    if sys.platform.startswith("linux"):
        try:
            confine.prctl(confine.PR_SET_DUMPABLE, 0)
        except (OSError, AttributeError):
            pass


class OutputCapture:
    """The read end of the pipe the worker's stdout and stderr go to.

    ``pump()`` reads what is there without blocking and keeps at most ``limit``
    characters (the rest is counted and dropped); ``take()`` returns what was kept
    since the last ``take()``.

    Args:
        fd: the pipe's read end (made non-blocking).
        limit: characters kept per ``take()``.
    """

    def __init__(self, fd: int, limit: int):
        self.fd = fd
        self.limit = limit
        self.kept = bytearray()
        self.dropped = 0
        self.open = True
        os.set_blocking(fd, False)

    def pump(self) -> bool:
        """Read what is available; False once every writer has closed the pipe."""
        while self.open:
            try:
                chunk = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                return True
            except OSError:
                chunk = b""
            if not chunk:
                self.close()
                break
            room = max(0, self.limit - len(self.kept))
            self.kept += chunk[:room]
            self.dropped += len(chunk) - min(room, len(chunk))
        return False

    def take(self) -> str:
        """The output kept since the last call, with a note of how much was cut."""
        self.pump()
        text = self.kept.decode("utf-8", "replace")
        if self.dropped:
            text += "\n" + _("... (output cut: {count} more bytes not shown)").format(
                count=f"{self.dropped:,}")
        self.kept, self.dropped = bytearray(), 0
        return text

    def close(self) -> None:
        if self.open:
            self.open = False
            try:
                os.close(self.fd)
            except OSError:
                pass


class Handle:
    """An object that lives in the worker (a student's cache object, Dataset, Module).

    Attribute access fetches the attribute from the worker: plain data comes back as
    data, anything else as another ``Handle``.  A handle can be called, passed back as
    an argument to the student's functions, measured with ``len()``, indexed and
    iterated; each of these runs in the worker under the time limit.

    ``type_name`` is the object's class as "module.QualName".
    """

    __slots__ = ("_worker", "_generation", "handle_id", "type_name", "_label")

    def __init__(self, worker: "Worker", generation: int, handle_id: int, type_name: str, label: str):
        object.__setattr__(self, "_worker", worker)
        object.__setattr__(self, "_generation", generation)
        object.__setattr__(self, "handle_id", handle_id)
        object.__setattr__(self, "type_name", type_name)
        object.__setattr__(self, "_label", label)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return self._worker.getattr(self, name, label=f"{self._label}.{name}").value

    def __setattr__(self, name, value):
        raise AttributeError("a student object cannot be modified from the grader")

    def __call__(self, *args, **kwargs):
        return self._worker.call(self, None, args, kwargs, label=self._label).value

    def method(self, name: str, *args, **kwargs):
        """Call ``obj.name(*args, **kwargs)`` in the worker; returns the reply's value."""
        return self._worker.call(self, name, args, kwargs, label=f"{self._label}.{name}").value

    def __len__(self) -> int:
        return self.method("__len__")

    def __getitem__(self, key):
        return self.method("__getitem__", key)

    def __iter__(self):
        return iter(self._worker.list(self, label=f"list({self._label})"))

    def __eq__(self, other):  # identity of the remote object, never its own __eq__
        return isinstance(other, Handle) and other.handle_id == self.handle_id \
            and other._generation == self._generation and other._worker is self._worker

    def __hash__(self):
        return hash((id(self._worker), self._generation, self.handle_id))

    def __repr__(self) -> str:
        return f"<student object {self.type_name} #{self.handle_id}>"


@dataclass
class Reply:
    """One answered request.

    Attributes:
        value: what the call returned (decoded; handles for non-data objects).
        changed: ``[(position or keyword, parameter name, value after the call)]`` for
            the arguments the call modified in place.
        output: what the student's code printed during the call (cut to
            the ``output_kb`` limit).
        seconds: wall-clock time of the call, callbacks included.
        params: the names of the positional parameters the call filled, as the
            student's function names them.
        warnings: the warnings the call raised, as "Category: message".
    """

    value: Any = None
    changed: list = field(default_factory=list)
    output: str = ""
    seconds: float = 0.0
    params: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


class Worker:
    """One worker process for one submission, started on first use and restarted
    after a timeout or a crash.

    Its time limits count each request's own time (``grader.stopwatch``): CPU time,
    or wall-clock time less the waits for a CPU that other processes held, whichever
    is more; so a call gets the same verdict on a loaded machine as on an idle one.
    A request that has not used its limit after ``WALL_FACTOR`` times the limit (at
    least ``WALL_SLACK`` s more than it) of wall-clock time stops the grading of the
    submission as the grader's fault (``GraderFault``: the machine was too busy).

    Args:
        submission: path of the student's file.
        module_name: the module name it is imported under (e.g. ``"backprop"``).
        limits: the resource limits (``grader.limits.Limits``).
        env_policy: which environment variables the worker inherits.
        data_dirs: directories the student's code may read (the assignment's data);
            they keep their paths inside the worker's view.
        hidden: directories the worker must never see (the course repository); a
            Python path entry that holds one of them is left out of the view.
        zygote: fork workers from this warm ``grader.launch.Zygote`` (batch grading)
            instead of starting a fresh interpreter for each.
        uid: the uid (and gid) the worker runs as when the grader runs as root
            (default ``private_uid()``, of this grading process; each batch slot has
            its own), with or without namespaces: student code never runs as root.
    """

    #: Called (about every 0.1 s) while a worker runs the student's code and the
    #: grader waits for it: a batch slot's grading process sets it, to tell its slot
    #: that it is waiting for student code, not stuck (``grader.slot``).
    while_waiting: Callable[[], None] | None = None

    def __init__(self, submission: Path, module_name: str, limits: Limits = Limits(),
                 env_policy: EnvPolicy = EnvPolicy(), data_dirs: tuple[Path, ...] = (),
                 hidden: tuple[Path, ...] = (), zygote: Zygote | None = None,
                 uid: int | None = None):
        self.submission = Path(submission)
        self.module_name = module_name
        self.limits = limits
        self.env_policy = env_policy
        self.data_dirs = tuple(Path(d) for d in data_dirs)
        self.hidden = tuple(Path(h).resolve() for h in hidden)
        self.display_name = self.submission.name
        self.zygote = zygote
        #: the worker's uid where the grader is root (None: the grader's own, unprivileged)
        self.uid = (private_uid() if uid is None else uid) if os.geteuid() == 0 else None
        self.process: SpawnedProcess | ForkedProcess | None = None
        self.channel: Channel | None = None
        self.output: OutputCapture | None = None
        self.generation = 0
        self.restarts = 0
        self.import_error: SubmissionNotImportable | None = None
        self.timed_out: dict[str, float] = {}
        #: the grader-side functions passed to this worker process, by id: it may call
        #: back those (a Dataset keeps its transform and calls it on each item), no other
        self.callbacks: dict[int, Callable] = {}
        self.seq = 0  # the last request's sequence number
        self._next_callback = 0
        #: set when a worker could not be confined: the grading must stop (``GraderFault``)
        self.fault: GraderFault | None = None
        #: called after every call of the student's code (functions and handle
        #: methods alike) as on_call(label, args, kwargs, reply or None, error or None);
        #: the ``student`` proxy logs them for failure reports
        self.on_call: Callable[[str, tuple, dict, "Reply | None", Exception | None], None] | None = None
        #: own seconds (``grader.stopwatch``) the submission's requests took so far
        self.seconds_used = 0.0
        self._watches: list[Stopwatch] = []  # of the requests in flight, innermost last
        self._cpu_done = 0.0  # CPU seconds of earlier worker processes
        self._cpu_now = 0.0  # CPU seconds of the current one, as it last reported
        #: whether the address-space limit is set: not where a CUDA driver is present,
        #: as it reserves far more address space than it uses (docs/sandbox.md)
        self.memory_limited = not cuda_driver_present()
        self._root: Path | None = None  # made by the first start (``root``)
        self._isolation: tuple[str, str] | None = None  # ``isolation()``, when first asked
        make_non_dumpable()
        self._early: threading.Thread | None = None  # ``start_early``'s
        self._early_pending = False  # its outcome not yet taken by a request
        self._early_done = threading.Event()  # its start is over (worked or not)
        self._early_release = threading.Event()  # it may end: its worker is gone (``close``)
        self._early_error: BaseException | None = None

    # ------------------------------------------------------------------ lifecycle
    @property
    def isolation(self) -> str:
        """How this machine confines workers, ``"namespaces"`` or ``"process"``
        (``grader.isolation``, decided once per process; asked first by the worker's
        start, so that a worker made while the start-up probe runs does not wait for it)."""
        if self._isolation is None:
            self._isolation = isolation()
        return self._isolation[0]

    @property
    def isolation_note(self) -> str:
        """Why workers are not isolated in namespaces ('' where they are)."""
        self.isolation  # noqa: B018 - decided, once
        return self._isolation[1]

    @property
    def root(self) -> Path:
        """This submission's private folder (made on first use): the ``grader`` package
        for the worker's path (``lib``) and each worker process's files."""
        if self._root is None:
            root = Path(tempfile.mkdtemp(prefix="grader-", dir=(
                _searchable_temp_dir() if self.uid is not None and self.isolation == "process"
                else None)))
            if self.uid is not None:
                os.chmod(root, 0o711)  # its own run folder is all the worker's uid reaches
            grader_lib(root)
            self._root = root
        return self._root

    def _environment(self, home: Path, tmp: Path) -> dict[str, str]:
        return worker_environment(self.env_policy, self.root / "lib", home, tmp)

    def _readonly_paths(self) -> list[str]:
        """What the worker's view holds read-only: system directories, the Python
        installation and the entries of its path, and the data directories; never a
        directory that holds a hidden one, nor one inside a hidden one (other than
        the Python installation: a virtual environment inside the course)."""
        prefixes = {Path(p).resolve() for p in (sys.base_prefix, sys.prefix, sys.exec_prefix,
                                                  sys.base_exec_prefix)}
        prefixes.add(Path(sys.executable).resolve().parent.parent)
        entries = {Path(p).resolve() for p in sys.path if p and os.path.isdir(p)}
        chosen = set(SYSTEM_DIRS)
        for path in prefixes | entries:
            if path == Path(path.anchor) or any(h.is_relative_to(path) for h in self.hidden):
                continue  # "/", or a directory that holds the course: never in the view
            inside = any(path.is_relative_to(h) for h in self.hidden)
            if inside and not any(path.is_relative_to(p) for p in prefixes):
                continue  # e.g. the course's tests/ on sys.path; a .venv in the course is kept
            chosen.add(str(path))
        chosen |= {str(d.resolve()) for d in self.data_dirs if d.is_dir()}
        # a directory inside another chosen one is already there
        ordered = sorted(chosen, key=lambda p: (p.count("/"), p))
        return [p for i, p in enumerate(ordered)
                if not any(Path(p).is_relative_to(q) for q in ordered[:i] if not os.path.islink(q))]

    def _spec(self, cpu_left: float) -> dict:
        """The confinement the worker applies to itself (``grader.worker._confine``)."""
        limits = self.limits.to_dict()
        if not self.memory_limited:
            limits["memory_mb"] = 0  # 0: not set
        spec = {"limits": limits, "cpu_left": cpu_left, "view": None, "uid": self.uid}
        if self.isolation == "namespaces":
            view, writable = self.root / f"view{self.generation}", self.root / f"rw{self.generation}"
            view.mkdir()
            writable.mkdir()
            spec["view"] = {"root": str(view), "writable": str(writable),
                            "readonly": self._readonly_paths(),
                            "disk_mb": self.limits.disk_mb, "uid": self.uid}
        return spec

    def _start(self) -> None:
        if self.fault is not None:
            raise self.fault
        if self.restarts >= MAX_RESTARTS:
            raise SubmissionNotImportable(
                _("the process running your code was restarted {count} times after timeouts or "
                  "crashes; the remaining tests were not run").format(count=MAX_RESTARTS),
                cause="restarts")
        self.restarts += self.generation > 0
        self._cpu_done, self._cpu_now = self._cpu_done + self._cpu_now, 0.0
        for attempt in range(1, CONFINE_ATTEMPTS + 1):
            failure = self._launch()
            if failure is None:
                break
            self.kill()
        else:
            self.fault = GraderFault(_(
                "the worker for this submission could not be confined ({why}), {count} times; "
                "it was not graded, and none of its code ran. This is the grader's failure, not "
                "the student's: grade it again, and if it happens again, check the machine "
                "(docs/sandbox.md)").format(why=failure, count=CONFINE_ATTEMPTS))
            raise self.fault
        self._import()

    def _launch(self) -> str | None:
        """Start a worker process and wait for its ``ready`` frame (sent before any
        student code can run); returns None when it is confined as ``self.isolation``
        says, else why it is not (the worker then exits without running anything)."""
        cpu_left = self.limits.cpu_seconds - self.cpu_used
        self.generation += 1
        self.callbacks.clear()  # a new process holds none of the functions passed before
        work = self.root / f"run{self.generation}"
        work.mkdir()
        target = work / f"{self.module_name}.py"
        shutil.copyfile(self.submission, target)
        if self.uid is not None and self.isolation == "process":
            for path in (work, target):
                os.chown(path, self.uid, self.uid)
            os.chmod(work, 0o700)
        spec = self._spec(cpu_left)
        if spec["view"]:
            env = self._environment(Path(confine.STUDENT_HOME), Path("/tmp"))
            prefix = unshare_command()
        else:
            env, prefix = self._environment(work, work), []
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        output_r, output_w = os.pipe()
        argv = ["--submission", str(target), "--module", self.module_name,
                "--display", self.display_name, "--spec", json.dumps(spec)]
        try:
            if self.zygote is not None:
                try:
                    self.process = self.zygote.spawn(
                        argv, env, str(work), (to_worker_r, from_worker_w, output_w),
                        namespaces=bool(spec["view"]))
                except ZygoteError as exc:
                    raise ConfigurationError(f"the batch's worker factory failed: {exc}") from None
            else:
                self.process = SpawnedProcess(subprocess.Popen(
                    [*prefix, sys.executable, "-u", "-s", "-P", "-m", "grader.worker", *argv,
                     "--read-fd", str(to_worker_r), "--write-fd", str(from_worker_w)],
                    cwd=work, env=env, stdin=subprocess.DEVNULL, stdout=output_w,
                    stderr=output_w, pass_fds=(to_worker_r, from_worker_w),
                    start_new_session=True, close_fds=True,
                ))
        finally:
            for fd in (to_worker_r, from_worker_w, output_w):
                os.close(fd)
        # a frame's header and a little slack on top of the answer's own limit
        self.channel = Channel(from_worker_r, to_worker_w,
                               max_bytes=(self.limits.reply_mb << 20) + (1 << 20))
        self.output = OutputCapture(output_r, self.limits.output_kb * 1000)
        return self._await_ready()

    def _await_ready(self) -> str | None:
        """Read the worker's first frame: the one message about itself the grader
        believes, since no student code can have run before it was sent."""
        try:
            frame = self.channel.recv(time.monotonic() + max(60.0, self.limits.import_seconds),
                                      watch=self.output)
            ready = codec.loads(frame)
        except (ChannelClosed, ChannelTimeout, codec.CodecError) as exc:
            said = self._read_output().strip()[-500:]
            return f"it did not start: {type(exc).__name__} {exc}".rstrip() + (
                f"; it printed: {said}" if said else "")
        if not isinstance(ready, dict) or ready.get("op") != "ready":
            return "its first message was not the ready message"
        if ready.get("failure"):
            return printable(str(ready["failure"]))[:500]
        if self.uid is not None and ready.get("uid") != self.uid:
            return f"it runs as uid {ready.get('uid')!r} instead of {self.uid}"
        return None

    def _import(self) -> None:
        """Import the submission in the worker just started."""
        try:
            self._request({"op": "import"}, self.limits.import_seconds, label=None)
        except StudentTimeout as exc:
            raise self._not_importable(
                _("importing it took longer than {seconds} s (the time limit for top-level "
                  "code). Move demo code under `if __name__ == \"__main__\":`.").format(
                      seconds=f"{exc.seconds:g}"),
                exc.output, cause="time limit") from None
        except WorkerCrashed as exc:
            raise self._not_importable(_("the process importing it died ({how})").format(how=exc.how),
                                       exc.output) from None
        except LimitExceeded as exc:
            if exc.limit in ("submission_seconds", "cpu_seconds"):
                self.kill()
                raise  # the submission's budget, not its import, is what failed
            raise self._not_importable(_("importing it {what}").format(what=exc.detail),
                                       exc.output) from None
        except StudentExit as exc:
            raise self._not_importable(
                _("it calls exit() / sys.exit({code}) at top level.").format(code=exc.code)
                + f"\n{exc.traceback}", exc.output) from None
        except StudentException as exc:
            reason = exc.message if exc.exc_type.endswith("Error") and "\n" in exc.message \
                else f"{exc.exc_type}: {exc.message}"
            if exc.traceback:
                reason += "\n" + exc.traceback
            raise self._not_importable(reason, exc.output) from None

    @property
    def cpu_used(self) -> float:
        """CPU seconds the submission's worker processes reported using so far."""
        return self._cpu_done + self._cpu_now

    def _not_importable(self, reason: str, output: str, cause: str = "error"
                        ) -> SubmissionNotImportable:
        self.kill()
        self.import_error = SubmissionNotImportable(reason, output, cause)
        return self.import_error

    def start_early(self) -> None:
        """Start the worker and import the submission in a thread of its own, while
        this process goes on (importing pytest, the suite and the reference): the
        student's import of numpy and torch, most of a ``grade`` run's time, then
        overlaps the grader's.  The first request waits for it (``ensure_started``),
        and whatever that start raised is raised there, as if it had started then.

        Only for a worker started from a fresh interpreter: one forked from a zygote
        (a batch) starts in milliseconds, and a process that forks keeps one thread.
        """
        if self._early is None and self.zygote is None and self.process is None:
            self._early = threading.Thread(target=self._start_early, name="worker-start",
                                           daemon=True)
            self._early_pending = True
            self._early.start()

    def _start_early(self) -> None:
        try:
            self.ensure_started()
        except BaseException as exc:  # noqa: BLE001 - raised by the first request instead
            self._early_error = exc
            if not isinstance(exc, (SubmissionNotImportable, GraderFault)):
                self.kill()  # a start cut short: the next request starts afresh
        finally:
            self._early_done.set()
        # A worker without namespaces dies with its parent (``confine.die_with_parent``,
        # PR_SET_PDEATHSIG), and to Linux its parent is the *thread* that started it:
        # this thread lives until ``close`` has killed what it started.
        self._early_release.wait()

    def _join_early(self) -> None:
        """Wait for ``start_early``'s start to be over, and raise what it raised (once)."""
        if self._early_pending:
            self._early_done.wait()
            self._early_pending = False
            error, self._early_error = self._early_error, None
            if error is not None:
                raise error

    def _end_early(self) -> None:
        """Let ``start_early``'s thread end (its worker is gone) and wait for it."""
        self._early_release.set()
        if self._early is not None and self._early is not threading.current_thread():
            self._early.join()
            self._early = None

    def ensure_started(self) -> None:
        """Start (or restart) the worker and import the submission.

        Raises:
            SubmissionNotImportable: the import failed now or earlier in this run.
        """
        if threading.current_thread() is not self._early:
            self._join_early()
        if self.import_error is not None:  # a fresh exception: re-raising one grows its traceback
            raise SubmissionNotImportable(self.import_error.reason, self.import_error.output,
                                          self.import_error.cause)
        if not self._running():
            if self.process is not None:
                self.kill()  # reaps it and counts its CPU time
            self._start()

    def _check_budget(self, label: str | None) -> None:
        """Raise ``LimitExceeded`` if the submission's time or CPU budget is used up."""
        if self.seconds_used >= self.limits.submission_seconds:
            raise self._time_spent(label)
        if self.cpu_used >= self.limits.cpu_seconds:
            raise self._cpu_spent(label)

    def kill(self) -> None:
        """Kill the worker and every process it started, and count the CPU time it used.

        With namespaces, killing the ``unshare`` process kills the namespace's init (its
        ``--kill-child``), and the init's death kills everything else in the PID
        namespace.  Without, the worker's process group is killed (a process that left
        the group with ``setsid`` survives: see ``docs/sandbox.md``).
        """
        if self.process is not None:
            if self._running():
                self._cpu_now = max(self._cpu_now, _group_cpu(self.process.pid))
            self.process.kill()
            self._reap()
        if self.channel is not None:
            self.channel.close()
        if self.output is not None:
            self.output.close()
        self.process = None
        self.channel = None
        self.output = None

    def _running(self) -> bool:
        """Whether the worker process still runs (without reaping it)."""
        return self.process is not None and self.process.running()

    def _reap(self, timeout: float | None = None) -> int | None:
        """Wait for the worker process to end (killing it after ``timeout`` seconds),
        add the CPU time of it and the children it waited for, and return its exit
        status as ``Popen.returncode`` gives it."""
        if self.process is None:
            return None
        code, cpu = self.process.wait(timeout)
        if cpu is not None:
            self._cpu_now = max(self._cpu_now, cpu)
        return code

    def close(self) -> None:
        """Kill the worker and remove its temporary directory; without namespaces, as
        root, also every process and shared temporary file of its uid."""
        with contextlib.suppress(Exception):
            self._join_early()  # what it raised matters to no one once grading is over
        self.kill()
        self._end_early()
        if self.uid is not None and self.isolation == "process":
            remove_user_traces(self.uid)
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)

    # ------------------------------------------------------------------ codec hooks
    def _fallback(self, obj: Any) -> dict:
        if isinstance(obj, Handle):
            if obj._worker is not self or obj._generation != self.generation:
                raise codec.CodecError(_(
                    "an object from an earlier run of your code was passed back, but that "
                    "process was restarted after a timeout or crash"))
            return codec.handle_node(obj.handle_id, obj)
        if callable(obj):
            self._next_callback += 1
            self.callbacks[self._next_callback] = obj
            return codec.callback_node(self._next_callback)
        raise codec.CodecError(f"a {type(obj).__name__} cannot be passed to student code")

    def _resolve(self, node: dict, label: str) -> Any:
        if node["$"] == "callback":
            raise codec.CodecError("the worker sent a callback node")
        return Handle(self, self.generation, node["id"], str(node.get("type", "?")), label)

    def _read_output(self) -> str:
        return printable(self.output.take()) if self.output is not None else ""

    # ------------------------------------------------------------------ requests
    def _request(self, msg: dict, timeout: float, label: str | None) -> Reply:
        """Send ``msg`` and wait for its answer for at most ``timeout`` seconds of the
        request's own time (``grader.stopwatch``: CPU time, or wall-clock time less
        the waits for a CPU, whichever is more), and of the submission's time left."""
        left = self.limits.submission_seconds - self.seconds_used
        if left <= 0:
            raise self._time_spent(label)
        whole_submission = left < timeout
        timeout = min(timeout, left)
        watch = Stopwatch(self.process.pid if self.process is not None else None)
        self.seq += 1
        self._watches.append(watch)
        try:
            return self._exchange({**msg, "seq": self.seq}, watch, timeout, label)
        except StudentTimeout as exc:
            if whole_submission:
                raise self._time_spent(label, exc.output) from None
            raise
        finally:
            self._watches.pop()
            self.seconds_used += watch.own

    def _expired(self, watch: Stopwatch, timeout: float) -> bool:
        """Whether the request ``watch`` times has used its ``timeout`` of own time."""
        if Worker.while_waiting is not None:
            Worker.while_waiting()
        return watch.read() >= timeout

    def _exchange(self, msg: dict, watch: Stopwatch, timeout: float, label: str | None) -> Reply:
        try:
            self.channel.send(codec.dumps(msg, fallback=self._fallback))
        except codec.CodecError as exc:
            raise ValueCannotCross(label, f"an argument cannot be sent: {exc}") from None
        except ChannelClosed:
            return self._crashed(label)
        # however busy the machine, a request ends: at this wall-clock time it is the
        # machine's fault if it has not used its time (GraderFault), the student's if it has
        backstop = watch.started + max(WALL_FACTOR * timeout, timeout + WALL_SLACK)
        while True:
            try:
                frame = self.channel.recv(backstop + watch.paused, watch=self.output,
                                          expired=lambda: self._expired(watch, timeout))
            except ChannelTimeout:
                own = watch.read()
                self.kill()
                if own < timeout:
                    raise self._starved(watch, timeout, label) from None
                seconds = round(timeout, 3)
                if label:
                    self.timed_out[label] = seconds
                raise StudentTimeout(label, seconds, output=self._read_output()) from None
            except FrameRefused as exc:
                self.kill()
                raise ValueCannotCross(label, _(
                    "its answer was refused: it is {size}, over the limit of {limit} MiB (an "
                    "answer here is at most a few MB). Return only what the function is asked "
                    "for.").format(size=codec.human_bytes(exc.size), limit=self.limits.reply_mb),
                    self._read_output()) from None
            except ChannelClosed:
                return self._crashed(label)
            try:
                answer = codec.loads(frame, resolve=lambda n: self._resolve(n, label or "?"))
                if not isinstance(answer, dict) or answer.get("seq") != msg["seq"]:
                    raise codec.CodecError("not an answer to the request it was sent")
            except codec.CodecError as exc:
                self.kill()
                raise ValueCannotCross(label, _("its answer was malformed: {why}").format(why=exc),
                                       self._read_output()) from None
            if answer.get("op") == "callback":
                self._serve_callback(answer)
                continue
            output = self._read_output()
            if isinstance(answer.get("cpu"), (int, float)):  # it can only ever grow
                self._cpu_now = max(self._cpu_now, float(answer["cpu"]))
            if "error" in answer:
                self._raise(answer["error"], label, output)
            params = _texts(answer.get("params"), 64, 100)
            return Reply(answer.get("value"), self._changed(msg, answer.get("after"), params),
                         output, watch.own, params,
                         _texts(answer.get("warnings"), 20, 1000))

    def _changed(self, msg: dict, after: Any, params: list[str]) -> list:
        """``Reply.changed``, found here: each argument of ``msg`` (a call) that the
        grader asked about (``report``) and that the worker's ``after`` shows different
        from what was sent.  A reported argument missing from ``after`` makes the
        answer malformed."""
        if msg.get("op") != "call" or not msg.get("report"):
            return []
        sent = {k: msg["args"][k] if isinstance(k, int) else msg["kwargs"][k] for k in msg["report"]}
        got = dict(item for item in after if isinstance(item, (list, tuple)) and len(item) == 2
                   and not isinstance(item[0], (list, dict))) if isinstance(after, list) else {}
        if set(got) != set(sent):
            self.kill()
            raise ValueCannotCross(None, _("its answer was malformed: the arguments after the "
                                           "call are missing from it"))
        changed = []
        for key, value in sent.items():
            try:
                same = codec.dumps(value) == codec.dumps(got[key])
            except codec.CodecError:  # e.g. an argument that came back as a handle
                same = False
            if not same:
                name = params[key] if isinstance(key, int) and key < len(params) else (
                    f"argument {key + 1}" if isinstance(key, int) else key)
                changed.append((key, name, got[key]))
        return changed

    def _serve_callback(self, msg: dict) -> None:
        func = self.callbacks.get(msg.get("id"))
        if func is None:  # never passed to this worker process
            self.kill()
            raise ValueCannotCross(None, _("its answer was malformed: it called a function "
                                           "that was not passed to it"))
        watch = self._watches[-1]
        watch.pause()  # the grader's time, not the student's
        try:
            value = func(*msg.get("args", []), **msg.get("kwargs", {}))
            payload = codec.dumps({"op": "callback_result", "value": value}, fallback=self._fallback)
        except Exception as exc:  # noqa: BLE001 - reported to the worker as the callback's error
            payload = codec.dumps({"op": "callback_result", "error": f"{type(exc).__name__}: {exc}"})
        finally:
            watch.resume()
        self.channel.send(payload)

    def _starved(self, watch: Stopwatch, timeout: float, label: str | None) -> GraderFault:
        """The ``GraderFault`` for a request that the machine gave too little CPU to use
        its time limit within the wall-clock backstop: no verdict can be given fairly."""
        self.fault = GraderFault(_(
            "the machine was too busy to grade this submission: in {wall} s of wall-clock "
            "time, {what} got {own} s of its own time (its limit is {limit} s; it computed "
            "{cpu} s and waited {waited} s for a CPU). It was not graded; grade it again on a "
            "less busy machine, or with fewer --jobs").format(
                wall=f"{watch.wall:.0f}", what=f"`{label}`" if label else _("its import"),
                own=f"{watch.own:.1f}", limit=f"{timeout:g}", cpu=f"{watch.cpu:.1f}",
                waited=f"{watch.delay:.0f}"))
        return self.fault

    def _time_spent(self, label: str | None, output: str = "") -> LimitExceeded:
        return LimitExceeded(
            label, "submission_seconds",
            _("was stopped: your submission used up its total time limit of {seconds} s (all "
              "calls together), so this and the remaining tests could not run. Make the slow "
              "functions faster.").format(seconds=f"{self.limits.submission_seconds:g}"), output)

    def _cpu_spent(self, label: str | None, output: str = "") -> LimitExceeded:
        # the kernel's count (RLIMIT_CPU) is what stopped it; ours may be a tick short,
        # and must not let another worker start on the budget that is spent
        self._cpu_now = max(self._cpu_now, self.limits.cpu_seconds - self._cpu_done)
        return LimitExceeded(
            label, "cpu_seconds",
            _("was stopped: your submission used up its CPU time limit of {seconds} s, so this "
              "and the remaining tests could not run. Look for work that grows far too "
              "fast.").format(seconds=f"{self.limits.cpu_seconds:g}"), output)

    def _crashed(self, label: str | None):
        code = self._reap(timeout=10)
        output = self._read_output()
        self.kill()
        if self.isolation == "namespaces" and code is not None and code > 128:
            code = 128 - code  # the namespace's init exits 128 + N for a signal N
        if code is not None and code < 0:
            if -code == getattr(signal, "SIGXCPU", -1) or (
                    -code == signal.SIGKILL and self.cpu_used >= self.limits.cpu_seconds - 2):
                raise self._cpu_spent(label, output)
            try:
                how = _("killed by signal {signal}").format(signal=signal.Signals(-code).name)
            except ValueError:
                how = _("killed by signal {signal}").format(signal=-code)
        else:
            how = _("exit code {code}").format(code=code)
        raise WorkerCrashed(label, how, output)

    def _limit_hit(self, error: dict, label: str | None, output: str) -> LimitExceeded | None:
        """The ``LimitExceeded`` for a student exception that a limit caused, if any."""
        etype, message, code = error.get("type"), str(error.get("message", "")), error.get("errno")
        told = f"({etype}: {message[:300]})"
        lim = self.limits
        if etype == "MemoryError" or "can't allocate memory" in message or \
                "not enough memory" in message:
            which = (_("the memory limit of {limit} MiB").format(limit=lim.memory_mb)
                     if self.memory_limited else _("the machine's memory"))
            return LimitExceeded(label, "memory_mb", _(
                "ran out of memory: it hit {which} {error}. Work on smaller arrays, or free what "
                "you no longer need.").format(which=which, error=told), output)
        if code == errno.EFBIG:
            return LimitExceeded(label, "file_size_mb", _(
                "wrote a file past the file size limit of {limit} MiB {error}. Graded functions "
                "should return their results, not write large files.").format(
                    limit=lim.file_size_mb, error=told), output)
        if code == errno.ENOSPC or code == errno.EDQUOT:
            return LimitExceeded(label, "disk_mb", _(
                "filled the space for files ({limit} MiB in its folder and /tmp) {error}.").format(
                    limit=lim.disk_mb, error=told), output)
        if code in (errno.EMFILE, errno.ENFILE):
            return LimitExceeded(label, "open_files", _(
                "has too many files open: the limit is {limit} {error}. Open files with `with "
                "open(...) as f:` so that they are closed.").format(limit=lim.open_files,
                                                                    error=told), output)
        if code == errno.EAGAIN and ("fork" in message or "thread" in message
                                     or etype == "BlockingIOError"):
            return LimitExceeded(label, "processes", _(
                "could not start a process or thread: the limit is {limit} processes and "
                "threads {error}.").format(limit=lim.processes, error=told), output)
        return None

    def _raise(self, error: Any, label: str | None, output: str):
        """Raise what the worker's error answer says the student's code did; any kind of
        error is the student's own (nothing a worker says changes the grading)."""
        error = error if isinstance(error, dict) else {}
        kind = error.get("kind")
        etype = printable(str(error.get("type", "Exception")))[:100]
        message = printable(str(error.get("message", "")))[:MAX_MESSAGE_CHARS]
        tb = printable(str(error.get("traceback", "")))[:MAX_MESSAGE_CHARS]
        limit = self._limit_hit(error, label, output) if kind == "exception" else None
        if kind == "too_large" and isinstance(error.get("size"), int):
            exc = ValueCannotCross(label, _(
                "its answer is {size}, over the limit of {limit} MiB for one answer (an answer "
                "here is at most a few MB), so it was not sent. Return only what the function is "
                "asked for.").format(size=codec.human_bytes(error["size"]),
                                     limit=self.limits.reply_mb), output)
        elif limit is not None:
            exc = limit
        elif kind == "missing":
            exc = MissingFunction(label or message, output=output)
        elif kind == "not_implemented":
            exc = NotImplementedYet(label, etype, message, tb, output)
        elif kind == "exit":
            exc = StudentExit(label, message, tb, output)
        elif kind == "codec":
            exc = ValueCannotCross(label, message, output)
        else:
            exc = StudentException(label, etype, message, tb, output)
        exc.params = _texts(error.get("params"), 64, 100)
        if isinstance(exc, StudentException):
            classes = error.get("classes")
            exc.exc_classes = _texts(classes, 16, 100) if isinstance(classes, list) else [etype]
        raise exc

    def call(self, target: "str | Handle", method: str | None, args, kwargs, label: str) -> Reply:
        """Call the submission's function ``target`` (or a handle, or a handle's
        ``method``) with ``args`` and ``kwargs``, in the worker.

        Raises:
            SubmissionNotImportable, MissingFunction, NotImplementedYet,
            StudentException, StudentExit, StudentTimeout, WorkerCrashed,
            ValueCannotCross: see ``grader.errors``.
        """
        try:
            if label in self.timed_out:
                raise StudentTimeout(label, self.timed_out[label], earlier=True)
            self._check_budget(label)
            self.ensure_started()
            msg = {"op": "call", "target": target, "method": method, "args": list(args),
                   "kwargs": dict(kwargs),
                   "report": [i for i, a in enumerate(args) if _mutable_data(a)]
                   + [k for k, v in kwargs.items() if _mutable_data(v)]}
            reply = self._request(msg, self.limits.call_seconds, label)
        except StudentCodeError as exc:
            if self.on_call is not None:
                self.on_call(label, args, kwargs, None, exc)
            raise
        if self.on_call is not None:
            self.on_call(label, args, kwargs, reply, None)
        return reply

    def getattr(self, target: "str | Handle", name: str, label: str) -> Reply:
        """Read attribute ``name`` of a handle (or of the submission module)."""
        self._check_budget(label)
        self.ensure_started()
        return self._request({"op": "getattr", "target": target, "name": name},
                             self.limits.call_seconds, label)

    def list(self, target: Handle, label: str) -> list:
        """``list(obj)`` of a handle's object, run in the worker."""
        self._check_budget(label)
        self.ensure_started()
        return self._request({"op": "list", "target": target}, self.limits.call_seconds, label).value

    def defines(self, name: str) -> bool:
        """Whether the submission defines ``name`` at top level."""
        self._check_budget(name)
        self.ensure_started()
        return bool(self._request({"op": "hasattr", "name": name}, self.limits.call_seconds,
                                  name).value)


def _texts(items: Any, count: int, length: int) -> list[str]:
    """A list of at most ``count`` strings of at most ``length`` printable characters,
    from what a worker sent as one (anything else: an empty list)."""
    if not isinstance(items, list):
        return []
    return [printable(str(item))[:length] for item in items[:count]]


def _mutable_data(value: Any) -> bool:
    """Whether ``value`` is plain data that a call could change in place (an array, a
    tensor, a generator, a list, dict or tuple holding data), so that the worker is asked
    to send it back after the call."""
    torch = codec.imported_torch()
    kinds = (list, tuple, dict, np.ndarray) + ((torch.Tensor, torch.Generator) if torch else ())
    if not isinstance(value, kinds):
        return False
    try:
        codec.dumps(value)  # plain data only: no handles, no callables
    except codec.CodecError:
        return False
    return True
