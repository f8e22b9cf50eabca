"""Known mistakes in hw3 (backpropagation), as wrong variants of the reference.

Each variant is called as ``variant(reference, *args)`` on the arguments of the
student's call that failed a test (see ``grader.hints``); when the student's output
matches the variant's, the student reads the hint.  Backward functions receive the
student's own cache, so their variants read the cache the way the mistake does.
"""

import numpy as np
import torch

from grader.hints import misconception

DB_NOT_SUMMED = (
    "your db has one row per sample: the bias is added to every row of out = xW + b, so "
    "its gradient is the sum over the batch, db = dout.sum(axis=0), of shape (M,).")
SIGMOID_DERIVATIVE_OF_Z = (
    "your dz equals da·z·(1 − z), the derivative written with the input z: σ'(z) = "
    "σ(z)(1 − σ(z)), so compute a = σ(z) (or cache a in sigmoid_forward) and return "
    "da·a·(1 − a).")
BCE_SUMMED = (
    "your loss and da are N times too large (N = the number of entries): the loss is "
    "the mean −(1/N) Σ [y log a + (1 − y) log(1 − a)], so divide the sum, and da, by N.")
HIDDEN_DERIVATIVE_MISSING = (
    "your grads['W1'] and grads['b1'] skip the hidden layer's sigmoid: the gradient "
    "that reaches z1 = X W1 + b1 is dh · h(1 − h) (sigmoid_backward of dh), not dh.")


def _mlp(reference, params, X, y, *, db_summed=True, hidden_derivative=True,
         dz_of=lambda da, a, z: da * a * (1.0 - a), loss_scale=1.0):
    """The reference's mlp_loss with one step done the wrong way (keyword arguments)."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(-1, 1)
    W1, b1, W2, b2 = (np.asarray(params[k], dtype=np.float64) for k in ("W1", "b1", "W2", "b2"))
    z1 = X @ W1 + b1
    h = reference.sigmoid(z1)
    z2 = h @ W2 + b2
    a = reference.sigmoid(z2)
    loss, da = reference.bce_loss(a, y)
    loss, da = loss * loss_scale, da * loss_scale
    dz2 = dz_of(da, a, z2)
    dW2, db2 = h.T @ dz2, dz2.sum(axis=0) if db_summed else dz2
    dh = dz2 @ W2.T
    dz1 = dz_of(dh, h, z1) if hidden_derivative else dh
    dW1, db1 = X.T @ dz1, dz1.sum(axis=0) if db_summed else dz1
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


@misconception("affine_backward", id="db_not_summed", hint=DB_NOT_SUMMED)
def affine_db_not_summed(reference, dout, cache):
    x, W, _ = cache  # the (x, W, b) cache most solutions keep
    dout = np.asarray(dout, dtype=np.float64)
    return dout @ np.asarray(W).T, np.asarray(x).T @ dout, dout


@misconception("mlp_loss", id="db_not_summed", hint=DB_NOT_SUMMED)
def mlp_db_not_summed(reference, params, X, y):
    return _mlp(reference, params, X, y, db_summed=False)


@misconception("sigmoid_backward", id="sigmoid_derivative_of_z", hint=SIGMOID_DERIVATIVE_OF_Z)
def sigmoid_backward_of_z(reference, da, cache):
    z = np.asarray(cache, dtype=np.float64)  # the student cached z and used it as if it were a
    return np.asarray(da, dtype=np.float64) * z * (1.0 - z)


@misconception("mlp_loss", id="sigmoid_derivative_of_z", hint=SIGMOID_DERIVATIVE_OF_Z)
def mlp_sigmoid_backward_of_z(reference, params, X, y):
    return _mlp(reference, params, X, y, dz_of=lambda da, a, z: da * z * (1.0 - z))


@misconception("bce_loss", id="bce_summed", hint=BCE_SUMMED)
def bce_summed(reference, a, y):
    loss, da = reference.bce_loss(a, y)
    n = np.asarray(a).size
    return loss * n, da * n


@misconception("mlp_loss", id="bce_summed", hint=BCE_SUMMED)
def mlp_bce_summed(reference, params, X, y):
    return _mlp(reference, params, X, y, loss_scale=float(np.asarray(X).shape[0]))


@misconception("mlp_loss", id="hidden_derivative_missing", hint=HIDDEN_DERIVATIVE_MISSING)
def mlp_hidden_derivative_missing(reference, params, X, y):
    return _mlp(reference, params, X, y, hidden_derivative=False)


@misconception("train_quadratic", hint=(
    "your gradients accumulate from one sample to the next: `backward()` adds to "
    ".grad, so zero it after each update (w.grad.zero_() or data.zero_() for each weight, "
    "or optimizer.zero_grad()), as in the lecture's training loop."))
def gradients_not_zeroed(reference, x, y, lr, epochs, w1=1.0, w2=1.0, b=1.0):
    w = [torch.tensor([float(v)], dtype=torch.float64, requires_grad=True) for v in (w1, w2, b)]
    losses = []
    for _ in range(epochs):
        epoch = []
        for xv, yv in zip([float(v) for v in x], [float(v) for v in y]):
            loss = (reference.quadratic_forward(xv, *w) - yv) ** 2
            loss.backward()
            epoch.append(loss.item())
            with torch.no_grad():
                for p in w:
                    p -= lr * p.grad
        losses.append(sum(epoch) / len(epoch))
    return w[0].item(), w[1].item(), w[2].item(), losses
