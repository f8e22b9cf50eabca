"""How a grading run went for the submission as a whole (``extra_data.outcome``): a file
that did not import, timed out or crashed is told apart from an honest 0."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from grader.errors import (LimitExceeded, NotImplementedYet, StudentException, StudentTimeout,
                           SubmissionNotImportable, WorkerCrashed)
from grader.result import OUTCOMES, outcome_of


def test_the_first_error_that_stopped_the_code_decides():
    assert outcome_of([]) == ("completed", "")
    answered = [StudentException("sigmoid", "ValueError", "bad"), NotImplementedYet("f", "NotImplementedError", "")]
    assert outcome_of(answered) == ("completed", "")
    assert outcome_of([SubmissionNotImportable(
        '  File "backprop.py", line 3\n    def f(\n         ^\nSyntaxError: \'(\' was never closed')]) == (
        "import error", "SyntaxError: '(' was never closed (line 3)")
    assert outcome_of([SubmissionNotImportable(
        "importing it took longer than 60 s (the time limit for top-level code). Move demo "
        "code under `if __name__ == \"__main__\":`.")]) == (
        "import time limit", "importing it took longer than 60 s")
    restarted = SubmissionNotImportable("the process running your code was restarted 5 times "
                                        "after timeouts or crashes; the remaining tests were not run")
    assert outcome_of([WorkerCrashed("affine_forward", "killed by signal SIGSEGV"), restarted]) == (
        "crash", "the process died while running affine_forward (killed by signal SIGSEGV)")
    assert outcome_of([StudentException("f", "KeyError", "x"), StudentTimeout("sigmoid", 5.0),
                       WorkerCrashed("g", "exit code 3")]) == ("time limit", "sigmoid timed out after 5 s")
    budget = LimitExceeded("mlp_loss", "submission_seconds",
                           "was stopped: your submission used up its total time limit of 300 s "
                           "(all calls together), so this and the remaining tests could not run. "
                           "Make the slow functions faster.")
    assert outcome_of([budget]) == (
        "time limit", "mlp_loss was stopped: your submission used up its total time limit of "
        "300 s (all calls together), so this and the remaining tests could not run")
    memory = LimitExceeded("sigmoid", "memory_mb", "ran out of memory: it hit the memory limit of "
                           "1024 MiB (MemoryError: ). Work on smaller arrays.")
    assert outcome_of([memory])[0] == "resource limit"
    assert {outcome_of([e])[0] for e in (budget, memory, restarted)} <= set(OUTCOMES)


#: Limits small enough that each way of failing costs a second or two.
IMPORT_SECONDS, CALL_SECONDS = 3, 2


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A course holding hw3 with short time limits."""
    root = tmp_path_factory.mktemp("outcome-course")
    for part in ("assignments", "reference"):
        shutil.copytree(ROOT / part / "hw3", root / part / "hw3",
                        ignore=shutil.ignore_patterns("__pycache__"))
    toml = root / "assignments" / "hw3" / "assignment.toml"
    text = toml.read_text()
    text = text.replace("import_time_limit = 60", f"import_time_limit = {IMPORT_SECONDS}")
    text = text.replace("time_limit = 5", f"time_limit = {CALL_SECONDS}")
    assert f"import_time_limit = {IMPORT_SECONDS}" in text and f"\ntime_limit = {CALL_SECONDS}" in text
    toml.write_text(text)
    return root


REFERENCE = (ROOT / "reference" / "hw3" / "backprop.py").read_text()
SUBMISSIONS = {
    "completed": REFERENCE,
    "import error": "import numpy as np\n\nraise ValueError('no data file here')\n",
    "import time limit": "import time\n\ntime.sleep(60)\n",
    "time limit": REFERENCE + "\n\ndef sigmoid(z):\n    while True:\n        pass\n",
    "crash": REFERENCE + "\n\ndef affine_forward(x, W, b):\n    import os\n    os._exit(3)\n",
}


@pytest.mark.parametrize("expected", list(SUBMISSIONS))
def test_a_graded_run_says_how_it_went(course, tmp_path, expected):
    from grader.assignment import load_assignment
    from grader.runner import grade

    path = tmp_path / "backprop.py"
    path.write_text(SUBMISSIONS[expected])
    result = grade(load_assignment(course, "hw3"), path, public_only=True)
    doc = result.to_dict()
    assert doc["extra_data"]["outcome"] == expected
    if expected == "completed":
        assert doc["score"] == doc["max_score"] and "outcome_detail" not in doc["extra_data"]
        return
    detail = doc["extra_data"]["outcome_detail"]
    assert {"import error": "ValueError: no data file here (line 3)",
            "import time limit": f"importing it took longer than {IMPORT_SECONDS} s",
            "time limit": f"sigmoid timed out after {CALL_SECONDS} s",
            "crash": "the process died while running affine_forward (exit code 3)"}[expected] == detail
    if expected.startswith("import"):
        assert doc["score"] == 0
