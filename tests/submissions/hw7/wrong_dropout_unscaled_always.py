# Wrong: dropout_forward ignores train and keeps the 0/1 mask (not scaled by 1/(1 − p)); dropout_backward always multiplies by it.
"""HW7: initialization and regularization (权值初始化, 正则化). My submission."""
import math

import numpy as np
import torch


# ----- Part A: initialization -----

def xavier_uniform(fan_in, fan_out, gain=1.0, generator=None):
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    w = torch.rand(fan_out, fan_in, generator=generator)  # in [0, 1)
    return (w * 2 - 1) * a


def kaiming_normal(fan_in, fan_out, generator=None):
    std = math.sqrt(2.0 / fan_in)
    return torch.randn(fan_out, fan_in, generator=generator) * std


# ----- Part B: penalties -----

def l1_penalty(weights, lam):
    total = 0.0
    for w in weights:
        total += np.sum(np.abs(w))
    return lam * total


def l2_penalty(weights, lam):
    total = 0.0
    for w in weights:
        total += np.sum(w ** 2)
    return lam * total


def weight_decay_step(w, grad, lr, lam):
    return w - lr * (grad + lam * w)


# ----- Part C: dropout and batch norm -----

def dropout_forward(x, p, train, seed):
    rng = np.random.default_rng(seed)
    mask = rng.random(x.shape) >= p
    out = x * mask
    return out, (train, mask)


def dropout_backward(dout, cache):
    train, mask = cache
    return dout * mask


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D))
    running_var = bn_param.get("running_var", np.ones(D))

    if mode == "train":
        mu = x.mean(axis=0)
        var = x.var(axis=0)
        std = np.sqrt(var + eps)
        x_hat = (x - mu) / std
        out = gamma * x_hat + beta
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var
        bn_param["running_mean"] = running_mean
        bn_param["running_var"] = running_var
        cache = (x_hat, gamma, std)
    else:
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_hat + beta
        cache = None
    return out, cache


def batchnorm_backward(dout, cache):
    x_hat, gamma, std = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    dx = (N * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0)) / (N * std)
    return dx, dgamma, dbeta
