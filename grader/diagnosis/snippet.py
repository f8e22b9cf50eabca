"""A failed call as Python a student can paste next to their file to see it fail:
literal inputs, the calls that made a cache first, and the expected value.

Inputs with few numbers are written exactly (``repr`` of a float reads back as the
same float).  Larger inputs are simplified first, and the simplified call is kept only
where the student's function still gives a wrong value on it: the first two rows, and
each number rounded to three significant digits (``simplified``).
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

import numpy as np

from grader.codec import imported_torch
from grader.i18n import _
from grader.proxy import Call, count_numbers, describe_value

__all__ = ["literal", "snippet", "chain", "EXACT_NUMBERS", "LONGEST_SNIPPET"]

#: Inputs (all the calls' arguments together) with at most this many numbers are
#: written as they are; larger ones are simplified first.
EXACT_NUMBERS = 24
#: Most numbers a snippet writes out: beyond, no snippet (the signature still gives
#: the shapes).
LONGEST_SNIPPET = 60
#: Widest line of the expected value's comment, in characters: the terminal report
#: shows a snippet 8 columns in, in 80 (``grader.report``), so none of it is wrapped.
COMMENT_WIDTH = 70


def _float(x: float) -> str:
    if math.isnan(x):
        return "np.nan"
    if math.isinf(x):
        return "np.inf" if x > 0 else "-np.inf"
    return repr(float(x))


def _items(values: Any) -> str:
    if isinstance(values, list):
        return "[" + ", ".join(_items(v) for v in values) + "]"
    if isinstance(values, bool):
        return repr(values)
    if isinstance(values, int):
        return repr(values)
    return _float(values)


def literal(value: Any, depth: int = 0) -> str | None:
    """Python source that rebuilds ``value`` exactly, with ``np`` for NumPy and
    ``torch`` for torch: arrays, tensors, numbers, strings, None, and lists, tuples and
    dicts of these; None for anything else (a function, a handle)."""
    torch = imported_torch()
    if depth > 6:
        return None
    if value is None or isinstance(value, (bool, str)):
        return repr(value)
    if isinstance(value, (np.bool_,)):
        return repr(bool(value))
    if isinstance(value, (int, np.integer)):
        return repr(int(value))
    if isinstance(value, (float, np.floating)):
        return _float(float(value))
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            return None
        dtype = "" if value.dtype in (np.float64, np.int64, np.bool_) and value.size else \
            f", dtype=np.{value.dtype}"
        if value.size == 0:
            return f"np.zeros({value.shape}{', dtype=np.' + str(value.dtype) if value.dtype != np.float64 else ''})"
        return f"np.array({_items(value.tolist())}{dtype})"
    if torch is not None and isinstance(value, torch.Tensor):
        dtype = str(value.dtype).removeprefix("torch.")
        if dtype not in ("float64", "float32", "int64", "bool"):
            return None
        return f"torch.tensor({_items(value.detach().cpu().tolist())}, dtype=torch.{dtype})"
    if isinstance(value, (list, tuple)):
        items = [literal(v, depth + 1) for v in value]
        if any(i is None for i in items):
            return None
        if isinstance(value, tuple):
            return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
        return "[" + ", ".join(items) + "]"
    if isinstance(value, dict):
        keys = [literal(k, depth + 1) for k in value]
        items = [literal(v, depth + 1) for v in value.values()]
        if any(i is None for i in keys + items):
            return None
        return "{" + ", ".join(f"{k}: {v}" for k, v in zip(keys, items)) + "}"
    return None


def chain(call: Call) -> list[Call]:
    """``call`` and the earlier calls whose results it was given (``Call.sources``),
    recursively, in the order they were made."""
    found: list[Call] = []

    def visit(record: Call) -> None:
        for earlier, _path in record.sources.values():
            if all(earlier is not f for f in found):
                visit(earlier)
        if all(record is not f for f in found):
            found.append(record)

    visit(call)
    return found


def _accessor(path: tuple) -> str:
    return "".join(f"[{k!r}]" for k in path)


def snippet(calls: list[tuple[Call, tuple, dict]], module: str, expected: Any = None,
            expected_name: str = "") -> str | None:
    """The Python that makes ``calls`` (each a logged call with the arguments to write
    for it; the last is the failed one) and prints the last one's result, with the
    expected value as a comment where it is short; None where an argument cannot be
    written as a literal or the snippet would write more than ``LONGEST_SNIPPET``
    numbers.

    Args:
        calls: ``(call, args, kwargs)`` in order; an argument that an earlier call gave
            (``call.sources``) is written as that call's result.
        module: the module the student's file is imported as (``backprop``).
        expected: the expected value of what the snippet prints (None: not shown).
        expected_name: what it is (``"db"``), for the comment.
    """
    total = sum(count_numbers(a) or 0 for _c, args, kwargs in calls for a in [*args, *kwargs.values()])
    if total > LONGEST_SNIPPET:
        return None
    names: set[str] = set()
    results: dict[int, str] = {}
    lines: list[str] = []
    uses_torch = False
    for index, (record, args, kwargs) in enumerate(calls):
        parts = []
        for key, value in [*enumerate(args), *kwargs.items()]:
            source = record.sources.get(key)
            if source is not None and id(source[0]) in results:
                text = results[id(source[0])] + _accessor(source[1])
            else:
                text = literal(value)
                if text is None:
                    return None
                uses_torch = uses_torch or "torch." in text
                if isinstance(key, int):
                    name = record.params[key] if key < len(record.params) else f"arg{key}"
                else:
                    name = key
                variable, n = name, 2
                while variable in names:
                    variable, n = f"{name}_{n}", n + 1
                names.add(variable)
                lines.append(f"{variable} = {text}")
                text = variable
            parts.append(text if isinstance(key, int) else f"{key}={text}")
        result = "result" if index == len(calls) - 1 else f"result_{index + 1}"
        lines.append(f"{result} = {record.function}({', '.join(parts)})")
        results[id(record)] = result
    lines.append("print(result)")
    if expected is not None and (count_numbers(expected) or 99) <= 20:
        label = _("expected {name}").format(name=expected_name) if expected_name else _("expected")
        # a comment line of its own per piece: a terminal that wraps a long comment
        # would turn its rest into code, and the pasted snippet would not run
        lines += textwrap.wrap(f"{label}: {describe_value(expected)}", COMMENT_WIDTH,
                               initial_indent="# ", subsequent_indent="#   ",
                               break_long_words=False, break_on_hyphens=False)
    functions = sorted({record.function for record, _a, _k in calls})
    head = ["import numpy as np"] + (["import torch"] if uses_torch else [])
    head.append(f"from {module} import {', '.join(functions)}")
    return "\n".join(head + lines)


def simplified(value: Any, rows: int | None, n: int | None, depth: int = 0) -> Any:
    """``value`` with its floating-point numbers rounded to three significant digits and,
    where ``rows`` is given, every array or list of length ``n`` cut to its first
    ``rows`` items."""
    torch = imported_torch()
    if depth > 6:
        return value
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        out = value[:rows] if rows is not None and value.ndim and len(value) == n else value
        if out.dtype.kind == "f":
            out = np.array([float(f"{v:.3g}") for v in out.ravel()], dtype=out.dtype).reshape(out.shape)
        return out.copy()
    if torch is not None and isinstance(value, torch.Tensor):
        array = simplified(value.detach().cpu().numpy(), rows, n, depth + 1)
        return torch.as_tensor(array, dtype=value.dtype)
    if isinstance(value, (float, np.floating)) and not isinstance(value, bool):
        return type(value)(float(f"{float(value):.3g}"))
    if isinstance(value, list):
        items = value[:rows] if rows is not None and len(value) == n else value
        return [simplified(v, rows, n, depth + 1) for v in items]
    if isinstance(value, tuple):
        return tuple(simplified(v, rows, n, depth + 1) for v in value)
    if isinstance(value, dict):
        return {k: simplified(v, rows, n, depth + 1) for k, v in value.items()}
    return value
