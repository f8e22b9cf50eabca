"""hw6 graded end to end through the CLI: the stub, the reference, correct solutions
written differently, and realistic wrong submissions; the handout's worked example.

Each wrong submission must lose exactly the tests of what it got wrong (listed here by
the start of their names) and keep every other point. Most hw6 calls pass handles (the
student's datasets, loaders and models), which ``grader.hints`` does not diagnose, so
the hidden suite names those mistakes in its own failure messages: EXPECTED_MESSAGES
checks that each submission's feedback says what its mistake is.
"""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from conftest import (ROOT, SUBMISSIONS, assert_actionable_messages, assert_loses_exactly,
                      failed_names, full_marks, hints_of)

pytestmark = pytest.mark.slow  # every submission in tests/submissions/hw6/ graded: minutes

HW6 = SUBMISSIONS / "hw6"
DATA = ROOT / "assignments" / "hw6" / "data"

TRAIN_HISTORY = "train: the mean loss of every epoch matches the reference from the same weights"
EVALUATE = "evaluate: the accuracy at threshold 0.5 matches the reference"

# The tests each submission must fail, by the start of their names; all others pass.
EXPECTED_FAILURES = {
    "correct_csv_module.py": [],
    "correct_numpy_sequential.py": [],
    "correct_by_hand.py": [],
    "wrong_len_counts_header.py": ["PimaDataset: len(dataset) is 532", "PimaDataset: split=\"train\" keeps",
                                   "PimaDataset: a DataLoader(batch_size=100)",
                                   "feature_stats: mean and std of your PimaDataset"],
    "wrong_labels_int64.py": ["PimaDataset: y is a float32", "PimaDataset: a DataLoader(batch_size=100)"],
    "wrong_features_float64.py": ["PimaDataset: x is a float32", "PimaDataset: a DataLoader(batch_size=100)"],
    "wrong_transform_on_y.py": ["PimaDataset: the transform leaves y"],
    "wrong_split_ignored.py": ["PimaDataset: split=\"train\" keeps", "PimaDataset: the items of split=\"test\""],
    "wrong_negative_index.py": ["PimaDataset: negative indices"],
    "wrong_index_wraps.py": ["PimaDataset: ds[532], ds[540] and ds[-533] raise IndexError"],
    "wrong_std_ddof1.py": ["feature_stats: the std over", "feature_stats: mean and std of your PimaDataset"],
    "wrong_stats_per_sample.py": ["feature_stats: the mean over", "feature_stats: the std over",
                                  "feature_stats: mean and std are float32",
                                  "feature_stats: mean and std of your PimaDataset"],
    "wrong_normalize_in_place.py": ["Normalize: does not modify x in place"],
    "wrong_n_dev_int.py": ["make_loaders: n_dev = round", "make_loaders: the train and dev indices"],
    "wrong_shuffle_unseeded.py": ["make_loaders: the train loader's first epoch",
                                  "make_loaders: two calls with seed 1"],
    "wrong_train_last_batch_loss.py": [TRAIN_HISTORY],
    "wrong_train_no_zero_grad.py": [TRAIN_HISTORY, "train: the weights after 3 epochs"],
    "wrong_train_sample_weighted.py": [TRAIN_HISTORY],
    "wrong_evaluate_broadcast.py": [EVALUATE, "evaluate: 1.0 when every prediction is right"],
    "wrong_evaluate_batch_mean.py": [EVALUATE],
}

# The known mistakes (reference/hw6/misconceptions.py) each submission's feedback names.
EXPECTED_HINTS = {
    "wrong_std_ddof1.py": {"std_ddof1"},
    "wrong_stats_per_sample.py": {"stats_per_sample"},
}

# What the hidden suite's own messages say about each mistake: (start of a failed
# test's name, text its output must contain).
EXPECTED_MESSAGES = {
    "wrong_len_counts_header.py": [
        ("PimaDataset: len(dataset) is 532", "len(PimaDataset(path)) is 533, one more than the rows: "
                                             "do not count the header line"),
        ("PimaDataset: a DataLoader(batch_size=100)", "A DataLoader asks for ds[0], ds[1], …")],
    "wrong_labels_int64.py": [
        ("PimaDataset: y is a float32", "y of PimaDataset(path)[0] has dtype int64: BCELoss needs float "
                                        "targets: use dtype=torch.float32")],
    "wrong_features_float64.py": [
        ("PimaDataset: x is a float32", "has dtype float64, expected float32: nn.Linear's weights are float32"),
        ("PimaDataset: a DataLoader(batch_size=100)", "wrong dtype: expected float32, got float64")],
    "wrong_transform_on_y.py": [
        ("PimaDataset: the transform leaves y", "the transform was applied to y too. Apply it to x only")],
    "wrong_split_ignored.py": [
        ("PimaDataset: split=\"train\" keeps", "is 532, every row of the file: the split filter was ignored"),
        ("PimaDataset: the items of split=\"test\"", "Hint: that is row 0 of the whole file")],
    "wrong_negative_index.py": [
        ("PimaDataset: negative indices", "PimaDataset(path)[-1] raised IndexError: index out of range. "
                                          "Negative indices count from the end")],
    "wrong_index_wraps.py": [
        ("PimaDataset: ds[532]", "should raise IndexError here, but it returned a tuple of length 2"),
        ("PimaDataset: ds[532]", "Hint: `for x, y in ds` stops only when ds[i] raises IndexError")],
    "wrong_std_ddof1.py": [
        ("feature_stats: mean and std of your PimaDataset", "Hint: your std divides by N − 1")],
    "wrong_normalize_in_place.py": [
        ("Normalize: does not modify x in place", "Your Normalize changed its input in place")],
    "wrong_n_dev_int.py": [
        ("make_loaders: n_dev = round", "int() truncates 36.9 to 36: use round()"),
        ("make_loaders: the train and dev indices", "has 87 indices, expected 86")],
    "wrong_shuffle_unseeded.py": [
        ("make_loaders: the train loader's first epoch", "Hint: the train loader must shuffle with its own "
                                                         "generator"),
        ("make_loaders: two calls with seed 1", "gave different first train batches")],
    "wrong_train_last_batch_loss.py": [
        (TRAIN_HISTORY, "Hint: each of your losses is the epoch's last batch loss")],
    "wrong_train_no_zero_grad.py": [
        (TRAIN_HISTORY, "Hint: your gradients accumulate from batch to batch"),
        ("train: the weights after 3 epochs", "Hint: your gradients accumulate from batch to batch")],
    "wrong_train_sample_weighted.py": [
        (TRAIN_HISTORY, "Hint: your losses are means over the samples")],
    "wrong_evaluate_broadcast.py": [
        (EVALUATE, "Hint: your predictions of shape (B,) were compared with labels of shape (B, 1)"),
        ("evaluate: 1.0 when every prediction", "Hint: your predictions of shape (B,)")],
    "wrong_evaluate_batch_mean.py": [
        (EVALUATE, "Hint: you averaged the accuracies of the batches")],
}


def test_reference_scores_full_marks(graded):
    doc = graded("hw6", ROOT / "reference" / "hw6" / "data.py")
    assert failed_names(doc) == []
    assert doc["score"] == doc["max_score"] == full_marks("hw6")
    assert doc["extra_data"]["suite"] == "hidden"


def test_stub_scores_zero_and_every_test_says_not_implemented(graded):
    doc = graded("hw6", ROOT / "assignments" / "hw6" / "data.py")
    assert doc["score"] == 0 and doc["max_score"] == full_marks("hw6")
    for test in doc["tests"]:
        assert test["status"] == "failed"
        assert "is not implemented yet" in test["output"], test


@pytest.mark.parametrize("name", sorted(EXPECTED_FAILURES))
def test_submission_loses_exactly_the_points_of_its_mistakes(graded, name):
    doc = graded("hw6", HW6 / name)
    assert_loses_exactly(doc, EXPECTED_FAILURES[name], name)
    assert doc["max_score"] == full_marks("hw6")


@pytest.mark.parametrize("name", sorted(EXPECTED_FAILURES))
def test_feedback_names_exactly_the_known_mistakes_made(graded, name):
    doc = graded("hw6", HW6 / name)
    assert hints_of(doc) == EXPECTED_HINTS.get(name, set())
    for test in doc["tests"]:
        for _ in test.get("extra_data", {}).get("hints", []):
            assert "\nHint: " in test["output"]


@pytest.mark.parametrize("name", sorted(EXPECTED_MESSAGES))
def test_feedback_says_what_the_mistake_is(graded, name):
    doc = graded("hw6", HW6 / name)
    for prefix, text in EXPECTED_MESSAGES[name]:
        outputs = [t["output"] for t in doc["tests"] if t["name"].startswith(prefix) and t["status"] == "failed"]
        assert outputs, f"{name}: no failed test starts with {prefix!r}"
        assert any(text in out for out in outputs), f"{name}: {text!r} not in {outputs}"


def test_every_wrong_submission_gets_a_message_about_its_mistake():
    wrong = {n for n in EXPECTED_FAILURES if n.startswith("wrong_")}
    assert wrong == set(EXPECTED_MESSAGES) | set(EXPECTED_HINTS)
    assert len(wrong) >= 6 and len([n for n in EXPECTED_FAILURES if n.startswith("correct_")]) >= 3


def test_every_declared_mistake_is_recognised_in_some_submission():
    from grader.hints import load_misconceptions

    declared = {m.id for m in load_misconceptions(ROOT / "reference" / "hw6" / "misconceptions.py")}
    assert len(declared) >= 4
    # recognised in a submission here or in tests/feedback/ (test_feedback.py)
    from conftest import feedback_named

    assert declared == set().union(*EXPECTED_HINTS.values(), feedback_named("hw6"))


def test_every_submission_file_is_listed():
    assert sorted(p.name for p in HW6.glob("*.py")) == sorted(EXPECTED_FAILURES)


def test_a_hint_says_what_to_do(graded):
    doc = graded("hw6", HW6 / "wrong_stats_per_sample.py")
    out = next(t["output"] for t in doc["tests"] if t["name"].startswith("feature_stats: the mean over"))
    assert "feature_stats(dataset=list of 50) returned a wrong value" in out       # the call
    assert "mean: wrong shape: expected (7,), got (50,)" in out                     # expected vs got
    assert "Hint: your mean and std have one value per sample" in out and "dim=0" in out


def test_wrong_submissions_get_messages_a_student_can_act_on(graded):
    doc = graded("hw6", HW6 / "wrong_train_no_zero_grad.py")
    out = next(t["output"] for t in doc["tests"] if t["name"].startswith(TRAIN_HISTORY))
    assert "train(model=Classifier(...), loader=list of 5, epochs=4, lr=0.5, device='cpu') " \
           "returned a wrong value" in out                                          # function and inputs
    assert "losses: 4 of 4 entries are wrong" in out and "expected 0.70697" in out  # expected vs got
    doc = graded("hw6", HW6 / "wrong_std_ddof1.py")
    out = next(t["output"] for t in doc["tests"] if t["name"].startswith("feature_stats: the std over"))
    assert "std: 7 of 7 entries are wrong" in out and "Hint: your std divides by N − 1" in out
    for name in EXPECTED_FAILURES:
        assert_actionable_messages(graded("hw6", HW6 / name))


def test_public_tests_run_where_the_hidden_suite_is_absent(graded):
    doc = graded("hw6", ROOT / "reference" / "hw6" / "data.py", "--public")
    assert doc["extra_data"]["suite"] == "public"
    assert doc["score"] == doc["max_score"] == 10
    stub = graded("hw6", ROOT / "assignments" / "hw6" / "data.py", "--public")
    assert stub["score"] == 0


def test_gpu_tests_are_skipped_visibly_and_not_counted_without_cuda(graded):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA: the gpu tests run here")
    doc = graded("hw6", ROOT / "reference" / "hw6" / "data.py")
    skipped = doc["extra_data"]["skipped"]
    assert sorted(s["name"].split(":")[0] for s in skipped) == ["evaluate", "train"]
    assert all(s["name"].endswith("[cuda]") and "CUDA" in s["reason"] for s in skipped)
    assert "GPU test(s) worth 10 points were skipped" in doc["output"]
    assert all("[cuda]" not in t["name"] for t in doc["tests"])


def test_grading_twice_gives_the_same_document(graded):
    submission = HW6 / "wrong_train_no_zero_grad.py"  # (the unseeded shuffle is random by nature)
    first = dict(graded("hw6", submission))
    again = dict(graded("hw6", submission, "--fail-under", "0"))  # a second, separate run
    first.pop("execution_time"), again.pop("execution_time")
    assert first == again


# ---------------------------------------------------------------- the data and the handout

def test_data_has_the_documented_columns_and_rows():
    with open(DATA / "pima.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["npreg", "glu", "bp", "skin", "bmi", "ped", "age", "type", "split"]
    assert len(rows) == 532 and sum(r["type"] == "Yes" for r in rows) == 177
    assert [r["split"] for r in rows] == ["train"] * 200 + ["test"] * 332


def test_handout_shows_the_worked_example_as_the_script_prints_it():
    proc = subprocess.run([sys.executable, str(ROOT / "reference" / "hw6" / "worked_example.py")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    readme = (ROOT / "assignments" / "hw6" / "README.md").read_text(encoding="utf-8")
    assert proc.stdout.strip() in readme
    assert "reference/hw6/worked_example.py" in readme
