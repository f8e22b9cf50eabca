"""Whether feedback names a wrong submission's actual mistake: the judge of the realistic
wrong submissions in ``tests/feedback/hwN/`` (``tests/test_feedback.py`` asserts the
figure, ``benchmarks/feedback_naming.py`` prints it).

``expected.toml`` gives, for each submission, the namings that are right: the id of a
known mistake (``reference/hwN/misconceptions.py``), or, after ``~``, a phrase of the
sentence the grader writes: a mutant's wording, a generic remark, or a hidden suite's
own message (hw6's calls pass handles, so its suite names most mistakes itself).  A
submission counts when some failed test names its mistake and nothing in its feedback
misleads: no other known mistake, no other mutant wording, no generic remark ("exactly
2 times the expected ones") and no suite hint (a "Hint: " line of a test that carries
no known mistake) that is not one of its namings.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

#: The generic remarks of grader.checks (English), each a claim about the values.
GENERIC = ("Your values are exactly", "Your values are the negatives", "Your values differ from",
           "Your gradient is the negative", "Your gradient is exactly", "Your result is the transpose")
#: How a mutant's explanation starts (grader.diagnosis.wording).
MUTANT = "Hint: your result equals the correct one"
#: How a hint line starts: in a test without known mistakes, one that is neither a
#: mutant's nor a generic remark is the hidden suite's own (hw6, hw7).
HINT = "Hint: "


@dataclass
class Verdict:
    """The judgement of one submission's feedback."""

    name: str
    named: bool
    misleading: list[str] = field(default_factory=list)

    @property
    def counts(self) -> bool:
        return self.named and not self.misleading


def expected() -> dict[str, dict[str, list[str]]]:
    """``expected.toml``: assignment -> submission (file stem) -> its right namings."""
    data = tomllib.loads((HERE / "expected.toml").read_text(encoding="utf-8"))
    return {hw: {name: list(entry["names"]) for name, entry in table.items()} for hw, table in data.items()}


def named_ids(assignment: str) -> set[str]:
    """The known mistakes (ids) that some realistic wrong submission of ``assignment``
    must get named (``expected.toml``; phrases after ``~`` left out)."""
    return {n for names in expected().get(assignment, {}).values() for n in names
            if not n.startswith("~")}


def judge(name: str, doc: dict, names: list[str]) -> Verdict:
    """The verdict on a results document (``Result.to_dict()``) for a submission whose
    right namings are ``names``."""
    ids = {n for n in names if not n.startswith("~")}
    phrases = [n[1:] for n in names if n.startswith("~")]
    verdict = Verdict(name, False)
    for test in doc.get("tests", []):
        if test.get("status") != "failed":
            continue
        hints = (test.get("extra_data") or {}).get("hints", [])
        for hint in hints:
            if hint in ids:
                verdict.named = True
            elif hint not in verdict.misleading:
                verdict.misleading.append(hint)
        for line in str(test.get("output", "")).splitlines():
            claims = [g for g in GENERIC if g in line]
            named = any(p in line for p in phrases)
            if line.startswith(MUTANT) or claims or (line.strip().startswith(HINT) and not hints):
                if named:
                    verdict.named = True
                elif line.strip() not in verdict.misleading:
                    verdict.misleading.append(line.strip())
            elif named:  # the suite's own message says what the mistake is
                verdict.named = True
    return verdict


def grade_folder(assignment: str, out: Path, jobs: int = 2) -> dict[str, dict]:
    """Grade every file of ``tests/feedback/<assignment>/`` with ``grade batch``; returns
    the results documents by file stem."""
    folder = HERE / assignment
    command = [sys.executable, "-m", "grader.cli", "batch", assignment, str(folder), "--out", str(out),
               "--jobs", str(jobs)]
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from conftest import without_namespaces
    finally:
        sys.path.pop(0)
    import os

    # Workers without namespaces: what is judged is the feedback, the same either way,
    # and this runs where namespaces do not (as root, Python made readable to the worker).
    command = without_namespaces(command)
    env = {**os.environ, "GRADER_ISOLATION": "process"}
    proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        raise RuntimeError(f"grade batch {assignment} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / "results").glob("*.json"))}


def figure(assignment: str, docs: dict[str, dict]) -> tuple[int, int, list[Verdict]]:
    """(how many count, how many there are, every verdict) for one assignment."""
    names = expected()[assignment]
    verdicts = [judge(name, docs.get(name, {}), names[name]) for name in sorted(names)]
    return sum(v.counts for v in verdicts), len(verdicts), verdicts
