# numerical_gradient allocates memory until it is stopped.
import numpy as np

_hoard = []


def numerical_gradient(f, x, h=1e-5):
    while True:
        _hoard.append(np.ones(64 * 2 ** 20 // 8))  # 64 MiB, touched
