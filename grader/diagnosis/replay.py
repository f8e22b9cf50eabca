"""A failed call, made again: by the reference (and its variants) on the arguments the
student's function got, with the reference's own values in place of what the
student's earlier calls gave, and by the student's function on a second input.

The reference and its variants are the instructor's code: they run here, in the
grader's process, on copies, quietly and under a time limit.  The student's function
runs in the worker only (``grader.proxy.StudentProxy.replay``).
"""

from __future__ import annotations

import math
from types import ModuleType
from typing import Any

import numpy as np

from grader.checks import DEFAULT_RTOL, is_close
from grader.errors import StudentCodeError
from grader.proxy import Call, StudentProxy, _path_in
from grader.variants.calls import FAILED, grown, has_handle, run

__all__ = ["reference_inputs", "part", "focus_of", "agrees", "second_input", "REPLAY_SECONDS",
           "SECOND_RTOL"]

#: Relative tolerance of the agreement on a second input: it tells explanations apart
#: that differ by a factor or a term (a sum and a division by N − 1), not by the
#: round-off of a training run that the student's code clips or orders differently.
SECOND_RTOL = 1e-2
#: The student's function is called again (on a second input) only where its failed
#: call took less than this (seconds): feedback must not eat the submission's time.
REPLAY_SECONDS = 0.5


def part(value: Any, path: tuple) -> Any:
    """The item of ``value`` at ``path`` (indices and keys); ``FAILED`` where there is
    none."""
    for key in path:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return FAILED
    return value


def focus_of(actual: Any, value: Any) -> tuple:
    """The items of a returned tuple that a failed check was about: ``(2,)`` for ``db`` of
    ``(dx, dW, db)``, ``(0, 1)`` for ``got[:2]``; ``()`` for the whole value (or where it
    cannot be told)."""
    if actual is value or not isinstance(value, (tuple, list)):
        return ()
    path = _path_in(actual, value)
    if path:
        return (path[0],)
    if isinstance(actual, (tuple, list)) and actual:
        found = [next((i for i, v in enumerate(value) if v is item), None) for item in actual]
        if None not in found:
            return tuple(found)
    return ()


def reference_inputs(call: Call, reference: ModuleType) -> tuple[tuple, dict] | None:
    """The call's arguments as the reference would have had them: each argument that an
    earlier call gave (``Call.sources``: the cache ``affine_forward`` returned, passed
    to ``affine_backward``) replaced by what the reference's function gives on that
    earlier call's own arguments (themselves made the reference's, recursively), at the
    same place; the other arguments as they are.

    So a variant of a backward function reads the reference's cache, whatever format
    the student's cache has (or a handle to it).  None where that cannot be done: the
    earlier call is a method's, the reference lacks its function or raises, or an
    argument is a handle that no earlier call explains.
    """
    memo: dict[int, Any] = {}

    def output_of(earlier: Call) -> Any:
        if id(earlier) not in memo:
            inputs = reference_inputs_of(earlier)
            function = getattr(reference, earlier.function, None) if "." not in earlier.function else None
            memo[id(earlier)] = FAILED if inputs is None or not callable(function) else \
                run(function, *inputs)
        return memo[id(earlier)]

    def reference_inputs_of(record: Call) -> tuple[tuple, dict] | None:
        args, kwargs = list(record.args), dict(record.kwargs)
        for key, (earlier, path) in record.sources.items():
            value = part(output_of(earlier), path) if earlier is not record else FAILED
            if value is FAILED:
                return None
            if isinstance(key, int):
                args[key] = value
            else:
                kwargs[key] = value
        if has_handle((args, kwargs)):
            return None
        return tuple(args), kwargs

    return reference_inputs_of(call)


def _same_structure(a: Any, b: Any) -> bool:
    """Whether ``a`` has ``b``'s structure: the same keys, lengths, shapes and kinds of
    number (any values)."""
    return is_close(a, b, rtol=math.inf, atol=math.inf, check_dtype=False)


def agrees(student: Any, candidate: Any, expected: Any, focus: tuple, required: bool = True,
           rtol: float = DEFAULT_RTOL) -> bool:
    """Whether a candidate's output (a known mistake's, a mutant's) reproduces what the
    student's call returned.

    Where both return tuples, item by item: with ``required``, the items ``focus``
    (what the failed check was about, ``focus_of``) must match; every other item must
    match where the student's item has the structure of the reference's (``expected``):
    a cache of the student's own format is not compared.  With ``focus`` empty, the
    items of the reference's structure must all match (or the whole value, where none
    has).
    Otherwise the whole values must match.  Matching is ``grader.checks``' (``rtol``,
    its default by default), any dtype."""
    if candidate is FAILED or has_handle(candidate):
        return False
    if not (isinstance(student, (tuple, list)) and isinstance(candidate, (tuple, list))
            and len(student) == len(candidate)):
        return is_close(student, candidate, rtol=rtol, check_dtype=False)
    compared = 0
    for i, item in enumerate(student):
        comparable = isinstance(expected, (tuple, list)) and i < len(expected) \
            and not has_handle(item) and _same_structure(item, expected[i])
        must = required and i in focus
        if must or comparable:
            compared += 1
            if not is_close(item, candidate[i], rtol=rtol, check_dtype=False):
                return False
    return compared > 0 or is_close(student, candidate, rtol=rtol, check_dtype=False)


def second_input(proxy: StudentProxy, call: Call, seed: int = 0) -> tuple[tuple, dict, Any] | None:
    """The call made again by the student's function on a second input: every array
    or list argument of the first one's length N grown by one row
    (``grader.variants.calls.grown``: one or two rows cannot tell a sum from a mean, or
    N from N − 1; one row more keeps a training run's dynamics close to the first's).  Returns ``(args, kwargs, what the student's function returned)``,
    or None where that is not tried: an argument an earlier call gave (a cache) or a
    handle, a method, nothing to grow, a call that took ``REPLAY_SECONDS`` or more, or a
    second call that fails."""
    if call.reply is None or call.sources or "." in call.function or has_handle((call.args, call.kwargs)) \
            or call.reply.seconds >= REPLAY_SECONDS:
        return None
    inputs = grown((None, call.args, call.kwargs), np.random.default_rng(seed), extra=1)
    if inputs is None:
        return None
    _, args, kwargs = inputs
    try:
        value = proxy.replay(call.function, args, kwargs)
    except StudentCodeError:
        return None
    return args, kwargs, value
