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
   the choice).  So is it where the slot has more than one thread (a library started
   a thread pool, or a suite a thread): a forked child would wait for ever on a pool
   or a lock whose threads it does not have.  The slot runs with the numerical
   libraries held to one thread (``grader.limits.ONE_THREAD_ENV``, set before numpy
   or torch load), so that it normally has one;
2. the child writes the source to a private temporary file and runs
   ``grader.runner.grade`` with the zygote (the student's code runs in forked, confined
   workers, exactly as ``grade hwN`` runs it in spawned ones), then sends back the
   outcome and exits;
3. meanwhile the slot watches it (``Watchdog``): a child that makes no progress for
   ``GRADER_STALL_SECONDS`` (60 by default: no CPU time used by it or by its workers,
   and not waiting for the student's code, which it says with a heartbeat) or runs past
   its budget (``grading_budget``) is stopped (its Python stack is written to the
   slot's stderr first), and the submission is graded again once, in a fresh
   (spawned) process; the batch is told at once (a ``retrying`` frame);
4. the slot kills whatever the workers left running (``Zygote.reset``).

A slot's workers run as a uid of their own (when the grader runs as root), so that the
process limit of one slot's worker is not shared with the others'.

Protocol (``grader.channel`` frames of JSON on the slot's stdin/stdout, which it moves
away from fds 0 and 1 at once so that nothing else can write into them):

- the slot sends ``{"op": "ready"}`` once warm (or ``{"op": "failed", "reason"}``);
- request ``{"student", "origin", "filename", "source" (base64), "lang"}`` (``lang``:
  the language of the result's messages, ``grader.i18n``);
- while grading it, ``{"op": "retrying", "student", "reason"}`` when a grading process
  was stopped and the submission is graded again;
- outcome ``{"student", "status": "graded" | "error" | "config", "result": {...} |
  None, "reason": str, "seconds": float, "stopped": [reasons]}`` (``config``: the
  assignment itself is set up wrongly; the batch stops; ``stopped``: the reasons of
  the grading processes stopped on the way, as told in ``retrying`` frames).
"""

from __future__ import annotations

import argparse
import base64
import faulthandler
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
from grader.launch import thread_count
from grader.limits import ONE_THREAD_ENV, Limits
from grader.stopwatch import tree_usage

__all__ = ["SlotProcess", "SlotDied", "Watchdog", "request_for", "failed", "died",
           "grading_budget", "stall_seconds", "RETRYING"]

#: Seconds a grading process may go without progress (no CPU time used by it or its
#: workers, no heartbeat) before it is stopped; ``GRADER_STALL_SECONDS`` overrides it.
STALL_SECONDS = 60.0

#: The ``op`` of the frame that tells the batch a grading process was stopped and the
#: submission is being graded again.
RETRYING = "retrying"


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


def stall_seconds() -> float:
    """``GRADER_STALL_SECONDS`` (a positive number of seconds), else ``STALL_SECONDS``.

    Raises:
        ConfigurationError: it is set to something else.
    """
    text = os.environ.get("GRADER_STALL_SECONDS", "").strip()
    if not text:
        return STALL_SECONDS
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise ConfigurationError(f"GRADER_STALL_SECONDS={text!r}: give a number of seconds > 0")
    return value


def grading_budget(limits: Limits) -> float:
    """Wall-clock seconds a grading process may take before it is stopped as the
    grader's failure: three times what the submission's own time limits allow (its
    calls' ``submission_seconds`` and its ``import_seconds``; own time, which a busy
    machine stretches on the wall clock: ``grader.stopwatch``), plus 5 minutes for the
    grader's own work.  Hangs are caught long before, by ``Watchdog``'s stall rule."""
    return 3 * (limits.submission_seconds + limits.import_seconds) + 300


class Watchdog:
    """Whether a grading process should be stopped: it made no progress for
    ``stall`` seconds, or ran past ``budget`` seconds.

    Progress is: its heartbeat (``beat``: it is waiting for the student's code, whose
    own limits end that wait), an answer's bytes, or CPU time used by it or its workers
    (``cpu``, a total that only grows while it works).

    Args:
        stall: seconds without progress.
        budget: wall-clock seconds in all (``grading_budget``).
        clock: the wall clock.
    """

    def __init__(self, stall: float, budget: float, clock=time.monotonic):
        self.stall = stall
        self.budget = budget
        self.clock = clock
        self.started = self.last_progress = clock()
        self._cpu: float | None = None

    def beat(self) -> None:
        self.last_progress = self.clock()

    def cpu(self, seconds: float | None) -> None:
        """The CPU seconds used so far by the grading process and its workers."""
        if seconds is None:
            return
        if self._cpu is None or seconds > self._cpu + 0.005:
            if self._cpu is not None:
                self.beat()
            self._cpu = seconds

    def verdict(self) -> str | None:
        """Why it must be stopped, for the gradebook (an instructor reads it), or None."""
        now = self.clock()
        if now - self.last_progress >= self.stall:
            return (f"the grader's process for this submission made no progress for "
                    f"{self.stall:g} s (it used no CPU time and was not waiting for the "
                    "student's code) and was stopped; this is the grader's failure, not "
                    "the student's (its Python stack is in the batch's log)")
        if now - self.started >= self.budget:
            return (f"the grader's process for this submission was still running after "
                    f"{self.budget:.0f} s, three times what the assignment's time limits "
                    "allow, and was stopped; this is the grader's failure, not the "
                    "student's (its Python stack is in the batch's log)")
        return None


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
        self.stall = STALL_SECONDS  # (warm reads GRADER_STALL_SECONDS)
        self._zygotes = 0  # zygotes started so far
        #: the process that started this slot (a batch, a Dask worker): when it is gone
        #: (this process was given to another parent), a grading in flight is stopped
        self.parent = os.getppid()
        #: sends a frame to the batch (``main`` sets it): the ``retrying`` notices
        self.tell = lambda message: None

    def warm(self) -> None:
        """Start the zygote; where grading children are forked, also import what
        grading needs and rehearse (spawned children import their own)."""
        from grader.sandbox import isolation

        isolation()
        self.stall = stall_seconds()
        self._start_zygote()
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
        self._can_fork()

    def _rehearse(self) -> None:
        """Grade the reference solution once, here (the stub where this copy of the
        course has no reference): what a grading imports and builds on its way through
        the whole suite (the suite's module, the known mistakes, pytest's plugins, the
        lazy parts of torch: autograd, optimizers, data loaders) is then in every
        grading child from the start, instead of being built again by each.  The
        reference runs in a worker, as a submission would.  An assignment that is set
        up wrongly raises ``ConfigurationError`` here, before any student's turn."""
        from grader.runner import grade

        stub = self.assignment.default_submission
        source = self.assignment.reference_file
        if not source.is_file():
            source = stub
        if not source.is_file():
            return
        folder = Path(tempfile.mkdtemp(dir=self.tmp, prefix="rehearsal-"))
        shutil.copyfile(source, folder / stub.name)
        grade(self.assignment, folder / stub.name, public_only=self.public_only,
              zygote=self.zygote, uid=self.uid)
        self._reset_zygote()
        shutil.rmtree(folder, ignore_errors=True)

    def _can_fork(self) -> bool:
        """Whether grading children may be forked from this process now: where it was
        chosen (``forking_graders``) and this process has one thread only; once it has
        more, they are spawned from then on."""
        if self.fork and thread_count() != 1:
            print(f"grader.slot: grading processes are started fresh, not forked: this "
                  f"process has {thread_count()} threads (a library or the suite started "
                  "them), which a forked child would not have", file=sys.stderr)
            self.fork = False
        return self.fork

    def _start_zygote(self) -> None:
        """Start this slot's zygote; where it cannot be (or must not fork: it has more
        than one thread), workers are spawned fresh instead, as ``grade hwN`` does."""
        from grader.launch import Zygote, ZygoteError
        from grader.sandbox import grader_lib, worker_environment

        lib = self.tmp / f"zygote{self._zygotes}"
        self._zygotes += 1
        lib.mkdir()
        env = worker_environment(self.assignment.env_policy, grader_lib(lib), self.tmp, self.tmp)
        self.zygote = Zygote(env, preload_modules(self.assignment.default_submission),
                             cwd=str(self.tmp))
        try:
            self.zygote.start()
        except ZygoteError as exc:
            print(f"grader.slot: workers are started fresh, not forked: {exc}", file=sys.stderr)
            self.zygote = None

    def _reset_zygote(self) -> None:
        """Kill what the workers left running; a zygote that does not answer is replaced."""
        from grader.launch import ZygoteError

        if self.zygote is None:
            return
        try:
            self.zygote.reset()
        except ZygoteError as exc:
            print(f"grader.slot: the worker factory failed ({exc}); starting a new one",
                  file=sys.stderr)
            self.zygote.close()
            self._start_zygote()

    def grade(self, request: dict) -> dict:
        """Grade ``request``: once, and once more in a fresh process if the grading
        process was stopped or died (``Watchdog``); the batch is told of the retry."""
        started = time.monotonic()
        outcome = self._attempt(request, fork=self._can_fork())
        stopped = []
        if outcome.pop("retry", False):
            stopped.append(outcome["reason"])
            self.tell({"op": RETRYING, "student": request["student"],
                       "reason": outcome["reason"]})
            outcome = self._attempt(request, fork=False)
            if outcome.pop("retry", False):
                outcome["reason"] = (f"{outcome['reason']}. It was the second try: the first "
                                     f"one ended the same way ({stopped[0]})")
        outcome["student"] = request["student"]
        outcome["seconds"] = round(time.monotonic() - started, 3)
        outcome["stopped"] = stopped
        return outcome

    def _attempt(self, request: dict, fork: bool) -> dict:
        """One grading process for ``request``, forked or spawned, watched until it
        answers, ends or is stopped; its outcome (``retry``: it should be tried again)."""
        read_end, write_end = os.pipe()
        beat_read, beat_write = os.pipe()
        if fork:
            self.child = os.fork()
            if self.child == 0:  # the grading child
                os.close(read_end)
                os.close(beat_read)
                _answer(write_end, self._grade_here(request, beat_write))
                os._exit(0)
        else:
            self.child = self._spawn(request, write_end, beat_write)
        os.close(write_end)
        os.close(beat_write)
        pid = self.child if isinstance(self.child, int) else self.child.pid
        dog = Watchdog(self.stall, grading_budget(self.assignment.limits))
        data, why = self._watch(read_end, beat_read, pid, dog)
        if why is not None and os.getppid() != self.parent:  # nobody to answer: stop
            self._end_child(kill=True)
            raise SystemExit(1)
        if why is not None:
            print(f"grader.slot: stopping the grading process {pid} of {request['student']}: "
                  f"{why}. Its threads' Python stacks:", file=sys.stderr, flush=True)
            _dump_stacks(pid)
        code = self._end_child(kill=why is not None)
        self._reset_zygote()
        try:
            return json.loads(data)
        except ValueError:
            how = why or f"the grader's process for this submission {_how_it_ended(code)}"
            return {**failed(request, how), "retry": True}

    def _watch(self, answer_fd: int, beat_fd: int, pid: int,
               dog: Watchdog) -> tuple[bytes, str | None]:
        """Read the grading process's answer until its end of file, while ``dog``
        watches it; returns what was read and why it must be stopped (None: it ended)."""
        chunks = []
        zygote = self.zygote.process.pid if self.zygote is not None and \
            self.zygote.process is not None else None
        fds = [answer_fd, beat_fd]
        next_sample = 0.0
        try:
            while True:
                ready, _, _ = select.select(fds, [], [], 1.0)
                if answer_fd in ready:
                    chunk = os.read(answer_fd, 1 << 16)
                    if not chunk:
                        return b"".join(chunks), None
                    chunks.append(chunk)
                    dog.beat()
                if beat_fd in ready:
                    if os.read(beat_fd, 4096):
                        dog.beat()
                    else:  # it closed it: only its answer is left to wait for
                        fds.remove(beat_fd)
                if time.monotonic() >= next_sample:
                    next_sample = time.monotonic() + 2.0
                    used = [u.cpu for u in (tree_usage(pid), zygote and tree_usage(zygote)) if u]
                    dog.cpu(sum(used) if used else None)
                why = dog.verdict()
                if why is None and os.getppid() != self.parent:
                    why = "the batch that asked for this grading is gone"
                if why is not None:
                    return b"".join(chunks), why
        finally:
            os.close(answer_fd)
            os.close(beat_fd)

    def _spawn(self, request: dict, answer_fd: int, beat_fd: int) -> subprocess.Popen:
        """A fresh grading process for ``request`` that uses this slot's zygote (where
        it has one)."""
        command = [sys.executable, "-m", "grader.slot", "--course", str(self.root),
                   "--assignment", self.assignment.name, "--grade-one", "--tmp", str(self.tmp),
                   "--answer-fd", str(answer_fd), "--heartbeat-fd", str(beat_fd)]
        fds = [answer_fd, beat_fd]
        if self.zygote is not None:
            zygote_fd = self.zygote.sock.fileno()
            command += ["--zygote-fd", str(zygote_fd)]
            fds.append(zygote_fd)
        command += ["--public"] * self.public_only
        command += ["--uid", str(self.uid)] if self.uid is not None else []
        child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                 pass_fds=fds, close_fds=True)
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

    def _grade_here(self, request: dict, heartbeat_fd: int) -> dict:
        from grader import confine, i18n
        from grader.runner import grade
        from grader.sandbox import Worker

        try:
            confine.die_with_parent()
            faulthandler.register(signal.SIGUSR1, file=sys.stderr, all_threads=True)
            Worker.while_waiting = _Heartbeat(heartbeat_fd)
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


class _Heartbeat:
    """``Worker.while_waiting`` in a grading process: one byte to its slot, at most
    once a second, saying that it waits for the student's code (``Watchdog``)."""

    def __init__(self, fd: int):
        self.fd = fd
        self.last = 0.0
        os.set_blocking(fd, False)

    def __call__(self) -> None:
        now = time.monotonic()
        if now - self.last >= 1.0:
            self.last = now
            try:
                os.write(self.fd, b".")
            except OSError:  # full (the slot reads it every second) or gone
                pass


def _dump_stacks(pid: int) -> None:
    """Have grading process ``pid`` write its threads' Python stacks to its stderr
    (the batch's log; ``faulthandler``, which it registered for SIGUSR1) before it is
    killed: what an instructor needs to see where it was stuck."""
    try:
        os.kill(pid, signal.SIGUSR1)
        time.sleep(0.5)
    except OSError:
        pass


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
    one.add_argument("--heartbeat-fd", type=int, help="where it says it waits for a worker")
    one.add_argument("--uid", type=int, default=None, help="the uid workers run as")
    args = parser.parse_args(argv)
    # before numpy or torch load: this process forks (module docstring)
    os.environ.update(ONE_THREAD_ENV)
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
    slot.tell = lambda message: channel.send(json.dumps(message, ensure_ascii=False).encode())
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
    slot.zygote = Zygote.attach(args.zygote_fd) if args.zygote_fd is not None else None
    slot.uid = args.uid
    _answer(args.answer_fd, slot._grade_here(request, args.heartbeat_fd))
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
        # it forks: the numerical libraries on one thread before they load (see above)
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=stderr, close_fds=True,
                                        env={**os.environ, **ONE_THREAD_ENV})
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
        """The next message about the request in flight: its outcome, or a notice that
        its grading process was stopped and it is being graded again (``op``
        ``RETRYING``; the request is still in flight then).

        Raises:
            SlotDied: the slot ended before answering.
        """
        message = self._receive(deadline)
        if message.get("op") != RETRYING:
            self.request = None
        return message

    def grade(self, request: dict, timeout: float | None = None) -> dict:
        """Submit ``request`` and wait for its outcome (notices skipped: the outcome's
        ``stopped`` says the same)."""
        if not self.ready:
            self.wait_ready()
        self.submit(request)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            message = self.receive(deadline)
            if message.get("op") != RETRYING:
                return message

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
