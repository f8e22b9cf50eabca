"""Known mistakes in {name}, as wrong variants of the reference (``grader.hints``):
each is called with the reference module and the arguments of the student's call that
failed a test, and the student reads its hint when their output matches it.
"""
import numpy as np

from grader.hints import misconception


@misconception("center", hint="you subtracted each row's mean (axis=1); subtract each column's "
               "mean, the mean over the samples: x - x.mean(axis=0).")
def center_rows(reference, x):
    x = np.array(x, dtype=np.float64)
    return x - x.mean(axis=1, keepdims=True)
