# numerical_gradient stores a key in the kernel's keyrings of its uid (add_key(2)),
# where it would outlive the worker and could be read by the next student graded under
# the same uid, and says whether that worked.
import ctypes
import os
import platform

_SYS_ADD_KEY = {"x86_64": 248, "aarch64": 217}.get(platform.machine())
KEY_SPEC_USER_KEYRING = -4


def numerical_gradient(f, x, h=1e-5):
    libc = ctypes.CDLL(None, use_errno=True)
    if _SYS_ADD_KEY is None:
        raise RuntimeError("add_key: unknown machine")
    payload = b"hostile-keyring-payload-41d7"
    key = libc.syscall(_SYS_ADD_KEY, b"user", b"hostile-keyring-41d7", payload,
                       len(payload), KEY_SPEC_USER_KEYRING)
    if key < 0:
        raise OSError(ctypes.get_errno(), "add_key: " + os.strerror(ctypes.get_errno()))
    raise RuntimeError(f"add_key worked: key {key} stored in uid {os.getuid()}'s keyring")
