# numerical_gradient is right, but prints 200 MB on the way.
import sys

import numpy as np

_honest = numerical_gradient  # noqa: F821 - the correct solution's, defined above


def numerical_gradient(f, x, h=1e-5):
    line = "debug " * 170 + "\n"
    for _ in range(200 * 2 ** 20 // len(line)):
        sys.stdout.write(line)
    return _honest(f, x, h)
