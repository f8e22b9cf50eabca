"""Hidden suite for {name}: 100 points.

Each test is named "function: what it checks" (its docstring's first line) and compares
the student's function with the reference on seeded random inputs (the ``rng`` fixture),
or with values written in the test (so that a wrong reference cannot pass unnoticed).
A test of a property (inputs left unchanged, an invariance) depends on the value tests
of its function (``@pytest.mark.depends_on``), so that a function that does nothing
earns nothing.  `grade audit {name}` checks the suite: run it after every change.
"""
import numpy as np
import pytest

from grader.checks import assert_close, assert_unchanged


@pytest.mark.points(50)
def test_center_values(student, reference, rng):
    """center: matches the reference on random (N, D) inputs

    中文：center: 在随机的 (N, D) 输入上与参考答案一致
    """
    for shape in ((5, 3), (1, 4), (20, 2)):
        x = rng.normal(2.0, 3.0, size=shape)
        assert_close(student.center(x), reference.center(x), names="centered x")


@pytest.mark.points(10)
def test_center_worked_example(student):
    """center: [[1, 2], [5, 6]] becomes [[-2, -2], [2, 2]] (written here, so that a wrong reference cannot pass unnoticed)

    中文：center: [[1, 2], [5, 6]] 变为 [[-2, -2], [2, 2]]（写在这里，参考答案错了也逃不过）
    """
    assert_close(student.center(np.array([[1.0, 2.0], [5.0, 6.0]])),
                 np.array([[-2.0, -2.0], [2.0, 2.0]]), names="centered x")


@pytest.mark.points(20)
def test_center_accepts_lists(student, reference, rng):
    """center: accepts a nested list

    中文：center: 接受嵌套列表
    """
    x = rng.normal(size=(4, 3)).tolist()
    assert_close(student.center(x), reference.center(x), names="centered x")


@pytest.mark.points(20)
@pytest.mark.depends_on("test_center_values")
def test_center_leaves_x_unchanged(student, rng):
    """center: x is left as it was found

    中文：center: x 保持原样，没有被修改
    """
    student.center(rng.normal(size=(6, 3)))
    assert_unchanged(student.last_call.changed, "center")
