"""hw2 graded end to end through the CLI: the stub, the reference, correct solutions
written differently, and realistic wrong submissions.

Each wrong submission must lose exactly the tests of what it got wrong (listed here by
the start of their names) and keep every other point, and its feedback must name
exactly the known mistakes (reference/hw2/misconceptions.py) it made.
"""

from __future__ import annotations

import numpy as np
import pytest

from grader.assignment import load_assignment

from conftest import (ROOT, SUBMISSIONS, assert_actionable_messages, assert_loses_exactly,
                      failed_names, full_marks, hints_of)

pytestmark = pytest.mark.slow  # every submission in tests/submissions/hwN/ graded: minutes

HW2 = SUBMISSIONS / "hw2"
REFERENCE = ROOT / "reference" / "hw2" / "gradient_descent.py"
STUB = ROOT / "assignments" / "hw2" / "gradient_descent.py"

# The tests each submission must fail, by the start of their names; all others pass.
GRADIENT_AT_N_ABOVE_1 = ["gradient: matches the reference", "gradient: matches central",
                         "gradient: accepts lists"]
GRADIENT = [*GRADIENT_AT_N_ABOVE_1, "gradient: one sample"]
SAMPLE_GRADIENT = ["sample_gradient: 2·xn", "sample_gradient: matches central"]
GD_VALUES = ["gradient_descent: w after", "gradient_descent: the cost of every",
             "gradient_descent: w and every cost on the lecture", "gradient_descent: one epoch",
             "gradient_descent: w and every cost with one sample",
             "gradient_descent: w and every cost when"]
GD_HISTORIES = [n for n in GD_VALUES if n != "gradient_descent: w after"]
GD_AT_N_ABOVE_1 = [n for n in GD_VALUES if "one sample" not in n]
SGD_VALUES = ["sgd: w after", "sgd: every epoch's", "sgd: w and every loss on the lecture",
              "sgd: one epoch", "sgd: w and every loss with one sample", "sgd: w and every loss when"]
SGD_HISTORIES = [n for n in SGD_VALUES if n != "sgd: w after"]
MB_VALUES = ["minibatch_gd: w after", "minibatch_gd: the full-data cost",
             "minibatch_gd: w and every cost with N = 12", "minibatch_gd: batch_size = 1",
             "minibatch_gd: batch_size = N", "minibatch_gd: one epoch",
             "minibatch_gd: one sample", "minibatch_gd: w and every cost when"]
MB_HISTORIES = [n for n in MB_VALUES if n != "minibatch_gd: w after"]
# Batches of more than one sample (batch_size = 1 or N = 1 make the mistake vanish).
MB_MULTI_SAMPLE_BATCHES = [n for n in MB_VALUES
                           if n not in ("minibatch_gd: batch_size = 1", "minibatch_gd: one sample")]

EXPECTED_FAILURES = {
    "correct_loops.py": [],
    "correct_vectorized.py": [],
    "correct_float32.py": [],
    "correct_lecture_style.py": [],
    "wrong_gradient_overwritten.py": ["gradient: x and y are left as they were found", "gradient_descent: x and y are left as they were found", "minibatch_gd: x and y are left as they were found", *GRADIENT_AT_N_ABOVE_1, *GD_AT_N_ABOVE_1,
                                      *MB_MULTI_SAMPLE_BATCHES],
    "wrong_gradient_return_in_loop.py": ["gradient: x and y are left as they were found", "gradient_descent: x and y are left as they were found", "minibatch_gd: x and y are left as they were found", *GRADIENT_AT_N_ABOVE_1, *GD_AT_N_ABOVE_1,
                                         *MB_MULTI_SAMPLE_BATCHES],
    "wrong_gradient_summed.py": ["gradient: x and y are left as they were found", "gradient_descent: x and y are left as they were found", "minibatch_gd: x and y are left as they were found", *GRADIENT_AT_N_ABOVE_1, *GD_AT_N_ABOVE_1,
                                 *MB_MULTI_SAMPLE_BATCHES],
    "wrong_gradient_missing_x.py": ["gradient: x and y are left as they were found", "gradient_descent: x and y are left as they were found", "minibatch_gd: x and y are left as they were found", "sgd: x and y are left as they were found (no shuffling in place)", *GRADIENT, *SAMPLE_GRADIENT, *GD_VALUES, *SGD_VALUES,
                                    *MB_VALUES],
    "wrong_gradient_missing_2.py": ["gradient: x and y are left as they were found", "gradient_descent: x and y are left as they were found", "minibatch_gd: x and y are left as they were found", "sgd: x and y are left as they were found (no shuffling in place)", *GRADIENT, *SAMPLE_GRADIENT, *GD_VALUES, *SGD_VALUES,
                                    *MB_VALUES],
    "wrong_update_sign.py": ["gradient_descent: x and y are left as they were found", "minibatch_gd: x and y are left as they were found", "sgd: x and y are left as they were found (no shuffling in place)", *GD_VALUES, *SGD_VALUES, *MB_VALUES],
    "wrong_gd_cost_after_update.py": ["gradient_descent: x and y are left as they were found", *GD_HISTORIES],
    "wrong_sgd_loss_after_update.py": ["sgd: x and y are left as they were found (no shuffling in place)", *SGD_HISTORIES],
    "wrong_sgd_lecture_loss.py": ["sgd: x and y are left as they were found (no shuffling in place)", *SGD_HISTORIES],
    "wrong_minibatch_off_by_one.py": ["minibatch_gd: x and y are left as they were found", *MB_VALUES],  # batch_size = 1: empty batches
    "wrong_minibatch_drops_last.py": ["minibatch_gd: x and y are left as they were found", "minibatch_gd: w after", "minibatch_gd: the full-data cost",
                                      "minibatch_gd: batch_size = N", "minibatch_gd: one epoch",
                                      "minibatch_gd: one sample",
                                      "minibatch_gd: w and every cost when"],
    "wrong_minibatch_batch_sum.py": ["minibatch_gd: x and y are left as they were found", *MB_MULTI_SAMPLE_BATCHES],
    "wrong_minibatch_cost_before_epoch.py": ["minibatch_gd: x and y are left as they were found", *MB_HISTORIES],
    "wrong_ema_swapped.py": ["ema: one value gives itself", "ema: values are left as they were found (array and list)", "ema: matches", "ema: beta = 0", "ema: beta = 1", "ema: accepts"],
    "wrong_ema_mutates_values.py": ["ema: values are left"],
}

# The known mistakes (reference/hw2/misconceptions.py) each submission's feedback names.
EXPECTED_HINTS = {
    "wrong_gradient_overwritten.py": {"gradient_overwritten"},
    "wrong_gradient_return_in_loop.py": {"gradient_returns_early"},
    # its minibatch_gd calls its gradient on each batch: the batch's sum, not its mean
    "wrong_gradient_summed.py": {"gradient_summed"},  # minibatch_gd: "uses `gradient`, which fails" (causes first)
    "wrong_gradient_missing_x.py": {"gradient_missing_x"},
    "wrong_gradient_missing_2.py": {"gradient_missing_2"},
    "wrong_update_sign.py": {"update_sign"},
    "wrong_gd_cost_after_update.py": {"gd_cost_after_update"},
    "wrong_sgd_loss_after_update.py": {"sgd_loss_after_update"},
    # with one sample (N = 1) the last loss is the mean: the general hint is shown there
    "wrong_sgd_lecture_loss.py": {"sgd_last_sample_loss"},  # its hint says both: the last sample, after its update
    "wrong_minibatch_off_by_one.py": {"minibatch_off_by_one"},
    "wrong_minibatch_drops_last.py": {"minibatch_drops_last"},
    "wrong_minibatch_batch_sum.py": {"minibatch_batch_sum"},
    "wrong_minibatch_cost_before_epoch.py": {"minibatch_cost_before_epoch"},
    "wrong_ema_swapped.py": {"ema_beta_swapped"},
}


def _reference_module():
    return load_assignment(ROOT, "hw2").import_reference()


def test_reference_scores_full_marks(graded):
    doc = graded("hw2", REFERENCE)
    assert failed_names(doc) == []
    assert doc["score"] == doc["max_score"] == full_marks("hw2")
    assert doc["extra_data"]["suite"] == "hidden"


def test_stub_scores_zero_and_every_test_says_not_implemented(graded):
    doc = graded("hw2", STUB)
    assert doc["score"] == 0 and doc["max_score"] == full_marks("hw2")
    for test in doc["tests"]:
        assert test["status"] == "failed"
        assert "is not implemented yet" in test["output"], test


@pytest.mark.parametrize("name", sorted(EXPECTED_FAILURES))
def test_submission_loses_exactly_the_points_of_its_mistakes(graded, name):
    doc = graded("hw2", HW2 / name)
    assert_loses_exactly(doc, EXPECTED_FAILURES[name], name)
    assert doc["max_score"] == full_marks("hw2")


@pytest.mark.parametrize("name", sorted(EXPECTED_FAILURES))
def test_feedback_names_exactly_the_known_mistakes_made(graded, name):
    doc = graded("hw2", HW2 / name)
    assert hints_of(doc) == EXPECTED_HINTS.get(name, set())
    for test in doc["tests"]:
        for _ in test.get("extra_data", {}).get("hints", []):
            assert "\nHint: " in test["output"]


def test_every_declared_mistake_is_recognised_in_some_submission():
    from grader.hints import load_misconceptions

    declared = load_misconceptions(ROOT / "reference" / "hw2" / "misconceptions.py")
    ids = {m.id for m in declared}
    assert len(ids) >= 4
    # recognised in a submission here or in tests/feedback/ (test_feedback.py)
    from conftest import feedback_named

    assert ids == set().union(*EXPECTED_HINTS.values(), feedback_named("hw2"))
    # A mistake in `gradient` spoils the loops that call it: declared there too.
    for mistake in ("gradient_overwritten", "gradient_returns_early", "gradient_summed",
                    "gradient_missing_x", "gradient_missing_2"):
        functions = {m.function for m in declared if m.id == mistake}
        assert {"gradient", "gradient_descent"} <= functions, mistake


def test_a_hint_says_what_to_do(graded):
    doc = graded("hw2", HW2 / "wrong_gradient_overwritten.py")
    out = next(t["output"] for t in doc["tests"] if t["name"].startswith("gradient: matches the ref"))
    assert "Hint: your gradient equals the LAST sample's term" in out
    assert "`grad = ...` where `grad += ...` was needed" in out
    # the same mistake named where it shows up in a training loop that calls gradient
    out = next(t["output"] for t in doc["tests"] if t["name"].startswith("gradient_descent: the cost"))
    assert "Hint: your gradient equals the LAST sample's term" in out


def test_wrong_submissions_get_messages_a_student_can_act_on(graded):
    doc = graded("hw2", HW2 / "wrong_gd_cost_after_update.py")
    out = next(t["output"] for t in doc["tests"]
               if t["name"].startswith("gradient_descent: the cost of every"))
    # which function and inputs, which output, expected vs got, the hint
    assert "gradient_descent(xs=array([-0.80881, 1.32771, 2.43202, -0.188136, -0.781306, -0.0870199, 1.95154, 0.351969]), ys=array([" in out
    assert "costs: 15 of 15 entries are wrong; the largest error is" in out
    assert "expected" in out and "got" in out
    assert "Hint: your costs[k] is the cost AFTER update k" in out
    doc = graded("hw2", HW2 / "wrong_gradient_summed.py")
    out = next(t["output"] for t in doc["tests"] if t["name"].startswith("gradient: matches the ref"))
    assert "gradient: expected" in out and "got" in out and "Hint: your gradient is N times" in out
    doc = graded("hw2", HW2 / "wrong_gradient_missing_x.py")
    out = next(t["output"] for t in doc["tests"] if t["name"].startswith("gradient: matches central"))
    assert "does not match the numerical gradient" in out and "Hint: your gradient lacks the factor xₙ" in out
    doc = graded("hw2", HW2 / "wrong_ema_mutates_values.py")
    out = next(t["output"] for t in doc["tests"] if t["name"].startswith("ema: values are left"))
    assert "changed its argument `values` in place" in out
    for name in EXPECTED_FAILURES:
        assert_actionable_messages(graded("hw2", HW2 / name))


def test_divergent_settings_of_the_hidden_suite_really_diverge():
    """The divergence tests say the costs grow: check it on the reference, with no inf
    (the data and settings of the three divergence tests of reference/hw2/tests/test_hidden.py)."""
    ref = _reference_module()
    noise = np.array([0.1, -0.2, 0.05, 0.3, -0.1, 0.15, -0.05])
    x = np.array([0.5, -1.0, 1.5, 2.0, 0.8])
    _, gd_costs = ref.gradient_descent(x, 1.7 * x + 0.9 + noise[:5], 0.0, 2.4 / (2 * np.mean(x ** 2)), 6)
    x = np.array([1.5, -1.4, 1.6, 1.3])
    _, sgd_losses = ref.sgd(x, 1.7 * x + 0.9 + noise[:4], 0.0, 0.5, 4)
    x = np.array([1.5, -1.4, 1.6, 1.3, -1.5, 1.4, 1.7])
    _, mb_costs = ref.minibatch_gd(x, 1.7 * x + 0.9 + noise, 0.0, 0.5, 4, 3)
    for history in (gd_costs, sgd_losses, mb_costs):
        assert np.all(np.isfinite(history)) and np.all(np.diff(history) > 0), history


def test_grading_twice_gives_the_same_document(graded):
    submission = HW2 / "wrong_minibatch_off_by_one.py"
    first = dict(graded("hw2", submission))
    again = dict(graded("hw2", submission, "--fail-under", "0"))  # a second, separate run
    first.pop("execution_time"), again.pop("execution_time")
    assert first == again


def test_public_tests_run_where_the_hidden_suite_is_absent(graded):
    doc = graded("hw2", REFERENCE, "--public")
    assert doc["extra_data"]["suite"] == "public"
    assert doc["score"] == doc["max_score"] == 10
    stub = graded("hw2", STUB, "--public")
    assert stub["score"] == 0 and stub["max_score"] == 10
