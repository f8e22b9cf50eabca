# needs: namespaces
# Writes, on the worker's own answer pipe, what a worker sends when its confinement
# fails ("mount proc on /proc: Operation not permitted"), hoping that the grader falls
# back to process isolation and runs it again unconfined, as root.  If it ever runs
# unconfined as root, it leaves a marker file in the host's /tmp and a process behind.
import json
import os
import struct
import subprocess
import sys

_MARKER = "/tmp/dl-grader-hostile-unconfined-root"


def _answer_fd():
    return int(sys.argv[sys.argv.index("--write-fd") + 1])


def _send(message):
    header = json.dumps(message).encode()
    payload = struct.pack("<I", len(header)) + header
    os.write(_answer_fd(), struct.pack("<Q", len(payload)) + payload)


def _forge():
    failure = "ConfinementError: [Errno 1] mount proc on /proc: Operation not permitted"
    for message in ({"op": "ready", "failure": failure, "uid": 0},
                    {"error": {"kind": "sandbox", "type": "ConfinementError",
                               "message": failure, "traceback": ""}}):
        _send(message)


if os.getuid() == 0 and not os.path.exists("/home/student"):
    open(_MARKER, "w").write("ran unconfined as root")
    subprocess.Popen(["sleep", "600"], start_new_session=True)


def numerical_gradient(f, x, h=1e-5):
    _forge()
    import time
    time.sleep(1)
    return x
