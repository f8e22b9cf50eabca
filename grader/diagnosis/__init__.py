"""Feedback that names the student's actual mistake.

When a test fails on a value that a call of the student's code returned, ``Diagnosis``
explains it, in the grader's process, with the reference and its variants (trusted
code) run on that call's arguments:

1. **known mistakes** (``reference/hwN/misconceptions.py``, ``grader.hints``) whose
   output matches the student's;
2. where none does, **first-order mutants** of the reference (``grader.variants``, the
   engine ``grade audit`` uses): of the function called and of every function it uses
   (``mlp_loss`` uses ``affine_backward``), kept where one reproduces the student's
   value, and said in the student's terms (``grader.diagnosis.wording``);
3. every explanation must also reproduce the student's values on the test's other
   calls of that function, and, where the student's function can be called again, on
   a **second input** (the arrays grown to 2N + 1 rows: at N = 2 a division by N − 1
   and a sum agree) — a candidate that disagrees is dropped, and so is a generic
   "N times" remark whose factor changes with the input;
4. a **reproduction**: Python the student can paste to see the call fail
   (``grader.diagnosis.snippet``), with small literal inputs.

Arguments that an earlier call of the student's gave (the cache of a forward pass)
reach variants as the reference's own values for them (``replay.reference_inputs``),
so that no explanation depends on the format of the student's cache.

What the plugin does with an ``Explanation``: ``grader.plugin``.
"""

from __future__ import annotations

import functools
import math
import os
import time
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from grader.checks import is_close
from grader.errors import StudentCodeError
from grader.hints import Misconception, diagnose, observed, variant_output
from grader.proxy import Call, StudentProxy, _path_in
from grader.variants import Variant, patch
from grader.variants.calls import FAILED, pick, run

from grader.diagnosis import replay, snippet
from grader.diagnosis.replay import agrees, part
from grader.diagnosis.wording import WORDED_KINDS, worded

__all__ = ["Diagnosis", "Explanation", "Finding", "DIAGNOSIS_ENV", "MUTANT_SECONDS"]

#: ``GRADER_DIAGNOSIS=known`` limits feedback to the declared known mistakes on the
#: failed call itself (no mutants, no second calls of the student's code, no
#: reproduction): ``grade audit`` grades hundreds of variants, whose feedback nobody
#: reads but the hints of the known mistakes.
DIAGNOSIS_ENV = "GRADER_DIAGNOSIS"
#: Most seconds spent running mutants for one failed call.
MUTANT_SECONDS = 3.0
#: Most distinct mutant explanations named at once (more: none is named).
MOST_NAMED = 2


@dataclass
class Finding:
    """One explanation of a wrong value.

    Attributes:
        text: what the student reads after "Hint: ", in the run's language.
        hint_id: the known mistake's id (``Misconception.id``), or None for a mutant.
        unit: the function the mistake is in: the function called, or one it uses.
        confirmed: whether a second input confirmed it.
    """

    text: str
    hint_id: str | None
    unit: str
    confirmed: bool = False


@dataclass
class Explanation:
    """What ``Diagnosis.explain`` found about one failed call.

    Attributes:
        findings: known mistakes first, then mutants; empty when nothing explains it.
        keep_generic: whether the check's generic remark ("exactly 2 times the expected
            ones") may stay: not where a finding explains the value better, nor where
            a second input shows another factor.
        snippet: Python that reproduces the failure ("" where none can be written),
            and ``simplified``: whether its inputs are simplified from the test's.
    """

    findings: list[Finding] = field(default_factory=list)
    keep_generic: bool = True
    snippet: str = ""
    simplified: bool = False

    @property
    def hint_ids(self) -> list[str]:
        return [f.hint_id for f in self.findings if f.hint_id]


@functools.lru_cache(maxsize=8)
def _wordable_mutants(source: str) -> dict[str, list[Variant]]:
    """The mutants of ``source`` that feedback can word, by unit (made once per
    process and reference: a batch's submissions share them)."""
    from grader.variants.mutation import mutants as make_mutants  # libcst: only on a failure

    try:
        made = make_mutants(source, kinds=set(WORDED_KINDS), whole_source=False)
    except Exception:  # noqa: BLE001 - no mutants of what cannot be parsed
        return {}
    found: dict[str, list[Variant]] = {}
    for variant in made:
        if worded(variant.change, variant.function, variant.function):
            found.setdefault(variant.function, []).append(variant)
    return found


def _closure(uses: dict[str, set[str]], function: str) -> list[str]:
    """``function`` and every function it uses, directly or not, in a stable order."""
    found, frontier = [function], [function]
    while frontier:
        for used in sorted(uses.get(frontier.pop(), ())):
            if used not in found:
                found.append(used)
                frontier.append(used)
    return found


class Diagnosis:
    """Explains the failed calls of one grading run.

    Args:
        reference: the reference module (imported in the grader: trusted).
        source: the reference's source (its mutants are made from it).
        misconceptions: the declared known mistakes (``grader.hints``).
        module: the name the student's file is imported as (``"backprop"``), for
            reproductions.
        full: False to try the known mistakes on the failed call only (see
            ``DIAGNOSIS_ENV``); default from the environment.
    """

    def __init__(self, reference: ModuleType, source: str, misconceptions: list[Misconception],
                 module: str, full: bool | None = None):
        self.reference = reference
        self.source = source
        self.misconceptions = misconceptions
        self.module = module
        self.full = os.environ.get(DIAGNOSIS_ENV, "full").strip().lower() != "known" \
            if full is None else full
        self._uses: dict[str, set[str]] | None = None
        self._patched: dict[str, Any] = {}

    # ------------------------------------------------------------------ the reference's structure
    def uses(self) -> dict[str, set[str]]:
        """For each function of the reference, the functions it uses directly."""
        if self._uses is None:
            from grader.variants.source import dependencies  # libcst: only on a failure

            try:
                self._uses = dependencies(self.source)
            except Exception:  # noqa: BLE001 - a reference libcst cannot read: no structure
                self._uses = {}
        return self._uses

    def used_by(self, function: str) -> list[str]:
        """The functions ``function`` uses, directly or not (itself excluded)."""
        return _closure(self.uses(), function)[1:]

    def _mutants_of(self, unit: str) -> list[Variant]:
        """The mutants of ``unit`` that feedback can word (those of every unit are made
        at once, on first need, and kept for the process: ``_wordable_mutants``)."""
        return _wordable_mutants(self.source).get(unit, [])

    def _module_of(self, variant: Variant) -> Any:
        if variant.id not in self._patched:
            try:
                self._patched[variant.id] = patch(self.reference, variant)
            except Exception:  # noqa: BLE001 - a mutant that does not compile here is skipped
                self._patched[variant.id] = None
        return self._patched[variant.id]

    # ------------------------------------------------------------------ explaining
    def explain(self, proxy: StudentProxy, call: Call, actual: Any,
                pattern: tuple | None = None) -> Explanation:
        """Why ``call`` of the student's code gave the wrong ``actual`` (the value, or
        part of its value, that failed a check), as an ``Explanation``.

        Args:
            proxy: the ``student`` proxy (its log, and its worker for a second input).
            call: the logged call that gave ``actual`` (``StudentProxy.origin``).
            actual: the value the failed check was about.
            pattern: the check's generic pattern (``GradingFailure.pattern``), if any.
        """
        explanation = Explanation()
        if call.reply is None:
            return explanation
        about = call.source(actual) or ""
        path = (_path_in(actual, call.value) or ()) if not about else ()
        focus = replay.focus_of(actual, call.value) if not about else ()
        translated = replay.reference_inputs(call, self.reference)
        args, kwargs = translated if translated is not None else (call.args, call.kwargs)
        function = getattr(self.reference, call.function, None) if "." not in call.function else None
        expected = run(function, args, kwargs) if callable(function) else FAILED

        known, narrow = self._known(call, args, kwargs, about, focus, translated is not None)
        known = [m for m in known if self._consistent_known(m, proxy, call, narrow)]
        candidates: list[tuple[Finding, Any]] = [
            (Finding(m.text(), m.id, m.function), m) for m in known]
        if not candidates and self.full and not about and callable(function):
            for variant in self._reproducing_mutants(call, args, kwargs, expected, focus, proxy):
                text = worded(variant.change, variant.function, call.function)
                if text and all(text != f.text for f, _ in candidates):
                    candidates.append((Finding(text, None, variant.function), variant))

        second = replay.second_input(proxy, call) if self.full and (candidates or pattern) else None
        if second is not None and callable(function):
            g_args, g_kwargs, student_g = second
            expected_g = run(function, g_args, g_kwargs)
            kept = []
            for finding, source in candidates:
                verdict = self._agrees_on(source, call, g_args, g_kwargs, student_g, expected_g, focus)
                if verdict is not False:
                    finding.confirmed = verdict is True
                    kept.append((finding, source))
            candidates = kept
            if pattern and pattern[0] == "factor" and expected_g is not FAILED:
                explanation.keep_generic = _same_factor(part(student_g, path), part(expected_g, path),
                                                        pattern[1])
        mutant_findings = [f for f, s in candidates if f.hint_id is None]
        if len(mutant_findings) > MOST_NAMED:
            candidates = [(f, s) for f, s in candidates if f.hint_id is not None]
        explanation.findings = [f for f, _ in candidates]
        if explanation.findings:
            explanation.keep_generic = False
        if self.full:
            explanation.snippet, explanation.simplified = self._reproduction(proxy, call, path, about)
        return explanation

    def _known(self, call: Call, args: tuple, kwargs: dict, about: str, focus: tuple,
               translated: bool) -> tuple[list[Misconception], tuple]:
        """The known mistakes whose output matches the student's, and the items they were
        matched on: the whole return value first (the other items tell mistakes apart:
        two grid searches with one best pair); where none matches so, only the items the
        check was about (the others may differ for reasons of their own: a loss clipped
        in a diverging run), if exactly one mistake matches there.  Arguments made the
        reference's (``translated``) first, then as the student's call had them."""
        inputs = [(args, kwargs)]
        if translated and call.sources:  # a cache made the reference's: also as the student had it
            inputs.append((call.args, call.kwargs))
        for narrow in ((), focus) if focus else ((),):
            for a, kw in inputs:
                found = diagnose(self.misconceptions, self.reference, call.function, a, kw,
                                 call.value, call.arguments_after(), about=about, focus=narrow)
                if found and (not narrow or len(found) == 1):
                    return found, narrow
        return [], ()

    def _consistent_known(self, m: Misconception, proxy: StudentProxy, call: Call, focus: tuple = ()) -> bool:
        """Whether the known mistake ``m`` also gives the student's values on the test's
        other calls of the same function (where its variant gives anything there), in
        the items ``focus`` of what they return."""
        for other in proxy.calls:
            if other is call or other.function != call.function or other.reply is None:
                continue
            inputs = replay.reference_inputs(other, self.reference)
            if inputs is None:
                continue
            wrong = variant_output(m, self.reference, *inputs)
            target = observed(m, other.value, other.arguments_after())
            if m.output is None:
                wrong, target = pick(wrong, focus), pick(target, focus)
            if wrong is FAILED or target is FAILED:
                continue
            if not is_close(target, wrong, check_dtype=False):
                return False
        return True

    def _reproducing_mutants(self, call: Call, args: tuple, kwargs: dict, expected: Any,
                             focus: tuple, proxy: StudentProxy) -> list[Variant]:
        """The mutants of the called function and of the functions it uses whose
        output on the call's arguments reproduces the student's value, and on the
        test's other calls of that function too."""
        if expected is FAILED:
            return []
        others = []
        for other in proxy.calls:
            if other is not call and other.function == call.function and other.reply is not None:
                inputs = replay.reference_inputs(other, self.reference)
                if inputs is not None:
                    others.append((other, inputs, run(getattr(self.reference, call.function), *inputs)))
        found = []
        deadline = time.monotonic() + MUTANT_SECONDS
        for unit in _closure(self.uses(), call.function):
            for variant in self._mutants_of(unit):
                if time.monotonic() > deadline:
                    return found
                module = self._module_of(variant)
                target = getattr(module, call.function, None) if module is not None else None
                if target is None:
                    continue
                if not agrees(call.value, run(target, args, kwargs), expected, focus):
                    continue
                if all(agrees(other.value, run(target, *inputs), other_expected, (), required=False)
                       for other, inputs, other_expected in others):
                    found.append(variant)
        return found

    def _agrees_on(self, source: Any, call: Call, args: tuple, kwargs: dict, student: Any,
                   expected: Any, focus: tuple) -> bool | None:
        """Whether an explanation (a known mistake or a mutant) gives the student's value
        on a second input, in the part the failed check was about (the student's other
        outputs may differ there for reasons of their own, a NaN loss at extreme
        logits): True, False, or None where it gives nothing there."""
        if isinstance(source, Misconception):
            wrong = variant_output(source, self.reference, args, kwargs)
            target = observed(source, student, {})
            if source.output is None:  # only what the failed check was about
                wrong, target = pick(wrong, focus), pick(target, focus)
        else:
            module = self._module_of(source)
            out = run(getattr(module, call.function), args, kwargs) if module is not None else FAILED
            wrong, target = pick(out, focus), pick(student, focus)
        if wrong is FAILED or target is FAILED:
            return None
        return is_close(target, wrong, rtol=replay.SECOND_RTOL, check_dtype=False)

    # ------------------------------------------------------------------ reproducing
    def _reproduction(self, proxy: StudentProxy, call: Call, path: tuple, about: str) -> tuple[str, bool]:
        """A snippet that reproduces the failure, and whether its inputs are simplified:
        the test's own inputs where they are small, else the first two rows rounded to
        three digits where the student's function still fails on them; ("", False)
        where neither can be written."""
        calls = snippet.chain(call)
        if any("." in c.function or c.reply is None for c in calls):
            return "", False
        total = 0
        for record in calls:
            for key, value in [*enumerate(record.args), *record.kwargs.items()]:
                if key not in record.sources:
                    count = snippet.count_numbers(value)
                    if count is None and snippet.literal(value) is None:
                        return "", False
                    total += count or 0
        expected = self._expected_part(call, path, about)
        if total <= snippet.EXACT_NUMBERS:
            text = snippet.snippet([(c, c.args, c.kwargs) for c in calls], self.module, expected,
                                   _label(call, path, about))
            return text or "", False
        simpler = self._simplified_failure(proxy, calls, path, about)
        if simpler is not None:
            inputs, expected = simpler
            text = snippet.snippet([(c, *inputs[i]) for i, c in enumerate(calls)], self.module,
                                   expected, _label(call, path, about))
            return text or "", True
        text = snippet.snippet([(c, c.args, c.kwargs) for c in calls], self.module, expected,
                               _label(call, path, about))
        return text or "", False

    def _expected_part(self, call: Call, path: tuple, about: str) -> Any:
        inputs = replay.reference_inputs(call, self.reference)
        function = getattr(self.reference, call.function, None)
        if inputs is None or not callable(function) or about:
            return None
        value = part(run(function, *inputs), path)
        return None if value is FAILED else value

    def _simplified_failure(self, proxy: StudentProxy, calls: list[Call], path: tuple,
                            about: str) -> tuple[list[tuple[tuple, dict]], Any] | None:
        """The chain of calls on simplified inputs (the first two rows of arrays of the
        first array's length, numbers rounded to three significant digits; or rounded
        only), made again by the student's functions and the reference's, where the
        student's value is still wrong: (the inputs per call, the expected value)."""
        if about or any(c.reply is None or c.reply.seconds >= replay.REPLAY_SECONDS for c in calls):
            return None
        first = next((len(v) for c in calls for v in [*c.args, *c.kwargs.values()]
                      if hasattr(v, "__len__") and not isinstance(v, (str, dict))
                      and getattr(v, "ndim", 1) > 0 and len(v) > 2), None)
        tries = [(2, first), (None, None)] if first else [(None, None)]
        for rows, n in tries:
            inputs = [(snippet.simplified(c.args, rows, n), snippet.simplified(c.kwargs, rows, n))
                      for c in calls]
            student_out: dict[int, Any] = {}
            reference_out: dict[int, Any] = {}
            ok = True
            for i, record in enumerate(calls):
                s_args, s_kwargs = list(inputs[i][0]), dict(inputs[i][1])
                r_args, r_kwargs = list(inputs[i][0]), dict(inputs[i][1])
                for key, (earlier, where) in record.sources.items():
                    j = next(k for k, c in enumerate(calls) if c is earlier)
                    s_value, r_value = part(student_out[j], where), part(reference_out[j], where)
                    if isinstance(key, int):
                        s_args[key], r_args[key] = s_value, r_value
                    else:
                        s_kwargs[key], r_kwargs[key] = s_value, r_value
                function = getattr(self.reference, record.function, None)
                reference_out[i] = run(function, tuple(r_args), r_kwargs) if callable(function) else FAILED
                if reference_out[i] is FAILED:
                    ok = False
                    break
                try:
                    student_out[i] = proxy.replay(record.function, tuple(s_args), s_kwargs)
                except StudentCodeError:
                    ok = False
                    break
            if not ok:
                continue
            last = len(calls) - 1
            got, want = part(student_out[last], path), part(reference_out[last], path)
            if got is not FAILED and want is not FAILED and not is_close(got, want):
                return inputs, want
        return None


def _label(call: Call, path: tuple, about: str) -> str:
    """The name of what a reproduction prints: ``db`` for item 2 of affine_backward's
    ``(dx, dW, db)`` is unknown here, so the path's last key where it is a name."""
    if about:
        return about
    return str(path[-1]) if path and isinstance(path[-1], str) else ""


def _same_factor(student: Any, expected: Any, factor: float) -> bool:
    """Whether ``student`` is ``factor`` times ``expected`` (a second input's values):
    a generic "N times" remark that holds on one input only is a coincidence."""
    import numpy as np

    try:
        a = np.asarray(student, dtype=np.float64).ravel()
        e = np.asarray(expected, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        return False
    return a.shape == e.shape and bool(np.allclose(a, factor * e, rtol=1e-6,
                                                    atol=1e-12 * max(1.0, abs(factor)) + math.ulp(1.0)))
