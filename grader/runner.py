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

from grader import seal
from grader.assignment import Assignment
from grader.errors import ConfigurationError
from grader.i18n import _
from grader.launch import Zygote
from grader.notebook import CellMap
from grader.proxy import StudentProxy
from grader.result import Result, outcome_of
from grader.sandbox import Worker, isolation

__all__ = ["grade", "MAX_TEST_OUTPUT", "FIRST_FAILURE_ENV"]

#: ``GRADER_FIRST_FAILURE=1``: a grading stops at its first failed test (the tests after
#: it count as failed), which is all the audit needs to know of a mutant.  Nothing else
#: of the environment changes how pytest runs a suite (``PYTEST_ADDOPTS`` is ignored).
FIRST_FAILURE_ENV = "GRADER_FIRST_FAILURE"

#: Most characters of one test's message kept in a result (the student's output and
#: messages are cut before, but never let one submission make the document large).
MAX_TEST_OUTPUT = 6000


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
          public_why: str | None = None, plugins: Sequence[object] = ()) -> Result:
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
        public_why: where the public tests run instead of a sealed hidden suite (no
            ``key``, or ``public_only``), why, as a clause for the student (``grade ci``
            says: a push, a fork, a missing secret); the result's note gives it.
        plugins: more pytest plugin objects for this run, beside the grader's own (the
            audit's, which records what the suite calls: ``grader.audit.corpus``).

    Returns:
        The ``Result``; it is complete whatever the submission does (an import error
        or a crash fails the tests that needed it).

    Raises:
        ConfigurationError: the suite could not be collected or its points do not add
            up to the totals declared in ``assignment.toml``.
        GraderFault: a worker for this submission could not be confined (twice): it
            gets no result, rather than one graded with less protection.
        grader.seal.SealError: the key does not open the sealed suite, or the worker
            could not be isolated from it (Linux namespaces are required to run one).
    """
    bundle = seal.bundle_path(assignment.root, assignment.name)
    sealed = bundle.is_file() and not assignment.has_hidden_suite()
    note = _("Only the public tests ran: the hidden suite ({points} points) is sealed in "
             "{bundle}, and {why}.").format(
        points=f"{assignment.points:g}", bundle=bundle.relative_to(assignment.root),
        why=public_why or _("{variable} is not set here").format(variable=seal.KEY_ENV))
    if public_only or not sealed:
        return _grade(assignment, submission, public_only=public_only, log=log,
                      zygote=zygote, uid=uid, plugins=plugins,
                      public_note=note if sealed and public_why else None)
    if key is None:
        return _grade(assignment, submission, public_only=True, log=log, zygote=zygote, uid=uid,
                      plugins=plugins, public_note=note)
    mode, why = isolation()
    if mode != "namespaces":
        raise seal.SealError(
            f"the sealed hidden suite of {assignment.name} is only run where the student's code "
            f"can be kept from reading it (Linux namespaces), and here it cannot: {why}; "
            "see docs/sandbox.md")
    # isolation() was decided at start-up and never changes, so every worker that can
    # see this process's files while the suite is open is confined by namespaces
    with seal.unsealed(assignment.root, assignment.name, key) as reference_root:
        return _grade(dataclasses.replace(assignment, reference_root=reference_root), submission,
                      public_only=False, log=log, zygote=zygote, uid=uid, plugins=plugins)


def _observe_errors(worker: Worker) -> list[BaseException]:
    """The errors the worker's calls of the student's code raise, in order, collected
    beside whatever already observes them (the ``student`` proxy's log)."""
    errors: list[BaseException] = []
    observer = worker.on_call

    def on_call(label, args, kwargs, reply, error):
        if observer is not None:
            observer(label, args, kwargs, reply, error)
        if error is not None:
            errors.append(error)

    worker.on_call = on_call
    return errors


def _grade(assignment: Assignment, submission: Path, *, public_only: bool,
           log: io.StringIO | None, zygote: Zygote | None, uid: int | None,
           plugins: Sequence[object] = (), public_note: str | None = None) -> Result:
    """``grade`` with the suite where ``assignment`` says it is; ``public_note`` replaces
    the note that says the hidden suite runs on submission, when the public tests run."""
    hidden = assignment.has_hidden_suite() and not public_only
    suite_dir = assignment.hidden_tests if hidden else assignment.public_tests
    if not any(suite_dir.glob("test_*.py")):
        raise ConfigurationError(f"no tests found in {suite_dir}")
    expected = (assignment.points, assignment.gpu_points) if hidden else (assignment.public_points, 0.0)
    worker = Worker(submission, assignment.module, limits=assignment.limits,
                    env_policy=assignment.env_policy, data_dirs=(assignment.directory / "data",),
                    hidden=tuple(p for p in (assignment.root, assignment.reference_root) if p),
                    zygote=zygote, uid=uid)
    proxy = StudentProxy(worker)
    errors = _observe_errors(worker)
    worker.start_early()  # its imports overlap pytest's, the suite's and the reference's
    import pytest  # here, not at the top: the worker starts while they are imported

    from grader.plugin import GraderPlugin

    try:  # decided by the worker's start meanwhile: a GRADER_ISOLATION that cannot be
        isolation()  # honoured stops the run before any test runs
    except BaseException:
        worker.close()
        raise
    plugin = GraderPlugin(assignment, proxy, *expected)
    args = [str(suite_dir), "-c", os.devnull, "--rootdir", str(assignment.root),
            "--noconftest", "--import-mode=importlib", "-p", "no:cacheprovider",
            "-p", "no:stepwise", "-p", "no:warnings", "-p", "no:unraisableexception",
            "-p", "no:threadexception", "-q", "--tb=no", "-s"]
    if os.environ.get(FIRST_FAILURE_ENV) == "1":
        args.append("--maxfail=1")  # the audit: a mutant is killed by its first failed test
    output = log if log is not None else io.StringIO()
    start = time.monotonic()
    try:
        with _environment(PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", PYTEST_ADDOPTS=""), \
                contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            code = pytest.main(args, plugins=[plugin, *plugins])
    finally:
        worker.close()
    elapsed = time.monotonic() - start
    if worker.fault is not None:
        raise worker.fault
    if plugin.problems:
        raise ConfigurationError(f"{assignment.name}: " + "; ".join(plugin.problems))
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        raise ConfigurationError(
            f"{assignment.name}: the test suite did not run (pytest exit code {int(code)}):\n"
            + output.getvalue()[-3000:])

    tests = plugin.collected()
    cells = CellMap.read(submission)  # a notebook's program: its errors name the cells
    for test in tests:
        if cells is not None:
            test.output = cells.relocate(test.output, submission.name)
    for test in tests:  # what a student's code makes the grader say is bounded too
        if len(test.output) > MAX_TEST_OUTPUT:
            test.output = (test.output[:MAX_TEST_OUTPUT]
                           + f"\n... (cut: {len(test.output) - MAX_TEST_OUTPUT:,} more characters)")
    result = Result(assignment=assignment.name, title=assignment.title,
                    submission=str(submission), suite="hidden" if hidden else "public",
                    tests=tests, execution_time=elapsed,
                    isolation=worker.isolation, isolation_note=worker.isolation_note)
    result.outcome, result.outcome_detail = outcome_of(errors)
    if cells is not None:
        result.outcome_detail = cells.relocate(result.outcome_detail, submission.name)
    if hidden:
        result.notes.append(_("Graded with the hidden suite of {assignment}.").format(
            assignment=assignment.name))
    else:
        result.notes.append(public_note or _(
            "These are the public tests only (shapes and small worked examples). The hidden "
            "suite ({points} points) runs when you submit.").format(points=f"{assignment.points:g}"))
    if worker.isolation != "namespaces":
        who = (_("as uid {uid}, a user of its own").format(uid=worker.uid)
               if worker.uid is not None else _("as the user running the grader"))
        result.notes.append(_(
            "Isolation: process only, not Linux namespaces ({why}). The submission ran {who}, "
            "with its limits, and could read the files every user of this machine can read "
            "(docs/sandbox.md).").format(why=worker.isolation_note, who=who))
    if plugin.gpu_skipped:
        skipped = result.skipped
        result.notes.append(_(
            "{count} GPU test(s) worth {points} points were skipped: this machine has no CUDA "
            "GPU. They are not counted in the score.").format(
                count=len(skipped), points=f"{sum(t.max_score for t in skipped):g}"))
    return result
