"""Renderers: a ``Result`` as the terminal shows it, or as one JSON document.

The JSON form is ``Result.to_dict()`` (Gradescope's results.json shape).  The terminal
form is a table of tests with points, the total, and each failed test's message.
"""

from __future__ import annotations

import json
import re

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from grader.i18n import _
from grader.result import Result

__all__ = ["failures_by_message", "fenced", "number", "render_json", "render_terminal"]


def render_json(result: Result) -> str:
    """The results document as JSON text (UTF-8, not ASCII-escaped)."""
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False)


def number(x: float, places: int = 6) -> str:
    """A number of points as people write it, without float noise and never in exponent
    form: ``96``, ``2.5``, ``0.3`` (rounded to ``places`` decimals)."""
    text = f"{round(float(x), places):.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fenced(text: str, info: str = "text") -> str:
    """``text`` verbatim in a Markdown fenced code block (ending in a line break) whose
    fence is longer than any run of backticks inside it, so that no line of ``text``
    can close it (CommonMark, "Fenced code blocks")."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = text if text.endswith("\n") else text + "\n"
    return f"{fence}{info}\n{body}{fence}\n"


def failures_by_message(tests: list[dict]) -> list[tuple[str, list[dict]]]:
    """The failed tests of a results document (``Result.to_dict()["tests"]``) grouped by
    their message, in order of first appearance: a file that does not import fails every
    test with one message, which is then shown once."""
    groups: dict[str, list[dict]] = {}
    for t in tests:
        if t.get("status") == "failed":
            groups.setdefault(str(t.get("output") or "(no message)"), []).append(t)
    return list(groups.items())


def _points(x: float) -> str:
    return f"{x:g}"


def render_terminal(result: Result, console: Console) -> None:
    """Print the table of tests, the total and the failures to ``console``."""
    console.print(Text(f"{result.assignment}: {result.title}", style="bold"))
    console.print(f"submission: {escape(result.submission)}")
    for note in result.notes:
        loud = result.suite == "public" or "skipped" in note or note.startswith("Isolation:")
        console.print(Text(note, style="yellow" if loud else ""))
    if result.tampered:
        console.print(Text("This repository differs from the release in files you must not change "
                           "(your instructor sees this):", style="red bold"))
        for line in result.tampered:
            console.print(Text(f"  {line}", style="red"))
    table = Table(show_edge=False, pad_edge=False, expand=False)
    table.add_column("", width=2)
    table.add_column("test")
    table.add_column("points", justify="right")
    marks = {"passed": ("✓", "green"), "failed": ("✗", "red"), "skipped": ("–", "dim")}
    for t in result.tests:
        mark, style = marks.get(t.status, ("?", ""))
        points = "skipped" if t.status == "skipped" else f"{_points(t.score)}/{_points(t.max_score)}"
        table.add_row(Text(mark, style=style), Text(t.name), Text(points, style=style))
    console.print(table)
    score = Text(f"Score: {_points(result.score)}/{_points(result.max_score)}", style="bold")
    console.print(score)
    if result.failed:
        console.print()
        console.print(Text(f"What to fix ({len(result.failed)} failed):", style="bold"))
        failed = result.failed
        shown_hints: set[str] = set()
        i = 0
        while i < len(failed):
            same = 1  # consecutive failures with one message are shown once
            while i + same < len(failed) and failed[i + same].output == failed[i].output:
                same += 1
            group = failed[i:i + same]
            points = sum(t.max_score for t in group)
            title = group[0].name if same == 1 else f"{group[0].name} and {same - 1} more test(s)"
            if result.outcome in ("import error", "import time limit") and same == len(failed):
                # one cause, not a test: the file did not import, so no test could run
                title = _("Your file could not be imported: none of its {n} tests could run").format(n=same)
            unit = "point" if points == 1 else "points"
            console.print(Text(f"✗ {title} ({_points(points)} {unit})", style="red bold"))
            for line in group[0].output.splitlines():
                console.print(Text("    " + _shorten_repeated_hint(line, shown_hints)))
            i += same


def _shorten_repeated_hint(line: str, shown: set[str]) -> str:
    """A ``Hint:`` line in full the first time, then only its first clause: the same
    known mistake often spoils several tests."""
    if not line.startswith("Hint: "):
        return line
    if line not in shown:
        shown.add(line)
        return line
    first = line.split(":", 2)[1].split(". ")[0].strip()
    return f"Hint: {first} (the same known mistake as above)."
