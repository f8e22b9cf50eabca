"""Gradescope's autograder: ``grade gradescope hwN --out autograder.zip`` builds the zip an
instructor uploads, and ``python -m grader.gradescope run ...`` is what it runs for each
submission.

Gradescope's autograder specification (gradescope-autograders.readthedocs.io, "Autograder
Specifications"): the zip holds ``setup.sh`` and ``run_autograder`` at its root; it is
extracted into ``/autograder/source``; ``setup.sh`` runs once, as root, when Gradescope
builds the autograder's image (Ubuntu); ``run_autograder`` is copied to
``/autograder/run_autograder`` and runs for every submission, in ``/autograder``, with the
student's files in ``/autograder/submission``; it must write
``/autograder/results/results.json``.  What it prints goes to
``/autograder/results/stdout``, which only instructors see.

The zip (``build``)::

    setup.sh            makes /autograder/venv with a Python >= 3.11 (installing
                        python3.11 with apt where the image has none), installs torch's CPU
                        build pinned as in the README (TORCH_REQUIREMENT, from
                        TORCH_CPU_INDEX, or $TORCH_INDEX_URL) and the course's dl-grader
    run_autograder      runs ``python -m grader.gradescope run hwN`` in that venv
    course/             the course's dl-grader project (pyproject.toml, README.md, grader/)
                        with the one assignment: assignments/hwN/ and reference/hwN/
                        (the reference, the hidden suite, the known mistakes: Gradescope
                        never shows the autograder's files to students)

What runs for each submission (``run``)
    The upload is found as ``grader.intake.collect_one`` finds one student's folder: the
    assignment's file (``backprop.py``) or its notebook wherever it is, else the only
    ``.py`` (then ``.ipynb``) whatever it is called, the ``.py`` yielding to the notebook
    when it is the untouched stub.  It is graded with the hidden suite as ``grade hwN
    --submission FILE`` grades it, in the same sandbox (``grader.runner.grade``).  An
    upload with nothing to grade (empty, several candidates, an empty or broken file)
    gets the score 0 and one message saying what to upload.  A grader that is set up
    wrongly (``ConfigurationError``) writes no results: Gradescope then tells the student
    the autograder failed, and the instructor reads why in the stdout.

results.json (``results_document``)
    ``score``, ``execution_time``, ``output`` (the notes, Markdown), ``output_format``
    ``"md"``, ``visibility`` and ``stdout_visibility``, ``extra_data`` (the results
    document's), and ``tests``: each test's ``name``, ``score``, ``max_score``,
    ``status``, ``output`` (the message for the student, in a fenced code block so
    that Markdown leaves it as written), ``output_format`` ``"md"``, ``visibility``.
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from grader.assignment import Assignment, load_assignment
from grader.report import fenced

__all__ = ["TORCH_CPU_INDEX", "TORCH_REQUIREMENT", "VISIBILITIES", "build", "main",
           "results_document", "run"]

#: The torch the course runs on, pinned as in the README's quick start.
TORCH_REQUIREMENT = "torch==2.13.0"
#: Where pip finds torch's CPU build (Gradescope's machines have no GPU, and the CUDA
#: build is ten times the size); setup.sh's $TORCH_INDEX_URL overrides it.
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
#: Gradescope's visibility settings, from "visible" (at once) to "hidden" (instructors only).
VISIBILITIES = ("visible", "after_due_date", "after_published", "hidden")
#: Where the course goes inside the zip (and so in /autograder/source).
COURSE_DIR = "course"

_SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image: a virtual
# environment in /autograder/venv with torch's CPU build and the course's dl-grader.
# Made by `grade gradescope @@name@@` (dl-grader @@version@@).
set -euo pipefail
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV=/autograder/venv

python_ok() {
    "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
}
PYTHON=""
for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null && python_ok "$candidate"; then
        PYTHON="$(command -v "$candidate")"
        break
    fi
done
if [ -z "$PYTHON" ]; then
    echo "setup.sh: no Python 3.11 or newer with venv here: installing python3.11 with apt"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends python3.11 python3.11-venv
    PYTHON="$(command -v python3.11)"
fi
echo "setup.sh: $PYTHON ($("$PYTHON" --version))"

"$PYTHON" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
# torch's CPU build, pinned as in the course's README; its own index serves it and the
# packages it needs.
"${PIP[@]}" install "@@torch@@" --index-url "${TORCH_INDEX_URL:-@@torch_index@@}"
"${PIP[@]}" install "$SOURCE/@@course@@"
"$VENV/bin/python" -c "import grader, numpy, torch; print('setup.sh: dl-grader', grader.__version__, 'torch', torch.__version__)"
"""

_RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission, in /autograder: it grades what the student
# uploaded to /autograder/submission and writes /autograder/results/results.json.
# Made by `grade gradescope @@name@@` (dl-grader @@version@@).
set -uo pipefail
cd /autograder
exec /autograder/venv/bin/python -m grader.gradescope run @@name@@ \\
    --course /autograder/source/@@course@@ --submission /autograder/submission \\
    --results /autograder/results/results.json --visibility @@visibility@@ --lang @@lang@@
"""


def _fill(template: str, **values: str) -> str:
    for key, value in values.items():
        template = template.replace(f"@@{key}@@", value)
    return template


def _course_files(assignment: Assignment) -> list[tuple[str, Path]]:
    """``(path in the zip, file)`` of the course part of the zip: the project files that
    install dl-grader, the grader package and the one assignment with its reference."""
    root = assignment.root
    files = [(f"{COURSE_DIR}/{name}", root / name) for name in ("pyproject.toml", "README.md")]
    for folder in (root / "grader", assignment.directory, assignment.reference_dir):
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(root)
            if (path.is_file() and not path.is_symlink() and "__pycache__" not in rel.parts
                    and not any(part.startswith(".") for part in rel.parts)
                    and path.suffix != ".pyc"):
                files.append((f"{COURSE_DIR}/{rel.as_posix()}", path))
    return files


def build(assignment: Assignment, out: Path, *, visibility: str = "visible",
          lang: str = "en") -> list[str]:
    """Write the autograder zip of ``assignment`` to ``out`` (see the module docstring).

    Args:
        assignment: the assignment, in the instructor's course (with its hidden suite).
        out: the zip file to write (replaced if it exists).
        visibility: when students see each test's result (``VISIBILITIES``).
        lang: the language of what students read ("en" or "zh", ``grader.i18n``).

    Returns:
        The names of the zip's members, in order.

    Raises:
        ValueError: ``visibility`` is not one of ``VISIBILITIES``, or ``lang`` not one of
            ``grader.i18n.LANGUAGES``.
        FileNotFoundError: this copy of the course has no hidden suite for it, or lacks
            pyproject.toml or README.md (only an instructor's course can be built).
    """
    from grader import __version__

    from grader.i18n import LANGUAGES

    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}, not {visibility!r}")
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    if not assignment.has_hidden_suite() or not assignment.reference_file.is_file():
        raise FileNotFoundError(
            f"{assignment.name} has no hidden suite and reference here ({assignment.hidden_tests}): "
            "build the Gradescope autograder in the instructor's course repository")
    for name in ("pyproject.toml", "README.md"):
        if not (assignment.root / name).is_file():
            raise FileNotFoundError(f"{assignment.root / name} is missing: the autograder installs "
                                    "dl-grader from the course repository")
    values = {"name": assignment.name, "version": __version__, "torch": TORCH_REQUIREMENT,
              "torch_index": TORCH_CPU_INDEX, "course": COURSE_DIR, "visibility": visibility,
              "lang": lang}
    scripts = [("setup.sh", _fill(_SETUP_SH, **values)),
               ("run_autograder", _fill(_RUN_AUTOGRADER, **values))]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    names = []
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in scripts:
            info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text)
            names.append(name)
        for name, path in _course_files(assignment):
            zf.write(path, name)
            names.append(name)
    os.replace(tmp, out)
    return names


def results_document(doc: dict[str, Any] | None, *, problem: str = "",
                     visibility: str = "visible", execution_time: float = 0.0) -> dict[str, Any]:
    """Gradescope's results.json from a results document (``grader.result.Result.to_dict``),
    or, with ``problem`` and no document, the score 0 with ``problem`` as the output.

    Each test's output is the student's message in a fenced code block
    (``grader.report.fenced``) under ``output_format`` "md"; the top-level output is
    Markdown too.  ``max_score`` is per test only (the specification has no top-level one).
    """
    if doc is None:
        return {"score": 0.0, "execution_time": round(execution_time, 3), "output": problem,
                "output_format": "md", "visibility": visibility, "stdout_visibility": "hidden",
                "tests": [], "extra_data": {"nothing_gradable": True}}
    tests = []
    for t in doc.get("tests", []):
        test = {"name": t["name"], "score": t["score"], "max_score": t["max_score"],
                "status": t["status"], "visibility": visibility, "output_format": "md",
                "output": fenced(t["output"]) if t.get("output") else ""}
        if t.get("extra_data"):
            test["extra_data"] = t["extra_data"]
        tests.append(test)
    notes = "\n\n".join(line for line in str(doc.get("output", "")).splitlines() if line.strip())
    return {"score": doc["score"], "execution_time": doc.get("execution_time", 0.0),
            "output": notes, "output_format": "md", "visibility": visibility,
            "stdout_visibility": "hidden", "tests": tests, "extra_data": doc.get("extra_data", {})}


def _nothing_gradable(assignment: Assignment, problem: str) -> str:
    from grader.i18n import _

    notebook = Path(assignment.submission).with_suffix(".ipynb").name
    return ("**" + _("Your submission could not be graded, so it scores 0.") + f"** {problem}.\n\n"
            + _("Upload the file you completed, `{file}` (or your notebook `{notebook}`), and "
                "submit again.").format(file=assignment.submission, notebook=notebook))


def run(course: Path, name: str, submission_dir: Path, results: Path, *,
        visibility: str = "visible", lang: str = "en") -> dict[str, Any]:
    """Grade what was uploaded to ``submission_dir`` with assignment ``name`` of the
    course at ``course``, and write Gradescope's results.json to ``results``, its
    messages in ``lang`` (``grader.i18n``).

    Returns:
        The results.json document written.

    Raises:
        grader.errors.ConfigurationError: the assignment is set up wrongly (no results
            are written: Gradescope reports a failed autograder, not a 0).
    """
    from grader.i18n import using

    with using(lang):
        return _run(course, name, submission_dir, results, visibility)


def _run(course: Path, name: str, submission_dir: Path, results: Path,
         visibility: str) -> dict[str, Any]:
    from grader.i18n import _
    from grader.intake import collect_one
    from grader.runner import grade

    start = time.monotonic()
    assignment = load_assignment(Path(course), name)
    try:
        stub = assignment.default_submission.read_bytes()
    except OSError:
        stub = None
    upload = collect_one(submission_dir, assignment.submission, f"assignments/{assignment.name}",
                         stub=stub)
    if upload.source is None:
        document = results_document(None, problem=_nothing_gradable(assignment, upload.problem.rstrip(".")),
                                    visibility=visibility, execution_time=time.monotonic() - start)
    else:
        with tempfile.TemporaryDirectory(prefix="grader-gradescope-") as folder:
            target = Path(folder) / f"{assignment.module}.py"
            target.write_bytes(upload.source)
            result = grade(assignment, target)
        shown = Path(upload.origin)
        result.submission = (shown.relative_to(submission_dir).as_posix()
                             if shown.is_relative_to(submission_dir) else upload.origin)
        if shown.suffix == ".ipynb" or shown.name != assignment.submission:
            result.notes.insert(0, _("Graded {file} from your upload.").format(file=result.submission))
        document = results_document(result.to_dict(), visibility=visibility)
    results = Path(results)
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return document


def main(argv: list[str] | None = None) -> int:
    """``python -m grader.gradescope run hwN --course DIR --submission DIR --results FILE``
    (what run_autograder calls); returns the exit status: 0 when results were written, 3
    when the assignment is set up wrongly."""
    from grader.errors import ConfigurationError

    parser = argparse.ArgumentParser(prog="python -m grader.gradescope",
                                     description="Grade a Gradescope submission (run_autograder).")
    sub = parser.add_subparsers(dest="command", required=True)
    grade_parser = sub.add_parser("run", help="grade /autograder/submission into results.json")
    grade_parser.add_argument("assignment")
    grade_parser.add_argument("--course", type=Path, required=True)
    grade_parser.add_argument("--submission", type=Path, required=True)
    grade_parser.add_argument("--results", type=Path, required=True)
    grade_parser.add_argument("--visibility", choices=VISIBILITIES, default="visible")
    grade_parser.add_argument("--lang", choices=("en", "zh"), default="en")
    args = parser.parse_args(argv)
    try:
        document = run(args.course, args.assignment, args.submission, args.results,
                       visibility=args.visibility, lang=args.lang)
    except ConfigurationError as exc:
        print(f"grade: configuration error: {exc}", file=sys.stderr)
        return 3
    print(f"{args.assignment}: score {document['score']:g}, {len(document['tests'])} tests, "
          f"results in {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
