"""The ``grade`` command.

    grade hw3                          grade assignments/hw3/backprop.py
    grade hw3 --submission PATH        grade another file
    grade hw3 --format json            one JSON document (Gradescope's results.json)
    grade list                         the assignments and their points
    grade batch hw3 PATH... --out DIR  grade a whole class into a gradebook
    grade seal                         encrypt the hidden suites for the student repository
    grade release OUTDIR               build the student repository
    grade ci                           in GitHub Actions: grade what a push changed

Exit status: 0 when grading ran (whatever the score); 1 when ``--fail-under`` is not
met; 2 for a usage error (unknown assignment, missing file), with a one-line reason;
3 when the assignment itself is set up wrongly (an instructor's error); for ``grade
batch``, 4 when the grader failed on some submissions (run it again to retry them) and
130 when it was interrupted (run it again to resume).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click
from rich.cells import cell_len

from grader import __version__
from grader.assignment import Assignment, find_course_root, list_assignments, load_assignment
from grader.errors import ConfigurationError, GraderFault

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


def _named(root: Path, names: tuple[str, ...] | list[str]) -> list[Assignment]:
    """The assignments of the course at ``root`` called ``names``, in that order (all of
    them, in course order, for no names).

    Raises:
        click.UsageError: a name is not an assignment's; the message lists the known ones.
    """
    everything = list_assignments(root)
    known = {a.name: a for a in everything}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise click.UsageError(f"unknown assignment {', '.join(map(repr, unknown))} "
                               f"(assignments: {', '.join(known)})")
    return [known[n] for n in names] or everything


def _points(a: Assignment) -> str:
    text = f"{a.points:g} points"
    return text + (f" (+{a.gpu_points:g} on a GPU)" if a.gpu_points else "")


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
    def command(submission, fmt, fail_under, public_only):
        path = Path(submission) if submission else _worked_in(assignment)
        _check_submission_path(path)
        key = _key_for(assignment, _course_key_text())
        result = _grade_file(assignment, path, fmt, public_only, key)
        _render(assignment, path, result, fmt)
        if not _meets(result, fail_under):
            sys.exit(EXIT_BELOW_THRESHOLD)

    return command


def _worked_in(assignment: Assignment) -> Path:
    """The student's file: ``assignments/hwN/<file>.py``, or in a student repository
    whose .py is still the released stub, the notebook beside it once it was changed
    (as ``grade batch`` and ``grade ci`` choose)."""
    from grader import tamper

    py = assignment.default_submission
    notebook = py.with_suffix(".ipynb")
    if (notebook.is_file() and tamper.untouched(assignment.root, py)
            and tamper.untouched(assignment.root, notebook) is False):
        click.echo(f"grade: grading {notebook.relative_to(assignment.root)}: {py.name} is still the "
                   "released stub (--submission chooses another file)", err=True)
        return notebook
    return py


def _check_submission_path(path: Path) -> None:
    if not path.exists():
        raise click.UsageError(f"submission file not found: {path}")
    if not path.is_file():
        raise click.UsageError(f"submission is not a file: {path}")
    if path.suffix not in (".py", ".ipynb"):
        raise click.UsageError(f"submission must be a .py file or a notebook (.ipynb): {path}")


def _course_key_text() -> str:
    """GRADER_KEY's text ('' when unset), then removed from this process's environment
    (it is never passed to workers either: ``grader.limits.ALWAYS_SECRET_ENV``)."""
    import os

    from grader import seal

    return os.environ.pop(seal.KEY_ENV, "").strip()


def _course_key() -> bytes | None:
    """The course key from GRADER_KEY (None when unset), for the commands that always
    use it (seal, release).

    Raises:
        grader.seal.SealError: GRADER_KEY is set but is not a key.
    """
    from grader import seal

    text = _course_key_text()
    return seal.parse_key(text) if text else None


def _key_for(assignment: Assignment, text: str) -> bytes | None:
    """The course key where this copy of the course uses it: a student repository (a
    sealed suite to open, a release record to verify). In the instructor's repository
    GRADER_KEY is not used, and is not checked.

    Raises:
        grader.seal.SealError: it is used, and is not a key.
    """
    from grader import seal, tamper

    student_copy = ((assignment.root / tamper.RECORD_PATH).is_file()
                    or not assignment.has_hidden_suite())
    return seal.parse_key(text) if text and student_copy else None


def _grade_file(assignment: Assignment, path: Path, fmt: str, public_only: bool,
                key: bytes | None):
    """Grade ``path`` (a .py, or a notebook converted into a private temporary .py),
    with the repository's tamper check; a spinner on the terminal for ``fmt`` text."""
    import tempfile

    from grader import tamper
    from grader.runner import grade

    def run(target: Path):
        if fmt != "text":
            return grade(assignment, target, public_only=public_only, key=key)
        from rich.console import Console

        with Console(highlight=False).status(f"Grading {path} ...", spinner="dots"):
            return grade(assignment, target, public_only=public_only, key=key)

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


def _render(assignment: Assignment, path: Path, result, fmt: str) -> None:
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
        shown = (resolved.relative_to(assignment.root).as_posix()
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
        click.echo(f"grade: {result.assignment}: score {percent:.1f}% is below --fail-under "
                   f"{fail_under:g}%", err=True)
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
        root = _course_root()
        try:
            return _grade_command(load_assignment(root, name))
        except KeyError:
            return None

    def resolve_command(self, ctx, args):
        name = args[0] if args else ""
        command = self.get_command(ctx, name)
        if command is None and not name.startswith("-"):
            known = ", ".join(a.name for a in list_assignments(_course_root()))
            raise click.UsageError(f"unknown assignment or command {name!r} (assignments: {known}; "
                                   "see `grade list`)")
        return super().resolve_command(ctx, args)


@click.group(
    cls=_GradeGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=("Grade deep-learning assignments.\n\n"
          "Run `grade hw3` anywhere inside the course repository to grade your "
          "assignments/hw3 file: you get each test's points, the total, and for each failed "
          "test what was expected and what your code returned. `grade list` shows the "
          "assignments; `grade hw3 --help` the options.\n\n"
          "Instructors: `grade batch` grades a class, `grade seal` and `grade release` build "
          "the student repository, whose CI runs `grade ci`.\n\n"
          "Exit status: 0 when grading ran, whatever the score; 1 below --fail-under; 2 for a "
          "usage error; 3 when an assignment is set up wrongly."),
)
@click.version_option(__version__, prog_name="grade")
def cli():
    pass


@cli.command(name="list", help="List the assignments with their points and files.")
def list_command():
    from grader import seal

    root = _course_root()
    assignments = list_assignments(root)
    width = max((cell_len(a.title) for a in assignments), default=0)
    for a in assignments:
        sealed = seal.bundle_path(root, a.name).is_file()
        suite = ("hidden suite" if a.has_hidden_suite() else
                 "sealed hidden suite" if sealed else "public tests only")
        title = a.title + " " * (width - cell_len(a.title))  # CJK characters are 2 cells wide
        click.echo(f"{a.name:6} {title}  {_points(a):26} "
                   f"{a.directory.relative_to(root) / a.submission}  [{suite}]")


_BATCH_HELP = """Grade a whole class: every submission in PATH... against ASSIGNMENT's suite,
into a gradebook in --out.

\b
Each PATH is a submission or holds several:
  alice.py                  a student's file (the student id is the file name: alice)
  hw3-alice/                a student repository (a GitHub Classroom clone): the file
                            is found at assignments/hw3/<file>; the id is the folder name
  submissions/              a folder of such files, repositories and zips
  export.zip                an LMS or Gradescope export (one folder or file per
                            student), or one student's own zip
Zip archives are read without extracting them; an entry that escapes its folder, a zip
bomb, an empty or unreadable file each get a reason in the gradebook, and the batch
goes on.

\b
--out (default grades-ASSIGNMENT) receives:
  gradebook.sqlite   every result, written as soon as it is known
  grades.csv         one row per student: total, max and each test's points
  canvas.csv         for Canvas's gradebook import
  results/ID.json    each student's results (Gradescope's results.json shape)
  feedback/ID.md     each student's feedback
  summary.md         mean, median, each test's pass rate, the histogram.png
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
                   "(the group named id, else the first group, else the match). For Canvas "
                   "downloads (doejohn_12345_67890_backprop.py): '_(?:LATE_)?(\\d+)_\\d+'.")
@click.option("--public", "public_only", is_flag=True,
              help="Run only the public tests.")
def batch_command(assignment_name, paths, out, jobs, scheduler, memory_gb, regrade, id_pattern,
                  public_only):
    from rich.console import Console

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
                               key=_batch_key(console),
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


@cli.command(name="ci", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("names", metavar="[ASSIGNMENT]...", nargs=-1)
@click.option("--fail-under", metavar="PERCENT", type=click.FloatRange(0, 100), default=100.0,
              show_default=True,
              help="The job fails (exit 1) when an assignment's score is below PERCENT.")
@click.option("--all", "grade_all", is_flag=True, help="Grade every assignment, changed or not.")
def ci_command(names, fail_under, grade_all):
    """Grade, for GitHub Actions, the assignments a push or pull request changed.

    \b
    What changed is `git diff BASE HEAD`, BASE being the pull request's base or the
    commit before the push (from $GITHUB_EVENT_PATH); where it cannot be known (a first
    push), every assignment is graded. Each is graded as `grade hwN --format github`:
    annotations at the failing functions, the job summary, step outputs, and
    grade-results/hwN.json for the artifact. The hidden suite runs when GRADER_KEY
    opens sealed/hwN.sealed, the public tests otherwise.

    Exit status: 0 when every graded assignment reaches --fail-under (or nothing was
    to grade); 1 otherwise; 3 when GRADER_KEY is wrong or the sealed suite cannot run.
    """
    import os

    from grader import ci

    root = _course_root()
    assignments = _named(root, names)
    changed = None if grade_all or names else ci.changed_files(root, ci.base_commit())
    chosen = ci.to_grade(assignments, changed)
    text = _course_key_text()
    if not chosen:
        line = "No assignment changed in this push or pull request: nothing to grade."
        click.echo(line)
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with open(summary, "a", encoding="utf-8") as f:
                f.write(f"{line}\n\n")
        return
    ok = True
    for assignment, path in chosen:
        if not path.is_file():
            click.echo(f"::error title={assignment.name}::{path.relative_to(root)} is missing")
            ok = False
            continue
        result = _grade_file(assignment, path, "github", False, _key_for(assignment, text))
        _render(assignment, path, result, "github")
        ok = _meets(result, fail_under) and ok
    if not ok:
        sys.exit(EXIT_BELOW_THRESHOLD)


@cli.command(name="seal", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("names", metavar="[ASSIGNMENT]...", nargs=-1)
@click.option("--new-key", is_flag=True,
              help="Seal with a fresh key even though GRADER_KEY is set or sealed/ holds bundles.")
def seal_command(names, new_key):
    """Encrypt the hidden suites and references into sealed/hwN.sealed.

    \b
    Each bundle holds reference/hwN/ (the reference solution, the hidden suite, the
    known mistakes), encrypted and authenticated with AES-256-GCM under the course key
    in GRADER_KEY. `grade release` puts the bundles in the student repository, where
    `grade hwN` runs the hidden suite only when GRADER_KEY is set (an organisation
    secret in CI) and the public tests otherwise.

    Without GRADER_KEY (or with --new-key), a new key is made and printed once: store
    it as the GRADER_KEY secret of the students' organisation, and set it here before
    the next `grade seal` or `grade release`.
    """
    from grader import seal

    root = _course_root()
    everything = [a for a in list_assignments(root) if a.has_hidden_suite()]
    if not everything:
        raise click.UsageError(f"{root} holds no hidden suite (reference/hwN/tests/) to seal; run "
                               "grade seal in the instructor's course repository")
    known = {a.name for a in everything}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise click.UsageError(f"no hidden suite to seal for {', '.join(unknown)} (assignments "
                               f"with one: {', '.join(sorted(known))})")
    chosen = list(names) or [a.name for a in everything]
    key = None if new_key else _course_key()
    made = key is None
    if made:
        existing = sorted((root / seal.BUNDLE_DIR).glob("*.sealed"))
        if existing and not new_key:
            raise click.UsageError(
                f"{seal.BUNDLE_DIR}/ already holds bundles sealed with a key: set {seal.KEY_ENV} "
                "to that key, or pass --new-key to seal everything with a fresh one (then update "
                "the secret in CI)")
        text = seal.new_key()
        key = seal.parse_key(text)
        chosen = [a.name for a in everything] if new_key else chosen
    paths = seal.write_bundles(root, chosen, key)
    for path in paths:
        click.echo(f"sealed {path.relative_to(root)}")
    if made:
        click.echo(f"\nNew course key (shown once; store it as the {seal.KEY_ENV} secret of the "
                   f"students' organisation and keep it safe):\n\n  {text}\n\n"
                   f"Set it here too (export {seal.KEY_ENV}=...) before `grade release`.")


@cli.command(name="release", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("out", metavar="OUTDIR", type=click.Path(path_type=Path))
@click.argument("names", metavar="[ASSIGNMENT]...", nargs=-1)
@click.option("--fail-under", metavar="PERCENT", type=click.FloatRange(0, 100), default=100.0,
              show_default=True,
              help="Percent of the points from which a student's CI check is green (the "
                   "GRADER_FAIL_UNDER variable of the repository or organisation overrides it).")
@click.option("--force", is_flag=True, help="Replace what OUTDIR holds (all but .git).")
def release_command(out, names, fail_under, force):
    """Build the student repository in OUTDIR.

    \b
    OUTDIR receives the assignments (stubs, each also as a notebook, handouts, public
    tests, data), the grader package, a README for students, the workflow that grades
    every push and pull request (.github/workflows/grade.yml), the sealed hidden suites
    from `grade seal` (sealed/), and .grader/release.json, the checksums that make
    changes to tests, workflows and grader visible. Never reference/: release refuses
    to finish if any line of it would reach OUTDIR. With GRADER_KEY set, the bundles are
    checked to be current and the checksums are signed.

    ASSIGNMENT... releases only those (default: all).
    """
    from grader.release import release

    root = _course_root()
    _named(root, names)
    report = release(root, out, names=list(names) or None, key=_course_key(),
                     fail_under=fail_under, force=force)
    click.echo(f"Released {', '.join(report.assignments)} into {report.out}/")
    click.echo(f"  notebooks: {', '.join(report.notebooks)}")
    click.echo(f"  sealed hidden suites: {', '.join(report.sealed) or 'none'}")
    for note in report.notes:
        click.echo(f"Note: {note}")


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


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``grade`` script; returns the exit status."""
    try:
        cli.main(args=argv, prog_name="grade", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.UsageError as exc:
        click.echo(f"grade: error: {exc.format_message()}", err=True)
        return EXIT_USAGE
    except click.Abort:
        click.echo("grade: aborted", err=True)
        return 130
    except ConfigurationError as exc:
        click.echo(f"grade: configuration error: {exc}", err=True)
        return EXIT_CONFIG
    except GraderFault as exc:
        click.echo(f"grade: the grader failed: {exc}", err=True)
        return EXIT_BATCH_ERRORS
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
