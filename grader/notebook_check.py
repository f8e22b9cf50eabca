"""``check("hw3")`` inside Jupyter or Colab: grade the functions the notebook's kernel has
defined, without leaving the notebook.

    from grader import check
    check("hw3")               # every test of hw3
    check("hw3", "sigmoid")    # the tests of sigmoid only

What is graded
    The kernel's input history (IPython's raw input of every cell run in this session, in
    the order it ran; a plain Python script: its own file) becomes a module of what the
    cells *define*: each cell's Python (``grader.notebook.cell_program``: IPython magics
    and shell lines left out, as for a submitted notebook), of which only the top-level
    imports (but those of the grader itself), ``def`` and ``class`` statements and
    assignments of constants (``EPS = 1e-8``: literals, names, attributes and
    arithmetic, no calls) are kept, each where it ran, so that a function run again after an edit is graded as the kernel now holds it.
    Demo code, plots and training runs at top level are not run again.  A cell that
    did not parse did not run, and is left out.  ``from __future__`` imports go first.

How
    The module is written to a private temporary folder as the assignment's file and
    graded by ``grader.runner.grade``, as ``grade hwN --submission FILE`` grades it: the
    student's code runs in the sandboxed worker, never in the kernel; the suite is the
    hidden one where this copy of the course has it, the public tests otherwise.  With a
    function named, the whole suite runs and the report shows that function's tests (a
    test belongs to the functions its name starts with: ``"sigmoid: ..."``,
    ``"binary_cross_entropy, accuracy: ..."``).

The report (``CheckReport``) is shown as HTML when it is the value of a cell (its
``_repr_html_``), and as text elsewhere; functions the stub asks for that the kernel has
not defined yet are named at its top.
"""

from __future__ import annotations

import ast
import html
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grader.assignment import Assignment, find_assignment, find_course_root, list_assignments
from grader.errors import did_you_mean
from grader.i18n import _, ngettext, using
from grader.notebook import cell_program
from grader.report import failures_by_message, number, points_text
from grader.result import Result

__all__ = ["CheckReport", "check", "kernel_cells", "kernel_program"]


def kernel_cells() -> list[str]:
    """The source of every cell the running IPython kernel has run in this session, in
    order, as typed (IPython's raw input history); outside IPython, the text of the
    ``__main__`` script.

    Raises:
        RuntimeError: neither is available (an interactive ``python`` prompt).
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        return [cell for cell in shell.history_manager.input_hist_raw if cell.strip()]
    main = getattr(sys.modules.get("__main__"), "__file__", None)
    if main and Path(main).is_file():
        return [Path(main).read_text(encoding="utf-8")]
    raise RuntimeError(_("check() grades what a notebook (Jupyter, Colab) or a script has "
                         "defined, and this Python session is neither; run `grade hwN` in a "
                         "terminal instead"))


def _constant(node: ast.expr) -> bool:
    """Whether ``node`` computes a value without calling anything (``1e-8``,
    ``[0.1, 1.0]``, ``2 * np.pi``)."""
    if isinstance(node, (ast.Constant, ast.Name)):
        return True
    if isinstance(node, ast.Attribute):
        return _constant(node.value)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_constant(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is None or _constant(k) for k in node.keys) and all(_constant(v) for v in node.values)
    if isinstance(node, ast.UnaryOp):
        return _constant(node.operand)
    if isinstance(node, ast.BinOp):
        return _constant(node.left) and _constant(node.right)
    return False


def _kept(node: ast.stmt) -> bool:
    """Whether a cell's top-level statement defines something ``check`` grades with (an
    import of the grader itself is not: the student's code cannot import it)."""
    if isinstance(node, ast.Import):
        return not any(_is_grader(alias.name) for alias in node.names)
    if isinstance(node, ast.ImportFrom):
        return not (node.level == 0 and _is_grader(node.module or ""))
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(node, ast.Assign):
        return all(isinstance(t, ast.Name) for t in node.targets) and _constant(node.value)
    if isinstance(node, ast.AnnAssign):
        return isinstance(node.target, ast.Name) and node.value is not None and _constant(node.value)
    return False


def _is_grader(module: str) -> bool:
    return module == "grader" or module.startswith("grader.")


def kernel_program(cells: list[str]) -> str:
    """The module of what ``cells`` define (see the module docstring), ending with a newline.

    Each cell's kept statements follow a ``# cell N`` line, N counting the cells given
    from 1; a cell with nothing kept, or that does not parse, gives no lines.
    """
    future: list[str] = []
    parts: list[str] = []
    for number_, source in enumerate(cells, 1):
        code = cell_program(source)
        if code is None or not code.strip():
            continue
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue  # the kernel could not run it either
        lines = code.splitlines(keepends=True)
        kept = []
        for node in tree.body:
            if not _kept(node):
                continue
            first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
            text = "".join(lines[first - 1:node.end_lineno])
            if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                future.append(text)
            else:
                kept.append(text)
        if kept:
            parts.append(f"\n# cell {number_}\n" + "".join(kept))
    head = "# What this notebook's kernel defines, collected by grader.check\n"
    return head + "".join(dict.fromkeys(future)) + "".join(parts)


def _functions_of(name: str) -> list[str]:
    """The functions a test is about: the names before the ``:`` of its display name."""
    head = name.split(":", 1)[0] if ":" in name else ""
    return [part.strip() for part in head.split(",") if part.strip()]


@dataclass
class CheckReport:
    """What ``check`` found: the ``result`` of grading, the ``function`` the report is
    about (None: all), and the functions the stub asks for that the kernel lacks."""

    assignment: Assignment
    result: Result
    function: str | None = None
    missing: list[str] = field(default_factory=list)
    lang: str = "en"

    @property
    def tests(self) -> list[dict]:
        """The tests shown (Gradescope's shape: name, score, max_score, status, output)."""
        tests = self.result.to_dict()["tests"]
        if self.function is None:
            return tests
        return [t for t in tests if self.function in _functions_of(t["name"])]

    @property
    def score(self) -> float:
        return round(sum(t["score"] for t in self.tests), 6)

    @property
    def max_score(self) -> float:
        return round(sum(t["max_score"] for t in self.tests), 6)

    def _title(self) -> str:
        what = f"{self.assignment.name}" + (f" · {self.function}" if self.function else "")
        return f"{what}: {number(self.score)}/{number(self.max_score)}"

    def _notes(self) -> list[str]:
        notes = []
        if self.missing:
            notes.append(_("Not defined in this notebook yet (run their cells, then check "
                           "again): {names}.").format(names=", ".join(self.missing)))
        return notes + list(self.result.notes)

    @staticmethod
    def _group(group: list[dict]) -> str:
        if len(group) == 1:
            return group[0]["name"]
        return ngettext("{test} and {count} more test", "{test} and {count} more tests",
                        len(group) - 1).format(test=group[0]["name"], count=len(group) - 1)

    def __repr__(self) -> str:
        with using(self.lang):
            lines = [self._title(), *self._notes()]
            for t in self.tests:
                mark = "✓" if t["status"] == "passed" else "✗"
                lines.append(f"{mark} {t['name']}  {number(t['score'])}/{number(t['max_score'])}")
            for message, group in failures_by_message(self.tests):
                lines += ["", f"✗ {self._group(group)}:", message]
            return "\n".join(lines)

    def _repr_html_(self) -> str:
        with using(self.lang):
            return self._html()

    def _html(self) -> str:
        e = html.escape
        all_passed = self.tests and all(t["status"] == "passed" for t in self.tests)
        colour = "#2e7d32" if all_passed else "#c62828"
        parts = [f'<div class="dl-grader-check"><h4 style="color:{colour}">{e(self._title())} '
                 f'<small>({e(self.assignment.title)})</small></h4>']
        parts += [f"<p>{e(note)}</p>" for note in self._notes()]
        test, points = e(_("test")), e(_("points"))
        parts.append(f'<table><thead><tr><th></th><th style="text-align:left">{test}</th>'
                     f'<th style="text-align:right">{points}</th></tr></thead><tbody>')
        for t in self.tests:
            passed = t["status"] == "passed"
            parts.append(f'<tr><td style="color:{"#2e7d32" if passed else "#c62828"}">'
                         f'{"✓" if passed else "✗"}</td><td style="text-align:left">{e(t["name"])}</td>'
                         f'<td style="text-align:right">{number(t["score"])}/{number(t["max_score"])}'
                         "</td></tr>")
        parts.append("</tbody></table>")
        for message, group in failures_by_message(self.tests):
            points = points_text(sum(t["max_score"] for t in group))
            title = _("{test} ({points})").format(test=self._group(group), points=points)
            parts.append(f"<details open><summary>✗ {e(title)}</summary>"
                         f'<pre style="white-space:pre-wrap">{e(message)}</pre></details>')
        parts.append("</div>")
        return "".join(parts)


def check(assignment: str, function: str | None = None, *,
          cells: list[str] | None = None, lang: str | None = None) -> CheckReport:
    """Grade what this notebook's kernel defines against ``assignment`` (module docstring).

    Args:
        assignment: the assignment's name (``"hw3"``, case-insensitive).
        function: show only this function's tests (``"sigmoid"``).
        cells: the cells' sources to grade instead of the kernel's history.
        lang: the report's language, "en" or "zh" (``grader.i18n``); None: the
            kernel's locale's (``LANG=zh_CN.UTF-8`` gives Chinese).

    Returns:
        The ``CheckReport`` (shown as HTML as a cell's value).

    Raises:
        ValueError: no such assignment, or no such function in it (the message says the
            closest name).
        grader.errors.ConfigurationError: no course repository above the notebook's
            folder (or where the grader was installed from), or the assignment is set
            up wrongly.
        RuntimeError: there is no notebook or script to take the definitions from.
    """
    with using(lang) as chosen:
        report = _check(assignment, function, cells)
    report.lang = chosen
    return report


def _check(assignment: str, function: str | None, cells: list[str] | None) -> CheckReport:
    root = find_course_root()
    found = find_assignment(root, assignment)
    if found is None:
        known = [a.name for a in list_assignments(root)]
        raise ValueError(_("unknown assignment {names}").format(names=repr(assignment))
                         + did_you_mean([assignment], known, quote=True)
                         + _(" (assignments: {assignments})").format(assignments=", ".join(known)))
    names = found.public_names()
    if function is not None and function not in names:
        raise ValueError(_("{assignment} has no function {function}").format(
                             assignment=found.name, function=repr(function))
                         + did_you_mean([function], names, quote=True)
                         + _(" (its functions: {functions})").format(functions=", ".join(names)))
    program = kernel_program(kernel_cells() if cells is None else cells)
    defined = _defined(program)
    from grader.runner import grade  # pytest, numpy: only when grading

    with tempfile.TemporaryDirectory(prefix="grader-check-") as folder:
        path = Path(folder) / f"{found.module}.py"
        path.write_text(program, encoding="utf-8")
        result = grade(found, path)
    result.submission = _("this notebook")
    return CheckReport(found, result, function, [n for n in names if n not in defined])


def _defined(program: str) -> set[str]:
    """The names ``program``'s top-level ``def`` and ``class`` statements define."""
    return {node.name for node in ast.parse(program).body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
