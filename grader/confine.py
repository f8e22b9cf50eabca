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
2. ``drop_privileges``: when the grader runs as root, becomes an unprivileged user
   (uid/gid 65534, "nobody", no supplementary groups).
3. ``restrict``: ``PR_SET_NO_NEW_PRIVS``; the ``setrlimit`` limits of
   ``grader.limits.Limits`` (address space, CPU, file size, processes, open files, no
   core dumps); and SIGXFSZ ignored, so that a write past the file size limit fails
   with ``OSError(EFBIG)`` instead of killing the process.
4. ``serve_as_init``: the first process of a PID namespace ignores signals it has no
   handler for (SIGXCPU among them), so it forks: the child is the worker, the parent
   stays as the namespace's init, reaps orphans, and exits with the worker's status
   (128 + N for a signal N), which tears the namespace down.

Without namespaces (macOS, Windows, containers that forbid them) only step 3 applies,
and on Windows not even that: ``docs/sandbox.md`` says what is enforced where.
The mount calls follow mount(2), chroot(2) and the ``switch_root`` idiom of util-linux.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from pathlib import Path

__all__ = ["enter_view", "drop_privileges", "restrict", "serve_as_init", "prctl",
           "unshare_namespaces", "die_with_parent", "STUDENT_HOME", "ConfinementError",
           "PR_SET_DUMPABLE"]

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
