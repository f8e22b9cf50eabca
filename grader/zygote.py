"""The warm worker factory ("zygote"): a clean process that imports the heavy modules
a submission needs (numpy, torch, ...) once, then forks one worker per request, so a
worker starts in milliseconds instead of re-importing torch (more than a second).

Started by ``grader.launch.Zygote`` as ``python -u -s -P -m grader.zygote --socket FD
--preload numpy,torch``, with the worker's scrubbed environment (never the grader's:
a forked worker can read its own memory, so nothing secret may ever be in this
process).  It never imports the reference, the hidden suites or any student code, and
never touches CUDA (a CUDA context does not survive ``fork``).

Protocol, JSON messages over a ``SOCK_SEQPACKET`` socket (one message per packet):

``{"op": "spawn", "argv": [...], "env": {...}, "cwd": str, "namespaces": bool,
"map_root": bool}`` with three file descriptors attached (``SCM_RIGHTS``): the
worker's request pipe (read end), its answer pipe (write end) and its output pipe.
    Fork a child that becomes what ``[unshare --mount --pid --net --ipc --uts --fork
    --kill-child] python -m grader.worker ARGV`` would be: a session of its own,
    stdin from /dev/null, stdout and stderr into the output pipe, the environment and
    working directory given, killed when this process dies; with ``namespaces``, new
    namespaces (``grader.confine.unshare_namespaces``) whose first process runs the
    worker.  Answer ``{"op": "spawned", "pid": N}``.
``{"op": "ping"}``
    Answer ``{"op": "pong", "threads": N}`` (once the preloads are done: a way to wait
    for them), N its threads: a zygote must have one only, since it forks
    (``grader.launch.thread_count``).  It runs with the numerical libraries held to one
    thread (``grader.limits.ONE_THREAD_ENV``, from the worker's environment) and never
    runs a numerical operation itself, so no library has a thread pool to start.
``{"op": "reset"}``
    Kill every child still running, reap them, answer ``{"op": "reset"}``.

Unprompted: ``{"op": "exited", "pid": N, "code": C, "cpu": S}`` when a child ends
(``code`` as ``subprocess.Popen.returncode`` gives it; ``cpu``: user + system seconds
of it and the processes it waited for).  End of file on the socket: kill every child
and exit.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import select
import signal
import socket
import sys
import traceback

from grader import confine
from grader.launch import thread_count

#: Largest message (a spawn request holds the worker's spec: paths, environment).
MAX_MESSAGE = 1 << 20


def _keep_only(keep: set[int]) -> None:
    """Close every file descriptor of this process not in ``keep``."""
    for name in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else []:
        fd = int(name)
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _run_worker(argv: list[str], failure: str | None = None) -> int:
    from grader import worker

    try:
        code = worker.main(argv, confinement_failure=failure)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - reported in the worker's output, like a crash
        traceback.print_exc()
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - a student may have replaced or closed it
            pass
    return code


def _become_worker(request: dict, fds: list[int]) -> int:
    """In the forked child: set up as the request says and run the worker; returns
    the exit status to leave with."""
    signal.set_wakeup_fd(-1)
    for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    os.setsid()
    confine.die_with_parent()
    read_fd, write_fd, output_fd = fds
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    _keep_only({0, 1, 2, read_fd, write_fd})
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    argv = [*request["argv"], "--read-fd", str(read_fd), "--write-fd", str(write_fd)]
    sys.argv = ["grader.worker", *argv]
    if not request.get("namespaces"):
        return _run_worker(argv)
    try:
        confine.unshare_namespaces(bool(request.get("map_root")))
    except confine.ConfinementError as exc:
        return _run_worker(argv, failure=f"{type(exc).__name__}: {exc}")
    child = os.fork()  # PID 1 of the new PID namespace
    if child == 0:
        confine.die_with_parent()
        os._exit(_run_worker(argv))
    for fd in (read_fd, write_fd, 0, 1, 2):  # only the namespace's processes hold them
        os.close(fd)
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except InterruptedError:
            continue
    code = os.waitstatus_to_exitcode(status)
    if code < 0:  # as unshare(1) does: die of the same signal
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    return code


def _spawn(request: dict, fds: list[int]) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            code = _become_worker(request, fds)
        except BaseException:  # noqa: BLE001 - never return into the zygote's loop
            try:
                traceback.print_exc()
            finally:
                os._exit(1)
        os._exit(code)
    for fd in fds:
        os.close(fd)
    return pid


def _send(sock: socket.socket, message: dict) -> None:
    sock.send(json.dumps(message).encode())


def _reap(children: set[int], sock: socket.socket) -> None:
    while children:
        try:
            pid, status, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            children.clear()
            return
        if pid == 0:
            return
        children.discard(pid)
        _send(sock, {"op": "exited", "pid": pid, "code": os.waitstatus_to_exitcode(status),
                     "cpu": usage.ru_utime + usage.ru_stime})


def _kill_all(children: set[int]) -> None:
    for pid in list(children):
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    for pid in list(children):
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
        children.discard(pid)


def serve(sock: socket.socket) -> None:
    """Answer requests on ``sock`` until it is closed (see the module docstring)."""
    children: set[int] = set()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    try:
        while True:
            _reap(children, sock)
            ready, _, _ = select.select([sock, wake_r], [], [])
            if wake_r in ready:
                try:
                    while os.read(wake_r, 512):
                        pass
                except BlockingIOError:
                    pass
            if sock not in ready:
                continue
            data, fds, _, _ = socket.recv_fds(sock, MAX_MESSAGE, 3)
            if not data:
                break
            request = json.loads(data)
            op = request.get("op")
            if op == "spawn" and len(fds) == 3:
                pid = _spawn(request, fds)
                children.add(pid)
                _send(sock, {"op": "spawned", "pid": pid})
            elif op == "ping":
                _send(sock, {"op": "pong", "threads": thread_count()})
            elif op == "reset":
                _kill_all(children)
                _send(sock, {"op": "reset"})
            else:
                for fd in fds:
                    os.close(fd)
                _send(sock, {"op": "error", "error": f"bad request {op!r}"})
    finally:
        _kill_all(children)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="grader.zygote", description=__doc__)
    parser.add_argument("--socket", type=int, required=True, help="the control socket's fd")
    parser.add_argument("--preload", default="", help="modules to import once, comma-separated")
    args = parser.parse_args(argv)
    if sys.platform.startswith("linux"):
        confine.die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the grader stops it; Ctrl-C is its call
    importlib.import_module("grader.worker")  # what every worker runs, imported once here
    for name in filter(None, (n.strip() for n in args.preload.split(","))):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the student's import will report it, if needed
            pass
    gc.freeze()  # the workers' pages stay shared with this process's
    sock = socket.socket(fileno=args.socket)
    serve(sock)
    return 0


if __name__ == "__main__":
    sys.exit(main())
