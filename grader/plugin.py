"""The grader's pytest plugin: markers, fixtures, and the collection of outcomes.

Markers:
    ``@pytest.mark.points(N)``: the test is worth N points (every test needs one).
    ``@pytest.mark.gpu``: the test needs CUDA; on a machine without it the test is
    skipped with a visible reason and left out of ``max_score``.
    ``@pytest.mark.depends_on("test_a", "test_b")``: credit follows correctness.  The
    test's points count only when every named test (of the same file; every
    parametrization of it) passed too.  A test of a property (inputs left unchanged, no
    warning, an invariance, a special case) names the value tests of its function, so
    that a function that does nothing (returns None, or its input) earns nothing for
    the properties that doing nothing has.  A name that matches no test is an error.

Fixtures:
    ``student``: a ``grader.proxy.StudentProxy``; its calls run in the worker process.
    ``reference``: the reference solution module, imported in the grader (trusted).
    ``rng``: a ``numpy.random.Generator`` seeded from the test's id, so every run of
    a test sees the same numbers.
    ``device``: ``"cpu"``, and ``"cuda"`` as a second, ``gpu``-marked parameter.
    ``data_dir``: the assignment's data folder, as the student's code sees it.

Each test's outcome becomes a ``grader.result.TestResult`` whose ``output`` is written
for the student (see ``_failure_message``).
"""

from __future__ import annotations

import re
import textwrap
import zlib
from pathlib import Path

import numpy as np
import pytest

from grader.assignment import Assignment
from grader.errors import (ConfigurationError, GradingFailure, NotImplementedYet,
                           StudentCodeError, SubmissionNotImportable)
from grader.diagnosis import Diagnosis, Explanation
from grader.hints import Misconception, load_misconceptions
from grader.i18n import _, language, ngettext
from grader.proxy import StudentProxy, describe_value
from grader.result import TestResult

__all__ = ["GraderPlugin", "GPU_SKIP_REASON"]

#: pytest's reason for skipping a gpu test (English; the report shows ``_gpu_skipped()``).
GPU_SKIP_REASON = ("needs a CUDA GPU and this machine has none; skipped, and not counted "
                   "in the score")


def _gpu_skipped() -> str:
    """``GPU_SKIP_REASON`` in the run's language."""
    return _("needs a CUDA GPU and this machine has none; skipped, and not counted in the score")

_PACKAGE = Path(__file__).resolve().parent

#: A line of a test's docstring that starts so gives the test's name in Chinese.
ZH_NAME = "中文："

#: Most characters of the student's output shown under a failed test.
SHOWN_OUTPUT = 1500


def _cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


_PREFIX = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*:")


def _function_of(name: str) -> str:
    """The function a test is about: its name's prefix ("mlp_loss: the loss ...")."""
    match = _PREFIX.match(name)
    return match.group(1) if match else ""


def _raised_in_grader(exc: BaseException) -> bool:
    """Whether the innermost frame of ``exc``'s traceback is in the grader package."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and Path(tb.tb_frame.f_code.co_filename).resolve().is_relative_to(_PACKAGE)


class GraderPlugin:
    """The plugin object registered for one grading run.

    Args:
        assignment: the assignment being graded.
        proxy: the ``student`` proxy (its worker holds the submission).
        expected_points: declared total of the tests that run on CPU.
        expected_gpu_points: declared total of the ``gpu``-marked tests.
    """

    def __init__(self, assignment: Assignment, proxy: StudentProxy, expected_points: float,
                 expected_gpu_points: float):
        self.assignment = assignment
        self.proxy = proxy
        self.expected_points = expected_points
        self.expected_gpu_points = expected_gpu_points
        self.results: dict[str, TestResult] = {}
        self.order: list[str] = []
        self.problems: list[str] = []
        self.gpu_skipped = False
        self._reference = None
        self._misconceptions: list[Misconception] = []
        self._diagnosis: Diagnosis | None = None
        #: nodeid -> the explanations of its failure (``grader.diagnosis.Finding``)
        self._findings: dict[str, list] = {}
        #: the message of an import failure, where the submission could not be imported
        self.import_error: str | None = None
        #: the functions whose first failure already shows a reproduction
        self._reproduced: set[str] = set()
        #: nodeid -> the nodeids of the tests it depends on (``depends_on``)
        self.depends: dict[str, list[str]] = {}

    # ------------------------------------------------------------------ config
    def pytest_configure(self, config):
        config.addinivalue_line("markers", "points(n): the test is worth n points")
        config.addinivalue_line("markers", "gpu: the test needs a CUDA GPU")
        config.addinivalue_line("markers", "depends_on(*tests): the test's points count only "
                                "when the named tests passed too")

    @staticmethod
    def _points(item) -> float | None:
        marker = item.get_closest_marker("points")
        if marker is None or len(marker.args) != 1:
            return None
        value = marker.args[0]
        return float(value) if isinstance(value, (int, float)) and value > 0 else None

    @staticmethod
    def _name(item) -> str:
        """The test's name in the report: its docstring's first line ("function: what it
        checks"), or in a Chinese run (``grader.i18n.language``) its line that starts
        with ``中文：`` where it has one; the parametrization's id after it."""
        doc = getattr(item.function, "__doc__", None) or ""
        lines = [line.strip() for line in doc.strip().splitlines()]
        name = lines[0] if lines and lines[0] else item.originalname
        if language() == "zh":
            name = next((line[len(ZH_NAME):].strip() for line in lines
                         if line.startswith(ZH_NAME)), name)
        callspec = getattr(item, "callspec", None)
        return f"{name} [{callspec.id}]" if callspec else name

    def pytest_collection_modifyitems(self, session, config, items):
        cpu_total = gpu_total = 0.0
        for item in items:
            points = self._points(item)
            if points is None:
                self.problems.append(f"{item.nodeid}: needs exactly one @pytest.mark.points(N), N > 0")
                continue
            if item.get_closest_marker("gpu"):
                gpu_total += points
            else:
                cpu_total += points
        if abs(cpu_total - self.expected_points) > 1e-9:
            self.problems.append(
                f"the tests' points add up to {cpu_total:g}, but assignment.toml declares "
                f"{self.expected_points:g}")
        if abs(gpu_total - self.expected_gpu_points) > 1e-9:
            self.problems.append(
                f"the gpu tests' points add up to {gpu_total:g}, but assignment.toml declares "
                f"{self.expected_gpu_points:g}")
        self._resolve_dependencies(items)
        if self.assignment.reference_file.is_file():
            try:
                self._misconceptions = load_misconceptions(self.assignment.misconceptions_file,
                                                           self.assignment.reference_file)
            except ConfigurationError as exc:
                self.problems.append(str(exc))
        if self.problems:
            raise pytest.UsageError("; ".join(self.problems))
        if any(item.get_closest_marker("gpu") for item in items) and not _cuda_available():
            self.gpu_skipped = True
            for item in items:
                if item.get_closest_marker("gpu"):
                    item.add_marker(pytest.mark.skip(reason=GPU_SKIP_REASON))
        for item in items:
            self.order.append(item.nodeid)
            self.results[item.nodeid] = TestResult(
                name=self._name(item), nodeid=item.nodeid, max_score=self._points(item),
                status="pending", gpu=item.get_closest_marker("gpu") is not None)

    def _resolve_dependencies(self, items) -> None:
        """Fill ``self.depends`` from the ``depends_on`` marks; a name that matches no test
        of the same file, or a test that depends on itself, is a problem of the suite."""
        by_name: dict[tuple[str, str], list] = {}
        for item in items:
            by_name.setdefault((str(item.path), item.originalname), []).append(item)
        for item in items:
            marker = item.get_closest_marker("depends_on")
            if marker is None:
                continue
            needed = []
            for name in marker.args:
                found = by_name.get((str(item.path), name)) if isinstance(name, str) else None
                if not found:
                    self.problems.append(
                        f"{item.nodeid}: depends_on({name!r}) names no test of {item.path.name}")
                elif name == item.originalname:
                    self.problems.append(f"{item.nodeid}: depends_on names the test itself")
                elif item.get_closest_marker("gpu") is None and any(
                        d.get_closest_marker("gpu") for d in found):
                    self.problems.append(f"{item.nodeid}: a CPU test cannot depend on the gpu test "
                                         f"{name} (it is skipped where there is no GPU)")
                else:
                    needed += [d.nodeid for d in found]
            if not marker.args:
                self.problems.append(f"{item.nodeid}: depends_on() names no test")
            self.depends[item.nodeid] = needed

    # ------------------------------------------------------------------ fixtures
    @pytest.fixture
    def student(self) -> StudentProxy:
        """The submission, reached through the worker process."""
        self.proxy.reset()
        return self.proxy

    @pytest.fixture
    def reference(self):
        """The reference solution module (imported here, in the grader: trusted code).

        Function-scoped, as every fixture of this plugin object: the module is imported
        once and kept by the plugin (``_reference_module``), so each test gets the same
        object at no cost.  (A session-scoped fixture defined as an instance method is
        deprecated by pytest 9.1 and an error in pytest 10.)"""
        if not self.assignment.reference_file.is_file():
            pytest.fail(f"the reference solution {self.assignment.reference_file} is missing",
                        pytrace=False)
        return self._reference_module()

    def _reference_module(self):
        if self._reference is None:
            self._reference = self.assignment.import_reference()
        return self._reference

    @pytest.fixture
    def rng(self, request) -> np.random.Generator:
        """A NumPy generator seeded from the test's file name and name (reproducible)."""
        key = f"{self.assignment.name}:{Path(str(request.node.path)).name}::{request.node.name}"
        return np.random.default_rng(zlib.crc32(key.encode()))

    @pytest.fixture
    def data_dir(self) -> Path:
        """The assignment's data folder (``assignments/hwN/data``), as the student's code
        sees it: pass paths under it to the student's functions."""
        return self.assignment.directory / "data"

    @pytest.fixture(params=["cpu", pytest.param("cuda", marks=pytest.mark.gpu)])
    def device(self, request) -> str:
        """The torch device to test on: "cpu", and "cuda" (a gpu-marked variant)."""
        return request.param

    # ------------------------------------------------------------------ outcomes
    def _call_of(self, exc) -> object | None:
        for record in reversed(self.proxy.calls):
            if record.error is exc:
                return record
        return None

    def diagnosis(self) -> Diagnosis | None:
        """The run's ``Diagnosis`` (None where the instructor files are absent: a
        student's copy of the course)."""
        if self._diagnosis is None and self.assignment.reference_file.is_file():
            try:
                source = self.assignment.reference_file.read_text(encoding="utf-8")
                self._diagnosis = Diagnosis(self._reference_module(), source, self._misconceptions,
                                            self.assignment.module)
            except Exception:  # noqa: BLE001 - feedback must never cost a grade
                return None
        return self._diagnosis

    def _explain(self, call, failure: GradingFailure) -> Explanation:
        """What the diagnosis says about the failed ``call`` (an empty ``Explanation``
        where there is none, or where explaining fails: feedback never costs a grade)."""
        diagnosis = self.diagnosis()
        if diagnosis is None:
            return Explanation()
        try:
            return diagnosis.explain(self.proxy, call, failure.actual, getattr(failure, "pattern", None))
        except Exception:  # noqa: BLE001
            return Explanation()

    def _failure_message(self, exc: BaseException, nodeid: str = "") -> tuple[str, list[str]]:
        """What the student reads for a failed test, and the ids of the known mistakes
        it names."""
        output, hints = "", []
        if isinstance(exc, GradingFailure):
            call = self.proxy.origin(exc.actual) if exc.actual is not None else None
            text = exc.student_message
            if call is not None:
                explanation = self._explain(call, exc)
                generic = getattr(exc, "pattern_text", "")
                if generic and not explanation.keep_generic:
                    text = text.replace(generic, "")
                text = (_("{call} returned a wrong value:").format(call=call.signature()) + "\n" + text
                        if exc.wrong_value else
                        _("In {call}:").format(call=call.signature()) + "\n" + text)
                output = call.output
                for finding in explanation.findings:
                    text += "\n" + _("Hint: ") + finding.text
                    if finding.hint_id:
                        hints.append(finding.hint_id)
                self._findings[nodeid] = list(explanation.findings)
                if explanation.snippet and call.function not in self._reproduced:
                    self._reproduced.add(call.function)  # once per function: the first failure
                    intro = (_("To see it fail, run this next to your file (the test's inputs, "
                               "simplified; it still fails on them):") if explanation.simplified
                             else _("To see it fail, run this next to your file:"))
                    text += "\n" + intro + "\n" + textwrap.indent(explanation.snippet, "    ")
        elif isinstance(exc, StudentCodeError):
            text = exc.student_message
            if isinstance(exc, SubmissionNotImportable):
                self.import_error = text
            call = self._call_of(exc)
            if call is not None and (call.args or call.kwargs) and \
                    not isinstance(exc, (SubmissionNotImportable, NotImplementedYet)):
                text += "\n" + _("Called as: {call}").format(call=call.signature())
            output = exc.output
        else:
            last = self.proxy.last_call
            error = f"{type(exc).__name__}: {exc}"
            if _raised_in_grader(exc):
                text = _("internal error in the grader ({error}); this is not your fault: please "
                         "tell the course staff.").format(error=error)
            elif last is not None and last.reply is not None:
                text = _("the test could not use what your code returned ({error}). The last "
                         "call was {call}, which returned {value}: check its return value "
                         "against the contract in the handout.").format(
                             error=error, call=last.signature(), value=describe_value(last.value))
            else:
                text = _("internal error in this test ({error}); this is not your fault: please "
                         "tell the course staff.").format(error=error)
        if output and output.strip():
            shown = output if len(output) <= SHOWN_OUTPUT else "...\n" + output[-SHOWN_OUTPUT:]
            text += "\n" + _("Your code printed:") + "\n" + textwrap.indent(shown.rstrip(), "  ")
        return text, hints

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        result = self.results.get(item.nodeid)
        if result is None:
            return
        if report.when == "setup" and report.skipped:
            result.status, result.score = "skipped", 0.0
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            reason = reason.removeprefix("Skipped: ")
            result.output = _gpu_skipped() if reason == GPU_SKIP_REASON else reason
        elif report.failed and result.status != "failed":  # keep the first failure
            if call.excinfo is not None:
                if isinstance(call.excinfo.value, ConfigurationError):  # e.g. no sandbox
                    if str(call.excinfo.value) not in self.problems:
                        self.problems.append(str(call.excinfo.value))
                result.output, result.hints = self._failure_message(call.excinfo.value, item.nodeid)
            result.status, result.score = "failed", 0.0
        elif report.when == "call" and report.passed:
            result.status, result.score, result.output = "passed", result.max_score, ""

    def _causes_first(self) -> None:
        """Put the cause first, once every test has run.

        Where a test of a function failed and a function it uses (in the reference:
        ``mlp_loss`` uses ``affine_backward``) fails its own tests too, the message
        starts by saying so: that the failure follows from it where the diagnosis found
        the mistake there (a mutant of that function, or a known mistake declared for
        it that its own tests show), else that it may.

        A known mistake that belongs to a function used (``gradient_sign`` is declared
        for ``gradient`` and for ``gradient_descent``, whose output it spoils) gives way
        to the composite's own explanation (``update_sign``) unless that function's own
        tests show it; where they show it, or where any function it uses fails its own
        tests, the composite's own explanations give way instead (its values are
        computed with a wrong function, and the cause comes first).  Not with
        ``GRADER_DIAGNOSIS=known`` (``grade audit``, which submits each declared mistake
        alone and wants its hint shown)."""
        diagnosis = self.diagnosis() if self.import_error is None else None
        if diagnosis is None:
            return
        failed: dict[str, list[TestResult]] = {}
        for nodeid in self.order:
            result = self.results[nodeid]
            function = _function_of(result.name)
            if result.status == "failed" and function:
                failed.setdefault(function, []).append(result)
        shown = {g: {h for r in results for h in r.hints} for g, results in failed.items()}
        declared = {(m.function, m.id) for m in self._misconceptions}
        for nodeid in self.order:
            result = self.results[nodeid]
            function = _function_of(result.name)
            if result.status != "failed" or not function:
                continue
            used = diagnosis.used_by(function)
            findings = self._findings.get(nodeid, [])
            owners = {f.hint_id: [g for g in used if (g, f.hint_id) in declared]
                      for f in findings if f.hint_id}
            confirmed = [f for f in findings if f.hint_id and
                         any(f.hint_id in shown.get(g, ()) for g in owners[f.hint_id])]
            confirmed += [f for f in findings if not f.hint_id and f.unit != function and f.unit in failed]
            own = [f for f in findings if f.unit == function and (not f.hint_id or not owners[f.hint_id])]
            # a dependency's mistake that its own tests do not show gives way to the
            # composite's own explanation (where there is one: a student may compute the
            # gradient inline, and then only the dependency's wording fits)
            dropped = [f for f in findings if f.hint_id and owners[f.hint_id] and f not in confirmed
                       and own] if diagnosis.full else []
            if diagnosis.full and (confirmed or any(g in failed for g in used)):
                # computed with a function that is wrong itself: the composite's own
                # explanations are not to be trusted (and the cause comes first)
                dropped += [f for f in own if f not in confirmed and f not in dropped]
            for finding in dropped:
                line = _("Hint: ") + finding.text
                result.output = "\n".join(x for x in result.output.split("\n") if x != line)
                if finding.hint_id in result.hints:
                    result.hints.remove(finding.hint_id)
            kept = [f for f in findings if f not in dropped]
            causes = [g for g in used if g in failed]
            if not causes:
                continue
            follows = [g for g in causes if any(f.unit == g for f in kept) or
                       any(f.hint_id in shown.get(g, ()) for f in kept if f.hint_id)]
            cause = (follows or causes)[0]
            first = failed[cause][0].name
            if follows:
                line = _("The cause is in `{cause}`, which `{function}` uses: it fails its own "
                         "tests too (first: \"{test}\"). Fix `{cause}` first.").format(
                    cause=cause, function=function, test=first)
            else:
                line = _("`{function}` uses `{cause}`, which fails its own tests (first: "
                         "\"{test}\"): fix `{cause}` first; this failure may follow from it.").format(
                    cause=cause, function=function, test=first)
            result.output = line + "\n" + result.output

    def collected(self) -> list[TestResult]:
        """The results, in the order the tests ran (a test that never reported, say
        after an interrupted session, counts as failed; a passed test whose
        ``depends_on`` tests did not all pass earns nothing, and says which)."""
        for result in self.results.values():
            if result.status == "pending":
                result.status, result.output = "failed", _("this test did not run to the end")
        self._causes_first()
        changed = True
        while changed:  # a dependency may itself depend on another
            changed = False
            for nodeid, needed in self.depends.items():
                result = self.results.get(nodeid)
                if result is None or result.status != "passed":
                    continue
                failed = [self.results[n] for n in needed
                          if n in self.results and self.results[n].status == "failed"]
                if failed:
                    names = "; ".join(f"\"{r.name}\"" for r in failed)
                    result.status, result.score = "failed", 0.0
                    result.output = ngettext(
                        "This check passed, but it counts only when the values it is about are "
                        "right too, and this test failed: {tests}. Fix that first; this one's "
                        "points then count.",
                        "This check passed, but it counts only when the values it is about are "
                        "right too, and these tests failed: {tests}. Fix that first; this one's "
                        "points then count.", len(failed)).format(tests=names)
                    changed = True
        return [self.results[n] for n in self.order]
