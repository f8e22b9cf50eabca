"""What the time limits count (grader.stopwatch): a call's own time, so that a busy
machine never turns a correct call into a timeout, and a call that waits for nothing
still ends.  The worker and CPU hogs are pinned to one core, so the machine is busy
for the worker whatever else runs."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest

from conftest import call
from grader import sandbox
from grader.errors import GraderFault, StudentTimeout
from grader.limits import Limits

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="own time is measured from Linux's /proc")

STUDENT = textwrap.dedent('''
    import time

    def compute(seconds):
        end = time.process_time() + seconds
        while time.process_time() < end:
            pass
        return True

    def nap(seconds):
        time.sleep(seconds)
        return True

    def call_back(f, n):
        return [f(i) for i in range(n)]
''')


@pytest.fixture
def student_file(tmp_path):
    path = tmp_path / "timing.py"
    path.write_text(STUDENT)
    return path


@pytest.fixture
def one_busy_core():
    """Pin this process (and so the workers it starts) to one core, with two processes
    that compute for ever on it: a worker there gets a third to a half of it (a half
    where the kernel shares CPU between sessions first: autogroups)."""
    saved = os.sched_getaffinity(0)
    core = min(saved)
    os.sched_setaffinity(0, {core})
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        yield core
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
        os.sched_setaffinity(0, saved)


def worker(new_worker, path, seconds: float):
    w = new_worker(path, "timing", limits=Limits(call_seconds=seconds))
    call(w, "nap", 0)  # started (and imported) before the clock matters
    return w


def test_a_correct_call_on_a_busy_core_counts_only_its_own_time(new_worker, student_file,
                                                                one_busy_core):
    w = worker(new_worker, student_file, 1.8)
    start = time.monotonic()
    reply = call(w, "compute", 1.2)
    wall = time.monotonic() - start
    assert reply.value is True
    assert wall > 1.8, "the core was not busy: a wall-clock limit would have passed it too"
    assert 1.1 <= reply.seconds < 1.7  # its own time, not the wall clock's


def test_an_endless_loop_on_a_busy_core_stops_at_its_limit_of_own_time(new_worker, student_file,
                                                                       one_busy_core):
    w = worker(new_worker, student_file, 1.5)
    start = time.monotonic()
    with pytest.raises(StudentTimeout) as info:
        call(w, "compute", 1000)
    wall = time.monotonic() - start
    assert "timed out after 1.5 s" in info.value.student_message
    assert 1.5 <= w.seconds_used < 2.2
    assert wall > 2.25, "stretched by the busy core, as a wall-clock limit would not be"


def test_a_call_that_waits_counts_its_wait(new_worker, student_file):
    w = worker(new_worker, student_file, 1.5)
    start = time.monotonic()
    with pytest.raises(StudentTimeout):
        call(w, "nap", 1000)
    assert time.monotonic() - start < 10


def test_the_graders_time_in_callbacks_is_not_the_students(new_worker, student_file):
    w = worker(new_worker, student_file, 1.5)

    def slow(i):
        time.sleep(0.8)
        return i

    reply = call(w, "call_back", slow, 3)  # 2.4 s, all of it in the grader
    assert reply.value == [0, 1, 2]
    assert reply.seconds < 1.0


def test_a_call_the_machine_starves_is_the_graders_failure(new_worker, student_file,
                                                          one_busy_core, monkeypatch):
    """Past the wall-clock backstop without having used its limit, a call is not judged:
    the submission gets no verdict (GraderFault), rather than a timeout it did not earn."""
    monkeypatch.setattr(sandbox, "WALL_FACTOR", 1.0)
    monkeypatch.setattr(sandbox, "WALL_SLACK", 0.0)
    w = worker(new_worker, student_file, 1.5)
    with pytest.raises(GraderFault) as info:
        call(w, "compute", 1.2)
    assert "the machine was too busy" in str(info.value)
    assert w.fault is info.value
