"""How a worker process is started, watched and reaped, for ``grader.sandbox.Worker``.

Two ways, with one interface (``pid``, ``returncode``, ``running()``, ``wait()``,
``kill()``):

- ``SpawnedProcess``: a fresh interpreter (``subprocess.Popen`` of ``[unshare ...]
  python -m grader.worker``), the grader's own child.  What ``grade hwN`` uses.
- ``ForkedProcess``: forked by a ``Zygote``, a clean process that already imported
  numpy and torch (``grader.zygote``), so that starting a worker costs a fork instead
  of an interpreter importing torch.  What batch grading uses.  The zygote is the
  worker's parent: it reaps it and reports the exit status and CPU time.

``Zygote.spawn`` takes the same arguments a spawned worker gets (minus the
interpreter), so the worker's confinement, limits and protocol are the same either way.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from typing import Sequence

__all__ = ["SpawnedProcess", "ForkedProcess", "Zygote", "ZygoteError", "thread_count"]


class ZygoteError(RuntimeError):
    """The zygote died or answered out of protocol."""


def thread_count() -> int:
    """The threads of this process (from ``/proc/self/task``; 1 where there is no /proc).

    A process that forks must have one only: a thread pool (OpenMP's, OpenBLAS's,
    torch's) or a thread holding a lock at the moment of the fork leaves the child a
    pool whose threads do not exist or a lock nobody will release, and the child's next
    use of it waits for ever (docs/sandbox.md, "Forking safely")."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 1


def _kill_group(pid: int) -> bool:
    """SIGKILL process group ``pid``; False when there was none to signal."""
    try:
        os.killpg(pid, signal.SIGKILL)
        return True
    except (ProcessLookupError, PermissionError):
        return False


class SpawnedProcess:
    """A worker started with ``subprocess.Popen`` (in a session of its own)."""

    def __init__(self, popen: subprocess.Popen):
        self.popen = popen
        self.pid = popen.pid

    @property
    def returncode(self) -> int | None:
        return self.popen.returncode

    def running(self) -> bool:
        """Whether it still runs (without reaping it)."""
        if self.popen.returncode is not None:
            return False
        try:
            return os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None
        except ChildProcessError:
            return False

    def wait(self, timeout: float | None = None) -> tuple[int | None, float | None]:
        """Wait for it to end, killing its group after ``timeout`` seconds; returns its
        exit status (as ``Popen.returncode``) and the CPU seconds of it and the
        children it waited for (None when unknown)."""
        if self.popen.returncode is not None:
            return self.popen.returncode, None
        deadline = None if timeout is None else time.monotonic() + timeout
        while deadline is not None and self.running():
            if time.monotonic() > deadline:
                self.kill()
                break
            time.sleep(0.01)
        try:
            _, status, usage = os.wait4(self.pid, 0)
        except ChildProcessError:
            self.popen.wait()
            return self.popen.returncode, None
        self.popen.returncode = os.waitstatus_to_exitcode(status)
        return self.popen.returncode, usage.ru_utime + usage.ru_stime

    def kill(self) -> None:
        """SIGKILL its process group (or it alone where there is no group)."""
        if not _kill_group(self.pid) and self.popen.returncode is None:
            try:
                self.popen.kill()
            except ProcessLookupError:
                pass


class ForkedProcess:
    """A worker forked by a ``Zygote`` (its session leader's pid is ``pid``)."""

    def __init__(self, zygote: "Zygote", pid: int):
        self.zygote = zygote
        self.pid = pid
        self.returncode: int | None = None
        self.cpu: float | None = None

    def _take_exit(self, deadline: float | None) -> bool:
        record = self.zygote.exit_record(self.pid, deadline)
        if record is None:
            return False
        self.returncode, self.cpu = record
        return True

    def running(self) -> bool:
        if self.returncode is not None:
            return False
        try:
            return not self._take_exit(deadline=0)
        except ZygoteError:
            return False

    def wait(self, timeout: float | None = None) -> tuple[int | None, float | None]:
        """As ``SpawnedProcess.wait``."""
        if self.returncode is None:
            try:
                deadline = None if timeout is None else time.monotonic() + timeout
                if not self._take_exit(deadline):
                    self.kill()
                    self._take_exit(time.monotonic() + 30)
            except ZygoteError:
                self.kill()
                return self.returncode, self.cpu
        return self.returncode, self.cpu

    def kill(self) -> None:
        if self.returncode is None:
            _kill_group(self.pid)


class Zygote:
    """The grader's end of a ``grader.zygote`` process.

    Args:
        env: its environment: the worker's (``grader.limits.EnvPolicy`` output, with
            the grader package on ``PYTHONPATH``); never the grader's own.
        preload: modules it imports once (e.g. ``("numpy", "torch")``).
        cwd: its working directory.

    Raises:
        ZygoteError: (from ``start``/``spawn``) it could not be started or died.
    """

    def __init__(self, env: dict[str, str], preload: Sequence[str] = (), cwd: str | None = None):
        self.env = dict(env)
        self.preload = tuple(preload)
        self.cwd = cwd
        self.process: subprocess.Popen | None = None
        self.sock: socket.socket | None = None
        self.exited: dict[int, tuple[int, float]] = {}

    @classmethod
    def attach(cls, fd: int) -> "Zygote":
        """The end of a running zygote's control socket that another process passed
        down as file descriptor ``fd`` (a spawned grading process of a batch slot)."""
        zygote = cls({})
        zygote.sock = socket.socket(fileno=fd)
        return zygote

    def start(self, timeout: float = 300) -> None:
        """Start it and wait until its preloads are imported.

        Raises:
            ZygoteError: it did not start, or it is not safe to fork (it has more than
                one thread once its preloads are imported: ``thread_count``)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-u", "-s", "-P", "-m", "grader.zygote",
                 "--socket", str(theirs.fileno()), "--preload", ",".join(self.preload)],
                env=self.env, cwd=self.cwd, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, pass_fds=(theirs.fileno(),), close_fds=True)
        finally:
            theirs.close()
        self.sock = ours
        self._send({"op": "ping"})
        threads = self._expect("pong", time.monotonic() + timeout).get("threads", 1)
        if threads != 1:
            self.close()
            raise ZygoteError(
                f"the worker factory has {threads} threads after importing "
                f"{', '.join(self.preload) or 'nothing'}; workers forked from it could wait "
                "for ever on a thread that does not exist in them (a library started a "
                "thread pool at import)")

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _send(self, message: dict, fds: Sequence[int] = ()) -> None:
        try:
            socket.send_fds(self.sock, [json.dumps(message).encode()], list(fds))
        except OSError as exc:
            raise ZygoteError(f"the worker factory is gone ({exc})") from None

    def _recv(self, deadline: float | None) -> dict | None:
        """One message (None when none came before ``deadline``)."""
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(1 << 16)
        except (socket.timeout, BlockingIOError):
            return None
        except OSError as exc:
            raise ZygoteError(f"the worker factory is gone ({exc})") from None
        if not data:
            raise ZygoteError("the worker factory exited")
        message = json.loads(data)
        if message.get("op") == "exited":
            self.exited[message["pid"]] = (message["code"], message["cpu"])
        return message

    def _expect(self, op: str, deadline: float | None) -> dict:
        while True:
            message = self._recv(deadline)
            if message is None:
                raise ZygoteError(f"the worker factory did not answer {op!r} in time")
            if message.get("op") == op:
                return message
            if message.get("op") == "error":
                raise ZygoteError(message.get("error", "error"))

    def exit_record(self, pid: int, deadline: float | None) -> tuple[int, float] | None:
        """``(exit status, CPU seconds)`` of child ``pid`` once it ended, waiting until
        ``deadline`` (``time.monotonic()``; 0 for no wait, None for ever)."""
        while pid not in self.exited:
            if self._recv(deadline) is None:
                return None
        return self.exited.pop(pid)

    def spawn(self, argv: Sequence[str], env: dict[str, str], cwd: str, fds: Sequence[int],
              namespaces: bool) -> ForkedProcess:
        """Fork a worker: ``argv`` are ``grader.worker``'s arguments without the pipe fds,
        ``fds`` its (request read end, answer write end, output write end)."""
        if self.sock is None:
            self.start()
        self._send({"op": "spawn", "argv": list(argv), "env": env, "cwd": cwd,
                    "namespaces": namespaces, "map_root": os.geteuid() != 0}, fds)
        return ForkedProcess(self, self._expect("spawned", time.monotonic() + 60)["pid"])

    def reset(self, timeout: float = 60) -> None:
        """Kill whatever it still runs and forget every message before the reset."""
        self._send({"op": "reset"})
        self._expect("reset", time.monotonic() + timeout)
        self.exited.clear()

    def close(self) -> None:
        """Stop it (it kills its children on the way out)."""
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        if self.process is not None:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
