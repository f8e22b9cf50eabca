# Realistic wrong submission (hw7): CS231n-style layers; the dropout mask keeps rand > p but is divided by p.
import numpy as np
import torch


def xavier_uniform(fan_in, fan_out, gain=1.0, generator=None):
    a = gain * np.sqrt(6.0 / (fan_in + fan_out))
    return (torch.rand(fan_out, fan_in, generator=generator) * 2 - 1) * a


def kaiming_normal(fan_in, fan_out, generator=None):
    return torch.randn(fan_out, fan_in, generator=generator) * np.sqrt(2.0 / fan_in)


def l1_penalty(weights, lam):
    return float(lam * sum(np.sum(np.abs(np.asarray(W, dtype=float))) for W in weights))


def l2_penalty(weights, lam):
    return float(lam * sum(np.sum(np.asarray(W, dtype=float) * np.asarray(W, dtype=float)) for W in weights))


def weight_decay_step(w, grad, lr, lam):
    w = np.asarray(w, dtype=float)
    dw = np.asarray(grad, dtype=float) + lam * w
    return w - lr * dw


def dropout_forward(x, p, train, seed):
    """Inverted dropout: drop with probability p, rescale at train time."""
    x = np.asarray(x, dtype=float)
    mask = None
    if train:
        rng = np.random.default_rng(seed)
        mask = (rng.random(x.shape) > p) / p
        out = x * mask
    else:
        out = x.copy()
    cache = (train, mask)
    return out, cache


def dropout_backward(dout, cache):
    train, mask = cache
    dout = np.asarray(dout, dtype=float)
    if train:
        dx = dout * mask
    else:
        dx = dout
    return dx


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)
    x = np.asarray(x, dtype=float)
    N, D = x.shape
    running_mean = bn_param.get('running_mean', np.zeros(D))
    running_var = bn_param.get('running_var', np.ones(D))
    out, cache = None, None
    if mode == 'train':
        mu = x.mean(axis=0)
        xc = x - mu
        var = np.mean(xc ** 2, axis=0)
        std = np.sqrt(var + eps)
        xn = xc / std
        out = gamma * xn + beta
        cache = (xn, gamma, std)
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var
    elif mode == 'test':
        xn = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * xn + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    xn, gamma, std = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = np.sum(xn * dout, axis=0)
    dxn = gamma * dout
    dx = (dxn - dxn.mean(axis=0) - xn * np.mean(dxn * xn, axis=0)) / std
    return dx, dgamma, dbeta
