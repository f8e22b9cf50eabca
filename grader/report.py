"""Renderers: a ``Result`` as the terminal shows it, or as one JSON document.

The JSON form is ``Result.to_dict()`` (Gradescope's results.json shape).  The terminal
form, for a student who just ran ``grade hw3``, reads from the top: the assignment,
which file was graded and why, the notes, the score; then what to fix, each failed
test's message (consecutive failures with one message once); then the table of every
test with its points, the score at its foot.  It is laid out for 80 columns (fewer
where the terminal is narrower), and a message line too long for them wraps with a
hanging indent: under its own indentation, and under the text after a label such as
``Hint: `` or ``db: ``, so that a wrapped message keeps its shape.  Every word of it is
in the run's language (``grader.i18n``).
"""

from __future__ import annotations

import json
import re

from rich.console import Console
from rich.table import Table
from rich.text import Text

from grader.i18n import _, in_every_language, ngettext
from grader.result import Result

__all__ = ["MAX_WIDTH", "failures_by_message", "fenced", "hanging", "line_breaks", "number",
           "points_text", "render_json", "render_terminal"]

#: The most columns the terminal report uses, whatever the terminal's width.
MAX_WIDTH = 80
#: Columns a failed test's message is indented by, under its title.
MESSAGE_INDENT = 4
#: A label that starts a line (``Hint: ``, ``db: ``, ``Called as: ``, ``提示：``): at
#: most four words before a colon and a space (or a full-width colon), no bracket
#: or backtick before it (not a call such as ``f(x=1): ...``).
_LABEL = re.compile(r"[^\s:：(`][^:：\s(`]*(?: [^:：\s(`]+){0,3}(?:: |：)")
#: The most columns a label's hanging indent may take.
_MAX_HANG = 24
#: The fewest columns left for text beside a hanging indent.
_MIN_TEXT = 30


def render_json(result: Result) -> str:
    """The results document as JSON text (UTF-8, not ASCII-escaped)."""
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False)


def number(x: float, places: int = 6) -> str:
    """A number of points as people write it, without float noise and never in exponent
    form: ``96``, ``2.5``, ``0.3`` (rounded to ``places`` decimals)."""
    text = f"{round(float(x), places):.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def points_text(x: float) -> str:
    """``"1 point"``, ``"2.5 points"``: a number of points with its unit, in the run's
    language."""
    shown = number(x)
    count = int(shown) if re.fullmatch(r"-?\d+", shown) else 2  # 2.5: the plural
    return ngettext("{points} point", "{points} points", count).format(points=shown)


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


def hanging(line: str, width: int, indent: int = 0, style: str = "") -> list[Text]:
    """``line`` (one line, no line break) wrapped to ``width`` columns with a hanging
    indent: it starts ``indent`` columns in, after its own leading spaces; the lines it
    wraps onto start under the text after its label (``Hint: ``, ``db: ``: see
    ``_LABEL``) or, without one, under its first character.  Widths are terminal cells
    (a Chinese character takes two); lines break where Unicode allows
    (``line_breaks``: in Chinese between characters); a word longer than a line is cut.

    Args:
        line: the text.
        width: the columns available, indentation included.
        indent: columns added before every line.
        style: a ``rich`` style for the whole text.

    Returns:
        The lines, each at most ``width`` cells, trailing spaces removed.
    """
    stripped = line.lstrip(" ")
    indent += len(line) - len(stripped)
    label = _LABEL.match(stripped)
    hang = Text(label.group(0)).cell_len if label else 0
    if hang > _MAX_HANG or width - indent - hang < _MIN_TEXT:
        hang = 0
    head, body = (stripped[:label.end()], stripped[label.end():]) if hang else ("", stripped)
    room = max(1, width - indent - hang)
    lines = []
    for i, piece in enumerate(line_breaks(body, room)):
        lead = " " * indent + (head if i == 0 else " " * hang)
        lines.append(Text(lead + piece, style=style))
    return lines


def line_breaks(text: str, width: int) -> list[str]:
    """``text`` (one line) broken into lines of at most ``width`` terminal cells, at the
    places where the Unicode line breaking algorithm allows a break (UAX #14, through
    ``uniseg``): between words, and in Chinese between any two characters except
    before a closing mark (``，。）``) or after an opening one (``（“``), so that a
    Chinese sentence fills its lines instead of moving whole to the next one.  A unit
    wider than a line is cut.  Trailing spaces are removed; an empty ``text`` gives one
    empty line.
    """
    from rich.cells import cell_len
    from uniseg.linebreak import line_break_units

    lines: list[str] = []
    current = ""
    for unit in line_break_units(text):
        if current and cell_len((current + unit).rstrip(" ")) > width:
            lines.append(current.rstrip(" "))
            current = ""
        while cell_len(unit.rstrip(" ")) > width:  # a word longer than a line: cut it
            cut = 1
            while cell_len(unit[:cut + 1]) <= width:
                cut += 1
            lines.append(unit[:cut])
            unit = unit[cut:]
        current += unit
    lines.append(current.rstrip(" "))
    return lines


def _print_wrapped(console: Console, text: str, width: int, indent: int = 0,
                   style: str = "") -> None:
    for line in text.splitlines() or [""]:
        for piece in hanging(line, width, indent, style):
            console.print(piece, width=width, overflow="ignore", no_wrap=True, crop=False)


def _graded_line(result: Result) -> str:
    if result.graded_because:
        return _("Graded: {path} ({why})").format(path=result.submission, why=result.graded_because)
    return _("Graded: {path}").format(path=result.submission)


def render_terminal(result: Result, console: Console) -> None:
    """Print ``result`` for a student to ``console`` (see the module docstring): the
    failures first, the table of tests after them."""
    width = max(40, min(console.width, MAX_WIDTH))
    _print_wrapped(console, f"{result.assignment}: {result.title}", width, style="bold")
    _print_wrapped(console, _graded_line(result), width)
    for i, note in enumerate(result.notes):
        # the first note says which suite ran; the others (isolation, GPU tests skipped)
        # are warnings, and so is the public suite's
        loud = result.suite == "public" or i > 0
        _print_wrapped(console, note, width, style="yellow" if loud else "")
    if result.tampered:
        _print_wrapped(console, _("This repository differs from the release in files you must "
                                  "not change (your instructor sees this):"), width,
                       style="red bold")
        for line in result.tampered:
            _print_wrapped(console, line, width, indent=2, style="red")
    score = _("Score: {score}/{max_score}").format(score=number(result.score),
                                                   max_score=number(result.max_score))
    console.print(Text(score, style="bold"))
    if result.failed:
        console.print()
        _render_failures(result, console, width)
    console.print()
    console.print(_test_table(result, score, width), width=width)


def _render_failures(result: Result, console: Console, width: int) -> None:
    failed = result.failed
    _print_wrapped(console, ngettext("What to fix ({count} test failed):",
                                     "What to fix ({count} tests failed):",
                                     len(failed)).format(count=len(failed)), width, style="bold")
    shown_hints: set[str] = set()
    labels = in_every_language("Hint: ")
    i = 0
    while i < len(failed):
        same = 1  # consecutive failures with one message are shown once
        while i + same < len(failed) and failed[i + same].output == failed[i].output:
            same += 1
        group = failed[i:i + same]
        points = sum(t.max_score for t in group)
        title = group[0].name if same == 1 else ngettext(
            "{test} and {count} more test", "{test} and {count} more tests", same - 1).format(
                test=group[0].name, count=same - 1)
        if result.outcome in ("import error", "import time limit") and same == len(failed):
            # one cause, not a test: the file did not import, so no test could run
            title = _("Your file could not be imported: none of its {n} tests could run").format(n=same)
        _print_wrapped(console, "✗ " + _("{test} ({points})").format(test=title,
                                                                     points=points_text(points)),
                       width, style="red bold")
        for line in group[0].output.splitlines():
            _print_wrapped(console, _shorten_repeated_hint(line, shown_hints, labels), width,
                           indent=MESSAGE_INDENT)
        i += same


#: The columns the table of tests takes besides its test names and its points: the
#: mark (2), and the padding and rule around the name column (" │ ", " │ ").
_TABLE_FRAME = 2 + 3 + 3


def _test_table(result: Result, score: str, width: int) -> Table:
    """The table of every test with its points, ``width`` columns wide at most; a name
    too long for its column wraps as a message does (``hanging``: under the text after
    ``sigmoid: ``, and in Chinese between characters)."""
    table = Table(show_edge=False, pad_edge=False, expand=False, show_footer=True,
                  title=_("All tests"), title_justify="left", title_style="bold")
    marks = {"passed": ("✓", "green"), "failed": ("✗", "red"), "skipped": ("–", "dim")}
    rows = []
    for t in result.tests:
        mark, style = marks.get(t.status, ("?", ""))
        points = _("skipped") if t.status == "skipped" else f"{number(t.score)}/{number(t.max_score)}"
        rows.append((Text(mark, style=style), t.name, Text(points, style=style)))
    heading = _("points")
    points_width = max([Text(heading).cell_len, *(p.cell_len for _m, _n, p in rows)])
    name_width = max(10, width - _TABLE_FRAME - points_width)
    table.add_column("", width=2)
    table.add_column(_("test"), footer=Text(score, style="bold"), overflow="fold",
                     max_width=name_width)
    table.add_column(heading, justify="right", no_wrap=True)
    for mark, name, points in rows:
        table.add_row(mark, Text("\n").join(hanging(name, name_width)), points)
    return table


def _shorten_repeated_hint(line: str, shown: set[str], labels: tuple[str, ...]) -> str:
    """A hint line (starting with one of ``labels``, "Hint: " in each language) in full
    the first time, then only its first clause: the same known mistake often spoils
    several tests."""
    label = next((lab for lab in labels if line.startswith(lab)), None)
    if label is None:
        return line
    if line not in shown:
        shown.add(line)
        return line
    first = re.split(r"[:：]|\. |。", line[len(label):], maxsplit=1)[0].strip()
    return label + _("{clause} (the same known mistake as above).").format(clause=first)
