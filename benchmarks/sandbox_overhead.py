"""What the worker's isolation costs per submission, and print the figures.

Compares, in one warm process and interleaved run by run, the two isolations of
``grader.sandbox`` (docs/sandbox.md):

- ``namespaces``: unshare(1) namespaces, the file system view, uid 65534 when root,
  plus everything below;
- ``process``: a process in its own session with rlimits, a scrubbed environment and
  captured output (what every platform gets).

Three measures: starting a worker on a two-line submission and making one call (the
fixed cost of the protections, free of the submission's own imports); 50 calls in
that worker (the per-call cost); and grading the hw3 reference with its whole hidden
suite (``grader.runner.grade``: torch imported in the worker, 33 tests), which is
noisier on a 2-core machine.

    python benchmarks/sandbox_overhead.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.assignment import load_assignment  # noqa: E402
from grader.runner import grade  # noqa: E402
from grader.sandbox import Worker, isolation  # noqa: E402

REFERENCE = ROOT / "reference" / "hw3" / "backprop.py"
TINY = "def add_one(x):\n    return x + 1\n"


def use(mode: str) -> str:
    os.environ["GRADER_ISOLATION"] = mode
    isolation.cache_clear()
    return isolation()[0]


def start_and_call(tiny: Path) -> tuple[float, float]:
    """Seconds to start a worker and make one call; then seconds per call."""
    start = time.perf_counter()
    worker = Worker(tiny, "tiny", hidden=(ROOT,))
    try:
        worker.call("add_one", None, (1,), {}, label="add_one")
        started = time.perf_counter()
        for _ in range(50):
            worker.call("add_one", None, (1,), {}, label="add_one")
        per_call = (time.perf_counter() - started) / 50
    finally:
        worker.close()
    return started - start, per_call


def grade_once(assignment) -> float:
    start = time.perf_counter()
    result = grade(assignment, REFERENCE)
    assert result.score == result.max_score, result.to_dict()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="worker starts per isolation")
    parser.add_argument("--grades", type=int, default=6, help="hw3 gradings per isolation")
    args = parser.parse_args()
    assignment = load_assignment(ROOT, "hw3")
    got = use("auto")
    if got != "namespaces":
        sys.exit(f"namespaces are not available here ({isolation()[1]}); nothing to compare")
    modes = ("namespaces", "process")
    with tempfile.TemporaryDirectory() as folder:
        tiny = Path(folder) / "tiny.py"
        tiny.write_text(TINY)
        for mode in modes:  # warm up: the OS caches, torch's first import
            use(mode)
            start_and_call(tiny)
            grade_once(assignment)
        starts = {m: [] for m in modes}
        calls = {m: [] for m in modes}
        grades = {m: [] for m in modes}
        for _ in range(args.repeat):
            for mode in modes:
                use(mode)
                first, per_call = start_and_call(tiny)
                starts[mode].append(first)
                calls[mode].append(per_call)
        for _ in range(args.grades):
            for mode in modes:
                use(mode)
                grades[mode].append(grade_once(assignment))
    print(f"sandbox overhead on {os.cpu_count()} cores, uid {os.geteuid()} (runs interleaved)")
    for title, table in (("worker start + one call, two-line submission", starts),
                         ("one call in a started worker", calls),
                         ("grade hw3 reference, whole hidden suite", grades)):
        ns, pr = statistics.median(table["namespaces"]), statistics.median(table["process"])
        print(f"  {title}")
        for mode in modes:
            values = table[mode]
            print(f"    {mode:<10}: median {statistics.median(values) * 1000:7.1f} ms "
                  f"(min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f}, n={len(values)})")
        print(f"    namespaces cost: {(ns - pr) * 1000:+.1f} ms (difference of the medians)")


if __name__ == "__main__":
    main()
