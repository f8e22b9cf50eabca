"""Known mistakes in hw2 (gradient descent), as wrong variants of the reference.

Each variant is called as ``variant(reference, *args)`` on the arguments of the
student's call that failed a test (see ``grader.hints``); when the student's output
matches the variant's, the student reads the hint.

A wrong ``gradient`` also spoils the training loops that call it (a student's
``gradient_descent`` calls their own ``gradient``, their ``minibatch_gd`` calls it on
each batch, their ``sgd`` calls their ``sample_gradient``): such a mistake is declared
for each function it shows up in, with one id and one hint.  The training loops below
are the reference's, with one step done the wrong way (keyword arguments).
"""

import numpy as np

from grader.hints import misconception


def _data(x, y):
    return np.array(x, dtype=np.float64).reshape(-1), np.array(y, dtype=np.float64).reshape(-1)


def _cost(x, y, w):
    return float(np.mean((x * w - y) ** 2))


# ------------------------------------------------------------ gradients, right and wrong
# gradient(x, y, w) over a batch (the whole data in `gradient`, a slice in minibatch_gd).

def _mean_gradient(x, y, w):
    return float(np.mean(2.0 * x * (x * w - y)))


def _overwritten(x, y, w):
    # grad = 2 * xn * (xn * w - yn) inside the loop, then `return grad / len(x)`
    return float(2.0 * x[-1] * (x[-1] * w - y[-1]) / x.size)


def _returns_early(x, y, w):
    # `return grad / len(x)` indented into the loop: after the first sample
    return float(2.0 * x[0] * (x[0] * w - y[0]) / x.size)


def _summed(x, y, w):
    return float(np.sum(2.0 * x * (x * w - y)))


def _missing_x(x, y, w):
    return float(np.mean(2.0 * (x * w - y)))


def _missing_2(x, y, w):
    return float(np.mean(x * (x * w - y)))


# sample_gradient(xn, yn, w)

def _sample_gradient(xn, yn, w):
    return 2.0 * xn * (xn * w - yn)


def _sample_missing_x(xn, yn, w):
    return 2.0 * (xn * w - yn)


def _sample_missing_2(xn, yn, w):
    return xn * (xn * w - yn)


# ------------------------------------------------------------ training loops

def _gd(x, y, w0, lr, epochs, *, grad=_mean_gradient, sign=-1.0, cost_after=False):
    x, y = _data(x, y)
    w, costs = float(w0), []
    for _ in range(epochs):
        if not cost_after:
            costs.append(_cost(x, y, w))
        w += sign * lr * grad(x, y, w)
        if cost_after:
            costs.append(_cost(x, y, w))
    return w, costs


def _sgd(x, y, w0, lr, epochs, *, grad=_sample_gradient, sign=-1.0, loss="before"):
    x, y = _data(x, y)
    w, losses = float(w0), []
    for _ in range(epochs):
        epoch = []
        for xn, yn in zip(x, y):
            before = (xn * w - yn) ** 2
            w += sign * lr * grad(xn, yn, w)
            epoch.append(before if loss == "before" else (xn * w - yn) ** 2)
        # "last": the lecture's print, the last sample's loss after its update
        losses.append(float(epoch[-1] if loss == "last" else np.mean(epoch)))
    return w, losses


def _batches(n, batch_size):
    return [(start, start + batch_size) for start in range(0, n, batch_size)]


def _batches_off_by_one(n, batch_size):
    # x[i:i + batch_size - 1]
    return [(start, start + batch_size - 1) for start in range(0, n, batch_size)]


def _batches_drop_last(n, batch_size):
    # for i in range(N // batch_size): x[i * batch_size:(i + 1) * batch_size]
    return [(i * batch_size, (i + 1) * batch_size) for i in range(n // batch_size)]


def _minibatch(x, y, w0, lr, epochs, batch_size, *, grad=_mean_gradient, sign=-1.0,
               batches=_batches, cost_before=False):
    x, y = _data(x, y)
    w, costs = float(w0), []
    for _ in range(epochs):
        if cost_before:
            costs.append(_cost(x, y, w))
        for start, stop in batches(x.size, batch_size):
            w += sign * lr * grad(x[start:stop], y[start:stop], w)
        if not cost_before:
            costs.append(_cost(x, y, w))
    return w, costs


# ------------------------------------------------------------ gradient: overwritten

GRADIENT_OVERWRITTEN = (
    "your gradient equals the LAST sample's term 2·xₙ(xₙw − yₙ) divided by N: the loop "
    "overwrites the running total. Did you write `grad = ...` where `grad += ...` was "
    "needed? Start from grad = 0 and add every sample's term before dividing by N.")


@misconception("gradient", id="gradient_overwritten", hint=GRADIENT_OVERWRITTEN)
def gradient_overwritten(reference, x, y, w):
    return _overwritten(*_data(x, y), float(w))


@misconception("gradient_descent", id="gradient_overwritten", hint=GRADIENT_OVERWRITTEN)
def gradient_descent_gradient_overwritten(reference, x, y, w0, lr, epochs):
    return _gd(x, y, w0, lr, epochs, grad=_overwritten)


@misconception("minibatch_gd", id="gradient_overwritten", hint=GRADIENT_OVERWRITTEN)
def minibatch_gradient_overwritten(reference, x, y, w0, lr, epochs, batch_size):
    return _minibatch(x, y, w0, lr, epochs, batch_size, grad=_overwritten)


# ------------------------------------------------------------ gradient: return in the loop

GRADIENT_RETURNS_EARLY = (
    "your gradient uses the FIRST sample only (its term 2·x₀(x₀w − y₀) divided by N): the "
    "`return` is indented inside the loop, so the function returns after one sample. "
    "Move the `return` out of the loop, after every sample's term has been added.")


@misconception("gradient", id="gradient_returns_early", hint=GRADIENT_RETURNS_EARLY)
def gradient_returns_early(reference, x, y, w):
    return _returns_early(*_data(x, y), float(w))


@misconception("gradient_descent", id="gradient_returns_early", hint=GRADIENT_RETURNS_EARLY)
def gradient_descent_gradient_returns_early(reference, x, y, w0, lr, epochs):
    return _gd(x, y, w0, lr, epochs, grad=_returns_early)


@misconception("minibatch_gd", id="gradient_returns_early", hint=GRADIENT_RETURNS_EARLY)
def minibatch_gradient_returns_early(reference, x, y, w0, lr, epochs, batch_size):
    return _minibatch(x, y, w0, lr, epochs, batch_size, grad=_returns_early)


# ------------------------------------------------------------ gradient: summed, no 1/N

GRADIENT_SUMMED = (
    "your gradient is N times too large: it is the sum Σ 2xₙ(xₙw − yₙ), but the cost is "
    "the MEAN of the squared errors, so its gradient is the mean too: divide the sum by "
    "N = len(x) (or use np.mean).")


@misconception("gradient", id="gradient_summed", hint=GRADIENT_SUMMED)
def gradient_summed(reference, x, y, w):
    return _summed(*_data(x, y), float(w))


@misconception("gradient_descent", id="gradient_summed", hint=GRADIENT_SUMMED)
def gradient_descent_gradient_summed(reference, x, y, w0, lr, epochs):
    return _gd(x, y, w0, lr, epochs, grad=_summed)


# ------------------------------------------------------------ gradient: no factor x

GRADIENT_MISSING_X = (
    "your gradient lacks the factor xₙ: by the chain rule d(xₙw − yₙ)²/dw = "
    "2(xₙw − yₙ)·xₙ, because d(xₙw)/dw = xₙ. (On the lecture's data, y = 2x exactly, "
    "training still ends near w = 2 without it; the costs along the way give it away.)")


@misconception("gradient", id="gradient_missing_x", hint=GRADIENT_MISSING_X)
def gradient_missing_x(reference, x, y, w):
    return _missing_x(*_data(x, y), float(w))


@misconception("sample_gradient", id="gradient_missing_x", hint=GRADIENT_MISSING_X)
def sample_gradient_missing_x(reference, xn, yn, w):
    return _sample_missing_x(float(xn), float(yn), float(w))


@misconception("gradient_descent", id="gradient_missing_x", hint=GRADIENT_MISSING_X)
def gradient_descent_gradient_missing_x(reference, x, y, w0, lr, epochs):
    return _gd(x, y, w0, lr, epochs, grad=_missing_x)


@misconception("sgd", id="gradient_missing_x", hint=GRADIENT_MISSING_X)
def sgd_gradient_missing_x(reference, x, y, w0, lr, epochs):
    return _sgd(x, y, w0, lr, epochs, grad=_sample_missing_x)


@misconception("minibatch_gd", id="gradient_missing_x", hint=GRADIENT_MISSING_X)
def minibatch_gradient_missing_x(reference, x, y, w0, lr, epochs, batch_size):
    return _minibatch(x, y, w0, lr, epochs, batch_size, grad=_missing_x)


# ------------------------------------------------------------ gradient: no factor 2

GRADIENT_MISSING_2 = (
    "your gradient is half the right one: it lacks the factor 2 of "
    "d(xₙw − yₙ)²/dw = 2·xₙ(xₙw − yₙ) (the derivative of u² is 2u·u′).")


@misconception("gradient", id="gradient_missing_2", hint=GRADIENT_MISSING_2)
def gradient_missing_2(reference, x, y, w):
    return _missing_2(*_data(x, y), float(w))


@misconception("sample_gradient", id="gradient_missing_2", hint=GRADIENT_MISSING_2)
def sample_gradient_missing_2(reference, xn, yn, w):
    return _sample_missing_2(float(xn), float(yn), float(w))


@misconception("gradient_descent", id="gradient_missing_2", hint=GRADIENT_MISSING_2)
def gradient_descent_gradient_missing_2(reference, x, y, w0, lr, epochs):
    return _gd(x, y, w0, lr, epochs, grad=_missing_2)


@misconception("sgd", id="gradient_missing_2", hint=GRADIENT_MISSING_2)
def sgd_gradient_missing_2(reference, x, y, w0, lr, epochs):
    return _sgd(x, y, w0, lr, epochs, grad=_sample_missing_2)


@misconception("minibatch_gd", id="gradient_missing_2", hint=GRADIENT_MISSING_2)
def minibatch_gradient_missing_2(reference, x, y, w0, lr, epochs, batch_size):
    return _minibatch(x, y, w0, lr, epochs, batch_size, grad=_missing_2)


# ------------------------------------------------------------ the update's sign

UPDATE_SIGN = (
    "your weight moves uphill, along the gradient: the update must step AGAINST it, "
    "w = w − lr·grad. With w + lr·grad the cost grows from one step to the next.")


@misconception("gradient_descent", id="update_sign", hint=UPDATE_SIGN)
def gradient_descent_update_sign(reference, x, y, w0, lr, epochs):
    return _gd(x, y, w0, lr, epochs, sign=+1.0)


@misconception("sgd", id="update_sign", hint=UPDATE_SIGN)
def sgd_update_sign(reference, x, y, w0, lr, epochs):
    return _sgd(x, y, w0, lr, epochs, sign=+1.0)


@misconception("minibatch_gd", id="update_sign", hint=UPDATE_SIGN)
def minibatch_update_sign(reference, x, y, w0, lr, epochs, batch_size):
    return _minibatch(x, y, w0, lr, epochs, batch_size, sign=+1.0)


# ------------------------------------------------------------ when the cost is recorded

@misconception("gradient_descent", id="gd_cost_after_update", hint=(
    "your costs[k] is the cost AFTER update k: record the cost before updating w, so "
    "that costs[0] is the cost at w0, as in the lecture's loop (cost_val = cost(...), "
    "then grad_val = gradient(...), then w -= lr * grad_val)."))
def gradient_descent_cost_after_update(reference, x, y, w0, lr, epochs):
    return _gd(x, y, w0, lr, epochs, cost_after=True)


@misconception("sgd", id="sgd_loss_after_update", hint=(
    "your losses are taken AFTER each update: compute each sample's loss (xₙw − yₙ)² "
    "with w as it is before the update that uses that sample, then average the N "
    "losses of the epoch."))
def sgd_loss_after_update(reference, x, y, w0, lr, epochs):
    return _sgd(x, y, w0, lr, epochs, loss="after")


@misconception("sgd", id="sgd_last_sample_loss", hint=(
    "your losses[k] is the loss of the epoch's LAST sample, after its update (what the "
    "lecture's loop prints): record every sample's loss before its update and return "
    "their mean over the epoch."))
def sgd_last_sample_loss(reference, x, y, w0, lr, epochs):
    if len(_data(x, y)[0]) == 1:
        # With one sample the last loss is the mean: the mistake is then exactly
        # sgd_loss_after_update, whose more general hint is the one shown.
        raise ValueError("indistinguishable from sgd_loss_after_update when N = 1")
    return _sgd(x, y, w0, lr, epochs, loss="last")


@misconception("minibatch_gd", id="minibatch_cost_before_epoch", hint=(
    "your costs[k] is the cost at the START of epoch k: minibatch_gd records the "
    "full-data cost AFTER each epoch's updates (unlike gradient_descent, whose costs are "
    "taken before each update)."))
def minibatch_cost_before_epoch(reference, x, y, w0, lr, epochs, batch_size):
    return _minibatch(x, y, w0, lr, epochs, batch_size, cost_before=True)


# ------------------------------------------------------------ mini-batches

@misconception("minibatch_gd", id="minibatch_off_by_one", hint=(
    "your batches are one sample short: a slice excludes its end, so "
    "x[i:i + batch_size - 1] holds batch_size − 1 samples; x[i:i + batch_size] is the "
    "batch."))
def minibatch_off_by_one(reference, x, y, w0, lr, epochs, batch_size):
    return _minibatch(x, y, w0, lr, epochs, batch_size, batches=_batches_off_by_one)


@misconception("minibatch_gd", id="minibatch_drops_last", hint=(
    "your epochs skip the last, shorter batch (or, with batch_size > N, every batch): "
    "when N is not a multiple of batch_size, the last batch holds the samples that are "
    "left. Loop over `for start in range(0, N, batch_size)` and slice "
    "x[start:start + batch_size]: Python clips the slice at the end."))
def minibatch_drops_last(reference, x, y, w0, lr, epochs, batch_size):
    return _minibatch(x, y, w0, lr, epochs, batch_size, batches=_batches_drop_last)


@misconception("minibatch_gd", id="minibatch_batch_sum", hint=(
    "your updates use the SUM of the batch's gradients: use their mean, "
    "(1/B) Σ 2xₙ(xₙw − yₙ) over the batch's B samples (B = len(x_batch), which is "
    "smaller for the last batch)."))
def minibatch_batch_sum(reference, x, y, w0, lr, epochs, batch_size):
    return _minibatch(x, y, w0, lr, epochs, batch_size, grad=_summed)


# ------------------------------------------------------------ ema

@misconception("ema", id="ema_beta_swapped", hint=(
    "your β and 1 − β are swapped: β weighs the NEWEST value, sᵢ = β·vᵢ + (1 − β)·sᵢ₋₁ "
    "(so β = 1 gives the values themselves and β = 0 repeats v₀)."))
def ema_beta_swapped(reference, values, beta):
    v = np.array(values, dtype=np.float64).reshape(-1)
    s = v.copy()
    for i in range(1, v.size):
        s[i] = (1.0 - beta) * v[i] + beta * s[i - 1]
    return s
