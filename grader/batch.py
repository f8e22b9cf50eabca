"""Batch grading: a whole class in one command (``grade batch hwN PATH...``).

1. **Intake** (``grader.intake``): the paths become one submission per student (a
   .py, a student repository, an LMS zip...), or a reason why one cannot be graded,
   with who the student is where the export or the roster says (``grader.lms``).
   A student repository that differs from its release (``grader.tamper``) carries
   tamper flags: they are recorded with its entry (``Entry.flags``), and a graded
   result holds them as the single grader's does (``extra_data.tampered``).
2. **Gradebook** (``grader.gradebook``): a submission whose student already has a
   result for the same content, graded by the same suite (``fingerprint``), is not
   graded again; ``regrade`` forces it (and resumes: a regrade stopped midway keeps
   what it regraded, ``Gradebook.begin_regrade``).  A rejected submission is recorded at once
   with its reason and 0 points.
3. **Grading**, by an executor that yields outcomes as they finish:
   ``LocalExecutor`` (``jobs`` warm slot processes on this machine, ``grader.slot``)
   or ``grader.cluster.DaskExecutor`` (the same slots on Dask workers).  Each outcome
   is written to the gradebook the moment it arrives.  A submission already graded
   gets its student's name, email, time and late flag updated (a roster given later).
4. **Exports** (``grader.exports``) of the whole gradebook: grades.csv, canvas.csv,
   results/, feedback/, summary.md, histogram.png.

Stopping at any point (Ctrl-C, SIGKILL, a crash) loses nothing that was recorded;
the same command resumes.
"""

from __future__ import annotations

import hashlib
import os
import select
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator, Protocol, Sequence

from grader import __version__, i18n
from grader.assignment import Assignment
from grader.errors import ConfigurationError
from grader.exports import summary_lines, write_exports
from grader.gradebook import Entry, Gradebook
from grader.intake import Submission, collect
from grader.lms import Roster
from grader.slot import RETRYING, SlotDied, SlotProcess, died, request_for, stall_seconds

__all__ = ["run_batch", "BatchReport", "LocalExecutor", "fingerprint", "GRADEBOOK_NAME",
           "Executor"]

#: The gradebook's file name inside the output folder.
GRADEBOOK_NAME = "gradebook.sqlite"
#: Where the slots' own stray output goes, inside the output folder.
LOG_NAME = "batch.log"


def fingerprint(assignment: Assignment, public_only: bool = False, lang: str = "en") -> str:
    """SHA-256 (hex) of everything that decides a verdict or its words besides the
    submission: the suite (hidden or public tests), the reference and its known mistakes,
    ``assignment.toml``, the assignment's data, the grader itself (its version and
    source, its message catalogues included) and the language of the messages (a
    result recorded in English is graded again for ``--lang zh``).  A result recorded
    under another fingerprint is graded again."""
    suffix = "" if lang == "en" else f"{lang}\0"  # English: the fingerprints recorded before
    digest = hashlib.sha256(f"{__version__}\0{public_only}\0{suffix}".encode())
    package = Path(__file__).resolve().parent
    folders = [assignment.directory, package]
    if not public_only:
        folders.append(assignment.reference_dir)
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            if path == assignment.default_submission:
                continue  # the student's own file in this copy of the course
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class Executor(Protocol):
    """Grades requests (``grader.slot.request_for``) and yields ``(request, outcome)``
    as each finishes, in any order; it may also yield ``(request, notice)`` before a
    request's outcome, a notice (``{"op": grader.slot.RETRYING, "reason"}``) saying
    that its grading process was stopped and it is being graded again."""

    def results(self, requests: Sequence[dict]) -> Iterator[tuple[dict, dict]]: ...

    def close(self) -> None: ...


#: Memory one job takes besides its worker's (its slot, grading process and zygote;
#: their pages shared by fork are counted once), in MiB, measured on the course's torch
#: assignments (benchmarks/batch_throughput.py) with room to spare.
GRADER_MB_PER_JOB = 512


def available_memory_mb() -> int | None:
    """The memory this machine can give without swapping (``MemAvailable`` of
    ``/proc/meminfo``), in MiB; None where it cannot be read (not Linux)."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def jobs_within_memory(jobs: int, memory_mb: int, budget_mb: int | None) -> tuple[int, str]:
    """How many jobs run at once so that, should every worker use all the memory its
    limit lets it (``memory_mb``), the batch still fits in ``budget_mb``:
    ``jobs × (memory_mb + GRADER_MB_PER_JOB) ≤ budget_mb``, at least 1.  Also the
    sentence that says why, when fewer than ``jobs`` ('' otherwise).

    Args:
        jobs: the jobs asked for (``--jobs``).
        memory_mb: each worker's memory limit (``Limits.memory_mb``).
        budget_mb: the memory the batch may use (``--memory-gb``, else
            ``available_memory_mb()``); None: no bound.
    """
    if budget_mb is None:
        return jobs, ""
    per_job = memory_mb + GRADER_MB_PER_JOB
    fits = max(1, budget_mb // per_job)
    if fits >= jobs:
        return jobs, ""
    return fits, (
        f"Grading {fits} at a time, not {jobs}: each job may take {per_job / 1024:.1f} GB (its "
        f"worker's memory limit, memory_mb = {memory_mb}, and the grader's own), and the batch "
        f"may use {budget_mb / 1024:.1f} GB. Lower memory_mb in assignment.toml, or give "
        "--memory-gb, to run more.")


class LocalExecutor:
    """``jobs`` slot processes on this machine (``grader.slot``), fewer where that many
    could take more memory than the batch may use (``jobs_within_memory``).

    Args:
        assignment: what to grade.
        jobs: how many submissions are graded at once (one slot process each; about
            one core and half a GB of memory per job on the course's torch assignments,
            plus what its student's code uses).
        public_only: the public tests only.
        log: file the slots' stray output is appended to (None: this stderr).
        memory_mb: the memory the batch may use, in MiB (None: what this machine has
            available when the batch starts, ``available_memory_mb``).

    Attributes:
        note: why fewer jobs than asked run at once ('' when not).

    Raises:
        ConfigurationError: ``GRADER_STALL_SECONDS`` is not a number of seconds.
    """

    def __init__(self, assignment: Assignment, jobs: int, *, public_only: bool = False,
                 log=None, memory_mb: int | None = None):
        stall_seconds()  # a wrong setting stops the batch here, not in every slot
        self.assignment = assignment
        budget = memory_mb if memory_mb is not None else available_memory_mb()
        self.jobs, self.note = jobs_within_memory(max(1, jobs), assignment.limits.memory_mb,
                                                  budget)
        self.public_only = public_only
        self.log = log
        self.slots: list[SlotProcess] = []

    def _new_slot(self) -> SlotProcess:
        return SlotProcess(self.assignment.root, self.assignment.name,
                           public_only=self.public_only, die_with_parent=True, stderr=self.log)

    def results(self, requests: Sequence[dict]) -> Iterator[tuple[dict, dict]]:
        queue = deque(requests)
        if not queue:
            return
        self.slots = [self._new_slot() for _ in range(min(self.jobs, len(queue)))]
        for slot in self.slots:
            slot.wait_ready()
        while True:
            for slot in self.slots:
                if slot.request is None and queue:
                    slot.submit(queue.popleft())
            busy = [s for s in self.slots if s.request is not None]
            if not busy:
                return
            ready, _, _ = select.select(busy, [], [])
            for slot in ready:
                request = slot.request
                try:
                    outcome = slot.receive()  # an outcome, or a RETRYING notice
                except SlotDied as exc:
                    outcome = died(request, exc)
                    self.slots[self.slots.index(slot)] = fresh = self._new_slot()
                    fresh.wait_ready()
                yield request, outcome

    def close(self) -> None:
        """Stop every slot (a grading in flight is abandoned, not recorded)."""
        for slot in self.slots:
            slot.close()
        self.slots = []


@dataclass
class BatchReport:
    """What a batch did.

    Attributes:
        submissions: students in this batch's input.
        already_done: of them, those whose result was already in the gradebook.
        graded, rejected, errors: recorded by this run, per status.
        skipped_files: ``(origin, why)`` of input files that are not submissions.
        exports: the exported files (``grader.exports.write_exports``).
        summary: the few lines for the terminal (``grader.exports.summary_lines``).
        gradebook: the gradebook's path.
    """

    submissions: int = 0
    already_done: int = 0
    graded: int = 0
    rejected: int = 0
    errors: int = 0
    skipped_files: list[tuple[str, str]] = field(default_factory=list)
    exports: dict[str, Path] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)
    gradebook: Path | None = None


def _who(submission: Submission) -> dict:
    """The ``Entry`` fields that say who the student is."""
    return {"flags": list(submission.flags), "name": submission.name,
            "email": submission.email, "submitted_at": submission.submitted_at,
            "late": submission.late}


def _entry(submission: Submission, outcome: dict, fp: str, max_score: float) -> Entry:
    result = outcome.get("result")
    if outcome["status"] == "graded" and result is not None:
        if submission.flags:  # as the single grader does (grader.result.Result.to_dict)
            extra = result.setdefault("extra_data", {})
            extra["tampered"] = list(submission.flags)
        return Entry(submission.student, submission.origin, submission.content_hash, "graded",
                     result["score"], result["max_score"], "", result,
                     outcome.get("seconds", 0.0), fp, **_who(submission))
    return Entry(submission.student, submission.origin, submission.content_hash, "error",
                 None, max_score, outcome.get("reason") or "unknown error", None,
                 outcome.get("seconds", 0.0), fp, **_who(submission))


def run_batch(assignment: Assignment, paths: Sequence[Path], out: Path, *,
              executor: Executor, regrade: bool = False, id_pattern: str | None = None,
              public_only: bool = False, key: bytes | None = None,
              roster: Roster | None = None, due: datetime | None = None,
              canvas_column: str | None = None, lang: str | None = "en",
              on_start: Callable[[int, int], None] | None = None,
              on_result: Callable[[Entry], None] | None = None,
              on_retry: Callable[[Entry], None] | None = None) -> BatchReport:
    """Grade every submission in ``paths`` into the gradebook in ``out``, then export.

    Args:
        assignment: what to grade.
        paths: submissions: .py files, notebooks, student repositories, folders of
            them, zip archives (``grader.intake``).
        out: the output folder (created; holds ``gradebook.sqlite`` and the exports).
        executor: grades the requests (``LocalExecutor``, ``DaskExecutor``).
        regrade: grade again even where the gradebook has a result for this content;
            a regrade that was stopped is resumed by the next ``regrade`` run (what it
            regraded is kept), and given up by the next run without it.
        id_pattern: regular expression mapping names to student ids (``grader.intake``).
        public_only: grade with the public tests.
        key: the course key (``grader.seal.key_from_env``): student repositories' release
            records are verified with it (``grader.intake.collect``); None: not verified.
        roster: names and emails by student id (``grader.lms.read_roster``).
        due: the deadline; a submission the export dates later is marked late.
        canvas_column: the assignment's column in canvas.csv (``grader.exports``).
        lang: the language of what students read (their results' messages and
            feedback files): "en" or "zh" (``grader.i18n``); None: the locale's.
        on_start: called once as ``on_start(to_grade, total)`` before grading starts.
        on_result: called with each entry as it is recorded (rejections included).
        on_retry: called with the error entry recorded when a grading process was
            stopped (it made no progress, ran past its budget or died: the grader's
            failure) and the submission is being graded again in a fresh process; its
            final entry follows, through ``on_result``.

    Returns:
        The ``BatchReport``.

    Raises:
        ValueError: ``id_pattern`` is not a valid regular expression.
        grader.gradebook.GradebookMismatch: ``out`` holds another assignment's gradebook.
        ConfigurationError: the assignment is set up wrongly (the batch stops; what was
            recorded stays).
        KeyboardInterrupt: Ctrl-C; what was recorded stays.
    """
    with i18n.using(lang) as chosen:  # the exports here; each request says it to its slot
        return _run_batch(assignment, paths, out, executor=executor, regrade=regrade,
                          id_pattern=id_pattern, public_only=public_only, key=key,
                          roster=roster, due=due, canvas_column=canvas_column, lang=chosen,
                          on_start=on_start, on_result=on_result, on_retry=on_retry)


def _run_batch(assignment: Assignment, paths: Sequence[Path], out: Path, *, executor: Executor,
               regrade: bool, id_pattern: str | None, public_only: bool, key: bytes | None,
               roster: Roster | None, due: datetime | None, canvas_column: str | None,
               lang: str, on_start: Callable[[int, int], None] | None,
               on_result: Callable[[Entry], None] | None,
               on_retry: Callable[[Entry], None] | None) -> BatchReport:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        stub = assignment.default_submission.read_bytes()
    except OSError:
        stub = None  # no pristine stub: a repository's .py always wins over its notebook
    intake = collect(paths, assignment.submission, f"assignments/{assignment.name}",
                     id_pattern=id_pattern, stub=stub, key=key, roster=roster, due=due)
    fp = fingerprint(assignment, public_only, lang)
    max_score = assignment.public_points if public_only else assignment.points
    report = BatchReport(submissions=len(intake.submissions), skipped_files=intake.skipped,
                         gradebook=out / GRADEBOOK_NAME)
    with Gradebook(out / GRADEBOOK_NAME, assignment.name) as book:
        # a regrade stopped midway is resumed by the same command: what it regraded stays
        after = book.begin_regrade() if regrade else None
        todo: dict[str, Submission] = {}
        rejections: list[Submission] = []
        for sub in intake.submissions:
            if book.regraded(sub.student, sub.content_hash, fp, after) if regrade else \
                    book.is_done(sub.student, sub.content_hash, fp):
                report.already_done += 1
                book.update_student(Entry(sub.student, sub.origin, sub.content_hash, "graded",
                                          None, 0.0, **_who(sub)))
            elif sub.source is None:
                rejections.append(sub)
            else:
                todo[sub.student] = sub
        if on_start is not None:
            on_start(len(todo) + len(rejections), len(intake.submissions))
        for sub in rejections:
            entry = Entry(sub.student, sub.origin, sub.content_hash, "rejected", 0.0, max_score,
                          sub.problem, None, 0.0, fp, **_who(sub))
            book.record(entry)
            report.rejected += 1
            if on_result is not None:
                on_result(entry)
        requests = [request_for(s.student, s.origin, s.source, assignment.module, lang)
                    for s in todo.values()]
        told: set[str] = set()  # students whose retries were told as they happened

        def stopped(sub: Submission, reason: str) -> None:
            entry = _entry(sub, {"status": "error", "reason": f"{reason}; graded again "
                                 "in a fresh process"}, fp, max_score)
            book.record(entry)  # what the log keeps, should this batch stop meanwhile
            if on_retry is not None:
                on_retry(entry)

        for request, outcome in executor.results(requests):
            sub = todo[request["student"]]
            if outcome.get("op") == RETRYING:
                told.add(sub.student)
                stopped(sub, outcome.get("reason", ""))
                continue
            if outcome.get("status") == "config":
                raise ConfigurationError(outcome.get("reason", "the assignment is set up wrongly"))
            if sub.student not in told:
                for reason in outcome.get("stopped", []):
                    stopped(sub, reason)
            entry = _entry(sub, outcome, fp, max_score)
            book.record(entry)
            if entry.status == "graded":
                report.graded += 1
            else:
                report.errors += 1
            if on_result is not None:
                on_result(entry)
        book.end_regrade()  # finished; or, without --regrade, an unfinished one given up
        entries = book.entries()
    report.exports = write_exports(entries, assignment, out, canvas_column=canvas_column)
    report.summary = summary_lines(entries, assignment)
    return report


def default_jobs() -> int:
    """One job per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)
