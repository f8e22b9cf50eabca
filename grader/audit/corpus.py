"""What the hidden suite calls, recorded while it grades the reference in this process,
and differential testing of a variant against the reference on those inputs.

``Recorder`` is a pytest plugin (``grader.runner.grade(..., plugins=[recorder])``) that
keeps, while the suite grades the reference:

- for each test, the student functions it called (``Call.function`` of the ``student``
  fixture's log): which tests a change in a function can touch;
- every call the suite made of the reference module's functions and methods, with deep
  copies of the arguments as they were before the call: the inputs on which a
  surviving mutant is compared with the reference (``distinguish``).

Both the reference and the variants are the instructor's code, so the comparison runs
here, in the grader's process, each call under a time limit.
"""

from __future__ import annotations

import ast
import copy
import functools
import warnings
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np

from grader.codec import imported_torch
from grader.checks import is_close
from grader.plugin import GraderPlugin
from grader.proxy import describe_value
from grader.variants.calls import CallTimeout, grown, quietly, time_limit

__all__ = ["Recorder", "RecordedCall", "Witness", "distinguish", "CALL_SECONDS"]

#: Longest a variant's call may run in differential testing (an infinite loop is a
#: difference: the reference returned).
CALL_SECONDS = 2.0
#: Most recorded calls kept per unit, and tried per unit.
KEPT_CALLS = 30
#: Perturbed copies of each recorded input tried (the first is the input itself).
TRIALS = 8


@dataclass
class RecordedCall:
    """One call of the reference: ``unit`` (``"softmax"``, ``"PimaDataset.__getitem__"``,
    ``"PimaDataset.__init__"`` for a construction), the instance for a method, and
    copies of the arguments taken before the call."""

    unit: str
    args: tuple
    kwargs: dict
    instance: Any = None


@dataclass(eq=False)  # a plugin is hashed by identity
class Recorder:
    """The pytest plugin that records a grading of the reference (see the module's
    docstring).  ``reference`` is the module the ``reference`` fixture gives (the one
    ``Assignment.import_reference`` returns)."""

    reference: ModuleType
    calls: dict[str, list[RecordedCall]] = field(default_factory=dict)
    #: test name (as in the results) -> names of the student functions it called
    tests: dict[str, list[str]] = field(default_factory=dict)
    _saved: list = field(default_factory=list)

    # -- patching the reference while the suite runs
    def _record(self, unit: str, instance, args, kwargs) -> None:
        kept = self.calls.setdefault(unit, [])
        if len(kept) >= KEPT_CALLS:
            return
        try:
            kept.append(RecordedCall(unit, copy.deepcopy(args), copy.deepcopy(kwargs),
                                     copy.deepcopy(instance) if instance is not None else None))
        except Exception:  # noqa: BLE001 - an argument that cannot be copied is not recorded
            pass

    def _wrap(self, unit: str, function, method: bool):
        recorder = self

        @functools.wraps(function)
        def recorded(*args, **kwargs):
            if method:
                if unit.endswith(".__init__"):
                    recorder._record(unit, None, args[1:], kwargs)
                else:
                    recorder._record(unit, args[0], args[1:], kwargs)
            else:
                recorder._record(unit, None, args, kwargs)
            return function(*args, **kwargs)

        return recorded

    def pytest_sessionstart(self, session):
        for name, value in list(vars(self.reference).items()):
            if getattr(value, "__module__", None) != self.reference.__name__:
                continue
            if isinstance(value, type):
                for attr, member in list(vars(value).items()):
                    if callable(member) and not isinstance(member, (staticmethod, classmethod, type)):
                        self._saved.append((value, attr, member))
                        setattr(value, attr, self._wrap(f"{name}.{attr}", member, True))
            elif callable(value):
                self._saved.append((self.reference, name, value))
                setattr(self.reference, name, self._wrap(name, value, False))

    def pytest_sessionfinish(self, session):
        for owner, attr, member in reversed(self._saved):
            setattr(owner, attr, member)
        self._saved.clear()

    def pytest_runtest_makereport(self, item, call):
        if call.when != "call":
            return
        student = getattr(item, "funcargs", {}).get("student")
        called = [c.function for c in getattr(student, "calls", [])]
        self.tests.setdefault(GraderPlugin._name(item), []).extend(called)


# ------------------------------------------------------------------ differential testing
@dataclass
class Witness:
    """An input on which a variant and the reference differ."""

    unit: str
    call: str
    reference: str
    variant: str

    def __str__(self) -> str:
        return f"{self.call}: the reference gives {self.reference}, the mutant {self.variant}"



def _comparable(value, depth: int = 0):
    """``value`` as plain data that ``is_close`` compares: tensors as arrays, a module as
    its state dict, a loader or dataset as its items, another object as its attributes."""
    torch = imported_torch()
    if depth > 6:
        return None
    if value is None or isinstance(value, (bool, int, float, str, np.number, np.ndarray)):
        return value
    if torch is not None:
        if isinstance(value, torch.Tensor):
            return value.detach().cpu().double().numpy() if value.is_floating_point() \
                else value.detach().cpu().numpy()
        if isinstance(value, torch.nn.Module):
            return {k: _comparable(v, depth + 1) for k, v in value.state_dict().items()}
        if isinstance(value, torch.Generator):
            return None
        if isinstance(value, torch.utils.data.DataLoader):
            return [_comparable(b, depth + 1) for _, b in zip(range(200), value)]
    if isinstance(value, (list, tuple)):
        return [_comparable(v, depth + 1) for v in value[:2000]]
    if isinstance(value, dict):
        return {str(k): _comparable(v, depth + 1) for k, v in value.items()}
    if hasattr(value, "__len__") and hasattr(value, "__getitem__"):
        try:
            return [_comparable(value[i], depth + 1) for i in range(min(len(value), 600))]
        except Exception:  # noqa: BLE001
            pass
    if callable(value) and not hasattr(value, "__dict__"):
        return None
    attributes = getattr(value, "__dict__", None)
    return _comparable(dict(attributes), depth + 1) if attributes is not None else repr(type(value))


def _constants(source: str) -> list[float]:
    """The numbers written in ``source`` (boundaries a mutant may move: 0.5, 1e-8, 1)."""
    found = {0.0, 1.0, 0.5, -1.0}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool) and abs(node.value) < 1e6:
            found.add(float(node.value))
    return sorted(found)[:16]


def _perturb_array(a: np.ndarray, rng: np.random.Generator, trial: int, constants) -> np.ndarray:
    if a.size == 0:
        return a
    scale = float(np.std(a)) or 1.0
    if trial == 1:
        out = rng.normal(float(np.mean(a)), scale, a.shape)
    elif trial == 2:
        out = a * rng.uniform(0.5, 1.5, a.shape)
    elif trial == 3:
        out = np.where(rng.random(a.shape) < 0.5, 0.0, a)
    elif trial == 4:
        out = np.where(rng.random(a.shape) < 0.5, rng.choice(constants, a.shape), a)
    elif trial == 5:
        out = np.zeros(a.shape)
    elif trial == 6:
        out = a * 100.0
    else:
        out = a * rng.choice([-1.0, 1.0], a.shape)
    return out.astype(a.dtype)


def _perturb(value, rng, trial: int, constants, depth: int = 0):
    """A copy of ``value`` with its floating-point numbers changed the ``trial``-th way
    (0: unchanged; then resampled, scaled, half zeroed, set to the source's constants,
    all zero, large, signs flipped); integers, strings and booleans are kept (labels,
    sizes and seeds must stay valid)."""
    torch = imported_torch()
    if trial == 0 or depth > 6:
        return copy.deepcopy(value)
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return _perturb_array(value, rng, trial, constants)
    if torch is not None and isinstance(value, torch.Tensor) and value.is_floating_point():
        array = _perturb_array(value.detach().cpu().double().numpy(), rng, trial, constants)
        return torch.as_tensor(array, dtype=value.dtype).requires_grad_(value.requires_grad)
    if torch is not None and isinstance(value, torch.nn.Module):
        module = copy.deepcopy(value)
        with torch.no_grad():
            for p in module.parameters():
                p.copy_(_perturb(p.detach(), rng, trial, constants, depth + 1))
        return module
    if isinstance(value, float):
        return float(_perturb_array(np.array([value]), rng, trial, constants)[0])
    if isinstance(value, tuple):
        return tuple(_perturb(v, rng, trial, constants, depth + 1) for v in value)
    if isinstance(value, list):
        return [_perturb(v, rng, trial, constants, depth + 1) for v in value]
    if isinstance(value, dict):
        return {k: _perturb(v, rng, trial, constants, depth + 1) for k, v in value.items()}
    return copy.deepcopy(value)


def _retarget(value, reference: ModuleType, module: ModuleType, depth: int = 0):
    """``value`` with every instance of a reference class made an instance of the
    same-named class of ``module`` (same state, the variant's methods)."""
    if depth > 4:
        return value
    cls = type(value)
    if getattr(cls, "__module__", None) == reference.__name__ and hasattr(module, cls.__name__):
        try:
            value.__class__ = getattr(module, cls.__name__)
        except TypeError:
            pass
        return value
    if isinstance(value, tuple):
        return tuple(_retarget(v, reference, module, depth + 1) for v in value)
    if isinstance(value, list):
        return [_retarget(v, reference, module, depth + 1) for v in value]
    if isinstance(value, dict):
        return {k: _retarget(v, reference, module, depth + 1) for k, v in value.items()}
    return value


def _outcome(module: ModuleType, reference: ModuleType, call: RecordedCall, inputs) -> Any:
    """What ``module`` does on ``inputs`` (a deep copy each time): ``("returned", value,
    arguments after)`` as plain data, or ``("raised", exception type name)``."""
    instance, args, kwargs = copy.deepcopy(inputs)
    instance, args, kwargs = (_retarget(x, reference, module) for x in (instance, args, kwargs))
    owner, _, short = call.unit.rpartition(".")
    torch = imported_torch()
    try:
        with time_limit(CALL_SECONDS), quietly():
            np.random.seed(0)
            if torch is not None:
                torch.manual_seed(0)
            if owner and short == "__init__":
                value = getattr(module, owner)(*args, **kwargs)
            elif owner:
                value = getattr(instance, short)(*args, **kwargs)
            else:
                value = getattr(module, call.unit)(*args, **kwargs)
        return ("returned", _comparable(value), _comparable(args), _comparable(kwargs),
                _comparable(instance))
    except CallTimeout:
        return ("raised", "a timeout")
    except Exception as exc:  # noqa: BLE001 - raising is an outcome to compare
        return ("raised", type(exc).__name__)


def _same(a, b) -> bool:
    if a[0] != b[0]:
        return False
    if a[0] == "raised":
        return a[1] == b[1]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return all(is_close(x, y) for x, y in zip(a[1:], b[1:]))


def _brief(value, limit: int = 90) -> str:
    """A value shown with its numbers where they fit in ``limit`` characters (an input
    or an output of a witness), else its type and shape (``describe_value`` without
    numbers)."""
    try:
        if isinstance(value, (list, tuple, np.ndarray, float, int, np.number)):
            with np.printoptions(precision=4, threshold=12, edgeitems=2):
                text = repr(np.asarray(value, dtype=float).round(4).tolist()) \
                    if not isinstance(value, (float, int)) else f"{value:.6g}"
            if len(text) <= limit:
                return text
    except (TypeError, ValueError):
        pass
    return describe_value(value, numbers=False)


def _shown(outcome) -> str:
    if outcome[0] == "raised":
        return f"raises {outcome[1]}"
    return _brief(outcome[1])


def _reshaped(inputs, j: int, how: str):
    """``inputs`` (instance, args, kwargs) with positional argument ``j`` emptied
    (``how == "empty"``) or one item shorter (``"shorter"``), when it is an array, a
    tensor or a list; None when it is not."""
    instance, args, kwargs = inputs
    value = args[j]
    torch = imported_torch()
    sized = isinstance(value, (np.ndarray, list)) or (torch is not None and isinstance(value, torch.Tensor))
    if not sized or len(value) == 0 or getattr(value, "ndim", 1) == 0:
        return None
    cut = value[:0] if how == "empty" else value[:-1]
    return copy.deepcopy(instance), tuple(cut if i == j else copy.deepcopy(a) for i, a in enumerate(args)), \
        copy.deepcopy(kwargs)


def distinguish(reference: ModuleType, variant: ModuleType, units: set[str],
                calls: dict[str, list[RecordedCall]], *, seed: int = 0,
                trials: int = TRIALS, source: str = "", budget: float = 2.0,
                recorded_only: bool = False) -> Witness | None:
    """An input on which ``variant`` and ``reference`` behave differently, or None.

    The recorded calls of each unit in ``units`` (a mutated function and the public
    functions that use it) are tried as recorded, then with each array argument in turn
    emptied and one item shorter (the checks of sizes), then with the arrays of the first
    one's length grown to 2N + 1 (a suite of one-row inputs), then ``trials - 1`` times
    perturbed (seeded: the same witness every run), one round over every call at a time;
    the outcomes compared are what the call returned and the arguments (and instance)
    as it left them, within ``grader.checks``' default tolerances, or the type of the
    exception it raised.

    Args:
        reference, variant: modules (the variant loaded with ``grader.variants.load``).
        units: the units to call.
        calls: the recorded calls (``Recorder.calls``).
        seed: the perturbations' seed.
        trials: the inputs tried per recorded call, the recorded one included.
        source: the reference's source (its constants seed the perturbations).
        budget: seconds after which the search stops (no difference found then).
        recorded_only: try the recorded inputs only, as the suite gave them.
    """
    import time

    deadline = time.monotonic() + budget
    rng = np.random.default_rng(seed)
    constants = _constants(source) if source else [0.0, 0.5, 1.0, -1.0]
    chosen = [(unit, call) for unit in sorted(units) for call in calls.get(unit, [])[:KEPT_CALLS]]

    def rounds():
        for unit, call in chosen:
            yield unit, (call.instance, call.args, call.kwargs), call
        if recorded_only:
            return
        for unit, call in chosen:
            original = (call.instance, call.args, call.kwargs)
            for j in range(len(call.args)):
                for how in ("empty", "shorter"):
                    yield unit, _reshaped(original, j, how), call
            emptied = original
            for j in range(len(call.args)):
                emptied = _reshaped(emptied, j, "empty") or emptied
            yield unit, (emptied if emptied is not original else None), call
            yield unit, grown(original, rng), call
        for trial in range(1, trials):
            for unit, call in chosen:
                yield unit, _perturb((call.instance, call.args, call.kwargs), rng, trial, constants), call

    for unit, inputs, call in rounds():
        if time.monotonic() > deadline:
            return None
        if inputs is None:
            continue
        expected = _outcome(reference, reference, call, inputs)
        got = _outcome(variant, reference, call, inputs)
        if not _same(expected, got):
            args = ", ".join([_brief(a, 40) for a in inputs[1]] +
                             [f"{k}={_brief(v, 40)}" for k, v in inputs[2].items()])
            return Witness(unit, f"{unit}({args})", _shown(expected), _shown(got))
    return None
