"""The ``--format github`` renderer (grader/github.py): annotations, job summary, step
outputs and results document, as a GitHub Actions step would receive them."""

from __future__ import annotations

import io
import json
import re
import shutil

import pytest
from markdown_it import MarkdownIt

from conftest import ROOT, SUBMISSIONS
from grader.github import (ANNOTATIONS_PER_STEP, escape_data, escape_property, function_lines,
                           function_of_test, output_lines, render_github, workflow_command)
from grader.result import Result, TestResult

STUB = ROOT / "assignments" / "hw3" / "backprop.py"
DISPLAY = "assignments/hw3/backprop.py"
PUBLIC_NOTE = ("These are the public tests only (shapes and small worked examples). The hidden "
               "suite (100 points) runs when you submit.")
DB_MESSAGE = ("affine_backward(dout=float64 (1, 2), cache=tuple of 3) returned a wrong value:\n"
              "db: wrong shape: expected (2,), got (1, 2).\n"
              "Hint: your db has one row per sample: sum dout over the batch.")


# --- helpers: what the runner (actions/runner, ActionCommand.TryParseV2) does -----------

def _unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _unescape_property(text: str) -> str:
    for token, code in (("\r", "%0D"), ("\n", "%0A"), (":", "%3A"), (",", "%2C"), ("%", "%25")):
        text = text.replace(code, token)
    return text


def parse_command(line: str) -> tuple[str, dict[str, str], str] | None:
    """``(name, properties, data)`` of a workflow command line as the runner reads it,
    or None when the runner would not take the line for a command."""
    line = line.lstrip()
    if not line.startswith("::"):
        return None
    end = line.find("::", 2)
    if end < 0:
        return None
    info = line[2:end]
    name, _, props_text = info.partition(" ")
    props = {}
    for prop in filter(None, props_text.strip().split(",")):
        key, eq, value = prop.partition("=")
        if eq:
            props[key] = _unescape_property(value)
    return name, props, _unescape_data(line[end + 2:])


def runner_lines(text: str) -> list[str]:
    """The stream's lines as any reader may split them (the runner splits on \\r and
    \\n; Python's splitlines also on \\u2028, \\x85, ...)."""
    return [piece for line in re.split("\r\n|\r|\n", text) for piece in line.splitlines() or [""]]


def commands(stream_text: str) -> list[tuple[str, dict[str, str], str]]:
    return [c for c in map(parse_command, runner_lines(stream_text)) if c is not None]


def errors(stream_text: str) -> list[tuple[str, dict[str, str], str]]:
    return [c for c in commands(stream_text) if c[0] == "error"]


def read_outputs(path) -> dict[str, str]:
    """The $GITHUB_OUTPUT file parsed back as the runner does (key=value and
    key<<DELIMITER ... DELIMITER)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    outputs, i = {}, 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            value = []
            while lines[i] != delimiter:
                value.append(lines[i])
                i += 1
            i += 1
            outputs[key] = "\n".join(value)
        else:
            key, value = line.split("=", 1)
            outputs[key] = value
    return outputs


def def_line(path, name: str) -> int:
    """The line of ``def name(`` / ``class name`` in ``path``, found by text."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if re.match(rf"(def|class) {name}\b", line):
            return number
    raise AssertionError(f"no def {name} in {path}")


def t(name: str, points: float = 3.0, status: str = "failed", output: str = "") -> TestResult:
    score = points if status == "passed" else 0.0
    return TestResult(name, f"test_x.py::{name}", points, score=score, status=status, output=output)


def hw3(tests: list[TestResult], notes: list[str] | None = None, suite: str = "hidden") -> Result:
    return Result("hw3", "Backpropagation (反向传播)", "backprop.py", suite, tests,
                  notes=notes if notes is not None else ["Graded with the hidden suite of hw3."])


@pytest.fixture
def source(tmp_path):
    """A copy of the hw3 stub, as a student's file."""
    path = tmp_path / "student" / "backprop.py"
    path.parent.mkdir()
    shutil.copy(STUB, path)
    return path


@pytest.fixture
def env(tmp_path):
    return {"GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
            "GITHUB_OUTPUT": str(tmp_path / "output.txt")}


def render(result: Result, tmp_path, *, source=None, environ=None, warnings=(),
           display_path: str = DISPLAY) -> str:
    stream = io.StringIO()
    render_github(result, source=source, display_path=display_path,
                  results_path=tmp_path / "out" / "results.json",
                  environ=environ if environ is not None else {}, stream=stream, warnings=warnings)
    return stream.getvalue()


def mixed_result() -> Result:
    return hw3([
        t("sigmoid: matches the reference", 3, "passed"),
        t("affine_backward: dW matches the reference (N = 1, 4, 10)", 3, "failed", DB_MESSAGE),
        t("mlp_loss: the loss matches the reference", 4, "failed", "expected 0.69, got 0.71"),
        t("autograd_gradients: gradients on the device match [cuda]", 4, "skipped",
          "needs a CUDA GPU and this machine has none"),
        t("numerical_gradient: x is left as it was found", 2, "passed"),
    ], notes=[PUBLIC_NOTE], suite="public")


# --- function_lines / function_of_test / escaping ------------------------------------

def test_function_lines_finds_defs_classes_methods_and_ignores_what_it_cannot_parse(tmp_path):
    marker = tmp_path / "executed"
    text = (f"open({str(marker)!r}, 'w').close()\n"   # 1: would create marker if run
            "import functools\n"                        # 2
            "@functools.cache\n"                        # 3
            "def sigmoid(z):\n"                         # 4
            "    def inner(): pass\n"                   # 5
            "    return z\n"                            # 6
            "class PimaDataset:\n"                      # 7
            "    def __len__(self):\n"                  # 8
            "        return 1\n"                        # 9
            "    class Inner:\n"                        # 10
            "        async def go(self): pass\n"        # 11
            "try:\n"                                    # 12
            "    def mlp_loss(): pass\n"                # 13
            "except ImportError:\n"                     # 14
            "    pass\n"                                # 15
            "def sigmoid(z): return z\n")               # 16: the one Python keeps
    lines = function_lines(text)
    assert lines == {"sigmoid": 16, "PimaDataset": 7, "PimaDataset.__len__": 8,
                     "PimaDataset.Inner": 10, "PimaDataset.Inner.go": 11, "mlp_loss": 13}
    assert not marker.exists()
    assert function_lines("def broken(:\n    pass\n") == {}
    assert function_lines("x = 1\0\n") == {}
    assert function_lines(STUB.read_text())["affine_backward"] == def_line(STUB, "affine_backward")


def test_tested_function_is_the_name_before_the_first_colon():
    assert function_of_test("affine_backward: dW matches the reference (N = 1, 4, 10)") == "affine_backward"
    assert function_of_test("PimaDataset: len is 532 for the training split") == "PimaDataset"
    assert function_of_test("Classifier.forward: returns (N, 1) logits") == "Classifier.forward"
    assert function_of_test("the module imports: without error") is None
    assert function_of_test("sigmoid matches") is None
    assert function_of_test(": nothing") is None


def test_escaping_follows_githubs_rules_and_round_trips():
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("f: a, b\n%") == "f%3A a%2C b%0A%25"
    nasty = "%0A literal, 100%: a::b\r\n::error::x %25"
    assert _unescape_data(escape_data(nasty)) == nasty
    assert _unescape_property(escape_property(nasty)) == nasty
    line = workflow_command("error", "a\nb", file="x.py", line=7, title="f: x, y", col=None)
    assert line == "::error file=x.py,line=7,title=f%3A x%2C y::a%0Ab"
    assert parse_command(line) == ("error", {"file": "x.py", "line": "7", "title": "f: x, y"}, "a\nb")


# --- annotations ----------------------------------------------------------------------

def test_annotations_name_the_file_the_def_line_a_short_title_and_the_escaped_message(tmp_path, source):
    text = render(mixed_result(), tmp_path, source=source)
    found = errors(text)
    assert len(found) == 2
    (_, db_props, db_data), (_, mlp_props, mlp_data) = found
    assert db_props == {"file": DISPLAY, "line": str(def_line(source, "affine_backward")),
                        "title": "affine_backward: dW matches the reference (N = 1, 4, 10) (3 points)"}
    assert db_data == DB_MESSAGE
    assert mlp_props["line"] == str(def_line(source, "mlp_loss"))
    assert mlp_props["title"] == "mlp_loss: the loss matches the reference (4 points)"
    assert mlp_data == "expected 0.69, got 0.71"
    raw = [line for line in text.splitlines() if line.startswith("::error")]
    assert "%0Adb: wrong shape" in raw[0] and "\n" not in raw[0]
    assert "title=affine_backward%3A dW matches the reference (N = 1%2C 4%2C 10) (3 points)" in raw[0]
    # the line for people comes last and is no command
    last = text.splitlines()[-1]
    assert last == "hw3: 5/12 (41.7%) — 2 test(s) failed; see " + str(tmp_path / "out" / "results.json")
    long = hw3([t("sigmoid: " + "very long name " * 20, 1, "failed", "x")])
    title = errors(render(long, tmp_path, source=source))[0][1]["title"]
    assert len(title) <= 120 and title.endswith("… (1 point)")


def test_consecutive_failures_with_one_message_are_one_annotation(tmp_path, source):
    same = "`affine_backward` is not implemented yet"
    result = hw3([t(f"affine_backward: case {i}", 2, "failed", same) for i in range(5)]
                 + [t("mlp_loss: the loss", 4, "failed", "other"),
                    t("affine_backward: case 5", 2, "failed", same)])
    found = errors(render(result, tmp_path, source=source))
    assert [(p["title"], data) for _, p, data in found] == [
        ("affine_backward: case 0 and 4 more tests (10 points)", same),
        ("mlp_loss: the loss (4 points)", "other"),
        ("affine_backward: case 5 (2 points)", same),   # not consecutive: a group of its own
    ]


def test_more_than_ten_failure_groups_give_nine_and_one_that_counts_the_rest(tmp_path, source, env):
    names = ["sigmoid", "affine_forward", "affine_backward", "sigmoid_forward", "sigmoid_backward",
             "bce_loss", "mlp_loss", "numerical_gradient", "quadratic_forward", "train_quadratic",
             "autograd_gradients"]
    tests = [t(f"{name}: check {i}", 2, "failed", f"message {i}") for i, name in enumerate(names)]
    tests.append(t("autograd_gradients: check 11", 2, "failed", "message 10"))  # grouped with 10
    text = render(hw3(tests), tmp_path, source=source, environ=env)
    found = errors(text)
    assert len(found) == ANNOTATIONS_PER_STEP == 10
    assert [data for _, _, data in found[:9]] == [f"message {i}" for i in range(9)]
    _, props, data = found[9]
    assert props == {"file": DISPLAY, "title": "3 more failed test(s)"}
    assert data.startswith("3 more test(s) failed (6 points)") and "job summary" in data
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert summary.count("<details>") == 11   # the summary has every group
    assert all(f"message {i}" in summary for i in range(11))
    # exactly ten groups: all annotated, no count
    found = errors(render(hw3(tests[:10]), tmp_path, source=source))
    assert [data for _, _, data in found] == [f"message {i}" for i in range(10)]


def test_student_text_cannot_start_a_workflow_command(tmp_path, source, env):
    evil = ("expected 1.0, got 'x'\n::set-output name=x::y\n::add-mask::\n"
            "\r::error file=evil.py::pwned\r\n  ::warning::indented\u2028::stop-commands::tok"
            "\x85::notice::nel\x1b[2K\x00")
    result = hw3([t("sigmoid: first", 3, "failed", evil), t("mlp_loss: second", 4, "failed", "plain")])
    text = render(result, tmp_path, source=source, environ=env,
                  warnings=["tests differ\n::set-env name=A::B"])
    ours = [line for line in runner_lines(text) if line.lstrip().startswith("::")]
    assert len(ours) == 3   # one warning, two errors: nothing else is a command
    assert ours[0].startswith("::warning title=hw3%3A grader warning::tests differ%0A::set-env")
    assert ours[1].startswith(f"::error file={DISPLAY},line={def_line(source, 'sigmoid')},title=")
    assert ours[2].startswith(f"::error file={DISPLAY},line={def_line(source, 'mlp_loss')},title=")
    assert [c[0] for c in commands(text)] == ["warning", "error", "error"]
    # what GitHub shows is the student's text, line breaks included, control bytes visible
    data = errors(text)[0][2]
    assert data.startswith("expected 1.0, got 'x'\n::set-output name=x::y\n::add-mask::\n")
    assert "\n::stop-commands::tok\n::notice::nel\\x1b[2K\\x00" in data
    assert "\r" not in data and "\x1b" not in data
    # nor a line of the outputs file
    assert set(read_outputs(tmp_path / "output.txt")) == {"score", "max-score", "percent", "passed",
                                                          "results"}


# --- job summary ----------------------------------------------------------------------

def _html(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


def test_summary_has_the_heading_notes_table_and_a_details_block_per_failure(tmp_path, source, env):
    render(mixed_result(), tmp_path, source=source, environ=env)
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "## ❌ hw3: Backpropagation (反向传播) — 5/12 (41.7%)" in summary
    assert PUBLIC_NOTE in summary
    assert "| | Test | Points |" in summary
    assert "| ✅ | sigmoid: matches the reference | 3/3 |" in summary
    assert r"| ❌ | affine\_backward: dW matches the reference (N = 1, 4, 10) | 0/3 |" in summary
    assert r"| ❌ | mlp\_loss: the loss matches the reference | 0/4 |" in summary
    assert (r"| ⏭️ | autograd\_gradients: gradients on the device match \[cuda\]"
            r"<br>*skipped: needs a CUDA GPU and this machine has none* | not counted (4) |") in summary
    assert r"| ✅ | numerical\_gradient: x is left as it was found | 2/2 |" in summary
    assert "All tests passed." not in summary
    assert summary.count("<details>") == 2 and summary.count("</details>") == 2
    assert f"```text\n{DB_MESSAGE}\n```" in summary
    assert f"<code>affine_backward</code>, line {def_line(source, 'affine_backward')}" in summary
    page = _html(summary)
    assert page.count("<tr>") == 6   # header and five tests
    assert "<h2>❌ hw3: Backpropagation" in page


def test_summary_shows_student_text_literally(tmp_path, source, env):
    evil = ("```\n</details>\n<script>alert(1)</script>\n````` <img src=x onerror=alert(1)>\n"
            "| a | b |\n# heading")
    result = hw3([t("sigmoid: a | b <i>name</i>", 3, "failed", evil), t("mlp_loss: x", 1, "passed")])
    render(result, tmp_path, source=source, environ=env)
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    fence = "``````"   # longer than the 5 backticks the message holds
    assert f"{fence}text\n{evil}\n{fence}" in summary
    page = _html(summary)
    assert "<script>" not in page and "<img" not in page and "<i>name</i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<h1>" not in page
    rows = re.findall(r"<tr>.*?</tr>", page, re.S)
    assert len(rows) == 3 and all(row.count("<td") == 3 for row in rows[1:])
    assert "a | b &lt;i&gt;name&lt;/i&gt;" in rows[1]
    assert page.count("<details>") == 1 and page.count("</details>") == 1


def test_a_correct_submission_gets_a_clean_summary_and_no_error(tmp_path, source, env):
    result = hw3([t("sigmoid: a", 3, "passed"), t("mlp_loss: b", 4.5, "passed"),
                  t("autograd_gradients: c [cuda]", 4, "skipped", "no GPU")])
    text = render(result, tmp_path, source=source, environ=env)
    assert "::error" not in text
    assert text == "hw3: 7.5/7.5 (100.0%) — all 2 test(s) passed\n"
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "## ✅ hw3: Backpropagation (反向传播) — 7.5/7.5 (100.0%)" in summary
    assert "| ✅ | sigmoid: a | 3/3 |" in summary and r"| ✅ | mlp\_loss: b | 4.5/4.5 |" in summary
    assert "All tests passed." in summary
    assert "<details>" not in summary and "What to fix" not in summary and "❌" not in summary
    assert read_outputs(tmp_path / "output.txt")["passed"] == "true"


def test_summary_is_appended_to_what_the_step_wrote_before(tmp_path, source, env):
    (tmp_path / "summary.md").write_text("# Earlier step output\n", encoding="utf-8")
    render(mixed_result(), tmp_path, source=source, environ=env)
    render(mixed_result(), tmp_path, source=source, environ=env)
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("# Earlier step output\n")
    assert summary.count("## ❌ hw3: Backpropagation") == 2


def test_warnings_are_annotations_and_a_summary_section(tmp_path, source, env):
    warning = "assignments/hw3/tests/test_public.py differs from the release"
    text = render(mixed_result(), tmp_path, source=source, environ=env, warnings=[warning])
    assert [c for c in commands(text) if c[0] == "warning"] == [
        ("warning", {"title": "hw3: grader warning"}, warning)]
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "### ⚠️ Warnings" in summary
    assert r"- assignments/hw3/tests/test\_public.py differs from the release" in summary
    plain = {**env, "GITHUB_STEP_SUMMARY": str(tmp_path / "plain.md")}
    assert "::warning" not in render(mixed_result(), tmp_path, source=source, environ=plain)
    assert "Warnings" not in (tmp_path / "plain.md").read_text(encoding="utf-8")


# --- outputs, results document, no GitHub -----------------------------------------------

def test_outputs_file_holds_score_percent_passed_and_results_path(tmp_path, source, env):
    (tmp_path / "output.txt").write_text("earlier=1\n", encoding="utf-8")
    result = hw3([t("sigmoid: a", 68, "passed"), t("mlp_loss: b", 31.5, "failed", "x"),
                  t("bce_loss: c", 0.5, "passed")])
    render(result, tmp_path, source=source, environ=env)
    assert read_outputs(tmp_path / "output.txt") == {
        "earlier": "1", "score": "68.5", "max-score": "100", "percent": "68.5", "passed": "false",
        "results": str(tmp_path / "out" / "results.json")}


def test_an_output_value_with_a_line_break_uses_a_delimiter(tmp_path):
    text = output_lines({"a": "one", "b": "two\nlines\nEOF", "c": "three"})
    assert re.fullmatch(r"a=one\nb<<(EOF_[0-9a-f]{32})\ntwo\nlines\nEOF\n\1\nc=three\n", text)
    (tmp_path / "o").write_text(text)
    assert read_outputs(tmp_path / "o") == {"a": "one", "b": "two\nlines\nEOF", "c": "three"}


def test_results_document_is_written_with_its_folders(tmp_path, source):
    result = mixed_result()
    result.tests.append(t("sigmoid_backward: dz = da·σ(z)(1 − σ(z))", 4, "passed"))
    render(result, tmp_path, source=source)
    path = tmp_path / "out" / "results.json"
    text = path.read_text(encoding="utf-8")
    assert json.loads(text) == result.to_dict()
    assert "da·σ(z)(1 − σ(z))" in text   # not ASCII-escaped
    assert '\n  "score": 9.0,' in text     # indented by 2


def test_without_github_environment_only_the_stream_and_the_results_file(tmp_path, source, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = {p for p in tmp_path.rglob("*")}
    text = render(mixed_result(), tmp_path, source=source, environ={})
    created = {p for p in tmp_path.rglob("*")} - before
    assert created == {tmp_path / "out", tmp_path / "out" / "results.json"}
    assert len(errors(text)) == 2
    assert not text.splitlines()[-1].startswith("::")


def test_unparsable_source_or_a_notebook_gives_annotations_without_a_line(tmp_path):
    broken = tmp_path / "backprop.py"
    broken.write_text("def affine_backward(dout, cache:\n    return 1\n", encoding="utf-8")
    found = errors(render(mixed_result(), tmp_path, source=broken))
    assert [p for _, p, _ in found] == [
        {"file": DISPLAY, "title": "affine_backward: dW matches the reference (N = 1, 4, 10) (3 points)"},
        {"file": DISPLAY, "title": "mlp_loss: the loss matches the reference (4 points)"}]
    found = errors(render(mixed_result(), tmp_path, source=None,
                          display_path="assignments/hw3/backprop.ipynb"))
    assert [p.get("line") for _, p, _ in found] == [None, None]
    assert {p["file"] for _, p, _ in found} == {"assignments/hw3/backprop.ipynb"}
    found = errors(render(mixed_result(), tmp_path, source=tmp_path / "missing.py"))
    assert [p.get("line") for _, p, _ in found] == [None, None]


def test_a_method_not_found_points_at_its_class(tmp_path):
    source = tmp_path / "data.py"
    source.write_text("import torch\n\nclass Classifier:\n    pass\n\n\nclass PimaDataset:\n"
                      "    def __len__(self):\n        return 532\n", encoding="utf-8")
    result = hw3([t("Classifier.forward: returns logits", 2, "failed", "no forward"),
                  t("PimaDataset.__len__: is 532", 1, "failed", "got 0"),
                  t("Normalize.fit: is missing", 1, "failed", "missing")])
    found = errors(render(result, tmp_path, source=source))
    assert [p.get("line") for _, p, _ in found] == ["3", "8", None]


# --- a real grading ---------------------------------------------------------------------

def test_a_real_grading_points_at_the_broken_function(tmp_path, env):
    from grader.assignment import find_course_root, load_assignment
    from grader.runner import grade

    text = (SUBMISSIONS / "hw3" / "correct_loops.py").read_text(encoding="utf-8")
    right = "dz[idx] = da[idx] * a[idx] * (1 - a[idx])"
    assert right in text
    # sigmoid_backward forgets a factor; extra lines on top move every def off its
    # line in the stub, so a line from the wrong file would show
    broken = "# my notes\n" * 7 + text.replace(right, "dz[idx] = da[idx] * (1 - a[idx])")
    submission = tmp_path / "backprop.py"
    submission.write_text(broken, encoding="utf-8")
    result = grade(load_assignment(find_course_root(), "hw3"), submission)

    stream = io.StringIO()
    render_github(result, source=submission, display_path=DISPLAY,
                  results_path=tmp_path / "results" / "hw3.json", environ=env, stream=stream)
    found = errors(stream.getvalue())
    assert found, stream.getvalue()
    assert {p["file"] for _, p, _ in found} == {DISPLAY}
    titles = [p["title"] for _, p, _ in found]
    assert any(title.startswith("sigmoid_backward:") for title in titles), titles
    for _, props, _ in found:
        function = props["title"].split(":", 1)[0]
        assert props["line"] == str(def_line(submission, function)), props
    line = def_line(submission, "sigmoid_backward")
    assert line != def_line(STUB, "sigmoid_backward")
    assert any(p["line"] == str(line) for _, p, _ in found)
    outputs = read_outputs(tmp_path / "output.txt")
    assert outputs["passed"] == "false"
    assert float(outputs["score"]) == result.score < result.max_score
    assert json.loads((tmp_path / "results" / "hw3.json").read_text()) == result.to_dict()
    assert stream.getvalue().splitlines()[-1].startswith(f"hw3: {outputs['score']}/")
