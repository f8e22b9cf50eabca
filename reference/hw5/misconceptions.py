"""Known mistakes in hw5 (classification), as wrong variants of the reference.

Each variant is called as ``variant(reference, *args)`` on the arguments of the
student's call that failed a test (see ``grader.hints``); when the student's output
matches the variant's, the student reads the hint.  A mistake in ``gaussian_mle``
spoils ``fit_generative``, one in ``binary_cross_entropy`` spoils the losses of
``logistic_regression``, and one in ``softmax`` spoils ``softmax_cross_entropy``, so
those functions declare the same mistake under the same id, computed as a submission
that reuses its own wrong function would compute it.

``seen`` says where each mistake was found in public student code for these very
exercises: Hung-yi Lee's ML homework 2 (income classification with a probabilistic
generative model and logistic regression, NTU ML 2017–2019 repositories) and its sample
code.  A mistake without ``seen`` was not found in the code we read.
"""

import numpy as np

from grader.hints import misconception

MLE_DDOF1 = (
    "your covariance divides by N − 1 (the unbiased estimate, np.cov's default): the "
    "maximum likelihood estimate divides by N, Σ* = (1/N) Σₙ (xₙ − μ*)(xₙ − μ*)ᵀ (use "
    "np.cov(X, rowvar=False, bias=True), or diff.T @ diff / N).",
    "你的协方差除以了 N − 1（无偏估计，np.cov 的默认）：最大似然估计除以 N，Σ* = (1/N) Σₙ (xₙ − μ*)(xₙ − μ*)ᵀ（用 np.cov(X, rowvar=False, bias=True)，或 diff.T @ diff / N）。")
PDF_DET_NO_SQRT = (
    "your density divides by (2π)^(D/2)·|Σ|: the normalizing constant is "
    "1 / sqrt((2π)^D |Σ|), so the determinant is under the square root too, "
    "(2π)^(D/2)·|Σ|^(1/2).",
    "你的概率密度除以了 (2π)^(D/2)·|Σ|：归一化常数是 1 / sqrt((2π)^D |Σ|)，行列式也在根号下，即 (2π)^(D/2)·|Σ|^(1/2)。")
SHARED_COV_AVERAGE = (
    "your shared covariance is the plain average (Σ₁ + Σ₀)/2: weight each class's "
    "covariance by its number of samples, Σ = (N₁Σ₁ + N₀Σ₀)/N (the maximum likelihood "
    "estimate of a covariance shared by both classes); the two differ when N₁ ≠ N₀.",
    "你的共享协方差是简单平均 (Σ₁ + Σ₀)/2：每个类别的协方差要按样本数加权，Σ = (N₁Σ₁ + N₀Σ₀)/N（两类共享协方差的最大似然估计）；N₁ ≠ N₀ 时两者不同。")
B_WITHOUT_PRIOR = (
    "your b leaves out the priors: P(C₁|x) = σ(z) with z = ln [p(x|C₁)P(C₁) / "
    "(p(x|C₀)P(C₀))], so b = −½μ₁ᵀΣ⁻¹μ₁ + ½μ₀ᵀΣ⁻¹μ₀ + ln(N₁/N₀); the last term matters "
    "when the classes have different sizes.",
    "你的 b 漏掉了先验：P(C₁|x) = σ(z)，z = ln [p(x|C₁)P(C₁) / (p(x|C₀)P(C₀))]，所以 b = −½μ₁ᵀΣ⁻¹μ₁ + ½μ₀ᵀΣ⁻¹μ₀ + ln(N₁/N₀)；两类样本数不同时最后一项很重要。")
CLASSES_SWAPPED = (
    "your w and b are the negatives of the expected ones: they give P(C₀|x), the "
    "posterior of class 0. Class 1 is C₁: w = Σ⁻¹(μ₁ − μ₀) with μ₁ the mean of the samples "
    "with y == 1, and b = −½μ₁ᵀΣ⁻¹μ₁ + ½μ₀ᵀΣ⁻¹μ₀ + ln(N₁/N₀).",
    "你的 w 和 b 是正确值的相反数：它们给出的是 P(C₀|x)，即类别 0 的后验概率。类别 1 是 C₁：w = Σ⁻¹(μ₁ − μ₀)，μ₁ 是 y == 1 的样本的均值，b = −½μ₁ᵀΣ⁻¹μ₁ + ½μ₀ᵀΣ⁻¹μ₀ + ln(N₁/N₀)。")
BCE_SUMMED = (
    "your cross entropy is a sum over the samples: it is the MEAN, "
    "−(1/N) Σₙ [yₙ ln pₙ + (1 − yₙ) ln(1 − pₙ)] (np.mean, or divide the sum by N).",
    "你的交叉熵是对样本求和：应取平均值 −(1/N) Σₙ [yₙ ln pₙ + (1 − yₙ) ln(1 − pₙ)]（用 np.mean，或把和除以 N）。")
LOSSES_AFTER_UPDATE = (
    "your losses are recorded after each update: losses[k] is the loss BEFORE update k, "
    "so losses[0] is the loss at w = 0, b = 0, which is ln 2 (compute p and append the "
    "loss first, then update w and b).",
    "你的损失是在每次更新之后记录的：losses[k] 是第 k 次更新之前的损失，所以 losses[0] 是 w = 0、b = 0 处的损失，即 ln 2（先算 p 并记录损失，再更新 w 和 b）。")
GRADIENT_ASCENT = (
    "your w and b move up the gradient, so the loss grows: gradient DESCENT subtracts "
    "it, w ← w − lr·(1/N) Xᵀ(p − y) and b ← b − lr·(1/N) Σ (p − y). Note the sign: the "
    "gradient of the cross entropy is Xᵀ(p − y)/N, i.e. −Xᵀ(y − p)/N.",
    "你的 w 和 b 在沿着梯度往上走，损失会增大：梯度下降要减去梯度，w ← w − lr·(1/N) Xᵀ(p − y)，b ← b − lr·(1/N) Σ (p − y)。注意符号：交叉熵的梯度是 Xᵀ(p − y)/N，即 −Xᵀ(y − p)/N。")
GRADIENT_SUMMED = (
    "your gradient is the gradient of the SUMMED cross entropy, N times too large: the "
    "loss is the mean, so its gradient is (1/N) Xᵀ(p − y) for w and the mean of (p − y) "
    "for b.",
    "你的梯度是求和形式交叉熵的梯度，大了 N 倍：损失是平均值，所以对 w 的梯度是 (1/N) Xᵀ(p − y)，对 b 的梯度是 (p − y) 的平均值。")
SOFTMAX_NO_MAX = (
    "your softmax overflows for large logits: np.exp(1000) is inf and inf/inf is NaN. "
    "Subtract each row's maximum before np.exp, Z - Z.max(axis=1, keepdims=True) "
    "(softmax is unchanged by adding a constant to a row).",
    "你的 softmax 在 logits 很大时溢出：np.exp(1000) 是 inf，inf/inf 是 NaN。在 np.exp 之前先减去每一行的最大值，Z - Z.max(axis=1, keepdims=True)（每行加同一个常数不改变 softmax）。")
SOFTMAX_COLUMNS = (
    "your softmax normalizes the columns: each ROW is one sample's scores over the K "
    "classes, so divide by the row sums, e.sum(axis=1, keepdims=True) (and take the row "
    "maxima with axis=1, keepdims=True).",
    "你的 softmax 对列做了归一化：每一行是一个样本在 K 个类别上的得分，所以要除以行和 e.sum(axis=1, keepdims=True)（取每行最大值时也用 axis=1, keepdims=True）。")
SCE_SUMMED = (
    "your loss and dlogits are N times too large: the loss is the MEAN over the samples, "
    "−(1/N) Σₙ ln softmax(zₙ)[yₙ], so dlogits = (softmax − onehot) / N.",
    "你的损失和 dlogits 大了 N 倍：损失是对样本的平均 −(1/N) Σₙ ln softmax(zₙ)[yₙ]，所以 dlogits = (softmax − onehot) / N。")
DLOGITS_NO_MEAN = (
    "your dlogits lacks the 1/N: the loss is a mean over the N samples, so its gradient "
    "is dlogits = (softmax(logits) − onehot(labels)) / N.",
    "你的 dlogits 少了 1/N：损失是 N 个样本的平均，所以它的梯度是 dlogits = (softmax(logits) − onehot(labels)) / N。")
ACCURACY_COUNT = (
    "your accuracy is the NUMBER of correct predictions: return the fraction, "
    "np.mean(y_pred == y) (the count divided by N).",
    "你的准确率是预测正确的个数：应返回比例 np.mean(y_pred == y)（个数除以 N）。")


# ------------------------------------------------------------ where they were seen

SEEN_NP_COV = ("andyh0913/ML2019SPRING: hw2/hw2_generative.py (np.cov(x_train[np.where(y_train==0)], rowvar=False))",
               "TobyChen0106/ML2019SPRING: hw2/generative.py (np.cov(x_train, rowvar = False))")
SEEN_CLASSES_SWAPPED = ("ChenHaoHSU/ML2019SPRING: hw2/hw2_generative.py (w from mean_0 - mean_1, "
                        "b with np.log(N0 / N1): σ(w·x + b) is P(C0|x))",)
SEEN_COV_ALL_SAMPLES = ("TobyChen0106/ML2019SPRING: hw2/generative.py (cov_0 = cov_1 = np.cov(x_train, "
                        "rowvar = False), both on every sample)",)
SEEN_PDF_NO_2PI = ("orbxball/ML2017: hw2/generative.py (1 / det(cov)**0.5 * np.exp(t), no (2π)^(D/2))",)
SEEN_PDF_2PI_HALF = ("alvinbhou/ML2017: hw2/hw2_generative.py (para1 = 1 / ((2 * pi) ** (1/2)))",)
SEEN_SOFTMAX_GLOBAL_MAX = ("kingtaurus/cs231n: assignment1/cs231n/classifiers/softmax.py (max_f = np.max(f); f -= max_f)",
                           "hershic/cs231n: classifiers/softmax.py (scores - np.max(scores), in forward_vectorized)")
SEEN_SOFTMAX_NO_MAX = ("hershic/cs231n: classifiers/softmax.py (local_scores = np.exp(scores), in forward_naive)",
                       "xavi1989/cs231n: CS231N/assignment1/cs231n/classifiers/softmax.py (scores = pow(math.e, X1))",
                       "xavi1989/cs231n: CS231N/MyHW/assignment1/cs231n/classifiers/softmax.py (score = np.exp(score))")
SEEN_BCE_SUM = ("zfireear/Machine-Learning: logistic_regression/lrcode.md",  # HW2's sample code
                "ChenHaoHSU/ML2019SPRING: hw2/hw2_logistic.py (-np.dot(Y_label, np.log(y_pred)) - np.dot(...))",
                "harry830622/ML2017: hw2/logistic.py (np.sum(-(y_hat.T.dot(np.log(y)) + ...)))")
SEEN_GRADIENT_SUM = ("zfireear/Machine-Learning: logistic_regression/lrcode.md",  # -np.sum(pred_error * X.T, 1)
                     "harry830622/ML2017: hw2/logistic.py (gradient = training_x.transpose().dot(loss))",
                     "kevin71104/ML2017: hw2/hw2_logistic.py (bgrad = np.sum(temp); wgrad = np.dot(temp, train))",
                     "alvinbhou/ML2017: hw2/hw2_logistic.py (b_grad = b_grad - (y - f) over the samples)")


def _f64(*arrays):
    return [np.asarray(a, dtype=np.float64) for a in arrays]


# ------------------------------------------------------------ generative model

def _mle_ddof1(X):
    X = np.asarray(X, dtype=np.float64)
    mu = X.mean(axis=0)
    diff = X - mu
    return mu, diff.T @ diff / (X.shape[0] - 1)


def _generative(X, y, *, mle=None, combine=None, prior=True, swap=False):
    """The reference's fit_generative with one step done the wrong way."""
    X = np.asarray(X, dtype=np.float64)
    ones = np.asarray(y) == 1
    if swap:
        ones = ~ones
    X1, X0 = X[ones], X[~ones]
    n1, n0 = len(X1), len(X0)
    mle = mle or (lambda A: (A.mean(axis=0), (A - A.mean(axis=0)).T @ (A - A.mean(axis=0)) / len(A)))
    (mu1, s1), (mu0, s0) = mle(X1), mle(X0)
    sigma = combine(s1, s0, n1, n0) if combine else (n1 * s1 + n0 * s0) / (n1 + n0)
    w = np.linalg.solve(sigma, mu1 - mu0)
    b = -0.5 * mu1 @ np.linalg.solve(sigma, mu1) + 0.5 * mu0 @ np.linalg.solve(sigma, mu0)
    if prior:
        b += np.log(n1 / n0)
    return w, float(b)


@misconception("gaussian_mle", id="mle_ddof1", hint=MLE_DDOF1[0], hint_zh=MLE_DDOF1[1],
               seen=SEEN_NP_COV)
def mle_ddof1(reference, X):
    return _mle_ddof1(X)


@misconception("fit_generative", id="mle_ddof1", hint=MLE_DDOF1[0], hint_zh=MLE_DDOF1[1],
               seen=SEEN_NP_COV)
def generative_mle_ddof1(reference, X, y):
    return _generative(X, y, mle=_mle_ddof1)


@misconception("gaussian_pdf", id="pdf_det_no_sqrt", hint=PDF_DET_NO_SQRT[0], hint_zh=PDF_DET_NO_SQRT[1])
def pdf_det_no_sqrt(reference, X, mu, sigma):
    X, mu, sigma = _f64(X, mu, sigma)
    diff = X - mu
    quad = np.sum(diff @ np.linalg.inv(sigma) * diff, axis=1)
    return np.exp(-0.5 * quad) / ((2 * np.pi) ** (len(mu) / 2) * np.linalg.det(sigma))


@misconception("fit_generative", id="shared_cov_average", hint=SHARED_COV_AVERAGE[0], hint_zh=SHARED_COV_AVERAGE[1])
def shared_cov_average(reference, X, y):
    return _generative(X, y, combine=lambda s1, s0, n1, n0: (s1 + s0) / 2)


@misconception("fit_generative", id="b_without_prior", hint=B_WITHOUT_PRIOR[0], hint_zh=B_WITHOUT_PRIOR[1])
def b_without_prior(reference, X, y):
    return _generative(X, y, prior=False)


@misconception("fit_generative", id="classes_swapped", hint=CLASSES_SWAPPED[0], hint_zh=CLASSES_SWAPPED[1],
               seen=SEEN_CLASSES_SWAPPED)
def classes_swapped(reference, X, y):
    return _generative(X, y, swap=True)


# ------------------------------------------------------------ logistic regression

def _logistic(reference, X, y, lr, epochs, *, after=False, sign=1.0, mean_grad=True,
              loss_scale=1.0):
    """The reference's logistic_regression with one step done the wrong way."""
    X, y = _f64(X, y)
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    scale = 1.0 / n if mean_grad else 1.0
    losses = []
    for _ in range(epochs):
        p = reference.posterior(X, w, b)
        if not after:
            losses.append(reference.binary_cross_entropy(p, y) * loss_scale)
        error = p - y
        w = w - sign * lr * (X.T @ error) * scale
        b = b - sign * lr * float(np.sum(error)) * scale
        if after:
            losses.append(reference.binary_cross_entropy(reference.posterior(X, w, b), y) * loss_scale)
    return w, float(b), losses


@misconception("binary_cross_entropy", id="bce_summed", hint=BCE_SUMMED[0], hint_zh=BCE_SUMMED[1],
               seen=SEEN_BCE_SUM)
def bce_summed(reference, p, y):
    return reference.binary_cross_entropy(p, y) * np.asarray(p).size


@misconception("logistic_regression", id="bce_summed", hint=BCE_SUMMED[0], hint_zh=BCE_SUMMED[1],
               seen=SEEN_BCE_SUM)
def logistic_bce_summed(reference, X, y, lr, epochs):
    return _logistic(reference, X, y, lr, epochs, loss_scale=float(np.asarray(X).shape[0]))


@misconception("logistic_regression", id="losses_after_update", hint=LOSSES_AFTER_UPDATE[0], hint_zh=LOSSES_AFTER_UPDATE[1])
def losses_after_update(reference, X, y, lr, epochs):
    return _logistic(reference, X, y, lr, epochs, after=True)


@misconception("logistic_regression", id="gradient_ascent", hint=GRADIENT_ASCENT[0], hint_zh=GRADIENT_ASCENT[1])
def gradient_ascent(reference, X, y, lr, epochs):
    return _logistic(reference, X, y, lr, epochs, sign=-1.0)


@misconception("logistic_regression", id="gradient_summed", hint=GRADIENT_SUMMED[0], hint_zh=GRADIENT_SUMMED[1],
               seen=SEEN_GRADIENT_SUM)
def gradient_summed(reference, X, y, lr, epochs):
    return _logistic(reference, X, y, lr, epochs, mean_grad=False)


# ------------------------------------------------------------ softmax

def _naive_softmax(Z):
    e = np.exp(np.asarray(Z, dtype=np.float64))
    return e / e.sum(axis=1, keepdims=True)


def _column_softmax(Z):
    Z = np.asarray(Z, dtype=np.float64)
    e = np.exp(Z - Z.max())
    return e / e.sum(axis=0, keepdims=True)


def _sce_with(softmax, logits, labels):
    S = softmax(logits)
    labels = np.asarray(labels, dtype=np.int64)
    n = S.shape[0]
    rows = np.arange(n)
    loss = -np.mean(np.log(S[rows, labels]))
    d = S.copy()
    d[rows, labels] -= 1.0
    return float(loss), d / n


@misconception("softmax", id="softmax_no_max", hint=SOFTMAX_NO_MAX[0], hint_zh=SOFTMAX_NO_MAX[1],
               seen=SEEN_SOFTMAX_NO_MAX)
def softmax_no_max(reference, Z):
    return _naive_softmax(Z)


@misconception("softmax_cross_entropy", id="softmax_no_max", hint=SOFTMAX_NO_MAX[0], hint_zh=SOFTMAX_NO_MAX[1],
               seen=SEEN_SOFTMAX_NO_MAX)
def sce_softmax_no_max(reference, logits, labels):
    return _sce_with(_naive_softmax, logits, labels)


@misconception("softmax", id="softmax_columns", hint=SOFTMAX_COLUMNS[0], hint_zh=SOFTMAX_COLUMNS[1])
def softmax_columns(reference, Z):
    return _column_softmax(Z)


@misconception("softmax_cross_entropy", id="softmax_columns", hint=SOFTMAX_COLUMNS[0], hint_zh=SOFTMAX_COLUMNS[1])
def sce_softmax_columns(reference, logits, labels):
    return _sce_with(_column_softmax, logits, labels)


@misconception("softmax_cross_entropy", id="sce_summed", hint=SCE_SUMMED[0], hint_zh=SCE_SUMMED[1])
def sce_summed(reference, logits, labels):
    loss, dlogits = reference.softmax_cross_entropy(logits, labels)
    n = np.asarray(logits).shape[0]
    return loss * n, dlogits * n


@misconception("softmax_cross_entropy", id="dlogits_no_mean", hint=DLOGITS_NO_MEAN[0], hint_zh=DLOGITS_NO_MEAN[1])
def dlogits_no_mean(reference, logits, labels):
    loss, dlogits = reference.softmax_cross_entropy(logits, labels)
    return loss, dlogits * np.asarray(logits).shape[0]


# ------------------------------------------------------------ accuracy

@misconception("accuracy", id="accuracy_count", hint=ACCURACY_COUNT[0], hint_zh=ACCURACY_COUNT[1])
def accuracy_count(reference, y_pred, y):
    return np.sum(np.asarray(y_pred) == np.asarray(y))  # an int, like the count itself


# ------------------------------------------------------------ more mistakes

BCE_ONE_TERM = (
    "your cross entropy only has the y·ln p term: the samples of class 0 contribute "
    "(1 − y)·ln(1 − p), so loss = −mean[y ln p + (1 − y) ln(1 − p)].",
    "你的交叉熵只有 y·ln p 这一项：类别 0 的样本贡献的是 (1 − y)·ln(1 − p)，所以 "
    "loss = −mean[y ln p + (1 − y) ln(1 − p)]。")
DLOGITS_NO_ONEHOT = (
    "your dlogits is softmax(logits)/N: the gradient of −ln softmax(z)[y] subtracts 1 at "
    "the true class, dlogits = (softmax − onehot(labels)) / N.",
    "你的 dlogits 是 softmax(logits)/N：−ln softmax(z)[y] 的梯度要在真实类别处减 1，"
    "dlogits = (softmax − onehot(labels)) / N。")
PDF_NO_HALF = (
    "your exponent lacks the ½: the density is exp(−½ (x − μ)ᵀ Σ⁻¹ (x − μ)) / "
    "sqrt((2π)^D |Σ|).",
    "你的指数里少了 ½：密度是 exp(−½ (x − μ)ᵀ Σ⁻¹ (x − μ)) / sqrt((2π)^D |Σ|)。")
PDF_SIGMA_NOT_INVERTED = (
    "your exponent uses Σ where Σ⁻¹ belongs: the Mahalanobis term is (x − μ)ᵀ Σ⁻¹ (x − μ) "
    "(np.linalg.inv(sigma), or np.linalg.solve(sigma, x − μ)).",
    "你的指数中用了 Σ，而应是 Σ⁻¹：马氏距离项是 (x − μ)ᵀ Σ⁻¹ (x − μ)（用 np.linalg.inv(sigma)，"
    "或 np.linalg.solve(sigma, x − μ)）。")


@misconception("binary_cross_entropy", id="bce_one_term", hint=BCE_ONE_TERM[0], hint_zh=BCE_ONE_TERM[1])
def bce_one_term(reference, p, y):
    p, y = _f64(p, y)
    return float(-np.mean(y * np.log(p)))


@misconception("softmax_cross_entropy", id="dlogits_no_onehot", hint=DLOGITS_NO_ONEHOT[0],
               hint_zh=DLOGITS_NO_ONEHOT[1])
def dlogits_no_onehot(reference, logits, labels):
    loss, _ = reference.softmax_cross_entropy(logits, labels)
    return loss, reference.softmax(logits) / np.asarray(logits).shape[0]


def _pdf(X, mu, sigma, *, half=0.5, inverse=True):
    X, mu, sigma = _f64(X, mu, sigma)
    d = X - mu
    m = sigma if not inverse else np.linalg.inv(sigma)
    quad = np.einsum("ni,ij,nj->n", d, m, d)
    D = X.shape[1]
    return np.exp(-half * quad) / np.sqrt((2 * np.pi) ** D * np.linalg.det(sigma))


@misconception("gaussian_pdf", id="pdf_no_half", hint=PDF_NO_HALF[0], hint_zh=PDF_NO_HALF[1])
def pdf_no_half(reference, X, mu, sigma):
    return _pdf(X, mu, sigma, half=1.0)


@misconception("gaussian_pdf", id="pdf_sigma_not_inverted", hint=PDF_SIGMA_NOT_INVERTED[0],
               hint_zh=PDF_SIGMA_NOT_INVERTED[1])
def pdf_sigma_not_inverted(reference, X, mu, sigma):
    return _pdf(X, mu, sigma, inverse=False)


# ------------------------------------------------------------ more mistakes, from the code we read

SHARED_COV_ALL_SAMPLES = (
    "your shared Σ is the covariance of ALL the samples around their overall mean (np.cov(X)): "
    "it also counts the spread between the two class means.  Fit each class's Gaussian on its "
    "own samples (Σ₁ around μ₁, Σ₀ around μ₀, dividing by Nₖ) and share "
    "Σ = (N₁Σ₁ + N₀Σ₀)/N.",
    "你的共享 Σ 是所有样本围绕总体均值的协方差（np.cov(X)）：它把两个类别均值之间的差异也算了进去。"
    "应在每个类别自己的样本上拟合高斯分布（Σ₁ 围绕 μ₁，Σ₀ 围绕 μ₀，除以 Nₖ），再共享 "
    "Σ = (N₁Σ₁ + N₀Σ₀)/N。")
PDF_NO_2PI = (
    "your density leaves out (2π)^(D/2): it is exp(−½ (x − μ)ᵀ Σ⁻¹ (x − μ)) / "
    "sqrt((2π)^D |Σ|).  The constant cancels in the posterior P(C₁|x), but gaussian_pdf "
    "must return the density itself.",
    "你的密度漏掉了 (2π)^(D/2)：密度是 exp(−½ (x − μ)ᵀ Σ⁻¹ (x − μ)) / sqrt((2π)^D |Σ|)。"
    "这个常数在后验概率 P(C₁|x) 中会被约掉，但 gaussian_pdf 必须返回密度本身。")
PDF_2PI_HALF = (
    "your normalizer has (2π)^(1/2), that of a one-dimensional Gaussian: in D dimensions it "
    "is (2π)^(D/2) |Σ|^(1/2), i.e. sqrt((2π)^D |Σ|), D = X.shape[1].",
    "你的归一化常数用的是 (2π)^(1/2)，那是一维高斯分布的：D 维时它是 (2π)^(D/2) |Σ|^(1/2)，"
    "即 sqrt((2π)^D |Σ|)，D = X.shape[1]。")
SOFTMAX_GLOBAL_MAX = (
    "you subtract the maximum of the whole array: a row whose logits are all far below it "
    "(−1000 next to a row of 1000) gives exp(−2000) = 0 everywhere, and 0/0.  Subtract each "
    "ROW's maximum: Z − Z.max(axis=1, keepdims=True).",
    "你减去的是整个数组的最大值：如果某一行的 logits 都远小于它（一行是 1000，另一行是 −1000），"
    "这一行就全是 exp(−2000) = 0，出现 0/0。应减去每一行的最大值：Z − Z.max(axis=1, keepdims=True)。")


@misconception("fit_generative", id="shared_cov_all_samples", hint=SHARED_COV_ALL_SAMPLES[0],
               hint_zh=SHARED_COV_ALL_SAMPLES[1], seen=SEEN_COV_ALL_SAMPLES)
def shared_cov_all_samples(reference, X, y):
    X = np.asarray(X, dtype=np.float64)
    return _generative(X, y, combine=lambda s1, s0, n1, n0: np.cov(X, rowvar=False))


@misconception("gaussian_pdf", id="pdf_no_2pi", hint=PDF_NO_2PI[0], hint_zh=PDF_NO_2PI[1], seen=SEEN_PDF_NO_2PI)
def pdf_no_2pi(reference, X, mu, sigma):
    X = np.asarray(X, dtype=np.float64)
    return _pdf(X, mu, sigma) * np.sqrt((2 * np.pi) ** X.shape[1])


@misconception("gaussian_pdf", id="pdf_2pi_half", hint=PDF_2PI_HALF[0], hint_zh=PDF_2PI_HALF[1], seen=SEEN_PDF_2PI_HALF)
def pdf_2pi_half(reference, X, mu, sigma):
    X = np.asarray(X, dtype=np.float64)
    if X.shape[1] == 1:
        raise ValueError("the same as the reference in one dimension")
    return _pdf(X, mu, sigma) * np.sqrt((2 * np.pi) ** X.shape[1]) / np.sqrt(2 * np.pi)


@misconception("softmax", id="softmax_global_max", hint=SOFTMAX_GLOBAL_MAX[0], hint_zh=SOFTMAX_GLOBAL_MAX[1],
               seen=SEEN_SOFTMAX_GLOBAL_MAX)
def softmax_global_max(reference, Z):
    Z = np.asarray(Z, dtype=np.float64)
    with np.errstate(all="ignore"):
        e = np.exp(Z - Z.max())
        return e / e.sum(axis=1, keepdims=True)
