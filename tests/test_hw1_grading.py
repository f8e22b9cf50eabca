"""hw1 graded end to end through the CLI: the stub, the reference, correct solutions
written differently, and realistic wrong submissions; and the handout's figures.

Each wrong submission must lose exactly the tests of what it got wrong (listed here by
the start of their names) and keep every other point.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import (ROOT, SUBMISSIONS, assert_actionable_messages, assert_loses_exactly,
                      failed_names, full_marks, hints_of)

pytestmark = pytest.mark.slow  # every submission in tests/submissions/hwN/ graded: minutes

HW1 = SUBMISSIONS / "hw1"
README = ROOT / "assignments" / "hw1" / "README.md"
FIGURES = ROOT / "assignments" / "hw1" / "figures"
MAKE_FIGURES = ROOT / "reference" / "hw1" / "make_figures.py"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# The tests each submission must fail, by the start of their names; all others pass.
GRID_COSTS = ["grid_search: costs on the lecture's", "grid_search: the whole costs table"]
GRID_BEST = ["grid_search: w_best = 2", "grid_search: w_best and b_best over"]
GRID_WHOLE = ["grid_search: x, y, ws and bs given as lists", "grid_search: one sample"]
SPLIT_ORDER = ["train_dev_split: x_dev and y_dev", "train_dev_split: x_train and y_train",
               "train_dev_split: dev_fraction 0"]
EXPECTED_FAILURES = {
    "correct_loops.py": [],
    "correct_vectorized.py": [],
    "correct_float32.py": [],
    "correct_lecture_style.py": [],
    "wrong_forward_no_bias.py": ["grid_search: x, y, ws and bs are left as they were found", "forward: ŷ = x·w + b matches", "forward: x given as a list",
                                 "grid_search: the whole costs table", "grid_search: w_best and b_best over",
                                 "grid_search: on a tie between (1, 2)", *GRID_WHOLE],
    "wrong_mse_sum.py": ["grid_search: x, y, ws and bs are left as they were found", "mse: y_pred and y are left as they were found", "mse: the mean of the squared errors", "mse: y_pred and y given as lists",
                         *GRID_COSTS, "grid_search: x, y, ws and bs given as lists"],
    "wrong_mse_square_of_mean.py": ["grid_search: x, y, ws and bs are left as they were found", "mse: y_pred and y are left as they were found", "mse: the mean of the squared errors", "mse: y_pred and y given as lists",
                                    *GRID_COSTS, "grid_search: w_best and b_best over",
                                    "grid_search: on a tie between (1, 2)",
                                    "grid_search: x, y, ws and bs given as lists",
                                    "grid_search: w_best on a descending grid"],
    "wrong_mse_inplace.py": ["mse: y_pred and y are left"],
    "wrong_grid_returns_index.py": [*GRID_BEST, *GRID_WHOLE, "grid_search: w_best on a descending grid"],
    "wrong_grid_ties_last.py": ["grid_search: on a tie between w = 1",
                                "grid_search: on a tie between (1, 2)"],
    "wrong_grid_costs_transposed.py": ["grid_search: x, y, ws and bs are left as they were found", *GRID_COSTS, "grid_search: on a tie between (1, 2)", *GRID_WHOLE],
    "wrong_split_int.py": ["train_dev_split: the sizes"],
    "wrong_split_legacy_seed.py": ["train_dev_split: x and y are left as they were found", *SPLIT_ORDER],
    "wrong_split_swapped.py": ["train_dev_split: x and y are left as they were found", "train_dev_split: the sizes", *SPLIT_ORDER, "train_dev_split: one sample"],
    "wrong_split_shuffle_separately.py": ["train_dev_split: x and y are left as they were found", *SPLIT_ORDER, "train_dev_split: every x stays with its y"],
}

# The known mistakes (reference/hw1/misconceptions.py) each submission's feedback names.
EXPECTED_HINTS = {
    "wrong_forward_no_bias.py": {"bias_ignored"},
    "wrong_mse_sum.py": {"mse_sum"},
    "wrong_mse_square_of_mean.py": {"square_of_mean"},
    "wrong_grid_returns_index.py": {"index_not_value"},
    "wrong_grid_ties_last.py": {"ties_last"},
    "wrong_grid_costs_transposed.py": {"costs_transposed"},
    "wrong_split_int.py": {"n_dev_truncated"},
    "wrong_split_legacy_seed.py": {"legacy_rng"},
    "wrong_split_swapped.py": {"dev_train_swapped"},
    "wrong_split_shuffle_separately.py": {"y_shuffled_separately"},
}


def _output(doc: dict, name_start: str) -> str:
    return next(t["output"] for t in doc["tests"] if t["name"].startswith(name_start))


def test_reference_scores_full_marks(graded):
    doc = graded("hw1", ROOT / "reference" / "hw1" / "linear_model.py")
    assert failed_names(doc) == []
    assert doc["score"] == doc["max_score"] == full_marks("hw1")
    assert doc["extra_data"]["suite"] == "hidden"


def test_stub_scores_zero_and_every_test_says_not_implemented(graded):
    doc = graded("hw1", ROOT / "assignments" / "hw1" / "linear_model.py")
    assert doc["score"] == 0 and doc["max_score"] == full_marks("hw1")
    for test in doc["tests"]:
        assert test["status"] == "failed"
        assert "is not implemented yet" in test["output"], test


@pytest.mark.parametrize("name", sorted(EXPECTED_FAILURES))
def test_submission_loses_exactly_the_points_of_its_mistakes(graded, name):
    doc = graded("hw1", HW1 / name)
    assert_loses_exactly(doc, EXPECTED_FAILURES[name], name)
    assert doc["max_score"] == full_marks("hw1")


def test_every_submission_in_the_folder_is_listed():
    assert {p.name for p in HW1.glob("*.py")} == set(EXPECTED_FAILURES)


@pytest.mark.parametrize("name", sorted(EXPECTED_FAILURES))
def test_feedback_names_exactly_the_known_mistakes_made(graded, name):
    doc = graded("hw1", HW1 / name)
    assert hints_of(doc) == EXPECTED_HINTS.get(name, set())
    for test in doc["tests"]:
        for _ in test.get("extra_data", {}).get("hints", []):
            assert "\nHint: " in test["output"]


def test_every_declared_mistake_is_recognised_in_some_submission():
    from grader.hints import load_misconceptions

    declared = {m.id for m in load_misconceptions(ROOT / "reference" / "hw1" / "misconceptions.py")}
    assert len(declared) >= 4
    # recognised in a submission here or in tests/feedback/ (test_feedback.py)
    from conftest import feedback_named

    assert declared == set().union(*EXPECTED_HINTS.values(), feedback_named("hw1"))


def test_a_hint_says_what_to_do(graded):
    doc = graded("hw1", HW1 / "wrong_grid_returns_index.py")
    out = _output(doc, "grid_search: w_best = 2")
    assert "w_best: expected 2, got 20" in out
    assert "Hint: you returned the positions (i, j)" in out and "return ws[i] and bs[j]" in out
    doc = graded("hw1", HW1 / "wrong_split_int.py")
    out = _output(doc, "train_dev_split: the sizes")
    assert "dev_fraction = 0.27" in out and "(7, 7, 3, 3), got (8, 8, 2, 2)" in out
    assert "Hint: your dev set has int(dev_fraction·N) samples" in out


def test_wrong_submissions_get_messages_a_student_can_act_on(graded):
    doc = graded("hw1", HW1 / "wrong_mse_sum.py")
    out = _output(doc, "grid_search: costs on the lecture's")
    assert "grid_search(x=array([1.0, 2.0, 3.0]), y=array([2.0, 4.0, 6.0]), ws=float64 (41,))" in out  # call and shapes
    assert "expected 18.6667, got 56" in out
    assert "Hint: your cost is the sum of the squared errors" in out
    # the known mistake is named: the generic "exactly 3 times" remark gives way (issue 17),
    # and the cause comes first
    assert "exactly 3 times the expected ones" not in out
    assert out.startswith("The cause is in `mse`, which `grid_search` uses")
    doc = graded("hw1", HW1 / "wrong_grid_costs_transposed.py")
    out = _output(doc, "grid_search: the whole costs table")
    assert "costs: wrong shape: expected (11, 7), got (7, 11)" in out
    doc = graded("hw1", HW1 / "wrong_mse_inplace.py")
    assert "changed its argument `y_pred` in place" in _output(doc, "mse: y_pred and y are left")
    for name in EXPECTED_FAILURES:
        assert_actionable_messages(graded("hw1", HW1 / name))


def test_top_level_lecture_code_and_plot_do_not_cost_points(graded):
    doc = graded("hw1", HW1 / "correct_lecture_style.py")
    assert doc["score"] == full_marks("hw1")


def test_public_tests_run_where_the_hidden_suite_is_absent(graded):
    doc = graded("hw1", ROOT / "reference" / "hw1" / "linear_model.py", "--public")
    assert doc["extra_data"]["suite"] == "public"
    assert doc["score"] == doc["max_score"] == 10
    stub = graded("hw1", ROOT / "assignments" / "hw1" / "linear_model.py", "--public")
    assert stub["score"] == 0 and stub["max_score"] == 10


# ---------------------------------------------------------------- the handout's figures

def _assert_png(path, min_bytes=5_000, max_bytes=2_000_000):
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG file"
    assert min_bytes <= len(data) <= max_bytes, f"{path}: {len(data)} bytes"


def test_make_figures_writes_both_pngs(tmp_path):
    proc = subprocess.run([sys.executable, str(MAKE_FIGURES), "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    for name in ("cost_vs_w.png", "cost_surface.png"):
        _assert_png(tmp_path / name)


def test_committed_figures_exist_and_the_readme_links_them():
    readme = README.read_text(encoding="utf-8")
    linked = set(re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", readme))
    for name in ("cost_vs_w.png", "cost_surface.png"):
        _assert_png(FIGURES / name)
        assert f"figures/{name}" in linked, f"the README does not embed figures/{name}"
        assert (README.parent / f"figures/{name}").is_file()
    assert "reference/hw1/make_figures.py" in readme
