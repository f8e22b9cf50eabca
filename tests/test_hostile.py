"""Hostile submissions (tests/hostile/, see its README) graded end to end: each gains no
points where it cheats, the honest rest of its file keeps its points, the grader's
own output stays the real one, and nothing is left behind.

They are graded against a copy of hw3 (its reference and hidden suite) whose
``assignment.toml`` sets tight limits, so that an attack that runs into a limit costs
seconds, not minutes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import (GRADING_JOBS, ROOT, SUBMISSIONS, assert_actionable_messages,
                      assert_loses_exactly, failed_names, processes_in_environment,
                      processes_with, run_grade, wait_until_gone, without_namespaces)
from grader.sandbox import isolation

pytestmark = pytest.mark.slow  # every hostile file graded, some up to a limit: minutes

HOSTILE = Path(__file__).resolve().parent / "hostile"
HONEST = SUBMISSIONS / "hw3" / "correct_loops.py"

LIMITS = """
[limits]
submission_seconds = 150
memory_mb = 1536
file_size_mb = 8
disk_mb = 32
output_kb = 16

[sandbox]
secret_env = ["COURSE_TOKEN"]
"""
IMPORT_SECONDS = 15

SECRETS = {"GRADER_KEY": "hostile-test-grader-key-5b1d", "GITHUB_TOKEN": "ghp_hostiletesttoken0c2e",
           "COURSE_TOKEN": "hostile-test-course-token-9a7f"}
PAYLOAD_FILE = Path("/tmp/dl-grader-unpickled-hostile-payload")

NG = "numerical_gradient:"
EVERYTHING = ""  # the prefix of every test's name
EXPECTED_FAILURES = {
    "eq_always_true.py": [NG],
    "ndarray_subclass.py": [NG],
    "monkeypatch_checks.py": [NG],
    "find_reference.py": [NG],
    "poke_grader.py": [NG],
    "fake_results.py": [NG],
    "write_results_files.py": [NG],
    "sys_exit_at_import.py": [EVERYTHING],
    "exits_and_base_exceptions.py": [NG, "train_quadratic:", "autograd_gradients:",
                                     "quadratic_forward:"],
    "loop_ignoring_sigterm.py": [NG],
    "sleep_at_import.py": [EVERYTHING],
    "recursion_crash.py": [NG],
    "memory_hog.py": [NG],
    "disk_hog.py": [NG, "train_quadratic:"],
    "escaping_children.py": [NG],
    "print_200mb.py": [],
    "steal_secrets.py": [NG],
    "hunt_keys.py": [NG],
    "reduce_payload.py": [NG, "train_quadratic:"],
    "kill_parent.py": [NG],
    "forge_confinement_failure.py": [NG],
    "forge_replies.py": [NG],
    "hide_in_place_change.py": [NG],
    "decoding_amplifier.py": [NG],
    "terminal_escapes.py": [NG],
    "keyrings.py": [NG],
}

# What the failed tests' messages must say, where the attack hits a limit or a rule.
EXPECTED_MESSAGES = {
    "sys_exit_at_import.py": "calls exit() / sys.exit(0) at top level",
    "exits_and_base_exceptions.py": "died while running `numerical_gradient`",
    "loop_ignoring_sigterm.py": "timed out after 5 s",
    "sleep_at_import.py": f"took longer than {IMPORT_SECONDS} s",
    "recursion_crash.py": "died while running `numerical_gradient`",
    "memory_hog.py": "hit the memory limit of 1536 MiB",
    "disk_hog.py": "past the file size limit of 8 MiB",
    "eq_always_true.py": "got an object of type backprop.AlwaysEqual",
    "reduce_payload.py": "got an object of type backprop.Payload",
    "forge_confinement_failure.py": "its answer was malformed",
    "forge_replies.py": "its answer was malformed: not an answer to the request it was sent",
    "hide_in_place_change.py": "the arguments after the call are missing",
    "decoding_amplifier.py": "array buffers out of order or used twice",
    "keyrings.py": "add_key: Operation not permitted",
}

#: What student text must never bring into a report: terminal escapes (ESC, C1 CSI),
#: carriage returns and Unicode bidirectional overrides.
CONTROL_CHARACTERS = ("\x1b", "\r", "\x9b", "\u202e", "\u202c")


def needs_namespaces(name: str) -> bool:
    """Whether the attack is one that only Linux namespaces stop (its first line says)."""
    return (HOSTILE / name).read_text().startswith("# needs: namespaces")


@pytest.fixture(scope="session")
def course(tmp_path_factory) -> Path:
    """A course holding a copy of hw3 (handout, reference, hidden suite) with tight limits."""
    root = tmp_path_factory.mktemp("hostile-course")
    for part in ("assignments", "reference"):
        shutil.copytree(ROOT / part / "hw3", root / part / "hw3",
                        ignore=shutil.ignore_patterns("__pycache__"))
    toml = root / "assignments" / "hw3" / "assignment.toml"
    text = toml.read_text().replace("import_time_limit = 60",
                                    f"import_time_limit = {IMPORT_SECONDS}")
    assert f"import_time_limit = {IMPORT_SECONDS}" in text
    toml.write_text(text + LIMITS)
    return root


def grade_in(course: Path, name: str, submission: Path, env: dict | None = None) -> dict:
    """Grade ``submission`` in ``course`` with a private TMPDIR and secrets in the
    environment; returns what a test needs to judge the run."""
    tmp = submission.parent / "tmpdir"
    tmp.mkdir()
    start = time.monotonic()
    proc = run_grade("hw3", "--submission", str(submission), "--format", "json", cwd=course,
                     env={"TMPDIR": str(tmp), **SECRETS, **(env or {})}, timeout=400)
    return {"name": name, "proc": proc, "seconds": time.monotonic() - start,
            "left_in_tmp": sorted(p.name for p in tmp.iterdir()),
            "doc": json.loads(proc.stdout) if proc.returncode == 0 else None}


@pytest.fixture(scope="session")
def hostile(course, tmp_path_factory):
    """Every hostile submission graded once, ``GRADING_JOBS`` at a time."""
    PAYLOAD_FILE.unlink(missing_ok=True)
    honest = HONEST.read_text()

    def run(name: str) -> dict:
        folder = tmp_path_factory.mktemp(name.removesuffix(".py"))
        submission = folder / "backprop.py"
        submission.write_text(honest + "\n\n# ---- the hostile part ----\n"
                              + (HOSTILE / name).read_text())
        return grade_in(course, name, submission)

    names = [n for n in sorted(EXPECTED_FAILURES) if not needs_namespaces(n)
             or isolation()[0] == "namespaces"]
    with ThreadPoolExecutor(GRADING_JOBS) as pool:
        return dict(zip(names, pool.map(run, names)))


def test_every_hostile_file_is_graded_here():
    assert sorted(p.name for p in HOSTILE.glob("*.py")) == sorted(EXPECTED_FAILURES)


@pytest.mark.parametrize("name", sorted(EXPECTED_FAILURES))
def test_gains_nothing_where_it_cheats_and_keeps_the_honest_points(hostile, name):
    if name not in hostile:
        pytest.skip(f"{name} attacks what only Linux namespaces stop, and this machine's "
                    f"workers have none: {isolation()[1]}")
    run = hostile[name]
    assert run["proc"].returncode == 0, run["proc"].stderr[-3000:]
    doc = run["doc"]
    assert doc["max_score"] == 100
    assert_loses_exactly(doc, EXPECTED_FAILURES[name], name)
    assert_actionable_messages(doc)
    assert doc["extra_data"]["isolation"] == isolation()[0], "the isolation changed midway"
    if name in EXPECTED_MESSAGES:
        outputs = "\n".join(t["output"] for t in doc["tests"] if t["status"] == "failed")
        assert EXPECTED_MESSAGES[name] in outputs, outputs[:3000]


@pytest.mark.parametrize("name", sorted(EXPECTED_FAILURES))
def test_leaves_nothing_behind_and_its_output_never_reaches_the_grader(hostile, name):
    if name not in hostile:
        pytest.skip("see the test above")
    run = hostile[name]
    assert run["seconds"] < 150 + 30, "the submission's time limit did not hold"
    assert run["left_in_tmp"] == [], "the grader's temporary files were left behind"
    assert run["proc"].stderr == ""
    stdout = run["proc"].stdout
    assert stdout.lstrip().startswith("{") and json.loads(stdout) == run["doc"]
    assert len(stdout) < 500_000, "the student's output was not cut"
    for secret in SECRETS.values():
        assert secret not in stdout
    for char in CONTROL_CHARACTERS:
        assert char not in json.loads(stdout)["output"] + "".join(
            t["output"] for t in json.loads(stdout)["tests"]), (name, char)


def test_fake_results_do_not_replace_the_real_ones(hostile):
    doc = hostile["fake_results.py"]["doc"]
    assert doc["score"] < 100 and doc["tests"]
    failed = [t for t in doc["tests"] if t["status"] == "failed"]
    assert any('"score": 100' in t["output"] for t in failed), \
        "the student's output is shown in the test's output, where it helps"


def test_results_files_written_by_the_student_are_not_read_nor_left(hostile):
    assert hostile["write_results_files.py"]["doc"]["score"] < 100
    if isolation()[0] == "namespaces":
        for place in (Path("/tmp/results.json"), Path("/tmp/grader-results.json")):
            assert not place.exists() or "HOSTILE-RESULTS" not in place.read_text()


def test_nothing_the_worker_sends_is_unpickled(hostile):
    assert "reduce_payload.py" in hostile
    assert not PAYLOAD_FILE.exists()


def test_children_that_escape_the_session_are_killed(hostile):
    if "escaping_children.py" not in hostile:
        pytest.skip("not graded")
    marker = "hostile-child-marker-7f3a"
    if isolation()[0] != "namespaces":
        pytest.skip("without namespaces a process that calls setsid() leaves the worker's "
                    "process group and survives it (docs/sandbox.md)")
    assert wait_until_gone(marker), f"processes survived: {processes_with(marker)}"


def test_a_forged_confinement_failure_changes_nothing(hostile):
    """The old escape: a worker "says" its confinement failed, and the grader ran the
    submission again without namespaces, as root."""
    if "forge_confinement_failure.py" not in hostile:
        pytest.skip("needs namespaces")
    doc = hostile["forge_confinement_failure.py"]["doc"]
    assert doc["extra_data"]["isolation"] == "namespaces"
    assert "isolation_note" not in doc["extra_data"]
    assert not Path("/tmp/dl-grader-hostile-unconfined-root").exists()


def test_no_kernel_key_outlives_grading(hostile):
    """add_key(2) is refused, so no uid's keyring holds the student's key afterwards."""
    outputs = "\n".join(t["output"] for t in hostile["keyrings.py"]["doc"]["tests"])
    assert "add_key worked" not in outputs
    users = Path("/proc/key-users")
    if users.exists() and os.geteuid() == 0:
        for line in users.read_text().splitlines():
            uid = int(line.split(":")[0])
            assert uid < 2_000_000_000, f"a worker's uid holds keys: {line}"


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_terminal_escapes_never_reach_a_report(course, tmp_path, fmt):
    submission = tmp_path / "backprop.py"
    submission.write_text(HONEST.read_text() + "\n\n" + (HOSTILE / "terminal_escapes.py").read_text())
    summary = tmp_path / "summary.md"
    proc = run_grade("hw3", "--submission", str(submission), "--format", fmt, cwd=course,
                     env={"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(tmp_path / "out")})
    assert proc.returncode == 0, proc.stderr[-2000:]
    shown = proc.stdout + (summary.read_text() if summary.exists() else "")
    assert "numerical_gradient" in shown and "Score: 100/100" in shown, shown[-2000:]
    for char in CONTROL_CHARACTERS:
        assert char not in shown, char


def test_printing_200_mb_costs_only_the_cut(hostile):
    run = hostile["print_200mb.py"]
    assert run["doc"]["score"] == 100


def test_the_reference_is_not_found_on_disk(hostile):
    if "find_reference.py" not in hostile:
        pytest.skip("needs namespaces")
    outputs = "\n".join(t["output"] for t in hostile["find_reference.py"]["doc"]["tests"])
    assert "FOUND THE REFERENCE" not in outputs


@pytest.mark.parametrize("submission", ["correct_loops.py", "wrong_bce_sum.py"])
def test_same_verdict_with_and_without_the_protections(course, tmp_path, submission):
    docs = {}
    for mode in ("auto", "process"):
        folder = tmp_path / mode
        folder.mkdir()
        shutil.copyfile(SUBMISSIONS / "hw3" / submission, folder / "backprop.py")
        run = grade_in(course, submission, folder / "backprop.py", {"GRADER_ISOLATION": mode})
        assert run["proc"].returncode == 0, run["proc"].stderr
        docs[mode] = run["doc"]
    assert docs["auto"]["score"] == docs["process"]["score"]
    assert failed_names(docs["auto"]) == failed_names(docs["process"])


BESIDE = {
    "conftest.py": "def pytest_collection_modifyitems(items):\n    items.clear()\n",
    "pytest.ini": "[pytest]\naddopts = --collect-only -p no:grader\n",
    "sitecustomize.py": "raise SystemExit('the submitted sitecustomize.py ran')\n",
    "usercustomize.py": "raise SystemExit('the submitted usercustomize.py ran')\n",
    "numpy.py": "raise ImportError('the submitted numpy.py was imported')\n",
    "torch.py": "raise ImportError('the submitted torch.py was imported')\n",
}


def test_files_beside_the_submission_have_no_effect(course, tmp_path):
    """A student's folder (here the assignment's own, where `grade hw3` finds the
    submission) holding conftest.py, pytest.ini, sitecustomize.py, usercustomize.py,
    numpy.py and torch.py: the verdict is the one the submission gets alone."""
    grade_script = Path(sys.executable).parent / "grade"
    if not grade_script.exists():
        pytest.skip(f"the `grade` command is not installed next to {sys.executable}")
    submission = SUBMISSIONS / "hw3" / "wrong_bce_sum.py"
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copyfile(submission, alone / "backprop.py")
    expected = grade_in(course, "alone", alone / "backprop.py")["doc"]

    crowded = tmp_path / "course"
    shutil.copytree(course, crowded)
    folder = crowded / "assignments" / "hw3"
    shutil.copyfile(submission, folder / "backprop.py")
    for name, text in BESIDE.items():
        for where in (folder, folder / "tests", crowded):
            (where / name).write_text(text)
    proc = subprocess.run([str(grade_script), "hw3", "--format", "json"], cwd=folder,
                          env={**os.environ, **SECRETS}, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    doc = json.loads(proc.stdout)
    assert doc["score"] == expected["score"] < 100
    assert failed_names(doc) == failed_names(expected)


# ------------------------------------------------------------------ a whole class at once
NORMAL = sorted((SUBMISSIONS / "hw3").glob("*.py"))
#: normal submissions handed in a second time, inside a student repository and an LMS zip
IN_REPOS, IN_ZIP = NORMAL[:4], NORMAL[4:8]


@pytest.fixture(scope="session")
def alone(course, tmp_path_factory) -> dict[str, dict]:
    """Every normal hw3 test submission graded alone (`grade hw3 --submission`) in the
    hostile course, by file name."""
    def run(path: Path) -> dict:
        folder = tmp_path_factory.mktemp("alone-" + path.stem)
        shutil.copyfile(path, folder / path.name)
        result = grade_in(course, path.name, folder / path.name)
        assert result["proc"].returncode == 0, result["proc"].stderr[-2000:]
        return result["doc"]

    with ThreadPoolExecutor(GRADING_JOBS) as pool:
        return dict(zip((p.name for p in NORMAL), pool.map(run, NORMAL)))


@pytest.fixture(scope="session")
def class_batch(course, hostile, tmp_path_factory) -> dict:
    """A class of 40 graded submissions and 2 rejected ones, in every form `grade batch`
    takes (files, student repositories, an LMS zip), graded in one batch with secrets
    in the environment and a private TMPDIR; returns the expected alone-verdict per
    student, the gradebook's entries and the run."""
    from grader.gradebook import Gradebook

    base = tmp_path_factory.mktemp("class")
    folder = base / "submissions"
    folder.mkdir()
    expected: dict[str, tuple[str, str]] = {}  # student -> (kind, key of its alone verdict)
    honest = HONEST.read_text()
    for name in hostile:
        (folder / f"hostile_{name}").write_text(honest + "\n\n# ---- the hostile part ----\n"
                                                + (HOSTILE / name).read_text())
        expected[f"hostile_{name.removesuffix('.py')}"] = ("hostile", name)
    for path in NORMAL:
        shutil.copyfile(path, folder / path.name)
        expected[path.stem] = ("normal", path.name)
    for path in IN_REPOS:
        repo = folder / f"hw3-{path.stem}" / "assignments" / "hw3"
        repo.mkdir(parents=True)
        shutil.copyfile(path, repo / "backprop.py")
        (repo.parent.parent / "README.md").write_text("my repository\n")
        expected[f"hw3-{path.stem}"] = ("normal", path.name)
    (folder / "empty_student.py").write_text("\n  \n")
    export = base / "lms_export.zip"
    with zipfile.ZipFile(export, "w") as z:
        for path in IN_ZIP:
            z.write(path, f"zip_{path.stem}/backprop.py")
            expected[f"zip_{path.stem}"] = ("normal", path.name)
        z.writestr("zip_slipper/../../escaped.py", honest)
    out = base / "out"
    tmp = base / "tmpdir"
    tmp.mkdir()
    proc = run_grade("batch", "hw3", str(folder), str(export), "--out", str(out),
                     "--jobs", str(GRADING_JOBS), cwd=course,
                     env={"TMPDIR": str(tmp), **SECRETS}, timeout=900)
    with Gradebook(out / "gradebook.sqlite", "hw3") as book:
        entries = {e.student: e for e in book.entries()}
    return {"expected": expected, "entries": entries, "proc": proc, "out": out,
            "left_in_tmp": sorted(p.name for p in tmp.iterdir())}


def test_a_class_batch_gives_everyone_the_verdict_they_get_alone(class_batch, hostile, alone):
    assert class_batch["proc"].returncode == 0, class_batch["proc"].stderr[-3000:]
    entries, expected = class_batch["entries"], class_batch["expected"]
    assert len(expected) >= 40
    assert set(entries) == set(expected) | {"empty_student", "zip_slipper"}
    for student, (kind, key) in expected.items():
        want = hostile[key]["doc"] if kind == "hostile" else alone[key]
        got = entries[student]
        assert got.status == "graded", (student, got.reason)
        assert got.result["extra_data"]["isolation"] == isolation()[0], student
        assert (got.score, got.max_score) == (want["score"], want["max_score"]), student
        assert failed_names(got.result) == failed_names(want), student
    assert entries["empty_student"].status == "rejected"
    assert entries["empty_student"].reason == "the file is empty"
    assert entries["zip_slipper"].status == "rejected"
    assert "escapes" in entries["zip_slipper"].reason
    assert {entries[s].score for s in expected} >= {0, 100}, "a mix of verdicts, not one"


def test_a_class_batch_leaks_no_secret_and_leaves_nothing_behind(class_batch):
    proc = class_batch["proc"]
    assert class_batch["left_in_tmp"] == []
    exported = [p for p in class_batch["out"].rglob("*") if p.is_file()]
    assert len(exported) > 80  # results/ and feedback/ for each student, and the rest
    texts = [proc.stdout, proc.stderr] + [p.read_bytes().decode("utf-8", "replace")
                                          for p in exported]
    for secret in SECRETS.values():
        assert not any(secret in text for text in texts), secret
    reports = [p.read_text() for p in exported if p.suffix in (".md", ".json", ".csv")]
    for char in CONTROL_CHARACTERS:
        assert not any(char in text for text in reports), char
    assert not Path("/tmp/dl-grader-hostile-unconfined-root").exists()
    # in the batch's environment, so its slots' (GRADER_KEY is not: the grader takes it out)
    marker = f"COURSE_TOKEN={SECRETS['COURSE_TOKEN']}"
    assert wait_until_gone(marker, 10, find=processes_in_environment)


def test_on_a_machine_without_namespaces_grade_still_grades_unprivileged(course, tmp_path):
    """`unshare` refuses here (as in a container that forbids namespaces): `auto` picks
    process isolation at start-up, says so in the report, and, as root, runs the
    student's code as a uid of its own."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "unshare").write_text("#!/bin/sh\necho 'unshare: unshare failed: Operation not "
                                  "permitted' >&2\nexit 1\n")
    (fake / "unshare").chmod(0o755)
    submission = tmp_path / "backprop.py"
    submission.write_text(HONEST.read_text() + "\n\nimport os\n\ndef numerical_gradient(f, x, "
                          "h=1e-5):\n    raise RuntimeError(f'uid {os.getuid()}')\n")
    env = {**os.environ, "GRADER_ISOLATION": "auto", "PATH": f"{fake}:{os.environ['PATH']}"}
    for fmt in ("json", "text"):
        proc = subprocess.run(without_namespaces(
            [sys.executable, "-m", "grader.cli", "hw3", "--submission", str(submission),
             "--format", fmt]), cwd=course, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
        if fmt == "json":
            doc = json.loads(proc.stdout)
            assert doc["extra_data"]["isolation"] == "process"
            assert "Operation not permitted" in doc["extra_data"]["isolation_note"]
            assert_loses_exactly(doc, [NG], "uid")
            said = "\n".join(t["output"] for t in doc["tests"] if t["status"] == "failed")
            if os.geteuid() == 0:
                assert "uid 0" not in said and "uid 2" in said, said
        else:
            assert "Isolation: process only, not Linux namespaces" in proc.stdout
            assert "Score: 90/100" in proc.stdout


def test_one_student_never_stops_the_class(course, tmp_path):
    """With GRADER_ISOLATION=namespaces, a forged confinement failure once made the
    whole batch stop (exit 3) before anything was exported."""
    if isolation()[0] != "namespaces":
        pytest.skip("needs namespaces")
    folder = tmp_path / "class"
    folder.mkdir()
    honest = HONEST.read_text()
    (folder / "forger.py").write_text(honest + "\n" + (HOSTILE / "forge_confinement_failure.py").read_text())
    (folder / "amplifier.py").write_text(honest + "\n" + (HOSTILE / "decoding_amplifier.py").read_text())
    shutil.copyfile(HONEST, folder / "honest.py")
    out = tmp_path / "out"
    proc = run_grade("batch", "hw3", str(folder), "--out", str(out), "--jobs", "1", cwd=course,
                     env={"GRADER_ISOLATION": "namespaces"}, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    from grader.gradebook import Gradebook

    with Gradebook(out / "gradebook.sqlite", "hw3") as book:
        got = {e.student: (e.status, e.score) for e in book.entries()}
    assert got == {"forger": ("graded", 90), "amplifier": ("graded", 90), "honest": ("graded", 100)}
    assert (out / "grades.csv").exists()
