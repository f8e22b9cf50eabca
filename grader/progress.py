"""A batch's progress, as people watch it: a live bar on a terminal (counts, errors
and rejections so far, time left), or one plain line per submission in a log (CI, a
file, a pipe)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)

from grader.gradebook import Entry

__all__ = ["BatchProgress"]


def _line(entry: Entry) -> str:
    if entry.status == "graded":
        return f"{entry.student}: {entry.score:g}/{entry.max_score:g} ({entry.seconds:.1f} s)"
    label = "rejected" if entry.status == "rejected" else "ERROR"
    return f"{entry.student}: {label}: {entry.reason.splitlines()[0] if entry.reason else ''}"


class BatchProgress:
    """Call ``start(to_grade, total)`` once, then ``advance(entry)`` per result; use as
    a context manager so the live display is always taken down.

    Args:
        console: where to show it (stderr, normally).
    """

    def __init__(self, console: Console):
        self.console = console
        self.live = console.is_terminal
        self.progress: Progress | None = None
        self.task = None
        self.done = self.total = 0
        self.errors = self.rejected = self.retried = 0

    def __enter__(self) -> "BatchProgress":
        return self

    def __exit__(self, *exc) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None

    def start(self, to_grade: int, total: int) -> None:
        self.total = to_grade
        already = total - to_grade
        if already:
            self.console.print(f"{already} of {total} submissions already graded (unchanged); "
                               f"{to_grade} to grade.")
        else:
            self.console.print(f"{total} submissions to grade.")
        if self.live and to_grade:
            self.progress = Progress(
                TextColumn("Grading"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[problems]}"), TimeElapsedColumn(),
                TextColumn("elapsed,"), TimeRemainingColumn(), TextColumn("left"),
                console=self.console,
                transient=False)
            self.task = self.progress.add_task("grading", total=to_grade, problems="")
            self.progress.start()

    def _problems(self) -> str:
        return ", ".join(p for p in (f"{self.errors} errors" * bool(self.errors),
                                     f"{self.rejected} rejected" * bool(self.rejected),
                                     f"{self.retried} retried" * bool(self.retried)) if p)

    def advance(self, entry: Entry) -> None:
        self.done += 1
        self.errors += entry.status == "error"
        self.rejected += entry.status == "rejected"
        if self.progress is not None:
            self.progress.update(self.task, advance=1, problems=self._problems())
            if entry.status != "graded":
                self.progress.console.print(_line(entry), markup=False, highlight=False)
        else:
            width = len(str(self.total))
            self.console.print(f"[{self.done:>{width}}/{self.total}] {_line(entry)}",
                               markup=False, highlight=False)

    def retrying(self, entry: Entry) -> None:
        """A grading process was stopped (``entry``: the error recorded for it) and the
        submission is graded again: said at once, and counted on the bar."""
        self.retried += 1
        line = f"{entry.student}: retrying: {entry.reason.splitlines()[0] if entry.reason else ''}"
        if self.progress is not None:
            self.progress.update(self.task, problems=self._problems())
            self.progress.console.print(line, markup=False, highlight=False)
        else:
            width = len(str(self.total))
            self.console.print(f"[{'':>{width}} {'':>{width}}] {line}", markup=False,
                               highlight=False)
