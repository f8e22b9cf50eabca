"""Hidden suite for hw6, Dataset and DataLoader: 100 points on CPU, plus 10 on CUDA.

The student's PimaDataset, Normalize, DataLoaders and Classifier live in the worker and
come back here as handles: the tests index them, measure them, iterate them (a real
DataLoader built here over the student's dataset fetches every item from the worker)
and pass them back to the student's functions. feature_stats and make_loaders are
also fed plain lists of (x, y) pairs, and train and evaluate plain lists of batches, so
that a mistake in PimaDataset does not cost their points too.

Models are compared on the same weights: seeded weights are loaded into the student's
Classifier, whatever it names its layers (they are matched by shape, all six shapes
being distinct), and into the reference's. Known mistakes that cannot be recognised
by ``grader.hints`` (their calls pass handles) are named in the failure messages here.
Tolerances are grader.checks' defaults (rtol 1e-4, atol 1e-6), which admit a correct
float32 answer; dtypes are checked exactly where the contract demands float32.
"""

import math

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, Subset

from grader.checks import assert_close, assert_raises, assert_unchanged, fail, is_close
from grader.i18n import bilingual
from grader.errors import GradingFailure, NotImplementedYet, StudentException
from grader.sandbox import Handle

# torch imports its compiler (torch._dynamo, some 2 s of CPU) at an optimizer's first
# step. Taking that step here, when the suite is imported, means a batch grader's
# warm process has it before it forks a grader per submission (grader.slot), instead
# of every grader importing it again for the reference's train().
torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.0).step()

ROWS, TRAIN_ROWS, TEST_ROWS = 532, 200, 332
FEATURES = ("npreg", "glu", "bp", "skin", "bmi", "ped", "age")
SHAPES = [(6, 7), (6,), (4, 6), (4,), (1, 4), (1,)]
REF_NAMES = ["linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
             "linear3.weight", "linear3.bias"]


# ---------------------------------------------------------------- helpers

def _path(data_dir):
    return str(data_dir / "pima.csv")


def _describe(value):
    if isinstance(value, torch.Tensor):
        dtype = str(value.dtype).removeprefix('torch.')
        return bilingual(en=f"a tensor of shape {tuple(value.shape)} ({dtype})",
                         zh=f"形状为 {tuple(value.shape)} 的张量（{dtype}）")
    if isinstance(value, np.ndarray):
        return bilingual(en=f"a NumPy array of shape {value.shape} ({value.dtype})",
                         zh=f"形状为 {value.shape} 的 NumPy 数组（{value.dtype}）")
    if isinstance(value, Handle):
        return bilingual(en=f"an object of type {value.type_name}",
                         zh=f"类型为 {value.type_name} 的对象")
    return bilingual(en=f"a {type(value).__name__} ({value!r:.60})",
                     zh=f"{type(value).__name__}（{value!r:.60}）")


def _show(value, count=3):
    """A short view of a tensor's values: 'shape (7,): [-1.063, -3.925, -6.223, …]'."""
    if isinstance(value, torch.Tensor):
        values = value.detach().reshape(-1).tolist()
        more = ", …" if len(values) > count else ""
        return (bilingual(en=f"shape {tuple(value.shape)}: [", zh=f"形状 {tuple(value.shape)}：[")
                + ", ".join(f"{v:.4g}" for v in values[:count]) + more + "]")
    return _describe(value)


def _length(obj, label):
    """len(obj) of a handle, as an int (a clear failure otherwise)."""
    n = obj.method("__len__")
    if isinstance(n, torch.Tensor) and n.numel() == 1 and not n.is_floating_point():
        n = int(n)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        fail(bilingual(en=f"len({label}) returned {_describe(n)}; __len__ must return an int.",
                       zh=f"len({label}) 返回了{_describe(n)}；__len__ 必须返回 int。"))
    return int(n)


def _item(ds, i, label):
    """ds[i] as a pair (x, y) (a clear failure for anything else)."""
    value = ds[i]
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        fail(bilingual(en=f"{label}[{i}] returned {_describe(value)}; it must return a pair (x, y).",
                       zh=f"{label}[{i}] 返回了{_describe(value)}；它必须返回一对值 (x, y)。"))
    return value


def _flat(value):
    """A tensor or array as a flat float64 array (values only: shapes and dtypes have
    their own tests)."""
    if isinstance(value, torch.Tensor):
        return value.detach().reshape(-1).double().numpy()
    if isinstance(value, (np.ndarray, list, tuple, int, float, np.number)):
        try:
            return np.asarray(value, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            return value
    return value


def _check(actual, expected, names, known=(), source=None, **kw):
    """assert_close, with a hint appended where ``actual`` matches a known wrong value.

    Args:
        known: (wrong value, hint) pairs.
        source: the student's value ``actual`` was derived from, so that the report
            names the call that returned it.
    """
    try:
        assert_close(actual, expected, names=names, **kw)
    except GradingFailure as exc:
        for wrong, hint in known:
            if is_close(actual, wrong, check_dtype=False):
                raise GradingFailure(f"{exc}\n" + bilingual(en="Hint: ", zh="提示：") + hint,
                                     source if source is not None else exc.actual) from None
        if source is not None:
            raise GradingFailure(str(exc), source) from None
        raise


def _student_error(exc):
    """Re-raise what is not the student's own exception (a stub, a timeout)."""
    if isinstance(exc, NotImplementedYet) or not isinstance(exc, StudentException):
        raise exc


def _pairs(rng, n):
    """A list of n (x, y) pairs like Pima's: x float32 (7,), y float32 (1,)."""
    X = rng.normal(loc=[3.5, 122, 71, 29, 32.5, 0.5, 31], scale=[3.3, 31, 12, 11, 6.6, 0.3, 10.5],
                   size=(n, 7)).astype(np.float32)
    y = (rng.random(n) < 0.35).astype(np.float32)
    return [(torch.from_numpy(X[i].copy()), torch.tensor([y[i]])) for i in range(n)]


def _batches(rng, sizes):
    """A list of (x (B, 7), y (B, 1)) float32 batches whose labels depend on x."""
    w = rng.normal(size=7)
    out = []
    for b in sizes:
        x = rng.normal(size=(b, 7))
        y = (x @ w + 0.5 * rng.normal(size=b) > 0).astype(np.float64)
        out.append((torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32).reshape(b, 1)))
    return out


def _weights(rng, scale=1.0):
    return {name: torch.tensor(rng.normal(scale=scale, size=shape), dtype=torch.float32)
            for name, shape in zip(REF_NAMES, SHAPES)}


def _student_names(model):
    """The student's state_dict key for each of REF_NAMES, matched by shape."""
    state = model.method("state_dict")
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        fail(bilingual(en=f"Classifier().state_dict() returned {_describe(state)}; is Classifier a "
                          "torch.nn.Module?",
                       zh=f"Classifier().state_dict() 返回了{_describe(state)}；Classifier 是 "
                          "torch.nn.Module 吗？"))
    shapes = {key: tuple(value.shape) for key, value in state.items()}
    if sorted(shapes.values()) != sorted(SHAPES):
        listed = ", ".join(f"{k} {s}" for k, s in shapes.items()) or bilingual(en="none", zh="无")
        fail(bilingual(en=f"Classifier's parameters are {listed}; expected three nn.Linear layers "
                          "7→6, 6→4, 4→1, whose parameters have the shapes (6, 7), (6,), (4, 6), "
                          "(4,), (1, 4), (1,) (nn.Linear(in, out) keeps its weight as (out, in)), "
                          "and nothing else.",
                       zh=f"Classifier 的参数是 {listed}；期望三个 nn.Linear 层 7→6、6→4、4→1，"
                          "其参数形状为 (6, 7)、(6,)、(4, 6)、(4,)、(1, 4)、(1,)"
                          "（nn.Linear(in, out) 的权重形状是 (out, in)），没有其他参数。"))
    by_shape = {shape: key for key, shape in shapes.items()}
    return {ref: by_shape[shape] for ref, shape in zip(REF_NAMES, SHAPES)}


def _load(model, weights):
    """Load the reference-named ``weights`` into the student's model; returns the name map."""
    names = _student_names(model)
    model.method("load_state_dict", {names[k]: v for k, v in weights.items()})
    return names


def _reference_model(reference, weights):
    model = reference.Classifier()
    model.load_state_dict(weights)
    return model


def _train_variant(reference, weights, batches, epochs, lr, mistake):
    """What train returns when written with a known mistake, from the same weights."""
    model = _reference_model(reference, weights)
    criterion = torch.nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        values, sizes = [], []
        for x, y in batches:
            if mistake != "no_zero_grad":
                optimizer.zero_grad()
            loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
            values.append(loss.item())
            sizes.append(len(x))
        if mistake == "last_batch":
            losses.append(values[-1])
        elif mistake == "weighted":
            losses.append(sum(v * s for v, s in zip(values, sizes)) / sum(sizes))
        else:
            losses.append(sum(values) / len(values))
    return losses, model


# ================================================================ PimaDataset (39)

def _not_the_width(n, label):
    """A clear failure where len(dataset) is the number of features (x.shape[1], 7)."""
    if n == len(FEATURES):
        fail(bilingual(en=f"len({label}) is {n}, the number of features in a row, not the number "
                          "of samples: __len__ returns the number of rows, x.shape[0] (len(x)); "
                          "x.shape[1] is the width of a row.",
                       zh=f"len({label}) 是 {n}，这是一行中特征的个数，不是样本数：__len__ 应返回"
                          "行数，即 x.shape[0]（len(x)）；x.shape[1] 是一行的宽度。"))


@pytest.mark.points(3)
def test_len_whole_file(student, data_dir):
    """PimaDataset: len(dataset) is 532, the rows of the file without its header line

    中文：PimaDataset: len(dataset) 为 532，即文件去掉表头后的行数
    """
    n = _length(student.PimaDataset(_path(data_dir)), "PimaDataset(path)")
    _not_the_width(n, "PimaDataset(path)")
    if n == ROWS + 1:
        fail(bilingual(en=f"len(PimaDataset(path)) is {n}, one more than the rows: do not count "
                          "the header line (npreg,glu,bp,...) as a row.",
                       zh=f"len(PimaDataset(path)) 是 {n}，比行数多 1：不要把表头行"
                          "（npreg,glu,bp,...）算作一行。"))
    if n != ROWS:
        fail(bilingual(en=f"len(PimaDataset(path)) is {n}, expected {ROWS}: one sample per data row "
                          "of pima.csv (the header line is not a row).",
                       zh=f"len(PimaDataset(path)) 是 {n}，期望 {ROWS}：pima.csv 的每个数据行一个样本"
                          "（表头行不算）。"))


@pytest.mark.points(3)
def test_split_lengths(student, data_dir):
    """PimaDataset: split="train" keeps 200 rows and split="test" 332

    中文：PimaDataset: split="train" 保留 200 行，split="test" 保留 332 行
    """
    for split, expected in (("train", TRAIN_ROWS), ("test", TEST_ROWS)):
        label = f"PimaDataset(path, split={split!r})"
        n = _length(student.PimaDataset(_path(data_dir), split=split), label)
        _not_the_width(n, label)
        if n == ROWS:
            fail(bilingual(en=f"len({label}) is {n}, every row of the file: the split filter was "
                              f"ignored. Keep only the rows whose split column equals {split!r}.",
                           zh=f"len({label}) 是 {n}，即文件的所有行：没有按 split 筛选。只保留 split "
                              f"列等于 {split!r} 的行。"))
        if n == expected + 1:
            fail(bilingual(en=f"len({label}) is {n}, one more than its {expected} rows: do not count "
                              "the header line as a row.",
                           zh=f"len({label}) 是 {n}，比它的 {expected} 行多 1：不要把表头行算作一行。"))
        if n != expected:
            fail(bilingual(en=f"len({label}) is {n}, expected {expected} (the rows whose split column "
                              f"is {split!r}).",
                           zh=f"len({label}) 是 {n}，期望 {expected}（split 列为 {split!r} 的行）。"))


@pytest.mark.points(3)
def test_split_items(student, reference, data_dir, rng):
    """PimaDataset: the items of split="test" match the reference's (first, last and 4 random rows)

    中文：PimaDataset: split="test" 的数据项与参考答案一致（第一行、最后一行和 4 个随机行）
    """
    ds = student.PimaDataset(_path(data_dir), split="test")
    ref = reference.PimaDataset(_path(data_dir), split="test")
    for i in [0, TEST_ROWS - 1] + sorted(int(v) for v in rng.choice(TEST_ROWS, 4, replace=False)):
        x, y = _item(ds, i, "PimaDataset(path, split='test')")
        rx, ry = ref[i]
        hint = [(_flat(reference.PimaDataset(_path(data_dir))[i][0]),
                 bilingual(en=f"that is row {i} of the whole file: keep only the rows whose split "
                              "column is 'test', then number them from 0.",
                           zh=f"那是整个文件的第 {i} 行：只保留 split 列为 'test' 的行，再从 0 开始"
                              "编号。"))]
        _check(_flat(x), _flat(rx), names=f"x of PimaDataset(path, split='test')[{i}]", known=hint)
        _check(_flat(y), _flat(ry), names=f"y of PimaDataset(path, split='test')[{i}]")


@pytest.mark.points(6)
def test_items_match_reference(student, reference, data_dir, rng):
    """PimaDataset: x and y of rows 0, 1, 531 and 6 random rows match the reference

    中文：PimaDataset: 第 0、1、531 行和 6 个随机行的 x 和 y 与参考答案一致
    """
    ds = student.PimaDataset(_path(data_dir))
    ref = reference.PimaDataset(_path(data_dir))
    for i in [0, 1, ROWS - 1] + sorted(int(v) for v in rng.choice(ROWS, 6, replace=False)):
        x, y = _item(ds, i, "PimaDataset(path)")
        rx, ry = ref[i]
        known = [(_flat(ref[i + 1][0]), bilingual(
            en="that is the next row's x: is the header line counted as row 0?",
            zh="那是下一行的 x：是不是把表头行算作了第 0 行？"))] if i + 1 < ROWS else []
        _check(_flat(x), _flat(rx), names=f"x of PimaDataset(path)[{i}]", known=known)
        _check(_flat(y), _flat(ry),
               names=bilingual(en=f"y of PimaDataset(path)[{i}] (1.0 for type 'Yes')",
                               zh=f"PimaDataset(path)[{i}] 的 y（type 为 'Yes' 时是 1.0）"),
               known=[(1.0 - _flat(ry), bilingual(
                   en="y is 1.0 for type \"Yes\" (diabetes) and 0.0 for \"No\".",
                   zh="type 为 \"Yes\"（糖尿病）时 y 是 1.0，为 \"No\" 时是 0.0。"))])


@pytest.mark.points(3)
def test_x_dtype_and_shape(student, data_dir):
    """PimaDataset: x is a float32 tensor of shape (7,)

    中文：PimaDataset: x 是形状为 (7,) 的 float32 张量
    """
    ds = student.PimaDataset(_path(data_dir))
    for i in (0, 100):
        x, _ = _item(ds, i, "PimaDataset(path)")
        where = bilingual(en=f"x of PimaDataset(path)[{i}]", zh=f"PimaDataset(path)[{i}] 的 x")
        if not isinstance(x, torch.Tensor):
            fail(bilingual(en=f"{where} is {_describe(x)}; it must be a torch tensor: "
                              "torch.tensor(values, dtype=torch.float32).",
                           zh=f"{where} 是{_describe(x)}；它必须是 torch 张量："
                              "torch.tensor(values, dtype=torch.float32)。"))
        if tuple(x.shape) != (7,):
            fail(bilingual(en=f"{where} has shape {tuple(x.shape)}, expected (7,): the seven "
                              "measurements npreg … age of one row (not the label, not the split, "
                              "not a (1, 7) slice).",
                           zh=f"{where} 的形状是 {tuple(x.shape)}，期望 (7,)：一行中 npreg … age 这"
                              "七个测量值（不含标签和 split，也不是 (1, 7) 的切片）。"))
        if x.dtype != torch.float32:
            dtype = str(x.dtype).removeprefix('torch.')
            fail(bilingual(en=f"{where} has dtype {dtype}, expected float32: nn.Linear's weights "
                              "are float32 and do not multiply float64 inputs (NumPy arrays and "
                              "torch.from_numpy of them are float64 by default): use "
                              "dtype=torch.float32 or .float().",
                           zh=f"{where} 的 dtype 是 {dtype}，期望 float32：nn.Linear 的权重是 "
                              "float32，不能与 float64 的输入相乘（NumPy 数组以及对它们用 "
                              "torch.from_numpy 得到的张量默认是 float64）：请用 "
                              "dtype=torch.float32 或 .float()。"))


@pytest.mark.points(3)
def test_y_dtype_and_shape(student, data_dir):
    """PimaDataset: y is a float32 tensor of shape (1,)

    中文：PimaDataset: y 是形状为 (1,) 的 float32 张量
    """
    ds = student.PimaDataset(_path(data_dir))
    for i in (0, 1):
        _, y = _item(ds, i, "PimaDataset(path)")
        where = bilingual(en=f"y of PimaDataset(path)[{i}]", zh=f"PimaDataset(path)[{i}] 的 y")
        if not isinstance(y, torch.Tensor):
            fail(bilingual(en=f"{where} is {_describe(y)}; it must be a torch tensor: "
                              "torch.tensor([label], dtype=torch.float32).",
                           zh=f"{where} 是{_describe(y)}；它必须是 torch 张量："
                              "torch.tensor([label], dtype=torch.float32)。"))
        if tuple(y.shape) != (1,):
            fail(bilingual(en=f"{where} has shape {tuple(y.shape)}, expected (1,): a batch of y must "
                              "have the shape (B, 1) of the model's output, so wrap the label in a "
                              "list: torch.tensor([label], dtype=torch.float32).",
                           zh=f"{where} 的形状是 {tuple(y.shape)}，期望 (1,)：一个批次的 y 必须和"
                              "模型输出一样是 (B, 1) 形状，所以要把标签放进列表："
                              "torch.tensor([label], dtype=torch.float32)。"))
        if y.dtype != torch.float32:
            name = str(y.dtype).removeprefix("torch.")
            why = bilingual(en="BCELoss needs float targets", zh="BCELoss 需要浮点数的目标值") \
                if not y.is_floating_point() else \
                bilingual(en="BCELoss needs targets of the model output's dtype, float32",
                          zh="BCELoss 需要与模型输出 dtype 相同（float32）的目标值")
            fail(bilingual(en=f"{where} has dtype {name}: {why}: use dtype=torch.float32.",
                           zh=f"{where} 的 dtype 是 {name}：{why}：请用 dtype=torch.float32。"))


@pytest.mark.points(3)
def test_negative_indices(student, reference, data_dir):
    """PimaDataset: negative indices count from the end (ds[-1] is the last row, ds[-532] the first)

    中文：PimaDataset: 负下标从末尾数起（ds[-1] 是最后一行，ds[-532] 是第一行）
    """
    ds = student.PimaDataset(_path(data_dir))
    ref = reference.PimaDataset(_path(data_dir))
    for i in (-1, -2, -ROWS):
        try:
            x, y = _item(ds, i, "PimaDataset(path)")
        except StudentException as exc:
            _student_error(exc)
            fail(bilingual(en=f"PimaDataset(path)[{i}] raised {exc.exc_type}: {exc.message}. "
                              "Negative indices count from the end, as for a list: ds[-1] is the "
                              "last row and ds[-len(ds)] the first; only index >= len(ds) or "
                              "index < -len(ds) is out of range.",
                           zh=f"PimaDataset(path)[{i}] 抛出了 {exc.exc_type}: {exc.message}。负下标"
                              "和 list 一样从末尾数起：ds[-1] 是最后一行，ds[-len(ds)] 是第一行；"
                              "只有 index >= len(ds) 或 index < -len(ds) 才越界。"))
        known = [(_flat(ref[-i][0]), bilingual(
            en=f"that is row {-i}: negative indices count from the end, as for a list (ds[-1] "
               "is the last row, ds[len(ds) - 1]).",
            zh=f"那是第 {-i} 行：负下标和 list 一样从末尾数起（ds[-1] 是最后一行，即 "
               "ds[len(ds) - 1]）。"))] if -i < ROWS else []
        _check(_flat(x), _flat(ref[i][0]), names=f"x of PimaDataset(path)[{i}]", known=known)
        _check(_flat(y), _flat(ref[i][1]), names=f"y of PimaDataset(path)[{i}]")


@pytest.mark.points(3)
def test_index_out_of_range(student, data_dir):
    """PimaDataset: ds[532], ds[540] and ds[-533] raise IndexError

    中文：PimaDataset: ds[532]、ds[540] 和 ds[-533] 抛出 IndexError
    """
    ds = student.PimaDataset(_path(data_dir))
    _item(ds, 0, "PimaDataset(path)")  # a stub says so here, not as a wrong exception
    for i in (ROWS, ROWS + 8, -ROWS - 1):
        try:
            assert_raises(IndexError, ds.__getitem__, i)
        except GradingFailure as exc:
            hint = ""
            if "returned" in str(exc):
                hint = "\n" + bilingual(
                    en="Hint: `for x, y in ds` stops only when ds[i] raises IndexError, so over a "
                       "dataset whose indices wrap around (index % len) it never ends. Raise "
                       "IndexError when index >= len(ds) or index < -len(ds).",
                    zh="提示：`for x, y in ds` 只在 ds[i] 抛出 IndexError 时才停止，所以下标循环"
                       "回绕（index % len）的数据集会无限迭代下去。当 index >= len(ds) 或 "
                       "index < -len(ds) 时抛出 IndexError。")
            fail(bilingual(en=f"PimaDataset(path)[{i}], for a dataset of {ROWS} samples: {exc}{hint}",
                           zh=f"PimaDataset(path)[{i}]，数据集有 {ROWS} 个样本：{exc}{hint}"))


def _transforms(reference, data_dir):
    mean, std = reference.feature_stats(reference.PimaDataset(_path(data_dir), split="train"))
    labels = (bilingual(en="Normalize(mean, std) of the reference's train statistics",
                        zh="用参考答案 train 统计量的 Normalize(mean, std)"), "lambda x: 2 * x + 1")
    return list(zip(labels, (reference.Normalize(mean, std), lambda x: 2 * x + 1)))


@pytest.mark.points(5)
def test_transform_applied_to_x(student, reference, data_dir):
    """PimaDataset: transform is applied to x: a Normalize of the reference's statistics, and a lambda

    中文：PimaDataset: transform 作用在 x 上：用参考答案统计量的 Normalize，以及一个 lambda
    """
    for label, transform in _transforms(reference, data_dir):
        ds = student.PimaDataset(_path(data_dir), split="train", transform=transform)
        ref = reference.PimaDataset(_path(data_dir), split="train", transform=transform)
        raw = reference.PimaDataset(_path(data_dir), split="train")
        for i in (0, 57, TRAIN_ROWS - 1):
            x, _ = _item(ds, i, "PimaDataset(path, split='train', transform=...)")
            _check(_flat(x), _flat(ref[i][0]),
                   names=bilingual(en=f"x of PimaDataset(path, split='train', transform={label})[{i}]",
                                   zh=f"PimaDataset(path, split='train', transform={label})[{i}] 的 x"),
                   known=[(_flat(raw[i][0]), bilingual(
                       en="x is the raw measurements: call the transform on x in __getitem__ when "
                          "one was given.",
                       zh="x 是原始测量值：给了 transform 时，要在 __getitem__ 里对 x 调用它。"))])


@pytest.mark.points(3)
def test_transform_not_applied_to_y(student, reference, data_dir):
    """PimaDataset: the transform leaves y as it is (the label is not a feature)

    中文：PimaDataset: transform 不改变 y（标签不是特征）
    """
    for label, transform in _transforms(reference, data_dir):
        ds = student.PimaDataset(_path(data_dir), split="train", transform=transform)
        ref = reference.PimaDataset(_path(data_dir), split="train")
        for i in (0, 1):
            _, y = _item(ds, i, "PimaDataset(path, split='train', transform=...)")
            expected = ref[i][1]
            if not is_close(_flat(y), _flat(expected), check_dtype=False):
                fail(bilingual(en=f"y of PimaDataset(path, split='train', transform={label})[{i}] is "
                                  f"{_show(y)}, expected {expected.tolist()}: the transform was "
                                  "applied to y too. Apply it to x only: y is the label, 0.0 or 1.0, "
                                  "that BCELoss compares the probability with.",
                               zh=f"PimaDataset(path, split='train', transform={label})[{i}] 的 y 是 "
                                  f"{_show(y)}，期望 {expected.tolist()}：transform 也作用在了 y 上。"
                                  "只对 x 用它：y 是标签，0.0 或 1.0，BCELoss 拿概率和它比较。"))


@pytest.mark.points(4)
def test_dataloader_batches(student, reference, data_dir):
    """PimaDataset: a DataLoader(batch_size=100) over it gives the reference's batches, x (B, 7) and y (B, 1) float32

    中文：PimaDataset: 在它上面的 DataLoader(batch_size=100) 给出与参考答案相同的批次，x 为 (B, 7)、y 为 (B, 1) 的 float32
    """
    ds = student.PimaDataset(_path(data_dir))
    expected = list(DataLoader(reference.PimaDataset(_path(data_dir)), batch_size=100))
    try:
        got = list(DataLoader(ds, batch_size=100))
    except StudentException as exc:
        _student_error(exc)
        fail(bilingual(en=f"iterating DataLoader(PimaDataset(path), batch_size=100) failed: "
                          f"{exc.student_message}\nA DataLoader asks for ds[0], ds[1], …, "
                          "ds[len(ds) − 1]: check that __len__ counts the rows (not the header) "
                          "and that __getitem__ accepts every index below it.",
                       zh=f"遍历 DataLoader(PimaDataset(path), batch_size=100) 失败："
                          f"{exc.student_message}\nDataLoader 会依次取 ds[0]、ds[1]、…、"
                          "ds[len(ds) − 1]：检查 __len__ 数的是数据行（不含表头），并且 "
                          "__getitem__ 接受它以下的每个下标。"))
    if len(got) != len(expected):
        fail(bilingual(en=f"DataLoader(PimaDataset(path), batch_size=100) gave {len(got)} batches, "
                          f"expected {len(expected)} (532 samples: five batches of 100 and one of 32).",
                       zh=f"DataLoader(PimaDataset(path), batch_size=100) 给出了 {len(got)} 个批次，"
                          f"期望 {len(expected)} 个（532 个样本：五个 100 的批次和一个 32 的批次）。"))
    for k, (batch, (ex, ey)) in enumerate(zip(got, expected)):
        if not isinstance(batch, (tuple, list)) or len(batch) != 2:
            fail(bilingual(en=f"batch {k} of DataLoader(PimaDataset(path), batch_size=100) is "
                              f"{_describe(batch)}; expected a pair (x, y): let __getitem__ return a "
                              "pair of tensors.",
                           zh=f"DataLoader(PimaDataset(path), batch_size=100) 的第 {k} 个批次是"
                              f"{_describe(batch)}；期望一对值 (x, y)：让 __getitem__ 返回一对张量。"))
        assert_close(batch[0], ex, check_dtype=True,
                     names=bilingual(en=f"x of batch {k} (B = {len(ex)})", zh=f"第 {k} 个批次的 x（B = {len(ex)}）"))
        assert_close(batch[1], ey, check_dtype=True,
                     names=bilingual(en=f"y of batch {k} (B = {len(ey)})", zh=f"第 {k} 个批次的 y（B = {len(ey)}）"))


# ================================================================ feature_stats (11)

STATS = ("mean", "std")


def _stats_output(got, expected, index, **kw):
    """Compare output ``index`` of (mean, std) only (a malformed result says so)."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        assert_close(got, expected, names=STATS, **kw)
    assert_close(got[index], expected[index], names=STATS[index], **kw)


@pytest.mark.points(3)
def test_feature_stats_mean(student, reference, rng):
    """feature_stats: the mean over a list of 50 (x, y) pairs matches the reference, the pairs left unchanged

    中文：feature_stats: 50 个 (x, y) 对组成的列表上的均值与参考答案一致，且这些数据对保持不变
    """
    pairs = _pairs(rng, 50)
    _stats_output(student.feature_stats(pairs), reference.feature_stats(pairs), 0)
    assert_unchanged(student.last_call.changed, "feature_stats",
                     bilingual(en="Compute the statistics on a copy (torch.stack makes one); do not "
                                  "subtract the mean from the samples' own tensors.",
                               zh="在副本上计算统计量（torch.stack 会生成副本）；不要从样本自己的"
                                  "张量里减去均值。"))


@pytest.mark.points(3)
def test_feature_stats_std(student, reference, rng):
    """feature_stats: the std over a list of 50 (x, y) pairs is the population std (divides by N)

    中文：feature_stats: 50 个 (x, y) 对组成的列表上的 std 是总体标准差（除以 N）
    """
    pairs = _pairs(rng, 50)
    _stats_output(student.feature_stats(pairs), reference.feature_stats(pairs), 1)


@pytest.mark.points(2)
def test_feature_stats_types(student, rng):
    """feature_stats: mean and std are float32 tensors of shape (7,)

    中文：feature_stats: mean 和 std 是形状为 (7,) 的 float32 张量
    """
    got = student.feature_stats(_pairs(rng, 20))
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        fail(bilingual(en=f"feature_stats must return a pair (mean, std), got {_describe(got)}",
                       zh=f"feature_stats 必须返回一对值 (mean, std)，得到的是{_describe(got)}"), got)
    for name, value in zip(STATS, got):
        if not isinstance(value, torch.Tensor):
            fail(bilingual(en=f"{name} is {_describe(value)}; return torch tensors "
                              "(torch.from_numpy(...) or compute with torch).",
                           zh=f"{name} 是{_describe(value)}；请返回 torch 张量"
                              "（torch.from_numpy(...) 或用 torch 计算）。"), got)
        if tuple(value.shape) != (7,):
            fail(bilingual(en=f"{name} has shape {tuple(value.shape)}, expected (7,): one value per "
                              "feature, over all samples (dim=0).",
                           zh=f"{name} 的形状是 {tuple(value.shape)}，期望 (7,)：每个特征一个值，"
                              "对所有样本计算（dim=0）。"), got)
        if value.dtype != torch.float32:
            dtype = str(value.dtype).removeprefix('torch.')
            fail(bilingual(en=f"{name} has dtype {dtype}, expected float32, the dtype of x: use "
                              ".float().",
                           zh=f"{name} 的 dtype 是 {dtype}，期望 float32，即 x 的 dtype：请用 "
                              ".float()。"), got)


@pytest.mark.points(3)
def test_feature_stats_of_pima(student, reference, data_dir):
    """feature_stats: mean and std of your PimaDataset(path) (the whole file) match the reference's

    中文：feature_stats: 你的 PimaDataset(path)（整个文件）的 mean 和 std 与参考答案一致
    """
    ds = student.PimaDataset(_path(data_dir))
    got = student.feature_stats(ds)
    xs = torch.stack([x for x, _ in reference.PimaDataset(_path(data_dir))]).double()
    known = [((xs.mean(0), xs.std(0, correction=1)),
              bilingual(en="your std divides by N − 1 (torch.std's default, unbiased=True): the "
                           "population std divides by N: use torch.std(..., unbiased=False) "
                           "(correction=0) or NumPy's np.std, whose default is ddof=0.",
                        zh="你的 std 除以的是 N − 1（torch.std 的默认值 unbiased=True）：总体标准差"
                           "除以 N：请用 torch.std(..., unbiased=False)（correction=0）或者默认 "
                           "ddof=0 的 NumPy np.std。"))]
    _check(got, reference.feature_stats(reference.PimaDataset(_path(data_dir))), names=STATS,
           known=known)


# ================================================================ Normalize (5)

@pytest.mark.points(3)
def test_normalize_values(student, reference, rng):
    """Normalize: (x − mean) / std on one sample (7,) and on a batch (5, 7), keeping float32

    中文：Normalize: 对单个样本 (7,) 和一个批次 (5, 7) 计算 (x − mean) / std，保持 float32
    """
    mean = torch.tensor(rng.normal(size=7), dtype=torch.float32)
    std = torch.tensor(rng.uniform(0.5, 3.0, size=7), dtype=torch.float32)
    norm = student.Normalize(mean, std)
    for shape in ((7,), (5, 7)):
        x = torch.tensor(rng.normal(loc=2.0, scale=3.0, size=shape), dtype=torch.float32)
        known = [(x / std - mean, bilingual(
                     en="you computed x / std − mean: subtract the mean first, (x − mean) / std.",
                     zh="你算的是 x / std − mean：先减去均值，(x − mean) / std。")),
                 ((x - std) / mean, bilingual(
                     en="mean and std are swapped: Normalize(mean, std)(x) = (x − mean) / std.",
                     zh="mean 和 std 弄反了：Normalize(mean, std)(x) = (x − mean) / std。"))]
        _check(norm(x), reference.Normalize(mean, std)(x),
               names=bilingual(en=f"Normalize(mean, std)(x) for x {shape}",
                               zh=f"x 为 {shape} 时的 Normalize(mean, std)(x)"),
               known=known, check_dtype=True)


@pytest.mark.points(2)
@pytest.mark.depends_on("test_normalize_values")
def test_normalize_leaves_x_unchanged(student, reference, data_dir):
    """Normalize: does not modify x in place (PimaDataset(transform=Normalize(...))[3] twice gives one x)

    中文：Normalize: 不原地修改 x（两次取 PimaDataset(transform=Normalize(...))[3] 得到同一个 x）
    """
    mean, std = reference.feature_stats(reference.PimaDataset(_path(data_dir), split="train"))
    ds = student.PimaDataset(_path(data_dir), split="train", transform=student.Normalize(mean, std))
    first, _ = _item(ds, 3, "PimaDataset(path, split='train', transform=Normalize(mean, std))")
    second, _ = _item(ds, 3, "PimaDataset(path, split='train', transform=Normalize(mean, std))")
    if not is_close(_flat(first), _flat(second), check_dtype=False):
        fail(bilingual(en="reading ds[3] twice from PimaDataset(path, split='train', "
                          f"transform=Normalize(mean, std)) gave two different x, {_show(first)} and "
                          f"then {_show(second)}. Your Normalize changed its input in place "
                          "(x -= mean, x /= std, x.sub_(...)), and that input was the dataset's own "
                          "tensor, which is now normalized for good. Return a new tensor: "
                          "(x - mean) / std.",
                       zh="从 PimaDataset(path, split='train', transform=Normalize(mean, std)) 读取"
                          f"两次 ds[3]，得到了两个不同的 x：先是 {_show(first)}，然后是 "
                          f"{_show(second)}。你的 Normalize 原地修改了它的输入（x -= mean、"
                          "x /= std、x.sub_(...)），而那个输入就是数据集自己的张量，它现在被永久地"
                          "归一化了。请返回一个新张量：(x - mean) / std。"))


# ================================================================ make_loaders (17)

ML_N, ML_BATCH, ML_FRACTION = 123, 16, 0.3  # n_dev = round(36.9) = 37, n_train = 86


def _loaders(value, label):
    """The two loader handles of make_loaders' result (a clear failure otherwise)."""
    if not isinstance(value, (tuple, list)) or len(value) != 2 or \
            not all(isinstance(v, Handle) for v in value):
        fail(bilingual(en=f"{label} must return (train_loader, dev_loader), two DataLoaders; got "
                          f"{_describe(value)}",
                       zh=f"{label} 必须返回 (train_loader, dev_loader) 两个 DataLoader；得到的是"
                          f"{_describe(value)}"), value)
    return value


def _subset_indices(loader, which):
    """loader.dataset.indices as a list of ints, or None where the student's loader has none."""
    try:
        indices = loader.dataset.indices
    except StudentException:
        return None
    except Exception:  # noqa: BLE001 - a loader that has no dataset attribute at all
        return None
    if isinstance(indices, torch.Tensor):
        indices = indices.tolist()
    if not isinstance(indices, (list, tuple)):
        return None
    return [int(i) for i in indices]


def _epoch(loader, label):
    """One pass over a loader handle, as a list of (x, y) batches."""
    batches = list(loader)
    for k, batch in enumerate(batches):
        if not isinstance(batch, (tuple, list)) or len(batch) != 2:
            fail(bilingual(en=f"batch {k} of {label} is {_describe(batch)}; expected a pair (x, y).",
                           zh=f"{label} 的第 {k} 个批次是{_describe(batch)}；期望一对值 (x, y)。"))
    return batches


def _equal_batches(got, expected):
    """Whether two lists of (x, y) batches hold the same values in the same order."""
    return len(got) == len(expected) and all(
        is_close(x, ex) and is_close(y, ey) for (x, y), (ex, ey) in zip(got, expected))


def _same_batches(got, expected, label, hint=""):
    if len(got) != len(expected):
        fail(bilingual(en=f"{label} gave {len(got)} batches, expected {len(expected)}.",
                       zh=f"{label} 给出了 {len(got)} 个批次，期望 {len(expected)} 个。")
             + (f"\n{hint}" if hint else ""))
    for k, ((x, y), (ex, ey)) in enumerate(zip(got, expected)):
        try:
            assert_close(x, ex, names=bilingual(en=f"x of batch {k} of {label}",
                                                zh=f"{label} 第 {k} 个批次的 x"))
            assert_close(y, ey, names=bilingual(en=f"y of batch {k} of {label}",
                                                zh=f"{label} 第 {k} 个批次的 y"))
        except GradingFailure as exc:
            fail(f"{exc}\n{hint}" if hint else str(exc))


@pytest.mark.points(3)
def test_make_loaders_sizes(student, rng):
    """make_loaders: n_dev = round(dev_fraction·N): 86 train and 37 dev samples for N = 123 and 0.3

    中文：make_loaders: n_dev = round(dev_fraction·N)：N = 123、比例 0.3 时 86 个 train 样本和 37 个 dev 样本
    """
    pairs = _pairs(rng, ML_N)
    train_loader, dev_loader = _loaders(student.make_loaders(pairs, ML_BATCH, ML_FRACTION, 0), "make_loaders")
    sizes = (_length(train_loader.dataset, "train_loader.dataset"), _length(dev_loader.dataset, "dev_loader.dataset"))
    n_dev = round(ML_FRACTION * ML_N)
    if sizes == (ML_N - n_dev + 1, n_dev - 1):
        fail(bilingual(en=f"the dev set has {sizes[1]} samples and the train set {sizes[0]}: n_dev = "
                          "round(0.3 · 123) = round(36.9) = 37; int() truncates 36.9 to 36: use "
                          "round().",
                       zh=f"dev 集有 {sizes[1]} 个样本，train 集有 {sizes[0]} 个：n_dev = "
                          "round(0.3 · 123) = round(36.9) = 37；int() 会把 36.9 截断成 36：请用 "
                          "round()。"))
    if sizes == (n_dev, ML_N - n_dev):
        fail(bilingual(en=f"the train set has {sizes[0]} samples and the dev set {sizes[1]}: "
                          "swapped. random_split(dataset, [N − n_dev, n_dev]) gives the train part "
                          "first.",
                       zh=f"train 集有 {sizes[0]} 个样本，dev 集有 {sizes[1]} 个：弄反了。"
                          "random_split(dataset, [N − n_dev, n_dev]) 先给出 train 部分。"))
    if sizes != (ML_N - n_dev, n_dev):
        fail(bilingual(en=f"the train and dev sets have {sizes[0]} and {sizes[1]} samples; expected "
                          f"{ML_N - n_dev} and {n_dev} (n_dev = round(dev_fraction · N) = "
                          "round(0.3 · 123)).",
                       zh=f"train 集和 dev 集分别有 {sizes[0]} 和 {sizes[1]} 个样本；期望 "
                          f"{ML_N - n_dev} 和 {n_dev}（n_dev = round(dev_fraction · N) = "
                          "round(0.3 · 123)）。"))


@pytest.mark.points(2)
def test_make_loaders_batch_sizes(student, rng):
    """make_loaders: both loaders give batches of batch_size and keep the last, smaller one

    中文：make_loaders: 两个 loader 都给出 batch_size 大小的批次，并保留最后一个较小的批次
    """
    pairs = _pairs(rng, ML_N)
    train_loader, dev_loader = _loaders(student.make_loaders(pairs, ML_BATCH, ML_FRACTION, 3), "make_loaders")
    for name, loader in (("train_loader", train_loader), ("dev_loader", dev_loader)):
        n = _length(loader.dataset, f"{name}.dataset")
        got = [len(x) for x, _ in _epoch(loader, name)]
        expected = [ML_BATCH] * (n // ML_BATCH) + ([n % ML_BATCH] if n % ML_BATCH else [])
        if got != expected:
            fail(bilingual(en=f"{name} over {n} samples with batch_size={ML_BATCH} gave batches of "
                              f"{got}; expected {expected}: DataLoader(..., batch_size=batch_size), "
                              "keeping the last smaller batch (drop_last=False, the default).",
                           zh=f"{name} 在 {n} 个样本上用 batch_size={ML_BATCH} 给出的批次大小是 "
                              f"{got}；期望 {expected}：DataLoader(..., batch_size=batch_size)，保留"
                              "最后一个较小的批次（drop_last=False，即默认值）。"))


@pytest.mark.points(4)
def test_make_loaders_split_indices(student, reference, rng):
    """make_loaders: the train and dev indices are the reference's for seeds 0 and 7 (random_split with a seeded generator)

    中文：make_loaders: 种子为 0 和 7 时 train 和 dev 的下标与参考答案一致（用带种子的生成器调用 random_split）
    """
    pairs = _pairs(rng, ML_N)
    for seed in (0, 7):
        loaders = _loaders(student.make_loaders(pairs, ML_BATCH, ML_FRACTION, seed), "make_loaders")
        ref_train, ref_dev = reference.make_loaders(pairs, ML_BATCH, ML_FRACTION, seed)
        for name, loader, ref in (("train", loaders[0], ref_train), ("dev", loaders[1], ref_dev)):
            got = _subset_indices(loader, name)
            if got is None:
                fail(bilingual(en=f"{name}_loader.dataset has no .indices: split the dataset with "
                                  "torch.utils.data.random_split, whose parts are Subsets.",
                               zh=f"{name}_loader.dataset 没有 .indices：请用 "
                                  "torch.utils.data.random_split 划分数据集，它划分出的部分是 "
                                  "Subset。"))
            expected = list(ref.dataset.indices)
            if got != expected:
                where = next((k for k, (a, b) in enumerate(zip(got, expected)) if a != b), None)
                what = (bilingual(en=f"{len(got)} indices, expected {len(expected)}",
                                  zh=f"{len(got)} 个下标，期望 {len(expected)} 个") if where is None else
                        bilingual(en=f"index {got[where]} at position {where}, where "
                                     f"{expected[where]} was expected",
                                  zh=f"位置 {where} 上的下标 {got[where]}，而期望的是 "
                                     f"{expected[where]}"))
                fail(bilingual(en=f"the {name} part for seed {seed} (N = {ML_N}, dev_fraction = "
                                  f"{ML_FRACTION}) has {what}: split with random_split(dataset, "
                                  "[N − n_dev, n_dev], generator=torch.Generator().manual_seed(seed)).",
                               zh=f"种子为 {seed} 时（N = {ML_N}，dev_fraction = {ML_FRACTION}）"
                                  f"{name} 部分有{what}：请用 random_split(dataset, "
                                  "[N − n_dev, n_dev], generator=torch.Generator().manual_seed(seed)) "
                                  "划分。"))


@pytest.mark.points(4)
def test_make_loaders_train_order(student, reference, rng):
    """make_loaders: the train loader's first epoch visits its samples in the order of a generator seeded by seed

    中文：make_loaders: train loader 的第一个 epoch 按以 seed 为种子的生成器给出的顺序访问样本
    """
    pairs = _pairs(rng, ML_N)
    hint = bilingual(en="Hint: the train loader must shuffle with its own generator: "
                        "DataLoader(train_set, batch_size, shuffle=True, "
                        "generator=torch.Generator().manual_seed(seed)); without one it draws from "
                        "torch's global random state, and every run differs.",
                     zh="提示：train loader 必须用它自己的生成器打乱：DataLoader(train_set, "
                        "batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed))；"
                        "没有它就会使用 torch 的全局随机状态，每次运行都不一样。")
    for seed in (0, 7):
        train_loader, _ = _loaders(student.make_loaders(pairs, ML_BATCH, ML_FRACTION, seed), "make_loaders")
        indices = _subset_indices(train_loader, "train")
        if indices is None:  # not a Subset: compare with the contract's loader
            expected = list(reference.make_loaders(pairs, ML_BATCH, ML_FRACTION, seed)[0])
        else:  # the order that a seeded shuffle gives on the student's own train part
            expected = list(DataLoader(Subset(pairs, indices), batch_size=ML_BATCH, shuffle=True,
                                       generator=torch.Generator().manual_seed(seed)))
        got = _epoch(train_loader, "train_loader")
        label = bilingual(en=f"train_loader (seed {seed})", zh=f"train_loader（种子 {seed}）")
        if indices is not None and _equal_batches(
                got, list(DataLoader(Subset(pairs, indices), batch_size=ML_BATCH, shuffle=False))):
            _same_batches(got, expected, label, bilingual(
                en="Hint: your train loader gives the train samples in the split's order, the same "
                   "every epoch: it does not shuffle. Mini-batch SGD needs the batches drawn anew "
                   "each epoch: DataLoader(train_set, batch_size, shuffle=True, "
                   "generator=torch.Generator().manual_seed(seed)).",
                zh="提示：你的 train loader 按划分的顺序给出训练样本，每个 epoch 都一样：它没有打乱。"
                   "小批量随机梯度下降需要每个 epoch 重新抽取批次：DataLoader(train_set, batch_size, "
                   "shuffle=True, generator=torch.Generator().manual_seed(seed))。"))
        if len(got) == len(expected) - 1 and len(expected[-1][0]) < ML_BATCH and \
                _equal_batches(got, expected[:-1]):
            _same_batches(got, expected, label, bilingual(
                en="Hint: your train loader leaves out the last, smaller batch (drop_last=True): "
                   "keep it, drop_last=False (the default), so that every sample is trained on.",
                zh="提示：你的 train loader 丢掉了最后一个较小的批次（drop_last=True）：请保留它，"
                   "即 drop_last=False（默认值），这样每个样本都参与训练。"))
        _same_batches(got, expected, label, hint)


@pytest.mark.points(2)
def test_make_loaders_reproducible(student, rng):
    """make_loaders: two calls with seed 1 give the same first train batch; seed 2 another one

    中文：make_loaders: 两次用 seed 1 调用得到相同的第一个 train 批次；seed 2 得到另一个
    """
    pairs = _pairs(rng, 60)
    first = [_loaders(student.make_loaders(pairs, 8, 0.25, seed), "make_loaders")[0] for seed in (1, 1, 2)]
    batches = [_epoch(loader, "train_loader")[0] for loader in first]
    if not is_close(batches[0][0], batches[1][0]):
        fail(bilingual(en="two calls of make_loaders(dataset, 8, 0.25, seed=1) gave different first "
                          "train batches: shuffle with DataLoader(..., shuffle=True, "
                          "generator=torch.Generator().manual_seed(seed)), and split with "
                          "random_split's generator seeded by seed as well, so that a run can be "
                          "repeated.",
                       zh="两次调用 make_loaders(dataset, 8, 0.25, seed=1) 得到的第一个 train 批次"
                          "不同：用 DataLoader(..., shuffle=True, "
                          "generator=torch.Generator().manual_seed(seed)) 打乱，random_split 的"
                          "生成器也用 seed 设置种子，这样运行才能重复。"))
    if is_close(batches[0][0], batches[2][0]):
        fail(bilingual(en="make_loaders(dataset, 8, 0.25, seed) gave the same first train batch for "
                          "seeds 1 and 2: use the seed argument to seed the generators.",
                       zh="make_loaders(dataset, 8, 0.25, seed) 在种子 1 和 2 时给出了相同的第一个 "
                          "train 批次：请用参数 seed 为生成器设置种子。"))


@pytest.mark.points(2)
def test_make_loaders_dev_not_shuffled(student, reference, rng):
    """make_loaders: the dev loader is not shuffled: its batches hold the dev samples in the split's order

    中文：make_loaders: dev loader 不打乱：它的批次按划分的顺序包含 dev 样本
    """
    pairs = _pairs(rng, ML_N)
    _, dev_loader = _loaders(student.make_loaders(pairs, ML_BATCH, ML_FRACTION, 5), "make_loaders")
    indices = _subset_indices(dev_loader, "dev")
    if indices is None:
        expected = list(reference.make_loaders(pairs, ML_BATCH, ML_FRACTION, 5)[1])
    else:
        expected = list(DataLoader(Subset(pairs, indices), batch_size=ML_BATCH, shuffle=False))
    for _ in range(2):
        _same_batches(_epoch(dev_loader, "dev_loader"), expected, "dev_loader",
                      bilingual(en="Hint: the dev loader keeps the dev set's order: "
                                   "DataLoader(dev_set, batch_size, shuffle=False).",
                                zh="提示：dev loader 保持 dev 集的顺序：DataLoader(dev_set, batch_size, "
                                   "shuffle=False)。"))


# ================================================================ Classifier (10)

@pytest.mark.points(3)
def test_classifier_parameters(student):
    """Classifier: three Linear layers 7→6, 6→4, 4→1: parameters of shapes (6, 7), (6,), (4, 6), (4,), (1, 4), (1,)

    中文：Classifier: 三个 Linear 层 7→6、6→4、4→1：参数形状为 (6, 7)、(6,)、(4, 6)、(4,)、(1, 4)、(1,)
    """
    _student_names(student.Classifier())


@pytest.mark.points(2)
def test_classifier_forward_shape(student, rng):
    """Classifier: forward maps x (N, 7) to probabilities of shape (N, 1) in (0, 1), for N = 1 and 10

    中文：Classifier: forward 把 x (N, 7) 映射为 (0, 1) 中形状为 (N, 1) 的概率，N = 1 和 10
    """
    model = student.Classifier()
    for n in (1, 10):
        out = model(torch.tensor(rng.normal(size=(n, 7)), dtype=torch.float32))
        if not isinstance(out, torch.Tensor):
            fail(bilingual(en=f"Classifier()(x) for x of shape ({n}, 7) returned {_describe(out)}; "
                              "expected a tensor.",
                           zh=f"x 的形状为 ({n}, 7) 时，Classifier()(x) 返回了{_describe(out)}；"
                              "期望一个张量。"))
        if tuple(out.shape) != (n, 1):
            fail(bilingual(en=f"Classifier()(x) for x of shape ({n}, 7) has shape {tuple(out.shape)}, "
                              f"expected ({n}, 1).",
                           zh=f"x 的形状为 ({n}, 7) 时，Classifier()(x) 的形状是 {tuple(out.shape)}，"
                              f"期望 ({n}, 1)。"))
        if not bool(((out > 0) & (out < 1)).all()):
            values = out.reshape(-1).tolist()[:5]
            fail(bilingual(en=f"Classifier()(x) gave {values} …: probabilities must lie in (0, 1): "
                              "end with a sigmoid.",
                           zh=f"Classifier()(x) 得到 {values} …：概率必须在 (0, 1) 之间：最后要接一个 "
                              "sigmoid。"))


@pytest.mark.points(5)
def test_classifier_forward_matches_reference(student, reference, rng):
    """Classifier: forward matches the reference with the same weights (a sigmoid after each layer)

    中文：Classifier: 权重相同时 forward 与参考答案一致（每层之后一个 sigmoid）
    """
    weights = _weights(rng)
    model = student.Classifier()
    _load(model, weights)
    x = torch.tensor(rng.normal(size=(10, 7)), dtype=torch.float32)
    with torch.no_grad():
        expected = _reference_model(reference, weights)(x)
    assert_close(model(x), expected,
                 names=bilingual(en="Classifier()(x) for x of shape (10, 7), with the same weights",
                                 zh="权重相同、x 的形状为 (10, 7) 时的 Classifier()(x)"))


# ================================================================ train (12 + 6 on GPU)

TRAIN_SIZES = (16, 16, 16, 16, 7)
TRAIN_EPOCHS, TRAIN_LR = 4, 0.5


def _history(value):
    """A history of floats, 0-d tensors or one-element arrays as floats (types have their
    own test); anything else as it is."""
    if not isinstance(value, (list, tuple)):
        return value
    out = []
    for v in value:
        if isinstance(v, torch.Tensor) and v.numel() == 1:
            out.append(float(v.reshape(-1)[0]))
        elif isinstance(v, np.ndarray) and v.size == 1:
            out.append(float(v.reshape(-1)[0]))
        else:
            out.append(v)
    return out


@pytest.mark.points(6)
def test_train_loss_history(student, reference, rng, device):
    """train: the mean loss of every epoch matches the reference from the same weights (4 epochs, batches of 16 and a last one of 7)

    中文：train: 从相同的权重出发，每个 epoch 的平均损失与参考答案一致（4 个 epoch，批次大小 16，最后一个为 7）

    On cuda the history is compared with the reference's on the CPU: float32 sums run in
    another order on a GPU, which moves these losses by ~1e-6 relative over 4 epochs of 5
    batches; the default rtol 1e-4 leaves a margin of 100 for that, while each known
    mistake changes them by 1e-2 or more.
    """
    weights, batches = _weights(rng), _batches(rng, TRAIN_SIZES)
    model = student.Classifier()
    _load(model, weights)
    got = student.train(model, batches, TRAIN_EPOCHS, TRAIN_LR, device=device)
    expected = reference.train(_reference_model(reference, weights), batches, TRAIN_EPOCHS, TRAIN_LR)
    known = [
        (_train_variant(reference, weights, batches, TRAIN_EPOCHS, TRAIN_LR, "last_batch")[0],
         bilingual(en="each of your losses is the epoch's last batch loss: add up the batch losses "
                      "(loss.item()) over the epoch and divide by the number of batches.",
                   zh="你的每个损失都是该 epoch 最后一个批次的损失：把一个 epoch 中各批次的损失"
                      "（loss.item()）加起来，再除以批次数。")),
        (_train_variant(reference, weights, batches, TRAIN_EPOCHS, TRAIN_LR, "no_zero_grad")[0],
         bilingual(en="your gradients accumulate from batch to batch: backward() adds to .grad, so "
                      "call optimizer.zero_grad() before each loss.backward().",
                   zh="你的梯度在批次之间不断累加：backward() 会加到 .grad 上，所以每次 "
                      "loss.backward() 之前都要调用 optimizer.zero_grad()。")),
        (_train_variant(reference, weights, batches, TRAIN_EPOCHS, TRAIN_LR, "weighted")[0],
         bilingual(en="your losses are means over the samples (each batch weighted by its size): "
                      "the contract asks for the plain mean of the epoch's batch losses, each batch "
                      "counting once.",
                   zh="你的损失是对样本求的平均（每个批次按大小加权）：约定要求的是该 epoch 各批次"
                      "损失的简单平均，每个批次只算一次。")),
    ]
    _check(_history(got), expected, names="losses", known=known, source=got)


@pytest.mark.points(4)
def test_train_updates_weights(student, reference, rng):
    """train: the weights after 3 epochs match the reference's from the same weights

    中文：train: 从相同的权重出发，3 个 epoch 后的权重与参考答案一致
    """
    weights, batches = _weights(rng), _batches(rng, (10, 10, 5))
    model = student.Classifier()
    names = _load(model, weights)
    student.train(model, batches, 3, TRAIN_LR)
    state = model.method("state_dict")
    ref_model = _reference_model(reference, weights)
    reference.train(ref_model, batches, 3, TRAIN_LR)
    _, no_zero = _train_variant(reference, weights, batches, 3, TRAIN_LR, "no_zero_grad")
    got = {ref: state[names[ref]] for ref in REF_NAMES}
    expected = ref_model.state_dict()
    for ref in REF_NAMES:
        _check(got[ref], expected[ref],
               names=bilingual(en=f"{names[ref]} after training", zh=f"训练后的 {names[ref]}"),
               known=[(no_zero.state_dict()[ref], bilingual(
                   en="your gradients accumulate from batch to batch: call optimizer.zero_grad() "
                      "before each loss.backward().",
                   zh="你的梯度在批次之间不断累加：每次 loss.backward() 之前都要调用 "
                      "optimizer.zero_grad()。"))])


@pytest.mark.points(2)
def test_train_returns_floats(student, rng):
    """train: returns a list of one Python float per epoch (epochs = 3)

    中文：train: 返回每个 epoch 一个 Python float 的列表（epochs = 3）
    """
    model = student.Classifier()
    got = student.train(model, _batches(rng, (8, 8)), 3, 0.1)
    if not isinstance(got, (list, tuple)) or len(got) != 3:
        fail(bilingual(en=f"train(model, loader, epochs=3, lr) must return a list of 3 losses, one "
                          f"per epoch; got {_describe(got)}",
                       zh=f"train(model, loader, epochs=3, lr) 必须返回 3 个损失的列表，每个 epoch "
                          f"一个；得到的是{_describe(got)}"), got)
    for k, value in enumerate(got):
        if isinstance(value, torch.Tensor):
            fail(bilingual(en=f"losses[{k}] is a tensor: append loss.item(), a Python float (a "
                              "tensor keeps its whole computational graph alive, epoch after "
                              "epoch).",
                           zh=f"losses[{k}] 是张量：请 append loss.item()，即 Python float（张量会让"
                              "整个计算图一直留在内存里，一个 epoch 接一个 epoch）。"), got)
        if isinstance(value, bool) or not isinstance(value, (float, np.floating)) or not math.isfinite(value):
            fail(bilingual(en=f"losses[{k}] is {_describe(value)}; expected a finite Python float.",
                           zh=f"losses[{k}] 是{_describe(value)}；期望一个有限的 Python float。"), got)


# ================================================================ evaluate (6 + 4 on GPU)

EVAL_SIZES = (16, 16, 16, 9)


@pytest.mark.points(4)
def test_evaluate_accuracy(student, reference, rng, device):
    """evaluate: the accuracy at threshold 0.5 matches the reference with the same weights (batches of 16 and a last one of 9)

    中文：evaluate: 权重相同时，阈值 0.5 下的准确率与参考答案一致（批次大小 16，最后一个为 9）

    The model is moved to the device first (model.to(device)). Samples whose reference
    probability lies within 1e-3 of 0.5 are left out, so that float32 round-off on a
    GPU (~1e-7) cannot move a prediction across the threshold: the accuracy must then be
    the CPU reference's exactly (within the default tolerances).
    """
    weights, raw = _weights(rng, scale=2.0), _batches(rng, EVAL_SIZES)
    # Shift the output layer's bias by the median logit, so that about half of the
    # samples are predicted positive: random weights alone predict one class for all.
    x_all = torch.cat([x for x, _ in raw])
    h = torch.sigmoid(x_all @ weights["linear1.weight"].T + weights["linear1.bias"])
    h = torch.sigmoid(h @ weights["linear2.weight"].T + weights["linear2.bias"])
    logits = h @ weights["linear3.weight"].T + weights["linear3.bias"]
    weights["linear3.bias"] = weights["linear3.bias"] - logits.median()
    ref_model = _reference_model(reference, weights)
    batches = []
    for x, y in raw:
        with torch.no_grad():
            keep = ((ref_model(x) - 0.5).abs() > 1e-3).reshape(-1)
        batches.append((x[keep], y[keep]))
    model = student.Classifier()
    _load(model, weights)
    model.method("to", device)
    got = student.evaluate(model, batches, device=device)
    expected = reference.evaluate(ref_model, batches)
    with torch.no_grad():
        predicted = [(ref_model(x) > 0.5).float() for x, _ in batches]
    per_batch = float(np.mean([float((p == y).float().mean()) for p, (_, y) in zip(predicted, batches)]))
    broadcast = sum(float((p.reshape(-1) == y).sum()) for p, (_, y) in zip(predicted, batches)) / \
        sum(len(y) for _, y in batches)
    last = float((predicted[-1] == batches[-1][1]).float().mean())
    known = [(last, bilingual(
                 en="that is the accuracy of the last batch alone: your accuracy is overwritten "
                    "batch after batch. Count the right predictions over all batches and divide by "
                    "the number of samples.",
                 zh="那只是最后一个批次的准确率：你的准确率在每个批次都被覆盖了。请统计所有批次中"
                    "预测正确的个数，再除以样本数。")),
             (per_batch, bilingual(
                 en="you averaged the accuracies of the batches: the last batch is smaller, so "
                    "that is not the accuracy over the samples. Count the right predictions over "
                    "all batches and divide by the number of samples.",
                 zh="你对各批次的准确率取了平均：最后一个批次比较小，所以这不是所有样本上的准确率。"
                    "请统计所有批次中预测正确的个数，再除以样本数。")),
             (broadcast, _broadcast_hint())]
    _check(got, expected, names="accuracy", known=known, source=got)


@pytest.mark.points(2)
def test_evaluate_all_right_or_all_wrong(student, rng):
    """evaluate: 1.0 when every prediction is right, 0.0 when every one is wrong

    中文：evaluate: 预测全对时为 1.0，全错时为 0.0
    """
    weights = {name: torch.zeros(shape) for name, shape in zip(REF_NAMES, SHAPES)}
    weights["linear3.bias"] = torch.tensor([10.0])  # every probability is σ(10) > 0.5
    model = student.Classifier()
    _load(model, weights)
    xs = [torch.tensor(rng.normal(size=(b, 7)), dtype=torch.float32) for b in (5, 5, 3)]
    broadcast = sum(len(x) ** 2 for x in xs) / sum(len(x) for x in xs)
    for label, expected in ((1.0, 1.0), (0.0, 0.0)):
        batches = [(x, torch.full((len(x), 1), label)) for x in xs]
        got = student.evaluate(model, batches)
        _check(got, expected,
               names=bilingual(en=f"accuracy when every label is {label:g} and every probability σ(10)",
                               zh=f"每个标签都是 {label:g}、每个概率都是 σ(10) 时的 accuracy"),
               known=[(broadcast, _broadcast_hint())], source=got)


def _broadcast_hint():
    return bilingual(
        en="your predictions of shape (B,) were compared with labels of shape (B, 1), which "
           "broadcasts to a (B, B) table: compare tensors of one shape (keep the model's (B, 1) "
           "output, or flatten both).",
        zh="你把形状为 (B,) 的预测和形状为 (B, 1) 的标签做了比较，广播成了 (B, B) 的表：请比较"
           "形状相同的张量（保留模型 (B, 1) 的输出，或者把两者都展平）。")
