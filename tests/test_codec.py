"""Unit tests of grader.codec: what crosses between the grader and the worker.

Round trips of every documented type, the rejections of values that must not cross,
and a decoder fed hand-forged frames (struct + json), which must answer CodecError and
nothing else.
"""

from __future__ import annotations

import json
import math
import struct

import numpy as np
import pytest
import torch

from grader import codec
from grader.codec import MAX_DEPTH, CodecError, dumps, loads


def roundtrip(value, **kwargs):
    return loads(dumps(value), **kwargs)


def frame(header, buffers: bytes = b"") -> bytes:
    """A frame built by hand: u32 header length, the header, the buffers."""
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<I", len(raw)) + raw + buffers


def assert_rejected(data: bytes, match: str | None = None):
    """loads(data) must raise CodecError, never any other exception."""
    try:
        loads(data)
    except CodecError as exc:
        if match is not None:
            assert match in str(exc), str(exc)
        return
    except BaseException as exc:  # noqa: BLE001 - the point of the test
        pytest.fail(f"loads raised {type(exc).__name__} instead of CodecError: {exc}")
    pytest.fail("loads accepted a malformed frame")


# --------------------------------------------------------------------------- scalars

@pytest.mark.parametrize("value", [None, True, False, 0, 1, -7, 2**53 - 1, 2**53, 2**70,
                                   -(2**70), 3**200, 0.0, -0.0, 1.5, 1e-300, 1e300, ""])
def test_python_scalars_roundtrip(value):
    out = roundtrip(value)
    assert type(out) is type(value)
    assert out == value


def test_bool_is_not_turned_into_int():
    assert roundtrip(True) is True
    assert roundtrip([False, 1]) == [False, 1]
    assert type(roundtrip([False, 1])[1]) is int


def test_negative_zero_keeps_its_sign():
    assert math.copysign(1.0, roundtrip(-0.0)) == -1.0


@pytest.mark.parametrize("value", [math.inf, -math.inf])
def test_infinities_roundtrip(value):
    out = roundtrip(value)
    assert type(out) is float and out == value


def test_nan_roundtrips():
    out = roundtrip(math.nan)
    assert type(out) is float and math.isnan(out)


def test_header_is_strict_json_even_with_nan():
    data = dumps([math.nan, math.inf, -math.inf])
    (hlen,) = struct.unpack_from("<I", data)
    header = data[4:4 + hlen].decode()
    assert "NaN" not in header and "Infinity" not in header
    json.loads(header, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))


@pytest.mark.parametrize("value", [1 + 2j, -0.5j, complex(math.inf, -1), complex(0, math.nan)])
def test_complex_roundtrips(value):
    out = roundtrip(value)
    assert type(out) is complex
    assert (out.real == value.real or (math.isnan(out.real) and math.isnan(value.real)))
    assert (out.imag == value.imag or (math.isnan(out.imag) and math.isnan(value.imag)))


@pytest.mark.parametrize("value", ["héllo wörld", "反向传播", "with \"quotes\" and \\ and \n", "\x00"])
def test_strings_roundtrip(value):
    assert roundtrip(value) == value


@pytest.mark.parametrize("value", [
    np.float64(0.1), np.float32(0.1), np.float16(2.5), np.int64(-(2**62)), np.int32(7),
    np.uint8(255), np.bool_(True), np.complex128(1 - 2j), np.float64(np.nan),
])
def test_numpy_scalars_keep_their_type(value):
    out = roundtrip(value)
    assert type(out) is type(value)
    assert out.dtype == value.dtype
    if np.isnan(value):
        assert np.isnan(out)
    else:
        assert out == value


def test_float32_scalar_value_is_bit_exact():
    value = np.float32(1) / np.float32(3)
    out = roundtrip(value)
    assert type(out) is np.float32
    assert out.tobytes() == value.tobytes()


def test_python_int_and_float_subclasses_cross_as_plain():
    import enum

    class Level(enum.IntEnum):
        HIGH = 3

    class MyFloat(float):
        pass

    out = roundtrip([Level.HIGH, MyFloat(2.5)])
    assert out == [3, 2.5]
    assert type(out[0]) is int and type(out[1]) is float


# --------------------------------------------------------------------------- arrays

@pytest.mark.parametrize("array", [
    np.arange(12, dtype=np.float64).reshape(3, 4),
    np.linspace(-1, 1, 7, dtype=np.float32),
    np.array([[1, -2], [3, 4]], dtype=np.int64),
    np.array([1, 2, 3], dtype=np.int32),
    np.array([0, 255], dtype=np.uint8),
    np.array([True, False, True]),
    np.array([1 + 1j, -2j], dtype=np.complex64),
    np.array([0.5, 1.5], dtype=np.float16),
    np.arange(24, dtype=np.float64).reshape(2, 3, 4),
    np.array([1.0, 2.0], dtype=">f8"),  # big-endian
], ids=lambda a: f"{a.dtype.str}{a.shape}")
def test_arrays_roundtrip(array):
    out = roundtrip(array)
    assert type(out) is np.ndarray
    assert out.dtype == array.dtype
    assert out.shape == array.shape
    np.testing.assert_array_equal(out, array)


def test_array_special_values_roundtrip():
    a = np.array([np.nan, np.inf, -np.inf, -0.0, 1e-310])
    out = roundtrip(a)
    assert out.tobytes() == a.tobytes()


def test_zero_dim_array_stays_an_array():
    a = np.array(3.25)
    out = roundtrip(a)
    assert type(out) is np.ndarray
    assert out.shape == () and out.dtype == np.float64 and out[()] == 3.25


@pytest.mark.parametrize("shape", [(0,), (0, 5), (3, 0), (2, 0, 4)])
def test_empty_arrays_roundtrip(shape):
    a = np.zeros(shape, dtype=np.float32)
    out = roundtrip(a)
    assert out.shape == shape and out.dtype == np.float32


def test_non_contiguous_view_roundtrips_with_its_values():
    base = np.arange(12, dtype=np.float64).reshape(3, 4)
    view = base.T
    assert not view.flags.c_contiguous
    out = roundtrip(view)
    assert out.shape == (4, 3)
    np.testing.assert_array_equal(out, view)
    strided = base[::2, ::-1]
    np.testing.assert_array_equal(roundtrip(strided), strided)


def test_decoded_array_is_writable_and_owns_its_memory():
    out = roundtrip(np.arange(4.0))
    out[0] = 42.0  # must not raise (a read-only frombuffer view would)
    assert out.flags.writeable


class TaggedArray(np.ndarray):
    """A tiny ndarray subclass, as a student might write one."""


def test_ndarray_subclass_comes_back_as_plain_ndarray():
    a = np.arange(6.0).reshape(2, 3).view(TaggedArray)
    out = roundtrip(a)
    assert type(out) is np.ndarray
    np.testing.assert_array_equal(out, np.arange(6.0).reshape(2, 3))


def test_masked_array_comes_back_as_plain_ndarray():
    m = np.ma.array([1.0, 2.0, 3.0], mask=[False, True, False])
    out = roundtrip(m)
    assert type(out) is np.ndarray
    np.testing.assert_array_equal(out, [1.0, 2.0, 3.0])


def test_matrix_comes_back_as_plain_ndarray():
    with pytest.warns(PendingDeprecationWarning):
        m = np.matrix([[1, 2], [3, 4]])
    out = roundtrip(m)
    assert type(out) is np.ndarray
    np.testing.assert_array_equal(out, [[1, 2], [3, 4]])


def test_object_array_is_rejected():
    with pytest.raises(CodecError):
        dumps(np.array([1, "a", None], dtype=object))


@pytest.mark.parametrize("array", [
    np.array(["ab", "c"]),
    np.array([b"x"]),
    np.zeros(2, dtype=[("a", "<f8"), ("b", "<i4")]),
    np.array(["2024-01-01"], dtype="datetime64[D]"),
])
def test_other_non_numeric_arrays_are_rejected(array):
    with pytest.raises(CodecError):
        dumps(array)


def test_object_array_with_fallback_goes_to_the_fallback():
    arr = np.array([1, "a"], dtype=object)
    seen = []

    def fallback(obj):
        seen.append(obj)
        return codec.handle_node(9, obj)

    out = loads(dumps(arr, fallback=fallback), resolve=lambda node: ("resolved", node["id"]))
    assert seen and seen[0] is arr
    assert out == ("resolved", 9)


# --------------------------------------------------------------------------- tensors

@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64, torch.bool,
                                   torch.bfloat16, torch.float16, torch.int8, torch.uint8,
                                   torch.complex64])
def test_tensors_roundtrip(dtype):
    src = torch.tensor([[0.0, 1.5, -2.0], [3.0, 0.25, 1.0]])
    t = src.to(dtype) if dtype is not torch.complex64 else torch.complex(src, -src)
    out = roundtrip(t)
    assert isinstance(out, torch.Tensor)
    assert out.dtype == dtype
    assert out.shape == t.shape
    assert out.device.type == "cpu"
    assert torch.equal(out, t)
    assert codec.tensor_device(out) == "cpu"


def test_bfloat16_values_are_exact():
    t = torch.tensor([1 / 3, 1e-3, 65504.0, -7.0]).to(torch.bfloat16)
    out = roundtrip(t)
    assert out.dtype == torch.bfloat16
    assert torch.equal(out, t)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_requires_grad_is_preserved(dtype):
    t = torch.randn(3, 2, dtype=dtype, requires_grad=True)
    out = roundtrip(t)
    assert out.requires_grad
    assert out.is_leaf  # a fresh leaf, not connected to the sender's graph
    assert torch.equal(out.detach(), t.detach())
    assert not roundtrip(t.detach()).requires_grad


def test_tensor_with_history_crosses_as_its_values():
    w = torch.ones(3, requires_grad=True)
    y = w * 2  # a non-leaf with grad_fn
    out = roundtrip(y)
    assert out.requires_grad and out.grad_fn is None
    assert torch.equal(out.detach(), torch.full((3,), 2.0))


def test_non_contiguous_tensor():
    t = torch.arange(12.0).reshape(3, 4).t()
    assert not t.is_contiguous()
    assert torch.equal(roundtrip(t), t)


def test_zero_dim_tensor_stays_zero_dim():
    s = torch.tensor(2.5, requires_grad=True)
    out = roundtrip(s)
    assert out.shape == () and out.item() == 2.5
    assert out.requires_grad


def test_conjugate_and_negative_view_tensors_roundtrip():
    z = torch.tensor([1 + 2j, 3 - 1j])
    assert torch.equal(roundtrip(z.conj()), z.conj().resolve_conj())
    x = torch.tensor([1.0, -2.0])
    assert torch.equal(roundtrip(torch._neg_view(x)), -x)


def test_decoded_tensor_remembers_a_foreign_device():
    arr = np.arange(3, dtype="<f4")
    data = frame({"$": "tensor", "dtype": "float32", "shape": [3], "device": "cuda:0",
                  "requires_grad": False, "b": [0, arr.nbytes]}, arr.tobytes())
    out = loads(data)
    assert out.device.type == "cpu"
    assert codec.tensor_device(out) == "cuda:0"


def test_forged_requires_grad_on_an_int_tensor_is_ignored():
    arr = np.arange(3, dtype="<i8")
    data = frame({"$": "tensor", "dtype": "int64", "shape": [3], "device": "cpu",
                  "requires_grad": True, "b": [0, arr.nbytes]}, arr.tobytes())
    out = loads(data)
    assert out.dtype == torch.int64 and not out.requires_grad


# --------------------------------------------------------------------------- containers

def test_tuple_and_list_are_kept_apart():
    value = ([1, 2], (3, 4), [], (), ((),), [[]])
    out = roundtrip(value)
    assert out == value
    assert type(out) is tuple
    assert type(out[0]) is list and type(out[1]) is tuple
    assert type(out[2]) is list and type(out[3]) is tuple
    assert type(out[4][0]) is tuple and type(out[5][0]) is list


def test_dict_keys_of_every_allowed_type():
    value = {"a": 1, 2: "two", 3.5: [1], True: None, None: (1,), -7: {"nested": 0}}
    out = roundtrip(value)
    assert out == value
    assert list(out) == list(value)  # order kept
    assert type(list(out)[1]) is int


def test_int_keyed_dict_does_not_become_string_keyed():
    out = roundtrip({0: "a", 1: "b", 10**30: "big"})
    assert set(out) == {0, 1, 10**30}
    assert all(type(k) is int for k in out)


def test_nested_mixed_structure():
    value = {
        "params": {"W1": np.ones((2, 3)), "b1": np.zeros(3, dtype=np.float32)},
        "history": [(0, 1.5), (1, np.float64(0.75))],
        "grads": (torch.ones(2), None, [np.int64(3)]),
        "flags": [True, False],
        2: 1 + 1j,
    }
    out = roundtrip(value)
    assert set(out) == set(value)
    np.testing.assert_array_equal(out["params"]["W1"], np.ones((2, 3)))
    assert out["params"]["b1"].dtype == np.float32
    assert out["history"] == [(0, 1.5), (1, 0.75)]
    assert type(out["history"][1][1]) is np.float64
    assert torch.equal(out["grads"][0], torch.ones(2))
    assert out["grads"][1] is None
    assert type(out["grads"][2][0]) is np.int64
    assert out[2] == 1 + 1j


def test_container_subclasses_without_fallback_cross_as_plain_containers():
    import collections

    class MyList(list):
        pass

    Point = collections.namedtuple("Point", "x y")
    out = roundtrip([MyList([1, 2]), Point(1, 2), collections.OrderedDict(a=1)])
    assert out == [[1, 2], (1, 2), {"a": 1}]
    assert type(out[0]) is list and type(out[1]) is tuple and type(out[2]) is dict


def test_container_subclasses_with_fallback_go_to_the_fallback():
    class MyList(list):
        pass

    sub = MyList([1])
    seen = []

    def fallback(obj):
        seen.append(obj)
        return codec.handle_node(1, obj)

    out = loads(dumps([sub, [2]], fallback=fallback), resolve=lambda node: "H")
    assert seen == [sub]
    assert out == ["H", [2]]


def test_an_ordered_dict_crosses_as_a_plain_dict_even_with_a_fallback():
    import collections

    state = collections.OrderedDict([("fc1.weight", np.ones((2, 3))), ("fc1.bias", np.zeros(2))])
    out = loads(dumps(state, fallback=lambda obj: pytest.fail("no fallback for OrderedDict")))
    assert type(out) is dict and list(out) == ["fc1.weight", "fc1.bias"]


def test_unsupported_dict_key_is_rejected():
    with pytest.raises(CodecError, match="dict key"):
        dumps({(1, 2): "tuple key"})
    with pytest.raises(CodecError):
        dumps({np.int64(1): "numpy key"})


# --------------------------------------------------------------------------- other objects

class Opaque:
    pass


@pytest.mark.parametrize("value", [Opaque(), object(), lambda x: x, {1, 2}, b"bytes",
                                   slice(1, 2), range(3), [1, Opaque()], {"k": Opaque()}])
def test_unknown_objects_without_fallback_raise(value):
    with pytest.raises(CodecError):
        dumps(value)


def test_unknown_object_becomes_the_node_the_fallback_returns():
    obj = Opaque()
    nodes = []

    def fallback(o):
        assert o is obj
        node = codec.handle_node(42, o)
        nodes.append(node)
        return node

    data = dumps({"obj": obj, "n": 1}, fallback=fallback)
    out = loads(data, resolve=lambda node: node)
    assert out == {"obj": nodes[0], "n": 1}
    assert nodes[0]["$"] == "handle" and nodes[0]["id"] == 42
    assert nodes[0]["type"].endswith("Opaque")


def test_callback_node_roundtrips_through_resolve():
    data = dumps([print], fallback=lambda o: codec.callback_node(3))
    out = loads(data, resolve=lambda node: (node["$"], node["id"]))
    assert out == [("callback", 3)]


@pytest.mark.parametrize("node", [codec.handle_node(1, Opaque()), codec.callback_node(1)])
def test_handle_or_callback_without_resolve_raises(node):
    data = dumps(Opaque(), fallback=lambda o: node)
    with pytest.raises(CodecError):
        loads(data)
    assert_rejected(frame(node))


# --------------------------------------------------------------------------- depth

def nest_lists(depth, leaf=0):
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def test_nesting_up_to_the_limit_roundtrips():
    value = nest_lists(MAX_DEPTH)
    assert roundtrip(value) == value


def test_nesting_past_the_limit_is_rejected_when_encoding():
    with pytest.raises(CodecError, match="nested"):
        dumps(nest_lists(MAX_DEPTH + 1))
    d = {}
    cur = d
    for _ in range(MAX_DEPTH + 1):
        cur["k"] = {}
        cur = cur["k"]
    with pytest.raises(CodecError):
        dumps(d)


def test_self_referencing_list_is_rejected_not_a_recursion_error():
    a = []
    a.append(a)
    with pytest.raises(CodecError):
        dumps(a)


def test_forged_nesting_past_the_limit_is_rejected_when_decoding():
    assert_rejected(frame(nest_lists(MAX_DEPTH + 5)), match="nested")
    tuples = 0
    for _ in range(MAX_DEPTH + 5):
        tuples = {"$": "tuple", "items": [tuples]}
    assert_rejected(frame(tuples))


def test_extremely_deep_forged_header_is_a_codec_error():
    assert_rejected(frame(b"[" * 200_000 + b"]" * 200_000))


@pytest.mark.parametrize("leaf", [
    1.5,
    "text",
    2**70,
    math.inf,
    np.float32(2),
    1 + 2j,
], ids=repr)
def test_what_dumps_accepts_at_the_depth_limit_loads_accepts(leaf):
    value = nest_lists(MAX_DEPTH, leaf)
    data = dumps(value)
    assert loads(data) == value


# --------------------------------------------------------------------------- forged frames

F8 = np.array([1.0, 2.0, 3.0]).tobytes()


def nd(**over):
    node = {"$": "nd", "dtype": "<f8", "shape": [3], "b": [0, 24]}
    node.update(over)
    return node


def test_hand_built_frame_is_accepted():
    out = loads(frame({"$": "tuple", "items": [nd(), 5, {"$": "float", "v": "-inf"}]}, F8))
    np.testing.assert_array_equal(out[0], [1.0, 2.0, 3.0])
    assert out[1] == 5 and out[2] == -math.inf


@pytest.mark.parametrize("data", [b"", b"\x01", b"\x00\x00\x00"], ids=["empty", "1 byte", "3 bytes"])
def test_frame_shorter_than_its_length_prefix(data):
    assert_rejected(data)


def test_truncated_frames():
    good = dumps({"x": np.arange(10.0), "y": [1, 2, 3]})
    assert loads(good)["y"] == [1, 2, 3]
    for cut in (1, 5, len(good) // 2, len(good) - 1):
        assert_rejected(good[:cut])


def test_header_length_past_the_end():
    header = json.dumps([1, 2]).encode()
    assert_rejected(struct.pack("<I", len(header) + 1) + header, match="header")
    assert_rejected(struct.pack("<I", 2**32 - 1) + header)


@pytest.mark.parametrize("header", [b"", b"{", b"[1, 2", b"not json", b"\xff\xfe\xfd",
                                   b'"\xc3\x28"', b"[1] [2]"])
def test_malformed_header_text(header):
    assert_rejected(frame(header))


@pytest.mark.parametrize("b", [[0, 32], [8, 24], [-8, 8], [0, -1], [2**62, 8], [24, 1],
                               [0.0, 24], ["0", 24], [0], [0, 24, 1], 5, None, "0:24"],
                         ids=str)
def test_buffer_offsets_out_of_range_or_malformed(b):
    assert_rejected(frame(nd(b=b), F8))


def test_buffer_pointing_into_the_header_is_impossible():
    # offsets count from the end of the header: [0, 24] can never read header bytes
    out = loads(frame(nd(), F8))
    np.testing.assert_array_equal(out, [1.0, 2.0, 3.0])


@pytest.mark.parametrize("dtype", ["O", "|O", "|V8", "V8", "<M8[s]", "<m8[s]", "<U1", "|S8",
                                   "(3,)f8", "[('a', '<f8')]", "f8,f8", "nonsense", "", 8,
                                   None, ["<f8"]])
def test_forged_dtypes_are_rejected(dtype):
    assert_rejected(frame(nd(dtype=dtype, shape=[1], b=[0, 8]), F8))
    assert_rejected(frame({"$": "npscalar", "dtype": dtype, "b": [0, 8]}, F8))


@pytest.mark.parametrize("shape", [[4], [2, 2], [3, 1, 2], [], [-3], [1.5, 2], ["3"], 3,
                                   None, [1] * 100, [2**63, 0], [0, 2**64]], ids=str)
def test_shape_size_mismatch_or_malformed_shape(shape):
    assert_rejected(frame(nd(shape=shape), F8))


def test_shape_with_zero_and_empty_buffer_is_fine():
    out = loads(frame(nd(shape=[0, 3], b=[0, 0]), F8))
    assert out.shape == (0, 3)


def test_npscalar_with_wrong_size():
    assert_rejected(frame({"$": "npscalar", "dtype": "<f8", "b": [0, 4]}, F8))
    assert_rejected(frame({"$": "npscalar", "dtype": "<f4", "b": [0, 8]}, F8))


@pytest.mark.parametrize("node", [
    {"$": "tensor", "dtype": "float128", "shape": [1], "b": [0, 8]},
    {"$": "tensor", "dtype": "object", "shape": [1], "b": [0, 8]},
    {"$": "tensor", "dtype": "<f8", "shape": [1], "b": [0, 8]},
    {"$": "tensor", "dtype": "float64", "shape": [2], "b": [0, 8]},
    {"$": "tensor", "dtype": "float64", "shape": [1]},
])
def test_forged_tensor_nodes(node):
    assert_rejected(frame(node, F8))


@pytest.mark.parametrize("node", [
    {"$": "pickle", "v": "gASVAAAA"},
    {"$": "function", "name": "os.system"},
    {"$": None},
    {"$": ["tuple"]},
    {"x": 1},
    {},
], ids=str)
def test_unknown_tags_are_rejected(node):
    assert_rejected(frame(node))


@pytest.mark.parametrize("node", [
    {"$": "tuple"},
    {"$": "tuple", "items": 5},
    {"$": "dict", "items": [[1]]},
    {"$": "dict", "items": [[1, 2, 3]]},
    {"$": "dict", "items": [[[1], 2]]},
    {"$": "dict", "items": [[{"$": "tuple", "items": [1]}, 2]]},
    {"$": "dict", "items": 3},
    {"$": "float", "v": "1.5"},
    {"$": "float", "v": "__import__('os')"},
    {"$": "float", "v": 1.5},
    {"$": "bigint", "v": "12abc"},
    {"$": "bigint", "v": None},
    {"$": "bigint", "v": "9" * 5000},
    {"$": "complex", "re": 1},
    {"$": "complex", "re": "1", "im": 0},
    {"$": "complex", "re": [1], "im": 0},
], ids=str)
def test_malformed_known_nodes(node):
    assert_rejected(frame(node))


def test_huge_integer_literal_in_header_is_a_codec_error():
    assert_rejected(frame(b"1" + b"0" * 5000))


def test_complex_with_huge_parts_is_a_codec_error():
    big = {"$": "bigint", "v": "1" + "0" * 400}
    assert_rejected(frame({"$": "complex", "re": big, "im": 0}))


def test_random_corruption_only_ever_raises_codec_error():
    rng = np.random.default_rng(1234)
    good = dumps({"W": np.arange(6.0).reshape(2, 3), "t": (1, "a", None), "c": 1j,
                  "s": np.float32(2), "big": 2**80, "x": torch.arange(3)})
    for _ in range(300):
        data = bytearray(good)
        for pos in rng.integers(0, len(data), size=rng.integers(1, 4)):
            data[pos] = int(rng.integers(0, 256))
        try:
            loads(bytes(data))
        except CodecError:
            pass
        except BaseException as exc:  # noqa: BLE001
            pytest.fail(f"corrupted frame raised {type(exc).__name__}: {exc}")


def test_a_torch_generator_crosses_as_a_copy_of_its_state():
    import torch

    g = torch.Generator().manual_seed(1234)
    copy = roundtrip(g)
    assert isinstance(copy, torch.Generator) and copy is not g
    assert torch.equal(torch.rand(5, generator=copy), torch.rand(5, generator=g))


def test_a_generator_with_a_bad_state_is_rejected():
    frame = dumps(__import__("torch").Generator())
    header_len = int.from_bytes(frame[:4], "little")
    with pytest.raises(CodecError):
        loads(frame[:4 + header_len] + frame[4 + header_len:-8])  # state cut short
