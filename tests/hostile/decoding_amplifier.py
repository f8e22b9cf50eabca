# numerical_gradient answers with a frame built to grow when the grader decodes it:
# 100,000 arrays that all point at the same 1 MB of bytes (100 GB once decoded), in a
# frame of 8 MB, under the limit on an answer's size.
# (tests/test_sandbox.py tries the other amplifiers: a 1 GB frame announced, long
# strings, deep nesting, many values.)
import json
import os
import struct
import sys
import time


def _answer_fd():
    return int(sys.argv[sys.argv.index("--write-fd") + 1])


def numerical_gradient(f, x, h=1e-5):
    node = {"$": "nd", "dtype": "<f8", "shape": [1 << 17], "b": [0, 1 << 20]}
    answer = {"$": "dict", "items": [["value", [node] * 100_000]]}  # grader.codec's format
    raw = json.dumps(answer).encode()
    payload = struct.pack("<I", len(raw)) + raw + b"\0" * (1 << 20)
    os.write(_answer_fd(), struct.pack("<Q", len(payload)) + payload)
    time.sleep(2)
    return x
