"""hw3 graded end to end through the CLI: the stub, the reference, correct solutions
written differently, and realistic wrong or broken submissions.

Each wrong submission must lose exactly the tests of what it got wrong (listed here by
the start of their names) and keep every other point.
"""

from __future__ import annotations

import pytest

from conftest import (ROOT, SUBMISSIONS, assert_actionable_messages, assert_loses_exactly,
                      failed_names, full_marks, hints_of)

pytestmark = pytest.mark.slow  # every submission in tests/submissions/hwN/ graded: minutes

HW3 = SUBMISSIONS / "hw3"

# The tests each submission must fail, by the start of their names; all others pass.
MLP_GRADS = ["mlp_loss: grads['W2']", "mlp_loss: grads['W1']",
             "mlp_loss: every gradient matches central", "mlp_loss: every gradient matches torch"]
EXPECTED_FAILURES = {
    "correct_loops.py": [],
    "correct_float32.py": [],
    "correct_lecture_style.py": [],
    "wrong_db_not_summed.py": ["affine_backward: db", "affine_backward: dx, dW, db match central",
                               *MLP_GRADS],
    "wrong_sigmoid_backward_z.py": ["sigmoid_backward: dz = da", "sigmoid_backward: dz matches central",
                                    *MLP_GRADS],
    "wrong_bce_sum.py": ["bce_loss: the loss", "bce_loss: da matches the reference",
                         "bce_loss: loss and da when", "bce_loss: da matches central",
                         "mlp_loss: the loss", *MLP_GRADS],
    "wrong_mlp_missing_hidden_derivative.py": ["mlp_loss: grads['W1']",
                                               "mlp_loss: every gradient matches central",
                                               "mlp_loss: every gradient matches torch"],
    "wrong_numgrad_mutates_x.py": ["numerical_gradient: x is left"],
    "wrong_train_no_zero_grad.py": ["train_quadratic: w1, w2, b", "train_quadratic: the loss of every",
                                    "train_quadratic: matches the reference on noisy"],
    "infinite_loop_sigmoid.py": ["sigmoid: matches", "sigmoid: no NaN", "sigmoid: no overflow"],
    "calls_sys_exit.py": ["quadratic_forward:", "train_quadratic:"],
}

# The known mistakes (reference/hw3/misconceptions.py) each submission's feedback names.
EXPECTED_HINTS = {
    "wrong_db_not_summed.py": {"db_not_summed"},
    "wrong_sigmoid_backward_z.py": {"sigmoid_derivative_of_z"},
    "wrong_bce_sum.py": {"bce_summed"},
    "wrong_mlp_missing_hidden_derivative.py": {"hidden_derivative_missing"},
    "wrong_train_no_zero_grad.py": {"gradients_not_zeroed"},
}


def test_reference_scores_full_marks(graded):
    doc = graded("hw3", ROOT / "reference" / "hw3" / "backprop.py")
    assert failed_names(doc) == []
    assert doc["score"] == doc["max_score"] == full_marks("hw3")
    assert doc["extra_data"]["suite"] == "hidden"


def test_stub_scores_zero_and_every_test_says_not_implemented(graded):
    doc = graded("hw3", ROOT / "assignments" / "hw3" / "backprop.py")
    assert doc["score"] == 0 and doc["max_score"] == full_marks("hw3")
    for test in doc["tests"]:
        assert test["status"] == "failed"
        assert "is not implemented yet" in test["output"], test


@pytest.mark.parametrize("name", sorted(EXPECTED_FAILURES))
def test_submission_loses_exactly_the_points_of_its_mistakes(graded, name):
    doc = graded("hw3", HW3 / name)
    assert_loses_exactly(doc, EXPECTED_FAILURES[name], name)
    assert doc["max_score"] == full_marks("hw3")


@pytest.mark.parametrize("name", sorted(EXPECTED_FAILURES))
def test_feedback_names_exactly_the_known_mistakes_made(graded, name):
    doc = graded("hw3", HW3 / name)
    assert hints_of(doc) == EXPECTED_HINTS.get(name, set())
    for test in doc["tests"]:
        for _ in test.get("extra_data", {}).get("hints", []):
            assert "\nHint: " in test["output"]


def test_every_declared_mistake_is_recognised_in_some_submission():
    from grader.hints import load_misconceptions

    declared = {m.id for m in load_misconceptions(ROOT / "reference" / "hw3" / "misconceptions.py")}
    assert len(declared) >= 3
    # recognised in a submission here or in tests/feedback/ (test_feedback.py)
    from conftest import feedback_named

    assert declared == set().union(*EXPECTED_HINTS.values(), feedback_named("hw3"))


def test_a_hint_says_what_to_do(graded):
    doc = graded("hw3", HW3 / "wrong_db_not_summed.py")
    out = next(t["output"] for t in doc["tests"] if t["name"].startswith("affine_backward: db"))
    assert "Hint: your db has one row per sample" in out and "dout.sum(axis=0)" in out


def test_wrong_submissions_get_messages_a_student_can_act_on(graded):
    doc = graded("hw3", HW3 / "wrong_db_not_summed.py")
    out = next(t["output"] for t in doc["tests"] if t["name"].startswith("affine_backward: db"))
    assert "affine_backward(dout=array([[0.826564, 1.33677]]), cache=affine_forward(...)[1])" in out  # function and shapes
    assert "db: wrong shape: expected (2,), got (1, 2)" in out               # expected vs got
    doc = graded("hw3", HW3 / "wrong_bce_sum.py")
    out = next(t["output"] for t in doc["tests"] if t["name"].startswith("bce_loss: da matches the ref"))
    assert "largest error" in out and "at index" in out
    # the known mistake is named (divide by N): the generic factor remark gives way (issue 17)
    assert "so divide the sum, and da, by N" in out and "times the expected ones" not in out
    doc = graded("hw3", HW3 / "wrong_numgrad_mutates_x.py")
    out = next(t["output"] for t in doc["tests"] if t["name"].startswith("numerical_gradient: x is left"))
    assert "changed its argument `x` in place" in out
    for name in EXPECTED_FAILURES:
        assert_actionable_messages(graded("hw3", HW3 / name))


def test_infinite_loop_fails_only_its_function_with_a_timeout_message(graded):
    doc = graded("hw3", HW3 / "infinite_loop_sigmoid.py")
    sigmoid_tests = [t for t in doc["tests"] if t["name"].startswith("sigmoid:")]
    assert sigmoid_tests and all("timed out after 5 s" in t["output"] for t in sigmoid_tests)
    # One infinite loop costs the time limit once, not once per test.
    assert doc["execution_time"] < 60


@pytest.mark.parametrize("name, says", [
    ("raises_at_import.py", "FileNotFoundError"),
    ("syntax_error.py", "SyntaxError"),
])
def test_unimportable_submission_scores_zero_with_the_error_shown(graded, name, says):
    doc = graded("hw3", HW3 / name)
    assert doc["score"] == 0 and doc["max_score"] == full_marks("hw3")
    for test in doc["tests"]:
        assert "could not be imported" in test["output"] and says in test["output"]
        assert f'"{name}", line' in test["output"] or f"{name}, line" in test["output"]


def test_grading_twice_gives_the_same_document(graded):
    submission = HW3 / "wrong_sigmoid_backward_z.py"
    first = dict(graded("hw3", submission))
    third = dict(graded("hw3", submission, "--fail-under", "0"))  # a second, separate run
    first.pop("execution_time"), third.pop("execution_time")
    assert first == third


def test_public_tests_run_where_the_hidden_suite_is_absent(graded):
    doc = graded("hw3", ROOT / "reference" / "hw3" / "backprop.py", "--public")
    assert doc["extra_data"]["suite"] == "public"
    assert doc["score"] == doc["max_score"] == 10
    assert "hidden suite (100 points) runs when you submit" in doc["output"]
    stub = graded("hw3", ROOT / "assignments" / "hw3" / "backprop.py", "--public")
    assert stub["score"] == 0


def test_gpu_tests_are_skipped_visibly_and_not_counted_without_cuda(graded):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA: the gpu tests run here")
    doc = graded("hw3", ROOT / "reference" / "hw3" / "backprop.py")
    skipped = doc["extra_data"]["skipped"]
    assert [s["name"] for s in skipped] == [
        "autograd_gradients: gradients on the device match mlp_loss's reference gradients [cuda]"]
    assert "CUDA" in skipped[0]["reason"]
    assert "GPU test(s) worth 4 points were skipped" in doc["output"]
    assert all("[cuda]" not in t["name"] for t in doc["tests"])
