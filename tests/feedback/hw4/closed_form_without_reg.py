# Realistic wrong submission: the normal equation without λI (plain least squares).
import numpy as np
import matplotlib.pyplot as plt

# the 10 Pokémon of the lecture's gradient descent demo: cp before / after evolution
x_data = [338., 333., 328., 207., 226., 25., 179., 60., 208., 606.]
y_data = [640., 633., 619., 393., 428., 27., 193., 66., 226., 1591.]


def polynomial_features(x, degree):
    x = np.array(x, dtype=float)
    feats = np.zeros((len(x), degree))
    for i in range(degree):
        feats[:, i] = x ** (i + 1)
    return feats


def standardize(X, mean=None, std=None):
    if mean is None:
        mean = np.mean(X, 0)
    if std is None:
        std = np.std(X, 0)
    return (X - mean) / std, mean, std


def predict(X, w, b):
    y_hat = b + np.dot(X, w)
    return y_hat


def loss(X, y, w, b, lam=0.0):
    L = 0.0
    y_hat = predict(X, w, b)
    for n in range(len(y)):
        L = L + (y[n] - y_hat[n]) ** 2
    L = L + lam * np.sum(np.square(w))
    return L


def loss_gradient(X, y, w, b, lam=0.0):
    y_hat = predict(X, w, b)
    w_grad = np.zeros(len(w))
    b_grad = 0.0
    for n in range(len(y)):
        b_grad = b_grad - 2.0 * (y[n] - y_hat[n]) * 1.0
        w_grad = w_grad - 2.0 * (y[n] - y_hat[n]) * X[n]
    w_grad = w_grad + 2.0 * lam * w
    return w_grad, b_grad


def fit_gd(X, y, lam, lr, epochs, adagrad=False):
    b = 0.0
    w = np.zeros(X.shape[1])
    lr_b = 0.0
    lr_w = np.zeros(X.shape[1])
    history = []
    for i in range(epochs):
        history.append(loss(X, y, w, b, lam))
        w_grad, b_grad = loss_gradient(X, y, w, b, lam)
        if adagrad:
            lr_b = lr_b + b_grad ** 2
            lr_w = lr_w + w_grad ** 2
            b = b - lr / np.sqrt(lr_b) * b_grad
            w = w - lr / np.sqrt(lr_w) * w_grad
        else:
            b = b - lr * b_grad
            w = w - lr * w_grad
    return w, b, history


def fit_closed_form(X, y, lam):
    N, D = X.shape
    A = np.concatenate([X, np.ones((N, 1))], axis=1)
    reg = lam * np.eye(D + 1)
    reg[D, D] = 0  # the bias is not regularized
    theta = np.linalg.inv(A.T.dot(A)).dot(A.T).dot(y)
    return theta[:D], theta[D]


def select_lambda(X_train, y_train, X_dev, y_dev, lams):
    best_lam, best_err = None, None
    dev_mse = []
    for lam in lams:
        w, b = fit_closed_form(X_train, y_train, lam)
        err = np.mean((y_dev - predict(X_dev, w, b)) ** 2)
        dev_mse.append(err)
        if best_err is None or err < best_err:
            best_lam, best_err = lam, err
    return best_lam, dev_mse


# ---- demo, as in the lecture ----
X, mean, std = standardize(polynomial_features(x_data, 2))
y = np.array(y_data)
w, b, history = fit_gd(X, y, 0.0, 1.0, 1000, adagrad=True)
print("adagrad:   w =", w, "b =", b, "loss =", history[-1])
w_cf, b_cf = fit_closed_form(X, y, 0.0)
print("closed form: w =", w_cf, "b =", b_cf, "loss =", loss(X, y, w_cf, b_cf))
plt.plot(history)
plt.yscale("log")
plt.xlabel("iteration")
plt.ylabel("loss")
plt.show()
