"""hw7 — initialization and regularization (权值初始化, 正则化): your submission file.

Fill in every function below; the handout is assignments/hw7/README.md.

Part A draws a layer's first weights (Xavier/Glorot and Kaiming/He) as torch tensors.
Part B writes the weight penalties (L1, L2) and one step of weight decay (权重衰减).
Part C writes dropout and batch normalization (批归一化) as NumPy layers in the
(out, cache) convention of hw3: each ``*_forward`` returns its output and a cache of
whatever its backward pass will need, and the matching ``*_backward`` takes the
upstream gradient and that cache. The cache format is yours to choose: the grader
always hands your backward functions your own caches.

Run ``grade hw7`` from anywhere in the repository to check your work.
"""
import numpy as np
import torch


# ---------------------------------------------------------------------------
# Part A — weight initialization (权值初始化), torch
# ---------------------------------------------------------------------------

def xavier_uniform(fan_in, fan_out, gain=1.0, generator=None):
    """Xavier/Glorot uniform initialization.

    W ~ U(−a, a) with a = gain·sqrt(6 / (fan_in + fan_out)), so Var(W) = a²/3.

    Args:
        fan_in: number of inputs of the layer (int).
        fan_out: number of outputs of the layer (int).
        gain: scale factor of the bound (1 by default; 5/3 for tanh).
        generator: a torch.Generator to draw from; None means torch's global generator.
    Returns:
        float32 tensor of shape (fan_out, fan_in) (the layout of nn.Linear's weight).
    """
    # TODO: compute a; draw a (fan_out, fan_in) tensor uniformly on [−a, a] FROM THE
    #       GIVEN GENERATOR, e.g. (2 * torch.rand(..., generator=generator) - 1) * a,
    #       or torch.empty(...).uniform_(-a, a, generator=generator).
    raise NotImplementedError("TODO: xavier_uniform")


def kaiming_normal(fan_in, fan_out, generator=None):
    """Kaiming/He normal initialization, for layers followed by a ReLU.

    W ~ N(0, 2/fan_in): mean 0, variance 2/fan_in, standard deviation sqrt(2/fan_in).

    Args:
        fan_in: number of inputs of the layer (int).
        fan_out: number of outputs of the layer (int).
        generator: a torch.Generator to draw from; None means torch's global generator.
    Returns:
        float32 tensor of shape (fan_out, fan_in).
    """
    # TODO: draw a (fan_out, fan_in) standard normal tensor from the given generator
    #       (torch.randn(..., generator=generator)) and scale it by the standard deviation.
    raise NotImplementedError("TODO: kaiming_normal")


# ---------------------------------------------------------------------------
# Part B — penalties and weight decay (正则化, 权重衰减), NumPy
# ---------------------------------------------------------------------------

def l1_penalty(weights, lam):
    """L1 penalty: lam·Σ|w| over every entry of every array in ``weights``.

    Args:
        weights: a list of arrays of any shapes (e.g. [W1, b1, W2]).
        lam: regularization strength λ ≥ 0.
    Returns:
        float.
    """
    # TODO: sum |w| over each array, add the sums up, multiply by lam.
    raise NotImplementedError("TODO: l1_penalty")


def l2_penalty(weights, lam):
    """L2 penalty: lam·Σw² over every entry of every array in ``weights`` (no 1/2).

    Args:
        weights: a list of arrays of any shapes.
        lam: regularization strength λ ≥ 0.
    Returns:
        float.
    """
    # TODO: sum w² over each array, add the sums up, multiply by lam.
    raise NotImplementedError("TODO: l2_penalty")


def weight_decay_step(w, grad, lr, lam):
    """One gradient descent step with weight decay: w − lr·(grad + lam·w).

    Args:
        w: weights, ndarray of any shape.
        grad: gradient of the data loss with respect to w, the shape of w.
        lr: learning rate (学习率).
        lam: weight decay coefficient.
    Returns:
        the new weights, a new ndarray of the shape of w (do not modify w in place).
    """
    # TODO: return w - lr * (grad + lam * w) as a new array.
    raise NotImplementedError("TODO: weight_decay_step")


# ---------------------------------------------------------------------------
# Part C — dropout and batch normalization (批归一化), NumPy layers
# ---------------------------------------------------------------------------

def dropout_forward(x, p, train, seed):
    """Inverted dropout.

    In training: mask = (np.random.default_rng(seed).random(x.shape) >= p) / (1 − p)
    and out = x·mask (each entry is dropped with probability p, the kept ones are
    scaled by 1/(1 − p)). In eval mode (train False): out = x.

    Args:
        x: array of any shape.
        p: probability of DROPPING an entry, 0 ≤ p < 1.
        train: True in training, False in evaluation.
        seed: int seed of the mask's random generator.
    Returns:
        (out, cache): out the shape of x; cache, anything dropout_backward needs.
    """
    # TODO: in train mode draw the mask exactly as above and return x * mask (a new
    #       array: do not modify x); in eval mode return x as it is. Keep what the
    #       backward pass needs (the mask, the mode) in the cache.
    raise NotImplementedError("TODO: dropout_forward")


def dropout_backward(dout, cache):
    """Backward pass of dropout_forward.

    Args:
        dout: upstream gradient, the shape of x.
        cache: the cache your dropout_forward returned.
    Returns:
        dx, the shape of dout: dout·mask in train mode, dout in eval mode.
    """
    # TODO: out = x·mask is linear in x, so dx = dout * mask (dout in eval mode).
    raise NotImplementedError("TODO: dropout_backward")


def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch normalization (批归一化) of a layer's activations, feature by feature.

    Train mode: μ and σ² are the mean and the BIASED variance (divide by N) of each
    column of x; x̂ = (x − μ)/sqrt(σ² + eps); out = γ·x̂ + β; and bn_param is updated:
        bn_param["running_mean"] = momentum·running_mean + (1 − momentum)·μ
        bn_param["running_var"]  = momentum·running_var  + (1 − momentum)·σ²
    Test mode: x̂ = (x − running_mean)/sqrt(running_var + eps); out = γ·x̂ + β; bn_param
    is not changed.

    Args:
        x: (N, D) activations.
        gamma: (D,) scale γ.
        beta: (D,) shift β.
        bn_param: dict with
            "mode": "train" or "test" (always present);
            "eps": default 1e-5;
            "momentum": default 0.9;
            "running_mean": default np.zeros(D);
            "running_var": default np.ones(D).
    Returns:
        (out, cache): out (N, D); cache, anything batchnorm_backward needs (train mode).
    """
    # TODO: read the mode, eps, momentum and the running statistics (with their
    #       defaults: bn_param.get(...)); compute out for the mode; in train mode store
    #       the updated running statistics back INTO bn_param (the caller reads them
    #       there); keep in the cache what the backward pass needs (x̂, γ, σ², eps, ...).
    raise NotImplementedError("TODO: batchnorm_forward")


def batchnorm_backward(dout, cache):
    """Backward pass of batchnorm_forward (train mode).

    Args:
        dout: (N, D) upstream gradient.
        cache: the cache your batchnorm_forward returned in train mode.
    Returns:
        (dx, dgamma, dbeta) with shapes (N, D), (D,), (D,).
    """
    # TODO: dbeta = Σ dout and dgamma = Σ dout·x̂ over the batch (axis 0); for dx,
    #       remember that μ and σ² depend on every x of the column (see the handout).
    raise NotImplementedError("TODO: batchnorm_backward")
