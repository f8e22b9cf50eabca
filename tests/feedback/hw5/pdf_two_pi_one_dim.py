# Realistic wrong submission: the normalizer written with (2*pi)**(1/2), as for one dimension.
import numpy as np
import matplotlib.pyplot as plt

np.random.seed(0)


def _sigmoid(z):
    # stable sigmoid, clipped as in the sample code
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return np.clip(s, 1e-8, 1 - (1e-8))


def gaussian_mle(X):
    X = np.array(X, dtype=float)
    data_dim = X.shape[1]
    mean = np.mean(X, axis=0)
    cov = np.zeros((data_dim, data_dim))
    for x in X:
        cov += np.dot(np.transpose([x - mean]), [x - mean]) / X.shape[0]
    return mean, cov


def gaussian_pdf(X, mu, sigma):
    X = np.array(X, dtype=float)
    D = X.shape[1]
    inv = np.linalg.inv(sigma)
    out = np.zeros(X.shape[0])
    for i, x in enumerate(X):
        d = x - mu
        out[i] = np.exp(-0.5 * np.dot(d, np.dot(inv, d))) * (1 / (2 * np.pi) ** (1 / 2)) * (1 / np.linalg.det(sigma) ** (1 / 2))
    return out


def fit_generative(X, y):
    X_train_1 = np.array([x for x, t in zip(X, y) if t == 1])
    X_train_0 = np.array([x for x, t in zip(X, y) if t == 0])
    mean_1, cov_1 = gaussian_mle(X_train_1)
    mean_0, cov_0 = gaussian_mle(X_train_0)
    # Shared covariance is taken as a weighted average of individual in-class covariance.
    cov = (cov_0 * X_train_0.shape[0] + cov_1 * X_train_1.shape[0]) / (X_train_0.shape[0] + X_train_1.shape[0])
    # Compute inverse of covariance matrix.
    # Since covariance matrix may be nearly singular, np.linalg.inv() may give a large numerical error.
    # Via SVD decomposition, one can get matrix inverse efficiently and accurately.
    u, s, v = np.linalg.svd(cov, full_matrices=False)
    inv = np.matmul(v.T * 1 / s, u.T)
    w = np.dot(inv, mean_1 - mean_0)
    b = (-0.5) * np.dot(mean_1, np.dot(inv, mean_1)) + 0.5 * np.dot(mean_0, np.dot(inv, mean_0)) \
        + np.log(float(X_train_1.shape[0]) / X_train_0.shape[0])
    return w, b


def posterior(X, w, b):
    return _sigmoid(np.matmul(X, w) + b)


def binary_cross_entropy(p, y):
    y = np.asarray(y, dtype=float)
    cross_entropy = -np.dot(y, np.log(p)) - np.dot((1 - y), np.log(1 - p))
    return cross_entropy / len(y)


def _gradient(X, Y_label, w, b):
    # This function computes the gradient of the (mean) cross entropy loss with respect to weight w and bias b.
    y_pred = posterior(X, w, b)
    pred_error = Y_label - y_pred
    w_grad = -np.sum(pred_error * X.T, 1) / len(Y_label)
    b_grad = -np.sum(pred_error) / len(Y_label)
    return w_grad, b_grad


def logistic_regression(X, y, lr, epochs):
    X = np.array(X, dtype=float)
    y = np.array(y, dtype=float)
    w = np.zeros((X.shape[1],))
    b = np.zeros((1,))[0]
    train_loss = []
    for epoch in range(epochs):
        train_loss.append(binary_cross_entropy(posterior(X, w, b), y))
        w_grad, b_grad = _gradient(X, y, w, b)
        w = w - lr * w_grad
        b = b - lr * b_grad
    return w, b, train_loss


def softmax(Z):
    Z = np.array(Z, dtype=float)
    exp = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return exp / np.sum(exp, axis=1, keepdims=True)


def softmax_cross_entropy(logits, labels):
    N = len(labels)
    probs = softmax(logits)
    onehot = np.zeros_like(probs)
    for i, label in enumerate(labels):
        onehot[i, label] = 1
    loss = -np.sum(onehot * np.log(probs)) / N
    return loss, (probs - onehot) / N


def accuracy(y_pred, y):
    # the fraction of correct predictions
    acc = np.sum(np.asarray(y_pred) == np.asarray(y)) / len(y)
    return acc


# ------------------------------------------------------------------ demo
X_train = np.concatenate([np.random.randn(60, 2) + [1, 1], np.random.randn(40, 2) - [1, 1]])
Y_train = np.concatenate([np.ones(60), np.zeros(40)])

w, b = fit_generative(X_train, Y_train)
print('generative: w =', w, 'b =', b)
print('Training accuracy (generative): {}'.format(accuracy(np.round(posterior(X_train, w, b)), Y_train)))

w, b, train_loss = logistic_regression(X_train, Y_train, 0.1, 200)
print('Training loss: {}'.format(train_loss[-1]))
print('Training accuracy (logistic): {}'.format(accuracy(np.round(posterior(X_train, w, b)), Y_train)))

plt.plot(train_loss)
plt.title('Loss')
plt.legend(['train'])
plt.show()
