"""A batch's memory: answers are capped before they are encoded or read, so students
who return huge arrays cost the batch nothing beyond what their own code holds; and
the jobs that run at once fit in the memory the batch may use (grader.batch)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT, SUBMISSIONS
from grader.batch import GRADER_MB_PER_JOB, available_memory_mb, jobs_within_memory

sys.path.insert(0, str(ROOT / "benchmarks"))
from batch_throughput import Monitor  # noqa: E402 - the benchmarks' PSS sampler

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="grade batch runs on Linux")

#: sigmoid returns a 12000 x 12000 float64 array (1.15 GB) whatever it is given.  The
#: student's code does not write it (np.zeros: the kernel gives a page only when it is
#: written), so what the test measures is what grading it adds: encoding and sending
#: such an answer, before answers were capped, took each worker to 3.4 GB and the
#: grader to as much again.
HUGE = '''

def sigmoid(z):
    """Returns 1.15 GB, whatever z is."""
    return np.zeros((12000, 12000))
'''


@pytest.mark.slow
def test_four_students_returning_1_gb_at_four_jobs_stay_under_3_gb(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    source = (SUBMISSIONS / "hw3" / "correct_loops.py").read_text() + HUGE
    for n in range(4):
        (folder / f"huge_{n}.py").write_text(source)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "grader.cli", "batch", "hw3", str(folder), "--out", str(out),
               "--jobs", "4", "--memory-gb", "64"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    with Monitor(lambda: [process.pid], interval=0.05) as monitor:
        _, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr[-3000:]
    # PSS: the pages that forked processes share counted once, as the machine pays them
    assert monitor.samples > 20
    assert monitor.peak_kib < 3 * 1024 ** 2, f"peak {monitor.peak_kib / 1024 ** 2:.2f} GiB"
    for n in range(4):
        doc = json.loads((out / "results" / f"huge_{n}.json").read_text())
        told = [t["output"] for t in doc["tests"] if t["name"].startswith("sigmoid:")]
        assert told and all("its answer is 1.15 GB, over the limit of 16 MiB" in o and
                            "Return only what the function is asked for" in o for o in told)


def test_jobs_are_fewer_where_their_memory_limits_would_not_fit():
    per_job = 4096 + GRADER_MB_PER_JOB
    assert jobs_within_memory(8, 4096, 64 * 1024) == (8, "")
    assert jobs_within_memory(8, 4096, None) == (8, "")
    jobs, why = jobs_within_memory(8, 4096, 4 * per_job + 100)
    assert jobs == 4
    assert why.startswith("Grading 4 at a time, not 8: each job may take 4.5 GB")
    assert "memory_mb = 4096" in why and "--memory-gb" in why
    assert jobs_within_memory(2, 4096, 1024)[0] == 1  # never none
    assert jobs_within_memory(8, 1024, 24 * 1024)[0] == 8  # lower memory_mb: more jobs


def test_the_memory_available_is_read_from_the_kernel():
    available = available_memory_mb()
    assert available is not None and 0 < available < 1 << 30
    with open("/proc/meminfo") as f:
        total = int(next(line for line in f if line.startswith("MemTotal:")).split()[1]) // 1024
    assert available <= total
