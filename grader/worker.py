"""The worker: the only process where student code runs.

Started by ``grader.sandbox.Worker`` as ``python -u -s -P -m grader.worker ...`` in a
fresh temporary directory that holds a copy of the submission.  It confines itself
(``--spec``, ``grader.confine``) and, before any student code can run, sends one
frame that says whether that worked:

``{"op": "ready", "failure": None | str, "uid": N}``
    the only frame the grader believes about the worker itself.  On a failure the
    worker exits without importing anything of the student's.

Then it answers requests read from a pipe, one frame at a time (see
``grader.channel`` and ``grader.codec``).  Every request carries a sequence number
``seq`` that its answer echoes:

``{"op": "import"}``
    import the submission; answer ``{"ok": True}`` or an error.
``{"op": "call", "target": NAME | handle, "method": str | None, "args": [...],
"kwargs": {...}, "report": [positions and keyword names]}``
    call ``module.NAME`` (or a handle's method); answer ``{"value": ..., "after":
    [[position or keyword, value after the call], ...], "params": [...],
    "warnings": [...]}``: ``after`` holds the arguments the grader named in
    ``report`` as the call left them (the grader compares them with what it sent, to
    find the ones changed in place).
``{"op": "getattr", "target": ..., "name": str}``
    an attribute's value (``{"value": ...}``).
``{"op": "list", "target": handle}``
    ``list(obj)``: the items of an iterable (a DataLoader's batches, say).

An error answer is ``{"error": {"kind": ..., "type": ..., "message": ...,
"traceback": ...}}``.  An answer larger than the ``reply_mb`` limit is not encoded:
its error says how large it was (kind ``too_large``).  Objects that are not plain data stay here and cross as handles;
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

    def __init__(self, channel: Channel, path: str, module_name: str, display_name: str,
                 max_reply: int | None = None):
        self.channel = channel
        self.path = path
        self.module_name = module_name
        self.display_name = display_name
        self.max_reply = max_reply
        self.module = None
        self.objects: dict[int, Any] = {}
        self.ids: dict[int, int] = {}  # id(obj) -> handle id
        self.next_id = 1
        self.seq = None  # the sequence number of the request being answered

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
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = func(*args, **kwargs)
        raised = [f"{w.category.__name__}: {w.message}" for w in caught[:20]]
        after = [[k, args[k] if isinstance(k, int) else kwargs[k]]
                 for k in msg.get("report", []) if (k in kwargs if isinstance(k, str)
                                                    else 0 <= k < len(args))]
        return {"value": value, "after": after, "params": names, "warnings": raised}

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
        answer["seq"] = self.seq
        try:
            frame = codec.dumps(answer, fallback=self.fallback, max_bytes=self.max_reply)
        except codec.FrameTooLarge as exc:
            frame = self.encode({"error": {"kind": "too_large", "type": "FrameTooLarge",
                                           "message": str(exc), "size": exc.size,
                                           "traceback": ""}, "seq": self.seq})
        except codec.CodecError as exc:
            frame = self.encode({"error": {"kind": "codec", "type": "CodecError",
                                           "message": str(exc), "traceback": ""},
                                 "seq": self.seq})
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
        outer, self.seq = self.seq, msg.get("seq")
        try:
            self.reply(self.dispatch(msg))
        finally:
            self.seq = outer  # a request served while a callback waited: back to the call's
        return None

    def callback(self, callback_id: int, args: list, kwargs: dict) -> Any:
        self.channel.send(self.encode({"op": "callback", "id": callback_id, "args": args,
                                       "kwargs": kwargs, "seq": self.seq}))
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
    """Run the worker: confine this process as ``--spec`` says, tell the grader whether
    that worked (the ``ready`` frame, before any student code can run), then serve
    requests until the grader closes the pipe; exit 1 at once if the confinement
    failed.  ``confinement_failure``: a confinement step that already failed
    (``grader.zygote``'s unshare)."""
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
    spec = json.loads(args.spec)
    if confinement_failure is None:
        path, failure = _confine(spec, os.path.abspath(args.submission), args.module)
    else:
        path, failure = os.path.abspath(args.submission), confinement_failure
    if failure is None and os.getpid() == 1:  # first of a PID namespace: fork the real worker
        confine.serve_as_init(close=(args.read_fd, args.write_fd, 0, 1, 2))
    channel.send(codec.dumps({"op": "ready", "failure": failure, "uid": os.getuid()}))
    if failure is not None:
        return 1
    _forget_grader_modules()
    server = Server(channel, path, args.module, args.display,
                    max_reply=int(spec["limits"]["reply_mb"]) << 20)
    server.serve()
    return 0


def _confine(spec: dict, path: str, module: str) -> tuple[str, str | None]:
    """Apply ``spec`` (``grader.confine.apply``) before any student code runs; returns the
    submission's path as the worker now sees it, and the reason the confinement failed
    (None when it holds)."""
    try:
        return str(confine.apply(spec, Path(path), module)), None
    except (confine.ConfinementError, OSError) as exc:
        return path, f"{type(exc).__name__}: {exc}"


def _forget_grader_modules() -> None:
    """Drop the ``grader`` modules from ``sys.modules``: this worker keeps its own
    references, so a submission that imports ``grader`` and patches it gets a copy of
    its own (or, in a namespace view, no ``grader`` at all) and changes nothing here."""
    for name in [n for n in sys.modules if n == "grader" or n.startswith("grader.")]:
        del sys.modules[name]


if __name__ == "__main__":
    sys.exit(main())
