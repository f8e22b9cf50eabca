"""Variants of a reference solution: the one engine that makes them.

A variant is the reference's module source with one change: a function given a
trivial body (``trivial``: ``return None``, zeros shaped like its first array, its first
argument unchanged, a constant), a first-order mutant (``mutation``: an operator, a
comparison, a constant, an axis, a sum for a mean, a deleted statement), or a declared
known mistake (``mistakes``: a ``grader.hints`` misconception put in place of its
function).  Each carries a description a person can read ("`axis=0` -> `axis=1`").

Making variants is all this package does; grading them is the caller's business
(``grader.audit`` grades them with the batch machinery; feedback can ``load`` one in
the grader's process and call it on a failed call's arguments).
"""

from __future__ import annotations

import itertools
import sys
import types
from dataclasses import dataclass

__all__ = ["Variant", "load"]


@dataclass(frozen=True)
class Variant:
    """One variant of a reference module.

    Attributes:
        kind: ``"trivial"``, ``"mutant"`` or ``"mistake"``.
        function: the unit changed (``"gradient"``, ``"PimaDataset.__getitem__"``), or
            ``"*"`` for a variant in which every public function is trivial.
        id: unique among an assignment's variants, and stable while the reference's
            changed line stays as it is (a mutant's id is its function and its change,
            never a line number): ``"softmax: `axis=1` -> `axis=0`"``.
        description: what was changed, for people.
        source: the whole module's source, ready to be graded as a submission.
        line: the line of the change in the reference, when there is one.
    """

    kind: str
    function: str
    id: str
    description: str
    source: str
    line: int | None = None


_counter = itertools.count()


def load(variant: Variant | str, name: str | None = None) -> types.ModuleType:
    """Execute a variant's source (trusted: made from the reference) as a new module in
    this process, and return it; it is not kept in ``sys.modules`` afterwards.

    Args:
        variant: the variant, or a module source.
        name: the module's name (default: a fresh ``_variant_N``).

    Raises:
        Exception: whatever the source raises at import.
    """
    source = variant.source if isinstance(variant, Variant) else variant
    name = name or f"_variant_{next(_counter)}"
    module = types.ModuleType(name)
    module.__file__ = f"<{name}>"
    sys.modules[name] = module  # dataclasses and pickling look their module up
    try:
        exec(compile(source, module.__file__, "exec"), module.__dict__)
    finally:
        sys.modules.pop(name, None)
    return module
