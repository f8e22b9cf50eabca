"""Unit tests of grader.checks: the comparisons tests make, and the messages a student
reads when one fails."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from grader.checks import (
    DEFAULT_ATOL,
    DEFAULT_RTOL,
    assert_close,
    assert_unchanged,
    check_gradient,
    fail,
    numeric_gradient,
    relative_error,
)
from grader.errors import GradingFailure


def failure(actual, expected, **kwargs) -> str:
    """The student's message of the GradingFailure assert_close must raise."""
    with pytest.raises(GradingFailure) as info:
        assert_close(actual, expected, **kwargs)
    assert info.value.student_message == str(info.value)
    return str(info.value)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# --------------------------------------------------------------------------- shapes

def test_wrong_shape_names_both_shapes():
    msg = failure(np.zeros((3, 5)), np.zeros((4, 5)))
    assert "wrong shape" in msg
    assert "expected (4, 5)" in msg and "got (3, 5)" in msg


def test_row_vector_instead_of_vector_gets_the_keepdims_hint():
    msg = failure(np.ones((1, 5)), np.ones(5))
    assert "expected (5,), got (1, 5)" in msg
    assert "keepdims" in msg and "right number of entries" in msg


def test_column_vector_instead_of_vector_gets_the_keepdims_hint():
    msg = failure(np.ones((5, 1)), np.ones(5))
    assert "keepdims" in msg and "(N,) vs (N, 1)" in msg


def test_transposed_shape_gets_the_transpose_hint(rng):
    expected = rng.standard_normal((3, 4))
    msg = failure(expected.T.copy(), expected)
    assert "expected (3, 4), got (4, 3)" in msg
    assert "transposed" in msg and "matrix product" in msg
    assert "keepdims" not in msg


def test_summed_over_the_wrong_axis_gets_the_axis_hint():
    x = np.ones((4, 3))
    msg = failure(x.sum(axis=0, keepdims=True).sum(axis=0), x.sum(axis=1, keepdims=True))
    assert "wrong shape" in msg and "axis" in msg


def test_scalar_expected_but_array_of_shape_1_returned():
    msg = failure(np.array([0.693]), 0.693)
    assert "expected a single number" in msg
    assert "(1,)" in msg
    assert "float(" in msg or ".item()" in msg


def test_scalar_expected_but_tensor_of_shape_1_returned():
    msg = failure(torch.tensor([0.5]), 0.5)
    assert "expected a single number" in msg and "(1,)" in msg


def test_zero_dim_array_and_scalar_are_interchangeable():
    assert_close(np.array(0.5), 0.5)
    assert_close(0.5, np.array(0.5))
    assert_close(torch.tensor(0.5), 0.5)


# --------------------------------------------------------------------------- dtypes

def test_int_where_float_expected_is_a_dtype_kind_failure():
    msg = failure(np.array([1, 2, 3]), np.array([1.0, 2.0, 3.0]))
    assert "wrong dtype" in msg
    assert "floating-point" in msg and "integer" in msg
    assert "int64" in msg and "float64" in msg


def test_wrong_values_of_the_wrong_dtype_name_the_values_first():
    msg = failure(np.int64(3), 0.6)
    assert "expected 0.6, got 3" in msg and "Also a wrong dtype" in msg and "integer" in msg


def test_bool_where_float_expected_is_a_dtype_kind_failure():
    msg = failure(np.array([True, False]), np.array([1.0, 0.0]))
    assert "wrong dtype" in msg and "boolean" in msg


def test_float16_has_too_little_precision():
    msg = failure(np.ones(3, dtype=np.float16), np.ones(3))
    assert "float16" in msg and "precision" in msg


def test_check_dtype_true_rejects_float32_for_float64():
    msg = failure(np.ones(3, dtype=np.float32), np.ones(3), check_dtype=True)
    assert "wrong dtype" in msg and "float64" in msg and "float32" in msg


def test_check_dtype_true_accepts_the_exact_dtype():
    assert_close(np.ones(3, dtype=np.float32), np.ones(3, dtype=np.float32), check_dtype=True)


def test_check_dtype_false_compares_values_only():
    assert_close(np.array([1, 2, 3]), np.array([1.0, 2.0, 3.0]), check_dtype=False)


def test_integer_results_compare_exactly():
    assert_close(np.array([0, 2, 1]), np.array([0, 2, 1]))
    msg = failure(np.array([0, 2, 2]), np.array([0, 2, 1]))
    assert "index [2]" in msg


def test_boolean_results_name_the_first_difference():
    msg = failure(np.array([True, False, False]), np.array([True, True, False]))
    assert "1 of 3 entries differ" in msg and "index [1]" in msg


# --------------------------------------------------------------------------- structure

def test_too_few_values_in_a_tuple():
    msg = failure((np.ones(2), np.ones(3)), (np.ones(2), np.ones(3), np.ones(4)))
    assert "expected 3 values, got 2" in msg


def test_array_returned_where_a_tuple_is_expected():
    msg = failure(np.ones(2), (np.ones(2), np.ones(3)))
    assert "expected a tuple of 2 values" in msg and "an array of shape (2,)" in msg


def test_missing_dict_key():
    msg = failure({"W1": np.ones(2)}, {"W1": np.ones(2), "b1": np.zeros(2)})
    assert "missing key(s)" in msg and "'b1'" in msg


def test_unexpected_dict_key():
    msg = failure({"W1": np.ones(2), "W2": np.ones(2)}, {"W1": np.ones(2)})
    assert "unexpected key(s)" in msg and "'W2'" in msg


def test_dict_value_error_names_the_key():
    msg = failure({"W1": np.ones(2), "b1": np.array([0.0, 1.0])},
                  {"W1": np.ones(2), "b1": np.zeros(2)})
    assert "['b1']" in msg


def test_dict_expected_but_list_returned():
    msg = failure([1.0], {"loss": 1.0})
    assert "expected a dict" in msg and "loss" in msg


def test_none_returned():
    msg = failure(None, np.ones(3))
    assert "got None" in msg and "forget to return" in msg


def test_none_inside_a_tuple_is_named():
    msg = failure((np.ones(2), None), (np.ones(2), np.ones(2)), names=("dx", "dW"))
    assert msg.startswith("dW:") and "got None" in msg


def test_none_expected():
    assert_close(None, None)
    msg = failure(0.0, None)
    assert "expected None" in msg


def test_string_outputs():
    assert_close("relu", "relu")
    assert "expected 'relu', got 'ReLU'" in failure("ReLU", "relu")


def test_object_returned_where_numbers_expected():
    class Thing:
        pass

    msg = failure(Thing(), np.ones(2))
    assert "Thing" in msg


def test_list_holding_non_numbers():
    msg = failure([1.0, "2.0"], np.array([1.0, 2.0]))
    assert "non-numbers" in msg


# --------------------------------------------------------------------------- values

def test_nan_where_finite_expected():
    msg = failure(np.array([1.0, np.nan, 3.0]), np.array([1.0, 2.0, 3.0]))
    assert "NaN" in msg and "index [1]" in msg
    assert "1 of 3 entries" in msg
    assert "log(0)" in msg or "division by zero" in msg


def test_inf_where_finite_expected():
    msg = failure(np.array([[1.0, 2.0], [np.inf, 4.0]]), np.ones((2, 2)))
    assert "inf at index [1, 0]" in msg


def test_finite_where_nan_expected():
    msg = failure(np.array([1.0, 2.0]), np.array([1.0, np.nan]))
    assert "expected nan at index [1]" in msg


def test_nan_vs_nan_is_equal_by_default():
    assert_close(np.array([1.0, np.nan]), np.array([1.0, np.nan]))
    assert_close(math.nan, math.nan)


def test_nan_vs_nan_with_equal_nan_false():
    msg = failure(np.array([1.0, np.nan]), np.array([1.0, np.nan]), equal_nan=False)
    assert "index [1]" in msg


def test_inf_of_the_wrong_sign():
    msg = failure(np.array([-np.inf]), np.array([np.inf]))
    assert "expected inf" in msg


def test_largest_error_and_its_index():
    expected = np.arange(12, dtype=np.float64).reshape(3, 4)
    actual = expected.copy()
    actual[0, 1] += 0.5
    actual[2, 3] += 2.0
    msg = failure(actual, expected)
    assert "2 of 12 entries are wrong" in msg
    assert "largest error is 2 at index [2, 3]" in msg
    assert "expected 11, got 13" in msg
    assert f"rtol={DEFAULT_RTOL:g}" in msg and f"atol={DEFAULT_ATOL:g}" in msg


def test_scalar_mismatch_message():
    msg = failure(0.7, 0.5)
    assert "expected 0.5, got 0.7" in msg and "error 0.2" in msg


def test_sum_instead_of_mean_gets_the_factor_n_hint(rng):
    N = 8
    per_sample = rng.standard_normal((N, 3))
    expected = per_sample.mean(axis=0)
    actual = per_sample.sum(axis=0)
    msg = failure(actual, expected)
    assert f"exactly {N} times" in msg
    assert "1/N" in msg


def test_missing_factor_gets_a_one_over_n_hint(rng):
    expected = rng.standard_normal(5)
    msg = failure(expected / 4, expected)
    assert "exactly 1/4 times" in msg


def test_simple_fractions_are_named_and_odd_factors_are_not(rng):
    expected = rng.standard_normal(6)
    assert "exactly 2/3 times" in failure(expected * 2 / 3, expected)
    assert "exactly 1/48 times" in failure(expected / 48, expected)
    # A geometric history off by 1.21387 is a coincidence of the data, not a clue.
    assert "times the expected" not in failure(expected * 1.21387, expected)


def test_an_empty_history_matches_an_empty_list_or_array():
    assert_close(np.array([]), [], names="costs")
    assert_close([], np.zeros(0), names="costs")
    assert "wrong shape" in failure(np.array([1.0]), [])


def test_negated_values_get_the_sign_hint(rng):
    expected = rng.standard_normal((3, 2))
    msg = failure(-expected, expected)
    assert "negatives" in msg and "sign" in msg
    assert "times the expected" not in msg


def test_unrelated_error_gets_no_pattern_hint(rng):
    expected = rng.standard_normal((4, 4))
    msg = failure(expected + rng.standard_normal((4, 4)), expected)
    assert "times the expected" not in msg and "negatives" not in msg


def test_square_matrix_returned_transposed_gets_a_hint(rng):
    expected = rng.standard_normal((4, 4))
    msg = failure(expected.T.copy(), expected)
    assert "transpose" in msg


def test_names_name_the_wrong_output(rng):
    dx, dW, db = rng.standard_normal((4, 3)), rng.standard_normal((3, 2)), rng.standard_normal(2)
    msg = failure((dx, dW, db * 4), (dx, dW, db), names=("dx", "dW", "db"))
    assert msg.startswith("db: ")
    assert "dx" not in msg and "dW" not in msg
    msg = failure((dx, dW.T.copy(), db), (dx, dW, db), names=("dx", "dW", "db"))
    assert msg.startswith("dW: wrong shape")


def test_single_name_for_a_single_output():
    msg = failure(np.ones(3), np.zeros(3), names="probs")
    assert msg.startswith("probs: ")


def test_unnamed_tuple_uses_indices():
    msg = failure((np.ones(2), np.ones(2)), (np.ones(2), np.zeros(2)))
    assert msg.startswith("[1]: ")


def test_failure_carries_the_actual_value():
    actual = np.ones(3)
    with pytest.raises(GradingFailure) as info:
        assert_close(actual, np.zeros(3))
    assert info.value.actual is actual
    assert isinstance(info.value, AssertionError)


def test_fail_helper():
    with pytest.raises(GradingFailure, match="custom message") as info:
        fail("custom message", actual=3)
    assert info.value.actual == 3


# --------------------------------------------------------------------------- acceptance

def test_float32_matrix_product_is_accepted_against_float64():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((50, 50)).astype(np.float32)
    W = rng.standard_normal((50, 50)).astype(np.float32)
    expected = x.astype(np.float64) @ W.astype(np.float64)
    assert_close(x @ W, expected)


def test_float32_sigmoid_is_accepted_against_float64(rng):
    z = rng.standard_normal((20, 30)) * 5
    expected = 1 / (1 + np.exp(-z))
    actual = (1 / (1 + np.exp(-z.astype(np.float32)))).astype(np.float32)
    assert_close(actual, expected)


def _float32_loop_matmul(x: np.ndarray, W: np.ndarray) -> np.ndarray:
    """x @ W accumulated term by term in float32, as a loop implementation would
    (deterministic: elementwise products, then a sequential cumulative sum)."""
    products = x[:, :, None] * W[None, :, :]
    return np.cumsum(products, axis=1, dtype=np.float32)[:, -1, :]


def test_float32_layer_with_a_few_hundred_inputs_is_accepted():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((50, 300)).astype(np.float32)
    W = rng.standard_normal((300, 50)).astype(np.float32)
    expected = x.astype(np.float64) @ W.astype(np.float64)
    assert_close(_float32_loop_matmul(x, W), expected)


def test_numpy_float64_vs_python_float():
    assert_close(np.float64(0.25), 0.25)
    assert_close(0.25, np.float64(0.25))
    assert_close(np.float32(0.25), 0.25)


def test_python_int_vs_int_expected():
    assert_close(3, 3)
    assert_close(np.int64(3), 3)


def test_list_instead_of_tuple(rng):
    dx, dW = rng.standard_normal((2, 3)), rng.standard_normal(3)
    assert_close([dx, dW], (dx, dW), names=("dx", "dW"))
    assert_close([dx, dW], (dx, dW))


def test_tuple_instead_of_list():
    assert_close((np.ones(2), 1.0), [np.ones(2), 1.0])


def test_list_of_floats_vs_ndarray():
    assert_close([0.5, 1.5, 2.5], np.array([0.5, 1.5, 2.5]))
    assert_close([[1.0, 2.0], [3.0, 4.0]], np.array([[1.0, 2.0], [3.0, 4.0]]))


def test_list_of_floats_with_the_wrong_length():
    msg = failure([0.5, 1.5], np.array([0.5, 1.5, 2.5]))
    assert "wrong shape" in msg


def test_torch_tensor_vs_ndarray(rng):
    expected = rng.standard_normal((3, 4))
    assert_close(torch.from_numpy(expected.copy()), expected)
    assert_close(torch.from_numpy(expected.astype(np.float32)), expected)
    assert_close(torch.tensor(expected, requires_grad=True), expected)
    assert_close(torch.from_numpy(expected).to(torch.bfloat16), expected, rtol=1e-2, atol=1e-2)


def test_ndarray_vs_torch_tensor_expected(rng):
    expected = torch.randn(5, dtype=torch.float64)
    assert_close(expected.numpy().copy(), expected)


def test_values_within_tolerance_pass():
    expected = np.array([1.0, 100.0, 0.0])
    assert_close(expected * (1 + 0.5 * DEFAULT_RTOL) + [0, 0, 0.5 * DEFAULT_ATOL], expected)


def test_custom_tolerances():
    assert_close(1.05, 1.0, rtol=0.1)
    msg = failure(1.05, 1.0, rtol=0.01, atol=0)
    assert "rtol=0.01" in msg


def test_nested_structures_pass(rng):
    grads = {"W1": rng.standard_normal((2, 3)), "b1": rng.standard_normal(3)}
    expected = (1.25, grads, [np.ones(2), (np.zeros(1), 3)])
    actual = (np.float64(1.25), {k: v.astype(np.float32) for k, v in grads.items()},
              [[1.0, 1.0], [np.zeros(1), np.int64(3)]])
    assert_close(actual, expected)


# --------------------------------------------------------------------------- assert_unchanged

def test_assert_unchanged_passes_when_nothing_changed():
    assert_unchanged([], "affine_forward")


def test_assert_unchanged_names_the_parameter():
    after = np.zeros(3)
    with pytest.raises(GradingFailure) as info:
        assert_unchanged([(0, "x", after), (1, "W", np.ones(2))], "numerical_gradient",
                         hint="Restore x[i] after each step.")
    msg = str(info.value)
    assert "`numerical_gradient`" in msg and "`x`" in msg and "in place" in msg
    assert "`W`" not in msg
    assert msg.endswith("Restore x[i] after each step.")
    assert info.value.actual is after


# --------------------------------------------------------------------------- gradients

def loss_fn(x):
    """A smooth scalar function: sum(sin(x) * x**2) + 0.5 * ||x||^2."""
    return float(np.sum(np.sin(x) * x**2) + 0.5 * np.sum(x * x))


def loss_grad(x):
    return np.cos(x) * x**2 + 2 * x * np.sin(x) + x


def test_numeric_gradient_matches_a_known_gradient(rng):
    x = rng.standard_normal((3, 4))
    num = numeric_gradient(loss_fn, x)
    assert num.shape == x.shape and num.dtype == np.float64
    np.testing.assert_allclose(num, loss_grad(x), rtol=1e-6, atol=1e-8)


def test_numeric_gradient_of_a_quadratic_form():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = np.array([0.5, -1.0])
    num = numeric_gradient(lambda v: 0.5 * v @ A @ v, x)
    np.testing.assert_allclose(num, A @ x, rtol=1e-7, atol=1e-8)


def test_numeric_gradient_leaves_its_input_unchanged(rng):
    x = rng.standard_normal(6).astype(np.float32)
    before = x.copy()
    seen = []

    def f(v):
        seen.append(v)
        v += 1.0  # a careless f that mutates what it gets must not disturb the next step
        return float(np.sum(v**2))

    num = numeric_gradient(f, x)
    np.testing.assert_array_equal(x, before)
    assert x.dtype == np.float32
    assert all(v.dtype == np.float64 for v in seen)
    np.testing.assert_allclose(num, 2 * (before.astype(np.float64) + 1), rtol=1e-5)


def test_numeric_gradient_of_a_zero_dim_point():
    num = numeric_gradient(lambda v: float(v) ** 3, np.array(2.0))
    assert num.shape == ()
    assert abs(float(num) - 12.0) < 1e-6


def test_relative_error_on_simple_numbers():
    assert relative_error(1.0, 1.0) == 0.0
    assert relative_error(1.0, 1.1) == pytest.approx(0.1 / 1.1)
    assert relative_error(-2.0, 2.0) == pytest.approx(2.0)
    assert relative_error(0.0, 0.0) == 0.0
    assert relative_error(0.0, 1e-9) == pytest.approx(0.1)  # floored at tiny=1e-8
    assert relative_error(0.0, 1e-9, tiny=1e-12) == pytest.approx(1.0)
    out = relative_error(np.array([1.0, 3.0]), np.array([2.0, 3.0]))
    np.testing.assert_allclose(out, [0.5, 0.0])


def test_check_gradient_passes_for_the_analytic_gradient_float64(rng):
    x = rng.standard_normal((4, 3))
    err = check_gradient(loss_fn, x, loss_grad(x), name="dx")
    assert 0 <= err < 1e-6


def test_check_gradient_passes_for_a_float32_analytic_gradient(rng):
    x = rng.standard_normal((4, 3))
    analytic = loss_grad(x.astype(np.float32))
    assert analytic.dtype == np.float32
    err = check_gradient(loss_fn, x, analytic, name="dx")
    assert err < 1e-4


def test_check_gradient_accepts_a_torch_gradient(rng):
    x = rng.standard_normal(5)
    t = torch.tensor(x, requires_grad=True)
    (torch.sum(torch.sin(t) * t**2) + 0.5 * torch.sum(t * t)).backward()
    check_gradient(loss_fn, x, t.grad, name="x.grad")


def test_check_gradient_fails_for_a_factor_two(rng):
    x = rng.standard_normal((4, 3))
    with pytest.raises(GradingFailure) as info:
        check_gradient(loss_fn, x, 2 * loss_grad(x), name="dW1")
    msg = str(info.value)
    assert msg.startswith("dW1: ")
    assert "does not match the numerical gradient" in msg
    assert "relative error" in msg


def test_check_gradient_fails_for_one_wrong_entry_and_names_it(rng):
    x = rng.standard_normal((4, 3))
    g = loss_grad(x)
    g[2, 1] += 0.5
    with pytest.raises(GradingFailure) as info:
        check_gradient(loss_fn, x, g, name="dx")
    msg = str(info.value)
    assert "does not match the numerical gradient" in msg
    assert "index [2, 1]" in msg


def test_check_gradient_fails_on_the_wrong_shape(rng):
    x = rng.standard_normal((4, 3))
    with pytest.raises(GradingFailure) as info:
        check_gradient(loss_fn, x, loss_grad(x).T, name="dx")
    assert "wrong shape" in str(info.value) and str(info.value).startswith("dx")


def test_check_gradient_fails_on_nan(rng):
    x = rng.standard_normal(4)
    g = loss_grad(x)
    g[0] = np.nan
    with pytest.raises(GradingFailure, match="NaN"):
        check_gradient(loss_fn, x, g)


def test_check_gradient_emits_no_numpy_warning_for_zero_entries():
    import warnings

    x = np.array([1.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_gradient(lambda v: float(v[0] ** 2), x, np.array([2.0, 0.0]))


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_check_gradient_with_zero_entries(rng):
    # f depends on the first column only: the rest of the gradient is exactly 0
    x = rng.standard_normal((3, 2))
    f = lambda v: float(np.sum(v[:, 0] ** 3))  # noqa: E731
    g = np.zeros_like(x)
    g[:, 0] = 3 * x[:, 0] ** 2
    check_gradient(f, x, g)
    check_gradient(f, x, g.astype(np.float32))
