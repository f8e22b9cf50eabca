"""Hidden suite for hw3, backpropagation: 100 points on CPU, plus 4 on CUDA.

Every function is compared with the reference on seeded random inputs of several
shapes (N = 1 included) and, for every backward pass, against central differences of
the contract's forward pass, so that a wrong reference cannot pass unnoticed.
Backward functions get the student's own forward cache: its format is theirs.
Tolerances are grader.checks' defaults (rtol 1e-4, atol 1e-6), which admit a correct
float32 answer.
"""

import numpy as np
import pytest
import torch

from grader.checks import (assert_close, assert_unchanged, check_gradient,
                           numeric_gradient, fail)
from grader.i18n import bilingual

SHAPES = [(1, 3, 2), (4, 5, 3), (10, 2, 6)]  # (N, D, M), N = 1 first


def _affine_inputs(rng, n, d, m):
    return rng.normal(size=(n, d)), rng.normal(size=(d, m)), rng.normal(size=m), rng.normal(size=(n, m))


def _mlp_inputs(rng, n, d=3, h=4):
    params = {"W1": rng.normal(size=(d, h)), "b1": rng.normal(size=h),
              "W2": rng.normal(size=(h, 1)), "b2": rng.normal(size=1)}
    X = rng.normal(size=(n, d))
    y = (rng.random(size=(n, 1)) < 0.5).astype(np.float64)
    return params, X, y


# ---------------------------------------------------------------- sigmoid (6)

@pytest.mark.points(3)
def test_sigmoid_matches_reference(student, reference, rng):
    """sigmoid: matches the reference on random inputs of shapes (5,), (3, 4), (2, 3, 4)

    中文：sigmoid: 在形状为 (5,)、(3, 4)、(2, 3, 4) 的随机输入上与参考答案一致
    """
    for shape in [(5,), (3, 4), (2, 3, 4)]:
        z = rng.normal(scale=3.0, size=shape)
        assert_close(student.sigmoid(z), reference.sigmoid(z))


@pytest.mark.points(2)
def test_sigmoid_extreme_values(student, reference):
    """sigmoid: no NaN or inf for |z| up to 1e4

    中文：sigmoid: |z| 不超过 1e4 时没有 NaN 或 inf
    """
    z = np.array([-1e4, -1000.0, -50.0, -1e-8, 0.0, 1e-8, 50.0, 1000.0, 1e4])
    assert_close(student.sigmoid(z), reference.sigmoid(z))


@pytest.mark.points(1)
@pytest.mark.depends_on("test_sigmoid_matches_reference")
def test_sigmoid_no_overflow_warning(student):
    """sigmoid: no overflow warning for |z| up to 1e4

    中文：sigmoid: |z| 不超过 1e4 时没有溢出警告
    """
    student.sigmoid(np.array([-1e4, -1000.0, 0.0, 1000.0, 1e4]))
    raised = student.last_call.reply.warnings
    if raised:
        fail(bilingual(
            en=f"`sigmoid` raised a warning for z = ±1e4: {raised[0]}. np.exp(-z) overflows for "
               "large negative z: compute e = np.exp(-|z|) and use 1/(1+e) where z >= 0 and "
               "e/(1+e) where z < 0.",
            zh=f"`sigmoid` 在 z = ±1e4 时产生了警告：{raised[0]}。z 是很大的负数时 np.exp(-z) 会溢出："
               "先算 e = np.exp(-|z|)，在 z >= 0 处用 1/(1+e)，在 z < 0 处用 e/(1+e)。"))


# ---------------------------------------------------------------- affine_forward (6)

@pytest.mark.points(2)
def test_affine_forward_shape(student):
    """affine_forward: out has shape (N, M), for N = 1, 4, 10

    中文：affine_forward: out 的形状为 (N, M)（N = 1, 4, 10）
    """
    for n, d, m in SHAPES:
        out, _ = student.affine_forward(np.ones((n, d)), np.ones((d, m)), np.ones(m))
        assert_close(out, np.full((n, m), d + 1.0), names="out")


@pytest.mark.points(4)
def test_affine_forward_matches_reference(student, reference, rng):
    """affine_forward: out matches the reference on random inputs (N = 1, 4, 10)

    中文：affine_forward: out 在随机输入上与参考答案一致（N = 1, 4, 10）
    """
    for n, d, m in SHAPES:
        x, W, b, _ = _affine_inputs(rng, n, d, m)
        out, _ = student.affine_forward(x, W, b)
        assert_close(out, reference.affine_forward(x, W, b)[0], names="out")
        assert_unchanged(student.last_call.changed, "affine_forward")


# ---------------------------------------------------------------- affine_backward (12)

def _affine_backward_output(student, reference, rng, index):
    for n, d, m in SHAPES:
        x, W, b, dout = _affine_inputs(rng, n, d, m)
        _, cache = student.affine_forward(x, W, b)
        grads = student.affine_backward(dout, cache)
        expected = reference.affine_backward(dout, reference.affine_forward(x, W, b)[1])
        if not isinstance(grads, (tuple, list)) or len(grads) != 3:
            assert_close(grads, expected, names=("dx", "dW", "db"))
        name = ("dx", "dW", "db")[index]
        assert_close(grads[index], expected[index], names=name)


@pytest.mark.points(3)
def test_affine_backward_dx(student, reference, rng):
    """affine_backward: dx matches the reference (N = 1, 4, 10)

    中文：affine_backward: dx 与参考答案一致（N = 1, 4, 10）
    """
    _affine_backward_output(student, reference, rng, 0)


@pytest.mark.points(3)
def test_affine_backward_dW(student, reference, rng):
    """affine_backward: dW matches the reference (N = 1, 4, 10)

    中文：affine_backward: dW 与参考答案一致（N = 1, 4, 10）
    """
    _affine_backward_output(student, reference, rng, 1)


@pytest.mark.points(3)
def test_affine_backward_db(student, reference, rng):
    """affine_backward: db matches the reference, summed over the batch (N = 1, 4, 10)

    中文：affine_backward: db 与参考答案一致，即对整个批次求和（N = 1, 4, 10）
    """
    _affine_backward_output(student, reference, rng, 2)


@pytest.mark.points(3)
def test_affine_backward_central_differences(student, reference, rng):
    """affine_backward: dx, dW, db match central differences of Σ out·dout

    中文：affine_backward: dx、dW、db 与 Σ out·dout 的中心差分一致
    """
    x, W, b, dout = _affine_inputs(rng, 3, 4, 2)
    _, cache = student.affine_forward(x, W, b)
    dx, dW, db = student.affine_backward(dout, cache)
    fwd = reference.affine_forward
    check_gradient(lambda v: np.sum(fwd(v, W, b)[0] * dout), x, dx, name="dx")
    check_gradient(lambda v: np.sum(fwd(x, v, b)[0] * dout), W, dW, name="dW")
    check_gradient(lambda v: np.sum(fwd(x, W, v)[0] * dout), b, db, name="db")


# ---------------------------------------------------------------- sigmoid layer (10)

@pytest.mark.points(3)
def test_sigmoid_forward_matches_reference(student, reference, rng):
    """sigmoid_forward: a = σ(z) matches the reference (shapes (1, 3), (4, 5))

    中文：sigmoid_forward: a = σ(z) 与参考答案一致（形状 (1, 3)、(4, 5)）
    """
    for shape in [(1, 3), (4, 5)]:
        z = rng.normal(scale=2.0, size=shape)
        a, _ = student.sigmoid_forward(z)
        assert_close(a, reference.sigmoid_forward(z)[0], names="a")


@pytest.mark.points(4)
def test_sigmoid_backward_matches_reference(student, reference, rng):
    """sigmoid_backward: dz = da·σ(z)(1 − σ(z)) matches the reference, from your own cache

    中文：sigmoid_backward: 用你自己的 cache 算出的 dz = da·σ(z)(1 − σ(z)) 与参考答案一致
    """
    for shape in [(1, 3), (4, 5)]:
        z, da = rng.normal(scale=2.0, size=shape), rng.normal(size=shape)
        _, cache = student.sigmoid_forward(z)
        dz = student.sigmoid_backward(da, cache)
        assert_close(dz, reference.sigmoid_backward(da, reference.sigmoid_forward(z)[1]), names="dz")


@pytest.mark.points(3)
def test_sigmoid_backward_central_differences(student, reference, rng):
    """sigmoid_backward: dz matches central differences of Σ σ(z)·da

    中文：sigmoid_backward: dz 与 Σ σ(z)·da 的中心差分一致
    """
    z, da = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    _, cache = student.sigmoid_forward(z)
    dz = student.sigmoid_backward(da, cache)
    check_gradient(lambda v: np.sum(reference.sigmoid(v) * da), z, dz, name="dz")


# ---------------------------------------------------------------- bce_loss (12)

def _bce_inputs(rng, shape):
    return rng.uniform(0.05, 0.95, size=shape), (rng.random(size=shape) < 0.5).astype(np.float64)


def _bce_output(student, reference, rng, index):
    for shape in [(1, 1), (6, 1), (5,)]:
        a, y = _bce_inputs(rng, shape)
        got, expected = student.bce_loss(a, y), reference.bce_loss(a, y)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            assert_close(got, expected, names=("loss", "da"))
        assert_close(got[index], expected[index], names=("loss", "da")[index])


@pytest.mark.points(4)
def test_bce_loss_value(student, reference, rng):
    """bce_loss: the loss, a mean over all entries, matches the reference ((1, 1), (6, 1), (5,))

    中文：bce_loss: 损失（对所有元素取平均）与参考答案一致（(1, 1)、(6, 1)、(5,)）
    """
    _bce_output(student, reference, rng, 0)


@pytest.mark.points(4)
def test_bce_loss_gradient(student, reference, rng):
    """bce_loss: da matches the reference and has the shape of a ((1, 1), (6, 1), (5,))

    中文：bce_loss: da 与参考答案一致，形状与 a 相同（(1, 1)、(6, 1)、(5,)）
    """
    _bce_output(student, reference, rng, 1)


@pytest.mark.points(2)
def test_bce_loss_single_class_labels(student, reference, rng):
    """bce_loss: loss and da when the labels are all 0 or all 1

    中文：bce_loss: 标签全为 0 或全为 1 时的损失和 da
    """
    a = rng.uniform(0.05, 0.95, size=(5, 1))
    for y in (np.zeros((5, 1)), np.ones((5, 1))):
        assert_close(student.bce_loss(a, y), reference.bce_loss(a, y), names=("loss", "da"))


@pytest.mark.points(2)
def test_bce_loss_central_differences(student, reference, rng):
    """bce_loss: da matches central differences of the loss

    中文：bce_loss: da 与损失的中心差分一致
    """
    a, y = _bce_inputs(rng, (4, 1))
    _, da = student.bce_loss(a, y)
    check_gradient(lambda v: reference.bce_loss(v, y)[0], a, da, name="da")


# ---------------------------------------------------------------- mlp_loss (20)

@pytest.mark.points(4)
def test_mlp_loss_value(student, reference, rng):
    """mlp_loss: the loss matches the reference (N = 1, 5, 12)

    中文：mlp_loss: 损失与参考答案一致（N = 1, 5, 12）
    """
    for n in (1, 5, 12):
        params, X, y = _mlp_inputs(rng, n)
        loss, _ = student.mlp_loss(params, X, y)
        assert_close(loss, reference.mlp_loss(params, X, y)[0], names="loss")


def _mlp_grads(student, reference, rng, keys):
    for n in (1, 5, 12):
        params, X, y = _mlp_inputs(rng, n)
        _, grads = student.mlp_loss(params, X, y)
        _, expected = reference.mlp_loss(params, X, y)
        if not isinstance(grads, dict) or not set(keys) <= set(grads):
            assert_close(grads, expected, names="grads")  # says which key is missing
        assert_close({k: grads[k] for k in keys}, {k: expected[k] for k in keys}, names="grads")


@pytest.mark.points(4)
def test_mlp_loss_output_layer_gradients(student, reference, rng):
    """mlp_loss: grads['W2'] and grads['b2'] match the reference (N = 1, 5, 12)

    中文：mlp_loss: grads['W2'] 和 grads['b2'] 与参考答案一致（N = 1, 5, 12）
    """
    _mlp_grads(student, reference, rng, ["W2", "b2"])


@pytest.mark.points(4)
def test_mlp_loss_hidden_layer_gradients(student, reference, rng):
    """mlp_loss: grads['W1'] and grads['b1'] match the reference (N = 1, 5, 12)

    中文：mlp_loss: grads['W1'] 和 grads['b1'] 与参考答案一致（N = 1, 5, 12）
    """
    _mlp_grads(student, reference, rng, ["W1", "b1"])


@pytest.mark.points(4)
def test_mlp_loss_central_differences(student, reference, rng):
    """mlp_loss: every gradient matches central differences of the loss

    中文：mlp_loss: 每个梯度都与损失的中心差分一致
    """
    # The loss differentiated is the contract's (the reference's, in float64): the
    # student's own loss may be float32, too coarse for central differences.
    params, X, y = _mlp_inputs(rng, 5)
    _, grads = student.mlp_loss(params, X, y)
    assert_close(grads, params, rtol=0, atol=np.inf, names="grads")  # keys and shapes
    for key in params:
        def loss_at(value, key=key):
            return reference.mlp_loss({**params, key: value}, X, y)[0]
        check_gradient(loss_at, params[key], grads[key], name=f"grads[{key!r}]")


@pytest.mark.points(4)
def test_mlp_loss_matches_torch_autograd(student, rng):
    """mlp_loss: every gradient matches torch autograd on the same network

    中文：mlp_loss: 每个梯度都与 torch autograd 在同一网络上算出的一致
    """
    params, X, y = _mlp_inputs(rng, 6)
    _, grads = student.mlp_loss(params, X, y)
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    h = torch.sigmoid(torch.tensor(X) @ t["W1"] + t["b1"])
    a = torch.sigmoid(h @ t["W2"] + t["b2"])
    yt = torch.tensor(y)
    loss = -(yt * torch.log(a) + (1 - yt) * torch.log(1 - a)).mean()
    loss.backward()
    assert_close(grads, {k: v.grad.numpy() for k, v in t.items()}, names="grads")


# ---------------------------------------------------------------- numerical_gradient (10)

def _functions(reference, rng):
    A = rng.normal(size=(3, 3))
    params, X, y = _mlp_inputs(rng, 4)
    return [
        ("x ↦ Σ sin(x)·x", rng.normal(size=(4,)), lambda v: float(np.sum(np.sin(v) * v))),
        ("x ↦ Σ (A x)²", rng.normal(size=(3,)), lambda v: float(np.sum((A @ v) ** 2))),
        (bilingual(en="W1 ↦ mlp_loss's loss", zh="W1 ↦ mlp_loss 的损失"), params["W1"].copy(),
         lambda v: reference.mlp_loss({**params, "W1": v}, X, y)[0]),
    ]


@pytest.mark.points(4)
def test_numerical_gradient_values(student, reference, rng):
    """numerical_gradient: matches central differences on three functions (1-D and 2-D x)

    中文：numerical_gradient: 在三个函数上与中心差分一致（一维和二维的 x）
    """
    # rtol 1e-3: the values of a correct implementation agree to ~1e-9; a wrong formula
    # (a missing 2 in 2h, the wrong sign) is off by O(1).  Forward differences, whose
    # error is O(h), are caught by test_numerical_gradient_uses_h instead.
    for label, x, f in _functions(reference, rng):
        grad = student.numerical_gradient(f, x)
        assert_close(grad, numeric_gradient(f, x, h=1e-5), rtol=1e-3, atol=1e-7,
                     names=bilingual(en=f"gradient of {label}", zh=f"{label} 的梯度"))


@pytest.mark.points(2)
def test_numerical_gradient_uses_h(student):
    """numerical_gradient: uses the step h it is given (h = 0.1 on Σx³)

    中文：numerical_gradient: 使用给定的步长 h（在 Σx³ 上取 h = 0.1）
    """
    x = np.array([1.0, -2.0, 0.5])
    grad = student.numerical_gradient(lambda v: float(np.sum(v ** 3)), x, h=0.1)
    # central differences of x³ with step h give exactly 3x² + h²
    assert_close(grad, 3 * x ** 2 + 0.01, rtol=1e-6, atol=1e-9, names="gradient")


@pytest.mark.points(2)
@pytest.mark.depends_on("test_numerical_gradient_values")
def test_numerical_gradient_leaves_x_unchanged(student, rng):
    """numerical_gradient: x is left as it was found

    中文：numerical_gradient: x 保持原样，没有被修改
    """
    x = rng.normal(size=(3, 2))
    student.numerical_gradient(lambda v: float(np.sum(v ** 2)), x)
    assert_unchanged(student.last_call.changed, "numerical_gradient", bilingual(
        en="Restore x[i] after computing f(x + h·eᵢ) and f(x − h·eᵢ), or work on a copy.",
        zh="算完 f(x + h·eᵢ) 和 f(x − h·eᵢ) 后把 x[i] 恢复原值，或者在副本上计算。"))


@pytest.mark.points(2)
def test_numerical_gradient_shape(student, rng):
    """numerical_gradient: the gradient has the shape of x, for 1-, 2- and 3-D x

    中文：numerical_gradient: 梯度的形状与 x 相同（x 为一维、二维和三维）
    """
    for shape in [(5,), (2, 3), (2, 2, 2)]:
        x = rng.normal(size=shape)
        grad = student.numerical_gradient(lambda v: float(np.sum(v)), x)
        assert_close(grad, np.ones(shape), rtol=1e-5, atol=1e-6, names="gradient")


# ---------------------------------------------------------------- quadratic_forward (6)

@pytest.mark.points(4)
def test_quadratic_forward_values(student, reference, rng):
    """quadratic_forward: ŷ = w1·x² + w2·x + b for tensor weights

    中文：quadratic_forward: 权重为张量时 ŷ = w1·x² + w2·x + b
    """
    x = torch.tensor(rng.normal(size=5))
    w1, w2, b = (torch.tensor([v]) for v in rng.normal(size=3))
    assert_close(student.quadratic_forward(x, w1, w2, b), reference.quadratic_forward(x, w1, w2, b),
                 names="ŷ")


@pytest.mark.points(2)
def test_quadratic_forward_scalar_input(student, reference):
    """quadratic_forward: works on one sample x given as a Python float

    中文：quadratic_forward: 单个样本 x 以 Python float 给出时也能计算
    """
    w1, w2, b = torch.tensor([2.0], dtype=torch.float64), torch.tensor([-1.0], dtype=torch.float64), \
        torch.tensor([0.5], dtype=torch.float64)
    assert_close(student.quadratic_forward(3.0, w1, w2, b), reference.quadratic_forward(3.0, w1, w2, b),
                 names="ŷ")


# ---------------------------------------------------------------- train_quadratic (12)

LECTURE = dict(x=[1.0, 2.0, 3.0], y=[2.0, 4.0, 6.0], lr=0.01, epochs=50)


def _train(fn, **kw):
    return fn(kw["x"], kw["y"], kw["lr"], kw["epochs"], **{k: v for k, v in kw.items()
                                                       if k in ("w1", "w2", "b")})


@pytest.mark.points(4)
def test_train_quadratic_parameters(student, reference):
    """train_quadratic: w1, w2, b after 50 epochs on the lecture's data match the reference

    中文：train_quadratic: 在课上的数据上训练 50 个 epoch 后，w1、w2、b 与参考答案一致
    """
    got = student.train_quadratic(LECTURE["x"], LECTURE["y"], LECTURE["lr"], LECTURE["epochs"])
    expected = reference.train_quadratic(LECTURE["x"], LECTURE["y"], LECTURE["lr"], LECTURE["epochs"])
    if not isinstance(got, (tuple, list)) or len(got) != 4:
        assert_close(got, expected, names=("w1", "w2", "b", "losses"))
    assert_close(got[:3], expected[:3], names=("w1", "w2", "b"))


@pytest.mark.points(4)
def test_train_quadratic_loss_history(student, reference):
    """train_quadratic: the loss of every epoch matches the reference's trajectory

    中文：train_quadratic: 每个 epoch 的损失都与参考答案的轨迹一致
    """
    got = student.train_quadratic(LECTURE["x"], LECTURE["y"], LECTURE["lr"], LECTURE["epochs"])
    expected = reference.train_quadratic(LECTURE["x"], LECTURE["y"], LECTURE["lr"], LECTURE["epochs"])
    if not isinstance(got, (tuple, list)) or len(got) != 4:
        assert_close(got, expected, names=("w1", "w2", "b", "losses"))
    assert_close(got[3], expected[3], names="losses")


@pytest.mark.points(2)
def test_train_quadratic_returns_floats(student):
    """train_quadratic: returns Python floats w1, w2, b and one loss per epoch

    中文：train_quadratic: 返回 Python float 类型的 w1、w2、b，以及每个 epoch 一个损失
    """
    got = student.train_quadratic([1.0, 2.0], [3.0, 5.0], 0.01, 7)
    if not isinstance(got, (tuple, list)) or len(got) != 4:
        fail(bilingual(en=f"train_quadratic must return (w1, w2, b, losses), got {got!r:.200}",
                       zh=f"train_quadratic 必须返回 (w1, w2, b, losses)，得到的是 {got!r:.200}"), got)
    for name, value in zip(("w1", "w2", "b"), got[:3]):
        if not isinstance(value, float):
            fail(bilingual(
                en=f"{name} must be a Python float (use .item()), got {type(value).__name__}",
                zh=f"{name} 必须是 Python float（用 .item()），得到的是 {type(value).__name__}"), got)
    losses = got[3]
    if not isinstance(losses, (list, tuple, np.ndarray)) or len(losses) != 7:
        fail(bilingual(en=f"losses must hold one value per epoch (7), got {losses!r:.200}",
                       zh=f"losses 必须每个 epoch 一个值（共 7 个），得到的是 {losses!r:.200}"), got)


@pytest.mark.points(2)
def test_train_quadratic_noisy_data_with_start_values(student, reference, rng):
    """train_quadratic: matches the reference on noisy data with given start values

    中文：train_quadratic: 在带噪声的数据和给定的初始值上与参考答案一致
    """
    x = list(rng.uniform(-1.5, 1.5, size=8))
    y = [0.7 * v * v - 1.2 * v + 0.4 + 0.1 * e for v, e in zip(x, rng.normal(size=8))]
    kw = dict(w1=0.3, w2=-0.5, b=2.0)
    got = student.train_quadratic(x, y, 0.05, 12, **kw)
    expected = reference.train_quadratic(x, y, 0.05, 12, **kw)
    assert_close(got, expected, names=("w1", "w2", "b", "losses"))


# ---------------------------------------------------------------- autograd_gradients (6 + 4 on GPU)

@pytest.mark.points(4)
def test_autograd_gradients_match_reference(student, reference, rng, device):
    """autograd_gradients: gradients on the device match mlp_loss's reference gradients

    中文：autograd_gradients: 在该设备上求出的梯度与 mlp_loss 参考答案的梯度一致
    """
    params, X, y = _mlp_inputs(rng, 7)
    grads = student.autograd_gradients(params, X, y, device=device)
    assert_close(grads, reference.mlp_loss(params, X, y)[1], names="grads")


@pytest.mark.points(2)
def test_autograd_gradients_types(student, reference, rng):
    """autograd_gradients: returns float64 NumPy arrays with the keys and shapes of params, and the right values

    中文：autograd_gradients: 返回 float64 的 NumPy 数组，键和形状与 params 相同，值也正确
    """
    params, X, y = _mlp_inputs(rng, 3)
    grads = student.autograd_gradients(params, X, y)
    if not isinstance(grads, dict):
        fail(bilingual(en=f"autograd_gradients must return a dict, got {type(grads).__name__}",
                       zh=f"autograd_gradients 必须返回 dict，得到的是 {type(grads).__name__}"),
             grads)
    for key, value in grads.items():
        if not isinstance(value, np.ndarray):
            fail(bilingual(
                en=f"grads[{key!r}] must be a NumPy array (use .detach().cpu().numpy()), got "
                   f"{type(value).__name__}",
                zh=f"grads[{key!r}] 必须是 NumPy 数组（用 .detach().cpu().numpy()），得到的是 "
                   f"{type(value).__name__}"), grads)
    expected = {k: np.asarray(v, dtype=np.float64) for k, v in reference.mlp_loss(params, X, y)[1].items()}
    assert_close(grads, expected, check_dtype=True, names="grads")
