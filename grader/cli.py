"""The ``grade`` command.

    grade hw3                          grade assignments/hw3/backprop.py
    grade hw3 --submission PATH        grade another file
    grade hw3 --format json            one JSON document (Gradescope's results.json)
    grade list                         the assignments and their points
    grade batch hw3 PATH... --out DIR  grade a whole class into a gradebook
    grade seal                         encrypt the hidden suites for the student repository
    grade keys                         each assignment's key, for CI's secrets
    grade release OUTDIR               build the student repository
    grade ci                           in GitHub Actions: grade a push or a pull request
    grade report hw3 OUT --repos DIR   report batch results to the students' repositories
    grade gradescope hw3               the autograder zip for Gradescope
    grade audit [hwN]                  check that a hidden suite credits correctness only
    grade new hwN                      start a new assignment

Exit status: 0 when grading ran (whatever the score); 1 when ``--fail-under`` is not
met; 2 for a usage error (unknown assignment, missing file), with a one-line reason;
3 when the assignment itself is set up wrongly (an instructor's error); for ``grade
batch``, 4 when the grader failed on some submissions (run it again to retry them) and
130 when it was interrupted (run it again to resume).
"""

from __future__ import annotations

import atexit
import base64
import gc
import re
import sys
from pathlib import Path

import click
from rich.cells import cell_len

from grader import __version__, i18n
from grader.assignment import Assignment, find_assignment, find_course_root, list_assignments
from grader.errors import ConfigurationError, GraderFault
from grader.i18n import _
from grader.isolation import probe_in_background

__all__ = ["main", "cli"]

EXIT_OK, EXIT_BELOW_THRESHOLD, EXIT_USAGE, EXIT_CONFIG, EXIT_BATCH_ERRORS = 0, 1, 2, 3, 4
EXIT_INTERRUPTED = 130
#: Where ``--format github`` writes each assignment's results JSON (the CI artifact),
#: relative to the course repository's root.
RESULTS_DIR = "grade-results"


def _course_root() -> Path:
    try:
        return find_course_root()
    except ConfigurationError as exc:
        raise click.UsageError(str(exc)) from None


def _unknown(names: list[str], candidates: list[str], known: list[str],
             command: bool = False) -> str:
    """``unknown assignment 'hw33'; did you mean hw3? (assignments: hw1, ..., hw7)``, in
    the run's language: ``names`` not found, the closest of ``candidates`` to each
    (``grader.errors.did_you_mean``), the ``known`` assignments; ``command``: ``names``
    were read where a command may stand too (``grade hw33``)."""
    from grader.errors import did_you_mean

    shown = ", ".join(map(repr, names))
    text = (_("unknown assignment or command {names}") if command else
            _("unknown assignment {names}")).format(names=shown)
    text += did_you_mean(names, candidates)
    listed = ", ".join(known)
    return text + (_(" (assignments: {assignments}; see `grade list`)") if command else
                   _(" (assignments: {assignments})")).format(assignments=listed)


def _named(root: Path, names: tuple[str, ...] | list[str]) -> list[Assignment]:
    """The assignments of the course at ``root`` called ``names`` (case-insensitively),
    in that order (all of them, in course order, for no names).

    Raises:
        click.UsageError: a name is not an assignment's; the message suggests the
            closest one and lists the known ones.
    """
    everything = list_assignments(root)
    found = {n: find_assignment(root, n) for n in names}
    unknown = [n for n, a in found.items() if a is None]
    if unknown:
        known = [a.name for a in everything]
        raise click.UsageError(_unknown(unknown, known, known))
    return [found[n] for n in names] or everything


def _points(a: Assignment) -> str:
    from grader.report import points_text

    if a.gpu_points:
        return _("{points} (+{gpu} on a GPU)").format(points=points_text(a.points),
                                                     gpu=f"{a.gpu_points:g}")
    return points_text(a.points)


def _use_language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--lang``'s callback: the run's messages in ``value`` (``grader.i18n.use``), else
    in the locale's language, as ``main`` chose."""
    if value is not None:
        i18n.use(value)
    return value


#: ``--lang en|zh`` for the commands whose output students read.
lang_option = click.option(
    "--lang", type=click.Choice(i18n.LANGUAGES), default=None, expose_value=False,
    is_eager=True, callback=_use_language,
    help="The language of the report: en (English) or zh (简体中文). Default: the locale's "
         "(LANG=zh_CN.UTF-8 gives Chinese), else English.")


def _grade_command(assignment: Assignment) -> click.Command:
    """The ``grade hwN`` command for one assignment."""

    @click.command(
        name=assignment.name,
        help=(f"Grade {assignment.name} ({assignment.title}).\n\n"
              f"Grades {assignment.directory.relative_to(assignment.root) / assignment.submission} "
              "unless --submission names another file. Runs the hidden suite where this copy of "
              "the course has it, otherwise the public tests. Your code runs in a separate, "
              f"sandboxed process with a limit of {assignment.time_limit:g} s per call "
              f"({assignment.limits.memory_mb} MiB of memory, {assignment.limits.submission_seconds:g} s "
              "in all).\n\nGRADER_ISOLATION=namespaces makes grading refuse to run where Linux "
              "namespaces cannot isolate the code (see docs/sandbox.md); =process turns them off."),
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    @click.option("--submission", "-s", "submission", metavar="PATH", default=None,
                  help=f"The file to grade, a .py or a Jupyter notebook (.ipynb) (default: "
                       f"assignments/{assignment.name}/{assignment.submission}).")
    @click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "github"]),
                  default="text", show_default=True,
                  help="text: a table for people. json: exactly one JSON document on stdout, in "
                       "Gradescope's results.json shape. github: for GitHub Actions: error "
                       "annotations at the failing functions, a job summary "
                       "($GITHUB_STEP_SUMMARY), step outputs ($GITHUB_OUTPUT) and the results "
                       "JSON in grade-results/.")
    @click.option("--fail-under", metavar="PERCENT", type=click.FloatRange(0, 100), default=None,
                  help="Exit with status 1 when the score is below PERCENT of the maximum (for CI).")
    @click.option("--public", "public_only", is_flag=True,
                  help="Run only the public tests, as a student's copy of the course does.")
    @lang_option
    def command(submission, fmt, fail_under, public_only):
        probe_in_background()  # the sandbox's start-up probe overlaps what comes before grading
        if submission:
            path, why = Path(submission), _("the file given with --submission")
        else:
            path, why = _worked_in(assignment)
            if path.suffix == ".ipynb" and fmt == "json":  # the document does not say it
                click.echo(_("grade: grading {notebook}: {py} is still the released stub "
                             "(--submission chooses another file)").format(
                    notebook=path.relative_to(assignment.root).as_posix(),
                    py=assignment.default_submission.name), err=True)
        _check_submission_path(path)
        key = _key_for(assignment)
        result = _grade_file(assignment, path, fmt, public_only, key,
                             public_why=_public_reason(assignment))
        result.graded_because = why
        if not submission:  # the course's own file: named from the course's root
            result.submission = path.relative_to(assignment.root).as_posix()
        _render(assignment, path, result, fmt)
        if not _meets(result, fail_under):
            sys.exit(EXIT_BELOW_THRESHOLD)

    return command


def _worked_in(assignment: Assignment) -> tuple[Path, str]:
    """The student's file and why it is the one graded, for the report: ``assignments/
    hwN/<file>.py``, or in a student repository whose .py is still the released stub,
    the notebook beside it once it was changed (as ``grade batch`` and ``grade ci``
    choose)."""
    from grader import tamper

    py = assignment.default_submission
    notebook = py.with_suffix(".ipynb")
    if (notebook.is_file() and tamper.untouched(assignment.root, py)
            and tamper.untouched(assignment.root, notebook) is False):
        return notebook, _("the notebook, because {py} is still the released stub and the "
                           "notebook is not; --submission chooses another file").format(py=py.name)
    if notebook.is_file():
        return py, _("the assignment's .py file, not the notebook beside it; --submission "
                     "{notebook} grades the notebook").format(notebook=notebook.name)
    return py, _("the assignment's file; --submission grades another")


def _check_submission_path(path: Path) -> None:
    if not path.exists():
        raise click.UsageError(_("submission file not found: {path}").format(path=path))
    if not path.is_file():
        raise click.UsageError(_("submission is not a file: {path}").format(path=path))
    if path.suffix not in (".py", ".ipynb"):
        raise click.UsageError(_("submission must be a .py file or a notebook (.ipynb): {path}")
                               .format(path=path))


def _course_key_text() -> str:
    """GRADER_KEY's text ('' when unset): the course key or an assignment's key, taken
    out of this process's environment when the command started
    (``grader.keys.keep_out_of_environment``; never passed to workers either)."""
    from grader import keys

    return keys.held()


def _course_key() -> bytes | None:
    """The course key from GRADER_KEY (None when unset), for the commands that always
    use it (seal, release).

    Raises:
        grader.seal.SealError: GRADER_KEY is set but is not a key.
    """
    from grader import seal

    text = _course_key_text()
    return seal.parse_key(text) if text else None


def _key_for(assignment: Assignment) -> bytes | None:
    """The key (the course's or the assignment's: GRADER_KEY, else GRADER_KEY_HWN) where
    this copy of the course uses it: a student repository (a sealed suite to open, a
    release record to verify). In the instructor's repository it is not used, and is
    not checked.

    Raises:
        grader.seal.SealError: it is used, and is not a key.
    """
    from grader import keys, seal, tamper

    text = keys.held(assignment.name)
    student_copy = ((assignment.root / tamper.RECORD_PATH).is_file()
                    or not assignment.has_hidden_suite())
    return seal.parse_key(text) if text and student_copy else None


def _public_reason(assignment: Assignment) -> str:
    from grader import ci

    return ci.public_reason(assignment.name)


def _grade_file(assignment: Assignment, path: Path, fmt: str, public_only: bool,
                key: bytes | None, public_why: str | None = None):
    """Grade ``path`` (a .py, or a notebook converted into a private temporary .py),
    with the repository's tamper check; a spinner on the terminal for ``fmt`` text.
    ``public_why`` says why only the public tests run, where a sealed suite does not."""
    probe_in_background()  # while grader.runner's imports run (``grade ci`` comes here first)
    import tempfile

    from grader import tamper
    from grader.runner import grade

    def run(target: Path):
        if fmt != "text":
            return grade(assignment, target, public_only=public_only, key=key,
                         public_why=public_why)
        from rich.console import Console

        with Console(highlight=False).status(_("Grading {path} ...").format(path=path),
                                             spinner="dots"):
            return grade(assignment, target, public_only=public_only, key=key,
                         public_why=public_why)

    if path.suffix == ".ipynb":
        from grader.notebook import NotebookError, python_source

        try:
            source = python_source(path.read_bytes(), path.name)
        except NotebookError as exc:
            raise click.UsageError(str(exc)) from None
        with tempfile.TemporaryDirectory(prefix="grader-notebook-") as folder:
            target = Path(folder) / f"{assignment.module}.py"
            target.write_text(source, encoding="utf-8")
            result = run(target)
        result.submission = str(path)
    else:
        result = run(path)
    result.tampered = tamper.check_repository(assignment.root, key=key, assignment=assignment.name)
    return result


def _render(assignment: Assignment, path: Path, result, fmt: str, display: str | None = None
            ) -> None:
    """Write ``result`` in format ``fmt``; ``display`` is how GitHub's annotations name
    the submission (default: its path relative to the course root)."""
    from grader import report  # heavy imports (pytest, numpy, rich) only when grading

    if fmt == "text":
        from rich.console import Console

        report.render_terminal(result, Console(highlight=False))
    elif fmt == "json":
        sys.stdout.write(report.render_json(result) + "\n")
        sys.stdout.flush()
    else:
        from grader.github import render_github

        resolved = path.resolve()
        shown = display or (resolved.relative_to(assignment.root).as_posix()
                            if resolved.is_relative_to(assignment.root) else str(path))
        render_github(result, source=resolved if path.suffix == ".py" else None,
                      display_path=shown, warnings=result.tampered,
                      results_path=assignment.root / RESULTS_DIR / f"{assignment.name}.json")
        sys.stdout.flush()


def _meets(result, fail_under: float | None) -> bool:
    """Whether the score reaches ``fail_under`` percent (always, when it is None); says
    so on stderr when it does not."""
    if fail_under is None:
        return True
    percent = 100.0 * result.score / result.max_score if result.max_score else 100.0
    if percent < fail_under:
        click.echo(_("grade: {assignment}: score {percent}% is below --fail-under {threshold}%")
                   .format(assignment=result.assignment, percent=f"{percent:.1f}",
                           threshold=f"{fail_under:g}"), err=True)
        return False
    return True


class _GradeGroup(click.Group):
    """Built-in subcommands plus one command per assignment of the course."""

    def list_commands(self, ctx):
        names = super().list_commands(ctx)
        try:
            names += [a.name for a in list_assignments(find_course_root())]
        except ConfigurationError:
            pass
        return names

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is not None:
            return command
        assignment = find_assignment(_course_root(), name)
        return None if assignment is None else _grade_command(assignment)

    def resolve_command(self, ctx, args):
        name = args[0] if args else ""
        command = self.get_command(ctx, name)
        if command is None and not name.startswith("-"):
            known = [a.name for a in list_assignments(_course_root())]
            candidates = [*known, *super().list_commands(ctx)]
            raise click.UsageError(_unknown([name], candidates, known, command=True))
        if command is not None and command.name != name:  # HW3: hw3
            args = [command.name, *args[1:]]
        return super().resolve_command(ctx, args)


@click.group(
    cls=_GradeGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=("Grade deep-learning assignments.\n\n"
          "Run `grade hw3` anywhere inside the course repository to grade your "
          "assignments/hw3 file: you get each test's points, the total, and for each failed "
          "test what was expected and what your code returned. `grade list` shows the "
          "assignments; `grade hw3 --help` the options.\n\n"
          "Instructors: `grade batch` grades a class, `grade seal`, `grade keys` and `grade "
          "release` build the student repository, whose CI runs `grade ci` (docs/ci.md), "
          "and `grade gradescope` builds an autograder for Gradescope. In a notebook: "
          "`from grader import check; check(\"hw3\")`.\n\n"
          "Exit status: 0 when grading ran, whatever the score; 1 below --fail-under; 2 for a "
          "usage error; 3 when an assignment is set up wrongly (or this machine cannot run "
          "student code safely); 4 when the grader failed on a submission."),
)
@click.version_option(__version__, prog_name="grade")
@lang_option
@click.pass_context
def cli(ctx):
    if ctx.invoked_subcommand is None:  # a bare `grade`: its help, not an error
        click.echo(ctx.get_help())


@cli.command(name="list", help="List the assignments with their points, files and tests, in "
                              "80 columns.")
@lang_option
def list_command():
    from rich.console import Console

    from grader import seal
    from grader.report import MAX_WIDTH, hanging

    root = _course_root()
    assignments = list_assignments(root)
    console = Console(highlight=False, soft_wrap=False)
    width = max(40, min(console.width, MAX_WIDTH))
    name_width = max((cell_len(a.name) for a in assignments), default=0) + 2
    for a in assignments:
        sealed = seal.bundle_path(root, a.name).is_file()
        suite = (_("hidden suite") if a.has_hidden_suite() else
                 _("sealed hidden suite") if sealed else _("public tests only"))
        lines = [f"{a.name:{name_width}}{a.title}",
                 " " * name_width + " · ".join(
                     [(a.directory.relative_to(root) / a.submission).as_posix(), _points(a), suite])]
        for line in lines:  # CJK characters are 2 cells wide: hanging counts cells
            for piece in hanging(line, width):
                click.echo(piece.plain)


_BATCH_HELP = """Grade a whole class: every submission in PATH... against ASSIGNMENT's suite,
into a gradebook in --out.

\b
Each PATH is a submission or holds several:
  alice.py                  a student's file (the student id is the file name: alice)
  hw3-alice/                a student repository (any clone; GitHub Classroom is not
                            needed): the file is found at assignments/hw3/<file>; the
                            id is the folder name
  submissions/              a folder of such files, repositories and zips
  export.zip                an LMS or Gradescope export (one folder or file per
                            student), or one student's own zip
Zip archives are read without extracting them; an entry that escapes its folder, a zip
bomb, an empty or unreadable file each get a reason in the gradebook, and the batch
goes on.

\b
Who the students are comes from the export and --roster:
  Canvas download     doejohn_LATE_12345_67890_backprop.py: id 12345 (the Canvas
                      user id), late (Canvas's LATE flag)
  Gradescope export   submission_123456/ folders beside submission_metadata.yml: the
                      submitter's SID (else email) as id, name, email, time of
                      submission; --due DATETIME marks later ones late
  --roster CSV        names and emails by id (a Canvas gradebook export, a Gradescope
                      roster, or any CSV with an id column and a name or email column)

\b
--out (default grades-ASSIGNMENT) receives:
  gradebook.sqlite   every result, written as soon as it is known
  grades.csv         one row per student: name, outcome (completed, import error,
                     time limit, crash...), total, max, late, each test's points,
                     content hash, graded-at
  canvas.csv         for Canvas's gradebook import (--canvas-column names it)
  results/ID.json    each student's results (Gradescope's results.json shape)
  feedback/ID.md     each student's feedback, in --lang's language (a class graded
                     in another language is graded again)
  summary.md         mean, median, every student, the submissions that did not
                     import or timed out, common known mistakes, each test's pass
                     rate, and histogram.png (mean and median marked)
  batch.log          what the grading processes printed (for debugging)

Running the same command again resumes: submissions already graded with the same
content and the same suite are not graded again (--regrade forces it; a --regrade that
was stopped is resumed by the same command, keeping what it regraded). Ctrl-C stops
cleanly. Each submission runs sandboxed as in `grade hwN` and gets exactly the verdict
`grade hwN --submission FILE` gives it, however busy the machine (time limits count a
call's own time, not the wall clock). A grading process that makes no progress for 60 s
(GRADER_STALL_SECONDS) is stopped, logged in batch.log and graded again once.

Exit status: 0 when every submission was graded or rejected with a reason; 4 when the
grader failed on some (they are retried by the next run); 2 for a usage error; 3 when
the assignment is set up wrongly; 130 when interrupted.
"""


@cli.command(name="batch", help=_BATCH_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("assignment_name", metavar="ASSIGNMENT")
@click.argument("paths", metavar="PATH...", nargs=-1, required=True,
                type=click.Path(path_type=Path))
@click.option("--out", "-o", "out", metavar="DIR", type=click.Path(path_type=Path), default=None,
              help="Output folder (default: grades-ASSIGNMENT in the current folder).")
@click.option("--jobs", "-j", metavar="N", type=click.IntRange(1), default=None,
              help="Submissions graded at once on this machine (default: one per core; each "
                   "job takes about one core and half a GB of memory).")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Grade on a Dask distributed cluster (e.g. tcp://host:8786) instead of "
                   "locally. Every Dask worker needs dl-grader installed and the course "
                   "repository at the same path; run workers with --nthreads equal to the "
                   "cores you want used per worker.")
@click.option("--memory-gb", metavar="GB", type=click.FloatRange(min=0.5), default=None,
              help="Memory the batch may use (default: what this machine has available when "
                   "it starts). Fewer jobs run at once where --jobs workers, each using all "
                   "its memory limit (memory_mb in assignment.toml), would need more.")
@click.option("--regrade", is_flag=True,
              help="Grade every submission again, even those already in the gradebook.")
@click.option("--id-pattern", metavar="REGEX", default=None,
              help="Regular expression that finds the student id in each file or folder name "
                   "(the group named id, else the first group, else the match). Without it, a "
                   "Canvas download's name (doejohn_12345_67890_backprop.py) gives the Canvas "
                   "user id, a Gradescope export's metadata the SID, else the name is the id.")
@click.option("--public", "public_only", is_flag=True,
              help="Run only the public tests.")
@click.option("--roster", metavar="CSV", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Class list that maps student ids to names and emails: a CSV whose header has "
                   "an id column (ID, SIS User ID, SIS Login ID, SID, Email...) and a name column "
                   "(Name, Student, or First Name and Last Name) or an email column.")
@click.option("--due", metavar="DATETIME", default=None,
              help="The deadline, ISO 8601 (2024-03-01T23:59-08:00; UTC without an offset): "
                   "submissions whose export gives a later time (Gradescope's) are marked late.")
@click.option("--canvas-column", metavar="NAME", default=None,
              help="The assignment's column in canvas.csv (default: 'ASSIGNMENT TITLE'); Canvas "
                   "matches an existing assignment by this name or by 'Name (canvas id)'.")
@lang_option
def batch_command(assignment_name, paths, out, jobs, scheduler, memory_gb, regrade, id_pattern,
                  public_only, roster, due, canvas_column):
    from rich.console import Console

    from grader import lms
    from grader.batch import LOG_NAME, LocalExecutor, default_jobs, run_batch
    from grader.gradebook import GradebookMismatch
    from grader.progress import BatchProgress
    from grader.sandbox import isolation, make_non_dumpable
    from grader.slot import SlotDied

    root = _course_root()
    [assignment] = _named(root, [assignment_name])
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise click.UsageError(f"not found: {', '.join(missing)}")
    if id_pattern is not None:
        try:
            re.compile(id_pattern)
        except re.error as exc:
            raise click.UsageError(f"--id-pattern {id_pattern!r} is not a valid regular "
                                   f"expression: {exc}") from None
    try:
        class_list = lms.read_roster(roster) if roster is not None else None
    except lms.LmsError as exc:
        raise click.UsageError(f"--roster: {exc}") from None
    deadline = lms.parse_time(due) if due is not None else None
    if due is not None and deadline is None:
        raise click.UsageError(f"--due {due!r} is not a date and time; write it as ISO 8601, "
                               "e.g. 2024-03-01T23:59-08:00")
    out = out or Path(f"grades-{assignment.name}")
    isolation()  # a GRADER_ISOLATION that cannot be honoured stops the batch before it starts
    make_non_dumpable()
    console = Console(stderr=True, highlight=False, soft_wrap=True)
    out.mkdir(parents=True, exist_ok=True)
    log = open(out / LOG_NAME, "ab")  # noqa: SIM115 - closed below
    if scheduler:
        from grader.cluster import DaskExecutor

        executor = DaskExecutor(scheduler, assignment, public_only=public_only)
    else:
        executor = LocalExecutor(assignment, jobs or default_jobs(), public_only=public_only,
                                 log=log, memory_mb=None if memory_gb is None else int(memory_gb * 1024))
        if executor.note:
            console.print(executor.note, markup=False)
    try:
        with BatchProgress(console) as progress:
            report = run_batch(assignment, list(paths), out, executor=executor, regrade=regrade,
                               id_pattern=id_pattern, public_only=public_only,
                               key=_batch_key(console), roster=class_list, due=deadline,
                               canvas_column=canvas_column, lang=i18n.language(),
                               on_start=progress.start, on_result=progress.advance,
                               on_retry=progress.retrying)
    except KeyboardInterrupt:
        executor.close()
        resume = ("run the same command again to resume: the submissions this regrade "
                  "finished are kept and only the others are regraded (without --regrade, "
                  "the others keep their earlier results and the regrade is given up)"
                  if regrade else
                  "run the same command again to resume (finished submissions are not "
                  "graded again)")
        console.print(f"Stopped. Every result finished so far is saved in "
                      f"{out / 'gradebook.sqlite'}; {resume}.", markup=False)
        sys.exit(EXIT_INTERRUPTED)
    except GradebookMismatch as exc:
        raise click.UsageError(str(exc)) from None
    except SlotDied as exc:
        console.print(f"grade: error: a grading process could not start or stopped: {exc} (see "
                      f"{out / LOG_NAME}; grade batch needs Linux). Every result finished so far "
                      "is saved; run the same command again to resume.", markup=False)
        sys.exit(EXIT_BATCH_ERRORS)
    finally:
        executor.close()
        log.close()
    for origin, why in report.skipped_files[:10]:
        console.print(f"skipped {origin}: {why}", markup=False)
    if len(report.skipped_files) > 10:
        console.print(f"... and {len(report.skipped_files) - 10} more files skipped")
    for line in report.summary:
        console.print(line, markup=False, soft_wrap=True)
    files = ", ".join(p.name + ("/" if p.is_dir() else "") for p in report.exports.values())
    console.print(f"Wrote {files} and gradebook.sqlite in {out}/", markup=False)
    if report.errors:
        console.print(f"The grader failed on {report.errors} submission(s) (see summary.md and "
                      f"{out / LOG_NAME}); run the same command again to retry them.", markup=False)
        sys.exit(EXIT_BATCH_ERRORS)


@cli.command(name="report", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("assignment_name", metavar="ASSIGNMENT")
@click.argument("out", metavar="OUT", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--repos", metavar="DIR", type=click.Path(path_type=Path, exists=True, file_okay=False),
              required=True, help="The folder of the students' clones that `grade batch` graded, "
                                  "each named after its repository.")
@click.option("--owner", metavar="ORG", required=True,
              help="The organisation or user owning the students' repositories.")
@click.option("--fail-under", metavar="PERCENT", type=click.FloatRange(0, 100), default=100.0,
              show_default=True, help="Percent of the points from which the status is success.")
@click.option("--comment", is_flag=True,
              help="Also comment on the graded commit with the student's feedback "
                   "(OUT/feedback/ID.md).")
@click.option("--url", "target_url", metavar="URL", default=None,
              help="Where each status links to (in Actions: the run's URL).")
def report_command(assignment_name, out, repos, owner, fail_under, comment, target_url):
    """Report `grade batch`'s results back to the students' GitHub repositories.

    \b
    For a grading repository the instructor owns (docs/ci.md): after
      grade batch hw3 repos/ --out grades-hw3
    over clones named after the repositories,
      grade report hw3 grades-hw3 --repos repos --owner ORG [--comment]
    sets the commit status grade/hw3 (the score; success from --fail-under) on the
    commit each clone holds, and with --comment comments there with the feedback.

    The token is read from GITHUB_TOKEN (or GH_TOKEN): one that may write commit
    statuses (and, for --comment, contents) of the students' repositories, kept in
    the grading repository's secrets, never in a student's.

    Exit status: 0 when every report was sent; 4 when GitHub refused some (each is
    said on its line); 2 for a usage error.
    """
    import os

    from grader import github_api
    from grader.exports import safe_names
    from grader.gradebook import Gradebook

    root = _course_root()
    [assignment] = _named(root, [assignment_name])
    token = os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN")
    if not token:
        raise click.UsageError("set GITHUB_TOKEN to a token that may write commit statuses of "
                               "the students' repositories (docs/ci.md)")
    book = out / "gradebook.sqlite"
    if not book.is_file():
        raise click.UsageError(f"{out} holds no gradebook.sqlite: run grade batch "
                               f"{assignment.name} ... --out {out} first")
    with Gradebook(book, assignment.name) as gradebook:
        entries = gradebook.entries()
    names = safe_names(e.student for e in entries)
    feedback = ({e.student: out / "feedback" / f"{names[e.student]}.md" for e in entries}
                if comment else None)
    made, skipped = github_api.reports(entries, repos, owner, assignment=assignment.name,
                                       fail_under=fail_under, feedback=feedback)
    for line in skipped:
        click.echo(line, err=True)
    lines = github_api.post(made, token=token, context=f"grade/{assignment.name}",
                            target_url=target_url)
    for line in lines:
        click.echo(line)
    refused = [line for line in lines if "GitHub answered" in line]
    click.echo(f"Reported {len(made) - len(refused)} of {len(entries)} student(s) to GitHub.",
               err=True)
    if refused:
        sys.exit(EXIT_BATCH_ERRORS)


@cli.command(name="ci", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("names", metavar="[ASSIGNMENT]...", nargs=-1)
@click.option("--fail-under", metavar="PERCENT", type=click.FloatRange(0, 100), default=None,
              help="The job fails (exit 1) when an assignment's score is below PERCENT "
                   "(default: it only reports, as a push of work in progress should).")
@click.option("--all", "grade_all", is_flag=True, help="Grade every assignment, changed or not.")
@click.option("--public", "public_only", is_flag=True,
              help="Run only the public tests (the student workflow's pushes).")
@click.option("--submissions", metavar="DIR", type=click.Path(path_type=Path), default=None,
              help="Grade ASSIGNMENT's file that `python -m grader.ci plan --out DIR` copied "
                   "out of a pull request (the pull request workflow's grading job).")
@lang_option
def ci_command(names, fail_under, grade_all, public_only, submissions):
    """Grade, for GitHub Actions, what a push or a pull request hands in.

    \b
    On a push (the student workflow grade.yml): the assignments changed since the
    commit before the push ($GITHUB_EVENT_PATH); on a first push or a new branch,
    those whose file differs from the released stub. With --public only the public
    tests run, and the job summary says why.

    \b
    On a pull request (grade-pull-request.yml, pull_request_target): the job that
    holds one assignment's key runs `grade ci --submissions DIR hwN`, DIR holding
    that assignment's file as `python -m grader.ci plan` copied it out of the pull
    request's head; everything else (tests, grader, sealed suite) is the default
    branch's. GRADER_KEY is that assignment's key (the secret GRADER_KEY_HWN); without
    it the public tests run, the summary says why, and the job fails.

    Each assignment is graded as `grade hwN --format github`: annotations at the
    failing functions, the job summary, step outputs, and grade-results/hwN.json for
    the artifact. See docs/ci.md.

    Exit status: 0 when every graded assignment reaches --fail-under (or nothing was
    to grade); 1 otherwise; 3 when GRADER_KEY is wrong or the sealed suite cannot run.
    """
    import os

    from grader import ci
    from grader.github import workflow_command

    root = _course_root()
    if submissions is not None:
        if len(names) != 1 or grade_all or public_only:
            raise click.UsageError("--submissions grades exactly one assignment: grade ci "
                                   "--submissions DIR hwN")
        [assignment] = _named(root, names)
        if not _grade_handed_in(assignment, submissions, fail_under):
            sys.exit(EXIT_BELOW_THRESHOLD)
        return
    assignments = _named(root, names)
    changed = None if grade_all or names else ci.changed_files(root, ci.base_commit())
    chosen = ci.to_grade(assignments, changed)
    if not chosen:
        line = _("No assignment changed in this push or pull request: nothing to grade.")
        click.echo(line)
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with open(summary, "a", encoding="utf-8") as f:
                f.write(f"{line}\n\n")
        return
    ok = True
    for assignment, path in chosen:
        if not path.is_file():
            click.echo(workflow_command("error", _("{path} is missing").format(
                path=path.relative_to(root).as_posix()), title=assignment.name))
            ok = False
            continue
        key = None if public_only else _key_for(assignment)
        result = _grade_file(assignment, path, "github", public_only, key,
                             public_why=_public_reason(assignment))
        _render(assignment, path, result, "github")
        ok = _meets(result, fail_under) and ok
    if not ok:
        sys.exit(EXIT_BELOW_THRESHOLD)


def _grade_handed_in(assignment: Assignment, folder: Path, fail_under: float | None) -> bool:
    """``grade ci --submissions``: grade ``assignment``'s file in ``folder`` (as
    ``grader.ci.plan`` laid it out) against this checkout's suite; whether it passes
    (False also when a sealed hidden suite could not run for want of a key; an
    assignment released without one is graded on its public tests)."""
    from grader import ci, keys, seal
    from grader.github import workflow_command

    rel = next((f"assignments/{assignment.name}/{n}" for n in ci.submission_names(assignment)
                if (folder / "assignments" / assignment.name / n).is_file()), None)
    if rel is None:
        raise ConfigurationError(f"{folder} holds no file of {assignment.name} (expected "
                                 f"assignments/{assignment.name}/{assignment.submission}, as "
                                 "python -m grader.ci plan writes it)")
    path = folder / rel
    _check_submission_path(path)
    key = _key_for(assignment)
    result = _grade_file(assignment, path, "github", False, key,
                         public_why=_public_reason(assignment))
    _render(assignment, path, result, "github", display=rel)
    passed = _meets(result, fail_under)
    if result.suite != "hidden" and seal.bundle_path(assignment.root, assignment.name).is_file():
        click.echo(workflow_command(
            "error", _("Only the public tests ran, so this pull request is not graded: "
                       "{reason}.").format(reason=ci.public_reason(assignment.name)),
            title=_("{assignment}: the hidden suite did not run ({secret})").format(
                assignment=assignment.name, secret=keys.secret_name(assignment.name))))
        return False
    return passed


@cli.command(name="seal", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("names", metavar="[ASSIGNMENT]...", nargs=-1)
@click.option("--new-key", is_flag=True,
              help="Seal everything with a fresh course key even though GRADER_KEY is set or "
                   "sealed/ holds bundles (every assignment's key changes).")
@click.option("--rotate", is_flag=True,
              help="Give ASSIGNMENT... new keys (the others keep theirs); update their CI "
                   "secrets afterwards (grade keys).")
def seal_command(names, new_key, rotate):
    """Encrypt the hidden suites and references into sealed/hwN.sealed.

    \b
    Each bundle holds reference/hwN/ (the reference solution, the hidden suite, the
    known mistakes), encrypted and authenticated with AES-256-GCM under hwN's own key,
    derived from the course key in GRADER_KEY: a leaked hw3 key opens hw3 only.
    Sealing again keeps each assignment's key; --rotate ASSIGNMENT... changes those.
    `grade release` puts the bundles in the student repository, whose pull request
    workflow runs the hidden suite with the assignment's key (`grade keys` prints them
    for the CI secrets GRADER_KEY_HWN; see docs/ci.md).

    Without GRADER_KEY (or with --new-key), a new course key is made and printed once:
    keep it safe (never a CI secret of the students' repositories), and set it here
    before the next `grade seal`, `grade keys` or `grade release`.
    """
    from grader import seal

    root = _course_root()
    everything = [a for a in list_assignments(root) if a.has_hidden_suite()]
    if not everything:
        raise click.UsageError(f"{root} holds no hidden suite (reference/hwN/tests/) to seal; run "
                               "grade seal in the instructor's course repository")
    known = {a.name for a in everything}
    named = [a.name for a in _named(root, names)] if names else []
    unknown = [n for n in named if n not in known]
    if unknown:
        raise click.UsageError(f"no hidden suite to seal for {', '.join(unknown)} (assignments "
                               f"with one: {', '.join(sorted(known))})")
    if rotate and not names:
        raise click.UsageError("--rotate needs the assignments whose keys change (grade seal "
                               "--rotate hw3); --new-key changes every key")
    chosen = named or [a.name for a in everything]
    key = None if new_key else _course_key()
    made = key is None
    if made:
        existing = sorted((root / seal.BUNDLE_DIR).glob("*.sealed"))
        if existing and not new_key:
            raise click.UsageError(
                f"{seal.BUNDLE_DIR}/ already holds bundles sealed with a key: set {seal.KEY_ENV} "
                "to the course key, or pass --new-key to seal everything with a fresh one (then "
                "update every CI secret: grade keys)")
        text = seal.new_key()
        key = seal.parse_key(text)
        chosen = [a.name for a in everything] if new_key else chosen
    before = {n: _bundle_key_or_none(root, n, key) for n in chosen}
    paths = seal.write_bundles(root, chosen, key, rotate=rotate)
    for path in paths:
        click.echo(f"sealed {path.relative_to(root)}")
    if made:
        click.echo(f"\nNew course key (shown once; keep it safe, and never give it to CI):\n\n"
                   f"  {text}\n\n"
                   f"Set it here too (export {seal.KEY_ENV}=...) before `grade keys` and "
                   "`grade release`.")
    changed = [n for n in chosen if before[n] != seal.bundle_key(root, n, key)]
    if changed:
        click.echo(f"\nNew assignment keys for {', '.join(changed)}: `grade keys` prints them for "
                   "the CI secrets (docs/ci.md).")


def _bundle_key_or_none(root: Path, name: str, key: bytes) -> bytes | None:
    from grader import seal

    try:
        return seal.bundle_key(root, name, key)
    except (OSError, seal.SealError):
        return None


@cli.command(name="keys", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("names", metavar="[ASSIGNMENT]...", nargs=-1)
def keys_command(names):
    """Print each assignment's key, for the CI secrets of the student repositories.

    \b
    One line per sealed assignment (all, or ASSIGNMENT...), as a dotenv file:
      GRADER_KEY_HW3=<hw3's key>
    derived from the course key in GRADER_KEY and the bundle's salt. Each line is
    the secret of that name in the `grading` environment of every student
    repository (docs/ci.md), for example:
      grade keys > keys.env
      gh secret set --env grading --repo ORG/REPO --env-file keys.env
    Delete keys.env afterwards. A key opens its assignment's sealed suite only.
    """
    from grader import keys, seal

    root = _course_root()
    wanted = _named(root, names)
    key = _course_key()
    if key is None:
        raise click.UsageError(f"{seal.KEY_ENV} is not set: set it to the course key (grade seal "
                               "printed it when it made it)")
    sealed = [a for a in wanted if seal.bundle_path(root, a.name).is_file()]
    if not sealed or (names and len(sealed) < len(wanted)):
        missing = [a.name for a in wanted if a not in sealed]
        raise click.UsageError(f"no sealed suite for {', '.join(missing) or 'any assignment'}: "
                               "run grade seal first")
    for a in sealed:
        own = seal.bundle_key(root, a.name, key)
        click.echo(f"{keys.secret_name(a.name)}={base64.urlsafe_b64encode(own).decode('ascii')}")
    click.echo(f"{len(sealed)} key(s): set each as the secret of that name in the "
               f"`{keys.ENVIRONMENT}` environment of every student repository (docs/ci.md).",
               err=True)


@cli.command(name="release", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("out", metavar="OUTDIR", type=click.Path(path_type=Path))
@click.argument("names", metavar="[ASSIGNMENT]...", nargs=-1)
@click.option("--fail-under", metavar="PERCENT", type=click.FloatRange(0, 100), default=100.0,
              show_default=True,
              help="Percent of the hidden suite's points from which a pull request's check is "
                   "green (the GRADER_FAIL_UNDER variable of the repository or organisation "
                   "overrides it; pushes only report).")
@click.option("--force", is_flag=True, help="Replace what OUTDIR holds (all but .git).")
def release_command(out, names, fail_under, force):
    """Build the student repository in OUTDIR.

    \b
    OUTDIR receives the assignments (stubs, each also as a notebook, handouts, public
    tests, data), the grader package, a README for students, the workflow that grades
    every push and pull request (.github/workflows/grade.yml), the sealed hidden suites
    from `grade seal` (sealed/), and .grader/release.json, the checksums that make
    changes to tests, workflows and grader visible, signed with the course key (and
    with each assignment's key, which CI holds): GRADER_KEY must be the course key.
    The bundles are checked to be current. Never reference/: release refuses to finish
    if any line of it would reach OUTDIR.

    ASSIGNMENT... releases only those (default: all).
    """
    from grader.release import OutdirNotUsable, release

    root = _course_root()
    chosen = [a.name for a in _named(root, names)] if names else None
    try:
        report = release(root, out, names=chosen, key=_course_key(), fail_under=fail_under,
                         force=force)
    except OutdirNotUsable as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"Released {', '.join(report.assignments)} into {report.out}/")
    click.echo(f"  notebooks: {', '.join(report.notebooks)}")
    click.echo(f"  sealed hidden suites: {', '.join(report.sealed) or 'none'}")
    for note in report.notes:
        click.echo(f"Note: {note}")


@cli.command(name="gradescope", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("assignment_name", metavar="ASSIGNMENT")
@click.option("--out", "-o", "out", metavar="ZIP", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="The zip to write (default: autograder-ASSIGNMENT.zip).")
@click.option("--visibility", type=click.Choice(["visible", "after_due_date", "after_published",
                                                 "hidden"]), default="visible", show_default=True,
              help="When students see each test's result on Gradescope.")
@lang_option
def gradescope_command(assignment_name, out, visibility):
    """Build ASSIGNMENT's autograder for Gradescope: a zip to upload as a programming
    assignment's autograder (Configure Autograder > Zip file upload).

    \b
    The zip follows Gradescope's autograder specification:
      setup.sh         installs Python 3.11+ where the image has none, and in
                       /autograder/venv torch's CPU build (pinned as in the README)
                       and this course's dl-grader
      run_autograder   grades the student's upload, the .py or the notebook
                       whatever it is called, with the hidden suite, in the same
                       sandbox as `grade ASSIGNMENT`, into results.json: each
                       test's score, visibility and Markdown output
      course/          dl-grader and the assignment, with its reference and
                       hidden suite (Gradescope never shows them to students)

    An upload with nothing to grade scores 0 with a message saying what to upload.
    Set the assignment's Autograder points to the hidden suite's points. The feedback
    is in --lang's language (the locale's by default).
    """
    from grader import gradescope

    root = _course_root()
    [assignment] = _named(root, [assignment_name])
    out = out or Path(f"autograder-{assignment.name}.zip")
    try:
        names = gradescope.build(assignment, out, visibility=visibility, lang=i18n.language())
    except FileNotFoundError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"Wrote {out} ({len(names)} files): upload it as the autograder of {assignment.name} "
               f"on Gradescope, worth {_points(assignment)}.")


@cli.command(name="audit", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("names", metavar="[ASSIGNMENT]...", nargs=-1)
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text: a report per assignment; json: one document.")
@click.option("--quick", is_flag=True,
              help="Leave out mutation testing (the slow part): the reference, the stub, "
                   "trivial bodies and known mistakes only (for CI).")
@click.option("--jobs", "-j", metavar="N", type=click.IntRange(1), default=None,
              help="Grading processes at once (default: one per core).")
def audit_command(names, fmt, quick, jobs):
    """Check that a hidden suite gives credit for correctness only.

    \b
    For each assignment (default: all that have a hidden suite), the audit grades with
    the batch machinery: the reference (full marks), the untouched stub (0 on every
    test), each public function given a trivial body (return None, zeros, its first
    argument, a constant: 0 in its own tests, nothing lost elsewhere), every function
    trivial at once (0), each known mistake of misconceptions.py (loses points, and its
    hint shows), and every first-order mutant of the reference (killed, or shown
    equivalent: a survivor is compared with the reference on the suite's own inputs,
    perturbed, and listed with an input where they differ; reference/hwN/mutants.toml
    records mutants judged equivalent or accepted by hand, each with its reason).
    The mutation score, killed / (mutants - equivalent), must be at least 98%.

    Exit status: 0 when every assignment passes, 1 when one fails, 3 when one is set up
    wrongly.
    """
    import json

    from rich.console import Console

    from grader.audit import audit
    from grader.audit.report import render, summary_table

    root = _course_root()
    chosen = [a for a in _named(root, names) if a.has_hidden_suite()]
    if not chosen:
        raise click.UsageError("no hidden suite to audit here (reference/hwN/tests/): run grade "
                               "audit in the instructor's course repository")
    console = Console(stderr=fmt == "json")
    reports = []
    for assignment in chosen:
        with console.status(f"auditing {assignment.name}") as status:
            def progress(stage, done, total, status=status, name=assignment.name):
                status.update(f"auditing {name}: {stage} {done}/{total}")
            report = audit(assignment, mutation=not quick, jobs=jobs, progress=progress)
        reports.append(report)
        if fmt == "text":
            render(report, console)
    if fmt == "json":
        click.echo(json.dumps({"passed": all(r.passed for r in reports),
                               "assignments": [r.to_dict() for r in reports]}, indent=2,
                              ensure_ascii=False))
    elif len(reports) > 1:
        console.print(summary_table(reports))
    if not all(r.passed for r in reports):
        sys.exit(EXIT_BELOW_THRESHOLD)


@cli.command(name="new", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("name", metavar="ASSIGNMENT")
@click.option("--title", default=None, help="The assignment's title (default: its name).")
@click.option("--file", "file", metavar="NAME.py", default=None,
              help="The file students submit (default: ASSIGNMENT.py).")
def new_command(name, title, file):
    """Start a new assignment: assignments/ASSIGNMENT/ and reference/ASSIGNMENT/.

    \b
    Writes assignment.toml, the handout, the stub, public tests, the reference, the
    hidden suite and misconceptions.py around one worked example function, center(x),
    which passes `grade audit` as it is. Then:
      1. write the assignment's functions in the reference and the stub, and its tests;
      2. grade audit ASSIGNMENT      until it passes;
      3. grade seal ASSIGNMENT       encrypt the hidden suite;
      4. grade release OUTDIR        the student repository.
    """
    from grader.scaffold import new_assignment

    root = _course_root()
    try:
        written = new_assignment(root, name, title=title, file=file)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    for path in written:
        click.echo(f"wrote {path.relative_to(root)}")
    click.echo(f"\nNext: write the functions, then `grade audit {name}`.")


def _batch_key(console) -> bytes | None:
    """The course key for ``grade batch``, which verifies student repositories' release
    records with it; a GRADER_KEY that is not a key is reported and not used."""
    from grader import seal

    text = _course_key_text()
    try:
        return seal.parse_key(text) if text else None
    except seal.SealError as exc:
        console.print(f"warning: {exc}; release records are checked without the key", markup=False)
        return None


def _language_asked(argv: list[str]) -> str | None:
    """The language that ``--lang`` asks for anywhere in ``argv`` (``--lang zh``,
    ``--lang=zh``), where it names one of ``i18n.LANGUAGES``, else None: so that an error
    found before click reads the option (``grade hw33 --lang zh``) is in that language."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        value = arg[len("--lang="):] if arg.startswith("--lang=") else (
            argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None)
        if value in i18n.LANGUAGES:
            return value
    return None


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``grade`` script; returns the exit status.  First, the key
    in GRADER_KEY is taken out of the environment: as the script (``argv`` None), the
    process re-executes itself without it (``grader.keys.keep_out_of_environment``).
    The messages are in the language that ``--lang`` names, else the locale's."""
    from grader import keys

    keys.keep_out_of_environment(reexec=argv is None)
    i18n.use(_language_asked(sys.argv[1:] if argv is None else argv))
    if argv is None:
        # At exit, the interpreter's collections of torch's, numpy's and pytest's objects
        # take 0.4 s (measured by benchmarks/bench_grade_hw3.py): none of them is garbage
        # that needs collecting then.  Only as the script: frozen objects are never
        # collected, which a process that goes on (a test calling main) must not have.
        atexit.register(gc.freeze)
    try:
        cli.main(args=argv, prog_name="grade", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.UsageError as exc:
        click.echo(_("grade: error: {message}").format(message=exc.format_message()), err=True)
        return EXIT_USAGE
    except click.Abort:
        click.echo(_("grade: aborted"), err=True)
        return 130
    except ConfigurationError as exc:
        click.echo(_("grade: configuration error: {message}").format(message=exc), err=True)
        return EXIT_CONFIG
    except GraderFault as exc:
        click.echo(_("grade: the grader failed: {message}").format(message=exc), err=True)
        return EXIT_BATCH_ERRORS
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
