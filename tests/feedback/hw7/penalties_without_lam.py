# Realistic wrong submission (hw7): the L1 and L2 penalties return the sums without multiplying by lam.
import math

import numpy as np
import torch


def xavier_uniform(fan_in, fan_out, gain=1.0, generator=None):
    bound = gain * math.sqrt(6 / (fan_in + fan_out))
    W = torch.empty(fan_out, fan_in)
    W.uniform_(-bound, bound, generator=generator)
    return W


def kaiming_normal(fan_in, fan_out, generator=None):
    std = math.sqrt(2.0 / fan_in)
    return torch.randn(fan_out, fan_in, generator=generator) * std


def l1_penalty(weights, lam):
    total = 0.0
    for W in weights:
        total += np.sum(np.abs(W))
    return float(total)


def l2_penalty(weights, lam):
    total = 0.0
    for W in weights:
        total += np.sum(np.array(W) ** 2)
    return float(total)


def weight_decay_step(w, grad, lr, lam):
    w = np.array(w, dtype=float)
    grad = np.array(grad, dtype=float)
    return w - lr * grad - lr * lam * w


def dropout_forward(x, p, train, seed):
    if p < 0 or p >= 1:
        raise ValueError("p must be in [0, 1)")
    x = np.array(x, dtype=np.float64)
    if not train:
        return x, (train, None)
    rng = np.random.default_rng(seed)
    mask = (rng.random(x.shape) >= p) / (1 - p)
    out = x * mask
    return out, (train, mask)


def dropout_backward(dout, cache):
    train, mask = cache
    if train:
        return np.array(dout) * mask
    return np.array(dout, dtype=np.float64)


def batchnorm_forward(x, gamma, beta, bn_param):
    x = np.array(x, dtype=np.float64)
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)
    N, D = x.shape
    running_mean = bn_param.get('running_mean', np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get('running_var', np.ones(D, dtype=x.dtype))

    if mode == 'train':
        sample_mean = np.mean(x, axis=0)
        sample_var = np.var(x, axis=0)
        x_hat = (x - sample_mean) / np.sqrt(sample_var + eps)
        out = gamma * x_hat + beta
        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var
        cache = (x, x_hat, sample_mean, sample_var, gamma, eps)
    elif mode == 'test':
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_hat + beta
        cache = None
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    x, x_hat, mean, var, gamma, eps = cache
    N = dout.shape[0]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    dvar = np.sum(dx_hat * (x - mean), axis=0) * -0.5 * (var + eps) ** -1.5
    dmean = np.sum(-dx_hat / np.sqrt(var + eps), axis=0) + dvar * np.mean(-2 * (x - mean), axis=0)
    dx = dx_hat / np.sqrt(var + eps) + dvar * 2 * (x - mean) / N + dmean / N
    return dx, dgamma, dbeta
