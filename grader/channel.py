"""Length-prefixed frames over a pair of pipe file descriptors, with deadlines.

One frame is ``u64 length`` (little-endian) followed by that many bytes (a frame of
``grader.codec``).  Both the grader and the worker use this module; only the grader
side passes deadlines.
"""

from __future__ import annotations

import os
import select
import struct
import time

__all__ = ["Channel", "ChannelClosed", "ChannelTimeout", "FrameRefused", "MAX_FRAME_BYTES"]

#: Largest frame accepted by default (bytes): a bound on what the other end can make
#: this one buffer.  The grader reads a worker's answers with the assignment's smaller
#: ``reply_mb`` (``grader.limits.Limits``).
MAX_FRAME_BYTES = 1 << 30


class ChannelClosed(EOFError):
    """The other end closed its pipe (for the grader: the worker died)."""


class FrameRefused(ChannelClosed):
    """The other end announced a frame larger than this channel accepts; nothing of it
    was read, and the channel is unusable from now on.

    Attributes:
        size: the announced length in bytes.
        limit: the largest frame this channel accepts.
    """

    def __init__(self, size: int, limit: int):
        super().__init__(f"frame of {size} bytes is over the limit of {limit}")
        self.size = size
        self.limit = limit


class ChannelTimeout(TimeoutError):
    """No complete frame arrived before the deadline."""


class Channel:
    """Frames over a read fd and a write fd.

    Args:
        read_fd: file descriptor frames are read from.
        write_fd: file descriptor frames are written to.
        max_bytes: the largest frame ``recv`` accepts (its length is checked before
            any of it is read).
    """

    def __init__(self, read_fd: int, write_fd: int, max_bytes: int = MAX_FRAME_BYTES):
        self.read_fd = read_fd
        self.write_fd = write_fd
        self.max_bytes = max_bytes
        #: seconds between two questions to ``recv``'s ``expired``
        self.poll = 0.1
        self._next_check = 0.0

    def send(self, payload: bytes) -> None:
        """Write one frame. Raises ``ChannelClosed`` if the reader is gone."""
        data = memoryview(struct.pack("<Q", len(payload)) + payload)
        try:
            while data:
                n = os.write(self.write_fd, data)
                data = data[n:]
        except (BrokenPipeError, OSError) as exc:
            raise ChannelClosed(str(exc)) from None

    def _read_exact(self, n: int, deadline: float | None, watch=None, expired=None) -> bytes:
        chunks, remaining = [], n
        while remaining:
            if deadline is not None:
                now = time.monotonic()
                left = deadline - now
                if left <= 0 or (expired is not None and now >= self._next_check
                                 and self._check(expired, now)):
                    raise ChannelTimeout()
                if expired is not None:
                    left = min(left, max(0.0, self._next_check - now))
                fds = [self.read_fd] + ([watch.fd] if watch is not None and watch.open else [])
                ready, _, _ = select.select(fds, [], [], left)
                if watch is not None and watch.open and watch.fd in ready:
                    watch.pump()
                if self.read_fd not in ready:
                    continue
            chunk = os.read(self.read_fd, min(remaining, 1 << 20))
            if not chunk:
                raise ChannelClosed("end of stream")
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _check(self, expired, now: float) -> bool:
        self._next_check = now + self.poll
        return bool(expired())

    def recv(self, deadline: float | None = None, watch=None, expired=None) -> bytes:
        """Read one frame.

        Args:
            deadline: a ``time.monotonic()`` instant, or None to wait for ever.
            watch: while waiting (with a deadline), another pipe to keep draining: an
                object with ``fd``, ``open`` and ``pump()`` (``grader.sandbox.OutputCapture``),
                so that a worker printing a lot never blocks on a full pipe.
            expired: with a deadline, a function asked every ``poll`` seconds while
                waiting for a frame to begin; when it returns true the wait ends as if
                the deadline had passed (a limit that is not wall-clock time:
                ``grader.stopwatch``).  A frame that has begun is read until the
                deadline only: its sender has done its work, and only the transfer is
                left, which the reader's own speed decides.

        Raises:
            ChannelTimeout: the deadline passed first, or ``expired()`` said so.
            FrameRefused: the frame announced is over ``max_bytes``.
            ChannelClosed: the writer closed its end.
        """
        self._next_check = time.monotonic() + self.poll
        (length,) = struct.unpack("<Q", self._read_exact(8, deadline, watch, expired))
        if length > self.max_bytes:
            raise FrameRefused(length, self.max_bytes)
        return self._read_exact(length, deadline, watch)

    def close(self) -> None:
        for fd in (self.read_fd, self.write_fd):
            try:
                os.close(fd)
            except OSError:
                pass
