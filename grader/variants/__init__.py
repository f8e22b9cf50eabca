"""Variants of a reference solution: the one engine that makes them.

A variant is the reference's module source with one change: a function given a
trivial body (``trivial``: ``return None``, zeros shaped like its first array, its first
argument unchanged, a constant), a first-order mutant (``mutation``: an operator, a
comparison, a constant, an axis, a sum for a mean, a deleted statement), or a declared
known mistake (``mistakes``: a ``grader.hints`` misconception put in place of its
function).  Each carries a description a person can read ("`axis=0` -> `axis=1`").

Making variants is all this package does; grading them is the caller's business
(``grader.audit`` grades them with the batch machinery; feedback, ``grader.diagnosis``,
puts a mutant in place in a copy of the loaded reference with ``patch`` and calls it
on a failed call's arguments, in the grader's process).  A mutant carries its change
as data (``Change``), so that feedback can say it in a student's terms.
"""

from __future__ import annotations

import itertools
import sys
import types
from dataclasses import dataclass

__all__ = ["Change", "Variant", "load", "patch"]


@dataclass(frozen=True)
class Change:
    """What a first-order mutant changed, as data (``grader.diagnosis.wording`` says it
    in a student's terms, never by quoting the reference's code).

    Attributes:
        kind: ``"axis"`` (the axis of a reduction), ``"reduction"`` (one call swapped for
            its counterpart: sum/mean, max/min, zeros/ones), ``"operator"`` (an
            arithmetic operator, an augmented assignment's included), ``"sign"`` (a
            unary minus made plus), ``"comparison"``, ``"logic"`` (and/or, a ``not``
            dropped), ``"accumulate"`` (``+=`` made ``=``), ``"argument"`` (a call's
            keyword argument left out), ``"boolean"`` (True/False), ``"deleted"`` (a
            statement left out), ``"constant"`` (a number changed) or ``"other"``.
        old, new: the tokens before and after: ``"+"``/``"-"``, ``"sum"``/``"mean"``,
            ``"0"``/``"1"`` (an axis), the keyword left out (``"axis"``, with ``new``
            empty).
        target: what the changed statement computes: the name(s) it assigns
            (``"db"``), ``""`` for the value returned, or the name of the call of a
            statement that is only a call (``"zero_"``).
        call: for ``axis`` and ``argument``, the function called (``"sum"``).
    """

    kind: str
    old: str = ""
    new: str = ""
    target: str = ""
    call: str = ""


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
        change: a mutant's change as data (``Change``); None for other kinds.
        code: a mutant's changed unit alone: the ``def`` of the function, or the whole
            class for a method (what ``patch`` executes).
    """

    kind: str
    function: str
    id: str
    description: str
    source: str
    line: int | None = None
    change: Change | None = None
    code: str = ""


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


def patch(module: types.ModuleType, variant: Variant) -> types.SimpleNamespace:
    """A copy of the loaded ``module`` (the reference) in which the mutant's unit is the
    mutant's: its functions are rebound to a namespace of their own, so that every
    function of the copy that calls the changed one calls the mutant, and the module
    itself is left as it was.  Much faster than ``load`` (one ``def`` is compiled, not
    the whole module), for trying many mutants on a few calls.

    Args:
        module: the module the variant was made from, already loaded.
        variant: a mutant (``variant.code`` set).

    Returns:
        A namespace with the module's names (``copy.mlp_loss(...)``).

    Raises:
        ValueError: the variant has no ``code`` (not a mutant).
        Exception: whatever executing the changed ``def`` raises.
    """
    if not variant.code:
        raise ValueError(f"{variant.id}: only a mutant's unit can be patched in")
    original = vars(module)
    namespace: dict = dict(original)
    for name, value in original.items():
        if isinstance(value, types.FunctionType) and value.__globals__ is original:
            copy = types.FunctionType(value.__code__, namespace, value.__name__,
                                      value.__defaults__, value.__closure__)
            copy.__kwdefaults__ = value.__kwdefaults__
            copy.__dict__.update(value.__dict__)
            copy.__doc__, copy.__qualname__ = value.__doc__, value.__qualname__
            namespace[name] = copy
    exec(compile(variant.code, f"<{variant.id}>", "exec"), namespace)
    return types.SimpleNamespace(**namespace)
