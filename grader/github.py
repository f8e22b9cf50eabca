"""The ``--format github`` renderer: a ``Result`` as GitHub Actions shows it.

One call of ``render_github`` produces, for a grading step of a workflow:

* **annotations**: one ``::error file=…,line=…,title=…::message`` workflow command per
  failed test (consecutive failures with one message as one, as in the terminal report)
  on the step's standard output, pointing at the ``def`` of the function the test names,
  and one ``::warning title=…::…`` per grader warning;
* **the job summary**: Markdown appended to the file ``$GITHUB_STEP_SUMMARY`` names: the
  score, the notes (which suite ran), a table of every test and each failure's message;
* **the results document**: ``Result.to_dict()`` as JSON at ``results_path`` (what the
  workflow uploads as an artifact);
* **step outputs**: ``score``, ``max-score``, ``percent``, ``passed`` and ``results``
  appended to the file ``$GITHUB_OUTPUT`` names;
* one line for people reading the log.

The rules followed are those of GitHub's documentation, "Workflow commands for GitHub
Actions" (docs.github.com/actions/reference/workflow-commands-for-github-actions):

* a workflow command is a line ``::name prop=value,prop=value::data``; in the data ``%``,
  ``\\r`` and ``\\n`` are written ``%25``, ``%0D`` and ``%0A``, and in a property value
  ``:`` and ``,`` are also written ``%3A`` and ``%2C`` (the runner, actions/runner
  ``ActionCommand.cs``, undoes exactly these).  The runner treats a line as a command
  when it starts with ``::`` after leading white space, so text that is not ours (test
  output quotes the student's values and printed text) must never begin a line: it only
  ever appears escaped, after the ``::`` of one of our own command lines;
* GitHub keeps at most 10 error and 10 warning annotations per step (and 50 per job);
  further ones are dropped silently, hence ``ANNOTATIONS_PER_STEP``;
* ``GITHUB_STEP_SUMMARY`` names a file of GitHub Flavored Markdown for the step, to be
  appended to; more than 1 MiB of it per step is refused (hence ``SUMMARY_BUDGET``);
* ``GITHUB_OUTPUT`` names a file of ``key=value`` lines, appended to; a value that has
  line breaks is written ``key<<DELIMITER``, the lines, then ``DELIMITER`` alone on a
  line, with a delimiter that does not occur in the value.

Student source is only ever parsed (``ast``), never executed.
"""

from __future__ import annotations

import ast
import html
import json
import os
import re
import sys
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from grader.i18n import _, ngettext
from grader.report import fenced, number, points_text
from grader.result import Result, TestResult

__all__ = [
    "ANNOTATIONS_PER_STEP", "SUMMARY_BUDGET", "FailureGroup", "escape_data", "escape_property",
    "failure_groups", "function_lines", "job_summary", "output_lines", "render_github",
    "function_of_test", "workflow_command",
]

#: Error annotations (and, separately, warning annotations) GitHub keeps per step.
ANNOTATIONS_PER_STEP = 10
#: Bytes of job summary this renderer writes at most (GitHub refuses over 1 MiB a step).
SUMMARY_BUDGET = 900_000
#: Characters of one test's message in an annotation / in the job summary; longer ones
#: are cut (the results document always has them whole).
ANNOTATION_MESSAGE_MAX = 4_000
SUMMARY_MESSAGE_MAX = 8_000
#: Characters of an annotation's title.
TITLE_MAX = 120


# ---------------------------------------------------------------------------
# Workflow commands
# ---------------------------------------------------------------------------

def escape_data(text: str) -> str:
    """``text`` as the data (message) of a workflow command: ``%`` → ``%25``, ``\\r`` →
    ``%0D``, ``\\n`` → ``%0A`` (GitHub's rule; the runner decodes them back).  The result
    has no line break, so it cannot start a line of its own."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """``text`` as a property value of a workflow command: ``escape_data`` and also
    ``:`` → ``%3A`` and ``,`` → ``%2C`` (which would end the value or the properties)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(name: str, message: str = "", **properties: object) -> str:
    """One workflow command line (no newline): ``::name k=v,k=v::message``, values and
    message escaped; properties whose value is ``None`` are left out.  Example::

        workflow_command("error", "expected 3\\ngot 4", file="a.py", line=7, title="f: x")
        == "::error file=a.py,line=7,title=f%3A x::expected 3%0Agot 4"
    """
    props = ",".join(f"{key}={escape_property(str(value))}"
                     for key, value in properties.items() if value is not None)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


# Line breaks as Python's str.splitlines and other readers of a log see them; they are
# all made "\n" (then escaped) so that no reader can find a line that is not ours.
_LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Other control characters (terminal escape sequences, NUL, ...): shown as \xNN.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _clean(text: str) -> str:
    """Text that is not ours (test output), with line breaks normalised to ``\\n`` and
    other control characters but tabs made visible (``\\x1b``)."""
    text = _LINE_BREAKS.sub("\n", text)
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _cut(text: str, limit: int, where: str) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rstrip() + "\n… " + _("(shortened; {where} has it in full)").format(where=where)


# ---------------------------------------------------------------------------
# Where a test's function is
# ---------------------------------------------------------------------------

def function_lines(source_text: str | bytes) -> dict[str, int]:
    """Line (1-based) of the ``def``/``class`` of every function and class the module
    ``source_text`` defines at top level (also inside a top-level ``if``/``try``/``with``),
    and of every method and nested class as ``Class.method``; ``{}`` when the source
    does not parse.  The line is that of the ``def`` keyword, not of a decorator.  A name
    defined twice gets its last definition (the one Python keeps).  The source is only
    parsed, never executed."""
    try:
        tree = ast.parse(source_text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    lines: dict[str, int] = {}

    def visit(body: list[ast.stmt], prefix: str, module_level: bool) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                lines[prefix + node.name] = node.lineno
                if isinstance(node, ast.ClassDef):
                    visit(node.body, f"{prefix}{node.name}.", False)
            elif module_level and isinstance(node, (ast.If, ast.Try, ast.With)):
                for block in ("body", "orelse", "finalbody"):
                    visit(getattr(node, block, []), prefix, True)
                for handler in getattr(node, "handlers", []):
                    visit(handler.body, prefix, True)

    visit(tree.body, "", True)
    return lines


def function_of_test(test_name: str) -> str | None:
    """The function (``name`` or ``Class.method``) a test's display name starts with:
    what comes before its first colon, if that is a dotted Python name
    (``"affine_backward: dW matches …"`` → ``"affine_backward"``); else ``None``."""
    head, colon, _rest = test_name.partition(":")
    head = head.strip()
    if colon and head and all(part.isidentifier() for part in head.split(".")):
        return head
    return None


# ---------------------------------------------------------------------------
# Failures
# ---------------------------------------------------------------------------

@dataclass
class FailureGroup:
    """Consecutive failed tests with one output (one mistake failing several tests), as
    the terminal report groups them."""

    tests: list[TestResult]

    @property
    def first(self) -> TestResult:
        return self.tests[0]

    @property
    def output(self) -> str:
        return self.first.output

    @property
    def points(self) -> float:
        return round(sum(t.max_score for t in self.tests), 6)

    @property
    def function(self) -> str | None:
        return function_of_test(self.first.name)

    def label(self) -> str:
        """``"<first test>"`` or ``"<first test> and N more tests"``, in the run's
        language."""
        more = len(self.tests) - 1
        if not more:
            return self.first.name
        return ngettext("{test} and {count} more test", "{test} and {count} more tests",
                        more).format(test=self.first.name, count=more)


def failure_groups(result: Result) -> list[FailureGroup]:
    """The failed tests in the order they ran, consecutive ones with identical output
    together."""
    groups: list[FailureGroup] = []
    for test in result.failed:
        if groups and groups[-1].output == test.output:
            groups[-1].tests.append(test)
        else:
            groups.append(FailureGroup([test]))
    return groups


def _line_of(function: str | None, lines: Mapping[str, int]) -> int | None:
    """The line of ``function`` (``Class.method``), or failing that of the nearest
    enclosing class that is found (``Class``)."""
    while function:
        if function in lines:
            return lines[function]
        function = function.rpartition(".")[0]
    return None


def _percent(result: Result) -> str:
    return f"{100 * result.score / result.max_score:.1f}" if result.max_score else "0.0"


def _all_passed(result: Result) -> bool:
    counted = result.counted
    return bool(counted) and all(t.status == "passed" for t in counted)


def _title(label: str, points: float) -> str:
    tail = _("{test} ({points})").format(test="", points=points_text(points))
    room = TITLE_MAX - len(tail)
    if len(label) > room:
        label = label[:room - 1].rstrip() + "…"
    return label + tail


def _annotations(result: Result, lines: Mapping[str, int], display_path: str) -> list[str]:
    """The ``::error`` lines: one per failure group in the order the tests ran (the
    handout's order: later functions build on earlier ones), at most
    ``ANNOTATIONS_PER_STEP``; when there are more groups, the last one says how many
    failed tests are not annotated."""
    groups = failure_groups(result)
    shown = groups if len(groups) <= ANNOTATIONS_PER_STEP else groups[:ANNOTATIONS_PER_STEP - 1]
    commands = []
    for group in shown:
        message = _cut(_clean(group.output).strip() or _("This test failed."),
                       ANNOTATION_MESSAGE_MAX, _("the job summary"))
        commands.append(workflow_command(
            "error", message, file=display_path,
            line=_line_of(group.function, lines),
            title=_title(_clean(group.label()).replace("\n", " "), group.points)))
    rest = groups[len(shown):]
    if rest:
        count = sum(len(g.tests) for g in rest)
        points = sum(g.points for g in rest)
        commands.append(workflow_command(
            "error",
            _("{count} more test(s) failed ({points}) and are not annotated here: GitHub shows "
              "at most {most} error annotations per step. The job summary lists every failed "
              "test with its message.").format(count=count, points=points_text(points),
                                               most=ANNOTATIONS_PER_STEP),
            file=display_path, title=_("{count} more failed test(s)").format(count=count)))
    return commands


def _warning_commands(result: Result, warnings: Sequence[str]) -> list[str]:
    warnings = [_clean(w) for w in warnings]
    shown = warnings if len(warnings) <= ANNOTATIONS_PER_STEP else warnings[:ANNOTATIONS_PER_STEP - 1]
    title = _("{assignment}: grader warning").format(assignment=result.assignment)
    commands = [workflow_command("warning", w, title=title) for w in shown]
    if len(warnings) > len(shown):
        commands.append(workflow_command(
            "warning", _("{count} more warning(s): see the job summary.").format(
                count=len(warnings) - len(shown)), title=title))
    return commands


# ---------------------------------------------------------------------------
# Job summary (GitHub Flavored Markdown)
# ---------------------------------------------------------------------------

_MD_PUNCTUATION = re.compile(r"([\\`*_\[\]{}#+!|~])")


def _md(text: str, *, cell: bool = False) -> str:
    """``text`` as literal inline Markdown: Markdown punctuation backslash-escaped
    (``|`` included, which would end a table cell), ``&``, ``<``, ``>`` as entities (no
    HTML), line breaks as ``<br>`` in a table cell and spaces elsewhere."""
    text = _MD_PUNCTUATION.sub(r"\\\1", _clean(text))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\n", "<br>" if cell else " ")


def _html(text: str) -> str:
    """``text`` as literal text inside an HTML element, on one line."""
    return html.escape(_clean(text), quote=False).replace("\n", " ")


def _code_block(text: str) -> str:
    """``text`` (cleaned) as a fenced code block that no line of it can close: everything
    in it is shown literally (no Markdown, no HTML); no line break after the fence."""
    return fenced(_clean(text).rstrip()).rstrip("\n")


def job_summary(result: Result, *, display_path: str, lines: Mapping[str, int] | None = None,
                warnings: Sequence[str] = (), results_path: Path | None = None) -> str:
    """The Markdown of the job summary: a heading with the score (✅ when every counted
    test passed, else ❌), the notes, the warnings, a ``| | Test | Points |`` table of
    every test (✅ passed, ❌ failed, ⏭️ skipped with its reason), and then either "All
    tests passed." or a ``<details>`` block per failure group with its message in a
    fenced code block.  Test output is shown literally: it cannot add Markdown or HTML."""
    lines = lines or {}
    mark = "✅" if _all_passed(result) else "❌"
    parts = [f"## {mark} {_md(result.assignment)}: {_md(result.title)} — "
             f"{number(result.score)}/{number(result.max_score)} ({_percent(result)}%)"]
    if result.graded_because:
        parts.append(_("Graded: {path} ({why})").format(path=_md(display_path),
                                                        why=_md(result.graded_because)))
    else:
        parts.append(_("Graded: {path}").format(path=_md(display_path)))
    if result.notes:
        parts.append("\n>\n".join(f"> {_md(note)}" for note in result.notes))
    if warnings:
        parts.append("### ⚠️ " + _("Warnings") + "\n\n" + "\n".join(f"- {_md(w)}" for w in warnings))

    rows = ["| | " + _("Test") + " | " + _("Points") + " |", "|---|---|---|"]
    marks = {"passed": "✅", "failed": "❌", "skipped": "⏭️"}
    for t in result.tests:
        name = _md(t.name, cell=True)
        if t.status == "skipped":
            reason = ("<br>*" + _("skipped: {reason}").format(reason=_md(t.output, cell=True)) + "*"
                      if t.output.strip() else "")
            rows.append(f"| ⏭️ | {name}{reason} | "
                        + _("not counted ({points})").format(points=number(t.max_score)) + " |")
        else:
            rows.append(f"| {marks.get(t.status, '❔')} | {name} | {number(t.score)}/{number(t.max_score)} |")
    parts.append("\n".join(rows))

    groups = failure_groups(result)
    if not groups and _all_passed(result):
        parts.append("**" + _("All tests passed.") + "**")
    elif groups:
        lost = sum(g.points for g in groups)
        parts.append("### " + _("What to fix ({count} failed test(s), {points})").format(
            count=len(result.failed), points=points_text(lost)))
        size = len("\n\n".join(parts).encode())
        for i, group in enumerate(groups):
            where = ""
            if group.function:
                line = _line_of(group.function, lines)
                where = f" — <code>{_html(group.function)}</code>" + (
                    ", " + _("line {line}").format(line=line) if line else "")
            message = _cut(group.output.strip() or _("This test failed."), SUMMARY_MESSAGE_MAX,
                           _("the results document"))
            title = _("{test} ({points})").format(test=group.label(), points=points_text(group.points))
            block = (f"<details>\n<summary>❌ {_html(title)}{where}</summary>\n\n"
                     f"{_code_block(message)}\n\n</details>")
            size += len(block.encode()) + 2
            if size > SUMMARY_BUDGET:
                rest = sum(len(g.tests) for g in groups[i:])
                saved = f" ({_md(str(results_path))})" if results_path else ""
                parts.append(_("{count} more failed test(s) are left out of this summary for "
                               "size; the results document{where} has them all.").format(
                                   count=rest, where=saved))
                break
            parts.append(block)
    return "\n\n".join(parts) + "\n"


# ---------------------------------------------------------------------------
# Step outputs
# ---------------------------------------------------------------------------

def output_lines(outputs: Mapping[str, str]) -> str:
    """``outputs`` in the ``$GITHUB_OUTPUT`` file's format: ``key=value`` lines, or, for a
    value with a line break, ``key<<DELIMITER`` / the value / ``DELIMITER`` with a random
    delimiter that does not occur in the value (GitHub's "Multiline strings")."""
    text = []
    for key, value in outputs.items():
        if "\n" in value or "\r" in value:
            delimiter = f"EOF_{uuid.uuid4().hex}"
            while delimiter in value:
                delimiter = f"EOF_{uuid.uuid4().hex}"
            text.append(f"{key}<<{delimiter}\n{value}\n{delimiter}\n")
        else:
            text.append(f"{key}={value}\n")
    return "".join(text)


# ---------------------------------------------------------------------------
# All of it
# ---------------------------------------------------------------------------

def _source_lines(source: Path | None) -> dict[str, int]:
    if source is None:
        return {}
    try:
        return function_lines(Path(source).read_bytes())  # bytes: PEP 263 coding cookies hold
    except OSError:
        return {}


def render_github(result: Result, *, source: Path | None, display_path: str, results_path: Path,
                  environ: Mapping[str, str] = os.environ, stream: TextIO = sys.stdout,
                  warnings: Sequence[str] = ()) -> None:
    """Render ``result`` for a GitHub Actions step.

    Args:
        result: the grading's result.
        source: the student's Python file, parsed (never run) to find the line of the
            function each failed test names; ``None`` (a notebook) or a file that does
            not parse gives annotations without a line.
        display_path: the submission's path relative to the repository root, as the
            annotations name it (``"assignments/hw3/backprop.py"``).
        results_path: where ``result.to_dict()`` is written as JSON (parent folders
            created); the workflow uploads it.
        environ: where ``GITHUB_STEP_SUMMARY`` and ``GITHUB_OUTPUT`` are looked up; without
            them no summary and no outputs are written.
        stream: receives the workflow commands (``::warning``, ``::error``) and a last
            line for people: ``"hw3: 68/100 (68.0%) — 3 test(s) failed; see the job
            summary"``.
        warnings: things about the grading setup to flag (``::warning`` each, and a
            section of the summary).
    """
    results_path = Path(results_path)
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n",
                            encoding="utf-8")

    lines = _source_lines(source)
    for command in [*_warning_commands(result, warnings), *_annotations(result, lines, display_path)]:
        stream.write(command + "\n")

    summary_file = environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        text = job_summary(result, display_path=display_path, lines=lines, warnings=warnings,
                           results_path=results_path)
        with open(summary_file, "a", encoding="utf-8") as f:
            f.write("\n" + text)

    output_file = environ.get("GITHUB_OUTPUT")
    if output_file:
        outputs = {"score": number(result.score), "max-score": number(result.max_score),
                   "percent": _percent(result),
                   "passed": "true" if _all_passed(result) else "false",
                   "results": str(results_path)}
        with open(output_file, "a", encoding="utf-8") as f:
            f.write(output_lines(outputs))

    failed = len(result.failed)
    where = (_("see the job summary") if summary_file
             else _("see {path}").format(path=results_path))
    status = (_("{count} test(s) failed; {where}").format(count=failed, where=where) if failed
              else _("all {count} test(s) passed").format(count=len(result.counted)))
    stream.write(f"{result.assignment}: {number(result.score)}/{number(result.max_score)} "
                 f"({_percent(result)}%) — {status}\n")
