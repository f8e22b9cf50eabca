"""Batch grading on a Dask distributed cluster (``grade batch --scheduler ADDRESS``).

The batch submits one task per submission (``grade_task``); each Dask worker process
keeps warm ``grader.slot`` processes (one per task it runs at once, started on first
use) and grades through them exactly as a local batch does, so a submission gets the
same verdict wherever it runs.  Outcomes stream back as tasks finish and the batch
records each in its gradebook at once.

Requirements on the cluster: every worker has dl-grader (and ``distributed``)
installed and the course repository at the same path as the machine that runs the
batch (a shared file system), since the hidden suites are read there, not shipped.
"""

from __future__ import annotations

import atexit
import threading
import uuid
from pathlib import Path
from typing import Iterator, Sequence

from grader.assignment import Assignment
from grader.errors import ConfigurationError
from grader.slot import SlotDied, SlotProcess, died, failed

__all__ = ["DaskExecutor", "grade_task"]

# warm slots of this (Dask worker) process, per (course, assignment, public_only),
# each used by one task at a time
_IDLE: dict[tuple[str, str, bool], list[SlotProcess]] = {}
_ALL: list[SlotProcess] = []
_LOCK = threading.Lock()


def _take(key: tuple[str, str, bool]) -> SlotProcess:
    with _LOCK:
        idle = _IDLE.setdefault(key, [])
        while idle:
            slot = idle.pop()
            if slot.alive:
                return slot
    course, name, public_only = key
    slot = SlotProcess(Path(course), name, public_only=public_only, die_with_parent=False)
    with _LOCK:
        _ALL.append(slot)
    return slot


def _give_back(key: tuple[str, str, bool], slot: SlotProcess) -> None:
    with _LOCK:
        _IDLE.setdefault(key, []).append(slot)


@atexit.register
def _close_all() -> None:
    with _LOCK:
        slots, _ALL[:] = list(_ALL), []
        _IDLE.clear()
    for slot in slots:
        slot.close()


def grade_task(course: str, assignment: str, public_only: bool, request: dict) -> dict:
    """Grade one request (``grader.slot.request_for``) on this Dask worker; returns the
    slot's outcome (``grader.slot`` protocol).  A slot that dies is replaced once."""
    key = (course, assignment, public_only)
    for attempt in range(2):
        slot = _take(key)
        try:
            outcome = slot.grade(request)
        except SlotDied as exc:
            if attempt:
                return died(request, exc)
            continue
        _give_back(key, slot)
        return outcome
    raise AssertionError("unreachable")


class DaskExecutor:
    """Runs ``grade_task`` for each request on the cluster at ``address``.

    Raises:
        ConfigurationError: ``distributed`` is not installed, or no scheduler answers
            at ``address``.
    """

    def __init__(self, address: str, assignment: Assignment, *, public_only: bool = False,
                 timeout: float = 30):
        try:
            from distributed import Client
        except ImportError:
            raise ConfigurationError(
                "--scheduler needs Dask: pip install 'dl-grader[dask]' (or distributed)") from None
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ConfigurationError(f"no Dask scheduler answered at {address}: {exc}") from None
        self.assignment = assignment
        self.public_only = public_only
        self.futures: list = []

    def results(self, requests: Sequence[dict]) -> Iterator[tuple[dict, dict]]:
        from distributed import as_completed

        if not requests:
            return
        course = str(self.assignment.root.resolve())
        by_key = {}
        for request in requests:
            key = f"grade-{self.assignment.name}-{request['student']}-{uuid.uuid4().hex[:8]}"
            future = self.client.submit(grade_task, course, self.assignment.name,
                                        self.public_only, request, pure=False, key=key)
            by_key[future.key] = request
            self.futures.append(future)
        for future in as_completed(self.futures, loop=self.client.loop):
            request = by_key[future.key]
            try:
                outcome = future.result()
            except Exception as exc:  # noqa: BLE001 - the task failed on its worker
                outcome = failed(request, f"the Dask task failed: {type(exc).__name__}: {exc}")
            yield request, outcome

    def close(self) -> None:
        """Cancel what has not finished and disconnect."""
        if self.futures:
            self.client.cancel(self.futures)
            self.futures = []
        self.client.close()
