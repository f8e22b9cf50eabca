"""What can go wrong in a grading run, each as an exception that knows how to tell a
student about it.

Every exception here has ``student_message``: the text shown in the report for the
test that raised it, written for the student who has to act on it.  The plugin never
shows a bare traceback or ``AssertionError``; tests raise these (directly or through
``grader.checks`` and the ``student`` proxy).
"""

from __future__ import annotations

import re
from typing import Iterable

from grader.i18n import _

__all__ = [
    "closest",
    "did_you_mean",
    "GradingFailure",
    "StudentCodeError",
    "StudentException",
    "NotImplementedYet",
    "StudentExit",
    "StudentTimeout",
    "WorkerCrashed",
    "LimitExceeded",
    "SubmissionNotImportable",
    "MissingFunction",
    "ValueCannotCross",
    "ConfigurationError",
    "GraderFault",
]

#: Chinese characters and full-width punctuation: no space goes between two of them.
_CJK_RANGES = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_CJK = re.compile(f"[{_CJK_RANGES}]")


def closest(name: str, candidates: "Iterable[str]") -> str | None:
    """The candidate a mistyped ``name`` most likely meant, for a "did you mean" (``hw33``:
    ``hw3``): the one most similar to it by ``difflib.SequenceMatcher``'s ratio (at least
    0.6, compared case-insensitively), where one is closer than all others (``hw0`` is as
    close to hw1 as to hw7: None)."""
    import difflib

    ratios = {c: difflib.SequenceMatcher(None, name.casefold(), c.casefold()).ratio()
              for c in candidates}
    best = max(ratios.values(), default=0.0)
    nearest = [c for c, r in ratios.items() if r == best]
    return nearest[0] if best >= 0.6 and len(nearest) == 1 else None


def did_you_mean(names: "Iterable[str]", candidates: "Iterable[str]", quote: bool = False) -> str:
    """``"; did you mean hw3?"`` in the run's language, for an error about the mistyped
    ``names``: the ``closest`` of ``candidates`` to each (several joined by "or"), each
    in quotes (``repr``) where ``quote``; "" where none is close."""
    candidates = list(candidates)
    guesses: list[str] = []
    for name in names:
        guess = closest(name, candidates)
        if guess is not None and guess not in guesses:
            guesses.append(guess)
    if not guesses:
        return ""
    shown = [repr(g) if quote else g for g in guesses]
    return _("; did you mean {guesses}?").format(guesses=_(" or ").join(shown))


class GradingFailure(AssertionError):
    """A check found the student's answer wrong.

    Args:
        message: what is wrong, for the student (which output, expected vs got).
        actual: the value that was checked, so that the report can name the call of
            the student's code that produced it.
        wrong_value: whether the message is about ``actual`` being wrong (the report
            then says "f(...) returned a wrong value"); False for other findings about
            the call, such as a warning it raised.
    """

    def __init__(self, message: str, actual=None, wrong_value: bool = True):
        super().__init__(message)
        self.actual = actual
        self.wrong_value = wrong_value

    @property
    def student_message(self) -> str:
        return str(self)


class StudentCodeError(Exception):
    """Base class: the student's code could not give an answer at all."""

    def __init__(self, function: str | None, detail: str = "", output: str = ""):
        super().__init__(function, detail)
        self.function = function
        self.detail = detail
        self.output = output
        #: names of the call's positional parameters, where the worker could read them
        self.params: list[str] = []

    @property
    def where(self) -> str:
        return f"`{self.function}`" if self.function else _("your code")

    def _say(self, template: str, **values) -> str:
        """``template`` (already translated) formatted with ``where=self.where`` and
        ``values``.  Where ``where`` is itself Chinese ("你的代码"), the spaces that a
        Chinese template puts around ``{where}`` for a function's name go: "`f` 返回了…",
        but "你的代码返回了…"."""
        if _CJK.match(self.where[:1]):
            template = re.sub(rf"(?<=[{_CJK_RANGES}]) \{{where\}}", "{where}", template)
            template = re.sub(rf"\{{where\}} (?=[{_CJK_RANGES}]|\{{detail\}})", "{where}", template)
        return template.format(where=self.where, **values)

    @property
    def student_message(self) -> str:  # pragma: no cover - overridden
        return self.detail


class StudentException(StudentCodeError):
    """The student's function raised an exception.

    Args:
        function: the function (or method) that was called.
        exc_type: the exception's class name, e.g. ``"ValueError"``.
        message: ``str(exception)``.
        traceback: the frames of the submission only, formatted.
    """

    def __init__(self, function, exc_type: str, message: str, traceback: str = "", output: str = ""):
        super().__init__(function, message, output)
        self.exc_type = exc_type
        #: the names of the exception's class and its bases (``IndexError``,
        #: ``LookupError``, ``Exception``, ...), as the worker saw them
        self.exc_classes = [exc_type]
        self.message = message
        self.traceback = traceback

    @property
    def student_message(self) -> str:
        text = self._say(_("{where} raised {exception}: {message}"),
                         exception=self.exc_type, message=self.message).rstrip(": ")
        if self.traceback:
            text += "\n" + self.traceback.rstrip()
        return text


class NotImplementedYet(StudentException):
    """The student's function still raises NotImplementedError (an untouched stub)."""

    @property
    def student_message(self) -> str:
        return self._say(_("{where} is not implemented yet (it raises NotImplementedError)."))


class StudentExit(StudentCodeError):
    """The student's code called ``sys.exit()`` / ``exit()`` / ``quit()``."""

    def __init__(self, function, code, traceback: str = "", output: str = ""):
        super().__init__(function, f"exit code {code!r}", output)
        self.code = code
        self.traceback = traceback

    @property
    def student_message(self) -> str:
        text = self._say(_("{where} called exit() / sys.exit({code}); a graded function must "
                           "return its result instead. Remove the exit call."), code=self.code)
        if self.traceback:
            text += "\n" + self.traceback.rstrip()
        return text


class StudentTimeout(StudentCodeError):
    """A call of the student's code ran past the per-call time limit.

    Args:
        function: the function that was called.
        seconds: the limit, in seconds (wall-clock).
        earlier: True when this function already timed out earlier in the run and was
            not called again (so that one infinite loop costs the limit once, not once
            per test).
    """

    def __init__(self, function, seconds: float, earlier: bool = False, output: str = ""):
        super().__init__(function, f"timed out after {seconds:g} s", output)
        self.seconds = seconds
        self.earlier = earlier

    @property
    def student_message(self) -> str:
        if self.earlier:
            text = _("{where} timed out after {seconds:g} s earlier in this run, so it was not "
                     "called again. Look for an infinite loop (a `while` whose condition never "
                     "becomes false) or work that grows far too fast.")
        else:
            text = _("{where} timed out after {seconds:g} s (the per-call time limit). Look for "
                     "an infinite loop (a `while` whose condition never becomes false) or work "
                     "that grows far too fast.")
        return self._say(text, seconds=self.seconds)


class WorkerCrashed(StudentCodeError):
    """The worker process died while running the student's code."""

    def __init__(self, function, how: str, output: str = ""):
        super().__init__(function, how, output)
        self.how = how

    @property
    def student_message(self) -> str:
        return self._say(_("the process running your code died while running {where} ({how}). "
                           "This happens with os._exit(), a crash in native code, or using far "
                           "too much memory. A fresh process was started for the remaining "
                           "tests."), how=self.how)


class LimitExceeded(StudentCodeError):
    """The student's code hit one of the submission's resource limits
    (``grader.limits.Limits``): memory, CPU time, file size, disk space, processes,
    open files, or the submission's total time.

    Args:
        function: the call that hit it (None at import).
        limit: which limit, as its ``Limits`` field name (``"memory_mb"``, ...).
        detail: what happened, naming the limit and its value, and what to do.
    """

    def __init__(self, function, limit: str, detail: str, output: str = ""):
        super().__init__(function, detail, output)
        self.limit = limit

    @property
    def student_message(self) -> str:
        return self._say("{where} {detail}", detail=self.detail)


class SubmissionNotImportable(StudentCodeError):
    """The submission could not be imported (syntax error, exception or exit at import,
    or top-level code that ran past the time limit).

    Args:
        reason: what happened, for the student (in the run's language).
        output: what the code printed.
        cause: what stopped it, whatever the language of ``reason``: ``"error"`` (it
            raised, exited, died or does not parse), ``"time limit"`` (its top-level
            code ran past the import time limit), ``"restarts"`` (the worker was
            restarted too often after timeouts or crashes); None where the raiser did
            not say (``grader.result.outcome_of`` then reads the English ``reason``).
    """

    def __init__(self, reason: str, output: str = "", cause: str | None = None):
        super().__init__(None, reason, output)
        self.reason = reason
        self.cause = cause

    @property
    def student_message(self) -> str:
        return _("your file could not be imported, so none of its functions could be "
                 "tested:\n{reason}").format(reason=self.reason.rstrip())


class MissingFunction(StudentCodeError):
    """The submission does not define a function (or attribute) a test needs."""

    @property
    def student_message(self) -> str:
        return self._say(_("your file does not define {where}. Keep the names and signatures "
                           "of the stub."))


class ValueCannotCross(StudentCodeError):
    """A value could not be sent to, or back from, the worker."""

    @property
    def student_message(self) -> str:
        return self._say(_("{where} returned a value that cannot be graded: {detail}"),
                         detail=self.detail)


class ConfigurationError(Exception):
    """An assignment or suite is set up wrongly (an instructor's error, not a student's)."""


class GraderFault(Exception):
    """The grader could not grade this submission safely, through no fault of the
    student's: a worker could not be confined as the machine allows (a failed mount or
    uid change, reported by the worker before any student code ran, once more after a
    retry).  The submission's grading stops; no score is given for it (``grade hwN``
    exits 4, ``grade batch`` records an error and grades it again on the next run)."""
