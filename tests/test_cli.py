"""The `grade` command as a user meets it: help, list, usage errors, exit codes, and
stdout that holds nothing but the JSON document in --format json."""

from __future__ import annotations

import json
import shutil

import pytest

from rich.cells import cell_len

from conftest import ROOT, SUBMISSIONS, full_marks, run_grade


def test_help_explains_the_commands():
    proc = run_grade("--help")
    assert proc.returncode == 0
    for word in ("grade hw3", "grade list", "Exit status", "hw3"):
        assert word in proc.stdout
    proc = run_grade("hw3", "--help")
    assert proc.returncode == 0
    for word in ("--submission", "--format", "--fail-under", "--public", "backprop.py", "5 s per"):
        assert word in proc.stdout


def test_list_shows_assignments_with_points_in_80_columns():
    proc = run_grade("list", env={"COLUMNS": "200"})
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 80       # Chinese titles: 2 cells a character
    at = next(i for i, line in enumerate(lines) if line.startswith("hw3"))
    assert "Backpropagation (反向传播)" in lines[at]
    details = lines[at + 1]
    assert details.startswith("     ") and "assignments/hw3/backprop.py" in details
    assert "100 points (+4 on a GPU)" in details and "hidden suite" in details
    assert sum(line.startswith("hw") for line in lines) == 7


def test_list_in_chinese():
    proc = run_grade("list", "--lang", "zh")
    assert proc.returncode == 0
    assert "100 分（GPU 上另有 4 分） · 隐藏测试" in proc.stdout
    assert run_grade("--lang", "zh", "list").stdout == proc.stdout   # on the group too


def test_unknown_assignment_is_a_one_line_usage_error():
    proc = run_grade("hw99")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "unknown assignment" in proc.stderr and "hw3" in proc.stderr


def test_a_mistyped_assignment_is_told_in_the_language_asked_for():
    """--lang after the mistyped name is read too (click stops at the name), and so is a
    Chinese locale; the closest assignment is suggested."""
    for args, env in ((("hw33", "--lang", "zh"), {}), (("hw33", "--lang=zh"), {}),
                      (("hw33",), {"LANGUAGE": "", "LC_ALL": "", "LANG": "zh_CN.UTF-8"})):
        proc = run_grade(*args, env=env)
        assert proc.returncode == 2 and proc.stdout == ""
        assert proc.stderr == ("grade: 错误：没有名为 'hw33' 的作业或命令；你是不是想输入 hw3？"
                               "（作业：hw1, hw2, hw3, hw4, hw5, hw6, hw7；见 `grade list`）\n"), args
    proc = run_grade("batch", "hw9", "x.py", "--lang", "zh")
    assert proc.returncode == 2 and "没有名为 'hw9' 的作业（作业：hw1" in proc.stderr
    english = run_grade("hw33", env={"LANGUAGE": "", "LC_ALL": "", "LANG": "C.UTF-8"})
    assert english.stderr.startswith("grade: error: unknown assignment or command 'hw33'; "
                                     "did you mean hw3? (assignments: hw1")


def test_bare_grade_prints_its_help_without_an_error():
    proc = run_grade()
    assert proc.returncode == 0
    assert proc.stdout.startswith("Usage: grade") and "grade list" in proc.stdout
    assert "error:" not in proc.stdout + proc.stderr and proc.stderr == ""


def test_assignment_names_are_case_insensitive():
    proc = run_grade("HW3", "--help")
    assert proc.returncode == 0 and proc.stdout.startswith("Usage: grade hw3")
    listed = run_grade("batch", "Hw3", "no-such-folder")
    assert listed.returncode == 2 and "not found: no-such-folder" in listed.stderr


@pytest.mark.parametrize("args, suggestion", [
    (["hw33"], "did you mean hw3?"),
    (["bach"], "did you mean batch?"),
    (["batch", "hw3x", "x.py"], "did you mean hw3?"),
    (["batch", "hw0", "x.py"], None),  # as close to hw1 as to hw7: no guess
])
def test_an_unknown_name_suggests_the_closest_one(args, suggestion):
    proc = run_grade(*args)
    assert proc.returncode == 2
    assert proc.stderr.startswith("grade: error: unknown ")
    if suggestion:
        assert suggestion in proc.stderr
    else:
        assert "did you mean" not in proc.stderr and "hw1, hw2" in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_missing_submission_is_a_one_line_usage_error(tmp_path):
    proc = run_grade("hw3", "--submission", str(tmp_path / "nope.py"))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "submission file not found" in proc.stderr


def test_fail_under_exits_1_below_the_threshold_and_0_otherwise():
    wrong = SUBMISSIONS / "hw3" / "wrong_bce_sum.py"  # 8/10 on the public tests
    below = run_grade("hw3", "--submission", str(wrong), "--public", "--fail-under", "100")
    assert below.returncode == 1 and "below --fail-under" in below.stderr
    ok = run_grade("hw3", "--submission", str(wrong), "--public", "--fail-under", "50")
    assert ok.returncode == 0


def test_json_mode_prints_exactly_one_document_whatever_the_submission_prints():
    # correct_lecture_style.py prints at import and in its functions, and calls plt.show().
    proc = run_grade("hw3", "--submission", str(SUBMISSIONS / "hw3" / "correct_lecture_style.py"),
                     "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)  # fails on any stray output
    assert set(doc) >= {"score", "max_score", "execution_time", "output", "tests"}
    for test in doc["tests"]:
        assert set(test) == {"name", "score", "max_score", "status", "output"}
        assert test["status"] in ("passed", "failed")
    assert doc["score"] == doc["max_score"] == full_marks("hw3")


def test_text_report_shows_table_total_and_what_to_fix():
    proc = run_grade("hw3", "--submission", str(SUBMISSIONS / "hw3" / "wrong_bce_sum.py"), "--public")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Score: 8/10" in out
    assert "What to fix (2 tests failed)" in out and "bce_loss" in out and "mlp_loss" in out
    assert out.index("What to fix") < out.index("All tests")
    assert "public tests only" in out


def test_grade_works_from_a_subdirectory_of_the_repository():
    proc = run_grade("hw3", "--public", "--format", "json", cwd=ROOT / "assignments" / "hw3" / "tests")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["max_score"] == 10


def test_points_that_do_not_add_up_are_a_configuration_error(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(ROOT / "assignments", course / "assignments")
    toml = course / "assignments" / "hw3" / "assignment.toml"
    toml.write_text(toml.read_text().replace("public_points = 10", "public_points = 12"))
    proc = run_grade("hw3", "--format", "json", cwd=course)
    assert proc.returncode == 3
    assert "add up to 10" in proc.stderr and "declares 12" in proc.stderr
