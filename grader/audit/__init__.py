"""``grade audit``: a hidden suite proves that it gives credit for correctness only.

The audit grades variants of the reference (``grader.variants``) with the batch
machinery (``grader.batch.LocalExecutor``: warm, sandboxed slots) and demands:

- the reference scores full marks, with the hidden suite and with the public tests;
- the untouched stub scores 0 on every test;
- **hollow submissions**: each public function or method given a trivial body
  (``return None``, zeros, its first argument, a constant) earns nothing in its own
  tests (a method: its class's tests lose something) and costs nothing in a test that
  does not reach it; every function trivial at once scores 0;
- **known mistakes**: each misconception, submitted as the student's function, loses
  points, and its hint appears on a failed test;
- **mutation testing**: first-order mutants of the reference are killed (a test
  loses points); a survivor is compared with the reference in this process on the
  inputs the suite uses, perturbed (``grader.audit.corpus``), and is listed with an
  input where they differ, or counted equivalent where none is found or where
  ``reference/hwN/mutants.toml`` records it so (``grader.audit.records``); the mutation
  score, killed / (mutants - equivalent), must reach ``MUTATION_THRESHOLD``, and every
  non-equivalent survivor must be closed by a test or recorded as accepted;
- every test is named "function: what it checks", after a function of the reference,
  and names are unique; points add up (the grading itself refuses a suite whose
  points do not).
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from grader.assignment import Assignment
from grader.audit.corpus import Recorder, distinguish
from grader.audit.records import RECORDS_NAME, load_records
from grader.errors import ConfigurationError
from grader.hints import load_misconceptions
from grader.variants import Variant, load
from grader.variants.mistakes import mistake_variants
from grader.variants.mutation import mutants as make_mutants
from grader.variants.source import dependants, dependencies, units
from grader.variants.trivial import all_trivial, trivial_variants

__all__ = ["audit", "AuditReport", "Finding", "MutantOutcome", "MUTATION_THRESHOLD"]

#: The least mutation score an assignment's suite must reach.
MUTATION_THRESHOLD = 0.98


@dataclass
class Finding:
    """One reason the audit fails: ``check`` is the part of the audit
    (``reference``, ``public``, ``stub``, ``hollow``, ``all-trivial``, ``mistake``,
    ``mutation``, ``names``, ``records``) and ``message`` what to fix."""

    check: str
    message: str


@dataclass
class MutantOutcome:
    """What became of one mutant: ``status`` is ``killed``, ``equivalent`` (no input
    found that tells it from the reference), ``recorded-equivalent``, ``accepted``
    (recorded), or ``survived``; ``witness`` an input where it differs."""

    id: str
    function: str
    line: int | None
    status: str
    witness: str = ""
    reason: str = ""


@dataclass
class AuditReport:
    """The audit of one assignment (``to_dict`` for ``--format json``)."""

    assignment: str
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reference_score: float = 0.0
    max_score: float = 0.0
    stub_score: float | None = None
    all_trivial: dict[str, float] = field(default_factory=dict)
    hollow_variants: int = 0
    hollow_credit: float = 0.0
    mistakes: int = 0
    mutants: list[MutantOutcome] = field(default_factory=list)
    mutation: bool = True
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.findings

    def count(self, *statuses: str) -> int:
        return sum(m.status in statuses for m in self.mutants)

    @property
    def mutation_score(self) -> float | None:
        """killed / (mutants - equivalent); None when no mutant counts."""
        counted = len(self.mutants) - self.count("equivalent", "recorded-equivalent")
        return self.count("killed") / counted if counted else None

    def to_dict(self) -> dict:
        score = self.mutation_score
        return {
            "assignment": self.assignment, "passed": self.passed,
            "findings": [asdict(f) for f in self.findings], "warnings": list(self.warnings),
            "reference": {"score": self.reference_score, "max_score": self.max_score},
            "stub_score": self.stub_score, "all_trivial": dict(self.all_trivial),
            "hollow": {"variants": self.hollow_variants, "credit": self.hollow_credit},
            "mistakes": self.mistakes,
            "mutation": None if not self.mutation else {
                "mutants": len(self.mutants), "killed": self.count("killed"),
                "equivalent": self.count("equivalent", "recorded-equivalent"),
                "accepted": self.count("accepted"), "survived": self.count("survived"),
                "score": None if score is None else round(score, 4),
                "threshold": MUTATION_THRESHOLD,
                "survivors": [asdict(m) for m in self.mutants if m.status != "killed"]},
            "seconds": round(self.seconds, 1),
        }


# ------------------------------------------------------------------ grading variants
def _slot_environment(first_failure: bool):
    """The environment the slots start with: one OpenMP/MKL thread (the jobs already use
    every core, and a slot that ran torch code before forking must not hand its children
    a thread pool), feedback limited to the known mistakes (``grader.diagnosis.DIAGNOSIS_ENV``),
    and with ``first_failure``, a grading that stops at its first failed
    test (``grader.runner.FIRST_FAILURE_ENV``: a mutant is killed by its first failed
    test; the rest of the suite need not run)."""
    from grader.runner import FIRST_FAILURE_ENV, _environment

    from grader.diagnosis import DIAGNOSIS_ENV

    # feedback on variants is read for its known-mistake hints only: no mutants, no
    # second calls of the variant's code (grader.diagnosis)
    values = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", DIAGNOSIS_ENV: "known"}
    if first_failure:
        values[FIRST_FAILURE_ENV] = "1"
    return _environment(**values)


def grade_variants(assignment: Assignment, variants: list[Variant], *, jobs: int,
                   progress: Callable[[int, int], None] | None = None,
                   first_failure: bool = False) -> dict[str, dict]:
    """Grade each variant's source as a submission with the batch machinery; returns the
    outcome (``grader.slot``'s: ``status``, ``result``, ``reason``) by variant id.  With
    ``first_failure``, a grading stops at its first failed test (the tests after it
    count as failed): enough to tell whether a mutant is killed.

    Raises:
        ConfigurationError: the assignment is set up wrongly.
    """
    from grader.batch import LocalExecutor
    from grader.slot import request_for

    requests = {f"v{i}": (v, request_for(f"v{i}", f"{assignment.module}.py",
                                          v.source.encode("utf-8"), assignment.module))
                for i, v in enumerate(variants)}
    outcomes: dict[str, dict] = {}
    with tempfile.TemporaryFile("w+") as log, _slot_environment(first_failure):
        executor = LocalExecutor(assignment, jobs, log=log)
        try:
            for request, outcome in executor.results([r for _, r in requests.values()]):
                if outcome.get("status") == "config":
                    raise ConfigurationError(outcome.get("reason", "the assignment is set up wrongly"))
                outcomes[requests[request["student"]][0].id] = outcome
                if progress is not None:
                    progress(len(outcomes), len(requests))
        finally:
            executor.close()
    return outcomes


def _tests(outcome: dict) -> list[dict]:
    result = outcome.get("result") or {}
    return list(result.get("tests", []))


def _lost(test: dict) -> bool:
    return test.get("score", 0) < test.get("max_score", 0)


# ------------------------------------------------------------------ the audit
_PREFIX = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*:")


def _owner_of(name: str, top: set[str]) -> str | None:
    """The function or class a test is about: its name's prefix, "f: what it checks"."""
    match = _PREFIX.match(name)
    return match.group(1) if match and match.group(1) in top else None


def _reach(called: list[str], uses: dict[str, set[str]], all_units) -> set[str] | None:
    """The units a test's calls can run (None: a call that cannot be traced: all)."""
    by_class: dict[str, set[str]] = {}
    for u in all_units:
        if u.owner:
            by_class.setdefault(u.owner, set()).add(u.name)
    reached: set[str] = set()
    for label in called:
        head = re.match(r"[A-Za-z_]\w*", label)
        name = head.group(0) if head else ""
        if name in by_class:
            reached |= by_class[name]
        elif name in uses:
            reached.add(name)
        else:
            return None
    frontier = list(reached)
    while frontier:
        for used in uses.get(frontier.pop(), ()):
            if used not in reached:
                reached.add(used)
                frontier.append(used)
    return reached


def audit(assignment: Assignment, *, mutation: bool = True, jobs: int | None = None,
          progress: Callable[[str, int, int], None] | None = None) -> AuditReport:
    """Audit ``assignment``'s hidden suite (see the module's docstring).

    Args:
        assignment: an assignment of a course copy that has ``reference/hwN/``.
        mutation: run mutation testing (the slow part).
        jobs: grading processes (default: one per core).
        progress: called as ``progress(stage, done, total)``.

    Returns:
        The ``AuditReport``; ``passed`` is whether the suite passes.

    Raises:
        ConfigurationError: there is no reference or hidden suite, or the suite cannot
            be graded (points that do not add up, a test that does not collect).
    """
    from grader.batch import default_jobs
    from grader.runner import grade

    started = time.monotonic()
    report = AuditReport(assignment.name, mutation=mutation)
    if not assignment.reference_file.is_file() or not assignment.has_hidden_suite():
        raise ConfigurationError(f"{assignment.name}: the audit needs the reference and the hidden "
                                 f"suite in {assignment.reference_dir}")
    jobs = jobs or default_jobs()
    say = progress or (lambda stage, done, total: None)
    source = assignment.reference_file.read_text(encoding="utf-8")
    all_units = units(source)
    top = {u.owner or u.name for u in all_units if u.public}
    uses = dependencies(source)

    # 1. the reference, graded here, with the suite's calls recorded
    say("reference", 0, 1)
    reference = assignment.import_reference()
    recorder = Recorder(reference)
    result = grade(assignment, assignment.reference_file, plugins=[recorder])
    report.reference_score, report.max_score = result.score, result.max_score
    for test in result.counted:
        if test.status != "passed":
            report.findings.append(Finding("reference", f"the reference fails \"{test.name}\": "
                                                        f"{test.output.splitlines()[0] if test.output else ''}"))
    public = grade(assignment, assignment.reference_file, public_only=True)
    for test in public.counted:
        if test.status != "passed":
            report.findings.append(Finding("public", f"the reference fails the public test \"{test.name}\""))
    names = [t.name for t in result.tests]
    for name in sorted({n for n in names if names.count(n) > 1}):
        report.findings.append(Finding("names", f"two tests are named \"{name}\": give each its own"))
    for name in names:
        if _owner_of(name, top) is None:
            report.findings.append(Finding("names", f"\"{name}\" does not start with the function it "
                                                    f"tests (\"function: what it checks\"; one of "
                                                    f"{', '.join(sorted(top))})"))
    say("reference", 1, 1)

    # 2. the variants
    stub = Variant("stub", "*", "stub", "the untouched stub",
                   assignment.default_submission.read_text(encoding="utf-8"))
    hollow = trivial_variants(source)
    everything = all_trivial(source)
    try:
        declared = load_misconceptions(assignment.misconceptions_file, assignment.reference_file)
    except ConfigurationError as exc:
        report.findings.append(Finding("mistake", str(exc)))
        declared = []
    mistakes = mistake_variants(assignment.reference_file, assignment.misconceptions_file,
                                [m for m in declared if "." not in m.function]) if declared else []
    mutants = make_mutants(source) if mutation else []
    outcomes = grade_variants(assignment, [stub, *hollow, *everything, *mistakes], jobs=jobs,
                              progress=lambda done, total: say("variants", done, total))
    if mutants:
        outcomes.update(grade_variants(assignment, mutants, jobs=jobs, first_failure=True,
                                       progress=lambda done, total: say("mutants", done, total)))

    def tests_of(variant: Variant) -> list[dict]:
        outcome = outcomes.get(variant.id, {})
        if outcome.get("status") != "graded":
            report.warnings.append(f"{variant.id}: not graded ({outcome.get('reason', 'no outcome')})")
        return _tests(outcome)

    # 3. the stub and the trivial submissions
    stub_tests = tests_of(stub)
    report.stub_score = sum(t["score"] for t in stub_tests)
    for t in stub_tests:
        if t["score"] > 0:
            report.findings.append(Finding("stub", f"the untouched stub earns {t['score']:g} in \"{t['name']}\""))
    for variant in everything:
        tests = tests_of(variant)
        kind = variant.id.split(": ", 1)[1]
        report.all_trivial[kind] = sum(t["score"] for t in tests)
        for t in tests:
            if t["score"] > 0:
                report.findings.append(Finding("all-trivial", f"a submission in which {variant.description} "
                                                              f"earns {t['score']:g} in \"{t['name']}\""))
    report.hollow_variants = len(hollow)
    reach = {name: _reach(called, uses, all_units) for name, called in recorder.tests.items()}
    for variant in hollow:
        unit = next(u for u in all_units if u.name == variant.function)
        owner = unit.owner or unit.name
        affected = dependants(source, unit.name)
        tests = tests_of(variant)
        own = [t for t in tests if _owner_of(t["name"], top) == owner]
        if unit.owner is None:
            for t in own:
                if t["score"] > 0:
                    report.hollow_credit += t["score"]
                    report.findings.append(Finding("hollow", f"when {variant.description}, it still earns "
                                                             f"{t['score']:g} in \"{t['name']}\""))
        elif own and not any(_lost(t) for t in own):
            report.findings.append(Finding("hollow", f"when {variant.description}, no test of {owner} "
                                                     "loses a point: test what it does"))
        for t in tests:
            reached = reach.get(t["name"])
            if _lost(t) and reached is not None and not (reached & affected) \
                    and _owner_of(t["name"], top) != owner:
                report.findings.append(Finding("hollow", f"when {variant.description}, \"{t['name']}\" loses "
                                                         "points although it does not call it"))

    # 4. the known mistakes
    report.mistakes = len(mistakes)
    by_id = {f"{m.function}: {m.id}": m for m in declared}
    for variant in mistakes:
        tests = tests_of(variant)
        mistake = by_id[variant.id]
        if not any(_lost(t) for t in tests):
            witness = distinguish(reference, load(variant), {mistake.function}, recorder.calls,
                                  recorded_only=True)
            if witness is None:  # e.g. a mistake that needs the student's own cache format
                report.warnings.append(f"the known mistake {variant.id} cannot be tried in place of "
                                       "the reference's function: on the suite's inputs it gives "
                                       "the reference's values (does it need a cache of the "
                                       "student's own format?)")
            else:
                report.findings.append(Finding("mistake", f"the known mistake {variant.id} loses no "
                                                          f"point, though it differs on {witness}: "
                                                          "add a test where it shows"))
        elif not any(mistake.id in (t.get("extra_data") or {}).get("hints", []) for t in tests):
            report.findings.append(Finding("mistake", f"the known mistake {variant.id} loses points, but its "
                                                      "hint appears on no failed test"))

    # 5. the mutants
    if mutation:
        records = load_records(assignment.reference_dir / RECORDS_NAME)
        for variant in mutants:
            outcome = outcomes.get(variant.id, {})
            result_doc = outcome.get("result") or {}
            killed = outcome.get("status") != "graded" or \
                result_doc.get("score", 0) < result_doc.get("max_score", 0)
            record = records.get(variant.id)
            if killed:
                report.mutants.append(MutantOutcome(variant.id, variant.function, variant.line, "killed"))
                if record is not None:
                    report.warnings.append(f"{RECORDS_NAME}: {variant.id!r} is recorded, but the suite "
                                           "kills it now: remove the record")
                continue
            say("equivalence", 0, 1)
            try:
                module = load(variant)
                witness = distinguish(reference, module, dependants(source, variant.function),
                                      recorder.calls, source=source)
            except Exception as exc:  # noqa: BLE001 - a mutant that cannot be loaded here
                witness = f"could not be compared here ({type(exc).__name__}: {exc})"
            status = "survived" if witness else "equivalent"
            if record is not None and record.kind == "equivalent":
                if witness and not isinstance(witness, str):
                    report.findings.append(Finding("records", f"{variant.id!r} is recorded as equivalent, "
                                                              f"but it differs: {witness}"))
                status = "recorded-equivalent"
            elif record is not None:
                status = "accepted"
            report.mutants.append(MutantOutcome(variant.id, variant.function, variant.line, status,
                                                str(witness or ""), record.reason if record else ""))
        known = {v.id for v in mutants}
        for ident in records:
            if ident not in known:
                report.warnings.append(f"{RECORDS_NAME}: {ident!r} is no mutant of the reference now: "
                                       "remove the record")
        for m in report.mutants:
            if m.status == "survived":
                report.findings.append(Finding("mutation", f"mutant survives (line {m.line}): {m.id}; "
                                                           f"differs on {m.witness}"))
        score = report.mutation_score
        if score is not None and score < MUTATION_THRESHOLD:
            report.findings.append(Finding("mutation", f"mutation score {score:.1%} is below "
                                                       f"{MUTATION_THRESHOLD:.0%}"))
    report.seconds = time.monotonic() - started
    return report
