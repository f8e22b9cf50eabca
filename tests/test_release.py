"""`grade seal` and `grade release`: the student repository, its sealed hidden suites and
its tamper evidence, used as students and their CI use it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT, SUBMISSIONS, processes_with, run_grade
from grader import seal, tamper
from grader.release import find_leaks, secret_lines

CORRECT = SUBMISSIONS / "hw3" / "correct_loops.py"
WRONG = SUBMISSIONS / "hw3" / "wrong_db_not_summed.py"
HUNT = ROOT / "tests" / "hostile" / "hunt_keys.py"


def course_copy(target: Path) -> Path:
    """The instructor's course (assignments, reference, pyproject) in ``target``, so that
    `grade seal` writes its bundles there and not in this repository."""
    for name in ("assignments", "reference"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """A course copy sealed with a new key and released: (course, student repo, key)."""
    base = tmp_path_factory.mktemp("release")
    course = course_copy(base / "course")
    made = run_grade("seal", cwd=course, env={"GRADER_KEY": ""})
    assert made.returncode == 0, made.stderr
    key = made.stdout.split("shown once", 1)[1].split("\n\n")[1].strip()
    seal.parse_key(key)  # the printed key is a key
    assert sorted(p.name for p in (course / "sealed").iterdir()) == [f"hw{i}.sealed" for i in range(1, 8)]
    student = base / "student"
    out = run_grade("release", str(student), cwd=course, env={"GRADER_KEY": key})
    assert out.returncode == 0, out.stderr
    assert "sealed hidden suites: hw1, hw2, hw3, hw4, hw5, hw6, hw7" in out.stdout
    return course, student, key


def grade_there(repo: Path, *args: str, key: str | None = None, submission: Path | None = None):
    if submission is not None:
        shutil.copyfile(submission, repo / "assignments" / "hw3" / "backprop.py")
    return run_grade("hw3", *args, cwd=repo, env={"GRADER_KEY": key or ""})


def test_the_student_repository_holds_what_students_get_and_no_reference(released):
    course, student, _ = released
    names = set(tamper.tree_files(student))
    for must in ("README.md", "pyproject.toml", ".gitignore", ".github/workflows/grade.yml",
                 ".github/workflows/grade-pull-request.yml", "grader/cli.py", "grader/templates/grade.yml", ".grader/release.json",
                 "assignments/hw3/backprop.py", "assignments/hw3/backprop.ipynb",
                 "assignments/hw3/README.md", "assignments/hw3/tests/test_public.py",
                 "assignments/hw6/data/pima.csv", "assignments/hw1/figures/cost_surface.png",
                 "sealed/hw3.sealed"):
        assert must in names, must
    assert not [n for n in names if n.startswith(("reference/", "tests/", "benchmarks/", ".ci/"))]
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    for i in range(1, 8):  # every stub also as a notebook that nbformat accepts
        stubs = [n for n in names if n.startswith(f"assignments/hw{i}/") and n.endswith(".ipynb")]
        assert len(stubs) == 1, stubs
        nbformat.validate(nbformat.read(student / stubs[0], as_version=4))
    readme = (student / "README.md").read_text()
    assert "pip install torch==2.13.0 -e . && grade hw3" in readme and "| hw7 |" in readme


def _all_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *_all_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _all_strings(v)]
    return []


def test_no_line_of_a_reference_or_hidden_suite_is_released(released):
    course, student, _ = released
    secrets = secret_lines(course)
    # the check has something to find: solution lines and hidden-test lines
    hidden = (course / "reference" / "hw3" / "tests" / "test_hidden.py").read_text()
    solution = (course / "reference" / "hw3" / "backprop.py").read_text()
    assert len(secrets) > 500
    assert sum(line.strip() in secrets for line in hidden.splitlines()) > 100
    assert sum(line.strip() in secrets for line in solution.splitlines()) > 20
    # every file, text line by line; notebooks through every string they hold
    seen = 0
    for rel in tamper.tree_files(student):
        data = (student / rel).read_bytes()
        text = data.decode("utf-8", errors="replace")
        strings = [text]
        if rel.endswith(".ipynb"):
            strings += _all_strings(json.loads(text))  # cells, outputs, metadata
            seen += 1
        for s in strings:
            leaked = {line.strip() for line in s.splitlines()} & secrets
            assert not leaked, f"{rel}: {sorted(leaked)[:3]}"
    assert seen == 7
    assert find_leaks(student, secrets) == []


def test_a_leak_in_a_notebooks_outputs_or_metadata_is_found(released, tmp_path):
    course, student, _ = released
    secrets = secret_lines(course)
    line = next(s for s in sorted(secrets) if "def " not in s)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="fine\n")])])
    nb.metadata["note"] = {"deep": ["ok", f"  {line}"]}
    nbformat.write(nb, tmp_path / "a.ipynb")
    assert find_leaks(tmp_path, secrets) == [("a.ipynb", line)]
    nb.metadata.pop("note")
    nb.cells[0].outputs[0]["text"] = f"out\n{line}\n"
    nbformat.write(nb, tmp_path / "a.ipynb")
    assert find_leaks(tmp_path, secrets) == [("a.ipynb", line)]


@pytest.mark.slow
def test_the_round_trip_gives_the_same_score_with_the_key_and_the_public_tests_without(released, graded):
    course, student, key = released
    for submission in (CORRECT, WRONG):
        here = graded("hw3", submission)  # this repository: the hidden suite in reference/
        there = grade_there(student, "-f", "json", key=key, submission=submission)
        assert there.returncode == 0, there.stderr
        doc = json.loads(there.stdout)
        assert doc["extra_data"]["suite"] == "hidden"
        assert (doc["score"], doc["max_score"]) == (here["score"], here["max_score"])
        assert [(t["name"], t["status"]) for t in doc["tests"]] == \
            [(t["name"], t["status"]) for t in here["tests"]]
        assert "tampered" not in doc["extra_data"]
    assert here["score"] < here["max_score"]  # the wrong one lost points: a real comparison
    public = grade_there(student, "-f", "json", submission=CORRECT)
    assert public.returncode == 0, public.stderr
    doc = json.loads(public.stdout)
    assert doc["extra_data"]["suite"] == "public" and doc["max_score"] == 10
    assert "sealed in sealed/hw3.sealed" in doc["output"] and "GRADER_KEY is not set" in doc["output"]
    text = grade_there(student, submission=CORRECT)
    assert "Only the public tests ran" in text.stdout


def test_a_wrong_key_or_an_altered_bundle_is_a_clear_error(released, tmp_path):
    course, student, key = released
    wrong = grade_there(student, key=seal.new_key(), submission=CORRECT)
    assert wrong.returncode == 3
    assert "GRADER_KEY does not open" in wrong.stderr and "sealed/hw3.sealed" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    garbage = grade_there(student, key="hunter2-course-key", submission=CORRECT)
    assert garbage.returncode == 3 and "GRADER_KEY" in garbage.stderr and "hunter2" not in garbage.stderr
    copy = tmp_path / "student"
    shutil.copytree(student, copy)
    bundle = copy / "sealed" / "hw3.sealed"
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 1
    bundle.write_bytes(bytes(data))
    altered = grade_there(copy, key=key, submission=CORRECT)
    assert altered.returncode == 3 and "sealed/hw3.sealed" in altered.stderr


@pytest.mark.slow
def test_student_code_finds_neither_the_key_nor_the_opened_suite(released, tmp_path):
    """A submission that looks for the key and the decrypted suite everywhere it can, and
    puts what it found in an exception message (which the report shows)."""
    course, student, key = released
    spy = tmp_path / "backprop.py"
    spy.write_text(CORRECT.read_text() + '''

import glob as _glob, os as _os
def _look():
    found = ["searched"]
    found += [k + "=" + v for k, v in _os.environ.items() if "GRADER" in k or "KEY" in k]
    for pattern in ("/tmp/grader-sealed-*/**", "/tmp/**", "/proc/*/environ", "/proc/*/cmdline"):
        for path in _glob.glob(pattern, recursive=True)[:50]:
            try:
                found.append(path + ":" + open(path, errors="replace").read(4000))
            except OSError:
                pass
    return " | ".join(found)

_real_sigmoid = sigmoid
def sigmoid(z):
    raise RuntimeError(_look())
''')
    copy = tmp_path / "student"
    shutil.copytree(student, copy)
    done = grade_there(copy, "-f", "json", key=key, submission=spy)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["extra_data"]["suite"] == "hidden"
    messages = " ".join(t["output"] for t in doc["tests"])
    assert "searched" in messages  # the search ran and its findings are in the report
    assert key not in done.stdout
    own = {line.strip() for line in spy.read_text().splitlines()}  # the student's code may quote itself
    assert not [s for s in secret_lines(course) - own if s in messages]


def assignment_key(course: Path, key: str, name: str) -> str:
    """``name``'s key, as `grade keys` prints it for CI's secret."""
    done = run_grade("keys", name, cwd=course, env={"GRADER_KEY": key})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().split("=", 1)[1]


@pytest.mark.slow
@pytest.mark.parametrize("which", ["course key", "assignment key"])
def test_a_key_hunt_finds_the_key_nowhere_while_the_grader_holds_it(released, tmp_path, which):
    """tests/hostile/hunt_keys.py (every /proc/*/environ and cmdline, the files it can
    reach) graded with the key set, as CI grades a pull request: its report shows the
    search ran and found no key; the key is in no output or result, and the grader's own
    /proc/PID/environ never holds it while it grades (read from outside, where this
    test may: as root, or where the grader is readable).  The assignment's key is given
    as GRADER_KEY_HW3, the secret's name, which the grader also reads."""
    course, student, key = released
    text = key if which == "course key" else assignment_key(course, key, "hw3")
    variable = "GRADER_KEY" if which == "course key" else "GRADER_KEY_HW3"
    marker = f"hunt-{os.getpid()}-{which.split()[0]}"
    spy = tmp_path / marker / "backprop.py"
    spy.parent.mkdir()
    spy.write_text(CORRECT.read_text() + "\n\n# ---- the hostile part ----\n" + HUNT.read_text())
    copy = tmp_path / "student"
    shutil.copytree(student, copy)
    proc = subprocess.Popen([sys.executable, "-m", "grader.cli", "hw3", "-f", "json", "--submission",
                             str(spy)], cwd=copy, env={**os.environ, "GRADER_KEY": "", variable: text},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: dict[int, str] = {}  # the grader's processes: what their environment showed
    while proc.poll() is None:
        for pid in processes_with(marker):
            try:
                environ = Path(f"/proc/{pid}/environ").read_bytes()
                seen[pid] = "holds the key" if text.encode() in environ else "clean"
            except OSError:
                seen.setdefault(pid, "unreadable")
        time.sleep(0.2)
    stdout, stderr = proc.communicate()
    assert proc.returncode == 0, stderr[-3000:]
    assert seen and "holds the key" not in seen.values(), seen
    doc = json.loads(stdout)
    assert doc["extra_data"]["suite"] == "hidden"
    failed = [t for t in doc["tests"] if t["status"] == "failed"]
    assert failed and all(t["name"].startswith("numerical_gradient") for t in failed)
    assert any("KEY HUNT searched" in t["output"] for t in failed)  # it ran, and reported
    for secret in {text, key}:
        assert secret not in stdout and secret not in stderr
        assert secret.rstrip("=") not in stdout


def test_a_sealed_suite_is_never_opened_where_workers_lack_namespaces(released, monkeypatch):
    """Where the start-up probe chose process isolation (a worker could read the opened
    suite), grading with the key stops before the bundle is opened; where it chose
    namespaces, the suite opens (and no worker can fall back later: docs/sandbox.md)."""
    import grader.runner as runner
    from grader.assignment import load_assignment

    course, student, key = released
    opened = []
    real_unsealed = seal.unsealed

    def unsealed(*args, **kwargs):
        opened.append(args[1])
        return real_unsealed(*args, **kwargs)

    monkeypatch.setattr(seal, "unsealed", unsealed)
    monkeypatch.setattr(runner, "_grade", lambda assignment, submission, **options: (
        (assignment.reference_root / "hw3" / "tests" / "test_hidden.py").is_file()))
    monkeypatch.setattr(runner, "isolation", lambda: ("process", "unshare is not installed"))
    with pytest.raises(seal.SealError, match="only run where the student's code can be kept"):
        runner.grade(load_assignment(student, "hw3"), CORRECT, key=seal.parse_key(key))
    assert opened == []
    monkeypatch.setattr(runner, "isolation", lambda: ("namespaces", ""))
    assert runner.grade(load_assignment(student, "hw3"), CORRECT, key=seal.parse_key(key)) is True
    assert opened == ["hw3"]


def test_the_grader_re_executes_itself_without_the_key_in_its_environment(tmp_path):
    """Where GRADER_KEY holds a key, the `grade` process's exec-time environment (what
    /proc/PID/environ shows) and command line never hold it: it re-executes itself with
    the key in a pipe; the key still reaches the grader, and nothing else changes."""
    script = tmp_path / "probe.py"
    script.write_text(
        "import os, sys\n"
        "from grader import keys\n"
        "before = os.getpid()\n"
        "keys.keep_out_of_environment()\n"
        "env = open('/proc/self/environ', 'rb').read().split(b'\\0')\n"
        "cmd = open('/proc/self/cmdline', 'rb').read()\n"
        "print(repr(keys.held()), repr(keys.held('hw3')), before == os.getpid(), sys.argv[1:],\n"
        "      [e.split(b'=')[0].decode() for e in env if b'GRADER' in e],\n"
        "      any(b'K3Y' in e for e in env), b'K3Y' in cmd, sorted(k for k in os.environ if 'GRADER' in k))\n")
    secret = "K3Y-" + "x" * 40
    done = subprocess.run([sys.executable, str(script), "arg"], capture_output=True, text=True,
                          env={**os.environ, "GRADER_KEY": secret, "GRADER_KEY_HW3": "K3Y-hw3"},
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"'{secret}' '{secret}' True ['arg'] ['GRADER_SECRET_FD'] False False []"
    only = subprocess.run([sys.executable, str(script), "arg"], capture_output=True, text=True,
                          env={**os.environ, "GRADER_KEY_HW3": secret}, timeout=60)
    assert only.stdout.strip() == f"'' '{secret}' True ['arg'] ['GRADER_SECRET_FD'] False False []"
    empty = subprocess.run([sys.executable, str(script), "arg"], capture_output=True, text=True,
                           env={**os.environ, "GRADER_KEY": " "}, timeout=60)
    assert empty.stdout.strip() == "'' '' True ['arg'] ['GRADER_KEY'] False False []"  # blank: no re-exec


@pytest.mark.slow
def test_changed_tests_and_workflows_are_reported(released, tmp_path):
    course, student, key = released
    copy = tmp_path / "student"
    shutil.copytree(student, copy)
    clean = grade_there(copy, "-f", "json", submission=CORRECT)
    assert "tampered" not in json.loads(clean.stdout)["extra_data"]
    tests = copy / "assignments" / "hw3" / "tests" / "test_public.py"
    tests.write_text(tests.read_text() + "\n# assert nothing, pass everything\n")
    (copy / ".github" / "workflows" / "always-green.yml").write_text("on: push\n")
    other = copy / "assignments" / "hw1" / "tests" / "test_public.py"
    other.write_text(other.read_text() + "\n# changed\n")
    doc = json.loads(grade_there(copy, "-f", "json").stdout)
    assert sorted(doc["extra_data"]["tampered"]) == [
        ".github/workflows/always-green.yml was added (it is not part of the release)",
        "assignments/hw3/tests/test_public.py differs from the release",
    ]  # hw1's change is hw1's business
    text = grade_there(copy)
    assert "differs from the release" in text.stdout and "always-green.yml" in text.stdout
    # a student who also rewrites the record's checksum is caught where the key is known
    record = json.loads((copy / tamper.RECORD_PATH).read_text())
    for rel in ("assignments/hw3/tests/test_public.py", "assignments/hw1/tests/test_public.py"):
        record["files"][rel] = tamper.record(copy)["files"][rel]
    (copy / ".github" / "workflows" / "always-green.yml").unlink()
    (copy / tamper.RECORD_PATH).write_text(json.dumps(record))
    assert "tampered" not in json.loads(grade_there(copy, "-f", "json").stdout)["extra_data"]
    signed = json.loads(grade_there(copy, "-f", "json", key=key).stdout)
    assert signed["extra_data"]["tampered"] == [
        ".grader/release.json (the release record) was altered: its signature does not match "
        "the course key or the assignment's key"]


def test_release_refuses_a_non_empty_folder_and_a_stale_bundle(released, tmp_path):
    course, student, key = released
    again = run_grade("release", str(student), cwd=course, env={"GRADER_KEY": key})
    assert again.returncode == 2 and "is not empty" in again.stderr  # a usage error
    assert again.stderr.startswith("grade: error: ") and again.stderr.count("\n") == 1
    stale = tmp_path / "course"
    shutil.copytree(course, stale)
    hidden = stale / "reference" / "hw3" / "tests" / "test_hidden.py"
    hidden.write_text(hidden.read_text() + "\n# a new test is coming\n")
    out = run_grade("release", str(tmp_path / "out"), cwd=stale, env={"GRADER_KEY": key})
    assert out.returncode == 3 and "sealed/hw3.sealed is older than reference/hw3/" in out.stderr
    assert run_grade("seal", "hw3", cwd=stale, env={"GRADER_KEY": key}).returncode == 0
    out = run_grade("release", str(tmp_path / "out"), "hw3", "--force", cwd=stale,
                    env={"GRADER_KEY": key})
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in (tmp_path / "out" / "assignments").iterdir()) == ["hw3"]


def test_release_refuses_to_write_an_unsigned_record_or_to_sign_with_an_assignment_key(released, tmp_path):
    course, _, key = released
    unsigned = run_grade("release", str(tmp_path / "a"), "hw3", cwd=course, env={"GRADER_KEY": ""})
    assert unsigned.returncode == 3
    assert "signs .grader/release.json with the course key" in unsigned.stderr
    assert "set it to the course key" in unsigned.stderr
    assert not (tmp_path / "a" / tamper.RECORD_PATH).exists()
    own = run_grade("keys", "hw3", cwd=course, env={"GRADER_KEY": key})
    assert own.returncode == 0, own.stderr
    name, hw3_key = own.stdout.strip().split("=", 1)
    assert name == "GRADER_KEY_HW3" and seal.parse_key(hw3_key) != seal.parse_key(key)
    refused = run_grade("release", str(tmp_path / "b"), "hw3", cwd=course, env={"GRADER_KEY": hw3_key})
    assert refused.returncode == 3 and "is hw3's key, not the course key" in refused.stderr
    assert hw3_key not in refused.stderr + refused.stdout


def test_the_record_is_signed_with_each_assignments_key(released):
    course, student, key = released
    record = json.loads((student / tamper.RECORD_PATH).read_text())
    assert sorted(record["macs"]) == [f"hw{i}" for i in range(1, 8)]
    lines = run_grade("keys", cwd=course, env={"GRADER_KEY": key}).stdout.splitlines()
    own = dict(line.split("=", 1) for line in lines)
    assert sorted(own) == [f"GRADER_KEY_HW{i}" for i in range(1, 8)]
    assert len(set(own.values())) == 7 and key not in own.values()
    names = tamper.tree_files(student)
    read = (lambda rel: (student / rel).read_bytes())
    text = (student / tamper.RECORD_PATH).read_bytes()
    assert tamper.check(text, names, read, key=seal.parse_key(own["GRADER_KEY_HW3"]), assignment="hw3") == []
    assert tamper.check(text, names, read, key=seal.parse_key(own["GRADER_KEY_HW1"]), assignment="hw3") != []


def test_rotating_one_assignments_key_leaves_the_others(released, tmp_path):
    course, _, key = released
    copy = tmp_path / "course"
    shutil.copytree(course, copy)

    def keys() -> dict[str, str]:
        done = run_grade("keys", cwd=copy, env={"GRADER_KEY": key})
        assert done.returncode == 0, done.stderr
        return dict(line.split("=", 1) for line in done.stdout.splitlines())

    before = keys()
    again = run_grade("seal", "hw3", cwd=copy, env={"GRADER_KEY": key})  # sealed again: same key
    assert again.returncode == 0 and "New assignment keys" not in again.stdout
    assert keys() == before
    rotated = run_grade("seal", "--rotate", "hw3", cwd=copy, env={"GRADER_KEY": key})
    assert rotated.returncode == 0, rotated.stderr
    assert "New assignment keys for hw3: `grade keys` prints them" in rotated.stdout
    after = keys()
    assert after["GRADER_KEY_HW3"] != before["GRADER_KEY_HW3"]
    assert {k: v for k, v in after.items() if k != "GRADER_KEY_HW3"} == \
        {k: v for k, v in before.items() if k != "GRADER_KEY_HW3"}
    assert key not in rotated.stdout + rotated.stderr
    nothing = run_grade("seal", "--rotate", cwd=copy, env={"GRADER_KEY": key})
    assert nothing.returncode == 2 and "--rotate needs the assignments" in nothing.stderr


def test_seal_without_a_key_refuses_to_replace_existing_bundles(released, tmp_path):
    course, _, _ = released
    copy = tmp_path / "course"
    shutil.copytree(course, copy)
    refused = run_grade("seal", cwd=copy, env={"GRADER_KEY": ""})
    assert refused.returncode == 2 and "--new-key" in refused.stderr


@pytest.mark.slow
def test_grade_takes_the_notebook_a_student_worked_in(released, tmp_path):
    """In a student repository, `grade hw3` grades the notebook when the .py is still the
    released stub and the notebook was changed; the .py as soon as it was changed."""
    from grader.notebook import stub_notebook

    course, student, key = released
    copy = tmp_path / "student"
    shutil.copytree(student, copy)
    # the stub as released (the other tests grade their answers in `student`)
    shutil.copyfile(course / "assignments" / "hw3" / "backprop.py", copy / "assignments" / "hw3" / "backprop.py")
    notebook = copy / "assignments" / "hw3" / "backprop.ipynb"
    untouched = run_grade("hw3", "-f", "json", cwd=copy, env={"GRADER_KEY": key})
    assert untouched.returncode == 0 and "grading" not in untouched.stderr
    assert json.loads(untouched.stdout)["score"] == 0  # the stub
    notebook.write_text(stub_notebook(CORRECT, None, "hw3"))
    done = run_grade("hw3", "-f", "json", cwd=copy, env={"GRADER_KEY": key})
    assert done.returncode == 0, done.stderr
    assert "grading assignments/hw3/backprop.ipynb: backprop.py is still the released stub" in done.stderr
    doc = json.loads(done.stdout)
    assert doc["score"] == doc["max_score"] == 100 and doc["extra_data"]["suite"] == "hidden"
    shutil.copyfile(WRONG, copy / "assignments" / "hw3" / "backprop.py")
    mine = run_grade("hw3", "-f", "json", cwd=copy, env={"GRADER_KEY": key})
    assert "grading" not in mine.stderr and json.loads(mine.stdout)["score"] < 100


def test_seal_in_a_student_repository_says_where_to_run_it(released):
    _, student, _ = released
    proc = run_grade("seal", cwd=student, env={"GRADER_KEY": ""})
    assert proc.returncode == 2 and "holds no hidden suite" in proc.stderr
    assert not (student / "sealed" / "hw3.sealed").read_bytes() == b""  # the bundles are left alone


def _ignored(gitignore: Path, paths: list[str], tmp_path: Path) -> list[str]:
    """Which of ``paths`` the ``.gitignore`` file ``gitignore`` ignores, as git decides."""
    import subprocess

    repo = tmp_path / f"repo-{len(list(tmp_path.iterdir()))}"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    shutil.copyfile(gitignore, repo / ".gitignore")
    proc = subprocess.run(["git", "check-ignore", "--no-index", *paths], cwd=repo,
                          capture_output=True, text=True)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.stdout.split()


def test_sealed_bundles_are_ignored_in_the_course_and_committed_in_the_student_repository(
        released, tmp_path):
    """The README's flow: `grade seal` makes sealed/ from reference/ in the instructor's
    repository, where it is not committed; `grade release` copies it into the student
    repository, whose CI needs it committed."""
    _, student, _ = released
    bundle = "sealed/hw3.sealed"
    assert _ignored(ROOT / ".gitignore", [bundle, "assignments/hw3/backprop.py"], tmp_path) == [bundle]
    assert _ignored(student / ".gitignore", [bundle, "assignments/hw3/backprop.py",
                                             ".grader/release.json"], tmp_path) == []
    assert (student / bundle).is_file()
