"""Notebooks and Python, both ways: a submitted ``.ipynb`` becomes the Python program
the grader grades (``python_source``), and a released stub becomes a notebook students
can fill in (``stub_notebook``).

Reading a submission
    The bytes are checked in order (size, emptiness, UTF-8, JSON, the shape of a
    notebook) and every problem is a ``NotebookError`` whose ``str()`` is one sentence
    naming the file and saying what to do.  The notebook is read with nbformat
    (``nbformat.reader.reads`` and ``nbformat.convert(nb, 4)``: what ``nbformat.reads``
    does, without the error it *logs*, a jsonschema dump, on every invalid notebook).
    Like ``nbformat.reads`` and Jupyter, which opens such notebooks with a warning, it
    tolerates schema problems in what grading does not read (outputs, metadata, cell
    ids, execution counts); what it reads, each cell's ``cell_type`` and each code
    cell's ``source``, must be well-formed.

From cells to a program
    Code cells, in order; markdown and raw cells are dropped, and so are the cells
    tagged with one of ``SKIP_TAGS``.  IPython syntax is recognised with a line scanner
    (standard library only: the program runs in the grading worker, where IPython is
    not available) that knows which lines start a statement, so that lines inside a
    multi-line string, brackets or a backslash continuation are never touched:

    * line magics (``%matplotlib inline``, ``%timeit f(x)``, ``%pip install x``), shell
      escapes (``!pip install numpy``, ``!!ls``), assignments from either (``files =
      !ls``, ``t = %timeit -o f()``) and help (``np.sum?``, ``?np.sum``) are left out:
      the line becomes a comment holding it at the top level, and ``pass`` with that
      comment inside a block, so that the block stays valid Python.  A backslash at
      the end of such a line continues it on the next line, as in IPython;
    * ``%time STATEMENT`` keeps its statement, which IPython runs in the notebook's
      namespace (``%time w = fit(x)`` defines ``w``);
    * cell magics: ``%%time``, ``%%timeit``, ``%%capture`` and ``%%prun`` (in
      ``PYTHON_CELL_MAGICS``) run their body as Python, which is kept once, without the
      magic line (and without the options and setup statement on it); any other cell
      magic (``%%bash``, ``%%writefile``, ``%%html``...) leaves the cell out.

    * ``from grader import check`` (and any name imported from the grader, ``as`` an
      alias or not), on one line at the top level, binds each name to a function that
      does nothing and returns None: a notebook that checks itself with
      ``check("hw3")`` (``grader.notebook_check``) is graded without grading itself
      again, and the grader, which the student's code cannot import, is not imported.

    ``get_ipython()`` and ``display(...)`` calls are kept (they fail in the worker like
    any other error).  Each kept cell is preceded by ``# cell N`` (N counts every cell
    of the notebook from 1, markdown included), and the program starts with a comment
    naming the notebook and saying at which line of the program each cell's code starts.
    A cell that is not valid Python is kept as it is.

Errors in cells
    ``CellMap.of(program)`` reads that first line back, so that whatever names a line
    of the program (a traceback, a syntax error) names the cell and the line in it
    instead: ``File "backprop.ipynb", cell 5, line 3``.  ``grader.runner`` does this
    for every message of a notebook's grading; the map is exact, whatever comments the
    cells hold.

Stub notebooks
    ``stub_notebook`` cuts a stub with ``ast`` into a title cell, the handout's
    sections, the module docstring and one code cell per top-level function or class,
    each region's text kept as it is, so that the notebook's program defines what the
    stub defines.
"""

from __future__ import annotations

import ast
import codecs
import json
import re
from dataclasses import dataclass
from pathlib import Path

from grader.i18n import _

__all__ = ["MAX_BYTES", "CellMap", "NotebookError", "PYTHON_CELL_MAGICS", "SKIP_TAGS", "cell_program",
           "python_source", "stub_notebook"]

MiB = 1 << 20
#: The largest notebook ``python_source`` reads by default (outputs included).
MAX_BYTES = 50 * MiB

#: Cell tags (in a cell's ``metadata.tags``, compared case-insensitively) that leave the
#: cell out of the graded program: for demos, plots, slow experiments, or code that
#: must not run while grading.  In Jupyter: View > Cell Toolbar > Tags (Notebook 6),
#: or the property inspector (JupyterLab); in VS Code: "Add Cell Tag".
SKIP_TAGS = frozenset({"skip-grading", "grader-skip", "skip"})

#: Cell magics whose body is Python run in the notebook's namespace: the body is kept.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})

_CELL_MAGIC = re.compile(r"%%(\w*)")
_ESCAPE = re.compile(r"[!%?]")
_TARGET = r"[A-Za-z_][\w.]*(?:\[[^\]=\n]*\])*"  # name, attribute or subscript
_ASSIGN_ESCAPE = re.compile(rf"{_TARGET}(?:[ \t]*,[ \t]*{_TARGET})*[ \t]*=[ \t]*[!%]")
_TIME = re.compile(r"%time[ \t]+(?=\S)")
#: ``from grader import check`` / ``from grader.x import a as b, c`` on one line
_GRADER_IMPORT = re.compile(r"from[ \t]+grader(?:\.\w+)*[ \t]+import[ \t]+"
                            r"(\w+(?:[ \t]+as[ \t]+\w+)?(?:[ \t]*,[ \t]*\w+(?:[ \t]+as[ \t]+\w+)?)*)"
                            r"[ \t]*(?:#.*)?$")
_INDENT = re.compile(r"[ \t]*")
_JSON_LITERALS = ("true", "false", "null", "NaN", "Infinity", "-Infinity")
_PYTHON_START = re.compile(r"(import |from \S+ import |def |class |#|print\()")


class NotebookError(ValueError):
    """A notebook that cannot be graded.

    ``str()`` is one sentence a student can act on, naming the file: what is wrong and
    what to do ("backprop.ipynb is not a valid notebook: the file ends in the middle of
    its JSON (line 40, column 3) – it may be truncated; open it in Jupyter and save it
    again, or download it again").

    Attributes:
        name: the notebook's file name, as given to ``python_source``.
    """

    def __init__(self, message: str, name: str = ""):
        super().__init__(message)
        self.name = name


# --------------------------------------------------------------------------- reading


def python_source(data: bytes, name: str, *, max_bytes: int = MAX_BYTES) -> str:
    """The Python program of the notebook ``data`` (the rules: module docstring).

    Args:
        data: the ``.ipynb`` file's bytes (nbformat 4, or 1-3, converted to 4; UTF-8,
            with or without a byte-order mark).
        name: its file name, for messages and the program's first line
            (``"backprop.ipynb"``).
        max_bytes: the largest notebook accepted, outputs included.

    Returns:
        The program, ending with a newline: a comment naming the notebook and where
        each cell starts (``CellMap``), then each kept code cell after a ``# cell N``
        line.  It is not checked for syntax errors.

    Raises:
        NotebookError: the file is larger than ``max_bytes``, empty, not UTF-8, not
            JSON (a truncated file is told apart), JSON but not a notebook (no
            ``"cells"`` list, an unsupported ``nbformat`` version, a malformed cell), or
            a notebook without code to grade (no code cell left, or only IPython lines).
    """
    name = _one_line(name)
    cells = _read_cells(data, name, max_bytes)
    parts: list[str] = []
    starts: list[tuple[int, int]] = []  # (cell, line of the program where its code starts)
    line = 2  # the next line of the program, after the header
    has_code = False
    for index, cell in enumerate(cells, 1):
        if cell.kind != "code":
            continue
        skip = sorted(t for t in cell.tags if t.strip().lower() in SKIP_TAGS)
        if skip:
            parts.append(f"\n# cell {index} left out: tagged {skip[0].strip()}\n")
            line += 2
            continue
        code, magic = _cell_program(cell.source)
        if code is None:
            parts.append(f"\n# cell {index} left out: a %%{magic} cell, not Python\n")
            line += 2
            continue
        if not code.strip():
            continue
        has_code = has_code or any(text.strip() and not text.lstrip().startswith("#")
                                   for text in code.splitlines())
        parts.append(f"\n# cell {index}\n{code}")
        starts.append((index, line + 2))
        line += 2 + code.count("\n")
    where = " ".join(f"{cell}:{start}" for cell, start in starts)
    parts.insert(0, f"{_HEADER.format(name=name)}; {_STARTS} {where}\n")
    if not has_code:
        raise NotebookError(_(
            "{name} has no code to grade: none of its {count} cells is a code cell with Python "
            "in it (markdown, raw, skip-tagged and IPython-only cells are left out); write your "
            "code in code cells, or check that you submitted the right notebook").format(
                name=name, count=len(cells)), name)
    return "".join(parts)


_HEADER = ("# Python program converted from {name} by the grader: its code cells, without "
           "IPython magics, shell commands or skip-tagged cells")
_STARTS = "cell:line where each starts:"
_HEADER_LINE = re.compile(r"# Python program converted from (?P<name>.+) by the grader: .*; "
                          + re.escape(_STARTS) + r"(?P<starts>(?: \d+:\d+)*) ?")


@dataclass(frozen=True)
class CellMap:
    """Where each line of a program that ``python_source`` made comes from: which cell
    of the notebook, and which line of that cell (both counted from 1, the cells as
    ``python_source`` counts them: every cell of the notebook, markdown included).

    Attributes:
        notebook: the notebook's file name (``"backprop.ipynb"``).
        starts: ``(cell, line)`` for each cell of the program, in order: the line of
            the program where the cell's code starts.
    """

    notebook: str
    starts: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, program: str) -> "CellMap | None":
        """The map of ``program`` (its first line, which ``python_source`` wrote, says
        where each cell starts); None for a program that is not a converted notebook."""
        first = program.split("\n", 1)[0].rstrip("\r")
        match = _HEADER_LINE.fullmatch(first)
        if match is None:
            return None
        starts = tuple(tuple(int(n) for n in pair.split(":"))
                       for pair in match.group("starts").split())
        return cls(match.group("name"), starts)

    @classmethod
    def read(cls, path: Path) -> "CellMap | None":
        """``of`` the program in the file ``path`` (only its first line is read); None
        where it cannot be read or is not a converted notebook."""
        try:
            with open(path, "rb") as f:
                first = f.readline(4 * 1024 * 1024)
        except OSError:
            return None
        return cls.of(first.decode("utf-8", "replace"))

    def locate(self, line: int) -> tuple[int, int] | None:
        """``(cell, line in the cell)`` of the program's ``line``; None for a line
        before the first cell's code (the header, a marker)."""
        found = None
        for cell, start in self.starts:
            if start > line:
                break
            found = (cell, line - start + 1)
        return found

    def relocate(self, text: str, filename: str) -> str:
        """``text`` (a traceback, a syntax error, a report) with every ``File
        "<filename>", line N`` (Python's way of naming a line of the program) written
        as the notebook's cell and line: ``File "backprop.ipynb", cell 5, line 3`` (and
        the function after it, where a traceback names one, in the run's language),
        and every ``(line N)`` at the end of a line (``grader.result``'s outcome
        detail) as ``(cell 5, line 3)``."""
        def file_line(match: re.Match) -> str:
            where = self.locate(int(match.group(1)))
            if where is None:
                return match.group(0)
            if match.group(2):  # a traceback's frame: the function too
                return _('File "{notebook}", cell {cell}, line {line}, in {function}').format(
                    notebook=self.notebook, cell=where[0], line=where[1], function=match.group(2))
            return _('File "{notebook}", cell {cell}, line {line}').format(
                notebook=self.notebook, cell=where[0], line=where[1])

        def line_note(match: re.Match) -> str:
            where = self.locate(int(match.group(1)))
            if where is None:
                return match.group(0)
            return _("(cell {cell}, line {line})").format(cell=where[0], line=where[1])

        text = re.sub(rf'File "{re.escape(filename)}", line (\d+)(?:, in (\S+))?', file_line, text)
        return re.sub(r"\(line (\d+)\)$", line_note, text, flags=re.M)


@dataclass
class _Cell:
    kind: str
    source: str
    tags: list[str]


def _one_line(text: str) -> str:
    return " ".join(str(text).splitlines()) or _("the notebook")


def _invalid(name: str, what: str, fix: str | None = None) -> NotebookError:
    """The ``NotebookError`` for the notebook ``name`` that is not valid because of
    ``what``, saying to do ``fix`` (by default: save it again, or download it again)."""
    fix = fix or _("open it in Jupyter and save it again, or download it again")
    return NotebookError(_("{name} is not a valid notebook: {what}; {fix}").format(
        name=name, what=what, fix=fix), name)


def _size(n: int) -> str:
    return f"{n / MiB:.1f} MB" if n >= MiB else _("{count} bytes").format(count=n)


def _read_cells(data: bytes, name: str, max_bytes: int) -> list[_Cell]:
    """The cells of the notebook ``data``, checked (see ``python_source``)."""
    if len(data) > max_bytes:
        raise NotebookError(_(
            "{name} is too large to grade ({size}, over the {limit} limit): clear all outputs "
            "(Jupyter's Edit menu) and save it again, or submit your code as a .py file").format(
                name=name, size=_size(len(data)), limit=_size(max_bytes)), name)
    body = data.removeprefix(codecs.BOM_UTF8)
    if not body.strip():
        what = _("empty (0 bytes)") if not data else _("blank (it holds only white space)")
        raise NotebookError(_("{name} is {what}: save the notebook in Jupyter (File > Save) and "
                              "submit the saved file").format(name=name, what=what), name)
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _invalid(name, _("it is UTF-16 text, not the UTF-8 that Jupyter writes (an editor "
                               "saved it again in another encoding)"))
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + len(data) - len(body)
        raise _invalid(name, _("it is not UTF-8 text (byte {byte} at offset {offset}), as every "
                               "notebook Jupyter saves is: another program changed it").format(
            byte=f"0x{body[exc.start]:02x}", offset=offset)) from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _json_problem(name, text, exc) from None
    except RecursionError:
        raise _invalid(name, _("its JSON is nested too deeply to be a notebook")) from None
    return _cells_of(_notebook(raw, text, name), name)


def _json_problem(name: str, text: str, exc: json.JSONDecodeError) -> NotebookError:
    """The ``NotebookError`` for ``text`` that ``json`` cannot parse."""
    tail = text.rstrip()
    rest = text[exc.pos:].strip()
    if (exc.msg.startswith("Unterminated string") or exc.pos >= len(tail)
            or any(lit.startswith(rest) for lit in _JSON_LITERALS)):
        line = tail.count("\n") + 1
        column = len(tail) - (tail.rfind("\n") + 1)  # of its last character
        return _invalid(name, _("the file ends in the middle of its JSON (line {line}, column "
                                "{column}) – it may be truncated").format(line=line, column=column))
    if re.search(r"^<{7}( |$)", text, re.M):
        return _invalid(name, _("it holds git merge-conflict markers (<<<<<<<)"),
                        _("resolve the conflict (keep one version of the notebook) and commit "
                          "again"))
    start = text.lstrip()
    if start.startswith("<"):
        return _invalid(name, _("it is a web page (HTML), not the notebook file"),
                        _("download the notebook itself (on GitHub: the 'Download raw file' "
                          "button)"))
    if _PYTHON_START.match(start):
        return _invalid(name, _("it looks like Python code, not the JSON of a notebook"),
                        _("name it .py and submit that, or submit the .ipynb file Jupyter saved"))
    return _invalid(name, _("it is not JSON ({error} at line {line}, column {column})").format(
        error=exc.msg, line=exc.lineno, column=exc.colno))


def _json_kind(value) -> str:
    kinds = {list: _("a list"), str: _("a string"), bool: _("a boolean"), int: _("a number"),
             float: _("a number"), type(None): "null", dict: _("an object")}
    return kinds.get(type(value), type(value).__name__)


def _gist(exc: Exception) -> str:
    """The first line of an nbformat error, shortened: not the jsonschema dump."""
    text = str(getattr(exc, "message", "") or exc or type(exc).__name__)
    line = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return line if len(line) <= 160 else line[:157] + "..."


def _notebook(raw, text: str, name: str):
    """``raw`` (the parsed JSON of ``text``) read by nbformat, as format 4.

    Raises:
        NotebookError: it is not a notebook that nbformat can read.
    """
    if not isinstance(raw, dict):
        raise _invalid(name, _('it holds JSON but not a notebook (a notebook is a JSON object with '
                               'a "cells" list; this file holds {what})').format(what=_json_kind(raw)))
    import nbformat  # here: a .py submission never needs it (grade's start-up time)
    import nbformat.reader

    version = raw.get("nbformat")
    if "nbformat" in raw and (type(version) is not int or version not in nbformat.versions):
        shown = json.dumps(version, ensure_ascii=False)
        shown = shown if len(shown) <= 20 else shown[:17] + "..."
        raise _invalid(name, _('its "nbformat" version is {version}, which this grader cannot '
                               "read (it reads versions {lowest} to {highest}; Jupyter saves "
                               "version 4)").format(version=shown, lowest=min(nbformat.versions),
                                                    highest=max(nbformat.versions)))
    if (version is None or version >= 4) and not isinstance(raw.get("cells"), list):
        raise _invalid(name, _('it holds JSON but not a notebook: it has no "cells" list'))
    if version == 4:
        _cells_of(raw, name)  # what grading reads, described better than nbformat would
    try:
        return nbformat.convert(nbformat.reader.reads(text), 4)
    except Exception as exc:  # nbformat raises ValidationError, KeyError, AttributeError...
        raise _invalid(name, _("it does not have the structure of a notebook ({error})").format(
            error=_gist(exc))) from None


def _cells_of(nb, name: str) -> list[_Cell]:
    """The cells of the format-4 notebook ``nb``, with what grading reads checked.

    Raises:
        NotebookError: a cell has no ``cell_type``, or a code cell has no text ``source``.
    """
    cells = nb.get("cells")
    if not isinstance(cells, list):
        raise _invalid(name, _('it holds JSON but not a notebook: it has no "cells" list'))
    found = []
    for index, cell in enumerate(cells, 1):
        if not isinstance(cell, dict):
            raise _invalid(name, _("cell {index} is {what}, not a JSON object").format(
                index=index, what=_json_kind(cell)))
        kind = cell.get("cell_type")
        if not isinstance(kind, str):
            raise _invalid(name, _('cell {index} has no "cell_type"').format(index=index))
        source = cell.get("source")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str):
            if kind == "code":
                if source is None:
                    what = _('cell {index} (a code cell) has no "source" text')
                else:
                    what = _('cell {index} (a code cell) has {what} for its "source" text')
                raise _invalid(name, what.format(index=index, what=_json_kind(source)))
            source = ""
        metadata = cell.get("metadata")
        tags = metadata.get("tags") if isinstance(metadata, dict) else None
        tags = [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []
        found.append(_Cell(kind, source, tags))
    return found


# --------------------------------------------------------------------------- cells


def cell_program(source: str) -> str | None:
    """The Python of one code cell's ``source`` by the rules of ``python_source`` (IPython
    lines left out, the body of a Python cell magic kept), as many lines as the cell
    has; None for a cell magic whose body is not Python (``%%bash``)."""
    return _cell_program(source)[0]


def _cell_program(source: str) -> tuple[str | None, str]:
    """``(program, magic)`` of one code cell: the program is None when the cell is a
    cell magic other than ``PYTHON_CELL_MAGICS`` (``magic`` names it)."""
    lines = source.replace("\r\n", "\n").replace("\r", "\n").splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return "", ""
    # IPython's leading_indent: a cell whose first line is indented is dedented by it.
    indent = _INDENT.match(lines[first]).group()
    if indent:
        lines = [line[len(indent):] if line.startswith(indent) else line for line in lines]
    magic = _CELL_MAGIC.match(lines[first])
    if magic:
        if magic.group(1) not in PYTHON_CELL_MAGICS:
            return None, magic.group(1)
        lines[first] = "# " + lines[first]
        return "".join(lines[:first + 1]) + "".join(_python_lines(lines[first + 1:])), ""
    return "".join(_python_lines(lines)), ""


def _python_lines(lines: list[str]) -> list[str]:
    """``lines`` (each ending with a newline) with their IPython lines replaced (see the
    module docstring); as many lines come out as go in."""
    out: list[str] = []
    scan = _Scanner()
    i = 0
    while i < len(lines):
        line = lines[i]
        if scan.at_statement_start():
            indent = _INDENT.match(line).group()
            rest = line[len(indent):]
            time = _TIME.match(rest)
            checks = _GRADER_IMPORT.match(rest.rstrip("\n")) if not indent else None
            if time:
                line = indent + rest[time.end():]
            elif checks:
                names = [part.split()[-1] for part in checks.group(1).split(",")]
                line = ("; ".join(f"{n} = lambda *args, **kwargs: None" for n in names)
                        + f"  # {rest.strip()}: does nothing while grading\n")
            elif _is_ipython(rest):
                end = i
                while end + 1 < len(lines) and _odd_backslashes(lines[end].rstrip("\n")):
                    end += 1
                out.append(_left_out(indent, rest))
                out.extend("\n" for _line in range(end - i))
                i = end + 1
                continue
        scan.feed(line)
        out.append(line)
        i += 1
    return out


def _is_ipython(statement: str) -> bool:
    """Whether the physical line ``statement`` (starting a statement, not indented) is
    IPython syntax: an escape (``!``, ``%``, ``?``), an assignment from one, or help
    (code ending with ``?``)."""
    if _ESCAPE.match(statement) or _ASSIGN_ESCAPE.match(statement):
        return True
    scan = _Scanner()
    scan.feed(statement)
    return scan.at_statement_start() and scan.code.rstrip().endswith("?")


def _left_out(indent: str, statement: str) -> str:
    comment = "# " + statement.rstrip("\n")
    return f"{indent}pass  {comment}\n" if indent else comment + "\n"


def _odd_backslashes(text: str) -> bool:
    return (len(text) - len(text.rstrip("\\"))) % 2 == 1


class _Scanner:
    """Where a Python program stands after the lines fed so far: inside a string
    (``quote``), open brackets (``depth``), a backslash continuation (``continued``).
    ``code`` is the last line without its comment."""

    def __init__(self):
        self.quote = ""
        self.depth = 0
        self.continued = False
        self.code = ""

    def at_statement_start(self) -> bool:
        """Whether the next line starts a statement."""
        return not (self.quote or self.depth or self.continued)

    def feed(self, line: str) -> None:
        """Advance over one physical line."""
        text = line.rstrip("\n")
        quote, depth, i, end = self.quote, self.depth, 0, len(text)
        while i < end:
            c = text[i]
            if quote:
                if c == "\\":
                    i += 2
                    continue
                if text.startswith(quote, i):
                    i += len(quote)
                    quote = ""
                    continue
            elif c == "#":
                end = i
                break
            elif c in "'\"":
                quote = text[i:i + 3] if text[i:i + 3] in ("'''", '"""') else c
                i += len(quote)
                continue
            elif c in "([{":
                depth += 1
            elif c in ")]}":
                depth = max(0, depth - 1)
            i += 1
        self.code = text[:end]
        if len(quote) == 1 and not _odd_backslashes(text):
            quote = ""  # an unterminated one-line string: a syntax error, not our business
        self.quote, self.depth = quote, depth
        self.continued = not quote and _odd_backslashes(self.code)


# --------------------------------------------------------------------------- stubs


def stub_notebook(stub: Path, handout: Path | None, title: str) -> str:
    """The notebook students fill in instead of the stub ``stub``.

    Cells: a markdown title cell (``title`` and the command that grades the notebook,
    ``grade hwN --submission STEM.ipynb``, hwN being the stub's folder's name); the
    handout's text, one markdown cell per ``## `` section (the text before the first
    one too); the stub's module docstring as markdown; then code cells: the
    statements before the first function or class (imports...), one cell per top-level
    function or class (with its decorators and the comments and blank lines between it
    and the statement before it), and each other run of top-level statements (an
    ``if __name__ == "__main__":`` block) in its own cell, in the stub's order.  Each
    code cell's text is the stub's text for that region, unchanged but for the blank
    lines around it, so ``python_source`` of the notebook defines what the stub defines.
    Cell ids are deterministic (``cell-1``, ``cell-2``...), code cells have no outputs.

    Args:
        stub: the released stub, e.g. ``assignments/hw3/backprop.py`` (UTF-8).
        handout: the assignment's ``README.md`` (UTF-8, markdown), or None.
        title: the notebook's title, e.g. ``"hw3 — backpropagation"``.

    Returns:
        The notebook: nbformat 4 JSON text, validated, with ``kernelspec`` python3 and
        ``language_info`` python metadata.

    Raises:
        OSError: ``stub`` or ``handout`` cannot be read.
        UnicodeDecodeError: one of them is not UTF-8.
        SyntaxError: the stub is not valid Python.
    """
    stub = Path(stub)
    source = stub.read_text(encoding="utf-8")
    docstring, regions = _code_regions(source, str(stub))
    import nbformat

    v4 = nbformat.v4
    cells = [v4.new_markdown_cell(
        f"# {title}\n\nFill in each function below; `grade {stub.parent.name} --submission "
        f"{stub.stem}.ipynb` grades this notebook (give its path if you moved or renamed it).")]
    if handout is not None:
        cells += [v4.new_markdown_cell(s) for s in _sections(Path(handout).read_text(encoding="utf-8"))]
    if docstring:
        cells.append(v4.new_markdown_cell(docstring))
    cells += [v4.new_code_cell(region) for region in regions]
    for number, cell in enumerate(cells, 1):
        cell["id"] = f"cell-{number}"
    nb = v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}})
    nbformat.validate(nb)
    return nbformat.writes(nb)


def _code_regions(source: str, filename: str) -> tuple[str | None, list[str]]:
    """``(docstring, regions)`` of the module ``source``: its docstring (cleaned) and the
    text of each code cell ``stub_notebook`` makes of it."""
    tree = ast.parse(source, filename)
    lines = source.splitlines(keepends=True)
    body = list(tree.body)
    docstring, start = None, 0
    if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)):
        docstring = ast.get_docstring(tree)
        start = body.pop(0).end_lineno
    defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    groups: list[list[ast.stmt]] = []
    for node in body:
        if isinstance(node, defs) or not groups or isinstance(groups[-1][-1], defs):
            groups.append([node])
        else:
            groups[-1].append(node)
    regions = []
    for number, group in enumerate(groups, 1):
        end = len(lines) if number == len(groups) else group[-1].end_lineno
        region = _strip_blank_lines(lines[start:end])
        start = end
        if region:
            regions.append(region)
    return docstring, regions


def _strip_blank_lines(lines: list[str]) -> str:
    """``lines`` joined, without the blank lines at either end or the final newline."""
    first, last = 0, len(lines)
    while first < last and not lines[first].strip():
        first += 1
    while last > first and not lines[last - 1].strip():
        last -= 1
    text = "".join(lines[first:last])
    return text[:-2] if text.endswith("\r\n") else text.removesuffix("\n")


def _sections(markdown: str) -> list[str]:
    """``markdown`` cut before each ``## `` heading (outside fenced code blocks)."""
    sections: list[list[str]] = [[]]
    fence = ""
    for line in markdown.splitlines(keepends=True):
        stripped = line.lstrip()
        if fence:
            if stripped.startswith(fence):
                fence = ""
        elif stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
        elif line.startswith("## "):
            sections.append([])
        sections[-1].append(line)
    return [text for text in (_strip_blank_lines(s) for s in sections) if text]
