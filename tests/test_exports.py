"""The batch exports (grader.exports): grades.csv, canvas.csv, results/, feedback/,
summary.md and histogram.png, from hand-built gradebook entries."""

from __future__ import annotations

import csv
import json
import struct
from pathlib import Path

import pytest

from grader.assignment import Assignment
from grader.exports import safe_names, summary_lines, write_exports
from grader.gradebook import Entry

HW3 = Assignment(name="hw3", root=Path("."), title="Backpropagation", submission="backprop.py",
                 module="backprop", points=10, gpu_points=0, public_points=2)

SUITE = [("linear_forward: shape", 2), ("linear_backward: dW", 3),
         ("relu_backward: mask | zeros", 2.5), ("mlp_train: loss decreases", 2.5)]

GRAD_MESSAGE = "linear_backward returned the wrong gradient dW.\nHint: dW = x.T @ dout"


def _doc(statuses: dict[str, str], outputs: dict[str, str] | None = None,
         notes: str = "Graded with the hidden suite.") -> dict:
    outputs = outputs or {}
    tests = []
    for name, pts in SUITE:
        if name not in statuses:  # skipped on this run: not in the document
            continue
        passed = statuses[name] == "passed"
        tests.append({"name": name, "score": pts if passed else 0.0, "max_score": pts,
                      "status": statuses[name], "output": outputs.get(name, "")})
    return {"score": round(sum(t["score"] for t in tests), 6),
            "max_score": sum(t["max_score"] for t in tests), "execution_time": 3.2,
            "output": notes, "tests": tests,
            "extra_data": {"assignment": "hw3", "suite": "hidden", "isolation": "process",
                           "skipped": []}}


def _graded(student: str, doc: dict) -> Entry:
    return Entry(student=student, origin=f"class.zip!{student}/backprop.py", content_hash="ab" * 32,
                 status="graded", score=doc["score"], max_score=doc["max_score"], result=doc,
                 seconds=3.2, fingerprint="f1")


ALL_PASS = {name: "passed" for name, _ in SUITE}
PRINTED = "my debug print\n```\ninside fake fence\n````"

DOCS = {
    "alice": _doc(ALL_PASS),  # 10/10
    "bob": _doc({**ALL_PASS, "linear_backward: dW": "failed"},
                {"linear_backward: dW": GRAD_MESSAGE}),  # 7/10
    "张伟": _doc({**ALL_PASS, "linear_backward: dW": "failed",
                 "mlp_train: loss decreases": "failed"},
                {"linear_backward: dW": GRAD_MESSAGE,
                 "mlp_train: loss decreases": "loss went up\n" + PRINTED}),  # 4.5/10
    "carol smith": _doc({**ALL_PASS, "relu_backward: mask | zeros": "failed"},
                        {"relu_backward: mask | zeros": "mask is wrong"}),  # 7.5/10
    "dave/x": _doc({n: s for n, s in ALL_PASS.items() if n != "mlp_train: loss decreases"}
                   | {"linear_backward: dW": "failed"}, {"linear_backward: dW": GRAD_MESSAGE}),
    "dave_x": _doc(ALL_PASS),
}


def _entries() -> list[Entry]:
    graded = [_graded(s, d) for s, d in DOCS.items()]
    rejected = Entry(student="12345", origin="class.zip!12345/empty.py", content_hash="cd" * 32,
                     status="rejected", score=0, max_score=10,
                     reason="the submission is empty (0 bytes)")
    error = Entry(student="erin", origin="class.zip!erin/backprop.py", content_hash="ef" * 32,
                  status="error", score=None, max_score=10,
                  reason="the worker crashed: BrokenPipeError")
    return [error, *graded, rejected]  # not sorted: write_exports sorts


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch")
    paths = write_exports(_entries(), HW3, out)
    return out, paths


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_returns_every_path(exported):
    out, paths = exported
    assert set(paths) == {"grades", "canvas", "results", "feedback", "summary", "histogram"}
    assert paths["grades"] == out / "grades.csv" and paths["results"] == out / "results"
    assert paths["results"].is_dir() and paths["feedback"].is_dir()
    assert all(p.exists() for p in paths.values())
    assert not list(out.rglob("*.tmp"))  # atomic writes left no temporary file


def test_grades_csv(exported):
    out, paths = exported
    rows = _rows(paths["grades"])
    students = [r["student"] for r in rows]
    assert students == sorted(students) and len(rows) == 8
    header = list(rows[0])
    assert header == ["student", "name", "email", "status", "outcome", "score", "max_score",
                      "percent", "late", "submitted_at", *[name for name, _ in SUITE],
                      "reason", "tampered", "content_hash", "graded_at"]
    by = {r["student"]: r for r in rows}
    assert by["alice"]["score"] == "10" and by["alice"]["percent"] == "100"
    assert by["bob"]["score"] == "7" and by["bob"]["linear_backward: dW"] == "0"
    assert by["bob"]["relu_backward: mask | zeros"] == "2.5"
    assert by["张伟"]["score"] == "4.5" and by["张伟"]["percent"] == "45"
    # dave/x did not run the last test: empty cell, not 0
    assert by["dave/x"]["mlp_train: loss decreases"] == "" and by["dave/x"]["max_score"] == "7.5"
    assert by["dave/x"]["percent"] == "60" and by["dave/x"]["score"] == "4.5"
    rej = by["12345"]
    assert (rej["status"], rej["score"], rej["max_score"]) == ("rejected", "0", "10")
    assert all(rej[name] == "0" for name, _ in SUITE) and "empty" in rej["reason"]
    err = by["erin"]
    assert err["status"] == "error" and err["score"] == "" and err["percent"] == ""
    assert all(err[name] == "" for name, _ in SUITE) and "BrokenPipeError" in err["reason"]
    assert all(r["tampered"] == "" for r in rows)
    assert by["alice"]["outcome"] == "completed" and by["alice"]["content_hash"] == "ab" * 32
    assert (rej["outcome"], err["outcome"]) == ("rejected", "error")
    assert by["alice"]["graded_at"].endswith("+00:00") and by["alice"]["late"] == ""


def test_canvas_csv(exported):
    _, paths = exported
    with open(paths["canvas"], encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                       "hw3 Backpropagation"]
    assert rows[1][0].strip() == "Points Possible" and rows[1][5] == "10"
    by = {r[0]: r for r in rows[2:]}
    assert len(by) == 8
    assert by["12345"][1:] == ["", "12345", "", "", "0"]       # numeric id: SIS User ID
    assert by["bob"][1:] == ["", "", "bob", "", "7"]           # other ids: SIS Login ID
    assert by["张伟"][3] == "张伟" and by["张伟"][5] == "4.5"
    assert by["erin"][5] == ""                                 # error: left unchanged


def test_safe_names():
    names = safe_names(["alice", "张伟", "carol smith", "dave/x", "dave_x", "..", "", ".hidden",
                        "CON", "Alice"])
    assert names["张伟"] == "张伟" and names["carol smith"] == "carol_smith"
    assert names["dave_x"] == "dave_x"                         # already safe: kept
    assert names["dave/x"].startswith("dave_x-") and len(names["dave/x"]) == len("dave_x-") + 8
    assert names["alice"].casefold() != names["Alice"].casefold()
    for s, name in names.items():
        assert name and ".." not in name and "/" not in name and not name.startswith(".")
    assert names["CON"] != "CON"
    assert len({n.casefold() for n in names.values()}) == len(names)
    assert safe_names(["b", "a"]) == safe_names(["a", "b"])


def test_results_json(exported):
    _, paths = exported
    names = safe_names(e.student for e in _entries())
    files = {p.name for p in paths["results"].iterdir()}
    assert files == {f"{names[s]}.json" for s in [*DOCS, "12345"]}    # none for erin
    assert "张伟.json" in files and "carol_smith.json" in files and "dave_x.json" in files
    for student, doc in DOCS.items():
        stored = json.loads((paths["results"] / f"{names[student]}.json").read_text("utf-8"))
        assert stored == doc
    rej = json.loads((paths["results"] / "12345.json").read_text("utf-8"))
    assert rej["score"] == 0 and rej["max_score"] == 10 and rej["tests"] == []
    assert "empty" in rej["output"] and rej["extra_data"]["rejected"] is True


def test_feedback_markdown(exported):
    _, paths = exported
    bob = (paths["feedback"] / "bob.md").read_text("utf-8")
    assert "hw3" in bob and "Backpropagation" in bob and "7/10" in bob
    assert "linear_backward returned the wrong gradient dW." in bob
    assert "Hint: dW = x.T @ dout" in bob
    assert "relu\\_backward" not in bob                         # intraword _ left as is
    assert "mask \\| zeros" in bob                             # | escaped in the table
    table = [line for line in bob.splitlines() if line.startswith("| relu")]
    assert len(table) == 1 and table[0].count(" | ") == 2      # still three cells
    assert "Graded with the hidden suite." in bob
    zw = (paths["feedback"] / "张伟.md").read_text("utf-8")
    assert "4.5/10" in zw and PRINTED in zw                    # printed output kept verbatim
    assert "\n`````text\nloss went up\n" in zw                  # fence longer than ```` inside
    alice = (paths["feedback"] / "alice.md").read_text("utf-8")
    assert "10/10" in alice and "What to fix" not in alice
    rej = (paths["feedback"] / "12345.md").read_text("utf-8")
    assert "0/10" in rej and "the submission is empty" in rej and "backprop.py" in rej
    assert not (paths["feedback"] / "erin.md").exists()


def test_summary_markdown(exported):
    _, paths = exported
    text = paths["summary"].read_text("utf-8")
    assert "Students: 8" in text and "Graded: 6" in text and "Rejected: 1" in text
    assert "Errors: 1" in text
    # scores of the 6 graded: 10, 7, 4.5, 7.5, 4.5, 10 -> mean 7.25 (the rejected 0 left out)
    mean = next(line for line in text.splitlines() if line.startswith("| Mean"))
    assert "7.25" in mean
    assert "| Median | 7.25 |" in text and "| Max | 10 |" in text and "| Min | 4.5 |" in text
    tests = [line for line in text.splitlines() if line.startswith("| linear") or
             line.startswith("| relu") or line.startswith("| mlp")]
    # linear_backward failed for bob, 张伟, dave/x: 3/6 passed, the hardest
    assert tests[0].startswith("| linear\\_backward") or tests[0].startswith("| linear_backward")
    assert "| 3 | 3/6 | 50 % |" in tests[0]
    # mlp_train ran for 5 students (skipped for dave/x), failed for 张伟
    mlp = next(line for line in tests if line.startswith("| mlp"))
    assert "4/5" in mlp and "80 %" in mlp
    assert tests[-1].startswith("| linear_forward") and "100 %" in tests[-1]
    assert "erin" in text and "BrokenPipeError" in text and "12345" in text
    assert "![scores](histogram.png)" in text


def test_histogram_png(exported):
    _, paths = exported
    data = paths["histogram"].read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5000
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 400 and height >= 300


def test_rerun_removes_stale_files(tmp_path):
    entries = _entries()
    write_exports(entries, HW3, tmp_path)
    assert (tmp_path / "results" / "bob.json").exists()
    (tmp_path / "results" / ".bob.json.dead.tmp").write_text("left by a crash")
    keep = [e for e in entries if e.student in ("alice", "12345")]
    # bob now errors: he must lose his files too
    keep.append(Entry(student="bob", origin="x", content_hash="0", status="error", score=None,
                      max_score=10, reason="timeout of the grader"))
    paths = write_exports(keep, HW3, tmp_path)
    assert sorted(p.name for p in paths["results"].iterdir()) == ["12345.json", "alice.json"]
    assert sorted(p.name for p in paths["feedback"].iterdir()) == ["12345.md", "alice.md"]
    rows = _rows(paths["grades"])
    assert [r["student"] for r in rows] == ["12345", "alice", "bob"]
    assert rows[2]["score"] == ""


def test_summary_lines():
    lines = summary_lines(_entries(), HW3)
    text = "\n".join(lines)
    assert "8 student(s)" in text and "6 graded" in text and "1 rejected" in text
    assert "1 error(s)" in text
    assert "mean 7.25" in text and "median 7.25" in text and "min 4.5" in text and "max 10" in text
    hardest = next(line for line in lines if line.startswith("hardest tests"))
    assert hardest.index("linear_backward: dW 50 %") < hardest.index("mlp_train")
    assert len(lines) <= 5


def test_empty_batch_and_errors_only(tmp_path):
    err = Entry(student="erin", origin="x", content_hash="0", status="error", score=None,
                max_score=10, reason="grader crashed")
    paths = write_exports([err], HW3, tmp_path)
    assert _rows(paths["grades"])[0]["score"] == ""
    assert paths["histogram"].read_bytes().startswith(b"\x89PNG")
    assert "No graded submission" in paths["summary"].read_text("utf-8")
    assert "no graded submission" in "\n".join(summary_lines([err], HW3))


def test_duplicate_student_rejected(tmp_path):
    e = _entries()[1]
    with pytest.raises(ValueError, match="two entries"):
        write_exports([e, e], HW3, tmp_path)


# ------------------------------------------------------------------ tamper flags

TEST_CHANGED = "assignments/hw3/tests/test_public.py differs from the release"
WORKFLOW_ADDED = ".github/workflows/x|*y.yml was added (it is not part of the release)"


def _flagged_entries() -> list[Entry]:
    """As ``grader.batch`` records them: the flags with every entry, and in a graded
    result's ``extra_data`` as the single grader puts them."""
    doc = _doc(ALL_PASS)
    doc["extra_data"]["tampered"] = [TEST_CHANGED, WORKFLOW_ADDED]
    carol = _graded("carol", doc)
    carol.flags = [TEST_CHANGED, WORKFLOW_ADDED]
    rejected = Entry(student="dan", origin="repos/dan", content_hash="cd" * 32,
                     status="rejected", score=0, max_score=10, reason="the file is empty",
                     flags=[TEST_CHANGED])
    error = Entry(student="eve", origin="repos/eve", content_hash="ef" * 32, status="error",
                  score=None, max_score=10, reason="the worker crashed", flags=[WORKFLOW_ADDED])
    return [_graded("alice", _doc(ALL_PASS)), carol, rejected, error]


def test_tamper_flags_in_every_export(tmp_path):
    paths = write_exports(_flagged_entries(), HW3, tmp_path)
    by = {r["student"]: r for r in _rows(paths["grades"])}
    assert list(next(iter(by.values())))[-4:] == ["reason", "tampered", "content_hash", "graded_at"]
    assert by["alice"]["tampered"] == ""
    assert by["carol"]["tampered"] == f"{TEST_CHANGED}; {WORKFLOW_ADDED}"
    assert by["carol"]["reason"] == "" and by["carol"]["score"] == "10"
    assert by["dan"]["reason"] == "the file is empty" and by["dan"]["tampered"] == TEST_CHANGED
    assert by["eve"]["reason"] == "the worker crashed" and by["eve"]["tampered"] == WORKFLOW_ADDED

    carol = json.loads((paths["results"] / "carol.json").read_text("utf-8"))
    assert carol["extra_data"]["tampered"] == [TEST_CHANGED, WORKFLOW_ADDED]
    dan = json.loads((paths["results"] / "dan.json").read_text("utf-8"))
    assert dan["output"] == "the file is empty" and dan["extra_data"]["tampered"] == [TEST_CHANGED]
    alice_doc = json.loads((paths["results"] / "alice.json").read_text("utf-8"))
    assert "tampered" not in alice_doc["extra_data"]

    feedback = (paths["feedback"] / "carol.md").read_text("utf-8")
    assert "## Your repository differs from the release" in feedback
    assert "- assignments/hw3/tests/test_public.py differs from the release" in feedback
    assert "- .github/workflows/x\\|\\*y.yml was added" in feedback   # Markdown-escaped
    dan_md = (paths["feedback"] / "dan.md").read_text("utf-8")
    assert "the file is empty" in dan_md and "differs from the release" in dan_md
    assert "The repository differs from the release:" not in dan_md   # the note became a section
    assert "differs from the release" not in (paths["feedback"] / "alice.md").read_text("utf-8")

    summary = paths["summary"].read_text("utf-8")
    section = summary.split("## Repositories that differ from the release", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    assert [r.split(" | ")[0] for r in rows] == ["| Student", "| carol", "| dan", "| eve"]
    assert TEST_CHANGED in rows[1] and ".github/workflows/x\\|\\*y.yml" in rows[1]
    assert rows[1].count(" | ") == 2                                   # still three cells
    assert "alice" not in section
    rejected_row = next(line for line in summary.splitlines() if line.startswith("| dan | repos"))
    assert "The repository differs" not in rejected_row
    line = summary_lines(_flagged_entries(), HW3)[-1]
    assert line == "3 repositories differ from the release (see summary.md): carol, dan, eve"


# ------------------------------------------------------------------ outcomes, students, LMS

IMPORT_MESSAGE = ("your file could not be imported, so none of its functions could be tested:\n"
                  "ValueError: no data file here")


def _stopped(student: str, outcome: str, detail: str, statuses: dict[str, str],
             message: str) -> Entry:
    doc = _doc(statuses, {name: message for name, s in statuses.items() if s == "failed"})
    doc["extra_data"].update(outcome=outcome, outcome_detail=detail)
    return _graded(student, doc)


def _outcome_entries() -> list[Entry]:
    import_error = _stopped("ivan", "import error", "ValueError: no data file here (line 3)",
                            {name: "failed" for name, _ in SUITE}, IMPORT_MESSAGE)
    timeout = _stopped("tara", "time limit", "linear_backward timed out after 5 s",
                       {**ALL_PASS, "linear_backward: dW": "failed"},
                       "`linear_backward` timed out after 5 s (the per-call time limit).")
    honest_zero = _graded("zoe", _doc({name: "failed" for name, _ in SUITE},
                                      {name: f"{name} is wrong" for name, _ in SUITE}))
    return [import_error, timeout, honest_zero, _graded("alice", _doc(ALL_PASS))]


def test_a_file_that_did_not_import_or_timed_out_is_not_an_honest_zero(tmp_path):
    paths = write_exports(_outcome_entries(), HW3, tmp_path)
    by = {r["student"]: r for r in _rows(paths["grades"])}
    assert (by["ivan"]["status"], by["ivan"]["outcome"], by["ivan"]["score"]) == ("graded", "import error", "0")
    assert by["ivan"]["reason"] == "ValueError: no data file here (line 3)"
    assert (by["zoe"]["outcome"], by["zoe"]["score"], by["zoe"]["reason"]) == ("completed", "0", "")
    assert by["tara"]["outcome"] == "time limit" and "timed out" in by["tara"]["reason"]

    summary = paths["summary"].read_text("utf-8")
    assert "Graded: 4, of which 2 did not complete (1 import error, 1 time limit)" in summary
    section = summary.split("## Submissions that did not import, timed out or crashed", 1)[1]
    section = section.split("\n## ", 1)[0]
    assert "| ivan | import error | ValueError: no data file here (line 3) | 4/4 | 0/10 |" in section
    assert "| tara | time limit |" in section and "| 1/4 | 7/10 |" in section
    assert "zoe" not in section and "alice" not in section
    lines = summary_lines(_outcome_entries(), HW3)
    assert "2 graded submission(s) did not complete: 1 import error, 1 time limit (see summary.md)" in lines

    ivan = (paths["feedback"] / "ivan.md").read_text("utf-8")
    assert ivan.count("no data file here") == 1                       # one message, not four
    assert "### ✗ 4 tests (all of them) failed with one message (10 points)" in ivan
    zoe = (paths["feedback"] / "zoe.md").read_text("utf-8")
    assert zoe.count("### ✗") == 4                                    # four messages: four items


def test_known_mistakes_are_counted_by_student(tmp_path):
    hint = "Hint: dW = x.T @ dout, not dout.T @ x"
    outputs = {"linear_backward: dW": f"dW is wrong\n{hint}"}
    entries = []
    for student in ("ann", "ben", "cy"):
        doc = _doc({**ALL_PASS, "linear_backward: dW": "failed"}, outputs)
        doc["tests"][1]["extra_data"] = {"hints": ["dW_transposed"]}
        entries.append(_graded(student, doc))
    doc = _doc({**ALL_PASS, "relu_backward: mask | zeros": "failed"},
               {"relu_backward: mask | zeros": "mask\nHint: the mask is x > 0"})
    doc["tests"][2]["extra_data"] = {"hints": ["relu_mask_ge"]}
    entries.append(_graded("dee", doc))
    summary = write_exports(entries, HW3, tmp_path)["summary"].read_text("utf-8")
    section = summary.split("## Most common known mistakes", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert rows == ["| dW_transposed | 3 | dW = x.T @ dout, not dout.T @ x |",
                    "| relu_mask_ge | 1 | the mask is x \\> 0 |"]


def test_only_a_canvas_download_gives_canvas_user_ids(tmp_path):
    """A number goes in Canvas's ID column only where it is Canvas's user id (from the name
    of the download the file came from): a student number there could be another
    student's user id."""
    from_canvas = _graded("12345", _doc(ALL_PASS))
    from_canvas.origin = "canvas.zip!doejohn_LATE_12345_67890_backprop.py"
    zipped = _graded("23456", _doc(ALL_PASS))
    zipped.origin = "canvas.zip!smithjane_23456_78901_hw3.zip!hw3/backprop.py"
    sid = _graded("1001", _doc(ALL_PASS))
    sid.origin = "export.zip!assignment_1_export/submission_101/backprop.py"
    with open(write_exports([from_canvas, zipped, sid], HW3, tmp_path)["canvas"], encoding="utf-8",
              newline="") as f:
        rows = {r[0]: r for r in csv.reader(f)}
    assert rows["12345"][1:4] == ["12345", "", ""] and rows["23456"][1:4] == ["23456", "", ""]
    assert rows["1001"][1:4] == ["", "1001", ""]


def test_canvas_points_possible_is_the_maximum_graded_and_the_column_can_be_named(tmp_path):
    gpu = _doc(ALL_PASS)
    gpu["tests"].append({"name": "linear_backward: dW [cuda]", "score": 4.0, "max_score": 4.0,
                         "status": "passed", "output": ""})
    gpu["score"], gpu["max_score"] = 14.0, 14.0
    entries = [_graded("alice", gpu), _graded("bob", _doc(ALL_PASS))]
    entries[0].name = "Alice Liddell"
    paths = write_exports(entries, HW3, tmp_path, canvas_column="Homework 3 (4021)")
    with open(paths["canvas"], encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][-1] == "Homework 3 (4021)"
    assert rows[1][5] == "14"                       # the GPU points ran for alice
    assert rows[2][0] == "Alice Liddell" and rows[2][3] == "alice" and rows[2][5] == "14"
    assert rows[3][0] == "bob" and rows[3][5] == "10"
    assert write_exports(entries[1:], HW3, tmp_path)["canvas"].read_text("utf-8").splitlines()[1] \
        .endswith(",10")                            # no GPU run: the CPU points


def test_who_the_students_are_in_grades_and_summary(tmp_path):
    alice, bob = _graded("12345", _doc(ALL_PASS)), _graded("23456", _doc(ALL_PASS))
    alice.name, alice.email, alice.late = "Alice Liddell", "alice@example.edu", False
    bob.name, bob.late, bob.submitted_at = "Bob | Smith", True, "2024-03-02T08:00:00-08:00"
    paths = write_exports([alice, bob], HW3, tmp_path)
    by = {r["student"]: r for r in _rows(paths["grades"])}
    assert (by["12345"]["name"], by["12345"]["email"], by["12345"]["late"]) == (
        "Alice Liddell", "alice@example.edu", "no")
    assert (by["23456"]["late"], by["23456"]["submitted_at"]) == ("yes", "2024-03-02T08:00:00-08:00")
    summary = paths["summary"].read_text("utf-8")
    assert "| 12345 | Alice Liddell | completed | 10/10 | 100 % | no |  |" in summary
    assert "| 23456 | Bob \\| Smith | completed | 10/10 | 100 % | yes | 2024-03-02T08:00:00-08:00 |" in summary


def test_histogram_marks_mean_and_median_and_leaves_rejected_out():
    from grader.exports import _histogram_figure

    fig = _histogram_figure(_entries(), HW3)    # 6 graded (100, 70, 45, 75, 60, 100 %), 1 rejected
    ax = fig.axes[0]
    assert sum(patch.get_height() for patch in ax.patches) == 6
    lines = {line.get_label(): line.get_xdata()[0] for line in ax.get_lines()}
    mean, median = (100 + 70 + 45 + 75 + 60 + 100) / 6, (70 + 75) / 2
    assert lines == {"mean 75 %": pytest.approx(mean), "median 72.5 %": median}
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(lines)
    assert "n = 6" in ax.get_title()
