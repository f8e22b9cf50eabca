"""`grade audit` itself: it passes a sound assignment made with `grade new` (a ReLU
layer), and fails on each kind of unsound suite (a property test that gives hollow credit, a value test too
weak to kill a mutant, a misspelled misconception, a reference that loses points).

The assignments here are small (the `grade new` example, a ReLU layer) so that each
audit takes seconds; the course's own hw1–hw7 pass `grade audit --quick` here too (the
reference, the stub, trivial bodies, known mistakes), so that CI fails when a suite gives
credit for nothing. Mutation testing (`grade audit`, minutes per assignment) is the
instructor's, after changing a suite; `benchmarks/audit_time.py` times it."""

import json
import zlib
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run_grade
from grader.assignment import list_assignments, load_assignment
from grader.audit import audit
from grader.scaffold import new_assignment


@pytest.fixture
def course(tmp_path, request):
    """A course holding one assignment made by `grade new` (center(x)), under a name of
    this test's own (suites and references are imported once per process under their
    assignment's name); returns (root, name)."""
    name = f"hw_{zlib.crc32(request.node.name.encode()):08x}"
    new_assignment(tmp_path, name, title="Centering")
    return tmp_path, name


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new))


def _checks(report) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for f in report.findings:
        found.setdefault(f.check, []).append(f.message)
    return found


@pytest.mark.slow
def test_a_property_test_that_gives_hollow_credit_fails_the_audit(course):
    root, name = course
    hidden = root / "reference" / name / "tests" / "test_hidden.py"
    _edit(hidden, '@pytest.mark.depends_on("test_center_values")\n', "")
    report = audit(load_assignment(root, name), mutation=False, jobs=2)
    found = _checks(report)
    assert not report.passed and set(found) == {"hollow", "all-trivial"}  # the rest holds
    assert any("`center` returns None, it still earns 20 in \"center: x is left as it was found\"" in m
               for m in found["hollow"]), found
    assert any("earns 20 in \"center: x is left as it was found\"" in m for m in found["all-trivial"])
    assert report.all_trivial["none"] == 20 and report.hollow_credit == 4 * 20


@pytest.mark.slow
def test_a_weak_value_test_lets_a_mutant_survive_and_the_audit_names_it(course):
    root, name = course
    hidden = root / "reference" / name / "tests" / "test_hidden.py"
    _edit(hidden, "for shape in ((5, 3), (1, 4), (20, 2)):", "for shape in ((1, 4), (1, 2)):")
    _edit(hidden, "x = rng.normal(size=(4, 3)).tolist()", "x = rng.normal(size=(1, 3)).tolist()")
    _edit(hidden, 'np.array([[-2.0, -2.0], [2.0, 2.0]]), names="centered x")',
          'np.array([[-2.0, -2.0], [2.0, 2.0]]), rtol=0, atol=np.inf)')  # shapes only
    report = audit(load_assignment(root, name), mutation=True, jobs=2)
    survived = {m.id: m for m in report.mutants if m.status == "survived"}
    mutant = "center: `x.mean(axis=0)` -> `x.sum(axis=0)`"
    assert mutant in survived, sorted(survived)
    assert "center(float64 (" in survived[mutant].witness  # an input where it differs
    assert any(mutant in m for m in _checks(report)["mutation"])
    assert report.mutation_score < 0.98 and not report.passed


def test_a_misspelled_misconception_is_an_error(course):
    root, name = course
    _edit(root / "reference" / name / "misconceptions.py", '@misconception("center"',
          '@misconception("centre"')
    proc = run_grade("audit", name, "--quick", cwd=root)
    assert proc.returncode == 3, proc.stderr
    assert "'centre'" in proc.stderr and "check the spelling" in proc.stderr


@pytest.mark.slow
def test_a_reference_that_loses_points_fails_the_audit(course):
    root, name = course
    reference = root / "reference" / name / f"{name}.py"
    _edit(reference, "return x - x.mean(axis=0)", "return x - x.mean(axis=1, keepdims=True)")
    proc = run_grade("audit", name, "--quick", "--format", "json", cwd=root)
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)["assignments"][0]
    assert doc["reference"]["score"] < 100 and not doc["passed"]
    assert any(f["check"] == "reference" and "center: [[1, 2], [5, 6]] becomes" in f["message"]
               for f in doc["findings"])
    assert any(f["check"] == "public" for f in doc["findings"])


RELU_REFERENCE = '''"""hw8: a ReLU layer (the reference)."""
import numpy as np


def relu_forward(x):
    """out = max(0, x), elementwise; cache = x."""
    x = np.array(x, dtype=np.float64)
    return np.maximum(x, 0.0), x


def relu_backward(dout, cache):
    """dx = dout where x > 0, else 0."""
    return np.where(cache > 0, np.asarray(dout, dtype=np.float64), 0.0)
'''

RELU_STUB = '''"""hw8: a ReLU layer."""
import numpy as np


def relu_forward(x):
    """out = max(0, x), elementwise; returns (out, cache)."""
    raise NotImplementedError("relu_forward")


def relu_backward(dout, cache):
    """dx of relu_forward's out, from dout and the cache."""
    raise NotImplementedError("relu_backward")
'''

RELU_PUBLIC = '''import numpy as np
import pytest

from grader.checks import assert_close


@pytest.mark.points(10)
def test_relu_forward_worked_example(student):
    """relu_forward: [-1, 0, 2] gives [0, 0, 2]"""
    out, _ = student.relu_forward(np.array([-1.0, 0.0, 2.0]))
    assert_close(out, np.array([0.0, 0.0, 2.0]), names="out")
'''

RELU_HIDDEN = '''import numpy as np
import pytest

from grader.checks import assert_close, assert_unchanged, check_gradient


@pytest.mark.points(30)
def test_relu_forward_values(student, reference, rng):
    """relu_forward: out matches the reference on random inputs with zeros in them"""
    for shape in ((4, 5), (7,)):
        x = rng.normal(size=shape)
        x.flat[0] = 0.0
        out, _ = student.relu_forward(x)
        assert_close(out, reference.relu_forward(x)[0], names="out")


@pytest.mark.points(10)
@pytest.mark.depends_on("test_relu_forward_values")
def test_relu_forward_leaves_x_unchanged(student, rng):
    """relu_forward: x is left as it was found"""
    student.relu_forward(rng.normal(size=(3, 4)))
    assert_unchanged(student.last_call.changed, "relu_forward")


@pytest.mark.points(30)
def test_relu_backward_values(student, reference, rng):
    """relu_backward: dx matches the reference, from the student's own cache"""
    x, dout = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    x[0, 0] = 0.0
    _, cache = student.relu_forward(x)
    _, ref_cache = reference.relu_forward(x)
    assert_close(student.relu_backward(dout, cache), reference.relu_backward(dout, ref_cache),
                 names="dx")


@pytest.mark.points(30)
def test_relu_backward_central_differences(student, rng):
    """relu_backward: dx matches central differences of sum(out * dout)"""
    x = rng.normal(size=(3, 4))
    x[np.abs(x) < 0.1] = 0.5  # away from the kink
    dout = rng.normal(size=(3, 4))
    _, cache = student.relu_forward(x)
    dx = student.relu_backward(dout, cache)
    check_gradient(lambda v: float(np.sum(np.maximum(v, 0.0) * dout)), x, dx, name="dx")
'''

RELU_MISTAKES = '''import numpy as np

from grader.hints import misconception


@misconception("relu_backward", hint="your dx passes dout everywhere: ReLU's derivative is 0 "
               "where x <= 0, so dx = dout * (x > 0).")
def backward_ignores_mask(reference, dout, cache):
    return np.asarray(dout, dtype=np.float64).copy()
'''


@pytest.mark.slow
def test_an_assignment_made_with_grade_new_audits_clean_once_written(tmp_path):
    course = tmp_path / "course"
    for part in ("assignments", "reference"):
        shutil.copytree(ROOT / part, course / part, ignore=shutil.ignore_patterns("__pycache__"))
    made = run_grade("new", "hw8", "--title", "ReLU layer", "--file", "relu.py", cwd=course)
    assert made.returncode == 0, made.stderr
    assert "grade audit hw8" in made.stdout
    (course / "reference" / "hw8" / "relu.py").write_text(RELU_REFERENCE)
    (course / "assignments" / "hw8" / "relu.py").write_text(RELU_STUB)
    (course / "assignments" / "hw8" / "tests" / "test_public.py").write_text(RELU_PUBLIC)
    (course / "reference" / "hw8" / "tests" / "test_hidden.py").write_text(RELU_HIDDEN)
    (course / "reference" / "hw8" / "misconceptions.py").write_text(RELU_MISTAKES)
    proc = run_grade("audit", "hw8", "--format", "json", cwd=course, timeout=600)
    doc = json.loads(proc.stdout)["assignments"][0]
    assert proc.returncode == 0, doc["findings"]
    assert doc["passed"] and doc["stub_score"] == 0 and doc["mistakes"] == 1
    assert set(doc["all_trivial"].values()) == {0}
    assert doc["mutation"]["mutants"] > 5 and doc["mutation"]["score"] >= 0.98


def test_grade_new_refuses_an_existing_name_and_a_bad_one(course):
    root, name = course
    proc = run_grade("new", name, cwd=root)
    assert proc.returncode == 2 and "exists already" in proc.stderr
    proc = run_grade("new", "8hw", cwd=root)
    assert proc.returncode == 2 and "not an assignment name" in proc.stderr


COURSE_SUITES = [a.name for a in list_assignments(ROOT) if a.has_hidden_suite()]


@pytest.fixture(scope="module")
def course_audit(request):
    """The quick audit of every course suite this session tests (all of them, or those
    that -k selects), by one `grade audit --quick`: one process and one start-up, not
    one per assignment.  Returns (the names, the exit status, the JSON document)."""
    names = [item.callspec.params["name"] for item in request.session.items
             if getattr(item, "originalname", "") == "test_every_course_suite_passes_the_quick_audit"]
    proc = run_grade("audit", *names, "--quick", "--format", "json", timeout=600 * len(names))
    assert proc.returncode in (0, 1), proc.stdout[-4000:] + proc.stderr[-2000:]  # 1: one failed
    return names, proc.returncode, json.loads(proc.stdout)


@pytest.mark.slow
@pytest.mark.parametrize("name", COURSE_SUITES)
def test_every_course_suite_passes_the_quick_audit(course_audit, name):
    names, status, doc = course_audit
    assert sorted(r["assignment"] for r in doc["assignments"]) == sorted(names)
    [report] = [r for r in doc["assignments"] if r["assignment"] == name]
    assert report["passed"], "\n".join(f"{f['check']}: {f['message']}" for f in report["findings"])
    assert (status == 0) == doc["passed"] == all(r["passed"] for r in doc["assignments"])
