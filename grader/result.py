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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["TestResult", "Result"]


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
                "isolation": self.isolation,
                **({"isolation_note": self.isolation_note} if self.isolation_note else {}),
                **({"tampered": list(self.tampered)} if self.tampered else {}),
                "skipped": [{"name": t.name, "max_score": t.max_score, "reason": t.output}
                            for t in self.skipped],
            },
        }
