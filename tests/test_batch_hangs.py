"""`grade batch` never hangs: a grading process that makes no progress is stopped,
reported and graded again in a fresh process; a slot never forks with a thread that a
forked child would lack (grader.slot)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SUBMISSIONS, failed_names, processes_in_environment, run_grade, \
    wait_until_gone
from grader.gradebook import Gradebook
from grader.errors import ConfigurationError
from grader.slot import STALL_SECONDS, Watchdog, stall_seconds

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="grade batch runs on Linux")

NAMES = ["correct_loops.py", "wrong_bce_sum.py"]

#: appended to the copy's reference: the first grading process forked from a slot
#: that calls the reference's sigmoid waits for ever, using no CPU (as one that
#: inherited a lock or a thread pool from its slot would)
PLANTED_HANG = '''

# --- planted by tests/test_batch_hangs.py
import os as _os
import threading as _threading


def _forked_grading_process():
    parent = open(f"/proc/{_os.getppid()}/cmdline", "rb").read()
    return b"grader.slot" in parent and b"--grade-one" not in open("/proc/self/cmdline", "rb").read()


def _planted_hang():
    marker = _os.environ.get("PLANTED_HANG", "")
    if marker and _os.path.exists(marker) and _forked_grading_process():
        _os.unlink(marker)
        _threading.Event().wait()


_sigmoid = sigmoid


def sigmoid(z):
    _planted_hang()
    return _sigmoid(z)
'''

#: appended to the copy's reference: a thread, started when the slot imports it, that
#: holds a lock most of the time; the reference's sigmoid takes the lock.  A grading
#: process forked while the thread holds it would wait for ever.
THREAD_WITH_A_LOCK = '''

# --- planted by tests/test_batch_hangs.py
import threading as _threading
import time as _time

_lock = _threading.Lock()


def _hold():
    while True:
        with _lock:
            _time.sleep(0.05)
        _time.sleep(0.001)


_threading.Thread(target=_hold, daemon=True).start()
_sigmoid = sigmoid


def sigmoid(z):
    with _lock:
        pass
    return _sigmoid(z)
'''


def course_with(tmp_path: Path, addition: str) -> Path:
    course = tmp_path / "course"
    for part in ("assignments", "reference"):
        shutil.copytree(ROOT / part / "hw3", course / part / "hw3",
                        ignore=shutil.ignore_patterns("__pycache__"))
    reference = course / "reference" / "hw3" / "backprop.py"
    reference.write_text(reference.read_text() + addition)
    return course


def a_class(tmp_path: Path) -> Path:
    folder = tmp_path / "class"
    folder.mkdir()
    for name in NAMES:
        shutil.copyfile(SUBMISSIONS / "hw3" / name, folder / name)
    return folder


def assert_alone_verdicts(out: Path, graded) -> None:
    with Gradebook(out / "gradebook.sqlite", "hw3") as book:
        got = {e.student: e for e in book.entries()}
    for name in NAMES:
        alone = graded("hw3", SUBMISSIONS / "hw3" / name)
        entry = got[Path(name).stem]
        assert entry.status == "graded", entry.reason
        assert (entry.score, failed_names(entry.result)) == (alone["score"], failed_names(alone))


@pytest.mark.slow
def test_a_grading_process_that_hangs_is_stopped_reported_and_graded_again(tmp_path, graded):
    course = course_with(tmp_path, PLANTED_HANG)
    marker = tmp_path / "hang-once"
    marker.touch()
    out = tmp_path / "out"
    tag = f"GRADER_HANG_TEST={tmp_path.name}"
    proc = run_grade("batch", "hw3", str(a_class(tmp_path)), "--out", str(out), "--jobs", "1",
                     cwd=course, env={"PLANTED_HANG": str(marker), "GRADER_STALL_SECONDS": "5",
                                      tag.split("=")[0]: tag.split("=")[1]}, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not marker.exists(), "no grading process hung: the test proves nothing"
    first = Path(NAMES[0]).stem
    assert (f"{first}: retrying: the grader's process for this submission made no progress "
            "for 5 s") in proc.stderr
    assert_alone_verdicts(out, graded)
    with Gradebook(out / "gradebook.sqlite", "hw3") as book:
        log = [(student, status) for student, _, status, _ in book.gradings()]
    assert log == [(first, "error"), (first, "graded"), (Path(NAMES[1]).stem, "graded")]
    stack = (out / "batch.log").read_text()
    assert "stopping the grading process" in stack and "in _planted_hang" in stack
    assert wait_until_gone(tag, 10, find=processes_in_environment)


@pytest.mark.slow
def test_a_slot_with_a_thread_starts_fresh_grading_processes(tmp_path, graded):
    course = course_with(tmp_path, THREAD_WITH_A_LOCK)
    out = tmp_path / "out"
    proc = run_grade("batch", "hw3", str(a_class(tmp_path)), "--out", str(out), "--jobs", "1",
                     cwd=course, env={"GRADER_STALL_SECONDS": "5"}, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "retrying" not in proc.stderr
    assert "grading processes are started fresh, not forked: this process has 2 threads" in \
        (out / "batch.log").read_text()
    assert_alone_verdicts(out, graded)


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_the_watchdog_stops_a_process_without_progress_only():
    clock = FakeClock()
    dog = Watchdog(stall=60, budget=1000, clock=clock)
    dog.cpu(5.0)  # the first reading: a baseline, not progress
    clock.now += 59
    assert dog.verdict() is None
    clock.now += 1
    assert "made no progress for 60 s" in dog.verdict()

    dog = Watchdog(stall=60, budget=1000, clock=clock)
    for _ in range(15):  # waiting for student code (heartbeats) or computing (CPU)
        clock.now += 30
        dog.beat()
        clock.now += 29
        dog.cpu(clock.now / 1000)
        assert dog.verdict() is None
    clock.now += 1000 - 15 * 59
    dog.beat()
    assert "was still running after 1000 s" in dog.verdict()


def test_the_watchdog_counts_cpu_only_when_it_grows():
    clock = FakeClock()
    dog = Watchdog(stall=10, budget=1000, clock=clock)
    dog.cpu(1.0)
    clock.now += 8
    dog.cpu(1.0)  # the same: no progress
    dog.cpu(None)  # unknown: no progress
    clock.now += 3
    assert dog.verdict() is not None


def test_the_stall_time_is_a_setting(monkeypatch):
    monkeypatch.delenv("GRADER_STALL_SECONDS", raising=False)
    assert stall_seconds() == STALL_SECONDS == 60
    monkeypatch.setenv("GRADER_STALL_SECONDS", "7.5")
    assert stall_seconds() == 7.5
    for wrong in ("0", "-3", "soon"):
        monkeypatch.setenv("GRADER_STALL_SECONDS", wrong)
        with pytest.raises(ConfigurationError, match="GRADER_STALL_SECONDS"):
            stall_seconds()


def test_a_wrong_stall_time_stops_the_batch_before_it_starts(tmp_path):
    proc = run_grade("batch", "hw3", str(SUBMISSIONS / "hw3" / NAMES[0]), "--out",
                     str(tmp_path / "out"), env={"GRADER_STALL_SECONDS": "soon"})
    assert proc.returncode == 3, proc.stderr
    assert "GRADER_STALL_SECONDS='soon': give a number of seconds > 0" in proc.stderr
