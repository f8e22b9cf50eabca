"""The result of grading one submission, in Gradescope's results.json shape.

``Result.to_dict()`` gives the document every renderer starts from::

    {"score": 96.0, "max_score": 100.0, "execution_time": 12.3, "output": "...",
     "tests": [{"name": "...", "score": 2.0, "max_score": 2.0, "status": "passed",
                "output": "..."}, ...],
     "extra_data": {...}}

(Gradescope's autograder specification: top-level ``score``, ``execution_time``,
``output`` and ``tests``; each test's ``score``, ``max_score``, ``status``, ``name``
and ``output``.)  Skipped tests (a GPU test on a machine without CUDA) are not in
``tests`` and not in ``max_score``; ``output`` and ``extra_data.skipped`` say so.

``extra_data.outcome`` says how the run went for the submission as a whole (one of
``OUTCOMES``, from ``outcome_of``): ``"completed"`` when the student's code answered
every call it got (right or wrong, an exception included), else what stopped it first,
with ``extra_data.outcome_detail`` saying what happened in one line.  A submission that
timed out at import scores 0 like an honest 0, and this is how the two are told apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from grader.errors import LimitExceeded, SubmissionNotImportable, StudentTimeout, WorkerCrashed

__all__ = ["OUTCOMES", "TestResult", "Result", "outcome_of"]

#: How a grading run went: completed (every call answered), import error (the file raised, exited or died while
#: it was imported, or does not parse), import time limit (its top-level code ran past
#: the import time limit), time limit (a call ran past the per-call limit, or the
#: submission's total time or CPU budget ran out), crash (the process running it died),
#: resource limit (it hit the memory, file size, disk, process or open-file limit).
OUTCOMES = ("completed", "import error", "import time limit", "time limit", "crash",
            "resource limit")

#: How ``grader.sandbox`` words, in English, the reason of an import that ran past its
#: time limit (for a ``SubmissionNotImportable`` without its ``cause``).
_IMPORT_TIMEOUT = "importing it took longer than"
#: ... and of a run stopped after too many restarts (not an import problem).
_RESTARTS = "the process running your code was restarted"


def outcome_of(errors: Iterable[BaseException]) -> tuple[str, str]:
    """``(outcome, detail)`` of a grading run from the errors its calls of the student's
    code raised, in the order they were raised (``grader.sandbox.Worker.on_call``): the
    first that stopped the code from answering decides (``OUTCOMES``); an exception the
    student's function raised, a missing function or a stub do not (the code answered).

    ``detail`` is one line for an instructor: ``"ZeroDivisionError: division by zero"``,
    ``"sigmoid timed out after 5 s"``; '' for ``"completed"``.
    """
    for exc in errors:
        if isinstance(exc, SubmissionNotImportable):
            first = (exc.reason.strip().splitlines() or [""])[0]
            cause = exc.cause or ("restarts" if first.startswith(_RESTARTS) else
                                  "time limit" if first.startswith(_IMPORT_TIMEOUT) else "error")
            if cause == "restarts":
                continue  # follows the timeouts or crashes that caused it
            if cause == "time limit":
                return "import time limit", re.split(r" \(|\. |（|。", first)[0]
            return "import error", _exception_line(exc.reason)
        if isinstance(exc, StudentTimeout):
            return "time limit", f"{exc.function or 'the import'} timed out after {exc.seconds:g} s"
        if isinstance(exc, LimitExceeded):
            where = exc.function or "the import"
            detail = exc.detail.split(". ")[0].rstrip(".")
            if exc.limit in ("submission_seconds", "cpu_seconds"):
                return "time limit", f"{where} {detail}"
            return "resource limit", f"{where} {detail}"
        if isinstance(exc, WorkerCrashed):
            return "crash", f"the process died while running {exc.function or 'the import'} ({exc.how})"
    return "completed", ""


_EXCEPTION = re.compile(r"[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt)\b")
_LOCATION = re.compile(r'File "[^"]*", line (\d+)')


def _exception_line(reason: str) -> str:
    """The line of an import failure's reason that names the exception
    (``SyntaxError: expected ':' (line 172)``), else its first line."""
    lines = [line.strip() for line in reason.strip().splitlines() if line.strip()]
    named = next((line for line in lines if _EXCEPTION.match(line)), None)
    if named is None:
        return lines[0] if lines else ""
    where = next((m.group(1) for line in lines if (m := _LOCATION.match(line))), None)
    return f"{named} (line {where})" if where else named


@dataclass
class TestResult:
    """One test's outcome.

    Attributes:
        name: display name; starts with the function it tests.
        nodeid: pytest's id of the test.
        max_score: the test's points.
        score: points earned (``max_score`` or 0).
        status: ``"passed"``, ``"failed"`` or ``"skipped"``.
        output: for a failed test, the message for the student; for a skipped test,
            the reason.
        gpu: whether the test is ``gpu``-marked.
        hints: ids of the known mistakes (``grader.hints``) its failure matched.
    """

    __test__ = False  # not a pytest test class, despite its name

    name: str
    nodeid: str
    max_score: float
    score: float = 0.0
    status: str = "failed"
    output: str = ""
    gpu: bool = False
    hints: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        doc = {"name": self.name, "score": self.score, "max_score": self.max_score,
               "status": self.status, "output": self.output}
        if self.hints:
            doc["extra_data"] = {"hints": list(self.hints)}
        return doc


@dataclass
class Result:
    """All of one grading run.

    Attributes:
        assignment: the assignment's name (``"hw3"``).
        title: its title.
        submission: the submission's path as given.
        suite: ``"hidden"`` or ``"public"``.
        tests: every test, in the order they ran (skipped ones included).
        execution_time: seconds the grading took.
        notes: lines for the top-level ``output`` (which suite ran, what was skipped).
        isolation: how the student's code was isolated: ``"namespaces"`` or
            ``"process"`` (``grader.sandbox.isolation``), and ``isolation_note``, why
            not namespaces.
        tampered: for a student repository, each protected file (tests, workflows,
            grader) that differs from the release (``grader.tamper.check``).
        outcome, outcome_detail: how the run went (``OUTCOMES``, ``outcome_of``).
        graded_because: why this file was graded, for the student, where the command
            chose it ("backprop.py is still the released stub, so the notebook beside it
            was graded"); '' where nothing needs saying.  Not in ``to_dict``.
    """

    assignment: str
    title: str
    submission: str
    suite: str
    tests: list[TestResult] = field(default_factory=list)
    execution_time: float = 0.0
    notes: list[str] = field(default_factory=list)
    isolation: str = ""
    isolation_note: str = ""
    tampered: list[str] = field(default_factory=list)
    outcome: str = "completed"
    outcome_detail: str = ""
    graded_because: str = ""

    @property
    def counted(self) -> list[TestResult]:
        return [t for t in self.tests if t.status != "skipped"]

    @property
    def skipped(self) -> list[TestResult]:
        return [t for t in self.tests if t.status == "skipped"]

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.counted), 6)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.counted), 6)

    @property
    def failed(self) -> list[TestResult]:
        return [t for t in self.tests if t.status == "failed"]

    def to_dict(self) -> dict[str, Any]:
        """The results document (Gradescope's results.json shape)."""
        return {
            "score": self.score,
            "max_score": self.max_score,
            "execution_time": round(self.execution_time, 3),
            "output": "\n".join(self.notes),
            "tests": [t.to_dict() for t in self.counted],
            "extra_data": {
                "assignment": self.assignment,
                "suite": self.suite,
                "outcome": self.outcome,
                **({"outcome_detail": self.outcome_detail} if self.outcome_detail else {}),
                "isolation": self.isolation,
                **({"isolation_note": self.isolation_note} if self.isolation_note else {}),
                **({"tampered": list(self.tampered)} if self.tampered else {}),
                "skipped": [{"name": t.name, "max_score": t.max_score, "reason": t.output}
                            for t in self.skipped],
            },
        }
