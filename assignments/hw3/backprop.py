"""hw3 — backpropagation (反向传播): your submission file.

Fill in every function below; the handout is assignments/hw3/README.md.

Part A (NumPy) builds a two-layer sigmoid network out of layers in the (out, cache)
convention: each ``*_forward`` returns its output and a cache of whatever its backward
pass will need, and the matching ``*_backward`` takes the upstream gradient and that
cache and returns the gradients of the layer's inputs. The cache format is yours to
choose: the grader always hands your backward functions your own caches.

Part B (torch) does the same with autograd (自动求导): ``requires_grad``, ``backward()``
and an update under ``torch.no_grad()``, as in Liu Er's lecture 4.

Run ``grade hw3`` from anywhere in the repository to check your work.
"""
import numpy as np
import torch


# ---------------------------------------------------------------------------
# Part A — NumPy layers
# ---------------------------------------------------------------------------

def sigmoid(z):
    """The logistic function σ(z) = 1 / (1 + e^(−z)), elementwise.

    Args:
        z: array of any shape.
    Returns:
        ndarray of the shape of z. Must give no overflow warning and no NaN for |z| up
        to 1e4 (σ(1e4) = 1.0, σ(−1e4) = 0.0).
    """
    # TODO: compute σ(z) without ever evaluating np.exp of a large positive number:
    #       use e = np.exp(-np.abs(z)) and pick 1/(1 + e) where z >= 0 and e/(1 + e)
    #       where z < 0 (np.where).
    raise NotImplementedError("TODO: sigmoid")


def affine_forward(x, W, b):
    """Fully connected layer: out = x W + b.

    Args:
        x: (N, D) inputs.
        W: (D, M) weights.
        b: (M,) biases.
    Returns:
        (out, cache): out (N, M); cache, anything affine_backward needs.
    """
    # TODO: compute out = x @ W + b and return it with a cache, e.g. (x, W, b).
    raise NotImplementedError("TODO: affine_forward")


def affine_backward(dout, cache):
    """Backward pass of affine_forward.

    Args:
        dout: (N, M) upstream gradient ∂L/∂out.
        cache: the cache your affine_forward returned.
    Returns:
        (dx, dW, db) with the shapes of x (N, D), W (D, M), b (M,).
    """
    # TODO: apply the chain rule to out = xW + b: dx = dout Wᵀ, dW = xᵀ dout, and db
    #       the sum of dout over the batch (b is added to every row). Do not modify
    #       dout or the cache.
    raise NotImplementedError("TODO: affine_backward")


def sigmoid_forward(z):
    """Sigmoid activation layer (激活函数).

    Args:
        z: array of any shape.
    Returns:
        (a, cache): a = σ(z), the shape of z; cache, anything sigmoid_backward needs.
    """
    # TODO: compute a = sigmoid(z) and return it with a cache.
    raise NotImplementedError("TODO: sigmoid_forward")


def sigmoid_backward(da, cache):
    """Backward pass of sigmoid_forward.

    Args:
        da: upstream gradient ∂L/∂a, the shape of a.
        cache: the cache your sigmoid_forward returned.
    Returns:
        dz = da · σ(z)(1 − σ(z)), the shape of a.
    """
    # TODO: multiply da by the local derivative σ'(z) = σ(z)(1 − σ(z)); note that it
    #       is written with σ(z), not with z.
    raise NotImplementedError("TODO: sigmoid_backward")


def bce_loss(a, y):
    """Binary cross entropy (交叉熵), averaged over all entries.

    loss = −(1/N) Σ [y log a + (1 − y) log(1 − a)], N = the number of entries of a.

    Args:
        a: predicted probabilities in (0, 1), any shape.
        y: targets, the shape of a.
    Returns:
        (loss, da): loss a float; da = ∂loss/∂a, the shape of a.
    """
    # TODO: compute the mean loss over all entries and its derivative
    #       da = −(y/a − (1 − y)/(1 − a)) / N (do not forget the 1/N).
    raise NotImplementedError("TODO: bce_loss")


def mlp_loss(params, X, y):
    """Loss and gradients of a two-layer sigmoid network.

    h = σ(X W1 + b1);  a = σ(h W2 + b2);  loss = bce_loss(a, y).

    Args:
        params: dict with W1 (D, H), b1 (H,), W2 (H, 1), b2 (1,).
        X: (N, D) inputs.
        y: (N, 1) targets.
    Returns:
        (loss, grads): loss a float; grads a dict with the keys of params and arrays
        of their shapes.
    """
    # TODO: forward pass (前向传播) with affine_forward / sigmoid_forward, keeping
    #       every cache; bce_loss; then the backward pass in reverse order:
    #       sigmoid_backward, affine_backward (output layer), sigmoid_backward,
    #       affine_backward (hidden layer). Return grads["W1"], grads["b1"], ...
    raise NotImplementedError("TODO: mlp_loss")


def numerical_gradient(f, x, h=1e-5):
    """Numerical gradient (数值梯度) of a scalar function f at x by central differences.

    grad[i] = (f(x + h eᵢ) − f(x − h eᵢ)) / 2h for every index i of x.

    Args:
        f: callable taking an array shaped like x and returning a scalar.
        x: float64 ndarray, any shape.
        h: step.
    Returns:
        float64 ndarray of the shape of x. x must be left exactly as it was found.
    """
    # TODO: loop over every index of x (np.ndindex(x.shape)); set x[i] = old + h,
    #       evaluate f, set x[i] = old - h, evaluate f, then put x[i] = old back
    #       (a try/finally makes sure it is restored).
    raise NotImplementedError("TODO: numerical_gradient")


# ---------------------------------------------------------------------------
# Part B — torch autograd (自动求导)
# ---------------------------------------------------------------------------

def quadratic_forward(x, w1, w2, b):
    """The quadratic model ŷ = w1·x² + w2·x + b.

    Args:
        x: a number or tensor.
        w1, w2, b: tensors.
    Returns:
        Tensor ŷ.
    """
    # TODO: return w1 * x**2 + w2 * x + b.
    raise NotImplementedError("TODO: quadratic_forward")


def train_quadratic(x, y, lr, epochs, w1=1.0, w2=1.0, b=1.0):
    """Fit ŷ = w1·x² + w2·x + b by per-sample SGD (随机梯度下降) with autograd.

    Args:
        x, y: 1-D sequences of floats of equal length.
        lr: learning rate (学习率).
        epochs: number of passes over the data.
        w1, w2, b: initial values.
    Returns:
        (w1, w2, b, losses): the final weights as Python floats; losses a list of
        ``epochs`` Python floats, losses[k] the mean over epoch k of the per-sample
        losses (ŷ − y)², each computed before that sample's update.
    """
    # TODO: make w1, w2, b tensors with requires_grad=True. For each epoch, for each
    #       (x, y) pair in order: l = (quadratic_forward(x, w1, w2, b) - y) ** 2;
    #       l.backward(); record l.item(); under torch.no_grad() do w -= lr * w.grad
    #       for each weight; then zero the gradients (w.grad.zero_()).
    raise NotImplementedError("TODO: train_quadratic")


def autograd_gradients(params, X, y, device="cpu"):
    """Gradients of mlp_loss's loss by torch autograd, computed on ``device``.

    Args:
        params: dict of float64 NumPy arrays W1 (D, H), b1 (H,), W2 (H, 1), b2 (1,).
        X: (N, D) float64 NumPy array.
        y: (N, 1) float64 NumPy array.
        device: a torch device string, "cpu" or "cuda".
    Returns:
        dict with the keys of params: float64 NumPy arrays of their shapes.
    """
    # TODO: turn each parameter into a tensor on `device` with requires_grad=True
    #       (X and y into tensors on `device` too); do mlp_loss's forward pass with
    #       torch.sigmoid and the mean binary cross entropy; call loss.backward();
    #       return {key: tensor.grad moved to the cpu as a float64 NumPy array}.
    raise NotImplementedError("TODO: autograd_gradients")
