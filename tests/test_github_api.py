"""`grade report` (grader.github_api): batch results sent back to the students'
repositories as commit statuses and comments, through PyGithub, tested against GitHub's
recorded API responses (tests/recorded/github_api.json; there is no network here)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import responses

from conftest import ROOT, SUBMISSIONS, run_grade
from github_actions import git
from grader import github_api
from grader.cli import main
from grader.gradebook import Entry

RECORDED = json.loads((Path(__file__).parent / "recorded" / "github_api.json").read_text())


def api_url(path: str) -> re.Pattern:
    return re.compile(r"https://api\.github\.com(:443)?" + re.escape(path) + "$")


def answer(mock: responses.RequestsMock, method: str, path: str, recorded: str) -> None:
    mock.add(method, api_url(path), json=RECORDED[recorded]["body"], status=RECORDED[recorded]["status"])


def clone(folder: Path, files: dict[str, Path]) -> str:
    """A git repository in ``folder`` with ``files`` committed; its commit."""
    folder.mkdir(parents=True)
    for rel, source in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, folder / rel)
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "answers")
    return git(folder, "rev-parse", "HEAD")


def test_head_commit_follows_head_through_loose_and_packed_refs_without_git(tmp_path):
    sha = clone(tmp_path / "alice", {"a.txt": ROOT / "README.md"})
    assert github_api.head_commit(tmp_path / "alice") == sha
    git(tmp_path / "alice", "pack-refs", "--all")
    assert not (tmp_path / "alice" / ".git" / "refs" / "heads" / "main").exists()
    assert github_api.head_commit(tmp_path / "alice") == sha
    git(tmp_path / "alice", "checkout", "-q", "--detach")
    assert github_api.head_commit(tmp_path / "alice") == sha
    (tmp_path / "alice" / ".git" / "HEAD").write_text("ref: refs/../../../etc/passwd\n")
    assert github_api.head_commit(tmp_path / "alice") is None
    assert github_api.head_commit(tmp_path / "nothing") is None


def entry(student: str, status: str, score, reason: str = "") -> Entry:
    return Entry(student=student, origin=f"repos/{student}", content_hash="0" * 64, status=status,
                 score=score, max_score=100.0, reason=reason)


def test_reports_give_the_state_and_score_of_each_clone_and_skip_the_rest(tmp_path):
    shas = {s: clone(tmp_path / s, {"x.py": ROOT / "README.md"}) for s in ("alice", "bob", "carol")}
    (tmp_path / "dave").mkdir()
    (tmp_path / "alice.md").write_text("# alice's feedback\n")
    made, skipped = github_api.reports(
        [entry("alice", "graded", 94.0), entry("bob", "graded", 100.0),
         entry("carol", "rejected", 0.0, "the file is empty"), entry("dave", "graded", 50.0)],
        tmp_path, "course", assignment="hw3", fail_under=95,
        feedback={"alice": tmp_path / "alice.md"})
    assert [(r.repository, r.sha, r.state, r.description) for r in made] == [
        ("course/alice", shas["alice"], "failure", "hw3: 94/100 (94%)"),
        ("course/bob", shas["bob"], "success", "hw3: 100/100 (100%)"),
        ("course/carol", shas["carol"], "error", "hw3: rejected: the file is empty"),
    ]
    assert made[0].comment == "# alice's feedback\n" and made[1].comment is None
    assert skipped == [f"dave: not a git clone in {tmp_path}, so not reported"]


def test_post_sets_each_status_and_comment_and_goes_on_after_a_refusal():
    from github import Auth, Github

    a, b = "a" * 40, "b" * 40
    made = [github_api.Report("alice", "course/alice", a, "failure", "hw3: 94/100 (94%)", "feedback"),
            github_api.Report("bob", "course/bob", b, "success", "hw3: 100/100 (100%)")]
    with responses.RequestsMock() as mock:
        answer(mock, "POST", f"/repos/course/alice/statuses/{a}", "forbidden")
        answer(mock, "POST", f"/repos/course/bob/statuses/{b}", "create_status")
        api = Github(auth=Auth.Token("t0ken"), retry=None, seconds_between_requests=0,
                     seconds_between_writes=0, lazy=True)
        lines = github_api.post(made, token="t0ken", context="grade/hw3",
                                target_url="https://github.com/course/grading/actions/runs/1", api=api)
        sent = [(c.request.method, c.request.url, json.loads(c.request.body),
                 c.request.headers["Authorization"]) for c in mock.calls]
    assert lines == [
        "course/alice@aaaaaaa: GitHub answered 403: Resource not accessible by personal access "
        "token (check the token's access to this repository)",
        "course/bob@bbbbbbb: success (hw3: 100/100 (100%))"]
    assert sent[1] == ("POST", f"https://api.github.com:443/repos/course/bob/statuses/{b}",
                       {"state": "success", "description": "hw3: 100/100 (100%)",
                        "context": "grade/hw3",
                        "target_url": "https://github.com/course/grading/actions/runs/1"},
                       "token t0ken")
    assert len(sent) == 2  # no comment where the status was refused


@pytest.mark.slow
def test_grade_report_sends_a_batchs_results_to_each_repository(tmp_path, monkeypatch):
    """`grade batch` over two clones (public tests, to be quick), then `grade report`:
    a status on each clone's commit, and with --comment the student's feedback."""
    repos = tmp_path / "repos"
    shas = {"alice": clone(repos / "alice", {"assignments/hw3/backprop.py": SUBMISSIONS / "hw3" / "correct_loops.py"}),
            "bob": clone(repos / "bob", {"assignments/hw3/backprop.py": ROOT / "assignments" / "hw3" / "backprop.py"})}
    out = tmp_path / "out"
    done = run_grade("batch", "hw3", str(repos), "--out", str(out), "--public", "--jobs", "1", timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    args = ["report", "hw3", str(out), "--repos", str(repos), "--owner", "course",
            "--fail-under", "60", "--comment", "--url", "https://github.com/course/grading/actions/runs/9"]
    assert main(args) == 2  # no token: a usage error that says which variable
    monkeypatch.setenv("GITHUB_TOKEN", "t0ken")
    with responses.RequestsMock() as mock:
        for student, sha in shas.items():
            answer(mock, "POST", f"/repos/course/{student}/statuses/{sha}", "create_status")
            answer(mock, "POST", f"/repos/course/{student}/commits/{sha}/comments", "create_commit_comment")
        assert main(args) == 0
        sent = {(c.request.url.split("/repos/")[1]): json.loads(c.request.body) for c in mock.calls}
    status = {s: sent[f"course/{s}/statuses/{sha}"] for s, sha in shas.items()}
    assert status["alice"]["state"] == "success" and status["alice"]["description"] == "hw3: 10/10 (100%)"
    assert status["bob"]["state"] == "failure" and status["bob"]["description"].startswith("hw3: 0/10")
    assert {s["context"] for s in status.values()} == {"grade/hw3"}
    comment = sent[f"course/bob/commits/{shas['bob']}/comments"]["body"]
    assert comment == (out / "feedback" / "bob.md").read_text() and "not implemented" in comment.lower()


def test_grade_report_help_says_where_the_token_comes_from():
    done = run_grade("report", "--help")
    assert done.returncode == 0 and "GITHUB_TOKEN" in done.stdout and "docs/ci.md" in done.stdout
