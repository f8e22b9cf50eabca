"""Unit tests for grader.hints: declaring, loading and recognising known mistakes."""

from __future__ import annotations

import textwrap
import types

import numpy as np
import pytest

from grader.errors import ConfigurationError
from grader.hints import Misconception, diagnose, load_misconceptions, misconception
from grader.sandbox import Handle

HINT = "your gradient equals the last sample's only: accumulate with grad += ..."


def _reference() -> types.ModuleType:
    ref = types.ModuleType("ref")
    ref.gradient = lambda x, y, w: float(np.mean(2 * x * (x * w - y)))
    return ref


@misconception("gradient", hint=HINT)
def overwritten(reference, x, y, w):
    grad = 0.0
    for xn, yn in zip(x, y):
        grad = 2 * xn * (xn * w - yn)
    return grad


@misconception("gradient", hint="divide the sum by N", id="no_mean")
def summed(reference, x, y, w):
    return reference.gradient(x, y, w) * len(x)


def test_decorator_marks_the_variant_and_leaves_it_callable():
    known = overwritten.__misconception__
    assert known == Misconception("overwritten", "gradient", HINT, overwritten)
    assert summed.__misconception__.id == "no_mean"
    assert overwritten(None, [1.0, 2.0], [1.0, 1.0], 1.0) == 4.0


@pytest.mark.parametrize("function, hint", [("", "h"), ("gradient", "  ")])
def test_a_declaration_needs_a_function_and_a_hint(function, hint):
    with pytest.raises(ValueError):
        misconception(function, hint=hint)


def test_diagnose_names_the_variant_that_the_output_matches():
    x, y = np.array([1.0, 2.0, 3.0]), np.array([2.5, 3.0, 7.0])
    ref, known = _reference(), [overwritten.__misconception__, summed.__misconception__]
    last_only = 2 * 3.0 * (3.0 * 1.5 - 7.0)
    assert [m.id for m in diagnose(known, ref, "gradient", (x, y, 1.5), {}, last_only)] == ["overwritten"]
    summed_value = ref.gradient(x, y, 1.5) * 3
    assert [m.id for m in diagnose(known, ref, "gradient", (x, y), {"w": 1.5}, summed_value)] == ["no_mean"]
    # float32 and np.float64 answers are recognised at the usual tolerances.
    assert diagnose(known, ref, "gradient", (x, y, 1.5), {}, np.float32(last_only))
    # An output that matches no variant, or another function's call, gets no hint.
    assert diagnose(known, ref, "gradient", (x, y, 1.5), {}, 123.0) == []
    assert diagnose(known, ref, "mse", (x, y, 1.5), {}, last_only) == []


def test_variants_get_copies_and_a_raising_variant_is_no_match():
    @misconception("f", hint="in place")
    def mutates(reference, x):
        x *= 2
        return x

    @misconception("f", hint="never")
    def raises(reference, x):
        raise KeyError("cache of another format")

    x = np.ones(3)
    found = diagnose([mutates.__misconception__, raises.__misconception__], None, "f", (x,), {}, 2 * np.ones(3))
    assert [m.id for m in found] == ["mutates"]
    assert np.array_equal(x, np.ones(3))


def test_calls_involving_worker_objects_are_not_diagnosed():
    @misconception("f", hint="h")
    def anything(reference, *args):
        raise AssertionError("a variant must not run on a handle")

    handle = Handle(None, 0, 1, "student.Cache", "cache")
    assert diagnose([anything.__misconception__], None, "f", ([handle],), {}, 1.0) == []


def test_load_reads_the_declarations_in_file_order(tmp_path):
    path = tmp_path / "misconceptions.py"
    path.write_text(textwrap.dedent('''
        from grader.hints import misconception

        @misconception("mse", hint="square the error")
        def not_squared(reference, y_pred, y):
            return abs(y_pred - y).mean()

        @misconception("grid_search", hint="return the value", id="index")
        def index(reference, x, y, ws):
            return 0
    '''))
    found = load_misconceptions(path)
    assert [(m.id, m.function) for m in found] == [("not_squared", "mse"), ("index", "grid_search")]
    assert load_misconceptions(tmp_path / "absent.py") == []


def test_load_rejects_a_broken_file_and_duplicate_ids(tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("import not_a_module_anywhere\n")
    with pytest.raises(ConfigurationError, match="could not be imported"):
        load_misconceptions(broken)
    twice = tmp_path / "twice.py"
    twice.write_text(textwrap.dedent('''
        from grader.hints import misconception

        @misconception("f", hint="a", id="same")
        def one(reference, x):
            return x

        @misconception("f", hint="b", id="same")
        def two(reference, x):
            return x
    '''))
    with pytest.raises(ConfigurationError, match="declared twice: f: same"):
        load_misconceptions(twice)


def test_every_shipped_misconceptions_file_loads():
    from conftest import ROOT

    files = sorted((ROOT / "reference").glob("hw*/misconceptions.py"))
    assert len(files) >= 4
    for path in files:
        found = load_misconceptions(path)
        # hw6's functions mostly take worker objects (datasets, models), where variants
        # do not run; its tests name those mistakes in their own messages.
        assert len({m.id for m in found}) >= (2 if path.parent.name == "hw6" else 3), path
        for m in found:
            assert len(m.hint) > 40, (path, m.id)  # a hint says what to do, not just "wrong"


def test_a_variant_may_give_one_output_of_a_tuple_or_an_argument_left_changed():
    @misconception("dropout_forward", hint="rescale by 1/(1 - p)", output=0)
    def not_rescaled(reference, x, p, train, seed):
        return x * (np.random.default_rng(seed).random(x.shape) >= p)

    @misconception("batchnorm_forward", hint="update the running mean", output="bn_param")
    def running_not_updated(reference, x, bn_param):
        return bn_param

    x = np.arange(1.0, 7.0).reshape(2, 3)
    mask = np.random.default_rng(0).random(x.shape) >= 0.5
    student_cache = ("a cache of the student's own format", mask)
    found = diagnose([not_rescaled.__misconception__], None, "dropout_forward", (x, 0.5, True, 0), {},
                     (x * mask, student_cache))
    assert [m.id for m in found] == ["not_rescaled"]
    # No tuple, or a tuple too short: no match, no error.
    assert diagnose([not_rescaled.__misconception__], None, "dropout_forward", (x, 0.5, True, 0), {},
                    x * mask) == []
    bn_param = {"mode": "train", "running_mean": np.zeros(3)}
    known = [running_not_updated.__misconception__]
    assert diagnose(known, None, "batchnorm_forward", (x, bn_param), {}, None,
                    {"x": x, "bn_param": bn_param}, about="bn_param")
    updated = {"mode": "train", "running_mean": np.ones(3)}
    assert diagnose(known, None, "batchnorm_forward", (x, bn_param), {}, None,
                    {"x": x, "bn_param": updated}, about="bn_param") == []


def test_only_the_mistakes_about_what_failed_are_tried():
    @misconception("standardize", hint="use the mean and std you are given")
    def recomputes(reference, X, mean=None, std=None):
        return X - X.mean(axis=0)

    @misconception("standardize", hint="do not standardize X in place", output="X")
    def in_place(reference, X, mean=None, std=None):
        return X - X.mean(axis=0)

    X = np.array([[1.0], [3.0]])
    result = X - X.mean(axis=0)
    known = [recomputes.__misconception__, in_place.__misconception__]
    after = {"X": result}
    # A check of the return value tries the return-value mistakes only ...
    assert [m.id for m in diagnose(known, None, "standardize", (X,), {}, result, after)] == ["recomputes"]
    # ... a check that X was left alone tries those about X only.
    assert [m.id for m in diagnose(known, None, "standardize", (X,), {}, result, after, about="X")] == ["in_place"]
