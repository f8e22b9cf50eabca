"""Known mistakes in hw4 (regression with regularization), as wrong variants of the
reference.

Each variant is called as ``variant(reference, *args)`` on the arguments of the
student's call that failed a test (see ``grader.hints``); when the student's output
matches the variant's, the student reads the hint.  A mistake in ``loss`` or
``loss_gradient`` also spoils ``fit_gd`` (and one in ``fit_closed_form`` spoils
``select_lambda``), so those functions declare the same mistake under the same id,
computed as a submission that reuses its own wrong function would compute it.

``seen`` says where each mistake was found in public student code for these very
exercises: Hung-yi Lee's ML homework 1 (PM2.5 regression with Adagrad and
regularization, NTU ML 2017–2020 repositories), the lecture's Pokémon demo, and course
labs on polynomial features.  A mistake without ``seen`` was not found in the code we
read; it comes from the issue's trial run.
"""

import numpy as np

from grader.hints import misconception

POLY_STARTS_AT_X0 = (
    "your columns are x⁰, x¹, …, x^(degree−1): the first is a column of ones. The "
    "columns are x¹ … x^degree (powers 1 to degree, e.g. range(1, degree + 1)); the "
    "model's bias b already plays the part of x⁰.",
    "你的特征列是 x⁰, x¹, …, x^(degree−1)：第一列全是 1。特征列应为 x¹ … x^degree（1 到 degree 次幂，例如 range(1, degree + 1)）；模型的偏置 b 已经起到了 x⁰ 的作用。")
POLY_BIAS_COLUMN = (
    "your features have an extra first column of ones (x⁰): return only x¹ … x^degree, "
    "shape (N, degree); the model's bias b plays the part of x⁰.",
    "你的特征多了第一列全 1（x⁰）：只返回 x¹ … x^degree，形状为 (N, degree)；模型的偏置 b 起到了 x⁰ 的作用。")
STD_DDOF1 = (
    "your std is the sample standard deviation (ddof = 1, dividing by N − 1): use the "
    "population std, sqrt((1/N) Σ (x − mean)²), i.e. X.std(axis=0) (NumPy's default "
    "ddof = 0), not ddof=1 and not pandas' .std().",
    "你的标准差是样本标准差（ddof = 1，除以 N − 1）：应使用总体标准差 sqrt((1/N) Σ (x − mean)²)，即 X.std(axis=0)（NumPy 默认 ddof = 0），而不是 ddof=1，也不是 pandas 的 .std()。")
STATS_IGNORED = (
    "you recompute mean and std from X even when they are given: at test time the "
    "training set's mean and std are passed in and must be used as they are (compute "
    "them only when the argument is None).",
    "即使传入了 mean 和 std，你也重新从 X 计算了它们：测试时传入的是训练集的 mean 和 std，必须原样使用（只有参数为 None 时才自己计算）。")
LOSS_MEAN = (
    "your loss (or its gradient) is a mean over the samples: the lecture's loss is the "
    "SUM Σₙ (yₙ − ŷₙ)² + λ Σ wᵢ², with no 1/N (and its gradient has no 1/N either).",
    "你的损失（或它的梯度）对样本取了平均：课上的损失是求和 Σₙ (yₙ − ŷₙ)² + λ Σ wᵢ²，没有 1/N（梯度里也没有 1/N）。")
BIAS_REGULARIZED = (
    "you regularize the bias: the λ term is λ Σ wᵢ² over the weights only. b just "
    "shifts the curve, so it is not penalized: no λ·b² in the loss, no 2λ·b in db, and in "
    "the closed form a 0 (not λ) in the bias's diagonal entry, or center X and y and "
    "take b = ȳ − x̄·w.",
    "你对偏置做了正则化：λ 项 λ Σ wᵢ² 只对权重求和。b 只是平移曲线，不受惩罚：损失里没有 λ·b²，db 里没有 2λ·b；闭式解中偏置对应的对角元素是 0（不是 λ），或者先把 X 和 y 中心化，再取 b = ȳ − x̄·w。")
GRADIENT_MISSING_2 = (
    "your gradient is half the right one: the derivative of (y − ŷ)² is −2(y − ŷ)·∂ŷ, "
    "and that of λw² is 2λw: dw = −2 Xᵀ(y − ŷ) + 2λw, db = −2 Σ (y − ŷ).",
    "你的梯度只有正确值的一半：(y − ŷ)² 的导数是 −2(y − ŷ)·∂ŷ，λw² 的导数是 2λw：dw = −2 Xᵀ(y − ŷ) + 2λw，db = −2 Σ (y − ŷ)。")
REG_GRADIENT_MISSING_2 = (
    "the λ part of your dw is λ·w: the derivative of λ Σ wᵢ² is 2λ·w (dw = −2 Xᵀ(y − ŷ) "
    "+ 2λw).",
    "你的 dw 中 λ 那一项是 λ·w：λ Σ wᵢ² 的导数是 2λ·w（dw = −2 Xᵀ(y − ŷ) + 2λw）。")
LOSSES_AFTER_UPDATE = (
    "your losses are recorded after each update: losses[k] is the loss BEFORE update k, "
    "so losses[0] is the loss at w = 0, b = 0 (append the loss first, then update).",
    "你的损失是在每次更新之后记录的：losses[k] 是第 k 次更新之前的损失，所以 losses[0] 是 w = 0、b = 0 处的损失（先记录损失，再更新）。")
ADAGRAD_G_EXCLUDES_CURRENT = (
    "your Adagrad divides by the sum of the PREVIOUS squared gradients: add this step's "
    "g² to G first, then step by lr·g / sqrt(G + 1e-8) (the first step is then lr·sign(g), "
    "not lr·g / 1e-4).",
    "你的 Adagrad 除以的是之前各步梯度平方之和：应先把这一步的 g² 加到 G 上，再按 lr·g / sqrt(G + 1e-8) 更新（这样第一步是 lr·sign(g)，而不是 lr·g / 1e-4）。")
ADAGRAD_NO_SQRT = (
    "your Adagrad divides by G itself: the step is lr·g / sqrt(G + 1e-8), the ROOT of the "
    "sum of squared gradients.",
    "你的 Adagrad 直接除以了 G：步长是 lr·g / sqrt(G + 1e-8)，要对梯度平方和开根号。")
ADAGRAD_SHARED_G = (
    "your Adagrad keeps one G for all parameters together: each parameter (each wᵢ and "
    "b) has its own sum of ITS squared gradients, G_w = G_w + dw**2 elementwise and "
    "G_b = G_b + db**2.",
    "你的 Adagrad 让所有参数共用一个 G：每个参数（每个 wᵢ 和 b）都有它自己的梯度平方和，逐元素 G_w = G_w + dw**2，G_b = G_b + db**2。")
LAMBDA_INDEX = (
    "you return the index of the best λ: return the value, lams[i] for the best i.",
    "你返回的是最优 λ 的下标：应返回它的值，即最优 i 对应的 lams[i]。")
DEV_ERROR_SUM = (
    "your dev error is a sum: dev_mse is the MEAN squared error on the dev set, "
    "(1/M) Σ (y_dev − ŷ_dev)², so that it does not grow with the dev set's size.",
    "你的开发集误差是求和：dev_mse 是开发集上的均方误差 (1/M) Σ (y_dev − ŷ_dev)²，这样它不会随开发集的大小而增大。")

# ------------------------------------------------------------ where they were seen

SEEN_POLY_X0 = ("Apress/deep-learning-w-python: code/chapter02/chapter2.py "
                "(numpy.power(x_train, i) for i in xrange(0, degree), printed as degree − 1)",
                "nailbiter/for: forpython/forml/toy.py")
SEEN_POLY_ONES = ("orfeasliossatos/ML_course: labs/ex03/template/build_polynomial.py "
                  "(x ** d for d in range(degree + 1))",
                  "david-schroeter/ML_course: labs/ex03/template/build_polynomial.py",
                  "ChenHaoHSU/ML2019SPRING: hw1/train.py (np.c_[train_X, np.ones(...)], the bias as a feature)")
SEEN_LOSS_MEAN = ("prprprpony/ML2019SPRING: hw1/adagrad-train.py (grad = -2/N * np.matmul(xt, delta_y))",
                  "joe0123/HYML2020: HW01/train.py (np.sum(diff ** 2) / train_x.shape[0])")
SEEN_BIAS_REG_GRADIENT = ("victoresque/ML2017FALL: hw1/util.py (+ 2 * reg * w, w with the bias's column)",
                          "jimpei8989/ML2019SPRING: hw1/Reproduce/Best/train.py (+ 2 * lamb * w.T, "
                          "X with a column of ones)")
SEEN_BIAS_REG_CLOSED = ("victoresque/ML2017FALL: hw1/train.py (Lambda * np.identity(train_X.shape[1]) "
                        "on the homogeneous X)",)
SEEN_MISSING_2 = ("joe0123/HYML2020: HW01/train.py (dw = -np.dot(train_x.T, diff) + …)",
                  "HHU-ANN/linear-regression-AcompliceCC: _02_Linear_Regression/Linear_Regression.py "
                  "(grad = (X.T @ (X @ w - y)) + 0.1 * w)")
SEEN_REG_MISSING_2 = ("ChenHaoHSU/ML2019SPRING: hw2/hw2_logistic.py (w_grad = … + lamda*w, in homework 2's "
                      "logistic regression)",)
SEEN_REG_SIGN = ("mhfu0/ML2017FALL: hw1/train_linear.py (w_grad[i] -= np.dot(2*dy, x.T[i]) + 2*ld*w[i])",
                 "yistLin/ML2017: hw1/gradient_descent.py (w_grad - reg_lambda * w)")
SEEN_LOSSES_AFTER = ("joe0123/HYML2020: HW01/train.py (the loss appended after w -= …)",)
SEEN_ADAGRAD_SHARED = ("victoresque/ML2017FALL: hw1/train.py (g_norm_sum += np.square(np.linalg.norm(g)))",
                       "prprprpony/ML2019SPRING: hw1/adagrad-train.py (prev_gra += np.sum(np.square(grad)))")


def _f64(*arrays):
    return [np.asarray(a, dtype=np.float64) for a in arrays]


# ------------------------------------------------------------ polynomial_features

@misconception("polynomial_features", id="poly_starts_at_x0", hint=POLY_STARTS_AT_X0[0], hint_zh=POLY_STARTS_AT_X0[1],
               seen=SEEN_POLY_X0)
def poly_starts_at_x0(reference, x, degree):
    x = np.asarray(x, dtype=np.float64)
    return np.stack([x ** k for k in range(degree)], axis=1)


@misconception("polynomial_features", id="poly_bias_column", hint=POLY_BIAS_COLUMN[0], hint_zh=POLY_BIAS_COLUMN[1],
               seen=SEEN_POLY_ONES)
def poly_bias_column(reference, x, degree):
    x = np.asarray(x, dtype=np.float64)
    return np.stack([x ** k for k in range(degree + 1)], axis=1)


# ------------------------------------------------------------ standardize

@misconception("standardize", id="std_ddof1", hint=STD_DDOF1[0], hint_zh=STD_DDOF1[1])
def standardize_ddof1(reference, X, mean=None, std=None):
    X = np.asarray(X, dtype=np.float64)
    mean = X.mean(axis=0) if mean is None else np.asarray(mean, dtype=np.float64)
    std = X.std(axis=0, ddof=1) if std is None else np.asarray(std, dtype=np.float64)
    return (X - mean) / std, mean, std


@misconception("standardize", id="given_stats_ignored", hint=STATS_IGNORED[0], hint_zh=STATS_IGNORED[1])
def standardize_ignores_given(reference, X, mean=None, std=None):
    return reference.standardize(X)


# ------------------------------------------------------------ loss and its gradient

def _loss(X, y, w, b, lam, *, mean=False, bias=False):
    X, y, w = _f64(X, y, w)
    r = y - (X @ w + b)
    data = r @ r / (len(y) if mean else 1)
    return float(data + lam * (w @ w + (b * b if bias else 0.0)))


def _gradient(X, y, w, b, lam, *, mean=False, bias=False, scale=2.0, reg_scale=2.0):
    X, y, w = _f64(X, y, w)
    r = y - (X @ w + b)
    n = len(y) if mean else 1
    dw = -scale * X.T @ r / n + reg_scale * lam * w
    db = -scale * r.sum() / n + (reg_scale * lam * b if bias else 0.0)
    return dw, float(db)


@misconception("loss", id="loss_mean", hint=LOSS_MEAN[0], hint_zh=LOSS_MEAN[1],
               seen=SEEN_LOSS_MEAN)
def loss_mean(reference, X, y, w, b, lam=0.0):
    return _loss(X, y, w, b, lam, mean=True)


@misconception("loss", id="bias_regularized", hint=BIAS_REGULARIZED[0], hint_zh=BIAS_REGULARIZED[1])
def loss_bias_regularized(reference, X, y, w, b, lam=0.0):
    return _loss(X, y, w, b, lam, bias=True)


@misconception("loss_gradient", id="loss_mean", hint=LOSS_MEAN[0], hint_zh=LOSS_MEAN[1],
               seen=SEEN_LOSS_MEAN)
def gradient_mean(reference, X, y, w, b, lam=0.0):
    return _gradient(X, y, w, b, lam, mean=True)


@misconception("loss_gradient", id="bias_regularized", hint=BIAS_REGULARIZED[0], hint_zh=BIAS_REGULARIZED[1],
               seen=SEEN_BIAS_REG_GRADIENT)
def gradient_bias_regularized(reference, X, y, w, b, lam=0.0):
    return _gradient(X, y, w, b, lam, bias=True)


@misconception("loss_gradient", id="gradient_missing_2", hint=GRADIENT_MISSING_2[0], hint_zh=GRADIENT_MISSING_2[1],
               seen=SEEN_MISSING_2)
def gradient_missing_2(reference, X, y, w, b, lam=0.0):
    return _gradient(X, y, w, b, lam, scale=1.0, reg_scale=1.0)


@misconception("loss_gradient", id="reg_gradient_missing_2", hint=REG_GRADIENT_MISSING_2[0], hint_zh=REG_GRADIENT_MISSING_2[1],
               seen=SEEN_REG_MISSING_2)
def reg_gradient_missing_2(reference, X, y, w, b, lam=0.0):
    return _gradient(X, y, w, b, lam, reg_scale=1.0)


# ------------------------------------------------------------ fit_gd

def _fit_gd(X, y, lam, lr, epochs, adagrad=False, *, loss_kw=None, grad_kw=None,
            after=False, adagrad_step="right"):
    """fit_gd with one step done the wrong way (keyword arguments)."""
    X, y = _f64(X, y)
    loss_kw, grad_kw = loss_kw or {}, grad_kw or {}
    w, b = np.zeros(X.shape[1]), 0.0
    G_w, G_b = np.zeros_like(w), 0.0
    losses = []
    for _ in range(epochs):
        if not after:
            losses.append(_loss(X, y, w, b, lam, **loss_kw))
        dw, db = _gradient(X, y, w, b, lam, **grad_kw)
        if not adagrad:
            w, b = w - lr * dw, b - lr * db
        elif adagrad_step == "previous":
            w = w - lr * dw / np.sqrt(G_w + 1e-8)
            b = b - lr * db / np.sqrt(G_b + 1e-8)
            G_w, G_b = G_w + dw ** 2, G_b + db ** 2
        elif adagrad_step == "shared":
            G_w = G_w + np.sum(dw ** 2) + db ** 2
            w = w - lr * dw / np.sqrt(G_w[0] + 1e-8)
            b = b - lr * db / np.sqrt(G_w[0] + 1e-8)
        else:
            G_w, G_b = G_w + dw ** 2, G_b + db ** 2
            root = (lambda v: v) if adagrad_step == "no_sqrt" else np.sqrt
            w = w - lr * dw / root(G_w + 1e-8)
            b = b - lr * db / root(G_b + 1e-8)
        if after:
            losses.append(_loss(X, y, w, b, lam, **loss_kw))
    return w, float(b), losses


@misconception("fit_gd", id="loss_mean", hint=LOSS_MEAN[0], hint_zh=LOSS_MEAN[1],
               seen=SEEN_LOSS_MEAN)
def fit_gd_mean(reference, X, y, lam, lr, epochs, adagrad=False):
    return _fit_gd(X, y, lam, lr, epochs, adagrad, loss_kw={"mean": True}, grad_kw={"mean": True})


@misconception("fit_gd", id="bias_regularized", hint=BIAS_REGULARIZED[0], hint_zh=BIAS_REGULARIZED[1],
               seen=SEEN_BIAS_REG_GRADIENT)
def fit_gd_bias_regularized(reference, X, y, lam, lr, epochs, adagrad=False):
    return _fit_gd(X, y, lam, lr, epochs, adagrad, loss_kw={"bias": True}, grad_kw={"bias": True})


@misconception("fit_gd", id="gradient_missing_2", hint=GRADIENT_MISSING_2[0], hint_zh=GRADIENT_MISSING_2[1],
               seen=SEEN_MISSING_2)
def fit_gd_missing_2(reference, X, y, lam, lr, epochs, adagrad=False):
    return _fit_gd(X, y, lam, lr, epochs, adagrad, grad_kw={"scale": 1.0, "reg_scale": 1.0})


@misconception("fit_gd", id="reg_gradient_missing_2", hint=REG_GRADIENT_MISSING_2[0], hint_zh=REG_GRADIENT_MISSING_2[1],
               seen=SEEN_REG_MISSING_2)
def fit_gd_reg_missing_2(reference, X, y, lam, lr, epochs, adagrad=False):
    return _fit_gd(X, y, lam, lr, epochs, adagrad, grad_kw={"reg_scale": 1.0})


@misconception("fit_gd", id="losses_after_update", hint=LOSSES_AFTER_UPDATE[0], hint_zh=LOSSES_AFTER_UPDATE[1],
               seen=SEEN_LOSSES_AFTER)
def fit_gd_losses_after(reference, X, y, lam, lr, epochs, adagrad=False):
    return _fit_gd(X, y, lam, lr, epochs, adagrad, after=True)


@misconception("fit_gd", id="adagrad_g_excludes_current", hint=ADAGRAD_G_EXCLUDES_CURRENT[0], hint_zh=ADAGRAD_G_EXCLUDES_CURRENT[1])
def fit_gd_adagrad_previous(reference, X, y, lam, lr, epochs, adagrad=False):
    return _fit_gd(X, y, lam, lr, epochs, adagrad, adagrad_step="previous")


@misconception("fit_gd", id="adagrad_no_sqrt", hint=ADAGRAD_NO_SQRT[0], hint_zh=ADAGRAD_NO_SQRT[1])
def fit_gd_adagrad_no_sqrt(reference, X, y, lam, lr, epochs, adagrad=False):
    return _fit_gd(X, y, lam, lr, epochs, adagrad, adagrad_step="no_sqrt")


@misconception("fit_gd", id="adagrad_shared_G", hint=ADAGRAD_SHARED_G[0], hint_zh=ADAGRAD_SHARED_G[1],
               seen=SEEN_ADAGRAD_SHARED)
def fit_gd_adagrad_shared(reference, X, y, lam, lr, epochs, adagrad=False):
    return _fit_gd(X, y, lam, lr, epochs, adagrad, adagrad_step="shared")


# ------------------------------------------------------------ fit_closed_form, select_lambda

def _closed_form_bias_regularized(X, y, lam):
    """Ridge on [X, 1] with λ on every diagonal entry, the bias's included."""
    X, y = _f64(X, y)
    A = np.hstack([X, np.ones((X.shape[0], 1))])
    theta = np.linalg.solve(A.T @ A + lam * np.eye(A.shape[1]), A.T @ y)
    return theta[:-1], float(theta[-1])


def _select(reference, X_train, y_train, X_dev, y_dev, lams, *, fit=None, total=False,
            index=False):
    fit = fit or reference.fit_closed_form
    y_dev = np.asarray(y_dev, dtype=np.float64)
    errors = []
    for lam in lams:
        w, b = fit(X_train, y_train, lam)
        r = y_dev - reference.predict(X_dev, w, b)
        errors.append(np.sum(r ** 2) if total else np.mean(r ** 2))
    errors = np.array(errors)
    best = int(np.argmin(errors))
    return (best if index else float(lams[best])), errors


@misconception("fit_closed_form", id="bias_regularized", hint=BIAS_REGULARIZED[0], hint_zh=BIAS_REGULARIZED[1],
               seen=SEEN_BIAS_REG_CLOSED)
def closed_form_bias_regularized(reference, X, y, lam):
    return _closed_form_bias_regularized(X, y, lam)


@misconception("select_lambda", id="bias_regularized", hint=BIAS_REGULARIZED[0], hint_zh=BIAS_REGULARIZED[1],
               seen=SEEN_BIAS_REG_CLOSED)
def select_lambda_bias_regularized(reference, X_train, y_train, X_dev, y_dev, lams):
    return _select(reference, X_train, y_train, X_dev, y_dev, lams, fit=_closed_form_bias_regularized)


@misconception("select_lambda", id="lambda_index", hint=LAMBDA_INDEX[0], hint_zh=LAMBDA_INDEX[1])
def select_lambda_index(reference, X_train, y_train, X_dev, y_dev, lams):
    return _select(reference, X_train, y_train, X_dev, y_dev, lams, index=True)


@misconception("select_lambda", id="dev_error_sum", hint=DEV_ERROR_SUM[0], hint_zh=DEV_ERROR_SUM[1])
def select_lambda_sum(reference, X_train, y_train, X_dev, y_dev, lams):
    return _select(reference, X_train, y_train, X_dev, y_dev, lams, total=True)


# ------------------------------------------------------------ more mistakes

PREDICT_NO_BIAS = (
    "your predictions leave out b: ŷ = Xw + b (X @ w + b).",
    "你的预测漏掉了 b：ŷ = Xw + b（X @ w + b）。")
LOSS_UNREGULARIZED = (
    "your loss leaves out the regularization term: loss = Σₙ (yₙ − ŷₙ)² + λ Σᵢ wᵢ² "
    "(lam * np.sum(w ** 2)).",
    "你的损失漏掉了正则化项：loss = Σₙ (yₙ − ŷₙ)² + λ Σᵢ wᵢ²（lam * np.sum(w ** 2)）。")
STANDARDIZE_BY_VARIANCE = (
    "you divide by the variance: standardizing divides by the standard deviation, "
    "(X − mean) / std with std = sqrt(variance), and returns that std.",
    "你除以的是方差：标准化要除以标准差，(X − mean) / std，其中 std = sqrt(方差)，并返回这个 std。")
CLOSED_FORM_NO_LAMBDA = (
    "your closed form ignores λ: the minimizer of Σ (y − Xw − b)² + λ‖w‖² solves "
    "(AᵀA + λI')θ = Aᵀy with A = [X, 1] and I' the identity with a 0 for the bias.",
    "你的闭式解忽略了 λ：Σ (y − Xw − b)² + λ‖w‖² 的最小值点满足 (AᵀA + λI')θ = Aᵀy，"
    "其中 A = [X, 1]，I' 是偏置位置为 0 的单位矩阵。")


@misconception("predict", id="predict_no_bias", hint=PREDICT_NO_BIAS[0], hint_zh=PREDICT_NO_BIAS[1])
def predict_no_bias(reference, X, w, b):
    return np.asarray(X, dtype=np.float64) @ np.asarray(w, dtype=np.float64)


@misconception("loss", id="loss_unregularized", hint=LOSS_UNREGULARIZED[0], hint_zh=LOSS_UNREGULARIZED[1])
def loss_unregularized(reference, X, y, w, b, lam=0.0):
    if lam == 0:
        raise ValueError("the same as the reference without λ")
    return _loss(X, y, w, b, 0.0)


@misconception("fit_gd", id="loss_unregularized", hint=LOSS_UNREGULARIZED[0], hint_zh=LOSS_UNREGULARIZED[1])
def fit_gd_loss_unregularized(reference, X, y, lam, lr, epochs, adagrad=False):
    if lam == 0:
        raise ValueError("the same as the reference without λ")
    w, b, losses = reference.fit_gd(X, y, lam, lr, epochs, adagrad)
    return w, b, [v - lam * float(np.sum(wk ** 2)) for v, wk in zip(losses, _weights(X, y, lam, lr, epochs, adagrad))]


def _weights(X, y, lam, lr, epochs, adagrad):
    """The weights before each update of the reference's fit_gd (for a loss recomputed
    without its λ term)."""
    X, y = _f64(X, y)
    w, b = np.zeros(X.shape[1]), 0.0
    G_w, G_b = np.zeros_like(w), 0.0
    found = []
    for _ in range(epochs):
        found.append(w.copy())
        dw, db = _gradient(X, y, w, b, lam)
        if adagrad:
            G_w, G_b = G_w + dw ** 2, G_b + db ** 2
            w, b = w - lr * dw / np.sqrt(G_w + 1e-8), b - lr * db / np.sqrt(G_b + 1e-8)
        else:
            w, b = w - lr * dw, b - lr * db
    return found


@misconception("standardize", id="standardize_by_variance", hint=STANDARDIZE_BY_VARIANCE[0],
               hint_zh=STANDARDIZE_BY_VARIANCE[1])
def standardize_by_variance(reference, X, mean=None, std=None):
    X = np.asarray(X, dtype=np.float64)
    mean = X.mean(axis=0) if mean is None else np.asarray(mean, dtype=np.float64)
    var = X.var(axis=0) if std is None else np.asarray(std, dtype=np.float64) ** 2
    return (X - mean) / var, mean, var


@misconception("fit_closed_form", id="closed_form_no_lambda", hint=CLOSED_FORM_NO_LAMBDA[0],
               hint_zh=CLOSED_FORM_NO_LAMBDA[1])
def closed_form_no_lambda(reference, X, y, lam):
    if lam == 0:
        raise ValueError("the same as the reference without λ")
    return reference.fit_closed_form(X, y, 0.0)


@misconception("select_lambda", id="closed_form_no_lambda", hint=CLOSED_FORM_NO_LAMBDA[0],
               hint_zh=CLOSED_FORM_NO_LAMBDA[1])
def select_lambda_no_lambda(reference, X_train, y_train, X_dev, y_dev, lams):
    return _select(reference, X_train, y_train, X_dev, y_dev, lams,
                   fit=lambda X, y, lam: reference.fit_closed_form(X, y, 0.0))


GRADIENT_SIGN = (
    "the data term of your gradient has the wrong sign: with the residual r = y − ŷ, "
    "d/dw Σ r² = −2 Xᵀr and d/db = −2 Σ r (the minus comes from ŷ's place in r); your "
    "dw and db are +2 Xᵀr and +2 Σ r.",
    "你的梯度中数据项的符号反了：设残差 r = y − ŷ，则 d/dw Σ r² = −2 Xᵀr，d/db = −2 Σ r"
    "（负号来自 ŷ 在 r 中的位置）；你的 dw 和 db 是 +2 Xᵀr 和 +2 Σ r。")


@misconception("loss_gradient", id="gradient_sign", hint=GRADIENT_SIGN[0], hint_zh=GRADIENT_SIGN[1])
def gradient_data_sign(reference, X, y, w, b, lam=0.0):
    return _gradient(X, y, w, b, lam, scale=-2.0)


@misconception("fit_gd", id="gradient_sign", hint=GRADIENT_SIGN[0], hint_zh=GRADIENT_SIGN[1])
def fit_gd_gradient_sign(reference, X, y, lam, lr, epochs, adagrad=False):
    return _fit_gd(X, y, lam, lr, epochs, adagrad, grad_kw={"scale": -2.0})


REG_GRADIENT_SIGN = (
    "the λ part of your dw has the wrong sign: the penalty λ Σ wᵢ² grows with |w|, so its "
    "gradient +2λ·w pulls the weights toward 0: dw = −2 Xᵀ(y − ŷ) + 2λw (you subtract "
    "2λ·w, which pushes them away from 0).",
    "你的 dw 中 λ 那一项符号反了：惩罚项 λ Σ wᵢ² 随 |w| 增大，它的梯度 +2λ·w 把权重拉向 0："
    "dw = −2 Xᵀ(y − ŷ) + 2λw（你减去了 2λ·w，反而把权重推离 0）。")


@misconception("loss_gradient", id="reg_gradient_sign", hint=REG_GRADIENT_SIGN[0],
               hint_zh=REG_GRADIENT_SIGN[1], seen=SEEN_REG_SIGN)
def gradient_reg_sign(reference, X, y, w, b, lam=0.0):
    if lam == 0:
        raise ValueError("the same as the reference without λ")
    return _gradient(X, y, w, b, lam, reg_scale=-2.0)


@misconception("fit_gd", id="reg_gradient_sign", hint=REG_GRADIENT_SIGN[0],
               hint_zh=REG_GRADIENT_SIGN[1], seen=SEEN_REG_SIGN)
def fit_gd_reg_sign(reference, X, y, lam, lr, epochs, adagrad=False):
    if lam == 0:
        raise ValueError("the same as the reference without λ")
    return _fit_gd(X, y, lam, lr, epochs, adagrad, grad_kw={"reg_scale": -2.0})
