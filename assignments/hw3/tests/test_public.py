"""Public tests for hw3: shapes and small worked examples (10 points), at least one
for every function.

Run them with `grade hw3`.  They are a first check only: the hidden suite (100 points)
compares your functions with a reference on random inputs and checks your gradients
against central differences.
"""

import math

import numpy as np
import pytest
import torch

from grader.checks import assert_close, fail
from grader.i18n import bilingual

#: A two-layer network small enough to follow by hand: D = 2 inputs, H = 2 hidden units,
#: N = 3 samples (used by mlp_loss and autograd_gradients).
PARAMS = {"W1": np.array([[0.5, -1.0], [1.0, 0.5]]), "b1": np.array([0.0, 0.5]),
          "W2": np.array([[1.0], [-2.0]]), "b2": np.array([0.25])}
X = np.array([[1.0, 2.0], [-1.0, 0.0], [0.5, -0.5]])
Y = np.array([[1.0], [0.0], [1.0]])
#: Its loss and gradients, worked out with the formulas of the handout (float64).
LOSS = 0.6106150006355935
GRADS = {"W1": np.array([[-0.0554794656983658, 0.1525617235315179],
                         [-0.00176274287178451, 0.11734755997596458]]),
         "b1": np.array([-0.03601036073470406, 0.14424000356701738]),
         "W2": np.array([[-0.20561779816220446], [-0.11433003513951584]]),
         "b2": np.array([-0.26568565749960665])}


@pytest.mark.points(1)
def test_sigmoid_worked_example(student):
    """sigmoid: σ(0) = 0.5, σ(2) ≈ 0.8808, σ(-2) ≈ 0.1192

    中文：sigmoid: σ(0) = 0.5，σ(2) ≈ 0.8808，σ(-2) ≈ 0.1192
    """
    z = np.array([0.0, 2.0, -2.0])
    assert_close(student.sigmoid(z), np.array([0.5, 0.8807970779778823, 0.11920292202211755]))


@pytest.mark.points(1)
def test_affine_forward_worked_example(student):
    """affine_forward: out = xW + b on a 2×3 example, shape (N, M)

    中文：affine_forward: 2×3 算例上 out = xW + b，形状为 (N, M)
    """
    x = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 1.0]])
    W = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    b = np.array([0.5, -0.5])
    out, _ = student.affine_forward(x, W, b)
    assert_close(out, np.array([[4.5, 4.5], [1.5, -0.5]]), names="out")


@pytest.mark.points(1)
def test_affine_backward_shapes(student):
    """affine_backward: dx, dW, db have the shapes of x, W, b

    中文：affine_backward: dx、dW、db 的形状分别与 x、W、b 相同
    """
    x, W, b = np.ones((4, 3)), np.ones((3, 2)), np.zeros(2)
    _, cache = student.affine_forward(x, W, b)
    dx, dW, db = student.affine_backward(np.ones((4, 2)), cache)
    # Every entry is known here: dx = dout Wᵀ, dW = xᵀ dout, db = Σ dout over the batch.
    assert_close((dx, dW, db), (np.full((4, 3), 2.0), np.full((3, 2), 4.0), np.full(2, 4.0)),
                 names=("dx", "dW", "db"))


@pytest.mark.points(1)
def test_bce_loss_worked_example(student):
    """bce_loss: loss and da for a = [0.9, 0.2], y = [1, 0]

    中文：bce_loss: a = [0.9, 0.2]、y = [1, 0] 时的损失和 da
    """
    a, y = np.array([0.9, 0.2]), np.array([1.0, 0.0])
    loss, da = student.bce_loss(a, y)
    expected_loss = -(np.log(0.9) + np.log(0.8)) / 2
    assert_close(loss, expected_loss, names="loss")
    assert_close(da, np.array([-1 / 0.9, 1 / 0.8]) / 2, names="da")


@pytest.mark.points(1)
def test_numerical_gradient_of_sum_of_squares(student):
    """numerical_gradient: the gradient of Σx² is 2x

    中文：numerical_gradient: Σx² 的梯度是 2x
    """
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = student.numerical_gradient(lambda v: float(np.sum(v ** 2)), x)
    assert_close(grad, 2 * x, names="gradient")


@pytest.mark.points(0.5)
def test_sigmoid_forward_worked_example(student):
    """sigmoid_forward: a = σ(z) for z = [0, ln 3]: [1/2, 3/4]

    中文：sigmoid_forward: z = [0, ln 3] 时 a = σ(z) = [1/2, 3/4]
    """
    a, _ = student.sigmoid_forward(np.array([0.0, math.log(3.0)]))
    assert_close(a, np.array([0.5, 0.75]), names="a")


@pytest.mark.points(0.5)
def test_sigmoid_backward_worked_example(student):
    """sigmoid_backward: dz = da·σ(z)(1 − σ(z)) for z = [0, ln 3], da = [1, 2]: [1/4, 3/8]

    中文：sigmoid_backward: z = [0, ln 3]、da = [1, 2] 时 dz = da·σ(z)(1 − σ(z)) = [1/4, 3/8]
    """
    _, cache = student.sigmoid_forward(np.array([0.0, math.log(3.0)]))
    # σ(z) = [1/2, 3/4], so σ'(z) = [1/4, 3/16]; times da = [1, 2]
    assert_close(student.sigmoid_backward(np.array([1.0, 2.0]), cache), np.array([0.25, 0.375]),
                 names="dz")


@pytest.mark.points(1)
def test_mlp_loss_worked_example(student):
    """mlp_loss: loss and the four gradients of a 2-2-1 network on 3 samples

    中文：mlp_loss: 2-2-1 网络在 3 个样本上的损失和四个梯度
    """
    loss, grads = student.mlp_loss(PARAMS, X, Y)
    assert_close(loss, LOSS, names="loss")
    if not isinstance(grads, dict) or set(grads) != set(PARAMS):
        got = sorted(grads) if isinstance(grads, dict) else type(grads).__name__
        fail(bilingual(en=f"mlp_loss must return (loss, grads), grads a dict with the keys "
                          f"{sorted(PARAMS)}; got grads with {got}",
                       zh=f"mlp_loss 必须返回 (loss, grads)，grads 是键为 {sorted(PARAMS)} 的 dict；"
                          f"得到的 grads 是 {got}"), grads)
    for key in PARAMS:
        assert_close(grads[key], GRADS[key], names=f"grads['{key}']")


@pytest.mark.points(1)
def test_quadratic_forward_worked_example(student):
    """quadratic_forward: ŷ = w1·x² + w2·x + b for x = [0, 1, 2], w1 = 1, w2 = −1, b = 0.5

    中文：quadratic_forward: x = [0, 1, 2]、w1 = 1、w2 = −1、b = 0.5 时 ŷ = w1·x² + w2·x + b
    """
    y_hat = student.quadratic_forward(torch.tensor([0.0, 1.0, 2.0]), torch.tensor(1.0),
                                      torch.tensor(-1.0), torch.tensor(0.5))
    if not isinstance(y_hat, torch.Tensor):
        fail(bilingual(en=f"quadratic_forward must return a torch.Tensor, got {type(y_hat).__name__}",
                       zh=f"quadratic_forward 必须返回 torch.Tensor，得到的是 {type(y_hat).__name__}"),
             y_hat)
    assert_close(y_hat, torch.tensor([0.5, 0.5, 2.5]), names="ŷ")


@pytest.mark.points(1)
def test_train_quadratic_two_epochs(student):
    """train_quadratic: x = [1, 2], y = [2, 3], lr = 0.01, 2 epochs from w1 = w2 = b = 1

    中文：train_quadratic: x = [1, 2]、y = [2, 3]、lr = 0.01，从 w1 = w2 = b = 1 开始训练 2 个 epoch
    """
    w1, w2, b, losses = student.train_quadratic([1.0, 2.0], [2.0, 3.0], 0.01, 2)
    # Sample 1: ŷ = 1 + 1 + 1 = 3, loss (3 − 2)² = 1, gradient 2·(ŷ − y)·(x², x, 1) = 2 for
    # each weight: w1 = w2 = b = 1 − 0.01·2 = 0.98.  Sample 2: ŷ = 0.98·(4 + 2 + 1) = 6.86,
    # loss 3.86² = 14.8996.  losses[0] = (1 + 14.8996)/2 = 7.9498, and so on.
    for name, value in (("w1", w1), ("w2", w2), ("b", b)):
        if isinstance(value, torch.Tensor):
            fail(bilingual(en=f"{name} is a tensor: return Python floats (w.item())",
                           zh=f"{name} 是张量：请返回 Python float（w.item()）"), value)
    assert_close((w1, w2, b), (0.48857952000000004, 0.73029376, 0.85115088),
                 names=("w1", "w2", "b"))
    assert_close(losses, [7.9498, 2.462270238368], names="losses")


@pytest.mark.points(1)
def test_autograd_gradients_worked_example(student):
    """autograd_gradients: the gradients of mlp_loss's example, by autograd on the CPU

    中文：autograd_gradients: 在 CPU 上用 autograd 求 mlp_loss 算例的梯度
    """
    grads = student.autograd_gradients(PARAMS, X, Y)
    if not isinstance(grads, dict) or set(grads) != set(PARAMS):
        got = sorted(grads) if isinstance(grads, dict) else type(grads).__name__
        fail(bilingual(en=f"autograd_gradients must return a dict with the keys {sorted(PARAMS)}; "
                          f"got {got}",
                       zh=f"autograd_gradients 必须返回键为 {sorted(PARAMS)} 的 dict；得到的是 {got}"),
             grads)
    for key in PARAMS:
        if not isinstance(grads[key], np.ndarray):
            kind = type(grads[key]).__name__
            fail(bilingual(en=f"grads['{key}'] must be a NumPy array (tensor.grad.cpu().numpy()), "
                              f"got {kind}",
                           zh=f"grads['{key}'] 必须是 NumPy 数组（tensor.grad.cpu().numpy()），"
                              f"得到的是 {kind}"), grads[key])
        assert_close(grads[key], GRADS[key], names=f"grads['{key}']")
