"""The worker: the only process where student code runs.

Started by ``grader.sandbox.Worker`` as ``python -u -s -P -m grader.worker ...`` in a
fresh temporary directory that holds a copy of the submission.  It imports the
submission, then answers requests read from a pipe, one frame at a time (see
``grader.channel`` and ``grader.codec``):

``{"op": "import"}``
    import the submission; answer ``{"ok": True}`` or an error.
``{"op": "call", "target": NAME | handle, "method": str | None, "args": [...],
"kwargs": {...}}``
    call ``module.NAME`` (or a handle's method); answer ``{"value": ...,
    "changed": [[position, parameter name, value after the call], ...]}``.  Arguments
    the call modified in place are sent back in ``changed``.
``{"op": "getattr", "target": ..., "name": str}``
    an attribute's value (``{"value": ...}``).
``{"op": "list", "target": handle}``
    ``list(obj)``: the items of an iterable (a DataLoader's batches, say).

An error answer is ``{"error": {"kind": ..., "type": ..., "message": ...,
"traceback": ...}}``.  Objects that are not plain data stay here and cross as handles;
grader-side callables arrive as callbacks, which send ``{"op": "callback"}`` back and
wait for its answer (serving nested requests meanwhile).

The student's prints go to this process's stdout/stderr, a pipe that the grader reads
and cuts to a bounded size: they never reach the grader's stdout.  Before any student
code runs, the worker confines itself as ``--spec`` says (``grader.confine``).
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import os
import sys
import traceback
import warnings
from pathlib import Path
from typing import Any

from grader import codec, confine
from grader.channel import Channel, ChannelClosed


class RemoteCallback:
    """A grader-side callable, as the student's code sees it: calling it asks the
    grader to run it and waits for the answer."""

    def __init__(self, server: "Server", callback_id: int):
        self._server = server
        self.callback_id = callback_id

    def __call__(self, *args, **kwargs):
        return self._server.callback(self.callback_id, list(args), kwargs)

    def __repr__(self) -> str:
        return f"<grader function #{self.callback_id}>"


class CallbackError(RuntimeError):
    """The grader-side function raised (shown to the student as-is)."""


class Server:
    """Holds the submission module and the objects handed out as handles."""

    def __init__(self, channel: Channel, path: str, module_name: str, display_name: str):
        self.channel = channel
        self.path = path
        self.module_name = module_name
        self.display_name = display_name
        self.module = None
        self.objects: dict[int, Any] = {}
        self.ids: dict[int, int] = {}  # id(obj) -> handle id
        self.next_id = 1
        #: set when the confinement failed: every request is then answered with it
        self.sandbox_error: str | None = None

    # -- codec hooks
    def fallback(self, obj: Any) -> dict:
        if isinstance(obj, RemoteCallback):
            return codec.callback_node(obj.callback_id)
        hid = self.ids.get(id(obj))
        if hid is None or self.objects.get(hid) is not obj:
            hid = self.next_id
            self.next_id += 1
            self.objects[hid] = obj
            self.ids[id(obj)] = hid
        return codec.handle_node(hid, obj)

    def resolve(self, node: dict) -> Any:
        if node["$"] == "callback":
            return RemoteCallback(self, node["id"])
        try:
            return self.objects[node["id"]]
        except KeyError:
            raise codec.CodecError(f"unknown handle #{node['id']}") from None

    def encode(self, value: Any) -> bytes:
        return codec.dumps(value, fallback=self.fallback)

    # -- errors
    def student_traceback(self, exc: BaseException) -> str:
        """The frames of the submission only, with its own file name."""
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == self.path]
        lines = []
        for f in frames:
            lines.append(f'  File "{self.display_name}", line {f.lineno}, in {f.name}')
            if f.line:
                lines.append(f"    {f.line.strip()}")
        return "\n".join(lines)

    def error(self, exc: BaseException) -> dict:
        try:
            return self._error(exc)
        except Exception:  # noqa: BLE001 - e.g. a student exception whose __str__ raises
            return {"error": {"kind": "exception", "type": _safe(lambda: type(exc).__name__),
                              "message": "<the exception could not be printed>",
                              "traceback": _safe(lambda: self.student_traceback(exc))}}

    def _error(self, exc: BaseException) -> dict:
        if isinstance(exc, SystemExit):
            kind, message = "exit", _safe(lambda: repr(exc.code))
        elif isinstance(exc, NotImplementedError):
            kind, message = "not_implemented", _safe(lambda: str(exc))
        elif isinstance(exc, codec.CodecError):
            kind, message = "codec", str(exc)
        else:
            kind, message = "exception", _safe(lambda: str(exc))
        if isinstance(exc, SyntaxError) and exc.filename == self.path:
            exc.filename = self.display_name
            message = "".join(traceback.format_exception_only(type(exc), exc))
            tb = ""  # the message already shows the file, line and caret
        else:
            tb = self.student_traceback(exc)
        error = {"kind": kind, "type": type(exc).__name__, "message": message[:4000],
                 "traceback": tb[:8000], "classes": [c.__name__ for c in type(exc).__mro__][:16]}
        if isinstance(exc, OSError) and isinstance(exc.errno, int):
            error["errno"] = exc.errno  # lets the grader name a limit (EFBIG, EMFILE, ...)
        return {"error": error}

    # -- requests
    def do_import(self) -> dict:
        spec = importlib.util.spec_from_file_location(self.module_name, self.path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[self.module_name] = module
        spec.loader.exec_module(module)
        self.module = module
        return {"ok": True}

    def target(self, msg: dict) -> tuple[Any, str]:
        target = msg["target"]
        if isinstance(target, str):
            if not hasattr(self.module, target):
                return None, target
            obj = getattr(self.module, target)
        else:
            obj = target
        method = msg.get("method")
        if method:
            obj = getattr(obj, method)
        return obj, ""

    def do_call(self, msg: dict) -> dict:
        func, missing = self.target(msg)
        if missing:
            return {"error": {"kind": "missing", "type": "AttributeError", "message": missing,
                              "traceback": ""}}
        args, kwargs = list(msg.get("args", [])), dict(msg.get("kwargs", {}))
        names = self.call_params = _parameter_names(func, len(args))
        before_args = [self.encode(a) for a in args]
        before_kwargs = {k: self.encode(v) for k, v in kwargs.items()}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = func(*args, **kwargs)
        raised = [f"{w.category.__name__}: {w.message}" for w in caught[:20]]
        changed = [[i, names[i], a] for i, a in enumerate(args) if self.encode(a) != before_args[i]]
        changed += [[k, k, v] for k, v in kwargs.items() if self.encode(v) != before_kwargs[k]]
        return {"value": value, "changed": changed, "params": names, "warnings": raised}

    def do_getattr(self, msg: dict) -> dict:
        obj = msg["target"] if not isinstance(msg["target"], str) else self.module
        name = msg["name"]
        if not hasattr(obj, name):
            return {"error": {"kind": "missing", "type": "AttributeError", "message": name,
                              "traceback": ""}}
        return {"value": getattr(obj, name)}

    def dispatch(self, msg: dict) -> dict:
        op = msg.get("op")
        self.call_params = []
        if self.sandbox_error is not None:
            return {"error": {"kind": "sandbox", "type": "ConfinementError",
                              "message": self.sandbox_error, "traceback": ""}}
        try:
            if op == "import":
                return self.do_import()
            if op == "call":
                return self.do_call(msg)
            if op == "getattr":
                return self.do_getattr(msg)
            if op == "list":
                return {"value": list(msg["target"])}
            if op == "hasattr":
                return {"value": hasattr(self.module, msg["name"])}
            return {"error": {"kind": "protocol", "type": "ValueError",
                              "message": f"unknown op {op!r}", "traceback": ""}}
        except BaseException as exc:  # noqa: BLE001 - anything the student's code raises
            answer = self.error(exc)
            answer["error"]["params"] = list(self.call_params)  # for "Called as: f(x=...)"
            return answer
        finally:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except Exception:  # noqa: BLE001 - the student may have replaced it
                    pass

    def reply(self, answer: dict) -> None:
        times = os.times()  # CPU seconds so far, counted against the submission's budget
        answer["cpu"] = times.user + times.system + times.children_user + times.children_system
        try:
            frame = self.encode(answer)
        except codec.CodecError as exc:
            frame = self.encode({"error": {"kind": "codec", "type": "CodecError",
                                           "message": str(exc), "traceback": ""}})
        self.channel.send(frame)

    def serve_one(self, frame: bytes) -> dict | None:
        """Answer one request frame; return it instead if it is a callback's answer."""
        try:
            msg = codec.loads(frame, resolve=self.resolve)
        except codec.CodecError as exc:
            self.reply({"error": {"kind": "codec", "type": "CodecError", "message": str(exc),
                                  "traceback": ""}})
            return None
        if msg.get("op") == "callback_result":
            return msg
        self.reply(self.dispatch(msg))
        return None

    def callback(self, callback_id: int, args: list, kwargs: dict) -> Any:
        self.channel.send(self.encode({"op": "callback", "id": callback_id, "args": args,
                                       "kwargs": kwargs}))
        while True:
            answer = self.serve_one(self.channel.recv())
            if answer is not None:
                if "error" in answer:
                    raise CallbackError(answer["error"])
                return answer["value"]

    def serve(self) -> None:
        while True:
            try:
                frame = self.channel.recv()
            except ChannelClosed:
                return
            answer = self.serve_one(frame)
            if answer is not None:  # a callback answer with no callback waiting
                self.reply({"error": {"kind": "protocol", "type": "ValueError",
                                      "message": "unexpected callback answer", "traceback": ""}})


def _safe(text) -> str:
    """``text()``, or a placeholder if it raises (student objects may fail to print)."""
    try:
        return str(text())
    except Exception:  # noqa: BLE001
        return "<unprintable>"


def _parameter_names(func, count: int) -> list[str]:
    """Names of the first ``count`` positional parameters of ``func`` ("arg 3" where
    the signature cannot be read)."""
    names = []
    try:
        params = [p for p in inspect.signature(func).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        names = [p.name for p in params]
    except (TypeError, ValueError):
        pass
    return [names[i] if i < len(names) else f"argument {i + 1}" for i in range(count)]


def main(argv: list[str] | None = None, *, confinement_failure: str | None = None) -> int:
    """Run the worker: confine this process as ``--spec`` says, import nothing yet, and
    serve requests until the grader closes the pipe.  ``confinement_failure``: a
    confinement step that already failed (``grader.zygote``'s unshare), so that every
    request is answered with it instead of running student code."""
    parser = argparse.ArgumentParser(prog="grader.worker", description=__doc__)
    parser.add_argument("--submission", required=True)
    parser.add_argument("--module", required=True)
    parser.add_argument("--display", required=True)
    parser.add_argument("--read-fd", type=int, required=True)
    parser.add_argument("--write-fd", type=int, required=True)
    parser.add_argument("--spec", required=True, help="the confinement to apply (JSON)")
    args = parser.parse_args(argv)
    channel = Channel(args.read_fd, args.write_fd)
    # Make sure the student's code cannot read the grader's requests from stdin.
    sys.stdin = open(os.devnull)  # noqa: SIM115
    if confinement_failure is None:
        path, failure = _confine(json.loads(args.spec), os.path.abspath(args.submission),
                                 args.module)
    else:
        path, failure = os.path.abspath(args.submission), confinement_failure
    if os.getpid() == 1:  # the first process of a PID namespace: fork the real worker
        confine.serve_as_init(close=(args.read_fd, args.write_fd, 0, 1, 2))
    _forget_grader_modules()
    server = Server(channel, path, args.module, args.display)
    server.sandbox_error = failure
    server.serve()
    return 0


def _confine(spec: dict, path: str, module: str) -> tuple[str, str | None]:
    """Apply ``spec`` (see ``grader.sandbox.Worker._spec``) before any student code
    runs; returns the submission's path as the worker now sees it, and the reason
    the confinement failed (None when it holds)."""
    try:
        if spec.get("view"):
            path = str(confine.enter_view(spec["view"], Path(path), module))
            confine.drop_privileges(spec["view"].get("uid"))
        confine.restrict(spec["limits"], spec["cpu_left"], spec.get("separate_user", False))
    except (confine.ConfinementError, OSError) as exc:
        return path, f"{type(exc).__name__}: {exc}"
    return path, None


def _forget_grader_modules() -> None:
    """Drop the ``grader`` modules from ``sys.modules``: this worker keeps its own
    references, so a submission that imports ``grader`` and patches it gets a copy of
    its own (or, in a namespace view, no ``grader`` at all) and changes nothing here."""
    for name in [n for n in sys.modules if n == "grader" or n.startswith("grader.")]:
        del sys.modules[name]


if __name__ == "__main__":
    sys.exit(main())
