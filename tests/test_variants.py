"""The variants engine (grader.variants): units and dependencies, trivial bodies,
first-order mutants with their descriptions, known mistakes as submissions.  No
grading here: each variant is loaded in this process and called."""

from pathlib import Path

import numpy as np
import pytest

from grader.hints import load_misconceptions
from grader.variants import load
from grader.variants.mistakes import mistake_variants
from grader.variants.mutation import mutants
from grader.variants.source import dependants, dependencies, replace_body, units
from grader.variants.trivial import all_trivial, trivial_variants

ROOT = Path(__file__).resolve().parent.parent

SOURCE = '''
import numpy as np


def _as_array(x):
    return np.array(x, dtype=np.float64)


def softmax(z):
    """Row-wise softmax."""
    z = _as_array(z)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def loss(z, labels):
    p = softmax(z)
    return float(-np.mean(np.log(p[np.arange(len(labels)), labels])))


class Scaler:
    def __init__(self, factor):
        self.factor = factor

    def __call__(self, x):
        return self.apply(x)

    def apply(self, x):
        return _as_array(x) * self.factor
'''


def test_units_and_dependencies():
    found = {u.name: u for u in units(SOURCE)}
    assert list(found) == ["_as_array", "softmax", "loss", "Scaler.__init__", "Scaler.__call__",
                           "Scaler.apply"]
    assert not found["_as_array"].public and found["Scaler.__call__"].public
    assert found["loss"].params == ("z", "labels") and found["Scaler.apply"].params == ("x",)
    uses = dependencies(SOURCE)
    assert uses["loss"] == {"softmax"} and uses["softmax"] == {"_as_array"}
    assert uses["Scaler.__call__"] == {"Scaler.apply", "Scaler.__init__"}
    assert dependants(SOURCE, "_as_array") == {"_as_array", "softmax", "loss", "Scaler.apply",
                                               "Scaler.__call__"}


def test_replace_body_keeps_signature_and_docstring():
    text = replace_body(SOURCE, "softmax", "return None")
    module = load(text)
    assert module.softmax([[1.0, 2.0]]) is None and module.softmax.__doc__ == "Row-wise softmax."
    assert module.loss.__code__.co_varnames[:2] == ("z", "labels")


def test_trivial_bodies():
    variants = {v.id: v for v in trivial_variants(SOURCE)}
    assert "_as_array: none" not in variants  # private helpers are not the student's
    assert "Scaler.__init__: none" in variants and "Scaler.__init__: zeros" not in variants
    z = np.array([[1.0, 2.0, 3.0]])
    assert load(variants["softmax: none"]).softmax(z) is None
    assert np.array_equal(load(variants["softmax: zeros"]).softmax(z), np.zeros((1, 3)))
    assert load(variants["softmax: input"]).softmax(z) is z
    assert load(variants["softmax: constant"]).softmax(z) == 1.0
    assert load(variants["loss: zeros"]).loss(z, np.array([0])).shape == (1, 3)
    everything = {v.id: load(v) for v in all_trivial(SOURCE)}
    assert everything["all: none"].loss(z, [0]) is None and everything["all: none"].softmax(z) is None


def test_mutants_are_first_order_and_described():
    found = mutants(SOURCE, "softmax")
    ids = [m.id for m in found]
    assert len(ids) == len(set(ids)) and all(m.function == "softmax" for m in found)
    assert "softmax: `z.max(axis=1, keepdims=True)` -> `z.min(axis=1, keepdims=True)`" in ids
    assert "softmax: `e.sum(axis=1, keepdims=True)` -> `e.sum(axis=0, keepdims=True)`" in ids
    assert "softmax: `e / e.sum(axis=1, keepdims=True)` -> `e * e.sum(axis=1, keepdims=True)`" in ids
    assert "softmax: delete `z = _as_array(z)`" in ids
    assert not any("Row-wise" in i for i in ids)  # docstrings are not mutated
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 5.0]])
    reference = load(SOURCE).softmax(z)
    by_id = {m.id: m for m in found}
    axis = load(by_id["softmax: `e.sum(axis=1, keepdims=True)` -> `e.sum(axis=0, keepdims=True)`"])
    assert not np.allclose(axis.softmax(z), reference)
    shifted = load(by_id["softmax: `z.max(axis=1, keepdims=True)` -> `z.min(axis=1, keepdims=True)`"])
    assert np.allclose(shifted.softmax(z), reference)  # equivalent here: the audit must tell
    for m in found:  # one change each, in softmax only: the other functions are the reference's
        module = load(m)
        assert module.Scaler(2.0)([1.0]) == [2.0]
    assert {m.function for m in mutants(SOURCE)} == {u.name for u in units(SOURCE)}
    with pytest.raises(KeyError):
        mutants(SOURCE, "nope")


def test_raise_messages_are_not_mutated_but_the_raise_can_be_deleted():
    source = ('def f(p):\n    if p < 0:\n        raise ValueError("p must be >= 0")\n    return p\n')
    ids = [m.id for m in mutants(source)]
    assert "f: delete `raise ValueError(\"p must be >= 0\")`" in ids
    assert not any("XX" in i for i in ids)


def test_known_mistakes_become_submissions():
    reference = ROOT / "reference" / "hw7" / "regularization.py"
    declared = ROOT / "reference" / "hw7" / "misconceptions.py"
    variants = {v.id: v for v in mistake_variants(reference, declared,
                                                  load_misconceptions(declared, reference))}
    ref = load(reference.read_text())
    x = np.random.default_rng(0).normal(size=(6, 3))
    # output=0: only `out` is the mistake's, the cache is the reference's
    module = load(variants["batchnorm_forward: bn_unbiased_variance"])
    out, cache = module.batchnorm_forward(x, np.ones(3), np.zeros(3), {"mode": "train"})
    expected, _ = ref.batchnorm_forward(x, np.ones(3), np.zeros(3), {"mode": "train"})
    assert not np.allclose(out, expected) and cache is not None
    # output="bn_param": the dict argument is left as the mistake leaves it
    module = load(variants["batchnorm_forward: running_momentum_swapped"])
    mine, theirs = {"mode": "train"}, {"mode": "train"}
    module.batchnorm_forward(x, np.ones(3), np.zeros(3), mine)
    ref.batchnorm_forward(x, np.ones(3), np.zeros(3), theirs)
    assert not np.allclose(mine["running_mean"], theirs["running_mean"])
    # where the mistake does not show (the variant raises), the reference's value
    module = load(variants["batchnorm_forward: bn_test_no_gamma_beta"])
    out, _ = module.batchnorm_forward(x, np.ones(3), np.zeros(3), {"mode": "train"})
    assert np.allclose(out, expected)


def test_a_misspelled_misconception_is_an_error(tmp_path):
    from grader.errors import ConfigurationError

    reference = tmp_path / "ref.py"
    reference.write_text("def gradient(x):\n    return x\n")
    declared = tmp_path / "misconceptions.py"
    declared.write_text("from grader.hints import misconception\n\n"
                        "@misconception('gradeint', hint='wrong')\n"
                        "def typo(reference, x):\n    return -x\n")
    assert len(load_misconceptions(declared)) == 1  # without the reference: not checked
    with pytest.raises(ConfigurationError, match="gradeint"):
        load_misconceptions(declared, reference)
