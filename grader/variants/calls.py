"""Calling the reference and its variants in the grader's process: under a time limit,
quietly, and on inputs grown from a recorded call.

Both consumers of variants call trusted code here (the reference and its variants are
the instructor's): ``grader.audit.corpus`` to tell a surviving mutant from the
reference, ``grader.diagnosis`` to find the variant that reproduces a student's wrong
value.
"""

from __future__ import annotations

import contextlib
import copy
import signal
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from grader.codec import imported_torch

__all__ = ["CallTimeout", "time_limit", "quietly", "grown", "run", "FAILED", "has_handle",
           "pick", "CALL_SECONDS"]

#: What ``run`` returns for a call that raised or ran out of time.
FAILED = object()
#: Longest a reference or variant call may run in ``run``.
CALL_SECONDS = 1.0


class CallTimeout(BaseException):
    """A call ran past ``time_limit`` (a BaseException, so that the code it interrupts
    cannot catch it with ``except Exception``)."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``CallTimeout`` in the block after ``seconds`` of wall-clock time (SIGALRM;
    in the main thread of a POSIX process, else no limit)."""
    import threading

    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def alarm(signum, frame):
        raise CallTimeout()

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@contextlib.contextmanager
def quietly() -> Iterator[None]:
    """No warnings and no floating-point error reports in the block (a variant may
    divide by zero or overflow where the reference does not)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield



def run(function: Callable, args: tuple, kwargs: dict, seconds: float = CALL_SECONDS) -> Any:
    """``function(*args, **kwargs)`` on deep copies of the arguments, quietly, with
    NumPy's and torch's global generators seeded (a variant that draws without a seed
    gives the same numbers each time), under a time limit; ``FAILED`` if it raises or
    runs out of time."""
    try:
        a, kw = copy.deepcopy(args), copy.deepcopy(kwargs)
        with time_limit(seconds), quietly():
            np.random.seed(0)
            torch = imported_torch()
            if torch is not None:
                torch.manual_seed(0)
            return function(*a, **kw)
    except CallTimeout:
        return FAILED
    except Exception:  # noqa: BLE001 - a variant that cannot run on these inputs gives nothing
        return FAILED


def pick(value: Any, focus: tuple) -> Any:
    """The items ``focus`` of a returned tuple, as a tuple (``value`` itself for an empty
    focus); ``FAILED`` where ``value`` has no such items."""
    if not focus:
        return value
    if isinstance(value, (tuple, list)) and max(focus) < len(value):
        return tuple(value[i] for i in focus)
    return FAILED


def has_handle(value: Any, depth: int = 0) -> bool:
    """Whether ``value`` is, or holds, a handle to an object living in the student's
    worker (``grader.sandbox.Handle``): such a value is never given to trusted code."""
    from grader.sandbox import Handle

    if isinstance(value, Handle):
        return True
    if depth < 8 and isinstance(value, (tuple, list)):
        return any(has_handle(v, depth + 1) for v in value)
    if depth < 8 and isinstance(value, dict):
        return any(has_handle(v, depth + 1) for v in value.values())
    return False


def grown(inputs: tuple, rng: np.random.Generator, extra: int | None = None) -> tuple | None:
    """``inputs`` (instance, args, kwargs) with every array, tensor or list argument of
    the first one's length N made longer by ``extra`` rows (default N + 1, so 2N + 1 in
    all): itself, then rows drawn from it with noise on floating-point values.  One row,
    or two, cannot tell a sum from a mean, or N from N − 1.  None when no positional
    argument has a length."""
    instance, args, kwargs = inputs
    torch = imported_torch()

    def length(v):
        sized = isinstance(v, (np.ndarray, list)) or (torch is not None and isinstance(v, torch.Tensor))
        return len(v) if sized and getattr(v, "ndim", 1) > 0 and len(v) > 0 else None

    n = next((length(a) for a in args if length(a)), None)
    if n is None:
        return None
    pick = rng.integers(0, n, size=n + 1 if extra is None else extra)

    def grow(v):
        if length(v) != n:
            return copy.deepcopy(v)
        if isinstance(v, list):
            return copy.deepcopy(v) + [copy.deepcopy(v[i]) for i in pick]
        array = v.detach().cpu().numpy() if torch is not None and isinstance(v, torch.Tensor) else v
        extra = array[pick]
        if extra.dtype.kind == "f":
            extra = extra * rng.uniform(0.5, 1.5, extra.shape) + rng.normal(0.0, 0.1, extra.shape)
        grown_array = np.concatenate([array, extra.astype(array.dtype)])
        return torch.as_tensor(grown_array, dtype=v.dtype) if array is not v else grown_array

    return copy.deepcopy(instance), tuple(grow(a) for a in args), copy.deepcopy(kwargs)
