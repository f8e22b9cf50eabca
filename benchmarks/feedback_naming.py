"""How many realistic wrong submissions get feedback that names their actual mistake.

For each assignment with a folder ``tests/feedback/hwN/`` (whole submissions written the
way students write them, each with one mistake from the mined catalogue), grades the
folder with ``grade batch`` and judges each submission's feedback with
``tests/feedback/naming.py``: it counts when a failed test names the mistake and nothing
in the feedback misleads (no other known mistake, mutant wording or generic remark).

Usage::

    python benchmarks/feedback_naming.py            # every assignment that has a folder
    python benchmarks/feedback_naming.py hw3 -v     # one, with each submission's verdict

Prints one line per assignment, ``hw3  15/16  94%``, and with ``-v`` what each
submission that does not count got instead.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "feedback"))

import naming  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("assignments", nargs="*", help="e.g. hw3 (default: every assignment with submissions)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show each submission that does not count")
    parser.add_argument("--jobs", type=int, default=2, help="submissions graded at once (default 2)")
    options = parser.parse_args(argv)
    wanted = options.assignments or sorted(naming.expected())
    total_counted = total = 0
    for assignment in wanted:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as out:
            docs = naming.grade_folder(assignment, Path(out), jobs=options.jobs)
        counted, n, verdicts = naming.figure(assignment, docs)
        total_counted, total = total_counted + counted, total + n
        print(f"{assignment}  {counted}/{n}  {100 * counted / n:.0f}%  ({time.perf_counter() - started:.0f} s)",
              flush=True)
        if options.verbose:
            for v in verdicts:
                if not v.counts:
                    print(f"    {v.name}: named={v.named} misleading={v.misleading}")
    if total:
        print(f"all  {total_counted}/{total}  {100 * total_counted / total:.0f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
