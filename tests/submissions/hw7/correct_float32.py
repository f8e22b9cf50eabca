# Correct, computed in float32 throughout (the NumPy layers cast to float32 and return float32 arrays; the penalties return np.float32 sums); the initializers scale torch.rand / torch.randn from the generator.
"""HW7 初始化与正则化. float32 everywhere, like a real network."""
import math

import numpy as np
import torch

F = np.float32


def xavier_uniform(fan_in, fan_out, gain=1.0, generator=None):
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return torch.rand((fan_out, fan_in), generator=generator) * (2 * a) - a


def kaiming_normal(fan_in, fan_out, generator=None):
    return math.sqrt(2.0 / fan_in) * torch.randn((fan_out, fan_in), generator=generator)


def l1_penalty(weights, lam):
    return F(lam) * sum(np.abs(np.asarray(w, dtype=F)).sum() for w in weights)


def l2_penalty(weights, lam):
    return F(lam) * sum(np.square(np.asarray(w, dtype=F)).sum() for w in weights)


def weight_decay_step(w, grad, lr, lam):
    w, grad = np.asarray(w, dtype=F), np.asarray(grad, dtype=F)
    return w - F(lr) * (grad + F(lam) * w)


def dropout_forward(x, p, train, seed):
    x = np.asarray(x, dtype=F)
    if not train:
        return x.copy(), None
    mask = ((np.random.default_rng(seed).random(x.shape) >= p) / (1 - p)).astype(F)
    return x * mask, mask


def dropout_backward(dout, cache):
    dout = np.asarray(dout, dtype=F)
    return dout if cache is None else dout * cache


def batchnorm_forward(x, gamma, beta, bn_param):
    x = np.asarray(x, dtype=F)
    gamma, beta = np.asarray(gamma, dtype=F), np.asarray(beta, dtype=F)
    N, D = x.shape
    eps = F(bn_param.get("eps", 1e-5))
    momentum = F(bn_param.get("momentum", 0.9))
    running_mean = np.asarray(bn_param.get("running_mean", np.zeros(D)), dtype=F)
    running_var = np.asarray(bn_param.get("running_var", np.ones(D)), dtype=F)
    if bn_param["mode"] == "train":
        mu = x.mean(axis=0)
        var = ((x - mu) ** 2).mean(axis=0)
        bn_param["running_mean"] = momentum * running_mean + (1 - momentum) * mu
        bn_param["running_var"] = momentum * running_var + (1 - momentum) * var
    else:
        mu, var = running_mean, running_var
    std = np.sqrt(var + eps)
    x_hat = (x - mu) / std
    return gamma * x_hat + beta, (x_hat, gamma, std)


def batchnorm_backward(dout, cache):
    x_hat, gamma, std = cache
    dout = np.asarray(dout, dtype=F)
    N = F(dout.shape[0])
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    dx = (dx_hat - dx_hat.mean(axis=0) - x_hat * (dx_hat * x_hat).mean(axis=0)) / std
    return dx, dgamma, dbeta
