"""Unit tests of the submission's resource limits (``grader.limits``): how an
assignment declares them, and that each one, hit by a real submission in a real
worker, stops the student's code with a ``LimitExceeded`` that names it -- and that
the rest of the submission is still graded.  Also the worker's output cut and its
isolation from the grader (uid, PIDs, network, file system)."""

from __future__ import annotations

import os
import re
import socket
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from conftest import call, processes_with, wait_until_gone
from grader.errors import ConfigurationError, LimitExceeded, StudentTimeout
from grader.limits import ALWAYS_SECRET_ENV, DEFAULT_PASS_ENV, EnvPolicy, Limits
from grader import sandbox
from grader.sandbox import Worker, isolation, private_uid

MODULE = "limited"

# Small limits, so that each one is reached in well under a second or two.
SMALL = dict(call_seconds=5, import_seconds=30, memory_mb=1024, file_size_mb=4, disk_mb=8,
             open_files=64, output_kb=4)

SUBMISSION = '''\
"""A submission whose functions each run into one of the limits."""
import os
import socket
import subprocess
import sys
import time

import numpy as np


def add_one(x):
    return x + 1


def torch_sum(n):
    import torch
    return float(torch.ones(n).sum())


def eat_memory(most_mib):
    arrays = []
    while len(arrays) * 16 < most_mib:  # bounded, should the limit not hold
        arrays.append(np.ones(2 ** 21))  # 16 MiB each
    return len(arrays) * 16


def write_big_file(mib):
    with open("weights.bin", "wb") as f:
        for _ in range(mib):
            f.write(b"\\0" * 2 ** 20)
    return os.path.getsize("weights.bin")


def write_many_files(count):
    for i in range(count):
        with open(f"checkpoint_{i}.npy", "wb") as f:
            f.write(b"\\1" * 2 ** 20)
    return count


def write_file_in(directory, name, mib):
    with open(os.path.join(directory, name), "wb") as f:
        for _ in range(mib):
            f.write(b"\\2" * 2 ** 20)
    return sorted(os.listdir(directory))


def open_many_files(count):
    handles = []
    for _ in range(count):
        handles.append(open(os.devnull))
    return len(handles)


def spin():
    while True:
        pass


def nap(seconds):
    time.sleep(seconds)
    return seconds


_children = []


def start_sleepers(sleep, marker, count):
    for _ in range(count):
        _children.append(subprocess.Popen([marker, "30"], executable=sleep))
    return len(_children)


def shout(nbytes):
    print("x" * nbytes)
    return nbytes


def say(text):
    print(text)
    return len(text)


def write_fds(out, err):
    os.write(1, out.encode())
    os.write(2, err.encode())
    return True


def whoami():
    return os.getuid(), os.geteuid(), os.getgid()


def pids():
    return sorted(int(p) for p in os.listdir("/proc") if p.isdigit())


def connect(host, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect((host, port))
    except OSError as exc:
        return "refused: " + type(exc).__name__ + ": " + str(exc)
    finally:
        s.close()
    return "connected"


def exists(path):
    return os.path.exists(path)


def write_tmp(name, text):
    with open(os.path.join("/tmp", name), "w") as f:
        f.write(text)
    with open(os.path.join("/tmp", name)) as f:
        return f.read()


def try_write(path):
    try:
        with open(path, "w") as f:
            f.write("100/100")
    except OSError as exc:
        return type(exc).__name__ + ": " + str(exc)
    return "written"


def try_kill(pid):
    import signal
    try:
        os.kill(pid, signal.SIGTERM)
    except OSError as exc:
        return type(exc).__name__ + ": " + str(exc)
    return "killed"


def leave_traces(name):
    import subprocess
    for folder in ("/tmp", "/dev/shm", "/var/tmp"):
        try:
            os.makedirs(os.path.join(folder, name + "-dir", "inner"))
            open(os.path.join(folder, name), "w").close()
        except OSError:
            pass
    subprocess.Popen(["sleep", "300"], start_new_session=True)
    return "left"
'''


@pytest.fixture(scope="module")
def submission(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("student") / "limited_submission.py"
    path.write_text(SUBMISSION)
    return path


@pytest.fixture
def make_worker(submission, new_worker):
    """``make_worker(**limits)``: a worker of its own under ``Limits(**SMALL, **limits)``."""
    def make(hidden: tuple = (), **limits) -> Worker:
        return new_worker(submission, MODULE, limits=Limits(**{**SMALL, **limits}), hidden=hidden)

    return make


def assert_rest_is_graded(worker: Worker) -> None:
    """Another function of the same submission still gives its answer."""
    assert call(worker, "add_one", 41).value == 42


namespaces_only = pytest.mark.skipif(
    isolation()[0] != "namespaces",
    reason=f"workers are not isolated in Linux namespaces here ({isolation()[1]})")


# =========================================================================== configuration

def test_limits_defaults():
    limits = Limits.from_toml({})
    assert limits == Limits()
    assert limits.call_seconds == 10.0 and limits.import_seconds == 60.0
    assert limits.submission_seconds == 600.0 and limits.cpu_seconds == 600.0
    assert limits.memory_mb == 4096 and limits.file_size_mb == 64 and limits.disk_mb == 256
    assert limits.processes == 256 and limits.open_files == 256 and limits.output_kb == 64


def test_top_level_time_limits_map_to_call_and_import_seconds():
    limits = Limits.from_toml({"title": "x", "points": 100, "time_limit": 5,
                               "import_time_limit": 30})
    assert limits.call_seconds == 5.0 and isinstance(limits.call_seconds, float)
    assert limits.import_seconds == 30.0
    assert limits.memory_mb == Limits().memory_mb  # the rest keep their defaults


def test_limits_table():
    limits = Limits.from_toml({"time_limit": 2.5, "limits": {
        "submission_seconds": 120, "cpu_seconds": 90.5, "memory_mb": 1024, "file_size_mb": 4,
        "disk_mb": 8, "processes": 32, "open_files": 64, "output_kb": 16}})
    assert limits == Limits(call_seconds=2.5, submission_seconds=120, cpu_seconds=90.5,
                            memory_mb=1024, file_size_mb=4, disk_mb=8, processes=32,
                            open_files=64, output_kb=16)
    assert isinstance(limits.memory_mb, int) and isinstance(limits.submission_seconds, float)
    assert limits.to_dict()["open_files"] == 64


def test_unknown_limit_is_an_error_naming_it():
    with pytest.raises(ValueError, match="memory_gb"):
        Limits.from_toml({"limits": {"memory_gb": 4}})
    with pytest.raises(ValueError, match="time_limit"):
        Limits.from_toml({"limits": {"time_limit": 4}})  # a top-level key, not a [limits] one


@pytest.mark.parametrize("value", [0, -1, -0.5, 0.0, True, False, "4096", "4 GB", None, [1]])
@pytest.mark.parametrize("key", ["memory_mb", "cpu_seconds"])
def test_limit_values_must_be_positive_numbers(key, value):
    with pytest.raises(ValueError, match=key):
        Limits.from_toml({"limits": {key: value}})


@pytest.mark.parametrize("data", [{"time_limit": 0}, {"time_limit": -5}, {"time_limit": True},
                                  {"time_limit": "5"}, {"import_time_limit": 0},
                                  {"import_time_limit": "60"}])
def test_top_level_time_limits_must_be_positive_numbers(data):
    with pytest.raises(ValueError):
        Limits.from_toml(data)


SOURCE_ENV = {
    "PATH": "/usr/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HOME": "/root",
    "GRADER_KEY": "k3y", "GRADER_KEY_HW3": "hw3k3y", "GITHUB_TOKEN": "ghp_x", "GH_TOKEN": "gh", "HTTPS_PROXY": "http://p",
    "OMP_NUM_THREADS": "1", "COURSE_TOKEN": "c", "AWS_SECRET_ACCESS_KEY": "aws",
}


def test_default_environment_policy():
    env = EnvPolicy.from_toml({}).environment(SOURCE_ENV)
    assert env == {"PATH": "/usr/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    assert set(env) <= set(DEFAULT_PASS_ENV)


def test_pass_env_adds_but_never_passes_the_grader_secrets():
    policy = EnvPolicy.from_toml({"sandbox": {
        "pass_env": ["OMP_NUM_THREADS", "GRADER_KEY", "GRADER_KEY_HW3", "GITHUB_TOKEN",
                     "HTTPS_PROXY"]}})
    env = policy.environment(SOURCE_ENV)
    assert env["OMP_NUM_THREADS"] == "1"
    assert "GRADER_KEY_HW3" not in env  # an assignment's key, whatever its name
    for secret in ("GRADER_KEY", "GITHUB_TOKEN", "HTTPS_PROXY"):
        assert secret in ALWAYS_SECRET_ENV
        assert secret not in env
    assert "k3y" not in env.values() and "ghp_x" not in env.values()


def test_secret_env_removes_a_default_variable():
    policy = EnvPolicy.from_toml({"sandbox": {"secret_env": ["LANG"],
                                              "pass_env": ["COURSE_TOKEN"]}})
    env = policy.environment(SOURCE_ENV)
    assert "LANG" not in env and env["LC_ALL"] == "C.UTF-8"
    assert env["COURSE_TOKEN"] == "c"
    # secret wins over pass_env
    both = EnvPolicy.from_toml({"sandbox": {"secret_env": ["COURSE_TOKEN"],
                                            "pass_env": ["COURSE_TOKEN"]}})
    assert "COURSE_TOKEN" not in both.environment(SOURCE_ENV)


@pytest.mark.parametrize("table, needle", [
    ({"pass_environment": ["X"]}, "pass_environment"),
    ({"pass_env": "OMP_NUM_THREADS"}, "pass_env"),
    ({"secret_env": [1]}, "secret_env"),
])
def test_bad_sandbox_table_is_an_error(table, needle):
    with pytest.raises(ValueError, match=needle):
        EnvPolicy.from_toml({"sandbox": table})


def test_load_assignment_with_a_bad_limit_is_a_configuration_error(tmp_path):
    from grader.assignment import load_assignment

    directory = tmp_path / "assignments" / "hwX"
    directory.mkdir(parents=True)
    toml = directory / "assignment.toml"
    toml.write_text(textwrap.dedent('''\
        title = "Limits"
        submission = "limits.py"
        points = 10
        time_limit = 3

        [limits]
        memory_mb = 512
        memory_gb = 2
    '''))
    with pytest.raises(ConfigurationError, match="memory_gb"):
        load_assignment(tmp_path, "hwX")

    toml.write_text(toml.read_text().replace("memory_gb = 2\n", "")
                    + '\n[sandbox]\npass_env = ["OMP_NUM_THREADS"]\n')
    good = load_assignment(tmp_path, "hwX")
    assert good.limits == Limits(call_seconds=3, memory_mb=512)
    assert good.env_policy == EnvPolicy(pass_env=("OMP_NUM_THREADS",))

    toml.write_text(toml.read_text().replace("memory_mb = 512", "memory_mb = -512"))
    with pytest.raises(ConfigurationError, match="memory_mb"):
        load_assignment(tmp_path, "hwX")


# =========================================================================== limits hit

def test_memory_limit(make_worker):
    w = make_worker(memory_mb=1024)
    assert call(w, "torch_sum", 3).value == 3.0  # torch (and numpy) still import under it
    generation = w.generation
    with pytest.raises(LimitExceeded) as info:
        call(w, "eat_memory", 3 * 1024)
    assert info.value.limit == "memory_mb"
    assert "1024 MiB" in info.value.student_message
    assert "`eat_memory`" in info.value.student_message
    assert_rest_is_graded(w)
    assert call(w, "torch_sum", 4).value == 4.0
    assert w.generation == generation  # the memory was given back: no restart needed


def test_file_size_limit(make_worker):
    w = make_worker(file_size_mb=4, disk_mb=64)
    assert call(w, "write_big_file", 3).value == 3 * 2 ** 20
    with pytest.raises(LimitExceeded) as info:
        call(w, "write_big_file", 6)
    assert info.value.limit == "file_size_mb"
    assert "4 MiB" in info.value.student_message
    assert "`write_big_file`" in info.value.student_message
    assert_rest_is_graded(w)


@namespaces_only  # the working directory is a tmpfs of disk_mb only in the worker's own view
def test_disk_limit_in_the_working_directory(make_worker):
    w = make_worker(disk_mb=8, file_size_mb=4)
    with pytest.raises(LimitExceeded) as info:
        call(w, "write_many_files", 20)  # 20 files of 1 MiB, each under file_size_mb
    assert info.value.limit == "disk_mb"
    assert "8 MiB" in info.value.student_message
    assert_rest_is_graded(w)


@namespaces_only
def test_disk_limit_is_a_total_over_the_working_directory_and_tmp(make_worker):
    w = make_worker(disk_mb=8, file_size_mb=8)
    assert call(w, "write_file_in", ".", "a.bin", 6).value == ["a.bin", f"{MODULE}.py"]
    with pytest.raises(LimitExceeded) as info:
        call(w, "write_file_in", "/tmp", "b.bin", 6)  # 12 MiB in all
    assert info.value.limit == "disk_mb"


def test_open_files_limit(make_worker):
    w = make_worker(open_files=64)
    assert call(w, "open_many_files", 20).value == 20
    with pytest.raises(LimitExceeded) as info:
        call(w, "open_many_files", 200)
    assert info.value.limit == "open_files"
    assert "the limit is 64" in info.value.student_message
    assert_rest_is_graded(w)
    assert call(w, "open_many_files", 20).value == 20  # the files were closed again


def _spin_until_cpu_limit(w: Worker) -> LimitExceeded:
    assert_rest_is_graded(w)  # started
    start = time.monotonic()
    with pytest.raises(LimitExceeded) as info:
        call(w, "spin")
    assert time.monotonic() - start < 10, "stopped by something else than the CPU limit"
    assert info.value.limit == "cpu_seconds"
    assert "2 s" in info.value.student_message and "CPU" in info.value.student_message
    assert "`spin`" in info.value.student_message
    return info.value


@pytest.fixture
def process_worker(make_worker, monkeypatch):
    """``make_worker`` with GRADER_ISOLATION=process: the worker is a plain child process."""

    def make(**limits) -> Worker:
        with monkeypatch.context() as patch:
            patch.setenv("GRADER_ISOLATION", "process")
            isolation.cache_clear()
            try:
                w = make_worker(**limits)
                w.isolation  # noqa: B018 - decided now, under GRADER_ISOLATION=process
            finally:
                patch.undo()
                isolation.cache_clear()
        assert w.isolation == "process"
        return w

    return make


def test_cpu_limit(make_worker):
    _spin_until_cpu_limit(make_worker(cpu_seconds=2, call_seconds=20))


@pytest.mark.process_isolation
def test_cpu_limit_without_namespaces(process_worker):
    _spin_until_cpu_limit(process_worker(cpu_seconds=2, call_seconds=20))


@pytest.mark.process_isolation
def test_cpu_limit_is_for_the_whole_submission(process_worker):
    w = process_worker(cpu_seconds=2, call_seconds=20)
    _spin_until_cpu_limit(w)
    started = w.generation
    with pytest.raises(LimitExceeded) as info:
        call(w, "spin")
    assert w.generation == started, "refused at once, without starting another worker"
    assert info.value.limit == "cpu_seconds"


def test_submission_seconds_limit(make_worker):
    w = make_worker(submission_seconds=3, call_seconds=2)
    start = time.monotonic()
    done = 0
    with pytest.raises(LimitExceeded) as info:
        for _ in range(10):
            assert call(w, "nap", 0.8).value == 0.8
            done += 1
    elapsed = time.monotonic() - start
    # the import counts too: 2 or 3 naps fit in 3 s (1 on a busy machine), the next is cut
    assert done in (1, 2, 3), done
    assert 3 - 0.1 <= elapsed < 3 + 3
    assert not isinstance(info.value, StudentTimeout)
    assert info.value.limit == "submission_seconds"
    assert "3 s" in info.value.student_message and "`nap`" in info.value.student_message


def test_calls_after_submission_seconds_are_refused_as_that_limit(make_worker):
    w = make_worker(submission_seconds=2, call_seconds=5)
    with pytest.raises(LimitExceeded) as info:
        call(w, "nap", 3)
    assert info.value.limit == "submission_seconds"
    # later calls are not made at all, and say why
    for _ in range(2):
        start = time.monotonic()
        with pytest.raises(LimitExceeded) as info:
            call(w, "add_one", 1)
        assert time.monotonic() - start < 0.2
        assert info.value.limit == "submission_seconds"
        assert "`add_one`" in info.value.student_message
        assert "2 s" in info.value.student_message


@namespaces_only
@pytest.mark.skipif(os.geteuid() != 0, reason="RLIMIT_NPROC is set only when the worker "
                    "runs as a user of its own (the grader runs as root)")
def test_processes_limit(make_worker):
    import shutil

    w = make_worker(processes=24)
    marker = f"sleeper-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    assert_rest_is_graded(w)
    before = tasks_of_uid(65534)  # this worker's threads, and any other worker's
    with pytest.raises(LimitExceeded) as info:
        call(w, "start_sleepers", shutil.which("sleep"), marker, 200)
    assert info.value.limit == "processes"
    assert "the limit is 24 processes" in info.value.student_message
    started = processes_with(marker)
    assert len(started) < 24
    if before <= 3:  # RLIMIT_NPROC counts every task of uid 65534, other workers' too
        assert len(started) >= 24 - before - 3, (before, len(started))
    assert_rest_is_graded(w)
    w.close()
    assert wait_until_gone(marker), "the student's processes survived the worker"


def tasks_of_uid(uid: int) -> int:
    """Processes and threads on the machine whose real uid is ``uid``."""
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = dict(line.split(":", 1) for line in
                              (entry / "status").read_text().splitlines() if ":" in line)
            except OSError:
                continue
            if int(status["Uid"].split()[0]) == uid:
                count += int(status["Threads"])
    return count


# =========================================================================== output

def test_long_output_is_cut(make_worker):
    w = make_worker(output_kb=4)
    reply = call(w, "shout", 5_000_000)
    assert reply.value == 5_000_000
    assert len(reply.output) <= 4 * 1000 + 100
    assert reply.output.startswith("x" * 4000)
    match = re.search(r"\n\.\.\. \(output cut: ([\d,]+) more bytes not shown\)$", reply.output)
    assert match, reply.output[-200:]
    assert int(match.group(1).replace(",", "")) == 5_000_001 - 4000
    # nothing of it spills into the next call
    assert call(w, "say", "next").output == "next\n"


def test_short_output_is_kept_exactly(make_worker):
    w = make_worker()
    reply = call(w, "say", "loss = 0.25\nacc = 0.9")
    assert reply.output == "loss = 0.25\nacc = 0.9\n"
    assert call(w, "add_one", 1).output == ""


def test_writes_to_fd_1_and_2_are_captured(make_worker, capfd):
    w = make_worker()
    reply = call(w, "write_fds", "raw stdout\n", "raw stderr\n")
    assert reply.value is True
    assert reply.output == "raw stdout\nraw stderr\n"
    captured = capfd.readouterr()
    assert "raw std" not in captured.out and "raw std" not in captured.err


# =========================================================================== isolation

@namespaces_only
@pytest.mark.skipif(os.geteuid() != 0, reason="workers change uid only when the grader is root")
def test_worker_runs_as_a_uid_of_its_own(make_worker):
    uid = private_uid()
    assert uid >= 2_000_000_000 and uid != private_uid(os.getpid() + 1)
    assert tuple(call(make_worker(), "whoami").value) == (uid, uid, uid)


@pytest.mark.process_isolation
@pytest.mark.skipif(os.geteuid() != 0, reason="workers change uid only when the grader is root")
def test_without_namespaces_the_worker_is_not_root_either(process_worker, tmp_path):
    """As root, with process isolation, the worker runs as a uid of its own, cannot
    write into the course or the grader's folders, cannot signal the grader, and
    nothing of its uid is left when the worker is closed."""
    uid = private_uid()
    w = process_worker()
    assert tuple(call(w, "whoami").value) == (uid, uid, uid)
    course = tmp_path / "course"
    course.mkdir()
    os.chmod(course, 0o755)
    told = call(w, "try_write", str(course / "gradebook.sqlite")).value
    assert told.startswith("PermissionError"), told
    assert call(w, "try_kill", os.getpid()).value.startswith("PermissionError")
    assert call(w, "leave_traces", "hostile-trace-6c1d").value == "left"
    assert sandbox._processes_of(uid), "the daemon it started runs"
    w.close()
    assert sandbox._processes_of(uid) == []
    assert not any("hostile-trace-6c1d" in p.name for d in ("/tmp", "/dev/shm", "/var/tmp")
                   for p in Path(d).iterdir())


@namespaces_only
def test_worker_sees_only_its_own_processes(make_worker):
    assert len(processes_with("")) > 5  # the test's own /proc has many
    pids = call(make_worker(), "pids").value
    assert 1 in pids and len(pids) <= 3, pids


@namespaces_only
def test_worker_has_no_network(make_worker):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass  # the grader side really listens
        server.accept()[0].close()
        answer = call(make_worker(), "connect", "127.0.0.1", port).value
        assert answer.startswith("refused: "), answer
        server.settimeout(0.2)
        with pytest.raises(socket.timeout):
            server.accept()


@namespaces_only
def test_worker_cannot_see_the_course(make_worker):
    course = Path(__file__).resolve().parents[1]
    assert (course / "reference").is_dir() and (course / "assignments").is_dir()
    w = make_worker(hidden=(course,))  # as grader.runner makes it
    assert call(w, "exists", str(course / "reference")).value is False
    assert call(w, "exists", str(course / "assignments")).value is False
    assert call(w, "exists", str(course / "reference" / "hw3" / "backprop.py")).value is False
    assert call(w, "exists", "/usr/bin").value is True  # sanity: the probe works


@namespaces_only
def test_a_python_path_entry_inside_the_course_is_not_in_the_view(make_worker, monkeypatch):
    course = Path(__file__).resolve().parents[1]
    inside = course / "reference" / "hw3"
    assert (inside / "backprop.py").is_file()
    monkeypatch.syspath_prepend(str(inside))
    w = make_worker(hidden=(course,))
    assert call(w, "exists", str(inside / "backprop.py")).value is False


@namespaces_only
def test_worker_has_a_private_tmp(make_worker):
    name = f"grader-test-{uuid.uuid4().hex}.txt"
    w = make_worker()
    assert call(w, "write_tmp", name, "private").value == "private"
    assert not (Path("/tmp") / name).exists()
    assert not list(w.root.rglob(name))  # nor anywhere in the grader's files for the worker


def _started_early_then_called(w: Worker) -> None:
    """Start ``w`` early (in a thread of its own), let that start end, then call it: the
    worker it started must still be the one that answers (no restart)."""
    w.start_early()
    w.ensure_started()
    time.sleep(0.3)  # the starting thread's own work is long over
    assert_rest_is_graded(w)
    assert w.generation == 1 and w.restarts == 0, "the worker started early had died"


def test_a_worker_started_early_lives_on(make_worker):
    _started_early_then_called(make_worker())


@pytest.mark.process_isolation
def test_a_worker_started_early_without_namespaces_lives_on(process_worker):
    """Without namespaces, a worker dies with its parent (PR_SET_PDEATHSIG), which to
    Linux is the thread that started it, not the process: once ``start_early``'s
    thread ended after the start, the worker was killed, and the first test of every
    ``grade`` without namespaces failed."""
    _started_early_then_called(process_worker())
