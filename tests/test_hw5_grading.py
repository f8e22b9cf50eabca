"""hw5 graded end to end through the CLI: the stub, the reference, correct solutions
written differently, and realistic wrong submissions; and the handout's worked example.

Each wrong submission must lose exactly the tests of what it got wrong (listed here by
the start of their names) and keep every other point.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import (ROOT, SUBMISSIONS, assert_actionable_messages, assert_loses_exactly,
                      failed_names, full_marks, hints_of)

pytestmark = pytest.mark.slow  # every submission in tests/submissions/hwN/ graded: minutes

HW5 = SUBMISSIONS / "hw5"

# The tests each submission must fail, by the start of their names; all others pass.
GENERATIVE = ["fit_generative: w =", "fit_generative: b matches", "fit_generative: σ(w·x + b) is the Bayes"]
PDF = ["gaussian_pdf: matches exp", "gaussian_pdf: D = 1", "gaussian_pdf: the density integrates"]
LOGISTIC = ["logistic_regression: the loss of every epoch", "logistic_regression: one feature"]
SCE_VALUES = ["softmax_cross_entropy: the loss, a mean", "softmax_cross_entropy: dlogits = ",
              "softmax_cross_entropy: dlogits matches central"]
ACCURACY = ["accuracy: the fraction", "accuracy: float labels", "accuracy: bool predictions",
            "accuracy: 1.0 when all"]
EXPECTED_FAILURES = {
    "correct_loops.py": [],
    "correct_vectorized.py": [],
    "correct_float32.py": [],
    "correct_lecture_style.py": [],
    "wrong_mle_ddof1.py": ["fit_generative: labels given as ints, floats or bools give the reference's w and b", "gaussian_mle: X is left unchanged", "gaussian_mle: sigma is the maximum likelihood", "gaussian_mle: N = 1",
                           *GENERATIVE],
    "wrong_mle_in_place.py": ["gaussian_mle: X is left unchanged"],
    "wrong_pdf_det_no_sqrt.py": PDF,
    "wrong_shared_cov_average.py": ["fit_generative: labels given as ints, floats or bools give the reference's w and b", *GENERATIVE],
    "wrong_b_without_prior.py": ["fit_generative: labels given as ints, floats or bools give the reference's w and b", "fit_generative: b matches", "fit_generative: σ(w·x + b) is the Bayes",
                                 "fit_generative: classes with the same mean"],
    "wrong_classes_swapped.py": ["fit_generative: labels given as ints, floats or bools give the reference's w and b", *GENERATIVE, "fit_generative: classes with the same mean"],
    "wrong_posterior_naive_sigmoid.py": ["posterior: no overflow warning"],
    "wrong_bce_sum.py": ["binary_cross_entropy: the mean", "binary_cross_entropy: p within",
                         *LOGISTIC, "logistic_regression: one loss per epoch"],
    "wrong_bce_clip_too_wide.py": ["binary_cross_entropy: p within"],
    "wrong_losses_after_update.py": [*LOGISTIC, "logistic_regression: one loss per epoch"],
    "wrong_gradient_ascent.py": [*LOGISTIC, "logistic_regression: w and b after"],
    "wrong_gradient_summed.py": [*LOGISTIC, "logistic_regression: w and b after"],
    "wrong_softmax_no_max.py": ["softmax_cross_entropy: a row spanning 720 and rows near ±1000 (each row stabilised by its own maximum)", "softmax: logits of ±1000", "softmax: no overflow warning",
                                "softmax_cross_entropy: adding 1000"],
    "wrong_softmax_columns.py": ["softmax: Z is left unchanged", "softmax_cross_entropy: a row spanning 720 and rows near ±1000 (each row stabilised by its own maximum)", "softmax_cross_entropy: adding 1000 to every logit gives the reference's loss and dlogits at the logits", "softmax_cross_entropy: logits are left unchanged", "softmax: matches the reference", "softmax: every row sums",
                                 "softmax: adding a constant", "softmax: logits of ±1000",
                                 "softmax: no overflow warning", *SCE_VALUES,
                                 "softmax_cross_entropy: one sample"],
    "wrong_softmax_in_place.py": ["softmax: Z is left unchanged",
                                  "softmax_cross_entropy: logits are left unchanged"],
    "wrong_sce_summed.py": ["softmax_cross_entropy: a row spanning 720 and rows near ±1000 (each row stabilised by its own maximum)", "softmax_cross_entropy: adding 1000 to every logit gives the reference's loss and dlogits at the logits", "softmax_cross_entropy: logits are left unchanged", *SCE_VALUES],
    "wrong_dlogits_no_mean.py": ["softmax_cross_entropy: a row spanning 720 and rows near ±1000 (each row stabilised by its own maximum)", "softmax_cross_entropy: adding 1000 to every logit gives the reference's loss and dlogits at the logits", "softmax_cross_entropy: logits are left unchanged", "softmax_cross_entropy: dlogits = ",
                                 "softmax_cross_entropy: dlogits matches central"],
    "wrong_accuracy_count.py": ACCURACY,
}

# The known mistakes (reference/hw5/misconceptions.py) each submission's feedback names.
EXPECTED_HINTS = {
    "wrong_mle_ddof1.py": {"mle_ddof1"},
    "wrong_pdf_det_no_sqrt.py": {"pdf_det_no_sqrt"},
    "wrong_shared_cov_average.py": {"shared_cov_average"},
    "wrong_b_without_prior.py": {"b_without_prior"},
    "wrong_classes_swapped.py": {"classes_swapped"},
    "wrong_bce_sum.py": {"bce_summed"},
    "wrong_losses_after_update.py": {"losses_after_update"},
    "wrong_gradient_ascent.py": {"gradient_ascent"},
    "wrong_gradient_summed.py": {"gradient_summed"},
    "wrong_softmax_no_max.py": {"softmax_no_max"},
    "wrong_softmax_columns.py": {"softmax_columns"},
    "wrong_sce_summed.py": {"sce_summed"},
    "wrong_dlogits_no_mean.py": {"dlogits_no_mean"},
    "wrong_accuracy_count.py": {"accuracy_count"},
}


def test_reference_scores_full_marks(graded):
    doc = graded("hw5", ROOT / "reference" / "hw5" / "classification.py")
    assert failed_names(doc) == []
    assert doc["score"] == doc["max_score"] == full_marks("hw5")
    assert doc["extra_data"]["suite"] == "hidden"


def test_stub_scores_zero_and_every_test_says_not_implemented(graded):
    doc = graded("hw5", ROOT / "assignments" / "hw5" / "classification.py")
    assert doc["score"] == 0 and doc["max_score"] == full_marks("hw5")
    for test in doc["tests"]:
        assert test["status"] == "failed"
        assert "is not implemented yet" in test["output"], test


@pytest.mark.parametrize("name", sorted(EXPECTED_FAILURES))
def test_submission_loses_exactly_the_points_of_its_mistakes(graded, name):
    doc = graded("hw5", HW5 / name)
    assert_loses_exactly(doc, EXPECTED_FAILURES[name], name)
    assert doc["max_score"] == full_marks("hw5")


@pytest.mark.parametrize("name", sorted(EXPECTED_FAILURES))
def test_feedback_names_exactly_the_known_mistakes_made(graded, name):
    doc = graded("hw5", HW5 / name)
    assert hints_of(doc) == EXPECTED_HINTS.get(name, set())
    for test in doc["tests"]:
        for _ in test.get("extra_data", {}).get("hints", []):
            assert "\nHint: " in test["output"]


def test_every_declared_mistake_is_recognised_in_some_submission():
    from grader.hints import load_misconceptions

    declared = {m.id for m in load_misconceptions(ROOT / "reference" / "hw5" / "misconceptions.py")}
    assert len(declared) >= 4
    # recognised in a submission here or in tests/feedback/ (test_feedback.py)
    from conftest import feedback_named

    assert declared == set().union(*EXPECTED_HINTS.values(), feedback_named("hw5"))


def test_every_submission_file_is_listed():
    assert sorted(p.name for p in HW5.glob("*.py")) == sorted(EXPECTED_FAILURES)


def _output(doc, start):
    return next(t["output"] for t in doc["tests"] if t["name"].startswith(start))


def test_a_hint_says_what_to_do(graded):
    doc = graded("hw5", HW5 / "wrong_shared_cov_average.py")
    out = _output(doc, "fit_generative: w =")
    assert "Hint: your shared covariance is the plain average" in out and "(N₁Σ₁ + N₀Σ₀)/N" in out
    doc = graded("hw5", HW5 / "wrong_softmax_no_max.py")
    out = _output(doc, "softmax: logits of ±1000")
    assert "NaN" in out and "Hint: your softmax overflows for large logits" in out
    assert "Z.max(axis=1, keepdims=True)" in out


def test_wrong_submissions_get_messages_a_student_can_act_on(graded):
    doc = graded("hw5", HW5 / "wrong_mle_ddof1.py")
    out = _output(doc, "gaussian_mle: sigma is the maximum likelihood")
    assert "gaussian_mle(X=array([[-1.05662, 2.03248], [3.12029, -0.367632], " in out  # function, values
    assert "expected 3.50866, got 4.38583" in out                                   # expected vs got
    assert "exactly 5/4 times" not in out  # the known mistake is named: the generic remark gives way
    assert "Hint: your covariance divides by N − 1" in out
    out = _output(doc, "fit_generative: σ(w·x + b) is the Bayes")
    assert "fit_generative(X=float64 (35, 3), y=int64 (35,))" in out
    assert "is not the posterior P(C₁|x)" in out and "the posterior is 0.722769" in out
    doc = graded("hw5", HW5 / "wrong_losses_after_update.py")
    out = _output(doc, "logistic_regression: one loss per epoch")
    assert "ln 2 = 0.693147; got 0.43923" in out and "Hint: your losses are recorded after" in out
    doc = graded("hw5", HW5 / "wrong_bce_clip_too_wide.py")
    out = _output(doc, "binary_cross_entropy: p within")
    assert "expected 8.58454, got 6.66572" in out and "1e-15" in out
    doc = graded("hw5", HW5 / "wrong_softmax_in_place.py")
    assert "changed its argument `Z` in place" in _output(doc, "softmax: Z is left unchanged")
    doc = graded("hw5", HW5 / "wrong_posterior_naive_sigmoid.py")
    assert "overflow encountered in exp" in _output(doc, "posterior: no overflow warning")
    for name in EXPECTED_FAILURES:
        assert_actionable_messages(graded("hw5", HW5 / name))


def test_public_tests_run_where_the_hidden_suite_is_absent(graded):
    doc = graded("hw5", ROOT / "reference" / "hw5" / "classification.py", "--public")
    assert doc["extra_data"]["suite"] == "public"
    assert doc["score"] == doc["max_score"] == 10
    stub = graded("hw5", ROOT / "assignments" / "hw5" / "classification.py", "--public")
    assert stub["score"] == 0


def test_handout_shows_the_worked_example_as_the_script_prints_it():
    proc = subprocess.run([sys.executable, str(ROOT / "reference" / "hw5" / "worked_example.py")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    readme = (ROOT / "assignments" / "hw5" / "README.md").read_text(encoding="utf-8")
    assert proc.stdout.strip() in readme
    assert "reference/hw5/worked_example.py" in readme
