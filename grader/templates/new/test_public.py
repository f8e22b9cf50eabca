"""Public tests for {name}: shapes and small worked examples ({public_points} points).

They ship to students, where there is no reference: expected values are written here.
"""
import numpy as np
import pytest

from grader.checks import assert_close


@pytest.mark.points(10)
def test_center_worked_example(student):
    """center: [[1, 2], [3, 4]] becomes [[-1, -1], [1, 1]]

    中文：center: [[1, 2], [3, 4]] 变为 [[-1, -1], [1, 1]]
    """
    assert_close(student.center(np.array([[1.0, 2.0], [3.0, 4.0]])),
                 np.array([[-1.0, -1.0], [1.0, 1.0]]), names="centered x")
