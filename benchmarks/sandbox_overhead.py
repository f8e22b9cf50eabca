"""What the worker's isolation costs per submission, and print the figures.

Compares, in one warm process and interleaved run by run, the two isolations of
``grader.sandbox`` (docs/sandbox.md):

- ``namespaces``: unshare(1) namespaces, the file system view, uid 65534 when root,
  plus everything below;
- ``process``: a process in its own session with rlimits, a scrubbed environment and
  captured output (what every platform gets).

Two measures: starting a worker, importing the hw3 reference in it and making one
call (the fixed cost a submission pays); and grading the hw3 reference with its whole
hidden suite (``grader.runner.grade``).  Per-call costs do not change with the
isolation (the same pipes), so the difference is the cost of the protections.

    python benchmarks/sandbox_overhead.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.assignment import load_assignment  # noqa: E402
from grader.runner import grade  # noqa: E402
from grader.sandbox import Worker, isolation  # noqa: E402

REFERENCE = ROOT / "reference" / "hw3" / "backprop.py"


def use(mode: str) -> str:
    os.environ["GRADER_ISOLATION"] = mode
    isolation.cache_clear()
    return isolation()[0]


def start_and_call(assignment) -> float:
    start = time.perf_counter()
    worker = Worker(REFERENCE, assignment.module, limits=assignment.limits,
                    data_dirs=(assignment.directory / "data",), hidden=(ROOT,))
    try:
        worker.call("sigmoid", None, (0.0,), {}, label="sigmoid")
    finally:
        worker.close()
    return time.perf_counter() - start


def grade_once(assignment) -> float:
    start = time.perf_counter()
    result = grade(assignment, REFERENCE)
    assert result.score == result.max_score, result.to_dict()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    assignment = load_assignment(ROOT, "hw3")
    got = use("auto")
    if got != "namespaces":
        sys.exit(f"namespaces are not available here ({isolation()[1]}); nothing to compare")
    modes = ("namespaces", "process")
    for mode in modes:  # warm up: the OS caches, torch's first import
        use(mode)
        start_and_call(assignment)
    starts = {m: [] for m in modes}
    grades = {m: [] for m in modes}
    for _ in range(args.repeat):
        for mode in modes:
            use(mode)
            starts[mode].append(start_and_call(assignment))
    for _ in range(max(2, args.repeat // 3)):
        for mode in modes:
            use(mode)
            grades[mode].append(grade_once(assignment))
    print(f"sandbox overhead on {os.cpu_count()} cores, uid {os.geteuid()} "
          f"({args.repeat} interleaved runs of each)")
    for title, table in (("worker start + import hw3 reference + one call", starts),
                         ("grade hw3 reference, whole hidden suite", grades)):
        ns, pr = statistics.median(table["namespaces"]), statistics.median(table["process"])
        print(f"  {title}")
        for mode in modes:
            values = table[mode]
            print(f"    {mode:<10}: median {statistics.median(values) * 1000:7.1f} ms "
                  f"(min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f}, n={len(values)})")
        print(f"    namespaces cost: {(ns - pr) * 1000:+.1f} ms per submission")


if __name__ == "__main__":
    main()
