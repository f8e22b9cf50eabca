# Correct, fully vectorized: torch.nn.init on an empty tensor for the initializers (with the generator), np.concatenate for the penalties, dict caches, the running statistics updated in place in the dict's own arrays when they are there.
"""hw7: initialization and regularization, vectorized with numpy / torch.nn.init."""
import numpy as np
import torch
import torch.nn as nn


def xavier_uniform(fan_in, fan_out, gain=1.0, generator=None):
    return nn.init.xavier_uniform_(torch.empty(fan_out, fan_in), gain=gain, generator=generator)


def kaiming_normal(fan_in, fan_out, generator=None):
    # mode="fan_in" reads fan_in from the tensor's 2nd dimension; relu gain = sqrt(2)
    return nn.init.kaiming_normal_(torch.empty(fan_out, fan_in), mode="fan_in",
                                   nonlinearity="relu", generator=generator)


def _flat(weights):
    return np.concatenate([np.ravel(w) for w in weights]).astype(np.float64)


def l1_penalty(weights, lam):
    return float(lam * np.abs(_flat(weights)).sum())


def l2_penalty(weights, lam):
    v = _flat(weights)
    return float(lam * v @ v)


def weight_decay_step(w, grad, lr, lam):
    return (1.0 - lr * lam) * np.asarray(w, dtype=np.float64) - lr * np.asarray(grad, dtype=np.float64)


def dropout_forward(x, p, train, seed):
    x = np.asarray(x, dtype=np.float64)
    if train:
        keep = np.random.default_rng(seed).random(x.shape) >= p
        mask = keep.astype(np.float64) / (1.0 - p)
    else:
        mask = np.ones_like(x)
    return x * mask, {"mask": mask}


def dropout_backward(dout, cache):
    return np.asarray(dout, dtype=np.float64) * cache["mask"]


def batchnorm_forward(x, gamma, beta, bn_param):
    x = np.asarray(x, dtype=np.float64)
    D = x.shape[1]
    eps = bn_param.get("eps", 1e-5)
    m = bn_param.get("momentum", 0.9)
    bn_param.setdefault("running_mean", np.zeros(D))
    bn_param.setdefault("running_var", np.ones(D))
    if bn_param["mode"] == "train":
        mean, var = x.mean(axis=0), x.var(axis=0)
        for key, batch in (("running_mean", mean), ("running_var", var)):
            running = bn_param[key]
            if isinstance(running, np.ndarray) and running.dtype == np.float64:
                running *= m                      # in place, in the dict's own array
                running += (1 - m) * batch
            else:
                bn_param[key] = m * np.asarray(running, dtype=np.float64) + (1 - m) * batch
    elif bn_param["mode"] == "test":
        mean, var = bn_param["running_mean"], bn_param["running_var"]
    else:
        raise ValueError("mode must be 'train' or 'test'")
    istd = 1.0 / np.sqrt(var + eps)
    xhat = (x - mean) * istd
    return gamma * xhat + beta, {"xhat": xhat, "gamma": np.asarray(gamma, dtype=np.float64), "istd": istd}


def batchnorm_backward(dout, cache):
    dout = np.asarray(dout, dtype=np.float64)
    xhat, gamma, istd = cache["xhat"], cache["gamma"], cache["istd"]
    dbeta = dout.sum(0)
    dgamma = (dout * xhat).sum(0)
    dx = gamma * istd * (dout - dbeta / len(dout) - xhat * dgamma / len(dout))
    return dx, dgamma, dbeta
