# Correct, written with plain Python loops: loops over the arrays of the penalties, over every entry for dropout, over every column (and row) for batch norm; the initializers fill an empty tensor in place with uniform_/normal_ from the generator.
"""HW7 - weight init + regularization. Written with loops so I can follow every step."""
import math

import numpy as np
import torch


def xavier_uniform(fan_in, fan_out, gain=1.0, generator=None):
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    W = torch.empty(fan_out, fan_in)
    W.uniform_(-bound, bound, generator=generator)
    return W


def kaiming_normal(fan_in, fan_out, generator=None):
    W = torch.empty(fan_out, fan_in)
    W.normal_(0.0, math.sqrt(2.0 / fan_in), generator=generator)
    return W


def l1_penalty(weights, lam):
    s = 0.0
    for w in weights:
        for v in np.asarray(w).ravel():
            s += abs(float(v))
    return lam * s


def l2_penalty(weights, lam):
    s = 0.0
    for w in weights:
        for v in np.asarray(w).ravel():
            s += float(v) * float(v)
    return lam * s


def weight_decay_step(w, grad, lr, lam):
    w = np.asarray(w, dtype=float)
    grad = np.asarray(grad, dtype=float)
    new_w = np.empty_like(w)
    for idx in np.ndindex(w.shape):
        new_w[idx] = w[idx] - lr * (grad[idx] + lam * w[idx])
    return new_w


def dropout_forward(x, p, train, seed):
    x = np.asarray(x, dtype=float)
    out = np.array(x, copy=True)
    if not train:
        return out, {"train": False}
    r = np.random.default_rng(seed).random(x.shape)
    mask = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        if r[idx] >= p:          # keep this one
            mask[idx] = 1.0 / (1.0 - p)
        out[idx] = x[idx] * mask[idx]
    return out, {"train": True, "mask": mask}


def dropout_backward(dout, cache):
    dout = np.asarray(dout, dtype=float)
    dx = np.array(dout, copy=True)
    if cache["train"]:
        for idx in np.ndindex(dout.shape):
            dx[idx] = dout[idx] * cache["mask"][idx]
    return dx


def batchnorm_forward(x, gamma, beta, bn_param):
    x = np.asarray(x, dtype=float)
    N, D = x.shape
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    if "running_mean" not in bn_param:
        bn_param["running_mean"] = np.zeros(D)
    if "running_var" not in bn_param:
        bn_param["running_var"] = np.ones(D)
    rm = [float(v) for v in bn_param["running_mean"]]
    rv = [float(v) for v in bn_param["running_var"]]

    out = np.zeros((N, D))
    x_hat = np.zeros((N, D))
    inv_std = np.zeros(D)
    for j in range(D):
        if bn_param["mode"] == "train":
            m = sum(x[i, j] for i in range(N)) / N
            v = sum((x[i, j] - m) ** 2 for i in range(N)) / N   # biased: divide by N
            rm[j] = momentum * rm[j] + (1 - momentum) * m
            rv[j] = momentum * rv[j] + (1 - momentum) * v
        else:
            m, v = rm[j], rv[j]
        inv_std[j] = 1.0 / math.sqrt(v + eps)
        for i in range(N):
            x_hat[i, j] = (x[i, j] - m) * inv_std[j]
            out[i, j] = gamma[j] * x_hat[i, j] + beta[j]
    if bn_param["mode"] == "train":
        bn_param["running_mean"] = np.array(rm)
        bn_param["running_var"] = np.array(rv)
    return out, [x_hat, list(gamma), inv_std]


def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache
    dout = np.asarray(dout, dtype=float)
    N, D = dout.shape
    dx = np.zeros((N, D))
    dgamma = np.zeros(D)
    dbeta = np.zeros(D)
    for j in range(D):
        s1 = 0.0   # Σ dx̂
        s2 = 0.0   # Σ dx̂·x̂
        for i in range(N):
            dbeta[j] += dout[i, j]
            dgamma[j] += dout[i, j] * x_hat[i][j]
            s1 += dout[i, j] * gamma[j]
            s2 += dout[i, j] * gamma[j] * x_hat[i][j]
        for i in range(N):
            dxh = dout[i, j] * gamma[j]
            dx[i, j] = inv_std[j] / N * (N * dxh - s1 - x_hat[i][j] * s2)
    return dx, dgamma, dbeta
