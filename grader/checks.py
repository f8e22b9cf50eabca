"""Checks that tests use to compare a student's answer with the expected one.

They run in the grader's process on plain data that came back from the worker, and
fail with ``grader.errors.GradingFailure`` carrying a message written for a student:
which output, what was expected and what came back (shape, dtype, the largest error
and where), and a hint when the error has a recognisable pattern (off by a constant
factor, the wrong sign, the transpose).

Closeness follows ``numpy.testing.assert_allclose`` / ``torch.testing.assert_close``:
entry by entry, ``|actual - expected| <= atol + rtol * |expected|``, NaN equal to NaN.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from grader.errors import GradingFailure, StudentException
from grader.i18n import _

__all__ = [
    "assert_close",
    "is_close",
    "assert_unchanged",
    "assert_raises",
    "check_gradient",
    "numeric_gradient",
    "relative_error",
    "fail",
    "DEFAULT_RTOL",
    "DEFAULT_ATOL",
    "GRADIENT_THRESHOLD",
]

#: Default relative tolerance of ``assert_close``.  Loose enough for a correct answer
#: computed in float32 (machine epsilon 1.2e-7, so sums of a few hundred terms stay
#: well inside 1e-4), tight enough that a wrong formula (a missing 1/N, a wrong
#: derivative, the wrong sign) fails by orders of magnitude.
DEFAULT_RTOL = 1e-4
#: Entries are judged against at least this fraction of the array's largest expected
#: magnitude (times rtol): a correct float32 matrix product has errors of ~1e-5 at
#: entries where large terms cancel to a small value; a wrong formula is off by far more.
SCALE_FRACTION = 0.01
#: Default absolute tolerance of ``assert_close``, for entries whose expected value is
#: (near) zero, where a relative tolerance admits nothing.
DEFAULT_ATOL = 1e-6

#: Largest relative error accepted between an analytic gradient and central
#: differences.  CS231n's gradient-check notes: above 1e-2 the gradient is probably
#: wrong, 1e-4 is "usually okay"; below 1e-7 is what float64 analytic gradients
#: reach.  1e-4 admits a correct float32 analytic gradient.
GRADIENT_THRESHOLD = 1e-4
#: Step of the central differences (float64): truncation error O(h²), round-off
#: O(eps·|f|/h), both near 1e-10 for losses of order 1.
GRADIENT_STEP = 1e-6


def fail(message: str, actual: Any = None, *, wrong_value: bool = True,
         extends: GradingFailure | None = None):
    """Fail the current test with ``message`` (for the student).

    Args:
        message: what is wrong and what to do.
        actual: the value returned by the student's call this is about, if any: the
            report then names that call (and its known mistakes, ``grader.hints``).
        wrong_value: False when the finding is not that ``actual`` is wrong (a warning
            the call raised, say): the report then does not say "returned a wrong value".
        extends: the failure of a check whose message ``message`` repeats with a note
            added: its generic remark ("exactly 1/2 times the expected ones") goes on
            travelling as data (``pattern``), so that feedback that names the mistake
            can still drop it.
    """
    failure = GradingFailure(message, actual, wrong_value)
    if extends is not None:
        failure.pattern = getattr(extends, "pattern", None)
        failure.pattern_text = getattr(extends, "pattern_text", "")
    raise failure


# ----------------------------------------------------------------------- helpers

def _torch():
    return sys.modules.get("torch")


def _is_tensor(x) -> bool:
    torch = _torch()
    return torch is not None and isinstance(x, torch.Tensor)


def _is_number(x) -> bool:
    return isinstance(x, (bool, int, float, complex, np.number, np.bool_))


def _is_arraylike(x) -> bool:
    return isinstance(x, np.ndarray) or _is_tensor(x) or _is_number(x)


def _numeric_sequence(x) -> bool:
    """A list/tuple of numbers (an empty one too: a history of no epochs), or of
    numeric sequences of one length (so that it converts to a numeric array)."""
    if not isinstance(x, (list, tuple)):
        return False
    if len(x) == 0:
        return True
    if all(_is_number(v) for v in x):
        return True
    return all(_numeric_sequence(v) for v in x) and len({len(v) for v in x}) == 1


def _to_array(x) -> np.ndarray:
    if _is_tensor(x):
        x = x.detach().cpu()
        if str(x.dtype) == "torch.bfloat16":
            x = x.float()
        return x.numpy()
    return np.asarray(x)


def _describe(x) -> str:
    if x is None:
        return "None"
    if isinstance(x, np.ndarray):
        return _("an array of shape {shape} ({dtype})").format(shape=x.shape, dtype=x.dtype)
    if _is_tensor(x):
        return _("a tensor of shape {shape} ({dtype})").format(
            shape=tuple(x.shape), dtype=str(x.dtype).removeprefix("torch."))
    if isinstance(x, (list, tuple)):
        return _("a {type} of length {length}").format(type=type(x).__name__, length=len(x))
    if isinstance(x, dict):
        return _("a dict with keys {keys}").format(keys=sorted(map(str, x)))
    if _is_number(x):
        return _("the number {value}").format(value=repr(x))
    type_name = getattr(x, "type_name", None)  # a worker handle
    return _("an object of type {type}").format(type=type_name or type(x).__name__)


def _index(idx: tuple) -> str:
    return "[" + ", ".join(str(int(i)) for i in idx) + "]" if idx else _("(the single value)")


def _num(x: float) -> str:
    return f"{x:.6g}"


def _at(path: str) -> str:
    return f"{path}: " if path else ""


def _kind_name(kind: str) -> str:
    return {"f": _("floating-point"), "i": _("integer"), "u": _("unsigned integer"),
            "b": _("boolean"), "c": _("complex")}.get(kind, kind)


# ----------------------------------------------------------------------- assert_close

class _Message(str):
    """A failure message that also carries the generic pattern it ends with (``pattern``,
    ``_pattern_hint``'s) and that pattern's sentence (``hint``), so that feedback with
    a more specific explanation can drop the generic one (``grader.diagnosis``)."""

    pattern: tuple | None = None
    hint: str = ""


def _with_pattern(text: str, hint: str, pattern: tuple | None) -> str:
    message = _Message(text + hint)
    message.pattern, message.hint = pattern, hint
    return message


def _pattern_hint(a: np.ndarray, e: np.ndarray) -> tuple[str, tuple | None]:
    """A sentence, and the pattern as data, when the wrong values ``a`` relate to the
    expected ``e`` simply: the negatives (``("sign",)``); the expected ones shifted by
    one amount everywhere (``("offset", d)``) or by one amount per column in every row
    (``("row offset",)``: a term such as a bias added or left out); a simple multiple
    (``("factor", c)``: a missing 1/N, a sum for a mean).  A multiple is claimed only
    where the expected values are not all equal (where they are, any constant result
    is a "multiple", and the offset is the simpler reading).  ``("", None)`` when none
    fits."""
    e_flat, a_flat = e.ravel(), a.ravel()
    if e_flat.size < 2:
        return "", None
    scale = max(float(np.max(np.abs(e_flat))), float(np.max(np.abs(a_flat))), 1e-300)
    close = dict(rtol=1e-6, atol=1e-9 * scale)
    if np.any(e_flat != 0) and np.allclose(a_flat, -e_flat, **close):
        return " " + _("Your values are the negatives of the expected ones: check the sign."), ("sign",)
    d = a_flat - e_flat
    if abs(float(d[0])) > 1e-9 * scale and np.allclose(d, d[0], **close):
        return (" " + _("Your values differ from the expected ones by the same amount, {d}, in every "
                        "entry: look for a term added or left out (such as a bias b).").format(
                            d=_num(float(d[0]))), ("offset", float(d[0])))
    if e.ndim == 2 and e.shape[0] >= 2 and e.shape[1] >= 2:
        rows = a - e
        if np.allclose(rows, rows[0], **close) and not np.allclose(rows[0], 0.0, **close):
            return (" " + _("Your values differ from the expected ones by the same amounts in every "
                            "row (one amount per column): look for a term added to each row or left "
                            "out (such as the bias b)."), ("row offset",))
    denom = float(e_flat @ e_flat)
    distinct = np.unique(np.round(e_flat[e_flat != 0] / scale, 9)).size >= 2
    if denom > 0 and distinct:
        c = float(a_flat @ e_flat) / denom
        if c != 0 and np.allclose(a_flat, c * e_flat, rtol=1e-6, atol=1e-12 * max(1.0, abs(c))):
            factor = _simple_fraction(c)
            if factor:  # an odd factor (1.21387) is a coincidence of the data, not a clue
                return (" " + _("Your values are exactly {factor} times the expected ones: look for "
                                "a missing or extra factor (such as 1/N, a sum instead of a mean, "
                                "or 2).").format(factor=factor), ("factor", c))
    return "", None


def _simple_fraction(c: float) -> str:
    """``c`` written as ``p``, ``p/q`` (|p| <= 10000, q <= 12) or ``1/n`` (n <= 10000)
    when it is one within 1e-6 relative, else empty."""
    n = round(1 / c)
    if 12 < abs(n) <= 10000 and abs(n * c - 1) <= 1e-6:
        return f"1/{n}" if n > 0 else f"-1/{-n}"
    for q in range(1, 13):
        p = round(c * q)
        if p != 0 and abs(p) <= 10000 and abs(c * q - p) <= 1e-6 * abs(c * q):
            return f"{p}" if q == 1 else f"{p}/{q}"
    return ""


def _compare_arrays(actual, expected, path: str, rtol: float, atol: float, check_dtype,
                    equal_nan: bool) -> str | None:
    e = _to_array(expected)
    if isinstance(actual, (list, tuple)) and not _numeric_sequence(actual) and len(actual) > 0:
        return _at(path) + _("expected numbers, got {actual} that holds non-numbers").format(
            actual=_describe(actual))
    if not (_is_arraylike(actual) or isinstance(actual, (list, tuple))):
        return _at(path) + _("expected {expected}, got {actual}").format(
            expected=_describe(expected), actual=_describe(actual))
    try:
        a = _to_array(actual)
    except (TypeError, ValueError) as exc:
        return _at(path) + _("expected {expected}, got {actual} ({error})").format(
            expected=_describe(expected), actual=_describe(actual), error=exc)
    if a.dtype.kind not in "biufc":
        return _at(path) + _("expected numbers, got {actual}").format(actual=_describe(actual))

    if e.ndim == 0 and a.ndim != 0:
        return _at(path) + _("expected a single number, got an array of shape {shape}. Return a "
                             "scalar (for example with float(...) or .item()).").format(shape=a.shape)
    if a.shape != e.shape:
        hint = ""
        if a.size == e.size:
            hint = " " + _("It has the right number of entries: check for a missing reshape, an "
                           "extra keepdims=True or a (N,) vs (N, 1) mix-up.")
            if a.ndim == 2 and e.ndim == 2 and a.shape == e.shape[::-1]:
                hint = " " + _("That is the transposed shape: check the order of a matrix product.")
        elif a.ndim == e.ndim + 1 or a.ndim + 1 == e.ndim:
            hint = " " + _("Check which axis you summed or averaged over.")
        return _at(path) + _("wrong shape: expected {expected}, got {actual}.").format(
            expected=e.shape, actual=a.shape) + hint

    if check_dtype is True and a.dtype != e.dtype:
        return _at(path) + _("wrong dtype: expected {expected}, got {actual}").format(
            expected=e.dtype, actual=a.dtype)
    if check_dtype and e.dtype.kind == "f" and a.dtype.kind == "f" and a.dtype.itemsize < 4:
        return _at(path) + _("wrong dtype: {dtype} has too little precision; use float32 or "
                             "float64").format(dtype=a.dtype)
    kind_msg = ""
    if check_dtype and a.dtype.kind != e.dtype.kind and not (e.dtype.kind == "f" and a.dtype.kind == "c"
                                                             and not np.iscomplexobj(e)):
        kind_msg = _("wrong dtype: expected {expected_kind} values ({expected}), got "
                     "{actual_kind} values ({actual})").format(
                         expected_kind=_kind_name(e.dtype.kind), expected=e.dtype,
                         actual_kind=_kind_name(a.dtype.kind), actual=a.dtype)
    # Wrong values are the more useful message (an accuracy of 3 where 0.6 was due);
    # the dtype is named too, or alone where the values are right.
    value_msg = _compare_values(a, e, path, rtol, atol, equal_nan)
    if value_msg:
        return (value_msg + " " + _("Also a {problem}.").format(problem=kind_msg)
                if kind_msg else value_msg)
    return f"{_at(path)}{kind_msg}" if kind_msg else None


def _compare_values(a: np.ndarray, e: np.ndarray, path: str, rtol: float, atol: float,
                    equal_nan: bool) -> str | None:
    """The message for the first wrong value of ``a`` (same shape as ``e``), or None."""
    if e.dtype.kind == "b" or a.dtype.kind == "b":
        bad = a != e
        if bad.any():
            idx = tuple(np.argwhere(bad)[0])
            return _at(path) + _("{count} of {size} entries differ; first at index {index}: "
                                 "expected {expected}, got {actual}").format(
                count=int(bad.sum()), size=e.size, index=_index(idx), expected=repr(e[idx]),
                actual=repr(a[idx]))
        return None

    a64 = a.astype(np.complex128 if np.iscomplexobj(a) or np.iscomplexobj(e) else np.float64)
    e64 = e.astype(a64.dtype)
    a_fin, e_fin = np.isfinite(a64), np.isfinite(e64)
    a_nan, e_nan = np.isnan(a64), np.isnan(e64)
    unexpected = ~a_fin & e_fin
    if unexpected.any():
        idx = tuple(np.argwhere(unexpected)[0])
        what = "NaN" if np.isnan(a64[idx]) else "inf"
        return _at(path) + _("your result contains NaN or inf in {count} of {size} entries; the "
                             "first is {what} at index {index}, where {expected} was expected. "
                             "Look for a division by zero, log(0), or an overflow in exp (use a "
                             "numerically stable formula).").format(
            count=int(unexpected.sum()), size=e.size, what=what, index=_index(idx),
            expected=_num(e64[idx]))
    missing = ~e_fin & a_fin
    if missing.any():
        idx = tuple(np.argwhere(missing)[0])
        return _at(path) + _("expected {expected} at index {index}, got {actual}").format(
            expected=e64[idx], index=_index(idx), actual=_num(a64[idx]))
    both_nonfinite = ~a_fin & ~e_fin
    if both_nonfinite.any():
        same = (a_nan & e_nan) if equal_nan else np.zeros_like(a_nan)
        same |= ~a_nan & ~e_nan & (a64 == e64)
        wrong = both_nonfinite & ~same
        if wrong.any():
            idx = tuple(np.argwhere(wrong)[0])
            return _at(path) + _("expected {expected} at index {index}, got {actual}").format(
                expected=e64[idx], index=_index(idx), actual=a64[idx])
    fin = a_fin & e_fin
    err = np.where(fin, np.abs(a64 - e64), 0.0)
    mag = np.abs(np.where(fin, e64, 0.0))
    # An entry where large terms cancel is judged against 1% of the array's largest
    # magnitude: float32 round-off there is relative to the terms, not to the result.
    scale = SCALE_FRACTION * float(np.max(mag, initial=0.0))
    tol = atol + rtol * np.maximum(mag, scale)
    bad = err > tol
    if not bad.any():
        return None
    worst = np.unravel_index(int(np.argmax(np.where(bad, err, -1.0))), err.shape) if err.ndim else ()
    worst = tuple(int(i) for i in worst)
    count = int(bad.sum())
    if e.ndim == 0:
        text = _at(path) + _("expected {expected}, got {actual} (error {error}; tolerance "
                             "rtol={rtol}, atol={atol})").format(
            expected=_num(e64[()]), actual=_num(a64[()]), error=f"{err[()]:.3g}",
            rtol=f"{rtol:g}", atol=f"{atol:g}")
    else:
        text = _at(path) + _("{count} of {size} entries are wrong; the largest error is {error} "
                             "at index {index}: expected {expected}, got {actual} (tolerance "
                             "rtol={rtol}, atol={atol})").format(
            count=count, size=e.size, error=f"{err[worst]:.3g}", index=_index(worst),
            expected=_num(e64[worst]), actual=_num(a64[worst]), rtol=f"{rtol:g}", atol=f"{atol:g}")
    if e64.ndim == 2 and e64.shape[0] == e64.shape[1] and \
            np.allclose(a64, e64.T, rtol=rtol, atol=atol, equal_nan=True):
        return _with_pattern(text, " " + _("Your result is the transpose of the expected one: check "
                                           "the order of a matrix product."), ("transpose",))
    return _with_pattern(text, *_pattern_hint(np.real(a64), np.real(e64)))


def _compare(actual, expected, path: str, names, rtol, atol, check_dtype, equal_nan) -> str | None:
    if expected is None:
        return None if actual is None else _at(path) + _("expected None, got {actual}").format(
            actual=_describe(actual))
    if actual is None:
        return _at(path) + _("expected {expected}, got None (did you forget to return it?)").format(
            expected=_describe(expected))
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return _at(path) + _("expected a dict with keys {keys}, got {actual}").format(
                keys=sorted(map(str, expected)), actual=_describe(actual))
        missing = [k for k in expected if k not in actual]
        extra = [k for k in actual if k not in expected]
        if missing:
            return _at(path) + _("missing key(s) {missing}; the keys must be {keys}").format(
                missing=missing, keys=list(expected))
        if extra:
            return _at(path) + _("unexpected key(s) {extra}; the keys must be {keys}").format(
                extra=extra, keys=list(expected))
        for k in expected:
            sub = f"{path}[{k!r}]" if path else f"[{k!r}]"
            msg = _compare(actual[k], expected[k], sub, None, rtol, atol, check_dtype, equal_nan)
            if msg:
                return msg
        return None
    named = bool(names) and not path and len(names) == len(expected) if isinstance(expected, (list, tuple)) else False
    if isinstance(expected, (list, tuple)) and (named or not _numeric_sequence(expected)):
        if not isinstance(actual, (list, tuple)):
            return _at(path) + _("expected a tuple of {count} values, got {actual}").format(
                count=len(expected), actual=_describe(actual))
        if len(actual) != len(expected):
            return _at(path) + _("expected {expected} values, got {actual}").format(
                expected=len(expected), actual=len(actual))
        for i, (a, e) in enumerate(zip(actual, expected)):
            if names and i < len(names) and not path:
                sub = str(names[i])
            else:
                sub = f"{path}[{i}]" if path else f"[{i}]"
            msg = _compare(a, e, sub, None, rtol, atol, check_dtype, equal_nan)
            if msg:
                return msg
        return None
    if isinstance(expected, str):
        return None if actual == expected else _at(path) + _("expected {expected}, got {actual}").format(
            expected=repr(expected), actual=repr(actual))
    return _compare_arrays(actual, expected, path, rtol, atol, check_dtype, equal_nan)


def assert_close(actual: Any, expected: Any, *, rtol: float = DEFAULT_RTOL,
                 atol: float = DEFAULT_ATOL, names: Sequence[str] | str | None = None,
                 check_dtype: bool | str = "kind", equal_nan: bool = True) -> None:
    """Fail unless ``actual`` equals ``expected`` within tolerances.

    Args:
        actual: the student's value: a number, NumPy array, torch tensor (any device),
            or a list/tuple/dict of these.  Lists and tuples are interchangeable; a
            list of numbers may stand for an array.
        expected: the reference value, of the same structure.
        rtol, atol: entry-wise tolerance ``|a - e| <= atol + rtol·max(|e|, s)`` (the rule
            of ``numpy.testing.assert_allclose``, with ``s`` = ``SCALE_FRACTION`` of the
            array's largest ``|e|`` so that cancellation in float32 is not an error),
            compared in float64.
        names: names of the outputs when ``expected`` is a tuple (``("dx", "dW",
            "db")``), or one name for a single output; used in messages.
        check_dtype: ``"kind"`` (default): a float result may be float32 or float64
            but not an integer, bool or float16; ``True``: exact dtype; ``False``:
            values only.
        equal_nan: whether NaN in both counts as equal.

    Raises:
        GradingFailure: at the first mismatch, naming the output (its path in the
            structure), the shapes or dtypes, or the largest error and its index.
    """
    if isinstance(names, str):
        names, path = None, names
    else:
        path = ""
    msg = _compare(actual, expected, path, names, rtol, atol, check_dtype, equal_nan)
    if msg:
        raise _failure(msg, actual)


def _failure(msg: str, actual: Any) -> GradingFailure:
    """The ``GradingFailure`` for ``msg``, with the generic pattern its message ends with
    (``pattern``, ``pattern_text``; None and "" where there is none)."""
    failure = GradingFailure(str(msg), actual)
    failure.pattern = getattr(msg, "pattern", None)
    failure.pattern_text = getattr(msg, "hint", "")
    return failure


def is_close(actual: Any, expected: Any, *, rtol: float = DEFAULT_RTOL,
             atol: float = DEFAULT_ATOL, check_dtype: bool | str = "kind",
             equal_nan: bool = True) -> bool:
    """Whether ``assert_close(actual, expected, ...)`` would pass (same rules, no message).

    Never raises for values of unexpected types or structures: those are not close.
    """
    try:
        return _compare(actual, expected, "", None, rtol, atol, check_dtype, equal_nan) is None
    except Exception:  # noqa: BLE001 - a value we cannot compare is not close
        return False


def assert_unchanged(changed: Sequence, function: str, hint: str = "") -> None:
    """Fail if a call modified any of its arguments in place.

    Args:
        changed: ``Reply.changed`` / ``student.last_call.changed``: (position, parameter
            name, value after the call) for each argument the call modified.
        function: the function's name, for the message.
        hint: what to do instead (appended to the message).

    Raises:
        GradingFailure: naming the first modified argument.
    """
    if changed:
        _position, name, after = changed[0]
        raise GradingFailure(
            (_("`{function}` changed its argument `{name}` in place; it must leave its inputs as "
               "it found them.").format(function=function, name=name) + " " + hint).rstrip(),
            after)


def assert_raises(exception: type[BaseException] | str, function: Callable, *args,
                  **kwargs) -> StudentException:
    """Call the student's ``function(*args, **kwargs)`` and fail unless it raises
    ``exception`` (a class such as ``IndexError``, or its name), or a subclass of it.

    Args:
        exception: the exception class expected, or its name.
        function: a student function or handle method (``student.f``, ``ds.__getitem__``).

    Returns:
        The ``StudentException`` that carried the student's exception.

    Raises:
        GradingFailure: if the call returned normally or raised another exception.
        StudentCodeError: other failures of the call (a timeout, a crash) as they are.
    """
    name = exception if isinstance(exception, str) else exception.__name__
    owner = getattr(getattr(function, "__self__", None), "_label", None)  # a handle's method
    label = getattr(function, "__name__", None) or getattr(function, "_label", "your function")
    label = f"{owner}.{label}" if owner else label
    try:
        value = function(*args, **kwargs)
    except StudentException as exc:
        if name in exc.exc_classes:
            return exc
        raise GradingFailure(_("`{function}` should raise {expected} here, but it raised "
                               "{exception}: {message}").format(
            function=label, expected=name, exception=exc.exc_type,
            message=exc.message).rstrip(": ")) from None
    raise GradingFailure(_("`{function}` should raise {expected} here, but it returned "
                           "{value}.").format(function=label, expected=name, value=_describe(value)))


# ----------------------------------------------------------------------- gradients

def numeric_gradient(f: Callable[[np.ndarray], float], x: np.ndarray,
                     h: float = GRADIENT_STEP) -> np.ndarray:
    """Central-difference gradient of a scalar function, in float64.

    ``grad[i] = (f(x + h·eᵢ) - f(x - h·eᵢ)) / (2h)`` for every index i of x, as in
    CS231n's ``eval_numerical_gradient`` and ``torch.autograd.gradcheck``.

    Args:
        f: takes a float64 array of x's shape, returns a number.
        x: the point, any shape; it is copied to float64 and never modified.
        h: the step.

    Returns:
        float64 array of x's shape.
    """
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        fp = float(f(x.copy()))
        x[idx] = old - h
        fm = float(f(x.copy()))
        x[idx] = old
        grad[idx] = (fp - fm) / (2 * h)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray, tiny: float = 1e-8) -> np.ndarray:
    """Entry-wise relative error ``|a - b| / max(|a|, |b|, tiny)`` (CS231n's gradient check).

    Args:
        a, b: arrays of one shape (any float dtype; computed in float64).
        tiny: floor of the denominator, so that entries that are both ~0 do not divide
            by zero.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), tiny)


def check_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, analytic: Any, *,
                   name: str = "gradient", threshold: float = GRADIENT_THRESHOLD,
                   h: float = GRADIENT_STEP) -> float:
    """Fail unless ``analytic`` matches the central-difference gradient of f at x.

    The relative error is ``|a - n| / max(|a|, |n|, tiny)`` entry-wise, with
    ``tiny = 1e-3·max|n| + 1e-8``: entries far smaller than the gradient's scale are
    judged against that scale, so float32 round-off on a near-zero entry does not
    count as a wrong gradient.

    Args:
        f: scalar function of an array of x's shape (may call the student's code).
        x: the point (float64).
        analytic: the gradient to check (array-like of x's shape).
        name: the gradient's name in messages (``"dW1"``).
        threshold: largest relative error accepted (see ``GRADIENT_THRESHOLD``).
        h: step of the central differences.

    Returns:
        The largest relative error found.

    Raises:
        GradingFailure: wrong shape, NaN, or an error over ``threshold``.
    """
    numeric = numeric_gradient(f, x, h)
    assert_close(analytic, numeric, rtol=0.0, atol=math.inf, names=name)  # shape, dtype, NaN
    a = _to_array(analytic).astype(np.float64)
    tiny = 1e-3 * float(np.max(np.abs(numeric), initial=0.0)) + 1e-8
    err = relative_error(a, numeric, tiny)
    worst = np.unravel_index(int(np.argmax(err)), err.shape) if err.ndim else ()
    largest = float(err[worst]) if err.size else 0.0
    if largest > threshold:
        hint, pattern = _gradient_pattern(a, numeric)
        message = _("{name}: does not match the numerical gradient (central differences of the "
                    "loss): relative error {error} at index {index}: yours {yours}, numerical "
                    "{numerical} (accepted: up to {threshold}).").format(
            name=name, error=f"{largest:.3g}", index=_index(tuple(int(i) for i in worst)),
            yours=_num(a[worst]), numerical=_num(numeric[worst]), threshold=f"{threshold:g}")
        raise _failure(_with_pattern(message, hint, pattern), analytic)
    return largest


def _gradient_pattern(a: np.ndarray, numeric: np.ndarray) -> tuple[str, tuple | None]:
    """A sentence, and the pattern, when an analytic gradient is the negative of the
    numerical one or a simple multiple of it (at the precision of central differences,
    1e-4 relative); ``("", None)`` otherwise."""
    n_flat, a_flat = numeric.ravel(), a.ravel()
    scale = float(np.max(np.abs(n_flat), initial=0.0))
    if scale == 0 or not np.all(np.isfinite(a_flat)):
        return "", None
    close = dict(rtol=1e-4, atol=1e-6 * scale)
    if np.allclose(a_flat, -n_flat, **close):
        return (" " + _("Your gradient is the negative of the numerical one: check its sign (the "
                        "derivative of the loss, not of its negative; y − ŷ where ŷ − y is due)."),
                ("sign",))
    distinct = np.unique(np.round(n_flat[n_flat != 0] / scale, 6)).size >= 2
    c = float(a_flat @ n_flat) / float(n_flat @ n_flat)
    if distinct and c != 0 and np.allclose(a_flat, c * n_flat, **close):
        factor = _simple_fraction(c) if abs(c - round(c)) > 1e-3 or round(c) != 1 else ""
        if factor:
            return (" " + _("Your gradient is exactly {factor} times the numerical one: look for a "
                            "missing or extra factor (such as 1/N, or 2).").format(factor=factor),
                    ("factor", c))
    return "", None
