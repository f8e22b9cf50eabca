"""The limits a submission runs under, as an assignment declares them.

``assignment.toml`` sets them (all optional; the defaults below suit the course's
assignments on a laptop or a 2-core CI machine)::

    time_limit = 5             # seconds per call of the student's code (its own time)
    import_time_limit = 60     # seconds for importing the submission (its own time)

    [limits]
    submission_seconds = 600   # seconds for all of a submission's calls (their own time)
    cpu_seconds = 600          # CPU seconds per worker process (RLIMIT_CPU)
    memory_mb = 4096           # address space per worker process (RLIMIT_AS), MiB
    file_size_mb = 64          # largest file the code may write (RLIMIT_FSIZE), MiB
    disk_mb = 256              # all files written in its working directory and /tmp, MiB
    processes = 256            # processes and threads (RLIMIT_NPROC)
    open_files = 256           # open file descriptors (RLIMIT_NOFILE)
    output_kb = 64             # student output kept per call; the rest is dropped
    reply_mb = 16              # largest answer one call may send back, MiB

    [sandbox]
    pass_env = ["OMP_NUM_THREADS"]   # variables the worker may inherit beyond the defaults
    secret_env = ["COURSE_TOKEN"]    # variables it never gets, whatever else is said

Which of these the platform can enforce, and how, is in ``docs/sandbox.md``.  The
time limits count a call's own time (``grader.stopwatch``): its CPU time, or its
wall-clock time less the time it waited for a CPU that other processes held,
whichever is more; a busy machine does not shorten them.
This module is plain data: both the grader and the worker import it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

__all__ = ["Limits", "EnvPolicy", "DEFAULT_PASS_ENV", "ALWAYS_SECRET_ENV", "ONE_THREAD_ENV"]

#: Environment variables the worker inherits by default; every other one is dropped.
DEFAULT_PASS_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "SYSTEMROOT", "CUDA_VISIBLE_DEVICES",
                    "CUDA_HOME", "LD_LIBRARY_PATH", "NVIDIA_VISIBLE_DEVICES")

#: Never passed to the worker, even if an assignment lists them in ``pass_env``.
ALWAYS_SECRET_ENV = ("GRADER_KEY", "GITHUB_TOKEN", "GH_TOKEN", "ACTIONS_RUNTIME_TOKEN",
                     "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                     "NO_PROXY", "http_proxy", "https_proxy", "all_proxy", "no_proxy")

#: The thread pools of the numerical libraries (OpenMP, under torch's intra-op pool and
#: MKL; OpenBLAS, under numpy; MKL; numexpr; Accelerate) held to one thread, read by
#: each library when it loads.  Every process that forks another after numpy or torch
#: has run gets them before it starts (a batch slot, the zygote), since a pool's
#: threads do not exist in a forked child, whose first parallel operation then waits
#: for them for ever; and so does every worker (unless the assignment passes its own
#: values), so that a call's CPU time, which its limits count, is the same on every
#: machine, loaded or not (docs/sandbox.md).
ONE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                  "NUMEXPR_NUM_THREADS": "1", "VECLIB_MAXIMUM_THREADS": "1"}


@dataclass(frozen=True)
class Limits:
    """Resource limits for one submission's worker.

    Attributes:
        call_seconds: seconds per call of the student's code, of its own time
            (``grader.stopwatch``: CPU time, or wall-clock time less the waits for a
            CPU, whichever is more).
        import_seconds: seconds for importing the submission, of its own time.
        submission_seconds: seconds of own time for all calls of one submission
            together (imports after a restart included); later calls are not made.
        cpu_seconds: CPU seconds (user + system, all threads) per worker process.
        memory_mb: virtual address space per worker process, in MiB (2**20 bytes).
        file_size_mb: largest single file the student's code may write, in MiB.
        disk_mb: total size of the files it may write (working directory and /tmp),
            in MiB; enforced where the worker gets its own file system view.
        processes: processes and threads the worker may have at once.
        open_files: file descriptors the worker may have open at once.
        output_kb: characters of the student's output kept per call, in thousands;
            the rest is counted and dropped.
        reply_mb: the largest answer (return value and arguments changed in place,
            encoded by ``grader.codec``) one call may send back, in MiB; a larger one
            is refused before it is encoded (by an honest worker) and before it is
            read (by the grader), and the call fails saying how large it was.
    """

    call_seconds: float = 10.0
    import_seconds: float = 60.0
    submission_seconds: float = 600.0
    cpu_seconds: float = 600.0
    memory_mb: int = 4096
    file_size_mb: int = 64
    disk_mb: int = 256
    processes: int = 256
    open_files: int = 256
    output_kb: int = 64
    reply_mb: int = 16

    @classmethod
    def from_toml(cls, data: dict) -> "Limits":
        """Read ``time_limit``, ``import_time_limit`` and the ``[limits]`` table.

        Raises:
            ValueError: an unknown key in ``[limits]``, or a value that is not a
                positive number.
        """
        values = dict(data.get("limits", {}))
        known = {f.name: f.type for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(f"unknown key(s) in [limits]: {', '.join(unknown)} "
                             f"(known: {', '.join(known)})")
        if "time_limit" in data:
            values["call_seconds"] = data["time_limit"]
        if "import_time_limit" in data:
            values["import_seconds"] = data["import_time_limit"]
        parsed = {}
        for name, value in values.items():
            kind = float if known[name] == "float" else int
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"limit {name} must be a positive number, not {value!r}")
            parsed[name] = kind(value)
        return cls(**parsed)

    def to_dict(self) -> dict:
        """The limits as a JSON-ready dict (what the worker receives)."""
        return asdict(self)


@dataclass(frozen=True)
class EnvPolicy:
    """Which environment variables the worker inherits.

    Attributes:
        pass_env: names passed through, beyond ``DEFAULT_PASS_ENV``.
        secret_env: names never passed, beyond ``ALWAYS_SECRET_ENV``.
    """

    pass_env: tuple[str, ...] = ()
    secret_env: tuple[str, ...] = ()

    @classmethod
    def from_toml(cls, data: dict) -> "EnvPolicy":
        """Read the ``[sandbox]`` table.

        Raises:
            ValueError: a key other than ``pass_env`` / ``secret_env``, or a value that
                is not a list of strings.
        """
        table = dict(data.get("sandbox", {}))
        unknown = sorted(set(table) - {"pass_env", "secret_env"})
        if unknown:
            raise ValueError(f"unknown key(s) in [sandbox]: {', '.join(unknown)}")
        out = {}
        for key in ("pass_env", "secret_env"):
            value = table.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"[sandbox] {key} must be a list of variable names")
            out[key] = tuple(value)
        return cls(**out)

    def environment(self, source: dict[str, str]) -> dict[str, str]:
        """The variables of ``source`` that the worker may see (never a name of
        ``ALWAYS_SECRET_ENV`` nor one starting with ``GRADER_KEY_``: an assignment's key)."""
        secret = set(ALWAYS_SECRET_ENV) | set(self.secret_env)
        allowed = (set(DEFAULT_PASS_ENV) | set(self.pass_env)) - secret
        return {k: v for k, v in source.items() if k in allowed and not k.startswith("GRADER_KEY_")}
