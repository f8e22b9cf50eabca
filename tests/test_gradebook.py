"""The batch gradebook (grader.gradebook): what is done, what is retried, durability."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from grader.gradebook import Entry, Gradebook, GradebookMismatch


def graded(student: str, content: str = "h1", fp: str = "fp1", score: float = 80) -> Entry:
    doc = {"score": score, "max_score": 100, "tests": [], "output": ""}
    return Entry(student, f"{student}.py", content, "graded", score, 100, "", doc, 1.5, fp)


def test_a_recorded_result_is_done_for_that_content_and_suite_only(tmp_path):
    with Gradebook(tmp_path / "g.sqlite", "hw3") as book:
        book.record(graded("alice"))
        assert book.is_done("alice", "h1", "fp1")
        assert not book.is_done("alice", "h2", "fp1"), "changed content must be graded again"
        assert not book.is_done("alice", "h1", "fp2"), "a changed suite must grade again"
        assert not book.is_done("bob", "h1", "fp1")
        entry = book.get("alice")
        assert entry.score == 80 and entry.result["max_score"] == 100 and entry.percent == 80


def test_errors_are_retried_and_rejections_are_not(tmp_path):
    with Gradebook(tmp_path / "g.sqlite", "hw3") as book:
        book.record(Entry("bob", "bob.py", "h", "error", None, 100, "the grader crashed"))
        book.record(Entry("carol", "c.zip!x", "r", "rejected", 0.0, 100, "the file is empty"))
        assert not book.is_done("bob", "h", "")
        assert book.is_done("carol", "r", "")
        assert book.get("bob").percent is None


def test_a_new_result_replaces_the_old_and_the_log_keeps_both(tmp_path):
    with Gradebook(tmp_path / "g.sqlite", "hw3") as book:
        book.record(graded("alice", "h1", score=50))
        book.record(graded("alice", "h2", score=90))
        assert [e.score for e in book.entries()] == [90]
        assert [g[1] for g in book.gradings("alice")] == ["h1", "h2"]


def test_forget_makes_a_student_pending_again(tmp_path):
    with Gradebook(tmp_path / "g.sqlite", "hw3") as book:
        book.record(graded("alice"))
        book.record(graded("bob"))
        book.forget(["alice"])
        assert not book.is_done("alice", "h1", "fp1") and book.is_done("bob", "h1", "fp1")
        assert [e.student for e in book.entries()] == ["bob"]


def test_another_assignments_gradebook_is_refused(tmp_path):
    Gradebook(tmp_path / "g.sqlite", "hw3").close()
    with pytest.raises(GradebookMismatch, match="gradebook of hw3, not hw2"):
        Gradebook(tmp_path / "g.sqlite", "hw2")


def test_a_bad_status_is_refused(tmp_path):
    with Gradebook(tmp_path / "g.sqlite", "hw3") as book, pytest.raises(ValueError):
        book.record(Entry("x", "x.py", "h", "done", 1, 1))


def test_a_record_survives_the_process_being_killed_right_after(tmp_path):
    path = tmp_path / "g.sqlite"
    script = (f"import os, signal\nfrom grader.gradebook import Entry, Gradebook\n"
              f"b = Gradebook({str(path)!r}, 'hw3')\n"
              f"b.record(Entry('alice', 'a.py', 'h', 'graded', 7.0, 10.0, result={{'score': 7}}))\n"
              f"os.kill(os.getpid(), signal.SIGKILL)\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert proc.returncode == -9
    with Gradebook(path, "hw3") as book:
        assert book.get("alice").score == 7.0
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)


FLAG = "assignments/hw3/tests/test_public.py differs from the release"


def test_tamper_flags_are_kept_with_every_status(tmp_path):
    with Gradebook(tmp_path / "g.sqlite", "hw3") as book:
        book.record(Entry("alice", "repos/alice", "h1", "graded", 80, 100, "", {"score": 80},
                          1.0, "fp1", flags=[FLAG]))
        book.record(Entry("bob", "repos/bob", "h2", "rejected", 0, 100, "the file is empty",
                          flags=[FLAG, "x"]))
        book.record(graded("carol"))
    with Gradebook(tmp_path / "g.sqlite", "hw3") as book:
        flags = {e.student: e.flags for e in book.entries()}
        assert flags == {"alice": [FLAG], "bob": [FLAG, "x"], "carol": []}
        assert book.get("bob").reason == "the file is empty"


def test_a_schema_1_gradebook_gets_the_new_columns_and_keeps_its_entries(tmp_path):
    path = tmp_path / "g.sqlite"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
        "INSERT INTO meta VALUES ('assignment', 'hw3'), ('schema', '1');"
        "CREATE TABLE entries (student TEXT PRIMARY KEY, origin TEXT, content_hash TEXT, "
        "status TEXT, score REAL, max_score REAL, reason TEXT, result TEXT, seconds REAL, "
        "fingerprint TEXT, graded_at TEXT);"
        "INSERT INTO entries VALUES ('alice', 'alice.py', 'h1', 'graded', 80, 100, '', "
        "'{\"score\": 80}', 1.5, 'fp1', '2026-11-01T00:00:00+00:00');")
    db.commit()
    db.close()
    with Gradebook(path, "hw3") as book:
        [alice] = book.entries()
        assert (alice.score, alice.flags, alice.result) == (80, [], {"score": 80})
        assert (alice.name, alice.email, alice.submitted_at, alice.late) == ("", "", "", None)
        assert book.is_done("alice", "h1", "fp1")
        book.record(graded("bob"))
    schema = sqlite3.connect(path).execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    assert schema == ("3",)


def test_who_the_student_is_is_kept_and_updated_without_a_new_grading(tmp_path):
    with Gradebook(tmp_path / "g.sqlite", "hw3") as book:
        entry = graded("alice")
        entry.name, entry.email, entry.late = "Alice Liddell", "alice@example.edu", True
        entry.submitted_at = "2024-03-01T23:59:12-08:00"
        book.record(entry)
        stored = book.get("alice")
        assert (stored.name, stored.email, stored.submitted_at, stored.late) == (
            "Alice Liddell", "alice@example.edu", "2024-03-01T23:59:12-08:00", True)
        assert stored.outcome == "completed"
        entry.name, entry.late = "Alice P. Liddell", False
        book.update_student(entry)
        assert (book.get("alice").name, book.get("alice").late) == ("Alice P. Liddell", False)
        assert len(book.gradings("alice")) == 1
