"""Trivial bodies: what a submission that does nothing returns.

Each public function or method gets, in turn, a body that returns ``None``; zeros
shaped like its first array or tensor argument; its first argument unchanged; a
constant.  A suite must give such a function nothing (``grader.audit``).
"""

from __future__ import annotations

from grader.variants import Variant
from grader.variants.source import Unit, replace_body, units

__all__ = ["KINDS", "trivial_body", "trivial_variants", "all_trivial"]

#: The trivial bodies, by name, with what each does.
KINDS = {
    "none": "returns None",
    "zeros": "returns zeros shaped like its first array or tensor argument",
    "input": "returns its first argument unchanged",
    "constant": "returns a constant",
}

_ZEROS = """
import sys as _sys
import numpy as _np
_torch = _sys.modules.get("torch")
for _a in ({args}):
    if _torch is not None and isinstance(_a, _torch.Tensor):
        return _torch.zeros_like(_a)
    if isinstance(_a, _np.ndarray):
        return _np.zeros_like(_a)
    if isinstance(_a, (list, tuple)) and _a and all(isinstance(_v, (int, float)) for _v in _a):
        return _np.zeros(len(_a))
return 0.0
"""


def trivial_body(unit: Unit, kind: str) -> str | None:
    """The body of kind ``kind`` (``KINDS``) for ``unit``, or None where that kind does
    not apply (a constructor only returns None; a function without arguments has no
    first argument to return or to shape zeros like)."""
    plain = [p for p in unit.params if not p.startswith("*")]
    if unit.short == "__init__":
        return "return None" if kind == "none" else None
    if kind == "none":
        return "return None"
    if kind == "constant":
        return "return 0" if unit.short == "__len__" else "return 1.0"
    if not plain:
        return None
    if kind == "input":
        return f"return {plain[0]}"
    if kind == "zeros":
        return _ZEROS.format(args=", ".join(plain) + ",")
    raise ValueError(f"unknown trivial body {kind!r}; one of {', '.join(KINDS)}")


def trivial_variants(source: str, function: str | None = None) -> list[Variant]:
    """For each public unit of ``source`` (or only ``function``), one variant per kind
    of trivial body that applies to it."""
    found = []
    for unit in units(source):
        if not unit.public or (function is not None and unit.name != function):
            continue
        for kind, what in KINDS.items():
            body = trivial_body(unit, kind)
            if body is not None:
                found.append(Variant("trivial", unit.name, f"{unit.name}: {kind}",
                                     f"`{unit.name}` {what}", replace_body(source, unit.name, body),
                                     unit.line))
    return found


def all_trivial(source: str) -> list[Variant]:
    """One variant per kind of trivial body, each with every public unit given that
    body where it applies (``return None`` where it does not)."""
    found = []
    for kind, what in KINDS.items():
        text = source
        for unit in units(source):
            if unit.public:
                text = replace_body(text, unit.name, trivial_body(unit, kind) or "return None")
        found.append(Variant("trivial", "*", f"all: {kind}", f"every function {what}", text))
    return found
