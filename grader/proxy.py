"""The ``student`` fixture's object: the submission, as a test sees it.

``student.affine_forward(x, W, b)`` looks like a call of the student's function, but
runs in the worker process (``grader.sandbox.Worker``) and returns plain data (or
handles).  Every call is logged for the current test, so that a failure report can
say which function was called with which input shapes, what it printed, and which
arguments it changed in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from grader.codec import imported_torch
from grader.i18n import _
from grader.sandbox import Handle, Reply, Worker

__all__ = ["StudentProxy", "StudentFunction", "Call", "describe_value", "count_numbers"]


#: Most numbers an argument may hold for its values to be shown (else its shape is).
SHOWN_NUMBERS = 20
#: Most numbers shown in one call's description, all arguments together.
SHOWN_PER_CALL = 40


def count_numbers(value: Any, depth: int = 0) -> int | None:
    """How many numbers ``value`` holds (an array's size, a nested list's numbers), or
    None when it holds something else (a handle, a string, a function)."""
    torch = imported_torch()
    if isinstance(value, (bool, int, float, np.number, np.bool_)):
        return 1
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return int(value.size)
    if torch is not None and isinstance(value, torch.Tensor):
        return int(value.numel())
    if depth < 4 and isinstance(value, (list, tuple, dict)):
        counts = [count_numbers(v, depth + 1) for v in (value.values() if isinstance(value, dict) else value)]
        return None if any(c is None for c in counts) else sum(counts)
    return None


def _number(x: Any) -> str:
    """A number as people read it: ``0.737101``, ``3``, ``True``, ``nan``."""
    if isinstance(x, (bool, np.bool_)):
        return repr(bool(x))
    if isinstance(x, (int, np.integer)):
        return repr(int(x))
    text = f"{float(x):.6g}"
    return text if any(c in text for c in ".ein") else text + ".0"


def _nested(values: Any) -> str:
    """Numbers, arrays, tensors and lists of them written as nested lists of numbers
    (each by ``_number``)."""
    if isinstance(values, np.ndarray) or hasattr(values, "tolist") and not isinstance(values, np.generic):
        values = values.tolist()
    if isinstance(values, (list, tuple)):
        return "[" + ", ".join(_nested(v) for v in values) + "]"
    return _number(values)


def describe_value(value: Any, numbers: bool = True) -> str:
    """A short description of an argument for reports: its values where it holds up
    to ``SHOWN_NUMBERS`` numbers (``array([0.5, -1.25])``, ``[1.0, 2.0]``, ``-1.3``),
    else its type and shape (``float64 (4, 5)``, ``list of 30``).

    Args:
        value: an argument or result (plain data, or a handle to a worker object).
        numbers: whether values may be shown (False: shapes only, numbers excepted).
    """
    torch = imported_torch()
    count = count_numbers(value)
    show = numbers and count is not None and count <= SHOWN_NUMBERS
    if isinstance(value, np.ndarray):
        if show and value.size and value.dtype.kind in "biuf":
            kind = "" if value.dtype == np.float64 else f", dtype={value.dtype}"
            return f"array({_nested(value.tolist())}{kind})"
        return f"{value.dtype} {value.shape}"
    if torch is not None and isinstance(value, torch.Tensor):
        dtype = str(value.dtype).removeprefix("torch.")
        if show and value.numel():
            kind = "" if dtype == "float32" else f", dtype={dtype}"
            return f"tensor({_nested(value.detach().cpu())}{kind})"
        return f"tensor {dtype} {tuple(value.shape)}"
    if isinstance(value, Handle):
        return f"<{value.type_name.rsplit('.', 1)[-1]} object>"
    if isinstance(value, dict):
        return "dict {" + ", ".join(f"{k}: {describe_value(v, numbers)}"
                                    for k, v in list(value.items())[:8]) + "}"
    if isinstance(value, (list, tuple)):
        if show and value:
            text = _nested(value)
            return f"({text[1:-1]}{',' if len(value) == 1 else ''})" if isinstance(value, tuple) else text
        return _("{type} of {length}").format(type=type(value).__name__, length=len(value))
    if isinstance(value, (bool, int, float, np.number, np.bool_)):
        return _number(value)
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else repr(value[:37]) + "..."
    if value is None:
        return "None"
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
        params: the names of the function's positional parameters.
        sources: the arguments that an earlier call of the same test gave (the cache
            of ``affine_backward(dout, cache)`` that ``affine_forward`` returned), by
            position (an int) or keyword: ``(that call, the path of the argument in
            its return value)``, the path a tuple of indices and keys (``(1,)``).
    """

    function: str
    args: tuple
    kwargs: dict
    reply: Reply | None = None
    error: Exception | None = None
    params: list = field(default_factory=list)
    sources: dict = field(default_factory=dict)

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
        """``affine_backward(dout=float64 (4, 3), cache=affine_forward(...)[1])``: each
        argument's type and shape, or its values where they are few
        (``gradient(x=array([1.0, 2.0]), y=array([2.5, 3.0]), w=-1.3)``: at most
        ``SHOWN_NUMBERS`` per argument and ``SHOWN_PER_CALL`` in all, in the order of
        the arguments), or, for what an earlier call gave, that call."""
        names = self.params
        labelled = [(names[i] if i < len(names) else "", a, i) for i, a in enumerate(self.args)]
        labelled += [(k, v, k) for k, v in self.kwargs.items()]
        budget, parts = SHOWN_PER_CALL, []
        for label, value, key in labelled:
            if key in self.sources:  # what an earlier call gave: say which
                earlier, path = self.sources[key]
                text = f"{earlier.function}(...)" + "".join(f"[{k!r}]" for k in path)
                parts.append(f"{label}={text}" if label else text)
                continue
            count = count_numbers(value)
            numbers = count is not None and count <= min(SHOWN_NUMBERS, budget)
            if numbers:
                budget -= count
            text = describe_value(value, numbers)
            parts.append(f"{label}={text}" if label else text)
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


def _path_in(value: Any, container: Any, depth: int = 2) -> tuple | None:
    """The path (indices and keys) at which ``value`` itself is found in ``container``
    (``()`` for the container itself, ``(1,)`` for its item 1), by identity, down to
    ``depth`` levels of tuples, lists and dicts; None where it is not."""
    if value is container:
        return ()
    if depth > 0 and isinstance(container, (tuple, list, dict)):
        items = container.items() if isinstance(container, dict) else enumerate(container)
        for key, item in items:
            found = _path_in(value, item, depth - 1)
            if found is not None:
                return (key, *found)
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
        """Log one call of the student's code (the worker's ``on_call``), with the
        arguments that earlier calls of this test gave (``Call.sources``)."""
        record = Call(label, tuple(args), dict(kwargs), reply, error)
        record.params = reply.params if reply is not None else getattr(error, "params", [])
        for key, value in [*enumerate(record.args), *record.kwargs.items()]:
            if value is None or isinstance(value, (bool, int, float, str)):
                continue  # small values are shared by identity without being given
            for earlier in reversed(self.calls):
                path = _path_in(value, earlier.value) if earlier.reply is not None else None
                if path is not None:
                    record.sources[key] = (earlier, path)
                    break
        self.calls.append(record)

    def replay(self, name: str, args: tuple, kwargs: dict) -> Any:
        """Call the submission's function ``name`` once more, for feedback
        (``grader.diagnosis``: the same call on other inputs), without logging it and
        without it counting in the run's outcome.

        Raises:
            the ``grader.errors.StudentCodeError`` subclasses, as ``call`` does.
        """
        observer, self._worker.on_call = self._worker.on_call, None
        try:
            return self._worker.call(name, None, args, kwargs, label=name).value
        finally:
            self._worker.on_call = observer

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
