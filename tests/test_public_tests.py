"""The public tests students get: every function and class of every assignment has at
least one, and each is honest (the untouched stub fails it, the reference passes it)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT
from grader.assignment import list_assignments, load_assignment

ASSIGNMENTS = [a.name for a in list_assignments(ROOT)]


def called_by_tests(folder: Path) -> dict[str, set[str]]:
    """For each ``student.NAME`` used in the test files of ``folder``: the tests using it."""
    used: dict[str, set[str]] = {}
    for path in sorted(folder.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for test in tree.body:
            if not (isinstance(test, ast.FunctionDef) and test.name.startswith("test_")):
                continue
            for node in ast.walk(test):
                if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                        and node.value.id == "student"):
                    used.setdefault(node.attr, set()).add(test.name)
    return used


def test_the_scan_finds_what_a_test_calls(tmp_path):
    """The check below cannot pass vacuously: a stub function no test calls is missing."""
    from dataclasses import replace

    (tmp_path / "assignments" / "hw3").mkdir(parents=True)
    (tmp_path / "assignments" / "hw3" / "backprop.py").write_text(
        "def f(x):\n    pass\n\ndef g(x):\n    pass\n\nclass Model:\n    pass\n\n"
        "def _helper():\n    pass\n")
    stub = replace(load_assignment(ROOT, "hw3"), root=tmp_path)
    assert stub.public_names() == ["f", "g", "Model"]
    (tmp_path / "test_public.py").write_text(
        "def test_f(student):\n    student.f(1)\n\n"
        "def helper(student):\n    student.g(1)\n")  # not a test: g is not covered
    assert called_by_tests(tmp_path) == {"f": {"test_f"}}


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_function_has_a_public_test(name):
    assignment = load_assignment(ROOT, name)
    names = assignment.public_names()
    assert names, f"{assignment.default_submission} defines nothing to test"
    used = called_by_tests(assignment.public_tests)
    missing = [n for n in names if n not in used]
    assert missing == [], (f"{name}: no public test calls {', '.join(missing)}; add one to "
                           f"{assignment.public_tests.relative_to(ROOT)}")


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_each_public_test_fails_on_the_stub_and_passes_on_the_reference(name, graded):
    assignment = load_assignment(ROOT, name)
    reference = graded(name, assignment.reference_file, "--public")
    assert reference["extra_data"]["suite"] == "public"
    assert [t["name"] for t in reference["tests"] if t["status"] != "passed"] == []
    assert reference["score"] == reference["max_score"] == assignment.public_points
    stub = graded(name, assignment.default_submission, "--public")
    assert len(stub["tests"]) == len(reference["tests"])
    for test in stub["tests"]:
        assert test["status"] == "failed" and "not implemented yet" in test["output"], test
