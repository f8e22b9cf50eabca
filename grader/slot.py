"""A grading slot: one warm process that grades submissions of one assignment, one at
a time, for batch grading (``grader.batch``, locally or on Dask workers).

Started by ``SlotProcess`` as ``python -m grader.slot --course ROOT --assignment hwN``.
At start it imports what grading needs (pytest, numpy, torch, the grader, the
reference) and starts its ``grader.launch.Zygote``, the clean process its workers
are forked from.  Then, for each request:

1. it forks a child (the *grading child*) from this warm state, so each submission is
   graded from the same clean start and a grading that goes wrong (the grader's
   fault) only loses that child.  Where a CUDA driver is present the child is spawned
   instead (``python -m grader.slot --grade-one``): a CUDA context does not survive a
   fork, and the grader's GPU tests need one (``GRADER_BATCH_FORK=0``/``1`` overrides
   the choice);
2. the child writes the source to a private temporary file and runs
   ``grader.runner.grade`` with the zygote (the student's code runs in forked, confined
   workers, exactly as ``grade hwN`` runs it in spawned ones), then sends back the
   outcome and exits;
3. the slot kills whatever the workers left running (``Zygote.reset``).

A slot's workers run as a uid of their own (when the grader runs as root), so that the
process limit of one slot's worker is not shared with the others'.

Protocol (``grader.channel`` frames of JSON on the slot's stdin/stdout, which it moves
away from fds 0 and 1 at once so that nothing else can write into them):

- the slot sends ``{"op": "ready"}`` once warm (or ``{"op": "failed", "reason"}``);
- request ``{"student", "origin", "filename", "source" (base64), "lang"}`` (``lang``:
  the language of the result's messages, ``grader.i18n``);
- outcome ``{"student", "status": "graded" | "error" | "config", "result": {...} |
  None, "reason": str, "seconds": float}`` (``config``: the assignment itself is set
  up wrongly; the batch stops).
"""

from __future__ import annotations

import argparse
import base64
import gc
import importlib
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from grader.channel import Channel, ChannelClosed, ChannelTimeout
from grader.errors import ConfigurationError, GraderFault

__all__ = ["SlotProcess", "SlotDied", "request_for", "failed", "died"]


class SlotDied(RuntimeError):
    """The slot process ended (or never became ready)."""


def request_for(student: str, origin: str, source: bytes, module: str, lang: str = "en") -> dict:
    """The request that grades ``source`` for ``student``, with messages in ``lang``
    (``grader.i18n``).  The file keeps the name the student gave it (``alice.py``; the
    assignment's module file for sources that came from a notebook or a zip entry
    without a usable name), so that messages and tracebacks name the same file as
    ``grade hwN --submission`` would."""
    name = re.split(r"[/\\!]", origin)[-1]
    if not re.fullmatch(r"[\w.-]+\.py", name, flags=re.ASCII) or name.startswith("."):
        name = f"{module}.py"
    return {"student": student, "origin": origin, "filename": name,
            "source": base64.b64encode(source).decode("ascii"), "lang": lang}


def failed(request: dict, reason: str) -> dict:
    """The outcome of ``request`` when the grader (never the student) failed on it:
    status ``error``, no result, ``reason`` for the gradebook; retried by the next run."""
    return {"student": request["student"], "status": "error", "result": None,
            "reason": reason, "seconds": 0.0}


def died(request: dict, exc: SlotDied) -> dict:
    """``failed`` for a slot that ended while grading ``request``."""
    return failed(request, f"the grader's process for this submission died: {exc}")


# ---------------------------------------------------------------------- slot side
def forking_graders() -> bool:
    """Whether slots fork their grading children (the default, except where a CUDA
    driver is present: then they spawn them); ``GRADER_BATCH_FORK=0`` or ``1`` says."""
    wanted = os.environ.get("GRADER_BATCH_FORK", "").strip()
    if wanted in ("0", "1"):
        return wanted == "1"
    from grader.sandbox import cuda_driver_present

    return not cuda_driver_present()


class _Slot:
    def __init__(self, root: Path, name: str, public_only: bool, tmp: Path | None = None):
        from grader.assignment import load_assignment
        from grader.sandbox import private_uid

        self.root = root
        self.assignment = load_assignment(root, name)
        self.public_only = public_only
        self.tmp = tmp or Path(tempfile.mkdtemp(prefix="grader-slot-"))
        self.uid = private_uid() if os.geteuid() == 0 else None
        self.zygote = None
        self.fork = forking_graders()
        #: the grading child while it runs: a pid (forked) or a Popen (spawned)
        self.child: int | subprocess.Popen | None = None

    def warm(self) -> None:
        """Start the zygote; where grading children are forked, also import what
        grading needs and rehearse (spawned children import their own)."""
        from grader.launch import Zygote
        from grader.sandbox import grader_lib, isolation, worker_environment

        isolation()
        env = worker_environment(self.assignment.env_policy, grader_lib(self.tmp),
                                 self.tmp, self.tmp)
        self.zygote = Zygote(env, preload_modules(self.assignment.default_submission),
                             cwd=str(self.tmp))
        self.zygote.start()
        if not self.fork:  # (a rehearsal here would start CUDA in the slot where it is present)
            return
        for name in ("numpy", "pytest", "grader.runner", "torch"):
            try:
                importlib.import_module(name)
            except ImportError:
                if name != "torch":  # an assignment without torch needs no torch
                    raise
        self._rehearse()  # imports the reference and the suite too
        gc.freeze()  # what is warm now is never scanned again: no collector pauses over
        # torch's objects in the grading children, and their pages stay shared

    def _rehearse(self) -> None:
        """Grade the assignment's stub once, here: what the first grading imports and
        builds (the suite's module, the known mistakes, pytest's plugins, torch's lazy
        parts) is then in every grading child from the start.  An assignment that is
        set up wrongly raises ``ConfigurationError`` here, before any student's turn."""
        from grader.runner import grade

        stub = self.assignment.default_submission
        if not stub.is_file():
            return
        folder = Path(tempfile.mkdtemp(dir=self.tmp, prefix="rehearsal-"))
        shutil.copyfile(stub, folder / stub.name)
        grade(self.assignment, folder / stub.name, public_only=self.public_only,
              zygote=self.zygote, uid=self.uid)
        self.zygote.reset()
        shutil.rmtree(folder, ignore_errors=True)

    def grade(self, request: dict) -> dict:
        started = time.monotonic()
        read_end, write_end = os.pipe()
        if self.fork:
            self.child = os.fork()
            if self.child == 0:  # the grading child
                os.close(read_end)
                _answer(write_end, self._grade_here(request))
                os._exit(0)
        else:
            self.child = self._spawn(request, write_end)
        os.close(write_end)
        limits = self.assignment.limits
        deadline = started + limits.submission_seconds + limits.import_seconds + 120
        data, timed_out = _read_all(read_end, deadline)
        code = self._end_child(kill=timed_out)
        self.zygote.reset()
        try:
            outcome = json.loads(data)
        except ValueError:
            how = "took too long" if timed_out else _how_it_ended(code)
            outcome = failed(request, f"the grader's process for this submission {how}")
        outcome["student"] = request["student"]
        outcome["seconds"] = round(time.monotonic() - started, 3)
        return outcome

    def _spawn(self, request: dict, answer_fd: int) -> subprocess.Popen:
        """A fresh grading process for ``request`` that uses this slot's zygote."""
        zygote_fd = self.zygote.sock.fileno()
        command = [sys.executable, "-m", "grader.slot", "--course", str(self.root),
                   "--assignment", self.assignment.name, "--grade-one", "--tmp", str(self.tmp),
                   "--zygote-fd", str(zygote_fd), "--answer-fd", str(answer_fd)]
        command += ["--public"] * self.public_only
        command += ["--uid", str(self.uid)] if self.uid is not None else []
        child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                 pass_fds=(zygote_fd, answer_fd), close_fds=True)
        child.stdin.write(json.dumps(request).encode())
        child.stdin.close()
        return child

    def _end_child(self, kill: bool) -> int:
        """Wait for the grading child (killed first if ``kill``); its exit status as
        ``Popen.returncode`` gives it."""
        child, self.child = self.child, None
        if isinstance(child, subprocess.Popen):
            if kill:
                child.kill()
            return child.wait()
        if kill:
            os.kill(child, signal.SIGKILL)
        return os.waitstatus_to_exitcode(os.waitpid(child, 0)[1])

    def _grade_here(self, request: dict) -> dict:
        from grader import confine, i18n
        from grader.runner import grade

        try:
            confine.die_with_parent()
            i18n.use(request.get("lang") or "en")  # the messages of this child's grading
            tempfile.tempdir = str(self.tmp)  # the workers' files too: gone with the slot's
            folder = Path(tempfile.mkdtemp(dir=self.tmp, prefix="submission-"))
            path = folder / request["filename"]
            path.write_bytes(base64.b64decode(request["source"]))
            result = grade(self.assignment, path, public_only=self.public_only,
                           zygote=self.zygote, uid=self.uid)
            shutil.rmtree(folder, ignore_errors=True)
            return {"status": "graded", "result": result.to_dict(), "reason": ""}
        except ConfigurationError as exc:
            return {"status": "config", "result": None, "reason": str(exc)}
        except GraderFault as exc:  # this submission only; the batch goes on
            return failed(request, str(exc))
        except BaseException as exc:  # noqa: BLE001 - the grader's failure, reported
            tail = "".join(traceback.format_exception(exc)[-3:]).strip()
            return failed(request, f"the grader failed on this submission: {tail}")

    def close(self) -> None:
        if self.child is not None:  # stopped while grading
            self._end_child(kill=True)
        if self.zygote is not None:
            self.zygote.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def preload_modules(stub: Path) -> list[str]:
    """The modules a submission of this assignment imports at top level, as its stub
    shows them (``import numpy as np``, ``from torch import nn`` -> numpy, torch,
    torch.nn): what the zygote imports once.  Empty when the stub cannot be read."""
    import ast

    try:
        tree = ast.parse(stub.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return []
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return list(dict.fromkeys(n for n in names if n != stub.stem and n != "__future__"))


def _read_all(fd: int, deadline: float) -> tuple[bytes, bool]:
    chunks = []
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return b"".join(chunks), True
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return b"".join(chunks), False
            chunks.append(chunk)
    finally:
        os.close(fd)


def _answer(fd: int, outcome: dict) -> None:
    with os.fdopen(fd, "wb") as out:
        out.write(json.dumps(outcome, ensure_ascii=False).encode())


def _how_it_ended(code: int) -> str:
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code} without a result"


def _stop(signum, frame):
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="grader.slot", description=__doc__)
    parser.add_argument("--course", required=True, help="the course repository's root")
    parser.add_argument("--assignment", required=True)
    parser.add_argument("--public", action="store_true", help="run the public tests only")
    parser.add_argument("--die-with-parent", action="store_true",
                        help="be killed when the process that started it dies (Linux)")
    one = parser.add_argument_group("a spawned grading child (one request, read from stdin)")
    one.add_argument("--grade-one", action="store_true")
    one.add_argument("--tmp", help="the slot's temporary folder")
    one.add_argument("--zygote-fd", type=int, help="the slot's zygote's control socket")
    one.add_argument("--answer-fd", type=int, help="where the outcome is written")
    one.add_argument("--uid", type=int, default=None, help="the uid workers run as")
    args = parser.parse_args(argv)
    if args.grade_one:
        return _grade_one(args)
    # the protocol gets private fds; stray prints (from any library) go to stderr
    channel = Channel(os.dup(0), os.dup(1))
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(2, 1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the batch decides when to stop
    signal.signal(signal.SIGTERM, _stop)  # ... and stops it with SIGTERM: clean up, exit
    from grader.sandbox import make_non_dumpable

    make_non_dumpable()  # it holds the grader's environment: no worker may read it
    if args.die_with_parent and sys.platform.startswith("linux"):
        from grader import confine

        confine.die_with_parent()
    slot = _Slot(Path(args.course), args.assignment, args.public)
    try:
        slot.warm()
    except BaseException as exc:  # noqa: BLE001 - reported to the batch
        reason = str(exc) if isinstance(exc, ConfigurationError) else f"{type(exc).__name__}: {exc}"
        channel.send(json.dumps({"op": "failed", "reason": reason,
                                 "config": isinstance(exc, ConfigurationError)}).encode())
        slot.close()
        return 1
    channel.send(json.dumps({"op": "ready"}).encode())
    try:
        while True:
            try:
                request = json.loads(channel.recv())
            except ChannelClosed:
                break
            channel.send(json.dumps(slot.grade(request), ensure_ascii=False).encode())
    finally:
        slot.close()
    return 0


def _grade_one(args) -> int:
    """A spawned grading child: grade the request on stdin with the slot's zygote."""
    from grader.launch import Zygote

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    request = json.loads(sys.stdin.buffer.read())
    slot = _Slot(Path(args.course), args.assignment, args.public, tmp=Path(args.tmp))
    slot.zygote = Zygote.attach(args.zygote_fd)
    slot.uid = args.uid
    _answer(args.answer_fd, slot._grade_here(request))
    return 0


# ---------------------------------------------------------------------- batch side
class SlotProcess:
    """The batch's handle on one slot process.

    Args:
        course: the course repository's root.
        assignment: the assignment's name.
        public_only: grade with the public tests only.
        die_with_parent: have the slot killed when this process dies (a local batch;
            not on a Dask worker, whose threads come and go).
        stderr: where the slot's stray output goes (a file object, or None: inherit).
    """

    def __init__(self, course: Path, assignment: str, *, public_only: bool = False,
                 die_with_parent: bool = True, stderr=None):
        command = [sys.executable, "-m", "grader.slot", "--course", str(course),
                   "--assignment", assignment]
        command += ["--public"] * public_only + ["--die-with-parent"] * die_with_parent
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=stderr, close_fds=True)
        self.channel = Channel(self.process.stdout.fileno(), self.process.stdin.fileno())
        self.ready = False
        self.request: dict | None = None  # the one it is grading

    def fileno(self) -> int:
        """The fd that becomes readable when the slot answers (for ``select``)."""
        return self.process.stdout.fileno()

    def wait_ready(self, timeout: float = 600) -> None:
        """Wait for the slot to be warm.

        Raises:
            ConfigurationError: the assignment is set up wrongly.
            SlotDied: it failed to start (the reason is in the message).
        """
        message = self._receive(time.monotonic() + timeout)
        if message.get("config"):
            self.close()
            raise ConfigurationError(message.get("reason", "the assignment is set up wrongly"))
        if message.get("op") != "ready":
            self.close()
            raise SlotDied(f"a grading process could not start: {message.get('reason', message)}")
        self.ready = True

    def _receive(self, deadline: float | None) -> dict:
        try:
            return json.loads(self.channel.recv(deadline))
        except (ChannelClosed, ChannelTimeout, ValueError) as exc:
            self.close()
            raise SlotDied(f"the grading process ended ({type(exc).__name__})") from None

    def submit(self, request: dict) -> None:
        """Send a request (the slot must be idle)."""
        self.request = request
        try:
            self.channel.send(json.dumps(request).encode())
        except ChannelClosed:
            self.close()
            raise SlotDied("the grading process ended") from None

    def receive(self, deadline: float | None = None) -> dict:
        """The outcome of the request in flight.

        Raises:
            SlotDied: the slot ended before answering.
        """
        outcome = self._receive(deadline)
        self.request = None
        return outcome

    def grade(self, request: dict, timeout: float | None = None) -> dict:
        """Submit ``request`` and wait for its outcome."""
        if not self.ready:
            self.wait_ready()
        self.submit(request)
        return self.receive(None if timeout is None else time.monotonic() + timeout)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        """Stop the slot once it is idle, or at once if it is grading (SIGTERM: it
        removes its temporary files; its zygote and workers die with it)."""
        if self.request is not None and self.process.poll() is None:
            self.process.terminate()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()



if __name__ == "__main__":
    sys.exit(main())
