"""hw7 graded end to end through the CLI: the stub, the reference, correct solutions
written differently (a CS231n-style one among them), and realistic wrong submissions.

Each wrong submission must lose exactly the tests of what it got wrong (listed here by
the start of their names) and keep every other point. Known mistakes are named two
ways: by grader.hints, from reference/hw7/misconceptions.py (EXPECTED_HINTS): whole
return values, the out of the forward layers' (out, cache), and batch norm's bn_param as
the call left it; and by the hidden suite's own messages for what no value match can
see (EXPECTED_MESSAGES): the statistics of the random initializers, a bn_param the call
left as it was, and batchnorm_backward's mistakes, computed from the test's own x and γ.
"""

from __future__ import annotations

import pytest

from conftest import (ROOT, SUBMISSIONS, assert_actionable_messages, assert_loses_exactly,
                      failed_names, full_marks, hints_of)

pytestmark = pytest.mark.slow  # every submission in tests/submissions/hwN/ graded: minutes

HW7 = SUBMISSIONS / "hw7"

RUNNING = ["batchnorm_forward: train mode updates bn_param",
           "batchnorm_forward: running_mean and running_var after each",
           "batchnorm_forward: bn_param = {'mode': 'train'}"]
BN_BACKWARD = ["batchnorm_backward: dx matches the reference", "batchnorm_backward: dgamma and dbeta",
               "batchnorm_backward: dx, dgamma, dbeta match central"]

# The tests each submission must fail, by the start of their names; all others pass.
EXPECTED_FAILURES = {
    "correct_loops.py": [],
    "correct_vectorized.py": [],
    "correct_float32.py": [],
    "correct_cs231n_style.py": [],
    "wrong_xavier_transposed.py": ["xavier_uniform: a float32 tensor of shape"],
    "wrong_xavier_normal.py": ["xavier_uniform: every value lies in", "xavier_uniform: gain = 5/3"],
    "wrong_xavier_ignores_generator.py": ["xavier_uniform: the same generator seed"],
    "wrong_kaiming_fan_out.py": ["kaiming_normal: mean ≈ 0 and variance"],
    "wrong_l1_no_abs.py": ["l1_penalty: lam·Σ|w|", "l1_penalty: lam = 0"],
    "wrong_l2_half.py": ["l2_penalty: lam·Σw²", "l2_penalty: lam = 0"],
    "wrong_l2_norm.py": ["l2_penalty: lam·Σw²", "l2_penalty: lam = 0"],
    "wrong_weight_decay_sign.py": ["weight_decay_step: w and grad are left unchanged (a new array is returned)", "weight_decay_step: w − lr·(grad + lam·w)", "weight_decay_step: 20 steps"],
    "wrong_weight_decay_no_lr.py": ["weight_decay_step: w and grad are left unchanged (a new array is returned)", "weight_decay_step: w − lr·(grad + lam·w)", "weight_decay_step: 20 steps"],
    "wrong_weight_decay_in_place.py": ["weight_decay_step: w and grad are left unchanged"],
    "wrong_dropout_not_rescaled.py": ["dropout_backward: in eval mode (train=False) dx = dout", "dropout_forward: train=False returns x unchanged, whatever p (0.5, 0.9)", "dropout_forward: x is left unchanged (train and eval mode)", "dropout_forward: out = x·mask", "dropout_forward: E[out] = x",
                                      "dropout_backward: dx = dout·mask"],
    "wrong_dropout_keep_prob.py": ["dropout_backward: in eval mode (train=False) dx = dout", "dropout_forward: train=False returns x unchanged, whatever p (0.5, 0.9)", "dropout_forward: x is left unchanged (train and eval mode)", "dropout_forward: out = x·mask", "dropout_forward: p = 0",
                                   "dropout_backward: dx = dout·mask"],
    "wrong_dropout_in_eval.py": ["dropout_forward: train=False", "dropout_backward: in eval mode"],
    "wrong_dropout_legacy_seed.py": ["dropout_backward: in eval mode (train=False) dx = dout", "dropout_forward: train=False returns x unchanged, whatever p (0.5, 0.9)", "dropout_forward: x is left unchanged (train and eval mode)", "dropout_forward: out = x·mask", "dropout_backward: dx = dout·mask"],
    "wrong_dropout_keep_prob_flipped.py": ["dropout_backward: in eval mode (train=False) dx = dout", "dropout_forward: train=False returns x unchanged, whatever p (0.5, 0.9)", "dropout_forward: x is left unchanged (train and eval mode)", "dropout_forward: out = x·mask", "dropout_forward: p = 0",
                                           "dropout_backward: dx = dout·mask"],
    "wrong_dropout_original.py": ["dropout_backward: in eval mode (train=False) dx = dout", "dropout_forward: x is left unchanged (train and eval mode)", "dropout_forward: out = x·mask", "dropout_forward: E[out] = x",
                                  "dropout_forward: train=False", "dropout_backward: dx = dout·mask"],
    "wrong_dropout_unscaled_always.py": ["dropout_forward: x is left unchanged (train and eval mode)", "dropout_forward: out = x·mask", "dropout_forward: E[out] = x",
                                         "dropout_forward: train=False", "dropout_backward: dx = dout·mask",
                                         "dropout_backward: in eval mode"],
    "wrong_bn_ddof1.py": ["batchnorm_forward: x, gamma and beta are left unchanged (train and test mode)", "batchnorm_forward: train-mode out", "batchnorm_forward: in train mode every column",
                          "batchnorm_forward: the biased batch variance", "batchnorm_forward: eps inside",
                          *RUNNING, *BN_BACKWARD],
    "wrong_bn_eps_outside.py": ["batchnorm_forward: eps inside", "batchnorm_forward: bn_param = {'mode': 'train'}"],
    "wrong_bn_test_no_gamma_beta.py": ["batchnorm_forward: test mode leaves bn_param's running_mean and running_var as they were", "batchnorm_forward: test mode uses"],
    "wrong_bn_momentum_swapped.py": RUNNING,
    "wrong_bn_running_not_stored.py": RUNNING,
    "wrong_bn_backward_naive.py": ["batchnorm_backward: dx matches the reference",
                                   "batchnorm_backward: dx, dgamma, dbeta match central"],
    "wrong_bn_no_eps.py": ["batchnorm_forward: eps inside", "batchnorm_forward: bn_param = {'mode': 'train'}",
                           "batchnorm_backward: dx matches the reference"],
    "wrong_bn_default_eps_1e8.py": ["batchnorm_forward: bn_param = {'mode': 'train'}"],
    "wrong_bn_default_eps_1e3.py": ["batchnorm_forward: test mode leaves bn_param's running_mean and running_var as they were", "batchnorm_forward: in train mode every column",
                                    "batchnorm_forward: bn_param = {'mode': 'train'}",
                                    "batchnorm_forward: test mode uses"],
    "wrong_bn_axis1.py": ["batchnorm_forward: x, gamma and beta are left unchanged (train and test mode)", "batchnorm_forward: train-mode out", "batchnorm_forward: in train mode every column",
                          "batchnorm_forward: the biased batch variance", "batchnorm_forward: eps inside",
                          *RUNNING, *BN_BACKWARD],
    "wrong_bn_xhat_only.py": ["batchnorm_forward: x, gamma and beta are left unchanged (train and test mode)", "batchnorm_forward: train-mode out", "batchnorm_forward: in train mode every column",
                              "batchnorm_forward: the biased batch variance", "batchnorm_forward: eps inside",
                              "batchnorm_forward: bn_param = {'mode': 'train'}", "batchnorm_forward: test mode uses",
                              "batchnorm_forward: test mode leaves"],
    "wrong_bn_test_batch_statistics.py": ["batchnorm_forward: test mode leaves bn_param's running_mean and running_var as they were", "batchnorm_forward: eps inside", "batchnorm_forward: test mode uses"],
    "wrong_bn_running_is_batch.py": RUNNING,
}

# The known mistakes of reference/hw7/misconceptions.py each submission's feedback names.
# With p = 0.5 (the first case of the mask test), keeping where random < p gives the same
# out whether it is then divided by p or by 1 − p: both hints are shown.
EXPECTED_HINTS = {
    "wrong_l1_no_abs.py": {"l1_no_abs"},
    "wrong_l2_half.py": {"l2_half"},
    "wrong_l2_norm.py": {"l2_norm_not_squared"},
    "wrong_weight_decay_sign.py": {"weight_decay_sign"},
    "wrong_weight_decay_no_lr.py": {"weight_decay_no_lr"},
    "wrong_dropout_not_rescaled.py": {"dropout_not_rescaled"},
    "wrong_dropout_keep_prob.py": {"dropout_keep_prob", "dropout_keep_below_p"},
    "wrong_dropout_keep_prob_flipped.py": {"dropout_keep_prob_flipped"},
    "wrong_dropout_legacy_seed.py": {"dropout_legacy_seed"},
    "wrong_dropout_in_eval.py": {"dropout_in_eval"},
    "wrong_dropout_original.py": {"dropout_not_rescaled", "dropout_eval_scaled"},
    "wrong_dropout_unscaled_always.py": {"dropout_not_rescaled", "dropout_in_eval_not_rescaled",
                                         "dropout_in_eval"},
    "wrong_bn_ddof1.py": {"bn_unbiased_variance", "running_var_unbiased"},
    "wrong_bn_eps_outside.py": {"bn_eps_outside_sqrt"},
    "wrong_bn_no_eps.py": {"bn_eps_left_out"},
    "wrong_bn_default_eps_1e8.py": {"bn_default_eps_1e-8"},
    "wrong_bn_default_eps_1e3.py": {"bn_default_eps_1e-3"},
    "wrong_bn_axis1.py": {"bn_rows_normalized"},
    # The eps test's test-mode case has γ = 1 and β = 0: there leaving them out does not show.
    "wrong_bn_xhat_only.py": {"bn_train_no_gamma_beta", "bn_test_batch_x_hat", "bn_test_batch_statistics"},
    "wrong_bn_test_no_gamma_beta.py": {"bn_test_no_gamma_beta"},
    "wrong_bn_test_batch_statistics.py": {"bn_test_batch_statistics"},
    "wrong_bn_momentum_swapped.py": {"running_momentum_swapped"},
    "wrong_bn_running_is_batch.py": {"running_is_batch"},
}

# What the hidden suite names itself, where no value match can: (test, text of its message).
EXPECTED_MESSAGES = {
    "wrong_xavier_transposed.py": [("xavier_uniform: a float32 tensor", "got (5, 3), the transpose")],
    "wrong_xavier_normal.py": [("xavier_uniform: every value lies in", "Hint: your values have the variance "
                                "a²/3 but spread beyond ±a: that is a normal distribution")],
    "wrong_xavier_ignores_generator.py": [("xavier_uniform: the same generator",
                                           "draw from the generator you are given")],
    "wrong_kaiming_fan_out.py": [("kaiming_normal: mean ≈ 0", "Hint: your variance is 2/fan_out")],
    "wrong_dropout_not_rescaled.py": [("dropout_forward: E[out] = x", "divide the mask by (1 − p)")],
    "wrong_dropout_keep_prob.py": [("dropout_backward: dx = dout·mask", "Note: your dropout_forward's out is wrong")],
    "wrong_bn_ddof1.py": [("batchnorm_backward: dx matches the reference", "Note: your batchnorm_forward's "
                           "train-mode out is wrong")],
    "wrong_bn_momentum_swapped.py": [("batchnorm_forward: running_mean and running_var after each",
                                      "after 1 train-mode call(s)")],
    "wrong_bn_running_not_stored.py": [("batchnorm_forward: train mode updates",
                                        "Hint: your running statistics are not updated"),
                                       ("batchnorm_forward: bn_param = {'mode': 'train'}",
                                        "bn_param has no 'running_mean' afterwards")],
    "wrong_bn_backward_naive.py": [("batchnorm_backward: dx matches the reference",
                                    "as if μ and σ² were constants")],
}


def _output_of(doc: dict, prefix: str) -> str:
    return next(t["output"] for t in doc["tests"] if t["name"].startswith(prefix))


def test_reference_scores_full_marks(graded):
    doc = graded("hw7", ROOT / "reference" / "hw7" / "regularization.py")
    assert failed_names(doc) == []
    assert doc["score"] == doc["max_score"] == full_marks("hw7")
    assert doc["extra_data"]["suite"] == "hidden"


def test_stub_scores_zero_and_every_test_says_not_implemented(graded):
    doc = graded("hw7", ROOT / "assignments" / "hw7" / "regularization.py")
    assert doc["score"] == 0 and doc["max_score"] == full_marks("hw7")
    for test in doc["tests"]:
        assert test["status"] == "failed"
        assert "is not implemented yet" in test["output"], test


@pytest.mark.parametrize("name", sorted(EXPECTED_FAILURES))
def test_submission_loses_exactly_the_points_of_its_mistakes(graded, name):
    doc = graded("hw7", HW7 / name)
    assert_loses_exactly(doc, EXPECTED_FAILURES[name], name)
    assert doc["max_score"] == full_marks("hw7")


@pytest.mark.parametrize("name", sorted(EXPECTED_FAILURES))
def test_feedback_names_exactly_the_known_mistakes_made(graded, name):
    doc = graded("hw7", HW7 / name)
    assert hints_of(doc) == EXPECTED_HINTS.get(name, set())
    for test in doc["tests"]:
        for _ in test.get("extra_data", {}).get("hints", []):
            assert "\nHint: " in test["output"]


@pytest.mark.parametrize("name", sorted(EXPECTED_MESSAGES))
def test_the_suite_names_what_no_value_match_can(graded, name):
    doc = graded("hw7", HW7 / name)
    for prefix, text in EXPECTED_MESSAGES[name]:
        assert text in _output_of(doc, prefix), (name, prefix)


def test_correct_submissions_read_no_hint(graded):
    for name in EXPECTED_FAILURES:
        if name.startswith("correct_"):
            doc = graded("hw7", HW7 / name)
            assert all("Hint:" not in t["output"] for t in doc["tests"])


def test_every_declared_mistake_is_recognised_in_some_submission():
    from grader.hints import load_misconceptions

    declared = {m.id for m in load_misconceptions(ROOT / "reference" / "hw7" / "misconceptions.py")}
    assert len(declared) >= 5
    # recognised in a submission here or in tests/feedback/ (test_feedback.py)
    from conftest import feedback_named

    assert declared == set().union(*EXPECTED_HINTS.values(), feedback_named("hw7"))


def test_every_submission_file_is_listed():
    assert sorted(p.name for p in HW7.glob("*.py")) == sorted(EXPECTED_FAILURES)


def test_a_hint_says_what_to_do(graded):
    doc = graded("hw7", HW7 / "wrong_dropout_not_rescaled.py")
    out = _output_of(doc, "dropout_backward: dx = dout·mask")
    assert "Hint: your dx is dout times the 0/1 mask" in out and "mask = (random ≥ p)/(1 − p)" in out
    doc = graded("hw7", HW7 / "wrong_weight_decay_sign.py")
    out = _output_of(doc, "weight_decay_step: w − lr·(grad + lam·w)")
    assert "Hint: your step adds lam·w instead of subtracting it" in out
    # The out of (out, cache), whatever the student's cache.
    doc = graded("hw7", HW7 / "wrong_dropout_keep_prob.py")
    out = _output_of(doc, "dropout_forward: out = x·mask")
    assert "Hint: you keep an entry with probability p and divide by p" in out
    doc = graded("hw7", HW7 / "wrong_bn_eps_outside.py")
    out = _output_of(doc, "batchnorm_forward: eps inside")
    assert "Hint: you add eps outside the square root: divide by sqrt(σ² + eps)" in out
    # bn_param as the call left it, when a test fails on bn_param['running_mean'].
    doc = graded("hw7", HW7 / "wrong_bn_momentum_swapped.py")
    out = _output_of(doc, "batchnorm_forward: train mode updates")
    assert "bn_param['running_mean']" in out and "Hint: your momentum and 1 − momentum are swapped" in out
    # A mistake of one mode is not named in the other's test.
    doc = graded("hw7", HW7 / "wrong_dropout_unscaled_always.py")
    assert _output_of(doc, "dropout_backward: in eval mode").count("Hint:") == 1


def test_wrong_submissions_get_messages_a_student_can_act_on(graded):
    doc = graded("hw7", HW7 / "wrong_l2_half.py")
    out = _output_of(doc, "l2_penalty: lam·Σw²")
    assert "l2_penalty(weights=list of 3, lam=0.1) returned a wrong value" in out  # function and inputs
    assert "penalty: expected 2.92667, got 1.46334" in out                     # expected vs got
    assert "Hint: your L2 penalty is half the contract's" in out
    doc = graded("hw7", HW7 / "wrong_bn_eps_outside.py")
    out = _output_of(doc, "batchnorm_forward: eps inside")
    assert "batchnorm_forward(x=float64 (10, 3), gamma=array([1.0, 1.0, 1.0]), beta=array([0.0, 0.0, 0.0]), " \
           "bn_param=dict" in out  # few numbers are shown as values (issue 17)
    assert "largest error is" in out and "expected" in out and "got" in out
    doc = graded("hw7", HW7 / "wrong_bn_momentum_swapped.py")
    out = _output_of(doc, "batchnorm_forward: train mode updates")
    assert "bn_param['running_mean']" in out and "expected -0.600619, got -2.14581" in out
    doc = graded("hw7", HW7 / "wrong_kaiming_fan_out.py")
    out = _output_of(doc, "kaiming_normal: mean ≈ 0")
    assert "kaiming_normal(fan_in=400, fan_out=250, generator=Generator)" in out
    assert "expected 0.005 (2/fan_in) within ±2.5 %" in out
    doc = graded("hw7", HW7 / "wrong_weight_decay_in_place.py")
    assert "changed its argument `w` in place" in _output_of(doc, "weight_decay_step: w and grad")
    for name in EXPECTED_FAILURES:
        assert_actionable_messages(graded("hw7", HW7 / name))


def test_grading_twice_gives_the_same_document(graded):
    # The statistical tests draw from seeded generators: a second, separate run agrees.
    submission = HW7 / "wrong_kaiming_fan_out.py"
    first = dict(graded("hw7", submission))
    again = dict(graded("hw7", submission, "--fail-under", "0"))
    first.pop("execution_time"), again.pop("execution_time")
    assert first == again


def test_public_tests_run_where_the_hidden_suite_is_absent(graded):
    doc = graded("hw7", ROOT / "reference" / "hw7" / "regularization.py", "--public")
    assert doc["extra_data"]["suite"] == "public"
    assert doc["score"] == doc["max_score"] == 10
    assert "hidden suite (100 points) runs when you submit" in doc["output"]
    stub = graded("hw7", ROOT / "assignments" / "hw7" / "regularization.py", "--public")
    assert stub["score"] == 0
    for name in EXPECTED_FAILURES:
        if name.startswith("correct_"):
            assert graded("hw7", HW7 / name, "--public")["score"] == 10, name
