"""How long `grade audit` takes, per assignment, and the figures it reports.

    python benchmarks/audit_time.py            every assignment with a hidden suite
    python benchmarks/audit_time.py hw3 hw5    those
    python benchmarks/audit_time.py --quick    without mutation testing (what CI runs)

For each assignment: the wall time of the whole audit (the reference graded here, the
public tests, then every variant graded with the batch machinery at one job per core,
and the survivors compared with the reference), the variants graded, the mutants,
killed, equivalent, accepted and surviving ones, the mutation score, the all-trivial
submissions' best score, and whether the audit passes.  The target is under 5 minutes
per assignment on the course's 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.assignment import list_assignments  # noqa: E402
from grader.audit import audit  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--quick", action="store_true", help="leave out mutation testing")
    args = parser.parse_args()
    chosen = [a for a in list_assignments(ROOT) if a.has_hidden_suite()
              and (not args.names or a.name in args.names)]
    print(f"{os.cpu_count()} cores; {'quick' if args.quick else 'full'} audit")
    print(f"{'':6}{'seconds':>9}{'mutants':>9}{'killed':>8}{'equiv':>7}{'accept':>8}"
          f"{'surv':>6}{'score':>8}{'trivial':>9}  result")
    total = 0.0
    for assignment in chosen:
        started = time.monotonic()
        report = audit(assignment, mutation=not args.quick)
        seconds = time.monotonic() - started
        total += seconds
        score = report.mutation_score
        print(f"{assignment.name:6}{seconds:9.1f}{len(report.mutants):9}{report.count('killed'):8}"
              f"{report.count('equivalent', 'recorded-equivalent'):7}{report.count('accepted'):8}"
              f"{report.count('survived'):6}{'' if score is None else f'{score:.1%}':>8}"
              f"{max(report.all_trivial.values(), default=0):9g}  "
              f"{'pass' if report.passed else 'FAIL'}", flush=True)
    print(f"total {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
