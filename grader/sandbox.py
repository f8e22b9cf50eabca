"""The grader's side of the worker process: start it, send it requests, enforce the
per-call time limit, and turn every way it can fail into an exception from
``grader.errors``.

What is enforced now (issue "Untrusted submissions" hardens this further): the worker
is a separate process in its own session (so a timeout kills it and every process it
started), it runs in a fresh temporary directory holding only a copy of the
submission, with a scrubbed environment (no secrets, no proxies, a headless
matplotlib backend) and with stdin closed; its stdout and stderr go to a capture file
that is read back in bounded pieces.  Nothing it sends is unpickled (``grader.codec``).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from grader import codec
from grader.channel import Channel, ChannelClosed, ChannelTimeout
from grader.errors import (
    MissingFunction,
    StudentCodeError,
    NotImplementedYet,
    StudentException,
    StudentExit,
    StudentTimeout,
    SubmissionNotImportable,
    ValueCannotCross,
    WorkerCrashed,
)

__all__ = ["Worker", "Handle", "Reply", "OUTPUT_LIMIT"]

#: Most characters of the student's output kept per call (the rest is cut).
OUTPUT_LIMIT = 4000

#: After this many worker restarts in one run, no more are made.
MAX_RESTARTS = 25

# Environment variables the worker inherits; everything else is dropped (secrets such
# as GRADER_KEY or GITHUB_TOKEN, proxy settings, PYTHON* variables).
_KEEP_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "SYSTEMROOT", "CUDA_VISIBLE_DEVICES",
             "CUDA_HOME", "LD_LIBRARY_PATH", "NVIDIA_VISIBLE_DEVICES")


class Handle:
    """An object that lives in the worker (a student's cache object, Dataset, Module).

    Attribute access fetches the attribute from the worker: plain data comes back as
    data, anything else as another ``Handle``.  A handle can be called, passed back as
    an argument to the student's functions, measured with ``len()``, indexed and
    iterated; each of these runs in the worker under the time limit.

    ``type_name`` is the object's class as "module.QualName".
    """

    __slots__ = ("_worker", "_generation", "handle_id", "type_name", "_label")

    def __init__(self, worker: "Worker", generation: int, handle_id: int, type_name: str, label: str):
        object.__setattr__(self, "_worker", worker)
        object.__setattr__(self, "_generation", generation)
        object.__setattr__(self, "handle_id", handle_id)
        object.__setattr__(self, "type_name", type_name)
        object.__setattr__(self, "_label", label)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return self._worker.getattr(self, name, label=f"{self._label}.{name}").value

    def __setattr__(self, name, value):
        raise AttributeError("a student object cannot be modified from the grader")

    def __call__(self, *args, **kwargs):
        return self._worker.call(self, None, args, kwargs, label=self._label).value

    def method(self, name: str, *args, **kwargs):
        """Call ``obj.name(*args, **kwargs)`` in the worker; returns the reply's value."""
        return self._worker.call(self, name, args, kwargs, label=f"{self._label}.{name}").value

    def __len__(self) -> int:
        return self.method("__len__")

    def __getitem__(self, key):
        return self.method("__getitem__", key)

    def __iter__(self):
        return iter(self._worker.list(self, label=f"list({self._label})"))

    def __eq__(self, other):  # identity of the remote object, never its own __eq__
        return isinstance(other, Handle) and other.handle_id == self.handle_id \
            and other._generation == self._generation and other._worker is self._worker

    def __hash__(self):
        return hash((id(self._worker), self._generation, self.handle_id))

    def __repr__(self) -> str:
        return f"<student object {self.type_name} #{self.handle_id}>"


@dataclass
class Reply:
    """One answered request.

    Attributes:
        value: what the call returned (decoded; handles for non-data objects).
        changed: ``[(position or keyword, parameter name, value after the call)]`` for
            the arguments the call modified in place.
        output: what the student's code printed during the call (cut to
            ``OUTPUT_LIMIT`` characters).
        seconds: wall-clock time of the call, callbacks included.
        params: the names of the positional parameters the call filled, as the
            student's function names them.
        warnings: the warnings the call raised, as "Category: message".
    """

    value: Any = None
    changed: list = field(default_factory=list)
    output: str = ""
    seconds: float = 0.0
    params: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


class Worker:
    """One worker process for one submission, started on first use and restarted
    after a timeout or a crash.

    Args:
        submission: path of the student's file.
        module_name: the module name it is imported under (e.g. ``"backprop"``).
        call_timeout: wall-clock seconds allowed per call.
        import_timeout: wall-clock seconds allowed for importing the submission (its
            top-level code included).
    """

    def __init__(self, submission: Path, module_name: str, call_timeout: float = 10.0,
                 import_timeout: float = 60.0):
        self.submission = Path(submission)
        self.module_name = module_name
        self.call_timeout = call_timeout
        self.import_timeout = import_timeout
        self.display_name = self.submission.name
        self.process: subprocess.Popen | None = None
        self.channel: Channel | None = None
        self.generation = 0
        self.restarts = 0
        self.import_error: SubmissionNotImportable | None = None
        self.timed_out: dict[str, float] = {}
        self.callbacks: dict[int, Callable] = {}
        #: called after every call of the student's code (functions and handle
        #: methods alike) as on_call(label, args, kwargs, reply or None, error or None);
        #: the ``student`` proxy logs them for failure reports
        self.on_call: Callable[[str, tuple, dict, "Reply | None", Exception | None], None] | None = None
        self.root = Path(tempfile.mkdtemp(prefix="grader-"))
        self.capture_path = self.root / "output.txt"
        self.capture_pos = 0
        self._lib = self._grader_path()

    # ------------------------------------------------------------------ lifecycle
    def _grader_path(self) -> Path:
        """A directory that exposes only the ``grader`` package, for the worker's path."""
        lib = self.root / "lib"
        lib.mkdir()
        package = Path(__file__).resolve().parent
        try:
            (lib / "grader").symlink_to(package, target_is_directory=True)
        except OSError:  # no symlinks (some Windows setups): copy the package
            shutil.copytree(package, lib / "grader", ignore=shutil.ignore_patterns("__pycache__"))
        return lib

    def _environment(self, home: Path) -> dict[str, str]:
        env = {k: os.environ[k] for k in _KEEP_ENV if k in os.environ}
        env.update({
            "HOME": str(home), "TMPDIR": str(home), "PYTHONPATH": str(self._lib),
            "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": str(home / ".matplotlib"), "PYTHONIOENCODING": "utf-8",
        })
        return env

    def _start(self) -> None:
        if self.restarts >= MAX_RESTARTS:
            raise SubmissionNotImportable(
                f"the process running your code was restarted {MAX_RESTARTS} times after "
                "timeouts or crashes; the remaining tests were not run")
        self.generation += 1
        self.restarts += self.generation > 1
        work = self.root / f"run{self.generation}"
        work.mkdir()
        target = work / f"{self.module_name}.py"
        shutil.copyfile(self.submission, target)
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        capture = open(self.capture_path, "ab")  # noqa: SIM115
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-u", "-s", "-P", "-m", "grader.worker",
                 "--submission", str(target), "--module", self.module_name,
                 "--display", self.display_name,
                 "--read-fd", str(to_worker_r), "--write-fd", str(from_worker_w)],
                cwd=work, env=self._environment(work), stdin=subprocess.DEVNULL,
                stdout=capture, stderr=subprocess.STDOUT, pass_fds=(to_worker_r, from_worker_w),
                start_new_session=True, close_fds=True,
            )
        finally:
            capture.close()
            os.close(to_worker_r)
            os.close(from_worker_w)
        self.channel = Channel(from_worker_r, to_worker_w)
        try:
            reply = self._request({"op": "import"}, self.import_timeout, label=None)
        except StudentTimeout as exc:
            raise self._not_importable(
                f"importing it took longer than {self.import_timeout:g} s (the time limit for "
                "top-level code). Move demo code under `if __name__ == \"__main__\":`.",
                exc.output) from None
        except WorkerCrashed as exc:
            raise self._not_importable(f"the process importing it died ({exc.how})", exc.output) from None
        except StudentExit as exc:
            raise self._not_importable(
                f"it calls exit() / sys.exit({exc.code}) at top level.\n{exc.traceback}",
                exc.output) from None
        except StudentException as exc:
            reason = exc.message if exc.exc_type.endswith("Error") and "\n" in exc.message \
                else f"{exc.exc_type}: {exc.message}"
            if exc.traceback:
                reason += "\n" + exc.traceback
            raise self._not_importable(reason, exc.output) from None
        del reply

    def _not_importable(self, reason: str, output: str) -> SubmissionNotImportable:
        self.kill()
        self.import_error = SubmissionNotImportable(reason, output)
        return self.import_error

    def ensure_started(self) -> None:
        """Start (or restart) the worker and import the submission.

        Raises:
            SubmissionNotImportable: the import failed now or earlier in this run.
        """
        if self.import_error is not None:  # a fresh exception: re-raising one grows its traceback
            raise SubmissionNotImportable(self.import_error.reason, self.import_error.output)
        if self.process is None or self.process.poll() is not None:
            self._start()

    def kill(self) -> None:
        """Kill the worker and every process in its session."""
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError, AttributeError):
                self.process.kill()
            self.process.wait()
        if self.channel is not None:
            self.channel.close()
        self.process = None
        self.channel = None

    def close(self) -> None:
        """Kill the worker and remove its temporary directory."""
        self.kill()
        shutil.rmtree(self.root, ignore_errors=True)

    # ------------------------------------------------------------------ codec hooks
    def _fallback(self, obj: Any) -> dict:
        if isinstance(obj, Handle):
            if obj._worker is not self or obj._generation != self.generation:
                raise codec.CodecError(
                    "an object from an earlier run of your code was passed back, but that "
                    "process was restarted after a timeout or crash")
            return codec.handle_node(obj.handle_id, obj)
        if callable(obj):
            cid = len(self.callbacks) + 1
            self.callbacks[cid] = obj
            return codec.callback_node(cid)
        raise codec.CodecError(f"a {type(obj).__name__} cannot be passed to student code")

    def _resolve(self, node: dict, label: str) -> Any:
        if node["$"] == "callback":
            raise codec.CodecError("the worker sent a callback node")
        return Handle(self, self.generation, node["id"], str(node.get("type", "?")), label)

    def _read_output(self) -> str:
        try:
            with open(self.capture_path, "rb") as f:
                f.seek(self.capture_pos)
                data = f.read(OUTPUT_LIMIT + 1)
                self.capture_pos = f.seek(0, os.SEEK_END)
        except OSError:
            return ""
        text = data.decode("utf-8", "replace")
        if len(text) > OUTPUT_LIMIT:
            text = text[:OUTPUT_LIMIT] + "\n... (output cut)"
        return text

    # ------------------------------------------------------------------ requests
    def _request(self, msg: dict, timeout: float, label: str | None) -> Reply:
        start = time.monotonic()
        deadline = start + timeout
        try:
            self.channel.send(codec.dumps(msg, fallback=self._fallback))
        except codec.CodecError as exc:
            raise ValueCannotCross(label, f"an argument cannot be sent: {exc}") from None
        except ChannelClosed:
            return self._crashed(label)
        while True:
            try:
                frame = self.channel.recv(deadline)
            except ChannelTimeout:
                self.kill()
                if label:
                    self.timed_out[label] = timeout
                raise StudentTimeout(label, timeout, output=self._read_output()) from None
            except ChannelClosed:
                return self._crashed(label)
            try:
                answer = codec.loads(frame, resolve=lambda n: self._resolve(n, label or "?"))
            except codec.CodecError as exc:
                self.kill()
                raise ValueCannotCross(label, f"its answer was malformed: {exc}") from None
            if isinstance(answer, dict) and answer.get("op") == "callback":
                self._serve_callback(answer)
                continue
            output = self._read_output()
            if not isinstance(answer, dict):
                raise ValueCannotCross(label, "its answer was malformed")
            if "error" in answer:
                self._raise(answer["error"], label, output)
            changed = [tuple(c) for c in answer.get("changed", [])]
            return Reply(answer.get("value"), changed, output, time.monotonic() - start,
                         list(answer.get("params", [])), list(answer.get("warnings", [])))

    def _serve_callback(self, msg: dict) -> None:
        func = self.callbacks.get(msg.get("id"))
        try:
            value = func(*msg.get("args", []), **msg.get("kwargs", {}))
            payload = codec.dumps({"op": "callback_result", "value": value}, fallback=self._fallback)
        except Exception as exc:  # noqa: BLE001 - reported to the worker as the callback's error
            payload = codec.dumps({"op": "callback_result", "error": f"{type(exc).__name__}: {exc}"})
        self.channel.send(payload)

    def _crashed(self, label: str | None):
        code = self.process.wait(timeout=10) if self.process else None
        output = self._read_output()
        self.kill()
        if code is not None and code < 0:
            try:
                how = f"killed by signal {signal.Signals(-code).name}"
            except ValueError:
                how = f"killed by signal {-code}"
        else:
            how = f"exit code {code}"
        raise WorkerCrashed(label, how, output)

    @staticmethod
    def _raise(error: dict, label: str | None, output: str):
        kind, etype = error.get("kind"), str(error.get("type", "Exception"))
        message, tb = str(error.get("message", "")), str(error.get("traceback", ""))
        if kind == "missing":
            exc = MissingFunction(label or message, output=output)
        elif kind == "not_implemented":
            exc = NotImplementedYet(label, etype, message, tb, output)
        elif kind == "exit":
            exc = StudentExit(label, message, tb, output)
        elif kind == "codec":
            exc = ValueCannotCross(label, message, output)
        else:
            exc = StudentException(label, etype, message, tb, output)
        params = error.get("params")
        exc.params = [str(p) for p in params] if isinstance(params, list) else []
        if isinstance(exc, StudentException):
            classes = error.get("classes")
            exc.exc_classes = [str(c) for c in classes] if isinstance(classes, list) else [etype]
        raise exc

    def call(self, target: "str | Handle", method: str | None, args, kwargs, label: str) -> Reply:
        """Call the submission's function ``target`` (or a handle, or a handle's
        ``method``) with ``args`` and ``kwargs``, in the worker.

        Raises:
            SubmissionNotImportable, MissingFunction, NotImplementedYet,
            StudentException, StudentExit, StudentTimeout, WorkerCrashed,
            ValueCannotCross: see ``grader.errors``.
        """
        try:
            if label in self.timed_out:
                raise StudentTimeout(label, self.timed_out[label], earlier=True)
            self.ensure_started()
            msg = {"op": "call", "target": target, "method": method, "args": list(args),
                   "kwargs": dict(kwargs)}
            reply = self._request(msg, self.call_timeout, label)
        except StudentCodeError as exc:
            if self.on_call is not None:
                self.on_call(label, args, kwargs, None, exc)
            raise
        if self.on_call is not None:
            self.on_call(label, args, kwargs, reply, None)
        return reply

    def getattr(self, target: "str | Handle", name: str, label: str) -> Reply:
        """Read attribute ``name`` of a handle (or of the submission module)."""
        self.ensure_started()
        return self._request({"op": "getattr", "target": target, "name": name},
                             self.call_timeout, label)

    def list(self, target: Handle, label: str) -> list:
        """``list(obj)`` of a handle's object, run in the worker."""
        self.ensure_started()
        return self._request({"op": "list", "target": target}, self.call_timeout, label).value

    def defines(self, name: str) -> bool:
        """Whether the submission defines ``name`` at top level."""
        self.ensure_started()
        return bool(self._request({"op": "hasattr", "name": name}, self.call_timeout, name).value)
