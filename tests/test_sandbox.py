"""Unit tests of grader.sandbox.Worker, driving real worker processes on small
student-like submissions written to a temporary directory."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from grader.errors import (
    ConfigurationError,
    GraderFault,
    MissingFunction,
    NotImplementedYet,
    StudentException,
    StudentExit,
    StudentTimeout,
    SubmissionNotImportable,
    ValueCannotCross,
    WorkerCrashed,
)
from conftest import (ROOT, call, processes_with, python_hidden_from_other_users,
                      wait_until_gone, without_namespaces)
from grader.limits import EnvPolicy, Limits
import grader.isolation
from grader import sandbox
from grader.sandbox import WALL_FACTOR, Handle, Reply, Worker, isolation

CALL_TIMEOUT = 1.5
LIMITS = Limits(call_seconds=CALL_TIMEOUT, import_seconds=30)
MODULE = "backprop"

# A submission that mostly works, in the style of a student's hw3 file.
SUBMISSION = '''\
"""hw3: backpropagation (my submission)."""
import os
import subprocess
import sys
import warnings

import numpy as np


def affine_forward(x, W, b):
    out = x @ W + b
    cache = (x, W, b)
    return out, cache


def affine_backward(dout, cache):
    x, W, b = cache
    dx = dout @ W.T
    dW = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dW, db


def init_params(D, H, seed=0):
    rng = np.random.default_rng(seed)
    return {"W1": 0.01 * rng.standard_normal((D, H)), "b1": np.zeros(H), 2: "layers"}


def mse_loss(y_hat, y):
    print("debug: y_hat has shape", y_hat.shape)
    print("computing the loss...", file=sys.stderr)
    return float(np.mean((y_hat - y) ** 2))


def relu_backward(dout, cache):
    # TODO
    raise NotImplementedError("relu_backward")


def softmax(scores):
    shifted = scores - scores.max(axis=1)  # forgot keepdims=True
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def train(epochs):
    for epoch in range(epochs):
        print("epoch", epoch)
    sys.exit(3)


def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        fxph = f(x)
        x[ix] = old - h
        fxmh = f(x)
        x[ix] = old
        grad[ix] = (fxph - fxmh) / (2 * h)
        it.iternext()
    return grad


def normalize(x):
    x -= x.mean(axis=0)
    x /= x.std(axis=0) + 1e-8
    return x


def update_running_mean(x, bn_param):
    bn_param["running_mean"] = 0.9 * bn_param["running_mean"] + 0.1 * x.mean(axis=0)
    return x


class Dataset:
    def __init__(self, X, y):
        self.X = np.asarray(X, dtype=np.float64)
        self.y = np.asarray(y)
        self.name = "toy"

    def __len__(self):
        return len(self.X)

    def __getitem__(self, i):
        return self.X[i], self.y[i]

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def batch(self, start, size):
        return self.X[start:start + size], self.y[start:start + size]


def make_dataset(n):
    X = np.arange(2 * n, dtype=np.float64).reshape(n, 2)
    y = np.where(np.arange(n) % 2 == 0, 1, -1)
    return Dataset(X, y)


def count_positive(dataset):
    return sum(1 for _, label in dataset if label > 0)


def passthrough(dataset):
    return dataset


def dataset_size(dataset):
    return len(dataset)


def environment():
    return dict(os.environ)


def where_am_i():
    return os.getcwd(), sorted(os.listdir("."))


def log_loss(p):
    if np.any(p == 0):
        warnings.warn("probabilities contain zeros", RuntimeWarning)
    return float(-np.mean(np.log(p)))


def sigmoid_loop(z):
    out = np.empty_like(z)
    i = 0
    while i < z.size:
        out.flat[i] = 1 / (1 + np.exp(-z.flat[i]))
        # forgot i += 1
    return out


class ShapeError(Exception):
    def __init__(self, expected, got):
        super().__init__(expected, got)
        self.expected, self.got = expected, got

    def __str__(self):
        return "expected shape " + str(self.expected) + ", got " + self.got  # bug: got is a tuple


def check_shape(x):
    if x.shape != (2, 2):
        raise ShapeError((2, 2), x.shape)
    return True


def crash():
    print("about to crash")
    os._exit(7)


_helpers = []


def start_helper(marker):
    p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(100)", marker],
                         start_new_session=False)
    _helpers.append(p)
    return p.pid


def spin():
    while True:
        pass
'''


def write(path: Path, source: str) -> Path:
    path.write_text(textwrap.dedent(source))
    return path


def line_of(source: str, text: str) -> int:
    """The 1-based line number of the first line of ``source`` containing ``text``."""
    for number, line in enumerate(source.splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in source")


@pytest.fixture(scope="module")
def submission(tmp_path_factory) -> Path:
    return write(tmp_path_factory.mktemp("student") / "hw3_submission.py", SUBMISSION)


@pytest.fixture(scope="module")
def worker(submission):
    """One worker for the tests that do not kill it."""
    w = Worker(submission, MODULE, limits=LIMITS)
    yield w
    w.close()


@pytest.fixture
def fresh_worker(submission, new_worker):
    """A worker of its own, for tests that time out, crash or change the environment."""
    def make(path: Path = submission, module: str = MODULE) -> Worker:
        return new_worker(path, module, limits=LIMITS)

    return make


# --------------------------------------------------------------------------- data

def test_call_returns_arrays_and_tuples(worker):
    rng = np.random.default_rng(0)
    x, W, b = rng.standard_normal((4, 3)), rng.standard_normal((3, 2)), rng.standard_normal(2)
    reply = call(worker, "affine_forward", x, W, b)
    assert isinstance(reply, Reply)
    out, cache = reply.value
    np.testing.assert_allclose(out, x @ W + b)
    assert type(cache) is tuple and len(cache) == 3
    np.testing.assert_array_equal(cache[0], x)
    assert reply.params == ["x", "W", "b"]
    assert reply.changed == []
    assert reply.output == ""
    assert reply.seconds > 0

    dx, dW, db = call(worker, "affine_backward", np.ones((4, 2)), cache).value
    np.testing.assert_allclose(dx, np.ones((4, 2)) @ W.T)
    np.testing.assert_allclose(dW, x.T @ np.ones((4, 2)))
    np.testing.assert_allclose(db, [4.0, 4.0])


def test_call_returns_dicts_and_accepts_kwargs(worker):
    params = call(worker, "init_params", 3, 2, seed=1).value
    assert set(params) == {"W1", "b1", 2}
    assert params["W1"].shape == (3, 2) and params["b1"].dtype == np.float64
    assert params[2] == "layers"
    again = call(worker, "init_params", 3, 2, seed=1).value
    np.testing.assert_array_equal(params["W1"], again["W1"])


def test_prints_land_in_the_reply_not_in_the_test_output(fresh_worker, capfd):
    worker = fresh_worker()  # started under capfd, so a leak to fd 1 or 2 would show
    reply = call(worker, "mse_loss", np.ones(4), np.zeros(4))
    assert reply.value == 1.0
    assert "debug: y_hat has shape (4,)" in reply.output
    assert "computing the loss..." in reply.output
    captured = capfd.readouterr()
    assert captured.out == ""
    assert "debug" not in captured.err and "computing" not in captured.err
    # the next call starts with an empty output again
    assert call(worker, "dataset_size", call(worker, "make_dataset", 3).value).output == ""


def test_not_implemented_yet(worker):
    with pytest.raises(NotImplementedYet) as info:
        call(worker, "relu_backward", np.ones(3), np.ones(3))
    assert "not implemented yet" in info.value.student_message
    assert "`relu_backward`" in info.value.student_message


def test_exception_names_the_type_and_the_submission_line_only(worker):
    with pytest.raises(StudentException) as info:
        call(worker, "softmax", np.ones((4, 3)))
    exc = info.value
    assert not isinstance(exc, NotImplementedYet)
    msg = exc.student_message
    assert exc.exc_type == "ValueError"
    assert "`softmax` raised ValueError" in msg
    assert "broadcast" in msg
    assert 'File "hw3_submission.py"' in msg
    assert f"line {line_of(SUBMISSION, 'forgot keepdims=True')}" in msg
    assert "scores - scores.max(axis=1)" in msg
    assert "worker.py" not in msg and "grader/" not in msg and "sandbox" not in msg
    assert "run1" not in msg  # not the copy's temporary path


def test_sys_exit_inside_a_function(worker):
    with pytest.raises(StudentExit) as info:
        call(worker, "train", 2)
    assert info.value.code == "3"
    assert "sys.exit(3)" in info.value.student_message
    assert "epoch 1" in info.value.output
    # the worker survived: the next call works without a restart
    generation = worker.generation
    assert call(worker, "dataset_size", call(worker, "make_dataset", 2).value).value == 2
    assert worker.generation == generation


def test_missing_function(worker):
    with pytest.raises(MissingFunction) as info:
        call(worker, "conv_forward", np.ones(3))
    assert "does not define `conv_forward`" in info.value.student_message
    assert worker.defines("affine_forward") and not worker.defines("conv_forward")


def test_callback_from_student_code(worker):
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    calls = []

    def f(v):
        calls.append(v.copy())
        return float(np.sum(v ** 2))

    reply = call(worker, "numerical_gradient", f, x)
    np.testing.assert_allclose(reply.value, 2 * x, rtol=1e-6)
    assert len(calls) == 2 * x.size
    assert reply.changed == []  # the student restored x[ix] after each step
    np.testing.assert_array_equal(x, [[1.0, -2.0], [0.5, 3.0]])


def test_lambda_callback(worker):
    reply = call(worker, "numerical_gradient", lambda v: float(np.sum(np.sin(v))), np.zeros(3))
    np.testing.assert_allclose(reply.value, np.ones(3), rtol=1e-6)


def test_in_place_mutation_is_reported(worker):
    x = np.array([[1.0, 2.0], [3.0, 6.0]])
    before = x.copy()
    reply = call(worker, "normalize", x)
    np.testing.assert_array_equal(x, before)  # the test's own array is untouched
    assert len(reply.changed) == 1
    position, name, after = reply.changed[0]
    assert position == 0 and name == "x"
    np.testing.assert_allclose(after, [[-1.0, -1.0], [1.0, 1.0]], atol=1e-6)
    np.testing.assert_allclose(reply.value, after)


def test_a_dict_updated_in_place_is_visible_to_the_test(fresh_worker):
    from grader.proxy import StudentProxy

    student = StudentProxy(fresh_worker())
    state = {"running_mean": np.zeros(2), "mode": "train"}
    student.update_running_mean(np.array([[1.0, 2.0], [3.0, 4.0]]), state)
    after = student.last_call.changed_argument("bn_param")
    np.testing.assert_allclose(after["running_mean"], [0.2, 0.3])
    np.testing.assert_array_equal(state["running_mean"], [0.0, 0.0])  # the test's copy is untouched
    assert student.last_call.changed_argument("x") is None


def test_in_place_mutation_of_a_keyword_argument(worker):
    reply = call(worker, "normalize", x=np.array([[1.0], [3.0]]))
    assert [(c[0], c[1]) for c in reply.changed] == [("x", "x")]


def test_student_objects_come_back_as_handles(worker):
    ds = call(worker, "make_dataset", 4).value
    assert isinstance(ds, Handle)
    assert ds.type_name.endswith("Dataset")
    assert ds.name == "toy"
    np.testing.assert_array_equal(ds.X, np.arange(8.0).reshape(4, 2))
    assert len(ds) == 4
    x1, y1 = ds[1]
    np.testing.assert_array_equal(x1, [2.0, 3.0])
    assert y1 == -1
    items = list(ds)
    assert len(items) == 4
    assert [int(y) for _, y in items] == [1, -1, 1, -1]
    xb, yb = ds.method("batch", 1, 2)
    np.testing.assert_array_equal(xb, [[2.0, 3.0], [4.0, 5.0]])
    assert call(worker, "count_positive", ds).value == 2
    assert call(worker, "dataset_size", ds).value == 4
    with pytest.raises(AttributeError):
        ds.name = "changed"


def test_same_object_gives_equal_handles(worker):
    ds = call(worker, "make_dataset", 2).value
    back = call(worker, "passthrough", ds).value
    assert isinstance(back, Handle) and back == ds and hash(back) == hash(ds)
    other = call(worker, "make_dataset", 2).value
    assert other != ds


def test_warnings_show_in_the_reply(worker):
    reply = call(worker, "log_loss", np.array([0.5, 0.0]))
    assert reply.value == np.inf
    assert "RuntimeWarning: probabilities contain zeros" in reply.warnings
    assert any("divide by zero" in w for w in reply.warnings)
    assert call(worker, "log_loss", np.array([0.5, 0.25])).warnings == []


def test_worker_cwd_is_a_fresh_directory_with_only_the_submission(worker):
    cwd, listing = call(worker, "where_am_i").value
    assert os.path.realpath(cwd) != os.path.realpath(os.getcwd())
    assert listing == [f"{MODULE}.py"]


# --------------------------------------------------------------------------- environment

def test_environment_is_scrubbed(fresh_worker, monkeypatch):
    monkeypatch.setenv("GRADER_KEY", "secret")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_0123456789")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("MPLBACKEND", "TkAgg")
    w = fresh_worker()
    env = call(w, "environment").value
    assert isinstance(env, dict)
    for name in ("GRADER_KEY", "GITHUB_TOKEN", "HTTPS_PROXY", "https_proxy"):
        assert name not in env
    assert "secret" not in env.values()
    assert env["MPLBACKEND"] == "Agg"
    assert os.path.realpath(env["HOME"]) != os.path.realpath(os.path.expanduser("~"))


# --------------------------------------------------------------------------- timeouts and crashes

def test_infinite_loop_times_out_once(fresh_worker):
    w = fresh_worker()
    call(w, "affine_forward", np.ones((1, 1)), np.ones((1, 1)), np.ones(1))  # started
    start = time.monotonic()
    with pytest.raises(StudentTimeout) as info:
        call(w, "sigmoid_loop", np.zeros(3))
    elapsed = time.monotonic() - start
    # the limit counts the call's own time (grader.stopwatch): on a busy machine it
    # takes longer on the wall clock, never less
    assert CALL_TIMEOUT - 0.05 <= elapsed < CALL_TIMEOUT * WALL_FACTOR
    assert CALL_TIMEOUT <= w.seconds_used < CALL_TIMEOUT + 1.0
    assert not info.value.earlier
    assert "timed out after 1.5 s" in info.value.student_message
    assert "`sigmoid_loop`" in info.value.student_message

    start = time.monotonic()
    with pytest.raises(StudentTimeout) as info:
        call(w, "sigmoid_loop", np.zeros(3))
    assert time.monotonic() - start < 0.2
    assert info.value.earlier
    assert "earlier" in info.value.student_message

    generation = w.generation
    out, _ = call(w, "affine_forward", np.ones((1, 2)), np.ones((2, 1)), np.zeros(1)).value
    np.testing.assert_array_equal(out, [[2.0]])
    assert w.generation == generation + 1  # in a fresh worker


def test_child_processes_are_killed_with_the_worker(fresh_worker):
    w = fresh_worker()
    marker = f"helper-{os.getpid()}-{time.monotonic_ns()}"
    assert isinstance(call(w, "start_helper", marker).value, int)
    deadline = time.monotonic() + 10  # alive now, once its exec is done (its pid inside
    while not processes_with(marker):  # the worker's namespace differs from ours)
        assert time.monotonic() < deadline, "the student's child process never started"
        time.sleep(0.05)
    with pytest.raises(StudentTimeout):
        call(w, "spin")
    assert wait_until_gone(marker), "the student's child process survived the timeout"


def test_os_exit_is_a_crash_and_the_next_call_gets_a_fresh_process(fresh_worker):
    w = fresh_worker()
    with pytest.raises(WorkerCrashed) as info:
        call(w, "crash")
    assert "exit code 7" in info.value.student_message
    assert "about to crash" in info.value.output
    assert "`crash`" in info.value.student_message
    assert call(w, "dataset_size", call(w, "make_dataset", 5).value).value == 5
    assert w.generation == 2


def test_handle_from_before_a_restart_cannot_cross(fresh_worker):
    w = fresh_worker()
    ds = call(w, "make_dataset", 3).value
    assert call(w, "count_positive", ds).value == 2
    with pytest.raises(WorkerCrashed):
        call(w, "crash")
    with pytest.raises(ValueCannotCross) as info:
        call(w, "count_positive", ds)
    assert "restarted" in info.value.student_message
    fresh = call(w, "make_dataset", 3).value
    assert call(w, "count_positive", fresh).value == 2


def test_exception_with_a_broken_str_is_still_a_student_exception(fresh_worker):
    w = fresh_worker()
    assert call(w, "check_shape", np.zeros((2, 2))).value is True
    with pytest.raises(StudentException) as info:
        call(w, "check_shape", np.zeros(3))
    assert "ShapeError" in info.value.student_message
    assert "worker.py" not in info.value.output


def test_a_call_that_raises_still_names_its_parameters(fresh_worker):
    from grader.proxy import StudentProxy

    student = StudentProxy(fresh_worker())
    with pytest.raises(StudentException) as info:
        student.check_shape(np.zeros(3))
    assert info.value.params == ["x"]
    assert student.last_call.signature() == "check_shape(x=array([0.0, 0.0, 0.0]))"


# --------------------------------------------------------------------------- imports

SYNTAX_ERROR = '''\
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z)


def sigmoid_backward(dout, a):
    return dout * a * (1 - a)
'''

RAISES_AT_IMPORT = '''\
import numpy as np

# load the training data for my experiments
data = np.loadtxt("train_data.csv", delimiter=",")


def sigmoid(z):
    return 1 / (1 + np.exp(-z))
'''

EXITS_AT_IMPORT = '''\
import sys

import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


print(sigmoid(np.zeros(2)))
sys.exit()
'''


def assert_not_importable_every_time(w: Worker, *needles: str):
    messages = []
    for i in range(3):
        start = time.monotonic()
        with pytest.raises(SubmissionNotImportable) as info:
            call(w, "sigmoid", np.zeros(2))
        if i:
            assert time.monotonic() - start < 1.0
        messages.append(info.value.student_message)
    assert len(set(messages)) == 1
    msg = messages[0]
    assert "could not be imported" in msg
    for needle in needles:
        assert needle in msg, msg
    with pytest.raises(SubmissionNotImportable):
        call(w, "sigmoid_backward", np.zeros(2), np.zeros(2))
    assert w.generation == 1  # it was not re-imported for each call
    return msg


def test_syntax_error_makes_every_call_fail_fast(fresh_worker, tmp_path):
    w = fresh_worker(write(tmp_path / "hw3_syntax.py", SYNTAX_ERROR))
    msg = assert_not_importable_every_time(w, "SyntaxError", "line 5", "hw3_syntax.py")
    assert "worker.py" not in msg


def test_exception_at_import_makes_every_call_fail_fast(fresh_worker, tmp_path):
    w = fresh_worker(write(tmp_path / "hw3_import.py", RAISES_AT_IMPORT))
    msg = assert_not_importable_every_time(
        w, "FileNotFoundError", "train_data.csv",
        f"line {line_of(RAISES_AT_IMPORT, 'np.loadtxt')}", 'File "hw3_import.py"')
    assert "worker.py" not in msg and "importlib" not in msg


def test_sys_exit_at_top_level_is_not_importable(fresh_worker, tmp_path):
    w = fresh_worker(write(tmp_path / "hw3_exit.py", EXITS_AT_IMPORT))
    assert_not_importable_every_time(w, "exit()")
    with pytest.raises(SubmissionNotImportable) as info:
        call(w, "sigmoid", np.zeros(2))
    assert "[0.5 0.5]" in info.value.output  # what the top-level code printed


def test_top_level_prints_are_not_part_of_the_first_call(fresh_worker, tmp_path):
    source = SUBMISSION + '\nprint("loaded my submission")\n'
    w = fresh_worker(write(tmp_path / "hw3_chatty.py", source))
    reply = call(w, "init_params", 2, 2)
    assert "loaded my submission" not in reply.output


def test_assert_raises_accepts_the_exception_or_a_subclass_and_says_what_happened(fresh_worker):
    from grader.checks import assert_raises
    from grader.errors import GradingFailure
    from grader.proxy import StudentProxy

    student = StudentProxy(fresh_worker())
    exc = assert_raises(Exception, student.check_shape, np.zeros(3))  # ShapeError is one
    assert exc.exc_type == "ShapeError" and "Exception" in exc.exc_classes
    with pytest.raises(GradingFailure, match="should raise IndexError here, but it raised ShapeError"):
        assert_raises(IndexError, student.check_shape, np.zeros(3))
    with pytest.raises(GradingFailure, match="should raise ValueError here, but it returned the number True"):
        assert_raises("ValueError", student.check_shape, np.zeros((2, 2)))
    dataset = student.make_dataset(3)
    with pytest.raises(GradingFailure, match=r"make_dataset\(\)\.__len__|should raise"):
        assert_raises(IndexError, dataset.__len__)


def test_calls_of_a_handle_are_logged_and_traced_like_function_calls(fresh_worker):
    from grader.proxy import StudentProxy

    student = StudentProxy(fresh_worker())
    dataset = student.make_dataset(3)
    row = dataset[1]
    assert len(dataset) == 3
    labels = [c.function for c in student.calls]
    assert labels == ["make_dataset", "make_dataset.__getitem__", "make_dataset.__len__"]
    origin = student.origin(row)
    assert origin is student.calls[1] and origin.signature() == "make_dataset.__getitem__(i=1)"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_the_grader_process_is_not_dumpable(fresh_worker):
    """A worker running as the grader's user cannot read the grader's memory or
    environment through /proc or ptrace."""
    import ctypes

    fresh_worker()
    assert ctypes.CDLL(None).prctl(3, 0, 0, 0, 0) == 0  # PR_GET_DUMPABLE


READS_DATA = '''\
def read(path):
    with open(path) as f:
        return f.read()


def write_into(path):
    with open(path, "w") as f:
        f.write("changed")
'''


def test_data_under_tmp_is_readable_and_read_only(tmp_path):
    """The assignment's data keeps its path in the worker's view, also when the course
    lives under /tmp (a fresh clone in CI), where the worker has a /tmp of its own."""
    data = tmp_path / "course" / "assignments" / "hwX" / "data"
    data.mkdir(parents=True)
    (data / "points.csv").write_text("x,y\n1,2\n")
    path = write(tmp_path / "reader.py", READS_DATA)
    w = Worker(path, "reader", limits=LIMITS, data_dirs=(data,), hidden=(tmp_path / "course",))
    try:
        assert call(w, "read", str(data / "points.csv")).value == "x,y\n1,2\n"
        if w.isolation == "namespaces":
            with pytest.raises(StudentException, match="Read-only file system|Permission denied"):
                call(w, "write_into", str(data / "points.csv"))
    finally:
        w.close()


def _broken_view(monkeypatch):
    """Make the worker's view impossible to build, as in a container that refuses
    the mounts although unshare works."""
    if isolation()[0] != "namespaces":
        pytest.skip("this machine's workers have no namespaces to fail")
    real_spec = Worker._spec

    def spec(self, cpu_left):
        made = real_spec(self, cpu_left)
        if made["view"]:
            made["view"]["root"] = "/nonexistent/view"
        return made

    monkeypatch.setattr(Worker, "_spec", spec)


@pytest.fixture
def probes(monkeypatch):
    """``probes(namespaces=reason, process=reason)``: what the start-up probes of
    ``isolation()`` find ('' = it worked), without running them."""
    def set_(namespaces: str, process: str):
        monkeypatch.setattr(grader.isolation, "_probe", lambda namespaces_: namespaces if namespaces_ else process)
        isolation.cache_clear()

    yield set_
    monkeypatch.undo()
    isolation.cache_clear()


def test_auto_chooses_process_isolation_at_start_up_when_namespaces_fail(probes, monkeypatch):
    monkeypatch.setenv("GRADER_ISOLATION", "auto")
    probes(namespaces="mount proc on /proc: Operation not permitted", process="")
    assert isolation() == ("process", "mount proc on /proc: Operation not permitted")


def test_no_isolation_at_all_is_refused_rather_than_run_as_root(probes, monkeypatch):
    monkeypatch.setenv("GRADER_ISOLATION", "auto")
    probes(namespaces="no unshare", process="uid 2000000001 cannot read /root/.pyenv")
    with pytest.raises(ConfigurationError, match="cannot be run safely here.*cannot read"):
        isolation()
    monkeypatch.setenv("GRADER_ISOLATION", "process")
    isolation.cache_clear()
    with pytest.raises(ConfigurationError, match="cannot read /root/.pyenv"):
        isolation()


def test_namespaces_required_refuses_to_grade_without_them(probes, monkeypatch):
    monkeypatch.setenv("GRADER_ISOLATION", "namespaces")
    probes(namespaces="unshare: Operation not permitted", process="")
    with pytest.raises(ConfigurationError, match="GRADER_ISOLATION=namespaces, but unshare"):
        isolation()


def test_the_probe_confines_an_empty_submission_for_real(monkeypatch):
    if isolation()[0] != "namespaces":
        pytest.skip("this machine's workers have no namespaces to probe")
    assert grader.isolation._probe(True) == ""
    monkeypatch.setattr(grader.isolation, "unshare_command", lambda: ["false", "--"])
    assert "could not be set up here" in grader.isolation._probe(True)



@pytest.fixture
def fresh_isolation(monkeypatch):
    """``isolation()`` undecided, and the probes made from now on, recorded: a list of
    (namespaces?, its answer)."""
    made = []
    real = grader.isolation._Probe

    class Recorded(real):
        def result(self):
            answer = super().result()
            made.append((self.namespaces, answer))
            return answer

    monkeypatch.setattr(grader.isolation, "_Probe", Recorded)
    isolation.cache_clear()
    yield made
    grader.isolation._collect_early()
    monkeypatch.undo()
    isolation.cache_clear()


def test_a_probe_started_in_the_background_is_the_one_isolation_decides_by(fresh_isolation,
                                                                             monkeypatch):
    monkeypatch.setenv("GRADER_ISOLATION", "namespaces")
    monkeypatch.setattr(grader.isolation, "unshare_command", lambda: ["false", "--"])
    grader.isolation.probe_in_background()
    early = grader.isolation._early
    assert early is not None and early.namespaces
    folder = getattr(early, "root", None)
    grader.isolation.probe_in_background()  # a second call starts no second probe
    assert grader.isolation._early is early
    monkeypatch.setattr(grader.isolation, "unshare_command", lambda: ["unshare", "--"])
    # the answer is the background probe's (made with `false`: namespaces failed), not a new one
    with pytest.raises(ConfigurationError, match="GRADER_ISOLATION=namespaces, but"):
        isolation()
    assert [ns for ns, _ in fresh_isolation] == [True]
    assert grader.isolation._early is None
    assert folder is None or not folder.exists(), "the probe's folder was left behind"


def test_isolation_decided_starts_no_background_probe(fresh_isolation, monkeypatch):
    monkeypatch.setenv("GRADER_ISOLATION", "auto")
    monkeypatch.setattr(grader.isolation, "_probe", lambda namespaces: "")
    assert isolation() == ("namespaces", "")
    grader.isolation.probe_in_background()
    assert grader.isolation._early is None


def test_no_background_probe_where_namespaces_are_turned_off(fresh_isolation, monkeypatch):
    monkeypatch.setenv("GRADER_ISOLATION", "process")
    grader.isolation.probe_in_background()
    assert grader.isolation._early is None and fresh_isolation == []

MARKS_ITS_IMPORT = """
import os
open(os.environ.get("MARKER", "/tmp/never"), "w").write("student code ran")

def mse_loss(y_pred, y):
    return 0.0
"""


@pytest.mark.parametrize("mode", ["auto", "namespaces"])
def test_a_worker_that_cannot_be_confined_is_the_graders_failure_never_unconfined(
        tmp_path, monkeypatch, mode):
    """Namespaces work (the start-up probe said so), but this worker's view cannot be
    built: the worker says so before any student code runs, is retried once, and the
    submission is not graded at all (GraderFault), never graded with less isolation."""
    _broken_view(monkeypatch)
    monkeypatch.setenv("GRADER_ISOLATION", mode)
    marker = tmp_path / "marker"
    monkeypatch.setenv("MARKER", str(marker))
    path = write(tmp_path / "marks.py", MARKS_ITS_IMPORT)
    w = Worker(path, "marks", limits=LIMITS, env_policy=EnvPolicy(pass_env=("MARKER",)))
    try:
        with pytest.raises(GraderFault, match="could not be confined.*2 times") as info:
            call(w, "mse_loss", np.array([1.0]), np.array([1.0]))
        assert "/nonexistent/view" in str(info.value)
        assert w.generation == sandbox.CONFINE_ATTEMPTS == 2
        with pytest.raises(GraderFault):
            call(w, "mse_loss", np.array([1.0]), np.array([1.0]))
        assert w.generation == 2, "no third worker"
        assert w.isolation == "namespaces"
        assert not marker.exists(), "the student's code ran"
    finally:
        w.close()


@pytest.mark.slow
def test_process_isolation_tests_run_where_python_is_readable():
    """The ``process_isolation`` tests, which this session skips as root where Python is
    private (conftest.py), run in a mount namespace where it is readable, as on a
    machine without namespaces whose Python lives in /usr or /opt."""
    if os.geteuid() != 0 or not python_hidden_from_other_users():
        pytest.skip("they run in this session directly")
    proc = subprocess.run(
        without_namespaces([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            "-m", "process_isolation", "tests/test_limits.py",
                            "tests/test_sandbox.py"]),
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert re.search(r"\b[3-9]\d* passed", proc.stdout) and "skipped" not in proc.stdout, proc.stdout[-2000:]


# ------------------------------------------------------------ the reply channel is data
FORGES = '''
import json, os, struct, sys, time
import numpy as np

def _fd():
    return int(sys.argv[sys.argv.index("--write-fd") + 1])

def _frame(header, buffers=b""):
    raw = json.dumps(header).encode()
    payload = struct.pack("<I", len(raw)) + raw + buffers
    return struct.pack("<Q", len(payload)) + payload

def _answer(items):
    return {"$": "dict", "items": [[k, v] for k, v in items.items()]}

def send(kind):
    node = {"$": "nd", "dtype": "<f8", "shape": [1 << 17], "b": [0, 1 << 20]}
    if kind == "alias":
        os.write(_fd(), _frame(_answer({"value": [node] * 100_000}), b"\\0" * (1 << 20)))
    elif kind == "announce":
        os.write(_fd(), struct.pack("<Q", 1 << 30))
    elif kind == "long string":
        os.write(_fd(), _frame(_answer({"value": "x" * 1_500_000})))
    elif kind == "deep":
        raw = ('{"$": "dict", "items": [["value", ' + "[" * 100_000 + "0" + "]" * 100_000
               + "]]}").encode()
        payload = struct.pack("<I", len(raw)) + raw
        os.write(_fd(), struct.pack("<Q", len(payload)) + payload)
    elif kind == "many values":
        os.write(_fd(), _frame(_answer({"value": [0] * 1_500_000})))
    elif kind == "huge message":
        os.write(_fd(), _frame(_answer({"error": {"$": "dict", "items": [
            ["kind", "exception"], ["type", "ValueError"], ["message", "m" * 900_000]]},
            "seq": _seq()})))
    elif kind == "ready again":
        os.write(_fd(), _frame(_answer({"op": "ready", "failure": "mount proc on /proc: denied"})))
    time.sleep(3)
    return 0.0

def big(megabytes):
    return np.ones(int(megabytes * 2**20) // 8)

def _seq():
    import gc
    return next(o.seq for o in gc.get_objects() if type(o).__name__ == "Server")

_kept = []

def keep(transform):
    _kept.append(transform)
    return len(_kept)

def use_kept(x):
    return _kept[-1](x)

def callback_not_given():
    os.write(_fd(), _frame(_answer({"op": "callback", "id": 999, "args": [], "seq": _seq(),
                                    "kwargs": {"$": "dict", "items": []}})))
    time.sleep(3)
'''


@pytest.fixture
def forger(tmp_path, new_worker):
    return new_worker(write(tmp_path / "forger.py", FORGES), "forger",
                      limits=Limits(call_seconds=10, import_seconds=30, reply_mb=12))


@pytest.mark.parametrize("kind, message", [
    ("alias", "array buffers out of order or used twice"),
    ("announce", "its answer was refused: it is 1.07 GB, over the limit of 12 MiB"),
    ("long string", "a string longer than 1,000,000 characters"),
    ("deep", "malformed frame header"),
    ("many values", "more than 1,000,000 values"),
    ("ready again", "not an answer to the request it was sent"),
])
def test_a_forged_answer_is_refused_before_it_costs_memory(forger, kind, message):
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.monotonic()
    with pytest.raises(ValueCannotCross, match=re.escape(message)):
        call(forger, "send", kind)
    assert time.monotonic() - start < 2.5, "it waited instead of refusing at once"
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 150, f"the grader grew by {grown_mb:.0f} MB"
    assert forger.isolation == isolation()[0] and forger.fault is None
    assert call(forger, "big", 0.001).value.shape == (131,), "the next call gets a fresh worker"


def test_an_error_message_is_cut_whatever_the_worker_sends(forger):
    with pytest.raises(StudentException) as info:
        call(forger, "send", "huge message")
    assert len(info.value.message) == sandbox.MAX_MESSAGE_CHARS


def test_an_answer_over_the_limit_is_refused_before_it_is_encoded(forger):
    """An honest worker does not even encode it: the student learns its size."""
    start = time.monotonic()
    with pytest.raises(ValueCannotCross, match=r"its answer is 16.8 MB, over the limit of 12 MiB"):
        call(forger, "big", 16)
    assert time.monotonic() - start < 5
    assert call(forger, "big", 1).value.nbytes == 1 << 20, "and an answer under it crosses"


def test_a_callback_never_passed_to_the_worker_is_refused(forger):
    with pytest.raises(ValueCannotCross, match="called a function that was not passed to it"):
        call(forger, "callback_not_given")


def test_the_cpu_count_a_worker_reports_never_goes_down(worker):
    worker._cpu_now = 5.0
    call(worker, "mse_loss", np.array([1.0]), np.array([1.0]))  # reports far less than 5 s
    assert worker._cpu_now == 5.0


def test_changed_arguments_are_found_by_the_grader(worker):
    """The worker sends the arguments back as the call left them; the grader compares
    them with what it sent.  A dict changed in place (bn_param) comes back as data."""
    x = np.array([1.0, -2.0, 3.0])
    bn_param = {"running_mean": np.zeros(2), "momentum": 0.9}
    reply = call(worker, "update_running_mean", np.ones((4, 2)), bn_param)
    assert [(k, name) for k, name, _ in reply.changed] == [(1, "bn_param")]
    np.testing.assert_allclose(reply.changed[0][2]["running_mean"], [0.1, 0.1])
    np.testing.assert_array_equal(bn_param["running_mean"], [0.0, 0.0])  # the grader's copy
    assert [name for _, name, _ in call(worker, "normalize", x).changed] == ["x"]
    np.testing.assert_array_equal(x, [1.0, -2.0, 3.0])
    assert call(worker, "mse_loss", x, x).changed == []


def test_a_function_passed_earlier_can_be_called_back_later(forger):
    """A Dataset keeps the transform it was given and calls it on each item, in later
    requests: the worker may call back what was passed to this process before."""
    assert call(forger, "keep", lambda v: v * 2).value == 1
    assert call(forger, "use_kept", 21).value == 42
    forger.kill()  # a new process: nothing was passed to it
    with pytest.raises(StudentException, match="list index out of range"):
        call(forger, "use_kept", 21)


# --------------------------------------------------------------------------- start early

def test_a_worker_started_early_answers_the_first_call_as_one_started_then(fresh_worker):
    worker = fresh_worker()
    worker.start_early()
    assert worker._early is not None and worker._early.is_alive() or worker.process is not None
    reply = call(worker, "affine_forward", np.ones((1, 2)), np.ones((2, 1)), np.zeros(1))
    np.testing.assert_allclose(reply.value[0], [[2.0]])
    assert not worker._early_pending and worker.generation == 1  # started once, by the thread
    assert worker._early.is_alive(), "it ends only when its worker is gone (PR_SET_PDEATHSIG)"
    worker.close()
    assert worker._early is None


def test_what_an_early_start_raises_is_raised_by_the_first_call(tmp_path, fresh_worker):
    broken = write(tmp_path / "broken.py", "import numpy\nraise ValueError('at import')\n")
    worker = fresh_worker(broken, "broken")
    worker.start_early()
    for _ in range(2):  # and by every later one, as when it was started by the first
        with pytest.raises(SubmissionNotImportable, match="at import"):
            call(worker, "affine_forward", 1, 2, 3)


def test_an_early_start_cut_short_by_the_grader_is_started_again(fresh_worker, monkeypatch):
    worker = fresh_worker()
    real = sandbox.codec.dumps
    failures = []

    def dumps_fails_once(*args, **kwargs):
        if not failures:
            failures.append(1)
            raise AttributeError("a grader bug while encoding the import request")
        return real(*args, **kwargs)

    monkeypatch.setattr(sandbox.codec, "dumps", dumps_fails_once)
    worker.start_early()
    with pytest.raises(AttributeError, match="grader bug"):
        call(worker, "affine_forward", 1, 2, 3)
    reply = call(worker, "affine_forward", np.ones((1, 2)), np.ones((2, 1)), np.zeros(1))
    np.testing.assert_allclose(reply.value[0], [[2.0]])  # imported, not a worker without it


def test_closing_a_worker_started_early_and_never_called_leaves_no_process(fresh_worker):
    worker = fresh_worker()
    worker.start_early()
    worker.close()
    assert worker._early is None and not worker._running()
