# Does not compile: a missing colon after the for statement in numerical_gradient.
"""hw3 — backpropagation (反向传播): my submission.

Part A builds a two-layer sigmoid network for binary classification out of NumPy
layers in the (out, cache) convention: every ``*_forward`` returns its output and a
cache, and the matching ``*_backward`` takes the upstream gradient and that cache and
returns the gradients of the layer's inputs (Hung-yi Lee's lecture: backpropagation is
a forward pass followed by a backward pass, the chain rule applied node by node).

Part B does the same with torch autograd: the quadratic model of Liu Er's
"PyTorch 深度学习实践" lecture 4 trained by per-sample SGD, and the network of part A
differentiated by ``backward()`` on a chosen device.

Everything in part A is float64. Cache formats (private to this module):
- ``affine_forward``: the tuple ``(x, W, b)``;
- ``sigmoid_forward``: the output ``a`` = σ(z) (its derivative is a(1 − a)).
"""
import numpy as np
import torch


# ---------------------------------------------------------------------------
# Part A — NumPy layers
# ---------------------------------------------------------------------------

def sigmoid(z):
    """The logistic function σ(z) = 1 / (1 + e^(−z)), elementwise.

    Numerically stable: e^(−|z|) never overflows, and the two algebraically equal
    forms 1/(1 + e^(−z)) (for z ≥ 0) and e^z/(1 + e^z) (for z < 0) are chosen by sign,
    so that z = ±1e4 gives 1.0 and 0.0 with no warning and no NaN.

    Args:
        z: array-like of any shape.
    Returns:
        float64 ndarray of the shape of z, values in [0, 1].
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))  # in (0, 1]: no overflow
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def affine_forward(x, W, b):
    """Fully connected layer: out = x W + b.

    Args:
        x: (N, D) inputs.
        W: (D, M) weights.
        b: (M,) biases.
    Returns:
        (out, cache): out (N, M); cache (x, W, b) for ``affine_backward``.
    """
    x = np.asarray(x, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    out = x @ W + b
    return out, (x, W, b)


def affine_backward(dout, cache):
    """Backward pass of ``affine_forward``.

    With out = x W + b: dx = dout Wᵀ, dW = xᵀ dout, db = Σₙ dout[n] (the bias is
    broadcast over the batch, so its gradient is summed over it).

    Args:
        dout: (N, M) upstream gradient ∂L/∂out.
        cache: the cache returned by ``affine_forward``.
    Returns:
        (dx, dW, db) with shapes (N, D), (D, M), (M,).
    """
    x, W, _ = cache
    dout = np.asarray(dout, dtype=np.float64)
    dx = dout @ W.T
    dW = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dW, db


def sigmoid_forward(z):
    """Sigmoid activation layer (激活函数).

    Args:
        z: array of any shape.
    Returns:
        (a, cache): a = σ(z), same shape as z; cache is a itself.
    """
    a = sigmoid(z)
    return a, a


def sigmoid_backward(da, cache):
    """Backward pass of ``sigmoid_forward``: dz = da · σ(z)(1 − σ(z)) = da · a(1 − a).

    Args:
        da: upstream gradient ∂L/∂a, shape of a.
        cache: the cache returned by ``sigmoid_forward`` (the output a).
    Returns:
        dz, shape of a.
    """
    a = cache
    return np.asarray(da, dtype=np.float64) * a * (1.0 - a)


def bce_loss(a, y):
    """Binary cross entropy (交叉熵), averaged over all entries.

    loss = −(1/N) Σ [y log a + (1 − y) log(1 − a)], N = a.size;
    da = ∂loss/∂a = −(y/a − (1 − y)/(1 − a)) / N = (a − y) / (a(1 − a) N).

    Args:
        a: predicted probabilities in (0, 1), any shape.
        y: targets in [0, 1], the shape of a.
    Returns:
        (loss, da): loss a Python float, da the shape of a.
    """
    a = np.asarray(a, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = a.size
    loss = -np.sum(y * np.log(a) + (1.0 - y) * np.log(1.0 - a)) / n
    da = -(y / a - (1.0 - y) / (1.0 - a)) / n
    return float(loss), da


def mlp_loss(params, X, y):
    """Loss and gradients of a two-layer sigmoid network, by backpropagation.

    Forward:  h = σ(X W1 + b1);  a = σ(h W2 + b2);  loss = bce_loss(a, y).
    Backward: the layers' backward functions in reverse order (chain rule, 链式法则).

    Args:
        params: dict with W1 (D, H), b1 (H,), W2 (H, 1), b2 (1,).
        X: (N, D) inputs.
        y: (N, 1) targets in {0, 1} (an (N,) vector is read as a column).
    Returns:
        (loss, grads): loss a Python float; grads a dict with the keys of params and
        arrays of their shapes.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(-1, 1)

    z1, affine1 = affine_forward(X, params["W1"], params["b1"])
    h, sig1 = sigmoid_forward(z1)
    z2, affine2 = affine_forward(h, params["W2"], params["b2"])
    a, sig2 = sigmoid_forward(z2)
    loss, da = bce_loss(a, y)

    dz2 = sigmoid_backward(da, sig2)
    dh, dW2, db2 = affine_backward(dz2, affine2)
    dz1 = sigmoid_backward(dh, sig1)
    _, dW1, db1 = affine_backward(dz1, affine1)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def numerical_gradient(f, x, h=1e-5):
    """Numerical gradient (数值梯度) of a scalar function by central differences.

    grad[i] = (f(x + h eᵢ) − f(x − h eᵢ)) / 2h for every index i of x.

    x is perturbed in place, one entry at a time, so that f may either use its
    argument or close over the array x itself (CS231n's style); every entry is put
    back to its exact original value, also when f raises.

    Args:
        f: callable taking x and returning a scalar.
        x: float64 ndarray, any shape.
        h: step.
    Returns:
        float64 ndarray of the shape of x.
    """
    grad = np.zeros(x.shape, dtype=np.float64)
    for ix in np.ndindex(x.shape)
        old = x[ix]
        try:
            x[ix] = old + h
            f_plus = float(f(x))
            x[ix] = old - h
            f_minus = float(f(x))
        finally:
            x[ix] = old
        grad[ix] = (f_plus - f_minus) / (2.0 * h)
    return grad


# ---------------------------------------------------------------------------
# Part B — torch autograd (自动求导)
# ---------------------------------------------------------------------------

def quadratic_forward(x, w1, w2, b):
    """The quadratic model ŷ = w1·x² + w2·x + b.

    Args:
        x: a number or tensor.
        w1, w2, b: tensors (or numbers) broadcastable with x.
    Returns:
        Tensor ŷ, part of the computational graph (计算图) when the weights require grad.
    """
    return w1 * x ** 2 + w2 * x + b


def train_quadratic(x, y, lr, epochs, w1=1.0, w2=1.0, b=1.0):
    """Fit ŷ = w1·x² + w2·x + b by per-sample SGD (随机梯度下降) with autograd.

    Liu Er's lecture 4 loop: for each epoch and each sample in the given order,
    l = (ŷ − y)², ``l.backward()``, then under ``torch.no_grad()`` w ← w − lr·∂l/∂w
    for w1, w2, b, and the gradients are zeroed.

    Args:
        x, y: 1-D sequences of floats of equal length.
        lr: learning rate (学习率).
        epochs: number of passes over the data.
        w1, w2, b: initial values.
    Returns:
        (w1, w2, b, losses): the final weights as Python floats, and losses a list of
        ``epochs`` floats, losses[k] the mean over epoch k of the per-sample losses
        computed before each sample's update.
    """
    w1 = torch.tensor([w1], dtype=torch.float64, requires_grad=True)
    w2 = torch.tensor([w2], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([b], dtype=torch.float64, requires_grad=True)
    xs = [float(v) for v in x]
    ys = [float(v) for v in y]

    losses = []
    for _ in range(epochs):
        epoch_losses = []
        for x_val, y_val in zip(xs, ys):
            l = (quadratic_forward(x_val, w1, w2, b) - y_val) ** 2
            l.backward()
            epoch_losses.append(l.item())
            with torch.no_grad():
                w1 -= lr * w1.grad
                w2 -= lr * w2.grad
                b -= lr * b.grad
            w1.grad.zero_()
            w2.grad.zero_()
            b.grad.zero_()
        losses.append(sum(epoch_losses) / len(epoch_losses))
    return w1.item(), w2.item(), b.item(), losses


def autograd_gradients(params, X, y, device="cpu"):
    """Gradients of ``mlp_loss``'s loss by torch autograd, computed on ``device``.

    Same network and loss as ``mlp_loss``: h = σ(X W1 + b1), a = σ(h W2 + b2),
    loss = −mean[y log a + (1 − y) log(1 − a)], all in float64.

    Args:
        params: dict of float64 arrays W1 (D, H), b1 (H,), W2 (H, 1), b2 (1,).
        X: (N, D) float64 inputs.
        y: (N, 1) float64 targets (an (N,) vector is read as a column).
        device: a torch device string, "cpu" or "cuda".
    Returns:
        dict with the keys of params: float64 NumPy arrays of their shapes.
    """
    t = {k: torch.tensor(np.asarray(v, dtype=np.float64), dtype=torch.float64,
                         device=device, requires_grad=True)
         for k, v in params.items()}
    Xt = torch.tensor(np.asarray(X, dtype=np.float64), dtype=torch.float64, device=device)
    yt = torch.tensor(np.asarray(y, dtype=np.float64).reshape(-1, 1),
                      dtype=torch.float64, device=device)

    h = torch.sigmoid(Xt @ t["W1"] + t["b1"])
    a = torch.sigmoid(h @ t["W2"] + t["b2"])
    loss = -(yt * torch.log(a) + (1.0 - yt) * torch.log(1.0 - a)).mean()
    loss.backward()
    return {k: v.grad.detach().cpu().numpy().astype(np.float64) for k, v in t.items()}
