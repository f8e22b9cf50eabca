"""The time a worker's call takes, as its limits count it: the same on a loaded machine
as on an idle one.

A call's wall-clock time depends on what else the machine runs: with ``grade batch
--jobs 8`` on two cores, or a CPU-bound process beside it, a call that takes 1 s alone
takes 4 or 5 s.  So the limits (``time_limit`` per call, ``import_time_limit``,
``submission_seconds``) count a call's **own time**::

    own time = max(CPU time,  wall-clock time - run-queue delay - time in callbacks)

- CPU time: user + system seconds of every process of the worker (all threads, and
  the children they waited for), from ``/proc/PID/stat`` (proc(5));
- run-queue delay: the seconds the worker's threads were ready to run but waited for a
  CPU that another process held, from the scheduler's statistics
  (``/proc/PID/task/TID/schedstat``, second field: ``run_delay``, in ns; see the kernel's
  Documentation/scheduler/sched-stats.rst);
- time in callbacks: the seconds the grader spent answering the worker's calls of
  grader-side functions (the worker waits for the grader then, which is the grader's
  time, not the student's).

For a single-threaded call the second term is the time it computed plus the time it
waited for something other than a CPU (a ``sleep``, a lock, a pipe): the wall-clock
time it would take on a machine of its own.  The first term counts every thread and
child process, so a call cannot compute in parallel for free.  Where ``/proc`` is
missing (macOS), own time is the wall-clock time less the callbacks.

The processes of a worker are found from its first process downwards
(``/proc/PID/task/TID/children``); in a PID namespace that is every process of the
worker, since orphans are adopted by the namespace's first process.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

__all__ = ["Usage", "tree_usage", "Stopwatch"]

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass
class Usage:
    """What a set of processes used so far.

    Attributes:
        cpu: CPU seconds (user + system, every thread, and the children they waited for).
        delay: seconds their threads spent waiting for a CPU (run-queue delay), summed
            over threads.
        processes: how many processes were found.
    """

    cpu: float = 0.0
    delay: float = 0.0
    processes: int = 0


def _read(path: str) -> str | None:
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def _children(pid: int, tids: list[str]) -> list[int]:
    found: list[int] = []
    for tid in tids:
        text = _read(f"/proc/{pid}/task/{tid}/children")
        if text:
            found += [int(c) for c in text.split()]
    return found


def tree_usage(pid: int, delays: dict[int, float] | None = None) -> Usage | None:
    """The usage of process ``pid`` and all its descendants, read from ``/proc``.

    Args:
        pid: the first process (as this process's PID namespace numbers it).
        delays: per thread id, the largest run-queue delay seen so far (updated): a
            thread's delay is gone from ``/proc`` once it exits, so a caller that
            measures a difference keeps them here and ``Usage.delay`` sums them.

    Returns:
        The ``Usage``, or None where ``/proc`` cannot tell (no such process, no /proc).
    """
    usage = Usage()
    seen: set[int] = set()
    stack = [pid]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        stat = _read(f"/proc/{current}/stat")
        if stat is None:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) < 15:
            continue
        usage.processes += 1
        usage.cpu += sum(int(x) for x in fields[11:15]) / _TICK  # utime stime cutime cstime
        try:
            tids = os.listdir(f"/proc/{current}/task")
        except OSError:
            tids = []
        for tid in tids:
            sched = _read(f"/proc/{current}/task/{tid}/schedstat")
            if sched and delays is not None:
                parts = sched.split()
                if len(parts) >= 2:
                    key = int(tid)
                    delays[key] = max(delays.get(key, 0.0), int(parts[1]) / 1e9)
        stack += _children(current, tids)
    if not usage.processes:
        return None
    if delays is not None:
        usage.delay = sum(delays.values())
    return usage


class Stopwatch:
    """The own time (see the module's docstring) of one request to a worker.

    ``/proc`` is first read when ``read`` is first called (the grader asks every 0.1 s
    while it waits): a request answered before that costs no reading, and its own time
    is its wall-clock time.  Until then nothing is subtracted, so a request is never
    counted as shorter than it was.

    Args:
        pid: the worker's first process, or None where it is unknown (then: wall-clock).
        clock: the wall clock (``time.monotonic``).
    """

    def __init__(self, pid: int | None, clock=time.monotonic):
        self.pid = pid
        self.clock = clock
        self.started = clock()
        self._delays: dict[int, float] = {}
        self._base: Usage | None = None  # the first reading
        self.cpu = 0.0  #: CPU seconds of the worker since the first reading
        self.delay = 0.0  #: its run-queue delay since the first reading
        self.paused = 0.0  #: seconds spent in callbacks
        self._pause_start: float | None = None

    def pause(self) -> None:
        """Stop counting wall-clock time (the grader runs a callback)."""
        if self._pause_start is None:
            self._pause_start = self.clock()

    def resume(self) -> None:
        if self._pause_start is not None:
            self.paused += self.clock() - self._pause_start
            self._pause_start = None

    @property
    def wall(self) -> float:
        """Wall-clock seconds since the start, callbacks left out."""
        now = self._pause_start if self._pause_start is not None else self.clock()
        return now - self.started - self.paused

    def read(self) -> float:
        """The own time so far (reads ``/proc``)."""
        usage = tree_usage(self.pid, self._delays) if self.pid is not None else None
        if usage is not None:
            if self._base is None:
                self._base = usage
            else:
                self.cpu = max(self.cpu, usage.cpu - self._base.cpu)
                self.delay = max(self.delay, usage.delay - self._base.delay)
        return self.own

    @property
    def own(self) -> float:
        """The own time as last read (no ``/proc`` access)."""
        return max(self.cpu, self.wall - self.delay)
