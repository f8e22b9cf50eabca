"""The audit's report for a terminal (``grade audit``); ``AuditReport.to_dict`` is the
JSON one."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from grader.audit import AuditReport, MUTATION_THRESHOLD

__all__ = ["render", "summary_table"]

_CHECKS = [("reference", "reference scores full marks"), ("public", "public tests pass on the reference"),
           ("names", "every test named after its function"), ("stub", "untouched stub scores 0"),
           ("hollow", "trivial bodies earn nothing, cost nothing elsewhere"),
           ("all-trivial", "all-trivial submissions score 0"),
           ("mistake", "known mistakes lose points, with their hint"),
           ("mutation", f"mutants killed (score >= {MUTATION_THRESHOLD:.0%}), survivors explained"),
           ("records", "recorded equivalent mutants are equivalent")]


def render(report: AuditReport, console: Console) -> None:
    """Each check passed or failed, with what to fix, then the figures."""
    console.print(f"[bold]Audit of {report.assignment}[/bold]: "
                  + ("[green]passes[/green]" if report.passed else "[red]fails[/red]"))
    for check, what in _CHECKS:
        if check in ("mutation", "records") and not report.mutation:
            console.print(f"  [dim]-  {what} (not run: --quick)[/dim]")
            continue
        found = [f for f in report.findings if f.check == check]
        mark = "[red]x[/red]" if found else "[green]✓[/green]"
        console.print(f"  {mark}  {what}")
        for f in found[:12]:
            console.print(f"       {f.message}", markup=False, highlight=False)
        if len(found) > 12:
            console.print(f"       ... and {len(found) - 12} more (--format json lists them all)")
    for warning in report.warnings:
        console.print(f"  warning: {warning}", markup=False, highlight=False)
    console.print(_figures(report), highlight=False)


def _figures(report: AuditReport) -> str:
    parts = [f"reference {report.reference_score:g}/{report.max_score:g}",
             f"stub {report.stub_score:g}" if report.stub_score is not None else "",
             "all-trivial " + ", ".join(f"{k} {v:g}" for k, v in report.all_trivial.items()),
             f"{report.hollow_variants} hollow variants ({report.hollow_credit:g} points of credit)",
             f"{report.mistakes} known mistakes"]
    score = report.mutation_score
    if report.mutation:
        parts.append(f"{len(report.mutants)} mutants: {report.count('killed')} killed, "
                     f"{report.count('equivalent', 'recorded-equivalent')} equivalent, "
                     f"{report.count('accepted')} accepted, {report.count('survived')} survived"
                     + (f", score {score:.1%}" if score is not None else ""))
    parts.append(f"{report.seconds:.0f} s")
    return "  " + "; ".join(p for p in parts if p)


def summary_table(reports: list[AuditReport]) -> Table:
    """One row per assignment: the figures the issue asks for."""
    table = Table(title="grade audit")
    for column in ("assignment", "result", "mutants", "killed", "equivalent", "score",
                   "all-trivial", "time"):
        table.add_column(column)
    for r in reports:
        score = r.mutation_score
        table.add_row(r.assignment, "pass" if r.passed else "FAIL",
                      str(len(r.mutants)) if r.mutation else "-",
                      str(r.count("killed")) if r.mutation else "-",
                      str(r.count("equivalent", "recorded-equivalent")) if r.mutation else "-",
                      f"{score:.1%}" if score is not None else "-",
                      f"{max(r.all_trivial.values(), default=0):g}", f"{r.seconds:.0f} s")
    return table
