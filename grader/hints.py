"""Hints for known mistakes ("misconceptions"): feedback that names the mistake made.

An instructor declares, beside the reference (``reference/hwN/misconceptions.py``),
known wrong variants of the reference's functions, each with the hint a student should
read when their output matches it::

    from grader.hints import misconception

    @misconception("gradient",
                   hint="your gradient equals the last sample's only: did you write "
                        "`grad = ...` where `grad += ...` was needed?",
                   hint_zh="你的梯度只等于最后一个样本的梯度：是否把 `grad += ...` 写成了 "
                           "`grad = ...`？",
                   seen=["github.com/someone/PyTorch_Learning: lecture3_gd.py"])
    def gradient_overwritten(reference, x, y, w):
        ...  # the wrong computation, on the arguments the student's function got

A variant is called as ``variant(reference, *args, **kwargs)``: the reference module
first (so a variant can reuse the reference's other functions), then the very arguments
of the student's call.  When a test fails on a value that a call of the student's
``gradient`` returned, the grader runs every variant declared for ``gradient`` on that
call's arguments, here in the grader's process (variants are the instructor's code, and
the arguments are plain data that came back from the worker), and names each mistake
whose output the student's matches within ``grader.checks``' default tolerances
(``grader.diagnosis`` does this, and confirms the match on the test's other calls and
on a second input).

An argument that an earlier call of the student's gave (the cache of a forward pass)
reaches a variant as the reference's own value for it (``grader.diagnosis.replay``):
a backward variant reads the reference's cache, whatever the student's cache holds.

A variant that raises (its mistake does not show on these arguments) is simply no
match.  Variants get deep copies of the arguments.

Each mistake carries its hint in English and in Simplified Chinese (``hint_zh``,
written with the handouts' terms: 反向传播, 梯度下降, 正则化, 过拟合, 交叉熵), shown in the
run's language (``grader.i18n.language``), and where the mistake was seen in public
student code (``seen``: repository and path, or an address).
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from grader.assignment import import_file
from grader.checks import is_close
from grader.errors import ConfigurationError
from grader.variants.calls import FAILED, has_handle, pick, run

__all__ = ["Misconception", "misconception", "load_misconceptions", "diagnose", "defined_names",
           "variant_output", "observed"]

_ATTRIBUTE = "__misconception__"


@dataclass(frozen=True)
class Misconception:
    """A known wrong variant of one function of the reference.

    Attributes:
        id: a short name for the mistake (the variant's function name), used in the
            results document (``extra_data.hints`` of a test) and in gradebooks.
        function: the name of the assignment's function the mistake is made in.
        hint: what the student reads when their output matches the variant's.
        variant: ``variant(reference, *args, **kwargs)``, the wrong computation.
        output: which part of the call's outcome the variant gives: None for the whole
            return value; an int for that item of a returned tuple (``0`` for the
            ``out`` of ``(out, cache)``: a variant cannot rebuild a student's cache); a
            str for the argument of that name as the call left it (``"bn_param"``,
            which a batch-norm forward pass updates in place).
        hint_zh: the hint in Simplified Chinese ("" where none is written yet).
        seen: where the mistake was seen in public student code: "owner/repository:
            path" or an address, one per place.
    """

    id: str
    function: str
    hint: str
    variant: Callable[..., Any]
    output: int | str | None = None
    hint_zh: str = ""
    seen: tuple[str, ...] = ()

    def text(self) -> str:
        """The hint in this run's language (``grader.i18n.language``): ``hint_zh`` for
        Chinese where it is written, else ``hint``."""
        from grader.i18n import language

        return self.hint_zh if language() == "zh" and self.hint_zh else self.hint


def misconception(function: str, *, hint: str, id: str | None = None,
                  output: int | str | None = None, hint_zh: str = "",
                  seen: "list[str] | tuple[str, ...]" = ()) -> Callable[[Callable], Callable]:
    """Declare the decorated function as a known wrong variant of ``function``.

    Args:
        function: the name of the assignment's function (``"gradient"``).
        hint: the feedback for a student whose output matches the variant's; say what
            the mistake is and what to do instead.
        id: the mistake's short name; default the variant's function name.  One
            mistake seen in several functions (the bias gradient not summed, in
            ``affine_backward`` and in ``mlp_loss``) keeps one id.
        output: what the variant returns (see ``Misconception.output``): the whole
            return value (None), one item of a returned tuple (an int), or the value of
            the argument of that name after the call (a str).
        hint_zh: the hint in Simplified Chinese, with the handouts' terms.
        seen: where the mistake was seen in public student code ("owner/repository:
            path", or an address), one entry per place.

    Returns:
        A decorator that leaves the function as it is and marks it for
        ``load_misconceptions``.

    Raises:
        ValueError: if ``function`` or ``hint`` is empty.
    """
    if not function or not hint.strip():
        raise ValueError("a misconception needs the function's name and a hint")

    def mark(variant: Callable) -> Callable:
        setattr(variant, _ATTRIBUTE,
                Misconception(id or variant.__name__, function, hint.strip(), variant, output,
                              hint_zh.strip(), tuple(seen)))
        return variant

    return mark


def load_misconceptions(path: Path, reference: Path | None = None) -> list[Misconception]:
    """The misconceptions declared in the Python file ``path``, in the file's order.

    Args:
        path: the misconceptions file (``reference/hwN/misconceptions.py``).
        reference: the reference solution; when given, every misconception must name
            one of its top-level functions or classes (a misspelled target would
            never be tried, and nobody would notice).

    Returns an empty list when ``path`` does not exist.

    Raises:
        ConfigurationError: if the file cannot be imported, two declarations for one
            function share an id, or one names a function the reference lacks.
    """
    if not path.is_file():
        return []
    name = f"_misconceptions_{zlib.crc32(str(path.resolve()).encode()):08x}"
    try:
        module = import_file(path, name)
    except Exception as exc:
        raise ConfigurationError(f"{path} could not be imported: {type(exc).__name__}: {exc}") from exc
    found = [getattr(v, _ATTRIBUTE) for v in vars(module).values()
             if isinstance(getattr(v, _ATTRIBUTE, None), Misconception)]
    keys = [(m.function, m.id) for m in found]
    duplicated = sorted({f"{f}: {i}" for f, i in keys if keys.count((f, i)) > 1})
    if duplicated:
        raise ConfigurationError(f"{path}: misconception ids declared twice: {', '.join(duplicated)}")
    if reference is not None:
        defined = defined_names(reference)
        unknown = [f"{m.id} -> {m.function!r}" for m in found if m.function not in defined]
        if unknown:
            raise ConfigurationError(
                f"{path}: misconception(s) for a function that {reference.name} does not define: "
                f"{', '.join(unknown)} (it defines {', '.join(sorted(defined)) or 'nothing'}); "
                "check the spelling of the function's name")
    return found


def defined_names(path: Path) -> set[str]:
    """The names of the functions and classes that the Python file ``path`` defines at
    top level (read, not imported); empty when it cannot be read or parsed."""
    import ast

    try:
        tree = ast.parse(Path(path).read_bytes())
    except (OSError, SyntaxError, ValueError):
        return set()
    return {node.name for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def diagnose(misconceptions: list[Misconception], reference: ModuleType, function: str,
             args: tuple, kwargs: dict, actual: Any,
             arguments_after: dict[str, Any] | None = None,
             about: str = "", focus: tuple = ()) -> list[Misconception]:
    """The misconceptions of ``function`` whose output on ``args``/``kwargs`` matches
    what the student's call gave.

    Args:
        misconceptions: the declared ones (``load_misconceptions``).
        reference: the reference module, passed to each variant.
        function: the name of the student's function that was called.
        args, kwargs: the arguments of that call (copied before each variant runs).
        actual: what the student's call returned (plain data).
        arguments_after: the call's arguments by parameter name, as the call left them
            (for misconceptions whose ``output`` names an argument).
        about: what the failed check was about: ``""`` for the call's return value
            (misconceptions of the whole result or of one item of it are tried), or
            the name of an argument the call changed in place (only misconceptions
            whose ``output`` is that name are tried).
        focus: for a variant of the whole return value, the items of the returned
            tuple the failed check was about (``(0, 1)`` for w and b of ``(w, b,
            losses)``): only those are compared (the others may differ for reasons the
            mistake is not about: a clipped loss in a diverging run).

    Returns:
        The matching misconceptions, in declaration order: the values match within
        the default tolerances, whatever the dtypes (an int count matches a float
        one).  A variant that raises is no match.  Only call this for a call whose
        outcome failed a check: a variant may agree with the reference on some inputs
        (a missing 1/N when N = 1).  Objects living in the worker (handles) are never
        handed to a variant or compared: a variant must not run student code.
    """
    if has_handle((args, kwargs)):
        return []
    found = []
    for m in misconceptions:
        if m.function != function or not _concerns(m.output, about):
            continue
        target = observed(m, actual, arguments_after or {})
        if target is FAILED or has_handle(target):
            continue
        wrong = variant_output(m, reference, args, kwargs)
        if m.output is None and focus:
            target, wrong = pick(target, focus), pick(wrong, focus)
        if wrong is not FAILED and target is not FAILED and is_close(target, wrong, check_dtype=False):
            found.append(m)
    return found


def variant_output(m: Misconception, reference: ModuleType, args: tuple, kwargs: dict) -> Any:
    """What the misconception's variant gives on these arguments (copies; quietly, under
    a time limit); ``grader.variants.calls.FAILED`` where it raises (its mistake does not
    show there) or an argument is a handle."""
    if has_handle((args, kwargs)):
        return FAILED
    return run(functools.partial(m.variant, reference), args, kwargs)


def _concerns(output: int | str | None, about: str) -> bool:
    """Whether a misconception's ``output`` is about what a failed check was about."""
    return output == about if about else not isinstance(output, str)


def observed(m: Misconception, actual: Any, arguments_after: dict[str, Any]) -> Any:
    """The part of a call's outcome that the misconception's variant gives (``output``):
    the return value, one item of it, or an argument as the call left it;
    ``grader.variants.calls.FAILED`` where the outcome has no such part."""
    output = m.output
    if output is None:
        return actual
    if isinstance(output, str):
        return arguments_after.get(output, FAILED)
    if isinstance(actual, (tuple, list)) and -len(actual) <= output < len(actual):
        return actual[output]
    return FAILED
