# Starts processes that try to outlive the worker: one in its own session, one
# double-forked daemon; numerical_gradient is then wrong.
import os
import subprocess
import sys

import numpy as np

MARKER = "hostile-child-marker-7f3a"
SLEEPER = "import time\nwhile True: time.sleep(1)"


def _spawn():
    subprocess.Popen([sys.executable, "-c", SLEEPER, MARKER], start_new_session=True,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if os.fork() == 0:  # the classic daemon: fork, setsid, fork again
        os.setsid()
        if os.fork() == 0:
            os.execv(sys.executable, [sys.executable, "-c", SLEEPER, MARKER + "-daemon"])
        os._exit(0)


_spawn()


def numerical_gradient(f, x, h=1e-5):
    _spawn()
    return np.zeros(np.shape(x))
