"""The student repository's workflow, its grading step run here as GitHub Actions runs
it: the step's own `run` line, its `env` resolved, GITHUB_* pointed at temporary files,
on a git history with a push or a pull request."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, SUBMISSIONS, run_grade
from test_release import course_copy

WRONG = SUBMISSIONS / "hw3" / "wrong_db_not_summed.py"
CORRECT = SUBMISSIONS / "hw3" / "correct_loops.py"


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """A course sealed with a new key and released; (student repository, key)."""
    base = tmp_path_factory.mktemp("workflow")
    course = course_copy(base / "course")
    made = run_grade("seal", "hw3", cwd=course, env={"GRADER_KEY": ""})
    assert made.returncode == 0, made.stderr
    key = made.stdout.split("shown once", 1)[1].split("\n\n")[1].strip()
    out = run_grade("release", str(base / "student"), "hw1", "hw3", cwd=course,
                    env={"GRADER_KEY": key})
    assert out.returncode == 0, out.stderr
    return base / "student", key


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "s", "GIT_AUTHOR_EMAIL": "s@example.edu",
           "GIT_COMMITTER_NAME": "s", "GIT_COMMITTER_EMAIL": "s@example.edu"}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def clone_with_history(student: Path, target: Path, submission: Path, rel: str) -> tuple[str, str]:
    """``target``: a git repository with the release committed, then ``submission``
    committed at ``rel``; returns the two commits."""
    shutil.copytree(student, target)
    git(target, "init", "-q", "-b", "main")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "release")
    base = git(target, "rev-parse", "HEAD")
    shutil.copyfile(submission, target / rel)
    git(target, "commit", "-q", "-am", "my answers")
    return base, git(target, "rev-parse", "HEAD")


def grading_step(repo: Path) -> dict:
    workflow = yaml.safe_load((repo / ".github" / "workflows" / "grade.yml").read_text())
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert set(on) == {"push", "pull_request"}
    steps = workflow["jobs"]["grade"]["steps"]
    assert any(s.get("uses", "").startswith("actions/upload-artifact") and s["with"]["path"] ==
               "grade-results/" and s.get("if") == "always()" for s in steps)
    assert any(s.get("with", {}).get("fetch-depth") == 0 for s in steps)
    return next(s for s in steps if s.get("id") == "grade")


def resolve(value: str, secrets: dict, variables: dict) -> str:
    """The `${{ secrets.X }}` and `${{ vars.X || 'default' }}` expressions of a step's env."""
    def one(match):
        expr = match.group(1).strip()
        if m := re.fullmatch(r"secrets\.(\w+)", expr):
            return secrets.get(m.group(1), "")
        if m := re.fullmatch(r"vars\.(\w+) \|\| '([^']*)'", expr):
            return variables.get(m.group(1)) or m.group(2)
        raise AssertionError(f"unexpected expression {expr!r}")
    return re.sub(r"\$\{\{(.*?)\}\}", one, str(value))


def run_step(repo: Path, tmp: Path, event_name: str, event: dict, *, key: str,
             variables: dict | None = None) -> tuple[subprocess.CompletedProcess, dict]:
    step = grading_step(repo)
    env = {k: resolve(v, {"GRADER_KEY": key}, variables or {}) for k, v in step["env"].items()}
    files = {name: tmp / name for name in ("summary.md", "output.txt", "event.json")}
    files["summary.md"].write_text("earlier step's summary\n")
    files["event.json"].write_text(json.dumps(event))
    env.update(GITHUB_ACTIONS="true", CI="true", GITHUB_EVENT_NAME=event_name,
               GITHUB_EVENT_PATH=str(files["event.json"]), GITHUB_WORKSPACE=str(repo),
               GITHUB_STEP_SUMMARY=str(files["summary.md"]), GITHUB_OUTPUT=str(files["output.txt"]))
    # `grade` as the workflow's `pip install -e .` puts it on PATH: this environment's
    bin_dir = Path(shutil.which("grade") or "").parent
    proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, capture_output=True,
                          text=True, timeout=300,
                          env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", **env})
    outputs = dict(line.split("=", 1) for line in files["output.txt"].read_text().splitlines()
                   if "=" in line) if files["output.txt"].exists() else {}
    return proc, {"summary": files["summary.md"].read_text(), "outputs": outputs}


def def_line(path: Path, function: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1)
                if line.startswith(f"def {function}("))


def test_a_push_with_a_wrong_submission_gets_annotations_a_summary_and_a_red_check(released, tmp_path):
    student, key = released
    repo = tmp_path / "repo"
    before, after = clone_with_history(student, repo, WRONG, "assignments/hw3/backprop.py")
    proc, got = run_step(repo, tmp_path, "push", {"before": before, "after": after}, key=key)
    assert proc.returncode == 1, proc.stderr  # below GRADER_FAIL_UNDER's default, 100
    annotations = [line for line in proc.stdout.splitlines() if line.startswith("::error ")]
    assert annotations
    line = def_line(repo / "assignments/hw3/backprop.py", "affine_backward")
    assert all(a.startswith("::error file=assignments/hw3/backprop.py,") for a in annotations)
    assert any(f",line={line}," in a and "affine_backward" in a for a in annotations)
    summary = got["summary"]
    assert summary.startswith("earlier step's summary\n")  # appended, not overwritten
    assert "| Test | Points |" in summary.replace("| |", "|") or "| Test |" in summary
    assert "hw3" in summary and "hw1" not in summary  # only what the push changed
    assert "affine_backward: db matches the reference" in summary
    assert "Graded with the hidden suite of hw3." in summary
    results = json.loads((repo / "grade-results" / "hw3.json").read_text())
    assert results["extra_data"]["suite"] == "hidden" and results["score"] < results["max_score"]
    assert got["outputs"]["score"].rstrip("0").rstrip(".") == f"{results['score']:g}"
    assert got["outputs"]["passed"] == "false"
    assert "below --fail-under 100%" in proc.stderr


def test_a_pull_request_with_a_correct_notebook_gets_a_clean_summary(released, tmp_path):
    student, key = released
    repo = tmp_path / "repo"
    shutil.copytree(student, repo)
    from grader.notebook import stub_notebook  # a student's notebook: the stub's, filled in

    notebook = tmp_path / "backprop.ipynb"
    notebook.write_text(stub_notebook(CORRECT, None, "hw3"))
    base, head = clone_with_history(student, tmp_path / "pr", notebook, "assignments/hw3/backprop.ipynb")
    repo = tmp_path / "pr"
    proc, got = run_step(repo, tmp_path, "pull_request",
                         {"pull_request": {"base": {"sha": base}, "head": {"sha": head}}}, key=key)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "::error" not in proc.stdout
    assert "All tests passed." in got["summary"] and "❌" not in got["summary"]
    assert got["outputs"]["passed"] == "true"
    results = json.loads((repo / "grade-results" / "hw3.json").read_text())
    assert results["score"] == results["max_score"] == 100
    assert results["extra_data"]["suite"] == "hidden"


def test_without_the_secret_the_step_runs_the_public_tests_and_says_so(released, tmp_path):
    student, _ = released
    repo = tmp_path / "repo"
    before, after = clone_with_history(student, repo, CORRECT, "assignments/hw3/backprop.py")
    proc, got = run_step(repo, tmp_path, "push", {"before": before, "after": after}, key="",
                         variables={"GRADER_FAIL_UNDER": "50"})
    assert proc.returncode == 0, proc.stderr
    summary = got["summary"].replace("\\_", "_")  # Markdown-escaped
    assert "Only the public tests ran" in summary and "GRADER_KEY is not set" in summary
    assert json.loads((repo / "grade-results" / "hw3.json").read_text())["max_score"] == 10


def test_a_push_that_changes_no_assignment_grades_nothing(released, tmp_path):
    student, key = released
    repo = tmp_path / "repo"
    readme = tmp_path / "README.md"
    readme.write_text("my notes\n")
    before, after = clone_with_history(student, repo, readme, "README.md")
    proc, got = run_step(repo, tmp_path, "push", {"before": before, "after": after}, key=key)
    assert proc.returncode == 0, proc.stderr
    assert "nothing to grade" in got["summary"]
    assert not (repo / "grade-results").exists()


def test_this_repositorys_ci_runs_the_readme_test_command():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    runs = [s.get("run", "") for s in workflow["jobs"]["test"]["steps"]]
    assert "bash .ci/run" in runs
    readme = (ROOT / "README.md").read_text()
    command = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert command in readme
