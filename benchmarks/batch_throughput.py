"""Throughput of ``grade batch`` against one ``grade hwN`` process per submission.

What it measures
    For each assignment asked (``--assignments``, hw3 and hw6 by default), a class of
    submissions is graded twice:

    * hw3 (NumPy layers and a little autograd): ``hw3_class.py``, the correct solutions
      in rotation, most with 0-2 realistic mistakes, ~2% that hang in one function and
      ~2% that fail at import (fixed seed: the same class every run);
    * hw6 (torch: a ``Dataset``, ``DataLoader``s, training a small network):
      ``hw6_class.py``, the hand-written submissions of ``tests/submissions/hw6/`` and
      the reference in rotation, with the same shares that hang or fail at import.

    * **batch**: ``grade batch hwN DIR --out OUT --jobs J``, one command whose warm
      slot processes fork a grader and a worker per submission;
    * **alternative**: a fresh ``grade hwN --submission FILE --format json`` process per
      submission, J running at a time (the same parallelism), each of which imports
      torch and pytest and spawns a fresh worker interpreter.

    Both are timed on the wall clock.  Memory: every 0.1 s (``--sample-interval``)
    the PSS (proportional set size, from ``/proc/PID/smaps_rollup``) of every process
    of the measured process trees is summed (the batch command and all its
    descendants; for the alternative, all its running ``grade`` processes and their
    descendants), and the peak of those sums is reported.  PSS, not RSS, because
    forked processes share pages: RSS would count the shared torch pages once per
    process.  Reading smaps_rollup is not free (the kernel walks each process's page
    tables), so the sampler's own CPU time is reported too: it comes out of the same
    cores as the grading.

    The machine may be shared (other test suites, other benchmarks), so each run also
    reports the whole machine's mean busy cores (``/proc/stat``) and the mean number of
    running processes outside the measured trees at each sample: figures taken while
    others were running are not comparable.

    Every submission must get the same score both ways; any mismatch is printed and
    the script exits with status 1 (it is a correctness check of the batch as well).

Definitions
    throughput      submissions / wall-clock seconds.
    tests' own time for a submission: ``execution_time`` in the batch's own results
                    document (``OUT/results/<student>.json``): its pytest run, with a
                    worker started warm (forked from the zygote).
    overhead        per submission, beyond the tests' own time:
                        wall-clock x jobs / submissions - mean(tests' own time)
                    i.e. the job-seconds each submission occupies minus the time its
                    tests need anyway.  For the alternative the mean is taken over the
                    same submissions it graded, so the two overheads are comparable.
    own execution_time: also printed, the mean ``execution_time`` of each way's own
                    documents (the alternative's includes a cold worker start).

    With ``--alt-n N`` the alternative grades only the first N submissions (it is the
    slow one) and its throughput comes from those; the output says so.

    The closing note gives each assignment's throughput ratio (batch / alternative),
    from this one run of each, beside its target (``TARGETS``: at least 5x for hw3 and
    3x for hw6).

Run (from the repository root; the default takes about 25 minutes on 2 cores):

    python benchmarks/batch_throughput.py [--assignments hw3,hw6] [--n N] [--jobs 2]
                                          [--alt-n N] [--seed S] [--sample-interval S]
                                          [--keep]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from statistics import mean
from typing import Callable, Iterable

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hw3_class  # noqa: E402
import hw6_class  # noqa: E402
from hw3_class import describe  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GRADE = [sys.executable, "-m", "grader.cli"]
DEFAULT_INTERVAL = 0.1
#: per assignment: the class maker, the default class size, and the smallest throughput
#: ratio (batch / a fresh process per submission) it should reach
CLASSES = {"hw3": (hw3_class.make_class, 200), "hw6": (hw6_class.make_class, 40)}
TARGETS = {"hw3": 5.0, "hw6": 3.0}


# ------------------------------------------------------------------ sampling
def _processes() -> dict[int, tuple[int, bytes]]:
    """Every process's (parent pid, state letter), from ``/proc/*/stat``."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        found[int(entry.name)] = (int(fields[1]), fields[0])
    return found


def _pss_kib(pid: int) -> int:
    """PSS of one process in KiB (0 when it is gone or a zombie)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(roots: Iterable[int], processes: dict[int, tuple[int, bytes]]) -> set[int]:
    """``roots`` and all their descendants."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in processes.items():
        children.setdefault(ppid, []).append(pid)
    tree, stack = set(), list(roots)
    while stack:
        pid = stack.pop()
        if pid not in tree:
            tree.add(pid)
            stack.extend(children.get(pid, ()))
    return tree


def _cpu_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine since boot, from ``/proc/stat``."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # without guest time, already counted in user
    return total - idle, total


class Monitor:
    """While in use: every ``interval`` seconds (in a thread), the summed PSS of the trees
    of ``roots()`` (peak kept), and how many processes outside them and this one are
    running (the machine is shared: their mean says how much CPU others took).  Also
    the machine's CPU use between start and stop, and the sampler's own CPU time."""

    def __init__(self, roots: Callable[[], list[int]], interval: float = DEFAULT_INTERVAL):
        self.roots = roots
        self.interval = interval
        self.peak_kib = 0
        self.samples = 0
        self.others_running = 0.0  # mean over samples
        self.sampler_cpu = 0.0
        self.busy_cores = 0.0  # mean over the run, whole machine
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        others = 0
        next_at = time.monotonic()
        while True:  # on a fixed grid; ticks missed while a sample ran are skipped
            next_at += self.interval
            now = time.monotonic()
            if next_at < now:
                next_at += (now - next_at) // self.interval * self.interval + self.interval
            if self._stop.wait(next_at - now):
                break
            roots = self.roots()
            if not roots:
                continue
            processes = _processes()
            tree = _tree(roots, processes)
            self.peak_kib = max(self.peak_kib, sum(_pss_kib(pid) for pid in tree))
            others += sum(1 for pid, (_, state) in processes.items()
                          if state == b"R" and pid not in tree and pid != me)
            self.samples += 1
        self.others_running = others / max(1, self.samples)
        self.sampler_cpu = time.thread_time()

    def __enter__(self) -> "Monitor":
        self._jiffies = _cpu_jiffies()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        busy, total = (now - then for now, then in zip(_cpu_jiffies(), self._jiffies))
        self.busy_cores = busy / max(1, total) * (os.cpu_count() or 1)


# ------------------------------------------------------------------ the two ways
@dataclass
class Run:
    """One way of grading the class: how long, how much memory, and per student the
    score and ``execution_time`` of its results document (None where it has none)."""
    submissions: int
    seconds: float
    monitor: Monitor
    cpu: float = 0.0  # CPU seconds of every process of this way, waited for
    scores: dict[str, float | None] = field(default_factory=dict)
    times: dict[str, float | None] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def read(self, student: str, document: Path) -> None:
        """Take ``student``'s score and execution time from a results.json document."""
        try:
            doc = json.loads(document.read_text(encoding="utf-8"))
            self.scores[student] = float(doc["score"])
            self.times[student] = float(doc["execution_time"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            self.scores.setdefault(student, None)
            self.times[student] = None
            self.problems.append(f"{student}: no usable results document {document} "
                                 f"({type(exc).__name__}: {exc})")


def _children_cpu() -> float:
    """CPU seconds (user + system) of this process's children that ended and were
    waited for, and of theirs: a grading way's whole process tree, once it is over
    (each process in it waits for those it starts: the batch for its slots, a slot for
    its grading processes and zygote, a zygote for its workers, ``grade`` for its
    workers and probe)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_batch(assignment: str, files: list[Path], class_dir: Path, out: Path, jobs: int,
              interval: float) -> Run:
    """``grade batch`` on the whole class directory; scores from ``out/results/``."""
    log_path = out.parent / "batch-command.log"
    command = [*GRADE, "batch", assignment, str(class_dir), "--out", str(out),
               "--jobs", str(jobs)]
    with open(log_path, "wb") as log:
        start, cpu = time.perf_counter(), _children_cpu()
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        with Monitor(lambda: [process.pid], interval) as monitor:
            code = process.wait()
        seconds = time.perf_counter() - start
    run = Run(len(files), seconds, monitor, _children_cpu() - cpu)
    if code != 0:
        tail = log_path.read_text(errors="replace")[-2000:]
        run.problems.append(f"grade batch exited with status {code}; its output ends:\n{tail}")
    for path in files:
        run.read(path.stem, out / "results" / f"{path.stem}.json")
    return run


def run_alternative(assignment: str, files: list[Path], scratch: Path, jobs: int,
                    interval: float) -> Run:
    """One ``grade hwN --submission FILE --format json`` process per file, ``jobs`` at
    a time; scores from each one's JSON document on stdout."""
    scratch.mkdir(parents=True, exist_ok=True)
    pending = list(reversed(files))
    running: dict[Path, subprocess.Popen] = {}
    lock = threading.Lock()
    codes: dict[Path, int] = {}

    def roots() -> list[int]:
        with lock:
            return [p.pid for p in running.values()]

    start, cpu = time.perf_counter(), _children_cpu()
    with Monitor(roots, interval) as monitor:
        while pending or running:
            while pending and len(running) < jobs:
                path = pending.pop()
                with open(scratch / f"{path.stem}.json", "wb") as stdout, \
                        open(scratch / f"{path.stem}.err", "wb") as stderr:
                    process = subprocess.Popen(
                        [*GRADE, assignment, "--submission", str(path), "--format", "json"],
                        cwd=ROOT, stdout=stdout, stderr=stderr)
                with lock:
                    running[path] = process
            time.sleep(0.01)
            for path, process in list(running.items()):
                if process.poll() is not None:
                    codes[path] = process.returncode
                    with lock:
                        del running[path]
    seconds = time.perf_counter() - start
    run = Run(len(files), seconds, monitor, _children_cpu() - cpu)
    for path in files:
        if codes[path] != 0:
            run.problems.append(f"{path.stem}: grade {assignment} exited with status "
                                f"{codes[path]}")
        run.read(path.stem, scratch / f"{path.stem}.json")
    return run


# ------------------------------------------------------------------ report
def machine_lines() -> list[str]:
    try:
        torch = metadata.version("torch")
    except metadata.PackageNotFoundError:
        torch = "not installed"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [f"date     {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
            f"machine  {cores} cores usable ({os.cpu_count()} online), {platform.machine()}, "
            f"{platform.system()} {platform.release()}",
            f"python   {platform.python_version()}, torch {torch}"]


def mismatches(batch: Run, alternative: Run) -> list[str]:
    """The students the alternative graded whose two scores differ (or are missing)."""
    return [student for student, score in alternative.scores.items()
            if score is None or batch.scores.get(student) != score]


def _mean_of(times: dict[str, float | None], students: Iterable[str]) -> float | None:
    values = [times.get(s) for s in students]
    values = [v for v in values if v is not None]
    return mean(values) if values else None


def ratio(batch: Run, alternative: Run) -> float:
    """Throughput of the batch over that of the alternative."""
    return (batch.submissions / batch.seconds) / (alternative.submissions / alternative.seconds)


def cpu_ratio(batch: Run, alternative: Run) -> float:
    """CPU seconds per submission of the alternative over those of the batch: the
    throughput ratio on a machine that runs nothing else, where both ways are bound
    by the CPU (jobs = cores)."""
    return (alternative.cpu / alternative.submissions) / (batch.cpu / batch.submissions)


def table(batch: Run, alternative: Run, jobs: int) -> list[str]:
    """The side-by-side figures."""
    def tests_time(run: Run) -> float | None:  # the batch's figures, for run's students
        return _mean_of(batch.times, run.scores)

    def seconds(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2f} s"

    def overhead(run: Run) -> str:
        own = tests_time(run)
        return seconds(None if own is None else run.seconds * jobs / run.submissions - own)

    rows = [("submissions graded", lambda r: f"{r.submissions}"),
            ("wall clock", lambda r: f"{r.seconds:.1f} s"),
            ("throughput", lambda r: f"{r.submissions / r.seconds:.3f} /s"),
            ("mean tests' own time", lambda r: seconds(tests_time(r))),
            ("overhead per submission", overhead),
            ("(own execution_time)", lambda r: seconds(_mean_of(r.times, r.scores))),
            ("CPU per submission", lambda r: f"{r.cpu / r.submissions:.2f} s"),
            ("peak memory (PSS)", lambda r: f"{r.monitor.peak_kib / 1024:.0f} MiB"),
            ("memory samples", lambda r: f"{r.monitor.samples}"),
            ("machine CPU busy (cores)", lambda r: f"{r.monitor.busy_cores:.2f}"),
            ("others running (mean)", lambda r: f"{r.monitor.others_running:.2f}"),
            ("sampler's own CPU", lambda r: f"{r.monitor.sampler_cpu:.1f} s")]
    lines = [f"  {'':26}{'batch':>14}{'alternative':>14}"]
    lines += [f"  {name:26}{show(batch):>14}{show(alternative):>14}" for name, show in rows]
    lines.append(f"  throughput ratio batch / alternative: {ratio(batch, alternative):.2f}x")
    lines.append(f"  CPU ratio alternative / batch, per submission: "
                 f"{cpu_ratio(batch, alternative):.2f}x")
    return lines


DEFINITIONS = """\
definitions:
  throughput = submissions / wall-clock seconds (jobs = {jobs} for both).
  tests' own time = the submission's execution_time in the batch's results document
    (its pytest run, worker started warm); the same batch figure is used for both columns.
  overhead per submission = wall clock x jobs / submissions - mean(tests' own time),
    the mean over the submissions that column graded: the job-seconds a submission
    occupies beyond what its tests need.
  (own execution_time) = the mean execution_time in each way's own results documents:
    pytest.main's duration, which for the alternative includes a cold worker start (a
    fresh interpreter importing torch) and a first collection of the suite.
  peak memory = the highest sum, over samples every {sample} s, of the PSS of every
    process in the measured trees (PSS shares forked pages fairly; RSS would not).
  CPU per submission = user + system seconds of every process of that way (the batch
    command and all it started, warm-up included; each grade process and all it
    started), over the submissions it graded.  Others' load does not change it: its
    ratio is the throughput ratio on a machine that runs nothing else.
  machine CPU busy = mean busy cores of the whole machine during the run (/proc/stat).
  others running = mean number of running processes outside the measured trees at each
    sample: 0 on a quiet machine, about 1 when something else took one core throughout.
  sampler's own CPU = CPU time of the sampling thread (reading smaps_rollup walks each
    process's page tables), taken from the same cores as the grading."""


def measure(assignment: str, n: int, alt_n: int, args,
            work: Path) -> tuple[tuple[float, float, float, float], bool]:
    """Grade ``assignment``'s class both ways and print the figures; returns the
    throughput ratio, the CPU ratio, the mean number of others' processes running
    during the batch and during the alternative, and whether both ways agreed on every
    score without problems."""
    make_class = CLASSES[assignment][0]
    class_dir = work / assignment / "class"
    students = make_class(class_dir, n, args.seed)
    print(f"\n=== {assignment}\nclass (seed {args.seed}):")
    print("\n".join(describe(students)))
    files = [s.path for s in students]

    print(f"\nbatch: grade batch {assignment} <{n} files> --jobs {args.jobs} ...", flush=True)
    batch = run_batch(assignment, files, class_dir, work / assignment / "batch-out", args.jobs,
                      args.sample_interval)
    print(f"  done in {batch.seconds:.1f} s", flush=True)

    scope = "all" if alt_n == n else f"the first {alt_n} of {n}"
    print(f"alternative: grade {assignment} --submission FILE --format json, one process "
          f"per submission, {args.jobs} at a time, on {scope} submissions ...", flush=True)
    alternative = run_alternative(assignment, files[:alt_n], work / assignment / "alternative-out",
                                  args.jobs, args.sample_interval)
    print(f"  done in {alternative.seconds:.1f} s", flush=True)

    print(f"\nresults, {assignment} (jobs = {args.jobs}"
          + ("" if alt_n == n else
             f"; the alternative's figures are from its {alt_n} submissions only") + "):")
    print("\n".join(table(batch, alternative, args.jobs)))

    problems = batch.problems + alternative.problems
    differ = mismatches(batch, alternative)
    print(f"\nscores: {alt_n - len(differ)} of {alt_n} submissions got the same score both ways")
    if problems:
        print("PROBLEMS:\n  " + "\n  ".join(problems))
    if differ:
        print("!" * 72)
        print(f"SCORE MISMATCH on {len(differ)} submission(s):")
        for student in differ:
            print(f"  {student}: batch {batch.scores.get(student)}, "
                  f"alternative {alternative.scores[student]}")
        print("!" * 72)
    figures = (ratio(batch, alternative), cpu_ratio(batch, alternative),
               batch.monitor.others_running, alternative.monitor.others_running)
    return figures, not (problems or differ)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", default="hw3,hw6",
                        help="comma-separated, of: %s (default: %%(default)s)" % ", ".join(CLASSES))
    parser.add_argument("--n", type=int, default=None,
                        help="submissions in each class (default: %s)"
                        % ", ".join(f"{a} {c[1]}" for a, c in CLASSES.items()))
    parser.add_argument("--jobs", type=int, default=2, help="submissions graded at once")
    parser.add_argument("--alt-n", type=int, default=None,
                        help="grade only the first N with the alternative (default: all)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the classes")
    parser.add_argument("--sample-interval", type=float, default=DEFAULT_INTERVAL,
                        help="seconds between memory samples (default: %(default)s)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    assignments = [a.strip() for a in args.assignments.split(",") if a.strip()]
    unknown = [a for a in assignments if a not in CLASSES]
    if unknown or not assignments:
        parser.error(f"--assignments: choose among {', '.join(CLASSES)}")

    print(f"batch throughput, {', '.join(assignments)}")
    print("\n".join(machine_lines()))
    work = Path(tempfile.mkdtemp(prefix="batch-throughput-"))
    ratios: dict[str, tuple[float, float, float, float]] = {}
    ok = True
    try:
        for assignment in assignments:
            n = args.n or CLASSES[assignment][1]
            alt_n = n if args.alt_n is None else max(1, min(args.alt_n, n))
            ratios[assignment], agreed = measure(assignment, n, alt_n, args, work)
            ok = ok and agreed
        print()
        print(DEFINITIONS.format(jobs=args.jobs, sample=args.sample_interval))
        print("\nthroughput, batch / a fresh process per submission (one run each):")
        for assignment, (value, by_cpu, busy_batch, busy_alt) in ratios.items():
            target = TARGETS[assignment]
            print(f"  {assignment}: {value:.2f}x (target: at least {target:g}x: "
                  f"{'met' if value >= target else 'NOT MET'}); by CPU time {by_cpu:.2f}x; "
                  f"others running: {busy_batch:.2f} during the batch, {busy_alt:.2f} "
                  "during the alternative")
        if any(max(r[2], r[3]) >= 0.5 for r in ratios.values()):
            print("  (others ran meanwhile: the wall-clock ratios are skewed; the CPU ratios "
                  "are what a machine of the benchmark's own would show)")
        if not ok:
            print(f"(files kept in {work})")
            args.keep = True
            return 1
        return 0
    finally:
        if args.keep:
            print(f"temporary files: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
