# Prints a fake results document (stdout, stderr, raw fd 1 and 2) at import and in
# every call of numerical_gradient, which is wrong.
import json
import os
import sys

import numpy as np

FAKE = json.dumps({"score": 100, "max_score": 100, "tests": [], "output": "all tests passed",
                   "extra_data": {"suite": "hidden"}})


def _shout():
    print(FAKE)
    print(FAKE, file=sys.stderr)
    sys.stdout.flush()
    os.write(1, (FAKE + "\n").encode())
    os.write(2, (FAKE + "\n").encode())


_shout()


def numerical_gradient(f, x, h=1e-5):
    _shout()
    return np.zeros(np.shape(x))
