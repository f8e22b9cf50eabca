"""One grading run: an assignment's suite, over one submission, to a ``Result``.

pytest runs in the grader's process with the grader's plugin and nothing else: no
``conftest.py``, no ini file, no plugins auto-loaded from the environment, no cache.
The suite is the hidden suite (``reference/hwN/tests/``) when this copy of the course
has it; in a student repository, the sealed one (``sealed/hwN.sealed``, opened with the
course key into a private folder outside the worker's view, ``grader.seal``); else the
public tests (``assignments/hwN/tests/``).  Student code runs only in the worker that
the ``student`` fixture talks to.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import time
from pathlib import Path
from typing import Sequence

import pytest

from grader import seal
from grader.assignment import Assignment
from grader.errors import ConfigurationError
from grader.launch import Zygote
from grader.plugin import GraderPlugin
from grader.proxy import StudentProxy
from grader.result import Result
from grader.sandbox import Worker, isolation

__all__ = ["grade"]


@contextlib.contextmanager
def _environment(**values: str):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def grade(assignment: Assignment, submission: Path, *, public_only: bool = False,
          key: bytes | None = None, log: io.StringIO | None = None,
          zygote: Zygote | None = None, uid: int | None = None,
          plugins: Sequence[object] = ()) -> Result:
    """Grade ``submission`` against ``assignment``'s suite.

    Args:
        assignment: what to grade against.
        submission: path of the student's file.
        public_only: run the public tests even where the hidden suite is present.
        key: the course key (``grader.seal.parse_key``), which opens a sealed hidden
            suite where this copy of the course has ``sealed/hwN.sealed`` but no
            ``reference/``; without it such a copy runs the public tests, and the
            result's notes say why.
        log: receives pytest's own terminal output (for debugging a suite).
        zygote: fork the submission's workers from this warm ``grader.launch.Zygote``
            (batch grading) instead of starting a fresh interpreter for each.
        uid: the uid workers run as when the grader is root (``grader.sandbox.Worker``).
        plugins: more pytest plugin objects for this run, beside the grader's own (the
            audit's, which records what the suite calls: ``grader.audit.corpus``).

    Returns:
        The ``Result``; it is complete whatever the submission does (an import error
        or a crash fails the tests that needed it).

    Raises:
        ConfigurationError: the suite could not be collected or its points do not add
            up to the totals declared in ``assignment.toml``.
        grader.seal.SealError: the key does not open the sealed suite, or the worker
            could not be isolated from it (Linux namespaces are required to run one).
    """
    bundle = seal.bundle_path(assignment.root, assignment.name)
    if public_only or assignment.has_hidden_suite() or not bundle.is_file():
        return _grade(assignment, submission, public_only=public_only, log=log,
                      zygote=zygote, uid=uid, plugins=plugins)
    if key is None:
        return _grade(assignment, submission, public_only=True, log=log, zygote=zygote, uid=uid,
                      plugins=plugins, public_note=(
                          f"Only the public tests ran: the hidden suite ({assignment.points:g} "
                          f"points) is sealed in {bundle.relative_to(assignment.root)} and "
                          f"{seal.KEY_ENV} is not set here. It runs in CI when you push."))
    mode, why = isolation()
    if mode != "namespaces":
        raise seal.SealError(
            f"the sealed hidden suite of {assignment.name} is only run where the student's code "
            f"can be kept from reading it (Linux namespaces), and here it cannot: {why}; "
            "see docs/sandbox.md")
    with seal.unsealed(assignment.root, assignment.name, key) as reference_root:
        return _grade(dataclasses.replace(assignment, reference_root=reference_root), submission,
                      public_only=False, log=log, zygote=zygote, uid=uid, plugins=plugins)


def _grade(assignment: Assignment, submission: Path, *, public_only: bool,
           log: io.StringIO | None, zygote: Zygote | None, uid: int | None,
           plugins: Sequence[object] = (), public_note: str | None = None) -> Result:
    """``grade`` with the suite where ``assignment`` says it is; ``public_note`` replaces
    the note that says the hidden suite runs on submission, when the public tests run."""
    isolation()  # a GRADER_ISOLATION that cannot be honoured stops the run before it starts
    hidden = assignment.has_hidden_suite() and not public_only
    suite_dir = assignment.hidden_tests if hidden else assignment.public_tests
    if not any(suite_dir.glob("test_*.py")):
        raise ConfigurationError(f"no tests found in {suite_dir}")
    expected = (assignment.points, assignment.gpu_points) if hidden else (assignment.public_points, 0.0)
    worker = Worker(submission, assignment.module, limits=assignment.limits,
                    env_policy=assignment.env_policy, data_dirs=(assignment.directory / "data",),
                    hidden=tuple(p for p in (assignment.root, assignment.reference_root) if p),
                    zygote=zygote, uid=uid)
    plugin = GraderPlugin(assignment, StudentProxy(worker), *expected)
    args = [str(suite_dir), "-c", os.devnull, "--rootdir", str(assignment.root),
            "--noconftest", "--import-mode=importlib", "-p", "no:cacheprovider",
            "-p", "no:stepwise", "-p", "no:warnings", "-p", "no:unraisableexception",
            "-p", "no:threadexception", "-q", "--tb=no", "-s"]
    output = log if log is not None else io.StringIO()
    start = time.monotonic()
    try:
        with _environment(PYTEST_DISABLE_PLUGIN_AUTOLOAD="1"), \
                contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            code = pytest.main(args, plugins=[plugin, *plugins])
    finally:
        worker.close()
    elapsed = time.monotonic() - start
    if plugin.problems:
        raise ConfigurationError(f"{assignment.name}: " + "; ".join(plugin.problems))
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        raise ConfigurationError(
            f"{assignment.name}: the test suite did not run (pytest exit code {int(code)}):\n"
            + output.getvalue()[-3000:])

    result = Result(assignment=assignment.name, title=assignment.title,
                    submission=str(submission), suite="hidden" if hidden else "public",
                    tests=plugin.collected(), execution_time=elapsed,
                    isolation=worker.isolation, isolation_note=worker.isolation_note)
    if hidden:
        result.notes.append(f"Graded with the hidden suite of {assignment.name}.")
    else:
        result.notes.append(public_note or (
            f"These are the public tests only (shapes and small worked examples). The hidden "
            f"suite ({assignment.points:g} points) runs when you submit."))
    if plugin.gpu_skipped:
        skipped = result.skipped
        result.notes.append(
            f"{len(skipped)} GPU test(s) worth {sum(t.max_score for t in skipped):g} points were "
            "skipped: this machine has no CUDA GPU. They are not counted in the score.")
    return result
