"""Public tests for hw3: shapes and small worked examples (10 points).

Run them with `grade hw3`.  They are a first check only: the hidden suite (100 points)
compares your functions with a reference on random inputs and checks your gradients
against central differences.
"""

import numpy as np
import pytest

from grader.checks import assert_close


@pytest.mark.points(2)
def test_sigmoid_worked_example(student):
    """sigmoid: σ(0) = 0.5, σ(2) ≈ 0.8808, σ(-2) ≈ 0.1192"""
    z = np.array([0.0, 2.0, -2.0])
    assert_close(student.sigmoid(z), np.array([0.5, 0.8807970779778823, 0.11920292202211755]))


@pytest.mark.points(2)
def test_affine_forward_worked_example(student):
    """affine_forward: out = xW + b on a 2×3 example, shape (N, M)"""
    x = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 1.0]])
    W = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    b = np.array([0.5, -0.5])
    out, _ = student.affine_forward(x, W, b)
    assert_close(out, np.array([[4.5, 4.5], [1.5, -0.5]]), names="out")


@pytest.mark.points(2)
def test_affine_backward_shapes(student):
    """affine_backward: dx, dW, db have the shapes of x, W, b"""
    x, W, b = np.ones((4, 3)), np.ones((3, 2)), np.zeros(2)
    _, cache = student.affine_forward(x, W, b)
    dx, dW, db = student.affine_backward(np.ones((4, 2)), cache)
    # Every entry is known here: dx = dout Wᵀ, dW = xᵀ dout, db = Σ dout over the batch.
    assert_close((dx, dW, db), (np.full((4, 3), 2.0), np.full((3, 2), 4.0), np.full(2, 4.0)),
                 names=("dx", "dW", "db"))


@pytest.mark.points(2)
def test_bce_loss_worked_example(student):
    """bce_loss: loss and da for a = [0.9, 0.2], y = [1, 0]"""
    a, y = np.array([0.9, 0.2]), np.array([1.0, 0.0])
    loss, da = student.bce_loss(a, y)
    expected_loss = -(np.log(0.9) + np.log(0.8)) / 2
    assert_close(loss, expected_loss, names="loss")
    assert_close(da, np.array([-1 / 0.9, 1 / 0.8]) / 2, names="da")


@pytest.mark.points(2)
def test_numerical_gradient_of_sum_of_squares(student):
    """numerical_gradient: the gradient of Σx² is 2x"""
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = student.numerical_gradient(lambda v: float(np.sum(v ** 2)), x)
    assert_close(grad, 2 * x, names="gradient")
