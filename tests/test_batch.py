"""`grade batch`: resuming after a crash or Ctrl-C, regrading, Dask, and the command's
errors.  (A class of 40 mixed and hostile submissions graded in one batch, each with
its alone verdict, is in test_hostile.py.)"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import (ROOT, SUBMISSIONS, failed_names, processes_in_environment, run_grade,
                      wait_until_gone)
from grader.gradebook import Gradebook

#: in the environment of every batch these tests start, and so of its slots and zygotes
MARKER = f"GRADER_BATCH_TEST={os.getpid()}"
ENV = {**os.environ, MARKER.split("=")[0]: MARKER.split("=")[1]}


def all_gone(seconds: float = 10) -> bool:
    """Whether every process of the batches these tests started is gone."""
    return wait_until_gone(MARKER, seconds, find=processes_in_environment)


def grade(*args: str, **kwargs):
    return run_grade(*args, env=ENV, **kwargs)


def make_class(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True)
    for name in names:
        shutil.copyfile(SUBMISSIONS / "hw3" / name, folder / name)
    return folder


def batch_command(folder: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "grader.cli", "batch", "hw3", str(folder), "--out", str(out),
            *extra]


def gradings(out: Path) -> list[tuple]:
    with Gradebook(out / "gradebook.sqlite", "hw3") as book:
        return book.gradings()


def entries(out: Path) -> dict:
    with Gradebook(out / "gradebook.sqlite", "hw3") as book:
        return {e.student: e for e in book.entries()}


CLASS = ["correct_loops.py", "wrong_bce_sum.py", "syntax_error.py", "wrong_db_not_summed.py",
         "correct_float32.py", "raises_at_import.py", "wrong_sigmoid_backward_z.py",
         "calls_sys_exit.py", "wrong_numgrad_mutates_x.py", "wrong_train_no_zero_grad.py"]


def as_in_a_terminal() -> None:
    """Ctrl-C's default action, as a command started in a terminal has it, whatever this
    pytest inherited: a shell ignores SIGINT in what it starts in the background (``&``,
    nohup in a script), children inherit that, and Python then installs no
    KeyboardInterrupt, so a batch would not stop."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for_gradings(out: Path, count: int, proc: subprocess.Popen, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the batch ended before it could be stopped midway"
        if (out / "gradebook.sqlite").exists():
            try:
                if len(gradings(out)) >= count:
                    return
            except Exception:  # noqa: BLE001 - the file is being created
                pass
        time.sleep(0.1)
    raise AssertionError(f"fewer than {count} gradings after {seconds} s")


@pytest.mark.slow
def test_sigkill_midway_then_the_same_command_grades_each_submission_once(tmp_path):
    folder = make_class(tmp_path / "class", CLASS)
    out = tmp_path / "out"
    proc = subprocess.Popen(batch_command(folder, out, "--jobs", "1"), cwd=ROOT, env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_for_gradings(out, 3, proc)
    proc.kill()
    proc.wait()
    assert all_gone(), "the grading processes outlived the batch"
    before = {e.student: e.graded_at for e in entries(out).values()}
    assert 3 <= len(before) < len(CLASS)

    again = grade("batch", "hw3", str(folder), "--out", str(out))
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"{len(before)} of {len(CLASS)} submissions already graded" in again.stderr
    log = gradings(out)
    assert sorted(g[0] for g in log) == sorted(Path(n).stem for n in CLASS), \
        "every submission graded exactly once in total"
    after = entries(out)
    assert all(after[s].graded_at == t for s, t in before.items()), "a finished result was redone"
    assert after["correct_loops"].score == 100 and after["syntax_error"].score == 0


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_says_how_to_resume(tmp_path):
    folder = make_class(tmp_path / "class", CLASS)
    out = tmp_path / "out"
    proc = subprocess.Popen(batch_command(folder, out, "--jobs", "1"), cwd=ROOT, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=as_in_a_terminal)
    wait_for_gradings(out, 2, proc)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole foreground group
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "run the same command again to resume" in stderr
    assert "Traceback" not in stderr
    assert all_gone()
    assert 2 <= len(entries(out)) < len(CLASS)


@pytest.mark.slow
def test_ctrl_c_during_a_regrade_then_the_same_command_keeps_what_it_regraded(tmp_path):
    names = CLASS[:6]
    folder = make_class(tmp_path / "class", names)
    out = tmp_path / "out"
    first = grade("batch", "hw3", str(folder), "--out", str(out), "--jobs", "1")
    assert first.returncode == 0, first.stderr[-3000:]
    before = len(gradings(out))
    assert before == len(names)

    regrade = batch_command(folder, out, "--jobs", "1", "--regrade")
    proc = subprocess.Popen(regrade, cwd=ROOT, env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=as_in_a_terminal)
    wait_for_gradings(out, before + 2, proc)
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert ("the submissions this regrade finished are kept and only the others are "
            "regraded") in stderr
    regraded = [g[0] for g in gradings(out)[before:]]
    assert 2 <= len(regraded) < len(names)

    again = subprocess.run(regrade, cwd=ROOT, env=ENV, capture_output=True, text=True,
                           timeout=600)
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"{len(regraded)} of {len(names)} submissions already graded" in again.stderr
    log = [g[0] for g in gradings(out)[before:]]
    assert sorted(log) == sorted(Path(n).stem for n in names), \
        "every submission regraded exactly once across the interruption"

    with Gradebook(out / "gradebook.sqlite", "hw3") as book:
        assert not book.unfinished_regrade()  # finished: the next --regrade is a new one
    assert all_gone()


@pytest.mark.slow
def test_resume_regrade_and_changed_content(tmp_path):
    folder = make_class(tmp_path / "class", ["correct_loops.py", "wrong_bce_sum.py"])
    out = tmp_path / "out"
    first = grade("batch", "hw3", str(folder), "--out", str(out), "--jobs", "1")
    assert first.returncode == 0, first.stderr
    assert len(gradings(out)) == 2

    same = grade("batch", "hw3", str(folder), "--out", str(out))
    assert same.returncode == 0 and "2 of 2 submissions already graded" in same.stderr
    assert len(gradings(out)) == 2, "unchanged submissions were graded again"

    shutil.copyfile(SUBMISSIONS / "hw3" / "correct_float32.py", folder / "wrong_bce_sum.py")
    changed = grade("batch", "hw3", str(folder), "--out", str(out))
    assert changed.returncode == 0, changed.stderr
    assert [g[0] for g in gradings(out)][2:] == ["wrong_bce_sum"]
    assert entries(out)["wrong_bce_sum"].score == 100

    forced = grade("batch", "hw3", str(folder), "--out", str(out), "--regrade")
    assert forced.returncode == 0, forced.stderr
    assert sorted(g[0] for g in gradings(out)[3:]) == ["correct_loops", "wrong_bce_sum"]
    rows = (out / "grades.csv").read_text().splitlines()
    assert len(rows) == 3 and rows[1].startswith("correct_loops,,,graded,completed,100,100,")


@pytest.mark.slow
def test_a_dask_cluster_grades_like_the_local_batch(tmp_path):
    distributed = pytest.importorskip("distributed")
    folder = make_class(tmp_path / "class", ["correct_loops.py", "wrong_bce_sum.py",
                                             "syntax_error.py", "wrong_db_not_summed.py"])
    local = grade("batch", "hw3", str(folder), "--out", str(tmp_path / "local"))
    assert local.returncode == 0, local.stderr
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True,
                                  dashboard_address=None) as cluster:
        remote = grade("batch", "hw3", str(folder), "--out", str(tmp_path / "dask"),
                           "--scheduler", cluster.scheduler_address)
    assert remote.returncode == 0, remote.stderr[-3000:]
    want, got = entries(tmp_path / "local"), entries(tmp_path / "dask")
    assert set(got) == set(want)
    for student in want:
        assert got[student].score == want[student].score, student
        assert got[student].result["tests"] == want[student].result["tests"], student
    assert {e.score for e in got.values()} == {100, 68, 0, 78}


def _dask(module: str, *args: str, cwd: Path) -> subprocess.Popen:
    """``dask scheduler`` / ``dask worker`` (their modules, run by this Python), marked
    as this test's."""
    return subprocess.Popen([sys.executable, "-m", f"distributed.cli.{module}", *args], cwd=cwd,
                            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.slow
def test_a_dask_cluster_of_processes_grades_each_once_when_a_worker_is_killed(tmp_path, graded):
    """A scheduler and two workers, each a process of its own as on a real cluster; one
    worker is killed (SIGKILL) while grading: its task runs again on the other, and
    every submission is recorded once, with its alone verdict."""
    pytest.importorskip("distributed")
    names = ["correct_loops.py", "wrong_bce_sum.py", "syntax_error.py", "wrong_db_not_summed.py",
             "correct_float32.py", "wrong_sigmoid_backward_z.py"]
    folder = make_class(tmp_path / "class", names)
    out = tmp_path / "out"
    scheduler_file = tmp_path / "scheduler.json"
    started = [_dask("dask_scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                     "--scheduler-file", str(scheduler_file), cwd=tmp_path)]
    try:
        deadline = time.monotonic() + 120
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(scheduler_file.read_text())["address"]
        workers = [_dask("dask_worker", address, "--nthreads", "1", "--no-nanny",
                         "--no-dashboard", "--death-timeout", "120", cwd=tmp_path)
                   for _ in range(2)]
        started += workers
        batch = subprocess.Popen(batch_command(folder, out, "--scheduler", address), cwd=ROOT,
                                 env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 text=True)
        started.append(batch)
        wait_for_gradings(out, 2, batch, seconds=300)
        assert len(gradings(out)) <= len(names) - 2, "too late: no task left to each worker"
        workers[0].kill()  # midway: it holds a task (one thread each, six tasks)
        workers[0].wait()
        _, stderr = batch.communicate(timeout=600)
        assert batch.returncode == 0, stderr[-3000:]
    finally:
        for process in reversed(started):
            process.kill()
            process.wait()
    log = gradings(out)
    assert sorted(g[0] for g in log) == sorted(Path(n).stem for n in names), \
        "every submission graded exactly once"
    got = entries(out)
    for name in names:
        alone = graded("hw3", SUBMISSIONS / "hw3" / name)
        entry = got[Path(name).stem]
        assert (entry.score, failed_names(entry.result)) == (alone["score"], failed_names(alone))
    assert all_gone(30), "a grading process outlived its Dask worker"


@pytest.mark.slow
def test_no_dask_scheduler_is_a_clear_error(tmp_path):
    pytest.importorskip("distributed")
    folder = make_class(tmp_path / "class", ["correct_loops.py"])
    proc = grade("batch", "hw3", str(folder), "--out", str(tmp_path / "out"),
                     "--scheduler", "tcp://127.0.0.1:9", timeout=120)
    assert proc.returncode == 3
    assert "no Dask scheduler answered at tcp://127.0.0.1:9" in proc.stderr


@pytest.mark.parametrize("args, message", [
    (["hw99", "x.py"], "unknown assignment 'hw99'"),
    (["hw3", "no/such/file.py"], "not found: no/such/file.py"),
    (["hw3", "README.md", "--id-pattern", "(unclosed"], "--id-pattern '(unclosed' is not a valid"),
    (["hw3"], "Missing argument 'PATH...'"),
])
def test_usage_errors_say_what_to_fix(args, message):
    proc = grade("batch", *args)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_another_assignments_gradebook_is_a_usage_error(tmp_path):
    out = tmp_path / "out"
    Gradebook(out / "gradebook.sqlite", "hw2").close()
    folder = make_class(tmp_path / "class", ["correct_loops.py"])
    proc = grade("batch", "hw3", str(folder), "--out", str(out))
    assert proc.returncode == 2
    assert "is the gradebook of hw2, not hw3: choose another --out folder" in proc.stderr


def test_help_explains_inputs_outputs_and_resuming():
    proc = grade("batch", "--help")
    assert proc.returncode == 0
    for words in ("zip", "GitHub Classroom", "grades.csv", "canvas.csv", "feedback/",
                  "resumes", "--regrade", "--scheduler", "--jobs", "--id-pattern"):
        assert words in proc.stdout, words
    assert "batch" in grade("--help").stdout


def test_rejected_submissions_are_reported_and_exported(tmp_path):
    folder = make_class(tmp_path / "class", ["correct_loops.py"])
    (folder / "blank.py").write_text("")
    (folder / "notes.txt").write_text("not a submission")
    out = tmp_path / "out"
    proc = grade("batch", "hw3", str(folder), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "blank: rejected: the file is empty" in proc.stderr
    assert "skipped" in proc.stderr and "notes.txt" in proc.stderr
    doc = json.loads((out / "results" / "blank.json").read_text())
    assert doc["score"] == 0 and "empty" in doc["output"]
    assert "the file is empty" in (out / "feedback" / "blank.md").read_text()
    assert (out / "histogram.png").read_bytes().startswith(b"\x89PNG")
    assert all_gone()


@pytest.mark.slow
@pytest.mark.parametrize("setting", ["GRADER_ISOLATION=process", "GRADER_BATCH_FORK=0"])
def test_other_ways_of_running_give_the_same_verdicts(tmp_path, graded, setting):
    """Without namespaces; and with grading children spawned, not forked (what a
    machine with a CUDA driver does)."""
    names = ["correct_loops.py", "wrong_bce_sum.py", "infinite_loop_sigmoid.py"]
    folder = make_class(tmp_path / "class", names)
    name, value = setting.split("=")
    proc = run_grade("batch", "hw3", str(folder), "--out", str(tmp_path / "out"),
                     env={**ENV, name: value})
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = entries(tmp_path / "out")
    for name in names:
        alone = graded("hw3", SUBMISSIONS / "hw3" / name)
        entry = got[Path(name).stem]
        if setting == "GRADER_ISOLATION=process":
            assert entry.result["extra_data"]["isolation"] == "process"
        assert (entry.score, failed_names(entry.result)) == (alone["score"], failed_names(alone))
    assert all_gone()


def test_an_assignment_set_up_wrongly_stops_the_batch(tmp_path):
    course = tmp_path / "course"
    for part in ("assignments", "reference"):
        shutil.copytree(ROOT / part / "hw3", course / part / "hw3",
                        ignore=shutil.ignore_patterns("__pycache__"))
    toml = course / "assignments" / "hw3" / "assignment.toml"
    toml.write_text(toml.read_text().replace("points = 100", "points = 90"))
    folder = make_class(tmp_path / "class", ["correct_loops.py"])
    proc = grade("batch", "hw3", str(folder), "--out", str(tmp_path / "out"), cwd=course)
    assert proc.returncode == 3, proc.stderr[-3000:]
    assert "configuration error" in proc.stderr and "90" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert all_gone()


def test_a_grading_process_that_cannot_start_is_one_line_not_a_traceback(tmp_path):
    """Slots that die at start (here: a sitecustomize that ends them) give a message
    with what to do, exit status 4, and no traceback."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        "import sys\nif 'grader.slot' in ' '.join(getattr(sys, 'orig_argv', [])):\n    sys.exit(7)\n")
    sub = tmp_path / "alice.py"
    shutil.copyfile(SUBMISSIONS / "hw3" / "correct_loops.py", sub)
    proc = run_grade("batch", "hw3", str(sub), "--out", str(tmp_path / "out"), "--jobs", "1",
                     env={"PYTHONPATH": str(site)}, timeout=120)
    assert proc.returncode == 4, proc.stderr
    assert "grade: error: a grading process could not start or stopped" in proc.stderr
    assert "run the same command again to resume" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


@pytest.mark.slow
def test_lms_exports_and_a_roster_name_the_students_and_flag_the_late(tmp_path):
    """A Canvas download with a LATE file, a Gradescope export with its metadata, and a
    roster: names, late flags, times, outcomes and Canvas's points reach the exports."""
    read = lambda name: (SUBMISSIONS / "hw3" / name).read_bytes()  # noqa: E731
    canvas = _zip(tmp_path / "canvas.zip", {
        "doejohn_12345_67890_backprop.py": read("correct_loops.py"),
        "smithjane_LATE_23456_78901_backprop.py": read("wrong_bce_sum.py"),
    })
    gradescope = _zip(tmp_path / "gradescope.zip", {
        "assignment_4021_export/submission_metadata.yml": (
            b"submission_101:\n  :submitters:\n  - :name: Alice Liddell\n    :sid: '1001'\n"
            b"    :email: alice@example.edu\n  :created_at: 2024-03-02 09:30:00.000000000 -08:00\n"),
        "assignment_4021_export/submission_101/backprop.py": read("raises_at_import.py"),
    })
    roster = tmp_path / "roster.csv"
    roster.write_text("Student,ID,SIS User ID,SIS Login ID,Section\n"
                      "\"Doe, John\",12345,,jdoe,A\n\"Smith, Jane\",23456,,jsmith,A\n")
    out = tmp_path / "out"
    proc = grade("batch", "hw3", str(canvas), str(gradescope), "--out", str(out), "--roster",
                 str(roster), "--due", "2024-03-02T00:00-08:00", "--canvas-column", "HW3 (4021)")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "1 graded submission(s) did not complete: 1 import error" in proc.stderr

    import csv

    with open(out / "grades.csv", encoding="utf-8", newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert set(rows) == {"12345", "23456", "1001"}
    assert (rows["12345"]["name"], rows["12345"]["late"], rows["12345"]["outcome"]) == (
        "Doe, John", "no", "completed")
    assert (rows["23456"]["name"], rows["23456"]["late"]) == ("Smith, Jane", "yes")
    alice = rows["1001"]
    assert (alice["name"], alice["email"], alice["late"]) == ("Alice Liddell", "alice@example.edu", "yes")
    assert alice["submitted_at"] == "2024-03-02T09:30:00-08:00"
    assert (alice["status"], alice["outcome"], alice["score"]) == ("graded", "import error", "0")
    assert alice["reason"].startswith("FileNotFoundError: my_local_data.csv not found.")
    assert len(alice["content_hash"]) == 64 and alice["graded_at"]

    with open(out / "canvas.csv", encoding="utf-8", newline="") as f:
        canvas_rows = list(csv.reader(f))
    assert canvas_rows[0][-1] == "HW3 (4021)"
    assert canvas_rows[1][-1] == rows["12345"]["max_score"]       # the maximum graded
    assert [r[:4] for r in canvas_rows[2:]] == [["Alice Liddell", "", "1001", ""],
                                                ["Doe, John", "12345", "", ""],
                                                ["Smith, Jane", "23456", "", ""]]

    feedback = (out / "feedback" / "1001.md").read_text()
    assert feedback.count("my_local_data.csv not found") == 1
    assert "tests (all of them) failed with one message" in feedback
    summary = (out / "summary.md").read_text()
    assert "## Submissions that did not import, timed out or crashed" in summary
    assert "| 1001 | Alice Liddell | import error |" in summary
    assert "## Most common known mistakes" in summary               # wrong_bce_sum's
    assert all_gone()
