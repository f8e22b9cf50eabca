"""grader.tamper: what a release protects, and the check of a repository against its
record (the end-to-end uses are in test_release.py and test_batch_release.py)."""

from __future__ import annotations

import json

import pytest

from grader import seal, tamper


@pytest.mark.parametrize("rel, expected", [
    (".github/workflows/grade.yml", True), ("assignments/hw3/tests/test_public.py", True),
    ("assignments/hw3/tests/conftest.py", True), ("assignments/hw3/assignment.toml", True),
    ("assignments/hw6/data/pima.csv", True), ("grader/cli.py", True), ("pyproject.toml", True),
    ("sealed/hw3.sealed", True),
    ("assignments/hw3/backprop.py", False), ("assignments/hw3/backprop.ipynb", False),
    ("assignments/hw3/README.md", False), ("README.md", False), (".gitignore", False),
    ("grader/__pycache__/cli.cpython-311.pyc", False), ("dl_grader.egg-info/PKG-INFO", False),
])
def test_what_is_protected(rel, expected):
    assert tamper.protected(rel) is expected


def repo(tmp_path, key=None):
    for rel, text in {"assignments/hw3/tests/test_public.py": "t3", "assignments/hw1/tests/t.py": "t1",
                      ".github/workflows/grade.yml": "w", "grader/cli.py": "g",
                      "assignments/hw3/backprop.py": "mine"}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    record = tmp_path / tamper.RECORD_PATH
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(tamper.record(tmp_path, key)))
    return tmp_path


def test_a_repository_as_released_has_nothing_to_report(tmp_path):
    key = seal.parse_key(seal.new_key())
    repo(tmp_path, key)
    (tmp_path / "assignments/hw3/backprop.py").write_text("my answers")  # students edit this
    assert tamper.check_repository(tmp_path, key=key) == []
    assert tamper.check_repository(tmp_path / "elsewhere") == []  # no record: not a release


def test_changes_missing_and_added_files_in_the_assignments_scope(tmp_path):
    repo(tmp_path)
    (tmp_path / "assignments/hw3/tests/test_public.py").write_text("weaker")
    (tmp_path / "assignments/hw1/tests/t.py").unlink()
    (tmp_path / "grader/cli.py").unlink()
    (tmp_path / "assignments/hw3/tests/conftest.py").write_text("def pytest_collection(): ...")
    assert tamper.check_repository(tmp_path, assignment="hw3") == [
        "assignments/hw3/tests/test_public.py differs from the release",
        "grader/cli.py is missing (it is part of the release)",
        "assignments/hw3/tests/conftest.py was added (it is not part of the release)",
    ]
    assert "assignments/hw1/tests/t.py is missing (it is part of the release)" in \
        tamper.check_repository(tmp_path)


def test_a_record_rewritten_to_match_is_caught_only_with_the_key(tmp_path):
    key = seal.parse_key(seal.new_key())
    repo(tmp_path, key)
    (tmp_path / ".github/workflows/grade.yml").write_text("always green")
    forged = tamper.record(tmp_path)  # a student can recompute the checksums, not the MAC
    (tmp_path / tamper.RECORD_PATH).write_text(json.dumps(forged))
    assert tamper.check_repository(tmp_path) == []
    assert tamper.check_repository(tmp_path, key=key) == [
        ".grader/release.json (the release record) was altered: its signature does not match "
        "the course key or the assignment's key"]
    other = seal.parse_key(seal.new_key())
    repo(tmp_path, key)
    assert tamper.check_repository(tmp_path, key=key) == []
    assert len(tamper.check_repository(tmp_path, key=other)) == 1


def test_each_assignment_key_verifies_the_record_for_its_own_assignment_only(tmp_path):
    course, hw3, hw1 = (seal.parse_key(seal.new_key()) for _ in range(3))
    repo(tmp_path)
    record = tamper.record(tmp_path, course, assignment_keys={"hw3": hw3, "hw1": hw1})
    (tmp_path / tamper.RECORD_PATH).write_text(json.dumps(record))
    for key, assignment in ((course, "hw3"), (hw3, "hw3"), (hw1, "hw1"), (course, None)):
        assert tamper.check_repository(tmp_path, key=key, assignment=assignment) == []
    assert len(tamper.check_repository(tmp_path, key=hw1, assignment="hw3")) == 1
    assert len(tamper.check_repository(tmp_path, key=hw3, assignment=None)) == 1
    record["files"][".github/workflows/grade.yml"] = "0" * 64  # a student's edit
    (tmp_path / tamper.RECORD_PATH).write_text(json.dumps(record))
    assert len(tamper.check_repository(tmp_path, key=hw3, assignment="hw3")) == 2


@pytest.mark.parametrize("record", [
    b"not json", b"[]", b'{"files": 3}', b'{"nofiles": {}}', b'{"files": {"": "x"}}',
    b'{"files": {"../../etc/passwd": "x"}}', b'{"files": {"/etc/passwd": "x"}}',
    b'{"files": {"a/./b": "x"}}', b'{"files": {"grader/x.py": 5}}',
])
def test_a_damaged_record_is_reported_not_followed(record):
    read = []
    assert tamper.check(record, ["grader/x.py"], lambda rel: read.append(rel) or b"") == [
        ".grader/release.json (the release record) is damaged"]
    assert read == []
