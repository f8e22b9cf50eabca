"""Public tests for hw6: the data file's first row, shapes and small worked examples (10
points), at least one for every function and class.

Run them with `grade hw6`.  They are a first check only: the hidden suite (100 points)
compares your dataset with a reference item by item and through a DataLoader, checks
dtypes, negative indices, IndexError and transforms, your loaders' split and order for
given seeds, and your training's loss in every epoch from given weights.
"""

import math

import pytest
import torch

from grader.checks import assert_close, fail
from grader.i18n import bilingual

#: The shapes of Classifier's parameters (nn.Linear keeps its weight as (out, in)).
SHAPES = [(6, 7), (6,), (4, 6), (4,), (1, 4), (1,)]


def _load(model, weights):
    """Give the student's Classifier ``weights`` ({shape: tensor}), whatever it names its
    layers (each parameter's shape is different)."""
    state = model.method("state_dict")
    shapes = {key: tuple(value.shape) for key, value in state.items()} if isinstance(state, dict) else {}
    if sorted(shapes.values()) != sorted(SHAPES):
        got = sorted(shapes.values())
        fail(bilingual(en=f"Classifier's parameters have the shapes {got}; three nn.Linear "
                          f"layers 7→6, 6→4, 4→1 have {SHAPES}",
                       zh=f"Classifier 的参数形状是 {got}；三个 nn.Linear 层 7→6、6→4、4→1 的参数"
                          f"形状是 {SHAPES}"))
    model.method("load_state_dict", {key: weights[shape] for key, shape in shapes.items()})


@pytest.mark.points(2)
def test_pima_dataset_first_row(student, data_dir):
    """PimaDataset: len is 532 and ds[0] is the file's first row, x = [5, 86, 68, 28, 30.2, 0.364, 24], y = [0.0]

    中文：PimaDataset: len 为 532，ds[0] 是文件的第一行，x = [5, 86, 68, 28, 30.2, 0.364, 24]，y = [0.0]
    """
    ds = student.PimaDataset(str(data_dir / "pima.csv"))
    n = len(ds)
    if n != 532:
        fail(bilingual(en=f"len(PimaDataset(path)) is {n}, expected 532 (the data rows, not the "
                          "header)",
                       zh=f"len(PimaDataset(path)) 是 {n}，期望 532（数据行数，不含表头）"))
    x, y = ds[0]
    # The first line after the header: 5,86,68,28,30.2,0.364,24,No,train
    assert_close(x, torch.tensor([5.0, 86.0, 68.0, 28.0, 30.2, 0.364, 24.0]), check_dtype=True,
                 names=bilingual(en="x of ds[0]", zh="ds[0] 的 x"))
    assert_close(y, torch.tensor([0.0]), check_dtype=True, names=bilingual(en="y of ds[0]", zh="ds[0] 的 y"))


@pytest.mark.points(1)
def test_pima_dataset_splits(student, data_dir):
    """PimaDataset: split="train" has 200 rows and split="test" 332

    中文：PimaDataset: split="train" 有 200 行，split="test" 有 332 行
    """
    path = str(data_dir / "pima.csv")
    for split, expected in (("train", 200), ("test", 332)):
        n = len(student.PimaDataset(path, split=split))
        if n != expected:
            fail(bilingual(en=f"len(PimaDataset(path, split={split!r})) is {n}, expected {expected}",
                           zh=f"len(PimaDataset(path, split={split!r})) 是 {n}，期望 {expected}"))


@pytest.mark.points(1)
def test_feature_stats_worked_example(student):
    """feature_stats: two samples x = [1, …, 7] and [3, …, 9] give mean [2, …, 8] and std [1, …, 1]

    中文：feature_stats: 两个样本 x = [1, …, 7] 和 [3, …, 9] 得到 mean [2, …, 8] 和 std [1, …, 1]
    """
    pairs = [(torch.arange(1.0, 8.0), torch.tensor([0.0])),
             (torch.arange(3.0, 10.0), torch.tensor([1.0]))]
    # Each feature is {a, a + 2}: mean a + 1, population std sqrt((1 + 1) / 2) = 1.
    mean, std = student.feature_stats(pairs)
    assert_close(mean, torch.arange(2.0, 9.0), check_dtype=True, names="mean")
    assert_close(std, torch.ones(7), check_dtype=True, names="std")


@pytest.mark.points(1)
def test_normalize_worked_example(student):
    """Normalize: (x − mean) / std on one sample

    中文：Normalize: 对单个样本计算 (x − mean) / std
    """
    mean = torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])
    std = torch.tensor([2.0, 2.0, 2.0, 4.0, 4.0, 4.0, 0.5])
    x = torch.tensor([3.0, 2.0, 1.0, 8.0, 1.0, 6.0, 8.0])
    assert_close(student.Normalize(mean, std)(x), torch.tensor([1.0, 0.0, -1.0, 1.0, -1.0, 0.0, 2.0]),
                 names="Normalize(mean, std)(x)")


@pytest.mark.points(1)
def test_classifier_output_shape(student):
    """Classifier: forward maps x (4, 7) to 4 probabilities of shape (4, 1), each in (0, 1)

    中文：Classifier: forward 把 x (4, 7) 映射为形状 (4, 1) 的 4 个概率，每个都在 (0, 1) 中
    """
    out = student.Classifier()(torch.zeros(4, 7))
    if not isinstance(out, torch.Tensor) or tuple(out.shape) != (4, 1):
        fail(bilingual(en=f"Classifier()(x) for x of shape (4, 7) must be a tensor of shape (4, 1), "
                          f"got {out!r:.100}",
                       zh=f"x 的形状为 (4, 7) 时，Classifier()(x) 必须是形状为 (4, 1) 的张量，"
                          f"得到的是 {out!r:.100}"))
    if not bool(((out > 0) & (out < 1)).all()):
        values = out.reshape(-1).tolist()
        fail(bilingual(en=f"Classifier()(x) gave {values}: probabilities lie in (0, 1)",
                       zh=f"Classifier()(x) 得到 {values}：概率应在 (0, 1) 之间"))


def _pairs(n):
    """n samples (x, y): x is 7 copies of the sample's number i, y = [i mod 2]."""
    return [(torch.full((7,), float(i)), torch.tensor([float(i % 2)])) for i in range(n)]


@pytest.mark.points(2)
def test_make_loaders_split_and_batches(student):
    """make_loaders: 10 samples, dev_fraction 0.3, batch_size 4, seed 0: 7 train samples in batches of 4 and 3, the dev samples 8, 6, 2 in one batch

    中文：make_loaders: 10 个样本，dev_fraction 0.3，batch_size 4，seed 0：7 个 train 样本分成 4 个和 3 个两批，dev 样本 8、6、2 在一个批次中
    """
    loaders = student.make_loaders(_pairs(10), 4, 0.3, 0)
    if not isinstance(loaders, (tuple, list)) or len(loaders) != 2:
        fail(bilingual(en=f"make_loaders must return (train_loader, dev_loader); got {loaders!r:.100}",
                       zh=f"make_loaders 必须返回 (train_loader, dev_loader)；得到的是 {loaders!r:.100}"),
             loaders)
    train_loader, dev_loader = loaders
    # n_dev = round(0.3 · 10) = 3; random_split with torch.Generator().manual_seed(0) puts
    # samples 8, 6, 2 in the dev part, in that order; the dev loader does not shuffle.
    dev = [batch[0][:, 0].tolist() for batch in dev_loader]
    if dev != [[8.0, 6.0, 2.0]]:
        fail(bilingual(en=f"the dev loader gave the samples {dev}; expected one batch holding "
                          "samples 8, 6, 2 (random_split(dataset, [N − n_dev, n_dev], "
                          "generator=torch.Generator().manual_seed(seed)), the dev part not "
                          "shuffled)",
                       zh=f"dev loader 给出的样本是 {dev}；期望一个批次，包含样本 8、6、2"
                          "（random_split(dataset, [N − n_dev, n_dev], "
                          "generator=torch.Generator().manual_seed(seed))，dev 部分不打乱）"))
    train = [batch[0][:, 0].tolist() for batch in train_loader]
    if [len(b) for b in train] != [4, 3] or sorted(sum(train, [])) != [0.0, 1.0, 3.0, 4.0, 5.0, 7.0, 9.0]:
        fail(bilingual(en=f"the train loader gave the samples {train}; expected the other 7 "
                          "samples (0, 1, 3, 4, 5, 7, 9) in a batch of 4 and a last one of 3",
                       zh=f"train loader 给出的样本是 {train}；期望其余 7 个样本"
                          "（0, 1, 3, 4, 5, 7, 9），分成一个 4 个样本的批次和最后一个 3 个样本的批次"))


def _zero_weights():
    return {shape: torch.zeros(shape) for shape in SHAPES}


@pytest.mark.points(1)
def test_train_two_epochs_from_zero_weights(student):
    """train: 2 epochs, lr 0.5, from all-zero weights, on batches of 3 and 1 samples

    中文：train: 从全零权重出发，lr 0.5，2 个 epoch，批次为 3 个和 1 个样本
    """
    model = student.Classifier()
    _load(model, _zero_weights())
    x = torch.tensor([[1.0, 0, 0, 0, 0, 0, 0], [0, 1.0, 0, 0, 0, 0, 0], [0, 0, 2.0, 0, 0, 0, -1.0],
                      [1.0, 1, 1, 1, 1, 1, 1]])
    y = torch.tensor([[1.0], [0.0], [1.0], [1.0]])
    losses = student.train(model, [(x[:3], y[:3]), (x[3:], y[3:])], 2, 0.5)
    # With zero weights every probability is σ(0) = 1/2, so the first batch's loss is
    # ln 2; the epoch's loss is the mean of its two batch losses, each batch counting once.
    assert_close(losses, [0.6532146334648132, 0.5300383418798447], names="losses")


@pytest.mark.points(1)
def test_evaluate_worked_example(student):
    """evaluate: weights that predict 1 exactly when x[0] > 0, on 5 samples in batches of 3 and 2: accuracy 3/5

    中文：evaluate: 恰在 x[0] > 0 时预测 1 的权重，5 个样本分成 3 个和 2 个两批：准确率 3/5
    """
    weights = _zero_weights()
    # The first hidden unit is σ(x[0]), the next layer's first unit σ(4·that), and the
    # output σ(10·(that − σ(2))): 0.73 for x[0] = 5 and 0.02 for x[0] = −5.
    weights[(6, 7)][0, 0], weights[(4, 6)][0, 0], weights[(1, 4)][0, 0] = 1.0, 4.0, 10.0
    weights[(1,)][0] = -10 * (1 / (1 + math.exp(-2.0)))
    model = student.Classifier()
    _load(model, weights)
    x = torch.zeros(5, 7)
    x[:, 0] = torch.tensor([5.0, -5.0, 5.0, -5.0, 5.0])
    y = torch.tensor([[1.0], [0.0], [0.0], [1.0], [1.0]])  # samples 0, 1 and 4 are right
    assert_close(student.evaluate(model, [(x[:3], y[:3]), (x[3:], y[3:])]), 0.6, names="accuracy")
