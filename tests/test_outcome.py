"""How a grading run went for the submission as a whole (``extra_data.outcome``): a file
that did not import, timed out or crashed is told apart from an honest 0."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, one_assignment_course
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


#: The import time limit of the course that tests it: the other cases use hw3's own limits,
#: as a submission that imports torch can take seconds to import on a loaded machine.
IMPORT_SECONDS = 3


@pytest.fixture(scope="module")
def short_import_course(tmp_path_factory) -> Path:
    """A course holding hw3 with a short import time limit."""
    return one_assignment_course(tmp_path_factory.mktemp("outcome-course"), "hw3", {
        "import_time_limit = 60": f"import_time_limit = {IMPORT_SECONDS}"})


REFERENCE = (ROOT / "reference" / "hw3" / "backprop.py").read_text()
SUBMISSIONS = {
    "completed": REFERENCE,
    "import error": "import numpy as np\n\nraise ValueError('no data file here')\n",
    "import time limit": "import time\n\ntime.sleep(60)\n",
    # numerical_gradient: no other function of the reference calls it, so it fails once
    "time limit": REFERENCE + "\n\ndef numerical_gradient(f, x, h=1e-5):\n    while True:\n        pass\n",
    "crash": REFERENCE + "\n\ndef numerical_gradient(f, x, h=1e-5):\n    import os\n    os._exit(3)\n",
}


@pytest.mark.parametrize("expected", list(SUBMISSIONS))
def test_a_graded_run_says_how_it_went(short_import_course, tmp_path, expected):
    from grader.assignment import load_assignment
    from grader.runner import grade

    path = tmp_path / "backprop.py"
    path.write_text(SUBMISSIONS[expected])
    root = short_import_course if expected == "import time limit" else ROOT
    assignment = load_assignment(root, "hw3")
    result = grade(assignment, path, public_only=True)
    doc = result.to_dict()
    assert doc["extra_data"]["outcome"] == expected
    if expected == "completed":
        assert doc["score"] == doc["max_score"] and "outcome_detail" not in doc["extra_data"]
        return
    detail = doc["extra_data"]["outcome_detail"]
    assert {"import error": "ValueError: no data file here (line 3)",
            "import time limit": f"importing it took longer than {IMPORT_SECONDS} s",
            "time limit": f"numerical_gradient timed out after {assignment.time_limit:g} s",
            "crash": "the process died while running numerical_gradient (exit code 3)"}[expected] == detail
    if expected.startswith("import"):
        assert doc["score"] == 0
