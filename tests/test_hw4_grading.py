"""hw4 graded end to end through the CLI: the stub, the reference, correct solutions
written differently, and realistic wrong submissions; and the data set's generator.

Each wrong submission must lose exactly the tests of what it got wrong (listed here by
the start of their names) and keep every other point.
"""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from conftest import (ROOT, SUBMISSIONS, assert_actionable_messages, assert_loses_exactly,
                      failed_names, full_marks, hints_of)

pytestmark = pytest.mark.slow  # every submission in tests/submissions/hwN/ graded: minutes

HW4 = SUBMISSIONS / "hw4"
DATA = ROOT / "assignments" / "hw4" / "data"

# The tests each submission must fail, by the start of their names; all others pass.
POLY = ["polynomial_features: matches", "polynomial_features: degree 1",
        "polynomial_features: N = 1"]
ADAGRAD = ["fit_gd: Adagrad: the loss", "fit_gd: Adagrad: w and b", "fit_gd: N = 1"]
EXPECTED_FAILURES = {
    "correct_loops.py": [],
    "correct_vectorized.py": [],
    "correct_float32.py": [],
    "correct_lecture_style.py": [],
    "wrong_poly_starts_at_x0.py": POLY,
    "wrong_poly_bias_column.py": POLY,
    "wrong_std_ddof1.py": ["standardize: X is left unchanged", "standardize: X_std matches", "standardize: mean and std"],
    "wrong_standardize_recomputes_stats.py": ["standardize: a given mean", "standardize: one row"],
    "wrong_standardize_in_place.py": ["standardize: X is left unchanged"],
    "wrong_loss_mean.py": [
        "loss: λ = 0", "loss: λ > 0",
        "loss_gradient: dw matches the reference (λ = 0", "loss_gradient: db matches the reference (λ = 0",
        "loss_gradient: dw matches the reference (λ = 2", "loss_gradient: db matches the reference (λ = 2",
        "loss_gradient: dw and db match central",
        "fit_gd: the loss of every epoch", "fit_gd: w and b after", "fit_gd: λ = 3",
        "fit_gd: Adagrad: the loss", "fit_gd: starts at w = 0"],
    "wrong_bias_regularized.py": [
        "loss: λ > 0", "loss_gradient: db matches the reference (λ = 2",
        "loss_gradient: dw and db match central", "fit_gd: λ = 3",
        "fit_closed_form: λ > 0", "fit_closed_form: the gradient of the loss",
        "fit_closed_form: N = 1", "select_lambda: best_lam", "select_lambda: dev_mse"],
    "wrong_gradient_missing_2.py": [
        "loss_gradient: dw matches the reference (λ = 0", "loss_gradient: db matches the reference (λ = 0",
        "loss_gradient: dw matches the reference (λ = 2", "loss_gradient: db matches the reference (λ = 2",
        "loss_gradient: dw and db match central", "loss_gradient: N = 1",
        "fit_gd: the loss of every epoch", "fit_gd: w and b after", "fit_gd: λ = 3", "fit_gd: N = 1"],
    "wrong_reg_gradient_missing_2.py": ["loss_gradient: dw matches the reference (λ = 2",
                                        "loss_gradient: dw and db match central", "fit_gd: λ = 3"],
    "wrong_losses_after_update.py": ["fit_gd: the loss of every epoch", "fit_gd: λ = 3",
                                     "fit_gd: Adagrad: the loss", "fit_gd: starts at w = 0",
                                     "fit_gd: N = 1"],
    "wrong_adagrad_previous_G.py": ADAGRAD,
    "wrong_adagrad_no_sqrt.py": ADAGRAD,
    "wrong_adagrad_shared_G.py": ADAGRAD,
    "wrong_select_lambda_index.py": ["select_lambda: best_lam", "select_lambda: on a tie"],
    "wrong_dev_error_sum.py": ["select_lambda: dev_mse"],
}

# The known mistakes (reference/hw4/misconceptions.py) each submission's feedback names.
EXPECTED_HINTS = {
    "wrong_poly_starts_at_x0.py": {"poly_starts_at_x0"},
    "wrong_poly_bias_column.py": {"poly_bias_column"},
    "wrong_std_ddof1.py": {"std_ddof1"},
    "wrong_standardize_recomputes_stats.py": {"given_stats_ignored"},
    "wrong_loss_mean.py": {"loss_mean"},
    "wrong_bias_regularized.py": {"bias_regularized"},
    "wrong_gradient_missing_2.py": {"gradient_missing_2"},
    "wrong_reg_gradient_missing_2.py": {"reg_gradient_missing_2"},
    "wrong_losses_after_update.py": {"losses_after_update"},
    "wrong_adagrad_previous_G.py": {"adagrad_g_excludes_current"},
    "wrong_adagrad_no_sqrt.py": {"adagrad_no_sqrt"},
    "wrong_adagrad_shared_G.py": {"adagrad_shared_G"},
    "wrong_select_lambda_index.py": {"lambda_index"},
    "wrong_dev_error_sum.py": {"dev_error_sum"},
}


def test_reference_scores_full_marks(graded):
    doc = graded("hw4", ROOT / "reference" / "hw4" / "regression.py")
    assert failed_names(doc) == []
    assert doc["score"] == doc["max_score"] == full_marks("hw4")
    assert doc["extra_data"]["suite"] == "hidden"


def test_stub_scores_zero_and_every_test_says_not_implemented(graded):
    doc = graded("hw4", ROOT / "assignments" / "hw4" / "regression.py")
    assert doc["score"] == 0 and doc["max_score"] == full_marks("hw4")
    for test in doc["tests"]:
        assert test["status"] == "failed"
        assert "is not implemented yet" in test["output"], test


@pytest.mark.parametrize("name", sorted(EXPECTED_FAILURES))
def test_submission_loses_exactly_the_points_of_its_mistakes(graded, name):
    doc = graded("hw4", HW4 / name)
    assert_loses_exactly(doc, EXPECTED_FAILURES[name], name)
    assert doc["max_score"] == full_marks("hw4")


@pytest.mark.parametrize("name", sorted(EXPECTED_FAILURES))
def test_feedback_names_exactly_the_known_mistakes_made(graded, name):
    doc = graded("hw4", HW4 / name)
    assert hints_of(doc) == EXPECTED_HINTS.get(name, set())
    for test in doc["tests"]:
        for _ in test.get("extra_data", {}).get("hints", []):
            assert "\nHint: " in test["output"]


def test_every_declared_mistake_is_recognised_in_some_submission():
    from grader.hints import load_misconceptions

    declared = {m.id for m in load_misconceptions(ROOT / "reference" / "hw4" / "misconceptions.py")}
    assert len(declared) >= 4
    # recognised in a submission here or in tests/feedback/ (test_feedback.py)
    from conftest import feedback_named

    assert declared == set().union(*EXPECTED_HINTS.values(), feedback_named("hw4"))


def test_every_submission_file_is_listed():
    assert sorted(p.name for p in HW4.glob("*.py")) == sorted(EXPECTED_FAILURES)


def test_a_hint_says_what_to_do(graded):
    doc = graded("hw4", HW4 / "wrong_bias_regularized.py")
    out = next(t["output"] for t in doc["tests"] if t["name"].startswith("loss_gradient: db matches the reference (λ = 2"))
    assert "Hint: you regularize the bias" in out and "no 2λ·b in db" in out
    doc = graded("hw4", HW4 / "wrong_select_lambda_index.py")
    out = next(t["output"] for t in doc["tests"] if t["name"].startswith("select_lambda: on a tie"))
    assert "best_lam: expected 5, got 0" in out and "Hint: you return the index of the best λ" in out


def test_wrong_submissions_get_messages_a_student_can_act_on(graded):
    doc = graded("hw4", HW4 / "wrong_loss_mean.py")
    out = next(t["output"] for t in doc["tests"] if t["name"].startswith("loss_gradient: dw matches the reference (λ = 0"))
    assert "loss_gradient(X=array([[0.45662, -1.50436, 0.924156], " in out  # function, few values shown
    assert "expected 51.3246, got 10.2649" in out                                 # expected vs got
    assert "exactly 1/5 times" not in out  # the known mistake is named: the generic remark gives way
    assert "Hint: your loss (or its gradient) is a mean over the samples" in out
    doc = graded("hw4", HW4 / "wrong_bias_regularized.py")
    out = next(t["output"] for t in doc["tests"] if t["name"].startswith("fit_closed_form: the gradient of the loss"))
    assert "does not minimize the loss" in out and "db = -17.43" in out
    doc = graded("hw4", HW4 / "wrong_poly_bias_column.py")
    out = next(t["output"] for t in doc["tests"] if t["name"].startswith("polynomial_features: degree 1"))
    assert "wrong shape: expected (5, 1), got (5, 2)" in out
    doc = graded("hw4", HW4 / "wrong_standardize_in_place.py")
    out = next(t["output"] for t in doc["tests"] if t["name"].startswith("standardize: X is left"))
    assert "changed its argument `X` in place" in out
    for name in EXPECTED_FAILURES:
        assert_actionable_messages(graded("hw4", HW4 / name))


def test_public_tests_run_where_the_hidden_suite_is_absent(graded):
    doc = graded("hw4", ROOT / "reference" / "hw4" / "regression.py", "--public")
    assert doc["extra_data"]["suite"] == "public"
    assert doc["score"] == doc["max_score"] == 10
    stub = graded("hw4", ROOT / "assignments" / "hw4" / "regression.py", "--public")
    assert stub["score"] == 0


# ---------------------------------------------------------------- the data set

def test_generator_reproduces_the_committed_csv_byte_for_byte(tmp_path):
    out = tmp_path / "pokemon.csv"
    proc = subprocess.run([sys.executable, str(DATA / "make_pokemon.py"), "--out", str(out)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() == (DATA / "pokemon.csv").read_bytes()


def test_committed_csv_has_the_documented_columns_and_rows():
    with open(DATA / "pokemon.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["species", "cp", "hp", "weight", "height", "cp_new"]
    assert len(rows) == 150
    assert {r["species"] for r in rows} == {"Pidgey", "Weedle", "Caterpie", "Eevee"}
    cps = [int(r["cp"]) for r in rows]
    assert 10 <= min(cps) and max(cps) <= 700
    assert all(int(r["cp_new"]) > int(r["cp"]) for r in rows)


def test_handout_shows_the_worked_example_as_the_script_prints_it():
    proc = subprocess.run([sys.executable, str(ROOT / "reference" / "hw4" / "worked_example.py")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    readme = (ROOT / "assignments" / "hw4" / "README.md").read_text(encoding="utf-8")
    assert proc.stdout.strip() in readme
    assert "reference/hw4/worked_example.py" in readme
