"""`grade batch` on every assignment: a class of correct, wrong, hanging and
unimportable submissions gets, student by student, the verdict `grade hwN
--submission` gives alone; and so it does for hw3 and hw6 (torch) with --jobs 8 on this
machine and a CPU-bound process running beside the batch (grader.stopwatch,
grader.slot)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SUBMISSIONS, failed_names, run_grade
from grader.gradebook import Gradebook

pytestmark = [pytest.mark.skipif(not sys.platform.startswith("linux"), reason="grade batch runs on Linux"),
              pytest.mark.slow]

#: per assignment: its correct submission, and the function made to loop for ever in
#: the hanging one (one that few others call, so that it costs one time limit)
CLASSES = {
    "hw1": ("correct_loops.py", "train_dev_split"),
    "hw2": ("correct_loops.py", "ema"),
    "hw3": ("correct_loops.py", "numerical_gradient"),
    "hw4": ("correct_loops.py", "select_lambda"),
    "hw5": ("correct_loops.py", "accuracy"),
    "hw6": ("correct_by_hand.py", "evaluate"),
    "hw7": ("correct_loops.py", "dropout_backward"),
}

#: a batch that takes longer than this has hung (the class's own time is well under it)
BATCH_SECONDS = 600


@pytest.fixture(scope="session")
def made(tmp_path_factory):
    """``made(assignment)``: the folder with the assignment's hanging submission
    (``hangs.py``: its correct one with a function made to loop for ever) and its
    unimportable one (``not_importable.py``: the same with a syntax error), made once
    per session, so that each is graded alone once."""
    root = tmp_path_factory.mktemp("made")

    def get(assignment: str) -> Path:
        folder = root / assignment
        if not folder.is_dir():
            folder.mkdir()
            good, looping = CLASSES[assignment]
            text = (SUBMISSIONS / assignment / good).read_text()
            (folder / "hangs.py").write_text(
                f"{text}\n\ndef {looping}(*args, **kwargs):  # left unfinished\n"
                "    while True:\n        pass\n")
            (folder / "not_importable.py").write_text(text + "\n\ndef unfinished(:\n")
        return folder

    return get


def a_class(made, assignment: str, wrong: int = 1, correct: int = 1) -> list[Path]:
    """The first ``correct`` correct and ``wrong`` wrong submissions in tests/submissions
    (its correct one of ``CLASSES`` first), and the hanging and unimportable ones."""
    good, _ = CLASSES[assignment]
    source = SUBMISSIONS / assignment
    corrects = [good] + sorted(p.name for p in source.glob("correct_*.py") if p.name != good)
    files = [source / name for name in corrects[:correct]]
    files += sorted(source.glob("wrong_*.py"))[:wrong]
    return files + sorted(made(assignment).glob("*.py"))


def assert_alone_verdicts(assignment: str, files: list[Path], out: Path, graded) -> None:
    """Every student's batch result is what grading the file alone gives: the score and
    the names of the failed tests."""
    with Gradebook(out / "gradebook.sqlite", assignment) as book:
        got = {e.student: e for e in book.entries()}
    assert sorted(got) == sorted(p.stem for p in files)
    for path in files:
        alone = graded(assignment, path)
        entry = got[path.stem]
        assert entry.status == "graded", f"{path.name}: {entry.reason}"
        assert (entry.score, failed_names(entry.result)) == \
            (alone["score"], failed_names(alone)), path.name
    assert got["not_importable"].score == 0
    hung = [t for t in got["hangs"].result["tests"] if "timed out after" in t["output"]]
    assert hung, "the hanging submission did not time out: the class proves less"


@pytest.mark.parametrize("assignment", sorted(CLASSES))
def test_a_class_gets_its_alone_verdicts(assignment, tmp_path, graded, made):
    files = a_class(made, assignment)
    out = tmp_path / "out"
    proc = run_grade("batch", assignment, *map(str, files), "--out", str(out),
                     timeout=BATCH_SECONDS)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "retrying" not in proc.stderr, proc.stderr[-3000:]
    assert_alone_verdicts(assignment, files, out, graded)


@pytest.fixture
def cpu_hog():
    """A process that computes for ever beside the batch: one core of this machine busy."""
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    yield hog
    hog.kill()
    hog.wait()


@pytest.mark.parametrize("assignment", ["hw3", "hw6"])
def test_eight_jobs_beside_a_cpu_hog_give_the_alone_verdicts(assignment, tmp_path, graded,
                                                             made, cpu_hog):
    """--jobs 8 (on a 2-core machine: four gradings per core, and a core taken by the
    hog).  --memory-gb lets eight run at once whatever this machine has free: what is
    tested here is time, not memory."""
    files = a_class(made, assignment, wrong=4, correct=2)
    assert len(files) == 8
    out = tmp_path / "out"
    proc = run_grade("batch", assignment, *map(str, files), "--out", str(out),
                     "--jobs", "8", "--memory-gb", "64", timeout=BATCH_SECONDS)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "at a time" not in proc.stderr  # all eight at once
    assert cpu_hog.poll() is None
    assert_alone_verdicts(assignment, files, out, graded)
