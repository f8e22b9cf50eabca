"""Confinement the worker applies to itself before it imports the student's code.

The grader starts the worker as ``unshare --mount --pid --net --ipc --uts --fork
--kill-child [--user --map-root-user] python -m grader.worker ...`` where Linux allows
it (see ``grader.sandbox``), and passes a ``spec`` (JSON) saying what the worker may
see.  Still running only the grader's code, the worker then:

1. ``enter_view``: builds a new root file system on a tmpfs holding only read-only bind
   mounts of the system and Python directories it needs (``/usr``, ``/lib``, ``/etc``,
   the interpreter's prefix, site-packages, the ``grader`` package) and of the
   assignment's data, a fresh ``/proc`` of its own PID namespace, ``/dev``, and two
   size-limited tmpfs it may write: its working directory ``/home/student`` (holding a
   copy of the submission) and ``/tmp``; then moves it over ``/`` and ``chroot``s into
   it.  The course repository (``reference/``, hidden suites), the grader's temporary
   files and everyone's home directories are not in it.
2. ``restrict``: ``PR_SET_NO_NEW_PRIVS``; the ``setrlimit`` limits of
   ``grader.limits.Limits`` (address space, CPU, file size, processes, open files, no
   core dumps); SIGXFSZ ignored, so that a write past the file size limit fails
   with ``OSError(EFBIG)`` instead of killing the process; and a seccomp filter
   (``deny_syscalls``) that refuses the system calls whose objects would outlive the
   worker: kernel keyrings and System V / POSIX message IPC.
3. ``drop_privileges``: when the grader runs as root, becomes a user of its own (the
   uid ``grader.sandbox.private_uid`` gives, no supplementary groups), with or without
   namespaces, and dies with its parent.  ``apply`` runs steps 1 to 3 in this order.
4. ``serve_as_init``: the first process of a PID namespace ignores signals it has no
   handler for (SIGXCPU among them), so it forks: the child is the worker, the parent
   stays as the namespace's init, reaps orphans, and exits with the worker's status
   (128 + N for a signal N), which tears the namespace down.

Without namespaces (macOS, Windows, containers that forbid them) step 1 is left out;
as root, step 3 still applies (a uid of the worker's own), and on Windows only the
environment is scrubbed: ``docs/sandbox.md`` says what is enforced where.

``python -m grader.confine --probe SPEC`` runs steps 1 to 3 on an empty submission,
checks that the Python installation is still readable, and exits 0, or prints why not
and exits 1: ``grader.sandbox.isolation`` uses it to
decide, before any student code runs, whether workers can be confined here.
The mount calls follow mount(2), chroot(2) and the ``switch_root`` idiom of util-linux.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from pathlib import Path

__all__ = ["apply", "enter_view", "drop_privileges", "restrict", "deny_syscalls", "serve_as_init",
           "prctl", "unshare_namespaces", "die_with_parent", "STUDENT_HOME", "ConfinementError",
           "PR_SET_DUMPABLE", "DENIED_SYSCALLS"]

#: The student's working directory inside the view (also $HOME).
STUDENT_HOME = "/home/student"

# mount(2) flags, from <sys/mount.h>
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 1, 2, 4, 8
_MS_REMOUNT, _MS_NOATIME, _MS_NODIRATIME = 32, 1024, 2048
_MS_BIND, _MS_MOVE, _MS_REC, _MS_PRIVATE, _MS_RELATIME = 4096, 8192, 16384, 1 << 18, 1 << 21
# statvfs f_flag bits, from <sys/statvfs.h>, mapped to the mount flags they lock
_LOCKED = {1: _MS_RDONLY, 2: _MS_NOSUID, 4: _MS_NODEV, 8: _MS_NOEXEC, 1024: _MS_NOATIME,
           2048: _MS_NODIRATIME, 4096: _MS_RELATIME}
# prctl(2) options, from <linux/prctl.h>
_PR_SET_PDEATHSIG, PR_SET_DUMPABLE, _PR_SET_NO_NEW_PRIVS = 1, 4, 38
# unshare(2) flags, from <sched.h>: the namespaces of ``unshare --mount --pid --net --ipc
# --uts`` (and ``--user`` for an unprivileged grader)
_CLONE_NEWNS, _CLONE_NEWUTS, _CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
_CLONE_NEWUSER, _CLONE_NEWPID, _CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000


#: System calls a worker may not make (they fail with EPERM): kernel keyrings, kept per
#: uid by the kernel after the worker is gone (keyrings(7)), and System V and POSIX
#: message IPC objects, which outlive their creator where there is no IPC namespace.
DENIED_SYSCALLS = ("add_key", "keyctl", "request_key", "shmget", "semget", "msgget",
                   "mq_open")


class ConfinementError(OSError):
    """A step of the confinement failed; the worker must not run student code."""


def _libc():
    return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def prctl(option: int, value: int) -> None:
    """``prctl(option, value, 0, 0, 0)`` on this process (Linux).

    Raises:
        ConfinementError: the call failed (errno from the kernel).
    """
    if _libc().prctl(option, value, 0, 0, 0) != 0:
        err = ctypes.get_errno()
        raise ConfinementError(err, f"prctl({option}, {value}): {os.strerror(err)}")


def die_with_parent() -> None:
    """``PR_SET_PDEATHSIG`` SIGKILL (Linux): this process is killed when its parent
    dies, as ``unshare --kill-child`` does for its child; exits at once if the parent
    is already gone.

    Raises:
        ConfinementError: the call failed.
    """
    import signal

    parent = os.getppid()
    prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before the call took effect
        os._exit(1)


def unshare_namespaces(map_root: bool) -> None:
    """Move this (single-threaded) process into new mount, PID, network, IPC and UTS
    namespaces, as ``unshare --mount --pid --net --ipc --uts`` does; with ``map_root``
    (a grader that is not root) also into a new user namespace where it is root, as
    ``--user --map-root-user`` does (user_namespaces(7): setgroups denied, then one-line
    uid and gid maps).  The next child this process forks is PID 1 of the new PID
    namespace.

    Raises:
        ConfinementError: the kernel refused (errno kept).
    """
    uid, gid = os.getuid(), os.getgid()
    flags = _CLONE_NEWNS | _CLONE_NEWPID | _CLONE_NEWNET | _CLONE_NEWIPC | _CLONE_NEWUTS
    if map_root:
        flags |= _CLONE_NEWUSER
    if _libc().unshare(ctypes.c_int(flags)) != 0:
        err = ctypes.get_errno()
        raise ConfinementError(err, f"unshare(2): {os.strerror(err)}")
    if map_root:
        for name, text in (("setgroups", "deny"), ("uid_map", f"0 {uid} 1"),
                           ("gid_map", f"0 {gid} 1")):
            with open(f"/proc/self/{name}", "w") as f:
                f.write(text)


def _mount(source: str | None, target: str | Path, fstype: str | None, flags: int,
           data: str | None = None) -> None:
    libc = _libc()
    enc = lambda s: None if s is None else os.fsencode(str(s))  # noqa: E731
    if libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)) != 0:
        err = ctypes.get_errno()
        raise ConfinementError(err, f"mount {source} on {target}: {os.strerror(err)}")


def _bind_readonly(source: Path, target: Path) -> None:
    """Bind ``source`` (file or directory) at ``target``, read-only, no devices/setuid."""
    if source.is_dir():
        target.mkdir(parents=True, exist_ok=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch()
    _mount(str(source), target, None, _MS_BIND | _MS_REC)
    locked = os.statvfs(target).f_flag
    flags = _MS_BIND | _MS_REMOUNT | _MS_RDONLY | _MS_NOSUID | _MS_NODEV
    flags |= sum(m for bit, m in _LOCKED.items() if locked & bit)
    _mount(None, target, None, flags)


def _place(root: Path, path: str) -> Path:
    return root / path.lstrip("/")


def enter_view(spec: dict, submission: Path, module_name: str) -> Path:
    """Build the worker's file system view and ``chroot`` into it (Linux, as root of a
    fresh mount namespace).

    Args:
        spec: ``{"root": empty directory to build the view on, "writable": another
            empty directory (for the tmpfs of what it may write), "readonly":
            [absolute paths], "disk_mb": size of that tmpfs, "uid": owner of the home
            directory or None}``.
        submission: the student's file (read before the view hides it).
        module_name: the file is placed at ``/home/student/<module_name>.py``.

    Returns:
        The submission's path inside the view.

    Raises:
        ConfinementError: a mount, the move or the chroot failed.
    """
    source = submission.read_bytes()
    root = Path(spec["root"])
    size = f"size={int(spec['disk_mb'])}m"
    _mount(None, "/", None, _MS_REC | _MS_PRIVATE)
    _mount("tmpfs", root, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=4m,mode=0755")
    dev = _place(root, "/dev")
    dev.mkdir()
    _mount("/dev", dev, None, _MS_BIND | _MS_REC)
    # one tmpfs of disk_mb for everything it may write, outside the new root, with
    # its parts bound into place: the limit is on the total
    uid = spec.get("uid")
    writable = Path(spec["writable"])
    _mount("tmpfs", writable, "tmpfs", _MS_NOSUID | _MS_NODEV, f"{size},mode=0755")
    for part, mode, place in (("home", 0o755, STUDENT_HOME), ("tmp", 0o1777, "/tmp"),
                              ("shm", 0o1777, "/dev/shm")):
        (writable / part).mkdir()
        os.chmod(writable / part, mode)
        if uid is not None and part == "home":
            os.chown(writable / part, uid, uid)
        _place(root, place).mkdir(parents=True, exist_ok=True)
        _mount(str(writable / part), _place(root, place), None, _MS_BIND)
    # after the writable parts: a read-only path under /tmp (the course's data, a
    # virtual environment) is mounted on top of the private /tmp, not hidden by it
    for path in spec["readonly"]:
        src = Path(path)
        if src.is_symlink() and src.parent == Path("/"):  # /bin -> usr/bin on merged /usr
            os.symlink(os.readlink(src), _place(root, path))
        elif src.exists():
            _bind_readonly(src, _place(root, path))
    proc = _place(root, "/proc")
    proc.mkdir()
    _mount("proc", proc, "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC)
    target = _place(root, STUDENT_HOME) / f"{module_name}.py"
    target.write_bytes(source)
    if uid is not None:
        os.chown(target, uid, uid)
    os.chdir(root)
    _mount(str(root), "/", None, _MS_MOVE)
    os.chroot(".")
    os.chdir(STUDENT_HOME)
    return Path(STUDENT_HOME) / f"{module_name}.py"


def serve_as_init(close: tuple[int, ...]) -> None:
    """Fork; return in the child (the worker).  The parent closes ``close`` (the
    protocol's pipes and stdio, so that only the worker holds them), reaps every
    process that ends, and when the worker ends exits with its status: its exit code,
    or 128 + N when signal N killed it.  Never returns in the parent."""
    child = os.fork()
    if child == 0:
        return
    for fd in close:
        try:
            os.close(fd)
        except OSError:
            pass
    code = 1
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        if pid == child:
            code = os.waitstatus_to_exitcode(status)
            code = 128 - code if code < 0 else code
            break
    os._exit(code)


def drop_privileges(uid: int | None) -> None:
    """Become ``uid`` (and gid ``uid``, no supplementary groups); no-op for None.

    Raises:
        ConfinementError: the change did not take (e.g. no CAP_SETUID).
    """
    if uid is None:
        return
    try:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    except OSError as exc:
        raise ConfinementError(exc.errno, f"cannot become uid {uid}: {exc}") from None
    if os.getuid() != uid or os.geteuid() != uid:
        raise ConfinementError(0, f"still uid {os.getuid()} after setresuid({uid})")


def restrict(limits: dict, cpu_left: float, separate_user: bool) -> None:
    """Apply ``PR_SET_NO_NEW_PRIVS`` and the resource limits; ignore SIGXFSZ.

    Args:
        limits: ``grader.limits.Limits.to_dict()``.
        cpu_left: CPU seconds left for this submission (the hard RLIMIT_CPU).
        separate_user: whether the worker runs as a user of its own (RLIMIT_NPROC
            counts every process of the user, so it is only set when it is the
            worker's own count).

    Raises:
        ConfinementError: a limit could not be set (on Linux; elsewhere a limit the
            platform refuses, such as RLIMIT_AS on macOS, is left unset).
    """
    import resource
    import signal

    linux = os.uname().sysname == "Linux"
    if linux:
        prctl(_PR_SET_NO_NEW_PRIVS, 1)
    mib = 1 << 20
    cpu = max(1, int(cpu_left + 0.999))
    wanted = [(resource.RLIMIT_CORE, 0, 0), (resource.RLIMIT_CPU, cpu, cpu + 1),
              (resource.RLIMIT_FSIZE, limits["file_size_mb"] * mib, limits["file_size_mb"] * mib),
              (resource.RLIMIT_NOFILE, limits["open_files"], limits["open_files"])]
    if limits["memory_mb"]:  # 0 where the grader leaves it unset (a CUDA machine)
        wanted.append((resource.RLIMIT_AS, limits["memory_mb"] * mib, limits["memory_mb"] * mib))
    if separate_user and hasattr(resource, "RLIMIT_NPROC"):
        wanted.append((resource.RLIMIT_NPROC, limits["processes"], limits["processes"]))
    for which, soft, hard in wanted:
        old_soft, old_hard = resource.getrlimit(which)
        if old_hard != resource.RLIM_INFINITY:
            hard = min(hard, old_hard)
            soft = min(soft, hard)
        try:
            resource.setrlimit(which, (soft, hard))
        except (ValueError, OSError) as exc:
            if not linux:
                continue
            raise ConfinementError(0, f"setrlimit({which}, {soft}, {hard}): {exc}") from None
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    if linux:
        deny_syscalls()


def deny_syscalls(names: tuple[str, ...] = DENIED_SYSCALLS) -> None:
    """Load a seccomp filter (seccomp(2), through libseccomp's ``pyseccomp`` binding) that
    makes ``names`` fail with EPERM in this process and every process it starts; every
    other system call is allowed.  Needs ``PR_SET_NO_NEW_PRIVS`` or root (libseccomp
    sets the former).

    Raises:
        ConfinementError: libseccomp is missing or the kernel refused the filter.
    """
    import errno

    try:
        import pyseccomp as seccomp

        rules = seccomp.SyscallFilter(seccomp.ALLOW)
        for name in names:
            rules.add_rule(seccomp.ERRNO(errno.EPERM), name)
        rules.load()
    except (ImportError, OSError, RuntimeError, ValueError) as exc:
        raise ConfinementError(0, f"seccomp filter: {exc} (install libseccomp2)") from None


def apply(spec: dict, submission: Path, module_name: str) -> Path:
    """The whole confinement, in its order: the view (``enter_view``, where ``spec``
    has one), the limits and the seccomp filter (``restrict``, while still root, so that
    the modules it needs are read before the uid changes), the uid (``drop_privileges``)
    and death with the parent (a change of uid clears it, prctl(2)).

    Args:
        spec: ``{"limits": Limits.to_dict(), "cpu_left": s, "view": enter_view's spec or
            None, "uid": int or None}`` (``grader.sandbox.Worker._spec``).
        submission: the student's file; module_name: its module's name.

    Returns:
        The submission's path as the worker now sees it.

    Raises:
        ConfinementError: a step failed (the worker must then not run student code).
    """
    if spec.get("view"):
        submission = enter_view(spec["view"], submission, module_name)
    uid = spec.get("uid")
    restrict(spec["limits"], spec["cpu_left"], uid is not None)
    drop_privileges(uid)
    if uid is not None and os.uname().sysname == "Linux":
        die_with_parent()
    return submission


def _readable_python(paths: dict[str, str]) -> str | None:
    """Why this process cannot read the Python installation it runs from (``paths``,
    ``sysconfig.get_paths()``: its standard library and site-packages), or None."""
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        folder = paths.get(key)
        try:
            if folder:
                os.listdir(folder)
        except FileNotFoundError:
            continue
        except OSError as exc:
            return (f"uid {os.getuid()} cannot read {folder} ({exc.strerror}): install Python "
                    "where every user may read it (not under a private home such as /root), "
                    "or run the grader where Linux namespaces work")
    return None


def _probe(spec: dict) -> str | None:
    """Apply ``spec`` to this process with an empty submission (made in the working
    directory, which the caller removes), and check that the Python installation is
    still readable; the reason it failed, or None."""
    import sysconfig

    paths = sysconfig.get_paths()  # read while they are readable
    empty = Path("probe.py").resolve()
    empty.write_bytes(b"")
    try:
        apply(spec, empty, "probe")
    except (ConfinementError, OSError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return _readable_python(paths)


if __name__ == "__main__":
    import json
    import sys

    if len(sys.argv) != 3 or sys.argv[1] != "--probe":
        sys.exit("usage: python -m grader.confine --probe SPEC")
    reason = _probe(json.loads(sys.argv[2]))
    if reason is not None:
        print(reason)
    sys.exit(0 if reason is None else 1)
