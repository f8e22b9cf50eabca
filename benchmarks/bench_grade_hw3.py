"""Time `grade hw3` on the reference submission and print the figures.

Cold start: the whole command in a new process (interpreter, imports, worker start,
grading), as a student runs it, beside its floor measured in the same run: a bare
``python -c "import numpy, torch"``, which any run that uses torch pays at least once
(the target: the whole command under 2.2 s where the floor is about 1.34 s, a 2-core
machine).  A second floor leaves out the interpreter's collections of torch's objects at
exit (``gc.freeze()``, about 0.4 s), which ``grade`` skips the same way
(``grader.cli.main``): the first floor is the issue's, the second what is left of it.
Grading itself: ``grader.runner.grade`` in a warm process, which is what a batch of
submissions pays per submission.

For figures that do not depend on what else the machine runs, run it with a real-time
priority (as root: ``chrt -f 10 python benchmarks/bench_grade_hw3.py``): the commands it
times inherit it.

    python benchmarks/bench_grade_hw3.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference" / "hw3" / "backprop.py"


GRADE = [sys.executable, "-m", "grader.cli", "hw3", "--submission", str(REFERENCE), "--format", "json"]
FLOOR = [sys.executable, "-c", "import numpy, torch"]
FLOOR_FROZEN = [sys.executable, "-c", "import gc, numpy, torch; gc.freeze()"]


def cold(repeat: int) -> tuple[list[float], list[float], list[float]]:
    """Wall-clock seconds of ``grade hw3`` and of its two floors, run alternately so
    that all three see the same machine."""
    times, floor, frozen = [], [], []
    for _ in range(repeat):
        for command, into in ((FLOOR, floor), (GRADE, times), (FLOOR_FROZEN, frozen)):
            start = time.perf_counter()
            subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
            into.append(time.perf_counter() - start)
    return times, floor, frozen


def warm(repeat: int) -> tuple[list[float], float]:
    start = time.perf_counter()
    from grader.assignment import load_assignment
    from grader.runner import grade

    import torch  # noqa: F401 - imported by the suite; timed separately
    imports = time.perf_counter() - start
    assignment = load_assignment(ROOT, "hw3")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = grade(assignment, REFERENCE)
        times.append(time.perf_counter() - start)
        assert result.score == result.max_score, result.to_dict()
    return times, imports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    c, floor, frozen = cold(args.repeat)
    w, imports = warm(args.repeat)
    print(f"grade hw3 on the reference ({args.repeat} runs each)")
    print(f"  cold start, whole command : median {statistics.median(c):.2f} s  (min {min(c):.2f}, max {max(c):.2f})"
          f"  target < 2.2 s")
    print(f"  floor: import numpy, torch: median {statistics.median(floor):.2f} s  (min {min(floor):.2f}, max {max(floor):.2f})")
    print(f"  floor without the exit's collections (gc.freeze): median {statistics.median(frozen):.2f} s"
          f"  (min {min(frozen):.2f}, max {max(frozen):.2f})")
    print(f"  above the floor           : {statistics.median(c) - statistics.median(floor):.2f} s; "
          f"above the second: {statistics.median(c) - statistics.median(frozen):.2f} s")
    print(f"  grader imports (one-off)  : {imports:.2f} s")
    print(f"  grading, warm process     : median {statistics.median(w):.2f} s  (min {min(w):.2f}, max {max(w):.2f})")


if __name__ == "__main__":
    main()
