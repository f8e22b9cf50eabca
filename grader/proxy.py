"""The ``student`` fixture's object: the submission, as a test sees it.

``student.affine_forward(x, W, b)`` looks like a call of the student's function, but
runs in the worker process (``grader.sandbox.Worker``) and returns plain data (or
handles).  Every call is logged for the current test, so that a failure report can
say which function was called with which input shapes, what it printed, and which
arguments it changed in place.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from grader.i18n import _
from grader.sandbox import Handle, Reply, Worker

__all__ = ["StudentProxy", "StudentFunction", "Call", "describe_value"]


def describe_value(value: Any) -> str:
    """A short description of an argument for reports: ``float64 (4, 5)``, ``list of 3``."""
    torch = sys.modules.get("torch")
    if isinstance(value, np.ndarray):
        return f"{value.dtype} {value.shape}"
    if torch is not None and isinstance(value, torch.Tensor):
        return f"tensor {str(value.dtype).removeprefix('torch.')} {tuple(value.shape)}"
    if isinstance(value, Handle):
        return f"<{value.type_name.rsplit('.', 1)[-1]} object>"
    if isinstance(value, dict):
        return "dict {" + ", ".join(f"{k}: {describe_value(v)}" for k, v in list(value.items())[:8]) + "}"
    if isinstance(value, (list, tuple)):
        return _("{type} of {length}").format(type=type(value).__name__, length=len(value))
    if isinstance(value, (bool, int, float, np.number)):
        return f"{value!r}"[:20]
    if isinstance(value, str):
        return repr(value[:20])
    if callable(value):
        return _("a function")
    return type(value).__name__


@dataclass
class Call:
    """One call of the student's code in the current test.

    Attributes:
        function: what was called (``"affine_backward"``, ``"ds.__getitem__"``).
        args: the positional arguments as sent; kwargs likewise.
        reply: the worker's ``Reply`` (value, changed arguments, output), or None when
            the call failed.
        error: the ``StudentCodeError`` the call raised, if any.
    """

    function: str
    args: tuple
    kwargs: dict
    reply: Reply | None = None
    error: Exception | None = None
    params: list = field(default_factory=list)

    @property
    def value(self) -> Any:
        return self.reply.value if self.reply else None

    @property
    def changed(self) -> list:
        """(position, parameter name, value after) of each argument changed in place."""
        return self.reply.changed if self.reply else []

    def arguments_after(self) -> dict[str, Any]:
        """The call's arguments by parameter name (or keyword), as the call left them:
        the value after the call for those it modified in place, else as sent."""
        names = self.params
        after = {names[i]: a for i, a in enumerate(self.args) if i < len(names)}
        after.update(self.kwargs)
        after.update({param: value for _position, param, value in self.changed})
        return after

    def changed_argument(self, name: str) -> Any:
        """The value after the call of the argument named ``name`` (its parameter name,
        or the keyword it was passed by) if the call modified it in place, else None.

        For example, after ``student.batchnorm_forward(x, gamma, beta, bn_param)`` in
        train mode, ``student.last_call.changed_argument("bn_param")`` is the student's
        dict with its updated ``running_mean`` and ``running_var``.
        """
        for _position, param, value in self.changed:
            if param == name:
                return value
        return None

    @property
    def output(self) -> str:
        if self.reply is not None:
            return self.reply.output
        return getattr(self.error, "output", "") or ""

    def signature(self) -> str:
        """``affine_backward(dout=float64 (4, 3), cache=tuple of 3)``."""
        names = self.params
        parts = []
        for i, a in enumerate(self.args):
            label = names[i] if i < len(names) else ""
            parts.append(f"{label}={describe_value(a)}" if label else describe_value(a))
        parts += [f"{k}={describe_value(v)}" for k, v in self.kwargs.items()]
        return f"{self.function}({', '.join(parts)})"

    def produced(self, value: Any) -> bool:
        """Whether ``value`` is (part of) what this call gave (see ``source``)."""
        return self.source(value) is not None

    def source(self, value: Any) -> str | None:
        """Where ``value`` came from in this call, by identity: ``""`` for the return
        value (the result, an item of it or of its items, ``grads['W1']`` of ``(loss,
        grads)``, or a list/tuple/dict made of such items); the parameter name for an
        argument the call modified in place or an item of it
        (``bn_param['running_mean']``); None if the call did not give it."""
        if self.reply is None:
            return None
        if _made_of(value, _parts(self.reply.value, depth=2)):
            return ""
        for _position, param, after in self.changed:
            if _made_of(value, _parts(after, depth=1)):
                return str(param)
        return None


def _made_of(value: Any, parts: list) -> bool:
    """Whether ``value`` is one of ``parts``, or a non-empty container of them."""
    if any(p is value for p in parts):
        return True
    items = list(value.values()) if isinstance(value, dict) else value \
        if isinstance(value, (tuple, list)) else []
    return len(items) > 0 and all(any(v is p for p in parts) for v in items)


def _parts(value: Any, depth: int) -> list:
    """``value`` and its items down to ``depth`` levels of tuples, lists and dicts."""
    parts = [value]
    if depth > 0 and isinstance(value, (tuple, list, dict)):
        for item in (value.values() if isinstance(value, dict) else value):
            parts += _parts(item, depth - 1)
    return parts


class StudentFunction:
    """A function of the submission; calling it runs it in the worker."""

    def __init__(self, proxy: "StudentProxy", name: str):
        self._proxy = proxy
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        return self._proxy.call(self.__name__, *args, **kwargs)

    def __repr__(self) -> str:
        return f"<student function {self.__name__}>"


class StudentProxy:
    """The submission module, reached through the worker.

    ``student.NAME(*args, **kwargs)`` calls the submission's ``NAME`` in the worker and
    returns its result as plain data.  ``student.calls`` is the log of the current
    test's calls; ``student.last_call`` the latest (its ``changed`` lists arguments the
    call modified in place).

    Raises (from any call): the ``grader.errors.StudentCodeError`` subclasses.
    """

    def __init__(self, worker: Worker):
        self._worker = worker
        self.calls: list[Call] = []
        worker.on_call = self._record  # handle methods (ds[3], model(x)) are logged too

    def __getattr__(self, name: str) -> StudentFunction:
        if name.startswith("_"):
            raise AttributeError(name)
        return StudentFunction(self, name)

    def call(self, name: str, *args, **kwargs) -> Any:
        """Call the submission's function ``name``; returns what it returned."""
        return self._worker.call(name, None, args, kwargs, label=name).value

    def _record(self, label: str, args: tuple, kwargs: dict, reply: Reply | None,
                error: Exception | None) -> None:
        """Log one call of the student's code (the worker's ``on_call``)."""
        record = Call(label, tuple(args), dict(kwargs), reply, error)
        record.params = reply.params if reply is not None else getattr(error, "params", [])
        self.calls.append(record)

    @property
    def last_call(self) -> Call | None:
        return self.calls[-1] if self.calls else None

    def defines(self, name: str) -> bool:
        """Whether the submission defines ``name`` at top level."""
        return self._worker.defines(name)

    def origin(self, value: Any) -> Call | None:
        """The call of this test that returned ``value`` (by identity), or None."""
        for record in reversed(self.calls):
            if record.produced(value):
                return record
        return None

    def reset(self) -> None:
        """Forget the call log (at the start of each test)."""
        self.calls = []
