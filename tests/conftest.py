"""Shared helpers for the engine's own tests: run `grade` as a user would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = ROOT / "tests" / "submissions"

# The grader's messages in English whatever this machine's locale (grader.i18n reads
# LANGUAGE first, as gettext does), here and in every `grade` the tests start; the tests
# of the Chinese messages ask for them with --lang zh or their own environment.
os.environ["LANGUAGE"] = "en"


def run_grade(*args: str, cwd: Path = ROOT, env: dict | None = None, timeout: float = 300):
    """Run the `grade` CLI in a subprocess; returns the CompletedProcess (text mode).
    With ``GRADER_ISOLATION=process`` in ``env``, it runs as on a machine without
    namespaces (``without_namespaces``)."""
    full_env = {**os.environ, **(env or {})}
    command = [sys.executable, "-m", "grader.cli", *args]
    if full_env.get("GRADER_ISOLATION") == "process":
        command = without_namespaces(command)
    return subprocess.run(command, cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=timeout)


#: Whole modules marked ``slow`` here rather than by a ``pytestmark`` of their own (every
#: realistic submission graded); the other slow tests carry the mark in their file.
def pytest_collection_modifyitems(config, items):
    """Tests marked ``process_isolation`` run their workers without namespaces in this
    very process; as root they need a Python every user can read.  Where this one is
    not (a pyenv under /root), they are skipped here and run by
    ``test_sandbox.py::test_process_isolation_tests_run_where_python_is_readable``."""
    if os.geteuid() != 0 or not python_hidden_from_other_users():
        return
    skip = pytest.mark.skip(reason=(
        f"as root, a worker without namespaces runs as a uid of its own, which cannot read "
        f"this Python ({python_hidden_from_other_users()} is private); run by "
        "test_process_isolation_tests_run_where_python_is_readable"))
    for item in items:
        if item.get_closest_marker("process_isolation"):
            item.add_marker(skip)


def python_hidden_from_other_users() -> str:
    """The folder that keeps other users from this Python installation (a private home
    such as /root, mode 0700, above a pyenv), or '' when every user can read it.

    Without namespaces, a grader running as root runs student code as a uid of its own,
    which must be able to read Python (``grader.confine``'s probe refuses otherwise)."""
    parts = Path(os.path.realpath(sys.base_prefix)).parts
    for i in range(2, len(parts) + 1):
        folder = Path(*parts[:i])
        if not os.stat(folder).st_mode & 0o001:
            return str(folder)
    return ""


# Run in a private mount namespace as root: each folder above the Python installation
# that other users cannot search is covered by a tmpfs everyone can search, holding
# only the way down to the installation; then the command runs.
_READABLE_PYTHON = """
import os, subprocess, sys, tempfile
prefix = os.path.realpath(sys.base_prefix).split("/")
for i in range(2, len(prefix)):
    folder = "/".join(prefix[:i])
    if os.stat(folder).st_mode & 0o001:
        continue
    kept = tempfile.mkdtemp(prefix="real-", dir="/dev/shm")
    subprocess.run(["mount", "--bind", folder, kept], check=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", folder], check=True)
    os.mkdir(os.path.join(folder, prefix[i]))
    subprocess.run(["mount", "--bind", os.path.join(kept, prefix[i]),
                    os.path.join(folder, prefix[i])], check=True)
    subprocess.run(["umount", kept], check=True)
    os.rmdir(kept)
os.execvp(sys.argv[1], sys.argv[1:])
"""


def without_namespaces(command: list[str]) -> list[str]:
    """``command`` as it runs on a machine without Linux namespaces, where Python is
    installed where every user can read it (as on Gradescope's images): unchanged where
    this Python is readable already or the tests do not run as root; else run in a
    private mount namespace where the folder hiding Python (``/root`` above a pyenv)
    is made searchable.  The grader itself is told ``GRADER_ISOLATION=process`` by the
    caller; it never uses namespaces for its workers."""
    if os.geteuid() != 0 or not python_hidden_from_other_users():
        return command
    return [shutil.which("unshare", path=os.defpath + ":/usr/bin:/bin") or "unshare",
            "--mount", "--propagation", "private", "--",
            sys.executable, "-c", _READABLE_PYTHON, *command]


def grade_json(assignment: str, submission: Path, *extra: str) -> dict:
    """Grade ``submission`` with --format json; returns the parsed results document."""
    proc = run_grade(assignment, "--submission", str(submission), "--format", "json", *extra)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def one_assignment_course(target: Path, name: str, toml: dict[str, str] | None = None) -> Path:
    """A course in ``target`` holding only assignment ``name`` (handout, stub, public
    tests, reference, hidden suite), its ``assignment.toml`` with each key of ``toml``
    replaced by its value (e.g. tighter limits); returns ``target``."""
    import shutil

    for part in ("assignments", "reference"):
        shutil.copytree(ROOT / part / name, target / part / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    path = target / "assignments" / name / "assignment.toml"
    text = path.read_text()
    for old, new in (toml or {}).items():
        assert old in text, f"{old!r} is not in {name}'s assignment.toml"
        text = text.replace(old, new)
    path.write_text(text)
    return target


#: Submissions graded at once by the `graded` fixture: one per core, at most 2, so that
#: a correct submission's calls stay well inside their time limits.
GRADING_JOBS = max(1, min(2, os.cpu_count() or 1))


@pytest.fixture(scope="session")
def graded(request):
    """Memoized grade_json: each submission is graded once per test session.  Where the
    session runs tests/test_hwN_grading.py (which reads them all), the first request for
    hwN also queues the grading of its reference, its stub and every file in
    tests/submissions/hwN/, GRADING_JOBS at a time, so that the gradings (separate
    processes) overlap; elsewhere (one file, the fast subset) only what is asked for is
    graded."""
    from grader.assignment import load_assignment

    selected = {item.path.name for item in request.session.items}
    pool = ThreadPoolExecutor(max_workers=GRADING_JOBS)
    futures: dict[tuple, Future] = {}

    def submit(assignment: str, submission: Path, *extra: str) -> Future:
        key = (assignment, str(submission), extra)
        if key not in futures:
            futures[key] = pool.submit(grade_json, assignment, submission, *extra)
        return futures[key]

    def get(assignment: str, submission: Path, *extra: str) -> dict:
        wanted = submit(assignment, submission, *extra)
        if (assignment, "*") not in futures and f"test_{assignment}_grading.py" in selected:
            futures[(assignment, "*")] = wanted
            a = load_assignment(ROOT, assignment)
            for path in [a.reference_file, a.default_submission,
                         *sorted((SUBMISSIONS / assignment).glob("*.py"))]:
                submit(assignment, path)
        return wanted.result()

    yield get
    pool.shutdown(wait=True, cancel_futures=True)


@pytest.fixture
def new_worker():
    """``new_worker(path, module, **options)``: a ``grader.sandbox.Worker`` of the test's
    own, closed when the test ends."""
    from grader.sandbox import Worker

    workers = []

    def make(path: Path, module: str, **options):
        worker = Worker(path, module, **options)
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        worker.close()


def call(worker, name: str, *args, **kwargs):
    """Call the submission's function ``name`` in ``worker``; returns the ``Reply``."""
    return worker.call(name, None, args, kwargs, label=name)


def full_marks(assignment: str) -> float:
    """The most points a submission can get on this machine: the assignment's points,
    plus its GPU tests' points where CUDA is available (else they are skipped)."""
    from grader.assignment import load_assignment

    a = load_assignment(ROOT, assignment)
    return a.points + (a.gpu_points if _cuda_available() else 0)


def _cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def _live_processes(file: str, needle: bytes) -> list[int]:
    """Pids of the live processes (zombies not counted) whose /proc/PID/``file`` holds
    ``needle``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            content = (entry / file).read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if needle in content and state != "Z":
            found.append(int(entry.name))
    return found


def processes_with(marker: str) -> list[int]:
    """Pids of the live processes whose command line holds ``marker``.  Student code
    runs in a PID namespace of its own where Linux allows it, so its own idea of a pid
    means nothing here: tests mark the processes they start."""
    return _live_processes("cmdline", marker.encode())


def processes_in_environment(marker: str) -> list[int]:
    """Pids of the live processes whose environment holds ``marker`` (``NAME=value``):
    a way to find every process one run started (environments are inherited)."""
    return _live_processes("environ", marker.encode() + b"\0")


def wait_until_gone(marker: str, seconds: float = 5.0, find=processes_with) -> bool:
    """Whether every process ``find(marker)`` finds is gone within ``seconds``."""
    deadline = time.monotonic() + seconds
    while find(marker):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def failed_names(doc: dict) -> list[str]:
    """Names of the failed tests of a results document."""
    return [t["name"] for t in doc["tests"] if t["status"] == "failed"]


def hints_of(doc: dict) -> set[str]:
    """Ids of every known mistake (``grader.hints``) named anywhere in the document."""
    return {h for t in doc["tests"] for h in t.get("extra_data", {}).get("hints", [])}


def assert_loses_exactly(doc: dict, expected: list[str], name: str = "") -> None:
    """Assert that the failed tests are exactly those whose names start with one of
    ``expected`` (each prefix matching at least one), and that the score is the total
    minus their points."""
    failed = failed_names(doc)
    unexpected = [n for n in failed if not any(n.startswith(p) for p in expected)]
    assert unexpected == [], f"{name} lost points it should not have: {unexpected}"
    for prefix in expected:
        assert any(n.startswith(prefix) for n in failed), f"{name} should fail {prefix!r}"
    lost = sum(t["max_score"] for t in doc["tests"] if t["status"] == "failed")
    assert doc["score"] == doc["max_score"] - lost


def assert_actionable_messages(doc: dict) -> None:
    """Every failed test says something a student can act on: never a bare
    AssertionError or a traceback of the grader."""
    for test in doc["tests"]:
        if test["status"] == "failed":
            assert test["output"].strip(), test
            assert "Traceback (most recent call last)" not in test["output"], test
            assert not test["output"].startswith("AssertionError"), test
            assert "internal error" not in test["output"], test


def feedback_named(assignment: str) -> set[str]:
    """The known mistakes of ``assignment`` that a realistic wrong submission of
    ``tests/feedback/`` gets named (``tests/test_feedback.py`` checks them)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent / "feedback"))
    import naming

    return naming.named_ids(assignment)
