"""The data codec: how values cross between the grader and the worker process.

Student code runs in a separate worker process (see ``grader.sandbox``).  Everything
that crosses between the two is encoded here as *plain data*, never pickled:

=====================  =================================================================
value                  how it crosses
=====================  =================================================================
None, bool, int,       as themselves (JSON scalars; NaN and ±inf are kept)
float, str
complex                real and imaginary parts
NumPy scalar           dtype and value; comes back as the same NumPy scalar type
``numpy.ndarray``      dtype, shape and raw bytes; bool, int, uint, float and complex
                       dtypes only; a subclass comes back as a plain ``ndarray``
``torch.Tensor``       dtype, shape, device name, ``requires_grad`` and raw bytes; comes
                       back as a plain CPU tensor (``tensor_device(t)`` gives the device
                       it had in the worker)
list, tuple, dict      element by element (dict keys: str, int, float, bool, None);
                       an ``OrderedDict`` (a module's ``state_dict()``) comes back a dict
torch.Generator (CPU)  by its state: a copy, seeded alike (a test's
                       ``torch.Generator().manual_seed(0)`` reaches the student's code)
anything else          a *handle* node (the object stays where it was created) or a
                       *callback* node (a grader-side callable the worker may call)
=====================  =================================================================

Decoding only ever builds the types above: the bytes of an array go through
``numpy.frombuffer`` with a dtype checked against an allow-list, so a hostile worker
can at worst send wrong numbers, never code.

Frame layout (all integers little-endian): ``u32 header_length``, the header as UTF-8
JSON, then the concatenated array buffers that the header's nodes point into by
offset and length.

A frame from a worker is student-controlled data, so decoding is bounded by what the
frame itself holds: the header is at most ``MAX_HEADER_BYTES``, holds at most
``MAX_NODES`` values nested at most ``MAX_DEPTH`` deep, each string at most
``MAX_STRING_CHARS``; and the buffers are used in the order they were written, each
byte once, so that what a frame decodes to is never larger than the frame (a header
whose nodes all point at one buffer would otherwise decode to that buffer times the
number of nodes).  ``dumps(..., max_bytes=N)`` refuses to build a frame over N bytes
before it copies the arrays, with the size it would have had.
"""

from __future__ import annotations

import json
import math
import struct
import sys
from collections import OrderedDict
from typing import Any, Callable

import numpy as np

__all__ = [
    "CodecError",
    "FrameTooLarge",
    "dumps",
    "loads",
    "tensor_device",
    "imported_torch",
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_STRING_CHARS",
    "MAX_HEADER_BYTES",
    "human_bytes",
]

#: Deepest nesting of lists/tuples/dicts accepted, in either direction.
MAX_DEPTH = 64

#: Most values (scalars, containers, arrays) one frame may hold.
MAX_NODES = 1_000_000

#: Longest string one frame may hold (characters).
MAX_STRING_CHARS = 1_000_000

#: Largest JSON header one frame may have (bytes); arrays travel outside it.
MAX_HEADER_BYTES = 16 << 20

# Longest decimal integer accepted in a frame (Python's own int/str limit is 4300).
_MAX_BIGINT_DIGITS = 1000

# NumPy dtype kinds allowed to cross: bool, signed and unsigned int, float, complex.
_ALLOWED_KINDS = frozenset("biufc")

# torch dtypes that cross, by name, with the NumPy dtype their bytes are read as.
# bfloat16 has no NumPy twin: it crosses as float32 and is cast back.
_TORCH_DTYPES = {
    "float64": "<f8", "float32": "<f4", "float16": "<f2", "bfloat16": "<f4",
    "int64": "<i8", "int32": "<i4", "int16": "<i2", "int8": "|i1", "uint8": "|u1",
    "bool": "|b1", "complex64": "<c8", "complex128": "<c16",
}


class CodecError(ValueError):
    """A value that cannot cross, or a frame that is malformed."""


class FrameTooLarge(CodecError):
    """A value whose frame would be larger than allowed.

    Attributes:
        size: the frame's size in bytes (at least; the arrays counted by ``nbytes``).
        limit: the largest frame allowed, in bytes.
    """

    def __init__(self, size: int, limit: int):
        super().__init__(f"it is {human_bytes(size)}, over the limit of {human_bytes(limit)}")
        self.size = size
        self.limit = limit


def human_bytes(n: float) -> str:
    """``1.15 GB``, ``640 KB``, ``12 bytes``: a size in decimal units, for messages."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{int(n)} bytes"


def imported_torch():
    """The torch module if it is already imported in this process, else None.

    The codec never imports torch itself just to *encode*: if no torch was imported,
    no value can be a tensor.  A torch that another thread is still importing counts
    as not imported: it may have no ``Tensor`` yet, and no value of its can be here.
    """
    torch = sys.modules.get("torch")
    if torch is None or getattr(getattr(torch, "__spec__", None), "_initializing", False):
        return None
    return torch


# ---------------------------------------------------------------------------- encode

class _Encoder:
    def __init__(self, fallback: Callable[[Any], dict] | None, max_bytes: int | None = None):
        self.fallback = fallback
        self.buffers: list[bytes] = []
        self.offset = 0
        self.max_bytes = max_bytes

    def buffer(self, nbytes: int, data: Callable[[], bytes]) -> list[int]:
        """Place ``nbytes`` bytes made by ``data()``; past ``max_bytes`` they are only
        counted (never copied), so that the size can be reported."""
        start = self.offset
        self.offset += nbytes
        if self.max_bytes is None or self.offset <= self.max_bytes:
            self.buffers.append(data())
        return [start, nbytes]

    def node(self, value: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise CodecError(f"value nested deeper than {MAX_DEPTH} levels")
        t = type(value)
        if value is None or t is bool or t is str:
            return value
        if t is int:
            return value if abs(value) < 2**53 else {"$": "bigint", "v": str(value)}
        if t is float:
            return value if math.isfinite(value) else {"$": "float", "v": repr(value)}
        if isinstance(value, np.generic) and value.dtype.kind in _ALLOWED_KINDS:
            arr = np.asarray(value)
            return {"$": "npscalar", "dtype": arr.dtype.str, "b": self.buffer(arr.nbytes, arr.tobytes)}
        if isinstance(value, np.ndarray) and value.dtype.kind in _ALLOWED_KINDS:
            arr = np.ndarray.view(value, np.ndarray)  # a subclass crosses as a plain ndarray
            return {"$": "nd", "dtype": arr.dtype.str, "shape": list(arr.shape),
                    "b": self.buffer(arr.nbytes, arr.tobytes)}
        torch = imported_torch()
        if torch is not None and isinstance(value, torch.Tensor):
            return self.tensor(torch, value)
        if torch is not None and t is torch.Generator and value.device.type == "cpu":
            state = value.get_state().numpy()  # a copy: the other side's draws do not advance this one
            return {"$": "generator", "b": self.buffer(state.nbytes, state.tobytes)}
        if isinstance(value, bool):
            return bool(value)
        if isinstance(value, int):
            return self.node(int(value), depth)
        if isinstance(value, float):
            return self.node(float(value), depth)
        if isinstance(value, complex):
            return {"$": "complex", "re": self.node(value.real, depth),
                    "im": self.node(value.imag, depth)}
        if isinstance(value, str):
            return str(value)
        if t is list or (isinstance(value, list) and self.fallback is None):
            return [self.node(v, depth + 1) for v in list.__iter__(value)]
        if t is tuple or (isinstance(value, tuple) and self.fallback is None):
            return {"$": "tuple", "items": [self.node(v, depth + 1) for v in tuple.__iter__(value)]}
        if t is dict or t is OrderedDict or (isinstance(value, dict) and self.fallback is None):
            items = []
            for k, v in dict.items(value):
                if not (k is None or type(k) in (str, int, float, bool)):
                    raise CodecError(f"dict key {k!r} of type {type(k).__name__} cannot cross")
                items.append([self.node(k, depth + 1), self.node(v, depth + 1)])
            return {"$": "dict", "items": items}
        if self.fallback is not None:
            return self.fallback(value)
        raise CodecError(f"a value of type {t.__module__}.{t.__qualname__} cannot cross as data")

    def tensor(self, torch, value) -> dict:
        t = value.detach()
        name = str(t.dtype).removeprefix("torch.")
        if name not in _TORCH_DTYPES:
            raise CodecError(f"tensor dtype {t.dtype} cannot cross")
        device = str(t.device)
        nbytes = t.numel() * np.dtype(_TORCH_DTYPES[name]).itemsize

        def data() -> bytes:
            c = t.to("cpu")
            if name == "bfloat16":
                c = c.float()
            return c.resolve_conj().resolve_neg().numpy().tobytes()

        return {"$": "tensor", "dtype": name, "shape": list(t.shape), "device": device,
                "requires_grad": bool(value.requires_grad), "b": self.buffer(nbytes, data)}


def dumps(value: Any, fallback: Callable[[Any], dict] | None = None,
          max_bytes: int | None = None) -> bytes:
    """Encode ``value`` into one frame of bytes.

    Args:
        value: any combination of the types in the module docstring.
        fallback: called with each object that is not plain data; it returns the node
            to send in its place (a handle or callback node, see ``handle_node`` and
            ``callback_node``).  Without it such an object raises ``CodecError``.
            When a fallback is given, subclasses of list/tuple/dict are not trusted to
            be plain containers and go to the fallback too.
        max_bytes: the largest frame allowed; a larger value raises ``FrameTooLarge``
            without its arrays ever being copied.

    Raises:
        CodecError: for values that cannot cross and no fallback.
        FrameTooLarge: the frame would be over ``max_bytes`` (its header alone over
            ``MAX_HEADER_BYTES``).
    """
    enc = _Encoder(fallback, max_bytes)
    root = enc.node(value, 0)
    if max_bytes is not None and enc.offset > max_bytes:
        raise FrameTooLarge(enc.offset, max_bytes)
    header = json.dumps(root, separators=(",", ":"), allow_nan=False).encode()
    size = 4 + len(header) + enc.offset
    if len(header) > MAX_HEADER_BYTES:
        raise FrameTooLarge(size, min(max_bytes or MAX_HEADER_BYTES, MAX_HEADER_BYTES))
    if max_bytes is not None and size > max_bytes:
        raise FrameTooLarge(size, max_bytes)
    return struct.pack("<I", len(header)) + header + b"".join(enc.buffers)


def handle_node(handle_id: int, obj: Any) -> dict:
    """The node that stands for an object kept in the process that owns it."""
    t = type(obj)
    return {"$": "handle", "id": int(handle_id), "type": f"{t.__module__}.{t.__qualname__}"}


def callback_node(callback_id: int) -> dict:
    """The node that stands for a grader-side callable the worker may call back."""
    return {"$": "callback", "id": int(callback_id)}


# ---------------------------------------------------------------------------- decode

class _Decoder:
    def __init__(self, data: memoryview, resolve: Callable[[dict], Any] | None):
        self.data = data
        self.resolve = resolve
        self.next = 0  # where the next buffer must start: each byte is used once
        self.nodes = 0

    def buf(self, node: dict) -> memoryview:
        start, length = node["b"]
        if not (type(start) is int and type(length) is int) or length < 0 \
                or start + length > len(self.data):
            raise CodecError("array buffer outside the frame")
        if start != self.next:
            raise CodecError("array buffers out of order or used twice")
        self.next = start + length
        return self.data[start:start + length]

    @staticmethod
    def dtype(name: Any) -> np.dtype:
        if not isinstance(name, str):
            raise CodecError("bad dtype")
        dt = np.dtype(name)
        if dt.kind not in _ALLOWED_KINDS or dt.hasobject or dt.fields is not None:
            raise CodecError(f"dtype {name!r} is not allowed to cross")
        return dt

    def array(self, node: dict) -> np.ndarray:
        dt = self.dtype(node["dtype"])
        shape = node["shape"]
        if not (isinstance(shape, list) and all(isinstance(s, int) and s >= 0 for s in shape)):
            raise CodecError("bad shape")
        raw = self.buf(node)
        count = math.prod(shape)
        if count * dt.itemsize != len(raw):
            raise CodecError("array size does not match its shape")
        return np.frombuffer(raw, dtype=dt, count=count).reshape(shape).copy()

    def node(self, node: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise CodecError(f"value nested deeper than {MAX_DEPTH} levels")
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise CodecError(f"more than {MAX_NODES:,} values in one answer")
        if type(node) is str and len(node) > MAX_STRING_CHARS:
            raise CodecError(f"a string longer than {MAX_STRING_CHARS:,} characters")
        if node is None or type(node) in (bool, int, float, str):
            return node
        if type(node) is list:
            return [self.node(v, depth + 1) for v in node]
        if type(node) is not dict:
            raise CodecError("malformed frame")
        tag = node.get("$")
        if tag == "tuple":
            return tuple(self.node(v, depth + 1) for v in node["items"])
        if tag == "dict":
            out = {}
            for pair in node["items"]:
                k, v = pair
                key = self.node(k, depth + 1)
                if not (key is None or type(key) in (str, int, float, bool)):
                    raise CodecError("bad dict key")
                out[key] = self.node(v, depth + 1)
            return out
        if tag == "nd":
            return self.array(node)
        if tag == "npscalar":
            dt = self.dtype(node["dtype"])
            raw = self.buf(node)
            if len(raw) != dt.itemsize:
                raise CodecError("scalar size does not match its dtype")
            return np.frombuffer(raw, dtype=dt, count=1)[0]
        if tag == "float":
            if node["v"] not in ("nan", "inf", "-inf"):
                raise CodecError("bad float")
            return float(node["v"])
        if tag == "bigint":
            if not isinstance(node["v"], str) or len(node["v"]) > _MAX_BIGINT_DIGITS:
                raise CodecError("bad integer")
            return int(node["v"])
        if tag == "complex":
            re_, im_ = self.node(node["re"], depth), self.node(node["im"], depth)  # scalar parts
            if not all(type(v) in (int, float) for v in (re_, im_)):
                raise CodecError("bad complex")
            return complex(float(re_), float(im_))
        if tag == "tensor":
            return self.tensor(node)
        if tag == "generator":
            return self.generator(node)
        if tag in ("handle", "callback"):
            if self.resolve is None:
                raise CodecError(f"a {tag} cannot cross here")
            return self.resolve(node)
        raise CodecError(f"unknown node {tag!r}")

    def tensor(self, node: dict):
        import torch  # only a frame that holds a tensor needs torch

        name = node["dtype"]
        if name not in _TORCH_DTYPES:
            raise CodecError(f"tensor dtype {name!r} is not allowed to cross")
        arr = self.array({**node, "dtype": _TORCH_DTYPES[name]})
        t = torch.from_numpy(arr)
        if name == "bfloat16":
            t = t.to(torch.bfloat16)
        if node.get("requires_grad") and t.is_floating_point():
            t.requires_grad_(True)
        device = node.get("device", "cpu")
        if isinstance(device, str) and device != "cpu":
            t.__dict__["_grader_device"] = device
        return t


    def generator(self, node: dict):
        import torch

        state = torch.frombuffer(bytearray(self.buf(node)), dtype=torch.uint8)
        g = torch.Generator()
        try:
            g.set_state(state)
        except (RuntimeError, ValueError) as exc:
            raise CodecError(f"bad generator state: {exc}") from None
        return g


def loads(data: bytes, resolve: Callable[[dict], Any] | None = None) -> Any:
    """Decode one frame made by ``dumps``.

    Args:
        data: the frame's bytes.
        resolve: called with each handle or callback node; returns the object to put
            in its place.  Without it such a node raises ``CodecError``.

    Raises:
        CodecError: if the frame is malformed or holds a type that is not allowed.
    """
    view = memoryview(data)
    if len(view) < 4:
        raise CodecError("frame too short")
    (hlen,) = struct.unpack_from("<I", view, 0)
    if 4 + hlen > len(view):
        raise CodecError("frame header longer than the frame")
    if hlen > MAX_HEADER_BYTES:
        raise CodecError(f"frame header over {human_bytes(MAX_HEADER_BYTES)}")
    try:
        root = json.loads(bytes(view[4:4 + hlen]))
    except (ValueError, RecursionError, OverflowError) as exc:  # JSONDecodeError is a ValueError
        raise CodecError(f"malformed frame header: {type(exc).__name__}") from None
    try:
        return _Decoder(view[4 + hlen:], resolve).node(root, 0)
    except CodecError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, OverflowError, RecursionError) as exc:
        raise CodecError(f"malformed frame: {type(exc).__name__}: {exc}"[:200]) from None


def tensor_device(tensor) -> str:
    """The device a decoded tensor had in the process that sent it ("cpu", "cuda:0")."""
    return tensor.__dict__.get("_grader_device", str(tensor.device))
