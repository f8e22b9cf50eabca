"""Feedback that names the student's actual mistake (issue 17).

The realistic wrong submissions of ``tests/feedback/hwN/`` are graded once per
assignment (``grade batch``); at least 90% of each assignment's get a message that
names their mistake with no misleading hint (``tests/feedback/naming.py`` judges), and
the cases the issue lists show their new message.  ``benchmarks/feedback_naming.py``
prints the same figure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT, without_namespaces

sys.path.insert(0, str(ROOT / "tests" / "feedback"))
import naming  # noqa: E402

from grader.checks import GradingFailure, assert_close, check_gradient  # noqa: E402
from grader.proxy import Call, describe_value  # noqa: E402

pytestmark = pytest.mark.slow  # every realistic wrong submission graded: minutes

ASSIGNMENTS = sorted(naming.expected())
_GRADED: dict[str, dict[str, dict]] = {}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """``graded("hw3")``: the results documents of ``tests/feedback/hw3/``, by file
    stem (graded once per test run)."""
    def get(assignment: str) -> dict[str, dict]:
        if assignment not in _GRADED:
            _GRADED[assignment] = naming.grade_folder(assignment, tmp_path_factory.mktemp(assignment))
        return _GRADED[assignment]
    return get


@pytest.fixture
def rng():
    return np.random.default_rng(17)


def failed(doc: dict) -> list[dict]:
    return [t for t in doc["tests"] if t["status"] == "failed"]


def outputs(doc: dict) -> str:
    return "\n".join(t["output"] for t in failed(doc))


# ------------------------------------------------------------------ the figure

@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_realistic_wrong_submissions_get_their_mistake_named(assignment, graded):
    names = naming.expected()[assignment]
    on_disk = {p.stem for p in (ROOT / "tests" / "feedback" / assignment).glob("*.py")}
    assert on_disk == set(names), "every submission has its expected naming, and only those"
    assert len(names) >= 10
    counted, total, verdicts = naming.figure(assignment, graded(assignment))
    missed = [v for v in verdicts if not v.counts]
    assert counted / total >= 0.9, f"{assignment}: {counted}/{total}; missed: {missed}"


def test_the_judge_rejects_a_misleading_hint_and_a_missing_name():
    doc = {"tests": [{"status": "failed", "output": "x\nHint: your result equals the correct one with "
                      "the sign flipped (in `f`).", "extra_data": {"hints": ["mse_sum"]}}]}
    assert not naming.judge("a", doc, ["mse_n_minus_1"]).named
    both = naming.judge("a", doc, ["mse_sum"])
    assert both.named and not both.counts  # the mutant's wording is not its naming
    assert naming.judge("a", doc, ["mse_sum", "~with the sign flipped"]).counts
    generic = {"tests": [{"status": "failed", "output": "out: ... Your values are exactly 3/4 times "
                          "the expected ones: look for ...", "extra_data": {"hints": ["affine_no_bias"]}}]}
    assert not naming.judge("b", generic, ["affine_no_bias"]).counts


def test_the_judge_reads_a_suites_own_messages_and_hints():
    """hw6's suite names mistakes in its own messages: a phrase of one names the
    mistake; a suite hint (in a test without known mistakes) that is not one of the
    submission's namings misleads."""
    sizes = {"status": "failed", "extra_data": {}, "output": "train_loader over 86 samples gave batches "
             "of [16, 16, 16, 16, 16]; expected [16, 16, 16, 16, 16, 6]: ... (drop_last=False, the default)."}
    order = {"status": "failed", "extra_data": {}, "output": "train_loader gave 5 batches, expected 6.\n"
             "Hint: the train loader must shuffle with its own generator: ..."}
    assert naming.judge("c", {"tests": [sizes]}, ["~drop_last=False"]).counts
    assert not naming.judge("c", {"tests": [sizes]}, ["~does not shuffle"]).named
    misled = naming.judge("c", {"tests": [sizes, order]}, ["~drop_last=False"])
    assert misled.named and not misled.counts
    assert misled.misleading == ["Hint: the train loader must shuffle with its own generator: ..."]
    passed = {**order, "status": "passed"}  # only failed tests speak
    assert naming.judge("c", {"tests": [sizes, passed]}, ["~drop_last=False"]).counts


def test_hw6s_suite_names_the_mistakes_it_reported_vaguely_before(graded):
    """hw6's calls pass handles, so its suite names these mistakes in its own messages:
    __len__ as the width of a row, a train loader that does not shuffle or that drops
    its last batch (before, both were told to seed their shuffle), the last batch's
    accuracy. Each of these submissions counts on its own (not only within the 90%)."""
    docs, names = graded("hw6"), naming.expected()["hw6"]
    for stem in ("len_feature_width", "train_no_shuffle", "train_drop_last", "accuracy_last_batch"):
        verdict = naming.judge(stem, docs[stem], names[stem])
        assert verdict.counts, verdict


# ------------------------------------------------------------------ the cases

def test_a_missing_bias_on_all_ones_inputs_is_no_factor():
    """affine_forward without + b on all-ones inputs: expected 4 everywhere, got 3."""
    with pytest.raises(GradingFailure) as info:
        assert_close(np.full((1, 2), 3.0), np.full((1, 2), 4.0), names="out")
    message = str(info.value)
    assert "times the expected" not in message
    assert "same amount, -1" in message and "bias" in message


def test_a_missing_bias_per_column_is_named_before_a_factor(rng):
    x, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), np.array([0.5, -1.5])
    with pytest.raises(GradingFailure) as info:
        assert_close(x @ W, x @ W + b, names="out")
    assert "every row (one amount per column)" in str(info.value)
    assert "times" not in str(info.value)


def test_a_factor_is_still_named_where_the_values_differ(rng):
    e = rng.normal(size=5)
    with pytest.raises(GradingFailure) as info:
        assert_close(e / 4, e, names="cost")
    assert "exactly 1/4 times" in str(info.value)


def test_a_gradient_with_the_wrong_sign_is_told_so(rng):
    x = rng.normal(size=4)
    with pytest.raises(GradingFailure) as info:
        check_gradient(lambda v: float(np.sum(v ** 2)), x, -2 * x, name="dx")
    assert "negative of the numerical one: check its sign" in str(info.value)


def test_small_inputs_are_shown_with_their_values_and_numbers_are_never_cut():
    call = Call("gradient_descent", (np.array([0.5, -1.0]), [1.0, 2.0]),
                {"lr": np.float64(0.7371007), "epochs": 6}, params=["xs", "ys"])
    assert call.signature() == "gradient_descent(xs=array([0.5, -1.0]), ys=[1.0, 2.0], lr=0.737101, epochs=6)"
    assert describe_value(np.zeros((40, 3))) == "float64 (40, 3)"


def test_mse_divided_by_n_minus_1_is_not_told_sum_instead_of_mean(graded):
    doc = graded("hw1")["mse_n_minus_1"]
    hints = {h for t in failed(doc) for h in t.get("extra_data", {}).get("hints", [])}
    assert hints == {"mse_n_minus_1"}
    assert "divides by N − 1" in outputs(doc)


def test_a_gradient_with_the_wrong_sign_gets_the_sign_hint(graded):
    doc = graded("hw2")["gradient_y_minus_pred"]
    assert "your gradient has the opposite sign" in outputs(doc)


def test_the_minibatch_gradient_divided_by_batch_size_is_named(graded):
    doc = graded("hw2")["minibatch_divides_by_batch_size"]
    hints = {h for t in failed(doc) for h in t.get("extra_data", {}).get("hints", [])}
    assert hints == {"minibatch_divides_by_batch_size"}


def test_db_hint_does_not_depend_on_the_students_cache_layout(graded):
    """The student caches (x, W), as the handout does; the db variant still matches."""
    source = (ROOT / "tests" / "feedback" / "hw3" / "affine_backward_db_rows_short_cache.py").read_text()
    assert "cache = (x, W)" in source
    doc = graded("hw3")["affine_backward_db_rows_short_cache"]
    first = next(t for t in failed(doc) if t["name"].startswith("affine_backward"))
    assert first["extra_data"]["hints"] == ["db_not_summed"]
    assert "check for a missing reshape" not in first["output"].split("Hint:")[1]


def test_a_mistake_beyond_the_catalogue_is_named_by_a_mutant_in_the_students_terms(graded):
    doc = graded("hw3")["affine_backward_db_axis1"]
    text = outputs(doc)
    assert "Hint: your result equals the correct one with the sum taken over axis 1 instead of " \
           "axis 0 (in computing `db`" in text
    assert "def affine_backward" not in text and "dout.sum" not in text  # never the reference


def test_a_composite_failure_names_its_cause_first(graded):
    doc = graded("hw3")["affine_backward_dW_transposed"]
    composite = [t for t in failed(doc) if t["name"].startswith("mlp_loss")]
    assert composite
    for t in composite:
        assert t["output"].splitlines()[0].startswith("`mlp_loss` uses `affine_backward`") or \
            t["output"].startswith("The cause is in `affine_backward`"), t["output"]
    doc = graded("hw1")["mse_n_minus_1"]
    grid = [t for t in failed(doc) if t["name"].startswith("grid_search")
            and not t["output"].startswith("This check passed")]
    assert grid and all("`mse`" in t["output"].splitlines()[0] for t in grid)


def test_a_failure_gives_a_snippet_that_reproduces_it(graded, tmp_path):
    """The snippet, pasted next to the student's file, runs and prints the wrong value."""
    doc = graded("hw2")["gradient_y_minus_pred"]
    text = next(t["output"] for t in failed(doc) if "To see it fail" in t["output"])
    lines = text.split("To see it fail, run this next to your file:\n", 1)[1].splitlines()
    snippet = "\n".join(line[4:] for line in lines if line.startswith("    "))
    assert "# expected: -2.32688" in snippet
    (tmp_path / "gradient_descent.py").write_text(
        (ROOT / "tests" / "feedback" / "hw2" / "gradient_y_minus_pred.py").read_text())
    (tmp_path / "snippet.py").write_text(snippet)
    run = subprocess.run([sys.executable, "snippet.py"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    assert float(run.stdout.split()[-1]) == pytest.approx(2.32688, rel=1e-5)


def test_a_snippet_shown_on_the_terminal_still_runs(tmp_path):
    """On an 80-column terminal the report wraps long lines; the snippet's comment with
    the expected value is written as short comment lines, so that no part of it is
    wrapped into a line of code (a pasted snippet then raised a SyntaxError)."""
    shutil.copyfile(ROOT / "tests" / "feedback" / "hw5" / "softmax_global_max.py",
                    tmp_path / "classification.py")
    proc = subprocess.run([sys.executable, "-m", "grader.cli", "hw5", "--submission",
                           str(tmp_path / "classification.py")], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "COLUMNS": "80"})
    shown = proc.stdout.split("To see it fail, run this next to your file:\n", 1)[1].splitlines()
    code = []
    for line in shown:
        if not line.startswith(" " * 8):
            break
        code.append(line[8:])
    comments = [line for line in code if line.startswith("#")]
    assert len(comments) >= 2 and max(map(len, proc.stdout.splitlines())) <= 80, proc.stdout
    (tmp_path / "snippet.py").write_text("\n".join(code) + "\n")
    run = subprocess.run([sys.executable, "snippet.py"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr + "\n".join(code)
    assert "nan" in run.stdout


def test_a_file_that_does_not_import_is_one_message(tmp_path):
    source = (ROOT / "tests" / "feedback" / "hw3" / "affine_forward_no_bias.py").read_text()
    broken = tmp_path / "backprop.py"
    broken.write_text(source.replace("def sigmoid(", "def sigmoid((", 1))
    env = {**os.environ, "GRADER_ISOLATION": "process", "COLUMNS": "100"}
    proc = subprocess.run(without_namespaces([sys.executable, "-m", "grader.cli", "hw3", "-s", str(broken)]),
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert "What to fix" in proc.stdout, proc.stdout + proc.stderr
    fixes = proc.stdout.split("What to fix", 1)[1].split("All tests", 1)[0]  # not the table
    assert fixes.count("✗") == 1
    assert "Your file could not be imported: none of its" in fixes
    assert "more test(s)" not in fixes
    assert "SyntaxError" in fixes
