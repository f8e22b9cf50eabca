# Correct, in the style of CS231n's layers.py: bn_param.get('momentum', 0.9), the running statistics written back into bn_param in both modes, a 7-tuple cache (x, x_hat, mean, var, gamma, beta, eps) and the staged backward pass through the computational graph; dropout keeps a (dropout_param, mask) cache; script code at import (a demo with prints and a matplotlib histogram ending in plt.show()).
import numpy as np
import torch
import matplotlib.pyplot as plt


def xavier_uniform(fan_in, fan_out, gain=1.0, generator=None):
    limit = gain * np.sqrt(6.0 / (fan_in + fan_out))
    W = torch.zeros((fan_out, fan_in))
    torch.nn.init.uniform_(W, -limit, limit, generator=generator)
    return W


def kaiming_normal(fan_in, fan_out, generator=None):
    std = np.sqrt(2.0 / fan_in)
    return torch.normal(0.0, float(std), size=(fan_out, fan_in), generator=generator)


def l1_penalty(weights, lam):
    return lam * np.sum([np.sum(np.abs(W)) for W in weights])


def l2_penalty(weights, lam):
    return lam * np.sum([np.sum(W * W) for W in weights])


def weight_decay_step(w, grad, lr, lam):
    dw = grad + lam * w          # gradient of the loss + the L2 term's gradient
    next_w = w - lr * dw
    return next_w


def dropout_forward(x, p, train, seed):
    """Inverted dropout. p = probability of dropping a unit."""
    dropout_param = {"p": p, "mode": "train" if train else "test", "seed": seed}
    mask = None
    out = None

    if dropout_param["mode"] == "train":
        rng = np.random.default_rng(seed)
        mask = (rng.random(x.shape) >= p) / (1 - p)
        out = x * mask
    elif dropout_param["mode"] == "test":
        out = x

    cache = (dropout_param, mask)
    out = out.astype(x.dtype, copy=False)
    return out, cache


def dropout_backward(dout, cache):
    dropout_param, mask = cache
    mode = dropout_param["mode"]

    dx = None
    if mode == "train":
        dx = dout * mask
    elif mode == "test":
        dx = dout
    return dx


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.ones(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        sample_mean = np.mean(x, axis=0)
        sample_var = np.var(x, axis=0)
        x_hat = (x - sample_mean) / np.sqrt(sample_var + eps)
        out = gamma * x_hat + beta
        cache = (x, x_hat, sample_mean, sample_var, gamma, beta, eps)

        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var
    elif mode == "test":
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_hat + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    # Store the updated running means back into bn_param
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var

    return out, cache


def batchnorm_backward(dout, cache):
    x, x_hat, mu, var, gamma, beta, eps = cache
    N = x.shape[0]

    # staged computation graph, one node at a time
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma

    xmu = x - mu
    sqrtvar = np.sqrt(var + eps)
    ivar = 1.0 / sqrtvar

    divar = np.sum(dx_hat * xmu, axis=0)
    dxmu1 = dx_hat * ivar
    dsqrtvar = -1.0 / (sqrtvar ** 2) * divar
    dvar = 0.5 * 1.0 / np.sqrt(var + eps) * dsqrtvar
    dsq = 1.0 / N * np.ones((N, x.shape[1])) * dvar
    dxmu2 = 2 * xmu * dsq
    dx1 = dxmu1 + dxmu2
    dmu = -1 * np.sum(dxmu1 + dxmu2, axis=0)
    dx2 = 1.0 / N * np.ones((N, x.shape[1])) * dmu
    dx = dx1 + dx2

    return dx, dgamma, dbeta


# ------------------------------------------------------------------ demo
np.random.seed(231)
x = np.random.randn(200, 3) * np.array([1.0, 5.0, 0.1]) + np.array([3.0, -2.0, 10.0])
bn_param = {"mode": "train"}
out, _ = batchnorm_forward(x, np.ones(3), np.zeros(3), bn_param)
print("after batchnorm: means", out.mean(axis=0), "stds", out.std(axis=0))
print("running mean after one batch:", bn_param["running_mean"])

for p in [0.25, 0.5, 0.75]:
    o, _ = dropout_forward(np.ones((500, 500)), p, True, 0)
    print("p = %.2f: kept %.3f, mean %.3f" % (p, (o > 0).mean(), o.mean()))

W = kaiming_normal(256, 128)
plt.hist(W.flatten().numpy(), bins=50)
plt.title("kaiming normal, std %.4f" % W.std().item())
plt.show()
