# numerical_gradient recurses in C (repr of a deeply nested list) until the
# interpreter's stack overflows: a segfault.
import sys


def numerical_gradient(f, x, h=1e-5):
    sys.setrecursionlimit(10 ** 8)
    nested = []
    for _ in range(10 ** 6):
        nested = [nested]
    return repr(nested)
