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
    "dumps",
    "loads",
    "tensor_device",
    "MAX_DEPTH",
]

#: Deepest nesting of lists/tuples/dicts accepted, in either direction.
MAX_DEPTH = 64

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


def _torch():
    """The torch module if it is already imported in this process, else None.

    The codec never imports torch itself just to *encode*: if no torch was imported,
    no value can be a tensor.
    """
    return sys.modules.get("torch")


# ---------------------------------------------------------------------------- encode

class _Encoder:
    def __init__(self, fallback: Callable[[Any], dict] | None):
        self.fallback = fallback
        self.buffers: list[bytes] = []
        self.offset = 0

    def buffer(self, data: bytes) -> list[int]:
        start = self.offset
        self.buffers.append(data)
        self.offset += len(data)
        return [start, len(data)]

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
            return {"$": "npscalar", "dtype": arr.dtype.str, "b": self.buffer(arr.tobytes())}
        if isinstance(value, np.ndarray) and value.dtype.kind in _ALLOWED_KINDS:
            arr = np.asarray(value, order="C").view(np.ndarray)  # keeps 0-d arrays 0-d
            return {"$": "nd", "dtype": arr.dtype.str, "shape": list(arr.shape),
                    "b": self.buffer(arr.tobytes())}
        torch = _torch()
        if torch is not None and isinstance(value, torch.Tensor):
            return self.tensor(torch, value)
        if torch is not None and t is torch.Generator and value.device.type == "cpu":
            state = value.get_state().numpy()  # a copy: the other side's draws do not advance this one
            return {"$": "generator", "b": self.buffer(state.tobytes())}
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
        t = t.to("cpu")
        if name == "bfloat16":
            t = t.float()
        arr = np.asarray(t.resolve_conj().resolve_neg().numpy(), order="C")
        return {"$": "tensor", "dtype": name, "shape": list(arr.shape), "device": device,
                "requires_grad": bool(value.requires_grad), "b": self.buffer(arr.tobytes())}


def dumps(value: Any, fallback: Callable[[Any], dict] | None = None) -> bytes:
    """Encode ``value`` into one frame of bytes.

    Args:
        value: any combination of the types in the module docstring.
        fallback: called with each object that is not plain data; it returns the node
            to send in its place (a handle or callback node, see ``handle_node`` and
            ``callback_node``).  Without it such an object raises ``CodecError``.
            When a fallback is given, subclasses of list/tuple/dict are not trusted to
            be plain containers and go to the fallback too.

    Raises:
        CodecError: for values that cannot cross and no fallback.
    """
    enc = _Encoder(fallback)
    root = enc.node(value, 0)
    header = json.dumps(root, separators=(",", ":"), allow_nan=False).encode()
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

    def buf(self, node: dict) -> memoryview:
        start, length = node["b"]
        if not (isinstance(start, int) and isinstance(length, int)) or start < 0 or length < 0 \
                or start + length > len(self.data):
            raise CodecError("array buffer outside the frame")
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
