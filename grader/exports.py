"""Exports of a batch: what ``grade batch hwN PATH... --out DIR`` writes into ``DIR``
from the gradebook's entries (``grader.gradebook.Entry``).

``write_exports(entries, assignment, out)`` writes, all UTF-8 and each file atomically
(a temporary file in the same folder, then ``os.replace``):

``grades.csv``
    one row per student, sorted by id: ``student, name, email, status, outcome,
    score, max_score, percent, late, submitted_at``, one column per test (points
    earned), then ``reason``, ``tampered`` (the tamper flags, below, joined by
    ``"; "``; empty when none), ``content_hash`` (SHA-256 of what was graded) and
    ``graded_at`` (ISO 8601, UTC).  ``outcome`` is how grading went
    (``Entry.outcome``): ``completed``, or what stopped the student's code (``import
    error``, ``import time limit``, ``time limit``, ``crash``, ``resource limit``,
    with ``reason`` saying what happened), or ``rejected`` / ``error``; so a file
    that timed out at import is never read as an honest 0.  ``late`` is ``yes``,
    ``no`` or empty (not known).  The test columns are the union of the graded
    students' tests, in suite order.  A rejected submission has 0 in every test
    column; an ``error`` (the grader's failure, retried by the next run) has empty
    score, percent and test cells: it is never a 0 grade.
``canvas.csv``
    for Canvas's gradebook import (Grades > Import): the header ``Student, ID,
    SIS User ID, SIS Login ID, Section`` then one column for the assignment, named
    ``canvas_column`` or ``"<name> <title>"`` (``"hw3 Backpropagation"``; Canvas
    matches an existing assignment by that name, or by ``"Name (canvas id)"``, and
    creates one otherwise), a ``Points Possible`` row holding the most points any
    graded submission could get (the suite's CPU points, plus its GPU points where
    they ran), then one row per student, ``Student`` being the name where known.  An
    id goes in ``ID`` (Canvas's own user id) only where it is one: the user id of a
    Canvas download's file name (``doejohn_12345_67890_backprop.py``, ``grader.lms``)
    that the submission came from; any other purely numeric id (``[0-9]+``: a student
    number, a Gradescope SID) goes in ``SIS User ID``, and the rest in ``SIS Login
    ID``, so that no id can match another student's Canvas user id.  An error's grade
    is left empty, which Canvas treats as "no change".
``results/<safe id>.json``
    each graded student's results document as stored (Gradescope's results.json
    shape, ``grader.result``); for a rejected submission, a document with score 0,
    the reason as ``output``, no tests, ``extra_data.rejected = true`` (and
    ``extra_data.tampered`` when flagged).  None for errors.
``feedback/<safe id>.md``
    Markdown for the student: score, table of tests, what to fix (tests that failed
    with one message, as every test does when the file did not import, are one item
    saying how many tests and points it cost), the notes; for a rejected submission,
    the reason and what to do; the tamper flags.  None for errors.
``summary.md``
    counts (graded, and of them those that did not complete; rejected; errors), score
    statistics of the graded submissions (rejected ones left out, as in the
    histogram), a table of every student (name, outcome, score, late), the
    submissions that did not import, timed out or crashed, the class's most common
    known mistakes (``grader.hints``) with how many students made each, every test's
    pass rate (hardest first), the rejected and errored students with reasons, the
    students whose repository differs from the release ("Repositories that differ
    from the release"), and the histogram.
``histogram.png``
    the distribution of the graded submissions' percentage scores (bins of 10 %),
    with the mean and the median marked; rejected submissions are left out.

``results/`` and ``feedback/`` mirror the entries: files of students no longer in
``entries`` (and temporary files of an interrupted run) are removed, after the new
files are in place.  ``<safe id>`` comes from ``safe_names``, shared by both folders.

Tamper flags (``Entry.flags``: the protected files of a student repository that
differ from its release) are shown wherever the entry is.

``summary_lines(entries, assignment)`` gives the few lines printed at the end of a
batch.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import secrets
import statistics
import unicodedata
from pathlib import Path
from typing import Any, Iterable

from grader import lms
from grader.assignment import Assignment
from grader.gradebook import STATUSES, Entry
from grader.i18n import _, in_every_language, ngettext
from grader.report import failures_by_message, fenced, number, points_text

__all__ = ["safe_names", "summary_lines", "write_exports"]

#: The files ``write_exports`` writes into ``out`` (folders for ``results``, ``feedback``).
FILES = {"grades": "grades.csv", "canvas": "canvas.csv", "results": "results",
         "feedback": "feedback", "summary": "summary.md", "histogram": "histogram.png"}

_GRADE_COLUMNS = ("student", "name", "email", "status", "outcome", "score", "max_score",
                  "percent", "late", "submitted_at")
_GRADE_TAIL = ("reason", "tampered", "content_hash", "graded_at")
_CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
_TMP_SUFFIX = ".tmp"
_MAX_NAME = 100          # characters of a safe name before its hash (file names: 255 bytes)
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                     *(f"LPT{i}" for i in range(1, 10))}


# ---------------------------------------------------------------------- public API
def write_exports(entries: list[Entry], assignment: Assignment, out: Path, *,
                  canvas_column: str | None = None) -> dict[str, Path]:
    """Write every export (see the module docstring) into ``out`` (created if missing).

    Args:
        entries: every student's current entry (``Gradebook.entries()``); any order.
        assignment: the assignment they belong to (its ``name``, ``title``, ``points``
            and ``submission`` appear in the files).
        out: the batch's output folder.
        canvas_column: the assignment's column name in canvas.csv (default
            ``"<name> <title>"``).

    Returns:
        ``{"grades": csv, "canvas": csv, "results": folder, "feedback": folder,
        "summary": md, "histogram": png}``, all inside ``out``.

    Raises:
        ValueError: two entries with one student id, or an unknown status.
        OSError: a file or folder could not be written (files written before stay
            complete: each is replaced atomically).
    """
    entries = _checked(entries)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {key: out / name for key, name in FILES.items()}
    names = safe_names(e.student for e in entries)

    _write_text(paths["grades"], _grades_csv(entries))
    _write_text(paths["canvas"], _canvas_csv(entries, assignment, canvas_column))

    for key in ("results", "feedback"):
        paths[key].mkdir(exist_ok=True)
    written: dict[str, set[str]] = {"results": set(), "feedback": set()}
    for e in entries:
        if e.status == "error":
            continue
        if e.status == "rejected":
            doc = _rejected_doc(e)
        elif e.result is not None:
            doc = e.result
        else:  # graded without a document: should not happen; keep the score
            doc = {"score": e.score, "max_score": e.max_score, "output": "", "tests": []}
        name = names[e.student]
        _write_text(paths["results"] / f"{name}.json",
                    json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        _write_text(paths["feedback"] / f"{name}.md", _feedback_md(e, doc, assignment))
        written["results"].add(f"{name}.json")
        written["feedback"].add(f"{name}.md")
    _prune(paths["results"], ".json", written["results"])
    _prune(paths["feedback"], ".md", written["feedback"])

    _write_bytes(paths["histogram"], _histogram_png(entries, assignment))
    _write_text(paths["summary"], _summary_md(entries, assignment, paths["histogram"].name))
    return paths


def summary_lines(entries: list[Entry], assignment: Assignment) -> list[str]:
    """A few plain lines for the terminal at the end of a batch: the counts (graded,
    rejected, errors), the graded submissions that did not complete (import errors,
    timeouts, crashes), the mean, median, min and max score of the graded submissions,
    the three hardest tests with their pass rates, and the students whose repository
    differs from the release (``Entry.flags``), if any.

    Raises:
        ValueError: two entries with one student id, or an unknown status.
    """
    entries = _checked(entries)
    counts = _counts(entries)
    lines = [f"{assignment.name} ({assignment.title}): {len(entries)} student(s): "
             f"{counts['graded']} graded, {counts['rejected']} rejected, "
             f"{counts['error']} error(s)"
             + (" (not graded: retried by the next run)" if counts["error"] else "")]
    stopped = _did_not_complete(entries)
    if stopped:
        kinds = _tally(e.outcome for e in stopped)
        lines.append(f"{len(stopped)} graded submission(s) did not complete: "
                     + ", ".join(f"{n} {kind}" for kind, n in kinds) + " (see summary.md)")
    scores = [e.score for e in entries if e.status == "graded" and e.score is not None]
    if scores:
        lines.append(f"score of the graded (of {_num(_max_graded(entries, assignment))}, n = {len(scores)}): "
                     f"mean {_num(statistics.fmean(scores), 2)}, "
                     f"median {_num(statistics.median(scores), 2)}, "
                     f"min {_num(min(scores))}, max {_num(max(scores))}")
    else:
        lines.append("score: no graded submission")
    stats = _test_stats(entries)
    if stats:
        hardest = ", ".join(f"{s['name']} {_num(100 * s['rate'], 1)} % passed"
                            for s in stats[:3])
        lines.append(f"hardest tests: {hardest}")
    flagged = [e.student for e in entries if e.flags]
    if flagged:
        shown = ", ".join(flagged[:5]) + (f" and {len(flagged) - 5} more" if len(flagged) > 5 else "")
        lines.append(f"{len(flagged)} repositor{'y differs' if len(flagged) == 1 else 'ies differ'} "
                     f"from the release (see summary.md): {shown}")
    return lines


def safe_names(students: Iterable[str]) -> dict[str, str]:
    """Each student id made safe as a file name (without extension), all distinct.

    Letters and digits (any script: ``张伟`` stays ``张伟``, NFC-normalized), combining
    marks, ``-``, ``_`` and ``.`` are kept; every other character (``/``, space,
    control and invisible format characters...) becomes ``_``.  A name never starts
    or ends with ``.``, never holds ``..``, is never empty and never a Windows device
    name (``CON``...), and is at most 100 characters before its suffix.  Ids whose
    names collide (compared case-insensitively, for macOS and Windows file systems)
    get a suffix ``-<8 hex digits of SHA-256 of the id>``, except the one id, if any,
    that is already its own safe name.  The result depends only on the set of ids.
    """
    ids = sorted(set(students))
    base = {s: _safe_base(s) for s in ids}
    groups: dict[str, list[str]] = {}
    for s in ids:
        groups.setdefault(base[s].casefold(), []).append(s)
    names: dict[str, str] = {}
    for members in groups.values():
        if len(members) == 1:
            names[members[0]] = base[members[0]]
            continue
        clean = [s for s in members if base[s] == s]
        for s in members:
            keep = len(clean) == 1 and s == clean[0]
            names[s] = base[s] if keep else f"{base[s]}-{_digest(s)[:8]}"
    # A suffixed name may (very unlikely) equal another id's name: lengthen its hash.
    taken: dict[str, str] = {}
    for s in ids:
        name, width = names[s], 8
        while name.casefold() in taken:
            width += 4
            name = f"{base[s]}-{_digest(s)[:width]}"
        taken[name.casefold()] = s
        names[s] = name
    return names


# ---------------------------------------------------------------------- entries
def _checked(entries: Iterable[Entry]) -> list[Entry]:
    entries = sorted(entries, key=lambda e: e.student)
    for a, b in zip(entries, entries[1:]):
        if a.student == b.student:
            raise ValueError(f"two entries for student {a.student!r}")
    for e in entries:
        if e.status not in STATUSES:
            raise ValueError(f"{e.student}: status must be one of {STATUSES}, not {e.status!r}")
    return entries


def _counts(entries: list[Entry]) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for e in entries:
        counts[e.status] += 1
    return counts


def _did_not_complete(entries: list[Entry]) -> list[Entry]:
    """The graded entries whose student's code was stopped (did not import, timed out,
    crashed, hit a limit): their score is not an honest one."""
    return [e for e in entries if e.status == "graded" and e.outcome != "completed"]


def _tally(values: Iterable[str]) -> list[tuple[str, int]]:
    """``(value, count)``, most common first, then in order of first appearance."""
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])


def _max_graded(entries: list[Entry], assignment: Assignment) -> float:
    """The most points a graded submission could get: the largest ``max_score`` among
    graded entries (GPU tests count where they ran), else the assignment's points."""
    return max((e.max_score for e in entries if e.status == "graded"), default=assignment.points)


def _late(e: Entry) -> str:
    return "" if e.late is None else ("yes" if e.late else "no")


def _known_mistakes(entries: list[Entry]) -> list[tuple[str, int, str]]:
    """``(mistake id, students, hint)`` of the known mistakes (``grader.hints``) named in
    the graded results, most common first: each student counts once per mistake; the
    hint is the text the students read (the ``Hint:`` line the id came with)."""
    students: dict[str, set[str]] = {}
    hints: dict[str, str] = {}
    labels = in_every_language("Hint: ")  # whichever language each result was graded in
    for e in entries:
        if e.status != "graded":
            continue
        for t in (e.result or {}).get("tests", []):
            ids = list((t.get("extra_data") or {}).get("hints", []))
            lines = [line[len(label):] for line in str(t.get("output", "")).splitlines()
                     for label in labels if line.startswith(label)]
            for i, mistake in enumerate(ids):
                students.setdefault(mistake, set()).add(e.student)
                if mistake not in hints and len(lines) == len(ids):
                    hints[mistake] = lines[i]
    order = {m: i for i, m in enumerate(students)}
    return sorted(((m, len(s), hints.get(m, "")) for m, s in students.items()),
                  key=lambda row: (-row[1], order[row[0]]))


def _tests(doc: dict[str, Any] | None) -> list[tuple[str, dict[str, Any]]]:
    """``(column, test)`` for each test of a results document; a name repeated within
    one document gets `` [2]``, `` [3]``... so that no test hides another."""
    seen: dict[str, int] = {}
    items = []
    for t in (doc or {}).get("tests", []):
        name = str(t.get("name", ""))
        seen[name] = seen.get(name, 0) + 1
        items.append((name if seen[name] == 1 else f"{name} [{seen[name]}]", t))
    return items


def _test_columns(entries: list[Entry]) -> list[str]:
    """The union of the graded documents' tests, in suite order: a test missing from
    the first documents (skipped there) is placed after the test it follows."""
    order: list[str] = []
    for e in entries:
        if e.status != "graded":
            continue
        after = -1
        for column, _earned in _tests(e.result):
            if column in order:
                after = max(after, order.index(column))
            else:
                after += 1
                order.insert(after, column)
    return order


def _test_stats(entries: list[Entry]) -> list[dict[str, Any]]:
    """Per test: name, points, passed, ran (graded students whose run had the test)
    and rate = passed / ran; hardest (lowest rate) first, then suite order."""
    stats: dict[str, dict[str, Any]] = {
        c: {"name": c, "points": None, "passed": 0, "ran": 0} for c in _test_columns(entries)}
    for e in entries:
        if e.status != "graded":
            continue
        for column, t in _tests(e.result):
            s = stats[column]
            s["ran"] += 1
            s["passed"] += t.get("status") == "passed"
            if s["points"] is None:
                s["points"] = t.get("max_score")
    rows = list(stats.values())
    for s in rows:
        s["rate"] = s["passed"] / s["ran"] if s["ran"] else 0.0
    suite = {s["name"]: i for i, s in enumerate(rows)}
    return sorted(rows, key=lambda s: (s["rate"], suite[s["name"]]))


def _rejected_doc(e: Entry) -> dict[str, Any]:
    return {"score": 0, "max_score": e.max_score, "output": e.reason, "tests": [],
            "extra_data": {"rejected": True, "student": e.student, "origin": e.origin,
                           "reason": e.reason, **({"tampered": list(e.flags)} if e.flags else {})}}


# ---------------------------------------------------------------------- formatting
def _num(x: float | None, places: int = 6) -> str:
    """``grader.report.number``; '' for None."""
    return "" if x is None else number(x, places)


def _csv_text(rows: Iterable[Iterable[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerows(rows)
    return buf.getvalue()


def _grades_csv(entries: list[Entry]) -> str:
    columns = _test_columns(entries)
    fixed = set(_GRADE_COLUMNS) | set(_GRADE_TAIL)
    header = [*_GRADE_COLUMNS, *(f"test: {c}" if c in fixed else c for c in columns), *_GRADE_TAIL]
    rows: list[list[str]] = [header]
    for e in entries:
        if e.status == "graded":
            earned = {c: _num(t.get("score")) for c, t in _tests(e.result)}
            tests = [earned.get(c, "") for c in columns]   # '' where the test did not run
        elif e.status == "rejected":
            tests = ["0"] * len(columns)
        else:
            tests = [""] * len(columns)
        percent = None if e.score is None else e.percent
        rows.append([e.student, e.name, e.email, e.status, e.outcome, _num(e.score),
                     _num(e.max_score), _num(percent, 2), _late(e), e.submitted_at, *tests,
                     e.outcome_detail, "; ".join(e.flags), e.content_hash, e.graded_at])
    return _csv_text(rows)


def _canvas_column(assignment: Assignment) -> str:
    return f"{assignment.name} {assignment.title}".strip()


def _canvas_csv(entries: list[Entry], assignment: Assignment, column: str | None = None) -> str:
    rows: list[list[str]] = [[*_CANVAS_COLUMNS, column or _canvas_column(assignment)],
                             ["    Points Possible", "", "", "", "",
                              _num(_max_graded(entries, assignment))]]
    for e in entries:
        rows.append([e.name or e.student, *_canvas_ids(e), "",
                     "" if e.status == "error" else _num(e.score)])
    return _csv_text(rows)


def _canvas_ids(e: Entry) -> tuple[str, str, str]:
    """``(ID, SIS User ID, SIS Login ID)`` of ``e``'s student for canvas.csv (module
    docstring): one of the three is the student id."""
    for part in re.split(r"[!/\\]", e.origin.split(", ")[0]):  # the download's name, or a folder's
        download = lms.canvas_name(os.path.splitext(part)[0])
        if download is not None and download.user_id == e.student:
            return e.student, "", ""
    if re.fullmatch(r"[0-9]+", e.student):
        return "", e.student, ""
    return "", "", e.student


_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|#])|(?<![^\W_])_|_(?![^\W_])")


def _md_cell(text: Any) -> str:
    """Plain text for one line of Markdown (a table cell, a heading): one line,
    Markdown's active characters escaped (``|`` included); ``_`` only where it could
    start or end emphasis (not inside ``linear_forward``)."""
    line = " ".join(str(text).split())
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), line)


def _points(score: Any, max_score: Any) -> str:
    return f"{_num(score)}/{_num(max_score)}"


def _tamper_md(flags: list[str]) -> list[str]:
    """The feedback's section on a repository that differs from its release."""
    if not flags:
        return []
    items = "\n".join(f"- {_md_cell(f)}" for f in flags)
    return ["## " + _("Your repository differs from the release") + "\n",
            _("These files are part of the course's release and must stay as released "
              "(tests, workflows, the grader); the course staff sees this list:") + "\n",
            items + "\n",
            _("Restore them (`git checkout <release commit> -- FILE`, or copy them from the "
              "course's template repository) and delete files you added there.") + "\n"]


def _graded_file(e: Entry) -> str:
    """The file of ``e``'s submission that was graded, as its origin names it (the last
    part: ``backprop.ipynb`` of ``repos/alice/assignments/hw3/backprop.ipynb``)."""
    first = e.origin.split(", ")[0]
    return re.split(r"[/\\!]", first)[-1] or first


def _feedback_md(e: Entry, doc: dict[str, Any], assignment: Assignment) -> str:
    """What the student reads, in the run's language (``grader.i18n``): the messages
    themselves are in the language the submission was graded in."""
    parts = [f"# {_md_cell(assignment.name)}: {_md_cell(assignment.title)}\n",
             _("Student: {student}").format(student=_md_cell(e.student)) + "\n"]
    if e.origin and e.status != "rejected":
        parts.append(_("Graded file: {file}").format(file=_md_cell(_graded_file(e))) + "\n")
    score = "**" + _("Score: {score}/{max_score}").format(score=_num(e.score),
                                                          max_score=_num(e.max_score)) + "**"
    if e.percent is not None:
        score += f" ({_num(e.percent, 1)} %)"
    parts.append(score + "\n")
    if e.status == "rejected":
        parts.append("## " + _("Your submission could not be graded") + "\n")
        parts.append(fenced(e.reason or _("(no reason recorded)")))
        parts.append("## " + _("What to do") + "\n")
        parts.append(_("Fix the problem above and submit your `{file}` again (one file, the one "
                       "you completed, under its original name). If you think this is a "
                       "mistake, contact the course staff.").format(file=assignment.submission)
                     + "\n")
        parts.extend(_tamper_md(e.flags))
        return "\n".join(parts)

    tests = doc.get("tests", [])
    failed = [t for t in tests if t.get("status") != "passed"]
    if failed:  # what to fix first, the table of every test after it
        parts.append("## " + ngettext("What to fix ({count} test failed)",
                                      "What to fix ({count} tests failed)",
                                      len(failed)).format(count=len(failed)) + "\n")
        for message, group in failures_by_message(failed):
            points = points_text(sum(float(t.get("max_score") or 0) for t in group))
            if len(group) == 1:
                parts.append("### ✗ " + _("{test} ({points})").format(
                    test=_md_cell(group[0].get("name", "")), points=points) + "\n")
            else:
                heading = (_("{count} tests (all of them) failed with one message ({points})")
                           if len(group) == len(tests) else
                           _("{count} tests failed with one message ({points})"))
                parts.append("### ✗ " + heading.format(count=len(group), points=points) + "\n")
                parts.append(_("From {first} to {last}:").format(
                    first=_md_cell(group[0].get("name", "")),
                    last=_md_cell(group[-1].get("name", ""))) + "\n")
            parts.append(fenced(message))
    elif tests:
        parts.append(_("Every test passed.") + "\n")
    if tests:
        marks = {"passed": "✓ " + _("passed"), "failed": "✗ " + _("failed")}
        table = ["| " + " | ".join((_("Test"), _("Points"), _("Status"))) + " |", "|---|---:|---|"]
        for t in tests:
            status = str(t.get("status", ""))
            table.append(f"| {_md_cell(t.get('name', ''))} | "
                         f"{_points(t.get('score'), t.get('max_score'))} | "
                         f"{_md_cell(marks.get(status, status))} |")
        parts.append("## " + _("All tests") + "\n")
        parts.append("\n".join(table) + "\n")
    notes = str(doc.get("output") or "")
    if notes.strip():
        parts.append("## " + _("Notes") + "\n")
        parts.append(fenced(notes))
    parts.extend(_tamper_md(e.flags))
    return "\n".join(parts)


def _summary_md(entries: list[Entry], assignment: Assignment, histogram: str) -> str:
    counts = _counts(entries)
    stopped = _did_not_complete(entries)
    kinds = ", ".join(f"{n} {kind}" for kind, n in _tally(e.outcome for e in stopped))
    parts = [f"# {_md_cell(assignment.name)}: {_md_cell(assignment.title)}: batch summary\n",
             f"- Students: {len(entries)}\n"
             f"- Graded: {counts['graded']}"
             + (f", of which {len(stopped)} did not complete ({kinds})" if stopped else "") + "\n"
             f"- Rejected: {counts['rejected']} (0 points)\n"
             f"- Errors: {counts['error']} (the grader failed: no grade, retried by the "
             "next run)\n"]

    graded = [e for e in entries if e.status == "graded" and e.score is not None]
    parts.append("## Scores\n")
    if graded:
        points = [e.score for e in graded]
        percents = [e.percent for e in graded]
        rows = [("Mean", statistics.fmean), ("Median", statistics.median),
                ("Standard deviation", statistics.pstdev), ("Min", min), ("Max", max)]
        table = [f"Graded submissions (n = {len(graded)}; rejected ones, which get 0, and errors "
                 f"are left out, here and in the histogram), out of "
                 f"{_num(_max_graded(entries, assignment))} points.\n",
                 "| Statistic | Points | Percent |", "|---|---:|---:|"]
        for label, fn in rows:
            table.append(f"| {label} | {_num(fn(points), 2)} | {_num(fn(percents), 1)} % |")
        parts.append("\n".join(table) + "\n")
    else:
        parts.append("No graded submission.\n")
    parts.append(f"![scores]({histogram})\n")

    if entries:
        table = ["## Students\n",
                 "| Student | Name | Outcome | Score | Percent | Late | Submitted |",
                 "|---|---|---|---:|---:|---|---|"]
        for e in entries:
            percent = "" if e.percent is None else f"{_num(e.percent, 1)} %"
            table.append(f"| {_md_cell(e.student)} | {_md_cell(e.name)} | {_md_cell(e.outcome)} | "
                         f"{_points(e.score, e.max_score) if e.score is not None else ''} | "
                         f"{percent} | {_late(e)} | {_md_cell(e.submitted_at)} |")
        parts.append("\n".join(table) + "\n")

    if stopped:
        table = ["## Submissions that did not import, timed out or crashed\n",
                 "Their score is not an honest one: the student's code was stopped before it "
                 "could answer every test.\n",
                 "| Student | Outcome | What happened | Failed tests | Score |",
                 "|---|---|---|---:|---:|"]
        for e in stopped:
            tests = (e.result or {}).get("tests", [])
            failed = sum(t.get("status") == "failed" for t in tests)
            table.append(f"| {_md_cell(e.student)} | {_md_cell(e.outcome)} | "
                         f"{_md_cell(e.outcome_detail)} | {failed}/{len(tests)} | "
                         f"{_points(e.score, e.max_score)} |")
        parts.append("\n".join(table) + "\n")

    mistakes = _known_mistakes(entries)
    if mistakes:
        table = ["## Most common known mistakes\n",
                 "Known mistakes (`reference/<assignment>/misconceptions.py`) that graded "
                 "submissions made, by how many students made each.\n",
                 "| Mistake | Students | Hint the students read |", "|---|---:|---|"]
        for mistake, n, hint in mistakes:
            table.append(f"| {_md_cell(mistake)} | {n} | {_md_cell(hint)} |")
        parts.append("\n".join(table) + "\n")

    stats = _test_stats(entries)
    if stats:
        parts.append("## Tests, hardest first\n")
        table = ["Pass rate = passed / graded students whose run included the test.\n",
                 "| Test | Points | Passed | Pass rate |", "|---|---:|---:|---:|"]
        for s in stats:
            table.append(f"| {_md_cell(s['name'])} | {_num(s['points'])} | "
                         f"{s['passed']}/{s['ran']} | {_num(100 * s['rate'], 1)} % |")
        parts.append("\n".join(table) + "\n")

    for status, title in (("rejected", "Rejected submissions"),
                          ("error", "Grading errors (no grade yet)")):
        listed = [e for e in entries if e.status == status]
        if listed:
            table = [f"## {title}\n", "| Student | Origin | Reason |", "|---|---|---|"]
            for e in listed:
                table.append(f"| {_md_cell(e.student)} | {_md_cell(e.origin)} | "
                             f"{_md_cell(e.reason)} |")
            parts.append("\n".join(table) + "\n")

    flagged = [e for e in entries if e.flags]
    if flagged:
        table = ["## Repositories that differ from the release\n",
                 "Protected files (tests, workflows, the grader) that differ from the student "
                 "repository as released (`.grader/release.json`).\n",
                 "| Student | Status | What differs |", "|---|---|---|"]
        for e in flagged:
            table.append(f"| {_md_cell(e.student)} | {_md_cell(e.status)} | "
                         f"{'; '.join(_md_cell(f) for f in e.flags)} |")
        parts.append("\n".join(table) + "\n")
    return "\n".join(parts)


def _histogram_png(entries: list[Entry], assignment: Assignment) -> bytes:
    """``_histogram_figure`` as PNG bytes."""
    fig = _histogram_figure(entries, assignment)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    fig.clear()  # a Figure made without pyplot is not registered anywhere: nothing to close
    return buf.getvalue()


def _histogram_figure(entries: list[Entry], assignment: Assignment):
    """The histogram of the graded submissions' percentage scores (rejected ones and
    errors left out): bins of 10 % from 0 to 100 (the last one holds 100), the mean and
    the median marked by vertical lines named in a legend; a matplotlib ``Figure`` on
    the Agg canvas, made without pyplot."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    percents = [min(100.0, max(0.0, e.percent)) for e in entries
                if e.status == "graded" and e.percent is not None]
    fig = Figure(figsize=(6.4, 4.0), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    # numpy's histogram (used by hist) closes the last bin: 100 % falls in 90-100.
    ax.hist(percents, bins=list(range(0, 101, 10)), range=(0, 100),
            color="#4C72B0", edgecolor="white")
    if percents:
        mean, median = statistics.fmean(percents), statistics.median(percents)
        ax.axvline(mean, color="#C44E52", linestyle="-", linewidth=2,
                   label=f"mean {_num(mean, 1)} %")
        ax.axvline(median, color="#DD8452", linestyle="--", linewidth=2,
                   label=f"median {_num(median, 1)} %")
        ax.legend(loc="upper left")
    ax.set_xlim(0, 100)
    ax.set_xticks(range(0, 101, 10))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("score (%)")
    ax.set_ylabel("students")
    ax.set_title(f"{assignment.name}: {_latin(assignment.title)} (graded, n = {len(percents)})")
    fig.tight_layout()
    return fig


def _latin(title: str) -> str:
    """``title`` without the parts matplotlib's default font cannot draw (a CJK
    translation in parentheses, as in "Backpropagation (反向传播)")."""
    title = re.sub(r"\s*\([^()]*[^\x00-\u024f][^()]*\)", "", title)
    return re.sub(r"[^\x00-\u024f]+", "", title).strip()


# ---------------------------------------------------------------------- files
def _safe_base(student: str) -> str:
    text = unicodedata.normalize("NFC", student)
    chars = [c if c in "-_." or unicodedata.category(c)[0] in "LNM" else "_" for c in text]
    name = "".join(chars)[:_MAX_NAME]
    name = re.sub(r"\.{2,}", lambda m: "_" * len(m.group(0)), name)
    name = re.sub(r"^\.|\.$", "_", name) or "_"
    if name.split(".")[0].upper() in _WINDOWS_RESERVED:
        name = "_" + name
    return name


def _digest(student: str) -> str:
    return hashlib.sha256(student.encode("utf-8", "surrogatepass")).hexdigest()


def _write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: a new file in the same folder (mode
    0666 less the umask), flushed to disk, then renamed over ``path``."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{_TMP_SUFFIX}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_text(path: Path, text: str) -> None:
    _write_bytes(path, text.encode("utf-8"))


def _prune(folder: Path, ext: str, keep: set[str]) -> None:
    """Remove ``folder``'s ``*ext`` files not in ``keep`` (students no longer in the
    gradebook, or now errors) and temporary files left by an interrupted run."""
    for path in folder.iterdir():
        stale = path.suffix == ext and path.name not in keep
        leftover = path.name.startswith(".") and path.name.endswith(_TMP_SUFFIX)
        if (stale or leftover) and (path.is_file() or path.is_symlink()):
            path.unlink(missing_ok=True)
