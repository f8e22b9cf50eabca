"""`grade batch` over student repositories made by `grade release`: the .py or the
notebook, whichever the student worked in, graded with the instructor's hidden suite,
and the repositories that differ from the release flagged in every export."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, SUBMISSIONS, run_grade
from grader import seal, tamper
from grader.notebook import stub_notebook

CORRECT = SUBMISSIONS / "hw3" / "correct_loops.py"
TEST_CHANGED = "assignments/hw3/tests/test_public.py differs from the release"
WORKFLOW_ADDED = ".github/workflows/x.yml was added (it is not part of the release)"

pytestmark = pytest.mark.slow  # a release, then batches of its repositories


@pytest.fixture(scope="module")
def key() -> str:
    return seal.new_key()


@pytest.fixture(scope="module")
def repos(tmp_path_factory, key):
    """The course released (signed with ``key``, no sealed bundles) and four students'
    repositories made from it: alice works in the .py, bob in the notebook, carol in the
    .py but edits a public test and adds a workflow, dave edits a test and rewrites the
    release record to match (only the key tells)."""
    base = tmp_path_factory.mktemp("batch-release")
    released = base / "released"
    made = run_grade("release", str(released), "hw3", cwd=ROOT, env={"GRADER_KEY": key})
    assert made.returncode == 0, made.stderr
    assert (released / tamper.RECORD_PATH).is_file()
    assert (released / "assignments/hw3/backprop.ipynb").is_file()
    assert not (released / "sealed").exists()

    folder = base / "repos"
    folder.mkdir()
    hw3 = Path("assignments/hw3")
    for student in ("alice", "bob", "carol", "dave"):
        shutil.copytree(released, folder / student)
    shutil.copyfile(CORRECT, folder / "alice" / hw3 / "backprop.py")
    (folder / "bob" / hw3 / "backprop.ipynb").write_text(stub_notebook(CORRECT, None, "hw3"),
                                                         encoding="utf-8")
    shutil.copyfile(CORRECT, folder / "carol" / hw3 / "backprop.py")
    with open(folder / "carol" / hw3 / "tests" / "test_public.py", "a", encoding="utf-8") as f:
        f.write("\n# made easier\n")
    (folder / "carol" / ".github" / "workflows" / "x.yml").write_text("on: push\n")
    shutil.copyfile(CORRECT, folder / "dave" / hw3 / "backprop.py")
    with open(folder / "dave" / hw3 / "tests" / "test_public.py", "a", encoding="utf-8") as f:
        f.write("\n# made easier\n")
    record = folder / "dave" / tamper.RECORD_PATH
    record.write_text(json.dumps(tamper.record(folder / "dave")), encoding="utf-8")  # no MAC
    return folder


def batch(folder: Path, out: Path, key: str):
    return run_grade("batch", "hw3", str(folder), "--out", str(out), "--jobs", "2", cwd=ROOT,
                     env={"GRADER_KEY": key}, timeout=600)


def grades(out: Path) -> dict[str, dict]:
    with open(out / "grades.csv", encoding="utf-8", newline="") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def graded(repos, key, tmp_path_factory):
    out = tmp_path_factory.mktemp("batch-release-out") / "out"
    proc = batch(repos, out, key)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out, proc


def test_the_py_or_the_notebook_is_graded_with_the_hidden_suite(graded):
    out, _ = graded
    rows = grades(out)
    assert sorted(rows) == ["alice", "bob", "carol", "dave"]
    for student, row in rows.items():
        assert (row["status"], row["score"], row["max_score"]) == ("graded", "100", "100"), row
        doc = json.loads((out / "results" / f"{student}.json").read_text("utf-8"))
        assert doc["extra_data"]["suite"] == "hidden" and doc["score"] == 100
    with open(out / "grades.csv", encoding="utf-8", newline="") as f:
        assert next(csv.reader(f))[-4:] == ["reason", "tampered", "content_hash", "graded_at"]


def test_the_notebook_is_graded_where_the_py_is_the_untouched_stub(graded):
    out, _ = graded
    import sqlite3

    db = sqlite3.connect(out / "gradebook.sqlite")
    origins = dict(db.execute("SELECT student, origin FROM entries"))
    db.close()
    assert origins["bob"].endswith(os.path.join("bob", "assignments", "hw3", "backprop.ipynb"))
    assert origins["alice"].endswith(os.path.join("alice", "assignments", "hw3", "backprop.py"))


def test_tampered_repositories_are_flagged_everywhere(graded):
    out, proc = graded
    rows = grades(out)
    assert rows["alice"]["tampered"] == "" and rows["bob"]["tampered"] == ""
    assert rows["carol"]["tampered"] == f"{TEST_CHANGED}; {WORKFLOW_ADDED}"
    altered = ".grader/release.json (the release record) was altered"
    assert rows["dave"]["tampered"].startswith(altered), rows["dave"]["tampered"]
    assert "test_public.py" not in rows["dave"]["tampered"]   # its checksum was rewritten too

    carol = json.loads((out / "results" / "carol.json").read_text("utf-8"))
    assert carol["extra_data"]["tampered"] == [TEST_CHANGED, WORKFLOW_ADDED]
    for student in ("alice", "bob"):
        doc = json.loads((out / "results" / f"{student}.json").read_text("utf-8"))
        assert "tampered" not in doc["extra_data"]

    summary = (out / "summary.md").read_text("utf-8")
    section = summary.split("## Repositories that differ from the release", 1)[1]
    assert "| carol |" in section and "| dave |" in section
    assert "alice" not in section and "| bob |" not in section
    assert "test\\_public.py" in section or "test_public.py" in section
    feedback = (out / "feedback" / "carol.md").read_text("utf-8")
    assert "## Your repository differs from the release" in feedback and "x.yml" in feedback
    assert "differs from the release" not in (out / "feedback" / "alice.md").read_text("utf-8")
    assert "2 repositories differ from the release (see summary.md): carol, dave" in proc.stderr


def test_a_restored_repository_is_graded_again_without_flags(graded, repos, key):
    out, _ = graded
    released = repos / "alice"  # alice only changed backprop.py
    for rel in ("assignments/hw3/tests/test_public.py",):
        shutil.copyfile(released / rel, repos / "carol" / rel)
    (repos / "carol" / ".github" / "workflows" / "x.yml").unlink()
    again = batch(repos, out, key)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "3 of 4 submissions already graded" in again.stderr
    rows = grades(out)
    assert rows["carol"]["tampered"] == "" and rows["carol"]["score"] == "100"
    assert rows["dave"]["tampered"] != ""
    assert "tampered" not in json.loads((out / "results" / "carol.json").read_text("utf-8"))["extra_data"]
