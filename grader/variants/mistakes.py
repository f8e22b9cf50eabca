"""Known mistakes as submissions: the reference with one function replaced by a
misconception's variant (``grader.hints``).

A misconception is ``variant(reference, *args, **kwargs)``, written against the
reference module.  Its submission is the reference's source followed by the
misconceptions file, executed in a namespace of its own (its helpers cannot shadow the
reference's), and a new definition of the function that calls the variant with the
submission module itself as ``reference`` (with the reference's own function under
the replaced name).  Where the misconception gives one item of
the result (``output=0``) or an argument changed in place (``output="bn_param"``), the
reference computes the rest, so that only what the mistake is about is wrong; where
the variant raises (its mistake does not show on those arguments), the reference's
value is returned.  The worker cannot import the grader, so the submission carries what
a misconceptions file imports from it (``misconception``, ``grader.checks``).
"""

from __future__ import annotations

import ast
from pathlib import Path

from grader.hints import Misconception
from grader.variants import Variant

__all__ = ["mistake_variants", "mistake_source"]

_TEMPLATE = '''

# ---- the known mistake {id!r} of {function!r} (grader.variants.mistakes) ----
import copy as _mistake_copy
import functools as _mistake_functools
import inspect as _mistake_inspect
import types as _mistake_types
_mistake_namespace = {{"__name__": "_known_mistakes",
                       "_grader_shim": {{"grader.hints": {{"misconception": lambda *a, **k: (lambda f: f)}},
                                        "grader.i18n": {{"_": lambda m: m, "language": lambda: "en",
                                                        "ngettext": lambda s, p, n: s if n == 1 else p,
                                                        "bilingual": lambda en, zh: en}}}}}}
_mistake_checks = {{"__name__": "_grader_checks",  # grader.checks, for variants that compare
                   "_grader_shim": _mistake_namespace["_grader_shim"]}}
exec(compile({errors!r}, "grader/errors.py", "exec"), _mistake_checks)
exec(compile({checks!r}, "grader/checks.py", "exec"), _mistake_checks)
_mistake_namespace["_grader_shim"]["grader.checks"] = _mistake_checks
exec(compile({code!r}, "misconceptions.py", "exec"), _mistake_namespace)
_mistake_reference_function = {function}


@_mistake_functools.wraps(_mistake_reference_function)  # its signature: parameter names in reports
def {function}(*args, **kwargs):
    # the variant's `reference`: this module as the reference is, this function included
    _module = _mistake_types.SimpleNamespace(**{{**globals(), {function!r}: _mistake_reference_function}})
    _variant = _mistake_namespace[{variant!r}]
    _output = {output!r}
    try:  # a variant raises where its mistake does not show: the reference's value there
        _wrong = _variant(_module, *_mistake_copy.deepcopy(args), **_mistake_copy.deepcopy(kwargs))
    except Exception:
        return _mistake_reference_function(*args, **kwargs)
    if _output is None:
        return _wrong
    _bound = _mistake_inspect.signature(_mistake_reference_function).bind(*args, **kwargs)
    _result = _mistake_reference_function(*args, **kwargs)
    if isinstance(_output, int):
        _result = list(_result)
        _result[_output] = _wrong
        return tuple(_result)
    _target = _bound.arguments[_output]
    if isinstance(_target, dict):
        _target.clear()
        _target.update(_wrong)
    else:
        _target[...] = _wrong
    return _result
'''


def mistake_source(reference_source: str, misconceptions_source: str, mistake: Misconception) -> str:
    """The submission in which ``mistake.function`` is the misconception's variant.

    Raises:
        ValueError: ``mistake.function`` is a method (only top-level functions can be
            replaced this way).
    """
    if "." in mistake.function:
        raise ValueError(f"{mistake.id}: a known mistake of a method cannot be submitted")
    package = Path(__file__).resolve().parent.parent
    checks = _without_grader_imports((package / "checks.py").read_text(encoding="utf-8"))
    return reference_source.rstrip("\n") + "\n" + _TEMPLATE.format(
        id=mistake.id, function=mistake.function, variant=mistake.variant.__name__,
        output=mistake.output, code=_without_grader_imports(misconceptions_source),
        errors=_without_grader_imports((package / "errors.py").read_text(encoding="utf-8")),
        checks=checks)


def _without_grader_imports(source: str) -> str:
    """``source`` with each ``from grader.X import a, b`` made ``a = _grader_shim["grader.X"]["a"]``
    (the worker cannot import the grader; the submission brings what the variants use:
    a no-op ``misconception``, a copy of ``grader.checks`` and English in place of
    ``grader.i18n``).  ``from grader.errors`` imports are dropped: the copy of
    ``grader.checks`` runs where they are defined."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    for node in reversed(tree.body):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "grader":
            if node.module == "grader.errors":
                new = "\n"
            else:
                new = "".join(f"{a.asname or a.name} = _grader_shim[{node.module!r}][{a.name!r}]; "
                              for a in node.names) + "\n"
            lines[node.lineno - 1:node.end_lineno] = [new]
    return "".join(lines)


def mistake_variants(reference_file: Path, misconceptions_file: Path,
                     mistakes: list[Misconception]) -> list[Variant]:
    """One variant per known mistake (``grader.hints.load_misconceptions``)."""
    reference = reference_file.read_text(encoding="utf-8")
    declared = misconceptions_file.read_text(encoding="utf-8")
    return [Variant("mistake", m.function, f"{m.function}: {m.id}", m.hint,
                    mistake_source(reference, declared, m)) for m in mistakes]
